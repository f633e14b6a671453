"""Phone numbers need phone-shaped evidence, not only digits some numbering plan accepts.

python-phonenumbers calls many ordinary numbers valid somewhere: `168 000` is a German pager
number, `330.000` a German landline, `3000-5000` a Brazilian shared-cost number. presidio
reports a phone number wherever one of its regions accepts the digits, so populations, ranges
and amounts became `<PHONE>` in the training text. Here a match of python-phonenumbers (VALID
leniency, in any scanned region) is a phone number only with evidence of how it was written:

1. `international`: it starts with `+` or with `00` and a country code (`+49 30 123456`);
2. `context`: a phone word stands just before it (tel, Tel., phone, call, Telefon, téléphone,
   teléfono, телефон, 电话 ... `PHONE_WORDS`), with no other number in between;
3. `punctuation`: digits grouped the way phone numbers are and quantities are not: an area
   code in brackets (`(201) 558-6620`, `+44 (0)20`) or before a slash (`030/1234567`), three or
   more groups joined by `-` or `.` (`201-558-6620`, `06.12.34.56.78`), or four or more groups of
   2-4 digits after a trunk prefix 0 (`06 12 34 56 78`);
4. `national`: it is valid in one of the document language's own regions and written as that
   region writes its numbers: the digit groups of python-phonenumbers' national format
   (`030 123456`, `612 38 95 95`, `138 0013 8000`), or the same digits unspaced;
5. `mobile`: a mobile number of a region in `MOBILE_EVERYWHERE`, in its national format, in a
   document of any language (a Chinese mobile number `138 0013 8000` in an English text).

Quantities (`168 000`, `1.500.000`), ranges (`3 000–5 000`), dates (`2014-12-05`) and card-like
groupings (`4905 1265 5985 4136`) are never phone numbers by their shape alone (only 1 and 2 can
make them one), and a number glued to a host or file name (`http://044545.com`, `12345.pdf`)
never is. The kind of evidence is returned, so tests and the evaluation can say why a number
was taken.

Speed: python-phonenumbers parses each run of 5+ digits once per region, the filter's main cost.
It reads only those runs (`phone_matches`), and scans the regions of other languages only where
a text holds something that evidence 1-3 look for (`regions_to_scan`); findings are unchanged.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

# python-phonenumbers' punctuation inside numbers (phonenumberutil._VALID_PUNCTUATION) and plus signs
PHONE_PUNCT = (
    "\\-x\u2010-\u2015\u2212\u30fc\uff0d-\uff0f \u00a0\u00ad\u200b\u2060\u3000()\uff08\uff09\uff3b\uff3d.\\[\\]/~\u2053\u223c\uff5e"
)
# a run of digits with the separators phone numbers, cards, IBAN groups and IPv4 use between them
CLUSTER = re.compile(r"[+\uFF0B(\uFF08]?\d[\d\s+\uFF0B" + PHONE_PUNCT + r"]*")
MIN_PHONE_DIGITS = 5  # a shorter run is a year or a count, never a number anyone can be reached at

# regions whose mobile numbers are taken in documents of every language: eleven digits 1[3-9]...
# in China's grouping (3-4-4) have no other common reading
MOBILE_EVERYWHERE = ("CN",)
# number types a national-format match may be (pagers, shared-cost and premium numbers are
# rare, and the plans that have them make ordinary numbers valid: DE pagers are 168 000)
PERSONAL_TYPES = frozenset(
    {
        PhoneNumberType.FIXED_LINE,
        PhoneNumberType.MOBILE,
        PhoneNumberType.FIXED_LINE_OR_MOBILE,
        PhoneNumberType.VOIP,
        PhoneNumberType.PERSONAL_NUMBER,
        PhoneNumberType.TOLL_FREE,
    }
)

# words that announce a phone number, in the pipeline's languages; a trailing `*` allows any ending
PHONE_WORDS = (
    "tel",
    "tél",
    "telf",
    "tlf",
    "tfn",
    "mob",
    "fax",
    "call",
    "calls",
    "calling",
    "dial",
    "phone*",
    "telephon*",
    "téléphon*",
    "telefon*",
    "teléfon*",
    "telefoon*",
    "puhelin*",
    "mobile",
    "mobiel*",
    "móvil",
    "movil",
    "celular",
    "cellulare",
    "cellphone",
    "handy",
    "handynummer",
    "hotline",
    "whatsapp",
    "anruf*",
    "rufen",
    "appelez",
    "appeler",
    "appelle*",
    "llame",
    "llamar",
    "llámenos",
    "chiama*",
    "ligue",
    "ligar",
    "тел",
    "телефон*",
    "звоните",
    "позвоните",
    "звонить",
    "моб",
    "факс",
    "telepon",
    "điện thoại",
    "โทร*",
    "هاتف",
    "الهاتف",
    "جوال",
    "تلفون",
    "फ़ोन",
    "फोन",
    "दूरभाष",
    "电话",
    "電話",
    "手机",
    "手機",
    "携帯",
    "전화",
    "휴대폰",
)
CONTEXT_CHARS = 24  # how far before a number its phone word may start (within the analyzer's windows)

_UNSPACED_SCRIPT = re.compile(r"[\u0E00-\u0E7F\u3040-\u30FF\u3400-\u9FFF\uAC00-\uD7AF]")


def _word_pattern(word: str) -> str:
    """A whole word in spaced scripts (`tel` is not `tell`); in CJK and Thai it sits between other letters."""
    stem = re.escape(word.rstrip("*"))
    if _UNSPACED_SCRIPT.match(word):
        return stem
    return rf"(?<!\w){stem}" + (r"\w*" if word.endswith("*") else r"\.?(?!\w)")


_PHONE_WORD = r"(?:" + "|".join(_word_pattern(w) for w in PHONE_WORDS) + ")"
# a phone word, then at most a few characters that are not digits, up to the number
_CONTEXT = re.compile(_PHONE_WORD + r"[^\d\n]{0,16}$", re.IGNORECASE)

# shapes, each written once: the evidence rules match them on a number, `regions_to_scan` looks for them in a text
INTERNATIONAL = r"[+\uFF0B]|00[1-9]"  # a plus sign, or the international prefix 00 before a country code
BRACKETED = r"[(\uFF08]\d+[)\uFF09]"  # (201) 558-6620, +44 (0)20
AREA_SLASH = r"0\d{1,4}\s?/\s?\d{3,}(?:[-\s]?\d+)*"  # 030/1234567, 089/12345-67
JOINED = r"\d[-.\u2010\u2011\u2212]\d"  # a hyphen or dot between digits (not a dash between numbers)
NATIONAL_GROUPS = r"0\d{1,3}(?:[ .\u00A0]\d{2,4}){3,}"  # 06 12 34 56 78, 023 22 66 22 (not a table row: 5040 5 1 17)

_SEP = r"[ .,'\u00A0\u202F\u2009\u2019]"
_QUANTITY = rf"\d{{1,3}}(?:{_SEP}\d{{3}})+|\d+"
_ORDINARY = re.compile(
    rf"\d{{1,3}}({_SEP})\d{{3}}(?:\1\d{{3}})*"  # thousands: 168 000, 1.500.000
    rf"|(?:{_QUANTITY})\s?[-\u2010-\u2015\u2212]\s?(?:{_QUANTITY})"  # a range: 3000-5000, 3 000–5 000
    r"|\d{4}([ -])\d{4}\2\d{4}\2\d{1,4}"  # a card's grouping: 4905 1265 5985 4136
)
_MONTH = r"(?:0?[1-9]|1[0-2])"
# a date anywhere in it: 2014-12-05, 14.07.2017, 164/14.07.2017 (a decision number and its date)
_DATE = re.compile(rf"(?<!\d)(?:(?:19|20)\d\d[-/.]{_MONTH}[-/.]\d{{1,2}}|\d{{1,2}}[-/.]{_MONTH}[-/.](?:19|20)\d\d)(?!\d)")
_INTERNATIONAL_START = re.compile(rf"[(\uFF08]?(?:{INTERNATIONAL})")
_BRACKETED = re.compile(BRACKETED)
_AREA_SLASH = re.compile(AREA_SLASH)
_NATIONAL_GROUPS = re.compile(NATIONAL_GROUPS)
_JOINED = re.compile(JOINED)
_GROUP = re.compile(r"\d+")
# a number that is part of a host or file name: 044545.com, 12345.pdf
_NAME_AFTER = re.compile(r"\.[A-Za-z]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")

EXTENSION_CHARS = 32  # what python-phonenumbers may read after a run of digits: an extension ("ext. 12345", "доб. 123")
# what an extension starts with after the digits (python-phonenumbers' extension labels that are not part of a run)
_EXTENSION_AFTER = re.compile(r";ext=|[ \t,]*(?:e?xt|\uFF45?\uFF58\uFF54|доб|anexo|[#\uFF03]|int|\uFF49\uFF4E\uFF54)", re.IGNORECASE)


def long_enough(text: str, start: int, end: int) -> bool:
    """The match holds a run of MIN_PHONE_DIGITS digits (separators allowed): the pre-check's rule."""
    return any(sum(c.isdigit() for c in m.group()) >= MIN_PHONE_DIGITS for m in CLUSTER.finditer(text, start, end))


def international(raw: str, number) -> bool:
    """Written with its country code: `+49 30 123456`, `0049 30 123456`."""
    start = _INTERNATIONAL_START.match(raw)
    return bool(start) and (
        "+" in start.group() or "\uff0b" in start.group() or "".join(_GROUP.findall(raw)).startswith(f"00{number.country_code}")
    )


def phone_word_before(text: str, start: int) -> bool:
    """A phone word within CONTEXT_CHARS before `start`, and no digit between it and the number."""
    return bool(_CONTEXT.search(text, max(0, start - CONTEXT_CHARS), start))


def ordinary_number(raw: str) -> bool:
    """A quantity, a range, a card-like grouping or something with a date in it: what a number is
    when nothing says it is a phone number."""
    raw = raw.strip()
    return bool(_ORDINARY.fullmatch(raw) or _DATE.search(raw))


def phone_punctuation(raw: str) -> bool:
    """Digits grouped as phone numbers are and quantities are not."""
    raw = raw.strip()
    return bool(
        _BRACKETED.search(raw)
        or _AREA_SLASH.fullmatch(raw)
        or _NATIONAL_GROUPS.fullmatch(raw)
        or (len(_GROUP.findall(raw)) >= 3 and _JOINED.search(raw))
    )


def national_format(raw: str, number) -> bool:
    """Written with the digit groups of the region's national format (or as the same digits unspaced).

    A number python-phonenumbers can only print as one digit string (no format of its plan
    applies) does not count: the plan knows it as digits, not as a way people write it."""
    want = _GROUP.findall(phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL))
    got = _GROUP.findall(raw)
    return len(want) >= 2 and (got == want or (len(got) == 1 and got[0] == "".join(want)))


def phone_evidence(text: str, start: int, end: int, number, region: str, home_regions: tuple[str, ...]) -> str | None:
    """Why the python-phonenumbers match text[start:end] (valid in `region`) is a phone number, or None."""
    raw = text[start:end]
    if _NAME_AFTER.match(text, end):
        return None
    if international(raw, number):
        return "international"
    if phone_word_before(text, start):
        return "context"
    if ordinary_number(raw):
        return None
    if phone_punctuation(raw):
        return "punctuation"
    personal = phonenumbers.number_type(number) in PERSONAL_TYPES
    if region in home_regions and personal and national_format(raw, number):
        return "national"
    if region in MOBILE_EVERYWHERE and phonenumbers.number_type(number) == PhoneNumberType.MOBILE and national_format(raw, number):
        return "mobile"
    return None


# where a number of another language's regions may have evidence (international, context or
# punctuation): the same shapes, looked for anywhere in a text (a superset of what the rules accept)
_FOREIGN_MARKS = re.compile("|".join([rf"(?<!\d)(?:{INTERNATIONAL})", BRACKETED, AREA_SLASH, NATIONAL_GROUPS, _PHONE_WORD]), re.IGNORECASE)


def _joined_groups(text: str, run: re.Match) -> bool:
    """A run of digits that may hold three groups joined by `-` or `.` (an extension's digits count).
    A date such as 2020-08-08 does not (its only three-group part is the date itself), nor does the
    first group of a run glued to a word (python-phonenumbers starts no match after a Latin letter)."""
    digits = run.group()
    if not _JOINED.search(digits):
        return False
    groups = _GROUP.findall(digits)
    if run.start() and _LATIN_LETTER.match(text, run.start() - 1):
        groups = groups[1:]
    return bool(_EXTENSION_AFTER.match(text, run.end())) or (len(groups) >= 3 and not _DATE.fullmatch(digits.strip(" -.")))


def regions_to_scan(text: str, regions: tuple[str, ...], home_regions: tuple[str, ...]) -> tuple[str, ...]:
    """All `regions` where the text may hold a foreign number with evidence; otherwise only those whose
    numbers need none (the language's own, MOBILE_EVERYWHERE): each region is a pass of
    python-phonenumbers over the text, most of the PII filter's cost. The findings are the same."""
    if _FOREIGN_MARKS.search(text) or any(_joined_groups(text, run) for run in CLUSTER.finditer(text)):
        return regions
    return tuple(r for r in regions if r in home_regions or r in MOBILE_EVERYWHERE)


def only_ordinary(text: str, run: re.Match) -> bool:
    """No phone match in this run can have evidence: every span of consecutive digit groups in it
    that a match could be (5+ digits; none starting at the first group of a run glued to a word)
    is an ordinary number, and no plus sign, 00 prefix or phone word gives one a way out."""
    if _EXTENSION_AFTER.match(text, run.end()) or _FOREIGN_MARKS.search(text, max(0, run.start() - CONTEXT_CHARS), run.end()):
        return False
    digits = run.group()
    groups = list(_GROUP.finditer(digits))
    first = 1 if run.start() and _LATIN_LETTER.match(text, run.start() - 1) else 0
    for i in range(first, len(groups)):
        for j in range(i, len(groups)):
            span = digits[groups[i].start() : groups[j].end()]
            if sum(len(g.group()) for g in groups[i : j + 1]) >= MIN_PHONE_DIGITS and not ordinary_number(span):
                return False
    return True


def phone_runs(text: str) -> list[tuple[int, int]]:
    """Where python-phonenumbers reads: each run of MIN_PHONE_DIGITS+ digits that is not `only_ordinary`,
    with the character before it (which the matcher looks at) and the one after it, or EXTENSION_CHARS
    when an extension label follows. The short numbers around (dates, counts) are never parsed; every
    match with evidence lies in such a span."""
    spans = []
    for run in CLUSTER.finditer(text):
        if sum(c.isdigit() for c in run.group()) >= MIN_PHONE_DIGITS and not only_ordinary(text, run):
            spans.append((max(0, run.start() - 1), run.end() + (EXTENSION_CHARS if _EXTENSION_AFTER.match(text, run.end()) else 1)))
    return spans


def phone_matches(text: str, spans: list[tuple[int, int]], region: str, leniency: int):
    """(start, end, number) of python-phonenumbers' matches in `region`, read from `spans` of the text."""
    seen = set()
    for lo, hi in spans:
        for match in phonenumbers.PhoneNumberMatcher(text[lo:hi], region, leniency=leniency):
            start, end = lo + match.start, lo + match.end
            if (start, end) not in seen:
                seen.add((start, end))
                yield start, end, match.number


def phone_recognizer(lang: str, regions: tuple[str, ...], home_regions: tuple[str, ...]):
    """presidio's PhoneRecognizer, keeping only matches with phone-shaped evidence (`phone_evidence`)."""
    from presidio_analyzer import AnalysisExplanation, EntityRecognizer, RecognizerResult
    from presidio_analyzer.predefined_recognizers import PhoneRecognizer

    class EvidencePhoneRecognizer(PhoneRecognizer):
        def analyze(self, text, entities, nlp_artifacts=None):
            results = []
            spans = phone_runs(text)
            for region in regions_to_scan(text, self.supported_regions, home_regions) if spans else ():
                for start, end, number in phone_matches(text, spans, region, self.leniency):
                    evidence = long_enough(text, start, end) and phone_evidence(text, start, end, number, region, home_regions)
                    if evidence:
                        results.append(self._result(start, end, f"{region} number, evidence: {evidence}"))
            return EntityRecognizer.remove_duplicates(results)

        def _result(self, start: int, end: int, why: str):
            return RecognizerResult(
                self.supported_entities[0],
                start,
                end,
                self.SCORE,
                AnalysisExplanation(type(self).__name__, self.SCORE, textual_explanation=why),
                {RecognizerResult.RECOGNIZER_NAME_KEY: self.name, RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id},
            )

    return EvidencePhoneRecognizer(supported_language=lang, supported_regions=regions)
