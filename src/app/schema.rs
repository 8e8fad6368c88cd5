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
