//! `qmvc config init`, `qmvc config check` and `qmvc config show`.

use std::ffi::OsStr;
use std::path::Path;

mod init;
pub use init::init;

use crate::cli::ShowFormat;
use crate::config::{self, Config};
use crate::exit::Exit;

/// `config check`: every problem as `file: key: problem` on stdout; exit 0
/// when clean, 1 with problems. Stderr says which main file was checked
/// (or that it was the embedded default), warns when no anti-virus engine
/// is configured, and gives every warning of [`config::check_full`] as
/// `qmvc: warning: file: key: what` (a site sentence some language lacks);
/// none of these changes the exit status.
pub fn check(config_path: Option<&Path>, env_config: Option<&OsStr>, probe: bool) -> Exit {
    match config::main_file(config_path, env_config) {
        Some(path) => eprintln!("qmvc: checking {}", path.display()),
        None => eprintln!("qmvc: {}", embedded_note()),
    }
    if let Ok(cfg) = Config::load(config_path, env_config)
        && cfg.engines.is_empty()
    {
        let file = match cfg.source.as_str() {
            config::EMBEDDED => "a main file".to_string(),
            path => path.to_string(),
        };
        eprintln!(
            "qmvc: warning: no anti-virus engine is configured: messages are checked by the \
             badmail rules only (add an [[engine]], e.g. clamd, to {file})"
        );
    }
    let checked = config::check_full(config_path, env_config);
    for w in &checked.warnings {
        eprintln!("qmvc: warning: {w}");
    }
    let mut problems: Vec<String> = checked.problems.iter().map(|p| p.to_string()).collect();
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

/// What qmvc says when it runs on the embedded default configuration.
pub fn embedded_note() -> String {
    format!(
        "no {}: using the embedded default configuration (no anti-virus engine; \
         `qmvc config init /etc/qmvc` writes the files to edit)",
        config::SYSTEM_PATH
    )
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
                ShowFormat::Json => {
                    let text = super::schema::with_schema(e.to_json()).to_string();
                    println!("{}", super::schema::terminal_safe(&text));
                }
            }
            Exit::Status(0)
        }
        Err(e) => {
            eprintln!("qmvc: {}", e.chain());
            Exit::Status(2)
        }
    }
}
