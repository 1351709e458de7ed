//! `pith`: turns raw scraped web dumps into clean text corpora.
//!
//! `pith run` runs the pipeline a `pipeline.toml` describes; `pith clean`, `pith dedupe`,
//! `pith segment` and `pith export` run one stage each and compose with pipes through JSONL.

mod config;
mod eval;
mod incremental;
mod log;
mod pipeline;
mod report;
mod shard;
mod slurm;
mod state;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use pith_export::{CsvOptions, CsvRows, ExportConfig, ExportFormat};

use crate::config::{PipelineConfig, StageConfig, StageSpec};
use crate::log::{LogFormat, Logger, SummaryTo};
use crate::pipeline::{RunSettings, SideFiles, Source};

/// Exit codes (a contract scripts rely on).
const EXIT_OK: u8 = 0;
const EXIT_FATAL: u8 = 1;
/// Another run holds the state lock of an incremental run.
const EXIT_LOCKED: u8 = 4;

#[derive(Parser)]
#[command(
    name = "pith",
    version,
    about = "Turns raw scraped web dumps into clean text corpora"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Common {
    /// Worker threads (default: one per core).
    #[arg(long, global = true)]
    threads: Option<usize>,
    /// No progress bar and no summary line; rejects are still logged.
    #[arg(long, short = 'q', global = true)]
    quiet: bool,
    /// Log as plain text or as one JSON object a line.
    #[arg(long, global = true, value_enum, default_value = "text")]
    log_format: LogFormat,
}

#[derive(Subcommand)]
enum Command {
    /// Run the stages a pipeline config lists, in order.
    Run {
        /// The pipeline config.
        #[arg(long, short = 'c', default_value = "pipeline.toml")]
        config: PathBuf,
        /// Read these inputs instead of the config's (repeatable).
        #[arg(long = "input", short = 'i')]
        inputs: Vec<String>,
        /// Write the first export here instead of the config's path.
        #[arg(long, short = 'o')]
        output: Option<PathBuf>,
        #[command(flatten)]
        input: InputFormat,
        /// Incremental runs: forget the state and rebuild the output from scratch.
        #[arg(long)]
        full: bool,
        /// Exit 1 instead of 3 when some inputs or records were rejected.
        #[arg(long)]
        fail_on_rejects: bool,
        #[command(flatten)]
        sharding: Sharding,
        #[command(flatten)]
        common: Common,
    },
    /// Print (or submit) the Slurm job scripts of a sharded run: one array job per pass,
    /// chained by dependencies.
    Slurm {
        /// The pipeline config.
        #[arg(long, short = 'c', default_value = "pipeline.toml")]
        config: PathBuf,
        /// Array tasks (shards).
        #[arg(long, default_value_t = 4)]
        tasks: usize,
        /// Where the scripts are written (default: `slurm` in the work directory).
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Work directory shared by every task (default: the config's, or `.pith-shards`
        /// beside the first export).
        #[arg(long)]
        work_dir: Option<PathBuf>,
        /// Extra `#SBATCH` options for every job (repeatable), e.g. `--partition=cpu`.
        #[arg(long = "sbatch-option")]
        sbatch_options: Vec<String>,
        /// CPUs per task (pith's worker threads follow it).
        #[arg(long, default_value_t = 1)]
        cpus_per_task: usize,
        /// Submit the jobs with sbatch instead of only writing them.
        #[arg(long)]
        submit: bool,
        /// With --submit: wait until the last job ends (sbatch --wait) and exit with its code.
        #[arg(long)]
        wait: bool,
    },
    /// Show or manage the state of incremental runs (a config with a [state] section).
    State {
        #[command(subcommand)]
        action: StateCmd,
        /// The pipeline config that names the state.
        #[arg(long, short = 'c', default_value = "pipeline.toml", global = true)]
        config: PathBuf,
        /// Use this output directory instead of the config's export path.
        #[arg(long, short = 'o', global = true)]
        output: Option<PathBuf>,
    },
    /// Extract the main text of pages and text dumps (JSONL out).
    Clean {
        #[command(flatten)]
        io: StageIo,
        #[command(flatten)]
        input: InputFormat,
        /// Drop documents with fewer clean characters than this.
        #[arg(long)]
        min_chars: Option<usize>,
        /// Text form: plain or markdown.
        #[arg(long, value_parser = ["plain", "markdown"])]
        text_format: Option<String>,
        /// Record in `meta.explain` each line a text dump lost, with the rule or score.
        #[arg(long)]
        explain: bool,
        /// Read the inputs twice: first count lines repeated across a site's pages, then drop
        /// them as template.
        #[arg(long)]
        corpus_stats: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Drop duplicate documents (JSONL in, JSONL out).
    Dedupe {
        #[command(flatten)]
        io: StageIo,
        #[command(flatten)]
        input: InputFormat,
        /// Keep every document and only annotate the decision.
        #[arg(long)]
        annotate: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Split documents into paragraphs, sentences and chunks (JSONL in, JSONL out).
    Segment {
        #[command(flatten)]
        io: StageIo,
        #[command(flatten)]
        input: InputFormat,
        /// Chunk size (in --chunk-unit); no chunks unless set.
        #[arg(long)]
        chunk_size: Option<usize>,
        /// Chunk overlap (in --chunk-unit).
        #[arg(long, default_value_t = 0)]
        chunk_overlap: usize,
        /// chars or tokens.
        #[arg(long, default_value = "chars", value_parser = ["chars", "tokens"])]
        chunk_unit: String,
        #[command(flatten)]
        common: Common,
    },
    /// Write documents as JSONL, CSV or Parquet.
    Export {
        #[command(flatten)]
        io: StageIo,
        /// jsonl, csv or parquet (default: from the -o extension, else jsonl).
        #[arg(long, value_parser = ["jsonl", "csv", "parquet"])]
        format: Option<String>,
        /// CSV and Parquet rows: one per document, sentence or chunk.
        #[arg(long, default_value = "document", value_parser = ["document", "sentence", "chunk"])]
        rows: String,
        /// Leave cells that start with = + - @ as they are.
        #[arg(long)]
        keep_formulas: bool,
        #[command(flatten)]
        common: Common,
    },
    /// Score predicted text against gold text: token-level precision, recall and F1 per
    /// document and mean (the measure of shared/eval/score_extraction.py and score_text.py).
    Eval {
        /// Gold: JSONL `{id, text}`, a ScrapingHub-style JSON object, or a directory of <id>.txt.
        #[arg(long)]
        gold: PathBuf,
        /// Predictions, in any of the same forms (pith's own JSONL output works as it is).
        #[arg(long)]
        pred: PathBuf,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Also print every document's scores.
        #[arg(long)]
        per_doc: bool,
        /// Exit 1 when the mean F1 is below this (a regression gate for CI).
        #[arg(long)]
        min_f1: Option<f64>,
    },
    /// Validate a pipeline config without reading any data.
    Check {
        #[arg(long, short = 'c', default_value = "pipeline.toml")]
        config: PathBuf,
    },
}

/// Sharded runs (Slurm job arrays, Kubernetes Indexed Jobs).
#[derive(Args, Clone)]
struct Sharding {
    /// This task's shard (default: SLURM_ARRAY_TASK_ID, then JOB_COMPLETION_INDEX).
    #[arg(long)]
    shard_index: Option<usize>,
    /// The number of shards (default: SLURM_ARRAY_TASK_COUNT, then PITH_SHARD_COUNT).
    #[arg(long)]
    shard_count: Option<usize>,
    /// Which pass of a sharded run: all (no dedupe stage, or one shard), or sign, cluster,
    /// write for a pipeline that dedupes across shards.
    #[arg(long, value_enum, default_value = "all")]
    pass: shard::Pass,
    /// Work directory shared by every task of a sharded run.
    #[arg(long)]
    work_dir: Option<PathBuf>,
}

/// `--format`: forces the input format.
#[derive(Args, Clone)]
struct InputFormat {
    /// Force the input format: html, text, jsonl or warc (default: by extension, then content).
    #[arg(long = "format", alias = "input-format", value_name = "FORMAT")]
    format: Option<pith_read::Format>,
}

#[derive(Subcommand)]
enum StateCmd {
    /// Inputs done, parts, totals and the run ledger.
    Show {
        /// As one JSON document.
        #[arg(long)]
        json: bool,
    },
    /// Forget inputs (files or directories) so the next run reads them again.
    Forget {
        #[arg(required = true)]
        inputs: Vec<String>,
    },
    /// Delete files no committed state names and compact the database.
    Gc,
}

/// Inputs and output of a single-stage command.
#[derive(Args, Clone)]
struct StageIo {
    /// Files, directories or globs; none (or `-`) reads JSONL from standard input.
    inputs: Vec<String>,
    /// Output file (`.jsonl`, `.jsonl.gz`, `.jsonl.zst`, `.csv`); standard output if absent.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    /// Where rejected inputs go (default: `<output>.rejects.jsonl` when --output is a file).
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// Documents per batch.
    #[arg(long, default_value_t = 512)]
    batch_size: usize,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (log, result) = dispatch(cli);
    match result {
        Ok(code) => ExitCode::from(code),
        // The reader of our standard output went away (`pith clean x | head`): the output
        // ends there, as it would for any Unix filter; nothing else failed.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::from(EXIT_OK)
        }
        Err(e) => {
            log.error(&format!("{e:#}"));
            if e.downcast_ref::<state::Locked>().is_some() {
                ExitCode::from(EXIT_LOCKED)
            } else {
                ExitCode::from(EXIT_FATAL)
            }
        }
    }
}

fn logger(common: &Common, summary_to: SummaryTo) -> Logger {
    Logger {
        quiet: common.quiet,
        format: common.log_format,
        summary_to,
    }
}

fn dispatch(cli: Cli) -> (Logger, Result<u8>) {
    match cli.command {
        Command::Run {
            config,
            inputs,
            output,
            input,
            full,
            fail_on_rejects,
            sharding,
            common,
        } => {
            let log = logger(&common, SummaryTo::Stdout);
            let over = Overrides {
                inputs,
                output,
                format: input.format,
                full,
            };
            let r = cmd_run(&config, over, &sharding, &common, &log);
            let r = r.and_then(|code| {
                if fail_on_rejects && code == 3 {
                    bail!("some inputs or records were rejected (--fail-on-rejects)")
                }
                Ok(code)
            });
            (log, r)
        }
        Command::State {
            action,
            config,
            output,
        } => {
            let log = Logger {
                quiet: false,
                format: LogFormat::Text,
                summary_to: SummaryTo::Stdout,
            };
            let action = match action {
                StateCmd::Show { json } => incremental::StateAction::Show { json },
                StateCmd::Forget { inputs } => incremental::StateAction::Forget { inputs },
                StateCmd::Gc => incremental::StateAction::Gc,
            };
            let r = PipelineConfig::load(&config).and_then(|mut cfg| {
                if let (Some(out), Some(e)) = (output, cfg.first_export_mut()) {
                    e.path = out;
                }
                incremental::state_command(&cfg, action, &log)
            });
            (log, r)
        }
        Command::Eval {
            gold,
            pred,
            json,
            per_doc,
            min_f1,
        } => {
            let log = Logger {
                quiet: false,
                format: LogFormat::Text,
                summary_to: SummaryTo::Stdout,
            };
            (log, eval::cmd_eval(&gold, &pred, json, per_doc, min_f1))
        }
        Command::Slurm {
            config,
            tasks,
            dir,
            work_dir,
            sbatch_options,
            cpus_per_task,
            submit,
            wait,
        } => {
            let log = Logger {
                quiet: false,
                format: LogFormat::Text,
                summary_to: SummaryTo::Stdout,
            };
            let opts = slurm::Options {
                tasks,
                dir,
                work_dir,
                sbatch_options,
                cpus_per_task,
                submit,
                wait,
            };
            (log, slurm::cmd_slurm(&config, &opts))
        }
        Command::Check { config } => {
            let log = Logger {
                quiet: false,
                format: LogFormat::Text,
                summary_to: SummaryTo::Stdout,
            };
            (log, cmd_check(&config))
        }
        Command::Clean {
            io,
            input,
            min_chars,
            text_format,
            explain,
            corpus_stats,
            common,
        } => {
            let log = logger(&common, SummaryTo::Stderr);
            let mut cfg = pith_clean::CleanConfig {
                explain,
                corpus_stats,
                ..pith_clean::CleanConfig::default()
            };
            if let Some(m) = min_chars {
                cfg.min_chars = m;
            }
            if text_format.as_deref() == Some("markdown") {
                cfg.text_format = pith_clean::TextFormat::Markdown;
            }
            let r = single_stage(
                "clean",
                StageConfig::Clean(cfg),
                &io,
                input.format,
                false,
                &common,
                &log,
            );
            (log, r)
        }
        Command::Dedupe {
            io,
            input,
            annotate,
            common,
        } => {
            let log = logger(&common, SummaryTo::Stderr);
            let cfg = pith_dedupe::DedupeConfig {
                annotate,
                ..pith_dedupe::DedupeConfig::default()
            };
            let r = single_stage(
                "dedupe",
                StageConfig::Dedupe(cfg),
                &io,
                input.format,
                false,
                &common,
                &log,
            );
            (log, r)
        }
        Command::Segment {
            io,
            input,
            chunk_size,
            chunk_overlap,
            chunk_unit,
            common,
        } => {
            let log = logger(&common, SummaryTo::Stderr);
            let mut cfg = pith_segment::SegmentConfig::default();
            if let Some(size) = chunk_size {
                cfg.chunk = Some(pith_segment::ChunkConfig {
                    size,
                    overlap: chunk_overlap,
                    unit: if chunk_unit == "tokens" {
                        pith_segment::ChunkUnit::Tokens
                    } else {
                        pith_segment::ChunkUnit::Chars
                    },
                });
            }
            let r = single_stage(
                "segment",
                StageConfig::Segment(cfg),
                &io,
                input.format,
                false,
                &common,
                &log,
            );
            (log, r)
        }
        Command::Export {
            io,
            format,
            rows,
            keep_formulas,
            common,
        } => {
            let log = logger(&common, SummaryTo::Stderr);
            let r = cmd_export(&io, format.as_deref(), &rows, keep_formulas, &common, &log);
            (log, r)
        }
    }
}

fn cmd_export(
    io: &StageIo,
    format: Option<&str>,
    rows: &str,
    keep_formulas: bool,
    common: &Common,
    log: &Logger,
) -> Result<u8> {
    let format: Option<ExportFormat> = format
        .map(str::parse)
        .transpose()
        .map_err(|e: String| anyhow!(e))?;
    let csv = CsvOptions {
        rows: match rows {
            "sentence" => CsvRows::Sentence,
            "chunk" => CsvRows::Chunk,
            _ => CsvRows::Document,
        },
        neutralize_formulas: !keep_formulas,
    };
    let mut export = export_to(io, format, csv);
    if export.resolved_format() == ExportFormat::Parquet {
        export.parquet = Some(pith_export::ParquetOptions {
            rows: export.csv.rows,
            ..Default::default()
        });
    }
    single_stage(
        "export",
        StageConfig::Export(export),
        io,
        None,
        true,
        common,
        log,
    )
}

fn export_to(io: &StageIo, format: Option<ExportFormat>, csv: CsvOptions) -> ExportConfig {
    let path = io.output.clone().unwrap_or_else(|| PathBuf::from("-"));
    ExportConfig {
        path,
        format,
        meta: true,
        csv,
        parquet: None,
    }
}

/// Runs one stage over the inputs (or stdin) and writes JSONL (or the given export).
fn single_stage(
    name: &str,
    stage: StageConfig,
    io: &StageIo,
    input_format: Option<pith_read::Format>,
    is_export: bool,
    common: &Common,
    log: &Logger,
) -> Result<u8> {
    let mut stages = vec![StageSpec {
        line: 0,
        config: stage,
    }];
    if !is_export {
        stages.push(StageSpec {
            line: 0,
            config: StageConfig::Export(export_to(
                io,
                Some(ExportFormat::Jsonl),
                CsvOptions::default(),
            )),
        });
    }
    let read = pith_read::ReadConfig {
        format: input_format,
        ..pith_read::ReadConfig::default()
    };
    let cfg = PipelineConfig {
        source: format!("pith {name}"),
        input: read,
        run: config::RunConfig::default(),
        state: None,
        stages,
    };
    let steps = pipeline::build(&cfg)?;
    let source = if io.inputs.is_empty() || io.inputs == ["-"] {
        Source::Stdin
    } else {
        Source::Paths(io.inputs.clone())
    };
    let mut side = match &io.output {
        Some(p) if p.as_os_str() != "-" => SideFiles::beside(p),
        _ => SideFiles::default(),
    };
    if io.rejects.is_some() {
        side.rejects = io.rejects.clone();
    }
    let settings = RunSettings {
        source,
        read: cfg.input.clone(),
        batch_size: io.batch_size,
        threads: common.threads.unwrap_or(0),
        side,
        log: log.clone(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        config_name: cfg.source.clone(),
    };
    finish(pipeline::execute(steps, settings)?, log)
}

fn finish(report: report::RunReport, log: &Logger) -> Result<u8> {
    let json = serde_json::json!({
        "event": "summary",
        "read": report.documents.read,
        "written": report.documents.written,
        "dropped": report.documents.dropped,
        "rejected": report.rejected_total(),
        "dropped_by_reason": report.dropped,
        "rejected_by_reason": report.rejected,
        "elapsed_seconds": report.elapsed_seconds,
        "bytes_in": report.bytes_in,
        "exit_code": report.exit_code,
    });
    log.summary(&report.summary_line(), json);
    u8::try_from(report.exit_code).context("exit code out of range")
}

/// What `pith run`'s flags override in the config.
struct Overrides {
    inputs: Vec<String>,
    output: Option<PathBuf>,
    format: Option<pith_read::Format>,
    full: bool,
}

fn cmd_run(
    config: &Path,
    over: Overrides,
    sharding: &Sharding,
    common: &Common,
    log: &Logger,
) -> Result<u8> {
    let Overrides {
        inputs,
        output,
        format,
        full,
    } = over;
    let mut cfg = PipelineConfig::load(config)?;
    if format.is_some() {
        cfg.input.format = format;
    }
    if !inputs.is_empty() {
        cfg.input.paths = inputs;
    }
    if let Some(out) = output {
        match cfg.first_export_mut() {
            Some(e) => e.path = out,
            None => bail!("--output given but {} has no export stage", cfg.source),
        }
    }
    if cfg.input.paths.is_empty() {
        bail!(
            "{}: [input] paths is empty and no --input was given",
            cfg.source
        );
    }
    let env = |k: &str| std::env::var(k).ok();
    let sharded = shard::resolve(sharding.shard_index, sharding.shard_count, &env)?;
    if sharded.is_none() && (sharding.pass != shard::Pass::All || sharding.work_dir.is_some()) {
        bail!("--pass and --work-dir apply to sharded runs (--shard-count, or SLURM_ARRAY_TASK_COUNT)");
    }
    if let Some((index, count)) = sharded {
        if incremental::is_incremental(&cfg) {
            bail!(
                "{}: sharded runs are not incremental: remove the [state] section",
                cfg.source
            );
        }
        let index = match (index, sharding.pass) {
            (Some(i), _) => i,
            (None, shard::Pass::Cluster) => 0,
            (None, _) => bail!("a sharded run needs its shard index (--shard-index, SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX)"),
        };
        let opts = shard::Options {
            shard: shard::Shard { index, count },
            pass: sharding.pass,
            work_dir: sharding
                .work_dir
                .clone()
                .or_else(|| cfg.run.work_dir.clone())
                .unwrap_or_else(|| shard::default_work_dir(&cfg)),
            split_bytes: cfg.run.split_bytes,
            threads: common.threads.unwrap_or(cfg.run.threads),
            command: std::env::args().collect::<Vec<_>>().join(" "),
        };
        return match shard::run(&cfg, &opts, log)? {
            shard::Outcome::Run(report) => finish(*report, log),
            shard::Outcome::Cluster(c) => {
                log.summary(&c.summary_line(), serde_json::to_value(&c)?);
                Ok(EXIT_OK)
            }
        };
    }
    if incremental::is_incremental(&cfg) {
        let opts = incremental::RunOptions {
            full,
            threads: common.threads.unwrap_or(cfg.run.threads),
            command: std::env::args().collect::<Vec<_>>().join(" "),
        };
        return finish(incremental::run(cfg, &opts, log)?, log);
    } else if full {
        bail!("--full applies to incremental runs (a config with a [state] section)");
    }
    let steps = pipeline::build(&cfg)?;
    let mut side = cfg
        .first_export()
        .map(|e| SideFiles::beside(&e.path))
        .unwrap_or_default();
    if let Some(p) = &cfg.run.rejects {
        side.rejects = Some(p.clone());
    }
    if let Some(p) = &cfg.run.dropped {
        side.dropped = Some(p.clone());
    }
    if let Some(p) = &cfg.run.report {
        side.report = Some(p.clone());
    }
    let settings = RunSettings {
        source: Source::Paths(cfg.input.paths.clone()),
        read: cfg.input.clone(),
        batch_size: cfg.run.batch_size,
        threads: common.threads.unwrap_or(cfg.run.threads),
        side,
        log: log.clone(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        config_name: cfg.source.clone(),
    };
    finish(pipeline::execute(steps, settings)?, log)
}

fn cmd_check(config: &Path) -> Result<u8> {
    let cfg = PipelineConfig::load(config)?;
    pipeline::build(&cfg)?;
    if incremental::is_incremental(&cfg) {
        incremental::layout(&cfg)?;
    }
    let kinds: Vec<&str> = cfg.stages.iter().map(|s| s.config.kind()).collect();
    println!(
        "{}: ok ({} stages: {})",
        cfg.source,
        kinds.len(),
        kinds.join(" -> ")
    );
    Ok(EXIT_OK)
}
