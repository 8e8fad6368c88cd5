//! The anti-virus chain of one message: which engines run, on what, in
//! which order, and what their answers and failures add up to.
//!
//! Order of the checks (QMVC's short-circuits, amavisd-new's backups):
//! 1. `bypass`: a badmail finding already decided, so no engine runs;
//!    only when the findings so far take the message out
//!    ([`crate::verdict::stops_without_engines`]): a profile that passes
//!    badmail still has every message scanned.
//! 2. `noscan_types`: every part is of a type that cannot carry a virus.
//! 3. The primary engines in order (the profile's `engines`, or every
//!    configured engine not named as a backup); in `first` mode the engines
//!    after the first virus are skipped, in `mutual` mode all run.
//! 4. The `backup` engines, only when every primary engine failed.
//!
//! Every engine considered gets an [`EngineReport`] (result, name, time),
//! skipped ones included, so the log line always has one letter per engine.
//! This module runs engines (network, processes, the work directory) and
//! reads the clock for their timings; it makes no decision about the
//! message itself ([`crate::verdict::decide`] does).

use std::borrow::Cow;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::clamd::{self, Answer, Pool, Server};
use super::command::Scanner;
use super::noscan;
use super::skeleton;
use super::streams;
use super::workdir::{FileKind, WorkDir};
use super::{
    ChainMode, EngineConfig, EngineKind, EngineReport, EngineResult, HeuristicPolicy, MemberSize,
    OnError, Oversize, ScanInput, ScanPolicy, is_limit_heuristic,
};
use crate::exit::one_line;
use crate::message::{Body, Message, Origin, Part};
use crate::verdict::{ActionPolicy, Condition, Finding, Verdict, stops_without_engines};

/// Input of one chain run.
#[derive(Debug, Clone, Copy)]
pub struct ChainInput<'a> {
    /// Every `[[engine]]` of the main file, in order.
    pub engines: &'a [EngineConfig],
    /// The profile's `[scan]`.
    pub policy: &'a ScanPolicy,
    /// The whole message as read.
    pub raw: &'a [u8],
    /// The parsed message (parts with decoded bodies).
    pub message: &'a Message,
    /// Rule findings so far (for `bypass`).
    pub findings: &'a [Finding],
    /// The members of the attachments qmvc opened, by size, in document
    /// order (for each engine's [`EngineConfig::file_limit`] and
    /// [`EngineConfig::scan_limit`]).
    pub members: &'a [MemberSize],
    /// The profile's `[actions]`: `bypass` skips the engines only when
    /// the findings so far lead to an action other than pass.
    pub actions: &'a ActionPolicy,
    /// `[paths].workdir`: the parent of per-message work directories.
    pub workdir: &'a Path,
}

/// What the chain did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChainOutcome {
    /// One report per engine considered (primaries, then backups), in
    /// order.
    pub reports: Vec<EngineReport>,
    /// Extra findings: errormail from `Heuristics.*` names or oversize
    /// content when so configured.
    pub findings: Vec<Finding>,
    /// True when the message could not be scanned and `on_error` is
    /// `defer`: a primary engine failed and no backup answered instead.
    pub unscanned: bool,
}

/// Runs the chain. Never fails: every trouble is an engine's
/// [`EngineResult::Error`], and `unscanned` says what it means.
pub fn run_chain(input: &ChainInput<'_>) -> ChainOutcome {
    let (primaries, backups) = select(input.engines, input.policy);
    let mut outcome = ChainOutcome::default();
    if let Some(why) = skip_all(input) {
        for name in primaries.iter().chain(&backups).map(|s| s.name()) {
            outcome.reports.push(EngineReport {
                name: name.to_string(),
                result: EngineResult::Skipped(why.clone()),
                ms: 0,
            });
        }
        return outcome;
    }
    let mut run = Run {
        input,
        workdir: None,
        views: Vec::new(),
    };
    let primary_failed = run.engines(&primaries, &mut outcome);
    let all_failed = !primaries.is_empty() && primary_failed == primaries.len();
    let backups_answered = if all_failed && !backups.is_empty() {
        let before = outcome.reports.len();
        let failed = run.engines(&backups, &mut outcome);
        outcome.reports.len() - before > failed
    } else {
        for b in &backups {
            outcome.reports.push(EngineReport {
                name: b.name().to_string(),
                result: EngineResult::Skipped("backup not needed".into()),
                ms: 0,
            });
        }
        false
    };
    outcome.unscanned =
        input.policy.on_error == OnError::Defer && primary_failed > 0 && !backups_answered;
    outcome
}

/// An engine named by the profile: configured, or only a name.
#[derive(Debug, Clone, Copy)]
enum Selected<'a> {
    Engine(&'a EngineConfig),
    Missing(&'a str),
}

impl Selected<'_> {
    fn name(&self) -> &str {
        match self {
            Selected::Engine(e) => &e.name,
            Selected::Missing(n) => n,
        }
    }
}

/// The primary and backup engines of `policy`. No names = every
/// configured engine that is not a backup, in file order. When that
/// leaves no primary, the backups are the primaries.
fn select<'a>(
    engines: &'a [EngineConfig],
    policy: &'a ScanPolicy,
) -> (Vec<Selected<'a>>, Vec<Selected<'a>>) {
    let lookup = |name: &'a String| match engines.iter().find(|e| &e.name == name) {
        Some(e) => Selected::Engine(e),
        None => Selected::Missing(name),
    };
    let primaries: Vec<Selected<'a>> = if policy.engines.is_empty() {
        engines
            .iter()
            .filter(|e| !policy.backup.contains(&e.name))
            .map(Selected::Engine)
            .collect()
    } else {
        policy.engines.iter().map(lookup).collect()
    };
    let backups: Vec<Selected<'a>> = policy.backup.iter().map(lookup).collect();
    if primaries.is_empty() {
        // Only backups (every configured engine named a backup): there is
        // nothing for them to stand in for, so they are the chain. Else
        // no engine would ever run and every message would pass unscanned.
        return (backups, Vec::new());
    }
    (primaries, backups)
}

/// Why no engine runs at all, if none does.
fn skip_all(input: &ChainInput<'_>) -> Option<String> {
    let policy = input.policy;
    if policy.bypass
        && stops_without_engines(input.findings, input.actions)
        && let Some(f) = input
            .findings
            .iter()
            // Not on unchecked findings: the engines still look at what
            // they can (a virus outranks unchecked, and an unchecked
            // verdict may be set to pass).
            .find(|f| f.condition.verdict() == Verdict::Badmail)
    {
        return Some(format!(
            "bypass: {} condition already decided",
            f.condition.name()
        ));
    }
    let parts = &input.message.parts;
    if !policy.noscan_types.is_empty()
        && !parts.is_empty()
        && parts
            .iter()
            .all(|p| noscan::cannot_carry_a_virus(p, &policy.noscan_types))
    {
        return Some("noscan_types: no part can carry a virus".into());
    }
    None
}

/// One piece of content an engine is given.
#[derive(Debug, Clone)]
struct Item<'a> {
    kind: FileKind,
    /// `None` for the whole message or a segment, else the part's id.
    part: Option<&'a str>,
    data: Data<'a>,
    role: Role,
}

/// Why an [`Item`] is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// The whole message as read.
    Whole,
    /// A decoded part or a MIME segment, sent in any case.
    Piece,
    /// A decoded part sent only when the engine refused the whole message
    /// as too large: the whole would have covered it.
    StandIn,
    /// The message without the bodies of its parts ([`skeleton`]), sent
    /// only when the engine refused the whole: what no stand-in covers.
    Remainder,
}

/// The bytes of an [`Item`]: in memory (the whole message, a segment), or
/// a part's [`Body`], which a large base64 attachment streams.
#[derive(Debug, Clone)]
enum Data<'a> {
    Bytes(Cow<'a, [u8]>),
    Part(&'a Body),
    /// The skeleton of this message (computed when sent).
    Skeleton(&'a [u8]),
}

impl Data<'_> {
    /// Length in bytes (decoded, for a part).
    fn len(&self) -> usize {
        match self {
            Data::Bytes(b) => b.len(),
            Data::Part(body) => body.len(),
            Data::Skeleton(raw) => skeleton::len(raw),
        }
    }

    /// The bytes from the start; each call starts afresh (a retry on the
    /// next clamd server, a second work file).
    fn reader(&self) -> Box<dyn Read + '_> {
        match self {
            Data::Bytes(b) => Box::new(b.as_ref()),
            Data::Part(body) => Box::new(body.reader()),
            Data::Skeleton(raw) => Box::new(std::io::Cursor::new(skeleton::bytes(raw))),
        }
    }
}

/// The files of one [`ScanInput`] in the work directory.
#[derive(Debug)]
struct View {
    input: ScanInput,
    /// Which of the [`items`] of `input` the view holds (their indexes):
    /// two engines share a view only when they are given exactly the same
    /// content, never when one size limit left out what another takes.
    chosen: Vec<usize>,
    dir: PathBuf,
    files: Vec<PathBuf>,
}

/// State of one chain run: the work directory is made the first time a
/// command engine needs it and removed when the run ends.
struct Run<'a, 'i> {
    input: &'i ChainInput<'a>,
    workdir: Option<WorkDir>,
    views: Vec<View>,
}

/// What one engine found, before it becomes a report.
#[derive(Debug, Default)]
struct Tally {
    viruses: Vec<String>,
    scanned: usize,
    /// What no view could take, one note each.
    oversize: Vec<String>,
    /// Content qmvc did not send for another reason than size (the
    /// segments past [`MAX_SEGMENTS`]): always an `unchecked` finding,
    /// whatever `oversize` says.
    not_sent: Option<String>,
    /// A scanner's own "some content not scanned" (`unchecked_exit`).
    unchecked: Option<String>,
    error: Option<String>,
}

impl<'a> Run<'a, '_> {
    /// Runs `engines` in order into `outcome`; returns how many failed.
    fn engines(&mut self, engines: &[Selected<'_>], outcome: &mut ChainOutcome) -> usize {
        let mut failed = 0;
        for selected in engines {
            let virus_so_far = outcome
                .reports
                .iter()
                .any(|r| matches!(r.result, EngineResult::Virus(_)));
            let started = Instant::now();
            let result = match selected {
                Selected::Missing(name) => {
                    EngineResult::Error(format!("engine {name:?} is not configured"))
                }
                Selected::Engine(_)
                    if virus_so_far && self.input.policy.mode == ChainMode::First =>
                {
                    EngineResult::Skipped("an earlier engine found a virus".into())
                }
                Selected::Engine(engine) => self.engine(engine, &mut outcome.findings),
            };
            if matches!(result, EngineResult::Error(_)) {
                failed += 1;
            }
            outcome.reports.push(EngineReport {
                name: selected.name().to_string(),
                result,
                ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            });
        }
        failed
    }

    /// Runs one engine over the content its `input` asks for.
    fn engine(&mut self, engine: &EngineConfig, findings: &mut Vec<Finding>) -> EngineResult {
        let (items, too_many) = items(self.input, engine.scan_input());
        let mut tally = match engine.kind {
            EngineKind::Clamd => clamd_tally(engine, &items),
            EngineKind::Command => self.command_tally(engine, &items),
        };
        tally.not_sent = too_many;
        tally
            .oversize
            .extend(past_file_limit(self.input.members, engine));
        tally
            .oversize
            .extend(past_scan_limit(self.input.members, engine));
        judge(engine, tally, findings)
    }

    fn command_tally(&mut self, engine: &EngineConfig, items: &[Item<'_>]) -> Tally {
        let end = Instant::now() + engine.overall_deadline();
        let mut tally = Tally::default();
        let scanner = match Scanner::from_config(engine) {
            Ok(s) => s,
            Err(e) => {
                tally.error = Some(e);
                return tally;
            }
        };
        let limit = engine.piece_limit();
        let mut small: Vec<(usize, Item<'_>)> = Vec::new();
        tally.oversize = scan_items(items, |index, item| {
            if limit.is_some_and(|(max, _)| item.data.len() as u64 > max) {
                Sent::Oversize(limit)
            } else {
                small.push((index, item.clone()));
                Sent::Examined
            }
        });
        if small.is_empty() {
            return tally;
        }
        let view = match self.view(engine.scan_input(), &small) {
            Ok(i) => self.views.get(i),
            Err(e) => {
                tally.error = Some(e.chain());
                return tally;
            }
        };
        let Some(view) = view else {
            tally.error = Some("work directory view missing".into());
            return tally;
        };
        match scanner.scan(&view.dir, &view.files, engine.attempt_timeout(), end) {
            Ok(scanned) => {
                tally.scanned = small.len();
                tally.viruses = scanned.names;
                tally.unchecked = scanned.unchecked;
            }
            Err(e) => tally.error = Some(e),
        }
        tally
    }

    /// The files of `input` (only `items`, each with its index in the
    /// [`items`] of `input`), written on first use; returns the view's
    /// index in `views`.
    fn view(
        &mut self,
        input: ScanInput,
        items: &[(usize, Item<'_>)],
    ) -> Result<usize, crate::error::Error> {
        // A view is written for one set of items: reused only by an engine
        // given exactly those (another size limit gives another set, even
        // one of the same length).
        let chosen: Vec<usize> = items.iter().map(|(i, _)| *i).collect();
        let pos = self
            .views
            .iter()
            .position(|v| v.input == input && v.chosen == chosen);
        if let Some(pos) = pos {
            return Ok(pos);
        }
        let workdir = match &mut self.workdir {
            Some(w) => w,
            None => self.workdir.insert(WorkDir::create(self.input.workdir)?),
        };
        // Names qmvc makes up: v0, v1... (one per view).
        let name = format!("v{}", self.views.len());
        let dir = workdir.subdir(&name)?;
        let mut files = Vec::with_capacity(items.len());
        for (_, item) in items {
            files.push(workdir.write_from(&dir, item.kind, item.data.reader())?);
        }
        self.views.push(View {
            input,
            chosen,
            dir,
            files,
        });
        Ok(self.views.len() - 1)
    }
}

/// The content `input` selects: the whole message and/or each decoded
/// part with a body and each MIME segment (see [`segments`]). When the
/// parser found no part with content, `Parts` falls back to the whole
/// message (an engine is never given nothing).
///
/// `Both` adds the segments only when the parser recorded an anomaly: the
/// evasions segments defeat (two Content-Type headers or boundaries, a
/// boundary that never occurs) all leave one, and on a well-formed message
/// the segments are the decoded parts again, which clamd would decode a
/// third time (the large attachments carried the tail of `both`'s cost).
/// For the same reason `Both` leaves out, on a well-formed message, the
/// decoded copies of plain text parts (see [`plain_text`]) at most
/// [`ENGINE_DEPTH`] deep: clamd reads them inside the whole message, and
/// they are most of the bytes of most mail. A text part with other readings (variants: base64 in two runs,
/// broken quoted-printable) is sent with them, since clamd's decoder may
/// take either reading; so are yEnc and BinHex blocks, which clamd does
/// not decode inside text.
///
/// When an engine refuses the whole message as too large, the decoded
/// parts stand in for it: `Message` and `Both` list the MIME parts the
/// whole would have covered as [`Role::StandIn`], and the message without
/// their bodies (its headers, preamble, epilogue: [`skeleton`]) as
/// [`Role::Remainder`], both sent only then (see [`scan_items`]); what
/// clamd may read another way (variants, the parts they were read from,
/// blocks decoded from text) is always sent.
fn items<'a>(input: &ChainInput<'a>, what: ScanInput) -> (Vec<Item<'a>>, Option<String>) {
    let whole = Item {
        kind: FileKind::Message,
        part: None,
        data: Data::Bytes(Cow::Borrowed(input.raw)),
        role: Role::Whole,
    };
    let well_formed = input.message.anomalies.is_empty();
    // A part read more than one way (its `.vN` variants follow it) is
    // one clamd's own decoder may read the other way: it goes as a file.
    let read_twice: Vec<&str> = input
        .message
        .parts
        .iter()
        .filter(|p| p.origin == Origin::Variant)
        .filter_map(|p| p.id.rsplit_once(".v").map(|(parent, _)| parent))
        .collect();
    let mut parts: Vec<Item<'a>> = input
        .message
        .parts
        .iter()
        .filter(|p| !p.body.is_empty())
        .map(|p| {
            let covered = p.origin == Origin::Mime
                && !read_twice.contains(&p.id.as_str())
                && (what == ScanInput::Message
                    || (what == ScanInput::Both
                        && well_formed
                        && plain_text(p)
                        && p.depth <= ENGINE_DEPTH));
            Item {
                kind: FileKind::Part,
                part: Some(p.id.as_str()),
                data: Data::Part(&p.body),
                role: if covered { Role::StandIn } else { Role::Piece },
            }
        })
        .collect();
    let want_segments = what == ScanInput::Parts || !well_formed;
    let (cut, too_many) = if want_segments {
        segments(input.raw)
    } else {
        (Vec::new(), false)
    };
    let role = if what == ScanInput::Message {
        Role::StandIn
    } else {
        Role::Piece
    };
    parts.extend(cut.into_iter().map(|data| Item {
        kind: FileKind::Message,
        part: None,
        data: Data::Bytes(Cow::Owned(data)),
        role,
    }));
    let note =
        too_many.then(|| format!("more than {MAX_SEGMENTS} MIME segments, the rest not sent"));
    let items = match what {
        ScanInput::Parts if parts.is_empty() => vec![whole],
        ScanInput::Parts => parts,
        ScanInput::Message | ScanInput::Both => {
            let remainder = Item {
                kind: FileKind::Message,
                part: None,
                data: Data::Skeleton(input.raw),
                role: Role::Remainder,
            };
            [whole, remainder].into_iter().chain(parts).collect()
        }
    };
    (items, note)
}

/// What sending one item gave.
enum Sent {
    /// The engine examined it (clean or not).
    Examined,
    /// Too large for the engine: over the limit and the key that sets it
    /// ([`EngineConfig::piece_limit`]), or over the server's stream limit
    /// when `None`.
    Oversize(Option<(u64, &'static str)>),
    /// Stop sending (a virus, a failure).
    Stop,
}

/// Sends `items` in order through `send` (with each one's index): the whole message first, the
/// remainder and the stand-in parts only when the whole was refused as too
/// large. Returns a
/// note for each item no engine view could take: an oversize part or
/// segment, and the whole message only when nothing stood in for it.
fn scan_items<'i>(
    items: &'i [Item<'_>],
    mut send: impl FnMut(usize, &'i Item<'_>) -> Sent,
) -> Vec<String> {
    let mut notes = Vec::new();
    let mut refused: Option<String> = None;
    let mut stood_in = false;
    for (index, item) in items.iter().enumerate() {
        if matches!(item.role, Role::StandIn | Role::Remainder) && refused.is_none() {
            continue;
        }
        match send(index, item) {
            Sent::Examined => stood_in |= item.role != Role::Whole,
            Sent::Oversize(max) if item.role == Role::Whole => {
                refused = Some(oversize_note(item, max));
            }
            Sent::Oversize(max) => notes.push(oversize_note(item, max)),
            Sent::Stop => return notes,
        }
    }
    if let Some(whole) = refused
        && !stood_in
        && notes.is_empty()
    {
        notes.push(whole);
    }
    notes
}

/// The deepest MIME nesting at which `both` trusts the engine to reach a
/// plain text part inside the whole message. clamd stops descending at
/// `MaxRecursion` (17 by default, 16 in Debian's clamd.conf) and, unless
/// `AlertExceedsMax` is set, says nothing: a text part nested 19 messages
/// deep was measured unscanned. Each level can cost clamd more than one
/// recursion step (a message/rfc822 part is a mail inside a mail), so
/// deeper text parts are sent on their own.
const ENGINE_DEPTH: usize = 8;

/// True for a part that is text in every sense: a MIME leaf declared
/// `text/*`, with no filename, not marked as an attachment, and whose
/// content [`crate::message::detect`] finds to be text too. Any of
/// those would make it a payload in disguise, which is sent on its own.
fn plain_text(part: &Part) -> bool {
    part.origin == Origin::Mime
        && part.declared_type.starts_with("text/")
        && part.names.is_empty()
        && !part.attachment
        && part.detected_type.is_none_or(|t| t.starts_with("text/"))
}

/// The most segments [`segments`] returns: as many as the parser's
/// default part limit, so that nesting the parser walks is never beyond
/// the segments (each is one piece of the body: their bytes add up to the
/// message's).
const MAX_SEGMENTS: usize = 1000;

/// The message body cut at every line that looks like a MIME boundary
/// delimiter (RFC 2046 §5.1.1: it begins with `--`), whatever boundary the
/// headers declare, each piece made a minimal message of its own so that
/// the engine's MIME decoder reads its headers. This defeats boundary and
/// header evasions that fool both qmvc's parser and the engine's (two
/// Content-Type headers, two boundary parameters: peer-clamav). Empty when
/// the body has fewer than two delimiter lines; at most [`MAX_SEGMENTS`],
/// and then true beside them.
fn segments(raw: &[u8]) -> (Vec<Vec<u8>>, bool) {
    let Some(body_at) = find(raw, b"\n\r\n")
        .map(|i| i + 3)
        .into_iter()
        .chain(find(raw, b"\n\n").map(|i| i + 2))
        .min()
    else {
        return (Vec::new(), false);
    };
    let body = raw.get(body_at..).unwrap_or_default();
    let mut cuts = Vec::new();
    let mut at = 0;
    for line in body.split_inclusive(|&b| b == b'\n') {
        if line.starts_with(b"--") {
            cuts.push((at, at + line.len()));
        }
        at += line.len();
    }
    if cuts.len() < 2 {
        return (Vec::new(), false);
    }
    let mut out = Vec::new();
    let mut too_many = false;
    let mut start = cuts.first().map_or(0, |c| c.1);
    for &(cut, next) in cuts
        .iter()
        .skip(1)
        .chain(std::iter::once(&(body.len(), body.len())))
    {
        let piece = body.get(start..cut).unwrap_or_default();
        if piece.iter().any(|b| !b.is_ascii_whitespace()) {
            if out.len() < MAX_SEGMENTS {
                let mut m = b"From: qmvc\r\nMIME-Version: 1.0\r\n".to_vec();
                m.extend_from_slice(piece);
                out.push(m);
            } else {
                too_many = true;
            }
        }
        start = next;
    }
    (out, too_many)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn oversize_note(item: &Item<'_>, limit: Option<(u64, &'static str)>) -> String {
    let what = match item.part {
        Some(id) => format!("part {id}"),
        None => "message".to_string(),
    };
    match limit {
        Some((max, key)) => format!("{what} ({} bytes) over {key} {max}", item.data.len()),
        None => format!(
            "{what} ({} bytes) over the server's stream limit",
            item.data.len()
        ),
    }
}

/// Scans `items` on the engine's servers, up to [`streams::STREAMS`] at
/// once, and reads the answers in order; stops at the first virus or
/// failure (both are final for this engine).
fn clamd_tally(engine: &EngineConfig, items: &[Item<'_>]) -> Tally {
    let mut tally = Tally::default();
    let servers: Result<Vec<Server>, String> =
        engine.servers.iter().map(|s| Server::parse(s)).collect();
    let mut pool = match servers {
        Ok(s) if !s.is_empty() => Pool::new(s),
        Ok(_) => {
            tally.error = Some("no servers configured".into());
            return tally;
        }
        Err(e) => {
            tally.error = Some(e);
            return tally;
        }
    };
    let limits = clamd::Limits {
        attempt: engine.attempt_timeout(),
        deadline: Instant::now() + engine.overall_deadline(),
    };
    let limit = engine.piece_limit();
    let too_big = |item: &Item<'_>| limit.is_some_and(|(max, _)| item.data.len() as u64 > max);
    // Everything but the stand-ins (sent only if the whole message is
    // refused) goes out on several connections at once; the answers are
    // then read in order as if sent one by one.
    let wanted: Vec<usize> = (0..items.len())
        .filter(|&i| {
            items.get(i).is_some_and(|item| {
                !matches!(item.role, Role::StandIn | Role::Remainder) && !too_big(item)
            })
        })
        .collect();
    let mut ahead = streams::scan_ahead(
        items,
        &wanted,
        pool.servers(),
        |pool, item| pool.scan_from(|| item.data.reader(), limits),
        ends_engine,
    );
    tally.oversize = scan_items(items, |index, item| {
        if too_big(item) {
            return Sent::Oversize(limit);
        }
        let answer = match ahead.get_mut(index).and_then(Option::take) {
            Some(answer) => answer,
            None => pool.scan_from(|| item.data.reader(), limits),
        };
        let stop = ends_engine(&answer);
        match answer {
            Ok(Answer::Clean) => {
                tally.scanned += 1;
                Sent::Examined
            }
            Ok(Answer::Found(names)) => {
                tally.scanned += 1;
                tally.viruses.extend(names);
                if stop { Sent::Stop } else { Sent::Examined }
            }
            Ok(Answer::SizeLimit) => Sent::Oversize(None),
            Err(e) => {
                tally.error = Some(e);
                Sent::Stop
            }
        }
    });
    tally
}

/// The most members named in one engine's note; the rest are counted.
const MAX_MEMBER_NOTES: usize = 5;

/// A note for each member of an attachment larger than what `engine`
/// examines whole ([`EngineConfig::file_limit`]): clamd skips such a file,
/// or scans a zip member only up to its `MaxFileSize`, and answers `OK`
/// unless `AlertExceedsMax` is on. Sizes as the containers declare them.
fn past_file_limit(members: &[MemberSize], engine: &EngineConfig) -> Vec<String> {
    let Some(limit) = engine.file_limit() else {
        return Vec::new();
    };
    let over: Vec<&MemberSize> = members.iter().filter(|m| m.size > limit).collect();
    let mut notes: Vec<String> = over
        .iter()
        .take(MAX_MEMBER_NOTES)
        .map(|m| {
            format!(
                "member {} {} ({} bytes) over max_file_size {limit}",
                m.id, m.path, m.size
            )
        })
        .collect();
    if over.len() > MAX_MEMBER_NOTES {
        notes.push(format!(
            "{} more members over max_file_size",
            over.len() - MAX_MEMBER_NOTES
        ));
    }
    notes
}

/// A note for each attachment whose members add up to more than `engine`
/// reads of one file sent ([`EngineConfig::scan_limit`]): clamd stops
/// extracting at its `MaxScanSize` and, without `AlertExceedsMax`, calls
/// the rest clean. Declared sizes, every nesting level counted, as clamd
/// counts what it extracts; the attachment's own bytes are not.
fn past_scan_limit(members: &[MemberSize], engine: &EngineConfig) -> Vec<String> {
    let Some(limit) = engine.scan_limit() else {
        return Vec::new();
    };
    let mut totals: Vec<(&str, u64)> = Vec::new();
    for m in members {
        // Members come grouped by attachment: the last total is almost
        // always the one.
        let known = match totals.last_mut() {
            Some(last) if last.0 == m.parent => Some(last),
            _ => totals.iter_mut().find(|(parent, _)| *parent == m.parent),
        };
        match known {
            Some((_, total)) => *total = total.saturating_add(m.size),
            None => totals.push((&m.parent, m.size)),
        }
    }
    totals
        .into_iter()
        .filter(|&(_, total)| total > limit)
        .take(MAX_MEMBER_NOTES)
        .map(|(parent, total)| {
            format!("part {parent}: members of {total} bytes in all over max_scan_size {limit}")
        })
        .collect()
}

/// Whether a clamd answer is final for its engine: a virus (a name that
/// is not only a limit heuristic) or a failure.
fn ends_engine(answer: &Result<Answer, String>) -> bool {
    match answer {
        Ok(Answer::Found(names)) => names.iter().any(|n| !is_limit_heuristic(n)),
        Ok(Answer::Clean | Answer::SizeLimit) => false,
        Err(_) => true,
    }
}

/// Turns what an engine found into its result, applying the engine's
/// `heuristics` and `oversize` policies (which may add findings).
fn judge(engine: &EngineConfig, tally: Tally, findings: &mut Vec<Finding>) -> EngineResult {
    let (unexamined, mut viruses): (Vec<String>, Vec<String>) = tally
        .viruses
        .into_iter()
        .partition(|name| is_limit_heuristic(name));
    for detail in unexamined.into_iter().chain(tally.unchecked) {
        let description = format!(
            "engine {} could not examine all of the content (scan limit, encryption or a corrupt file)",
            engine.name
        );
        match engine.heuristics {
            HeuristicPolicy::Virus => viruses.push(detail),
            HeuristicPolicy::Unchecked => findings.push(unexamined_finding(
                Condition::Unchecked,
                detail,
                description,
            )),
            HeuristicPolicy::Errormail => findings.push(unexamined_finding(
                Condition::Errormail,
                detail,
                description,
            )),
            HeuristicPolicy::Ignore => {}
        }
    }
    if let Some(note) = tally.not_sent {
        // Not a size the site chose to accept (`oversize`), nor the
        // engine's own word (`heuristics`): content qmvc left out.
        findings.push(unexamined_finding(
            Condition::Unchecked,
            note,
            format!("content not sent to engine {}", engine.name),
        ));
    }
    // A virus is a definite answer, whatever else went wrong.
    if !viruses.is_empty() {
        return EngineResult::Virus(viruses);
    }
    if let Some(e) = tally.error {
        return EngineResult::Error(one_line(&e, 300));
    }
    if !tally.oversize.is_empty() {
        let note = one_line(&tally.oversize.join("; "), 300);
        let description = format!("content too large for engine {}", engine.name);
        match engine.oversize {
            Oversize::Error => return EngineResult::Error(note),
            Oversize::Unchecked => findings.push(unexamined_finding(
                Condition::Unchecked,
                note.clone(),
                description,
            )),
            Oversize::Errormail => findings.push(unexamined_finding(
                Condition::Errormail,
                note.clone(),
                description,
            )),
            Oversize::Skip => {}
        }
        if tally.scanned == 0 {
            return EngineResult::Skipped(format!("oversize: {note}"));
        }
    }
    EngineResult::Clean
}

/// A message-wide finding of `condition` for content an engine did not
/// examine.
fn unexamined_finding(condition: Condition, detail: String, description: String) -> Finding {
    Finding {
        condition,
        part: None,
        detail,
        description,
    }
}

/// Contacts every engine (`qmvc config check --probe`): `zPING` on every
/// server of a clamd engine (each within `timeout`, at most 10 s), then
/// [`probe_alerts`] on each; for a command engine, checks that its
/// program exists and is executable (running a scan would need a
/// message). Returns per engine its warnings (the engine answers but will
/// let content pass unexamined), or why it cannot be used.
pub fn probe(engines: &[EngineConfig]) -> Vec<(String, Result<Vec<String>, String>)> {
    engines
        .iter()
        .map(|e| (e.name.clone(), probe_one(e)))
        .collect()
}

fn probe_one(engine: &EngineConfig) -> Result<Vec<String>, String> {
    match engine.kind {
        EngineKind::Clamd => {
            let servers = engine
                .servers
                .iter()
                .map(|s| Server::parse(s))
                .collect::<Result<Vec<_>, _>>()?;
            if servers.is_empty() {
                return Err("no servers configured".into());
            }
            let attempt = engine.attempt_timeout().min(Duration::from_secs(10));
            let limits = || clamd::Limits {
                attempt,
                deadline: Instant::now() + attempt,
            };
            Pool::in_order(servers.clone()).ping_all(clamd::Limits {
                attempt,
                deadline: Instant::now() + attempt * u32::try_from(servers.len()).unwrap_or(1),
            })?;
            Ok(servers
                .iter()
                .filter_map(|server| probe_alerts(server, limits()))
                .collect())
        }
        EngineKind::Command => {
            let scanner = Scanner::from_config(engine)?;
            let program = scanner.argv.first().ok_or("empty command")?;
            if is_executable(program) {
                Ok(Vec::new())
            } else {
                Err(format!(
                    "{program} is not an executable file (or not in PATH)"
                ))
            }
        }
    }
}

/// gzip layers of the [`probe_alerts`] sample: deeper than any
/// `MaxRecursion` a site would set (clamd's default is 17, Debian's 16).
const PROBE_LAYERS: usize = 64;

/// A few bytes inside [`PROBE_LAYERS`] layers of gzip, built in memory
/// (about 1.4 KiB).
fn nested_gzip() -> Vec<u8> {
    use std::io::Write;
    let mut data = b"qmvc limit probe\n".to_vec();
    for _ in 0..PROBE_LAYERS {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        // Writing to a Vec cannot fail; an error would leave the sample
        // shallower, which the answer then shows.
        if gz.write_all(&data).is_ok()
            && let Ok(out) = gz.finish()
        {
            data = out;
        }
    }
    data
}

/// Whether `server` says so when it stops at one of its scan limits: it
/// is sent (INSTREAM) a tiny file nested deeper than its `MaxRecursion`.
/// `Heuristics.Limits.Exceeded.*` means `AlertExceedsMax yes`; `OK`
/// means clamd stops at `MaxRecursion`, `MaxScanSize`, `MaxFiles` and (for
/// a single compressed file) `MaxFileSize` without a word and calls the
/// rest clean. Returns a warning, or `None` when it alerts.
pub fn probe_alerts(server: &Server, limits: clamd::Limits) -> Option<String> {
    match clamd::scan(server, &nested_gzip(), limits) {
        Ok(Answer::Found(names))
            if names
                .iter()
                .any(|n| n.starts_with("Heuristics.Limits.Exceeded")) =>
        {
            None
        }
        Ok(Answer::Clean) => Some(format!(
            "{server}: clamd does not alert at its scan limits (clamd.conf has no \
             `AlertExceedsMax yes`): content past MaxScanSize, MaxRecursion, MaxFiles or, in a \
             compressed file, MaxFileSize is answered OK and passes as clean; set \
             `AlertExceedsMax yes` (it makes such content an unchecked finding, quarantined by \
             default, instead of a silent pass)"
        )),
        Ok(Answer::Found(names)) => Some(format!(
            "{server}: the scan-limit test file (gzip nested {PROBE_LAYERS} deep) was answered \
             {}, not Heuristics.Limits.Exceeded: check `AlertExceedsMax yes` in clamd.conf",
            one_line(&names.join(", "), 200)
        )),
        Ok(Answer::SizeLimit) => Some(format!(
            "{server}: the scan-limit test file was refused as too large: cannot tell whether \
             clamd alerts at its limits (`AlertExceedsMax yes`)"
        )),
        Err(e) => Some(format!(
            "{server}: cannot tell whether clamd alerts at its scan limits \
             (`AlertExceedsMax yes`): {e}"
        )),
    }
}

/// True when `program` names an executable file, directly (with a `/`)
/// or through `PATH`, as execvp(3) would find it.
fn is_executable(program: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let ok = |p: &Path| {
        std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    };
    if program.contains('/') {
        return ok(Path::new(program));
    }
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|d| ok(&d.join(program))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_cut_at_every_delimiter_line() {
        let raw = b"Content-Type: multipart/mixed; boundary=X\r\nContent-Type: multipart/mixed; boundary=Y\r\n\r\n\
--X\r\nContent-Type: text/plain\r\n\r\nhi\r\n--X--\r\n--Y\r\nContent-Type: application/x\r\n\r\nQUJD\r\n--Y--\r\n";
        let (segs, too_many) = segments(raw);
        assert!(!too_many);
        assert_eq!(segs.len(), 2, "{segs:?}");
        assert!(segs.iter().all(|s| s.starts_with(b"From: qmvc\r\n")));
        assert!(
            segs.get(1)
                .is_some_and(|s| s.ends_with(b"\r\n\r\nQUJD\r\n"))
        );
        assert!(segments(b"Subject: x\n\nno parts\n-- \nsig\n").0.is_empty());
        assert!(segments(b"no body at all").0.is_empty());
        let mut many = b"Subject: x\n\n".to_vec();
        for _ in 0..=MAX_SEGMENTS + 1 {
            many.extend_from_slice(b"--b\n\nx\n");
        }
        let (segs, too_many) = segments(&many);
        assert_eq!((segs.len(), too_many), (MAX_SEGMENTS, true));
    }

    /// What `both` sends for a message: the whole, then the ids of the
    /// decoded parts (`None` = the whole message or a segment).
    fn sent(raw: &[u8]) -> Vec<Option<String>> {
        let message = crate::message::parse(raw, &crate::message::Limits::default());
        let policy = ScanPolicy::default();
        let input = ChainInput {
            engines: &[],
            policy: &policy,
            raw,
            message: &message,
            findings: &[],
            members: &[],
            actions: &crate::verdict::ActionPolicy::default(),
            workdir: Path::new("/nonexistent"),
        };
        items(&input, ScanInput::Both)
            .0
            .iter()
            .filter(|i| !matches!(i.role, Role::StandIn | Role::Remainder))
            .map(|i| i.part.map(str::to_owned))
            .collect()
    }

    #[test]
    fn both_leaves_out_plain_text_of_well_formed_mail_only() {
        let mixed = b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n\
--B\r\nContent-Type: text/plain\r\n\r\nhello\r\n\
--B\r\nContent-Type: text/html\r\n\r\n<p>hi</p>\r\n\
--B\r\nContent-Type: text/plain; name=\"notes.txt\"\r\n\r\nnamed\r\n\
--B\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAA\r\n\
--B\r\nContent-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n\r\nUEsDBBQAAAAIAA==\r\n\
--B--\r\n";
        // The named text part, the text part that is a PE file by its magic
        // bytes, and the zip are sent on their own; the plain text and
        // HTML are read inside the whole message only.
        assert_eq!(
            sent(mixed),
            vec![None, Some("3".into()), Some("4".into()), Some("5".into())]
        );
        // A boundary that never closes is an anomaly: every decoded part
        // and every segment goes too.
        let broken = b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n\
--B\r\nContent-Type: text/plain\r\n\r\nhello\r\n";
        let all = sent(broken);
        assert!(all.contains(&Some("1".into())), "{all:?}");
    }

    #[test]
    fn both_sends_deeply_nested_text_on_its_own() {
        // A text part inside N encapsulated messages: clamd stops
        // descending at its MaxRecursion without a word, so past
        // ENGINE_DEPTH the part goes on its own.
        let nested = |n: usize| {
            let mut m = b"Content-Type: text/plain\r\n\r\nX5O!P%@AP\r\n".to_vec();
            for _ in 0..n {
                let mut outer =
                    b"MIME-Version: 1.0\r\nContent-Type: message/rfc822\r\n\r\n".to_vec();
                outer.extend_from_slice(&m);
                m = outer;
            }
            m
        };
        assert_eq!(sent(&nested(2)), vec![None]);
        let deep = sent(&nested(ENGINE_DEPTH + 2));
        assert_eq!(deep.len(), 2, "{deep:?}");
    }

    #[test]
    fn both_sends_text_read_two_ways_and_blocks_inside_text() {
        // Base64 in two runs ("hello" then "ABC"): a decoder stopping at
        // the first padding reads only "hello", one skipping the `=` reads
        // other bytes; the part and both other readings go as files.
        let two_runs = b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n\
--B\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\nQUJD\r\n\
--B--\r\n";
        assert_eq!(
            sent(two_runs),
            vec![
                None,
                Some("1".into()),
                Some("1.v1".into()),
                Some("1.v2".into())
            ]
        );
        // A yEnc block in plain text: clamd does not decode it.
        let yenc = b"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhi\r\n=ybegin size=1 name=a.bin\r\nk\r\n=yend size=1\r\n";
        assert_eq!(sent(yenc), vec![None, Some("1.y1".into())]);
    }
}
