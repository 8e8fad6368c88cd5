//! Command-line scanners (`type = "command"`): an argv template run without
//! a shell, its exit code and output read as the scanner documents them.
//!
//! `{dir}` in an argument becomes the message's work directory (the scanner
//! runs once); `{file}` becomes one file (the scanner runs once per file,
//! until the first virus). The scanner gets its own process group and
//! `/dev/null` as stdin (never the queue file), and on timeout the whole
//! group is killed with SIGKILL (killpg(2)), so that helpers a scanner
//! forks cannot outlive it. Output is read up to a cap; the rest is drained
//! and dropped. Reading stops at the timeout too: a helper that left the
//! group (setsid(2)) and keeps the output pipes open cannot hold qmvc past
//! it (the run is then a timeout, its output incomplete).

use std::io::Read;
use std::os::fd::AsFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use nix::poll::{PollFd, PollFlags, poll};
use nix::sys::signal::{Signal, killpg};
use nix::sys::wait::{Id, WaitPidFlag, WaitStatus, waitid};
use nix::unistd::Pid;
use regex::{Regex, RegexBuilder};

use super::presets;
use super::{EngineConfig, EngineKind};

/// The most bytes of a scanner's stdout (and of its stderr) kept.
const MAX_OUTPUT: usize = 1 << 20;

/// The most virus names kept from one run.
const MAX_NAMES: usize = 20;

/// What one scan said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scanned {
    /// Virus names found; empty when none.
    pub names: Vec<String>,
    /// The scanner's own words when it exited with an `unchecked_exit`
    /// code: some content was not examined.
    pub unchecked: Option<String>,
}

impl Scanned {
    fn names(names: Vec<String>) -> Scanned {
        Scanned {
            names,
            unchecked: None,
        }
    }
}

/// A command-line scanner, its preset and overrides merged.
#[derive(Debug, Clone)]
pub struct Scanner {
    /// argv template.
    pub argv: Vec<String>,
    /// Exit codes meaning clean.
    pub clean_exit: Vec<i32>,
    /// Exit codes meaning a virus was found.
    pub virus_exit: Vec<i32>,
    /// Exit codes meaning some content could not be scanned.
    pub unchecked_exit: Vec<i32>,
    /// Pulls names out of the output (multi-line mode: `^`/`$` per line).
    pub virus_regex: Option<Regex>,
    /// A match means some content was not scanned (multi-line mode).
    pub unchecked_regex: Option<Regex>,
    /// A clean exit with a regex match is still a virus (yara).
    pub match_is_virus: bool,
}

impl Scanner {
    /// Builds the scanner an `[[engine]]` of `type = "command"` describes:
    /// the preset's values, each replaced by the table's own when given.
    ///
    /// Errors: one line when the preset is unknown, the command is empty or
    /// has no placeholder, or the regex does not compile ([`super::validate`]
    /// reports the same at configuration time).
    pub fn from_config(engine: &EngineConfig) -> Result<Scanner, String> {
        if engine.kind != EngineKind::Command {
            return Err("not a command engine".into());
        }
        let preset = match &engine.preset {
            Some(name) => {
                Some(presets::find(name).ok_or_else(|| format!("unknown preset {name:?}"))?)
            }
            None => None,
        };
        let argv: Vec<String> = if !engine.command.is_empty() {
            engine.command.clone()
        } else {
            preset
                .map(|p| p.command.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default()
        };
        if argv.is_empty() {
            return Err("needs a preset or a command".into());
        }
        if !argv
            .iter()
            .any(|a| a.contains("{dir}") || a.contains("{file}"))
        {
            return Err("command has neither {dir} nor {file}".into());
        }
        let pick = |own: &[i32], preset: Option<&[i32]>| {
            if own.is_empty() {
                preset.unwrap_or_default().to_vec()
            } else {
                own.to_vec()
            }
        };
        let clean_exit = pick(&engine.clean_exit, preset.map(|p| p.clean_exit));
        let virus_exit = pick(&engine.virus_exit, preset.map(|p| p.virus_exit));
        let unchecked_exit = pick(&engine.unchecked_exit, preset.map(|p| p.unchecked_exit));
        let pattern = engine
            .virus_regex
            .as_deref()
            .or(preset.map(|p| p.virus_regex));
        let virus_regex = match pattern {
            Some(p) => Some(compile(p)?),
            None => None,
        };
        let unchecked_pattern = engine
            .unchecked_regex
            .as_deref()
            .or(preset.map(|p| p.unchecked_regex))
            .filter(|p| !p.is_empty());
        let unchecked_regex = match unchecked_pattern {
            Some(p) => Some(compile(p)?),
            None => None,
        };
        let match_is_virus = engine
            .match_is_virus
            .unwrap_or(preset.is_some_and(|p| p.match_is_virus));
        if clean_exit.is_empty() {
            return Err("needs clean_exit".into());
        }
        if virus_exit.is_empty() && !(match_is_virus && virus_regex.is_some()) {
            return Err("needs virus_exit, or virus_regex with match_is_virus".into());
        }
        Ok(Scanner {
            argv,
            clean_exit,
            virus_exit,
            unchecked_exit,
            virus_regex,
            unchecked_regex,
            match_is_virus,
        })
    }

    /// True when the template runs once per file (`{file}`).
    pub fn per_file(&self) -> bool {
        self.argv.iter().any(|a| a.contains("{file}"))
    }

    /// Runs the scanner on `dir` (or on each of `files`, for `{file}`
    /// templates), each run bounded by `timeout` and all of them together
    /// by `end` (the engine's `deadline` for the message). Returns the
    /// virus names found (empty = clean) and, when it exited with an
    /// `unchecked_exit` code, why some content was not scanned.
    ///
    /// Errors: one line when the program cannot start, times out, is killed
    /// by a signal, or exits with a code that is neither clean, virus nor
    /// unchecked; or when `end` passes before every file was scanned.
    pub fn scan(
        &self,
        dir: &Path,
        files: &[PathBuf],
        timeout: Duration,
        end: Instant,
    ) -> Result<Scanned, String> {
        // Each run gets what is left of the deadline, at most `timeout`.
        let left = |done: usize| {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                Err(format!(
                    "deadline reached after {done} of {} files",
                    files.len().max(1)
                ))
            } else {
                Ok(left.min(timeout))
            }
        };
        if self.per_file() {
            let mut all = Scanned::default();
            for (done, file) in files.iter().enumerate() {
                let one = self.run_once(dir, Some(file), left(done)?)?;
                if !one.names.is_empty() {
                    return Ok(one);
                }
                all.unchecked = all.unchecked.or(one.unchecked);
            }
            Ok(all)
        } else {
            self.run_once(dir, None, left(0)?)
        }
    }

    fn run_once(
        &self,
        dir: &Path,
        file: Option<&Path>,
        timeout: Duration,
    ) -> Result<Scanned, String> {
        let dir_s = dir.to_string_lossy();
        let file_s = file.map(|f| f.to_string_lossy()).unwrap_or_default();
        let argv: Vec<String> = self
            .argv
            .iter()
            .map(|a| a.replace("{dir}", &dir_s).replace("{file}", &file_s))
            .collect();
        let (program, args) = argv.split_first().ok_or("empty command")?;
        let run = run(program, args, dir, timeout)?;
        let output = format!(
            "{}\n{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
        let names = self.names(&output);
        let code = match run.status {
            Ended::Exit(code) => code,
            Ended::Signal(sig) => return Err(format!("{program} killed by signal {sig}")),
            Ended::TimedOut => {
                return Err(format!("{program} timed out after {} s", timeout.as_secs()));
            }
        };
        let why = first_line(&run.stderr).or_else(|| first_line(&run.stdout));
        if self.virus_exit.contains(&code) {
            if names.is_empty() {
                return Ok(Scanned::names(vec![format!("unnamed (exit {code})")]));
            }
            return Ok(Scanned::names(names));
        }
        let unchecked_line = self
            .unchecked_regex
            .as_ref()
            .and_then(|re| re.find(&output))
            .map(|m| m.as_str().trim().to_string());
        if let Some(line) = unchecked_line {
            return Ok(Scanned {
                names: Vec::new(),
                unchecked: Some(format!("{program} exited {code}: {line}")),
            });
        }
        if self.unchecked_exit.contains(&code) {
            return Ok(Scanned {
                names: Vec::new(),
                unchecked: Some(match why {
                    Some(line) => format!("{program} exited {code}: {line}"),
                    None => format!("{program} exited {code}: some content not scanned"),
                }),
            });
        }
        if self.clean_exit.contains(&code) {
            if self.match_is_virus && !names.is_empty() {
                return Ok(Scanned::names(names));
            }
            return Ok(Scanned::default());
        }
        Err(match why {
            Some(line) => format!("{program} exited {code}: {line}"),
            None => format!("{program} exited {code}"),
        })
    }

    /// Every name the regex pulls from `output`: the first capture group
    /// that took part in each match, trimmed, without duplicates.
    fn names(&self, output: &str) -> Vec<String> {
        let Some(re) = &self.virus_regex else {
            return Vec::new();
        };
        let mut names: Vec<String> = Vec::new();
        for caps in re.captures_iter(output) {
            let name = caps
                .iter()
                .skip(1)
                .flatten()
                .next()
                .map(|m| clean_name(m.as_str()));
            if let Some(name) = name
                && !name.is_empty()
                && !names.contains(&name)
            {
                names.push(name);
                if names.len() >= MAX_NAMES {
                    break;
                }
            }
        }
        names
    }
}

/// Compiles a `virus_regex` in multi-line mode, size-limited (the pattern
/// comes from the configuration, the text from the scanner).
pub fn compile(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern)
        .multi_line(true)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| crate::rules::regex_problem(&e))
}

fn clean_name(s: &str) -> String {
    s.trim()
        .chars()
        .take(200)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn first_line(bytes: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(clean_name)
}

/// How a scanner run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ended {
    Exit(i32),
    Signal(i32),
    TimedOut,
}

#[derive(Debug)]
struct Run {
    status: Ended,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

/// Runs `program args` in `cwd` in its own process group, stdin from
/// /dev/null, and waits at most `timeout`; then, and in every case once the
/// program has ended, the whole group is killed so nothing it started holds
/// the output pipes open. The output is read until both pipes close, but
/// no longer than `timeout` from the start: a descendant that left the
/// group (its own session) and keeps a pipe open makes the run
/// [`Ended::TimedOut`] when the time is up, its pipes dropped.
fn run(program: &str, args: &[String], cwd: &Path, timeout: Duration) -> Result<Run, String> {
    let end = Instant::now() + timeout;
    let mut child = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    let stdout = child.stdout.take().map(|p| reader(p, end));
    let stderr = child.stderr.take().map(|p| reader(p, end));
    let mut status = wait(&mut child, timeout);
    let mut join = |h: Option<thread::JoinHandle<(Vec<u8>, bool)>>| {
        let (kept, whole) = h.and_then(|h| h.join().ok()).unwrap_or_default();
        if !whole {
            status = Ended::TimedOut;
        }
        kept
    };
    let stdout = join(stdout);
    let stderr = join(stderr);
    Ok(Run {
        status,
        stdout,
        stderr,
    })
}

/// Reads `pipe` until it closes or `end` passes, whichever comes first,
/// keeping the first [`MAX_OUTPUT`] bytes. Returns them and whether the
/// pipe was read to its end (false: `end` passed first, or the pipe
/// failed). The pipe is dropped when the thread ends.
fn reader(
    mut pipe: impl Read + AsFd + Send + 'static,
    end: Instant,
) -> thread::JoinHandle<(Vec<u8>, bool)> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return (kept, false);
            }
            // At most 100 ms per poll, so that `end` is checked often.
            let wait_ms = u16::try_from(left.as_millis().min(100)).unwrap_or(100);
            let mut fds = [PollFd::new(pipe.as_fd(), PollFlags::POLLIN)];
            match poll(&mut fds, wait_ms) {
                Ok(0) => continue,
                Ok(_) => {}
                Err(nix::errno::Errno::EINTR) => continue,
                Err(_) => return (kept, false),
            }
            // Readable or hung up: a read does not block.
            match pipe.read(&mut buf) {
                Ok(0) => return (kept, true),
                Ok(n) => {
                    let room = MAX_OUTPUT.saturating_sub(kept.len());
                    kept.extend_from_slice(buf.get(..n.min(room)).unwrap_or_default());
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return (kept, false),
            }
        }
    })
}

/// Waits for `child` until `timeout`. The exit is observed with
/// waitid(WNOWAIT), which leaves the child a zombie, so that its process
/// group id cannot be reused before killpg(2) has swept the group; only
/// then is the child reaped.
fn wait(child: &mut Child, timeout: Duration) -> Ended {
    let pid = Pid::from_raw(i32::try_from(child.id()).unwrap_or(i32::MAX));
    let end = Instant::now() + timeout;
    let mut pause = Duration::from_millis(1);
    let mut timed_out = false;
    loop {
        match waitid(
            Id::Pid(pid),
            WaitPidFlag::WEXITED | WaitPidFlag::WNOHANG | WaitPidFlag::WNOWAIT,
        ) {
            Ok(WaitStatus::StillAlive) => {}
            Ok(_) => break,
            Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => break,
        }
        if Instant::now() >= end {
            timed_out = true;
            break;
        }
        thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(25));
    }
    // ESRCH (the group is already empty) is what we want anyway.
    let _ = killpg(pid, Signal::SIGKILL);
    let status = child.wait();
    if timed_out {
        return Ended::TimedOut;
    }
    match status {
        Ok(s) => match (s.code(), std::os::unix::process::ExitStatusExt::signal(&s)) {
            (Some(code), _) => Ended::Exit(code),
            (None, Some(sig)) => Ended::Signal(sig),
            (None, None) => Ended::Signal(0),
        },
        Err(_) => Ended::Signal(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(command: &[&str]) -> EngineConfig {
        let mut e = EngineConfig::new("t", EngineKind::Command);
        e.command = command.iter().map(|s| s.to_string()).collect();
        e.clean_exit = vec![0];
        e.virus_exit = vec![1];
        e.virus_regex = Some(r"^VIRUS (\S+)".into());
        e
    }

    #[test]
    fn exit_codes_and_regex_decide() -> Result<(), String> {
        let dir = std::env::temp_dir();
        let t = Duration::from_secs(10);
        let clean = Scanner::from_config(&engine(&["sh", "-c", "exit 0", "{dir}"]))?;
        assert_eq!(
            clean.scan(&dir, &[], t, Instant::now() + t)?,
            Scanned::default()
        );
        let virus = Scanner::from_config(&engine(&[
            "sh",
            "-c",
            "echo 'VIRUS Eicar.Test'; echo 'VIRUS Other'; exit 1",
            "{dir}",
        ]))?;
        assert_eq!(
            virus.scan(&dir, &[], t, Instant::now() + t)?.names,
            vec!["Eicar.Test", "Other"]
        );
        let unnamed = Scanner::from_config(&engine(&["sh", "-c", "exit 1", "{dir}"]))?;
        assert_eq!(
            unnamed.scan(&dir, &[], t, Instant::now() + t)?.names,
            vec!["unnamed (exit 1)"]
        );
        let mut encrypted = engine(&["sh", "-c", "echo 'a.zip: encrypted'; exit 10", "{dir}"]);
        encrypted.unchecked_exit = vec![10];
        let scanned = Scanner::from_config(&encrypted)?.scan(&dir, &[], t, Instant::now() + t)?;
        assert_eq!(scanned.names, Vec::<String>::new());
        assert_eq!(
            scanned.unchecked.as_deref(),
            Some("sh exited 10: a.zip: encrypted")
        );
        let broken =
            Scanner::from_config(&engine(&["sh", "-c", "echo oops >&2; exit 2", "{dir}"]))?;
        let e = broken
            .scan(&dir, &[], t, Instant::now() + t)
            .err()
            .unwrap_or_default();
        assert_eq!(e, "sh exited 2: oops");
        let missing = Scanner::from_config(&engine(&["/nonexistent/scanner", "{dir}"]))?;
        assert!(missing.scan(&dir, &[], t, Instant::now() + t).is_err());
        Ok(())
    }

    #[test]
    fn placeholders_are_arguments_not_shell() -> Result<(), Box<dyn std::error::Error>> {
        let parent = tempfile::tempdir()?;
        let dir = parent.path().join("a b;c$(touch pwned)");
        std::fs::create_dir(&dir)?;
        let expected = dir.to_string_lossy().to_string();
        // The path arrives as one argument, exactly as it is.
        let s = Scanner::from_config(&engine(&[
            "sh",
            "-c",
            "[ \"$1\" = \"$2\" ] || exit 2",
            "sh",
            "{dir}",
            &expected,
        ]))?;
        assert_eq!(
            s.scan(
                &dir,
                &[],
                Duration::from_secs(10),
                Instant::now() + Duration::from_secs(10)
            )?,
            Scanned::default()
        );
        assert!(!dir.join("pwned").exists() && !parent.path().join("pwned").exists());
        Ok(())
    }

    #[test]
    fn timeout_kills_the_whole_group() -> Result<(), String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let marker = dir.path().join("survivor");
        // The scanner forks a grandchild that would write the marker after
        // 2 s; killing only the scanner would let it live.
        let script = format!("(sleep 2; touch {}) & sleep 30", marker.display());
        let s = Scanner::from_config(&engine(&["sh", "-c", &script, "{dir}"]))?;
        let started = Instant::now();
        let e = s
            .scan(
                dir.path(),
                &[],
                Duration::from_millis(300),
                Instant::now() + Duration::from_secs(10),
            )
            .err()
            .unwrap_or_default();
        assert!(e.contains("timed out"), "{e}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        thread::sleep(Duration::from_millis(2500));
        assert!(!marker.exists(), "a grandchild outlived the timeout");
        Ok(())
    }

    #[test]
    fn a_descendant_in_its_own_session_holding_the_pipes_is_a_timeout() -> Result<(), String> {
        // The scanner starts a helper in a new session (out of reach of
        // killpg) that keeps stdout and stderr open for 30 s, and exits 0
        // at once: the run ends at the timeout, as a timeout, not when
        // the helper closes the pipes.
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let pidfile = dir.path().join("helper.pid");
        // The scanner waits until the helper has written its pid, that is
        // until it runs in its own session: before that, the kill of the
        // scanner's process group at its exit could catch it (a race
        // that a loaded machine lost once).
        let script = format!(
            "setsid -f sh -c 'echo $$ > {0}; exec sleep 30'; \
             while [ ! -s {0} ]; do sleep 0.05; done; exit 0",
            pidfile.display()
        );
        let s = Scanner::from_config(&engine(&["sh", "-c", &script, "{dir}"]))?;
        let started = Instant::now();
        let result = s.scan(
            dir.path(),
            &[],
            Duration::from_millis(500),
            Instant::now() + Duration::from_secs(10),
        );
        let took = started.elapsed();
        if let Ok(pid) = std::fs::read_to_string(&pidfile)
            && let Ok(pid) = pid.trim().parse::<i32>()
        {
            let _ = nix::sys::signal::kill(Pid::from_raw(pid), Signal::SIGKILL);
        }
        let e = result.err().unwrap_or_default();
        assert!(e.contains("timed out"), "{e}");
        assert!(took < Duration::from_secs(20), "{took:?}");
        Ok(())
    }

    #[test]
    fn the_deadline_bounds_every_run_together() -> Result<(), String> {
        // One run per file, each 0.4 s, each well under the timeout: the
        // deadline of 1 s for the message ends the run, not six timeouts.
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let files: Vec<PathBuf> = (0..6).map(|i| dir.path().join(format!("f{i}"))).collect();
        for f in &files {
            std::fs::write(f, b"x").map_err(|e| e.to_string())?;
        }
        let s = Scanner::from_config(&engine(&["sh", "-c", "sleep 0.4", "sh", "{file}"]))?;
        let started = Instant::now();
        let e = s
            .scan(
                dir.path(),
                &files,
                Duration::from_secs(5),
                Instant::now() + Duration::from_secs(1),
            )
            .err()
            .unwrap_or_default();
        assert!(e.contains("deadline") || e.contains("timed out"), "{e}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        Ok(())
    }
}
