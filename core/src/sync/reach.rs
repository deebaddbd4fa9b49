//! Why the team server cannot be reached, in one plain sentence: the
//! classification behind `panelist remote test`, the Team screen's "Test
//! connection" and every sync error (docs/sync-protocol.md, "Testing the
//! connection"). Errors are told apart by their types (ureq's error kind,
//! the `io::ErrorKind` and a `rustls::Error` under them), never by their
//! text.

use serde::Serialize;
use ts_rs::TS;

use super::{normalise_url, Failure, Remote, RemoteConfig, CA_KEY, URL_KEY};
use crate::team_token::TeamToken;
use crate::wire::{ErrorCode, PROTOCOL_VERSION};
use crate::{Error, Result, Store};

/// The outcome of a connection test, one case per reason the user can act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// The server answered and took the token.
    Ok,
    /// The server's host name could not be looked up.
    NameLookup,
    /// Nothing listens at the address and port (connection refused).
    Refused,
    /// No answer in time.
    Timeout,
    /// The secure connection failed (certificate, or http/https mixed up).
    Tls,
    /// The server refused the token (wrong, revoked or expired).
    Token,
    /// The server speaks another protocol version, or is no Panelist
    /// team server (no `/v1/me`).
    TooOld,
    /// The server is up but cannot serve (its database: 503).
    Unavailable,
    /// Anything else, with its detail.
    Other,
}

/// What "Test connection" found: the reason and one sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ConnectionTest {
    pub reach: Reach,
    pub sentence: String,
    /// Who the token belongs to, when the server took it.
    pub user: Option<String>,
}

/// The host (and port, when given) of a URL, for the sentences.
fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split(['/', '?', '#']).next().unwrap_or(rest)
}

/// Every error under `e`, with the inner error of an `io::Error` (whose
/// `source` skips it).
fn causes<'a>(
    e: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut out = Vec::new();
    let mut next = Some(e);
    while let Some(e) = next {
        out.push(e);
        next = match e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => e.source(),
        };
        if out.len() > 16 {
            break;
        }
    }
    out
}

/// Classifies a transport error of ureq (no HTTP status came back).
pub(super) fn transport(e: &ureq::Transport, url: &str) -> (Reach, String) {
    let host = host_of(url);
    let all = causes(e);
    let io_kind = all
        .iter()
        .find_map(|c| c.downcast_ref::<std::io::Error>().map(std::io::Error::kind));
    let tls = all
        .iter()
        .find_map(|c| c.downcast_ref::<rustls::Error>().map(ToString::to_string));
    use std::io::ErrorKind as Io;
    use ureq::ErrorKind as K;
    if let Some(detail) = tls {
        return (
            Reach::Tls,
            format!("the secure connection to {host} failed ({detail}): the server's certificate is not trusted here (set its CA), or it does not speak https"),
        );
    }
    match (e.kind(), io_kind) {
        (K::Dns, _) => (
            Reach::NameLookup,
            format!("the name {:?} could not be looked up: check the server address and your network", host.rsplit_once(':').map_or(host, |(h, _)| h)),
        ),
        (_, Some(Io::ConnectionRefused)) => (
            Reach::Refused,
            format!("{host} refused the connection: no team server listens there; check the address and port, or whether the server is running"),
        ),
        (_, Some(Io::TimedOut | Io::WouldBlock)) => (
            Reach::Timeout,
            format!("{host} did not answer in time: check your network, or whether the server is up"),
        ),
        // A plain-HTTP request to a TLS port gets no HTTP answer.
        (K::BadStatus | K::BadHeader, _)
        | (
            _,
            Some(
                Io::InvalidData
                | Io::InvalidInput
                | Io::UnexpectedEof
                | Io::ConnectionReset
                | Io::ConnectionAborted,
            ),
        )
            if url.starts_with("http://") =>
        {
            (
                Reach::Tls,
                format!("{host} did not answer in plain HTTP: if the server uses TLS, the address must start with https://"),
            )
        }
        _ => (Reach::Other, format!("{host} could not be reached: {e}")),
    }
}

/// The sentence for a failure of any request, and its reason.
pub(super) fn failure(f: &Failure, url: &str) -> (Reach, String) {
    match f {
        Failure::Transport(reach, sentence) => (*reach, sentence.clone()),
        Failure::Api { status: 401, .. }
        | Failure::Api {
            code: Some(ErrorCode::Unauthorized),
            ..
        } => (
            Reach::Token,
            "the team server did not accept your token: it is wrong, was revoked or has expired; ask your administrator for a new one".into(),
        ),
        Failure::Api { status: 404, .. } => (
            Reach::TooOld,
            format!("no Panelist team server answers at {url} (404): check the address; an older server needs upgrading"),
        ),
        Failure::Api { status: 503, .. } => (
            Reach::Unavailable,
            "the team server is up but cannot serve now (its database does not answer, 503): try again later, or tell your administrator".into(),
        ),
        Failure::Api {
            status, message, ..
        } => (
            Reach::Other,
            format!("the team server said {status}: {message}"),
        ),
        Failure::Reply(e) => (
            Reach::TooOld,
            format!("the server at {url} did not answer as a Panelist team server ({e}): check the address, or upgrade the server"),
        ),
    }
}

impl Remote {
    /// The server that "Test connection" tries: `url` and `token` where
    /// given (what the person typed, not yet saved), else the saved ones;
    /// the saved CA either way. Nothing is saved. Blocking (the keyring).
    pub fn trying(store: &mut Store, url: Option<&str>, token: Option<&str>) -> Result<Remote> {
        let typed = |v: Option<&str>| v.map(str::trim).filter(|v| !v.is_empty()).map(String::from);
        let (url, token) = (typed(url), typed(token));
        if url.is_none() && token.is_none() {
            return Remote::from_store(store);
        }
        let keeper = TeamToken::for_store(store)?;
        let saved = store.setting(URL_KEY)?.filter(|u| !u.is_empty());
        let url = match url {
            Some(u) => normalise_url(&u)?,
            None => saved.clone().ok_or_else(|| {
                Error::Invalid("server URL: enter the team server's address".into())
            })?,
        };
        // The saved token goes only to the saved server: a new address is
        // tried with a token typed for it.
        let token = match token {
            Some(t) => t,
            None if saved.as_deref() != Some(url.as_str()) => {
                return Err(Error::Invalid(
                    "token: paste the token for this server (the saved token is only sent to the saved server)".into(),
                ))
            }
            None => keeper.load().map(|(t, _)| t).ok_or_else(|| {
                Error::Invalid("token: paste the token your administrator gave you".into())
            })?,
        };
        Remote::new(&RemoteConfig {
            url,
            token,
            ca_pem: store.setting(CA_KEY)?,
        })
    }

    /// Tests the connection: reaches the server, checks the token and the
    /// protocol version (`GET /v1/me`), and says what went wrong in one
    /// sentence. Blocking.
    pub fn test(&self) -> ConnectionTest {
        match self.get::<crate::wire::Me>("/v1/me") {
            Ok(me) if me.protocol != PROTOCOL_VERSION => ConnectionTest {
                reach: Reach::TooOld,
                sentence: format!(
                    "the team server speaks sync protocol {} and this Panelist speaks {PROTOCOL_VERSION}: the older of the two needs upgrading",
                    me.protocol
                ),
                user: None,
            },
            Ok(me) => ConnectionTest {
                reach: Reach::Ok,
                sentence: format!(
                    "connected to {} as {} ({})",
                    self.url, me.name, me.role
                ),
                user: Some(me.name),
            },
            Err(f) => {
                let (reach, sentence) = failure(&f, &self.url);
                ConnectionTest {
                    reach,
                    sentence,
                    user: None,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::host_of;

    #[test]
    fn the_host_is_named_without_path_or_scheme() {
        assert_eq!(
            host_of("https://panelist.example.com/x?y"),
            "panelist.example.com"
        );
        assert_eq!(host_of("http://127.0.0.1:9/"), "127.0.0.1:9");
    }
}
