//! Serving the router over HTTP or HTTPS (rustls) on a bound listener, until
//! a shutdown future resolves; in-flight requests are finished first.

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use axum::Router;
pub use axum_server::tls_rustls::RustlsConfig;

use crate::db::DbError;

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

pub async fn serve(
    listener: std::net::TcpListener,
    tls: Option<RustlsConfig>,
    app: Router,
    stop: impl Future<Output = ()> + Send + 'static,
) -> Result<(), DbError> {
    listener
        .set_nonblocking(true)
        .map_err(|e| DbError(format!("cannot set up the listener: {e}")))?;
    match tls {
        Some(config) => {
            let handle = axum_server::Handle::new();
            let stopper = handle.clone();
            tokio::spawn(async move {
                stop.await;
                stopper.graceful_shutdown(Some(Duration::from_secs(10)));
            });
            axum_server::from_tcp_rustls(listener, config)
                .map_err(|e| DbError(format!("cannot listen: {e}")))?
                .handle(handle)
                .serve(app.into_make_service())
                .await
                .map_err(|e| DbError(format!("server: {e}")))
        }
        None => {
            let listener = tokio::net::TcpListener::from_std(listener)
                .map_err(|e| DbError(format!("cannot listen: {e}")))?;
            axum::serve(listener, app)
                .with_graceful_shutdown(stop)
                .await
                .map_err(|e| DbError(format!("server: {e}")))
        }
    }
}
