//! The shell: one function per command, all I/O sequenced here. Filter mode
//! carries a [`crate::verdict::Plan`] out in a fixed order: quarantine or
//! forward, log line, report block, incident reports, exit.

use std::ffi::OsString;
use std::panic::{self, AssertUnwindSafe};

use clap::Parser;
use clap::error::ErrorKind;

use crate::cli::{Cli, Command, ConfigCommand, NotifyCommand, QuarantineCommand};
use crate::exit::Exit;

mod check;
mod cleanup;
mod config_cmd;
mod filter;
pub mod input;
pub mod man;
mod notify_cmd;
mod parallel;
pub mod pipeline;
mod quarantine_cmd;
mod report_cmd;
pub mod schema;

/// Subcommands that are not filter mode: a usage error naming one of them
/// is an administrator's typo (exit 2), not a dot-qmail line (exit 111).
const ADMIN_COMMANDS: &[&str] = &[
    "check",
    "completions",
    "config",
    "cleanup",
    "man",
    "notify",
    "quarantine",
    "report",
    "help",
];

/// Parses `args` and runs the command, turning a usage error in filter mode
/// and any panic into a deferral. Never panics; the only caller is `main`.
pub fn main_guarded(args: Vec<OsString>) -> Exit {
    // qmail-local shows the program's stdout and stderr to the sender of a
    // bounce: keep the default hook's multi-line output off stderr and turn
    // the panic into one line.
    panic::set_hook(Box::new(|_| {}));
    match panic::catch_unwind(AssertUnwindSafe(|| run(args))) {
        Ok(exit) => exit,
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            Exit::defer(format!("internal error: {what}"))
        }
    }
}

/// Parses `args` and runs the command.
pub fn run(args: Vec<OsString>) -> Exit {
    if let Some(user_profiles) = plain_filter(&args) {
        let env_config = std::env::var_os("QMVC_CONFIG");
        return filter::run(None, env_config.as_deref(), user_profiles);
    }
    let admin = args
        .iter()
        .skip(1)
        .any(|a| a.to_str().is_some_and(|a| ADMIN_COMMANDS.contains(&a)));
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(e)
            if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion)
                && !filter_context() =>
        {
            print!("{e}");
            return Exit::Status(0);
        }
        Err(e) if matches!(e.kind(), ErrorKind::DisplayHelp | ErrorKind::DisplayVersion) => {
            // `|qmvc --help` in a dot-qmail file: exit 0 would make
            // qmail-local deliver the message unscanned.
            let asked = args.get(1..).unwrap_or_default();
            let asked: Vec<String> = asked
                .iter()
                .map(|a| a.to_string_lossy().into_owned())
                .collect();
            return Exit::defer(format!(
                "usage: {:?} only shows help or the version; in a dot-qmail line it defers",
                crate::exit::one_line(&asked.join(" "), 80)
            ));
        }
        Err(e) if admin => {
            eprint!("{e}");
            return Exit::Status(2);
        }
        Err(e) => {
            // A typo in a dot-qmail line must never bounce mail: defer, and
            // say what was wrong in one line.
            let first = e
                .to_string()
                .lines()
                .next()
                .unwrap_or("")
                .trim_start_matches("error: ")
                .to_string();
            return Exit::defer(format!("usage: {first}"));
        }
    };
    let env_config = std::env::var_os("QMVC_CONFIG");
    let env_config = env_config.as_deref();
    let config = cli.config.as_deref();
    match cli.command {
        None => filter::run(config, env_config, cli.user_profiles),
        Some(Command::Filter { user_profiles }) => {
            filter::run(config, env_config, user_profiles || cli.user_profiles)
        }
        Some(Command::Check(args)) => check::run(config, env_config, &args),
        Some(Command::Config(ConfigCommand::Init { dir })) => config_cmd::init(&dir),
        Some(Command::Config(ConfigCommand::Check { probe })) => {
            config_cmd::check(config, env_config, probe)
        }
        Some(Command::Config(ConfigCommand::Show {
            domain,
            user,
            format,
        })) => config_cmd::show(config, env_config, &domain, user.as_deref(), format),
        Some(Command::Notify(NotifyCommand::Preview {
            audience,
            lang,
            sender,
            recipient,
            file,
        })) => {
            let req = notify_cmd::Request {
                audience,
                lang: lang.as_deref(),
                sender: sender.as_deref(),
                recipient: &recipient,
                file: &file,
            };
            notify_cmd::preview_cmd(config, env_config, &req)
        }
        Some(Command::Quarantine(q)) => match q {
            QuarantineCommand::List { json, filter } => {
                quarantine_cmd::list(config, env_config, json, &filter)
            }
            QuarantineCommand::Show { id, raw } => {
                quarantine_cmd::show(config, env_config, &id, raw)
            }
            QuarantineCommand::Release { id, to } => {
                quarantine_cmd::release(config, env_config, &id, &to)
            }
            QuarantineCommand::Purge {
                older_than,
                dry_run,
                quiet,
            } => quarantine_cmd::purge(config, env_config, &older_than, dry_run, quiet),
        },
        Some(Command::Report(args)) => report_cmd::run(config, env_config, &args),
        Some(Command::Cleanup { older_than, quiet }) => {
            cleanup::run(config, env_config, &older_than, quiet)
        }
        Some(Command::Completions { shell }) => man::completions(shell),
        Some(Command::Man { dir }) => man::write_pages(&dir),
    }
}

/// True when qmvc runs as a delivery filter rather than for a person or a
/// script: qmail-local's environment is present (qmail-command(8):
/// `RECIPIENT`, `DTLINE`, `RPLINE`, `UFLINE`), or stdin is what
/// qmail-local gives a delivery program: the queue file (a regular file)
/// or, under preline, a pipe. A terminal, `/dev/null` or no stdin at all
/// is a person or a script asking for help.
fn filter_context() -> bool {
    use nix::sys::stat::{SFlag, fstat};
    use std::os::fd::AsFd;
    let qmail_env = ["RECIPIENT", "DTLINE", "RPLINE", "UFLINE"]
        .iter()
        .any(|v| std::env::var_os(v).is_some());
    let stdin = std::io::stdin();
    let queue_like = fstat(stdin.as_fd()).is_ok_and(|st| {
        let kind = SFlag::from_bits_truncate(st.st_mode) & SFlag::S_IFMT;
        kind == SFlag::S_IFREG || kind == SFlag::S_IFIFO || kind == SFlag::S_IFSOCK
    });
    qmail_env || queue_like
}

/// The dot-qmail lines qmail-local runs for every message, `|qmvc` and
/// `|qmvc -u` (also `--user-profiles`): filter mode, with or without
/// per-user profiles, read without building clap's whole command tree
/// (the help of every administrative command) once per delivery. `None`
/// for anything else, which clap parses.
fn plain_filter(args: &[OsString]) -> Option<bool> {
    match args.get(1..)? {
        [] => Some(false),
        [flag] if flag == "-u" || flag == "--user-profiles" => Some(true),
        _ => None,
    }
}

/// Loads the configuration for an administrative command (not filter
/// mode): an invalid one is printed with its causes on stderr and is
/// exit 2.
fn admin_config(
    config: Option<&std::path::Path>,
    env_config: Option<&std::ffi::OsStr>,
) -> Result<crate::config::Config, Exit> {
    crate::config::Config::load(config, env_config).map_err(|e| {
        eprintln!("qmvc: {}", e.chain());
        Exit::Status(2)
    })
}

/// Reads a message file for the administrative commands (`-` is stdin),
/// at most what filter mode reads under `limits`.
fn read_message(
    path: &std::path::Path,
    limits: &crate::message::Limits,
) -> std::io::Result<bytes::Bytes> {
    input::read_file(path, limits.max_message_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines read without clap mean what clap makes of them; anything
    /// else goes to clap.
    #[test]
    fn plain_filter_lines_mean_what_clap_reads() {
        for (line, user) in [
            (&["qmvc"][..], false),
            (&["qmvc", "-u"], true),
            (&["qmvc", "--user-profiles"], true),
        ] {
            let args: Vec<OsString> = line.iter().map(OsString::from).collect();
            assert_eq!(plain_filter(&args), Some(user), "{line:?}");
            let cli = Cli::try_parse_from(&args).expect("clap reads it");
            assert!(cli.command.is_none() && cli.config.is_none());
            assert_eq!(cli.user_profiles, user, "{line:?}");
        }
        for line in [
            &[][..],
            &["qmvc", "-uu"],
            &["qmvc", "-u", "-u"],
            &["qmvc", "filter"],
            &["qmvc", "--config", "x"],
            &["qmvc", "--help"],
            &["qmvc", "-U"],
            &["qmvc", "check"],
        ] {
            let args: Vec<OsString> = line.iter().map(OsString::from).collect();
            assert_eq!(plain_filter(&args), None, "{line:?}");
        }
    }
}
