import pytest

from curation.redact import redact, redact_value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Write to jane.doe@example.org or call +1 415-555-0134 today.", "Write to <EMAIL> or call <PHONE> today."),
        ("Tél. : 01 23 45 67 89", "Tél. : <PHONE>"),
        ("(415) 555-0134", "<PHONE>"),
        ("+44 20 7946 0958", "<PHONE>"),
        ("hosts 192.168.1.20, 10.0.0.1 and fe80::1ff:fe23:4567:890a", "hosts <IP>, <IP> and <IP>"),
        ("card 4111 1111 1111 1111 expires", "card <CARD> expires"),
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
