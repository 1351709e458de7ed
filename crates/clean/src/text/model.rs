//! The line model: logistic regression over [`super::features`], weights shipped in the binary.
//!
//! The weights file (`models/text_lines.lr`) is written by `scripts/train_text_lines.py` from
//! lines of the development set labelled by alignment with its gold (see that script for the
//! recipe). Format: one `name weight` pair a line, `#` comments; names are
//! [`super::features::FEATURE_NAMES`].

use std::sync::LazyLock;

use super::features::{FEATURE_NAMES, N_FEATURES, N_STAGE2, STAGE2_NAMES};

const WEIGHTS_FILE: &str = include_str!("../../models/text_lines.lr");

/// Parameters of the article-block search that are fitted with the line weights.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlockParams {
    /// A line's block weight is `(p - pivot) * (units + line_base)`.
    pub pivot: f32,
    pub line_base: f32,
    /// Inside the block, lines scoring below this are dropped.
    pub in_block_min: f32,
}

impl Default for BlockParams {
    fn default() -> Self {
        BlockParams {
            pivot: 0.5,
            line_base: 4.0,
            in_block_min: 0.3,
        }
    }
}

type Parsed = ([f32; N_FEATURES], [f32; N_STAGE2], BlockParams);

/// Parsed weights, in feature order, and block parameters; unknown names are an error found by
/// the tests.
pub(crate) fn parse(text: &str) -> Result<Parsed, String> {
    let mut w = [0f32; N_FEATURES];
    let mut w2 = [0f32; N_STAGE2];
    let mut params = BlockParams::default();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.split_whitespace();
        let (Some(name), Some(value)) = (parts.next(), parts.next()) else {
            return Err(format!("line {}: expected `name weight`", n + 1));
        };
        if let Some(param) = name.strip_prefix("param.") {
            let v: f32 = value
                .parse()
                .map_err(|_| format!("line {}: bad value {value}", n + 1))?;
            match param {
                "pivot" => params.pivot = v,
                "line_base" => params.line_base = v,
                "in_block_min" => params.in_block_min = v,
                _ => return Err(format!("line {}: unknown parameter {name}", n + 1)),
            }
            continue;
        }
        if let Some(idx) = STAGE2_NAMES.iter().position(|f| *f == name) {
            w2[idx] = value
                .parse()
                .map_err(|_| format!("line {}: bad weight {value}", n + 1))?;
            continue;
        }
        let idx = FEATURE_NAMES
            .iter()
            .position(|f| *f == name)
            .ok_or_else(|| format!("line {}: unknown feature {name}", n + 1))?;
        w[idx] = value
            .parse()
            .map_err(|_| format!("line {}: bad weight {value}", n + 1))?;
    }
    Ok((w, w2, params))
}

static SHIPPED: LazyLock<LineModel> = LazyLock::new(|| {
    // The file is part of the source tree and checked by a unit test; a broken file would
    // fail that test, so at run time fall back to zero weights rather than panic.
    let (weights, stage2, params) =
        parse(WEIGHTS_FILE).unwrap_or(([0.0; N_FEATURES], [0.0; N_STAGE2], BlockParams::default()));
    LineModel {
        weights,
        stage2,
        params,
    }
});

/// A line model: logistic-regression weights over the line features.
#[derive(Debug, Clone, PartialEq)]
pub struct LineModel {
    weights: [f32; N_FEATURES],
    /// Second-stage (stacking) weights; all zero means no second stage.
    stage2: [f32; N_STAGE2],
    /// Block-search parameters fitted with the weights.
    pub params: BlockParams,
}

impl LineModel {
    /// Parses a weights file (`name weight` lines, `#` comments).
    pub fn parse(text: &str) -> Result<LineModel, String> {
        parse(text).map(|(weights, stage2, params)| LineModel {
            weights,
            stage2,
            params,
        })
    }

    /// The model shipped in the binary.
    pub fn shipped() -> &'static LineModel {
        &SHIPPED
    }

    /// Writes the weights in the format [`LineModel::parse`] reads.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for (n, w) in FEATURE_NAMES.iter().zip(self.weights.iter()) {
            s.push_str(&format!("{n} {w}\n"));
        }
        for (n, w) in STAGE2_NAMES.iter().zip(self.stage2.iter()) {
            s.push_str(&format!("{n} {w}\n"));
        }
        let p = &self.params;
        s.push_str(&format!(
            "param.pivot {}\nparam.line_base {}\nparam.in_block_min {}\n",
            p.pivot, p.line_base, p.in_block_min
        ));
        s
    }

    /// Builds a model from weights in feature order (`None` if the length is wrong).
    pub fn from_weights(w: &[f32], w2: &[f32], params: BlockParams) -> Option<LineModel> {
        let weights: [f32; N_FEATURES] = w.try_into().ok()?;
        let stage2: [f32; N_STAGE2] = if w2.is_empty() {
            [0.0; N_STAGE2]
        } else {
            w2.try_into().ok()?
        };
        Some(LineModel {
            weights,
            stage2,
            params,
        })
    }

    /// The first-stage weights, in feature order.
    pub fn stage1_weights(&self) -> Vec<f32> {
        self.weights.to_vec()
    }

    /// Whether the model has a second (stacking) stage.
    pub fn has_stage2(&self) -> bool {
        self.stage2.iter().any(|w| *w != 0.0)
    }
}

/// Second-stage probability from a stage-2 vector.
pub fn probability2(x: &[f32; N_STAGE2], model: &LineModel) -> f32 {
    let z: f32 = model.stage2.iter().zip(x.iter()).map(|(a, b)| a * b).sum();
    1.0 / (1.0 + (-z).exp())
}

/// Probability that a line is article content.
pub fn probability(x: &[f32; N_FEATURES], model: &LineModel) -> f32 {
    let w = &model.weights;
    let z: f32 = w.iter().zip(x.iter()).map(|(a, b)| a * b).sum();
    1.0 / (1.0 + (-z).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_weights_parse() {
        let (w, _, _) = parse(WEIGHTS_FILE).expect("shipped weights parse");
        assert!(w.iter().any(|x| *x != 0.0));
    }

    #[test]
    fn rejects_unknown_names() {
        assert!(parse("bias 1.0\nnot_a_feature 2").is_err());
        assert!(parse("bias x").is_err());
        assert!(parse("param.nope 1").is_err());
        let m = LineModel::parse("bias 0.5\nparam.pivot 0.25").expect("parses");
        assert_eq!(m.params.pivot, 0.25);
        assert_eq!(LineModel::parse(&m.to_text()).expect("round trip"), m);
    }
}
