//! Output for pith: JSONL (plain, `.gz` or `.zst` by extension), CSV and Parquet writers.
//!
//! Every file is written under a temporary name beside its final path and renamed into place
//! only when complete ([`AtomicFile`]), so a reader never sees half a corpus, and a killed run
//! leaves the previous output intact.
//!
//! ```
//! use pith_core::Document;
//! use pith_export::{open_sink, ExportConfig};
//! let dir = tempfile::tempdir().unwrap();
//! let cfg = ExportConfig::jsonl(dir.path().join("out.jsonl"));
//! let mut sink = open_sink(&cfg).unwrap();
//! sink.write(&Document::new("a", "Some text.")).unwrap();
//! sink.finish().unwrap();
//! let written = std::fs::read_to_string(dir.path().join("out.jsonl")).unwrap();
//! assert!(written.starts_with(r#"{"id":"a","text":"Some text."}"#));
//! ```

mod atomic;
mod csv_sink;
mod jsonl;
mod parquet_sink;

use std::path::{Path, PathBuf};

use pith_core::{Document, Error};
use serde::Deserialize;

/// The name [`Rows`] had when only CSV had rows.
pub use self::Rows as CsvRows;
pub use atomic::AtomicFile;
pub use csv_sink::{neutralize_formula, CsvOptions};
pub use jsonl::{JsonlSink, RecordWriter};
#[cfg(feature = "parquet")]
pub use parquet_sink::{read_parquet, ParquetContents};
pub use parquet_sink::{ParquetCompression, ParquetOptions};

/// The `[[stage]] kind = "export"` section of `pipeline.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExportConfig {
    /// Where to write. `-` writes to standard output.
    pub path: PathBuf,
    /// `jsonl` or `csv`; by default taken from the path's extension.
    #[serde(default)]
    pub format: Option<ExportFormat>,
    /// Keep the `meta` object in JSONL output.
    #[serde(default = "yes")]
    pub meta: bool,
    #[serde(default)]
    pub csv: CsvOptions,
    /// `[stage.parquet]`: only allowed on a Parquet export.
    #[serde(default)]
    pub parquet: Option<ParquetOptions>,
}

fn yes() -> bool {
    true
}

impl ExportConfig {
    pub fn jsonl(path: impl Into<PathBuf>) -> Self {
        ExportConfig {
            path: path.into(),
            format: Some(ExportFormat::Jsonl),
            meta: true,
            csv: CsvOptions::default(),
            parquet: None,
        }
    }

    /// The format named, else the one the extension implies (JSONL when unclear).
    pub fn resolved_format(&self) -> ExportFormat {
        self.format.unwrap_or_else(|| {
            let name = self.path.to_string_lossy().to_ascii_lowercase();
            if name.ends_with(".csv") || name.ends_with(".csv.gz") || name.ends_with(".csv.zst") {
                ExportFormat::Csv
            } else if name.ends_with(".parquet") {
                ExportFormat::Parquet
            } else {
                ExportFormat::Jsonl
            }
        })
    }

    /// Checks what can be checked before any data is read.
    pub fn validate(&self) -> Result<(), Error> {
        if self.path.as_os_str().is_empty() {
            return Err(Error::config("path must not be empty"));
        }
        let format = self.resolved_format();
        if format == ExportFormat::Parquet {
            if Compression::from_path(&self.path) != Compression::None {
                return Err(Error::config(format!(
                    "{}: a Parquet file compresses inside (`compression` under [stage.parquet]); \
                     drop the .gz/.zst extension",
                    self.path.display()
                )));
            }
            if let Some(opts) = &self.parquet {
                opts.validate()?;
            }
            if !cfg!(feature = "parquet") {
                return Err(Error::config(
                    "this pith was built without Parquet support (cargo feature `parquet`)",
                ));
            }
        } else if self.parquet.is_some() {
            return Err(Error::config(format!(
                "[stage.parquet] given but {} is a {} export (name it *.parquet or set \
                 format = \"parquet\")",
                self.path.display(),
                format.name()
            )));
        }
        Ok(())
    }
}

/// One row per document, per sentence or per chunk (`rows` under `[stage.csv]` and
/// `[stage.parquet]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Rows {
    #[default]
    Document,
    Sentence,
    Chunk,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    Jsonl,
    Csv,
    Parquet,
}

impl ExportFormat {
    /// The name used in configs and reports.
    pub fn name(self) -> &'static str {
        match self {
            ExportFormat::Jsonl => "jsonl",
            ExportFormat::Csv => "csv",
            ExportFormat::Parquet => "parquet",
        }
    }
}

impl std::str::FromStr for ExportFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "jsonl" => Ok(ExportFormat::Jsonl),
            "csv" => Ok(ExportFormat::Csv),
            "parquet" => Ok(ExportFormat::Parquet),
            other => Err(format!(
                "unknown export format `{other}` (expected jsonl, csv or parquet)"
            )),
        }
    }
}

/// Where documents end up.
pub trait Sink: Send {
    fn write(&mut self, doc: &Document) -> Result<(), Error>;
    /// Flushes and moves the output into place. Until this returns, the final path is untouched.
    fn finish(self: Box<Self>) -> Result<SinkSummary, Error>;
}

/// What a sink wrote.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SinkSummary {
    pub path: String,
    pub format: String,
    pub documents: u64,
    pub rows: u64,
    pub bytes: u64,
}

/// Opens the sink an export config describes.
pub fn open_sink(cfg: &ExportConfig) -> Result<Box<dyn Sink>, Error> {
    cfg.validate()?;
    match cfg.resolved_format() {
        ExportFormat::Jsonl => Ok(Box::new(JsonlSink::create(&cfg.path, cfg.meta)?)),
        ExportFormat::Csv => Ok(Box::new(csv_sink::CsvSink::create(&cfg.path, &cfg.csv)?)),
        #[cfg(feature = "parquet")]
        ExportFormat::Parquet => Ok(Box::new(parquet_sink::ParquetSink::create(
            &cfg.path,
            &cfg.parquet.clone().unwrap_or_default(),
            cfg.meta,
        )?)),
        // validate() has refused it above.
        #[cfg(not(feature = "parquet"))]
        ExportFormat::Parquet => Err(Error::config("built without Parquet support")),
    }
}

/// The compression a path's extension asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    pub fn from_path(path: &Path) -> Compression {
        match path.extension().and_then(|e| e.to_str()) {
            Some(e) if e.eq_ignore_ascii_case("gz") => Compression::Gzip,
            Some(e) if e.eq_ignore_ascii_case("zst") || e.eq_ignore_ascii_case("zstd") => {
                Compression::Zstd
            }
            _ => Compression::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_names_the_format() {
        for (path, want) in [
            ("out/a.parquet", ExportFormat::Parquet),
            ("A.PARQUET", ExportFormat::Parquet),
            ("a.csv.zst", ExportFormat::Csv),
            ("a.jsonl.gz", ExportFormat::Jsonl),
            ("-", ExportFormat::Jsonl),
        ] {
            let cfg = ExportConfig {
                format: None,
                ..ExportConfig::jsonl(path)
            };
            assert_eq!(cfg.resolved_format(), want, "{path}");
        }
        assert_eq!("parquet".parse(), Ok(ExportFormat::Parquet));
    }

    #[cfg(not(feature = "parquet"))]
    #[test]
    fn without_the_feature_a_parquet_export_is_a_config_error() {
        let cfg = ExportConfig {
            format: None,
            ..ExportConfig::jsonl("out.parquet")
        };
        let err = open_sink(&cfg).err().expect("refused");
        assert_eq!(err.kind(), pith_core::ErrorKind::Config);
        assert!(err.to_string().contains("feature"), "{err}");
    }
}
