//! The parameters of a Content-Type that say how to read a text part
//! (`charset`, `format`, `delsp`), as every reader takes them.
//!
//! Pure. qmvc reads them with mailparse (the last of duplicates, a token
//! value up to the `;`). Thunderbird's `nsMIMEHeaderParamImpl`
//! (`DoParameterInternal`) reads them otherwise: the first of two
//! duplicates wins, an RFC 2231 value (`charset*=''utf-16be`, its charset
//! part empty) wins over the plain one, a token value ends at a blank (so
//! `charset=utf-16be (x)` is `utf-16be`), and parameters may follow a `,`
//! as well as a `;`. Every value one of them reads counts: the text is
//! decoded under each charset, and joined both ways where readers
//! disagree on `delsp`.

use super::super::Flowed;
use super::super::charsets::MAX_DECODERS;
use super::super::filename::{param_values, split_extended};
use super::header::Field;

/// What the Content-Type fields of a part say about reading its text.
#[derive(Debug, Default)]
pub(super) struct TextReading {
    /// qmvc's `charset` (mailparse's reading of the first field).
    pub(super) charset: Option<String>,
    /// The other `charset` values some reader takes, lower case, each
    /// once, at most [`MAX_DECODERS`] - 1.
    pub(super) others: Vec<String>,
    /// `format=flowed` as any reader takes it, with `delsp=yes` when
    /// every reader takes that, [`Flowed::Both`] when readers disagree.
    pub(super) flowed: Option<Flowed>,
    /// Whether more charsets were read than `others` keeps: the text is
    /// not decoded under those, which the caller reports as a limit.
    pub(super) cut: bool,
}

/// Reads the text parameters of `types` (the part's Content-Type
/// fields, in order; `first` is mailparse's parse of the first one).
/// Kept out of the recursive entity reader so that its stack frame stays
/// small.
#[inline(never)]
pub(super) fn text_reading(
    types: &[&Field<'_>],
    first: Option<&mailparse::ParsedContentType>,
) -> TextReading {
    let mailparse = |name: &str| {
        first
            .and_then(|ct| ct.params.get(name))
            .map(|v| v.trim().to_ascii_lowercase())
    };
    let charset = first.and_then(|ct| ct.params.get("charset").cloned());
    let own_charset = mailparse("charset");
    let own_format = mailparse("format");
    let own_delsp = mailparse("delsp");
    // Most parts name each parameter once and plainly: nothing to add.
    let mut charsets: Vec<String> = Vec::new();
    let mut formats: Vec<String> = own_format.iter().cloned().collect();
    let mut delsps: Vec<String> = own_delsp.iter().cloned().collect();
    for field in types {
        let raw = field.raw_value();
        for (name, out) in [
            ("charset", &mut charsets),
            ("format", &mut formats),
            ("delsp", &mut delsps),
        ] {
            for value in values(raw, name) {
                if !out.contains(&value) {
                    out.push(value);
                }
            }
        }
    }
    let mut others: Vec<String> = charsets
        .into_iter()
        .filter(|c| Some(c) != own_charset.as_ref())
        .collect();
    let cut = others.len() > MAX_DECODERS - 1;
    others.truncate(MAX_DECODERS - 1);
    let flowed = formats.iter().any(|f| f == "flowed").then(|| {
        let yes = delsps.iter().any(|d| d == "yes");
        // A reader that sees no delsp, or another value, does not delete.
        let not_yes = own_delsp.as_deref() != Some("yes") || delsps.iter().any(|d| d != "yes");
        match (yes, not_yes) {
            (true, true) => Flowed::Both,
            (true, false) => Flowed::DelSp,
            _ => Flowed::Flowed,
        }
    });
    TextReading {
        charset,
        others,
        flowed,
        cut,
    }
}

/// Every value of parameter `name` in one raw Content-Type value, lower
/// case, trimmed, each once: every duplicate as written and up to its
/// first blank or comment, and the RFC 2231 forms (`name*=`, the first
/// section `name*0=` / `name*0*=`) with their charset and language taken
/// off and their `%XX` escapes decoded.
fn values(raw: &[u8], name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut add = |bytes: &[u8]| {
        let text = String::from_utf8_lossy(bytes).trim().to_ascii_lowercase();
        let token = text
            .split(|c: char| c.is_whitespace() || c == '(')
            .next()
            .unwrap_or_default()
            .to_owned();
        for v in [text, token] {
            if !v.is_empty() && !out.contains(&v) {
                out.push(v);
            }
        }
    };
    // A parameter the field does not name costs one search, and the RFC
    // 2231 forms are looked for only when a `*` follows the name.
    let lower = raw.to_ascii_lowercase();
    if memchr::memmem::find(&lower, name.as_bytes()).is_none() {
        return out;
    }
    for v in param_values(raw, name) {
        add(&v);
    }
    if memchr::memmem::find(&lower, format!("{name}*").as_bytes()).is_some() {
        for v in param_values(raw, &format!("{name}*0")) {
            add(&v);
        }
        for key in [format!("{name}*"), format!("{name}*0*")] {
            for v in param_values(raw, &key) {
                add(&split_extended(&v).1);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::values;

    #[test]
    fn every_reader_s_value_of_a_parameter() {
        let v = |raw: &str, name: &str| values(raw.as_bytes(), name);
        assert_eq!(
            v("text/plain; charset*=''UTF-16BE", "charset"),
            ["utf-16be"]
        );
        assert_eq!(
            v("text/plain; charset=utf-16be; charset=us-ascii", "charset"),
            ["utf-16be", "us-ascii"]
        );
        assert_eq!(
            v("text/plain; charset=utf-16be (x)", "charset"),
            ["utf-16be (x)", "utf-16be"]
        );
        assert_eq!(v("text/plain, charset=utf-16be", "charset"), ["utf-16be"]);
        assert_eq!(
            v("text/plain; charset*0*=utf-8''utf%2D16be", "charset"),
            ["utf-16be"]
        );
        assert!(v("text/plain; format=flowed", "charset").is_empty());
    }
}
