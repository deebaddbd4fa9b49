//! The team server's client (docs/sync-protocol.md), shared by the CLI's
//! `panelist sync` and the desktop app: push what waits in the outbox
//! (`Store::outbox`), then pull what the server lets this user see and import
//! it through the same path as session files (`Store::import_sessions`), so
//! pulled sessions are verified, read-only here and sealed by the same rules.
//!
//! Blocking (ureq): callers with an async runtime run it on a blocking
//! thread. Nothing here holds anything across the network but the `Store`
//! it was given; each write is its own small transaction, so a crash or a
//! lost connection at any point loses nothing: a push the server stored but
//! whose answer was lost is pushed again and answers `unchanged`.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;
use ts_rs::TS;

use crate::import::{CandidateClash, ImportOptions, ImportOutcome};
use crate::session_file::SessionFile;
use crate::storage::Refused;
pub use crate::storage::{Erasure, Resolved, SetAside, SyncConflict};
use crate::team_token::TeamToken;
use crate::wire::EraseRequest;
use crate::wire::{
    BankQuery, Changes, ChangesQuery, ErrorBody, ErrorCode, InstallationKey, PlanPushResult, Plans,
    PlansQuery, PushOutcome, PushResult, Role, TeamBank, PROTOCOL_VERSION,
};
pub use crate::wire::{Erased, Me, Published};
use crate::{Error, Result, Store};

mod bank;
mod conflicts;
mod plans;
mod reach;

pub use reach::{ConnectionTest, Reach};

/// Settings the sync keeps in the database.
pub const URL_KEY: &str = "remote.url";
/// Where `panelist remote set` kept the token before it moved to the
/// keyring or a 0600 file ([`TeamToken`]); read once to move it out.
pub use crate::team_token::TOKEN_KEY;
pub const CURSOR_KEY: &str = "remote.cursor";
pub const CA_KEY: &str = "remote.ca_pem";
/// The server's name for this user, remembered from the last sync, so the
/// outbox can be counted while offline.
pub const USER_KEY: &str = "remote.user";
/// The team bank version last imported from the server (0 or absent: none).
pub const BANK_VERSION_KEY: &str = "remote.bank_version";
/// The cursor of the server's plan feed (`GET /v1/plans`) last imported.
pub const PLANS_CURSOR_KEY: &str = "remote.plans_cursor";
const PAGE: i64 = 100;
/// The largest reply read from the server: a page is at most 4 MiB of
/// session files, or one session of at most 16 MiB (the session file
/// limit); the body is read as a stream and a longer one is refused.
pub const MAX_REPLY_BYTES: u64 = 20 * 1024 * 1024;

/// Reads a reply's body as a stream, up to [`MAX_REPLY_BYTES`].
fn read_capped(resp: ureq::Response) -> Result<String, Failure> {
    use std::io::Read;
    let mut body = Vec::new();
    resp.into_reader()
        .take(MAX_REPLY_BYTES + 1)
        .read_to_end(&mut body)
        .map_err(|e| Failure::Transport(Reach::Other, format!("the reply broke off: {e}")))?;
    if body.len() as u64 > MAX_REPLY_BYTES {
        return Err(Failure::Reply(format!(
            "the reply is larger than {MAX_REPLY_BYTES} bytes"
        )));
    }
    String::from_utf8(body).map_err(|_| Failure::Reply("the reply is not UTF-8".into()))
}

/// Where the team server is and how to sign in.
#[derive(Debug, Clone)]
pub struct RemoteConfig {
    pub url: String,
    pub token: String,
    /// Trust only this CA (PEM) for the server's certificate.
    pub ca_pem: Option<String>,
}

/// Checks and normalises a server URL (no trailing slash).
pub fn normalise_url(url: &str) -> Result<String> {
    let url = url.trim().trim_end_matches('/').to_string();
    if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() < 10 {
        return Err(Error::Invalid(format!(
            "url: {url:?} is not an http:// or https:// URL"
        )));
    }
    Ok(url)
}

/// Remembers the server URL; another server's change feed starts from the
/// beginning, so the cursor is reset when the URL changes.
pub fn set_server(store: &mut Store, url: &str) -> Result<String> {
    let url = normalise_url(url)?;
    if store.setting(URL_KEY)?.as_deref() != Some(url.as_str()) {
        store.set_setting(URL_KEY, &url)?;
        store.set_setting(CURSOR_KEY, "")?;
        store.set_setting(USER_KEY, "")?;
        store.set_setting(BANK_VERSION_KEY, "")?;
        store.set_setting(PLANS_CURSOR_KEY, "")?;
    }
    Ok(url)
}

/// A team bank version pulled and imported into the local bank.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct BankPulled {
    #[ts(type = "number")]
    pub version: u64,
    pub published_by: String,
    #[ts(type = "number")]
    pub questions_added: usize,
    /// Questions that got a new revision here.
    #[ts(type = "number")]
    pub questions_updated: usize,
    #[ts(type = "number")]
    pub kits: usize,
}

impl BankPulled {
    /// The one sentence that says what this pull did, for the CLI and the
    /// app alike.
    pub fn sentence(&self) -> String {
        format!(
            "team bank version {} from {}: {} questions added, {} updated (new revisions), {} kits added or changed",
            self.version,
            self.published_by,
            self.questions_added,
            self.questions_updated,
            self.kits
        )
    }
}

/// An HTTP failure: the server's `{code, message}`, a reply that is not
/// what the protocol says, or a transport error.
enum Failure {
    Api {
        status: u16,
        /// `None` when the body was not a `{code, message}` this build knows.
        code: Option<ErrorCode>,
        message: String,
    },
    Reply(String),
    /// No HTTP answer: why ([`reach::transport`]), and the sentence.
    Transport(Reach, String),
}

impl Failure {
    fn into_error(self, url: &str) -> Error {
        match self {
            Failure::Api {
                status,
                code,
                message,
            } => {
                let code = code.map_or("http", ErrorCode::as_str);
                let msg = format!("the team server said {status} {code}: {message}");
                match status {
                    409 => Error::Conflict(msg),
                    _ => Error::Invalid(msg),
                }
            }
            Failure::Reply(e) => {
                Error::Invalid(format!("the team server sent an unexpected reply: {e}"))
            }
            Failure::Transport(_, e) => {
                Error::Io(format!("cannot reach the team server {url}: {e}"))
            }
        }
    }
}

/// A configured server connection.
pub struct Remote {
    pub url: String,
    token: String,
    agent: ureq::Agent,
}

impl Remote {
    pub fn new(config: &RemoteConfig) -> Result<Remote> {
        let url = normalise_url(&config.url)?;
        let token = config.token.trim().to_string();
        if token.is_empty() {
            return Err(Error::Invalid("token: the token is empty".into()));
        }
        let mut agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(10))
            .timeout(Duration::from_secs(60));
        if let Some(pem) = config.ca_pem.as_deref().filter(|p| !p.is_empty()) {
            agent = agent.tls_config(Arc::new(tls_trusting(pem.as_bytes())?));
        }
        Ok(Remote {
            url,
            token,
            agent: agent.build(),
        })
    }

    /// The server set for this database (URL and CA in its settings, the
    /// token in its [`TeamToken`] store), or `None` when no server or no
    /// token is set. A token an earlier version kept in the settings is
    /// moved out of the database first. Blocking (the keyring is a D-Bus call).
    pub fn configured(store: &mut Store) -> Result<Option<Remote>> {
        let keeper = TeamToken::for_store(store)?;
        keeper.adopt_from_settings(store)?;
        let url = store.setting(URL_KEY)?.filter(|u| !u.is_empty());
        match (url, keeper.load()) {
            (Some(url), Some((token, _))) => Remote::new(&RemoteConfig {
                url,
                token,
                ca_pem: store.setting(CA_KEY)?,
            })
            .map(Some),
            _ => Ok(None),
        }
    }

    /// [`Remote::configured`], or an error saying how to set it.
    pub fn from_store(store: &mut Store) -> Result<Remote> {
        Remote::configured(store)?.ok_or_else(|| {
            Error::Invalid("no team server set: run `panelist remote set URL` (the token from PANELIST_TOKEN or standard input)".into())
        })
    }

    /// One request; the reply parsed as `T` (the one place a reply of the
    /// server is read).
    fn call<T: DeserializeOwned>(
        &self,
        req: ureq::Request,
        body: Option<&[u8]>,
    ) -> Result<T, Failure> {
        let req = req.set("Authorization", &format!("Bearer {}", self.token));
        let r = match body {
            Some(b) => req.set("Content-Type", "application/json").send_bytes(b),
            None => req.call(),
        };
        match r {
            Ok(resp) => {
                let text = read_capped(resp)?;
                serde_json::from_str(&text).map_err(|e| Failure::Reply(e.to_string()))
            }
            Err(ureq::Error::Status(status, resp)) => {
                let text = read_capped(resp).unwrap_or_default();
                let (code, message) = match serde_json::from_str::<ErrorBody>(&text) {
                    Ok(e) => (Some(e.code), e.message),
                    Err(_) => (None, text.chars().take(200).collect()),
                };
                Err(Failure::Api {
                    status,
                    code,
                    message,
                })
            }
            Err(ureq::Error::Transport(t)) => {
                let (reach, sentence) = reach::transport(&t, &self.url);
                Err(Failure::Transport(reach, sentence))
            }
        }
    }

    fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Failure> {
        self.call(self.agent.get(&format!("{}{path}", self.url)), None)
    }

    /// Publishes `store`'s whole bank as the team bank (admins only): the
    /// bank file `panelist bank export` writes. Unchanged bytes make no new
    /// version.
    pub fn publish_bank(&self, store: &Store) -> Result<Published> {
        let file = store.export_bank()?;
        let body = serde_json::to_vec_pretty(&file)
            .map_err(|e| Error::Invalid(format!("the bank cannot be written: {e}")))?;
        self.call(
            self.agent.put(&format!("{}/v1/bank", self.url)),
            Some(&body),
        )
        .map_err(|f| f.into_error(&self.url))
    }

    /// Erases a candidate on the server (admins): their sessions there go,
    /// and a tombstone erases them on every client at its next sync. The
    /// name travels in the body (`POST /v1/erasures`).
    pub fn erase_candidate(&self, name: &str) -> Result<Erased> {
        let body = serde_json::to_vec(&EraseRequest {
            candidate: name.to_string(),
        })
        .map_err(|e| Error::Invalid(format!("the erasure request: {e}")))?;
        self.call(
            self.agent.post(&format!("{}/v1/erasures", self.url)),
            Some(&body),
        )
        .map_err(|f| f.into_error(&self.url))
    }

    /// Who the token belongs to; checks the protocol version.
    pub fn me(&self) -> Result<Me> {
        let me: Me = self.get("/v1/me").map_err(|f| f.into_error(&self.url))?;
        if me.protocol != PROTOCOL_VERSION {
            return Err(Error::Invalid(format!(
                "the team server speaks sync protocol {}; this Panelist speaks {PROTOCOL_VERSION}",
                me.protocol
            )));
        }
        Ok(me)
    }
}

/// A TLS client configuration that trusts exactly the certificates in `pem`.
pub fn tls_trusting(pem: &[u8]) -> Result<rustls::ClientConfig> {
    let bad = |m: String| Error::Invalid(format!("the server CA certificate: {m}"));
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile::certs(&mut &pem[..]) {
        roots
            .add(cert.map_err(|e| bad(e.to_string()))?)
            .map_err(|e| bad(e.to_string()))?;
    }
    if roots.is_empty() {
        return Err(bad("no PEM certificate found".into()));
    }
    rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .map_err(|e| bad(e.to_string()))
        .map(|b| b.with_root_certificates(roots).with_no_client_auth())
}

/// One session that moved, for the report.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Moved {
    pub candidate: String,
    pub interviewer: String,
    #[ts(type = "number")]
    pub revision: u64,
    /// `pushed`, `added` or `updated: ...` (what changed).
    pub what: String,
}

/// What one sync did.
#[derive(Debug, Clone, Default, Serialize, TS)]
#[ts(export)]
pub struct SyncReport {
    pub server: String,
    pub user: String,
    pub pushed: Vec<Moved>,
    /// Pushed again and already held by the server (an earlier answer lost).
    #[ts(type = "number")]
    pub already_there: usize,
    pub pulled: Vec<Moved>,
    #[ts(type = "number")]
    pub already_here: usize,
    /// Submitted sessions on this machine by other interviewers: they sync
    /// with their own token.
    #[ts(type = "number")]
    pub others: usize,
    /// Own sessions in conflict with the server's copy (all of them, not
    /// only this sync's): a push refused with 409, or a differing copy
    /// pulled. Both copies are kept until the user takes the server's
    /// (`Store::take_server_copy`).
    pub conflicts: Vec<SyncConflict>,
    /// Other refused pushes, one line each.
    pub failures: Vec<String>,
    /// The team bank version imported by this sync, if a new one was published.
    pub bank: Option<BankPulled>,
    /// Pulled sessions this database refused to import, kept aside with the
    /// reason (all of them, not only this sync's); each is tried again when
    /// a newer revision arrives. The sync went on past them.
    pub set_aside: Vec<SetAside>,
    /// What the server's tombstones erased here in this sync.
    pub erased: Erasure,
    /// Pulled sessions and plans of a candidate erased here, dropped unread.
    #[ts(type = "number")]
    pub erased_dropped: usize,
    /// Own sessions the server refused because their candidate was erased
    /// there (410): erased here too.
    #[ts(type = "number")]
    pub erased_on_server: usize,
    /// Interview plans pushed (a lead's or admin's own) and pulled (the
    /// plans this user is in or coordinates), one line each.
    #[serde(default)]
    pub plans: Vec<String>,
}

fn same_person(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// How many of `user`'s sessions wait to be pushed (all own submitted
/// sessions when the user is not known yet), and how many are in conflict.
pub fn waiting(store: &Store) -> Result<(usize, usize)> {
    let user = store.setting(USER_KEY)?.unwrap_or_default();
    let mine = |who: &str| user.is_empty() || same_person(who, &user);
    let waiting = store
        .outbox()?
        .iter()
        .filter(|o| mine(&o.interviewer) && o.conflict.is_none())
        .count();
    let conflicts = store
        .sync_conflicts()?
        .iter()
        .filter(|c| mine(&c.interviewer))
        .count();
    Ok((waiting, conflicts))
}

/// This user's own sessions in conflict with the team server (all own
/// sessions' conflicts when the user is not known yet).
pub fn conflicts(store: &Store) -> Result<Vec<SyncConflict>> {
    let user = store.setting(USER_KEY)?.unwrap_or_default();
    Ok(store
        .sync_conflicts()?
        .into_iter()
        .filter(|c| user.is_empty() || same_person(&c.interviewer, &user))
        .collect())
}

/// Pushes what waits in the outbox (by the token's user), then pulls what
/// the server lets this user see and imports it. A lost connection ends the
/// sync with an `Error::Io`; what was pushed or pulled until then is
/// recorded, and the rest goes next time.
pub fn sync(
    store: &mut Store,
    remote: &Remote,
    from_start: bool,
    now: impl Fn() -> DateTime<Utc>,
) -> Result<SyncReport> {
    let me = remote.me()?;
    if store.setting(USER_KEY)?.as_deref() != Some(me.name.as_str()) {
        store.set_setting(USER_KEY, &me.name)?;
    }
    let mut report = SyncReport {
        server: remote.url.clone(),
        user: me.name.clone(),
        ..SyncReport::default()
    };

    // A lead's or admin's plans, then the plans this user is in.
    if me.role != Role::Interviewer {
        plans::push_plans(store, remote, &me.name, &mut report)?;
    }
    plans::pull_plans(store, remote, &mut report, from_start)?;

    // Push.
    for item in store.outbox()? {
        if !same_person(&item.interviewer, &me.name) {
            report.others += 1;
            continue;
        }
        // Refused before and unchanged since: listed below, not pushed.
        if item.conflict.is_some() {
            continue;
        }
        // Signed with this installation's key, as a file export would be.
        let file = store.session_file(item.id)?;
        let body = file.to_json();
        let r: Result<PushResult, Failure> = remote.call(
            remote.agent.post(&format!("{}/v1/sessions", remote.url)),
            Some(body.as_bytes()),
        );
        match r {
            Ok(p) => {
                store.record_push(item.id, item.revision, &p.content_hash, now(), None)?;
                match p.result {
                    PushOutcome::Unchanged => report.already_there += 1,
                    PushOutcome::Stored => report.pushed.push(Moved {
                        candidate: item.candidate,
                        interviewer: item.interviewer,
                        revision: item.revision,
                        what: "pushed".into(),
                    }),
                }
            }
            Err(Failure::Reply(e)) => report
                .failures
                .push(format!("{}: unexpected reply: {e}", item.id)),
            Err(Failure::Transport(_, e)) => {
                return Err(Error::Io(format!(
                    "cannot reach the team server {}: {e}",
                    remote.url
                )))
            }
            // The candidate was erased on the server after this session was
            // created: it goes here too, through the same erasure.
            Err(Failure::Api { status: 410, .. }) => {
                store.delete_session(item.id, uuid::Uuid::now_v7(), now())?;
                report.erased_on_server += 1;
            }
            Err(Failure::Api {
                code: Some(ErrorCode::Conflict),
                message,
                ..
            }) => {
                store.record_push(
                    item.id,
                    item.revision,
                    &file.content_hash,
                    now(),
                    Some(&message),
                )?;
            }
            Err(f) => report.failures.push(format!(
                "{} ({}): {}",
                item.id,
                item.candidate,
                f.into_error(&remote.url)
            )),
        }
    }

    // Pull, a page at a time; the cursor is saved after each page is in.
    let mut cursor = if from_start {
        String::new()
    } else {
        store.setting(CURSOR_KEY)?.unwrap_or_default()
    };
    loop {
        let query = ChangesQuery {
            after: Some(cursor.clone()),
            limit: Some(PAGE),
        };
        let page: Changes = remote
            .get(&query.path())
            .map_err(|f| f.into_error(&remote.url))?;
        // Tombstones first: the server no longer holds what they erased.
        for e in &page.erasures {
            let done = store.apply_erasure(e, uuid::Uuid::now_v7(), now())?;
            report.erased.candidates += done.candidates;
            report.erased.sessions += done.sessions;
        }
        for value in &page.sessions {
            pull_one(store, value.get(), &page.keys, &mut report, &now)?;
        }
        cursor = page.cursor;
        store.set_setting(CURSOR_KEY, &cursor)?;
        if !page.more {
            break;
        }
    }

    // The team bank, when a newer version than the one here was published.
    report.bank = bank::pull_bank(store, remote, now(), &mut report.failures)?;
    report.set_aside = store.set_aside_sessions()?;
    report.conflicts = conflicts(store)?;
    Ok(report)
}

/// Whether the server lists `key` among `interviewer`'s installation keys
/// (names compared by the identity key).
fn vouched(keys: &[InstallationKey], interviewer: &str, key: &str) -> bool {
    let who = crate::text::name_key(interviewer);
    keys.iter()
        .any(|k| k.public_key == key && crate::text::name_key(&k.interviewer) == who)
}

/// Imports one pulled session file on its own. One this database refuses
/// (a file that does not verify, a key it cannot trust, a revision that
/// diverged...) is set aside with the reason and the sync goes on; only a
/// fault of this machine (its database, its disk) ends the sync.
///
/// A new key for an interviewer is accepted when the server vouches for it:
/// the server registered it under that interviewer's token at their first
/// push from that installation (docs/sync-protocol.md, "Keys").
fn pull_one(
    store: &mut Store,
    text: &str,
    keys: &[InstallationKey],
    report: &mut SyncReport,
    now: &impl Fn() -> DateTime<Utc>,
) -> Result<()> {
    let file = match SessionFile::parse(text.as_bytes()) {
        Ok(f) => f,
        Err(e) => {
            // What the file says about itself, to list it by.
            let v: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
            let field = |k: &str| v["session"][k].as_str().unwrap_or("?").to_string();
            let id = v["session"]["id"].as_str().unwrap_or("unknown").to_string();
            let reason = format!("the file does not verify: {e}");
            store.set_aside(
                &Refused {
                    id: &id,
                    revision: v["session"]["revision"].as_u64().unwrap_or(0),
                    candidate: v["session"]["candidate"]["name"].as_str().unwrap_or("?"),
                    interviewer: &field("interviewer"),
                    reason: &reason,
                    file: text,
                },
                now(),
            )?;
            return Ok(());
        }
    };
    // Our own sessions come back as we pushed them; a local copy is never
    // replaced by the server's without the user: a differing one is kept
    // beside it as a conflict.
    if store.is_own_session(file.session.id)? {
        return conflicts::pulled_own(store, &file, text, keys, now);
    }
    let s = &file.session;
    // A candidate erased here (or by the server) never comes back: an
    // older session of theirs is dropped, not even set aside.
    if store
        .erased_at(&s.candidate.name)?
        .is_some_and(|at| s.created_at <= at)
    {
        report.erased_dropped += 1;
        return Ok(());
    }
    let opts = ImportOptions {
        clash: CandidateClash::Ask,
        new_candidate_id: crate::ids::CandidateId::nil(),
        accept_new_key: file
            .signature
            .as_ref()
            .is_some_and(|sig| vouched(keys, &s.interviewer, &sig.public_key)),
    };
    let id = s.id.to_string();
    match store.import_sessions_with(std::slice::from_ref(&file), &opts) {
        Ok(results) => {
            store.clear_set_aside(&id)?;
            for r in results {
                let what = match &r.outcome {
                    // Sealed means silent: `what` names no change then.
                    ImportOutcome::Added | ImportOutcome::Replaced { .. } => r.what(),
                    ImportOutcome::Unchanged | ImportOutcome::KeptNewer { .. } => {
                        report.already_here += 1;
                        continue;
                    }
                };
                report.pulled.push(Moved {
                    candidate: r.candidate.clone(),
                    interviewer: r.interviewer.clone(),
                    revision: s.revision,
                    what,
                });
            }
            Ok(())
        }
        // This machine's own trouble: the sync stops; nothing is set aside.
        Err(e)
            if matches!(
                e.code(),
                ErrorCode::Database | ErrorCode::Io | ErrorCode::Internal
            ) =>
        {
            Err(e)
        }
        Err(e) => store.set_aside(
            &Refused {
                id: &id,
                revision: s.revision,
                candidate: &s.candidate.name,
                interviewer: &s.interviewer,
                reason: &e.to_string(),
                file: text,
            },
            now(),
        ),
    }
}
