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
fn is_neg_word(w: &str) -> bool {
    matches!(
        w,
        "ad" | "ads"
            | "adv"
            | "nav"
            | "menu"
            | "bio"
            | "tags"
            | "meta"
            | "header"
            | "author"
            | "share"
            | "print"
            | "credit"
            | "credits"
            | "aside"
            | "topics"
            | "keywords"
            | "date"
            | "time"
            | "follow"
            | "login"
            | "contact"
            | "legal"
            | "extra"
            | "sronly"
            | "visuallyhidden"
            | "screenreadertext"
            | "invisible"
            | "email"
            | "rss"
            | "tools"
            | "utility"
            | "dfp"
            | "gpt"
            | "outstream"
            | "overlay"
            | "partner"
            | "partners"
            | "promoted"
            | "teaser"
            | "teasers"
            | "more"
            | "next"
            | "prev"
            | "previous"
            | "also"
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

/// Calls `f` on each lowercase word of an attribute value, split on non-alphanumerics and
/// camelCase humps; each space-separated part with several words also gives the joined word
/// (`sr-only` gives `sr`, `only`, `sronly`). Stops early when `f` returns true.
fn any_word(value: &str, f: &mut impl FnMut(&str) -> bool) -> bool {
    let mut cur = [0u8; 48];
    let mut joined = [0u8; 48];
    for part in value.split_ascii_whitespace() {
        let (mut n, mut j, mut words) = (0usize, 0usize, 0usize);
        let mut prev_lower = false;
        for c in part.bytes() {
            if c.is_ascii_alphanumeric() {
                if c.is_ascii_uppercase() && prev_lower && n > 0 {
                    words += 1;
                    if f(std::str::from_utf8(&cur[..n]).unwrap_or("")) {
                        return true;
                    }
                    n = 0;
                }
                prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
                if n < cur.len() {
                    cur[n] = c.to_ascii_lowercase();
                    n += 1;
                }
                if j < joined.len() {
                    joined[j] = c.to_ascii_lowercase();
                    j += 1;
                }
            } else {
                if n > 0 {
                    words += 1;
                    if f(std::str::from_utf8(&cur[..n]).unwrap_or("")) {
                        return true;
                    }
                    n = 0;
                }
                prev_lower = false;
            }
        }
        if n > 0 {
            words += 1;
            if f(std::str::from_utf8(&cur[..n]).unwrap_or("")) {
                return true;
            }
        }
        if words > 1 && f(std::str::from_utf8(&joined[..j]).unwrap_or("")) {
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
        table[w[i] as usize].iter().any(|p| rest.starts_with(p))
    })
}

fn is_boilerplate_word(w: &str) -> bool {
    is_neg_word(w) || (w.len() >= 5 && contains_neg_substr(w.as_bytes()))
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
        || any_word(value, &mut |w| is_boilerplate_word(w))
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
pub(crate) fn classify(tag: Tag, a: &Attrs) -> Hint {
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
        && (value_is_boilerplate(a.class)
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
        any_word(s, &mut |w| {
            v.push(w.to_string());
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
    }
}
