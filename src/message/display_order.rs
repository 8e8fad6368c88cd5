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
        let shown = drawn(text, level);
        if shown != text && !out.contains(&shown) {
            out.push(shown);
        }
    }
    out
}

/// Embeddings, overrides and isolates carried from one line to the next
/// at most (the innermost ones).
const MAX_CARRIED: usize = 16;

/// `text` drawn line by line under the paragraph `level`. Each line is
/// reordered on its own (linear in the text: a line without a
/// right-to-left character or a control is copied as it is), and the
/// embeddings, overrides and isolates still open at the end of a line are
/// opened again at the start of the next, as an element's direction
/// covers all its lines (`<bdo dir=rtl>a<br>b</bdo>`).
fn drawn(text: &str, level: Level) -> String {
    let mut shown = String::with_capacity(text.len());
    let mut open: Vec<char> = Vec::new();
    let mut line = String::new();
    for (n, raw) in text.split('\n').enumerate() {
        if n > 0 {
            shown.push('\n');
        }
        line.clear();
        line.extend(open.iter());
        line.push_str(raw);
        track(&mut open, raw);
        if !line.chars().any(reorders) {
            shown.push_str(raw);
            continue;
        }
        let info = BidiInfo::new(&line, Some(level));
        for para in &info.paragraphs {
            shown.push_str(&info.reorder_line(para, para.range.clone()));
        }
    }
    shown
}

/// The explicit embeddings, overrides and isolates open after `line`,
/// given those open before it (`open`, innermost last): a PDF closes the
/// innermost embedding or override, a PDI the innermost isolate and what
/// was opened inside it (UAX #9, X6a and X7, without the depth limit).
fn track(open: &mut Vec<char>, line: &str) {
    let is_isolate = |c: &char| matches!(c, '\u{2066}' | '\u{2067}' | '\u{2068}');
    for c in line.chars() {
        match c {
            '\u{202A}'..='\u{202E}' if c != '\u{202C}' => open.push(c),
            '\u{2066}'..='\u{2068}' => open.push(c),
            '\u{202C}' if open.last().is_some_and(|o| !is_isolate(o)) => {
                open.pop();
            }
            '\u{2069}' => {
                if let Some(at) = open.iter().rposition(is_isolate) {
                    open.truncate(at);
                }
            }
            _ => {}
        }
        // Hostile text may open thousands, and each is carried to every
        // later line: the innermost few decide how a line is drawn.
        if open.len() > MAX_CARRIED {
            open.remove(0);
        }
    }
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
        let r = shown("a\n\u{202E}cba\u{202C}\nz");
        assert!(r.iter().any(|s| s == "a\nabc\nz"), "{r:?}");
    }

    #[test]
    fn an_override_covers_the_lines_it_spans() {
        let r = shown("\u{202E}x\nyenom eht eriw\u{202C}\nz");
        assert!(r.iter().any(|s| s == "x\nwire the money\nz"), "{r:?}");
    }

    #[test]
    fn many_short_lines_cost_linear_time() {
        // A line each: reordering the whole text per line was quadratic.
        let text = "\u{5D0}\n".repeat(300_000);
        let r = displayed(&text);
        assert!(r.len() <= 2);
    }
}
