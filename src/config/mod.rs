//! The main configuration file (`qmvc.toml`): paths, mail injection, guards,
//! engines, limits, and how the recipient is worked out. Loading reports
//! every problem at once as `file: key: problem`.
//!
//! The embedded default configuration (the same text as the shipped,
//! commented example `src/config/qmvc.toml`) makes every command usable
//! with no file at all.
//!
//! Resolution ([`Config::load`]): `--config FILE`, else `$QMVC_CONFIG`
//! (the caller passes its value: this module never reads the
//! environment), else `/etc/qmvc/qmvc.toml` when it exists, else the
//! embedded default.

pub mod cluster;
mod dotqmail;
pub(crate) mod lenient;
pub mod permissions;
mod profiles;
pub mod seconds;

use std::ffi::OsStr;
use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::engines::EngineConfig;
use crate::envelope::Virtualdomains;
use crate::error::Error;
use crate::message::Limits;
use crate::profile::{Effective, Profile};

/// The embedded default main file: the text of the shipped example.
pub const EMBEDDED_MAIN: &str = include_str!("qmvc.toml");

/// The file label of embedded text in problems and sources.
pub const EMBEDDED: &str = "<embedded>";

/// The main file looked for when neither `--config` nor `$QMVC_CONFIG`
/// names one.
pub const SYSTEM_PATH: &str = "/etc/qmvc/qmvc.toml";

/// Largest configuration, profile or import file read (bytes). Anything
/// larger is not a hand-written configuration.
pub const MAX_FILE_BYTES: u64 = 1 << 20;

pub use crate::error::Problem;

/// The loaded main file.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where it came from: a path, or `<embedded>`.
    pub source: String,
    /// `[paths]`.
    pub paths: Paths,
    /// `[mail]`.
    pub mail: Mail,
    /// `[guards]`: who gets guard reports.
    pub guards: Guards,
    /// `[recipient]`: how the address the user knows is worked out.
    pub recipient: RecipientRule,
    /// `[limits]`.
    pub limits: Limits,
    /// `[[engine]]` tables in file order.
    pub engines: Vec<EngineConfig>,
    /// `[user_profiles]`: where per-user profiles are looked up.
    pub user_profiles: UserProfiles,
    /// `[site]`: this delivery host's name.
    pub site: cluster::Site,
    /// `[state]`: where the bomber counters live.
    pub state: cluster::State,
    /// `[log]`: the optional syslog copy of the log line.
    pub log: cluster::Log,
}

/// `[user_profiles]`: the per-user profile (QMVC's `-u`), read only when
/// qmvc runs with `-u`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UserProfiles {
    /// File name in the delivering user's home (`$HOME`). Default
    /// `.qmvc.toml`.
    pub file: String,
}

impl Default for UserProfiles {
    fn default() -> Self {
        UserProfiles {
            file: ".qmvc.toml".into(),
        }
    }
}

/// The main file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct MainFile {
    paths: Paths,
    mail: Mail,
    guards: Guards,
    recipient: RecipientRule,
    limits: Limits,
    user_profiles: UserProfiles,
    site: cluster::Site,
    state: cluster::State,
    log: cluster::Log,
    /// Each `[[engine]]` is read on its own, so that one bad engine does not
    /// hide the problems of the next.
    engine: Vec<toml::Value>,
}

/// `[paths]`: every place qmvc reads or writes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Paths {
    /// The one-line-per-message log (`qmvc.log`).
    pub log: PathBuf,
    /// The incident report file (`qmvc.rep`).
    pub report: PathBuf,
    /// The quarantine Maildir (holds `tmp/ new/ cur/`).
    pub quarantine: PathBuf,
    /// Parent of the per-message work directories.
    pub workdir: PathBuf,
    /// Bomber counters and other state.
    pub state: PathBuf,
    /// Directory of security profiles (`default.toml`, `<domain>.toml`).
    pub profiles: PathBuf,
    /// Site templates overriding the shipped ones.
    pub templates: PathBuf,
    /// Site locales overriding the shipped ones.
    pub locales: PathBuf,
}

impl Default for Paths {
    fn default() -> Self {
        Paths {
            log: "/var/qmail/qmvc/log/qmvc.log".into(),
            report: "/var/qmail/qmvc/log/qmvc.rep".into(),
            quarantine: "/var/qmail/qmvc/quarantine".into(),
            workdir: "/var/qmail/qmvc/work".into(),
            state: "/var/qmail/qmvc/state".into(),
            profiles: "/etc/qmvc/profiles".into(),
            templates: "/etc/qmvc/templates".into(),
            locales: "/etc/qmvc/locales".into(),
        }
    }
}

/// `[mail]`: how qmvc injects mail (forwards, incident reports).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Mail {
    /// argv of the inject program, no shell. Default
    /// `["/var/qmail/bin/qmail-inject"]` (qmail-inject(8)).
    pub inject: Vec<String>,
    /// `From:` of incident reports.
    pub from: String,
    /// Seconds one run of the inject program may take (a forward or one
    /// incident report) before its whole process group is killed. Default
    /// [`crate::notify::INJECT_TIMEOUT`] (60 s); 1 to [`MAIL_TIMEOUT_MAX`].
    /// Written as an integer or a duration string (`"2m"`; [`seconds`]).
    #[serde(deserialize_with = "seconds::required")]
    pub timeout: u64,
}

/// The longest `[mail].timeout` accepted (seconds): one hour. qmail-local
/// itself waits for qmvc without a limit; a queue run must not.
pub const MAIL_TIMEOUT_MAX: u64 = 3600;

impl Mail {
    /// `timeout` as a [`Duration`].
    pub fn timeout(&self) -> Duration {
        Duration::from_secs(self.timeout)
    }
}

impl Default for Mail {
    fn default() -> Self {
        Mail {
            inject: vec!["/var/qmail/bin/qmail-inject".into()],
            from: "qmvc <postmaster>".into(),
            timeout: crate::notify::INJECT_TIMEOUT.as_secs(),
        }
    }
}

/// `[guards]`: the administrators who get incident reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Guards {
    /// Anti-virus guards (virus incidents).
    pub antivirus: Vec<String>,
    /// Badmail guards (badmail and errormail incidents).
    pub badmail: Vec<String>,
}

/// `[recipient]`: how the address the user knows is worked out from
/// qmail-local's environment ([`crate::envelope::user_address`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RecipientRule {
    /// `virtualdomains` (default; `ext` is read as this, the name of an
    /// earlier rule): the prefix qmail-send put in front of `LOCAL` for a
    /// virtual domain, as [`RecipientRule::virtualdomains`] says, comes off;
    /// `recipient`: always `RECIPIENT` as qmail-local gives it.
    pub mode: RecipientMode,
    /// qmail's `control/virtualdomains` (qmail-send(8)). Default
    /// `/var/qmail/control/virtualdomains`. `control/locals` is read from the
    /// same directory (a domain listed there is never rewritten), or
    /// `control/me` when it is missing, as qmail-send does. A missing file
    /// means no virtual domains.
    pub virtualdomains: PathBuf,
}

impl Default for RecipientRule {
    fn default() -> Self {
        RecipientRule {
            mode: RecipientMode::Virtualdomains,
            virtualdomains: "/var/qmail/control/virtualdomains".into(),
        }
    }
}

/// Largest qmail control file read for the recipient (bytes): room for
/// some hundred thousand virtual domains.
pub const MAX_CONTROL_BYTES: u64 = 16 << 20;

impl RecipientRule {
    /// Reads `virtualdomains` and `locals` (or `me`) beside it. A file that
    /// does not exist counts as empty (qmail-send's rule).
    ///
    /// Errors: [`Error::Read`] for a file that exists but cannot be read, is
    /// not a regular file, or is larger than [`MAX_CONTROL_BYTES`]. Filter
    /// mode defers then: a report must not go to a guessed address.
    pub fn load(&self) -> Result<Virtualdomains, Error> {
        if self.mode == RecipientMode::Recipient {
            return Ok(Virtualdomains::default());
        }
        let read = |path: PathBuf| {
            read_control(&path).map_err(|source| Error::Read {
                what: "qmail control file",
                path,
                source,
            })
        };
        let Some(vdoms) = read(self.virtualdomains.clone())? else {
            return Ok(Virtualdomains::default());
        };
        let dir = self.virtualdomains.parent().unwrap_or(Path::new("/"));
        let locals = match read(dir.join("locals"))? {
            Some(l) => l,
            None => read(dir.join("me"))?.unwrap_or_default(),
        };
        Ok(Virtualdomains::parse(&vdoms, &locals))
    }
}

/// A qmail control file's bytes, `None` when it does not exist. Opened
/// without blocking on a FIFO; regular files only.
pub(crate) fn read_control(path: &Path) -> io::Result<Option<Vec<u8>>> {
    let file = match OpenOptions::new()
        .read(true)
        .custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits())
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    if !file.metadata()?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    let mut bytes = Vec::new();
    file.take(MAX_CONTROL_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_CONTROL_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {MAX_CONTROL_BYTES} bytes"),
        ));
    }
    Ok(Some(bytes))
}

pub use crate::envelope::RecipientMode;

/// Where the main file comes from.
enum Origin {
    File(PathBuf),
    Embedded,
}

/// `--config`, else `$QMVC_CONFIG` (when not empty), else `system` when it
/// exists, else the embedded default.
fn locate(explicit: Option<&Path>, env_value: Option<&OsStr>, system: &Path) -> Origin {
    if let Some(path) = explicit {
        return Origin::File(path.to_path_buf());
    }
    if let Some(value) = env_value.filter(|v| !v.is_empty()) {
        return Origin::File(PathBuf::from(value));
    }
    match system.try_exists() {
        // A file that exists but cannot be looked at is still "there": the
        // read reports it rather than silently falling back.
        Ok(false) => Origin::Embedded,
        _ => Origin::File(system.to_path_buf()),
    }
}

/// The main file [`Config::load`] would read: `Some(path)` for a file
/// (`--config`, `$QMVC_CONFIG`, or `/etc/qmvc/qmvc.toml` when it exists),
/// `None` for the embedded default. For `config check` and the notes that
/// say which configuration was used.
pub fn main_file(explicit: Option<&Path>, env_value: Option<&OsStr>) -> Option<PathBuf> {
    match locate(explicit, env_value, Path::new(SYSTEM_PATH)) {
        Origin::File(path) => Some(path),
        Origin::Embedded => None,
    }
}

/// Reads a site configuration file (main file, profile, qmail-scanner
/// import) as UTF-8: at most [`MAX_FILE_BYTES`], regular files only (a FIFO
/// or device is refused without blocking on it), and one that everyone may
/// write is refused ([`permissions::site`]).
pub(crate) fn read_text(path: &Path) -> io::Result<String> {
    read_checked(path, false, |meta| {
        permissions::site(meta).map_err(permissions::Untrusted::into_io)
    })
}

/// Reads `path` as [`read_text`] does, with `check` on the open file's
/// metadata instead of the site rule; `no_follow` refuses a symbolic link
/// (`O_NOFOLLOW`: the check then sees the file itself).
pub(crate) fn read_checked(
    path: &Path,
    no_follow: bool,
    check: impl Fn(&std::fs::Metadata) -> io::Result<()>,
) -> io::Result<String> {
    let mut flags = nix::fcntl::OFlag::O_NONBLOCK;
    if no_follow {
        flags |= nix::fcntl::OFlag::O_NOFOLLOW;
    }
    let file: File = match OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits())
        .open(path)
    {
        Ok(f) => f,
        // open(2) says ELOOP for a final symbolic link under O_NOFOLLOW.
        Err(e) if no_follow && e.raw_os_error() == Some(nix::errno::Errno::ELOOP as i32) => {
            return Err(permissions::Untrusted("a symbolic link".into()).into_io());
        }
        Err(e) => return Err(e),
    };
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    check(&meta)?;
    // Room for the size the file has now (one read, not a growing series
    // of small ones); it may still change while read.
    let mut bytes = Vec::with_capacity(meta.len().min(MAX_FILE_BYTES) as usize + 1);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("larger than {MAX_FILE_BYTES} bytes"),
        ));
    }
    String::from_utf8(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "not UTF-8 text"))
}

impl Config {
    /// Loads the main file: `explicit` (`--config`), else `env_value` (the
    /// value of `$QMVC_CONFIG`, passed in by the caller), else
    /// `/etc/qmvc/qmvc.toml` when it exists, else [`Config::embedded`].
    ///
    /// Errors: [`Error::Read`] when the chosen file cannot be read;
    /// [`Error::Config`] with every problem (`file: key: problem`) when it
    /// is invalid.
    pub fn load(explicit: Option<&Path>, env_value: Option<&OsStr>) -> Result<Config, Error> {
        Config::load_from(explicit, env_value, Path::new(SYSTEM_PATH))
    }

    /// [`Config::load`] with another system path (for tests).
    pub fn load_from(
        explicit: Option<&Path>,
        env_value: Option<&OsStr>,
        system: &Path,
    ) -> Result<Config, Error> {
        match locate(explicit, env_value, system) {
            Origin::Embedded => {
                let config = Config::embedded();
                permissions::check_dirs(&config.paths)?;
                Ok(config)
            }
            Origin::File(path) => {
                let text = read_text(&path).map_err(|source| Error::Read {
                    what: "configuration",
                    path: path.clone(),
                    source,
                })?;
                let (config, problems) = Config::parse(&text, &path.display().to_string());
                if !problems.is_empty() {
                    return Err(Error::Config { problems });
                }
                // Whoever may write these steers qmvc (qmail-local's rule
                // for dot-qmail files).
                permissions::check_dirs(&config.paths)?;
                Ok(config)
            }
        }
    }

    /// The embedded default configuration (no engine, the paths of
    /// `src/config/qmvc.toml`).
    pub fn embedded() -> Config {
        Config::from_table(crate::embedded::main_file(), EMBEDDED, Vec::new()).0
    }

    /// Reads `text` (the main file, labelled `file` in problems). Returns
    /// the configuration made of everything valid, and every problem; the
    /// configuration is only fit for use when there is none.
    pub fn parse(text: &str, file: &str) -> (Config, Vec<Problem>) {
        let mut found: Vec<(String, String)> = Vec::new();
        let table = lenient::parse_table(text).unwrap_or_else(|problem| {
            found.push(problem);
            toml::Table::new()
        });
        Config::from_table(table, file, found)
    }

    /// [`Config::parse`] of a table already parsed, with the problems
    /// `found` so far.
    fn from_table(
        table: toml::Table,
        file: &str,
        mut found: Vec<(String, String)>,
    ) -> (Config, Vec<Problem>) {
        let (main, problems) = lenient::deserialize_all::<MainFile>(table, "");
        found.extend(problems);
        let main = main.unwrap_or_default();
        let mut engines = Vec::with_capacity(main.engine.len());
        // Position in the file of each engine kept, for validate's keys.
        let mut positions = Vec::with_capacity(main.engine.len());
        for (i, value) in main.engine.into_iter().enumerate() {
            let prefix = format!("engine[{i}]");
            let toml::Value::Table(table) = value else {
                found.push((prefix, "expected a table".into()));
                continue;
            };
            let (engine, problems) = lenient::deserialize_all::<EngineConfig>(table, &prefix);
            found.extend(problems);
            if engine.is_some() {
                positions.push(i);
            }
            engines.extend(engine);
        }
        // validate numbers the engines it was given; map them back to the
        // file, and say nothing more about a key that already has a problem
        // (its bad value was dropped, so validate sees it missing).
        for (key, what) in crate::engines::validate(&engines) {
            let key = renumber_engine_key(&key, &positions);
            if !found.iter().any(|(k, _)| *k == key) {
                found.push((key, what));
            }
        }
        let config = Config {
            source: file.to_string(),
            paths: main.paths,
            mail: main.mail,
            guards: main.guards,
            recipient: main.recipient,
            limits: main.limits,
            engines,
            user_profiles: main.user_profiles,
            site: main.site,
            state: main.state,
            log: main.log,
        };
        config.check(&mut found);
        let problems = found
            .into_iter()
            .map(|(key, what)| Problem {
                file: file.to_string(),
                key,
                what,
            })
            .collect();
        (config, problems)
    }

    /// Checks values serde cannot: absolute paths, the inject program,
    /// addresses, limits, the per-user file name.
    fn check(&self, found: &mut Vec<(String, String)>) {
        let p = &self.paths;
        let paths = [
            ("log", &p.log),
            ("report", &p.report),
            ("quarantine", &p.quarantine),
            ("workdir", &p.workdir),
            ("state", &p.state),
            ("profiles", &p.profiles),
            ("templates", &p.templates),
            ("locales", &p.locales),
        ];
        for (key, path) in paths {
            // qmail-local runs qmvc in the user's home: a relative path would
            // land in a different place for every user.
            if !path.is_absolute() {
                found.push((format!("paths.{key}"), "must be an absolute path".into()));
            }
        }
        match self.mail.inject.first() {
            None => found.push(("mail.inject".into(), "must name a program".into())),
            Some(program) if !Path::new(program).is_absolute() => {
                found.push(("mail.inject[0]".into(), "must be an absolute path".into()));
            }
            Some(_) => {}
        }
        if self.mail.from.trim().is_empty() || self.mail.from.chars().any(char::is_control) {
            found.push(("mail.from".into(), "must be one line of text".into()));
        } else if !is_one_mailbox(&self.mail.from) {
            found.push((
                "mail.from".into(),
                format!(
                    "{:?} is not one address (a From: of reports names one sender, \
                     e.g. \"qmvc <postmaster@example.com>\")",
                    self.mail.from
                ),
            ));
        }
        if !(1..=MAIL_TIMEOUT_MAX).contains(&self.mail.timeout) {
            found.push((
                "mail.timeout".into(),
                format!("must be 1 to {MAIL_TIMEOUT_MAX} seconds"),
            ));
        }
        let guards = [
            ("antivirus", &self.guards.antivirus),
            ("badmail", &self.guards.badmail),
        ];
        for (key, list) in guards {
            for (i, address) in list.iter().enumerate() {
                if !profiles::is_address(address) {
                    found.push((
                        format!("guards.{key}[{i}]"),
                        format!("{address:?} is not an address"),
                    ));
                }
            }
        }
        let l = &self.limits;
        let limits = [
            ("max_message_bytes", l.max_message_bytes),
            ("max_header_bytes", l.max_header_bytes),
            ("max_depth", l.max_depth),
            ("max_parts", l.max_parts),
            ("max_decoded_bytes", l.max_decoded_bytes),
            ("max_uuencode_blocks", l.max_uuencode_blocks),
        ];
        for (key, value) in limits {
            if value == 0 {
                found.push((format!("limits.{key}"), "must be above 0".into()));
            }
        }
        if !self.recipient.virtualdomains.is_absolute() {
            found.push((
                "recipient.virtualdomains".into(),
                "must be an absolute path".into(),
            ));
        }
        found.extend(cluster::check(&self.site, &self.state, &self.log));
        let file = &self.user_profiles.file;
        if file.is_empty() || file.contains('/') || file == "." || file == ".." {
            found.push((
                "user_profiles.file".into(),
                "must be a file name in the user's home".into(),
            ));
        }
    }

    /// The compiled profile for a message to `domain` (`HOST`): the exact
    /// domain's profile, else each parent domain's, else `default`, laid
    /// over the embedded default through `extends`; then, with
    /// `user_home`, the per-user profile found there.
    ///
    /// Errors: [`Error::Read`] when a file on the path exists but cannot be
    /// read; [`Error::Config`] with every problem when one is invalid.
    pub fn profile_for(&self, domain: &str, user_home: Option<&Path>) -> Result<Profile, Error> {
        let (profile, problems) = profiles::build(self, domain, user_home)?;
        if problems.is_empty() {
            Ok(profile)
        } else {
            Err(Error::Config { problems })
        }
    }

    /// `config show`: the effective profile for `domain` (and the user
    /// whose home is `user_home`), as plain data with its sources; render
    /// it with [`Effective::to_toml`] or [`Effective::to_json`].
    ///
    /// Errors: as [`Config::profile_for`].
    pub fn effective(&self, domain: &str, user_home: Option<&Path>) -> Result<Effective, Error> {
        self.profile_for(domain, user_home)
            .map(|profile| Effective {
                engines: self.engines.iter().map(EngineConfig::effective).collect(),
                ..Effective::of(&profile)
            })
    }
}

/// `engine[N]...` with N an index into the engines kept, rewritten to the
/// engine's position in the file.
fn renumber_engine_key(key: &str, positions: &[usize]) -> String {
    let renumbered = key
        .strip_prefix("engine[")
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(n, rest)| Some((positions.get(n.parse::<usize>().ok()?)?, rest)));
    match renumbered {
        Some((n, rest)) => format!("engine[{n}]{rest}"),
        None => key.to_string(),
    }
}

/// `config check`: validates the main file (resolved as [`Config::load`]
/// does), the embedded default profile, every profile in
/// `[paths].profiles` (each resolved through `extends`), their regexes,
/// globs and imported qmail-scanner files, and the engine definitions.
/// Returns every problem, in file order, each once; empty when all is well.
pub fn check_all(explicit: Option<&Path>, env_value: Option<&OsStr>) -> Vec<Problem> {
    check_all_from(explicit, env_value, Path::new(SYSTEM_PATH))
}

/// [`check_all`] with another system path (for tests).
pub fn check_all_from(
    explicit: Option<&Path>,
    env_value: Option<&OsStr>,
    system: &Path,
) -> Vec<Problem> {
    check_full_from(explicit, env_value, system).problems
}

/// What `config check` found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Checked {
    /// What must be fixed (`config check` exits 1): [`check_all`]'s list.
    pub problems: Vec<Problem>,
    /// What works but may not be what the site meant (said, exit 0): a
    /// language without a site sentence that English has, a profiles
    /// directory that does not exist.
    pub warnings: Vec<Problem>,
}

/// [`check_all`] with the warnings too.
pub fn check_full(explicit: Option<&Path>, env_value: Option<&OsStr>) -> Checked {
    check_full_from(explicit, env_value, Path::new(SYSTEM_PATH))
}

/// [`check_full`] with another system path (for tests).
pub fn check_full_from(
    explicit: Option<&Path>,
    env_value: Option<&OsStr>,
    system: &Path,
) -> Checked {
    let (config, mut problems) = match locate(explicit, env_value, system) {
        Origin::Embedded => {
            let (config, mut problems) = Config::parse(EMBEDDED_MAIN, EMBEDDED);
            problems.extend(permissions::problems(&config.paths, None, EMBEDDED));
            (config, problems)
        }
        Origin::File(path) => {
            let file = path.display().to_string();
            // Read whatever its mode: a main file everyone may write is one
            // problem among the others (listed below), not the only one.
            match read_checked(&path, false, |_| Ok(())) {
                Ok(text) => {
                    let (config, mut problems) = Config::parse(&text, &file);
                    problems.extend(permissions::problems(&config.paths, Some(&path), &file));
                    (config, problems)
                }
                Err(e) => {
                    return Checked {
                        problems: vec![Problem {
                            file,
                            key: "-".into(),
                            what: format!("cannot read: {e}"),
                        }],
                        warnings: Vec::new(),
                    };
                }
            }
        }
    };
    if let Err(e) = config.recipient.load() {
        problems.push(Problem {
            file: config.source.clone(),
            key: "recipient.virtualdomains".into(),
            what: e.chain(),
        });
    }
    let (profile_problems, profile_warnings) = profiles::check_directory(&config);
    problems.extend(profile_problems);
    problems.extend(engine_programs(&config));
    problems.extend(forward_loops(&config));
    // Site templates and locales (the shipped ones are checked by the
    // tests): a broken override must show up before an incident needs it.
    let sources = crate::notify::Sources {
        templates: Some(config.paths.templates.as_path()),
        locales: Some(config.paths.locales.as_path()),
    };
    let (site_problems, site_warnings) = crate::notify::check_sources_full(&sources);
    let whole_file = |(file, what): (String, String)| Problem {
        file,
        key: "-".into(),
        what,
    };
    problems.extend(site_problems.into_iter().map(whole_file));
    let mut warnings: Vec<Problem> = site_warnings.into_iter().map(whole_file).collect();
    warnings.extend(profile_warnings);
    // A missing control/virtualdomains means no virtual domain (qmail-send's
    // rule), so filter mode cannot tell a typo in the path: every report
    // and log line would then name the prefixed local part.
    if config.recipient.mode == RecipientMode::Virtualdomains
        && let Err(e) = std::fs::metadata(&config.recipient.virtualdomains)
        && e.kind() == io::ErrorKind::NotFound
    {
        warnings.push(Problem {
            file: config.source.clone(),
            key: "recipient.virtualdomains".into(),
            what: format!(
                "{} does not exist: no domain is taken as virtual, and recipients of virtual \
                 domains are named with their prefix (example-com-info@example.com)",
                config.recipient.virtualdomains.display()
            ),
        });
    }
    // The parser walks no deeper than its own cap, whatever is set.
    if config.limits.max_depth > crate::message::HARD_MAX_DEPTH {
        warnings.push(Problem {
            file: config.source.clone(),
            key: "limits.max_depth".into(),
            what: format!(
                "{}: MIME nesting is walked at most {} levels deep; deeper content is \
                 unchecked whatever this says",
                config.limits.max_depth,
                crate::message::HARD_MAX_DEPTH
            ),
        });
    }
    // Filter mode falls back to the embedded default profile without a
    // word when the directory is missing: a typo in [paths].profiles
    // would silently drop every site profile.
    if let Err(e) = std::fs::metadata(&config.paths.profiles)
        && e.kind() == io::ErrorKind::NotFound
    {
        warnings.push(Problem {
            file: config.source.clone(),
            key: "paths.profiles".into(),
            what: format!(
                "{} does not exist: every domain gets the built-in default profile",
                config.paths.profiles.display()
            ),
        });
    }
    Checked {
        problems: once_each(problems),
        warnings: once_each(warnings),
    }
}

/// Every command engine whose program is an absolute path that does not
/// exist or is not an executable file: every message would defer (111)
/// until it is fixed, so `config check` says so without `--probe`. A
/// program named without a `/` (a preset's) is looked up in `PATH` when it
/// runs; `--probe` runs it.
fn engine_programs(config: &Config) -> Vec<Problem> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    for e in &config.engines {
        let Some(program) = e.command.first().map(Path::new) else {
            continue;
        };
        if e.kind != crate::engines::EngineKind::Command || !program.is_absolute() {
            continue;
        }
        let what = match std::fs::metadata(program) {
            Err(err) => format!(
                "{}: {err}: every message would defer (111)",
                program.display()
            ),
            Ok(m) if !m.is_file() || m.permissions().mode() & 0o111 == 0 => format!(
                "{} is not an executable file: every message would defer (111)",
                program.display()
            ),
            Ok(_) => continue,
        };
        out.push(Problem {
            file: config.source.clone(),
            key: format!("engine.{}.command", e.name),
            what,
        });
    }
    out
}

/// True when `from` is one mailbox as a `From:` field holds it
/// (RFC 5322 §3.4): `addr`, or `display name <addr>`, with quoted strings
/// and comments; the address may lack a domain (qmail-inject completes
/// it). Not a list (`a@b, c@d`), not a group (`name: a@b;`), not two
/// words where one address belongs.
fn is_one_mailbox(from: &str) -> bool {
    let (mut quoted, mut escaped, mut comment, mut in_angle) = (false, false, 0u32, false);
    let (mut angles, mut inside, mut outside) = (0u32, String::new(), String::new());
    for c in from.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' if quoted || comment > 0 => escaped = true,
            '"' if comment == 0 && !in_angle => quoted = !quoted,
            _ if quoted => {}
            '(' if !in_angle => comment += 1,
            ')' if !in_angle && comment > 0 => comment -= 1,
            _ if comment > 0 => {}
            '<' if !in_angle && angles == 0 => {
                angles = 1;
                in_angle = true;
            }
            '>' if in_angle => in_angle = false,
            ',' | ';' | ':' | '<' | '>' | '(' | ')' => return false,
            c if in_angle => inside.push(c),
            // Only blanks may follow `<addr>`.
            c if angles == 1 => {
                if !c.is_whitespace() {
                    return false;
                }
            }
            c => outside.push(c),
        }
    }
    if quoted || comment > 0 || in_angle {
        return false;
    }
    let address = if angles == 1 { inside } else { outside };
    let address = address.trim();
    !address.is_empty() && !address.chars().any(char::is_whitespace)
}

/// Every profile (the default and each file in `[paths].profiles`) that
/// forwards to an address whose own delivery runs qmvc: the forwarded
/// message would meet qmvc again, be forwarded again, and loop until qmail
/// bounces it ([`dotqmail`]).
fn forward_loops(config: &Config) -> Vec<Problem> {
    let mut names = vec!["default".to_string()];
    if let Ok(entries) = std::fs::read_dir(&config.paths.profiles) {
        let mut found: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".toml").map(str::to_string)
            })
            .filter(|n| n != "default")
            .collect();
        found.sort();
        names.extend(found);
    }
    let qmail = dotqmail::Qmail::read(&config.recipient.virtualdomains);
    let mut problems = Vec::new();
    for name in names {
        let Ok(profile) = config.profile_for(&name, None) else {
            continue;
        };
        let a = &profile.actions;
        let forwards = [a.virus, a.badmail, a.unchecked, a.errormail]
            .contains(&crate::verdict::Action::Forward);
        let Some(to) = a.forward_to.as_ref().filter(|_| forwards) else {
            continue;
        };
        if let Some(file) = qmail.runs_qmvc(to) {
            problems.push(Problem {
                file: profile.sources.last().cloned().unwrap_or(name),
                key: "actions.forward_to".into(),
                what: format!(
                    "{to} is delivered through {}, which runs qmvc: the forwarded message \
                     would be judged and forwarded again until qmail bounces it as a loop; \
                     forward to an address whose dot-qmail does not run qmvc",
                    file.display()
                ),
            });
        }
    }
    problems
}

/// `problems` in their order, each once.
fn once_each(problems: Vec<Problem>) -> Vec<Problem> {
    let mut unique: Vec<Problem> = Vec::with_capacity(problems.len());
    for problem in problems {
        if !unique.contains(&problem) {
            unique.push(problem);
        }
    }
    unique
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_from_is_one_mailbox() {
        for ok in [
            "qmvc <postmaster>",
            "postmaster",
            "qmvc <postmaster@example.com>",
            "\"qmvc, the filter\" <postmaster@example.com>",
            "postmaster@example.com (qmvc)",
        ] {
            assert!(is_one_mailbox(ok), "{ok}");
        }
        for bad in [
            "a@b.test, c@d.test",
            "a@b.test c@d.test",
            "x: a@b.test;",
            "<a@b.test> <c@d.test>",
            "qmvc <a@b.test> c@d.test",
            "qmvc <>",
            "\"open <a@b.test>",
        ] {
            assert!(!is_one_mailbox(bad), "{bad}");
        }
    }
}
