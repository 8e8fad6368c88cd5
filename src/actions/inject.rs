//! Mail injection through `[mail].inject` (qmail-inject(8) by default):
//! argv, never a shell; recipients after `--`.
//!
//! With no placeholder in the configured argv, qmvc appends qmail-inject's
//! own options: `-f SENDER` (the envelope sender; an empty argument is the
//! null sender) and `-a` (take the recipients from the arguments only, never
//! from the message's headers), then `--` and the recipients. An argv that
//! contains `{sender}` has it replaced instead and gets only `--` and the
//! recipients appended (for programs such as `sendmail -f {sender} -i`);
//! `-f{sender}` in one argument gets the null sender as `-f` and an empty
//! argument.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;

use crate::error::{Error, Result};

/// How often a running child is polled (milliseconds).
const POLL_MS: u64 = 5;

/// The argv that [`send`] runs for `argv`, `sender` and `recipients`.
pub fn command_line(argv: &[String], sender: &str, recipients: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(argv.len() + recipients.len() + 4);
    if argv.iter().any(|a| a.contains("{sender}")) {
        for a in argv {
            match a.strip_suffix("{sender}") {
                // `-f{sender}` with the null sender: `-f` alone would take
                // the next argument as the sender (getopt), so the empty
                // sender goes as an argument of its own, as `-f ""`.
                Some(option) if sender.is_empty() && option.starts_with('-') => {
                    out.push(option.to_string());
                    out.push(String::new());
                }
                _ => out.push(a.replace("{sender}", sender)),
            }
        }
    } else {
        out.extend(argv.iter().cloned());
        out.extend(["-f".to_string(), sender.to_string(), "-a".to_string()]);
    }
    out.push("--".to_string());
    out.extend(recipients.iter().cloned());
    out
}

/// Injects `message` (a complete RFC 5322 message, headers and body) with
/// envelope sender `sender` (empty = the null sender) to `recipients`,
/// running [`command_line`] in its own process group with the message on
/// stdin and `cwd` as working directory. Waits at most `timeout`, then kills
/// the whole process group.
///
/// Errors: [`Error::Program`] when there is no program, no recipient, the
/// program cannot be started, exits non-zero, or times out.
pub fn send(
    argv: &[String],
    sender: &str,
    recipients: &[String],
    message: &[u8],
    timeout: Duration,
    cwd: Option<&Path>,
) -> Result<()> {
    let fail = |detail: String| Error::Program {
        what: "inject".into(),
        detail,
    };
    let line = command_line(argv, sender, recipients);
    let Some((program, args)) = line.split_first() else {
        return Err(fail("no inject program configured".into()));
    };
    if recipients.is_empty() {
        return Err(fail("no recipient".into()));
    }
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| fail(format!("cannot run {program}: {e}")))?;
    let pgid = Pid::from_raw(i32::try_from(child.id()).unwrap_or(0));
    // Feed stdin from a thread so that a program that stops reading cannot
    // hang qmvc past the timeout.
    let writer = child.stdin.take().map(|mut stdin| {
        let data = message.to_vec();
        thread::spawn(move || stdin.write_all(&data))
    });
    let deadline = Instant::now() + timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = killpg(pgid, Signal::SIGKILL);
                let _ = child.wait();
                return Err(fail(format!(
                    "{program} timed out after {} s",
                    timeout.as_secs()
                )));
            }
            Ok(None) => thread::sleep(Duration::from_millis(POLL_MS)),
            Err(e) => return Err(fail(format!("cannot wait for {program}: {e}"))),
        }
    };
    let wrote = writer.map(|w| w.join());
    if !status.success() {
        return Err(fail(format!("{program} exited with {status}")));
    }
    match wrote {
        Some(Ok(Err(e))) => Err(fail(format!("cannot write to {program}: {e}"))),
        Some(Err(_)) => Err(fail(format!("cannot write to {program}"))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qmail_inject_line() {
        let l = command_line(
            &["/var/qmail/bin/qmail-inject".into()],
            "",
            &["-rm@x".into()],
        );
        assert_eq!(
            l,
            ["/var/qmail/bin/qmail-inject", "-f", "", "-a", "--", "-rm@x"]
        );
        let l = command_line(
            &["sendmail".into(), "-f{sender}".into(), "-i".into()],
            "a@b",
            &["c@d".into()],
        );
        assert_eq!(l, ["sendmail", "-fa@b", "-i", "--", "c@d"]);
        // The null sender glued to its option: an empty argument of its
        // own, or getopt reads `-i` as the sender.
        let l = command_line(
            &["sendmail".into(), "-f{sender}".into(), "-i".into()],
            "",
            &["c@d".into()],
        );
        assert_eq!(l, ["sendmail", "-f", "", "-i", "--", "c@d"]);
    }

    #[test]
    fn runs_program_and_reports_failures() {
        let dir = match tempfile::tempdir() {
            Ok(d) => d,
            Err(_) => return,
        };
        let out = dir.path().join("out");
        let script = format!(
            "cat > {}; printf '%s\\n' \"$@\" >> {}",
            out.display(),
            out.display()
        );
        let argv = vec!["/bin/sh".into(), "-c".into(), script, "sh".into()];
        send(
            &argv,
            "",
            &["a@b".into()],
            b"Subject: x\n\nhi\n",
            Duration::from_secs(10),
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let got = std::fs::read_to_string(&out).unwrap_or_default();
        assert_eq!(got, "Subject: x\n\nhi\n-f\n\n-a\n--\na@b\n");

        // A program that fails and one that does not exist: both errors.
        for program in ["/bin/false", "/nonexistent/inject"] {
            let argv = vec![program.to_string()];
            let sent = send(
                &argv,
                "",
                &["a@b".into()],
                b"x",
                Duration::from_secs(10),
                None,
            );
            assert!(sent.is_err(), "{program}");
        }
    }

    #[test]
    fn hanging_program_is_killed() {
        let argv = vec!["/bin/sh".into(), "-c".into(), "sleep 30".into()];
        let t = Instant::now();
        let r = send(
            &argv,
            "",
            &["a@b".into()],
            b"x",
            Duration::from_millis(200),
            None,
        );
        assert!(r.is_err());
        assert!(t.elapsed() < Duration::from_secs(20));
    }
}
