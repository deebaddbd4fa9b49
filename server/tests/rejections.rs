//! Every error body is `{code, message}`, also for requests whose head is
//! too big: the URI and the header section are bounded by the server's own
//! layer (`http::errors::head_limits`), well below hyper's ceilings, so a
//! client that sends too much gets a JSON 414 or 431 instead of hyper's
//! empty answer. What hyper still answers itself (a head it cannot parse, or
//! one beyond its hard ceilings) is pinned by the last test, as
//! docs/sync-protocol.md ("Limits") lists it. Raw TCP against the real
//! binary: an HTTP client library would refuse to send most of these.

mod common;

use std::io::{Read, Write};
use std::time::Duration;

use common::*;

struct Raw {
    status: u16,
    head: String,
    body: String,
}

/// Sends `request` as is and reads the answer until the server closes or
/// the body (by Content-Length) is in.
fn raw(base: &str, request: &[u8]) -> Raw {
    let addr = base.strip_prefix("http://").unwrap();
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // The server may answer and close before reading everything.
    let _ = stream.write_all(request);
    let mut got = Vec::new();
    let mut buf = [0u8; 8192];
    loop {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
        let text = String::from_utf8_lossy(&got);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let len = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(usize::MAX);
            if body.len() >= len {
                break;
            }
        }
    }
    let text = String::from_utf8_lossy(&got).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    Raw {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

fn request(target: &str, headers: &[(String, String)]) -> Vec<u8> {
    let mut r = format!("GET {target} HTTP/1.1\r\nHost: localhost\r\n");
    for (k, v) in headers {
        r.push_str(&format!("{k}: {v}\r\n"));
    }
    r.push_str("Connection: close\r\n\r\n");
    r.into_bytes()
}

fn assert_json(r: &Raw, status: u16, code: &str) {
    assert_eq!(r.status, status, "{}\n{}", r.head, r.body);
    let body: serde_json::Value = serde_json::from_str(&r.body)
        .unwrap_or_else(|e| panic!("{status} body is not JSON ({e}): {:?}", r.body));
    assert_eq!(body["code"], code, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(!message.is_empty() && !message.contains('\n'), "{message}");
}

fn server() -> (PgCluster, ServeProcess) {
    let pg = PgCluster::start();
    let (_, web) = pg.provision();
    let server = ServeProcess::start(&web, &["--listen", "127.0.0.1:0"]);
    (pg, server)
}

#[test]
fn a_too_long_uri_or_too_big_header_section_is_answered_with_json() {
    let (_pg, server) = server();
    // A 20 KB query string.
    let long = format!("/v1/changes?cursor={}", "a".repeat(20_000));
    assert_json(&raw(&server.url, &request(&long, &[])), 414, "too_large");
    // 150 headers: more than hyper's own default limit of 100.
    let many: Vec<_> = (0..150)
        .map(|i| (format!("x-h{i}"), "v".to_string()))
        .collect();
    assert_json(
        &raw(&server.url, &request("/v1/me", &many)),
        431,
        "too_large",
    );
    // Three 30 KB headers: within hyper's buffer, beyond the server's limit.
    let big: Vec<_> = (0..3)
        .map(|i| (format!("x-big{i}"), "b".repeat(30_000)))
        .collect();
    assert_json(
        &raw(&server.url, &request("/v1/me", &big)),
        431,
        "too_large",
    );
    // Just under the limits the request goes on to the token check.
    let fine = format!("/v1/changes?cursor={}", "a".repeat(7_000));
    assert_json(&raw(&server.url, &request(&fine, &[])), 401, "unauthorized");
}

/// The heads hyper answers itself, before any of the server's code runs (a
/// request head it cannot parse, a URI over 65,534 bytes, more than 1,000
/// headers, a head over 400 KiB) get the `{code, message}` body too
/// (`serve::JsonParseErrors`), and the connection is closed.
#[test]
fn an_unparsable_or_absurd_head_is_answered_with_json_too() {
    let (_pg, server) = server();
    let closes = |r: &Raw| {
        assert!(
            r.head.to_ascii_lowercase().contains("connection: close"),
            "{}",
            r.head
        )
    };
    for bad in [
        &b"G@T /v1/me HTTP/1.1\r\nHost: x\r\n\r\n"[..],
        b"GET /v1/me HTTP/1.1\r\nBad Header: x\r\n\r\n",
        b"GET /v1/me HTTP/9.9\r\nHost: x\r\n\r\n",
        b"\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\r\n\r\n",
    ] {
        let r = raw(&server.url, bad);
        assert_json(&r, 400, "invalid");
        closes(&r);
    }
    let huge = format!("/v1/me?{}", "a".repeat(70_000));
    let r = raw(&server.url, &request(&huge, &[]));
    assert_json(&r, 414, "too_large");
    closes(&r);
    let lots: Vec<_> = (0..1_100)
        .map(|i| (format!("x-h{i}"), "v".to_string()))
        .collect();
    assert_json(
        &raw(&server.url, &request("/v1/me", &lots)),
        431,
        "too_large",
    );
    let giant = vec![("x-giant".to_string(), "g".repeat(500_000))];
    assert_json(
        &raw(&server.url, &request("/v1/me", &giant)),
        431,
        "too_large",
    );
}

/// Generated heads: every byte value in the method, the target, a header
/// name and a header value. Whichever layer refuses the request (hyper's
/// parser or the router), the answer is a 4xx with a `{code, message}` body.
#[test]
fn every_byte_in_every_part_of_the_head_gets_a_json_answer() {
    let (_pg, server) = server();
    let head = |method: &[u8], target: &[u8], name: &[u8], value: &[u8]| {
        let mut r = Vec::new();
        for part in [method, b" ", target, b" HTTP/1.1\r\nHost: localhost\r\n"] {
            r.extend_from_slice(part);
        }
        for part in [name, b": ", value, b"\r\nConnection: close\r\n\r\n"] {
            r.extend_from_slice(part);
        }
        r
    };
    let mut seen = std::collections::BTreeMap::<u16, usize>::new();
    for b in (0u8..=255).filter(|b| !matches!(b, b'\r' | b'\n')) {
        let with = |before: &[u8], after: &[u8]| [before, &[b], after].concat();
        let variants = [
            ("method", head(&with(b"G", b"T"), b"/v1/me", b"x-a", b"v")),
            ("target", head(b"GET", &with(b"/v1/", b"me"), b"x-a", b"v")),
            ("name", head(b"GET", b"/v1/me", &with(b"x-", b"a"), b"v")),
            ("value", head(b"GET", b"/v1/me", b"x-a", &with(b"v", b"w"))),
        ];
        for (part, req) in variants {
            let r = raw(&server.url, &req);
            let what = format!("byte {b:#04x} in the {part}: {}\n{:?}", r.head, r.body);
            assert!((400..500).contains(&r.status), "{what}");
            let body: serde_json::Value =
                serde_json::from_str(&r.body).unwrap_or_else(|e| panic!("not JSON ({e}): {what}"));
            assert!(
                body["code"].is_string() && body["message"].is_string(),
                "{what}"
            );
            *seen.entry(r.status).or_default() += 1;
        }
    }
    // Both layers answered: hyper's 400s and the router's 401 (no token).
    assert!(seen.get(&400).is_some_and(|n| *n > 100), "{seen:?}");
    assert!(seen.get(&401).is_some_and(|n| *n > 100), "{seen:?}");
}
