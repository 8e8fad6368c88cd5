//! A quarantine file read back: where qmvc's own lines end and the original
//! message begins, and what those lines say.
//!
//! Filter mode writes `Return-Path: <SENDER>`, `Delivered-To:
//! RECIPIENT`, `X-Qmvc-Incident:`, `X-Qmvc-Verdict:`, `X-Qmvc-Profile:`,
//! any number of `X-Qmvc-Finding:` and then of `X-Qmvc-Engine:` lines, in
//! that order, each one line ending in LF, then the original message byte
//! for byte. [`parse`] recognises exactly that order and those spellings.
//! The original as qmail-local hands it over begins with the `Received:`
//! line qmail-queue(8) adds (or preline's `Return-Path:`), so the boundary
//! is unambiguous for mail that came through qmail; a message fed to qmvc
//! by other means that itself began with `X-Qmvc-Engine:` lines would lose
//! them on release.
//!
//! Pure.

use crate::config::RecipientMode;
use crate::message::suspicious_chars;

/// What qmvc's lines at the top of a quarantine file say.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Head {
    /// The envelope sender from `Return-Path: <...>`; empty for the null
    /// sender.
    pub sender: String,
    /// `Delivered-To:`: `RECIPIENT` as qmail-local gave it (`LOCAL@HOST`).
    pub delivered_to: String,
    /// `X-Qmvc-Incident:`, the id of the log line (`id:`) and `.rep` block.
    pub incident: String,
    /// `X-Qmvc-Verdict:` (`badmail`, `virus`, `errormail`).
    pub verdict: String,
    /// `X-Qmvc-Profile:`.
    pub profile: String,
    /// Each `X-Qmvc-Finding:` value (`CONDITION[ part P]: DETAIL (DESCRIPTION)`).
    pub findings: Vec<String>,
    /// Each `X-Qmvc-Engine:` value (`NAME=RESULT`).
    pub engines: Vec<String>,
    /// Bytes taken by these lines: the original message starts here.
    pub len: usize,
}

/// Reads qmvc's lines from the start of `bytes` (the whole file or its
/// first bytes). `None` when the file does not start the way filter mode
/// writes one (not a qmvc quarantine file, or cut inside qmvc's lines).
pub fn parse(bytes: &[u8]) -> Option<Head> {
    let mut pos = 0;
    let mut next = |name: &[u8]| -> Option<String> {
        let rest = bytes.get(pos..)?;
        let nl = memchr::memchr(b'\n', rest)?;
        let line = rest.get(..nl)?;
        let value = line.strip_prefix(name)?.strip_prefix(b": ")?;
        pos += nl + 1;
        Some(String::from_utf8_lossy(value).into_owned())
    };
    let return_path = next(b"Return-Path")?;
    let sender = return_path
        .strip_prefix('<')
        .and_then(|s| s.strip_suffix('>'))?
        .to_string();
    let mut head = Head {
        sender,
        delivered_to: next(b"Delivered-To")?,
        incident: next(b"X-Qmvc-Incident")?,
        verdict: next(b"X-Qmvc-Verdict")?,
        profile: next(b"X-Qmvc-Profile")?,
        ..Head::default()
    };
    while let Some(f) = next(b"X-Qmvc-Finding") {
        head.findings.push(f);
    }
    while let Some(e) = next(b"X-Qmvc-Engine") {
        head.engines.push(e);
    }
    head.len = pos;
    Some(head)
}

/// Bytes at the start of `original` that preline(1) added when qmvc ran as
/// `|preline qmvc`: `Return-Path: <...>` then `Delivered-To:
/// DELIVERED_TO`. They are not part of the message as queued, and must go
/// before a release to the same recipient: qmail-local bounces a message
/// that already carries its own `Delivered-To:` line as looping (#5.4.6).
/// 0 when the message does not start so.
pub fn preline_len(original: &[u8], delivered_to: &str) -> usize {
    let mut lines = original.split_inclusive(|&b| b == b'\n');
    let (Some(rp), Some(dt)) = (lines.next(), lines.next()) else {
        return 0;
    };
    let expected = format!("Delivered-To: {delivered_to}\n");
    if rp.starts_with(b"Return-Path: <") && rp.ends_with(b">\n") && dt == expected.as_bytes() {
        rp.len() + dt.len()
    } else {
        0
    }
}

/// The address a release goes to by default: the address the user knows,
/// worked out from `Delivered-To:` (`RECIPIENT` = `LOCAL@HOST`).
///
/// qmail-local's `LOCAL` carries the virtualdomain prefix (`info@example.com`
/// with `example.com:example-com` in control/virtualdomains arrives as
/// `example-com-info@example.com`; vpopmail's as `example.com-info@...`),
/// and injecting that again would add the prefix twice. With `[recipient]
/// mode = "ext"` a local part that starts with the domain followed by `-`,
/// or the domain with its dots written `-` followed by `-` (vpopmail's and
/// the usual virtualdomains prefixes), loses that prefix. Other prefixes
/// cannot be told from the file: `--to` names the address then.
pub fn user_address(delivered_to: &str, mode: RecipientMode) -> String {
    let Some((local, domain)) = delivered_to.rsplit_once('@') else {
        return delivered_to.to_string();
    };
    if mode != RecipientMode::Ext || domain.is_empty() {
        return delivered_to.to_string();
    }
    let lower = local.to_ascii_lowercase();
    let domain_lower = domain.to_ascii_lowercase();
    for prefix in [
        format!("{domain_lower}-"),
        format!("{}-", domain_lower.replace('.', "-")),
    ] {
        if lower.len() > prefix.len()
            && lower.starts_with(&prefix)
            && let Some(ext) = local.get(prefix.len()..)
        {
            return format!("{ext}@{domain}");
        }
    }
    delivered_to.to_string()
}

/// A finding's `DETAIL (DESCRIPTION)` without the trailing description: the
/// text before the `(` (preceded by a space) that the final `)` closes,
/// parentheses inside the description balanced. Unchanged when it does not
/// end so.
pub fn without_description(finding: &str) -> &str {
    if !finding.ends_with(')') {
        return finding;
    }
    let mut depth = 0usize;
    for (i, c) in finding.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return match finding.get(..i).and_then(|d| d.strip_suffix(' ')) {
                        Some(detail) => detail,
                        None => finding,
                    };
                }
            }
            _ => {}
        }
    }
    finding
}

/// Makes `s` safe to print on a terminal: white space controls (TAB, CR,
/// LF) become a space, every other control character (C0, DEL, C1: ESC
/// sequences included), the Unicode line and paragraph separators and the
/// bidi and zero-width characters of [`suspicious_chars`] become `?`. Cut
/// after `max` characters, marked `...`.
pub fn terminal(s: &str, max: usize) -> String {
    let hidden = suspicious_chars(s);
    let mut out = String::with_capacity(s.len().min(max));
    for (n, c) in s.chars().enumerate() {
        if n == max {
            out.push_str("...");
            break;
        }
        out.push(match c {
            '\t' | '\r' | '\n' => ' ',
            '\u{2028}' | '\u{2029}' => '?',
            c if c.is_control() || hidden.contains(&c) => '?',
            c => c,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "Return-Path: <alice@example.org>\nDelivered-To: example-com-info@example.com\n\
        X-Qmvc-Incident: 1763698380.000123.4242\nX-Qmvc-Verdict: badmail\nX-Qmvc-Profile: default\n\
        X-Qmvc-Finding: filename part 1.2: invoice.exe (Executable)\nX-Qmvc-Finding: mimetype part 1.2: x (y)\n\
        X-Qmvc-Engine: clamd=skipped\n";

    #[test]
    fn reads_qmvc_lines_and_finds_the_original() {
        let file = format!(
            "{HEAD}Received: (qmail 1 invoked from network)\nX-Qmvc-Engine: forged=clean\n\nbody\n"
        );
        let h = parse(file.as_bytes()).expect("a qmvc file");
        assert_eq!(h.sender, "alice@example.org");
        assert_eq!(h.delivered_to, "example-com-info@example.com");
        assert_eq!(h.incident, "1763698380.000123.4242");
        assert_eq!(h.verdict, "badmail");
        assert_eq!(h.findings.len(), 2);
        assert_eq!(h.engines, ["clamd=skipped"]);
        assert_eq!(h.len, HEAD.len());
        // The original's own X-Qmvc lines after its Received: stay its own.
        assert!(file[h.len..].starts_with("Received:"));
    }

    #[test]
    fn null_sender_and_foreign_files() {
        let file = HEAD.replace("<alice@example.org>", "<>");
        assert_eq!(
            parse(file.as_bytes()).map(|h| h.sender),
            Some(String::new())
        );
        assert_eq!(parse(b"Received: x\n\nbody\n"), None);
        assert_eq!(parse(b"Return-Path: <a@b>\nX-Qmvc-Incident: 1\n"), None);
        // Cut inside qmvc's lines.
        assert_eq!(parse(&HEAD.as_bytes()[..40]), None);
        assert_eq!(parse(b""), None);
    }

    #[test]
    fn preline_lines_are_found_only_for_this_recipient() {
        let orig = b"Return-Path: <a@b>\nDelivered-To: x-info@x.org\nReceived: y\n\nhi\n";
        assert_eq!(preline_len(orig, "x-info@x.org"), 46);
        assert_eq!(preline_len(orig, "other@x.org"), 0);
        assert_eq!(preline_len(b"Received: y\n\nhi\n", "x-info@x.org"), 0);
        assert_eq!(preline_len(b"Return-Path: <a@b>\n", "x"), 0);
    }

    #[test]
    fn user_address_strips_virtualdomain_and_vpopmail_prefixes() {
        let ext = RecipientMode::Ext;
        assert_eq!(
            user_address("example-com-info@example.com", ext),
            "info@example.com"
        );
        assert_eq!(
            user_address("example.com-info@Example.COM", ext),
            "info@Example.COM"
        );
        assert_eq!(user_address("alice@example.com", ext), "alice@example.com");
        assert_eq!(
            user_address("example-com-@example.com", ext),
            "example-com-@example.com"
        );
        assert_eq!(
            user_address("example-com-info@example.com", RecipientMode::Recipient),
            "example-com-info@example.com"
        );
        assert_eq!(user_address("nodomain", ext), "nodomain");
    }

    #[test]
    fn description_is_cut_with_its_parentheses() {
        assert_eq!(
            without_description("ILOVEYOU (Love Letter worm (VBS/LoveLetter))"),
            "ILOVEYOU"
        );
        assert_eq!(without_description("a (b) c (d)"), "a (b) c");
        assert_eq!(without_description("no description"), "no description");
        assert_eq!(without_description("(only)"), "(only)");
        assert_eq!(without_description("x))"), "x))");
    }

    #[test]
    fn terminal_text_has_no_controls() {
        assert_eq!(terminal("a\u{1b}[2Jb\tc\u{9b}d", 100), "a?[2Jb c?d");
        assert_eq!(terminal("gpj\u{202e}.exe\u{200b}", 100), "gpj?.exe?");
        assert_eq!(terminal("abcdef", 3), "abc...");
        assert_eq!(terminal("café", 10), "café");
    }
}
