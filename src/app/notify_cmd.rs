//! `qmvc notify preview`: the incident report a message would cause for an
//! audience, rendered as the full message that would be injected.

use std::ffi::OsStr;
use std::io::{self, Write};
use std::path::Path;

use chrono::Utc;

use super::pipeline::judge;
use crate::cli::PreviewAudience;
use crate::envelope::Envelope;
use crate::exit::Exit;
use crate::notify::{Audience, Case, Incident, Setup, preview};

/// What `notify preview` was asked.
#[derive(Debug)]
pub struct Request<'a> {
    /// The audience.
    pub audience: PreviewAudience,
    /// A language tag replacing the negotiated one.
    pub lang: Option<&'a str>,
    /// Envelope sender to stand in; `None`: as `check` takes it (the
    /// file's `Return-Path:`, else [`super::check::STAND_IN_SENDER`]).
    pub sender: Option<&'a str>,
    /// Envelope recipient to stand in, as qmail-local's `RECIPIENT`: the
    /// report goes to the address the user knows, as in filter mode.
    pub recipient: &'a str,
    /// The message file, `-` for stdin.
    pub file: &'a Path,
}

/// Prints the report on stdout (and on stderr why the profile would not
/// send it, if so; for a clean message only that line, for every
/// audience: there is no report). Exit 0, 1 when the file cannot be read or the report
/// not rendered, 2 on a bad configuration.
pub fn preview_cmd(config: Option<&Path>, env_config: Option<&OsStr>, req: &Request<'_>) -> Exit {
    let mut config = match super::admin_config(config, env_config) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    let _workdir = match super::check::PrivateWorkdir::take_over(&mut config) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("qmvc: {e}");
            return Exit::Status(1);
        }
    };
    let raw = super::read_message(req.file, &config.limits);
    let raw = match raw {
        Ok(r) => r,
        Err(e) => {
            eprintln!("qmvc: cannot read {}: {e}", req.file.display());
            return Exit::Status(1);
        }
    };
    let now = Utc::now();
    // The recipient is taken as qmail-local's RECIPIENT: the report goes
    // where filter mode would send it (the virtual domain's prefix off).
    let vdoms = match config.recipient.load() {
        Ok(v) => v,
        Err(e) => {
            eprintln!("qmvc: {}", e.chain());
            return Exit::Status(2);
        }
    };
    let (sender, _) = super::check::envelope_sender(req.sender, &raw);
    let envelope = Envelope::for_check(&sender, req.recipient)
        .with_user_address(config.recipient.mode, &vdoms);
    let judged = match judge(&config, &envelope, &raw, false, now) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("qmvc: {}", e.chain());
            return Exit::Status(2);
        }
    };
    let incident = Incident::new(
        &judged.plan,
        &envelope,
        &judged.message,
        "preview",
        None,
        &judged.profile.name,
    );
    let setup = Setup {
        config: &config,
        reactions: &judged.profile.reactions,
        language: &judged.profile.language,
        now,
    };
    let case = Case {
        plan: &judged.plan,
        envelope: &envelope,
        message: &judged.message,
        incident: &incident,
    };
    let audience = match req.audience {
        PreviewAudience::Guard => Audience::BadmailGuard,
        PreviewAudience::Recipient => Audience::Recipient,
        PreviewAudience::Sender => Audience::Sender,
    };
    match preview(&setup, &case, audience, req.lang) {
        Ok(p) => {
            if let Some(w) = &p.warning {
                eprintln!("qmvc: {w}");
            }
            if let Some(message) = &p.message {
                let _ = io::stdout().lock().write_all(&readable(message));
            }
            Exit::Status(0)
        }
        Err(e) => {
            eprintln!("qmvc: {}", e.chain());
            Exit::Status(1)
        }
    }
}

/// The report as a person reads it: the header block as it would be
/// injected, then the body decoded (quoted-printable or base64 undone, as
/// UTF-8 text) under `Content-Transfer-Encoding: 8bit`, so that a German or
/// Japanese report shows its words, not `=C3=A4`. The message unchanged
/// when it does not parse as one text part.
fn readable(message: &[u8]) -> Vec<u8> {
    let Ok(parsed) = mailparse::parse_mail(message) else {
        return message.to_vec();
    };
    if !parsed.subparts.is_empty() {
        return message.to_vec();
    }
    let Ok(body) = parsed.get_body() else {
        return message.to_vec();
    };
    let head_end = memchr::memmem::find(message, b"\n\n").map_or(message.len(), |i| i + 1);
    let mut out = Vec::with_capacity(message.len());
    for line in message[..head_end].split_inclusive(|&b| b == b'\n') {
        if line
            .get(..26)
            .is_some_and(|n| n.eq_ignore_ascii_case(b"Content-Transfer-Encoding:"))
        {
            out.extend_from_slice(b"Content-Transfer-Encoding: 8bit\n");
        } else {
            out.extend_from_slice(line);
        }
    }
    out.push(b'\n');
    out.extend_from_slice(body.as_bytes());
    if !body.ends_with('\n') {
        out.push(b'\n');
    }
    out
}
