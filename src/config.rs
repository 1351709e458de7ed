//! `pipeline.toml`: parsing and validation, with every error naming the file, line and key.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use pith_clean::CleanConfig;
use pith_dedupe::DedupeConfig;
use pith_export::ExportConfig;
use pith_read::ReadConfig;
use pith_segment::SegmentConfig;
use serde::Deserialize;

/// A whole pipeline, validated.
#[derive(Debug, Clone)]
pub struct PipelineConfig {
    /// Where the config came from (for messages).
    pub source: String,
    pub input: ReadConfig,
    pub run: RunConfig,
    /// `[state]`: present means incremental (scheduled) runs; see `crate::incremental`.
    pub state: Option<StateConfig>,
    pub stages: Vec<StageSpec>,
}

/// The `[run]` section.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RunConfig {
    /// Documents per batch. Memory is about `batch_size` times the largest document, times the
    /// number of batches in flight (two).
    pub batch_size: usize,
    /// Worker threads; 0 means one per core.
    pub threads: usize,
    /// Where rejected inputs go; default `<first export path>.rejects.jsonl`.
    pub rejects: Option<PathBuf>,
    /// Where dropped documents go; default `<first export path>.dropped.jsonl`.
    pub dropped: Option<PathBuf>,
    /// The run report; default `<first export path>.report.json`.
    pub report: Option<PathBuf>,
    /// Sharded runs: uncompressed JSONL and WARC files larger than this are split into byte
    /// ranges of about this size, so one huge file spreads over many tasks (0: never split).
    pub split_bytes: u64,
    /// Sharded runs: where passes leave documents, signatures and decisions for the next
    /// pass; default `.pith-shards` beside the first export. Must be shared by every task.
    pub work_dir: Option<PathBuf>,
}

impl Default for RunConfig {
    fn default() -> Self {
        RunConfig {
            batch_size: 512,
            threads: 0,
            rejects: None,
            dropped: None,
            report: None,
            split_bytes: 256 << 20,
            work_dir: None,
        }
    }
}

/// The `[state]` section. Its presence turns `pith run` incremental: the export path is a
/// directory of parts plus `manifest.json`, and inputs already done are skipped.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StateConfig {
    /// The state directory; default `.pith` inside the output directory.
    pub dir: Option<PathBuf>,
    /// Commit (part, inputs done, dedupe state) after this many input files...
    pub commit_every_files: usize,
    /// ...or after this many input bytes (MiB), whichever comes first.
    pub commit_every_mb: u64,
}

impl Default for StateConfig {
    fn default() -> Self {
        StateConfig {
            dir: None,
            commit_every_files: 16,
            commit_every_mb: 256,
        }
    }
}

/// One `[[stage]]` entry.
#[derive(Debug, Clone)]
pub struct StageSpec {
    /// The line of its `[[stage]]` header.
    pub line: usize,
    pub config: StageConfig,
}

#[derive(Debug, Clone)]
pub enum StageConfig {
    Clean(CleanConfig),
    Dedupe(DedupeConfig),
    Segment(SegmentConfig),
    Export(ExportConfig),
}

impl StageConfig {
    pub fn kind(&self) -> &'static str {
        match self {
            StageConfig::Clean(_) => "clean",
            StageConfig::Dedupe(_) => "dedupe",
            StageConfig::Segment(_) => "segment",
            StageConfig::Export(_) => "export",
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    input: ReadConfig,
    #[serde(default)]
    run: RunConfig,
    #[serde(default)]
    state: Option<StateConfig>,
    #[serde(default)]
    stage: Vec<toml::Spanned<toml::Table>>,
}

const KINDS: &str = "clean, dedupe, segment or export";

impl PipelineConfig {
    /// Reads and validates a config file. Nothing here touches input data.
    pub fn load(path: &Path) -> Result<PipelineConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config {}", path.display()))?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses config text; `name` is used in messages.
    pub fn parse(text: &str, name: &str) -> Result<PipelineConfig> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            let msg = e.message().trim().to_string();
            match line {
                Some(l) => anyhow::anyhow!("{name}:{l}: {msg}"),
                None => anyhow::anyhow!("{name}: {msg}"),
            }
        })?;
        if raw.run.batch_size == 0 {
            let l = find_key_line(text, 0..text.len(), "batch_size").unwrap_or(1);
            bail!("{name}:{l}: key `run.batch_size`: must be at least 1");
        }
        let mut stages = Vec::new();
        for spanned in raw.stage {
            let span = spanned.span();
            let line = header_line(text, span.start);
            let mut table = spanned.into_inner();
            let kind = match table.remove("kind") {
                Some(toml::Value::String(k)) => k,
                Some(other) => bail!(
                    "{name}:{}: key `kind`: expected a string ({KINDS}), found {}",
                    find_key_line(text, span.clone(), "kind").unwrap_or(line),
                    other.type_str()
                ),
                None => bail!("{name}:{line}: [[stage]] has no `kind` (expected {KINDS})"),
            };
            let config = match kind.as_str() {
                "clean" => StageConfig::Clean(stage_table(table, text, name, &span, &kind)?),
                "dedupe" => StageConfig::Dedupe(stage_table(table, text, name, &span, &kind)?),
                "segment" => StageConfig::Segment(stage_table(table, text, name, &span, &kind)?),
                "export" => StageConfig::Export(stage_table(table, text, name, &span, &kind)?),
                other => bail!(
                    "{name}:{}: key `kind`: unknown stage `{other}` (expected {KINDS})",
                    find_key_line(text, span.clone(), "kind").unwrap_or(line)
                ),
            };
            stages.push(StageSpec { line, config });
        }
        if stages.is_empty() {
            bail!("{name}: no [[stage]] entries: a pipeline needs at least one stage");
        }
        Ok(PipelineConfig {
            source: name.to_string(),
            input: raw.input,
            run: raw.run,
            state: raw.state,
            stages,
        })
    }

    /// The first export's path, which side files (rejects, report) are named after.
    pub fn first_export(&self) -> Option<&ExportConfig> {
        self.stages.iter().find_map(|s| match &s.config {
            StageConfig::Export(e) => Some(e),
            _ => None,
        })
    }

    pub fn first_export_mut(&mut self) -> Option<&mut ExportConfig> {
        self.stages.iter_mut().find_map(|s| match &mut s.config {
            StageConfig::Export(e) => Some(e),
            _ => None,
        })
    }
}

/// Deserialises one stage's table, mapping an error to the line of the offending key.
fn stage_table<T: serde::de::DeserializeOwned>(
    table: toml::Table,
    text: &str,
    name: &str,
    span: &std::ops::Range<usize>,
    kind: &str,
) -> Result<T> {
    let value = toml::Value::Table(table);
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.inner().to_string();
        // toml appends "in `key`" on a second line; the key is named separately here.
        let inner = inner.lines().next().unwrap_or_default().trim().to_string();
        // An unknown field is reported at its parent; the message names the field.
        let key = unknown_field(&inner)
            .map(|f| {
                if path == f || path.ends_with(&format!(".{f}")) {
                    path.clone()
                } else if path == "." || path.is_empty() {
                    f.to_string()
                } else {
                    format!("{path}.{f}")
                }
            })
            .unwrap_or(path);
        let last = key.rsplit('.').next().unwrap_or(&key).to_string();
        let line = find_key_line(text, span.clone(), &last)
            .unwrap_or_else(|| header_line(text, span.start));
        anyhow::anyhow!("{name}:{line}: key `{key}` in [[stage]] kind = \"{kind}\": {inner}")
    })
}

fn unknown_field(message: &str) -> Option<&str> {
    let rest = message.strip_prefix("unknown field `")?;
    rest.split('`').next()
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()
        .iter()
        .take(offset)
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The line of the `[[stage]]` header a table's span belongs to: the span of an array-of-tables
/// entry may start at its first key, so look back for the header.
fn header_line(text: &str, offset: usize) -> usize {
    // The span may start at the header itself or after it: look back from just past it.
    let upto = (offset + "[[stage".len()).min(text.len());
    let before = text.get(..upto).unwrap_or(text);
    match before.rfind("[[stage") {
        Some(pos) => line_of(text, pos),
        None => line_of(text, offset),
    }
}

/// The line within `span` where `key = ...` (or `key.sub = ...`, or `[...key]`) is written.
fn find_key_line(text: &str, span: std::ops::Range<usize>, key: &str) -> Option<usize> {
    let start = span.start.min(text.len());
    // The span of an array-of-tables entry may cover only its header: the entry runs to the
    // next `[[` header (its own sub-tables such as `[stage.csv]` included).
    let end = text
        .get(start + 1..)
        .and_then(|rest| rest.find("\n[[").map(|i| start + 1 + i))
        .unwrap_or(text.len())
        .max(span.end.min(text.len()));
    let region = text.get(start..end)?;
    let mut offset = start;
    for line in region.split_inclusive('\n') {
        let t = line.trim_start();
        let t = t.strip_prefix('"').unwrap_or(t);
        if let Some(rest) = t.strip_prefix(key) {
            let rest = rest.trim_start_matches('"').trim_start();
            if rest.starts_with('=') || rest.starts_with('.') {
                return Some(line_of(text, offset));
            }
        }
        if t.starts_with('[') && t.contains(key) {
            return Some(line_of(text, offset));
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[input]
paths = ["data"]

[[stage]]
kind = "clean"
min_chars = 100

[[stage]]
kind = "export"
path = "out/x.jsonl"
"#;

    #[test]
    fn good_config_parses() {
        let c = PipelineConfig::parse(GOOD, "p.toml").expect("valid");
        assert_eq!(c.stages.len(), 2);
        assert_eq!(c.stages[0].line, 5);
        assert_eq!(
            c.first_export().map(|e| e.path.clone()),
            Some("out/x.jsonl".into())
        );
    }

    #[test]
    fn later_stages_name_their_own_header_line() {
        let text = format!("{GOOD}\n[[stage]]\nkind = \"segment\"\n");
        let c = PipelineConfig::parse(&text, "p.toml").expect("valid");
        let lines: Vec<usize> = c.stages.iter().map(|s| s.line).collect();
        assert_eq!(lines, [5, 9, 13]);
    }

    #[test]
    fn unknown_stage_key_names_line_and_key() {
        let bad = GOOD.replace("min_chars = 100", "min_chars = 100\nmin_char = 3");
        let e = PipelineConfig::parse(&bad, "p.toml")
            .expect_err("invalid")
            .to_string();
        assert!(e.starts_with("p.toml:8: key `min_char`"), "{e}");
    }

    #[test]
    fn bad_value_names_line_and_key() {
        let bad = GOOD.replace("min_chars = 100", "min_chars = \"lots\"");
        let e = PipelineConfig::parse(&bad, "p.toml")
            .expect_err("invalid")
            .to_string();
        assert!(e.starts_with("p.toml:7: key `min_chars`"), "{e}");
    }

    #[test]
    fn unknown_top_level_key_and_kind() {
        let bad = GOOD.replace("paths = [\"data\"]", "paths = [\"data\"]\npath = 1");
        let e = PipelineConfig::parse(&bad, "p.toml")
            .expect_err("invalid")
            .to_string();
        assert!(e.starts_with("p.toml:4:") && e.contains("path"), "{e}");
        let bad = GOOD.replace("kind = \"clean\"", "kind = \"scrub\"");
        let e = PipelineConfig::parse(&bad, "p.toml")
            .expect_err("invalid")
            .to_string();
        assert!(
            e.starts_with("p.toml:6: key `kind`: unknown stage `scrub`"),
            "{e}"
        );
    }
}
