//! `panelist remote` and `panelist sync`: the client of the team server
//! (docs/sync-protocol.md). The server's URL, the token and the pull cursor
//! live in the database's settings; pulled sessions go through the same
//! import as session files (`Store::import_sessions`), so they are verified,
//! read-only here, and sealed by the same rules.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Subcommand};
use panelist_core::import::ImportOutcome;
use panelist_core::session::Status;
use panelist_core::session_file::SessionFile;
use panelist_core::{Error, Result, Store};
use serde::Deserialize;

const URL_KEY: &str = "remote.url";
const TOKEN_KEY: &str = "remote.token";
const CURSOR_KEY: &str = "remote.cursor";
const CA_KEY: &str = "remote.ca_pem";
const PAGE: u32 = 100;

#[derive(Subcommand)]
pub enum RemoteCmd {
    /// Set the team server and your token (from `panelist-server user add`)
    Set {
        /// e.g. https://panelist.example.com
        url: String,
        #[arg(long)]
        token: String,
        /// Trust only this CA (PEM) for the server's certificate, e.g. a
        /// self-signed one; without it, the public web roots are trusted
        #[arg(long, value_name = "FILE")]
        ca_cert: Option<PathBuf>,
    },
    /// Show the team server, check the token, and the sync position
    Status,
}

#[derive(Args)]
pub struct SyncArgs {
    /// Pull everything visible again from the start (e.g. after becoming a
    /// lead); sessions already here are left as they are
    #[arg(long)]
    pub from_start: bool,
}

#[derive(Deserialize)]
struct Me {
    protocol: u32,
    name: String,
    role: String,
}

#[derive(Deserialize)]
struct PushResult {
    result: String,
}

#[derive(Deserialize)]
struct Changes {
    sessions: Vec<Box<serde_json::value::RawValue>>,
    cursor: String,
    more: bool,
}

#[derive(Deserialize)]
struct ErrorBody {
    code: String,
    message: String,
}

/// A configured server connection.
struct Remote {
    url: String,
    token: String,
    agent: ureq::Agent,
}

/// An HTTP failure: the server's `{code, message}`, or a transport error.
enum Failure {
    Api {
        status: u16,
        code: String,
        message: String,
    },
    Transport(String),
}

impl Failure {
    fn into_error(self, url: &str) -> Error {
        match self {
            Failure::Api {
                status,
                code,
                message,
            } => {
                let msg = format!("the team server said {status} {code}: {message}");
                match status {
                    409 => Error::Conflict(msg),
                    _ => Error::Invalid(msg),
                }
            }
            Failure::Transport(e) => Error::Io(format!("cannot reach the team server {url}: {e}")),
        }
    }
}

impl Remote {
    fn from_store(store: &Store) -> Result<Remote> {
        let url = store.setting(URL_KEY)?;
        let token = store.setting(TOKEN_KEY)?;
        let mut agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(60));
        if let Some(pem) = store.setting(CA_KEY)?.filter(|p| !p.is_empty()) {
            agent = agent.tls_config(Arc::new(tls_trusting(pem.as_bytes())?));
        }
        match (url, token) {
            (Some(url), Some(token)) => Ok(Remote {
                url,
                token,
                agent: agent.build(),
            }),
            _ => Err(Error::Invalid(
                "no team server set: run `panelist remote set URL --token TOKEN`".into(),
            )),
        }
    }

    fn call(&self, req: ureq::Request, body: Option<&[u8]>) -> Result<String, Failure> {
        let req = req.set("Authorization", &format!("Bearer {}", self.token));
        let r = match body {
            Some(b) => req.set("Content-Type", "application/json").send_bytes(b),
            None => req.call(),
        };
        match r {
            Ok(resp) => resp
                .into_string()
                .map_err(|e| Failure::Transport(e.to_string())),
            Err(ureq::Error::Status(status, resp)) => {
                let text = resp.into_string().unwrap_or_default();
                let (code, message) = match serde_json::from_str::<ErrorBody>(&text) {
                    Ok(e) => (e.code, e.message),
                    Err(_) => ("http".into(), text.chars().take(200).collect()),
                };
                Err(Failure::Api {
                    status,
                    code,
                    message,
                })
            }
            Err(e) => Err(Failure::Transport(e.to_string())),
        }
    }

    fn get<T: for<'de> Deserialize<'de>>(&self, path: &str) -> Result<T> {
        let text = self
            .call(self.agent.get(&format!("{}{path}", self.url)), None)
            .map_err(|f| f.into_error(&self.url))?;
        serde_json::from_str(&text)
            .map_err(|e| Error::Invalid(format!("the team server sent an unexpected reply: {e}")))
    }

    fn me(&self) -> Result<Me> {
        let me: Me = self.get("/v1/me")?;
        if me.protocol != 1 {
            return Err(Error::Invalid(format!(
                "the team server speaks sync protocol {}; this Panelist speaks 1",
                me.protocol
            )));
        }
        Ok(me)
    }
}

/// A TLS client configuration that trusts exactly the certificates in `pem`.
fn tls_trusting(pem: &[u8]) -> Result<rustls::ClientConfig> {
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
    Ok(rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| bad(e.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth())
}

pub fn remote(cmd: RemoteCmd, store: &mut Store) -> Result<()> {
    match cmd {
        RemoteCmd::Set {
            url,
            token,
            ca_cert,
        } => {
            let ca_pem = match ca_cert {
                Some(path) => {
                    let bytes = panelist_core::files::read(&path)?;
                    tls_trusting(&bytes)
                        .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?;
                    String::from_utf8(bytes).map_err(|_| {
                        Error::Invalid(format!("{} is not a PEM file", path.display()))
                    })?
                }
                None => String::new(),
            };
            let url = url.trim().trim_end_matches('/').to_string();
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(Error::Invalid(format!(
                    "{url:?} is not an http:// or https:// URL"
                )));
            }
            let token = token.trim();
            if token.is_empty() {
                return Err(Error::Invalid("the token is empty".into()));
            }
            let changed = store.setting(URL_KEY)?.as_deref() != Some(url.as_str());
            store.set_setting(URL_KEY, &url)?;
            store.set_setting(TOKEN_KEY, token)?;
            store.set_setting(CA_KEY, &ca_pem)?;
            if changed {
                // Another server: its change feed starts from the beginning.
                store.set_setting(CURSOR_KEY, "")?;
            }
            eprintln!("team server set to {url}");
            Ok(())
        }
        RemoteCmd::Status => {
            let remote = Remote::from_store(store)?;
            let me = remote.me()?;
            let cursor = store.setting(CURSOR_KEY)?.unwrap_or_default();
            println!("server: {}", remote.url);
            println!("signed in as: {} ({})", me.name, me.role);
            println!(
                "pulled up to: {}",
                if cursor.is_empty() {
                    "nothing yet"
                } else {
                    &cursor
                }
            );
            Ok(())
        }
    }
}

/// Pushes this machine's own submitted sessions (by the token's user), then
/// pulls what the server lets this user see and imports it.
pub fn sync(store: &mut Store, args: SyncArgs) -> Result<()> {
    let remote = Remote::from_store(store)?;
    let me = remote.me()?;
    let all = store.all_sessions()?;
    let own: BTreeSet<_> = all
        .iter()
        .filter(|p| !p.imported)
        .map(|p| p.session.id)
        .collect();

    // Push.
    let (mut stored, mut unchanged, mut others) = (0, 0, 0);
    let mut failures = Vec::new();
    for p in all.iter().filter(|p| !p.imported) {
        let s = &p.session;
        if s.status != Status::Submitted {
            continue;
        }
        if s.interviewer.trim().to_lowercase() != me.name.to_lowercase() {
            others += 1;
            continue;
        }
        // Signed with this installation's key, as a file export would be.
        let body = store.session_file(s.id)?.to_json();
        let r = remote.call(
            remote.agent.post(&format!("{}/v1/sessions", remote.url)),
            Some(body.as_bytes()),
        );
        match r {
            Ok(text) => match serde_json::from_str::<PushResult>(&text) {
                Ok(p) if p.result == "unchanged" => unchanged += 1,
                Ok(_) => {
                    stored += 1;
                    println!(
                        "pushed {} — {} (revision {})",
                        s.candidate.name, s.interviewer, s.revision
                    );
                }
                Err(e) => failures.push(format!("{}: unexpected reply: {e}", s.id)),
            },
            Err(Failure::Transport(e)) => {
                return Err(Error::Io(format!(
                    "cannot reach the team server {}: {e}",
                    remote.url
                )))
            }
            Err(f) => failures.push(format!(
                "{} ({}): {}",
                s.id,
                s.candidate.name,
                f.into_error(&remote.url)
            )),
        }
    }

    // Pull, a page at a time; the cursor is saved after each page is in.
    let mut cursor = if args.from_start {
        String::new()
    } else {
        store.setting(CURSOR_KEY)?.unwrap_or_default()
    };
    let (mut added, mut updated, mut same) = (0, 0, 0);
    loop {
        let page: Changes = remote.get(&format!("/v1/changes?after={}&limit={PAGE}", cursor))?;
        let mut files = Vec::new();
        for raw in &page.sessions {
            let f = SessionFile::parse(raw.get().as_bytes()).map_err(|e| {
                Error::Invalid(format!(
                    "the team server sent a session file that does not verify: {e}"
                ))
            })?;
            // Our own sessions come back as we pushed them.
            if !own.contains(&f.session.id) {
                files.push(f);
            }
        }
        for r in store.import_sessions(&files)? {
            let what = match &r.outcome {
                ImportOutcome::Added => {
                    added += 1;
                    "added".to_string()
                }
                ImportOutcome::Replaced { changes } => {
                    updated += 1;
                    format!("updated: {}", changes.join("; "))
                }
                ImportOutcome::Unchanged | ImportOutcome::KeptNewer { .. } => {
                    same += 1;
                    continue;
                }
            };
            println!("pulled {} — {} — {what}", r.candidate, r.interviewer);
        }
        cursor = page.cursor;
        store.set_setting(CURSOR_KEY, &cursor)?;
        if !page.more {
            break;
        }
    }

    println!(
        "sync with {} as {}: pushed {stored} (already there {unchanged}), pulled {added} new and {updated} updated (already here {same})",
        remote.url, me.name
    );
    if others > 0 {
        println!(
            "not pushed: {others} submitted session(s) by other interviewers on this machine (they sync with their own token)"
        );
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(Error::Conflict(format!(
            "{} session(s) were not pushed: {}",
            failures.len(),
            failures.join("; ")
        )))
    }
}
