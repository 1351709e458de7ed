//! Behaviour of the dedupe stage on generated dumps (see `benches/synth.rs`): decisions across
//! runs, annotation, teasers, templates, keep policies and bounded memory.

#[path = "../benches/synth.rs"]
mod synth;

use pith_core::{Document, Stage, Verdict};
use pith_dedupe::{Dedupe, DedupeConfig, Keep};

fn dump(n: usize, seed: u64) -> Vec<synth::Item> {
    synth::Generator::new(n, seed, 1.0 / 3.0, 0.05).collect()
}

/// (id, kept, the whole annotation) per document.
fn decisions(verdicts: &[Verdict]) -> Vec<(String, bool, serde_json::Value)> {
    verdicts
        .iter()
        .map(|v| match v {
            Verdict::Keep(d) => (d.id.clone(), true, d.dedupe.clone().expect("annotated")),
            Verdict::Drop(d, r) => {
                assert_eq!(r.stage, "dedupe");
                (d.id.clone(), false, d.dedupe.clone().expect("annotated"))
            }
            Verdict::Reject(r) => panic!("unexpected reject {r:?}"),
        })
        .collect()
}

fn run_batches(stage: &Dedupe, docs: &[Document], batch: usize) -> Vec<Verdict> {
    docs.chunks(batch)
        .flat_map(|c| stage.process_batch(c.to_vec()))
        .collect()
}

#[test]
fn n_sequential_runs_decide_exactly_as_one_run() {
    let items = dump(3000, 11);
    let docs: Vec<Document> = items.iter().map(|i| i.doc.clone()).collect();
    // A small index, so documents are evicted during and across runs too.
    let cfg = DedupeConfig {
        max_docs: 700,
        max_paragraph_counts: 2000,
        ..DedupeConfig::default()
    };
    let one = Dedupe::new(cfg.clone()).expect("valid");
    let whole = decisions(&run_batches(&one, &docs, 1000));
    assert_eq!(one.indexed_docs(), 700);

    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("dedupe.state");
    let cfg = DedupeConfig {
        state_path: Some(state.clone()),
        ..cfg
    };
    let mut pieces = Vec::new();
    let mut start = 0;
    for len in [450, 1200, 1, 900, 449] {
        let stage = Dedupe::new(cfg.clone()).expect("state loads");
        pieces.extend(decisions(&run_batches(
            &stage,
            &docs[start..start + len],
            333,
        )));
        stage.finish().expect("state saves");
        assert!(state.exists());
        start += len;
    }
    assert_eq!(start, docs.len());
    assert_eq!(pieces.len(), whole.len());
    for (a, b) in whole.iter().zip(&pieces) {
        assert_eq!(a, b);
    }
    // The runs did find duplicates (the test is not vacuous).
    assert!(whole.iter().filter(|d| !d.1).count() > 500);
}

#[test]
fn a_later_run_dedupes_against_an_earlier_one_and_bad_state_is_an_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let state = dir.path().join("s.bin");
    let cfg = DedupeConfig {
        state_path: Some(state.clone()),
        ..DedupeConfig::default()
    };
    let text =
        "Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu.\n\nNu xi omicron \
                pi rho sigma tau upsilon phi chi psi omega again and again.";
    let first = Dedupe::new(cfg.clone()).expect("no state yet");
    assert!(matches!(
        first.process(Document::new("a", text)),
        Verdict::Keep(_)
    ));
    first.finish().expect("saves");
    let second = Dedupe::new(cfg.clone()).expect("loads");
    match second.process(Document::new("b", text)) {
        Verdict::Drop(d, r) => {
            assert_eq!(r.reason, "exact_duplicate");
            assert_eq!(d.dedupe.expect("annotated")["dup_of"], "a");
        }
        other => panic!("expected a drop, got {other:?}"),
    }
    // Other shingle settings cannot read this index.
    let other = DedupeConfig {
        shingle_size: 5,
        ..cfg.clone()
    };
    let err = Dedupe::new(other).err().expect("mismatch is an error");
    assert_eq!(err.kind(), pith_core::ErrorKind::State);
    std::fs::write(&state, b"garbage").expect("writable");
    assert!(Dedupe::new(cfg).is_err());
}

#[test]
fn quality_on_a_generated_dump() {
    let items = dump(4000, 5);
    let docs: Vec<Document> = items.iter().map(|i| i.doc.clone()).collect();
    let stage = Dedupe::new(DedupeConfig::default()).expect("valid");
    let out = decisions(&run_batches(&stage, &docs, 1000));
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    for (item, (_, kept, ann)) in items.iter().zip(&out) {
        let is_copy = !matches!(item.variant, "original" | "thin");
        match (is_copy, *kept) {
            (true, false) => tp += 1,
            (false, false) => fp += 1,
            (true, true) => fn_ += 1,
            _ => {}
        }
        if !kept {
            assert!(ann["dup_of"].is_string());
            assert!(ann["similarity"]
                .as_f64()
                .is_some_and(|s| s > 0.0 && s <= 1.0));
        } else {
            assert!(ann["dup_of"].is_null());
        }
    }
    let precision = tp as f64 / (tp + fp) as f64;
    let recall = tp as f64 / (tp + fn_) as f64;
    assert!(precision > 0.97, "precision {precision}");
    assert!(recall > 0.9, "recall {recall}");
}

#[test]
fn annotate_keeps_everything_and_teasers_can_be_switched_off() {
    let items = dump(1500, 3);
    let docs: Vec<Document> = items.iter().map(|i| i.doc.clone()).collect();
    let cfg = DedupeConfig {
        annotate: true,
        ..DedupeConfig::default()
    };
    let out = decisions(&run_batches(&Dedupe::new(cfg).expect("valid"), &docs, 500));
    let verdict_kept = out.iter().all(|d| d.1);
    assert!(verdict_kept, "annotate keeps every document");
    let flagged = |out: &[(String, bool, serde_json::Value)], variant: &str| {
        items
            .iter()
            .zip(out)
            .filter(|(i, _)| i.variant == variant)
            .filter(|(_, d)| d.2["kept"] == false)
            .count()
    };
    let teasers = items.iter().filter(|i| i.variant == "teaser").count();
    assert!(teasers > 20);
    assert!(flagged(&out, "teaser") * 10 >= teasers * 8, "teasers found");
    let cfg = DedupeConfig {
        annotate: true,
        teasers: false,
        ..DedupeConfig::default()
    };
    let off = decisions(&run_batches(&Dedupe::new(cfg).expect("valid"), &docs, 500));
    // Long teasers are still near-duplicates by Jaccard; short ones are kept.
    assert!(flagged(&off, "teaser") < flagged(&out, "teaser"));
    assert!(off.iter().all(|d| d.2["reason"] != "partial_copy"));
}

fn page(site: &str, body: &[&str]) -> String {
    let mut lines = vec![
        format!("{site} | Home News Sport Weather Opinion Culture Travel Newsletters"),
        "Sign up for our morning briefing and get the day's top stories in your inbox".into(),
    ];
    lines.extend(body.iter().map(|s| s.to_string()));
    lines.push(format!(
        "Copyright 2024 {site}. All rights reserved. Terms of use, privacy policy and cookies."
    ));
    lines.push("Most read: council budget, storm warning, cup final, new bridge opens".into());
    lines.join("\n\n")
}

#[test]
fn thin_pages_in_one_template_are_not_merged_and_boilerplate_can_be_stripped() {
    let bodies = [
        "Results for the under-twelve league will appear here after the weekend matches finish.",
        "The gallery for this event is being updated; check back later for more photographs.",
        "Opening hours over the holiday period are listed on the library's own notice board.",
        "Nominations for the volunteer awards close at the end of next month, organisers say.",
        "Road closures on the high street continue until the resurfacing work is complete.",
        "Tickets for the spring concert go on sale on Monday at the town hall box office.",
    ];
    let docs: Vec<Document> = bodies
        .iter()
        .enumerate()
        .map(|(i, b)| Document::new(format!("t{i}"), page("Valley Gazette", &[b])))
        .collect();
    let cfg = DedupeConfig {
        strip_boilerplate: true,
        ..DedupeConfig::default()
    };
    let stage = Dedupe::new(cfg).expect("valid");
    let out = stage.process_batch(docs);
    for v in &out {
        assert!(matches!(v, Verdict::Keep(_)), "thin page merged: {v:?}");
    }
    // After two pages the template lines are boilerplate and are removed from the output.
    let Verdict::Keep(last) = &out[5] else {
        unreachable!()
    };
    assert_eq!(last.text, bodies[5]);
}

#[test]
fn keep_longest_keeps_the_longest_copy_in_a_batch() {
    let long =
        "One paragraph about the harbour plan and its many costs over the coming decade.\n\n\
                Another paragraph on how the council will pay for it with new bonds and grants.\n\n\
                A third paragraph quoting residents who fear the noise and the extra traffic.";
    let short = long.split("\n\n").next().unwrap_or_default().to_string() + "\n\nRead more";
    let docs = vec![
        Document::new("teaser", short.clone()),
        Document::new("full", long),
    ];
    let cfg = DedupeConfig {
        keep: Keep::Longest,
        min_partial_words: 10,
        ..DedupeConfig::default()
    };
    let out = decisions(&Dedupe::new(cfg).expect("valid").process_batch(docs.clone()));
    assert!(!out[0].1 && out[1].1, "{out:?}");
    assert_eq!(out[0].2["dup_of"], "full");
    assert_eq!(out[1].2["reason"], "longest_copy");
    let cfg = DedupeConfig {
        min_partial_words: 10,
        ..DedupeConfig::default()
    };
    let out = decisions(&Dedupe::new(cfg).expect("valid").process_batch(docs));
    assert!(out[0].1 && !out[1].1, "first seen wins by default: {out:?}");
    let reason = out[1].2["reason"].as_str().unwrap_or_default();
    assert!(
        matches!(reason, "partial_copy" | "near_duplicate"),
        "{reason}"
    );
}

#[test]
fn per_site_counting_keeps_one_sites_lines_apart_from_anothers() {
    // The same line on two pages of site A: boilerplate there, but not on site B yet.
    let line = "Subscribe today and read every story from our newsroom for one dollar a week";
    let mk = |id: &str, url: &str, body: &str| {
        let mut d = Document::new(id, format!("{line}\n\n{body}"));
        d.url = Some(url.to_string());
        d
    };
    let docs = vec![
        mk(
            "a1",
            "https://a.example/1",
            "Engineers inspected the river flood defences on Tuesday after heavy rain raised \
             water levels across the valley.\n\nThe council said sandbags would be handed out \
             at the leisure centre, and residents near the old mill were told to move cars to \
             higher ground before the weekend.\n\nA further report is due in March.",
        ),
        mk(
            "a2",
            "https://www.a.example/2",
            "Pupils moved into the new school building this week, two years after the \
             original plans were approved.\n\nParents praised the larger playground and the \
             library, while teachers said the science labs were the best equipped in the \
             county.\n\nThe old site will be sold for housing.",
        ),
        mk(
            "b1",
            "https://b.example/1",
            "Organisers have changed the marathon route for this spring, moving the finish \
             line from the harbour to the park.\n\nRunners will now pass the cathedral and \
             the university, and several roads will close from six in the morning until \
             mid-afternoon.\n\nEntries open on Friday.",
        ),
    ];
    for per_site in [true, false] {
        let cfg = DedupeConfig {
            boilerplate_per_site: per_site,
            strip_boilerplate: true,
            ..DedupeConfig::default()
        };
        let out = Dedupe::new(cfg).expect("valid").process_batch(docs.clone());
        let Verdict::Keep(b1) = &out[2] else {
            panic!("b1 kept: {:?}", out[2])
        };
        // Per site, B has seen the line once: it stays. Globally, it is boilerplate by now.
        assert_eq!(b1.text.contains(line), per_site, "per_site = {per_site}");
        let Verdict::Keep(a2) = &out[1] else {
            panic!("a2 kept: {:?}", out[1])
        };
        assert!(
            a2.text.contains(line),
            "a2 saw the line once before it, in a1"
        );
    }
}

#[test]
fn stories_that_share_half_their_text_are_not_merged() {
    let shared = [
        "The regional transport authority confirmed on Monday that the northern rail line will \
         close for six weeks this summer while engineers replace two ageing viaducts.",
        "Replacement buses will run every twenty minutes between the affected stations, and \
         season ticket holders will be offered a partial refund for the period of the closure.",
        "Officials said the work had been delayed twice already because of funding disputes \
         between the authority and the national government over the last three years.",
    ];
    let first_tail = [
        "Local businesses near the stations fear a drop in trade, and the chamber of commerce \
         has asked for a support scheme similar to the one offered during the flood repairs.",
        "Commuters interviewed at the central station were mostly resigned, though several said \
         the bus journey would add almost an hour to their daily travel to the city.",
        "The authority will publish a detailed timetable for the replacement service next week \
         on its website and at every staffed station along the line.",
    ];
    let second_tail = [
        "Environmental groups welcomed the decision to keep the original stone piers, which they \
         said were home to a protected colony of bats that roost there every autumn.",
        "A heritage survey carried out last year found that the viaducts were among the oldest \
         of their kind still in daily use anywhere in the country.",
        "Contractors have promised to limit night work to two evenings a week after residents \
         complained about noise during preparatory drilling in the spring.",
    ];
    let text = |tail: &[&str]| {
        shared
            .iter()
            .chain(tail)
            .copied()
            .collect::<Vec<_>>()
            .join("\n\n")
    };
    let docs = vec![
        Document::new("first", text(&first_tail)),
        Document::new("second", text(&second_tail)),
    ];
    let out = decisions(
        &Dedupe::new(DedupeConfig::default())
            .expect("valid")
            .process_batch(docs),
    );
    assert!(out.iter().all(|d| d.1), "both stories kept: {out:?}");
}
