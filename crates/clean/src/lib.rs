//! The clean stage: from a raw page to its article text.
//!
//! Two paths, chosen per document:
//! - [`html`]: the document carries `html`; a DOM extractor scores blocks and keeps the main
//!   content, with paragraph breaks, and fills title and metadata.
//! - [`text`]: the document carries only `text`, the visible text of a whole page, one block a
//!   line; line and section rules strip the page furniture.
//!
//! Documents left with fewer than `min_chars` characters are dropped (`too_short`).
//!
//! ```
//! use pith_clean::{Clean, CleanConfig};
//! use pith_core::{Document, Stage, Verdict};
//! let clean = Clean::new(CleanConfig { min_chars: 10, ..CleanConfig::default() }).unwrap();
//! let mut doc = Document::new("p", "");
//! doc.html = Some("<html><body><nav>Home | News</nav><article><p>The council voted on Tuesday \
//!     to rebuild the old harbour bridge, ending a decade of delays.</p></article></body></html>".into());
//! match clean.process(doc) {
//!     Verdict::Keep(d) => assert!(d.text.starts_with("The council voted") && !d.text.contains("Home")),
//!     other => panic!("{other:?}"),
//! }
//! ```

pub mod html;
pub mod text;

use pith_core::{Document, DropReason, Error, Stage, Verdict};
use serde::Deserialize;

/// The `[[stage]] kind = "clean"` section of `pipeline.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CleanConfig {
    /// Documents whose clean text is shorter than this (in characters) are dropped.
    pub min_chars: usize,
    /// `plain` (default) or `markdown` (headings as `#`, list items as `- `).
    pub text_format: TextFormat,
    /// Per-document time budget in milliseconds; a page that takes longer is rejected.
    pub time_budget_ms: u64,
}

impl Default for CleanConfig {
    fn default() -> Self {
        CleanConfig {
            min_chars: 1,
            text_format: TextFormat::Plain,
            time_budget_ms: 2000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextFormat {
    #[default]
    Plain,
    Markdown,
}

/// The clean stage.
pub struct Clean {
    cfg: CleanConfig,
}

impl Clean {
    pub fn new(cfg: CleanConfig) -> Result<Self, Error> {
        if cfg.time_budget_ms == 0 {
            return Err(Error::config("time_budget_ms must be greater than 0"));
        }
        Ok(Clean { cfg })
    }

    pub fn config(&self) -> &CleanConfig {
        &self.cfg
    }
}

impl Stage for Clean {
    fn name(&self) -> &'static str {
        "clean"
    }

    fn process(&self, mut doc: Document) -> Verdict {
        if let Some(page) = doc.html.take() {
            let opts = html::Options {
                text_format: self.cfg.text_format,
                url: doc.url.clone(),
                time_budget: std::time::Duration::from_millis(self.cfg.time_budget_ms),
            };
            let extracted = match html::extract(&page, &opts) {
                Ok(e) => e,
                Err(html::ExtractError::TimeBudget(ms)) => {
                    let mut r = pith_core::Reject::new(
                        doc.meta
                            .get("source_file")
                            .and_then(|v| v.as_str())
                            .unwrap_or("-"),
                        "time_budget_exceeded",
                        format!("extraction took more than {ms} ms (clean.time_budget_ms)"),
                    );
                    r.id = Some(doc.id.clone());
                    return Verdict::Reject(Box::new(r));
                }
            };
            doc.text = extracted.text;
            if doc.title.is_none() {
                doc.title = extracted.title;
            }
            if doc.url.is_none() {
                doc.url = extracted.url;
            }
            if doc.lang.is_none() {
                doc.lang = extracted.lang;
            }
            for (k, v) in extracted.meta {
                doc.meta.entry(k).or_insert(v);
            }
        } else {
            let cleaned = text::clean_dump(&doc.text);
            doc.text = cleaned.text;
            if doc.title.is_none() {
                doc.title = cleaned.title;
            }
        }
        let chars = doc.text.chars().count();
        if chars < self.cfg.min_chars {
            let reason = DropReason::new("clean", "too_short").with_detail(format!(
                "{chars} characters of clean text, fewer than min_chars ({})",
                self.cfg.min_chars
            ));
            return Verdict::Drop(doc, reason);
        }
        Verdict::Keep(doc)
    }
}
