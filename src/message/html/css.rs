//! Which CSS hides text: the declarations a mail client obeys to show
//! nothing (`display:none`, `font-size:0`, Outlook's `mso-hide:all`...),
//! in a `style` attribute or in a `<style>` element's rules.
//!
//! Pure and bounded. This is not a CSS engine: it reads declarations and
//! simple selectors (a tag, classes, an id: the last compound of each
//! selector, so `.a .hide` counts as `.hide`), which is how hidden text
//! is written in mail. A rule that hides more than it would in a browser
//! only takes text out of one reading; the other readings keep it.

use std::collections::HashSet;

/// At most this many selectors are kept from a message's style sheets:
/// every element is held against each of them.
const MAX_SELECTORS: usize = 128;

/// Whether the declarations (`display: none; color: red`, as in a
/// `style` attribute or between a rule's braces) hide what they apply
/// to: `display:none`, `visibility:hidden` or `collapse`, `mso-hide:all`,
/// a zero `font-size`, `opacity` or `transform: scale(0)`,
/// `color:transparent`, or a zero `height`, `max-height`, `width` or
/// `max-width` with `overflow:hidden`. `!important` and comments are
/// ignored; names and values compared in ASCII lower case.
pub(super) fn hides(declarations: &str) -> bool {
    let text = without_comments(declarations).to_ascii_lowercase();
    let mut zero_box = false;
    let mut overflow_hidden = false;
    for declaration in text.split(';') {
        let Some((property, value)) = declaration.split_once(':') else {
            continue;
        };
        let property = property.trim();
        let value = value.replace("!important", "");
        let value = value.trim();
        let hidden = match property {
            "display" => value == "none",
            "visibility" => value == "hidden" || value == "collapse",
            "mso-hide" => value == "all",
            "font-size" | "opacity" => is_zero(value),
            "transform" => value.replace(' ', "").contains("scale(0)"),
            "color" => value == "transparent",
            "height" | "max-height" | "width" | "max-width" => {
                zero_box |= is_zero(value);
                false
            }
            "overflow" | "overflow-x" | "overflow-y" => {
                overflow_hidden |= value == "hidden";
                false
            }
            _ => false,
        };
        if hidden {
            return true;
        }
    }
    zero_box && overflow_hidden
}

/// Whether a CSS length or number is zero: `0`, `0px`, `0.0em`, `0%`.
fn is_zero(value: &str) -> bool {
    let number: String = value
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '+' || *c == '-')
        .collect();
    !number.is_empty() && number.parse::<f64>().is_ok_and(|n| n == 0.0)
}

/// `text` without CSS comments (`/* ... */`; an unclosed one runs to the
/// end).
fn without_comments(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("/*") {
        out.push_str(&rest[..open]);
        match rest[open + 2..].find("*/") {
            Some(close) => rest = &rest[open + 2 + close + 2..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// One simple selector: what an element must have to match it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Simple {
    /// Tag name in ASCII lower case; `None` for any (`*`, or none given).
    tag: Option<String>,
    /// Every class it names (case-sensitive, as in standards mode).
    classes: Vec<String>,
    /// The id it names.
    id: Option<String>,
}

/// The selectors of a message's style sheets whose rules hide.
#[derive(Debug, Clone, Default)]
pub(super) struct Hiding {
    selectors: Vec<Simple>,
}

impl Hiding {
    /// The hiding selectors of the style sheet text `css` (the content
    /// of `<style>` elements, concatenated), added to those already
    /// found. Rules inside `@media` blocks count; selectors with
    /// pseudo-classes, pseudo-elements or attribute tests are skipped.
    pub fn add_sheet(&mut self, css: &str) {
        let css = without_comments(css);
        for rule in css.split('}') {
            let Some((selectors, declarations)) = rule.rsplit_once('{') else {
                continue;
            };
            if !hides(declarations) {
                continue;
            }
            // `@media screen { .a` : the selectors follow the last `{`.
            let selectors = selectors.rsplit('{').next().unwrap_or("");
            for selector in selectors.split(',') {
                if self.selectors.len() >= MAX_SELECTORS {
                    return;
                }
                if let Some(simple) = last_compound(selector) {
                    self.selectors.push(simple);
                }
            }
        }
    }

    /// Whether any selector is known.
    pub fn is_empty(&self) -> bool {
        self.selectors.is_empty()
    }

    /// Whether an element named `tag` (lower case) with `class` and `id`
    /// attribute values matches a hiding selector.
    pub fn hides(&self, tag: &str, class: Option<&str>, id: Option<&str>) -> bool {
        if self.selectors.is_empty() {
            return false;
        }
        let classes: HashSet<&str> = class
            .map(|list| list.split_ascii_whitespace().collect())
            .unwrap_or_default();
        self.selectors.iter().any(|s| {
            s.tag.as_deref().is_none_or(|t| t == tag)
                && s.id.as_deref().is_none_or(|i| Some(i) == id)
                && s.classes.iter().all(|c| classes.contains(c.as_str()))
        })
    }
}

/// The last compound of `selector` (`div.a > span.b.c` gives `span.b.c`),
/// or `None` when it is empty or uses what is not read here.
fn last_compound(selector: &str) -> Option<Simple> {
    let compound = selector
        .trim()
        .rsplit(|c: char| c.is_whitespace() || c == '>' || c == '+' || c == '~')
        .next()?;
    if compound.is_empty() || compound.contains([':', '[', '(']) || compound.starts_with('@') {
        return None;
    }
    let mut simple = Simple::default();
    let mut rest = compound;
    let tag_end = rest.find(['.', '#']).unwrap_or(rest.len());
    let tag = &rest[..tag_end];
    if !tag.is_empty() && tag != "*" {
        simple.tag = Some(tag.to_ascii_lowercase());
    }
    rest = &rest[tag_end..];
    while let Some(kind) = rest.chars().next() {
        let body = &rest[1..];
        let end = body.find(['.', '#']).unwrap_or(body.len());
        let name = &body[..end];
        if name.is_empty() {
            return None;
        }
        if kind == '.' {
            simple.classes.push(name.to_string());
        } else {
            simple.id = Some(name.to_string());
        }
        rest = &body[end..];
    }
    Some(simple)
}

#[cfg(test)]
mod tests {
    use super::{Hiding, hides};

    #[test]
    fn hiding_declarations() {
        for yes in [
            "display:none",
            "DISPLAY : None !important",
            "color:red;display:/* x */none",
            "visibility:hidden",
            "mso-hide:all",
            "font-size:0",
            "font-size: 0px",
            "font-size:0.0em",
            "opacity:0",
            "max-height:0;overflow:hidden",
            "width:0px; overflow: hidden",
            "transform: scale(0)",
            "color:transparent",
        ] {
            assert!(hides(yes), "{yes}");
        }
        for no in [
            "display:block",
            "font-size:0.5em",
            "font-size:10px",
            "max-height:0",
            "opacity:1",
            "color:red",
            "",
            "display",
        ] {
            assert!(!hides(no), "{no}");
        }
    }

    #[test]
    fn sheets_give_simple_selectors() {
        let mut h = Hiding::default();
        h.add_sheet(
            ".h{display:none} p.x, #y { font-size:0 } .s:hover{display:none}
             @media screen { .m { mso-hide: all } } .v { color: red }
             div .deep > span.a.b { display:none }",
        );
        assert!(h.hides("span", Some("h"), None));
        assert!(h.hides("p", Some("q x"), None));
        assert!(!h.hides("div", Some("x"), None));
        assert!(h.hides("b", None, Some("y")));
        assert!(!h.hides("span", Some("s"), None));
        assert!(h.hides("td", Some("m"), None));
        assert!(!h.hides("td", Some("v"), None));
        assert!(h.hides("span", Some("b a"), None));
        assert!(!h.hides("span", Some("a"), None));
    }
}
