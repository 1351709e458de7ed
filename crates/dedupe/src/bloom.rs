//! A small Bloom filter (Bloom, CACM 1970) of one document's body shingles, sized to the
//! document (about 8 bits per shingle, 3 probes by double hashing; Kirsch and Mitzenmacher,
//! 2006), so a later document can ask how much of any part of its text the earlier one has:
//! containment of teasers, and whether lines that differ between two pages are edits.

/// Builds the filter for `shingles` (64-bit hashes), at most `max_bits` bits (a power of two).
pub fn build(shingles: &[u64], max_bits: usize) -> Box<[u64]> {
    if shingles.is_empty() {
        return Box::new([]);
    }
    let bits = (shingles.len() * 8)
        .next_power_of_two()
        .clamp(64, max_bits.max(64));
    let mut words = vec![0u64; bits / 64];
    for &h in shingles {
        for bit in probes(h, bits) {
            words[bit / 64] |= 1 << (bit % 64);
        }
    }
    words.into_boxed_slice()
}

/// Whether `h` may be in the filter (false positives at about 3% when full to 8 bits each).
pub fn contains(filter: &[u64], h: u64) -> bool {
    if filter.is_empty() {
        return false;
    }
    let bits = filter.len() * 64;
    probes(h, bits).all(|bit| filter[bit / 64] & (1 << (bit % 64)) != 0)
}

fn probes(h: u64, bits: usize) -> impl Iterator<Item = usize> {
    let a = h as u32 as usize;
    let b = ((h >> 32) as usize) | 1;
    let mask = bits - 1;
    (0..3).map(move |i| a.wrapping_add(i * b) & mask)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::fmix64;

    #[test]
    fn members_are_found_and_strangers_mostly_not() {
        let members: Vec<u64> = (0..500).map(fmix64).collect();
        let f = build(&members, 1 << 16);
        assert!(members.iter().all(|&h| contains(&f, h)));
        let false_pos = (10_000..20_000)
            .map(fmix64)
            .filter(|&h| contains(&f, h))
            .count();
        assert!(false_pos < 600, "{false_pos}");
        assert!(!contains(&build(&[], 64), 7));
    }
}
