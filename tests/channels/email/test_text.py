"""Charsets, headers and quote separation, on their own."""

from __future__ import annotations

import pytest

from portal.channels.email import charsets, quotes


@pytest.mark.parametrize(
    ("data", "label", "expected"),
    [
        ("똠방각하".encode("cp949"), "ks_c_5601-1987", "똠방각하"),
        ("햏뷁".encode("cp949"), "euc-kr", "햏뷁"),  # labelled EUC-KR, written by a CP949 client
        ("한글".encode("iso2022_kr"), "iso-2022-kr", "한글"),
        ("한글".encode(), "iso-8859-1", "한글"),  # a lying single-byte label
        ("한글입니다".encode("cp949"), "utf-8", "한글입니다"),  # a lying UTF-8 label
        ("안녕하세요".encode("cp949"), "x-no-such-charset", "안녕하세요"),
        ("café".encode("cp1252"), "iso-8859-1", "café"),
        ("Привет".encode("koi8-r"), "koi8-r", "Привет"),
    ],
)
def test_bodies_decode_as_the_clients_meant(data, label, expected):
    assert charsets.decode(data, label) == expected


def test_headers_decode_even_when_broken():
    raw = "문의".encode()
    split = f"=?UTF-8?B?{__import__('base64').b64encode(raw[:2]).decode()}?= =?UTF-8?B?{__import__('base64').b64encode(raw[2:]).decode()}?="
    assert charsets.decode_header(split) == "문의"
    assert charsets.decode_header('"=?utf-8?b?7LWc7Jyg64KY?=" <a@b.c>') == '"최유나" <a@b.c>'
    assert charsets.decode_header("=?ks_c_5601-1987?B?v+TB+A==?=") == "요진"
    assert charsets.decode_header("요금".encode("cp949")) == "요금"
    assert charsets.decode_header("=?unknown?Q?abc?=") == "abc"


@pytest.mark.parametrize(
    ("text", "new", "quoted_start"),
    [
        ("Yes.\n\nOn Tue, Mar 5, 2024 at 2:13 PM A <a@b.c> wrote:\n> old", "Yes.", "On Tue"),
        ("네.\n\n2024년 3월 5일 (화) 오후 2:13, 하나 <s@h.kr>님이 작성:\n> 이전", "네.", "2024년"),
        ("좋아요\n\n-----Original Message-----\nFrom: x", "좋아요", "-----Original"),
        ("확인\n\n----- 원본 메일 -----\n보낸사람: x", "확인", "----- 원본"),
        ("ok\n\nFrom: A\nSent: today\nTo: B\nSubject: s\n\nold", "ok", "From: A"),
        ("알겠습니다\n\n보낸 사람: 하나\n받는 사람: 나\n제목: s", "알겠습니다", "보낸 사람"),
        ("네\n\niPhone에서 보냄", "네", "iPhone에서 보냄"),
        ("ok\n\nSent from my iPhone", "ok", "Sent from my iPhone"),
        (f"new words\n{quotes.REPLY_MARKER}\nold", "new words", "##-"),
        # Answers written between quotes stay; only the quote after the last answer goes.
        ("> quoted first\nmy answer in between\n> more", "> quoted first\nmy answer in between", "> more"),
        ("-----Original Message-----\nonly a forward", "-----Original Message-----\nonly a forward", None),
    ],
)
def test_new_text_is_separated_from_quotes_and_signatures(text, new, quoted_start):
    got_new, quoted = quotes.split(text)
    assert got_new == new
    if quoted_start is None:
        assert quoted is None
    else:
        assert quoted.startswith(quoted_start)


def test_utf8_under_a_korean_label_is_read_as_utf8():
    assert charsets.decode("요금 문의".encode(), "ks_c_5601-1987") == "요금 문의"
