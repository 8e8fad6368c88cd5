//! The envelope as qmail-local hands it over in the environment
//! (qmail-command(8)): `SENDER`, `RECIPIENT`, `LOCAL`, `HOST`, `EXT`, `USER`,
//! `HOME`. Values are raw and under the control of a possibly malicious
//! remote user: they are kept as given (lossily made UTF-8), never parsed
//! into paths or commands.
//!
//! Pure: the environment comes in as a lookup function.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use serde::Serialize;

use crate::config::{RecipientMode, RecipientRule};

/// Longest envelope value kept (bytes); longer values are cut. RFC 5321
/// §4.5.3.1 caps a path at 256 octets; this leaves room for abuse to be
/// seen, not to cost.
pub const MAX_VALUE: usize = 1024;

/// The envelope of one delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Envelope {
    /// The envelope sender (`SENDER`), empty for the null sender.
    pub sender: String,
    /// True for a bounce (`SENDER` empty) or a double bounce (`#@[]`).
    pub null_sender: bool,
    /// `RECIPIENT` as qmail-local gives it (`LOCAL@HOST`).
    pub recipient: String,
    /// The address the user knows: `EXT@HOST` for virtualdomains and
    /// vpopmail, else `RECIPIENT` (see [`RecipientRule`]).
    pub user_recipient: String,
    /// `HOST`, lower case: the domain that chooses the profile.
    pub domain: String,
    /// `LOCAL`.
    pub local: String,
    /// `EXT`.
    pub ext: String,
    /// `USER`: the delivering user (often `alias`, or the vpopmail
    /// domain).
    pub user: String,
    /// `HOME` as bytes made UTF-8 lossily; used for per-user profiles only.
    pub home: String,
}

impl Envelope {
    /// Builds the envelope from qmail-local's environment. `get` looks a
    /// variable up (`std::env::var_os` in the shell, a map in tests).
    pub fn from_env(get: impl Fn(&str) -> Option<OsString>, rule: &RecipientRule) -> Envelope {
        let var = |name: &str| get(name).map(|v| clean(v.as_bytes())).unwrap_or_default();
        let sender = var("SENDER");
        let local = var("LOCAL");
        let host = var("HOST");
        let ext = var("EXT");
        let mut recipient = var("RECIPIENT");
        if recipient.is_empty() && !local.is_empty() {
            recipient = format!("{local}@{host}");
        }
        let user_recipient = user_recipient(rule, &recipient, &local, &ext, &host);
        let domain = if host.is_empty() {
            domain_of(&recipient)
        } else {
            host.to_ascii_lowercase()
        };
        Envelope {
            null_sender: is_null_sender(&sender),
            sender,
            recipient,
            user_recipient,
            domain,
            local,
            ext,
            user: var("USER"),
            home: var("HOME"),
        }
    }

    /// The envelope `check` stands in with `--sender` / `--recipient`.
    pub fn for_check(sender: &str, recipient: &str) -> Envelope {
        let sender = clean(sender.as_bytes());
        let recipient = clean(recipient.as_bytes());
        Envelope {
            null_sender: is_null_sender(&sender),
            sender,
            domain: domain_of(&recipient),
            local: recipient
                .rsplit_once('@')
                .map(|(l, _)| l.to_string())
                .unwrap_or_default(),
            user_recipient: recipient.clone(),
            recipient,
            ext: String::new(),
            user: String::new(),
            home: String::new(),
        }
    }
}

/// True for the null sender: empty (a bounce) or `#@[]` (a double bounce,
/// as qmail-send writes it).
pub fn is_null_sender(sender: &str) -> bool {
    sender.is_empty() || sender == "#@[]"
}

/// The domain part of an address, lower case; empty without `@`.
pub fn domain_of(address: &str) -> String {
    address
        .rsplit_once('@')
        .map(|(_, d)| d.trim_end_matches('.').to_ascii_lowercase())
        .unwrap_or_default()
}

/// Works out the address the user knows. With virtualdomains
/// (`example.com:example-com`) qmail-local sets `LOCAL=example-com-info`
/// and, under `~alias/.qmail-example-com-default`, `EXT=info`; vpopmail
/// sets `LOCAL=example.com-info`, `EXT=info`. In both cases `LOCAL` ends in
/// `EXT` behind a `-`, and the user knows `EXT@HOST`.
fn user_recipient(
    rule: &RecipientRule,
    recipient: &str,
    local: &str,
    ext: &str,
    host: &str,
) -> String {
    if rule.mode == RecipientMode::Ext
        && !ext.is_empty()
        && !host.is_empty()
        && local.len() > ext.len()
        && local.ends_with(ext)
        && local[..local.len() - ext.len()].ends_with('-')
    {
        return format!("{ext}@{host}");
    }
    recipient.to_string()
}

/// Bytes to a bounded UTF-8 string: invalid sequences replaced, cut at
/// [`MAX_VALUE`] bytes on a character boundary. Control characters stay
/// (they are escaped where the value is written, not here).
fn clean(bytes: &[u8]) -> String {
    let bytes = &bytes[..bytes.len().min(MAX_VALUE)];
    String::from_utf8_lossy(bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> Envelope {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        Envelope::from_env(|k| map.get(k).cloned(), &RecipientRule::default())
    }

    #[test]
    fn virtualdomain_recipient_strips_prefix() {
        let e = env(&[
            ("SENDER", "bob@example.org"),
            ("RECIPIENT", "example-com-info@example.com"),
            ("LOCAL", "example-com-info"),
            ("HOST", "Example.COM"),
            ("EXT", "info"),
        ]);
        assert_eq!(e.user_recipient, "info@Example.COM");
        assert_eq!(e.domain, "example.com");
        assert!(!e.null_sender);
    }

    #[test]
    fn vpopmail_recipient_strips_prefix() {
        let e = env(&[
            ("RECIPIENT", "example.com-info@example.com"),
            ("LOCAL", "example.com-info"),
            ("HOST", "example.com"),
            ("EXT", "info"),
            ("USER", "example.com"),
        ]);
        assert_eq!(e.user_recipient, "info@example.com");
        assert!(e.null_sender);
    }

    #[test]
    fn plain_user_keeps_recipient() {
        let e = env(&[
            ("RECIPIENT", "alice@example.com"),
            ("LOCAL", "alice"),
            ("HOST", "example.com"),
        ]);
        assert_eq!(e.user_recipient, "alice@example.com");
        // EXT that is not a suffix behind '-' is not stripped.
        let e = env(&[
            ("RECIPIENT", "alicefoo@h"),
            ("LOCAL", "alicefoo"),
            ("HOST", "h"),
            ("EXT", "foo"),
        ]);
        assert_eq!(e.user_recipient, "alicefoo@h");
    }

    #[test]
    fn recipient_mode_keeps_qmail_value() {
        let rule = RecipientRule {
            mode: RecipientMode::Recipient,
        };
        let e = Envelope::from_env(
            |k| match k {
                "RECIPIENT" => Some("example-com-info@example.com".into()),
                "LOCAL" => Some("example-com-info".into()),
                "EXT" => Some("info".into()),
                "HOST" => Some("example.com".into()),
                _ => None,
            },
            &rule,
        );
        assert_eq!(e.user_recipient, "example-com-info@example.com");
    }

    #[test]
    fn double_bounce_is_null_sender() {
        assert!(env(&[("SENDER", "#@[]")]).null_sender);
        assert!(env(&[]).null_sender);
    }

    #[test]
    fn hostile_values_are_bounded() {
        let long = "a".repeat(10_000);
        let e = env(&[("SENDER", &long)]);
        assert_eq!(e.sender.len(), MAX_VALUE);
    }
}
