//! `panelist-server`: the team server's command line. `migrate`, `user` and
//! `token` connect with the owner's database URL; `serve` with the URL of a
//! role that is a member of `panelist_app` (it refuses the owner).

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use panelist_server::db::{self, DbError};
use panelist_server::http;

#[derive(Parser)]
#[command(
    name = "panelist-server",
    version,
    about = "Panelist team server: sealed session sync backed by PostgreSQL"
)]
struct Cli {
    /// PostgreSQL URL, e.g. postgresql://user@db.example/panelist?sslmode=verify-full&sslrootcert=/etc/panelist/db-ca.pem
    /// or host=/run/postgresql dbname=panelist. TLS is sslmode=verify-full with an sslrootcert CA file;
    /// without it only a unix socket or a loopback address is accepted
    #[arg(long, env = "PANELIST_DATABASE_URL", value_name = "URL")]
    database_url: String,
    /// How serve writes its log on standard error: text lines, or one JSON object a line
    #[arg(long, global = true, env = "PANELIST_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// Allow a database on another machine without TLS (e.g. a private network encrypted otherwise)
    #[arg(long, env = "PANELIST_INSECURE_DATABASE")]
    insecure_database: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

/// The log on standard error (info and above): one event per request
/// (`http.rs`, `access_log`), errors and warnings. Standard output stays
/// for what the commands print (the listening address, tokens).
fn init_log(format: LogFormat) {
    let log = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO);
    match format {
        LogFormat::Text => log.init(),
        LogFormat::Json => log
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .init(),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Apply the pending schema migrations (as the owner role)
    Migrate,
    /// Answer the sync protocol over HTTP(S)
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080
        #[arg(long, value_name = "ADDR")]
        listen: SocketAddr,
        /// TLS certificate chain (PEM)
        #[arg(long, value_name = "FILE", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// TLS private key (PEM)
        #[arg(long, value_name = "FILE", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Allow plain HTTP on a non-loopback address (e.g. behind a TLS-terminating load balancer)
        #[arg(long)]
        insecure_http: bool,
        /// Database connections in the pool
        #[arg(long, default_value_t = 16, value_parser = clap::value_parser!(u32).range(1..=1_000))]
        max_connections: u32,
        /// Bytes of session files each user may keep on the server, in MiB
        #[arg(long, default_value_t = 512, value_name = "MIB", value_parser = clap::value_parser!(u32).range(1..=1_048_576))]
        quota_mib: u32,
        /// Requests per user per minute
        #[arg(long, default_value_t = 1200, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        rate_per_minute: u32,
        /// Requests handled at once (more wait, within the request timeout)
        #[arg(long, default_value_t = 256, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=100_000))]
        max_in_flight: u32,
        /// Seconds a client may take to send a request's headers (also the
        /// idle keep-alive timeout)
        #[arg(long, default_value_t = 10, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3_600))]
        header_timeout: u64,
        /// Seconds a request may take once its headers are in
        #[arg(long, default_value_t = 30, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3_600))]
        request_timeout: u64,
        /// Milliseconds a database statement may run (statement_timeout)
        #[arg(long, default_value_t = 10_000, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
        statement_timeout_ms: u64,
        /// Milliseconds a statement may wait for a lock (lock_timeout)
        #[arg(long, default_value_t = 1_000, value_name = "MS", value_parser = clap::value_parser!(u64).range(1..=3_600_000))]
        lock_timeout_ms: u64,
    },
    /// Team members and their roles
    #[command(subcommand)]
    User(UserCmd),
    /// Access tokens
    #[command(subcommand)]
    Token(TokenCmd),
    /// Candidates: erasure on request
    #[command(subcommand)]
    Candidate(CandidateCmd),
    /// Erase every candidate whose newest session reached the server more
    /// than DAYS ago (with a tombstone each, as `candidate erase`)
    Retention {
        /// Days after a candidate's newest session (1 to 36500)
        #[arg(long, value_name = "DAYS")]
        older_than: u32,
        /// Confirm: without it nothing is erased
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand)]
enum CandidateCmd {
    /// Erase a candidate's sessions on the server (by identity key: Unicode
    /// form, case and spacing ignored), leaving a tombstone that erases them
    /// on every client at its next sync
    Erase {
        name: String,
        /// Confirm: without it nothing is erased
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add a user; prints their token once (only its SHA-256 is stored)
    Add {
        /// The name the user interviews under (their sessions' interviewer)
        name: String,
        #[arg(long, value_parser = ["interviewer", "lead", "admin"])]
        role: String,
        /// The token stops working after this many days (1 to 36500)
        #[arg(long, value_name = "DAYS")]
        expires: Option<u32>,
    },
    /// List users
    List,
}

#[derive(Subcommand)]
enum TokenCmd {
    /// Revoke a user's token; it stops working at once
    Revoke { name: String },
    /// Give a user a new token (revoking the old one); prints it once
    New {
        name: String,
        /// The token stops working after this many days (1 to 36500)
        #[arg(long, value_name = "DAYS")]
        expires: Option<u32>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_log(cli.log_format);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("panelist-server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<(), DbError> {
    let url = db::Target::parse(&cli.database_url, cli.insecure_database)?;
    match cli.command {
        Command::Migrate => {
            let mut client = db::connect_to(&url).await?;
            let applied = db::migrate(&mut client).await?;
            if applied.is_empty() {
                println!("schema is up to date (version {})", db::SCHEMA_VERSION);
            } else {
                for v in applied {
                    println!("applied migration {v}");
                }
            }
            Ok(())
        }
        Command::User(UserCmd::Add {
            name,
            role,
            expires,
        }) => {
            let client = db::connect_to(&url).await?;
            let token = db::add_user_expiring(&client, &name, &role, expires).await?;
            eprintln!(
                "added {} ({role}); the token{} is shown once:",
                name.trim(),
                expires_words(expires)
            );
            println!("{token}");
            Ok(())
        }
        Command::User(UserCmd::List) => {
            let client = db::connect_to(&url).await?;
            for u in db::list_users(&client).await? {
                println!(
                    "{:<24} {:<11} {:<7} since {}",
                    u.name,
                    u.role,
                    if u.active { "active" } else { "revoked" },
                    u.created_at.format("%Y-%m-%d")
                );
            }
            Ok(())
        }
        Command::Token(TokenCmd::Revoke { name }) => {
            let client = db::connect_to(&url).await?;
            db::revoke_token(&client, &name).await?;
            eprintln!("revoked {}'s token", name.trim());
            Ok(())
        }
        Command::Token(TokenCmd::New { name, expires }) => {
            let client = db::connect_to(&url).await?;
            let token = db::new_user_token_expiring(&client, &name, expires).await?;
            eprintln!(
                "new token for {}{} (the old one stopped working), shown once:",
                name.trim(),
                expires_words(expires)
            );
            println!("{token}");
            Ok(())
        }
        Command::Candidate(CandidateCmd::Erase { name, yes }) => {
            if !yes {
                return Err(DbError(
                    "this erases the candidate's sessions on the server and on every client at its next sync, for good; add --yes to do it".into(),
                ));
            }
            let mut client = db::connect_to(&url).await?;
            let n = db::erase_candidate_now(&mut client, &name).await?;
            eprintln!(
                "erased the candidate: {n} session(s) on the server; the tombstone reaches every client at its next sync"
            );
            Ok(())
        }
        Command::Retention { older_than, yes } => {
            if !yes {
                return Err(DbError(format!(
                    "this erases every candidate whose newest session is older than {older_than} days, on the server and on every client; add --yes to do it"
                )));
            }
            let mut client = db::connect_to(&url).await?;
            let (c, n) = db::apply_retention(&mut client, older_than).await?;
            eprintln!("retention: erased {c} candidate(s), {n} session(s)");
            Ok(())
        }
        Command::Serve {
            listen,
            tls_cert,
            tls_key,
            insecure_http,
            max_connections,
            quota_mib,
            rate_per_minute,
            max_in_flight,
            header_timeout,
            request_timeout,
            statement_timeout_ms,
            lock_timeout_ms,
        } => {
            let tls = tls_cert.zip(tls_key);
            if tls.is_none() && !listen.ip().is_loopback() && !insecure_http {
                return Err(DbError(format!(
                    "refusing plain HTTP on {listen}, which is not a loopback address: tokens would cross the network in clear. Give --tls-cert and --tls-key, or --insecure-http if a TLS proxy sits in front"
                )));
            }
            let timeouts = db::DbTimeouts {
                statement: Duration::from_millis(statement_timeout_ms),
                lock: Duration::from_millis(lock_timeout_ms),
                ..db::DbTimeouts::default()
            };
            let pool = db::pool_to(&url, max_connections as usize, timeouts)?;
            {
                let client = pool.get().await.map_err(|e| {
                    DbError(format!(
                        "cannot connect to the database: {}",
                        db::describe_pool(&e)
                    ))
                })?;
                db::check_server_role(&client).await?;
            }
            let limits = http::Limits {
                quota_bytes: i64::from(quota_mib) * 1024 * 1024,
                request_timeout: Duration::from_secs(request_timeout),
                max_in_flight: max_in_flight as usize,
                per_user_per_minute: rate_per_minute,
            };
            serve(
                listen,
                tls,
                http::router_with(pool, limits),
                Duration::from_secs(header_timeout),
            )
            .await
        }
    }
}

fn expires_words(days: Option<u32>) -> String {
    days.map(|d| format!(" (valid for {d} days)"))
        .unwrap_or_default()
}

async fn serve(
    listen: SocketAddr,
    tls: Option<(PathBuf, PathBuf)>,
    app: axum::Router,
    header_timeout: Duration,
) -> Result<(), DbError> {
    let tls = match tls {
        Some((cert, key)) => Some(panelist_server::serve::tls_config(&cert, &key).await?),
        None => None,
    };
    let listener = std::net::TcpListener::bind(listen)
        .map_err(|e| DbError(format!("cannot listen on {listen}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| DbError(format!("cannot read the listening address: {e}")))?;
    let scheme = if tls.is_some() { "https" } else { "http" };
    println!("listening on {scheme}://{addr}");
    let _ = std::io::stdout().flush();
    panelist_server::serve::serve_with(listener, tls, app, shutdown(), header_timeout).await
}

async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        let term = async {
            match term.as_mut() {
                Some(t) => {
                    t.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term => {},
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}
