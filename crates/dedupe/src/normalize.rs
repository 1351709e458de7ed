//! Text normalisation before hashing: NFKC, lower case, punctuation and symbols as word
//! separators, whitespace folded to one space, optionally every digit mapped to `0`.
//!
//! The version is stored with any persisted state, so a change here invalidates old state
//! instead of silently mismatching it.

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

/// Bumped whenever `normalize` changes its output for some input.
pub const NORMALIZE_VERSION: u32 = 3;

/// The `[normalize]` table of the dedupe stage.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NormalizeConfig {
    /// Treat punctuation and symbols (anything not a letter, digit or mark) as a word
    /// separator, so curly and straight quotes, `…` and `...`, and dash styles compare equal.
    pub punctuation: bool,
    /// Map every digit to `0`, so dates and counters in templates compare equal.
    pub digits: bool,
}

impl Default for NormalizeConfig {
    fn default() -> Self {
        NormalizeConfig {
            punctuation: true,
            digits: true,
        }
    }
}

/// Normalises a whole text (line breaks become spaces).
pub fn normalize(text: &str, cfg: &NormalizeConfig) -> String {
    let mut out = String::with_capacity(text.len());
    normalize_into(text, cfg, &mut out);
    out
}

/// Appends the normalised form of `text` to `out`: words separated by one space, no leading or
/// trailing space. Returns the number of words appended.
pub fn normalize_into(text: &str, cfg: &NormalizeConfig, out: &mut String) -> usize {
    let mut starts = Vec::new();
    normalize_words_into(text, cfg, out, &mut starts)
}

/// As [`normalize_into`], and pushes the byte offset in `out` where each word starts.
pub fn normalize_words_into(
    text: &str,
    cfg: &NormalizeConfig,
    out: &mut String,
    starts: &mut Vec<usize>,
) -> usize {
    let mut w = Writer {
        out,
        cfg,
        starts,
        pending_space: false,
        in_word: false,
        words: 0,
        start: 0,
    };
    w.start = w.out.len();
    if text.is_ascii() {
        // NFKC is the identity on ASCII: skip the decomposition machinery (the common case),
        // classify bytes by table and copy whole words.
        let bytes = text.as_bytes();
        let in_word = |b: u8| match ASCII_CLASS[usize::from(b)] {
            Class::Letter | Class::Digit => true,
            Class::Space => false,
            Class::Punct => !cfg.punctuation,
        };
        let mut i = 0;
        while i < bytes.len() {
            while i < bytes.len() && !in_word(bytes[i]) {
                i += 1;
            }
            let s = i;
            while i < bytes.len() && in_word(bytes[i]) {
                i += 1;
            }
            let Some(word) = text.get(s..i).filter(|w| !w.is_empty()) else {
                continue;
            };
            w.break_word();
            if cfg.digits && word.bytes().any(|b| b.is_ascii_digit()) {
                for b in word.bytes() {
                    w.emit(if b.is_ascii_digit() {
                        '0'
                    } else {
                        char::from(b.to_ascii_lowercase())
                    });
                }
            } else {
                w.emit_ascii_word(word);
            }
        }
    } else if unicode_normalization::is_nfkc_quick(text.chars())
        == unicode_normalization::IsNormalized::Yes
    {
        // Already NFKC (most non-ASCII text): skip the decomposition machinery.
        for c in text.chars() {
            w.push(c);
        }
    } else {
        for c in text.nfkc() {
            w.push(c);
        }
    }
    w.words
}

#[derive(Clone, Copy)]
enum Class {
    Letter,
    Digit,
    Space,
    Punct,
}

/// What each ASCII byte is, for the fast path.
const ASCII_CLASS: [Class; 128] = {
    let mut t = [Class::Punct; 128];
    let mut i = 0;
    while i < 128 {
        let b = i as u8;
        t[i] = if b.is_ascii_alphabetic() {
            Class::Letter
        } else if b.is_ascii_digit() {
            Class::Digit
        } else if b.is_ascii_whitespace() || b == 0x0B {
            Class::Space
        } else {
            Class::Punct
        };
        i += 1;
    }
    t
};

struct Writer<'a> {
    out: &'a mut String,
    cfg: &'a NormalizeConfig,
    starts: &'a mut Vec<usize>,
    pending_space: bool,
    in_word: bool,
    words: usize,
    start: usize,
}

impl Writer<'_> {
    #[inline]
    fn push(&mut self, c: char) {
        if c.is_ascii() {
            let b = c as u8;
            match ASCII_CLASS[usize::from(b)] {
                Class::Letter => self.emit(char::from(b.to_ascii_lowercase())),
                Class::Digit => self.emit(if self.cfg.digits { '0' } else { c }),
                Class::Space => self.break_word(),
                Class::Punct if self.cfg.punctuation => self.break_word(),
                Class::Punct => self.emit(c),
            }
            return;
        }
        // General Punctuation (quotes, dashes, ellipsis, spaces): the common non-ASCII
        // characters of text, decided without the Unicode tables.
        if ('\u{2000}'..='\u{206F}').contains(&c) {
            if self.cfg.punctuation || c.is_whitespace() {
                self.break_word();
            } else {
                self.emit(c);
            }
            return;
        }
        if c.is_whitespace() {
            self.break_word();
            return;
        }
        // Multi-char lowercase mappings are rare; take the first char (stable either way).
        let c = c.to_lowercase().next().unwrap_or(c);
        if c.is_alphabetic() {
            if is_ideograph(c) {
                // Scripts written without spaces: every ideograph or kana is its own word, so
                // shingles still work on them.
                self.break_word();
                self.emit(c);
                self.break_word();
            } else {
                self.emit(c);
            }
        } else if c.is_numeric() {
            self.emit(if self.cfg.digits { '0' } else { c });
        } else if is_mark(c) || !self.cfg.punctuation {
            self.emit(c);
        } else {
            self.break_word();
        }
    }

    #[inline]
    fn emit(&mut self, c: char) {
        if !self.in_word {
            if self.pending_space || self.out.len() > self.start {
                self.out.push(' ');
            }
            self.pending_space = false;
            self.in_word = true;
            self.words += 1;
            self.starts.push(self.out.len());
        }
        self.out.push(c);
    }

    /// Appends a whole ASCII word (lower-cased), as `emit` would char by char.
    #[inline]
    fn emit_ascii_word(&mut self, word: &str) {
        if !self.in_word {
            if self.pending_space || self.out.len() > self.start {
                self.out.push(' ');
            }
            self.pending_space = false;
            self.in_word = true;
            self.words += 1;
            self.starts.push(self.out.len());
        }
        let from = self.out.len();
        self.out.push_str(word);
        if let Some(tail) = self.out.get_mut(from..) {
            tail.make_ascii_lowercase();
        }
    }

    #[inline]
    fn break_word(&mut self) {
        if self.in_word {
            self.in_word = false;
            self.pending_space = true;
        }
    }
}

/// Combining marks (Mn, Mc, Me) that `is_alphanumeric` does not cover, in the main blocks.
fn is_mark(c: char) -> bool {
    matches!(c as u32,
        0x0300..=0x036F | 0x0483..=0x0489 | 0x0591..=0x05C7 | 0x0610..=0x061A | 0x064B..=0x065F
        | 0x0900..=0x0903 | 0x093A..=0x094F | 0x0951..=0x0957 | 0x0981..=0x0983 | 0x09BC..=0x09D7
        | 0x0E31..=0x0E3A | 0x0E47..=0x0E4E | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF
        | 0xFE20..=0xFE2F)
}

/// Han ideographs, kana: scripts that do not separate words with spaces.
fn is_ideograph(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// 128-bit XXH3 of the normalised text.
pub fn hash128(normalized: &str) -> u128 {
    xxhash_rust::xxh3::xxh3_128(normalized.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_width_and_space() {
        let c = NormalizeConfig {
            punctuation: false,
            digits: false,
        };
        assert_eq!(normalize("  Ｈello\u{a0}\n World ", &c), "hello world");
        assert_eq!(normalize("It's 2024!", &c), "it's 2024!");
        let c = NormalizeConfig::default();
        assert_eq!(normalize("It's 2024!", &c), "it s 0000");
    }

    #[test]
    fn quote_dash_and_ellipsis_styles_compare_equal() {
        let c = NormalizeConfig::default();
        let a = normalize(
            "\u{201c}Well\u{201d} \u{2014} she said\u{2026} It\u{2019}s ok",
            &c,
        );
        let b = normalize("\"Well\" -- she said... It's ok", &c);
        assert_eq!(a, b);
        assert_eq!(a, "well she said it s ok");
    }

    #[test]
    fn nfd_and_nfc_compare_equal_and_upper_case_folds() {
        let c = NormalizeConfig::default();
        let nfc = "Caf\u{e9} \u{dc}BER";
        let nfd = "Cafe\u{301} U\u{308}ber";
        assert_eq!(normalize(nfc, &c), normalize(nfd, &c));
        assert_eq!(normalize(nfc, &c), "caf\u{e9} \u{fc}ber");
    }

    #[test]
    fn ascii_fast_path_matches_the_general_path() {
        for cfg in [
            NormalizeConfig::default(),
            NormalizeConfig {
                punctuation: false,
                digits: false,
            },
        ] {
            let ascii = "Mr. O'Neil\tpaid $3,000.50 -- in\x0bfull\x01(really)!\r\n";
            let mut fast = String::new();
            normalize_into(ascii, &cfg, &mut fast);
            // The same text with one non-ASCII char appended takes the general path.
            let mut slow = String::new();
            normalize_into(&format!("{ascii}\u{e9}"), &cfg, &mut slow);
            assert_eq!(format!("{fast} \u{e9}"), slow, "{cfg:?}");
        }
    }

    #[test]
    fn ideographs_become_words_and_counts_are_returned() {
        let c = NormalizeConfig::default();
        let mut out = String::new();
        let n = normalize_into("東京 tower", &c, &mut out);
        assert_eq!(out, "東 京 tower");
        assert_eq!(n, 3);
        let mut out = String::new();
        assert_eq!(normalize_into(" -- ... ", &c, &mut out), 0);
        assert_eq!(out, "");
    }
}
