"""Build the labelled PII test set: real sentences with generated PII inserted at word boundaries.

Seeded and deterministic: `python tests/data/pii/make_pii_set.py` rewrites
`pii_set.jsonl` byte for byte (a test checks this). Each record has the text and
the spans of what was inserted: kind, offsets, and whether it is real PII
(`valid`: false for credit cards failing Luhn and IBANs failing mod 97, which a
detector must not report as cards or IBANs).

Valid phone numbers follow each country's numbering plan as python-phonenumbers
encodes it (Google's libphonenumber metadata), written in national and
international formats.
"""

from __future__ import annotations

import ipaddress
import json
import random
import string
from pathlib import Path

import phonenumbers

HERE = Path(__file__).resolve().parent
SEED = 20261123

# phone regions whose formats appear in each language's sentences
REGIONS = {"en": ("US", "GB"), "fr": ("FR",), "de": ("DE",), "es": ("ES",), "ru": ("RU",), "zh": ("CN",), "hi": ("IN",), "ar": ("EG",)}
KINDS = ("email", "phone", "ip", "credit_card", "credit_card_invalid", "iban", "iban_invalid", "user", "secret")

FIRST = ("jean", "maria", "li.wei", "anna", "omar", "priya", "ivan", "sofia", "j.smith", "karl", "ana_lopez", "t.nguyen")
DOMAINS = (
    "example.com",
    "mail.example.fr",
    "post.example.de",
    "correo.example.es",
    "example.co.uk",
    "uni-example.org",
    "example.ru",
    "example.cn",
    "example.in",
    "example.io",
)


def luhn_check_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:  # these positions are doubled once the check digit is appended
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def luhn_valid(number: str) -> bool:
    return luhn_check_digit(number[:-1]) == number[-1]


def card_number(rng: random.Random) -> tuple[str, list[int]]:
    """A Luhn-valid number and its print grouping (Visa, Mastercard, Amex, Discover)."""
    prefix, length, groups = rng.choice(
        [
            ("4", 16, [4, 4, 4, 4]),
            ("5" + str(rng.randint(1, 5)), 16, [4, 4, 4, 4]),
            (rng.choice(("34", "37")), 15, [4, 6, 5]),
            ("6011", 16, [4, 4, 4, 4]),
        ]
    )
    body = prefix + "".join(rng.choice(string.digits) for _ in range(length - len(prefix) - 1))
    return body + luhn_check_digit(body), groups


def format_card(number: str, groups: list[int], style: int) -> str:
    if style == 0:
        return number
    parts, pos = [], 0
    for g in groups:
        parts.append(number[pos : pos + g])
        pos += g
    return (" " if style == 1 else "-").join(parts)


# BBAN structures (n digits, a upper-case letters) per country, as the IBAN registry defines them
BBAN = {"DE": "n18", "FR": "n23", "ES": "n20", "GB": "a4n14", "IT": "a1n22", "NL": "a4n10", "BE": "n12", "CH": "n17"}


def _bban(rng: random.Random, spec: str) -> str:
    out, i = [], 0
    while i < len(spec):
        kind, j = spec[i], i + 1
        while j < len(spec) and spec[j].isdigit():
            j += 1
        count = int(spec[i + 1 : j])
        alphabet = string.digits if kind == "n" else string.ascii_uppercase
        out.append("".join(rng.choice(alphabet) for _ in range(count)))
        i = j
    return "".join(out)


def iban_check_digits(country: str, bban: str) -> str:
    rearranged = bban + country + "00"
    number = int("".join(str(int(c, 36)) for c in rearranged))
    return f"{98 - number % 97:02d}"


def iban_valid(iban: str) -> bool:
    compact = iban.replace(" ", "")
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def make_iban(rng: random.Random, valid: bool) -> str:
    country = rng.choice(sorted(BBAN))
    bban = _bban(rng, BBAN[country])
    check = iban_check_digits(country, bban)
    if not valid:
        check = f"{(int(check) + rng.randint(1, 50) - 2) % 97 + 2:02d}"
        if check == iban_check_digits(country, bban):
            check = f"{(int(check) + 1 - 2) % 97 + 2:02d}"
    compact = country + check + bban
    if rng.random() < 0.5:
        return compact
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def make_phone(rng: random.Random, lang: str) -> str:
    region = rng.choice(REGIONS[lang])
    kind = rng.choice((phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE))
    example = phonenumbers.example_number_for_type(region, kind)
    national = str(example.national_number)
    for _ in range(1000):
        digits = national[:-5] + "".join(rng.choice(string.digits) for _ in range(5))
        candidate = phonenumbers.parse(digits, region)
        if phonenumbers.is_valid_number(candidate):
            fmt = rng.choice((phonenumbers.PhoneNumberFormat.NATIONAL, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
            return phonenumbers.format_number(candidate, fmt)
    raise RuntimeError(f"no valid number for {region}")


def make_ip(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return str(ipaddress.IPv4Address(rng.randint(0x01000000, 0xDFFFFFFF)))
    return str(ipaddress.IPv6Address(rng.getrandbits(128) | (0x2001 << 112)))


def make_email(rng: random.Random) -> str:
    local = rng.choice(FIRST) + rng.choice(("", str(rng.randint(1, 99)), "+news"))
    return f"{local}@{rng.choice(DOMAINS)}"


def make_user(rng: random.Random) -> str:
    return "@" + rng.choice(FIRST).replace(".", "_") + str(rng.randint(10, 999))


def make_secret(rng: random.Random) -> str:
    alphabet = string.ascii_letters + string.digits
    style = rng.randint(0, 2)
    if style == 0:
        return "sk-" + "".join(rng.choice(alphabet) for _ in range(32))
    if style == 1:
        return "ghp_" + "".join(rng.choice(alphabet) for _ in range(36))
    return "".join(rng.choice(alphabet) for _ in range(40))


def make_item(kind: str, rng: random.Random, lang: str) -> tuple[str, bool]:
    if kind == "email":
        return make_email(rng), True
    if kind == "phone":
        return make_phone(rng, lang), True
    if kind == "ip":
        return make_ip(rng), True
    if kind in ("credit_card", "credit_card_invalid"):
        number, groups = card_number(rng)
        if kind == "credit_card_invalid":
            number = number[:-1] + str((int(number[-1]) + rng.randint(1, 9)) % 10)
        return format_card(number, groups, rng.randint(0, 2)), kind == "credit_card"
    if kind in ("iban", "iban_invalid"):
        return make_iban(rng, kind == "iban"), kind == "iban"
    if kind == "user":
        return make_user(rng), True
    if kind == "secret":
        return make_secret(rng), True
    raise ValueError(kind)


def insert(text: str, items: list[tuple[str, str, bool]], rng: random.Random) -> tuple[str, list[dict]]:
    """Insert the items at distinct spaces of the original sentence, padded by spaces; in unspaced
    scripts (zh) between two characters with no padding, as such text is written."""
    slots = [i for i, c in enumerate(text) if c == " "]
    pad = " "
    if len(slots) < len(items):
        # between two non-ASCII characters: glued to the script's letters, not to a stray digit
        slots = [i for i in range(1, len(text)) if not (text[i - 1].isascii() or text[i].isascii())]
        pad = ""
    positions = sorted(rng.sample(slots, len(items)))
    out, spans, prev = [], [], 0
    for pos, (kind, value, valid) in zip(positions, items):
        out.append(text[prev:pos] + pad)
        start = sum(map(len, out))
        out.append(value if text[pos] == " " else value + pad)  # the sentence's own space follows
        spans.append({"kind": kind.removesuffix("_invalid"), "start": start, "end": start + len(value), "valid": valid})
        prev = pos
    out.append(text[prev:])
    return "".join(out), spans


def build() -> list[dict]:
    rng = random.Random(SEED)
    rows = []
    lines = (HERE / "base_sentences.tsv").read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        sent_id, lang, text = line.split("\t")
        if i % 8 == 7:
            items = []  # untouched sentence: anything found here is a false positive
        else:
            kinds = (KINDS[(2 * i) % len(KINDS)], KINDS[(2 * i + 1) % len(KINDS)])
            items = [(k, *make_item(k, rng, lang)) for k in kinds]
        text, spans = insert(text, items, rng)
        assert sorted(text[s["start"] : s["end"]] for s in spans) == sorted(v for _, v, _ in items)
        rows.append({"id": f"{lang}-{sent_id}", "lang": lang, "text": text, "spans": spans})
    return rows


def dumps(rows: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in rows)


if __name__ == "__main__":
    rows = build()
    (HERE / "pii_set.jsonl").write_text(dumps(rows), encoding="utf-8")
    print(f"wrote {len(rows)} records, {sum(len(r['spans']) for r in rows)} inserted items")
