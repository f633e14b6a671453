"""Extraction modes (sources.html_extract): the cascade's rules, fallback between libraries, what an extraction keeps."""

from __future__ import annotations

import typing
import unicodedata

import pytest

from curation.config import IngestConfig
from sources.html_extract import DEFAULT_MODE, MODES, ExtractionFailed, display_width, extract, trim_to_paragraphs, unsure

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
    assert not unsure(both, both, both)
    assert not unsure("Menü\n" + both, both, both)
    assert unsure("x" * 1000 + "\n" + PARA, PARA, PARA)


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


# one paragraph each, 60 to 119 display columns wide (a paragraph only by how it ends), in scripts whose sentences do not
# end with an ASCII full stop; the Arabic one ends with the right-to-left mark such pages put after their lines
SHORT_PARAGRAPHS = {
    "hi": "नया पुस्तकालय सोमवार से फिर खुलेगा और पाठक देर शाम तक वहाँ बैठकर पढ़ सकेंगे।",
    "ar": "هل تعرف أن المكتبة الجديدة ستفتح أبوابها يوم الاثنين حتى المساء لكل القراء؟\u200f",
    "am": "አዲሱ ቤተ መጻሕፍት ከሰኞ ጀምሮ እስከ ምሽት ድረስ ለአንባቢዎች ክፍት ይሆናል፤ ሁሉም ይጋበዛሉ።",
    "my": "စာကြည့်တိုက်အသစ်သည် တနင်္လာနေ့မှစ၍ ညနေအထိ စာဖတ်သူများအတွက် ဖွင့်ထားမည်။",
    "ja": "館長は開館式で「新しい閲覧室で多くの市民に本を楽しんでほしい」",
}


@pytest.mark.parametrize("lang", sorted(SHORT_PARAGRAPHS))
def test_paragraph_rule_knows_the_sentence_ends_of_other_scripts(lang):
    # a short closing paragraph is kept when its script's full stop (or closing bracket) ends it, as '.' does in Latin text
    last = SHORT_PARAGRAPHS[lang]
    assert 60 <= display_width(last.rstrip("\u200f")) < 120
    text = "\n".join(["Menu", PARA, last, "Kontakt"])
    assert trim_to_paragraphs(text) == "\n".join([PARA, last])


def test_repeated_interview_questions_are_kept_and_share_bars_still_go():
    # an interview asks every guest the same questions: a question repeated three times is text, not a share bar
    question = "¿Qué te llevó a abrir un blog de cocina?"
    answers = [
        "Empecé a escribir recetas para mi familia y un día mis amigos me pidieron que las publicara en internet para todos.",
        "Siempre cocinaba los domingos con mi abuela, y quería guardar sus platos antes de que se perdieran para siempre.",
        "Fue casi por casualidad: una foto de un pastel se hizo popular y de repente cientos de personas pedían la receta.",
    ]
    lines = [line for answer in answers for line in ("Compartir en Facebook", question, answer)] + ["Compartir en Facebook"]
    kept = [answers[0], question, answers[1], question, answers[2]]  # the trim starts at the first paragraph
    assert trim_to_paragraphs("\n".join(lines)) == "\n".join(kept)


# a page with little text: a short intro and a list whose items are links, which resiliparse takes for navigation
LINKED_LIST_PAGE = (
    '<html lang="en"><head><title>Notes</title></head><body>'
    '<nav><a href="/">Home</a> / <a href="/papers">Papers</a> / <a href="/notes">Notes</a></nav>'
    '<div id="content"><h1>Notes</h1><p>Some things worth knowing about this garden, in no order:</p><ul>'
    '<li>The pear tree by the <a href="/shed">shed</a> was planted by my grandmother in the <a href="/50s">fifties</a>.</li>'
    '<li>We keep <a href="/bees">two hives</a> of bees; please do not stand in front of them in <a href="/summer">summer</a>.</li>'
    '<li>The pond has frogs, newts and, on one <a href="/heron">memorable morning</a>, a heron that ate the goldfish.</li>'
    '<li>Tomatoes grow best along the <a href="/wall">south wall</a>, where the bricks keep the <a href="/day">day</a>\'s warmth.</li>'
    "</ul></div><footer>Built with a static site generator</footer></body></html>"
)


def test_cascade_asks_trafilatura_when_resiliparse_keeps_little_of_the_page():
    assert "heron" not in extract(LINKED_LIST_PAGE, "resiliparse").text  # the list went as navigation
    got = extract(LINKED_LIST_PAGE, "cascade")
    assert "heron" in got.text and "pear tree" in got.text and "Home" not in got.text
    assert (got.extractor, got.fallback) == ("trafilatura", None)


def test_unsure_when_little_text_is_kept_from_a_page_showing_paragraphs_it_left_out():
    intro = "Some things worth knowing about this garden:"
    items = [f"• A linked sentence about the garden, its pond and the heron that came on morning {n}." for n in range(3)]
    assert unsure(intro, intro, "\n".join(["Home", intro, *items]))
    assert not unsure(intro, intro, "Home\n" + intro)  # a short page: nothing more to find
    assert not unsure(intro, intro, "\n".join(["Home", intro, *(["Impressum | Kontakt | Datenschutz | Archiv"] * 20)]))  # menus only
    assert not unsure(PARA + "\n" + SECOND, PARA + "\n" + SECOND, "\n".join([PARA, SECOND, *items * 3]))  # enough text kept


def test_rows_of_link_titles_are_not_paragraphs_in_any_script():
    # a row of short titles set apart by wide gaps is over 120 columns wide in Chinese (wide characters count twice), but a menu
    row = "城市新闻        体育赛事报道        文化生活周刊        天气与交通        读者来信选登        图书馆活动        招聘信息"
    bars = "Accueil | Actualités | Culture | Sport | Économie | Météo | Contact | Mentions légales | Plan du site | Archives | Abonnement"
    story = "　　市图书馆在翻修后于周一重新开放，开放时间更长，还有新的阅览室，工程持续了两年，大部分费用由省政府承担。"
    assert display_width(row) >= 120 and len(bars) >= 120
    assert trim_to_paragraphs("\n".join([row, bars, story, bars, row])) == story.strip()
    assert trim_to_paragraphs("\n".join(["Menu", PARA, SECOND])) == "\n".join([PARA, SECOND])  # single gaps are prose


def test_display_width_counts_east_asian_wide_and_fullwidth_characters_twice_everywhere_in_unicode():
    # the fast path (ASCII, then regex-counted wide blocks) agrees with the Unicode East Asian Width table on every code point
    points = [chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF]
    for start in range(0, len(points), 4096):
        chunk = "".join(points[start : start + 4096])
        wide = sum(1 for ch in chunk if ch >= "\u1100" and unicodedata.east_asian_width(ch) in "WF")  # below: none assigned
        assert display_width(chunk) == len(chunk) + wide, start
    assert (display_width("abc"), display_width("图书馆"), display_width("Ｂ１"), display_width("한국어 ok")) == (3, 6, 4, 9)


# Thai ends a sentence with a space, not a mark: a 60-column line of Thai prose is a paragraph as it stands
THAI_LONG = "ห้องสมุดประชาชนของเมืองกลับมาเปิดให้บริการอีกครั้งหลังจากปิดปรับปรุงเป็นเวลาสองปี มีห้องอ่านหนังสือใหม่และที่นั่งเพิ่มขึ้นสำหรับนักเรียนนักศึกษา"
THAI_SHORT = "ผู้อ่านสามารถจองที่นั่งทางออนไลน์หรือสมัครบัตรใหม่ได้ที่ชั้นหนึ่ง"


def test_thai_paragraphs_need_no_full_stop_and_the_cascade_keeps_the_page():
    assert 60 <= display_width(THAI_SHORT) < 120
    assert trim_to_paragraphs("\n".join(["หน้าแรก", THAI_LONG, THAI_SHORT, "ติดต่อเรา"])) == "\n".join([THAI_LONG, THAI_SHORT])
    html = (
        '<html lang="th"><body><nav><a href="/">หน้าแรก</a> <a href="/news">ข่าว</a></nav>'
        f"<article><h1>ห้องสมุด</h1><p>{THAI_LONG}</p><p>{THAI_SHORT}</p></article><footer>สงวนลิขสิทธิ์</footer></body></html>"
    )
    got = extract(html, "cascade")  # no trim cut, so no reason to ask trafilatura
    assert THAI_SHORT in got.text and got.extractor == "resiliparse"
