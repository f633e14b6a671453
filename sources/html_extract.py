"""Decoded HTML → main-content text, title, declared language and the boilerplate removed.

Modes (`MODES`, chosen by the run config's `ingest.html_extractor` or an entry's option):

- `cascade` (the default): resiliparse's main-content DOM extraction with rules tuned on a
  development half of the article-extraction benchmark (`benchmarks/bench_extraction.py`): comment
  threads (by the ids and classes comment engines give them) are pruned from the DOM first, the
  text is trimmed to run from its first to its last paragraph-like line, and short lines repeated
  three times or more (share bars and the like; not questions) go. Where a cheap signal says
  resiliparse is unsure (the trim cut over 30 % of its text, or little text was kept from a page
  showing paragraphs resiliparse left out), trafilatura extracts the page instead: on the
  benchmark's article pages one in 25 to 100, on the sample's crawl pages 8 in 54. The rules are
  script-aware (wide characters count two columns; the sentence ends of Arabic, Indic, Ethiopic,
  Southeast Asian and CJK text count, Thai and Lao need none; rows of link titles are never paragraphs) and read no
  declared language: `benchmarks/bench_extraction_agreement.py` checks them on multilingual pages.
- `resiliparse`: resiliparse's main-content extraction as it is (fastest).
- `trafilatura`: trafilatura with `favor_precision`, and plain trafilatura where that finds nothing.

No page is lost silently: when a mode's extraction is empty (or fails) on a page with visible
text, the other library extracts it (`Extraction.fallback` names the mode that gave nothing; the
ingest counts these as `extraction_fallback`). Everything is deterministic (trafilatura's
cross-document `deduplicate` cache is off).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# a line ending like this, or twice the minimum length, is a paragraph (not a menu item, a caption, a byline): the ends
# of sentences of Latin, Cyrillic and Greek text and of Arabic (؟ ۔), Devanagari (। ॥), Armenian (։), Ethiopic (።),
# Myanmar (။), Khmer (។), Tibetan (།) and CJK text (fullwidth forms), and the quotes and brackets that close them
# (»…«, 「…」, （…）; not ’ and “, which end as many English headlines as sentences)
_QUESTION_MARKS = "?？\u061f\u037e"  # ? ？ ؟ ;
_FULL_STOPS = _QUESTION_MARKS + ".!。！｡．…\u06d4\u0964\u0965\u0589\u1362\u104b\u17d4\u0f0d"
_SENTENCE_END = tuple(_FULL_STOPS + ':;"”»«›)）」』】')
# Thai and Lao end sentences with a space, not a mark: a line ending in a letter of theirs ends like a sentence
_UNPUNCTUATED = frozenset(map(chr, range(0x0E00, 0x0F00)))
# invisible format characters (bidi marks of right-to-left pages, zero-width spaces) a line may end with
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
PARAGRAPH_CHARS = 60
# a line of this many short cells set apart by these gaps (runs of blanks, tabs, bars) is a menu or link row
ROW_CELLS = 3
_CELL_GAP = re.compile(r"[ \t\u00a0\u3000]{3,}|\t|\s[|·•]\s")
REPEATED_LINE = 3  # a short line seen this often on one page is boilerplate (share bars, "Read more")
# ... unless it is a question this wide (an interview's recurring question; a full stop does not do: "1 tsp." ends the
# recurring lines of a recipe table)
REPEATED_QUESTION_CHARS = 30
# the cascade asks trafilatura when the trim kept less than this share of resiliparse's text (a share of
# short lines, also tried, sent a third of real crawl pages to trafilatura for no gain on the held-out half)
UNSURE_KEPT = 0.7
# ... and when the text kept is short (under this display width) while the page shows at least as much again in
# paragraphs it did not keep: a page with little text whose body resiliparse took for navigation (a list of linked
# sentences); a short page whose other lines are menus, link rows and notices is not escalated (crawl spam)
SHORT_TEXT = 200
# comment threads by the ids and classes blog engines and comment widgets give them (WordPress, Disqus, ...), matched
# exactly (a substring rule, `[class*=comment]`, costs a tenth of the speed); pruned before extraction unless a
# match holds over half of the page's text (a page that is its comments)
COMMENT_IDS = ("comments", "respond", "disqus_thread", "comments-section", "comment-section", "commentsContainer", "comment-form")
COMMENT_CLASSES = (
    "comments",
    "comment-list",
    "commentlist",
    "comments-area",
    "comment-respond",
    "comments-section",
    "comment-section",
    "comments-container",
    "comment-form",
)
_COMMENT_NODES = ", ".join([f"#{name}" for name in COMMENT_IDS] + [f".{name}" for name in COMMENT_CLASSES])
_NEVER_PRUNED = frozenset({"html", "body", "main", "article"})
# blocks wide throughout (CJK punctuation, kana, Han, Hangul syllables, fullwidth forms): counted by one regex pass
_SURELY_WIDE = "\u3000-\u303e\u3041-\u3096\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uff01-\uff60"
_WIDE_BLOCKS = re.compile(f"[{_SURELY_WIDE}]")
_OTHER_HIGH = re.compile(f"[^\x00-\u10ff{_SURELY_WIDE}]")


@dataclass(frozen=True)
class Extraction:
    text: str
    title: str | None
    declared_lang: str | None  # the page's <html lang>, as written
    boilerplate_chars: int  # visible characters of the page the extraction did not keep
    extractor: str  # the library whose text this is: resiliparse | trafilatura
    fallback: str | None = None  # the mode that returned nothing, when the other library's text is used


class ExtractionFailed(RuntimeError):
    """Neither library gives text from a page with visible text. `problem`: `extraction_error` when a
    library raised, `no_main_text` when both returned nothing (a page of menus and footers only)."""

    def __init__(self, problem: str, detail: str) -> None:
        super().__init__(detail)
        self.problem = problem


def extract(html: str, mode: str = "cascade", url: str | None = None) -> Extraction:
    """Main content of decoded HTML with the page's title, declared language and boilerplate count.

    Raises ExtractionFailed when neither library gives text from a page that has visible text; a
    page without visible text gives an empty `text`."""
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    if mode not in MODES:
        raise ValueError(f"unknown html extractor {mode!r}; known: {', '.join(MODES)}")
    tree = HTMLTree.parse(html)
    title = (tree.title or "").strip() or None
    html_node = tree.document.query_selector("html") if tree.document is not None else None
    lang = ((html_node.getattr("lang") or "").strip() or None) if html_node is not None else None
    visible = tidy(extract_plain_text(tree, main_content=False, alt_texts=False, list_bullets=True))
    text, extractor, failure = _attempt(MODES[mode], tree, html, url, visible)
    fallback = None
    if not text and visible:
        other = OTHER_LIBRARY[MODES[mode].library]
        text, extractor, second = _attempt(MODES[other], HTMLTree.parse(html), html, url, visible)
        if not text:
            failures = "; ".join(f for f in (failure, second) if f)
            raise ExtractionFailed(
                "extraction_error" if failures else "no_main_text",
                f"{mode} and {other} extract no text from {len(visible)} visible characters" + (f" ({failures})" if failures else ""),
            )
        fallback = mode
    return Extraction(text, title, lang, max(len(visible) - len(text), 0), extractor, fallback)


def _attempt(mode: Mode, tree: Any, html: str, url: str | None, visible: str) -> tuple[str, str, str | None]:
    """(text, library, failure) of one mode; a library exception is a failure, not the end of the page."""
    try:
        text, library = mode.run(tree, html, url, visible)
    except Exception as exc:  # noqa: BLE001 - a parser failure on one page falls back to the other library
        return "", mode.library, f"{mode.library}: {type(exc).__name__}: {exc}"[:300]
    return tidy(text), library, None


def _resiliparse(tree: Any, html: str, url: str | None, visible: str) -> tuple[str, str]:
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(tree, main_content=True, alt_texts=False, list_bullets=True), "resiliparse"


def _trafilatura_text(html: str, url: str | None, precision: bool) -> str:
    import trafilatura

    return (
        trafilatura.extract(html, url=url, favor_precision=precision, include_comments=False, include_images=False, deduplicate=False) or ""
    )


def _trafilatura(tree: Any, html: str, url: str | None, visible: str) -> tuple[str, str]:
    # favor_precision returns nothing on some pages plain trafilatura reads well: then take the plain text
    return _trafilatura_text(html, url, True) or _trafilatura_text(html, url, False), "trafilatura"


def _cascade(tree: Any, html: str, url: str | None, visible: str) -> tuple[str, str]:
    from resiliparse.extract.html2text import extract_plain_text

    prune_comments(tree)
    raw = tidy(extract_plain_text(tree, main_content=True, alt_texts=False, list_bullets=True))
    text = trim_to_paragraphs(raw)
    if unsure(raw, text, visible):
        other = _trafilatura_text(html, url, False)
        if other:
            return other, "trafilatura"
    return text, "resiliparse"


def prune_comments(tree: Any) -> None:
    """Remove comment threads (`COMMENT_IDS`, `COMMENT_CLASSES`) from the DOM, never the page's main container."""
    body = tree.body
    if body is None:
        return
    total = None
    for node in body.query_selector_all(_COMMENT_NODES):
        parent = node.parent
        if parent is None or node.tag in _NEVER_PRUNED:  # detached already: inside a thread pruned before it
            continue
        total = len(body.text) if total is None else total
        if len(node.text) <= total / 2:
            parent.remove_child(node)


def display_width(text: str) -> int:
    """Characters, with East Asian wide ones (Han, kana, Hangul: Unicode East Asian Width W or F) counted twice: a
    30-character Chinese sentence carries what 60 Latin characters do, so paragraph rules hold across scripts."""
    if text.isascii():
        return len(text)
    others = _OTHER_HIGH.findall(text)  # the few characters outside ASCII..U+10FF and the wide blocks: asked one by one
    return len(text) + len(_WIDE_BLOCKS.findall(text)) + sum(1 for ch in others if unicodedata.east_asian_width(ch) in "WF")


def is_paragraph(line: str) -> bool:
    s = line.strip().rstrip(_INVISIBLE)
    width = display_width(s)
    if width < PARAGRAPH_CHARS:
        return False
    if s.endswith(_SENTENCE_END):
        return True
    return (width >= 2 * PARAGRAPH_CHARS or s[-1] in _UNPUNCTUATED) and not is_link_row(s)


def is_link_row(line: str) -> bool:
    """A row of short items set apart by wide gaps or bars (a menu, a block of link titles), in any script: not a paragraph."""
    cells = [cell for cell in _CELL_GAP.split(line) if cell.strip()]
    return len(cells) >= ROW_CELLS and all(display_width(cell.strip()) < PARAGRAPH_CHARS for cell in cells)


def is_question(line: str) -> bool:
    """A line that asks a question in any script (?, ？, ؟, Greek ;) and is more than a two-word label."""
    s = line.strip().rstrip(_INVISIBLE)
    return s.endswith(tuple(_QUESTION_MARKS)) and display_width(s) >= REPEATED_QUESTION_CHARS


def _kept_when_repeated(line: str) -> bool:
    return display_width(line.strip()) >= PARAGRAPH_CHARS or is_question(line)


def trim_to_paragraphs(text: str) -> str:
    """Drop short lines repeated on the page (not questions), then the lines before the first and after the last paragraph."""
    lines = text.split("\n")
    seen = Counter(line.strip() for line in lines if line.strip())
    lines = [line for line in lines if seen[line.strip()] < REPEATED_LINE or _kept_when_repeated(line)]
    marks = [i for i, line in enumerate(lines) if is_paragraph(line)]
    if not marks:
        return "\n".join(lines).strip()
    return "\n".join(lines[marks[0] : marks[-1] + 1]).strip()


def unsure(raw: str, trimmed: str, visible: str) -> bool:
    """A cheap sign resiliparse's main content is not the page's body: the trim had to cut much of it, or little text
    was kept from a page that shows paragraphs it left out. Nothing kept is not unsure: that page falls back (`extract`),
    counted."""
    if len(trimmed) < UNSURE_KEPT * len(raw):
        return True
    if not trimmed or len(trimmed) >= SHORT_TEXT or display_width(trimmed) >= SHORT_TEXT:  # a width is never under the length
        return False
    kept = {line.strip() for line in trimmed.split("\n")}
    left_out = (line.strip() for line in visible.split("\n") if line.strip() not in kept)
    return sum(display_width(line) for line in left_out if is_paragraph(line)) >= SHORT_TEXT


@dataclass(frozen=True)
class Mode:
    library: str  # the library a fallback from this mode must not ask again
    run: Callable[[Any, str, str | None, str], tuple[str, str]]  # (tree, html, url, visible text) -> (text, library)


MODES: dict[str, Mode] = {
    "cascade": Mode("resiliparse", _cascade),
    "resiliparse": Mode("resiliparse", _resiliparse),
    "trafilatura": Mode("trafilatura", _trafilatura),
}
# the mode a fallback uses: the other library
OTHER_LIBRARY = {"resiliparse": "trafilatura", "trafilatura": "resiliparse"}
DEFAULT_MODE = "cascade"

_BLANKS = re.compile(r"\n[ \t\u00a0]*(?:\n[ \t\u00a0]*)+")
_TRAILING = re.compile(r"[ \t\u00a0]+\n")


def tidy(text: str) -> str:
    """Strip trailing spaces and collapse runs of blank lines, so equal pages give equal text."""
    text = _TRAILING.sub("\n", text.replace("\ufeff", ""))
    text = _BLANKS.sub("\n\n", text)
    return text.strip()
