//! The runner: reads inputs on one thread, processes batches of documents through the stages
//! on a rayon pool, and writes every outcome (written, dropped, rejected) exactly once.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, TryRecvError};
use std::sync::Arc;
use std::time::{Instant, SystemTime};

use anyhow::{anyhow, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pith_core::{Document, DropReason, Reject, Stage, Verdict};
use pith_export::{open_sink, ExportConfig, RecordWriter, Sink};
use pith_read::{discover, FileReader, InputFile, Item, ReadConfig, Unit};
use rayon::prelude::*;
use serde::Serialize;

use crate::config::{PipelineConfig, StageConfig};
use crate::log::Logger;
use crate::report::{rfc3339, RunReport};

/// A built step: a stage, or an export of the documents that reach it.
pub enum Step {
    Stage(Box<dyn Stage>),
    Export(ExportConfig),
    /// A sink built by the caller (a sharded run's signature writer).
    Sink(Box<dyn Sink>),
}

/// An output of a run: an export to open, or a sink already open.
pub enum Output {
    Config(ExportConfig),
    Ready(Box<dyn Sink>),
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
    /// Files already discovered (an incremental run picks the ones to redo itself), with the
    /// rejects discovery produced.
    Files(Vec<InputFile>, Vec<Reject>),
    /// A sharded task's units of work (whole files or byte ranges), with discovery's rejects.
    /// With `stamp`, every document gets its position in the whole input's order in
    /// `meta._order` (`[file, range start, record]`), for the signatures of a sharded dedupe.
    Units {
        units: Vec<Unit>,
        rejects: Vec<Reject>,
        stamp: bool,
    },
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

pub(crate) enum Msg {
    Total {
        files: u64,
        bytes: u64,
    },
    FileStart(Arc<AtomicU64>),
    /// A file was read to its end: its index in the source's file list, and its bytes.
    FileDone {
        index: usize,
        bytes: u64,
    },
    Item(Item),
}

/// A dropped document as written to the dropped file: the document plus why.
#[derive(Serialize)]
struct Dropped<'a> {
    dropped: &'a DropReason,
    #[serde(flatten)]
    doc: &'a Document,
}

/// The steps of a run on their worker pool, each export step paired with its sink's index in
/// an [`Outputs`].
pub(crate) struct Flow {
    steps: Vec<(Step, Option<usize>)>,
    pool: Arc<rayon::ThreadPool>,
    pub threads: usize,
}

/// Where a batch's outcomes go: the corpus sinks, the rejects and the dropped files. A plain
/// run has one set for the whole run; an incremental run opens a new set per part.
#[derive(Default)]
pub(crate) struct Outputs {
    pub sinks: Vec<Box<dyn Sink>>,
    pub rejects: Option<RecordWriter>,
    pub dropped: Option<RecordWriter>,
}

impl Flow {
    /// Shows every input document to the stages that gather corpus statistics, before the
    /// real pass. Rejects are not reported here: the real pass meets and reports them.
    pub fn prepass(&self, source: &Source, read: &ReadConfig) -> Result<()> {
        let wanting: Vec<&dyn Stage> = self
            .steps
            .iter()
            .filter_map(|(s, _)| match s {
                Step::Stage(stage) if stage.wants_prepass() => Some(stage.as_ref()),
                _ => None,
            })
            .collect();
        if wanting.is_empty() {
            return Ok(());
        }
        let files = match source {
            Source::Paths(paths) => discover(paths).0,
            Source::Files(files, _) => files.clone(),
            Source::Units { .. } => anyhow::bail!(
                "corpus statistics (clean.corpus_stats) are not available in sharded runs: each \
                 task would see only its own shard's pages"
            ),
            Source::Stdin => anyhow::bail!(
                "corpus statistics (clean.corpus_stats) need inputs that can be read twice, not standard input"
            ),
        };
        for file in &files {
            for item in FileReader::open(file, read) {
                if let Item::Doc(doc) = item {
                    for stage in &wanting {
                        stage.observe(&doc);
                    }
                }
            }
        }
        Ok(())
    }

    /// Starts the worker pool (0 threads = one per core).
    pub fn new(steps: Vec<Step>, threads: usize) -> Result<(Flow, Vec<Output>)> {
        let threads = if threads == 0 {
            std::thread::available_parallelism().map_or(1, |n| n.get())
        } else {
            threads
        };
        let pool = Arc::new(
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .thread_name(|i| format!("pith-worker-{i}"))
                .build()
                .context("cannot start worker threads")?,
        );
        let mut exports = Vec::new();
        let mut with_sink = Vec::new();
        for step in steps {
            match step {
                Step::Export(cfg) => {
                    exports.push(Output::Config(cfg.clone()));
                    with_sink.push((Step::Export(cfg), Some(exports.len() - 1)));
                }
                Step::Sink(sink) => {
                    exports.push(Output::Ready(sink));
                    let placeholder = Step::Export(ExportConfig::jsonl("(sink)"));
                    with_sink.push((placeholder, Some(exports.len() - 1)));
                }
                s => with_sink.push((s, None)),
            }
        }
        Ok((
            Flow {
                steps: with_sink,
                pool,
                threads,
            },
            exports,
        ))
    }

    /// The worker pool, which the reader also uses to read small files in parallel.
    pub fn pool(&self) -> Arc<rayon::ThreadPool> {
        Arc::clone(&self.pool)
    }

    /// The stages, in order (for checkpoints and `finish`).
    pub fn stages(&self) -> impl Iterator<Item = &dyn Stage> {
        self.steps.iter().filter_map(|(s, _)| match s {
            Step::Stage(st) => Some(st.as_ref()),
            Step::Export(_) | Step::Sink(_) => None,
        })
    }

    /// Runs one batch through every step, writing each document's outcome exactly once.
    pub fn process(
        &self,
        batch: Vec<Document>,
        report: &mut RunReport,
        out: &mut Outputs,
        log: &Logger,
    ) -> Result<()> {
        report.documents.read += batch.len() as u64;
        let mut docs = batch;
        for (step, sink) in &self.steps {
            match step {
                Step::Stage(stage) => {
                    let verdicts = self
                        .pool
                        .install(|| stage.process_batch(std::mem::take(&mut docs)));
                    for v in verdicts {
                        match v {
                            Verdict::Keep(d) => docs.push(d),
                            Verdict::Drop(mut d, reason) => {
                                report.add_drop(&reason.stage, &reason.reason);
                                if let Some(w) = out.dropped.as_mut() {
                                    // The input position of a sharded sign pass is internal.
                                    d.meta.remove(ORDER_KEY);
                                    w.write(&Dropped {
                                        dropped: &reason,
                                        doc: &d,
                                    })
                                    .map_err(anyhow::Error::new)?;
                                }
                            }
                            Verdict::Reject(r) => {
                                report.documents.rejected += 1;
                                reject(&r, report, out, log)?;
                            }
                        }
                    }
                }
                Step::Export(_) | Step::Sink(_) => {
                    let idx = sink.expect("export steps always have a sink");
                    let sink = out
                        .sinks
                        .get_mut(idx)
                        .ok_or_else(|| anyhow!("export {idx} has no open sink"))?;
                    for d in &docs {
                        sink.write(d).map_err(anyhow::Error::new)?;
                    }
                }
            }
        }
        report.documents.written += docs.len() as u64;
        Ok(())
    }
}

/// Logs, counts and keeps one reject.
pub(crate) fn reject(
    r: &Reject,
    report: &mut RunReport,
    out: &mut Outputs,
    log: &Logger,
) -> Result<()> {
    log.reject(r);
    report.add_reject(r);
    if let Some(w) = out.rejects.as_mut() {
        w.write(r).map_err(anyhow::Error::new)?;
    }
    Ok(())
}

/// A progress bar on an interactive stderr, none under cron.
pub(crate) fn progress_bar(log: &Logger) -> Result<Option<ProgressBar>> {
    if !log.wants_progress() {
        return Ok(None);
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed_precise} [{wide_bar}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec} ETA {eta} {msg}",
        )
        .map_err(|e| anyhow!("progress template: {e}"))?
        .progress_chars("=> "),
    );
    Ok(Some(bar))
}

/// A fresh report for a run.
pub(crate) fn new_report(settings: &RunSettings, threads: usize) -> RunReport {
    RunReport {
        pith_version: env!("CARGO_PKG_VERSION"),
        command: settings.command.clone(),
        config: settings.config_name.clone(),
        started_at: rfc3339(SystemTime::now()),
        threads,
        ..RunReport::default()
    }
}

/// Documents per batch are also capped by bytes, so a batch of huge pages stays bounded.
pub(crate) const BATCH_BYTES: usize = 64 << 20;

/// Runs the steps over the source. Returns the report; its `exit_code` is 0 or 3.
pub fn execute(steps: Vec<Step>, settings: RunSettings) -> Result<RunReport> {
    let started = Instant::now();
    let (flow, exports) = Flow::new(steps, settings.threads)?;
    let mut report = new_report(&settings, flow.threads);

    // Open every output first: an unwritable output fails the run before any data is read.
    let mut out = Outputs::default();
    for output in exports {
        out.sinks.push(match output {
            Output::Config(cfg) => open_sink(&cfg).map_err(anyhow::Error::new)?,
            Output::Ready(sink) => sink,
        });
    }
    if let Some(p) = &settings.side.rejects {
        out.rejects = Some(RecordWriter::create(p).map_err(anyhow::Error::new)?);
    }
    if let Some(p) = &settings.side.dropped {
        out.dropped = Some(RecordWriter::create(p).map_err(anyhow::Error::new)?);
    }

    flow.prepass(&settings.source, &settings.read)?;

    let batch_size = settings.batch_size.max(1);
    let rx = spawn_reader(
        settings.source.clone(),
        settings.read.clone(),
        batch_size,
        Some(flow.pool()),
    );
    let progress = progress_bar(&settings.log)?;

    let mut done_bytes = 0u64;
    let mut current: Option<Arc<AtomicU64>> = None;
    let mut batch: Vec<Document> = Vec::with_capacity(batch_size);
    let mut batch_bytes = 0usize;
    let log = &settings.log;

    // When the reader falls behind, a batch that can keep the workers busy goes at once, so
    // reading overlaps processing even on inputs smaller than one batch; stages whose output
    // depends on batch boundaries keep batches cut by count.
    let adaptive = !flow.stages().any(|s| s.fixed_batches());
    let min_batch = (flow.threads * 4).min(batch_size);
    loop {
        let msg = match rx.try_recv() {
            Ok(m) => m,
            Err(TryRecvError::Disconnected) => break,
            Err(TryRecvError::Empty) => {
                if adaptive && batch.len() >= min_batch {
                    flow.process(std::mem::take(&mut batch), &mut report, &mut out, log)?;
                    batch_bytes = 0;
                    continue;
                }
                match rx.recv() {
                    Ok(m) => m,
                    Err(_) => break,
                }
            }
        };
        match msg {
            Msg::Total { files, bytes } => {
                report.inputs.files = files;
                report.inputs.bytes = bytes;
                if let Some(p) = &progress {
                    p.set_length(bytes);
                }
            }
            Msg::FileStart(counter) => current = Some(counter),
            Msg::FileDone { bytes, .. } => {
                done_bytes += bytes;
                current = None;
            }
            Msg::Item(Item::Skip(reason)) => {
                *report.skipped.entry(reason.to_string()).or_default() += 1;
            }
            Msg::Item(Item::Reject(r)) => reject(&r, &mut report, &mut out, log)?,
            Msg::Item(Item::Doc(doc)) => {
                batch_bytes += doc.content_len();
                batch.push(*doc);
                if batch.len() >= batch_size || batch_bytes >= BATCH_BYTES {
                    flow.process(std::mem::take(&mut batch), &mut report, &mut out, log)?;
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
        flow.process(std::mem::take(&mut batch), &mut report, &mut out, log)?;
    }
    for s in flow.stages() {
        s.finish()
            .map_err(|e| anyhow!("stage {}: {e:#}", s.name()))?;
    }
    for sink in out.sinks {
        let summary = sink.finish().map_err(anyhow::Error::new)?;
        report.bytes_out += summary.bytes;
        report.outputs.push(summary);
    }
    if let Some(w) = out.rejects {
        report
            .side_files
            .insert("rejects".into(), w.path().display().to_string());
        w.commit().map_err(anyhow::Error::new)?;
    }
    if let Some(w) = out.dropped {
        report
            .side_files
            .insert("dropped".into(), w.path().display().to_string());
        w.commit().map_err(anyhow::Error::new)?;
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
        write_json(path, &report)?;
    }
    Ok(report)
}

/// Writes a value as pretty JSON, atomically (tmp, fsync, rename).
pub(crate) fn write_json<T: Serialize>(path: &std::path::Path, value: &T) -> Result<()> {
    let mut f = pith_export::AtomicFile::create(path).map_err(anyhow::Error::new)?;
    let json = serde_json::to_vec_pretty(value).context("cannot serialise JSON")?;
    f.write_all(&json).map_err(anyhow::Error::new)?;
    f.write_all(b"\n").map_err(anyhow::Error::new)?;
    f.commit().map_err(anyhow::Error::new)?;
    Ok(())
}

/// The reader loop of a sharded task: its units in order, each document optionally stamped
/// with its place in the whole input's order.
fn read_units(
    units: &[Unit],
    rejects: Vec<Reject>,
    stamp: bool,
    read: &ReadConfig,
    send: &dyn Fn(Msg) -> bool,
) {
    let total: u64 = units
        .iter()
        .map(|u| u.range.map_or(u.file.size, |r| r.end - r.start))
        .sum();
    if !send_start(send, units.len(), total, rejects) {
        return;
    }
    for (index, unit) in units.iter().enumerate() {
        let reader = FileReader::open_unit(unit, read);
        let counter = reader.bytes_counter();
        let items = reader.enumerate().map(|(seq, item)| match item {
            Item::Doc(mut doc) if stamp => {
                doc.set_meta(
                    ORDER_KEY,
                    serde_json::json!([unit.file_index, unit.start(), seq]),
                );
                Item::Doc(doc)
            }
            other => other,
        });
        if !send_file(send, index, counter, items) {
            return;
        }
    }
}

/// Sends the run's size, then discovery's rejects. `false`: the receiver is gone.
fn send_start(send: &dyn Fn(Msg) -> bool, files: usize, bytes: u64, rejects: Vec<Reject>) -> bool {
    send(Msg::Total {
        files: files as u64,
        bytes,
    }) && rejects
        .into_iter()
        .all(|r| send(Msg::Item(Item::Reject(Box::new(r)))))
}

/// Sends one file's items between its start and its end (with the bytes its reader counted).
/// `false`: the receiver is gone.
fn send_file(
    send: &dyn Fn(Msg) -> bool,
    index: usize,
    counter: Arc<AtomicU64>,
    items: impl IntoIterator<Item = Item>,
) -> bool {
    send(Msg::FileStart(Arc::clone(&counter)))
        && items.into_iter().all(|item| send(Msg::Item(item)))
        && send(Msg::FileDone {
            index,
            bytes: counter.load(Ordering::Relaxed),
        })
}

/// How many files from the start of `files` form a run of small one-document files (HTML or
/// text by the forced format or the extension), at most [`PARALLEL_FILES`] of them and
/// [`PARALLEL_BYTES`] in all: what the reader reads in parallel and holds at once.
fn small_run(files: &[InputFile], read: &ReadConfig) -> usize {
    let mut bytes = 0u64;
    files
        .iter()
        .take(PARALLEL_FILES)
        .take_while(|f| {
            bytes += f.size;
            let single = matches!(
                read.format.or(f.format_hint),
                Some(pith_read::Format::Html | pith_read::Format::Text)
            );
            single && f.size <= PARALLEL_FILE_MAX && bytes <= PARALLEL_BYTES
        })
        .count()
}

/// Bounds of a parallel read: files, total bytes on disk, and the largest file (compressed
/// pages decompress to at most `limits.max_record_bytes` each).
const PARALLEL_FILES: usize = 64;
const PARALLEL_BYTES: u64 = 32 << 20;
const PARALLEL_FILE_MAX: u64 = 4 << 20;

/// The `meta` key of a document's place in the input order in a sharded run's sign pass.
pub(crate) const ORDER_KEY: &str = "_order";

/// Discovers and reads inputs on a thread of its own, sending items in input order. The channel
/// is bounded, so reading never runs more than about one batch ahead of processing.
pub(crate) fn spawn_reader(
    source: Source,
    read: ReadConfig,
    batch_size: usize,
    pool: Option<Arc<rayon::ThreadPool>>,
) -> Receiver<Msg> {
    let (tx, rx) = sync_channel::<Msg>(batch_size);
    std::thread::Builder::new()
        .name("pith-reader".into())
        .spawn(move || {
            let send = |m: Msg| tx.send(m).is_ok();
            let (files, rejects) = match source {
                Source::Stdin => {
                    let reader = FileReader::stdin(&read);
                    let counter = reader.bytes_counter();
                    if send(Msg::Total { files: 1, bytes: 0 }) {
                        send_file(&send, 0, counter, reader);
                    }
                    return;
                }
                Source::Paths(paths) => discover(&paths),
                Source::Files(files, rejects) => (files, rejects),
                Source::Units {
                    units,
                    rejects,
                    stamp,
                } => {
                    read_units(&units, rejects, stamp, &read, &send);
                    return;
                }
            };
            let total: u64 = files.iter().map(|f| f.size).sum();
            if !send_start(&send, files.len(), total, rejects) {
                return;
            }
            let mut index = 0;
            while index < files.len() {
                // A run of small one-document files (pages, text dumps) is read and decoded
                // on the worker pool, so reading scales with the workers instead of capping
                // throughput at one reader thread; the items still go out in input order.
                let run = small_run(&files[index..], &read);
                if let (Some(pool), true) = (&pool, run > 1) {
                    let window = &files[index..index + run];
                    let read_all = |f: &InputFile| {
                        let reader = FileReader::open(f, &read);
                        let counter = reader.bytes_counter();
                        (reader.collect::<Vec<Item>>(), counter)
                    };
                    let done: Vec<(Vec<Item>, Arc<AtomicU64>)> =
                        pool.install(|| window.par_iter().map(read_all).collect());
                    for (items, counter) in done {
                        if !send_file(&send, index, counter, items) {
                            return;
                        }
                        index += 1;
                    }
                    continue;
                }
                let reader = FileReader::open(&files[index], &read);
                let counter = reader.bytes_counter();
                if !send_file(&send, index, counter, reader) {
                    return;
                }
                index += 1;
            }
        })
        .expect("spawning the reader thread");
    rx
}
