//! Segmentation benchmark: golden-rule pass rates per language and throughput in MB/s.
//!
//! Run with `cargo bench -p pith-segment --bench segment`. The throughput that matters for a
//! pipeline is the line `SEGMENT STAGE with language id`: the whole stage (language
//! identification of documents without a `lang`, paragraphs, sentences, spans) on news
//! articles of a few KB as the clean stage writes them, in MB of text per second of this
//! thread's CPU time (one core; the wall-clock figure beside it depends on the machine's
//! load). The splitter alone is timed on one long text per language. The golden rules are read from
//! `../shared/bench/segmentation/golden_rules` beside the repository (or `PITH_GOLDEN_DIR`)
//! and scored like `score_segmentation.py golden`: each predicted and gold sentence is
//! stripped, empty ones dropped, and a case passes when the lists are equal.
//!
//! Environment:
//! * `PITH_GOLDEN_DIR`: the golden-rule directory.
//! * `PITH_BENCH_PRED`: write predictions as JSONL `{"id", "sentences"}` to this path (to check
//!   this scorer against the Python one).
//! * `PITH_BENCH_FAILURES=1`: print failed cases.
//! * `PITH_BENCH_MB`: size of the synthetic throughput text in MB (default 32).
//! * `PITH_BENCH_STAGE_ONLY=1`: time only the whole stage on articles (for profilers).
//! * `PITH_BENCH_ARTICLES`: a JSONL file of real articles (`{"text": ...}` per line) to time
//!   the stage on; default the extraction benchmark's gold bodies beside the repository.
//! * `PYSBD_PYTHON`: a Python with pysbd installed (default `/work/venv-seg/bin/python` when
//!   present); pySBD is then scored and timed in the same run for comparison.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use pith_core::{Document, Stage, Verdict};
use pith_segment::{split_sentences_lang, split_sentences_unicode, Segment, SegmentConfig};

struct Case {
    id: String,
    lang: String,
    text: String,
    gold: Vec<String>,
}

fn golden_dir() -> PathBuf {
    std::env::var_os("PITH_GOLDEN_DIR").map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/bench/segmentation/golden_rules")
        },
        PathBuf::from,
    )
}

fn load_cases(dir: &Path) -> Vec<Case> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for f in files {
        let body = std::fs::read_to_string(&f).expect("readable golden file");
        for line in body.lines().filter(|l| !l.trim().is_empty()) {
            let v: serde_json::Value = serde_json::from_str(line).expect("golden line is JSON");
            let id = match &v["id"] {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            cases.push(Case {
                id,
                lang: v["lang"].as_str().unwrap_or("?").to_string(),
                text: v["text"].as_str().unwrap_or_default().to_string(),
                gold: v["sentences"]
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .filter_map(|s| s.as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default(),
            });
        }
    }
    cases
}

/// `str.strip()` each sentence and drop the empty ones, as the Python scorer does.
fn norm(sents: &[String]) -> Vec<&str> {
    sents
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Per-language (passed, total), plus the failures.
type Score = (BTreeMap<String, (usize, usize)>, Vec<(String, Vec<String>)>);

fn score(cases: &[Case], predict: impl Fn(&Case) -> Vec<String>) -> Score {
    let mut per: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for c in cases {
        let pred = predict(c);
        let entry = per.entry(c.lang.clone()).or_default();
        entry.1 += 1;
        if norm(&pred) == norm(&c.gold) {
            entry.0 += 1;
        } else {
            failures.push((c.id.clone(), pred));
        }
    }
    (per, failures)
}

fn print_score(label: &str, per: &BTreeMap<String, (usize, usize)>) {
    let mut line = format!("{label:<28}");
    let (mut ok, mut all) = (0, 0);
    for (lang, (p, t)) in per {
        let _ = write!(line, " {lang} {p:>2}/{t:<2} {:>6.2}%", pct(*p, *t));
        ok += p;
        all += t;
    }
    let _ = write!(line, "  overall {ok}/{all} {:.2}%", pct(ok, all));
    println!("{line}");
}

fn pct(p: usize, t: usize) -> f64 {
    if t == 0 {
        0.0
    } else {
        100.0 * p as f64 / t as f64
    }
}

fn texts(spans: Vec<pith_core::Span>) -> Vec<String> {
    spans.into_iter().map(|s| s.text).collect()
}

/// Sentences written for this benchmark: news-like prose with the hard cases mixed in
/// (titles, initials, multi-period abbreviations, numbers, URLs, quotes, lists, ellipses).
const EN_SENTENCES: &[&str] = &[
    "The city council approved the budget on Tuesday after a long debate.",
    "Dr. Amara Osei, who leads the clinic, said the new wing opens at 9 a.m. next Monday.",
    "Shares of Northwind Corp. fell 3.5% to $41.20 in early trading.",
    "\"We did not expect this,\" said Mr. Halvorsen. \"Nobody did.\"",
    "The report (see p. 14) lists 27 sites in the U.S. and Canada.",
    "Visit https://news.example.org/2024/report.html for the full text.",
    "Questions can be sent to press.office@example.org by Friday.",
    "Was the vote fair? Most observers thought so!",
    "Prices rose sharply... Then they fell again.",
    "J. R. Whitfield won the prize in 2019; he was 81 years old.",
    "The bridge, built in 1887, is 1.2 km long and carries 40,000 cars a day.",
    "1. Collect the samples. 2. Label them. 3. Ship them.",
    "She moved to Washington, D.C. in the spring of 2011.",
    "Officials at the Dept. of Energy declined to comment.",
    "According to Gen. Mbeki, the troops will leave by Dec. 31.",
    "Yahoo! and other portals once dominated the web.",
    "The museum, on St. Mark's Place, reopened after repairs to its roof.",
    "Rainfall was 12.7 mm, well below the average of 30 mm for the month.",
];

const RU_SENTENCES: &[&str] = &[
    "В 2019 г. город получил новый мост через реку.",
    "Проф. Иванова выступила на конференции в Москве.",
    "«Мы не ожидали такого результата», – сказал директор.",
    "Цена выросла на 3,5% и составила 120 руб. за килограмм.",
    "Л. Н. Толстой родился в Ясной Поляне.",
    "Почему это произошло? Никто не знает!",
    "Дом стоит на ул. Садовой, д. 5.",
];

const DE_SENTENCES: &[&str] = &[
    "Der Stadtrat hat am Dienstag den Haushalt für das kommende Jahr beschlossen.",
    "Dr. Weber, die Leiterin der Klinik, sagte, der neue Flügel öffne am 3. März.",
    "Die Aktie fiel im frühen Handel um 3,5 Prozent auf 41,20 Euro.",
    "„Damit hatten wir nicht gerechnet“, sagte der Sprecher. „Niemand hatte das.“",
    "Der Bericht (s. S. 14) nennt 27 Standorte in Deutschland und Österreich.",
    "War die Abstimmung fair? Die meisten Beobachter meinen ja!",
    "Die Brücke wurde 1887 gebaut und ist 1,2 km lang.",
    "Laut Prof. Schmidt ist z. B. der Verkehr seit 2019 um 12 % gestiegen.",
    "Am 1. Mai findet wie jedes Jahr der Umzug durch die Altstadt statt.",
    "Die Polizei bittet Zeugen, sich unter der Nr. 110 zu melden.",
];

const ES_SENTENCES: &[&str] = &[
    "El ayuntamiento aprobó el martes los presupuestos del próximo año.",
    "La Dra. Pérez, directora de la clínica, dijo que el nuevo edificio abrirá en marzo.",
    "Las acciones cayeron un 3,5% hasta los 41,20 euros en los primeros minutos.",
    "\"No lo esperábamos\", dijo el Sr. Gómez. \"Nadie lo esperaba.\"",
    "¿Fue justa la votación? La mayoría de los observadores cree que sí.",
    "El puente, construido en 1887, mide 1,2 km y soporta 40.000 coches al día.",
    "Según el Gral. Ruiz, las tropas saldrán antes del 31 de diciembre.",
    "El informe (véase pág. 14) enumera 27 lugares en EE. UU. y Canadá.",
    "Los vecinos protestaron frente a la sede de la empresa durante toda la mañana.",
];

const FR_SENTENCES: &[&str] = &[
    "Le conseil municipal a adopté mardi le budget de l'année prochaine.",
    "Le Dr Martin, qui dirige la clinique, a indiqué que la nouvelle aile ouvrira en mars.",
    "L'action a reculé de 3,5 % à 41,20 euros en début de séance.",
    "« Nous ne nous y attendions pas », a déclaré M. Dubois. « Personne ne s'y attendait. »",
    "Le vote était-il équitable ? La plupart des observateurs le pensent.",
    "Le pont, construit en 1887, mesure 1,2 km et voit passer 40 000 voitures par jour.",
    "Selon le rapport (voir p. 14), 27 sites sont concernés en France et en Belgique.",
    "Les habitants ont manifesté devant la mairie pendant toute la matinée.",
];

fn synthetic(sentences: &[&str], bytes: usize) -> String {
    let mut out = String::with_capacity(bytes + 1024);
    let mut k = 0usize;
    while out.len() < bytes {
        // Paragraphs of 3 to 7 sentences, in a varying order.
        let n = 3 + k % 5;
        for j in 0..n {
            if j > 0 {
                out.push(' ');
            }
            out.push_str(sentences[(k * 7 + j * 3) % sentences.len()]);
        }
        out.push_str("\n\n");
        k += 1;
    }
    out
}

/// News articles as the clean stage writes them: a headline, then paragraphs of one to five
/// sentences separated by blank lines, each article 1.5 to 6 KB.
fn articles(sentences: &[&str], count: usize, seed: usize) -> Vec<String> {
    let mut docs = Vec::with_capacity(count);
    let mut k = seed;
    for d in 0..count {
        let target = 1536 + (d * 2731 + seed * 977) % (4608 + 1);
        let mut text = String::with_capacity(target + 512);
        // A headline: the first sentence of the bank without its final period.
        let head = sentences[k % sentences.len()];
        text.push_str(head.trim_end_matches('.'));
        text.push_str("\n\n");
        while text.len() < target {
            let n = 1 + k % 5;
            for j in 0..n {
                if j > 0 {
                    text.push(' ');
                }
                text.push_str(sentences[(k * 7 + j * 3) % sentences.len()]);
            }
            text.push_str("\n\n");
            k += 1;
        }
        docs.push(text.trim_end().to_string());
        k += 1;
    }
    docs
}

fn articles_path() -> PathBuf {
    std::env::var_os("PITH_BENCH_ARTICLES").map_or_else(
        || {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../../shared/bench/extraction/scrapinghub/gold.jsonl")
        },
        PathBuf::from,
    )
}

/// Article bodies, one JSON object with a `text` field per line (the extraction gold).
fn real_articles() -> Vec<String> {
    let Ok(body) = std::fs::read_to_string(articles_path()) else {
        return Vec::new();
    };
    body.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(str::to_string))
        .filter(|t| !t.trim().is_empty())
        .collect()
}

fn mb_per_s(bytes: usize, secs: f64) -> f64 {
    bytes as f64 / 1e6 / secs
}

/// CPU time this thread has run, in seconds ([`pith_core::cpu_time`]), so that throughput on
/// one core can be measured on a shared, loaded machine.
fn thread_cpu_secs() -> Option<f64> {
    pith_core::cpu_time::thread_seconds()
}

/// Best of three runs: (wall seconds, CPU seconds of this thread, the count `f` returned).
fn time_best(mut f: impl FnMut() -> usize) -> (f64, f64, usize) {
    let (mut wall, mut cpu) = (f64::INFINITY, f64::INFINITY);
    let mut count = 0;
    for _ in 0..3 {
        let c0 = thread_cpu_secs();
        let t = Instant::now();
        count = f();
        wall = wall.min(t.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (c0, thread_cpu_secs()) {
            cpu = cpu.min(b - a);
        }
    }
    if !cpu.is_finite() {
        cpu = wall;
    }
    (wall, cpu, count)
}

fn print_rate(label: &str, bytes: usize, (wall, cpu, n): (f64, f64, usize)) {
    println!(
        "{label}: {:.1} MB/s per core busy ({:.1} MB/s wall clock; {bytes} bytes, {n} sentences, {cpu:.3} s CPU)",
        mb_per_s(bytes, cpu),
        mb_per_s(bytes, wall)
    );
}

fn pysbd_python() -> Option<PathBuf> {
    let p = std::env::var_os("PYSBD_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/venv-seg/bin/python"));
    let ok = Command::new(&p)
        .args(["-c", "import pysbd"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(p)
}

const PYSBD_SCRIPT: &str = r#"
import json, sys, time, pysbd
cases_path, text_path = sys.argv[1], sys.argv[2]
per = {}
segs = {}
for line in open(cases_path, encoding="utf-8"):
    c = json.loads(line)
    lang = c["lang"]
    if lang not in segs:
        segs[lang] = pysbd.Segmenter(language=lang, clean=False)
    pred = segs[lang].segment(c["text"])
    norm = lambda xs: [s.strip() for s in xs if isinstance(s, str) and s.strip()]
    ok, tot = per.get(lang, (0, 0))
    per[lang] = (ok + (norm(pred) == norm(c["sentences"])), tot + 1)
text = open(text_path, encoding="utf-8").read()
seg = pysbd.Segmenter(language="en", clean=False)
t = time.perf_counter()
n = sum(len(seg.segment(p)) for p in text.split("\n\n") if p.strip())
dt = time.perf_counter() - t
print(json.dumps({"per": per, "mb": len(text.encode("utf-8")), "secs": dt, "sentences": n}))
"#;

fn run_pysbd(python: &Path, cases: &[Case], sample: &str) {
    let dir = std::env::temp_dir().join(format!("pith-seg-bench-{}", std::process::id()));
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let cases_path = dir.join("cases.jsonl");
    let text_path = dir.join("text.txt");
    let mut body = String::new();
    for c in cases {
        let v =
            serde_json::json!({"id": c.id, "lang": c.lang, "text": c.text, "sentences": c.gold});
        body.push_str(&v.to_string());
        body.push('\n');
    }
    let written = std::fs::write(&cases_path, body).and(std::fs::write(&text_path, sample));
    if written.is_err() {
        return;
    }
    let out = Command::new(python)
        .arg("-c")
        .arg(PYSBD_SCRIPT)
        .arg(&cases_path)
        .arg(&text_path)
        .output();
    let _ = std::fs::remove_dir_all(&dir);
    let Ok(out) = out else { return };
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&out.stdout) else {
        eprintln!("pysbd run failed: {}", String::from_utf8_lossy(&out.stderr));
        return;
    };
    let mut per = BTreeMap::new();
    if let Some(obj) = v["per"].as_object() {
        for (lang, pair) in obj {
            let p = pair[0].as_u64().unwrap_or(0) as usize;
            let t = pair[1].as_u64().unwrap_or(0) as usize;
            per.insert(lang.clone(), (p, t));
        }
    }
    print_score("pySBD 0.3 (clean=False)", &per);
    let bytes = v["mb"].as_u64().unwrap_or(0) as usize;
    let secs = v["secs"].as_f64().unwrap_or(f64::NAN);
    println!(
        "pySBD throughput: {:.3} MB/s ({} bytes, {} sentences, {:.2} s)",
        mb_per_s(bytes, secs),
        bytes,
        v["sentences"],
        secs
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this too, so keep it quick
    // unless benchmarking.
    let benching = std::env::args().any(|a| a == "--bench");
    let stage_only = std::env::var_os("PITH_BENCH_STAGE_ONLY").is_some();
    let dir = golden_dir();
    let cases = if stage_only {
        Vec::new()
    } else {
        load_cases(&dir)
    };
    if stage_only {
    } else if cases.is_empty() {
        println!(
            "golden rules not found at {} (set PITH_GOLDEN_DIR)",
            dir.display()
        );
    } else {
        println!("golden rules: {} cases from {}", cases.len(), dir.display());
        let (per, failures) = score(&cases, |c| texts(split_sentences_lang(&c.text, &c.lang)));
        print_score("pith (per-language rules)", &per);
        let (generic, _) = score(&cases, |c| texts(split_sentences_lang(&c.text, "zz")));
        print_score("pith (language-neutral)", &generic);
        let (unicode, _) = score(&cases, |c| texts(split_sentences_unicode(&c.text)));
        print_score("UAX #29 (fallback)", &unicode);
        if std::env::var_os("PITH_BENCH_FAILURES").is_some() {
            for (id, pred) in &failures {
                println!("  failed {id}: {pred:?}");
            }
        }
        if let Some(path) = std::env::var_os("PITH_BENCH_PRED") {
            let mut body = String::new();
            for c in &cases {
                let pred = texts(split_sentences_lang(&c.text, &c.lang));
                body.push_str(&serde_json::json!({"id": c.id, "sentences": pred}).to_string());
                body.push('\n');
            }
            std::fs::write(&path, body).expect("writable predictions path");
            println!("predictions written to {}", PathBuf::from(path).display());
        }
    }

    let mb: usize = std::env::var("PITH_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if benching { 32 } else { 1 });
    let en = synthetic(EN_SENTENCES, mb << 20);
    let ru = synthetic(RU_SENTENCES, (mb << 20) / 4);

    if !stage_only {
        print_rate(
            "English paragraphs + sentences",
            en.len(),
            time_best(|| split_sentences_lang(&en, "en").len()),
        );
        print_rate(
            "Russian paragraphs + sentences",
            ru.len(),
            time_best(|| split_sentences_lang(&ru, "ru").len()),
        );
    }

    // The whole stage, as a pipeline runs it: language identification (no `lang` field),
    // paragraphs and sentences, on news articles of a few KB. This is the issue's figure.
    let n_docs = (mb << 20) / 3800 + 1;
    let stage = Segment::new(SegmentConfig::default()).expect("default config is valid");
    let en_docs = articles(EN_SENTENCES, n_docs, 0);
    let banks = [
        EN_SENTENCES,
        DE_SENTENCES,
        ES_SENTENCES,
        FR_SENTENCES,
        RU_SENTENCES,
    ];
    let mixed: Vec<String> = (0..banks.len())
        .flat_map(|b| articles(banks[b], n_docs / banks.len() + 1, b + 1))
        .collect();
    for (label, docs) in [("English", &en_docs), ("en/de/es/fr/ru mix", &mixed)] {
        let total: usize = docs.iter().map(String::len).sum();
        let fast = docs
            .iter()
            .filter(|d| pith_segment::lang::detect_by_function_words(d).is_some())
            .count();
        let (wall, cpu, _) = time_best(|| {
            docs.iter()
                .filter_map(|d| pith_segment::detect_language(d))
                .count()
        });
        println!(
            "language id alone, {label}: {:.1} us per article CPU ({:.1} us wall; {fast}/{} by function words)",
            cpu * 1e6 / docs.len() as f64,
            wall * 1e6 / docs.len() as f64,
            docs.len()
        );
        print_rate(
            &format!(
                "SEGMENT STAGE with language id, {label} articles of {:.1} KB",
                total as f64 / docs.len() as f64 / 1024.0
            ),
            total,
            time_best(|| {
                docs.iter()
                    .map(|t| match stage.process(Document::new("d", t.as_str())) {
                        Verdict::Keep(d) => d.sentences.map_or(0, |s| s.len()),
                        _ => 0,
                    })
                    .sum()
            }),
        );
    }
    // Real news articles when the extraction benchmark's gold bodies are beside the
    // repository (read in place, never copied), repeated to the same volume.
    let real = real_articles();
    if real.is_empty() {
        println!(
            "real news articles not found at {} (set PITH_BENCH_ARTICLES)",
            articles_path().display()
        );
    } else {
        let once: usize = real.iter().map(String::len).sum();
        let rounds = ((mb << 20) / once.max(1)).max(1);
        let total = once * rounds;
        let fast = real
            .iter()
            .filter(|d| pith_segment::lang::detect_by_function_words(d).is_some())
            .count();
        // The sampled identification against whatlang on each whole article.
        let (mut compared, mut agree) = (0, 0);
        for d in &real {
            if let Some(whole) = pith_segment::lang::detect_whole_with_whatlang(d) {
                if whole.reliable {
                    compared += 1;
                    agree += usize::from(
                        pith_segment::detect_language(d).map(|g| g.code) == Some(whole.code),
                    );
                }
            }
        }
        println!(
            "language id from a sample agrees with whatlang on the whole text: {agree}/{compared} \
             real articles (whatlang reliable)"
        );
        print_rate(
            &format!(
                "SEGMENT STAGE with language id, {} real news articles of {:.1} KB x{rounds} \
                 ({fast} identified by function words)",
                real.len(),
                once as f64 / real.len() as f64 / 1024.0
            ),
            total,
            time_best(|| {
                let mut n = 0;
                for _ in 0..rounds {
                    for t in &real {
                        if let Verdict::Keep(d) = stage.process(Document::new("d", t.as_str())) {
                            n += d.sentences.map_or(0, |s| s.len());
                        }
                    }
                }
                n
            }),
        );
    }

    let no_id = Segment::new(SegmentConfig {
        detect_lang: false,
        default_lang: Some("en".to_string()),
        ..SegmentConfig::default()
    })
    .expect("valid config");
    let total: usize = en_docs.iter().map(String::len).sum();
    print_rate(
        "segment stage without language id (default_lang en), English articles",
        total,
        time_best(|| {
            en_docs
                .iter()
                .map(|t| match no_id.process(Document::new("d", t.as_str())) {
                    Verdict::Keep(d) => d.sentences.map_or(0, |s| s.len()),
                    _ => 0,
                })
                .sum()
        }),
    );

    if benching && !cases.is_empty() {
        match pysbd_python() {
            Some(py) => {
                // pySBD runs at tens of KB/s: time it on a 256 KB sample of the same text.
                let mut cut = en.len().min(256 << 10);
                while !en.is_char_boundary(cut) {
                    cut -= 1;
                }
                run_pysbd(&py, &cases, en.get(..cut).unwrap_or_default());
            }
            None => println!("pySBD not available (set PYSBD_PYTHON to compare)"),
        }
    }
}
