//! The stack of open elements of the HTML readings, with the searches the
//! tree construction rules make ("has an element in scope", "the nearest
//! open `li`") answered without walking it.
//!
//! Pure. Each open element's position is kept by name and by the kinds of
//! element that stop a search, so a search costs one look-up however deep
//! the stack is and however many end tags a message repeats.

use std::collections::HashMap;

/// Kinds of element that stop a search (bits of [`Stack::find`]'s
/// `stops`).
pub(super) mod stop {
    /// The standard's "special" category.
    pub const SPECIAL: u8 = 1;
    /// What bounds "has an element in scope" (applet, caption, html,
    /// table, td, th, marquee, object, template).
    pub const SCOPE: u8 = 2;
    /// `button`, added for "in button scope".
    pub const BUTTON: u8 = 4;
    /// `ol` and `ul`, added for "in list item scope".
    pub const LIST: u8 = 8;
    /// html, table and template: "in table scope".
    pub const TABLE: u8 = 16;
    /// Special elements other than address, div and p (what ends the
    /// search for an open `li`, `dd` or `dt`).
    pub const ITEM: u8 = 32;
    pub(super) const KINDS: usize = 6;
}

/// The standard's "special" category (WHATWG HTML 13.2.4.2): an end tag
/// for another element does not close one of these.
pub(super) fn is_special(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "applet"
            | "area"
            | "article"
            | "aside"
            | "base"
            | "basefont"
            | "bgsound"
            | "blockquote"
            | "body"
            | "br"
            | "button"
            | "caption"
            | "center"
            | "col"
            | "colgroup"
            | "dd"
            | "details"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "embed"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "frame"
            | "frameset"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "head"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "iframe"
            | "img"
            | "input"
            | "keygen"
            | "li"
            | "link"
            | "listing"
            | "main"
            | "marquee"
            | "menu"
            | "meta"
            | "nav"
            | "noembed"
            | "noframes"
            | "noscript"
            | "object"
            | "ol"
            | "p"
            | "param"
            | "plaintext"
            | "pre"
            | "script"
            | "search"
            | "section"
            | "select"
            | "source"
            | "style"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "template"
            | "textarea"
            | "tfoot"
            | "th"
            | "thead"
            | "title"
            | "tr"
            | "track"
            | "ul"
            | "wbr"
            | "xmp"
    )
}

fn kinds(name: &str) -> u8 {
    let mut k = 0;
    if is_special(name) {
        k |= stop::SPECIAL;
        if !matches!(name, "address" | "div" | "p") {
            k |= stop::ITEM;
        }
    }
    if matches!(
        name,
        "applet" | "caption" | "html" | "table" | "td" | "th" | "marquee" | "object" | "template"
    ) {
        k |= stop::SCOPE;
    }
    if name == "button" {
        k |= stop::BUTTON;
    }
    if matches!(name, "ol" | "ul") {
        k |= stop::LIST;
    }
    if matches!(name, "html" | "table" | "template") {
        k |= stop::TABLE;
    }
    k
}

/// Whether an element's content is drawn: what [`Stack::push`] keeps.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Shown {
    /// Its text is invisible (hidden by any means).
    pub hidden: bool,
    /// It makes no box at all (`display:none`, `template`...): it breaks
    /// no line either.
    pub no_box: bool,
    /// Its direction (right to left or not), its own or inherited; `None`
    /// when neither it nor an element around it has one.
    pub rtl: Option<bool>,
}

struct Open {
    name: String,
    hidden: bool,
    no_box: bool,
    kinds: u8,
    /// Text a style sheet's `::after` rule puts at its end.
    after: Option<String>,
    /// Its direction (right to left or not), its own or inherited; `None`
    /// when neither it nor an element around it has one.
    rtl: Option<bool>,
}

/// What closing an element leaves to write: its `::after` text, and
/// whether that text is hidden (the element or an element around it
/// hides its content).
pub(super) struct Closed {
    pub after: String,
    pub hidden: bool,
}

/// The open elements, innermost last.
#[derive(Default)]
pub(super) struct Stack {
    open: Vec<Open>,
    /// Positions of the open elements of each name, increasing.
    by_name: HashMap<String, Vec<usize>>,
    /// Positions of the open elements of each stop kind, increasing.
    by_kind: [Vec<usize>; stop::KINDS],
    /// How many open elements hide their content.
    hidden: usize,
    /// How many open elements make no box.
    no_box: usize,
}

impl Stack {
    pub fn len(&self) -> usize {
        self.open.len()
    }

    /// Whether an open element hides its content.
    pub fn hides(&self) -> bool {
        self.hidden > 0
    }

    /// The name of the current (innermost) element.
    pub fn current(&self) -> Option<&str> {
        self.open.last().map(|o| o.name.as_str())
    }

    /// Whether an open element makes no box (its content breaks no line).
    pub fn no_box(&self) -> bool {
        self.no_box > 0
    }

    /// The direction of the current element (CSS `direction`, inherited):
    /// right to left or not; `None` when no element gave one.
    pub fn direction(&self) -> Option<bool> {
        self.open.last().and_then(|o| o.rtl)
    }

    /// Opens element `name`, drawn as `shown` says; `after` is text to
    /// give back when it closes.
    pub fn push(&mut self, name: &str, shown: Shown, after: Option<String>) {
        let Shown {
            hidden,
            no_box,
            rtl,
        } = shown;
        let at = self.open.len();
        let kinds = kinds(name);
        for (bit, list) in self.by_kind.iter_mut().enumerate() {
            if kinds & (1 << bit) != 0 {
                list.push(at);
            }
        }
        self.by_name.entry(name.to_string()).or_default().push(at);
        self.hidden += usize::from(hidden);
        self.no_box += usize::from(no_box);
        self.open.push(Open {
            name: name.to_string(),
            hidden,
            no_box,
            kinds,
            after,
            rtl,
        });
    }

    /// Closes the current element; its `::after` text, if it has one.
    pub fn pop(&mut self) -> Option<Closed> {
        let open = self.open.pop()?;
        self.hidden -= usize::from(open.hidden);
        self.no_box -= usize::from(open.no_box);
        for (bit, list) in self.by_kind.iter_mut().enumerate() {
            if open.kinds & (1 << bit) != 0 {
                list.pop();
            }
        }
        if let Some(list) = self.by_name.get_mut(&open.name) {
            list.pop();
            if list.is_empty() {
                self.by_name.remove(&open.name);
            }
        }
        let hidden = open.hidden || self.hides();
        open.after.map(|after| Closed { after, hidden })
    }

    /// The position of the nearest open element named one of `names`,
    /// when no element of a kind in `stops` is open above it (the element
    /// itself may be of such a kind): the standard's search down the
    /// stack from the current node, in one look-up per name.
    pub fn find(&self, names: &[&str], stops: u8) -> Option<usize> {
        let at = names
            .iter()
            .filter_map(|n| self.by_name.get(*n).and_then(|l| l.last()).copied())
            .max()?;
        let blocked = self
            .by_kind
            .iter()
            .enumerate()
            .filter(|(bit, _)| stops & (1 << bit) != 0)
            .filter_map(|(_, list)| list.last())
            .any(|&stop| stop > at);
        (!blocked).then_some(at)
    }
}

#[cfg(test)]
mod tests {
    use super::Stack;

    /// The search the standard describes: down from the current node.
    fn walk(stack: &[(&str, u8)], names: &[&str], stops: u8) -> Option<usize> {
        for (i, (n, k)) in stack.iter().enumerate().rev() {
            if names.contains(n) {
                return Some(i);
            }
            if k & stops != 0 {
                return None;
            }
        }
        None
    }

    proptest::proptest! {
        /// The look-ups give what walking the stack gives, after any
        /// pushes and pops.
        #[test]
        fn find_is_the_walk(ops in proptest::collection::vec(0usize..12, 0..60), names in proptest::collection::vec(0usize..12, 1..3), stops in 0u8..64) {
            const NAMES: [&str; 12] = ["p", "div", "span", "li", "ul", "table", "td", "button", "b", "html", "address", "template"];
            let mut stack = Stack::default();
            let mut model: Vec<(&str, u8)> = Vec::new();
            for op in ops {
                if op == 11 && !model.is_empty() {
                    stack.pop();
                    model.pop();
                } else {
                    let name = NAMES[op % 11];
                    stack.push(name, super::Shown::default(), None);
                    model.push((name, super::kinds(name)));
                }
            }
            let names: Vec<&str> = names.iter().map(|&i| NAMES[i]).collect();
            proptest::prop_assert_eq!(stack.find(&names, stops), walk(&model, &names, stops));
        }
    }
}
