//! What an element's class, id, role, itemprop and aria-label say about it.
//!
//! The word lists follow the boilerplate cues of Mozilla Readability (`unlikelyCandidates`,
//! `positive`/`negative` class weights) and trafilatura's `DISCARD` XPath lists, rewritten here as
//! word lists: the attribute values are split into lowercase words (on punctuation and
//! camelCase), so that `ad` matches `ad-slot` but not `header` or `read`.

use std::sync::LazyLock;

use super::tree::Tag;

/// The verdict on one element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hint {
    None,
    /// Page furniture: navigation, share bars, related stories, comments, ads...
    Boilerplate,
    /// Marked as the article: `itemprop=articleBody`, `role=main`, `<article>`, `<main>`.
    Content,
}

/// Words that mark furniture when a class/id word contains them.
const NEG_SUBSTR: &[&str] = &[
    "comment",
    "related",
    "recommend",
    "popular",
    "trending",
    "sharing",
    "social",
    "newsletter",
    "subscri",
    "promo",
    "advert",
    "sponsor",
    "banner",
    "cookie",
    "consent",
    "gdpr",
    "sidebar",
    "breadcrumb",
    "footer",
    "masthead",
    "navbar",
    "navigation",
    "outbrain",
    "taboola",
    "disqus",
    "byline",
    "caption",
    "signup",
    "popup",
    "modal",
    "widget",
    "toolbar",
    "pagination",
    "pager",
    "dateline",
    "timestamp",
    "copyright",
    "skiplink",
    "readmore",
    "readalso",
    "seealso",
    "morestories",
    "authorbio",
    "affiliate",
    "signature",
    "userinfo",
];

/// Words that mark furniture only as whole words. Responsive visibility classes (`hidden-xs`)
/// are left out: they hide nothing on a desktop page.
fn is_neg_word(w: &[u8]) -> bool {
    matches!(
        w,
        b"ad"
            | b"ads"
            | b"adv"
            | b"nav"
            | b"menu"
            | b"bio"
            | b"tags"
            | b"meta"
            | b"header"
            | b"author"
            | b"share"
            | b"print"
            | b"credit"
            | b"credits"
            | b"aside"
            | b"topics"
            | b"keywords"
            | b"date"
            | b"time"
            | b"follow"
            | b"login"
            | b"contact"
            | b"legal"
            | b"extra"
            | b"sronly"
            | b"visuallyhidden"
            | b"screenreadertext"
            | b"invisible"
            | b"email"
            | b"rss"
            | b"tools"
            | b"utility"
            | b"dfp"
            | b"gpt"
            | b"outstream"
            | b"overlay"
            | b"partner"
            | b"partners"
            | b"promoted"
            | b"teaser"
            | b"teasers"
            | b"more"
            | b"next"
            | b"prev"
            | b"previous"
            | b"also"
    )
}

const ROLE_NEG: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "menu",
    "menubar",
    "dialog",
    "alert",
    "alertdialog",
    "toolbar",
    "tablist",
];

/// Calls `f(word, false)` on each lowercase word of an attribute value, split on
/// non-alphanumerics and camelCase humps, and `f(joined, true)` on each space-separated part
/// with its words joined (`sr-only` gives `sr`, `only`, then `sronly`). Stops early when `f`
/// returns true.
fn any_word(value: &str, f: &mut impl FnMut(&[u8], bool) -> bool) -> bool {
    let mut cur = [0u8; 48];
    let mut joined = [0u8; 48];
    for part in value.split_ascii_whitespace() {
        let (mut n, mut j) = (0usize, 0usize);
        let mut prev_lower = false;
        for c in part.bytes() {
            if c.is_ascii_alphanumeric() {
                if c.is_ascii_uppercase() && prev_lower && n > 0 {
                    if f(&cur[..n], false) {
                        return true;
                    }
                    n = 0;
                }
                prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
                let lower = c.to_ascii_lowercase();
                if n < cur.len() {
                    cur[n] = lower;
                    n += 1;
                }
                if j < joined.len() {
                    joined[j] = lower;
                    j += 1;
                }
            } else {
                if n > 0 {
                    if f(&cur[..n], false) {
                        return true;
                    }
                    n = 0;
                }
                prev_lower = false;
            }
        }
        // A part of one word is its own joined form: `f` sees it once, as joined.
        if n > 0 && n < j && f(&cur[..n], false) {
            return true;
        }
        if j > 0 && f(&joined[..j], true) {
            return true;
        }
    }
    false
}

/// [`NEG_SUBSTR`] grouped by first byte, for a quick substring scan of short words.
static BY_FIRST: LazyLock<Vec<Vec<&'static [u8]>>> = LazyLock::new(|| {
    let mut t: Vec<Vec<&'static [u8]>> = vec![Vec::new(); 256];
    for p in NEG_SUBSTR {
        if let Some(&b) = p.as_bytes().first() {
            t[b as usize].push(p.as_bytes());
        }
    }
    t
});

fn contains_neg_substr(w: &[u8]) -> bool {
    let table = &*BY_FIRST;
    (0..w.len()).any(|i| {
        let rest = &w[i..];
        table[w[i] as usize]
            .iter()
            .any(|p| p.len() <= rest.len() && p[1] == rest[1] && rest.starts_with(p))
    })
}

/// A word of an attribute value is furniture as a whole word ([`is_neg_word`]); a joined part
/// also when it contains a [`NEG_SUBSTR`] word. Every word lies inside its joined part, so
/// scanning the joined part alone finds every substring a word would.
fn is_boilerplate_word(w: &[u8], joined: bool) -> bool {
    is_neg_word(w) || (joined && w.len() >= 5 && contains_neg_substr(w))
}

/// Whole class tokens that hide an element in the common CSS frameworks (but not responsive
/// ones such as `hidden-xs`, which hide nothing on a desktop page).
fn is_hiding_token(t: &str) -> bool {
    matches!(
        t,
        "hidden" | "hide" | "d-none" | "is-hidden" | "u-hidden" | "display-none" | "js-hidden"
    )
}

/// Whether an attribute value (class, id, aria-label) marks page furniture.
pub(crate) fn value_is_boilerplate(value: &str) -> bool {
    value.split_ascii_whitespace().any(is_hiding_token)
        || any_word(value, &mut |w, joined| is_boilerplate_word(w, joined))
}

/// Remembers the verdict on the class values of one page: cards, list items and menu entries
/// repeat the same long class lists, and about half of a page's class values are repeats.
#[derive(Default)]
pub(crate) struct ClassCache<'a> {
    seen: std::collections::HashMap<&'a str, bool, std::hash::BuildHasherDefault<FxHasher>>,
}

impl<'a> ClassCache<'a> {
    pub(crate) fn is_boilerplate(&mut self, value: &'a str) -> bool {
        if value.len() < 8 {
            return value_is_boilerplate(value);
        }
        *self
            .seen
            .entry(value)
            .or_insert_with(|| value_is_boilerplate(value))
    }
}

/// The multiply-rotate hash of rustc (`FxHasher`, Firefox's): a few instructions per word,
/// enough for short keys from one page (no untrusted-collision concern worth SipHash here:
/// a page can only slow its own extraction, which the time budget bounds).
#[derive(Default)]
pub(crate) struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The attributes the classification reads.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Attrs<'a> {
    pub class: &'a str,
    pub id: &'a str,
    pub aria_label: &'a str,
    pub role: &'a str,
    pub itemprop: &'a str,
}

/// Classifies one element from its tag and attributes.
pub(crate) fn classify<'a>(tag: Tag, a: &Attrs<'a>, cache: &mut ClassCache<'a>) -> Hint {
    if a.itemprop.contains("articleBody") || a.itemprop.contains("articlebody") {
        return Hint::Content;
    }
    if !a.role.is_empty() {
        let role = a.role.trim().to_ascii_lowercase();
        if ROLE_NEG.contains(&role.as_str()) {
            return Hint::Boilerplate;
        }
        if role == "main" || role == "article" {
            return Hint::Content;
        }
    }
    // The page's own wrappers carry site-wide classes (`tag-foo`, `has-sidebar`): only their
    // content can rule them out.
    let wrapper = matches!(tag, Tag::Html | Tag::Body | Tag::Article | Tag::Main);
    if !wrapper
        && (cache.is_boilerplate(a.class)
            || value_is_boilerplate(a.id)
            || value_is_boilerplate(a.aria_label))
    {
        return Hint::Boilerplate;
    }
    match tag {
        Tag::Nav
        | Tag::Footer
        | Tag::Aside
        | Tag::Header
        | Tag::Form
        | Tag::Figure
        | Tag::Figcaption => Hint::Boilerplate,
        Tag::Article | Tag::Main => Hint::Content,
        _ => Hint::None,
    }
}

/// The mark the first pass leaves in place of the attributes (`class="b"` or `class="c"`):
/// html5ever then handles one short attribute instead of long class lists.
pub(crate) fn mark(h: Hint) -> Option<&'static str> {
    match h {
        Hint::Boilerplate => Some("b"),
        Hint::Content => Some("c"),
        Hint::None => None,
    }
}

/// Reads the mark back (html5ever's DOM of the first pass's markup, in the tests).
#[cfg(test)]
pub(crate) fn from_mark(class: Option<&str>) -> Hint {
    match class {
        Some("b") => Hint::Boilerplate,
        Some("c") => Hint::Content,
        _ => Hint::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ws(s: &str) -> Vec<String> {
        let mut v = Vec::new();
        any_word(s, &mut |w, _| {
            v.push(String::from_utf8_lossy(w).into_owned());
            false
        });
        v
    }

    #[test]
    fn splits_words() {
        assert_eq!(ws("ad-slot"), vec!["ad", "slot", "adslot"]);
        assert_eq!(
            ws("relatedArticles"),
            vec!["related", "articles", "relatedarticles"]
        );
        assert!(value_is_boilerplate("ad-slot"));
        assert!(value_is_boilerplate("sr-only"));
        assert!(!value_is_boilerplate("headerless shadow read"));
        assert!(!value_is_boilerplate("article-body"));
        assert!(value_is_boilerplate("social-share-bar"));
        assert!(value_is_boilerplate("box hidden"));
        assert!(value_is_boilerplate("post-signature"));
        assert!(!value_is_boilerplate("hidden-xs col-md-8"));
        assert!(value_is_boilerplate("mainNavigation"));
        assert!(value_is_boilerplate("foo-ter"));
        assert!(!value_is_boilerplate("gdpr"));
        assert!(value_is_boilerplate("gdpr-box"));
        let mut cache = ClassCache::default();
        for _ in 0..2 {
            assert!(cache.is_boilerplate("card related-stories__item"));
            assert!(!cache.is_boilerplate("card article-body__text"));
        }
    }
}
