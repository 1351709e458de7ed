use serde::{Deserialize, Serialize};

use crate::Map;

/// One document as it flows through the pipeline.
///
/// Known fields are typed; every other field of an input JSON object is kept in `extra` and
/// written back unchanged, so pith can sit in the middle of someone else's pipeline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// Stable identifier (see the read crate for how it is derived).
    #[serde(default)]
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Language code (ISO 639-1 where known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// The text: a whole-page text dump before `clean`, the clean article after it.
    /// Paragraphs are separated by a blank line (`\n\n`).
    #[serde(default)]
    pub text: String,
    /// Raw HTML, when the input is a page; `clean` consumes it and clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// Metadata gathered on the way: source file and record, encoding, WARC headers, author,
    /// date and so on.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub meta: Map,
    /// Paragraph spans into `text`, set by `segment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paragraphs: Option<Vec<Span>>,
    /// Sentence spans into `text`, set by `segment`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentences: Option<Vec<Span>>,
    /// Chunks of whole sentences, set by `segment` when chunking is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chunks: Option<Vec<Chunk>>,
    /// The dedupe stage's decision: `{kept, reason, dup_of, cluster, similarity}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dedupe: Option<serde_json::Value>,
    /// Fields pith does not know, passed through untouched.
    #[serde(flatten)]
    pub extra: Map,
}

impl Document {
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            text: text.into(),
            ..Document::default()
        }
    }

    /// Sets one metadata field.
    pub fn set_meta(&mut self, key: &str, value: impl Into<serde_json::Value>) {
        self.meta.insert(key.to_string(), value.into());
    }

    /// Bytes of content this document carries (HTML if still raw, else text).
    pub fn content_len(&self) -> usize {
        self.html.as_ref().map_or(self.text.len(), String::len)
    }
}

/// A byte range `[start, end)` of a document's `text`, with the text it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// What the span is, where that is known (`heading`, `list_item`, `paragraph`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// A window of whole sentences, for embedding pipelines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chunk {
    pub index: usize,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_pass_through() {
        let line = r#"{"id":"a","text":"t","source_batch":7,"tags":["x"]}"#;
        let doc: Document = serde_json::from_str(line).expect("valid");
        assert_eq!(doc.extra["source_batch"], 7);
        let back = serde_json::to_value(&doc).expect("serialises");
        assert_eq!(back["tags"][0], "x");
        assert!(back.get("html").is_none());
    }
}
