//! `[conditions.archives]`: which containers qmvc opens, which extension
//! list the names of their members meet, and the caps on the work
//! (as written, [`ArchivesSpec`], and compiled, [`ArchiveRules`]).
//!
//! Pure data and validation.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::{FilenameRules, normalise_extension};
use crate::container::{Format, HEAD, Limits, Settings};

/// `[conditions.archives]` as written. On by default with every format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ArchivesSpec {
    /// Open containers at all. Default true.
    pub enabled: bool,
    /// The formats opened (`zip`, `7z`, `rar`, `tar`, `gzip`, `bzip2`,
    /// `xz`, `zstd`, `lz4`, `cab`, `cpio`, `ar`, `iso`, `udf`). Default
    /// all of them.
    pub formats: Vec<Format>,
    /// The extensions banned in member names: `"attachments"` (the
    /// default) uses `[conditions.filename] extensions`; a list of its
    /// own replaces that list for members (rspamd's `archive_extensions`),
    /// the other filename rules (globs, regexes, names) still apply.
    pub extensions: MemberExtensions,
    /// Members listed per container (count); ten times this over the
    /// whole message. Default 1000.
    pub max_members: usize,
    /// Containers opened inside one another, the attachment being 1
    /// (count). Default 4.
    pub max_depth: usize,
    /// Bytes decompressed over the whole message (bytes). Default 64 MiB.
    pub max_bytes: u64,
    /// Largest size-to-packed-size ratio of a member of 1 MiB or more
    /// before it counts as a decompression bomb. Default 200.
    pub max_ratio: u64,
}

impl Default for ArchivesSpec {
    fn default() -> Self {
        let limits = Limits::default();
        ArchivesSpec {
            enabled: true,
            formats: Format::ALL.to_vec(),
            extensions: MemberExtensions::default(),
            max_members: limits.max_members,
            max_depth: limits.max_depth,
            max_bytes: limits.max_bytes,
            max_ratio: limits.max_ratio,
        }
    }
}

/// `extensions` of `[conditions.archives]`: the word `"attachments"` or a
/// list of extensions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum MemberExtensions {
    /// `"attachments"`: the attachment list.
    Same(String),
    /// A list of its own (`["exe", ".js"]`).
    Own(Vec<String>),
}

impl Default for MemberExtensions {
    fn default() -> Self {
        MemberExtensions::Same("attachments".into())
    }
}

/// `[conditions.archives]` compiled.
#[derive(Debug, Clone)]
pub(crate) struct ArchiveRules {
    /// What the expansion step may open.
    pub(crate) settings: Settings,
    /// The filename rules for member names when they differ from the
    /// attachments' (an own extension list), `None` when they do not.
    pub(crate) members: Option<FilenameRules>,
}

/// Compiles `spec`; `filename` is the compiled attachment rules (with
/// their description), `None` when that condition is off. Problems are
/// `(key, problem)` under `conditions.archives.`.
pub(crate) fn compile(
    spec: &ArchivesSpec,
    filename: Option<&FilenameRules>,
    description: &str,
    p: &mut Vec<(String, String)>,
) -> Option<ArchiveRules> {
    if !spec.enabled {
        return None;
    }
    let key = |k: &str| format!("conditions.archives.{k}");
    let mut check = |ok: bool, k: &str, what: &str| {
        if !ok {
            p.push((key(k), what.to_string()));
        }
    };
    check(spec.max_members >= 1, "max_members", "must be at least 1");
    check(
        spec.max_depth >= 1,
        "max_depth",
        "must be at least 1 (set enabled = false to open nothing)",
    );
    check(
        spec.max_bytes >= HEAD as u64,
        "max_bytes",
        &format!("must be at least {HEAD} bytes"),
    );
    check(spec.max_ratio >= 1, "max_ratio", "must be at least 1");
    let members = match &spec.extensions {
        MemberExtensions::Same(word) => {
            if word != "attachments" {
                p.push((
                    key("extensions"),
                    format!("{word:?}: \"attachments\" or a list of extensions"),
                ));
            }
            None
        }
        MemberExtensions::Own(list) => {
            let mut extensions = HashMap::new();
            for (i, ext) in list.iter().enumerate() {
                match normalise_extension(ext) {
                    Some(ext) => {
                        extensions.insert(ext, description.to_string());
                    }
                    None => p.push((
                        format!("conditions.archives.extensions[{i}]"),
                        format!("{ext:?} is not an extension"),
                    )),
                }
            }
            Some(match filename {
                Some(rules) => FilenameRules {
                    extensions,
                    ..rules.clone()
                },
                None => FilenameRules {
                    extensions,
                    ..FilenameRules::default()
                },
            })
        }
    };
    Some(ArchiveRules {
        settings: Settings {
            formats: spec.formats.clone(),
            limits: Limits {
                max_members: spec.max_members.max(1),
                max_depth: spec.max_depth.max(1),
                max_bytes: spec.max_bytes.max(HEAD as u64),
                max_ratio: spec.max_ratio.max(1),
            },
            // Set from [conditions.macro] by `Conditions::container_settings`.
            macros: true,
        },
        members,
    })
}
