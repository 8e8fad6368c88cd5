//! The one integration harness: a qmail site in a temporary directory (main
//! file, profiles, quarantine Maildir, log, a stand-in inject program that
//! records what it is given), and a way to run the built `qmvc` binary as
//! qmail-local does: a clean environment with `SENDER`, `RECIPIENT`,
//! `LOCAL`, `HOST`, `EXT`..., the home directory as working directory, and
//! the message on stdin as a seekable file (or a pipe, as under preline).

#![allow(dead_code)]

use std::fs;
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The built binary.
pub const QMVC: &str = env!("CARGO_BIN_EXE_qmvc");

/// `tests/data`.
pub fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

/// `../shared/corpus`, beside the checkout.
pub fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

/// What one run of qmvc did.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 when killed by a signal).
    pub code: i32,
    /// stdout: the line qmail-local would show.
    pub stdout: String,
    /// stderr.
    pub stderr: String,
}

/// How the message reaches stdin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stdin {
    /// A regular, seekable file at offset 0 (qmail-local's queue file).
    File,
    /// A pipe (as under preline).
    Pipe,
}

/// A qmail site in a temporary directory.
pub struct Site {
    /// Keeps the directory alive.
    pub tmp: tempfile::TempDir,
    /// The main file.
    pub config: PathBuf,
}

impl Site {
    /// A site with the default profile (no `default.toml` in the profiles
    /// directory: the embedded default applies) and `extra` appended to the
    /// main file.
    pub fn new(extra: &str) -> Site {
        let tmp = tempfile::tempdir().expect("tempdir");
        let dir = tmp.path().to_path_buf();
        for sub in ["profiles", "bin", "sent", "home"] {
            fs::create_dir_all(dir.join(sub)).expect("mkdir");
        }
        let inject = dir.join("bin/inject");
        // Stand-in for qmail-inject: records argv and the message.
        fs::write(
            &inject,
            format!(
                "#!/bin/sh\nf={sent}/$$.$(date +%s%N)\nprintf '%s\\n' \"$@\" > \"$f.args\"\ncat > \"$f.eml\"\n",
                sent = dir.join("sent").display()
            ),
        )
        .expect("write inject");
        fs::set_permissions(&inject, fs::Permissions::from_mode(0o755)).expect("chmod");
        let config = dir.join("qmvc.toml");
        let site = Site { tmp, config };
        site.write_config(extra);
        site
    }

    /// The site's directory.
    pub fn dir(&self) -> &Path {
        self.tmp.path()
    }

    /// Rewrites the main file with the site's paths and `extra`.
    pub fn write_config(&self, extra: &str) {
        let d = self.dir().display();
        let text = format!(
            "[paths]\nlog = \"{d}/log/qmvc.log\"\nreport = \"{d}/log/qmvc.rep\"\nquarantine = \"{d}/quarantine\"\n\
             workdir = \"{d}/work\"\nstate = \"{d}/state\"\nprofiles = \"{d}/profiles\"\n\
             templates = \"{d}/templates\"\nlocales = \"{d}/locales\"\n\n\
             [mail]\ninject = [\"{d}/bin/inject\"]\nfrom = \"qmvc <postmaster@example.com>\"\n\n{extra}\n"
        );
        fs::write(&self.config, text).expect("write config");
    }

    /// Writes `profiles/NAME.toml`.
    pub fn profile(&self, name: &str, text: &str) {
        fs::write(
            self.dir().join("profiles").join(format!("{name}.toml")),
            text,
        )
        .expect("write profile");
    }

    /// Delivers `message` to `recipient` from `sender` as qmail-local would
    /// for a plain user (`LOCAL@HOST`), stdin a file.
    pub fn deliver(&self, message: &[u8], sender: &str, recipient: &str) -> Run {
        let (local, host) = recipient
            .rsplit_once('@')
            .unwrap_or((recipient, "localhost"));
        self.run(
            message,
            &qmail_env(sender, local, host, ""),
            &[],
            Stdin::File,
        )
    }

    /// Runs qmvc with `args` on `message` with exactly the environment
    /// `env` (plus `PATH`), as qmail-local does.
    pub fn run(
        &self,
        message: &[u8],
        env: &[(String, String)],
        args: &[&str],
        stdin: Stdin,
    ) -> Run {
        self.run_wrapped(&[], message, env, args, stdin)
    }

    /// [`Site::run`] through `wrapper` (a program and its arguments that
    /// end by running the qmvc path and arguments they are given, such as
    /// `sh -c 'umask 000; exec "$@"' sh`); none runs qmvc directly.
    pub fn run_wrapped(
        &self,
        wrapper: &[&str],
        message: &[u8],
        env: &[(String, String)],
        args: &[&str],
        stdin: Stdin,
    ) -> Run {
        let mut cmd = match wrapper.split_first() {
            Some((program, rest)) => {
                let mut c = Command::new(program);
                c.args(rest).arg(QMVC);
                c
            }
            None => Command::new(QMVC),
        };
        cmd.args(args)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("QMVC_CONFIG", &self.config)
            .current_dir(self.dir().join("home"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in env {
            cmd.env(k, v);
        }
        let output = match stdin {
            Stdin::File => {
                let path = self.dir().join(format!("queue-{}", fastrand_name()));
                fs::write(&path, message).expect("write queue file");
                cmd.stdin(fs::File::open(&path).expect("open queue file"));
                let out = cmd.output().expect("run qmvc");
                let _ = fs::remove_file(&path);
                out
            }
            Stdin::Pipe => {
                cmd.stdin(Stdio::piped());
                let mut child = cmd.spawn().expect("spawn qmvc");
                let mut pipe = child.stdin.take().expect("stdin");
                let data = message.to_vec();
                let writer = std::thread::spawn(move || {
                    let _ = pipe.write_all(&data);
                });
                let out = child.wait_with_output().expect("wait qmvc");
                let _ = writer.join();
                out
            }
        };
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Lines of `qmvc.log`.
    pub fn log_lines(&self) -> Vec<String> {
        read_lines(&self.dir().join("log/qmvc.log"))
    }

    /// The whole `qmvc.rep`.
    pub fn rep(&self) -> String {
        fs::read_to_string(self.dir().join("log/qmvc.rep")).unwrap_or_default()
    }

    /// Files in the quarantine's `new/` (or `tmp/`, `cur/`).
    pub fn quarantine(&self, sub: &str) -> Vec<PathBuf> {
        list(&self.dir().join("quarantine").join(sub))
    }

    /// Messages the stand-in inject program received: (argv lines, message).
    pub fn sent(&self) -> Vec<(Vec<String>, Vec<u8>)> {
        let mut out = Vec::new();
        for p in list(&self.dir().join("sent")) {
            if p.extension().is_some_and(|e| e == "args") {
                let args = read_lines(&p);
                let eml = fs::read(p.with_extension("eml")).unwrap_or_default();
                out.push((args, eml));
            }
        }
        out
    }
}

/// The environment qmail-local sets for a delivery to `LOCAL@HOST`
/// (qmail-command(8)), with `EXT` when a `-default` file matched.
pub fn qmail_env(sender: &str, local: &str, host: &str, ext: &str) -> Vec<(String, String)> {
    let recipient = format!("{local}@{host}");
    let mut v = vec![
        ("SENDER", sender.to_string()),
        ("NEWSENDER", sender.to_string()),
        ("RECIPIENT", recipient.clone()),
        ("USER", "alias".to_string()),
        ("HOME", "/var/qmail/alias".to_string()),
        ("HOST", host.to_string()),
        ("LOCAL", local.to_string()),
        ("EXT", ext.to_string()),
        ("DTLINE", format!("Delivered-To: {recipient}\n")),
        ("RPLINE", format!("Return-Path: <{sender}>\n")),
        (
            "UFLINE",
            format!("From {sender} Thu Jan  1 00:00:00 1970\n"),
        ),
    ];
    if !ext.is_empty() {
        v.push(("DEFAULT", ext.to_string()));
    }
    v.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

fn read_lines(p: &Path) -> Vec<String> {
    fs::read_to_string(p)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect()
}

fn list(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn fastrand_name() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}
