//! Builds the flat [`Tree`] straight from the first pass's tags and text, without a DOM.
//!
//! html5ever, fed the reduced page, cost about half of the extraction time; most of its work
//! (atoms, attributes, reference-counted nodes, the full insertion-mode machine) is thrown
//! away by the flattening. This builder keeps the parts of the HTML standard's tree
//! construction (WHATWG HTML, 13.2.6 "in body") that decide where paragraphs start and end and
//! which element holds which text:
//! - start tags of blocks close an open `p` (and `li`/`dt`/`dd`/`td`/`tr` close their open
//!   sibling; a heading closes an open heading);
//! - an end tag closes the matching element only when it is in scope, popping what it holds;
//!   one without an open match is ignored (`</p>` alone still makes a paragraph break);
//! - character references are decoded with html5ever's own table, and text is
//!   whitespace-collapsed outside `pre`.
//!
//! What it leaves out (foster parenting of text misplaced in tables, the adoption agency's
//! re-opening of formatting elements) moves text between neighbouring elements but not in or
//! out of the page; the tests compare its blocks with html5ever's on awkward markup.

use html5ever::data::{C1_REPLACEMENTS, NAMED_ENTITIES};

use super::hints::Hint;
use super::strip::Sink;
use super::tree::{push_collapsed, Node, Tag, Tree};

/// An open element: its node and its name (for matching end tags of any element).
struct Open {
    node: u32,
    tag: Tag,
    name: [u8; 16],
    len: u8,
}

fn name_buf(name: &[u8]) -> ([u8; 16], u8) {
    let mut buf = [0u8; 16];
    let n = name.len().min(16);
    buf[..n].copy_from_slice(&name[..n]);
    (buf, n as u8)
}

/// Elements whose start tag closes an open `p` (the HTML standard's list).
fn closes_p(name: &[u8]) -> bool {
    matches!(
        name,
        b"address"
            | b"article"
            | b"aside"
            | b"blockquote"
            | b"center"
            | b"details"
            | b"dialog"
            | b"dir"
            | b"div"
            | b"dl"
            | b"fieldset"
            | b"figcaption"
            | b"figure"
            | b"footer"
            | b"header"
            | b"hgroup"
            | b"main"
            | b"menu"
            | b"nav"
            | b"ol"
            | b"p"
            | b"search"
            | b"section"
            | b"summary"
            | b"ul"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"pre"
            | b"listing"
            | b"form"
            | b"table"
            | b"hr"
            | b"li"
            | b"dd"
            | b"dt"
            | b"xmp"
    )
}

/// The standard's "special" elements: an end tag of another element does not close past them.
fn is_special(name: &[u8]) -> bool {
    closes_p(name)
        || matches!(
            name,
            b"applet"
                | b"body"
                | b"br"
                | b"button"
                | b"caption"
                | b"col"
                | b"colgroup"
                | b"frameset"
                | b"html"
                | b"marquee"
                | b"object"
                | b"tbody"
                | b"td"
                | b"template"
                | b"tfoot"
                | b"th"
                | b"thead"
                | b"tr"
                | b"wbr"
        )
}

/// Which elements bound a scope search (the standard's "has an element in scope" variants).
#[derive(Clone, Copy)]
enum Scope {
    Default,
    Button,
    ListItem,
    Table,
}

fn bounds(scope: Scope, name: &[u8]) -> bool {
    match scope {
        Scope::Table => matches!(name, b"html" | b"table" | b"template"),
        _ => {
            matches!(
                name,
                b"applet"
                    | b"caption"
                    | b"html"
                    | b"table"
                    | b"td"
                    | b"th"
                    | b"marquee"
                    | b"object"
                    | b"template"
            ) || (matches!(scope, Scope::Button) && name == b"button")
                || (matches!(scope, Scope::ListItem) && matches!(name, b"ol" | b"ul"))
        }
    }
}

fn is_heading(name: &[u8]) -> bool {
    matches!(name, b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6")
}

fn is_table_part(name: &[u8]) -> bool {
    matches!(
        name,
        b"table" | b"tbody" | b"thead" | b"tfoot" | b"tr" | b"td" | b"th" | b"caption"
    )
}

/// Builds a [`Tree`] from the first pass's events.
pub(crate) struct TreeBuilder {
    tree: Tree,
    /// Open elements; the root (index 0) is never popped.
    open: Vec<Open>,
    /// Open `pre` elements: their text keeps its line breaks.
    in_pre: u32,
    /// Open `p` elements: block start tags look for one to close only when there is one.
    open_p: u32,
    /// Scratch buffer for decoded text.
    scratch: String,
}

impl TreeBuilder {
    pub(crate) fn new(page_len: usize) -> Self {
        let mut tree = Tree {
            nodes: Vec::with_capacity(page_len / 64 + 16),
            text: String::with_capacity(page_len / 8 + 64),
        };
        tree.nodes.push(Node {
            tag: Tag::Block,
            parent: 0,
            end: 1,
            text: (0, 0),
            hint: Hint::None,
        });
        let (name, len) = name_buf(b"html");
        TreeBuilder {
            tree,
            open: vec![Open {
                node: 0,
                tag: Tag::Block,
                name,
                len,
            }],
            in_pre: 0,
            open_p: 0,
            scratch: String::new(),
        }
    }

    /// Closes every element still open and returns the tree.
    pub(crate) fn finish(mut self) -> Tree {
        while self.open.len() > 1 {
            self.pop();
        }
        let n = self.tree.nodes.len() as u32;
        self.tree.nodes[0].end = n;
        self.tree
    }

    fn top(&self) -> u32 {
        self.open.last().map_or(0, |o| o.node)
    }

    fn pop(&mut self) {
        if self.open.len() <= 1 {
            return;
        }
        if let Some(o) = self.open.pop() {
            self.tree.nodes[o.node as usize].end = self.tree.nodes.len() as u32;
            if o.tag == Tag::Pre {
                self.in_pre = self.in_pre.saturating_sub(1);
            } else if o.tag == Tag::P {
                self.open_p = self.open_p.saturating_sub(1);
            }
        }
    }

    /// Pops up to and including the open element at stack position `pos`.
    fn pop_to(&mut self, pos: usize) {
        while self.open.len() > pos.max(1) {
            self.pop();
        }
    }

    /// Stack position of the innermost open element that `matches`, searching no further than
    /// an element that bounds `scope`.
    fn in_scope(&self, scope: Scope, matches: impl Fn(&[u8]) -> bool) -> Option<usize> {
        for (pos, o) in self.open.iter().enumerate().skip(1).rev() {
            let name = o.name.get(..o.len as usize).unwrap_or(b"");
            if matches(name) {
                return Some(pos);
            }
            if bounds(scope, name) {
                return None;
            }
        }
        None
    }

    /// Stack position of the innermost open element for which `matches` holds, looking past
    /// no element for which `stop` holds.
    fn find_open(
        &self,
        matches: impl Fn(&[u8]) -> bool,
        stop: impl Fn(&[u8]) -> bool,
    ) -> Option<usize> {
        for (pos, o) in self.open.iter().enumerate().skip(1).rev() {
            let name = o.name.get(..o.len as usize).unwrap_or(b"");
            if matches(name) {
                return Some(pos);
            }
            if stop(name) {
                return None;
            }
        }
        None
    }

    fn top_is(&self, f: impl Fn(&[u8]) -> bool) -> bool {
        self.open
            .last()
            .is_some_and(|o| o.node != 0 && f(o.name.get(..o.len as usize).unwrap_or(b"")))
    }

    fn close_p(&mut self) {
        if self.open_p == 0 {
            return;
        }
        if let Some(pos) = self.in_scope(Scope::Button, |n| n == b"p") {
            self.pop_to(pos);
        }
    }

    fn push_element(&mut self, name: &[u8], hint: Hint, void: bool) {
        let tag = Tag::of(std::str::from_utf8(name).unwrap_or("span"));
        let index = self.tree.nodes.len() as u32;
        self.tree.nodes.push(Node {
            tag,
            parent: self.top(),
            end: index + 1,
            text: (0, 0),
            hint: if tag == Tag::Skip { Hint::None } else { hint },
        });
        if !void {
            let (buf, len) = name_buf(name);
            self.open.push(Open {
                node: index,
                tag,
                name: buf,
                len,
            });
            if tag == Tag::Pre {
                self.in_pre += 1;
            } else if tag == Tag::P {
                self.open_p += 1;
            }
        }
    }
}

impl Sink for TreeBuilder {
    fn start(&mut self, name: &[u8], hint: Hint, void: bool) {
        // The page's own html/head/body wrappers add nothing the root does not give.
        if matches!(name, b"html" | b"head" | b"body") {
            return;
        }
        if closes_p(name) {
            self.close_p();
        }
        match name {
            b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" if self.top_is(is_heading) => {
                self.pop();
            }
            b"li" => {
                let stop =
                    |n: &[u8]| is_special(n) && !matches!(n, b"address" | b"div" | b"p" | b"li");
                if let Some(pos) = self.find_open(|n| n == b"li", stop) {
                    self.pop_to(pos);
                }
            }
            b"dd" | b"dt" => {
                let stop = |n: &[u8]| {
                    is_special(n) && !matches!(n, b"address" | b"div" | b"p" | b"dd" | b"dt")
                };
                if let Some(pos) = self.find_open(|n| matches!(n, b"dd" | b"dt"), stop) {
                    self.pop_to(pos);
                }
            }
            b"td" | b"th" => {
                if let Some(pos) = self.find_open(|n| matches!(n, b"td" | b"th"), |n| n == b"table")
                {
                    self.pop_to(pos);
                }
            }
            b"tr" => {
                if let Some(pos) = self.find_open(|n| n == b"tr", |n| n == b"table") {
                    self.pop_to(pos);
                }
            }
            b"tbody" | b"thead" | b"tfoot" => {
                let part = |n: &[u8]| matches!(n, b"tbody" | b"thead" | b"tfoot");
                if let Some(pos) = self.find_open(part, |n| n == b"table") {
                    self.pop_to(pos);
                }
            }
            b"a" => {
                // A link opened inside an unclosed link closes it (the adoption agency's outcome
                // for the common case).
                let stop = |n: &[u8]| bounds(Scope::Default, n);
                if let Some(pos) = self.find_open(|n| n == b"a", stop) {
                    self.pop_to(pos);
                }
            }
            _ => {}
        }
        self.push_element(name, hint, void);
    }

    fn end(&mut self, name: &[u8]) {
        match name {
            b"html" | b"head" | b"body" => {}
            b"br" => self.push_element(b"br", Hint::None, true),
            b"p" => {
                if let Some(pos) = self.in_scope(Scope::Button, |n| n == b"p") {
                    self.pop_to(pos);
                } else {
                    // A stray `</p>` is an empty paragraph: a break.
                    self.push_element(b"p", Hint::None, true);
                }
            }
            b"li" => {
                if let Some(pos) = self.in_scope(Scope::ListItem, |n| n == b"li") {
                    self.pop_to(pos);
                }
            }
            b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" => {
                if let Some(pos) = self.in_scope(Scope::Default, is_heading) {
                    self.pop_to(pos);
                }
            }
            _ if is_table_part(name) => {
                if let Some(pos) = self.in_scope(Scope::Table, |n| n == name) {
                    self.pop_to(pos);
                }
            }
            _ if is_special(name) => {
                if let Some(pos) = self.in_scope(Scope::Default, |n| n == name) {
                    self.pop_to(pos);
                }
            }
            _ => {
                // Any other end tag closes the innermost element of its name, unless a special
                // element stands in between.
                if let Some(pos) = self.find_open(|n| n == name, is_special) {
                    self.pop_to(pos);
                }
            }
        }
    }

    fn text(&mut self, raw: &str) {
        let mut scratch = std::mem::take(&mut self.scratch);
        let t = if raw.contains('&') {
            scratch.clear();
            decode_text(raw, &mut scratch);
            scratch.as_str()
        } else {
            raw
        };
        let top = self.top();
        // Text split by dropped markup (a comment, a script) continues the same node.
        let merge = self
            .tree
            .nodes
            .last()
            .is_some_and(|n| n.tag == Tag::Text && n.parent == top);
        let start = self.tree.text.len() as u32;
        if self.in_pre > 0 {
            self.tree.text.extend(t.chars().filter(|&c| c != '\r'));
        } else {
            push_collapsed(&mut self.tree.text, t);
        }
        let end = self.tree.text.len() as u32;
        if merge {
            if let Some(last) = self.tree.nodes.last_mut() {
                last.text.1 = end;
            }
        } else if end > start {
            let index = self.tree.nodes.len() as u32;
            self.tree.nodes.push(Node {
                tag: Tag::Text,
                parent: top,
                end: index + 1,
                text: (start, end),
                hint: Hint::None,
            });
        }
        self.scratch = scratch;
    }
}

/// Decodes the character references of text content (WHATWG HTML 13.2.5.72-80, simplified:
/// named references with or without `;` take the longest known name, numeric ones map through
/// the Windows-1252 table for C1 codes).
fn decode_text(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(rest.get(..p).unwrap_or(""));
        let tail = rest.get(p + 1..).unwrap_or("");
        match decode_one(tail, out) {
            Some(used) => rest = tail.get(used..).unwrap_or(""),
            None => {
                out.push('&');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
}

/// Decodes the reference at the start of `tail` (after `&`) into `out`; returns the bytes used.
fn decode_one(tail: &str, out: &mut String) -> Option<usize> {
    let b = tail.as_bytes();
    if b.first() == Some(&b'#') {
        let (hex, digits_at) = match b.get(1) {
            Some(b'x' | b'X') => (true, 2),
            _ => (false, 1),
        };
        let mut i = digits_at;
        let mut v: u32 = 0;
        while let Some(&c) = b.get(i) {
            let d = if hex {
                (c as char).to_digit(16)
            } else {
                (c as char).to_digit(10)
            };
            let Some(d) = d else { break };
            v = v
                .saturating_mul(if hex { 16 } else { 10 })
                .saturating_add(d);
            i += 1;
        }
        if i == digits_at {
            return None;
        }
        if b.get(i) == Some(&b';') {
            i += 1;
        }
        let c = match v {
            0x80..=0x9F => C1_REPLACEMENTS[(v - 0x80) as usize].or(char::from_u32(v)),
            0 => None,
            _ => char::from_u32(v),
        };
        out.push(c.unwrap_or('\u{FFFD}'));
        return Some(i);
    }
    let mut n = 0usize;
    while n < b.len() && n < 32 && b[n].is_ascii_alphanumeric() {
        n += 1;
    }
    if n == 0 {
        return None;
    }
    if b.get(n) == Some(&b';') {
        if let Some(&(c1, c2)) = tail.get(..=n).and_then(|k| NAMED_ENTITIES.get(k)) {
            if c1 != 0 {
                push_code_points(out, c1, c2);
                return Some(n + 1);
            }
        }
    }
    // Legacy references without `;` (`&copy`, `&amp`): the longest name that is one.
    for len in (2..=n).rev() {
        if let Some(&(c1, c2)) = tail.get(..len).and_then(|k| NAMED_ENTITIES.get(k)) {
            if c1 != 0 {
                push_code_points(out, c1, c2);
                return Some(len);
            }
        }
    }
    None
}

fn push_code_points(out: &mut String, c1: u32, c2: u32) {
    out.push(char::from_u32(c1).unwrap_or('\u{FFFD}'));
    if c2 != 0 {
        out.push(char::from_u32(c2).unwrap_or('\u{FFFD}'));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(s: &str) -> String {
        let mut out = String::new();
        decode_text(s, &mut out);
        out
    }

    #[test]
    fn character_references() {
        assert_eq!(decode("a &amp; b"), "a & b");
        assert_eq!(decode("caf&eacute; &#233;&#xE9;&#X41"), "café ééA");
        assert_eq!(decode("&copy 2024 &notanentity; &"), "© 2024 ¬anentity; &");
        assert_eq!(decode("&#150; &#0; &#xD800;"), "– \u{FFFD} \u{FFFD}");
        assert_eq!(decode("&nbsp;&hellip;&#"), "\u{a0}…&#");
    }
}
