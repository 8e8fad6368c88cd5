//! The pure core stays pure: the modules that read a message, an envelope
//! and a profile into findings, a verdict and a plan (`message`,
//! `container`, `envelope`, `rules`, `profile`, `verdict`, `exit`,
//! `escape`) import nothing from configuration loading, the engines, the
//! reports' delivery or the shell, and do no I/O of their own (no files,
//! sockets, processes, environment or clock). The shell (`app`, `config`,
//! `engines`, `notify`, `actions`) may use the core, never the other way
//! round, so the core can be tested, fuzzed and benchmarked with no site
//! at all.
//!
//! Read from the source text: every `crate::NAME` outside comments and
//! outside the file's `#[cfg(test)]` module.

use std::fs;
use std::path::{Path, PathBuf};

/// The core's modules, as `src/` paths (a directory or one file).
const CORE: &[&str] = &[
    "message",
    "container",
    "envelope",
    "envelope.rs",
    "rules",
    "profile",
    "verdict.rs",
    "exit.rs",
    "escape.rs",
];

/// Paths outside the core a core file may still name: language-tag
/// syntax, which holds no I/O.
const ALLOWED_ITEMS: &[&str] = &["i18n::parse_tag"];

/// What only the shell may do.
const IO: &[&str] = &[
    "std::fs",
    "std::net",
    "std::process",
    "std::env::",
    "SystemTime::now",
    "Instant::now",
    "Utc::now",
    "Local::now",
];

fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<_> = fs::read_dir(path)
            .expect("source directory")
            .map(|e| e.expect("directory entry").path())
            .collect();
        entries.sort();
        for entry in entries {
            files(&entry, out);
        }
    } else if path.extension().is_some_and(|e| e == "rs")
        && path.file_name().is_some_and(|n| n != "tests.rs")
    {
        out.push(path.to_path_buf());
    }
}

fn core_module(name: &str) -> bool {
    CORE.iter()
        .any(|c| c.strip_suffix(".rs").unwrap_or(c) == name)
}

/// The lines of `text` that are code: before the `#[cfg(test)]` module,
/// comments dropped.
fn code_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .take_while(|(_, l)| l.trim() != "#[cfg(test)]")
        .map(|(i, l)| (i + 1, l.split("//").next().unwrap_or("")))
}

#[test]
fn the_core_imports_nothing_from_the_shell_and_does_no_io() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = Vec::new();
    for c in CORE {
        files(&src.join(c), &mut paths);
    }
    assert!(paths.len() > 30, "core files found: {}", paths.len());
    let mut wrong = Vec::new();
    for path in &paths {
        let text = fs::read_to_string(path).expect("source file");
        let shown = path
            .strip_prefix(&src)
            .expect("under src")
            .display()
            .to_string();
        for (n, line) in code_lines(&text) {
            for (at, _) in line.match_indices("crate::") {
                let rest = &line[at + "crate::".len()..];
                let module: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if module.is_empty() || core_module(&module) {
                    continue;
                }
                if ALLOWED_ITEMS.iter().any(|item| rest.starts_with(item)) {
                    continue;
                }
                wrong.push(format!("src/{shown}:{n}: imports crate::{module}"));
            }
            for io in IO {
                if line.contains(io) {
                    wrong.push(format!("src/{shown}:{n}: does I/O ({io})"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the pure core reaches into the shell:\n{}",
        wrong.join("\n")
    );
}

/// The checker itself sees an import and an I/O call when they are there.
#[test]
fn the_checker_sees_what_it_looks_for() {
    let text = "use crate::config::Config; // crate::engines in a comment\n\
                let f = std::fs::read(p);\n#[cfg(test)]\nuse crate::app;\n";
    let lines: Vec<_> = code_lines(text).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0].1.contains("crate::config"));
    assert!(!lines[0].1.contains("crate::engines"));
    assert!(IO.iter().any(|io| lines[1].1.contains(io)));
    assert!(core_module("verdict") && core_module("message") && !core_module("config"));
}
