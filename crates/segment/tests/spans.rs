//! Property tests of the span invariant: for paragraphs, sentences and chunks of any text in
//! any language setting, spans are in order, non-overlapping, non-empty, on char boundaries,
//! carry exactly the text they cover, and with the gaps between them (whitespace only, for
//! paragraphs and sentences) give back the whole text.

use pith_core::{Document, Span, Stage, Verdict};
use pith_segment::{
    chunks, split_paragraphs, split_sentences, split_sentences_lang, ChunkConfig, ChunkUnit,
    Segment, SegmentConfig,
};
use proptest::prelude::*;

/// Pieces that exercise the rules: abbreviations, initials, numbers, URLs, quotes, lists,
/// ellipses, other scripts, odd whitespace and line breaks.
const PIECES: &[&str] = &[
    "word",
    "Word",
    "the",
    "The",
    "Mr.",
    "Dr.",
    "p.",
    "No.",
    "Co.",
    "St.",
    "U.S.",
    "a.m.",
    "z.",
    "B.",
    "г.",
    "ул.",
    "Srta.",
    "E.",
    "I.",
    "3.14",
    "1.000",
    "12.",
    "2)",
    "1.)",
    "a)",
    "b.",
    "1.",
    ".",
    "..",
    "...",
    ". . .",
    "…",
    "!",
    "?",
    "?!",
    "!!",
    ",",
    ";",
    ":",
    "-",
    "–",
    "—",
    "\"",
    "'",
    "“",
    "”",
    "„",
    "«",
    "»",
    "‘",
    "’",
    "(",
    ")",
    "[",
    "]",
    "[...]",
    "¿",
    "¡",
    "•",
    "⁃",
    "*",
    "https://a.example/x.y?z=1.",
    "a.b@example.org",
    "$5.00",
    "%",
    "said",
    "asked",
    "I",
    "Lee",
    " »",
    "\u{202f}»",
    "»Nein",
    "[a.",
    "°C",
    "Юля",
    "Москва",
    "straße",
    "Über",
    "É",
    "日本語",
    "。",
    "！",
    "？",
    "」",
    "「",
    "।",
    "؟",
    "۔",
    "։",
    "😀",
    "e\u{301}",
    "\u{200b}",
    " ",
    " ",
    "  ",
    "\t",
    "\n",
    "\n\n",
    "\r\n",
    "\n \n",
    "\u{a0}",
    "\u{2028}",
    "\u{3000}",
];

fn text_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::collection::vec(
            (prop::sample::select(PIECES), prop::sample::select(&[" ", "", "\n", "  "][..])),
            0..60,
        )
        .prop_map(|parts| parts.into_iter().flat_map(|(a, b)| [a, b]).collect()),
        1 => any::<String>(),
        1 => "[a-zA-Z .!?\n\"')(0-9]{0,80}",
    ]
}

/// Checks the invariant for one list of spans; `ws_gaps` requires whitespace-only gaps.
fn check_spans(text: &str, spans: &[Span], ws_gaps: bool) -> Result<(), TestCaseError> {
    let mut rebuilt = String::with_capacity(text.len());
    let mut pos = 0;
    for s in spans {
        prop_assert!(s.start < s.end, "empty span {:?}", s);
        prop_assert!(
            pos <= s.start,
            "spans out of order or overlapping at {:?}",
            s
        );
        prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        prop_assert_eq!(text.get(s.start..s.end), Some(s.text.as_str()));
        let gap = text.get(pos..s.start).unwrap_or_default();
        if ws_gaps {
            prop_assert!(gap.chars().all(char::is_whitespace), "gap {:?}", gap);
        }
        rebuilt.push_str(gap);
        rebuilt.push_str(&s.text);
        pos = s.end;
    }
    let tail = text.get(pos..).unwrap_or_default();
    if ws_gaps {
        prop_assert!(tail.chars().all(char::is_whitespace), "tail {:?}", tail);
    }
    rebuilt.push_str(tail);
    prop_assert_eq!(rebuilt, text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn paragraph_and_sentence_spans_rebuild_the_text(text in text_strategy()) {
        let paras = split_paragraphs(&text);
        check_spans(&text, &paras, true)?;
        for p in &paras {
            let kind = p.kind.as_deref().unwrap_or_default();
            prop_assert!(matches!(kind, "heading" | "list_item" | "paragraph"));
        }
        for lang in ["en", "de", "es", "ru", "fr", "ja", "und"] {
            let sents = split_sentences_lang(&text, lang);
            check_spans(&text, &sents, true)?;
            // A sentence never crosses a paragraph.
            for s in &sents {
                prop_assert!(
                    paras.iter().any(|p| p.start <= s.start && s.end <= p.end),
                    "sentence {:?} crosses paragraphs", s
                );
            }
        }
        check_spans(&text, &split_sentences(&text), true)?;
    }

    #[test]
    fn chunks_are_windows_of_whole_sentences(
        text in text_strategy(),
        size in 1usize..40,
        overlap_frac in 0usize..100,
        tokens in any::<bool>(),
    ) {
        let overlap = size * overlap_frac / 100;
        let cfg = ChunkConfig {
            size,
            overlap,
            unit: if tokens { ChunkUnit::Tokens } else { ChunkUnit::Chars },
        };
        let sents = split_sentences_lang(&text, "en");
        let cs = chunks(&text, &sents, &cfg);
        if sents.is_empty() {
            prop_assert!(cs.is_empty());
        }
        let mut last_start = None;
        for (i, c) in cs.iter().enumerate() {
            prop_assert_eq!(c.index, i);
            prop_assert_eq!(text.get(c.start..c.end), Some(c.text.as_str()));
            prop_assert!(sents.iter().any(|s| s.start == c.start));
            prop_assert!(sents.iter().any(|s| s.end == c.end));
            prop_assert!(last_start < Some(c.start), "chunks must move forward");
            last_start = Some(c.start);
        }
        if let (Some(first), Some(last)) = (cs.first(), cs.last()) {
            prop_assert_eq!(first.start, sents[0].start);
            prop_assert_eq!(last.end, sents[sents.len() - 1].end);
        }
    }

    #[test]
    fn the_stage_keeps_every_document(text in text_strategy(), lang in prop::option::of("[a-z]{2}")) {
        let stage = Segment::new(SegmentConfig {
            chunk: Some(ChunkConfig { size: 20, overlap: 5, unit: ChunkUnit::Tokens }),
            ..SegmentConfig::default()
        }).expect("valid config");
        let mut doc = Document::new("p", text.clone());
        doc.lang = lang.clone();
        let Verdict::Keep(doc) = stage.process(doc) else {
            return Err(TestCaseError::fail("segment must keep documents"));
        };
        prop_assert_eq!(&doc.text, &text);
        if lang.is_some() {
            prop_assert_eq!(doc.lang, lang);
        }
        check_spans(&text, doc.sentences.as_deref().unwrap_or_default(), true)?;
        check_spans(&text, doc.paragraphs.as_deref().unwrap_or_default(), true)?;
    }
}
