//! The Parquet sink: one row per document, sentence or chunk, written with parquet-rs's
//! `ArrowWriter` in row groups sized for the readers that come next (DuckDB, Spark, pandas).
//!
//! Document rows keep what the JSONL carries except the raw HTML: `id`, `url`, `title`, `lang`,
//! `text`; `meta`, `dedupe` and the unknown input fields (`extra`) as JSON text (their shape is
//! open, and DuckDB's `->>`/`json_extract` and Spark's `from_json` read JSON text directly);
//! `paragraphs`, `sentences` and `chunks` as native lists of structs, so `UNNEST(sentences)` in
//! DuckDB or `explode` in Spark and pandas works without parsing. Integers are signed 64-bit:
//! Spark and most warehouses have no unsigned 64-bit type (Spark reads one as a decimal).
//!
//! Memory is bounded by one row group: parquet-rs keeps the current row group's encoded,
//! compressed pages until it is flushed, plus a small batch of rows not yet encoded.

use serde::Deserialize;

use pith_core::Error;

use crate::Rows;

/// Row group size limit in (estimated encoded) bytes. 128 MiB is parquet-mr's
/// `parquet.block.size`, the default of Spark and Hive: one HDFS block, one Spark input split,
/// and column chunks long enough to be read from object storage in a few large requests.
pub const DEFAULT_ROW_GROUP_BYTES: u64 = 128 << 20;
/// Row group size limit in rows. Readers parallelise over row groups (DuckDB, Spark, pyarrow
/// datasets: a thread or task per group); where rows are small (sentence rows) the byte limit
/// alone would make a handful of huge groups. 100,000 is close to DuckDB's own row group
/// (122,880 rows), and for document rows the byte limit usually comes first.
pub const DEFAULT_ROW_GROUP_ROWS: u64 = 100_000;

/// Parquet options (`[stage.parquet]` under a Parquet export).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ParquetOptions {
    /// One row per `document` (default), per `sentence` or per `chunk`.
    pub rows: Rows,
    /// A row group is closed when it holds this many rows...
    pub row_group_rows: u64,
    /// ...or when its encoded size reaches this many bytes, whichever comes first.
    pub row_group_bytes: u64,
    /// Page compression: `zstd` (default), `snappy` or `none`.
    pub compression: ParquetCompression,
}

impl Default for ParquetOptions {
    fn default() -> Self {
        ParquetOptions {
            rows: Rows::Document,
            row_group_rows: DEFAULT_ROW_GROUP_ROWS,
            row_group_bytes: DEFAULT_ROW_GROUP_BYTES,
            compression: ParquetCompression::Zstd,
        }
    }
}

impl ParquetOptions {
    pub fn validate(&self) -> Result<(), Error> {
        if self.row_group_rows == 0 {
            return Err(Error::config(
                "[stage.parquet] row_group_rows must be at least 1",
            ));
        }
        if self.row_group_bytes == 0 {
            return Err(Error::config(
                "[stage.parquet] row_group_bytes must be at least 1",
            ));
        }
        Ok(())
    }
}

/// How Parquet pages are compressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ParquetCompression {
    /// Zstandard level 3: about gzip's ratio at several times its speed; read by DuckDB, Spark
    /// 3+, pyarrow and every current warehouse.
    #[default]
    Zstd,
    /// For old readers that lack zstd.
    Snappy,
    None,
}

#[cfg(feature = "parquet")]
pub(crate) use imp::ParquetSink;
#[cfg(feature = "parquet")]
pub use imp::{read_parquet, ParquetContents};

#[cfg(feature = "parquet")]
mod imp {
    use std::fs::File;
    use std::path::Path;
    use std::sync::Arc;

    use arrow_array::builder::{
        Int64Builder, NullBufferBuilder, OffsetBufferBuilder, StringBuilder,
    };
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int64Type;
    use arrow_array::{Array, ArrayRef, ListArray, RecordBatch, StructArray};
    use arrow_schema::{ArrowError, DataType, Field, Fields, Schema, SchemaRef};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use parquet::arrow::ArrowWriter;
    use parquet::basic::{Compression, ZstdLevel};
    use parquet::errors::ParquetError;
    use parquet::file::properties::WriterProperties;
    use parquet::schema::types::ColumnPath;
    use pith_core::{Chunk, Document, Error, ErrorKind, Map, Span};
    use serde_json::Value;

    use super::{ParquetCompression, ParquetOptions};
    use crate::atomic::IoWrite;
    use crate::{AtomicFile, Rows, Sink, SinkSummary};

    /// Rows are gathered into an Arrow batch of at most this many rows or string bytes before
    /// they are handed to the writer: small against a row group, large enough to encode well.
    const BATCH_ROWS: usize = 1024;
    const BATCH_BYTES: usize = 1 << 20;
    /// Arrow strings use 32-bit offsets and Parquet byte arrays 32-bit lengths; a value this
    /// large is refused with an error rather than overflowing either.
    const MAX_VALUE_BYTES: usize = 1 << 30;

    pub(crate) struct ParquetSink {
        writer: ArrowWriter<IoWrite>,
        schema: SchemaRef,
        kind: Rows,
        batch: Batch,
        /// String bytes at which the gathered rows are written: [`BATCH_BYTES`], or less when
        /// row groups are small, since the writer sizes a new row group from its first batch.
        batch_bytes: usize,
        meta: bool,
        path: String,
        documents: u64,
        rows: u64,
    }

    enum Batch {
        Documents(Box<DocColumns>),
        Pieces(Box<PieceColumns>),
    }

    fn int(n: usize) -> i64 {
        i64::try_from(n).unwrap_or(i64::MAX)
    }

    fn span_fields() -> Fields {
        Fields::from(vec![
            Field::new("start", DataType::Int64, false),
            Field::new("end", DataType::Int64, false),
            Field::new("text", DataType::Utf8, false),
            Field::new("kind", DataType::Utf8, true),
        ])
    }

    fn chunk_fields() -> Fields {
        Fields::from(vec![
            Field::new("index", DataType::Int64, false),
            Field::new("start", DataType::Int64, false),
            Field::new("end", DataType::Int64, false),
            Field::new("text", DataType::Utf8, false),
        ])
    }

    fn list_of(fields: Fields) -> DataType {
        DataType::List(Arc::new(Field::new_list_field(
            DataType::Struct(fields),
            false,
        )))
    }

    /// The Arrow schema of each row kind (see the module docs for why these types).
    pub(crate) fn schema(rows: Rows) -> Schema {
        let text = |name: &str, nullable| Field::new(name, DataType::Utf8, nullable);
        let int = |name: &str| Field::new(name, DataType::Int64, false);
        match rows {
            Rows::Document => Schema::new(vec![
                text("id", false),
                text("url", true),
                text("title", true),
                text("lang", true),
                text("text", false),
                text("meta", true),
                text("dedupe", true),
                Field::new("paragraphs", list_of(span_fields()), true),
                Field::new("sentences", list_of(span_fields()), true),
                Field::new("chunks", list_of(chunk_fields()), true),
                text("extra", true),
            ]),
            Rows::Sentence => Schema::new(vec![
                text("id", false),
                int("sentence"),
                int("start"),
                int("end"),
                text("text", false),
            ]),
            Rows::Chunk => Schema::new(vec![
                text("id", false),
                int("chunk"),
                int("start"),
                int("end"),
                text("text", false),
            ]),
        }
    }

    fn parquet_err(path: &str, e: ParquetError) -> Error {
        Error::with_source(ErrorKind::Io, format!("cannot write {path}"), e)
    }

    fn arrow_err(path: &str, e: ArrowError) -> Error {
        Error::with_source(
            ErrorKind::Other,
            format!("cannot build Parquet rows for {path}"),
            e,
        )
    }

    fn too_large(doc: &Document, bytes: usize) -> Error {
        Error::new(
            ErrorKind::Other,
            format!(
                "document {} has a {bytes}-byte field; Parquet export takes at most {MAX_VALUE_BYTES}",
                doc.id
            ),
        )
    }

    fn json_or_null(map: &Map) -> Option<String> {
        if map.is_empty() {
            None
        } else {
            Some(Value::Object(map.clone()).to_string())
        }
    }

    impl ParquetSink {
        pub(crate) fn create(
            path: &Path,
            opts: &ParquetOptions,
            meta: bool,
        ) -> Result<Self, Error> {
            opts.validate()?;
            let display = path.display().to_string();
            let schema = Arc::new(schema(opts.rows));
            let compression = match opts.compression {
                ParquetCompression::Zstd => {
                    Compression::ZSTD(ZstdLevel::try_new(3).map_err(|e| parquet_err(&display, e))?)
                }
                ParquetCompression::Snappy => Compression::SNAPPY,
                ParquetCompression::None => Compression::UNCOMPRESSED,
            };
            let rows = usize::try_from(opts.row_group_rows).unwrap_or(usize::MAX);
            let bytes = usize::try_from(opts.row_group_bytes).unwrap_or(usize::MAX);
            // Dictionaries only where values repeat: ids, urls and texts are (nearly) unique,
            // and a dictionary that overflows only costs time before falling back to plain.
            let repeated = match opts.rows {
                Rows::Document => "lang",
                Rows::Sentence | Rows::Chunk => "id",
            };
            let props = WriterProperties::builder()
                .set_compression(compression)
                .set_max_row_group_row_count(Some(rows.max(1)))
                .set_max_row_group_bytes(Some(bytes.max(1)))
                .set_dictionary_enabled(false)
                .set_column_dictionary_enabled(ColumnPath::from(repeated), true)
                .build();
            let file = AtomicFile::create(path)?;
            let writer = ArrowWriter::try_new(IoWrite(Some(file)), schema.clone(), Some(props))
                .map_err(|e| parquet_err(&display, e))?;
            let batch = match opts.rows {
                Rows::Document => Batch::Documents(Box::default()),
                Rows::Sentence | Rows::Chunk => Batch::Pieces(Box::default()),
            };
            Ok(ParquetSink {
                writer,
                schema,
                kind: opts.rows,
                batch,
                batch_bytes: (bytes / 8).clamp(1, BATCH_BYTES),
                meta,
                path: display,
                documents: 0,
                rows: 0,
            })
        }

        /// Encodes the gathered rows into the current row group (which the writer closes
        /// when it reaches either limit).
        fn write_batch(&mut self) -> Result<(), Error> {
            let (rows, columns) = match &mut self.batch {
                Batch::Documents(b) => (b.rows, b.finish()),
                Batch::Pieces(b) => (b.rows, b.finish()),
            };
            if rows == 0 {
                return Ok(());
            }
            let columns = columns.map_err(|e| arrow_err(&self.path, e))?;
            let batch = RecordBatch::try_new(self.schema.clone(), columns)
                .map_err(|e| arrow_err(&self.path, e))?;
            self.writer
                .write(&batch)
                .map_err(|e| parquet_err(&self.path, e))
        }
    }

    impl Sink for ParquetSink {
        fn write(&mut self, doc: &Document) -> Result<(), Error> {
            let (rows, bytes) = match &mut self.batch {
                Batch::Documents(b) => {
                    b.push(doc, self.meta)?;
                    self.rows += 1;
                    (b.rows, b.bytes)
                }
                Batch::Pieces(b) => {
                    let before = b.rows;
                    if self.kind == Rows::Chunk {
                        b.push_chunks(doc)?;
                    } else {
                        b.push_sentences(doc)?;
                    }
                    self.rows += (b.rows - before) as u64;
                    (b.rows, b.bytes)
                }
            };
            self.documents += 1;
            if rows >= BATCH_ROWS || bytes >= self.batch_bytes {
                self.write_batch()?;
            }
            Ok(())
        }

        fn finish(mut self: Box<Self>) -> Result<SinkSummary, Error> {
            self.write_batch()?;
            let ParquetSink {
                writer,
                path,
                documents,
                rows,
                ..
            } = *self;
            let mut inner = writer.into_inner().map_err(|e| parquet_err(&path, e))?;
            let file = inner
                .0
                .take()
                .ok_or_else(|| Error::new(ErrorKind::Other, "parquet file committed twice"))?;
            let bytes = file.commit()?;
            Ok(SinkSummary {
                path,
                format: "parquet".into(),
                documents,
                rows,
                bytes,
            })
        }
    }

    /// The columns of document rows not yet written.
    #[derive(Default)]
    struct DocColumns {
        rows: usize,
        /// String bytes gathered (the batch is written at [`BATCH_BYTES`]).
        bytes: usize,
        id: StringBuilder,
        url: StringBuilder,
        title: StringBuilder,
        lang: StringBuilder,
        text: StringBuilder,
        meta: StringBuilder,
        dedupe: StringBuilder,
        paragraphs: ListColumn,
        sentences: ListColumn,
        chunks: ListColumn,
        extra: StringBuilder,
    }

    impl DocColumns {
        fn push(&mut self, doc: &Document, with_meta: bool) -> Result<(), Error> {
            let meta = if with_meta {
                json_or_null(&doc.meta)
            } else {
                None
            };
            let dedupe = doc.dedupe.as_ref().map(Value::to_string);
            let extra = json_or_null(&doc.extra);
            let span_bytes =
                |s: Option<&Vec<Span>>| s.map_or(0, |v| v.iter().map(|s| s.text.len()).sum());
            let chunk_bytes: usize = doc
                .chunks
                .as_ref()
                .map_or(0, |v| v.iter().map(|c| c.text.len()).sum());
            let sizes = [
                doc.id.len(),
                doc.text.len(),
                doc.title.as_ref().map_or(0, String::len),
                doc.url.as_ref().map_or(0, String::len),
                meta.as_ref().map_or(0, String::len),
                dedupe.as_ref().map_or(0, String::len),
                extra.as_ref().map_or(0, String::len),
                span_bytes(doc.paragraphs.as_ref()),
                span_bytes(doc.sentences.as_ref()),
                chunk_bytes,
            ];
            let largest = sizes.iter().copied().max().unwrap_or(0);
            if largest > MAX_VALUE_BYTES {
                return Err(too_large(doc, largest));
            }
            self.id.append_value(&doc.id);
            self.url.append_option(doc.url.as_deref());
            self.title.append_option(doc.title.as_deref());
            self.lang.append_option(doc.lang.as_deref());
            self.text.append_value(&doc.text);
            self.meta.append_option(meta);
            self.dedupe.append_option(dedupe);
            self.paragraphs.push_spans(doc.paragraphs.as_deref());
            self.sentences.push_spans(doc.sentences.as_deref());
            self.chunks.push_chunks(doc.chunks.as_deref());
            self.extra.append_option(extra);
            self.rows += 1;
            self.bytes += sizes.iter().sum::<usize>();
            Ok(())
        }

        fn finish(&mut self) -> Result<Vec<ArrayRef>, ArrowError> {
            self.rows = 0;
            self.bytes = 0;
            Ok(vec![
                Arc::new(self.id.finish()),
                Arc::new(self.url.finish()),
                Arc::new(self.title.finish()),
                Arc::new(self.lang.finish()),
                Arc::new(self.text.finish()),
                Arc::new(self.meta.finish()),
                Arc::new(self.dedupe.finish()),
                self.paragraphs.finish(span_fields())?,
                self.sentences.finish(span_fields())?,
                self.chunks.finish(chunk_fields())?,
                Arc::new(self.extra.finish()),
            ])
        }
    }

    /// A nullable list of span or chunk structs: `None` (not segmented) is null, `Some([])`
    /// an empty list.
    struct ListColumn {
        offsets: OffsetBufferBuilder<i32>,
        valid: NullBufferBuilder,
        index: Int64Builder,
        start: Int64Builder,
        end: Int64Builder,
        text: StringBuilder,
        kind: StringBuilder,
    }

    impl Default for ListColumn {
        fn default() -> Self {
            ListColumn {
                offsets: OffsetBufferBuilder::new(BATCH_ROWS),
                valid: NullBufferBuilder::new(BATCH_ROWS),
                index: Int64Builder::new(),
                start: Int64Builder::new(),
                end: Int64Builder::new(),
                text: StringBuilder::new(),
                kind: StringBuilder::new(),
            }
        }
    }

    impl ListColumn {
        fn push_spans(&mut self, spans: Option<&[Span]>) {
            self.valid.append(spans.is_some());
            let spans = spans.unwrap_or_default();
            for s in spans {
                self.start.append_value(int(s.start));
                self.end.append_value(int(s.end));
                self.text.append_value(&s.text);
                self.kind.append_option(s.kind.as_deref());
            }
            self.offsets.push_length(spans.len());
        }

        fn push_chunks(&mut self, chunks: Option<&[Chunk]>) {
            self.valid.append(chunks.is_some());
            let chunks = chunks.unwrap_or_default();
            for c in chunks {
                self.index.append_value(int(c.index));
                self.start.append_value(int(c.start));
                self.end.append_value(int(c.end));
                self.text.append_value(&c.text);
            }
            self.offsets.push_length(chunks.len());
        }

        fn finish(&mut self, fields: Fields) -> Result<ArrayRef, ArrowError> {
            let offsets =
                std::mem::replace(&mut self.offsets, OffsetBufferBuilder::new(BATCH_ROWS));
            let mut children: Vec<ArrayRef> = Vec::with_capacity(4);
            for field in fields.iter() {
                let column: ArrayRef = match field.name().as_str() {
                    "index" => Arc::new(self.index.finish()),
                    "start" => Arc::new(self.start.finish()),
                    "end" => Arc::new(self.end.finish()),
                    "text" => Arc::new(self.text.finish()),
                    _ => Arc::new(self.kind.finish()),
                };
                children.push(column);
            }
            let values = StructArray::try_new(fields.clone(), children, None)?;
            let item = Arc::new(Field::new_list_field(DataType::Struct(fields), false));
            let list = ListArray::try_new(
                item,
                offsets.finish(),
                Arc::new(values),
                self.valid.finish(),
            )?;
            Ok(Arc::new(list))
        }
    }

    /// The columns of sentence or chunk rows not yet written.
    #[derive(Default)]
    struct PieceColumns {
        rows: usize,
        bytes: usize,
        id: StringBuilder,
        index: Int64Builder,
        start: Int64Builder,
        end: Int64Builder,
        text: StringBuilder,
    }

    impl PieceColumns {
        fn check(doc: &Document, total: usize) -> Result<(), Error> {
            if total.saturating_add(doc.id.len()) > MAX_VALUE_BYTES {
                return Err(too_large(doc, total));
            }
            Ok(())
        }

        fn push_sentences(&mut self, doc: &Document) -> Result<(), Error> {
            let sentences = doc.sentences.as_deref().unwrap_or_default();
            Self::check(doc, sentences.iter().map(|s| s.text.len()).sum())?;
            for (i, s) in sentences.iter().enumerate() {
                self.push(&doc.id, i, s.start, s.end, &s.text);
            }
            Ok(())
        }

        fn push_chunks(&mut self, doc: &Document) -> Result<(), Error> {
            let chunks = doc.chunks.as_deref().unwrap_or_default();
            Self::check(doc, chunks.iter().map(|c| c.text.len()).sum())?;
            for c in chunks {
                self.push(&doc.id, c.index, c.start, c.end, &c.text);
            }
            Ok(())
        }

        fn push(&mut self, id: &str, index: usize, start: usize, end: usize, text: &str) {
            self.id.append_value(id);
            self.index.append_value(int(index));
            self.start.append_value(int(start));
            self.end.append_value(int(end));
            self.text.append_value(text);
            self.rows += 1;
            self.bytes += id.len() + text.len();
        }

        fn finish(&mut self) -> Result<Vec<ArrayRef>, ArrowError> {
            self.rows = 0;
            self.bytes = 0;
            Ok(vec![
                Arc::new(self.id.finish()),
                Arc::new(self.index.finish()),
                Arc::new(self.start.finish()),
                Arc::new(self.end.finish()),
                Arc::new(self.text.finish()),
            ])
        }
    }

    /// A Parquet file read back: for tests and for checking an export by hand.
    #[derive(Debug, Clone, PartialEq)]
    pub struct ParquetContents {
        /// The column names, in order.
        pub columns: Vec<String>,
        /// Rows per row group.
        pub row_groups: Vec<u64>,
        /// Every row as a JSON object (nulls as `null`, lists of structs as arrays of objects).
        pub rows: Vec<Map>,
    }

    /// Reads a Parquet file whose columns are strings, 64-bit integers or lists of structs of
    /// those (what this crate writes) into JSON rows.
    pub fn read_parquet(path: &Path) -> Result<ParquetContents, Error> {
        let display = path.display().to_string();
        let read_err = |e: ParquetError| {
            Error::with_source(ErrorKind::Io, format!("cannot read {display}"), e)
        };
        let file = File::open(path).map_err(|e| Error::io(format!("cannot open {display}"), e))?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(read_err)?;
        let row_groups = builder
            .metadata()
            .row_groups()
            .iter()
            .map(|g| g.num_rows().unsigned_abs())
            .collect();
        let columns: Vec<String> = builder
            .schema()
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let reader = builder.build().map_err(read_err)?;
        let mut rows = Vec::new();
        for batch in reader {
            let batch = batch.map_err(|e| {
                Error::with_source(ErrorKind::Io, format!("cannot read {display}"), e)
            })?;
            for i in 0..batch.num_rows() {
                let mut row = Map::new();
                for (name, column) in columns.iter().zip(batch.columns()) {
                    row.insert(name.clone(), cell(column.as_ref(), i)?);
                }
                rows.push(row);
            }
        }
        Ok(ParquetContents {
            columns,
            row_groups,
            rows,
        })
    }

    /// One value of a top-level column; lists hold structs of scalars (two fixed levels, so
    /// no recursion).
    fn cell(column: &dyn Array, i: usize) -> Result<Value, Error> {
        if let DataType::List(_) = column.data_type() {
            let list = column.as_list::<i32>();
            if list.is_null(i) {
                return Ok(Value::Null);
            }
            let items = list.value(i);
            let Some(items) = items.as_struct_opt() else {
                return Err(unsupported(items.data_type()));
            };
            return (0..items.len())
                .map(|j| struct_row(items, j).map(Value::Object))
                .collect::<Result<Vec<Value>, Error>>()
                .map(Value::Array);
        }
        scalar(column, i)
    }

    fn struct_row(items: &StructArray, j: usize) -> Result<Map, Error> {
        let mut object = Map::new();
        for (field, child) in items.fields().iter().zip(items.columns()) {
            object.insert(field.name().clone(), scalar(child.as_ref(), j)?);
        }
        Ok(object)
    }

    fn scalar(column: &dyn Array, i: usize) -> Result<Value, Error> {
        if column.is_null(i) {
            return Ok(Value::Null);
        }
        match column.data_type() {
            DataType::Utf8 => Ok(Value::from(column.as_string::<i32>().value(i))),
            DataType::LargeUtf8 => Ok(Value::from(column.as_string::<i64>().value(i))),
            DataType::Int64 => Ok(Value::from(column.as_primitive::<Int64Type>().value(i))),
            other => Err(unsupported(other)),
        }
    }

    fn unsupported(t: &DataType) -> Error {
        Error::new(
            ErrorKind::Other,
            format!("read_parquet reads strings, 64-bit integers and lists of structs, not {t}"),
        )
    }
}
