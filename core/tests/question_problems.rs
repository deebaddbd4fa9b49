//! The question editor shows every broken rule at once (issue: "the question
//! editor shows one error per save"), and ids are made from the prompt
//! ("an empty id says `"" is not a valid id`").

use std::collections::BTreeSet;
use std::sync::LazyLock;

use panelist_core::bank::{
    check_question, question_id_from, question_problems, KnownIds, LevelDoc, QuestionDoc,
};
use panelist_core::{validate, Store};
use proptest::prelude::*;

/// The built-in bank's competencies and a question of it under a new id,
/// made once (opening a store imports the whole bank).
static BUILTIN: LazyLock<(KnownIds, QuestionDoc)> = LazyLock::new(|| {
    let store = Store::open_in_memory().unwrap();
    let mut d = QuestionDoc::of(&store.question("rest-api-design").unwrap());
    d.id = "fresh-question".into();
    let known = KnownIds {
        competencies: store
            .competencies()
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect(),
        questions: BTreeSet::new(),
    };
    (known, d)
});

fn known() -> KnownIds {
    BUILTIN.0.clone()
}

fn good() -> QuestionDoc {
    BUILTIN.1.clone()
}

fn paths(d: &QuestionDoc) -> Vec<String> {
    question_problems(d, &known())
        .into_vec()
        .into_iter()
        .map(|p| p.path)
        .collect()
}

#[test]
fn every_broken_rule_of_a_question_is_listed_at_once() {
    let mut d = good();
    d.id = "Not An Id".into();
    d.prompt = "   ".into();
    d.look_fors[1] = String::new();
    d.levels[2].anchor = String::new();
    d.levels[3].label = Some("two\nlines".into());
    assert_eq!(
        paths(&d),
        [
            "id",
            "prompt",
            "look_fors[1]",
            "levels[2].anchor",
            "levels[3].label"
        ]
    );
    // Saving reports the first of them, as before, and stores nothing.
    let mut store = Store::open_in_memory().unwrap();
    let before = store.bank_questions().unwrap().len();
    let err = store
        .save_question(&d, true, chrono::Utc::now())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("id: \"Not An Id\" is not a valid id"),
        "{err}"
    );
    assert_eq!(store.bank_questions().unwrap().len(), before);
}

#[test]
fn the_draft_names_a_taken_id_and_the_other_problems_too() {
    let store = Store::open_in_memory().unwrap();
    let mut d = good();
    d.id = "rest-api-design".into();
    d.minutes = 0;
    let draft = store.question_draft(&d, true).unwrap();
    let got: Vec<(&str, &str)> = draft
        .problems
        .iter()
        .map(|p| (p.path.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].0, "id");
    assert!(got[0].1.contains("already exists"), "{got:?}");
    assert_eq!(got[1].0, "minutes");
}

#[test]
fn an_empty_id_asks_for_one_and_the_draft_offers_one_from_the_prompt() {
    let store = Store::open_in_memory().unwrap();
    let mut d = good();
    d.id = String::new();
    d.prompt = "How would you design a REST API for idempotent payments?".into();
    let draft = store.question_draft(&d, true).unwrap();
    assert_eq!(draft.problems[0].path, "id");
    assert!(
        !draft.problems[0].message.contains("\"\""),
        "{:?}",
        draft.problems
    );
    assert_eq!(
        draft.suggested_id.as_deref(),
        Some("how-would-you-design-a-rest-api-for")
    );
    // An edit keeps its id: nothing is suggested.
    let mut e = QuestionDoc::of(&store.question("rest-api-design").unwrap());
    e.prompt = "Anything".into();
    assert_eq!(store.question_draft(&e, false).unwrap().suggested_id, None);
}

#[test]
fn ids_from_prompts_are_unique_and_cut_at_a_word() {
    let taken: BTreeSet<String> = ["what-is-a-race-condition", "what-is-a-race-condition-2"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        question_id_from("What is a race condition?", &taken).as_deref(),
        Some("what-is-a-race-condition-3")
    );
    // Letters outside ASCII are folded as names are, never dropped.
    assert_eq!(
        question_id_from("¿Qué es la idempotencia?", &taken).as_deref(),
        Some("que-es-la-idempotencia")
    );
    assert_eq!(question_id_from("¿?! …", &taken), None);
    assert_eq!(question_id_from("", &taken), None);
}

#[test]
fn a_bank_question_has_a_key_for_every_look_for_and_follow_up() {
    let mut store = Store::open_in_memory().unwrap();
    let mut d = good();
    d.look_fors = (0..validate::LOOK_FORS_MAX)
        .map(|i| format!("Point {i}"))
        .collect();
    d.follow_ups = (0..validate::FOLLOW_UPS_MAX)
        .map(|i| format!("Ask {i}"))
        .collect();
    assert!(paths(&d).is_empty(), "{:?}", paths(&d));
    d.look_fors.push("One too many".into());
    d.follow_ups.push("One too many".into());
    assert_eq!(paths(&d), ["look_fors", "follow_ups"]);
    let before = store.bank_questions().unwrap().len();
    let err = store
        .save_question(&d, true, chrono::Utc::now())
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "look_fors: 10 items, at most 9 (one key each on the live screen)"
    );
    // A bank file says the same at the question's path, and imports nothing.
    let mut file = store.export_bank().unwrap();
    file.questions = vec![d.clone()];
    file.kits.clear();
    let err = store.import_bank(&file).unwrap_err().to_string();
    assert!(
        err.starts_with("bank file at questions[0].look_fors: 10 items, at most 9"),
        "{err}"
    );
    assert_eq!(store.bank_questions().unwrap().len(), before);
}

/// A broken value for each field the editor has, or a good one.
#[derive(Debug, Clone, Copy)]
enum Field {
    Id,
    Prompt,
    Competency,
    Minutes,
    LookFor,
    FollowUp,
    Source,
    LevelValue,
    LevelLabel,
    LevelAnchor,
    LookForCount,
    FollowUpCount,
}

const FIELDS: [Field; 12] = [
    Field::LookForCount,
    Field::FollowUpCount,
    Field::Id,
    Field::Prompt,
    Field::Competency,
    Field::Minutes,
    Field::LookFor,
    Field::FollowUp,
    Field::Source,
    Field::LevelValue,
    Field::LevelLabel,
    Field::LevelAnchor,
];

fn break_field(d: &mut QuestionDoc, f: Field, junk: &str) -> String {
    match f {
        Field::Id => {
            d.id = format!("X{junk}");
            "id".into()
        }
        Field::Prompt => {
            d.prompt = " \t".into();
            "prompt".into()
        }
        Field::Competency => {
            d.competency = "no-such-competency".into();
            "competency".into()
        }
        Field::Minutes => {
            d.minutes = 0;
            "minutes".into()
        }
        Field::LookFor => {
            d.look_fors[0] = String::new();
            "look_fors[0]".into()
        }
        Field::FollowUp => {
            d.follow_ups[0] = "\n".into();
            "follow_ups[0]".into()
        }
        Field::Source => {
            d.sources = vec!["x".repeat(validate::QUESTION_TEXT_CHARS + 1)];
            "sources[0]".into()
        }
        Field::LevelValue => {
            d.levels[0].value = 9;
            "levels[0].value".into()
        }
        Field::LevelLabel => {
            d.levels[1].label = Some("a\u{7}b".into());
            "levels[1].label".into()
        }
        Field::LevelAnchor => {
            d.levels[2].anchor = String::new();
            "levels[2].anchor".into()
        }
        // More items than the live screen has keys for (the list's items
        // stay good; the first look-for or follow-up may be broken as well,
        // which is reported at its own path).
        Field::LookForCount => {
            let n = validate::LOOK_FORS_MAX + 1 + junk.len() % 3;
            while d.look_fors.len() < n {
                d.look_fors.push(format!("Look-for {}", d.look_fors.len()));
            }
            "look_fors".into()
        }
        Field::FollowUpCount => {
            let n = validate::FOLLOW_UPS_MAX + 1 + junk.len() % 3;
            while d.follow_ups.len() < n {
                d.follow_ups
                    .push(format!("Follow-up {}", d.follow_ups.len()));
            }
            "follow_ups".into()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any set of broken fields: every one of them is listed, nothing else
    /// is, and saving fails with exactly the first listed problem (one rule
    /// set, one order, for the editor and for save alike).
    #[test]
    fn every_broken_field_is_listed_and_save_reports_the_first(
        picks in proptest::collection::vec(any::<bool>(), FIELDS.len()),
        junk in "[a-z -]{0,8}",
    ) {
        let mut d = good();
        d.levels.iter_mut().for_each(|l: &mut LevelDoc| l.label = Some(format!("Level {}", l.value)));
        let mut broken = BTreeSet::new();
        for (f, on) in FIELDS.iter().zip(&picks) {
            if *on {
                broken.insert(break_field(&mut d, *f, &junk));
            }
        }
        let listed: BTreeSet<String> = paths(&d).into_iter().collect();
        prop_assert_eq!(&listed, &broken);
        let first = question_problems(&d, &known()).first().cloned();
        match (check_question(&d, &known()), first) {
            (Ok(_), None) => {}
            (Err(e), Some((path, msg))) => prop_assert_eq!(e.to_string(), format!("{path}: {msg}")),
            (r, f) => prop_assert!(false, "check {:?} against first problem {:?}", r.is_ok(), f),
        }
    }

    /// A suggested id is always a valid id, never a taken one.
    #[test]
    fn suggested_ids_are_valid_and_free(prompt in "\\PC{0,120}", n in 0usize..4) {
        let mut taken = BTreeSet::new();
        if let Some(first) = question_id_from(&prompt, &taken) {
            for i in 0..n {
                taken.insert(if i == 0 { first.clone() } else { format!("{first}-{}", i + 1) });
            }
            let id = question_id_from(&prompt, &taken).unwrap();
            prop_assert!(validate::slug(&id).is_ok(), "{}", id);
            prop_assert!(!taken.contains(&id));
        }
    }
}
