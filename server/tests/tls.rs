//! `serve --tls-cert --tls-key`: HTTPS with a certificate the client trusts,
//! also on a non-loopback address, and no plain HTTP on that port.

mod common;

use std::sync::Arc;

use common::*;

#[test]
fn serves_https_with_the_given_certificate() {
    let pg = PgCluster::start();
    let (owner, web) = pg.provision();
    let token = add_user(&owner, "Ann Archer", "interviewer");
    let (cert, key) = self_signed_cert(pg.socket_dir());

    // TLS makes a non-loopback address acceptable.
    let server = ServeProcess::start(
        &web,
        &[
            "--listen",
            "0.0.0.0:0",
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(
        server.url.starts_with("https://127.0.0.1:"),
        "{}",
        server.url
    );

    let mut roots = rustls::RootCertStore::empty();
    let pem = std::fs::read(&cert).unwrap();
    for c in rustls_pemfile::certs(&mut &pem[..]) {
        roots.add(c.unwrap()).unwrap();
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let config = Arc::new(config);
    let agent = ureq::AgentBuilder::new().tls_config(config.clone()).build();
    let me: serde_json::Value = agent
        .get(&format!("{}/v1/me", server.url))
        .set("Authorization", &format!("Bearer {token}"))
        .call()
        .unwrap()
        .into_json()
        .unwrap();
    assert_eq!(me["name"], "Ann Archer");

    // A head hyper cannot parse gets the JSON body over TLS as well.
    let addr = server.url.strip_prefix("https://").unwrap();
    let name = rustls::pki_types::ServerName::try_from("127.0.0.1").unwrap();
    let conn = rustls::ClientConnection::new(config, name).unwrap();
    let mut tls = rustls::StreamOwned::new(conn, std::net::TcpStream::connect(addr).unwrap());
    use std::io::{Read, Write};
    tls.write_all(b"G@T /v1/me HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    let _ = tls.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 400 "), "{head}");
    let body: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(body["code"], "invalid", "{body}");

    // Plain HTTP to the TLS port gets no API answer.
    let plain = server.url.replace("https://", "http://");
    let r = ureq::get(&format!("{plain}/v1/me"))
        .set("Authorization", &format!("Bearer {token}"))
        .call();
    assert!(
        !matches!(r, Ok(ref resp) if resp.status() == 200),
        "plain HTTP must not be served"
    );
    // A client that does not trust the certificate is refused.
    let untrusted = ureq::get(&format!("{}/v1/me", server.url)).call();
    assert!(matches!(untrusted, Err(ureq::Error::Transport(_))));

    // SIGTERM stops it cleanly; the access log has the request, not the token.
    let log = server.stop();
    assert!(log.contains(" GET /v1/me 200 "), "{log}");
    assert!(!log.contains(&token), "{log}");
}
