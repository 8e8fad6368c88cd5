//! Escaping of values that came from the message or the environment before
//! they reach a log field or a header line. Such values are under the
//! control of a possibly malicious remote user: none of them may forge a log
//! field, a log line or a header.
//!
//! Pure.

use std::fmt::Write as _;

/// Escapes `s` for one field of the `qmvc.log` line: `%`, `|`, `+`, `=`,
/// control characters (C0, DEL, C1) and the Unicode line and paragraph
/// separators become `%XX` (UTF-8 bytes, upper-case hex), so that a field
/// can neither split the line nor forge a field or an engine entry. Cut at
/// `max` bytes of output on a character boundary, marked with `...`.
///
/// [`unescape_log_field`] reverses it (for `qmvc report`).
pub fn log_field(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max));
    // Where each character's output began: a cut goes back far enough for
    // the `...` mark to fit within `max`, so that a cut field read back
    // and written again stays the same.
    let mut starts: Vec<usize> = Vec::new();
    for c in s.chars() {
        starts.push(out.len());
        let needs = matches!(c, '%' | '|' | '+' | '=' | '\u{2028}' | '\u{2029}') || c.is_control();
        if needs {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                let _ = write!(out, "%{b:02X}");
            }
        } else {
            out.push(c);
        }
        if out.len() > max {
            let room = max.saturating_sub(3);
            let end = starts.iter().rev().find(|&&at| at <= room).copied();
            out.truncate(end.unwrap_or(0));
            out.push_str("...");
            break;
        }
    }
    out
}

/// Reverses [`log_field`] (a cut field stays cut). Invalid escapes are kept
/// as written.
pub fn unescape_log_field(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(v) = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Makes `s` safe as (part of) an unstructured header value written by qmvc
/// itself (`X-Qmvc-*` in quarantine files): control characters, CR and LF
/// become spaces, runs of white space collapse, non-ASCII stays (RFC 6532
/// allows UTF-8 in the quarantine copy, which is never sent). Cut at `max`
/// bytes on a character boundary.
pub fn header_text(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max));
    let mut space = false;
    for c in s.chars() {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' {
            if space || out.is_empty() {
                continue;
            }
            space = true;
        } else {
            space = false;
        }
        if out.len() + c.len_utf8() > max {
            break;
        }
        out.push(c);
    }
    out.trim_end().to_string()
}

/// Makes an envelope address safe for `Return-Path: <...>` and
/// `Delivered-To:`: everything outside printable ASCII but `@`-style address
/// characters is replaced by `?`, `<` and `>` included. Cut at 512 bytes.
pub fn address(s: &str) -> String {
    s.chars()
        .take(512)
        .map(|c| {
            if c.is_ascii_graphic() && c != '<' && c != '>' {
                c
            } else {
                '?'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_field_cannot_forge_fields_or_lines() {
        let evil = "a|b\nqmvc pid:1|x+V=1%";
        let e = log_field(evil, 1000);
        assert!(!e.contains('|') && !e.contains('\n') && !e.contains('+') && !e.contains('='));
        assert_eq!(unescape_log_field(&e), evil);
    }

    #[test]
    fn log_field_escapes_unicode_separators_and_cuts() {
        let e = log_field("x\u{2028}y\u{85}", 1000);
        assert_eq!(e, "x%E2%80%A8y%C2%85");
        let long = log_field(&"é".repeat(100), 11);
        assert!(long.len() <= 11 && long.ends_with("..."), "{long}");
        assert_eq!(log_field("ünïcode ok", 100), "ünïcode ok");
    }

    /// Found by the log_line fuzz target: a cut field, read back and
    /// written again, was cut again (it was `max` + 3 bytes long).
    #[test]
    fn cut_log_field_is_written_back_unchanged() {
        for (text, max) in [
            ("2026-01-01\u{fffd}\u{fffd}\u{fffd} 00:00", 12),
            ("a%b|c", 7),
            ("abcdef", 4),
        ] {
            let cut = log_field(text, max);
            assert!(cut.len() <= max, "{cut:?} longer than {max}");
            assert_eq!(log_field(&unescape_log_field(&cut), max), cut);
        }
    }

    #[test]
    fn header_text_is_one_line() {
        assert_eq!(
            header_text("Invoice\r\nBcc: victim@example.net", 100),
            "Invoice Bcc: victim@example.net"
        );
        assert_eq!(header_text("  a\t\tb  ", 100), "a b");
        assert_eq!(header_text("abcdef", 3), "abc");
    }

    #[test]
    fn address_cannot_break_out() {
        assert_eq!(address("a@b>\r\nX: y"), "a@b???X:?y");
        assert_eq!(address("#@[]"), "#@[]");
    }
}
