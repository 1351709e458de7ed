//! Boilerplate stripping for whole-page text dumps: the visible text of a page, one block a
//! line, in; the article (its title once, then its body) out, without the DOM.
//!
//! How a dump is cleaned:
//! 1. Every non-blank line is measured ([`features`]) and scored by a small logistic-regression
//!    line model shipped in the binary ([`model`]): length, end punctuation, case, stop words,
//!    digits and symbols, glued text, cue words, similarity to the title and the neighbouring
//!    lines.
//! 2. Rules drop what is furniture whatever its score: repeats of the title, bylines and
//!    "source + 18 hours ago" lines, dates, share-bar words, store badges, callouts ("Did You
//!    Know?", "Pro Tip:") and reader prompts, markup leaked as text, author bios, and lines
//!    seen in many documents of the same site ([`LineStats`], when given).
//! 3. Furniture headings ("Related Articles", "LEAVE A REPLY", "Top 5 This Week", "Discover
//!    more from ...", and their families in de, fr, es, it, pt, ru, nl, pl) cut the page into
//!    sections; a table of contents drops only its list.
//! 4. The article is the contiguous run of lines with the largest content mass (a maximum-sum
//!    segment over line scores weighted by length), taken from sections that no furniture
//!    heading opened when there is one; everything under a furniture heading goes with it,
//!    other stories' bodies included. A list the story ends on (marked items, or items
//!    announced by a colon) stays with it.
//! 5. A page that is a list or a table under its title (standings, a calendar, a meal plan)
//!    scores low line by line; when the run of items under the body title outweighs the
//!    scored block by far, that run is the article.
//!
//! ```
//! use pith_clean::text;
//! let dump = "Harbour bridge to be rebuilt\nHome\nNews\nSport\n\
//!     Harbour bridge to be rebuilt\nBy Jane Doe\n\
//!     The council voted on Tuesday to rebuild the old harbour bridge, ending a decade of delays.\n\
//!     Work will start in spring and is expected to take two years, the mayor said.\n\
//!     Related Articles\n\
//!     Storm closes the coastal road for the second time this winter, with more rain due.\n";
//! let out = text::clean_dump(dump);
//! assert_eq!(out.title.as_deref(), Some("Harbour bridge to be rebuilt"));
//! assert!(out.text.starts_with("Harbour bridge to be rebuilt\n\nThe council voted"));
//! assert!(out.text.contains("mayor said") && !out.text.contains("Storm") && !out.text.contains("Jane"));
//! ```

mod features;
mod lexicon;
mod model;
pub mod score;
mod stats;

pub use lexicon::Furniture;
pub use model::{BlockParams, LineModel};
pub use stats::LineStats;

use bumpalo::Bump;
use features::{Line, N_FEATURES};

/// A cleaned text dump.
#[derive(Debug, Default, Clone)]
pub struct CleanedText {
    /// The article: its title first (when [`Options::keep_title`]), then its body, one block a
    /// paragraph, blocks separated by a blank line.
    pub text: String,
    /// The article's title, when one was found.
    pub title: Option<String>,
}

/// What happened to one line of a dump, for `--explain`.
#[derive(Debug, Clone, PartialEq)]
pub struct LineDecision {
    /// 1-based line number in the dump.
    pub line_no: usize,
    pub text: String,
    pub kept: bool,
    /// Why: the rule that dropped or kept the line, or the model score.
    pub rule_or_score: String,
}

/// Cleaning options.
#[derive(Debug, Clone)]
pub struct Options {
    /// Start the text with the title line (the held-out gold keeps the title once).
    pub keep_title: bool,
    /// With corpus statistics: drop lines seen in at least this many documents of the host.
    pub min_host_docs: u32,
    /// Line model to use instead of the shipped one (weights trained by
    /// `examples/text_train.rs`).
    pub line_model: Option<LineModel>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            keep_title: true,
            min_host_docs: 3,
            line_model: None,
        }
    }
}

/// Strips page furniture from the visible text of a whole page.
pub fn clean_dump(dump: &str) -> CleanedText {
    run(dump, &Options::default(), None, false).0
}

/// Like [`clean_dump`], also dropping lines that `stats` saw in at least
/// [`Options::min_host_docs`] documents of `host`.
pub fn clean_dump_with(dump: &str, stats: Option<&LineStats>, host: &str) -> CleanedText {
    run(dump, &Options::default(), stats.map(|s| (s, host)), false).0
}

/// [`clean_dump_with`] with explicit options.
pub fn clean_dump_opts(
    dump: &str,
    opts: &Options,
    stats: Option<&LineStats>,
    host: &str,
) -> CleanedText {
    run(dump, opts, stats.map(|s| (s, host)), false).0
}

/// Every non-blank line of a dump with whether it was kept and the rule or score that decided.
pub fn explain(dump: &str) -> Vec<LineDecision> {
    run(dump, &Options::default(), None, true).1
}

/// [`explain`] with options and corpus statistics; also returns the cleaned text.
pub fn explain_with(
    dump: &str,
    opts: &Options,
    stats: Option<&LineStats>,
    host: &str,
) -> (CleanedText, Vec<LineDecision>) {
    run(dump, opts, stats.map(|s| (s, host)), true)
}

/// Why a line was kept or dropped.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Why {
    Undecided,
    /// The title line (kept once, at the top).
    Title,
    /// A repeat of the title (or the page `<title>` line).
    TitleRepeat,
    /// A furniture heading.
    Heading(Furniture),
    /// A furniture heading of a box inside the story (the story goes on after the box).
    InlineBox(Furniture),
    /// Under a furniture heading (line index of the heading).
    InSection(Furniture, usize),
    /// A rule fired.
    Rule(&'static str),
    /// Seen in this many documents of the host.
    CrossDoc(u32),
    /// Inside the article block, model score high enough.
    Content(f32),
    /// Inside the article block, model score too low.
    LowScore(f32),
    /// Outside the article block.
    OutsideBlock(f32),
}

impl Why {
    fn kept(self) -> bool {
        matches!(self, Why::Title | Why::Content(_))
    }

    fn describe(self, lines: &[Line<'_>]) -> String {
        let line_no = |i: usize| lines.get(i).map_or(0, |l| l.no + 1);
        match self {
            Why::Undecided => "undecided".into(),
            Why::Title => "title".into(),
            Why::TitleRepeat => "rule:title_repeat".into(),
            Why::Heading(f) => format!("rule:furniture_heading({})", f.name()),
            Why::InlineBox(f) => format!("rule:inline_box_heading({})", f.name()),
            Why::InSection(f, h) => {
                format!("rule:in_section({} from line {})", f.name(), line_no(h))
            }
            Why::Rule(r) => format!("rule:{r}"),
            Why::CrossDoc(n) => format!("rule:cross_doc(seen in {n} docs of host)"),
            Why::Content(p) => format!("score:{p:.2}"),
            Why::LowScore(p) => format!("score:{p:.2} below the in-block minimum"),
            Why::OutsideBlock(p) => format!("block:outside_article(score {p:.2})"),
        }
    }
}

/// A line's content weight is `(p - pivot) * (units + line_base)` ([`BlockParams`]): lines
/// above the pivot pull the block over them, short junk lines still cost something.
const UNITS_CAP: f32 = 60.0;
/// Weight of a line that a rule dropped (it neither ends nor feeds a block much).
const RULE_DROPPED_WEIGHT: f32 = -1.0;
/// The story under a body title must start within this many lines of it.
const HEADING_START_REACH: usize = 25;
/// A block under the body title wins over a heavier one elsewhere down to this share of its sum.
const HEADING_BLOCK_SHARE: f32 = 0.5;
/// How far (in lines) an inline box reaches: story before it, short lines in it.
const INLINE_BOX_REACH: usize = 8;
/// Weight of a furniture heading.
const HEADING_WEIGHT: f32 = -3.0;
/// A promotion prompt of at most this many words is a heading ("Subscribe to our newsletter").
const PROMO_HEADING_WORDS: usize = 12;
/// Content (in word units) that must precede a furniture heading for it to end the article.
const MIN_ARTICLE_UNITS: f32 = 20.0;

fn run(
    dump: &str,
    opts: &Options,
    stats: Option<(&LineStats, &str)>,
    want_decisions: bool,
) -> (CleanedText, Vec<LineDecision>) {
    let model = opts.line_model.as_ref().unwrap_or(LineModel::shipped());
    let bp = model.params;
    // The lines' lowercased texts and keys: at most twice the dump, in one allocation mostly.
    let bump = Bump::with_capacity(dump.len());
    let Some(Prepared {
        lines,
        title,
        ctx,
        p,
    }) = prepare(dump, model, &bump)
    else {
        return (CleanedText::default(), Vec::new());
    };
    let n = lines.len();
    let mut why = vec![Why::Undecided; n];
    let title_key = TitleKey::new(title.as_ref().map(|t| t.text.as_str()).unwrap_or(""));

    // Rules.
    for i in 0..n {
        let l = &lines[i];
        if let Some(t) = &title {
            if i == t.index {
                why[i] = Why::Title;
                continue;
            }
            if i == t.page_title_index || is_title_repeat(l, &title_key, t, &ctx[i]) {
                why[i] = Why::TitleRepeat;
                continue;
            }
        }
        if l.words == 0 {
            why[i] = Why::Rule("no_words");
            continue;
        }
        if l.words <= 16 {
            if let Some(f) = lexicon::furniture_heading(l.key, l.words) {
                why[i] = Why::Heading(f);
                continue;
            }
        }
        if is_author_box_heading(l) {
            why[i] = Why::Heading(Furniture::Footer);
            continue;
        }
        if let Some(r) = line_rule(&lines, i) {
            // A short newsletter or follow prompt opens the promotion box that ends a story
            // (unless the story goes on right after it, see below).
            let promo = matches!(r, "promo_sentence" | "callout")
                && l.words <= PROMO_HEADING_WORDS
                && l.cues.promo_prompt;
            why[i] = if promo {
                Why::Heading(Furniture::Promo)
            } else {
                Why::Rule(r)
            };
            continue;
        }
        if let Some((s, host)) = stats {
            let c = s.count(host, l.text);
            if c >= opts.min_host_docs {
                why[i] = Why::CrossDoc(c);
            }
        }
    }
    // Reader comments: two or more "<name> says:" / "<name> on <date> said:" lines open the
    // comment list at the first of them.
    let comment_marks: Vec<usize> = (0..n)
        .filter(|&k| why[k] == Why::Undecided && is_comment_marker(&lines[k]))
        .collect();
    if comment_marks.len() >= 2 {
        why[comment_marks[0]] = Why::Heading(Furniture::Comments);
        for &k in &comment_marks[1..] {
            why[k] = Why::Rule("comment_author");
        }
    }
    // A table of contents drops its list, not the article after it.
    let mut i = 0;
    while i < n {
        if why[i] == Why::Heading(Furniture::Contents) {
            let mut j = i + 1;
            while j < n && j < i + 80 {
                let l = &lines[j];
                let listy = l.list_marker || (l.units < 12.0 && !l.terminal);
                if !listy {
                    break;
                }
                if matches!(why[j], Why::Undecided | Why::TitleRepeat) {
                    why[j] = Why::InSection(Furniture::Contents, i);
                }
                j += 1;
            }
            i = j;
        } else {
            i += 1;
        }
    }

    // Boxes inside the story: a furniture heading with a few short lines under it (linked
    // headlines), with story paragraphs both before and after, is dropped alone.
    let story_line =
        |k: usize, why: &[Why]| why[k] == Why::Undecided && lines[k].is_long() && p[k] >= bp.pivot;
    for k in 0..n {
        let Why::Heading(f) = why[k] else { continue };
        if !matches!(f, Furniture::Related | Furniture::Promo) {
            continue;
        }
        if !(k.saturating_sub(INLINE_BOX_REACH)..k).any(|j| story_line(j, &why)) {
            continue;
        }
        let resume = (k + 1..n.min(k + 1 + INLINE_BOX_REACH))
            .find(|&j| story_line(j, &why) && lines[j].terminal);
        let Some(j) = resume else { continue };
        let run = (j..n.min(j + 4)).filter(|&m| story_line(m, &why)).count();
        if run < 2 {
            continue;
        }
        why[k] = Why::InlineBox(f);
        for w in why.iter_mut().take(j).skip(k + 1) {
            if *w == Why::Undecided {
                *w = Why::InSection(f, k);
            }
        }
    }

    // The article block: the maximum-sum run of line weights. A furniture heading inside it
    // ends the article once some content was seen, and otherwise (share bars, widget headings
    // above the story) only moves the start past it.
    let weight = |k: usize| -> f32 {
        match why[k] {
            Why::Undecided => (p[k] - bp.pivot) * (lines[k].units.min(UNITS_CAP) + bp.line_base),
            Why::Title => 0.0,
            Why::Heading(f) if f.opens_section() => HEADING_WEIGHT,
            _ => RULE_DROPPED_WEIGHT,
        }
    };
    // When the body repeats the page title, the story usually starts under that heading: a
    // block starting there is preferred unless one elsewhere is much heavier.
    let global = max_segment(0, n, &weight, n);
    let after_heading = title
        .as_ref()
        .filter(|t| t.index > t.page_title_index)
        .and_then(|t| max_segment(t.index + 1, n, &weight, t.index + 1 + HEADING_START_REACH))
        .filter(|&(sum, s, e)| {
            let mass: f32 = (s..=e)
                .filter(|&k| why[k] == Why::Undecided && p[k] >= bp.pivot)
                .map(|k| lines[k].units)
                .sum();
            mass >= MIN_ARTICLE_UNITS
                && global.is_none_or(|(g, _, _)| sum >= HEADING_BLOCK_SHARE * g)
        });
    let mut block = after_heading.or(global).map(|(_, s, e)| (s, e));
    // Nothing before the body title belongs to the story.
    if let (Some((s, e)), Some(t)) = (block, title.as_ref()) {
        if t.index > t.page_title_index && s < t.index && t.index < e {
            block = Some((t.index + 1, e));
        }
    }
    if let Some((mut s, mut e)) = block {
        let mut mass = 0f32;
        let mut k = s;
        while k <= e {
            match why[k] {
                Why::Heading(f) if f.opens_section() => {
                    // A promotion box inside the story ("Subscribe to X on YouTube") is
                    // followed by more story; one that closes the page is not.
                    let story_goes_on = f == Furniture::Promo
                        && (k + 1..n.min(k + 3)).any(|j| {
                            why[j] == Why::Undecided && lines[j].is_long() && p[j] >= bp.pivot
                        });
                    if story_goes_on {
                        k += 1;
                        continue;
                    }
                    if mass >= MIN_ARTICLE_UNITS {
                        e = k.saturating_sub(1);
                        break;
                    }
                    s = k + 1;
                    mass = 0.0;
                }
                Why::Undecided if p[k] >= bp.pivot => mass += lines[k].units,
                _ => {}
            }
            k += 1;
        }
        block = if s <= e {
            max_segment(s, e + 1, &weight, e + 1).map(|(_, s, e)| (s, e))
        } else {
            None
        };
    }
    // A page that is a list or a table under its title (a calendar, standings, a menu plan):
    // every line scores low, so the block lands on some heavier sidebar or footer. When the
    // run of lines under the body title outweighs the block by far, the run is the article.
    if let Some(t) = title.as_ref().filter(|t| t.index > t.page_title_index) {
        let block_mass: f32 = block.map_or(0.0, |(s, e)| {
            (s..=e)
                .filter(|&k| why[k] == Why::Undecided && p[k] >= bp.pivot)
                .map(|k| lines[k].units)
                .sum()
        });
        if let Some((s, e, mass)) = list_under_title(&lines, &why, t.index, block) {
            if mass >= LIST_MIN_UNITS && mass >= LIST_OVER_BLOCK * block_mass {
                block = Some((s, e));
            }
        }
    }
    // A list the story ends on ("1) ...", "- ...", links) goes on past the last scored line.
    if let Some((s, e)) = block {
        let ends_on_list = |l: &Line<'_>| l.list_marker || l.cues.url || l.ends_colon;
        if ends_on_list(&lines[e]) {
            let mut last = e;
            let mut k = e + 1;
            while k < n && k <= last + 2 {
                match why[k] {
                    Why::Heading(f) if f.opens_section() => break,
                    Why::Undecided if lines[k].list_marker || lines[k].cues.url => last = k,
                    _ => {}
                }
                k += 1;
            }
            // Items announced by the colon ("Tour dates:") need no marker: the lines that
            // follow, until a line a rule dropped or a one-word line.
            if last == e && lines[e].ends_colon {
                let mut k = e + 1;
                while k < n
                    && why[k] == Why::Undecided
                    && lines[k].words >= 2
                    && lines[k].units <= COLON_ITEM_MAX_UNITS
                {
                    k += 1;
                }
                if k >= e + 1 + COLON_LIST_MIN_ITEMS {
                    last = k - 1;
                }
            }
            block = Some((s, last));
        }
    }
    let mut last_heading: Option<(Furniture, usize)> = None;
    for k in 0..n {
        if let Why::Heading(f) = why[k] {
            if f.opens_section() {
                last_heading = Some((f, k));
            }
        }
        if why[k] != Why::Undecided {
            continue;
        }
        let inside = block.is_some_and(|(s, e)| k >= s && k <= e);
        why[k] = if inside {
            if p[k] >= bp.in_block_min || is_table_row(&lines[k]) || lines[k].list_marker {
                Why::Content(p[k])
            } else {
                Why::LowScore(p[k])
            }
        } else if let Some((f, h)) =
            last_heading.filter(|(_, h)| block.is_some_and(|(_, e)| *h > e))
        {
            Why::InSection(f, h)
        } else {
            Why::OutsideBlock(p[k])
        };
    }

    // Without a title line, a heading-like line that opens the block is the title.
    let mut title_text = title.as_ref().map(|t| t.text.clone());
    if title_text.is_none() {
        if let Some((s, _)) = block {
            let cand = (s.saturating_sub(1)..=s).find(|&k| {
                let l = &lines[k];
                title_like(l)
                    && !l.terminal
                    && matches!(why[k], Why::Content(_) | Why::OutsideBlock(_))
            });
            if let Some(k) = cand {
                why[k] = Why::Title;
                title_text = Some(lines[k].text.to_string());
            }
        }
    }

    let mut text = String::new();
    if opts.keep_title {
        if let Some(t) = &title_text {
            text.push_str(t);
        }
    }
    for (k, l) in lines.iter().enumerate() {
        if matches!(why[k], Why::Content(_)) {
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(l.text);
        }
    }
    let decisions = if want_decisions {
        lines
            .iter()
            .enumerate()
            .map(|(k, l)| LineDecision {
                line_no: l.no + 1,
                text: l.text.to_string(),
                kept: why[k].kept() && (opts.keep_title || why[k] != Why::Title),
                rule_or_score: why[k].describe(&lines),
            })
            .collect()
    } else {
        Vec::new()
    };
    (
        CleanedText {
            text,
            title: title_text,
        },
        decisions,
    )
}

/// A list after a line that ends with a colon: at least this many items ...
const COLON_LIST_MIN_ITEMS: usize = 2;
/// ... each of at most this many word units.
const COLON_ITEM_MAX_UNITS: f32 = 40.0;
/// Word units a list under the title must hold to be taken as the article.
const LIST_MIN_UNITS: f32 = 40.0;
/// ... and how many times the content mass of the scored block.
const LIST_OVER_BLOCK: f32 = 1.5;
/// A run of this many one- or two-word lines is a menu: the list ends before it.
const MENU_RUN: usize = 3;
/// The list must start within this many lines of the body title.
const LIST_START_REACH: usize = 8;

/// The run of lines under the body title at `title` that no rule dropped, up to the first
/// heading that opens a section, the first byline or date after an item (a list of other
/// stories) or the first menu-like run of one- and two-word lines; lines other rules dropped
/// (a share bar, a caption) are skipped over. Returns its first and last line and
/// the word units of its lines of 3+ words outside `block` (what taking it would add); `None`
/// when most of it reads as headlines.
fn list_under_title(
    lines: &[Line<'_>],
    why: &[Why],
    title: usize,
    block: Option<(usize, usize)>,
) -> Option<(usize, usize, f32)> {
    let n = lines.len();
    let mut first: Option<usize> = None;
    let mut last = title;
    let mut mass = 0f32;
    let mut total = 0f32;
    let mut headline_mass = 0f32;
    let mut menu = 0usize;
    let mut datelines = 0usize;
    for k in title + 1..n {
        match why[k] {
            Why::Heading(f) if f.opens_section() => break,
            Why::InSection(..) | Why::InlineBox(..) => break,
            // A share bar or a tag line after a list's worth of items closes the article.
            Why::Heading(_) if total >= LIST_MIN_UNITS => break,
            // Bylines or times under the items: a list of other stories, not the article (one
            // dateline under the title is the article's own).
            Why::Rule("byline" | "source_and_time" | "date") if first.is_some() => {
                datelines += 1;
                if datelines >= 2 {
                    break;
                }
                continue;
            }
            Why::Undecided => {}
            _ => continue,
        }
        let l = &lines[k];
        if l.words <= 2 {
            menu += 1;
            if menu >= MENU_RUN {
                break;
            }
            continue;
        }
        menu = 0;
        if first.is_none() {
            if k > title + LIST_START_REACH {
                return None;
            }
            first = Some(k);
        }
        last = k;
        total += l.units;
        if block.is_none_or(|(s, e)| k < s || k > e) {
            mass += l.units;
        }
        if l.words >= 4 && !l.terminal && l.capitalized * 5 >= l.words * 3 {
            headline_mass += l.units;
        }
    }
    // Mostly Title Case lines without a full stop: other stories' headlines.
    if headline_mass * 2.0 >= total {
        return None;
    }
    first.map(|f| (f, last, mass))
}

/// Maximum-sum contiguous run of `weight(k)` for `k` in `a..b` that starts before
/// `start_before` (Kadane's algorithm); returns the sum and the first and last index, or `None`
/// when no run has a positive sum.
fn max_segment(
    a: usize,
    b: usize,
    weight: &impl Fn(usize) -> f32,
    start_before: usize,
) -> Option<(f32, usize, usize)> {
    let mut best: Option<(f32, usize, usize)> = None;
    let mut cur = 0f32;
    let mut cur_start = a;
    for k in a..b {
        let w = weight(k);
        if cur <= 0.0 && k < start_before {
            cur = w;
            cur_start = k;
        } else {
            cur += w;
        }
        if cur > 0.0 && best.is_none_or(|(s, _, _)| cur > s) {
            best = Some((cur, cur_start, k));
        }
    }
    best
}

struct Title {
    /// The line kept as the title.
    index: usize,
    /// The page `<title>` line (the same line when the body does not repeat it).
    page_title_index: usize,
    text: String,
}

fn title_like(l: &Line<'_>) -> bool {
    (2.0..=40.0).contains(&l.units)
        && !l.cues.date_like
        && !l.cues.ui_word
        && !l.cues.relative_time
        && !l.cues.leaked_markup
        && !l.cues.byline
        && lexicon::furniture_heading(l.key, l.words).is_none()
}

/// The title: the first line of a dump is usually the page `<title>` (often with the site name
/// after a separator); the article heading repeats it further down. The repeat is the clean
/// form, so it is preferred.
fn find_title(lines: &[Line<'_>]) -> Option<Title> {
    // The page title is the first line, after perhaps a logo or date line.
    let (first_index, first) = lines
        .iter()
        .enumerate()
        .take(3)
        .find(|(k, l)| title_like(l) && (*k == 0 || !l.terminal))?;
    let key0 = lexicon::heading_key(first.text);
    if key0.is_empty() {
        return None;
    }
    // "Headline | Site | Section": the headline is the first part of the page title.
    let head_key = title_head(first.text)
        .map(lexicon::heading_key)
        .filter(|k| k.len() < key0.len() && k.split(' ').count() >= 2);
    for (k, l) in lines.iter().enumerate().skip(first_index + 1).take(600) {
        if l.units < 2.0 || l.units > 40.0 || l.cues.leaked_markup || l.cues.furniture_phrase {
            continue;
        }
        // Every match below needs the line's key no longer than the title's, and a key holds
        // at least a byte per letter: longer lines are passed without building their key.
        if l.letters > key0.len() {
            continue;
        }
        let owned;
        let key: &str = if l.key.is_empty() {
            owned = lexicon::heading_key(l.text);
            &owned
        } else {
            l.key
        };
        if key.is_empty() {
            continue;
        }
        let long_enough = l.words >= 3 && key.len() * 2 >= key0.len();
        let matches = key == key0
            || head_key.as_deref() == Some(key)
            || (long_enough
                && key0.starts_with(key)
                && key0.as_bytes().get(key.len()) == Some(&b' '))
            || (key.len() * 5 >= key0.len() * 3
                && key0.ends_with(key)
                && key0.len() > key.len()
                && key0.as_bytes().get(key0.len() - key.len() - 1) == Some(&b' '));
        if matches {
            return Some(Title {
                index: k,
                page_title_index: first_index,
                text: l.text.trim_start_matches(['-', '•', '*', ' ']).to_string(),
            });
        }
    }
    Some(Title {
        index: first_index,
        page_title_index: first_index,
        text: title_without_site_name(first.text).to_string(),
    })
}

/// A page title without the site and section names around it: of the parts between
/// separators ("Headline | Site | Section", "Site - Headline"), the longest.
fn title_without_site_name(title: &str) -> &str {
    const SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " / "];
    let mut best = title;
    let mut parts = vec![title];
    for sep in SEPARATORS {
        parts = parts.iter().flat_map(|p| p.split(sep)).collect();
    }
    if parts.len() > 1 {
        if let Some(longest) = parts
            .iter()
            .map(|p| p.trim())
            .max_by_key(|p| p.chars().count())
        {
            if score::tokens(longest).count() >= 2 {
                best = longest;
            }
        }
    }
    best
}

/// The part of a page title before the first site-name separator (" | ", " - ", " — ", ...),
/// when there is one.
fn title_head(title: &str) -> Option<&str> {
    const SEPARATORS: &[&str] = &[" | ", " - ", " – ", " — ", " :: ", " · ", " » ", " / "];
    let cut = SEPARATORS.iter().filter_map(|s| title.find(s)).min()?;
    title.get(..cut).map(str::trim).filter(|h| !h.is_empty())
}

/// The title's heading key and its length in characters.
struct TitleKey {
    key: String,
    chars: usize,
}

impl TitleKey {
    fn new(title: &str) -> TitleKey {
        let key = lexicon::heading_key(title);
        let chars = key.chars().count();
        TitleKey { key, chars }
    }
}

fn is_title_repeat(
    l: &Line<'_>,
    title_key: &TitleKey,
    title: &Title,
    ctx: &features::Context,
) -> bool {
    if title_key.key.is_empty() || l.units > 45.0 {
        return false;
    }
    if l.letters == 0 {
        // No letters, no key.
        return false;
    }
    // A key holds at least a character per letter of the line: with more letters than the
    // title key has characters it cannot equal it, and is not built.
    if l.letters <= title_key.chars {
        let key: std::borrow::Cow<'_, str> = if l.key.is_empty() {
            lexicon::heading_key(l.text).into()
        } else {
            l.key.into()
        };
        if key.is_empty() {
            return false;
        }
        if key == title_key.key {
            return true;
        }
    }
    // The page <title> line: the title plus a site name.
    if title.index == title.page_title_index {
        return false;
    }
    ctx.title_sim >= 0.85 && !l.terminal && l.units <= 40.0
}

/// The heading of an author box: "About Jane Doe", "Über Max Muster", "Sobre Ana Lima".
fn is_author_box_heading(l: &Line<'_>) -> bool {
    if !(2..=5).contains(&l.words) || l.terminal {
        return false;
    }
    let Some(rest) = [
        "about ",
        "über ",
        "sobre ",
        "à propos de ",
        "a proposito di ",
        "over ",
    ]
    .iter()
    .find_map(|p| {
        l.lower
            .starts_with(p)
            .then(|| l.text.get(p.len()..))
            .flatten()
    }) else {
        return false;
    };
    let names: Vec<&str> = rest.split_whitespace().collect();
    (1..=3).contains(&names.len())
        && names
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
        && !["The", "Us", "This", "Our", "Me"].contains(&names[0])
}

/// A comment's author line: "jdoe says:", "Alex on May 2, 2018 at 6:34 am said:".
fn is_comment_marker(l: &Line<'_>) -> bool {
    if l.words == 0 || l.words > 14 {
        return false;
    }
    let t = l.lower.trim_end();
    [
        "says:",
        "said:",
        "wrote:",
        "says",
        "schreibt:",
        "a dit :",
        "dice:",
        "scrive:",
        "disse:",
        "пишет:",
    ]
    .iter()
    .any(|m| t.ends_with(m))
        && (l.words <= 4 || l.digits > 0)
}

/// A row of a text table (`| a | b |`): inside the article, tables are content.
fn is_table_row(l: &Line<'_>) -> bool {
    l.text.starts_with('|') && l.text.ends_with('|') && l.text.len() > 2
}

/// Line rules that drop a line whatever its score.
fn line_rule(lines: &[Line<'_>], i: usize) -> Option<&'static str> {
    let l = &lines[i];
    let c = &l.cues;
    if c.leaked_markup {
        return Some("leaked_markup");
    }
    if c.store_badge {
        return Some("store_badge");
    }
    if c.relative_time {
        return Some("source_and_time");
    }
    if c.byline {
        return Some("byline");
    }
    if c.date_like && l.units <= 8.0 && !l.text.starts_with(['—', '–']) {
        return Some("date");
    }
    if c.ui_word {
        return Some("ui_word");
    }
    if c.callout {
        return Some("callout");
    }
    if l.ends_question && is_reader_prompt(lines, i) {
        return Some("reader_prompt");
    }
    if is_author_bio(lines, i) {
        return Some("author_bio");
    }
    if c.furniture_phrase && l.units <= 12.0 && !l.terminal {
        return Some("furniture_phrase");
    }
    if l.units <= 30.0 && is_promo_sentence(l) {
        return Some("promo_sentence");
    }
    if is_caption(l) {
        return Some("caption");
    }
    None
}

/// A sentence that sells the site rather than tells the story: newsletter, app and follow
/// prompts, author contact lines.
fn is_promo_sentence(l: &Line<'_>) -> bool {
    l.cues.promo_prompt || (l.lower.starts_with("email ") && l.lower.contains('@'))
}

/// An image caption or gallery counter: "Image 2 of 5", "... (AP)", "(Image credit: X)".
fn is_caption(l: &Line<'_>) -> bool {
    let t = l.lower.trim_end_matches(['.', ' ']);
    if l.words <= 5 && matches!(t.as_bytes().first(), Some(b'i' | b'p' | b's' | b'f' | b'b')) {
        let mut it = t.split_whitespace();
        if let (Some(a), Some(_), Some(b), Some(_), None) =
            (it.next(), it.next(), it.next(), it.next(), it.next())
        {
            if matches!(a, "image" | "photo" | "slide" | "picture" | "foto" | "bild")
                && matches!(b, "of" | "von" | "de" | "di" | "из" | "/")
            {
                return true;
            }
        }
    }
    if l.words <= 12
        && matches!(t.as_bytes().first(), Some(b'i' | b'm' | b'p' | b'f' | b'b'))
        && [
            "image copyright",
            "image caption",
            "media caption",
            "image source",
            "photo credit",
            "photo:",
            "foto:",
            "bild:",
        ]
        .iter()
        .any(|p| t.starts_with(p))
    {
        return true;
    }
    // The credit in parentheses at the end ("... (AP)"); read from the text, as `lower` holds
    // only the head of a long line.
    let tail = l.text.trim_end_matches(['.', ' ']);
    if !tail.ends_with(')') {
        return false;
    }
    let Some(open) = tail.rfind('(') else {
        return false;
    };
    let inner = tail
        .get(open + 1..tail.len() - 1)
        .unwrap_or("")
        .to_lowercase();
    inner.split_whitespace().count() <= 6
        && [
            "ap",
            "reuters",
            "afp",
            "getty",
            "credit",
            "photo",
            "image",
            "file",
            "courtesy",
            "shutterstock",
            "epa",
            "bloomberg",
            "dpa",
            "foto",
            "istock",
        ]
        .iter()
        .any(|w| inner.split(|c: char| !c.is_alphanumeric()).any(|x| x == *w))
}

/// A question put to the reader and left unanswered: every sentence is a question and the next
/// line is not an answer (an FAQ question is followed by its answer).
fn is_reader_prompt(lines: &[Line<'_>], i: usize) -> bool {
    let l = &lines[i];
    if l.text.contains(". ") || l.text.contains("! ") {
        return false;
    }
    let addressed = l.lower.split(|c: char| !c.is_alphanumeric()).any(|w| {
        matches!(
            w,
            "you"
                | "your"
                | "yours"
                | "you're"
                | "du"
                | "sie"
                | "vous"
                | "usted"
                | "voi"
                | "você"
                | "вы"
        )
    });
    let questions = l.text.matches(['?', '？']).count();
    let answered = lines
        .get(i + 1)
        .is_some_and(|nx| nx.units >= 8.0 && !nx.ends_question && nx.terminal);
    !answered && (addressed || questions >= 2)
}

/// An author biography: a long line that starts with the name on the short line just above it
/// and says who the person is.
fn is_author_bio(lines: &[Line<'_>], i: usize) -> bool {
    let l = &lines[i];
    if i == 0 || l.units < 8.0 {
        return false;
    }
    let prev = &lines[i - 1];
    if !(2..=4).contains(&prev.words) || prev.capitalized < prev.words || prev.terminal {
        return false;
    }
    let full;
    let lower: &str = if l.words > features::LOWER_FULL_WORDS {
        full = l.text.to_lowercase();
        &full
    } else {
        l.lower
    };
    lower.starts_with(prev.lower)
        && [
            " is a ",
            " is an ",
            " is the ",
            " has been ",
            " was born",
            " writes ",
            " covers ",
            " joined ",
            " is currently ",
            " works as ",
        ]
        .iter()
        .any(|v| lower.contains(v))
}

struct Prepared<'a> {
    lines: Vec<Line<'a>>,
    title: Option<Title>,
    ctx: Vec<features::Context>,
    /// Model probability of each line.
    p: Vec<f32>,
}

/// Measures the lines of a dump, finds the title and scores every line. The lines' lowercased
/// texts and keys go into `bump`.
fn prepare<'a>(dump: &'a str, model: &LineModel, bump: &'a Bump) -> Option<Prepared<'a>> {
    let n_lines = memchr::memchr_iter(b'\n', dump.as_bytes()).count() + 1;
    let mut lines: Vec<Line<'a>> = Vec::with_capacity(n_lines);
    // Repeats of each line: the first line with the same text (its group) and the group's
    // count. A repeat is not measured again but copied from its group's first line: a fifth of
    // a dump's lines repeat one above them (menus, share bars, "Read more").
    let mut first_of: lexicon::FastMap<&str, usize> =
        lexicon::FastMap::with_capacity_and_hasher(n_lines, Default::default());
    let mut group = Vec::with_capacity(n_lines);
    let mut blank_pending = false;
    // `str::lines` with the memchr crate's newline search (vectorised over the whole dump,
    // where `lines` searches line by line); a trailing newline yields no last line, as there.
    let bytes = dump.as_bytes();
    let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
    let mut start = 0;
    for (no, end) in ends.enumerate() {
        if start >= bytes.len() && end == bytes.len() {
            break;
        }
        let raw = dump.get(start..end).unwrap_or("");
        start = end + 1;
        // ASCII whitespace first; the Unicode test only when a line starts or ends beyond ASCII
        // (or with a vertical tab, Unicode white space that `trim_ascii` keeps).
        let mut t = raw.trim_ascii();
        let odd = |b: &u8| !b.is_ascii() || *b == 0x0b;
        if t.as_bytes().first().is_some_and(odd) || t.as_bytes().last().is_some_and(odd) {
            t = t.trim();
        }
        if t.is_empty() {
            blank_pending = true;
            if let Some(last) = lines.last_mut() {
                last.blank_after = true;
            }
            continue;
        }
        let k = lines.len();
        let g = *first_of.entry(t).or_insert(k);
        let mut l = match lines.get(g) {
            Some(first) => Line {
                no,
                blank_after: false,
                ..*first
            },
            None => Line::measure(no, t, bump),
        };
        l.blank_before = blank_pending;
        blank_pending = false;
        lines.push(l);
        group.push(g);
    }
    if lines.is_empty() {
        return None;
    }
    let mut count = vec![0usize; lines.len()];
    for &g in &group {
        count[g] += 1;
    }
    for (l, g) in lines.iter_mut().zip(group) {
        l.dup = count[g];
    }
    let title = find_title(&lines);
    let title_words = title
        .as_ref()
        .map(|t| features::TitleWords::new(&t.text))
        .unwrap_or_default();
    let ctx = features::context_features(&lines, &title_words, title.as_ref().map(|t| t.index));
    let mut x = [0f32; N_FEATURES];
    let mut p: Vec<f32> = lines
        .iter()
        .zip(&ctx)
        .map(|(l, c)| {
            features::vector(l, c, &mut x);
            model::probability(&x, model)
        })
        .collect();
    if model.has_stage2() {
        p = features::stage2_vectors(&lines, &p)
            .iter()
            .map(|x2| model::probability2(x2, model))
            .collect();
    }
    Some(Prepared {
        lines,
        title,
        ctx,
        p,
    })
}

/// Measured features of every non-blank line (for the training example): line number (0-based),
/// text and feature vector. Not a stable API.
#[doc(hidden)]
pub fn line_features(dump: &str) -> Vec<(usize, String, Vec<f32>)> {
    let bump = Bump::new();
    let Some(prep) = prepare(dump, LineModel::shipped(), &bump) else {
        return Vec::new();
    };
    let mut x = [0f32; N_FEATURES];
    prep.lines
        .iter()
        .zip(&prep.ctx)
        .map(|(l, c)| {
            features::vector(l, c, &mut x);
            (l.no, l.text.to_string(), x.to_vec())
        })
        .collect()
}

/// Second-stage feature vectors of every non-blank line under the first stage of `model` (for
/// the training example). Not a stable API.
#[doc(hidden)]
pub fn stage2_features(dump: &str, model: &LineModel) -> Vec<Vec<f32>> {
    let first_stage = LineModel::from_weights(&model.stage1_weights(), &[], model.params)
        .expect("stage-1 weights have the feature count");
    let bump = Bump::new();
    let Some(prep) = prepare(dump, &first_stage, &bump) else {
        return Vec::new();
    };
    features::stage2_vectors(&prep.lines, &prep.p)
        .iter()
        .map(|v| v.to_vec())
        .collect()
}

/// Names of the second-stage features.
#[doc(hidden)]
pub fn stage2_names() -> &'static [&'static str] {
    features::STAGE2_NAMES
}

/// Names of the features in [`line_features`] vectors.
#[doc(hidden)]
pub fn feature_names() -> &'static [&'static str] {
    features::FEATURE_NAMES
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &[&str] = &[
        "The harbour council voted on Tuesday to rebuild the old stone bridge, ending ten years of delays and disputes.",
        "Engineers said the new span will carry twice the traffic and open a lane for bicycles along the seaward side.",
        "Work is expected to start in the spring and to last about two years, the mayor told reporters after the vote.",
        "Residents who had campaigned for the repairs welcomed the decision but asked for a clear timetable of closures.",
    ];

    fn dump(parts: &[&str]) -> String {
        let mut s = parts.join("\n");
        s.push('\n');
        s
    }

    fn cleaned(parts: &[&str]) -> CleanedText {
        clean_dump(&dump(parts))
    }

    #[test]
    fn keeps_title_once_and_story_drops_byline_and_related_bodies() {
        let mut parts = vec![
            "logo",
            "Harbour bridge to be rebuilt",
            "Harbour bridge to be rebuilt",
            "Coast Herald3 hours ago",
        ];
        parts.extend_from_slice(STORY);
        parts.extend_from_slice(&[
            "Related Articles",
            "Storm closes coastal road",
            "Storm closes coastal road",
            "Coast Herald",
            "time5 hours ago",
            "Heavy rain closed the coastal road for the second time this winter and more storms are expected this week.",
            "DOWNLOAD THE APP",
            "app-storeplay-store",
        ]);
        let out = cleaned(&parts);
        assert_eq!(out.title.as_deref(), Some("Harbour bridge to be rebuilt"));
        assert_eq!(out.text.matches("Harbour bridge to be rebuilt").count(), 1);
        assert!(out
            .text
            .starts_with("Harbour bridge to be rebuilt\n\nThe harbour council"));
        assert!(out.text.contains("clear timetable of closures."));
        for junk in [
            "logo",
            "hours ago",
            "Storm",
            "Heavy rain",
            "APP",
            "app-store",
        ] {
            assert!(!out.text.contains(junk), "{junk} kept:\n{}", out.text);
        }
    }

    #[test]
    fn drops_callouts_prompts_contents_and_leaked_markup() {
        let parts = [
            "Bridge works: what changes for drivers",
            "Table of Contents",
            "- Bridge works: what changes for drivers",
            "- Closures",
            "- Questions",
            "Drivers will see the works start in spring.\">",
            STORY[0],
            STORY[1],
            "Did You Know? The old bridge was opened in 1901.",
            "Closures",
            STORY[2],
            "Pro Tip: Check the council website before you travel.",
            STORY[3],
            "What do you think about the new bridge? Will you use the bicycle lane?",
            "Share your thoughts: should the works start sooner?",
            "Stay informed! Subscribe to the Coast Herald for updates.",
        ];
        let out = cleaned(&parts);
        assert!(
            out.text.contains("Closures\n\nWork is expected"),
            "{}",
            out.text
        );
        for junk in [
            "Table of",
            "- Closures",
            "\">",
            "Did You Know",
            "Pro Tip",
            "What do you think",
            "Share your",
            "Subscribe",
        ] {
            assert!(!out.text.contains(junk), "{junk} kept:\n{}", out.text);
        }
        assert_eq!(out.text.matches("what changes for drivers").count(), 1);
    }

    #[test]
    fn furniture_headings_above_the_story_do_not_end_it() {
        let mut parts = vec![
            "Friday, July 4, 2025",
            "Top 5 This Week",
            "Related Posts",
            "Harbour bridge to be rebuilt",
        ];
        parts.extend_from_slice(STORY);
        parts.extend_from_slice(&[
            "Discover more from Coast Herald",
            "Subscribe to get the latest posts sent to your email.",
            "Jane Doe",
            "Jane Doe has been a reporter at the Coast Herald for twelve years, covering the harbour and the city council.",
            "LEAVE A REPLY",
            "Please enter your comment!",
            "Popular Articles",
        ]);
        let out = cleaned(&parts);
        assert!(
            out.text
                .starts_with("Harbour bridge to be rebuilt\n\nThe harbour council"),
            "{}",
            out.text
        );
        assert!(out.text.contains("clear timetable"));
        for junk in [
            "2025",
            "Top 5",
            "Discover",
            "Subscribe",
            "Jane Doe",
            "REPLY",
            "comment",
            "Popular",
        ] {
            assert!(!out.text.contains(junk), "{junk} kept:\n{}", out.text);
        }
    }

    #[test]
    fn headline_list_after_story_and_source_link_are_dropped() {
        let mut parts = vec!["Harbour bridge to be rebuilt"];
        parts.extend_from_slice(STORY);
        parts.extend_from_slice(&[
            "-",
            "Ferry fares to rise in autumn after fuel costs climb",
            "-",
            "Lighthouse keeper retires after forty years on the rock",
            "-",
            "Fishing fleet returns early as gales sweep the bay",
            "Source link",
        ]);
        let out = cleaned(&parts);
        assert!(
            out.text.ends_with("clear timetable of closures."),
            "{}",
            out.text
        );
    }

    #[test]
    fn inline_related_box_is_skipped_and_story_goes_on() {
        let parts = [
            "Harbour bridge to be rebuilt",
            STORY[0],
            STORY[1],
            "Related",
            "Ferry fares to rise in autumn",
            STORY[2],
            STORY[3],
            "Related Articles",
            "Lighthouse keeper retires after forty years on the rock, and the light will now be run from the town.",
        ];
        let out = cleaned(&parts);
        assert!(out.text.contains(STORY[3]), "{}", out.text);
        assert!(
            !out.text.contains("Ferry") && !out.text.contains("Lighthouse"),
            "{}",
            out.text
        );
    }

    #[test]
    fn explain_gives_a_reason_for_every_line() {
        let d = dump(&[
            "Harbour bridge to be rebuilt",
            "Home",
            STORY[0],
            STORY[1],
            "LEAVE A REPLY",
            "Please enter your comment!",
        ]);
        let ex = explain(&d);
        assert_eq!(ex.len(), 6);
        assert!(ex[0].kept && ex[0].rule_or_score == "title");
        assert!(!ex[1].kept && ex[1].rule_or_score == "rule:ui_word");
        assert!(ex[2].kept && ex[2].rule_or_score.starts_with("score:"));
        assert_eq!(ex[4].rule_or_score, "rule:furniture_heading(comments)");
        assert!(!ex[5].kept);
        assert_eq!(ex[5].line_no, 6);
    }

    #[test]
    fn body_heading_matches_the_head_of_a_page_title_with_site_names() {
        let mut parts = vec![
            "Bridge works | Coast Herald | News | Sport | Weather",
            "Home",
            "Bridge works",
        ];
        parts.extend_from_slice(STORY);
        let out = cleaned(&parts);
        assert_eq!(out.title.as_deref(), Some("Bridge works"));
        assert!(out.text.starts_with("Bridge works\n\nThe harbour council"));
        assert_eq!(title_head("A - B | C"), Some("A"));
        assert_eq!(title_head("No separator here"), None);
    }

    #[test]
    fn a_table_under_the_title_is_the_article_not_the_footer() {
        let mut parts = vec![
            "Harbour league table | Coast Herald | Sport",
            "Home",
            "News",
            "Sport",
            "Harbour league table",
            "Pos Club Played Points",
        ];
        let clubs = [
            "Harbour Rovers",
            "Bay United",
            "Lighthouse Athletic",
            "Quay Wanderers",
            "Pier Town",
            "Cliffside",
            "Old Port",
            "Saltmarsh",
            "Dockyard",
            "Ferry Lane",
        ];
        let rows: Vec<String> = (0..20)
            .map(|k| {
                let club = clubs[k % clubs.len()];
                let reserve = if k >= clubs.len() { " Reserves" } else { "" };
                format!("{} {club}{reserve} 12 {}", k + 1, 60 - 3 * k)
            })
            .collect();
        parts.extend(rows.iter().map(String::as_str));
        parts.extend_from_slice(&[
            "Related Articles",
            "Contact",
            "The information on this website is provided for general purposes only and is not advice of any kind.",
            "Results vary with the weather, and fixtures may be moved by the league at short notice without warning.",
        ]);
        let out = cleaned(&parts);
        assert!(
            out.text.contains("1 Harbour Rovers") && out.text.contains("20 Ferry Lane Reserves"),
            "{}",
            out.text
        );
        assert!(
            !out.text.contains("information on this website"),
            "{}",
            out.text
        );
    }

    #[test]
    fn items_announced_by_a_colon_stay_with_the_story() {
        let mut parts = vec!["Harbour festival returns"];
        parts.extend_from_slice(STORY);
        parts.extend_from_slice(&[
            "The festival will visit these towns next summer:",
            "June 9 -- Old Quay, Harbourside",
            "June 12 -- Market Square, Bayview",
            "June 15 -- Lighthouse Green, Cliffside",
            "FACEBOOK",
            "Subscribe",
        ]);
        let out = cleaned(&parts);
        assert!(out.text.contains("June 9 -- Old Quay"), "{}", out.text);
        assert!(
            out.text.ends_with("June 15 -- Lighthouse Green, Cliffside"),
            "{}",
            out.text
        );
    }

    #[test]
    fn title_can_be_left_out() {
        let mut parts = vec!["Harbour bridge to be rebuilt"];
        parts.extend_from_slice(STORY);
        let opts = Options {
            keep_title: false,
            ..Options::default()
        };
        let out = clean_dump_opts(&dump(&parts), &opts, None, "");
        assert!(out.text.starts_with("The harbour council"));
        assert_eq!(out.title.as_deref(), Some("Harbour bridge to be rebuilt"));
    }

    #[test]
    fn cross_document_lines_are_dropped_with_stats() {
        let mut stats = LineStats::default();
        let footer = "The Coast Herald is an independent newspaper serving the harbour towns since 1887, owned by its readers.";
        for i in 0..3 {
            let mut parts = vec!["Some other story"];
            parts.extend_from_slice(&STORY[..2]);
            parts.push(footer);
            let d = dump(&parts).replace("harbour council", &format!("harbour council {i}"));
            stats.observe("herald.example", &d);
        }
        let mut parts = vec!["Harbour bridge to be rebuilt"];
        parts.extend_from_slice(&STORY[2..]);
        parts.push(footer);
        let d = dump(&parts);
        assert!(clean_dump(&d).text.contains("independent newspaper"));
        let out = clean_dump_with(&d, Some(&stats), "herald.example");
        assert!(!out.text.contains("independent newspaper"), "{}", out.text);
        assert!(out.text.contains("clear timetable"));
        let other = clean_dump_with(&d, Some(&stats), "other.example");
        assert!(other.text.contains("independent newspaper"));
    }

    #[test]
    fn lines_are_split_and_trimmed_like_str_lines_and_trim() {
        for dump in [
            "",
            "\n",
            "a\n",
            "a\n\n",
            "a\r\nb",
            "\u{b}title words here\u{b}\n\u{a0}body text line\u{2003}\n\u{85}",
            "  x  \n\t\n y",
        ] {
            let want: Vec<(usize, &str)> = dump
                .lines()
                .enumerate()
                .map(|(no, l)| (no, l.trim()))
                .filter(|(_, l)| !l.is_empty())
                .collect();
            let bump = Bump::new();
            let got: Vec<(usize, &str)> = prepare(dump, LineModel::shipped(), &bump)
                .map(|p| p.lines.iter().map(|l| (l.no, l.text)).collect())
                .unwrap_or_default();
            assert_eq!(got, want, "{dump:?}");
        }
    }

    #[test]
    fn a_repeated_line_is_measured_like_its_first_occurrence() {
        // Repeats are copied from the first line with their text; each must still read as if
        // measured on its own, with its own position, blank neighbours and repeat count.
        let dump =
            "Share\n\nStory title here\nShare\nThe body of the story, long enough to count.\n\
                    Share\n\nRead more\nRead more\n";
        let bump = Bump::new();
        let prep = prepare(dump, LineModel::shipped(), &bump).expect("lines");
        assert_eq!(prep.lines.len(), 7);
        for l in &prep.lines {
            let mut fresh = Line::measure(l.no, l.text, &bump);
            fresh.blank_before = l.blank_before;
            fresh.blank_after = l.blank_after;
            fresh.dup = dump.lines().filter(|x| x.trim() == l.text).count();
            assert_eq!(format!("{l:?}"), format!("{fresh:?}"), "line {}", l.no);
        }
        let shares: Vec<(usize, bool, bool)> = prep
            .lines
            .iter()
            .filter(|l| l.text == "Share")
            .map(|l| (l.no, l.blank_before, l.blank_after))
            .collect();
        assert_eq!(
            shares,
            [(0, false, true), (3, false, false), (5, false, true)]
        );
    }

    #[test]
    fn odd_input_does_not_panic() {
        for d in [
            "",
            "\n\n",
            "—",
            "ü",
            "<",
            "|",
            "a\u{200b}b\n\u{200b}",
            "東京タワー\n東京タワー\n東京は晴れ。",
            "?\n?\n?",
        ] {
            let _ = clean_dump(d);
            let _ = explain(d);
        }
    }
}
