//! `qmvc check`: the filter's pipeline on message files, with no side
//! effects (nothing quarantined, sent or logged). Prints a table, or one JSON
//! object per file and line (SPEC §2).

use std::ffi::OsStr;
use std::io::{self, Write};
use std::path::Path;
use std::time::Instant;

use serde_json::{Value, json};

use super::pipeline::{Judged, judge};
use crate::cli::CheckArgs;
use crate::engines::EngineResult;
use crate::envelope::Envelope;
use crate::exit::Exit;

/// Runs `check`. Exit status 0 when every file was judged, 1 when a file
/// could not be read, 2 when the configuration is invalid.
pub fn run(config: Option<&Path>, env_config: Option<&OsStr>, args: &CheckArgs) -> Exit {
    let mut config = match super::admin_config(config, env_config) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    let _workdir = match PrivateWorkdir::take_over(&mut config) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("qmvc: {e}");
            return Exit::Status(1);
        }
    };
    let envelope = Envelope::for_check(&args.sender, &args.recipient);
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut status = 0;
    for file in &args.files {
        let name = file.display().to_string();
        let start = Instant::now();
        let raw = super::read_message(file, &config.limits);
        let result = match raw {
            Err(e) => Err(format!("cannot read {name}: {e}")),
            Ok(raw) => judge(&config, &envelope, &raw, false, chrono::Utc::now())
                .map_err(|e| e.chain())
                .map(|j| (j, raw.len())),
        };
        let ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        let text = match &result {
            Ok((judged, size)) if args.json => json_line(&name, judged, *size, ms),
            Ok((judged, _)) => table_rows(&name, judged),
            Err(e) if args.json => format!("{}\n", json!({ "file": name, "error": e })),
            Err(e) => format!("{name}: error: {e}\n"),
        };
        if result.is_err() {
            status = 1;
        }
        // A closed stdout (`| head`) ends the run quietly.
        if out.write_all(text.as_bytes()).is_err() {
            break;
        }
    }
    let _ = out.flush();
    Exit::Status(status)
}

/// A work directory of the administrator's own for `check` and `notify
/// preview`, in the system's temporary directory (`TMPDIR`, else `/tmp`),
/// mode 0700, removed with everything in it when dropped. The site's
/// `[paths].workdir` is never created or written by these commands: run as
/// root, they would leave a root-owned directory that every later
/// delivery by the delivering user fails to write.
pub(super) struct PrivateWorkdir(std::path::PathBuf);

impl PrivateWorkdir {
    /// Creates the directory and points `config.paths.workdir` at it.
    ///
    /// Errors: the directory cannot be created (one line).
    pub(super) fn take_over(config: &mut crate::config::Config) -> Result<PrivateWorkdir, String> {
        use std::os::unix::fs::DirBuilderExt;
        let path = std::env::temp_dir().join(format!(
            "qmvc-check.{}.{:016x}",
            std::process::id(),
            fastrand::u64(..)
        ));
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(&path)
            .map_err(|e| format!("cannot create work directory {}: {e}", path.display()))?;
        config.paths.workdir = path.clone();
        Ok(PrivateWorkdir(path))
    }
}

impl Drop for PrivateWorkdir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The JSON object of SPEC §2 for one file, with a newline.
pub fn json_value(file: &str, judged: &Judged, size: usize, ms: u64) -> Value {
    let plan = &judged.plan;
    let findings: Vec<Value> = plan
        .findings
        .iter()
        .map(|f| {
            json!({
                "condition": f.condition.name(),
                "part": f.part,
                "detail": f.detail,
                "description": f.description,
            })
        })
        .collect();
    let engines: Vec<Value> = plan
        .engines
        .iter()
        .map(|r| {
            let virus = match &r.result {
                EngineResult::Virus(names) => Value::from(names.join(", ")),
                _ => Value::Null,
            };
            let detail = match &r.result {
                EngineResult::Error(d) | EngineResult::Skipped(d) => Value::from(d.as_str()),
                _ => Value::Null,
            };
            json!({ "name": r.name, "result": r.result.name(), "virus": virus, "detail": detail, "ms": r.ms })
        })
        .collect();
    let anomalies: Vec<String> = judged
        .message
        .anomalies
        .iter()
        .map(|a| a.describe())
        .collect();
    json!({
        "file": file,
        "profile": judged.profile.name,
        "verdict": plan.verdict.name(),
        "action": plan.action.name(),
        "exit": plan.exit.code(),
        "findings": findings,
        "engines": engines,
        "anomalies": anomalies,
        "parts": judged.message.parts.len(),
        "size": size,
        "ms": ms,
    })
}

fn json_line(file: &str, judged: &Judged, size: usize, ms: u64) -> String {
    format!("{}\n", json_value(file, judged, size, ms))
}

/// The readable form: one line per file, then one indented line per
/// finding and engine.
fn table_rows(file: &str, judged: &Judged) -> String {
    let plan = &judged.plan;
    let mut s = format!(
        "{:<9} {:<10} {:>3}  {:<12} {}\n",
        plan.verdict.name(),
        plan.action.name(),
        plan.exit.code(),
        judged.profile.name,
        file
    );
    for f in &plan.findings {
        let part = f
            .part
            .as_deref()
            .map(|p| format!(" [{p}]"))
            .unwrap_or_default();
        s.push_str(&format!(
            "    {}{part}: {} ({})\n",
            f.condition.name(),
            f.detail.escape_debug(),
            f.description
        ));
    }
    for r in &plan.engines {
        s.push_str(&format!(
            "    engine {}: {} ({} ms)\n",
            r.name,
            r.result.name(),
            r.ms
        ));
    }
    s
}
