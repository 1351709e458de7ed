//! Input for pith: find input files, open them (decompressing gzip and zstd by magic bytes),
//! and stream [`Item`]s out of them: documents, or rejects for the parts that are broken.
//!
//! Nothing here loads a whole input: JSONL and WARC are read record by record, and every record
//! is bounded by [`Limits::max_record_bytes`].
//!
//! ```no_run
//! use pith_read::{discover, FileReader, Item, ReadConfig};
//! let cfg = ReadConfig { paths: vec!["data".into()], ..ReadConfig::default() };
//! let (files, rejects) = discover(&cfg.paths);
//! for file in &files {
//!     for item in FileReader::open(file, &cfg) {
//!         match item {
//!             Item::Doc(doc) => println!("{}", doc.id),
//!             Item::Reject(r) => eprintln!("{}", r.log_line()),
//!             Item::Skip(reason) => eprintln!("skipped: {reason}"),
//!         }
//!     }
//! }
//! ```

mod config;
mod discover;
mod encoding;
pub mod range;
mod reader;
mod warc;

pub use config::{Format, JsonlFields, Limits, ReadConfig};
pub use discover::{discover, InputFile};
pub use range::{plan_units, ByteRange, Unit};
pub use reader::{FileReader, Item};
