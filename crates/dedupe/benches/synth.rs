//! A deterministic generator of synthetic news dumps for dedupe benchmarks and tests: articles
//! of Zipf-distributed made-up words inside per-site templates (header, navigation, footer with
//! a date), of which a share are re-published copies: exact, under another site's template,
//! with 3% or 10% word edits, a paragraph dropped, normalisation noise, or cut to a teaser.
//! Some pages are thin (one short paragraph inside a heavy template).
//!
//! Memory is bounded: copies are made from a ring of recent originals, so documents can be
//! streamed without holding the dump.
#![allow(dead_code)]

use pith_core::Document;

/// SplitMix64 (Steele, Lea and Flood, 2014): small, fast, deterministic.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5851_F42D_4C95_7F2D)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// One generated document with its gold label.
#[derive(Debug, Clone)]
pub struct Item {
    pub doc: Document,
    pub cluster: String,
    pub variant: &'static str,
}

struct Site {
    name: String,
    header: Vec<String>,
    footer: Vec<String>,
}

struct Original {
    cluster: String,
    paras: Vec<String>,
}

/// Streams `n` documents; about `dup_share` of them are copies of earlier ones.
pub struct Generator {
    rng: Rng,
    vocab: Vec<String>,
    cumulative: Vec<f64>,
    sites: Vec<Site>,
    recent: Vec<Original>,
    recent_next: usize,
    made: usize,
    n: usize,
    dup_share: f64,
    thin_share: f64,
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ren", "sa", "tu", "vel", "dor", "an", "is", "qu", "bre", "ti", "on", "mar",
    "el", "so", "pra", "gen", "ul", "ber", "cas", "di", "fo", "har", "jo", "ne", "pi", "ros",
    "tam",
];

impl Generator {
    pub fn new(n: usize, seed: u64, dup_share: f64, thin_share: f64) -> Self {
        let mut rng = Rng::new(seed);
        let mut vocab = Vec::with_capacity(30_000);
        let mut seen = std::collections::HashSet::new();
        while vocab.len() < 30_000 {
            let k = rng.range(1, 4);
            let w: String = (0..k)
                .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
                .collect();
            if seen.insert(w.clone()) {
                vocab.push(w);
            }
        }
        // Zipf(1.0) word frequencies, as in natural text.
        let mut cumulative = Vec::with_capacity(vocab.len());
        let mut total = 0.0;
        for r in 0..vocab.len() {
            total += 1.0 / (r as f64 + 1.0);
            cumulative.push(total);
        }
        let mut g = Generator {
            rng,
            vocab,
            cumulative,
            sites: Vec::new(),
            recent: Vec::new(),
            recent_next: 0,
            made: 0,
            n,
            dup_share,
            thin_share,
        };
        for s in 0..40 {
            let name = format!(
                "The {} {}",
                g.title_word(),
                ["Herald", "Times", "Post", "Wire"][s % 4]
            );
            let header = (0..g.rng.range(2, 5))
                .map(|_| g.template_line(&name))
                .collect();
            let footer = (0..g.rng.range(3, 7))
                .map(|_| g.template_line(&name))
                .collect();
            g.sites.push(Site {
                name,
                header,
                footer,
            });
        }
        g
    }

    fn word(&mut self) -> &str {
        let total = *self.cumulative.last().expect("vocabulary is not empty");
        let x = (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * total;
        let i = self
            .cumulative
            .partition_point(|&c| c < x)
            .min(self.vocab.len() - 1);
        &self.vocab[i]
    }

    fn title_word(&mut self) -> String {
        let w = self.vocab[self.rng.below(2000) + 500].clone();
        capitalise(&w)
    }

    fn template_line(&mut self, site: &str) -> String {
        let n = self.rng.range(4, 20);
        let words: Vec<String> = (0..n).map(|_| capitalise(self.word())).collect();
        match self.rng.below(3) {
            0 => format!("{} | {}", site, words.join(" ")),
            1 => format!(
                "Copyright © {} {}. {}",
                self.rng.range(1990, 2024),
                site,
                words.join(" ")
            ),
            _ => words.join(" "),
        }
    }

    fn sentence(&mut self) -> String {
        let n = self.rng.range(6, 24);
        let mut s = String::new();
        for i in 0..n {
            let w = self.word().to_string();
            if i == 0 {
                s.push_str(&capitalise(&w));
            } else {
                s.push(' ');
                if self.rng.chance(0.04) {
                    s.push_str(&format!("{}", self.rng.range(2, 2000)));
                    s.push(' ');
                }
                s.push_str(&w);
                if self.rng.chance(0.05) {
                    s.push(',');
                }
            }
        }
        s.push('.');
        s
    }

    fn paragraph(&mut self) -> String {
        let k = self.rng.range(1, 5);
        (0..k)
            .map(|_| self.sentence())
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn wrap(&mut self, site: usize, body: &[String]) -> String {
        let s = &self.sites[site];
        let mut lines: Vec<String> = s.header.clone();
        lines.push(format!(
            "By {} Staff | Updated {}",
            s.name,
            self.rng.range(1, 28)
        ));
        lines.extend(body.iter().cloned());
        lines.extend(s.footer.iter().cloned());
        lines.join("\n\n")
    }

    fn edit(&mut self, paras: &[String], rate: f64) -> Vec<String> {
        paras
            .iter()
            .map(|p| {
                let mut out: Vec<String> = Vec::new();
                for w in p.split(' ') {
                    if self.rng.chance(rate) {
                        match self.rng.below(3) {
                            0 => out.push(self.word().to_string()),
                            1 => {}
                            _ => {
                                out.push(w.to_string());
                                out.push(self.word().to_string());
                            }
                        }
                    } else {
                        out.push(w.to_string());
                    }
                }
                out.join(" ")
            })
            .collect()
    }

    fn noise(&mut self, text: &str) -> String {
        let mut t = text.replacen(' ', "  ", 40).replace(", ", " , ");
        if self.rng.chance(0.5) {
            t = t.replace("\n\n", "\r\n");
        }
        if self.rng.chance(0.5) {
            t = t.replace(". ", ".\u{a0}");
        }
        if self.rng.chance(0.5) {
            t = t.replace('.', "\u{2026}");
        }
        t
    }
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

impl Iterator for Generator {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        if self.made >= self.n {
            return None;
        }
        let i = self.made;
        self.made += 1;
        let id = format!("g{i:07}");
        let site = self.rng.below(self.sites.len());
        if !self.recent.is_empty() && self.rng.chance(self.dup_share) {
            let k = self.rng.below(self.recent.len());
            let cluster = self.recent[k].cluster.clone();
            let paras = self.recent[k].paras.clone();
            let (variant, text) = match self.rng.below(6) {
                0 => ("exact", self.wrap(site, &paras)),
                1 => ("reboiler", self.wrap(site, &paras)),
                2 => {
                    let e = self.edit(&paras, 0.03);
                    ("edit3", self.wrap(site, &e))
                }
                3 => {
                    let mut p = paras.clone();
                    if p.len() > 2 {
                        let r = self.rng.below(p.len());
                        p.remove(r);
                    }
                    ("para_drop", self.wrap(site, &p))
                }
                4 => {
                    let t = self.wrap(site, &paras);
                    ("normalize", self.noise(&t))
                }
                _ => {
                    let keep = (paras.len() * self.rng.range(25, 50) / 100).max(1);
                    let mut p: Vec<String> = paras[..keep].to_vec();
                    p.push("Read more…".to_string());
                    ("teaser", self.wrap(site, &p))
                }
            };
            return Some(Item {
                doc: Document::new(id, text),
                cluster,
                variant,
            });
        }
        if self.rng.chance(self.thin_share) {
            let p = vec![self.sentence()];
            let text = self.wrap(site, &p);
            return Some(Item {
                doc: Document::new(id.clone(), text),
                cluster: id,
                variant: "thin",
            });
        }
        let np = self.rng.range(3, 12);
        let paras: Vec<String> = (0..np).map(|_| self.paragraph()).collect();
        let text = self.wrap(site, &paras);
        let orig = Original {
            cluster: id.clone(),
            paras,
        };
        if self.recent.len() < 2000 {
            self.recent.push(orig);
        } else {
            self.recent[self.recent_next] = orig;
            self.recent_next = (self.recent_next + 1) % 2000;
        }
        Some(Item {
            doc: Document::new(id.clone(), text),
            cluster: id,
            variant: "original",
        })
    }
}
