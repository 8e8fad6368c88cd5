//! What the security tests share: a [`Site`] whose inject program and
//! command engine are the recording stand-ins of `tests/standins/`
//! (`record-inject`, `record-scan`), readers for what they recorded, a
//! MIME message builder for hostile attachment names, and a walk of a
//! directory tree to show that nothing appeared where it should not.

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use crate::support::Site;

/// `tests/standins`.
pub const STANDINS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/standins");

/// The regex that reads `record-scan --virus`'s `VIRUS <NAME>`, across
/// lines, so that a name holding CR, LF or NUL reaches qmvc whole.
pub const VIRUS_REGEX: &str = "(?s)VIRUS <(.*)>";

/// One `[[engine]]` table running `record-scan` on `target` (`{dir}` or
/// `{file}`) over the decoded parts, `extra` arguments before the target.
pub fn recording_engine(site: &Site, name: &str, extra: &[&str], target: &str) -> String {
    let mut argv = vec![
        format!("{STANDINS}/record-scan"),
        rec_dir(site).display().to_string(),
        site.dir().join("work").display().to_string(),
    ];
    argv.extend(extra.iter().map(|s| s.to_string()));
    argv.push(target.to_string());
    let argv: Vec<String> = argv.iter().map(|a| toml_string(a)).collect();
    format!(
        "[[engine]]\nname = \"{name}\"\ntype = \"command\"\ncommand = [{}]\nclean_exit = [0]\n\
         virus_exit = [1]\nvirus_regex = {}\ninput = \"parts\"\ntimeout = 20\n",
        argv.join(", "),
        toml_string(VIRUS_REGEX)
    )
}

/// A TOML basic string holding `s` exactly.
pub fn toml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Where the stand-ins write (`SITE/rec`), created on first use.
pub fn rec_dir(site: &Site) -> PathBuf {
    let dir = site.dir().join("rec");
    fs::create_dir_all(&dir).expect("mkdir rec");
    dir
}

/// A site whose main file holds `extra` and whose inject program is
/// `record-inject` writing into [`rec_dir`].
pub fn recording_site(extra: impl Fn(&Site) -> String) -> Site {
    let site = Site::new("");
    site.write_config(&extra(&site));
    let inject = site.dir().join("bin/inject");
    fs::write(
        &inject,
        format!(
            "#!/bin/sh\nexec {STANDINS}/record-inject {} \"$@\"\n",
            rec_dir(&site).display()
        ),
    )
    .expect("write inject");
    fs::set_permissions(&inject, fs::Permissions::from_mode(0o755)).expect("chmod");
    site
}

/// One entry of a `record-scan` tree listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Permission bits (octal as find prints them).
    pub mode: u32,
    /// `d` directory, `f` file, `l` link...
    pub kind: char,
    /// Owner.
    pub uid: u32,
    /// Path as printed.
    pub path: String,
}

/// One run of `record-scan`: its arguments and the tree it saw.
#[derive(Debug, Clone)]
pub struct Scan {
    /// Arguments after OUT, as bytes.
    pub argv: Vec<Vec<u8>>,
    /// `[paths].workdir` and everything under it, during the run.
    pub tree: Vec<Entry>,
}

/// Every `record-scan` run, in no particular order.
pub fn scans(site: &Site) -> Vec<Scan> {
    recorded(site, "scan.", ".argv")
        .into_iter()
        .map(|(path, argv)| {
            let tree = fs::read_to_string(path.with_extension("tree"))
                .unwrap_or_default()
                .lines()
                .filter_map(parse_entry)
                .collect();
            Scan { argv, tree }
        })
        .collect()
}

fn parse_entry(line: &str) -> Option<Entry> {
    let mut it = line.splitn(4, ' ');
    Some(Entry {
        mode: u32::from_str_radix(it.next()?, 8).ok()?,
        kind: it.next()?.chars().next()?,
        uid: it.next()?.parse().ok()?,
        path: it.next()?.to_string(),
    })
}

/// Every `record-inject` run: its arguments and the message it got.
pub fn injects(site: &Site) -> Vec<(Vec<Vec<u8>>, Vec<u8>)> {
    recorded(site, "inject.", ".argv")
        .into_iter()
        .map(|(path, argv)| {
            let eml = fs::read(path.with_extension("eml")).unwrap_or_default();
            (argv, eml)
        })
        .collect()
}

/// (path, NUL-separated fields) of every `PREFIX*SUFFIX` file in the
/// record directory.
fn recorded(site: &Site, prefix: &str, suffix: &str) -> Vec<(PathBuf, Vec<Vec<u8>>)> {
    let mut out = Vec::new();
    for entry in fs::read_dir(rec_dir(site)).expect("read rec").flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(prefix) && name.ends_with(suffix) {
            let bytes = fs::read(entry.path()).expect("read record");
            let fields = bytes
                .split(|b| *b == 0)
                .map(<[u8]>::to_vec)
                .collect::<Vec<_>>();
            // The last NUL ends the last field: drop the empty rest.
            let fields = match fields.split_last() {
                Some((last, rest)) if last.is_empty() => rest.to_vec(),
                _ => fields,
            };
            out.push((entry.path(), fields));
        }
    }
    out
}

/// Every path under `root` (itself excluded), not following links.
pub fn tree(root: &Path) -> BTreeSet<PathBuf> {
    walkdir::WalkDir::new(root)
        .min_depth(1)
        .follow_links(false)
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().to_path_buf())
        .collect()
}

/// A multipart/mixed message with `parts`, each `(MIME headers, body)`
/// (the headers' lines end in `\n`; the body is put as it is).
pub fn multipart(subject: &str, parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut m = format!(
        "From: a@example.org\nTo: b@example.com\nDate: Thu, 21 Nov 2024 04:13:00 +0000\n\
         Subject: {subject}\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"SEC\"\n\n\
         preamble\n"
    )
    .into_bytes();
    for (headers, body) in parts {
        m.extend_from_slice(b"--SEC\n");
        m.extend_from_slice(headers.as_bytes());
        m.extend_from_slice(b"\n");
        m.extend_from_slice(body);
        m.extend_from_slice(b"\n");
    }
    m.extend_from_slice(b"--SEC--\n");
    m
}
