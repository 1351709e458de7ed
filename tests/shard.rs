//! Sharded runs (issue 8): the passes of a sharded run give exactly the documents, texts and
//! dedupe decisions of one run over the same input, whichever way the task index arrives.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::common::{code, pith, run_in, stderr};

const WORDS: [&str; 40] = [
    "harbour", "council", "bridge", "winter", "market", "school", "orchard", "railway", "festival",
    "library", "storm", "harvest", "museum", "ferry", "garden", "tower", "village", "quarry",
    "meadow", "lantern", "forest", "island", "river", "mill", "mayor", "budget", "vote", "plan",
    "road", "tram", "station", "clinic", "nurse", "doctor", "farmer", "season", "rain", "drought",
    "price", "energy",
];

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn paragraph(&mut self) -> String {
        (0..3)
            .map(|_| {
                let n = 8 + self.below(10);
                let mut s: Vec<&str> = (0..n).map(|_| WORDS[self.below(WORDS.len())]).collect();
                let first = s[0].to_uppercase();
                s[0] = &first;
                format!("{}.", s.join(" "))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Writes documents with exact, near and partial copies over a large JSONL file (split into
/// byte ranges), a gzipped JSONL file and HTML pages.
fn generate(dir: &Path, docs: usize) {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    let mut originals: Vec<Vec<String>> = Vec::new();
    let mut big = String::new();
    let mut small = String::new();
    std::fs::create_dir_all(dir.join("data/pages")).unwrap();
    for k in 0..docs {
        let r = rng.below(100);
        let paras: Vec<String> = if !originals.is_empty() && r < 15 {
            originals[rng.below(originals.len())].clone()
        } else if !originals.is_empty() && r < 30 {
            let mut p = originals[rng.below(originals.len())].clone();
            let i = rng.below(p.len());
            p[i] = format!("{} {}", WORDS[rng.below(WORDS.len())], p[i]);
            p
        } else if !originals.is_empty() && r < 36 {
            originals[rng.below(originals.len())][..2].to_vec()
        } else {
            let p: Vec<String> = (0..4 + rng.below(4)).map(|_| rng.paragraph()).collect();
            originals.push(p.clone());
            p
        };
        let id = format!("doc-{k:04}");
        if k % 10 == 9 {
            let body: String = paras.iter().map(|p| format!("<p>{p}</p>\n")).collect();
            std::fs::write(
                dir.join(format!("data/pages/{id}.html")),
                format!(
                    "<html><body><nav>Home | News</nav><article>{body}</article></body></html>"
                ),
            )
            .unwrap();
            continue;
        }
        let line = serde_json::json!({
            "id": id,
            "url": format!("https://site{}.example/{k}", k % 5),
            "text": paras.join("\n\n"),
        })
        .to_string();
        let target = if k % 4 == 3 { &mut small } else { &mut big };
        target.push_str(&line);
        target.push('\n');
    }
    std::fs::write(dir.join("data/big.jsonl"), big).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, small.as_bytes()).unwrap();
    std::fs::write(dir.join("data/more.jsonl.gz"), gz.finish().unwrap()).unwrap();
}

fn config(dir: &Path, dedupe: bool) {
    let dedupe = if dedupe {
        "[[stage]]\nkind = \"dedupe\"\n"
    } else {
        ""
    };
    std::fs::write(
        dir.join("pipeline.toml"),
        format!(
            "[input]\npaths = [\"data\"]\n[run]\nsplit_bytes = 20000\n\
             [[stage]]\nkind = \"clean\"\nmin_chars = 50\n{dedupe}\
             [[stage]]\nkind = \"segment\"\n[[stage]]\nkind = \"export\"\npath = \"out/corpus.jsonl\"\n"
        ),
    )
    .unwrap();
}

/// id -> (text, dedupe decision, sentence count) of every document in the files.
fn corpus(files: &[std::path::PathBuf]) -> BTreeMap<String, (String, Value, usize)> {
    let mut out = BTreeMap::new();
    for f in files {
        for line in std::fs::read_to_string(f).unwrap().lines() {
            let d: Value = serde_json::from_str(line).unwrap();
            let id = d["id"].as_str().unwrap().to_string();
            let sentences = d["sentences"].as_array().map_or(0, Vec::len);
            let entry = (
                d["text"].as_str().unwrap().to_string(),
                d["dedupe"].clone(),
                sentences,
            );
            assert!(out.insert(id.clone(), entry).is_none(), "{id} twice");
        }
    }
    out
}

fn parts(dir: &Path, count: usize) -> Vec<std::path::PathBuf> {
    (0..count)
        .map(|i| dir.join(format!("out/corpus.part-{i:05}-of-{count:05}.jsonl")))
        .collect()
}

fn ok(dir: &Path, args: &[&str], env: &[(&str, &str)]) {
    let mut c = pith();
    c.current_dir(dir).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    let o = c.output().expect("pith runs");
    assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
}

#[test]
fn sharded_passes_give_exactly_the_documents_of_a_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    generate(dir, 360);
    config(dir, true);
    ok(dir, &["run", "-q", "-o", "single/corpus.jsonl"], &[]);
    let single = corpus(&[dir.join("single/corpus.jsonl")]);
    assert!(single.len() > 150, "{}", single.len());
    let dups = std::fs::read_to_string(dir.join("single/corpus.jsonl.dropped.jsonl")).unwrap();
    assert!(
        dups.lines().count() > 60,
        "the sample has duplicates to find"
    );

    // The index by flag, by Slurm's array variables and by a Kubernetes Indexed Job's.
    const SIGN_TASK_0: &[&str] = &[
        "run",
        "-q",
        "--pass",
        "sign",
        "--shard-index",
        "0",
        "--shard-count",
        "3",
    ];
    ok(dir, SIGN_TASK_0, &[]);
    ok(
        dir,
        &["run", "-q", "--pass", "sign", "--shard-count", "3"],
        &[("SLURM_ARRAY_TASK_ID", "2"), ("SLURM_ARRAY_TASK_MIN", "1")],
    );
    ok(
        dir,
        &["run", "-q", "--pass", "sign"],
        &[("JOB_COMPLETION_INDEX", "2"), ("PITH_SHARD_COUNT", "3")],
    );
    // A retried task redoes exactly its own work.
    let sig = dir.join("out/.pith-shards/sign/part-00000-of-00003.sig");
    let first = std::fs::read(&sig).unwrap();
    ok(dir, SIGN_TASK_0, &[]);
    assert_eq!(std::fs::read(&sig).unwrap(), first);

    let early = run_in(
        dir,
        &[
            "run",
            "--pass",
            "write",
            "--shard-index",
            "1",
            "--shard-count",
            "3",
        ],
    );
    assert_eq!(code(&early), 1);
    assert!(
        stderr(&early).contains("--pass cluster"),
        "{}",
        stderr(&early)
    );

    ok(
        dir,
        &["run", "--pass", "cluster", "--shard-count", "3"],
        &[],
    );
    for i in 0..3 {
        let i = i.to_string();
        ok(
            dir,
            &[
                "run",
                "-q",
                "--pass",
                "write",
                "--shard-index",
                &i,
                "--shard-count",
                "3",
            ],
            &[],
        );
    }
    let sharded = corpus(&parts(dir, 3));
    assert_eq!(sharded.len(), single.len());
    for (id, doc) in &single {
        assert_eq!(sharded.get(id), Some(doc), "{id}");
    }
    // Every task got work, and the big file was read in ranges by several of them.
    for p in parts(dir, 3) {
        assert!(
            !std::fs::read_to_string(&p).unwrap().is_empty(),
            "{}",
            p.display()
        );
    }
}

#[test]
fn one_pass_pipelines_and_misuse_of_passes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    generate(dir, 120);
    config(dir, false);
    ok(dir, &["run", "-q", "-o", "single/corpus.jsonl"], &[]);
    for i in ["0", "1"] {
        ok(
            dir,
            &["run", "-q", "--shard-index", i, "--shard-count", "2"],
            &[],
        );
    }
    assert_eq!(
        corpus(&parts(dir, 2)),
        corpus(&[dir.join("single/corpus.jsonl")])
    );
    let o = run_in(
        dir,
        &[
            "run",
            "--pass",
            "sign",
            "--shard-index",
            "0",
            "--shard-count",
            "2",
        ],
    );
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("--pass all"), "{}", stderr(&o));

    config(dir, true);
    let o = run_in(dir, &["run", "--shard-index", "0", "--shard-count", "2"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("--pass sign"), "{}", stderr(&o));
    let o = run_in(dir, &["run", "--shard-index", "2", "--shard-count", "2"]);
    assert_eq!(code(&o), 1);
    assert!(
        stderr(&o).contains("not below the shard count"),
        "{}",
        stderr(&o)
    );
    let o = run_in(dir, &["run", "--pass", "cluster", "--shard-count", "2"]);
    assert_eq!(code(&o), 1);
    assert!(stderr(&o).contains("sign pass"), "{}", stderr(&o));
}

#[test]
fn pith_slurm_writes_three_chained_array_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    generate(dir, 10);
    config(dir, true);
    let o = run_in(
        dir,
        &["slurm", "--tasks", "3", "--sbatch-option=--partition=cpu"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(out.contains("--dependency=afterok:$SIGN"), "{out}");
    assert!(out.contains("--dependency=afterok:$CLUSTER"), "{out}");
    let scripts = dir.join("out/.pith-shards/slurm");
    let sign = std::fs::read_to_string(scripts.join("sign.sbatch")).unwrap();
    assert!(sign.contains("#SBATCH --array=0-2"), "{sign}");
    assert!(sign.contains("#SBATCH --partition=cpu"), "{sign}");
    assert!(sign.contains("--pass sign"), "{sign}");
    let cluster = std::fs::read_to_string(scripts.join("cluster.sbatch")).unwrap();
    assert!(!cluster.contains("--array"), "{cluster}");
    assert!(cluster.contains("--pass cluster"), "{cluster}");
    let write = std::fs::read_to_string(scripts.join("write.sbatch")).unwrap();
    assert!(write.contains("--pass write"), "{write}");
    // The scripts are valid bash.
    for s in ["sign", "cluster", "write"] {
        let st = std::process::Command::new("bash")
            .arg("-n")
            .arg(scripts.join(format!("{s}.sbatch")))
            .status()
            .unwrap();
        assert!(st.success(), "{s}.sbatch");
    }
}
