//! Reads inputs the way `pith` does and prints what came out, with the time taken: a quick way
//! to measure reader throughput. `cargo run --release -p pith-read --example read_count -- PATH...`

use std::collections::BTreeMap;
use std::time::Instant;

use pith_read::{discover, FileReader, Item, ReadConfig};

fn main() {
    let cfg = ReadConfig {
        paths: std::env::args().skip(1).collect(),
        ..ReadConfig::default()
    };
    let start = Instant::now();
    let (files, bad_paths) = discover(&cfg.paths);
    let (mut docs, mut html_bytes, mut bytes) = (0u64, 0u64, 0u64);
    let mut counts: BTreeMap<String, u64> = BTreeMap::new();
    for r in &bad_paths {
        eprintln!("{}", r.log_line());
    }
    for file in &files {
        let mut reader = FileReader::open(file, &cfg);
        for item in reader.by_ref() {
            match item {
                Item::Doc(d) => {
                    docs += 1;
                    html_bytes += d.content_len() as u64;
                }
                Item::Skip(s) => *counts.entry(format!("skip {s}")).or_default() += 1,
                Item::Reject(r) => {
                    eprintln!("{}", r.log_line());
                    *counts.entry(format!("reject {}", r.reason)).or_default() += 1;
                }
            }
        }
        bytes += reader.bytes_read();
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{} files, {bytes} bytes read, {docs} documents ({html_bytes} bytes of content) in {secs:.2}s: {:.1} MB/s in, {:.1} MB/s out",
        files.len(),
        bytes as f64 / secs / 1e6,
        html_bytes as f64 / secs / 1e6
    );
    for (k, v) in counts {
        println!("  {k}: {v}");
    }
}
