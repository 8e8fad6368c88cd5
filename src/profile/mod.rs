//! Security profiles: `profiles/default.toml` and `profiles/<domain>.toml`
//! as written, resolved through `extends`, and compiled once into a
//! [`Profile`] the rules evaluate.
//!
//! Selection by `HOST`: the exact domain, then each parent domain, then
//! `default`. Optional per-user profiles (QMVC's `-u`) come last.
//!
//! Layering, most general first: the embedded default profile (the text of
//! the shipped `profiles/default.toml`), the directory's `default.toml`,
//! every profile named by `extends` (a profile without `extends` extends
//! `default`), the domain's profile, the user's. Tables merge key by key;
//! any other value, arrays included, replaces the one below it. A problem
//! is blamed on the file that wrote the key.
//!
//! The per-user profile is `[user_profiles].file` (default `.qmvc.toml`)
//! in the delivering user's home, a file of the user's own
//! ([`crate::config::permissions::user`]). It may only set `description`,
//! `language`, `[conditions]` (without `filename.import`) and `[actions]`
//! (without `virus` and `forward_to`): a user may tighten or loosen what
//! counts as badmail and what is done with badmail and errormail, never
//! name engines, programs, paths or addresses, nor change what happens to
//! a virus. A badmail verdict that passes never skips the engines
//! (`bypass`), so a user who passes badmail still has viruses stopped.
//!
//! The shapes only: finding and reading the files is the configuration
//! loader's (`crate::config`), so this module does no I/O.

pub mod reactions;
pub mod scan;

use serde::{Deserialize, Serialize};

use crate::rules::spec::ConditionsSpec;
use crate::verdict::ActionPolicy;
use scan::ScanPolicy;

/// The embedded default profile: the same text as the shipped
/// `profiles/default.toml`.
pub const EMBEDDED_DEFAULT: &str = include_str!("../../profiles/default.toml");

/// The file label of the embedded default profile in sources and problems.
pub const EMBEDDED: &str = "<embedded>";

/// A resolved, compiled security profile.
#[derive(Debug, Clone)]
pub struct Profile {
    /// The profile's name as logged: `default`, the domain, or
    /// `user:NAME` for a per-user profile.
    pub name: String,
    /// The files it was built from, most general first (`<embedded>` for
    /// the built-in default).
    pub sources: Vec<String>,
    /// Free text shown by `config show`.
    pub description: String,
    /// Language tag for guard and recipient reports (`en`, `de`, ...).
    pub language: String,
    /// The compiled Conditions.
    pub conditions: crate::rules::Conditions,
    /// `[scan]`: the anti-virus chain.
    pub scan: ScanPolicy,
    /// `[actions]`: what each verdict leads to.
    pub actions: ActionPolicy,
    /// `[reactions]` (merged through `extends`): guard, recipient and
    /// sender reports, languages, bomber limits.
    pub reactions: reactions::Reactions,
    /// The effective profile as read (every key with its value, defaults
    /// included), for `config show` ([`Profile::effective`]).
    pub spec: ProfileSpec,
}

impl Profile {
    /// The whole effective profile as TOML data, for `config show`. Built
    /// on demand: filter mode never needs it.
    pub fn effective(&self) -> toml::Table {
        toml::Table::try_from(&self.spec).unwrap_or_default()
    }
}

/// A profile file as written (every key optional: a profile lays only what
/// it changes over the one it extends).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProfileSpec {
    /// The profile this one is laid over (`profiles/<name>.toml`); absent
    /// means `default`. Not allowed in `default.toml` itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extends: Option<String>,
    /// Free text shown by `config show`.
    pub description: String,
    /// Language tag for guard and recipient reports.
    pub language: String,
    /// `[conditions]`.
    pub conditions: ConditionsSpec,
    /// `[scan]`.
    pub scan: ScanPolicy,
    /// `[actions]`.
    pub actions: ActionPolicy,
    /// `[reactions]`, kept as written.
    pub reactions: toml::Table,
}

/// What `config show` says above the engines: they come from the main
/// file, and what each policy key means.
const ENGINE_KEYS: &str = "
# Engines of the main file, every key as it takes effect:
# input: message | parts | both (what the engine is given);
# max_size: bytes handed over at most (absent: only the engine's own limit);
# oversize: what content no engine view could take means: unchecked
#   (the default) | error (on_error decides) | errormail | skip (fails open);
# heuristics: what \"could not examine\" answers mean (Heuristics.Limits.*,
#   Heuristics.Encrypted.*, unchecked_exit): unchecked (the default) | virus
#   | errormail | ignore (fails open).
";

/// The effective profile as plain data, for `config show`.
#[derive(Debug, Clone, Serialize)]
pub struct Effective {
    /// Name and sources.
    pub name: String,
    /// Files it was built from.
    pub sources: Vec<String>,
    /// Every key of the profile with its effective value.
    pub profile: toml::Table,
    /// Every `[[engine]]` of the main file with every key's effective
    /// value ([`crate::engines::EngineConfig::effective`]).
    pub engines: Vec<toml::Table>,
}

impl Effective {
    /// The effective profile of `profile`.
    pub fn of(profile: &Profile) -> Effective {
        Effective {
            name: profile.name.clone(),
            sources: profile.sources.clone(),
            profile: profile.effective(),
            engines: Vec::new(),
        }
    }

    /// As a profile file would be written, headed by comments naming the
    /// profile and its sources.
    pub fn to_toml(&self) -> String {
        let mut out = format!("# profile: {}\n", self.name);
        for source in &self.sources {
            out.push_str(&format!("# source: {source}\n"));
        }
        out.push('\n');
        out.push_str(&toml::to_string_pretty(&self.profile).unwrap_or_default());
        if !self.engines.is_empty() {
            out.push_str(ENGINE_KEYS);
            let mut engines = toml::Table::new();
            engines.insert(
                "engine".into(),
                toml::Value::Array(
                    self.engines
                        .iter()
                        .cloned()
                        .map(toml::Value::Table)
                        .collect(),
                ),
            );
            out.push_str(&toml::to_string_pretty(&engines).unwrap_or_default());
        }
        out
    }

    /// `{"name": ..., "sources": [...], "profile": {...}}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }
}
