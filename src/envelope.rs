//! The envelope as qmail-local hands it over in the environment
//! (qmail-command(8)): `SENDER`, `RECIPIENT`, `LOCAL`, `HOST`, `EXT`, `USER`,
//! `HOME`. Values are raw and under the control of a possibly malicious
//! remote user: they are kept as given (lossily made UTF-8), never parsed
//! into paths or commands.
//!
//! Pure: the environment comes in as a lookup function, qmail's control
//! files as a parsed [`Virtualdomains`].

pub mod virtualdomains;

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;

use serde::{Deserialize, Serialize};

pub use virtualdomains::Virtualdomains;

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
    /// The address the user knows ([`user_address`]): `RECIPIENT` without
    /// the virtual domain's prefix.
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
    /// variable up (`std::env::var_os` in the shell, a map in tests);
    /// `mode` is the main file's `[recipient] mode`; `vdoms` is qmail's
    /// control/virtualdomains as the shell read it.
    pub fn from_env(
        get: impl Fn(&str) -> Option<OsString>,
        mode: RecipientMode,
        vdoms: &Virtualdomains,
    ) -> Envelope {
        let var = |name: &str| get(name).map(|v| clean(v.as_bytes())).unwrap_or_default();
        let sender = var("SENDER");
        let local = var("LOCAL");
        let host = var("HOST");
        let ext = var("EXT");
        let mut recipient = var("RECIPIENT");
        if recipient.is_empty() && !local.is_empty() {
            recipient = format!("{local}@{host}");
        }
        let user_recipient =
            user_address(mode, vdoms, &local, &host).unwrap_or_else(|| recipient.clone());
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

impl Envelope {
    /// `self` (an administrator's stand-in, [`Envelope::for_check`]) with
    /// the address the user knows worked out from its recipient as filter
    /// mode works it out from `LOCAL` and `HOST` (qmail-local's
    /// `RECIPIENT` is `LOCAL@HOST`): `example-com-info@example.com` gives
    /// `info@example.com` where control/virtualdomains maps `example.com`
    /// to `example-com`; any other address stays as it is.
    pub fn with_user_address(mut self, mode: RecipientMode, vdoms: &Virtualdomains) -> Envelope {
        if let Some((local, host)) = self.recipient.rsplit_once('@')
            && let Some(address) = user_address(mode, vdoms, local, host)
        {
            self.user_recipient = address;
        }
        self
    }
}

/// The variable of qmail-local's environment that filter mode cannot do
/// without and that is missing, if one is: `RECIPIENT` unset or empty, or
/// `SENDER` unset. qmail-local sets both for every delivery
/// (qmail-command(8)); `SENDER` is empty for a bounce, so an empty one is
/// the null sender but a missing one is no sender at all. Without them
/// qmvc was not started by qmail-local (a hand-run `qmvc < msg`, another
/// delivery agent): a message judged so would be quarantined for nobody
/// and released to an empty address.
pub fn missing_qmail_variable(get: impl Fn(&str) -> Option<OsString>) -> Option<&'static str> {
    if get("RECIPIENT").is_none_or(|r| r.is_empty()) {
        return Some("RECIPIENT");
    }
    if get("SENDER").is_none() {
        return Some("SENDER");
    }
    None
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

/// The address the user knows, for qmail-local's `LOCAL` and `HOST` (or
/// the two halves of a stored `Delivered-To:`): the one rule every log
/// line, `.rep` block, recipient report and quarantine release follows.
///
/// qmail-send(8) rewrote a virtual domain's recipient to `PREFIX-USER@HOST`
/// with the prefix control/virtualdomains gives the domain (or the virtual
/// user `USER@HOST`); that prefix comes off ([`Virtualdomains::user_address`]),
/// giving `USER@HOST`. Nothing comes off anything else: a plain user's
/// extension address (`LOCAL=joe-lists`, `EXT=lists`) is `joe-lists@HOST`.
/// `EXT` and `DEFAULT` are not used: under `~alias/.qmail-example-com-default`
/// qmail-local sets `EXT=example-com-info` and `DEFAULT=info`, under
/// `~joe/.qmail-default` `EXT=DEFAULT=lists`, and neither tells a virtual
/// domain from a user's extension.
///
/// `None` when the address is its own (`LOCAL@HOST` as qmail-local has it),
/// always so with [`RecipientMode::Recipient`].
pub fn user_address(
    mode: RecipientMode,
    vdoms: &Virtualdomains,
    local: &str,
    host: &str,
) -> Option<String> {
    match mode {
        RecipientMode::Virtualdomains => vdoms.user_address(local, host),
        RecipientMode::Recipient => None,
    }
}

/// `[recipient] mode`: which address reports and logs name as the
/// recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RecipientMode {
    /// Strip the prefix `control/virtualdomains` gives `HOST`.
    #[serde(alias = "ext")]
    Virtualdomains,
    /// `RECIPIENT` unchanged.
    Recipient,
}

/// A plain address qmvc will write into a header and pass to the
/// injector: 1 to 256 bytes, no white space, control characters or
/// `<>(),;:"[]\`, no U+FFFD (bytes that were not UTF-8); when it has an
/// `@`, both sides are non-empty. Quoted local parts are refused: a
/// report is not worth the risk.
pub fn is_address(address: &str) -> bool {
    if address.is_empty() || address.len() > 256 || address.starts_with('-') {
        return false;
    }
    // U+FFFD: the environment held bytes that are not UTF-8; the address
    // as read is not the one the message came from (or goes to), and mail
    // to it would reach someone else or no one.
    if address.chars().any(|c| {
        c.is_control() || c.is_whitespace() || c == '\u{FFFD}' || "<>(),;:\"[]\\".contains(c)
    }) {
        return false;
    }
    match address.rsplit_once('@') {
        Some((local, domain)) => !local.is_empty() && !domain.is_empty(),
        None => true,
    }
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
    #[test]
    fn an_address_read_from_bytes_that_were_not_utf8_is_no_address() {
        assert!(super::is_address("ab@x.org"));
        assert!(!super::is_address("a\u{FFFD}\u{FFFD}b@x.org"));
    }

    use super::*;
    use std::collections::HashMap;

    const VDOMS: &[u8] = b"example.com:example-com\nexample.net:example.net\n";

    fn env_with(pairs: &[(&str, &str)], mode: RecipientMode) -> Envelope {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        let vdoms = Virtualdomains::parse(VDOMS, b"");
        Envelope::from_env(|k| map.get(k).cloned(), mode, &vdoms)
    }

    fn env(pairs: &[(&str, &str)]) -> Envelope {
        env_with(pairs, RecipientMode::Virtualdomains)
    }

    #[test]
    fn virtualdomain_recipient_strips_prefix() {
        // ~alias/.qmail-example-com-default, as qmail-local sets it.
        let e = env(&[
            ("SENDER", "bob@example.org"),
            ("RECIPIENT", "example-com-info@Example.COM"),
            ("LOCAL", "example-com-info"),
            ("HOST", "Example.COM"),
            ("EXT", "example-com-info"),
            ("DEFAULT", "info"),
        ]);
        assert_eq!(e.user_recipient, "info@Example.COM");
        assert_eq!(e.domain, "example.com");
        assert!(!e.null_sender);
    }

    #[test]
    fn vpopmail_recipient_strips_prefix() {
        let e = env(&[
            ("RECIPIENT", "example.net-info@example.net"),
            ("LOCAL", "example.net-info"),
            ("HOST", "example.net"),
            ("EXT", "info"),
            ("DEFAULT", "info"),
            ("USER", "vpopmail"),
        ]);
        assert_eq!(e.user_recipient, "info@example.net");
        assert!(e.null_sender);
    }

    #[test]
    fn plain_user_and_extension_keep_recipient() {
        let e = env(&[
            ("RECIPIENT", "alice@example.org"),
            ("LOCAL", "alice"),
            ("HOST", "example.org"),
        ]);
        assert_eq!(e.user_recipient, "alice@example.org");
        // ~joe/.qmail-default: EXT and DEFAULT name the extension only.
        let e = env(&[
            ("RECIPIENT", "joe-lists@example.org"),
            ("LOCAL", "joe-lists"),
            ("HOST", "example.org"),
            ("EXT", "lists"),
            ("DEFAULT", "lists"),
        ]);
        assert_eq!(e.user_recipient, "joe-lists@example.org");
    }

    #[test]
    fn recipient_mode_keeps_qmail_value() {
        let e = env_with(
            &[
                ("RECIPIENT", "example-com-info@example.com"),
                ("LOCAL", "example-com-info"),
                ("EXT", "example-com-info"),
                ("HOST", "example.com"),
            ],
            RecipientMode::Recipient,
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
