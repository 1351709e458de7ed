//! Trains the text-dump line model (logistic regression) on a labelled benchmark directory and
//! writes its weights; `scripts/train_text_lines.sh` runs it with the project's settings.
//!
//! `cargo run --release -p pith-clean --example text_train -- [DIR] [--out FILE] [--cv]`
//!
//! Data recipe: DIR holds `<id>.txt` whole-page text dumps and `gold.jsonl` (`{"id","text"}`,
//! the article body). Each non-blank line of a dump is labelled *content* when its lowercased
//! `\w+` tokens occur, in order and as a whole, inside the gold's token sequence, and it is
//! either long (6+ tokens) or lies between the first and last long content line (short lines
//! such as "News" match gold text by chance elsewhere on the page). Everything else is
//! *furniture*. Lines are weighted by 1 + ln(1 + length in words), as the F1 is over tokens.
//!
//! The fit is Newton's method (IRLS) with an L2 penalty; `--cv` also trains on one half of the
//! documents and scores the cleaner end to end on the other half, both ways.

// Dense linear algebra (Hessian, elimination) reads best with explicit indices.
#![allow(clippy::needless_range_loop)]

use std::fs;
use std::path::PathBuf;

use pith_clean::text::{self, score, BlockParams, LineModel, Options};

struct Doc {
    id: String,
    dump: String,
    gold: String,
    rows: Vec<(Vec<f32>, f32)>,
}

/// A training row: features, label, sample weight.
type Row<'a> = (&'a [f32], f32, f64);

/// Sample weight of a line from its ln(1 + units) feature: the F1 is over tokens.
fn sample_weight(log_units: f32, wpow: f64) -> f64 {
    f64::from(log_units).exp().powf(wpow)
}

/// Trains both stages on `docs`: stage 1 on the line features, stage 2 on the stacked
/// first-stage scores (`stage2`). Returns the stage-1 and stage-2 weights.
fn train_stages(docs: &[&Doc], l2: f64, wpow: f64, stage2: bool) -> (Vec<f64>, Vec<f64>) {
    let dim = text::feature_names().len();
    let rows: Vec<Row> = docs
        .iter()
        .flat_map(|d| d.rows.iter())
        .map(|(x, y)| (x.as_slice(), *y, sample_weight(x[1], wpow)))
        .collect();
    let w1 = train(&rows, dim, l2);
    if !stage2 {
        return (w1, Vec::new());
    }
    let m1 = model_of(&w1, &[], BlockParams::default());
    let mut data2: Vec<(Vec<f32>, f32, f64)> = Vec::new();
    for d in docs {
        let x2 = text::stage2_features(&d.dump, &m1);
        for (x, (x1, y)) in x2.into_iter().zip(&d.rows) {
            data2.push((x, *y, sample_weight(x1[1], wpow)));
        }
    }
    let rows2: Vec<Row> = data2
        .iter()
        .map(|(x, y, w)| (x.as_slice(), *y, *w))
        .collect();
    let w2 = train(&rows2, text::stage2_names().len(), l2);
    (w1, w2)
}

fn norm(s: &str) -> String {
    let mut out = String::from(" ");
    for t in score::tokens(s) {
        out.push_str(&t.to_lowercase());
        out.push(' ');
    }
    out
}

fn label_doc(dump: &str, gold: &str) -> Vec<(Vec<f32>, f32)> {
    let g = norm(gold);
    let feats = text::line_features(dump);
    let matched: Vec<(bool, usize)> = feats
        .iter()
        .map(|(_, t, _)| {
            let n = norm(t);
            let toks = score::tokens(t).count();
            (toks > 0 && g.contains(&n), toks)
        })
        .collect();
    let long: Vec<usize> = matched
        .iter()
        .enumerate()
        .filter(|(_, (m, t))| *m && *t >= 6)
        .map(|(i, _)| i)
        .collect();
    let (first, last) = (long.first().copied(), long.last().copied());
    feats
        .into_iter()
        .enumerate()
        .map(|(i, (_, _, x))| {
            let (m, toks) = matched[i];
            let in_span = first.is_some_and(|f| i >= f) && last.is_some_and(|l| i <= l);
            let y = if m && (toks >= 6 || in_span) {
                1.0
            } else {
                0.0
            };
            (x, y)
        })
        .collect()
}

/// L2-penalised, sample-weighted logistic regression by Newton's method (IRLS).
fn train(rows: &[Row], dim: usize, l2: f64) -> Vec<f64> {
    let mut w = vec![0f64; dim];
    for _ in 0..25 {
        let mut grad = vec![0f64; dim];
        let mut hess = vec![vec![0f64; dim]; dim];
        for (x, y, sw) in rows {
            let z: f64 = w.iter().zip(x.iter()).map(|(a, b)| a * f64::from(*b)).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let r = sw * (p - f64::from(*y));
            let s = sw * p * (1.0 - p);
            for a in 0..dim {
                let xa = f64::from(x[a]);
                if xa == 0.0 {
                    continue;
                }
                grad[a] += r * xa;
                for b in a..dim {
                    hess[a][b] += s * xa * f64::from(x[b]);
                }
            }
        }
        for a in 0..dim {
            for b in 0..a {
                hess[a][b] = hess[b][a];
            }
            let pen = if a == 0 { 0.0 } else { l2 };
            grad[a] += pen * w[a];
            hess[a][a] += pen + 1e-9;
        }
        let step = solve(hess, grad);
        let mut delta = 0.0;
        for a in 0..dim {
            w[a] -= step[a];
            delta += step[a].abs();
        }
        if delta < 1e-6 {
            break;
        }
    }
    w
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting.
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for c in 0..n {
        let piv = (c..n)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .unwrap_or(c);
        a.swap(c, piv);
        b.swap(c, piv);
        let d = a[c][c];
        if d.abs() < 1e-12 {
            continue;
        }
        for r in c + 1..n {
            let f = a[r][c] / d;
            if f == 0.0 {
                continue;
            }
            for k in c..n {
                a[r][k] -= f * a[c][k];
            }
            b[r] -= f * b[c];
        }
    }
    let mut x = vec![0f64; n];
    for c in (0..n).rev() {
        let s: f64 = (c + 1..n).map(|k| a[c][k] * x[k]).sum();
        x[c] = if a[c][c].abs() < 1e-12 {
            0.0
        } else {
            (b[c] - s) / a[c][c]
        };
    }
    x
}

fn model_of(w: &[f64], w2: &[f64], params: BlockParams) -> LineModel {
    let w32: Vec<f32> = w.iter().map(|v| *v as f32).collect();
    let w2_32: Vec<f32> = w2.iter().map(|v| *v as f32).collect();
    LineModel::from_weights(&w32, &w2_32, params).expect("weights have the feature counts")
}

/// Grid search of the block parameters for fixed weights, on `docs`.
fn fit_params(docs: &[&Doc], (w, w2): &(Vec<f64>, Vec<f64>)) -> (LineModel, f64) {
    let mut best: Option<(LineModel, f64)> = None;
    for pivot in [0.25f32, 0.3, 0.35, 0.4] {
        for line_base in [5f32, 10.0, 15.0] {
            for in_block_min in [0.0f32, 0.05, 0.1] {
                let m = model_of(
                    w,
                    w2,
                    BlockParams {
                        pivot,
                        line_base,
                        in_block_min,
                    },
                );
                let f = mean_f1(docs, &m);
                if best.as_ref().is_none_or(|(_, bf)| f > *bf) {
                    best = Some((m, f));
                }
            }
        }
    }
    best.expect("grid is not empty")
}

fn mean_f1(docs: &[&Doc], model: &LineModel) -> f64 {
    mean_f1_with(docs, model, false)
}

/// Mean F1 of the cleaner with `model` on `docs`, the title kept (shipped default) or not
/// (the development gold's policy).
fn mean_f1_with(docs: &[&Doc], model: &LineModel, keep_title: bool) -> f64 {
    let opts = Options {
        keep_title,
        line_model: Some(model.clone()),
        ..Options::default()
    };
    let s: f64 = docs
        .iter()
        .map(|d| {
            score::prf(
                &d.gold,
                &text::clean_dump_opts(&d.dump, &opts, None, "").text,
            )
            .f1
        })
        .sum();
    s / docs.len().max(1) as f64
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut dir = std::env::var("PITH_TEXT_DUMPS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/bench/text-dumps/scrapinghub"
            ))
        });
    let mut out: Option<PathBuf> = None;
    let mut cv = false;
    let mut l2 = 1.0f64;
    let mut wpow = 0.5f64;
    let mut stage2 = true;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--out" => out = it.next().map(PathBuf::from),
            "--cv" => cv = true,
            "--no-stage2" => stage2 = false,
            "--weight-power" => wpow = it.next().and_then(|v| v.parse().ok()).unwrap_or(wpow),
            "--l2" => l2 = it.next().and_then(|v| v.parse().ok()).unwrap_or(l2),
            other => dir = PathBuf::from(other),
        }
    }
    let mut docs = Vec::new();
    for line in fs::read_to_string(dir.join("gold.jsonl"))?.lines() {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let id = v["id"].as_str().unwrap_or("").to_string();
        let gold = v["text"].as_str().unwrap_or("").to_string();
        let dump = fs::read_to_string(dir.join(format!("{id}.txt")))?;
        let rows = label_doc(&dump, &gold);
        docs.push(Doc {
            id,
            dump,
            gold,
            rows,
        });
    }
    docs.sort_by(|a, b| a.id.cmp(&b.id));
    let lines: usize = docs.iter().map(|d| d.rows.len()).sum();
    let pos = docs
        .iter()
        .flat_map(|d| d.rows.iter())
        .filter(|r| r.1 > 0.5)
        .count();
    eprintln!("{} docs, {lines} lines, {pos} content", docs.len());
    if cv {
        let halves: [Vec<&Doc>; 2] = [
            docs.iter().step_by(2).collect(),
            docs.iter().skip(1).step_by(2).collect(),
        ];
        for k in 0..2 {
            let w = train_stages(&halves[k], l2, wpow, stage2);
            let (m, f_train) = fit_params(&halves[k], &w);
            println!(
                "cv: train half {k} ({} docs): F1 train {:.4}, held-out half {:.4} (title kept: {:.4})  {:?}",
                halves[k].len(),
                f_train,
                mean_f1(&halves[1 - k], &m),
                mean_f1_with(&halves[1 - k], &m, true),
                m.params
            );
        }
    }
    let refs: Vec<&Doc> = docs.iter().collect();
    let w = train_stages(&refs, l2, wpow, stage2);
    let (m, f) = fit_params(&refs, &w);
    println!(
        "full fit: F1 {f:.4} (no title, dev gold policy), {:.4} with the title kept  {:?}",
        mean_f1_with(&refs, &m, true),
        m.params
    );
    for (n, v) in text::feature_names()
        .iter()
        .chain(text::stage2_names())
        .zip(w.0.iter().chain(&w.1))
    {
        eprintln!("{n:>20} {v:+.3}");
    }
    if let Some(path) = out {
        let mut s = String::from(
            "# Line model for text dumps: logistic regression weights, one `feature weight` a line.\n\
             # Written by crates/clean/scripts/train_text_lines.sh (examples/text_train.rs); do not edit.\n",
        );
        s.push_str(&m.to_text());
        fs::write(&path, s)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
