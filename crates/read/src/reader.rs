use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use pith_core::{Document, Reject};
use serde_json::Value;

use crate::encoding::decode;
use crate::range::Unit;
use crate::{Format, InputFile, ReadConfig};

/// What a reader yields: a document, or a reject for input that could not become one.
#[derive(Debug)]
pub enum Item {
    Doc(Box<Document>),
    Reject(Box<Reject>),
    /// A record that is valid but holds no document (a WARC request or metadata record, a
    /// response that is not HTML); counted by reason in the report, never written.
    Skip(&'static str),
}

/// Streams the items of one input file (or of stdin). Bytes consumed from the underlying file
/// are counted in [`FileReader::bytes_read`], for progress and reports.
pub struct FileReader {
    items: Box<dyn Iterator<Item = Item> + Send>,
    bytes: Arc<AtomicU64>,
}

impl Iterator for FileReader {
    type Item = Item;
    fn next(&mut self) -> Option<Item> {
        self.items.next()
    }
}

impl FileReader {
    /// Opens a file. A file that cannot be opened yields a single reject.
    pub fn open(file: &InputFile, cfg: &ReadConfig) -> FileReader {
        let bytes = Arc::new(AtomicU64::new(0));
        let name = file.display();
        match File::open(&file.path) {
            Ok(f) => {
                let format = cfg.format.or(file.format_hint);
                let source = Source {
                    name,
                    id_base: file.id_base.clone(),
                };
                Self::from_reader(source, Box::new(f), format, cfg, bytes)
            }
            Err(e) => FileReader {
                items: Box::new(std::iter::once(reject(Reject::new(
                    name,
                    "unreadable_file",
                    e.to_string(),
                )))),
                bytes,
            },
        }
    }

    /// Opens a unit of work: a whole file, or a byte range of one (see [`crate::range`]).
    pub fn open_unit(unit: &Unit, cfg: &ReadConfig) -> FileReader {
        let Some(range) = unit.range else {
            return Self::open(&unit.file, cfg);
        };
        let bytes = Arc::new(AtomicU64::new(0));
        let name = unit.file.display();
        let format = cfg.format.or(unit.file.format_hint);
        let path = &unit.file.path;
        let found = File::open(path).and_then(|mut f| {
            let gzip = crate::range::is_gzip(&mut f)?;
            let start = match format {
                Some(Format::Warc) if gzip => crate::range::warc_gz_start(path, &mut f, range)?,
                Some(Format::Warc) => crate::range::warc_start(&mut f, range)?,
                _ => crate::range::jsonl_start(&mut f, range)?,
            };
            if let Some(s) = start {
                f.seek(SeekFrom::Start(s.offset))?;
            }
            Ok((f, start.map(|s| (s, gzip))))
        });
        match found {
            Ok((f, Some((start, gzip)))) => {
                let source = Source {
                    name,
                    id_base: unit.file.id_base.clone(),
                };
                let window = Window {
                    offset: start.offset,
                    end: range.end,
                    lines_before: start.lines_before,
                    gzip,
                };
                Self::from_reader_at(source, Box::new(f), format, cfg, bytes, Some(window))
            }
            // No record starts in this range: the one before reads the record that covers it.
            Ok((_, None)) => FileReader {
                items: Box::new(std::iter::empty()),
                bytes,
            },
            Err(e) => FileReader {
                items: Box::new(std::iter::once(reject(Reject::new(
                    name,
                    "unreadable_file",
                    e.to_string(),
                )))),
                bytes,
            },
        }
    }

    /// Reads JSONL (or the forced format) from stdin; ids default to `stdin:<line>`.
    pub fn stdin(cfg: &ReadConfig) -> FileReader {
        let source = Source {
            name: "-".into(),
            id_base: "stdin".into(),
        };
        let format = cfg.format.or(Some(Format::Jsonl));
        let bytes = Arc::new(AtomicU64::new(0));
        Self::from_reader(source, Box::new(io::stdin()), format, cfg, bytes)
    }

    /// Compressed bytes consumed so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// A shared handle on the byte counter, for progress reporting from another thread.
    pub fn bytes_counter(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.bytes)
    }

    fn from_reader(
        source: Source,
        raw: Box<dyn Read + Send>,
        format: Option<Format>,
        cfg: &ReadConfig,
        bytes: Arc<AtomicU64>,
    ) -> FileReader {
        Self::from_reader_at(source, raw, format, cfg, bytes, None)
    }

    /// `window`: the input starts at a record boundary inside a file and records that start at
    /// or after its end belong to the next range.
    fn from_reader_at(
        source: Source,
        raw: Box<dyn Read + Send>,
        format: Option<Format>,
        cfg: &ReadConfig,
        bytes: Arc<AtomicU64>,
        window: Option<Window>,
    ) -> FileReader {
        let counted = Counting {
            inner: raw,
            count: Arc::clone(&bytes),
        };
        let mut buffered = BufReader::with_capacity(64 << 10, counted);
        let magic = match buffered.fill_buf() {
            Ok(b) => b.get(..4).unwrap_or(b).to_vec(),
            Err(e) => {
                return FileReader {
                    items: Box::new(std::iter::once(reject(Reject::new(
                        source.name,
                        "unreadable_file",
                        e.to_string(),
                    )))),
                    bytes,
                }
            }
        };
        // An uncompressed range starts mid-file, where the bytes are never a compression
        // header; a `.warc.gz` range starts at a gzip member.
        let compression = match window {
            Some(w) if w.gzip => Compression::Gzip,
            Some(_) => Compression::None,
            None => Compression::sniff(&magic),
        };
        let members = window
            .filter(|w| w.gzip)
            .map(|w| (Arc::new(MemberLog::default()), w.offset));
        let decompressed: Box<dyn Read + Send> = match compression {
            Compression::Gzip => match &members {
                Some((log, base)) => {
                    Box::new(GzMembers::new(buffered).with_log(Arc::clone(log), *base))
                }
                None => Box::new(GzMembers::new(buffered)),
            },
            Compression::Zstd => match zstd::stream::read::Decoder::with_buffer(buffered) {
                Ok(d) => Box::new(d),
                Err(e) => {
                    return FileReader {
                        items: Box::new(std::iter::once(reject(Reject::new(
                            source.name,
                            "corrupt_zstd",
                            e.to_string(),
                        )))),
                        bytes,
                    }
                }
            },
            Compression::None => Box::new(buffered),
        };
        let bounded = Bounded {
            inner: decompressed,
            out: 0,
            max_out: cfg.limits.max_decompressed_bytes,
            max_ratio: cfg.limits.max_compression_ratio,
            compressed_in: Arc::clone(&bytes),
            check_ratio: compression != Compression::None,
        };
        let mut input = BufReader::with_capacity(64 << 10, bounded);
        let format = match format {
            Some(f) => f,
            None => match input.fill_buf() {
                Ok(head) => sniff_format(head),
                Err(e) => {
                    let r = io_reject(&source.name, None, compression, &e);
                    return FileReader {
                        items: Box::new(std::iter::once(reject(r))),
                        bytes,
                    };
                }
            },
        };
        let ctx = Ctx {
            source,
            compression,
            cfg: cfg.clone(),
        };
        let items: Box<dyn Iterator<Item = Item> + Send> = match format {
            Format::Html | Format::Text => {
                Box::new(single_document(ctx, input, format).into_iter())
            }
            Format::Jsonl => Box::new(JsonlItems {
                ctx,
                input: Tracked {
                    inner: input,
                    pos: window.map_or(0, |w| w.offset),
                },
                end: window.map_or(u64::MAX, |w| w.end),
                line: window.map_or(0, |w| w.lines_before),
                buf: Vec::new(),
                done: false,
            }),
            Format::Warc => {
                let items = crate::warc::WarcItems::new(
                    ctx.source,
                    ctx.compression,
                    ctx.cfg.limits.max_record_bytes,
                    input,
                );
                Box::new(match (window, members) {
                    (Some(w), Some((log, _))) => items.with_members(log, w.end),
                    (Some(w), None) => items.with_window(w.offset, w.end),
                    (None, _) => items,
                })
            }
        };
        FileReader { items, bytes }
    }
}

fn reject(r: Reject) -> Item {
    Item::Reject(Box::new(r))
}

pub(crate) struct Source {
    pub(crate) name: String,
    pub(crate) id_base: String,
}

struct Ctx {
    source: Source,
    compression: Compression,
    cfg: ReadConfig,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    fn sniff(magic: &[u8]) -> Compression {
        if magic.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if magic.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

pub(crate) fn compression_name(c: Compression) -> Option<&'static str> {
    match c {
        Compression::None => None,
        Compression::Gzip => Some("gzip"),
        Compression::Zstd => Some("zstd"),
    }
}

/// Guesses the format of a file whose extension says nothing.
fn sniff_format(head: &[u8]) -> Format {
    let trimmed = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .and_then(|i| head.get(i..))
        .unwrap_or(&[]);
    let trimmed = trimmed.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(trimmed);
    if trimmed.starts_with(b"WARC/") {
        Format::Warc
    } else if trimmed.starts_with(b"{") {
        Format::Jsonl
    } else if trimmed.starts_with(b"<") {
        Format::Html
    } else {
        Format::Text
    }
}

/// Counts bytes read from the file itself (before decompression).
struct Counting {
    inner: Box<dyn Read + Send>,
    count: Arc<AtomicU64>,
}

impl Read for Counting {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Counts the bytes a `BufRead` consumer consumes, so [`GzMembers`] can tell whether a failed
/// member made progress, and notes whether the file itself failed (as opposed to its data).
struct ConsumeCounter<R> {
    inner: R,
    consumed: u64,
    failed: bool,
}

impl<R> ConsumeCounter<R> {
    fn note<T>(&mut self, r: io::Result<T>) -> io::Result<T> {
        if r.as_ref()
            .is_err_and(|e| e.kind() != io::ErrorKind::Interrupted)
        {
            self.failed = true;
        }
        r
    }
}

impl<R: BufRead> Read for ConsumeCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let r = self.inner.read(buf);
        let n = self.note(r)?;
        self.consumed += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for ConsumeCounter<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        let ConsumeCounter { inner, failed, .. } = self;
        match inner.fill_buf() {
            Ok(b) => Ok(b),
            Err(e) => {
                *failed |= e.kind() != io::ErrorKind::Interrupted;
                Err(e)
            }
        }
    }
    fn consume(&mut self, amt: usize) {
        self.consumed += amt as u64;
        self.inner.consume(amt);
    }
}

enum GzState<R> {
    /// Inside a member; `started_at` is where its header began.
    /// Boxed: the inflate state is large (zlib-rs), the other states are a reader.
    Member(Box<flate2::bufread::GzDecoder<ConsumeCounter<R>>>, u64),
    /// A member ended cleanly: next comes another member or the end of the input.
    Between(ConsumeCounter<R>),
    /// A member was corrupt: skip to the next gzip header (`1f 8b 08`).
    Resync(ConsumeCounter<R>, u64),
    /// After the file itself failed (or a read panicked half-way): reads end.
    Gone,
}

/// Reads concatenated gzip members (as `MultiGzDecoder` does), but a corrupt member does not end
/// the stream: its error is returned once, then reading resumes at the next gzip header. WARC
/// files compress each record as its own member, so one bad member costs one record, not the
/// rest of the file. Reads after an error always make progress through the input.
pub(crate) struct GzMembers<R> {
    state: GzState<R>,
    /// Decompressed bytes returned so far.
    out: u64,
    /// Where each member starts, for range readers of `.warc.gz` files.
    log: Option<(Arc<MemberLog>, u64)>,
}

/// The members a [`GzMembers`] entered: `(decompressed offset, compressed offset)` of each
/// member's start, oldest first. A range reader of a `.warc.gz` file (one member per record)
/// looks up where the record it is about to read starts in the compressed file.
#[derive(Default)]
pub(crate) struct MemberLog(std::sync::Mutex<std::collections::VecDeque<(u64, u64)>>);

impl MemberLog {
    fn push(&self, decompressed: u64, compressed: u64) {
        let mut q = self.0.lock().unwrap_or_else(|p| p.into_inner());
        q.push_back((decompressed, compressed));
    }

    /// The compressed start of the member that holds decompressed offset `at`, forgetting
    /// the members before it.
    pub(crate) fn compressed_start(&self, at: u64) -> Option<u64> {
        let mut q = self.0.lock().unwrap_or_else(|p| p.into_inner());
        while q.len() >= 2 && q.get(1).is_some_and(|&(d, _)| d <= at) {
            q.pop_front();
        }
        q.front().filter(|&&(d, _)| d <= at).map(|&(_, c)| c)
    }
}

impl<R: BufRead> GzMembers<R> {
    pub(crate) fn new(inner: R) -> Self {
        GzMembers {
            state: GzState::Between(ConsumeCounter {
                inner,
                consumed: 0,
                failed: false,
            }),
            out: 0,
            log: None,
        }
    }

    /// Records every member's start in `log`; the input begins at compressed offset `base`.
    pub(crate) fn with_log(mut self, log: Arc<MemberLog>, base: u64) -> Self {
        self.log = Some((log, base));
        self
    }

    fn started(&self, at: u64) {
        if let Some((log, base)) = &self.log {
            log.push(self.out, base + at);
        }
    }
}

const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

impl<R: BufRead> Read for GzMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            match std::mem::replace(&mut self.state, GzState::Gone) {
                GzState::Gone => return Ok(0),
                GzState::Member(mut d, started_at) => match d.read(buf) {
                    Ok(0) => self.state = GzState::Between(d.into_inner()),
                    Ok(n) => {
                        self.state = GzState::Member(d, started_at);
                        self.out += n as u64;
                        return Ok(n);
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {
                        self.state = GzState::Member(d, started_at);
                        return Err(e);
                    }
                    Err(e) => {
                        let r = (*d).into_inner();
                        // A failing file ends the stream; only bad data is skipped over.
                        if !r.failed {
                            self.state = GzState::Resync(r, started_at);
                        }
                        return Err(e);
                    }
                },
                GzState::Between(mut r) => {
                    let head = match r.fill_buf() {
                        Ok(h) => h,
                        Err(e) => {
                            if !r.failed {
                                self.state = GzState::Between(r);
                            }
                            return Err(e);
                        }
                    };
                    match head.first() {
                        None => {
                            self.state = GzState::Between(r);
                            return Ok(0);
                        }
                        Some(0x1f) => {
                            let at = r.consumed;
                            self.started(at);
                            self.state =
                                GzState::Member(Box::new(flate2::bufread::GzDecoder::new(r)), at);
                        }
                        Some(_) => {
                            let at = r.consumed;
                            self.state = GzState::Resync(r, at);
                            return Err(io::Error::new(
                                io::ErrorKind::InvalidData,
                                format!(
                                    "data after the end of a gzip member at byte {at} is not gzip"
                                ),
                            ));
                        }
                    }
                }
                GzState::Resync(mut r, failed_at) => {
                    if r.consumed == failed_at {
                        // The failed member consumed nothing: step past its first byte.
                        if let Err(e) = r.fill_buf() {
                            if !r.failed {
                                self.state = GzState::Resync(r, failed_at);
                            }
                            return Err(e);
                        }
                        r.consume(1);
                    }
                    loop {
                        let head = match r.fill_buf() {
                            Ok(h) => h,
                            Err(e) => {
                                if !r.failed {
                                    let at = r.consumed;
                                    self.state = GzState::Resync(r, at);
                                }
                                return Err(e);
                            }
                        };
                        if head.is_empty() {
                            self.state = GzState::Between(r);
                            break;
                        }
                        // A header cut by the buffer's end is tried as a member; if it is not one,
                        // that member fails having consumed bytes, and the scan goes on.
                        let found = head.windows(3).position(|w| w == GZIP_MAGIC).or_else(|| {
                            let tail = head.len().saturating_sub(2);
                            head.get(tail..)
                                .and_then(|t| t.iter().position(|&b| b == 0x1f))
                                .map(|i| tail + i)
                                .filter(|&i| GZIP_MAGIC.starts_with(head.get(i..).unwrap_or(&[])))
                        });
                        match found {
                            Some(i) => {
                                r.consume(i);
                                let at = r.consumed;
                                self.started(at);
                                self.state = GzState::Member(
                                    Box::new(flate2::bufread::GzDecoder::new(r)),
                                    at,
                                );
                                break;
                            }
                            None => {
                                let n = head.len();
                                r.consume(n);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Raised when decompressed output passes a configured bound.
#[derive(Debug)]
pub(crate) struct BombError(String);

impl std::fmt::Display for BombError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BombError {}

/// Bounds decompressed output by size and by expansion ratio (decompression bombs).
struct Bounded {
    inner: Box<dyn Read + Send>,
    out: u64,
    max_out: u64,
    max_ratio: f64,
    compressed_in: Arc<AtomicU64>,
    check_ratio: bool,
}

impl Read for Bounded {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.out += n as u64;
        if self.out > self.max_out {
            return Err(io::Error::other(BombError(format!(
                "decompressed size passed the limit of {} bytes (limits.max_decompressed_bytes)",
                self.max_out
            ))));
        }
        if self.check_ratio && self.out > 16 << 20 {
            let compressed = self.compressed_in.load(Ordering::Relaxed).max(1);
            if self.out as f64 / compressed as f64 > self.max_ratio {
                return Err(io::Error::other(BombError(format!(
                    "compression ratio passed {} after {} bytes (limits.max_compression_ratio)",
                    self.max_ratio, self.out
                ))));
            }
        }
        Ok(n)
    }
}

/// Turns a read error into a reject with a stable reason code.
pub(crate) fn io_reject(
    file: &str,
    record: Option<String>,
    compression: Compression,
    e: &io::Error,
) -> Reject {
    let bomb = e
        .get_ref()
        .is_some_and(|inner| inner.downcast_ref::<BombError>().is_some());
    let reason = if bomb {
        "decompression_limit"
    } else {
        match (compression, e.kind()) {
            (Compression::Gzip, io::ErrorKind::UnexpectedEof) => "truncated_gzip",
            (Compression::Gzip, _) => "corrupt_gzip",
            (Compression::Zstd, io::ErrorKind::UnexpectedEof) => "truncated_zstd",
            (Compression::Zstd, _) => "corrupt_zstd",
            (Compression::None, _) => "read_error",
        }
    };
    let mut r = Reject::new(file, reason, e.to_string());
    r.record = record;
    r
}

/// An HTML page or a whole-page text dump: the whole file is one document.
fn single_document(ctx: Ctx, mut input: impl Read, format: Format) -> Option<Item> {
    let name = &ctx.source.name;
    let max = ctx.cfg.limits.max_record_bytes;
    let mut buf = Vec::new();
    if let Err(e) = (&mut input).take(max + 1).read_to_end(&mut buf) {
        return Some(reject(io_reject(name, None, ctx.compression, &e)));
    }
    if buf.len() as u64 > max {
        return Some(reject(
            Reject::new(
                name.as_str(),
                "record_too_large",
                format!("the document is larger than limits.max_record_bytes ({max} bytes)"),
            )
            .with_excerpt(&buf),
        ));
    }
    if buf.iter().all(u8::is_ascii_whitespace) {
        return Some(reject(Reject::new(
            name.as_str(),
            "empty_file",
            "the file holds no text",
        )));
    }
    let has_utf16_bom = buf.starts_with(b"\xFF\xFE") || buf.starts_with(b"\xFE\xFF");
    if !has_utf16_bom && looks_binary(&buf) {
        return Some(reject(
            Reject::new(
                name.as_str(),
                "binary_file",
                "the file holds binary data (NUL or control bytes), not text or HTML",
            )
            .with_excerpt(&buf),
        ));
    }
    let is_html = format == Format::Html;
    let (text, encoding) = decode(&buf, None, is_html);
    let mut doc = Document::new(ctx.source.id_base.clone(), "");
    if is_html {
        doc.html = Some(text);
    } else {
        doc.text = text;
    }
    doc.set_meta("source_file", name.as_str());
    doc.set_meta("format", if is_html { "html" } else { "text" });
    doc.set_meta("encoding", encoding);
    if let Some(c) = compression_name(ctx.compression) {
        doc.set_meta("compression", c);
    }
    Some(Item::Doc(Box::new(doc)))
}

/// NUL bytes, or many C0 control bytes, in the first 8 KiB mean this is not text.
pub(crate) fn looks_binary(buf: &[u8]) -> bool {
    let head = &buf[..buf.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let controls = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c | 0x1b))
        .count();
    controls * 10 > head.len().max(1)
}

/// Outcome of reading one line with a length bound.
pub(crate) enum Line {
    Eof,
    Ok,
    /// The line was longer than the bound; its bytes were skipped. Holds its full length.
    TooLong(u64),
}

/// Reads one `\n`-terminated line into `buf` (without the newline), never holding more than
/// `max` bytes of it: a longer line is consumed and reported, not buffered.
pub(crate) fn read_line_bounded(
    input: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: u64,
) -> io::Result<Line> {
    buf.clear();
    let mut total: u64 = 0;
    let mut any = false;
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            return Ok(if !any {
                Line::Eof
            } else if total > max {
                Line::TooLong(total)
            } else {
                Line::Ok
            });
        }
        any = true;
        let (take, found) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        total += take as u64;
        if total <= max {
            buf.extend_from_slice(&chunk[..take]);
        } else if !buf.is_empty() {
            buf.clear();
            buf.shrink_to(64 << 10);
        }
        input.consume(take + usize::from(found));
        if found {
            return Ok(if total > max {
                Line::TooLong(total)
            } else {
                Line::Ok
            });
        }
    }
}

/// Where a range reader starts and ends (see [`crate::range`]).
#[derive(Debug, Clone, Copy)]
struct Window {
    offset: u64,
    end: u64,
    lines_before: u64,
    /// A `.warc.gz` range: `offset` and `end` are compressed offsets of gzip members.
    gzip: bool,
}

/// A `BufRead` that knows how many bytes were consumed from it (plus a starting offset).
struct Tracked<R> {
    inner: R,
    pos: u64,
}

impl<R: BufRead> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Tracked<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        self.inner.fill_buf()
    }
    fn consume(&mut self, n: usize) {
        self.inner.consume(n);
        self.pos += n as u64;
    }
}

struct JsonlItems<R> {
    ctx: Ctx,
    input: Tracked<R>,
    /// Lines that start at or after this offset belong to the next range.
    end: u64,
    line: u64,
    buf: Vec<u8>,
    done: bool,
}

impl<R: BufRead> Iterator for JsonlItems<R> {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        let name = self.ctx.source.name.clone();
        while !self.done {
            if self.input.pos >= self.end {
                self.done = true;
                break;
            }
            let max = self.ctx.cfg.limits.max_record_bytes;
            let read = read_line_bounded(&mut self.input, &mut self.buf, max);
            self.line += 1;
            let at = format!("line {}", self.line);
            match read {
                Err(e) => {
                    self.done = true;
                    return Some(reject(io_reject(&name, Some(at), self.ctx.compression, &e)));
                }
                Ok(Line::Eof) => self.done = true,
                Ok(Line::TooLong(n)) => {
                    return Some(reject(
                        Reject::new(
                            name,
                            "record_too_large",
                            format!(
                                "the line has {n} bytes, more than limits.max_record_bytes ({max})"
                            ),
                        )
                        .at(at),
                    ))
                }
                Ok(Line::Ok) => {
                    let line = self.buf.strip_suffix(b"\r").unwrap_or(&self.buf);
                    if line.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some(self.parse(line, at));
                }
            }
        }
        None
    }
}

impl<R> JsonlItems<R> {
    fn parse(&self, line: &[u8], at: String) -> Item {
        let name = self.ctx.source.name.as_str();
        let bad = |reason: &str, detail: String| {
            reject(
                Reject::new(name, reason, detail)
                    .at(at.clone())
                    .with_excerpt(line),
            )
        };
        if let Err(e) = std::str::from_utf8(line) {
            return bad("invalid_utf8", format!("the line is not valid UTF-8: {e}"));
        }
        let mut obj = match serde_json::from_slice::<Value>(line) {
            Ok(Value::Object(o)) => o,
            Ok(_) => return bad("not_an_object", "the line is JSON but not an object".into()),
            Err(e) => return bad("invalid_json", e.to_string()),
        };
        let f = &self.ctx.cfg.fields;
        let id = match obj.remove(&f.id) {
            Some(Value::String(s)) if !s.is_empty() => s,
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::Null) | None => format!("{}:{}", self.ctx.source.id_base, self.line),
            Some(other) => {
                return bad(
                    "invalid_field",
                    format!("field `{}` must be a string, not {other}", f.id),
                )
            }
        };
        let mut take_str = |key: &str| -> Result<Option<String>, String> {
            match obj.remove(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s)),
                Some(other) => Err(format!("field `{key}` must be a string, not {other}")),
            }
        };
        let fields = (|| {
            Ok::<_, String>((
                take_str(&f.url)?,
                take_str(&f.title)?,
                take_str(&f.html)?,
                take_str(&f.text)?,
            ))
        })();
        let (url, title, html, text) = match fields {
            Ok(v) => v,
            Err(detail) => return bad("invalid_field", detail),
        };
        if html.is_none() && text.is_none() {
            return bad(
                "missing_text",
                format!("the object has neither `{}` nor `{}`", f.text, f.html),
            );
        }
        // The rest may hold pith's own fields (meta, paragraphs, ...) from an earlier stage.
        let mut doc: Document = match serde_json::from_value(Value::Object(obj)) {
            Ok(d) => d,
            Err(e) => return bad("invalid_field", e.to_string()),
        };
        doc.id = id;
        doc.url = url;
        doc.title = title;
        doc.html = html;
        doc.text = text.unwrap_or_default();
        if !doc.meta.contains_key("source_file") {
            doc.set_meta("source_file", name);
            doc.set_meta("source_record", at);
        }
        Item::Doc(Box::new(doc))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn read_all(name: &str, bytes: &[u8], cfg: &ReadConfig) -> Vec<Item> {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).expect("write");
        let file = InputFile::new(path, dir.path());
        FileReader::open(&file, cfg).collect()
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(bytes).expect("gzip");
        e.finish().expect("gzip")
    }

    fn docs(items: &[Item]) -> Vec<&Document> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Doc(d) => Some(&**d),
                Item::Reject(_) | Item::Skip(_) => None,
            })
            .collect()
    }

    fn rejects(items: &[Item]) -> Vec<&Reject> {
        items
            .iter()
            .filter_map(|i| match i {
                Item::Reject(r) => Some(&**r),
                Item::Doc(_) | Item::Skip(_) => None,
            })
            .collect()
    }

    #[test]
    fn html_file_is_one_document_with_its_id() {
        let items = read_all(
            "page.html.gz",
            &gzip(b"<html><p>Hi</p></html>"),
            &ReadConfig::default(),
        );
        let d = docs(&items);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].id, "page");
        assert!(d[0].html.as_deref().is_some_and(|h| h.contains("<p>Hi")));
        assert_eq!(d[0].meta["compression"], "gzip");
    }

    #[test]
    fn multi_member_gzip_is_read_whole() {
        let mut bytes = gzip(b"{\"id\":\"a\",\"text\":\"one\"}\n");
        bytes.extend(gzip(b"{\"id\":\"b\",\"text\":\"two\"}\n"));
        let items = read_all("x.jsonl.gz", &bytes, &ReadConfig::default());
        let ids: Vec<_> = docs(&items).iter().map(|d| d.id.clone()).collect();
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn zstd_is_detected_by_magic() {
        let bytes = zstd::encode_all(&b"plain text dump\nsecond line\n"[..], 3).expect("zstd");
        let items = read_all("dump.txt.zst", &bytes, &ReadConfig::default());
        assert_eq!(docs(&items)[0].text, "plain text dump\nsecond line\n");
    }

    #[test]
    fn truncated_gzip_is_a_reject() {
        let bytes = gzip(&b"<p>some words</p>".repeat(2000));
        let items = read_all(
            "t.html.gz",
            &bytes[..bytes.len() / 2],
            &ReadConfig::default(),
        );
        assert_eq!(rejects(&items)[0].reason, "truncated_gzip");
    }

    #[test]
    fn bad_jsonl_lines_are_rejected_and_the_rest_read() {
        let input = b"{\"id\":\"a\",\"text\":\"x\",\"extra\":1}\nnot json\n\n[1]\n{\"text\":\"no id\"}\n{\"id\":\"c\"}\n";
        let items = read_all("d.jsonl", input, &ReadConfig::default());
        let d = docs(&items);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].extra["extra"], 1);
        assert_eq!(d[1].id, "d:5");
        let r = rejects(&items);
        let reasons: Vec<_> = r
            .iter()
            .map(|r| (r.reason.as_str(), r.record.as_deref()))
            .collect();
        assert_eq!(
            reasons,
            [
                ("invalid_json", Some("line 2")),
                ("not_an_object", Some("line 4")),
                ("missing_text", Some("line 6"))
            ]
        );
    }

    #[test]
    fn overlong_jsonl_line_is_skipped_without_buffering() {
        let mut cfg = ReadConfig::default();
        cfg.limits.max_record_bytes = 100;
        let mut input =
            format!("{{\"id\":\"big\",\"text\":\"{}\"}}\n", "x".repeat(10_000)).into_bytes();
        input.extend(b"{\"id\":\"ok\",\"text\":\"fine\"}\n");
        let items = read_all("d.jsonl", &input, &cfg);
        assert_eq!(rejects(&items)[0].reason, "record_too_large");
        assert_eq!(docs(&items)[0].id, "ok");
    }

    #[test]
    fn empty_and_binary_files_are_rejected() {
        let items = read_all("e.html", b"", &ReadConfig::default());
        assert_eq!(rejects(&items)[0].reason, "empty_file");
        let items = read_all("b.txt", &[0u8, 1, 2, 3, 0, 0, 7, 8], &ReadConfig::default());
        assert_eq!(rejects(&items)[0].reason, "binary_file");
    }

    /// Reads a `GzMembers` to its end, collecting output and errors (at most 10,000 reads).
    fn drain_gz(r: impl BufRead) -> (Vec<u8>, Vec<String>) {
        let mut gz = GzMembers::new(r);
        let (mut out, mut errors) = (Vec::new(), Vec::new());
        let mut buf = [0u8; 1024];
        for _ in 0..10_000 {
            match gz.read(&mut buf) {
                Ok(0) => return (out, errors),
                Ok(n) => out.extend_from_slice(&buf[..n]),
                Err(e) => errors.push(e.to_string()),
            }
        }
        panic!("GzMembers did not end: {errors:?}");
    }

    #[test]
    fn gz_members_resume_after_a_corrupt_member() {
        let mut bytes = gzip(b"first member\n");
        let mut bad = gzip(&b"second member ".repeat(40));
        bad[10..14].copy_from_slice(&[0xff; 4]);
        bytes.extend(bad);
        bytes.extend(gzip(b"third member\n"));
        bytes.extend(b"trailing junk");
        let (out, errors) = drain_gz(&bytes[..]);
        assert_eq!(out, b"first member\nthird member\n");
        assert_eq!(errors.len(), 2, "{errors:?}");
        // Valid input reads exactly as MultiGzDecoder reads it.
        let mut good = gzip(b"a");
        good.extend(gzip(b""));
        good.extend(gzip(b"bc"));
        assert_eq!(drain_gz(&good[..]), (b"abc".to_vec(), vec![]));
        // One byte at a time, so headers are cut by the buffer's end.
        let (out, _) = drain_gz(BufReader::with_capacity(1, &bytes[..]));
        assert_eq!(out, b"first member\nthird member\n");
    }

    #[test]
    fn gz_members_end_when_the_file_itself_fails() {
        struct Failing(Vec<u8>);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                if self.0.is_empty() {
                    return Err(io::Error::other("disk error"));
                }
                let n = buf.len().min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0.drain(..n);
                Ok(n)
            }
        }
        let text: String = (0..2000u32)
            .map(|i| format!("{} ", i * 7919 % 10007))
            .collect();
        let mut bytes = gzip(text.as_bytes());
        bytes.truncate(bytes.len() / 2);
        let (out, errors) = drain_gz(BufReader::with_capacity(16, Failing(bytes)));
        assert!(!out.is_empty());
        assert_eq!(errors, ["disk error"]);
    }

    #[test]
    fn decompression_bomb_is_bounded() {
        let mut cfg = ReadConfig::default();
        cfg.limits.max_decompressed_bytes = 1 << 20;
        let bomb = gzip(&vec![b'a'; 4 << 20]);
        let items = read_all("bomb.txt.gz", &bomb, &cfg);
        assert_eq!(rejects(&items)[0].reason, "decompression_limit");
        cfg.limits.max_decompressed_bytes = 1 << 40;
        let bomb = gzip(&vec![b'a'; 40 << 20]);
        let items = read_all("bomb.txt.gz", &bomb, &cfg);
        assert_eq!(rejects(&items)[0].reason, "decompression_limit");
    }
}
