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

/// The one rule for a value written on one line of a header or of a
/// report qmvc writes (`X-Qmvc-*` lines of quarantine files, `qmvc.rep`,
/// incident report headers and lines): control characters (C0, C1, DEL),
/// CR, LF and the Unicode line and paragraph separators become a space,
/// runs of white space become one, the ends are trimmed; bidi and
/// zero-width characters ([`is_invisible`]) are shown as `<U+202E>` so that
/// a name cannot pose as another; non-ASCII stays (RFC 6532). Cut after
/// `max` characters, marked `…`.
pub fn header_text(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max.saturating_mul(4)));
    let mut chars = 0usize;
    let mut space = false;
    for c in s.chars() {
        if c.is_control() || c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if chars >= max {
            out.push('…');
            break;
        }
        if space {
            out.push(' ');
            chars += 1;
            space = false;
            if chars >= max {
                out.push('…');
                break;
            }
        }
        if is_invisible(c) {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
        chars += 1;
    }
    out
}

/// The one rule for text printed on a terminal (`check`, `quarantine
/// list` and `show`, `notify preview`'s notes): TAB, CR and LF become a
/// space, every other control character (ESC sequences included, C1, DEL,
/// U+2028/U+2029) becomes `?`, bidi and zero-width characters are shown as
/// `<U+202E>` as in [`header_text`]. Cut after `max` characters, marked
/// `...`.
pub fn terminal(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max.saturating_mul(4)));
    for (n, c) in s.chars().enumerate() {
        if n == max {
            out.push_str("...");
            break;
        }
        match c {
            '\t' | '\r' | '\n' => out.push(' '),
            c if is_invisible(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

/// Bidi controls, zero-width characters and the soft hyphen: invisible,
/// and able to make one name look like another (`photo<U+202E>gpj.exe`
/// shows as `photoexe.jpg`). Unicode's Bidi_Control and the usual
/// zero-width set.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Makes an envelope address safe for `Return-Path: <...>`,
/// `Delivered-To:` and `X-Qmvc-Recipient:`: control characters, white
/// space, `<`, `>` and the invisible characters of [`is_invisible`] become
/// `?`; every other character stays, non-ASCII included (RFC 6532 UTF-8
/// headers; qmail passes 8-bit addresses through, and a release reads
/// these lines back to re-inject, so `jörg@example.com` must stay itself).
/// Cut at 512 characters.
pub fn address(s: &str) -> String {
    s.chars()
        .take(512)
        .map(|c| {
            if c.is_control() || c.is_whitespace() || c == '<' || c == '>' || is_invisible(c) {
                '?'
            } else {
                c
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
        assert_eq!(header_text("abcdef", 3), "abc…");
        assert_eq!(header_text("gpj\u{202e}.exe", 100), "gpj<U+202E>.exe");
    }

    #[test]
    fn terminal_text_has_no_controls_and_shows_the_invisible() {
        assert_eq!(terminal("a\u{1b}[2Jb\tc\u{9b}d", 100), "a?[2Jb c?d");
        assert_eq!(
            terminal("gpj\u{202e}.exe\u{200b}", 100),
            "gpj<U+202E>.exe<U+200B>"
        );
        assert_eq!(terminal("abcdef", 3), "abc...");
        assert_eq!(terminal("café", 10), "café");
    }

    #[test]
    fn address_cannot_break_out() {
        assert_eq!(address("a@b>\r\nX: y"), "a@b???X:?y");
        assert_eq!(address("#@[]"), "#@[]");
        // 8-bit addresses stay themselves: a release reads them back.
        assert_eq!(address("jörg@exämple.de"), "jörg@exämple.de");
        assert_eq!(address("a\u{202E}b@x\u{2028}y"), "a?b@x?y");
    }
}
