//! Token-level precision, recall and F1 between a gold text and a predicted one, computed like
//! `shared/eval/score_text.py`: tokens are runs of Unicode word characters (`\w+`: letters,
//! digits, `_`), compared as bags (multisets), case-sensitive.

use std::collections::HashMap;

/// Scores of one document.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Tokens shared by gold and prediction (bag overlap).
    pub overlap: usize,
    pub gold_tokens: usize,
    pub pred_tokens: usize,
}

fn is_word_char(c: char) -> bool {
    // Python's `\w`: str.isalnum() or '_'. Combining marks are outside both.
    c == '_' || c.is_alphanumeric()
}

/// The `\w+` tokens of a text, in order.
pub fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !is_word_char(c))
        .filter(|t| !t.is_empty())
}

fn bag(text: &str) -> (HashMap<&str, usize>, usize) {
    let mut m: HashMap<&str, usize> = HashMap::new();
    let mut n = 0;
    for t in tokens(text) {
        *m.entry(t).or_insert(0) += 1;
        n += 1;
    }
    (m, n)
}

/// Bag-of-tokens P/R/F1 of `pred` against `gold`, with the edge cases of `score_text.py`:
/// both empty score 1; an empty side that is divided by scores 1 only if the other is empty.
pub fn prf(gold: &str, pred: &str) -> Prf {
    let (g, ng) = bag(gold);
    let (p, np) = bag(pred);
    let overlap: usize = g
        .iter()
        .map(|(t, c)| (*c).min(p.get(t).copied().unwrap_or(0)))
        .sum();
    let precision = if np > 0 {
        overlap as f64 / np as f64
    } else if ng == 0 {
        1.0
    } else {
        0.0
    };
    let recall = if ng > 0 {
        overlap as f64 / ng as f64
    } else if np == 0 {
        1.0
    } else {
        0.0
    };
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Prf {
        precision,
        recall,
        f1,
        overlap,
        gold_tokens: ng,
        pred_tokens: np,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_unicode_word_runs() {
        let t: Vec<&str> = tokens("Putin's 6.3% — naïve_x, 東京タワー!").collect();
        assert_eq!(t, vec!["Putin", "s", "6", "3", "naïve_x", "東京タワー"]);
    }

    #[test]
    fn bag_overlap_and_edge_cases() {
        let s = prf("a b b c", "b b d");
        assert_eq!(s.overlap, 2);
        assert!((s.precision - 2.0 / 3.0).abs() < 1e-12);
        assert!((s.recall - 0.5).abs() < 1e-12);
        assert_eq!(prf("", "").f1, 1.0);
        assert_eq!(prf("a", "").f1, 0.0);
        assert_eq!(prf("", "a").f1, 0.0);
        assert_eq!(prf("A", "a").f1, 0.0);
    }
}
