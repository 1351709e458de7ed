//! Runs the segment stage over a JSONL file of documents (`{"text": ...}` per line), for
//! timing under a profiler or `perf stat`:
//!
//! ```text
//! cargo build --release -p pith-segment --example stage
//! perf stat -r 3 -e task-clock target/release/examples/stage \
//!     ../shared/bench/extraction/scrapinghub/gold.jsonl 40
//! ```
//!
//! Arguments: the file, how many times to run over it (default 1), and `--no-lang-id` to
//! assume English instead of identifying each document's language. Prints the document,
//! byte and sentence counts and MB/s per second of this thread's CPU time (Linux; one core,
//! whatever the machine's load) and of wall-clock time.

use std::time::Instant;

use pith_core::{Document, Stage, Verdict};
use pith_segment::{Segment, SegmentConfig};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: stage FILE.jsonl [ROUNDS] [--no-lang-id]");
        std::process::exit(2);
    };
    let rounds: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(1);
    let lang_id = !args.iter().any(|a| a == "--no-lang-id");
    let body = match std::fs::read_to_string(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let docs: Vec<String> = body
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .collect();
    let stage = Segment::new(SegmentConfig {
        detect_lang: lang_id,
        default_lang: (!lang_id).then(|| "en".to_string()),
        ..SegmentConfig::default()
    })
    .expect("a valid config");
    let bytes: usize = docs.iter().map(String::len).sum::<usize>() * rounds;
    let cpu0 = thread_cpu_secs();
    let start = Instant::now();
    let mut sentences = 0;
    for _ in 0..rounds {
        for text in &docs {
            if let Verdict::Keep(d) = stage.process(Document::new("d", text.as_str())) {
                sentences += d.sentences.map_or(0, |s| s.len());
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let cpu = match (cpu0, thread_cpu_secs()) {
        (Some(a), Some(b)) => b - a,
        _ => secs,
    };
    println!(
        "{} documents x{rounds}, {bytes} bytes, {sentences} sentences, language id {}: \
         {:.1} MB/s per core busy ({:.1} MB/s wall clock)",
        docs.len(),
        if lang_id { "on" } else { "off" },
        bytes as f64 / 1e6 / cpu,
        bytes as f64 / 1e6 / secs
    );
}

/// CPU time this thread has run, in seconds ([`pith_core::cpu_time`]), so that throughput on
/// one core can be measured on a shared, loaded machine.
fn thread_cpu_secs() -> Option<f64> {
    pith_core::cpu_time::thread_seconds()
}
