//! The HTML tokenizer of the body readings: text, start tags and end tags,
//! in the order a browser's tokenizer finds them.
//!
//! Pure and linear: every byte is looked at a bounded number of times,
//! whatever the input (no attribute list is searched for duplicates: only
//! the few attributes the readings use are kept, the first of each name,
//! as the HTML standard keeps the first). It follows the tokenization
//! section of the WHATWG HTML standard (13.2.5) where the text a reader
//! sees depends on it: where a tag, a comment (`<!-->`, `--!>`), a bogus
//! comment (`<?...>`, `</ x>`, `<![CDATA[...]]>` outside SVG) or a
//! doctype ends; which elements hold raw text (`script` with its escaped
//! and double-escaped states, `style`, `title`, `textarea`...); that an
//! unfinished tag at the end of the input is dropped; and that `<` not
//! followed by a letter, `/`, `!` or `?` is text. Character references are
//! left in place, for the caller to decode.

/// What the tokenizer found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Token<'a> {
    /// Text as written, character references not decoded; `raw` names
    /// the element whose raw text it is (`script`, `style`, `title`...),
    /// `None` for ordinary text.
    Text {
        text: &'a str,
        raw: Option<&'static str>,
    },
    /// A start tag: its name in ASCII lower case, the attributes the
    /// readings use (each value as written), and whether it ended in `/>`.
    Start(Tag<'a>),
    /// An end tag, its name in ASCII lower case.
    End(String),
}

/// A start tag: only what the readings use.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Tag<'a> {
    /// The name in ASCII lower case.
    pub name: String,
    /// `style`, `class`, `id`, `alt`, `hidden`, `type`, and a `meta`
    /// element's `charset`, `content` and `http-equiv`, as written
    /// (character references not decoded), the first of each name.
    pub attrs: Vec<(&'static str, &'a str)>,
}

impl Tag<'_> {
    /// The value of attribute `name` (one of those kept), if present.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }
}

/// The attributes a reading needs; the others are skipped.
const KEPT: [&str; 13] = [
    "open",
    "popover",
    "controls",
    "style",
    "class",
    "id",
    "alt",
    "hidden",
    "type",
    "charset",
    "content",
    "http-equiv",
    "dir",
];

/// How the content of an element is tokenized (WHATWG HTML 13.2.6.2 and
/// the tree construction rules that switch the tokenizer's state).
fn raw_kind(name: &str) -> Option<(&'static str, Raw)> {
    Some(match name {
        "script" => ("script", Raw::Script),
        "style" => ("style", Raw::Rawtext),
        "xmp" => ("xmp", Raw::Rawtext),
        "iframe" => ("iframe", Raw::Rawtext),
        "noembed" => ("noembed", Raw::Rawtext),
        "noframes" => ("noframes", Raw::Rawtext),
        "title" => ("title", Raw::Rcdata),
        "textarea" => ("textarea", Raw::Rcdata),
        "plaintext" => ("plaintext", Raw::Plaintext),
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Raw {
    Rawtext,
    Rcdata,
    Script,
    Plaintext,
}

/// HTML's ASCII whitespace, plus CR (which the standard's input stream
/// preprocessing turns into LF before the tokenizer sees it).
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

/// The tokens of `source`, in order. Comments and doctypes are skipped.
pub(super) struct Tokens<'a> {
    source: &'a str,
    at: usize,
    raw: Option<(&'static str, Raw)>,
    /// A token found while reading raw text, given after that text.
    pending: Option<Token<'a>>,
}

impl<'a> Tokens<'a> {
    pub fn new(source: &'a str) -> Self {
        Tokens {
            source,
            at: 0,
            raw: None,
            pending: None,
        }
    }

    fn bytes(&self) -> &'a [u8] {
        self.source.as_bytes()
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.bytes().get(i).copied()
    }

    /// `source[from..to]`; both ends are at ASCII bytes or the ends of
    /// the input, so the slice is on character boundaries.
    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.source.get(from..to).unwrap_or("")
    }

    /// The position after the first `>` at or after `from`, or the end.
    fn past_gt(&self, from: usize) -> usize {
        match self
            .bytes()
            .get(from..)
            .and_then(|b| memchr::memchr(b'>', b))
        {
            Some(i) => from + i + 1,
            None => self.bytes().len(),
        }
    }

    /// Whether `</name` followed by whitespace, `/` or `>` starts at `i`
    /// (an "appropriate end tag", names compared ignoring ASCII case).
    fn end_tag_at(&self, i: usize, name: &str) -> bool {
        let b = self.bytes();
        let n = name.len();
        b.get(i..i + 2) == Some(b"</")
            && b.get(i + 2..i + 2 + n)
                .is_some_and(|s| s.eq_ignore_ascii_case(name.as_bytes()))
            && b.get(i + 2 + n)
                .is_some_and(|&c| is_space(c) || c == b'/' || c == b'>')
    }

    /// Raw text of element `name` up to its end tag (or the end), then
    /// the end tag itself as the pending token.
    fn raw_text(&mut self, name: &'static str, kind: Raw) -> Token<'a> {
        let start = self.at;
        let end = match kind {
            Raw::Plaintext => None,
            Raw::Script => self.script_end(start),
            Raw::Rawtext | Raw::Rcdata => {
                let mut found = None;
                let mut i = start;
                while let Some(j) = self.bytes().get(i..).and_then(|b| memchr::memchr(b'<', b)) {
                    if self.end_tag_at(i + j, name) {
                        found = Some(i + j);
                        break;
                    }
                    i += j + 1;
                }
                found
            }
        };
        self.raw = None;
        match end {
            Some(end) => {
                // The end tag: its attributes are read and ignored.
                self.at = end + 2;
                if let Some(Token::End(tag)) = self.tag(false) {
                    self.pending = Some(Token::End(tag));
                }
                Token::Text {
                    text: self.slice(start, end),
                    raw: Some(name),
                }
            }
            None => {
                self.at = self.bytes().len();
                Token::Text {
                    text: self.slice(start, self.at),
                    raw: Some(name),
                }
            }
        }
    }

    /// Where the script's end tag starts: script data, its escaped state
    /// (after `<!--`) and double-escaped state (after `<!--<script>`), in
    /// which `</script>` does not end the element (WHATWG HTML 13.2.5.15
    /// to 13.2.5.31). One pass.
    fn script_end(&self, from: usize) -> Option<usize> {
        #[derive(PartialEq)]
        enum S {
            Data,
            Escaped,
            Double,
        }
        let b = self.bytes();
        let mut state = S::Data;
        let mut i = from;
        while i < b.len() {
            match (&state, b[i]) {
                (S::Data, b'<') if b.get(i + 1..i + 4) == Some(b"!--") => {
                    state = S::Escaped;
                    // `<!-->` and `<!--->` go straight back to script
                    // data: the dashes count towards the `-->`.
                    i += 2;
                    continue;
                }
                (S::Data | S::Escaped, b'<') if self.end_tag_at(i, "script") => return Some(i),
                (S::Escaped | S::Double, b'-') if b.get(i..i + 3) == Some(b"-->") => {
                    state = S::Data;
                    i += 3;
                    continue;
                }
                (S::Escaped, b'<')
                    if b.get(i + 1..i + 7)
                        .is_some_and(|s| s.eq_ignore_ascii_case(b"script"))
                        && b.get(i + 7)
                            .is_some_and(|&c| is_space(c) || c == b'/' || c == b'>') =>
                {
                    state = S::Double;
                    i += 7;
                    continue;
                }
                (S::Double, b'<') if self.end_tag_at(i, "script") => {
                    state = S::Escaped;
                    i += 8;
                    continue;
                }
                _ => {}
            }
            i += 1;
        }
        None
    }

    /// A tag whose name starts at `self.at` (after `<` or `</`). `None`
    /// when the input ends inside it: the standard drops such a tag.
    fn tag(&mut self, start: bool) -> Option<Token<'a>> {
        let b = self.bytes();
        let name_start = self.at;
        let mut i = name_start;
        while i < b.len() && !is_space(b[i]) && b[i] != b'/' && b[i] != b'>' {
            i += 1;
        }
        let name = self.slice(name_start, i).to_ascii_lowercase();
        let mut tag = Tag {
            name,
            attrs: Vec::new(),
        };
        loop {
            while i < b.len() && (is_space(b[i]) || b[i] == b'/') {
                i += 1;
            }
            match b.get(i) {
                None => {
                    self.at = b.len();
                    return None;
                }
                Some(b'>') => {
                    self.at = i + 1;
                    break;
                }
                Some(_) => {}
            }
            // An attribute name: a leading `=` belongs to it.
            let attr_start = i;
            i += 1;
            while i < b.len() && !is_space(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
                i += 1;
            }
            let attr_name = self.slice(attr_start, i);
            while i < b.len() && is_space(b[i]) {
                i += 1;
            }
            let mut value = "";
            if b.get(i) == Some(&b'=') {
                i += 1;
                while i < b.len() && is_space(b[i]) {
                    i += 1;
                }
                match b.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        let from = i + 1;
                        let Some(len) = b.get(from..).and_then(|s| memchr::memchr(q, s)) else {
                            self.at = b.len();
                            return None;
                        };
                        value = self.slice(from, from + len);
                        i = from + len + 1;
                    }
                    _ => {
                        let from = i;
                        while i < b.len() && !is_space(b[i]) && b[i] != b'>' {
                            i += 1;
                        }
                        value = self.slice(from, i);
                    }
                }
            }
            if let Some(kept) = KEPT.iter().find(|k| attr_name.eq_ignore_ascii_case(k))
                && tag.attr(kept).is_none()
            {
                tag.attrs.push((kept, value));
            }
        }
        if start {
            self.raw = raw_kind(&tag.name);
            Some(Token::Start(tag))
        } else {
            Some(Token::End(tag.name))
        }
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        if let Some(token) = self.pending.take() {
            return Some(token);
        }
        if let Some((name, kind)) = self.raw {
            return Some(self.raw_text(name, kind));
        }
        loop {
            let b = self.bytes();
            if self.at >= b.len() {
                return None;
            }
            let from = self.at;
            let lt = match memchr::memchr(b'<', &b[from..]) {
                Some(j) => from + j,
                None => b.len(),
            };
            // Text up to the `<`, and the `<` itself when it opens nothing.
            let opens = match self.byte(lt + 1) {
                Some(c) if c.is_ascii_alphabetic() => true,
                Some(b'/') => self.byte(lt + 2).is_some(),
                Some(b'!' | b'?') => true,
                _ => false,
            };
            let text_end = if opens || lt >= b.len() {
                lt
            } else {
                (lt + 1).min(b.len())
            };
            if text_end > from {
                self.at = text_end;
                return Some(Token::Text {
                    text: self.slice(from, text_end),
                    raw: None,
                });
            }
            // `lt` opens markup.
            match self.byte(lt + 1) {
                Some(b'!') => self.at = self.declaration(lt + 2),
                Some(b'?') => self.at = self.past_gt(lt + 2),
                Some(b'/') => match self.byte(lt + 2) {
                    Some(c) if c.is_ascii_alphabetic() => {
                        self.at = lt + 2;
                        if let Some(token) = self.tag(false) {
                            return Some(token);
                        }
                    }
                    // `</>` is nothing; `</ x>` a bogus comment.
                    Some(b'>') => self.at = lt + 3,
                    _ => self.at = self.past_gt(lt + 2),
                },
                _ => {
                    self.at = lt + 1;
                    if let Some(token) = self.tag(true) {
                        return Some(token);
                    }
                }
            }
        }
    }
}

impl Tokens<'_> {
    /// Past a markup declaration starting at `i` (after `<!`): a comment,
    /// a doctype, or a bogus comment up to the next `>`.
    fn declaration(&self, i: usize) -> usize {
        let b = self.bytes();
        if b.get(i..i + 2) != Some(b"--") {
            return self.past_gt(i);
        }
        // `<!-->` and `<!--->` are whole (empty) comments.
        let body = i + 2;
        if b.get(body) == Some(&b'>') {
            return body + 1;
        }
        if b.get(body..body + 2) == Some(b"->") {
            return body + 2;
        }
        // The first `-->` or `--!>` ends it; the end of the input too.
        let mut j = body;
        while let Some(k) = b.get(j..).and_then(|s| memchr::memmem::find(s, b"--")) {
            let dashes = j + k;
            match b.get(dashes + 2) {
                Some(b'>') => return dashes + 3,
                Some(b'!') if b.get(dashes + 3) == Some(&b'>') => return dashes + 4,
                _ => j = dashes + 1,
            }
        }
        b.len()
    }
}

#[cfg(test)]
mod tests {
    use super::{Tag, Token, Tokens};

    fn text(t: &str) -> Token<'_> {
        Token::Text { text: t, raw: None }
    }

    fn start(name: &str) -> Token<'static> {
        Token::Start(Tag {
            name: name.into(),
            attrs: Vec::new(),
        })
    }

    fn all(source: &str) -> Vec<Token<'_>> {
        Tokens::new(source).collect()
    }

    #[test]
    fn tags_text_and_attributes() {
        let t = all("a<B Style='x>y' class=c ID=\"i\" onclick=z>b</b >c");
        assert_eq!(t[0], text("a"));
        let Token::Start(tag) = &t[1] else {
            panic!("{t:?}")
        };
        assert_eq!(tag.name, "b");
        assert_eq!(tag.attr("style"), Some("x>y"));
        assert_eq!(tag.attr("class"), Some("c"));
        assert_eq!(tag.attr("id"), Some("i"));
        assert_eq!(tag.attr("alt"), None);
        assert_eq!(t[2..], [text("b"), Token::End("b".into()), text("c")]);
    }

    #[test]
    fn the_first_of_two_attributes_counts() {
        let t = all("<p style=a style=b hidden>");
        let Token::Start(tag) = &t[0] else {
            panic!("{t:?}")
        };
        assert_eq!(tag.attr("style"), Some("a"));
        assert_eq!(tag.attr("hidden"), Some(""));
    }

    #[test]
    fn comments_end_where_the_standard_ends_them() {
        assert_eq!(all("a<!-->b"), [text("a"), text("b")]);
        assert_eq!(all("a<!--->b"), [text("a"), text("b")]);
        assert_eq!(all("a<!-- x --!>b"), [text("a"), text("b")]);
        assert_eq!(all("a<!-- x -- y -->b"), [text("a"), text("b")]);
        assert_eq!(all("a<!-- never"), [text("a")]);
        assert_eq!(
            all("a<?php x ?>b<!DOCTYPE html>c"),
            [text("a"), text("b"), text("c")]
        );
        assert_eq!(all("a<![CDATA[x>y]]>b"), [text("a"), text("y]]>b")]);
        assert_eq!(all("a</ x>b</>c"), [text("a"), text("b"), text("c")]);
    }

    #[test]
    fn a_lone_less_than_sign_is_text_and_an_unfinished_tag_is_dropped() {
        assert_eq!(all("1 < 2 <3"), [text("1 <"), text(" 2 <"), text("3")]);
        assert_eq!(all("a<b class='x"), [text("a")]);
        assert_eq!(all("a<b"), [text("a")]);
    }

    #[test]
    fn raw_text_elements_end_at_their_own_end_tag() {
        let t = all("<style>a</b>c</STYLE >d");
        assert_eq!(
            t[1],
            Token::Text {
                text: "a</b>c",
                raw: Some("style")
            }
        );
        assert_eq!(t[2..], [Token::End("style".into()), text("d")]);
        let t = all("<title>x</titles></title>");
        assert_eq!(
            t[1],
            Token::Text {
                text: "x</titles>",
                raw: Some("title")
            }
        );
    }

    #[test]
    fn script_escapes_hide_an_inner_end_tag() {
        let t = all("<script><!--<script></script>zz</script>re");
        assert_eq!(
            t[1],
            Token::Text {
                text: "<!--<script></script>zz",
                raw: Some("script")
            }
        );
        assert_eq!(t[2..], [Token::End("script".into()), text("re")]);
        let t = all("<script><!-- x --></script>re");
        assert_eq!(t[2..], [Token::End("script".into()), text("re")]);
        let t = all("<script><!--></script>re");
        assert_eq!(t[2..], [Token::End("script".into()), text("re")]);
    }

    #[test]
    fn plaintext_takes_the_rest() {
        let t = all("<plaintext>a</plaintext><b>");
        assert_eq!(t[0], start("plaintext"));
        assert_eq!(
            t[1],
            Token::Text {
                text: "a</plaintext><b>",
                raw: Some("plaintext")
            }
        );
        assert_eq!(t.len(), 2);
    }

    /// What html5ever's tokenizer (Servo's, written from the same
    /// standard) finds: the text with references decoded, and the tags,
    /// with the tokenizer switched to raw text after the same start tags
    /// as a tree builder switches it.
    fn html5ever(source: &str) -> (String, Vec<String>) {
        use html5ever::tendril::StrTendril;
        use html5ever::tokenizer::states::RawKind;
        use html5ever::tokenizer::{
            BufferQueue, TagKind, Token as H, TokenSink, TokenSinkResult, Tokenizer,
        };
        use std::cell::RefCell;

        #[derive(Default)]
        struct Sink(RefCell<(String, Vec<String>)>);
        impl TokenSink for Sink {
            type Handle = ();
            fn process_token(&self, token: H, _: u64) -> TokenSinkResult<()> {
                let mut out = self.0.borrow_mut();
                match token {
                    H::CharacterTokens(t) => out.0.push_str(&t),
                    H::NullCharacterToken => out.0.push('\0'),
                    H::TagToken(tag) => {
                        let name = tag.name.to_string();
                        let mut shown = name.clone();
                        if tag.kind == TagKind::StartTag {
                            for kept in super::KEPT {
                                if let Some(a) = tag.attrs.iter().find(|a| &*a.name.local == kept) {
                                    shown.push_str(&format!(" {kept}={:?}", &*a.value));
                                }
                            }
                            out.1.push(format!("<{shown}>"));
                            return match name.as_str() {
                                "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                                "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                                    TokenSinkResult::RawData(RawKind::Rawtext)
                                }
                                "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
                                "plaintext" => TokenSinkResult::Plaintext,
                                _ => TokenSinkResult::Continue,
                            };
                        }
                        out.1.push(format!("</{name}>"));
                    }
                    _ => {}
                }
                TokenSinkResult::Continue
            }
        }
        let tokenizer = Tokenizer::new(Sink::default(), Default::default());
        let queue = BufferQueue::default();
        queue.push_back(StrTendril::from_slice(source));
        let _ = tokenizer.feed(&queue);
        tokenizer.end();
        tokenizer.sink.0.take()
    }

    /// The same from qmvc's tokenizer, references decoded by htmlize.
    /// CR is made LF first, as the standard's input preprocessing does
    /// (the readings treat both as white space).
    fn ours(source: &str) -> (String, Vec<String>) {
        use htmlize::{Context, unescape_in};
        let source = source.replace("\r\n", "\n").replace('\r', "\n");
        let mut out = (String::new(), Vec::new());
        for token in Tokens::new(&source) {
            match token {
                // The standard gives U+FFFD for NUL in raw text and
                // attribute values, and NUL itself in ordinary text (which
                // the tree builder then drops).
                Token::Text { text, raw } => match raw {
                    Some(
                        "script" | "style" | "xmp" | "iframe" | "noembed" | "noframes"
                        | "plaintext",
                    ) => out.0.push_str(&text.replace('\0', "\u{FFFD}")),
                    Some(_) => out.0.push_str(&unescape_in(
                        text.replace('\0', "\u{FFFD}"),
                        Context::General,
                    )),
                    None => out.0.push_str(&unescape_in(text, Context::General)),
                },
                Token::Start(tag) => {
                    let mut shown = tag.name.replace('\0', "\u{FFFD}");
                    for kept in super::KEPT {
                        if let Some(v) = tag.attr(kept) {
                            let v = unescape_in(v.replace('\0', "\u{FFFD}"), Context::Attribute);
                            shown.push_str(&format!(" {kept}={:?}", &*v));
                        }
                    }
                    out.1.push(format!("<{shown}>"));
                }
                Token::End(name) => out.1.push(format!("</{}>", name.replace('\0', "\u{FFFD}"))),
            }
        }
        out
    }

    /// Pieces an attacker combines: markup that starts and ends tags,
    /// comments, raw text and references, and plain letters.
    fn piece() -> impl proptest::strategy::Strategy<Value = &'static str> {
        proptest::sample::select(vec![
            "<",
            ">",
            "</",
            "/",
            "<!",
            "<?",
            "!",
            "-",
            "--",
            "<!--",
            "-->",
            "--!>",
            "=",
            "\"",
            "'",
            " ",
            "\n",
            "\r",
            "\t",
            "a",
            "b",
            "Z",
            "é",
            "\0",
            "<b",
            "<B",
            "</b",
            "<p",
            "</p",
            "<script",
            "</script",
            "<SCRIPT>",
            "</script>",
            "<style>",
            "</style>",
            "<title>",
            "</title>",
            "<textarea>",
            "</textarea",
            "<xmp>",
            "<plaintext>",
            "<![CDATA[",
            "]]>",
            "<!DOCTYPE html>",
            "&",
            "&amp",
            "&amp;",
            "&#",
            "&#x41;",
            "&#65",
            "&#0;",
            "&#x80;",
            "&lt",
            "&notit;",
            "&nbsp;",
            "&#1114112;",
            " style=",
            " class=x",
            " id=",
            " alt=",
            " hidden",
            " type=image",
            " STYLE='display:none'",
            "<img",
            "<span",
        ])
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

        /// Text and tags are those a standard tokenizer finds, for any
        /// mix of the pieces.
        #[test]
        fn the_tokens_are_the_standards(pieces in proptest::collection::vec(piece(), 0..40)) {
            let source: String = pieces.concat();
            proptest::prop_assert_eq!(ours(&source), html5ever(&source), "{:?}", source);
        }

        /// The same for any short string over markup's characters.
        #[test]
        fn any_markup_gives_the_standards_tokens(source in "[<>/!?abs\"' =&#;x0-9\t\n-]{0,60}") {
            proptest::prop_assert_eq!(ours(&source), html5ever(&source), "{:?}", source);
        }
    }
}
