//! The dedupe index: a ring of at most `max_docs` document entries (signature, paragraph hashes,
//! exact hashes, cluster), the lookup tables built on it, and the paragraph counter; plus its
//! binary save format.
//!
//! Every table holds at most a fixed number of entries per document, so memory is bounded by
//! `max_docs` (and `max_paragraph_counts`), never by the input size. When the ring is full the
//! oldest entry is evicted with its table entries. Tables map a key to the newest entry that
//! has it. Nothing depends on hash-map iteration order, so a reloaded index decides exactly as
//! the one that was saved.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::io::{self, Read, Write};

use crate::boilerplate::ParagraphCounter;
use crate::features::fmix64;
use crate::sketch::band_keys;

/// Only samples up to this value (half of them, the same ones in every document) are
/// indexed for finding candidates; all are kept in the entry for measuring containment.
pub const SAMPLE_INDEX_CUT: u32 = u32::MAX / 2;

/// A hasher for keys that are already uniformly distributed hashes.
#[derive(Debug, Clone, Copy, Default)]
pub struct IdHash;

impl BuildHasher for IdHash {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(0)
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.0 = fmix64(self.0 ^ u64::from_le_bytes(buf));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 ^= v;
    }
    fn write_u128(&mut self, v: u128) {
        self.0 ^= (v as u64) ^ ((v >> 64) as u64).rotate_left(32);
    }
}

/// One remembered document.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: Box<str>,
    /// Id of the cluster's kept copy.
    pub cluster: Box<str>,
    /// MinHash signature of the body (empty when the body had no words).
    pub sig: Box<[u16]>,
    /// Paragraph hashes (capped at `max_paragraphs_per_doc`) and their word counts.
    pub paras: Box<[u64]>,
    pub para_words: Box<[u16]>,
    /// Sorted sample of the body's shingle hashes (1 in `containment_sampling`, high 32 bits),
    /// for containment.
    pub samples: Box<[u32]>,
    /// Bloom filter of the body's shingles (see [`crate::bloom`]).
    pub bloom: Box<[u64]>,
    /// Site key for per-site boilerplate counting (0: none).
    pub site: u64,
    /// Exact hashes: whole normalised text, and body without boilerplate (0: none).
    pub exact: [u128; 2],
}

/// The shape of the tables, fixed by the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub max_docs: usize,
    pub bands: usize,
    pub rows: usize,
}

#[derive(Debug)]
pub struct Index {
    pub shape: Shape,
    entries: Vec<Entry>,
    /// Entries inserted so far; the next goes to `inserted % max_docs`.
    inserted: u64,
    exact: HashMap<u128, u32, IdHash>,
    bands: HashMap<u64, u32, IdHash>,
    paras: HashMap<u64, u32, IdHash>,
    samples: HashMap<u64, u32, IdHash>,
    pub counter: ParagraphCounter,
    /// Documents decided so far (for reports).
    pub docs_seen: u64,
}

impl Index {
    pub fn new(shape: Shape, max_paragraph_counts: usize) -> Self {
        Index {
            shape,
            entries: Vec::new(),
            inserted: 0,
            exact: HashMap::with_hasher(IdHash),
            bands: HashMap::with_hasher(IdHash),
            paras: HashMap::with_hasher(IdHash),
            samples: HashMap::with_hasher(IdHash),
            counter: ParagraphCounter::new(max_paragraph_counts),
            docs_seen: 0,
        }
    }

    pub fn entry(&self, slot: u32) -> Option<&Entry> {
        self.entries.get(slot as usize)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn exact(&self, h: u128) -> Option<u32> {
        if h == 0 {
            return None;
        }
        self.exact.get(&h).copied()
    }

    pub fn band(&self, key: u64) -> Option<u32> {
        self.bands.get(&key).copied()
    }

    pub fn para(&self, h: u64) -> Option<u32> {
        self.paras.get(&h).copied()
    }

    pub fn sample(&self, h: u32) -> Option<u32> {
        self.samples.get(&u64::from(h)).copied()
    }

    /// Remembers `e`, evicting the oldest entry when full. `keys` are the band keys of `e.sig`.
    pub fn insert(&mut self, e: Entry, keys: &[u64]) {
        let cap = self.shape.max_docs.max(1);
        let slot = (self.inserted % cap as u64) as usize;
        self.inserted += 1;
        let s = u32::try_from(slot).unwrap_or(u32::MAX);
        if slot < self.entries.len() {
            let old = std::mem::replace(&mut self.entries[slot], e);
            self.unlink(&old, s);
        } else {
            self.entries.push(e);
        }
        let e = &self.entries[slot];
        for h in e.exact {
            if h != 0 {
                self.exact.insert(h, s);
            }
        }
        for &k in keys {
            self.bands.insert(k, s);
        }
        for &p in e.paras.iter() {
            self.paras.insert(p, s);
        }
        for &h in e.samples.iter().take_while(|&&h| h <= SAMPLE_INDEX_CUT) {
            self.samples.insert(u64::from(h), s);
        }
    }

    fn unlink(&mut self, old: &Entry, s: u32) {
        for h in old.exact {
            if self.exact.get(&h) == Some(&s) {
                self.exact.remove(&h);
            }
        }
        let mut keys = Vec::new();
        band_keys(&old.sig, self.shape.bands, self.shape.rows, &mut keys);
        for k in keys {
            if self.bands.get(&k) == Some(&s) {
                self.bands.remove(&k);
            }
        }
        for p in old.paras.iter() {
            if self.paras.get(p) == Some(&s) {
                self.paras.remove(p);
            }
        }
        for &h in old.samples.iter().take_while(|&&h| h <= SAMPLE_INDEX_CUT) {
            let k = u64::from(h);
            if self.samples.get(&k) == Some(&s) {
                self.samples.remove(&k);
            }
        }
    }

    /// Heap bytes the index uses now (entries and tables, by capacity), approximately.
    pub fn heap_bytes(&self) -> usize {
        let entries: usize = self
            .entries
            .iter()
            .map(|e| {
                std::mem::size_of::<Entry>()
                    + e.id.len()
                    + e.cluster.len()
                    + e.sig.len() * 2
                    + e.paras.len() * 10
                    + e.samples.len() * 4
                    + e.bloom.len() * 8
            })
            .sum();
        let table = |cap: usize, payload: usize| cap * (payload + 1);
        entries
            + table(self.exact.capacity(), 20)
            + table(self.bands.capacity(), 12)
            + table(self.paras.capacity(), 12)
            + table(self.samples.capacity(), 12)
            + table(self.counter.capacity(), 16)
    }

    /// Upper bound of the memory the index can use, in bytes, for documents of at most
    /// `max_paras` paragraphs, `max_samples` shingle samples and typical ids.
    pub fn memory_bound(
        shape: Shape,
        bins: usize,
        max_paras: usize,
        max_samples: usize,
        max_bloom_bits: usize,
        counts: usize,
    ) -> usize {
        // Hash-map entries cost their payload plus control bytes at a load factor of 7/8,
        // doubled for the growth step.
        let map = |payload: usize| (payload + 1) * 8 / 7 * 2;
        let per_doc = std::mem::size_of::<Entry>()
            + 2 * 48 // id and cluster strings, typical length
            + bins * 2
            + max_paras * 10
            + 2 * map(20)
            + shape.bands * map(12)
            + max_paras * map(12)
            + max_samples * 4
            + max_samples / 2 * map(12)
            + max_bloom_bits / 8;
        shape.max_docs * per_doc + counts * map(16)
    }

    /// Writes the index (format version 1, little-endian).
    pub fn save(&self, w: &mut impl Write, fingerprint: u64) -> io::Result<()> {
        w.write_all(MAGIC)?;
        put_u64(w, fingerprint)?;
        put_u64(w, self.shape.max_docs as u64)?;
        put_u64(w, self.inserted)?;
        put_u64(w, self.docs_seen)?;
        put_u64(w, self.entries.len() as u64)?;
        for e in &self.entries {
            put_str(w, &e.id)?;
            put_str(w, &e.cluster)?;
            put_u64(w, e.sig.len() as u64)?;
            for v in e.sig.iter() {
                w.write_all(&v.to_le_bytes())?;
            }
            put_u64(w, e.paras.len() as u64)?;
            for (p, n) in e.paras.iter().zip(e.para_words.iter()) {
                put_u64(w, *p)?;
                w.write_all(&n.to_le_bytes())?;
            }
            put_u64(w, e.samples.len() as u64)?;
            for v in e.samples.iter() {
                w.write_all(&v.to_le_bytes())?;
            }
            put_u64(w, e.bloom.len() as u64)?;
            for v in e.bloom.iter() {
                put_u64(w, *v)?;
            }
            put_u64(w, e.site)?;
            for h in e.exact {
                w.write_all(&h.to_le_bytes())?;
            }
        }
        put_u64(w, self.exact.len() as u64)?;
        for (k, v) in &self.exact {
            w.write_all(&k.to_le_bytes())?;
            w.write_all(&v.to_le_bytes())?;
        }
        for map in [&self.bands, &self.paras, &self.samples] {
            put_u64(w, map.len() as u64)?;
            for (k, v) in map {
                put_u64(w, *k)?;
                w.write_all(&v.to_le_bytes())?;
            }
        }
        put_u64(w, self.counter.len() as u64)?;
        for (k, v) in self.counter.entries() {
            put_u64(w, k)?;
            put_u64(w, v)?;
        }
        w.write_all(MAGIC)?;
        Ok(())
    }

    /// Reads an index written by [`Index::save`]; `Err` with a message on any mismatch.
    pub fn load(
        r: &mut impl Read,
        shape: Shape,
        max_paragraph_counts: usize,
        fingerprint: u64,
    ) -> Result<Self, String> {
        let io = |e: io::Error| format!("truncated or unreadable: {e}");
        let mut magic = [0u8; 8];
        r.read_exact(&mut magic).map_err(io)?;
        if &magic != MAGIC {
            return Err("not a pith dedupe state file (or an older format)".into());
        }
        if get_u64(r).map_err(io)? != fingerprint {
            return Err(
                "it was written with other dedupe settings (shingles, bins, bands, \
                        normalisation or its version); use a new state_path or delete it"
                    .into(),
            );
        }
        let cap = get_u64(r).map_err(io)?;
        if cap != shape.max_docs as u64 {
            return Err(format!(
                "it was written with max_docs = {cap}, the config says {}",
                shape.max_docs
            ));
        }
        let mut idx = Index::new(shape, max_paragraph_counts);
        idx.inserted = get_u64(r).map_err(io)?;
        idx.docs_seen = get_u64(r).map_err(io)?;
        let n = get_len(r, shape.max_docs).map_err(io)?;
        for _ in 0..n {
            let id = get_str(r).map_err(io)?;
            let cluster = get_str(r).map_err(io)?;
            let nsig = get_len(r, 1 << 16).map_err(io)?;
            let mut sig = Vec::with_capacity(nsig);
            for _ in 0..nsig {
                sig.push(get_u16(r).map_err(io)?);
            }
            let np = get_len(r, 1 << 20).map_err(io)?;
            let (mut paras, mut words) = (Vec::with_capacity(np), Vec::with_capacity(np));
            for _ in 0..np {
                paras.push(get_u64(r).map_err(io)?);
                words.push(get_u16(r).map_err(io)?);
            }
            let ns = get_len(r, 1 << 20).map_err(io)?;
            let mut samples = Vec::with_capacity(ns);
            for _ in 0..ns {
                samples.push(get_u32(r).map_err(io)?);
            }
            let nb = get_len(r, 1 << 20).map_err(io)?;
            let mut bloom = Vec::with_capacity(nb);
            for _ in 0..nb {
                bloom.push(get_u64(r).map_err(io)?);
            }
            let site = get_u64(r).map_err(io)?;
            let exact = [get_u128(r).map_err(io)?, get_u128(r).map_err(io)?];
            idx.entries.push(Entry {
                id: id.into(),
                cluster: cluster.into(),
                sig: sig.into(),
                paras: paras.into(),
                para_words: words.into(),
                samples: samples.into(),
                bloom: bloom.into(),
                site,
                exact,
            });
        }
        let n = get_len(r, usize::MAX).map_err(io)?;
        for _ in 0..n {
            let k = get_u128(r).map_err(io)?;
            idx.exact.insert(k, get_u32(r).map_err(io)?);
        }
        for which in 0..3 {
            let n = get_len(r, usize::MAX).map_err(io)?;
            for _ in 0..n {
                let k = get_u64(r).map_err(io)?;
                let v = get_u32(r).map_err(io)?;
                match which {
                    0 => idx.bands.insert(k, v),
                    1 => idx.paras.insert(k, v),
                    _ => idx.samples.insert(k, v),
                };
            }
        }
        let n = get_len(r, usize::MAX).map_err(io)?;
        for _ in 0..n {
            let k = get_u64(r).map_err(io)?;
            idx.counter.insert_raw(k, get_u64(r).map_err(io)?);
        }
        r.read_exact(&mut magic).map_err(io)?;
        if &magic != MAGIC {
            return Err("truncated: no end marker".into());
        }
        Ok(idx)
    }
}

const MAGIC: &[u8; 8] = b"PITHDD04";

fn put_u64(w: &mut impl Write, v: u64) -> io::Result<()> {
    w.write_all(&v.to_le_bytes())
}

fn put_str(w: &mut impl Write, s: &str) -> io::Result<()> {
    put_u64(w, s.len() as u64)?;
    w.write_all(s.as_bytes())
}

fn get_u16(r: &mut impl Read) -> io::Result<u16> {
    let mut b = [0u8; 2];
    r.read_exact(&mut b)?;
    Ok(u16::from_le_bytes(b))
}

fn get_u32(r: &mut impl Read) -> io::Result<u32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

fn get_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

fn get_u128(r: &mut impl Read) -> io::Result<u128> {
    let mut b = [0u8; 16];
    r.read_exact(&mut b)?;
    Ok(u128::from_le_bytes(b))
}

fn get_len(r: &mut impl Read, max: usize) -> io::Result<usize> {
    let n = get_u64(r)?;
    usize::try_from(n)
        .ok()
        .filter(|&n| n <= max)
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, format!("bad length {n}")))
}

fn get_str(r: &mut impl Read) -> io::Result<String> {
    let n = get_len(r, 1 << 20)?;
    let mut b = vec![0u8; n];
    r.read_exact(&mut b)?;
    String::from_utf8(b).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: &str, exact: u128, paras: &[u64]) -> Entry {
        Entry {
            id: id.into(),
            cluster: id.into(),
            sig: vec![1, 2, 3, 4, 5, 6].into(),
            paras: paras.to_vec().into(),
            para_words: vec![3; paras.len()].into(),
            samples: vec![5, 9].into(),
            bloom: vec![1, 2].into(),
            site: 0,
            exact: [exact, 0],
        }
    }

    #[test]
    fn ring_evicts_oldest_and_its_table_entries() {
        let shape = Shape {
            max_docs: 2,
            bands: 2,
            rows: 3,
        };
        let mut idx = Index::new(shape, 100);
        let mut keys = Vec::new();
        band_keys(&[1, 2, 3, 4, 5, 6], 2, 3, &mut keys);
        idx.insert(entry("a", 11, &[100]), &keys);
        idx.insert(entry("b", 22, &[200]), &[]);
        assert_eq!(idx.exact(11), Some(0));
        assert_eq!(idx.band(keys[0]), Some(0));
        idx.insert(entry("c", 33, &[300]), &[]);
        assert_eq!(idx.exact(11), None, "a was evicted");
        assert_eq!(idx.band(keys[0]), None);
        assert_eq!(idx.para(100), None);
        assert_eq!(idx.exact(33), Some(0));
        assert_eq!(idx.len(), 2);

        let mut buf = Vec::new();
        idx.save(&mut buf, 42).expect("in memory");
        let back = Index::load(&mut buf.as_slice(), shape, 100, 42).expect("round trip");
        assert_eq!(back.entries, idx.entries);
        assert_eq!(back.exact, idx.exact);
        assert!(Index::load(&mut buf.as_slice(), shape, 100, 43).is_err());
        assert!(Index::load(&mut &buf[..buf.len() - 3], shape, 100, 42).is_err());
    }
}
