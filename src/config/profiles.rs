//! Finding, reading, layering and compiling profile files into the
//! [`Profile`] the pure core evaluates: reads the files on the path from
//! the domain to the embedded default, and the user's file. The profile's
//! shapes live in `crate::profile`, which does no I/O.

use std::io;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::sync::OnceLock;

use toml::{Table, Value};

use super::lenient::{self, Origins};
use super::{Config, Problem, permissions, read_checked, read_text};
use crate::engines::ScanPolicy;
use crate::error::Error;
use crate::profile::reactions::Reactions;
use crate::profile::{EMBEDDED, Profile, ProfileSpec};
use crate::rules::{Conditions, import};
use crate::verdict::{Action, ActionPolicy, Verdict};

/// Longest `extends` chain (profiles, the starting one included).
const MAX_EXTENDS: usize = 8;

/// Longest profile or domain name (RFC 1035 §2.3.4: 253 for a domain).
const MAX_NAME: usize = 253;

/// Top-level keys a per-user profile may set.
const USER_KEYS: &[&str] = &["description", "language", "conditions", "actions"];

/// Largest per-user profile (bytes): a user's file is a few rules.
const USER_MAX_BYTES: usize = 64 << 10;

/// Most list entries (rules, extensions, names...) a per-user profile may
/// write under `[conditions]`.
const USER_MAX_ENTRIES: usize = 100;

/// Compiled size a per-user regex may reach (the regex crate's
/// `size_limit`; the site's own rules get the crate's 10 MiB). Every
/// delivery to the user compiles the user's rules while it holds one of
/// qmail-send's local delivery slots: 1 MiB of heavy patterns cost minutes
/// per message, this bound keeps the whole file to milliseconds.
const USER_REGEX_SIZE: usize = 1 << 16;

/// The `[conditions]` lists whose `pattern`s are regular expressions.
const USER_REGEX_LISTS: &[(&str, &str)] = &[
    ("subject", "rules"),
    ("subject", "headers"),
    ("body", "rules"),
    ("filename", "regexes"),
];

/// `[actions]` keys a per-user profile may not set: what happens to a
/// virus, and the address qmvc forwards to, are the site's.
const USER_DENIED_ACTIONS: &[&str] = &["virus", "forward_to"];

/// One file's table, with the label problems and sources use.
struct Layer {
    file: String,
    table: Table,
}

/// A profile file found and read: its name, label and text.
struct Found {
    name: String,
    file: String,
    text: String,
}

/// The embedded default profile, built once per process (only to blame a
/// problem on it; [`compile`] builds its own copy).
fn embedded_table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(crate::embedded::default_profile)
}

/// True when the embedded default writes `key` or the nearest enclosing
/// key that is not a table, as [`lenient::merge`] would have recorded it
/// (`conditions.subject.rules[1].pattern` -> `conditions.subject.rules`).
fn embedded_wrote(key: &str) -> bool {
    let mut key = key;
    loop {
        if !key.contains('[') {
            let mut value = None;
            let mut table = Some(embedded_table());
            for segment in key.split('.') {
                value = table.and_then(|t| t.get(segment));
                table = value.and_then(Value::as_table);
            }
            if value.is_some_and(|v| !v.is_table()) {
                return true;
            }
        }
        match key.rfind(['.', '[']).and_then(|cut| key.get(..cut)) {
            Some(up) => key = up,
            None => return false,
        }
    }
}

/// True for a name that can only mean a file directly in the profile
/// directory: ASCII letters, digits, `.`, `-`, `_`, not starting with a
/// dot. `HOST` and `extends` values pass through here before any path is
/// built from them.
fn safe_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

/// Reads `dir/<name>.toml`; `None` when there is no such file.
fn find(dir: &Path, name: &str) -> Result<Option<Found>, Error> {
    let path = dir.join(format!("{name}.toml"));
    match read_text(&path) {
        Ok(text) => Ok(Some(Found {
            name: name.to_string(),
            file: path.display().to_string(),
            text,
        })),
        // A link whose target is gone names a profile the administrator
        // meant: it is a broken file, not a missing one (the domain would
        // silently get its parent's or the default profile).
        Err(e) if is_missing(&e) && !is_link(&path) => Ok(None),
        Err(e) if is_missing(&e) => Err(Error::Read {
            what: "profile",
            path,
            source: io::Error::new(e.kind(), "a symbolic link whose target does not exist"),
        }),
        Err(source) => Err(Error::Read {
            what: "profile",
            path,
            source,
        }),
    }
}

/// True when `path` itself is a symbolic link (whatever it points to).
fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn is_missing(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
    )
}

/// The profile for `domain`: the exact domain, then each parent, then
/// `default`; `None` when not even `default.toml` is there. Domains are
/// case-insensitive (RFC 5321 §2.4), so a file named in capitals
/// (`Example.COM.toml`) serves `example.com` too: the lower-case file
/// first, else the case variant first in byte order (`config check`
/// reports two files for one domain, [`case_twins`]). The directory is
/// listed only when a lower-case file is missing, at most once.
fn find_for_domain(dir: &Path, domain: &str) -> Result<Option<Found>, Error> {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    if safe_name(&domain) {
        let mut capitalised: Option<Vec<String>> = None;
        let mut rest = domain.as_str();
        loop {
            if let Some(found) = find(dir, rest)? {
                return Ok(Some(found));
            }
            let names = capitalised.get_or_insert_with(|| capitalised_names(dir));
            let variant = names.iter().filter(|n| n.eq_ignore_ascii_case(rest)).min();
            if let Some(name) = variant
                && let Some(found) = find(dir, name)?
            {
                return Ok(Some(found));
            }
            match rest.split_once('.') {
                Some((_, parent)) if !parent.is_empty() => rest = parent,
                _ => break,
            }
        }
    }
    find(dir, "default")
}

/// Most profile files listed in one directory when looking for names in
/// capitals: a profile directory is hand-written.
const MAX_LISTED: usize = 10_000;

/// The profile names (file stems of `*.toml`) in `dir` that hold an
/// upper-case letter and are safe names; empty when the directory cannot
/// be read (the exact lookups report what matters).
fn capitalised_names(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok())
        .take(MAX_LISTED)
        .filter_map(|e| {
            let name = e.file_name().to_str()?.strip_suffix(".toml")?.to_string();
            (safe_name(&name) && name.bytes().any(|b| b.is_ascii_uppercase())).then_some(name)
        })
        .collect()
}

/// Profile files that name the same domain, differing only by case: for
/// each group, the one [`find_for_domain`] chooses and the others, which
/// are never used for a domain. `names` are file stems.
fn case_twins(names: &[String]) -> Vec<(String, Vec<String>)> {
    let mut groups: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for name in names {
        groups
            .entry(name.to_ascii_lowercase())
            .or_default()
            .push(name.clone());
    }
    groups
        .into_iter()
        .filter(|(_, g)| g.len() > 1)
        .map(|(lower, mut g)| {
            g.sort();
            let chosen = if g.contains(&lower) {
                lower
            } else {
                g.first().cloned().unwrap_or(lower)
            };
            g.retain(|n| *n != chosen);
            (chosen, g)
        })
        .collect()
}

/// Follows `extends` from `start`; returns the layers most general first
/// (the embedded default not included).
fn chain(dir: &Path, start: Found, problems: &mut Vec<Problem>) -> Result<Vec<Layer>, Error> {
    let mut layers = Vec::new();
    let mut visited: Vec<String> = Vec::new();
    let mut current = Some(start);
    while let Some(Found { name, file, text }) = current.take() {
        visited.push(name.clone());
        let table = lenient::parse_table(&text).unwrap_or_else(|(key, what)| {
            problems.push(problem(&file, key, what));
            Table::new()
        });
        let extends = match table.get("extends") {
            Some(Value::String(s)) => Some(s.clone()),
            // A wrong type is reported when the merged table is read.
            _ => None,
        };
        let next = if name == "default" {
            if extends.is_some() {
                problems.push(problem(
                    &file,
                    "extends",
                    "the default profile cannot extend another",
                ));
            }
            None
        } else {
            Some(extends.unwrap_or_else(|| "default".to_string()))
        };
        layers.push(Layer {
            file: file.clone(),
            table,
        });
        let Some(next) = next else { break };
        if !safe_name(&next) {
            problems.push(problem(
                &file,
                "extends",
                format!("{next:?} is not a profile name"),
            ));
        } else if visited.contains(&next) {
            problems.push(problem(
                &file,
                "extends",
                format!("extends cycle: {} -> {next}", visited.join(" -> ")),
            ));
        } else if visited.len() >= MAX_EXTENDS {
            problems.push(problem(
                &file,
                "extends",
                format!("extends chain longer than {MAX_EXTENDS} profiles"),
            ));
        } else {
            current = find(dir, &next)?;
            if current.is_none() && next != "default" {
                problems.push(problem(
                    &file,
                    "extends",
                    format!("no profile {next:?} in {}", dir.display()),
                ));
            }
        }
    }
    layers.reverse();
    Ok(layers)
}

fn problem(file: &str, key: impl Into<String>, what: impl Into<String>) -> Problem {
    Problem {
        file: file.to_string(),
        key: key.into(),
        what: what.into(),
    }
}

/// The per-user profile in `home`, if there is one, with the keys a user
/// may not set reported and taken out. The file must be the user's own
/// ([`permissions::user`]: the home directory's owner is the user); a
/// symbolic link is refused.
fn user_layer(
    config: &Config,
    home: &Path,
    problems: &mut Vec<Problem>,
) -> Result<Option<Layer>, Error> {
    let path = home.join(&config.user_profiles.file);
    let read = std::fs::metadata(home).and_then(|h| {
        read_checked(&path, true, |meta| {
            permissions::user(meta, h.uid()).map_err(permissions::Untrusted::into_io)
        })
    });
    let text = match read {
        Ok(text) => text,
        Err(e) if is_missing(&e) => return Ok(None),
        Err(source) => {
            return Err(Error::Read {
                what: "user profile",
                path,
                source,
            });
        }
    };
    let file = path.display().to_string();
    if text.len() > USER_MAX_BYTES {
        problems.push(problem(
            &file,
            "-",
            format!("larger than {USER_MAX_BYTES} bytes (a per-user profile)"),
        ));
        return Ok(Some(Layer {
            file,
            table: Table::new(),
        }));
    }
    let mut table = lenient::parse_table(&text).unwrap_or_else(|(key, what)| {
        problems.push(problem(&file, key, what));
        Table::new()
    });
    if let Some(conditions) = table.get_mut("conditions").and_then(Value::as_table_mut) {
        bound_user_rules(conditions, &file, problems);
    }
    const NOT_ALLOWED: &str = "not allowed in a per-user profile";
    let forbidden: Vec<String> = table
        .keys()
        .filter(|k| !USER_KEYS.contains(&k.as_str()))
        .cloned()
        .collect();
    for key in forbidden {
        table.remove(&key);
        problems.push(problem(&file, key, NOT_ALLOWED));
    }
    let filename = table
        .get_mut("conditions")
        .and_then(Value::as_table_mut)
        .and_then(|c| c.get_mut("filename"))
        .and_then(Value::as_table_mut);
    if let Some(filename) = filename
        && filename.remove("import").is_some()
    {
        problems.push(problem(&file, "conditions.filename.import", NOT_ALLOWED));
    }
    if let Some(actions) = table.get_mut("actions").and_then(Value::as_table_mut) {
        for key in USER_DENIED_ACTIONS {
            if actions.remove(*key).is_some() {
                problems.push(problem(&file, format!("actions.{key}"), NOT_ALLOWED));
            }
        }
    }
    Ok(Some(Layer { file, table }))
}

/// Holds a per-user `[conditions]` table to [`USER_MAX_ENTRIES`] and
/// [`USER_REGEX_SIZE`]: what is over is reported and taken out before
/// anything is compiled at full size.
fn bound_user_rules(conditions: &mut Table, file: &str, problems: &mut Vec<Problem>) {
    fn entries(value: &Value) -> usize {
        match value {
            Value::Array(a) => a.len() + a.iter().map(entries).sum::<usize>(),
            Value::Table(t) => t.values().map(entries).sum(),
            _ => 0,
        }
    }
    let count = conditions.values().map(entries).sum::<usize>();
    if count > USER_MAX_ENTRIES {
        conditions.clear();
        problems.push(problem(
            file,
            "conditions",
            format!("{count} entries, more than {USER_MAX_ENTRIES} in a per-user profile"),
        ));
        return;
    }
    for (table, list) in USER_REGEX_LISTS {
        let Some(rules) = conditions
            .get_mut(*table)
            .and_then(Value::as_table_mut)
            .and_then(|t| t.get_mut(*list))
            .and_then(Value::as_array_mut)
        else {
            continue;
        };
        let mut i = 0;
        rules.retain(|rule| {
            let pattern = rule.get("pattern").and_then(Value::as_str).unwrap_or("");
            let fits = regex::RegexBuilder::new(pattern)
                .case_insensitive(true)
                .size_limit(USER_REGEX_SIZE)
                .build()
                .is_ok();
            if !fits {
                problems.push(problem(
                    file,
                    format!("conditions.{table}.{list}[{i}].pattern"),
                    format!("not a regex of at most {USER_REGEX_SIZE} bytes compiled"),
                ));
            }
            i += 1;
            fits
        });
    }
}

/// The profile a message to `domain` gets (and its user's, with
/// `user_home`), and every problem found on the way. `Err` only when a file
/// on the path exists but cannot be read.
pub(crate) fn build(
    config: &Config,
    domain: &str,
    user_home: Option<&Path>,
) -> Result<(Profile, Vec<Problem>), Error> {
    let dir = &config.paths.profiles;
    let mut problems = Vec::new();
    let (name, mut layers) = match find_for_domain(dir, domain)? {
        Some(found) => (found.name.clone(), chain(dir, found, &mut problems)?),
        None => ("default".to_string(), Vec::new()),
    };
    let mut name = name;
    if let Some(home) = user_home
        && let Some(layer) = user_layer(config, home, &mut problems)?
    {
        let user = home
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| home.display().to_string());
        name = format!("user:{user}");
        layers.push(layer);
    }
    let profile = compile(config, name, layers, Depth::InUse, &mut problems);
    Ok((profile, problems))
}

/// Every problem of every `*.toml` profile in `[paths].profiles`, each
/// resolved through `extends`, and of the embedded default; then the
/// warnings (a `language` no locale serves, unchecked content passed
/// without a report to anyone). A missing directory is no
/// problem (the embedded default serves).
pub(crate) fn check_directory(config: &Config) -> (Vec<Problem>, Vec<Problem>) {
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    let available = crate::i18n::available(Some(&config.paths.locales));
    // A language no locale serves is no error (reports fall back to
    // English), but rarely what the site meant.
    let mut language = |profile: &Profile, file: &str| {
        let known = crate::i18n::parse_tag(&profile.language)
            .is_some_and(|tag| available.iter().any(|a| a.language == tag.language));
        if !known {
            warnings.push(problem(
                file,
                "language",
                format!(
                    "{:?}: no locale for this language (shipped or in [paths].locales): \
                     reports are written in English",
                    profile.language
                ),
            ));
        }
        // Content nobody examined, delivered, and no report says so: only
        // the log and qmvc.rep would.
        let told = |r: &[Verdict]| r.contains(&Verdict::Unchecked);
        if profile.actions.unchecked == Action::Pass
            && !told(&profile.reactions.guards)
            && !told(&profile.reactions.recipient)
        {
            warnings.push(problem(
                file,
                "actions.unchecked",
                "\"pass\" and no report names unchecked (reactions.guards, reactions.recipient): \
                 content nobody could examine is delivered with only the log and qmvc.rep saying so",
            ));
        }
    };
    let embedded = compile(
        config,
        "default".into(),
        Vec::new(),
        Depth::Everything,
        &mut problems,
    );
    language(&embedded, EMBEDDED);
    let dir = &config.paths.profiles;
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if is_missing(&e) => return (problems, warnings),
        Err(e) => {
            problems.push(problem(
                &dir.display().to_string(),
                "-",
                format!("cannot read directory: {e}"),
            ));
            return (problems, warnings);
        }
    };
    // Directories named `*.toml` too: filter mode would defer every
    // message of their domain, so they are problems like unreadable files.
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.strip_suffix(".toml").map(str::to_string)
        })
        .collect();
    names.sort();
    for (chosen, others) in case_twins(&names) {
        for other in others {
            problems.push(problem(
                &dir.join(format!("{other}.toml")).display().to_string(),
                "-",
                format!(
                    "names the same domain as {chosen}.toml (domains are case-insensitive): \
                     {chosen}.toml is used, this file never; merge them into one"
                ),
            ));
        }
    }
    for name in names {
        let path = dir.join(format!("{name}.toml"));
        let label = path.display().to_string();
        if !safe_name(&name) {
            problems.push(problem(
                &label,
                "-",
                "not a profile name (letters, digits, . - _)",
            ));
            continue;
        }
        let result = find(dir, &name).and_then(|found| match found {
            Some(found) => chain(dir, found, &mut problems),
            None => Ok(Vec::new()),
        });
        match result {
            Ok(layers) => {
                let profile = compile(config, name, layers, Depth::Everything, &mut problems);
                language(&profile, &label);
            }
            Err(e) => problems.push(problem(&label, "-", e.chain())),
        }
    }
    (problems, warnings)
}

/// How much of a profile [`compile`] examines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Depth {
    /// What a message needs: disabled conditions are not compiled.
    InUse,
    /// `config check`: the rules of disabled conditions too, so that
    /// enabling one later holds no surprise.
    Everything,
}

/// Lays `layers` over the embedded default, reads the result and compiles
/// it; problems are blamed on the file that wrote the key. A value that
/// could not be read is reported once: nothing more is said about what is
/// below its key.
fn compile(
    config: &Config,
    name: String,
    layers: Vec<Layer>,
    depth: Depth,
    problems: &mut Vec<Problem>,
) -> Profile {
    // The embedded default is the bottom layer. Its keys are not recorded
    // in `origins` (that costs more than the rest of the merge):
    // [`embedded_wrote`] answers for them when no file wrote a key.
    let mut origins = Origins::default();
    // The layers are kept (a site's files are small) so that the merged
    // table can be made again if a problem must be named.
    let lay = |origins: &mut Origins| {
        let mut merged = crate::embedded::default_profile();
        for layer in &layers {
            lenient::merge(&mut merged, layer.table.clone(), &layer.file, origins);
        }
        merged
    };
    let merged = lay(&mut origins);
    let mut sources = vec![EMBEDDED.to_string()];
    sources.extend(layers.iter().map(|layer| layer.file.clone()));
    let leaf = sources.last().cloned().unwrap_or_default();
    let blame = |(key, what): (String, String)| Problem {
        file: origins
            .file_of(&key)
            .or_else(|| embedded_wrote(&key).then_some(EMBEDDED))
            .unwrap_or(&leaf)
            .to_string(),
        key,
        what,
    };
    let (spec, unreadable) =
        lenient::deserialize_or_rebuild::<ProfileSpec>(merged, || lay(&mut Origins::default()), "");
    let mut spec = spec.unwrap_or_default();
    spec.extends = None;

    // `config check` compiles every condition; a delivery only the
    // enabled ones, straight from `spec` (no copy of the profile).
    let everything;
    let checked = if depth == Depth::Everything {
        let mut c = spec.conditions.clone();
        c.subject.enabled = true;
        c.body.enabled = true;
        c.filename.enabled = true;
        c.mimetype.enabled = true;
        c.errormail.enabled = true;
        everything = c;
        &everything
    } else {
        &spec.conditions
    };
    let mut found = Vec::new();
    let filename = &checked.filename;
    let imported = match (&filename.import, filename.enabled) {
        (Some(path), true) => {
            let at = blame(("conditions.filename.import".into(), String::new())).file;
            import_file(path, &at, problems)
        }
        _ => None,
    };
    let (mut conditions, compiled) = Conditions::compile(checked, imported.as_ref());
    found.extend(compiled);
    if depth == Depth::Everything {
        conditions = Conditions::compile(&spec.conditions, imported.as_ref()).0;
    }
    check_scan(&spec.scan, config, &mut found);
    check_actions(&spec.actions, &mut found);
    let reactions = match Reactions::from_table(&spec.reactions) {
        Ok(r) => r,
        Err(list) => {
            found.extend(list.into_iter().map(|(k, p)| (format!("reactions.{k}"), p)));
            Reactions::default()
        }
    };
    if !is_language_tag(&spec.language) {
        found.push((
            "language".into(),
            format!("{:?} is not a language tag", spec.language),
        ));
    }
    let said = |key: &str| {
        unreadable.iter().any(|(bad, _)| {
            key.strip_prefix(bad.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        })
    };
    found.retain(|(key, _)| !said(key));
    problems.extend(unreadable.iter().cloned().map(blame));
    problems.extend(found.into_iter().map(blame));

    Profile {
        name,
        sources,
        description: spec.description.clone(),
        language: spec.language.clone(),
        conditions,
        scan: spec.scan.clone(),
        actions: spec.actions.clone(),
        reactions,
        spec,
    }
}

/// Reads and parses a qmail-scanner file named by `profile_file`.
fn import_file(
    path: &Path,
    profile_file: &str,
    problems: &mut Vec<Problem>,
) -> Option<import::Imported> {
    const KEY: &str = "conditions.filename.import";
    if !path.is_absolute() {
        problems.push(problem(profile_file, KEY, "must be an absolute path"));
        return None;
    }
    let text = match read_text(path) {
        Ok(text) => text,
        Err(e) => {
            problems.push(problem(
                profile_file,
                KEY,
                format!("cannot read {}: {e}", path.display()),
            ));
            return None;
        }
    };
    let (imported, bad) = import::parse(&text);
    let file = path.display().to_string();
    problems.extend(
        bad.into_iter()
            .map(|(line, what)| problem(&file, format!("line {line}"), what)),
    );
    Some(imported)
}

fn check_scan(scan: &ScanPolicy, config: &Config, out: &mut Vec<(String, String)>) {
    let lists = [
        ("scan.engines", &scan.engines),
        ("scan.backup", &scan.backup),
    ];
    for (key, names) in lists {
        for (i, name) in names.iter().enumerate() {
            if !config.engines.iter().any(|e| &e.name == name) {
                out.push((
                    format!("{key}[{i}]"),
                    format!("no engine {name:?} in {}", config.source),
                ));
            }
        }
    }
    for (i, t) in scan.noscan_types.iter().enumerate() {
        if let Some(problem) = crate::engines::type_pattern_problem(t) {
            out.push((format!("scan.noscan_types[{i}]"), problem));
        }
    }
}

fn check_actions(actions: &ActionPolicy, out: &mut Vec<(String, String)>) {
    let each = [
        ("actions.virus", actions.virus),
        ("actions.unchecked", actions.unchecked),
        ("actions.badmail", actions.badmail),
        ("actions.errormail", actions.errormail),
    ];
    for (key, action) in each {
        match action {
            Action::Defer => out.push((
                key.into(),
                "defer is not a profile action (it would keep the message in the queue until it bounces)"
                    .into(),
            )),
            Action::Forward if actions.forward_to.is_none() => {
                out.push((key.into(), "forward needs actions.forward_to".into()));
            }
            _ => {}
        }
    }
    if let Some(to) = &actions.forward_to
        && !is_address(to)
    {
        out.push((
            "actions.forward_to".into(),
            format!("{to:?} is not an address"),
        ));
    }
}

/// A plain `local@domain` for a guard or `forward_to`: the address rule
/// of reports ([`crate::envelope::is_address`]) with both sides present.
pub(crate) fn is_address(address: &str) -> bool {
    address.contains('@') && crate::envelope::is_address(address)
}

/// BCP 47 in shape: letters, digits and `-`, starting with a letter.
fn is_language_tag(tag: &str) -> bool {
    tag.len() <= 35
        && tag.starts_with(|c: char| c.is_ascii_alphabetic())
        && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_never_become_paths() {
        for bad in [
            "",
            "../etc/passwd",
            ".hidden",
            "a/b",
            "a b",
            "x\0y",
            &"a".repeat(300),
        ] {
            assert!(!safe_name(bad), "{bad:?}");
        }
        assert!(safe_name("mail.example.com"));
        assert!(safe_name("strict_2"));
    }

    #[test]
    fn addresses_for_forward() {
        assert!(is_address("abuse@example.com"));
        for bad in ["-f@x", "a b@c", "nobody", "@x", "x@", "<a@b>"] {
            assert!(!is_address(bad), "{bad}");
        }
    }
}
