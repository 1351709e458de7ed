//! The shared vocabulary of pith: the [`Document`] that flows between stages, the [`Stage`]
//! trait every stage implements, and the [`Verdict`] a stage returns for each document.
//!
//! This crate does no I/O and knows no formats. Stage crates depend on it and never on each
//! other; the runner (the `pith` binary) chains them.
//!
//! ```
//! use pith_core::{Document, Stage, Verdict, DropReason};
//!
//! struct NonEmpty;
//! impl Stage for NonEmpty {
//!     fn name(&self) -> &'static str { "non_empty" }
//!     fn process(&self, doc: Document) -> Verdict {
//!         if doc.text.trim().is_empty() {
//!             Verdict::Drop(doc, DropReason::new("non_empty", "empty_text"))
//!         } else {
//!             Verdict::Keep(doc)
//!         }
//!     }
//! }
//! let v = NonEmpty.process(Document::new("a", ""));
//! assert!(matches!(v, Verdict::Drop(..)));
//! ```

pub mod cpu_time;
mod document;
mod error;
pub mod fnv;
mod stage;

pub use document::{Chunk, Document, Span};
pub use error::{Error, ErrorKind};
pub use stage::{DropReason, Reject, Stage, Verdict};

/// A JSON object, used for pass-through fields and free-form metadata.
pub type Map = serde_json::Map<String, serde_json::Value>;
