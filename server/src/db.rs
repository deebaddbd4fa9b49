//! PostgreSQL: connecting, the embedded append-only migrations, the checks
//! `serve` makes on its own database role, and user administration.
//!
//! Two kinds of connection exist. The *owner* connection (the role in the
//! URL given to `migrate`, `user` and `token`) owns the tables and
//! administers users. The *server* connection (`serve`) must be a member of
//! `panelist_app`: not the owner, not a superuser, no BYPASSRLS. It reads
//! and writes sessions only through the row-level security policies, with
//! the caller's identity set per transaction.

use std::fmt;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use sha2::{Digest, Sha256};
use tokio_postgres::{Client, NoTls};

mod erase;
pub mod feed;
mod target;
pub use erase::{
    apply_retention, erase_candidate, erase_candidate_now, erasure_salt, ErasureReason,
};
pub use target::Target;

/// The embedded migrations, applied in order; a landed file is never edited.
pub const MIGRATIONS: &[(i32, &str, &str)] = &[
    (
        1,
        "0001_sealed_sessions",
        include_str!("../migrations/0001_sealed_sessions.sql"),
    ),
    (
        2,
        "0002_team_bank",
        include_str!("../migrations/0002_team_bank.sql"),
    ),
    (
        3,
        "0003_identity_keys_expiry",
        include_str!("../migrations/0003_identity_keys_expiry.sql"),
    ),
    (
        4,
        "0004_erasure",
        include_str!("../migrations/0004_erasure.sql"),
    ),
    (
        5,
        "0005_plans",
        include_str!("../migrations/0005_plans.sql"),
    ),
    (
        6,
        "0006_erase_plans",
        include_str!("../migrations/0006_erase_plans.sql"),
    ),
    (
        7,
        "0007_readable_sets",
        include_str!("../migrations/0007_readable_sets.sql"),
    ),
];

/// How long the serving role's statements, lock waits and idle transactions
/// may last (set on every pooled connection): a stalled write cannot hold up
/// every push; the others fail fast with 503.
#[derive(Debug, Clone, Copy)]
pub struct DbTimeouts {
    pub statement: std::time::Duration,
    pub lock: std::time::Duration,
    pub idle_in_transaction: std::time::Duration,
}

impl Default for DbTimeouts {
    fn default() -> Self {
        DbTimeouts {
            statement: std::time::Duration::from_secs(10),
            lock: std::time::Duration::from_secs(1),
            idle_in_transaction: std::time::Duration::from_secs(15),
        }
    }
}

/// The schema version this build writes and expects: the last migration's.
pub const SCHEMA_VERSION: i32 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// The role whose members the server connects as.
pub const APP_ROLE: &str = "panelist_app";

const MIGRATION_LOCK: i64 = 7311400;

#[derive(Debug)]
pub struct DbError(pub String);

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DbError {}

impl From<tokio_postgres::Error> for DbError {
    fn from(e: tokio_postgres::Error) -> Self {
        DbError(describe(&e))
    }
}

/// A one-line description of a PostgreSQL error, with the server's message.
pub fn describe(e: &tokio_postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("database: {} ({})", db.message(), db.code().code()),
        None => {
            // tokio-postgres leaves the cause (e.g. why a TLS handshake
            // failed) out of its own message.
            let mut line = format!("database: {e}");
            let mut source = std::error::Error::source(e);
            while let Some(cause) = source {
                let text = cause.to_string();
                if !line.ends_with(&text) {
                    line.push_str(": ");
                    line.push_str(&text);
                }
                source = cause.source();
            }
            line
        }
    }
}

/// A one-line description of a failure to get a pooled connection, with
/// the database's cause (e.g. why a TLS handshake failed).
pub fn describe_pool(e: &deadpool_postgres::PoolError) -> String {
    match e {
        deadpool_postgres::PoolError::Backend(e) => describe(e),
        other => format!("database: {other}"),
    }
}

pub type Result<T, E = DbError> = std::result::Result<T, E>;

/// One connection, for the administrative commands (a URL that needs TLS
/// to a remote database is refused; see [`Target`]).
pub async fn connect(url: &str) -> Result<Client> {
    connect_to(&Target::parse(url, false)?).await
}

/// One connection to `target`.
pub async fn connect_to(target: &Target) -> Result<Client> {
    let failed = |e: tokio_postgres::Error| {
        DbError(format!("cannot connect to the database: {}", describe(&e)))
    };
    let client = match &target.tls {
        Some(tls) => {
            let (client, conn) = target.config.connect(tls.clone()).await.map_err(failed)?;
            drive(conn);
            client
        }
        None => {
            let (client, conn) = target.config.connect(NoTls).await.map_err(failed)?;
            drive(conn);
            client
        }
    };
    Ok(client)
}

fn drive(
    conn: impl std::future::Future<Output = Result<(), tokio_postgres::Error>> + Send + 'static,
) {
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::warn!("database connection: {e}");
        }
    });
}

/// Re-keys every stored candidate by the core's identity key
/// (`text::name_key`, NFKC_Casefold), which migration 3 makes the rule: the
/// old key was the trimmed name, so the new one is a function of it. Rows of
/// candidates that now share a key are one candidate; unseal rows move with
/// them, and every unseal of a merged key takes a fresh change number so the
/// sessions it newly shows are delivered after any reader's cursor.
pub async fn rekey_candidates(tx: &tokio_postgres::Transaction<'_>) -> Result<()> {
    // The owner has no policy on sessions (it reads none while FORCE holds):
    // lifted for this step only, inside the migration's transaction.
    tx.batch_execute(
        "ALTER TABLE sessions NO FORCE ROW LEVEL SECURITY; ALTER TABLE sessions DISABLE TRIGGER USER",
    )
    .await?;
    let keys: Vec<String> = tx
        .query(
            "SELECT candidate_key FROM sessions UNION SELECT candidate_key FROM unseals",
            &[],
        )
        .await?
        .iter()
        .map(|r| r.get(0))
        .collect();
    for old in keys {
        let new = panelist_core::text::name_key(&old);
        if new == old {
            continue;
        }
        tx.execute(
            "UPDATE sessions SET candidate_key = $2 WHERE candidate_key = $1",
            &[&old, &new],
        )
        .await?;
        tx.execute(
            "INSERT INTO unseals (user_id, candidate_key, seq)
             SELECT user_id, $2, seq FROM unseals WHERE candidate_key = $1
             ON CONFLICT (user_id, candidate_key) DO NOTHING",
            &[&old, &new],
        )
        .await?;
        tx.execute("DELETE FROM unseals WHERE candidate_key = $1", &[&old])
            .await?;
        tx.execute(
            "UPDATE unseals SET seq = nextval('change_seq') WHERE candidate_key = $1",
            &[&new],
        )
        .await?;
    }
    tx.batch_execute(
        "ALTER TABLE sessions ENABLE TRIGGER USER; ALTER TABLE sessions FORCE ROW LEVEL SECURITY",
    )
    .await?;
    Ok(())
}

/// Fills the identity keys migration 5 adds and the SQL cannot compute:
/// each user's `name_key` and each stored session's `interviewer_key` (the
/// core's `text::name_key` of the name and of the file's interviewer), and
/// records the stored sessions not yet submitted in `open_sessions`.
pub async fn fill_identity_keys(tx: &tokio_postgres::Transaction<'_>) -> Result<()> {
    for row in tx.query("SELECT id, name FROM users", &[]).await? {
        let (id, name): (i64, String) = (row.get(0), row.get(1));
        tx.execute(
            "UPDATE users SET name_key = $2 WHERE id = $1",
            &[&id, &panelist_core::text::name_key(&name)],
        )
        .await?;
    }
    // The owner has no policy on sessions: lifted for this step only,
    // inside the migration's transaction (as `rekey_candidates`).
    tx.batch_execute(
        "ALTER TABLE sessions NO FORCE ROW LEVEL SECURITY; ALTER TABLE sessions DISABLE TRIGGER USER",
    )
    .await?;
    let rows = tx
        .query(
            "SELECT id, document::json #>> '{session,interviewer}' FROM sessions",
            &[],
        )
        .await?;
    for row in rows {
        let (id, interviewer): (uuid::Uuid, Option<String>) = (row.get(0), row.get(1));
        let key = panelist_core::text::name_key(interviewer.as_deref().unwrap_or(""));
        tx.execute(
            "UPDATE sessions SET interviewer_key = $2 WHERE id = $1",
            &[&id, &key],
        )
        .await?;
    }
    tx.batch_execute(
        "INSERT INTO open_sessions (session_id, user_id, candidate_key)
             SELECT id, author_id, candidate_key FROM sessions WHERE status <> 'submitted';
         ALTER TABLE sessions ENABLE TRIGGER USER; ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
         ALTER TABLE users ALTER COLUMN name_key SET NOT NULL;
         ALTER TABLE sessions ALTER COLUMN interviewer_key SET NOT NULL",
    )
    .await?;
    Ok(())
}

/// A connection pool for the server, each connection with `timeouts`.
pub fn pool(url: &str, max_size: usize) -> Result<Pool> {
    pool_with(url, max_size, DbTimeouts::default())
}

/// [`pool`] with the given timeouts.
pub fn pool_with(url: &str, max_size: usize, timeouts: DbTimeouts) -> Result<Pool> {
    pool_to(&Target::parse(url, false)?, max_size, timeouts)
}

/// A pool of connections to `target`, each with `timeouts`.
pub fn pool_to(target: &Target, max_size: usize, timeouts: DbTimeouts) -> Result<Pool> {
    let mut config = target.config.clone();
    let ms = |d: std::time::Duration| d.as_millis();
    let options = format!(
        "{} -c statement_timeout={} -c lock_timeout={} -c idle_in_transaction_session_timeout={}",
        config.get_options().unwrap_or_default(),
        ms(timeouts.statement),
        ms(timeouts.lock),
        ms(timeouts.idle_in_transaction)
    );
    config.options(options.trim());
    let manager_config = ManagerConfig {
        recycling_method: RecyclingMethod::Fast,
    };
    let mgr = match &target.tls {
        Some(tls) => Manager::from_config(config, tls.clone(), manager_config),
        None => Manager::from_config(config, NoTls, manager_config),
    };
    Pool::builder(mgr)
        .max_size(max_size)
        .runtime(deadpool_postgres::Runtime::Tokio1)
        .wait_timeout(Some(std::time::Duration::from_secs(10)))
        .create_timeout(Some(std::time::Duration::from_secs(10)))
        .build()
        .map_err(|e| DbError(format!("cannot create the connection pool: {e}")))
}

/// Applies the pending migrations in one transaction, under an advisory
/// lock so that several instances starting at once do not race. Returns the
/// versions applied. A database newer than this build is refused untouched.
pub async fn migrate(client: &mut Client) -> Result<Vec<i32>> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS panelist_migrations (
             version    integer PRIMARY KEY,
             name       text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )
    .await?;
    let current: i32 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM panelist_migrations",
            &[],
        )
        .await?
        .get(0);
    if current > SCHEMA_VERSION {
        return Err(DbError(format!(
            "the database is at schema version {current}, newer than this build's {SCHEMA_VERSION}: upgrade panelist-server"
        )));
    }
    let mut applied = Vec::new();
    for (version, name, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
        tx.batch_execute(sql)
            .await
            .map_err(|e| DbError(format!("migration {name} failed: {}", describe(&e))))?;
        tx.execute(
            "INSERT INTO panelist_migrations (version, name) VALUES ($1, $2)",
            &[version, name],
        )
        .await?;
        if *version == 3 {
            rekey_candidates(&tx).await?;
        }
        if *version == 5 {
            fill_identity_keys(&tx).await?;
        }
        applied.push(*version);
    }
    tx.batch_execute(&format!(
        "REVOKE ALL ON panelist_migrations FROM PUBLIC; GRANT SELECT ON panelist_migrations TO {APP_ROLE}"
    ))
    .await?;
    tx.commit().await?;
    Ok(applied)
}

/// What `serve` insists on before it answers a request: the schema is this
/// build's, and its own role cannot get around row-level security.
pub async fn check_server_role(client: &Client) -> Result<()> {
    let row = client
        .query_one(
            "SELECT current_user::text, r.rolsuper, r.rolbypassrls,
                    CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)
                         THEN pg_has_role(current_user, $1, 'MEMBER') ELSE false END,
                    to_regclass('panelist_migrations') IS NOT NULL
             FROM pg_roles r WHERE r.rolname = current_user",
            &[&APP_ROLE],
        )
        .await?;
    let (name, superuser, bypass, member, migrated): (String, bool, bool, bool, bool) =
        (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4));
    if superuser || bypass {
        return Err(DbError(format!(
            "the server's database role {name:?} is a superuser or has BYPASSRLS, which would bypass the sealing policies: connect as a member of {APP_ROLE} instead"
        )));
    }
    if !member {
        return Err(DbError(format!(
            "the server's database role {name:?} is not a member of {APP_ROLE}: run `migrate` as the owner, then `GRANT {APP_ROLE} TO {name}`"
        )));
    }
    if !migrated {
        return Err(DbError(
            "the database has no Panelist schema: run `panelist-server migrate` with the owner's URL first".into(),
        ));
    }
    let version: i32 = client
        .query_one(
            "SELECT coalesce(max(version), 0) FROM panelist_migrations",
            &[],
        )
        .await?
        .get(0);
    if version != SCHEMA_VERSION {
        return Err(DbError(format!(
            "the database is at schema version {version}; this build needs {SCHEMA_VERSION}: {}",
            if version < SCHEMA_VERSION {
                "run `panelist-server migrate` with the owner's URL"
            } else {
                "upgrade panelist-server"
            }
        )));
    }
    let rows = client
        .query(
            "SELECT c.relname::text, pg_has_role(current_user, c.relowner, 'MEMBER'),
                    c.relrowsecurity AND c.relforcerowsecurity
             FROM pg_class c
             WHERE c.oid IN (to_regclass('users'), to_regclass('sessions'), to_regclass('unseals'),
                             to_regclass('bank_versions'), to_regclass('installation_keys'),
                             to_regclass('plans'), to_regclass('open_sessions'))",
            &[],
        )
        .await?;
    if rows.len() != 7 {
        return Err(DbError(
            "the Panelist tables are missing; run migrate".into(),
        ));
    }
    for r in rows {
        let (table, owns, forced): (String, bool, bool) = (r.get(0), r.get(1), r.get(2));
        if owns {
            return Err(DbError(format!(
                "the server's database role {name:?} owns (or is a member of the owner of) table {table}: the server must not connect as the owner"
            )));
        }
        if !forced {
            return Err(DbError(format!(
                "table {table} does not force row-level security"
            )));
        }
    }
    Ok(())
}

// -- users ------------------------------------------------------------------

/// A new bearer token: 256 random bits, hex, with a recognisable prefix.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("the OS random source works");
    format!("pnl_{}", hex(&bytes))
}

/// What the database stores of a token: its SHA-256.
pub fn token_sha256(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    pub name: String,
    pub role: String,
    pub active: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

fn check_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty() {
        return Err(DbError("a user needs a name".into()));
    }
    // The core's one rule for a person's name (one line, a bounded length,
    // at least one letter), as for interviewers in session files.
    panelist_core::validate::person_name(name)
        .map_err(|problem| DbError(format!("user name {name:?}: {problem}")))?;
    Ok(name)
}

/// The end of a token that lasts `days` days (1 to 36,500), if it ends.
fn expiry(days: Option<u32>) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    match days {
        None => Ok(None),
        Some(d) if (1..=36_500).contains(&d) => Ok(Some(
            chrono::Utc::now() + chrono::Duration::days(i64::from(d)),
        )),
        Some(d) => Err(DbError(format!(
            "--expires: {d} days is not between 1 and 36500"
        ))),
    }
}

/// The stored name of the user whose name has `name`'s identity key.
async fn find_user(client: &Client, name: &str) -> Result<String> {
    let key = panelist_core::text::name_key(name);
    for row in client.query("SELECT name FROM users", &[]).await? {
        let existing: String = row.get(0);
        if panelist_core::text::name_key(&existing) == key {
            return Ok(existing);
        }
    }
    Err(DbError(format!("no user named {name:?}")))
}

/// Adds a user and returns their token (shown once; only its hash is kept).
pub async fn add_user(client: &Client, name: &str, role: &str) -> Result<String> {
    add_user_expiring(client, name, role, None).await
}

/// [`add_user`] with a token that ends after `expires_days` days.
pub async fn add_user_expiring(
    client: &Client,
    name: &str,
    role: &str,
    expires_days: Option<u32>,
) -> Result<String> {
    let expires = expiry(expires_days)?;
    let name = check_name(name)?;
    let Some(role) = panelist_core::wire::Role::parse(role) else {
        return Err(DbError(format!(
            "unknown role {role:?}: use interviewer, lead or admin"
        )));
    };
    // Names are one person by the core's identity key (Unicode form, case,
    // spacing and invisible characters ignored), which SQL's lower() is not:
    // "Grace Hopper" and "Grace Hopper" + a TAG character are one user.
    let key = panelist_core::text::name_key(name);
    for row in client.query("SELECT name FROM users", &[]).await? {
        let existing: String = row.get(0);
        if panelist_core::text::name_key(&existing) == key {
            return Err(DbError(format!(
                "a user named {existing:?} already exists (the same name as {name:?})"
            )));
        }
    }
    let role = role.as_str();
    let token = new_token();
    client
        .execute(
            "INSERT INTO users (name, role, token_sha256, token_expires_at, name_key)
             VALUES ($1, $2, $3, $4, $5)",
            &[&name, &role, &token_sha256(&token), &expires, &key],
        )
        .await
        .map_err(|e| match e.code() {
            Some(c) if *c == tokio_postgres::error::SqlState::UNIQUE_VIOLATION => {
                DbError(format!("a user named {name:?} already exists"))
            }
            _ => DbError::from(e),
        })?;
    Ok(token)
}

pub async fn list_users(client: &Client) -> Result<Vec<UserRow>> {
    let rows = client
        .query(
            "SELECT name, role, token_sha256 IS NOT NULL, created_at FROM users ORDER BY lower(name)",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| UserRow {
            name: r.get(0),
            role: r.get(1),
            active: r.get(2),
            created_at: r.get(3),
        })
        .collect())
}

/// Revokes a user's token: it stops working at once, on every instance.
pub async fn revoke_token(client: &Client, name: &str) -> Result<()> {
    let name = find_user(client, check_name(name)?).await?;
    let n = client
        .execute(
            "UPDATE users SET token_sha256 = NULL, revoked_at = now() WHERE name = $1",
            &[&name],
        )
        .await?;
    if n == 0 {
        return Err(DbError(format!("no user named {name:?}")));
    }
    Ok(())
}

/// Gives a user a fresh token (the old one, if any, stops working).
pub async fn new_user_token(client: &Client, name: &str) -> Result<String> {
    new_user_token_expiring(client, name, None).await
}

/// [`new_user_token`] ending after `expires_days` days (rotation: the old
/// token stops working at once).
pub async fn new_user_token_expiring(
    client: &Client,
    name: &str,
    expires_days: Option<u32>,
) -> Result<String> {
    let expires = expiry(expires_days)?;
    let name = find_user(client, check_name(name)?).await?;
    let token = new_token();
    let n = client
        .execute(
            "UPDATE users SET token_sha256 = $2, revoked_at = NULL, token_expires_at = $3 WHERE name = $1",
            &[&name, &token_sha256(&token), &expires],
        )
        .await?;
    if n == 0 {
        return Err(DbError(format!("no user named {name:?}")));
    }
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A landed migration is never edited (a deployed database already ran
    /// it): each is pinned by its SHA-256. A new migration is appended with
    /// its own line here.
    #[test]
    fn landed_migrations_are_never_edited() {
        let pinned = [
            "38c378d8c26d2999c29d71df8fe57a9522d61906214128f8000847f1fa91ee7d",
            "8630e2aa93fbc790e21e2030d6ec59f794a8e19186778220f369066b66904956",
            "f85d0a62b6201ca06269aa85896b2421213c42dcaee08565e3b42d502c8d4eee",
            "47d45416c3fd4b6c77c3bfa8f466837c8799256bf56bf3dd74303f22334c3c2b",
            "4873ae61321c141c313f2d4122765643d8cabe8aee268fa70dc230951ac4e0e4",
            "4312b337ef9c5793b3801ba7f5864f8ce23ae4aa1b67d75bdeea76a07462425d",
            "643604b357557971556ff10b4d204ddd823c3d163e435928ac4daa45dc65fc80",
        ];
        assert_eq!(MIGRATIONS.len(), pinned.len(), "pin the new migration");
        for ((version, name, sql), want) in MIGRATIONS.iter().zip(pinned) {
            assert_eq!(hex(&Sha256::digest(sql.as_bytes())), want, "{name}");
            assert!(name.starts_with(&format!("{version:04}_")), "{name}");
        }
    }
}
