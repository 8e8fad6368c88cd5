//! Unit tests of the MIME walker.

use super::*;

/// The whole text of a text part, decoded.
fn text(part: &Part) -> Option<String> {
    part.text(usize::MAX).map(|(t, _)| t.into_owned())
}

fn p(raw: &str) -> Message {
    parse(raw.as_bytes(), &Limits::default())
}

/// The limits reported exceeded, in order.
fn cut(m: &Message) -> Vec<&str> {
    m.anomalies
        .iter()
        .filter_map(|a| match a {
            Anomaly::LimitExceeded { limit, .. } => Some(limit.as_str()),
            _ => None,
        })
        .collect()
}

fn ids(m: &Message) -> Vec<&str> {
    m.parts.iter().map(|p| p.id.as_str()).collect()
}

#[test]
fn plain_message_is_one_part() {
    let m = p("Subject: =?utf-8?q?caf=C3=A9?=\r\nFrom: a@b\r\n\r\nhello\r\n");
    assert_eq!(m.subject.as_deref(), Some("café"));
    assert_eq!(ids(&m), ["1"]);
    let part = &m.parts[0];
    assert_eq!(part.declared_type, "text/plain");
    assert_eq!(part.depth, 0);
    assert_eq!(&part.body.bytes()[..], b"hello\r\n");
    assert_eq!(text(part).as_deref(), Some("hello\r\n"));
    assert!(!part.attachment);
    assert!(m.anomalies.is_empty(), "{:?}", m.anomalies);
    assert_eq!(m.header("FROM"), Some("a@b"));
}

#[test]
fn folded_headers_unfolded() {
    let m = p("Subject: one\r\n two\r\n\tthree\r\nX: y\r\n\r\n");
    assert_eq!(m.subject.as_deref(), Some("one two three"));
    assert_eq!(m.headers.len(), 2);
}

const NESTED: &str = "Content-Type: multipart/mixed; boundary=outer\r\n\r\n\
preamble\r\n\
--outer\r\n\
Content-Type: text/plain; charset=iso-8859-1\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\r\n\
caf=E9\r\n\
--outer\r\n\
Content-Type: message/rfc822\r\n\r\n\
Subject: inner\r\n\
Content-Type: multipart/alternative; boundary=\"inner\"\r\n\r\n\
--inner\r\n\r\n\
plain\r\n\
--inner\r\n\
Content-Type: application/octet-stream; name=\"x.exe\"\r\n\
Content-Transfer-Encoding: base64\r\n\r\n\
TVpQAAIAAAAEAA8A//8AALgAAAAAAAAAQAAaAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n\
--inner--\r\n\
--outer\r\n\
Content-Type: message/rfc822; name=\"fwd.eml\"\r\n\r\n\
Subject: single\r\n\r\n\
body\r\n\
--outer--\r\n\
epilogue\r\n";

#[test]
fn nested_message_rfc822_numbered_as_imap() {
    let m = p(NESTED);
    assert_eq!(ids(&m), ["1", "2.1", "2.2", "3", "3.1"]);
    assert_eq!(text(&m.parts[0]).as_deref(), Some("café"));
    assert_eq!(m.parts[0].depth, 1);
    assert_eq!(m.parts[1].depth, 3);
    assert_eq!(&m.parts[1].body.bytes()[..], b"plain");
    let exe = &m.parts[2];
    assert_eq!(exe.names, ["x.exe"]);
    assert!(exe.attachment);
    assert!(exe.body.head(2).starts_with(b"MZ"));
    assert_eq!(exe.declared_type, "application/octet-stream");
    assert!(exe.text(usize::MAX).is_none());
    let fwd = &m.parts[3];
    assert_eq!(fwd.declared_type, "message/rfc822");
    assert_eq!(fwd.names, ["fwd.eml"]);
    assert_eq!(&m.parts[4].body.bytes()[..], b"body");
    assert!(m.anomalies.is_empty(), "{:?}", m.anomalies);
}

#[test]
fn missing_closing_boundary() {
    let m = p("Content-Type: multipart/mixed; boundary=b\n\n--b\n\none\n--b\n\ntwo\n");
    assert_eq!(ids(&m), ["1", "2"]);
    assert_eq!(&m.parts[1].body.bytes()[..], b"two\n");
    assert!(
        matches!(&m.anomalies[..], [Anomaly::Boundary { detail, .. }] if detail.contains("closing"))
    );
}

#[test]
fn boundary_never_occurs_or_absent() {
    let m = p("Content-Type: multipart/mixed; boundary=b\n\nno parts here\n");
    assert_eq!(ids(&m), ["1"]);
    assert_eq!(m.parts[0].declared_type, "text/plain");
    assert!(
        matches!(&m.anomalies[..], [Anomaly::Boundary { detail, .. }] if detail.contains("never"))
    );
    let m = p("Content-Type: multipart/mixed\n\nbody\n");
    assert_eq!(ids(&m), ["1"]);
    assert!(
        matches!(&m.anomalies[..], [Anomaly::Boundary { detail, .. }] if detail.contains("without"))
    );
}

#[test]
fn longer_boundary_is_not_ours() {
    let m = p(
        "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: multipart/mixed; boundary=bb\n\n--bb\n\nx\n--bb--\n--b--\n",
    );
    assert_eq!(ids(&m), ["1.1"]);
    assert_eq!(&m.parts[0].body.bytes()[..], b"x");
    assert!(m.anomalies.is_empty(), "{:?}", m.anomalies);
}

#[test]
fn duplicated_mime_headers() {
    let m = p(
        "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\nContent-Type: application/x-msdownload; name=a.exe\nContent-Transfer-Encoding: base64\nContent-Transfer-Encoding: 7bit\n\nTVo=\n--b--\n",
    );
    assert_eq!(m.parts[0].names, ["a.exe"]);
    assert_eq!(m.parts[0].declared_type, "text/plain");
    assert_eq!(&m.parts[0].body.bytes()[..], b"MZ");
    let dup: Vec<_> = m
        .anomalies
        .iter()
        .filter(|a| matches!(a, Anomaly::Header { part, .. } if part == "1"))
        .collect();
    assert_eq!(dup.len(), 2, "{:?}", m.anomalies);
}

#[test]
fn lenient_boundary_and_encoding_values() {
    let m = p(
        "Content-Type: multipart/mixed;boundary=\"--b\n\n----b\nContent-Transfer-Encoding: base64; (odd)\n\nQ2F0\n----b--\n",
    );
    assert_eq!(ids(&m), ["1"]);
    assert_eq!(&m.parts[0].body.bytes()[..], b"Cat");
    assert!(m.anomalies.is_empty(), "{:?}", m.anomalies);
}

#[test]
fn evasions_of_clamav_tests() {
    // Two Content-Type fields with two boundaries: both are split.
    let m = p(
        "Content-Type: multipart/mixed; boundary=X\nContent-Type: multipart/mixed; boundary=Y\n\n--X\n\ntext\n--X--\n--Y\nContent-Transfer-Encoding: base64\n\nTVo=\n--Y--\n",
    );
    assert_eq!(ids(&m), ["1", "2"]);
    assert_eq!(m.parts[1].detected_type, Some("application/x-dosexec"));
    // A comment after the field name.
    let m = p(
        "Content-Type(meow): multipart/mixed; boundary=Y\n\n--Y\nContent-Transfer-Encoding: base64\n\nTVo=\n--Y--\n",
    );
    assert_eq!(&m.parts[0].body.bytes()[..], b"MZ");
    assert_eq!(m.anomalies.len(), 1, "{:?}", m.anomalies);
}

#[test]
fn encoded_nested_messages_count_against_the_budget() {
    // "Subject: x\n\nbody" in base64, wrapped in a base64 message/rfc822.
    let inner = "Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\nU3ViamVjdDogeAoKYm9keQ==\n";
    let limits = Limits {
        max_decoded_bytes: 10,
        ..Limits::default()
    };
    let m = parse(inner.as_bytes(), &limits);
    assert!(m.parts.is_empty());
    assert_eq!(cut(&m), ["max_decoded_bytes"]);
    let m = p(inner);
    assert_eq!(&m.parts[0].body.bytes()[..], b"body");
}

#[test]
fn duplicated_subject() {
    let m = p("Subject: a\nSubject: b\n\n");
    assert_eq!(m.subject.as_deref(), Some("a"));
    assert!(matches!(&m.anomalies[..], [Anomaly::Header { part, .. }] if part == "0"));
}

#[test]
fn bad_base64_decoded_best_effort() {
    let m = p("Content-Transfer-Encoding: base64\n\nQ2F0!!\nQ2F0\n");
    assert_eq!(&m.parts[0].body.bytes()[..], b"CatCat");
    assert!(matches!(&m.anomalies[..], [Anomaly::Encoding { .. }]));
    assert_eq!(decode_base64(b"QQ==QkM="), (b"ABC".to_vec(), true));
    assert_eq!(decode_base64(b"QUJD\r\nRA"), (b"ABCD".to_vec(), false));
}

#[test]
fn header_without_empty_line() {
    let m = p("Subject: x\nthis is the body\n");
    assert_eq!(m.subject.as_deref(), Some("x"));
    assert_eq!(&m.parts[0].body.bytes()[..], b"this is the body\n");
    assert_eq!(m.anomalies.len(), 1);
}

#[test]
fn mbox_from_line_and_lone_cr() {
    let m = p("From someone Sat Jan  1 00:00:00 2000\nSubject: x\r\rweird\n\nbody");
    assert_eq!(m.headers[0].0, "Subject");
    assert_eq!(&m.parts[0].body.bytes()[..], b"body");
    // Read with the bare CRs as line ends (Thunderbird, Python): the
    // header ends at the empty line they make, and the body is longer.
    assert_eq!(m.headers[1], ("Subject".to_string(), "x".to_string()));
    assert_eq!(ids(&m), ["1", "cr1"]);
    assert_eq!(&m.parts[1].body.bytes()[..], b"weird\n\nbody");
}

#[test]
fn bare_cr_line_ends_are_a_second_reading() {
    // Delimiters and part headers behind bare CRs: qmvc's LF reading sees
    // one text part, the CR reading the attachment.
    let m = p(
        "Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n--b\rContent-Type: text/plain\r\rhi\r--b\rContent-Disposition: attachment; filename=evil.exe\r\rMZ\r--b--\r",
    );
    assert!(
        m.parts
            .iter()
            .any(|p| p.id.starts_with("cr") && p.names == ["evil.exe"]),
        "{:?}",
        ids(&m)
    );
    assert!(
        m.anomalies
            .iter()
            .any(|a| format!("{a:?}").contains("bare CR"))
    );
    // The two readings together stay within max_parts.
    let mut raw = String::from("Subject: x\nContent-Type: multipart/mixed; boundary=b\n\n");
    for i in 0..10 {
        raw.push_str(&format!("--b\nContent-Type: text/plain\n\nlf {i}\n"));
    }
    for i in 0..10 {
        raw.push_str(&format!("--b\rContent-Type: text/plain\r\rcr {i}\r"));
    }
    raw.push_str("--b--\n");
    let limits = Limits {
        max_parts: 12,
        ..Limits::default()
    };
    let m = parse(raw.as_bytes(), &limits);
    assert!(m.parts.len() <= 12, "{:?}", ids(&m));
    assert!(
        m.anomalies
            .iter()
            .any(|a| matches!(a, Anomaly::LimitExceeded { limit, .. } if limit == "max_parts"))
    );
    // No bare CR: no second reading.
    let plain = p("Subject: x\r\n\r\nhi\r\n");
    assert_eq!(ids(&plain), ["1"]);
    assert!(plain.anomalies.is_empty());
}

#[test]
fn uuencoded_block_in_text() {
    let m = p("Subject: x\n\nSee:\nbegin 644 cat.exe\n#0V%T\n`\nend\n");
    assert_eq!(ids(&m), ["1", "1.u1"]);
    let u = &m.parts[1];
    assert_eq!(u.origin, Origin::Uuencode);
    assert_eq!(u.names, ["cat.exe"]);
    assert_eq!(&u.body.bytes()[..], b"Cat");
    assert_eq!(u.declared_type, "application/octet-stream");
    assert!(u.attachment);
}

#[test]
fn uuencode_transfer_encoding() {
    let m = p(
        "Content-Type: application/octet-stream\nContent-Transfer-Encoding: x-uuencode\n\nbegin 644 a.bin\n#0V%T\n`\nend\n",
    );
    assert_eq!(ids(&m), ["1"]);
    assert_eq!(&m.parts[0].body.bytes()[..], b"Cat");
    assert_eq!(m.parts[0].names, ["a.bin"]);
}

#[test]
fn digest_children_default_to_rfc822() {
    let m =
        p("Content-Type: multipart/digest; boundary=d\n\n--d\n\nSubject: one\n\nfirst\n--d--\n");
    assert_eq!(ids(&m), ["1.1"]);
    assert_eq!(&m.parts[0].body.bytes()[..], b"first");
}

#[test]
fn limit_depth() {
    let mut raw = String::new();
    for i in 0..50 {
        raw.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"
        ));
    }
    raw.push_str("\ndeep\n");
    let limits = Limits {
        max_depth: 5,
        ..Limits::default()
    };
    let m = parse(raw.as_bytes(), &limits);
    assert!(m.parts.is_empty());
    assert!(cut(&m).contains(&"max_depth"), "{:?}", m.anomalies);
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let mut raw = String::new();
    for _ in 0..10_000 {
        raw.push_str("Content-Type: message/rfc822\n\n");
    }
    let limits = Limits {
        max_depth: usize::MAX,
        ..Limits::default()
    };
    let m = parse(raw.as_bytes(), &limits);
    assert!(cut(&m).contains(&"max_depth"), "{:?}", m.anomalies);
}

#[test]
fn limit_parts() {
    let mut raw = String::from("Content-Type: multipart/mixed; boundary=b\n\n");
    for _ in 0..20 {
        raw.push_str("--b\n\nx\n");
    }
    let limits = Limits {
        max_parts: 7,
        ..Limits::default()
    };
    let m = parse(raw.as_bytes(), &limits);
    assert_eq!(m.parts.len(), 7);
    assert!(cut(&m).contains(&"max_parts"), "{:?}", m.anomalies);
}

#[test]
fn limit_decoded_bytes_header_bytes_message_bytes() {
    let limits = Limits {
        max_decoded_bytes: 4,
        max_header_bytes: 20,
        max_message_bytes: 100,
        ..Limits::default()
    };
    let raw = format!(
        "Subject: {}\n\n0123456789{}",
        "s".repeat(50),
        "x".repeat(200)
    );
    let m = parse(raw.as_bytes(), &limits);
    assert_eq!(m.size, raw.len());
    assert_eq!(&m.parts[0].body.bytes()[..], b"0123");
    assert_eq!(m.subject.as_deref().map(str::len), Some(11));

    assert_eq!(
        cut(&m),
        ["max_message_bytes", "max_header_bytes", "max_decoded_bytes"]
    );
}

#[test]
fn limit_uuencode_blocks() {
    let block = "begin 644 a\n#0V%T\n`\nend\n";
    let raw = format!("\n{}", block.repeat(10));
    let limits = Limits {
        max_uuencode_blocks: 3,
        ..Limits::default()
    };
    let m = parse(raw.as_bytes(), &limits);
    assert_eq!(ids(&m), ["1", "1.u1", "1.u2", "1.u3"]);
    assert!(
        cut(&m).contains(&"max_uuencode_blocks"),
        "{:?}",
        m.anomalies
    );
}

#[test]
fn charset_decoding_of_text() {
    let m = parse(
        b"Content-Type: text/plain; charset=koi8-r\n\n\xf0\xd2\xc9\xd7\xc5\xd4",
        &Limits::default(),
    );
    assert_eq!(text(&m.parts[0]).as_deref(), Some("Привет"));
    let m = parse(b"\n\xe9t\xe9", &Limits::default());
    assert_eq!(text(&m.parts[0]).as_deref(), Some("été"));
}

#[test]
fn hostile_inputs_do_not_panic() {
    for raw in [
        &b""[..],
        b"\n",
        b"\r",
        b":",
        b" x\n\n",
        b"Content-Type: multipart/mixed; boundary=\"\"\n\n--\n",
        b"Content-Type: multipart/mixed; boundary=a\n\n--a",
        b"Content-Type: multipart/mixed; boundary=a\n\n--a--",
        b"Content-Type: multipart/mixed; boundary=a\r\n\r\n--a\r",
        b"Content-Type: message/rfc822\n\n",
        b"Content-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n====",
        b"Content-Type: /\n\n",
        b"Content-Type: text/plain; charset=\"\xff\"\n\n\xff",
        b"Content-Transfer-Encoding: quoted-printable\n\n=\n=4\n=ZZ",
    ] {
        let _ = parse(raw, &Limits::default());
    }
}

/// A message with one base64 attachment of `data`, 76-character lines, and
/// `junk` inserted in the encoded text.
fn with_base64_attachment(data: &[u8], junk: &str) -> String {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(data);
    let mut lines: Vec<&str> = b64
        .as_bytes()
        .chunks(76)
        .map(|l| std::str::from_utf8(l).expect("ascii"))
        .collect();
    lines.insert(lines.len() / 2, junk);
    format!(
        "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\nhi\n\
         --b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\
         Content-Disposition: attachment; filename=disk.dmg\n\n{}\n--b--\n",
        lines.join("\n")
    )
}

#[test]
fn large_base64_attachment_is_streamed_with_the_eager_results() {
    // 1.5 MiB, a UDIF trailer 512 bytes from the end (detected from the
    // tail the probe keeps).
    let mut data: Vec<u8> = (0..3u32 << 19).map(|i| (i % 7) as u8).collect();
    let at = data.len() - 512;
    data.get_mut(at..at + 4)
        .expect("long")
        .copy_from_slice(b"koly");
    for junk in ["", "!!"] {
        let m = p(&with_base64_attachment(&data, junk));
        let part = m.parts.get(1).expect("attachment");
        assert!(part.body.is_streamed());
        assert_eq!(part.body.len(), data.len());
        assert!(part.body.bytes()[..] == data[..]);
        assert_eq!(part.detected_type, detect(&data));
        assert_eq!(part.detected_type, Some("application/x-apple-diskimage"));
        let bad: Vec<_> = m
            .anomalies
            .iter()
            .filter(|a| matches!(a, Anomaly::Encoding { part, .. } if part == "2"))
            .collect();
        assert_eq!(bad.len(), usize::from(!junk.is_empty()), "{junk:?}");
    }
}

#[test]
fn streamed_attachment_is_cut_at_the_decoded_budget() {
    let data: Vec<u8> = (0..3u32 << 19).map(|i| (i % 251) as u8).collect();
    let limits = Limits {
        max_decoded_bytes: 1 << 20,
        ..Limits::default()
    };
    let m = parse(with_base64_attachment(&data, "").as_bytes(), &limits);
    assert_eq!(cut(&m), ["max_decoded_bytes"]);
    let part = m.parts.get(1).expect("attachment");
    assert!(part.body.is_streamed());
    // The text part took 2 bytes of the budget.
    assert_eq!(part.body.len(), (1 << 20) - 2);
    assert!(part.body.bytes()[..] == data[..(1 << 20) - 2]);
}

#[test]
fn header_field_caps_are_limits_and_earlier_names_count() {
    // 200 junk fields, then the Content-Disposition that names the file.
    let mut raw = String::from(
        "Content-Type: multipart/mixed; boundary=b\n\n--b\n\
         Content-Disposition: attachment; filename=first.txt\n",
    );
    for i in 0..MAX_PART_HEADERS {
        raw.push_str(&format!("X-Junk-{i}: x\n"));
    }
    raw.push_str("Content-Type: application/octet-stream; name=evil.vbs\n\nx\n--b--\n");
    let m = p(&raw);
    assert_eq!(cut(&m), ["max_header_fields"], "{:?}", m.anomalies);
    assert_eq!(
        m.parts.first().map(|p| p.names.clone()),
        Some(vec!["first.txt".to_owned()])
    );

    let mut top = String::new();
    for i in 0..MAX_TOP_HEADERS {
        top.push_str(&format!("X-Junk-{i}: x\n"));
    }
    top.push_str("Content-Type: application/octet-stream; name=evil.vbs\n\nx\n");
    assert_eq!(cut(&p(&top)), ["max_header_fields"]);
}

#[test]
fn rfc2231_sections_and_names_beyond_their_caps_are_limits() {
    let mut cd = String::from("attachment");
    for i in 0..=256 {
        cd.push_str(&format!(";\n filename*{i}=a"));
    }
    let raw = format!(
        "Content-Disposition: {cd}\nContent-Type: application/x-msdownload; name=x.exe\n\nx\n"
    );
    let m = p(&raw);
    assert_eq!(cut(&m), ["filename_parameters"], "{:?}", m.anomalies);
    assert!(m.parts.iter().any(|p| p.names.iter().any(|n| n == "x.exe")));
}

#[test]
fn a_limit_is_never_lost_behind_a_thousand_other_anomalies() {
    let mut raw = String::from("Content-Type: multipart/mixed; boundary=b\n\n");
    for _ in 0..1100 {
        // Two fields of one type: an anomaly each, no second reading.
        raw.push_str("--b\nContent-Type: a/b\nContent-Type: a/b; x=1\n\nx\n");
    }
    let limits = Limits {
        max_parts: 1050,
        ..Limits::default()
    };
    let m = parse(raw.as_bytes(), &limits);
    assert!(m.anomalies.len() > 1000);
    assert_eq!(cut(&m), ["max_parts"]);
}

#[test]
fn rfc822_headers_part_is_not_nesting() {
    // The third part of every delivery status notification.
    let m = p("Content-Type: multipart/report; boundary=b\n\n--b\n\
               Content-Type: message/rfc822-headers\n\nSubject: x\n\n--b--\n");
    assert!(cut(&m).is_empty(), "{:?}", m.anomalies);
}

#[test]
fn uuencode_budget_cut_is_a_limit() {
    let limits = Limits {
        max_decoded_bytes: 40,
        ..Limits::default()
    };
    let raw = "Content-Type: text/plain\n\nsee\nbegin 644 a.txt\n\
               M86)C9&5F9VAI:FML;6YO<'%R<W1U=G=X>7IA8F-D969G:&EJ:VQM;F]P<7)S\n`\nend\n";
    let m = parse(raw.as_bytes(), &limits);
    assert!(cut(&m).contains(&"max_decoded_bytes"), "{:?}", m.anomalies);
}

#[test]
fn readings_past_their_caps_are_limits() {
    let raw = "Content-Type: text/plain\nContent-Type: text/html\nContent-Type: image/png\n\
               Content-Type: application/pdf\nContent-Type: audio/x-a\nContent-Type: video/x-b\n\n\
               x\n";
    assert_eq!(cut(&p(raw)), ["type_readings"]);
    let raw = "Content-Type: text/plain\nContent-Transfer-Encoding: 7bit\n\
               Content-Transfer-Encoding: base64\nContent-Transfer-Encoding: quoted-printable\n\
               Content-Transfer-Encoding: 8bit\nContent-Transfer-Encoding: binary\n\
               Content-Transfer-Encoding: base64\n\nQUJD=41\n";
    let m = p(raw);
    assert!(cut(&m).is_empty(), "{:?}", m.anomalies);
}

#[test]
fn every_reader_s_text_parameters_are_kept() {
    // Thunderbird takes the first charset, mailparse the last.
    let m = p("Content-Type: text/plain; charset=utf-16be; charset=us-ascii\r\n\r\nx");
    assert_eq!(m.parts[0].charset.as_deref(), Some("us-ascii"));
    assert_eq!(m.parts[0].charsets, ["utf-16be"]);
    // An RFC 2231 value with an empty charset, a comment, a comma.
    for ct in [
        "text/plain; charset*=''utf-16be",
        "text/plain; charset=utf-16be (x)",
        "text/plain, charset=utf-16be",
    ] {
        let m = p(&format!("Content-Type: {ct}\r\n\r\nx"));
        let part = &m.parts[0];
        assert!(
            part.charset.as_deref() == Some("utf-16be")
                || part.charsets.contains(&"utf-16be".into()),
            "{ct}: {:?} {:?}",
            part.charset,
            part.charsets
        );
    }
    // An ordinary part: nothing more.
    let m = p("Content-Type: text/plain; charset=utf-8\r\n\r\nx");
    assert!(m.parts[0].charsets.is_empty());
    assert!(cut(&m).is_empty());
    // Charsets past the cap are a limit, not a silent cut.
    let m = p(
        "Content-Type: text/plain; charset=a; charset=b; charset=c; charset=d; charset=e\r\n\r\nx",
    );
    assert_eq!(m.parts[0].charsets.len(), charsets::MAX_DECODERS - 1);
    assert_eq!(cut(&m), ["charset_readings"]);
}

#[test]
fn readers_that_disagree_on_delsp_give_both_joins() {
    let flowed = |ct: &str| p(&format!("Content-Type: {ct}\r\n\r\nx")).parts[0].flowed;
    assert_eq!(flowed("text/plain; format=flowed"), Some(Flowed::Flowed));
    assert_eq!(
        flowed("text/plain; format=flowed; delsp=yes"),
        Some(Flowed::DelSp)
    );
    assert_eq!(
        flowed("text/plain; format=flowed; delsp=yes; delsp=no"),
        Some(Flowed::Both)
    );
    assert_eq!(
        flowed("text/plain; format=flowed; delsp*=''yes"),
        Some(Flowed::Both)
    );
    // Only Thunderbird sees the format after the comma, and with it
    // delsp=yes.
    assert_eq!(
        flowed("text/plain, format=flowed; delsp=yes"),
        Some(Flowed::DelSp)
    );
    assert_eq!(flowed("text/plain; format=fixed"), None);
}

#[test]
fn a_block_named_as_text_is_read_as_text_too() {
    // `begin 644 note.txt` with "wire transfer\r\n" inside.
    let m = p(
        "Subject: x\r\n\r\nsee below\r\n\r\nbegin 644 note.txt\r\n/=VER92!T<F%N<V9E<@T*\r\n`\r\nend\r\n",
    );
    assert_eq!(ids(&m), ["1", "1.u1", "1.u1.t1"]);
    assert_eq!(m.parts[1].declared_type, "application/octet-stream");
    assert_eq!(m.parts[1].names, ["note.txt"]);
    let read = &m.parts[2];
    assert_eq!(read.declared_type, "text/plain");
    assert_eq!(read.names, ["note.txt"]);
    assert_eq!(text(read).as_deref(), Some("wire transfer\r\n"));
    // Another name: no text reading.
    let m = p("Subject: x\r\n\r\nbegin 644 a.bin\r\n/=VER92!T<F%N<V9E<@T*\r\n`\r\nend\r\n");
    assert_eq!(ids(&m), ["1", "1.u1"]);
    // A part sent uuencoded, typed as saying nothing: the block's name.
    let m = p(
        "Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: x-uuencode\r\n\r\n\
               begin 644 note.txt\r\n/=VER92!T<F%N<V9E<@T*\r\n`\r\nend\r\n",
    );
    assert_eq!(ids(&m), ["1", "1.t1"]);
    assert_eq!(text(&m.parts[1]).as_deref(), Some("wire transfer\r\n"));
}

#[test]
fn a_replacement_label_reads_the_text_as_unlabelled() {
    for label in ["iso-2022-kr", "hz-gb-2312", "replacement"] {
        let m = p(&format!(
            "Content-Type: text/plain; charset={label}\r\n\r\nwire transfer"
        ));
        assert_eq!(
            text(&m.parts[0]).as_deref(),
            Some("wire transfer"),
            "{label}"
        );
    }
}
