//! `qmvc cleanup`: removes per-message work directories that a crash left
//! behind in `[paths].workdir` (as qmail-scanner's `-z`).

use std::ffi::OsStr;
use std::path::Path;
use std::time::SystemTime;

use crate::config::Config;
use crate::engines::workdir;
use crate::exit::Exit;

/// Runs `cleanup`; `older_than` is a duration such as `30h`, `2d`, `45m`.
/// Exit 0 on success, 1 when the directory could not be cleaned, 2 on a bad
/// duration or configuration.
pub fn run(config: Option<&Path>, env_config: Option<&OsStr>, older_than: &str) -> Exit {
    let age = match humantime::parse_duration(older_than) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("qmvc: --older-than {older_than}: {e}");
            return Exit::Status(2);
        }
    };
    let config = match Config::load(config, env_config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("qmvc: {}", e.chain());
            return Exit::Status(2);
        }
    };
    match workdir::cleanup(&config.paths.workdir, age, SystemTime::now()) {
        Ok(n) => {
            println!(
                "removed {n} stale work director{} from {}",
                if n == 1 { "y" } else { "ies" },
                config.paths.workdir.display()
            );
            Exit::Status(0)
        }
        Err(e) => {
            eprintln!("qmvc: {}", e.chain());
            Exit::Status(1)
        }
    }
}
