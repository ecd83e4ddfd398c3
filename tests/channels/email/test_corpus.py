"""Every message of two corpora goes in with no exception and none lost: CPython's own e-mail test data (found in
the running Python at run time) and our hard cases in tests/data/mail (Korean charsets, broken headers, clients'
quoting, loops, bounces, garbage)."""

from __future__ import annotations

import email
import sysconfig
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.channels.email import raw
from portal.channels.email.models import MailLog
from portal.tickets.models import Attachment, Message, Ticket
from tests.channels.email.conftest import CORPUS

KEEPS_A_TICKET = ("created", "appended", "flagged", "duplicate")


def cpython_email_data() -> Path | None:
    """The test/test_email/data folder of the running Python, if its test suite is installed."""
    candidates = [
        Path(email.__file__).resolve().parent.parent / "test" / "test_email" / "data",
        Path(sysconfig.get_paths()["stdlib"]) / "test" / "test_email" / "data",
    ]
    return next((c for c in candidates if c.is_dir()), None)


def ingest_all(files: list[Path], ingest_raw) -> dict[str, object]:
    results = {}
    for path in files:
        results[path.name] = ingest_raw(path.read_bytes())
    return results


def assert_nothing_lost(db, files: list[Path], results: dict) -> None:
    rows = db.session.scalars(sa.select(MailLog)).all()
    assert len(rows) == len(files)
    by_name = {name: result.log for name, result in results.items()}
    for path in files:
        entry = by_name[path.name]
        assert raw.load(entry.raw_path) == path.read_bytes(), path.name
        if entry.outcome in KEEPS_A_TICKET:
            assert entry.ticket_ref is not None, path.name
            assert db.session.get(Message, entry.message_id) is not None, path.name
        else:
            assert entry.outcome in ("ignored", "bounce") and entry.reason, path.name


def test_every_file_of_cpythons_email_test_data_is_ingested_with_no_exception_and_none_lost(db, ingest_raw):
    folder = cpython_email_data()
    if folder is None:
        pytest.skip("this Python has no test/test_email/data folder (its test suite is not installed)")
    files = sorted(p for p in folder.iterdir() if p.is_file())
    assert len(files) >= 40
    results = ingest_all(files, ingest_raw)
    assert_nothing_lost(db, files, results)
    assert results["msg_03.txt"].outcome == "duplicate"  # the same message as msg_01
    assert results["msg_16.txt"].outcome == "bounce"
    assert results["python.gif"].outcome == "flagged"  # not mail at all: a ticket a person looks at


EXPECTED = {
    "01_ks_c_5601_cp949.eml": ("created", "요금 문의 똠", "똠방각하님, 햏 요금이 두 번 청구됐어요. 뷁!"),
    "02_euc_kr_qp.eml": ("created", "환불 요청", "환불을 요청합니다"),
    "03_iso_2022_kr.eml": ("created", "인터넷 장애", "인터넷이 저녁마다 끊깁니다."),
    "04_utf8_base64.eml": ("created", "배송 문의", "배송이 아직 안 왔어요"),
    "05_broken_rfc2047.eml": ("created", "문의드립니다 [긴급]", "plain ascii body"),
    "06_raw_utf8_headers.eml": ("created", "비밀번호 재설정이 안 돼요", "링크를 눌러도"),
    "07_raw_cp949_headers.eml": ("created", "해지 신청", "위약금이 있나요?"),
    "08_lying_latin1_is_utf8.eml": ("created", None, "청구서가 이상합니다."),
    "09_lying_utf8_is_cp949.eml": ("created", None, "요금제를 변경하고 싶습니다."),
    "10_unknown_charset.eml": ("created", None, "단말기 할부금 문의입니다."),
    "11_no_charset_8bit.eml": ("created", None, "로밍 요금이 궁금해요."),
    "12_rfc2231_filename.eml": ("created", "서류 첨부", "Attached."),
    "13_rfc2047_filename.eml": ("created", None, "See the file."),
    "14_html_only.eml": ("created", None, "카드 분실 신고합니다."),
    "15_alternative.eml": ("created", None, "Plain version of my question."),
    "16_nested_rfc822.eml": ("created", None, "전달된 본문입니다."),
    "17_inline_cid.eml": ("created", None, "The error looks like this:"),
    "18_gmail_reply_en.eml": ("created", None, "Thanks, that worked."),
    "19_gmail_reply_ko.eml": ("created", None, "네 확인했습니다. 감사합니다."),
    "20_outlook_reply_ko.eml": ("created", None, "견적서 잘 받았습니다."),
    "21_outlook_underline.eml": ("created", None, "다음 주에 연락드리겠습니다."),
    "22_naver_reply.eml": ("created", None, "토요일 오전 10시 괜찮습니다."),
    "23_daum_reply.eml": ("created", None, "새 주소는 서울시 강남구입니다."),
    "24_iphone_reply_ko.eml": ("created", None, "네 정지해 주세요."),
    "25_iphone_reply_en.eml": ("created", None, "Yes please block it."),
    "26_auto_reply_header_ko.eml": ("created", None, "3월 10일까지 휴가입니다."),
    "27_auto_reply_subject_ko.eml": ("created", None, "복귀 후 연락드리겠습니다."),
    "28_auto_reply_precedence.eml": ("created", None, "I am away."),
    "29_bounce_dsn.eml": ("bounce", None, None),
    "30_bounce_nonstandard_ko.eml": ("bounce", None, None),
    "31_from_own_address.eml": ("ignored", None, None),
    "32_no_from.eml": ("flagged", "보낸 사람 없음", "발신자가 없는 메일입니다."),
    "33_broken_base64.eml": ("created", None, None),
    "34_unterminated_multipart.eml": ("created", None, "Body before a missing end."),
    "35_binary_garbage.eml": ("flagged", None, None),
    "36_empty.eml": ("flagged", None, None),
    "37_read_receipt.eml": ("ignored", None, None),
    "38_blocked_attachment.eml": ("created", None, "Run this."),
    "39_utf7_and_koi8.eml": ("created", "Привет", "Здравствуйте"),
    "40_duplicate_a.eml": ("created", None, "Sent twice by the relay."),
    "41_duplicate_b_same.eml": ("duplicate", None, None),
    "42_reused_message_id.eml": ("created", None, "A different text under the same Message-ID."),
    "43_outlook_en_header_block.eml": ("created", None, "Please resend the invoice."),
    "44_signature_dashes.eml": ("created", None, "My modem blinks red."),
    "45_long_subject_crlf_injection.eml": ("created", None, "Body."),
}
# New text only: what the client quoted (or signed) below is one click away, not in the text.
QUOTES_LEFT_OUT = {
    "18_gmail_reply_en.eml": "Please try again",
    "19_gmail_reply_ko.eml": "환불이 완료되었습니다",
    "20_outlook_reply_ko.eml": "견적서를 첨부합니다",
    "21_outlook_underline.eml": "계약서 검토",
    "22_naver_reply.eml": "방문 가능한 시간",
    "23_daum_reply.eml": "변경할 주소",
    "24_iphone_reply_ko.eml": "카드를 정지할까요",
    "25_iphone_reply_en.eml": "Shall we block",
    "43_outlook_en_header_block.eml": "Here is your invoice",
    "44_signature_dashes.eml": "ACME Corp",
}


def test_our_hard_cases_each_get_the_outcome_and_text_they_should(db, ingest_raw):
    files = sorted(CORPUS.glob("*.eml"))
    assert len(files) >= 30 and {f.name for f in files} == set(EXPECTED)
    results = ingest_all(files, ingest_raw)
    assert_nothing_lost(db, files, results)
    for name, (outcome, subject, text) in EXPECTED.items():
        result = results[name]
        assert result.outcome == outcome, (name, result.outcome, result.reason)
        message = db.session.get(Message, result.log.message_id) if result.log.message_id else None
        if subject is not None:
            assert db.session.get(Ticket, message.ticket_id).subject == subject, name
        if text is not None:
            assert text in message.text, (name, message.text)
    for name, quoted in QUOTES_LEFT_OUT.items():
        message = db.session.get(Message, results[name].log.message_id)
        assert quoted not in message.text and quoted in (message.quoted_text or ""), name


def test_files_inline_images_and_refusals_of_the_hard_cases(db, ingest_raw):
    names = [
        "12_rfc2231_filename.eml",
        "13_rfc2047_filename.eml",
        "17_inline_cid.eml",
        "38_blocked_attachment.eml",
    ]
    results = {n: ingest_raw((CORPUS / n).read_bytes()) for n in names}

    def files(name):
        return db.session.scalars(
            sa.select(Attachment)
            .where(Attachment.message_id == results[name].log.message_id)
            .order_by(Attachment.id)
        ).all()

    assert [a.filename for a in files("12_rfc2231_filename.eml")] == ["청구서.pdf", "주문내역.csv"]
    assert [a.filename for a in files("13_rfc2047_filename.eml")] == ["화면캡처.png"]
    image = files("17_inline_cid.eml")[0]
    assert image.inline and image.content_id == "shot1@example.com" and image.content_type == "image/png"
    blocked = db.session.get(Message, results["38_blocked_attachment.eml"].log.message_id)
    assert files("38_blocked_attachment.eml") == []
    assert blocked.meta["skipped_attachments"][0]["filename"] == "setup.exe"
    assert "setup.exe" in results["38_blocked_attachment.eml"].reason


def test_html_is_sanitized_and_text_is_derived_from_it(db, ingest_raw):
    result = ingest_raw((CORPUS / "14_html_only.eml").read_bytes())
    message = db.session.get(Message, result.log.message_id)
    assert (
        "<script" not in message.html and "onclick" not in message.html and "javascript:" not in message.html
    )
    assert "onerror" not in message.html and "<b>분실</b>" in message.html
    assert "alert" not in message.text and "p{color" not in message.text
