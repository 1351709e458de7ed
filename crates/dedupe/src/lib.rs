//! The dedupe stage: drops documents whose normalised text was seen before, keeping the first
//! copy, and records on each dropped document which id it duplicates.
//!
//! ```
//! use pith_dedupe::{Dedupe, DedupeConfig};
//! use pith_core::{Document, Stage, Verdict};
//! let dedupe = Dedupe::new(DedupeConfig::default()).unwrap();
//! let docs = vec![Document::new("a", "Hello,   World"), Document::new("b", "hello, world")];
//! let out = dedupe.process_batch(docs);
//! assert!(matches!(&out[0], Verdict::Keep(_)));
//! assert!(matches!(&out[1], Verdict::Drop(d, r) if r.reason == "exact_duplicate"
//!     && d.dedupe.as_ref().unwrap()["dup_of"] == "a"));
//! ```

pub mod normalize;

use std::collections::HashMap;
use std::sync::Mutex;

use pith_core::{Document, DropReason, Error, Stage, Verdict};
use rayon::prelude::*;
use serde::Deserialize;
use serde_json::json;

/// The `[[stage]] kind = "dedupe"` section of `pipeline.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DedupeConfig {
    /// Keep every document and only annotate it (for audits).
    pub annotate: bool,
    pub normalize: normalize::NormalizeConfig,
}

impl Default for DedupeConfig {
    fn default() -> Self {
        DedupeConfig {
            annotate: false,
            normalize: normalize::NormalizeConfig::default(),
        }
    }
}

/// The dedupe stage. Hashes are computed in parallel; decisions are made in input order on one
/// thread, so "the first copy wins" does not depend on scheduling.
pub struct Dedupe {
    cfg: DedupeConfig,
    seen: Mutex<HashMap<u128, String>>,
}

impl Dedupe {
    pub fn new(cfg: DedupeConfig) -> Result<Self, Error> {
        Ok(Dedupe {
            cfg,
            seen: Mutex::new(HashMap::new()),
        })
    }

    fn decide(&self, seen: &mut HashMap<u128, String>, mut doc: Document, hash: u128) -> Verdict {
        match seen.get(&hash) {
            Some(first) => {
                doc.dedupe = Some(json!({
                    "kept": self.cfg.annotate,
                    "reason": "exact_duplicate",
                    "dup_of": first,
                    "cluster": first,
                    "similarity": 1.0,
                }));
                if self.cfg.annotate {
                    Verdict::Keep(doc)
                } else {
                    let detail = format!("same normalised text as {first}");
                    Verdict::Drop(
                        doc,
                        DropReason::new("dedupe", "exact_duplicate").with_detail(detail),
                    )
                }
            }
            None => {
                seen.insert(hash, doc.id.clone());
                doc.dedupe = Some(json!({
                    "kept": true,
                    "reason": "first_seen",
                    "cluster": doc.id,
                }));
                Verdict::Keep(doc)
            }
        }
    }
}

impl Stage for Dedupe {
    fn name(&self) -> &'static str {
        "dedupe"
    }

    fn process(&self, doc: Document) -> Verdict {
        let hash = normalize::hash128(&normalize::normalize(&doc.text, &self.cfg.normalize));
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        self.decide(&mut seen, doc, hash)
    }

    fn process_batch(&self, docs: Vec<Document>) -> Vec<Verdict> {
        let hashes: Vec<u128> = docs
            .par_iter()
            .map(|d| normalize::hash128(&normalize::normalize(&d.text, &self.cfg.normalize)))
            .collect();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        docs.into_iter()
            .zip(hashes)
            .map(|(d, h)| self.decide(&mut seen, d, h))
            .collect()
    }
}
