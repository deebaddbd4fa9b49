//! hyper answers a request head it cannot parse (a malformed request line or
//! header field, a URI over 65,534 bytes, a head over its buffer or header
//! count) by itself, before any of the server's code runs: the status, an
//! empty body, the connection closed. hyper has no hook for that answer, so
//! this layer sits between hyper and the connection and gives such an answer
//! the `{code, message}` body every other error has.
//!
//! It recognises hyper's answer by its shape, which nothing else the server
//! writes has: an HTTP/1 response head at the start of a write, status 400 or
//! above, `content-length: 0` and no `content-type` (every error the router
//! answers is JSON with its content type; `errors::json_errors`). The head is
//! replaced by one with the same status, a JSON body and `connection: close`
//! (hyper closes the connection after it anyway). Vectored writes are turned
//! off so that hyper writes each head as one contiguous buffer.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use axum_server::accept::Accept;
use panelist_core::wire::{ErrorBody, ErrorCode};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// Wraps an acceptor so that every connection it gives hyper goes through
/// [`JsonParseErrors`].
#[derive(Clone, Debug)]
pub struct JsonParseErrorsAcceptor<A>(pub A);

impl<A, I, S> Accept<I, S> for JsonParseErrorsAcceptor<A>
where
    A: Accept<I, S>,
    A::Future: Send + 'static,
{
    type Stream = JsonParseErrors<A::Stream>;
    type Service = A::Service;
    type Future = Pin<Box<dyn Future<Output = io::Result<(Self::Stream, Self::Service)>> + Send>>;

    fn accept(&self, stream: I, service: S) -> Self::Future {
        let inner = self.0.accept(stream, service);
        Box::pin(async move {
            let (stream, service) = inner.await?;
            Ok((JsonParseErrors::new(stream), service))
        })
    }
}

/// A connection whose writes of hyper's own error heads are given a body.
#[derive(Debug)]
pub struct JsonParseErrors<T> {
    inner: T,
    /// A replacement being written: its bytes, how many went out, and how
    /// many bytes of hyper's buffer it stands for.
    pending: Option<Replacement>,
}

#[derive(Debug)]
struct Replacement {
    bytes: Vec<u8>,
    written: usize,
    stands_for: usize,
}

impl<T> JsonParseErrors<T> {
    pub fn new(inner: T) -> Self {
        JsonParseErrors {
            inner,
            pending: None,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for JsonParseErrors<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for JsonParseErrors<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.pending.is_none() {
            match with_json_body(buf) {
                Some((bytes, stands_for)) => {
                    this.pending = Some(Replacement {
                        bytes,
                        written: 0,
                        stands_for,
                    })
                }
                None => return Pin::new(&mut this.inner).poll_write(cx, buf),
            }
        }
        // hyper calls again with the same buffer until it is taken, so the
        // replacement goes out whole before hyper hears its head was written.
        let Some(r) = this.pending.as_mut() else {
            unreachable!("set above")
        };
        while r.written < r.bytes.len() {
            let n = ready!(Pin::new(&mut this.inner).poll_write(cx, &r.bytes[r.written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            r.written += n;
        }
        let stands_for = r.stands_for;
        this.pending = None;
        Poll::Ready(Ok(stands_for))
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        false
    }
}

/// When `buf` starts with hyper's own error head, the head to write instead
/// and the length of the head it replaces.
fn with_json_body(buf: &[u8]) -> Option<(Vec<u8>, usize)> {
    if !(buf.starts_with(b"HTTP/1.1 ") || buf.starts_with(b"HTTP/1.0 ")) {
        return None;
    }
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&buf[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let status: u16 = status_line.get(9..12)?.parse().ok()?;
    if status < 400 {
        return None;
    }
    let mut kept = Vec::new();
    let mut empty = false;
    for line in lines.filter(|l| !l.is_empty()) {
        let name = line.split(':').next().unwrap_or("").trim();
        if name.eq_ignore_ascii_case("content-type")
            || name.eq_ignore_ascii_case("transfer-encoding")
        {
            return None;
        }
        if name.eq_ignore_ascii_case("content-length") {
            empty = line[name.len() + 1..].trim() == "0";
            if !empty {
                return None;
            }
        } else if !name.eq_ignore_ascii_case("connection") {
            kept.push(line);
        }
    }
    if !empty {
        return None;
    }
    let body = serde_json::to_vec(&body_for(status)).ok()?;
    let mut out = Vec::with_capacity(end + body.len() + 96);
    out.extend_from_slice(status_line.as_bytes());
    out.extend_from_slice(b"\r\n");
    for line in kept {
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(
        format!(
            "content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(&body);
    Some((out, end))
}

fn body_for(status: u16) -> ErrorBody {
    let (code, message) = match status {
        414 => (
            ErrorCode::TooLarge,
            "the request URI is longer than this server reads",
        ),
        431 => (
            ErrorCode::TooLarge,
            "the request's header section is larger than this server reads",
        ),
        400 => (
            ErrorCode::Invalid,
            "the request head is not valid HTTP/1.1 (its request line, URI, version or a header field)",
        ),
        s if s >= 500 => (
            ErrorCode::Internal,
            "the server failed to handle the request; the error is in its log",
        ),
        _ => (
            ErrorCode::Invalid,
            "the request is not one this server takes",
        ),
    };
    ErrorBody {
        code,
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyper_error_heads_get_a_json_body_and_everything_else_passes() {
        let head = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: Sat, 05 Dec 2026 22:00:00 GMT\r\n\r\n";
        let (out, stands_for) = with_json_body(head).unwrap();
        assert_eq!(stands_for, head.len());
        let text = String::from_utf8(out).unwrap();
        let (h, body) = text.split_once("\r\n\r\n").unwrap();
        assert!(h.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{h}");
        assert!(h.contains("\r\ndate: "), "{h}");
        assert!(
            h.contains(&format!("content-length: {}", body.len())),
            "{h}"
        );
        let parsed: ErrorBody = serde_json::from_str(body).unwrap();
        assert_eq!(parsed.code, ErrorCode::Invalid);

        // The router's JSON errors, successes and bodies pass untouched.
        for passes in [
            &b"HTTP/1.1 401 Unauthorized\r\ncontent-type: application/json\r\ncontent-length: 40\r\n\r\n"[..],
            b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n",
            b"HTTP/1.1 404 Not Found\r\ncontent-length: 12\r\n\r\n",
            b"HTTP/1.1 500 Internal Server Error\r\ntransfer-encoding: chunked\r\n\r\n",
            b"{\"code\":\"invalid\"}",
            b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n",
        ] {
            assert!(with_json_body(passes).is_none(), "{passes:?}");
        }
    }
}
