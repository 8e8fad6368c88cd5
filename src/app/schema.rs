//! The version every JSON output of qmvc carries as `"schema"`, so that a
//! script can tell when the shape it reads has changed. Lists stay lists
//! (a list of findings, of virus names), never joined into one string.

use serde::Serialize;
use serde_json::Value;

/// The current version of the JSON shapes (`check --json`, `quarantine
/// list --json`, `report --json`, `config show --format json`).
pub const JSON_SCHEMA: u32 = 1;

/// A serializable value with `"schema": JSON_SCHEMA` in front of its own
/// fields (which must serialize as a map, such as a struct's).
#[derive(Debug, Serialize)]
pub struct Versioned<'a, T: Serialize> {
    schema: u32,
    #[serde(flatten)]
    body: &'a T,
}

impl<'a, T: Serialize> Versioned<'a, T> {
    /// `body` with the current schema.
    pub fn new(body: &'a T) -> Self {
        Versioned {
            schema: JSON_SCHEMA,
            body,
        }
    }
}

/// `value` with `"schema": JSON_SCHEMA` added when it is an object.
pub fn with_schema(mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.insert("schema".into(), JSON_SCHEMA.into());
    }
    value
}

/// JSON text made safe to print on a terminal without changing what it
/// means: the characters a terminal may act on or that can disguise text
/// (C1 controls such as CSI and OSC, DEL, the Unicode line and paragraph
/// separators, bidi and zero-width characters) are written as `\uXXXX`
/// escapes, which JSON allows for any character (RFC 8259 §7), so a
/// parser reads the very same strings. serde_json escapes only C0
/// controls. Such characters occur only inside strings (the structure is
/// ASCII), so replacing them anywhere is safe.
pub fn terminal_safe(json: &str) -> String {
    // ASCII below DEL (most output): nothing to escape.
    if json.bytes().all(|b| b < 0x7f) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if ('\u{7f}'..='\u{9f}').contains(&c)
            || c == '\u{2028}'
            || c == '\u{2029}'
            || crate::escape::is_invisible(c)
        {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_safe_json_parses_back_to_the_same_strings() {
        let evil = "ILOVEYOU \u{9d}0;PWNED\u{9c}\u{9b}2J \u{202e}gpj.exe\u{2028}x\u{7f}";
        let text = serde_json::json!({ "detail": evil }).to_string();
        let safe = terminal_safe(&text);
        assert!(
            safe.chars().all(|c| c.is_ascii() && !c.is_ascii_control()),
            "{safe}"
        );
        let back: Value = serde_json::from_str(&safe).expect("valid JSON");
        assert_eq!(back["detail"], evil);
    }
}
