#!/usr/bin/env python3
"""Writes the evasion messages of this directory and expected.csv.

Each message hides a banned attachment name or the EICAR test string
behind one reading of MIME that some mail client makes and a naive filter
does not. The committed .eml files are the test data; this script is how
the team wrote them (run it from this directory to rewrite them; the
S/MIME ones need openssl and are signed with a throw-away key each time).

expected.csv columns: file, verdict and action of `qmvc check` with the
embedded default configuration and no engine, verdict with the test clamd
(EICAR and clam.exe signatures), and the technique with the client
behaviour and source it relies on.
"""

import base64
import binascii
import csv
import os
import subprocess
import tempfile

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
# Attachment content no magic test recognises: only the name can stop it.
MZ = bytes(range(7, 7 + 90)) * 2

ROWS = []


def head(subject, extra=b""):
    return (
        b"From: mallory@example.net\r\nTo: bob@example.com\r\n"
        b"Date: Sat, 28 Nov 2026 12:00:00 +0000\r\n"
        b"Message-ID: <" + subject.encode() + b"@example.net>\r\n"
        b"Subject: " + subject.encode() + b"\r\nMIME-Version: 1.0\r\n" + extra
    )


def b64(data):
    s = base64.b64encode(data)
    return b"\r\n".join(s[i:i + 76] for i in range(0, len(s), 76)) + b"\r\n"


def mixed(subject, part_headers, part_body, boundary=b"BOUNDARY", top=b""):
    """A multipart/mixed with a text part and one attachment."""
    return (
        head(subject, top + b"Content-Type: multipart/mixed; boundary=\"" + boundary + b"\"\r\n")
        + b"\r\n--" + boundary + b"\r\nContent-Type: text/plain\r\n\r\nPlease see the attachment.\r\n"
        + b"--" + boundary + b"\r\n" + part_headers + b"\r\n" + part_body
        + b"\r\n--" + boundary + b"--\r\n"
    )


def exe_part(headers):
    """An attachment carrying a PE header, base64 encoded."""
    return headers + b"Content-Transfer-Encoding: base64\r\n", b64(MZ)


def add(name, data, verdict, clamd, why, action=None):
    if action is None:
        action = {"clean": "pass", "errormail": "pass"}.get(verdict, "quarantine")
    with open(name, "wb") as f:
        f.write(data)
    ROWS.append((name, verdict, action, clamd, why))


def named(name, headers, why):
    """A banned name only the given headers carry."""
    h, body = exe_part(headers)
    add(name, mixed(name[:-4], h, body), "badmail", "badmail", why)


def eicar(name, data, why, verdict="clean"):
    add(name, data, verdict, "virus", why)


# 1. Names from every header a client reads -------------------------------

OCTET = b"Content-Type: application/octet-stream\r\n"
named("n01-content-name.eml", OCTET + b"Content-Name: invoice.exe\r\n",
      "Content-Name: read as the part name by Thunderbird (libmime mimei.cpp MimeHeaders_get_name)")
named("n02-x-sun-data-name.eml", OCTET + b"X-Sun-Data-Name: invoice.exe\r\n",
      "X-Sun-Data-Name: read as the part name by Thunderbird (libmime mimei.cpp MimeHeaders_get_name; Sun Mailtool attachments)")
named("n03-content-location.eml", OCTET + b"Content-Location: http://cdn.example.net/files/invoice.exe\r\n",
      "Content-Location: last path segment used as the file name by Apple Mail and Outlook for MHTML parts (RFC 2557 section 4)")
named("n04-content-location-query.eml",
      OCTET + b"Content-Location: file:///C:/Users/Public/invoice.js?v=2#top\r\n",
      "Content-Location: with query and fragment: the path's last segment is the name (RFC 3986 section 3.3, RFC 2557)")
named("n05-content-location-folded.eml",
      OCTET + b"Content-Location:\r\n  \"http://example.net/a/b/\r\n invoice.scr\"\r\n",
      "Content-Location: folded and quoted, spaces removed as RFC 2557 section 4.4.2 says")
named("n06-external-body-name.eml",
      b"Content-Type: message/external-body; access-type=local-file; name=\"\\\\server\\share\\invoice.exe\"\r\n",
      "message/external-body name parameter (RFC 2046 section 5.2.3.2 local-file): Thunderbird shows it as the attachment name")
add("n07-external-body-inner.eml",
    mixed("n07", b"Content-Type: message/external-body; access-type=URL; URL=\"http://example.net/x\"\r\n",
          b"Content-Type: application/octet-stream; name=\"invoice.vbs\"\r\n"
          b"Content-Disposition: attachment; filename=\"invoice.vbs\"\r\n\r\n"),
    "badmail", "badmail",
    "message/external-body: the phantom body's header names the file (RFC 2046 section 5.2.3); Thunderbird lists it as an attachment")
named("n08-content-name-only-8bit.eml", OCTET + b"Content-Name: =?UTF-8?B?UmVjaG51bmcuZXhl?=\r\n",
      "Content-Name: with an RFC 2047 encoded word, decoded by libmime like any name")

# 2. Every reading of an ambiguous parameter -------------------------------

def cd(value):
    return OCTET + b"Content-Disposition: attachment; " + value + b"\r\n"


named("p01-quoted-then-token.eml", cd(b"filename=\"invoice\".exe"),
      "quoted string followed by more text: Outlook and mailparse keep only \"invoice\", Thunderbird joins to invoice.exe (nsMIMEHeaderParamImpl.cpp)")
named("p02-quoted-then-quoted.eml", cd(b"filename=\"invoice\"\".scr\""),
      "two adjacent quoted strings: some readers concatenate them (invoice.scr)")
named("p03-key-comment.eml", cd(b"filename()=\"invoice.exe\""),
      "junk in the parameter name (filename()=): the comment is dropped by RFC 822 readers (RFC 822 section 3.4.3), the key is filename")
named("p04-key-trailing-junk.eml", cd(b"filename E=\"invoice.exe\""),
      "junk after the parameter name (filename E=): Thunderbird takes the first token as the key")
named("p05-semicolon-unquoted.eml", cd(b"filename=invoice;.exe"),
      "a ; inside an unquoted value: a reader splitting at ; sees invoice, one taking the rest of the field sees invoice;.exe")
named("p06-duplicate-last.eml", cd(b"filename=\"notes.txt\"; filename=\"invoice.exe\""),
      "duplicate parameters: Outlook takes the last, Thunderbird the first (peer-clamav mail-dup-filename)")
named("p07-duplicate-first.eml", cd(b"filename=\"invoice.exe\"; filename=\"notes.txt\""),
      "duplicate parameters: the first one is the name for Thunderbird")
named("p08-rfc2231-appearance-order.eml", cd(b"filename*1=\".txt\"; filename*0=\"notes\"; filename*2=\"invoice.exe\""),
      "RFC 2231 sections out of order: by index notes.txtinvoice.exe, in order of appearance .txtnotesinvoice.exe (RFC 2231 section 3 says order is by index; some readers append)")
named("p09-rfc2231-gap.eml", cd(b"filename*0=\"invoice.exe\"; filename*2=\".txt\""),
      "RFC 2231 sections with a gap: Thunderbird stops at the gap (invoice.exe), others join what they have")
named("p10-rfc2231-gap-join.eml", cd(b"filename*0=\"invoice\"; filename*5=\".exe\""),
      "RFC 2231 sections with a gap: joined in index order the name is invoice.exe")
many = b"; ".join(b"filename*%d=\"a\"" % i for i in range(300)) + b"; filename*300=\".exe\""
add("p11-rfc2231-past-cap.eml", mixed("p11", *exe_part(cd(many))), "unchecked", "unchecked",
    "RFC 2231 sections past qmvc's cap of 256: the sections left are not examined, so the part is unchecked (amavisd-new's term), never silently cut")
named("p12-rfc2047-language.eml", cd(b"filename=\"=?UTF-8*en?B?aW52b2ljZS5leGU=?=\""),
      "RFC 2047 encoded word with a language tag (RFC 2231 section 5: =?charset*lang?...?=)")
named("p13-rfc2047-unpadded.eml", cd(b"filename=\"=?UTF-8?B?aW52b2ljZS5leGU?=\""),
      "RFC 2047 B encoding without its = padding: Thunderbird and Outlook decode it")
named("p14-rfc2047-utf16.eml",
      cd(b"filename=\"=?UTF-16LE?B?" + base64.b64encode("invoice.exe".encode("utf-16-le")) + b"?=\""),
      "RFC 2047 encoded word in UTF-16LE (RFC 2781): decoded by Outlook and Thunderbird")
named("p15-rfc2047-utf32.eml",
      cd(b"filename=\"=?UTF-32BE?B?" + base64.b64encode("invoice.exe".encode("utf-32-be")) + b"?=\""),
      "RFC 2047 encoded word in UTF-32BE: Thunderbird decodes it through ICU")
named("p16-rfc2231-utf16.eml",
      cd(b"filename*=UTF-16LE''" + "".join("%%%02X" % b for b in "invoice.scr".encode("utf-16-le")).encode()),
      "RFC 2231 extended value in UTF-16LE (RFC 2231 section 4)")
named("p17-nul-in-name.eml", cd(b"filename=\"invoice.exe\x00.pdf\""),
      "a NUL inside the name: C readers (Outlook's MAPI, libmime) cut it there, invoice.exe; others keep invoice.exe.pdf")
named("p18-name-in-ct-only.eml",
      b"Content-Type: application/octet-stream; name=\"invoice.js\"; name=\"notes.txt\"\r\n",
      "duplicate Content-Type name: first and last both count (RFC 2045 section 5.1 does not say which)")
named("p19-rfc2047-unquoted-split.eml",
      cd(b"filename==?UTF-8?Q?invoice?= =?UTF-8?Q?=2Eexe?="),
      "unquoted value made of two RFC 2047 words separated by a space (Outlook joins them, RFC 2047 section 6.2)")
named("p20-rfc2231-and-plain.eml", cd(b"filename=\"notes.txt\"; filename*=UTF-8''invoice.exe"),
      "filename and filename* disagree: RFC 2231 readers take filename*, old readers filename (RFC 6266 section 4.3)")

named("p21-rfc2047-character-split.eml",
      cd(b"filename=\"=?UTF-16BE?B?" + base64.b64encode("invo".encode("utf-16-be") + b"\x00")
         + b"?= =?UTF-16BE?B?" + base64.b64encode("ice.exe".encode("utf-16-be")[1:]) + b"?=\""),
      "a UTF-16 character split across two adjacent encoded words: Gecko (DecodeRFC2047Str) and Python's decode_header "
      "join the bytes of adjacent words of one charset before decoding, invoice.exe")
named("p22-rfc2047-many-words.eml",
      cd(b"filename=\"" + b"".join(b"=?utf-8?b?" + base64.b64encode(bytes([c])) + b"?="
                                    for _ in range(129) for c in "\u4e00".encode()[:2])
         + b"=?utf-8?b?" + base64.b64encode(b"\x80invoice.js") + b"?=\""),
      "258 adjacent encoded words, the banned extension in the last: every word is decoded, however many (Python reads "
      "\u4e00...invoice.js)")
named("p23-disposition-without-type.eml",
      OCTET + b"Content-Disposition: filename=\"invoice.exe\"\r\n",
      "Content-Disposition with a parameter and no type: Gecko's nsMIMEHeaderParamImpl takes parameters from the start "
      "when there is no ; or , (\"broken servers\"), Python's get_filename reads it too")
named("p24-disposition-comma.eml",
      OCTET + b"Content-Disposition: attachment, filename=\"invoice.exe\"\r\n",
      "a comma instead of a semicolon after the type: Gecko ends the type at the first ; or ,")
named("p25-type-name-only.eml",
      b"Content-Type: name=\"invoice.exe\"\r\n",
      "a Content-Type that is only a name parameter: the type is unreadable (text/plain), the name is what Thunderbird and "
      "Python's get_filename show")

# 3. Windows' view of a name ---------------------------------------------

def rfc2231(name):
    return cd(b"filename*=UTF-8''" + "".join(
        c if c.isalnum() or c in ".-_" else "".join("%%%02X" % b for b in c.encode()) for c in name).encode())


named("w01-trailing-tab.eml", cd(b"filename=\"invoice.exe\t\""),
      "trailing tab: dropped when Windows creates the file (Naming Files, Paths, and Namespaces)")
named("w02-trailing-nbsp.eml", rfc2231("invoice.exe\u00a0"),
      "trailing NO-BREAK SPACE: Windows Explorer shows invoice.exe and runs it by its .exe extension")
named("w03-trailing-ideographic-space.eml", rfc2231("invoice.exe\u3000"),
      "trailing IDEOGRAPHIC SPACE: Explorer's extension is .exe followed by an invisible space; Outlook strips it")
named("w04-ads-data.eml", cd(b"filename=\"invoice.exe::$DATA\""),
      "NTFS alternate data stream ::$DATA: the file written is invoice.exe (MS-FSCC section 2.1.5.1)")
named("w05-ads-named.eml", cd(b"filename=\"invoice.exe:zone\""),
      "NTFS named stream invoice.exe:zone: the file created is invoice.exe")
named("w06-clsid-hta.eml", cd(b"filename=\"report.{3050F4D8-98B5-11CF-BB82-00AA00BDCE0B}\""),
      "CLSID extension of the HTML Application class: Explorer hides it and runs the file with mshta (Microsoft Security Bulletin MS04-024)")
named("w07-clsid-doubled.eml", cd(b"filename=\"report.pdf.{3050f4d8-98b5-11cf-bb82-00aa00bdce0b}\""),
      "CLSID extension in lower case after a harmless one: shown as report.pdf, run as an HTML application")
long_name = "a" * 251 + ".exe" + "b" * 40 + ".pdf"
named("w08-long-255.eml", rfc2231(long_name),
      "a name longer than the 255 characters NTFS keeps: cut at 255 it ends in .exe")
maxpath = "r" * 170 + ".js" + "x" * 120 + ".txt"
named("w09-long-maxpath.eml", rfc2231(maxpath),
      "a name cut to fit MAX_PATH (260) under Outlook's attachment folder: it ends in .js at the cut")
named("w10-dots-spaces-tabs.eml", cd(b"filename=\"invoice.scr . .\t. \""),
      "trailing dots, spaces and tabs mixed: all dropped by Win32 path normalisation")

# 4. Every reading of the structure ---------------------------------------

def raw_multipart(subject, ctype_lines, boundary_in_body, extra_top=b""):
    h, body = exe_part(OCTET.replace(b"\r\n", b"; name=\"invoice.exe\"\r\n"))
    return (head(subject, extra_top + ctype_lines) + b"\r\n"
            + b"--" + boundary_in_body + b"\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
            + b"--" + boundary_in_body + b"\r\n" + h + b"\r\n" + body
            + b"--" + boundary_in_body + b"--\r\n")


def struct(name, ctype_lines, boundary, why, extra_top=b""):
    add(name, raw_multipart(name[:-4], ctype_lines, boundary, extra_top), "badmail", "badmail", why)


struct("s01-boundary-rfc2047.eml",
       b"Content-Type: multipart/mixed; boundary=\"=?us-ascii?Q?inner=5Fb?=\"\r\n", b"inner_b",
       "boundary written as an RFC 2047 encoded word: readers that decode the whole field first (mailparse, Python's email) use inner_b")
struct("s02-boundary-rfc2047-as-written.eml",
       b"Content-Type: multipart/mixed; boundary=\"=?us-ascii?Q?inner=5Fb?=\"\r\n", b"=?us-ascii?Q?inner=5Fb?=",
       "boundary as written with an encoded word: RFC 2047 section 5 forbids decoding it, conforming readers split at it")
struct("s03-boundary-leading-space.eml", b"Content-Type: multipart/mixed; boundary=\" lead\"\r\n", b" lead",
       "boundary with a leading space kept: RFC 2046 section 5.1.1 allows spaces inside the boundary")
struct("s04-boundary-trailing-space.eml", b"Content-Type: multipart/mixed; boundary=\"trail \"\r\n", b"trail ",
       "boundary with a trailing space: RFC 2046 section 5.1.1 forbids it, readers that keep it still split there")
struct("s05-duplicate-boundary-first.eml", b"Content-Type: multipart/mixed; boundary=first; boundary=second\r\n", b"first",
       "duplicate boundary parameter, the first used (Thunderbird; peer-clamav mail-dup-boundary)")
struct("s06-duplicate-boundary-last.eml", b"Content-Type: multipart/mixed; boundary=first; boundary=second\r\n", b"second",
       "duplicate boundary parameter, the last used (mailparse, Outlook)")
struct("s07-duplicate-ct-last.eml",
       b"Content-Type: text/plain\r\nContent-Type: multipart/mixed; boundary=late\r\n", b"late",
       "two Content-Type fields, the second one multipart: readers that take the last field see the attachment")
struct("s08-duplicate-ct-first.eml",
       b"Content-Type: multipart/mixed; boundary=early\r\nContent-Type: text/plain\r\n", b"early",
       "two Content-Type fields, the first one multipart: readers that take the first field see the attachment")
struct("s09-ct-comment.eml", b"Content-Type: multipart/mixed (mixed up); boundary=cmt\r\n", b"cmt",
       "an RFC 822 comment after the type (RFC 2045 section 5.1 allows comments): multipart/mixed (x) is multipart/mixed")
struct("s10-ct-comment-inside.eml", b"Content-Type: multipart/(x)mixed; boundary=cmt2\r\n", b"cmt2",
       "a comment between the slash and the subtype, removed by RFC 822 readers")
struct("s11-header-name-space.eml", b"Content-Type: multipart/mixed; boundary=sp\r\n", b"sp",
       "a header field name with a space before Content-Type: the header block does not end there (Thunderbird and Outlook read on)",
       extra_top=b"X Mailer Info: bulk\r\n")
struct("s12-header-name-8bit.eml", b"Content-Type: multipart/mixed; boundary=eb\r\n", b"eb",
       "a header field name with 8-bit bytes before Content-Type: the header block goes on",
       extra_top=b"X-Pri\xe9rit\xe9: 1\r\n")
struct("s13-ct-uppercase-space.eml", b"Content-Type:   MULTIPART / MIXED ;boundary=up\r\n", b"up",
       "spaces around the slash and upper case: RFC 2045 section 5.1 types are case-insensitive, readers skip the spaces")

struct("s20-delimiter-vertical-tab.eml", b"Content-Type: multipart/mixed; boundary=vt\r\n", b"vt\x0b",
       "a vertical tab after the delimiter: libmime (MimeMultipart_check_boundary) strips trailing isspace() characters, "
       "which include it, so the line is a delimiter")
struct("s21-empty-boundary.eml", b"Content-Type: multipart/mixed; boundary=\"\"\r\n", b"",
       "an empty boundary (RFC 2046 wants one character at least): Thunderbird and Python's email package split at every "
       "-- line and close at ----")
struct("s23-junk-line-before-content-type.eml", b"Content-Type: multipart/mixed; boundary=jl\r\n", b"jl",
       "a line without a colon in the header before Content-Type: Python and mail-parser start the body there, Thunderbird's "
       "libmime reads on to the empty line skipping it (MimeHeaders_get) and shows the attachment",
       extra_top=b"[bulk mail]\r\n")
struct("s24-vertical-tab-before-colon.eml", b"Content-Type\x0b: multipart/mixed; boundary=vtc\r\n", b"vtc",
       "a vertical tab between the field name and the colon: libmime backs up over isspace() characters before the colon, "
       "so the field is Content-Type")
named("s25-junk-line-in-part-header.eml", OCTET + b"X-Junk\r\nContent-Disposition: attachment; filename=\"invoice.js\"\r\n",
      "a part header line without a colon before the Content-Disposition: Thunderbird reads on and names the part invoice.js")
add("s26-bare-cr-line-ends.eml",
    raw_multipart("s26", b"Content-Type: multipart/mixed; boundary=cr\r\n", b"cr").replace(b"\r\n", b"\r"),
    "badmail", "badmail",
    "every line ended by a bare CR (qmail passes it through): Thunderbird's mime_LineBuffer ends a line at CRLF, CR or LF, "
    "and Python's email parser too, so they see the multipart and its attachment")
add("s22-boundary-readings-past-cap.eml",
    raw_multipart("s22", b"".join(b"Content-Type: multipart/mixed; boundary=b%d\r\n" % i for i in range(9)), b"b8"),
    "unchecked", "unchecked",
    "nine Content-Type fields, the body split by the last one's boundary: past qmvc's cap of 8 boundary readings the "
    "rest is not examined, so the part is unchecked, never silently passed")


def inner_message(filename):
    h, body = exe_part(OCTET.replace(b"\r\n", b"; name=\"" + filename + b"\"\r\n"))
    return (b"From: a@example.net\r\nSubject: inner\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=inner\r\n\r\n--inner\r\n" + h + b"\r\n" + body + b"--inner--\r\n")


def wrap(name, ctype, inner, why, verdict="badmail", clamd="badmail", cte=b""):
    add(name, mixed(name[:-4], ctype + cte, inner), verdict, clamd, why)


wrap("s14-message-news.eml", b"Content-Type: message/news\r\n", inner_message(b"invoice.exe"),
     "message/news (RFC 1036, obsoleted by RFC 5537) is opened as an encapsulated message by Thunderbird")
wrap("s15-message-partial-single.eml", b"Content-Type: message/partial; id=\"x@y\"; number=1; total=1\r\n",
     inner_message(b"invoice.exe"),
     "message/partial with number=1 total=1 (RFC 2046 section 5.2.2): the whole message; readers show it")
wrap("s16-message-global.eml", b"Content-Type: message/global\r\n", inner_message("rechnung-\u00fc.exe".encode()),
     "message/global with a UTF-8 header (RFC 6532 section 3.7)")
add("s27-eml-file-as-octet-stream.eml",
    mixed("s27", b"Content-Type: application/octet-stream; name=\"fwd.eml\"\r\n"
                 b"Content-Disposition: attachment; filename=\"fwd.eml\"\r\nContent-Transfer-Encoding: base64\r\n",
          b64(inner_message(b"invoice.exe"))),
    "badmail", "badmail",
    "a saved message attached as application/octet-stream, named fwd.eml: Outlook and Thunderbird open it as a message "
    "by its name and offer the attachments inside")
add("s28-encapsulated-bare-cr.eml",
    mixed("s28", b"Content-Type: message/rfc822\r\nContent-Transfer-Encoding: base64\r\n",
          b64(inner_message(b"invoice.exe").replace(b"\r\n", b"\r"))),
    "badmail", "badmail",
    "an attached message whose lines, once base64-decoded, end in bare CRs: Thunderbird's line buffer ends lines at CR "
    "when it shows the inline message, so it lists the attachment inside")
add("s29-eml-file-junk-first-line.eml",
    mixed("s29", b"Content-Type: application/octet-stream; name=\"fwd.eml\"\r\n"
                 b"Content-Transfer-Encoding: base64\r\n",
          b64(b"saved by a mail client\r\n" + inner_message(b"invoice.exe"))),
    "badmail", "badmail",
    "a saved message (fwd.eml) whose first line is no header field: Thunderbird reads the header past it and shows the "
    "attachment inside")
add("s17-untyped-text.eml",
    head("s17", b"Content-Type: text\r\n") + b"\r\nsee below\r\n\r\nbegin 644 invoice.exe\r\n"
    + binascii.b2a_uu(MZ[:45]).replace(b"\n", b"\r\n") + b"`\r\nend\r\n",
    "badmail", "badmail",
    "Content-Type: text without a subtype: read as text/plain (RFC 1049 style), and its uuencoded block opened")


def smime(inner):
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "in")
        with open(src, "wb") as f:
            f.write(inner)
        return subprocess.run(
            ["openssl", "smime", "-sign", "-nodetach", "-binary", "-outform", "DER",
             "-in", src, "-signer", os.environ["SMIME_CERT"], "-inkey", os.environ["SMIME_KEY"]],
            check=True, capture_output=True).stdout


if "SMIME_CERT" in os.environ:
    signed = smime(inner_message(b"invoice.exe"))
    add("s18-smime-opaque-signed.eml",
        head("s18", b"Content-Type: application/pkcs7-mime; smime-type=signed-data; name=\"smime.p7m\"\r\n"
                    b"Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"smime.p7m\"\r\n")
        + b"\r\n" + b64(signed), "badmail", "badmail",
        "S/MIME opaque signed data (RFC 8551 section 3.5.2): the signed MIME entity is inside the PKCS#7 SignedData, not encrypted; every S/MIME client shows it")
    signed = smime(b"Content-Type: application/octet-stream; name=\"notes.txt\"\r\n"
                   b"Content-Transfer-Encoding: base64\r\n\r\n" + b64(EICAR))
    eicar("s19-smime-x-pkcs7-eicar.eml",
          mixed("s19", b"Content-Type: application/x-pkcs7-mime; smime-type=signed-data; name=\"smime.p7m\"\r\n"
                       b"Content-Transfer-Encoding: base64\r\n", b64(signed)),
          "S/MIME opaque signed data under the old x-pkcs7-mime type (RFC 2311): EICAR in the signed content")
else:
    # Without a signing certificate the signed messages already made stay,
    # with their rows.
    with open("expected.csv", newline="") as f:
        for row in csv.reader(line for line in f if not line.startswith("#")):
            if row[0] in ("s18-smime-opaque-signed.eml", "s19-smime-x-pkcs7-eicar.eml"):
                ROWS.append(tuple(row))

# 5. Every transfer encoding a client decodes -----------------------------

def uu(data, name):
    lines = [b"begin 644 " + name]
    for i in range(0, len(data), 45):
        lines.append(binascii.b2a_uu(data[i:i + 45]).rstrip(b"\n"))
    lines += [b"`", b"end"]
    return b"\r\n".join(lines) + b"\r\n"


add("e23-uuencoded-eml-in-text.eml",
    head("e23", b"Content-Type: text/plain\r\n") + b"\r\nForwarded:\r\n\r\n" + uu(inner_message(b"invoice.exe"), b"fwd.eml"),
    "badmail", "badmail",
    "a saved message uuencoded in a text part (begin 644 fwd.eml): Outlook Express and Thunderbird offer fwd.eml, and "
    "opening it shows the attachment inside")

for n, cte in enumerate([b"x-uue", b"uue", b"x-uu", b"uuencode"], start=1):
    name = "e%02d-cte-%s.eml" % (n, cte.decode())
    add(name, mixed(name[:-4], OCTET + b"Content-Transfer-Encoding: " + cte + b"\r\n", uu(MZ, b"invoice.exe")),
        "badmail", "badmail",
        "Content-Transfer-Encoding: %s: one uuencoded block, its begin line names the file (Outlook Express, Thunderbird mimeuue.cpp)" % cte.decode())


def yenc(data, name, part=None):
    out, line = [], b""
    for i, c in enumerate(data):
        o = (c + 42) % 256
        if o in (0, 10, 13, 61) or (o in (9, 32) and not line) or (o == 46 and not line):
            line += b"=" + bytes([(o + 64) % 256])
        else:
            line += bytes([o])
        if len(line) >= 128:
            out.append(line)
            line = b""
    if line:
        out.append(line)
    crc = binascii.crc32(data) & 0xffffffff
    begin = b"=ybegin line=128 size=%d name=%s" % (len(data), name)
    if part:
        begin = b"=ybegin part=1 total=1 line=128 size=%d name=%s" % (len(data), name)
        out.insert(0, b"=ypart begin=1 end=%d" % len(data))
    return b"\r\n".join([begin] + out + [b"=yend size=%d crc32=%08x" % (len(data), crc)]) + b"\r\n"


add("e05-cte-x-yencode.eml", mixed("e05", OCTET + b"Content-Transfer-Encoding: x-yencode\r\n", yenc(MZ, b"invoice.exe")),
    "badmail", "badmail", "Content-Transfer-Encoding: x-yencode: the =ybegin line names the file (yEnc 1.3, www.yenc.org; Thunderbird reads yEnc)")
add("e06-yenc-in-text.eml",
    head("e06", b"Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 8bit\r\n") + b"\r\nhere it is\r\n\r\n" + yenc(MZ, b"invoice.scr"),
    "badmail", "badmail", "a =ybegin block inside a text body, decoded by news readers and Thunderbird (yEnc 1.3)")
add("e07-yenc-multipart-ypart.eml",
    head("e07", b"Content-Type: text/plain\r\n") + b"\r\n" + yenc(MZ, b"invoice.pif", part=True),
    "badmail", "badmail", "a multi-part yEnc block (=ybegin part=1 with =ypart), one part complete")
eicar("e08-yenc-eicar.eml", head("e08", b"Content-Type: text/plain\r\n") + b"\r\n" + yenc(EICAR, b"notes.txt"),
      "EICAR yEnc-encoded in a text body: an engine reading the raw text never sees the plain bytes")


def crc16(data, crc=0):
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xffff
    return crc


def binhex(data, name):
    hdr = bytes([len(name)]) + name + b"\x00" + b"APPL" + b"????" + b"\x00\x00" + len(data).to_bytes(4, "big") + (0).to_bytes(4, "big")
    stream = hdr + crc16(hdr).to_bytes(2, "big") + data + crc16(data).to_bytes(2, "big") + b"\x00\x00"
    rle = stream.replace(b"\x90", b"\x90\x00")
    alphabet = b"!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr"
    bits, n, enc = 0, 0, b""
    for b in rle:
        bits = bits << 8 | b
        n += 8
        while n >= 6:
            n -= 6
            enc += alphabet[(bits >> n) & 63:((bits >> n) & 63) + 1]
    if n:
        enc += alphabet[(bits << (6 - n)) & 63:((bits << (6 - n)) & 63) + 1]
    enc = b":" + enc + b":"
    lines = [enc[i:i + 64] for i in range(0, len(enc), 64)]
    return b"(This file must be converted with BinHex 4.0)\r\n\r\n" + b"\r\n".join(lines) + b"\r\n"


add("e09-cte-x-binhex40.eml", mixed("e09", OCTET + b"Content-Transfer-Encoding: x-binhex40\r\n", binhex(MZ, b"invoice.exe")),
    "badmail", "badmail", "Content-Transfer-Encoding: x-binhex40: the BinHex header names the file (RFC 1741; Eudora, Apple Mail)")
add("e10-mac-binhex40.eml", mixed("e10", b"Content-Type: application/mac-binhex40\r\n", binhex(MZ, b"invoice.com")),
    "badmail", "badmail", "Content-Type: application/mac-binhex40 (RFC 1741 section 2): decoded by Apple Mail and Thunderbird")
add("e11-binhex-in-text.eml", head("e11", b"Content-Type: text/plain\r\n") + b"\r\nattached\r\n" + binhex(MZ, b"invoice.bat"),
    "badmail", "badmail", "a BinHex 4.0 block inside a text body, as Eudora and Thunderbird (mimebinhex) decode it")
eicar("e12-binhex-eicar.eml", head("e12", b"Content-Type: text/plain\r\n") + b"\r\n" + binhex(EICAR, b"notes.txt"),
      "EICAR inside a BinHex 4.0 block (RLE and 6-bit encoded) in a text body")
eicar("e13-uue-eicar.eml", mixed("e13", OCTET + b"Content-Transfer-Encoding: x-uu\r\n", uu(EICAR, b"notes.txt")),
      "EICAR in a part sent with Content-Transfer-Encoding: x-uu")


def att(ctype, cte, body, name=b"notes.txt"):
    return (ctype + b"; name=\"" + name + b"\"\r\nContent-Disposition: attachment; filename=\"" + name
            + b"\"\r\nContent-Transfer-Encoding: " + cte + b"\r\n", body)


enc = base64.b64encode(EICAR)
# '=' in the middle of a quantum: a decoder skipping it sees EICAR; one that
# ends the quantum there sees garbage.
eicar("e14-base64-pad-skipped.eml", mixed("e14", *att(OCTET.rstrip(b"\r\n"), b"base64", enc[:10] + b"=" + enc[10:] + b"\r\n")),
      "base64 with '=' inside a quantum: decoders that skip it (RFC 2045 section 6.8: characters outside the alphabet are ignored) see EICAR",
      verdict="errormail")
eicar("e15-base64-stop-at-pad.eml",
      mixed("e15", *att(OCTET.rstrip(b"\r\n"), b"base64", base64.b64encode(EICAR + b"\n") + base64.b64encode(b"\n" + b"x" * 40) + b"\r\n")),
      "base64 with padding then more base64: decoders that stop at the first '=' see only the first run (EICAR alone, so its hash too)")
eicar("e16-base64-junk-inside.eml",
      mixed("e16", *att(OCTET.rstrip(b"\r\n"), b"base64", enc[:7] + b"!" + enc[7:20] + b"*" + enc[20:] + b"\r\n")),
      "base64 with junk characters inside quanta: skipped by RFC 2045 section 6.8 decoders, a stop at junk by others",
      verdict="errormail")
per_line = b"\r\n".join(base64.b64encode(EICAR[i:i + 5]).rstrip(b"=") for i in range(0, len(EICAR), 5))
eicar("e17-base64-odd-lines.eml", mixed("e17", *att(OCTET.rstrip(b"\r\n"), b"base64", per_line + b"\r\n")),
      "base64 lines of odd length, each line a complete encoding without padding: line-by-line decoders (PHP imap, some webmails) see EICAR",
      verdict="errormail")
eicar("e18-text-base64-two-runs.eml",
      mixed("e18", b"Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: base64\r\n",
            base64.b64encode(b"Hello, see you.\r\n") + b"\r\n" + base64.b64encode(EICAR) + b"\r\n"),
      "a plain text part whose base64 comes in two runs: an engine's decoder stopping at the first padding misses the second")
qp_soft = b"".join(EICAR[i:i + 9] + b"=  \r\n" for i in range(0, len(EICAR), 9))
eicar("e19-qp-soft-break-spaces.eml",
      mixed("e19", *att(b"Content-Type: text/plain", b"quoted-printable", qp_soft)),
      "quoted-printable soft line breaks followed by spaces (RFC 2045 section 6.7 rule 3: the spaces are to be dropped)")
qp_bad = EICAR[:4] + b"=" + EICAR[4:29] + b"=" + EICAR[29:] + b"\r\n"
eicar("e20-qp-bad-escape.eml",
      mixed("e20", *att(b"Content-Type: text/plain", b"quoted-printable", qp_bad)),
      "quoted-printable '=' not followed by two hex digits: kept by robust decoders, dropped by others (RFC 2045 section 6.7 note 2)")
eicar("e21-qp-lowercase-hex.eml",
      mixed("e21", *att(b"Content-Type: text/plain", b"quoted-printable",
                        b"".join(b"=%02x" % c for c in EICAR) + b"\r\n")),
      "quoted-printable with lower-case hex digits (RFC 2045 section 6.7 rule 1 says upper case; decoders accept both)")
eicar("e22-base64-in-8bit-cte-name.eml",
      mixed("e22", *att(OCTET.rstrip(b"\r\n"), b"Base64 (encoded)", b64(EICAR))),
      "mechanism with a comment after it: Content-Transfer-Encoding: Base64 (encoded) (RFC 2045 section 6.1 allows comments)")


# The subject rules must see what the reader's client shows.


def subject_only(name, subject_fields, why, ctype=b"text/plain"):
    """A text message whose only fault is its subject, written as given."""
    data = (
        b"From: mallory@example.net\r\nTo: bob@example.com\r\n"
        b"Date: Sat, 28 Nov 2026 12:00:00 +0000\r\n"
        b"Message-ID: <" + name[:-4].encode() + b"@example.net>\r\n"
        + subject_fields + b"MIME-Version: 1.0\r\nContent-Type: " + ctype + b"\r\n\r\nHello.\r\n"
    )
    add(name, data, "badmail", "badmail", why)


subject_only("h01-subject-glued-word.eml", b"Subject: Re:=?utf-8?b?SUxPVkVZT1U?=\r\n",
             "an encoded word glued to the text before it and without base64 padding (RFC 2047 section 5 wants white space first): "
             "lenient decoders show Re:ILOVEYOU (Nodemailer's libmime decodeWords, the rfc2047 npm module)")
subject_only("h02-subject-zero-width-space.eml", b"Subject: =?utf-8?q?ILOVE=E2=80=8BYOU?=\r\n",
             "a zero-width space (U+200B, a default-ignorable format character, Unicode section 5.21) inside the word: every client shows ILOVEYOU")
subject_only("h03-subject-soft-hyphen.eml", b"Subject: =?utf-8?q?I-LOVE-=C2=ADYOU?=\r\n",
             "a soft hyphen (U+00AD, shown only where a line breaks) inside the word: clients show I-LOVE-YOU")
subject_only("h04-second-subject-field.eml", b"Subject: Quarterly figures\r\nSubject: ILOVEYOU\r\n",
             "two Subject fields (RFC 5322 section 3.6 allows one): clients differ on which they show, as they do for two From fields "
             "(Chen et al., Composition Kills, USENIX Security 2020)")
subject_only("h05-subject-utf-32.eml",
             b"Subject: =?UTF-32BE?B?" + base64.b64encode("ILOVEYOU".encode("utf-32-be")) + b"?=\r\n",
             "an encoded word in UTF-32, which the Encoding Standard does not list: Thunderbird decodes it through ICU")

subject_only("h06-subject-utf16-split-words.eml",
             b"Subject: =?UTF-16BE?B?" + base64.b64encode("ILOV".encode("utf-16-be") + b"\x00")
             + b"?= =?UTF-16BE?B?" + base64.b64encode("EYOU".encode("utf-16-be")[1:]) + b"?=\r\n",
             "a UTF-16 character split across two encoded words: Gecko and Python join adjacent words' bytes, ILOVEYOU")
subject_only("h07-subject-utf8-split-words.eml",
             b"Subject: =?utf-8?q?ILOVE=E2=80?= =?utf-8?q?=8BYOU?=\r\n",
             "a zero-width space whose UTF-8 bytes are split across two encoded words: joined, it is an invisible character "
             "inside ILOVEYOU")

subject_only("h08-subject-behind-bare-cr.eml", b"X-Mailer: x\rSubject: ILOVEYOU\r\n",
             "a Subject field behind a bare CR on another field's line: Thunderbird and Python end the line at the CR")

subject_only("h09-subject-khmer-inherent-vowel.eml", b"Subject: =?utf-8?q?ILOVE=E1=9E=B4YOU?=\r\n",
             "a Khmer inherent vowel (U+17B4, Default_Ignorable_Code_Point): HarfBuzz, and with it Thunderbird, Firefox and "
             "Chrome, draws it as nothing: ILOVEYOU")
subject_only("h10-subject-musical-format-char.eml", b"Subject: =?utf-8?q?ILOVE=F0=9D=85=B3YOU?=\r\n",
             "a musical symbol format character (U+1D173, Default_Ignorable_Code_Point) drawn as nothing: ILOVEYOU")

subject_only("h11-subject-right-to-left-override.eml",
             b"Subject: =?utf-8?b?" + base64.b64encode("\u202eUOYEVOLI".encode()) + b"?=\r\n",
             "RIGHT-TO-LEFT OVERRIDE (U+202E) before the word written backwards: every client draws it right to left "
             "(Unicode Bidirectional Algorithm, UAX #9), ILOVEYOU")

subject_only("h12-subject-replacement-label.eml", b"Subject: =?iso-2022-kr?B?SUxPVkVZT1U=?=\r\n",
             "an encoded word labelled iso-2022-kr, which the Encoding Standard maps to its replacement encoding (one U+FFFD "
             "for the whole word): Thunderbird shows the bytes unconverted, Outlook decodes ISO-2022-KR: ILOVEYOU")
subject_only("h13-subject-thunderbird-alias.eml",
             b"Subject: =?csunicode?B?" + base64.b64encode("ILOVEYOU".encode("utf-16-be")) + b"?=\r\n",
             "an encoded word labelled csunicode: UTF-16LE in the Encoding Standard, UTF-16BE in Thunderbird's alias table "
             "(comm-central mailnews/intl/charsetalias.properties): ILOVEYOU")
subject_only("h14-subject-utf7-alias.eml", b"Subject: =?unicode-2-0-utf-7?q?ILOVE+AK0-YOU?=\r\n",
             "an encoded word labelled unicode-2-0-utf-7, unknown to the Encoding Standard, UTF-7 in Thunderbird's alias "
             "table: ILOVE, a soft hyphen, YOU")
subject_only("h15-subject-q-word-folded-inside.eml", b"Subject: =?utf-8?q?=49LOVEYOU\r\n ?=\r\n",
             "a Q encoded word folded before its end: Thunderbird's jsmime unfolds the field before it looks for words and "
             "decodes it, ILOVEYOU")
subject_only("h16-subject-raw-8bit-message-charset.eml", b"Subject: ILOVE" + "\u200b".encode("gb18030") + b"YOU\r\n",
             "a raw 8-bit Subject that is not UTF-8: Thunderbird (jsmime convert8BitHeader) decodes it in the message's "
             "charset, GB18030 here, with a zero-width space inside ILOVEYOU",
             ctype=b"text/plain; charset=gb18030")
subject_only("h17-subject-esc-iso-2022-jp.eml", b"Subject: ILOVE\x1b(BYOU\r\n",
             "an ISO-2022-JP escape sequence inside the word and no charset: Thunderbird's detector (chardetng) reads "
             "ISO-2022-JP and shows ILOVEYOU")

# The type and transfer encoding a client takes for a part: Thunderbird's
# libmime ends the value at ';', ',' or a blank (MimeHeaders_get) and keeps
# what follows the last '?' of a Content-Type (mime_create, bug 659355).

struct("s30-type-after-question-mark.eml",
       b"Content-Type: =?utf-8?q?multipart/mixed; boundary=\"BOUNDARY\"\r\n", b"BOUNDARY",
       "a Content-Type that begins like an encoded word: Thunderbird keeps what follows the last '?' (mimei.cpp, Mozilla "
       "bug 659355), a multipart, and lists the attachment")
struct("s31-multipart-type-comma.eml",
       b"Content-Type: multipart/mixed,x; boundary=\"BOUNDARY\"\r\n", b"BOUNDARY",
       "a comma after the type: Thunderbird ends the value there (MimeHeaders_get with strip_p) and splits the parts")
wrap("s32-message-type-comma.eml", b"Content-Type: message/rfc822,\r\n", inner_message(b"invoice.exe"),
     "an attached message typed message/rfc822 with a comma after it: Thunderbird ends the type at the comma and opens "
     "the message")
wrap("s33-message-type-junk-word.eml", b"Content-Type: message/rfc822 x\r\n", inner_message(b"invoice.exe"),
     "an attached message typed 'message/rfc822 x': Thunderbird ends the type at the blank and opens the message")

struct("s34-multipart-unknown-subtype.eml", b"Content-Type: multipart/@; boundary=\"BOUNDARY\"\r\n", b"BOUNDARY",
       "a multipart whose subtype is no token: Thunderbird shows any multipart it does not know as mixed (libmime "
       "mimemmix.h) and Python's email package splits it too")
add("s35-mixed-or-digest.eml",
    head("s35", b"Content-Type: multipart/mixed(?multipart/digest; boundary=\"D\"\r\n") + b"\r\n--D\r\n\r\n"
    + inner_message(b"invoice.exe") + b"\r\n--D--\r\n",
    "badmail", "badmail",
    "a multipart read as mixed by one reader and as digest by Thunderbird (what follows the last '?'): in a digest an "
    "untyped part is an attached message (RFC 2046 section 5.1.5), whose attachment Thunderbird lists")

def zip_of(name, data):
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 28, 12, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


ZIPJS = zip_of("invoice.js", b"WScript.Echo('x');\r\n" * 4)
ZIPH = b"Content-Type: application/zip; name=\"docs.zip\"\r\n"
add("e24-cte-comma.eml", mixed("e24", ZIPH + b"Content-Transfer-Encoding: base64,7bit\r\n", b64(ZIPJS)),
    "badmail", "badmail",
    "Content-Transfer-Encoding: base64,7bit: Thunderbird ends the value at the comma (mimeobj.cpp, MimeHeaders_get) and "
    "decodes base64; the zip holds invoice.js")
add("e25-second-cte-field.eml",
    mixed("e25", ZIPH + b"Content-Transfer-Encoding: 7bit\r\nContent-Transfer-Encoding: base64\r\n", b64(ZIPJS)),
    "badmail", "badmail",
    "two Content-Transfer-Encoding fields: a reader that takes the last one decodes the zip, which holds invoice.js")

named("p26-blank-in-extension.eml", cd(b"filename=\"invoice.j s\""),
      "a blank inside the extension: Thunderbird and Firefox save and open the file as invoice.js (Gecko's "
      "SanitizeFileName takes the blanks out of the extension)")
named("p27-no-break-space-in-extension.eml", cd(b"filename*=utf-8''invoice.%C2%A0js"),
      "a no-break space after the dot: Gecko turns it into a space and takes it out of the extension: invoice.js")

with open("expected.csv", "w", newline="") as f:
    f.write("# file,verdict,action,clamd,technique: see generate.py\n")
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["file", "verdict", "action", "clamd", "technique"])
    for r in ROWS:
        w.writerow(r)
print(len(ROWS), "messages")
