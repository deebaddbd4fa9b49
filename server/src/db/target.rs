//! Where and how the server reaches PostgreSQL: the connection settings of
//! the database URL and, with `sslmode=verify-full`, TLS (rustls) that
//! trusts only the CA file given as `sslrootcert` and checks the host name.
//!
//! The URL is libpq's (key=value or `postgresql://…?…`), so the same one
//! works with psql. tokio-postgres knows neither `verify-full` nor
//! `sslrootcert`; those two settings are taken out here and the rest is
//! handed to it unchanged. The rule:
//!
//! - `sslmode=verify-full sslrootcert=FILE`: TLS, the certificate signed by
//!   that CA and valid for the host name; anything else is refused.
//! - no `sslmode` (or `disable`): no TLS, only to a unix socket or a
//!   loopback address unless the opt-out (`--insecure-database`) is given.
//! - any other `sslmode` (`require`, `verify-ca`, `prefer`…): refused, since
//!   each either skips a check or may fall back to plain text.

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use tokio_postgres::config::{Host, SslMode};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{DbError, Result};

/// A parsed database URL and its TLS connector, if any.
#[derive(Clone)]
pub struct Target {
    pub(super) config: tokio_postgres::Config,
    pub(super) tls: Option<MakeRustlsConnect>,
}

impl Target {
    /// Parses `url`; `plain_remote` allows a database that is neither on a
    /// unix socket nor on a loopback address without TLS (the explicit
    /// opt-out, e.g. on a private network that is encrypted otherwise).
    pub fn parse(url: &str, plain_remote: bool) -> Result<Target> {
        let (rest, mode, root) = take_tls_settings(url)?;
        let mut config = rest
            .parse::<tokio_postgres::Config>()
            .map_err(|e| DbError(format!("the database URL is not valid: {e}")))?;
        let tls = match mode.as_deref() {
            None | Some("disable") => {
                if root.is_some() {
                    return Err(DbError(
                        "the database URL gives sslrootcert without sslmode=verify-full".into(),
                    ));
                }
                None
            }
            Some("verify-full") => {
                let ca = root.ok_or_else(|| {
                    DbError(
                        "sslmode=verify-full needs sslrootcert=FILE, the CA certificate (PEM) that signed the database's certificate".into(),
                    )
                })?;
                if let Some(Host::Unix(dir)) = config
                    .get_hosts()
                    .iter()
                    .find(|h| matches!(h, Host::Unix(_)))
                {
                    return Err(DbError(format!(
                        "sslmode=verify-full with the unix socket {}: PostgreSQL has no TLS on sockets; give a host name, or drop sslmode for a local socket",
                        dir.display()
                    )));
                }
                Some(verify_full(Path::new(&ca))?)
            }
            Some(other) => {
                return Err(DbError(format!(
                    "sslmode={other} is not supported: use sslmode=verify-full with sslrootcert=FILE (the database's CA), or no sslmode for a local socket or loopback address"
                )))
            }
        };
        if tls.is_some() {
            config.ssl_mode(SslMode::Require);
        } else {
            config.ssl_mode(SslMode::Disable);
            if !plain_remote {
                if let Some(host) = remote_host(&config) {
                    return Err(DbError(format!(
                        "refusing to connect to the database at {host} without TLS: it is not a unix socket or a loopback address. Add sslmode=verify-full sslrootcert=CA-FILE to the database URL, or give --insecure-database if the network is protected otherwise"
                    )));
                }
            }
        }
        Ok(Target { config, tls })
    }

    /// Whether connections use TLS.
    pub fn uses_tls(&self) -> bool {
        self.tls.is_some()
    }
}

/// The first host the connection may go to that is neither a unix socket
/// nor a loopback address (`hostaddr`, when given, is where it goes).
fn remote_host(config: &tokio_postgres::Config) -> Option<String> {
    let addrs = config.get_hostaddrs();
    if !addrs.is_empty() {
        return addrs
            .iter()
            .find(|a| !a.is_loopback())
            .map(|a| a.to_string());
    }
    config.get_hosts().iter().find_map(|h| match h {
        Host::Unix(_) => None,
        Host::Tcp(name) => {
            let local = name.eq_ignore_ascii_case("localhost")
                || name
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
            (!local).then(|| name.clone())
        }
    })
}

/// rustls trusting only the certificates in `ca` (PEM); rustls always
/// checks that the certificate is valid for the host name connected to.
fn verify_full(ca: &Path) -> Result<MakeRustlsConnect> {
    use rustls::pki_types::{pem::PemObject, CertificateDer};
    let bad = |e: &dyn std::fmt::Display| {
        DbError(format!(
            "cannot read the database CA file {} (sslrootcert): {e}",
            ca.display()
        ))
    };
    let certs = CertificateDer::pem_file_iter(ca)
        .map_err(|e| bad(&e))?
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| bad(&e))?;
    if certs.is_empty() {
        return Err(bad(&"it holds no PEM certificate"));
    }
    let mut roots = rustls::RootCertStore::empty();
    for cert in certs {
        roots.add(cert).map_err(|e| bad(&e))?;
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| DbError(format!("TLS set-up: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}

type Split = (String, Option<String>, Option<String>);

/// Takes `sslmode` and `sslrootcert` out of a libpq URL, in either form;
/// returns (the rest, sslmode, sslrootcert).
fn take_tls_settings(url: &str) -> Result<Split> {
    let url = url.trim();
    if url.starts_with("postgresql://") || url.starts_with("postgres://") {
        take_from_uri(url)
    } else {
        take_from_key_values(url)
    }
}

fn take_from_uri(url: &str) -> Result<Split> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_string(), None, None));
    };
    let (mut mode, mut root, mut kept) = (None, None, Vec::new());
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key {
            "sslmode" => mode = Some(percent_decode(value)?),
            "sslrootcert" => root = Some(percent_decode(value)?),
            _ => kept.push(pair),
        }
    }
    let rest = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((rest, mode, root))
}

fn percent_decode(s: &str) -> Result<String> {
    let bad = || {
        DbError(format!(
            "the database URL is not valid: bad escape in {s:?}"
        ))
    };
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or_else(bad)?;
            out.push(u8::from_str_radix(hex, 16).map_err(|_| bad())?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| bad())
}

/// libpq's key=value form: values bare or in single quotes, `\` escaping.
fn take_from_key_values(url: &str) -> Result<Split> {
    let bad = |why: &str| DbError(format!("the database URL is not valid: {why}"));
    let (mut mode, mut root, mut rest) = (None, None, String::new());
    let mut chars = url.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('=') {
            return Err(bad(&format!("{key:?} has no value")));
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'\'').is_some() {
            loop {
                match chars.next() {
                    Some('\'') => break,
                    Some('\\') => value.push(chars.next().ok_or_else(|| bad("a lone \\"))?),
                    Some(c) => value.push(c),
                    None => return Err(bad(&format!("the value of {key} has no closing quote"))),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                if c == '\\' {
                    value.push(chars.next().ok_or_else(|| bad("a lone \\"))?);
                } else {
                    value.push(c);
                }
            }
        }
        match key.as_str() {
            "sslmode" => mode = Some(value),
            "sslrootcert" => root = Some(value),
            _ => {
                let quoted = value.replace('\\', "\\\\").replace('\'', "\\'");
                rest.push_str(&format!("{key}='{quoted}' "));
            }
        }
    }
    Ok((rest.trim_end().to_string(), mode, root))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_settings_are_taken_out_of_both_url_forms() {
        let (rest, mode, root) = take_tls_settings(
            "host=db.example port=5432 sslmode=verify-full sslrootcert='/etc/ca dir/ca.crt' user=web",
        )
        .unwrap();
        assert_eq!(rest, "host='db.example' port='5432' user='web'");
        assert_eq!(mode.as_deref(), Some("verify-full"));
        assert_eq!(root.as_deref(), Some("/etc/ca dir/ca.crt"));
        let (rest, mode, root) = take_tls_settings(
            "postgresql://web@db.example/panelist?sslmode=verify-full&connect_timeout=5&sslrootcert=%2Fetc%2Fca.crt",
        )
        .unwrap();
        assert_eq!(
            rest,
            "postgresql://web@db.example/panelist?connect_timeout=5"
        );
        assert_eq!(mode.as_deref(), Some("verify-full"));
        assert_eq!(root.as_deref(), Some("/etc/ca.crt"));
    }

    #[test]
    fn plain_text_is_only_for_a_socket_or_loopback() {
        for local in [
            "host=/run/postgresql dbname=p",
            "host=localhost dbname=p",
            "host=127.0.0.1 dbname=p",
            "host=::1 dbname=p",
            "postgresql://web@localhost/p",
            "host=db.example hostaddr=127.0.0.1 dbname=p",
        ] {
            assert!(Target::parse(local, false).is_ok(), "{local}");
        }
        for remote in [
            "host=db.example dbname=p",
            "host=10.0.0.5 dbname=p",
            "postgresql://web@db.example/p",
            "host=localhost hostaddr=10.0.0.5 dbname=p",
            "host=/run/postgresql,db.example dbname=p",
        ] {
            let e = Target::parse(remote, false).err().expect(remote).0;
            assert!(e.contains("without TLS") && !e.contains('\n'), "{e}");
            assert!(Target::parse(remote, true).is_ok(), "{remote}");
        }
        for mode in ["require", "verify-ca", "prefer", "allow"] {
            let e = Target::parse(&format!("host=localhost sslmode={mode}"), true)
                .err()
                .unwrap()
                .0;
            assert!(
                e.contains(&format!("sslmode={mode} is not supported")),
                "{e}"
            );
        }
        let e = Target::parse("host=db.example sslmode=verify-full", false)
            .err()
            .unwrap()
            .0;
        assert!(e.contains("needs sslrootcert"), "{e}");
    }
}
