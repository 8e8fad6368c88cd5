//! `config check`: a forward that would loop. A profile that forwards
//! stopped mail to a guard address whose own delivery runs qmvc sends the
//! message through qmvc again: it is judged the same, forwarded again, and
//! so on until qmail-local bounces it for its many `Delivered-To:` lines.
//! Here the guard address is followed the way qmail delivers it, to its
//! dot-qmail file, and that file is read.
//!
//! The way (qmail-send(8), qmail-lspawn(8), qmail-getpw(8), dot-qmail(5)):
//! a domain in `control/locals` is local; a domain `control/virtualdomains`
//! maps gets its prefix in front of the local part; any other is remote
//! (not followed). The local part is looked up in `users/assign` (`=` exact
//! lines, then the longest `+` prefix), else a system user named by the
//! part before a `-` (the home's `.qmail-EXT`), else `alias`. The dot-qmail
//! file is `.qmail-EXT`, then `.qmail-...-default` with ever fewer parts,
//! then `.qmail-default` (just `.qmail` without an extension). A program
//! line whose program or arguments name `qmvc` runs qmvc; forward lines
//! are followed a few steps further.

use std::path::{Path, PathBuf};

use crate::config::read_control;
use crate::envelope::Virtualdomains;

/// Forward lines followed from one dot-qmail to the next, at most.
const MAX_HOPS: usize = 4;

/// Where qmail looks for its files, and what it read there.
pub(crate) struct Qmail {
    vdoms: Virtualdomains,
    assign: Vec<u8>,
}

impl Qmail {
    /// Reads `control/virtualdomains`, `control/locals` (else `control/me`)
    /// beside `virtualdomains`, and `users/assign` under the qmail
    /// directory above it. Missing or unreadable files count as empty.
    pub(crate) fn read(virtualdomains: &Path) -> Qmail {
        let control = virtualdomains.parent().unwrap_or(Path::new("/"));
        let root = control.parent().unwrap_or(Path::new("/"));
        let read = |p: PathBuf| read_control(&p).ok().flatten();
        let locals = read(control.join("locals"))
            .or_else(|| read(control.join("me")))
            .unwrap_or_default();
        let vd = read(virtualdomains.to_path_buf()).unwrap_or_default();
        Qmail {
            vdoms: Virtualdomains::parse(&vd, &locals),
            assign: read(root.join("users/assign")).unwrap_or_default(),
        }
    }

    /// The dot-qmail file that runs qmvc on the way of `address`, if one
    /// does (following forwards up to [`MAX_HOPS`]).
    pub(crate) fn runs_qmvc(&self, address: &str) -> Option<PathBuf> {
        let mut todo = vec![(address.to_string(), 0usize)];
        let mut seen = Vec::new();
        while let Some((address, hops)) = todo.pop() {
            if seen.contains(&address) || hops > MAX_HOPS {
                continue;
            }
            seen.push(address.clone());
            let Some(file) = self.dot_qmail(&address) else {
                continue;
            };
            let Ok(Some(bytes)) = read_control(&file) else {
                continue;
            };
            for line in String::from_utf8_lossy(&bytes).lines() {
                let line = line.trim_end();
                if let Some(program) = line.strip_prefix('|') {
                    if program.split_whitespace().any(|w| {
                        let w = w.trim_matches(|c| c == '"' || c == '\'');
                        w.rsplit('/').next() == Some("qmvc")
                    }) {
                        return Some(file);
                    }
                } else if let Some(to) = forward_of(line) {
                    todo.push((to.to_string(), hops + 1));
                }
            }
        }
        None
    }

    /// The dot-qmail file qmail-local would use for `address`; `None` for a
    /// remote address, or a local one without a dot-qmail file.
    fn dot_qmail(&self, address: &str) -> Option<PathBuf> {
        let (user, host) = address.rsplit_once('@')?;
        let local = if self.vdoms.is_local(host) {
            user.to_string()
        } else {
            format!("{}-{user}", self.vdoms.prefix_of(user, host)?)
        };
        let local = local.to_ascii_lowercase();
        let (home, dash, ext) = self.assigned(&local).or_else(|| system_user(&local))?;
        candidates(&home, &dash, &ext)
            .into_iter()
            .find(|p| p.is_file())
    }

    /// `users/assign`: (home, dash, ext) for `local`.
    fn assigned(&self, local: &str) -> Option<(PathBuf, String, String)> {
        let text = String::from_utf8_lossy(&self.assign);
        let mut best: Option<(usize, PathBuf, String, String)> = None;
        for line in text.lines() {
            let fields: Vec<&str> = line.get(1..).unwrap_or_default().split(':').collect();
            let [key, _user, _uid, _gid, home, dash, ext, ..] = fields.as_slice() else {
                continue;
            };
            let key = key.to_ascii_lowercase();
            if line.starts_with('=') && key == local {
                return Some((home.into(), (*dash).to_string(), (*ext).to_string()));
            }
            if line.starts_with('+')
                && let Some(rest) = local.strip_prefix(key.as_str())
                && best.as_ref().is_none_or(|(n, ..)| key.len() > *n)
            {
                best = Some((
                    key.len(),
                    home.into(),
                    (*dash).to_string(),
                    format!("{ext}{rest}"),
                ));
            }
        }
        best.map(|(_, home, dash, ext)| (home, dash, ext))
    }
}

/// qmail-getpw: the longest `USER` of `USER-EXT` (or the whole part) that is
/// a system user other than root, else `alias` with the whole part as
/// extension.
fn system_user(local: &str) -> Option<(PathBuf, String, String)> {
    let mut cuts: Vec<usize> = local.match_indices('-').map(|(i, _)| i).collect();
    cuts.push(local.len());
    for &cut in cuts.iter().rev() {
        let name = &local[..cut];
        if let Ok(Some(u)) = nix::unistd::User::from_name(name)
            && !u.uid.is_root()
        {
            let ext = local.get(cut + 1..).unwrap_or_default();
            let dash = if cut < local.len() { "-" } else { "" };
            return Some((u.dir, dash.into(), ext.into()));
        }
    }
    let alias = nix::unistd::User::from_name("alias").ok().flatten()?;
    Some((alias.dir, "-".into(), local.into()))
}

/// dot-qmail(5): `.qmail-EXT`, then each `.qmail-PREFIX-default`, then
/// `.qmail-default`; `.qmail` alone without an extension.
fn candidates(home: &Path, dash: &str, ext: &str) -> Vec<PathBuf> {
    if dash.is_empty() && ext.is_empty() {
        return vec![home.join(".qmail")];
    }
    let ext = ext.replace('.', ":");
    let mut out = vec![home.join(format!(".qmail{dash}{ext}"))];
    let mut cut = ext.as_str();
    while let Some((front, _)) = cut.rsplit_once('-') {
        out.push(home.join(format!(".qmail{dash}{front}-default")));
        cut = front;
    }
    out.push(home.join(format!(".qmail{dash}default")));
    out
}

/// The address of a dot-qmail forward line (`&address`, or a line that
/// starts with a letter or digit), `None` for anything else.
fn forward_of(line: &str) -> Option<&str> {
    let to = line.strip_prefix('&').unwrap_or(line).trim();
    let first = to.chars().next()?;
    (first.is_ascii_alphanumeric() && to.contains('@')).then_some(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_qmail_candidates_follow_dot_qmail_5() {
        let home = Path::new("/h");
        assert_eq!(candidates(home, "", ""), [home.join(".qmail")]);
        let names: Vec<String> = candidates(home, "-", "example-com-av.team")
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "/h/.qmail-example-com-av:team",
                "/h/.qmail-example-com-default",
                "/h/.qmail-example-default",
                "/h/.qmail-default"
            ]
        );
        assert_eq!(forward_of("&guard@example.com"), Some("guard@example.com"));
        assert_eq!(forward_of("guard@example.com"), Some("guard@example.com"));
        assert_eq!(forward_of("./Maildir/"), None);
        assert_eq!(forward_of("# comment"), None);
    }
}
