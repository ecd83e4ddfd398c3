import base64
import quopri
from pathlib import Path

OUT = Path("/work/wt/email/tests/data/mail")


def b64(s, cs="utf-8"):
    return base64.b64encode(s.encode(cs)).decode()


def ew(s, cs="utf-8"):
    return f"=?{cs}?B?{b64(s, 'cp949' if cs.lower().startswith(('ks_c', 'euc')) else cs)}?="


def write(name, data):
    (OUT / name).write_bytes(data if isinstance(data, bytes) else data.replace("\n", "\r\n").encode("utf-8"))


H = "Date: Tue, 05 Mar 2024 14:13:00 +0900\nTo: support@hana.example\nMIME-Version: 1.0\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)

# 1 ks_c_5601-1987 = cp949 (with characters strict EUC-KR cannot decode)
body = "똠방각하님, 햏 요금이 두 번 청구됐어요. 뷁!".encode("cp949")
write(
    "01_ks_c_5601_cp949.eml",
    (
        f'From: {ew("김똠방", "ks_c_5601-1987")} <ttom@example.kr>\nSubject: {ew("요금 문의 똠", "ks_c_5601-1987")}\nMessage-ID: <c01@example.kr>\n{H}Content-Type: text/plain; charset="ks_c_5601-1987"\nContent-Transfer-Encoding: base64\n\n'
    )
    .replace("\n", "\r\n")
    .encode()
    + base64.encodebytes(body).replace(b"\n", b"\r\n"),
)
# 2 euc-kr quoted-printable
write(
    "02_euc_kr_qp.eml",
    (
        f"From: {ew('이영희', 'euc-kr')} <yh@example.kr>\nSubject: =?euc-kr?Q?=C8=AF=BA=D2_=BF=E4=C3=BB?=\nMessage-ID: <c02@example.kr>\n{H}Content-Type: text/plain; charset=euc-kr\nContent-Transfer-Encoding: quoted-printable\n\n"
    ).encode()
    + quopri.encodestring("환불을 요청합니다. 주문번호 2024-1234".encode("euc-kr")),
)
# 3 iso-2022-kr
write(
    "03_iso_2022_kr.eml",
    (
        f"From: kim@example.kr\nSubject: =?iso-2022-kr?B?{base64.b64encode('인터넷 장애'.encode('iso2022_kr')).decode()}?=\nMessage-ID: <c03@example.kr>\n{H}Content-Type: text/plain; charset=iso-2022-kr\nContent-Transfer-Encoding: 7bit\n\n"
    ).encode()
    + "인터넷이 저녁마다 끊깁니다.\n".encode("iso2022_kr"),
)
# 4 utf-8 base64 and Q subject
write(
    "04_utf8_base64.eml",
    f"From: =?UTF-8?Q?=EB=B0=95=EC=A7=80=EB=AF=BC?= <jimin@example.kr>\nSubject: =?UTF-8?Q?=EB=B0=B0=EC=86=A1_=EB=AC=B8=EC=9D=98?=\nMessage-ID: <c04@example.kr>\n{H}Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: base64\n\n{b64('배송이 아직 안 왔어요. 확인 부탁드립니다.')}\n",
)
# 5 broken RFC 2047: split mid-character, no spaces, inside quotes, lowercase b
raw = "문의드립니다".encode()
w1, w2 = base64.b64encode(raw[:4]).decode(), base64.b64encode(raw[4:]).decode()
write(
    "05_broken_rfc2047.eml",
    f'From: "=?utf-8?b?{b64("최유나")}?=" <yuna@example.kr>\nSubject: =?UTF-8?B?{w1}?==?UTF-8?B?{w2}?= [긴급]\nMessage-ID: <c05@example.kr>\n{H}Content-Type: text/plain; charset=utf-8\n\nplain ascii body\n',
)
# 6 raw 8-bit UTF-8 headers
write(
    "06_raw_utf8_headers.eml",
    f"From: 정수빈 <subin@example.kr>\nSubject: 비밀번호 재설정이 안 돼요\nMessage-ID: <c06@example.kr>\n{H}Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n링크를 눌러도 아무 일도 없어요.\n".replace(
        "\n", "\r\n"
    ).encode("utf-8"),
)
# 7 raw cp949 header bytes
write(
    "07_raw_cp949_headers.eml",
    f"From: 한지민 <jm@example.kr>\nSubject: 해지 신청\nMessage-ID: <c07@example.kr>\n{H}Content-Type: text/plain; charset=ks_c_5601-1987\nContent-Transfer-Encoding: 8bit\n\n해지하고 싶어요. 위약금이 있나요?\n".replace(
        "\n", "\r\n"
    ).encode("cp949"),
)
# 8 lying label: iso-8859-1 but UTF-8
write(
    "08_lying_latin1_is_utf8.eml",
    f"From: liar1@example.kr\nSubject: lying charset one\nMessage-ID: <c08@example.kr>\n{H}Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n청구서가 이상합니다.\n".replace(
        "\n", "\r\n"
    ).encode("utf-8"),
)
# 9 lying label: utf-8 but cp949
write(
    "09_lying_utf8_is_cp949.eml",
    f"From: liar2@example.kr\nSubject: lying charset two\nMessage-ID: <c09@example.kr>\n{H}Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n".replace(
        "\n", "\r\n"
    ).encode()
    + "요금제를 변경하고 싶습니다. 가능한가요?\r\n".encode("cp949"),
)
# 10 unknown charset label
write(
    "10_unknown_charset.eml",
    f"From: unknown@example.kr\nSubject: unknown charset\nMessage-ID: <c10@example.kr>\n{H}Content-Type: text/plain; charset=x-mystery-42\nContent-Transfer-Encoding: 8bit\n\n".replace(
        "\n", "\r\n"
    ).encode()
    + "단말기 할부금 문의입니다.\r\n".encode("cp949"),
)
# 11 no charset with 8-bit UTF-8
write(
    "11_no_charset_8bit.eml",
    f"From: nocharset@example.kr\nSubject: no charset\nMessage-ID: <c11@example.kr>\n{H}Content-Type: text/plain\nContent-Transfer-Encoding: 8bit\n\n로밍 요금이 궁금해요.\n".replace(
        "\n", "\r\n"
    ).encode("utf-8"),
)
# 12 RFC 2231 file names (plain and continued)
write(
    "12_rfc2231_filename.eml",
    f"""From: files@example.kr
Subject: =?utf-8?B?{b64("서류 첨부")}?=
Message-ID: <c12@example.kr>
{H}Content-Type: multipart/mixed; boundary="b12"

--b12
Content-Type: text/plain; charset=utf-8

Attached.
--b12
Content-Type: application/pdf
Content-Disposition: attachment; filename*=UTF-8''%EC%B2%AD%EA%B5%AC%EC%84%9C.pdf
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcOkw7zDtsOfCg==
--b12
Content-Type: text/csv
Content-Disposition: attachment;
 filename*0*=ks_c_5601-1987''%C1%D6%B9%AE;
 filename*1*=%B3%BB%BF%AA.csv
Content-Transfer-Encoding: base64

YSxiLGMK
--b12--
""",
)
# 13 RFC 2047 file name (Outlook)
write(
    "13_rfc2047_filename.eml",
    f"""From: outlookfile@example.kr
Subject: attachment name encoded
Message-ID: <c13@example.kr>
{H}Content-Type: multipart/mixed; boundary="b13"

--b13
Content-Type: text/plain; charset=utf-8

See the file.
--b13
Content-Type: image/png; name="=?ks_c_5601-1987?B?{base64.b64encode("화면캡처.png".encode("cp949")).decode()}?="
Content-Disposition: attachment; filename="=?ks_c_5601-1987?B?{base64.b64encode("화면캡처.png".encode("cp949")).decode()}?="
Content-Transfer-Encoding: base64

{base64.b64encode(PNG).decode()}
--b13--
""",
)
# 14 HTML only, with scripts and styles
html = '<html><head><style>p{color:red}</style><script>alert(1)</script></head><body><p>안녕하세요,</p><p onclick="evil()">카드 <b>분실</b> 신고합니다.</p><a href="javascript:alert(1)">링크</a><img src=x onerror=alert(1)></body></html>'
write(
    "14_html_only.eml",
    f"From: htmlonly@example.kr\nSubject: HTML only\nMessage-ID: <c14@example.kr>\n{H}Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n{b64(html)}\n",
)
# 15 multipart/alternative
write(
    "15_alternative.eml",
    f"""From: alt@example.com
Subject: Alternative parts
Message-ID: <c15@example.com>
{H}Content-Type: multipart/alternative; boundary="b15"

--b15
Content-Type: text/plain; charset=us-ascii

Plain version of my question.
--b15
Content-Type: text/html; charset=us-ascii

<p>HTML version of my <b>question</b>.</p>
--b15--
""",
)
# 16 nested message/rfc822 (forward as attachment)
inner = f"From: {ew('원래 발신자')} <orig@example.kr>\nSubject: {ew('원본 제목')}\nDate: Mon, 04 Mar 2024 10:00:00 +0900\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n{b64('전달된 본문입니다.')}\n"
write(
    "16_nested_rfc822.eml",
    f"""From: forwarder@example.kr
Subject: Fwd: forwarded as attachment
Message-ID: <c16@example.kr>
{H}Content-Type: multipart/mixed; boundary="b16"

--b16
Content-Type: text/plain; charset=us-ascii

Please see the mail below.
--b16
Content-Type: message/rfc822
Content-Disposition: attachment

{inner}
--b16--
""",
)
# 17 inline cid image
write(
    "17_inline_cid.eml",
    f"""From: cid@example.com
Subject: Screenshot inline
Message-ID: <c17@example.com>
{H}Content-Type: multipart/related; boundary="b17"

--b17
Content-Type: text/html; charset=utf-8

<p>The error looks like this:</p><img src="cid:shot1@example.com" alt="screen">
--b17
Content-Type: image/png
Content-ID: <shot1@example.com>
Content-Disposition: inline; filename="shot.png"
Content-Transfer-Encoding: base64

{base64.b64encode(PNG).decode()}
--b17--
""",
)


def reply(name, sender, subject, text, cs="utf-8", extra=""):
    write(
        name,
        f"From: {sender}\nSubject: {ew(subject)}\nMessage-ID: <{name}@example.kr>\nIn-Reply-To: <unknown-{name}@elsewhere.example>\n{extra}{H}Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n{b64(text)}\n",
    )


reply(
    "18_gmail_reply_en.eml",
    "John Doe <john@example.com>",
    "Re: Refund",
    "Thanks, that worked.\n\nOn Tue, Mar 5, 2024 at 2:13 PM Hana Support <support@hana.example>\nwrote:\n\n> Please try again.\n> Regards\n",
)
reply(
    "19_gmail_reply_ko.eml",
    "홍길동 <gildong@gmail.example>",
    "Re: 환불 문의",
    "네 확인했습니다. 감사합니다.\n\n2024년 3월 5일 (화) 오후 2:13, 하나 고객센터 <support@hana.example>님이 작성:\n\n> 환불이 완료되었습니다.\n",
)
reply(
    "20_outlook_reply_ko.eml",
    "김철수 <cs@corp.example>",
    "RE: 견적 요청",
    "견적서 잘 받았습니다.\n\n김철수 드림\n\n-----Original Message-----\n보낸 사람: 하나 고객센터 <support@hana.example>\n받는 사람: 김철수 <cs@corp.example>\n제목: 견적 요청\n\n견적서를 첨부합니다.\n",
)
reply(
    "21_outlook_underline.eml",
    "Lee <lee@corp.example>",
    "회신: 계약 문의",
    "다음 주에 연락드리겠습니다.\n\n________________________________\n보낸 사람: 하나 고객센터 <support@hana.example>\n보낸 날짜: 2024년 3월 5일 화요일 오후 2:13\n받는 사람: Lee\n제목: 계약 문의\n\n계약서 검토 부탁드립니다.\n",
)
reply(
    "22_naver_reply.eml",
    "박민수 <minsu@naver.example>",
    "RE: 설치 일정",
    '토요일 오전 10시 괜찮습니다.\n\n-----Original Message-----\nFrom: "하나 고객센터"<support@hana.example>\nTo: "박민수"<minsu@naver.example>;\nCc: \nSent: 2024-03-05 (화) 14:13:00 (GMT+09:00)\nSubject: 설치 일정\n\n방문 가능한 시간을 알려주세요.\n',
)
reply(
    "23_daum_reply.eml",
    "최지우 <jiwoo@daum.example>",
    "Re: 주소 변경",
    "새 주소는 서울시 강남구입니다.\n\n--------- 원본 메일 ---------\n보낸사람: 하나 고객센터 <support@hana.example>\n받는사람: 최지우 <jiwoo@daum.example>\n날짜: 24.03.05 14:13 GMT +0900\n제목: 주소 변경\n\n변경할 주소를 알려주세요.\n",
)
reply(
    "24_iphone_reply_ko.eml",
    "윤서준 <seojun@icloud.example>",
    "Re: 분실 신고",
    "네 정지해 주세요.\n\niPhone에서 보냄\n\n2024. 3. 5. 오후 2:13, 하나 고객센터 <support@hana.example> 작성:\n\n> 카드를 정지할까요?\n",
)
reply(
    "25_iphone_reply_en.eml",
    "Amy <amy@icloud.example>",
    "Re: Card",
    "Yes please block it.\n\nSent from my iPhone\n\n> On Mar 5, 2024, at 14:13, Hana Support <support@hana.example> wrote:\n>\n> Shall we block the card?\n",
)
reply(
    "26_auto_reply_header_ko.eml",
    "부재자 <away@corp.example>",
    "부재중 자동 회신: 문의",
    "3월 10일까지 휴가입니다.",
    extra="Auto-Submitted: auto-replied\nX-Auto-Response-Suppress: All\n",
)
reply(
    "27_auto_reply_subject_ko.eml",
    "휴가자 <vacation@corp.example>",
    "[자동회신] 휴가 중입니다",
    "복귀 후 연락드리겠습니다.",
)
reply(
    "28_auto_reply_precedence.eml",
    "Bot <bot@corp.example>",
    "Out of Office: your message",
    "I am away.",
    extra="Precedence: bulk\nX-Autoreply: yes\n",
)
# 29 standard DSN
write(
    "29_bounce_dsn.eml",
    f"""From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
Subject: Undelivered Mail Returned to Sender
Message-ID: <c29@mx.example.net>
{H}Content-Type: multipart/report; report-type=delivery-status; boundary="b29"

--b29
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.net. Your message could not be delivered.
--b29
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; gone@example.org
Original-Recipient: rfc822;gone@example.org
Action: failed
Status: 5.1.1
Diagnostic-Code: smtp; 550 5.1.1 <gone@example.org>: Recipient address rejected: User unknown

--b29
Content-Type: text/rfc822-headers

From: Hana <support@hana.example>
To: gone@example.org
Subject: [#1001] Re: hello
Message-ID: <corpus-original-outbound@hana.example>

--b29--
""",
)
# 30 non-standard Korean bounce
write(
    "30_bounce_nonstandard_ko.eml",
    f"From: MAILER-DAEMON@mail.example.kr\nSubject: {ew('메일 반송 안내')}\nMessage-ID: <c30@mail.example.kr>\nX-Failed-Recipients: nobody@example.kr\n{H}Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n{b64('받는 사람 nobody@example.kr 의 메일함이 존재하지 않습니다. 550 5.1.1')}\n",
)
write(
    "31_from_own_address.eml",
    f"From: Hana <support@hana.example>\nSubject: loop\nMessage-ID: <c31@hana.example>\n{H}Content-Type: text/plain\n\nOur own mail.\n",
)
write(
    "32_no_from.eml",
    f"Subject: {ew('보낸 사람 없음')}\nMessage-ID: <c32@example.kr>\n{H}Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n{b64('발신자가 없는 메일입니다.')}\n",
)
write(
    "33_broken_base64.eml",
    f"From: broken64@example.com\nSubject: broken base64\nMessage-ID: <c33@example.com>\n{H}Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n7JWI64WV!!!not base64 at all%%%\n",
)
write(
    "34_unterminated_multipart.eml",
    f'From: unterminated@example.com\nSubject: no closing boundary\nMessage-ID: <c34@example.com>\n{H}Content-Type: multipart/mixed; boundary="b34"\n\n--b34\nContent-Type: text/plain\n\nBody before a missing end.\n--b34\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nAAECAwQF\n',
)
write("35_binary_garbage.eml", bytes(range(256)) * 8)
write("36_empty.eml", b"")
write(
    "37_read_receipt.eml",
    f"""From: reader@example.com
Subject: Read: your reply
Message-ID: <c37@example.com>
{H}Content-Type: multipart/report; report-type=disposition-notification; boundary="b37"

--b37
Content-Type: text/plain

Your message was read.
--b37
Content-Type: message/disposition-notification

Final-Recipient: rfc822; reader@example.com
Disposition: manual-action/MDN-sent-manually; displayed
--b37--
""",
)
write(
    "38_blocked_attachment.eml",
    f"""From: exe@example.com
Subject: program attached
Message-ID: <c38@example.com>
{H}Content-Type: multipart/mixed; boundary="b38"

--b38
Content-Type: text/plain

Run this.
--b38
Content-Type: application/octet-stream
Content-Disposition: attachment; filename="setup.exe"
Content-Transfer-Encoding: base64

TVqQAAMAAAAEAAAA
--b38--
""",
)
write(
    "39_utf7_and_koi8.eml",
    f"""From: multi@example.com
Subject: =?koi8-r?B?{base64.b64encode("Привет".encode("koi8-r")).decode()}?=
Message-ID: <c39@example.com>
{H}Content-Type: multipart/mixed; boundary="b39"

--b39
Content-Type: text/plain; charset=utf-7

{"안녕 hello".encode("utf-7").decode("ascii")}
--b39
Content-Type: text/plain; charset=koi8-r
Content-Transfer-Encoding: base64

{base64.b64encode("Здравствуйте".encode("koi8-r")).decode()}
--b39--
""",
)
write(
    "40_duplicate_a.eml",
    f"From: dup@example.com\nSubject: same message twice\nMessage-ID: <dup-1@example.com>\n{H}Content-Type: text/plain\n\nSent twice by the relay.\n",
)
write(
    "41_duplicate_b_same.eml",
    f"Received: from relay2.example.com\nFrom: dup@example.com\nSubject: same message twice\nMessage-ID: <dup-1@example.com>\n{H}Content-Type: text/plain\n\nSent twice by the relay.\n",
)
write(
    "42_reused_message_id.eml",
    f"From: dup@example.com\nSubject: a different message\nMessage-ID: <dup-1@example.com>\n{H}Content-Type: text/plain\n\nA different text under the same Message-ID.\n",
)
write(
    "43_outlook_en_header_block.eml",
    f"From: Bob <bob@corp.example>\nSubject: RE: Invoice\nMessage-ID: <c43@corp.example>\n{H}Content-Type: text/plain; charset=us-ascii\n\nPlease resend the invoice.\n\nBob\n\nFrom: Hana Support <support@hana.example>\nSent: Tuesday, March 5, 2024 2:13 PM\nTo: Bob <bob@corp.example>\nSubject: Invoice\n\nHere is your invoice.\n",
)
write(
    "44_signature_dashes.eml",
    f"From: sig@example.com\nSubject: with signature\nMessage-ID: <c44@example.com>\n{H}Content-Type: text/plain\n\nMy modem blinks red.\n\n-- \nSam Sig\nACME Corp\n",
)
write(
    "45_long_subject_crlf_injection.eml",
    f"From: long@example.com\nSubject: {'very long subject ' * 40}\nMessage-ID: <c45@example.com>\nDate: not a date at all\nContent-Type: text/plain\n\nBody.\n",
)
