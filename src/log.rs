//! Operator output: a progress bar on a terminal, one line per reject, one summary line; as
//! text or as JSON objects for log shippers.

use std::io::{IsTerminal, Write};

use pith_core::Reject;
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// Where the final summary line goes: stdout for `pith run`, stderr when stdout carries data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SummaryTo {
    Stdout,
    Stderr,
}

#[derive(Debug, Clone)]
pub struct Logger {
    pub quiet: bool,
    pub format: LogFormat,
    pub summary_to: SummaryTo,
}

impl Logger {
    /// A progress bar only on an interactive stderr, never under cron or with `--quiet`.
    pub fn wants_progress(&self) -> bool {
        !self.quiet && std::io::stderr().is_terminal()
    }

    pub fn reject(&self, r: &Reject) {
        let line = match self.format {
            LogFormat::Text => format!("pith: rejected: {}", r.log_line()),
            LogFormat::Json => json!({
                "level": "warn",
                "event": "reject",
                "file": r.file,
                "record": r.record,
                "id": r.id,
                "reason": r.reason,
                "detail": r.detail,
            })
            .to_string(),
        };
        eprintln!("{line}");
    }

    pub fn error(&self, message: &str) {
        match self.format {
            LogFormat::Text => eprintln!("pith: error: {message}"),
            LogFormat::Json => {
                eprintln!(
                    "{}",
                    json!({"level": "error", "event": "fatal", "message": message})
                )
            }
        }
    }

    pub fn summary(&self, text_line: &str, json_value: serde_json::Value) {
        if self.quiet {
            return;
        }
        let line = match self.format {
            LogFormat::Text => text_line.to_string(),
            LogFormat::Json => json_value.to_string(),
        };
        match self.summary_to {
            SummaryTo::Stdout => {
                let mut out = std::io::stdout().lock();
                let _ = writeln!(out, "{line}");
            }
            SummaryTo::Stderr => eprintln!("{line}"),
        }
    }
}
