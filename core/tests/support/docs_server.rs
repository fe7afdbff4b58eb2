//! A stand-in for Tray that answers with Tray's published examples: a plain HTTP/1.1 server on
//! 127.0.0.1 (one thread, one request per connection) whose answers a test scripts, and which
//! records every request exactly as it arrived.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use serde_json::Value;

/// The published examples (`fixtures/embedded/published-examples.json`), by id.
pub fn example(id: &str) -> Value {
    let all: Value =
        serde_json::from_str(include_str!("../fixtures/embedded/published-examples.json"))
            .expect("the examples file is JSON");
    all["examples"]
        .as_array()
        .expect("examples is a list")
        .iter()
        .find(|e| e["id"] == id)
        .unwrap_or_else(|| panic!("no published example {id}"))
        .clone()
}

/// The documented request body of example `id`.
pub fn documented_request(id: &str) -> Value {
    example(id)["request"]["body"].clone()
}

/// The documented answer of example `id`, as the server sends it.
pub fn documented_answer(id: &str) -> Answer {
    let response = example(id)["response"].clone();
    let status = response["status"].as_u64().unwrap_or(200) as u16;
    match response.get("bodyText").and_then(Value::as_str) {
        Some(text) => Answer::text(status, "text/html", text),
        None => Answer::json(status, &response["body"]),
    }
}

/// One request as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
    pub body: Vec<u8>,
}

impl Received {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// The GraphQL `query` text of the body.
    pub fn query(&self) -> String {
        self.json()["query"].as_str().unwrap_or_default().to_owned()
    }
}

/// One scripted answer.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(status: u16, body: &Value) -> Answer {
        Answer {
            status,
            content_type: "application/json",
            body: serde_json::to_vec(body).unwrap(),
        }
    }

    pub fn text(status: u16, content_type: &'static str, body: &str) -> Answer {
        Answer {
            status,
            content_type,
            body: body.as_bytes().to_vec(),
        }
    }
}

type Handler = dyn Fn(&Received, usize) -> Answer + Send + Sync;

/// The server; stops when dropped.
pub struct DocsServer {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl DocsServer {
    /// Serves `answer(request, index)` for each request (`index` counts from 0).
    pub fn start(
        answer: impl Fn(&Received, usize) -> Answer + Send + Sync + 'static,
    ) -> DocsServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let answer: Arc<Handler> = Arc::new(answer);
        let thread = {
            let received = received.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    serve(stream, &received, answer.as_ref());
                }
            })
        };
        DocsServer {
            port,
            received,
            stop,
            thread: Some(thread),
        }
    }

    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

impl Drop for DocsServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(stream: TcpStream, received: &Mutex<Vec<Received>>, answer: &Handler) {
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let mut length = 0usize;
    let mut authorization = None;
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 {
            return;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            match name.trim().to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "authorization" => authorization = Some(value.trim().to_owned()),
                _ => {}
            }
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let request = Received {
        method,
        path,
        authorization,
        body,
    };
    let index = {
        let mut all = received.lock().unwrap();
        all.push(request.clone());
        all.len() - 1
    };
    let reply = answer(&request, index);
    let reason = match reply.status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        404 => "Not Found",
        429 => "Too Many Requests",
        _ => "Status",
    };
    let mut head = format!(
        "HTTP/1.1 {} {reason}\r\nConnection: close\r\nContent-Type: {}\r\n",
        reply.status, reply.content_type
    );
    if reply.status != 204 {
        head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    head.push_str("\r\n");
    let mut stream = stream;
    let _ = stream.write_all(head.as_bytes());
    if reply.status != 204 {
        let _ = stream.write_all(&reply.body);
    }
    let _ = stream.flush();
}
