//! Boot: serve a router on a listener until a shutdown future resolves.
//!
//! [`serve`] is the one boot path, used by [`spawn`] (tests, in-process simulators) and
//! by the `cartsim` binary (with Ctrl-C as the shutdown future), as mini-redis's
//! `server::run` is. It runs its own HTTP/1.1 accept loop rather than `axum::serve` for
//! one reason: a fault rule may ask to *drop the connection*, and only a hyper service
//! that fails can close a connection without writing a response.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tower::ServiceExt;

/// Marker a response carries (in its extensions) when the connection must be closed
/// without sending it; set by fault rules with `"drop": true`.
#[derive(Debug, Clone, Copy)]
pub struct DropConnection;

#[derive(Debug, thiserror::Error)]
#[error("connection dropped by a fault rule")]
struct Dropped;

/// How long shutdown waits for requests in progress before closing their connections.
const GRACE: Duration = Duration::from_secs(5);

/// Serves `router` on `listener` until `shutdown` resolves, then lets requests in
/// progress finish (up to a few seconds) and returns.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let graceful = GracefulShutdown::new();
    tokio::pin!(shutdown);
    loop {
        let (stream, _peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) if is_transient(&e) => {
                    // Out of file descriptors and the like: back off, keep serving.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
                Err(e) => return Err(e),
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
            let router = router.clone();
            async move {
                let resp: Response<Body> = match router.oneshot(req.map(Body::new)).await {
                    Ok(resp) => resp,
                    Err(never) => match never {},
                };
                if resp.extensions().get::<DropConnection>().is_some() {
                    return Err(Dropped);
                }
                Ok(resp)
            }
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .keep_alive(true)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection closed with an error");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the grace period; closing them");
    }
    Ok(())
}

fn is_transient(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    ) || e.raw_os_error().is_some_and(|c| c == 23 || c == 24) // ENFILE, EMFILE
}

/// A running server: its address, and its shutdown. Dropping the handle shuts the
/// server down too (in the background); [`SimHandle::shutdown`] waits for it.
#[derive(Debug)]
pub struct SimHandle {
    addr: SocketAddr,
    base_url: String,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl SimHandle {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, lets requests in progress finish, and waits until the server
    /// has stopped.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.unwrap_or_else(|e| Err(io::Error::other(e))),
            None => Ok(()),
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds `addr` (port 0 for an ephemeral port) and serves `router` on a task of its own.
pub async fn spawn(router: Router, addr: SocketAddr) -> io::Result<SimHandle> {
    let listener = TcpListener::bind(addr).await?;
    Ok(spawn_on(listener, router))
}

/// Serves `router` on an already bound listener, on a task of its own.
pub fn spawn_on(listener: TcpListener, router: Router) -> SimHandle {
    let addr = listener
        .local_addr()
        .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 0)));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, router, async move {
        let _ = stopped.await;
    }));
    SimHandle {
        addr,
        base_url: base_url_for(addr),
        stop: Some(stop),
        task: Some(task),
    }
}

/// The base URL clients use for `addr`: an unspecified address (`0.0.0.0`) is shown as
/// loopback, since that is what a client on this machine connects to.
pub fn base_url_for(addr: SocketAddr) -> String {
    let ip = if addr.ip().is_unspecified() {
        match addr {
            SocketAddr::V4(_) => "127.0.0.1".to_owned(),
            SocketAddr::V6(_) => "[::1]".to_owned(),
        }
    } else if addr.is_ipv6() {
        format!("[{}]", addr.ip())
    } else {
        addr.ip().to_string()
    };
    format!("http://{ip}:{}", addr.port())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;

    fn app() -> Router {
        Router::new().route("/hello", get(|| async { "hi" })).route(
            "/drop",
            get(|| async {
                let mut r = Response::new(Body::empty());
                r.extensions_mut().insert(DropConnection);
                r
            }),
        )
    }

    #[tokio::test]
    async fn serves_on_an_ephemeral_port_and_shuts_down() {
        let handle = spawn(app(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        assert_ne!(handle.local_addr().port(), 0);
        assert_eq!(
            handle.base_url(),
            format!("http://127.0.0.1:{}", handle.local_addr().port())
        );
        let body = reqwest::get(format!("{}/hello", handle.base_url()))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(body, "hi");
        let addr = handle.local_addr();
        handle.shutdown().await.unwrap();
        assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    }

    #[tokio::test]
    async fn dropping_the_handle_stops_the_server() {
        let handle = spawn(app(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = handle.local_addr();
        drop(handle);
        // The accept loop ends on its next poll; give it a bounded number of chances.
        let mut refused = false;
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(addr).await.is_err() {
                refused = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(
            refused,
            "server still accepting after its handle was dropped"
        );
    }

    #[tokio::test]
    async fn a_drop_marker_closes_the_connection_without_a_response() {
        let handle = spawn(app(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let err = reqwest::get(format!("{}/drop", handle.base_url()))
            .await
            .unwrap_err();
        assert!(
            err.is_request() || err.is_connect() || err.is_body(),
            "{err:?}"
        );
    }

    #[test]
    fn unspecified_addresses_show_as_loopback() {
        assert_eq!(
            base_url_for("0.0.0.0:8081".parse().unwrap()),
            "http://127.0.0.1:8081"
        );
        assert_eq!(base_url_for("[::1]:80".parse().unwrap()), "http://[::1]:80");
    }
}
