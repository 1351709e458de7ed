//! HTML main-content extraction.
//!
//! The pipeline, each step a submodule:
//! 1. [`strip`]: a byte-level pass drops scripts, styles, SVG, media, form controls, comments,
//!    hidden elements and attributes, reads class/id/role hints ([`hints`]), and collects
//!    title, meta tags, canonical link, JSON-LD and `lang`.
//! 2. [`build`]: what the first pass keeps goes straight into a flat, pre-order array of nodes
//!    with subtree ranges ([`tree`]), built with the HTML standard's rules for implied and
//!    misplaced tags; no DOM is built (html5ever's DOM of the same input gives the same blocks,
//!    a test checks it). Every later pass is a loop, so no page is too deep.
//! 3. [`content`]: blocks of text are scored (length, link density, punctuation, stop words,
//!    class/id/role/tag hints from [`hints`]) and the main node is the subtree with the largest
//!    total; inside it, furniture, link lists and short edge lines are dropped.
//! 4. [`meta`]: title, author, date, canonical URL, site name, description and language from
//!    JSON-LD, OpenGraph and meta tags.
//!
//! ```
//! use pith_clean::html::{extract, Options};
//! let page = "<html lang=en><body><nav><a href=/>Home</a> <a href=/w>World</a></nav>\
//!     <article><h1>Bridge</h1><p>The council voted on Tuesday to rebuild the old harbour \
//!     bridge, ending a decade of delays and disputes over its cost.</p></article></body></html>";
//! let out = extract(page, &Options::default()).unwrap();
//! assert!(out.text.starts_with("The council voted"));
//! assert!(!out.text.contains("Home"));
//! assert_eq!(out.lang.as_deref(), Some("en"));
//! ```

mod build;
mod content;
mod hints;
mod meta;
mod strip;
mod tree;

use std::time::{Duration, Instant};

use crate::TextFormat;
use content::Kind;

/// Per-call options.
#[derive(Debug, Clone)]
pub struct Options {
    pub text_format: TextFormat,
    pub url: Option<String>,
    pub time_budget: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            text_format: TextFormat::Plain,
            url: None,
            time_budget: Duration::from_secs(2),
        }
    }
}

/// What extraction found.
#[derive(Debug, Default, Clone)]
pub struct Extracted {
    /// Article text, paragraphs separated by a blank line.
    pub text: String,
    pub title: Option<String>,
    /// The canonical URL (link rel=canonical, og:url, JSON-LD url).
    pub url: Option<String>,
    pub lang: Option<String>,
    /// author, date, site_name, description, canonical_url (when found).
    pub meta: pith_core::Map,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExtractError {
    /// The page took longer than the time budget (milliseconds).
    TimeBudget(u64),
}

impl std::fmt::Display for ExtractError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExtractError::TimeBudget(ms) => write!(f, "extraction took more than {ms} ms"),
        }
    }
}

impl std::error::Error for ExtractError {}

/// The per-document time limit, checked inside every loop that grows with the page.
pub(crate) struct Deadline {
    start: Instant,
    budget: Duration,
}

impl Deadline {
    fn new(budget: Duration) -> Self {
        Deadline {
            start: Instant::now(),
            budget,
        }
    }

    pub(crate) fn check(&self) -> Result<(), ExtractError> {
        if self.start.elapsed() > self.budget {
            Err(ExtractError::TimeBudget(self.budget.as_millis() as u64))
        } else {
            Ok(())
        }
    }
}

/// Runs the first pass into the tree builder: the flat tree and the head's metadata.
fn build_tree(
    page: &str,
    deadline: &Deadline,
) -> Result<(tree::Tree, strip::HeadInfo), ExtractError> {
    let mut builder = build::TreeBuilder::new(page.len());
    let head = strip::strip(page, &mut builder, deadline)?;
    Ok((builder.finish(), head))
}

/// Extracts the main text and the metadata of a page.
pub fn extract(page: &str, opts: &Options) -> Result<Extracted, ExtractError> {
    let deadline = Deadline::new(opts.time_budget);
    let (tree, head) = build_tree(page, &deadline)?;
    deadline.check()?;
    extract_from_tree(&tree, head, opts, &deadline)
}

/// The steps after the tree is built.
fn extract_from_tree(
    tree: &tree::Tree,
    head: strip::HeadInfo,
    opts: &Options,
    deadline: &Deadline,
) -> Result<Extracted, ExtractError> {
    let mut blocks = content::blocks(tree, deadline)?;
    content::classify(&mut blocks);
    content::mark_boilerplate(tree, &mut blocks);
    let h1 = blocks
        .blocks
        .iter()
        .find(|b| b.kind == Kind::Heading(1))
        .map(|b| blocks.text_of(b).to_string());
    let pm = meta::page_meta(&head, h1.as_deref());
    content::mark_title(&mut blocks, pm.title.as_deref());
    deadline.check()?;
    let main = content::main_node(tree, &blocks);
    let kept = content::select(tree, &blocks, main);

    let mut text = String::with_capacity(
        kept.iter()
            .map(|&k| blocks.blocks[k].end as usize - blocks.blocks[k].start as usize + 4)
            .sum(),
    );
    for &k in &kept {
        let b = &blocks.blocks[k];
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        if opts.text_format == TextFormat::Markdown {
            match b.kind {
                Kind::Heading(l) => {
                    for _ in 0..l {
                        text.push('#');
                    }
                    text.push(' ');
                }
                Kind::Item => text.push_str("- "),
                Kind::Quote => text.push_str("> "),
                _ => {}
            }
        }
        text.push_str(blocks.text_of(b));
    }

    // Pages that render their text with scripts leave little in the markup, but often give
    // the whole article as schema.org `articleBody`: use it when the DOM gave far less.
    if let Some(body) = pm.article_body.as_deref() {
        let body_words = body.split_whitespace().count();
        if body_words >= 50 && text.split_whitespace().count() * 10 < body_words * 3 {
            text = body
                .split('\n')
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|l| !l.is_empty())
                .collect::<Vec<_>>()
                .join("\n\n");
        }
    }

    let mut out = Extracted {
        text,
        title: pm.title,
        url: pm.canonical_url.clone(),
        lang: pm.lang,
        meta: pith_core::Map::new(),
    };
    let fields = [
        ("author", pm.author),
        ("date", pm.date),
        ("site_name", pm.site_name),
        ("description", pm.description),
        ("canonical_url", pm.canonical_url),
    ];
    for (k, v) in fields {
        if let Some(v) = v {
            out.meta.insert(k.to_string(), serde_json::Value::String(v));
        }
    }
    Ok(out)
}

/// Seconds spent in each step for one page: the first pass with the tree builder, a DOM build
/// (always 0: none is built any more), cutting into blocks, and scoring, selection and
/// metadata. For the `html_profile` example; not a stable API.
#[doc(hidden)]
pub fn profile_steps(page: &str) -> [f64; 4] {
    let deadline = Deadline::new(Duration::from_secs(3600));
    let t0 = Instant::now();
    let Ok((tree, head)) = build_tree(page, &deadline) else {
        return [0.0; 4];
    };
    let t1 = Instant::now();
    let Ok(mut blocks) = content::blocks(&tree, &deadline) else {
        return [0.0; 4];
    };
    let t2 = Instant::now();
    content::classify(&mut blocks);
    content::mark_boilerplate(&tree, &mut blocks);
    let main = content::main_node(&tree, &blocks);
    let _ = content::select(&tree, &blocks, main);
    let _ = meta::page_meta(&head, None);
    let t3 = Instant::now();
    [
        (t1 - t0).as_secs_f64(),
        0.0,
        (t2 - t1).as_secs_f64(),
        (t3 - t2).as_secs_f64(),
    ]
}

/// One line per block: class, value flags and text start, with the chosen main node marked.
/// For the `html_debug` example; not a stable API.
#[doc(hidden)]
pub fn debug_blocks(page: &str) -> String {
    use std::fmt::Write;
    let deadline = Deadline::new(Duration::from_secs(3600));
    let Ok((tree, head)) = build_tree(page, &deadline) else {
        return String::new();
    };
    let Ok(mut blocks) = content::blocks(&tree, &deadline) else {
        return String::new();
    };
    content::classify(&mut blocks);
    content::mark_boilerplate(&tree, &mut blocks);
    let pm = meta::page_meta(&head, None);
    content::mark_title(&mut blocks, pm.title.as_deref());
    let main = content::main_node(&tree, &blocks);
    let kept = content::select(&tree, &blocks, main);
    let mut out = String::new();
    let (mlo, mhi) = main
        .map(|m| (m as u32, tree.nodes[m].end))
        .unwrap_or((0, 0));
    let _ = writeln!(
        out,
        "main node {main:?} tag {:?}",
        main.map(|m| tree.nodes[m].tag)
    );
    for (k, b) in blocks.blocks.iter().enumerate() {
        let inside = b.first_node >= mlo && b.first_node < mhi;
        let text: String = blocks.text_of(b).chars().take(90).collect();
        let _ = writeln!(
            out,
            "{}{} {:?} {:?} boiler={} c={} l={} w={} p={} | {}",
            if kept.contains(&k) { "K" } else { " " },
            if inside { "M" } else { " " },
            b.class,
            b.kind,
            b.boiler as u8,
            b.chars,
            b.link_chars,
            b.words,
            b.punct,
            text
        );
    }
    out
}

/// The page after the first pass, as html5ever receives it. For the `html_debug` example.
#[doc(hidden)]
pub fn debug_stripped(page: &str) -> String {
    strip::strip_to_markup(page).0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The blocks (kind and text) of a page, from the tree builder or from html5ever's DOM of
    /// the same first-pass output.
    fn block_texts(page: &str, via_html5ever: bool) -> Vec<String> {
        let deadline = Deadline::new(Duration::from_secs(3600));
        let tree = if via_html5ever {
            let (markup, _) = strip::strip_to_markup(page);
            tree::Tree::from_dom(&scraper::Html::parse_document(&markup))
        } else {
            build_tree(page, &deadline).expect("no time limit").0
        };
        let blocks = content::blocks(&tree, &deadline).expect("no time limit");
        blocks
            .blocks
            .iter()
            .map(|b| format!("{:?} {}", b.kind, blocks.text_of(b)))
            .collect()
    }

    #[test]
    fn tree_builder_agrees_with_html5ever_on_awkward_markup() {
        for page in [
            "<p>one<p>two<div>three</p>four",
            "<ul><li>a<li>b<ul><li>c</ul><li>d</ul>after",
            "<table><tr><td>a<td>b<tr><td>c</table>below",
            "<table><thead><tr><th>h<tbody><tr><td>x</table>",
            "<dl><dt>term<dd>def<dt>other<dd>more</dl>",
            "<h2>head<h3>sub</h2>after",
            "text</p>more</br>again",
            "<a href=x>link<a href=y>other</a> tail",
            "<div><span>x</div>y</span>z",
            "<div><p>para<li>item</div>out",
            "<section><p>one</section><p>two</p></p>",
            "caf&eacute; &copy 2024 &#8212; &amp;amp; &#x1F600; &#150; &nope;",
            "<pre>\n line one\n   line two</pre><p>after",
            "<my-very-long-custom-element>inside</my-very-long-custom-element><p>next",
            "<html><head><title>t</title></head><body><p>x</body></html><p>late",
            "<p>a<hr>b<br>c<wbr>d",
            "<blockquote>q<p>in</blockquote>out",
            "<ol><li><p>a</p><li><div>b</div></ol>",
            "<form><p>in form</form>after",
            "<center><p>x</center>y",
            "</div></span></li>stray ends<p>ok",
            "<b>bold<p>para</b>rest</p>",
            "<table><div>misplaced</div><tr><td>cell</td></tr></table>",
            "<a href=x><div>block</a>after</div>",
            "<p><a href=x>one<p>two</a>three",
            "<table>loose text<tr><td>cell</table>",
        ] {
            assert_eq!(block_texts(page, true), block_texts(page, false), "{page}");
        }
    }

    /// `PITH_HTML=DIR cargo test -p pith-clean --lib -- --ignored --nocapture`: the pages
    /// (`.html` files) whose blocks differ between the tree builder and html5ever.
    #[test]
    #[ignore]
    fn compare_with_html5ever_on_files() {
        let Ok(dir) = std::env::var("PITH_HTML") else {
            return;
        };
        let mut differ = 0;
        let mut pages = 0;
        for entry in std::fs::read_dir(dir).expect("readable dir").flatten() {
            let Ok(page) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            pages += 1;
            let (a, b) = (block_texts(&page, true), block_texts(&page, false));
            let (markup, head) = strip::strip_to_markup(&page);
            let reference = tree::Tree::from_dom(&scraper::Html::parse_document(&markup));
            let deadline = Deadline::new(Duration::from_secs(3600));
            let opts = Options::default();
            let via_dom = extract_from_tree(&reference, head, &opts, &deadline).map(|e| e.text);
            let via_builder = extract(&page, &opts).map(|e| e.text);
            if via_dom != via_builder {
                println!("{}: the extracted text differs", entry.path().display());
            }
            if a == b && via_dom == via_builder {
                continue;
            }
            differ += 1;
            println!(
                "{}: {} blocks vs {}",
                entry.path().display(),
                a.len(),
                b.len()
            );
            let shown = a.iter().zip(&b).enumerate().filter(|(_, (x, y))| x != y);
            for (k, (x, y)) in shown.take(3) {
                println!("  {k} html5ever: {:.150}\n  {k} builder:   {:.150}", x, y);
            }
        }
        println!("{differ} of {pages} pages differ");
    }

    const PARAS: [&str; 4] = [
        "The harbour council voted on Tuesday evening to rebuild the old swing bridge, \
         ending a decade of delays, lawsuits and disputes over who should pay for it.",
        "Engineers said the new span would open to cyclists first, in the spring of next \
         year, while the road deck would follow once the approaches had been rebuilt.",
        "Local shop owners, who had complained for years about the detour, welcomed the \
         decision but asked the council to keep the works noise down at night.",
        "The mayor said the cost would be shared between the city, the port authority and \
         a regional fund, and that the final bill would be published in full.",
    ];

    fn news_page() -> String {
        format!(
            r##"<!DOCTYPE html><html lang="en-GB"><head>
<title>Harbour bridge to be rebuilt | The Harbour Times</title>
<meta property="og:site_name" content="The Harbour Times">
<meta name="author" content="Ann Lee">
<meta property="article:published_time" content="2024-05-01T10:00:00Z">
<link rel="canonical" href="https://example.org/news/bridge">
<script>window.ads = [];</script><style>.x {{ color: red }}</style></head>
<body class="single has-sidebar">
<div id="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
<header class="site-header"><nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a>
</li><li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<main><article>
<h1>Harbour bridge to be rebuilt after decade of delays</h1>
<div class="byline">By Ann Lee, 1 May 2024</div>
<div class="share-bar"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
<p>{}</p><p>ADVERTISEMENT</p><p>{}</p>
<aside class="related-articles"><h3>Related stories</h3><ul>
<li><a href="/a">Ferry fares to rise again this summer</a></li>
<li><a href="/b">Port authority names a new chief executive</a></li></ul></aside>
<h2>What happens next</h2>
<p>{}</p><div class="ad-slot">Advertisement</div><p>{}</p>
<div class="newsletter-signup"><h3>Get the morning briefing</h3><p>Sign up for our free
newsletter and get the best of the Harbour Times in your inbox every morning.</p></div>
<div class="author-bio"><p>Ann Lee is the city hall reporter of the Harbour Times and has
covered local politics for twelve years.</p></div>
</article>
<section id="comments"><h3>3 comments</h3><div class="comment"><p>This is great news for the
whole town, it has taken far too long and cost far too much already, in my opinion.</p></div>
</section></main>
<footer><p>© 2024 The Harbour Times. All rights reserved. Contact us about advertising.</p>
</footer></body></html>"##,
            PARAS[0], PARAS[1], PARAS[2], PARAS[3]
        )
    }

    #[test]
    fn keeps_article_drops_furniture() {
        let out = extract(&news_page(), &Options::default()).expect("within budget");
        for p in PARAS {
            assert!(
                out.text.contains(p),
                "missing paragraph: {p}\n---\n{}",
                out.text
            );
        }
        for junk in [
            "cookies",
            "Home",
            "Share on",
            "Ferry fares",
            "Related",
            "Advertisement",
            "ADVERTISEMENT",
            "Sign up",
            "city hall reporter",
            "great news",
            "All rights",
            "By Ann Lee",
        ] {
            assert!(!out.text.contains(junk), "{junk} kept:\n{}", out.text);
        }
        assert!(out.text.contains("What happens next"));
        assert_eq!(out.text.matches("\n\n").count(), 4, "{}", out.text);
        assert_eq!(out.title.as_deref(), Some("Harbour bridge to be rebuilt"));
        assert_eq!(out.lang.as_deref(), Some("en-GB"));
        assert_eq!(out.url.as_deref(), Some("https://example.org/news/bridge"));
        assert_eq!(out.meta["author"], "Ann Lee");
        assert_eq!(out.meta["date"], "2024-05-01T10:00:00Z");
        assert_eq!(out.meta["site_name"], "The Harbour Times");
    }

    #[test]
    fn forum_thread_keeps_its_posts() {
        let page = format!(
            r#"<html><body><nav><a href="/">Forum</a> <a href="/new">New posts</a></nav>
            <h1>Which bridge design lasts longest?</h1>
            <div class="comment-list">
              <div class="comment reply"><span class="author">kim</span><p>{}</p></div>
              <div class="comment reply"><span class="author">lee</span><p>{}</p></div>
              <div class="comment reply"><span class="author">max</span><p>{}</p></div>
            </div><footer>Powered by a forum engine</footer></body></html>"#,
            PARAS[0], PARAS[1], PARAS[2]
        );
        let out = extract(&page, &Options::default()).expect("within budget");
        for p in &PARAS[..3] {
            assert!(out.text.contains(p), "missing {p}\n---\n{}", out.text);
        }
        assert!(!out.text.contains("New posts") && !out.text.contains("Powered"));
    }

    #[test]
    fn listing_page_gives_a_short_main_block() {
        let mut items = String::new();
        for k in 0..30 {
            items.push_str(&format!(
                "<li class=\"card\"><h3><a href=\"/s/{k}\">Story number {k} about the harbour \
                 works</a></h3><p>Residents near the harbour describe week {k} of the works and \
                 what changed for them...</p></li>"
            ));
        }
        let page = format!(
            "<html><body><nav><a href=/>Home</a> <a href=/news>News</a></nav><main>\
             <h1>Harbour news</h1><p>{}</p><ul class=\"stories\">{items}</ul></main>\
             <footer>All rights reserved.</footer></body></html>",
            PARAS[0]
        );
        let out = extract(&page, &Options::default()).expect("within budget");
        assert!(out.text.contains(PARAS[0]), "{}", out.text);
        assert!(out.text.len() < 1500, "too long: {}", out.text.len());
    }

    #[test]
    fn large_hostile_page_stays_linear() {
        let mut page = String::from("<html><body><div class=post>");
        for k in 0..4000 {
            page.push_str(&format!(
                "<p>{}</p><h3>Related</h3><span hidden>x",
                PARAS[k % 4]
            ));
            page.push_str("<script>if (a < b) {}</script><!-- c --><td><div aria-hidden=true>");
        }
        let opts = Options {
            time_budget: Duration::from_secs(120),
            ..Options::default()
        };
        let start = Instant::now();
        let out = extract(&page, &opts).expect("within budget");
        assert!(start.elapsed() < Duration::from_secs(60));
        assert!(!out.text.contains("if (a < b)"));
        // Unclosed hidden elements do not swallow the rest of the page.
        assert!(out.text.contains(PARAS[3]), "{}", out.text);
    }

    #[test]
    fn script_rendered_page_falls_back_to_json_ld_body() {
        let body = format!("{}\n{}\n{}", PARAS[0], PARAS[1], PARAS[2]);
        let ld =
            serde_json::json!({"@type": "NewsArticle", "headline": "Bridge", "articleBody": body});
        let page = format!(
            "<html><head><script type=\"application/ld+json\">{ld}</script></head><body>\
             <div id=app>Loading…</div><script>render()</script></body></html>"
        );
        let out = extract(&page, &Options::default()).expect("within budget");
        assert_eq!(
            out.text,
            format!("{}\n\n{}\n\n{}", PARAS[0], PARAS[1], PARAS[2])
        );
        assert_eq!(out.title.as_deref(), Some("Bridge"));
    }

    #[test]
    fn page_without_prose_keeps_its_main_line() {
        let page = "<html><body><nav><a href=/>Home</a> <a href=/shop>Shop</a></nav>\
            <div class=item><h1>Linen shirt</h1><p>Soft washed linen shirt in sand colour</p>\
            <p>€49</p></div><footer><a href=/about>About us</a></footer></body></html>";
        let out = extract(page, &Options::default()).expect("within budget");
        assert!(out.text.contains("Soft washed linen shirt"), "{}", out.text);
        assert!(!out.text.contains("Home") && !out.text.contains("About"));
    }

    #[test]
    fn markdown_marks_headings_and_items() {
        let page = format!(
            "<body><div class=post><p>{}</p><h2>Next steps</h2><p>{}</p><ul><li>{}</li>\
             <li>{}</li></ul></div></body>",
            PARAS[0], PARAS[1], PARAS[2], PARAS[3]
        );
        let opts = Options {
            text_format: TextFormat::Markdown,
            ..Options::default()
        };
        let out = extract(&page, &opts).expect("within budget");
        assert!(out.text.contains("\n\n## Next steps\n\n"), "{}", out.text);
        assert!(
            out.text.contains(&format!("\n\n- {}", PARAS[2])),
            "{}",
            out.text
        );
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let handle = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| {
                let depth = 50_000;
                let mut page = String::with_capacity(depth * 11 + 400);
                page.push_str("<html><body>");
                for _ in 0..depth {
                    page.push_str("<div>");
                }
                page.push_str("<p>");
                page.push_str(PARAS[0]);
                page.push_str("</p>");
                for _ in 0..depth {
                    page.push_str("</div>");
                }
                page.push_str("</body></html>");
                let opts = Options {
                    time_budget: Duration::from_secs(120),
                    ..Options::default()
                };
                extract(&page, &opts).map(|e| e.text)
            })
            .expect("thread starts");
        let text = handle
            .join()
            .expect("no stack overflow")
            .expect("within budget");
        assert!(text.contains("harbour council"));
    }

    #[test]
    fn time_budget_is_enforced() {
        let opts = Options {
            time_budget: Duration::from_nanos(1),
            ..Options::default()
        };
        assert_eq!(
            extract(&news_page(), &opts).err(),
            Some(ExtractError::TimeBudget(0))
        );
    }

    #[test]
    fn every_prefix_of_a_page_is_safe() {
        // Cut pages (truncated downloads) end inside tags, attributes, comments and scripts.
        let page = news_page().replace("<p>", "<p data-x='a>b' class=\"x\">é");
        for (i, _) in page.char_indices().step_by(7) {
            let cut = page.get(..i).expect("char boundary");
            assert!(extract(cut, &Options::default()).is_ok());
        }
    }

    #[test]
    fn empty_and_broken_pages() {
        for page in [
            "",
            "<",
            "<html><body></body></html>",
            "<p>short</p>",
            "\u{0}\u{fffd}<<>>",
        ] {
            let out = extract(page, &Options::default()).expect("within budget");
            assert!(out.text.len() < 20, "{page}: {}", out.text);
        }
    }
}
