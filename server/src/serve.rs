//! Serving the router over HTTP or HTTPS (rustls) on a bound listener, until
//! a shutdown future resolves; in-flight requests are finished first.

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use axum::Router;
pub use axum_server::tls_rustls::RustlsConfig;

use crate::db::DbError;
use crate::http::HYPER_MAX_HEADERS;

mod parse_errors;
pub use parse_errors::{JsonParseErrors, JsonParseErrorsAcceptor};

/// Loads a PEM certificate chain and private key.
pub async fn tls_config(cert: &Path, key: &Path) -> Result<RustlsConfig, DbError> {
    RustlsConfig::from_pem_file(cert, key).await.map_err(|e| {
        DbError(format!(
            "cannot load the TLS certificate {} and key {}: {e}",
            cert.display(),
            key.display()
        ))
    })
}

/// How long a client may take to send a request's headers; also how long an
/// idle keep-alive connection stays open (hyper starts the same timer while
/// it waits for the next request). A slow or silent client is closed then.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn serve(
    listener: std::net::TcpListener,
    tls: Option<RustlsConfig>,
    app: Router,
    stop: impl Future<Output = ()> + Send + 'static,
) -> Result<(), DbError> {
    serve_with(listener, tls, app, stop, HEADER_READ_TIMEOUT).await
}

/// [`serve`] with a given header-read (and idle) timeout.
pub async fn serve_with(
    listener: std::net::TcpListener,
    tls: Option<RustlsConfig>,
    app: Router,
    stop: impl Future<Output = ()> + Send + 'static,
    header_timeout: Duration,
) -> Result<(), DbError> {
    listener
        .set_nonblocking(true)
        .map_err(|e| DbError(format!("cannot set up the listener: {e}")))?;
    let handle = axum_server::Handle::new();
    let stopper = handle.clone();
    tokio::spawn(async move {
        stop.await;
        stopper.graceful_shutdown(Some(Duration::from_secs(10)));
    });
    let service = app.into_make_service();
    let listen_err = |e: std::io::Error| DbError(format!("cannot listen: {e}"));
    let served = match tls {
        Some(config) => {
            let mut server = axum_server::from_tcp_rustls(listener, config)
                .map_err(listen_err)?
                .map(JsonParseErrorsAcceptor);
            server
                .http_builder()
                .http1()
                .header_read_timeout(header_timeout)
                .max_headers(HYPER_MAX_HEADERS);
            server.handle(handle).serve(service).await
        }
        None => {
            let mut server = axum_server::from_tcp(listener)
                .map_err(listen_err)?
                .map(JsonParseErrorsAcceptor);
            server
                .http_builder()
                .http1()
                .header_read_timeout(header_timeout)
                .max_headers(HYPER_MAX_HEADERS);
            server.handle(handle).serve(service).await
        }
    };
    served.map_err(|e| DbError(format!("server: {e}")))
}
