//! The runner: reads inputs on one thread, processes batches of documents through the stages
//! on a rayon pool, and writes every outcome (written, dropped, rejected) exactly once.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use anyhow::{anyhow, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pith_core::{Document, DropReason, Reject, Stage, Verdict};
use pith_export::{open_sink, ExportConfig, RecordWriter, Sink};
use pith_read::{discover, FileReader, Item, ReadConfig};
use serde::Serialize;

use crate::config::{PipelineConfig, StageConfig};
use crate::log::Logger;
use crate::report::{rfc3339, RunReport};

/// A built step: a stage, or an export of the documents that reach it.
pub enum Step {
    Stage(Box<dyn Stage>),
    Export(ExportConfig),
}

/// Builds the stages of a config; every stage validates its settings here, before any data
/// is read.
pub fn build(cfg: &PipelineConfig) -> Result<Vec<Step>> {
    let mut steps = Vec::new();
    for spec in &cfg.stages {
        let at = |e: pith_core::Error| {
            anyhow!(
                "{}:{}: [[stage]] kind = \"{}\": {e}",
                cfg.source,
                spec.line,
                spec.config.kind()
            )
        };
        let step = match &spec.config {
            StageConfig::Clean(c) => {
                Step::Stage(Box::new(pith_clean::Clean::new(c.clone()).map_err(at)?))
            }
            StageConfig::Dedupe(c) => {
                Step::Stage(Box::new(pith_dedupe::Dedupe::new(c.clone()).map_err(at)?))
            }
            StageConfig::Segment(c) => {
                Step::Stage(Box::new(pith_segment::Segment::new(c.clone()).map_err(at)?))
            }
            StageConfig::Export(e) => {
                e.validate().map_err(at)?;
                Step::Export(e.clone())
            }
        };
        steps.push(step);
    }
    Ok(steps)
}

/// Where documents come from.
#[derive(Debug, Clone)]
pub enum Source {
    Paths(Vec<String>),
    Stdin,
}

/// Side files of a run.
#[derive(Debug, Clone, Default)]
pub struct SideFiles {
    pub rejects: Option<PathBuf>,
    pub dropped: Option<PathBuf>,
    pub report: Option<PathBuf>,
}

impl SideFiles {
    /// `<output>.rejects.jsonl`, `<output>.dropped.jsonl`, `<output>.report.json`.
    pub fn beside(output: &std::path::Path) -> SideFiles {
        let with = |suffix: &str| {
            let mut name = output.as_os_str().to_os_string();
            name.push(suffix);
            Some(PathBuf::from(name))
        };
        SideFiles {
            rejects: with(".rejects.jsonl"),
            dropped: with(".dropped.jsonl"),
            report: with(".report.json"),
        }
    }
}

pub struct RunSettings {
    pub source: Source,
    pub read: ReadConfig,
    pub batch_size: usize,
    pub threads: usize,
    pub side: SideFiles,
    pub log: Logger,
    pub command: String,
    pub config_name: String,
}

enum Msg {
    Total { files: u64, bytes: u64 },
    FileStart(Arc<AtomicU64>),
    FileDone(u64),
    Item(Item),
}

/// A dropped document as written to the dropped file: the document plus why.
#[derive(Serialize)]
struct Dropped<'a> {
    dropped: &'a DropReason,
    #[serde(flatten)]
    doc: &'a Document,
}

/// Runs the steps over the source. Returns the report; its `exit_code` is 0 or 3.
pub fn execute(steps: Vec<Step>, settings: RunSettings) -> Result<RunReport> {
    let started = Instant::now();
    let mut report = RunReport {
        pith_version: env!("CARGO_PKG_VERSION"),
        command: settings.command.clone(),
        config: settings.config_name.clone(),
        started_at: rfc3339(SystemTime::now()),
        ..RunReport::default()
    };
    let threads = if settings.threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        settings.threads
    };
    report.threads = threads;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("pith-worker-{i}"))
        .build()
        .context("cannot start worker threads")?;

    // Open every output first: an unwritable output fails the run before any data is read.
    let mut sinks: Vec<Box<dyn Sink>> = Vec::new();
    let mut steps_with_sink: Vec<(Step, Option<usize>)> = Vec::new();
    for step in steps {
        match step {
            Step::Export(cfg) => {
                let sink = open_sink(&cfg).map_err(|e| anyhow!("{e:#}"))?;
                sinks.push(sink);
                steps_with_sink.push((Step::Export(cfg), Some(sinks.len() - 1)));
            }
            s => steps_with_sink.push((s, None)),
        }
    }
    let mut rejects_out = match &settings.side.rejects {
        Some(p) => Some(RecordWriter::create(p).map_err(|e| anyhow!("{e:#}"))?),
        None => None,
    };
    let mut dropped_out = match &settings.side.dropped {
        Some(p) => Some(RecordWriter::create(p).map_err(|e| anyhow!("{e:#}"))?),
        None => None,
    };

    let batch_size = settings.batch_size.max(1);
    let rx = spawn_reader(settings.source.clone(), settings.read.clone(), batch_size);
    let progress = if settings.log.wants_progress() {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} {elapsed_precise} [{wide_bar}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
            )
            .map_err(|e| anyhow!("progress template: {e}"))?
            .progress_chars("=> "),
        );
        Some(bar)
    } else {
        None
    };

    let mut done_bytes = 0u64;
    let mut current: Option<Arc<AtomicU64>> = None;
    let mut batch: Vec<Document> = Vec::with_capacity(batch_size);
    let mut batch_bytes = 0usize;
    const BATCH_BYTES: usize = 64 << 20;

    {
        let mut handle_reject = |r: &Reject, report: &mut RunReport| -> Result<()> {
            settings.log.reject(r);
            report.add_reject(r);
            if let Some(w) = rejects_out.as_mut() {
                w.write(r).map_err(|e| anyhow!("{e:#}"))?;
            }
            Ok(())
        };

        let mut process = |batch: Vec<Document>,
                           report: &mut RunReport,
                           handle_reject: &mut dyn FnMut(&Reject, &mut RunReport) -> Result<()>|
         -> Result<()> {
            report.documents.read += batch.len() as u64;
            let mut docs = batch;
            for (step, sink) in &steps_with_sink {
                match step {
                    Step::Stage(stage) => {
                        let verdicts =
                            pool.install(|| stage.process_batch(std::mem::take(&mut docs)));
                        for v in verdicts {
                            match v {
                                Verdict::Keep(d) => docs.push(d),
                                Verdict::Drop(d, reason) => {
                                    report.add_drop(&reason.stage, &reason.reason);
                                    if let Some(w) = dropped_out.as_mut() {
                                        w.write(&Dropped {
                                            dropped: &reason,
                                            doc: &d,
                                        })
                                        .map_err(|e| anyhow!("{e:#}"))?;
                                    }
                                }
                                Verdict::Reject(r) => {
                                    report.documents.rejected += 1;
                                    handle_reject(&r, report)?;
                                }
                            }
                        }
                    }
                    Step::Export(_) => {
                        let idx = sink.expect("export steps always have a sink");
                        for d in &docs {
                            sinks[idx].write(d).map_err(|e| anyhow!("{e:#}"))?;
                        }
                    }
                }
            }
            report.documents.written += docs.len() as u64;
            Ok(())
        };

        for msg in rx {
            match msg {
                Msg::Total { files, bytes } => {
                    report.inputs.files = files;
                    report.inputs.bytes = bytes;
                    if let Some(p) = &progress {
                        p.set_length(bytes);
                    }
                }
                Msg::FileStart(counter) => current = Some(counter),
                Msg::FileDone(bytes) => {
                    done_bytes += bytes;
                    current = None;
                }
                Msg::Item(Item::Skip(reason)) => {
                    *report.skipped.entry(reason.to_string()).or_default() += 1;
                }
                Msg::Item(Item::Reject(r)) => handle_reject(&r, &mut report)?,
                Msg::Item(Item::Doc(doc)) => {
                    batch_bytes += doc.content_len();
                    batch.push(*doc);
                    if batch.len() >= batch_size || batch_bytes >= BATCH_BYTES {
                        process(std::mem::take(&mut batch), &mut report, &mut handle_reject)?;
                        batch_bytes = 0;
                        if let Some(p) = &progress {
                            let cur = current.as_ref().map_or(0, |c| c.load(Ordering::Relaxed));
                            p.set_position(done_bytes + cur);
                            p.set_message(format!("{} docs", report.documents.read));
                        }
                    }
                }
            }
        }
        if !batch.is_empty() {
            process(std::mem::take(&mut batch), &mut report, &mut handle_reject)?;
        }
    }
    for (step, _) in &steps_with_sink {
        if let Step::Stage(s) = step {
            s.finish()
                .map_err(|e| anyhow!("stage {}: {e:#}", s.name()))?;
        }
    }
    for sink in sinks {
        let summary = sink.finish().map_err(|e| anyhow!("{e:#}"))?;
        report.bytes_out += summary.bytes;
        report.outputs.push(summary);
    }
    if let Some(w) = rejects_out {
        report
            .side_files
            .insert("rejects".into(), w.path().display().to_string());
        w.commit().map_err(|e| anyhow!("{e:#}"))?;
    }
    if let Some(w) = dropped_out {
        report
            .side_files
            .insert("dropped".into(), w.path().display().to_string());
        w.commit().map_err(|e| anyhow!("{e:#}"))?;
    }
    if let Some(p) = &progress {
        p.finish_and_clear();
    }
    report.bytes_in = done_bytes;
    report.finished_at = rfc3339(SystemTime::now());
    report.elapsed_seconds = started.elapsed().as_secs_f64();
    report.exit_code = if report.rejected_total() > 0 { 3 } else { 0 };
    if let Some(path) = &settings.side.report {
        report
            .side_files
            .insert("report".into(), path.display().to_string());
        let mut f = pith_export::AtomicFile::create(path).map_err(|e| anyhow!("{e:#}"))?;
        let json = serde_json::to_vec_pretty(&report).context("cannot serialise the report")?;
        f.write_all(&json).map_err(|e| anyhow!("{e:#}"))?;
        f.write_all(b"\n").map_err(|e| anyhow!("{e:#}"))?;
        f.commit().map_err(|e| anyhow!("{e:#}"))?;
    }
    Ok(report)
}

/// Discovers and reads inputs on a thread of its own, sending items in input order. The channel
/// is bounded, so reading never runs more than about one batch ahead of processing.
fn spawn_reader(source: Source, read: ReadConfig, batch_size: usize) -> Receiver<Msg> {
    let (tx, rx) = sync_channel::<Msg>(batch_size);
    std::thread::Builder::new()
        .name("pith-reader".into())
        .spawn(move || {
            let send = |m: Msg| tx.send(m).is_ok();
            match source {
                Source::Stdin => {
                    let reader = FileReader::stdin(&read);
                    if !send(Msg::Total { files: 1, bytes: 0 })
                        || !send(Msg::FileStart(reader.bytes_counter()))
                    {
                        return;
                    }
                    let counter = reader.bytes_counter();
                    for item in reader {
                        if !send(Msg::Item(item)) {
                            return;
                        }
                    }
                    send(Msg::FileDone(counter.load(Ordering::Relaxed)));
                }
                Source::Paths(paths) => {
                    let (files, rejects) = discover(&paths);
                    let total: u64 = files.iter().map(|f| f.size).sum();
                    if !send(Msg::Total {
                        files: files.len() as u64,
                        bytes: total,
                    }) {
                        return;
                    }
                    for r in rejects {
                        if !send(Msg::Item(Item::Reject(Box::new(r)))) {
                            return;
                        }
                    }
                    for file in &files {
                        let reader = FileReader::open(file, &read);
                        let counter = reader.bytes_counter();
                        if !send(Msg::FileStart(Arc::clone(&counter))) {
                            return;
                        }
                        for item in reader {
                            if !send(Msg::Item(item)) {
                                return;
                            }
                        }
                        if !send(Msg::FileDone(counter.load(Ordering::Relaxed))) {
                            return;
                        }
                    }
                }
            }
        })
        .expect("spawning the reader thread");
    rx
}
