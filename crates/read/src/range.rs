//! Work units for sharded runs: whole files, or byte ranges of large uncompressed JSONL and
//! WARC files, so one huge file spreads over many tasks.
//!
//! A record belongs to the range that holds its first byte. A range reader finds the first
//! record that starts at or after its start (the byte after a newline for JSONL; a `WARC/1.`
//! line after an empty line for WARC) and reads records until one starts at or after its end,
//! so consecutive ranges read every record exactly once, as one reader over the whole file
//! does. JSONL line numbers (and so the `<file>:<line>` ids of records without an id) are
//! counted from the start of the file, so they match a whole-file read. A `.warc.gz` file
//! is entered at a gzip member that starts a record (one member per record, as the WARC
//! standard advises); other compressed files cannot be entered in the middle and are never
//! split.
//!
//! The idea is Hadoop's `TextInputFormat` split rule (a line belongs to the split its first
//! byte is in); the code is written here.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};

use crate::{Format, InputFile, ReadConfig};

/// `[start, end)` in bytes of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ByteRange {
    pub start: u64,
    pub end: u64,
}

/// One unit of work: a whole file, or a byte range of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub file: InputFile,
    /// The file's position in the discovered list (the run's input order).
    pub file_index: usize,
    pub range: Option<ByteRange>,
}

impl Unit {
    /// Where the unit starts in its file (0 for a whole file).
    pub fn start(&self) -> u64 {
        self.range.map_or(0, |r| r.start)
    }

    /// A stable key for assigning the unit to a task: the file's path as given and the
    /// unit's start. It does not depend on listing order, the number of tasks, or a seeded
    /// hasher, so a retried task gets exactly the same units.
    pub fn key(&self) -> u64 {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        h.update(self.file.path.to_string_lossy().as_bytes());
        h.update(&[0]);
        h.update(&self.start().to_le_bytes());
        h.digest()
    }

    /// The task (of `count`) that reads this unit.
    pub fn shard(&self, count: usize) -> usize {
        // Multiply-shift maps the hash uniformly onto 0..count without modulo bias.
        ((u128::from(self.key()) * count as u128) >> 64) as usize
    }
}

/// Splits the files into units: an uncompressed JSONL or WARC file larger than `split_bytes`
/// becomes ranges of about `split_bytes`; every other file is one unit.
pub fn plan_units(files: &[InputFile], cfg: &ReadConfig, split_bytes: u64) -> Vec<Unit> {
    let mut units = Vec::with_capacity(files.len());
    for (file_index, file) in files.iter().enumerate() {
        let split = split_bytes > 0 && file.size > split_bytes && splittable(file, cfg);
        if !split {
            units.push(Unit {
                file: file.clone(),
                file_index,
                range: None,
            });
            continue;
        }
        let mut start = 0;
        while start < file.size {
            let end = start.saturating_add(split_bytes).min(file.size);
            units.push(Unit {
                file: file.clone(),
                file_index,
                range: Some(ByteRange { start, end }),
            });
            start = end;
        }
    }
    units
}

/// Whether a file can be read in ranges: uncompressed JSONL or WARC, or gzipped WARC (one
/// member per record), by the forced format or the extension and the first bytes.
pub fn splittable(file: &InputFile, cfg: &ReadConfig) -> bool {
    let format = cfg.format.or(file.format_hint);
    if !matches!(format, Some(Format::Jsonl | Format::Warc)) {
        return false;
    }
    let mut magic = [0u8; 4];
    let Ok(mut f) = File::open(&file.path) else {
        return false;
    };
    let n = f.read(&mut magic).unwrap_or(0);
    let magic = magic.get(..n).unwrap_or_default();
    if magic.starts_with(&[0x1f, 0x8b]) {
        return format == Some(Format::Warc);
    }
    !magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd])
}

/// Whether the file starts with a gzip header.
pub(crate) fn is_gzip(f: &mut File) -> io::Result<bool> {
    f.seek(SeekFrom::Start(0))?;
    let mut magic = [0u8; 2];
    let n = read_some(f, &mut magic)?;
    Ok(n == 2 && magic == [0x1f, 0x8b])
}

/// Where a range reader begins: the first record start at or after `range.start`, and for
/// JSONL the number of lines before it. `None` when no record starts inside the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RangeStart {
    pub offset: u64,
    pub lines_before: u64,
}

const SCAN: usize = 256 << 10;

/// The first line start at or after `start` (a position right after a `\n`), and the number
/// of lines before it.
pub(crate) fn jsonl_start(f: &mut File, range: ByteRange) -> io::Result<Option<RangeStart>> {
    let offset = if range.start == 0 {
        Some(0)
    } else {
        f.seek(SeekFrom::Start(range.start - 1))?;
        find_from(f, range.start - 1, range.end, |buf, _| {
            memchr_nl(buf).map(|i| i + 1)
        })?
    };
    let Some(offset) = offset.filter(|&o| o < range.end) else {
        return Ok(None);
    };
    Ok(Some(RangeStart {
        offset,
        lines_before: count_newlines(f, offset)?,
    }))
}

/// The first WARC record start at or after `start`: a `WARC/1.` line right after an empty
/// line (`\n\n` or `\n\r\n` before it, as every record's block is followed by `\r\n\r\n`)
/// and ending right after the version number. A payload that holds a whole WARC record after
/// an empty line would still fool it; such archives of archives should not be split (set
/// `split_bytes = 0`).
pub(crate) fn warc_start(f: &mut File, range: ByteRange) -> io::Result<Option<RangeStart>> {
    if range.start == 0 {
        return Ok(Some(RangeStart {
            offset: 0,
            lines_before: 0,
        }));
    }
    // Look back far enough to see the empty line before a record starting exactly at `start`.
    let from = range.start.saturating_sub(3);
    f.seek(SeekFrom::Start(from))?;
    let found = find_from(f, from, range.end, |buf, base| {
        let pat = b"\nWARC/1.";
        let mut i = 0;
        while let Some(p) = find_sub(buf.get(i..)?, pat) {
            let at = i + p; // index of the '\n' ending the empty line's predecessor
            let record = base + at as u64 + 1;
            let blank_before = at >= 1
                && (buf.get(at - 1) == Some(&b'\n')
                    || (at >= 2
                        && buf.get(at - 1) == Some(&b'\r')
                        && buf.get(at - 2) == Some(&b'\n')));
            // The version line must end right after its number (`WARC/1.0` then the line end),
            // which text that merely mentions WARC inside a payload rarely does.
            let tail = buf.get(at + pat.len()..).unwrap_or_default();
            let version_line = tail.first().is_some_and(u8::is_ascii_digit)
                && (tail.get(1..3) == Some(b"\r\n") || tail.get(1) == Some(&b'\n'));
            if blank_before && version_line && record >= range.start {
                return Some(at + 1);
            }
            i = at + 1;
        }
        None
    })?;
    Ok(found.filter(|&o| o < range.end).map(|offset| RangeStart {
        offset,
        lines_before: 0,
    }))
}

/// The first gzip member at or after `start` that holds the start of a WARC record: a
/// `.warc.gz` file compresses each record as its own member (the WARC standard's advice, and
/// what Common Crawl and every crawler write), so a range reader can begin at any member. A
/// candidate (`1f 8b 08`) counts only if it decompresses to `WARC/1.`, so compressed bytes that
/// happen to look like a header are passed over.
pub(crate) fn warc_gz_start(
    path: &std::path::Path,
    f: &mut File,
    range: ByteRange,
) -> io::Result<Option<RangeStart>> {
    if range.start == 0 {
        return Ok(Some(RangeStart {
            offset: 0,
            lines_before: 0,
        }));
    }
    let mut from = range.start;
    loop {
        f.seek(SeekFrom::Start(from))?;
        let found = find_from(f, from, range.end, |buf, base| {
            let mut i = 0;
            while let Some(p) = find_sub(buf.get(i..)?, &[0x1f, 0x8b, 0x08]) {
                if base + (i + p) as u64 >= range.start {
                    return Some(i + p);
                }
                i += p + 1;
            }
            None
        })?;
        let Some(at) = found.filter(|&o| o < range.end) else {
            return Ok(None);
        };
        if member_holds_warc(path, at) {
            return Ok(Some(RangeStart {
                offset: at,
                lines_before: 0,
            }));
        }
        from = at + 1;
    }
}

/// Whether the gzip member at `at` decompresses to the start of a WARC record.
fn member_holds_warc(path: &std::path::Path, at: u64) -> bool {
    let Ok(mut f) = File::open(path) else {
        return false;
    };
    if f.seek(SeekFrom::Start(at)).is_err() {
        return false;
    }
    let mut d = flate2::bufread::GzDecoder::new(io::BufReader::new(f.take(1 << 20)));
    let mut head = [0u8; 7];
    d.read_exact(&mut head).is_ok() && &head == b"WARC/1."
}

/// Scans `f` (positioned at `base`) in windows that overlap by 16 bytes, so a pattern cut by a
/// window's end is found in the next; `find` gets a window and its offset and returns an
/// index in it. Stops past `limit` (a record must start before the range's end).
fn find_from(
    f: &mut File,
    mut base: u64,
    limit: u64,
    find: impl Fn(&[u8], u64) -> Option<usize>,
) -> io::Result<Option<u64>> {
    const KEEP: usize = 16;
    let mut buf = vec![0u8; SCAN];
    let mut have = 0usize;
    loop {
        let n = read_some(f, &mut buf[have..])?;
        let len = have + n;
        let window = &buf[..len];
        if let Some(i) = find(window, base) {
            return Ok(Some(base + i as u64));
        }
        if n == 0 || base + len as u64 >= limit.saturating_add(KEEP as u64) {
            return Ok(None);
        }
        let keep = len.min(KEEP);
        buf.copy_within(len - keep..len, 0);
        base += (len - keep) as u64;
        have = keep;
    }
}

fn read_some(f: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match f.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            r => return r,
        }
    }
}

/// Newlines in the first `upto` bytes of the file.
fn count_newlines(f: &mut File, upto: u64) -> io::Result<u64> {
    f.seek(SeekFrom::Start(0))?;
    let mut buf = vec![0u8; SCAN];
    let mut left = upto;
    let mut lines = 0u64;
    while left > 0 {
        let want = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
        let n = read_some(f, &mut buf[..want])?;
        if n == 0 {
            break;
        }
        lines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        left -= n as u64;
    }
    Ok(lines)
}

fn memchr_nl(buf: &[u8]) -> Option<usize> {
    buf.iter().position(|&b| b == b'\n')
}

fn find_sub(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{FileReader, Item};
    use std::path::Path;

    fn ids(items: impl Iterator<Item = Item>) -> Vec<String> {
        items
            .map(|i| match i {
                Item::Doc(d) => d.id,
                Item::Reject(r) => format!("reject {}", r.reason),
                Item::Skip(s) => format!("skip {s}"),
            })
            .collect()
    }

    fn ranged(path: &Path, root: &Path, split: u64) -> (Vec<String>, Vec<String>, usize) {
        let file = InputFile::new(path.to_path_buf(), root);
        let cfg = ReadConfig::default();
        let whole = ids(FileReader::open(&file, &cfg));
        let units = plan_units(std::slice::from_ref(&file), &cfg, split);
        let mut parts = Vec::new();
        for u in &units {
            parts.extend(ids(FileReader::open_unit(u, &cfg)));
        }
        (whole, parts, units.len())
    }

    #[test]
    fn jsonl_ranges_read_every_line_once_with_whole_file_line_numbers() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.jsonl");
        let mut s = String::new();
        for i in 0..200 {
            if i % 7 == 0 {
                s.push_str(&format!(
                    "{{\"id\":\"x{i}\",\"text\":\"{}\"}}\n",
                    "é".repeat(i % 13)
                ));
            } else if i % 11 == 0 {
                s.push('\n');
            } else {
                s.push_str(&format!(
                    "{{\"text\":\"line {i} {}\"}}\n",
                    "w".repeat(i % 17)
                ));
            }
        }
        std::fs::write(&path, &s).unwrap();
        for split in [1u64, 2, 3, 5, 17, 64, 100, 1000, 100_000] {
            let (whole, parts, units) = ranged(&path, dir.path(), split);
            assert_eq!(parts, whole, "split {split}");
            assert!(units > 1 || split >= s.len() as u64);
        }
    }

    #[test]
    fn warc_ranges_read_every_record_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.warc");
        let mut w = Vec::new();
        for i in 0..30 {
            let body = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>Page {i} {}</p>\n\nWARC/1.0 in text</body></html>",
                "z".repeat(i * 5)
            );
            let head = format!(
                "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{i}>\r\nWARC-Target-URI: http://e.example/{i}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n",
                body.len()
            );
            w.extend_from_slice(head.as_bytes());
            w.extend_from_slice(body.as_bytes());
            w.extend_from_slice(b"\r\n\r\n");
        }
        std::fs::write(&path, &w).unwrap();
        for split in [1u64, 7, 50, 333, 1000, 4096] {
            let (whole, parts, _) = ranged(&path, dir.path(), split);
            assert_eq!(whole.len(), 30);
            assert_eq!(parts, whole, "split {split}");
        }
    }

    #[test]
    fn warc_gz_ranges_start_at_record_members_and_read_every_record_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.warc.gz");
        let mut w = Vec::new();
        for i in 0..40 {
            let body = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>Page {i} {}</p></body></html>",
                "q".repeat(i * 7)
            );
            let rec = format!(
                "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{i}>\r\nWARC-Target-URI: http://e.example/{i}\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: {}\r\n\r\n{body}\r\n\r\n",
                body.len()
            );
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            std::io::Write::write_all(&mut enc, rec.as_bytes()).unwrap();
            let mut member = enc.finish().unwrap();
            if i == 17 {
                // A corrupt member: one record lost, reported once, the rest read.
                let mid = member.len() / 2;
                member[mid] ^= 0xff;
                member[mid + 1] ^= 0xff;
            }
            w.extend_from_slice(&member);
        }
        std::fs::write(&path, &w).unwrap();
        let file = InputFile::new(path.clone(), dir.path());
        let cfg = ReadConfig::default();
        let whole = ids(FileReader::open(&file, &cfg));
        assert!(whole.len() >= 39, "{whole:?}");
        for split in [1u64, 50, 200, 1000, 3000] {
            let units = plan_units(std::slice::from_ref(&file), &cfg, split);
            assert!(units.len() > 1 || split >= w.len() as u64);
            let mut parts = Vec::new();
            for u in &units {
                parts.extend(ids(FileReader::open_unit(u, &cfg)));
            }
            assert_eq!(parts, whole, "split {split}");
        }
    }

    #[test]
    fn compressed_and_single_document_files_are_never_split() {
        let dir = tempfile::tempdir().unwrap();
        let gz = dir.path().join("a.jsonl.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, &b"{\"text\":\"a\"}\n".repeat(1000)).unwrap();
        std::fs::write(&gz, enc.finish().unwrap()).unwrap();
        let html = dir.path().join("b.html");
        std::fs::write(&html, "<p>x</p>".repeat(1000)).unwrap();
        let files = vec![
            InputFile::new(gz, dir.path()),
            InputFile::new(html, dir.path()),
        ];
        let units = plan_units(&files, &ReadConfig::default(), 10);
        assert_eq!(units.len(), 2);
        assert!(units.iter().all(|u| u.range.is_none()));
    }

    #[test]
    fn shard_assignment_is_stable_and_spread() {
        let dir = tempfile::tempdir().unwrap();
        let mut counts = [0usize; 4];
        for i in 0..400 {
            let p = dir.path().join(format!("f{i}.html"));
            let u = Unit {
                file: InputFile {
                    path: p,
                    id_base: format!("f{i}"),
                    format_hint: Some(Format::Html),
                    size: 1,
                },
                file_index: i,
                range: None,
            };
            let s = u.shard(4);
            assert_eq!(s, u.clone().shard(4));
            counts[s] += 1;
        }
        assert!(counts.iter().all(|&c| c > 60), "{counts:?}");
    }
}
