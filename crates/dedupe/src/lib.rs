//! The dedupe stage: finds exact copies, near-duplicates (lightly edited, re-published under
//! another site's template) and partial copies (teasers), keeps one copy per cluster, and says
//! on every document which copy was kept and why. Paragraphs repeated across many pages (site
//! templates) are found on the way and ignored when comparing documents, and optionally removed
//! from the output. The index can be saved to a file and loaded by the next run, so scheduled
//! runs dedupe against everything earlier runs saw.
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
//!
//! # How a document is decided
//! Documents are analysed in parallel ([`features`]: lines, normalised, hashed, shingled) and then
//! decided one by one in input order, so "the first copy wins" does not depend on scheduling:
//! 1. Paragraphs (lines) seen in at least `boilerplate_min_count` earlier clusters are
//!    boilerplate; the rest is the body. A paragraph is counted once per duplicate cluster, so
//!    a story re-published ten times does not become boilerplate ([`boilerplate`]). Counts come
//!    only from documents before this one (no look-ahead), so decisions do not depend on batch
//!    or run boundaries: N runs over consecutive slices with one state file decide exactly as
//!    one run (a test shows it). A two-pass design would see every template from the start, but
//!    it must hold or re-read the whole input and cannot continue across scheduled runs; the
//!    price of one pass is that a site's first pages are compared with their template still in,
//!    which step 5 handles.
//! 2. Exact: XXH3-128 of the normalised body, or of the whole normalised text. Bodies under
//!    `min_body_words` match only on the whole text.
//! 3. Near: a MinHash signature of the body's word shingles ([`sketch`]), candidates from banded
//!    LSH, verified by the estimated Jaccard similarity (`jaccard_threshold`). Below 0.45 a
//!    candidate is refused when 30% or more of the body is text the other lacks, not even
//!    edited (two stories that share part of their text, not copies of one).
//! 4. Partial (`teasers`): candidates share a body paragraph or a shingle sample; confirmed when
//!    `containment_threshold` of one body is in the other, by whole paragraphs, by the other's
//!    Bloom filter of shingles ([`bloom`]) or by samples. Pages that are mostly boilerplate are
//!    never partial copies.
//! 5. A candidate is refused when the two pages share only a wrapper: lines both have verbatim
//!    around text of each that the other lacks and that is no edit of the other's (two pages of
//!    one template not yet known as boilerplate). One-sided differences (a paragraph dropped or
//!    inserted) and edited lines (found in the other's Bloom filter) do not refuse it.
//! 6. The first copy seen is kept (`keep = "longest"` keeps the longest copy of a cluster that
//!    starts within a batch). Every document gets `dedupe = {kept, reason, dup_of, cluster,
//!    similarity}`; `reason` is `first_seen`, `exact_duplicate`, `near_duplicate`,
//!    `partial_copy`, or with `keep = "longest"` `longest_copy` / `shorter_copy`.
//!
//! # Configuration
//! ```toml
//! [[stage]]
//! kind = "dedupe"
//! annotate = false            # keep every document, only annotate
//! keep = "first"              # or "longest" (within a batch)
//! state_path = "dedupe.bin"   # index loaded by new(), saved by finish() (tmp + rename)
//! shingle_size = 3            # words per shingle
//! num_bins = 128              # MinHash bins; LSH: bands x rows <= num_bins
//! bands = 42
//! rows = 3
//! jaccard_threshold = 0.35
//! teasers = true              # partial copies
//! containment_threshold = 0.7
//! min_partial_words = 20
//! min_body_words = 10
//! containment_sampling = 8    # 1 shingle in 8 kept as a sample
//! boilerplate = true
//! boilerplate_min_count = 2   # clusters a line must be seen in to be boilerplate
//! boilerplate_per_site = false
//! strip_boilerplate = false   # also remove boilerplate lines from the output
//! index_duplicates = true
//! max_docs = 500000           # memory bounds
//! max_paragraphs_per_doc = 64
//! max_samples_per_doc = 128
//! max_bloom_bits = 16384
//! max_paragraph_counts = 2000000
//! # max_memory_mb = 4096      # refuse to start if the bound is above this
//! [stage.normalize]
//! punctuation = true
//! digits = true
//! ```
//! The defaults were chosen by measurement (`cargo bench -p pith-dedupe --bench dedupe`, which
//! also reports the figures over shuffled orders of the development set).
//!
//! Memory is bounded by configuration ([`DedupeConfig::memory_bound`]): at most `max_docs`
//! documents are remembered (the oldest are forgotten first), each with capped paragraph,
//! sample and Bloom sizes, and at most `max_paragraph_counts` paragraph counts.

pub mod bloom;
pub mod boilerplate;
pub mod features;
pub mod index;
pub mod normalize;
pub mod signature;
pub mod sketch;

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::PathBuf;
use std::sync::Mutex;

use pith_core::{Document, DropReason, Error, ErrorKind, Stage, Verdict};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::features::{fmix64, Features};
use crate::index::{Entry, Index, Shape};
use crate::normalize::NormalizeConfig;
use crate::signature::Signature;
use crate::sketch::Sketcher;

/// Which copy of a cluster is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Keep {
    /// The first copy seen: stable across scheduled runs (the default).
    First,
    /// The copy with the longest body among those of one batch. A cluster that started in an
    /// earlier batch or run keeps its first copy, which was already written out.
    Longest,
}

/// The `[[stage]] kind = "dedupe"` section of `pipeline.toml`. Defaults were chosen by
/// measurement (see `benches/dedupe.rs`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DedupeConfig {
    /// Keep every document and only annotate it (for audits): `dedupe.kept` still says what
    /// would have been dropped.
    pub annotate: bool,
    pub normalize: NormalizeConfig,
    /// Index file: loaded by `new` when it exists, written (tmp + rename) by `finish`.
    pub state_path: Option<PathBuf>,
    /// Which copy of a cluster is kept: `first` or `longest` (within a batch).
    pub keep: Keep,
    /// Words per shingle.
    pub shingle_size: usize,
    /// MinHash bins (a power of two).
    pub num_bins: usize,
    /// LSH bands and rows per band (`bands * rows <= num_bins`).
    pub bands: usize,
    pub rows: usize,
    /// Estimated Jaccard similarity of bodies at or above which two documents are duplicates.
    pub jaccard_threshold: f64,
    /// Find partial copies (teasers, excerpts) of an earlier document, or earlier ones of this.
    pub teasers: bool,
    /// Share of the shorter body's words (in whole paragraphs) found in the other document.
    pub containment_threshold: f64,
    /// One shingle in this many is kept per document (by hash, so the same ones in every
    /// document) to find and measure partial copies whose paragraphs were edited.
    pub containment_sampling: u32,
    /// Shingle samples remembered per document (the smallest hashes); bounds memory.
    pub max_samples_per_doc: usize,
    /// Largest Bloom filter of a document's shingles, in bits (a power of two; about 8 bits
    /// per shingle are used); bounds memory.
    pub max_bloom_bits: usize,
    /// Bodies shorter than this (in words) are never called partial copies.
    pub min_partial_words: u32,
    /// Bodies shorter than this (in words) match only when the whole text is the same: a
    /// line or two inside a template is too little to call two pages copies.
    pub min_body_words: u32,
    /// Ignore paragraphs repeated across clusters (boilerplate) when comparing documents.
    pub boilerplate: bool,
    /// Earlier clusters a paragraph must have been seen in to count as boilerplate.
    pub boilerplate_min_count: u32,
    /// Count paragraphs per site (host of `url`) instead of across all sites.
    pub boilerplate_per_site: bool,
    /// Also remove boilerplate lines from the output text.
    pub strip_boilerplate: bool,
    /// Index near-duplicates and partial copies too (not only kept copies), so later copies
    /// can match any earlier member of their cluster.
    pub index_duplicates: bool,
    /// Documents remembered; the oldest are forgotten beyond this. Bounds memory.
    pub max_docs: usize,
    /// Paragraph hashes remembered per document (for partial copies).
    pub max_paragraphs_per_doc: usize,
    /// Distinct paragraphs counted for boilerplate detection; bounds memory.
    pub max_paragraph_counts: usize,
    /// Refuse to start when the configured index could grow past this many MiB.
    pub max_memory_mb: Option<usize>,
}

impl Default for DedupeConfig {
    fn default() -> Self {
        DedupeConfig {
            annotate: false,
            normalize: NormalizeConfig::default(),
            state_path: None,
            keep: Keep::First,
            shingle_size: 3,
            num_bins: 128,
            bands: 42,
            rows: 3,
            jaccard_threshold: 0.35,
            teasers: true,
            containment_threshold: 0.7,
            containment_sampling: 8,
            max_samples_per_doc: 128,
            max_bloom_bits: 1 << 14,
            min_partial_words: 20,
            min_body_words: 10,
            boilerplate: true,
            boilerplate_min_count: 2,
            boilerplate_per_site: false,
            strip_boilerplate: false,
            index_duplicates: true,
            max_docs: 500_000,
            max_paragraphs_per_doc: 64,
            max_paragraph_counts: 2_000_000,
            max_memory_mb: None,
        }
    }
}

impl DedupeConfig {
    fn validate(&self) -> Result<(), Error> {
        let bad = |m: String| Err(Error::config(format!("dedupe: {m}")));
        if !self.num_bins.is_power_of_two() || !(8..=4096).contains(&self.num_bins) {
            return bad(format!(
                "num_bins = {} must be a power of two in 8..=4096",
                self.num_bins
            ));
        }
        if self.bands == 0 || self.rows == 0 || self.bands * self.rows > self.num_bins {
            return bad(format!(
                "bands * rows ({} * {}) must be between 1 and num_bins ({})",
                self.bands, self.rows, self.num_bins
            ));
        }
        if !(1..=16).contains(&self.shingle_size) {
            return bad(format!(
                "shingle_size = {} must be 1..=16",
                self.shingle_size
            ));
        }
        for (name, v) in [
            ("jaccard_threshold", self.jaccard_threshold),
            ("containment_threshold", self.containment_threshold),
        ] {
            if !(v > 0.0 && v <= 1.0) {
                return bad(format!("{name} = {v} must be in (0, 1]"));
            }
        }
        if self.max_docs == 0 || self.max_docs > u32::MAX as usize {
            return bad(format!("max_docs = {} must be 1..=2^32-1", self.max_docs));
        }
        if self.containment_sampling == 0 || !self.containment_sampling.is_power_of_two() {
            return bad(format!(
                "containment_sampling = {} must be a power of two",
                self.containment_sampling
            ));
        }
        if !self.max_bloom_bits.is_power_of_two() || self.max_bloom_bits < 64 {
            return bad(format!(
                "max_bloom_bits = {} must be a power of two, at least 64",
                self.max_bloom_bits
            ));
        }
        if self.boilerplate_min_count == 0 {
            return bad("boilerplate_min_count must be at least 1".into());
        }
        if let Some(mb) = self.max_memory_mb {
            let need = self.memory_bound() >> 20;
            if need > mb {
                return bad(format!(
                    "the index can grow to {need} MiB, above max_memory_mb = {mb}; \
                     lower max_docs or max_paragraph_counts"
                ));
            }
        }
        Ok(())
    }

    /// Upper bound of the memory the index can use, in bytes, from the configuration alone.
    pub fn memory_bound(&self) -> usize {
        Index::memory_bound(
            self.shape(),
            self.num_bins,
            self.max_paragraphs_per_doc,
            self.max_samples_per_doc,
            self.max_bloom_bits,
            self.max_paragraph_counts,
        )
    }

    fn shape(&self) -> Shape {
        Shape {
            max_docs: self.max_docs,
            bands: self.bands,
            rows: self.rows,
        }
    }

    /// Hash of every setting that changes what is stored in the index.
    fn fingerprint(&self) -> u64 {
        let s = format!(
            "v{} h2 m{} p{} d{} s{} b{} {}x{} site{}",
            normalize::NORMALIZE_VERSION,
            self.containment_sampling,
            self.normalize.punctuation,
            self.normalize.digits,
            self.shingle_size,
            self.num_bins,
            self.bands,
            self.rows,
            self.boilerplate_per_site
        );
        xxhash_rust::xxh3::xxh3_64(s.as_bytes())
    }
}

/// The dedupe stage. Features are computed in parallel; decisions are made in input order on
/// one thread, so "the first copy wins" does not depend on scheduling.
pub struct Dedupe {
    cfg: DedupeConfig,
    sketcher: Sketcher,
    index: Mutex<Index>,
}

/// How a document relates to what was seen before it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    First,
    Exact,
    Near,
    Partial,
}

/// The ordered decision on one document, before it is applied to the document
/// ([`Dedupe::apply`]). Serialisable, so the reduce pass of a sharded run can hand it back to
/// the task that holds the document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    kind: Kind,
    /// Id of the remembered document it matched, and that document's cluster.
    matched: Option<(String, String)>,
    similarity: f64,
    body_words: u32,
    /// Byte ranges of boilerplate lines in the text (for `strip_boilerplate`).
    boiler_lines: Vec<std::ops::Range<usize>>,
}

impl Decision {
    /// `None` when the document is the first of its cluster (kept), else why it is a
    /// duplicate: `exact_duplicate`, `near_duplicate` or `partial_copy`.
    pub fn duplicate_reason(&self) -> Option<&'static str> {
        match (&self.kind, &self.matched) {
            (Kind::First, _) | (_, None) => None,
            (Kind::Exact, Some(_)) => Some("exact_duplicate"),
            (Kind::Near, Some(_)) => Some("near_duplicate"),
            (Kind::Partial, Some(_)) => Some("partial_copy"),
        }
    }
}

impl Dedupe {
    pub fn new(cfg: DedupeConfig) -> Result<Self, Error> {
        cfg.validate()?;
        let index = match &cfg.state_path {
            Some(path) if path.exists() => {
                let file = File::open(path).map_err(|e| {
                    Error::io(format!("dedupe: cannot open state {}", path.display()), e)
                })?;
                Index::load(
                    &mut BufReader::new(file),
                    cfg.shape(),
                    cfg.max_paragraph_counts,
                    cfg.fingerprint(),
                )
                .map_err(|m| {
                    Error::new(
                        ErrorKind::State,
                        format!("dedupe: state {}: {m}", path.display()),
                    )
                })?
            }
            _ => Index::new(cfg.shape(), cfg.max_paragraph_counts),
        };
        Ok(Dedupe {
            sketcher: Sketcher::new(cfg.num_bins),
            cfg,
            index: Mutex::new(index),
        })
    }

    /// The configuration this stage runs with.
    pub fn config(&self) -> &DedupeConfig {
        &self.cfg
    }

    /// Documents remembered in the index now.
    pub fn indexed_docs(&self) -> usize {
        self.lock().len()
    }

    /// Approximate heap bytes the index uses now.
    pub fn index_bytes(&self) -> usize {
        self.lock().heap_bytes()
    }

    /// This document's signature, for a sharded run's reduce pass. Pure: call it in parallel.
    pub fn signature(&self, doc: &Document) -> Signature {
        let mut features = self.analyze(doc);
        features.norm = String::new();
        Signature {
            id: doc.id.clone(),
            site: self.site_key(doc),
            features,
        }
    }

    /// Decides one document from its signature and updates the index, exactly as
    /// [`Stage::process_batch`] decides it from the document. Call it in input order.
    pub fn decide_signature(&self, sig: &Signature) -> Decision {
        let mut idx = self.lock();
        self.decide(&mut idx, &sig.id, sig.site, &sig.features)
    }

    /// Applies a decision made by [`Dedupe::decide_signature`] to its document: the verdict
    /// and the `dedupe` annotation the stage would have given it.
    pub fn apply(&self, doc: Document, decision: Decision) -> Verdict {
        self.verdict(doc, decision, None)
    }

    /// Fingerprint of the settings signatures depend on, for signature file headers.
    pub fn signature_fingerprint(&self) -> u64 {
        self.cfg.fingerprint()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Index> {
        self.index.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn analyze(&self, doc: &Document) -> Features {
        features::analyze(&doc.text, &self.cfg.normalize, self.cfg.shingle_size)
    }

    fn site_key(&self, doc: &Document) -> u64 {
        if !self.cfg.boilerplate_per_site {
            return 0;
        }
        doc.url
            .as_deref()
            .and_then(host)
            .map_or(0, |h| xxhash_rust::xxh3::xxh3_64(h.as_bytes()) | 1)
    }

    /// Decides one document against the index and updates it. Must run in input order.
    fn decide(&self, idx: &mut Index, id: &str, site: u64, f: &Features) -> Decision {
        let cfg = &self.cfg;
        idx.docs_seen += 1;
        let is_boiler = |idx: &Index, p: u64, site: u64| {
            cfg.boilerplate && idx.counter.count(counter_key(p, site)) >= cfg.boilerplate_min_count
        };
        let body: Vec<usize> = (0..f.paras.len())
            .filter(|&i| !is_boiler(idx, f.paras[i].hash, site))
            .collect();
        let body_words: u32 = body.iter().map(|&i| f.paras[i].words).sum();
        let boiler_lines = if cfg.strip_boilerplate {
            (0..f.paras.len())
                .filter(|i| body.binary_search(i).is_err())
                .map(|i| f.paras[i].line.clone())
                .collect()
        } else {
            Vec::new()
        };
        let short = body_words < cfg.min_body_words;
        let body_hash = if body.is_empty() || short {
            0
        } else if body.len() == f.paras.len() {
            f.full_hash
        } else {
            features::hash_paras(body.iter().map(|&i| f.paras[i].hash))
        };
        let full_hash = if f.paras.is_empty() { 0 } else { f.full_hash };

        let mut sig = Vec::new();
        let mut keys = Vec::new();
        let has_sig = !short
            && self.sketcher.sketch(
                body.iter()
                    .flat_map(|&i| f.shingles[f.paras[i].shingles.clone()].iter().copied()),
                &mut sig,
            );
        if has_sig {
            sketch::band_keys(&sig, cfg.bands, cfg.rows, &mut keys);
        }

        let mut samples: Vec<u32> = if short {
            Vec::new()
        } else {
            let mask = u64::from(cfg.containment_sampling) - 1;
            body.iter()
                .flat_map(|&i| f.shingles[f.paras[i].shingles.clone()].iter().copied())
                .filter(|h| h & mask == 0)
                .map(|h| (h >> 32) as u32)
                .collect()
        };
        samples.sort_unstable();
        samples.dedup();
        samples.truncate(cfg.max_samples_per_doc);
        let body_shingles: Vec<u64> = if short {
            Vec::new()
        } else {
            body.iter()
                .flat_map(|&i| f.shingles[f.paras[i].shingles.clone()].iter().copied())
                .collect()
        };

        let mut found: Option<(u32, Kind, f64)> = None;
        let mut cands: Vec<u32> = Vec::new();
        if let Some(s) = idx.exact(body_hash).or_else(|| idx.exact(full_hash)) {
            found = Some((s, Kind::Exact, 1.0));
        }
        if found.is_none() && has_sig {
            for &k in &keys {
                if let Some(s) = idx.band(k) {
                    if !cands.contains(&s) {
                        cands.push(s);
                    }
                }
            }
            // The most similar candidate that is not merely the same template around another
            // text (two pages that share only their template, not yet known as boilerplate,
            // are different pages however similar their texts).
            let mut scored: Vec<(u32, f64)> = cands
                .iter()
                .filter_map(|&s| idx.entry(s).map(|e| (s, sketch::jaccard(&sig, &e.sig))))
                .filter(|&(_, j)| j >= cfg.jaccard_threshold)
                .collect();
            scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            found = scored
                .into_iter()
                .find(|&(s, j)| {
                    idx.entry(s).is_some_and(|e| {
                        !self.shared_wrapper_only(idx, f, &body, e)
                            && (j >= WEAK_SIMILARITY || !self.half_different(f, &body, e))
                    })
                })
                .map(|(s, j)| (s, Kind::Near, j));
        }
        if found.is_none() && cfg.teasers && !short && !body.is_empty() {
            found = self
                .partial(idx, f, &body, &samples, &body_shingles, &cands)
                .map(|(s, c)| (s, Kind::Partial, c));
        }

        // Count this document's paragraphs once per cluster.
        let matched = found
            .and_then(|(s, _, _)| idx.entry(s))
            .map(|e| (e.id.to_string(), e.cluster.to_string()));
        if cfg.boilerplate {
            let cluster = matched.as_ref().map_or(id, |m| m.1.as_str());
            let tag = xxhash_rust::xxh3::xxh3_64(cluster.as_bytes());
            for p in &f.paras {
                idx.counter.add(counter_key(p.hash, site), tag);
            }
        }

        let (kind, similarity) = match found {
            None => (Kind::First, 0.0),
            Some((_, k, s)) => (k, s),
        };
        let remember = match kind {
            Kind::First => true,
            Kind::Exact => false,
            Kind::Near | Kind::Partial => cfg.index_duplicates,
        };
        if remember {
            let n = f.paras.len().min(cfg.max_paragraphs_per_doc);
            let cluster: Box<str> = match &matched {
                Some((_, c)) => c.as_str().into(),
                None => id.into(),
            };
            let entry = Entry {
                id: id.into(),
                cluster,
                sig: sig.into(),
                paras: f.paras[..n].iter().map(|p| p.hash).collect(),
                para_words: f.paras[..n]
                    .iter()
                    .map(|p| u16::try_from(p.words).unwrap_or(u16::MAX))
                    .collect(),
                samples: samples.into(),
                bloom: bloom::build(&body_shingles, cfg.max_bloom_bits),
                site,
                exact: [
                    full_hash,
                    if body_hash == full_hash { 0 } else { body_hash },
                ],
            };
            idx.insert(entry, &keys);
        }
        Decision {
            kind,
            matched,
            similarity,
            body_words,
            boiler_lines,
        }
    }

    /// Whether `f` and `e` share only a wrapper: lines both have verbatim, around content of
    /// each that the other lacks, where `f`'s is not an edit of anything in `e` (by `e`'s
    /// shingle filter). That is two pages of one site template (not yet known as boilerplate)
    /// with different texts, however similar the whole pages are; a copy with a paragraph
    /// dropped or inserted has distinct content on one side only, and an edited copy has the
    /// edited lines in the other.
    fn shared_wrapper_only(&self, idx: &Index, f: &Features, body: &[usize], e: &Entry) -> bool {
        let cfg = &self.cfg;
        let shared: Vec<bool> = body
            .iter()
            .map(|&i| e.paras.contains(&f.paras[i].hash))
            .collect();
        let (Some(first), Some(last)) = (
            shared.iter().position(|&x| x),
            shared.iter().rposition(|&x| x),
        ) else {
            return false;
        };
        // Lines of `f` that `e` lacks, between its first and last shared line.
        let inner: Vec<usize> = (first..=last)
            .filter(|&k| !shared[k])
            .map(|k| body[k])
            .collect();
        if inner.is_empty() {
            return false;
        }
        // The same on `e`'s side, boilerplate as known now left out.
        let mine: Vec<u64> = body.iter().map(|&i| f.paras[i].hash).collect();
        let in_mine: Vec<bool> = e.paras.iter().map(|p| mine.contains(p)).collect();
        let (Some(efirst), Some(elast)) = (
            in_mine.iter().position(|&x| x),
            in_mine.iter().rposition(|&x| x),
        ) else {
            return false;
        };
        let e_inner_words: u32 = (efirst..=elast)
            .filter(|&k| !in_mine[k])
            .filter(|&k| {
                !(cfg.boilerplate
                    && idx.counter.count(counter_key(e.paras[k], e.site))
                        >= cfg.boilerplate_min_count)
            })
            .map(|k| u32::from(e.para_words[k]))
            .sum();
        if e_inner_words == 0 {
            return false;
        }
        let (mut n, mut found) = (0usize, 0usize);
        for &i in &inner {
            for &h in &f.shingles[f.paras[i].shingles.clone()] {
                n += 1;
                found += usize::from(bloom::contains(&e.bloom, h));
            }
        }
        n > 0 && (found as f64) < EXPLAINED_SHARE * n as f64
    }

    /// Whether a large part of this body (lines `e` lacks verbatim, `DIFFERENT_SHARE` of the
    /// words or more) is not in `e` even edited: two stories that share a part of their text
    /// (a wire report both built on, say), not copies of one story.
    fn half_different(&self, f: &Features, body: &[usize], e: &Entry) -> bool {
        let body_words: u32 = body.iter().map(|&i| f.paras[i].words).sum();
        let other: Vec<usize> = body
            .iter()
            .copied()
            .filter(|&i| !e.paras.contains(&f.paras[i].hash))
            .collect();
        let other_words: u32 = other.iter().map(|&i| f.paras[i].words).sum();
        if f64::from(other_words) < DIFFERENT_SHARE * f64::from(body_words) {
            return false;
        }
        let (mut n, mut found) = (0usize, 0usize);
        for &i in &other {
            for &h in &f.shingles[f.paras[i].shingles.clone()] {
                n += 1;
                found += usize::from(bloom::contains(&e.bloom, h));
            }
        }
        n > 0 && (found as f64) < EXPLAINED_SHARE * n as f64
    }

    /// The best remembered document that this body is contained in, or that is contained in
    /// this body: by whole paragraphs weighted by words (boilerplate as known now excluded on
    /// both sides), or by the shingle samples (which survive light edits).
    fn partial(
        &self,
        idx: &Index,
        f: &Features,
        body: &[usize],
        samples: &[u32],
        shingles: &[u64],
        lsh: &[u32],
    ) -> Option<(u32, f64)> {
        const MAX_CANDIDATES: usize = 48;
        const MIN_SAMPLES: usize = 4;
        let cfg = &self.cfg;
        let mut mine: Vec<(u64, u32)> = body
            .iter()
            .map(|&i| (f.paras[i].hash, f.paras[i].words))
            .collect();
        mine.sort_unstable();
        mine.dedup_by_key(|p| p.0);
        let my_words: u32 = mine.iter().map(|p| p.1).sum();
        let my_total: u32 = f.paras.iter().map(|p| p.words).sum();
        let mut cands: Vec<u32> = lsh.to_vec();
        let hits = mine
            .iter()
            .filter_map(|&(h, _)| idx.para(h))
            // The smallest samples, the same subset in every document (see the index): enough
            // to find a page that has this one's text, edited or not, with fewer random reads.
            .chain(
                samples
                    .iter()
                    .take_while(|&&h| h <= index::SAMPLE_INDEX_CUT)
                    .filter_map(|&h| idx.sample(h)),
            );
        for s in hits {
            if cands.len() >= MAX_CANDIDATES {
                break;
            }
            if !cands.contains(&s) {
                cands.push(s);
            }
        }
        let mut best: Option<(u32, f64)> = None;
        for s in cands {
            let Some(e) = idx.entry(s) else { continue };
            let mut theirs: Vec<(u64, u32)> = e
                .paras
                .iter()
                .zip(e.para_words.iter())
                .filter(|(p, _)| {
                    !(cfg.boilerplate
                        && idx.counter.count(counter_key(**p, e.site)) >= cfg.boilerplate_min_count)
                })
                .map(|(p, w)| (*p, u32::from(*w)))
                .collect();
            theirs.sort_unstable();
            theirs.dedup_by_key(|p| p.0);
            let their_words: u32 = theirs.iter().map(|p| p.1).sum();
            let shared: u32 = mine
                .iter()
                .filter(|(h, _)| theirs.binary_search_by_key(h, |p| p.0).is_ok())
                .map(|p| p.1)
                .sum();
            // A page that is mostly boilerplate is not called a partial copy (its body may be
            // the one paragraph it shares with a longer page).
            let their_total: u32 = e.para_words.iter().map(|&w| u32::from(w)).sum();
            let mine_ok = my_words >= cfg.min_partial_words
                && my_words * 10 >= my_total * MIN_BODY_SHARE_TENTHS;
            let theirs_ok = their_words >= cfg.min_partial_words
                && their_words * 10 >= their_total * MIN_BODY_SHARE_TENTHS;
            let mut c = 0.0f64;
            if mine_ok {
                c = c.max(f64::from(shared) / f64::from(my_words));
            }
            if theirs_ok {
                c = c.max(f64::from(shared) / f64::from(their_words));
            }
            // This body in `e`, by `e`'s shingle filter; `e` in this body, by its samples.
            if mine_ok && !shingles.is_empty() && !e.bloom.is_empty() {
                // Stop as soon as the threshold is out of reach (most candidates).
                let need = (cfg.containment_threshold * shingles.len() as f64).ceil() as usize;
                let mut found = 0usize;
                for (k, &h) in shingles.iter().enumerate() {
                    found += usize::from(bloom::contains(&e.bloom, h));
                    if found + (shingles.len() - k - 1) < need {
                        break;
                    }
                }
                c = c.max(found as f64 / shingles.len() as f64);
            }
            if theirs_ok && e.samples.len() <= samples.len() {
                let (common, n) = sample_overlap(samples, &e.samples, cfg.max_samples_per_doc);
                if n >= MIN_SAMPLES {
                    c = c.max(common as f64 / n as f64);
                }
            }
            if c >= cfg.containment_threshold
                && best.is_none_or(|(_, b)| c > b)
                && !self.shared_wrapper_only(idx, f, body, e)
            {
                best = Some((s, c));
            }
        }
        best
    }

    fn verdict(
        &self,
        mut doc: Document,
        d: Decision,
        kept_override: Option<(bool, &str)>,
    ) -> Verdict {
        let annotate = self.cfg.annotate;
        if !d.boiler_lines.is_empty() {
            doc.text = strip_lines(&doc.text, &d.boiler_lines);
        }
        let (reason, dup_of, cluster) = match (&d.kind, &d.matched) {
            (Kind::First, _) | (_, None) => ("first_seen", None, doc.id.clone()),
            (Kind::Exact, Some((m, c))) => ("exact_duplicate", Some(m.clone()), c.clone()),
            (Kind::Near, Some((m, c))) => ("near_duplicate", Some(m.clone()), c.clone()),
            (Kind::Partial, Some((m, c))) => ("partial_copy", Some(m.clone()), c.clone()),
        };
        let mut kept = dup_of.is_none();
        let mut reason = reason.to_string();
        let mut dup_of = dup_of;
        if let Some((k, other)) = kept_override {
            kept = k;
            if k {
                reason = "longest_copy".into();
            } else {
                reason = "shorter_copy".into();
                dup_of = Some(other.to_string());
            }
        }
        let similarity = if dup_of.is_some() {
            json!((d.similarity * 1000.0).round() / 1000.0)
        } else {
            serde_json::Value::Null
        };
        doc.dedupe = Some(json!({
            "kept": kept,
            "reason": reason,
            "dup_of": dup_of,
            "cluster": cluster,
            "similarity": similarity,
        }));
        if kept || annotate {
            Verdict::Keep(doc)
        } else {
            let detail = match (&dup_of, reason.as_str()) {
                (Some(o), "exact_duplicate") => format!("same normalised body as {o}"),
                (Some(o), "near_duplicate") => {
                    format!("estimated Jaccard {:.3} with {o}", d.similarity)
                }
                (Some(o), "partial_copy") => {
                    format!("{:.0}% of the shorter body is in {o}", d.similarity * 100.0)
                }
                (Some(o), _) => format!("a longer copy, {o}, is kept"),
                (None, _) => String::new(),
            };
            Verdict::Drop(doc, DropReason::new("dedupe", &reason).with_detail(detail))
        }
    }

    /// Saves the index to `state_path` (write to `.tmp`, then rename).
    fn save(&self) -> Result<(), Error> {
        let Some(path) = &self.cfg.state_path else {
            return Ok(());
        };
        let mut tmp = path.clone().into_os_string();
        tmp.push(".tmp");
        let tmp = PathBuf::from(tmp);
        let idx = self.lock();
        let state_err = |e: std::io::Error| {
            Error::with_source(
                ErrorKind::State,
                format!("dedupe: cannot write state {}", tmp.display()),
                e,
            )
        };
        let file = File::create(&tmp).map_err(state_err)?;
        let mut w = BufWriter::new(file);
        idx.save(&mut w, self.cfg.fingerprint())
            .map_err(state_err)?;
        let file = w.into_inner().map_err(|e| state_err(e.into_error()))?;
        file.sync_all().map_err(state_err)?;
        drop(file);
        std::fs::rename(&tmp, path).map_err(|e| {
            Error::with_source(
                ErrorKind::State,
                format!("dedupe: cannot rename state into {}", path.display()),
                e,
            )
        })
    }
}

impl Stage for Dedupe {
    fn name(&self) -> &'static str {
        "dedupe"
    }

    fn process(&self, doc: Document) -> Verdict {
        let f = self.analyze(&doc);
        let d = {
            let mut idx = self.lock();
            self.decide(&mut idx, &doc.id, self.site_key(&doc), &f)
        };
        self.verdict(doc, d, None)
    }

    fn process_batch(&self, docs: Vec<Document>) -> Vec<Verdict> {
        let feats: Vec<Features> = docs.par_iter().map(|d| self.analyze(d)).collect();
        let decisions: Vec<Decision> = {
            let mut idx = self.lock();
            docs.iter()
                .zip(&feats)
                .map(|(d, f)| self.decide(&mut idx, &d.id, self.site_key(d), f))
                .collect()
        };
        drop(feats);
        let overrides = if self.cfg.keep == Keep::Longest {
            longest_overrides(&docs, &decisions)
        } else {
            vec![None; docs.len()]
        };
        docs.into_iter()
            .zip(decisions)
            .zip(overrides)
            .map(|((doc, d), o)| {
                self.verdict(
                    doc,
                    d,
                    o.as_ref().map(|(k, id): &(bool, String)| (*k, id.as_str())),
                )
            })
            .collect()
    }

    fn finish(&self) -> Result<(), Error> {
        self.save()
    }

    /// `keep = "longest"` picks the longest copy within a batch.
    fn fixed_batches(&self) -> bool {
        self.cfg.keep == Keep::Longest
    }
}

/// For `keep = "longest"`: in each cluster that started in this batch, the member with the
/// longest body (the first among equals) is kept and the others point to it.
fn longest_overrides(docs: &[Document], ds: &[Decision]) -> Vec<Option<(bool, String)>> {
    let mut out = vec![None; docs.len()];
    let mut members: std::collections::HashMap<&str, Vec<usize>> = Default::default();
    let mut starts: std::collections::HashMap<&str, usize> = Default::default();
    for (i, (doc, d)) in docs.iter().zip(ds).enumerate() {
        match (&d.kind, &d.matched) {
            (Kind::First, _) => {
                starts.insert(doc.id.as_str(), i);
                members.entry(doc.id.as_str()).or_default().push(i);
            }
            (_, Some((_, c))) => members.entry(c.as_str()).or_default().push(i),
            _ => {}
        }
    }
    for (c, ms) in members {
        if !starts.contains_key(c) || ms.len() < 2 {
            continue;
        }
        let best = ms
            .iter()
            .copied()
            .max_by_key(|&i| (ds[i].body_words, std::cmp::Reverse(i)))
            .expect("a cluster has members");
        let best_id = docs[best].id.clone();
        for &i in &ms {
            out[i] = Some((i == best, best_id.clone()));
        }
    }
    out
}

/// Share of the shingles of lines that differ between two pages which the other page must
/// have for them to count as edits of its lines (10% word edits leave about 70% of word
/// trigrams; a different text leaves a few percent, plus Bloom false positives).
const EXPLAINED_SHARE: f64 = 0.3;

/// Near-duplicates below this estimated Jaccard similarity are checked for a large part of
/// text that the other lacks altogether (see `half_different`).
const WEAK_SIMILARITY: f64 = 0.45;

/// Share of the body that lines missing from the other document (not even edited) must make
/// up, at least, for a weak near-duplicate to be refused.
const DIFFERENT_SHARE: f64 = 0.3;

/// Pages whose body is less than this many tenths of their words are not called partial
/// copies (nor are others called partial copies of them).
const MIN_BODY_SHARE_TENTHS: u32 = 2;

/// Shared samples of two sorted sample sets, and the size of the smaller, counted below the
/// cut-off of a set that was truncated at `max` (its smallest hashes), so both are the same
/// consistent sample (bottom-k on top of the 1-in-m sample).
fn sample_overlap(a: &[u32], b: &[u32], max: usize) -> (usize, usize) {
    let cut = |s: &[u32]| {
        if s.len() >= max {
            s.last().copied().unwrap_or(u32::MAX)
        } else {
            u32::MAX
        }
    };
    let cut = cut(a).min(cut(b));
    let a = &a[..a.partition_point(|&x| x <= cut)];
    let b = &b[..b.partition_point(|&x| x <= cut)];
    (sorted_intersection(a, b), a.len().min(b.len()))
}

/// Size of the intersection of two sorted, deduplicated slices.
fn sorted_intersection(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Key of a paragraph in the boilerplate counter.
fn counter_key(para: u64, site: u64) -> u64 {
    if site == 0 {
        para
    } else {
        fmix64(para ^ site.rotate_left(17))
    }
}

/// The host of a URL, lower-cased, without `www.`.
fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = rest.get(..end)?;
    let host = authority.rsplit('@').next()?.split(':').next()?;
    if host.is_empty() {
        return None;
    }
    let host = host.to_ascii_lowercase();
    Some(
        host.strip_prefix("www.")
            .map(str::to_string)
            .unwrap_or(host),
    )
}

/// `text` without the given line ranges (and without blank runs they leave behind).
fn strip_lines(text: &str, lines: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for r in lines {
        out.push_str(text.get(last..r.start).unwrap_or_default());
        last = (r.end + 1).min(text.len());
    }
    out.push_str(text.get(last..).unwrap_or_default());
    let mut cleaned = String::with_capacity(out.len());
    let mut blank_run = 0;
    for line in out.split('\n') {
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        cleaned.push_str(line);
        cleaned.push('\n');
    }
    while cleaned.ends_with('\n') {
        cleaned.pop();
    }
    cleaned.trim_start_matches('\n').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Documents with exact, near and partial copies and a shared template line.
    fn mixed_docs() -> Vec<Document> {
        const WORDS: [&str; 24] = [
            "harbour", "mill", "river", "council", "bridge", "winter", "market", "school",
            "orchard", "railway", "festival", "library", "storm", "harvest", "museum", "ferry",
            "garden", "tower", "village", "quarry", "meadow", "lantern", "forest", "island",
        ];
        let story = |k: usize| {
            let mut x = (k as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            (0..6)
                .map(|_| {
                    (0..14)
                        .map(|_| {
                            x ^= x << 13;
                            x ^= x >> 7;
                            x ^= x << 17;
                            WORDS[(x % 24) as usize]
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                        + "."
                })
                .collect::<Vec<_>>()
        };
        let mut docs = Vec::new();
        for k in 0..12 {
            let mut paras = story(k % 5);
            paras.push("Subscribe to our newsletter for more stories".into());
            if k % 3 == 1 {
                paras[2].push_str(" An edit.");
            }
            if k % 4 == 3 {
                paras.truncate(3);
            }
            let mut d = Document::new(format!("d{k}"), paras.join("\n\n"));
            d.url = Some(format!("https://site{}.example/{k}", k % 2));
            docs.push(d);
        }
        docs
    }

    #[test]
    fn decisions_from_signatures_equal_the_stage_run() {
        let cfg = DedupeConfig {
            strip_boilerplate: true,
            ..DedupeConfig::default()
        };
        let direct = Dedupe::new(cfg.clone()).unwrap();
        let expected: Vec<Verdict> = direct.process_batch(mixed_docs());

        let by_sig = Dedupe::new(cfg).unwrap();
        let mut file = Vec::new();
        signature::write_header(&mut file, by_sig.signature_fingerprint()).unwrap();
        for d in mixed_docs() {
            by_sig.signature(&d).write_to(&mut file).unwrap();
        }
        let mut r = &file[..];
        signature::read_header(&mut r, by_sig.signature_fingerprint()).unwrap();
        let mut got = Vec::new();
        for d in mixed_docs() {
            let sig = Signature::read_from(&mut r).unwrap().unwrap();
            let decision = by_sig.decide_signature(&sig);
            let json = serde_json::to_string(&decision).unwrap();
            let back: Decision = serde_json::from_str(&json).unwrap();
            got.push(by_sig.apply(d, back));
        }
        let show = |v: &Verdict| match v {
            Verdict::Keep(d) => format!("keep {} {:?} {}", d.id, d.dedupe, d.text),
            Verdict::Drop(d, r) => format!("drop {} {:?} {}", d.id, d.dedupe, r.reason),
            Verdict::Reject(r) => format!("reject {r:?}"),
        };
        let expected: Vec<String> = expected.iter().map(show).collect();
        let got: Vec<String> = got.iter().map(show).collect();
        assert_eq!(got, expected);
        assert!(expected.iter().any(|s| s.starts_with("drop")));
        assert!(expected.iter().filter(|s| s.starts_with("keep")).count() >= 5);
    }

    #[test]
    fn host_is_parsed_and_www_dropped() {
        assert_eq!(
            host("https://WWW.Example.com:8080/a?b").as_deref(),
            Some("example.com")
        );
        assert_eq!(
            host("http://user@news.site/x").as_deref(),
            Some("news.site")
        );
        assert_eq!(host("").as_deref(), None);
    }

    #[test]
    fn strip_lines_removes_lines_and_collapses_blank_runs() {
        let t = "Menu\n\nBody one.\n\nFooter\n\nBody two.";
        let s = strip_lines(t, &[0..4, 17..23]);
        assert_eq!(s, "Body one.\n\nBody two.");
    }

    #[test]
    fn config_rejects_bad_values_and_unknown_keys() {
        let bad = DedupeConfig {
            num_bins: 100,
            ..DedupeConfig::default()
        };
        assert!(Dedupe::new(bad).is_err());
        let bad = DedupeConfig {
            bands: 50,
            rows: 3,
            ..DedupeConfig::default()
        };
        assert!(Dedupe::new(bad).is_err());
        let tight = DedupeConfig {
            max_memory_mb: Some(1),
            ..DedupeConfig::default()
        };
        assert!(Dedupe::new(tight).is_err());
        let r: Result<DedupeConfig, _> = serde_json::from_str(r#"{"shingles": 3}"#);
        assert!(r.is_err());
        let c: DedupeConfig = serde_json::from_str(r#"{"keep": "longest"}"#).expect("valid");
        assert_eq!(c.keep, Keep::Longest);
    }
}
