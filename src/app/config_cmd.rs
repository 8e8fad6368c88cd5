//! `qmvc config init`, `qmvc config check` and `qmvc config show`.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

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
                Ok(warnings) => {
                    println!("engine {name}: ok");
                    for w in warnings {
                        eprintln!("qmvc: warning: engine {name}: {w}");
                    }
                }
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
/// profile of `user`: a home directory when it holds a `/`, else a user
/// name looked up in the password database), as TOML or JSON. Stderr says
/// when that home has no per-user profile file. Exit 0; 2 when the
/// configuration or a profile is invalid, or `user` names no user or no
/// directory.
pub fn show(
    config_path: Option<&Path>,
    env_config: Option<&OsStr>,
    domain: &str,
    user: Option<&str>,
    format: ShowFormat,
) -> Exit {
    let config = match Config::load(config_path, env_config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("qmvc: {}", e.chain());
            return Exit::Status(2);
        }
    };
    let home = match user.map(user_home).transpose() {
        Ok(h) => h,
        Err(e) => {
            eprintln!("qmvc: {e}");
            return Exit::Status(2);
        }
    };
    if let Some(home) = &home {
        let file = home.join(&config.user_profiles.file);
        if let Err(e) = std::fs::symlink_metadata(&file)
            && e.kind() == std::io::ErrorKind::NotFound
        {
            eprintln!(
                "qmvc: {} has no {}: only the domain's profile applies",
                home.display(),
                config.user_profiles.file
            );
        }
    }
    match config.effective(domain, home.as_deref()) {
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

/// The home directory `--user` means: `user` itself when it holds a `/`
/// (`/home/joe`, `./joe`), else the home of the user of that name
/// (getpwnam(3)). Errors (one line): no such user, or not a directory.
fn user_home(user: &str) -> Result<PathBuf, String> {
    let home = if user.contains('/') {
        PathBuf::from(user)
    } else {
        match nix::unistd::User::from_name(user) {
            Ok(Some(u)) => u.dir,
            Ok(None) => {
                return Err(format!(
                    "--user {user:?}: no such user (give a user name or a home directory \
                     path with a /)"
                ));
            }
            Err(e) => return Err(format!("--user {user:?}: cannot look up the user: {e}")),
        }
    };
    match std::fs::metadata(&home) {
        Ok(m) if m.is_dir() => Ok(home),
        Ok(_) => Err(format!("--user: {} is not a directory", home.display())),
        Err(e) => Err(format!("--user: {}: {e}", home.display())),
    }
}
