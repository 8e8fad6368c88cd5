//! The badmail conditions (QMVC's Conditions): subject, body, filename,
//! MIME type, null sender and errormail rules, compiled once per profile
//! and evaluated against a message.
//!
//! Pure: message + envelope + compiled conditions in, findings out. The
//! profile loader ([`crate::profile`]) reads the files; [`Conditions::compile`]
//! turns the `[conditions]` table as written ([`spec`]) and any imported
//! qmail-scanner rules ([`import`]) into regex sets, glob sets and hash
//! tables, compiling nothing for a disabled condition.

mod archives;
mod evaluate;
pub mod import;
mod literals;
pub mod spec;

pub use self::archives::{ArchivesSpec, MemberExtensions};
pub use self::evaluate::{evaluate, evaluate_inside};

use std::collections::HashMap;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use regex::{Regex, RegexBuilder};
use regex_automata::meta;
use regex_automata::nfa::thompson::WhichCaptures;
use regex_automata::util::syntax;
use regex_automata::{Input, MatchKind};

use crate::message;

use self::import::Imported;
use self::spec::{ConditionsSpec, FilenameSpec, MimetypeSpec, RuleSpec};

/// Longest `Finding::detail` taken from the message (bytes, cut on a
/// character boundary): enough to recognise, too little to abuse.
const MAX_DETAIL: usize = 200;

/// The default description of the `unchecked` finding every limit hit
/// produces, whatever the profile's conditions say: content beyond a limit
/// was not examined, so it must never pass silently
/// (`[conditions.unchecked] description` replaces it).
pub const UNCHECKED_DESCRIPTION: &str = "content that could not be examined";

/// Dots of a name looked at from the end for multi-part extensions
/// (`.tar.gz`); bounds the work on a name made of dots.
const MAX_EXTENSION_DOTS: usize = 4;

/// A profile's compiled Conditions. `None` is a disabled condition.
#[derive(Debug, Clone, Default)]
pub struct Conditions {
    subject: Option<SubjectRules>,
    body: Option<BodyRules>,
    filename: Option<FilenameRules>,
    mimetype: Option<MimetypeRules>,
    /// The macro finding's description (used by the container readers'
    /// findings, see [`Conditions::macro_description`]).
    r#macro: Option<String>,
    /// The null-sender finding's description.
    nullsender: Option<String>,
    errormail: Option<ErrormailRules>,
    /// The unchecked findings' description; never off.
    unchecked: String,
    /// `[conditions.archives]`: `None` opens no container.
    archives: Option<archives::ArchiveRules>,
}

impl Conditions {
    /// The description `unchecked` findings carry (`[conditions.unchecked]`).
    pub fn unchecked_description(&self) -> &str {
        if self.unchecked.is_empty() {
            UNCHECKED_DESCRIPTION
        } else {
            &self.unchecked
        }
    }

    /// What the container step opens for this profile: archives and disc
    /// images as `[conditions.archives]` says (none when it is off), TNEF
    /// always, Office documents for macros while `[conditions.macro]` is
    /// on.
    pub fn container_settings(&self) -> crate::container::Settings {
        let mut settings = match &self.archives {
            Some(a) => a.settings.clone(),
            None => crate::container::Settings {
                formats: Vec::new(),
                ..crate::container::Settings::default()
            },
        };
        settings.macros = self.r#macro.is_some();
        settings
    }

    /// The description of `macro` findings, `None` when the condition is
    /// off.
    pub fn macro_description(&self) -> Option<&str> {
        self.r#macro.as_deref()
    }
}

/// Regexes compiled once into a set, with one description each.
#[derive(Debug, Clone)]
struct PatternSet {
    /// All the patterns in one automaton.
    set: Matcher,
    patterns: Vec<String>,
    descriptions: Vec<String>,
    case_insensitive: bool,
}

/// How a [`PatternSet`] searches: plain words by Aho-Corasick
/// ([`literals`]), anything else by the regex set ([`build_set`]).
#[derive(Debug, Clone)]
enum Matcher {
    Literals(literals::Literals),
    Regex(meta::Regex),
}

impl PatternSet {
    /// Indices of the rules that match `text`.
    fn matches(&self, text: &str) -> Vec<usize> {
        let set = match &self.set {
            Matcher::Literals(literals) => return literals.matches(text),
            Matcher::Regex(set) => set,
        };
        let mut which = regex_automata::PatternSet::new(set.pattern_len());
        set.which_overlapping_matches(&Input::new(text), &mut which);
        which.iter().map(|id| id.as_usize()).collect()
    }

    /// What rule `index` matched in `text`, compiled on demand: only a
    /// message that already matched pays for it.
    fn matched<'t>(&self, index: usize, text: &'t str) -> Option<&'t str> {
        let pattern = self.patterns.get(index)?;
        let regex = RegexBuilder::new(pattern)
            .case_insensitive(self.case_insensitive)
            .build()
            .ok()?;
        regex.find(text).map(|m| m.as_str())
    }

    fn description(&self, index: usize) -> String {
        self.descriptions.get(index).cloned().unwrap_or_default()
    }
}

/// Globs, case ignored, each with a description. Patterns without a glob
/// metacharacter (most type rules) go into a hash table: building a
/// [`GlobSet`] costs far more than the lookups it saves.
#[derive(Debug, Clone, Default)]
struct Globs {
    /// Lower-case literal -> description.
    exact: HashMap<String, String>,
    set: Option<(GlobSet, Vec<String>)>,
}

impl Globs {
    /// The description of a rule matching `text`, exact patterns first.
    fn find(&self, text: &str) -> Option<&str> {
        if let Some(description) = self.exact.get(&text.to_lowercase()) {
            return Some(description);
        }
        let (set, descriptions) = self.set.as_ref()?;
        let first = *set.matches(text).first()?;
        descriptions.get(first).map(String::as_str)
    }
}

#[derive(Debug, Clone)]
struct SubjectRules {
    patterns: Option<PatternSet>,
    headers: Vec<HeaderRule>,
}

#[derive(Debug, Clone)]
struct HeaderRule {
    header: String,
    regex: Regex,
    description: String,
}

#[derive(Debug, Clone)]
struct BodyRules {
    patterns: PatternSet,
    max_bytes: usize,
}

#[derive(Debug, Clone, Default)]
struct FilenameRules {
    /// Extension with its dot, lower case -> description.
    extensions: HashMap<String, String>,
    globs: Globs,
    regexes: Option<PatternSet>,
    /// Normalised name -> `(size, 0 = any; description)`.
    names: HashMap<String, Vec<(u64, String)>>,
    suspicious: Option<String>,
}

#[derive(Debug, Clone)]
struct MimetypeRules {
    declared: Globs,
    detected: Globs,
    executable: Option<String>,
    mismatch: Option<String>,
    executable_types: Vec<String>,
}

#[derive(Debug, Clone)]
struct ErrormailRules {
    description: String,
    required_headers: Vec<String>,
    null_sender_exempt: bool,
    broken_mime: Option<String>,
}

impl Conditions {
    /// Compiles `spec` (with the rules of an imported qmail-scanner file,
    /// if any) into regex sets, glob sets and tables. Invalid rules are left
    /// out and reported as `(key, problem)`, keys under `conditions.`
    /// (`conditions.subject.rules[2].pattern`). A disabled condition costs
    /// nothing.
    pub fn compile(
        spec: &ConditionsSpec,
        imported: Option<&Imported>,
    ) -> (Conditions, Vec<(String, String)>) {
        let mut problems = Vec::new();
        let p = &mut problems;
        let subject = &spec.subject;
        let filename = spec
            .filename
            .enabled
            .then(|| compile_filename(&spec.filename, imported, p));
        let archives = archives::compile(
            &spec.archives,
            filename.as_ref(),
            &spec.filename.description,
            p,
        );
        let conditions = Conditions {
            archives,
            subject: subject.enabled.then(|| {
                let mut headers: Vec<HeaderRule> = Vec::new();
                let written = subject
                    .headers
                    .iter()
                    .enumerate()
                    .map(|(i, h)| (format!("conditions.subject.headers[{i}]"), h));
                let imported_rules = imported
                    .into_iter()
                    .flat_map(|i| i.headers.iter())
                    .map(|h| ("conditions.filename.import".to_string(), h));
                for (key, rule) in written.chain(imported_rules) {
                    if !import::is_field_name(&rule.header) {
                        p.push((format!("{key}.header"), "not a header field name".into()));
                        continue;
                    }
                    match RegexBuilder::new(&rule.pattern)
                        .case_insensitive(!subject.case_sensitive)
                        .build()
                    {
                        Ok(regex) => headers.push(HeaderRule {
                            header: rule.header.clone(),
                            regex,
                            description: describe(&rule.description, &subject.description),
                        }),
                        Err(e) => p.push((format!("{key}.pattern"), regex_problem(&e))),
                    }
                }
                SubjectRules {
                    patterns: pattern_set(
                        &subject.rules,
                        "conditions.subject.rules",
                        &subject.description,
                        !subject.case_sensitive,
                        p,
                    ),
                    headers,
                }
            }),
            body: spec.body.enabled.then_some(()).and_then(|()| {
                if spec.body.max_bytes == 0 {
                    p.push(("conditions.body.max_bytes".into(), "must be above 0".into()));
                }
                Some(BodyRules {
                    patterns: pattern_set(
                        &spec.body.rules,
                        "conditions.body.rules",
                        &spec.body.description,
                        !spec.body.case_sensitive,
                        p,
                    )?,
                    max_bytes: spec.body.max_bytes,
                })
            }),
            filename,
            mimetype: spec
                .mimetype
                .enabled
                .then(|| compile_mimetype(&spec.mimetype, p)),
            r#macro: spec
                .r#macro
                .enabled
                .then(|| spec.r#macro.description.clone()),
            nullsender: spec
                .nullsender
                .enabled
                .then(|| spec.nullsender.description.clone()),
            unchecked: spec.unchecked.description.clone(),
            errormail: spec.errormail.enabled.then(|| {
                let e = &spec.errormail;
                for (i, name) in e.required_headers.iter().enumerate() {
                    if !import::is_field_name(name) {
                        p.push((
                            format!("conditions.errormail.required_headers[{i}]"),
                            "not a header field name".into(),
                        ));
                    }
                }
                ErrormailRules {
                    description: e.description.clone(),
                    required_headers: e.required_headers.clone(),
                    null_sender_exempt: e.null_sender_exempt,
                    broken_mime: e.broken_mime.description("broken MIME structure"),
                }
            }),
        };
        (conditions, problems)
    }

    /// True when no condition is enabled.
    pub fn is_empty(&self) -> bool {
        self.subject.is_none()
            && self.body.is_none()
            && self.filename.is_none()
            && self.mimetype.is_none()
            && self.r#macro.is_none()
            && self.nullsender.is_none()
            && self.errormail.is_none()
    }
}

fn compile_filename(
    spec: &FilenameSpec,
    imported: Option<&Imported>,
    p: &mut Vec<(String, String)>,
) -> FilenameRules {
    let mut extensions =
        HashMap::with_capacity(spec.extensions.len() + imported.map_or(0, |i| i.extensions.len()));
    for (i, ext) in spec.extensions.iter().enumerate() {
        match normalise_extension(ext) {
            Some(ext) => {
                extensions.insert(ext, spec.description.clone());
            }
            None => p.push((
                format!("conditions.filename.extensions[{i}]"),
                format!("{ext:?} is not an extension"),
            )),
        }
    }
    let mut names: HashMap<String, Vec<(u64, String)>> = HashMap::new();
    for (i, rule) in spec.names.iter().enumerate() {
        let name = message::normalise_windows_name(&rule.name);
        if name.is_empty() {
            p.push((
                format!("conditions.filename.names[{i}].name"),
                "empty name".into(),
            ));
            continue;
        }
        names
            .entry(name)
            .or_default()
            .push((rule.size, describe(&rule.description, &spec.description)));
    }
    if let Some(imported) = imported {
        for (ext, description) in &imported.extensions {
            if let Some(ext) = normalise_extension(ext) {
                let description = describe(&Some(description.clone()), &spec.description);
                extensions.entry(ext).or_insert(description);
            }
        }
        for rule in &imported.names {
            names
                .entry(message::normalise_windows_name(&rule.name))
                .or_default()
                .push((rule.size, describe(&rule.description, &spec.description)));
        }
    }
    FilenameRules {
        extensions,
        globs: glob_set(
            &spec.globs,
            "conditions.filename.globs",
            &spec.description,
            p,
        ),
        regexes: pattern_set(
            &spec.regexes,
            "conditions.filename.regexes",
            &spec.description,
            true,
            p,
        ),
        names,
        suspicious: spec
            .suspicious_chars
            .description("filename carries bidi or zero-width control characters"),
    }
}

fn compile_mimetype(spec: &MimetypeSpec, p: &mut Vec<(String, String)>) -> MimetypeRules {
    MimetypeRules {
        declared: glob_set(
            &spec.declared,
            "conditions.mimetype.declared",
            &spec.description,
            p,
        ),
        detected: glob_set(
            &spec.detected,
            "conditions.mimetype.detected",
            &spec.description,
            p,
        ),
        executable: spec.executable.description("executable content"),
        mismatch: spec
            .mismatch
            .description("executable content declared as another type"),
        executable_types: spec
            .executable_types
            .iter()
            .map(|t| t.trim().to_ascii_lowercase())
            .collect(),
    }
}

/// `.EXE`, `exe`, ` .exe ` -> `.exe`; `None` for an empty or path-like one.
fn normalise_extension(ext: &str) -> Option<String> {
    let ext = ext.trim().trim_start_matches('.');
    if ext.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(ext.len() + 1);
    out.push('.');
    if ext.is_ascii() {
        // The same test as below, a byte at a time (ASCII white space as
        // `char::is_whitespace` sees it: space, TAB to CR).
        if ext
            .bytes()
            .any(|b| matches!(b, b'/' | b'\\' | b'*' | b'?' | b' ' | b'\t'..=b'\r'))
        {
            return None;
        }
        out.extend(ext.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        if ext.contains(['/', '\\', '*', '?']) || ext.contains(char::is_whitespace) {
            return None;
        }
        out.push_str(&ext.to_lowercase());
    }
    Some(out)
}

fn describe(own: &Option<String>, fallback: &str) -> String {
    match own {
        Some(text) if !text.trim().is_empty() => text.clone(),
        _ => fallback.to_string(),
    }
}

/// Compiles `rules` into one set ([`build_set`]). The set is built in one
/// go; only when that fails is each pattern tried alone, to name the bad
/// ones.
fn pattern_set(
    rules: &[RuleSpec],
    key: &str,
    description: &str,
    case_insensitive: bool,
    problems: &mut Vec<(String, String)>,
) -> Option<PatternSet> {
    let mut patterns: Vec<String> = Vec::with_capacity(rules.len());
    let mut descriptions = Vec::with_capacity(rules.len());
    for (i, rule) in rules.iter().enumerate() {
        if rule.pattern.is_empty() {
            problems.push((format!("{key}[{i}]"), "empty pattern".into()));
            continue;
        }
        patterns.push(rule.pattern.clone());
        descriptions.push(describe(&rule.description, description));
    }
    if patterns.is_empty() {
        return None;
    }
    if let Some(literals) = literals::Literals::new(&patterns, case_insensitive) {
        return Some(PatternSet {
            set: Matcher::Literals(literals),
            patterns,
            descriptions,
            case_insensitive,
        });
    }
    let build = |patterns: &[String]| build_set(patterns, case_insensitive).map(Matcher::Regex);
    let set = match build(&patterns) {
        Ok(set) => set,
        Err(_) => {
            let mut good = Vec::new();
            let mut good_descriptions = Vec::new();
            for (i, rule) in rules.iter().enumerate() {
                if rule.pattern.is_empty() {
                    continue;
                }
                match RegexBuilder::new(&rule.pattern)
                    .case_insensitive(case_insensitive)
                    .build()
                {
                    Ok(_) => {
                        good.push(rule.pattern.clone());
                        good_descriptions.push(describe(&rule.description, description));
                    }
                    Err(e) => problems.push((format!("{key}[{i}]"), regex_problem(&e))),
                }
            }
            patterns = good;
            descriptions = good_descriptions;
            match build(&patterns) {
                Ok(set) => set,
                Err(e) => {
                    problems.push((key.to_string(), format!("invalid regex set: {e}")));
                    return None;
                }
            }
        }
    };
    Some(PatternSet {
        set,
        patterns,
        descriptions,
        case_insensitive,
    })
}

/// `patterns` as one automaton that tells which of them match, with the
/// semantics of [`regex::RegexSet`] (Unicode, `(?i)` when
/// `case_insensitive`, the same size limits) but built for a process that
/// judges one message and exits: no literal prefilter and no full DFA, whose
/// construction (an Aho-Corasick automaton over every case variant of the
/// literals) costs far more than the few short texts a message gives them
/// ever save. Searches run on the lazy DFA, built as the text needs it.
///
/// Errors: a pattern is invalid or the set is over the size limit
/// ([`meta::BuildError`]'s text).
fn build_set(patterns: &[String], case_insensitive: bool) -> Result<meta::Regex, String> {
    meta::Builder::new()
        .configure(
            meta::Config::new()
                .match_kind(MatchKind::All)
                .utf8_empty(true)
                .which_captures(WhichCaptures::None)
                .nfa_size_limit(Some(10 * (1 << 20)))
                .hybrid_cache_capacity(2 * (1 << 20))
                .auto_prefilter(false)
                .dfa(false),
        )
        .syntax(
            syntax::Config::new()
                .case_insensitive(case_insensitive)
                .utf8(true),
        )
        .build_many(patterns)
        .map_err(|e| e.to_string())
}

/// One line for a regex error, whole: the regex crate's syntax report is
/// several lines (the pattern, a caret line under the fault, `error: WHY`);
/// this keeps the reason and where it is: `invalid regex: unclosed group
/// at column 8`. Used for every regex in the configuration (profile
/// conditions and an engine's `virus_regex`).
pub fn regex_problem(error: &regex::Error) -> String {
    match error {
        regex::Error::Syntax(text) => {
            let why = text
                .lines()
                .find_map(|l| l.trim().strip_prefix("error: "))
                .unwrap_or("syntax error");
            // The caret line is indented as the pattern line above it (4
            // spaces, or a line-number gutter for multi-line patterns).
            let lines: Vec<&str> = text.lines().collect();
            let column = lines.windows(2).find_map(|pair| {
                let caret = pair[1];
                let at = caret.find('^')?;
                let only_carets = caret.trim().chars().all(|c| c == '^');
                let indent = pair[0].len() - pair[0].trim_start().len();
                (only_carets && at >= indent).then(|| at - indent + 1)
            });
            match column {
                Some(c) => format!("invalid regex: {why} at column {c}"),
                None => format!("invalid regex: {why}"),
            }
        }
        regex::Error::CompiledTooBig(limit) => {
            format!("regex too big (compiled size over {limit} bytes)")
        }
        _ => "invalid regex".to_string(),
    }
}

/// Compiles globs (case ignored) into [`Globs`].
fn glob_set(
    rules: &[RuleSpec],
    key: &str,
    description: &str,
    problems: &mut Vec<(String, String)>,
) -> Globs {
    let mut globs = Globs::default();
    let mut builder = GlobSetBuilder::new();
    let mut descriptions = Vec::new();
    for (i, rule) in rules.iter().enumerate() {
        let own = describe(&rule.description, description);
        if rule.pattern.is_empty() {
            problems.push((format!("{key}[{i}]"), "empty pattern".into()));
        } else if !rule.pattern.contains(['*', '?', '[', ']', '{', '}', '\\']) {
            globs
                .exact
                .entry(rule.pattern.to_lowercase())
                .or_insert(own);
        } else {
            match GlobBuilder::new(&rule.pattern)
                .case_insensitive(true)
                .build()
            {
                Ok(glob) => {
                    builder.add(glob);
                    descriptions.push(own);
                }
                Err(e) => {
                    problems.push((format!("{key}[{i}]"), format!("invalid glob: {}", e.kind())))
                }
            }
        }
    }
    if !descriptions.is_empty() {
        match builder.build() {
            Ok(set) => globs.set = Some((set, descriptions)),
            Err(e) => problems.push((key.to_string(), format!("invalid glob: {}", e.kind()))),
        }
    }
    globs
}

#[cfg(test)]
mod tests {
    use super::normalise_extension;

    /// The ASCII path refuses exactly what the general one refuses.
    #[test]
    fn ascii_extensions_are_judged_as_any_other() {
        for b in 0u8..128 {
            let c = char::from(b);
            let ext = format!("e{c}x");
            let general =
                !(ext.contains(['/', '\\', '*', '?']) || ext.contains(char::is_whitespace));
            assert_eq!(normalise_extension(&ext).is_some(), general, "{b:#x}");
        }
        assert_eq!(normalise_extension(" .EXE ").as_deref(), Some(".exe"));
        assert_eq!(normalise_extension("É").as_deref(), Some(".é"));
        assert_eq!(normalise_extension("a\u{2003}b"), None);
    }
}
