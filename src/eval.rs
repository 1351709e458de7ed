//! `pith eval`: token-level precision, recall and F1 of predicted text against gold text,
//! per document and as means over the gold set — the measure of the reference scorers
//! `score_extraction.py` and `score_text.py` (bag of `\w+` tokens, macro mean).

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use anyhow::{bail, Result};
use pith_clean::score::score;
use serde_json::json;

/// Loads `(id, text)` pairs: a JSONL file, a ScrapingHub-style JSON object or a directory of
/// `<id>.txt` files.
fn load_texts(path: &Path) -> Result<Vec<(String, String)>> {
    pith_clean::score::load_texts(path).map_err(|e| anyhow::anyhow!(e))
}

pub fn cmd_eval(
    gold: &Path,
    pred: &Path,
    as_json: bool,
    per_doc: bool,
    min_f1: Option<f64>,
) -> Result<u8> {
    let mut gold_docs = load_texts(gold)?;
    if gold_docs.is_empty() {
        bail!("{}: empty gold set", gold.display());
    }
    gold_docs.sort_by(|a, b| a.0.cmp(&b.0));
    let pred_list = load_texts(pred)?;
    let n_pred = pred_list.len();
    let pred_docs: HashMap<String, String> = pred_list.into_iter().collect();
    if pred_docs.len() < n_pred {
        eprintln!(
            "pith: warning: {} has {} repeated ids; the last text of each is scored",
            pred.display(),
            n_pred - pred_docs.len()
        );
    }
    let extra = pred_docs
        .keys()
        .filter(|k| !gold_docs.iter().any(|(g, _)| g == *k))
        .count();
    let s = score(&gold_docs, &pred_docs);
    let median = {
        let mut f: Vec<f64> = s.per_doc.iter().map(|(_, d)| d.f1).collect();
        f.sort_by(f64::total_cmp);
        let n = f.len();
        if n == 0 {
            0.0
        } else if n % 2 == 1 {
            f[n / 2]
        } else {
            (f[n / 2 - 1] + f[n / 2]) / 2.0
        }
    };
    let mut text = String::new();
    if as_json {
        let mut out = json!({
            "gold": gold.display().to_string(),
            "pred": pred.display().to_string(),
            "n_docs": s.n_docs,
            "n_missing_pred": s.n_missing_pred,
            "extra_pred_ids": extra,
            "mean_precision": s.mean_precision,
            "mean_recall": s.mean_recall,
            "mean_f1": s.mean_f1,
            "median_f1": median,
        });
        if per_doc {
            out["per_doc"] = s
                .per_doc
                .iter()
                .map(|(id, d)| {
                    json!({"id": id, "precision": d.precision, "recall": d.recall, "f1": d.f1,
                           "gold_tokens": d.gold_tokens, "pred_tokens": d.pred_tokens})
                })
                .collect();
        }
        text.push_str(&format!("{out}\n"));
    } else {
        if per_doc {
            text.push_str("id\tprecision\trecall\tf1\tgold_tokens\tpred_tokens\n");
            for (id, d) in &s.per_doc {
                text.push_str(&format!(
                    "{id}\t{:.4}\t{:.4}\t{:.4}\t{}\t{}\n",
                    d.precision, d.recall, d.f1, d.gold_tokens, d.pred_tokens
                ));
            }
        }
        text.push_str(&format!(
            "docs={} missing_pred={} extra_pred_ids={}\n",
            s.n_docs, s.n_missing_pred, extra
        ));
        text.push_str(&format!(
            "mean  P={:.4}  R={:.4}  F1={:.4}   median F1={:.4}\n",
            s.mean_precision, s.mean_recall, s.mean_f1, median
        ));
    }
    // A reader that stops early (`| head`) closes the pipe: that ends the output, not the run.
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            return Err(anyhow::Error::new(e).context("cannot write to standard output"));
        }
        _ => {}
    }
    if let Some(min) = min_f1 {
        if s.mean_f1 < min {
            bail!(
                "mean F1 {:.4} is below the gate of {min:.4} (--min-f1)",
                s.mean_f1
            );
        }
    }
    Ok(0)
}
