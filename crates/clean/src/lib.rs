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
pub mod score;
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
    /// Record, in `meta.explain`, every line a text dump lost and the rule or score that
    /// dropped it.
    pub explain: bool,
    /// Read the inputs once before cleaning and count, per site (the url's host, else the input
    /// file), the lines of text dumps: lines on `min_host_docs` or more pages of a site are its
    /// template and are dropped (CCNet-style).
    pub corpus_stats: bool,
    /// Pages of one site a line must appear on to count as template.
    pub min_host_docs: u32,
    /// Line entries the statistics may hold (about 24 bytes each): memory is bounded by this,
    /// not by the input.
    pub stats_capacity: usize,
    /// Load the statistics from this file at start and save them at the end, so scheduled runs
    /// learn a site's template over time.
    pub stats_path: Option<std::path::PathBuf>,
}

impl Default for CleanConfig {
    fn default() -> Self {
        CleanConfig {
            min_chars: 1,
            text_format: TextFormat::Plain,
            time_budget_ms: 2000,
            explain: false,
            corpus_stats: false,
            min_host_docs: 3,
            stats_capacity: 1 << 20,
            stats_path: None,
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
    text_opts: text::Options,
    /// Corpus statistics for text dumps, when configured: written during the pre-pass, read
    /// while cleaning.
    stats: Option<std::sync::RwLock<text::LineStats>>,
}

impl Clean {
    pub fn new(cfg: CleanConfig) -> Result<Self, Error> {
        if cfg.time_budget_ms == 0 {
            return Err(Error::config("time_budget_ms must be greater than 0"));
        }
        if cfg.min_host_docs < 2 {
            return Err(Error::config("min_host_docs must be at least 2"));
        }
        let stats = if cfg.corpus_stats || cfg.stats_path.is_some() {
            let loaded = match &cfg.stats_path {
                Some(p) if p.exists() => {
                    let f = std::fs::File::open(p)
                        .map_err(|e| Error::io(format!("cannot open {}", p.display()), e))?;
                    text::LineStats::read_from(std::io::BufReader::new(f), cfg.stats_capacity)
                        .map_err(|e| Error::io(format!("cannot read {}", p.display()), e))?
                }
                _ => text::LineStats::with_capacity(cfg.stats_capacity),
            };
            Some(std::sync::RwLock::new(loaded))
        } else {
            None
        };
        let text_opts = text::Options {
            min_host_docs: cfg.min_host_docs,
            ..text::Options::default()
        };
        Ok(Clean {
            cfg,
            text_opts,
            stats,
        })
    }

    pub fn config(&self) -> &CleanConfig {
        &self.cfg
    }
}

impl Stage for Clean {
    fn name(&self) -> &'static str {
        "clean"
    }

    fn wants_prepass(&self) -> bool {
        self.cfg.corpus_stats
    }

    fn observe(&self, doc: &Document) {
        if doc.html.is_some() {
            return;
        }
        if let Some(stats) = &self.stats {
            let host = site_of(doc);
            stats
                .write()
                .unwrap_or_else(|p| p.into_inner())
                .observe(&host, &doc.text);
        }
    }

    fn finish(&self) -> Result<(), Error> {
        let (Some(path), Some(stats)) = (&self.cfg.stats_path, &self.stats) else {
            return Ok(());
        };
        let stats = stats.read().unwrap_or_else(|p| p.into_inner());
        let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(".tmp");
        let tmp = path.with_file_name(tmp_name);
        let write = || -> std::io::Result<()> {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)?;
            }
            let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
            stats.write_to(&mut f)?;
            let f = f.into_inner().map_err(|e| e.into_error())?;
            f.sync_all()?;
            std::fs::rename(&tmp, path)
        };
        write().map_err(|e| Error::io(format!("cannot save {}", path.display()), e))
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
                    return reject(
                        &doc,
                        "time_budget_exceeded",
                        format!("extraction took more than {ms} ms (clean.time_budget_ms)"),
                    );
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
            let host = site_of(&doc);
            let guard = self
                .stats
                .as_ref()
                .map(|s| s.read().unwrap_or_else(|p| p.into_inner()));
            let stats = guard.as_deref();
            let cleaned = if self.cfg.explain {
                let (cleaned, decisions) =
                    text::explain_with(&doc.text, &self.text_opts, stats, &host);
                let dropped: Vec<serde_json::Value> = decisions
                    .into_iter()
                    .filter(|d| !d.kept)
                    .map(|d| {
                        serde_json::json!({"line": d.line_no, "text": d.text, "why": d.rule_or_score})
                    })
                    .collect();
                doc.set_meta("explain", dropped);
                cleaned
            } else {
                text::clean_dump_opts(&doc.text, &self.text_opts, stats, &host)
            };
            drop(guard);
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

/// The site a document belongs to, for corpus statistics: its url's host, else its input file.
fn site_of(doc: &Document) -> String {
    if let Some(host) = doc.url.as_deref().and_then(url_host) {
        return host;
    }
    doc.meta
        .get("source_file")
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// The host of a URL (port kept), lower-cased, without user info or a leading `www.`: the site
/// a page belongs to for corpus statistics.
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = host.rsplit('@').next().unwrap_or_default();
    (!host.is_empty()).then(|| host.trim_start_matches("www.").to_ascii_lowercase())
}

fn reject(doc: &Document, reason: &str, detail: String) -> Verdict {
    let file = doc
        .meta
        .get("source_file")
        .and_then(|v| v.as_str())
        .unwrap_or("-");
    let mut r = pith_core::Reject::new(file, reason, detail);
    r.record = doc
        .meta
        .get("source_record")
        .and_then(|v| v.as_str())
        .map(str::to_string);
    r.id = Some(doc.id.clone());
    Verdict::Reject(Box::new(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_is_the_url_host_else_the_input_file() {
        let mut doc = Document::new("x", "");
        doc.url = Some("https://www.Example.org:8080/a/b?c".into());
        assert_eq!(site_of(&doc), "example.org:8080");
        doc.url = None;
        doc.set_meta("source_file", "dumps/site.jsonl");
        assert_eq!(site_of(&doc), "dumps/site.jsonl");
    }

    #[test]
    fn corpus_stats_drop_a_sites_template_lines() {
        let cfg = CleanConfig {
            corpus_stats: true,
            explain: true,
            ..CleanConfig::default()
        };
        let clean = Clean::new(cfg).expect("valid");
        let template = "Ridge Valley Weekly: your town, your news, every single day of the year";
        let topics = [
            "harbour", "library", "bridge", "school", "market", "railway", "park", "museum",
        ];
        let page = |i: usize| {
            let t = topics[i];
            let mut d = Document::new(
                format!("p{i}"),
                format!(
                    "Council meets on the {t} plan\n\n{template}\n\nThe council met on Tuesday to discuss the {t} plan, which residents have debated for years without reaching any agreement on its cost or its timing.\n\nThe mayor said the vote on the {t} would be held again next week after complaints from people who had not been able to attend the meeting in person.\n\nOfficials told the meeting that work on the {t} could start in the spring if the regional fund approves the money by the end of the year.\n"
                ),
            );
            d.url = Some(format!("https://ridge.example/news/{t}"));
            d
        };
        assert!(clean.wants_prepass());
        for i in 0..5 {
            clean.observe(&page(i));
        }
        match clean.process(page(7)) {
            Verdict::Keep(d) => {
                assert!(!d.text.contains("your town, your news"), "{}", d.text);
                assert!(
                    d.text.contains("vote on the museum would be held"),
                    "{}",
                    d.text
                );
                let explained = d.meta["explain"].to_string();
                assert!(explained.contains("your town"), "{explained}");
            }
            other => panic!("{other:?}"),
        }
    }

    /// Bug: a dateline span (class `dateline`, a furniture word) dropped its whole paragraph.
    #[test]
    fn inline_furniture_span_keeps_its_paragraph() {
        let clean = Clean::new(CleanConfig::default()).expect("valid");
        let mut doc = Document::new("d", "");
        doc.html = Some(
            "<html><body><article><h1>Library reopens</h1>\
             <p><span class=\"article__dateline\">NORTHFIELD:</span> The central library reopened \
             on Saturday after an eighteen-month refurbishment, with a seed bank and a repair cafe.</p>\
             <p>More than a thousand people passed through the doors on the first day, according \
             to the council, and a queue formed well before the ribbon was cut.</p>\
             <p>The building had been closed since early last year after surveyors found water \
             damage in the roof timbers of the old corn exchange.</p></article></body></html>"
                .into(),
        );
        match clean.process(doc) {
            Verdict::Keep(d) => assert!(d.text.contains("reopened on Saturday"), "{}", d.text),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn deep_page_is_cleaned_quickly() {
        // A hostile 50,000-deep page is cleaned in reasonable time (the first pass unwraps what
        // nests too deep) instead of taking minutes in tree construction.
        let clean = Clean::new(CleanConfig::default()).expect("valid");
        let mut doc = Document::new("deep", "");
        let sentence = "A sentence deep inside the page that is long enough to be kept as text.";
        doc.html = Some(format!(
            "<html><body>{}<p>{sentence}</p>{}</body></html>",
            "<div>".repeat(50_000),
            "</div>".repeat(50_000)
        ));
        let started = std::time::Instant::now();
        let verdict = clean.process(doc);
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        match verdict {
            Verdict::Keep(d) => assert!(d.text.contains("deep inside the page"), "{}", d.text),
            other => panic!("{other:?}"),
        }
    }
}
