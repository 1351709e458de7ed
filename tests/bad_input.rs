//! Bad input is data: each broken file or record gives one line naming it, is counted in the
//! report, is kept in the rejects file, and the run goes on.

use crate::common::*;

const CONFIG: &str = "[input]\npaths = [\"in\"]\n\n[[stage]]\nkind = \"clean\"\n\n[[stage]]\nkind = \"export\"\npath = \"out/c.jsonl\"\n";

/// Runs the pipeline over `in/` holding one good page plus `name` with `bytes`; returns the
/// output, the report and the rejects.
fn run_with(
    name: &str,
    bytes: &[u8],
) -> (
    std::process::Output,
    serde_json::Value,
    Vec<serde_json::Value>,
) {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("in")).expect("mkdir");
    std::fs::write(
        dir.path().join("in/good.html"),
        news_page("Bridge", &STORY_A),
    )
    .expect("write");
    let path = dir.path().join("in").join(name);
    std::fs::write(&path, bytes).expect("write");
    std::fs::write(dir.path().join("pipeline.toml"), CONFIG).expect("write");
    let out = run_in(dir.path(), &["run"]);
    let report = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/c.jsonl.report.json")).expect("report"),
    )
    .expect("json");
    let rejects = read_jsonl(&dir.path().join("out/c.jsonl.rejects.jsonl"));
    let written = read_jsonl(&dir.path().join("out/c.jsonl"));
    assert!(
        written.iter().any(|d| d["id"] == "good"),
        "the good page is still written"
    );
    (out, report, rejects)
}

fn assert_rejected(name: &str, bytes: &[u8], reason: &str) -> Vec<serde_json::Value> {
    let (out, report, rejects) = run_with(name, bytes);
    assert_eq!(code(&out), 3, "{name}: {}", stderr(&out));
    let err = stderr(&out);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains(name)).collect();
    assert!(
        !lines.is_empty() && lines.iter().all(|l| l.contains(reason)),
        "{name}: {err}"
    );
    assert!(
        report["rejected"][reason].as_u64().is_some_and(|n| n >= 1),
        "{name}: {report}"
    );
    assert!(rejects
        .iter()
        .any(|r| r["reason"] == reason && r["file"].as_str().is_some_and(|f| f.ends_with(name))));
    rejects
}

#[test]
fn truncated_gzip() {
    let full = gzip(news_page("Turtle", &STORY_B).repeat(20).as_bytes());
    assert_rejected("cut.html.gz", &full[..full.len() / 2], "truncated_gzip");
}

#[test]
fn truncated_zstd() {
    let full =
        zstd::encode_all(news_page("Turtle", &STORY_B).repeat(50).as_bytes(), 3).expect("zstd");
    assert_rejected("cut.html.zst", &full[..full.len() / 2], "truncated_zstd");
}

#[test]
fn malformed_jsonl_line_names_the_line() {
    let input = b"{\"id\":\"j1\",\"text\":\"fine\"}\n{\"id\": \"j2\", \"text\": \n{\"id\":\"j3\",\"text\":\"fine too\"}\n";
    let rejects = assert_rejected("d.jsonl", input, "invalid_json");
    assert_eq!(rejects[0]["record"], "line 2");
}

#[test]
fn invalid_utf8_in_jsonl() {
    let rejects = assert_rejected(
        "u.jsonl",
        b"{\"id\":\"u1\",\"text\":\"caf\xe9\"}\n",
        "invalid_utf8",
    );
    assert_eq!(rejects[0]["record"], "line 1");
}

#[test]
fn invalid_utf8_in_html_is_replaced_not_rejected() {
    let mut page = news_page("Bridge", &STORY_B).into_bytes();
    page.extend_from_slice(b"<p>bad bytes \xff\xfe here</p>");
    let (out, _report, rejects) = run_with("latin.html", &page);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(rejects.is_empty());
}

#[test]
fn broken_warc_record() {
    let warc = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\nContent-Length: 5000\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>cut short";
    let (out, report, rejects) = run_with("broken.warc", warc);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    assert!(report["rejected"]
        .as_object()
        .is_some_and(|r| !r.is_empty()));
    assert!(rejects.iter().any(|r| r["file"]
        .as_str()
        .is_some_and(|f| f.ends_with("broken.warc"))));
}

#[test]
fn empty_file() {
    assert_rejected("empty.html", b"", "empty_file");
}

#[test]
fn binary_file() {
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    assert_rejected("blob.txt", &bytes, "binary_file");
}

#[test]
fn deeply_nested_html_does_not_crash() {
    let depth = 50_000;
    let mut page = String::from("<html><body>");
    page.push_str(&"<div>".repeat(depth));
    page.push_str("<p>Deep inside the page there is a sentence that is long enough to keep.</p>");
    page.push_str(&"</div>".repeat(depth));
    page.push_str("</body></html>");
    let (out, report, _rejects) = run_with("deep.html", page.as_bytes());
    // Either extracted or rejected for its time budget, but never a crash.
    assert!(matches!(code(&out), 0 | 3), "{}", stderr(&out));
    assert_eq!(report["documents"]["read"], 2);
}

#[test]
fn huge_single_line_file_is_rejected_without_loading_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("in")).expect("mkdir");
    std::fs::write(
        dir.path().join("in/good.html"),
        news_page("Bridge", &STORY_A),
    )
    .expect("write");
    {
        use std::io::Write;
        let f = std::fs::File::create(dir.path().join("in/huge.jsonl")).expect("create");
        let mut w = std::io::BufWriter::new(f);
        w.write_all(b"{\"id\":\"huge\",\"text\":\"").expect("write");
        let chunk = vec![b'a'; 1 << 20];
        for _ in 0..200 {
            w.write_all(&chunk).expect("write");
        }
        w.write_all(b"\"}").expect("write");
    }
    std::fs::write(dir.path().join("pipeline.toml"), CONFIG).expect("write");
    let out = run_in(dir.path(), &["run"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let rejects = read_jsonl(&dir.path().join("out/c.jsonl.rejects.jsonl"));
    assert_eq!(rejects[0]["reason"], "record_too_large");
    assert_eq!(rejects[0]["record"], "line 1");
}

#[test]
fn missing_input_path_is_reported_and_the_rest_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("in")).expect("mkdir");
    std::fs::write(
        dir.path().join("in/good.html"),
        news_page("Bridge", &STORY_A),
    )
    .expect("write");
    std::fs::write(
        dir.path().join("pipeline.toml"),
        CONFIG.replace("[\"in\"]", "[\"in\", \"gone\"]"),
    )
    .expect("write");
    let out = run_in(dir.path(), &["run"]);
    assert_eq!(code(&out), 3);
    assert!(stderr(&out).contains("gone: not_found"), "{}", stderr(&out));
    assert_eq!(read_jsonl(&dir.path().join("out/c.jsonl")).len(), 1);
}
