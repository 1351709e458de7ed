//! MinHash signatures by one permutation hashing with densification, and LSH band keys.
//!
//! One permutation hashing (Li, Owen and Zhang, NeurIPS 2012) hashes every shingle once and keeps
//! the minimum per bin, so a signature costs O(shingles + bins) instead of O(shingles x bins);
//! empty bins are filled by rotation (Shrivastava and Li, ICML 2014). Only the low 16 bits of
//! each minimum are kept (b-bit minwise hashing, Li and Koenig, WWW 2010): the estimate is biased
//! by 2^-16 at most and the index needs half the memory.

use crate::features::fmix64;

/// Builds signatures of a fixed number of bins.
#[derive(Debug, Clone)]
pub struct Sketcher {
    bins: usize,
    shift: u32,
}

impl Sketcher {
    /// `bins` must be a power of two between 8 and 4096 (checked by the config).
    pub fn new(bins: usize) -> Self {
        let bins = bins.clamp(8, 4096).next_power_of_two();
        Sketcher {
            bins,
            shift: 64 - bins.trailing_zeros(),
        }
    }

    pub fn bins(&self) -> usize {
        self.bins
    }

    /// The signature of a set of shingle hashes; `None` for an empty set.
    pub fn sketch(&self, shingles: impl IntoIterator<Item = u64>, out: &mut Vec<u16>) -> bool {
        let mut mins = vec![u64::MAX; self.bins];
        let mut any = false;
        for h in shingles {
            any = true;
            // Shingle hashes are already mixed: top bits pick the bin, the rest is the value.
            let bin = (h >> self.shift) as usize;
            let v = h & (u64::MAX >> (64 - self.shift));
            if v < mins[bin] {
                mins[bin] = v;
            }
        }
        out.clear();
        if !any {
            return false;
        }
        out.reserve(self.bins);
        for i in 0..self.bins {
            let mut j = i;
            let mut dist = 0u64;
            // At least one bin is filled, so this ends within `bins` steps.
            while mins[j] == u64::MAX {
                j = (j + 1) % self.bins;
                dist += 1;
            }
            let v = if dist == 0 {
                mins[j]
            } else {
                fmix64(mins[j] ^ dist.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            };
            out.push(v as u16);
        }
        true
    }
}

/// Fraction of equal bins: the MinHash estimate of the Jaccard similarity.
pub fn jaccard(a: &[u16], b: &[u16]) -> f64 {
    if a.is_empty() || a.len() != b.len() {
        return 0.0;
    }
    let eq = a.iter().zip(b).filter(|(x, y)| x == y).count();
    eq as f64 / a.len() as f64
}

/// One key per band of `rows` bins; the band number is mixed in so one table holds all bands.
pub fn band_keys(sig: &[u16], bands: usize, rows: usize, out: &mut Vec<u64>) {
    out.clear();
    for b in 0..bands {
        let Some(vals) = sig.get(b * rows..(b + 1) * rows) else {
            break;
        };
        let mut h = (b as u64 + 1).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        for &v in vals {
            h = (h ^ u64::from(v))
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .rotate_left(29);
        }
        out.push(fmix64(h));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(range: std::ops::Range<u64>) -> Vec<u64> {
        range.map(fmix64).collect()
    }

    #[test]
    fn estimate_tracks_true_jaccard() {
        let s = Sketcher::new(256);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        // |A| = |B| = 1000, overlap 600 -> J = 600 / 1400.
        assert!(s.sketch(set(0..1000), &mut a));
        assert!(s.sketch(set(400..1400), &mut b));
        let j = jaccard(&a, &b);
        assert!((j - 600.0 / 1400.0).abs() < 0.08, "{j}");
        assert_eq!(jaccard(&a, &a), 1.0);
        let mut c = Vec::new();
        assert!(s.sketch(set(5000..6000), &mut c));
        assert!(jaccard(&a, &c) < 0.05);
    }

    #[test]
    fn tiny_sets_are_densified_and_empty_sets_have_no_signature() {
        let s = Sketcher::new(128);
        let mut a = Vec::new();
        assert!(s.sketch(set(0..3), &mut a));
        assert_eq!(a.len(), 128);
        let mut b = Vec::new();
        assert!(s.sketch(set(0..3), &mut b));
        assert_eq!(a, b);
        assert!(!s.sketch(Vec::new(), &mut b));
        let mut keys = Vec::new();
        band_keys(&a, 42, 3, &mut keys);
        assert_eq!(keys.len(), 42);
    }
}
