//! `pith eval`: token-level precision, recall and F1 of predicted text against gold text,
//! per document and as means over the gold set — the measure of the reference scorers
//! `score_extraction.py` and `score_text.py` (bag of `\w+` tokens, macro mean).

use std::collections::HashMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use pith_clean::score::{read_jsonl, score};
use serde_json::json;

/// Loads `{id: text}` from a JSONL file, a ScrapingHub-style JSON object
/// (`{id: {"articleBody": ...}}`), or a directory of `<id>.txt` files.
pub fn load_texts(path: &Path) -> Result<Vec<(String, String)>> {
    if path.is_dir() {
        let mut out = Vec::new();
        for entry in
            std::fs::read_dir(path).with_context(|| format!("cannot list {}", path.display()))?
        {
            let p = entry?.path();
            if p.extension().and_then(|e| e.to_str()) == Some("txt") {
                let id = p
                    .file_stem()
                    .and_then(|s| s.to_str())
                    .unwrap_or_default()
                    .to_string();
                let text = String::from_utf8_lossy(&std::fs::read(&p)?).into_owned();
                out.push((id, text));
            }
        }
        out.sort();
        return Ok(out);
    }
    let content =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let is_jsonl = path.extension().and_then(|e| e.to_str()) == Some("jsonl");
    if !is_jsonl {
        if let Ok(serde_json::Value::Object(mut map)) =
            serde_json::from_str::<serde_json::Value>(&content)
        {
            if !map.contains_key("id") && !map.contains_key("page_id") {
                if map.len() == 2 && map.contains_key("version") {
                    if let Some(serde_json::Value::Object(inner)) = map.remove("output") {
                        map = inner;
                    }
                }
                let text_of = |v: &serde_json::Value| -> String {
                    match v {
                        serde_json::Value::String(s) => s.clone(),
                        serde_json::Value::Object(o) => {
                            ["text", "article_body", "articleBody", "plaintext"]
                                .iter()
                                .find_map(|k| o.get(*k).and_then(|t| t.as_str()))
                                .unwrap_or_default()
                                .to_string()
                        }
                        _ => String::new(),
                    }
                };
                return Ok(map.iter().map(|(k, v)| (k.clone(), text_of(v))).collect());
            }
        }
    }
    read_jsonl(&content).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
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
        if n % 2 == 1 {
            f[n / 2]
        } else {
            (f[n / 2 - 1] + f[n / 2]) / 2.0
        }
    };
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
        println!("{out}");
    } else {
        if per_doc {
            println!("id\tprecision\trecall\tf1\tgold_tokens\tpred_tokens");
            for (id, d) in &s.per_doc {
                println!(
                    "{id}\t{:.4}\t{:.4}\t{:.4}\t{}\t{}",
                    d.precision, d.recall, d.f1, d.gold_tokens, d.pred_tokens
                );
            }
        }
        println!(
            "docs={} missing_pred={} extra_pred_ids={}",
            s.n_docs, s.n_missing_pred, extra
        );
        println!(
            "mean  P={:.4}  R={:.4}  F1={:.4}   median F1={:.4}",
            s.mean_precision, s.mean_recall, s.mean_f1, median
        );
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
