//! Corpus statistics for text dumps: in how many documents of one site a line occurs.
//!
//! A line printed on many pages of the same host (menus, footers, newsletter boxes, the
//! site's slogan) is template, whatever it looks like; CCNet drops such lines per shard
//! (Wenzek et al. 2020, "CCNet: Extracting High Quality Monolingual Datasets from Web Crawl
//! Data"). Here the count is kept per host, in bounded memory, with lossy counting (Manku and
//! Motwani 2002, "Approximate Frequency Counts over Data Streams"): when the table is full,
//! entries at or below the current floor are evicted and the floor rises, so frequent lines
//! survive and the error of any count is bounded by the number of prunes.

use std::collections::{HashMap, HashSet};
use std::io::{self, Read, Write};

/// Per-host document counts of line hashes, in bounded memory.
#[derive(Debug, Clone)]
pub struct LineStats {
    counts: HashMap<u64, u32>,
    capacity: usize,
    floor: u32,
    docs: u64,
}

impl Default for LineStats {
    fn default() -> Self {
        LineStats::with_capacity(1 << 20)
    }
}

/// Stable 64-bit FNV-1a, so hashes saved in a state file stay valid across builds.
fn fnv(bytes: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Key of a line for counting: case, digits and punctuation folded, so "3 Comments" and
/// "5 comments" count together.
pub(crate) fn line_key(host: &str, line: &str) -> Option<u64> {
    let key = super::lexicon::heading_key(line);
    if key.is_empty() {
        return None;
    }
    let h = fnv(host.to_ascii_lowercase().as_bytes(), 0);
    Some(fnv(key.as_bytes(), h))
}

const MAGIC: &[u8; 8] = b"PITHLS01";

impl LineStats {
    /// A table of at most `capacity` line entries (about 24 bytes each with map overhead).
    pub fn with_capacity(capacity: usize) -> LineStats {
        LineStats {
            counts: HashMap::new(),
            capacity: capacity.max(16),
            floor: 0,
            docs: 0,
        }
    }

    /// Counts each distinct line of one document of `host` once.
    pub fn observe(&mut self, host: &str, dump: &str) {
        self.docs += 1;
        let mut seen: HashSet<u64> = HashSet::new();
        for line in dump.lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if let Some(k) = line_key(host, line) {
                if seen.insert(k) {
                    let floor = self.floor;
                    *self.counts.entry(k).or_insert(floor) += 1;
                }
            }
        }
        if self.counts.len() > self.capacity {
            self.prune();
        }
    }

    fn prune(&mut self) {
        while self.counts.len() > self.capacity / 2 {
            self.floor += 1;
            let floor = self.floor;
            self.counts.retain(|_, c| *c > floor);
        }
    }

    /// In how many observed documents of `host` the line occurs (an upper bound after prunes).
    pub fn count(&self, host: &str, line: &str) -> u32 {
        line_key(host, line.trim())
            .and_then(|k| self.counts.get(&k).copied())
            .unwrap_or(0)
    }

    /// Documents observed.
    pub fn docs(&self) -> u64 {
        self.docs
    }

    /// Entries held.
    pub fn len(&self) -> usize {
        self.counts.len()
    }

    /// Whether nothing was observed.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Saves the table (a small binary format: magic, floor, docs, then key/count pairs).
    pub fn write_to(&self, mut w: impl Write) -> io::Result<()> {
        w.write_all(MAGIC)?;
        w.write_all(&self.floor.to_le_bytes())?;
        w.write_all(&self.docs.to_le_bytes())?;
        w.write_all(&(self.counts.len() as u64).to_le_bytes())?;
        for (k, c) in &self.counts {
            w.write_all(&k.to_le_bytes())?;
            w.write_all(&c.to_le_bytes())?;
        }
        Ok(())
    }

    /// Loads a table saved by [`LineStats::write_to`], keeping at most `capacity` entries.
    pub fn read_from(mut r: impl Read, capacity: usize) -> io::Result<LineStats> {
        let mut magic = [0u8; 8];
        r.read_exact(&mut magic)?;
        if &magic != MAGIC {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "not a pith line-stats file",
            ));
        }
        let mut b4 = [0u8; 4];
        let mut b8 = [0u8; 8];
        r.read_exact(&mut b4)?;
        let floor = u32::from_le_bytes(b4);
        r.read_exact(&mut b8)?;
        let docs = u64::from_le_bytes(b8);
        r.read_exact(&mut b8)?;
        let n = u64::from_le_bytes(b8);
        let mut stats = LineStats::with_capacity(capacity);
        stats.floor = floor;
        stats.docs = docs;
        for _ in 0..n {
            r.read_exact(&mut b8)?;
            r.read_exact(&mut b4)?;
            stats
                .counts
                .insert(u64::from_le_bytes(b8), u32::from_le_bytes(b4));
        }
        if stats.counts.len() > stats.capacity {
            stats.prune();
        }
        Ok(stats)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_once_per_document_and_per_host() {
        let mut s = LineStats::default();
        s.observe("a.example", "Home\nHome\nStory one is here.");
        s.observe("a.example", "Home\nStory two is here.");
        s.observe("b.example", "Home");
        assert_eq!(s.count("a.example", "Home"), 2);
        assert_eq!(s.count("a.example", "  home "), 2);
        assert_eq!(s.count("b.example", "Home"), 1);
        assert_eq!(s.count("a.example", "Story one is here."), 1);
        assert_eq!(s.docs(), 3);
    }

    #[test]
    fn bounded_and_frequent_lines_survive() {
        let mut s = LineStats::with_capacity(64);
        for i in 0..500 {
            s.observe(
                "h",
                &format!(
                    "Subscribe to our newsletter\nunique line number {}",
                    words(i)
                ),
            );
        }
        assert!(s.len() <= 64);
        assert!(s.count("h", "Subscribe to our newsletter") >= 500);
    }

    fn words(i: usize) -> String {
        // Digits are folded out of keys, so spell numbers as letters.
        i.to_string()
            .chars()
            .map(|c| {
                [
                    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                ][c.to_digit(10).unwrap_or(0) as usize]
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn round_trips() {
        let mut s = LineStats::default();
        s.observe("h", "Menu\nAbout us");
        s.observe("h", "Menu");
        let mut buf = Vec::new();
        s.write_to(&mut buf).expect("write");
        let t = LineStats::read_from(buf.as_slice(), 100).expect("read");
        assert_eq!(t.count("h", "Menu"), 2);
        assert_eq!(t.docs(), 2);
        assert!(LineStats::read_from(&b"garbage!"[..], 10).is_err());
    }
}
