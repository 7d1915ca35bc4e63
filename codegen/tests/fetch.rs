//! `fetch`: downloading `$metadata` from a tiny HTTP/1.1 server on 127.0.0.1 (hand-written
//! responses), and getting a token from a variable or a command.
#![cfg(feature = "fetch")]

use dataverse_codegen::fetch::{
    FetchError, FetchOptions, fetch_metadata, metadata_url, token_from,
};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CSDL: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="Demo" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EntityType Name="account">
        <Key><PropertyRef Name="accountid"/></Key>
        <Property Name="accountid" Type="Edm.Guid" Nullable="false"/>
        <Property Name="name" Type="Edm.String"/>
      </EntityType>
      <EntityContainer Name="System">
        <EntitySet Name="accounts" EntityType="Demo.account"/>
      </EntityContainer>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>
"#;

/// A request as the server saw it.
#[derive(Debug, Clone)]
struct Request {
    method: String,
    path: String,
    /// Names in lower case.
    headers: Vec<(String, String)>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server answers.
enum Reply {
    /// A complete response with a Content-Length.
    Full {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: Vec<u8>,
    },
    /// A 200 with `Transfer-Encoding: chunked`, one chunk after another with a pause between.
    Chunked {
        chunks: Vec<Vec<u8>>,
        pause: Duration,
    },
    /// A 200 with a Content-Length, the body sent in pieces with a pause between.
    SlowFull {
        body: Vec<u8>,
        pieces: usize,
        pause: Duration,
    },
    /// Nothing, for a while, then the connection closes.
    Silent(Duration),
}

fn full(status: u16, headers: &[(&'static str, &str)], body: &str) -> Reply {
    Reply::Full {
        status,
        headers: headers.iter().map(|(n, v)| (*n, v.to_string())).collect(),
        body: body.as_bytes().to_vec(),
    }
}

struct Server {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    /// Serves up to 16 connections, one request each, answering with `handler`.
    fn start(handler: fn(&Request) -> Reply) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().take(16) {
                let Ok(stream) = stream else { continue };
                let seen = seen.clone();
                std::thread::spawn(move || serve(stream, handler, &seen));
            }
        });
        Server { addr, requests }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(mut stream: TcpStream, handler: fn(&Request) -> Reply, seen: &Mutex<Vec<Request>>) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let method = first.next().unwrap_or("").to_string();
    let path = first.next().unwrap_or("").to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let request = Request {
        method,
        path,
        headers,
    };
    let reply = handler(&request);
    seen.lock().unwrap().push(request);
    let _ = match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut out = format!(
                "HTTP/1.1 {status} Status\r\nContent-Length: {}\r\nConnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
            out.push_str("\r\n");
            let mut bytes = out.into_bytes();
            bytes.extend_from_slice(&body);
            stream.write_all(&bytes)
        }
        Reply::Chunked { chunks, pause } => (|| {
            stream.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n\
                  Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
            )?;
            for chunk in chunks {
                stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
                stream.write_all(&chunk)?;
                stream.write_all(b"\r\n")?;
                stream.flush()?;
                std::thread::sleep(pause);
            }
            stream.write_all(b"0\r\n\r\n")
        })(),
        Reply::SlowFull {
            body,
            pieces,
            pause,
        } => (|| {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes())?;
            for piece in body.chunks(body.len().div_ceil(pieces)) {
                stream.write_all(piece)?;
                stream.flush()?;
                std::thread::sleep(pause);
            }
            Ok(())
        })(),
        Reply::Silent(how_long) => {
            std::thread::sleep(how_long);
            Ok(())
        }
    };
}

fn options(url: String, token: Option<&str>) -> FetchOptions {
    FetchOptions {
        bearer_token: token.map(str::to_string),
        timeout: Duration::from_secs(10),
        ..FetchOptions::new(url)
    }
}

/// Answers with the CSDL at `.../$metadata` when the token is `s3cret`, a 401 otherwise.
fn dataverse(request: &Request) -> Reply {
    if !request.path.ends_with("/$metadata") {
        return full(
            404,
            &[],
            r#"{"error":{"code":"0x8006088a","message":"Resource not found for the segment 'v9.2'."}}"#,
        );
    }
    match request.header("authorization") {
        Some("Bearer s3cret") => full(200, &[("Content-Type", "application/xml")], CSDL),
        Some(_) => full(
            401,
            &[("Content-Type", "application/json")],
            r#"{"error":{"code":"0x80072560","message":"The user is not a member of the organization."}}"#,
        ),
        None => full(
            401,
            &[(
                "WWW-Authenticate",
                "Bearer authorization_uri=https://login.microsoftonline.com/tenant/oauth2/authorize",
            )],
            "",
        ),
    }
}

#[test]
fn metadata_url_suffix() {
    for url in [
        "https://o.crm.dynamics.com/api/data/v9.2",
        "https://o.crm.dynamics.com/api/data/v9.2/",
        "https://o.crm.dynamics.com/api/data/v9.2//",
        " https://o.crm.dynamics.com/api/data/v9.2/$metadata ",
        "https://o.crm.dynamics.com/api/data/v9.2/$metadata/",
    ] {
        assert_eq!(
            metadata_url(url),
            "https://o.crm.dynamics.com/api/data/v9.2/$metadata",
            "{url:?}"
        );
    }
}

/// The token arrives as `Authorization: Bearer ...` with the OData headers; the service root,
/// with or without a trailing slash, and the `$metadata` URL itself all fetch `.../$metadata`.
#[test]
fn downloads_with_token_and_suffix() {
    let server = Server::start(dataverse);
    for url in [
        "/api/data/v9.2",
        "/api/data/v9.2/",
        "/api/data/v9.2/$metadata",
    ] {
        let bytes = fetch_metadata(&options(server.url(url), Some("s3cret"))).unwrap();
        assert_eq!(bytes, CSDL.as_bytes());
    }
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for r in &requests {
        assert_eq!(r.method, "GET");
        assert_eq!(r.path, "/api/data/v9.2/$metadata");
        assert_eq!(r.header("authorization"), Some("Bearer s3cret"));
        assert_eq!(r.header("accept"), Some("application/xml"));
        assert_eq!(r.header("odata-version"), Some("4.0"));
        assert_eq!(r.header("odata-maxversion"), Some("4.0"));
        assert!(
            r.header("user-agent")
                .unwrap()
                .starts_with("dataverse-codegen/")
        );
    }
    // What was downloaded is a document the front end accepts.
    let loaded = dataverse_codegen::load("fetched.xml", CSDL.as_bytes(), &Default::default());
    assert_eq!(loaded.unwrap().model.entity_sets[0].name, "accounts");
}

/// 401 with a token: the service's message and what to do next. 401 without a token: the
/// service's `WWW-Authenticate` challenge and what to do next.
#[test]
fn refused_and_missing_token() {
    let server = Server::start(dataverse);
    let err = fetch_metadata(&options(server.url("/api/data/v9.2"), Some("expired"))).unwrap_err();
    assert!(matches!(err, FetchError::Unauthorized { .. }), "{err:?}");
    let message = err.to_string();
    for part in [
        "the service refused the token (HTTP 401",
        "0x80072560: The user is not a member of the organization.",
        "DATAVERSE_TOKEN",
        "--token-command",
    ] {
        assert!(message.contains(part), "{part:?} not in {message}");
    }

    let err = fetch_metadata(&options(server.url("/api/data/v9.2"), None)).unwrap_err();
    assert!(matches!(err, FetchError::TokenRequired { .. }), "{err:?}");
    let message = err.to_string();
    for part in [
        "requires a token (HTTP 401",
        "WWW-Authenticate: Bearer authorization_uri=https://login.microsoftonline.com",
        "DATAVERSE_TOKEN",
        "az account get-access-token",
    ] {
        assert!(message.contains(part), "{part:?} not in {message}");
    }
    assert_eq!(server.requests()[1].header("authorization"), None);
}

/// A slow chunked download (about 0.6 s, no Content-Length) with progress on completes and
/// returns every byte; the progress shows the bytes received along the way and a final line.
#[test]
fn slow_chunked_download_with_progress() {
    fn slow(_: &Request) -> Reply {
        let bytes = CSDL.as_bytes();
        let chunks = bytes
            .chunks(bytes.len().div_ceil(12))
            .map(<[u8]>::to_vec)
            .collect();
        Reply::Chunked {
            chunks,
            pause: Duration::from_millis(50),
        }
    }
    let server = Server::start(slow);
    let started = std::time::Instant::now();
    let bytes = fetch_metadata(&FetchOptions {
        progress: true,
        ..options(server.url("/slow"), None)
    })
    .unwrap();
    assert_eq!(bytes, CSDL.as_bytes());
    assert!(started.elapsed() >= Duration::from_millis(500));
    assert_eq!(server.requests()[0].path, "/slow/$metadata");

    // The same, with the progress captured.
    let mut progress = Vec::new();
    let bytes = dataverse_codegen::fetch::fetch_metadata_with_progress(
        &options(server.url("/slow"), None),
        &mut progress,
    )
    .unwrap();
    assert_eq!(bytes, CSDL.as_bytes());
    let progress = String::from_utf8(progress).unwrap();
    let lines: Vec<&str> = progress.lines().collect();
    let prefix = format!("downloading {}: ", server.url("/slow/$metadata"));
    assert!(lines.len() >= 2, "{progress}");
    for line in &lines[..lines.len() - 1] {
        assert!(line.starts_with(&prefix) && line.ends_with(" s"), "{line}");
        assert!(line.contains(" kB, "), "{line}");
    }
    let last = lines.last().unwrap();
    let expected = format!(
        "downloaded {}: {:.1} kB in ",
        server.url("/slow/$metadata"),
        CSDL.len() as f64 / 1e3
    );
    assert!(last.starts_with(&expected), "{last}");
}

/// With a Content-Length, progress shows the total and a percentage.
#[test]
fn progress_with_total() {
    fn slow_full(_: &Request) -> Reply {
        Reply::SlowFull {
            body: CSDL.as_bytes().to_vec(),
            pieces: 6,
            pause: Duration::from_millis(100),
        }
    }
    let server = Server::start(slow_full);
    let mut progress = Vec::new();
    let bytes = dataverse_codegen::fetch::fetch_metadata_with_progress(
        &options(server.url("/api"), None),
        &mut progress,
    )
    .unwrap();
    assert_eq!(bytes, CSDL.as_bytes());
    let progress = String::from_utf8(progress).unwrap();
    let total = format!(" of {:.1} kB (", CSDL.len() as f64 / 1e3);
    assert!(
        progress
            .lines()
            .any(|l| l.contains(&total) && l.contains("%)")),
        "{progress}"
    );
}

/// Other statuses and answers: each error says what happened and what to do.
#[test]
fn other_failures() {
    fn handler(request: &Request) -> Reply {
        match request.path.as_str() {
            "/missing/$metadata" => full(
                404,
                &[],
                r#"{"error":{"code":"0x8006088a","message":"Resource not found."}}"#,
            ),
            "/forbidden/$metadata" => full(403, &[], "no role"),
            "/broken/$metadata" => full(500, &[], &"x".repeat(5000)),
            "/html/$metadata" => full(
                200,
                &[("Content-Type", "text/html")],
                "<!DOCTYPE html><html><body>Sign in</body></html>",
            ),
            "/moved/$metadata" => full(302, &[("Location", "https://elsewhere.invalid/")], ""),
            _ => Reply::Silent(Duration::from_secs(3)),
        }
    }
    let server = Server::start(handler);
    let fetch = |path: &str| fetch_metadata(&options(server.url(path), None)).unwrap_err();

    let err = fetch("/missing");
    assert!(matches!(err, FetchError::NotFound { .. }), "{err:?}");
    assert!(
        err.to_string().contains("0x8006088a: Resource not found."),
        "{err}"
    );
    assert!(err.to_string().contains("check the URL"), "{err}");

    let err = fetch("/forbidden");
    assert!(matches!(err, FetchError::Forbidden { .. }), "{err:?}");
    assert!(err.to_string().contains("HTTP 403: no role"), "{err}");

    let err = fetch("/broken");
    let FetchError::Status {
        status, message, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*status, 500);
    assert_eq!(message.len(), 503, "the first 500 characters and `...`");

    let err = fetch("/html");
    assert!(matches!(err, FetchError::NotMetadata { .. }), "{err:?}");
    assert!(err.to_string().contains("text/html"), "{err}");

    let err = fetch("/moved");
    assert!(
        matches!(err, FetchError::Redirect { status: 302, .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("https://elsewhere.invalid/"),
        "{err}"
    );

    let err = fetch_metadata(&FetchOptions {
        timeout: Duration::from_millis(300),
        ..options(server.url("/silent"), None)
    })
    .unwrap_err();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err:?}");
    assert!(err.to_string().contains("larger timeout"), "{err}");

    // Nothing listens on a port just released.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = fetch_metadata(&options(format!("http://127.0.0.1:{port}/"), None)).unwrap_err();
    assert!(matches!(err, FetchError::Connect { .. }), "{err:?}");

    // A token never goes over plain http to another host (refused before connecting).
    let err =
        fetch_metadata(&options("http://org.example.invalid/api".into(), Some("t"))).unwrap_err();
    assert!(matches!(err, FetchError::InsecureUrl { .. }), "{err:?}");
    let err = fetch_metadata(&options("ftp://org.example.invalid/".into(), None)).unwrap_err();
    assert!(matches!(err, FetchError::InvalidUrl { .. }), "{err:?}");
    let err = fetch_metadata(&options("not a url".into(), None)).unwrap_err();
    assert!(matches!(err, FetchError::InvalidUrl { .. }), "{err:?}");
    let err = fetch_metadata(&options(server.url("/"), Some("a\nb"))).unwrap_err();
    assert!(matches!(err, FetchError::InvalidToken), "{err:?}");
}

#[test]
fn tokens_from_variable_and_command() {
    // Neither given; a variable that is not set.
    assert_eq!(token_from(None, None).unwrap(), None);
    assert_eq!(
        token_from(Some("DATAVERSE_CODEGEN_TEST_SURELY_UNSET"), None).unwrap(),
        None
    );
    // A variable that is set (PATH, to avoid set_var in a threaded test).
    let path = std::env::var("PATH").unwrap();
    assert_eq!(
        token_from(Some("PATH"), None).unwrap(),
        Some(path.trim().to_string())
    );
    // The command's trimmed stdout, with a `Bearer ` prefix removed; it wins over the variable.
    assert_eq!(
        token_from(Some("PATH"), Some("printf '  eyJ0.abc.def \\n'")).unwrap(),
        Some("eyJ0.abc.def".to_string())
    );
    assert_eq!(
        token_from(None, Some("echo 'Bearer eyJ0.x'")).unwrap(),
        Some("eyJ0.x".to_string())
    );
    // A failing command: its status and stderr.
    let err = token_from(None, Some("echo 'Please run az login' >&2; exit 3")).unwrap_err();
    assert!(
        matches!(err, FetchError::TokenCommandFailed { .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("Please run az login"), "{message}");
    assert!(message.contains("exit status: 3"), "{message}");
    // A command that prints nothing.
    let err = token_from(None, Some("true")).unwrap_err();
    assert!(
        matches!(err, FetchError::TokenCommandEmpty { .. }),
        "{err:?}"
    );
}

#[test]
fn fetch_to_file_replaces_only_on_success() {
    let server = Server::start(dataverse);
    let dir = std::env::temp_dir().join(format!("dataverse-codegen-fetch-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("metadata.xml");
    std::fs::write(&path, "old").unwrap();
    // A refused token leaves the old file alone.
    let refused = options(server.url("/api/data/v9.2"), Some("expired"));
    assert!(dataverse_codegen::fetch::fetch_metadata_to(&refused, &path).is_err());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
    let ok = options(server.url("/api/data/v9.2"), Some("s3cret"));
    let n = dataverse_codegen::fetch::fetch_metadata_to(&ok, &path).unwrap();
    assert_eq!(n, CSDL.len() as u64);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), CSDL);
    assert!(!dir.join("metadata.xml.download").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
