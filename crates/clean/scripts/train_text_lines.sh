#!/usr/bin/env bash
# Retrains the text-dump line model shipped in crates/clean/models/text_lines.lr.
#
# Data recipe (implemented in examples/text_train.rs):
#   - input: a directory of whole-page text dumps `<id>.txt` with `gold.jsonl` ({"id","text"},
#     the article body); by default the development set shared/bench/text-dumps/scrapinghub.
#   - each non-blank dump line is labelled content when its lowercased \w+ tokens occur as a
#     whole run inside the gold's token sequence and it is long (6+ tokens) or lies between the
#     first and last long content line; every other line is furniture.
#   - lines are weighted by sqrt(1 + words) (token F1 weighs long lines more).
#   - model: L2-penalised logistic regression (Newton/IRLS) over the line features of
#     src/text/features.rs; the block-search parameters (pivot, line_base, in_block_min) are then
#     chosen by grid search on end-to-end mean F1.
#   - --cv trains on one half of the documents and scores the other half, both ways.
#
# Usage: crates/clean/scripts/train_text_lines.sh [DIR]   (from the workspace root)
set -euo pipefail
dir="${1:-${PITH_TEXT_DUMPS_DIR:-../shared/bench/text-dumps/scrapinghub}}"
cargo run --release -p pith-clean --example text_train -- "$dir" --cv --no-stage2 \
    --out crates/clean/models/text_lines.lr
