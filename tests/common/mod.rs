//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The binary under test.
pub fn pith() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pith"));
    c.stdin(Stdio::null());
    c
}

/// Runs pith with `args` in `dir`.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    pith()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("pith runs")
}

/// Runs pith with `args` in `dir`, its standard output a pipe whose reader has gone away
/// (`pith ... | head` after `head` exits).
pub fn run_with_closed_stdout(dir: &Path, args: &[&str]) -> Output {
    let mut child = pith()
        .current_dir(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pith starts");
    drop(child.stdout.take());
    child.wait_with_output().expect("pith ends")
}

/// Runs pith with `stdin` piped in.
pub fn run_with_stdin(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    let mut child = pith()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pith starts");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("pith finishes");
    writer.join().expect("stdin writer");
    out
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// The repository root (for data/ and pipeline.toml).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The JSON objects of a JSONL file.
pub fn read_jsonl(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

/// A news page in the style of real ones, written for these tests: navigation, a cookie
/// banner, the article, a share bar, a newsletter box, related stories, comments, a footer.
pub fn news_page(title: &str, paragraphs: &[&str]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title} | Harbour Gazette</title>
<meta property="og:site_name" content="Harbour Gazette"></head>
<body>
<header class="site-header"><nav class="main-nav"><ul><li><a href="/">Home</a></li>
<li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav></header>
<div class="cookie-banner">We use cookies to improve your experience. <button>Accept all cookies</button></div>
<main><article class="story">
<h1>{title}</h1>
<div class="byline">By Mara Quill | 3 hours ago</div>
{body}
<div class="share-bar">Share on Facebook Share on Twitter Share by Email</div>
</article>
<aside class="newsletter-signup"><h3>Get the morning briefing</h3><p>Subscribe to our newsletter for the day's top stories in your inbox.</p></aside>
<section class="related-articles"><h2>Related articles</h2><ul>
<li><a href="/a">Ferry timetable changes announced for the winter season</a></li>
<li><a href="/b">Local bakery wins regional award for sourdough loaf</a></li>
<li><a href="/c">School board approves new playground equipment purchase</a></li></ul></section>
<section id="comments"><h2>Leave a reply</h2><form><p>Your email address will not be published.</p>
<textarea></textarea><button>Post comment</button></form></section>
</main>
<footer class="site-footer"><p>Copyright 2026 Harbour Gazette. All rights reserved.</p>
<a href="/privacy">Privacy policy</a> <a href="/terms">Terms of use</a></footer>
</body></html>"#
    )
}

pub const STORY_A: [&str; 4] = [
    "The harbour council voted on Tuesday evening to rebuild the old swing bridge, ending a decade of delays that had split the town between two camps.",
    "Engineers told the meeting that the iron frame, installed in 1911, had corroded beyond repair and that a new lifting span could be in place within three years.",
    "Residents who had campaigned for a cheaper footbridge said they would not challenge the decision, though several asked for the old ironwork to be kept on display.",
    "Work on temporary moorings for the fishing fleet is expected to begin in the spring, the council said in a statement released after the vote.",
];

pub const STORY_B: [&str; 3] = [
    "A rare leatherback turtle was spotted off the northern headland on Sunday, the first sighting in these waters for more than twenty years, marine biologists said.",
    "The animal, estimated at nearly two metres long, was filmed by a kayaker who kept a safe distance and reported the sighting to the coastguard within the hour.",
    "Researchers believe warmer currents this autumn may have drawn jellyfish, the turtle's main food, further north than usual along the coast.",
];
