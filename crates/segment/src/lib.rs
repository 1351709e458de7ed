//! The segment stage: paragraphs, sentences and chunks, each a byte span into the document's
//! text, so that nothing is lost or altered by segmentation.
//!
//! * Paragraphs come from the clean stage's block structure (blocks separated by a blank
//!   line); a heading or a list item inside a block is a paragraph of its own, marked by
//!   [`Span::kind`] (`heading`, `list_item`, `paragraph`), and so is each line of a block
//!   whose lines are not hard-wrapped prose.
//! * Sentences come from a single-pass rule splitter (module `sentence`) with per-language
//!   abbreviation lists ([`lang`]); the language is the document's `lang` field, or else
//!   identified from a sample of the text (function words, else `whatlang`) and stored
//!   there. Text in no identifiable language falls back to the Unicode sentence boundaries
//!   of UAX #29.
//! * Chunks are windows of whole sentences for embedding pipelines.
//!
//! Every span satisfies `text[span.start..span.end] == span.text`; spans of one kind are in
//! order, do not overlap, and only whitespace lies between them.
//!
//! ```
//! use pith_segment::{split_paragraphs, split_sentences_lang};
//! let text = "Results\n\nDr. Ruiz arrived at 5 p.m. on Friday. She left early.";
//! let paras = split_paragraphs(text);
//! assert_eq!(paras[0].kind.as_deref(), Some("heading"));
//! let sents = split_sentences_lang(text, "en");
//! assert_eq!(sents.len(), 3);
//! assert_eq!(&text[sents[2].start..sents[2].end], "She left early.");
//! ```

pub mod lang;
mod langid;
mod paragraph;
mod sentence;

use pith_core::{Chunk, Document, Error, Span, Stage, Verdict};
use serde::Deserialize;
use unicode_segmentation::UnicodeSegmentation;

pub use lang::{detect_language, Detected, SUPPORTED};
pub use paragraph::split_paragraphs;

/// The `[[stage]] kind = "segment"` section of `pipeline.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SegmentConfig {
    /// Set `paragraphs` on each document.
    pub paragraphs: bool,
    /// Set `sentences` on each document.
    pub sentences: bool,
    /// Chunking for embedding pipelines; off unless set.
    pub chunk: Option<ChunkConfig>,
    /// Identify the language of documents without a `lang` field and store it there.
    pub detect_lang: bool,
    /// The language assumed when a document has no `lang` and identification is off or
    /// unsure (ISO 639-1); without it such documents get the Unicode rules.
    pub default_lang: Option<String>,
}

impl Default for SegmentConfig {
    fn default() -> Self {
        SegmentConfig {
            paragraphs: true,
            sentences: true,
            chunk: None,
            detect_lang: true,
            default_lang: None,
        }
    }
}

/// Windows of whole sentences.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChunkConfig {
    /// Largest chunk, in `unit`s (a single longer sentence is a chunk of its own).
    pub size: usize,
    /// Sentences carried over from the end of one chunk to the start of the next, in `unit`s.
    #[serde(default)]
    pub overlap: usize,
    #[serde(default)]
    pub unit: ChunkUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChunkUnit {
    #[default]
    Chars,
    Tokens,
}

/// The segment stage.
pub struct Segment {
    cfg: SegmentConfig,
}

impl Segment {
    pub fn new(cfg: SegmentConfig) -> Result<Self, Error> {
        if let Some(c) = &cfg.chunk {
            if c.size == 0 {
                return Err(Error::config("chunk.size must be greater than 0"));
            }
            if c.overlap >= c.size {
                return Err(Error::config(
                    "chunk.overlap must be smaller than chunk.size",
                ));
            }
        }
        if let Some(l) = &cfg.default_lang {
            if l.trim().is_empty() {
                return Err(Error::config("default_lang must not be empty"));
            }
        }
        Ok(Segment { cfg })
    }

    /// The rules for a document: its own `lang` wins; else a reliable guess, which is stored
    /// in `doc.lang`; else `default_lang`; else an unsure guess (not stored); else Unicode.
    fn rules_for(&self, doc: &mut Document) -> Rules {
        if let Some(l) = doc.lang.as_deref().filter(|l| !l.trim().is_empty()) {
            return Rules::for_code(l);
        }
        let guess = if self.cfg.detect_lang {
            detect_language(&doc.text)
        } else {
            None
        };
        if let Some(g) = guess.filter(|g| g.reliable) {
            doc.lang = Some(g.code.to_string());
            return Rules::for_code(g.code);
        }
        if let Some(l) = &self.cfg.default_lang {
            return Rules::for_code(l);
        }
        guess.map_or(Rules::Unicode, |g| Rules::for_code(g.code))
    }
}

impl Stage for Segment {
    fn name(&self) -> &'static str {
        "segment"
    }

    fn process(&self, mut doc: Document) -> Verdict {
        let want_sentences = self.cfg.sentences || self.cfg.chunk.is_some();
        if !self.cfg.paragraphs && !want_sentences {
            return Verdict::Keep(doc);
        }
        let rules = self.rules_for(&mut doc);
        let paragraphs = split_paragraphs(&doc.text);
        if want_sentences {
            let sentences = sentences_in(&doc.text, &paragraphs, rules);
            if let Some(c) = &self.cfg.chunk {
                doc.chunks = Some(chunks(&doc.text, &sentences, c));
            }
            if self.cfg.sentences {
                doc.sentences = Some(sentences);
            }
        }
        if self.cfg.paragraphs {
            doc.paragraphs = Some(paragraphs);
        }
        Verdict::Keep(doc)
    }
}

/// Which sentence rules apply.
#[derive(Clone, Copy)]
enum Rules {
    Lang(&'static lang::Profile),
    /// UAX #29 sentence boundaries.
    Unicode,
}

impl Rules {
    /// A language with its own lists gets them; any other language code gets the
    /// language-neutral rules (numbers, initials, lists, ellipses, quotes); a code that names
    /// no language (`und`, `xx`, empty) gets the Unicode rules.
    fn for_code(code: &str) -> Rules {
        if let Some(p) = lang::profile(code) {
            return Rules::Lang(p);
        }
        let primary = code.split(['-', '_']).next().unwrap_or_default();
        let plausible = matches!(primary.len(), 2 | 3)
            && primary.bytes().all(|b| b.is_ascii_alphabetic())
            && !primary.eq_ignore_ascii_case("und")
            && !primary.eq_ignore_ascii_case("xx");
        if plausible {
            Rules::Lang(lang::generic())
        } else {
            Rules::Unicode
        }
    }
}

pub(crate) fn span(text: &str, start: usize, end: usize, kind: Option<&str>) -> Span {
    Span {
        start,
        end,
        text: text.get(start..end).unwrap_or_default().to_string(),
        kind: kind.map(str::to_string),
    }
}

/// Sentences of `text`, in the language identified from the text (Unicode rules when none
/// can be identified).
pub fn split_sentences(text: &str) -> Vec<Span> {
    let rules = detect_language(text).map_or(Rules::Unicode, |g| Rules::for_code(g.code));
    sentences_in(text, &split_paragraphs(text), rules)
}

/// Sentences of `text` by the rules of `lang` (an ISO 639-1 code such as `en`; a code pith
/// has no lists for gets the language-neutral rules, an empty or `und` code the Unicode ones).
pub fn split_sentences_lang(text: &str, lang: &str) -> Vec<Span> {
    sentences_in(text, &split_paragraphs(text), Rules::for_code(lang))
}

/// Sentences of `text` by the Unicode sentence boundaries of UAX #29 alone (the fallback).
pub fn split_sentences_unicode(text: &str) -> Vec<Span> {
    sentences_in(text, &split_paragraphs(text), Rules::Unicode)
}

/// Splits each paragraph into sentences; a sentence never crosses a paragraph.
fn sentences_in(text: &str, paragraphs: &[Span], rules: Rules) -> Vec<Span> {
    // News prose averages well over 80 bytes a sentence.
    let mut out = Vec::with_capacity(text.len() / 80 + 1);
    let mut ranges = Vec::new();
    let mut scratch = String::new();
    for p in paragraphs {
        let Some(body) = text.get(p.start..p.end) else {
            continue;
        };
        ranges.clear();
        match rules {
            Rules::Lang(profile) => sentence::split(body, profile, &mut ranges, &mut scratch),
            Rules::Unicode => unicode_sentences(body, &mut ranges),
        }
        out.extend(
            ranges
                .iter()
                .map(|&(a, b)| span(text, p.start + a, p.start + b, None)),
        );
    }
    out
}

fn unicode_sentences(body: &str, out: &mut Vec<(usize, usize)>) {
    for (start, s) in body.split_sentence_bound_indices() {
        let lead = s.len() - s.trim_start().len();
        let trimmed = s.trim();
        if !trimmed.is_empty() {
            out.push((start + lead, start + lead + trimmed.len()));
        }
    }
}

/// Packs sentences into windows of at most `size` units, with `overlap` units carried over.
pub fn chunks(text: &str, sentences: &[Span], cfg: &ChunkConfig) -> Vec<Chunk> {
    let measure = |s: &Span| match cfg.unit {
        ChunkUnit::Chars => s.text.chars().count(),
        ChunkUnit::Tokens => s.text.split_whitespace().count(),
    };
    let sizes: Vec<usize> = sentences.iter().map(measure).collect();
    let mut out = Vec::new();
    let mut first = 0;
    while first < sentences.len() {
        let mut last = first;
        let mut size = sizes[first];
        while last + 1 < sentences.len() && size + sizes[last + 1] <= cfg.size {
            last += 1;
            size += sizes[last];
        }
        let (start, end) = (sentences[first].start, sentences[last].end);
        out.push(Chunk {
            index: out.len(),
            start,
            end,
            text: text.get(start..end).unwrap_or_default().to_string(),
        });
        if last + 1 >= sentences.len() {
            break;
        }
        // Step back over sentences that fit in the overlap, but always move forward.
        let mut next = last + 1;
        let mut carried = 0;
        while next > first + 1 && carried + sizes[next - 1] <= cfg.overlap {
            next -= 1;
            carried += sizes[next];
        }
        first = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(spans: &[Span]) -> Vec<&str> {
        spans.iter().map(|s| s.text.as_str()).collect()
    }

    #[test]
    fn spans_cover_the_text_exactly() {
        let text = "  Title line\n\nFirst sentence. Second one!\nStill para.\n\n\nLast.";
        for s in split_sentences_lang(text, "en")
            .iter()
            .chain(split_paragraphs(text).iter())
        {
            assert_eq!(text.get(s.start..s.end), Some(s.text.as_str()));
        }
        let paras = split_paragraphs(text);
        let got: Vec<_> = paras.iter().map(|p| p.text.as_str()).collect();
        // Short lines are lines of their own: only hard-wrapped prose is joined.
        assert_eq!(
            got,
            [
                "Title line",
                "First sentence. Second one!",
                "Still para.",
                "Last."
            ]
        );
    }

    #[test]
    fn chunks_respect_size_and_overlap() {
        let text = "One two. Three four. Five six. Seven eight.";
        let sents = split_sentences_lang(text, "en");
        assert_eq!(sents.len(), 4);
        let cfg = ChunkConfig {
            size: 4,
            overlap: 2,
            unit: ChunkUnit::Tokens,
        };
        let c = chunks(text, &sents, &cfg);
        let got: Vec<_> = c.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            got,
            [
                "One two. Three four.",
                "Three four. Five six.",
                "Five six. Seven eight."
            ]
        );
        assert!(c.iter().enumerate().all(|(i, c)| c.index == i));
    }

    #[test]
    fn chunks_in_chars_without_overlap() {
        let text = "Aaaa. Bbbb. Cccc.";
        let sents = split_sentences_lang(text, "en");
        let cfg = ChunkConfig {
            size: 10,
            overlap: 0,
            unit: ChunkUnit::Chars,
        };
        let c = chunks(text, &sents, &cfg);
        let got: Vec<_> = c.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(got, ["Aaaa. Bbbb.", "Cccc."]);
    }

    #[test]
    fn document_lang_wins_and_detection_is_stored() {
        let stage = Segment::new(SegmentConfig::default()).expect("valid config");
        let text = "The council met on Monday evening to discuss the new budget for the city \
                    schools. Members argued for hours about the cost of repairs to old \
                    buildings. No decision was reached before midnight.";
        let Verdict::Keep(doc) = stage.process(Document::new("a", text)) else {
            panic!("segment keeps documents");
        };
        assert_eq!(doc.lang.as_deref(), Some("en"));
        assert_eq!(doc.sentences.as_ref().map(Vec::len), Some(3));

        let mut given = Document::new("b", text);
        given.lang = Some("ru".to_string());
        let Verdict::Keep(doc) = stage.process(given) else {
            panic!("segment keeps documents");
        };
        assert_eq!(doc.lang.as_deref(), Some("ru"));
    }

    #[test]
    fn unknown_language_uses_unicode_rules() {
        let text = "Zzz qqq. Xxx yyy!";
        let got = split_sentences_lang(text, "und");
        assert_eq!(texts(&got), ["Zzz qqq.", "Xxx yyy!"]);
        assert_eq!(texts(&split_sentences_unicode(text)), texts(&got));
    }

    #[test]
    fn config_is_validated() {
        let bad = SegmentConfig {
            chunk: Some(ChunkConfig {
                size: 5,
                overlap: 5,
                unit: ChunkUnit::Chars,
            }),
            ..SegmentConfig::default()
        };
        assert!(Segment::new(bad).is_err());
    }
}
