use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{Document, Error};

/// Why a stage dropped a document. `reason` is a short stable code (`too_short`,
/// `exact_duplicate`) that reports count by; `detail` is free text for humans.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DropReason {
    pub stage: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl DropReason {
    pub fn new(stage: &str, reason: &str) -> Self {
        DropReason {
            stage: stage.to_string(),
            reason: reason.to_string(),
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

/// A piece of input that could not be made into a document, or a document a stage could not
/// process (a time budget exceeded, say). Kept in the rejects file with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reject {
    /// The input file (or `-` for stdin).
    pub file: String,
    /// Where in the file: `line 12`, `record 3 (offset 4096)`; absent for whole-file rejects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<String>,
    /// The document id, when one was known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Short stable code, counted in the report (`invalid_json`, `truncated_gzip`).
    pub reason: String,
    /// Human-readable explanation.
    pub detail: String,
    /// The start of the offending bytes, lossily decoded, for inspection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub excerpt: Option<String>,
}

impl Reject {
    pub fn new(file: impl Into<String>, reason: &str, detail: impl Into<String>) -> Self {
        Reject {
            file: file.into(),
            record: None,
            id: None,
            reason: reason.to_string(),
            detail: detail.into(),
            excerpt: None,
        }
    }

    pub fn at(mut self, record: impl Into<String>) -> Self {
        self.record = Some(record.into());
        self
    }

    /// Keeps at most 200 bytes of `bytes` (cut on a character boundary) as the excerpt.
    pub fn with_excerpt(mut self, bytes: &[u8]) -> Self {
        let head = &bytes[..bytes.len().min(200)];
        let text = String::from_utf8_lossy(head);
        self.excerpt = Some(text.trim_end_matches('\u{FFFD}').to_string());
        self
    }

    /// One line for the log: `file line 3: invalid_json: expected value`.
    pub fn log_line(&self) -> String {
        match &self.record {
            Some(r) => format!("{} {}: {}: {}", self.file, r, self.reason, self.detail),
            None => format!("{}: {}: {}", self.file, self.reason, self.detail),
        }
    }
}

/// What a stage decided for one document.
#[derive(Debug)]
pub enum Verdict {
    /// Pass the (possibly changed) document on.
    Keep(Document),
    /// Remove the document from the corpus, with the reason; it goes to the dropped file.
    Drop(Document, DropReason),
    /// The document could not be processed; it goes to the rejects file.
    Reject(Box<Reject>),
}

/// One step of the pipeline.
///
/// Stages take `&self` so rayon workers can share one instance; a stateful stage keeps its state
/// behind locks or atomics, or overrides [`Stage::process_batch`] to do its ordered part on one
/// thread (as dedupe does, so that "the first copy wins" is deterministic).
pub trait Stage: Send + Sync {
    /// The stage's name as written in `pipeline.toml` and in reports.
    fn name(&self) -> &'static str;

    /// Processes one document.
    fn process(&self, doc: Document) -> Verdict;

    /// Processes a batch, in input order. The default runs [`Stage::process`] in parallel and
    /// keeps the order of the results.
    fn process_batch(&self, docs: Vec<Document>) -> Vec<Verdict> {
        docs.into_par_iter().map(|d| self.process(d)).collect()
    }

    /// Whether the stage wants to see every input document once before processing starts
    /// (corpus statistics such as lines repeated across a site's pages). The runner then reads
    /// the inputs twice and calls [`Stage::observe`] for each document of the first pass.
    fn wants_prepass(&self) -> bool {
        false
    }

    /// Sees one raw input document during the pre-pass.
    fn observe(&self, _doc: &Document) {}

    /// Runs once after the last batch (to save state, for example).
    fn finish(&self) -> Result<(), Error> {
        Ok(())
    }

    /// Whether this stage's output depends on where batches start and end. The runner then
    /// cuts batches by count alone; otherwise it may hand over a smaller batch when the reader
    /// falls behind, so reading and processing overlap.
    fn fixed_batches(&self) -> bool {
        false
    }

    /// Saves what a later run needs to go on from here, mid-run: an incremental run calls it at
    /// each commit point (after the documents so far are written), possibly many times. The
    /// default calls [`Stage::finish`], which is right for a stage whose `finish` only saves
    /// state (as dedupe's does); a stage whose `finish` does more overrides this.
    fn checkpoint(&self) -> Result<(), Error> {
        self.finish()
    }
}
