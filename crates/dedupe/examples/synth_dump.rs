//! Writes a generated news dump as JSON lines (`{id, text, cluster, variant}`), the same one the
//! benchmark uses, for running `pith dedupe` on it end to end.
//!
//! ```text
//! cargo run --release -p pith-dedupe --example synth_dump -- 100000 dump.jsonl [seed]
//! ```

#[path = "../benches/synth.rs"]
mod synth;

use std::io::{BufWriter, Write};

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(n), Some(path)) = (args.get(1).and_then(|s| s.parse().ok()), args.get(2)) else {
        eprintln!("usage: synth_dump N OUT.jsonl [SEED]");
        std::process::exit(2);
    };
    let seed = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(7);
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    for item in synth::Generator::new(n, seed, 1.0 / 3.0, 0.03) {
        let line = serde_json::json!({
            "id": item.doc.id,
            "text": item.doc.text,
            "cluster": item.cluster,
            "variant": item.variant,
        });
        writeln!(w, "{line}")?;
    }
    w.flush()
}
