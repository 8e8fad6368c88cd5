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

use super::cascade::{self, Decl};

/// At most this many selectors are kept from a message's style sheets:
/// every element is held against each of them.
const MAX_SELECTORS: usize = 128;

/// Whether the declarations (`display: none; color: red`, as in a
/// `style` attribute or between a rule's braces) hide what they apply to,
/// each property taking its last value (`!important` first): see
/// [`cascade::hides`] for what hides.
#[cfg(test)]
fn hides(declarations: &str) -> bool {
    let decls = cascade::parse(declarations);
    cascade::hides(&cascade::cascade(&decls))
}

/// `text` with CSS escapes read (CSS Syntax Level 3, 4.3.7): `\` and up
/// to six hex digits (one white space after them is part of the escape)
/// is that code point (U+FFFD for zero, a surrogate or past U+10FFFF);
/// `\` and any other character is that character.
pub(super) fn unescape(text: &str) -> String {
    if !text.contains('\\') {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' {
            out.extend(escaped(&mut chars));
        } else {
            out.push(c);
        }
    }
    out
}

/// The character an escape stands for, read from `chars` just after its
/// `\\` (see [`unescape`]); `None` at the end of the text.
fn escaped(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<char> {
    let mut hex = String::new();
    while hex.len() < 6 && chars.peek().is_some_and(|h| h.is_ascii_hexdigit()) {
        hex.extend(chars.next());
    }
    if hex.is_empty() {
        return chars.next();
    }
    if chars.peek().is_some_and(|w| w.is_ascii_whitespace()) {
        chars.next();
    }
    let code = u32::from_str_radix(&hex, 16).unwrap_or(0);
    Some(
        char::from_u32(code)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{FFFD}'),
    )
}

/// `text` without CSS comments (`/* ... */`; an unclosed one runs to the
/// end).
pub(super) fn without_comments(text: &str) -> String {
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
    /// Every class it names (matched with ASCII case ignored: see
    /// [`Simple::matches`]).
    classes: Vec<String>,
    /// The id it names.
    id: Option<String>,
}

/// Where a pseudo-element's generated text goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Side {
    /// `::before`: first thing inside the element.
    Before,
    /// `::after`: last thing inside the element.
    After,
}

/// What a message's style sheets do to its text: the selectors whose
/// rules hide, and the text that `::before` and `::after` rules insert
/// (`.a::before { content: "wi" }`).
#[derive(Debug, Clone, Default)]
pub(super) struct Hiding {
    /// Rules with a declaration that may hide or show text, in order.
    rules: Vec<(Simple, Vec<Decl>)>,
    generated: Vec<(Simple, Side, String)>,
    directions: Vec<(Simple, Bidi)>,
    /// Whether a cap left a rule or a `content` value out.
    pub cut: bool,
}

/// The properties whose values may hide (or show again) an element's
/// text: what [`cascade::hides`] reads.
const HIDING: [&str; 30] = [
    "display",
    "visibility",
    "mso-hide",
    "content-visibility",
    "font-size",
    "font",
    "color",
    "-webkit-text-fill-color",
    "opacity",
    "filter",
    "transform",
    "zoom",
    "overflow",
    "overflow-x",
    "overflow-y",
    "height",
    "max-height",
    "width",
    "max-width",
    "line-height",
    "text-indent",
    "clip",
    "clip-path",
    "position",
    "left",
    "top",
    "right",
    "bottom",
    "margin-left",
    "margin-top",
];

/// `css` without its `@media` blocks for print or speech only (`@media
/// print { ... }`): a mail client draws for the screen. Blocks for the
/// screen, for `all` or with conditions are kept.
fn without_print_media(css: &str) -> String {
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(at) = rest.find("@media") {
        out.push_str(rest.get(..at).unwrap_or(""));
        let after = rest.get(at..).unwrap_or("");
        let Some(open) = after.find('{') else {
            out.push_str(after);
            return out;
        };
        let query = after.get(6..open).unwrap_or("").to_ascii_lowercase();
        let not_screen = (query.contains("print") || query.contains("speech"))
            && !query.contains("screen")
            && !query.contains("all");
        if !not_screen {
            // Kept: the block's rules are read as rules of their own.
            out.push_str(after.get(..=open).unwrap_or(""));
            rest = after.get(open + 1..).unwrap_or("");
            continue;
        }
        // Dropped: up to the brace that closes the block.
        let mut depth = 0usize;
        let mut end = after.len();
        for (i, c) in after.char_indices().skip(open) {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = after.get(end..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// At most this many characters of one `content` value are kept.
const MAX_CONTENT: usize = 256;

impl Hiding {
    /// The hiding selectors and generated text of the style sheet text
    /// `css` (the content of `<style>` elements, concatenated), added to
    /// those already found. Rules inside `@media` blocks count; selectors
    /// with pseudo-classes or attribute tests are skipped, and so are
    /// pseudo-elements other than `::before` and `::after` (or their
    /// one-colon forms).
    pub fn add_sheet(&mut self, css: &str) {
        let css = without_print_media(&without_comments(css));
        for rule in css.split('}') {
            let Some((selectors, declarations)) = rule.rsplit_once('{') else {
                continue;
            };
            let decls: Vec<Decl> = cascade::parse(declarations)
                .into_iter()
                .filter(|d| HIDING.contains(&d.property.as_str()))
                .collect();
            let hide = !decls.is_empty();
            let direction = bidi(declarations);
            let direction = (direction != Bidi::default()).then_some(direction);
            let content = content(declarations);
            if content
                .as_ref()
                .is_some_and(|c| c.chars().count() > MAX_CONTENT)
            {
                self.cut = true;
            }
            let content = content.map(|c| c.chars().take(MAX_CONTENT).collect::<String>());
            if !hide && content.is_none() && direction.is_none() {
                continue;
            }
            // `@media screen { .a` : the selectors follow the last `{`.
            let selectors = selectors.rsplit('{').next().unwrap_or("");
            for selector in selectors.split(',') {
                if self.rules.len() + self.generated.len() + self.directions.len() >= MAX_SELECTORS
                {
                    self.cut = true;
                    return;
                }
                match pseudo_element(selector) {
                    Some((base, side)) => {
                        if let (Some(text), Some(simple)) = (&content, last_compound(base)) {
                            self.generated.push((simple, side, text.clone()));
                        }
                    }
                    None => {
                        let Some(simple) = last_compound(selector) else {
                            continue;
                        };
                        if let Some(direction) = direction {
                            self.directions.push((simple.clone(), direction));
                        }
                        if hide {
                            self.rules.push((simple, decls.clone()));
                        }
                    }
                }
            }
        }
    }

    /// Whether any rule is known.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty() && self.generated.is_empty() && self.directions.is_empty()
    }

    /// The `direction` and `unicode-bidi` the style sheets give such an
    /// element, the later rule winning for each.
    pub fn bidi(&self, tag: &str, class: Option<&str>, id: Option<&str>) -> Bidi {
        if self.directions.is_empty() {
            return Bidi::default();
        }
        let classes = class_set(class);
        self.directions
            .iter()
            .filter(|(s, _)| s.matches(tag, &classes, id))
            .fold(Bidi::default(), |acc, (_, b)| b.or(acc))
    }

    /// The declarations of the rules matching an element named `tag`
    /// (lower case) with `class` and `id` attribute values that may hide
    /// or show its text, in rule order (for [`cascade::cascade`]).
    pub fn declarations(&self, tag: &str, class: Option<&str>, id: Option<&str>) -> Vec<&Decl> {
        if self.rules.is_empty() {
            return Vec::new();
        }
        let classes = class_set(class);
        self.rules
            .iter()
            .filter(|(s, _)| s.matches(tag, &classes, id))
            .flat_map(|(_, d)| d.iter())
            .collect()
    }

    /// Whether the rules matching such an element hide its text.
    #[cfg(test)]
    pub fn hides(&self, tag: &str, class: Option<&str>, id: Option<&str>) -> bool {
        cascade::hides(&cascade::cascade(self.declarations(tag, class, id)))
    }

    /// The text `::before` and `::after` rules put inside such an
    /// element, in rule order: (before, after), empty when none.
    pub fn generated(&self, tag: &str, class: Option<&str>, id: Option<&str>) -> (String, String) {
        let mut out = (String::new(), String::new());
        if self.generated.is_empty() {
            return out;
        }
        let classes = class_set(class);
        for (simple, side, text) in &self.generated {
            if simple.matches(tag, &classes, id) {
                match side {
                    Side::Before => out.0.push_str(text),
                    Side::After => out.1.push_str(text),
                }
            }
        }
        out
    }
}

fn class_set(class: Option<&str>) -> HashSet<&str> {
    class
        .map(|list| list.split_ascii_whitespace().collect())
        .unwrap_or_default()
}

impl Simple {
    /// Classes and ids are matched with ASCII case ignored, as in quirks
    /// mode, which a message without a doctype is rendered in (HTML
    /// standard, "Quirks mode": `.X` matches `class=x`); in a standards
    /// mode document this may hide more than a browser would, and only
    /// the shown reading loses it.
    fn matches(&self, tag: &str, classes: &HashSet<&str>, id: Option<&str>) -> bool {
        self.tag.as_deref().is_none_or(|t| t == tag)
            && self
                .id
                .as_deref()
                .is_none_or(|i| id.is_some_and(|id| id.eq_ignore_ascii_case(i)))
            && self.classes.iter().all(|c| {
                classes.contains(c.as_str()) || classes.iter().any(|k| k.eq_ignore_ascii_case(c))
            })
    }
}

/// `selector` without a trailing `::before` or `::after` (or `:before`,
/// `:after`), and which it was; `None` when it has neither.
fn pseudo_element(selector: &str) -> Option<(&str, Side)> {
    let s = selector.trim_end();
    for (suffix, side) in [
        ("::before", Side::Before),
        (":before", Side::Before),
        ("::after", Side::After),
        (":after", Side::After),
    ] {
        let cut = s.len().checked_sub(suffix.len())?;
        if s.get(cut..)
            .is_some_and(|end| end.eq_ignore_ascii_case(suffix))
        {
            return s.get(..cut).map(|base| (base, side));
        }
    }
    None
}

/// The strings of a `content` declaration, joined (`"wi" 're'` gives
/// `wire`; counters, `attr()` and keywords give nothing); `None` when
/// there is no such declaration or it gives no text.
/// How an element takes part in bidi reordering: CSS `unicode-bidi`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum BidiMode {
    /// `normal`: no embedding of its own (a block is still a paragraph
    /// of its own direction).
    Normal,
    /// `embed`.
    Embed,
    /// `isolate`.
    Isolate,
    /// `bidi-override`: the content drawn in the element's direction,
    /// letter by letter.
    Override,
    /// `isolate-override` (HTML's `bdo`).
    IsolateOverride,
    /// `plaintext`: direction from the content.
    Plaintext,
}

/// The bidi properties an element is given: `direction` (right to left
/// or not) and `unicode-bidi`, each `None` when not given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Bidi {
    /// `direction: rtl` (`true`) or `ltr`.
    pub rtl: Option<bool>,
    /// `unicode-bidi`.
    pub mode: Option<BidiMode>,
}

impl Bidi {
    /// Each property of `self`, else of `fallback` (a style attribute
    /// over the style sheets, author style over HTML's own).
    pub fn or(self, fallback: Bidi) -> Bidi {
        Bidi {
            rtl: self.rtl.or(fallback.rtl),
            mode: self.mode.or(fallback.mode),
        }
    }
}

/// The `direction` and `unicode-bidi` of the declarations (as [`hides`]
/// reads them).
pub(super) fn bidi(declarations: &str) -> Bidi {
    let mut out = Bidi::default();
    for d in cascade::parse(declarations) {
        let (property, value) = (d.property, d.value);
        match property.as_str() {
            "direction" => match value.as_str() {
                "rtl" => out.rtl = Some(true),
                "ltr" => out.rtl = Some(false),
                _ => {}
            },
            "unicode-bidi" => {
                out.mode = match value.as_str() {
                    "normal" => Some(BidiMode::Normal),
                    "embed" => Some(BidiMode::Embed),
                    "isolate" => Some(BidiMode::Isolate),
                    "bidi-override" => Some(BidiMode::Override),
                    "isolate-override" => Some(BidiMode::IsolateOverride),
                    "plaintext" => Some(BidiMode::Plaintext),
                    _ => out.mode,
                }
            }
            _ => {}
        }
    }
    out
}

/// What HTML's own style sheet gives an element (HTML standard,
/// "Bidirectional text"): `[dir=rtl]`/`[dir=ltr]` a direction and an
/// isolate, `dir=auto` and `bdi` an isolate whose direction comes from
/// its content, `bdo` an isolate-override.
pub(super) fn bidi_of_element(tag: &str, dir: Option<&str>) -> Bidi {
    let dir = dir.map(|d| d.trim().to_ascii_lowercase());
    let rtl = match dir.as_deref() {
        Some("rtl") => Some(true),
        Some("ltr") => Some(false),
        _ => None,
    };
    let mode = match (tag, dir.as_deref()) {
        ("bdo", _) => Some(BidiMode::IsolateOverride),
        ("bdi", _) | (_, Some("auto")) => Some(BidiMode::Plaintext),
        (_, Some(_)) => Some(BidiMode::Isolate),
        _ => None,
    };
    Bidi { rtl, mode }
}

/// The bidi controls that stand for an element's `mode` and its
/// direction `rtl` (CSS Writing Modes 3 §2.4.2, "Bidi control codes
/// injection"): the opening and the closing ones, put around its content
/// so that the text reads in the order it is drawn in. `own`: the
/// element has a direction of its own (with `normal`, a block is a
/// paragraph of that direction: an isolate stands for it). `None` when
/// the element changes nothing.
pub(super) fn bidi_controls(
    mode: BidiMode,
    rtl: bool,
    own: bool,
) -> Option<(&'static str, &'static str)> {
    Some(match (mode, rtl) {
        (BidiMode::Override, true) => ("\u{202E}", "\u{202C}"),
        (BidiMode::Override, false) => ("\u{202D}", "\u{202C}"),
        (BidiMode::IsolateOverride, true) => ("\u{2067}\u{202E}", "\u{202C}\u{2069}"),
        (BidiMode::IsolateOverride, false) => ("\u{2066}\u{202D}", "\u{202C}\u{2069}"),
        (BidiMode::Embed, true) => ("\u{202B}", "\u{202C}"),
        (BidiMode::Embed, false) => ("\u{202A}", "\u{202C}"),
        (BidiMode::Plaintext, _) => ("\u{2068}", "\u{2069}"),
        (BidiMode::Isolate, true) => ("\u{2067}", "\u{2069}"),
        (BidiMode::Isolate, false) => ("\u{2066}", "\u{2069}"),
        (BidiMode::Normal, true) if own => ("\u{2067}", "\u{2069}"),
        (BidiMode::Normal, false) if own => ("\u{2066}", "\u{2069}"),
        (BidiMode::Normal, _) => return None,
    })
}

fn content(declarations: &str) -> Option<String> {
    let value = declarations.split(';').find_map(|d| {
        let (property, value) = d.split_once(':')?;
        unescape(property)
            .trim()
            .eq_ignore_ascii_case("content")
            .then_some(value)
    })?;
    let mut out = String::new();
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '"' && c != '\'' {
            continue;
        }
        while let Some(d) = chars.next() {
            match d {
                _ if d == c => break,
                '\\' => out.extend(escaped(&mut chars)),
                _ => out.push(d),
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The last compound of `selector` (`div.a > span.b.c` gives `span.b.c`),
/// names read with their CSS escapes (`.\\68` is class `h`), or `None`
/// when it is empty or uses what is not read here.
fn last_compound(selector: &str) -> Option<Simple> {
    // The compound starts after the last combinator that is not part of
    // an escape (`\\68 ` ends with a space of its own).
    let selector = selector.trim();
    let mut start = 0;
    let mut chars = selector.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\\' {
            let mut digits = 0;
            while digits < 6 && chars.peek().is_some_and(|(_, h)| h.is_ascii_hexdigit()) {
                chars.next();
                digits += 1;
            }
            if digits == 0 || chars.peek().is_some_and(|(_, w)| w.is_ascii_whitespace()) {
                chars.next();
            }
        } else if c.is_whitespace() || matches!(c, '>' | '+' | '~') {
            start = i + c.len_utf8();
        }
    }
    let compound = selector.get(start..)?;
    if compound.is_empty() || compound.contains([':', '[', '(']) || compound.starts_with('@') {
        return None;
    }
    let mut simple = Simple::default();
    let mut kind = ' ';
    let mut name = String::new();
    let mut chars = compound.chars().peekable();
    loop {
        let next = chars.next();
        if let Some(c) = next.filter(|c| !matches!(c, '.' | '#')) {
            if c == '\\' {
                name.extend(escaped(&mut chars));
            } else {
                name.push(c);
            }
            continue;
        }
        // A name ends: the tag (`*` for any), a class or the id.
        let done = std::mem::take(&mut name);
        match kind {
            ' ' if done.is_empty() || done == "*" => {}
            ' ' => simple.tag = Some(done.to_ascii_lowercase()),
            _ if done.is_empty() => return None,
            '.' => simple.classes.push(done),
            _ => simple.id = Some(done),
        }
        match next {
            Some(c) => kind = c,
            None => return Some(simple),
        }
    }
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
            "font-size:1px",
            "font-size: .5pt",
            "font-size:0.1em",
            "font-size:5%",
            "font:0/0 a",
            "font: bold 0 serif",
            "font: italic 700 1px/2 Arial",
            "opacity:0",
            "max-height:0;overflow:hidden",
            "width:0px; overflow: hidden",
            "transform: scale(0)",
            "color:transparent",
            "display:\\6e one",
            "display:\\00006Eone",
            "dis\\play:no\\ne",
            "position:absolute; left:-9999px",
            "text-indent:-5000px;position:fixed",
            "clip: rect(0 0 0 0)",
            "clip:rect(0px,0px,0px,0px)",
            "clip-path: inset(50%)",
        ] {
            assert!(hides(yes), "{yes}");
        }
        for no in [
            "display:block",
            "font-size:0.5em",
            "font-size:10px",
            "font-size:2px",
            "font-size:small",
            "font: 700 12px Arial",
            "font: 14px/1.5 sans-serif",
            "font: bold small-caps 1em serif",
            "max-height:0",
            "opacity:1",
            "color:red",
            "",
            "display",
            "left:-9999px",
            "position:absolute;left:-10px",
            "clip:rect(0 10px 10px 0)",
            "clip-path: inset(10%)",
            "display:\\",
        ] {
            assert!(!hides(no), "{no}");
        }
    }

    #[test]
    fn before_and_after_give_text() {
        let mut h = Hiding::default();
        h.add_sheet(
            ".a::before { content: \"wi\" } .a:AFTER{content:'re' \" \\74 ransfer\"}
             span.b::before { content: attr(x) } .c::first-line { content: 'x' }",
        );
        assert_eq!(
            h.generated("i", Some("a"), None),
            ("wi".into(), "re transfer".into())
        );
        assert_eq!(
            h.generated("span", Some("b"), None),
            (String::new(), String::new())
        );
        assert_eq!(
            h.generated("i", Some("c"), None),
            (String::new(), String::new())
        );
        assert!(!h.hides("i", Some("a"), None));
    }

    #[test]
    fn sheets_give_simple_selectors() {
        let mut h = Hiding::default();
        h.add_sheet(
            ".h{display:none} p.x, #y { font-size:0 } .s:hover{display:none}
             @media screen { .m { mso-hide: all } } .v { color: red }
             div .deep > span.a.b { display:none } .\\68 idden\\.x { display: none }",
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
        assert!(h.hides("span", Some("hidden.x"), None));
        assert!(!h.hides("span", Some("hidden"), None));
        // Quirks mode (no doctype, as most mail): case ignored.
        assert!(h.hides("span", Some("H"), None));
        assert!(h.hides("b", None, Some("Y")));
    }
}
