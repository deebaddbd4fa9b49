//! SQLite storage. This module is the only place in Panelist that contains SQL.
//!
//! Every connection runs in WAL mode with `synchronous=FULL`, foreign keys on
//! and a busy timeout; every write is one IMMEDIATE transaction per user
//! action, so an acknowledged write survives a crash or a kill.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};
use rusqlite_migration::{Migrations, M};
use uuid::Uuid;

use crate::bank::{self, BankFile, Competency, Kit, KitSummary, KnownIds, Question, ValidBank};
use crate::error::{Error, Result};
use crate::session::{
    check_reason, competency_name, AuditEvent, Candidate, Entry, NewSession, Recommendation,
    Session, SessionFilter, SessionSummary, Status, WrapUp,
};

/// The embedded, append-only migrations. Never edit one that has landed.
const MIGRATION_SQL: &[&str] = &[include_str!("migrations/0001_initial.sql")];

fn migrations() -> Migrations<'static> {
    Migrations::new(MIGRATION_SQL.iter().map(|sql| M::up(sql)).collect())
}

/// The schema version this build writes.
pub const SCHEMA_VERSION: usize = MIGRATION_SQL.len();

/// Identifier shared with the desktop app, so both use one data directory.
pub const APP_IDENTIFIER: &str = "dev.panelist.app";

/// The default database file: `<OS data dir>/dev.panelist.app/panelist.db`.
pub fn default_db_path() -> Result<PathBuf> {
    let dirs = directories::BaseDirs::new()
        .ok_or_else(|| Error::Io("cannot find the home directory for the data folder".into()))?;
    Ok(dirs.data_dir().join(APP_IDENTIFIER).join("panelist.db"))
}

/// Resolves the database path: an explicit path, then `PANELIST_DB`, then the
/// OS data directory.
pub fn resolve_db_path(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(p) = explicit {
        return Ok(p.to_path_buf());
    }
    match std::env::var_os("PANELIST_DB") {
        Some(p) if !p.is_empty() => Ok(PathBuf::from(p)),
        _ => default_db_path(),
    }
}

fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_ts(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
}

fn parse_opt_ts(s: Option<String>) -> rusqlite::Result<Option<DateTime<Utc>>> {
    s.as_deref().map(parse_ts).transpose()
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> rusqlite::Result<T> {
    serde_json::from_str(s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).expect("serialising plain data cannot fail")
}

/// What an import of a bank file changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct BankImportReport {
    pub questions_added: usize,
    pub questions_updated: usize,
    pub competencies: usize,
    pub kits: usize,
}

pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
}

impl Store {
    /// Opens (creating if needed) the database file at `path`, runs pending
    /// migrations and seeds the built-in bank on first open.
    pub fn open(path: &Path) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::io(format!("cannot create folder {}", dir.display()), e))?;
        }
        let conn = Connection::open(path)?;
        Self::init(conn, Some(path.to_path_buf()))
    }

    /// An in-memory database that went through the same migrations and seeding.
    pub fn open_in_memory() -> Result<Store> {
        Self::init(Connection::open_in_memory()?, None)
    }

    fn init(mut conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        conn.busy_timeout(Duration::from_secs(5))?;
        if path.is_some() {
            let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(Error::Invalid(format!(
                    "could not switch the database to WAL mode (got {mode})"
                )));
            }
        }
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version > SCHEMA_VERSION as i64 {
            let where_ = path
                .as_ref()
                .map(|p| format!(" {}", p.display()))
                .unwrap_or_default();
            return Err(Error::SchemaTooNew(format!(
                "the database{where_} was written by a newer Panelist (schema version {version}; this build knows up to {SCHEMA_VERSION}). Upgrade Panelist to open it."
            )));
        }
        migrations().to_latest(&mut conn)?;
        let mut store = Store { conn, path };
        store.seed_builtin_bank()?;
        Ok(store)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Runs `f` in one IMMEDIATE transaction: all of it lands, or none.
    fn write<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    fn seed_builtin_bank(&mut self) -> Result<()> {
        let seeded: Option<String> = self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'builtin_bank_seeded'",
                [],
                |r| r.get(0),
            )
            .optional()?;
        if seeded.is_some() {
            return Ok(());
        }
        let bank = bank::builtin_bank()?;
        self.write(|tx| {
            store_bank(tx, &bank)?;
            tx.execute(
                "INSERT INTO meta (key, value) VALUES ('builtin_bank_seeded', '1')",
                [],
            )?;
            Ok(())
        })
    }

    /// `PRAGMA integrity_check`; `Ok(())` when the file is sound.
    pub fn integrity_check(&self) -> Result<()> {
        let rows: Vec<String> = self
            .conn
            .prepare("PRAGMA integrity_check")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if rows == ["ok"] {
            Ok(())
        } else {
            Err(Error::Invalid(format!(
                "integrity check failed: {}",
                rows.join("; ")
            )))
        }
    }

    /// Every row of every table as text, in a stable order: for checking that
    /// a refused operation changed nothing.
    pub fn dump(&self) -> Result<String> {
        let tables: Vec<String> = self
            .conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = String::new();
        for t in tables {
            out.push_str(&format!("== {t}\n"));
            let mut stmt = self
                .conn
                .prepare(&format!("SELECT * FROM \"{t}\" ORDER BY 1, 2"))?;
            let n = stmt.column_count();
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let cells: Vec<String> = (0..n)
                    .map(|i| r.get_ref(i).map(|v| format!("{v:?}")))
                    .collect::<rusqlite::Result<_>>()?;
                out.push_str(&cells.join(" | "));
                out.push('\n');
            }
        }
        Ok(out)
    }

    // -- bank ---------------------------------------------------------------

    pub fn competencies(&self) -> Result<Vec<Competency>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id, name, description FROM competency ORDER BY position, id")?;
        let rows = stmt
            .query_map([], |r| {
                Ok(Competency {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    description: r.get(2)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn questions(&self) -> Result<Vec<Question>> {
        let mut stmt = self
            .conn
            .prepare("SELECT doc FROM question ORDER BY position, id")?;
        let rows = stmt
            .query_map([], |r| from_json::<Question>(&r.get::<_, String>(0)?))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    pub fn question(&self, id: &str) -> Result<Question> {
        let doc: Option<String> = self
            .conn
            .query_row("SELECT doc FROM question WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        let doc =
            doc.ok_or_else(|| Error::NotFound(format!("no question with id {id:?} in the bank")))?;
        Ok(from_json(&doc)?)
    }

    pub fn kits(&self) -> Result<Vec<KitSummary>> {
        let ids: Vec<String> = self
            .conn
            .prepare("SELECT id FROM kit ORDER BY position, id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        ids.iter()
            .map(|id| {
                let kit = self.kit(id)?;
                let minutes: i64 = self.conn.query_row(
                    "SELECT COALESCE(SUM(q.minutes), 0) FROM kit_question kq JOIN question q ON q.id = kq.question_id WHERE kq.kit_id = ?1",
                    [id],
                    |r| r.get(0),
                )?;
                Ok(KitSummary {
                    id: kit.id,
                    name: kit.name,
                    description: kit.description,
                    questions: kit.questions,
                    minutes: minutes as u32,
                })
            })
            .collect()
    }

    /// A kit by id, or by name (case-insensitive).
    pub fn kit(&self, id_or_name: &str) -> Result<Kit> {
        let row: Option<(String, String, String)> = self
            .conn
            .query_row(
                "SELECT id, name, description FROM kit WHERE id = ?1 OR name = ?1 COLLATE NOCASE ORDER BY id = ?1 DESC LIMIT 1",
                [id_or_name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let (id, name, description) =
            row.ok_or_else(|| Error::NotFound(format!("no kit with id or name {id_or_name:?}")))?;
        let questions = self
            .conn
            .prepare("SELECT question_id FROM kit_question WHERE kit_id = ?1 ORDER BY position")?
            .query_map([&id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Kit {
            id,
            name,
            description,
            questions,
        })
    }

    fn known_ids(&self) -> Result<KnownIds> {
        let competencies = self.competencies()?.into_iter().map(|c| c.id).collect();
        let questions = self
            .conn
            .prepare("SELECT id FROM question")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<BTreeSet<String>>>()?;
        Ok(KnownIds {
            competencies,
            questions,
        })
    }

    /// Imports a bank file: new questions are added, questions with an
    /// existing id replace the stored ones (past sessions keep their
    /// snapshots), competencies and kits are added or replaced. All or nothing.
    pub fn import_bank(&mut self, file: &BankFile) -> Result<BankImportReport> {
        let valid = file.validate(&self.known_ids()?)?;
        self.write(|tx| store_bank(tx, &valid))
    }

    /// Parses, validates and imports bank file bytes.
    pub fn import_bank_bytes(&mut self, bytes: &[u8]) -> Result<BankImportReport> {
        let file = bank::parse_bank(bytes)?;
        self.import_bank(&file)
    }

    /// The whole bank as a bank file.
    pub fn export_bank(&self) -> Result<BankFile> {
        let kits: Vec<Kit> = self
            .kits()?
            .into_iter()
            .map(|k| self.kit(&k.id))
            .collect::<Result<_>>()?;
        Ok(BankFile::from_parts(
            self.competencies()?,
            &self.questions()?,
            &kits,
        ))
    }

    /// Saves a kit (creating or replacing it by id).
    pub fn save_kit(&mut self, kit: &Kit) -> Result<()> {
        if !bank::is_slug(&kit.id) {
            return Err(Error::invalid(format!(
                "{:?} is not a valid kit id",
                kit.id
            )));
        }
        if kit.name.trim().is_empty() {
            return Err(Error::invalid("a kit needs a name"));
        }
        if kit.questions.is_empty() {
            return Err(Error::invalid("a kit needs at least one question"));
        }
        let known = self.known_ids()?;
        for q in &kit.questions {
            if !known.questions.contains(q) {
                return Err(Error::NotFound(format!(
                    "no question with id {q:?} in the bank"
                )));
            }
        }
        self.write(|tx| store_kit(tx, kit))
    }

    // -- settings -----------------------------------------------------------

    /// A remembered preference (e.g. the interviewer's name), if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT value FROM meta WHERE key = ?1",
                [format!("setting.{key}")],
                |r| r.get(0),
            )
            .optional()?)
    }

    /// Remembers a preference.
    pub fn set_setting(&mut self, key: &str, value: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                params![format!("setting.{key}"), value],
            )?;
            Ok(())
        })
    }

    // -- sessions -----------------------------------------------------------

    /// Creates a session in the draft state with a snapshot of each question.
    /// `candidate_id` is used only when the candidate is new.
    pub fn create_session(
        &mut self,
        new: &NewSession,
        session_id: Uuid,
        candidate_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        new.check()?;
        let competencies = self.competencies()?;
        let questions: Vec<Question> = new
            .question_ids
            .iter()
            .map(|id| self.question(id))
            .collect::<Result<_>>()?;
        self.write(|tx| {
            let name = new.candidate.trim();
            let existing: Option<String> = tx
                .query_row("SELECT id FROM candidate WHERE name = ?1", [name], |r| r.get(0))
                .optional()?;
            let cid = match existing {
                Some(id) => id,
                None => {
                    tx.execute("INSERT INTO candidate (id, name) VALUES (?1, ?2)", params![candidate_id.to_string(), name])?;
                    candidate_id.to_string()
                }
            };
            tx.execute(
                "INSERT INTO session (id, candidate_id, interviewer, role, kit_name, status, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'draft', ?6, ?6)",
                params![session_id.to_string(), cid, new.interviewer.trim(), new.role.trim(), new.kit, ts(now)],
            )?;
            for (i, q) in questions.iter().enumerate() {
                tx.execute(
                    "INSERT INTO entry (session_id, position, question_id, competency_name, snapshot) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![session_id.to_string(), i as i64, q.id, competency_name(&competencies, &q.competency), to_json(q)],
                )?;
            }
            Ok(())
        })?;
        self.session(session_id)
    }

    pub fn session(&self, id: Uuid) -> Result<Session> {
        load_session(&self.conn, id)
    }

    /// Finds a session by full id or by a unique prefix of its id.
    pub fn find_session_id(&self, text: &str) -> Result<Uuid> {
        let t = text.trim().to_ascii_lowercase();
        if let Ok(id) = Uuid::parse_str(&t) {
            let n: i64 = self.conn.query_row(
                "SELECT count(*) FROM session WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )?;
            return if n == 1 {
                Ok(id)
            } else {
                Err(Error::NotFound(format!("no session with id {text:?}")))
            };
        }
        if t.len() < 4 || !t.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-') {
            return Err(Error::NotFound(format!("no session with id {text:?}")));
        }
        let ids: Vec<String> = self
            .conn
            .prepare("SELECT id FROM session WHERE id LIKE ?1 || '%' LIMIT 2")?
            .query_map([&t], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match ids.as_slice() {
            [one] => Ok(Uuid::parse_str(one).expect("stored ids are uuids")),
            [] => Err(Error::NotFound(format!("no session with id {text:?}"))),
            _ => Err(Error::invalid(format!(
                "session id prefix {text:?} is ambiguous; give more characters"
            ))),
        }
    }

    pub fn sessions(&self, filter: &SessionFilter) -> Result<Vec<SessionSummary>> {
        let text = filter.text.as_deref().map(|t| {
            format!(
                "%{}%",
                t.trim()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_")
            )
        });
        let mut stmt = self.conn.prepare(
            "SELECT s.id, c.name, s.interviewer, s.role, s.kit_name, s.status, s.created_at, s.started_at, s.finished_at,
                    (SELECT count(*) FROM entry e WHERE e.session_id = s.id),
                    (SELECT count(*) FROM entry e WHERE e.session_id = s.id AND e.score IS NOT NULL),
                    s.recommendation, s.imported
             FROM session s JOIN candidate c ON c.id = s.candidate_id
             WHERE (?1 IS NULL OR c.name = ?1)
               AND (?2 IS NULL OR c.name LIKE ?2 ESCAPE '\\' OR s.interviewer LIKE ?2 ESCAPE '\\' OR s.role LIKE ?2 ESCAPE '\\')
             ORDER BY s.created_at DESC, s.id DESC",
        )?;
        let rows = stmt
            .query_map(
                params![filter.candidate.as_deref().map(str::trim), text],
                |r| {
                    Ok(SessionSummary {
                        id: parse_uuid(&r.get::<_, String>(0)?)?,
                        candidate: r.get(1)?,
                        interviewer: r.get(2)?,
                        role: r.get(3)?,
                        kit: r.get(4)?,
                        status: parse_status(&r.get::<_, String>(5)?)?,
                        created_at: parse_ts(&r.get::<_, String>(6)?)?,
                        started_at: parse_opt_ts(r.get(7)?)?,
                        finished_at: parse_opt_ts(r.get(8)?)?,
                        questions: r.get(9)?,
                        scored: r.get(10)?,
                        recommendation: parse_opt_rec(r.get(11)?)?,
                        imported: r.get(12)?,
                    })
                },
            )?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    /// Moves a draft session to in progress (no-op if already started).
    pub fn start_session(&mut self, id: Uuid, now: DateTime<Utc>) -> Result<Session> {
        self.write(|tx| {
            open_for_change(tx, id, now)?;
            Ok(())
        })?;
        self.session(id)
    }

    /// Sets (or with `None` clears) the score of one question. Clears `skipped`.
    pub fn set_score(
        &mut self,
        id: Uuid,
        question_id: &str,
        level: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            open_for_change(tx, id, now)?;
            let q = entry_question(tx, id, question_id)?;
            if let Some(v) = level {
                q.rubric.check(question_id, v)?;
            }
            tx.execute(
                "UPDATE entry SET score = ?3, skipped = 0 WHERE session_id = ?1 AND question_id = ?2",
                params![id.to_string(), question_id, level],
            )?;
            Ok(())
        })
    }

    /// Marks a question skipped (clearing its score) or not skipped.
    pub fn set_skipped(
        &mut self,
        id: Uuid,
        question_id: &str,
        skipped: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            open_for_change(tx, id, now)?;
            entry_question(tx, id, question_id)?;
            tx.execute(
                "UPDATE entry SET skipped = ?3, score = CASE WHEN ?3 THEN NULL ELSE score END WHERE session_id = ?1 AND question_id = ?2",
                params![id.to_string(), question_id, skipped],
            )?;
            Ok(())
        })
    }

    /// Replaces the notes of one question.
    pub fn set_notes(
        &mut self,
        id: Uuid,
        question_id: &str,
        notes: &str,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            open_for_change(tx, id, now)?;
            entry_question(tx, id, question_id)?;
            tx.execute(
                "UPDATE entry SET notes = ?3 WHERE session_id = ?1 AND question_id = ?2",
                params![id.to_string(), question_id, notes],
            )?;
            Ok(())
        })
    }

    /// Ticks or unticks a look-for (by index into the snapshot's list).
    pub fn set_look_for(
        &mut self,
        id: Uuid,
        question_id: &str,
        index: u32,
        on: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.toggle_list(id, question_id, index, on, now, ListField::LookFors)
    }

    /// Ticks or unticks a follow-up as asked.
    pub fn set_follow_up(
        &mut self,
        id: Uuid,
        question_id: &str,
        index: u32,
        on: bool,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.toggle_list(id, question_id, index, on, now, ListField::FollowUps)
    }

    fn toggle_list(
        &mut self,
        id: Uuid,
        question_id: &str,
        index: u32,
        on: bool,
        now: DateTime<Utc>,
        field: ListField,
    ) -> Result<()> {
        self.write(|tx| {
            open_for_change(tx, id, now)?;
            let q = entry_question(tx, id, question_id)?;
            let (len, column, what) = match field {
                ListField::LookFors => (q.look_fors.len(), "look_fors_hit", "look-for"),
                ListField::FollowUps => (q.follow_ups.len(), "follow_ups_asked", "follow-up"),
            };
            if index as usize >= len {
                return Err(Error::invalid(format!(
                    "question {question_id:?} has {len} {what}s; there is no {what} number {}",
                    index + 1
                )));
            }
            let current: String = tx.query_row(
                &format!("SELECT {column} FROM entry WHERE session_id = ?1 AND question_id = ?2"),
                params![id.to_string(), question_id],
                |r| r.get(0),
            )?;
            let mut set: BTreeSet<u32> = from_json::<Vec<u32>>(&current)?.into_iter().collect();
            if on {
                set.insert(index);
            } else {
                set.remove(&index);
            }
            let list: Vec<u32> = set.into_iter().collect();
            tx.execute(
                &format!(
                    "UPDATE entry SET {column} = ?3 WHERE session_id = ?1 AND question_id = ?2"
                ),
                params![id.to_string(), question_id, to_json(&list)],
            )?;
            Ok(())
        })
    }

    /// Adds time spent on a question.
    pub fn add_time(
        &mut self,
        id: Uuid,
        question_id: &str,
        seconds: u64,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.write(|tx| {
            open_for_change(tx, id, now)?;
            entry_question(tx, id, question_id)?;
            tx.execute(
                "UPDATE entry SET seconds_spent = seconds_spent + ?3 WHERE session_id = ?1 AND question_id = ?2",
                params![id.to_string(), question_id, seconds as i64],
            )?;
            Ok(())
        })
    }

    /// Saves summary, red flags and recommendation before submission.
    pub fn set_wrap_up(&mut self, id: Uuid, wrap: &WrapUp, now: DateTime<Utc>) -> Result<()> {
        self.write(|tx| {
            open_for_change(tx, id, now)?;
            let flags: Vec<&str> = wrap.red_flags.iter().map(|f| f.trim()).filter(|f| !f.is_empty()).collect();
            tx.execute(
                "UPDATE session SET summary = ?2, red_flags = ?3, recommendation = ?4 WHERE id = ?1",
                params![id.to_string(), wrap.summary, to_json(&flags), wrap.recommendation.map(Recommendation::as_str)],
            )?;
            Ok(())
        })
    }

    /// Submits the session with its recommendation; it is locked afterwards.
    pub fn submit(
        &mut self,
        id: Uuid,
        recommendation: Recommendation,
        summary: Option<&str>,
        audit_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        self.write(|tx| {
            let s = open_for_change(tx, id, now)?;
            tx.execute(
                "UPDATE session SET status = 'submitted', finished_at = ?2, recommendation = ?3, summary = COALESCE(?4, summary) WHERE id = ?1",
                params![id.to_string(), ts(now), recommendation.as_str(), summary],
            )?;
            insert_audit(tx, &AuditEvent {
                id: audit_id,
                at: now,
                actor: s.interviewer,
                action: "submit".into(),
                question_id: None,
                old_value: None,
                new_value: Some(recommendation.as_str().into()),
                reason: None,
            }, id)?;
            Ok(())
        })?;
        self.session(id)
    }

    /// Changes the score of a submitted session, with a required reason, and
    /// records old and new values in the audit log.
    pub fn amend_score(
        &mut self,
        id: Uuid,
        question_id: &str,
        level: i64,
        reason: &str,
        audit_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Session> {
        let reason = check_reason(reason)?.to_string();
        self.write(|tx| {
            let s = session_head(tx, id)?;
            if s.status != Status::Submitted {
                return Err(Error::invalid(format!(
                    "session {id} is not submitted yet; change the score directly instead of amending it"
                )));
            }
            if s.imported {
                return Err(Error::Locked(format!("session {id} was imported from another machine and is read-only here")));
            }
            let q = entry_question(tx, id, question_id)?;
            q.rubric.check(question_id, level)?;
            let old: Option<i64> = tx.query_row(
                "SELECT score FROM entry WHERE session_id = ?1 AND question_id = ?2",
                params![id.to_string(), question_id],
                |r| r.get(0),
            )?;
            if old == Some(level) {
                return Err(Error::invalid(format!("question {question_id:?} already has level {level}; nothing to amend")));
            }
            tx.execute(
                "UPDATE entry SET score = ?3, skipped = 0 WHERE session_id = ?1 AND question_id = ?2",
                params![id.to_string(), question_id, level],
            )?;
            bump(tx, id, now)?;
            insert_audit(tx, &AuditEvent {
                id: audit_id,
                at: now,
                actor: s.interviewer,
                action: "amend-score".into(),
                question_id: Some(question_id.into()),
                old_value: old.map(|v| v.to_string()),
                new_value: Some(level.to_string()),
                reason: Some(reason.clone()),
            }, id)?;
            Ok(())
        })?;
        self.session(id)
    }
}

#[derive(Clone, Copy)]
enum ListField {
    LookFors,
    FollowUps,
}

fn parse_uuid(s: &str) -> rusqlite::Result<Uuid> {
    Uuid::parse_str(s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn parse_status(s: &str) -> rusqlite::Result<Status> {
    Status::parse(s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

fn parse_opt_rec(s: Option<String>) -> rusqlite::Result<Option<Recommendation>> {
    s.map(|s| {
        Recommendation::parse(&s).map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
    })
    .transpose()
}

struct Head {
    interviewer: String,
    status: Status,
    imported: bool,
}

fn session_head(tx: &Transaction, id: Uuid) -> Result<Head> {
    tx.query_row(
        "SELECT interviewer, status, imported FROM session WHERE id = ?1",
        [id.to_string()],
        |r| {
            Ok(Head {
                interviewer: r.get(0)?,
                status: parse_status(&r.get::<_, String>(1)?)?,
                imported: r.get(2)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| Error::NotFound(format!("no session with id {id}")))
}

/// Checks that the session may change (exists, not submitted, not imported),
/// starts it if it was a draft, and bumps its revision.
fn open_for_change(tx: &Transaction, id: Uuid, now: DateTime<Utc>) -> Result<Head> {
    let head = session_head(tx, id)?;
    if head.imported {
        return Err(Error::Locked(format!(
            "session {id} was imported from another machine and is read-only here"
        )));
    }
    if head.status == Status::Submitted {
        return Err(Error::Locked(format!(
            "session {id} is submitted and locked; a score can only change through an amendment with a reason"
        )));
    }
    tx.execute(
        "UPDATE session SET status = 'in_progress', started_at = COALESCE(started_at, ?2) WHERE id = ?1 AND status = 'draft'",
        params![id.to_string(), ts(now)],
    )?;
    bump(tx, id, now)?;
    Ok(head)
}

fn bump(tx: &Transaction, id: Uuid, now: DateTime<Utc>) -> Result<()> {
    tx.execute(
        "UPDATE session SET revision = revision + 1, updated_at = ?2 WHERE id = ?1",
        params![id.to_string(), ts(now)],
    )?;
    Ok(())
}

fn entry_question(tx: &Transaction, id: Uuid, question_id: &str) -> Result<Question> {
    let doc: Option<String> = tx
        .query_row(
            "SELECT snapshot FROM entry WHERE session_id = ?1 AND question_id = ?2",
            params![id.to_string(), question_id],
            |r| r.get(0),
        )
        .optional()?;
    let doc = doc
        .ok_or_else(|| Error::NotFound(format!("session {id} has no question {question_id:?}")))?;
    Ok(from_json(&doc)?)
}

fn insert_audit(tx: &Transaction, e: &AuditEvent, session: Uuid) -> Result<()> {
    tx.execute(
        "INSERT INTO audit (id, session_id, at, actor, action, question_id, old_value, new_value, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![e.id.to_string(), session.to_string(), ts(e.at), e.actor, e.action, e.question_id, e.old_value, e.new_value, e.reason],
    )?;
    Ok(())
}

fn store_bank(tx: &Transaction, bank: &ValidBank) -> Result<BankImportReport> {
    let mut report = BankImportReport {
        competencies: bank.competencies.len(),
        kits: bank.kits.len(),
        ..Default::default()
    };
    let next_pos = |table: &str| -> rusqlite::Result<i64> {
        tx.query_row(
            &format!("SELECT COALESCE(MAX(position) + 1, 0) FROM {table}"),
            [],
            |r| r.get(0),
        )
    };
    for c in &bank.competencies {
        let pos = next_pos("competency")?;
        tx.execute(
            "INSERT INTO competency (id, name, description, position) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description",
            params![c.id, c.name, c.description, pos],
        )?;
    }
    for q in &bank.questions {
        let exists: bool = tx.query_row(
            "SELECT EXISTS(SELECT 1 FROM question WHERE id = ?1)",
            [&q.id],
            |r| r.get(0),
        )?;
        if exists {
            report.questions_updated += 1;
        } else {
            report.questions_added += 1;
        }
        let pos = next_pos("question")?;
        tx.execute(
            "INSERT INTO question (id, competency_id, seniority, kind, prompt, minutes, doc, position)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT(id) DO UPDATE SET competency_id = excluded.competency_id, seniority = excluded.seniority,
                kind = excluded.kind, prompt = excluded.prompt, minutes = excluded.minutes, doc = excluded.doc",
            params![q.id, q.competency, q.seniority.as_str(), q.kind.as_str(), q.prompt, q.minutes, to_json(q), pos],
        )?;
    }
    for k in &bank.kits {
        store_kit(tx, k)?;
    }
    Ok(report)
}

fn store_kit(tx: &Transaction, k: &Kit) -> Result<()> {
    let pos: i64 = tx.query_row("SELECT COALESCE(MAX(position) + 1, 0) FROM kit", [], |r| {
        r.get(0)
    })?;
    tx.execute(
        "INSERT INTO kit (id, name, description, position) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description",
        params![k.id, k.name, k.description, pos],
    )?;
    tx.execute("DELETE FROM kit_question WHERE kit_id = ?1", [&k.id])?;
    for (i, q) in k.questions.iter().enumerate() {
        tx.execute(
            "INSERT INTO kit_question (kit_id, position, question_id) VALUES (?1, ?2, ?3)",
            params![k.id, i as i64, q],
        )?;
    }
    Ok(())
}

fn load_session(conn: &Connection, id: Uuid) -> Result<Session> {
    let sid = id.to_string();
    let head = conn
        .query_row(
            "SELECT c.id, c.name, s.interviewer, s.role, s.kit_name, s.status, s.created_at, s.started_at, s.finished_at,
                    s.updated_at, s.revision, s.summary, s.red_flags, s.recommendation
             FROM session s JOIN candidate c ON c.id = s.candidate_id WHERE s.id = ?1",
            [&sid],
            |r| {
                Ok(Session {
                    id,
                    candidate: Candidate { id: parse_uuid(&r.get::<_, String>(0)?)?, name: r.get(1)? },
                    interviewer: r.get(2)?,
                    role: r.get(3)?,
                    kit: r.get(4)?,
                    status: parse_status(&r.get::<_, String>(5)?)?,
                    created_at: parse_ts(&r.get::<_, String>(6)?)?,
                    started_at: parse_opt_ts(r.get(7)?)?,
                    finished_at: parse_opt_ts(r.get(8)?)?,
                    updated_at: parse_ts(&r.get::<_, String>(9)?)?,
                    revision: r.get::<_, i64>(10)? as u64,
                    entries: Vec::new(),
                    summary: r.get(11)?,
                    red_flags: from_json(&r.get::<_, String>(12)?)?,
                    recommendation: parse_opt_rec(r.get(13)?)?,
                    audit: Vec::new(),
                })
            },
        )
        .optional()?;
    let mut session = head.ok_or_else(|| Error::NotFound(format!("no session with id {id}")))?;
    session.entries = conn
        .prepare(
            "SELECT snapshot, competency_name, score, skipped, look_fors_hit, follow_ups_asked, notes, seconds_spent
             FROM entry WHERE session_id = ?1 ORDER BY position",
        )?
        .query_map([&sid], |r| {
            Ok(Entry {
                question: from_json(&r.get::<_, String>(0)?)?,
                competency_name: r.get(1)?,
                score: r.get(2)?,
                skipped: r.get(3)?,
                look_fors_hit: from_json(&r.get::<_, String>(4)?)?,
                follow_ups_asked: from_json(&r.get::<_, String>(5)?)?,
                notes: r.get(6)?,
                seconds_spent: r.get::<_, i64>(7)? as u64,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    session.audit = conn
        .prepare(
            "SELECT id, at, actor, action, question_id, old_value, new_value, reason
             FROM audit WHERE session_id = ?1 ORDER BY at, id",
        )?
        .query_map([&sid], |r| {
            Ok(AuditEvent {
                id: parse_uuid(&r.get::<_, String>(0)?)?,
                at: parse_ts(&r.get::<_, String>(1)?)?,
                actor: r.get(2)?,
                action: r.get(3)?,
                question_id: r.get(4)?,
                old_value: r.get(5)?,
                new_value: r.get(6)?,
                reason: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(session)
}

/// What importing one session file did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImportOutcome {
    /// A session this database did not have.
    Added,
    /// The same session with the same content: nothing to do.
    Unchanged,
    /// A newer revision replaced the stored one; what changed.
    Replaced { changes: Vec<String> },
    /// The file is an older revision than the stored one, which is kept.
    KeptNewer {
        #[ts(type = "number")]
        stored_revision: u64,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ImportResult {
    pub session_id: Uuid,
    pub candidate: String,
    pub interviewer: String,
    pub outcome: ImportOutcome,
}

/// A session with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, ts_rs::TS)]
#[ts(export)]
pub struct PanelSession {
    pub session: Session,
    /// True when it came from another interviewer's session file.
    pub imported: bool,
}

impl Store {
    /// Imports verified session files in one transaction: either every file
    /// is imported (or found unchanged), or nothing is. Imported sessions are
    /// read-only here.
    pub fn import_sessions(
        &mut self,
        files: &[crate::session_file::SessionFile],
    ) -> Result<Vec<ImportResult>> {
        for f in files {
            check_importable(&f.session)?;
        }
        let mut seen = BTreeSet::new();
        for f in files {
            if !seen.insert(f.session.id)
                && files
                    .iter()
                    .filter(|g| g.session.id == f.session.id)
                    .any(|g| g.content_hash != f.content_hash)
            {
                return Err(Error::Conflict(format!(
                    "two of the files hold different versions of session {}; import them one at a time",
                    f.session.id
                )));
            }
        }
        self.write(|tx| {
            let mut out = Vec::with_capacity(files.len());
            for f in files {
                let s = &f.session;
                let outcome = import_one(tx, s)?;
                out.push(ImportResult {
                    session_id: s.id,
                    candidate: s.candidate.name.clone(),
                    interviewer: s.interviewer.clone(),
                    outcome,
                });
            }
            Ok(out)
        })
    }

    /// Every session of a candidate (matched by name, case-insensitive),
    /// own and imported, oldest first.
    pub fn candidate_sessions(&self, candidate: &str) -> Result<Vec<PanelSession>> {
        let rows: Vec<(String, bool)> = self
            .conn
            .prepare(
                "SELECT s.id, s.imported FROM session s JOIN candidate c ON c.id = s.candidate_id
                 WHERE c.name = ?1 ORDER BY s.created_at, s.id",
            )?
            .query_map([candidate.trim()], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        if rows.is_empty() {
            return Err(Error::NotFound(format!(
                "no sessions for candidate {candidate:?}"
            )));
        }
        rows.into_iter()
            .map(|(id, imported)| {
                Ok(PanelSession {
                    session: load_session(&self.conn, parse_uuid(&id)?)?,
                    imported,
                })
            })
            .collect()
    }

    /// Every session, own and imported (for calibration and candidate
    /// comparison), oldest first.
    pub fn all_sessions(&self) -> Result<Vec<PanelSession>> {
        let rows: Vec<(String, bool)> = self
            .conn
            .prepare("SELECT id, imported FROM session ORDER BY created_at, id")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        rows.into_iter()
            .map(|(id, imported)| {
                Ok(PanelSession {
                    session: load_session(&self.conn, parse_uuid(&id)?)?,
                    imported,
                })
            })
            .collect()
    }
}

/// Rules an imported session must meet beyond its hash.
fn check_importable(s: &Session) -> Result<()> {
    let what = |m: String| Error::invalid(format!("session file for {}: {m}", s.id));
    if s.candidate.name.trim().is_empty() {
        return Err(what("the candidate has no name".into()));
    }
    if s.interviewer.trim().is_empty() {
        return Err(what("the interviewer has no name".into()));
    }
    if s.entries.is_empty() {
        return Err(what("the session has no questions".into()));
    }
    let mut ids = BTreeSet::new();
    for (i, e) in s.entries.iter().enumerate() {
        let q = &e.question;
        if !ids.insert(q.id.as_str()) {
            return Err(what(format!(
                "entries[{i}]: question {:?} appears twice",
                q.id
            )));
        }
        if let Some(v) = e.score {
            q.rubric
                .check(&q.id, v)
                .map_err(|err| what(format!("entries[{i}]: {err}")))?;
        }
        if e.look_fors_hit
            .iter()
            .any(|j| *j as usize >= q.look_fors.len())
        {
            return Err(what(format!(
                "entries[{i}]: a ticked look-for is out of range"
            )));
        }
        if e.follow_ups_asked
            .iter()
            .any(|j| *j as usize >= q.follow_ups.len())
        {
            return Err(what(format!(
                "entries[{i}]: an asked follow-up is out of range"
            )));
        }
    }
    Ok(())
}

fn import_one(tx: &Transaction, s: &Session) -> Result<ImportOutcome> {
    let sid = s.id.to_string();
    let existing: Option<bool> = tx
        .query_row("SELECT imported FROM session WHERE id = ?1", [&sid], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(imported) = existing else {
        let cid = import_candidate(tx, s)?;
        insert_session_row(tx, s, &cid)?;
        insert_entries(tx, s)?;
        for a in &s.audit {
            insert_audit(tx, a, s.id)?;
        }
        return Ok(ImportOutcome::Added);
    };
    let old = load_session(tx, s.id)?;
    // The candidate may be linked to a local record of the same name; that
    // link is not part of the session's content.
    let same_candidate = Session {
        candidate: old.candidate.clone(),
        ..s.clone()
    };
    if old == same_candidate {
        return Ok(ImportOutcome::Unchanged);
    }
    if !imported {
        return Err(Error::Conflict(format!(
            "session {} is {}'s own session on this machine and differs from the file; it cannot be replaced by an import",
            s.id, old.interviewer
        )));
    }
    if s.revision < old.revision {
        return Ok(ImportOutcome::KeptNewer {
            stored_revision: old.revision,
        });
    }
    let audit_prefix =
        old.audit.len() <= s.audit.len() && old.audit.iter().zip(&s.audit).all(|(a, b)| a == b);
    if s.revision == old.revision || !audit_prefix {
        return Err(Error::Conflict(format!(
            "session {} ({} on {}) has diverged: the stored copy (revision {}) and the file (revision {}) hold different edits; ask {} for a fresh export",
            s.id, s.interviewer, s.candidate.name, old.revision, s.revision, s.interviewer
        )));
    }
    let changes = describe_changes(&old, s);
    let cid: String = tx.query_row(
        "SELECT candidate_id FROM session WHERE id = ?1",
        [&sid],
        |r| r.get(0),
    )?;
    tx.execute("DELETE FROM entry WHERE session_id = ?1", [&sid])?;
    tx.execute(
        "UPDATE session SET interviewer = ?2, role = ?3, kit_name = ?4, status = ?5, created_at = ?6, started_at = ?7,
            finished_at = ?8, updated_at = ?9, revision = ?10, summary = ?11, red_flags = ?12, recommendation = ?13,
            candidate_id = ?14
         WHERE id = ?1",
        params![
            sid, s.interviewer, s.role, s.kit, s.status.as_str(), ts(s.created_at), s.started_at.map(ts),
            s.finished_at.map(ts), ts(s.updated_at), s.revision as i64, s.summary, to_json(&s.red_flags),
            s.recommendation.map(Recommendation::as_str), cid
        ],
    )?;
    insert_entries(tx, s)?;
    for a in &s.audit[old.audit.len()..] {
        insert_audit(tx, a, s.id)?;
    }
    Ok(ImportOutcome::Replaced { changes })
}

fn import_candidate(tx: &Transaction, s: &Session) -> Result<String> {
    let name = s.candidate.name.trim();
    let by_name: Option<String> = tx
        .query_row("SELECT id FROM candidate WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(id) = by_name {
        return Ok(id);
    }
    let cid = s.candidate.id.to_string();
    let id_taken: bool = tx.query_row(
        "SELECT EXISTS(SELECT 1 FROM candidate WHERE id = ?1)",
        [&cid],
        |r| r.get(0),
    )?;
    if !id_taken {
        tx.execute(
            "INSERT INTO candidate (id, name) VALUES (?1, ?2)",
            params![cid, name],
        )?;
    }
    Ok(cid)
}

fn insert_session_row(tx: &Transaction, s: &Session, cid: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO session (id, candidate_id, interviewer, role, kit_name, status, created_at, started_at, finished_at,
            updated_at, revision, summary, red_flags, recommendation, imported)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, 1)",
        params![
            s.id.to_string(), cid, s.interviewer, s.role, s.kit, s.status.as_str(), ts(s.created_at),
            s.started_at.map(ts), s.finished_at.map(ts), ts(s.updated_at), s.revision as i64, s.summary,
            to_json(&s.red_flags), s.recommendation.map(Recommendation::as_str)
        ],
    )?;
    Ok(())
}

fn insert_entries(tx: &Transaction, s: &Session) -> Result<()> {
    for (i, e) in s.entries.iter().enumerate() {
        tx.execute(
            "INSERT INTO entry (session_id, position, question_id, competency_name, snapshot, score, skipped,
                look_fors_hit, follow_ups_asked, notes, seconds_spent)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            params![
                s.id.to_string(), i as i64, e.question.id, e.competency_name, to_json(&e.question), e.score, e.skipped,
                to_json(&e.look_fors_hit), to_json(&e.follow_ups_asked), e.notes, e.seconds_spent as i64
            ],
        )?;
    }
    Ok(())
}

/// Human-readable differences between two revisions of one session.
fn describe_changes(old: &Session, new: &Session) -> Vec<String> {
    let mut out = Vec::new();
    if old.status != new.status {
        out.push(format!(
            "status {} → {}",
            old.status.as_str(),
            new.status.as_str()
        ));
    }
    if old.recommendation != new.recommendation {
        let r = |r: Option<Recommendation>| r.map(|r| r.label()).unwrap_or("none given");
        out.push(format!(
            "recommendation {} → {}",
            r(old.recommendation),
            r(new.recommendation)
        ));
    }
    if old.summary != new.summary {
        out.push("summary changed".into());
    }
    if old.red_flags != new.red_flags {
        out.push("red flags changed".into());
    }
    for e in &new.entries {
        let q = &e.question.id;
        let before = old.entry(q);
        let score = |x: Option<i64>| {
            x.map(|v| v.to_string())
                .unwrap_or_else(|| "unscored".into())
        };
        match before {
            None => out.push(format!("{q}: question added")),
            Some(b) => {
                if b.score != e.score {
                    out.push(format!(
                        "{q}: score {} → {}",
                        score(b.score),
                        score(e.score)
                    ));
                }
                if b.notes != e.notes {
                    out.push(format!("{q}: notes changed"));
                }
                if b.look_fors_hit != e.look_fors_hit || b.follow_ups_asked != e.follow_ups_asked {
                    out.push(format!("{q}: look-fors or follow-ups changed"));
                }
            }
        }
    }
    let added = new.audit.len().saturating_sub(old.audit.len());
    if added > 0 {
        out.push(format!("{added} new audit event(s)"));
    }
    if out.is_empty() {
        out.push(format!("revision {} → {}", old.revision, new.revision));
    }
    out
}
