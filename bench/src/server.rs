//! A loopback HTTP server (axum on 127.0.0.1, its own runtime with one worker thread) that
//! answers from canned bytes: the same bytes for the plain client and for the SDK.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;

/// The service root path.
pub const ROOT: &str = "/api/data/v9.2/";
/// The bearer token both clients send.
pub const TOKEN: &str = "bench-token-0123456789abcdef";

/// What the server answers.
pub struct Canned {
    /// `GET accounts(<id>)`.
    pub record: Bytes,
    /// `GET accounts` (any query).
    pub page: Bytes,
}

struct Shared {
    canned: Canned,
    entity_id: String,
}

/// A running server; dropping it stops its runtime.
pub struct Server {
    /// `http://127.0.0.1:<port>/api/data/v9.2/`.
    pub root: String,
    _runtime: tokio::runtime::Runtime,
}

fn json(body: Bytes) -> Response {
    Response::builder()
        .status(StatusCode::OK)
        .header("content-type", "application/json; odata.metadata=minimal")
        .header("odata-version", "4.0")
        .body(Body::from(body))
        .unwrap()
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    // Read the body whole, as a server does.
    let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let path = parts.uri.path();
    let Some(rel) = path.strip_prefix(ROOT) else {
        return Response::builder().status(404).body(Body::empty()).unwrap();
    };
    match parts.method {
        Method::GET if rel == "accounts" => json(shared.canned.page.clone()),
        Method::GET if rel.starts_with("accounts(") => json(shared.canned.record.clone()),
        Method::POST if rel == "accounts" && !body.is_empty() => Response::builder()
            .status(StatusCode::NO_CONTENT)
            .header("odata-version", "4.0")
            .header("odata-entityid", shared.entity_id.as_str())
            .body(Body::empty())
            .unwrap(),
        _ => Response::builder().status(404).body(Body::empty()).unwrap(),
    }
}

impl Server {
    /// Starts the server on a free port of 127.0.0.1.
    pub fn start(canned: Canned) -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("loopback-server")
            .enable_all()
            .build()
            .unwrap();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let root = format!("http://{addr}{ROOT}");
        let shared = Arc::new(Shared {
            canned,
            entity_id: format!("{root}accounts({})", crate::CREATED_ID),
        });
        let app = axum::Router::new().fallback(handle).with_state(shared);
        runtime.spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Server {
            root,
            _runtime: runtime,
        }
    }
}
