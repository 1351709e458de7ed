//! Extraction benchmark: quality (mean token F1) and speed (docs/s, MB/s on one thread) of
//! `pith_clean::html::extract` on a folder of pages with gold text, and trafilatura's on the same
//! files in the same run when a Python with trafilatura is at hand.
//!
//! ```text
//! cargo bench -p pith-clean --bench extraction
//! ```
//! Environment:
//! - `PITH_EXTRACTION_DIR`: the data set (`html/<id>.html[.gz]` and `gold.jsonl`); default
//!   `../../../shared/bench/extraction/scrapinghub` from this crate.
//! - `PITH_PYTHON`: a Python with trafilatura (default `python3` when it can import it);
//!   `PITH_ANCHOR=0` skips the comparison. `PITH_EXTRACT_WITH`: the anchor runner script
//!   (default `<dir>/../../../eval/extract_with.py`).
//! - `PITH_EXTRACTION_PRED=FILE`: also write pith's predictions as `{"id","text"}` JSONL.
//! - `PITH_EXTRACTION_WORST=N`: list the N documents with the lowest F1.
//! - `PITH_EXTRACTION_MIN_F1=0.97`: exit with status 1 when pith's mean F1 is below (a CI gate).
//! - `PITH_EXTRACTION_REPEAT=N`: timed passes (default 3); the fastest is reported, since other
//!   jobs on a shared machine only ever slow a pass down.
//!
//! Two speeds are printed: extraction alone (pages already in memory as text), and end to end
//! per page as `pith clean` does it (read the file, gunzip, decode, extract), both on one core.

#[path = "../src/score.rs"]
#[allow(dead_code, unused_imports)]
mod score;

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use pith_clean::html::{extract, Options};

/// The page files of the data set, sorted.
fn page_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("html"))
        .expect("dataset has an html/ folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let n = p.to_string_lossy();
            n.ends_with(".html") || n.ends_with(".html.gz") || n.ends_with(".htm")
        })
        .collect();
    files.sort();
    files
}

/// Reads one page file as `pith clean` does: the bytes, gunzipped when `.gz`, as text.
fn read_page(p: &Path) -> (String, String) {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = name.split(".htm").next().unwrap_or("").to_string();
    let raw = std::fs::read(p).expect("page readable");
    let bytes = if name.ends_with(".gz") {
        let mut out = Vec::with_capacity(raw.len() * 4);
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .expect("valid gzip");
        out
    } else {
        raw
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    (id, text)
}

fn load_pages(dir: &Path) -> Vec<(String, String)> {
    page_files(dir).iter().map(|p| read_page(p)).collect()
}

/// CPU seconds of `f` (wall seconds where the CPU clock is not readable).
fn timed(f: impl FnOnce()) -> (f64, f64) {
    let t0 = Instant::now();
    let c0 = cpu_seconds();
    f();
    let wall = t0.elapsed().as_secs_f64();
    let cpu = match (c0, cpu_seconds()) {
        (Some(a), Some(b)) if b > a => b - a,
        _ => wall,
    };
    (cpu, wall)
}

/// On-CPU time of this (single-threaded) process in seconds ([`pith_core::cpu_time`]); the
/// load of other processes on a shared machine does not inflate it as it does wall time.
fn cpu_seconds() -> Option<f64> {
    pith_core::cpu_time::process_seconds()
}

fn python() -> Option<String> {
    if std::env::var("PITH_ANCHOR").is_ok_and(|v| v == "0") {
        return None;
    }
    let py = std::env::var("PITH_PYTHON").unwrap_or_else(|_| "python3".to_string());
    let ok = Command::new(&py)
        .args(["-c", "import trafilatura"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(py)
}

fn main() {
    let dir = std::env::var("PITH_EXTRACTION_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/bench/extraction/scrapinghub")
        });
    let gold = score::load_texts(&dir.join("gold.jsonl")).expect("gold.jsonl readable and valid");
    let pages = load_pages(&dir);
    let bytes: usize = pages.iter().map(|(_, p)| p.len()).sum();
    let opts = Options::default();

    let repeat = std::env::var("PITH_EXTRACTION_REPEAT")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(3)
        .max(1);

    // Warm-up run (page cache, allocator), then the timed runs on one thread.
    for (_, page) in pages.iter().take(10) {
        let _ = extract(page, &opts);
    }
    let mut preds: HashMap<String, String> = HashMap::with_capacity(pages.len());
    let mut failures = 0;
    let (mut secs, mut wall) = timed(|| {
        for (id, page) in &pages {
            match extract(page, &opts) {
                Ok(e) => {
                    preds.insert(id.clone(), e.text);
                }
                Err(_) => failures += 1,
            }
        }
    });
    for _ in 1..repeat {
        let (c, w) = timed(|| {
            for (_, page) in &pages {
                let _ = extract(page, &opts);
            }
        });
        secs = secs.min(c);
        wall = wall.min(w);
    }
    // End to end per page: read, gunzip, decode, extract.
    let files = page_files(&dir);
    let mut e2e = (f64::MAX, f64::MAX);
    for _ in 0..repeat {
        let (c, w) = timed(|| {
            for f in &files {
                let (_, page) = read_page(f);
                let _ = extract(&page, &opts);
            }
        });
        e2e = (e2e.0.min(c), e2e.1.min(w));
    }
    let s = score::score(&gold, &preds);
    let docs_s = pages.len() as f64 / secs;
    println!(
        "dataset: {} ({} pages, {:.1} MB)",
        dir.display(),
        pages.len(),
        bytes as f64 / 1e6
    );
    println!(
        "pith        F1={:.4} P={:.4} R={:.4}  {:.0} docs/s  {:.1} MB/s  ({:.2} CPU s, {:.2} wall s, 1 thread, {} over budget)",
        s.mean_f1,
        s.mean_precision,
        s.mean_recall,
        docs_s,
        bytes as f64 / 1e6 / secs,
        secs,
        wall,
        failures
    );
    println!(
        "pith end to end (read + gunzip + decode + extract): {:.0} docs/s  ({:.2} CPU s, {:.2} wall s, 1 thread, fastest of {repeat})",
        files.len() as f64 / e2e.0,
        e2e.0,
        e2e.1
    );

    if let Some(min) = std::env::var("PITH_EXTRACTION_MIN_F1")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
    {
        if s.mean_f1 < min {
            eprintln!(
                "FAIL: mean F1 {:.4} is below PITH_EXTRACTION_MIN_F1={min}",
                s.mean_f1
            );
            std::process::exit(1);
        }
        println!("gate: mean F1 {:.4} >= {min}", s.mean_f1);
    }
    if let Ok(path) = std::env::var("PITH_EXTRACTION_PRED") {
        let mut out = String::new();
        for (id, _) in &pages {
            let line =
                serde_json::json!({"id": id, "text": preds.get(id).cloned().unwrap_or_default()});
            out.push_str(&line.to_string());
            out.push('\n');
        }
        std::fs::write(&path, out).expect("prediction file writable");
    }
    if let Some(n) = std::env::var("PITH_EXTRACTION_WORST")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    {
        let mut docs: Vec<_> = s.per_doc.iter().collect();
        docs.sort_by(|a, b| a.1.f1.total_cmp(&b.1.f1));
        for (id, d) in docs.into_iter().take(n) {
            println!(
                "  {:.3} P={:.3} R={:.3} gold={} pred={} {}",
                d.f1, d.precision, d.recall, d.gold_tokens, d.pred_tokens, id
            );
        }
    }

    let Some(py) = python() else {
        println!("trafilatura: not available (set PITH_PYTHON to a python with trafilatura)");
        return;
    };
    let script = std::env::var("PITH_EXTRACT_WITH")
        .map(PathBuf::from)
        .unwrap_or_else(|_| dir.join("../../../eval/extract_with.py"));
    let out_path = std::env::temp_dir().join(format!(
        "pith-bench-trafilatura-{}.jsonl",
        std::process::id()
    ));
    let t0 = Instant::now();
    let run = Command::new(&py)
        .arg(&script)
        .arg("trafilatura")
        .arg(&dir)
        .arg(&out_path)
        .output();
    let wall = t0.elapsed().as_secs_f64();
    let Ok(run) = run.map_err(|e| println!("trafilatura: could not run {}: {e}", script.display()))
    else {
        return;
    };
    if !run.status.success() {
        println!(
            "trafilatura: failed: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        return;
    }
    let cpu = String::from_utf8_lossy(&run.stdout)
        .lines()
        .last()
        .and_then(|l| l.trim().parse::<f64>().ok())
        .unwrap_or(wall);
    let tpred: HashMap<String, String> = score::load_texts(&out_path)
        .unwrap_or_default()
        .into_iter()
        .collect();
    let _ = std::fs::remove_file(&out_path);
    let ts = score::score(&gold, &tpred);
    let t_docs_s = pages.len() as f64 / cpu;
    println!(
        "trafilatura F1={:.4} P={:.4} R={:.4}  {:.0} docs/s  {:.1} MB/s  ({:.2} CPU s, whole process)",
        ts.mean_f1,
        ts.mean_precision,
        ts.mean_recall,
        t_docs_s,
        bytes as f64 / 1e6 / cpu,
        cpu
    );
    println!(
        "pith/trafilatura: F1 {:+.4}, speed x{:.1}",
        s.mean_f1 - ts.mean_f1,
        docs_s / t_docs_s
    );
}
