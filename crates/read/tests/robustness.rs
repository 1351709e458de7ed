//! Robustness: thousands of random and mutated inputs through `FileReader`, in every format and
//! framing (plain, gzip whole-file, gzip member per chunk, zstd). The property is that reading
//! never panics, always ends, and yields a bounded number of items. A small deterministic PRNG
//! keeps every run identical, so a failure reproduces from its case number.

use std::io::Write;
use std::path::Path;

use pith_read::{FileReader, Format, InputFile, Item, ReadConfig};

/// xorshift64* (Vigna, "An experimental exploration of Marsaglia's xorshift generators").
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn warc_record(kind: &str, extra: &str, block: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Record-ID: <urn:uuid:{}>\r\n{extra}Content-Length: {}\r\n\r\n",
        block.len(),
        block.len()
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

fn warc_seed() -> Vec<u8> {
    let page = b"<html><head><title>T</title></head><body><p>Hello world.</p></body></html>";
    let mut chunked = Vec::new();
    for part in page.chunks(17) {
        chunked.extend(format!("{:x}\r\n", part.len()).as_bytes());
        chunked.extend_from_slice(part);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let mut http_chunked =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec();
    http_chunked.extend(chunked);
    let mut http_gzip =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1252\r\nContent-Encoding: gzip\r\n\r\n"
            .to_vec();
    http_gzip.extend(gzip(b"<html><p>caf\xe9 cr\xe8me</p></html>"));
    let mut f = warc_record(
        "warcinfo",
        "Content-Type: application/warc-fields\r\n",
        b"software: test\r\n",
    );
    f.extend(warc_record(
        "request",
        "WARC-Target-URI: http://x.test/\r\n",
        b"GET / HTTP/1.1\r\n\r\n",
    ));
    let resp = "WARC-Target-URI: <http://x.test/a b>\r\nContent-Type: application/http; msgtype=response\r\n";
    f.extend(warc_record("response", resp, &http_chunked));
    f.extend(warc_record("response", resp, &http_gzip));
    f.extend(warc_record(
        "resource",
        "WARC-Target-URI: http://x.test/r\r\nContent-Type: text/html\r\n",
        b"<p>resource</p>",
    ));
    f
}

fn seeds() -> Vec<(Format, &'static str, Vec<u8>)> {
    vec![
        (
            Format::Html,
            "html",
            b"<!doctype html><html><head><meta charset=\"iso-8859-1\"><title>x</title></head>\
              <body><div><p>caf\xe9</p><ul><li>a</li></ul></div></body></html>"
                .to_vec(),
        ),
        (
            Format::Text,
            "txt",
            "Title line\n\nA paragraph of text. Another sentence here.\n\nRelated Articles\n- x\n"
                .as_bytes()
                .to_vec(),
        ),
        (
            Format::Jsonl,
            "jsonl",
            b"{\"id\":\"a\",\"text\":\"one\"}\n{\"id\":\"b\",\"html\":\"<p>two</p>\",\"url\":\"http://x\"}\n\
              {\"text\":\"three\",\"meta\":{\"k\":1}}\n"
                .to_vec(),
        ),
        (Format::Warc, "warc", warc_seed()),
    ]
}

const TOKENS: &[&[u8]] = &[
    b"WARC/1.0\r\n",
    b"WARC/1.1\r\nWARC-Type: response\r\n",
    b"Content-Length: 99999999999999999999999\r\n",
    b"Content-Length: 4\r\n\r\n",
    b"Content-Length: -1\r\n",
    b"\r\n\r\n",
    b"\n\n",
    b"Transfer-Encoding: chunked\r\n",
    b"Content-Encoding: br\r\n",
    b"Content-Encoding: deflate, gzip\r\n",
    b"ffffffffffff\r\n",
    b"\x1f\x8b\x08\0\0\0\0\0\0\x03",
    b"\x28\xb5\x2f\xfd",
    b"\0\0\0",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"{\"id\":",
    b"\"text\":[1,2]",
    b"<meta charset=utf-16>",
    b"HTTP/1.1 100 Continue\r\n\r\n",
    "Привет".as_bytes(),
];

fn mutate(rng: &mut Rng, data: &mut Vec<u8>) {
    for _ in 0..=rng.below(4) {
        let len = data.len();
        let at = rng.below(len + 1);
        match rng.below(8) {
            0 if len > 0 => data[at.min(len - 1)] ^= 1 << rng.below(8),
            1 if len > 0 => data[at.min(len - 1)] = rng.next() as u8,
            2 => {
                let n = rng.below(16) + 1;
                let bytes: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                data.splice(at..at, bytes);
            }
            3 => {
                let end = (at + rng.below(64) + 1).min(len);
                data.drain(at..end);
            }
            4 => {
                let end = (at + rng.below(256) + 1).min(len);
                let copy = data[at..end].to_vec();
                let to = rng.below(data.len() + 1);
                data.splice(to..to, copy);
            }
            5 => data.truncate(at),
            _ => {
                let token = TOKENS[rng.below(TOKENS.len())];
                data.splice(at..at, token.iter().copied());
            }
        }
    }
}

/// Compresses as the framing says; `members` splits gzip into several members at random points.
fn frame(rng: &mut Rng, framing: usize, plain: &[u8]) -> (Vec<u8>, &'static str) {
    match framing {
        0 => (plain.to_vec(), ""),
        1 => (gzip(plain), ".gz"),
        2 => {
            let mut out = Vec::new();
            let mut pos = 0;
            while pos < plain.len() {
                let end = (pos + rng.below(200) + 1).min(plain.len());
                out.extend(gzip(&plain[pos..end]));
                pos = end;
            }
            (out, ".gz")
        }
        _ => (zstd::encode_all(plain, 1).expect("zstd"), ".zst"),
    }
}

fn read_all(dir: &Path, name: &str, bytes: &[u8], cfg: &ReadConfig) -> Vec<Item> {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    let file = InputFile::new(path, dir);
    // Each item consumes input, so far fewer items than this means the reader ended by itself.
    let cap = 4 * (bytes.len() + 64) + 100_000;
    let items: Vec<Item> = FileReader::open(&file, cfg).take(cap).collect();
    assert!(items.len() < cap, "{name}: the reader does not end");
    items
}

#[test]
fn unmutated_seeds_read_cleanly_in_every_framing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rng = Rng(7);
    for (format, ext, seed) in seeds() {
        for framing in 0..4 {
            let (bytes, comp) = frame(&mut rng, framing, &seed);
            let name = format!("seed.{ext}{comp}");
            let items = read_all(dir.path(), &name, &bytes, &ReadConfig::default());
            let docs = items.iter().filter(|i| matches!(i, Item::Doc(_))).count();
            let rejects: Vec<_> = items
                .iter()
                .filter_map(|i| match i {
                    Item::Reject(r) => Some(r.log_line()),
                    _ => None,
                })
                .collect();
            assert!(rejects.is_empty(), "{name} ({format:?}): {rejects:?}");
            let want = match format {
                Format::Jsonl => 3,
                Format::Warc => 3,
                _ => 1,
            };
            assert_eq!(docs, want, "{name}");
        }
    }
}

#[test]
fn mutated_inputs_never_panic_and_always_end() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let seeds = seeds();
    let mut cases = 0;
    let mut outcomes: std::collections::BTreeMap<String, usize> = Default::default();
    for case in 0..3200 {
        let (format, ext, seed) = &seeds[case % seeds.len()];
        let framing = (case / seeds.len()) % 4;
        let mut cfg = ReadConfig::default();
        if rng.chance(20) {
            cfg.limits.max_record_bytes = rng.below(2048) as u64;
            cfg.limits.max_decompressed_bytes = 1 << 16;
        }
        if rng.chance(10) {
            cfg.format = Some(*format);
        }
        let mut plain = if rng.chance(5) {
            // Pure noise now and then.
            (0..rng.below(4096)).map(|_| rng.next() as u8).collect()
        } else {
            seed.clone()
        };
        // Mutate the structure before compression, the compressed bytes after it, or both.
        let when = rng.below(3);
        if when != 1 {
            mutate(&mut rng, &mut plain);
        }
        let (mut bytes, comp) = frame(&mut rng, framing, &plain);
        if when != 0 && framing != 0 {
            mutate(&mut rng, &mut bytes);
        }
        let name = format!("case{case}.{ext}{comp}");
        let items = read_all(dir.path(), &name, &bytes, &cfg);
        for item in &items {
            let key = match item {
                Item::Doc(_) => "doc".to_string(),
                Item::Skip(s) => format!("skip:{s}"),
                Item::Reject(r) => {
                    assert!(
                        !r.reason.is_empty() && r.file.ends_with(&name),
                        "case {case}"
                    );
                    format!("reject:{}", r.reason)
                }
            };
            *outcomes.entry(key).or_default() += 1;
        }
        cases += 1;
        std::fs::remove_file(dir.path().join(&name)).expect("remove");
    }
    eprintln!("{cases} cases: {outcomes:?}");
    assert_eq!(cases, 3200);
    // The mutations reach the readers' error paths, not only the decompressors'.
    for reason in [
        "reject:invalid_json",
        "reject:bad_record_end",
        "reject:corrupt_gzip",
    ] {
        assert!(outcomes.contains_key(reason), "no {reason} in {outcomes:?}");
    }
}
