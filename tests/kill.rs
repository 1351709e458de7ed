//! Crash safety: `kill -9` at random instants of incremental runs over a few thousand
//! generated documents, a resume after each, and the invariant checked after every kill and
//! after the final run: every input document has exactly one outcome (written, or dropped or
//! rejected with a reason), no part is half-written, and the state matches the outputs.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{code, pith, run_in, stderr};
use crate::incremental::{assert_exactly_once, config, generate, read_corpus, Corpus, Rng};

/// After a kill the manifest may lag the database by one commit (the next start rewrites it),
/// but what it lists must be whole and no document may have two outcomes.
fn assert_consistent_so_far(out: &Path) -> Option<Corpus> {
    if !out.join("manifest.json").exists() {
        return None;
    }
    let c = read_corpus(out, false);
    let mut seen = HashSet::new();
    for id in c.written.iter().chain(c.dropped.iter().map(|(id, _)| id)) {
        assert!(
            seen.insert(id.clone()),
            "{id} has two outcomes after a kill"
        );
    }
    Some(c)
}

#[test]
fn kill_9_at_random_points_then_resume_gives_every_document_one_outcome() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path();
    config(dir, 2);
    let mut exp = generate(&dir.join("in"), "k00", 120, 25, 42);
    let out = dir.join("out/corpus");
    let mut rng = Rng(0x5eed);
    let started = Instant::now();
    let (mut kills, mut finished, mut rounds) = (0, 0, 0);
    // Parts committed as seen after each kill: kills must land at many points of the run.
    let mut progress = HashSet::new();
    // Kills land at random instants up to `window` ms after the start; a slow (loaded) machine
    // that spends the window starting up gets a longer one, so kills keep moving the run on.
    let (mut window, mut last_parts) = (380u64, None);
    // For the message if the loop is too slow: how the runs that finished before their kill
    // exited (an early error in every run would be a recovery bug), the slowest step (a stall
    // in I/O), and the last run's stderr.
    let mut exits: BTreeMap<String, usize> = BTreeMap::new();
    let mut slowest = (Duration::ZERO, "");
    let stderr_log = dir.join("last-run.stderr");
    while kills < 50 {
        let step = Instant::now();
        let mut child = pith()
            .current_dir(dir)
            .args(["run", "-c", "sched.toml", "--threads", "2", "--quiet"])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&stderr_log).expect("stderr log"))
            .spawn()
            .expect("pith starts");
        std::thread::sleep(Duration::from_millis(20 + rng.below(window)));
        let what;
        if let Some(status) = child.try_wait().expect("wait") {
            // The run finished before the kill: the input grows, as under cron.
            *exits.entry(format!("{status}")).or_default() += 1;
            what = "a run that finished";
            finished += 1;
            rounds += 1;
            exp.extend(generate(
                &dir.join("in"),
                &format!("k{rounds:02}"),
                30,
                25,
                1000 + rounds,
            ));
        } else {
            child.kill().expect("kill -9");
            child.wait().expect("reap");
            what = "a killed run";
            kills += 1;
        }
        let parts = assert_consistent_so_far(&out)
            .map(|c| c.manifest["totals"]["parts"].as_u64().unwrap_or(0));
        if parts == last_parts {
            window = (window + 100).min(3000);
        }
        last_parts = parts;
        progress.extend(parts);
        let took = step.elapsed();
        if took > slowest.0 {
            slowest = (took, what);
        }
        assert!(
            started.elapsed() < Duration::from_secs(240),
            "too slow: {kills} kills, {finished} runs finished before their kill, exiting as \
             {exits:?}; kill window {window} ms; slowest step {:.1}s ({}); last run's stderr:\n{}",
            slowest.0.as_secs_f64(),
            slowest.1,
            std::fs::read_to_string(&stderr_log).unwrap_or_default()
        );
    }
    let o = run_in(dir, &["run", "-c", "sched.toml", "--threads", "2"]);
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let c = read_corpus(&out, true);
    assert_exactly_once(&c, &exp);
    assert!(
        progress.len() >= 8,
        "kills landed at too few distinct points: {progress:?}"
    );
    assert!(exp.docs.len() >= 2900, "a few thousand documents");
    eprintln!(
        "kill test: {kills} kills at {} distinct commit points, {finished} runs finished \
         between kills, {} documents, {} parts, {:.1}s",
        progress.len(),
        exp.docs.len(),
        c.manifest["totals"]["parts"],
        started.elapsed().as_secs_f64()
    );

    // The same input in one uninterrupted run gives the same corpus: kills change nothing.
    let o = run_in(
        dir,
        &["run", "-c", "sched.toml", "--threads", "2", "--full"],
    );
    assert_eq!(code(&o), 3, "{}", stderr(&o));
    let clean = read_corpus(&out, true);
    let mut a = c.written.clone();
    let mut b = clean.written.clone();
    a.sort();
    b.sort();
    assert_eq!(a, b, "documents written with kills and without");
}
