//! Accepting connections, so that slow or greedy clients cannot take the
//! site down: [`serve`] replaces `axum::serve` with hyper's own HTTP/1.1
//! connection builder, which can time out.
//!
//! - **Header-read timeout**: a client has [`ConnectionLimits::header_read_timeout`]
//!   to send a request's whole header, counted from the moment the server
//!   waits for it — on a new connection and between requests of a kept-alive
//!   one, so the same limit closes idle keep-alive connections.
//! - **Caps**: at most `per_client` connections from one address and `total`
//!   in all. Past a cap the connection gets one short plain answer (429 for
//!   one address's excess, 503 for the total) and is closed; nothing waits.
//!   A trusted proxy (see [`ClientAddrs`]) is not capped per address: its
//!   connections carry many fans.
//! - **Open files**: [`raise_open_file_limit`] lifts the soft limit to the
//!   hard one at start; [`ConnectionLimits::fit`] keeps the caps under it.
//!
//! Each request gets the socket's address as `ConnectInfo` and the fan's
//! address as a [`ClientAddr`](super::client_addr::ClientAddr).

use super::client_addr::ClientAddrs;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

/// Open files kept back from the connection caps: the data folder's files,
/// logs, and room to accept and refuse one more connection.
pub const RESERVED_FILES: u64 = 512;

/// How many connections tiket keeps, and for how long they may idle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Time to send a request's header, and the longest idle keep-alive.
    pub header_read_timeout: Duration,
    /// Connections open at once from one client address.
    pub per_client: usize,
    /// Connections open at once in all.
    pub total: usize,
    /// Live stock streams open at once (each holds a connection).
    pub live_streams: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            per_client: 1_000,
            total: 16_000,
            live_streams: 12_000,
        }
    }
}

impl ConnectionLimits {
    /// These limits shrunk so that every connection can have its file under
    /// `open_files` (the process's open-file limit), with [`RESERVED_FILES`]
    /// kept back. Live streams are connections too.
    pub fn fit(self, open_files: u64) -> Self {
        let room = open_files.saturating_sub(RESERVED_FILES).max(1);
        let room = usize::try_from(room).unwrap_or(usize::MAX);
        let total = self.total.min(room);
        ConnectionLimits {
            total,
            per_client: self.per_client.min(total),
            live_streams: self.live_streams.min(total),
            ..self
        }
    }
}

/// Lifts the soft open-file limit to the hard one; returns the limit now in force.
pub fn raise_open_file_limit() -> std::io::Result<u64> {
    rlimit::increase_nofile_limit(u64::MAX)
}

/// Counts the open connections, in all and per client address.
#[derive(Debug)]
pub struct ConnectionCount {
    limits: ConnectionLimits,
    open: Mutex<Open>,
}

#[derive(Debug, Default)]
struct Open {
    total: usize,
    per_client: HashMap<IpAddr, usize>,
}

/// Why a connection is not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// This address has `per_client` connections open.
    TooManyFromClient,
    /// The server has `total` connections open.
    Full,
}

/// One kept connection; dropping it gives its place back.
#[derive(Debug)]
pub struct Place {
    count: Arc<ConnectionCount>,
    client: Option<IpAddr>,
}

impl ConnectionCount {
    pub fn new(limits: ConnectionLimits) -> Arc<Self> {
        Arc::new(ConnectionCount {
            limits,
            open: Mutex::default(),
        })
    }

    /// A place for a new connection from `client` (`None`: not capped per
    /// address, as for a trusted proxy), or why there is none.
    pub fn admit(self: &Arc<Self>, client: Option<IpAddr>) -> Result<Place, Refused> {
        let mut open = self.lock();
        if open.total >= self.limits.total {
            return Err(Refused::Full);
        }
        if let Some(client) = client {
            let from_client = open.per_client.entry(client).or_default();
            if *from_client >= self.limits.per_client {
                return Err(Refused::TooManyFromClient);
            }
            *from_client += 1;
        }
        open.total += 1;
        Ok(Place {
            count: self.clone(),
            client,
        })
    }

    /// Connections open now.
    pub fn open(&self) -> usize {
        self.lock().total
    }

    fn lock(&self) -> MutexGuard<'_, Open> {
        // The counts stay consistent whatever panicked while holding them.
        self.open
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut open = self.count.lock();
        open.total = open.total.saturating_sub(1);
        if let Some(client) = self.client {
            if let Some(n) = open.per_client.get_mut(&client) {
                *n -= 1;
                if *n == 0 {
                    open.per_client.remove(&client);
                }
            }
        }
    }
}

/// The whole answer to a connection past a cap: short enough for one write
/// into an empty socket buffer, so refusing never waits on the client.
fn refusal(refused: Refused) -> &'static [u8] {
    match refused {
        Refused::TooManyFromClient => {
            b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 10\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: 59\r\n\r\nToo many connections from your address; try again shortly.\n"
        }
        Refused::Full => {
            b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 10\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: 59\r\n\r\nThe shop is full of visitors right now; try again shortly.\n"
        }
    }
}

/// Serves `app` on `listener` under `limits` until `shutdown` resolves, then
/// lets the requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    clients: ClientAddrs,
    shutdown: impl Future<Output = ()>,
) {
    let count = ConnectionCount::new(limits);
    let clients = Arc::new(clients);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .keep_alive(true);
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    wait_after_accept_error(error).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let capped = (!clients.is_trusted_proxy(peer.ip())).then_some(peer.ip());
        let place = match count.admit(capped) {
            Ok(place) => place,
            Err(refused) => {
                refuse(stream, refused);
                continue;
            }
        };
        let service = per_connection(app.clone(), peer, clients.clone());
        let connection = http.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%peer, "connection ended: {error}");
            }
            drop(place);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// The app as one connection's hyper service: each request gets the peer's
/// socket address and the fan's address.
fn per_connection(
    app: Router,
    peer: SocketAddr,
    clients: Arc<ClientAddrs>,
) -> TowerToHyperService<
    impl tower::Service<
            Request<Incoming>,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
            Future = impl Send,
        > + Clone,
> {
    TowerToHyperService::new(app.map_request(move |request: Request<Incoming>| {
        let mut request = request.map(Body::new);
        let client = clients.client_of(peer.ip(), request.headers());
        request.extensions_mut().insert(ConnectInfo(peer));
        request.extensions_mut().insert(client);
        request
    }))
}

/// Answers a connection past a cap in one write, without waiting, and closes it.
fn refuse(stream: TcpStream, refused: Refused) {
    tracing::debug!(?refused, "connection refused");
    // A full socket buffer or a gone client: the connection closes either way.
    let _ = stream.try_write(refusal(refused));
}

/// After a failed accept: out of files (EMFILE, ENFILE) or memory, wait a
/// moment for connections to close instead of spinning; a client that gave
/// up before being accepted costs nothing.
async fn wait_after_accept_error(error: std::io::Error) {
    use std::io::ErrorKind::*;
    if matches!(
        error.kind(),
        ConnectionAborted | ConnectionRefused | ConnectionReset
    ) {
        return;
    }
    tracing::warn!("cannot accept a connection ({error}); waiting 100 ms");
    tokio::time::sleep(Duration::from_millis(100)).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(per_client: usize, total: usize) -> ConnectionLimits {
        ConnectionLimits {
            per_client,
            total,
            ..ConnectionLimits::default()
        }
    }

    #[test]
    fn one_address_gets_its_share_and_the_total_is_capped() {
        let count = ConnectionCount::new(limits(2, 3));
        let (a, b): (IpAddr, IpAddr) = ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        let first = count.admit(Some(a)).unwrap();
        let _second = count.admit(Some(a)).unwrap();
        assert_eq!(
            count.admit(Some(a)).unwrap_err(),
            Refused::TooManyFromClient
        );
        let _third = count.admit(Some(b)).unwrap();
        assert_eq!(count.admit(Some(b)).unwrap_err(), Refused::Full);
        assert_eq!(count.admit(None).unwrap_err(), Refused::Full);
        drop(first);
        assert_eq!(count.open(), 2);
        let _again = count.admit(Some(a)).unwrap();
    }

    #[test]
    fn a_trusted_proxy_is_capped_only_by_the_total() {
        let count = ConnectionCount::new(limits(1, 3));
        let places: Vec<_> = (0..3).map(|_| count.admit(None).unwrap()).collect();
        assert_eq!(places.len(), 3);
        assert_eq!(count.admit(None).unwrap_err(), Refused::Full);
    }

    #[test]
    fn the_caps_fit_under_the_open_file_limit() {
        let fitted = ConnectionLimits::default().fit(1_024);
        assert_eq!(fitted.total, 512);
        assert_eq!(fitted.per_client, 512);
        assert_eq!(fitted.live_streams, 512);
        let roomy = ConnectionLimits::default().fit(1_000_000);
        assert_eq!(roomy, ConnectionLimits::default());
    }

    #[test]
    fn refusals_are_whole_http_answers() {
        for refused in [Refused::TooManyFromClient, Refused::Full] {
            let text = std::str::from_utf8(refusal(refused)).unwrap();
            let (head, body) = text.split_once("\r\n\r\n").unwrap();
            let length: usize = head
                .lines()
                .find_map(|line| line.strip_prefix("Content-Length: "))
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(body.len(), length, "{text}");
        }
    }
}
