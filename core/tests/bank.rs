//! The built-in bank: every question of the four seed articles maps to a bank
//! entry, and every entry meets the quality bar.

use std::collections::{BTreeMap, BTreeSet};

use panelist_core::bank::{self, Kind};
use panelist_core::Store;

const SEED_LIST: &str = include_str!("data/seed_questions.tsv");

struct SeedQuestion<'a> {
    file: &'a str,
    item: u32,
    text: &'a str,
    /// The bank entries that ask this question (one or more).
    bank_ids: Vec<&'a str>,
}

fn seed_questions() -> Vec<SeedQuestion<'static>> {
    SEED_LIST
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f.len(), 4, "bad fixture line {l:?}");
            SeedQuestion {
                file: f[0],
                item: f[1].parse().unwrap(),
                text: f[2],
                bank_ids: f[3].split(',').map(str::trim).collect(),
            }
        })
        .collect()
}

#[test]
fn the_fixture_lists_every_question_of_each_seed_article() {
    // Counted by hand from the articles: 000 has 24 question/answer pairs,
    // 001 has 15 "candidates should mention" passages, 002 has 10 numbered
    // scenarios, 003 has a numbered list of 30 questions.
    let mut per_file: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for q in seed_questions() {
        per_file.entry(q.file).or_default().push(q.item);
    }
    let expected = [
        ("000_962b1fe6c4a10497.txt", 24),
        ("001_f22e8b8dc4cefb62.txt", 15),
        ("002_b90b79637f415673.txt", 10),
        ("003_1e8e8e202e200529.txt", 30),
    ];
    assert_eq!(per_file.len(), expected.len());
    for (file, n) in expected {
        let items = &per_file[file];
        assert_eq!(items, &(1..=n).collect::<Vec<u32>>(), "items of {file}");
    }
}

#[test]
fn every_seed_question_maps_to_bank_entries_that_cite_its_article() {
    let bank = bank::builtin_bank().unwrap();
    let by_id: BTreeMap<&str, &bank::Question> =
        bank.questions.iter().map(|q| (q.id.as_str(), q)).collect();
    for s in seed_questions() {
        assert!(
            !s.bank_ids.is_empty() && s.bank_ids.iter().all(|id| !id.is_empty()),
            "{} #{} ({}) maps to no bank entry",
            s.file,
            s.item,
            s.text
        );
        let distinct: BTreeSet<&str> = s.bank_ids.iter().copied().collect();
        assert_eq!(
            distinct.len(),
            s.bank_ids.len(),
            "{} #{} lists an entry twice",
            s.file,
            s.item
        );
        for id in &s.bank_ids {
            let q = by_id.get(id).unwrap_or_else(|| {
                panic!(
                    "{} #{} ({}) maps to {:?}, which is not in the bank",
                    s.file, s.item, s.text, id
                )
            });
            assert!(
                q.sources.iter().any(|src| src == s.file),
                "{} does not cite {} (for #{}: {})",
                q.id,
                s.file,
                s.item,
                s.text
            );
        }
    }
}

#[test]
fn every_bank_entry_comes_from_the_seeds_and_cites_only_articles_that_ask_it() {
    let bank = bank::builtin_bank().unwrap();
    let mut cited: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for s in seed_questions() {
        for id in &s.bank_ids {
            cited.entry(id).or_default().insert(s.file);
        }
    }
    for q in &bank.questions {
        let files = cited
            .get(q.id.as_str())
            .unwrap_or_else(|| panic!("{} is not asked by any seed article", q.id));
        let sources: BTreeSet<&str> = q.sources.iter().map(String::as_str).collect();
        assert_eq!(&sources, files, "sources of {}", q.id);
    }
}

#[test]
fn every_entry_meets_the_quality_bar() {
    let bank = bank::builtin_bank().unwrap();
    let competencies: BTreeSet<&str> = bank.competencies.iter().map(|c| c.id.as_str()).collect();
    assert!(competencies.len() >= 8);
    for q in &bank.questions {
        assert!(q.rubric.levels.len() >= 3, "{}: fewer than 3 levels", q.id);
        let anchors: BTreeSet<&str> = q.rubric.levels.iter().map(|l| l.anchor.trim()).collect();
        assert_eq!(
            anchors.len(),
            q.rubric.levels.len(),
            "{}: anchors not distinct",
            q.id
        );
        for l in &q.rubric.levels {
            assert!(
                l.anchor.len() >= 40,
                "{} level {}: anchor too thin",
                q.id,
                l.value
            );
            assert!(!l.label.is_empty());
        }
        assert!(q.look_fors.len() >= 2, "{}: fewer than 2 look-fors", q.id);
        assert!(!q.follow_ups.is_empty(), "{}: no follow-up", q.id);
        assert!(competencies.contains(q.competency.as_str()), "{}", q.id);
        assert!(
            q.minutes >= 3 && q.minutes <= 30,
            "{}: budget {}",
            q.id,
            q.minutes
        );
        assert!(
            q.prompt.ends_with('?') || q.prompt.ends_with('.'),
            "{}: prompt {:?}",
            q.id,
            q.prompt
        );
    }
}

/// Reads a top-level anchor of the form "Level 3 plus at least two of: a; b; c."
/// and returns how many extras it asks for and how many it lists.
fn extras_required(below: i64, anchor: &str) -> Result<(usize, usize), String> {
    let prefix = format!("Level {below} plus at least ");
    let rest = anchor
        .strip_prefix(&prefix)
        .ok_or_else(|| format!("does not start with {prefix:?}"))?;
    let (count, list) = rest
        .split_once(" of: ")
        .ok_or("no \" of: \" after the count")?;
    const WORDS: [&str; 6] = ["one", "two", "three", "four", "five", "six"];
    let n = match WORDS.iter().position(|w| *w == count) {
        Some(i) => i + 1,
        None => count
            .parse::<usize>()
            .map_err(|_| format!("{count:?} is not a count"))?,
    };
    let list = list
        .strip_suffix('.')
        .ok_or("does not end with a full stop")?;
    let items: Vec<&str> = list.split("; ").collect();
    if items.iter().any(|i| i.trim().is_empty()) {
        return Err("an empty item in the list".into());
    }
    Ok((n, items.len()))
}

#[test]
fn the_count_parser_refuses_an_open_ended_list() {
    assert_eq!(
        extras_required(3, "Level 3 plus at least two of: a; b; c."),
        Ok((2, 3))
    );
    assert_eq!(
        extras_required(3, "Level 3 plus at least 2 of: a; b."),
        Ok((2, 2))
    );
    assert!(extras_required(3, "Everything in level 3 plus a, b and c.").is_err());
    assert!(extras_required(3, "Level 3 plus a; b; c.").is_err());
    assert!(extras_required(3, "Level 3 plus at least some of: a; b.").is_err());
    assert!(extras_required(2, "Level 3 plus at least one of: a; b.").is_err());
}

#[test]
fn every_top_level_anchor_states_how_many_extras_it_needs() {
    let bank = bank::builtin_bank().unwrap();
    for q in &bank.questions {
        let levels = &q.rubric.levels;
        let (below, top) = (&levels[levels.len() - 2], &levels[levels.len() - 1]);
        let (n, listed) = extras_required(below.value, &top.anchor)
            .unwrap_or_else(|e| panic!("{} level {}: {e}: {:?}", q.id, top.value, top.anchor));
        assert!(n >= 1, "{}: asks for no extras", q.id);
        assert!(
            listed > n,
            "{}: asks for {n} of {listed} extras; list more than it requires",
            q.id
        );
    }
}

#[test]
fn every_rubric_uses_the_scale_of_the_bank_file() {
    // The built-in bank declares the 1-4 scale once; every question scores on
    // all of it and takes its labels from it.
    let file = bank::parse_bank(bank::BUILTIN_BANK_JSON.as_bytes()).unwrap();
    let scale = file.scale.expect("the built-in bank declares its scale");
    let values: Vec<i64> = scale.iter().map(|l| l.value).collect();
    assert_eq!(values, [1, 2, 3, 4]);
    for q in &file.questions {
        let mut levels: Vec<i64> = q.levels.iter().map(|l| l.value).collect();
        levels.sort();
        assert_eq!(levels, values, "{}: levels", q.id);
        assert!(
            q.levels.iter().all(|l| l.label.is_none()),
            "{}: a level overrides the scale's label",
            q.id
        );
    }
}

/// Each look-for and follow-up takes about a minute to listen for or ask, so
/// a question's budget must leave room for all of them.
fn probes_fit(minutes: u32, look_fors: usize, follow_ups: usize) -> bool {
    look_fors + follow_ups <= minutes as usize + 1
}

#[test]
fn every_time_budget_fits_its_look_fors_and_follow_ups() {
    assert!(probes_fit(5, 4, 2));
    assert!(
        !probes_fit(5, 5, 3),
        "a five-minute question with eight probes"
    );
    assert!(
        !probes_fit(6, 6, 4),
        "a six-minute question with ten probes"
    );
    let bank = bank::builtin_bank().unwrap();
    for q in &bank.questions {
        assert!(
            probes_fit(q.minutes, q.look_fors.len(), q.follow_ups.len()),
            "{}: {} look-fors and {} follow-ups do not fit in {} minutes",
            q.id,
            q.look_fors.len(),
            q.follow_ups.len(),
            q.minutes
        );
    }
}

#[test]
fn no_two_entries_ask_the_same_question() {
    let bank = bank::builtin_bank().unwrap();
    let mut prompts = BTreeSet::new();
    for q in &bank.questions {
        let norm: String = q
            .prompt
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        assert!(prompts.insert(norm), "duplicate prompt: {}", q.prompt);
    }
}

#[test]
fn kits_cover_fundamentals_design_data_and_behaviour_with_sensible_budgets() {
    let store = Store::open_in_memory().unwrap();
    let kits = store.kits().unwrap();
    let kit = |id: &str| {
        kits.iter()
            .find(|k| k.id == id)
            .unwrap_or_else(|| panic!("no kit {id}"))
    };
    let question = |id: &str| store.question(id).unwrap();
    assert!((40..=50).contains(&kit("backend-fundamentals").minutes));
    assert!((25..=35).contains(&kit("experience-behaviour").minutes));

    // System design: two scenarios of about 25 minutes each.
    let design = kit("system-design");
    assert_eq!(design.questions.len(), 2, "{:?}", design.questions);
    for id in &design.questions {
        let q = question(id);
        assert_eq!(q.kind, Kind::Scenario, "{id}");
        assert!(
            (22..=28).contains(&q.minutes),
            "{id}: {} minutes",
            q.minutes
        );
    }

    // A senior round on data and APIs.
    let data = kit("data-and-apis");
    assert_eq!(data.name, "Data and APIs");
    let competencies: BTreeSet<String> = data
        .questions
        .iter()
        .map(|id| {
            let q = question(id);
            assert_eq!(q.seniority, bank::Seniority::Senior, "{id}");
            q.competency
        })
        .collect();
    assert!(competencies.contains("data") && competencies.contains("apis-web"));

    for k in &kits {
        let sum: u32 = k.questions.iter().map(|q| question(q).minutes).sum();
        assert_eq!(sum, k.minutes, "kit {}", k.id);
        assert!(k.minutes <= 60, "kit {} runs {} minutes", k.id, k.minutes);
        // A description that promises a length keeps it.
        if let Some(rest) = k.description.split("about ").nth(1) {
            if let Some(n) = rest.strip_suffix(" minutes).") {
                let promised: u32 = n.parse().unwrap();
                assert!(
                    promised.abs_diff(k.minutes) <= 5,
                    "kit {} says about {promised} minutes but runs {}",
                    k.id,
                    k.minutes
                );
            }
        }
    }
}

#[test]
fn every_scenario_is_in_a_kit() {
    let bank = bank::builtin_bank().unwrap();
    let in_kits: BTreeSet<&str> = bank
        .kits
        .iter()
        .flat_map(|k| k.questions.iter().map(String::as_str))
        .collect();
    for q in &bank.questions {
        if q.kind == Kind::Scenario {
            assert!(in_kits.contains(q.id.as_str()), "{} is in no kit", q.id);
        }
    }
}

/// Words that carry meaning: four letters or more, minus the common ones.
fn content_words(text: &str) -> BTreeSet<String> {
    const COMMON: [&str; 13] = [
        "that", "this", "what", "would", "when", "which", "does", "from", "into", "their", "they",
        "them", "with",
    ];
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() >= 4 && !COMMON.contains(w))
        .map(str::to_string)
        .collect()
}

/// Two probes are near-duplicates when a quarter or more of their meaningful
/// words are shared, or when they share a run of five words.
fn near_duplicates(a: &str, b: &str) -> bool {
    let (wa, wb) = (content_words(a), content_words(b));
    let shared = wa.intersection(&wb).count();
    let all = wa.union(&wb).count().max(1);
    if shared * 4 >= all {
        return true;
    }
    let runs = |t: &str| -> BTreeSet<Vec<String>> {
        let w: Vec<String> = t
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        w.windows(5).map(<[String]>::to_vec).collect()
    };
    !runs(a).is_disjoint(&runs(b))
}

#[test]
fn the_near_duplicate_check_catches_a_probe_asked_twice() {
    // Both asked in the same security kit before the kits were rebalanced.
    assert!(near_duplicates(
        "What is the difference between OAuth 2.0 and OpenID Connect?",
        "When would you delegate to OAuth 2.0 / OpenID Connect or an identity provider instead of issuing your own tokens?"
    ));
    assert!(near_duplicates(
        "What would you do differently on your next team project?",
        "What would you do differently if the same situation came up next month?"
    ));
    assert!(!near_duplicates(
        "How would you paginate GET /orders when there are millions of rows?",
        "Why is SHA-256 a poor choice for storing passwords?"
    ));
}

#[test]
fn no_kit_asks_a_question_or_a_probe_twice() {
    let bank = bank::builtin_bank().unwrap();
    let by_id: BTreeMap<&str, &bank::Question> =
        bank.questions.iter().map(|q| (q.id.as_str(), q)).collect();
    for k in &bank.kits {
        let ids: BTreeSet<&str> = k.questions.iter().map(String::as_str).collect();
        assert_eq!(
            ids.len(),
            k.questions.len(),
            "kit {} repeats a question",
            k.id
        );
        let probes: Vec<(&str, &str)> = k
            .questions
            .iter()
            .flat_map(|id| {
                let q = by_id[id.as_str()];
                q.look_fors
                    .iter()
                    .chain(&q.follow_ups)
                    .map(move |p| (q.id.as_str(), p.as_str()))
            })
            .collect();
        for (i, (qa, a)) in probes.iter().enumerate() {
            for (qb, b) in &probes[i + 1..] {
                if qa != qb {
                    assert!(
                        !near_duplicates(a, b),
                        "kit {} asks twice: {qa}: {a:?} and {qb}: {b:?}",
                        k.id
                    );
                }
            }
        }
    }
}

#[test]
fn first_open_seeds_the_bank_and_export_round_trips() {
    let store = Store::open_in_memory().unwrap();
    let builtin = bank::builtin_bank().unwrap();
    assert_eq!(store.questions().unwrap(), builtin.questions);
    // Exporting and importing the export into a fresh database gives the same bank.
    let exported = serde_json::to_vec(&store.export_bank().unwrap()).unwrap();
    let mut other = Store::open_in_memory().unwrap();
    let before = other.dump().unwrap();
    let report = other.import_bank_bytes(&exported).unwrap();
    assert_eq!(report.questions_added, 0);
    // Identical questions make no new revision.
    assert_eq!(report.questions_updated, 0);
    assert_eq!(report.questions_unchanged, builtin.questions.len());
    assert_eq!(
        other.dump().unwrap(),
        before,
        "re-importing the same bank changed nothing"
    );
}

#[test]
fn a_bank_on_its_own_scale_round_trips_through_export() {
    let mut store = Store::open_in_memory().unwrap();
    let file = r#"{"format":"panelist-bank","version":1,
      "scale":[{"value":0,"label":"Missing"},{"value":1,"label":"Partial"},{"value":2,"label":"Complete"}],
      "questions":[{"id":"zero-based","prompt":"Explain X.","competency":"data","seniority":"mid","kind":"concept",
        "minutes":5,"look_fors":["a","b"],"follow_ups":["c"],
        "levels":[{"value":0,"anchor":"nothing"},{"value":1,"anchor":"some"},{"value":2,"anchor":"all"}]}]}"#;
    store.import_bank_bytes(file.as_bytes()).unwrap();
    let q = store.question("zero-based").unwrap();
    assert_eq!(q.rubric.levels[0].label, "Missing");
    let exported = serde_json::to_vec(&store.export_bank().unwrap()).unwrap();
    let mut other = Store::open_in_memory().unwrap();
    other.import_bank_bytes(&exported).unwrap();
    assert_eq!(other.question("zero-based").unwrap(), q);
}
