//! The Parquet sink, read back with the parquet crate's own reader.
#![cfg(feature = "parquet")]

use std::fs::File;
use std::path::Path;

use parquet::basic::Compression;
use parquet::file::reader::{FileReader, SerializedFileReader};
use pith_core::{Chunk, Document, Span};
use pith_export::{
    open_sink, read_parquet, ExportConfig, ExportFormat, ParquetCompression, ParquetOptions, Rows,
};
use serde_json::{json, Value};

fn config(path: &Path, opts: ParquetOptions) -> ExportConfig {
    let mut cfg = ExportConfig::jsonl(path);
    cfg.format = None;
    cfg.parquet = Some(opts);
    cfg
}

fn write(path: &Path, opts: ParquetOptions, docs: &[Document]) -> pith_export::SinkSummary {
    let mut sink = open_sink(&config(path, opts)).expect("open");
    for d in docs {
        sink.write(d).expect("write");
    }
    sink.finish().expect("finish")
}

fn span(text: &str, start: usize, kind: Option<&str>) -> Span {
    Span {
        start,
        end: start + text.len(),
        text: text.into(),
        kind: kind.map(str::to_string),
    }
}

/// A segmented document with every field set.
fn full_doc() -> Document {
    let text = "Grüße aus Köln.\n\nZweiter Absatz 🎉. 東京です。";
    let mut d = Document::new("full", text);
    d.url = Some("https://example.org/a?b=1".into());
    d.title = Some("Ein Titel".into());
    d.lang = Some("de".into());
    d.set_meta("source", "dump-01.warc.gz");
    d.set_meta("record", 7);
    d.dedupe = Some(json!({"kept": true, "cluster": 3, "similarity": 0.5}));
    d.extra.insert("batch".into(), json!([1, 2]));
    let p1 = "Grüße aus Köln.";
    let second = text.find("Zweiter").expect("in text");
    let p2 = text.get(second..).expect("char boundary");
    d.paragraphs = Some(vec![
        span(p1, 0, Some("heading")),
        span(p2, second, Some("paragraph")),
    ]);
    let s2 = "Zweiter Absatz 🎉.";
    let s3_at = text.find("東京").expect("in text");
    d.sentences = Some(vec![
        span(p1, 0, None),
        span(s2, second, None),
        span("東京です。", s3_at, None),
    ]);
    d.chunks = Some(vec![Chunk {
        index: 0,
        start: 0,
        end: text.len(),
        text: text.into(),
    }]);
    d
}

#[test]
fn document_rows_round_trip_with_nulls_and_unicode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("out/corpus.parquet");
    let bare = Document::new("bare", "Only text, nothing else.");
    let mut unsegmented_but_empty = Document::new("empty-lists", "");
    unsegmented_but_empty.sentences = Some(Vec::new());
    let summary = write(
        &path,
        ParquetOptions::default(),
        &[full_doc(), bare, unsegmented_but_empty],
    );
    assert_eq!((summary.documents, summary.rows), (3, 3));
    assert_eq!(summary.format, "parquet");
    assert_eq!(summary.bytes, std::fs::metadata(&path).expect("stat").len());

    let got = read_parquet(&path).expect("read");
    assert_eq!(
        got.columns,
        [
            "id",
            "url",
            "title",
            "lang",
            "text",
            "meta",
            "dedupe",
            "paragraphs",
            "sentences",
            "chunks",
            "extra"
        ]
    );
    assert_eq!(got.row_groups, [3]);
    let full = &got.rows[0];
    assert_eq!(full["id"], "full");
    assert_eq!(full["text"], full_doc().text);
    assert_eq!(full["lang"], "de");
    let meta: Value =
        serde_json::from_str(full["meta"].as_str().expect("json text")).expect("json");
    assert_eq!(meta, json!({"source": "dump-01.warc.gz", "record": 7}));
    let dedupe: Value =
        serde_json::from_str(full["dedupe"].as_str().expect("json text")).expect("json");
    assert_eq!(dedupe["cluster"], 3);
    assert_eq!(full["extra"], r#"{"batch":[1,2]}"#);
    assert_eq!(full["paragraphs"][0]["kind"], "heading");
    assert_eq!(
        full["paragraphs"][1]["text"],
        "Zweiter Absatz 🎉. 東京です。"
    );
    assert_eq!(full["sentences"].as_array().expect("list").len(), 3);
    assert_eq!(full["sentences"][2]["text"], "東京です。");
    assert_eq!(full["sentences"][2]["kind"], Value::Null);
    // Offsets are bytes into `text`, as in the JSONL.
    let s = &full["sentences"][2];
    let (start, end) = (
        s["start"].as_u64().expect("int"),
        s["end"].as_u64().expect("int"),
    );
    assert_eq!(
        full_doc().text.get(start as usize..end as usize),
        Some("東京です。")
    );
    assert_eq!(full["chunks"][0]["index"], 0);

    let bare = &got.rows[1];
    for column in [
        "url",
        "title",
        "lang",
        "meta",
        "dedupe",
        "paragraphs",
        "sentences",
        "chunks",
        "extra",
    ] {
        assert_eq!(bare[column], Value::Null, "{column}");
    }
    // Segmented into nothing is an empty list, not a null.
    assert_eq!(got.rows[2]["sentences"], json!([]));
    assert_eq!(got.rows[2]["paragraphs"], Value::Null);
    assert_eq!(got.rows[2]["text"], "");
}

fn numbered(n: usize, words: usize) -> Vec<Document> {
    (0..n)
        .map(|i| {
            let text: Vec<String> = (0..words).map(|w| format!("w{i}x{w}")).collect();
            Document::new(format!("doc-{i}"), text.join(" "))
        })
        .collect()
}

#[test]
fn row_groups_close_at_the_row_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.parquet");
    let opts = ParquetOptions {
        row_group_rows: 2,
        ..ParquetOptions::default()
    };
    write(&path, opts, &numbered(5, 3));
    let got = read_parquet(&path).expect("read");
    assert_eq!(got.row_groups, [2, 2, 1]);
    let ids: Vec<&str> = got
        .rows
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    assert_eq!(ids, ["doc-0", "doc-1", "doc-2", "doc-3", "doc-4"]);
}

#[test]
fn row_groups_close_at_the_byte_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("c.parquet");
    let opts = ParquetOptions {
        row_group_bytes: 16 << 10,
        compression: ParquetCompression::None,
        ..ParquetOptions::default()
    };
    // 3000 documents of ~900 bytes: ~2.7 MB of text, so well over a hundred 16 KiB groups,
    // even though the rows come in batches of 1024.
    let docs = numbered(3000, 100);
    write(&path, opts, &docs);
    let got = read_parquet(&path).expect("read");
    assert!(got.row_groups.len() > 50, "{:?}", got.row_groups);
    assert_eq!(got.row_groups.iter().sum::<u64>(), 3000);
    assert_eq!(got.rows[2999]["text"], docs[2999].text);
    // No group far above the limit (the writer estimates the size before encoding).
    let reader = SerializedFileReader::new(File::open(&path).expect("open")).expect("parquet");
    for g in reader.metadata().row_groups() {
        assert!(g.compressed_size() < 64 << 10, "{}", g.compressed_size());
    }
}

#[test]
fn sentence_and_chunk_rows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("s.parquet");
    let opts = ParquetOptions {
        rows: Rows::Sentence,
        ..ParquetOptions::default()
    };
    let summary = write(&path, opts, &[full_doc(), Document::new("none", "x")]);
    assert_eq!((summary.documents, summary.rows), (2, 3));
    let got = read_parquet(&path).expect("read");
    assert_eq!(got.columns, ["id", "sentence", "start", "end", "text"]);
    let rows: Vec<Value> = got.rows.into_iter().map(Value::Object).collect();
    assert_eq!(rows[1]["id"], "full");
    assert_eq!(rows[1]["sentence"], 1);
    assert_eq!(rows[1]["text"], "Zweiter Absatz 🎉.");

    let path = dir.path().join("c.parquet");
    let opts = ParquetOptions {
        rows: Rows::Chunk,
        ..ParquetOptions::default()
    };
    write(&path, opts, &[full_doc()]);
    let got = read_parquet(&path).expect("read");
    assert_eq!(got.columns, ["id", "chunk", "start", "end", "text"]);
    assert_eq!(got.rows.len(), 1);
    assert_eq!(got.rows[0]["end"], full_doc().text.len());
}

#[test]
fn an_empty_export_is_a_valid_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("empty.parquet");
    let summary = write(&path, ParquetOptions::default(), &[]);
    assert_eq!(summary.rows, 0);
    let got = read_parquet(&path).expect("read");
    assert!(got.rows.is_empty());
    assert!(got.row_groups.is_empty());
    assert_eq!(got.columns.len(), 11);
}

#[test]
fn compression_is_as_configured() {
    let dir = tempfile::tempdir().expect("tempdir");
    let docs = numbered(50, 40);
    for (opt, want) in [
        (ParquetCompression::Zstd, "ZSTD"),
        (ParquetCompression::Snappy, "SNAPPY"),
        (ParquetCompression::None, "UNCOMPRESSED"),
    ] {
        let path = dir.path().join(format!("{want}.parquet"));
        let opts = ParquetOptions {
            compression: opt,
            ..ParquetOptions::default()
        };
        write(&path, opts, &docs);
        let reader = SerializedFileReader::new(File::open(&path).expect("open")).expect("parquet");
        let text = reader.metadata().row_group(0).column(4);
        assert_eq!(text.column_path().string(), "text");
        let codec = text.compression();
        assert!(
            matches!(
                (codec, want),
                (Compression::ZSTD(_), "ZSTD")
                    | (Compression::SNAPPY, "SNAPPY")
                    | (Compression::UNCOMPRESSED, "UNCOMPRESSED")
            ),
            "{codec:?} for {want}"
        );
        assert_eq!(read_parquet(&path).expect("read").rows.len(), 50);
    }
}

#[test]
fn meta_false_leaves_the_meta_column_null() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("m.parquet");
    let mut cfg = config(&path, ParquetOptions::default());
    cfg.meta = false;
    let mut sink = open_sink(&cfg).expect("open");
    sink.write(&full_doc()).expect("write");
    sink.finish().expect("finish");
    let got = read_parquet(&path).expect("read");
    assert_eq!(got.rows[0]["meta"], Value::Null);
    assert_eq!(got.rows[0]["lang"], "de");
}

#[test]
fn nothing_appears_under_the_final_name_until_finish() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("a.parquet");
    let mut sink = open_sink(&config(&path, ParquetOptions::default())).expect("open");
    for d in numbered(3000, 20) {
        sink.write(&d).expect("write");
    }
    assert!(!path.exists());
    // A run that fails drops its sinks: the temporary file goes too.
    drop(sink);
    assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 0);
}

#[test]
fn config_parses_and_refuses_mistakes() {
    let cfg: ExportConfig = serde_json::from_value(json!({
        "path": "out/corpus.PARQUET",
        "parquet": {"rows": "chunk", "row_group_rows": 10, "compression": "snappy"}
    }))
    .expect("parses");
    assert_eq!(cfg.resolved_format(), ExportFormat::Parquet);
    let opts = cfg.parquet.clone().expect("table");
    assert_eq!(opts.rows, Rows::Chunk);
    assert_eq!(opts.row_group_bytes, 128 << 20);
    assert_eq!(opts.compression, ParquetCompression::Snappy);
    cfg.validate().expect("valid");

    let unknown = serde_json::from_value::<ExportConfig>(json!({
        "path": "a.parquet", "parquet": {"row_group_size": 10}
    }));
    let message = unknown.expect_err("unknown key").to_string();
    assert!(message.contains("row_group_size"), "{message}");

    let mismatch: ExportConfig = serde_json::from_value(json!({
        "path": "a.jsonl", "parquet": {"rows": "sentence"}
    }))
    .expect("parses");
    assert!(mismatch.validate().is_err());
    let explicit: ExportConfig = serde_json::from_value(json!({
        "path": "out/dir", "format": "parquet", "parquet": {"rows": "sentence"}
    }))
    .expect("parses");
    explicit
        .validate()
        .expect("a named format needs no extension");

    let zero: ExportConfig = serde_json::from_value(json!({
        "path": "a.parquet", "parquet": {"row_group_bytes": 0}
    }))
    .expect("parses");
    assert!(zero.validate().is_err());
    assert!(
        open_sink(&zero).is_err(),
        "refused, not a panic in the writer"
    );

    let compressed = ExportConfig {
        format: Some(ExportFormat::Parquet),
        ..ExportConfig::jsonl("a.parquet.zst")
    };
    assert!(compressed.validate().is_err());
}
