//! Counts in how many distinct documents (one per duplicate cluster) each paragraph was seen,
//! so paragraphs repeated across many pages (site templates, cookie banners, "most read" lists)
//! can be treated as boilerplate, as in CCNet's paragraph deduplication (Wenzek et al., 2019)
//! and dolma's paragraph dedupe.
//!
//! Memory is bounded by `max_entries`: when the table is full, entries are pruned by lossy
//! counting (Manku and Motwani, VLDB 2002): the rarest counts go first, until the table is at
//! most half full. Real boilerplate has high counts and survives; unique article paragraphs
//! (count 1, the vast majority) are forgotten. Pruning is deterministic (it depends only on
//! the table's content), so saved-and-reloaded state behaves as one long run.

use std::collections::HashMap;

use crate::index::IdHash;

/// Per paragraph: how many distinct clusters it was seen in (low 4 bits, saturating at 15) and
/// the 20-bit hashes of the last three of those clusters (so a cluster is counted once even
/// when its copies are interleaved with other documents).
#[derive(Debug, Clone)]
pub struct ParagraphCounter {
    counts: HashMap<u64, u64, IdHash>,
    max_entries: usize,
}

const COUNT_BITS: u64 = 0xF;
const TAG_BITS: u64 = 0xF_FFFF;

impl ParagraphCounter {
    pub fn new(max_entries: usize) -> Self {
        ParagraphCounter {
            counts: HashMap::with_hasher(IdHash),
            max_entries: max_entries.max(16),
        }
    }

    /// Distinct clusters `key` was seen in (at most 15).
    pub fn count(&self, key: u64) -> u32 {
        self.counts.get(&key).map_or(0, |v| (v & COUNT_BITS) as u32)
    }

    /// Records that a document of cluster `cluster` (any hash of its id) has paragraph `key`.
    pub fn add(&mut self, key: u64, cluster: u64) {
        let tag = (cluster >> 44).max(1) & TAG_BITS;
        let v = self.counts.entry(key).or_insert(0);
        let tags = [
            (*v >> 4) & TAG_BITS,
            (*v >> 24) & TAG_BITS,
            (*v >> 44) & TAG_BITS,
        ];
        if tags.contains(&tag) {
            return;
        }
        let count = ((*v & COUNT_BITS) + 1).min(COUNT_BITS);
        // Newest tag first; the oldest of three falls off.
        *v = count | (tag << 4) | (tags[0] << 24) | (tags[1] << 44);
        if self.counts.len() > self.max_entries {
            self.prune();
        }
    }

    fn prune(&mut self) {
        let mut floor = 1;
        while self.counts.len() > self.max_entries / 2 {
            self.counts.retain(|_, v| *v & COUNT_BITS > floor);
            floor += 1;
        }
    }

    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Entries the table has room for without growing.
    pub fn capacity(&self) -> usize {
        self.counts.capacity()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Raw entries, for saving.
    pub fn entries(&self) -> impl Iterator<Item = (u64, u64)> + '_ {
        self.counts.iter().map(|(k, v)| (*k, *v))
    }

    /// Restores a raw entry written by [`ParagraphCounter::entries`].
    pub fn insert_raw(&mut self, key: u64, value: u64) {
        self.counts.insert(key, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_distinct_clusters_and_prunes_rare_entries_first() {
        let mut c = ParagraphCounter::new(16);
        for cluster in [1u64 << 50, 2 << 50, 1 << 50, 3 << 50, 2 << 50] {
            c.add(7, cluster);
        }
        assert_eq!(c.count(7), 3, "clusters 1, 2, 3 once each");
        for k in 100..116 {
            c.add(k, 9 << 50);
        }
        assert!(c.len() <= 16);
        assert_eq!(c.count(7), 3);
        assert_eq!(c.count(100), 0, "count-1 entries are pruned when full");
    }
}
