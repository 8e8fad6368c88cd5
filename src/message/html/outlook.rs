//! The HTML that Outlook for Windows renders: its conditional comments
//! opened and closed as its Word engine reads them.
//!
//! Pure and linear. Every other client takes `<!--[if mso]>...<![endif]-->`
//! for a comment and shows what `<!--[if !mso]><!-->...<!--<![endif]-->`
//! wraps; Outlook shows the first and hides the second (Microsoft's
//! "conditional comments", used by every e-mail template that targets
//! Outlook). So text can be written for Outlook's readers alone, or cut a
//! phrase for everyone else: one more reading.

/// The Office version Outlook reports to `mso` tests (Outlook 2016 and
/// later are `mso 16`).
const MSO_VERSION: u32 = 16;

/// `source` with its conditional comments as Outlook reads them: the
/// content of those whose test holds for Outlook kept as markup, the others
/// dropped. `None` when it has none (the reading is then the shown one).
pub(super) fn outlook_view(source: &str) -> Option<String> {
    let lower = source.to_ascii_lowercase();
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    let mut found = false;
    while let Some(i) = lower.get(at..).and_then(|s| s.find("<!--[if")) {
        let open = at + i;
        let test_start = open + "<!--[if".len();
        let Some(test_len) = lower.get(test_start..).and_then(|s| s.find("]>")) else {
            break;
        };
        let test = lower.get(test_start..test_start + test_len).unwrap_or("");
        let mut content = test_start + test_len + 2;
        // Downlevel-revealed: `<!--[if !mso]><!-->` ends a comment at
        // once, so that other clients show what follows.
        let revealed = lower.get(content..).is_some_and(|s| s.starts_with("<!-->"));
        if revealed {
            content += "<!-->".len();
        }
        let Some(end_len) = lower.get(content..).and_then(|s| s.find("<![endif]")) else {
            break;
        };
        let mut content_end = content + end_len;
        let after = lower
            .get(content_end..)
            .and_then(|s| s.find("-->"))
            .map_or(lower.len(), |k| content_end + k + 3);
        if revealed
            && lower
                .get(..content_end)
                .is_some_and(|s| s.ends_with("<!--"))
        {
            content_end -= "<!--".len();
        }
        found = true;
        out.push_str(source.get(at..open).unwrap_or(""));
        if holds(test) {
            out.push_str(source.get(content..content_end).unwrap_or(""));
        }
        at = after;
    }
    out.push_str(source.get(at..).unwrap_or(""));
    found.then_some(out)
}

/// Whether a conditional comment's test (`mso`, `!mso`, `gte mso 9`,
/// `(mso 12)|(ie)`, lower case) holds for Outlook: `mso` with its
/// version compared with `gt`, `gte`, `lt`, `lte` or equal, `ie` false,
/// `!`, `&`, `|` and parentheses. A test it cannot read does not hold.
fn holds(test: &str) -> bool {
    // Real tests are a few words; a longer one is not read (and the
    // recursive reading below stays shallow).
    if test.len() > 200 {
        return false;
    }
    let mut tokens: Vec<&str> = Vec::new();
    let mut word = None;
    for (i, c) in test.char_indices() {
        let separator = matches!(c, '(' | ')' | '!' | '&' | '|');
        if separator || c.is_whitespace() {
            if let Some(start) = word.take() {
                tokens.push(&test[start..i]);
            }
            if separator {
                tokens.push(&test[i..i + 1]);
            }
        } else if word.is_none() {
            word = Some(i);
        }
    }
    if let Some(start) = word {
        tokens.push(&test[start..]);
    }
    let mut at = 0;
    let value = or(&tokens, &mut at);
    value.filter(|_| at == tokens.len()).unwrap_or(false)
}

fn or(t: &[&str], at: &mut usize) -> Option<bool> {
    let mut v = and(t, at)?;
    while t.get(*at) == Some(&"|") {
        *at += 1;
        v |= and(t, at)?;
    }
    Some(v)
}

fn and(t: &[&str], at: &mut usize) -> Option<bool> {
    let mut v = not(t, at)?;
    while t.get(*at) == Some(&"&") {
        *at += 1;
        v &= not(t, at)?;
    }
    Some(v)
}

fn not(t: &[&str], at: &mut usize) -> Option<bool> {
    match *t.get(*at)? {
        "!" => {
            *at += 1;
            not(t, at).map(|v| !v)
        }
        "(" => {
            *at += 1;
            let v = or(t, at)?;
            (t.get(*at) == Some(&")")).then(|| *at += 1)?;
            Some(v)
        }
        _ => term(t, at),
    }
}

/// `[gt|gte|lt|lte] (mso|ie) [version]`.
fn term(t: &[&str], at: &mut usize) -> Option<bool> {
    let compare = match *t.get(*at)? {
        c @ ("gt" | "gte" | "lt" | "lte") => {
            *at += 1;
            Some(c)
        }
        _ => None,
    };
    let product = *t.get(*at)?;
    *at += 1;
    let version = t.get(*at).and_then(|v| v.parse::<f64>().ok());
    if version.is_some() {
        *at += 1;
    }
    match product {
        "mso" => {
            let mine = f64::from(MSO_VERSION);
            Some(match (compare, version) {
                (_, None) => compare.is_none(),
                (None, Some(v)) => mine.trunc() == v.trunc(),
                (Some("gt"), Some(v)) => mine > v,
                (Some("gte"), Some(v)) => mine >= v,
                (Some("lt"), Some(v)) => mine < v,
                (Some(_), Some(v)) => mine <= v,
            })
        }
        "ie" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{holds, outlook_view};

    #[test]
    fn tests_as_outlook_reads_them() {
        for yes in [
            "mso",
            " mso",
            "gte mso 9",
            "(gte mso 9)|(ie)",
            "!ie",
            "mso 16",
            "lt mso 17",
        ] {
            assert!(holds(yes), "{yes}");
        }
        let long = "!".repeat(100_000) + "mso";
        for no in [
            "!mso",
            "ie",
            "lt mso 12",
            "mso 12",
            "!(mso)",
            "gte mso",
            "x",
            "(mso",
            "",
            &long,
        ] {
            assert!(!holds(no), "{no}");
        }
    }

    #[test]
    fn conditional_comments_open_and_close() {
        let view = |s: &str| outlook_view(s).unwrap_or_else(|| "-".into());
        assert_eq!(view("wi<!--[if mso]>zz<![endif]-->re"), "wizzre");
        assert_eq!(view("wi<!--[if !mso]><!-->zz<!--<![endif]-->re"), "wire");
        assert_eq!(
            view("wi<!--[IF gte mso 9]><b>re</b><![endif]-->"),
            "wi<b>re</b>"
        );
        assert_eq!(view("wi<!--[if !mso]>zz<![endif]-->re"), "wire");
        assert_eq!(view("no comment"), "-");
        assert_eq!(view("wi<!--[if mso]>never closed"), "-");
    }
}
