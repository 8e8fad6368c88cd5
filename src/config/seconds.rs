//! Durations in the configuration: a whole number of seconds written as a
//! TOML integer (`timeout = 90`) or as a duration string (`timeout =
//! "90s"`, `"2m"`, `"1m 30s"`; the `humantime` crate's grammar, as
//! `--older-than` takes it). Both read to seconds (`u64`); `config show`
//! prints the seconds that take effect.
//!
//! Pure: serde deserializers, no I/O.

use std::fmt;

use serde::Deserializer;
use serde::de::{self, Visitor};

/// Seconds from an integer or a duration string, for `#[serde(
/// deserialize_with = "crate::config::seconds::required")]`.
///
/// Errors: a negative integer, a string humantime does not read, or a
/// duration that is not a whole number of seconds (`"1500ms"`): the
/// configuration counts in seconds and must not round silently.
pub fn required<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    deserializer.deserialize_any(SecondsVisitor)
}

/// [`required`] for an optional key (`Option<u64>` with `#[serde(default)]`).
pub fn optional<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    required(deserializer).map(Some)
}

/// Reads `text` as a duration string into whole seconds, with the
/// problem in the configuration's words.
pub fn parse(text: &str) -> Result<u64, String> {
    let duration = humantime::parse_duration(text.trim()).map_err(|e| {
        format!("{text:?} is not a duration ({e}); write seconds (90) or a duration such as \"90s\" or \"2m\"")
    })?;
    if duration.subsec_nanos() != 0 {
        return Err(format!("{text:?} is not a whole number of seconds"));
    }
    Ok(duration.as_secs())
}

struct SecondsVisitor;

impl Visitor<'_> for SecondsVisitor {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("seconds (90) or a duration such as \"90s\" or \"2m\"")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v).map_err(|_| E::custom(format!("{v} is negative: must be seconds")))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
        parse(v).map_err(E::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "optional")]
        t: Option<u64>,
    }

    fn read(text: &str) -> Result<Option<u64>, String> {
        toml::from_str::<T>(text)
            .map(|t| t.t)
            .map_err(|e| e.message().to_string())
    }

    #[test]
    fn integers_and_duration_strings_read_to_seconds() {
        assert_eq!(read("t = 90"), Ok(Some(90)));
        assert_eq!(read("t = \"90s\""), Ok(Some(90)));
        assert_eq!(read("t = \"2m\""), Ok(Some(120)));
        assert_eq!(read("t = \"1m 30s\""), Ok(Some(90)));
        assert_eq!(read("t = \"1h\""), Ok(Some(3600)));
        assert_eq!(read(""), Ok(None));
    }

    #[test]
    fn what_is_not_seconds_is_a_problem() {
        let problem = |text: &str| read(text).err().unwrap_or_default();
        assert!(problem("t = -1").contains("negative"));
        assert!(problem("t = \"90\"").contains("is not a duration"));
        assert!(problem("t = \"soon\"").contains("is not a duration"));
        assert!(problem("t = \"1500ms\"").contains("whole number"));
        assert!(problem("t = 1.5").contains("seconds (90)"));
        assert!(!problem("t = true").is_empty());
    }
}
