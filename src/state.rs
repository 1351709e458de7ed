//! The state of scheduled (incremental) runs: a directory holding a lock file, an embedded
//! database and the dedupe index generations.
//!
//! ```text
//! <state dir>/lock              OS file lock (flock) held for the whole run; holds the pid
//! <state dir>/state.redb        inputs done, parts, run ledger, current dedupe generation
//! <state dir>/dedupe-<i>-<g>.bin   dedupe stage i's index as of commit generation g
//! <state dir>/dedupe-<i>.work   the file dedupe stage i loads and saves during a run
//! ```
//!
//! The database is [redb](https://crates.io/crates/redb): pure Rust (no C toolchain, unlike
//! SQLite through rusqlite's bundled build), ACID with copy-on-write B-trees and a durable
//! (fsynced) commit, so a `kill -9` at any instant leaves either the previous or the next
//! committed state and nothing in between. pith needs only key-value tables with one writer,
//! which is exactly what redb offers; SQL would buy nothing here.
//!
//! Values are JSON text, so `pith state show` and a curious operator can read them as they are.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};

/// input path -> [`InputRecord`] (JSON).
const INPUTS: TableDefinition<&str, &str> = TableDefinition::new("inputs");
/// part file name (sorts by run, then sequence) -> [`PartRecord`] (JSON).
const PARTS: TableDefinition<&str, &str> = TableDefinition::new("parts");
/// run id -> [`RunRecord`] (JSON).
const RUNS: TableDefinition<u64, &str> = TableDefinition::new("runs");
/// `next_run`, `dedupe_gen`.
const META: TableDefinition<&str, u64> = TableDefinition::new("meta");

const DB_FILE: &str = "state.redb";
const LOCK_FILE: &str = "lock";

/// Another run holds the state lock. `main` maps this error to exit code 4.
#[derive(Debug)]
pub struct Locked {
    pub dir: PathBuf,
    pub holder: String,
}

impl std::fmt::Display for Locked {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "another pith run ({}) holds the state in {}; not starting (exit 4). It releases \
             the lock when it ends, even if it is killed.",
            self.holder,
            self.dir.display()
        )
    }
}

impl std::error::Error for Locked {}

/// What is known of an input file that was read to its end and committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputRecord {
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime_ns: u64,
    /// xxh3-64 of the content, hex.
    pub xxh3: String,
    /// The run that read it.
    pub run: u64,
    /// The part its outcomes went to (none when it yielded nothing).
    #[serde(default)]
    pub part: Option<String>,
}

/// One side file of a part (dropped documents or rejects).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SideRecord {
    pub path: String,
    pub records: u64,
    pub sha256: String,
}

/// One committed part: the documents written, and the dropped and rejected records of the same
/// inputs, so every input document's outcome is in exactly one part.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartRecord {
    pub path: String,
    pub documents: u64,
    pub sha256: String,
    pub bytes: u64,
    pub run: u64,
    /// Input files whose outcomes this part holds.
    pub inputs: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dropped: Option<SideRecord>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejects: Option<SideRecord>,
    pub committed_at: String,
}

impl PartRecord {
    /// Every file name this part owns in the output directory.
    pub fn files(&self) -> Vec<&str> {
        let mut v = vec![self.path.as_str()];
        v.extend(self.dropped.as_ref().map(|s| s.path.as_str()));
        v.extend(self.rejects.as_ref().map(|s| s.path.as_str()));
        v
    }
}

/// One run in the ledger.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    pub started_at: String,
    #[serde(default)]
    pub finished_at: Option<String>,
    /// `running` (or killed: found so by the next run, which marks it `interrupted`), `ok`,
    /// `rejects` (exit 3), `failed`.
    pub status: String,
    #[serde(default)]
    pub exit_code: Option<i32>,
    pub config_hash: String,
    pub full: bool,
    pub inputs_read: u64,
    pub inputs_unchanged: u64,
    pub documents_read: u64,
    pub documents_written: u64,
    pub documents_dropped: u64,
    pub documents_rejected: u64,
    pub parts: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Everything one commit point records, in one transaction.
#[derive(Debug, Default)]
pub struct Commit {
    pub inputs: Vec<(String, InputRecord)>,
    pub part: Option<PartRecord>,
    /// The dedupe generation the files just written belong to.
    pub dedupe_gen: Option<u64>,
    pub run: Option<(u64, RunRecord)>,
}

/// An open, locked state directory.
pub struct State {
    db: Database,
    /// Held for as long as this value lives; the kernel drops it if the process dies.
    lock: File,
    /// The pid of a run that was killed while holding the lock, if this open took it over.
    pub stale_holder: Option<String>,
}

impl State {
    /// Locks and opens (creating) the state in `dir`. Fails with [`Locked`] if another process
    /// holds the lock.
    ///
    /// The lock is an OS advisory lock (`flock` on Unix, `LockFileEx` on Windows) taken with
    /// the standard library's `File::try_lock` (the same call fs4/fs2 wrap): the kernel
    /// releases it when the holding process exits or is killed, so a stale lock needs no
    /// timeout or pid probing; the pid in the file is only there for the message.
    ///
    /// With `wipe`, everything in the directory but the lock is deleted first (`--full`).
    pub fn open(dir: &Path, wipe: bool) -> Result<State> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the state directory {}", dir.display()))?;
        let lock_path = dir.join(LOCK_FILE);
        let mut lock = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_path)
            .with_context(|| format!("cannot open the lock file {}", lock_path.display()))?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let _ = lock.read_to_string(&mut holder);
                let holder = holder.trim();
                let holder = if holder.is_empty() {
                    "pid unknown".to_string()
                } else {
                    holder.to_string()
                };
                return Err(Locked {
                    dir: dir.to_path_buf(),
                    holder,
                }
                .into());
            }
            Err(TryLockError::Error(e)) => {
                return Err(e).with_context(|| format!("cannot lock {}", lock_path.display()))
            }
        }
        let mut previous = String::new();
        let _ = lock.read_to_string(&mut previous);
        let stale_holder = Some(previous.trim().to_string()).filter(|p| !p.is_empty());
        lock.set_len(0).context("cannot write the lock file")?;
        lock.rewind().context("cannot write the lock file")?;
        writeln!(lock, "pid {}", std::process::id()).context("cannot write the lock file")?;
        if wipe {
            for entry in std::fs::read_dir(dir)
                .with_context(|| format!("cannot list {}", dir.display()))?
                .flatten()
            {
                if entry.file_name() != LOCK_FILE {
                    let p = entry.path();
                    std::fs::remove_file(&p)
                        .with_context(|| format!("cannot remove {}", p.display()))?;
                }
            }
            sync_dir(dir);
        }
        let db_path = dir.join(DB_FILE);
        let db = Database::create(&db_path)
            .with_context(|| format!("cannot open the state database {}", db_path.display()))?;
        let state = State {
            db,
            lock,
            stale_holder,
        };
        state.ensure_tables()?;
        Ok(state)
    }

    fn ensure_tables(&self) -> Result<()> {
        let tx = self.db.begin_write().map_err(db_err)?;
        {
            tx.open_table(INPUTS).map_err(db_err)?;
            tx.open_table(PARTS).map_err(db_err)?;
            tx.open_table(RUNS).map_err(db_err)?;
            tx.open_table(META).map_err(db_err)?;
        }
        tx.commit().map_err(db_err)?;
        Ok(())
    }

    fn meta(&self, key: &str) -> Result<u64> {
        let tx = self.db.begin_read().map_err(db_err)?;
        let t = tx.open_table(META).map_err(db_err)?;
        Ok(t.get(key).map_err(db_err)?.map_or(0, |v| v.value()))
    }

    /// The dedupe generation the committed parts go with (0: none yet).
    pub fn dedupe_gen(&self) -> Result<u64> {
        self.meta("dedupe_gen")
    }

    /// Starts a run in the ledger: marks runs left `running` by a killed process as
    /// `interrupted` and returns the new run's id.
    pub fn begin_run(&self, record: &RunRecord) -> Result<u64> {
        let tx = self.db.begin_write().map_err(db_err)?;
        let id;
        {
            let mut meta = tx.open_table(META).map_err(db_err)?;
            id = meta
                .get("next_run")
                .map_err(db_err)?
                .map_or(1, |v| v.value());
            meta.insert("next_run", id + 1).map_err(db_err)?;
            let mut runs = tx.open_table(RUNS).map_err(db_err)?;
            let mut stale = Vec::new();
            for row in runs.iter().map_err(db_err)? {
                let (k, v) = row.map_err(db_err)?;
                let mut r: RunRecord = from_json(v.value())?;
                if r.status == "running" {
                    r.status = "interrupted".into();
                    stale.push((k.value(), r));
                }
            }
            for (k, r) in stale {
                runs.insert(k, to_json(&r)?.as_str()).map_err(db_err)?;
            }
            runs.insert(id, to_json(record)?.as_str()).map_err(db_err)?;
        }
        tx.commit().map_err(db_err)?;
        Ok(id)
    }

    /// Records one commit point atomically.
    pub fn commit(&self, c: &Commit) -> Result<()> {
        let tx = self.db.begin_write().map_err(db_err)?;
        {
            let mut inputs = tx.open_table(INPUTS).map_err(db_err)?;
            for (path, rec) in &c.inputs {
                inputs
                    .insert(path.as_str(), to_json(rec)?.as_str())
                    .map_err(db_err)?;
            }
            if let Some(p) = &c.part {
                let mut parts = tx.open_table(PARTS).map_err(db_err)?;
                parts
                    .insert(p.path.as_str(), to_json(p)?.as_str())
                    .map_err(db_err)?;
            }
            if let Some(g) = c.dedupe_gen {
                let mut meta = tx.open_table(META).map_err(db_err)?;
                meta.insert("dedupe_gen", g).map_err(db_err)?;
            }
            if let Some((id, r)) = &c.run {
                let mut runs = tx.open_table(RUNS).map_err(db_err)?;
                runs.insert(*id, to_json(r)?.as_str()).map_err(db_err)?;
            }
        }
        tx.commit().map_err(db_err)?;
        Ok(())
    }

    pub fn input(&self, path: &str) -> Result<Option<InputRecord>> {
        let tx = self.db.begin_read().map_err(db_err)?;
        let t = tx.open_table(INPUTS).map_err(db_err)?;
        match t.get(path).map_err(db_err)? {
            Some(v) => Ok(Some(from_json(v.value())?)),
            None => Ok(None),
        }
    }

    pub fn inputs(&self) -> Result<BTreeMap<String, InputRecord>> {
        let tx = self.db.begin_read().map_err(db_err)?;
        let t = tx.open_table(INPUTS).map_err(db_err)?;
        let mut out = BTreeMap::new();
        for row in t.iter().map_err(db_err)? {
            let (k, v) = row.map_err(db_err)?;
            out.insert(k.value().to_string(), from_json(v.value())?);
        }
        Ok(out)
    }

    /// Every committed part, in commit order.
    pub fn parts(&self) -> Result<Vec<PartRecord>> {
        let tx = self.db.begin_read().map_err(db_err)?;
        let t = tx.open_table(PARTS).map_err(db_err)?;
        let mut out = Vec::new();
        for row in t.iter().map_err(db_err)? {
            let (_, v) = row.map_err(db_err)?;
            out.push(from_json(v.value())?);
        }
        Ok(out)
    }

    /// The run ledger, oldest first.
    pub fn runs(&self) -> Result<Vec<(u64, RunRecord)>> {
        let tx = self.db.begin_read().map_err(db_err)?;
        let t = tx.open_table(RUNS).map_err(db_err)?;
        let mut out = Vec::new();
        for row in t.iter().map_err(db_err)? {
            let (k, v) = row.map_err(db_err)?;
            out.push((k.value(), from_json(v.value())?));
        }
        Ok(out)
    }

    /// Forgets the inputs equal to `path` or under it (a directory), so the next run reads
    /// them again. Returns how many were forgotten.
    pub fn forget(&self, path: &str) -> Result<usize> {
        let dir = format!("{}/", path.trim_end_matches('/'));
        let keys: Vec<String> = self
            .inputs()?
            .into_keys()
            .filter(|k| k == path || k.starts_with(&dir))
            .collect();
        let tx = self.db.begin_write().map_err(db_err)?;
        {
            let mut t = tx.open_table(INPUTS).map_err(db_err)?;
            for k in &keys {
                t.remove(k.as_str()).map_err(db_err)?;
            }
        }
        tx.commit().map_err(db_err)?;
        Ok(keys.len())
    }

    /// Compacts the database file; true if it shrank.
    pub fn compact(&mut self) -> Result<bool> {
        self.db
            .compact()
            .map_err(|e| anyhow!("state database: {e}"))
    }
}

impl Drop for State {
    /// A run that ends (even with an error) clears its pid, so a pid found in an unlocked lock
    /// file means the run holding it was killed.
    fn drop(&mut self) {
        let _ = self.lock.set_len(0);
    }
}

fn db_err(e: impl Into<redb::Error>) -> anyhow::Error {
    let e: redb::Error = e.into();
    anyhow!("state database: {e}")
}

fn to_json<T: Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).context("cannot serialise a state record")
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).context("corrupt state record")
}

/// Makes renames and removals in `dir` durable (where the platform allows opening a directory).
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_open_is_refused_and_released_on_drop() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = State::open(dir.path(), false).expect("first open");
        let e = State::open(dir.path(), false)
            .err()
            .expect("second open must fail");
        let locked = e.downcast_ref::<Locked>().expect("a Locked error");
        assert!(locked.holder.contains(&std::process::id().to_string()));
        drop(first);
        let again = State::open(dir.path(), false).expect("lock released");
        assert_eq!(again.stale_holder, None, "a clean end clears the pid");
    }

    #[test]
    fn commit_is_visible_and_forget_removes_inputs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let s = State::open(dir.path(), false).expect("open");
        let run = s.begin_run(&RunRecord::default()).expect("run");
        assert_eq!(run, 1);
        let rec = InputRecord {
            size: 3,
            mtime_ns: 7,
            xxh3: "ab".into(),
            run,
            part: None,
        };
        s.commit(&Commit {
            inputs: vec![
                ("d/a.jsonl".into(), rec.clone()),
                ("d/b.jsonl".into(), rec.clone()),
            ],
            dedupe_gen: Some(2),
            ..Commit::default()
        })
        .expect("commit");
        assert_eq!(s.input("d/a.jsonl").expect("read"), Some(rec));
        assert_eq!(s.dedupe_gen().expect("gen"), 2);
        assert_eq!(s.forget("d").expect("forget"), 2);
        assert!(s.inputs().expect("inputs").is_empty());
        // A run left `running` is marked interrupted by the next one.
        s.begin_run(&RunRecord {
            status: "running".into(),
            ..RunRecord::default()
        })
        .expect("run 2");
        s.begin_run(&RunRecord::default()).expect("run 3");
        let runs = s.runs().expect("runs");
        assert_eq!(runs[1].1.status, "interrupted");
    }
}
