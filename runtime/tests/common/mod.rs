//! An in-process HTTP server on 127.0.0.1 that records every request and answers from a queue.
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use dataverse_runtime::{BoxFuture, Client, ClientBuilder, RetryPolicy, Sleeper};

pub const TOKEN: &str = "s3cr3t-t0ken-value-ABCDEF";
pub const ROOT: &str = "/api/data/v9.2/";

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    /// Path exactly as sent (still percent-encoded).
    pub path: String,
    /// Query exactly as sent.
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }

    pub fn body_str(&self) -> &str {
        std::str::from_utf8(&self.body).unwrap()
    }

    /// The path relative to the service root.
    pub fn rel(&self) -> &str {
        self.path.strip_prefix(ROOT).unwrap_or(&self.path)
    }

    /// The protocol headers every request carries.
    pub fn assert_protocol_headers(&self) {
        assert_eq!(self.header("accept"), Some("application/json"));
        assert_eq!(self.header("odata-maxversion"), Some("4.0"));
        assert_eq!(self.header("odata-version"), Some("4.0"));
        assert_eq!(
            self.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        if self.body.is_empty() {
            assert_eq!(
                self.header("content-type"),
                None,
                "no body, no content type"
            );
        } else {
            assert_eq!(self.header("content-type"), Some("application/json"));
        }
    }
}

#[derive(Debug, Clone)]
pub struct Canned {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

#[derive(Clone, Default)]
struct Shared {
    recorded: Arc<Mutex<Vec<Recorded>>>,
    responses: Arc<Mutex<VecDeque<Canned>>>,
}

pub struct Mock {
    pub base: String,
    shared: Shared,
}

async fn handle(State(s): State<Shared>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    s.recorded.lock().unwrap().push(Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers.clone(),
        body,
    });
    let canned = s.responses.lock().unwrap().pop_front().unwrap_or(Canned {
        status: 599,
        headers: vec![],
        body: "no canned response left".into(),
    });
    let mut b = Response::builder().status(StatusCode::from_u16(canned.status).unwrap());
    for (k, v) in &canned.headers {
        b = b.header(k, v);
    }
    b.body(Body::from(canned.body)).unwrap()
}

impl Mock {
    pub async fn start() -> Mock {
        let shared = Shared::default();
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Mock {
            base: format!("http://{addr}"),
            shared,
        }
    }

    /// The service root URL.
    pub fn root(&self) -> String {
        format!("{}{ROOT}", self.base)
    }

    pub fn builder(&self) -> ClientBuilder {
        Client::builder(&self.root())
            .bearer_token(TOKEN)
            .retry_policy(RetryPolicy::disabled())
    }

    pub fn client(&self) -> Client {
        self.builder().build().unwrap()
    }

    pub fn respond(&self, status: u16, headers: &[(&str, &str)], body: &str) {
        self.shared.responses.lock().unwrap().push_back(Canned {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            body: body.to_owned(),
        });
    }

    /// A JSON answer as Dataverse sends it.
    pub fn respond_json(&self, status: u16, body: &serde_json::Value) {
        self.respond(
            status,
            &[
                ("content-type", "application/json; odata.metadata=minimal"),
                ("odata-version", "4.0"),
            ],
            &body.to_string(),
        );
    }

    pub fn respond_204(&self) {
        self.respond(204, &[("odata-version", "4.0")], "");
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.recorded.lock().unwrap().clone()
    }

    pub fn only_request(&self) -> Recorded {
        let r = self.requests();
        assert_eq!(r.len(), 1, "expected exactly one request: {r:#?}");
        r.into_iter().next().unwrap()
    }

    pub fn clear(&self) {
        self.shared.recorded.lock().unwrap().clear();
    }
}

/// A sleeper that records the waits and returns at once.
#[derive(Default)]
pub struct RecordingSleeper(pub Mutex<Vec<Duration>>);

impl Sleeper for RecordingSleeper {
    fn sleep(&self, d: Duration) -> BoxFuture<'static, ()> {
        self.0.lock().unwrap().push(d);
        Box::pin(async {})
    }
}

impl RecordingSleeper {
    pub fn waits(&self) -> Vec<Duration> {
        self.0.lock().unwrap().clone()
    }
}

pub fn uuid(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}
