//! Prints, for every text dump given, each line's feature vector and the cleaner's decision
//! about it, one per output line. Run it before and after a change to the text cleaner and
//! compare the outputs: a change meant only to make the cleaner faster must leave them
//! byte-identical.
//!
//! `cargo run --release -p pith-clean --example text_features -- DUMP.txt... > features.txt`

use std::io::{self, BufWriter, Write};

use pith_clean::text;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for path in std::env::args().skip(1) {
        let dump = std::fs::read_to_string(&path)?;
        for (no, line, x) in text::line_features(&dump) {
            writeln!(out, "{path}\t{no}\t{line}\t{x:?}")?;
        }
        for decision in text::explain(&dump) {
            writeln!(out, "{path}\t{decision:?}")?;
        }
    }
    out.flush()?;
    Ok(())
}
