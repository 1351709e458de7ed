//! Time of each extraction step over a folder of pages (one thread):
//! `cargo run --release -p pith-clean --example html_profile -- DIR/html`
//! Also times html5ever on the raw pages, for comparison.

use std::io::Read;
use std::time::Instant;

/// CPU time of this process in seconds ([`pith_core::cpu_time`]).
fn cpu() -> f64 {
    pith_core::cpu_time::process_seconds().unwrap_or(0.0)
}

fn main() {
    let dir = std::env::args().nth(1).expect("usage: html_profile DIR");
    let mut pages = Vec::new();
    for e in std::fs::read_dir(&dir).expect("readable dir").flatten() {
        let p = e.path();
        let raw = std::fs::read(&p).expect("readable page");
        let mut s = String::new();
        if p.to_string_lossy().ends_with(".gz") {
            flate2::read::GzDecoder::new(&raw[..])
                .read_to_string(&mut s)
                .expect("utf-8 gzip");
        } else {
            s = String::from_utf8_lossy(&raw).into_owned();
        }
        pages.push(s);
    }
    let mut steps = [0.0f64; 4];
    let c0 = cpu();
    let mut ours = 0.0;
    for p in &pages {
        let _ = pith_clean::html::extract(p, &pith_clean::html::Options::default());
    }
    ours += cpu() - c0;
    for p in &pages {
        let s = pith_clean::html::profile_steps(p);
        for i in 0..4 {
            steps[i] += s[i];
        }
    }
    let t = Instant::now();
    let c1 = cpu();
    for p in &pages {
        let _ = scraper::Html::parse_document(p);
    }
    let raw_cpu = cpu() - c1;
    let raw = t.elapsed().as_secs_f64();
    let n = pages.len() as f64;
    let total: f64 = steps.iter().sum();
    println!(
        "{} pages: prefilter {:.2} ms, parse {:.2} ms, flatten {:.2} ms, content+meta {:.2} ms; \
         total {:.2} ms/page = {:.0} docs/s; html5ever on raw pages {:.2} ms/page",
        pages.len(),
        steps[0] / n * 1e3,
        steps[1] / n * 1e3,
        steps[2] / n * 1e3,
        steps[3] / n * 1e3,
        total / n * 1e3,
        n / total,
        raw / n * 1e3
    );
    println!(
        "CPU time: extract {:.0} docs/s, html5ever alone on raw pages {:.0} docs/s (ratio {:.2})",
        n / ours,
        n / raw_cpu,
        raw_cpu / ours
    );
}
