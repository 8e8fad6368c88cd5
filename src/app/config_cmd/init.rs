//! `qmvc config init DIR`: writes the shipped, fully commented main file
//! and default profile into a configuration directory, the first step of
//! a new installation. It never overwrites: a file already there is the
//! administrator's, whatever it holds.

use std::fs::{self, DirBuilder, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use crate::config::{self, EMBEDDED_MAIN};
use crate::exit::Exit;
use crate::profile::EMBEDDED_DEFAULT;

/// The directory the shipped main file's `profiles`, `templates` and
/// `locales` paths sit in.
const SHIPPED_DIR: &str = "/etc/qmvc";

/// Writes `DIR/qmvc.toml` (the embedded main file) and
/// `DIR/profiles/default.toml` (the embedded default profile), creating
/// the directories (mode 0755) and the files (0644: qmvc refuses site
/// files everyone may write) with an exclusive create, so an existing file
/// or symbolic link is left as it is and said so. When DIR is not
/// `/etc/qmvc`, the main file's `profiles`, `templates` and `locales`
/// point into DIR instead.
///
/// Prints one line per file: `wrote PATH` or `kept PATH (already there)`.
/// Exit 0 when both files are there afterwards, 1 when one could not be
/// written, 2 when DIR cannot be written into TOML (not UTF-8).
pub fn init(dir: &Path) -> Exit {
    let dir = match absolute(dir) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("qmvc: {}: {e}", dir.display());
            return Exit::Status(1);
        }
    };
    let Some(main) = main_text(&dir) else {
        eprintln!(
            "qmvc: {}: the directory name must be UTF-8 text",
            dir.display()
        );
        return Exit::Status(2);
    };
    let files = [
        (dir.join("qmvc.toml"), main),
        (
            dir.join("profiles").join("default.toml"),
            EMBEDDED_DEFAULT.to_string(),
        ),
    ];
    let mut status = 0;
    for (path, text) in &files {
        match write_new(path, text) {
            Ok(true) => println!("wrote {}", path.display()),
            Ok(false) => println!("kept {} (already there)", path.display()),
            Err(e) => {
                eprintln!("qmvc: cannot write {}: {e}", path.display());
                status = 1;
            }
        }
    }
    if status == 0 {
        let main = &files[0].0;
        let hint = if main == Path::new(config::SYSTEM_PATH) {
            String::new()
        } else {
            format!(" --config {}", main.display())
        };
        println!(
            "next: add an anti-virus engine to {}, then run `qmvc{hint} config check`",
            main.display()
        );
    }
    Exit::Status(status)
}

/// `dir` made absolute against the working directory: the written main
/// file must not depend on where qmail-local later runs qmvc.
fn absolute(dir: &Path) -> io::Result<PathBuf> {
    if dir.is_absolute() {
        Ok(dir.to_path_buf())
    } else {
        Ok(std::env::current_dir()?.join(dir))
    }
}

/// The shipped main file, its site directories moved into `dir`; `None`
/// when `dir` is not UTF-8.
fn main_text(dir: &Path) -> Option<String> {
    if dir == Path::new(SHIPPED_DIR) {
        return Some(EMBEDDED_MAIN.to_string());
    }
    let dir = dir.to_str()?;
    let mut text = String::with_capacity(EMBEDDED_MAIN.len() + 128);
    for line in EMBEDDED_MAIN.split_inclusive('\n') {
        let moved = ["profiles", "templates", "locales"].iter().find_map(|key| {
            let shipped = format!("{key} = \"{SHIPPED_DIR}/{key}\"");
            (line.trim_end() == shipped).then(|| {
                // A TOML basic string, escaped by the toml crate.
                let value = toml::Value::String(format!("{dir}/{key}"));
                format!("{key} = {value}\n")
            })
        });
        text.push_str(moved.as_deref().unwrap_or(line));
    }
    Some(text)
}

/// Creates `path` with `text` unless something is already there. `true`
/// when written, `false` when kept.
fn write_new(path: &Path, text: &str) -> io::Result<bool> {
    if let Some(parent) = path.parent() {
        DirBuilder::new()
            .recursive(true)
            .mode(0o755)
            .create(parent)?;
    }
    let mut file = match OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o644)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(e),
    };
    let written = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all());
    if let Err(e) = written {
        // Half a configuration file is worse than none.
        let _ = fs::remove_file(path);
        return Err(e);
    }
    Ok(true)
}
