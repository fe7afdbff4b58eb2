//! A receiver of deliveries: a real axum server on 127.0.0.1:0 that answers each delivery with
//! the status a test scripts and hands what arrived to the test through a channel.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use tokio::sync::mpsc;

/// One delivery as the receiver got it.
#[derive(Debug, Clone)]
pub struct Arrived {
    pub signature: Option<String>,
    pub content_type: Option<String>,
    pub body: Bytes,
}

/// A running receiver; the server stops when it is dropped.
pub struct Receiver {
    /// `http://127.0.0.1:PORT/tray/events`.
    pub url: String,
    pub arrived: mpsc::UnboundedReceiver<Arrived>,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.server.abort();
    }
}

struct Script {
    answer: Box<dyn Fn(usize) -> u16 + Send + Sync>,
    count: AtomicUsize,
    arrived: mpsc::UnboundedSender<Arrived>,
}

impl Receiver {
    /// Answers the `n`-th delivery (from 0) with `answer(n)`.
    pub async fn start(answer: impl Fn(usize) -> u16 + Send + Sync + 'static) -> Receiver {
        let (sender, arrived) = mpsc::unbounded_channel();
        let script = Arc::new(Script {
            answer: Box::new(answer),
            count: AtomicUsize::new(0),
            arrived: sender,
        });
        let app = Router::new()
            .route("/tray/events", post(take))
            .with_state(script);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/tray/events", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Receiver {
            url,
            arrived,
            server,
        }
    }

    /// Takes every delivery.
    pub async fn taking() -> Receiver {
        Receiver::start(|_| 200).await
    }

    /// Everything that has arrived so far.
    pub fn drain(&mut self) -> Vec<Arrived> {
        let mut all = Vec::new();
        while let Ok(arrived) = self.arrived.try_recv() {
            all.push(arrived);
        }
        all
    }
}

async fn take(State(script): State<Arc<Script>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let _ = script.arrived.send(Arrived {
        signature: header("x-tray-signature"),
        content_type: header("content-type"),
        body,
    });
    let n = script.count.fetch_add(1, Ordering::SeqCst);
    StatusCode::from_u16((script.answer)(n)).unwrap()
}
