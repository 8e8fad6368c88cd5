//! `qmvc report`, QMVC's "Virulator": reads `qmvc.log` and
//! `qmvc.rep` (`[paths].log` and `[paths].report`, or `--log` / `--rep`,
//! several of them, gzip-compressed rotations included), and prints a
//! summary: period, messages by verdict, action and exit code, per day,
//! viruses, badmail by condition, senders and recipients of incidents,
//! engines, profiles. `--json` prints the same figures as one JSON object;
//! `--html OUT` also writes a self-contained HTML report with SVG charts.
//!
//! Logs of several delivery hosts merge: a message is counted once however
//! many inputs hold its line (its id carries the host), a file named twice
//! is read once, and a table per host shows where the messages went.
//!
//! Files are streamed a line at a time into bounded counters
//! ([`summary::Summary`]): a log of millions of lines takes the memory of
//! a few thousand. Lines that are not qmvc's are counted, never fatal.
//!
//! Exit status, as the other administrative commands: 0 done, 1 when an
//! input could not be read (or the HTML not written; what could be read is
//! still summarised), 2 a usage error or an invalid configuration.

mod html;
pub(super) mod period;
mod read;
mod summary;
mod tally;
mod text;

use std::collections::HashSet;
use std::ffi::OsStr;
use std::io::{self, BufRead, Write};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use chrono::Local;

use crate::actions::log::LogLine;
use crate::actions::rep::{Blocks, Pushed, Record};
use crate::cli::ReportArgs;
use crate::exit::Exit;
use crate::i18n;
use period::Window;
use summary::Summary;

/// Runs `qmvc report`.
pub fn run(config: Option<&Path>, env_config: Option<&OsStr>, args: &ReportArgs) -> Exit {
    let now = Local::now();
    let window = match Window::from_options(
        args.since.as_deref(),
        args.until.as_deref(),
        args.days,
        now.date_naive(),
    ) {
        Ok(w) => w.in_zone(&Local),
        Err(e) => {
            eprintln!("qmvc: {e}");
            return Exit::Status(2);
        }
    };
    if let Err(e) = check_dashes(args) {
        eprintln!("qmvc: {e}");
        return Exit::Status(2);
    }
    let config = match super::admin_config(config, env_config) {
        Ok(c) => c,
        Err(exit) => return exit,
    };
    let mut summary = Summary::default();
    let mut failed = false;
    let mut files = Files::default();
    let logs = or_configured(&args.log, &config.paths.log);
    for path in &logs {
        if !files.first_time(path) {
            continue;
        }
        if let Err(e) = read_log(path, &window, &mut summary) {
            eprintln!("qmvc: cannot read log {}: {e}", path.display());
            failed = true;
        }
    }
    let reps = or_configured(&args.rep, &config.paths.report);
    for path in &reps {
        if !files.first_time(path) {
            continue;
        }
        match read_rep(path, &window, &mut summary) {
            Ok(()) => {}
            // No incident yet: filter mode creates the file with the first.
            Err(e) if e.kind() == io::ErrorKind::NotFound && args.rep.is_empty() => {
                eprintln!("qmvc: no report file {} (no incident yet?)", path.display());
            }
            Err(e) => {
                eprintln!("qmvc: cannot read report file {}: {e}", path.display());
                failed = true;
            }
        }
    }
    let digest = summary.digest(args.top);
    let html_to_stdout = args.html.as_deref().is_some_and(read::is_stdin);
    let shown = if html_to_stdout {
        // The page is the output: nothing else goes to stdout.
        Ok(String::new())
    } else if args.json {
        serde_json::to_string_pretty(&super::schema::Versioned::new(&digest))
            .map(|s| super::schema::terminal_safe(&s) + "\n")
    } else {
        Ok(text::render(&digest))
    };
    match shown {
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        Ok(s) => drop(io::stdout().lock().write_all(s.as_bytes())),
        Err(e) => {
            eprintln!("qmvc: cannot print the summary: {e}");
            failed = true;
        }
    }
    if let Some(out) = &args.html
        && let Err(e) = write_html(out, &config.paths.templates, &digest, &now)
    {
        eprintln!("qmvc: {e}");
        failed = true;
    }
    Exit::Status(u8::from(failed))
}

/// Where a qmvc log line starts.
const LOG_START: &str = "qmvc pid:";

/// The files given on the command line, else the configured one.
fn or_configured(given: &[PathBuf], configured: &Path) -> Vec<PathBuf> {
    if given.is_empty() {
        vec![configured.to_path_buf()]
    } else {
        given.to_vec()
    }
}

/// The files read so far, by device and inode: a file named twice (two
/// paths, a symbolic link) is read once.
#[derive(Default)]
struct Files(HashSet<(u64, u64)>);

impl Files {
    /// False (and a note on stderr) when `path` is a file already read;
    /// true otherwise, also when it cannot be looked at (the read says why).
    fn first_time(&mut self, path: &Path) -> bool {
        let Ok(meta) = std::fs::metadata(path) else {
            return true;
        };
        if self.0.insert((meta.dev(), meta.ino())) {
            return true;
        }
        eprintln!("qmvc: {} was already read; counted once", path.display());
        false
    }
}

/// Adds every qmvc line of the log at `path` inside `window`. A line of a
/// central syslog file (the syslog daemon's time, host and tag, then the
/// log line qmvc sent) is read from its `qmvc pid:` on.
fn read_log(path: &Path, window: &Window, summary: &mut Summary) -> io::Result<()> {
    let mut reader = read::open(path)?;
    let mut buf = Vec::new();
    while read::next_line(&mut *reader, &mut buf)? {
        summary.log_lines += 1;
        let line = std::str::from_utf8(&buf)
            .ok()
            .and_then(|text| text.find(LOG_START).and_then(|at| text.get(at..)))
            .and_then(LogLine::parse)
            .filter(|l| period::is_log_time(&l.time));
        match line {
            None => summary.not_understood += 1,
            Some(l) if !window.contains(&l.time) => summary.outside += 1,
            Some(l) => summary.add_line(&l),
        }
    }
    Ok(())
}

/// Adds every block of the report file at `path` inside `window`.
fn read_rep(path: &Path, window: &Window, summary: &mut Summary) -> io::Result<()> {
    let mut reader: Box<dyn BufRead> = read::open(path)?;
    let mut blocks = Blocks::default();
    let mut buf = Vec::new();
    while read::next_line(&mut *reader, &mut buf)? {
        let line = String::from_utf8_lossy(&buf);
        if let Pushed::Block(text) = blocks.push(&line) {
            match Record::parse(&text) {
                Some(r) if window.contains(&r.time) => summary.add_record(&r),
                Some(_) => {}
                None => summary.rep_not_understood += 1,
            }
        }
    }
    blocks.finish();
    summary.rep_not_understood += blocks.stray;
    Ok(())
}

/// Renders the HTML report (the site's `report.html.hbs` in `templates`
/// when there is one) and writes it to `out`.
fn write_html(
    out: &Path,
    templates: &Path,
    digest: &summary::Digest,
    now: &chrono::DateTime<Local>,
) -> Result<(), String> {
    let site = templates.join(html::TEMPLATE_FILE);
    let template = match i18n::read_site_file(&site) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => html::TEMPLATE.to_string(),
        Err(e) => return Err(format!("cannot read template {}: {e}", site.display())),
    };
    let generated = now.format("%Y-%m-%d %H:%M:%S").to_string();
    let page = html::render(digest, &template, &generated)
        .map_err(|e| format!("template {}: {e}", html::TEMPLATE_FILE))?;
    if read::is_stdin(out) {
        // A closed pipe is the reader's choice, as for the text summary.
        let mut stdout = io::stdout().lock();
        let _ = stdout
            .write_all(page.as_bytes())
            .and_then(|()| stdout.flush());
        return Ok(());
    }
    std::fs::write(out, page).map_err(|e| format!("cannot write {}: {e}", out.display()))
}

/// Standard input can be read once and standard output hold one thing:
/// `-` may stand for at most one `--log`/`--rep`, and `--html -` does not
/// go with `--json`.
fn check_dashes(args: &ReportArgs) -> Result<(), &'static str> {
    let stdin_inputs = args
        .log
        .iter()
        .chain(&args.rep)
        .filter(|p| read::is_stdin(p))
        .count();
    if stdin_inputs > 1 {
        return Err("`-` (standard input) can be given only once among --log and --rep");
    }
    if args.json && args.html.as_deref().is_some_and(read::is_stdin) {
        return Err("--html - writes the page to standard output: it cannot go with --json");
    }
    Ok(())
}
