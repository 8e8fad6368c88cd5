//! qmail's `control/virtualdomains` (and `control/locals`), read the way
//! qmail-send(8) reads them, and the one question qmvc asks of them: which
//! prefix did qmail-send put in front of the local part, so that the
//! address the user knows can be given back.
//!
//! qmail-send rewrites a recipient `user@domain` whose domain is not in
//! `control/locals` by looking up, in this order, `user@domain` (a virtual
//! user), `domain`, each `.suffix` of the domain (`.example.com` for
//! `mail.example.com`), and the empty domain (`:prefix`, a catch-all); the
//! first key found wins and gives `PREFIX-user@domain`, unless its prefix
//! is empty (`domain:`: no rewrite). Keys compare without regard to ASCII
//! case; of two lines with the same key the later wins (constmap's chain).
//! Control files lose trailing spaces and TABs; empty lines and lines
//! starting with `#` are skipped; a virtualdomains line without `:` is
//! ignored.
//!
//! Pure: the files' bytes come in, nothing is read here.

use std::collections::{HashMap, HashSet};

/// The parsed control files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Virtualdomains {
    /// Key (lower case) to prefix as written; an empty prefix stops the
    /// lookup.
    map: HashMap<String, String>,
    /// `control/locals`, lower case: never rewritten.
    locals: HashSet<String>,
}

/// The lines of a control file as qmail's `control_readfile` keeps them.
fn control_lines(bytes: &[u8]) -> impl Iterator<Item = String> + '_ {
    bytes
        .split(|&b| b == b'\n')
        .map(|line| {
            let end = line
                .iter()
                .rposition(|&b| b != b' ' && b != b'\t')
                .map_or(0, |i| i + 1);
            String::from_utf8_lossy(&line[..end]).into_owned()
        })
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
}

impl Virtualdomains {
    /// Reads `virtualdomains` and `locals` (each a whole control file,
    /// empty when the file does not exist). Never fails: a line qmail would
    /// ignore is ignored here too.
    pub fn parse(virtualdomains: &[u8], locals: &[u8]) -> Virtualdomains {
        let mut map = HashMap::new();
        for line in control_lines(virtualdomains) {
            if let Some((key, prefix)) = line.split_once(':') {
                map.insert(key.to_ascii_lowercase(), prefix.to_string());
            }
        }
        let locals = control_lines(locals)
            .map(|l| l.to_ascii_lowercase())
            .collect();
        Virtualdomains { map, locals }
    }

    /// True when no line maps anything: every address is its own.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The prefix qmail-send puts in front of `user@host`, or `None` when it
    /// leaves the address alone (a local domain, no key, an empty prefix).
    pub fn prefix_of(&self, user: &str, host: &str) -> Option<&str> {
        let host_lower = host.to_ascii_lowercase();
        if self.locals.contains(&host_lower) {
            return None;
        }
        let virtual_user = format!("{}@{host_lower}", user.to_ascii_lowercase());
        self.lookup(Some(&virtual_user), &host_lower)
    }

    /// The first key found among `address` (when given), `host`, each
    /// `.suffix` of `host` and the empty domain; `None` for no key or an
    /// empty prefix.
    fn lookup(&self, address: Option<&str>, host: &str) -> Option<&str> {
        let suffixes = host.match_indices('.').map(|(i, _)| &host[i..]);
        let keys = address
            .into_iter()
            .chain(std::iter::once(host))
            .chain(suffixes)
            .chain(std::iter::once(""));
        keys.filter_map(|k| self.map.get(k))
            .next()
            .map(String::as_str)
            .filter(|prefix| !prefix.is_empty())
    }

    /// The address the user knows, for qmail-local's `LOCAL` and `HOST`:
    /// `USER@HOST` when `LOCAL` is `PREFIX-USER` and qmail-send maps
    /// `USER@HOST` to exactly `PREFIX`; `None` when no prefix was put there
    /// (a plain user, with or without an extension: `joe-lists` stays
    /// `joe-lists`). Of several readings the shortest prefix wins.
    ///
    /// Work: one lookup per `-` in `LOCAL` for the virtual users, and one
    /// for the domain.
    pub fn user_address(&self, local: &str, host: &str) -> Option<String> {
        if self.map.is_empty() || host.is_empty() {
            return None;
        }
        let host_lower = host.to_ascii_lowercase();
        if self.locals.contains(&host_lower) {
            return None;
        }
        let domain_prefix = self.lookup(None, &host_lower);
        let has_users = self.map.keys().any(|k| k.contains('@'));
        for (dash, _) in local.match_indices('-') {
            let (prefix, user) = (&local[..dash], &local[dash + 1..]);
            if user.is_empty() {
                continue;
            }
            let wanted = if has_users {
                let address = format!("{}@{host_lower}", user.to_ascii_lowercase());
                self.lookup(Some(&address), &host_lower)
            } else {
                domain_prefix
            };
            if wanted == Some(prefix) {
                return Some(format!("{user}@{host}"));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vd(text: &str) -> Virtualdomains {
        Virtualdomains::parse(text.as_bytes(), b"")
    }

    #[test]
    fn virtualdomain_prefix_is_stripped() {
        let v = vd("example.com:example-com\n");
        assert_eq!(
            v.user_address("example-com-info", "example.com").as_deref(),
            Some("info@example.com")
        );
        // HOST keeps its case; keys compare without it.
        assert_eq!(
            v.user_address("example-com-info", "Example.COM").as_deref(),
            Some("info@Example.COM")
        );
        // A local part with dashes of its own keeps them.
        assert_eq!(
            v.user_address("example-com-sales-team", "example.com")
                .as_deref(),
            Some("sales-team@example.com")
        );
        // Mail sent to the rewritten form is rewritten once more.
        assert_eq!(
            v.user_address("example-com-example-com-info", "example.com")
                .as_deref(),
            Some("example-com-info@example.com")
        );
    }

    #[test]
    fn plain_users_and_other_domains_keep_their_address() {
        let v = vd("example.com:example-com\n");
        assert_eq!(v.user_address("joe-lists", "example.com"), None);
        assert_eq!(v.user_address("example-com-info", "example.org"), None);
        assert_eq!(v.user_address("example-com-", "example.com"), None);
        assert_eq!(v.user_address("example-com", "example.com"), None);
        assert_eq!(vd("").user_address("example-com-info", "example.com"), None);
    }

    #[test]
    fn vpopmail_prefix_is_the_domain() {
        let v = vd("example.com:example.com\nexample.net:example.net\n");
        assert_eq!(
            v.user_address("example.com-info", "example.com").as_deref(),
            Some("info@example.com")
        );
        assert_eq!(v.user_address("example.net-info", "example.com"), None);
    }

    #[test]
    fn lookup_order_is_qmail_sends() {
        let v = vd(".example.com:sub\nexample.com:top\n:catchall\n\
                    joe@example.com:joe-box\nquiet.example.com:\n");
        assert_eq!(v.prefix_of("x", "mail.example.com"), Some("sub"));
        assert_eq!(v.prefix_of("x", "example.com"), Some("top"));
        assert_eq!(v.prefix_of("joe", "Example.com"), Some("joe-box"));
        assert_eq!(v.prefix_of("x", "example.org"), Some("catchall"));
        // An empty prefix stops the lookup: not even the catch-all.
        assert_eq!(v.prefix_of("x", "quiet.example.com"), None);
        assert_eq!(
            v.user_address("sub-info", "mail.example.com").as_deref(),
            Some("info@mail.example.com")
        );
        assert_eq!(
            v.user_address("joe-box-joe", "example.com").as_deref(),
            Some("joe@example.com")
        );
        // "top-joe" is not how qmail-send writes joe@example.com.
        assert_eq!(v.user_address("top-joe", "example.com"), None);
        assert_eq!(
            v.user_address("catchall-info", "example.org").as_deref(),
            Some("info@example.org")
        );
        assert_eq!(v.user_address("x-info", "quiet.example.com"), None);
    }

    #[test]
    fn control_file_syntax() {
        let v = vd("# comment\n\nexample.com:first\nEXAMPLE.COM:second \t\nbroken line\n");
        assert_eq!(v.prefix_of("x", "example.com"), Some("second"));
        // The last line needs no newline.
        let v = vd("example.com:pre");
        assert_eq!(v.prefix_of("x", "example.com"), Some("pre"));
    }

    #[test]
    fn local_domains_are_never_rewritten() {
        let v = Virtualdomains::parse(b":joe\n", b"example.com\n");
        assert_eq!(v.user_address("joe-lists", "Example.com"), None);
        assert_eq!(
            v.user_address("joe-lists", "example.org").as_deref(),
            Some("lists@example.org")
        );
    }

    #[test]
    fn hostile_local_parts_cost_little() {
        let v = vd("a@example.com:x\nexample.com:example-com\n");
        let local = "-".repeat(1024);
        assert_eq!(v.user_address(&local, "example.com"), None);
        let local = format!("example-com-{}", "\u{202e}-".repeat(300));
        assert!(v.user_address(&local, "example.com").is_some());
    }
}
