//! The text summary `qmvc report` prints: plain columns an administrator
//! reads in a terminal or a cron mail. Every value that came from a
//! message (addresses, subjects, virus names, file names) goes through
//! [`terminal`] first: no escape sequence or control character reaches the
//! terminal.
//!
//! Pure.

use std::fmt::Write as _;

use super::summary::{Digest, Named, Times};
use crate::app::quarantine_cmd::terminal;

/// Characters shown of one value.
const VALUE_MAX: usize = 70;

/// The whole summary, ending in a newline.
pub fn render(d: &Digest) -> String {
    let mut o = String::new();
    let period = match (&d.first, &d.last) {
        (Some(f), Some(l)) => format!("{f} .. {l}"),
        _ => "no messages".to_string(),
    };
    let _ = writeln!(o, "period: {period}");
    let _ = writeln!(
        o,
        "log: {} lines, {} lines not understood, {} outside the period",
        d.log_lines, d.not_understood, d.outside_period
    );
    let _ = writeln!(
        o,
        "rep: {} incident blocks, {} lines not understood",
        d.rep_blocks, d.rep_not_understood
    );
    if d.repeated > 0 {
        let _ = writeln!(
            o,
            "repeats: {} lines or blocks read twice, counted once",
            d.repeated
        );
    }
    let v = &d.verdicts;
    let _ = writeln!(o, "\nmessages: {}", d.messages);
    for (name, n) in [
        ("clean", v.clean),
        ("errormail", v.errormail),
        ("badmail", v.badmail),
        ("unchecked", v.unchecked),
        ("virus", v.virus),
    ] {
        let _ = writeln!(o, "  {name:<12}{n:>10}");
    }
    let _ = writeln!(o, "actions: {}", inline(&d.actions));
    let _ = writeln!(o, "exit codes: {}", inline(&d.exits));
    let _ = writeln!(o, "time per message: {}", times(d.ms));

    let _ = writeln!(
        o,
        "\nper day         {:>8} {:>8} {:>9} {:>8} {:>9} {:>8}",
        "total", "clean", "errormail", "badmail", "unchecked", "virus"
    );
    for day in &d.days {
        let _ = writeln!(
            o,
            "  {:<14}{:>8} {:>8} {:>9} {:>8} {:>9} {:>8}",
            day.date, day.total, day.clean, day.errormail, day.badmail, day.unchecked, day.virus
        );
    }
    if d.other_days > 0 {
        let _ = writeln!(o, "  (other days)  {:>8}", d.other_days);
    }

    let _ = writeln!(o, "\nby condition    messages findings");
    for c in &d.conditions {
        let _ = writeln!(
            o,
            "  {:<14}{:>8} {:>8}",
            c.condition, c.messages, c.findings
        );
    }

    list(&mut o, "top viruses", &d.viruses);
    let _ = writeln!(o, "\ntop findings");
    if d.findings.is_empty() {
        let _ = writeln!(o, "  (none)");
    }
    for f in &d.findings {
        let _ = writeln!(
            o,
            "  {:>8}  {}: {}",
            f.count,
            f.condition,
            terminal(&f.detail, VALUE_MAX)
        );
    }
    list(&mut o, "top envelope senders of incidents", &d.senders);
    list(&mut o, "top recipients of incidents", &d.recipients);
    list(&mut o, "top subjects of incidents", &d.subjects);

    let _ = writeln!(
        o,
        "\nengines         {:>8} {:>8} {:>8} {:>8}  ms of the messages scanned",
        "clean", "virus", "error", "skipped"
    );
    for e in &d.engines {
        let _ = writeln!(
            o,
            "  {:<14}{:>8} {:>8} {:>8} {:>8}  {}",
            terminal(&e.name, 14),
            e.clean,
            e.virus,
            e.error,
            e.skipped,
            times(e.ms)
        );
    }
    list(&mut o, "profiles", &d.profiles);
    // One host says nothing the totals do not.
    if d.hosts.len() > 1 {
        let _ = writeln!(
            o,
            "\nhosts           {:>8} {:>9} {:>11} {:>8}  ms per message",
            "messages", "incidents", "quarantined", "deferred"
        );
        for h in &d.hosts {
            let _ = writeln!(
                o,
                "  {:<14}{:>8} {:>9} {:>11} {:>8}  {}",
                terminal(&h.name, 14),
                h.messages,
                h.incidents,
                h.quarantined,
                h.deferred,
                times(h.ms)
            );
        }
    }
    if d.approximate {
        let _ = writeln!(
            o,
            "\nnote: a table outgrew its bound; its counts are lower bounds"
        );
    }
    o
}

/// `median N ms, p99 N ms` (or `-`).
fn times(t: Times) -> String {
    match (t.median, t.p99) {
        (Some(m), Some(p)) => format!("median {m} ms, p99 {p} ms"),
        _ => "-".to_string(),
    }
}

/// `a=N, b=N` on one line.
fn inline(rows: &[Named]) -> String {
    let items: Vec<String> = rows
        .iter()
        .map(|r| format!("{}={}", terminal(&r.name, VALUE_MAX), r.count))
        .collect();
    if items.is_empty() {
        "-".to_string()
    } else {
        items.join(", ")
    }
}

/// A titled table of counts and names.
fn list(o: &mut String, title: &str, rows: &[Named]) {
    let _ = writeln!(o, "\n{title}");
    if rows.is_empty() {
        let _ = writeln!(o, "  (none)");
    }
    for r in rows {
        let _ = writeln!(o, "  {:>8}  {}", r.count, terminal(&r.name, VALUE_MAX));
    }
}
