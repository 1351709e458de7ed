//! A single-pass, rule-based sentence splitter over one paragraph.
//!
//! The scan visits only the bytes that can end a sentence (`.`, `!`, `?`, ellipses, the full
//! stops of other scripts) or mark a list item, and decides each from the word before it and
//! the word after it. Protected spans need no pre-pass: a period inside a URL, an e-mail
//! address, a decimal number or `U.S.A` is never followed by whitespace, and only a terminator
//! followed by whitespace (or a closing quote or bracket and then whitespace) can end a
//! sentence.
//!
//! The rule set follows the "golden rules" of pragmatic_segmenter (Kevin Dias) and pySBD
//! (Nipun Sadvilkar): abbreviation classes, initials, multi-period abbreviations, numbered and
//! lettered lists, the ellipsis conventions of the Chicago Manual of Style (three spaced dots
//! inside a sentence, four at its end), and `?`/`!` inside words (`Yahoo!`). Unlike those tools
//! it does not treat quotations as unsplittable: a quote ends where its sentence ends, and a
//! new sentence inside a quotation starts when a capitalised word follows a terminator, which
//! is how news treebanks segment multi-sentence quotes (`"We lost. The team played badly," he
//! said.` is two sentences). Closing quotes after a terminator belong to its sentence, also
//! after the space French sets before `»`; a quotation ending in `?` or `!` followed by its
//! attribution (`"Why?" I asked.`, with a verb of speaking from the language's list) stays
//! one sentence, as news style guides write it. Round and square brackets that close within
//! the sentence hold asides: a terminator inside them ends no sentence when the sentence goes
//! on after the bracket (`The result (a draw. Nobody won.) surprised fans.`).
//! Sentence-terminal characters beyond ASCII are taken from the Unicode Sentence_Terminal
//! property (UAX #29).

use crate::lang::{AbbrevClass, Profile};

/// Appends the sentences of `para` to `out` as byte ranges relative to `para`, trimmed of
/// whitespace, in order and non-overlapping.
/// `scratch` is a buffer the splitter lower-cases words into, kept by the caller so that a
/// document's paragraphs share one allocation.
pub(crate) fn split(
    para: &str,
    profile: &Profile,
    out: &mut Vec<(usize, usize)>,
    scratch: &mut String,
) {
    let mut s = Splitter {
        s: para,
        b: para.as_bytes(),
        p: profile,
        out,
        sent_start: 0,
        list: None,
        buf: std::mem::take(scratch),
        last_open_bracket: None,
    };
    s.run();
    *scratch = s.buf;
}

/// Bytes the scan stops at: ASCII terminators, `)` for `1)` lists, and the lead bytes of the
/// multi-byte terminators and bullets (see [`Splitter::on_char`]).
static STOP: [bool; 256] = {
    let mut t = [false; 256];
    t[b'.' as usize] = true;
    t[b'!' as usize] = true;
    t[b'?' as usize] = true;
    t[b')' as usize] = true;
    t[b'(' as usize] = true; // where a bracket last opened, for asides
    t[b'[' as usize] = true;
    t[b':' as usize] = true; // Armenian full stop, as typed
    t[b';' as usize] = true; // Greek question mark, as typed
    t[0xCD] = true; // Greek question mark
    t[0xD6] = true; // Armenian full stop
    t[0xD8] = true; // Arabic question mark
    t[0xDB] = true; // Urdu full stop
    t[0xE0] = true; // Devanagari danda
    t[0xE1] = true; // Ethiopic and Myanmar stops
    t[0xE2] = true; // ellipsis, double marks, bullets
    t[0xE3] = true; // ideographic full stop
    t[0xEF] = true; // full-width forms
    t
};

fn is_excl(c: char) -> bool {
    matches!(c, '!' | '?' | '‼' | '⁇' | '⁈' | '⁉' | '\u{37e}')
}

/// Terminators of scripts that need no space after them (UAX #29 Sentence_Terminal).
fn is_strong(c: char) -> bool {
    matches!(
        c,
        '。' | '！' | '？' | '．' | '｡' | '।' | '॥' | '؟' | '۔' | '።' | '፧' | '။' | '։'
    )
}

fn is_terminal(c: char) -> bool {
    c == '.' || c == '…' || is_excl(c) || is_strong(c)
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '”'
            | '’'
            | '“'
            | '‘'
            | '»'
            | '«'
            | '›'
            | '‹'
            | ')'
            | ']'
            | '}'
            | '」'
            | '』'
            | '）'
            | '］'
            | '〉'
            | '》'
            | '】'
    )
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | '“'
            | '‘'
            | '„'
            | '‚'
            | '«'
            | '»'
            | '‹'
            | '›'
            | '('
            | '['
            | '{'
            | '¿'
            | '¡'
            | '「'
            | '『'
            | '（'
            | '〈'
            | '《'
            | '【'
    )
}

pub(crate) fn is_bullet(c: char) -> bool {
    matches!(c, '•' | '⁃' | '‣' | '◦' | '▪' | '▫' | '●' | '○' | '■' | '□')
}

/// Han ideographs and Japanese kana, which are written without spaces between sentences.
fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF)
}

/// Emoji and pictographic symbols (Miscellaneous Symbols, Dingbats, the emoji planes).
fn is_pictograph(c: char) -> bool {
    matches!(c as u32, 0x2600..=0x27BF | 0x1F300..=0x1FAFF)
}

fn is_currency(c: char) -> bool {
    matches!(c, '$' | '€' | '£' | '¥' | '₽' | '₹' | '₩' | '+' | '#' | '№')
}

/// Shortest word after which a period and a lower-case word make a sentence boundary.
const MIN_WORD_BEFORE_LOWER_START: usize = 5;

/// Longest token, in bytes, the rules inspect around a terminator.
const MAX_TOKEN: usize = 64;
/// How far back, in bytes, an open bracket is looked for.
const MAX_BRACKET_LOOKBACK: usize = 1024;
/// How far ahead, in bytes, the bracket holding a terminator must close for the terminator
/// not to end the sentence.
const MAX_PARENTHETICAL: usize = 300;

/// What follows a terminator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// The paragraph ends.
    End,
    /// No whitespace: the terminator is inside a token (`3.5`, `Yahoo!Inc`, `1.Helado`).
    Attached,
    /// A capital (or a letter of a script without case); the word's byte range.
    Upper(usize, usize),
    Lower,
    Digit,
    /// A dash, comma, symbol: not a sentence start.
    Other,
}

/// How the word before a period behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    Abbrev(AbbrevClass),
    /// A single letter: an initial (`E.`), a spaced abbreviation part (`z. B.`), or a pronoun.
    Initial,
    /// Letters separated by periods: `U.S`, `a.m`, `Ph.D`.
    MultiPeriod,
    /// Digits only.
    Number,
    Plain,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListStyle {
    Bullet,
    NumDot,
    NumParen,
    NumDotParen,
    AlphaDot,
    AlphaParen,
}

/// A list that starts the paragraph (`1. a 2. b`, `a) x b) y`, `• x • y`): the next marker
/// in sequence starts a new sentence even without a terminator before it.
#[derive(Debug, Clone, Copy)]
struct ListState {
    style: ListStyle,
    /// Lettered with roman numerals (`i.`, `ii.`, `iii.`).
    roman: bool,
    /// The next number, or the next letter as a char code.
    next: u32,
}

struct Splitter<'a, 'o> {
    s: &'a str,
    b: &'a [u8],
    p: &'a Profile,
    out: &'o mut Vec<(usize, usize)>,
    sent_start: usize,
    list: Option<ListState>,
    /// Reused for lower-casing words before list look-ups.
    buf: String,
    /// Where the scan last passed a `(` or `[`: a sentence with none cannot hold an aside.
    last_open_bracket: Option<usize>,
}

/// Lower-cases `word` into `buf` without allocating once `buf` has grown.
fn lower_into<'b>(buf: &'b mut String, word: &str) -> &'b str {
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
    } else {
        buf.extend(word.chars().flat_map(char::to_lowercase));
    }
    buf
}

impl<'a> Splitter<'a, '_> {
    fn ch(&self, i: usize) -> Option<char> {
        self.s.get(i..).and_then(|t| t.chars().next())
    }

    fn ch_before(&self, i: usize) -> Option<char> {
        self.s.get(..i).and_then(|t| t.chars().next_back())
    }

    fn skip_ws(&self, mut i: usize) -> usize {
        while let Some(c) = self.ch(i) {
            if !c.is_whitespace() {
                break;
            }
            i += c.len_utf8();
        }
        i
    }

    fn run(&mut self) {
        self.sent_start = self.skip_ws(0);
        self.list = self.detect_list(self.sent_start);
        let n = self.b.len();
        let mut i = self.sent_start;
        while i < n {
            // Most bytes stop nothing: find the next one that may.
            let Some(skip) = self.b[i..].iter().position(|&b| STOP[b as usize]) else {
                break;
            };
            i += skip;
            let byte = self.b[i];
            i = match byte {
                b'.' => self.on_period(i),
                b'!' | b'?' => self.on_excl(i),
                b')' => self.on_paren(i),
                b'(' | b'[' => {
                    self.last_open_bracket = Some(i);
                    i + 1
                }
                b':' | b';' => self.on_colon(i, byte),
                _ => self.on_char(i),
            };
        }
        self.push(n);
    }

    /// Ends the current sentence at `end` (trimmed) and starts the next one after it.
    fn boundary(&mut self, end: usize) {
        if end <= self.sent_start {
            return;
        }
        self.push(end);
        self.sent_start = self.skip_ws(end);
    }

    /// Ends a sentence at `j` after the terminator at `i`, unless the terminator is inside
    /// a parenthesis the sentence goes on after (`The result (a draw. Nobody won.) surprised
    /// fans.`): brackets inside a sentence hold asides, not sentences of their own.
    fn end_sentence(&mut self, i: usize, j: usize) {
        if !self.inside_parenthetical(i, j) {
            self.boundary(j);
        }
    }

    /// Whether round or square brackets opened in this sentence are still open at the
    /// terminator at `i` (closers up to `j` count), and close a short way ahead with the
    /// sentence going on after them in lower case or punctuation.
    fn inside_parenthetical(&self, i: usize, j: usize) -> bool {
        if self.last_open_bracket.is_none_or(|b| b < self.sent_start) {
            return false;
        }
        let from = self.sent_start.max(i.saturating_sub(MAX_BRACKET_LOOKBACK));
        let mut depth = 0i32;
        for &b in self.b.get(from..j).unwrap_or_default() {
            match b {
                b'(' | b'[' => depth += 1,
                b')' | b']' => depth = (depth - 1).max(0),
                _ => {}
            }
        }
        if depth == 0 {
            return false;
        }
        let limit = self.b.len().min(j + MAX_PARENTHETICAL);
        let mut k = j;
        while k < limit {
            match self.b[k] {
                b'(' | b'[' => depth += 1,
                b')' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            k += 1;
        }
        if depth != 0 {
            return false;
        }
        // After the closing bracket and any closers, the sentence goes on: a lower-case word,
        // a number or punctuation. A capital or the paragraph's end means the bracket held
        // sentences of its own.
        let mut after = k + 1;
        while let Some(c) = self.ch(after) {
            if !is_closer(c) {
                break;
            }
            after += c.len_utf8();
        }
        let after = self.skip_ws(after);
        self.ch(after).is_some_and(|c| {
            c.is_lowercase()
                || c.is_numeric()
                || matches!(c, ',' | ';' | ':' | '.' | '!' | '?' | '—' | '–' | '-')
        })
    }

    fn push(&mut self, end: usize) {
        let start = self.sent_start;
        let Some(body) = self.s.get(start..end) else {
            return;
        };
        let trimmed = body.trim_end();
        if !trimmed.is_empty() {
            self.out.push((start, start + trimmed.len()));
        }
    }

    /// Skips terminators and closing quotes or brackets from `i`; says whether a `!` or `?`
    /// was among them.
    fn skip_closing(&self, mut i: usize) -> (usize, bool, bool) {
        let mut excl = false;
        let mut closer = false;
        while let Some(c) = self.ch(i) {
            if is_excl(c) || is_strong(c) {
                excl = true;
            } else if is_closer(c) {
                closer = true;
            } else if !is_terminal(c) {
                break;
            }
            i += c.len_utf8();
        }
        // French spacing sets a (no-break) space before a closing guillemet: `« Non. »`. A
        // guillemet after the space closes when no word is attached to it (`»Nein` opens).
        let mut k = i;
        let mut spaces = 0;
        while let Some(c) = self.ch(k) {
            if !c.is_whitespace() || c == '\n' || spaces == 2 {
                break;
            }
            spaces += 1;
            k += c.len_utf8();
        }
        if spaces > 0 {
            if let Some(g @ ('»' | '›')) = self.ch(k) {
                let after = self.ch(k + g.len_utf8());
                if after.is_none_or(|a| !a.is_alphanumeric()) {
                    i = k + g.len_utf8();
                    closer = true;
                }
            }
        }
        (i, excl, closer)
    }

    fn next_after(&self, j: usize) -> Next {
        match self.ch(j) {
            None => return Next::End,
            Some(c) if !c.is_whitespace() => return Next::Attached,
            _ => {}
        }
        let k = self.skip_ws(j);
        // `(ii) Next item`: a bracketed list marker opens a sentence whatever its case.
        if self.b.get(k) == Some(&b'(') {
            let inner = self.s.get(k + 1..).unwrap_or_default();
            if let Some(close) = inner.get(..inner.len().min(5)).and_then(|t| t.find(')')) {
                if inner.get(..close).is_some_and(is_marker) {
                    return Next::Upper(k + 1, k + 1 + close);
                }
            }
        }
        let mut m = k;
        // Openers, and the space French sets inside guillemets (`« Oui »`).
        while let Some(c) = self.ch(m) {
            if !(is_opener(c) || (m > k && c.is_whitespace())) {
                break;
            }
            m += c.len_utf8();
        }
        let Some(c) = self.ch(m) else {
            return if k >= self.b.len() {
                Next::End
            } else {
                Next::Other
            };
        };
        let camel_case = || {
            // `iPhone`, `eBay`: brand names that start a sentence in lower case.
            self.s
                .get(m..)
                .unwrap_or_default()
                .chars()
                .take_while(|c| c.is_alphanumeric())
                .take(MAX_TOKEN)
                .any(char::is_uppercase)
        };
        if c.is_lowercase() && !camel_case() {
            Next::Lower
        } else if c.is_alphabetic() {
            let mut e = m;
            while let Some(c) = self.ch(e) {
                if !c.is_alphanumeric() {
                    break;
                }
                e += c.len_utf8();
            }
            Next::Upper(m, e)
        } else if c.is_numeric() || is_currency(c) {
            Next::Digit
        } else if is_pictograph(c) {
            // An emoji or symbol opening a sentence in web text.
            Next::Upper(m, m + c.len_utf8())
        } else if matches!(c, '—' | '–')
            && self.ch(m + c.len_utf8()).is_some_and(char::is_uppercase)
        {
            // `—Sí, vamos`: a dash set against a capital opens a turn of dialogue (a dash
            // and a space, `– сказал он`, continues the sentence).
            Next::Upper(m, m + c.len_utf8())
        } else {
            Next::Other
        }
    }

    /// Whether the capitalised word at `start..end` is a common sentence opener (and not
    /// itself an abbreviation or initial, which a following period shows).
    fn is_starter(&mut self, start: usize, end: usize) -> bool {
        if self.b.get(end) == Some(&b'.') {
            return false;
        }
        let word = self.s.get(start..end).unwrap_or_default();
        self.p.is_starter(lower_into(&mut self.buf, word))
    }

    /// The start of the whitespace-delimited token that ends at `i` (never before the start
    /// of the current sentence: `day.Ms.` has the word `Ms` once `day.` is a sentence).
    fn token_start(&self, i: usize) -> usize {
        let mut t = i;
        while let Some(c) = self.ch_before(t) {
            let at_sentence_start = t == self.sent_start && i >= self.sent_start;
            // Words the rules look at are short; the cap keeps a long unbroken run of
            // punctuation from making the scan quadratic.
            if c.is_whitespace() || at_sentence_start || i - t >= MAX_TOKEN {
                break;
            }
            t -= c.len_utf8();
        }
        t
    }

    /// The token ending at `i` without leading openers or bullets and trailing closers.
    fn core_word(&self, i: usize) -> (usize, usize) {
        let mut a = self.token_start(i);
        let mut e = i;
        while let Some(c) = self.ch(a) {
            if a >= e || !(is_opener(c) || is_bullet(c)) {
                break;
            }
            a += c.len_utf8();
        }
        while let Some(c) = self.ch_before(e) {
            if e <= a || !is_closer(c) {
                break;
            }
            e -= c.len_utf8();
        }
        (a, e)
    }

    /// Whether only whitespace, bullets and openers lie between the sentence start and `i`.
    fn is_sentence_initial(&self, i: usize) -> bool {
        self.s.get(self.sent_start.min(i)..i).is_some_and(|t| {
            t.chars()
                .all(|c| c.is_whitespace() || is_bullet(c) || is_opener(c))
        })
    }

    fn classify(&mut self, word: &str) -> Word {
        if word.is_empty() {
            return Word::Plain;
        }
        let mut chars = word.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            // A capital letter is an initial (`Jonathan P. Blair`) even where the lower-case
            // letter is an abbreviation (`p. 5`).
            if c.is_uppercase() {
                return Word::Initial;
            }
        }
        if let Some(class) = self.p.abbrev(lower_into(&mut self.buf, word)) {
            return Word::Abbrev(class);
        }
        // Elided articles: French and Italian `l'art.`, `d'env.`.
        if let Some((_, tail)) = word.rsplit_once(['\'', '’']) {
            if let Some(class) = self.p.abbrev(lower_into(&mut self.buf, tail)) {
                return Word::Abbrev(class);
            }
        }
        let mut chars = word.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            if c.is_alphabetic() {
                return Word::Initial;
            }
        }
        if word.bytes().all(|b| b.is_ascii_digit()) {
            return Word::Number;
        }
        if is_multi_period(word) {
            return Word::MultiPeriod;
        }
        Word::Plain
    }

    fn on_period(&mut self, i: usize) -> usize {
        let n = self.b.len();
        let mut run_end = i;
        while run_end < n && self.b[run_end] == b'.' {
            run_end += 1;
        }
        if run_end - i >= 2 {
            return self.on_ellipsis(i, run_end);
        }
        // Spaced dots: ". . ." is an omission inside a sentence, ". . . ." ends one.
        let mut g = i + 1;
        let mut extra = 0;
        while g + 1 < n && self.b[g] == b' ' && self.b[g + 1] == b'.' {
            extra += 1;
            g += 2;
        }
        if extra >= 2 {
            let attached = self.ch_before(i).is_some_and(|c| !c.is_whitespace());
            let (j, _, _) = self.skip_closing(g);
            let upper = matches!(self.next_after(j), Next::Upper(..));
            if attached && extra == 3 {
                // "word. . . . Next": the word's own period ends the sentence and the
                // omission dots open the next one.
                if upper {
                    self.boundary(i + 1);
                }
                return g;
            }
            if extra >= 3 && upper {
                self.boundary(j);
                return j;
            }
            return g;
        }

        let (j, excl, _) = self.skip_closing(i + 1);
        let next = self.next_after(j);
        if matches!(next, Next::Attached) {
            if j == i + 1 && self.missing_space_boundary(i) {
                self.boundary(i + 1);
            }
            return i + 1;
        }
        if matches!(next, Next::End) {
            return j;
        }
        let (a, e) = self.core_word(i);
        // A numbered or lettered list marker.
        if self.list_marker_here(a, e, i) {
            return j;
        }
        if excl {
            if matches!(next, Next::Upper(..) | Next::Digit) {
                self.end_sentence(i, j);
            }
            return j;
        }
        let bare = j == i + 1;
        if self.period_ends_sentence(a, e, next, bare) {
            self.end_sentence(i, j);
        }
        j
    }

    /// `world.Today`, `1,000.That`: a period between a lower-case word (or a number) and a
    /// capitalised word with no space, a typing slip pragmatic_segmenter also splits; tokens
    /// with `@`, `/` or `:` (addresses) or an earlier period (`U.S.Army`, domains) are left
    /// alone.
    fn missing_space_boundary(&self, dot: usize) -> bool {
        let mut after = self.s.get(dot + 1..).unwrap_or_default().chars();
        let (Some(c1), Some(c2)) = (after.next(), after.next()) else {
            return false;
        };
        if !(c1.is_uppercase() && c2.is_lowercase()) {
            return false;
        }
        let start = self.token_start(dot);
        let before = self.s.get(start..dot).unwrap_or_default();
        let rest = self.s.get(dot..).unwrap_or_default();
        let after = rest
            .char_indices()
            .take_while(|&(k, c)| k < MAX_TOKEN && !c.is_whitespace())
            .last()
            .map_or(0, |(k, c)| k + c.len_utf8());
        let token = self.s.get(start..dot + after).unwrap_or_default();
        if dot - start >= MAX_TOKEN || after >= MAX_TOKEN {
            return false;
        }
        if token.contains(['@', '/', ':']) || before.contains('.') {
            return false;
        }
        let word = before.trim_start_matches(is_opener);
        let letters = word.chars().count() >= 2
            && word.chars().all(char::is_alphabetic)
            && word.ends_with(char::is_lowercase);
        // A short number is a list marker (`1.Helado, 2.Carne`).
        let number = !is_marker(word)
            && word.starts_with(|c: char| c.is_ascii_digit())
            && word.bytes().all(|b| b.is_ascii_digit() || b == b',');
        letters || number
    }

    /// A capital followed by a lower-case letter at `i`.
    fn capitalised_word_at(&self, i: usize) -> bool {
        let mut cs = self.s.get(i..).unwrap_or_default().chars();
        matches!((cs.next(), cs.next()), (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase())
    }

    /// Handles `1.` / `a.` / `1.)` markers before the period at `dot`: a marker that opens the
    /// sentence never ends it, and the next marker of a paragraph-initial list starts a new
    /// sentence.
    fn list_marker_here(&mut self, a: usize, e: usize, dot: usize) -> bool {
        let Some(word) = self.s.get(a..e) else {
            return false;
        };
        if e != dot || !is_marker(word) {
            return false;
        }
        if let Some(list) = self.list {
            let paren_follows = self.b.get(dot + 1) == Some(&b')');
            let style_fits = match list.style {
                ListStyle::NumDot | ListStyle::AlphaDot => !paren_follows,
                ListStyle::NumDotParen => paren_follows,
                _ => false,
            };
            if style_fits && a > self.sent_start && list_value(word, list.roman) == Some(list.next)
            {
                let t = self.token_start(dot);
                self.boundary(t);
                self.list = Some(ListState {
                    next: list.next + 1,
                    ..list
                });
                return true;
            }
        }
        let initial = self.is_sentence_initial(a);
        if initial && self.list.is_none() {
            // A list can also start after a sentence: "Steps: 1. Mix 2. Bake".
            self.list = self.detect_list(a);
        }
        initial
    }

    /// Whether the period after the word `a..e` ends its sentence; `bare` says no quote or
    /// bracket follows the period.
    fn period_ends_sentence(&mut self, a: usize, e: usize, next: Next, bare: bool) -> bool {
        let word = self.s.get(a..e).unwrap_or_default();
        let kind = self.classify(word);
        match next {
            Next::Digit => matches!(kind, Word::Plain | Word::Number),
            Next::Upper(ws, we) => match kind {
                Word::Abbrev(AbbrevClass::Title) => false,
                Word::Abbrev(AbbrevClass::Numeric) | Word::Plain => true,
                Word::Abbrev(AbbrevClass::Ambiguous) | Word::Initial | Word::MultiPeriod => {
                    self.is_starter(ws, we)
                }
                Word::Number => {
                    if !self.p.ordinal_period || word.len() > 3 {
                        return true;
                    }
                    let next_word = self.s.get(ws..we).unwrap_or_default();
                    if self.p.is_month(lower_into(&mut self.buf, next_word)) {
                        return false;
                    }
                    let before = self.word_before(a);
                    !self.p.is_ordinal_context(lower_into(&mut self.buf, before))
                }
            },
            // Informal text starts sentences in lower case. After a long lower-case word
            // that no list knows, a lower-case word more likely starts a sentence than
            // continues after an abbreviation (abbreviations are short or listed).
            Next::Lower => {
                self.p.lowercase_starts
                    && bare
                    && kind == Word::Plain
                    && word.chars().count() >= MIN_WORD_BEFORE_LOWER_START
                    && word.chars().all(|c| c.is_alphabetic() && c.is_lowercase())
            }
            _ => false,
        }
    }

    /// The word before the token starting at `a` (for ordinal contexts: `am 3. Mai`).
    fn word_before(&self, a: usize) -> &'a str {
        let t = self.token_start(a);
        let mut e = t;
        while let Some(c) = self.ch_before(e) {
            if !c.is_whitespace() {
                break;
            }
            e -= c.len_utf8();
        }
        let (ws, we) = self.core_word(e);
        self.s.get(ws..we).unwrap_or_default()
    }

    fn on_ellipsis(&mut self, i: usize, run_end: usize) -> usize {
        // `[...]` marks an omission; `“… and then` opens a sentence with one.
        if matches!(self.ch_before(i), Some('[' | '(')) || self.is_sentence_initial(i) {
            return run_end;
        }
        let (j, _, _) = self.skip_closing(run_end);
        if matches!(self.next_after(j), Next::Upper(..)) {
            self.end_sentence(i, j);
        }
        j.max(run_end)
    }

    fn on_excl(&mut self, i: usize) -> usize {
        let (j, _, _) = self.skip_closing(i);
        match self.next_after(j) {
            Next::Upper(ws, we) if self.attribution_follows(i, j, ws, we) => {}
            Next::Upper(..) | Next::Digit => self.end_sentence(i, j),
            // "Who is it?Ana is." A missing space before a capitalised word.
            Next::Attached
                if self.capitalised_word_at(j)
                    && self.ch_before(i).is_some_and(char::is_alphabetic) =>
            {
                self.boundary(j)
            }
            // すごい!ペンです: ideographic text needs no space after an ASCII `!` or `?`.
            Next::Attached
                if self.ch(j).is_some_and(is_cjk)
                    && self.ch_before(i).is_some_and(is_cjk)
                    && !self.inside_cjk_brackets(i) =>
            {
                self.boundary(j)
            }
            _ => {}
        }
        j.max(i + 1)
    }

    /// `"Why?" I asked.`, `"Stop!" Mr. Lee shouted.`: after a quotation ending in `?` or
    /// `!`, a capitalised subject that is not a common sentence opener (`I`, a name, a title
    /// and a name), then a verb of speaking, is the quotation's attribution, as news style
    /// guides write it (a pronoun in lower case, `he said`, already continues the sentence).
    fn attribution_follows(&mut self, i: usize, j: usize, ws: usize, we: usize) -> bool {
        if !self.p.has_speech_verbs() {
            return false;
        }
        let quoted = self
            .s
            .get(i..j)
            .is_some_and(|t| t.contains(['"', '”', '’', '\'', '»', '«']));
        if !quoted {
            return false;
        }
        let first = self.s.get(ws..we).unwrap_or_default();
        if first != "I" && self.is_starter(ws, we) {
            return false;
        }
        // Up to three capitalised words (`Mr.`, `K.`, names), then the verb.
        let mut k = ws;
        for _ in 0..4 {
            let word_end = self.s.get(k..).map_or(k, |t| {
                k + t
                    .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
                    .unwrap_or(t.len())
            });
            let word = self.s.get(k..word_end).unwrap_or_default();
            if word.starts_with(char::is_lowercase) {
                return self.p.is_speech_verb(lower_into(&mut self.buf, word));
            }
            if !word.starts_with(char::is_uppercase) {
                return false;
            }
            let mut next = word_end;
            if self.b.get(next) == Some(&b'.') {
                next += 1;
            }
            if self.b.get(next) != Some(&b' ') {
                return false;
            }
            k = self.skip_ws(next);
        }
        false
    }

    /// `:` in Armenian and `;` in Greek end sentences as `.` and `?` do elsewhere.
    fn on_colon(&mut self, i: usize, byte: u8) -> usize {
        let applies = if byte == b':' {
            self.p.colon_ends
        } else {
            self.p.semicolon_asks
        };
        if !applies {
            return i + 1;
        }
        let (j, _, _) = self.skip_closing(i + 1);
        if matches!(self.next_after(j), Next::Upper(..) | Next::Digit) {
            self.boundary(j);
        }
        j.max(i + 1)
    }

    fn on_strong(&mut self, i: usize) -> usize {
        let c = self.ch(i).unwrap_or('.');
        // A full-width point between digits is a decimal point (３．２９).
        if c == '．'
            && self.ch_before(i).is_some_and(char::is_numeric)
            && self.ch(i + c.len_utf8()).is_some_and(char::is_numeric)
        {
            return i + c.len_utf8();
        }
        let (j, closer) = self.skip_cjk_closing(i);
        let next = self.ch(j);
        let ends = match next {
            None => false,
            // 「…。」と言った: a closing bracket followed by text continues the sentence,
            // unless a new quotation opens.
            Some(n) if closer && !n.is_whitespace() => is_opener(n),
            _ => true,
        };
        // 《摔跤吧！爸爸》: a terminator inside an open title or quotation bracket.
        if ends && !self.inside_cjk_brackets(i) {
            self.boundary(j);
        }
        j.max(i + 1)
    }

    /// Like [`Self::skip_closing`] for ideographic text, where `“` opens a quotation.
    fn skip_cjk_closing(&self, mut i: usize) -> (usize, bool) {
        let mut closer = false;
        while let Some(c) = self.ch(i) {
            if matches!(c, '”' | '’' | '"' | '\'') || (is_closer(c) && !matches!(c, '“' | '‘'))
            {
                closer = true;
            } else if !is_terminal(c) {
                break;
            }
            i += c.len_utf8();
        }
        (i, closer)
    }

    /// Whether an ideographic bracket or quotation opened in this sentence before `i` is
    /// still open.
    fn inside_cjk_brackets(&self, i: usize) -> bool {
        // Look back a bounded distance so a long run of terminators stays linear.
        let mut from = self
            .sent_start
            .min(i)
            .max(i.saturating_sub(MAX_BRACKET_LOOKBACK));
        while !self.s.is_char_boundary(from) {
            from += 1;
        }
        let Some(before) = self.s.get(from..i) else {
            return false;
        };
        let mut depth = 0i32;
        for c in before.chars() {
            match c {
                '《' | '「' | '『' | '（' | '【' | '〈' => depth += 1,
                '》' | '」' | '』' | '）' | '】' | '〉' => depth -= 1,
                _ => {}
            }
        }
        depth > 0
    }

    fn on_paren(&mut self, i: usize) -> usize {
        if self.list.is_none() {
            let t = self.token_start(i);
            if self.is_sentence_initial(t) {
                self.list = self.detect_list(t);
            }
        }
        if let Some(list) = self.list {
            if matches!(list.style, ListStyle::NumParen | ListStyle::AlphaParen) {
                let t = self.token_start(i);
                let word = self.s.get(t..i).unwrap_or_default();
                if t > self.sent_start
                    && is_marker(word)
                    && list_value(word, list.roman) == Some(list.next)
                {
                    self.boundary(t);
                    self.list = Some(ListState {
                        next: list.next + 1,
                        ..list
                    });
                }
            }
        }
        i + 1
    }

    fn on_char(&mut self, i: usize) -> usize {
        let Some(c) = self.ch(i) else {
            // Not a char boundary: a continuation byte of a character we skip.
            return i + 1;
        };
        if c == '…' {
            return self.on_ellipsis(i, i + c.len_utf8());
        }
        if is_excl(c) {
            return self.on_excl(i);
        }
        if is_strong(c) {
            return self.on_strong(i);
        }
        if is_bullet(c) && i > self.sent_start {
            let after_space = self.ch_before(i).is_some_and(char::is_whitespace);
            if after_space && matches!(self.list, Some(l) if l.style == ListStyle::Bullet) {
                self.boundary(i);
            }
        }
        i + c.len_utf8()
    }

    /// Recognises a list marker opening the paragraph at `i`.
    fn detect_list(&self, i: usize) -> Option<ListState> {
        let rest = self.s.get(i..)?;
        let first = rest.chars().next()?;
        if is_bullet(first) {
            return Some(ListState {
                style: ListStyle::Bullet,
                roman: false,
                next: 0,
            });
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (value, after, roman) = if (1..=3).contains(&digits) {
            (rest.get(..digits)?.parse().ok()?, digits, false)
        } else if letters == 1 && matches!(first, 'i' | 'I') {
            // An alphabetical list does not start at i: a roman one does.
            (1, 1, true)
        } else if letters == 1 {
            (first as u32, 1, false)
        } else {
            return None;
        };
        let tail = rest.get(after..)?;
        let numbered = digits > 0 || roman;
        let (style, len) = if tail.starts_with(".)") && numbered {
            (ListStyle::NumDotParen, 2)
        } else if tail.starts_with('.') {
            let style = if numbered {
                ListStyle::NumDot
            } else {
                ListStyle::AlphaDot
            };
            (style, 1)
        } else if tail.starts_with(')') {
            let style = if numbered {
                ListStyle::NumParen
            } else {
                ListStyle::AlphaParen
            };
            (style, 1)
        } else {
            return None;
        };
        let spaced = tail.get(len..)?.starts_with(char::is_whitespace);
        spaced.then_some(ListState {
            style,
            roman,
            next: value + 1,
        })
    }
}

/// `1`-`999`, a single letter, or a short roman numeral: what can label a list item.
fn is_marker(word: &str) -> bool {
    let n = word.len();
    if (1..=3).contains(&n) && word.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    let mut chars = word.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return c.is_alphabetic();
    }
    (1..=4).contains(&n)
        && (word.bytes().all(|b| matches!(b, b'i' | b'v' | b'x'))
            || word.bytes().all(|b| matches!(b, b'I' | b'V' | b'X')))
}

/// The value a marker stands for in a list sequence (a number, or a letter's code).
fn list_value(word: &str, roman: bool) -> Option<u32> {
    if let Ok(v) = word.parse::<u32>() {
        return Some(v);
    }
    if roman {
        return roman_value(word);
    }
    let mut chars = word.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_alphabetic() => Some(c as u32),
        _ => None,
    }
}

/// The value of a small roman numeral (`i` to `xxxix`), in either case.
fn roman_value(word: &str) -> Option<u32> {
    let mut total = 0;
    let mut prev = 0;
    for b in word.bytes().rev() {
        let v = match b.to_ascii_lowercase() {
            b'i' => 1,
            b'v' => 5,
            b'x' => 10,
            _ => return None,
        };
        if v < prev {
            total -= v;
        } else {
            total += v;
            prev = v;
        }
    }
    (total > 0).then_some(total)
}

/// `U.S`, `a.m`, `Ph.D`, `куб.м`: letter groups of at most three, joined by periods.
fn is_multi_period(word: &str) -> bool {
    if !word.contains('.') || word.starts_with("www") {
        return false;
    }
    word.split('.').all(|part| {
        let count = part.chars().count();
        (1..=3).contains(&count) && part.chars().all(char::is_alphabetic)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::{generic, profile};

    fn sents(text: &str, lang: &str) -> Vec<String> {
        let p = profile(lang).unwrap_or_else(generic);
        let mut out = Vec::new();
        split(text, p, &mut out, &mut String::new());
        out.iter()
            .map(|&(a, b)| {
                text.get(a..b)
                    .expect("ranges on char boundaries")
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn markers_and_multi_periods() {
        assert!(is_marker("12") && is_marker("b") && is_marker("iv") && !is_marker("Mix"));
        assert!(is_multi_period("U.S.A") && is_multi_period("Ph.D"));
        assert!(!is_multi_period("bbc.example") && !is_multi_period("3.5"));
    }

    #[test]
    fn titles_initials_and_ambiguous_abbreviations() {
        assert_eq!(
            sents("Dr. Novak met Prof. K. Lund at noon. They talked.", "en"),
            ["Dr. Novak met Prof. K. Lund at noon.", "They talked."]
        );
        assert_eq!(
            sents("We bought it from Acme Inc. It broke quickly.", "en"),
            ["We bought it from Acme Inc.", "It broke quickly."]
        );
        assert_eq!(
            sents("Acme Inc. Chairman Lee resigned.", "en"),
            ["Acme Inc. Chairman Lee resigned."]
        );
        assert_eq!(
            sents("The paper is on pp. 12-19 of vol. 3 in Fig. 2.", "en"),
            ["The paper is on pp. 12-19 of vol. 3 in Fig. 2."]
        );
    }

    #[test]
    fn protected_tokens_do_not_split() {
        assert_eq!(
            sents(
                "Mail ops.team@corp.example or see https://corp.example/a.b?c=1. Pi is 3.14.",
                "en"
            ),
            [
                "Mail ops.team@corp.example or see https://corp.example/a.b?c=1.",
                "Pi is 3.14."
            ]
        );
        assert_eq!(
            sents("He moved to the U.K. In 2003 he returned.", "en"),
            ["He moved to the U.K.", "In 2003 he returned."]
        );
        assert_eq!(
            sents("The U.K. Parliament voted.", "en"),
            ["The U.K. Parliament voted."]
        );
    }

    #[test]
    fn a_missing_space_after_a_period_still_splits() {
        assert_eq!(
            sents(
                "It rained all day.Tomorrow looks better.Ms. Ito agreed.",
                "en"
            ),
            [
                "It rained all day.",
                "Tomorrow looks better.",
                "Ms. Ito agreed."
            ]
        );
        assert_eq!(
            sents(
                "Write to Kim.Lee@mail.example or book on Booking.com today.",
                "en"
            ),
            ["Write to Kim.Lee@mail.example or book on Booking.com today."]
        );
    }

    #[test]
    fn quotes_split_when_a_new_sentence_starts_inside() {
        assert_eq!(
            sents(
                "\"We lost the match. Nobody expected it,\" the coach said. Fans left.",
                "en"
            ),
            [
                "\"We lost the match.",
                "Nobody expected it,\" the coach said.",
                "Fans left."
            ]
        );
        assert_eq!(
            sents("'Stop!' he shouted. \"Why?\" She ran.", "en"),
            ["'Stop!' he shouted.", "\"Why?\"", "She ran."]
        );
    }

    #[test]
    fn news_quotes_split_where_a_new_sentence_starts() {
        let cases: &[(&str, &str, &[&str])] = &[
            // A multi-sentence quotation with its attribution after the closing quote.
            (
                "en",
                "\"We lost. The team played badly,\" he said.",
                &["\"We lost.", "The team played badly,\" he said."],
            ),
            (
                "en",
                "“Prices will rise. Wages will not,” the minister warned on Friday.",
                &[
                    "“Prices will rise.",
                    "Wages will not,” the minister warned on Friday.",
                ],
            ),
            // A quotation ending in `!` or `?` with its attribution is one sentence.
            ("en", "\"Stop!\" she said.", &["\"Stop!\" she said."]),
            ("en", "“Why?” I asked.", &["“Why?” I asked."]),
            (
                "en",
                "\"Stop!\" Mr. Okafor shouted, waving.",
                &["\"Stop!\" Mr. Okafor shouted, waving."],
            ),
            // ... but a capitalised pronoun or another verb opens a new sentence.
            (
                "en",
                "\"Quiet!\" He slammed the door.",
                &["\"Quiet!\"", "He slammed the door."],
            ),
            (
                "en",
                "\"Run!\" Maria Lopez grabbed the bag.",
                &["\"Run!\"", "Maria Lopez grabbed the bag."],
            ),
            // A quotation ending a sentence, then a capitalised sentence.
            (
                "en",
                "He said \"no.\" Then he left.",
                &["He said \"no.\"", "Then he left."],
            ),
            (
                "en",
                "She wrote: “The plan works. It saves money.” The board agreed.",
                &[
                    "She wrote: “The plan works.",
                    "It saves money.”",
                    "The board agreed.",
                ],
            ),
            // Nested quotations.
            (
                "en",
                "\"He told me 'never again.' Then he left,\" she said.",
                &["\"He told me 'never again.'", "Then he left,\" she said."],
            ),
            (
                "en",
                "She said, \"He told me 'stop.'\" Then she left.",
                &["She said, \"He told me 'stop.'\"", "Then she left."],
            ),
            // German „…“ and »…«, Russian «…», French « … » with spaced guillemets.
            (
                "de",
                "„Wir haben verloren. Das Team war schlecht“, sagte er.",
                &["„Wir haben verloren.", "Das Team war schlecht“, sagte er."],
            ),
            (
                "de",
                "»Es reicht. Wir gehen«, sagte sie. Dann ging sie.",
                &["»Es reicht.", "Wir gehen«, sagte sie.", "Dann ging sie."],
            ),
            ("de", "„Halt!“, rief sie.", &["„Halt!“, rief sie."]),
            (
                "de",
                "Er sagte: „Nein.“ Dann ging er.",
                &["Er sagte: „Nein.“", "Dann ging er."],
            ),
            (
                "ru",
                "«Мы проиграли. Команда играла плохо», – сказал он.",
                &["«Мы проиграли.", "Команда играла плохо», – сказал он."],
            ),
            ("ru", "«Стоп!» – сказала она.", &["«Стоп!» – сказала она."]),
            (
                "fr",
                "Il a dit : « Non. » Puis il est parti.",
                &["Il a dit : « Non. »", "Puis il est parti."],
            ),
            (
                "fr",
                "« Pourquoi ? » Il est tard.",
                &["« Pourquoi ? »", "Il est tard."],
            ),
            (
                "es",
                "«Perdimos. El equipo jugó mal», dijo él.",
                &["«Perdimos.", "El equipo jugó mal», dijo él."],
            ),
        ];
        for (lang, text, want) in cases {
            assert_eq!(sents(text, lang), *want, "{lang}: {text}");
        }
    }

    #[test]
    fn brackets_inside_a_sentence_hold_asides() {
        assert_eq!(
            sents("The result (a draw. Nobody won.) surprised fans.", "en"),
            ["The result (a draw. Nobody won.) surprised fans."]
        );
        assert_eq!(
            sents("He won (a draw. Nobody won). Fans left.", "en"),
            ["He won (a draw. Nobody won).", "Fans left."]
        );
        assert_eq!(
            sents("Der Bericht (Seite 4. Absatz 2) fehlt.", "de"),
            ["Der Bericht (Seite 4. Absatz 2) fehlt."]
        );
        // Brackets that hold whole sentences, or never close, do not join them.
        assert_eq!(
            sents("(Reporting by Ann Lee. Editing by Tom Fox.)", "en"),
            ["(Reporting by Ann Lee.", "Editing by Tom Fox.)"]
        );
        assert_eq!(
            sents("He left (see below). Then he came back.", "en"),
            ["He left (see below).", "Then he came back."]
        );
        assert_eq!(
            sents("We lost :( Next time. It will be better.", "en"),
            ["We lost :( Next time.", "It will be better."]
        );
    }

    #[test]
    fn lists_and_ellipses() {
        assert_eq!(
            sents("1) buy bread 2) call home 3) sleep", "en"),
            ["1) buy bread", "2) call home", "3) sleep"]
        );
        assert_eq!(sents("a. Apples b. Pears", "en"), ["a. Apples", "b. Pears"]);
        assert_eq!(
            sents("It was late... Then the rain came.", "en"),
            ["It was late...", "Then the rain came."]
        );
        assert_eq!(
            sents("The text [...] goes on . . . and on.", "en"),
            ["The text [...] goes on . . . and on."]
        );
    }

    #[test]
    fn german_ordinals_and_russian_abbreviations() {
        assert_eq!(
            sents("Am 3. Oktober feiern wir. Der 2. Platz ging an Ulm.", "de"),
            ["Am 3. Oktober feiern wir.", "Der 2. Platz ging an Ulm."]
        );
        assert_eq!(
            sents("Das Ergebnis war 42. Danach gingen alle.", "de"),
            ["Das Ergebnis war 42.", "Danach gingen alle."]
        );
        assert_eq!(
            sents("Он жил на ул. Ленина в 1990 г. Потом уехал.", "ru"),
            ["Он жил на ул. Ленина в 1990 г. Потом уехал."]
        );
        assert_eq!(
            sents(
                "Купили хлеб, молоко и т. д. Потом ушли. Цена 5 руб. Дорого.",
                "ru"
            ),
            [
                "Купили хлеб, молоко и т. д.",
                "Потом ушли.",
                "Цена 5 руб.",
                "Дорого."
            ]
        );
        assert_eq!(
            sents("«Ты где? – спросил он. – Уже поздно». Она молчала.", "ru"),
            ["«Ты где? – спросил он. – Уже поздно».", "Она молчала."]
        );
    }

    #[test]
    fn guillemets_with_inner_spaces_and_elided_abbreviations() {
        assert_eq!(
            sents("Il est parti. « Adieu. À demain », dit-elle.", "fr"),
            ["Il est parti.", "« Adieu.", "À demain », dit-elle."]
        );
        assert_eq!(
            sents("Si veda l'art. 7 della legge.", "it"),
            ["Si veda l'art. 7 della legge."]
        );
    }

    #[test]
    fn lower_case_sentence_starts_after_long_words() {
        assert_eq!(
            sents("we got home late tonight. then we slept.", "en"),
            ["we got home late tonight.", "then we slept."]
        );
        // Short words, listed abbreviations and closing brackets keep the sentence going.
        assert_eq!(
            sents(
                "Add 2 tbsp. sugar (not salt.) and stir. Prices etc. rose.",
                "en"
            ),
            [
                "Add 2 tbsp. sugar (not salt.) and stir.",
                "Prices etc. rose."
            ]
        );
        assert_eq!(
            sents("Er kam einschl. aller Kosten.", "de"),
            ["Er kam einschl. aller Kosten."]
        );
    }

    #[test]
    fn initials_brands_and_opening_ellipses() {
        assert_eq!(
            sents("Police stopped Jonathan P. Blair, 29, at noon.", "en"),
            ["Police stopped Jonathan P. Blair, 29, at noon."]
        );
        assert_eq!(
            sents("It runs on the new tablet. iPadOS makes it easy.", "en"),
            ["It runs on the new tablet.", "iPadOS makes it easy."]
        );
        assert_eq!(
            sents("“… Then the lights went out.”", "en"),
            ["“… Then the lights went out.”"]
        );
    }

    #[test]
    fn bracketed_markers_open_sentences() {
        assert_eq!(
            sents("(i) Wash the cup. (ii) Dry it. (iii) Put it away.", "en"),
            ["(i) Wash the cup.", "(ii) Dry it.", "(iii) Put it away."]
        );
        assert_eq!(
            sents("He left (see below). (b) covers the rest.", "en"),
            ["He left (see below).", "(b) covers the rest."]
        );
    }

    #[test]
    fn a_dash_against_a_capital_opens_dialogue() {
        assert_eq!(
            sents("—Vamos ya. —Sí, vamos —dijo ella.", "es"),
            ["—Vamos ya.", "—Sí, vamos —dijo ella."]
        );
    }

    #[test]
    fn an_emoji_can_open_a_sentence() {
        assert_eq!(
            sents("Great game. 😀 What a night!", "en"),
            ["Great game.", "😀 What a night!"]
        );
    }

    #[test]
    fn long_runs_of_punctuation_stay_linear() {
        // Quadratic scans would take minutes on these; linear ones take milliseconds.
        for unit in ["a.Bb", "a)", "《！", "x?Yy", ". ", "1. ", "!!"] {
            let text = unit.repeat(20_000);
            for lang in ["en", "ja"] {
                let got = sents(&text, lang);
                assert!(got.iter().all(|s| !s.is_empty()));
            }
        }
    }

    #[test]
    fn devanagari_and_kazakh_abbreviations() {
        assert_eq!(
            sents("डॉ. शर्मा कल आए। वे बहुत खुश थे।", "hi"),
            ["डॉ. शर्मा कल आए।", "वे बहुत खुश थे।"]
        );
        assert_eq!(
            sents("Ол 1990 ж. Алматыда туған. Кейін көшті.", "kk"),
            ["Ол 1990 ж. Алматыда туған.", "Кейін көшті."]
        );
    }

    #[test]
    fn greek_semicolon_and_armenian_colon() {
        assert_eq!(
            sents("Πού πας; Στο σπίτι.", "el"),
            ["Πού πας;", "Στο σπίτι."]
        );
        assert_eq!(sents("One; Two.", "en"), ["One; Two."]);
        assert_eq!(
            sents("Ես տուն եմ գնում: Դու՞ ուր ես գնում:", "hy"),
            ["Ես տուն եմ գնում:", "Դու՞ ուր ես գնում:"]
        );
        assert_eq!(sents("Ժամը 10:30 է:", "hy"), ["Ժամը 10:30 է:"]);
    }

    #[test]
    fn strong_terminators_need_no_space() {
        assert_eq!(
            sents("今日は晴れです。明日は雨です。", "ja"),
            ["今日は晴れです。", "明日は雨です。"]
        );
        assert_eq!(
            sents("「行く。」と彼は言った。", "ja"),
            ["「行く。」と彼は言った。"]
        );
        assert_eq!(
            sents("他在看《快跑！快跑》吗？“是的！”“真的？”", "zh"),
            ["他在看《快跑！快跑》吗？", "“是的！”", "“真的？”"]
        );
        assert_eq!(
            sents("税率は３．５％です。すごい!本当ですか?", "ja"),
            ["税率は３．５％です。", "すごい!", "本当ですか?"]
        );
    }
}
