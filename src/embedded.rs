//! The shipped default profile and main file as tables, built by code that
//! `build.rs` generated from their TOML at build time: filter mode runs
//! once per message, and parsing the embedded default profile's text was
//! the largest single cost of starting. The texts themselves stay in
//! [`crate::profile::EMBEDDED_DEFAULT`] and [`crate::config::EMBEDDED_MAIN`]
//! (`config show`, tests); the tables are the same values, checked below.

use toml::{Table, Value};

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// A table of `entries` (the generated code's shorthand).
fn t(entries: Vec<(&str, Value)>) -> Table {
    entries
        .into_iter()
        .map(|(key, value)| (key.to_string(), value))
        .collect()
}

/// A string value (the generated code's shorthand).
fn s(text: &str) -> Value {
    Value::String(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tables_equal_the_parsed_texts() {
        let profile: Table = crate::profile::EMBEDDED_DEFAULT
            .parse()
            .expect("the shipped default profile parses");
        assert!(!profile.is_empty());
        assert_eq!(default_profile(), profile);
        let main: Table = crate::config::EMBEDDED_MAIN
            .parse()
            .expect("the shipped main file parses");
        assert_eq!(main_file(), main);
    }
}
