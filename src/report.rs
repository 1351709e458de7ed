//! The run report: what was read, written, dropped and rejected, and why.

use std::collections::BTreeMap;

use pith_core::Reject;
use pith_export::SinkSummary;
use serde::Serialize;

/// Rejects listed one by one in the report; all of them are in the rejects file.
const MAX_LISTED_REJECTS: usize = 1000;

#[derive(Debug, Default, Serialize)]
pub struct RunReport {
    pub pith_version: &'static str,
    pub command: String,
    pub config: String,
    pub started_at: String,
    pub finished_at: String,
    pub elapsed_seconds: f64,
    pub threads: usize,
    pub inputs: Inputs,
    pub documents: Counts,
    /// stage -> reason -> documents dropped.
    pub dropped: BTreeMap<String, BTreeMap<String, u64>>,
    /// reason -> inputs or records rejected.
    pub rejected: BTreeMap<String, u64>,
    /// reason -> valid records that hold no document (WARC request records, ...).
    pub skipped: BTreeMap<String, u64>,
    /// The first rejects, with file, record and reason.
    pub rejects: Vec<Reject>,
    pub outputs: Vec<SinkSummary>,
    pub side_files: BTreeMap<String, String>,
    pub bytes_in: u64,
    pub bytes_out: u64,
    pub exit_code: i32,
}

#[derive(Debug, Default, Serialize)]
pub struct Inputs {
    pub files: u64,
    pub bytes: u64,
}

#[derive(Debug, Default, Serialize, Clone, Copy)]
pub struct Counts {
    /// Documents that entered the pipeline.
    pub read: u64,
    /// Documents that reached the end of the pipeline and were written.
    pub written: u64,
    /// Documents a stage removed, with a reason.
    pub dropped: u64,
    /// Documents a stage could not process (time budget, ...), plus bad input records.
    pub rejected: u64,
}

impl RunReport {
    pub fn add_reject(&mut self, r: &Reject) {
        *self.rejected.entry(r.reason.clone()).or_default() += 1;
        if self.rejects.len() < MAX_LISTED_REJECTS {
            self.rejects.push(r.clone());
        }
    }

    pub fn add_drop(&mut self, stage: &str, reason: &str) {
        *self
            .dropped
            .entry(stage.to_string())
            .or_default()
            .entry(reason.to_string())
            .or_default() += 1;
        self.documents.dropped += 1;
    }

    pub fn rejected_total(&self) -> u64 {
        self.rejected.values().sum()
    }

    /// One line for logs and cron mail.
    pub fn summary_line(&self) -> String {
        let mut drops: Vec<String> = Vec::new();
        for (stage, reasons) in &self.dropped {
            for (reason, n) in reasons {
                drops.push(format!("{stage}/{reason} {n}"));
            }
        }
        let mut rejects: Vec<String> = self
            .rejected
            .iter()
            .map(|(r, n)| format!("{r} {n}"))
            .collect();
        if rejects.is_empty() {
            rejects.push("none".into());
        }
        let out = self
            .outputs
            .iter()
            .map(|o| o.path.clone())
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "pith: {} documents read from {} files ({}) in {:.2}s: {} written, {} dropped{}, {} rejected ({}); output {}",
            self.documents.read,
            self.inputs.files,
            human_bytes(self.bytes_in),
            self.elapsed_seconds,
            self.documents.written,
            self.documents.dropped,
            if drops.is_empty() { String::new() } else { format!(" ({})", drops.join(", ")) },
            self.rejected_total(),
            rejects.join(", "),
            if out.is_empty() { "-".to_string() } else { out },
        )
    }
}

pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut unit = 0;
    while v >= 1000.0 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// Seconds since the epoch as RFC 3339 UTC.
pub fn rfc3339(t: std::time::SystemTime) -> String {
    humantime::format_rfc3339_seconds(t).to_string()
}
