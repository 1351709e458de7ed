//! Boilerplate stripping for whole-page text dumps (first version: section-ending headings).

/// A cleaned text dump.
#[derive(Debug, Default, Clone)]
pub struct CleanedText {
    pub text: String,
    /// The page title, when the first line looks like one.
    pub title: Option<String>,
}

const SECTION_ENDS: &[&str] = &[
    "related articles",
    "related posts",
    "popular articles",
    "leave a reply",
    "comments",
    "download the app",
    "source link",
];

/// Strips page furniture from the visible text of a whole page.
pub fn clean_dump(dump: &str) -> CleanedText {
    let lines: Vec<&str> = dump.lines().map(str::trim).collect();
    let title = lines.iter().find(|l| !l.is_empty()).map(|s| s.to_string());
    let mut kept: Vec<&str> = Vec::new();
    for line in &lines {
        let lower = line.to_lowercase();
        if SECTION_ENDS.iter().any(|s| lower == *s) {
            break;
        }
        if line.split_whitespace().count() >= 8 {
            kept.push(line);
        }
    }
    CleanedText {
        text: kept.join("\n\n"),
        title,
    }
}
