//! Per-line measurements and the feature vector the line model reads.
//!
//! A [`Line`] holds what one pass over the characters of a line tells (length, case, digits,
//! symbols, stop words, end punctuation) and a set of cue flags from the word lists. Context
//! features (the neighbouring lines) are added by [`context_features`] once all lines are
//! measured, in the spirit of jusText's neighbour rules (Pomikálek 2011, "Removing Boilerplate
//! and Duplicate Content from Web Corpora").

use std::sync::LazyLock;

use bumpalo::Bump;

use super::lexicon::{self, FastSet};

/// One non-blank line of a dump and its measurements.
#[derive(Debug, Clone, Copy)]
pub struct Line<'a> {
    /// 0-based line number in the dump.
    pub no: usize,
    /// The line, trimmed.
    pub text: &'a str,
    /// Lowercased text, in the dump's arena (a `Bump`: one allocation per dump rather than
    /// up to two per line, and nothing to free line by line).
    pub lower: &'a str,
    /// [`lexicon::heading_key`] of short lines (empty for long ones), in the arena; a line of
    /// plain lowercase words is its own key.
    pub key: &'a str,
    /// [`lexicon::word_bit`]s of the words of `key`.
    pub key_bits: u64,
    /// `\w+` tokens.
    pub words: usize,
    /// Length in word units: words, plus CJK characters / 2 (CJK runs are one token).
    pub units: f32,
    pub chars: usize,
    pub letters: usize,
    pub upper: usize,
    pub digits: usize,
    pub symbols: usize,
    /// Words that are stop words of a covered language.
    pub stop: usize,
    /// Words that start with a capital letter.
    pub capitalized: usize,
    /// Lower-to-upper or letter-to-digit changes inside a word ("StoreGoogle", "Mayadeen18").
    pub glue: usize,
    pub blank_before: bool,
    pub blank_after: bool,
    /// Ends like a sentence (`.`, `!`, `?`, `…`, maybe followed by closing quotes).
    pub terminal: bool,
    pub ends_colon: bool,
    pub ends_question: bool,
    pub starts_lower: bool,
    /// Starts with a list marker ("- ", "• ", "* ", "1) ", "1. ").
    pub list_marker: bool,
    /// How many times the same line occurs in the dump.
    pub dup: usize,
    pub cues: Cues,
}

/// Cue flags from the word lists and shape rules.
#[derive(Debug, Clone, Copy, Default)]
pub struct Cues {
    pub furniture_phrase: bool,
    pub ui_word: bool,
    pub relative_time: bool,
    pub date_like: bool,
    pub byline: bool,
    pub leaked_markup: bool,
    pub url: bool,
    pub store_badge: bool,
    pub callout: bool,
    /// Holds a newsletter, app or follow prompt ("subscribe to our ...").
    pub promo_prompt: bool,
    pub separators: usize,
}

const MONTHS: &[&str] = &[
    "jan",
    "feb",
    "mar",
    "apr",
    "may",
    "jun",
    "jul",
    "aug",
    "sep",
    "oct",
    "nov",
    "dec",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "januar",
    "februar",
    "märz",
    "mai",
    "juni",
    "juli",
    "oktober",
    "dezember",
    "janvier",
    "février",
    "mars",
    "avril",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
    "gennaio",
    "febbraio",
    "aprile",
    "maggio",
    "giugno",
    "luglio",
    "settembre",
    "ottobre",
    "dicembre",
    "janeiro",
    "fevereiro",
    "março",
    "maio",
    "junho",
    "julho",
    "setembro",
    "outubro",
    "novembro",
    "dezembro",
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
    "stycznia",
    "lutego",
    "marca",
    "kwietnia",
    "maja",
    "czerwca",
    "lipca",
    "sierpnia",
    "września",
    "października",
    "listopada",
    "grudnia",
    "januari",
    "februari",
    "maart",
    "mei",
    "augustus",
];

static MONTH_SET: LazyLock<FastSet<&'static str>> =
    LazyLock::new(|| MONTHS.iter().copied().collect());
/// Words that go with dates and times ("Friday", "am", "updated", "GMT").
const DATE_WORDS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "am",
    "pm",
    "a",
    "m",
    "p",
    "at",
    "on",
    "of",
    "the",
    "th",
    "st",
    "nd",
    "rd",
    "published",
    "updated",
    "posted",
    "last",
    "modified",
    "gmt",
    "utc",
    "et",
    "est",
    "edt",
    "cst",
    "cdt",
    "pst",
    "pdt",
    "bst",
    "cet",
    "ist",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "um",
    "uhr",
    "am",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "le",
    "à",
    "h",
    "lunes",
    "martes",
    "miércoles",
    "jueves",
    "viernes",
    "sábado",
    "domingo",
    "de",
    "del",
    "lunedì",
    "martedì",
    "mercoledì",
    "giovedì",
    "venerdì",
    "sabato",
    "domenica",
    "alle",
    "segunda",
    "terça",
    "quarta",
    "quinta",
    "sexta",
    "feira",
    "às",
    "в",
    "г",
    "года",
    "von",
    "door",
    "op",
];

static DATE_WORD_SET: LazyLock<FastSet<&'static str>> =
    LazyLock::new(|| DATE_WORDS.iter().copied().collect());

static TIME_UNIT_SET: LazyLock<FastSet<&'static str>> =
    LazyLock::new(|| TIME_UNITS.iter().copied().collect());

const TIME_UNITS: &[&str] = &[
    "sec", "secs", "second", "seconds", "min", "mins", "minute", "minutes", "hr", "hrs", "hour",
    "hours", "day", "days", "week", "weeks", "month", "months", "year", "years", "h", "m", "d",
];

/// Longest stop word in bytes (longer words are not looked up).
const STOP_WORD_BYTES: usize = 24;
/// Lines up to this many words keep their whole lowercased text.
pub const LOWER_FULL_WORDS: usize = 40;
/// Characters of a longer line that are lowercased.
const LOWER_HEAD_CHARS: usize = 80;

/// Whether the word in the first `len` bytes of the word buffer is a stop word.
fn is_stop(buf: &[u8; STOP_WORD_BYTES], len: usize) -> bool {
    lexicon::is_stop_word_in(buf, len)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

fn ends_terminal(text: &str) -> (bool, bool, bool) {
    let trimmed = text.trim_end_matches(|c: char| {
        matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '“' | '*') || c.is_whitespace()
    });
    match trimmed.chars().last() {
        Some('.' | '!' | '…' | '。' | '！' | '؟') => (true, false, false),
        Some('?' | '？') => (true, false, true),
        Some(':') => (false, true, false),
        _ => (false, false, false),
    }
}

fn starts_list_marker(text: &str) -> bool {
    let mut it = text.chars();
    match it.next() {
        Some('-' | '•' | '*' | '·' | '–' | '—' | '►' | '▸' | '»' | '›') => {
            matches!(it.next(), Some(' ') | None)
        }
        Some(c) if c.is_ascii_digit() => {
            let rest = text.trim_start_matches(|c: char| c.is_ascii_digit());
            rest.starts_with(") ") || rest.starts_with(". ")
        }
        _ => false,
    }
}

// Character classes for the measuring loop.
const ALPHA: u8 = 1;
const UPPER: u8 = 2;
const LOWER: u8 = 4;
const NUMERIC: u8 = 8;
const ASCII_DIGIT: u8 = 16;
/// `\w`: letters, digits, `_`.
const WORD: u8 = 32;
const SPACE: u8 = 64;

const fn ascii_class(b: u8) -> u8 {
    if b.is_ascii_uppercase() {
        ALPHA | UPPER | WORD
    } else if b.is_ascii_lowercase() {
        ALPHA | LOWER | WORD
    } else if b.is_ascii_digit() {
        NUMERIC | ASCII_DIGIT | WORD
    } else if b == b'_' {
        WORD
    } else if b.is_ascii_whitespace() || b == 0x0b {
        SPACE
    } else {
        0
    }
}

static ASCII_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        t[b] = ascii_class(b as u8);
        b += 1;
    }
    t
};

// The classes the chunked pass reads, one bit each, so that a byte's classes are one table
// entry: word character, upper and lower case letter, ASCII digit, white space, the space
// character itself, the ASCII separators of " | " and " / ", and the characters that may start
// leaked markup.
const C_WORD: u32 = 0;
const C_UPPER: u32 = 1;
const C_LOWER: u32 = 2;
const C_DIGIT: u32 = 3;
const C_SPACE: u32 = 4;
const C_SPACE_CHAR: u32 = 5;
const C_SEP: u32 = 6;
const C_MARKUP: u32 = 7;

/// Bit `to` if `classes` has `class`.
const fn class_bit(classes: u8, class: u8, to: u32) -> u8 {
    if classes & class != 0 {
        1 << to
    } else {
        0
    }
}

static ASCII_CHUNK_CLASS: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = ascii_class(b as u8);
        t[b] = class_bit(c, WORD, C_WORD)
            | class_bit(c, UPPER, C_UPPER)
            | class_bit(c, LOWER, C_LOWER)
            | class_bit(c, ASCII_DIGIT, C_DIGIT)
            | class_bit(c, SPACE, C_SPACE);
        b += 1;
    }
    t[b' ' as usize] |= 1 << C_SPACE_CHAR;
    t[b'|' as usize] |= 1 << C_SEP;
    t[b'/' as usize] |= 1 << C_SEP;
    t[b'"' as usize] |= 1 << C_MARKUP;
    t[b'<' as usize] |= 1 << C_MARKUP;
    t[b'{' as usize] |= 1 << C_MARKUP;
    t
};

/// The 8x8 bit matrix of eight bytes transposed (bit `8r + c` to bit `8c + r`): byte `c` of the
/// result holds bit `c` of each of the eight bytes, so one call gathers all eight class masks of
/// a group of bytes (Warren, "Hacker's Delight", 7-3).
fn transpose8(mut x: u64) -> u64 {
    let t = (x ^ (x >> 7)) & 0x00aa_00aa_00aa_00aa;
    x ^= t ^ (t << 7);
    let t = (x ^ (x >> 14)) & 0x0000_cccc_0000_cccc;
    x ^= t ^ (t << 14);
    let t = (x ^ (x >> 28)) & 0x0000_0000_f0f0_f0f0;
    x ^ t ^ (t << 28)
}

/// Eight ASCII bytes lowercased at once: 0x20 is added to the bytes in 'A'..='Z'.
fn ascii_lower8(x: u64) -> u64 {
    x | (lexicon::ascii_in_range8(x, b'A', b'Z') >> 2)
}

/// Which of eight ASCII bytes are letters or digits, as an 8-bit mask (byte k -> bit k).
fn ascii_alnum8(x: u64) -> u64 {
    lexicon::ascii_letters8(x) | lexicon::ascii_digits8(x)
}

/// Copies `src` (its first 64 bytes) to the start of `dst` in eight-byte words
/// ([`lexicon::load8`]), the bytes of the last word past `src` zero: no `memcpy` call of a
/// varying length per chunk.
fn copy_padded(dst: &mut [u8; 64 + STOP_WORD_BYTES], src: &[u8]) {
    for (d, s) in dst.chunks_exact_mut(8).zip(src.chunks(8)).take(8) {
        d.copy_from_slice(&lexicon::load8(s).to_le_bytes());
    }
}

/// Chunks of at least this many ASCII bytes go through [`Scan::ascii_chunk`].
const MIN_CHUNK: usize = 16;

impl Scan {
    /// Counts a run of up to 64 ASCII bytes at once, exactly as the character loop of
    /// [`Line::measure`] would: the classes of the bytes become bit masks (eight bytes at a
    /// time, through the class tables and [`gather`]), the counts are population counts and
    /// the transitions (word starts, lower-to-upper glue, " | " separators) shifts of the
    /// masks; only the words are visited one by one, for the stop-word lookup. A character
    /// loop branches on every class test, and mispredicted branches were a third of the time
    /// of the measuring pass (in the spirit of simdjson's structural masks, Langdale & Lemire
    /// 2019, without SIMD instructions).
    fn ascii_chunk(&mut self, seg: &[u8]) {
        let m = seg.len().min(64);
        // The chunk, padded so that a word's first STOP_WORD_BYTES bytes can always be read.
        let mut padded = [0u8; 64 + STOP_WORD_BYTES];
        copy_padded(&mut padded, &seg[..m]);
        let (mut w, mut u, mut l, mut d, mut sp_mask, mut sep_mask, mut space) =
            (0u64, 0u64, 0u64, 0u64, 0u64, 0u64, 0u64);
        let mut markup = 0u64;
        for (g, group) in padded[..64].chunks_exact(8).enumerate() {
            if g * 8 >= m {
                break;
            }
            let mut class = [0u8; 8];
            for k in 0..8 {
                class[k] = ASCII_CHUNK_CLASS[usize::from(group[k] & 0x7f)];
            }
            // Byte c of `masks`: which of the eight bytes have class bit c.
            let masks = transpose8(u64::from_le_bytes(class));
            let shift = 8 * g as u32;
            let mask = |c: u32| ((masks >> (8 * c)) & 0xff) << shift;
            w |= mask(C_WORD);
            u |= mask(C_UPPER);
            l |= mask(C_LOWER);
            d |= mask(C_DIGIT);
            space |= mask(C_SPACE);
            sp_mask |= mask(C_SPACE_CHAR);
            sep_mask |= mask(C_SEP);
            markup |= mask(C_MARKUP);
        }
        let valid = if m == 64 { u64::MAX } else { (1u64 << m) - 1 };
        self.chars += m;
        // ASCII letters are upper or lower case.
        self.letters += (u | l).count_ones() as usize;
        self.upper += u.count_ones() as usize;
        self.digits += d.count_ones() as usize;
        self.symbols += (!w & !space & valid).count_ones() as usize;
        self.markup_chars |= markup != 0;
        // Words: starts, capitals, and glue (a lowercase letter followed by a capital or a
        // digit inside a word).
        let w_prev = (w << 1) | u64::from(self.in_word);
        let l_prev = (l << 1) | u64::from(self.prev_lower);
        let starts = w & !w_prev;
        self.words += starts.count_ones() as usize;
        self.capitalized += (starts & u).count_ones() as usize;
        self.glue += (w & w_prev & l_prev & (u | d)).count_ones() as usize;
        // Separators: a space, '|' or '/', then a space.
        let after_space = (sp_mask << 1) | u64::from(self.sep_state == 1);
        let state2 = sep_mask & after_space;
        let state2_prev = (state2 << 1) | u64::from(self.sep_state == 2);
        self.separators += (sp_mask & state2_prev).count_ones() as usize;
        let last = 1u64 << (m - 1);
        self.sep_state = if sp_mask & last != 0 {
            1
        } else if state2 & last != 0 {
            2
        } else {
            0
        };
        // A word left open by what came before ends at a first byte that is no word character.
        if self.in_word && w & 1 == 0 && !self.buf_overflow && is_stop(&self.buf, self.buf_len) {
            self.stop += 1;
        }
        // Each run of word characters: into the word buffer; a run that ends inside the
        // chunk ends its word, which is looked up.
        let mut rest = w;
        while rest != 0 {
            let s = rest.trailing_zeros() as usize;
            let e = s + (rest >> s).trailing_ones() as usize;
            if s == 0 && self.in_word {
                // The word goes on from before the chunk: appended.
                for &x in &seg[s..e] {
                    if let Some(slot) = self.buf.get_mut(self.buf_len) {
                        *slot = x.to_ascii_lowercase();
                    }
                    self.buf_len += 1;
                }
            } else {
                // A new word: its first bytes copied whole, lowercased eight at a time (a fixed
                // count, so no loop exit to predict; bytes past the word are never read).
                for (dst, src) in self
                    .buf
                    .chunks_exact_mut(8)
                    .zip(padded[s..s + STOP_WORD_BYTES].chunks_exact(8))
                {
                    let mut b = [0u8; 8];
                    b.copy_from_slice(src);
                    dst.copy_from_slice(&ascii_lower8(u64::from_le_bytes(b)).to_le_bytes());
                }
                self.buf_len = e - s;
                self.buf_overflow = false;
            }
            if self.buf_len > STOP_WORD_BYTES {
                self.buf_overflow = true;
                self.buf_len = STOP_WORD_BYTES;
            }
            if e < m && !self.buf_overflow && is_stop(&self.buf, self.buf_len) {
                self.stop += 1;
            }
            rest = if e >= 64 { 0 } else { rest & (u64::MAX << e) };
        }
        self.in_word = w & last != 0;
        self.prev_lower = l & last != 0;
    }
}

fn non_ascii_class(c: char) -> u8 {
    if lexicon::is_alpha(c) {
        let (is_upper, is_lower) = match c as u32 {
            0xc0..=0xde => (true, false),
            0xdf..=0xff => (false, true),
            0x410..=0x42f => (true, false),
            0x430..=0x44f => (false, true),
            0x3041..=0x3096 | 0x30a1..=0x30fa | 0x4e00..=0x9fff => (false, false),
            _ => (c.is_uppercase(), c.is_lowercase()),
        };
        ALPHA | WORD | if is_upper { UPPER } else { 0 } | if is_lower { LOWER } else { 0 }
    } else if !lexicon::is_punctuation_block(c) && c.is_numeric() {
        NUMERIC | WORD
    } else if c.is_whitespace() {
        SPACE
    } else {
        0
    }
}

/// What one pass over a line's characters counts (see [`Line::measure`]), with the state the
/// pass carries from one character to the next.
#[derive(Default)]
struct Scan {
    chars: usize,
    letters: usize,
    upper: usize,
    digits: usize,
    symbols: usize,
    cjk: usize,
    words: usize,
    capitalized: usize,
    glue: usize,
    stop: usize,
    in_word: bool,
    prev_lower: bool,
    /// The current word, lowercased into a small buffer for the stop-word lookup (one pass
    /// over the line instead of lowercasing and splitting it again).
    buf: [u8; STOP_WORD_BYTES],
    buf_len: usize,
    buf_overflow: bool,
    /// " | ", " / ", " • ", " · " separators, counted when the space after them is seen.
    separators: usize,
    /// 1: after a space, 2: after a space and a separator.
    sep_state: u8,
    markup_chars: bool,
}

impl<'a> Line<'a> {
    /// Measures one trimmed, non-blank line; its lowercased text and key go into `bump`.
    pub fn measure(no: usize, text: &'a str, bump: &'a Bump) -> Line<'a> {
        Line::measure_with(no, text, bump, MIN_CHUNK)
    }

    /// [`Line::measure`] one character at a time, for the tests of the chunked pass.
    #[cfg(test)]
    fn measure_by_character(no: usize, text: &'a str, bump: &'a Bump) -> Line<'a> {
        Line::measure_with(no, text, bump, usize::MAX)
    }

    /// [`Line::measure`], with runs of at least `min_chunk` ASCII bytes counted in chunks.
    fn measure_with(no: usize, text: &'a str, bump: &'a Bump, min_chunk: usize) -> Line<'a> {
        let mut s = Scan::default();
        // Where the last ASCII run found too short for a chunk ends.
        let mut short_run_end = 0;
        let ascii = text.is_ascii();
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 && i >= short_run_end {
                // Up to 64 ASCII bytes at once, when there are enough of them.
                let end = (i + 64).min(bytes.len());
                let seg = &bytes[i..end];
                // An all-ASCII line (most) needs no search for where its ASCII run ends.
                let n = if ascii {
                    seg.len()
                } else {
                    lexicon::ascii_prefix(seg)
                };
                if n >= min_chunk {
                    s.ascii_chunk(&seg[..n]);
                    i += n;
                    continue;
                }
                // Too short a run: its bytes go one at a time, without asking again.
                short_run_end = i + n;
            }
            // ASCII through a class table; the Unicode tables are slow and most text is ASCII.
            let (c, class) = if b < 0x80 {
                i += 1;
                (char::from(b), ASCII_CLASS[usize::from(b)])
            } else {
                let Some(c) = text.get(i..).and_then(|t| t.chars().next()) else {
                    break;
                };
                i += c.len_utf8();
                (c, non_ascii_class(c))
            };
            s.chars += 1;
            if class & SPACE != 0 {
                if s.sep_state == 2 && c == ' ' {
                    s.separators += 1;
                }
                s.sep_state = u8::from(c == ' ');
            } else {
                s.sep_state = u8::from(s.sep_state == 1 && matches!(c, '|' | '/' | '•' | '·')) * 2;
                if matches!(c, '"' | '<' | '{') {
                    s.markup_chars = true;
                }
            }
            let is_upper = class & UPPER != 0;
            let word_char = class & WORD != 0;
            if word_char {
                if !s.in_word {
                    s.words += 1;
                    if is_upper {
                        s.capitalized += 1;
                    }
                    s.buf_len = 0;
                    s.buf_overflow = false;
                } else if s.prev_lower && (is_upper || class & ASCII_DIGIT != 0) {
                    s.glue += 1;
                }
                if !s.buf_overflow {
                    if b < 0x80 {
                        if s.buf_len < STOP_WORD_BYTES {
                            s.buf[s.buf_len] = b.to_ascii_lowercase();
                            s.buf_len += 1;
                        } else {
                            s.buf_overflow = true;
                        }
                    } else if let Some(l) = lexicon::lower_char(c) {
                        let n = l.len_utf8();
                        if s.buf_len + n <= STOP_WORD_BYTES {
                            l.encode_utf8(&mut s.buf[s.buf_len..s.buf_len + n]);
                            s.buf_len += n;
                        } else {
                            s.buf_overflow = true;
                        }
                    } else {
                        for l in c.to_lowercase() {
                            let n = l.len_utf8();
                            if s.buf_len + n <= STOP_WORD_BYTES {
                                l.encode_utf8(&mut s.buf[s.buf_len..s.buf_len + n]);
                                s.buf_len += n;
                            } else {
                                s.buf_overflow = true;
                            }
                        }
                    }
                }
                if class & ALPHA != 0 {
                    s.letters += 1;
                    if is_upper {
                        s.upper += 1;
                    }
                    if b >= 0x80 && is_cjk(c) {
                        s.cjk += 1;
                    }
                } else if class & NUMERIC != 0 {
                    s.digits += 1;
                }
            } else {
                if s.in_word && !s.buf_overflow && is_stop(&s.buf, s.buf_len) {
                    s.stop += 1;
                }
                if class & SPACE == 0 {
                    s.symbols += 1;
                }
            }
            s.in_word = word_char;
            s.prev_lower = class & LOWER != 0;
            // The rest of a run of ASCII lowercase letters (most of any text) in a tight loop:
            // each only counts as a letter and goes into the word buffer.
            if b < 0x80 && s.prev_lower {
                let start = i;
                // Into the word buffer as they are read: a `copy_from_slice` of the run
                // afterwards was a `memcpy` call per word.
                while i < bytes.len() && bytes[i].is_ascii_lowercase() {
                    if let Some(slot) = s.buf.get_mut(s.buf_len) {
                        *slot = bytes[i];
                    }
                    s.buf_len += 1;
                    i += 1;
                }
                if s.buf_len > STOP_WORD_BYTES {
                    s.buf_overflow = true;
                    s.buf_len = STOP_WORD_BYTES;
                }
                let run = i - start;
                s.chars += run;
                s.letters += run;
                if run > 0 {
                    s.sep_state = 0;
                }
            }
        }
        if s.in_word && !s.buf_overflow && is_stop(&s.buf, s.buf_len) {
            s.stop += 1;
        }
        let Scan {
            chars,
            letters,
            upper,
            digits,
            symbols,
            cjk,
            words,
            capitalized,
            glue,
            stop,
            separators,
            markup_chars,
            ..
        } = s;
        // Long lines keep a lowercased head only: the rules that read `lower` on long lines
        // look at how they start.
        let source = if words <= LOWER_FULL_WORDS {
            text
        } else if ascii {
            // Characters are bytes: no decoding to find where the head ends.
            text.get(..LOWER_HEAD_CHARS).unwrap_or(text)
        } else {
            text.char_indices()
                .nth(LOWER_HEAD_CHARS)
                .and_then(|(i, _)| text.get(..i))
                .unwrap_or(text)
        };
        let lower: &'a str = if ascii {
            let s = bump.alloc_str(source);
            s.make_ascii_lowercase();
            s
        } else {
            lexicon::lowercase(source, bump)
        };
        let (terminal, ends_colon, ends_question) = ends_terminal(text);
        // The heading key of a short line, from its lowercased text (`lower` is whole for
        // lines of up to LOWER_FULL_WORDS words).
        let key = if words <= 30 {
            lexicon::key_of_lower(lower, bump)
        } else {
            lexicon::KeyInfo::default()
        };
        // Whether the line holds an ASCII digit: of an ASCII line, the digits counted.
        let ascii_digit = if ascii {
            digits > 0
        } else {
            text.bytes().any(|b| b.is_ascii_digit())
        };
        let cues = Cues {
            separators,
            ..cues(text, lower, &key, words, markup_chars, ascii_digit)
        };
        Line {
            no,
            text,
            key: key.key,
            key_bits: key.word_bits,
            words,
            units: words as f32 + cjk as f32 / 2.0,
            chars,
            letters,
            upper,
            digits,
            symbols,
            stop,
            capitalized,
            glue,
            blank_before: false,
            blank_after: false,
            terminal,
            ends_colon,
            ends_question,
            starts_lower: text.chars().next().is_some_and(char::is_lowercase),
            list_marker: starts_list_marker(text),
            dup: 1,
            cues,
            lower,
        }
    }

    /// At least this many word units.
    pub fn is_long(&self) -> bool {
        self.units >= 12.0
    }
}

/// The first tokens of `lower` (runs of word characters, `_` excepted) into `out`; returns how
/// many. An ASCII line is split byte by byte, without decoding characters.
fn word_tokens<'s>(lower: &'s str, out: &mut [&'s str; 32]) -> usize {
    let mut n = 0;
    if lower.is_ascii() {
        // The letters and digits of 64 bytes at a time as a bit mask; a token is a run of ones
        // (a byte loop mispredicted the end of most tokens).
        let b = lower.as_bytes();
        let mut push = |s: usize, e: usize| {
            out[n] = lower.get(s..e).unwrap_or("");
            n += 1;
            n == out.len()
        };
        // Where a token left open at the end of the last block starts.
        let mut open: Option<usize> = None;
        for (k, block) in b.chunks(64).enumerate() {
            let base = 64 * k;
            let mut mask = 0u64;
            for (g, chunk) in block.chunks(8).enumerate() {
                mask |= ascii_alnum8(lexicon::load8(chunk)) << (8 * g);
            }
            let mut rest = mask;
            if let Some(s) = open.take() {
                let e = rest.trailing_ones() as usize;
                if e == 64 {
                    open = Some(s);
                    continue;
                }
                if push(s, base + e) {
                    return n;
                }
                rest &= u64::MAX << e;
            }
            while rest != 0 {
                let s = rest.trailing_zeros() as usize;
                let e = s + (rest >> s).trailing_ones() as usize;
                if e == 64 {
                    open = Some(base + s);
                    break;
                }
                if push(base + s, base + e) {
                    return n;
                }
                rest &= u64::MAX << e;
            }
        }
        if let Some(s) = open {
            push(s, b.len());
        }
        return n;
    }
    for t in lower
        .split(|ch: char| !lexicon::is_word_char(ch) || ch == '_')
        .filter(|t| !t.is_empty())
    {
        if n == out.len() {
            break;
        }
        out[n] = t;
        n += 1;
    }
    n
}

/// The cue flags of a line from its text, lowercased text and heading key (with its word
/// signature and phrase tags); `has_digit`: it holds an ASCII digit. The separator count is the
/// caller's (it comes from the measuring pass).
fn cues(
    text: &str,
    lower: &str,
    key: &lexicon::KeyInfo,
    words: usize,
    markup_chars: bool,
    has_digit: bool,
) -> Cues {
    let phrase_tags = key.phrase_tags;
    let short = words <= 12;
    // `phrase_tags`: the furniture phrases and promotion prompts of the key (none past 30
    // words, where the key is empty).
    let mut c = Cues {
        promo_prompt: phrase_tags & lexicon::PROMO_TAG != 0,
        ..Cues::default()
    };
    if short {
        c.furniture_phrase = phrase_tags & lexicon::FURNITURE_TAG != 0
            || (!text.is_ascii() && lexicon::contains_short(text, "©"));
        c.ui_word = lexicon::is_ui_word(key.key);
        // `str::contains` and `memmem::find` set up a searcher per call, a cost per line; a
        // short line is searched for the needle's first byte instead.
        let has = |needle: &str| lexicon::contains_short(lower, needle);
        c.store_badge = lexicon::has_stor_or_play(lower)
            && (has("store") || has("play"))
            && [
                "app store",
                "app-store",
                "appstore",
                "play store",
                "play-store",
                "google play",
                "googleplay",
            ]
            .iter()
            .any(|p| has(p));
    }
    c.callout = lexicon::has_callout_prefix(lower);
    c.leaked_markup = markup_chars
        && (text.ends_with("\">")
            || text.contains("\" />")
            || text.contains("\"/>")
            || text.contains("=\"")
            || text.contains("</")
            || text.contains("{{")
            || (text.starts_with('<') && text.ends_with('>')));
    let head = lexicon::head16(lower);
    c.url = lexicon::starts_with_any(head, &URL_PREFIXES);
    if words <= 18 {
        let bits = key.word_bits;
        // Which token tests can hold, from the key's word signature: a token of letters is a
        // word of the key, so a line whose signature has no bit of a list has no token of it.
        // Most short lines have none and no digit, and are not split into tokens at all.
        let maybe_ago = words <= 10 && bits & *AGO_BITS != 0;
        let byline_length = words <= 10 || has_digit;
        let maybe_by = byline_length && bits & *BYLINE_FIRST_BITS != 0;
        let mut first = "";
        if maybe_ago || maybe_by || (has_digit && words <= 7) {
            // At most 18 words: the tokens fit a small array (no allocation per line).
            let mut tok_buf: [&str; 32] = [""; 32];
            let n_toks = word_tokens(lower, &mut tok_buf);
            let toks = &tok_buf[..n_toks];
            first = toks.first().copied().unwrap_or("");
            // "18 hours ago", "Al Mayadeen18 hours ago", "timean hour ago", "vor 2 Stunden".
            let has_ago = maybe_ago && toks.iter().any(|t| AGO_WORDS.contains(t));
            let has_unit = || {
                toks.iter().any(|t| {
                    let t = t.trim_start_matches(|ch: char| ch.is_ascii_digit());
                    TIME_UNIT_SET.contains(t) || TIME_UNIT_STEMS.iter().any(|u| t.starts_with(u))
                })
            };
            c.relative_time = has_ago && has_unit();
            c.date_like = has_digit && is_date(text, toks, words);
        }
        c.byline = byline_length
            && (BYLINE_FIRST_WORDS.contains(&first)
                || lexicon::starts_with_any(head, &BYLINE_PREFIXES))
            && text
                .split_whitespace()
                .nth(1)
                .is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase));
    }
    c
}

/// Whether a line of `words` words (tokens `toks`, with an ASCII digit) reads as a date:
/// a month name with a number, or a year or a d/m/y date, and little else.
fn is_date(text: &str, toks: &[&str], words: usize) -> bool {
    let month = words <= 7 && toks.iter().any(|t| MONTH_SET.contains(t));
    let numeric_date = words <= 4
        && (toks
            .iter()
            .any(|t| t.len() == 4 && t.bytes().all(|b| b.is_ascii_digit()))
            || text.split_whitespace().any(|t| {
                let mut parts = 0;
                let all_digits = t.split(['/', '.', '-']).filter(|p| !p.is_empty()).all(|p| {
                    parts += 1;
                    p.bytes().all(|b| b.is_ascii_digit())
                });
                all_digits && parts == 3
            }));
    // A date line holds little besides the date: month names, numbers, weekdays, times.
    let mostly_date = || {
        toks.iter()
            .filter(|t| {
                !(t.bytes().all(|b| b.is_ascii_digit())
                    || MONTH_SET.contains(*t)
                    || DATE_WORD_SET.contains(*t)
                    || (t.len() <= 4 && t.bytes().next().is_some_and(|b| b.is_ascii_digit())))
            })
            .count()
            <= 1
    };
    (month || numeric_date) && mostly_date()
}

/// The word that makes a relative time ("18 hours ago", "vor 2 Stunden", "hace 3 días").
const AGO_WORDS: &[&str] = &[
    "ago",
    "vor",
    "il",
    "hace",
    "fa",
    "atrás",
    "назад",
    "geleden",
    "temu",
];

/// Stems of time units whose inflected forms are not all listed ("Stunden", "heures").
const TIME_UNIT_STEMS: &[&str] = &[
    "stunde",
    "minute",
    "heure",
    "hora",
    "ora",
    "час",
    "минут",
    "uur",
    "godzin",
];

/// First words of a byline ("By Jane Doe", "Von Max Muster").
const BYLINE_FIRST_WORDS: &[&str] = &[
    "by",
    "von",
    "par",
    "por",
    "di",
    "door",
    "autor",
    "author",
    "автор",
];

/// Line starts of a URL.
const URL_PREFIXES: [(u128, u128); 3] = [
    lexicon::prefix16("http://"),
    lexicon::prefix16("https://"),
    lexicon::prefix16("www."),
];

/// Line starts of a byline besides [`BYLINE_FIRST_WORDS`].
const BYLINE_PREFIXES: [(u128, u128); 5] = [
    lexicon::prefix16("posted by"),
    lexicon::prefix16("written by"),
    lexicon::prefix16("words by"),
    lexicon::prefix16("story by"),
    lexicon::prefix16("reporting by"),
];

/// The [`lexicon::word_bit`]s of a list of words.
fn word_bits_of<'w>(words: impl IntoIterator<Item = &'w str>) -> u64 {
    words
        .into_iter()
        .filter_map(|w| w.as_bytes().first().map(|b| lexicon::word_bit(*b, w.len())))
        .fold(0, |a, b| a | b)
}

static AGO_BITS: LazyLock<u64> = LazyLock::new(|| word_bits_of(AGO_WORDS.iter().copied()));
static BYLINE_FIRST_BITS: LazyLock<u64> =
    LazyLock::new(|| word_bits_of(BYLINE_FIRST_WORDS.iter().copied()));

/// Names of the model's features, in vector order (the weights file uses these names).
pub const FEATURE_NAMES: &[&str] = &[
    "bias",
    "log_units",
    "long",
    "short",
    "terminal",
    "ends_colon",
    "ends_question",
    "starts_lower",
    "upper_ratio",
    "all_caps",
    "digit_ratio",
    "symbol_ratio",
    "stop_density",
    "no_stop",
    "capitalized_ratio",
    "glue",
    "list_marker",
    "title_sim",
    "position",
    "furniture_phrase",
    "ui_word",
    "relative_time",
    "date_like",
    "byline",
    "leaked_markup",
    "url",
    "separators",
    "dup",
    "prev_long",
    "next_long",
    "prev_terminal",
    "next_terminal",
    "window_long",
    "short_run",
    "between_long",
    "heading_before_long",
    "mean_word_len",
    "after_title",
    "long_terminal",
    "long_stop_density",
    "long_window_long",
];

/// Number of features.
pub const N_FEATURES: usize = FEATURE_NAMES.len();

/// Context a line's features need besides its own measurements.
pub struct Context {
    pub title_sim: f32,
    pub position: f32,
    pub prev_long: bool,
    pub next_long: bool,
    pub prev_terminal: bool,
    pub next_terminal: bool,
    /// Share of long lines among the 3 lines either side.
    pub window_long: f32,
    /// Length of the run of consecutive short lines this line is in (0 for a long line).
    pub short_run: usize,
    /// Lines since the title line (0 when not after it).
    pub after_title: usize,
}

/// The context of every line (same order as `lines`).
pub fn context_features(
    lines: &[Line<'_>],
    title_words: &TitleWords,
    title_index: Option<usize>,
) -> Vec<Context> {
    let n = lines.len();
    let long: Vec<bool> = lines.iter().map(Line::is_long).collect();
    // Runs of short lines.
    let mut run = vec![0usize; n];
    let mut i = 0;
    while i < n {
        if long[i] {
            i += 1;
            continue;
        }
        let start = i;
        while i < n && !long[i] {
            i += 1;
        }
        for r in run.iter_mut().take(i).skip(start) {
            *r = i - start;
        }
    }
    let mut prefix = vec![0usize; n + 1];
    for k in 0..n {
        prefix[k + 1] = prefix[k] + usize::from(long[k]);
    }
    (0..n)
        .map(|k| {
            let lo = k.saturating_sub(3);
            let hi = (k + 4).min(n);
            let others = (hi - lo).saturating_sub(1).max(1);
            let window_long =
                (prefix[hi] - prefix[lo] - usize::from(long[k])) as f32 / others as f32;
            Context {
                title_sim: title_similarity(&lines[k], title_words),
                position: if n > 1 {
                    k as f32 / (n - 1) as f32
                } else {
                    0.0
                },
                prev_long: k > 0 && long[k - 1],
                next_long: k + 1 < n && long[k + 1],
                prev_terminal: k > 0 && lines[k - 1].terminal,
                next_terminal: k + 1 < n && lines[k + 1].terminal,
                window_long,
                short_run: run[k],
                after_title: match title_index {
                    Some(t) if t > 0 && k > t => k - t,
                    _ => 0,
                },
            }
        })
        .collect()
}

/// The lowercased words of the title, with a filter ([`lexicon::WordFilter`]) so that most words
/// of other lines are rejected without hashing.
#[derive(Default)]
pub struct TitleWords {
    words: FastSet<String>,
    /// The words by first byte, last byte and length.
    filter: lexicon::WordFilter,
    /// [`lexicon::word_bit`]s of the words.
    bits: u64,
}

impl TitleWords {
    /// The distinct letter words of a title, lowercased (its [`lexicon::heading_key`] words).
    pub fn new(title: &str) -> TitleWords {
        let words: FastSet<String> = lexicon::heading_key(title)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let filter = lexicon::WordFilter::of(words.iter().map(String::as_str));
        let bits = word_bits_of(words.iter().map(String::as_str));
        TitleWords {
            words,
            filter,
            bits,
        }
    }

    fn contains(&self, w: &str) -> bool {
        self.filter.may_contain(w.as_bytes()) && self.words.contains(w)
    }

    fn len(&self) -> usize {
        self.words.len()
    }
}

/// Share of the line's words that are title words (0 when there is no title).
pub fn title_similarity(line: &Line<'_>, title_words: &TitleWords) -> f32 {
    if title_words.len() == 0 || line.words == 0 || line.words > 40 {
        return 0.0;
    }
    if !line.key.is_empty() && line.key_bits & title_words.bits == 0 {
        // No word of the key can be a title word.
        return 0.0;
    }
    let mut hit = 0usize;
    let mut n = 0usize;
    let mut count = |w: &str| {
        if !w.is_empty() {
            n += 1;
            if title_words.contains(w) {
                hit += 1;
            }
        }
    };
    // The heading key holds the letter words, lowercased, one space apart (lines of up to 30
    // words; longer ones are read from `lower`).
    if line.key.is_empty() {
        line.lower
            .split(|c: char| !lexicon::is_word_char(c))
            .for_each(&mut count);
    } else {
        // `split(' ')` searches with memchr per word.
        lexicon::for_each_key_word(line.key.as_bytes(), |s, e| {
            count(line.key.get(s..e).unwrap_or(""));
        });
    }
    if n == 0 {
        return 0.0;
    }
    let cover_line = hit as f32 / n as f32;
    let cover_title = (hit as f32 / title_words.len() as f32).min(1.0);
    cover_line.min(cover_title)
}

/// `ln(1 + units)` of the line lengths most lines have (half-units below 256) from a table
/// filled with the same expression, so the value is the same to the bit: a `logf` call per
/// line was a hundredth of the time.
fn log_units(units: f32) -> f32 {
    fn f(units: f32) -> f32 {
        (1.0 + units).ln()
    }
    static TABLE: LazyLock<Vec<f32>> =
        LazyLock::new(|| (0..512).map(|k| f(k as f32 / 2.0)).collect());
    let k = (units * 2.0) as usize;
    match TABLE.get(k) {
        Some(v) if k as f32 / 2.0 == units => *v,
        _ => f(units),
    }
}

/// The short-run feature, `ln(1 + run) / 4` capped at 1.5, from a table for runs below 256
/// (the same expression, so the same value to the bit).
fn short_run_feature(run: usize) -> f32 {
    fn f(run: usize) -> f32 {
        ((run as f32).ln_1p() / 4.0).min(1.5)
    }
    static TABLE: LazyLock<Vec<f32>> = LazyLock::new(|| (0..256).map(f).collect());
    TABLE.get(run).copied().unwrap_or_else(|| f(run))
}

/// The feature vector of one line.
pub fn vector(line: &Line<'_>, ctx: &Context, out: &mut [f32; N_FEATURES]) {
    let letters = line.letters.max(1) as f32;
    let chars = line.chars.max(1) as f32;
    let words = line.words.max(1) as f32;
    let b = |x: bool| if x { 1.0 } else { 0.0 };
    let v = [
        1.0,
        log_units(line.units),
        b(line.is_long()),
        b(line.units <= 3.0),
        b(line.terminal),
        b(line.ends_colon),
        b(line.ends_question),
        b(line.starts_lower),
        line.upper as f32 / letters,
        b(line.letters >= 4 && line.upper * 10 >= line.letters * 9),
        line.digits as f32 / chars,
        line.symbols as f32 / chars,
        line.stop as f32 / words,
        b(line.stop == 0),
        line.capitalized as f32 / words,
        (line.glue as f32).min(3.0) / 3.0,
        b(line.list_marker),
        ctx.title_sim,
        ctx.position,
        b(line.cues.furniture_phrase),
        b(line.cues.ui_word),
        b(line.cues.relative_time),
        b(line.cues.date_like),
        b(line.cues.byline),
        b(line.cues.leaked_markup),
        b(line.cues.url),
        (line.cues.separators as f32).min(4.0) / 4.0,
        b(line.dup > 1),
        b(ctx.prev_long),
        b(ctx.next_long),
        b(ctx.prev_terminal),
        b(ctx.next_terminal),
        ctx.window_long,
        short_run_feature(ctx.short_run),
        b(!line.is_long() && ctx.prev_long && ctx.next_long),
        b(!line.is_long() && !line.terminal && ctx.next_long && !ctx.prev_long),
        (line.letters as f32 / words / 10.0).min(2.0),
        if ctx.after_title > 0 && ctx.after_title <= 12 {
            1.0 / ctx.after_title as f32
        } else {
            0.0
        },
        b(line.is_long() && line.terminal),
        if line.is_long() {
            line.stop as f32 / words
        } else {
            0.0
        },
        if line.is_long() { ctx.window_long } else { 0.0 },
    ];
    out.copy_from_slice(&v);
}

/// Names of the second-stage features: the first stage's score of the line and of its
/// neighbours (stacking), so that a line inside a run of content is read as content.
pub const STAGE2_NAMES: &[&str] = &[
    "s2.bias",
    "s2.logit",
    "s2.prev",
    "s2.next",
    "s2.mean3",
    "s2.mean8",
    "s2.max_before",
    "s2.max_after",
    "s2.short",
    "s2.long",
    "s2.terminal",
    "s2.list_marker",
];

/// Number of second-stage features.
pub const N_STAGE2: usize = STAGE2_NAMES.len();

/// Second-stage vectors of all lines from their first-stage probabilities `p1`.
pub fn stage2_vectors(lines: &[Line<'_>], p1: &[f32]) -> Vec<[f32; N_STAGE2]> {
    let n = lines.len();
    let b = |x: bool| if x { 1.0 } else { 0.0 };
    // Prefix sums of p1 * units and units for the length-weighted window mean.
    let mut pw = vec![0f32; n + 1];
    let mut uw = vec![0f32; n + 1];
    let mut ps = vec![0f32; n + 1];
    for k in 0..n {
        let u = lines[k].units.min(60.0) + 1.0;
        pw[k + 1] = pw[k] + p1[k] * u;
        uw[k + 1] = uw[k] + u;
        ps[k + 1] = ps[k] + p1[k];
    }
    (0..n)
        .map(|k| {
            let l = &lines[k];
            let p = p1[k].clamp(1e-4, 1.0 - 1e-4);
            let lo3 = k.saturating_sub(3);
            let hi3 = (k + 4).min(n);
            let c3 = (hi3 - lo3 - 1).max(1) as f32;
            let mean3 = (ps[hi3] - ps[lo3] - p1[k]) / c3;
            let lo8 = k.saturating_sub(8);
            let hi8 = (k + 9).min(n);
            let u8 = uw[hi8] - uw[lo8] - (l.units.min(60.0) + 1.0);
            let mean8 = if u8 > 0.0 {
                (pw[hi8] - pw[lo8] - p1[k] * (l.units.min(60.0) + 1.0)) / u8
            } else {
                0.0
            };
            let long_max = |range: std::ops::Range<usize>| {
                range
                    .filter(|&j| lines[j].is_long())
                    .map(|j| p1[j])
                    .fold(0f32, f32::max)
            };
            [
                1.0,
                (p / (1.0 - p)).ln().clamp(-8.0, 8.0) / 4.0,
                if k > 0 { p1[k - 1] } else { 0.0 },
                if k + 1 < n { p1[k + 1] } else { 0.0 },
                mean3,
                mean8,
                long_max(k.saturating_sub(5)..k),
                long_max(k + 1..(k + 6).min(n)),
                b(l.units <= 3.0),
                b(l.is_long()),
                b(l.terminal),
                b(l.list_marker),
            ]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::lexicon::TestLines;

    #[test]
    fn ascii_word_tokens_equal_the_character_split() {
        let alphabet = [
            "a", "b", " ", "Z", "0", "9", "_", "-", ".", "'", "|", " ", "\t", "@", "[", "`", "{",
            "/", ":",
        ];
        let mut rng = TestLines(0x9e37_79b9_7f4a_7c15);
        for round in 0..5000 {
            let t = rng.line(&alphabet, &[], round % 200);
            let mut got = [""; 32];
            let n = word_tokens(&t, &mut got);
            let want: Vec<&str> = t
                .split(|ch: char| !lexicon::is_word_char(ch) || ch == '_')
                .filter(|w| !w.is_empty())
                .take(32)
                .collect();
            assert_eq!(&got[..n], &want[..], "{t:?}");
        }
    }

    #[test]
    fn every_letter_token_is_a_word_of_the_key_signature() {
        let bump = Bump::new();
        // The cue tests skip a line's tokens when its key signature has no bit of their word
        // lists; that needs every token made of letters to be a word of the key.
        let pieces = [
            "ago",
            "vor",
            "hace",
            "atrás",
            "назад",
            "By",
            "autor",
            "18",
            "Hours",
            "x_y",
            "é",
            "–",
            "—",
            "’s",
            "2024年",
            "١٢",
            "a.b",
            "Mayadeen18",
            "©",
        ];
        let gaps = [" ", "  ", ", ", "-", "_", "/", "\t"];
        let mut rng = TestLines(0x2545_f491_4f6c_dd1d);
        for _ in 0..5000 {
            let count = 1 + rng.below(10);
            let line = rng.line(&pieces, &gaps, count);
            let lower = lexicon::lowercase(&line, &bump);
            let bits = lexicon::key_of_lower(lower, &bump).word_bits;
            let mut toks = [""; 32];
            let n = word_tokens(lower, &mut toks);
            for t in &toks[..n] {
                if t.chars().all(char::is_alphabetic) {
                    let bit = lexicon::word_bit(t.as_bytes()[0], t.len());
                    assert!(bits & bit != 0, "{t:?} of {line:?}");
                }
            }
        }
    }

    #[test]
    fn prefix_and_window_tests_agree_with_the_string_methods() {
        let prefixes = ["http://", "https://", "www.", "reporting by"];
        let packed: Vec<(u128, u128)> = prefixes.iter().map(|p| lexicon::prefix16(p)).collect();
        let alphabet = [
            "h",
            "t",
            "p",
            ":",
            "/",
            "s",
            "w",
            ".",
            "reporting by",
            "stor",
            "play",
            "a",
            "é",
        ];
        let mut rng = TestLines(0x9e37_79b9_7f4a_7c15);
        for round in 0..20_000 {
            let t = rng.line(&alphabet, &[], round % 12);
            let head = lexicon::head16(&t);
            for (p, v) in prefixes.iter().zip(&packed) {
                assert_eq!(
                    lexicon::starts_with_any(head, std::slice::from_ref(v)),
                    t.starts_with(p),
                    "{t:?} {p:?}"
                );
            }
            assert_eq!(
                lexicon::has_stor_or_play(&t),
                t.contains("stor") || t.contains("play"),
                "{t:?}"
            );
        }
    }

    #[test]
    fn transposed_bytes_are_the_gathered_bit_masks() {
        let mut rng = TestLines(0x9e37_79b9_7f4a_7c15);
        for _ in 0..10_000 {
            let x = rng.bits();
            let t = transpose8(x);
            for bit in 0..8 {
                assert_eq!(
                    (t >> (8 * bit)) & 0xff,
                    lexicon::gather(x, bit),
                    "{x:#x} bit {bit}"
                );
            }
        }
    }

    #[test]
    fn tabled_logarithms_equal_the_computed_ones_to_the_bit() {
        for k in 0..2000 {
            let units = k as f32 / 2.0;
            assert_eq!(
                log_units(units).to_bits(),
                (1.0 + units).ln().to_bits(),
                "{units}"
            );
            let want = ((k as f32).ln_1p() / 4.0).min(1.5);
            assert_eq!(short_run_feature(k).to_bits(), want.to_bits(), "{k}");
        }
        assert_eq!(log_units(2.25).to_bits(), 3.25f32.ln().to_bits());
    }

    #[test]
    fn measures_shape_and_cues() {
        let bump = Bump::new();
        let l = Line::measure(0, "Al Mayadeen18 hours ago", &bump);
        assert!(l.cues.relative_time);
        assert_eq!(l.glue, 1);
        let l = Line::measure(
            0,
            "The council voted on Tuesday to rebuild the bridge.",
            &bump,
        );
        assert!(l.terminal && l.stop >= 3 && !l.cues.relative_time);
        let l = Line::measure(0, "Friday, July 4, 2025", &bump);
        assert!(l.cues.date_like);
        let l = Line::measure(0, "By Jane Doe", &bump);
        assert!(l.cues.byline);
        let l = Line::measure(0, "by the river, the town slept.", &bump);
        assert!(!l.cues.byline);
        let l = Line::measure(0, "talks stalled over territory.\">", &bump);
        assert!(l.cues.leaked_markup);
        let l = Line::measure(0, "- Key points", &bump);
        assert!(l.list_marker);
        assert!(
            Line::measure(0, "app-storeplay-store", &bump)
                .cues
                .store_badge
        );
    }

    #[test]
    fn class_table_matches_char_methods() {
        let bump = Bump::new();
        for c in (0u32..0x1_0000).filter_map(char::from_u32) {
            let class = if c.is_ascii() {
                ASCII_CLASS[c as usize]
            } else {
                non_ascii_class(c)
            };
            assert_eq!(class & ALPHA != 0, c.is_alphabetic(), "{c:?}");
            assert_eq!(class & WORD != 0, c == '_' || c.is_alphanumeric(), "{c:?}");
            if c.is_alphabetic() {
                assert_eq!(class & UPPER != 0, c.is_uppercase(), "{c:?}");
                assert_eq!(class & LOWER != 0, c.is_lowercase(), "{c:?}");
            }
        }
        let l = Line::measure(0, "Home | News / Sport · Ünïcode — 12 «x»", &bump);
        assert_eq!(l.cues.separators, 3);
        assert_eq!(l.words, 6);
    }

    #[test]
    fn key_and_lower_match_their_definitions() {
        let bump = Bump::new();
        let long = "word ".repeat(45);
        let medium = "Word, word ".repeat(18);
        for line in [
            "Don’t miss:",
            "Ähnliche Artikel — 12 «Читайте также»",
            "東京タワー 2024年",
            "Top ５ this week",
            "top 5 this week!",
            "snake_case and CamelCase42 ÉCOLE Ärger",
            long.trim(),
            medium.trim(),
        ] {
            let l = Line::measure(0, line, &bump);
            if l.words <= 30 {
                assert_eq!(l.key, lexicon::heading_key(line), "{line}");
            } else {
                assert!(l.key.is_empty());
            }
            let want: String = if l.words <= LOWER_FULL_WORDS {
                line.chars().flat_map(char::to_lowercase).collect()
            } else {
                line.chars()
                    .take(LOWER_HEAD_CHARS)
                    .flat_map(char::to_lowercase)
                    .collect()
            };
            assert_eq!(l.lower, want, "{line}");
        }
    }

    #[test]
    fn eight_bytes_lowercase_like_the_standard_library() {
        for start in (0u8..128).step_by(8) {
            let bytes: [u8; 8] = std::array::from_fn(|k| start + k as u8);
            let want = bytes.map(|b| b.to_ascii_lowercase());
            assert_eq!(ascii_lower8(u64::from_le_bytes(bytes)).to_le_bytes(), want);
        }
    }

    #[test]
    fn chunked_and_character_passes_count_the_same() {
        let bump = Bump::new();
        // Lines long enough for the 64-byte chunks, with words, separators, glue and markup
        // across chunk edges and non-ASCII characters between them.
        let lines = [
            "The council voted on Tuesday | to rebuild the OLD harbour bridge / after years of delay and the",
            "Home | News / Sport · World • Business | Tech | Science | Health | Entertainment | Video",
            "StoreGoogle Play and App Store badges ran together: Mayadeen18 hours ago in the café, \"said\" <b>",
            "a_b c__d 123abc abcDEF the of and to in is was for on that by with as at from his her it",
            "“Quoted” words — dashes — and an élan vital between ASCII runs of more than sixteen bytes each",
        ];
        for line in lines {
            let l = Line::measure(0, line, &bump);
            // The character loop alone: the same line measured one character at a time.
            let c = Line::measure_by_character(0, line, &bump);
            assert_eq!(
                (l.chars, l.letters, l.upper, l.digits, l.symbols, l.words),
                (c.chars, c.letters, c.upper, c.digits, c.symbols, c.words),
                "{line}"
            );
            assert_eq!(
                (l.stop, l.capitalized, l.glue, l.cues.separators),
                (c.stop, c.capitalized, c.glue, c.cues.separators),
                "{line}"
            );
            assert_eq!(l.cues.leaked_markup, c.cues.leaked_markup, "{line}");
        }
    }

    #[test]
    fn context_marks_short_line_between_paragraphs() {
        let bump = Bump::new();
        let long = "The council voted on Tuesday to rebuild the old harbour bridge after years.";
        let texts = [long, "A short heading", long];
        let lines: Vec<Line> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| Line::measure(i, t, &bump))
            .collect();
        let ctx = context_features(&lines, &TitleWords::default(), None);
        let mut v = [0.0; N_FEATURES];
        vector(&lines[1], &ctx[1], &mut v);
        let idx = FEATURE_NAMES
            .iter()
            .position(|n| *n == "between_long")
            .expect("feature");
        assert_eq!(v[idx], 1.0);
    }
}
