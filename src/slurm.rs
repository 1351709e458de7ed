//! `pith slurm`: the sbatch scripts of a sharded run, one per pass, chained by dependencies
//! (`afterok`, which for an array job waits for every task). With `--submit` they are
//! submitted in order; with `--wait` the command returns when the last job ends.
//!
//! Exit code 3 (some records rejected, the run otherwise complete) is mapped to 0 inside the
//! scripts, so a reject does not cancel the passes after it; rejects are in the side files.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::config::{PipelineConfig, StageConfig};
use crate::{pipeline, shard};

/// `pith slurm` options.
pub struct Options {
    pub tasks: usize,
    pub dir: Option<PathBuf>,
    pub work_dir: Option<PathBuf>,
    pub sbatch_options: Vec<String>,
    pub cpus_per_task: usize,
    pub submit: bool,
    pub wait: bool,
}

/// One job: its script name, whether it is an array, and the pass it runs.
struct Job {
    name: &'static str,
    array: bool,
    pass: &'static str,
}

fn absolute(p: &Path) -> Result<PathBuf> {
    if p.is_absolute() {
        Ok(p.to_path_buf())
    } else {
        Ok(std::env::current_dir()
            .context("cannot read the current directory")?
            .join(p))
    }
}

/// Quotes a word for bash (single quotes; a single quote inside becomes '\'').
fn sh(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

pub fn cmd_slurm(config: &Path, opts: &Options) -> Result<u8> {
    if opts.tasks == 0 {
        bail!("--tasks must be at least 1");
    }
    if opts.wait && !opts.submit {
        bail!("--wait applies with --submit");
    }
    if opts.cpus_per_task == 0 {
        bail!("--cpus-per-task must be at least 1");
    }
    let cfg = PipelineConfig::load(config)?;
    pipeline::build(&cfg)?;
    let dedupes = cfg
        .stages
        .iter()
        .filter(|s| matches!(s.config, StageConfig::Dedupe(_)))
        .count();
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let config_abs = absolute(config)?;
    let work = absolute(
        &opts
            .work_dir
            .clone()
            .or_else(|| cfg.run.work_dir.clone())
            .unwrap_or_else(|| shard::default_work_dir(&cfg)),
    )?;
    let dir = absolute(&opts.dir.clone().unwrap_or_else(|| work.join("slurm")))?;
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).with_context(|| format!("cannot create {}", logs.display()))?;
    let pith = std::env::current_exe().context("cannot find the pith binary")?;

    let jobs: Vec<Job> = if dedupes == 0 || opts.tasks == 1 {
        vec![Job {
            name: "run",
            array: opts.tasks > 1,
            pass: "all",
        }]
    } else {
        vec![
            Job {
                name: "sign",
                array: true,
                pass: "sign",
            },
            Job {
                name: "cluster",
                array: false,
                pass: "cluster",
            },
            Job {
                name: "write",
                array: true,
                pass: "write",
            },
        ]
    };

    let mut scripts = Vec::new();
    for job in &jobs {
        let mut s = String::from("#!/bin/bash\n");
        s += &format!("#SBATCH --job-name=pith-{}\n", job.name);
        if job.array {
            s += &format!("#SBATCH --array=0-{}\n", opts.tasks - 1);
            s += &format!(
                "#SBATCH --output={}\n",
                logs.join(format!("{}-%A_%a.out", job.name)).display()
            );
        } else {
            s += &format!(
                "#SBATCH --output={}\n",
                logs.join(format!("{}-%j.out", job.name)).display()
            );
        }
        s += &format!("#SBATCH --cpus-per-task={}\n", opts.cpus_per_task);
        s += &format!("#SBATCH --chdir={}\n", cwd.display());
        for o in &opts.sbatch_options {
            s += &format!("#SBATCH {o}\n");
        }
        s += "set -uo pipefail\n";
        if !job.array {
            // The task index comes from SLURM_ARRAY_TASK_ID in array jobs; the cluster pass is
            // one task and needs only the count.
            s += "unset SLURM_ARRAY_TASK_ID SLURM_ARRAY_TASK_MIN SLURM_ARRAY_TASK_COUNT\n";
        }
        let mut cmd = vec![
            sh(&pith.display().to_string()),
            "run".into(),
            "--config".into(),
            sh(&config_abs.display().to_string()),
            "--shard-count".into(),
            opts.tasks.to_string(),
            "--pass".into(),
            job.pass.into(),
            "--work-dir".into(),
            sh(&work.display().to_string()),
            "--threads".into(),
            opts.cpus_per_task.to_string(),
            "--log-format".into(),
            "json".into(),
            "--quiet".into(),
        ];
        if !job.array {
            cmd.extend(["--shard-index".to_string(), "0".to_string()]);
        }
        s += &cmd.join(" ");
        s += "\ncode=$?\n# 3: some records were rejected (see the rejects file); the run is complete.\n";
        s += "if [ \"$code\" -eq 3 ]; then exit 0; fi\nexit \"$code\"\n";
        let path = dir.join(format!("{}.sbatch", job.name));
        std::fs::write(&path, s).with_context(|| format!("cannot write {}", path.display()))?;
        scripts.push(path);
    }

    if !opts.submit {
        println!("# job scripts in {}; submit them in order:", dir.display());
        let mut prev: Option<String> = None;
        for (job, path) in jobs.iter().zip(&scripts) {
            let var = job.name.to_uppercase();
            match &prev {
                None => println!("{var}=$(sbatch --parsable {})", path.display()),
                Some(p) => println!(
                    "{var}=$(sbatch --parsable --dependency=afterok:${p} {})",
                    path.display()
                ),
            }
            prev = Some(var);
        }
        println!(
            "# or: pith slurm --config {} --tasks {} --submit",
            config.display(),
            opts.tasks
        );
        return Ok(0);
    }

    let mut prev: Option<String> = None;
    let mut ids: Vec<String> = Vec::new();
    let last = scripts.len() - 1;
    for (i, path) in scripts.iter().enumerate() {
        let mut cmd = Command::new("sbatch");
        cmd.arg("--parsable");
        if let Some(p) = &prev {
            cmd.arg(format!("--dependency=afterok:{p}"));
            // A failed pass leaves the jobs after it pending forever otherwise.
            cmd.arg("--kill-on-invalid-dep=yes");
        }
        if opts.wait && i == last {
            cmd.arg("--wait");
        }
        cmd.arg(path);
        let out = cmd
            .output()
            .context("cannot run sbatch (is Slurm installed and on PATH?)")?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let waited = opts.wait && i == last;
        if !(out.status.success() || waited) {
            bail!(
                "sbatch {} failed: {}",
                path.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
        let id = stdout
            .lines()
            .next()
            .unwrap_or_default()
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_string();
        println!("submitted {} as job {id}", path.display());
        if id.is_empty() {
            bail!("sbatch printed no job id for {}", path.display());
        }
        ids.push(id.clone());
        if waited {
            // sbatch --wait's own status does not tell a job cancelled for a failed
            // dependency from a finished one: ask for every task's state.
            let mut failed = Vec::new();
            for id in &ids {
                let show = Command::new("scontrol")
                    .args(["show", "job", id])
                    .output()
                    .context("cannot run scontrol")?;
                let text = String::from_utf8_lossy(&show.stdout);
                let states: Vec<&str> = text
                    .split_whitespace()
                    .filter_map(|w| w.strip_prefix("JobState="))
                    .collect();
                if states.is_empty() || states.iter().any(|s| *s != "COMPLETED") {
                    failed.push(format!("job {id}: {}", states.join(",")));
                }
            }
            if !failed.is_empty() || !out.status.success() {
                bail!(
                    "the jobs did not all complete ({}); logs in {}",
                    failed.join("; "),
                    logs.display()
                );
            }
            println!("every job completed; logs in {}", logs.display());
            return Ok(0);
        }
        prev = Some(id);
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting_survives_quotes_and_spaces() {
        assert_eq!(sh("a b"), "'a b'");
        assert_eq!(sh("it's"), r"'it'\''s'");
    }
}
