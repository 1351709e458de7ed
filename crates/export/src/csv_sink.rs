use std::path::Path;

use pith_core::{Document, Error, ErrorKind};
use serde::Deserialize;

use crate::atomic::IoWrite;
use crate::{AtomicFile, Rows, Sink, SinkSummary};

/// CSV options (`[stage.csv]` under a CSV export).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CsvOptions {
    /// One row per `document` (default), per `sentence` or per `chunk`.
    pub rows: Rows,
    /// Prefix cells that a spreadsheet would run as a formula (`= + - @`, tab, CR) with `'`.
    pub neutralize_formulas: bool,
}

impl Default for CsvOptions {
    fn default() -> Self {
        CsvOptions {
            rows: Rows::Document,
            neutralize_formulas: true,
        }
    }
}

/// Makes a cell safe to open in a spreadsheet (OWASP "CSV injection"): a cell that starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`.
pub fn neutralize_formula(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

pub(crate) struct CsvSink {
    writer: csv::Writer<IoWrite>,
    path: String,
    opts: CsvOptions,
    documents: u64,
    rows: u64,
}

fn csv_err(path: &str, e: csv::Error) -> Error {
    Error::with_source(ErrorKind::Io, format!("cannot write {path}"), e)
}

impl CsvSink {
    pub(crate) fn create(path: &Path, opts: &CsvOptions) -> Result<Self, Error> {
        let file = AtomicFile::create(path)?;
        let mut writer = csv::WriterBuilder::new()
            .buffer_capacity(256 << 10)
            .from_writer(IoWrite(Some(file)));
        let header: &[&str] = match opts.rows {
            Rows::Document => &["id", "url", "title", "lang", "text"],
            Rows::Sentence => &["id", "sentence", "start", "end", "text"],
            Rows::Chunk => &["id", "chunk", "start", "end", "text"],
        };
        let display = path.display().to_string();
        writer
            .write_record(header)
            .map_err(|e| csv_err(&display, e))?;
        Ok(CsvSink {
            writer,
            path: display,
            opts: opts.clone(),
            documents: 0,
            rows: 0,
        })
    }

    fn cell<'a>(&self, s: &'a str) -> std::borrow::Cow<'a, str> {
        if self.opts.neutralize_formulas {
            neutralize_formula(s)
        } else {
            std::borrow::Cow::Borrowed(s)
        }
    }

    fn row(&mut self, cells: &[&str]) -> Result<(), Error> {
        let cells: Vec<std::borrow::Cow<'_, str>> = cells.iter().map(|c| self.cell(c)).collect();
        let path = self.path.clone();
        self.writer
            .write_record(cells.iter().map(|c| c.as_bytes()))
            .map_err(|e| csv_err(&path, e))?;
        self.rows += 1;
        Ok(())
    }
}

impl Sink for CsvSink {
    fn write(&mut self, doc: &Document) -> Result<(), Error> {
        let id = doc.id.as_str();
        match self.opts.rows {
            Rows::Document => {
                let url = doc.url.as_deref().unwrap_or("");
                let title = doc.title.as_deref().unwrap_or("");
                let lang = doc.lang.as_deref().unwrap_or("");
                self.row(&[id, url, title, lang, &doc.text])?;
            }
            Rows::Sentence => {
                for (i, s) in doc.sentences.iter().flatten().enumerate() {
                    let (i, start, end) = (i.to_string(), s.start.to_string(), s.end.to_string());
                    self.row(&[id, &i, &start, &end, &s.text])?;
                }
            }
            Rows::Chunk => {
                for c in doc.chunks.iter().flatten() {
                    let (i, start, end) =
                        (c.index.to_string(), c.start.to_string(), c.end.to_string());
                    self.row(&[id, &i, &start, &end, &c.text])?;
                }
            }
        }
        self.documents += 1;
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<SinkSummary, Error> {
        let CsvSink {
            writer,
            path,
            documents,
            rows,
            ..
        } = *self;
        let mut inner = writer
            .into_inner()
            .map_err(|e| Error::io(format!("cannot write {path}"), e.into_error()))?;
        let file = inner
            .0
            .take()
            .ok_or_else(|| Error::new(ErrorKind::Other, "csv file committed twice"))?;
        let bytes = file.commit()?;
        Ok(SinkSummary {
            path,
            format: "csv".into(),
            documents,
            rows,
            bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        assert_eq!(neutralize_formula("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(neutralize_formula("@cmd"), "'@cmd");
        assert_eq!(neutralize_formula("plain"), "plain");
    }

    #[test]
    fn quotes_and_newlines_round_trip() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("o.csv");
        let mut sink: Box<dyn Sink> =
            Box::new(CsvSink::create(&path, &CsvOptions::default()).expect("create"));
        let text = "He said \"no\",\nthen left.\n\n=1+1 stays text";
        let mut doc = Document::new("d1", text);
        doc.title = Some("=HYPERLINK(\"x\")".into());
        sink.write(&doc).expect("write");
        let summary = sink.finish().expect("finish");
        assert_eq!(summary.rows, 1);
        let mut rdr = csv::Reader::from_path(&path).expect("open");
        let rec = rdr.records().next().expect("one row").expect("parses");
        assert_eq!(&rec[4], text);
        assert_eq!(&rec[2], "'=HYPERLINK(\"x\")");
    }
}
