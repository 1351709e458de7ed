//! Signatures: everything the ordered decision needs from one document, without its text, in
//! a compact binary form. A sharded run writes them in its first pass (every task, in
//! parallel), decides every document in global input order in a reduce pass that reads only
//! signatures, and applies the decisions to the documents in a last pass; the decisions are
//! the ones a single run over the same input makes, because the reduce pass runs the same
//! [`Dedupe`](crate::Dedupe) decision on the same features in the same order.
//!
//! Layout (little-endian): per record `id_len u32, id, site u64, full_hash u128, n_paras u32,
//! n_paras x (hash u64, words u32, shingles u32, line_start u64, line_end u64), the shingle
//! hashes u64`. The file header (magic and the config fingerprint) is written by the caller
//! through [`write_header`] and checked by [`read_header`].

use std::io::{self, Read, Write};

use crate::features::{Features, Para};

/// File magic of a signature file.
pub const MAGIC: &[u8; 8] = b"PITHSIG1";

/// Bounds a corrupt file cannot push an allocation past.
const MAX_ID: usize = 1 << 20;
const MAX_PARAS: usize = 1 << 24;
const MAX_SHINGLES: usize = 1 << 28;

/// One document's signature: its id, its site key and its features (normalised text left out).
#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    pub id: String,
    pub site: u64,
    pub features: Features,
}

/// Writes the header: magic and the fingerprint of the settings the signatures depend on.
pub fn write_header(w: &mut impl Write, fingerprint: u64) -> io::Result<()> {
    w.write_all(MAGIC)?;
    w.write_all(&fingerprint.to_le_bytes())
}

/// Reads and checks the header.
pub fn read_header(r: &mut impl Read, fingerprint: u64) -> io::Result<()> {
    let mut magic = [0u8; 8];
    r.read_exact(&mut magic)?;
    if &magic != MAGIC {
        return Err(invalid("not a pith signature file"));
    }
    let found = read_u64(r)?;
    if found != fingerprint {
        return Err(invalid(
            "signatures were written with other dedupe settings (or another pith version)",
        ));
    }
    Ok(())
}

impl Signature {
    /// Appends this signature to `w`.
    pub fn write_to(&self, w: &mut impl Write) -> io::Result<()> {
        let f = &self.features;
        w.write_all(&len32(self.id.len())?.to_le_bytes())?;
        w.write_all(self.id.as_bytes())?;
        w.write_all(&self.site.to_le_bytes())?;
        w.write_all(&f.full_hash.to_le_bytes())?;
        w.write_all(&len32(f.paras.len())?.to_le_bytes())?;
        for p in &f.paras {
            w.write_all(&p.hash.to_le_bytes())?;
            w.write_all(&p.words.to_le_bytes())?;
            w.write_all(&len32(p.shingles.len())?.to_le_bytes())?;
            w.write_all(&(p.line.start as u64).to_le_bytes())?;
            w.write_all(&(p.line.end as u64).to_le_bytes())?;
        }
        for h in &f.shingles {
            w.write_all(&h.to_le_bytes())?;
        }
        Ok(())
    }

    /// Reads the next signature; `None` at a clean end of the input. A truncated or corrupt
    /// record is an error, never a panic or an unbounded allocation.
    pub fn read_from(r: &mut impl Read) -> io::Result<Option<Signature>> {
        let mut first = [0u8; 4];
        match r.read(&mut first)? {
            0 => return Ok(None),
            n if n < 4 => r.read_exact(&mut first[n..])?,
            _ => {}
        }
        let id_len = u32::from_le_bytes(first) as usize;
        if id_len > MAX_ID {
            return Err(invalid("signature id too long"));
        }
        let mut id = vec![0u8; id_len];
        r.read_exact(&mut id)?;
        let id = String::from_utf8(id).map_err(|_| invalid("signature id is not UTF-8"))?;
        let site = read_u64(r)?;
        let mut b16 = [0u8; 16];
        r.read_exact(&mut b16)?;
        let full_hash = u128::from_le_bytes(b16);
        let n = read_u32(r)? as usize;
        if n > MAX_PARAS {
            return Err(invalid("too many paragraphs in a signature"));
        }
        let mut paras = Vec::with_capacity(n.min(4096));
        let mut total = 0usize;
        for _ in 0..n {
            let hash = read_u64(r)?;
            let words = read_u32(r)?;
            let count = read_u32(r)? as usize;
            let start = usize::try_from(read_u64(r)?).map_err(|_| invalid("line offset"))?;
            let end = usize::try_from(read_u64(r)?).map_err(|_| invalid("line offset"))?;
            if end < start {
                return Err(invalid("line range ends before it starts"));
            }
            let from = total;
            total = total
                .checked_add(count)
                .filter(|&t| t <= MAX_SHINGLES)
                .ok_or_else(|| invalid("too many shingles in a signature"))?;
            paras.push(Para {
                hash,
                words,
                norm: 0..0,
                shingles: from..total,
                line: start..end,
            });
        }
        let mut shingles = Vec::with_capacity(total.min(1 << 16));
        for _ in 0..total {
            shingles.push(read_u64(r)?);
        }
        Ok(Some(Signature {
            id,
            site,
            features: Features {
                norm: String::new(),
                paras,
                shingles,
                full_hash,
            },
        }))
    }
}

fn len32(n: usize) -> io::Result<u32> {
    u32::try_from(n).map_err(|_| invalid("length does not fit in 32 bits"))
}

fn read_u32(r: &mut impl Read) -> io::Result<u32> {
    let mut b = [0u8; 4];
    r.read_exact(&mut b)?;
    Ok(u32::from_le_bytes(b))
}

fn read_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

fn invalid(m: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, m.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::features::analyze;
    use crate::normalize::NormalizeConfig;

    fn sample() -> Signature {
        let f = analyze(
            "One two three four five.\nSix seven eight.\n\nNine",
            &NormalizeConfig::default(),
            3,
        );
        Signature {
            id: "doc-é".into(),
            site: 42,
            features: f,
        }
    }

    #[test]
    fn round_trip_keeps_everything_the_decision_uses() {
        let s = sample();
        let mut buf = Vec::new();
        write_header(&mut buf, 7).unwrap();
        s.write_to(&mut buf).unwrap();
        s.write_to(&mut buf).unwrap();
        let mut r = &buf[..];
        read_header(&mut r, 7).unwrap();
        for _ in 0..2 {
            let back = Signature::read_from(&mut r).unwrap().unwrap();
            assert_eq!(back.id, s.id);
            assert_eq!(back.site, 42);
            assert_eq!(back.features.full_hash, s.features.full_hash);
            assert_eq!(back.features.shingles, s.features.shingles);
            for (a, b) in back.features.paras.iter().zip(&s.features.paras) {
                assert_eq!((a.hash, a.words), (b.hash, b.words));
                assert_eq!(a.shingles, b.shingles);
                assert_eq!(a.line, b.line);
            }
        }
        assert!(Signature::read_from(&mut r).unwrap().is_none());
    }

    #[test]
    fn other_settings_and_garbage_are_refused() {
        let mut buf = Vec::new();
        write_header(&mut buf, 7).unwrap();
        assert!(read_header(&mut &buf[..], 8).is_err());
        assert!(read_header(&mut &b"garbage!12345678"[..], 7).is_err());
    }

    #[test]
    fn truncated_or_corrupt_records_are_errors_not_panics() {
        let mut buf = Vec::new();
        sample().write_to(&mut buf).unwrap();
        for cut in 1..buf.len() {
            assert!(Signature::read_from(&mut &buf[..cut]).is_err(), "cut {cut}");
        }
        let mut huge = buf.clone();
        huge[..4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(Signature::read_from(&mut &huge[..]).is_err());
    }
}
