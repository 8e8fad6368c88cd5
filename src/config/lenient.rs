//! TOML as written -> typed values, with every problem found at once.
//!
//! serde stops at the first error; an administrator wants them all. So
//! [`deserialize_all`] deserializes, records the first error with its key
//! path (`serde_path_to_error`), takes the offending value out of the
//! table, and tries again until the rest is clean. [`merge`] lays one
//! table over another (profiles and `extends`) and remembers which file
//! wrote each key, so that a problem found in the merged table is blamed
//! on the file that holds the key ([`Origins::file_of`]).
//!
//! Pure: text and tables in, values and `(key, problem)` pairs out.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde_path_to_error::Segment;
use toml::{Table, Value};

/// At most this many problems are collected from one table; past it the
/// rest of the table is not examined (a file that bad needs rewriting, not
/// a longer list).
const MAX_ROUNDS: usize = 200;

/// A `(key, what is wrong)` pair, the key dotted (`paths.log`,
/// `conditions.subject.rules[1].pattern`) or `-` for the whole file.
pub(crate) type KeyProblem = (String, String);

/// Parses `text` as a TOML table. A syntax error is one problem on key
/// `-`, `line L column C: message` (1-based).
pub(crate) fn parse_table(text: &str) -> Result<Table, KeyProblem> {
    text.parse::<Table>().map_err(|e| {
        let at = e
            .span()
            .map(|span| {
                let (line, column) = line_column(text, span.start);
                format!("line {line} column {column}: ")
            })
            .unwrap_or_default();
        ("-".to_string(), format!("{at}{}", e.message().trim()))
    })
}

/// 1-based line and column (in characters) of byte offset `at` in `text`.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit_once('\n')
        .map_or(before, |(_, last)| last)
        .chars()
        .count()
        + 1;
    (line, column)
}

/// Deserializes `table` into `T`, collecting every problem. Keys are
/// prefixed with `prefix` (`engine[2]` for an element of an array of
/// tables). Returns `None` only when no value could be made at all.
pub(crate) fn deserialize_all<T: DeserializeOwned>(
    table: Table,
    prefix: &str,
) -> (Option<T>, Vec<KeyProblem>) {
    let again = table.clone();
    deserialize_or_rebuild(table, move || again, prefix)
}

/// [`deserialize_all`] for a caller that can make `table` again: a valid
/// table (every delivery's case) is read once, by value, without tracking
/// the key path and without a copy kept for naming problems; `rebuild`
/// makes that copy only when there is a problem to name. Copying and
/// dropping the default profile's table cost a delivery more than reading
/// it.
pub(crate) fn deserialize_or_rebuild<T: DeserializeOwned>(
    table: Table,
    rebuild: impl FnOnce() -> Table,
    prefix: &str,
) -> (Option<T>, Vec<KeyProblem>) {
    if let Ok(value) = T::deserialize(Value::Table(table)) {
        return (Some(value), Vec::new());
    }
    let mut table = rebuild();
    let mut problems = Vec::new();
    let mut replaced: Vec<String> = Vec::new();
    for _ in 0..MAX_ROUNDS {
        let error = match serde_path_to_error::deserialize::<_, T>(Value::Table(table.clone())) {
            Ok(value) => return (Some(value), problems),
            Err(error) => error,
        };
        let segments: Vec<Segment> = error.path().iter().cloned().collect();
        let key = join_key(prefix, &error.path().to_string());
        let message = error.inner().message();
        let problem = match missing_field(message) {
            // serde blames the table; the administrator looks for the key.
            Some(field) if key == "-" => (field.to_string(), "missing key".to_string()),
            Some(field) => (format!("{key}.{field}"), "missing key".to_string()),
            None => (key, describe(message)),
        };
        // A required key whose bad value was taken out is missing now; its
        // problem is already said (`type: unknown value ...`), and
        // "missing key" would be false.
        let said = problem.1 == "missing key" && problems.iter().any(|(k, _)| *k == problem.0);
        if !said {
            problems.push(problem);
        }
        if !take_out(&mut table, &segments, &mut replaced) {
            return (None, problems);
        }
    }
    (None, problems)
}

/// The field of serde's "missing field `name`" message.
fn missing_field(message: &str) -> Option<&str> {
    message
        .trim()
        .strip_prefix("missing field `")?
        .strip_suffix('`')
}

/// Rewrites serde's messages into the configuration's words.
fn describe(message: &str) -> String {
    let message = message.trim();
    if message.starts_with("unknown field") {
        "unknown key".to_string()
    } else if let Some(rest) = message.strip_prefix("unknown variant ") {
        format!("unknown value {rest}")
    } else {
        message.to_string()
    }
}

/// `prefix` and serde_path_to_error's path (`.` when it is the root)
/// joined into one dotted key.
pub(crate) fn join_key(prefix: &str, path: &str) -> String {
    match (prefix.is_empty(), path == "." || path.is_empty()) {
        (true, true) => "-".to_string(),
        (true, false) => path.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) if path.starts_with('[') => format!("{prefix}{path}"),
        (false, false) => format!("{prefix}.{path}"),
    }
}

/// Takes the value at `path` out of `table` so that the next round gets
/// further. A key is removed; an array element is first replaced by an
/// empty string (element types here accept one, keeping later indices
/// right), and the whole array goes if that fails again. Returns false
/// when there is nothing left to take out (the root itself is wrong).
fn take_out(table: &mut Table, path: &[Segment], replaced: &mut Vec<String>) -> bool {
    let Some((last, parent)) = path.split_last() else {
        return false;
    };
    match last {
        Segment::Map { key } if parent.is_empty() => table.remove(key).is_some(),
        Segment::Map { key } => match container(table, parent) {
            Some(Value::Table(t)) => t.remove(key).is_some(),
            _ => take_out(table, parent, replaced),
        },
        Segment::Seq { index } => {
            // Segment has no PartialEq; its Debug text identifies it.
            let id = format!("{path:?}");
            if replaced.contains(&id) {
                return take_out(table, parent, replaced);
            }
            match container(table, parent) {
                Some(Value::Array(items)) if *index < items.len() => {
                    if let Some(item) = items.get_mut(*index) {
                        *item = Value::String(String::new());
                    }
                    replaced.push(id);
                    true
                }
                _ => take_out(table, parent, replaced),
            }
        }
        Segment::Enum { .. } | Segment::Unknown => take_out(table, parent, replaced),
    }
}

/// The value at `path` inside `table`, as a mutable place; `None` for the
/// root (which is no `Value`) and for a path that does not lead anywhere.
fn container<'a>(table: &'a mut Table, path: &[Segment]) -> Option<&'a mut Value> {
    let (first, rest) = path.split_first()?;
    let Segment::Map { key } = first else {
        return None;
    };
    let mut value = table.get_mut(key)?;
    for segment in rest {
        value = match (segment, value) {
            (Segment::Map { key }, Value::Table(t)) => t.get_mut(key)?,
            (Segment::Seq { index }, Value::Array(items)) => items.get_mut(*index)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Which file wrote each key of a merged table.
#[derive(Debug, Clone, Default)]
pub(crate) struct Origins {
    by_key: HashMap<String, String>,
}

impl Origins {
    /// The file that wrote `key` (or the nearest enclosing key), if known.
    pub(crate) fn file_of(&self, key: &str) -> Option<&str> {
        let mut key = key;
        loop {
            if let Some(file) = self.by_key.get(key) {
                return Some(file);
            }
            let cut = key.rfind(['.', '['])?;
            key = key.get(..cut)?;
        }
    }

    fn set(&mut self, key: String, file: &str) {
        let below = format!("{key}.");
        self.by_key.retain(|k, _| !k.starts_with(&below));
        self.by_key.insert(key, file.to_string());
    }
}

/// Lays `over` (written in `file`) onto `base`: tables merge key by key,
/// everything else (arrays included) replaces. Records in `origins` that
/// `file` wrote each key it sets.
pub(crate) fn merge(base: &mut Table, over: Table, file: &str, origins: &mut Origins) {
    merge_at(base, over, file, "", origins);
}

fn merge_at(base: &mut Table, over: Table, file: &str, prefix: &str, origins: &mut Origins) {
    for (key, value) in over {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            Value::Table(inner) => {
                let slot = base
                    .entry(key)
                    .or_insert_with(|| Value::Table(Table::new()));
                if !slot.is_table() {
                    *slot = Value::Table(Table::new());
                    origins.set(path.clone(), file);
                }
                if let Value::Table(slot) = slot {
                    merge_at(slot, inner, file, &path, origins);
                }
            }
            other => {
                base.insert(key, other);
                origins.set(path, file);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields, default)]
    struct Inner {
        on: bool,
        list: Vec<String>,
    }

    #[derive(Debug, Default, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields, default)]
    struct Outer {
        name: String,
        inner: Inner,
    }

    fn table(text: &str) -> Table {
        parse_table(text).unwrap_or_default()
    }

    #[test]
    fn every_problem_is_listed_with_its_key() {
        let t = table("name = 5\nbogus = 1\n[inner]\non = 'yes'\nlist = ['a', 2, 'c', 4]\n");
        let (value, problems) = deserialize_all::<Outer>(t, "");
        let keys: Vec<&str> = problems.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys.len(), 5, "{problems:?}");
        for key in [
            "name",
            "bogus",
            "inner.on",
            "inner.list[1]",
            "inner.list[3]",
        ] {
            assert!(keys.contains(&key), "{key} missing from {problems:?}");
        }
        assert!(problems.contains(&("bogus".into(), "unknown key".into())));
        let value = value.unwrap_or_default();
        assert_eq!(value.inner.list, ["a", "", "c", ""]);
    }

    #[test]
    fn clean_table_has_no_problem() {
        let (value, problems) = deserialize_all::<Outer>(table("name = 'x'"), "");
        assert!(problems.is_empty());
        assert_eq!(value.map(|v| v.name), Some("x".to_string()));
    }

    #[test]
    fn syntax_error_names_line_and_column() {
        let Err((key, what)) = parse_table("a = 1\nb = [\n") else {
            panic!("parsed");
        };
        assert_eq!(key, "-");
        assert!(what.starts_with("line 2 column "), "{what}");
    }

    #[test]
    fn merge_blames_the_file_that_wrote_the_key() {
        let mut merged = Table::new();
        let mut origins = Origins::default();
        merge(
            &mut merged,
            table("[a]\nx = 1\ny = [1]\n"),
            "base",
            &mut origins,
        );
        merge(
            &mut merged,
            table("[a]\ny = [2, 3]\n"),
            "child",
            &mut origins,
        );
        assert_eq!(origins.file_of("a.x"), Some("base"));
        assert_eq!(origins.file_of("a.y[1]"), Some("child"));
        assert_eq!(origins.file_of("c"), None);
        assert_eq!(merged, table("[a]\nx = 1\ny = [2, 3]\n"));
    }

    #[test]
    fn keys_join_with_prefix() {
        assert_eq!(join_key("engine[1]", "servers[0]"), "engine[1].servers[0]");
        assert_eq!(join_key("engine[1]", "."), "engine[1]");
        assert_eq!(join_key("", "."), "-");
    }
}
