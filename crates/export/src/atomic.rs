use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use pith_core::Error;

use crate::Compression;

/// A file written under `<name>.tmp` beside its final path, fsynced and renamed into place by
/// [`AtomicFile::commit`]. Dropped without commit, the temporary file is removed.
/// (The same tmp-then-rename discipline as dolma's writers and datatrove's output files.)
pub struct AtomicFile {
    final_path: PathBuf,
    tmp_path: PathBuf,
    writer: Option<Encoder>,
    bytes: u64,
}

enum Encoder {
    Plain(BufWriter<File>),
    Gzip(GzEncoder<BufWriter<File>>),
    Zstd(zstd::stream::write::Encoder<'static, BufWriter<File>>),
    Stdout(io::Stdout),
    /// A device or pipe, written in place and never renamed.
    Special(BufWriter<File>),
}

impl AtomicFile {
    /// Creates the temporary file (and the parent directories). `-` means standard output,
    /// which is written directly.
    pub fn create(path: &Path) -> Result<Self, Error> {
        if path.as_os_str() == "-" {
            return Ok(AtomicFile {
                final_path: path.to_path_buf(),
                tmp_path: PathBuf::new(),
                writer: Some(Encoder::Stdout(io::stdout())),
                bytes: 0,
            });
        }
        // A device or pipe (`-o /dev/null`, a FIFO) is written in place: renaming a regular
        // file over it would replace the device node itself.
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| Error::io(format!("cannot open {}", path.display()), e))?;
            return Ok(AtomicFile {
                final_path: path.to_path_buf(),
                tmp_path: PathBuf::new(),
                writer: Some(Encoder::Special(BufWriter::with_capacity(256 << 10, file))),
                bytes: 0,
            });
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::io(format!("cannot create {}", parent.display()), e))?;
        }
        let mut tmp_name = path.file_name().unwrap_or_default().to_os_string();
        tmp_name.push(".tmp");
        let tmp_path = path.with_file_name(tmp_name);
        let file = File::create(&tmp_path)
            .map_err(|e| Error::io(format!("cannot create {}", tmp_path.display()), e))?;
        let buffered = BufWriter::with_capacity(256 << 10, file);
        let writer = match Compression::from_path(path) {
            Compression::None => Encoder::Plain(buffered),
            Compression::Gzip => {
                Encoder::Gzip(GzEncoder::new(buffered, flate2::Compression::default()))
            }
            Compression::Zstd => {
                Encoder::Zstd(zstd::stream::write::Encoder::new(buffered, 3).map_err(|e| {
                    Error::io(format!("cannot start zstd for {}", path.display()), e)
                })?)
            }
        };
        Ok(AtomicFile {
            final_path: path.to_path_buf(),
            tmp_path,
            writer: Some(writer),
            bytes: 0,
        })
    }

    pub fn path(&self) -> &Path {
        &self.final_path
    }

    /// Uncompressed bytes written so far.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    fn io_err(&self, e: io::Error) -> Error {
        // Standard output and devices are written in place and have no temporary name.
        let shown = if self.tmp_path.as_os_str().is_empty() {
            &self.final_path
        } else {
            &self.tmp_path
        };
        Error::io(format!("cannot write {}", shown.display()), e)
    }

    pub fn write_all(&mut self, buf: &[u8]) -> Result<(), Error> {
        let r = match self.writer.as_mut() {
            Some(Encoder::Plain(w)) => w.write_all(buf),
            Some(Encoder::Gzip(w)) => w.write_all(buf),
            Some(Encoder::Zstd(w)) => w.write_all(buf),
            Some(Encoder::Stdout(w)) => w.write_all(buf),
            Some(Encoder::Special(w)) => w.write_all(buf),
            None => Ok(()),
        };
        r.map_err(|e| self.io_err(e))?;
        self.bytes += buf.len() as u64;
        Ok(())
    }

    /// Finishes compression, fsyncs, and renames the file into place.
    pub fn commit(mut self) -> Result<u64, Error> {
        let file = match self.writer.take() {
            Some(Encoder::Plain(w)) => w.into_inner().map_err(|e| e.into_error()),
            Some(Encoder::Gzip(w)) => w
                .finish()
                .and_then(|w| w.into_inner().map_err(|e| e.into_error())),
            Some(Encoder::Zstd(w)) => w
                .finish()
                .and_then(|w| w.into_inner().map_err(|e| e.into_error())),
            Some(Encoder::Stdout(mut w)) => {
                return w
                    .flush()
                    .map(|_| self.bytes)
                    .map_err(|e| Error::io("cannot write standard output", e))
            }
            Some(Encoder::Special(mut w)) => {
                return w.flush().map(|_| self.bytes).map_err(|e| {
                    Error::io(format!("cannot write {}", self.final_path.display()), e)
                })
            }
            None => return Ok(self.bytes),
        };
        let file = file.map_err(|e| self.io_err(e))?;
        file.sync_all().map_err(|e| self.io_err(e))?;
        drop(file);
        std::fs::rename(&self.tmp_path, &self.final_path).map_err(|e| {
            Error::io(
                format!(
                    "cannot rename {} to {}",
                    self.tmp_path.display(),
                    self.final_path.display()
                ),
                e,
            )
        })?;
        if let Some(dir) = self
            .final_path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
        {
            // Make the rename itself durable; not all platforms allow opening a directory.
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(self.bytes)
    }
}

/// Adapts [`AtomicFile`] to `io::Write` for the csv and parquet crates; `None` once committed.
pub(crate) struct IoWrite(pub(crate) Option<AtomicFile>);

impl Write for IoWrite {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.0.as_mut() {
            Some(f) => f
                .write_all(buf)
                .map(|_| buf.len())
                .map_err(|e| io::Error::other(e.to_string())),
            None => Err(io::Error::other("file already committed")),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.writer.take().is_some() && !self.tmp_path.as_os_str().is_empty() {
            let _ = std::fs::remove_file(&self.tmp_path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_appears_before_commit() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/out.jsonl");
        let mut f = AtomicFile::create(&path).expect("create");
        f.write_all(b"x\n").expect("write");
        assert!(!path.exists());
        f.commit().expect("commit");
        assert_eq!(std::fs::read(&path).expect("read"), b"x\n");
    }

    /// Bug: `-o /dev/null` renamed a regular file over the device node.
    #[cfg(unix)]
    #[test]
    fn writing_to_a_device_or_pipe_keeps_it() {
        use std::os::unix::fs::FileTypeExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here
        }
        let reader_path = fifo.clone();
        let reader = std::thread::spawn(move || std::fs::read(reader_path).expect("read fifo"));
        let mut f = AtomicFile::create(&fifo).expect("open fifo");
        f.write_all(b"through the pipe\n").expect("write");
        f.commit().expect("commit");
        // Checked before joining: a replaced pipe would leave the reader waiting forever.
        let kind = std::fs::symlink_metadata(&fifo).expect("stat").file_type();
        assert!(kind.is_fifo(), "the pipe was replaced by {kind:?}");
        assert_eq!(reader.join().expect("reader"), b"through the pipe\n");
    }

    #[test]
    fn abandoned_file_leaves_no_trace() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("out.jsonl.gz");
        let mut f = AtomicFile::create(&path).expect("create");
        f.write_all(b"x\n").expect("write");
        drop(f);
        assert_eq!(std::fs::read_dir(dir.path()).expect("ls").count(), 0);
    }

    #[test]
    fn compression_follows_the_extension() {
        let dir = tempfile::tempdir().expect("tempdir");
        for name in ["a.jsonl.gz", "a.jsonl.zst"] {
            let path = dir.path().join(name);
            let mut f = AtomicFile::create(&path).expect("create");
            f.write_all(b"hello\n").expect("write");
            f.commit().expect("commit");
            let raw = std::fs::read(&path).expect("read");
            let text = if name.ends_with(".gz") {
                let mut s = String::new();
                io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&raw[..]), &mut s)
                    .expect("gunzip");
                s
            } else {
                String::from_utf8(zstd::decode_all(&raw[..]).expect("unzstd")).expect("utf8")
            };
            assert_eq!(text, "hello\n");
        }
    }
}
