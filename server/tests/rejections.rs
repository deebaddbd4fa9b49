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

/// The cases hyper answers before any of the server's code runs, with an
/// empty body and the connection closed (docs/sync-protocol.md, "Limits"):
/// a request head it cannot parse, a URI over 65,534 bytes, more than 1,000
/// headers, a head over 400 KiB. Pinned so that the document stays true.
#[test]
fn only_an_unparsable_or_absurd_head_is_answered_by_hyper_itself() {
    let (_pg, server) = server();
    let empty = |r: Raw, status: u16| {
        assert_eq!(r.status, status, "{}", r.head);
        assert!(r.body.is_empty(), "{:?}", r.body);
    };
    empty(
        raw(&server.url, b"G@T /v1/me HTTP/1.1\r\nHost: x\r\n\r\n"),
        400,
    );
    empty(
        raw(&server.url, b"GET /v1/me HTTP/1.1\r\nBad Header: x\r\n\r\n"),
        400,
    );
    let huge = format!("/v1/me?{}", "a".repeat(70_000));
    empty(raw(&server.url, &request(&huge, &[])), 414);
    let lots: Vec<_> = (0..1_100)
        .map(|i| (format!("x-h{i}"), "v".to_string()))
        .collect();
    empty(raw(&server.url, &request("/v1/me", &lots)), 431);
    let giant = vec![("x-giant".to_string(), "g".repeat(500_000))];
    empty(raw(&server.url, &request("/v1/me", &giant)), 431);
}
