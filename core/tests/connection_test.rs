//! "Test connection" with what is typed in the form: the typed URL and token
//! are tried without being saved, and the saved token is only ever sent to
//! the saved server. A one-shot listener on loopback records the
//! Authorization header each test request carries.

use std::io::{Read, Write};
use std::net::TcpListener;

use panelist_core::sync::{self, Remote};
use panelist_core::team_token::{TeamToken, CONFIG_DIR_ENV, TOKEN_STORE_ENV};
use panelist_core::Store;

/// A server that answers one request with 401 JSON; returns its URL and a
/// handle that yields the request's Authorization header.
fn one_request() -> (String, std::thread::JoinHandle<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut head = Vec::new();
        let mut buf = [0u8; 4096];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = s.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        let body = br#"{"code":"unauthorized","message":"unknown token"}"#;
        let _ = write!(
            s,
            "HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        let _ = s.write_all(body);
        String::from_utf8_lossy(&head)
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("authorization")
                    .then(|| v.trim().to_string())
            })
            .unwrap_or_default()
    });
    (url, handle)
}

#[test]
fn typed_settings_are_tried_unsaved_and_the_saved_token_stays_with_its_server() {
    let dir = tempfile::tempdir().unwrap();
    std::env::set_var(CONFIG_DIR_ENV, dir.path());
    std::env::set_var(TOKEN_STORE_ENV, "file");
    let db = dir.path().join("panelist.db");
    let mut store = Store::open(&db).unwrap();

    // Nothing saved, nothing typed: the one sentence on how to set a server.
    let none = Remote::trying(&mut store, None, None).err().unwrap();
    assert!(none.to_string().contains("no team server set"), "{none}");

    let (saved_url, saved_server) = one_request();
    sync::set_server(&mut store, &saved_url).unwrap();
    TeamToken::for_store(&store)
        .unwrap()
        .save("saved-token")
        .unwrap();

    // A new address with no token typed is refused before any request.
    let other = Remote::trying(&mut store, Some("https://elsewhere.example"), None)
        .err()
        .unwrap();
    assert!(
        other
            .to_string()
            .contains("token: paste the token for this server"),
        "{other}"
    );

    // A new address with a typed token: that token goes there.
    let (typed_url, typed_server) = one_request();
    let t = Remote::trying(&mut store, Some(&typed_url), Some(" typed-token "))
        .unwrap()
        .test();
    assert_eq!(typed_server.join().unwrap(), "Bearer typed-token");
    assert_eq!(t.user, None);

    // The saved address (typed again, with a trailing slash) gets the saved
    // token; nothing typed was saved.
    Remote::trying(&mut store, Some(&format!("{saved_url}/")), Some(""))
        .unwrap()
        .test();
    assert_eq!(saved_server.join().unwrap(), "Bearer saved-token");
    assert_eq!(
        store.setting(sync::URL_KEY).unwrap().as_deref(),
        Some(saved_url.as_str())
    );
    assert_eq!(
        TeamToken::for_store(&store).unwrap().load().unwrap().0,
        "saved-token"
    );
}
