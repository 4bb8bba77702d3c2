//! Serves an endpoint over HTTP/1.1 and HTTP/2 with hyper-util, as
//! `poem::Server` does, but drops a request as soon as its client hangs up.
//!
//! poem 3.1's server awaits each connection a second time after it ends, so
//! that a graceful shutdown can finish the requests in flight. When the
//! connection ended because the client went away, that second await keeps
//! polling the abandoned request to its end: a sign-in nobody waits for still
//! costs a whole argon2 hash, and the sign-ins queued behind it wait for
//! nothing. Here a connection that ends is dropped with its request, and only
//! a shutdown lets requests in flight finish, within the grace period.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use poem::http;
use poem::listener::Acceptor;
use poem::{Endpoint, IntoEndpoint, Request};
use tokio_util::sync::CancellationToken;

/// How long to wait before accepting again after an error that is not one
/// connection's own (out of file descriptors, say), so the loop does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);

/// Serves `endpoint` on the connections `acceptor` yields until `shutdown`
/// completes; then stops accepting and lets the requests in flight finish,
/// for at most `grace` if given, before cutting their connections.
pub async fn serve<A, E>(
    mut acceptor: A,
    endpoint: E,
    shutdown: impl Future<Output = ()>,
    grace: Option<Duration>,
) where
    A: Acceptor,
    E: IntoEndpoint,
    E::Endpoint: 'static,
{
    let endpoint = Arc::new(endpoint.into_endpoint());
    let builder = auto::Builder::new(TokioExecutor::new());
    let graceful = GracefulShutdown::new();
    let cut = CancellationToken::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => break,
            accepted = acceptor.accept() => accepted,
        };
        let (io, local_addr, remote_addr, scheme) = match accepted {
            Ok(accepted) => accepted,
            Err(err) if concerns_one_connection(&err) => continue,
            Err(err) => {
                tracing::warn!(error = %err, "cannot accept connections; retrying");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        let endpoint = endpoint.clone();
        let service = hyper::service::service_fn(move |request: http::Request<Incoming>| {
            let endpoint = endpoint.clone();
            let request = Request::from((request, local_addr.clone(), remote_addr.clone(), scheme.clone()));
            async move { Ok::<http::Response<_>, Infallible>(endpoint.get_response(request).await.into()) }
        });
        let builder = builder.clone();
        let watcher = graceful.watcher();
        let cut = cut.clone();
        tokio::spawn(async move {
            let connection = watcher.watch(builder.serve_connection_with_upgrades(TokioIo::new(io), service));
            tokio::select! {
                served = connection => {
                    if let Err(err) = served {
                        tracing::debug!(error = %err, "connection ended with an error");
                    }
                }
                () = cut.cancelled() => {}
            }
        });
    }
    drop(acceptor);
    let drained = graceful.shutdown();
    match grace {
        None => drained.await,
        Some(grace) => {
            if tokio::time::timeout(grace, drained).await.is_err() {
                tracing::warn!(grace = ?grace, "requests still running after the shutdown grace period; cutting them off");
                cut.cancel();
            }
        }
    }
}

/// Whether an accept error belongs to one connection only (the client gave up
/// before it was accepted), so the next accept may follow at once.
fn concerns_one_connection(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionAborted | io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionRefused
    )
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;
    use std::sync::Arc;
    use std::time::Duration;

    use poem::listener::{Acceptor, Listener, TcpAcceptor, TcpListener};
    use poem::{EndpointExt, Route, get, handler, web::Data};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;
    use tokio::sync::{Notify, oneshot};

    use super::serve;

    /// Generous bound for things that should happen at once; only a hang
    /// reaches it.
    const PATIENCE: Duration = Duration::from_secs(10);

    /// What the test endpoint reports: it started, and its future was dropped
    /// or ran to the end.
    #[derive(Default)]
    struct Seen {
        started: Notify,
        dropped: Notify,
    }

    /// Notifies when dropped, whether the request finished or was abandoned.
    struct OnDrop(Arc<Seen>);

    impl Drop for OnDrop {
        fn drop(&mut self) {
            self.0.dropped.notify_one();
        }
    }

    #[handler]
    async fn hold(seen: Data<&Arc<Seen>>) -> &'static str {
        let _guard = OnDrop(seen.0.clone());
        seen.started.notify_one();
        std::future::pending::<()>().await;
        "never"
    }

    #[handler]
    async fn slow(seen: Data<&Arc<Seen>>) -> &'static str {
        seen.started.notify_one();
        tokio::time::sleep(Duration::from_millis(200)).await;
        "done"
    }

    async fn bind() -> (TcpAcceptor, SocketAddr) {
        let acceptor = TcpListener::bind("127.0.0.1:0").into_acceptor().await.expect("bind");
        let addr = *acceptor.local_addr()[0].as_socket_addr().expect("a socket address");
        (acceptor, addr)
    }

    /// Starts serving the test routes; the sender stops it.
    async fn start(
        seen: &Arc<Seen>,
        grace: Option<Duration>,
    ) -> (SocketAddr, oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
        let (acceptor, addr) = bind().await;
        let routes = Route::new().at("/hold", get(hold)).at("/slow", get(slow)).data(seen.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let served = tokio::spawn(serve(acceptor, routes, async move { drop(stopped.await) }, grace));
        (addr, stop, served)
    }

    async fn send_get(addr: SocketAddr, path: &str) -> TcpStream {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        let request = format!("GET {path} HTTP/1.1\r\nHost: casebook\r\n\r\n");
        stream.write_all(request.as_bytes()).await.expect("send");
        stream
    }

    async fn within<T>(what: &str, future: impl Future<Output = T>) -> T {
        tokio::time::timeout(PATIENCE, future)
            .await
            .unwrap_or_else(|_| panic!("{what} took over {PATIENCE:?}"))
    }

    #[tokio::test]
    async fn a_request_whose_client_hangs_up_is_dropped() {
        let seen = Arc::new(Seen::default());
        let (addr, _stop, _served) = start(&seen, None).await;
        let stream = send_get(addr, "/hold").await;
        within("the request to start", seen.started.notified()).await;
        drop(stream);
        within("the abandoned request to be dropped", seen.dropped.notified()).await;
    }

    #[tokio::test]
    async fn shutdown_lets_a_request_in_flight_finish_and_stops_accepting() {
        let seen = Arc::new(Seen::default());
        let (addr, stop, served) = start(&seen, Some(PATIENCE)).await;
        let mut stream = send_get(addr, "/slow").await;
        within("the request to start", seen.started.notified()).await;
        stop.send(()).expect("still serving");
        let mut response = String::new();
        within("the response", stream.read_to_string(&mut response)).await.expect("read");
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(response.ends_with("done"), "{response}");
        within("serving to end", served).await.expect("served");
        assert!(TcpStream::connect(addr).await.is_err(), "still accepting after shutdown");
    }

    #[tokio::test]
    async fn shutdown_cuts_requests_still_running_after_the_grace_period() {
        let seen = Arc::new(Seen::default());
        let (addr, stop, served) = start(&seen, Some(Duration::from_millis(50))).await;
        let mut stream = send_get(addr, "/hold").await;
        within("the request to start", seen.started.notified()).await;
        stop.send(()).expect("still serving");
        within("serving to end", served).await.expect("served");
        within("the cut request to be dropped", seen.dropped.notified()).await;
        let mut response = Vec::new();
        let read = within("the connection to close", stream.read_to_end(&mut response)).await;
        assert!(read.is_err() || response.is_empty(), "a response after the cut: {response:?}");
    }
}
