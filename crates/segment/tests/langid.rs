//! Language identification from a sample of the text agrees with whatlang on the whole text,
//! on a multilingual set written for these tests (`tests/data/langid.txt`).

use pith_segment::detect_language;
use pith_segment::lang::{detect_by_function_words, detect_whole_with_whatlang};

/// (intended language, text) for each document of the set.
fn documents() -> Vec<(String, String)> {
    let body = include_str!("data/langid.txt");
    let mut docs: Vec<(String, String)> = Vec::new();
    for line in body.lines() {
        if line.starts_with('#') {
            continue;
        }
        if let Some(code) = line.strip_prefix("=== ") {
            docs.push((code.trim().to_string(), String::new()));
        } else if let Some((_, text)) = docs.last_mut() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(line);
        }
    }
    docs.into_iter()
        .map(|(c, t)| (c, t.trim().to_string()))
        .collect()
}

/// The documents, and long ones made by joining every document of a language until the
/// text is read in spread windows rather than whole.
fn documents_with_long_ones() -> Vec<(String, String)> {
    let docs = documents();
    let mut all = docs.clone();
    let mut langs: Vec<&str> = docs.iter().map(|(c, _)| c.as_str()).collect();
    langs.dedup();
    for lang in langs {
        let same: Vec<&str> = docs
            .iter()
            .filter(|(c, _)| c == lang)
            .map(|(_, t)| t.as_str())
            .collect();
        let mut long = String::new();
        let mut k = 0;
        while long.len() < 6000 {
            if !long.is_empty() {
                long.push_str("\n\n");
            }
            long.push_str(same[k % same.len()]);
            k += 1;
        }
        all.push((lang.to_string(), long));
    }
    all
}

#[test]
fn sampled_identification_agrees_with_whole_text_whatlang() {
    let docs = documents_with_long_ones();
    assert!(docs.len() > 90);
    let (mut compared, mut fast) = (0, 0);
    let mut disagreements = Vec::new();
    for (intended, text) in &docs {
        let Some(whole) = detect_whole_with_whatlang(text).filter(|g| g.reliable) else {
            continue;
        };
        compared += 1;
        let sampled = detect_language(text).map(|g| g.code);
        if detect_by_function_words(text).is_some() {
            fast += 1;
        }
        if sampled != Some(whole.code) {
            disagreements.push(format!(
                "{intended}: whole-text whatlang {} vs sampled {sampled:?} ({} bytes)",
                whole.code,
                text.len()
            ));
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    // The fast path must carry most of the set, or it saves nothing.
    assert!(
        fast * 10 >= compared * 7,
        "fast path decided {fast} of {compared}"
    );
}

#[test]
fn function_words_never_pick_a_wrong_language() {
    // Where the fast path answers, it answers the language the text was written in, except
    // for Galician, which whatlang does not know either (both call it Portuguese).
    for (intended, text) in documents_with_long_ones() {
        if let Some(code) = detect_by_function_words(&text) {
            let expected = if intended == "gl" { "pt" } else { &intended };
            assert_eq!(code, expected, "{text}");
        }
    }
}
