//! The per-document work that needs no shared state, run in parallel: split the text into
//! paragraphs (lines), normalise each, hash it, and hash its word shingles.
//!
//! Shingles do not cross paragraph boundaries, so the shingles of a document without its
//! boilerplate paragraphs are just the shingles of the other paragraphs: the ordered stage can
//! decide which paragraphs are boilerplate after this parallel step without re-reading the text.

use std::ops::Range;

use crate::normalize::{normalize_words_into, NormalizeConfig};

/// One non-empty line of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct Para {
    /// XXH3-64 of the normalised line.
    pub hash: u64,
    /// Words in the normalised line.
    pub words: u32,
    /// Byte range of the normalised line in [`Features::norm`].
    pub norm: Range<usize>,
    /// Range of this line's shingle hashes in [`Features::shingles`].
    pub shingles: Range<usize>,
    /// Byte range of the line in the original text (for stripping it from the output).
    pub line: Range<usize>,
}

/// Everything the ordered decision needs from one document.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Features {
    /// Normalised paragraphs, each followed by `\n`.
    pub norm: String,
    pub paras: Vec<Para>,
    /// Hashes of the word n-grams of every paragraph, paragraph by paragraph.
    pub shingles: Vec<u64>,
    /// Hash of the whole normalised text (boilerplate included): [`hash_paras`] of every
    /// paragraph's hash, so a body hash can be computed from paragraph hashes alone (which is
    /// all a signature file carries).
    pub full_hash: u128,
}

/// Splits, normalises and shingles `text` with word n-grams of `shingle_size` words.
pub fn analyze(text: &str, cfg: &NormalizeConfig, shingle_size: usize) -> Features {
    let n = shingle_size.max(1);
    let mut f = Features {
        norm: String::with_capacity(text.len()),
        paras: Vec::new(),
        shingles: Vec::with_capacity(text.len() / 5),
        full_hash: 0,
    };
    let mut words: Vec<u64> = Vec::with_capacity(256);
    let mut starts: Vec<usize> = Vec::with_capacity(256);
    let mut offset = 0usize;
    for raw in text.split('\n') {
        let line = offset..offset + raw.len();
        offset += raw.len() + 1;
        let start = f.norm.len();
        starts.clear();
        let nwords = normalize_words_into(raw, cfg, &mut f.norm, &mut starts);
        if nwords == 0 {
            f.norm.truncate(start);
            continue;
        }
        let end = f.norm.len();
        let bytes = f.norm.as_bytes();
        let normalized = f.norm.get(start..end).unwrap_or_default();
        words.clear();
        // Words are separated by exactly one space: word k runs to the next start minus one.
        words.extend(starts.iter().enumerate().map(|(k, &s)| {
            let e = starts.get(k + 1).map_or(end, |&n| n - 1);
            word_hash(bytes.get(s..e).unwrap_or_default())
        }));
        let sh_start = f.shingles.len();
        if words.len() < n {
            f.shingles.push(shingle_hash(&words));
        } else {
            f.shingles.extend(words.windows(n).map(shingle_hash));
        }
        f.paras.push(Para {
            hash: xxhash_rust::xxh3::xxh3_64(normalized.as_bytes()),
            words: u32::try_from(nwords).unwrap_or(u32::MAX),
            norm: start..end,
            shingles: sh_start..f.shingles.len(),
            line,
        });
        f.norm.push('\n');
    }
    f.full_hash = hash_paras(f.paras.iter().map(|p| p.hash));
    f
}

/// XXH3-128 of a sequence of paragraph hashes: the exact-duplicate key of a text (all its
/// paragraphs) or of a body (its paragraphs that are not boilerplate).
pub fn hash_paras(hashes: impl Iterator<Item = u64>) -> u128 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for p in hashes {
        h.update(&p.to_le_bytes());
    }
    h.digest128()
}

/// A fast hash of one word (words are short): 8 bytes at a time, multiply and rotate, then
/// the shingle hash mixes it fully.
#[inline]
fn word_hash(w: &[u8]) -> u64 {
    let mut h = 0x243F_6A88_85A3_08D3u64 ^ (w.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut chunks = w.chunks_exact(8);
    for c in &mut chunks {
        let mut b = [0u8; 8];
        b.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(b))
            .wrapping_mul(0x9FB2_1C65_1E98_DF25)
            .rotate_left(29);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        let mut b = [0u8; 8];
        b[..rest.len()].copy_from_slice(rest);
        h = (h ^ u64::from_le_bytes(b))
            .wrapping_mul(0x9FB2_1C65_1E98_DF25)
            .rotate_left(29);
    }
    h ^ (h >> 32)
}

/// Order-sensitive combination of word hashes (each position gets its own odd multiplier),
/// finished with the MurmurHash3 64-bit finaliser so every output bit depends on every input.
#[inline]
fn shingle_hash(words: &[u64]) -> u64 {
    const MUL: [u64; 8] = [
        0x9E37_79B9_7F4A_7C15,
        0xC2B2_AE3D_27D4_EB4F,
        0x1656_67B1_9E37_79F9,
        0x85EB_CA77_C2B2_AE63,
        0x27D4_EB2F_1656_67C5,
        0xFF51_AFD7_ED55_8CCD,
        0xC4CE_B9FE_1A85_EC53,
        0x94D0_49BB_1331_11EB,
    ];
    let mut h = words.len() as u64;
    for (i, w) in words.iter().enumerate() {
        h ^= w
            .wrapping_mul(MUL[i % MUL.len()])
            .rotate_left((i as u32 * 17) % 64);
    }
    fmix64(h)
}

/// MurmurHash3's 64-bit finaliser.
#[inline]
pub fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    h ^= h >> 33;
    h = h.wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    h ^= h >> 33;
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_paragraphs_and_crlf_or_blank_lines_do_not_matter() {
        let cfg = NormalizeConfig::default();
        let a = analyze("One two three four.\n\nFive six seven.\n", &cfg, 3);
        let b = analyze("ONE two  three four\r\nFive six seven", &cfg, 3);
        assert_eq!(a.paras.len(), 2);
        assert_eq!(a.full_hash, b.full_hash);
        assert_eq!(a.shingles, b.shingles);
        // 4 words -> 2 trigrams; 3 words -> 1 trigram.
        assert_eq!(a.shingles.len(), 3);
        assert_eq!(a.paras[1].line, 21..36);
    }

    #[test]
    fn short_paragraphs_still_get_one_shingle_and_order_matters() {
        let cfg = NormalizeConfig::default();
        let a = analyze("alpha beta", &cfg, 5);
        let b = analyze("beta alpha", &cfg, 5);
        assert_eq!(a.shingles.len(), 1);
        assert_ne!(a.shingles, b.shingles);
        assert!(analyze(" \n -- \n", &cfg, 5).paras.is_empty());
    }
}
