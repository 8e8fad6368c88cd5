//! A quarantine file read back: where qmvc's own lines end and the original
//! message begins, and what those lines say.
//!
//! Filter mode writes `Return-Path: <SENDER>`, `Delivered-To:
//! RECIPIENT`, `X-Qmvc-Incident:`, `X-Qmvc-Verdict:`, `X-Qmvc-Profile:`,
//! `X-Qmvc-Recipient:` (the address the user knows; files written before
//! it existed lack it), any number of `X-Qmvc-Finding:` and then of
//! `X-Qmvc-Engine:` lines, in
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
use crate::envelope::{self, Virtualdomains};

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
    /// `X-Qmvc-Recipient:`, the address the user knows as filter mode
    /// worked it out; empty in files written before qmvc recorded it.
    pub recipient: String,
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
    head.recipient = next(b"X-Qmvc-Recipient").unwrap_or_default();
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
/// `|preline qmvc`: qmail-local's `UFLINE` (`From SENDER CTIME`, left out
/// by `-f`), `RPLINE` (`Return-Path: <SENDER>`, left out by `-r`) and
/// `DTLINE` (`Delivered-To: RECIPIENT`, left out by `-d`), in that order,
/// each at most once. They are not part of the message as queued, and must
/// go before a release: qmail-local bounces a message that already carries
/// its own `Delivered-To:` line as looping (#5.4.6), and a `From ` line is
/// no header at all. The queue file qmail-local reads always begins with
/// the `Received:` line qmail-queue(8) wrote, so lines of these forms in
/// front of it can only be preline's. 0 when the message does not start so.
pub fn preline_len(original: &[u8]) -> usize {
    fn is_rp(l: &[u8]) -> bool {
        l.starts_with(b"Return-Path: <") && l.ends_with(b">\n")
    }
    fn is_dt(l: &[u8]) -> bool {
        l.starts_with(b"Delivered-To: ") && l.len() > 15 && l.ends_with(b"\n")
    }
    let checks: [fn(&[u8]) -> bool; 3] = [is_uucp_from, is_rp, is_dt];
    let mut len = 0;
    let mut lines = original.split_inclusive(|&b| b == b'\n').peekable();
    for check in checks {
        if let Some(line) = lines.next_if(|l| check(l)) {
            len += line.len();
        }
    }
    len
}

/// qmail-local's `UFLINE` as preline writes it: `From `, the envelope
/// sender with blanks made `-` (`MAILER-DAEMON` for the null sender), a
/// space, and ctime(3)'s `Www Mmm dd hh:mm:ss yyyy`, then LF. (mbox's
/// `From ` line; RFC 5322's `From:` field has a colon, never a space,
/// after the name.)
fn is_uucp_from(line: &[u8]) -> bool {
    let Some(rest) = line
        .strip_prefix(b"From ")
        .and_then(|r| r.strip_suffix(b"\n"))
    else {
        return false;
    };
    // ctime: "Thu Jan  1 00:00:00 1970" (24 bytes).
    let Some(split) = rest.len().checked_sub(25) else {
        return false;
    };
    let (sender, time) = rest.split_at(split);
    let pattern = b"AAA AAA _0 00:00:00 0000";
    let time_ok = time.first() == Some(&b' ')
        && time.len() == 25
        && time[1..].iter().zip(pattern).all(|(&c, &p)| match p {
            b'A' => c.is_ascii_alphabetic(),
            b'0' => c.is_ascii_digit(),
            b'_' => c == b' ' || c.is_ascii_digit(),
            p => c == p,
        });
    time_ok && !sender.is_empty() && !sender.iter().any(|&b| b == b' ' || b == b'\t')
}

/// The address the user knows for a stored message: `X-Qmvc-Recipient:`
/// as filter mode recorded it, else worked out from `Delivered-To:`
/// (`RECIPIENT` = `LOCAL@HOST`) by the rule filter mode uses
/// ([`envelope::user_address`]), else `Delivered-To:` itself.
pub fn user_address(head: &Head, mode: RecipientMode, vdoms: &Virtualdomains) -> String {
    if !head.recipient.is_empty() {
        return head.recipient.clone();
    }
    let (local, host) = head
        .delivered_to
        .rsplit_once('@')
        .unwrap_or((&head.delivered_to, ""));
    envelope::user_address(mode, vdoms, local, host).unwrap_or_else(|| head.delivered_to.clone())
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

pub use crate::escape::terminal;

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
    fn preline_lines_are_found_in_every_form() {
        let uf = "From alice@example.org Thu Nov 26 14:03:09 2026\n";
        let rp = "Return-Path: <alice@example.org>\n";
        let dt = "Delivered-To: example-com-info@example.com\n";
        let body = "Received: (qmail 1 invoked by uid 0)\nSubject: x\n\nhi\n";
        // preline, -f, -r, -d, -fr, -fd, -rd, -frd.
        for lines in [
            vec![uf, rp, dt],
            vec![rp, dt],
            vec![uf, dt],
            vec![uf, rp],
            vec![dt],
            vec![rp],
            vec![uf],
            vec![],
        ] {
            let added = lines.concat();
            let msg = format!("{added}{body}");
            assert_eq!(preline_len(msg.as_bytes()), added.len(), "{lines:?}");
        }
        let bounce = "From MAILER-DAEMON Thu Jan  1 00:00:00 1970\nReturn-Path: <>\n";
        assert_eq!(
            preline_len(format!("{bounce}{body}").as_bytes()),
            bounce.len()
        );
        // Out of order, twice, or not of preline's form: stays.
        for msg in [
            format!("{dt}{rp}{body}"),
            format!("{dt}{dt}{body}"),
            format!("From: alice@example.org\n{body}"),
            format!("From alice Thu Nov 26 14:03:09\n{body}"),
            format!("From a b Thu Nov 26 14:03:09 2026\n{body}"),
            "Delivered-To: \n".to_string(),
            "Return-Path: <a@b>".to_string(),
        ] {
            let n = preline_len(msg.as_bytes());
            assert!(n == 0 || msg[..n] == *dt, "{msg:?}: {n}");
        }
        assert_eq!(preline_len(format!("{dt}{rp}{body}").as_bytes()), dt.len());
        assert_eq!(preline_len(b""), 0);
    }

    #[test]
    fn user_address_is_recorded_or_worked_out_as_in_filter_mode() {
        let vdoms = Virtualdomains::parse(b"example.com:example-com\n", b"");
        let mode = RecipientMode::Virtualdomains;
        let mut head = parse(HEAD.as_bytes()).expect("a qmvc file");
        assert_eq!(head.recipient, "");
        assert_eq!(user_address(&head, mode, &vdoms), "info@example.com");
        assert_eq!(
            user_address(&head, mode, &Virtualdomains::default()),
            "example-com-info@example.com"
        );
        head.delivered_to = "joe-lists@example.com".into();
        assert_eq!(user_address(&head, mode, &vdoms), "joe-lists@example.com");
        head.recipient = "recorded@example.com".into();
        assert_eq!(user_address(&head, mode, &vdoms), "recorded@example.com");
        let with = HEAD.replace(
            "X-Qmvc-Profile: default\n",
            "X-Qmvc-Profile: default\nX-Qmvc-Recipient: info@example.com\n",
        );
        let h = parse(with.as_bytes()).expect("a qmvc file");
        assert_eq!(h.recipient, "info@example.com");
        assert_eq!(h.findings.len(), 2);
        assert_eq!(h.len, with.len());
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
}
