//! Scheduled (incremental) runs: skip unchanged inputs, parts and manifest, dedupe across runs,
//! the state lock, faults. The generated corpus and the invariant checker are shared with
//! `kill.rs`.

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::common::{code, news_page, run_in, stderr, stdout, STORY_A, STORY_B};

/// A small deterministic generator (an LCG, constants from Knuth's MMIX).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SYLLABLES: [&str; 24] = [
    "ka", "lo", "mer", "tin", "sa", "vo", "dren", "pa", "ul", "ri", "nos", "te", "gam", "bi",
    "chor", "el", "fu", "wan", "zi", "ost", "ry", "mab", "quen", "do",
];

/// An invented paragraph of `words` words.
pub fn paragraph(rng: &mut Rng, words: usize) -> String {
    let mut out = String::new();
    for i in 0..words {
        let mut w = String::new();
        for _ in 0..1 + rng.below(3) {
            w.push_str(SYLLABLES[rng.below(SYLLABLES.len() as u64) as usize]);
        }
        if i == 0 {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_ascii_uppercase());
            w = first.into_iter().chain(chars).collect();
        }
        out.push_str(&w);
        out.push_str(if i + 1 == words {
            "."
        } else if rng.below(11) == 0 {
            ", "
        } else {
            " "
        });
    }
    out
}

/// What a generated input holds, for the invariant.
#[derive(Default, Debug, Clone)]
pub struct Expected {
    /// Ids of documents (each must be written or dropped exactly once).
    pub docs: Vec<String>,
    /// (file name, line) of invalid lines (each must be rejected exactly once).
    pub bad_lines: Vec<(String, usize)>,
}

impl Expected {
    pub fn extend(&mut self, other: Expected) {
        self.docs.extend(other.docs);
        self.bad_lines.extend(other.bad_lines);
    }
}

/// Writes `files` JSONL files of `lines` lines each into `dir`, named `<prefix>-NNN.jsonl`:
/// mostly distinct documents, with exact duplicates of earlier documents, documents too short
/// to keep, and invalid lines.
pub fn generate(dir: &Path, prefix: &str, files: usize, lines: usize, seed: u64) -> Expected {
    fs::create_dir_all(dir).expect("mkdir");
    let mut rng = Rng(seed);
    let mut exp = Expected::default();
    let mut texts: Vec<String> = Vec::new();
    let mut n = 0usize;
    for f in 0..files {
        let name = format!("{prefix}-{f:03}.jsonl");
        let mut body = String::new();
        for l in 0..lines {
            n += 1;
            let id = format!("{prefix}-{f:03}-{l:03}");
            if n.is_multiple_of(41) {
                body.push_str(&format!("{{\"id\": \"{id}\", \"text\": \"unterminated\n"));
                exp.bad_lines.push((name.clone(), l + 1));
                continue;
            }
            let text = if n.is_multiple_of(13) && !texts.is_empty() {
                texts[rng.below(texts.len() as u64) as usize].clone()
            } else if n.is_multiple_of(17) {
                paragraph(&mut rng, 6)
            } else {
                let (a, b) = (28 + rng.below(20) as usize, 28 + rng.below(20) as usize);
                let t = format!("{}\n\n{}", paragraph(&mut rng, a), paragraph(&mut rng, b));
                texts.push(t.clone());
                t
            };
            let line = serde_json::json!({"id": id, "text": text, "src": prefix});
            body.push_str(&line.to_string());
            body.push('\n');
            exp.docs.push(id);
        }
        fs::write(dir.join(&name), body).expect("write input");
    }
    exp
}

/// A pipeline config for incremental runs over `inputs` into `out/corpus/`.
pub fn config(dir: &Path, commit_every_files: usize) -> PathBuf {
    let p = dir.join("sched.toml");
    fs::write(
        &p,
        format!(
            r#"[input]
paths = ["in"]

[run]
batch_size = 64

[state]
commit_every_files = {commit_every_files}

[[stage]]
kind = "clean"
min_chars = 120

[[stage]]
kind = "dedupe"

[[stage]]
kind = "export"
path = "out/corpus/"
"#
        ),
    )
    .expect("write config");
    p
}

pub fn sha256(path: &Path) -> String {
    let bytes = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    format!("{:x}", Sha256::digest(&bytes))
}

/// The JSON lines of a zstd-compressed JSONL file.
pub fn read_zst(path: &Path) -> Vec<Value> {
    let raw = fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut text = String::new();
    zstd::stream::read::Decoder::new(&raw[..])
        .expect("zstd")
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{}: a half-written part? {e}", path.display()));
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

/// What a corpus directory holds, read through its manifest.
#[derive(Debug, Default)]
pub struct Corpus {
    pub written: Vec<String>,
    pub dropped: Vec<(String, String)>,
    /// (file name, record) of rejects.
    pub rejects: Vec<(String, String)>,
    pub manifest: Value,
}

/// Reads the corpus through its manifest and checks what must hold after any run or kill:
/// every file the manifest lists exists with its sha256 and record counts, every file in the
/// directory is listed (no orphans or temporary files, when `strict`), and the totals add up.
pub fn read_corpus(out: &Path, strict: bool) -> Corpus {
    let manifest: Value =
        serde_json::from_str(&fs::read_to_string(out.join("manifest.json")).expect("manifest"))
            .expect("manifest is JSON");
    let mut c = Corpus::default();
    let mut listed = vec!["manifest.json".to_string(), "report.json".to_string()];
    let mut totals = (0u64, 0u64, 0u64);
    for part in manifest["parts"].as_array().expect("parts") {
        let name = part["path"].as_str().expect("path");
        let path = out.join(name);
        assert_eq!(sha256(&path), part["sha256"], "{name}: sha256");
        let docs = read_zst(&path);
        assert_eq!(docs.len() as u64, part["documents"], "{name}: documents");
        c.written.extend(
            docs.iter()
                .map(|d| d["id"].as_str().expect("id").to_string()),
        );
        totals.0 += docs.len() as u64;
        listed.push(name.to_string());
        for (key, kind) in [("dropped", 0), ("rejects", 1)] {
            let side = &part[key];
            if side.is_null() {
                continue;
            }
            let sname = side["path"].as_str().expect("side path");
            let spath = out.join(sname);
            assert_eq!(sha256(&spath), side["sha256"], "{sname}: sha256");
            let recs = read_zst(&spath);
            assert_eq!(recs.len() as u64, side["records"], "{sname}: records");
            listed.push(sname.to_string());
            for r in recs {
                if kind == 0 {
                    totals.1 += 1;
                    c.dropped.push((
                        r["id"].as_str().expect("dropped id").to_string(),
                        r["dropped"]["reason"].as_str().expect("reason").to_string(),
                    ));
                } else {
                    totals.2 += 1;
                    let file = r["file"].as_str().expect("file");
                    let file = Path::new(file)
                        .file_name()
                        .map(|f| f.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    c.rejects
                        .push((file, r["record"].as_str().unwrap_or("").to_string()));
                }
            }
        }
    }
    let t = &manifest["totals"];
    assert_eq!(t["documents_written"], totals.0, "totals.documents_written");
    assert_eq!(t["documents_dropped"], totals.1, "totals.documents_dropped");
    assert_eq!(
        t["documents_rejected"], totals.2,
        "totals.documents_rejected"
    );
    if strict {
        for entry in fs::read_dir(out).expect("ls out").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == ".pith" {
                continue;
            }
            assert!(
                listed.contains(&name),
                "{name} is in the output directory but not in the manifest"
            );
        }
    }
    c.manifest = manifest;
    c
}

/// Every expected document has exactly one outcome (written or dropped), every invalid line
/// exactly one reject, and nothing else is there.
pub fn assert_exactly_once(c: &Corpus, exp: &Expected) {
    let mut seen: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for id in &c.written {
        seen.entry(id.as_str()).or_default().push("written");
    }
    for (id, reason) in &c.dropped {
        seen.entry(id.as_str()).or_default().push(reason.as_str());
    }
    for id in &exp.docs {
        match seen.remove(id.as_str()) {
            Some(v) if v.len() == 1 => {}
            Some(v) => panic!("{id} has {} outcomes: {v:?}", v.len()),
            None => panic!("{id} has no outcome"),
        }
    }
    assert!(seen.is_empty(), "outcomes for unknown documents: {seen:?}");
    let mut rejects: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in &c.rejects {
        *rejects.entry(r.clone()).or_default() += 1;
    }
    for (file, line) in &exp.bad_lines {
        let key = (file.clone(), format!("line {line}"));
        match rejects.remove(&key) {
            Some(1) => {}
            Some(n) => panic!("{key:?} rejected {n} times"),
            None => panic!("{key:?} not rejected; rejects: {:?}", c.rejects),
        }
    }
    assert!(rejects.is_empty(), "unexpected rejects: {rejects:?}");
}

fn report(dir: &Path) -> Value {
    serde_json::from_str(&fs::read_to_string(dir.join("out/corpus/report.json")).expect("report"))
        .expect("report JSON")
}

#[test]
fn cron_runs_do_only_new_work_and_dedupe_across_runs() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let cfg = config(dir, 4);
    let mut exp = generate(&dir.join("in"), "day1", 10, 20, 1);
    let o = run_in(dir, &["run", "-c", "sched.toml", "--threads", "2"]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(stdout(&o).starts_with("pith: "), "one summary line");
    let r1 = report(dir);
    assert_eq!(r1["inputs"]["files"], 10);
    let c1 = read_corpus(&dir.join("out/corpus"), true);
    assert_exactly_once(&c1, &exp);
    let runs1 = c1.manifest["runs"].as_u64().expect("runs");

    // Day 2: five new files, one of them holding a copy of a document kept on day 1.
    let day2 = generate(&dir.join("in"), "day2", 5, 20, 2);
    let kept = c1.written.first().expect("something written").clone();
    let copied = fs::read_to_string(dir.join("in/day1-000.jsonl"))
        .expect("read")
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|v| v["id"] == kept.as_str())
        .expect("the kept document's line");
    let mut copy = copied.clone();
    copy["id"] = "day2-copy".into();
    fs::write(dir.join("in/day2-copy.jsonl"), format!("{copy}\n")).expect("write");
    exp.extend(day2);
    exp.docs.push("day2-copy".into());

    let o = run_in(dir, &["run", "-c", "sched.toml", "--threads", "2"]);
    assert!(matches!(code(&o), 0 | 3), "{}", stderr(&o));
    let r2 = report(dir);
    assert_eq!(r2["inputs"]["files"], 6, "only the new files are read");
    assert_eq!(r2["incremental"]["inputs_unchanged"], 10);
    assert_eq!(
        r2["documents"]["read"].as_u64().expect("read") as usize,
        101 - 2
    );
    let c2 = read_corpus(&dir.join("out/corpus"), true);
    assert_exactly_once(&c2, &exp);
    assert!(
        c2.dropped
            .iter()
            .any(|(id, reason)| id == "day2-copy" && reason == "exact_duplicate"),
        "a copy of a day-1 document is dropped on day 2: {:?}",
        c2.dropped
    );
    assert_eq!(c2.manifest["runs"].as_u64(), Some(runs1 + 1));

    // Nothing new: nothing read, nothing written, the manifest unchanged in parts.
    let o = run_in(dir, &["run", "-c", "sched.toml"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(report(dir)["inputs"]["files"], 0);
    let c3 = read_corpus(&dir.join("out/corpus"), true);
    assert_eq!(c3.manifest["parts"], c2.manifest["parts"]);

    // A changed file is read again; --full rebuilds from scratch with one outcome each.
    let changed = dir.join("in/day1-003.jsonl");
    let mut text = fs::read_to_string(&changed).expect("read");
    text.push_str("{\"id\": \"late\", \"text\": \"A late addition with too little text.\"}\n");
    fs::write(&changed, text).expect("write");
    let o = run_in(dir, &["run", "-c", "sched.toml"]);
    assert!(matches!(code(&o), 0 | 3), "{}", stderr(&o));
    assert_eq!(report(dir)["inputs"]["files"], 1);
    exp.docs.push("late".into());
    let o = run_in(dir, &["run", "-c", "sched.toml", "--full"]);
    assert!(matches!(code(&o), 0 | 3), "{}", stderr(&o));
    assert_eq!(report(dir)["inputs"]["files"], 16);
    let c4 = read_corpus(&dir.join("out/corpus"), true);
    assert_exactly_once(&c4, &exp);
    assert_eq!(c4.manifest["runs"], 1, "--full starts a new ledger");
    let _ = cfg;
}

#[test]
fn a_second_run_on_held_state_exits_4_and_a_stale_lock_is_taken_over() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    config(dir, 4);
    let exp = generate(&dir.join("in"), "lk", 3, 15, 5);
    let state = dir.join("out/corpus/.pith");
    fs::create_dir_all(&state).expect("mkdir");
    // Hold the lock the way a running pith does.
    let holder = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(state.join("lock"))
        .expect("lock file");
    holder.lock().expect("lock");
    fs::write(state.join("lock"), "pid 999999\n").expect("pid");
    let o = run_in(dir, &["run", "-c", "sched.toml"]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("another pith run (pid 999999) holds the state"),
        "{}",
        stderr(&o)
    );
    assert!(
        !dir.join("out/corpus/manifest.json").exists(),
        "nothing touched"
    );
    let o = run_in(dir, &["state", "show", "-c", "sched.toml"]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));

    // The holder dies (its lock goes with it); its pid stays in the file.
    drop(holder);
    let o = run_in(dir, &["run", "-c", "sched.toml"]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert!(stderr(&o).contains("taking over"), "{}", stderr(&o));
    assert_exactly_once(&read_corpus(&dir.join("out/corpus"), true), &exp);
}

#[test]
fn an_unwritable_output_fails_with_exit_1_and_a_later_run_recovers() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    config(dir, 2);
    let exp = generate(&dir.join("in"), "ft", 4, 12, 9);
    // `out` is a regular file, so nothing can be created under it (root or not).
    fs::write(dir.join("out"), "not a directory").expect("write");
    let o = run_in(dir, &["run", "-c", "sched.toml"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot create the output directory"),
        "{}",
        stderr(&o)
    );
    fs::remove_file(dir.join("out")).expect("rm");
    let o = run_in(dir, &["run", "-c", "sched.toml"]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert_exactly_once(&read_corpus(&dir.join("out/corpus"), true), &exp);
}

#[test]
fn a_failure_mid_run_keeps_the_committed_parts_and_the_next_run_goes_on() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    config(dir, 1);
    let mut exp = generate(&dir.join("in"), "mid", 3, 15, 11);
    let o = run_in(dir, &["run", "-c", "sched.toml"]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let before = read_corpus(&dir.join("out/corpus"), true);
    // New inputs, and the next part's name is taken by a directory: creating it fails as a
    // full disk would, after the run has started.
    exp.extend(generate(&dir.join("in"), "mid2", 2, 10, 12));
    let run = before.manifest["runs"].as_u64().expect("runs") + 1;
    let blocker = dir.join(format!("out/corpus/part-{run:06}-00001.jsonl.zst.tmp"));
    fs::create_dir_all(blocker.join("x")).expect("mkdir");
    let o = run_in(dir, &["run", "-c", "sched.toml"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("stopped; everything committed"),
        "{}",
        stderr(&o)
    );
    let after = read_corpus(&dir.join("out/corpus"), false);
    assert_eq!(after.manifest["parts"], before.manifest["parts"]);
    fs::remove_dir_all(&blocker).expect("rm");
    let o = run_in(dir, &["run", "-c", "sched.toml"]);
    assert!(matches!(code(&o), 0 | 3), "{}", stderr(&o));
    assert_exactly_once(&read_corpus(&dir.join("out/corpus"), true), &exp);
    let show = run_in(dir, &["state", "show", "-c", "sched.toml"]);
    assert!(stdout(&show).contains("failed"), "{}", stdout(&show));
}

#[test]
fn fail_on_rejects_turns_exit_3_into_1_and_html_inputs_work() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    config(dir, 4);
    fs::create_dir_all(dir.join("in")).expect("mkdir");
    fs::write(dir.join("in/a.html"), news_page("Bridge", &STORY_A)).expect("write");
    fs::write(dir.join("in/b.html"), news_page("Turtle", &STORY_B)).expect("write");
    fs::write(dir.join("in/c.jsonl"), "not json\n").expect("write");
    let o = run_in(dir, &["run", "-c", "sched.toml", "--fail-on-rejects"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("--fail-on-rejects"), "{}", stderr(&o));
    let c = read_corpus(&dir.join("out/corpus"), true);
    assert_eq!(c.written.len(), 2, "{c:?}");
    assert_eq!(c.rejects.len(), 1);
    // Forgetting an input makes the next run read it again.
    let o = run_in(dir, &["state", "forget", "-c", "sched.toml", "in/c.jsonl"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("forgot 1 input"), "{}", stdout(&o));
    let o = run_in(dir, &["run", "-c", "sched.toml", "--log-format", "json"]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert_eq!(report(dir)["inputs"]["files"], 1);
    let summary: Value = serde_json::from_str(stdout(&o).trim()).expect("JSON summary");
    assert_eq!(summary["rejected"], 1);
    let o = run_in(dir, &["state", "gc", "-c", "sched.toml"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

/// Unmounts a test mount, even when the test fails.
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_fails_with_exit_1_and_a_later_run_recovers() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    let disk = dir.join("disk");
    fs::create_dir_all(&disk).expect("mkdir");
    // A real full disk needs a small file system: a 64 KiB tmpfs (root with mount rights, as
    // in CI). Elsewhere the unwritable-output tests above cover the error path.
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&disk)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("a_full_disk...: cannot mount a tmpfs here; not run");
        return;
    }
    let _mount = Mount(disk.clone());
    config(dir, 2);
    let cfg = fs::read_to_string(dir.join("sched.toml")).expect("config");
    let out = disk.join("corpus/");
    let cfg = cfg
        .replace(
            "path = \"out/corpus/\"",
            &format!("path = {:?}", out.display().to_string() + "/"),
        )
        .replace(
            "[state]",
            &format!(
                "[state]\ndir = {:?}",
                dir.join("state").display().to_string()
            ),
        );
    fs::write(dir.join("sched.toml"), cfg).expect("config");
    let exp = generate(&dir.join("in"), "full", 24, 40, 21);
    let o = run_in(dir, &["run", "-c", "sched.toml", "--threads", "2"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("No space left on device"),
        "{}",
        stderr(&o)
    );
    let partial = read_corpus(&out, false);
    assert!(partial.written.len() < exp.docs.len());
    // Room again: the next run goes on from the last commit point.
    let remount = std::process::Command::new("mount")
        .args(["-o", "remount,size=64m"])
        .arg(&disk)
        .status()
        .expect("remount");
    assert!(remount.success());
    let o = run_in(dir, &["run", "-c", "sched.toml", "--threads", "2"]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    assert_exactly_once(&read_corpus(&out, true), &exp);
}

#[test]
fn inputs_that_change_or_vanish_during_a_run_are_reported_and_handled() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    config(dir, 2);
    generate(&dir.join("in"), "cv", 60, 25, 31);
    let out = dir.join("out/corpus");
    let child = crate::common::pith()
        .current_dir(dir)
        .args(["run", "-c", "sched.toml", "--threads", "2"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("pith starts");
    // The first part being written means the inputs were listed and reading has begun; the
    // reader runs at most a batch ahead, so the last files are still unread.
    let started = std::time::Instant::now();
    while !fs::read_dir(&out).is_ok_and(|d| {
        d.flatten().any(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("part-") && name.ends_with(".tmp")
        })
    }) {
        assert!(started.elapsed().as_secs() < 60, "no part started");
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let changed = dir.join("in/cv-059.jsonl");
    let mut text = fs::read_to_string(&changed).expect("read");
    text.push_str("{\"id\": \"cv-late\", \"text\": \"Added while the run was going.\"}\n");
    fs::write(&changed, text).expect("change");
    fs::remove_file(dir.join("in/cv-058.jsonl")).expect("remove");
    let o = child.wait_with_output().expect("pith ends");
    let err = stderr(&o);
    assert_eq!(code(&o), 3, "{err}");
    assert!(
        err.contains("cv-059.jsonl changed while it was read"),
        "{err}"
    );
    assert!(
        err.contains("cv-058.jsonl vanished during the run"),
        "{err}"
    );
    let r = report(dir);
    assert!(r["incremental"]["inputs_changed"][0]
        .as_str()
        .is_some_and(|p| p.ends_with("cv-059.jsonl")));
    assert!(r["incremental"]["inputs_vanished"][0]
        .as_str()
        .is_some_and(|p| p.ends_with("cv-058.jsonl")));
    assert!(r["rejected"]["unreadable_file"].as_u64() == Some(1), "{r}");
    // The next run reads the changed file again (not the vanished one): what the first run
    // already wrote of it is dropped as exact duplicates.
    let first: Vec<String> = read_corpus(&out, true)
        .written
        .into_iter()
        .filter(|id| id.starts_with("cv-059-"))
        .collect();
    assert!(!first.is_empty());
    let o = run_in(dir, &["run", "-c", "sched.toml"]);
    assert!(matches!(code(&o), 0 | 3), "{}", stderr(&o));
    let r = report(dir);
    assert_eq!(r["inputs"]["files"], 1, "{r}");
    let c = read_corpus(&out, true);
    for id in &first {
        assert!(
            c.dropped
                .iter()
                .any(|(d, reason)| d == id && reason == "exact_duplicate"),
            "{id} read again is an exact duplicate"
        );
        assert_eq!(c.written.iter().filter(|w| *w == id).count(), 1);
    }
}

#[test]
fn check_validates_the_shape_of_an_incremental_config() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    config(dir, 4);
    let o = run_in(dir, &["check", "-c", "sched.toml"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let cfg = fs::read_to_string(dir.join("sched.toml")).expect("config");
    fs::write(
        dir.join("sched.toml"),
        cfg.replace("out/corpus/", "out/corpus.jsonl"),
    )
    .expect("write");
    let o = run_in(dir, &["check", "-c", "sched.toml"]);
    assert_eq!(code(&o), 1);
    let err = stderr(&o);
    assert!(
        err.contains("sched.toml:") && err.contains("write parts into a directory"),
        "{err}"
    );
}
