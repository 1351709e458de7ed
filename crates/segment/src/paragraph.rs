//! Paragraphs: blocks of lines separated by blank lines (the clean stage writes `\n\n` between
//! blocks), with headings and list items inside a block split off as paragraphs of their own.

use pith_core::Span;

use crate::sentence::is_bullet;
use crate::span;

/// Longest line, in words, that can be a heading.
const HEADING_MAX_WORDS: usize = 12;
/// Longest line, in chars, that can be a heading.
const HEADING_MAX_CHARS: usize = 100;

#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    end: usize,
    indented: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Heading,
    ListItem,
    Paragraph,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Heading => "heading",
            Kind::ListItem => "list_item",
            Kind::Paragraph => "paragraph",
        }
    }
}

/// Paragraph spans of `text`, each with its kind (`heading`, `list_item` or `paragraph`).
pub fn split_paragraphs(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut block: Vec<Line> = Vec::new();
    let mut pos = 0;
    for raw in text.split_inclusive('\n') {
        let content = raw.trim_end_matches(['\n', '\r']);
        let trimmed = content.trim();
        if trimmed.is_empty() {
            flush_block(text, &block, &mut out);
            block.clear();
        } else {
            let lead = content.len() - content.trim_start().len();
            block.push(Line {
                start: pos + lead,
                end: pos + lead + trimmed.len(),
                indented: lead > 0,
            });
        }
        pos += raw.len();
    }
    flush_block(text, &block, &mut out);
    out
}

fn line_text<'t>(text: &'t str, l: &Line) -> &'t str {
    text.get(l.start..l.end).unwrap_or_default()
}

/// Longest line, in chars, of text hard-wrapped at a fixed width.
const WRAP_MAX_CHARS: usize = 130;
/// Text is not wrapped narrower than this: shorter lines are lines of their own.
const WRAP_MIN_CHARS: usize = 40;

/// Whether the lines of a block are hard-wrapped prose (every line but the last close to the
/// longest, none longer than a terminal), where a line break means nothing; otherwise each
/// line break in a block is meaningful (`<br>`, one item or paragraph per line).
fn hard_wrapped(lengths: &[usize], longest: usize) -> bool {
    lengths.len() >= 2
        && (WRAP_MIN_CHARS..=WRAP_MAX_CHARS).contains(&longest)
        && lengths[..lengths.len() - 1]
            .iter()
            .all(|&n| n * 10 >= longest * 6)
}

fn flush_block(text: &str, block: &[Line], out: &mut Vec<Span>) {
    // A block of one line (most of what the clean stage writes) cannot be wrapped.
    let lengths: Vec<usize> = if block.len() > 1 {
        block
            .iter()
            .map(|l| line_text(text, l).chars().count())
            .collect()
    } else {
        Vec::new()
    };
    let longest = lengths.iter().copied().max().unwrap_or(0);
    let wrapped = hard_wrapped(&lengths, longest);
    let mut current: Option<(usize, usize, Kind)> = None;
    let close = |cur: &mut Option<(usize, usize, Kind)>, out: &mut Vec<Span>| {
        if let Some((s, e, k)) = cur.take() {
            out.push(span(text, s, e, Some(k.name())));
        }
    };
    for (idx, line) in block.iter().enumerate() {
        let t = line_text(text, line);
        if is_list_line(t) {
            close(&mut current, out);
            current = Some((line.start, line.end, Kind::ListItem));
            continue;
        }
        if let Some((s, _, Kind::ListItem)) = current {
            // A wrapped list item continues indented or in lower case.
            if line.indented || t.starts_with(char::is_lowercase) {
                current = Some((s, line.end, Kind::ListItem));
                continue;
            }
        }
        let prev = idx.checked_sub(1).map(|i| line_text(text, &block[i]));
        let next = block.get(idx + 1).map(|l| line_text(text, l));
        let prev_closed = prev.is_none_or(|p| ends_with_terminal(p) || current.is_none());
        let next_opens = next.is_none_or(|n| !n.starts_with(char::is_lowercase));
        // In a multi-line block a heading is clearly shorter than the block's lines, so the
        // first line of hard-wrapped prose is not taken for one.
        let short = !wrapped || t.chars().count() * 10 <= longest * 6;
        if is_heading_text(t) && prev_closed && next_opens && short {
            close(&mut current, out);
            out.push(span(text, line.start, line.end, Some(Kind::Heading.name())));
            continue;
        }
        // A line that continues a sentence the previous line left open (`...because the\n
        // pdf broke it`) belongs to the same paragraph even where breaks are meaningful.
        let continues =
            prev.is_some_and(|p| !ends_with_terminal(p)) && t.starts_with(char::is_lowercase);
        match current {
            Some((s, _, Kind::Paragraph)) if wrapped || continues => {
                current = Some((s, line.end, Kind::Paragraph));
            }
            _ => {
                close(&mut current, out);
                current = Some((line.start, line.end, Kind::Paragraph));
            }
        }
    }
    close(&mut current, out);
}

/// `- `, `* `, `• `, `1. `, `1) `, `a) `, `(1) `: a line that starts a list item.
fn is_list_line(t: &str) -> bool {
    let mut chars = t.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    let second = chars.next();
    if is_bullet(first) {
        return true;
    }
    if matches!(first, '-' | '*' | '+') {
        return second.is_some_and(char::is_whitespace);
    }
    let body = t.strip_prefix('(').unwrap_or(t);
    let digits = body.bytes().take_while(u8::is_ascii_digit).count();
    let rest = if (1..=3).contains(&digits) {
        body.get(digits..)
    } else if body.starts_with(|c: char| c.is_ascii_alphabetic()) && t.starts_with('(') {
        body.get(1..)
    } else if first.is_ascii_alphabetic() && second == Some(')') {
        t.get(1..)
    } else {
        None
    };
    let Some(rest) = rest else {
        return false;
    };
    let marker = if digits > 0 {
        rest.strip_prefix(".)")
            .or_else(|| rest.strip_prefix('.'))
            .or_else(|| rest.strip_prefix(')'))
    } else {
        rest.strip_prefix(')')
    };
    marker.is_some_and(|r| r.starts_with(char::is_whitespace))
}

fn ends_with_terminal(t: &str) -> bool {
    t.trim_end_matches(|c: char| {
        matches!(
            c,
            '"' | '\'' | '”' | '’' | '“' | '‘' | '»' | '«' | ')' | ']' | '」' | '』'
        )
    })
    .ends_with(|c: char| {
        matches!(
            c,
            '.' | '!' | '?' | '…' | ':' | ';' | ',' | '。' | '！' | '？' | '।' | '؟' | '۔'
        )
    })
}

/// A short line with no terminal punctuation that does not start in lower case.
fn is_heading_text(t: &str) -> bool {
    if ends_with_terminal(t) || t.ends_with(['-', '–', '—', '/', '&']) {
        return false;
    }
    if t.split_whitespace().count() > HEADING_MAX_WORDS || t.chars().count() > HEADING_MAX_CHARS {
        return false;
    }
    t.chars()
        .find(|c| c.is_alphanumeric())
        .is_some_and(|c| !c.is_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(String, String)> {
        split_paragraphs(text)
            .into_iter()
            .map(|s| (s.kind.unwrap_or_default(), s.text))
            .collect()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(k, t)| (k.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn headings_and_lists_are_their_own_paragraphs() {
        let text = "Storm Hits Coast\nHeavy rain fell all night. Roads closed.\n\nWhat to pack:\n\
                    - water\n- a torch\n  that works\n1. Leave early.\n2) Drive slowly.\n\nThe end came.";
        assert_eq!(
            kinds(text),
            pairs(&[
                ("heading", "Storm Hits Coast"),
                ("paragraph", "Heavy rain fell all night. Roads closed."),
                ("paragraph", "What to pack:"),
                ("list_item", "- water"),
                ("list_item", "- a torch\n  that works"),
                ("list_item", "1. Leave early."),
                ("list_item", "2) Drive slowly."),
                ("paragraph", "The end came."),
            ])
        );
    }

    #[test]
    fn wrapped_prose_is_not_a_heading() {
        let text = "The committee that met on Tuesday with the mayor and\nMany residents \
                    attended the long meeting in the old town hall.\nIt ended late.";
        assert_eq!(split_paragraphs(text).len(), 1);
        assert_eq!(kinds("Short Title"), pairs(&[("heading", "Short Title")]));
        assert_eq!(
            kinds("lower case line"),
            pairs(&[("paragraph", "lower case line")])
        );
    }

    #[test]
    fn line_breaks_count_unless_the_block_is_hard_wrapped() {
        let text = "Posted by Ana on Monday\nThe shop opens at nine and closes when the last \
                    customer has gone home for the night\nPrices are low";
        assert_eq!(split_paragraphs(text).len(), 3);
        let wrapped = "The shop opens at nine and closes when the last customer has\ngone \
                       home for the night. Prices are low and the staff are\nfriendly.";
        assert_eq!(split_paragraphs(wrapped).len(), 1);
        let broken = "The report was cut\nin the middle of a sentence by the converter.";
        assert_eq!(split_paragraphs(broken).len(), 1);
        assert_eq!(
            split_paragraphs("First line here\nSecond line here").len(),
            2
        );
    }

    #[test]
    fn list_lines_are_recognised() {
        for yes in [
            "- a", "* b", "• c", "1. d", "12) e", "a) f", "(3) g", "1.) h",
        ] {
            assert!(is_list_line(yes), "{yes}");
        }
        for no in ["-a", "1.5 m", "2024 was", "Mr. X", "ab) c"] {
            assert!(!is_list_line(no), "{no}");
        }
    }
}
