//! The segment stage: paragraphs, sentences and chunks, each a byte span into the document's
//! text, so that nothing is lost or altered by segmentation.
//!
//! ```
//! use pith_segment::split_paragraphs;
//! let text = "First paragraph.\n\nSecond one.";
//! let paras = split_paragraphs(text);
//! assert_eq!(paras.len(), 2);
//! assert_eq!(&text[paras[1].start..paras[1].end], "Second one.");
//! ```

use pith_core::{Chunk, Document, Error, Span, Stage, Verdict};
use serde::Deserialize;

/// The `[[stage]] kind = "segment"` section of `pipeline.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SegmentConfig {
    pub paragraphs: bool,
    pub sentences: bool,
    /// Chunking for embedding pipelines; off unless set.
    pub chunk: Option<ChunkConfig>,
}

impl Default for SegmentConfig {
    fn default() -> Self {
        SegmentConfig {
            paragraphs: true,
            sentences: true,
            chunk: None,
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
        Ok(Segment { cfg })
    }
}

impl Stage for Segment {
    fn name(&self) -> &'static str {
        "segment"
    }

    fn process(&self, mut doc: Document) -> Verdict {
        if self.cfg.paragraphs {
            doc.paragraphs = Some(split_paragraphs(&doc.text));
        }
        if self.cfg.sentences || self.cfg.chunk.is_some() {
            let sentences = split_sentences(&doc.text);
            if let Some(c) = &self.cfg.chunk {
                doc.chunks = Some(chunks(&doc.text, &sentences, c));
            }
            if self.cfg.sentences {
                doc.sentences = Some(sentences);
            }
        }
        Verdict::Keep(doc)
    }
}

fn span(text: &str, start: usize, end: usize) -> Span {
    Span {
        start,
        end,
        text: text.get(start..end).unwrap_or_default().to_string(),
        kind: None,
    }
}

/// Paragraphs are runs of non-blank lines; blank lines separate them.
pub fn split_paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    let mut end = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches(['\n', '\r']);
        if content.trim().is_empty() {
            if let Some(s) = start.take() {
                out.push(span(text, s, end));
            }
        } else {
            let lead = content.len() - content.trim_start().len();
            if start.is_none() {
                start = Some(pos + lead);
            }
            end = pos + content.trim_end().len();
        }
        pos += line.len();
    }
    if let Some(s) = start {
        out.push(span(text, s, end));
    }
    out
}

/// Sentences: a first version that splits after `.`, `!` or `?` followed by whitespace and an
/// upper-case letter, and at paragraph breaks.
pub fn split_sentences(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for p in split_paragraphs(text) {
        let body = &p.text;
        let mut start = 0;
        let chars: Vec<(usize, char)> = body.char_indices().collect();
        for w in 0..chars.len() {
            let (i, c) = chars[w];
            if matches!(c, '.' | '!' | '?') {
                let next_ws = chars.get(w + 1).is_some_and(|(_, n)| n.is_whitespace());
                let next_upper = chars.get(w + 2).is_some_and(|(_, n)| n.is_uppercase());
                if next_ws && next_upper {
                    let end = i + c.len_utf8();
                    out.push(span(text, p.start + start, p.start + end));
                    start = chars[w + 2].0;
                }
            }
        }
        if start < body.len() {
            out.push(span(text, p.start + start, p.end));
        }
    }
    out
}

/// Packs sentences into windows of at most `size` units, with `overlap` units carried over.
pub fn chunks(text: &str, sentences: &[Span], cfg: &ChunkConfig) -> Vec<Chunk> {
    let measure = |s: &Span| match cfg.unit {
        ChunkUnit::Chars => s.text.chars().count(),
        ChunkUnit::Tokens => s.text.split_whitespace().count(),
    };
    let mut out = Vec::new();
    let mut first = 0;
    while first < sentences.len() {
        let mut last = first;
        let mut size = measure(&sentences[first]);
        while last + 1 < sentences.len() && size + measure(&sentences[last + 1]) <= cfg.size {
            last += 1;
            size += measure(&sentences[last]);
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
        while next > first + 1 && carried + measure(&sentences[next - 1]) <= cfg.overlap {
            next -= 1;
            carried += measure(&sentences[next]);
        }
        first = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_cover_the_text_exactly() {
        let text = "  Title line\n\nFirst sentence. Second one!\nStill para.\n\n\nLast.";
        for s in split_sentences(text)
            .iter()
            .chain(split_paragraphs(text).iter())
        {
            assert_eq!(&text[s.start..s.end], s.text);
        }
        let paras = split_paragraphs(text);
        assert_eq!(paras.len(), 3);
        assert_eq!(paras[0].text, "Title line");
    }

    #[test]
    fn chunks_respect_size_and_overlap() {
        let text = "One two. Three four. Five six. Seven eight.";
        let sents = split_sentences(text);
        assert_eq!(sents.len(), 4);
        let cfg = ChunkConfig {
            size: 4,
            overlap: 2,
            unit: ChunkUnit::Tokens,
        };
        let c = chunks(text, &sents, &cfg);
        let texts: Vec<_> = c.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "One two. Three four.",
                "Three four. Five six.",
                "Five six. Seven eight."
            ]
        );
    }
}
