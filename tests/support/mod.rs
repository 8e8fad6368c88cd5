//! The one integration harness: a qmail site in a temporary directory (main
//! file, profiles, quarantine Maildir, log, a stand-in inject program that
//! records what it is given), and a way to run the built `qmvc` binary as
//! qmail-local does: a clean environment with `SENDER`, `RECIPIENT`,
//! `LOCAL`, `HOST`, `EXT`..., the home directory as working directory, and
//! the message on stdin as a seekable file (or a pipe, as under preline).

#![allow(dead_code)]

pub mod fake_av;
pub mod redis;
pub mod tmpfs;

use std::collections::BTreeMap;
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

impl Run {
    /// Asserts a deferral as qmail-local must see it: exit 111 and one
    /// stdout line containing `what` and ending in `(#4.3.0)`.
    pub fn assert_defers_with(&self, what: &str) {
        assert_eq!(self.code, 111, "{self:?}");
        assert!(self.stdout.contains(what), "{}", self.stdout);
        assert!(self.stdout.ends_with("(#4.3.0)\n"), "{}", self.stdout);
        assert_eq!(self.stdout.lines().count(), 1, "{}", self.stdout);
    }

    /// Asserts that stderr has every one of `parts`.
    pub fn assert_stderr_has(&self, parts: &[&str]) {
        for part in parts {
            assert!(
                self.stderr.contains(part),
                "{part:?} not in {}",
                self.stderr
            );
        }
    }
}

/// The content of `tests/data/NAME`.
pub fn message(name: &str) -> Vec<u8> {
    fs::read(data(name)).expect("test message")
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
        for sub in ["profiles", "bin", "sent", "home", "control"] {
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
        site.virtualdomains(SITE_VIRTUALDOMAINS);
        site
    }

    /// Writes the site's qmail `control/virtualdomains` (`[recipient]
    /// virtualdomains` points there; `control/locals` beside it stays
    /// missing unless a test writes it).
    pub fn virtualdomains(&self, text: &str) {
        fs::write(self.dir().join("control/virtualdomains"), text).expect("write virtualdomains");
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
             [recipient]\nvirtualdomains = \"{d}/control/virtualdomains\"\n\n\
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
        self.run(message, &user_env(sender, recipient), &[], Stdin::File)
    }

    /// Starts one delivery of `message` in the background (stdin a queue
    /// file, stdout dropped, stderr piped), for tests that run many at once.
    pub fn spawn(&self, message: &[u8], env: &[(String, String)]) -> std::process::Child {
        let mut cmd = self.command(env, &[]);
        cmd.stdin(self.queue_file(message))
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        cmd.spawn().expect("spawn qmvc")
    }

    /// The qmvc command with `args` and exactly the environment `env`
    /// (plus `PATH` and `QMVC_CONFIG`), in the site's home directory, stdout
    /// and stderr piped; stdin is the caller's to set.
    pub fn command(&self, env: &[(String, String)], args: &[&str]) -> Command {
        self.command_wrapped(&[], env, args)
    }

    /// [`Site::command`] through `wrapper` (a program and its arguments that
    /// end by running the qmvc path and arguments they are given, such as
    /// `sh -c 'umask 000; exec "$@"' sh`); none runs qmvc directly.
    pub fn command_wrapped(
        &self,
        wrapper: &[&str],
        env: &[(String, String)],
        args: &[&str],
    ) -> Command {
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
        cmd
    }

    /// `message` as qmail-local's queue file: a read-only regular file at
    /// offset 0 (already unlinked, so nothing is left behind).
    pub fn queue_file(&self, message: &[u8]) -> fs::File {
        let path = self.dir().join(format!("queue-{}", fastrand_name()));
        fs::write(&path, message).expect("write queue file");
        let file = fs::File::open(&path).expect("open queue file");
        let _ = fs::remove_file(&path);
        file
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

    /// [`Site::run`] through `wrapper` (see [`Site::command_wrapped`]).
    pub fn run_wrapped(
        &self,
        wrapper: &[&str],
        message: &[u8],
        env: &[(String, String)],
        args: &[&str],
        stdin: Stdin,
    ) -> Run {
        let mut cmd = self.command_wrapped(wrapper, env, args);
        match stdin {
            Stdin::File => {
                cmd.stdin(self.queue_file(message));
                finish(cmd.output().expect("run qmvc"))
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
                finish(out)
            }
        }
    }

    /// Delivers as [`Site::deliver`] does, but with qmvc running as the
    /// user `uid:gid` (see [`Site::hand_over`]).
    pub fn deliver_as(
        &self,
        (uid, gid): (u32, u32),
        message: &[u8],
        sender: &str,
        recipient: &str,
    ) -> Run {
        use std::os::unix::process::CommandExt;
        let mut cmd = self.command(&user_env(sender, recipient), &[]);
        cmd.uid(uid).gid(gid).stdin(self.queue_file(message));
        finish(cmd.output().expect("run qmvc"))
    }

    /// Sets the site up for qmvc running as `uid:gid`, the way an
    /// administrator installs it for the delivering user: every directory
    /// readable (configuration stays root's), the subdirectories `writable`
    /// (created when missing) owned by that user. Root ignores mode bits;
    /// this is how a test gets a real EACCES.
    pub fn hand_over(&self, (uid, gid): (u32, u32), writable: &[&str]) {
        fs::set_permissions(self.dir(), fs::Permissions::from_mode(0o755)).expect("chmod site");
        for sub in writable {
            let dir = self.dir().join(sub);
            fs::create_dir_all(&dir).expect("mkdir");
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).expect("chown");
        }
    }

    /// Writes `bin/scan`, a STAND-IN command-line scanner that finds
    /// nothing (exit 0) after reading the files it is given, and returns
    /// an `[[engine]]` table named `scanner` that runs it on the message's
    /// work directory: the engine that makes qmvc write one.
    pub fn scanner_engine(&self) -> String {
        let scan = self.dir().join("bin/scan");
        fs::write(&scan, "#!/bin/sh\ncat \"$1\"/* >/dev/null\n").expect("write scan");
        fs::set_permissions(&scan, fs::Permissions::from_mode(0o755)).expect("chmod");
        format!(
            "[[engine]]\nname = \"scanner\"\ntype = \"command\"\ncommand = [\"{}\", \"{{dir}}\"]\n\
             clean_exit = [0]\nvirus_exit = [1]\n",
            scan.display()
        )
    }

    /// Points `[paths].KEY` of the main file at `path` (for a write point
    /// on a filesystem of its own).
    pub fn set_path(&self, key: &str, path: &Path) {
        let text = fs::read_to_string(&self.config).expect("read config");
        let prefix = format!("{key} = ");
        let text: Vec<String> = text
            .lines()
            .map(|l| {
                if l.starts_with(&prefix) {
                    format!("{prefix}\"{}\"", path.display())
                } else {
                    l.to_string()
                }
            })
            .collect();
        fs::write(&self.config, text.join("\n") + "\n").expect("write config");
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

    /// Checks qmail's promise on the quarantine: every file in `new/` is
    /// whole (qmvc's `Return-Path:`, `Delivered-To:` and `X-Qmvc-*` lines,
    /// then `original` byte for byte) and `tmp/` is empty. Returns how
    /// many files `new/` holds.
    pub fn whole_quarantine(&self, original: &[u8]) -> usize {
        let new = self.quarantine("new");
        for p in &new {
            let stored = fs::read(p).expect("read quarantine file");
            assert!(
                is_whole(&stored, original),
                "{} is not a whole quarantine file ({} bytes, message {} bytes)",
                p.display(),
                stored.len(),
                original.len()
            );
        }
        assert_eq!(self.quarantine("tmp"), Vec::<PathBuf>::new(), "tmp/");
        new.len()
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

/// Releases the message the last log line names (`quarantine release
/// ID`, asserted to succeed), after forgetting what the inject program got
/// so far (incident reports). Returns the incident id and the command's
/// output.
pub fn release_last(site: &Site) -> (String, std::process::Output) {
    let line = site.log_lines().pop().expect("log line");
    let id = log_id(&line);
    for p in fs::read_dir(site.dir().join("sent")).expect("sent/") {
        fs::remove_file(p.expect("entry").path()).expect("rm");
    }
    let out = admin(site, &["quarantine", "release", &id]);
    assert!(out.status.success(), "{out:?}");
    (id, out)
}

/// A released message without the one-time `X-Qmvc-Release:` line that
/// `quarantine release` puts in front of it (asserted to be there).
pub fn without_release_token(sent: &[u8]) -> &[u8] {
    assert!(
        sent.starts_with(b"X-Qmvc-Release: "),
        "no release token: {}",
        String::from_utf8_lossy(&sent[..sent.len().min(200)])
    );
    let end = sent.iter().position(|&b| b == b'\n').map_or(0, |i| i + 1);
    &sent[end..]
}

/// Runs `qmvc ARGS` as the administrator (not as qmail-local), with the
/// site's configuration.
pub fn admin(site: &Site, args: &[&str]) -> std::process::Output {
    Command::new(QMVC)
        .args(args)
        .env("QMVC_CONFIG", &site.config)
        .output()
        .expect("run qmvc")
}

/// An administrative command's stdout, as text.
pub fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// An administrative command's stderr, as text.
pub fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `nobody:nogroup` on Debian: a real user without privileges.
pub const NOBODY: (u32, u32) = (65534, 65534);

/// Every file below `dir` (recursively; directories themselves are not
/// listed), sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in list(dir) {
        if p.is_dir() && !p.is_symlink() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// True when `stored` is qmvc's header lines followed by the whole of
/// `original` (the quarantine file filter mode writes).
pub fn is_whole(stored: &[u8], original: &[u8]) -> bool {
    let Some(head) = stored.strip_suffix(original) else {
        return false;
    };
    let Ok(head) = std::str::from_utf8(head) else {
        return false;
    };
    head.starts_with("Return-Path: <")
        && head.ends_with('\n')
        && head.lines().all(|l| {
            ["Return-Path: ", "Delivered-To: ", "X-Qmvc-"]
                .iter()
                .any(|p| l.starts_with(p))
        })
}

/// What one finished qmvc process did.
pub fn finish(output: std::process::Output) -> Run {
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Every site's `control/virtualdomains`: `example.com` is a virtual domain
/// that `~alias/.qmail-example-com-default` serves
/// ([`virtualdomain_env`]).
pub const SITE_VIRTUALDOMAINS: &str = "example.com:example-com\n";

/// The environment qmail-local sets, as measured under a real qmail-local,
/// for mail to `user@host` in a virtual domain mapped to `prefix`, delivered
/// through `~alias/.qmail-PREFIX-default`: `LOCAL=PREFIX-USER`, `EXT` the
/// whole local part (qmail-getpw hands it to `alias`), `DEFAULT=USER`.
pub fn virtualdomain_env(
    sender: &str,
    prefix: &str,
    user: &str,
    host: &str,
) -> Vec<(String, String)> {
    let local = format!("{prefix}-{user}");
    let mut env = qmail_env(sender, &local, host, &local);
    set(&mut env, "DEFAULT", user);
    env
}

/// The environment for `user@host` in a vpopmail domain
/// (`host:host` in control/virtualdomains, `+host-:...` in users/assign,
/// `.qmail-default` in the domain's directory): `LOCAL=HOST-USER`,
/// `EXT=DEFAULT=USER`, `USER=vpopmail`.
pub fn vpopmail_env(sender: &str, user: &str, host: &str) -> Vec<(String, String)> {
    let mut env = qmail_env(sender, &format!("{host}-{user}"), host, user);
    set(&mut env, "USER", "vpopmail");
    set(&mut env, "HOME", &format!("/home/vpopmail/domains/{host}"));
    env
}

/// Sets (or adds) `key` in an environment list.
pub fn set(env: &mut Vec<(String, String)>, key: &str, value: &str) {
    env.retain(|(k, _)| k != key);
    env.push((key.to_string(), value.to_string()));
}

/// The incident id of a log line: its `id:` field (fields added after it,
/// such as `host:`, left out).
pub fn log_id(line: &str) -> String {
    let after = line.rsplit_once("|id:").map_or("", |(_, id)| id);
    after.split('|').next().unwrap_or_default().to_string()
}

/// The `.rep` blocks: incident id -> the bomber count its notes give.
pub fn bomber_counts(rep: &str) -> BTreeMap<String, u32> {
    let mut out = BTreeMap::new();
    let mut id = None;
    for line in rep.lines() {
        if let Some(rest) = line.strip_prefix("--- qmvc incident ") {
            id = rest.strip_suffix(" ---").map(str::to_string);
        } else if let Some(rest) = line.strip_prefix("notify: bomber: ") {
            let n = rest.split(' ').next().and_then(|n| n.parse().ok());
            if let (Some(id), Some(n)) = (id.clone(), n) {
                assert!(out.insert(id, n).is_none(), "two counts in one block");
            }
        }
    }
    out
}

/// qmail-local's environment for a plain user `LOCAL@HOST` = `recipient`.
pub fn user_env(sender: &str, recipient: &str) -> Vec<(String, String)> {
    let (local, host) = recipient
        .rsplit_once('@')
        .unwrap_or((recipient, "localhost"));
    qmail_env(sender, local, host, "")
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
