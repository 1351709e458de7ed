//! Text normalisation before hashing. The version is stored with any persisted hashes, so a
//! change here invalidates old state instead of silently mismatching it.

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

/// Bumped whenever `normalize` changes its output for some input.
pub const NORMALIZE_VERSION: u32 = 1;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NormalizeConfig {
    /// Drop punctuation (Unicode categories P*).
    pub punctuation: bool,
    /// Map every digit to `0`.
    pub digits: bool,
}

impl Default for NormalizeConfig {
    fn default() -> Self {
        NormalizeConfig {
            punctuation: false,
            digits: false,
        }
    }
}

/// NFKC, lower case, whitespace runs folded to one space; optionally punctuation and digits.
pub fn normalize(text: &str, cfg: &NormalizeConfig) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.nfkc().flat_map(char::to_lowercase) {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if cfg.punctuation && c.is_ascii_punctuation() {
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        if cfg.digits && c.is_numeric() {
            out.push('0');
        } else {
            out.push(c);
        }
    }
    out
}

/// 128-bit XXH3 of the normalised text.
pub fn hash128(normalized: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(normalized.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_width_and_space() {
        let c = NormalizeConfig::default();
        assert_eq!(normalize("  Ｈello\u{a0}\n World ", &c), "hello world");
        let c = NormalizeConfig {
            punctuation: true,
            digits: true,
        };
        assert_eq!(normalize("It's 2024!", &c), "its 0000");
    }
}
