//! The live interview's saves through the real IPC: they run on the
//! database thread and answer the page from there (`store: &mut Store` in
//! src-tauri/src/ipc.in). Called from the page with arguments that do not
//! read, each is refused with the command's name and changes nothing;
//! called on a question the session does not have, the core's error comes
//! back as `{code, message}`; 2,000 generated argument sets of every JSON
//! shape are all refused one way or the other; called right, the value is
//! in the database file.

use std::time::Duration;

use panelist_e2e::{within, AppRun, Result, TestEnv};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real window: run scripts/e2e.sh"]
async fn direct_commands_refuse_bad_arguments_and_save_good_ones() {
    let env = TestEnv::new();
    within(Duration::from_secs(120), "direct commands", flow(&env)).await;
}

const NOTE: &str = "Saved through the direct path.";

/// Runs in the page: a session of three questions made over IPC (no live
/// screen, so nothing else writes), then every direct command with
/// arguments that do not read, one unknown question, and two good saves.
const SCRIPT: &str = r#"
const done = arguments[arguments.length - 1];
const invoke = window.__TAURI_INTERNALS__.invoke;
const note = arguments[0];
(async () => {
  const bank = await invoke('get_bank');
  const question_ids = bank.questions.slice(0, 3).map((q) => q.id);
  const s = await invoke('create_session', { new: {
    candidate: 'Ipc Candidate', interviewer: 'Ipc Interviewer',
    role: 'Backend engineer', kit: null, question_ids } });
  const [id, q] = [s.id, question_ids[0]];
  const bad = [
    ['set_notes', { sessionId: id, questionId: q }],
    ['set_notes', { sessionId: 'not-a-uuid', questionId: q, notes: 'x' }],
    ['set_notes', { sessionId: id, questionId: 7, notes: 'x' }],
    ['set_score', { sessionId: id, questionId: q, level: 'three' }],
    ['set_skipped', { sessionId: id, questionId: q, skipped: 'yes' }],
    ['set_look_for', { sessionId: id, questionId: q, index: -1, on: true }],
    ['set_follow_up', { sessionId: id, questionId: q, index: 0 }],
    ['add_time', { sessionId: id, questionId: q, seconds: -5 }],
    ['set_wrap_up', { sessionId: id }],
  ];
  const refused = [];
  for (const [cmd, args] of bad) {
    try { await invoke(cmd, args); refused.push([cmd, 'RESOLVED']); }
    catch (e) { refused.push([cmd, typeof e === 'string' ? e : JSON.stringify(e)]); }
  }
  // Generated: thousands of argument sets of every JSON shape (a seeded
  // generator), none of which names a question of this session, so every
  // one must be refused: as arguments that do not read, or by the core.
  let seed = arguments[1] >>> 0;
  const rand = () => { seed = (seed + 0x6D2B79F5) >>> 0; let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const text = () => pick(['', 'x', ' ', 'no-such-question', '\u0000', 'é\u0301', '日本語', '🙂'.repeat(5),
    'a'.repeat(5000), q + ' ', q.toUpperCase(), '../' + q, crypto.randomUUID()]);
  const value = (depth = 0) => pick([
    () => undefined, () => null, () => rand() < 0.5, () => text(),
    () => pick([0, -1, 1, 3, 4, 5, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 63), 1e300, 0.5, -0.0, NaN]),
    () => depth < 2 ? [value(depth + 1), value(depth + 1)] : [],
    () => depth < 2 ? { a: value(depth + 1), notes: text() } : {},
  ])();
  const fields = {
    set_notes: ['notes'], set_score: ['level'], set_skipped: ['skipped'],
    set_look_for: ['index', 'on'], set_follow_up: ['index', 'on'],
    add_time: ['seconds'], set_wrap_up: ['wrap'],
  };
  const generated = { calls: 0, resolved: [], odd: [] };
  for (let i = 0; i < 2000; i++) {
    const cmd = pick(Object.keys(fields));
    const args = {
      sessionId: cmd === 'set_wrap_up' ? pick([value(), crypto.randomUUID()]) : pick([id, value(), crypto.randomUUID()]),
      questionId: pick([value(), text()]),
    };
    for (const f of fields[cmd]) { const v = value(); if (v !== undefined) args[f] = v; }
    if (args.questionId === undefined) delete args.questionId;
    generated.calls++;
    try { await invoke(cmd, args); generated.resolved.push([cmd, args]); }
    catch (e) {
      const ok = typeof e === 'string' ? e.startsWith(`invalid args for command \`${cmd}\`: `)
        : typeof e.code === 'string' && typeof e.message === 'string';
      if (!ok) generated.odd.push([cmd, args, e]);
    }
  }
  let unknown = 'RESOLVED';
  try { await invoke('set_notes', { sessionId: id, questionId: 'no-such-question', notes: 'x' }); }
  catch (e) { unknown = e; }
  const saved = await invoke('set_notes', { sessionId: id, questionId: q, notes: note });
  const scored = await invoke('set_score', { sessionId: id, questionId: q, level: 3 });
  done({ id, q, refused, generated, unknown, saved, scored });
})().catch((e) => done({ error: String(e && e.message ? e.message : JSON.stringify(e)) }));
"#;

async fn flow(env: &TestEnv) -> Result<()> {
    let seed = panelist_e2e::seed();
    eprintln!("ipc: generated arguments, seed {seed} (PANELIST_E2E_SEED={seed} replays it)");
    let run = AppRun::start(env).await?;
    let got = run
        .d()
        .execute_async(
            SCRIPT,
            vec![serde_json::json!(NOTE), serde_json::json!(seed)],
        )
        .await;
    run.quit().await;
    let got = got?.json().clone();
    assert!(got.get("error").is_none(), "the page failed: {got}");

    let refused = got["refused"].as_array().cloned().unwrap_or_default();
    assert_eq!(refused.len(), 9, "{got}");
    for r in &refused {
        let (cmd, answer) = (r[0].as_str().unwrap_or(""), r[1].as_str().unwrap_or(""));
        assert!(
            answer.starts_with(&format!("invalid args for command `{cmd}`: ")),
            "{cmd}: {answer}"
        );
    }
    let generated = &got["generated"];
    assert_eq!(generated["calls"], 2000, "{generated}");
    assert_eq!(generated["resolved"], serde_json::json!([]), "seed {seed}");
    assert_eq!(generated["odd"], serde_json::json!([]), "seed {seed}");
    let unknown = &got["unknown"];
    assert!(
        unknown["code"].as_str().is_some_and(|c| !c.is_empty())
            && unknown["message"]
                .as_str()
                .is_some_and(|m| m.contains("no-such-question")),
        "an unknown question's error: {unknown}"
    );
    assert_eq!(got["saved"], Value::Null);
    assert_eq!(got["scored"], Value::Null);

    // In the database file (the app has exited): the two good saves, and
    // nothing else of the session changed.
    let (id, q) = (
        got["id"].as_str().unwrap_or_default(),
        got["q"].as_str().unwrap_or_default(),
    );
    let db = env.open_db();
    let mut stmt = db.prepare(
        "SELECT question_id,
                json_array(score, skipped, look_fors_hit, follow_ups_asked, notes, seconds_spent)
         FROM entry WHERE session_id = ?1 ORDER BY position",
    )?;
    let rows: Vec<(String, String)> = stmt
        .query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    assert_eq!(rows.len(), 3, "{rows:?}");
    for (question, row) in rows {
        let want = if question == q {
            serde_json::json!([3, 0, "[]", "[]", NOTE, 0])
        } else {
            serde_json::json!([null, 0, "[]", "[]", "", 0])
        };
        let got: Value = serde_json::from_str(&row)?;
        assert_eq!(got, want, "entry {question}");
    }
    Ok(())
}
