//! Language profiles for the sentence splitter, and language identification.
//!
//! A profile holds the word lists the sentence rules consult: abbreviation
//! classes, sentence-starter words and month names. The idea of classing abbreviations (titles
//! that never end a sentence, ones that only mark a number, ambiguous ones decided by the next
//! word) and of a list of common sentence starters comes from pragmatic_segmenter (Kevin Dias)
//! and its Python port pySBD (Nipun Sadvilkar); the lists themselves were written for pith from
//! ordinary dictionary and style-guide knowledge of each language, not copied.
//!
//! Identification reads a bounded sample of a document: its function words decide when one
//! language clearly leads (module `langid`, a hash probe per word), and otherwise the
//! `whatlang` crate (trigram profiles) reads the first few hundred bytes, and a longer prefix
//! when that leaves it unsure. whatlang costs a few hundred microseconds per call whatever the
//! length, more than segmenting a news article, so it is the fallback, not the rule.
//!
//! Adding a language: write a `ProfileSpec` constant like `FR` below (lower-case words,
//! abbreviations without their final period, each in the class that describes how it behaves
//! before the next word; start from `..GENERIC` for the fields that do not apply), add it to
//! `PROFILES` and its code to [`SUPPORTED`], and add a test sentence for each class.

use pith_core::fnv::{FastMap, FastSet};
use std::sync::LazyLock;

use crate::langid::{self, Scan};

type WordSet = FastSet<&'static str>;

/// How a known abbreviation behaves before the next word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AbbrevClass {
    /// Never ends a sentence (`Mr.`, `Dr.`, Russian `г.`).
    Title,
    /// Does not end a sentence before a number (`No. 5`, `p. 55`, `Jan. 3`); otherwise a word.
    Numeric,
    /// Ends a sentence only when the next word is a common sentence starter (`Co.`, `St.`).
    Ambiguous,
}

/// The rules of one language.
pub(crate) struct Profile {
    /// ISO 639-1 code.
    pub code: &'static str,
    /// Abbreviations and their class, one probe per period (a word in two lists takes the
    /// first of title, numeric, ambiguous).
    abbrevs: FastMap<&'static str, AbbrevClass>,
    starters: WordSet,
    months: WordSet,
    /// Words before a number that make `N.` an ordinal (German `am 3. Mai`, `der 2. Weltkrieg`).
    ordinal_context: WordSet,
    /// Whether the language writes ordinals as a number with a period (German, Danish...).
    pub ordinal_period: bool,
    /// `:` ends a sentence (Armenian, where it often stands for the full stop `։`).
    pub colon_ends: bool,
    /// `;` is the question mark (Greek).
    pub semicolon_asks: bool,
    /// Whether a sentence may start in lower case after a long unlisted word (off for
    /// German, whose many long abbreviations such as `einschl.` precede lower-case words).
    pub lowercase_starts: bool,
    /// Verbs of speaking that follow a quotation's capitalised subject (`"Why?" I asked.`).
    speech_verbs: WordSet,
}

impl Profile {
    /// The class of a lower-cased abbreviation candidate, if it is a known abbreviation.
    pub fn abbrev(&self, lower: &str) -> Option<AbbrevClass> {
        self.abbrevs.get(lower).copied()
    }

    pub fn is_starter(&self, lower: &str) -> bool {
        self.starters.contains(lower)
    }

    pub fn is_month(&self, lower: &str) -> bool {
        self.months.contains(lower)
    }

    pub fn is_ordinal_context(&self, lower: &str) -> bool {
        self.ordinal_context.contains(lower)
    }

    pub fn has_speech_verbs(&self) -> bool {
        !self.speech_verbs.is_empty()
    }

    pub fn is_speech_verb(&self, lower: &str) -> bool {
        self.speech_verbs.contains(lower)
    }
}

fn set(words: &'static str) -> WordSet {
    words.split_whitespace().collect()
}

struct ProfileSpec {
    code: &'static str,
    titles: &'static str,
    numeric: &'static str,
    ambiguous: &'static str,
    starters: &'static str,
    months: &'static str,
    ordinal_context: &'static str,
    ordinal_period: bool,
    colon_ends: bool,
    semicolon_asks: bool,
    lowercase_starts: bool,
    speech_verbs: &'static str,
}

impl ProfileSpec {
    fn build(&self) -> Profile {
        let latin = LATIN_SCRIPT.contains(&self.code);
        // Latin-script languages share a few abbreviations (`Dr.`, `Nr.`, `St.`) with the
        // language-neutral profile.
        let with_shared = |own: &'static str, shared: &'static str| {
            let mut words = set(own);
            if latin {
                words.extend(set(shared));
            }
            words
        };
        Profile {
            code: self.code,
            abbrevs: {
                let mut map = FastMap::default();
                // Least binding class first, so that a word in two lists keeps the first of
                // title, numeric, ambiguous.
                for (words, class) in [
                    (
                        with_shared(self.ambiguous, GENERIC.ambiguous),
                        AbbrevClass::Ambiguous,
                    ),
                    (
                        with_shared(self.numeric, GENERIC.numeric),
                        AbbrevClass::Numeric,
                    ),
                    (with_shared(self.titles, GENERIC.titles), AbbrevClass::Title),
                ] {
                    for w in words {
                        map.insert(w, class);
                    }
                }
                map
            },
            // English quotations and loan sentences are common in Latin-script text, and
            // English is the likeliest language of text without a profile of its own.
            starters: {
                let mut words = set(self.starters);
                if latin || self.code.is_empty() {
                    words.extend(set(EN.starters));
                }
                words
            },
            months: set(self.months),
            ordinal_context: set(self.ordinal_context),
            ordinal_period: self.ordinal_period,
            colon_ends: self.colon_ends,
            semicolon_asks: self.semicolon_asks,
            lowercase_starts: self.lowercase_starts,
            speech_verbs: set(self.speech_verbs),
        }
    }
}

// Word lists are lower case; abbreviations without their final period.

/// Languages written in Latin script, which also get the English sentence starters.
const LATIN_SCRIPT: &[&str] = &["de", "es", "fr", "it", "nl", "pl", "da", "sk", "cs", "pt"];

const EN: ProfileSpec = ProfileSpec {
    code: "en",
    titles: "mr mrs ms messrs mmes mme mlle dr drs prof rev revd hon gen lt col maj capt cpt \
             sgt cpl pvt adm cmdr gov sen rep pres supt insp det vs v atty msgr brig pfc spc \
             gens reps sens",
    numeric: "no nos nr n° nº p pp fig figs vol vols ch chap sec sect art arts para paras pt \
              pts eq eqs tab ex op ed eds jan feb mar apr jun jul aug sep sept oct nov dec \
              tel approx ca tbsp tsp",
    ambiguous: "co corp inc ltd llc plc bros dept univ assn assoc jr sr esq al st mt ft ave \
                blvd rd hwy ste apt mfg intl natl govt viz cf est min max misc oz lb lbs yr \
                yrs hr hrs mins sq cos ala ariz ark calif colo conn del fla ga kan ky md mich \
                minn neb nev okla ore pa tenn tex vt va wis wyo",
    starters: "i you he she it we they me my your his her its our their this that these those \
               there here the a an some many most all each every no none one two both either \
               neither but and or so yet however therefore thus also then now still meanwhile \
               instead after before when while if although though because since as in on at \
               for from with by to of during after under over what why how who whom whose \
               where which is are was were do does did can could will would should shall may \
               might must has have had being not nor once today yesterday tomorrow \
               according although despite unlike like another other others several such \
               last next first even only perhaps maybe sometimes often yes indeed moreover \
               furthermore nevertheless nonetheless earlier later until among without \
               through following officials police authorities analysts experts critics \
               residents investors",
    months: "january february march april may june july august september october november \
             december",
    ordinal_context: "",
    ordinal_period: false,
    speech_verbs: "said says asked asks told tells added adds replied replies shouted shouts \
                   cried cries wrote writes explained explains insisted continued recalled \
                   whispered yelled screamed answered exclaimed admitted noted warned declared \
                   stated announced argued demanded wondered laughed sighed muttered called \
                   tweeted posted urged",
    ..GENERIC
};

const DE: ProfileSpec = ProfileSpec {
    code: "de",
    titles: "hr hrn fr frl dr prof med dipl ing mag st",
    numeric: "nr s abs art bd kap tel ziff jh jhd jhdt rn tz anm abb tab fn jan feb mär apr \
              jun jul aug sep sept okt nov dez ca vgl",
    ambiguous: "z b bzw usw ggf evtl inkl exkl bspw zzgl allg kath ev evang geb gest gegr \
                gebr mio mrd tsd dt engl franz ital lat griech sog u o ä a abt amtl ang anh \
                aufl ausg bes betr bzgl chr d h dgl ebd eig einschl entspr erg f ff gem ggü \
                hrsg i insb jew kfm kgl lt max min mind mtl n näml od öff pkt rd reg röm sek \
                std stellv str tägl teilw urspr usf v verh verw vorm wg zb zit zt zz zzt ugs \
                univ inh",
    starters: "der die das den dem des ein eine einen einem einer er sie es ich wir ihr du man \
               aber und oder doch dann da dort hier auch auf in im am an mit nach vor bei für \
               von zu zum zur wie was wer wo warum wenn als ob so nun jetzt dies diese dieser \
               dieses damit deshalb außerdem zudem trotzdem allerdings jedoch mein sein unser \
               kein keine nicht nur noch schon heute gestern morgen bitte seit während weil \
               denn dass alle viele",
    months: "januar jänner februar märz april mai juni juli august september oktober november \
             dezember jan feb mär apr jun jul aug sep sept okt nov dez",
    ordinal_context: "am im vom zum beim bis ab seit der die das dem den des ein eine einem \
                      einen eines einer zur dieser diese diesem dieses jede jeden jedem jeder \
                      jedes an auf für in mit nach um vor zu bei ihr ihre ihrem ihren sein \
                      seine seinem seinen unser unsere",
    ordinal_period: true,
    lowercase_starts: false,
    ..GENERIC
};

const ES: ProfileSpec = ProfileSpec {
    code: "es",
    titles: "sr sra srta sres sras dr dra lic lcda lcdo ing arq prof profa d dña dn gral cnel \
             tte mons pbro fr sto sta excmo excma ilmo ilma ud uds vd vds",
    numeric: "núm nº n° no art arts párr párrf pág págs p pp cap vol tel fig ene feb mar abr \
              may jun jul ago sep sept set oct nov dic lun mié jue vie sáb dom aprox",
    ambiguous: "admón adm avda av c cía coord dcha depto dpto ed ej gob izq izda mt pza s sa \
                sig ss ee uu aa hs min seg hr hrs máx mín vs etc",
    starters: "el la los las un una unos unas él ella ellos ellas yo tú nosotros nosotras \
               usted ustedes este esta esto estos estas ese esa eso esos esas pero y o si no \
               sí en con por para de del desde cuando como donde qué quién cómo cuándo dónde \
               sin sobre también además luego entonces hoy ayer mañana aquí allí ya mi su sus \
               nuestro nuestra hay es era fue son según tras durante al lo le les se",
    months: "enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre \
             noviembre diciembre",
    ordinal_context: "",
    ordinal_period: false,
    ..GENERIC
};

const RU: ProfileSpec = ProfileSpec {
    code: "ru",
    // Russian abbreviations of places, titles and dates are almost never sentence-final
    // before a capital (an `г.` before a name is a town, before a year-led sentence a year),
    // so they are titles here; units and amounts (`5 руб.`), and `д.`/`п.` which also close
    // `и т. д.`/`и т. п.`, end sentences.
    titles: "г гг гр ул просп пер пл наб ш обл пгт пос с дер кв корп стр д-р проф акад доц \
             ст мл им г-н г-жа тов т в вв ок напр ср куб кв.м куб.м",
    numeric: "янв фев февр мар апр авг сент сен окт нояб дек № д п пп тыс млн млрд руб коп \
              долл дол см мм км кг рис табл гл вып",
    ambiguous: "пр др т.д т.п т.е",
    starters: "он она оно они я мы вы ты это этот эта эти тот та то те но и а или в во на с со \
               к по за из от до для при после перед когда если как что где почему кто так \
               также теперь сейчас сегодня вчера завтра здесь там уже ещё еще все всё мой его \
               ее её их наш не нет да однако поэтому потом затем кроме",
    months: "января февраля марта апреля мая июня июля августа сентября октября ноября декабря",
    ordinal_context: "",
    ordinal_period: false,
    ..GENERIC
};

const FR: ProfileSpec = ProfileSpec {
    code: "fr",
    titles: "mm mme mmes mlle mlles dr pr me mgr ste sts vve",
    numeric: "n° nº no nos p pp vol art chap fig tab éd janv févr fév avr juil sept oct nov \
              déc tél env",
    ambiguous: "st cf ex av bd boul cie coll dir réf vs hab min max etc apr cie sté ca \
                suiv",
    starters: "le la les un une des il elle ils elles je tu nous vous on ce cette ces cet \
               mais et ou donc car puis alors ensuite en dans sur pour avec par de du au aux \
               si quand comme où qui que pourquoi comment l c j d qu s n aujourd selon après \
               avant depuis pendant cependant toutefois enfin ainsi mon ma mes son sa ses \
               notre leur leurs",
    months: "janvier février mars avril mai juin juillet août septembre octobre novembre \
             décembre",
    ordinal_context: "",
    ordinal_period: false,
    ..GENERIC
};

const IT: ProfileSpec = ProfileSpec {
    code: "it",
    titles: "sig sigg dott dr prof avv ing arch geom on sen cav mons sen rag",
    numeric: "n nn pag pagg p pp art artt cap vol fig tab tel gen genn feb febbr mar apr \
              mag magg giu lug ag ago sett set ott nov dic lun mer gio ven sab dom",
    ambiguous: "ecc es ca cfr etc ss sgg fax sr sa spa srl sig.ra sig.na dott.ssa prof.ssa \
                min max mln mld c.a p.zza c.so v.le s.p.a s.r.l a.c d.c",
    starters: "il lo la i gli le un uno una io tu lui lei noi voi loro questo questa questi \
               queste quello quella ma e o però quindi poi allora anche in con per da di del \
               della dei su se quando come dove chi che perché non è era sono ci l c un \
               secondo dopo prima oggi ieri domani mio mia suo sua nostro",
    months: "gennaio febbraio marzo aprile maggio giugno luglio agosto settembre ottobre \
             novembre dicembre",
    ordinal_context: "",
    ordinal_period: false,
    ..GENERIC
};

const NL: ProfileSpec = ProfileSpec {
    code: "nl",
    titles: "dhr mevr mw dr drs ir ing mr prof ds st",
    numeric: "nr blz p pp art hfst fig vol tel jan feb mrt apr jun jul aug sep sept okt nov \
              dec",
    ambiguous: "bijv bv enz etc evt ca resp incl excl max min zgn vs afd jl jr sr plm d.w.z \
                e.d o.a m.b.t i.p.v t.o.v m.n",
    starters: "de het een ik jij je hij zij ze wij we jullie u dit dat deze die er daar hier \
               maar en of dus want toen nu ook in op met voor van bij naar uit als wanneer \
               hoe wat wie waarom waar niet geen al alle veel na volgens mijn zijn haar ons \
               hun",
    months: "januari februari maart april mei juni juli augustus september oktober november \
             december",
    ordinal_context: "",
    ordinal_period: false,
    ..GENERIC
};

const PL: ProfileSpec = ProfileSpec {
    code: "pl",
    titles: "p prof dr mgr inż hab doc ks gen płk mjr kpt por św red lek ul al pl os",
    numeric: "nr s str t art ust pkt poz rys tab zob tel godz tys mln mld zł gr sty lut mar \
              kwi maj cze lip sie wrz paź lis gru",
    ambiguous: "itd itp np tj tzn tzw ok wg ww dot jw br ub ubr min r w ds cd cdn m.in \
                j.w p.n.e n.e",
    starters: "w we na z ze do od po za przed przy o u i a ale lecz oraz lub czy to ten ta \
               te tego jak jest był była są nie tak ja ty on ona ono my wy oni one jego jej \
               ich nasz gdy kiedy jeśli że co kto gdzie dlaczego jednak więc także również \
               dziś wczoraj jutro",
    months: "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września \
             października listopada grudnia styczeń luty marzec kwiecień maj czerwiec \
             lipiec sierpień wrzesień październik listopad grudzień",
    ordinal_context: "",
    ordinal_period: true,
    ..GENERIC
};

const DA: ProfileSpec = ProfileSpec {
    code: "da",
    titles: "hr fru frk dr prof skt st pastor",
    numeric: "nr s stk kap art fig tlf bd jan feb mar apr jun jul aug sep sept okt nov dec \
              kl",
    ambiguous: "dvs osv mht iflg ca evt inkl ekskl pga vedr jf jvf mv mfl etc mio mia mill \
                pct kr fx el ang adr afd bl.a f.eks m.m o.l bl f d",
    starters: "den det de en et jeg du han hun vi i man der her men og eller så da nu også \
               på med for af til fra om når hvis som hvad hvem hvor hvorfor ikke alle mange \
               dette denne disse min hans hendes vores efter før under hvordan",
    months: "januar februar marts april maj juni juli august september oktober november \
             december jan feb mar apr jun jul aug sep sept okt nov dec",
    ordinal_context: "den d i på til fra efter før om siden hver sin hans hendes deres vores \
                      min din det et en",
    ordinal_period: true,
    ..GENERIC
};

const SK: ProfileSpec = ProfileSpec {
    code: "sk",
    titles: "p ing mgr bc phdr rndr mudr judr paeddr doc prof dr gen plk mjr npor sv ul nám",
    numeric: "č s str ods odst písm tel obr tab zv roč jan feb mar apr jún júl aug sep okt \
              nov dec",
    ambiguous: "napr atď tzv resp cca min max mil mld tis tj príp vyd zb st r hod t.j a.i \
                a.s s.r.o",
    starters: "v vo na s so z zo do od po za pred pri o u k ku a ale aj alebo že to ten tá \
               toto je bol bola sú nie áno ja ty on ona ono my vy oni jeho jej ich náš keď \
               ak čo kto kde prečo preto však tiež dnes včera zajtra",
    months: "januára februára marca apríla mája júna júla augusta septembra októbra \
             novembra decembra január február marec apríl máj jún júl august september \
             október november december",
    ordinal_context: "v vo na do od po za pred pri o k ku s so z zo",
    ordinal_period: true,
    ..GENERIC
};

const CS: ProfileSpec = ProfileSpec {
    code: "cs",
    titles: "p pí ing mgr bc phdr rndr mudr judr doc prof dr gen plk mjr sv ul nám",
    numeric: "č s str odst písm tel obr tab roč led úno bře dub kvě čvn čvc srp zář říj lis \
              pro",
    ambiguous: "např atd tzv resp cca min max mil mld tis tj popř r hod t.j a.s s.r.o",
    starters: "v ve na s se z ze do od po za před při o u k ke a ale i nebo že to ten ta \
               toto je byl byla jsou ne ano já ty on ona ono my vy oni jeho její jejich náš \
               když pokud co kdo kde proč proto však také dnes včera zítra",
    months: "ledna února března dubna května června července srpna září října listopadu \
             prosince",
    ordinal_context: "v ve na do od po za před při o k ke s se z ze",
    ordinal_period: true,
    ..GENERIC
};

const PT: ProfileSpec = ProfileSpec {
    code: "pt",
    titles: "sr sra srta dr dra prof profa eng arq d exmo exma v",
    numeric: "n nº n° no p pp pág págs art cap vol fig tel jan fev mar abr mai jun jul ago \
              set out nov dez",
    ambiguous: "etc ex av ca cia ltda min máx mín s.a",
    starters: "o a os as um uma uns umas eu tu ele ela nós vós eles elas este esta isto esse \
               essa isso aquele aquela mas e ou se não sim em com por para de do da dos das \
               no na quando como onde que quem porque também além hoje ontem amanhã aqui ali \
               já meu minha seu sua há é era foi são segundo após durante",
    months: "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro \
             dezembro",
    ordinal_context: "",
    ordinal_period: false,
    ..GENERIC
};

const BG: ProfileSpec = ProfileSpec {
    code: "bg",
    // As in Russian, `г.` (year, town) and street abbreviations do not end sentences.
    titles: "г гг гр г-н г-жа г-ца д-р проф доц акад ген арх инж св ул бул обл кв ж.к",
    numeric: "стр с т бр чл ал фиг тел № ян фев мар апр авг септ окт ноем дек",
    ambiguous: "в вж напр др пр млн млрд хил лв ст изд ок сп т.е т.н т.нар и.т.н",
    starters: "той тя то те аз ти ние вие но и а или в във на с със към по за от до при след \
               преди когато кога ако как какво къде защо кой така също сега днес вчера утре \
               тук там вече още всички този тази това тези не да обаче затова",
    months: "януари февруари март април май юни юли август септември октомври ноември \
             декември",
    ordinal_context: "",
    ordinal_period: false,
    ..GENERIC
};

const EL: ProfileSpec = ProfileSpec {
    code: "el",
    titles: "κ κα δρ καθ",
    numeric: "αρ σελ τ κεφ άρθ παρ εικ τηλ ιαν φεβ μαρ απρ ιουν ιουλ αυγ σεπ οκτ νοε δεκ",
    ambiguous: "κλπ δηλ βλ περ χλμ εκατ δισ ευρ π.χ κ.λπ κ.ά μ.χ π.χ",
    starters: "ο η το οι τα ένας μια ένα αυτός αυτή αυτό αυτοί εγώ εσύ εμείς εσείς αλλά και ή \
               όμως στο στη στην στον σε με για από μετά πριν όταν αν πώς τι ποιος πού γιατί \
               δεν μη είναι ήταν σήμερα χθες αύριο εδώ εκεί",
    months: "",
    ordinal_context: "",
    ordinal_period: false,
    colon_ends: false,
    semicolon_asks: true,
    lowercase_starts: true,
    speech_verbs: "",
};

const HY: ProfileSpec = ProfileSpec {
    code: "hy",
    titles: "թ թթ պրոֆ դոկտ պ տիկ ք փ",
    numeric: "",
    ambiguous: "",
    starters: "",
    months: "",
    ordinal_context: "",
    ordinal_period: false,
    colon_ends: true,
    semicolon_asks: false,
    lowercase_starts: true,
    speech_verbs: "",
};

const HI: ProfileSpec = ProfileSpec {
    code: "hi",
    titles: "डॉ श्री श्रीमती सुश्री कु प्रो स्व सं",
    numeric: "पृ क्र",
    ..GENERIC_EMPTY
};

const MR: ProfileSpec = ProfileSpec {
    code: "mr",
    titles: "डॉ श्री श्रीमती सौ कु प्रा स्व",
    numeric: "पृ क्र",
    ..GENERIC_EMPTY
};

const KK: ProfileSpec = ProfileSpec {
    code: "kk",
    // As with Russian `г.`, the year and place abbreviations do not end sentences.
    titles: "ж жж ғ ғғ б.з.д проф акад доц көш қ обл аудан ауд",
    numeric: "млн млрд мың бет тг",
    ambiguous: "т.б т.с.с т.т",
    starters: "ол мен біз сен сіз олар бұл сол осы ал бірақ және сондықтан кейін содан егер \
               қазір бүгін кеше ертең онда мұнда себебі алайда",
    ..GENERIC_EMPTY
};

/// A profile with no lists, for building profiles of non-Latin scripts.
const GENERIC_EMPTY: ProfileSpec = ProfileSpec {
    titles: "",
    numeric: "",
    ..GENERIC
};

/// Rules for a language without its own lists: the language-neutral rules, and the few
/// abbreviations shared by most languages written in Latin script.
const GENERIC: ProfileSpec = ProfileSpec {
    code: "",
    titles: "dr prof mr mrs ms",
    numeric: "nr no n° nº p pp",
    ambiguous: "mt st",
    starters: "",
    months: "",
    ordinal_context: "",
    ordinal_period: false,
    colon_ends: false,
    semicolon_asks: false,
    lowercase_starts: true,
    speech_verbs: "",
};

static PROFILES: LazyLock<Vec<Profile>> = LazyLock::new(|| {
    [
        EN, DE, ES, RU, FR, IT, NL, PL, DA, SK, BG, EL, HY, PT, CS, HI, MR, KK, GENERIC,
    ]
    .iter()
    .map(ProfileSpec::build)
    .collect()
});

/// The profile for an ISO 639-1 code (`en`, `de-AT` and `EN` work too), if pith has one.
pub(crate) fn profile(code: &str) -> Option<&'static Profile> {
    let primary = code.split(['-', '_']).next().unwrap_or_default();
    // ISO 639-3 codes (`deu`, `eng`) name the same languages.
    let primary = if primary.len() == 3 {
        match whatlang::Lang::from_code(primary.to_ascii_lowercase()) {
            Some(lang) => iso639_1(lang),
            None => primary,
        }
    } else {
        primary
    };
    PROFILES
        .iter()
        .find(|p| !p.code.is_empty() && p.code.eq_ignore_ascii_case(primary))
}

/// The language-neutral profile (initials, multi-period abbreviations, numbers, lists).
pub(crate) fn generic() -> &'static Profile {
    PROFILES
        .iter()
        .find(|p| p.code.is_empty())
        .expect("the generic profile is in the table")
}

/// Languages with their own abbreviation lists.
pub const SUPPORTED: &[&str] = &[
    "en", "de", "es", "ru", "fr", "it", "nl", "pl", "da", "sk", "bg", "el", "hy", "pt", "cs", "hi",
    "mr", "kk",
];

/// How much of a document whatlang reads first, and at most: its cost grows with the text,
/// so it reads a prefix, and a longer one only when the short one leaves it unsure.
const DETECT_PREFIXES: [usize; 2] = [600, 3000];

/// A language guess for a text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Detected {
    /// ISO 639-1 code where one exists, else ISO 639-3.
    pub code: &'static str,
    /// Whether the guess is reliable: one language clearly led on function words, or
    /// whatlang judged its guess reliable.
    pub reliable: bool,
    pub confidence: f64,
}

/// Identifies the language of `text` from a bounded sample of it: by function words when one
/// language clearly leads (see `langid`; for a text of fewer than a dozen words, a leader is
/// an unreliable guess), else with whatlang on the first few kilobytes.
pub fn detect_language(text: &str) -> Option<Detected> {
    match langid::scan(text) {
        Scan::Decided(code, lead) => Some(Detected {
            code,
            reliable: true,
            // A lead of a tenth of all words is as clear as texts get.
            confidence: (lead * 10.0).min(1.0),
        }),
        // A text of a few words: whatlang, which costs the same on ten words as on ten
        // thousand, would rarely be sure of it either.
        Scan::Leaning(code) => Some(Detected {
            code,
            reliable: false,
            confidence: 0.0,
        }),
        Scan::OtherScript | Scan::Unsure => detect_with_whatlang(text),
    }
}

/// The language whose function words clearly lead in a sample of `text`, if one does (the
/// fast path of [`detect_language`]).
pub fn detect_by_function_words(text: &str) -> Option<&'static str> {
    match langid::scan(text) {
        Scan::Decided(code, _) => Some(code),
        _ => None,
    }
}

/// whatlang's guess from the first few kilobytes of `text`.
pub fn detect_with_whatlang(text: &str) -> Option<Detected> {
    let mut guess = None;
    for limit in DETECT_PREFIXES {
        let mut cut = text.len().min(limit);
        while !text.is_char_boundary(cut) {
            cut -= 1;
        }
        let head = text.get(..cut).unwrap_or(text);
        guess = whatlang_guess(head);
        if cut == text.len() || guess.is_some_and(|g| g.reliable) {
            break;
        }
    }
    guess
}

/// whatlang's guess from all of `text`, however long (the reference the sampled
/// identification is checked against).
pub fn detect_whole_with_whatlang(text: &str) -> Option<Detected> {
    whatlang_guess(text)
}

fn whatlang_guess(text: &str) -> Option<Detected> {
    whatlang::detect(text).map(|info| Detected {
        code: iso639_1(info.lang()),
        reliable: info.is_reliable(),
        confidence: info.confidence(),
    })
}

/// whatlang names languages by ISO 639-3; documents carry ISO 639-1 where it exists.
fn iso639_1(lang: whatlang::Lang) -> &'static str {
    use whatlang::Lang as L;
    match lang {
        L::Epo => "eo",
        L::Eng => "en",
        L::Rus => "ru",
        L::Cmn => "zh",
        L::Spa => "es",
        L::Por => "pt",
        L::Ita => "it",
        L::Ben => "bn",
        L::Fra => "fr",
        L::Deu => "de",
        L::Ukr => "uk",
        L::Kat => "ka",
        L::Ara => "ar",
        L::Hin => "hi",
        L::Jpn => "ja",
        L::Heb => "he",
        L::Yid => "yi",
        L::Pol => "pl",
        L::Amh => "am",
        L::Jav => "jv",
        L::Kor => "ko",
        L::Nob => "nb",
        L::Dan => "da",
        L::Swe => "sv",
        L::Fin => "fi",
        L::Tur => "tr",
        L::Nld => "nl",
        L::Hun => "hu",
        L::Ces => "cs",
        L::Ell => "el",
        L::Bul => "bg",
        L::Bel => "be",
        L::Mar => "mr",
        L::Kan => "kn",
        L::Ron => "ro",
        L::Slv => "sl",
        L::Hrv => "hr",
        L::Srp => "sr",
        L::Mkd => "mk",
        L::Lit => "lt",
        L::Lav => "lv",
        L::Est => "et",
        L::Tam => "ta",
        L::Vie => "vi",
        L::Urd => "ur",
        L::Tha => "th",
        L::Guj => "gu",
        L::Uzb => "uz",
        L::Pan => "pa",
        L::Aze => "az",
        L::Ind => "id",
        L::Tel => "te",
        L::Pes => "fa",
        L::Mal => "ml",
        L::Ori => "or",
        L::Mya => "my",
        L::Nep => "ne",
        L::Sin => "si",
        L::Khm => "km",
        L::Tuk => "tk",
        L::Aka => "ak",
        L::Zul => "zu",
        L::Sna => "sn",
        L::Afr => "af",
        L::Lat => "la",
        L::Slk => "sk",
        L::Cat => "ca",
        L::Tgl => "tl",
        L::Hye => "hy",
        #[allow(unreachable_patterns)]
        other => other.code(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_resolve_case_and_region_insensitively() {
        assert_eq!(profile("EN").map(|p| p.code), Some("en"));
        assert_eq!(profile("de-AT").map(|p| p.code), Some("de"));
        assert_eq!(profile("deu").map(|p| p.code), Some("de"));
        assert_eq!(profile("RUS").map(|p| p.code), Some("ru"));
        assert!(profile("xx").is_none());
        assert!(profile("").is_none());
    }

    #[test]
    fn detects_long_texts_reliably() {
        let text = "Die Stadtverwaltung hat am Montag angekündigt, dass die Brücke über den \
                    Fluss im kommenden Frühjahr saniert wird. Während der Arbeiten soll der \
                    Verkehr über eine Umleitung geführt werden.";
        let d = detect_language(text).expect("a guess");
        assert_eq!(d.code, "de");
        assert!(d.reliable);
    }

    #[test]
    fn classes_are_distinct() {
        let en = profile("en").expect("english");
        assert_eq!(en.abbrev("mr"), Some(AbbrevClass::Title));
        assert_eq!(en.abbrev("p"), Some(AbbrevClass::Numeric));
        assert_eq!(en.abbrev("co"), Some(AbbrevClass::Ambiguous));
        assert_eq!(en.abbrev("house"), None);
    }
}
