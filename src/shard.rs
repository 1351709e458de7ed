//! Sharded runs: one corpus from many machines. pith does not schedule anything itself; Slurm
//! job arrays or Kubernetes Indexed Jobs run the tasks, and each task reads the units of work
//! (whole files, or byte ranges of large uncompressed JSONL and WARC files) that a stable hash
//! assigns to it (see [`pith_read::range`]).
//!
//! A pipeline without a dedupe stage runs in one pass: every task writes its own
//! `part-<I>-of-<N>` outputs. A pipeline that dedupes runs in three passes the scheduler
//! chains, so that duplicates are found across all tasks, with the same decisions as one run
//! over the same input (the design of datatrove's MinHash pipeline: signatures, buckets,
//! clusters, filter; written here, and exact rather than approximate):
//! 1. `sign` (every task): read the task's units, run the stages before dedupe, and write the
//!    surviving documents and their signatures (`<work>/sign/part-<I>-of-<N>.*`). Each
//!    signature carries the document's place in the whole input's order.
//! 2. `cluster` (one task): merge every task's signatures in input order and decide each
//!    document with the dedupe stage's own decision, reading no text; write each task's
//!    decisions (`<work>/cluster/part-<I>-of-<N>.decisions.jsonl`). A dedupe `state_path` is
//!    loaded and saved here, so scheduled sharded runs dedupe against earlier ones.
//! 3. `write` (every task): apply the decisions to the task's documents, run the stages after
//!    dedupe and write the `part-<I>-of-<N>` outputs.
//!
//! Every file is written to a temporary name and renamed, so a retried task simply redoes its
//! pass; the passes after it check that every file they need is complete.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use pith_core::{Document, Error as CoreError, Reject, Stage, Verdict};
use pith_dedupe::signature::{self, Signature};
use pith_dedupe::{Decision, Dedupe, DedupeConfig, Keep};
use pith_export::{AtomicFile, JsonlSink, RecordWriter, Sink, SinkSummary};
use pith_read::{discover, plan_units, ReadConfig};
use serde::{Deserialize, Serialize};

use crate::config::{PipelineConfig, StageConfig};
use crate::log::Logger;
use crate::pipeline::{self, RunSettings, SideFiles, Source, Step, ORDER_KEY};
use crate::report::RunReport;

/// Which task of how many.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

/// The passes of a sharded run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Pass {
    /// Everything in one pass (pipelines without dedupe, or one task).
    All,
    /// Read, run the stages before dedupe, write documents and signatures.
    Sign,
    /// Decide duplicates across every task's signatures (one task).
    Cluster,
    /// Apply the decisions, run the remaining stages, write the outputs.
    Write,
}

/// Resolves the shard from the flags, then `SLURM_ARRAY_TASK_ID`/`SLURM_ARRAY_TASK_COUNT`,
/// then `JOB_COMPLETION_INDEX` (Kubernetes Indexed Jobs) with `PITH_SHARD_COUNT`. `None`: not
/// a sharded run. The index is `None` when only the count is known (the cluster pass).
pub fn resolve(
    index: Option<usize>,
    count: Option<usize>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<(Option<usize>, usize)>> {
    let num = |name: &str| -> Result<Option<usize>> {
        match env(name) {
            None => Ok(None),
            Some(v) if v.trim().is_empty() => Ok(None),
            Some(v) => v
                .trim()
                .parse()
                .map(Some)
                .with_context(|| format!("{name}={v:?} is not a number")),
        }
    };
    // The index and the count are looked up separately: `--shard-count` in a job script
    // and the index from the array's environment is the usual combination.
    let slurm_index = match num("SLURM_ARRAY_TASK_ID")? {
        None => None,
        Some(id) => {
            // Array ids need not start at 0 (`--array=1-4`); other steps cannot be mapped.
            let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
            if num("SLURM_ARRAY_TASK_STEP")?.is_some_and(|s| s != 1) {
                bail!("SLURM_ARRAY_TASK_STEP is not 1: pass --shard-index and --shard-count");
            }
            Some(id.checked_sub(min).ok_or_else(|| {
                anyhow!("SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}")
            })?)
        }
    };
    let (index, index_from) = match index {
        Some(i) => (Some(i), "--shard-index"),
        None => match slurm_index {
            Some(i) => (Some(i), "SLURM_ARRAY_TASK_ID"),
            None => (num("JOB_COMPLETION_INDEX")?, "JOB_COMPLETION_INDEX"),
        },
    };
    let (count, count_from) = match count {
        Some(c) => (Some(c), "--shard-count"),
        None => match num("SLURM_ARRAY_TASK_COUNT")?.filter(|_| slurm_index.is_some()) {
            Some(c) => (Some(c), "SLURM_ARRAY_TASK_COUNT"),
            None => (num("PITH_SHARD_COUNT")?, "PITH_SHARD_COUNT"),
        },
    };
    let from = format!("{index_from}/{count_from}");
    match (index, count) {
        (None, None) => Ok(None),
        (_, None) => bail!("{from}: the shard index is set but not the shard count"),
        (_, Some(0)) => bail!("{from}: the shard count must be at least 1"),
        (None, Some(count)) => Ok(Some((None, count))),
        (Some(index), Some(count)) if index >= count => {
            bail!("{from}: shard index {index} is not below the shard count {count}")
        }
        (Some(index), Some(count)) => Ok(Some((Some(index), count))),
    }
}

impl Shard {
    /// `part-00003-of-00004`.
    pub fn label(&self) -> String {
        format!("part-{:05}-of-{:05}", self.index, self.count)
    }

    /// `out/corpus.jsonl.gz` -> `out/corpus.part-00003-of-00004.jsonl.gz`.
    pub fn part_path(&self, path: &Path) -> PathBuf {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // The extension is everything from the first dot that is not the name's first byte.
        let cut = name
            .char_indices()
            .skip(1)
            .find(|&(_, c)| c == '.')
            .map_or(name.len(), |(i, _)| i);
        let (stem, ext) = name.split_at(cut);
        path.with_file_name(format!("{stem}.{}{ext}", self.label()))
    }
}

/// The work directory's files for one task.
struct WorkFiles {
    docs: PathBuf,
    sigs: PathBuf,
    sign_side: SideFiles,
    decisions: PathBuf,
}

fn work_files(work: &Path, shard: Shard) -> WorkFiles {
    let sign = work.join("sign");
    let label = shard.label();
    WorkFiles {
        docs: sign.join(format!("{label}.docs.jsonl.zst")),
        sigs: sign.join(format!("{label}.sig")),
        sign_side: SideFiles::beside(&sign.join(format!("{label}.jsonl"))),
        decisions: work
            .join("cluster")
            .join(format!("{label}.decisions.jsonl")),
    }
}

/// The default work directory: `.pith-shards` beside the first export.
pub fn default_work_dir(cfg: &PipelineConfig) -> PathBuf {
    cfg.first_export()
        .and_then(|e| e.path.parent().map(Path::to_path_buf))
        .unwrap_or_default()
        .join(".pith-shards")
}

/// What a sharded pass needs besides the config.
pub struct Options {
    pub shard: Shard,
    pub pass: Pass,
    pub work_dir: PathBuf,
    pub split_bytes: u64,
    pub threads: usize,
    pub command: String,
}

/// The outcome of a pass: a run report (sign, write, all), or the cluster pass's summary.
pub enum Outcome {
    Run(Box<RunReport>),
    Cluster(ClusterReport),
}

/// The pipeline cut at its dedupe stage.
struct Split {
    before: Vec<Step>,
    dedupe: Option<DedupeConfig>,
    after: Vec<Step>,
}

fn split(cfg: &PipelineConfig, shard: Shard) -> Result<Split> {
    let dedupes: Vec<usize> = cfg
        .stages
        .iter()
        .enumerate()
        .filter(|(_, s)| matches!(s.config, StageConfig::Dedupe(_)))
        .map(|(i, _)| i)
        .collect();
    if dedupes.len() > 1 {
        let spec = &cfg.stages[dedupes[1]];
        bail!(
            "{}:{}: a sharded run supports one dedupe stage",
            cfg.source,
            spec.line
        );
    }
    // Every export of a task writes its own part.
    let mut parted = cfg.clone();
    for spec in &mut parted.stages {
        if let StageConfig::Export(e) = &mut spec.config {
            e.path = shard.part_path(&e.path);
        }
    }
    let steps = pipeline::build(&parted)?;
    let Some(&d) = dedupes.first() else {
        return Ok(Split {
            before: steps,
            dedupe: None,
            after: Vec::new(),
        });
    };
    let mut steps = steps;
    let after = steps.split_off(d + 1);
    steps.pop();
    let StageConfig::Dedupe(dc) = &cfg.stages[d].config else {
        unreachable!("index found above")
    };
    if dc.keep == Keep::Longest {
        bail!(
            "{}:{}: keep = \"longest\" depends on batch boundaries; a sharded dedupe keeps the \
             first copy in input order (keep = \"first\")",
            cfg.source,
            cfg.stages[d].line
        );
    }
    Ok(Split {
        before: steps,
        dedupe: Some(dc.clone()),
        after,
    })
}

/// Runs one pass of a sharded run.
pub fn run(cfg: &PipelineConfig, opts: &Options, log: &Logger) -> Result<Outcome> {
    let shard = opts.shard;
    let mut parts = split(cfg, shard)?;
    let pass = match (opts.pass, &parts.dedupe) {
        (Pass::All, Some(_)) if shard.count > 1 => bail!(
            "{}: this pipeline dedupes across tasks, so it runs in three passes: --pass sign \
             (every task), --pass cluster (one task), --pass write (every task); `pith slurm` \
             writes the job scripts",
            cfg.source
        ),
        (Pass::Sign | Pass::Cluster | Pass::Write, None) => bail!(
            "{}: --pass {:?} applies to pipelines with a dedupe stage; this one runs in one \
             pass (--pass all)",
            cfg.source,
            opts.pass
        ),
        (p, _) => p,
    };
    let files = work_files(&opts.work_dir, shard);
    match pass {
        Pass::All => {
            // One task with a dedupe stage, or no dedupe stage: the whole pipeline at once.
            let mut steps = std::mem::take(&mut parts.before);
            if let Some(dc) = parts.dedupe.take() {
                steps.push(Step::Stage(Box::new(Dedupe::new(dc)?)));
                steps.append(&mut parts.after);
            }
            let side = side_files(cfg, shard);
            let source = units_source(cfg, opts, false);
            Ok(Outcome::Run(Box::new(execute(
                steps, source, side, cfg, opts, log,
            )?)))
        }
        Pass::Sign => {
            let dc = parts.dedupe.take().expect("checked above");
            let dedupe = Dedupe::new(DedupeConfig {
                state_path: None,
                ..dc
            })?;
            let mut steps = std::mem::take(&mut parts.before);
            steps.push(Step::Sink(Box::new(SignSink::create(&files, dedupe)?)));
            let source = units_source(cfg, opts, true);
            let side = files.sign_side.clone();
            Ok(Outcome::Run(Box::new(execute(
                steps, source, side, cfg, opts, log,
            )?)))
        }
        Pass::Cluster => {
            let dc = parts.dedupe.take().expect("checked above");
            Ok(Outcome::Cluster(cluster(&opts.work_dir, shard.count, dc)?))
        }
        Pass::Write => {
            let dc = parts.dedupe.take().expect("checked above");
            for needed in [&files.docs, &files.decisions] {
                if !needed.exists() {
                    bail!(
                        "{} is missing: run --pass sign for task {} and --pass cluster first",
                        needed.display(),
                        shard.index
                    );
                }
            }
            let dedupe = Dedupe::new(DedupeConfig {
                state_path: None,
                ..dc
            })?;
            let mut steps: Vec<Step> = vec![Step::Stage(Box::new(ApplyDecisions::open(
                &files.decisions,
                dedupe,
            )?))];
            steps.append(&mut parts.after);
            let side = side_files(cfg, shard);
            let source = Source::Paths(vec![files.docs.display().to_string()]);
            let read = ReadConfig {
                paths: Vec::new(),
                format: Some(pith_read::Format::Jsonl),
                limits: cfg.input.limits.clone(),
                ..ReadConfig::default()
            };
            Ok(Outcome::Run(Box::new(execute_with(
                steps, source, read, side, cfg, opts, log,
            )?)))
        }
    }
}

fn side_files(cfg: &PipelineConfig, shard: Shard) -> SideFiles {
    let mut side = cfg
        .first_export()
        .map(|e| SideFiles::beside(&shard.part_path(&e.path)))
        .unwrap_or_default();
    let part = |p: &Option<PathBuf>| p.as_ref().map(|p| shard.part_path(p));
    if cfg.run.rejects.is_some() {
        side.rejects = part(&cfg.run.rejects);
    }
    if cfg.run.dropped.is_some() {
        side.dropped = part(&cfg.run.dropped);
    }
    if cfg.run.report.is_some() {
        side.report = part(&cfg.run.report);
    }
    side
}

fn units_source(cfg: &PipelineConfig, opts: &Options, stamp: bool) -> Source {
    let (files, rejects) = discover(&cfg.input.paths);
    let units = plan_units(&files, &cfg.input, opts.split_bytes)
        .into_iter()
        .filter(|u| u.shard(opts.shard.count) == opts.shard.index)
        .collect();
    // Discovery's rejects (a path that matches nothing) are every task's: task 0 reports them.
    let rejects = if opts.shard.index == 0 {
        rejects
    } else {
        Vec::new()
    };
    Source::Units {
        units,
        rejects,
        stamp,
    }
}

fn execute(
    steps: Vec<Step>,
    source: Source,
    side: SideFiles,
    cfg: &PipelineConfig,
    opts: &Options,
    log: &Logger,
) -> Result<RunReport> {
    execute_with(steps, source, cfg.input.clone(), side, cfg, opts, log)
}

fn execute_with(
    steps: Vec<Step>,
    source: Source,
    read: ReadConfig,
    side: SideFiles,
    cfg: &PipelineConfig,
    opts: &Options,
    log: &Logger,
) -> Result<RunReport> {
    for p in [&side.rejects, &side.dropped, &side.report]
        .into_iter()
        .flatten()
    {
        if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
    }
    let settings = RunSettings {
        source,
        read,
        batch_size: cfg.run.batch_size,
        threads: opts.threads,
        side,
        log: log.clone(),
        command: opts.command.clone(),
        config_name: cfg.source.clone(),
    };
    pipeline::execute(steps, settings)
}

/// A document's place in the whole input's order: file, range start, record in the range.
type Order = [u64; 3];

fn order_of(doc: &Document) -> Result<Order, CoreError> {
    let v = doc.meta.get(ORDER_KEY).and_then(|v| v.as_array());
    let n = |i: usize| v.and_then(|a| a.get(i)).and_then(serde_json::Value::as_u64);
    match (n(0), n(1), n(2)) {
        (Some(a), Some(b), Some(c)) => Ok([a, b, c]),
        _ => Err(CoreError::new(
            pith_core::ErrorKind::Io,
            format!(
                "document {} lost its input order (meta.{ORDER_KEY})",
                doc.id
            ),
        )),
    }
}

/// The sign pass's sink: documents to a zstd JSONL file, their signatures (each after its
/// input order) to a binary file, both in the task's order.
struct SignSink {
    docs: JsonlSink,
    sigs: AtomicFile,
    buf: Vec<u8>,
    dedupe: Dedupe,
    count: u64,
}

impl SignSink {
    fn create(files: &WorkFiles, dedupe: Dedupe) -> Result<SignSink> {
        if let Some(dir) = files.docs.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        let mut buf = Vec::with_capacity(1 << 20);
        signature::write_header(&mut buf, dedupe.signature_fingerprint())?;
        Ok(SignSink {
            docs: JsonlSink::create(&files.docs, true)?,
            sigs: AtomicFile::create(&files.sigs)?,
            buf,
            dedupe,
            count: 0,
        })
    }
}

impl Sink for SignSink {
    fn write(&mut self, doc: &Document) -> Result<(), CoreError> {
        let order = order_of(doc)?;
        let mut doc = doc.clone();
        doc.meta.remove(ORDER_KEY);
        for x in order {
            self.buf.extend_from_slice(&x.to_le_bytes());
        }
        self.dedupe
            .signature(&doc)
            .write_to(&mut self.buf)
            .map_err(|e| CoreError::io("cannot encode a signature".to_string(), e))?;
        if self.buf.len() >= 1 << 20 {
            self.sigs.write_all(&self.buf)?;
            self.buf.clear();
        }
        self.count += 1;
        self.docs.write(&doc)
    }

    fn finish(mut self: Box<Self>) -> Result<SinkSummary, CoreError> {
        self.sigs.write_all(&self.buf)?;
        let sig_bytes = self.sigs.commit()?;
        let mut summary = Box::new(self.docs).finish()?;
        summary.format = "sign".into();
        summary.bytes += sig_bytes;
        Ok(summary)
    }
}

/// A decision as the cluster pass hands it to a task.
#[derive(Serialize, Deserialize)]
struct DecisionLine {
    id: String,
    decision: Decision,
}

/// What the cluster pass did.
#[derive(Debug, Serialize)]
pub struct ClusterReport {
    pub tasks: usize,
    pub signatures: u64,
    pub kept: u64,
    pub dropped: std::collections::BTreeMap<String, u64>,
    pub elapsed_seconds: f64,
    pub report: String,
}

impl ClusterReport {
    pub fn summary_line(&self) -> String {
        let dropped: u64 = self.dropped.values().sum();
        let reasons: Vec<String> = self
            .dropped
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        format!(
            "cluster: {} signatures from {} tasks: {} kept, {} duplicates ({}) in {:.1}s",
            self.signatures,
            self.tasks,
            self.kept,
            dropped,
            reasons.join(", "),
            self.elapsed_seconds
        )
    }
}

/// One task's signature stream.
struct SigReader {
    input: BufReader<File>,
    path: PathBuf,
}

impl SigReader {
    fn next(&mut self) -> Result<Option<(Order, Signature)>> {
        let mut first = [0u8; 8];
        let n = read_full(&mut self.input, &mut first)
            .with_context(|| format!("cannot read {}", self.path.display()))?;
        if n == 0 {
            return Ok(None);
        }
        if n < 8 {
            bail!("{}: truncated signature record", self.path.display());
        }
        let mut rest = [0u8; 16];
        self.input
            .read_exact(&mut rest)
            .with_context(|| format!("{}: truncated signature record", self.path.display()))?;
        let u = |b: &[u8]| u64::from_le_bytes(b.try_into().expect("8 bytes"));
        let order = [u(&first), u(&rest[..8]), u(&rest[8..])];
        let sig = Signature::read_from(&mut self.input)
            .with_context(|| format!("{}: bad signature record", self.path.display()))?
            .ok_or_else(|| anyhow!("{}: truncated signature record", self.path.display()))?;
        Ok(Some((order, sig)))
    }
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The reduce pass: every task's signatures merged in input order (one record per task in
/// memory), decided one by one, decisions written per task.
fn cluster(work: &Path, count: usize, dc: DedupeConfig) -> Result<ClusterReport> {
    let started = Instant::now();
    let dedupe = Dedupe::new(dc)?;
    let mut readers = Vec::with_capacity(count);
    let mut writers = Vec::with_capacity(count);
    for index in 0..count {
        let files = work_files(work, Shard { index, count });
        let file = File::open(&files.sigs).with_context(|| {
            format!(
                "{} is missing: task {index} has not finished its sign pass",
                files.sigs.display()
            )
        })?;
        let mut input = BufReader::with_capacity(1 << 20, file);
        signature::read_header(&mut input, dedupe.signature_fingerprint())
            .with_context(|| format!("{}", files.sigs.display()))?;
        readers.push(SigReader {
            input,
            path: files.sigs.clone(),
        });
        if let Some(dir) = files.decisions.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        writers.push(RecordWriter::create(&files.decisions)?);
    }
    let mut heap = BinaryHeap::new();
    let mut pending: Vec<Option<Signature>> = vec![None; count];
    for (i, r) in readers.iter_mut().enumerate() {
        if let Some((order, sig)) = r.next()? {
            heap.push(Reverse((order, i)));
            pending[i] = Some(sig);
        }
    }
    let mut report = ClusterReport {
        tasks: count,
        signatures: 0,
        kept: 0,
        dropped: Default::default(),
        elapsed_seconds: 0.0,
        report: String::new(),
    };
    let mut last: Option<Order> = None;
    while let Some(Reverse((order, i))) = heap.pop() {
        if last.is_some_and(|l| l >= order) {
            bail!(
                "two documents share the input position {order:?} (tasks were run with different \
                 inputs or shard counts?)"
            );
        }
        last = Some(order);
        let sig = pending[i]
            .take()
            .expect("a pending signature per heap entry");
        let decision = dedupe.decide_signature(&sig);
        report.signatures += 1;
        match decision.duplicate_reason() {
            None => report.kept += 1,
            Some(r) => *report.dropped.entry(r.to_string()).or_default() += 1,
        }
        writers[i].write(&DecisionLine {
            id: sig.id,
            decision,
        })?;
        if let Some((order, sig)) = readers[i].next()? {
            heap.push(Reverse((order, i)));
            pending[i] = Some(sig);
        }
    }
    for w in writers {
        w.commit()?;
    }
    dedupe.finish()?;
    report.elapsed_seconds = started.elapsed().as_secs_f64();
    let path = work.join("cluster").join("report.json");
    report.report = path.display().to_string();
    pipeline::write_json(&path, &report)?;
    Ok(report)
}

/// The write pass's dedupe stage: the cluster pass's decisions, applied in order.
struct ApplyDecisions {
    dedupe: Dedupe,
    input: Mutex<(BufReader<File>, u64)>,
    path: PathBuf,
}

impl ApplyDecisions {
    fn open(path: &Path, dedupe: Dedupe) -> Result<ApplyDecisions> {
        let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        Ok(ApplyDecisions {
            dedupe,
            input: Mutex::new((BufReader::new(file), 0)),
            path: path.to_path_buf(),
        })
    }

    fn mismatch(&self, line: u64, detail: String) -> Verdict {
        Verdict::Reject(Box::new(
            Reject::new(
                self.path.display().to_string(),
                "shard_decision_mismatch",
                detail,
            )
            .at(format!("line {line}")),
        ))
    }
}

impl Stage for ApplyDecisions {
    fn name(&self) -> &'static str {
        "dedupe"
    }

    fn process(&self, doc: Document) -> Verdict {
        self.process_batch(vec![doc])
            .pop()
            .expect("one verdict per document")
    }

    fn process_batch(&self, docs: Vec<Document>) -> Vec<Verdict> {
        let mut guard = self.input.lock().unwrap_or_else(|p| p.into_inner());
        let (input, line) = &mut *guard;
        let mut out = Vec::with_capacity(docs.len());
        let mut buf = String::new();
        for doc in docs {
            buf.clear();
            *line += 1;
            let read = input.read_line(&mut buf);
            let parsed = match read {
                Ok(0) => Err("no decision left for this document".to_string()),
                Ok(_) => serde_json::from_str::<DecisionLine>(&buf).map_err(|e| e.to_string()),
                Err(e) => Err(e.to_string()),
            };
            out.push(match parsed {
                Ok(d) if d.id == doc.id => self.dedupe.apply(doc, d.decision),
                Ok(d) => self.mismatch(
                    *line,
                    format!("the decision is for {}, the document is {}", d.id, doc.id),
                ),
                Err(e) => self.mismatch(*line, format!("document {}: {e}", doc.id)),
            });
        }
        out
    }

    fn finish(&self) -> Result<(), CoreError> {
        let mut guard = self.input.lock().unwrap_or_else(|p| p.into_inner());
        let mut rest = String::new();
        let n = guard
            .0
            .read_line(&mut rest)
            .map_err(|e| CoreError::io(format!("cannot read {}", self.path.display()), e))?;
        if n > 0 {
            return Err(CoreError::new(
                pith_core::ErrorKind::State,
                format!(
                    "{} has more decisions than the task has documents (the sign pass was rerun \
                     after the cluster pass?)",
                    self.path.display()
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn flags_win_then_slurm_then_kubernetes() {
        let slurm = env_of(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
            ("JOB_COMPLETION_INDEX", "1"),
            ("PITH_SHARD_COUNT", "2"),
        ]);
        assert_eq!(
            resolve(Some(0), Some(2), &slurm).unwrap(),
            Some((Some(0), 2))
        );
        assert_eq!(resolve(None, None, &slurm).unwrap(), Some((Some(3), 4)));
        let k8s = env_of(&[("JOB_COMPLETION_INDEX", "1"), ("PITH_SHARD_COUNT", "2")]);
        assert_eq!(resolve(None, None, &k8s).unwrap(), Some((Some(1), 2)));
        let count_only = env_of(&[("PITH_SHARD_COUNT", "2")]);
        assert_eq!(resolve(None, None, &count_only).unwrap(), Some((None, 2)));
        assert_eq!(resolve(None, None, &env_of(&[])).unwrap(), None);
    }

    #[test]
    fn slurm_ids_from_one_and_bad_values() {
        let from_one = env_of(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert_eq!(resolve(None, None, &from_one).unwrap(), Some((Some(3), 4)));
        let stepped = env_of(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert!(resolve(None, None, &stepped).is_err());
        assert!(resolve(Some(4), Some(4), &env_of(&[])).is_err());
        assert!(resolve(Some(0), None, &env_of(&[])).is_err());
        assert!(resolve(None, Some(0), &env_of(&[])).is_err());
        let junk = env_of(&[("JOB_COMPLETION_INDEX", "x")]);
        assert!(resolve(None, None, &junk).is_err());
    }

    #[test]
    fn part_names_keep_every_extension() {
        let s = Shard { index: 3, count: 4 };
        assert_eq!(
            s.part_path(Path::new("out/corpus.jsonl.gz")),
            PathBuf::from("out/corpus.part-00003-of-00004.jsonl.gz")
        );
        assert_eq!(
            s.part_path(Path::new("corpus")),
            PathBuf::from("corpus.part-00003-of-00004")
        );
        assert_eq!(
            s.part_path(Path::new("/x/.hidden.csv")),
            PathBuf::from("/x/.hidden.part-00003-of-00004.csv")
        );
    }
}
