//! The health and metrics listener: a deliberately small HTTP/1.1 server (one request per
//! connection, GET or HEAD only) serving `/healthz` and `/metrics`, and the client the
//! `certsprint health` command uses against it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use metrics_exporter_prometheus::PrometheusHandle;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;

use super::health::Health;

/// The most bytes read of a request (its request line and headers; a body is never needed).
const MAX_REQUEST: usize = 8 * 1024;
/// How long a client gets to send its request, and the health client to get its answer.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections served at once; more wait their turn.
const MAX_CONNECTIONS: usize = 16;
/// How often histograms are compacted between scrapes.
const UPKEEP_EVERY: Duration = Duration::from_secs(5);
const PROMETHEUS_TEXT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The running listener; dropping it stops it.
pub struct OpsServer {
    addr: SocketAddr,
    task: JoinHandle<()>,
}

impl OpsServer {
    /// Binds `addr` (failing at start if it is taken) and serves until dropped.
    pub async fn start(addr: SocketAddr, health: Health) -> anyhow::Result<OpsServer> {
        let metrics = super::metrics::install()?;
        let listener = TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen for health and metrics on {addr}"))?;
        let addr = listener.local_addr()?;
        tracing::info!(%addr, "serving /healthz and /metrics");
        let task = tokio::spawn(serve(listener, Arc::new(Routes { health, metrics })));
        Ok(OpsServer { addr, task })
    }

    /// The address bound (with the port chosen when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for OpsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Routes {
    health: Health,
    metrics: PrometheusHandle,
}

async fn serve(listener: TcpListener, routes: Arc<Routes>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut upkeep = tokio::time::interval(UPKEEP_EVERY);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    tracing::warn!(%error, "health and metrics listener: accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = upkeep.tick() => {
                routes.metrics.run_upkeep();
                continue;
            }
        };
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return;
        };
        let routes = routes.clone();
        tokio::spawn(async move {
            let _slot = slot;
            if let Err(error) = answer(stream, &routes).await {
                tracing::debug!(%error, "health and metrics request failed");
            }
        });
    }
}

struct Reply {
    status: u16,
    content_type: &'static str,
    body: String,
}

impl Reply {
    fn text(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.into(),
        }
    }
}

async fn answer(mut stream: TcpStream, routes: &Routes) -> std::io::Result<()> {
    let head = tokio::time::timeout(IO_TIMEOUT, read_head(&mut stream))
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "request too slow"))??;
    let mut words = head.lines().next().unwrap_or_default().split_whitespace();
    let (method, target) = (
        words.next().unwrap_or_default(),
        words.next().unwrap_or("/"),
    );
    let path = target.split('?').next().unwrap_or(target);
    let reply = match (method, path) {
        ("GET" | "HEAD", "/healthz") => match routes.health.check().await {
            Ok(()) => Reply::text(200, "ok\n"),
            Err(reason) => Reply::text(503, format!("{reason}\n")),
        },
        ("GET" | "HEAD", "/metrics") => {
            if let Ok(owed) = routes.health.engine.reveals_owed().await {
                super::metrics::reveals_owed(owed);
            }
            Reply {
                status: 200,
                content_type: PROMETHEUS_TEXT,
                body: routes.metrics.render(),
            }
        }
        ("GET" | "HEAD", _) => Reply::text(404, "not found: try /healthz or /metrics\n"),
        _ => Reply::text(405, "only GET and HEAD\n"),
    };
    let mut response = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        reply.status,
        reason_phrase(reply.status),
        reply.content_type,
        reply.body.len()
    );
    if method != "HEAD" {
        response.push_str(&reply.body);
    }
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

/// Reads until the blank line that ends the headers (or the size limit).
async fn read_head(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut buffer = Vec::with_capacity(512);
    let mut chunk = [0u8; 1024];
    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") && buffer.len() < MAX_REQUEST {
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    Ok(String::from_utf8_lossy(&buffer).into_owned())
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        404 => "Not Found",
        405 => "Method Not Allowed",
        503 => "Service Unavailable",
        _ => "",
    }
}

/// Asks a running bot's `/healthz`: `Ok` with the body when it answered 200, `Err` with the
/// reason otherwise (its 503 body, or why it could not be asked).
pub async fn get_health(addr: SocketAddr) -> Result<String, String> {
    let addr = reachable(addr);
    let exchange = async {
        let mut stream = TcpStream::connect(addr)
            .await
            .map_err(|error| format!("cannot connect to {addr}: {error}"))?;
        let request = format!("GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|error| format!("cannot send to {addr}: {error}"))?;
        let mut response = Vec::new();
        stream
            .take(64 * 1024)
            .read_to_end(&mut response)
            .await
            .map_err(|error| format!("no answer from {addr}: {error}"))?;
        Ok::<_, String>(String::from_utf8_lossy(&response).into_owned())
    };
    let response = tokio::time::timeout(IO_TIMEOUT, exchange)
        .await
        .map_err(|_| format!("{addr} did not answer within {} s", IO_TIMEOUT.as_secs()))??;
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let status = head.split_whitespace().nth(1).unwrap_or_default();
    let body = body.trim().to_string();
    match status {
        "200" => Ok(body),
        "" => Err(format!("{addr} did not answer with HTTP")),
        _ => Err(format!("unhealthy ({status}): {body}")),
    }
}

/// A listener bound to every interface is asked on loopback.
fn reachable(addr: SocketAddr) -> SocketAddr {
    match addr.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), addr.port())
        }
        IpAddr::V6(ip) if ip.is_unspecified() => {
            SocketAddr::new(IpAddr::V6(Ipv6Addr::LOCALHOST), addr.port())
        }
        _ => addr,
    }
}
