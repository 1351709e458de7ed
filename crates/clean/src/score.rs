//! Token-level precision, recall and F1 of extracted text against gold text.
//!
//! The same measure as the project's reference scorer `score_extraction.py` (and the
//! ScrapingHub article-extraction-benchmark it follows): tokens are the matches of the Unicode
//! regex `\w+` (Python's `\w`: letters, numbers and `_`), case-sensitive; each text is a bag of
//! tokens; per document `tp = Σ min(gold_k, pred_k)`, P = tp/|pred|, R = tp/|gold|,
//! F1 = 2PR/(P+R); both empty gives 1, one empty gives 0. The headline figure is the plain mean
//! of per-document F1 over all gold documents (a missing prediction counts as empty).
//!
//! ```
//! use pith_clean::score::score_doc;
//! let s = score_doc("the cat sat", "the cat");
//! assert_eq!(s.tp, 2);
//! assert!((s.f1 - 0.8).abs() < 1e-9);
//! ```

use std::collections::HashMap;

use unicode_general_category::{get_general_category, GeneralCategory as G};

/// Python's `\w` for one character: `str.isalnum()` or `_`.
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric() || c == '_';
    }
    matches!(
        get_general_category(c),
        G::UppercaseLetter
            | G::LowercaseLetter
            | G::TitlecaseLetter
            | G::ModifierLetter
            | G::OtherLetter
            | G::DecimalNumber
            | G::LetterNumber
            | G::OtherNumber
    )
}

/// The `\w+` tokens of a text.
pub fn tokenize(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        if is_word_char(c) {
            if start.is_none() {
                start = Some(i);
            }
        } else if let Some(s) = start.take() {
            if let Some(t) = text.get(s..i) {
                out.push(t);
            }
        }
    }
    if let Some(s) = start {
        if let Some(t) = text.get(s..) {
            out.push(t);
        }
    }
    out
}

/// Scores of one document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DocScore {
    pub tp: usize,
    pub gold_tokens: usize,
    pub pred_tokens: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Scores one prediction against its gold text.
pub fn score_doc(gold: &str, pred: &str) -> DocScore {
    let g = tokenize(gold);
    let p = tokenize(pred);
    let mut counts: HashMap<&str, i64> = HashMap::with_capacity(g.len());
    for t in &g {
        *counts.entry(t).or_insert(0) += 1;
    }
    let mut tp = 0usize;
    for t in &p {
        if let Some(c) = counts.get_mut(t) {
            if *c > 0 {
                *c -= 1;
                tp += 1;
            }
        }
    }
    let (gs, ps) = (g.len(), p.len());
    let (precision, recall, f1) = if gs == 0 && ps == 0 {
        (1.0, 1.0, 1.0)
    } else if ps == 0 {
        (0.0, 0.0, 0.0)
    } else if gs == 0 {
        (0.0, 1.0, 0.0)
    } else {
        let p = tp as f64 / ps as f64;
        let r = tp as f64 / gs as f64;
        let f = if p + r > 0.0 {
            2.0 * p * r / (p + r)
        } else {
            0.0
        };
        (p, r, f)
    };
    DocScore {
        tp,
        gold_tokens: gs,
        pred_tokens: ps,
        precision,
        recall,
        f1,
    }
}

/// Mean scores over a gold set.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub n_docs: usize,
    pub n_missing_pred: usize,
    pub mean_precision: f64,
    pub mean_recall: f64,
    pub mean_f1: f64,
    /// Per-document scores, in the gold's id order.
    pub per_doc: Vec<(String, DocScore)>,
}

/// Scores predictions (id -> text) against gold (id -> text): means over all gold documents.
pub fn score(gold: &[(String, String)], pred: &HashMap<String, String>) -> Summary {
    let mut per_doc = Vec::with_capacity(gold.len());
    let mut missing = 0;
    for (id, g) in gold {
        let p = match pred.get(id) {
            Some(p) => p.as_str(),
            None => {
                missing += 1;
                ""
            }
        };
        per_doc.push((id.clone(), score_doc(g, p)));
    }
    let n = per_doc.len().max(1) as f64;
    let mean = |f: fn(&DocScore) -> f64| per_doc.iter().map(|(_, d)| f(d)).sum::<f64>() / n;
    Summary {
        n_docs: per_doc.len(),
        n_missing_pred: missing,
        mean_precision: mean(|d| d.precision),
        mean_recall: mean(|d| d.recall),
        mean_f1: mean(|d| d.f1),
        per_doc,
    }
}

/// The text of a gold or prediction record: a string, or an object's first text field.
fn text_of(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Object(_) => ["text", "article_body", "articleBody", "plaintext"]
            .iter()
            .find_map(|k| v.get(k))
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string(),
        _ => String::new(),
    }
}

/// Loads `(id, text)` pairs the way `score_extraction.py` does: a directory of `<id>.txt`
/// files, a JSONL file, or a ScrapingHub-style JSON object `{id: {"articleBody": ...}}`
/// (optionally wrapped as `{"version", "output"}`).
pub fn load_texts(path: &std::path::Path) -> Result<Vec<(String, String)>, String> {
    if path.is_dir() {
        let mut out = Vec::new();
        let entries = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
        for entry in entries {
            let p = entry
                .map_err(|e| format!("{}: {e}", path.display()))?
                .path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if let Some(id) = name.strip_suffix(".txt") {
                let bytes = std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
                out.push((id.to_string(), String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
        out.sort();
        return Ok(out);
    }
    let content = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let is_jsonl = path.extension().is_some_and(|e| e == "jsonl");
    if !is_jsonl {
        if let Ok(serde_json::Value::Object(mut o)) = serde_json::from_str(&content) {
            if !o.contains_key("id") && !o.contains_key("page_id") {
                if o.len() == 2 && o.contains_key("version") && o.contains_key("output") {
                    if let Some(serde_json::Value::Object(inner)) = o.remove("output") {
                        o = inner;
                    }
                }
                return Ok(o.iter().map(|(k, v)| (k.clone(), text_of(v))).collect());
            }
        }
    }
    read_jsonl(&content)
}

/// Reads `{"id" | "page_id", "text" | "article_body" | "articleBody" | "plaintext"}` JSONL
/// lines into `(id, text)` pairs, in file order.
pub fn read_jsonl(content: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (n, line) in content.split('\n').enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("line {}: {e}", n + 1))?;
        let id = ["id", "page_id"]
            .iter()
            .find_map(|k| v.get(k))
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .ok_or_else(|| format!("line {}: no id/page_id", n + 1))?;
        out.push((id, text_of(&v)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_like_python() {
        assert_eq!(
            tokenize("It's 3.5 km—naïve_x, 東京!"),
            vec!["It", "s", "3", "5", "km", "naïve_x", "東京"]
        );
        // A combining mark is not \w in Python: it splits the token.
        assert_eq!(tokenize("e\u{301}t"), vec!["e", "t"]);
    }

    #[test]
    fn edge_cases() {
        assert_eq!(score_doc("", "").f1, 1.0);
        assert_eq!(score_doc("a b", "").f1, 0.0);
        let s = score_doc("", "a");
        assert_eq!((s.precision, s.recall, s.f1), (0.0, 1.0, 0.0));
        let s = score_doc("a a b", "a c");
        assert_eq!(s.tp, 1);
        assert!((s.precision - 0.5).abs() < 1e-12 && (s.recall - 1.0 / 3.0).abs() < 1e-12);
    }

    #[test]
    fn loads_the_three_formats() {
        let dir = std::env::temp_dir().join(format!("pith-score-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("txt")).expect("temp dir");
        std::fs::write(dir.join("txt/a.txt"), "alpha beta").expect("write");
        std::fs::write(dir.join("txt/b.md"), "ignored").expect("write");
        std::fs::write(
            dir.join("p.jsonl"),
            "{\"page_id\": 7, \"articleBody\": \"x\"}\n\n",
        )
        .expect("write");
        std::fs::write(
            dir.join("sh.json"),
            r#"{"version": 1, "output": {"a": {"articleBody": "t"}, "b": "u"}}"#,
        )
        .expect("write");
        assert_eq!(
            load_texts(&dir.join("txt")).expect("dir"),
            vec![("a".to_string(), "alpha beta".to_string())]
        );
        assert_eq!(
            load_texts(&dir.join("p.jsonl")).expect("jsonl"),
            vec![("7".to_string(), "x".to_string())]
        );
        let mut sh = load_texts(&dir.join("sh.json")).expect("json");
        sh.sort();
        assert_eq!(
            sh,
            vec![
                ("a".to_string(), "t".to_string()),
                ("b".to_string(), "u".to_string())
            ]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn mean_over_gold_with_missing() {
        let gold = vec![
            ("a".to_string(), "x y".to_string()),
            ("b".to_string(), "z".to_string()),
        ];
        let pred: HashMap<String, String> = [("a".to_string(), "x y".to_string())].into();
        let s = score(&gold, &pred);
        assert_eq!(s.n_missing_pred, 1);
        assert!((s.mean_f1 - 0.5).abs() < 1e-12);
    }
}
