//! The `[conditions]` table of a profile as written (serde shapes), before
//! compilation. Every table has defaults for every key, so that a profile
//! lays only what it changes over the one it extends.
//!
//! Pure data.

use std::fmt;
use std::path::PathBuf;

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

/// `[conditions]`: QMVC's Conditions, in its order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ConditionsSpec {
    /// `[conditions.subject]`.
    pub subject: SubjectSpec,
    /// `[conditions.body]`.
    pub body: BodySpec,
    /// `[conditions.filename]`.
    pub filename: FilenameSpec,
    /// `[conditions.mimetype]`.
    pub mimetype: MimetypeSpec,
    /// `[conditions.macro]`.
    pub r#macro: MacroSpec,
    /// `[conditions.nullsender]`.
    pub nullsender: NullsenderSpec,
    /// `[conditions.errormail]`.
    pub errormail: ErrormailSpec,
    /// `[conditions.unchecked]`.
    pub unchecked: UncheckedSpec,
    /// `[conditions.archives]`: containers opened and their caps.
    pub archives: super::ArchivesSpec,
}

/// A pattern rule: either a bare string (the condition's description
/// applies) or `{ pattern = "...", description = "..." }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RuleSpec {
    /// A regular expression (regex crate syntax), a glob or a type,
    /// depending on the list it is in.
    pub pattern: String,
    /// What the rule is for, shown in findings; `None` = the condition's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl<'de> Deserialize<'de> for RuleSpec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Full {
            pattern: String,
            #[serde(default)]
            description: Option<String>,
        }

        struct RuleVisitor;

        impl<'de> Visitor<'de> for RuleVisitor {
            type Value = RuleSpec;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or a table with pattern and description")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<RuleSpec, E> {
                Ok(RuleSpec {
                    pattern: v.to_string(),
                    description: None,
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RuleSpec, A::Error> {
                let full = Full::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(RuleSpec {
                    pattern: full.pattern,
                    description: full.description,
                })
            }
        }

        deserializer.deserialize_any(RuleVisitor)
    }
}

/// A check that is on or off: `true`/`false`, or a string, which turns it
/// on with that text as its description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Toggle {
    /// On (with the built-in description) or off.
    Flag(bool),
    /// On, with this description.
    Described(String),
}

impl Toggle {
    /// The description to use when on, `None` when off.
    pub fn description(&self, built_in: &str) -> Option<String> {
        match self {
            Toggle::Flag(false) => None,
            Toggle::Flag(true) => Some(built_in.to_string()),
            Toggle::Described(text) => Some(text.clone()),
        }
    }
}

impl<'de> Deserialize<'de> for Toggle {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ToggleVisitor;

        impl Visitor<'_> for ToggleVisitor {
            type Value = Toggle;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("true, false or a description")
            }

            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Toggle, E> {
                Ok(Toggle::Flag(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Toggle, E> {
                Ok(Toggle::Described(v.to_string()))
            }
        }

        deserializer.deserialize_any(ToggleVisitor)
    }
}

/// `[conditions.subject]`: regexes on the decoded, unfolded subject, and
/// header rules (qmail-scanner's `Header:` lines, or written here).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SubjectSpec {
    /// Off skips the condition entirely (nothing is compiled).
    pub enabled: bool,
    /// Description for rules that have none of their own.
    pub description: String,
    /// Regexes are case-insensitive unless this is true.
    pub case_sensitive: bool,
    /// Regexes on the subject.
    pub rules: Vec<RuleSpec>,
    /// Regexes on other top-level header fields.
    pub headers: Vec<HeaderRuleSpec>,
}

impl Default for SubjectSpec {
    fn default() -> Self {
        SubjectSpec {
            enabled: false,
            description: "subject not accepted".into(),
            case_sensitive: false,
            rules: Vec::new(),
            headers: Vec::new(),
        }
    }
}

/// `{ header = "X-Mailer", pattern = "...", description = "..." }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HeaderRuleSpec {
    /// The header field name, without the colon (case-insensitive).
    pub header: String,
    /// A regex on the field's decoded, unfolded value.
    pub pattern: String,
    /// What the rule is for; `None` = the condition's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `[conditions.body]`: regexes over every decoded text part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BodySpec {
    /// Off by default, as in QMVC.
    pub enabled: bool,
    /// Description for rules that have none of their own.
    pub description: String,
    /// Regexes are case-insensitive unless this is true.
    pub case_sensitive: bool,
    /// Regexes on each text part (`Part::text`, HTML included).
    pub rules: Vec<RuleSpec>,
    /// Bytes of each text part given to the regexes, the regex input
    /// limit (a longer text is an errormail finding: the rest is not
    /// examined). Default 1 MiB.
    pub max_bytes: usize,
}

impl Default for BodySpec {
    fn default() -> Self {
        BodySpec {
            enabled: false,
            description: "message text not accepted".into(),
            case_sensitive: false,
            rules: Vec::new(),
            max_bytes: 1 << 20,
        }
    }
}

/// `[conditions.filename]`: attachment names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FilenameSpec {
    /// Off skips the condition entirely.
    pub enabled: bool,
    /// Description for rules that have none of their own.
    pub description: String,
    /// Blocked extensions (`.exe`; the dot is optional, case ignored).
    /// A name matches when it ends in one, so `invoice.pdf.exe` does.
    pub extensions: Vec<String>,
    /// Glob patterns on the whole name (globset syntax, case ignored).
    pub globs: Vec<RuleSpec>,
    /// Regexes on the whole name (case-insensitive).
    pub regexes: Vec<RuleSpec>,
    /// Exact names, with a size as in qmail-scanner's rules.
    pub names: Vec<NameRuleSpec>,
    /// A name carrying bidi or zero-width control characters is a finding
    /// by itself.
    pub suspicious_chars: Toggle,
    /// A qmail-scanner `quarantine-attachments.txt` whose rules join this
    /// profile's (absolute path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub import: Option<PathBuf>,
}

impl Default for FilenameSpec {
    fn default() -> Self {
        FilenameSpec {
            enabled: false,
            description: "attachment type not accepted".into(),
            extensions: Vec::new(),
            globs: Vec::new(),
            regexes: Vec::new(),
            names: Vec::new(),
            suspicious_chars: Toggle::Flag(false),
            import: None,
        }
    }
}

/// `{ name = "hahaha.exe", size = 15234, description = "..." }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NameRuleSpec {
    /// The exact name (after Windows' normalisation, case ignored).
    pub name: String,
    /// Decoded size in bytes; 0 = any size.
    pub size: u64,
    /// What the rule is for; `None` = the condition's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `[conditions.mimetype]`: declared and detected types.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MimetypeSpec {
    /// Off skips the condition entirely.
    pub enabled: bool,
    /// Description for rules that have none of their own.
    pub description: String,
    /// Globs on the declared `type/subtype` (`application/x-msdownload`,
    /// `application/x-*`).
    pub declared: Vec<RuleSpec>,
    /// Globs on the type detected from magic bytes.
    pub detected: Vec<RuleSpec>,
    /// Executable content is a finding whatever its name or declared type.
    pub executable: Toggle,
    /// Executable content declared as another type (an image, text...) is
    /// a finding of its own.
    pub mismatch: Toggle,
    /// Detected types counted as executable besides those qmvc knows.
    pub executable_types: Vec<String>,
}

impl Default for MimetypeSpec {
    fn default() -> Self {
        MimetypeSpec {
            enabled: false,
            description: "content type not accepted".into(),
            declared: Vec::new(),
            detected: Vec::new(),
            executable: Toggle::Flag(false),
            mismatch: Toggle::Flag(false),
            executable_types: Vec::new(),
        }
    }
}

/// `[conditions.nullsender]`: the null envelope sender (bounces).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NullsenderSpec {
    /// Off by default.
    pub enabled: bool,
    /// The finding's description.
    pub description: String,
}

impl Default for NullsenderSpec {
    fn default() -> Self {
        NullsenderSpec {
            enabled: false,
            description: "mail from the null sender".into(),
        }
    }
}

/// `[conditions.errormail]`: missing headers and broken MIME.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ErrormailSpec {
    /// Off skips the condition entirely.
    pub enabled: bool,
    /// Description of a missing-header finding.
    pub description: String,
    /// Header fields every message must carry (RFC 5322 §3.6 requires
    /// `From` and `Date`).
    pub required_headers: Vec<String>,
    /// Bounces (null sender) are not held to `required_headers`: many
    /// MTAs' delivery reports lack some of them.
    pub null_sender_exempt: bool,
    /// Broken MIME structure (every anomaly the parser records) is a
    /// finding. Limits reached are `unchecked` findings whatever this says
    /// (see [`crate::rules::evaluate`]).
    pub broken_mime: Toggle,
}

impl Default for ErrormailSpec {
    fn default() -> Self {
        ErrormailSpec {
            enabled: false,
            description: "required header missing".into(),
            required_headers: Vec::new(),
            null_sender_exempt: true,
            broken_mime: Toggle::Flag(false),
        }
    }
}

/// `[conditions.macro]`: Office documents that carry VBA or Excel 4.0
/// (XLM) macros, whatever they are called. On by default: Microsoft itself
/// blocks macros in files from the internet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MacroSpec {
    /// On by default.
    pub enabled: bool,
    /// The finding's description.
    pub description: String,
}

impl Default for MacroSpec {
    fn default() -> Self {
        MacroSpec {
            enabled: true,
            description: "Office document with macros".into(),
        }
    }
}

/// `[conditions.unchecked]`: content that qmvc or an engine could not
/// examine (a limit reached, an encrypted archive, a part an engine
/// refused). It cannot be switched off: what nobody looked at never
/// passes as clean. The profile chooses only the description here and the
/// action in `[actions] unchecked`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UncheckedSpec {
    /// The findings' description.
    pub description: String,
}

impl Default for UncheckedSpec {
    fn default() -> Self {
        UncheckedSpec {
            description: crate::rules::UNCHECKED_DESCRIPTION.into(),
        }
    }
}
