"""Extraction modes (sources.html_extract): the cascade's rules, fallback between libraries, what an extraction keeps."""

from __future__ import annotations

import typing

import pytest

from curation.config import IngestConfig
from sources.html_extract import DEFAULT_MODE, MODES, ExtractionFailed, extract, trim_to_paragraphs, unsure

PARA = (
    "Die Stadtbibliothek öffnet nach der Renovierung am Montag wieder ihre Türen, mit längeren Öffnungszeiten, "
    "einem neuen Lesesaal und mehr Arbeitsplätzen für Studierende."
)
SECOND = "Der Umbau hat zwei Jahre gedauert und wurde zum großen Teil aus Mitteln des Landes bezahlt, sagte die Bürgermeisterin."
COMMENT = "Endlich! Ich war jeden Tag dort, bevor sie geschlossen wurde, und freue mich riesig auf den neuen Lesesaal."


def article(extra: str = "") -> str:
    return (
        '<html lang="de-AT"><head><title> Bibliothek öffnet wieder </title></head><body>'
        '<div class="menu"><a href="/">Start</a> <a href="/kultur">Kultur</a></div>'
        f"<article><h1>Bibliothek öffnet wieder</h1><p>{PARA}</p><p>{SECOND}</p></article>{extra}"
        "<footer>© 2024 Stadtzeitung · Impressum · Datenschutz</footer></body></html>"
    )


def test_modes_are_the_config_choices_and_cascade_is_the_default():
    choices = typing.get_args(IngestConfig.model_fields["html_extractor"].annotation)
    assert set(choices) == set(MODES) and DEFAULT_MODE == "cascade" == IngestConfig().html_extractor


def test_cascade_prunes_comment_threads_that_resiliparse_keeps():
    html = article(f'<div id="comments"><h3>3 Kommentare</h3><ol class="comment-list"><li><p>{COMMENT}</p></li></ol></div>')
    assert COMMENT in extract(html, "resiliparse").text
    got = extract(html, "cascade")
    assert PARA in got.text and SECOND in got.text and COMMENT not in got.text
    assert (got.extractor, got.fallback) == ("resiliparse", None)


def test_a_page_that_is_its_comments_keeps_them():
    html = f'<html><body><div class="comments"><p>{COMMENT}</p><p>{PARA}</p></div></body></html>'
    assert COMMENT in extract(html, "cascade").text


def test_extraction_keeps_title_declared_language_and_counts_boilerplate():
    got = extract(article(), "cascade")
    assert (got.title, got.declared_lang) == ("Bibliothek öffnet wieder", "de-AT")
    assert "Impressum" not in got.text and "Kultur" not in got.text
    visible_extra = len("Start Kultur") + len("© 2024 Stadtzeitung · Impressum · Datenschutz")
    assert got.boilerplate_chars >= visible_extra
    assert extract(article(), "cascade") == got  # deterministic


def test_trim_keeps_paragraph_span_and_drops_repeated_share_bars():
    text = "\n".join(["Startseite", "Teilen Facebook", PARA, "Teilen Facebook", "Foto: dpa", SECOND, "Teilen Facebook", "Mehr lesen"])
    assert trim_to_paragraphs(text) == "\n".join([PARA, "Foto: dpa", SECOND])
    assert trim_to_paragraphs("Nur ein Menü\nKontakt") == "Nur ein Menü\nKontakt"  # no paragraph: nothing to trim to


def test_unsure_when_the_trim_cut_much_of_the_text():
    both = PARA + "\n" + SECOND
    assert not unsure(both, both)
    assert not unsure("Menü\n" + both, both)
    assert unsure("x" * 1000 + "\n" + PARA, PARA)


@pytest.mark.parametrize(
    ("mode", "page", "used"),
    [
        ("cascade", f"<html><body><div class='nav'><p>{PARA}</p></div></body></html>", "trafilatura"),
        ("resiliparse", f"<html><body><ul><li>{SECOND}</li></ul></body></html>", "trafilatura"),
        ("trafilatura", f"<html><body><div class='comments'><p>{PARA}</p></div></body></html>", "resiliparse"),
    ],
)
def test_empty_extraction_falls_back_to_the_other_library(mode, page, used):
    got = extract(page, mode)
    assert got.text and (got.extractor, got.fallback) == (used, mode)


def test_no_visible_text_is_empty_and_menus_only_is_no_main_text():
    assert extract("<html><head><script>var a = 1;</script></head><body> </body></html>").text == ""
    with pytest.raises(ExtractionFailed) as failed:
        extract(f"<html><body><footer><p>{PARA}</p></footer></body></html>")
    assert failed.value.problem == "no_main_text"


def test_unknown_mode_is_an_error():
    with pytest.raises(ValueError, match="unknown html extractor 'lynx'"):
        extract("<p>x</p>", "lynx")


def test_paragraph_rule_counts_wide_characters_twice():
    # a 30-character Chinese sentence says what ~60 Latin characters do: short CJK paragraphs are not cut as menu lines
    first = "市图书馆在翻修后于周一重新开放，开放时间更长，还有新的阅览室。"
    long = "工程持续了两年，大部分费用由省政府承担，市长在开幕式上说，图书馆将成为全市学生和老人学习交流的重要场所，欢迎大家常来。"
    last = "读者可以在网上预约座位，也可以直接到一楼的服务前台办理新的借书证。"
    text = "\n".join(["首页", first, long, last, "版权所有"])
    assert trim_to_paragraphs(text) == "\n".join([first, long, last])
