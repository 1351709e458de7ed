use serde::Deserialize;

/// The `[input]` section of `pipeline.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReadConfig {
    /// Files, directories (read recursively) and glob patterns.
    pub paths: Vec<String>,
    /// Forces one format for every file; otherwise chosen by extension, then by content.
    pub format: Option<Format>,
    /// Which JSONL fields hold what.
    pub fields: JsonlFields,
    pub limits: Limits,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Html,
    Text,
    Jsonl,
    Warc,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "html" => Ok(Format::Html),
            "text" | "txt" => Ok(Format::Text),
            "jsonl" => Ok(Format::Jsonl),
            "warc" => Ok(Format::Warc),
            other => Err(format!(
                "unknown format `{other}` (expected html, text, jsonl or warc)"
            )),
        }
    }
}

/// Names of the JSONL fields that hold the id, url, title, HTML and text.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JsonlFields {
    pub id: String,
    pub url: String,
    pub title: String,
    pub html: String,
    pub text: String,
}

impl Default for JsonlFields {
    fn default() -> Self {
        JsonlFields {
            id: "id".into(),
            url: "url".into(),
            title: "title".into(),
            html: "html".into(),
            text: "text".into(),
        }
    }
}

/// Bounds that keep hostile input from exhausting memory.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// The largest single document or record, in bytes; larger ones are rejected.
    pub max_record_bytes: u64,
    /// The most bytes one compressed file may expand to.
    pub max_decompressed_bytes: u64,
    /// The largest expansion ratio of a compressed file (checked once past 16 MiB out).
    pub max_compression_ratio: f64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_record_bytes: 32 << 20,
            max_decompressed_bytes: 16 << 30,
            max_compression_ratio: 200.0,
        }
    }
}
