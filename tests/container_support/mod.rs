//! Shared by the `container_*` tests: messages carrying an attachment,
//! the default profile's verdict on them, the members qmvc lists, and
//! archives made by the real Debian tools in a temporary directory.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use qmvc::config::Config;
use qmvc::container::{self, Inside, Settings};
use qmvc::envelope::Envelope;
use qmvc::message::{self, Limits};
use qmvc::rules::{self, Conditions};
use qmvc::verdict::{Condition, Finding, Verdict};

/// The default profile's conditions (the embedded one).
pub fn default_conditions() -> Conditions {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = Config::embedded();
    config.paths.profiles = dir.path().to_path_buf();
    config
        .profile_for("example.com", None)
        .expect("default profile")
        .conditions
}

/// A message with one text part and `content` attached as `name`
/// (base64, `application/octet-stream`).
pub fn with_attachment(name: &str, content: &[u8]) -> Vec<u8> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(content);
    let mut lines = String::new();
    for chunk in encoded.as_bytes().chunks(76) {
        lines.push_str(std::str::from_utf8(chunk).expect("base64 is ASCII"));
        lines.push_str("\r\n");
    }
    format!(
        "From: bob@example.org\r\nTo: alice@example.com\r\nDate: Mon, 2 Mar 2026 10:00:00 +0000\r\n\
         Message-ID: <1@example.org>\r\nSubject: files\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\n\
         Content-Type: text/plain\r\n\r\nsee attached\r\n--b\r\n\
         Content-Type: application/octet-stream; name=\"{name}\"\r\n\
         Content-Disposition: attachment; filename=\"{name}\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{lines}--b--\r\n"
    )
    .into_bytes()
}

/// The findings of the default profile on `raw`.
pub fn findings(raw: &[u8]) -> Vec<Finding> {
    let message = message::parse(raw, &Limits::default());
    let envelope = Envelope::for_check("bob@example.org", "alice@example.com");
    rules::evaluate(&message, &envelope, &default_conditions())
}

/// The verdict the findings of the default profile on `raw` lead to.
pub fn verdict(raw: &[u8]) -> Verdict {
    findings(raw)
        .iter()
        .map(|f| f.condition.verdict())
        .max()
        .unwrap_or(Verdict::Clean)
}

/// What qmvc finds inside the attachments of `raw` with `settings`.
pub fn inside_with(raw: &[u8], settings: &Settings) -> Inside {
    let message = message::parse(raw, &Limits::default());
    container::expand(&message.parts, settings)
}

/// The member paths qmvc lists in `raw` (default settings).
pub fn paths(raw: &[u8]) -> Vec<String> {
    inside_with(raw, &Settings::default())
        .members
        .iter()
        .map(|m| m.path.clone())
        .collect()
}

/// The findings of `condition`, as `detail` strings.
pub fn details(findings: &[Finding], condition: Condition) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.condition == condition)
        .map(|f| f.detail.clone())
        .collect()
}

/// A scratch directory for the tools.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    /// A new empty directory.
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `content` to `name` (parents created) and gives the path.
    pub fn file(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, content).expect("write");
        path
    }

    /// Runs `program args` in the directory and gives the bytes of
    /// `output` (a file it made). Panics with the tool's stderr when it
    /// fails.
    pub fn make(&self, program: &str, args: &[&str], output: &str) -> Vec<u8> {
        let out = Command::new(program)
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap_or_else(|e| panic!("{program}: {e}"));
        assert!(
            out.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        std::fs::read(self.dir.path().join(output)).expect("tool output")
    }
}

/// True when `program` is on PATH; else says loudly which test skips.
pub fn have(program: &str, test: &str) -> bool {
    let found = std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
        .unwrap_or(false);
    if !found {
        eprintln!(
            "SKIPPED {test}: {program} is not installed (tools/install-test-deps installs it)"
        );
    }
    found
}

/// A PE executable's first bytes (enough for type detection).
pub fn pe() -> Vec<u8> {
    let mut exe = vec![0u8; 512];
    exe[..2].copy_from_slice(b"MZ");
    exe[0x3C] = 0x80;
    exe[0x80..0x84].copy_from_slice(b"PE\0\0");
    exe[0x84..0x86].copy_from_slice(&0x14Cu16.to_le_bytes());
    exe
}
