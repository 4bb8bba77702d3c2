//! A TCP proxy on loopback between a server under test and its database,
//! which a test can cut (every connection through it is dropped and new
//! ones are refused) and restore: the database "goes away" and comes back
//! without touching the database server itself.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;

/// The proxy; it stops when dropped.
pub struct DbProxy {
    addr: SocketAddr,
    cut: Arc<AtomicBool>,
    cutting: mpsc::Sender<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl DbProxy {
    /// Forwards a loopback port to `upstream`.
    pub async fn start(upstream: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the proxy");
        let addr = listener.local_addr().expect("address");
        let cut = Arc::new(AtomicBool::new(false));
        let (cutting, cuts) = mpsc::channel(1);
        let task = tokio::spawn(forward(listener, upstream, cut.clone(), cuts));
        Self { addr, cut, cutting, task }
    }

    /// The address clients should connect to.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Drops every connection and refuses new ones until [`Self::restore`];
    /// returns once the connections are closed.
    pub async fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        let (done, closed) = oneshot::channel();
        self.cutting.send(done).await.expect("the proxy runs");
        closed.await.expect("the proxy cut its connections");
    }

    /// Lets connections through again.
    pub fn restore(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

impl Drop for DbProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn forward(
    listener: TcpListener,
    upstream: SocketAddr,
    cut: Arc<AtomicBool>,
    mut cuts: mpsc::Receiver<oneshot::Sender<()>>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((mut client, _)) = accepted else { continue };
                if cut.load(Ordering::SeqCst) {
                    continue; // dropped: the client sees its connection closed
                }
                connections.spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
            }
            Some(done) = cuts.recv() => {
                connections.shutdown().await;
                let _ = done.send(());
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}
