//! TLS to PostgreSQL: the real `panelist-server` binary against a throwaway
//! cluster with `ssl = on` (scripts/pg-throwaway.sh start-ssl, its
//! certificate for `localhost` signed by a throwaway CA). `sslmode=
//! verify-full` with the right CA and host name connects (PostgreSQL itself
//! reports the server's connections as encrypted); a wrong CA, a wrong host
//! name, a plain connection to another machine and a weaker sslmode are
//! refused with a one-line error.

mod common;

use std::path::Path;

use common::*;

fn tls_url(port: u16, host: &str, user: &str, ca: &Path) -> String {
    format!(
        "host={host} port={port} user={user} dbname=panelist sslmode=verify-full sslrootcert={}",
        ca.display()
    )
}

/// The command fails with one line on stderr that contains `needle`.
fn refused(url: &str, args: &[&str], needle: &str) -> String {
    let (ok, out, err) = server_cli(url, args);
    assert!(!ok, "{args:?} must fail with {url}: {out}");
    let err = err.trim().to_string();
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "{args:?} with {url}: {err}");
    err
}

#[test]
fn the_server_reaches_postgresql_over_verified_tls_and_refuses_a_wrong_ca_or_host() {
    let pg = PgCluster::start_ssl();
    let _ = pg.provision();
    let port = pg.tcp_port();
    let ca = pg.ca_file();

    // The administrative commands and `serve` over verify-full.
    let owner = tls_url(port, "localhost", "panelist_owner", &ca);
    let token = add_user(&owner, "Ann Archer", "interviewer");
    let web = tls_url(port, "localhost", "panelist_web", &ca);
    let server = ServeProcess::start(&web, &["--listen", "127.0.0.1:0"]);
    let me = get(&server.url, "/v1/me", Some(&token));
    assert_eq!(me.status, 200, "{}", me.pretty);
    assert_eq!(me.body["name"], "Ann Archer");
    let ssl = pg.psql(
        "panelist",
        "SELECT count(*) FILTER (WHERE s.ssl) || '/' || count(*) FROM pg_stat_ssl s \
         JOIN pg_stat_activity a USING (pid) WHERE a.usename = 'panelist_web'",
    );
    let (encrypted, all) = ssl.trim().split_once('/').unwrap();
    assert!(all != "0" && encrypted == all, "encrypted/all: {ssl}");
    drop(server);

    // A CA that did not sign the database's certificate.
    let other = pg.other_ca(&pg.socket_dir().join("other-ca"));
    let wrong_ca = tls_url(port, "localhost", "panelist_owner", &other);
    let e = refused(&wrong_ca, &["user", "list"], "invalid peer certificate");
    assert!(e.contains("UnknownIssuer"), "{e}");
    refused(
        &tls_url(port, "localhost", "panelist_web", &other),
        &["serve", "--listen", "127.0.0.1:0"],
        "invalid peer certificate",
    );

    // The right CA, but a host name the certificate is not for.
    let wrong_host = tls_url(port, "127.0.0.1", "panelist_owner", &ca);
    let e = refused(&wrong_host, &["user", "list"], "invalid peer certificate");
    assert!(e.contains("not valid for name"), "{e}");

    // No TLS to another machine: refused before connecting (192.0.2.1 is a
    // documentation address that nothing answers), unless opted out.
    let remote = "host=192.0.2.1 port=5432 user=panelist_owner dbname=panelist connect_timeout=1";
    refused(remote, &["user", "list"], "--insecure-database");
    let e = refused(
        remote,
        &["--insecure-database", "user", "list"],
        "cannot connect",
    );
    assert!(!e.contains("without TLS"), "{e}");
    // TLS that skips a check, or may fall back to plain text, is refused.
    for mode in ["require", "prefer", "verify-ca"] {
        let url = format!(
            "host=localhost port={port} user=panelist_owner dbname=panelist sslmode={mode}"
        );
        refused(&url, &["user", "list"], "is not supported");
    }
    // verify-full without a CA file.
    refused(
        &format!(
            "host=localhost port={port} user=panelist_owner dbname=panelist sslmode=verify-full"
        ),
        &["user", "list"],
        "needs sslrootcert",
    );
}
