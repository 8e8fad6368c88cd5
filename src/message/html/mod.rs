//! The text a reader of an HTML part sees, for the body rules.
//!
//! Pure, linear in the input, bounded in memory. A rule written against
//! what the recipient reads (`wire transfer`) must not miss it because the
//! HTML spells it differently: `wi<b></b>re`, `wire&#32;transfer`,
//! `wire<!-- x -->transfer`, or a word cut by text the client hides
//! (`wi<span style="display:none">zz</span>re`). So an HTML part has two
//! readings besides its source:
//!
//! - **text**: everything a client without style sheets shows (Outlook's
//!   plain-text conversion, a screen reader, a text-mode client):
//!   character references decoded, tags and comments gone, the content
//!   of `script`, `style`, `title`, `iframe`, `noembed` and `noframes`
//!   left out, an image's `alt` text in its place, white space collapsed
//!   to one space, a line break at each block element (`p`, `div`, `br`,
//!   a table cell...);
//! - **shown**: the same without what a client with style sheets hides:
//!   elements with the `hidden` attribute, `template` content, and
//!   elements that a `style` attribute or a rule of a `<style>` element
//!   hides (see [`css`] for what counts); both readings also get the text
//!   that `::before` and `::after` rules insert (`content: "wi"`);
//! - and, when the part has conditional comments, what **Outlook** for
//!   Windows shows ([`render_outlook`], see [`outlook`]).
//!
//! The tokenizer follows the WHATWG HTML standard ([`tokens`]). The tree
//! is a stack of open elements with the standard's common implied ends
//! (a `<p>` closed by the next block, `<li>`, `<dd>`, `<dt>`, table
//! cells and rows, `<option>`), end tags that stop at a "special" element
//! as the standard's "any other end tag" rule does, and the depth capped
//! at 512 as Blink caps it; it does not rebuild formatting elements
//! (the adoption agency algorithm), so a formatting element that is
//! closed across a block ends where its end tag is.

mod cascade;
mod css;
mod meta;
mod outlook;
mod stack;
mod tokens;

use htmlize::{Context, unescape_in};

use css::Hiding;
use stack::{Stack, is_special, stop};
use tokens::{Token, Tokens};

pub use meta::{PRESCAN_BYTES, meta_encoding};

/// The two readings of an HTML text (see the module documentation).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rendered {
    /// What a client without style sheets shows.
    pub text: String,
    /// What a client with style sheets shows.
    pub shown: String,
    /// The cap that left part of the style sheets unread (their size, the
    /// number of rules, a `content` value's length, the generated text),
    /// when one did: the shown reading may then miss what a client shows.
    pub limit: Option<&'static str>,
}

/// Bytes of `<style>` content read for hiding rules.
const MAX_SHEET: usize = 256 * 1024;
/// Open elements kept; deeper ones become siblings of the deepest, as in
/// Blink (kMaximumHTMLParserDOMTreeDepth).
const MAX_DEPTH: usize = 512;

/// The readings of the HTML `source` (decoded text, any size; the caller
/// bounds it). Never fails: broken HTML is read the way the standard
/// reads it.
pub fn render(source: &str) -> Rendered {
    let mut hiding = Hiding::default();
    let mut sheet_cut = false;
    if has_style_element(source) {
        let mut sheet = String::new();
        for token in Tokens::new(source) {
            if let Token::Text {
                text,
                raw: Some("style"),
            } = token
            {
                let room = MAX_SHEET.saturating_sub(sheet.len());
                if text.len() > room {
                    sheet_cut = true;
                }
                let mut end = room.min(text.len());
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                sheet.push_str(text.get(..end).unwrap_or(""));
                sheet.push('\n');
            }
        }
        hiding.add_sheet(&sheet);
    }
    let mut tree = Tree {
        stack: Stack::default(),
        hiding: &hiding,
        out: Rendered::default(),
        text_space: false,
        shown_space: false,
        generated_budget: source.len() / 2,
        generated_cut: false,
    };
    for token in Tokens::new(source) {
        match token {
            Token::Text { text, raw } => tree.text(text, raw),
            Token::Start(tag) => tree.start(&tag),
            Token::End(name) => tree.end(&name),
        }
    }
    // The end of the input closes what is open (`::after` texts).
    tree.pop_to(0);
    let limit = if sheet_cut {
        Some("style sheets past 256 KB")
    } else if hiding.cut {
        Some("more than 128 style rules, or generated text past 256 characters")
    } else if tree.generated_cut {
        Some("generated text past half the part's size")
    } else {
        None
    };
    let mut out = tree.out;
    out.limit = limit;
    trim_end(&mut out.text);
    trim_end(&mut out.shown);
    out
}

/// What Outlook for Windows shows of the HTML `source` (with style
/// sheets, as [`Rendered::shown`]) when its conditional comments make it
/// differ from every other client's (`<!--[if mso]>`, `<!--[if !mso]><!-->`);
/// `None` when it has none.
pub fn render_outlook(source: &str) -> Option<String> {
    outlook::outlook_view(source).map(|view| render(&view).shown)
}

/// Whether `source` has a `<style` (ASCII case ignored).
fn has_style_element(source: &str) -> bool {
    memchr::memchr_iter(b'<', source.as_bytes()).any(|i| {
        source
            .as_bytes()
            .get(i + 1..i + 6)
            .is_some_and(|s| s.eq_ignore_ascii_case(b"style"))
    })
}

fn trim_end(s: &mut String) {
    let len = s.trim_end().len();
    s.truncate(len);
}

/// Elements whose start or end tag a reader sees as a line break.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "br"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "li"
            | "listing"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "option"
            | "p"
            | "pre"
            | "section"
            | "select"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "textarea"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
            | "xmp"
    )
}

/// Start tags that close an open `p` (WHATWG HTML 13.2.6.4.7, "in body").
fn closes_p(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "li"
            | "listing"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "plaintext"
            | "pre"
            | "search"
            | "section"
            | "summary"
            | "table"
            | "ul"
            | "xmp"
    )
}

/// Elements with no content and no end tag.
/// Elements HTML's own style sheet does not display (HTML standard,
/// "Rendering", 15.3.1): `rp`, `datalist`, a `dialog` without `open`, an
/// element with `popover` (closed until a script opens it), and the
/// `hidden` attribute; an author's `display` can still show them.
/// `has` tells whether the element has an attribute.
fn ua_hidden(name: &str, has: impl Fn(&str) -> bool) -> bool {
    has("hidden")
        || has("popover")
        || matches!(name, "rp" | "datalist")
        || (name == "dialog" && !has("open"))
}

/// Elements whose content is fallback a client that supports them never
/// draws: `audio`, `video` (the player is shown instead), `meter` and
/// `progress` (the gauge), `canvas`.
fn is_unrendered(name: &str) -> bool {
    matches!(name, "audio" | "video" | "meter" | "progress" | "canvas")
}

fn is_void(name: &str) -> bool {
    matches!(
        name,
        "area"
            | "base"
            | "basefont"
            | "bgsound"
            | "br"
            | "col"
            | "embed"
            | "frame"
            | "hr"
            | "img"
            | "input"
            | "keygen"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
    )
}

/// Raw text a reader never sees.
fn is_unseen_raw(name: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "title" | "iframe" | "noembed" | "noframes"
    )
}

const HEADINGS: &[&str] = &["h1", "h2", "h3", "h4", "h5", "h6"];

struct Tree<'h> {
    stack: Stack,
    hiding: &'h Hiding,
    out: Rendered,
    /// White space seen since the last character written, per reading.
    text_space: bool,
    shown_space: bool,
    /// Bytes of generated text still allowed (half the source's size).
    generated_budget: usize,
    /// Whether generated text was left out for want of budget.
    generated_cut: bool,
}

impl Tree<'_> {
    fn text(&mut self, text: &str, raw: Option<&str>) {
        match raw {
            Some(name) if is_unseen_raw(name) => {}
            // xmp and plaintext show their text as written.
            Some("xmp" | "plaintext") => self.write(text, self.stack.hides()),
            _ => self.write(&unescape_in(text, Context::General), self.stack.hides()),
        }
    }

    /// Characters a reader sees (in the shown reading too unless
    /// `hidden`), white space collapsed; NUL dropped as the tree builder
    /// drops it.
    fn write(&mut self, text: &str, hidden: bool) {
        for c in text.chars() {
            if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c') {
                self.text_space = true;
                self.shown_space |= !hidden;
                continue;
            }
            if c == '\0' {
                continue;
            }
            push(&mut self.out.text, &mut self.text_space, c);
            if !hidden {
                push(&mut self.out.shown, &mut self.shown_space, c);
            }
        }
    }

    /// A line break (at most one in a row) in the text reading, and in
    /// the shown one unless the element is `hidden`: a hidden block makes
    /// no box, so it breaks no line.
    fn boundary(&mut self, hidden: bool) {
        let mut outs = vec![(&mut self.out.text, &mut self.text_space)];
        if !hidden {
            outs.push((&mut self.out.shown, &mut self.shown_space));
        }
        for (out, space) in outs {
            trim_end(out);
            if !out.is_empty() {
                out.push('\n');
            }
            *space = false;
        }
    }

    fn start(&mut self, tag: &tokens::Tag<'_>) {
        let name = tag.name.as_str();
        self.implied_ends(name);
        let attr = |n: &str| tag.attr(n).map(|v| unescape_in(v, Context::Attribute));
        // What hides the element: HTML's own rules (`hidden`, elements
        // the standard does not render), then the style sheets' rules,
        // then its `style` attribute, each property taking its last value
        // (an author's `display:inline` shows a `hidden` element).
        let inline = attr("style")
            .map(|s| cascade::parse(&s))
            .unwrap_or_default();
        let ua = ua_hidden(name, |n| tag.attr(n).is_some()).then(|| cascade::Decl {
            property: "display".into(),
            value: "none".into(),
            important: false,
        });
        let decls = cascade::cascade(
            ua.iter()
                .chain(self.hiding.declarations(
                    name,
                    attr("class").as_deref(),
                    attr("id").as_deref(),
                ))
                .chain(inline.iter()),
        );
        let no_box = name == "template"
            || is_unrendered(name)
            || decls
                .iter()
                .any(|d| d.property == "display" && d.value == "none");
        let hidden = no_box || cascade::hides(&decls);
        if is_block(name) {
            // A block hidden some other way (visibility, a zero box...)
            // still breaks the line; one that is not drawn at all does not.
            self.boundary(no_box || self.stack.no_box());
        }
        let is_image = name == "img"
            || name == "area"
            || (name == "input"
                && tag
                    .attr("type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("image")));
        if is_image && let Some(alt) = attr("alt") {
            self.write(&alt, hidden || self.stack.hides());
        }
        if is_void(name) {
            return;
        }
        if self.stack.len() >= MAX_DEPTH {
            self.pop();
        }
        let (mut before, mut after) = if self.hiding.is_empty() {
            Default::default()
        } else {
            self.hiding
                .generated(name, attr("class").as_deref(), attr("id").as_deref())
        };
        // The element's direction, as bidi controls around its content:
        // the readings then put right-to-left runs in the order drawn.
        // A style attribute over the style sheets over HTML's own rules;
        // the direction is inherited.
        let own = attr("style")
            .map(|s| css::bidi(&s))
            .unwrap_or_default()
            .or(self
                .hiding
                .bidi(name, attr("class").as_deref(), attr("id").as_deref()))
            .or(css::bidi_of_element(name, attr("dir").as_deref()));
        let rtl = own.rtl.or(self.stack.direction());
        let mode = own.mode.unwrap_or(css::BidiMode::Normal);
        if let Some((open, close)) =
            css::bidi_controls(mode, rtl.unwrap_or(false), own.rtl.is_some())
        {
            before.insert_str(0, open);
            after.push_str(close);
        }
        let inside_hidden = hidden || self.stack.hides();
        self.generated_text(&before, inside_hidden);
        self.stack.push(
            name,
            stack::Shown {
                hidden,
                no_box,
                rtl,
            },
            (!after.is_empty()).then_some(after),
        );
    }

    /// Text a style sheet generates (`::before`, `::after`), while the
    /// budget lasts: a rule may match every element of the message.
    fn generated_text(&mut self, text: &str, hidden: bool) {
        if text.is_empty() {
            return;
        }
        if text.len() > self.generated_budget {
            self.generated_cut = true;
            return;
        }
        self.generated_budget -= text.len();
        self.write(text, hidden);
    }

    /// Closes the current element, writing its `::after` text.
    fn pop(&mut self) {
        if let Some(closed) = self.stack.pop() {
            self.generated_text(&closed.after, closed.hidden);
        }
    }

    /// Closes every element from `index` up, that one included.
    fn pop_to(&mut self, index: usize) {
        while self.stack.len() > index {
            self.pop();
        }
    }

    fn end(&mut self, name: &str) {
        if is_block(name) {
            // Still open: the element it closes, drawn or not.
            self.boundary(self.stack.no_box());
        }
        let found = match name {
            "body" | "html" | "br" => None,
            "p" => self.stack.find(&["p"], stop::SCOPE | stop::BUTTON),
            "li" => self.stack.find(&["li"], stop::SCOPE | stop::LIST),
            _ if HEADINGS.contains(&name) => self.stack.find(HEADINGS, stop::SCOPE),
            _ if is_special(name) => self.stack.find(&[name], stop::SCOPE),
            // Any other end tag: the nearest open element of that name,
            // unless a special element is open above it.
            _ => self.stack.find(&[name], stop::SPECIAL),
        };
        if let Some(i) = found {
            self.pop_to(i);
        }
    }

    /// The open elements a start tag `name` closes first.
    fn implied_ends(&mut self, name: &str) {
        if closes_p(name)
            && let Some(i) = self.stack.find(&["p"], stop::SCOPE | stop::BUTTON)
        {
            self.pop_to(i);
        }
        let current = self.stack.current();
        let close = match name {
            _ if HEADINGS.contains(&name) => {
                if current.is_some_and(|c| HEADINGS.contains(&c)) {
                    self.pop();
                }
                None
            }
            // `<li>`, `<dd>`, `<dt>`: the open item above any special
            // element other than address, div and p.
            "li" => self.stack.find(&["li"], stop::ITEM),
            "dd" | "dt" => self.stack.find(&["dd", "dt"], stop::ITEM),
            "option" => {
                if current == Some("option") {
                    self.pop();
                }
                None
            }
            "optgroup" => {
                if current == Some("option") {
                    self.pop();
                }
                if self.stack.current() == Some("optgroup") {
                    self.pop();
                }
                None
            }
            // A cell, row or section closes the open ones inside the
            // current table.
            "td" | "th" => self.stack.find(&["td", "th"], stop::TABLE),
            "tr" => self.stack.find(&["td", "th", "tr"], stop::TABLE),
            "tbody" | "thead" | "tfoot" => self
                .stack
                .find(&["td", "th", "tr", "tbody", "thead", "tfoot"], stop::TABLE),
            _ => None,
        };
        if let Some(i) = close {
            self.pop_to(i);
        }
    }
}

/// Writes `c` after one space if white space came before it (and the
/// reading is not at the start of a line).
fn push(out: &mut String, space: &mut bool, c: char) {
    if *space && !out.is_empty() && !out.ends_with('\n') {
        out.push(' ');
    }
    *space = false;
    out.push(c);
}

#[cfg(test)]
mod tests {
    use super::render;

    fn both(html: &str) -> (String, String) {
        let r = render(html);
        (r.text, r.shown)
    }

    #[test]
    fn tags_comments_and_references_do_not_cut_words() {
        let (text, shown) = both("<p>Please wi<b></b>re&#32;the mo<!-- x -->ney&period;</p>");
        assert_eq!(text, "Please wire the money.");
        assert_eq!(shown, text);
        assert_eq!(both("wire&nbsp;x").0, "wire\u{a0}x");
        assert_eq!(both("a&ampb &lt c").0, "a&b < c");
    }

    #[test]
    fn white_space_collapses_and_blocks_break_lines() {
        let (text, _) = both("<div>  wire \r\n\t transfer </div><p>now<br>today</p>x<td>y");
        assert_eq!(text, "wire transfer\nnow\ntoday\nx\ny");
    }

    #[test]
    fn unseen_elements_are_left_out_and_alt_text_counts() {
        let html = "<head><title>T</title><style>p{}</style><script>var a = '<p>x</p>';</script></head>\
                    <body>a<img src=x alt='wire &amp; co'>b<iframe>z</iframe><noscript>n</noscript></body>";
        assert_eq!(both(html).0, "awire & cobn");
    }

    #[test]
    fn hidden_text_is_only_in_the_text_reading() {
        for hidden in [
            "<span style=\"display:none\">zz</span>",
            "<span style='font-size:0px'>zz</span>",
            "<font style=\"DISPLAY: NONE !important\">zz</font>",
            "<span style=\"display&#58;none\">zz</span>",
            "<span hidden>zz</span>",
            "<template>zz</template>",
            "<span class=\"a h\">zz</span>",
            "<i id=k>zz</i>",
            "<span style=\"mso-hide:all\"><b>z</b>z</span>",
        ] {
            let html = format!(
                "<style>.h {{ display: none }} #k {{ opacity: 0 }}</style>wi{hidden}re transfer"
            );
            let (text, shown) = both(&html);
            assert_eq!(text, "wizzre transfer", "{hidden}");
            assert_eq!(shown, "wire transfer", "{hidden}");
        }
    }

    #[test]
    fn directions_become_bidi_controls() {
        let (text, shown) = both("<p>please <bdo dir=\"rtl\">yenom</bdo> x</p>");
        assert_eq!(text, "please \u{2067}\u{202E}yenom\u{202C}\u{2069} x");
        assert_eq!(shown, text);
        let (text, _) = both(
            "<div dir=RTL>a</div><span style=\"direction:rtl;unicode-bidi:bidi-override\">b</span>",
        );
        // The block's line ends before its close: an isolate left open
        // ends with its paragraph (UAX #9, BD8).
        assert_eq!(text, "\u{2067}a\n\u{2069}\u{202E}b\u{202C}");
        let (text, _) =
            both("<style>.r { unicode-bidi: embed; direction: rtl }</style><i class=r>c</i>");
        assert_eq!(text, "\u{202B}c\u{202C}");
    }

    #[test]
    fn a_hidden_block_breaks_no_line() {
        let (text, shown) = both("wi<span style=display:none><br><div>zz</div></span>re");
        assert_eq!(text, "wi\nzz\nre");
        assert_eq!(shown, "wire");
        let (_, shown) = both("<p>wire</p><p hidden>x</p><p>transfer</p>");
        assert_eq!(shown, "wire\ntransfer");
    }

    #[test]
    fn generated_text_counts_where_the_client_puts_it() {
        let html = "<style>.a::before{content:'wi'} .b::after{content:\"re\"} .h{display:none}</style>\
                    <i class=a>re</i> <b class=b>wi</b><span class=h><i class=a></i></span> transfer";
        let (text, shown) = both(html);
        assert_eq!(text, "wire wirewi transfer");
        assert_eq!(shown, "wire wire transfer");
        // A rule on every element generates at most half the source.
        let html = format!(
            "<style>*::before{{content:'{}'}}</style>{}",
            "x".repeat(200),
            "<b>".repeat(1000)
        );
        let r = render(&html);
        assert!(r.text.len() <= html.len() / 2 + 1);
        assert_eq!(r.limit, Some("generated text past half the part's size"));
        assert_eq!(render("<p>x</p>").limit, None);
    }

    #[test]
    fn implied_ends_close_a_hidden_element() {
        // The second <p> closes the hidden first one: the browser shows
        // the rest.
        let (_, shown) = both("<p style=display:none>zz<p>wire transfer");
        assert_eq!(shown, "wire transfer");
        let (_, shown) = both("<ul><li hidden>zz<li>wire</ul>");
        assert_eq!(shown, "wire");
        let (_, shown) = both("<table><tr><td hidden>zz<td>wire</table>");
        assert_eq!(shown, "wire");
        // An end tag does not close across a special element.
        let (_, shown) = both("<span hidden><div></span>zz</div></span>wire");
        assert_eq!(shown, "wire");
    }

    #[test]
    fn a_hidden_element_cut_by_the_depth_cap_ends() {
        let html = format!("{}<span hidden>zz</span>wire", "<span>".repeat(600));
        assert_eq!(both(&html).1, "wire");
    }
}
