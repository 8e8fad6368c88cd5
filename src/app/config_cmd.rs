//! `qmvc config check` and `qmvc config show`.

use std::ffi::OsStr;
use std::path::Path;

use crate::cli::ShowFormat;
use crate::config::{self, Config};
use crate::exit::Exit;

/// `config check`: every problem as `file: key: problem` on stdout; exit 0
/// when clean, 1 with problems.
pub fn check(config_path: Option<&Path>, env_config: Option<&OsStr>, probe: bool) -> Exit {
    let mut problems: Vec<String> = config::check_all(config_path, env_config)
        .iter()
        .map(|p| p.to_string())
        .collect();
    if probe
        && problems.is_empty()
        && let Ok(cfg) = Config::load(config_path, env_config)
    {
        for (name, result) in crate::engines::probe(&cfg.engines) {
            match result {
                Ok(()) => println!("engine {name}: ok"),
                Err(e) => problems.push(format!("{}: engine.{name}: {e}", cfg.source)),
            }
        }
        for (server, result) in crate::notify::state::probe(&cfg.state) {
            match result {
                Ok(()) => println!("state redis {server}: ok"),
                Err(e) => problems.push(format!("{}: state.servers: {server}: {e}", cfg.source)),
            }
        }
    }
    for p in &problems {
        println!("{p}");
    }
    if problems.is_empty() {
        println!("configuration ok");
        Exit::Status(0)
    } else {
        Exit::Status(1)
    }
}

/// `config show`: the effective profile for `domain` (and the per-user
/// profile in `user_home`), as TOML or JSON. Exit 0, 2 when the
/// configuration or a profile is invalid.
pub fn show(
    config_path: Option<&Path>,
    env_config: Option<&OsStr>,
    domain: &str,
    user_home: Option<&Path>,
    format: ShowFormat,
) -> Exit {
    let effective =
        Config::load(config_path, env_config).and_then(|c| c.effective(domain, user_home));
    match effective {
        Ok(e) => {
            match format {
                ShowFormat::Toml => print!("{}", e.to_toml()),
                ShowFormat::Json => println!("{}", e.to_json()),
            }
            Exit::Status(0)
        }
        Err(e) => {
            eprintln!("qmvc: {}", e.chain());
            Exit::Status(2)
        }
    }
}
