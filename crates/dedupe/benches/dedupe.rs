//! Dedupe benchmark: quality on the development set (`shared/bench/dedup/synthetic.jsonl`) and
//! throughput per core on it and on a generated dump of 100,000 documents, a third of them
//! near-duplicates; with datasketch's MinHashLSH on the same data when it is installed.
//!
//! ```text
//! cargo bench -p pith-dedupe --bench dedupe
//! ```
//! Environment:
//! - `PITH_DEDUP_DEV`: the development set (default: `../shared/bench/dedup/synthetic.jsonl`
//!   beside the work tree); skipped when missing.
//! - `PITH_BENCH_DOCS`: size of the generated dump (default 100000).
//! - `PITH_DEDUPE_CONFIG`: the stage config as JSON (default: the stage's defaults).
//! - `PITH_PYTHON`: a Python with `datasketch` (default: `python3`); `PITH_ANCHOR_DOCS`: how
//!   many generated documents the anchor runs on (default 10000; it manages ~500 docs/s).
//! - `PITH_SCORER`: `score_dedup.py`, run on the same predictions to check agreement.

#[path = "score.rs"]
mod score;
#[path = "synth.rs"]
mod synth;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use pith_core::{Document, Stage, Verdict};
use pith_dedupe::{Dedupe, DedupeConfig};
use score::{Row, Scores};

const BATCH: usize = 1000;

/// Heap bytes of the index after the last `run`.
static INDEX_BYTES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

fn main() {
    // `cargo bench` passes `--bench`; nothing to parse.
    let cfg: DedupeConfig = match std::env::var("PITH_DEDUPE_CONFIG") {
        Ok(s) => serde_json::from_str(&s).expect("PITH_DEDUPE_CONFIG must be a dedupe config"),
        Err(_) => DedupeConfig::default(),
    };
    let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dedupe-bench");
    std::fs::create_dir_all(&out_dir).expect("target tmp dir is writable");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    let python = std::env::var("PITH_PYTHON").unwrap_or_else(|_| "python3".into());
    let has_datasketch = Command::new(&python)
        .args(["-c", "import datasketch"])
        .output()
        .is_ok_and(|o| o.status.success());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = manifest.join("../../../shared");

    println!("pith dedupe benchmark (one core: a one-thread rayon pool)");
    println!(
        "config: {}",
        serde_json::to_string(&describe(&cfg)).unwrap_or_default()
    );

    // Development set.
    let dev = std::env::var("PITH_DEDUP_DEV")
        .map(PathBuf::from)
        .unwrap_or_else(|_| shared.join("bench/dedup/synthetic.jsonl"));
    if dev.exists() {
        let (docs, gold) = load_dev(&dev);
        let (verdicts, secs, cpu) = run(&pool, &cfg, vec![docs.clone()]);
        let rows = rows_of(&verdicts, &gold);
        let s = score::score(&rows);
        println!();
        s.print(&format!("development set {}", dev.display()));
        print_thin(&s, "thin_negative");
        let pred = out_dir.join("pred_dev.jsonl");
        write_pred(&pred, &rows);
        let scorer = std::env::var("PITH_SCORER")
            .map(PathBuf::from)
            .unwrap_or_else(|_| shared.join("eval/score_dedup.py"));
        check_agreement(&scorer, &dev, &pred, &s);
        shuffled(&pool, &cfg, &docs, &gold);
        // Throughput: repeat the small set until a second has passed.
        let mut n = 0usize;
        let (mut wall, mut cpu_total) = (secs, cpu);
        n += docs.len();
        while wall < 1.0 {
            let (_, w, c) = run(&pool, &cfg, vec![docs.clone()]);
            wall += w;
            cpu_total += c;
            n += docs.len();
        }
        println!(
            "  throughput             {:.0} docs/s wall, {:.0} docs per CPU-second (one core)",
            n as f64 / wall,
            n as f64 / cpu_total.max(1e-9)
        );
        if has_datasketch {
            anchor(
                &python,
                manifest,
                &dev,
                &out_dir,
                "dev",
                Some(&gold),
                n as f64 / cpu_total,
            );
        } else {
            println!("  datasketch: not installed for `{python}` (set PITH_PYTHON)");
        }
    } else {
        println!("development set {} not found: skipped", dev.display());
    }

    // Generated dump.
    let n: usize = std::env::var("PITH_BENCH_DOCS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let gen_start = Instant::now();
    let items: Vec<synth::Item> = synth::Generator::new(n, 7, 1.0 / 3.0, 0.03).collect();
    let bytes: usize = items.iter().map(|i| i.doc.text.len()).sum();
    println!();
    println!(
        "generated dump: {} docs, {:.0} MB of text, {} copies ({:.1}s to generate)",
        items.len(),
        bytes as f64 / 1e6,
        items
            .iter()
            .filter(|i| i.variant != "original" && i.variant != "thin")
            .count(),
        gen_start.elapsed().as_secs_f64()
    );
    let batches: Vec<Vec<Document>> = items
        .chunks(BATCH)
        .map(|c| c.iter().map(|i| i.doc.clone()).collect())
        .collect();
    let gold: Vec<(String, String)> = items
        .iter()
        .map(|i| (i.cluster.clone(), i.variant.to_string()))
        .collect();
    let (verdicts, wall, cpu) = run(&pool, &cfg, batches);
    let index_bytes = INDEX_BYTES.load(std::sync::atomic::Ordering::Relaxed);
    let rows = rows_of(&verdicts, &gold);
    drop(verdicts);
    let s = score::score(&rows);
    write_pred(&out_dir.join("pred_generated.jsonl"), &rows);
    s.print("generated dump");
    print_thin(&s, "thin");
    let ours = items.len() as f64 / cpu.max(1e-9);
    println!(
        "  throughput             {:.0} docs/s wall, {:.0} docs per CPU-second (one core), {:.1} MB/s",
        items.len() as f64 / wall,
        ours,
        bytes as f64 / 1e6 / cpu.max(1e-9)
    );
    println!(
        "  memory                 index {} MiB ({} bytes per document); peak RSS {} MiB \
         (generated dump and verdicts included); configured index bound {} MiB for max_docs = {}",
        index_bytes >> 20,
        index_bytes / items.len().max(1),
        peak_rss_mib(),
        cfg.memory_bound() >> 20,
        cfg.max_docs
    );
    if has_datasketch {
        let m: usize = std::env::var("PITH_ANCHOR_DOCS")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(10_000)
            .min(items.len());
        let sub = out_dir.join("generated_subset.jsonl");
        let mut w = std::io::BufWriter::new(std::fs::File::create(&sub).expect("writable"));
        for i in &items[..m] {
            let line = serde_json::json!({"id": i.doc.id, "text": i.doc.text});
            writeln!(w, "{line}").expect("writable");
        }
        drop(w);
        let first: Vec<Vec<Document>> = items[..m]
            .chunks(BATCH)
            .map(|c| c.iter().map(|i| i.doc.clone()).collect())
            .collect();
        let (_, _, cpu_sub) = run(&pool, &cfg, first);
        anchor(
            &python,
            manifest,
            &sub,
            &out_dir,
            "generated",
            None,
            m as f64 / cpu_sub,
        );
    }
}

/// The same set in other orders (`PITH_BENCH_SHUFFLES`, default 20): "first seen" and the
/// boilerplate counts depend on order, so this shows how much the figures move with it.
fn shuffled(
    pool: &rayon::ThreadPool,
    cfg: &DedupeConfig,
    docs: &[Document],
    gold: &[(String, String)],
) {
    let k: u64 = std::env::var("PITH_BENCH_SHUFFLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    if k == 0 {
        return;
    }
    let (mut f1, mut one, mut thin, mut lost) = (Vec::new(), Vec::new(), Vec::new(), 0usize);
    for seed in 0..k {
        let mut rng = synth::Rng::new(seed + 1);
        let mut order: Vec<usize> = (0..docs.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        let d: Vec<Document> = order.iter().map(|&i| docs[i].clone()).collect();
        let g: Vec<(String, String)> = order.iter().map(|&i| gold[i].clone()).collect();
        let (v, _, _) = run(pool, cfg, vec![d]);
        let rows = rows_of(&v, &g);
        let s = score::score(&rows);
        // Keep the predictions of the worst order, for inspection.
        if s.pair_f1 < f1.iter().copied().fold(f64::INFINITY, f64::min) {
            let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
                .join("dedupe-bench/pred_worst_shuffle.jsonl");
            write_pred(&out, &rows);
        }
        f1.push(s.pair_f1);
        one.push(s.kept_exactly_one_rate_multi);
        thin.push(s.false_merge_rate("thin_negative").unwrap_or(0.0));
        lost += s.clusters_lost;
    }
    let stat = |v: &[f64]| {
        let mean = v.iter().sum::<f64>() / v.len() as f64;
        let min = v.iter().copied().fold(f64::INFINITY, f64::min);
        let max = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        format!("mean {mean:.4} min {min:.4} max {max:.4}")
    };
    println!("  over {k} shuffled orders:");
    println!("    pair F1            {}", stat(&f1));
    println!("    kept exactly one   {}", stat(&one));
    println!("    thin false merges  {}", stat(&thin));
    println!("    clusters lost      {lost} in all");
}

/// The settings that matter for the figures, for the log.
fn describe(cfg: &DedupeConfig) -> serde_json::Value {
    serde_json::json!({
        "shingle_size": cfg.shingle_size, "num_bins": cfg.num_bins, "bands": cfg.bands,
        "rows": cfg.rows, "jaccard_threshold": cfg.jaccard_threshold, "teasers": cfg.teasers,
        "containment_threshold": cfg.containment_threshold,
        "boilerplate_min_count": cfg.boilerplate_min_count, "max_docs": cfg.max_docs,
    })
}

fn load_dev(path: &Path) -> (Vec<Document>, Vec<(String, String)>) {
    let text = std::fs::read_to_string(path).expect("readable development set");
    let mut docs = Vec::new();
    let mut gold = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).expect("JSON lines");
        let s = |k: &str| match &v[k] {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        docs.push(Document::new(s("id"), s("text")));
        gold.push((s("cluster"), s("variant")));
    }
    (docs, gold)
}

/// Runs a fresh stage over the batches on one thread: verdicts, wall and CPU seconds.
fn run(
    pool: &rayon::ThreadPool,
    cfg: &DedupeConfig,
    batches: Vec<Vec<Document>>,
) -> (Vec<Verdict>, f64, f64) {
    let stage = Dedupe::new(cfg.clone()).expect("valid config");
    let cpu0 = process_cpu_seconds();
    let t0 = Instant::now();
    let out: Vec<Verdict> = pool.install(|| {
        batches
            .into_iter()
            .flat_map(|b| stage.process_batch(b))
            .collect()
    });
    let wall = t0.elapsed().as_secs_f64();
    let cpu = process_cpu_seconds() - cpu0;
    INDEX_BYTES.store(stage.index_bytes(), std::sync::atomic::Ordering::Relaxed);
    (out, wall, if cpu > 0.0 { cpu } else { wall })
}

/// Peak resident memory of this process in MiB (Linux `/proc`; 0 elsewhere).
fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// User + system CPU time of this process (Linux `/proc`; 0 elsewhere, then wall time is used).
fn process_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&i| f.get(i).and_then(|s| s.parse::<f64>().ok()))
        .sum();
    ticks / 100.0
}

fn rows_of(verdicts: &[Verdict], gold: &[(String, String)]) -> Vec<Row> {
    verdicts
        .iter()
        .zip(gold)
        .map(|(v, (g, variant))| {
            let (doc, keep) = match v {
                Verdict::Keep(d) => (d, true),
                Verdict::Drop(d, _) => (d, false),
                Verdict::Reject(_) => panic!("dedupe does not reject"),
            };
            let ann = doc.dedupe.as_ref().expect("every document is annotated");
            Row {
                id: doc.id.clone(),
                gold: g.clone(),
                variant: variant.clone(),
                pred: ann["cluster"].as_str().unwrap_or_default().to_string(),
                keep: keep && ann["kept"] == true,
                note: ann.clone(),
            }
        })
        .collect()
}

fn print_thin(s: &Scores, variant: &str) {
    if let Some(r) = s.false_merge_rate(variant) {
        println!("  thin pages wrongly merged {:.4}", r);
    }
}

fn write_pred(path: &Path, rows: &[Row]) {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path).expect("writable"));
    for r in rows {
        let line = serde_json::json!({"id": r.id, "cluster": r.pred, "keep": r.keep,
            "gold": r.gold, "variant": r.variant, "dedupe": r.note});
        writeln!(w, "{line}").expect("writable");
    }
}

/// Runs `score_dedup.py` on the same predictions and compares its figures with ours.
fn check_agreement(scorer: &Path, gold: &Path, pred: &Path, s: &Scores) {
    if !scorer.exists() {
        println!(
            "  scorer {} not found: agreement not checked",
            scorer.display()
        );
        return;
    }
    let json = pred.with_extension("score.json");
    let out = Command::new("python3")
        .arg(scorer)
        .arg("--gold")
        .arg(gold)
        .arg("--pred")
        .arg(pred)
        .arg("--json")
        .arg(&json)
        .output();
    let Ok(out) = out else {
        println!("  python3 not found: agreement not checked");
        return;
    };
    if !out.status.success() {
        println!(
            "  score_dedup.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let py: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap_or_default())
            .unwrap_or_default();
    let mut diffs = Vec::new();
    let mut cmp = |name: &str, ours: f64| {
        let theirs = py[name].as_f64().unwrap_or(f64::NAN);
        if (theirs - ours).abs() > 1e-9 {
            diffs.push(format!("{name}: ours {ours:.6} vs {theirs:.6}"));
        }
    };
    cmp("pair_f1", s.pair_f1);
    cmp("pair_precision", s.pair_precision);
    cmp("pair_recall", s.pair_recall);
    cmp("kept_exactly_one_rate_multi", s.kept_exactly_one_rate_multi);
    cmp("clusters_lost", s.clusters_lost as f64);
    cmp("singleton_false_merge_rate", s.singleton_false_merge_rate);
    for (v, (_, ok)) in &s.per_variant {
        let theirs = py["per_variant"][v]["ok_rate"].as_f64().unwrap_or(f64::NAN);
        if (theirs - ok).abs() > 1e-9 {
            diffs.push(format!("per_variant {v}: ours {ok:.6} vs {theirs:.6}"));
        }
    }
    if diffs.is_empty() {
        println!("  score_dedup.py agrees on every figure above");
    } else {
        println!("  score_dedup.py DISAGREES: {}", diffs.join("; "));
    }
}

/// Runs datasketch on `input` and prints its docs per CPU-second beside ours.
fn anchor(
    python: &str,
    manifest: &Path,
    input: &Path,
    out_dir: &Path,
    label: &str,
    gold: Option<&[(String, String)]>,
    ours: f64,
) {
    let pred = out_dir.join(format!("datasketch_{label}.jsonl"));
    let out = Command::new(python)
        .arg(manifest.join("benches/datasketch_anchor.py"))
        .arg(input)
        .arg(&pred)
        .output();
    let Ok(out) = out.map_err(|e| println!("  datasketch: {e}")) else {
        return;
    };
    if !out.status.success() {
        println!(
            "  datasketch failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return;
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = stdout
        .lines()
        .last()
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_default();
    let docs = v["docs"].as_f64().unwrap_or(0.0);
    let cpu = v["cpu_seconds"].as_f64().unwrap_or(0.0).max(1e-9);
    let theirs = docs / cpu;
    println!(
        "  datasketch MinHashLSH@0.8 on {label}: {theirs:.0} docs per CPU-second; pith {ours:.0}: {:.0}x",
        ours / theirs
    );
    if let Some(gold) = gold {
        let text = std::fs::read_to_string(&pred).unwrap_or_default();
        let rows: Vec<Row> = text
            .lines()
            .zip(gold)
            .filter_map(|(l, (g, variant))| {
                let r: serde_json::Value = serde_json::from_str(l).ok()?;
                Some(Row {
                    id: r["id"].as_str()?.to_string(),
                    gold: g.clone(),
                    variant: variant.clone(),
                    pred: r["cluster"].as_str()?.to_string(),
                    keep: r["keep"].as_bool()?,
                    note: serde_json::Value::Null,
                })
            })
            .collect();
        let s = score::score(&rows);
        println!(
            "  datasketch quality on {label}: pair F1 {:.4}, kept exactly one {:.4}, singleton false merges {:.4}",
            s.pair_f1, s.kept_exactly_one_rate_multi, s.singleton_false_merge_rate
        );
        for (v, (n, ok)) in &s.per_variant {
            println!("    datasketch {v:18} n={n:6} ok={ok:.3}");
        }
    }
}
