//! Security profiles: `profiles/default.toml` and `profiles/<domain>.toml`
//! as written, resolved through `extends`, and compiled once into a
//! [`Profile`] the rules evaluate.
//!
//! Selection by `HOST`: the exact domain, then each parent domain, then
//! `default`. Optional per-user profiles (QMVC's `-u`) come last.

use serde::Serialize;

use crate::engines::ScanPolicy;
use crate::verdict::ActionPolicy;

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
}

/// The effective profile as plain data, for `config show`.
#[derive(Debug, Clone, Serialize)]
pub struct Effective {
    /// Name and sources.
    pub name: String,
    /// Files it was built from.
    pub sources: Vec<String>,
}
