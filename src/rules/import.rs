//! qmail-scanner's `quarantine-attachments.txt`, imported as rules of a
//! profile (`conditions.filename.import`).
//!
//! The format, as qmail-scanner reads it: one rule per line, fields
//! separated by one or more TABs, `#` starts a comment line.
//!
//! - `string<TAB>Header-Name:<TAB>description`: a header rule; the named
//!   top-level header field containing `string` (case ignored) is a
//!   finding. qmvc counts these under the subject condition (`S`), the
//!   header condition it has.
//! - `.ext<TAB>0<TAB>description`: an extension rule.
//! - `name<TAB>size<TAB>description`: an exact name of that decoded size
//!   in bytes (0 = any size), as qmail-scanner caught early worms
//!   (`hahaha.exe 15234`).
//!
//! Pure: text in, rules and `(line, problem)` pairs out.

use super::spec::{HeaderRuleSpec, NameRuleSpec};

/// The rules of one imported file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imported {
    /// `(extension with its dot, lower case, description)`.
    pub extensions: Vec<(String, String)>,
    /// Exact names with sizes.
    pub names: Vec<NameRuleSpec>,
    /// Header rules; the pattern is the string, regex-escaped.
    pub headers: Vec<HeaderRuleSpec>,
}

/// Parses the text of a `quarantine-attachments.txt`. Bad lines are left
/// out and reported as `(line number, what is wrong)`, 1-based.
pub fn parse(text: &str) -> (Imported, Vec<(usize, String)>) {
    let mut imported = Imported::default();
    let mut problems = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').filter(|f| !f.is_empty()).collect();
        let [string, second, description] = fields.as_slice() else {
            problems.push((
                number,
                format!(
                    "expected 3 TAB-separated fields (string, size or header, description), found {}",
                    fields.len()
                ),
            ));
            continue;
        };
        let (string, second) = (string.trim(), second.trim());
        let description = description.trim().to_string();
        let description = (!description.is_empty()).then_some(description);
        if string.is_empty() {
            problems.push((number, "empty string".to_string()));
        } else if let Some(header) = second.strip_suffix(':') {
            if !is_field_name(header) {
                problems.push((number, format!("{second:?} is not a header field name")));
                continue;
            }
            imported.headers.push(HeaderRuleSpec {
                header: header.to_string(),
                pattern: regex::escape(string),
                description,
            });
        } else {
            let Ok(size) = second.parse::<u64>() else {
                problems.push((
                    number,
                    format!(
                        "{second:?} is neither a size in bytes nor a header name ending in ':'"
                    ),
                ));
                continue;
            };
            match (string.strip_prefix('.'), size) {
                (Some(_), 0) => imported
                    .extensions
                    .push((string.to_lowercase(), description.unwrap_or_default())),
                (Some(_), _) => {
                    problems.push((number, "an extension rule takes size 0".to_string()));
                }
                (None, _) => imported.names.push(NameRuleSpec {
                    name: string.to_string(),
                    size,
                    description,
                }),
            }
        }
    }
    (imported, problems)
}

/// RFC 5322 §3.6.8: a field name is printable US-ASCII except `:`.
pub(crate) fn is_field_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(|b| (33..=126).contains(&b) && b != b':')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_three_kinds_of_rule() {
        let text = "# comment\n\nILOVEYOU\tSubject:\tLove-Letter\n.vbs\t0\tVBS files\nhahaha.exe\t\t15234\thahaha\r\n";
        let (imported, problems) = parse(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            imported.extensions,
            [(".vbs".to_string(), "VBS files".to_string())]
        );
        assert_eq!(imported.names.len(), 1);
        assert_eq!(imported.names.first().map(|n| n.size), Some(15234));
        assert_eq!(
            imported.headers.first().map(|h| h.header.as_str()),
            Some("Subject")
        );
    }

    #[test]
    fn bad_lines_are_numbered() {
        let text =
            "ok.exe\t0\tfine\nonly two\tfields\n.exe\t12\tx\nname\tbig\tx\nx\tBad Header:\tx\n";
        let (imported, problems) = parse(text);
        let lines: Vec<usize> = problems.iter().map(|(n, _)| *n).collect();
        assert_eq!(lines, [2, 3, 4, 5], "{problems:?}");
        assert_eq!(imported.names.len(), 1);
    }

    #[test]
    fn header_strings_are_literal() {
        let (imported, _) = parse("a.b*c\tX-Mailer:\tx\n");
        assert_eq!(
            imported.headers.first().map(|h| h.pattern.as_str()),
            Some(r"a\.b\*c")
        );
    }
}
