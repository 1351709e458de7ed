//! Incremental (scheduled) runs: only new work, resumable after `kill -9`, one run at a time.
//!
//! A config with a `[state]` section (or whose export path ends in `/`) runs this way. The
//! export path is then a directory:
//!
//! ```text
//! out/corpus/part-000001-00001.jsonl.zst           documents written
//! out/corpus/part-000001-00001.dropped.jsonl.zst   documents dropped, with stage and reason
//! out/corpus/part-000001-00001.rejects.jsonl.zst   rejected inputs and records, with reason
//! out/corpus/manifest.json   every part {path, documents, sha256, ...} and totals
//! out/corpus/report.json     the last run's report
//! out/corpus/.pith/          the state (see `crate::state`)
//! ```
//!
//! **Unit of work and commit points.** An input file is the unit of work; a group of files
//! (`commit_every_files`, `commit_every_mb`) is the unit of commit. At a commit point, after the
//! last document of the group has gone through every stage:
//!
//! 1. the part's files (written as `*.tmp`) are fsynced and renamed into place;
//! 2. each dedupe stage saves its index to `dedupe-<i>.work`, which is hard-linked as
//!    generation `g + 1` (`dedupe-<i>-<g+1>.bin`);
//! 3. one database transaction records the inputs done, the part (with sha256 of its files),
//!    the dedupe generation `g + 1` and the run's counts;
//! 4. generation `g` is deleted and `manifest.json` is rewritten from the database (atomic
//!    rename).
//!
//! The database commit (3) is the single instant at which the work becomes done. A kill before
//! it leaves files that no committed state names (part files, `*.tmp`, generation `g + 1`);
//! the next run deletes them on start, rewrites the manifest, loads dedupe generation `g` and
//! reads the uncommitted inputs again, so their documents get exactly one outcome. A kill after
//! it leaves at most a stale generation `g` and a stale manifest, both repaired on start. So
//! the dedupe state is never ahead of or behind the committed parts.
//!
//! **Skipping.** An input whose size and mtime match its record is skipped unread; if only the
//! mtime changed, its content hash (xxh3) decides. A changed file is read again as a new
//! version; its earlier outcomes stay in earlier parts, and documents it still holds are
//! dropped as exact duplicates when the pipeline dedupes. Input keys are canonical paths, so a
//! run from another working directory sees the same inputs.
//!
//! **Inputs changing during a run.** Each file is stat'ed before and after it is read. A file
//! that changed while read keeps the outcomes read and is recorded with its identity from
//! before, so the next run reads it again; one that vanished is not recorded at all. Both are
//! logged and listed in the report (`incremental.inputs_changed`, `inputs_vanished`).

use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, Context, Result};
use pith_core::Document;
use pith_export::{open_sink, ExportConfig, ExportFormat, RecordWriter, SinkSummary};
use pith_read::{discover, InputFile, Item};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::config::{PipelineConfig, StageConfig};
use crate::log::{LogFormat, Logger};
use crate::pipeline::{self, Flow, Msg, Outputs, Source};
use crate::report::{rfc3339, RunReport};
use crate::state::{sync_dir, Commit, InputRecord, PartRecord, RunRecord, SideRecord, State};

const MANIFEST: &str = "manifest.json";
const REPORT: &str = "report.json";

/// True when a config asks for incremental runs.
pub fn is_incremental(cfg: &PipelineConfig) -> bool {
    cfg.state.is_some()
        || cfg
            .first_export()
            .is_some_and(|e| e.path.to_string_lossy().ends_with('/'))
}

/// Where an incremental config's output and state live.
pub struct Layout {
    pub out_dir: PathBuf,
    pub state_dir: PathBuf,
    pub export: ExportConfig,
}

/// Checks the shape an incremental run needs: one export, the last stage, to a directory.
pub fn layout(cfg: &PipelineConfig) -> Result<Layout> {
    let exports: Vec<(usize, &ExportConfig)> = cfg
        .stages
        .iter()
        .filter_map(|s| match &s.config {
            StageConfig::Export(e) => Some((s.line, e)),
            _ => None,
        })
        .collect();
    let [(line, export)] = exports.as_slice() else {
        bail!(
            "{}: incremental runs ([state]) need exactly one export stage, found {}",
            cfg.source,
            exports.len()
        );
    };
    if !matches!(
        cfg.stages.last().map(|s| &s.config),
        Some(StageConfig::Export(_))
    ) {
        bail!(
            "{}:{line}: incremental runs ([state]) need the export to be the last stage",
            cfg.source
        );
    }
    let name = export.path.to_string_lossy().to_ascii_lowercase();
    if [
        ".jsonl", ".csv", ".gz", ".zst", ".json", ".ndjson", ".parquet",
    ]
    .iter()
    .any(|ext| name.ends_with(ext))
    {
        bail!(
            "{}:{line}: incremental runs ([state]) write parts into a directory: export path \
             `{}` names a file (use e.g. \"out/corpus/\")",
            cfg.source,
            export.path.display()
        );
    }
    let out_dir = export.path.clone();
    let state_dir = cfg
        .state
        .as_ref()
        .and_then(|s| s.dir.clone())
        .unwrap_or_else(|| out_dir.join(".pith"));
    Ok(Layout {
        out_dir,
        state_dir,
        export: (*export).clone(),
    })
}

/// Options from the command line.
pub struct RunOptions {
    pub full: bool,
    pub threads: usize,
    pub command: String,
}

/// What the report says beyond a plain run's report.
#[derive(Debug, Default, Serialize)]
struct Extra {
    run: u64,
    state_dir: String,
    manifest: String,
    full: bool,
    inputs_unchanged: u64,
    inputs_changed: Vec<String>,
    inputs_vanished: Vec<String>,
    parts_written: Vec<String>,
    orphans_removed: u64,
    totals: Totals,
}

#[derive(Debug, Default, Clone, Copy, Serialize)]
struct Totals {
    parts: u64,
    documents_written: u64,
    documents_dropped: u64,
    documents_rejected: u64,
}

/// Identity of an input file, taken before it is read.
#[derive(Debug, Clone)]
struct Ident {
    key: String,
    size: u64,
    mtime_ns: u64,
    xxh3: String,
}

/// Runs an incremental pipeline. Returns the report (exit code 0 or 3).
pub fn run(mut cfg: PipelineConfig, opts: &RunOptions, log: &Logger) -> Result<RunReport> {
    let started = Instant::now();
    let lay = layout(&cfg)?;
    let state_cfg = cfg.state.clone().unwrap_or_default();
    let config_hash = config_hash(&cfg);
    std::fs::create_dir_all(&lay.out_dir).with_context(|| {
        format!(
            "cannot create the output directory {}",
            lay.out_dir.display()
        )
    })?;
    let state = State::open(&lay.state_dir, opts.full)?;
    if let Some(holder) = &state.stale_holder {
        notice(
            log,
            "stale_lock",
            &format!(
                "taking over the state in {} from a run that did not finish ({holder}); \
                 its uncommitted work is redone",
                lay.state_dir.display()
            ),
        );
    }

    // The dedupe stages keep their index in the state directory.
    let mut dedupe_count = 0usize;
    for spec in &mut cfg.stages {
        if let StageConfig::Dedupe(d) = &mut spec.config {
            if d.state_path.is_some() {
                bail!(
                    "{}:{}: dedupe `state_path` cannot be set in incremental runs: the index \
                     lives in the state directory ({})",
                    cfg.source,
                    spec.line,
                    lay.state_dir.display()
                );
            }
            d.state_path = Some(work_path(&lay.state_dir, dedupe_count));
            dedupe_count += 1;
        }
    }

    let mut gen = state.dedupe_gen()?;
    let orphans = recover(&lay, &state, gen, dedupe_count, log)?;
    write_manifest(&lay.out_dir, &state)?;
    for i in 0..dedupe_count {
        let work = work_path(&lay.state_dir, i);
        let current = gen_path(&lay.state_dir, i, gen);
        if gen > 0 && current.exists() {
            link_or_copy(&current, &work)?;
        } else if gen > 0 {
            bail!(
                "dedupe state {} is missing although committed parts rely on it; run with \
                 --full to rebuild",
                current.display()
            );
        }
    }
    if let Some((id, last)) = state
        .runs()?
        .into_iter()
        .rev()
        .find(|(_, r)| r.status == "ok" || r.status == "rejects")
    {
        if last.config_hash != config_hash && !opts.full {
            notice(
                log,
                "config_changed",
                &format!(
                    "the pipeline config changed since run {id}: inputs already done are not \
                     redone (use --full to rebuild everything with the new config)"
                ),
            );
        }
    }

    let steps = pipeline::build(&cfg).map_err(|e| {
        if dedupe_count > 0 {
            e.context("if the dedupe state no longer fits the config, run with --full")
        } else {
            e
        }
    })?;
    let (flow, _) = Flow::new(steps, opts.threads)?;
    let mut report = RunReport {
        pith_version: env!("CARGO_PKG_VERSION"),
        command: opts.command.clone(),
        config: cfg.source.clone(),
        started_at: rfc3339(SystemTime::now()),
        threads: flow.threads,
        ..RunReport::default()
    };
    let mut record = RunRecord {
        started_at: report.started_at.clone(),
        status: "running".into(),
        config_hash,
        full: opts.full,
        ..RunRecord::default()
    };
    let run_id = state.begin_run(&record)?;
    let mut extra = Extra {
        run: run_id,
        state_dir: lay.state_dir.display().to_string(),
        manifest: lay.out_dir.join(MANIFEST).display().to_string(),
        full: opts.full,
        orphans_removed: orphans,
        ..Extra::default()
    };

    // Which inputs need reading.
    let (files, discover_rejects) = discover(&cfg.input.paths);
    let mut todo: Vec<InputFile> = Vec::new();
    let mut idents: Vec<Ident> = Vec::new();
    let mut touched: Vec<(String, InputRecord)> = Vec::new();
    for f in files {
        let key = input_key(&f.path);
        let Ok((size, mtime_ns)) = stat(&f.path) else {
            // Let the reader report it.
            idents.push(Ident {
                key,
                size: 0,
                mtime_ns: 0,
                xxh3: String::new(),
            });
            todo.push(f);
            continue;
        };
        let known = state.input(&key)?;
        if let Some(rec) = &known {
            if rec.size == size && rec.mtime_ns == mtime_ns {
                extra.inputs_unchanged += 1;
                continue;
            }
        }
        let xxh3 = hash_file(&f.path).unwrap_or_default();
        if let Some(rec) = known {
            if rec.size == size && rec.xxh3 == xxh3 && !xxh3.is_empty() {
                // Touched, not changed: remember the new mtime, read nothing.
                extra.inputs_unchanged += 1;
                touched.push((key, InputRecord { mtime_ns, ..rec }));
                continue;
            }
        }
        idents.push(Ident {
            key,
            size,
            mtime_ns,
            xxh3,
        });
        todo.push(f);
    }

    let mut ctx = Ctx {
        flow: &flow,
        state: &state,
        lay: &lay,
        log,
        run_id,
        seq: 0,
        gen: &mut gen,
        dedupe_count,
        out: None,
        pending: touched,
        pending_files: 0,
        dirty: false,
        marks: Marks::default(),
        record: &mut record,
        extra: &mut extra,
    };
    let result = ctx.read_all(
        todo,
        discover_rejects,
        &idents,
        &cfg,
        &state_cfg,
        &mut report,
    );
    drop(ctx);
    if let Err(e) = result {
        record.status = "failed".into();
        record.exit_code = Some(1);
        record.finished_at = Some(rfc3339(SystemTime::now()));
        record.error = Some(format!("{e:#}"));
        // Best effort: the disk may be what failed.
        let _ = state.commit(&Commit {
            run: Some((run_id, record)),
            ..Commit::default()
        });
        return Err(e.context(format!(
            "run {run_id} stopped; everything committed before the error is kept in {} and \
             the next run goes on from there",
            lay.out_dir.display()
        )));
    }

    report.finished_at = rfc3339(SystemTime::now());
    report.elapsed_seconds = started.elapsed().as_secs_f64();
    report.exit_code = if report.rejected_total() > 0 { 3 } else { 0 };
    record.finished_at = Some(report.finished_at.clone());
    record.exit_code = Some(report.exit_code);
    record.status = if report.exit_code == 0 {
        "ok"
    } else {
        "rejects"
    }
    .into();
    fill_counts(&mut record, &report, &extra);
    state.commit(&Commit {
        run: Some((run_id, record.clone())),
        ..Commit::default()
    })?;
    extra.totals = write_manifest(&lay.out_dir, &state)?;
    let manifest = lay.out_dir.join(MANIFEST);
    report.outputs.push(SinkSummary {
        path: manifest.display().to_string(),
        format: "parts".into(),
        documents: report.documents.written,
        rows: report.documents.written,
        bytes: report.bytes_out,
    });
    report
        .side_files
        .insert("manifest".into(), manifest.display().to_string());
    report
        .side_files
        .insert("state".into(), lay.state_dir.display().to_string());
    let report_path = cfg
        .run
        .report
        .clone()
        .unwrap_or_else(|| lay.out_dir.join(REPORT));
    report
        .side_files
        .insert("report".into(), report_path.display().to_string());
    let mut value = serde_json::to_value(&report).context("cannot serialise the report")?;
    if let Some(obj) = value.as_object_mut() {
        obj.insert(
            "incremental".into(),
            serde_json::to_value(&extra).context("cannot serialise the report")?,
        );
    }
    pipeline::write_json(&report_path, &value)?;
    Ok(report)
}

fn fill_counts(record: &mut RunRecord, report: &RunReport, extra: &Extra) {
    record.inputs_read = report.inputs.files;
    record.inputs_unchanged = extra.inputs_unchanged;
    record.documents_read = report.documents.read;
    record.documents_written = report.documents.written;
    record.documents_dropped = report.documents.dropped;
    record.documents_rejected = report.rejected_total();
    record.parts = extra.parts_written.len() as u64;
}

/// Report counters at the start of the current part, to count what the part holds.
#[derive(Default, Clone, Copy)]
struct Marks {
    written: u64,
    dropped: u64,
    rejected: u64,
}

impl Marks {
    fn of(r: &RunReport) -> Marks {
        Marks {
            written: r.documents.written,
            dropped: r.documents.dropped,
            rejected: r.rejected_total(),
        }
    }
}

/// The state of the read-process-commit loop.
struct Ctx<'a> {
    flow: &'a Flow,
    state: &'a State,
    lay: &'a Layout,
    log: &'a Logger,
    run_id: u64,
    seq: u64,
    gen: &'a mut u64,
    dedupe_count: usize,
    /// The open part, if any outcome has been written since the last commit.
    out: Option<(Outputs, PartNames)>,
    /// Inputs read to their end since the last commit.
    pending: Vec<(String, InputRecord)>,
    pending_files: usize,
    /// Documents went through the stages since the last commit (their state changed).
    dirty: bool,
    marks: Marks,
    record: &'a mut RunRecord,
    extra: &'a mut Extra,
}

struct PartNames {
    corpus: String,
    dropped: String,
    rejects: String,
}

impl Ctx<'_> {
    fn read_all(
        &mut self,
        todo: Vec<InputFile>,
        discover_rejects: Vec<pith_core::Reject>,
        idents: &[Ident],
        cfg: &PipelineConfig,
        state_cfg: &crate::config::StateConfig,
        report: &mut RunReport,
    ) -> Result<()> {
        let every_files = state_cfg.commit_every_files.max(1);
        let every_bytes = state_cfg.commit_every_mb.max(1).saturating_mul(1 << 20);
        let batch_size = cfg.run.batch_size.max(1);
        let paths: Vec<PathBuf> = todo.iter().map(|f| f.path.clone()).collect();
        report.inputs.files = todo.len() as u64;
        report.inputs.bytes = todo.iter().map(|f| f.size).sum();
        let rx = pipeline::spawn_reader(
            Source::Files(todo, discover_rejects),
            cfg.input.clone(),
            batch_size,
            Some(self.flow.pool()),
        );
        let progress = pipeline::progress_bar(self.log)?;
        let mut batch: Vec<Document> = Vec::with_capacity(batch_size);
        let mut batch_bytes = 0usize;
        let mut group_bytes = 0u64;
        let mut done_bytes = 0u64;
        let mut current: Option<Arc<AtomicU64>> = None;
        for msg in rx {
            match msg {
                Msg::Total { bytes, .. } => {
                    if let Some(p) = &progress {
                        p.set_length(bytes);
                    }
                }
                Msg::FileStart(c) => current = Some(c),
                Msg::FileDone { index, bytes } => {
                    done_bytes += bytes;
                    current = None;
                    let (Some(ident), Some(path)) = (idents.get(index), paths.get(index)) else {
                        bail!("internal: file index {index} out of range");
                    };
                    self.file_done(ident, path)?;
                    group_bytes += bytes;
                    if self.pending_files >= every_files || group_bytes >= every_bytes {
                        self.flush(&mut batch, report)?;
                        batch_bytes = 0;
                        group_bytes = 0;
                        self.commit(report, false)?;
                    }
                    if let Some(p) = &progress {
                        p.set_position(done_bytes);
                    }
                }
                Msg::Item(Item::Skip(reason)) => {
                    *report.skipped.entry(reason.to_string()).or_default() += 1;
                }
                Msg::Item(Item::Reject(r)) => {
                    let log = self.log;
                    let out = self.open_part()?;
                    pipeline::reject(&r, report, out, log)?;
                }
                Msg::Item(Item::Doc(doc)) => {
                    batch_bytes += doc.content_len();
                    batch.push(*doc);
                    if batch.len() >= batch_size || batch_bytes >= pipeline::BATCH_BYTES {
                        self.flush(&mut batch, report)?;
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
        self.flush(&mut batch, report)?;
        report.bytes_in = done_bytes;
        self.commit(report, true)?;
        if let Some(p) = &progress {
            p.finish_and_clear();
        }
        Ok(())
    }

    /// Records an input read to its end (or notes why it is not recorded).
    fn file_done(&mut self, ident: &Ident, path: &Path) -> Result<()> {
        match stat(path) {
            Err(_) => {
                notice(
                    self.log,
                    "input_vanished",
                    &format!(
                        "{} vanished during the run; what was read is kept, and the file is \
                         read again if it comes back",
                        path.display()
                    ),
                );
                self.extra.inputs_vanished.push(path.display().to_string());
            }
            Ok((size, mtime_ns)) => {
                if ident.xxh3.is_empty() {
                    // It could not be stat'ed or hashed before: nothing reliable to record.
                    return Ok(());
                }
                if size != ident.size || mtime_ns != ident.mtime_ns {
                    notice(
                        self.log,
                        "input_changed",
                        &format!(
                            "{} changed while it was read; what was read is kept, and the next \
                             run reads the new version",
                            path.display()
                        ),
                    );
                    self.extra.inputs_changed.push(path.display().to_string());
                }
                // Recorded as it was before reading: a file that changed differs from this
                // record next time and is read again.
                self.pending.push((
                    ident.key.clone(),
                    InputRecord {
                        size: ident.size,
                        mtime_ns: ident.mtime_ns,
                        xxh3: ident.xxh3.clone(),
                        run: self.run_id,
                        part: None,
                    },
                ));
                self.pending_files += 1;
            }
        }
        Ok(())
    }

    fn flush(&mut self, batch: &mut Vec<Document>, report: &mut RunReport) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let docs = std::mem::take(batch);
        self.dirty = true;
        let flow = self.flow;
        let log = self.log;
        let out = self.open_part()?;
        flow.process(docs, report, out, log)
    }

    /// The current part's outputs, opened (as `*.tmp` files) on first use.
    fn open_part(&mut self) -> Result<&mut Outputs> {
        if self.out.is_none() {
            self.seq += 1;
            let stem = format!("part-{:06}-{:05}", self.run_id, self.seq);
            let ext = match self.lay.export.resolved_format() {
                ExportFormat::Csv => "csv",
                ExportFormat::Jsonl => "jsonl.zst",
                ExportFormat::Parquet => "parquet",
            };
            let names = PartNames {
                corpus: format!("{stem}.{ext}"),
                dropped: format!("{stem}.dropped.jsonl.zst"),
                rejects: format!("{stem}.rejects.jsonl.zst"),
            };
            let dir = &self.lay.out_dir;
            let mut export = self.lay.export.clone();
            export.path = dir.join(&names.corpus);
            let out = Outputs {
                sinks: vec![open_sink(&export).map_err(anyhow::Error::new)?],
                rejects: Some(
                    RecordWriter::create(&dir.join(&names.rejects)).map_err(anyhow::Error::new)?,
                ),
                dropped: Some(
                    RecordWriter::create(&dir.join(&names.dropped)).map_err(anyhow::Error::new)?,
                ),
            };
            self.out = Some((out, names));
        }
        Ok(&mut self.out.as_mut().expect("opened above").0)
    }

    /// A commit point: see the module docs for the order of steps and why.
    fn commit(&mut self, report: &mut RunReport, last: bool) -> Result<()> {
        let dir = self.lay.out_dir.clone();
        let now = Marks::of(report);
        let mut part = None;
        if let Some((out, names)) = self.out.take() {
            let documents = now.written - self.marks.written;
            let dropped = now.dropped - self.marks.dropped;
            let rejected = now.rejected - self.marks.rejected;
            let mut bytes = 0;
            for sink in out.sinks {
                bytes += sink.finish().map_err(anyhow::Error::new)?.bytes;
            }
            let side =
                |w: Option<RecordWriter>, n: u64, name: &str| -> Result<Option<SideRecord>> {
                    match w {
                        Some(w) if n > 0 => {
                            w.commit().map_err(anyhow::Error::new)?;
                            Ok(Some(SideRecord {
                                path: name.to_string(),
                                records: n,
                                sha256: sha256_file(&dir.join(name))?,
                            }))
                        }
                        // Dropped unwritten: its temporary file is removed.
                        _ => Ok(None),
                    }
                };
            let dropped_rec = side(out.dropped, dropped, &names.dropped)?;
            let rejects_rec = side(out.rejects, rejected, &names.rejects)?;
            report.bytes_out += bytes;
            part = Some(PartRecord {
                sha256: sha256_file(&dir.join(&names.corpus))?,
                path: names.corpus,
                documents,
                bytes,
                run: self.run_id,
                inputs: self.pending_files as u64,
                dropped: dropped_rec,
                rejects: rejects_rec,
                committed_at: rfc3339(SystemTime::now()),
            });
        }
        self.marks = now;
        if let Some(p) = &part {
            for (_, rec) in self.pending.iter_mut() {
                if rec.run == self.run_id {
                    rec.part = Some(p.path.clone());
                }
            }
        }
        // Dedupe state for exactly the documents committed so far.
        // (Nothing to save when no document went through the stages since the last commit.)
        let mut new_gen = None;
        if self.dirty {
            for s in self.flow.stages() {
                let r = if last { s.finish() } else { s.checkpoint() };
                r.map_err(|e| anyhow!("stage {}: {e:#}", s.name()))?;
            }
        }
        if self.dedupe_count > 0 && self.dirty {
            let g = *self.gen + 1;
            for i in 0..self.dedupe_count {
                let work = work_path(&self.lay.state_dir, i);
                let next = gen_path(&self.lay.state_dir, i, g);
                if work.exists() {
                    link_or_copy(&work, &next)?;
                }
            }
            sync_dir(&self.lay.state_dir);
            new_gen = Some(g);
        }
        if let Some(p) = &part {
            self.extra.parts_written.push(p.path.clone());
        }
        fill_counts(self.record, report, self.extra);
        self.state.commit(&Commit {
            inputs: std::mem::take(&mut self.pending),
            part,
            dedupe_gen: new_gen,
            run: Some((self.run_id, self.record.clone())),
        })?;
        self.pending_files = 0;
        self.dirty = false;
        if let Some(g) = new_gen {
            for i in 0..self.dedupe_count {
                let _ = std::fs::remove_file(gen_path(&self.lay.state_dir, i, *self.gen));
            }
            *self.gen = g;
        }
        write_manifest(&self.lay.out_dir, self.state)?;
        Ok(())
    }
}

/// Deletes what no committed state names: part files and temporary files in the output
/// directory, dedupe generations other than the current one. Returns the files removed.
fn recover(
    lay: &Layout,
    state: &State,
    gen: u64,
    dedupe_count: usize,
    log: &Logger,
) -> Result<u64> {
    let parts = state.parts()?;
    let known: HashSet<&str> = parts.iter().flat_map(|p| p.files()).collect();
    let mut removed = 0u64;
    for entry in std::fs::read_dir(&lay.out_dir)
        .with_context(|| format!("cannot list {}", lay.out_dir.display()))?
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        let orphan =
            (name.starts_with("part-") && !known.contains(name.as_str())) || name.ends_with(".tmp");
        if is_file && orphan {
            std::fs::remove_file(entry.path())
                .with_context(|| format!("cannot remove {}", entry.path().display()))?;
            removed += 1;
        }
    }
    let current: HashSet<PathBuf> = (0..dedupe_count)
        .map(|i| gen_path(&lay.state_dir, i, gen))
        .collect();
    for entry in std::fs::read_dir(&lay.state_dir)
        .with_context(|| format!("cannot list {}", lay.state_dir.display()))?
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with("dedupe-") && name.ends_with(".work") {
            // The working copy is made anew from the current generation before each run.
            std::fs::remove_file(entry.path())
                .with_context(|| format!("cannot remove {}", entry.path().display()))?;
            continue;
        }
        let dedupe_file = name.starts_with("dedupe-") && name.ends_with(".bin");
        if (dedupe_file && !current.contains(&entry.path())) || name.ends_with(".tmp") {
            std::fs::remove_file(entry.path())
                .with_context(|| format!("cannot remove {}", entry.path().display()))?;
            removed += 1;
        }
    }
    sync_dir(&lay.out_dir);
    sync_dir(&lay.state_dir);
    for p in &parts {
        for f in p.files() {
            if !lay.out_dir.join(f).exists() {
                notice(
                    log,
                    "part_missing",
                    &format!(
                        "committed part {} is missing from {}; the manifest still lists it \
                         (run with --full to rebuild)",
                        f,
                        lay.out_dir.display()
                    ),
                );
            }
        }
    }
    if removed > 0 {
        notice(
            log,
            "recovered",
            &format!(
                "removed {removed} files left by an interrupted run (uncommitted parts, \
                 temporary files, old dedupe state); their inputs are read again"
            ),
        );
    }
    Ok(removed)
}

/// Rewrites `manifest.json` from the database (atomic rename); returns the totals.
fn write_manifest(out_dir: &Path, state: &State) -> Result<Totals> {
    let parts = state.parts()?;
    let mut totals = Totals::default();
    for p in &parts {
        totals.parts += 1;
        totals.documents_written += p.documents;
        totals.documents_dropped += p.dropped.as_ref().map_or(0, |s| s.records);
        totals.documents_rejected += p.rejects.as_ref().map_or(0, |s| s.records);
    }
    let runs = state.runs()?;
    let manifest = json!({
        "format": "pith-manifest-1",
        "updated_at": rfc3339(SystemTime::now()),
        "runs": runs.len(),
        "inputs": state.inputs()?.len(),
        "totals": totals,
        "parts": parts,
    });
    pipeline::write_json(&out_dir.join(MANIFEST), &manifest)?;
    Ok(totals)
}

fn work_path(state_dir: &Path, i: usize) -> PathBuf {
    state_dir.join(format!("dedupe-{i}.work"))
}

fn gen_path(state_dir: &Path, i: usize, gen: u64) -> PathBuf {
    state_dir.join(format!("dedupe-{i}-{gen:010}.bin"))
}

/// Hard-links `from` as `to` (replacing `to`); copies where links are not possible. The
/// dedupe stage replaces its file by rename, never in place, so a link is never written through.
fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    let _ = std::fs::remove_file(to);
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to)
            .with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    }
    Ok(())
}

/// The key of an input in the state: its canonical path.
fn input_key(path: &Path) -> String {
    std::fs::canonicalize(path)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

fn stat(path: &Path) -> std::io::Result<(u64, u64)> {
    let m = std::fs::metadata(path)?;
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
    Ok((m.len(), mtime))
}

fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut f = File::open(path)?;
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    let mut buf = vec![0u8; 256 << 10];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(buf.get(..n).unwrap_or_default());
    }
    Ok(format!("{:016x}", h.digest()))
}

pub(crate) fn sha256_file(path: &Path) -> Result<String> {
    let mut f = File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 256 << 10];
    loop {
        let n = f
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        h.update(buf.get(..n).unwrap_or_default());
    }
    Ok(format!("{:x}", h.finalize()))
}

/// A hash of what decides the outcomes (stages and read settings, not the input list).
fn config_hash(cfg: &PipelineConfig) -> String {
    let mut input = cfg.input.clone();
    input.paths.clear();
    let stages: Vec<&StageConfig> = cfg.stages.iter().map(|s| &s.config).collect();
    let text = format!("{input:?}{stages:?}");
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

/// A warning for the operator, as text or JSON.
fn notice(log: &Logger, event: &str, message: &str) {
    match log.format {
        LogFormat::Text => eprintln!("pith: {message}"),
        LogFormat::Json => eprintln!(
            "{}",
            json!({"level": "warn", "event": event, "message": message})
        ),
    }
}

/// `pith state show|forget|gc`.
pub enum StateAction {
    Show { json: bool },
    Forget { inputs: Vec<String> },
    Gc,
}

/// Runs a `pith state` command on the state a config names. Returns the exit code.
pub fn state_command(cfg: &PipelineConfig, action: StateAction, log: &Logger) -> Result<u8> {
    let lay = layout(cfg)?;
    if !lay.state_dir.exists() {
        bail!(
            "no state in {} yet (a first `pith run` creates it)",
            lay.state_dir.display()
        );
    }
    let mut state = State::open(&lay.state_dir, false)?;
    match action {
        StateAction::Show { json } => {
            let inputs = state.inputs()?;
            let parts = state.parts()?;
            let runs = state.runs()?;
            let gen = state.dedupe_gen()?;
            let mut totals = Totals::default();
            for p in &parts {
                totals.parts += 1;
                totals.documents_written += p.documents;
                totals.documents_dropped += p.dropped.as_ref().map_or(0, |s| s.records);
                totals.documents_rejected += p.rejects.as_ref().map_or(0, |s| s.records);
            }
            if json {
                let v = json!({
                    "state_dir": lay.state_dir.display().to_string(),
                    "output_dir": lay.out_dir.display().to_string(),
                    "inputs": inputs,
                    "dedupe_generation": gen,
                    "totals": totals,
                    "runs": runs.iter().map(|(id, r)| json!({"run": id, "record": r})).collect::<Vec<_>>(),
                });
                println!("{}", serde_json::to_string_pretty(&v).context("json")?);
            } else {
                println!("state:   {}", lay.state_dir.display());
                println!("output:  {}", lay.out_dir.display());
                println!(
                    "inputs done: {}; parts: {}; documents written {}, dropped {}, rejected {}; dedupe generation {}",
                    inputs.len(),
                    totals.parts,
                    totals.documents_written,
                    totals.documents_dropped,
                    totals.documents_rejected,
                    gen
                );
                println!("runs (last 10):");
                for (id, r) in runs.iter().rev().take(10).rev() {
                    println!(
                        "  {id:>5}  {}  {:<11} exit {}  inputs read {} unchanged {}  docs read {} written {} dropped {} rejected {}  config {}",
                        r.started_at,
                        r.status,
                        r.exit_code.map_or("-".to_string(), |c| c.to_string()),
                        r.inputs_read,
                        r.inputs_unchanged,
                        r.documents_read,
                        r.documents_written,
                        r.documents_dropped,
                        r.documents_rejected,
                        r.config_hash
                    );
                }
            }
        }
        StateAction::Forget { inputs } => {
            let mut n = 0;
            for i in &inputs {
                n += state.forget(&input_key(Path::new(i)))?;
            }
            println!(
                "forgot {n} input files; the next run reads them again (their earlier outcomes \
                 stay in earlier parts)"
            );
        }
        StateAction::Gc => {
            let dedupe_count = cfg
                .stages
                .iter()
                .filter(|s| matches!(s.config, StageConfig::Dedupe(_)))
                .count();
            let gen = state.dedupe_gen()?;
            let removed = recover(&lay, &state, gen, dedupe_count, log)?;
            write_manifest(&lay.out_dir, &state)?;
            let shrank = state.compact()?;
            println!(
                "removed {removed} unreferenced files; database {}",
                if shrank {
                    "compacted"
                } else {
                    "already compact"
                }
            );
        }
    }
    Ok(0)
}
