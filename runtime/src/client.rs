//! The [`Client`], its builder, and the one place where requests are sent (headers, token,
//! retries, tracing).

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, StatusCode};
use tracing::Instrument as _;

use crate::auth::{SecretToken, StaticToken, TokenProvider};
use crate::error::{Error, Result, ServiceError};
use crate::retry::{RetryPolicy, Sleeper, default_sleeper};

/// A Dataverse / OData v4 Web API client. Cheap to clone (an `Arc` inside).
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    http: reqwest::Client,
    /// Service root, always ending with `/`.
    root: url::Url,
    token: Option<Arc<dyn TokenProvider>>,
    retry: RetryPolicy,
    sleeper: Arc<dyn Sleeper>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("service_root", &self.inner.root.as_str())
            .field("authenticated", &self.inner.token.is_some())
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Where the builder's token comes from.
enum TokenSource {
    Provider(Arc<dyn TokenProvider>),
    /// An Azure credential, whose scope is derived from the service root at build time.
    #[cfg(feature = "azure-identity")]
    Azure(Arc<dyn azure_core::credentials::TokenCredential>),
}

/// Builds a [`Client`]; see [`Client::builder`].
pub struct ClientBuilder {
    service_root: String,
    token: Option<TokenSource>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    retry: RetryPolicy,
    allow_insecure_http: bool,
    sleeper: Option<Arc<dyn Sleeper>>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("service_root", &self.service_root)
            .field("authenticated", &self.token.is_some())
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish_non_exhaustive()
    }
}

/// The default `User-Agent`.
pub const DEFAULT_USER_AGENT: &str = concat!("dataverse-runtime/", env!("CARGO_PKG_VERSION"));

/// Builds the reqwest client: rustls with the *ring* provider and the platform's trust store.
pub(crate) fn http_client(
    timeout: Option<Duration>,
    user_agent: Option<&str>,
) -> Result<reqwest::Client> {
    use rustls_platform_verifier::BuilderVerifierExt as _;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Config(format!("TLS setup failed: {e}")))?
        .with_platform_verifier()
        .map_err(|e| Error::Config(format!("TLS trust store setup failed: {e}")))?
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let mut b = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .user_agent(user_agent.unwrap_or(DEFAULT_USER_AGENT))
        // Never follow redirects: the token must not travel to another host.
        .redirect(reqwest::redirect::Policy::none());
    if let Some(t) = timeout {
        b = b.timeout(t);
    }
    b.build()
        .map_err(|e| Error::Config(format!("HTTP client setup failed: {e}")))
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

impl ClientBuilder {
    /// A token provider (called before each attempt; on HTTP 401 see
    /// [`TokenProvider::invalidate`]). Replaces any token set before.
    pub fn token_provider(self, p: impl TokenProvider) -> Self {
        self.token_provider_arc(Arc::new(p))
    }

    /// A token provider already in an `Arc`. Replaces any token set before.
    pub fn token_provider_arc(mut self, p: Arc<dyn TokenProvider>) -> Self {
        self.token = Some(TokenSource::Provider(p));
        self
    }

    /// Tokens from an `azure_identity` credential (feature `azure-identity`), for the scope
    /// `<origin of the service root>/.default`: see [`crate::AzureCredential`]. Replaces any
    /// token set before.
    #[cfg(feature = "azure-identity")]
    pub fn token_credential(
        mut self,
        credential: Arc<dyn azure_core::credentials::TokenCredential>,
    ) -> Self {
        self.token = Some(TokenSource::Azure(credential));
        self
    }

    /// A fixed bearer token.
    pub fn bearer_token(self, token: impl Into<SecretToken>) -> Self {
        self.token_provider(StaticToken(token.into()))
    }

    /// Timeout of each attempt (whole request including the body).
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = Some(t);
        self
    }

    /// `User-Agent` header (default [`DEFAULT_USER_AGENT`]).
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// Retry policy (default [`RetryPolicy::default`]; [`RetryPolicy::disabled`] to switch off).
    pub fn retry_policy(mut self, p: RetryPolicy) -> Self {
        self.retry = p;
        self
    }

    /// Allow `http://` to a non-loopback host (the token would travel in clear text).
    pub fn allow_insecure_http(mut self, yes: bool) -> Self {
        self.allow_insecure_http = yes;
        self
    }

    /// How to wait between retries (default: tokio's timer).
    pub fn sleeper(mut self, s: Arc<dyn Sleeper>) -> Self {
        self.sleeper = Some(s);
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client> {
        let mut root = url::Url::parse(self.service_root.trim())
            .map_err(|e| Error::Config(format!("invalid service root: {e}")))?;
        match root.scheme() {
            "https" => {}
            "http" if is_loopback(&root) || self.allow_insecure_http => {}
            "http" => {
                return Err(Error::Config(
                    "http:// service root refused: use https, a loopback host, or allow_insecure_http(true)".into(),
                ));
            }
            other => {
                return Err(Error::Config(format!(
                    "unsupported scheme {other:?} in service root"
                )));
            }
        }
        if root.query().is_some() || root.fragment().is_some() {
            return Err(Error::Config(
                "the service root may not have a query or fragment".into(),
            ));
        }
        if !root.username().is_empty() || root.password().is_some() {
            return Err(Error::Config(
                "the service root may not carry credentials".into(),
            ));
        }
        if !root.path().ends_with('/') {
            let p = format!("{}/", root.path());
            root.set_path(&p);
        }
        let token: Option<Arc<dyn TokenProvider>> = match self.token {
            None => None,
            Some(TokenSource::Provider(p)) => Some(p),
            #[cfg(feature = "azure-identity")]
            Some(TokenSource::Azure(credential)) => Some(Arc::new(
                crate::auth::AzureCredential::new(credential, root.as_str())?,
            )),
        };
        let http = http_client(self.timeout, self.user_agent.as_deref())?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                root,
                token,
                retry: self.retry,
                sleeper: self.sleeper.unwrap_or_else(default_sleeper),
            }),
        })
    }
}

/// A request as the operations describe it; [`Client::send`] adds the protocol headers.
#[derive(Debug, Clone)]
pub(crate) struct Req {
    pub method: Method,
    /// Relative to the service root (encoded), or absolute (a `@odata.nextLink`).
    pub url: String,
    pub headers: HeaderMap,
    pub body: Option<(Bytes, HeaderValue)>,
    pub retry_non_idempotent: bool,
    /// A `$batch`: an error status whose body is `multipart/mixed` is the batch's answer (the
    /// parts before the failed one, then the failed one), returned to be read part by part.
    pub multipart_errors: bool,
}

impl Req {
    pub fn new(method: Method, url: String) -> Self {
        Req {
            method,
            url,
            headers: HeaderMap::new(),
            body: None,
            retry_non_idempotent: false,
            multipart_errors: false,
        }
    }

    pub fn json_body<T: serde::Serialize + ?Sized>(mut self, body: &T) -> Result<Self> {
        let bytes = serde_json::to_vec(body).map_err(Error::Encode)?;
        self.body = Some((
            Bytes::from(bytes),
            HeaderValue::from_static("application/json"),
        ));
        Ok(self)
    }
}

/// A response with a success (or 304) status.
#[derive(Debug)]
pub(crate) struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Resp {
    pub fn json<R: serde::de::DeserializeOwned>(&self) -> Result<R> {
        serde_json::from_slice(&self.body).map_err(|source| Error::Decode {
            status: self.status.as_u16(),
            request_id: crate::error::request_id(&self.headers),
            source,
        })
    }
}

fn idempotent(m: &Method) -> bool {
    matches!(
        *m,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

impl Client {
    /// Starts building a client for a service root such as
    /// `https://org.crm.dynamics.com/api/data/v9.2/`.
    pub fn builder(service_root: &str) -> ClientBuilder {
        ClientBuilder {
            service_root: service_root.to_owned(),
            token: None,
            timeout: Some(Duration::from_secs(120)),
            user_agent: None,
            retry: RetryPolicy::default(),
            allow_insecure_http: false,
            sleeper: None,
        }
    }

    /// The service root, ending with `/`.
    pub fn service_root(&self) -> &str {
        self.inner.root.as_str()
    }

    /// Resolves a relative URL against the service root; refuses absolute URLs to another origin
    /// (a `@odata.nextLink` must not send the token elsewhere).
    pub(crate) fn resolve(&self, rel: &str) -> Result<url::Url> {
        if rel.starts_with("http://") || rel.starts_with("https://") {
            let u = url::Url::parse(rel)
                .map_err(|e| Error::InvalidArgument(format!("invalid URL: {e}")))?;
            if u.origin() != self.inner.root.origin() {
                return Err(Error::InvalidArgument(
                    "refusing to follow a link to another origin than the service root".into(),
                ));
            }
            return Ok(u);
        }
        if let Some(url) = self.append_to_root(rel) {
            return Ok(url);
        }
        let joined = format!("{}{}", self.inner.root.as_str(), rel);
        url::Url::parse(&joined).map_err(|e| Error::InvalidArgument(format!("invalid URL: {e}")))
    }

    /// `root + rel` without parsing the scheme and host again: the already-parsed root with
    /// `rel`'s path and query set on it. `None` (parse the joined text) unless the result is
    /// exactly `root + rel`, i.e. `rel` was already in the form the parser writes (what the
    /// runtime's encoding gives); then it is the URL `Url::parse(root + rel)` gives, since a URL
    /// is its serialization.
    fn append_to_root(&self, rel: &str) -> Option<url::Url> {
        let root = &self.inner.root;
        if rel.contains('#') {
            return None;
        }
        let (path, query) = match rel.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (rel, None),
        };
        let mut url = root.clone();
        let mut full_path = String::with_capacity(root.path().len() + path.len());
        full_path.push_str(root.path());
        full_path.push_str(path);
        url.set_path(&full_path);
        url.set_query(query);
        let text = url.as_str();
        (text.len() == root.as_str().len() + rel.len()
            && text.starts_with(root.as_str())
            && text.ends_with(rel))
        .then_some(url)
    }

    /// Sends with retries; returns the response for 2xx and 304, an [`Error::Service`] otherwise.
    pub(crate) async fn send(&self, req: Req) -> Result<Resp> {
        let url = self.resolve(&req.url)?;
        let span = tracing::info_span!(
            "dataverse.request",
            http.method = %req.method,
            url.path = %url.path(),
            http.status_code = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        // A span nobody listens to (no subscriber interested, and no `log` logger that tracing's
        // `log` feature would write its entering and leaving to) is not entered at each poll.
        // Inside, `Span::current()` is then what it would be with the disabled span entered.
        if span.is_disabled() && log::max_level() < log::LevelFilter::Info {
            self.send_loop(req, url).await
        } else {
            self.send_loop(req, url).instrument(span).await
        }
    }

    async fn send_loop(&self, req: Req, url: url::Url) -> Result<Resp> {
        let policy = &self.inner.retry;
        let may_repeat_transport =
            idempotent(&req.method) || req.retry_non_idempotent || policy.retry_non_idempotent;
        let start = Instant::now();
        let mut waited = Duration::ZERO;
        let mut attempt: u32 = 0;
        let mut sent: u32 = 0;
        // At most one new token per call: a token that is refused twice is refused.
        let mut renewed_token = false;
        loop {
            attempt += 1;
            let token = match &self.inner.token {
                Some(tp) => Some(tp.token().await?),
                None => None,
            };
            sent += 1;
            let mut result = self.attempt(&req, &url, token.as_ref()).await;
            if !renewed_token
                && let Err(e) = &result
                && e.status() == Some(StatusCode::UNAUTHORIZED)
                && let (Some(tp), Some(rejected)) = (&self.inner.token, &token)
            {
                // The token expired early or was revoked: ask for another one and send again,
                // whatever the method (a 401 request was not processed), outside the retry
                // policy. A provider that can only give the same token gets no second try.
                renewed_token = true;
                tp.invalidate(rejected);
                let renewed = tp.token().await?;
                if renewed != *rejected {
                    tracing::debug!(attempt, "HTTP 401: sending again with a renewed token");
                    sent += 1;
                    result = self.attempt(&req, &url, Some(&renewed)).await;
                }
            }
            let span = tracing::Span::current();
            span.record("attempts", sent);
            let (err, wait) = match result {
                Ok(resp) => {
                    span.record("http.status_code", resp.status.as_u16());
                    tracing::debug!(status = resp.status.as_u16(), attempt, "response");
                    return Ok(resp);
                }
                Err(e) => {
                    if let Some(s) = e.status() {
                        span.record("http.status_code", s.as_u16());
                    }
                    tracing::debug!(attempt, error = %e, "request failed");
                    let wait = match &e {
                        Error::Service(se) if matches!(se.status.as_u16(), 429 | 503) => {
                            Some(se.retry_after.unwrap_or_else(|| policy.backoff(attempt)))
                        }
                        Error::Transport(t)
                            if may_repeat_transport
                                && (t.is_connect() || t.is_timeout() || t.is_request()) =>
                        {
                            Some(policy.backoff(attempt))
                        }
                        _ => None,
                    };
                    (e, wait)
                }
            };
            let Some(wait) = wait else { return Err(err) };
            let spent = start.elapsed().max(waited);
            if attempt >= policy.max_attempts || spent + wait > policy.max_total_time {
                tracing::debug!(attempt, "not retrying: attempts or time budget exhausted");
                return Err(err);
            }
            tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, error = %err, "retrying");
            self.inner.sleeper.sleep(wait).await;
            waited += wait;
        }
    }

    /// Sends once with `token` (if any) as the bearer token.
    async fn attempt(
        &self,
        req: &Req,
        url: &url::Url,
        token: Option<&SecretToken>,
    ) -> Result<Resp> {
        // The headers go straight into reqwest's request (no second map to copy them from).
        let mut request = reqwest::Request::new(req.method.clone(), url.clone());
        let headers = request.headers_mut();
        headers.reserve(4 + req.headers.len() + usize::from(req.body.is_some()));
        headers.insert(
            http::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        headers.insert("odata-maxversion", HeaderValue::from_static("4.0"));
        headers.insert("odata-version", HeaderValue::from_static("4.0"));
        if let Some(tok) = token {
            let secret = tok.expose_secret();
            let mut value = String::with_capacity(7 + secret.len());
            value.push_str("Bearer ");
            value.push_str(secret);
            // The `String`'s buffer becomes the header value's (no copy).
            let mut v = HeaderValue::from_maybe_shared(Bytes::from(value)).map_err(|_| {
                Error::Auth("the token has characters not allowed in a header".into())
            })?;
            v.set_sensitive(true);
            headers.insert(http::header::AUTHORIZATION, v);
        }
        for (k, v) in &req.headers {
            headers.insert(k.clone(), v.clone());
        }
        if let Some((body, ct)) = &req.body {
            // Appended, as `RequestBuilder::header` does.
            headers.append(http::header::CONTENT_TYPE, ct.clone());
            *request.body_mut() = Some(reqwest::Body::from(body.clone()));
        }
        let mut resp = self
            .inner
            .http
            .execute(request)
            .await
            .map_err(|e| Error::Transport(e.without_url()))?;
        let status = resp.status();
        // Taken, not cloned: reading the body does not look at them.
        let headers = std::mem::take(resp.headers_mut());
        let body = resp
            .bytes()
            .await
            .map_err(|e| Error::Transport(e.without_url()))?;
        let batch_answer = req.multipart_errors
            && !matches!(status.as_u16(), 401 | 429 | 503)
            && headers
                .get(http::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|ct| ct.trim_start().starts_with("multipart/mixed"));
        if status.is_success() || status == StatusCode::NOT_MODIFIED || batch_answer {
            Ok(Resp {
                status,
                headers,
                body,
            })
        } else {
            Err(Error::Service(Box::new(ServiceError::from_response(
                status, &headers, &body,
            ))))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The URL `resolve` gives is the one parsing the joined text gives, whichever way it is
    /// built (appended to the parsed root, or parsed again when the text is not in the form the
    /// parser writes).
    #[test]
    fn resolve_is_parse_of_root_plus_relative() {
        let roots = [
            "https://org.crm.dynamics.com/api/data/v9.2/",
            "http://127.0.0.1:8080/api/data/v9.2",
            "http://[::1]:81/",
            "https://ORG.example.com:443/a%20b/",
        ];
        let rels = [
            "",
            "accounts",
            "accounts(00000000-0000-0000-0000-000000000001)",
            "accounts(00000000-0000-0000-0000-000000000001)?$select=name,revenue&$expand=x($select=y)",
            "accounts?$filter=name%20eq%20%27O%27%27Neil%27&$top=10",
            "accounts('O''Neil%2F%C3%A9')",
            "root/no%20tes%3F",
            "accounts?",
            "?$top=1",
            "a b",
            "a\tb",
            "accounts ",
            " accounts",
            "accounts?x y",
            "accounts?q=é",
            "é",
            "a#frag",
            "a?b#c",
            "a\\b",
            "./a",
            "a/../b",
            "a/./b",
            "a/%2e%2E/b",
            "%zz",
            "a%2",
            "//evil.example.com/x",
            "/abs",
            "a:b",
            "WhoAmI()",
            "$batch",
            "a|b{c}^`[]\"<>",
        ];
        for root in roots {
            let client = Client::builder(root).build().unwrap();
            for rel in rels {
                let expected = url::Url::parse(&format!("{}{}", client.service_root(), rel));
                let got = client.resolve(rel);
                match (expected, got) {
                    (Ok(e), Ok(g)) => {
                        assert_eq!(g.as_str(), e.as_str(), "{root} + {rel:?}");
                        assert_eq!(g, e);
                        assert_eq!(
                            (g.path(), g.query(), g.fragment()),
                            (e.path(), e.query(), e.fragment()),
                            "{root} + {rel:?}"
                        );
                    }
                    (Err(_), Err(_)) => {}
                    (e, g) => panic!("{root} + {rel:?}: parse {e:?}, resolve {g:?}"),
                }
            }
            // What the runtime sends takes the short way.
            for rel in &rels[1..7] {
                assert!(client.append_to_root(rel).is_some(), "{root} + {rel:?}");
            }
        }
    }

    /// One HTTP/1.1 exchange per connection: the request's bytes are kept, `{}` answered.
    async fn capture_server() -> (String, tokio::sync::mpsc::UnboundedReceiver<Vec<u8>>) {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let root = format!("http://{}/api/data/v9.2/", listener.local_addr().unwrap());
        let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
        tokio::spawn(async move {
            loop {
                let (mut sock, _) = listener.accept().await.unwrap();
                let mut got = Vec::new();
                let mut buf = [0u8; 4096];
                loop {
                    let n = sock.read(&mut buf).await.unwrap();
                    got.extend_from_slice(&buf[..n]);
                    if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&got[..end]).to_ascii_lowercase();
                        let len = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length: "))
                            .map_or(0, |n| n.trim().parse::<usize>().unwrap());
                        if got.len() >= end + 4 + len {
                            break;
                        }
                    }
                    if n == 0 {
                        break;
                    }
                }
                sock.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}",
                )
                .await
                .unwrap();
                tx.send(got).unwrap();
            }
        });
        (root, rx)
    }

    /// The request as `attempt` built it before it wrote into reqwest's request directly: a
    /// `HeaderMap`, then `RequestBuilder::headers`, `header` and `body`.
    async fn send_the_old_way(client: &Client, req: &Req, token: &str) {
        let url = client.resolve(&req.url).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::ACCEPT,
            HeaderValue::from_static("application/json"),
        );
        headers.insert("odata-maxversion", HeaderValue::from_static("4.0"));
        headers.insert("odata-version", HeaderValue::from_static("4.0"));
        let mut v = HeaderValue::from_str(&format!("Bearer {token}")).unwrap();
        v.set_sensitive(true);
        headers.insert(http::header::AUTHORIZATION, v);
        for (k, v) in &req.headers {
            headers.insert(k.clone(), v.clone());
        }
        let mut rb = client
            .inner
            .http
            .request(req.method.clone(), url.clone())
            .headers(headers);
        if let Some((body, ct)) = &req.body {
            rb = rb
                .header(http::header::CONTENT_TYPE, ct.clone())
                .body(body.clone());
        }
        rb.send().await.unwrap().bytes().await.unwrap();
    }

    /// The bytes on the wire are the ones the builder-based request wrote, headers in the same
    /// order, repeated and caller-set headers included; and the span keeps its fields for a
    /// subscriber.
    #[tokio::test]
    async fn request_bytes_unchanged_and_span_recorded() {
        use std::sync::{Arc as StdArc, Mutex};
        #[derive(Clone, Default)]
        struct Buf(StdArc<Mutex<Vec<u8>>>);
        impl std::io::Write for Buf {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buf = Buf::default();
        let writer = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);

        let (root, mut rx) = capture_server().await;
        let client = Client::builder(&root)
            .bearer_token("tok-123")
            .build()
            .unwrap();
        let mut get = Req::new(
            Method::GET,
            "accounts(00000000-0000-0000-0000-000000000001)?$select=name,revenue".into(),
        );
        get.headers.insert(
            "prefer",
            HeaderValue::from_static("odata.include-annotations=\"*\""),
        );
        get.headers
            .append("x-twice", HeaderValue::from_static("one"));
        get.headers
            .append("x-twice", HeaderValue::from_static("two"));
        get.headers
            .insert(http::header::ACCEPT, HeaderValue::from_static("text/plain"));
        let post = Req::new(Method::POST, "accounts".into())
            .json_body(&serde_json::json!({"name": "A", "p@odata.bind": "/accounts(1)"}))
            .unwrap();
        let mut post_with_type = post.clone();
        post_with_type.headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/x"),
        );
        for req in [get, post, post_with_type] {
            client.send(req.clone()).await.unwrap();
            let new = rx.recv().await.unwrap();
            send_the_old_way(&client, &req, "tok-123").await;
            let old = rx.recv().await.unwrap();
            assert_eq!(
                String::from_utf8_lossy(&new),
                String::from_utf8_lossy(&old),
                "{req:?}"
            );
        }
        let traces = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert!(
            traces.contains(
                "dataverse.request{http.method=GET url.path=/api/data/v9.2/accounts(00000000-0000-0000-0000-000000000001) attempts=1 http.status_code=200}"
            ),
            "{traces}"
        );
        assert!(
            traces.contains("dataverse.request{http.method=POST"),
            "{traces}"
        );
    }
}
