//! A flat, pre-order copy of the DOM: one small record per node, text in one buffer.
//!
//! The subtree of node `i` is exactly `i..nodes[i].end`, so every later pass is a plain loop
//! (no recursion, any depth), and skipping a subtree is `i = end`.

use super::hints::Hint;

/// The tags the extractor tells apart; everything else is [`Tag::Inline`] or [`Tag::Block`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Text,
    Html,
    Body,
    Article,
    Main,
    Section,
    Div,
    P,
    H(u8),
    Li,
    List,
    Dt,
    Dd,
    Table,
    Tr,
    Cell,
    Blockquote,
    Pre,
    Figure,
    Figcaption,
    Nav,
    Footer,
    Header,
    Aside,
    Form,
    Address,
    A,
    Br,
    Hr,
    /// Other block-level elements (a paragraph break around them).
    Block,
    /// Inline elements (no break).
    Inline,
    /// Never holds visible text (head, title, leftovers of the first pass).
    Skip,
}

impl Tag {
    pub(crate) fn of(name: &str) -> Tag {
        match name {
            "html" => Tag::Html,
            "body" => Tag::Body,
            "article" => Tag::Article,
            "main" => Tag::Main,
            "section" => Tag::Section,
            "div" => Tag::Div,
            "p" => Tag::P,
            "h1" => Tag::H(1),
            "h2" => Tag::H(2),
            "h3" => Tag::H(3),
            "h4" => Tag::H(4),
            "h5" => Tag::H(5),
            "h6" => Tag::H(6),
            "li" => Tag::Li,
            "ul" | "ol" | "dl" | "menu" => Tag::List,
            "dt" => Tag::Dt,
            "dd" => Tag::Dd,
            "table" => Tag::Table,
            "tr" => Tag::Tr,
            "td" | "th" => Tag::Cell,
            "blockquote" => Tag::Blockquote,
            "pre" => Tag::Pre,
            "figure" => Tag::Figure,
            "figcaption" => Tag::Figcaption,
            "nav" => Tag::Nav,
            "footer" => Tag::Footer,
            "header" => Tag::Header,
            "aside" => Tag::Aside,
            "form" => Tag::Form,
            "address" => Tag::Address,
            "a" => Tag::A,
            "br" => Tag::Br,
            "hr" => Tag::Hr,
            "thead" | "tbody" | "tfoot" | "caption" | "center" | "details" | "summary"
            | "fieldset" | "legend" | "hgroup" | "dialog" | "frameset" | "frame" | "colgroup"
            | "col" => Tag::Block,
            "head" | "title" | "script" | "style" | "noscript" | "template" | "svg" | "math"
            | "iframe" | "object" | "embed" | "video" | "audio" | "canvas" | "button"
            | "select" | "option" | "textarea" | "input" | "img" | "picture" | "source"
            | "link" | "meta" | "base" | "map" => Tag::Skip,
            _ => Tag::Inline,
        }
    }

    /// Whether the element starts and ends a paragraph. Table cells do not: a row is one
    /// paragraph, its cells separated by ` | `.
    pub(crate) fn is_block(self) -> bool {
        !matches!(
            self,
            Tag::Text | Tag::Inline | Tag::A | Tag::Skip | Tag::Cell
        )
    }
}

/// One DOM node.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub tag: Tag,
    /// Parent index (the root points to itself).
    pub parent: u32,
    /// One past the last node of this subtree.
    pub end: u32,
    /// For text nodes: the whitespace-collapsed text, as a range of [`Tree::text`].
    pub text: (u32, u32),
    pub hint: Hint,
}

/// The flattened document.
#[derive(Debug, Default)]
pub(crate) struct Tree {
    pub nodes: Vec<Node>,
    pub text: String,
}

/// What a byte may start: 0 text, 1 a plain space, 2 other ASCII whitespace, 3 the lead byte
/// of U+00A0 (or of another character).
static SPACE_START: [u8; 256] = {
    let mut t = [0u8; 256];
    t[b' ' as usize] = 1;
    t[b'\t' as usize] = 2;
    t[b'\n' as usize] = 2;
    t[b'\r' as usize] = 2;
    t[0x0C] = 2;
    t[0xC2] = 3;
    t
};

/// Appends `s` to `buf` with runs of whitespace (ASCII and no-break space) collapsed to one
/// space. Text is copied in runs that end only where it must change (a line break, a second
/// space, a no-break space), so ordinary prose is one copy.
pub(crate) fn push_collapsed(buf: &mut String, s: &str) {
    let mut space = buf.ends_with(' ');
    let mut run_start = 0usize;
    let bytes = s.as_bytes();
    let mut i = 0usize;
    while i < bytes.len() {
        let ws_len = match SPACE_START[bytes[i] as usize] {
            0 => {
                space = false;
                i += 1;
                continue;
            }
            1 if !space => {
                space = true;
                i += 1;
                continue;
            }
            1 | 2 => 1,
            _ if bytes.get(i + 1) == Some(&0xA0) => 2,
            _ => {
                space = false;
                i += 1;
                continue;
            }
        };
        // Flush the run before this whitespace (char boundaries: ASCII or U+00A0).
        if run_start < i {
            buf.push_str(s.get(run_start..i).unwrap_or(""));
        }
        if !space {
            buf.push(' ');
            space = true;
        }
        i += ws_len;
        run_start = i;
    }
    if run_start < bytes.len() {
        buf.push_str(s.get(run_start..).unwrap_or(""));
    }
}

impl Tree {
    /// Flattens an html5ever document (parsed from the first pass's markup). Iterative: any
    /// depth. The extractor builds its tree with [`super::build`]; this is its reference in
    /// the tests.
    #[cfg(test)]
    pub(crate) fn from_dom(dom: &scraper::Html) -> Tree {
        use super::hints;
        use scraper::Node as DomNode;
        let mut tree = Tree {
            nodes: Vec::with_capacity(1024),
            text: String::with_capacity(16 * 1024),
        };
        // (node, parent index in `tree.nodes`, inside a <pre>)
        let root = dom.tree.root();
        let mut stack = vec![(root, 0u32, false)];
        while let Some((node, parent, in_pre)) = stack.pop() {
            let mut child_pre = in_pre;
            let index = tree.nodes.len() as u32;
            let descend = match node.value() {
                DomNode::Document | DomNode::Fragment => {
                    tree.nodes.push(Node {
                        tag: Tag::Block,
                        parent: index,
                        end: 0,
                        text: (0, 0),
                        hint: Hint::None,
                    });
                    true
                }
                DomNode::Element(el) => {
                    let tag = Tag::of(el.name());
                    let hint = if tag == Tag::Skip {
                        Hint::None
                    } else {
                        hints::from_mark(el.attr("class"))
                    };
                    tree.nodes.push(Node {
                        tag,
                        parent,
                        end: 0,
                        text: (0, 0),
                        hint,
                    });
                    child_pre |= tag == Tag::Pre;
                    tag != Tag::Skip
                }
                DomNode::Text(t) => {
                    let start = tree.text.len() as u32;
                    if in_pre {
                        // Preformatted text keeps its lines (code, poems, tables in text).
                        tree.text.extend(t.chars().filter(|&c| c != '\r'));
                    } else {
                        push_collapsed(&mut tree.text, t);
                    }
                    tree.nodes.push(Node {
                        tag: Tag::Text,
                        parent,
                        end: 0,
                        text: (start, tree.text.len() as u32),
                        hint: Hint::None,
                    });
                    false
                }
                _ => continue,
            };
            if descend {
                // Push children last-first so they pop in document order.
                let mut child = node.last_child();
                while let Some(c) = child {
                    stack.push((c, index, child_pre));
                    child = c.prev_sibling();
                }
            }
        }
        let n = tree.nodes.len();
        for i in 0..n {
            tree.nodes[i].end = i as u32 + 1;
        }
        for i in (1..n).rev() {
            let p = tree.nodes[i].parent as usize;
            if p < i {
                let e = tree.nodes[i].end;
                if e > tree.nodes[p].end {
                    tree.nodes[p].end = e;
                }
            }
        }
        tree
    }

    pub(crate) fn text_of(&self, i: usize) -> &str {
        let (a, b) = self.nodes[i].text;
        self.text.get(a as usize..b as usize).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::push_collapsed;

    #[test]
    fn whitespace_collapses_across_calls() {
        let mut buf = String::new();
        push_collapsed(&mut buf, "  a  b\t\n c\u{a0}\u{a0}d é ");
        assert_eq!(buf, " a b c d é ");
        push_collapsed(&mut buf, " \r\ne\u{a0}");
        assert_eq!(buf, " a b c d é e ");
        push_collapsed(&mut buf, "Â£ plain text, one run.");
        assert_eq!(buf, " a b c d é e Â£ plain text, one run.");
    }
}
