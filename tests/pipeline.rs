//! End-to-end runs of `pith run` and the stage commands on fixtures written by these tests.

use crate::common::*;

/// Writes two pages of story A (one re-published byte for byte) and one of story B.
fn write_pages(dir: &std::path::Path) -> std::path::PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(input.join("gazette")).expect("mkdir");
    std::fs::write(
        input.join("gazette/bridge.html"),
        news_page("Council votes to rebuild swing bridge", &STORY_A),
    )
    .expect("write");
    std::fs::write(
        input.join("gazette/turtle.html.gz"),
        gzip(news_page("Rare turtle seen off headland", &STORY_B).as_bytes()),
    )
    .expect("write");
    std::fs::write(
        input.join("mirror-bridge.html"),
        news_page("Council votes to rebuild swing bridge", &STORY_A),
    )
    .expect("write");
    input
}

const CONFIG: &str = r#"
[input]
paths = ["in"]

[[stage]]
kind = "clean"
min_chars = 100

[[stage]]
kind = "dedupe"

[[stage]]
kind = "segment"

[[stage]]
kind = "export"
path = "out/corpus.jsonl"

[[stage]]
kind = "export"
path = "out/corpus.csv"
"#;

#[test]
fn run_writes_clean_corpus_and_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_pages(dir.path());
    std::fs::write(dir.path().join("p.toml"), CONFIG).expect("write");
    let out = run_in(dir.path(), &["run", "--config", "p.toml"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // One summary line on stdout when not on a terminal, no progress bar.
    assert_eq!(stdout(&out).lines().count(), 1, "{}", stdout(&out));
    assert!(stdout(&out).contains("3 documents read"));

    let docs = read_jsonl(&dir.path().join("out/corpus.jsonl"));
    let ids: Vec<&str> = docs.iter().map(|d| d["id"].as_str().expect("id")).collect();
    assert_eq!(ids, ["gazette/bridge", "gazette/turtle"]);
    let bridge = docs[0]["text"].as_str().expect("text");
    for p in STORY_A {
        assert!(bridge.contains(p), "article paragraph missing: {p}");
    }
    for boiler in [
        "Accept all cookies",
        "Share on Facebook",
        "Subscribe to our newsletter",
        "Ferry timetable",
        "Leave a reply",
        "Privacy policy",
        "Sport",
    ] {
        assert!(!bridge.contains(boiler), "boilerplate kept: {boiler}");
    }
    assert!(docs[0]["title"]
        .as_str()
        .is_some_and(|t| t.contains("swing bridge")));
    assert!(docs[0]["sentences"]
        .as_array()
        .is_some_and(|s| s.len() >= 4));
    assert!(docs[0]["paragraphs"]
        .as_array()
        .is_some_and(|p| p.len() >= 4));

    let dropped = read_jsonl(&dir.path().join("out/corpus.jsonl.dropped.jsonl"));
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0]["id"], "mirror-bridge");
    assert_eq!(dropped[0]["dropped"]["reason"], "exact_duplicate");
    assert_eq!(dropped[0]["dedupe"]["dup_of"], "gazette/bridge");

    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/corpus.jsonl.report.json")).expect("report"),
    )
    .expect("report is JSON");
    assert_eq!(report["documents"]["read"], 3);
    assert_eq!(report["documents"]["written"], 2);
    assert_eq!(report["dropped"]["dedupe"]["exact_duplicate"], 1);
    assert_eq!(report["exit_code"], 0);

    // CSV parses back to the same texts.
    let mut rdr = csv::Reader::from_path(dir.path().join("out/corpus.csv")).expect("csv");
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), 2);
    for (row, doc) in rows.iter().zip(&docs) {
        assert_eq!(&row[0], doc["id"].as_str().expect("id"));
        assert_eq!(&row[4], doc["text"].as_str().expect("text"));
    }
    // No temporary files are left behind.
    for entry in std::fs::read_dir(dir.path().join("out")).expect("ls") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        assert!(!name.ends_with(".tmp"), "{name}");
    }
}

#[test]
fn input_and_output_flags_override_the_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_pages(dir.path());
    std::fs::write(
        dir.path().join("p.toml"),
        CONFIG.replace("paths = [\"in\"]", "paths = [\"nowhere\"]"),
    )
    .expect("write");
    let out = run_in(
        dir.path(),
        &[
            "run",
            "-c",
            "p.toml",
            "--input",
            "in/gazette",
            "--output",
            "elsewhere/c.jsonl.gz",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let raw = std::fs::read(dir.path().join("elsewhere/c.jsonl.gz")).expect("gz output");
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&raw[..]), &mut text)
        .expect("gunzip");
    assert_eq!(text.lines().count(), 2);
    assert!(dir.path().join("elsewhere/c.jsonl.gz.report.json").exists());
}

#[test]
fn stages_compose_through_pipes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let input = write_pages(dir.path());
    let cleaned = run_in(
        dir.path(),
        &["clean", input.to_str().expect("utf8"), "--quiet"],
    );
    assert_eq!(code(&cleaned), 0, "{}", stderr(&cleaned));
    assert_eq!(stdout(&cleaned).lines().count(), 3);
    let deduped = run_with_stdin(dir.path(), &["dedupe"], &cleaned.stdout);
    assert_eq!(code(&deduped), 0, "{}", stderr(&deduped));
    assert_eq!(stdout(&deduped).lines().count(), 2);
    let segmented = run_with_stdin(
        dir.path(),
        &["segment", "--chunk-size", "40", "--chunk-unit", "tokens"],
        &deduped.stdout,
    );
    assert_eq!(code(&segmented), 0, "{}", stderr(&segmented));
    let exported = run_with_stdin(
        dir.path(),
        &[
            "export", "--format", "csv", "--rows", "sentence", "-o", "s.csv",
        ],
        &segmented.stdout,
    );
    assert_eq!(code(&exported), 0, "{}", stderr(&exported));
    let mut rdr = csv::Reader::from_path(dir.path().join("s.csv")).expect("csv");
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("row")).collect();
    assert!(rows.len() >= 7, "one row per sentence, got {}", rows.len());
    for line in stdout(&segmented).lines() {
        let doc: serde_json::Value = serde_json::from_str(line).expect("json");
        let text = doc["text"].as_str().expect("text");
        for s in doc["sentences"].as_array().expect("sentences") {
            let (a, b) = (
                s["start"].as_u64().expect("start") as usize,
                s["end"].as_u64().expect("end") as usize,
            );
            assert_eq!(text.get(a..b), s["text"].as_str());
        }
        assert!(doc["chunks"].as_array().is_some_and(|c| !c.is_empty()));
    }
}

#[test]
fn unknown_fields_pass_through_stdin() {
    let dir = tempfile::tempdir().expect("tempdir");
    let line = format!(
        "{{\"id\":\"x1\",\"crawl_batch\":\"2026-11\",\"scores\":[1,2],\"html\":{}}}\n",
        serde_json::to_string(&news_page("Bridge", &STORY_A)).expect("json")
    );
    let out = run_with_stdin(dir.path(), &["clean"], line.as_bytes());
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("json");
    assert_eq!(doc["crawl_batch"], "2026-11");
    assert_eq!(doc["scores"][1], 2);
    assert!(doc.get("html").is_none());
    assert!(doc["text"]
        .as_str()
        .is_some_and(|t| t.contains("swing bridge")));
}

#[test]
fn text_dumps_lose_their_furniture() {
    let dir = tempfile::tempdir().expect("tempdir");
    let dump = format!(
        "logo\nCouncil votes to rebuild swing bridge\n\nCouncil votes to rebuild swing bridge\n\nHarbour Gazette3 hours ago\n{}\n\nRelated Articles\n\nFerry timetable changes announced for the winter season\n\nThe ferry operator said on Monday that crossings would run every ninety minutes from November, citing lower demand and the cost of fuel over the colder months of the year.\n\nLEAVE A REPLY\n\nPlease enter your comment!\n",
        STORY_A.join("\n")
    );
    std::fs::write(dir.path().join("dump.txt"), dump).expect("write");
    let out = run_in(dir.path(), &["clean", "dump.txt", "-o", "c.jsonl"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let docs = read_jsonl(&dir.path().join("c.jsonl"));
    let text = docs[0]["text"].as_str().expect("text");
    for p in STORY_A {
        assert!(text.contains(p), "article paragraph missing: {p}");
    }
    for boiler in [
        "ferry operator",
        "LEAVE A REPLY",
        "Please enter your comment",
        "3 hours ago",
    ] {
        assert!(!text.contains(boiler), "boilerplate kept: {boiler}");
    }
}

#[test]
fn default_pipeline_runs_on_the_sample_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = repo();
    let config = repo.join("pipeline.toml");
    let data = repo.join("data");
    let out = run_in(
        dir.path(),
        &[
            "run",
            "--config",
            config.to_str().expect("utf8"),
            "--input",
            data.to_str().expect("utf8"),
            "--output",
            "out/corpus.jsonl",
        ],
    );
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/corpus.jsonl.report.json")).expect("report"),
    )
    .expect("json");
    let read = report["documents"]["read"].as_u64().expect("read");
    let written = report["documents"]["written"].as_u64().expect("written");
    let dropped = report["documents"]["dropped"].as_u64().expect("dropped");
    assert!(
        read >= 12,
        "the sample holds at least 12 documents, read {read}"
    );
    assert_eq!(
        read,
        written + dropped,
        "every document is written or dropped"
    );
    assert!(
        report["dropped"]["dedupe"]
            .as_object()
            .is_some_and(|d| !d.is_empty()),
        "the sample's duplicate is found"
    );
    assert_eq!(
        read_jsonl(&dir.path().join("out/corpus.jsonl")).len() as u64,
        written
    );
}
