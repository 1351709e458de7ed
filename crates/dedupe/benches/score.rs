//! The dedupe metrics of `shared/eval/score_dedup.py`, computed the same way in Rust: pairwise
//! precision/recall/F1 over predicted clusters, kept-exactly-one rate, clusters that lost every
//! copy, per-variant recall and false merges of singletons.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap, HashSet};

/// One scored document: gold cluster and variant, predicted cluster and keep decision.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: String,
    pub gold: String,
    pub variant: String,
    pub pred: String,
    pub keep: bool,
    /// The stage's annotation, for inspection.
    pub note: serde_json::Value,
}

#[derive(Debug, Clone, Default)]
pub struct Scores {
    pub n_docs: usize,
    pub n_multi_clusters: usize,
    pub pair_precision: f64,
    pub pair_recall: f64,
    pub pair_f1: f64,
    pub kept_exactly_one_rate_multi: f64,
    pub clusters_lost: usize,
    pub clusters_over_kept: usize,
    pub singleton_false_merge_rate: f64,
    /// variant -> (n, ok rate)
    pub per_variant: BTreeMap<String, (usize, f64)>,
}

fn comb2(n: usize) -> u64 {
    (n as u64) * (n as u64).saturating_sub(1) / 2
}

fn prf(tp: u64, npred: u64, ngold: u64) -> (f64, f64, f64) {
    let p = if npred > 0 {
        tp as f64 / npred as f64
    } else {
        1.0
    };
    let r = if ngold > 0 {
        tp as f64 / ngold as f64
    } else {
        1.0
    };
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

pub fn score(rows: &[Row]) -> Scores {
    let mut members: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut pred_members: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut joint: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        members.entry(&r.gold).or_default().push(i);
        pred_members.entry(&r.pred).or_default().push(i);
        *joint.entry((&r.gold, &r.pred)).or_default() += 1;
    }
    let tp: u64 = joint.values().map(|&c| comb2(c)).sum();
    let pp: u64 = pred_members.values().map(|m| comb2(m.len())).sum();
    let gp: u64 = members.values().map(|m| comb2(m.len())).sum();
    let (p, r, f) = prf(tp, pp, gp);
    let mut s = Scores {
        n_docs: rows.len(),
        n_multi_clusters: members.values().filter(|m| m.len() > 1).count(),
        pair_precision: p,
        pair_recall: r,
        pair_f1: f,
        ..Scores::default()
    };
    let mut tot: BTreeMap<String, usize> = BTreeMap::new();
    let mut hit: BTreeMap<String, usize> = BTreeMap::new();
    let (mut single, mut false_merge) = (0usize, 0usize);
    for (i, r) in rows.iter().enumerate() {
        *tot.entry(r.variant.clone()).or_default() += 1;
        let gold_m = &members[r.gold.as_str()];
        let pred_m = &pred_members[r.pred.as_str()];
        let ok = if gold_m.len() == 1 {
            single += 1;
            if pred_m.len() > 1 {
                false_merge += 1;
            }
            pred_m.len() == 1
        } else {
            let others: HashSet<usize> = gold_m.iter().copied().filter(|&j| j != i).collect();
            pred_m.iter().any(|j| others.contains(j))
        };
        *hit.entry(r.variant.clone()).or_default() += usize::from(ok);
    }
    s.singleton_false_merge_rate = if single > 0 {
        false_merge as f64 / single as f64
    } else {
        0.0
    };
    for (v, n) in tot {
        let h = hit.get(&v).copied().unwrap_or(0);
        s.per_variant.insert(v, (n, h as f64 / n as f64));
    }
    let mut kept_per: HashMap<&str, usize> = HashMap::new();
    for r in rows.iter().filter(|r| r.keep) {
        *kept_per.entry(&r.gold).or_default() += 1;
    }
    let multi: Vec<&&str> = members.keys().filter(|c| members[**c].len() > 1).collect();
    let exact_one = multi
        .iter()
        .filter(|c| kept_per.get(**c).copied().unwrap_or(0) == 1)
        .count();
    s.kept_exactly_one_rate_multi = if multi.is_empty() {
        1.0
    } else {
        exact_one as f64 / multi.len() as f64
    };
    s.clusters_lost = members
        .keys()
        .filter(|c| kept_per.get(*c).copied().unwrap_or(0) == 0)
        .count();
    s.clusters_over_kept = members
        .keys()
        .filter(|c| kept_per.get(*c).copied().unwrap_or(0) > 1)
        .count();
    s
}

impl Scores {
    /// False-merge rate of singletons of one variant (thin pages): 1 - their ok rate.
    pub fn false_merge_rate(&self, variant: &str) -> Option<f64> {
        self.per_variant.get(variant).map(|(_, ok)| 1.0 - ok)
    }

    pub fn print(&self, label: &str) {
        println!(
            "{label}: {} docs, {} multi-doc clusters",
            self.n_docs, self.n_multi_clusters
        );
        println!(
            "  pair P/R/F1            {:.4} / {:.4} / {:.4}",
            self.pair_precision, self.pair_recall, self.pair_f1
        );
        println!(
            "  kept exactly one       {:.4} of multi-doc clusters; {} clusters lost every copy; {} kept more than one",
            self.kept_exactly_one_rate_multi, self.clusters_lost, self.clusters_over_kept
        );
        println!(
            "  singleton false merges {:.4}",
            self.singleton_false_merge_rate
        );
        for (v, (n, ok)) in &self.per_variant {
            println!("    {v:18} n={n:6} ok={ok:.3}");
        }
    }
}
