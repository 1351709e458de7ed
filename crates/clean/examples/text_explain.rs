//! Prints each line of a text dump with the decision of the cleaner and why.
//!
//! `cargo run -p pith-clean --example text_explain -- DUMP.txt [GOLD.jsonl]`
//! With a gold file (`{"id","text"}`, id = file stem) each line is also marked `G` when its
//! tokens occur in the gold text, to see where the cleaner and the gold disagree.

use std::fs;
use std::path::Path;

use pith_clean::text::{self, score, Options};

fn norm(s: &str) -> String {
    let mut out = String::from(" ");
    for t in score::tokens(s) {
        out.push_str(&t.to_lowercase());
        out.push(' ');
    }
    out
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: text_explain DUMP.txt [GOLD.jsonl]");
        std::process::exit(2);
    };
    let dump = fs::read_to_string(path)?;
    let mut gold: Option<String> = None;
    if let Some(g) = args.get(1) {
        let stem = Path::new(path)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("");
        for line in fs::read_to_string(g)?.lines() {
            let v: serde_json::Value = serde_json::from_str(line)?;
            if v["id"].as_str() == Some(stem) {
                gold = v["text"].as_str().map(norm);
            }
        }
    }
    let (cleaned, decisions) = text::explain_with(&dump, &Options::default(), None, "");
    println!("# title: {:?}", cleaned.title);
    for d in decisions {
        let g = match &gold {
            Some(g) if score::tokens(&d.text).next().is_some() && g.contains(&norm(&d.text)) => "G",
            Some(_) => ".",
            None => "",
        };
        let t: String = d.text.chars().take(110).collect();
        println!(
            "{:5} {}{} {:<42} {}",
            d.line_no,
            g,
            if d.kept { "K" } else { "-" },
            d.rule_or_score,
            t
        );
    }
    Ok(())
}
