//! A profile's `[reactions]` table (QMVC's Reactions): which audiences hear
//! about which verdicts, the second language of sender reports, extra
//! guards, and the bomber limits.
//!
//! ```toml
//! [reactions]
//! guards = ["virus", "unchecked", "badmail"]     # verdicts the guards hear about
//! recipient = ["virus", "unchecked", "badmail"]  # verdicts the recipient hears about
//! sender = ["badmail"]              # default []: senders of viruses are forged
//! second_language = "en"            # sender reports carry it after theirs
//! antivirus_guards = ["av@example.com"]   # besides [guards].antivirus
//! badmail_guards = []                     # besides [guards].badmail
//!
//! [reactions.bomber]
//! threshold = 10         # incidents per sender and window; 0 = off
//! window = "1h"          # seconds, or a number with s, m, h or d
//! short_circuit = false  # past the threshold, skip the engines
//! ```
//!
//! Pure: a `toml::Table` in, a [`Reactions`] or every problem out.

use std::time::Duration;

use serde::Deserialize;

use crate::verdict::Verdict;

/// The `[reactions]` table, resolved. `Deserialize` goes through
/// [`Reactions::from_table`], so both report the same problems.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "toml::Table")]
pub struct Reactions {
    /// Verdicts the guards are told about: virus and unchecked go to the
    /// anti-virus guards (what no engine could scan is their business),
    /// badmail and errormail to the badmail guards. Default virus,
    /// unchecked and badmail.
    pub guards: Vec<Verdict>,
    /// Verdicts the recipient is told about. Default virus, unchecked and
    /// badmail.
    pub recipient: Vec<Verdict>,
    /// Verdicts the envelope sender is told about. Default none: the
    /// senders of viruses are forged, and badmail reports are the
    /// profile's choice.
    pub sender: Vec<Verdict>,
    /// A language a sender report carries after the negotiated one (BCP 47
    /// tag, e.g. `en`); none by default.
    pub second_language: Option<String>,
    /// Anti-virus guards of this profile, besides `[guards].antivirus`.
    pub antivirus_guards: Vec<String>,
    /// Badmail guards of this profile, besides `[guards].badmail`.
    pub badmail_guards: Vec<String>,
    /// The virus-bomber brake.
    pub bomber: BomberLimits,
}

impl Default for Reactions {
    fn default() -> Self {
        Reactions {
            guards: vec![Verdict::Virus, Verdict::Unchecked, Verdict::Badmail],
            recipient: vec![Verdict::Virus, Verdict::Unchecked, Verdict::Badmail],
            sender: Vec::new(),
            second_language: None,
            antivirus_guards: Vec::new(),
            badmail_guards: Vec::new(),
            bomber: BomberLimits::default(),
        }
    }
}

impl TryFrom<toml::Table> for Reactions {
    type Error = String;

    fn try_from(table: toml::Table) -> Result<Self, Self::Error> {
        Reactions::from_table(&table).map_err(|problems| {
            problems
                .iter()
                .map(|(k, p)| format!("{k}: {p}"))
                .collect::<Vec<_>>()
                .join("; ")
        })
    }
}

/// Longest window accepted: 30 days.
const MAX_WINDOW: u64 = 30 * 86_400;

impl Reactions {
    /// Reads a `[reactions]` table as the profile loader keeps it. Missing
    /// keys take their defaults. Errors: every problem at once, as (key
    /// relative to the table, e.g. `bomber.window`, what is wrong).
    pub fn from_table(table: &toml::Table) -> Result<Reactions, Vec<(String, String)>> {
        let mut r = Reactions::default();
        let mut problems = Vec::new();
        for (key, value) in table {
            let mut problem = |what: String| problems.push((key.clone(), what));
            match key.as_str() {
                "guards" => verdicts(value)
                    .map(|v| r.guards = v)
                    .unwrap_or_else(&mut problem),
                "recipient" => verdicts(value)
                    .map(|v| r.recipient = v)
                    .unwrap_or_else(&mut problem),
                "sender" => verdicts(value)
                    .map(|v| r.sender = v)
                    .unwrap_or_else(&mut problem),
                "second_language" => match value.as_str() {
                    Some(tag) if crate::i18n::parse_tag(tag).is_some() => {
                        r.second_language = Some(tag.to_string());
                    }
                    Some(tag) => problem(format!("{tag:?} is not a language tag")),
                    None => problem("expected a language tag such as \"en\"".into()),
                },
                "antivirus_guards" => addresses(value)
                    .map(|v| r.antivirus_guards = v)
                    .unwrap_or_else(&mut problem),
                "badmail_guards" => addresses(value)
                    .map(|v| r.badmail_guards = v)
                    .unwrap_or_else(&mut problem),
                "bomber" => match value.as_table() {
                    Some(t) => match bomber(t) {
                        Ok(b) => r.bomber = b,
                        Err(list) => problems
                            .extend(list.into_iter().map(|(k, p)| (format!("bomber.{k}"), p))),
                    },
                    None => problem("expected a table".into()),
                },
                _ => problem("unknown key".into()),
            }
        }
        if problems.is_empty() {
            Ok(r)
        } else {
            Err(problems)
        }
    }
}

/// A list of incident verdicts (`virus`, `unchecked`, `badmail`,
/// `errormail`).
fn verdicts(value: &toml::Value) -> Result<Vec<Verdict>, String> {
    let list = value
        .as_array()
        .ok_or("expected a list of verdicts such as [\"virus\", \"badmail\"]")?;
    let mut out = Vec::new();
    for item in list {
        let verdict = match item.as_str() {
            Some("virus") => Verdict::Virus,
            Some("unchecked") => Verdict::Unchecked,
            Some("badmail") => Verdict::Badmail,
            Some("errormail") => Verdict::Errormail,
            Some("clean") => return Err("clean is not an incident".into()),
            Some(other) => {
                return Err(format!(
                    "unknown verdict {other:?} (virus, unchecked, badmail, errormail)"
                ));
            }
            None => return Err("expected verdict names".into()),
        };
        if !out.contains(&verdict) {
            out.push(verdict);
        }
    }
    Ok(out)
}

/// A list of mail addresses (each with one `@`, no white space or control
/// characters).
fn addresses(value: &toml::Value) -> Result<Vec<String>, String> {
    let list = value.as_array().ok_or("expected a list of addresses")?;
    let mut out = Vec::new();
    for item in list {
        match item.as_str() {
            Some(a) if crate::envelope::is_address(a) => out.push(a.to_string()),
            Some(a) => return Err(format!("{a:?} is not a mail address")),
            None => return Err("expected addresses as strings".into()),
        }
    }
    Ok(out)
}

/// The `[reactions.bomber]` table.
fn bomber(table: &toml::Table) -> Result<BomberLimits, Vec<(String, String)>> {
    let mut b = BomberLimits::default();
    let mut problems = Vec::new();
    for (key, value) in table {
        let mut problem = |what: &str| problems.push((key.clone(), what.to_string()));
        match key.as_str() {
            "threshold" => match value.as_integer().and_then(|n| u32::try_from(n).ok()) {
                Some(n) => b.threshold = n,
                None => problem("expected a whole number, 0 or more (0 = off)"),
            },
            "window" => match duration(value) {
                Some(d) if d.as_secs() > 0 && d.as_secs() <= MAX_WINDOW => b.window = d,
                _ => problem("expected a duration from 1s to 30d (seconds, or 90s, 10m, 1h, 2d)"),
            },
            "short_circuit" => match value.as_bool() {
                Some(v) => b.short_circuit = v,
                None => problem("expected true or false"),
            },
            "count" => match verdicts(value) {
                Ok(v) if v.contains(&Verdict::Errormail) => {
                    problem("errormail cannot count: only virus, badmail and unchecked");
                }
                Ok(v) => b.count = v,
                Err(what) => problem(&what),
            },
            _ => problem("unknown key"),
        }
    }
    if problems.is_empty() {
        Ok(b)
    } else {
        Err(problems)
    }
}

/// Seconds as an integer, or a string `N` followed by `s`, `m`, `h` or `d`.
fn duration(value: &toml::Value) -> Option<Duration> {
    if let Some(n) = value.as_integer() {
        return u64::try_from(n).ok().map(Duration::from_secs);
    }
    let s = value.as_str()?.trim();
    let (digits, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: u64 = digits.parse().ok()?;
    let scale = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    n.checked_mul(scale).map(Duration::from_secs)
}

/// A profile's `[reactions.bomber]` limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BomberLimits {
    /// Incidents per sender within [`BomberLimits::window`] that still get
    /// reports; 0 turns the brake off. Default 10.
    pub threshold: u32,
    /// Length of the counting window. Default one hour.
    pub window: Duration,
    /// Past the threshold, take the sender's mail straight to the action
    /// without running the engines (finding `bomber`). Default off.
    pub short_circuit: bool,
    /// The verdicts that count as an incident against the sender
    /// (`[reactions.bomber] count`). Default `["virus"]`, as QMVC counted
    /// virus bombers; a profile may add `badmail` and `unchecked`.
    /// Errormail never counts: a missing header says nothing about the
    /// sender's intent, and would make every broken mailer a bomber.
    pub count: Vec<Verdict>,
}

impl Default for BomberLimits {
    fn default() -> Self {
        BomberLimits {
            threshold: 10,
            window: Duration::from_secs(3600),
            short_circuit: false,
            count: vec![Verdict::Virus],
        }
    }
}

impl BomberLimits {
    /// True when a message of `verdict` counts against its sender.
    pub fn counts(&self, verdict: Verdict) -> bool {
        verdict != Verdict::Errormail && verdict != Verdict::Clean && self.count.contains(&verdict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> toml::Table {
        text.parse().unwrap_or_default()
    }

    #[test]
    fn empty_table_is_the_default() {
        let r = Reactions::from_table(&toml::Table::new());
        assert_eq!(r, Ok(Reactions::default()));
        let d = Reactions::default();
        assert!(d.sender.is_empty(), "sender reports are opt-in");
        assert!(d.guards.contains(&Verdict::Virus));
    }

    #[test]
    fn full_table_reads() {
        let r = Reactions::from_table(&table(
            r#"
            guards = ["virus"]
            recipient = []
            sender = ["badmail", "badmail"]
            second_language = "en"
            antivirus_guards = ["av@example.com"]
            [bomber]
            threshold = 5
            window = "2h"
            short_circuit = true
            "#,
        ));
        let r = r.unwrap_or_default();
        assert_eq!(r.guards, [Verdict::Virus]);
        assert!(r.recipient.is_empty());
        assert_eq!(r.sender, [Verdict::Badmail]);
        assert_eq!(r.second_language.as_deref(), Some("en"));
        assert_eq!(r.antivirus_guards, ["av@example.com"]);
        assert_eq!(r.bomber.threshold, 5);
        assert_eq!(r.bomber.window, Duration::from_secs(7200));
        assert!(r.bomber.short_circuit);
    }

    #[test]
    fn every_problem_is_reported_with_its_key() {
        let problems = Reactions::from_table(&table(
            r#"
            guards = ["clean"]
            sender = "badmail"
            second_language = "not a tag!"
            badmail_guards = ["no at sign", "x@y"]
            colour = "red"
            [bomber]
            threshold = -1
            window = "1 fortnight"
            extra = 1
            "#,
        ))
        .err()
        .unwrap_or_default();
        let keys: Vec<&str> = problems.iter().map(|(k, _)| k.as_str()).collect();
        for key in [
            "guards",
            "sender",
            "second_language",
            "badmail_guards",
            "colour",
            "bomber.threshold",
            "bomber.window",
            "bomber.extra",
        ] {
            assert!(keys.contains(&key), "{key} missing from {problems:?}");
        }
    }

    #[test]
    fn deserialize_goes_through_from_table() {
        #[derive(Deserialize)]
        struct Profile {
            reactions: Reactions,
        }
        let p: Result<Profile, _> = toml::from_str("[reactions]\nsender = [\"virus\"]\n");
        assert_eq!(
            p.map(|p| p.reactions.sender).ok(),
            Some(vec![Verdict::Virus])
        );
        let bad: Result<Profile, _> = toml::from_str("[reactions]\nsender = [\"spam\"]\n");
        assert!(bad.is_err());
    }

    #[test]
    fn durations() {
        for (text, secs) in [
            ("90", Some(90)),
            ("\"10m\"", Some(600)),
            ("\"1d\"", Some(86_400)),
            ("\"x\"", None),
            ("-5", None),
        ] {
            let v: toml::Value = toml::from_str::<toml::Table>(&format!("v = {text}"))
                .ok()
                .and_then(|t| t.get("v").cloned())
                .unwrap_or(toml::Value::Boolean(false));
            assert_eq!(duration(&v).map(|d| d.as_secs()), secs, "{text}");
        }
    }
}
