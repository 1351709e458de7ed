use std::path::Path;

use pith_core::{Document, Error};
use serde::Serialize;

use crate::{AtomicFile, Sink, SinkSummary};

/// Writes one JSON object a line, atomically.
pub struct RecordWriter {
    file: AtomicFile,
    records: u64,
    line: Vec<u8>,
}

impl RecordWriter {
    pub fn create(path: &Path) -> Result<Self, Error> {
        Ok(RecordWriter {
            file: AtomicFile::create(path)?,
            records: 0,
            line: Vec::with_capacity(64 << 10),
        })
    }

    pub fn write<T: Serialize>(&mut self, record: &T) -> Result<(), Error> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, record).map_err(|e| {
            Error::with_source(pith_core::ErrorKind::Other, "cannot serialise a record", e)
        })?;
        self.line.push(b'\n');
        self.file.write_all(&self.line)?;
        self.records += 1;
        Ok(())
    }

    pub fn records(&self) -> u64 {
        self.records
    }

    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// Commits the file; returns (records, bytes).
    pub fn commit(self) -> Result<(u64, u64), Error> {
        let records = self.records;
        let bytes = self.file.commit()?;
        Ok((records, bytes))
    }
}

/// The JSONL corpus writer.
pub struct JsonlSink {
    writer: RecordWriter,
    meta: bool,
}

impl JsonlSink {
    pub fn create(path: &Path, meta: bool) -> Result<Self, Error> {
        Ok(JsonlSink {
            writer: RecordWriter::create(path)?,
            meta,
        })
    }
}

impl Sink for JsonlSink {
    fn write(&mut self, doc: &Document) -> Result<(), Error> {
        if self.meta && doc.html.is_none() {
            return self.writer.write(doc);
        }
        let mut doc = doc.clone();
        doc.html = None;
        if !self.meta {
            doc.meta.clear();
        }
        self.writer.write(&doc)
    }

    fn finish(self: Box<Self>) -> Result<SinkSummary, Error> {
        let path = self.writer.path().display().to_string();
        let (documents, bytes) = self.writer.commit()?;
        Ok(SinkSummary {
            path,
            format: "jsonl".into(),
            documents,
            rows: documents,
            bytes,
        })
    }
}
