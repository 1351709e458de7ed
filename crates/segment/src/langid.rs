//! Fast language identification by function words, with whatlang as the fallback.
//!
//! whatlang scores a text against a trigram profile of every language of its script (36 for
//! Latin script), which costs a few hundred microseconds per call whatever the length of the
//! text: more than segmenting a whole news article. Most documents, though, can be told apart
//! by their most frequent short words, which a single hash probe per word finds: the
//! "common words" method of language identification (Ingle 1976; compared with the trigram
//! method of Cavnar and Trenkle 1994 by Grefenstette 1995, who found both reliable on
//! sentences of more than a dozen words).
//!
//! The scan reads a bounded sample (the whole text up to [`SAMPLE_WHOLE`] bytes, else
//! [`SAMPLE_WINDOWS`] windows spread over the text) and answers only when one language is
//! clearly ahead: enough of the words are its function words (`MIN_COVERAGE`), and against
//! every other language, the words one lists and the other does not give it a margin and a
//! ratio (`MIN_LEAD`, `MIN_RATIO`). Closely related languages (Danish, Norwegian and Swedish;
//! Czech and Slovak; Spanish, Catalan and Portuguese; Russian, Ukrainian and Belarusian...)
//! all have lists, so that the words they share cancel and the ones they do not share
//! decide. Anything else (other scripts, short or mixed texts, languages without a list)
//! goes to whatlang. The lists were written for pith from ordinary knowledge of each
//! language.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// Frequent function words of each language, lower case, by the code whatlang's language
/// maps to (see `lang::iso639_1`). Words that are frequent in several related languages are
/// listed in each: they count for all of them, and only the others separate them.
const FUNCTION_WORDS: &[(&str, &str)] = &[
    (
        "en",
        "the of and to in is that for it was on with as he she at by from his her they we \
         you are be this have has had not but or an which their were been will would its \
         said who more about after than there also when can all out up into new two over \
         only so what if could some them no people other year years because most should \
         while last did do such many just these those any where how between both under \
         against during before through since still even our us may says told i my me",
    ),
    (
        "de",
        "der die das und ist nicht ein eine einen einem einer den dem des zu im mit sich auf \
         für von auch es er sie wir ich als am aus bei nach wie wird werden wurde wurden hat \
         haben hatte sind war waren noch nur über um oder aber dass daß vor zum zur durch \
         bis kann sein seine ihre ihr diese dieser dieses schon mehr sagte jahr jahren gegen \
         unter sowie wenn man keine kein hier jetzt heute beim vom seit auch uns",
    ),
    (
        "nl",
        "de het een van en in is dat op te voor met zijn niet aan er ook als bij door om \
         maar dan naar die deze dit nog wel geen wordt werd worden hij zij ze we wij je uit \
         over tot kan moet heeft hebben had was waren zou meer veel jaar jaren volgens tegen \
         onder nu al wat ik",
    ),
    (
        "af",
        "die en van in is wat het nie n om te vir met op sy hy ons dat was ook aan by sal \
         kan word moet hulle daar maar deur nog baie jaar volgens oor tot uit ek jy",
    ),
    (
        "fr",
        "le la les de des du un une et est en que qui dans pour pas sur au aux il elle ils \
         elles nous vous on ce cette ces son sa ses leur leurs par plus avec ne se mais ou \
         comme été être avait sont ont fait aussi après selon entre sans sous tout tous très \
         bien encore l d qu n s c j y même lors a",
    ),
    (
        "es",
        "el la los las de del y en que es un una unos unas por con para se no su sus al lo \
         como más pero fue ha han sido son está están este esta esto ese esa entre sobre \
         también ya muy sin hasta desde cuando donde porque según tras durante dijo años año \
         le les nos yo él ella ellos hay ser sólo solo todo todos a o",
    ),
    (
        "pt",
        "o a os as de do da dos das e em no na nos nas um uma uns umas que é para por com \
         não se ao aos à às seu sua seus suas mais mas foi ser são está estão como também \
         pelo pela pelos pelas entre sobre até quando onde porque segundo após durante disse \
         anos ano ele ela eles elas há muito já isso este esta",
    ),
    (
        "ca",
        "el la els les de del dels i a en que és un una per amb no es se va van ha han són \
         està com més però també quan on perquè segons després durant sobre fins entre \
         aquest aquesta aquests aquestes seu seva seus seves al als ja molt tot això ser any \
         anys l d",
    ),
    (
        "it",
        "il lo la i gli le di del della dei degli delle da dal dalla in nel nella e è un una \
         uno che per con non si ha sono al alla ai alle come più ma anche era stato stata \
         essere questo questa quello dopo secondo tra fra su sul sulla quando dove perché \
         ancora già molto ci ne anni anno l",
    ),
    (
        "ro",
        "și în de la cu pe a al ai ale un o unei unui este sunt era fost care că nu se mai \
         din pentru prin după despre dar sau ca cel cea cei cele acest această acesta ani \
         anul lui ei lor fi au avut spus va vor",
    ),
    (
        "pl",
        "i w z na się nie do to że jest o jak od po za co ale przez dla tym tak ten ta te \
         jego jej ich był była było były są oraz może już także również czy który która \
         które którzy przy roku lat latach jako bardzo tylko gdy jednak między pod",
    ),
    (
        "cs",
        "a v na se je to že s z do o k ve by jsem jsou byl byla bylo byly jako ale pro po \
         od při za jeho její jejich který která které tak také už jen nebo když podle roku \
         let mezi před pod není bude může než ani",
    ),
    (
        "sk",
        "a v na sa je to že s z do o k vo by som sú bol bola bolo boli ako ale pre po od pri \
         za jeho jej ich ktorý ktorá ktoré tak tiež už len alebo keď podľa roku rokov medzi \
         pred pod nie bude môže než ani aj",
    ),
    (
        "sl",
        "in je v na se da za z s so ki to ne bi pa tudi od do po kot ali ter pri le že sem \
         smo bo bil bila bilo bili lahko iz o še njegov leta letu med pred pod ko kar",
    ),
    (
        "hr",
        "i je u na se da za s su ne to od do po kao ili koji koja koje što a ali će bi bio \
         bila bilo biti sam smo iz o još već prema nakon godine godina među prije pod kad \
         kada njegov jer samo",
    ),
    (
        "da",
        "end mere havde blive nyt kommer dette disse noget nogle og i at det en den til er som på de med af for ikke der var han hun har havde et \
         men om vil kan skal efter også fra ved sig blev bliver være været eller så når nu \
         hvor hvad hvis deres sin sit sine mod over under år siger sagde meget kun mange jeg",
    ),
    (
        "nb",
        "å enn hadde bli nytt kommer ikkje dette disse noe noen og i det som en på er til at av for med de den har ikke var han hun et om men seg \
         vil kan skal etter også fra ved ble blir være vært eller så når nå hvor hva hvis \
         deres sin sitt sine mot over under år sier sa mye bare mange jeg",
    ),
    (
        "sv",
        "än hade bli nytt kommer detta dessa något några och i att det som en på är av för med till den har inte var han hon ett om men sig \
         vill kan ska efter också från vid blev blir vara varit eller så när nu vad deras \
         sin sitt mot över under år säger sade sa mycket bara många de jag vi",
    ),
    (
        "fi",
        "kaksi vaikka liian olisi voi voivat kaikki jos jonka joita jossa ne niiden hänen heidän minä sinä mitä miten koska sitten aina ennen noin lähes jopa eli ja on ei se että oli kun myös mutta hän he me te tai ovat olla ole joka jotka mikä \
         kuin vain jo nyt niin sekä sen sitä siitä tämä tämän nämä ollut mukaan vuonna \
         vuoden jälkeen kanssa aikana yli alle vielä sanoi",
    ),
    (
        "et",
        "kaks kuigi vastu sõnul liiga uue oma siis ma sa me te neid nende seal siin kuid sest vaid ainult eest poolt kuni alates üks olid olnud saab peab tuleb nii kas kõige rohkem ja on ei et ka oli see ta ning kui aga mis nad või seda selle veel pärast järgi \
         aasta aastal üle alla juba nüüd väga kõik tema ütles mida kes",
    ),
    (
        "hu",
        "a az és hogy nem is egy van volt meg már csak de mint ez azt ezt vagy után szerint \
         között alatt még kell lesz lett lehet pedig majd most mert ha sok több minden \
         évben év mondta",
    ),
    (
        "tr",
        "ve bir bu da de için ile çok daha gibi olarak olan en ne ama ancak kadar sonra göre \
         her şey değil var yok mi mı ise ki o onun bunu ben biz sen siz onlar yıl yılında \
         dedi tarafından üzerinde arasında",
    ),
    (
        "id",
        "yang dan di ini itu dengan untuk dari dalam tidak akan ke pada juga ada adalah oleh \
         karena bisa sudah telah saat atau tersebut mereka kami kita saya ia dia lebih tahun \
         kata namun hanya bahwa seperti",
    ),
    (
        "lt",
        "kurie nors daugiau nei pasak būtų gali reikia labai čia ten dabar jo jos jų mes jūs aš tu šis ši šie tas ta kai jei todėl tačiau vis be iki prieš ir yra kad į iš su ne tai bet o jis ji jie buvo bus kaip per apie po dėl tik jau dar \
         arba kuris kuri metų metais taip pat savo nuo prie tarp",
    ),
    (
        "lv",
        "lai gan nekā vairāk tiks tiek tika ļoti šo šī šis šajā tās tie mēs jūs es tu kad ja jo tomēr tāpēc pret bez teica un ir ka ar uz no par arī bet kas vai tas tā to viņš viņa viņi bija būs kā pēc \
         līdz jau vēl tikai savu gada gadā starp pie",
    ),
    (
        "eo",
        "la kaj de en estas al por ne ke kun sed el pri ĉe oni ili li ŝi ni vi mi ĝi tio kiu \
         kiuj kio kiam kie estis estos povas pli ankaŭ nur tre sia siaj jaro jaroj laŭ post \
         antaŭ dum inter sub super sen ĉar do se aŭ ĉiuj",
    ),
    (
        "la",
        "et in est non ad cum ut sed quod qui quae esse sunt a ab de ex per enim autem hoc \
         etiam atque ac si nec neque aut vel ita tam quam sic sub pro inter post ante eius \
         eorum",
    ),
    (
        "tl",
        "ang ng sa na mga at ay si ni para hindi ito iyon may mayroon kung dahil pero ngunit \
         siya sila kami tayo ako ikaw nila niya noong ayon mula hanggang kasi din rin lamang \
         lang pa",
    ),
    (
        "az",
        "və bir bu da də ki ilə üçün olan olaraq daha çox kimi sonra görə hər amma lakin isə \
         o onun bunu mən biz sən siz onlar il ildə dedi tərəfindən arasında",
    ),
    (
        "uz",
        "va bu bir bilan uchun ham esa deb edi emas bor keyin ular biz siz u uning yil yilda \
         lekin ammo kabi",
    ),
    (
        "ru",
        "во этого более хотя против будут этой этот эта этом том тем чем через под над без всех всего году однако сейчас ни нет где когда им ему ей себя свой своей своих можно нужно и в не на что с по он она они это как к из за от у то был была было были но а же \
         для о так все его ее её их мы вы я бы уже или если только который которая которые \
         при после также может будет год года лет сказал между чтобы ещё еще до",
    ),
    (
        "uk",
        "й через під над без коли де хоча проти понад роки цього цей ця ці цих будуть можуть тому навіть лише зараз сьогодні і в у не на що з по він вона вони це як до за від то був була було були але а ж \
         для про так все його її їх ми ви я б вже або якщо тільки який яка які при після \
         також може буде рік року років сказав між щоб ще та й",
    ),
    (
        "be",
        "й праз пад над без дзе хоць супраць больш гэтага гэты гэтая гэтыя будуць таму нават і ў у не на што з па ён яна яны гэта як да за ад то быў была было былі але а ж для \
         пра так усе яго яе іх мы вы я б ужо або калі толькі які якая якія пры пасля \
         таксама можа будзе год года гадоў сказаў паміж каб яшчэ ды",
    ),
    (
        "bg",
        "и в не на че с по той тя те това като към от за да се е са беше бяха но а със във \
         при след също може ще година години каза между още или ако само който която които \
         тази този тези има няма",
    ),
    (
        "mk",
        "и во не на дека со по тој таа тие ова како кон од за да се е беше беа но а при \
         исто така може ќе година години рече меѓу уште или ако само кој која кои оваа овој \
         овие има нема",
    ),
    (
        "sr",
        "и у не на да се је су од за са по као што који која које али или ће би био била \
         било бити сам смо из о још већ према након године година између пре под кад када \
         његов јер само",
    ),
];

/// Texts up to this many bytes are read whole.
pub(crate) const SAMPLE_WHOLE: usize = 2048;
/// Longer texts are read in this many windows spread evenly from start to end...
pub(crate) const SAMPLE_WINDOWS: usize = 4;
/// ... of this many bytes each.
const WINDOW: usize = 512;

/// Fewest words the sample must have for the function words to decide.
const MIN_WORDS: u32 = 12;
/// Fewest function words of one language, ahead of all others, for a shorter text to lean
/// to it.
const MIN_SHORT_HITS: u32 = 2;
/// Share of the sample's words that must be function words of the leading language (news
/// prose runs at 30-45% in the analytic languages, 15-25% in Finnish, Estonian, Turkish).
const MIN_COVERAGE: f64 = 0.15;
/// How many times another language's count of words the two do not share the leader must
/// have (related languages share many function words; the ones they do not share decide).
const MIN_RATIO: f64 = 2.0;
/// Lead over the runner-up, in words, at least...
const MIN_LEAD: u32 = 3;
/// ... and as a share of the sample's words.
const MIN_LEAD_SHARE: f64 = 0.03;

/// Longest function word, in bytes (longer words are counted but not looked up).
const MAX_WORD: usize = 20;

struct Table {
    codes: Vec<&'static str>,
    /// Word to the index in `sets` of the languages that list it.
    words: HashMap<&'static [u8], u16, BuildHasherDefault<WordHasher>>,
    /// Sets of languages (bit `i` for `codes[i]`); many words share one, so the scan counts
    /// words per set and adds the counts to languages once at the end.
    sets: Vec<u64>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    let mut by_word: HashMap<&'static [u8], u64> = HashMap::new();
    let mut codes = Vec::new();
    for (i, (code, list)) in FUNCTION_WORDS.iter().enumerate() {
        codes.push(*code);
        for w in list.split_whitespace() {
            *by_word.entry(w.as_bytes()).or_default() |= 1 << i;
        }
    }
    let mut sets: Vec<u64> = by_word.values().copied().collect();
    sets.sort_unstable();
    sets.dedup();
    let words = by_word
        .into_iter()
        .map(|(w, set)| {
            let idx = sets.binary_search(&set).expect("every set was collected");
            (
                w,
                u16::try_from(idx).expect("fewer sets than words, and few words"),
            )
        })
        .collect();
    Table { codes, words, sets }
});

/// A hash for short byte strings, eight bytes per multiply (the multiplier is the 64-bit
/// golden-ratio constant of Fibonacci hashing, Knuth TAOCP 6.4).
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn finish(&self) -> u64 {
        let h = self.0.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        h ^ (h >> 32)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            h = (h ^ u64::from_le_bytes(buf))
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .rotate_left(31);
        }
        self.0 = h;
    }

    fn write_usize(&mut self, n: usize) {
        self.0 ^= n as u64;
    }
}

/// The outcome of the function-word scan.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Scan {
    /// One language is clearly ahead: its code and the share of words it leads by.
    Decided(&'static str, f64),
    /// Mostly words of a script without lists here (Greek, Arabic, Han...).
    OtherScript,
    /// Too few words to be sure, but one language's function words lead: a guess to pick
    /// rules by, not to store.
    Leaning(&'static str),
    /// No clear leader.
    Unsure,
}

/// Up to [`SAMPLE_WINDOWS`] pieces of `text` spread over it, cut at whitespace so no word is
/// broken, or the whole text when it is short.
pub(crate) fn sample(text: &str) -> impl Iterator<Item = &str> {
    let whole = text.len() <= SAMPLE_WHOLE;
    let windows = if whole { 1 } else { SAMPLE_WINDOWS };
    let span = text.len().saturating_sub(WINDOW);
    (0..windows).filter_map(move |k| {
        if whole {
            return Some(text);
        }
        let from = span * k / (SAMPLE_WINDOWS - 1);
        let mut a = from;
        let mut b = (from + WINDOW).min(text.len());
        while !text.is_char_boundary(a) {
            a += 1;
        }
        while !text.is_char_boundary(b) {
            b -= 1;
        }
        let piece = text.get(a..b)?;
        // Drop the partial words at the cuts.
        let piece = if a > 0 {
            piece.split_once(char::is_whitespace).map_or("", |(_, t)| t)
        } else {
            piece
        };
        let piece = if b < text.len() {
            piece
                .rsplit_once(char::is_whitespace)
                .map_or("", |(h, _)| h)
        } else {
            piece
        };
        Some(piece)
    })
}

/// A letter, for splitting words; quick for the scripts that have lists.
fn is_letter(c: char) -> bool {
    match c as u32 {
        0x41..=0x5A | 0x61..=0x7A => true,
        0..=0x7F => false,
        0xC0..=0x24F => c != '×' && c != '÷',
        0x400..=0x481 | 0x48A..=0x52F => true,
        _ => c.is_alphabetic(),
    }
}

/// The lower case of a letter; quick for the capitals of Latin-1 and basic Cyrillic.
fn lower(c: char) -> char {
    let offset = match c as u32 {
        0x41..=0x5A | 0xC0..=0xD6 | 0xD8..=0xDE | 0x410..=0x42F => 0x20,
        0x400..=0x40F => 0x50,
        0..=0x7F | 0xDF..=0xFF | 0x430..=0x45F => 0,
        _ => return c.to_lowercase().next().unwrap_or(c),
    };
    char::from_u32(c as u32 + offset).unwrap_or(c)
}

/// Whether words starting with `c` are in a script that has lists (Latin, Cyrillic).
fn listed_script(c: char) -> bool {
    (c as u32) < 0x250 || matches!(c as u32, 0x400..=0x52F)
}

/// Counts the function words of each language in a sample of `text`.
pub(crate) fn scan(text: &str) -> Scan {
    let table = &*TABLE;
    let mut hits = [0u32; 64];
    let (mut words, mut listed, mut other) = (0u32, 0u32, 0u32);
    // The current word, lower-cased; `len` past `MAX_WORD` marks a word too long to look up.
    let mut word = [0u8; MAX_WORD];
    let mut len = 0usize;
    let mut in_word = false;
    let mut per_set = vec![0u32; table.sets.len()];
    let mut look_up = |word: &[u8]| {
        if let Some(&set) = table.words.get(word) {
            per_set[usize::from(set)] += 1;
        }
    };
    for piece in sample(text) {
        let bytes = piece.as_bytes();
        let mut i = 0;
        // One step past the end, as if a space followed, flushes the last word.
        while i <= bytes.len() {
            let b = bytes.get(i).copied().unwrap_or(b' ');
            // ASCII, most of Latin-script text, a byte at a time.
            if b < 0x80 {
                i += 1;
                if b.is_ascii_alphabetic() {
                    if !in_word {
                        in_word = true;
                        words += 1;
                        listed += 1;
                        len = 0;
                    }
                    if len < MAX_WORD {
                        word[len] = b | 0x20;
                        len += 1;
                    } else {
                        len = MAX_WORD + 1;
                    }
                } else if in_word {
                    in_word = false;
                    if len <= MAX_WORD {
                        look_up(&word[..len]);
                    }
                }
                continue;
            }
            let c = piece.get(i..).and_then(|t| t.chars().next()).unwrap_or(' ');
            i += c.len_utf8();
            if !is_letter(c) {
                if in_word {
                    in_word = false;
                    if len <= MAX_WORD {
                        look_up(&word[..len]);
                    }
                }
                continue;
            }
            if !in_word {
                in_word = true;
                words += 1;
                len = 0;
                if listed_script(c) {
                    listed += 1;
                } else {
                    other += 1;
                    len = MAX_WORD + 1;
                }
            }
            if len <= MAX_WORD {
                let l = lower(c);
                let n = l.len_utf8();
                if len + n <= MAX_WORD {
                    l.encode_utf8(&mut word[len..len + n]);
                    len += n;
                } else {
                    len = MAX_WORD + 1;
                }
            }
        }
    }
    // The sets that occurred, and the count of each language.
    let mut seen: Vec<(u64, u32)> = Vec::new();
    for (set, &n) in table.sets.iter().zip(&per_set) {
        if n == 0 {
            continue;
        }
        seen.push((*set, n));
        let mut bits = *set;
        while bits != 0 {
            hits[bits.trailing_zeros() as usize] += n;
            bits &= bits - 1;
        }
    }
    let (listed_script, other_script) = (listed, other);
    if other_script > listed_script {
        return Scan::OtherScript;
    }
    let langs = table.codes.len();
    let best = (0..langs)
        .max_by_key(|&i| (hits[i], langs - i))
        .unwrap_or(0);
    if words < MIN_WORDS {
        let runner_up = (0..langs)
            .filter(|&i| i != best)
            .map(|i| hits[i])
            .max()
            .unwrap_or(0);
        return if hits[best] >= MIN_SHORT_HITS && hits[best] > runner_up {
            Scan::Leaning(table.codes[best])
        } else {
            Scan::Unsure
        };
    }
    let n = f64::from(words);
    if f64::from(hits[best]) < MIN_COVERAGE * n {
        return Scan::Unsure;
    }
    // Against every other language: the words one lists and the other does not decide
    // (shared words count for both and cancel), by a margin and a ratio.
    let mut lead_share = 1.0;
    for other in (0..langs).filter(|&i| i != best && hits[i] > 0) {
        let (mut only_best, mut only_other) = (0u32, 0u32);
        for &(set, count) in &seen {
            match (set >> best & 1, set >> other & 1) {
                (1, 0) => only_best += count,
                (0, 1) => only_other += count,
                _ => {}
            }
        }
        let lead = only_best.saturating_sub(only_other);
        let clear = lead >= MIN_LEAD
            && f64::from(lead) >= MIN_LEAD_SHARE * n
            && f64::from(only_best) >= MIN_RATIO * f64::from(only_other);
        if !clear {
            return Scan::Unsure;
        }
        lead_share = f64::min(lead_share, f64::from(lead) / n);
    }
    Scan::Decided(table.codes[best], lead_share)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_has_a_code_pith_maps_whatlang_to() {
        assert!(FUNCTION_WORDS.len() <= 64);
        for (code, words) in FUNCTION_WORDS {
            assert_eq!(code.len(), 2, "{code}");
            for w in words.split_whitespace() {
                assert!(w.len() <= MAX_WORD, "{w}");
                assert_eq!(w, w.to_lowercase(), "{w}");
            }
        }
    }

    #[test]
    fn quick_lower_case_and_letters_match_unicode() {
        for c in (0..0x600).filter_map(char::from_u32) {
            assert_eq!(lower(c), c.to_lowercase().next().unwrap_or(c), "{c}");
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?}");
        }
    }

    #[test]
    fn samples_are_bounded_and_unbroken() {
        let text = "alpha beta gamma delta ".repeat(1000);
        let pieces: Vec<&str> = sample(&text).collect();
        assert_eq!(pieces.len(), SAMPLE_WINDOWS);
        for p in &pieces {
            assert!(p.len() <= WINDOW);
            assert!(p
                .split_whitespace()
                .all(|w| ["alpha", "beta", "gamma", "delta"].contains(&w)));
        }
        let short = "ein kurzer Text";
        assert_eq!(sample(short).collect::<Vec<_>>(), [short]);
        // Multi-byte text is cut on char boundaries.
        let cyr = "привет мир ".repeat(500);
        assert_eq!(sample(&cyr).count(), SAMPLE_WINDOWS);
    }

    #[test]
    fn clear_texts_are_decided_and_others_are_not() {
        let en = "The mayor said on Monday that the city would not raise taxes this year, \
                  but that it was still looking for ways to pay for the new bridge.";
        assert!(matches!(scan(en), Scan::Decided("en", _)));
        assert_eq!(scan("Sehr kurz."), Scan::Unsure);
        assert_eq!(scan("Click here to read the story"), Scan::Leaning("en"));
        // Spanish and Portuguese share `de` and `a`: no lean.
        assert_eq!(scan("Casa de Maria a Lisboa"), Scan::Unsure);
        // A fixtures table has few function words, mostly shared ones (`a`, `de`): it must
        // not be called French on them.
        let table = "Tabela da 3a rodada\n1a partida: 12 de maio – Santos x Palmeiras\n\
                     2a partida: 13 de maio – Grêmio x Bahia\n3a partida: 14 de maio – Vasco \
                     x Fluminense\n4a partida: 19 de maio – Ceará x Sport\n5a partida: 20 de \
                     maio – Goiás x Coritiba";
        assert!(matches!(scan(table), Scan::Unsure | Scan::Decided("pt", _)));
        assert_eq!(
            scan("東京で大きな地震があり、多くの建物が被害を受けました。"),
            Scan::OtherScript
        );
    }
}
