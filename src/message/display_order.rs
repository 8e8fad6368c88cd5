//! Text in the order a reader sees it: the Unicode Bidirectional
//! Algorithm (UAX #9), which every mail client applies when it draws a
//! subject or a body, puts right-to-left runs right to left. A sender
//! who writes `U+202E UOYEVOLI` (RIGHT-TO-LEFT OVERRIDE) shows the
//! reader `ILOVEYOU`; one who writes `money U+200F wire the` in a
//! right-to-left paragraph shows `wire the money`. The rules must match
//! what is drawn, so those orders are readings too.
//!
//! Pure and linear: the `unicode-bidi` crate's implementation of UAX #9
//! (servo), run only on text that holds a bidi control or a
//! right-to-left character; ASCII text costs one scan.

use unicode_bidi::{BidiClass, BidiInfo, Level, bidi_class};

/// The orders `text` is drawn in, left to right, under a left-to-right
/// and under a right-to-left paragraph direction (a client picks one:
/// from the first strong character, its user interface or the `dir` of
/// the element), each only where it differs from `text` and once. The
/// bidi controls stay in; a later reading takes them out. Empty for
/// text without bidi controls and right-to-left characters, the usual
/// case. Each line is its own paragraph, as it is on screen.
pub(crate) fn displayed(text: &str) -> Vec<String> {
    if text.is_ascii() || !text.chars().any(reorders) {
        return Vec::new();
    }
    let mut out: Vec<String> = Vec::new();
    for level in [Level::ltr(), Level::rtl()] {
        let info = BidiInfo::new(text, Some(level));
        let mut shown = String::with_capacity(text.len());
        for para in &info.paragraphs {
            shown.push_str(&info.reorder_line(para, para.range.clone()));
        }
        if shown != text && !out.contains(&shown) {
            out.push(shown);
        }
    }
    out
}

/// Whether `c` can change the order characters are drawn in: a
/// right-to-left letter, or an explicit embedding, override or isolate,
/// or a right-to-left mark.
fn reorders(c: char) -> bool {
    !c.is_ascii()
        && matches!(
            bidi_class(c),
            BidiClass::R
                | BidiClass::AL
                | BidiClass::RLE
                | BidiClass::RLO
                | BidiClass::RLI
                | BidiClass::LRE
                | BidiClass::LRO
                | BidiClass::LRI
                | BidiClass::FSI
        )
}

#[cfg(test)]
mod tests {
    use super::displayed;

    fn shown(text: &str) -> Vec<String> {
        displayed(text)
            .into_iter()
            .map(|s| {
                s.chars()
                    .filter(|c| !('\u{2000}'..='\u{206F}').contains(c))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn an_override_is_drawn_reversed() {
        assert!(shown("\u{202E}UOYEVOLI").contains(&"ILOVEYOU".to_owned()));
        assert!(shown("Re: \u{202E}UOYEVOLI\u{202C} now").contains(&"Re: ILOVEYOU now".to_owned()));
    }

    #[test]
    fn a_right_to_left_paragraph_reorders_its_runs() {
        let r = shown("\u{2067}money \u{200F} wire the\u{2069}");
        assert!(
            r.iter()
                .any(|s| s.contains("wire the") && s.ends_with("money")),
            "{r:?}"
        );
    }

    #[test]
    fn plain_text_has_no_other_order() {
        assert!(displayed("ILOVEYOU").is_empty());
        assert!(displayed("grüße aus köln").is_empty());
    }

    #[test]
    fn each_line_is_a_paragraph() {
        let r = shown("a\n\u{202E}cba\nz");
        assert!(r.iter().any(|s| s == "a\nabc\nz"), "{r:?}");
    }
}
