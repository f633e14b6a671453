"""One redactor for everything shown to a person: the PII filter's patterns, in inspect, reports,
bad-record details (errors-ingest.jsonl) and catalog messages."""

import json
from pathlib import Path

import pytest
import yaml

from curation.catalog import CatalogError, load_catalog
from curation.catalog.validate import validate_file
from curation.config import load_config
from curation.ingest.source_output import error_record
from curation.ingest.stage import run_ingest
from curation.layout import Layout
from curation.redact import redact, redact_url, redact_value
from filters.pii_patterns import ENTITIES
from sources.base import BadRecord


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Write to jane.doe@example.org or call +1 415-555-0134 today.", "Write to <EMAIL> or call <PHONE> today."),
        ("Tél. : 01 23 45 67 89", "Tél. : <PHONE>"),
        ("(415) 555-0134", "<PHONE>"),
        ("+44 20 7946 0958", "<PHONE>"),
        ("hosts 192.168.1.20, 10.0.0.1 and fe80::1ff:fe23:4567:890a", "hosts <IP_ADDRESS>, <IP_ADDRESS> and <IP_ADDRESS>"),
        ("card 4111 1111 1111 1111 expires", "card <CREDIT_CARD> expires"),
        ("pay to DE89 3704 0044 0532 0130 00 now", "pay to <IBAN> now"),
        ("mail john (at) mail.com", "mail <EMAIL>"),
    ],
)
def test_redacts_personal_data(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "In 2019 there were 1,200 people and 35 cars.",
        "Published 2020-01-15, covering 1998-2004, at 12:30:45.",
        "Python 3.11.7 on page 12 of 345; score 0.8537; p95 0.0009785 and 12345.678901.",
        "",
    ],
)
def test_leaves_ordinary_numbers_alone(text):
    assert redact(text) == text


def test_redact_value_walks_json():
    value = {"contact": ["a@b.org", 3], "a@b.org": {"tel": "+33 1 23 45 67 89"}}
    assert redact_value(value) == {"contact": ["<EMAIL>", 3], "<EMAIL>": {"tel": "<PHONE>"}}
    assert redact(None) == ""


def test_the_placeholders_are_the_filters():
    """One table: what an auditor sees is what the corpus holds (no <IP> here and <IP_ADDRESS> there)."""
    placeholders = {ph for _, ph in ENTITIES.values()}
    shown = redact("a@b.org 10.0.0.1 4111 1111 1111 1111 +44 20 7946 0958 DE89 3704 0044 0532 0130 00 @jane_doe")
    assert set(shown.split()) <= placeholders


@pytest.mark.parametrize(
    "text, expected",
    [
        # API keys and user handles: the filter's categories, which the old auditor redactor printed in clear
        ("aws AKIAIOSFODNN7EXAMPLE here", "aws <SECRET> here"),
        ("token ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "token <SECRET>"),
        ("slack xoxb-123456789012-abcdefghijkl", "slack <SECRET>"),
        ("stripe sk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe <SECRET>"),
        ("ping @jane_doe about it", "ping <USER> about it"),
    ],
)
def test_auditors_see_no_keys_or_handles(text, expected):
    assert redact(text) == expected


def test_numbers_in_host_names_are_not_phone_numbers():
    assert redact("see http://044545.com/news/2019 and 12345.pdf") == "see http://044545.com/news/2019 and 12345.pdf"
    assert redact_url("http://044545.com/news/2019") == "http://044545.com/news/2019"


def test_urls_keep_their_shape():
    assert redact_url("https://x.org/contact?email=jane@x.org&lang=en") == "https://x.org/contact?email=<EMAIL>&lang=en"
    assert redact_url("https://x.org/user/+4915112345678/posts") == "https://x.org/user/<PHONE>/posts"
    assert redact_url("https://x.org/u/jane%40x.org") == "https://x.org/u/<EMAIL>"
    assert redact_url("https://x.org/api?api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc") == "https://x.org/api?api_key=<SECRET>"


def test_bad_record_details_are_redacted():
    record = BadRecord(
        "https://forum.example.org/u/jane.doe@example.org",
        1234,
        "empty_payload",
        "https://forum.example.org/contact?tel=+4915112345678 (from 192.168.1.20): empty HTTP body",
    )
    shown = json.dumps(error_record("forum", record))
    assert "jane.doe" not in shown and "4915112345678" not in shown and "192.168.1.20" not in shown
    assert error_record("forum", record) == {
        "source": "forum",
        "path": "https://forum.example.org/u/<EMAIL>",
        "offset": 1234,
        "problem": "empty_payload",
        "detail": "https://forum.example.org/contact?tel=<PHONE> (from <IP_ADDRESS>): empty HTTP body",
    }


def test_errors_ingest_jsonl_quotes_no_pii(tmp_path: Path):
    """A bad record's location names a folder after a person's address: the errors file must not."""
    folder = tmp_path / "data" / "jane.doe@example.org"
    folder.mkdir(parents=True)
    (folder / "posts.jsonl").write_text('{"id": "1", "text": "A post about the garden."}\n{"id": "2", "text": \n', encoding="utf-8")
    (tmp_path / "catalog.yaml").write_text(
        "sources:\n  - {id: forum, name: Forum, languages: [en], license: CC BY 4.0, kind: jsonl,\n"
        "     location: 'data/*/posts.jsonl', proposed_by: test, status: approved}\n",
        encoding="utf-8",
    )
    catalog = load_catalog(tmp_path / "catalog.yaml")
    config = load_config(None, {"output_dir": str(tmp_path / "out"), "workers": 1})
    run_ingest(catalog, list(catalog.entries), config, progress=False)
    errors_file = Layout(config.output_dir).errors("ingest").read_text(encoding="utf-8")
    (error,) = [json.loads(line) for line in errors_file.splitlines()]
    assert error["problem"] == "invalid_json" and error["path"].endswith("/data/<EMAIL>/posts.jsonl")
    stats = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").rglob("*.stats.json"))
    assert "jane.doe" not in errors_file and "jane.doe" not in stats


def test_catalog_messages_quote_no_email_or_personal_name(tmp_path: Path):
    entry = {
        "id": "forum",
        "name": "Forum",
        "languages": ["en"],
        "license": "unknown",
        "kind": "jsonl",
        "location": "data/x.jsonl",
        "homepage": "mailto:jane.doe@example.org",
        "proposed_by": "Jane Doe",
        "status": "proposed",
    }
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"sources": [entry]}, sort_keys=False), encoding="utf-8")
    _, problems = validate_file(path)
    assert sorted(p.field for p in problems) == ["homepage", "proposed_by"]
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    for shown in [str(p) for p in problems] + [str(raised.value)]:
        assert "jane.doe" not in shown and "Jane Doe" not in shown
    assert any("<EMAIL>" in str(p) for p in problems)


def test_the_redactor_starts_without_loading_transformers():
    """presidio imports `transformers` (and torch through it, ~4 s) for an NER engine the PII filter never builds;
    the redactor's first use leaves it unloaded, and importable afterwards."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from curation.redact import redact\n"
        "print(redact('write to desk@example.org', 'en'))\n"
        "print('transformers' in sys.modules)\n"
        "import transformers\n"
        "print(callable(transformers.PreTrainedTokenizerFast))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert done.stdout.split("\n")[:3] == ["write to <EMAIL>", "False", "True"]
