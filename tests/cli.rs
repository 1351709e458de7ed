//! The command-line contract: exit codes, `check`, logging modes.

use crate::common::*;

const MINIMAL: &str = "[input]\npaths = [\"in\"]\n\n[[stage]]\nkind = \"clean\"\n\n[[stage]]\nkind = \"export\"\npath = \"out/c.jsonl\"\n";

fn setup(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("in")).expect("mkdir");
    std::fs::write(dir.path().join("in/a.html"), news_page("Bridge", &STORY_A)).expect("write");
    std::fs::write(dir.path().join("pipeline.toml"), config).expect("write");
    dir
}

#[test]
fn check_accepts_the_shipped_pipeline() {
    let out = run_in(&repo(), &["check"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("ok"));
}

#[test]
fn check_names_file_line_and_key() {
    let dir = setup(&MINIMAL.replace(
        "kind = \"clean\"",
        "kind = \"clean\"\nmin_chars = 10\nmin_chrs = 5",
    ));
    let out = run_in(dir.path(), &["check"]);
    assert_eq!(code(&out), 1);
    let err = stderr(&out);
    assert!(err.contains("pipeline.toml:7: key `min_chrs`"), "{err}");

    let dir = setup(&MINIMAL.replace(
        "kind = \"clean\"",
        "kind = \"clean\"\ntext_format = \"html\"",
    ));
    let out = run_in(dir.path(), &["check"]);
    assert!(
        stderr(&out).contains("pipeline.toml:6: key `text_format`"),
        "{}",
        stderr(&out)
    );

    let dir = setup(&MINIMAL.replace("[input]", "[inputs]"));
    let out = run_in(dir.path(), &["check"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("pipeline.toml:1:"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_config_fails_before_reading_data() {
    let dir = setup(&MINIMAL.replace("kind = \"clean\"", "kind = \"clean\"\nmin_chars = -4"));
    let out = run_in(dir.path(), &["run"]);
    assert_eq!(code(&out), 1);
    assert!(
        stderr(&out).contains("pipeline.toml:6: key `min_chars`"),
        "{}",
        stderr(&out)
    );
    assert!(
        !dir.path().join("out").exists(),
        "nothing is written for a bad config"
    );
}

#[test]
fn usage_errors_exit_2() {
    let out = run_in(&repo(), &["run", "--no-such-flag"]);
    assert_eq!(code(&out), 2);
    let out = run_in(&repo(), &["frobnicate"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn unwritable_output_exits_1() {
    let dir = setup(MINIMAL);
    std::fs::write(dir.path().join("blocker"), "a file, not a directory").expect("write");
    let out = run_in(dir.path(), &["run", "--output", "blocker/c.jsonl"]);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("blocker"), "{}", stderr(&out));
}

#[test]
fn rejects_exit_3_and_json_logs() {
    let dir = setup(MINIMAL);
    std::fs::write(
        dir.path().join("in/bad.jsonl"),
        "{\"id\": 1, \"text\": \"ok text\"}\n{broken\n",
    )
    .expect("write");
    let out = run_in(dir.path(), &["run", "--log-format", "json"]);
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let reject_line = stderr(&out)
        .lines()
        .find(|l| l.contains("\"reject\""))
        .map(str::to_string)
        .expect("a JSON reject line");
    let v: serde_json::Value = serde_json::from_str(&reject_line).expect("json");
    assert_eq!(v["reason"], "invalid_json");
    assert_eq!(v["record"], "line 2");
    let summary: serde_json::Value =
        serde_json::from_str(stdout(&out).trim()).expect("json summary");
    assert_eq!(summary["exit_code"], 3);
}

#[test]
fn quiet_prints_no_summary() {
    let dir = setup(MINIMAL);
    let out = run_in(dir.path(), &["run", "--quiet"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).is_empty());
}

#[test]
fn threads_flag_gives_the_same_output() {
    let dir = setup(MINIMAL);
    for i in 0..6 {
        std::fs::write(
            dir.path().join(format!("in/p{i}.html")),
            news_page(&format!("Story {i}"), &STORY_B),
        )
        .expect("write");
    }
    let one = run_in(
        dir.path(),
        &["run", "--threads", "1", "--output", "one.jsonl"],
    );
    let two = run_in(
        dir.path(),
        &["run", "--threads", "2", "--output", "two.jsonl"],
    );
    assert_eq!(code(&one), 0);
    assert_eq!(code(&two), 0);
    assert_eq!(
        std::fs::read(dir.path().join("one.jsonl")).expect("one"),
        std::fs::read(dir.path().join("two.jsonl")).expect("two")
    );
}

#[test]
fn format_flag_forces_the_input_format() {
    let dir = tempfile::tempdir().expect("tempdir");
    let markup = format!("<p>{}</p>\n<p>{}</p>\n", STORY_B[0], STORY_B[1]);
    std::fs::write(dir.path().join("page.data"), &markup).expect("write");
    let as_html = run_in(dir.path(), &["clean", "page.data", "--format", "html"]);
    assert_eq!(code(&as_html), 0, "{}", stderr(&as_html));
    assert!(!stdout(&as_html).contains("<p>"));
    let as_text = run_in(
        dir.path(),
        &["clean", "page.data", "--format", "text", "--min-chars", "0"],
    );
    assert_eq!(code(&as_text), 0, "{}", stderr(&as_text));
    let doc: serde_json::Value = serde_json::from_str(stdout(&as_text).trim()).expect("json");
    assert_eq!(doc["meta"]["format"], "text");
}

#[test]
fn progress_bar_on_a_terminal_does_not_break_the_run() {
    // `script` gives pith a pseudo-terminal; skip where it is not installed.
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        return;
    }
    let dir = setup(MINIMAL);
    let cmd = format!("{} run", env!("CARGO_BIN_EXE_pith"));
    let out = std::process::Command::new("script")
        .current_dir(dir.path())
        .args(["-qec", &cmd, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .output()
        .expect("script runs");
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(dir.path().join("out/c.jsonl").exists());
}

#[test]
fn eval_scores_like_the_reference_scorer() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("gold.jsonl"),
        "{\"id\":\"a\",\"text\":\"the cat sat on the mat\"}\n{\"id\":\"b\",\"text\":\"x y\"}\n{\"id\":\"c\",\"text\":\"\"}\n",
    )
    .expect("write");
    // a: 4 of 5 predicted tokens right, 4 of 6 gold found; b: missing; c: both empty.
    std::fs::write(
        dir.path().join("pred.jsonl"),
        "{\"id\":\"a\",\"text\":\"the cat sat, the dog\"}\n{\"id\":\"c\",\"text\":\"\"}\n",
    )
    .expect("write");
    let out = run_in(
        dir.path(),
        &[
            "eval",
            "--gold",
            "gold.jsonl",
            "--pred",
            "pred.jsonl",
            "--json",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(stdout(&out).trim()).expect("json");
    let f1_a = 2.0 * 0.8 * (4.0 / 6.0) / (0.8 + 4.0 / 6.0);
    let mean = (f1_a + 0.0 + 1.0) / 3.0;
    assert!(
        (v["mean_f1"].as_f64().expect("f1") - mean).abs() < 1e-9,
        "{v}"
    );
    assert_eq!(v["n_missing_pred"], 1);

    let gate = |min: &str| {
        code(&run_in(
            dir.path(),
            &[
                "eval",
                "--gold",
                "gold.jsonl",
                "--pred",
                "pred.jsonl",
                "--min-f1",
                min,
            ],
        ))
    };
    assert_eq!(gate("0.5"), 0);
    assert_eq!(gate("0.6"), 1);
}

#[test]
fn readme_config_reference_is_valid() {
    let readme = std::fs::read_to_string(repo().join("README.md")).expect("README");
    let start = readme
        .find("```toml\n[input]")
        .expect("the reference block")
        + "```toml\n".len();
    let block = &readme[start..];
    let block = &block[..block.find("```").expect("block end")];
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("pipeline.toml"), block).expect("write");
    let out = run_in(dir.path(), &["check"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

/// Bug: `pith eval ... | head` panicked on the closed pipe, and an empty gold set panicked on
/// its median.
#[test]
fn eval_into_a_closed_pipe_or_on_an_empty_gold_set_does_not_panic() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut gold = String::new();
    for i in 0..5000 {
        gold.push_str(&format!("{{\"id\":\"d{i}\",\"text\":\"a b c {i}\"}}\n"));
    }
    std::fs::write(dir.path().join("gold.jsonl"), &gold).expect("write");
    std::fs::write(dir.path().join("pred.jsonl"), &gold).expect("write");
    let out = run_with_closed_stdout(
        dir.path(),
        &[
            "eval",
            "--gold",
            "gold.jsonl",
            "--pred",
            "pred.jsonl",
            "--per-doc",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));

    std::fs::write(dir.path().join("empty.jsonl"), "").expect("write");
    let out = run_in(
        dir.path(),
        &["eval", "--gold", "empty.jsonl", "--pred", "pred.jsonl"],
    );
    assert!(!stderr(&out).contains("panicked"), "{}", stderr(&out));
}

/// Bug: `pith clean data | head` failed with "cannot write -: Broken pipe" and exit 1.
#[test]
fn a_stage_command_piped_into_a_reader_that_stops_early_exits_quietly() {
    let out = run_with_closed_stdout(&repo(), &["clean", "data", "--quiet"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
}
