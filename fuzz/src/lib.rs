//! Helpers for the fuzz targets: run `pith_read::FileReader` over arbitrary bytes, and the
//! clean stage over arbitrary documents. A target passes if nothing panics, hangs or runs out
//! of memory; every item must also be well formed (a reject has a reason).

use std::io::Write;
use std::path::PathBuf;
use std::sync::OnceLock;

use pith_core::{Document, Stage};
use pith_read::{FileReader, Format, InputFile, Item, Limits, ReadConfig};

/// One scratch file per fuzzing process (libFuzzer runs inputs one at a time).
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("input");
        (dir, path)
    });
    path
}

/// Reads `prefix + data` as a file, with the format forced (or sniffed when `None`), and
/// drains every item.
pub fn read_bytes(prefix: &[u8], data: &[u8], format: Option<Format>) {
    let path = scratch();
    {
        let mut f = std::fs::File::create(path).expect("scratch file");
        f.write_all(prefix).expect("write");
        f.write_all(data).expect("write");
    }
    let cfg = ReadConfig {
        format,
        limits: Limits {
            max_record_bytes: 1 << 20,
            max_decompressed_bytes: 64 << 20,
            max_compression_ratio: 200.0,
        },
        ..ReadConfig::default()
    };
    let file = InputFile::new(path.clone(), path.parent().expect("has a parent"));
    for item in FileReader::open(&file, &cfg) {
        match item {
            Item::Doc(d) => {
                let _ = serde_json_len(&d);
            }
            Item::Reject(r) => assert!(!r.reason.is_empty(), "a reject without a reason"),
            Item::Skip(reason) => assert!(!reason.is_empty()),
        }
    }
}

/// Reads the bytes as a JSONL, WARC and gzipped WARC file split into byte ranges of a size
/// taken from the first byte (the way a sharded run reads a large file), draining every range.
pub fn read_ranges(data: &[u8]) {
    let Some((&size, data)) = data.split_first() else {
        return;
    };
    let split = u64::from(size % 64) + 1;
    for (name, format) in [
        ("input.jsonl", Format::Jsonl),
        ("input.warc", Format::Warc),
        ("input.warc.gz", Format::Warc),
    ] {
        let dir = scratch().parent().expect("has a parent");
        let path = dir.join(name);
        std::fs::write(&path, data).expect("scratch file");
        let cfg = ReadConfig {
            format: Some(format),
            limits: Limits {
                max_record_bytes: 1 << 20,
                max_decompressed_bytes: 64 << 20,
                max_compression_ratio: 200.0,
            },
            ..ReadConfig::default()
        };
        let file = InputFile::new(path.clone(), dir);
        for unit in pith_read::plan_units(std::slice::from_ref(&file), &cfg, split) {
            for item in FileReader::open_unit(&unit, &cfg) {
                if let Item::Reject(r) = item {
                    assert!(!r.reason.is_empty(), "a reject without a reason");
                }
            }
        }
    }
}

fn serde_json_len(d: &Document) -> usize {
    d.id.len() + d.text.len() + d.html.as_ref().map_or(0, String::len)
}

/// Runs the clean stage over the bytes as an HTML page and as a text dump.
pub fn clean(data: &[u8]) {
    static STAGE: OnceLock<pith_clean::Clean> = OnceLock::new();
    let stage = STAGE.get_or_init(|| {
        pith_clean::Clean::new(pith_clean::CleanConfig::default()).expect("default config")
    });
    let text = String::from_utf8_lossy(data).into_owned();
    let mut page = Document::new("fuzz", "");
    page.html = Some(text.clone());
    let _ = stage.process(page);
    let _ = stage.process(Document::new("fuzz", text));
}
