//! `qmvc cleanup`: removes what a crash or a kill left behind: per-message
//! work directories in `[paths].workdir` (as qmail-scanner's `-z`; never
//! one a running delivery holds) and unfinished files in the quarantine's
//! `tmp/` (maildir(5); the rule `quarantine purge` follows too: never
//! younger than 36 hours).

use std::ffi::OsStr;
use std::path::Path;
use std::time::SystemTime;

use crate::actions::maildir;
use crate::engines::workdir;
use crate::exit::Exit;

/// Runs `cleanup`; `older_than` is a duration such as `30h`, `2d`, `45m`,
/// the age past which a work directory no delivery holds is stale
/// ([`workdir::cleanup`]), and a quarantine `tmp/` file too once it is 36
/// hours old ([`maildir::stale_tmp`]). Prints one `removed N stale ... from
/// DIR` line for each unless `quiet` (cron mails whatever a job prints;
/// errors still go to stderr).
/// Exit 0 on success, 1 when either could not be cleaned, 2 on a bad
/// duration or configuration.
pub fn run(
    config: Option<&Path>,
    env_config: Option<&OsStr>,
    older_than: &str,
    quiet: bool,
) -> Exit {
    let age = match humantime::parse_duration(older_than) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("qmvc: --older-than {older_than}: {e}");
            return Exit::Status(2);
        }
    };
    let config = match super::admin_config(config, env_config) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    let now = SystemTime::now();
    let work = workdir::cleanup(&config.paths.workdir, age, now);
    let tmp = maildir::clean_tmp(&config.paths.quarantine, age, now);
    let mut status = 0;
    let results = [
        (
            work,
            ["work directory", "work directories"],
            &config.paths.workdir,
        ),
        (tmp, ["tmp/ file", "tmp/ files"], &config.paths.quarantine),
    ];
    for (result, [one, many], dir) in results {
        match result {
            Ok(_) if quiet => {}
            Ok(n) => {
                let what = if n == 1 { one } else { many };
                println!("removed {n} stale {what} from {}", dir.display());
            }
            Err(e) => {
                eprintln!("qmvc: {}", e.chain());
                status = 1;
            }
        }
    }
    Exit::Status(status)
}
