//! `panelist remote` and `panelist sync`: the command-line face of the team
//! server client in `panelist_core::sync` (docs/sync-protocol.md), which the
//! desktop app shares. The server's URL and the pull cursor live in the
//! database's settings, the token in the OS keyring or a 0600 file
//! (`panelist_core::team_token`, shared with the app); what waits to be
//! pushed is the core's outbox.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use panelist_core::sync::{self, Remote, CA_KEY, CURSOR_KEY};
use panelist_core::team_token::{TeamToken, TokenStore};
use panelist_core::wire::PublishOutcome;
use panelist_core::{Error, Result, Store};

#[derive(Subcommand)]
pub enum RemoteCmd {
    /// Set the team server and your token (from `panelist-server user add`).
    /// The token is read from the environment variable PANELIST_TOKEN, or
    /// else from standard input (asked for, unechoed, on a terminal): never
    /// from the command line, where the process list and the shell history
    /// would keep it
    Set {
        /// e.g. https://panelist.example.com
        url: String,
        /// Trust only this CA (PEM) for the server's certificate, e.g. a
        /// self-signed one; without it, the public web roots are trusted
        #[arg(long, value_name = "FILE")]
        ca_cert: Option<PathBuf>,
    },
    /// Show the team server, check the token, the sync position and what
    /// waits to be pushed
    Status,
    /// Test the connection to the team server and say what is wrong in one
    /// sentence: name lookup, refused, timeout, TLS, token, server version
    Test,
}

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SyncArgs {
    /// Pull everything visible again from the start (e.g. after becoming a
    /// lead); sessions already here are left as they are
    #[arg(long)]
    pub from_start: bool,
    #[command(subcommand)]
    pub cmd: Option<SyncCmd>,
}

#[derive(Subcommand)]
pub enum SyncCmd {
    /// Resolve a conflict with the team server's copy of one of your
    /// sessions (listed by `panelist sync`)
    Resolve {
        /// The session's id (or a unique start of it)
        session: String,
        /// Take the server's copy: this machine's copy of the session is
        /// erased (its bytes too, as `candidate erase` does) and replaced
        #[arg(long)]
        take_server: bool,
    },
}

pub fn remote(cmd: RemoteCmd, store: &mut Store) -> Result<()> {
    match cmd {
        RemoteCmd::Set { url, ca_cert } => {
            let ca_pem = match ca_cert {
                Some(path) => {
                    let bytes = panelist_core::files::read(&path)?;
                    sync::tls_trusting(&bytes)
                        .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?;
                    String::from_utf8(bytes).map_err(|_| {
                        Error::Invalid(format!("{} is not a PEM file", path.display()))
                    })?
                }
                None => String::new(),
            };
            sync::normalise_url(&url)?;
            let token = read_token()?;
            let token = token.trim();
            if token.is_empty() {
                return Err(Error::Invalid(
                    "the token is empty: give it on standard input or in PANELIST_TOKEN".into(),
                ));
            }
            let keeper = TeamToken::for_store(store)?;
            let kept = keeper.save(token)?;
            let url = sync::set_server(store, &url)?;
            store.set_setting(CA_KEY, &ca_pem)?;
            eprintln!("team server set to {url}");
            match kept {
                TokenStore::Keyring => eprintln!("token kept in the OS keyring"),
                TokenStore::File => eprintln!(
                    "token kept in {} (readable by you only)",
                    keeper.file().display()
                ),
            }
            Ok(())
        }
        RemoteCmd::Status => {
            let remote = Remote::from_store(store)?;
            let (waiting, conflicts) = sync::waiting(store)?;
            let cursor = store.setting(CURSOR_KEY)?.unwrap_or_default();
            println!("server: {}", remote.url);
            println!("waiting to be pushed: {waiting}");
            if conflicts > 0 {
                println!("in conflict with the server's copy: {conflicts}");
            }
            println!(
                "pulled up to: {}",
                if cursor.is_empty() {
                    "nothing yet"
                } else {
                    &cursor
                }
            );
            let me = remote.me()?;
            println!("signed in as: {} ({})", me.name, me.role);
            Ok(())
        }
        RemoteCmd::Test => {
            use panelist_core::sync::Reach;
            let remote = Remote::from_store(store)?;
            let t = remote.test();
            match t.reach {
                Reach::Ok => {
                    println!("{}", t.sentence);
                    Ok(())
                }
                Reach::Token | Reach::TooOld => Err(Error::Invalid(t.sentence)),
                _ => Err(Error::Io(t.sentence)),
            }
        }
    }
}

/// `panelist sync resolve ID --take-server`: works offline, on the server's
/// copy the last sync kept; anything wrong is one line and changes nothing.
fn resolve(store: &mut Store, session: &str, take_server: bool) -> Result<()> {
    let id = store.find_session_id(session)?;
    if !take_server {
        return Err(Error::Invalid(format!(
            "sync resolve {id}: say how: --take-server (the server's copy replaces this machine's, which is erased)"
        )));
    }
    let done = store.take_server_copy(
        id,
        uuid::Uuid::now_v7(),
        uuid::Uuid::now_v7(),
        chrono::Utc::now(),
    )?;
    println!("{}", done.sentence);
    Ok(())
}

/// The token for `remote set`: `PANELIST_TOKEN`, else standard input (one
/// line; asked for without echo on a terminal).
fn read_token() -> Result<String> {
    use std::io::{BufRead, IsTerminal};
    if let Ok(t) = std::env::var("PANELIST_TOKEN") {
        return Ok(t);
    }
    if std::io::stdin().is_terminal() {
        return crate::io::read_secret("team server token: ", "token");
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::Io(format!("cannot read the token from standard input: {e}")))?;
    Ok(line)
}

/// `panelist bank publish`: this database's bank becomes the team bank.
pub fn publish_bank(store: &mut Store) -> Result<()> {
    let remote = Remote::from_store(store)?;
    let p = remote.publish_bank(store)?;
    if p.result == PublishOutcome::Unchanged {
        println!(
            "the team bank is already this bank (version {}, {} questions, {} kits)",
            p.version, p.questions, p.kits
        );
    } else {
        println!(
            "published team bank version {} ({} questions, {} kits)",
            p.version, p.questions, p.kits
        );
    }
    Ok(())
}

/// Pushes what waits in the outbox, then pulls; prints what moved.
pub fn sync(store: &mut Store, args: SyncArgs) -> Result<()> {
    if let Some(SyncCmd::Resolve {
        session,
        take_server,
    }) = args.cmd
    {
        return resolve(store, &session, take_server);
    }
    let remote = Remote::from_store(store)?;
    let r = sync::sync(store, &remote, args.from_start, chrono::Utc::now)?;
    for m in &r.pushed {
        println!(
            "pushed {} — {} (revision {})",
            m.candidate, m.interviewer, m.revision
        );
    }
    for m in &r.pulled {
        println!("pulled {} — {} — {}", m.candidate, m.interviewer, m.what);
    }
    // "plan ID for CANDIDATE: pushed | added | updated"
    for p in &r.plans {
        println!("{p}");
    }
    println!(
        "sync with {} as {}: pushed {} (already there {}), pulled {} new and {} updated (already here {})",
        r.server,
        r.user,
        r.pushed.len(),
        r.already_there,
        r.pulled.iter().filter(|m| m.what.starts_with("added")).count(),
        r.pulled.iter().filter(|m| !m.what.starts_with("added")).count(),
        r.already_here
    );
    if r.others > 0 {
        println!(
            "not pushed: {} submitted session(s) by other interviewers on this machine (they sync with their own token)",
            r.others
        );
    }
    if let Some(b) = &r.bank {
        println!("{}", b.sentence());
    }
    if r.erased.sessions > 0 || r.erased.candidates > 0 {
        println!(
            "erased here, as the team server erased them: {} candidate(s), {} session(s)",
            r.erased.candidates, r.erased.sessions
        );
    }
    if r.erased_on_server > 0 {
        println!(
            "erased here: {} own session(s) of candidates erased on the team server",
            r.erased_on_server
        );
    }
    if r.erased_dropped > 0 {
        println!(
            "not taken: {} pulled session(s) or plan(s) of erased candidates",
            r.erased_dropped
        );
    }
    for c in &r.conflicts {
        println!("conflict {}", c.line());
    }
    if !r.set_aside.is_empty() {
        println!(
            "set aside (refused here, kept; tried again when a newer revision arrives): {}",
            r.set_aside.len()
        );
        for a in &r.set_aside {
            println!(
                "set aside {} — {} (revision {}, {}): {}",
                a.candidate, a.interviewer, a.revision, a.id, a.reason
            );
        }
    }
    if !r.conflicts.is_empty() {
        let mut also = String::new();
        if !r.failures.is_empty() {
            also = format!("; not pushed either: {}", r.failures.join("; "));
        }
        Err(Error::Conflict(format!(
            "{} session(s) in conflict with the team server's copy (listed above, each with its fix){also}",
            r.conflicts.len()
        )))
    } else if r.failures.is_empty() {
        Ok(())
    } else {
        Err(Error::Conflict(format!(
            "{} session(s) were not pushed: {}",
            r.failures.len(),
            r.failures.join("; ")
        )))
    }
}
