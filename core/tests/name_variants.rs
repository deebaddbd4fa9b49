//! Generated name variants (issue 18, What 9): thousands of spellings of a
//! person's name must seal as one candidate, pin as one signer, and all be
//! redacted from a committee packet. Look-alikes beyond the identity key
//! (ASCII spellings, confusable letters, Turkish i) are other candidates
//! and other signers, but sealed as mine and refused as a first sight of a
//! pinned colleague.
//!
//! The generators are written from the standards, independently of the code
//! under test: `ignorable()` draws from the Default_Ignorable_Code_Point
//! ranges of the UCD's DerivedCoreProperties.txt (plus the interlinear
//! annotation marks); the case, sharp-s, normalisation-form, width and
//! whitespace changes are the ones Unicode's NFKC_Casefold equates; the
//! redaction generator adds what only redaction promises: ASCII
//! transliterations, TS #39 confusables and Turkish dotted/dotless i.
//!
//! Which generator produces each case listed in the Why:
//! - "Grace Hopper" + U+E0020 (TAG), + VS-17 (U+E0100), + U+180B, + U+17B4,
//!   and U+FFF9–FFFB, U+1D173–1D17A, the soft hyphen ("Love\u{ad}lace"),
//!   "G\u{200b}race": `ignorable()` inserted by `key_variant()`.
//! - "JÜRGEN GROẞ" for "Jürgen Groß", Greek capitals, "STRASSE" for Straße:
//!   `Case` (per-letter upper/lower) with `SharpS` (ß ↔ ẞ ↔ ss).
//! - "Backend␣␣fundamentals" (whitespace runs): `spaces()`.
//! - Unicode forms: `Form` (NFC, NFD, NFKC, NFKD) and `fullwidth`.
//! - "lukasz.zolc@…", "Soren", "Dorde": `Spelling::Ascii` (deunicode).
//! - Cyrillic "а" for Latin "a": `Spelling::Confusable`.
//! - Turkish "IŞIL YILMAZ": `Spelling::Turkish` with `Case`.
//! - "ask will about it", "hope said", "grace@corp.com", "ada1@x.com":
//!   the lower-case `Case` on "Will Turner", "Hope Mirrlees", "Grace
//!   Hopper", "Ada Lovelace" in `CONTEXTS`.

mod common;

use std::cell::{Cell, RefCell};

use common::*;
use panelist_core::committee;
use panelist_core::session::{PanelSession, Recommendation, Session, WrapUp};
use panelist_core::session_file::{Identity, SessionFile};
use panelist_core::{AuditId, CandidateId, Error, SessionId, Store};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use unicode_normalization::UnicodeNormalization;

const NAMES: &[&str] = &[
    "Grace Hopper",
    "Jürgen Groß",
    "Ada Lovelace",
    "Will Turner",
    "Hope Mirrlees",
    "Νίκος Παπαδόπουλος",
    "Łukasz Żółć",
    "Søren Kierkegaard",
    "Đorđe Balašević",
    "José Álvarez",
    "Işıl Yılmaz",
    "Zoë Ångström",
];

/// Default_Ignorable_Code_Point, from DerivedCoreProperties.txt (Unicode
/// 16), plus U+FFF9–FFFB (format characters the standard leaves out).
const IGNORABLE_RANGES: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0xFFF9, 0xFFFB),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
];

/// One character from the ranges above (each range equally likely, so the
/// short ranges are not drowned by the TAG and variation-selector planes).
fn ignorable() -> impl Strategy<Value = char> {
    (0..IGNORABLE_RANGES.len(), any::<u32>()).prop_map(|(r, k)| {
        let (lo, hi) = IGNORABLE_RANGES[r];
        char::from_u32(lo + k % (hi - lo + 1)).expect("a scalar value")
    })
}

/// A run of whitespace of several kinds (no control characters: a session
/// file refuses those in a name).
fn spaces() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just(' '),
            Just('\u{A0}'),
            Just('\u{2003}'),
            Just('\u{3000}')
        ],
        1..4,
    )
    .prop_map(|v| v.into_iter().collect())
}

#[derive(Debug, Clone, Copy)]
enum Form {
    Nfc,
    Nfd,
    Nfkc,
    Nfkd,
}

#[derive(Debug, Clone, Copy)]
enum Case {
    Keep,
    Upper,
    Lower,
}

#[derive(Debug, Clone)]
struct KeyVariant {
    cases: Vec<Case>,
    sharp_s: u8,
    form: Form,
    fullwidth: bool,
    spaces: Vec<String>,
    edges: (String, String),
    ignorables: Vec<(usize, char)>,
}

fn key_variant() -> impl Strategy<Value = KeyVariant> {
    (
        proptest::collection::vec(
            prop_oneof![Just(Case::Keep), Just(Case::Upper), Just(Case::Lower)],
            32,
        ),
        0u8..3,
        prop_oneof![
            Just(Form::Nfc),
            Just(Form::Nfd),
            Just(Form::Nfkc),
            Just(Form::Nfkd)
        ],
        any::<bool>(),
        proptest::collection::vec(spaces(), 4),
        (
            prop_oneof![Just(String::new()), spaces()],
            prop_oneof![Just(String::new()), spaces()],
        ),
        proptest::collection::vec((any::<usize>(), ignorable()), 0..4),
    )
        .prop_map(
            |(cases, sharp_s, form, fullwidth, spaces, edges, ignorables)| KeyVariant {
                cases,
                sharp_s,
                form,
                fullwidth,
                spaces,
                edges,
                ignorables,
            },
        )
}

/// `name` spelled as `v` says: a variant with the same identity key.
fn spell(name: &str, v: &KeyVariant, turkish_ok: bool) -> String {
    let mut s = String::new();
    for (i, c) in name.chars().enumerate() {
        // Turkish dotless/dotted i change the key (the standard's folding is
        // locale-independent): only redaction promises them.
        if !turkish_ok && matches!(c, 'ı' | 'İ' | 'i' | 'I') {
            s.push(c);
            continue;
        }
        match v.cases[i % v.cases.len()] {
            Case::Keep => s.push(c),
            Case::Upper => s.extend(c.to_uppercase()),
            Case::Lower => s.extend(c.to_lowercase()),
        }
    }
    // ß, ẞ and ss are one key under full case folding.
    let s = match v.sharp_s {
        1 => s.replace('ß', "ẞ"),
        2 => s.replace(['ß', 'ẞ'], "ss"),
        _ => s,
    };
    let s: String = match v.form {
        Form::Nfc => s.nfc().collect(),
        Form::Nfd => s.nfd().collect(),
        Form::Nfkc => s.nfkc().collect(),
        Form::Nfkd => s.nfkd().collect(),
    };
    let s: String = if v.fullwidth {
        s.chars()
            .map(|c| match c {
                '!'..='~' => char::from_u32(c as u32 - 0x21 + 0xFF01).unwrap(),
                c => c,
            })
            .collect()
    } else {
        s
    };
    let mut words = s.split(' ');
    let mut out = v.edges.0.clone();
    out.push_str(words.next().unwrap_or(""));
    for (k, w) in words.enumerate() {
        out.push_str(&v.spaces[k % v.spaces.len()]);
        out.push_str(w);
    }
    out.push_str(&v.edges.1);
    let mut chars: Vec<char> = out.chars().collect();
    for (at, c) in &v.ignorables {
        let at = at % (chars.len() + 1);
        chars.insert(at, *c);
    }
    chars.into_iter().collect()
}

thread_local! {
    static NEXT: Cell<u128> = const { Cell::new(1_000) };
}

fn fresh<T: From<uuid::Uuid>>() -> T {
    NEXT.with(|n| {
        let v = n.get();
        n.set(v + 1);
        id(v)
    })
}

/// A colleague's submitted session, scored and written: the template each
/// case files under another name.
fn colleagues_session() -> Session {
    let mut theirs = Store::open_in_memory().unwrap();
    let sid: SessionId = id(1);
    theirs
        .create_and_start_session(
            &new_session("Template", "Barbara Liskov", &QS[..1]),
            sid,
            id(2),
            at(0),
        )
        .unwrap();
    theirs.set_score(sid, QS[0], Some(1), at(10)).unwrap();
    theirs
        .set_notes(sid, QS[0], "Talked over everyone.", at(11))
        .unwrap();
    theirs
        .set_wrap_up(
            sid,
            &WrapUp {
                summary: "Not for this team.".into(),
                red_flags: vec![],
                recommendation: Some(Recommendation::StrongNo),
            },
            at(12),
        )
        .unwrap();
    theirs
        .submit(sid, Recommendation::StrongNo, None, id(3), at(13))
        .unwrap();
    theirs.session(sid).unwrap()
}

/// The template under fresh ids, for `candidate` by `interviewer`.
fn copy_of(template: &Session, candidate: &str, interviewer: &str) -> Session {
    let mut s = template.clone();
    s.id = fresh();
    s.candidate.id = fresh();
    s.candidate.name = candidate.into();
    s.interviewer = interviewer.into();
    for a in &mut s.audit {
        a.id = fresh::<AuditId>();
        a.actor = interviewer.into();
    }
    s
}

/// 256 cases each, or `PROPTEST_CASES`.
fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(256),
        failure_persistence: None,
        ..Config::default()
    })
}

/// My open session for a name seals a colleague's session filed under any
/// variant of it (the real Store, an in-memory database).
#[test]
fn variants_of_a_candidate_seal_as_one_candidate() {
    let mine = RefCell::new(Store::open_in_memory().unwrap());
    let mut own: std::collections::HashMap<&str, CandidateId> = Default::default();
    for (k, name) in NAMES.iter().enumerate() {
        let s = mine
            .borrow_mut()
            .create_and_start_session(
                &new_session(name, "Ada Me", &QS[..1]),
                id(100 + k as u128),
                id(200 + k as u128),
                at(0),
            )
            .unwrap();
        own.insert(name, s.candidate.id);
    }
    let template = colleagues_session();
    runner()
        .run(
            &(0..NAMES.len(), key_variant(), spelling()),
            |(k, v, how)| {
                let name = NAMES[k];
                let variant = variant_of(name, &v, how);
                let s = copy_of(&template, &variant, "Barbara Liskov");
                let sid = s.id;
                let mut store = mine.borrow_mut();
                store
                    .import_sessions(&[SessionFile::new(s)])
                    .map_err(|e| TestCaseError::fail(format!("{variant:?}: {e}")))?;
                let p = store.panel_session(sid).unwrap();
                // The same identity key: my candidate. A look-alike (ASCII
                // spelling, confusable letters, Turkish i): another candidate,
                // sealed all the same.
                if matches!(how, Spelling::AsIs) {
                    prop_assert_eq!(p.session.candidate.id, own[name], "{:?}", variant);
                }
                prop_assert!(p.sealed, "{:?} is not sealed", variant);
                prop_assert_eq!(p.session.recommendation, None);
                Ok(())
            },
        )
        .unwrap();
}

/// With a name's key pinned, a file under any variant of the name signed by
/// another key, or unsigned, is refused; signed by the pinned key, it is
/// the same signer.
#[test]
fn variants_of_an_interviewer_pin_as_one_signer() {
    let mine = RefCell::new(Store::open_in_memory().unwrap());
    let template = colleagues_session();
    let pinned = Identity::from_seed([1; 32]);
    let other = Identity::from_seed([2; 32]);
    for name in NAMES {
        let s = copy_of(&template, "Alan Turing", name);
        let r = mine
            .borrow_mut()
            .import_sessions(&[SessionFile::signed(s, &pinned)])
            .unwrap();
        assert!(r[0].key_note.as_deref().unwrap().contains("pinned"));
    }
    runner()
        .run(
            &(0..NAMES.len(), key_variant(), spelling()),
            |(k, v, how)| {
                let variant = variant_of(NAMES[k], &v, how);
                let mut store = mine.borrow_mut();
                let forged =
                    SessionFile::signed(copy_of(&template, "Alan Turing", &variant), &other);
                match store.import_sessions(&[forged]) {
                    Err(Error::Conflict(m)) => prop_assert!(m.contains("pinned"), "{}", m),
                    r => prop_assert!(false, "{:?} signed by another key: {:?}", variant, r),
                }
                let unsigned = SessionFile::new(copy_of(&template, "Alan Turing", &variant));
                match store.import_sessions(&[unsigned]) {
                    Err(Error::Conflict(m)) => prop_assert!(m.contains("unsigned"), "{}", m),
                    r => prop_assert!(false, "{:?} unsigned: {:?}", variant, r),
                }
                let genuine =
                    SessionFile::signed(copy_of(&template, "Alan Turing", &variant), &pinned);
                let r = store
                    .import_sessions(&[genuine])
                    .map_err(|e| TestCaseError::fail(format!("{variant:?}: {e}")))?;
                prop_assert_eq!(r[0].key_note.as_deref(), None, "{:?}: same signer", variant);
                Ok(())
            },
        )
        .unwrap();
}

fn spelling() -> impl Strategy<Value = Spelling> {
    prop_oneof![
        Just(Spelling::AsIs),
        Just(Spelling::Ascii),
        Just(Spelling::Confusable),
        Just(Spelling::Turkish)
    ]
}

/// How a name may be spelled beyond its identity key.
#[derive(Debug, Clone, Copy)]
enum Spelling {
    AsIs,
    /// ASCII transliteration (deunicode): "Łukasz" → "Lukasz".
    Ascii,
    /// Latin letters swapped for look-alikes from other scripts (TS #39).
    Confusable,
    /// Turkish dotted and dotless i swapped.
    Turkish,
}

fn confusable(c: char) -> char {
    match c {
        'a' => '\u{430}',
        'c' => '\u{441}',
        'e' => '\u{435}',
        'o' => '\u{43E}',
        'p' => '\u{440}',
        'x' => '\u{445}',
        'y' => '\u{443}',
        'i' => '\u{456}',
        'A' => '\u{391}',
        'B' => '\u{392}',
        'E' => '\u{415}',
        'H' => '\u{41D}',
        'K' => '\u{41A}',
        'M' => '\u{41C}',
        'O' => '\u{39F}',
        'P' => '\u{420}',
        'T' => '\u{422}',
        c => c,
    }
}

fn respell(name: &str, how: Spelling) -> String {
    match how {
        Spelling::AsIs => name.to_string(),
        Spelling::Ascii => deunicode::deunicode(name),
        Spelling::Confusable => name.chars().map(confusable).collect(),
        Spelling::Turkish => name
            .chars()
            .map(|c| match c {
                'i' => 'ı',
                'ı' => 'i',
                'I' => 'İ',
                'İ' => 'I',
                c => c,
            })
            .collect(),
    }
}

/// `name` spelled as `v` and `how` say. An ASCII spelling is made from the
/// name as given (deunicode would spell the invisible characters too);
/// look-alike letters and Turkish i are put in after the case changes.
fn variant_of(name: &str, v: &KeyVariant, how: Spelling) -> String {
    match how {
        Spelling::Ascii => spell(&respell(name, how), v, false),
        _ => respell(&spell(name, v, false), how),
    }
}

/// Where a name appears in a note: as a word, before a digit, as an e-mail
/// local part, in quotes.
const CONTEXTS: &[(&str, &str)] = &[
    ("ask ", " about it"),
    ("", " said"),
    ("mail ", "@corp.com"),
    ("", "1@x.com"),
    ("«", "»"),
];

/// Every variant of every name is redacted from a committee packet: the note
/// that held it reads the same with the pseudonym in its place.
#[test]
fn every_variant_is_redacted_from_a_committee_packet() {
    let template = colleagues_session();
    runner()
        .run(
            &(
                0..NAMES.len(),
                0..NAMES.len(),
                key_variant(),
                spelling(),
                0..CONTEXTS.len(),
                any::<bool>(),
            ),
            |(c, i, v, how, ctx, word_only)| {
                let (candidate, interviewer) = (NAMES[c], NAMES[i]);
                prop_assume!(c != i);
                // The whole name, or its last word alone.
                let who = if word_only { i } else { c };
                let name = NAMES[who];
                let part = if word_only {
                    name.rsplit(' ').next().unwrap()
                } else {
                    name
                };
                // Spaces around the name are the context's, not the name's.
                let mut v = v;
                v.edges = Default::default();
                let variant = spell(&respell(part, how), &v, true);
                let (before, after) = CONTEXTS[ctx];
                let mut s = copy_of(&template, candidate, interviewer);
                s.entries[0].notes = format!("{before}{variant}{after}");
                let sessions = vec![PanelSession {
                    session: s,
                    imported: true,
                    sealed: false,
                }];
                let report = committee::build(candidate, &sessions, true, false);
                let pseudonym = if word_only {
                    "Interviewer A".to_string()
                } else {
                    report.candidate.clone()
                };
                let notes = &report.comparison.questions[0].cells[0]
                    .as_ref()
                    .unwrap()
                    .notes;
                // Whitespace around the variant may fold into the context.
                let want = format!("{before}{pseudonym}{after}");
                let got: String = notes.split_whitespace().collect::<Vec<_>>().join(" ");
                let want: String = want.split_whitespace().collect::<Vec<_>>().join(" ");
                prop_assert_eq!(got, want, "{:?} ({:?})", variant, how);
                Ok(())
            },
        )
        .unwrap();
}

/// The coverage of the hand-made plans below: every question on one
/// competency.
struct OneCompetency;

impl panelist_core::plan::BankNames for OneCompetency {
    fn competency_of(&self, _question: &str) -> Option<String> {
        Some("apis-web".into())
    }
    fn competency_name(&self, competency: &str) -> String {
        competency.to_string()
    }
}

/// A committee packet with an interview plan (issue 19, What 6) names none
/// of the plan's people, however they are spelled: the planned interviewer
/// whose session is in the packet (spelled in the plan as a `key_variant()`
/// of their session's name), a planned interviewer who has not submitted
/// (no session, so no column: `key_variant()` of another name) and the
/// coordinator (`key_variant()` of a third). Every format is searched for
/// each spelling and for each folded word of each name.
#[test]
fn every_variant_of_a_plans_people_is_redacted_from_a_committee_packet() {
    use panelist_core::plan::{self, Member, Plan};
    use panelist_core::session::Candidate;
    let template = colleagues_session();
    runner()
        .run(
            &(
                0..NAMES.len(),
                0..NAMES.len(),
                0..NAMES.len(),
                0..NAMES.len(),
                (key_variant(), key_variant(), key_variant()),
            ),
            |(c, i, j, k, (vi, vj, vk))| {
                let all = [c, i, j, k];
                prop_assume!((0..4).all(|a| (0..4).all(|b| a == b || all[a] != all[b])));
                let spelled = |n: usize, v: &KeyVariant| {
                    let mut v = v.clone();
                    v.edges = Default::default();
                    spell(NAMES[n], &v, false)
                };
                let (member_i, member_j, coordinator) =
                    (spelled(i, &vi), spelled(j, &vj), spelled(k, &vk));
                let planned = |who: &str, due: i64| Member {
                    interviewer: who.to_string(),
                    round: 1,
                    kit: None,
                    questions: vec![QS[0].into()],
                    focus: vec!["apis-web".into()],
                    at: None,
                    due: Some(at(due)),
                };
                let p = Plan {
                    id: fresh(),
                    candidate: Candidate {
                        id: fresh(),
                        name: NAMES[c].into(),
                    },
                    role: "Backend".into(),
                    coordinator: Some(coordinator.clone()),
                    created_at: at(0),
                    updated_at: at(0),
                    members: vec![planned(&member_i, 5), planned(&member_j, 5)],
                };
                let view = plan::view(p, true, &[], &OneCompetency, at(10));
                let sessions = vec![PanelSession {
                    session: copy_of(&template, NAMES[c], NAMES[i]),
                    imported: true,
                    sealed: false,
                }];
                let report =
                    committee::build_planned(NAMES[c], &sessions, Some(&view), true, false);
                let debrief = report.comparison.plan.as_ref().unwrap();
                let shown: Vec<&str> = debrief
                    .members
                    .iter()
                    .map(|m| m.interviewer.as_str())
                    .collect();
                prop_assert_eq!(shown, ["Interviewer A", "Interviewer B"]);
                prop_assert_eq!(debrief.coordinator.as_deref(), Some("Coordinator"));
                for format in [
                    committee::ReportFormat::Md,
                    committee::ReportFormat::Html,
                    committee::ReportFormat::Csv,
                    committee::ReportFormat::Json,
                ] {
                    let out = committee::render(&report, format);
                    let found = panelist_core::text::words(&out);
                    for (n, spelling) in [
                        (c, NAMES[c].to_string()),
                        (i, member_i.clone()),
                        (j, member_j.clone()),
                        (k, coordinator.clone()),
                    ] {
                        prop_assert!(
                            !out.contains(&spelling),
                            "{:?} names {:?}:\n{}",
                            format,
                            spelling,
                            out
                        );
                        for w in panelist_core::text::words(NAMES[n]) {
                            prop_assert!(
                                !found.contains(&w),
                                "{:?} says {:?} of {:?}:\n{}",
                                format,
                                w,
                                NAMES[n],
                                out
                            );
                        }
                    }
                }
                Ok(())
            },
        )
        .unwrap();
}
