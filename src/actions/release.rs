//! Release tokens: how `qmvc quarantine release` gets a message past the
//! qmvc on the recipient's own dot-qmail line, and nobody else can.
//!
//! A release puts one header field in front of the original message:
//! `X-Qmvc-Release: ID EXPIRES MAC`, where ID is the incident id, EXPIRES
//! the end of its validity (seconds since the epoch, [`VALID`] after the
//! release) and MAC the HMAC-SHA256 (RFC 2104) of ID, the recipient the
//! user knows (lower case) and EXPIRES under the site's release key, hex.
//! Filter mode lets a message through unjudged only when that field is in
//! its header block, the MAC checks out for the delivery's own recipient,
//! it has not expired, and it was never used before (a marker file per
//! MAC, created exclusively). Anyone can write the field; without the key
//! (`[paths].state/release.key`, 32 random bytes, mode 0600, owned by the
//! delivering user) nobody can make one that checks out, and a released
//! message copied into a new one is refused as used.
//!
//! [`mac`], [`find`] and [`verify`] are pure; the key and the markers are
//! files.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::Error;

/// The header field a release adds.
pub const HEADER: &str = "X-Qmvc-Release";

/// How long a release token is honoured: a week, room for a queue that
/// retries a deferred delivery (qmail's default queuelifetime).
pub const VALID: Duration = Duration::from_secs(7 * 24 * 3600);

/// Bytes of the release key.
const KEY_BYTES: usize = 32;

/// One `X-Qmvc-Release:` value, as found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The incident id of the released message.
    pub id: String,
    /// Seconds since the epoch after which it is void.
    pub expires: i64,
    /// The MAC, lower-case hex.
    pub mac: String,
}

fn keyed(key: &[u8], id: &str, recipient: &str, expires: i64) -> Option<Hmac<Sha256>> {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key).ok()?;
    for part in [id, &recipient.to_ascii_lowercase(), &expires.to_string()] {
        m.update(part.as_bytes());
        m.update(b"\0");
    }
    Some(m)
}

/// The MAC of a release of incident `id` to `recipient`, valid until
/// `expires`, under `key`: lower-case hex (64 digits); empty for an empty
/// key.
pub fn mac(key: &[u8], id: &str, recipient: &str, expires: i64) -> String {
    keyed(key, id, recipient, expires)
        .map(|m| {
            m.finalize()
                .into_bytes()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        })
        .unwrap_or_default()
}

/// The header line (ending in LF) that releases incident `id` to
/// `recipient`, issued at `now` (seconds since the epoch).
pub fn header_line(key: &[u8], id: &str, recipient: &str, now: i64) -> String {
    let expires = now.saturating_add(VALID.as_secs() as i64);
    format!(
        "{HEADER}: {id} {expires} {}\n",
        mac(key, id, recipient, expires)
    )
}

/// The first `X-Qmvc-Release:` field of the header block at the start of
/// `message` (up to the first empty line), if it has the three parts.
pub fn find(message: &[u8]) -> Option<Token> {
    let name = HEADER.as_bytes();
    let mut start = 0;
    // Line ends found with memchr: the header of a delivery is scanned
    // before anything else, and may be hundreds of lines long.
    let ends = memchr::memchr_iter(b'\n', message).chain(std::iter::once(message.len()));
    for end in ends {
        let line = message.get(start..end).unwrap_or_default();
        start = end + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            return None;
        }
        let Some((field, value)) = line.split_at_checked(name.len()) else {
            continue;
        };
        if !field.eq_ignore_ascii_case(name) {
            continue;
        }
        let value = std::str::from_utf8(value.strip_prefix(b":")?).ok()?;
        let mut parts = value.split_ascii_whitespace();
        let (id, expires, mac) = (parts.next()?, parts.next()?, parts.next()?);
        return Some(Token {
            id: id.chars().take(64).collect(),
            expires: expires.parse().ok()?,
            mac: mac.to_ascii_lowercase(),
        });
    }
    None
}

/// True when `token` was made with `key` for `recipient` and has not
/// expired at `now` (seconds since the epoch). The MAC is compared in
/// constant time.
pub fn verify(key: &[u8], token: &Token, recipient: &str, now: i64) -> bool {
    if now > token.expires || token.mac.len() != 64 {
        return false;
    }
    let Some(bytes) = (0..32)
        .map(|i| u8::from_str_radix(token.mac.get(i * 2..i * 2 + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()
    else {
        return false;
    };
    keyed(key, &token.id, recipient, token.expires).is_some_and(|m| m.verify_slice(&bytes).is_ok())
}

/// `[paths].state/release.key`.
pub fn key_path(state: &Path) -> PathBuf {
    state.join("release.key")
}

/// The release key for filter mode: `None` when no release was ever made
/// (no key file).
///
/// Errors: [`Error::Read`] when it exists but cannot be read or is not a
/// key.
pub fn load_key(state: &Path) -> Result<Option<Vec<u8>>, Error> {
    let path = key_path(state);
    let read_err = |source| Error::Read {
        what: "release key",
        path: path.clone(),
        source,
    };
    let mut bytes = Vec::new();
    match File::open(&path) {
        Ok(f) => f
            .take(KEY_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(read_err)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(read_err(e)),
    };
    if bytes.len() != KEY_BYTES {
        return Err(read_err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("not {KEY_BYTES} bytes"),
        )));
    }
    Ok(Some(bytes))
}

/// The release key for `quarantine release`: loaded, or made (from
/// `/dev/urandom`, mode 0600; when root made it, it and a missing `state`
/// are handed to the owner of the directory they are in, so that the
/// delivering user can read it: [`super::open::create`]).
///
/// Errors: [`Error::Read`] / [`Error::Write`].
pub fn load_or_create_key(state: &Path) -> Result<Vec<u8>, Error> {
    if let Some(key) = load_key(state)? {
        return Ok(key);
    }
    let path = key_path(state);
    let write_err = |source| Error::Write {
        what: "release key",
        path: path.clone(),
        source,
    };
    let mut key = vec![0u8; KEY_BYTES];
    File::open("/dev/urandom")
        .and_then(|mut r| r.read_exact(&mut key))
        .map_err(write_err)?;
    super::open::make_dir(state).map_err(write_err)?;
    let created = super::open::create(
        &path,
        OpenOptions::new().write(true).create_new(true).mode(0o600),
    );
    match created {
        Ok(mut f) => {
            f.write_all(&key).map_err(write_err)?;
            f.sync_all().map_err(write_err)?;
            Ok(key)
        }
        // Another release made it first: use that one.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            load_key(state)?.ok_or_else(|| write_err(e))
        }
        Err(e) => Err(write_err(e)),
    }
}

/// True when `token` was already used ([`consume`] made its marker).
/// Only looks: `qmvc check` must not spend a token.
pub fn is_used(state: &Path, token: &Token) -> bool {
    state
        .join("released")
        .join(&token.mac)
        .symlink_metadata()
        .is_ok()
}

/// Marks `token` used (a file named after its MAC in
/// `[paths].state/released/`). True the first time, false when it was used
/// before.
///
/// Errors: [`Error::Write`] when the marker cannot be made.
pub fn consume(state: &Path, token: &Token) -> Result<bool, Error> {
    let dir = state.join("released");
    let path = dir.join(&token.mac);
    let write_err = |source| Error::Write {
        what: "release marker",
        path: path.clone(),
        source,
    };
    super::open::make_dir(&dir).map_err(write_err)?;
    match super::open::create(
        &path,
        OpenOptions::new().write(true).create_new(true).mode(0o600),
    ) {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(write_err(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = &[7u8; 32];

    #[test]
    fn a_token_checks_out_once_for_its_recipient_only() {
        let line = header_line(KEY, "1764338400.000001.42", "Info@Example.com", 1_000);
        let msg = format!("Received: x\n{line}Subject: hi\n\nbody\n");
        let token = find(msg.as_bytes()).expect("found");
        assert_eq!(token.id, "1764338400.000001.42");
        assert!(verify(KEY, &token, "info@example.com", 2_000));
        assert!(!verify(KEY, &token, "other@example.com", 2_000));
        assert!(!verify(&[8u8; 32], &token, "info@example.com", 2_000));
        let late = 1_000 + VALID.as_secs() as i64 + 1;
        assert!(!verify(KEY, &token, "info@example.com", late));
        let mut forged = token.clone();
        forged.expires += 1;
        assert!(!verify(KEY, &forged, "info@example.com", 2_000));
        forged = token.clone();
        forged.mac = "0".repeat(64);
        assert!(!verify(KEY, &forged, "info@example.com", 2_000));
        forged.mac = "zz".repeat(32);
        assert!(!verify(KEY, &forged, "info@example.com", 2_000));

        let state = tempfile::tempdir().expect("tempdir");
        assert_eq!(consume(state.path(), &token).ok(), Some(true));
        assert_eq!(consume(state.path(), &token).ok(), Some(false));
    }

    #[test]
    fn only_the_header_block_counts() {
        let line = header_line(KEY, "1", "a@b", 0);
        assert!(find(format!("Subject: x\n\n{line}").as_bytes()).is_none());
        assert!(find(b"X-Qmvc-Release: 1 notanumber abc\n\n").is_none());
        assert!(find(b"X-Qmvc-Release: 1\n\n").is_none());
        assert!(
            find(
                format!(
                    "subject: x\r\nx-qmvc-release: 1 5 {}\r\n\r\n",
                    "a".repeat(64)
                )
                .as_bytes()
            )
            .is_some()
        );
    }

    #[test]
    fn the_key_is_made_once_and_kept() {
        let state = tempfile::tempdir().expect("tempdir");
        let dir = state.path().join("state");
        assert_eq!(load_key(&dir).ok(), Some(None));
        let key = load_or_create_key(&dir).expect("made");
        assert_eq!(key.len(), 32);
        assert_eq!(load_or_create_key(&dir).ok(), Some(key.clone()));
        assert_eq!(load_key(&dir).ok(), Some(Some(key)));
        std::fs::write(key_path(&dir), b"short").expect("write");
        assert!(load_key(&dir).is_err());
    }
}
