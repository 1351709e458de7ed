//! Word lists: page-furniture headings, boilerplate phrases and stop words in the major
//! European languages (en, de, fr, es, it, pt, ru, nl, pl).
//!
//! Headings are matched on a *key*: the line lowercased, digits, punctuation and symbols
//! removed, whitespace collapsed (see [`heading_key`]). The lists are this project's own,
//! written from the widget headings that news and blog templates commonly print; stop words
//! are the most frequent function words of each language.

use std::sync::LazyLock;

use bumpalo::Bump;

/// Maps and sets of the word lists, hashed with foldhash (a fixed seed, so runs are
/// reproducible): it reads a word 8 bytes at a step, where FNV-1a (`pith_core::fnv`) takes a
/// multiply per byte, and phrase lookups hash every candidate run of words.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
/// See [`FastMap`].
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;

/// A filter of a word list by first byte, last byte and length (a 4096-bit Bloom filter with
/// one probe): a word whose triple no listed word has is not in the list. Most words of a line
/// are turned away by one load and a bit test, before any hashing.
#[derive(Clone)]
pub struct WordFilter {
    bits: Box<[u64; 64]>,
}

impl Default for WordFilter {
    fn default() -> WordFilter {
        WordFilter {
            bits: Box::new([0; 64]),
        }
    }
}

impl WordFilter {
    /// The bit of a word (none for the empty word).
    fn bit(word: &[u8]) -> Option<(usize, u64)> {
        let (first, last) = (word.first()?, word.last()?);
        let h = (u32::from(*first) << 16 | u32::from(*last) << 8 | (word.len() as u32 & 0xff))
            .wrapping_mul(0x9e37_79b1)
            >> 20;
        Some(((h >> 6) as usize, 1u64 << (h & 63)))
    }

    /// The filter of a list of words.
    pub fn of<'w>(words: impl IntoIterator<Item = &'w str>) -> WordFilter {
        let mut f = WordFilter::default();
        for w in words {
            f.insert(w.as_bytes());
        }
        f
    }

    /// Adds a word.
    pub fn insert(&mut self, word: &[u8]) {
        if let Some((k, bit)) = WordFilter::bit(word) {
            self.bits[k] |= bit;
        }
    }

    /// Whether `word` may be in the list.
    pub fn may_contain(&self, word: &[u8]) -> bool {
        WordFilter::bit(word).is_some_and(|(k, bit)| self.bits[k & 63] & bit != 0)
    }
}

/// Phrases as word runs, each with a tag bit (the list it came from). Every run of a phrase's
/// first words is a key of the map, so that a match is extended word by word only while some
/// phrase still starts with it, and most positions of a line are rejected with one lookup.
pub struct PhraseSet {
    /// Each phrase and each run of its first words: the tags of the phrases it is (0 for a
    /// run that is no phrase itself), and whether a longer phrase starts with it.
    prefixes: FastMap<String, (u8, bool)>,
    /// The first words of the phrases.
    first_filter: WordFilter,
}

impl PhraseSet {
    fn new(lists: &[(&[&str], u8)]) -> PhraseSet {
        let mut prefixes: FastMap<String, (u8, bool)> = FastMap::default();
        let mut first_filter = WordFilter::default();
        for (list, tag) in lists {
            for p in *list {
                let k = heading_key(p);
                if k.is_empty() {
                    continue;
                }
                for (i, _) in k.match_indices(' ') {
                    let run = k.get(..i).unwrap_or("").to_string();
                    prefixes.entry(run).or_default().1 = true;
                }
                first_filter.insert(k.split(' ').next().unwrap_or("").as_bytes());
                prefixes.entry(k).or_default().0 |= tag;
            }
        }
        PhraseSet {
            prefixes,
            first_filter,
        }
    }

    /// The tags of the phrases that occur as runs of consecutive words of `key` (a
    /// [`heading_key`]), ORed; the scan stops once all the bits of `want` are found.
    pub fn tags(&self, key: &str, want: u8) -> u8 {
        let bytes = key.as_bytes();
        let mut found = 0u8;
        let mut start = 0;
        while start < bytes.len() {
            let mut first_end = start;
            while first_end < bytes.len() && bytes[first_end] != b' ' {
                first_end += 1;
            }
            if self.may_start(bytes.get(start..first_end).unwrap_or_default()) {
                found |= self.tags_from(key, start, first_end, want);
                if found & want == want {
                    return found;
                }
            }
            start = first_end + 1;
        }
        found
    }

    /// Whether `word` may start a phrase.
    fn may_start(&self, word: &[u8]) -> bool {
        self.first_filter.may_contain(word)
    }

    /// The tags of the phrases of `key` that start with its word `start..first_end`.
    fn tags_from(&self, key: &str, start: usize, first_end: usize, want: u8) -> u8 {
        let bytes = key.as_bytes();
        let mut found = 0u8;
        let mut end = first_end;
        loop {
            let Some(&(tags, longer)) = key.get(start..end).and_then(|g| self.prefixes.get(g))
            else {
                return found;
            };
            found |= tags;
            if found & want == want || !longer || end >= bytes.len() {
                return found;
            }
            end += 1;
            while end < bytes.len() && bytes[end] != b' ' {
                end += 1;
            }
        }
    }
}

/// `\w` as in Python's `re`: letters, digits and `_`; a fast answer for ASCII and for the
/// General Punctuation block (curly quotes, dashes), which is all punctuation.
pub fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric() || c == '_'
    } else {
        is_alpha(c) || (!is_punctuation_block(c) && c.is_numeric())
    }
}

/// The General Punctuation block (curly quotes, dashes, bullets): no letters, no digits.
pub fn is_punctuation_block(c: char) -> bool {
    ('\u{2000}'..='\u{206f}').contains(&c)
}

/// [`char::is_alphabetic`] with table-free answers for the scripts most text is in (Latin-1
/// and Latin Extended letters, basic Cyrillic, CJK ideographs, kana, Hangul syllables, General
/// Punctuation); the standard lookup is slow and runs per character.
pub fn is_alpha(c: char) -> bool {
    match c as u32 {
        0..=0x7f => c.is_ascii_alphabetic(),
        0xc0..=0xd6 | 0xd8..=0xf6 | 0xf8..=0x24f => true,
        0x400..=0x481 | 0x48a..=0x52f => true,
        0x2000..=0x206f => false,
        0x3041..=0x3096 | 0x30a1..=0x30fa | 0x4e00..=0x9fff | 0xac00..=0xd7a3 => true,
        _ => c.is_alphabetic(),
    }
}

/// What a furniture heading opens, and so what happens to the lines under it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Furniture {
    /// Related, popular, recommended or latest stories: other stories' titles and bodies.
    Related,
    /// Comment widgets and forms.
    Comments,
    /// Newsletter, subscription and app promotions.
    Promo,
    /// Share bars, tags, author boxes, "Source link" and other footers.
    Footer,
    /// A table of contents: only the list under it is dropped, the article goes on after it.
    Contents,
    /// Share bars, source credits: only the line itself is dropped.
    Share,
}

impl Furniture {
    /// Name used in explanations.
    pub fn name(self) -> &'static str {
        match self {
            Furniture::Related => "related",
            Furniture::Comments => "comments",
            Furniture::Promo => "promo",
            Furniture::Footer => "footer",
            Furniture::Contents => "contents",
            Furniture::Share => "share",
        }
    }

    /// Whether everything under the heading goes (the article ends there).
    pub fn opens_section(self) -> bool {
        !matches!(self, Furniture::Contents | Furniture::Share)
    }
}

/// Whole-line headings (keys). A line whose key is one of these opens furniture.
const HEADINGS: &[(&str, Furniture)] = &[
    // en
    ("related", Furniture::Related),
    ("related articles", Furniture::Related),
    ("related article", Furniture::Related),
    ("related posts", Furniture::Related),
    ("related post", Furniture::Related),
    ("related stories", Furniture::Related),
    ("related story", Furniture::Related),
    ("related news", Furniture::Related),
    ("related content", Furniture::Related),
    ("related coverage", Furniture::Related),
    ("related links", Furniture::Related),
    ("related reading", Furniture::Related),
    ("related topics", Furniture::Related),
    ("related videos", Furniture::Related),
    ("related video", Furniture::Related),
    ("related items", Furniture::Related),
    ("related products", Furniture::Related),
    ("you may also like", Furniture::Related),
    ("you might also like", Furniture::Related),
    ("you may like", Furniture::Related),
    ("you might like", Furniture::Related),
    ("we also recommend", Furniture::Related),
    ("you may be interested in", Furniture::Related),
    ("you might be interested in", Furniture::Related),
    ("you may also be interested in", Furniture::Related),
    ("recommended", Furniture::Related),
    ("recommended for you", Furniture::Related),
    ("recommended stories", Furniture::Related),
    ("recommended articles", Furniture::Related),
    ("recommended reading", Furniture::Related),
    ("popular", Furniture::Related),
    ("popular now", Furniture::Related),
    ("popular posts", Furniture::Related),
    ("popular articles", Furniture::Related),
    ("popular stories", Furniture::Related),
    ("popular news", Furniture::Related),
    ("popular on", Furniture::Related),
    ("most popular", Furniture::Related),
    ("most popular stories", Furniture::Related),
    ("most popular articles", Furniture::Related),
    ("most read", Furniture::Related),
    ("most read stories", Furniture::Related),
    ("most read articles", Furniture::Related),
    ("most viewed", Furniture::Related),
    ("most shared", Furniture::Related),
    ("most commented", Furniture::Related),
    ("trending", Furniture::Related),
    ("trending now", Furniture::Related),
    ("trending stories", Furniture::Related),
    ("trending articles", Furniture::Related),
    ("trending news", Furniture::Related),
    ("trending topics", Furniture::Related),
    ("top stories", Furniture::Related),
    ("top articles", Furniture::Related),
    ("top news", Furniture::Related),
    ("top posts", Furniture::Related),
    ("top this week", Furniture::Related),
    ("top this week", Furniture::Related),
    ("latest", Furniture::Related),
    ("latest news", Furniture::Related),
    ("latest stories", Furniture::Related),
    ("latest articles", Furniture::Related),
    ("latest posts", Furniture::Related),
    ("latest headlines", Furniture::Related),
    ("latest videos", Furniture::Related),
    ("recent posts", Furniture::Related),
    ("recent articles", Furniture::Related),
    ("recent stories", Furniture::Related),
    ("recent news", Furniture::Related),
    ("more stories", Furniture::Related),
    ("more news", Furniture::Related),
    ("more articles", Furniture::Related),
    ("more videos", Furniture::Related),
    ("more to read", Furniture::Related),
    ("more to explore", Furniture::Related),
    ("more like this", Furniture::Related),
    ("more on this story", Furniture::Related),
    ("more on this topic", Furniture::Related),
    ("more in this category", Furniture::Related),
    ("read next", Furniture::Related),
    ("read more", Furniture::Related),
    ("read this next", Furniture::Related),
    ("read also", Furniture::Related),
    ("also read", Furniture::Related),
    ("what to read next", Furniture::Related),
    ("up next", Furniture::Related),
    ("watch next", Furniture::Related),
    ("next up", Furniture::Related),
    ("next story", Furniture::Related),
    ("next article", Furniture::Related),
    ("previous article", Furniture::Related),
    ("previous story", Furniture::Related),
    ("previous post", Furniture::Related),
    ("next post", Furniture::Related),
    ("editors picks", Furniture::Related),
    ("editor s picks", Furniture::Related),
    ("editors choice", Furniture::Related),
    ("editor s choice", Furniture::Related),
    ("staff picks", Furniture::Related),
    ("don t miss", Furniture::Related),
    ("dont miss", Furniture::Related),
    ("must read", Furniture::Related),
    ("must reads", Furniture::Related),
    ("further reading", Furniture::Related),
    ("see also", Furniture::Related),
    ("in other news", Furniture::Related),
    ("around the web", Furniture::Related),
    ("from the web", Furniture::Related),
    ("from around the web", Furniture::Related),
    ("sponsored", Furniture::Related),
    ("sponsored content", Furniture::Related),
    ("sponsored stories", Furniture::Related),
    ("sponsored links", Furniture::Related),
    ("promoted stories", Furniture::Related),
    ("promoted content", Furniture::Related),
    ("paid content", Furniture::Related),
    ("partner content", Furniture::Related),
    ("story timeline", Furniture::Related),
    ("featured", Furniture::Related),
    ("featured stories", Furniture::Related),
    ("featured articles", Furniture::Related),
    ("featured posts", Furniture::Related),
    ("featured videos", Furniture::Related),
    ("highlights", Furniture::Related),
    ("what s hot", Furniture::Related),
    ("hot topics", Furniture::Related),
    ("explore more", Furniture::Related),
    ("keep reading", Furniture::Related),
    ("continue reading", Furniture::Related),
    ("comments", Furniture::Comments),
    ("comment", Furniture::Comments),
    ("show comments", Furniture::Comments),
    ("view comments", Furniture::Comments),
    ("hide comments", Furniture::Comments),
    ("load comments", Furniture::Comments),
    ("read comments", Furniture::Comments),
    ("reader comments", Furniture::Comments),
    ("leave a reply", Furniture::Comments),
    ("leave a comment", Furniture::Comments),
    ("post a comment", Furniture::Comments),
    ("add a comment", Furniture::Comments),
    ("add comment", Furniture::Comments),
    ("write a comment", Furniture::Comments),
    ("join the conversation", Furniture::Comments),
    ("join the discussion", Furniture::Comments),
    ("conversation", Furniture::Comments),
    ("responses", Furniture::Comments),
    ("reactions", Furniture::Comments),
    ("no comments yet", Furniture::Comments),
    ("what do you think", Furniture::Comments),
    ("cancel reply", Furniture::Comments),
    ("leave a reply cancel reply", Furniture::Comments),
    ("one response", Furniture::Comments),
    ("one comment", Furniture::Comments),
    ("download the app", Furniture::Promo),
    ("get the app", Furniture::Promo),
    ("download our app", Furniture::Promo),
    ("get our app", Furniture::Promo),
    ("newsletter", Furniture::Promo),
    ("newsletters", Furniture::Promo),
    ("subscribe", Furniture::Promo),
    ("subscribe now", Furniture::Promo),
    ("subscribe to our newsletter", Furniture::Promo),
    ("sign up for our newsletter", Furniture::Promo),
    ("sign up for our newsletters", Furniture::Promo),
    ("stay in the know", Furniture::Promo),
    ("stay informed", Furniture::Promo),
    ("stay connected", Furniture::Promo),
    ("follow us", Furniture::Share),
    ("connect with us", Furniture::Share),
    ("share this", Furniture::Share),
    ("share this article", Furniture::Share),
    ("share this story", Furniture::Share),
    ("share this post", Furniture::Share),
    ("share this page", Furniture::Share),
    ("share on", Furniture::Share),
    ("share", Furniture::Share),
    ("share article", Furniture::Share),
    ("like this", Furniture::Share),
    ("tags", Furniture::Share),
    ("topics", Furniture::Share),
    ("filed under", Furniture::Share),
    ("categories", Furniture::Share),
    ("about the author", Furniture::Footer),
    ("about the authors", Furniture::Footer),
    ("about this author", Furniture::Footer),
    ("about us", Furniture::Footer),
    ("author", Furniture::Share),
    ("source link", Furniture::Footer),
    ("source", Furniture::Share),
    ("sources", Furniture::Share),
    ("site information", Furniture::Footer),
    ("quick links", Furniture::Footer),
    ("useful links", Furniture::Footer),
    ("more information", Furniture::Footer),
    ("footer", Furniture::Footer),
    ("table of contents", Furniture::Contents),
    ("contents", Furniture::Contents),
    ("in this article", Furniture::Contents),
    ("on this page", Furniture::Contents),
    ("jump to", Furniture::Contents),
    ("jump to section", Furniture::Contents),
    // de
    ("ähnliche artikel", Furniture::Related),
    ("ähnliche beiträge", Furniture::Related),
    ("verwandte artikel", Furniture::Related),
    ("verwandte themen", Furniture::Related),
    ("das könnte sie auch interessieren", Furniture::Related),
    ("das könnte dich auch interessieren", Furniture::Related),
    ("auch interessant", Furniture::Related),
    ("ebenfalls interessant", Furniture::Related),
    ("mehr zum thema", Furniture::Related),
    ("weitere artikel", Furniture::Related),
    ("weitere nachrichten", Furniture::Related),
    ("weitere beiträge", Furniture::Related),
    ("meistgelesen", Furniture::Related),
    ("meist gelesen", Furniture::Related),
    ("meistgelesene artikel", Furniture::Related),
    ("beliebte artikel", Furniture::Related),
    ("beliebte beiträge", Furniture::Related),
    ("lesen sie auch", Furniture::Related),
    ("lies auch", Furniture::Related),
    ("empfehlungen", Furniture::Related),
    ("empfohlen", Furniture::Related),
    ("top artikel", Furniture::Related),
    ("neueste artikel", Furniture::Related),
    ("neueste beiträge", Furniture::Related),
    ("aktuelle artikel", Furniture::Related),
    ("aktuelle nachrichten", Furniture::Related),
    ("kommentare", Furniture::Comments),
    ("kommentar", Furniture::Comments),
    ("kommentar schreiben", Furniture::Comments),
    ("kommentieren", Furniture::Comments),
    ("schreiben sie einen kommentar", Furniture::Comments),
    ("hinterlasse einen kommentar", Furniture::Comments),
    ("newsletter abonnieren", Furniture::Promo),
    ("jetzt abonnieren", Furniture::Promo),
    ("app herunterladen", Furniture::Promo),
    ("teilen", Furniture::Share),
    ("artikel teilen", Furniture::Share),
    ("schlagworte", Furniture::Share),
    ("über den autor", Furniture::Footer),
    ("quelle", Furniture::Share),
    ("inhaltsverzeichnis", Furniture::Contents),
    ("inhalt", Furniture::Contents),
    // fr
    ("articles similaires", Furniture::Related),
    ("articles liés", Furniture::Related),
    ("articles connexes", Furniture::Related),
    ("à lire aussi", Furniture::Related),
    ("a lire aussi", Furniture::Related),
    ("lire aussi", Furniture::Related),
    ("à lire également", Furniture::Related),
    ("sur le même sujet", Furniture::Related),
    ("dans la même rubrique", Furniture::Related),
    ("les plus lus", Furniture::Related),
    ("les plus populaires", Furniture::Related),
    ("articles populaires", Furniture::Related),
    ("vous aimerez aussi", Furniture::Related),
    ("vous aimerez également", Furniture::Related),
    ("vous pourriez aussi aimer", Furniture::Related),
    ("à découvrir", Furniture::Related),
    ("à découvrir aussi", Furniture::Related),
    ("voir aussi", Furniture::Related),
    ("derniers articles", Furniture::Related),
    ("dernières actualités", Furniture::Related),
    ("dernières infos", Furniture::Related),
    ("tendances", Furniture::Related),
    ("plus d articles", Furniture::Related),
    ("commentaires", Furniture::Comments),
    ("laisser un commentaire", Furniture::Comments),
    ("laissez un commentaire", Furniture::Comments),
    ("ajouter un commentaire", Furniture::Comments),
    ("réagir", Furniture::Comments),
    ("réactions", Furniture::Comments),
    ("abonnez vous", Furniture::Promo),
    ("inscrivez vous à notre newsletter", Furniture::Promo),
    ("téléchargez l application", Furniture::Promo),
    ("partager", Furniture::Share),
    ("partager cet article", Furniture::Share),
    ("à propos de l auteur", Furniture::Footer),
    ("mots clés", Furniture::Share),
    ("sommaire", Furniture::Contents),
    ("table des matières", Furniture::Contents),
    // es
    ("artículos relacionados", Furniture::Related),
    ("noticias relacionadas", Furniture::Related),
    ("entradas relacionadas", Furniture::Related),
    ("publicaciones relacionadas", Furniture::Related),
    ("relacionado", Furniture::Related),
    ("relacionados", Furniture::Related),
    ("te puede interesar", Furniture::Related),
    ("también te puede interesar", Furniture::Related),
    ("te podría interesar", Furniture::Related),
    ("te recomendamos", Furniture::Related),
    ("lo más leído", Furniture::Related),
    ("lo más visto", Furniture::Related),
    ("más leídas", Furniture::Related),
    ("más leídos", Furniture::Related),
    ("más noticias", Furniture::Related),
    ("lee también", Furniture::Related),
    ("leer más", Furniture::Related),
    ("artículos populares", Furniture::Related),
    ("últimas noticias", Furniture::Related),
    ("comentarios", Furniture::Comments),
    ("deja un comentario", Furniture::Comments),
    ("deja una respuesta", Furniture::Comments),
    ("deja tu comentario", Furniture::Comments),
    ("suscríbete", Furniture::Promo),
    ("descarga la app", Furniture::Promo),
    ("compartir", Furniture::Share),
    ("comparte", Furniture::Share),
    ("sobre el autor", Furniture::Footer),
    ("etiquetas", Furniture::Share),
    ("fuente", Furniture::Share),
    ("índice", Furniture::Contents),
    ("tabla de contenidos", Furniture::Contents),
    ("contenidos", Furniture::Contents),
    // it
    ("articoli correlati", Furniture::Related),
    ("notizie correlate", Furniture::Related),
    ("correlati", Furniture::Related),
    ("potrebbe interessarti", Furniture::Related),
    ("ti potrebbe interessare", Furniture::Related),
    ("potrebbero interessarti", Furniture::Related),
    ("i più letti", Furniture::Related),
    ("più letti", Furniture::Related),
    ("più lette", Furniture::Related),
    ("leggi anche", Furniture::Related),
    ("altri articoli", Furniture::Related),
    ("articoli popolari", Furniture::Related),
    ("ultime notizie", Furniture::Related),
    ("ultimi articoli", Furniture::Related),
    ("commenti", Furniture::Comments),
    ("lascia un commento", Furniture::Comments),
    ("lascia una risposta", Furniture::Comments),
    ("lascia un commento annulla risposta", Furniture::Comments),
    ("iscriviti alla newsletter", Furniture::Promo),
    ("condividi", Furniture::Share),
    ("condividi questo articolo", Furniture::Share),
    ("tag", Furniture::Share),
    ("fonte", Furniture::Share),
    ("indice", Furniture::Contents),
    ("sommario", Furniture::Contents),
    // pt
    ("artigos relacionados", Furniture::Related),
    ("notícias relacionadas", Furniture::Related),
    ("posts relacionados", Furniture::Related),
    ("leia também", Furniture::Related),
    ("leia mais", Furniture::Related),
    ("veja também", Furniture::Related),
    ("mais lidas", Furniture::Related),
    ("mais lidos", Furniture::Related),
    ("mais notícias", Furniture::Related),
    ("você também pode gostar", Furniture::Related),
    ("você pode gostar", Furniture::Related),
    ("últimas notícias", Furniture::Related),
    ("comentários", Furniture::Comments),
    ("deixe um comentário", Furniture::Comments),
    ("deixe uma resposta", Furniture::Comments),
    ("deixe seu comentário", Furniture::Comments),
    ("assine", Furniture::Promo),
    ("compartilhe", Furniture::Share),
    ("compartilhar", Furniture::Share),
    ("sobre o autor", Furniture::Footer),
    ("fonte", Furniture::Share),
    ("índice", Furniture::Contents),
    // ru
    ("похожие статьи", Furniture::Related),
    ("похожие материалы", Furniture::Related),
    ("похожие новости", Furniture::Related),
    ("читайте также", Furniture::Related),
    ("читать также", Furniture::Related),
    ("смотрите также", Furniture::Related),
    ("новости по теме", Furniture::Related),
    ("материалы по теме", Furniture::Related),
    ("по теме", Furniture::Related),
    ("другие новости", Furniture::Related),
    ("популярное", Furniture::Related),
    ("популярные статьи", Furniture::Related),
    ("популярные новости", Furniture::Related),
    ("самое читаемое", Furniture::Related),
    ("самое популярное", Furniture::Related),
    ("рекомендуем", Furniture::Related),
    ("последние новости", Furniture::Related),
    ("главное", Furniture::Related),
    ("комментарии", Furniture::Comments),
    ("оставить комментарий", Furniture::Comments),
    ("оставьте комментарий", Furniture::Comments),
    ("добавить комментарий", Furniture::Comments),
    ("подписаться", Furniture::Promo),
    ("подпишитесь", Furniture::Promo),
    ("поделиться", Furniture::Share),
    ("теги", Furniture::Share),
    ("источник", Furniture::Share),
    ("об авторе", Furniture::Footer),
    ("содержание", Furniture::Contents),
    ("оглавление", Furniture::Contents),
    // nl
    ("gerelateerde artikelen", Furniture::Related),
    ("gerelateerd", Furniture::Related),
    ("lees ook", Furniture::Related),
    ("lees meer", Furniture::Related),
    ("meer nieuws", Furniture::Related),
    ("meest gelezen", Furniture::Related),
    ("populair", Furniture::Related),
    ("ook interessant", Furniture::Related),
    ("laatste nieuws", Furniture::Related),
    ("reacties", Furniture::Comments),
    ("reageer", Furniture::Comments),
    ("laat een reactie achter", Furniture::Comments),
    ("plaats een reactie", Furniture::Comments),
    ("delen", Furniture::Share),
    ("deel dit artikel", Furniture::Share),
    ("bron", Furniture::Share),
    ("inhoudsopgave", Furniture::Contents),
    // pl
    ("powiązane artykuły", Furniture::Related),
    ("podobne artykuły", Furniture::Related),
    ("czytaj także", Furniture::Related),
    ("czytaj też", Furniture::Related),
    ("zobacz także", Furniture::Related),
    ("zobacz też", Furniture::Related),
    ("najpopularniejsze", Furniture::Related),
    ("najczęściej czytane", Furniture::Related),
    ("polecane", Furniture::Related),
    ("polecamy", Furniture::Related),
    ("najnowsze", Furniture::Related),
    ("komentarze", Furniture::Comments),
    ("dodaj komentarz", Furniture::Comments),
    ("zostaw komentarz", Furniture::Comments),
    ("udostępnij", Furniture::Share),
    ("źródło", Furniture::Share),
    ("spis treści", Furniture::Contents),
];

/// Heading prefixes: a short line whose key starts with one of these opens furniture
/// ("More from The Daily Planet", "Discover more from ...", "Top 5 this week").
const HEADING_PREFIXES: &[(&str, Furniture)] = &[
    ("more from ", Furniture::Related),
    ("more in ", Furniture::Related),
    ("more on ", Furniture::Related),
    ("more about ", Furniture::Related),
    ("more stories from ", Furniture::Related),
    ("more articles from ", Furniture::Related),
    ("more news from ", Furniture::Related),
    ("more stories like ", Furniture::Related),
    ("read more from ", Furniture::Related),
    ("read more about ", Furniture::Related),
    ("other stories ", Furniture::Related),
    ("latest from ", Furniture::Related),
    ("latest in ", Furniture::Related),
    ("latest on ", Furniture::Related),
    ("also on ", Furniture::Related),
    ("also in ", Furniture::Related),
    ("popular in ", Furniture::Related),
    ("popular on ", Furniture::Related),
    ("trending on ", Furniture::Related),
    ("trending in ", Furniture::Related),
    ("most read on ", Furniture::Related),
    ("most popular on ", Furniture::Related),
    ("top this week", Furniture::Related),
    ("top stories ", Furniture::Related),
    ("recommended by ", Furniture::Related),
    ("related to ", Furniture::Related),
    ("discover more from ", Furniture::Promo),
    ("subscribe to ", Furniture::Promo),
    ("sign up for ", Furniture::Promo),
    ("sign up to ", Furniture::Promo),
    ("get the latest ", Furniture::Promo),
    ("download the ", Furniture::Promo),
    ("get started now ", Furniture::Promo),
    ("follow us on ", Furniture::Share),
    ("follow ", Furniture::Share),
    ("comments on ", Furniture::Comments),
    ("responses to ", Furniture::Comments),
    ("thoughts on ", Furniture::Comments),
    ("join the conversation ", Furniture::Comments),
    ("share this ", Furniture::Share),
    ("share on ", Furniture::Share),
    ("about the author ", Furniture::Footer),
    ("mehr von ", Furniture::Related),
    ("mehr aus ", Furniture::Related),
    ("mehr zu ", Furniture::Related),
    ("mehr zum ", Furniture::Related),
    ("weitere artikel ", Furniture::Related),
    ("plus de ", Furniture::Related),
    ("plus d articles ", Furniture::Related),
    ("les plus lus ", Furniture::Related),
    ("más de ", Furniture::Related),
    ("más noticias ", Furniture::Related),
    ("altro da ", Furniture::Related),
    ("altri articoli ", Furniture::Related),
    ("mais de ", Furniture::Related),
    ("mais sobre ", Furniture::Related),
    ("ещё по теме", Furniture::Related),
    ("еще по теме", Furniture::Related),
    ("другие новости ", Furniture::Related),
    ("meer over ", Furniture::Related),
    ("meer van ", Furniture::Related),
    ("więcej z ", Furniture::Related),
    ("więcej o ", Furniture::Related),
];

static HEADING_MAP: LazyLock<FastMap<&'static str, Furniture>> =
    LazyLock::new(|| HEADINGS.iter().copied().collect());

/// [`HEADING_MAP`]'s keys: other keys are not looked up.
static HEADING_FILTER: LazyLock<WordFilter> =
    LazyLock::new(|| WordFilter::of(HEADINGS.iter().map(|(k, _)| *k)));

/// Line prefixes by their first byte (a table index, where a map keyed by the first character
/// hashed it), each with its first 16 bytes as a [`prefix16`] pair: a line is compared with the
/// prefixes of its first byte as one integer ([`head16`]), the rest of a longer prefix only
/// where that matches (`starts_with` per prefix was a `memcmp` call, and mispredicted).
pub struct PrefixTable<T> {
    by_first: Vec<Vec<PrefixEntry<T>>>,
}

/// A prefix's [`prefix16`] pair, the prefix, and its value.
type PrefixEntry<T> = ((u128, u128), &'static str, T);

impl<T: Copy> PrefixTable<T> {
    fn new(items: impl Iterator<Item = (&'static str, T)>) -> PrefixTable<T> {
        let mut by_first = vec![Vec::new(); 256];
        for (p, t) in items {
            if let Some(b) = p.as_bytes().first() {
                by_first[usize::from(*b)].push((prefix16(p), p, t));
            }
        }
        PrefixTable { by_first }
    }

    /// The value of the first prefix (in list order) that `s` starts with.
    pub fn find(&self, s: &str) -> Option<T> {
        let ps = self.by_first.get(usize::from(*s.as_bytes().first()?))?;
        if ps.is_empty() {
            return None;
        }
        let head = head16(s);
        ps.iter()
            .find(|((v, m), p, _)| head & m == *v && s.starts_with(p))
            .map(|(_, _, t)| *t)
    }
}

/// The key a heading is matched on: lowercase letters only, single spaces. Numbers are dropped
/// so that "12 Comments", "Comments (3)" and "Top 5 This Week" match their family.
pub fn heading_key(line: &str) -> String {
    let mut key = String::with_capacity(line.len());
    let mut pending_space = false;
    for c in line.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphabetic() {
                if pending_space && !key.is_empty() {
                    key.push(' ');
                }
                pending_space = false;
                key.push(c.to_ascii_lowercase());
            } else if !c.is_ascii_digit() {
                pending_space = true;
            }
        } else if is_alpha(c) {
            if pending_space && !key.is_empty() {
                key.push(' ');
            }
            pending_space = false;
            for l in c.to_lowercase() {
                key.push(l);
            }
        } else if is_punctuation_block(c) || !c.is_numeric() {
            pending_space = true;
        }
    }
    key
}

/// The first 16 bytes of `s` as a little-endian integer, zero-padded: prefix tests against it
/// ([`starts_with_any`]) are a few compares, where `starts_with` calls compare lengths and bytes
/// with branches the processor mispredicts.
pub fn head16(s: &str) -> u128 {
    head16_bytes(s.as_bytes())
}

/// [`head16`] of bytes.
pub fn head16_bytes(b: &[u8]) -> u128 {
    let n = b.len();
    // Fixed-size loads, two overlapping ones for a short string (the bytes they share are the
    // same), shifted into place: no loop and no `memcpy` call.
    let le64 = |at: usize| {
        let mut w = [0u8; 8];
        w.copy_from_slice(&b[at..at + 8]);
        u64::from_le_bytes(w)
    };
    let le32 = |at: usize| {
        let mut w = [0u8; 4];
        w.copy_from_slice(&b[at..at + 4]);
        u64::from(u32::from_le_bytes(w))
    };
    let (lo, hi) = if n >= 16 {
        (le64(0), le64(8))
    } else if n >= 8 {
        // The last eight bytes end at n: shifted down, they start at byte 8 (none for n = 8,
        // where the shift would be the whole word).
        let hi = le64(n - 8).checked_shr(8 * (16 - n) as u32).unwrap_or(0);
        (le64(0), hi)
    } else if n >= 4 {
        (le32(0) | (le32(n - 4) << (8 * (n - 4))), 0)
    } else if n > 0 {
        let at = |k: usize| u64::from(b[k]) << (8 * k);
        (at(0) | at(n / 2) | at(n - 1), 0)
    } else {
        (0, 0)
    };
    u128::from(lo) | (u128::from(hi) << 64)
}

/// A prefix of 1 to 16 bytes (none of them zero) as the (value, mask) pair [`starts_with_any`]
/// compares with a [`head16`].
pub const fn prefix16(p: &str) -> (u128, u128) {
    let b = p.as_bytes();
    let mut v = 0u128;
    let mut m = 0u128;
    let mut k = 0;
    while k < b.len() && k < 16 {
        v |= (b[k] as u128) << (8 * k);
        m |= 0xffu128 << (8 * k);
        k += 1;
    }
    (v, m)
}

/// Whether the string with head `head` ([`head16`]) starts with one of `prefixes`
/// ([`prefix16`]); exact, as the padding is zero and no prefix holds a zero byte.
pub fn starts_with_any(head: u128, prefixes: &[(u128, u128)]) -> bool {
    prefixes
        .iter()
        .fold(false, |found, (v, m)| found | (head & m == *v))
}

/// Whether `s` holds "stor" or "play": four-byte windows compared without a branch (two
/// `memchr` calls per line cost more, mostly in mispredicted branches).
pub fn has_stor_or_play(s: &str) -> bool {
    const STOR: u32 = u32::from_le_bytes(*b"stor");
    const PLAY: u32 = u32::from_le_bytes(*b"play");
    s.as_bytes().windows(4).fold(false, |found, w| {
        let x = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
        found | (x == STOR) | (x == PLAY)
    })
}

/// Whether `needle` occurs in `hay`, for short haystacks: a `memchr` for the needle's first
/// byte, then a comparison at each hit (no searcher to set up).
pub fn contains_short(hay: &str, needle: &str) -> bool {
    let (hay, needle) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = needle.first() else {
        return true;
    };
    memchr::memchr_iter(first, hay).any(|k| hay[k..].starts_with(needle))
}

/// [`char::to_lowercase`] of a character that lowercases to one character, answered without
/// the Unicode tables for Latin-1, basic Cyrillic, General Punctuation and CJK (a binary search
/// per character otherwise); `None` sends the caller to the tables.
pub fn lower_char(c: char) -> Option<char> {
    let u = c as u32;
    let l = match u {
        0x41..=0x5a => u + 0x20,
        0..=0x7f => u,
        0xc0..=0xd6 | 0xd8..=0xde => u + 0x20,
        0x80..=0xbf | 0xd7 | 0xdf..=0xff => u,
        0x400..=0x40f => u + 0x50,
        0x410..=0x42f => u + 0x20,
        0x430..=0x45f => u,
        0x2000..=0x206f | 0x3000..=0x30ff | 0x4e00..=0x9fff | 0xac00..=0xd7a3 => u,
        _ => return None,
    };
    char::from_u32(l)
}

/// How many bytes `seg` starts with that are ASCII, eight at a time.
pub fn ascii_prefix(seg: &[u8]) -> usize {
    let mut words = seg.chunks_exact(8);
    let mut n = 0;
    for w in &mut words {
        let mut b = [0u8; 8];
        b.copy_from_slice(w);
        let high = u64::from_le_bytes(b) & 0x8080_8080_8080_8080;
        if high != 0 {
            return n + (high.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + words
        .remainder()
        .iter()
        .position(|x| !x.is_ascii())
        .unwrap_or(words.remainder().len())
}

/// A line lowercased character by character ([`char::to_lowercase`]). The ASCII stretches
/// between other characters are lowercased in bulk; `str::to_lowercase` goes character by
/// character after the first non-ASCII one (a curly quote early in most lines). It also differs
/// in one place: a final Greek capital sigma becomes `σ` here, not `ς`.
pub fn lowercase<'b>(text: &str, bump: &'b Bump) -> &'b str {
    let mut out = bumpalo::collections::String::with_capacity_in(text.len() + 8, bump);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let end = i + ascii_prefix(&bytes[i..]);
        let start = out.len();
        out.push_str(text.get(i..end).unwrap_or(""));
        if let Some(tail) = out.get_mut(start..) {
            tail.make_ascii_lowercase();
        }
        i = end;
        let Some(c) = text.get(i..).and_then(|t| t.chars().next()) else {
            break;
        };
        i += c.len_utf8();
        match lower_char(c) {
            Some(l) => out.push(l),
            None => out.extend(c.to_lowercase()),
        }
    }
    out.into_bump_str()
}

/// A line's heading key with what one pass over it also gives: a 64-bit signature of its
/// words (a bit per first byte and length, see [`word_bit`]) and the [`phrase_tags`] of the key.
#[derive(Debug, Default)]
pub struct KeyInfo<'a> {
    pub key: &'a str,
    pub word_bits: u64,
    pub phrase_tags: u8,
}

/// The signature bit of a word from its first byte and length: two words can only be equal when
/// their bits are, so lines whose signature shares no bit with the title's have no title word.
pub fn word_bit(first: u8, len: usize) -> u64 {
    1u64 << ((u32::from(first) * 37 + (len as u32) * 11) & 63)
}

/// [`heading_key`] of a line from its lowercased text `lower`, with its word signature and
/// phrase tags ([`KeyWords`]). A line of plain words is its own key ([`key_of_plain_words`]),
/// an ASCII line is read in bit masks ([`key_of_ascii`]); any other line goes through a byte
/// loop: ASCII bytes through a class test, letters in runs, other characters decoded (letters
/// are copied as they are, `lower` being lowercased already).
pub fn key_of_lower<'a>(lower: &'a str, bump: &'a Bump) -> KeyInfo<'a> {
    if let Some(info) = key_of_plain_words(lower) {
        return info;
    }
    if lower.is_ascii() {
        return key_of_ascii(lower, bump);
    }
    // Built in place in the arena (the key is never longer than `lower`).
    let key: &'a mut [u8] = bump.alloc_slice_fill_copy(lower.len(), 0u8);
    let mut words = KeyWords::new();
    let mut n = 0;
    let mut pending_space = false;
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // The byte length of the letter at `i`; anything else sets a pending space (digits
        // excepted) and is passed.
        let letter = if b.is_ascii_alphabetic() {
            1
        } else if b.is_ascii() {
            if !b.is_ascii_digit() {
                pending_space = true;
            }
            i += 1;
            continue;
        } else {
            let Some(c) = lower.get(i..).and_then(|t| t.chars().next()) else {
                break;
            };
            if !is_alpha(c) {
                if is_punctuation_block(c) || !c.is_numeric() {
                    pending_space = true;
                }
                i += c.len_utf8();
                continue;
            }
            c.len_utf8()
        };
        if pending_space && n > 0 {
            n = words.space(key, n);
        }
        pending_space = false;
        if letter == 1 {
            // A run of ASCII letters at once (`lower` is lowercased already), a byte at a
            // time: runs are short, and a `memcpy` call per run costs more.
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                key[n] = bytes[i];
                n += 1;
                i += 1;
            }
        } else {
            key[n..n + letter].copy_from_slice(&bytes[i..i + letter]);
            n += letter;
            i += letter;
        }
    }
    words.end(key, words.start, n);
    // Only whole characters' UTF-8 and spaces were written.
    let key: &'a [u8] = key;
    words.finish(std::str::from_utf8(key.get(..n).unwrap_or_default()).unwrap_or_default())
}

/// The words of a heading key as they end while it is built: its word signature ([`word_bit`]s)
/// and the words that may start a phrase, so that the phrases are looked up only where one
/// may start (a separate scan of the key for them was a twentieth of the time).
struct KeyWords {
    phrases: &'static PhraseSet,
    /// Where the word being built starts.
    start: usize,
    word_bits: u64,
    /// Words that may begin a phrase; past the array, the whole key is scanned.
    starts: [(usize, usize); 16],
    n_starts: usize,
}

impl KeyWords {
    fn new() -> KeyWords {
        KeyWords {
            phrases: &PHRASES,
            start: 0,
            word_bits: 0,
            starts: [(0, 0); 16],
            n_starts: 0,
        }
    }

    /// The word `key[s..e]` (none when empty).
    fn end(&mut self, key: &[u8], s: usize, e: usize) {
        if e <= s {
            return;
        }
        let word = &key[s..e];
        self.word_bits |= word_bit(word[0], word.len());
        if self.phrases.may_start(word) {
            if let Some(slot) = self.starts.get_mut(self.n_starts) {
                *slot = (s, e);
            }
            self.n_starts += 1;
        }
    }

    /// Ends the word being built at `n` and writes a space there; returns the key's new length.
    fn space(&mut self, key: &mut [u8], n: usize) -> usize {
        self.end(key, self.start, n);
        key[n] = b' ';
        self.start = n + 1;
        n + 1
    }

    /// The key with its signature and phrase tags.
    fn finish(self, key: &str) -> KeyInfo<'_> {
        KeyInfo {
            key,
            word_bits: self.word_bits,
            phrase_tags: phrase_tags_from_starts(key, &self.starts, self.n_starts),
        }
    }
}

/// The [`phrase_tags`] of `key`, given its first `n_starts` words that may start a phrase
/// (`starts`, filled up to its length; past it, the whole key is scanned).
fn phrase_tags_from_starts(key: &str, starts: &[(usize, usize)], n_starts: usize) -> u8 {
    let phrases = &*PHRASES;
    let want = FURNITURE_TAG | PROMO_TAG;
    if n_starts > starts.len() {
        return phrases.tags(key, want);
    }
    let mut found = 0u8;
    for &(s, e) in &starts[..n_starts] {
        found |= phrases.tags_from(key, s, e, want);
        if found & want == want {
            break;
        }
    }
    found
}

/// A one in each byte of a word.
pub const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of each byte of a word.
pub const HIGH: u64 = ONES * 0x80;

/// The high bit of each of the eight ASCII bytes of `x` that lies in `lo..=hi`: a byte's high
/// bit after adding `0x80 - lo` says it is at least `lo`, after adding `0x80 - hi - 1` that it
/// is past `hi` (bytes below 0x80 do not carry into their neighbours, so the flags are exact).
pub fn ascii_in_range8(x: u64, lo: u8, hi: u8) -> u64 {
    let ge_lo = x + ONES * u64::from(0x80 - lo);
    let gt_hi = x + ONES * u64::from(0x80 - hi - 1);
    ge_lo & !gt_hi & HIGH
}

/// Which of eight ASCII bytes are letters, as an 8-bit mask (byte k -> bit k).
pub fn ascii_letters8(x: u64) -> u64 {
    gather(ascii_in_range8(x | (ONES * 0x20), b'a', b'z'), 7)
}

/// Which of eight ASCII bytes are digits, as an 8-bit mask (byte k -> bit k).
pub fn ascii_digits8(x: u64) -> u64 {
    gather(ascii_in_range8(x, b'0', b'9'), 7)
}

/// Bit `bit` of each of the 8 bytes of `v`, gathered into an 8-bit mask (byte k -> bit k): the
/// multiply moves byte k's bit to bit 56 + k, with no collisions (the usual "movemask" trick).
pub fn gather(v: u64, bit: u32) -> u64 {
    (((v >> bit) & ONES).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// The first eight bytes of `bytes` as a little-endian integer, zero-padded ([`head16_bytes`]).
/// A copy of a slice of varying length into an array is a `memcpy` call, with mispredicted
/// branches in it.
pub fn load8(bytes: &[u8]) -> u64 {
    head16_bytes(bytes) as u64
}

/// The low `n` bytes of a word set (all of them from 8 on).
fn low_bytes(n: usize) -> u64 {
    bits_below(8 * n)
}

/// The bits below `k` (all of them from 64 on).
fn bits_below(k: usize) -> u64 {
    if k >= 64 {
        u64::MAX
    } else {
        (1u64 << k) - 1
    }
}

/// The high bit of each of the eight bytes of `x` that is a space.
fn spaces8(x: u64) -> u64 {
    let t = x ^ (ONES * u64::from(b' '));
    // A byte's high bit after adding 0x7f to its low seven bits says they are not all zero.
    !(((t & !HIGH) + !HIGH) | t) & HIGH
}

/// Calls `f(start, end)` for each run of bytes of `key` between spaces (the words of a heading
/// key, which are one space apart), finding the spaces eight bytes at a time: a byte loop's
/// test of each byte for the space was mispredicted at most word ends.
pub fn for_each_key_word(key: &[u8], mut f: impl FnMut(usize, usize)) {
    if key.is_empty() {
        return;
    }
    let mut start = 0;
    for (g, chunk) in key.chunks(8).enumerate() {
        // A short last group is padded with zero bytes, which are not spaces.
        let mut m = spaces8(load8(chunk));
        while m != 0 {
            let p = g * 8 + (m.trailing_zeros() / 8) as usize;
            f(start, p);
            start = p + 1;
            m &= m - 1;
        }
    }
    f(start, key.len());
}

/// [`key_of_lower`] of a line that is lowercase ASCII letter words one space apart (more than
/// half of the short lines of a dump: "home", "world news", "leave a reply"): the key is the
/// line itself, so it is not built byte by byte; the words are found from space masks, eight
/// bytes at a time. `None` for any other line.
fn key_of_plain_words(lower: &str) -> Option<KeyInfo<'_>> {
    let bytes = lower.as_bytes();
    if bytes.first().is_none_or(|b| *b == b' ') || bytes.last().is_some_and(|b| *b == b' ') {
        return None;
    }
    let mut space_before = false;
    for chunk in bytes.chunks(8) {
        // A short last group is padded with letters.
        let x = load8(chunk) | ((ONES * u64::from(b'a')) & !low_bytes(chunk.len()));
        if x & HIGH != 0 {
            return None;
        }
        let spaces = spaces8(x);
        if ascii_in_range8(x, b'a', b'z') | spaces != HIGH
            || spaces & (spaces << 8) != 0
            || (space_before && spaces & 0x80 != 0)
        {
            return None;
        }
        space_before = spaces >> 63 != 0;
    }
    let mut words = KeyWords::new();
    for_each_key_word(bytes, |s, e| words.end(bytes, s, e));
    Some(words.finish(lower))
}

/// [`key_of_lower`] of an ASCII line, 64 bytes at a time: the letters and the separators (bytes
/// that are neither letters nor digits) become bit masks, each run of letters is copied eight
/// bytes at a step, and a space goes in front of a run when a separator came since the last
/// one. A byte loop's test of each byte was mispredicted at most run ends.
fn key_of_ascii<'a>(lower: &'a str, bump: &'a Bump) -> KeyInfo<'a> {
    let bytes = lower.as_bytes();
    // Eight bytes of slack past the longest key, for the last eight-byte step of a copy.
    let key: &'a mut [u8] = bump.alloc_slice_fill_copy(bytes.len() + 8, 0u8);
    let mut words = KeyWords::new();
    let mut n = 0;
    // A separator since the last letter.
    let mut pending = false;
    for block in bytes.chunks(64) {
        let mut pad = [0u8; 64 + 8];
        let (mut letters, mut separators) = (0u64, 0u64);
        for (g, (dst, src)) in pad.chunks_exact_mut(8).zip(block.chunks(8)).enumerate() {
            let x = load8(src);
            dst.copy_from_slice(&x.to_le_bytes());
            let (l, d) = (ascii_letters8(x), ascii_digits8(x));
            letters |= l << (8 * g);
            separators |= (!(l | d) & 0xff) << (8 * g);
        }
        separators &= bits_below(block.len());
        let mut rest = letters;
        // Where the last run of this block ended.
        let mut pos = 0;
        while rest != 0 {
            let s = rest.trailing_zeros() as usize;
            let e = s + (rest >> s).trailing_ones() as usize;
            if separators & bits_below(s) & !bits_below(pos) != 0 {
                pending = true;
            }
            if pending && n > 0 {
                n = words.space(key, n);
            }
            pending = false;
            let mut k = s;
            while k < e {
                let at = n + (k - s);
                key[at..at + 8].copy_from_slice(&pad[k..k + 8]);
                k += 8;
            }
            n += e - s;
            pos = e;
            rest &= !bits_below(e);
        }
        if separators & !bits_below(pos) != 0 {
            pending = true;
        }
    }
    words.end(key, words.start, n);
    // Only ASCII letters and spaces were written.
    let key: &'a [u8] = key;
    words.finish(std::str::from_utf8(key.get(..n).unwrap_or_default()).unwrap_or_default())
}

/// [`heading_key`] of a line from its lowercased text (see [`key_of_lower`]).
#[cfg(test)]
pub fn heading_key_of_lower(lower: &str) -> String {
    key_of_lower(lower, &Bump::new()).key.to_string()
}

/// The furniture a short line opens, if it is a furniture heading. `key` is [`heading_key`]
/// of the line; `words` its word count.
pub fn furniture_heading(key: &str, words: usize) -> Option<Furniture> {
    if key.is_empty() || words > 16 {
        return None;
    }
    if words <= 9 && HEADING_FILTER.may_contain(key.as_bytes()) {
        if let Some(f) = HEADING_MAP.get(key) {
            return Some(*f);
        }
    }
    // "Comments 12", "Related Articles:" followed by an arrow glyph and so on are handled by
    // the key; here prefixes, which need something after them ("More from <site>").
    if let Some(f) = HEADING_PREFIX_TABLE.find(key) {
        return Some(f);
    }
    // "Top 10 this week", "top stories this week": `top` followed by a period word.
    if words <= 9
        && key.starts_with("top ")
        && (key.ends_with(" this week")
            || key.ends_with(" this month")
            || key.ends_with(" today")
            || key.ends_with(" stories")
            || key.ends_with(" articles")
            || key.ends_with(" posts"))
    {
        return Some(Furniture::Related);
    }
    None
}

/// Phrases that mark a whole line as site furniture wherever they occur in a short line
/// (matched as substrings of the lowercased line). Grouped by what they are.
pub const FURNITURE_PHRASES: &[&str] = &[
    "all rights reserved",
    "copyright ©",
    "©",
    "cookie",
    "cookies",
    "privacy policy",
    "terms of use",
    "terms of service",
    "terms and conditions",
    "sign in",
    "sign up",
    "log in",
    "login",
    "register",
    "subscribe",
    "subscription",
    "newsletter",
    "newsletters",
    "subscribers",
    "unsubscribe",
    "follow us",
    "share this",
    "share on",
    "click here",
    "tap here",
    "advertisement",
    "sponsored",
    "advertise",
    "skip to",
    "jump to",
    "back to top",
    "scroll to top",
    "enable javascript",
    "your browser",
    "download the app",
    "app store",
    "google play",
    "play store",
    "read more",
    "continue reading",
    "load more",
    "show more",
    "view all",
    "see all",
    "please enter",
    "required fields",
    "your email",
    "email address",
    "save my name",
    "notify me",
    "posted in",
    "filed under",
    "tagged",
    "photo credit",
    "image credit",
    "image source",
    "getty images",
    "(photo",
    "photo:",
    "photograph:",
    "source link",
    "related:",
    "read also",
    "see also",
    "also read",
    "recommended",
    "trending",
    "most popular",
    "hours ago",
    "minutes ago",
    "days ago",
    "hour ago",
    "minute ago",
    "day ago",
    "weeks ago",
    "months ago",
    "min read",
    "click to tweet",
    "javascript",
    "names in this article",
    "image copyright",
    "image caption",
    "media caption",
    "tweet this",
    "minute read",
    "mins read",
    // de, fr, es, it, pt, ru, nl, pl
    "alle rechte vorbehalten",
    "datenschutz",
    "impressum",
    "anmelden",
    "abonnieren",
    "tous droits réservés",
    "mentions légales",
    "se connecter",
    "s'abonner",
    "todos los derechos reservados",
    "iniciar sesión",
    "suscríbete",
    "tutti i diritti riservati",
    "accedi",
    "iscriviti",
    "todos os direitos reservados",
    "entrar",
    "все права защищены",
    "подписаться",
    "войти",
    "alle rechten voorbehouden",
    "inloggen",
    "wszelkie prawa zastrzeżone",
    "zaloguj",
];

/// Tag of [`FURNITURE_PHRASES`] in [`PHRASES`].
pub const FURNITURE_TAG: u8 = 1;
/// Tag of [`PROMO_PROMPTS`] in [`PHRASES`].
pub const PROMO_TAG: u8 = 2;

/// Furniture phrases and promotion prompts in one set, so one scan of a line finds both.
static PHRASES: LazyLock<PhraseSet> = LazyLock::new(|| {
    PhraseSet::new(&[
        (FURNITURE_PHRASES, FURNITURE_TAG),
        (PROMO_PROMPTS, PROMO_TAG),
    ])
});

/// Which phrase lists ([`FURNITURE_TAG`], [`PROMO_TAG`]) have a phrase in the line whose
/// [`heading_key`] is `key`.
#[cfg(test)]
pub fn phrase_tags(key: &str) -> u8 {
    PHRASES.tags(key, FURNITURE_TAG | PROMO_TAG)
}

/// Whether a line holds a furniture phrase; `key` is its [`heading_key`].
#[cfg(test)]
pub fn has_furniture_phrase(key: &str, text: &str) -> bool {
    text.contains('©') || phrase_tags(key) & FURNITURE_TAG != 0
}

/// Sentences that sell the site rather than tell the story (newsletter, app and follow
/// prompts), matched as word runs.
pub const PROMO_PROMPTS: &[&str] = &[
    "subscribe to our",
    "subscribe to the",
    "sign up for our",
    "sign up to our",
    "sign up for the",
    "our newsletter",
    "download our app",
    "download the app",
    "follow us on",
    "follow him on",
    "follow her on",
    "follow them on",
    "like us on facebook",
    "click here to",
    "newsletter abonnieren",
    "abonnez vous",
    "suscríbete a",
    "iscriviti alla",
    "assine a nossa",
    "подпишитесь на",
];

/// Whether a line holds a promotion prompt; `key` is its [`heading_key`].
#[cfg(test)]
pub fn has_promo_prompt(key: &str) -> bool {
    phrase_tags(key) & PROMO_TAG != 0
}

/// Short interface words that are furniture when they stand alone on a line (share bars,
/// menus, widgets). Matched on the heading key.
pub const UI_WORDS: &[&str] = &[
    "home",
    "menu",
    "search",
    "share",
    "tweet",
    "pin",
    "email",
    "e mail",
    "print",
    "facebook",
    "twitter",
    "linkedin",
    "reddit",
    "whatsapp",
    "pinterest",
    "instagram",
    "youtube",
    "telegram",
    "tumblr",
    "flipboard",
    "rss",
    "copy link",
    "copy",
    "link",
    "comment",
    "comments",
    "reply",
    "like",
    "close",
    "open",
    "next",
    "previous",
    "prev",
    "more",
    "back",
    "top",
    "advertisement",
    "ad",
    "ads",
    "sponsored",
    "loading",
    "video",
    "photo",
    "photos",
    "image",
    "gallery",
    "listen",
    "save",
    "follow",
    "subscribe",
    "sign in",
    "log in",
    "login",
    "logout",
    "register",
    "logo",
    "advert",
    "anzeige",
    "werbung",
    "publicité",
    "publicidad",
    "pubblicità",
    "publicidade",
    "reklama",
    "реклама",
    "advertentie",
    "фото",
    "видео",
    "foto",
    "toggle navigation",
    "skip to content",
    "skip to main content",
    "source link",
    "see more",
    "read more",
    "show more",
    "view more",
    "load more",
    "continue reading",
    "click here",
    "x",
];

static UI_SET: LazyLock<FastSet<&'static str>> =
    LazyLock::new(|| UI_WORDS.iter().copied().collect());

/// [`UI_WORDS`] by first byte, last byte and length ([`WordFilter`]): other keys are not looked
/// up (a hash lookup per line was mispredicted in its probing).
static UI_FILTER: LazyLock<WordFilter> = LazyLock::new(|| WordFilter::of(UI_WORDS.iter().copied()));

/// Whether a line's heading key is a lone interface word ("Share", "Tweet", "Print").
pub fn is_ui_word(key: &str) -> bool {
    UI_FILTER.may_contain(key.as_bytes()) && UI_SET.contains(key)
}

/// Site-inserted callouts and reader prompts (line prefixes on the lowercased line).
pub const CALLOUT_PREFIXES: &[&str] = &[
    "did you know?",
    "did you know:",
    "pro tip:",
    "pro tip -",
    "quick tip:",
    "tip:",
    "fun fact:",
    "share your thoughts",
    "what do you think",
    "let us know",
    "tell us what you think",
    "tell us in the comments",
    "join the conversation",
    "stay informed",
    "stay tuned",
    "stay up to date",
    "don't forget to",
    "don’t forget to",
    "follow us",
    "like us on",
    "subscribe to",
    "sign up for",
    "click here",
    "read more:",
    "read also:",
    "also read:",
    "related:",
    "see also:",
    "watch:",
    "watch the video",
    "source link",
    "source:",
    "image:",
    "photo:",
    "credit:",
    "(photo",
    "wusstest du",
    "wussten sie",
    "le saviez-vous",
    "¿sabías que",
    "sabías que",
    "lo sapevi",
    "você sabia",
    "знаете ли вы",
    "wist je dat",
    "czy wiesz",
    "lesen sie auch:",
    "lire aussi :",
    "lire aussi:",
    "à lire aussi",
    "lee también:",
    "leggi anche:",
    "leia também:",
    "читайте также:",
];

static CALLOUT_TABLE: LazyLock<PrefixTable<()>> =
    LazyLock::new(|| PrefixTable::new(CALLOUT_PREFIXES.iter().map(|p| (*p, ()))));

/// Whether a lowercased line starts with a callout or prompt prefix.
pub fn has_callout_prefix(lower: &str) -> bool {
    CALLOUT_TABLE.find(lower).is_some()
}

static HEADING_PREFIX_TABLE: LazyLock<PrefixTable<Furniture>> =
    LazyLock::new(|| PrefixTable::new(HEADING_PREFIXES.iter().copied()));

static STOP_WORDS: LazyLock<FastSet<&'static [u8]>> = LazyLock::new(|| {
    const LISTS: &[&str] = &[
        // en
        "the a an and or but of to in on at for with from by as is are was were be been \
         being have has had do does did it its this that these those he she they we you i \
         his her their our your my not no so if than then there which who whom what when \
         where how will would can could should may might must also into about over after \
         before more most other some such only just very",
        // de
        "der die das den dem des ein eine einen einem einer eines und oder aber nicht ist \
         sind war waren wird werden hat haben hatte mit von zu zum zur auf für im in an bei \
         aus nach über unter auch sich er sie es wir ihr ich dass wie als noch nur schon \
         so wenn man dann doch",
        // fr
        "le la les un une des du de et ou mais est sont était été être a ont avait avec pour \
         par sur dans en au aux ce cette ces il elle ils elles nous vous je qui que quoi dont \
         où ne pas plus se sa son ses leur leurs comme aussi tout très",
        // es
        "el la los las un una unos unas y o pero es son era fue ser ha han había con para \
         por sobre en al del de lo que se su sus como más muy también este esta estos estas \
         ese esa él ella ellos nosotros pero sin entre cuando donde",
        // it
        "il lo la i gli le un uno una e o ma è sono era stato essere ha hanno aveva con per \
         da su in al allo alla ai agli alle del dello della dei degli delle di che chi non \
         si come più anche questo questa quello quella nel nella sul sulla",
        // pt
        "o a os as um uma uns umas e ou mas é são era foi ser tem têm tinha com para por \
         sobre em no na nos nas do da dos das de que se seu sua seus suas como mais muito \
         também este esta isso não ao aos pelo pela",
        // ru
        "и в во не что он она оно они на я с со как а то все всё так его ее её но да ты к \
         у же вы за бы по только мне было вот от меня еще ещё нет о из ему теперь когда \
         даже ну ли если уже или быть был была были до вас нибудь опять уж вам ведь там \
         потом себя ничего ей может это этот эта эти также который которые которая для при",
        // nl
        "de het een en of maar is zijn was waren wordt worden heeft hebben had met van te \
         op voor in aan bij uit naar over onder ook zich hij zij ze wij jij ik dat die dit \
         deze als nog niet geen wel er om door tot",
        // pl
        "i w we z ze na do o od po za to ten ta te tego tej jest są był była było były być \
         się nie że jak ale lub oraz a dla przez przy także też który która które już tylko \
         jego jej ich co czy",
    ];
    LISTS
        .iter()
        .flat_map(|l| l.split_whitespace())
        .map(str::as_bytes)
        .collect()
});

/// A word of up to 16 bytes as two little-endian integers, zero padded, so that comparing it
/// with a stop word is two integer comparisons rather than a `memcmp` call.
fn pack16(word: &[u8]) -> Option<(u64, u64)> {
    if word.len() > 16 {
        return None;
    }
    let mut buf = [0u8; 16];
    for (k, b) in word.iter().enumerate() {
        buf[k] = *b;
    }
    Some(packed_prefix(&buf, word.len()))
}

/// The first `len` (at most 16) bytes of `buf` as two little-endian integers, the bytes past
/// `len` masked to zero: two fixed-size loads, no loop over the bytes.
fn packed_prefix(buf: &[u8; 16], len: usize) -> (u64, u64) {
    let mut lo_bytes = [0u8; 8];
    let mut hi_bytes = [0u8; 8];
    lo_bytes.copy_from_slice(&buf[..8]);
    hi_bytes.copy_from_slice(&buf[8..]);
    // The low `n` bytes (n at most 8) set, without a branch on `n`.
    let mask = |n: usize| -> u64 { ((1u128 << (8 * n.min(8))) - 1) as u64 };
    (
        u64::from_le_bytes(lo_bytes) & mask(len),
        u64::from_le_bytes(hi_bytes) & mask(len.saturating_sub(8)),
    )
}

/// The stop words of up to 16 bytes, packed, in an open-addressing table a quarter full, and a
/// 4096-bit filter of them. The table (32 KB) does not stay in the first-level cache while lines
/// stream through it, and a lookup of a word that is not a stop word touched a cold slot;
/// the filter (512 bytes) stays cached and turns most of those away. Stop words themselves are
/// few and frequent, so their slots stay cached. (A list per first byte and length before this
/// was scanned in a loop whose exit the processor mispredicted, behind a 100 KB header array.)
struct StopTable {
    slots: Vec<(u64, u64)>,
    filter: [u64; 64],
}

const STOP_TABLE_BITS: u32 = 11;

fn stop_hash(p: (u64, u64)) -> u64 {
    (p.0 ^ p.1.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

fn stop_slot(h: u64) -> usize {
    (h >> (64 - STOP_TABLE_BITS)) as usize
}

/// The filter bit of a hash: 12 bits below the slot bits.
fn stop_filter_bit(h: u64) -> (usize, u64) {
    let bit = (h >> (64 - STOP_TABLE_BITS - 12)) & 4095;
    ((bit >> 6) as usize, 1u64 << (bit & 63))
}

impl StopTable {
    fn contains(&self, p: (u64, u64)) -> bool {
        let h = stop_hash(p);
        let (word, bit) = stop_filter_bit(h);
        if self.filter.get(word).is_none_or(|w| w & bit == 0) {
            return false;
        }
        let mask = self.slots.len() - 1;
        let mut k = stop_slot(h);
        loop {
            let Some(&e) = self.slots.get(k) else {
                return false;
            };
            if e == p {
                return true;
            }
            // (0, 0) is an empty slot: no word packs to it.
            if e == (0, 0) {
                return false;
            }
            k = (k + 1) & mask;
        }
    }
}

static STOP_TABLE: LazyLock<StopTable> = LazyLock::new(|| {
    let mut slots = vec![(0u64, 0u64); 1 << STOP_TABLE_BITS];
    let mut filter = [0u64; 64];
    let mask = slots.len() - 1;
    for w in STOP_WORDS.iter() {
        let Some(p) = pack16(w) else { continue };
        if p == (0, 0) {
            continue;
        }
        let h = stop_hash(p);
        let (word, bit) = stop_filter_bit(h);
        filter[word] |= bit;
        let mut k = stop_slot(h);
        while slots[k] != (0, 0) && slots[k] != p {
            k = (k + 1) & mask;
        }
        slots[k] = p;
    }
    StopTable { slots, filter }
});

/// Whether the lowercased word in the first `len` bytes of `buf` (a word buffer) is a stop
/// word; the buffer's first 16 bytes are read at once, whatever `len`.
pub fn is_stop_word_in(buf: &[u8], len: usize) -> bool {
    let Some(word) = buf.get(..len) else {
        return false;
    };
    if word.is_empty() {
        return false;
    }
    if len > 16 {
        // Longer stop words (some Cyrillic ones) are looked up in the set.
        return STOP_WORDS.contains(word);
    }
    let packed = match buf.get(..16).and_then(|h| <&[u8; 16]>::try_from(h).ok()) {
        Some(head) => Some(packed_prefix(head, len)),
        None => pack16(word),
    };
    packed.is_some_and(|p| STOP_TABLE.contains(p))
}

/// Whether a lowercased word is a function word of one of the covered languages.
#[cfg(test)]
pub fn is_stop_word(lower_word: &str) -> bool {
    is_stop_word_in(lower_word.as_bytes(), lower_word.len())
}

/// A deterministic generator of random test lines (xorshift64, Marsaglia 2003), shared by the
/// randomized tests of this module and of `features`.
#[cfg(test)]
pub(crate) struct TestLines(pub u64);

#[cfg(test)]
impl TestLines {
    /// The next 64 random bits.
    pub fn bits(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n` (at least 1).
    pub fn below(&mut self, n: usize) -> usize {
        (self.bits() % n as u64) as usize
    }

    /// `count` pieces drawn from `pieces`, each after the first preceded by one drawn from
    /// `gaps` (none when `gaps` is empty).
    pub fn line(&mut self, pieces: &[&str], gaps: &[&str], count: usize) -> String {
        let mut line = String::new();
        for k in 0..count {
            if k > 0 && !gaps.is_empty() {
                line.push_str(gaps[self.below(gaps.len())]);
            }
            line.push_str(pieces[self.below(pieces.len())]);
        }
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_numbers_case_and_punctuation() {
        assert_eq!(heading_key("Top 5 This Week"), "top this week");
        assert_eq!(heading_key("  12 Comments "), "comments");
        assert_eq!(heading_key("LEAVE A REPLY"), "leave a reply");
        assert_eq!(heading_key("Don’t miss:"), "don t miss");
    }

    #[test]
    fn headings_in_several_languages() {
        for (line, want) in [
            ("Related Articles", Furniture::Related),
            ("Top 5 This Week", Furniture::Related),
            ("Discover more from The Weekly Planet", Furniture::Promo),
            ("LEAVE A REPLY", Furniture::Comments),
            ("Ähnliche Artikel", Furniture::Related),
            ("À lire aussi", Furniture::Related),
            ("Artículos relacionados", Furniture::Related),
            ("Leggi anche", Furniture::Related),
            ("Leia também", Furniture::Related),
            ("Читайте также", Furniture::Related),
            ("Lees ook", Furniture::Related),
            ("Czytaj także", Furniture::Related),
            ("Table of Contents", Furniture::Contents),
        ] {
            let key = heading_key(line);
            let words = line.split_whitespace().count();
            assert_eq!(furniture_heading(&key, words), Some(want), "{line}");
        }
        assert_eq!(
            furniture_heading(&heading_key("The council voted on the bridge"), 6),
            None
        );
    }

    #[test]
    fn phrases_match_whole_word_runs() {
        assert!(has_furniture_phrase(
            &heading_key("Sign In | Register"),
            "Sign In | Register"
        ));
        assert!(has_furniture_phrase(
            &heading_key("3 hours ago"),
            "3 hours ago"
        ));
        assert!(has_furniture_phrase("x", "© 2019 Example"));
        assert!(!has_furniture_phrase(
            &heading_key("Designing a bridge"),
            "Designing a bridge"
        ));
        assert!(has_promo_prompt(&heading_key(
            "Need more? Subscribe to our newsletter!"
        )));
        assert!(!has_promo_prompt(&heading_key(
            "The council voted on the bridge."
        )));
    }

    #[test]
    fn fast_alphabetic_agrees_with_the_standard_library() {
        for c in (0u32..0x3_0000).filter_map(char::from_u32) {
            assert_eq!(is_alpha(c), c.is_alphabetic(), "{c:?} U+{:04X}", c as u32);
            assert_eq!(
                is_word_char(c),
                c == '_' || c.is_alphanumeric(),
                "{c:?} U+{:04X}",
                c as u32
            );
        }
        assert_eq!(heading_key_of_lower("top 5 this week!"), "top this week");
        for line in [
            "Don’t miss:",
            "Ähnliche Artikel — 12 «Читайте также»",
            "東京タワー 2024年",
            "Top ５ this week",
        ] {
            let lower = line.to_lowercase();
            assert_eq!(lowercase(line, &Bump::new()), lower, "{line}");
            assert_eq!(heading_key_of_lower(&lower), heading_key(line), "{line}");
        }
    }

    #[test]
    fn fast_lowercase_agrees_with_the_standard_library() {
        for c in (0u32..0x3_0000).filter_map(char::from_u32) {
            if let Some(l) = lower_char(c) {
                assert_eq!(
                    c.to_lowercase().collect::<String>(),
                    l.to_string(),
                    "U+{:04X}",
                    c as u32
                );
            }
        }
    }

    #[test]
    fn one_pass_key_gives_the_phrase_tags_and_word_bits_of_a_scan() {
        // More words that may start a phrase than the start array holds: the fallback scan.
        let many = "subscribe to ".repeat(20);
        for line in [
            "Subscribe to our newsletter",
            "Follow us on Twitter and sign up for our daily briefing",
            "All rights reserved © 2024",
            "The council voted on the bridge",
            many.trim(),
            "",
        ] {
            let lower = line.to_lowercase();
            let bump = Bump::new();
            let info = key_of_lower(&lower, &bump);
            assert_eq!(info.key, heading_key(line), "{line}");
            assert_eq!(info.phrase_tags, phrase_tags(info.key), "{line}");
            let bits = info
                .key
                .split(' ')
                .filter(|w| !w.is_empty())
                .fold(0, |b, w| b | word_bit(w.as_bytes()[0], w.len()));
            assert_eq!(info.word_bits, bits, "{line}");
        }
    }

    #[test]
    fn plain_word_lines_and_others_get_the_key_tags_and_bits_of_the_definitions() {
        // Lines of plain lowercase words one space apart take the fast path; the pieces below
        // also make lines with digits, punctuation, double spaces and other letters.
        let pieces = [
            "read",
            "more",
            "subscribe",
            "to",
            "our",
            "newsletter",
            "sign",
            "up",
            "for",
            "the",
            "a",
            "related",
            "articles",
            "leave",
            "reply",
            "top",
            "this",
            "week",
            "x",
            "Top",
            "5",
            "week!",
            "é",
            "–",
            ",",
            "",
        ];
        let gaps = [" ", " ", " ", "  ", ", ", "-"];
        let mut rng = TestLines(0x9e37_79b9_7f4a_7c15);
        let mut plain = 0;
        for round in 0..5000 {
            // Short lines, and lines past the 64 bytes the ASCII path reads at once.
            let count = 1 + if round % 2 == 0 {
                rng.below(12)
            } else {
                rng.below(60)
            };
            let line = rng.line(&pieces, &gaps, count);
            let lower = line.to_lowercase();
            plain += usize::from(key_of_plain_words(&lower).is_some());
            let bump = Bump::new();
            let info = key_of_lower(&lower, &bump);
            let key = heading_key(&line);
            assert_eq!(info.key, key, "{line:?}");
            assert_eq!(info.phrase_tags, phrase_tags(&key), "{line:?}");
            let bits = key
                .split(' ')
                .filter(|w| !w.is_empty())
                .fold(0, |b, w| b | word_bit(w.as_bytes()[0], w.len()));
            assert_eq!(info.word_bits, bits, "{line:?}");
        }
        assert!(plain > 200, "{plain} plain lines");
    }

    #[test]
    fn lowercase_agrees_with_the_standard_library_on_mixed_lines() {
        // Pieces that lowercase to themselves, to other characters of the same length, and to
        // longer or shorter ones.
        let pieces = [
            "The",
            "cat",
            "’s",
            "“quoted”",
            "—",
            "é",
            "É",
            "Straße",
            "ПРИВЕТ",
            "мир",
            "東京",
            "İ",
            "K",
            " ",
            "12",
            "ÀÞ",
            "ß",
        ];
        let mut rng = TestLines(0x2545_f491_4f6c_dd1d);
        for _ in 0..5000 {
            let count = 1 + rng.below(12);
            let line = rng.line(&pieces, &[], count);
            assert_eq!(
                lowercase(&line, &Bump::new()),
                line.to_lowercase(),
                "{line:?}"
            );
        }
    }

    #[test]
    fn head16_and_load8_are_the_first_bytes_zero_padded() {
        let text = "abcdefghijklmnopqrstuvwxyzé0123456789";
        for start in 0..4 {
            for end in start..text.len() {
                let Some(s) = text.get(start..end) else {
                    continue;
                };
                let mut want = [0u8; 16];
                for (k, b) in s.bytes().take(16).enumerate() {
                    want[k] = b;
                }
                assert_eq!(head16(s), u128::from_le_bytes(want), "{s:?}");
                let mut first8 = [0u8; 8];
                first8.copy_from_slice(&want[..8]);
                assert_eq!(load8(s.as_bytes()), u64::from_le_bytes(first8), "{s:?}");
            }
        }
    }

    #[test]
    fn prefix_tables_find_the_first_listed_prefix() {
        // Heading prefixes, some longer than the 16 bytes compared at once.
        let table = &*HEADING_PREFIX_TABLE;
        let pieces = [
            "more ",
            "from ",
            "stories ",
            "articles ",
            "m",
            "in ",
            "the site",
            "x",
        ];
        let mut rng = TestLines(0x2545_f491_4f6c_dd1d);
        for _ in 0..20_000 {
            let count = rng.below(5);
            let key = rng.line(&pieces, &[], count);
            let want = HEADING_PREFIXES
                .iter()
                .find(|(p, _)| key.starts_with(p))
                .map(|(_, f)| *f);
            assert_eq!(table.find(&key), want, "{key:?}");
        }
        for (p, f) in HEADING_PREFIXES {
            assert_eq!(table.find(&format!("{p}x")), Some(*f), "{p:?}");
        }
        for p in CALLOUT_PREFIXES {
            assert!(has_callout_prefix(p), "{p:?}");
        }
    }

    #[test]
    fn stop_words_from_a_reused_buffer() {
        let mut buf = [b'x'; 24];
        buf[..3].copy_from_slice(b"the");
        assert!(is_stop_word_in(&buf, 3));
        assert!(!is_stop_word_in(&buf, 4));
        let w = "который".as_bytes();
        buf[..w.len()].copy_from_slice(w);
        assert!(is_stop_word_in(&buf, w.len()));
        assert!(!is_stop_word_in(&buf, 0));
    }

    #[test]
    fn stop_words_cover_languages() {
        for w in [
            "the", "und", "les", "los", "della", "não", "что", "het", "się",
        ] {
            assert!(is_stop_word(w), "{w}");
        }
        assert!(!is_stop_word("bridge"));
    }
}
