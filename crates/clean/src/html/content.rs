//! Text blocks, their scores, and the choice of the main-content node.
//!
//! 1. The flat tree is cut into blocks: runs of text between block-level boundaries, each with
//!    its link text, word, punctuation and stop-word counts.
//! 2. Each block is classed good (prose), short, or bad (link lists), after jusText
//!    (Pomikálek, "Removing Boilerplate and Duplicate Content from Web Corpora", 2011).
//! 3. Elements that class/id/role/tag mark as furniture have their blocks marked boilerplate,
//!    unless the element holds most of the page's prose (a wrapper like `body.has-sidebar`).
//! 4. The main node is the element whose subtree maximises the sum of block values (prose
//!    counts for, furniture and link lists against): a maximum-subtree-sum reading of the
//!    text-density idea of Kohlschütter et al. ("Boilerplate Detection using Shallow Text
//!    Features", 2010) and Readability's candidate scoring.
//! 5. Inside it: what precedes the headline (tickers, teasers) goes when most prose follows it;
//!    furniture opened by a cue heading ("Related", "Read more", "Comments", in several
//!    languages) goes up to the next prose paragraph; link lists, furniture and the short lines
//!    at its edges (bylines, datelines, "follow us") go.
//! 6. Fallbacks: a forum or comment page whose marks leave no prose is read by density alone;
//!    a page without prose keeps its main plain line rather than nothing.

use super::hints::Hint;
use super::tree::{Tag, Tree};
use super::{Deadline, ExtractError};

/// What kind of paragraph a block is, from its innermost structural ancestor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Para,
    Heading(u8),
    Item,
    Quote,
    Pre,
    /// A table row.
    Cell,
}

/// One paragraph of text.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    /// Range in [`Blocks::text`].
    pub start: u32,
    pub end: u32,
    pub chars: u32,
    pub link_chars: u32,
    pub words: u32,
    pub stop_words: u32,
    pub punct: u32,
    /// Index of the first text node of the block.
    pub first_node: u32,
    pub kind: Kind,
    /// Inside an element marked as furniture.
    pub boiler: bool,
    pub class: Class,
    /// A heading that repeats the page title (the headline).
    pub is_title: bool,
    /// A cut-off excerpt ("…" at the end): the teaser of another page.
    pub teaser: bool,
}

/// jusText-style block class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Good,
    Short,
    Bad,
}

/// All blocks of a page, in document order.
#[derive(Debug, Default)]
pub(crate) struct Blocks {
    pub blocks: Vec<Block>,
    pub text: String,
}

impl Blocks {
    pub(crate) fn text_of(&self, b: &Block) -> &str {
        self.text
            .get(b.start as usize..b.end as usize)
            .unwrap_or("")
    }
}

/// Frequent function words of English, French, German, Spanish, Italian, Portuguese and Dutch
/// (a short list in the spirit of jusText's stop-word lists; used as a prose signal only).
fn is_stop_word(w: &str) -> bool {
    if w.len() > 7 || !w.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let mut buf = [0u8; 8];
    for (d, s) in buf.iter_mut().zip(w.bytes()) {
        *d = s.to_ascii_lowercase();
    }
    matches!(
        &buf[..w.len()],
        b"a" | b"about"
            | b"after"
            | b"all"
            | b"also"
            | b"an"
            | b"and"
            | b"are"
            | b"as"
            | b"at"
            | b"be"
            | b"because"
            | b"been"
            | b"but"
            | b"by"
            | b"can"
            | b"could"
            | b"for"
            | b"from"
            | b"had"
            | b"has"
            | b"have"
            | b"he"
            | b"her"
            | b"his"
            | b"i"
            | b"if"
            | b"in"
            | b"into"
            | b"is"
            | b"it"
            | b"its"
            | b"more"
            | b"not"
            | b"of"
            | b"on"
            | b"one"
            | b"or"
            | b"our"
            | b"she"
            | b"so"
            | b"than"
            | b"that"
            | b"the"
            | b"their"
            | b"there"
            | b"they"
            | b"this"
            | b"to"
            | b"was"
            | b"we"
            | b"were"
            | b"what"
            | b"when"
            | b"which"
            | b"who"
            | b"will"
            | b"with"
            | b"would"
            | b"you"
            | b"le"
            | b"la"
            | b"les"
            | b"des"
            | b"du"
            | b"et"
            | b"est"
            | b"une"
            | b"un"
            | b"pour"
            | b"dans"
            | b"que"
            | b"qui"
            | b"der"
            | b"die"
            | b"das"
            | b"und"
            | b"ist"
            | b"nicht"
            | b"mit"
            | b"den"
            | b"ein"
            | b"eine"
            | b"zu"
            | b"von"
            | b"el"
            | b"los"
            | b"las"
            | b"y"
            | b"en"
            | b"por"
            | b"con"
            | b"para"
            | b"es"
            | b"il"
            | b"di"
            | b"che"
            | b"per"
            | b"non"
            | b"da"
            | b"o"
            | b"do"
            | b"em"
            | b"het"
            | b"een"
            | b"van"
            | b"op"
            | b"zijn"
    )
}

/// Non-whitespace characters and sentence punctuation marks of a text, and for ASCII text
/// (counted byte by byte) its words.
fn count_chars(t: &str) -> (u32, u32, Option<u32>) {
    let (mut chars, mut punct) = (0u32, 0u32);
    if t.is_ascii() {
        let mut words = 0u32;
        let mut in_word = false;
        for &b in t.as_bytes() {
            let space = matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r');
            chars += u32::from(!space);
            words += u32::from(!space && !in_word);
            in_word = !space;
            punct += u32::from(matches!(b, b'.' | b',' | b'!' | b'?' | b';' | b':'));
        }
        return (chars, punct, Some(words));
    }
    for c in t.chars() {
        if !c.is_whitespace() {
            chars += 1;
        }
        if matches!(
            c,
            '.' | ',' | '!' | '?' | ';' | ':' | '。' | '，' | '、' | '！' | '？'
        ) {
            punct += 1;
        }
    }
    (chars, punct, None)
}

struct Builder {
    out: Blocks,
    cur: String,
    cur_links: u32,
    cur_first: u32,
}

impl Builder {
    fn flush(&mut self, kind: Kind) {
        let t = self.cur.trim();
        if t.is_empty() {
            self.cur.clear();
            self.cur_links = 0;
            return;
        }
        let start = self.out.text.len() as u32;
        self.out.text.push_str(t);
        let end = self.out.text.len() as u32;
        let (chars, punct, ascii_words) = count_chars(t);
        let mut words = 0u32;
        let mut stop_words = 0u32;
        // Stop words only matter for text without punctuation (see `classify`).
        if punct > 0 && ascii_words.is_some() {
            words = ascii_words.unwrap_or(0);
        } else {
            let count_stop = punct == 0;
            for w in t.split_whitespace() {
                words += 1;
                if count_stop && is_stop_word(w.trim_matches(|c: char| !c.is_alphanumeric())) {
                    stop_words += 1;
                }
            }
        }
        // Scripts written without spaces (Chinese, Japanese, Thai...): count about one word
        // per few characters so that their prose is not taken for short lines.
        let words = words.max(chars / 4);
        self.out.blocks.push(Block {
            start,
            end,
            chars,
            link_chars: self.cur_links.min(chars),
            words,
            stop_words,
            punct,
            first_node: self.cur_first,
            kind,
            boiler: false,
            class: Class::Short,
            is_title: false,
            teaser: words < 80 && (t.ends_with("...") || t.ends_with('…')),
        });
        self.cur.clear();
        self.cur_links = 0;
    }
}

/// The kind of paragraph inside an element, given the kind around it.
fn kind_in(tag: Tag, outer: Option<Kind>) -> Option<Kind> {
    match tag {
        Tag::H(l) => Some(Kind::Heading(l)),
        Tag::Li | Tag::Dt | Tag::Dd => Some(Kind::Item),
        Tag::Blockquote => Some(Kind::Quote),
        Tag::Pre => Some(Kind::Pre),
        Tag::Tr => Some(Kind::Cell),
        Tag::P => Some(Kind::Para),
        _ => outer,
    }
}

/// The kind of the innermost open element.
fn kind_of(open: &[(u32, u32, Option<Kind>)]) -> Kind {
    open.last().and_then(|o| o.2).unwrap_or(Kind::Para)
}

/// Cuts the tree into blocks.
pub(crate) fn blocks(tree: &Tree, deadline: &Deadline) -> Result<Blocks, ExtractError> {
    let mut b = Builder {
        out: Blocks::default(),
        cur: String::new(),
        cur_links: 0,
        cur_first: 0,
    };
    // Open elements: (index, end, paragraph kind inside).
    let mut open: Vec<(u32, u32, Option<Kind>)> = Vec::new();
    let mut link_depth = 0u32;
    let n = tree.nodes.len();
    let mut i = 0usize;
    let mut steps = 0u32;
    while i < n {
        steps = steps.wrapping_add(1);
        if steps.is_multiple_of(4096) {
            deadline.check()?;
        }
        while let Some(&(o, end, _)) = open.last() {
            if end as usize > i {
                break;
            }
            let tag = tree.nodes[o as usize].tag;
            if tag == Tag::A {
                link_depth = link_depth.saturating_sub(1);
            } else if tag.is_block() {
                let kind = kind_of(&open);
                b.flush(kind);
            }
            open.pop();
        }
        let node = &tree.nodes[i];
        match node.tag {
            Tag::Skip => {
                i = node.end as usize;
                continue;
            }
            Tag::Text => {
                let t = tree.text_of(i);
                if b.cur.trim().is_empty() {
                    if t.trim().is_empty() {
                        i += 1;
                        continue;
                    }
                    b.cur.clear();
                    b.cur_first = i as u32;
                }
                if link_depth > 0 {
                    b.cur_links += count_chars(t).0;
                }
                if b.cur.ends_with(' ') && t.starts_with(' ') {
                    b.cur.push_str(t.get(1..).unwrap_or(""));
                } else {
                    b.cur.push_str(t);
                }
            }
            Tag::Br | Tag::Hr => {
                let kind = kind_of(&open);
                b.flush(kind);
            }
            tag => {
                if tag.is_block() {
                    let kind = kind_of(&open);
                    b.flush(kind);
                }
                if tag == Tag::Cell && !b.cur.trim().is_empty() {
                    let t = b.cur.trim_end().len();
                    b.cur.truncate(t);
                    b.cur.push_str(" | ");
                }
                if node.end as usize > i + 1 {
                    if tag == Tag::A {
                        link_depth += 1;
                    }
                    let outer = open.last().and_then(|o| o.2);
                    open.push((i as u32, node.end, kind_in(tag, outer)));
                }
            }
        }
        i += 1;
    }
    while let Some(&(o, _, _)) = open.last() {
        if tree.nodes[o as usize].tag.is_block() {
            let kind = kind_of(&open);
            b.flush(kind);
        }
        open.pop();
    }
    b.flush(Kind::Para);
    Ok(b.out)
}

/// Lowercase alphanumeric words, for comparing a heading with the page title.
fn norm_words(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

/// Marks the headings that repeat the page title (the headline; it anchors the article).
pub(crate) fn mark_title(blocks: &mut Blocks, title: Option<&str>) {
    let Some(title) = title.map(norm_words).filter(|t| t.len() >= 10) else {
        return;
    };
    let text = &blocks.text;
    for b in &mut blocks.blocks {
        if matches!(b.kind, Kind::Heading(_)) && b.chars >= 10 {
            let h = norm_words(text.get(b.start as usize..b.end as usize).unwrap_or(""));
            b.is_title = h == title || (h.len() >= 20 && title.contains(&h));
        }
    }
}

/// Classes every block (jusText-like thresholds on length, link density, stop words).
pub(crate) fn classify(blocks: &mut Blocks) {
    for b in &mut blocks.blocks {
        let ld = b.link_chars as f32 / b.chars.max(1) as f32;
        let sw = b.stop_words as f32 / b.words.max(1) as f32;
        let prose = b.punct >= 1 || sw >= 0.2;
        let long_prose = b.words >= 25 && b.punct >= 2;
        b.class = if ld > 0.6 || (ld > 0.5 && !long_prose) {
            Class::Bad
        } else if matches!(b.kind, Kind::Heading(_)) || b.teaser {
            Class::Short
        } else if (ld < 0.34 && (b.words >= 20 || (b.words >= 8 && prose)))
            || (long_prose && ld <= 0.6)
        {
            Class::Good
        } else {
            Class::Short
        };
    }
}

/// Value of a block for the choice of the main node.
fn value(b: &Block) -> f32 {
    let ld = b.link_chars as f32 / b.chars.max(1) as f32;
    if b.boiler {
        return -(b.chars as f32).max(10.0);
    }
    if b.is_title {
        return b.chars as f32;
    }
    match b.class {
        Class::Good => b.chars as f32 * (1.0 - ld),
        Class::Short => -(2.0 + 0.05 * b.chars as f32 + b.link_chars as f32),
        // A long paragraph whose links swallowed its words (hover cards, inline link
        // lists) still sits inside the article: it must not split it in two.
        Class::Bad if b.words >= 30 && b.punct >= 3 => -0.25 * b.chars as f32,
        Class::Bad => -(b.chars as f32),
    }
}

/// Index range of the blocks that start inside the subtree of `node`.
fn block_range(blocks: &[Block], tree: &Tree, node: usize) -> (usize, usize) {
    let a = node as u32;
    let z = tree.nodes[node].end;
    let lo = blocks.partition_point(|b| b.first_node < a);
    let hi = blocks.partition_point(|b| b.first_node < z);
    (lo, hi.max(lo))
}

/// Marks blocks inside furniture elements, sparing wrappers that hold most of the prose.
pub(crate) fn mark_boilerplate(tree: &Tree, blocks: &mut Blocks) {
    let bl = &mut blocks.blocks;
    let mut good_prefix = Vec::with_capacity(bl.len() + 1);
    let mut count_prefix = Vec::with_capacity(bl.len() + 1);
    good_prefix.push(0u64);
    count_prefix.push(0u32);
    let (mut acc, mut count) = (0u64, 0u32);
    for b in bl.iter() {
        if b.class == Class::Good {
            acc += b.chars as u64;
            count += 1;
        }
        good_prefix.push(acc);
        count_prefix.push(count);
    }
    let total = acc.max(1);
    let n = tree.nodes.len();
    let mut i = 0usize;
    while i < n {
        let node = &tree.nodes[i];
        if node.hint == Hint::Boilerplate {
            let (lo, hi) = block_range(bl, tree, i);
            // An inline mark inside a paragraph (a dateline or credit span) is not the
            // paragraph: it marks the block only when it holds most of the block's text.
            if !node.tag.is_block() && hi > lo {
                let inner: u64 = tree.nodes[i..node.end as usize]
                    .iter()
                    .map(|n| u64::from(n.text.1.saturating_sub(n.text.0)))
                    .sum();
                let block_chars: u64 = bl[lo..hi].iter().map(|b| u64::from(b.chars)).sum();
                if (inner as f64) < 0.5 * block_chars as f64 {
                    i = node.end as usize;
                    continue;
                }
            }
            let good = good_prefix[hi] - good_prefix[lo];
            let paragraphs = count_prefix[hi] - count_prefix[lo];
            // A wrapper holds several paragraphs and most of the prose; one long footer
            // notice does not make a wrapper.
            if (good as f64) < 0.5 * total as f64 || paragraphs < 3 {
                for b in &mut bl[lo..hi] {
                    b.boiler = true;
                }
                i = node.end as usize;
                continue;
            }
        }
        i += 1;
    }
    // When the marks leave (almost) no prose, the page's main text is what they marked: a forum
    // thread or a comment page whose posts carry `comment`/`reply` classes. Fall back to text
    // density alone rather than return nothing.
    let unmarked: u64 = bl
        .iter()
        .filter(|b| b.class == Class::Good && !b.boiler)
        .map(|b| b.chars as u64)
        .sum();
    if acc > 0 && unmarked < 250 && (unmarked as f64) < 0.2 * acc as f64 {
        for b in bl.iter_mut() {
            b.boiler = false;
        }
    }
}

/// Weight of an element marked as the article in the choice of the main node.
const CONTENT_BONUS: f64 = 1.15;

/// Picks the main node: the block-level element whose blocks have the largest total value.
pub(crate) fn main_node(tree: &Tree, blocks: &Blocks) -> Option<usize> {
    let bl = &blocks.blocks;
    let mut prefix = Vec::with_capacity(bl.len() + 1);
    prefix.push(0f64);
    let mut acc = 0f64;
    for b in bl {
        acc += value(b) as f64;
        prefix.push(acc);
    }
    let mut best: Option<(usize, f64)> = None;
    for (i, node) in tree.nodes.iter().enumerate() {
        if !node.tag.is_block() || matches!(node.tag, Tag::Br | Tag::Hr) {
            continue;
        }
        let (lo, hi) = block_range(bl, tree, i);
        if lo == hi {
            continue;
        }
        let mut s = prefix[hi] - prefix[lo];
        // Markup that names the article (`<article>`, `<main>`, `itemprop=articleBody`,
        // `role=main`) tips close calls.
        if node.hint == Hint::Content && s > 0.0 {
            s *= CONTENT_BONUS;
        }
        if best.is_none_or(|(_, bs)| s >= bs) {
            best = Some((i, s));
        }
    }
    best.filter(|&(_, s)| s > 0.0).map(|(i, _)| i)
}

/// Openings of the headings that start the furniture after an article (related stories,
/// comments, newsletters), in the languages of the common web; lowercase. Same idea as the
/// section-end cues of jusText and trafilatura's comment/related detection.
const SECTION_ENDS: &[&str] = &[
    "related",
    "more from",
    "more on ",
    "more stories",
    "more news",
    "more articles",
    "more in ",
    "more about",
    "more like this",
    "read more",
    "read next",
    "read also",
    "also read",
    "you may also",
    "you might also",
    "you may like",
    "you might like",
    "recommended",
    "we recommend",
    "most popular",
    "most read",
    "most viewed",
    "popular",
    "trending",
    "latest news",
    "latest stories",
    "latest articles",
    "top stories",
    "comments",
    "comment",
    "leave a reply",
    "leave a comment",
    "post a comment",
    "join the conversation",
    "share this",
    "share on",
    "sponsored",
    "promoted",
    "around the web",
    "from the web",
    "what to read next",
    "don't miss",
    "editor's picks",
    "editors' picks",
    "newsletter",
    "sign up",
    "subscribe",
    "follow us",
    "about the author",
    "tags",
    "leia também",
    "leia mais",
    "veja também",
    "mais lidas",
    "lesen sie auch",
    "mehr zum thema",
    "das könnte sie auch",
    "à lire aussi",
    "a lire aussi",
    "lire aussi",
    "sur le même sujet",
    "articles similaires",
    "noticias relacionadas",
    "te puede interesar",
    "lee también",
    "relacionad",
    "leggi anche",
    "potrebbe interessarti",
    "articoli correlati",
    "関連記事",
    "おすすめ",
    "相关文章",
    "相关阅读",
    "推荐阅读",
    "похожие",
    "читайте также",
    "самые популярные",
    "популярное",
];

/// Lines that only label an ad slot or ask for JavaScript, in the common languages.
fn is_slot_label(text: &str) -> bool {
    if text.len() > 60 {
        return false;
    }
    let t = text
        .trim()
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    matches!(
        t.as_str(),
        "ad" | "ads"
            | "advert"
            | "advertisement"
            | "advertising"
            | "sponsored"
            | "sponsored content"
            | "anzeige"
            | "werbung"
            | "publicité"
            | "publicite"
            | "publicidad"
            | "pubblicità"
            | "publicidade"
            | "reklama"
            | "реклама"
            | "广告"
            | "広告"
            | "story continues below advertisement"
            | "article continues below"
            | "continue reading below"
            | "story continues below"
    ) || t.contains("requires javascript")
        || t.contains("enable javascript")
}

/// Whether a heading or short line opens the furniture after an article.
fn is_section_end(text: &str, heading: bool) -> bool {
    let t = text
        .trim()
        .trim_end_matches(|c: char| c == ':' || c == '.' || c.is_whitespace())
        .to_lowercase();
    let words = t.split_whitespace().count();
    if words == 0 || words > 7 {
        return false;
    }
    SECTION_ENDS
        .iter()
        .any(|p| t.starts_with(p.trim_end()) && (heading || t.len() <= p.trim_end().len() + 12))
        || (heading && words <= 5 && t.starts_with("more "))
}

/// The longest plain line that is not furniture, when nothing better stands for the page.
fn longest_line(bl: &[Block]) -> Vec<usize> {
    bl.iter()
        .enumerate()
        .filter(|(_, b)| !b.boiler && b.class != Class::Bad && !b.is_title)
        .max_by_key(|(_, b)| b.chars - b.link_chars.min(b.chars))
        .filter(|(_, b)| b.words >= 3)
        .map(|(k, _)| k)
        .into_iter()
        .collect()
}

/// How many lines a main node without any prose block keeps ("keep it short").
const MAX_PLAIN_LINES: usize = 12;

/// The blocks kept from the main node, in order.
pub(crate) fn select(tree: &Tree, blocks: &Blocks, main: Option<usize>) -> Vec<usize> {
    let bl = &blocks.blocks;
    let (lo, hi) = match main {
        Some(m) => block_range(bl, tree, m),
        // No prose anywhere (a product or a gallery page): the longest plain line that is not
        // furniture stands for the page, rather than nothing.
        None => return longest_line(bl),
    };
    let mut kept: Vec<usize> = (lo..hi)
        .filter(|&k| {
            let b = &bl[k];
            // A long paragraph whose links swallowed its words stays when it sits in the
            // article (edge trimming below drops it at the edges).
            !b.boiler
                && (b.class != Class::Bad || (b.words >= 30 && b.punct >= 3))
                && !(b.class != Class::Good && is_slot_label(blocks.text_of(b)))
        })
        .collect();
    // The article starts at its headline: a ticker or teaser list above it inside the main
    // node goes, when most of the prose comes after the headline.
    if let Some(tpos) = kept.iter().position(|&k| bl[k].is_title) {
        let good = |ks: &[usize]| -> u64 {
            ks.iter()
                .filter(|&&k| bl[k].class == Class::Good)
                .map(|&k| bl[k].chars as u64)
                .sum()
        };
        let (before, after) = (good(&kept[..tpos]), good(&kept[tpos..]));
        if before > 0 && after >= before {
            kept.drain(..tpos);
        }
    }
    kept.retain(|&k| !bl[k].is_title);
    // Furniture inside the main node opens with a cue ("Related", "Read more", "Comments"):
    // drop the cue and what follows up to the next prose paragraph (list items, teasers and
    // short lines go with it), so in-article inserts go and trailing sections are cut.
    let mut seen_good = false;
    let mut out = Vec::with_capacity(kept.len());
    let mut pos = 0;
    while pos < kept.len() {
        let b = &bl[kept[pos]];
        if seen_good
            && b.class != Class::Good
            && is_section_end(blocks.text_of(b), matches!(b.kind, Kind::Heading(_)))
        {
            pos += 1;
            while pos < kept.len()
                && (bl[kept[pos]].class != Class::Good || bl[kept[pos]].kind == Kind::Item)
            {
                pos += 1;
            }
            continue;
        }
        seen_good |= b.class == Class::Good;
        out.push(kept[pos]);
        pos += 1;
    }
    let mut kept = out;
    // Short lines at the edges of the main node are bylines, datelines, "share this",
    // "follow us": trim them back to the first and last prose block.
    let first_good = kept.iter().position(|&k| bl[k].class == Class::Good);
    let last_good = kept.iter().rposition(|&k| bl[k].class == Class::Good);
    match (first_good, last_good) {
        (Some(f), Some(l)) => {
            // A heading right before the first prose block opens the article.
            let mut f = f;
            while f > 0 && matches!(bl[kept[f - 1]].kind, Kind::Heading(l) if l >= 2) {
                f -= 1;
            }
            kept.truncate(l + 1);
            kept.drain(..f);
        }
        // No prose block in the main node: keep its first few plain lines.
        _ => kept.truncate(MAX_PLAIN_LINES),
    }
    if kept.is_empty() {
        return longest_line(bl);
    }
    kept
}
