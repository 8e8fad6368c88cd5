//! What `qmvc report` adds up: every `qmvc.log` line ([`LogLine`]) and
//! every `qmvc.rep` block ([`Record`]) goes into a [`Summary`] of bounded
//! counters (the lines themselves are not kept), which [`Summary::digest`]
//! turns into the [`Digest`] the text, JSON and HTML outputs show.
//!
//! Pure.

use std::collections::{BTreeMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

use serde::Serialize;

use super::tally::{Histogram, Top};
use crate::actions::log::{Counts, LogLine};
use crate::actions::rep::Record;

/// Distinct days counted one by one; later new days go to `other_days`.
const DAYS_MAX: usize = 10_000;
/// Distinct engine names counted one by one; the rest as `(other)`.
const ENGINES_MAX: usize = 64;
/// Distinct delivery hosts counted one by one; the rest as `(other)`.
const HOSTS_MAX: usize = 256;
/// Messages (and report blocks) remembered to count each once: one 8-byte
/// fingerprint each, some 40 MB at most. Past it, repeats of messages not
/// yet remembered are counted again and the report says approximate.
const SEEN_MAX: usize = 4 << 20;
/// The host of log lines written before the host was logged.
pub const NO_HOST: &str = "(not logged)";

/// The running totals.
#[derive(Debug, Default)]
pub struct Summary {
    /// Lines read from the logs, understood or not.
    pub log_lines: u64,
    /// Lines that are not qmvc log lines (another program's, cut, garbage).
    pub not_understood: u64,
    /// qmvc lines outside the period.
    pub outside: u64,
    /// Blocks read from the report files (in the period).
    pub rep_blocks: u64,
    /// Report-file lines outside any block, and cut or unreadable blocks.
    pub rep_not_understood: u64,
    first: Option<String>,
    last: Option<String>,
    messages: u64,
    verdicts: [u64; 5],
    actions: Top,
    exits: Top,
    profiles: Top,
    ms: Histogram,
    days: BTreeMap<String, [u64; 5]>,
    other_days: u64,
    /// Per condition E S B F T M N U V, then bomber: (messages, findings).
    conditions: [(u64, u64); 10],
    senders: Top,
    recipients: Top,
    engines: BTreeMap<String, EngineTally>,
    viruses: Top,
    findings: Top,
    subjects: Top,
    hosts: BTreeMap<String, HostTally>,
    /// Fingerprints of the messages and blocks counted so far.
    seen: HashSet<u64>,
    /// Log lines and report blocks skipped as already counted.
    pub repeated: u64,
}

/// One delivery host's messages.
#[derive(Debug, Default)]
struct HostTally {
    messages: u64,
    incidents: u64,
    quarantined: u64,
    deferred: u64,
    ms: Histogram,
}

/// One engine's answers (log letters) and the time of the messages it
/// scanned.
#[derive(Debug, Default)]
struct EngineTally {
    /// `C`, `V`, `E`, `-`.
    results: [u64; 4],
    ms: Histogram,
}

/// The log line's counter names, in its order, then its optional
/// `bomber:` field.
const CONDITIONS: [&str; 10] = [
    "errormail",
    "subject",
    "body",
    "filename",
    "mimetype",
    "macro",
    "nullsender",
    "unchecked",
    "virus",
    "bomber",
];

/// The verdict a log line stands for, from its counters (the line does
/// not name it), as an index: 4 virus, 3 unchecked, 2 badmail, 1
/// errormail, 0 clean, as `verdict::decide` ranks them. A bomber finding
/// (the optional `bomber:` field) is badmail, as the verdict it leads to;
/// lines of versions that counted it under V read as virus.
pub fn verdict_of(c: &Counts) -> usize {
    if c.virus > 0 {
        4
    } else if c.unchecked > 0 {
        3
    } else if c.subject + c.body + c.filename + c.mimetype + c.r#macro + c.nullsender + c.bomber > 0
    {
        2
    } else if c.errormail > 0 {
        1
    } else {
        0
    }
}

/// What makes a message or an incident one: its id, which carries the
/// delivery host since the host is logged.
fn fingerprint(kind: &str, id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    kind.hash(&mut h);
    id.hash(&mut h);
    h.finish()
}

/// True when `id` has the host in it: `SECS.MICROS.PID.HOST`.
fn id_has_host(id: &str) -> bool {
    id.splitn(4, '.').count() == 4
}

impl Summary {
    /// True the first time a message (or block, by `kind`) is seen; false
    /// for a repeat, which is counted in [`Summary::repeated`]. Lines and
    /// blocks of older versions (`with_host` false: their ids were unique
    /// on one host only) are always counted.
    fn first_time(&mut self, kind: &str, id: &str, with_host: bool) -> bool {
        if !with_host {
            return true;
        }
        let key = fingerprint(kind, id);
        if self.seen.contains(&key) {
            self.repeated += 1;
            return false;
        }
        if self.seen.len() < SEEN_MAX {
            self.seen.insert(key);
        }
        true
    }

    /// Adds one log line inside the period, unless the same message was
    /// already counted (a log and its rotated copy, the same lines from
    /// the central syslog...).
    pub fn add_line(&mut self, l: &LogLine) {
        // `quarantine release` logs the administrator's act, not a message
        // (its id is the released incident's): it shows among the actions
        // only.
        // Its id is the incident's, shared by every recipient of one
        // release (and by the incident's own line): the same release line
        // read through two inputs is told apart from another release by
        // the line's other fields.
        if l.action == "release" {
            let key = format!("{}\t{}\t{}\t{}", l.id, l.recipient, l.time, l.pid);
            if self.first_time("release", &key, l.host.is_some()) {
                self.actions.add(&l.action);
            }
            return;
        }
        if !self.first_time("log", &l.id, l.host.is_some()) {
            return;
        }
        self.add_host(l);
        self.messages += 1;
        if self
            .first
            .as_ref()
            .is_none_or(|f| super::period::earlier(&l.time, f))
        {
            self.first = Some(l.time.clone());
        }
        if self
            .last
            .as_ref()
            .is_none_or(|t| super::period::earlier(t, &l.time))
        {
            self.last = Some(l.time.clone());
        }
        let verdict = verdict_of(&l.counts);
        if let Some(v) = self.verdicts.get_mut(verdict) {
            *v += 1;
        }
        self.actions.add(&l.action);
        self.exits.add(&l.exit.to_string());
        self.profiles.add(&l.profile);
        self.ms.add(l.ms);
        self.add_day(l.time.get(..10).unwrap_or_default(), verdict);
        let counts = l.counts.in_order().into_iter().chain([l.counts.bomber]);
        for (slot, n) in self.conditions.iter_mut().zip(counts) {
            if n > 0 {
                slot.0 += 1;
                slot.1 += u64::from(n);
            }
        }
        if verdict > 0 || l.action == "defer" {
            self.senders.add(&l.sender);
            self.recipients.add(&l.recipient);
        }
        for (name, letter) in &l.engines {
            let name = if self.engines.len() < ENGINES_MAX || self.engines.contains_key(name) {
                name.as_str()
            } else {
                "(other)"
            };
            let tally = self.engines.entry(name.to_string()).or_default();
            let i = match letter {
                'C' => 0,
                'V' => 1,
                'E' => 2,
                _ => 3,
            };
            if let Some(n) = tally.results.get_mut(i) {
                *n += 1;
            }
            if i < 3 {
                tally.ms.add(l.ms);
            }
        }
    }

    fn add_host(&mut self, l: &LogLine) {
        let host = l.host.as_deref().unwrap_or(NO_HOST);
        let host = if self.hosts.len() < HOSTS_MAX || self.hosts.contains_key(host) {
            host
        } else {
            "(other)"
        };
        let t = self.hosts.entry(host.to_string()).or_default();
        t.messages += 1;
        t.incidents += u64::from(verdict_of(&l.counts) > 0);
        t.quarantined += u64::from(l.action == "quarantine");
        t.deferred += u64::from(l.exit == 111);
        t.ms.add(l.ms);
    }

    fn add_day(&mut self, day: &str, verdict: usize) {
        if !self.days.contains_key(day) && self.days.len() >= DAYS_MAX {
            self.other_days += 1;
            return;
        }
        let slot = self.days.entry(day.to_string()).or_default();
        if let Some(n) = slot.get_mut(verdict) {
            *n += 1;
        }
    }

    /// Adds one report block inside the period: what the log line does
    /// not have (virus names, finding details, subjects).
    pub fn add_record(&mut self, r: &Record) {
        if !self.first_time("rep", &r.id, id_has_host(&r.id)) {
            return;
        }
        self.rep_blocks += 1;
        for f in &r.findings {
            if f.condition == "virus" {
                self.viruses.add(&f.detail);
            } else {
                // The writer made the detail one line without tabs.
                self.findings.add(&format!("{}\t{}", f.condition, f.detail));
            }
        }
        if let Some(s) = &r.subject {
            self.subjects.add(s);
        }
    }

    /// The figures to show, with `top` rows per table.
    pub fn digest(&self, top: usize) -> Digest {
        let named = |t: &Top| {
            t.first(top)
                .into_iter()
                .map(|(name, count)| Named { name, count })
                .collect()
        };
        let mut senders: Vec<Named> = named(&self.senders);
        for s in &mut senders {
            if s.name.is_empty() {
                s.name = "<>".into();
            }
        }
        let all = [
            &self.actions,
            &self.exits,
            &self.profiles,
            &self.senders,
            &self.recipients,
            &self.viruses,
            &self.findings,
            &self.subjects,
        ];
        Digest {
            first: self.first.clone(),
            last: self.last.clone(),
            log_lines: self.log_lines,
            not_understood: self.not_understood,
            outside_period: self.outside,
            rep_blocks: self.rep_blocks,
            rep_not_understood: self.rep_not_understood,
            messages: self.messages,
            verdicts: Verdicts {
                clean: self.verdicts[0],
                errormail: self.verdicts[1],
                badmail: self.verdicts[2],
                unchecked: self.verdicts[3],
                virus: self.verdicts[4],
            },
            actions: named(&self.actions),
            exits: named(&self.exits),
            ms: Times::of(&self.ms),
            days: self
                .days
                .iter()
                .map(|(date, v)| Day {
                    date: date.clone(),
                    clean: v[0],
                    errormail: v[1],
                    badmail: v[2],
                    unchecked: v[3],
                    virus: v[4],
                    total: v.iter().sum(),
                })
                .collect(),
            other_days: self.other_days,
            conditions: CONDITIONS
                .iter()
                .zip(self.conditions)
                .map(|(c, (messages, findings))| ConditionRow {
                    condition: (*c).to_string(),
                    messages,
                    findings,
                })
                .collect(),
            senders,
            recipients: named(&self.recipients),
            engines: self
                .engines
                .iter()
                .map(|(name, t)| EngineRow {
                    name: name.clone(),
                    clean: t.results[0],
                    virus: t.results[1],
                    error: t.results[2],
                    skipped: t.results[3],
                    ms: Times::of(&t.ms),
                })
                .collect(),
            profiles: named(&self.profiles),
            viruses: named(&self.viruses),
            findings: self
                .findings
                .first(top)
                .into_iter()
                .map(|(key, count)| {
                    let (condition, detail) = key.split_once('\t').unwrap_or(("", &key));
                    FindingRow {
                        condition: condition.to_string(),
                        detail: detail.to_string(),
                        count,
                    }
                })
                .collect(),
            subjects: named(&self.subjects),
            hosts: self
                .hosts
                .iter()
                .map(|(name, t)| HostRow {
                    name: name.clone(),
                    messages: t.messages,
                    incidents: t.incidents,
                    quarantined: t.quarantined,
                    deferred: t.deferred,
                    ms: Times::of(&t.ms),
                })
                .collect(),
            repeated: self.repeated,
            approximate: all.iter().any(|t| t.approximate()) || self.seen.len() >= SEEN_MAX,
        }
    }
}

/// Everything a report shows (the JSON output, field for field).
#[derive(Debug, Clone, Serialize)]
pub struct Digest {
    /// Earliest log time counted.
    pub first: Option<String>,
    /// Latest log time counted.
    pub last: Option<String>,
    /// Log lines read.
    pub log_lines: u64,
    /// Log lines that are not qmvc lines.
    pub not_understood: u64,
    /// qmvc lines outside the period.
    pub outside_period: u64,
    /// Report blocks counted.
    pub rep_blocks: u64,
    /// Report-file lines outside blocks, cut or unreadable blocks.
    pub rep_not_understood: u64,
    /// Messages counted.
    pub messages: u64,
    /// Messages per verdict.
    pub verdicts: Verdicts,
    /// Messages per action.
    pub actions: Vec<Named>,
    /// Messages per exit code.
    pub exits: Vec<Named>,
    /// Time per message.
    pub ms: Times,
    /// Messages per day, oldest first.
    pub days: Vec<Day>,
    /// Messages on days past the per-day table's bound.
    pub other_days: u64,
    /// Per condition: messages with a finding, findings.
    pub conditions: Vec<ConditionRow>,
    /// Envelope senders of incidents (`<>` the null sender).
    pub senders: Vec<Named>,
    /// Recipients of incidents.
    pub recipients: Vec<Named>,
    /// Per engine, by name.
    pub engines: Vec<EngineRow>,
    /// Messages per profile.
    pub profiles: Vec<Named>,
    /// Virus names (from the report file).
    pub viruses: Vec<Named>,
    /// Badmail and errormail findings (from the report file).
    pub findings: Vec<FindingRow>,
    /// Subjects of incidents (from the report file).
    pub subjects: Vec<Named>,
    /// Per delivery host (the log's `host:`), by name.
    pub hosts: Vec<HostRow>,
    /// Log lines and report blocks read more than once (the same file
    /// given twice, overlapping rotations) and counted once.
    pub repeated: u64,
    /// True when a table outgrew its bound: its counts are lower bounds.
    pub approximate: bool,
}

/// Messages per verdict.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Verdicts {
    /// Nothing found.
    pub clean: u64,
    /// Errormail only.
    pub errormail: u64,
    /// Badmail.
    pub badmail: u64,
    /// Unchecked: content nobody could examine.
    pub unchecked: u64,
    /// Viruses.
    pub virus: u64,
}

/// A name and how often it was seen.
#[derive(Debug, Clone, Serialize)]
pub struct Named {
    /// The name (an address, a virus name, an action...).
    pub name: String,
    /// How many.
    pub count: u64,
}

/// Median and 99th percentile, milliseconds (`null` with no values).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Times {
    /// Median.
    pub median: Option<u64>,
    /// 99th percentile.
    pub p99: Option<u64>,
}

impl Times {
    fn of(h: &Histogram) -> Times {
        Times {
            median: h.quantile(0.5),
            p99: h.quantile(0.99),
        }
    }
}

/// One day's messages by verdict.
#[derive(Debug, Clone, Serialize)]
pub struct Day {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Clean messages.
    pub clean: u64,
    /// Errormail.
    pub errormail: u64,
    /// Badmail.
    pub badmail: u64,
    /// Unchecked: content nobody could examine.
    pub unchecked: u64,
    /// Viruses.
    pub virus: u64,
    /// All messages of the day.
    pub total: u64,
}

/// One condition's counts.
#[derive(Debug, Clone, Serialize)]
pub struct ConditionRow {
    /// `errormail`, `subject`, `body`, `filename`, `mimetype`,
    /// `nullsender`, `virus`.
    pub condition: String,
    /// Messages with at least one such finding.
    pub messages: u64,
    /// Findings.
    pub findings: u64,
}

/// One engine's answers.
#[derive(Debug, Clone, Serialize)]
pub struct EngineRow {
    /// Engine name.
    pub name: String,
    /// Clean answers.
    pub clean: u64,
    /// Virus answers.
    pub virus: u64,
    /// Errors.
    pub error: u64,
    /// Skipped.
    pub skipped: u64,
    /// Time of the messages it scanned (clean, virus or error), whole
    /// message, from the log's `ms:`.
    pub ms: Times,
}

/// One delivery host's messages.
#[derive(Debug, Clone, Serialize)]
pub struct HostRow {
    /// `[site] host` as logged; `(not logged)` for lines of older versions.
    pub name: String,
    /// Messages.
    pub messages: u64,
    /// Messages with a verdict other than clean.
    pub incidents: u64,
    /// Messages quarantined.
    pub quarantined: u64,
    /// Messages deferred (exit 111).
    pub deferred: u64,
    /// Time per message.
    pub ms: Times,
}

/// One finding detail and how often it was seen.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRow {
    /// Condition name.
    pub condition: String,
    /// What matched (a file name, a subject, a type).
    pub detail: String,
    /// How many.
    pub count: u64,
}
