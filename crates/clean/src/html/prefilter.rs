//! A streaming first pass (lol_html) that drops what never holds main text — scripts, styles,
//! SVG, media, form controls, comments, hidden elements — and collects the head's metadata
//! (title, meta tags, canonical link, JSON-LD, `<html lang>`) on the way, so that the DOM is
//! built from a much smaller document.

use std::borrow::Cow;
use std::cell::RefCell;
use std::sync::LazyLock;

use lol_html::html_content::{Element, TextChunk};
use lol_html::{
    doc_comments, ElementContentHandlers, HandlerResult, HtmlRewriter, Selector, Settings,
};

/// What the first pass found in the page besides its reduced markup.
#[derive(Debug, Default, Clone)]
pub(crate) struct HeadInfo {
    pub title: Option<String>,
    pub lang: Option<String>,
    /// `(name or property, content)` of every `<meta>` with content, names lowercased.
    pub metas: Vec<(String, String)>,
    pub canonical: Option<String>,
    /// Text of every `<script type="application/ld+json">`.
    pub json_ld: Vec<String>,
}

/// Elements removed with everything inside them.
const DROP: &str = "script, style, svg, noscript, iframe, template, canvas, object, embed, \
    video, audio, source, track, picture, img, button, select, textarea, input, option, \
    map, math, link, base, dialog, [hidden], [aria-hidden=\"true\"]";

static SELECTORS: LazyLock<[Selector; 6]> = LazyLock::new(|| {
    [
        DROP.parse().expect("static selector"),
        "meta".parse().expect("static selector"),
        "link[rel][href]".parse().expect("static selector"),
        "title".parse().expect("static selector"),
        "script[type=\"application/ld+json\"]"
            .parse()
            .expect("static selector"),
        "html[lang]".parse().expect("static selector"),
    ]
});

/// Collects inline `style` declarations that hide an element.
fn hidden_by_style(el: &Element) -> bool {
    el.get_attribute("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

/// Elements nested deeper than this are unwrapped (tags dropped, content kept) on pages that
/// nest pathologically: html5ever's tree builder does work proportional to the depth for each
/// start tag, so a 50,000-deep page would take minutes.
const MAX_DEPTH: usize = 512;

/// HTML void elements, which have no end tag.
fn is_void(name: &[u8]) -> bool {
    matches!(
        name,
        b"area"
            | b"base"
            | b"br"
            | b"col"
            | b"embed"
            | b"hr"
            | b"img"
            | b"input"
            | b"link"
            | b"meta"
            | b"source"
            | b"track"
            | b"wbr"
            | b"param"
            | b"keygen"
    )
}

/// A cheap upper estimate of the nesting depth: start tags minus end tags, running maximum.
fn nesting_estimate(page: &str) -> usize {
    let b = page.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0usize;
    while let Some(off) = b.get(i..).and_then(|r| r.iter().position(|&c| c == b'<')) {
        i += off + 1;
        match b.get(i) {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(c) if c.is_ascii_alphabetic() => {
                let start = i;
                let mut end = i;
                while end < b.len() && b[end].is_ascii_alphanumeric() && end - start < 16 {
                    end += 1;
                }
                let name = b[start..end].to_ascii_lowercase();
                if !is_void(&name) {
                    depth += 1;
                    max = max.max(depth);
                }
            }
            _ => {}
        }
    }
    max
}

/// Runs the first pass. On a rewriter error the page is passed on whole.
pub(crate) fn prefilter(page: &str) -> (String, HeadInfo) {
    let deep = nesting_estimate(page) > 4 * MAX_DEPTH;
    let depth = std::rc::Rc::new(std::cell::Cell::new(0usize));
    let head = RefCell::new(HeadInfo::default());
    let title_buf = RefCell::new(String::new());
    let title_done = RefCell::new(false);
    let ld_buf = RefCell::new(String::new());
    let mut out: Vec<u8> = Vec::with_capacity(page.len() / 2);
    let sel = &*SELECTORS;
    let handlers: Vec<(Cow<Selector>, ElementContentHandlers)> = vec![
        (
            Cow::Borrowed(&sel[0]),
            ElementContentHandlers::default().element(|el: &mut Element| -> HandlerResult {
                el.remove();
                Ok(())
            }),
        ),
        (
            Cow::Borrowed(&sel[1]),
            ElementContentHandlers::default().element(|el: &mut Element| -> HandlerResult {
                let key = el
                    .get_attribute("property")
                    .or_else(|| el.get_attribute("name"))
                    .or_else(|| el.get_attribute("itemprop"));
                if let (Some(k), Some(v)) = (key, el.get_attribute("content")) {
                    head.borrow_mut().metas.push((k.to_ascii_lowercase(), v));
                }
                el.remove();
                Ok(())
            }),
        ),
        (
            Cow::Borrowed(&sel[2]),
            ElementContentHandlers::default().element(|el: &mut Element| -> HandlerResult {
                let rel = el.get_attribute("rel").unwrap_or_default();
                if rel.eq_ignore_ascii_case("canonical") {
                    let mut h = head.borrow_mut();
                    if h.canonical.is_none() {
                        h.canonical = el.get_attribute("href");
                    }
                }
                Ok(())
            }),
        ),
        (
            Cow::Borrowed(&sel[3]),
            ElementContentHandlers::default()
                .element(|el: &mut Element| -> HandlerResult {
                    el.remove();
                    Ok(())
                })
                .text(|t: &mut TextChunk| -> HandlerResult {
                    if !*title_done.borrow() {
                        title_buf.borrow_mut().push_str(t.as_str());
                        if t.last_in_text_node() {
                            let s = title_buf.borrow().trim().to_string();
                            if !s.is_empty() {
                                head.borrow_mut().title = Some(s);
                                *title_done.borrow_mut() = true;
                            }
                            title_buf.borrow_mut().clear();
                        }
                    }
                    Ok(())
                }),
        ),
        (
            Cow::Borrowed(&sel[4]),
            ElementContentHandlers::default().text(|t: &mut TextChunk| -> HandlerResult {
                ld_buf.borrow_mut().push_str(t.as_str());
                if t.last_in_text_node() {
                    let s = std::mem::take(&mut *ld_buf.borrow_mut());
                    head.borrow_mut().json_ld.push(s);
                }
                Ok(())
            }),
        ),
        (
            Cow::Borrowed(&sel[5]),
            ElementContentHandlers::default().element(|el: &mut Element| -> HandlerResult {
                let mut h = head.borrow_mut();
                if h.lang.is_none() {
                    h.lang = el.get_attribute("lang").filter(|l| !l.trim().is_empty());
                }
                Ok(())
            }),
        ),
        (
            Cow::Owned("[style]".parse().expect("static selector")),
            ElementContentHandlers::default().element(|el: &mut Element| -> HandlerResult {
                if hidden_by_style(el) {
                    el.remove();
                } else {
                    el.remove_attribute("style");
                }
                Ok(())
            }),
        ),
    ];
    let mut handlers = handlers;
    if deep {
        let depth = depth.clone();
        handlers.push((
            Cow::Owned("*".parse().expect("static selector")),
            ElementContentHandlers::default().element(move |el: &mut Element| -> HandlerResult {
                let d = depth.get() + 1;
                if d > MAX_DEPTH {
                    el.remove_and_keep_content();
                }
                if el.can_have_content() && !el.is_self_closing() {
                    depth.set(d);
                    let depth = depth.clone();
                    el.on_end_tag(Box::new(move |_| {
                        depth.set(depth.get().saturating_sub(1));
                        Ok(())
                    }))?;
                }
                Ok(())
            }),
        ));
    }
    let settings = Settings {
        element_content_handlers: handlers,
        document_content_handlers: vec![doc_comments!(|c| {
            c.remove();
            Ok(())
        })],
        strict: false,
        ..Settings::new()
    };
    let result = {
        let mut rewriter = HtmlRewriter::new(settings, |c: &[u8]| out.extend_from_slice(c));
        rewriter.write(page.as_bytes()).and_then(|_| rewriter.end())
    };
    let head = head.into_inner();
    match result {
        Ok(()) => {
            let html = String::from_utf8(out)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            (html, head)
        }
        Err(_) => (page.to_string(), head),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_scripts_and_collects_head() {
        let page = r#"<html lang="en"><head><title> A title </title>
            <meta property="og:title" content="OG title">
            <link rel="canonical" href="https://example.org/a">
            <script type="application/ld+json">{"@type":"NewsArticle"}</script>
            <script>var x = "<p>not text</p>";</script><style>p{}</style></head>
            <body><!-- hi --><p>Kept text.</p><div style="display: none">Hidden</div>
            <svg><text>svg</text></svg></body></html>"#;
        let (html, head) = prefilter(page);
        assert!(html.contains("Kept text."));
        for gone in ["not text", "p{}", "hi", "Hidden", "svg", "A title"] {
            assert!(!html.contains(gone), "{gone} in {html}");
        }
        assert_eq!(head.title.as_deref(), Some("A title"));
        assert_eq!(head.lang.as_deref(), Some("en"));
        assert_eq!(head.canonical.as_deref(), Some("https://example.org/a"));
        assert_eq!(head.json_ld, vec![r#"{"@type":"NewsArticle"}"#.to_string()]);
        assert!(head
            .metas
            .contains(&("og:title".to_string(), "OG title".to_string())));
    }
}
