//! HTML main-content extraction (first version: paragraphs outside page furniture).

use std::time::Duration;

use scraper::{ElementRef, Html, Node};

use crate::TextFormat;

/// Per-call options.
#[derive(Debug, Clone)]
pub struct Options {
    pub text_format: TextFormat,
    pub url: Option<String>,
    pub time_budget: Duration,
}

/// What extraction found.
#[derive(Debug, Default, Clone)]
pub struct Extracted {
    /// Article text, paragraphs separated by a blank line.
    pub text: String,
    pub title: Option<String>,
    pub url: Option<String>,
    pub lang: Option<String>,
    /// author, date, site_name, description, ...
    pub meta: pith_core::Map,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtractError {
    /// The page took longer than the time budget (milliseconds).
    TimeBudget(u64),
}

const FURNITURE: &[&str] = &[
    "nav",
    "footer",
    "header",
    "aside",
    "related",
    "share",
    "social",
    "comment",
    "newsletter",
    "subscribe",
    "promo",
    "sidebar",
    "breadcrumb",
    "cookie",
    "banner",
    "advert",
];

fn is_furniture(el: &ElementRef) -> bool {
    let e = el.value();
    if matches!(
        e.name(),
        "nav" | "footer" | "aside" | "script" | "style" | "form" | "noscript"
    ) {
        return true;
    }
    let attrs =
        format!("{} {}", e.attr("class").unwrap_or(""), e.id().unwrap_or("")).to_ascii_lowercase();
    FURNITURE.iter().any(|w| attrs.contains(w))
}

/// Extracts the main text of a page.
pub fn extract(page: &str, _opts: &Options) -> Result<Extracted, ExtractError> {
    let dom = Html::parse_document(page);
    let mut out = Extracted::default();
    let title_sel = scraper::Selector::parse("title").expect("static selector");
    out.title = dom
        .select(&title_sel)
        .next()
        .map(|t| t.text().collect::<String>().trim().to_string())
        .filter(|t| !t.is_empty());
    let mut paragraphs = Vec::new();
    // Iterative walk: deep documents must not overflow the stack.
    let mut stack = vec![dom.root_element()];
    while let Some(el) = stack.pop() {
        if is_furniture(&el) {
            continue;
        }
        if matches!(
            el.value().name(),
            "p" | "h1" | "h2" | "h3" | "li" | "blockquote" | "pre"
        ) {
            let text: String = el.text().collect::<Vec<_>>().join("");
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !text.is_empty() {
                paragraphs.push(text);
            }
            continue;
        }
        let children: Vec<_> = el
            .children()
            .filter(|c| matches!(c.value(), Node::Element(_)))
            .filter_map(ElementRef::wrap)
            .collect();
        stack.extend(children.into_iter().rev());
    }
    out.text = paragraphs.join("\n\n");
    Ok(out)
}
