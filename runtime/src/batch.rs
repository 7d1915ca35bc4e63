//! `$batch`: independent requests and change sets in one `multipart/mixed` request, and the
//! parsing of the multipart answer into one typed result per request.
//!
//! ```no_run
//! use dataverse_runtime::batch::{Batch, BatchRequest};
//! use dataverse_runtime::{Bind, Client, EntityPath, Query, RequestOptions};
//! use serde_json::json;
//! # async fn run(client: Client) -> Result<(), dataverse_runtime::Error> {
//! let mut batch = Batch::new();
//! let account = batch.change_set(|cs| -> Result<_, dataverse_runtime::Error> {
//!     let account = cs.add(BatchRequest::create("accounts", &json!({"name": "A"}))?);
//!     cs.add(BatchRequest::create(
//!         "contacts",
//!         &json!({"lastname": "B", "parentcustomerid_account@odata.bind": Bind::content_id(account)}),
//!     )?);
//!     Ok(account)
//! })?;
//! batch.add(BatchRequest::get(&EntityPath::set("accounts"), &Query::new().top(1)));
//! let response = client.batch(&batch, &RequestOptions::new()).await?;
//! let created = response.by_content_id(account).unwrap().entity_id();
//! # let _ = created; Ok(()) }
//! ```

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::{Client, Req};
use crate::error::{Error, Result, ServiceError};
use crate::ops::{Created, EntityId};
use crate::options::RequestOptions;
use crate::path::EntityPath;
use crate::query::Query;

/// The Content-ID of a request inside a batch change set; reference the entity it created with
/// [`crate::EntityPath::content_id`] or [`crate::Bind::content_id`] (`$n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentId(pub u32);

/// One request inside a batch.
#[derive(Debug, Clone)]
pub struct BatchRequest {
    method: Method,
    /// Relative (encoded) URL, or `$n...` for a Content-ID reference.
    url: String,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
    content_id: Option<ContentId>,
}

fn rel(path: &EntityPath, query: &Query) -> String {
    let q = query.render();
    if q.is_empty() {
        path.render()
    } else {
        format!("{}?{q}", path.render())
    }
}

impl BatchRequest {
    /// Any request: `method` on `path?query`.
    pub fn new(method: Method, path: &EntityPath, query: &Query) -> Self {
        BatchRequest {
            method,
            url: rel(path, query),
            headers: HeaderMap::new(),
            body: None,
            content_id: None,
        }
    }

    /// `GET path?query` (only outside change sets).
    pub fn get(path: &EntityPath, query: &Query) -> Self {
        Self::new(Method::GET, path, query)
    }

    /// `POST set` with a JSON body.
    pub fn create<T: Serialize + ?Sized>(entity_set: &str, record: &T) -> Result<Self> {
        Self::new(Method::POST, &EntityPath::set(entity_set), &Query::new()).json(record)
    }

    /// `PATCH path` with `If-Match: *` (never creates).
    pub fn update<T: Serialize + ?Sized>(path: &EntityPath, changes: &T) -> Result<Self> {
        Ok(Self::new(Method::PATCH, path, &Query::new())
            .json(changes)?
            .header("if-match", "*"))
    }

    /// `PATCH path` without `If-Match` (upsert).
    pub fn upsert<T: Serialize + ?Sized>(path: &EntityPath, record: &T) -> Result<Self> {
        Self::new(Method::PATCH, path, &Query::new()).json(record)
    }

    /// `DELETE path`.
    pub fn delete(path: &EntityPath) -> Self {
        Self::new(Method::DELETE, path, &Query::new())
    }

    /// `POST action` with parameters.
    pub fn action<T: Serialize + ?Sized>(action: &EntityPath, parameters: &T) -> Result<Self> {
        Self::new(Method::POST, action, &Query::new()).json(parameters)
    }

    /// Sets a JSON body.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self> {
        self.body = Some(serde_json::to_vec(body).map_err(Error::Encode)?);
        Ok(self)
    }

    /// Adds a header (invalid names or values are ignored).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            self.headers.insert(n, v);
        }
        self
    }

    /// Applies [`RequestOptions`] (Prefer, If-Match, impersonation...) to this part.
    pub fn options(mut self, opts: &RequestOptions) -> Self {
        opts.apply(&mut self.headers, &[]);
        self
    }
}

#[derive(Debug, Clone)]
enum Item {
    Single(BatchRequest),
    ChangeSet(Vec<BatchRequest>),
}

/// A `$batch` request being built.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    items: Vec<Item>,
    next_id: u32,
    continue_on_error: bool,
}

/// Adds requests to one change set (all succeed or all fail); see [`Batch::change_set`].
#[derive(Debug)]
pub struct ChangeSet<'a> {
    next_id: &'a mut u32,
    requests: Vec<BatchRequest>,
}

impl ChangeSet<'_> {
    /// Adds a request and returns its Content-ID (unique in the whole batch).
    pub fn add(&mut self, mut req: BatchRequest) -> ContentId {
        *self.next_id += 1;
        let id = ContentId(*self.next_id);
        req.content_id = Some(id);
        self.requests.push(req);
        id
    }
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// `Prefer: odata.continue-on-error`: independent requests after a failed one still run.
    pub fn continue_on_error(mut self) -> Self {
        self.continue_on_error = true;
        self
    }

    /// Adds an independent request.
    pub fn add(&mut self, req: BatchRequest) -> &mut Self {
        self.items.push(Item::Single(req));
        self
    }

    /// Adds a change set filled by `f`; returns what `f` returns (typically Content-IDs).
    pub fn change_set<T>(&mut self, f: impl FnOnce(&mut ChangeSet<'_>) -> T) -> T {
        let mut cs = ChangeSet {
            next_id: &mut self.next_id,
            requests: Vec::new(),
        };
        let out = f(&mut cs);
        let reqs = cs.requests;
        self.items.push(Item::ChangeSet(reqs));
        out
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The multipart body for `boundary`, with absolute URLs under `service_root`.
    pub(crate) fn render(&self, service_root: &str, boundary: &str) -> Result<Vec<u8>> {
        let mut out = String::new();
        for item in &self.items {
            out.push_str(&format!("--{boundary}\r\n"));
            match item {
                Item::Single(r) => render_part(&mut out, r, service_root)?,
                Item::ChangeSet(reqs) => {
                    let cs = format!("changeset_{}", random_token());
                    out.push_str(&format!(
                        "Content-Type: multipart/mixed; boundary={cs}\r\n\r\n"
                    ));
                    for r in reqs {
                        if r.method == Method::GET {
                            return Err(Error::InvalidArgument(
                                "GET is not allowed inside a change set".into(),
                            ));
                        }
                        out.push_str(&format!("--{cs}\r\n"));
                        render_part(&mut out, r, service_root)?;
                    }
                    out.push_str(&format!("--{cs}--\r\n"));
                }
            }
        }
        out.push_str(&format!("--{boundary}--\r\n"));
        Ok(out.into_bytes())
    }
}

fn random_token() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

fn render_part(out: &mut String, r: &BatchRequest, root: &str) -> Result<()> {
    out.push_str("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n");
    if let Some(id) = r.content_id {
        out.push_str(&format!("Content-ID: {}\r\n", id.0));
    }
    out.push_str("\r\n");
    let url = if r.url.starts_with('$') {
        r.url.clone()
    } else {
        format!("{root}{}", r.url)
    };
    out.push_str(&format!("{} {url} HTTP/1.1\r\n", r.method));
    out.push_str("Accept: application/json\r\n");
    if r.body.is_some() {
        out.push_str("Content-Type: application/json\r\n");
    }
    for (k, v) in &r.headers {
        let v = v
            .to_str()
            .map_err(|_| Error::InvalidArgument(format!("header {k} is not text")))?;
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    if let Some(b) = &r.body {
        out.push_str(
            std::str::from_utf8(b)
                .map_err(|_| Error::InvalidArgument("body is not UTF-8".into()))?,
        );
    }
    out.push_str("\r\n");
    Ok(())
}

/// The answer to one request of a batch.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchPart {
    /// The Content-ID of the request, for requests inside change sets.
    pub content_id: Option<ContentId>,
    /// Whether the request was part of a change set.
    pub in_change_set: bool,
    /// HTTP status of this request.
    pub status: StatusCode,
    /// Its headers.
    pub headers: HeaderMap,
    /// Its body.
    pub body: Bytes,
}

impl BatchPart {
    /// Whether the status is 2xx (or 304).
    pub fn is_success(&self) -> bool {
        self.status.is_success() || self.status == StatusCode::NOT_MODIFIED
    }

    /// The error of a failed request, as [`Error::Service`].
    pub fn error(&self) -> Option<Error> {
        (!self.is_success()).then(|| {
            Error::Service(Box::new(ServiceError::from_response(
                self.status,
                &self.headers,
                &self.body,
            )))
        })
    }

    /// The body deserialized (an error for failed requests).
    pub fn json<R: DeserializeOwned>(&self) -> Result<R> {
        if let Some(e) = self.error() {
            return Err(e);
        }
        serde_json::from_slice(&self.body).map_err(|source| Error::Decode {
            status: self.status.as_u16(),
            request_id: crate::error::request_id(&self.headers),
            source,
        })
    }

    /// `OData-EntityId`, for creates and upserts.
    pub fn entity_id(&self) -> Option<EntityId> {
        self.headers
            .get("odata-entityid")
            .and_then(|v| v.to_str().ok())
            .map(EntityId::parse)
    }

    /// The result of a create request, like [`Client::create`].
    pub fn created<R: DeserializeOwned>(&self) -> Result<Created<R>> {
        if let Some(e) = self.error() {
            return Err(e);
        }
        if self.body.is_empty() {
            return self
                .entity_id()
                .map(Created::Id)
                .ok_or_else(|| Error::Protocol {
                    status: self.status.as_u16(),
                    message: "create answered without OData-EntityId".into(),
                });
        }
        self.json().map(Created::Record)
    }
}

/// All answers of a batch, in order (a failed change set answers with a single part).
#[derive(Debug, Clone)]
pub struct BatchResponse {
    /// One part per answered request.
    pub parts: Vec<BatchPart>,
}

impl BatchResponse {
    /// The part answering the request with that Content-ID.
    pub fn by_content_id(&self, id: ContentId) -> Option<&BatchPart> {
        self.parts.iter().find(|p| p.content_id == Some(id))
    }

    /// Whether every part succeeded.
    pub fn all_succeeded(&self) -> bool {
        self.parts.iter().all(BatchPart::is_success)
    }

    /// The first failure, if any.
    pub fn first_error(&self) -> Option<Error> {
        self.parts.iter().find_map(BatchPart::error)
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

/// The `boundary` parameter of a multipart content type.
pub(crate) fn boundary_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Splits a multipart body into the raw bytes of its parts.
fn split_parts<'a>(body: &'a [u8], boundary: &str) -> Result<Vec<&'a [u8]>> {
    let bad = |m: &str| Error::Protocol {
        status: 200,
        message: format!("malformed multipart batch response: {m}"),
    };
    let delim = format!("--{boundary}");
    let delim = delim.as_bytes();
    // The first delimiter: at the start or after a line break (preamble allowed).
    let mut pos = if body.starts_with(delim) {
        0
    } else {
        find(body, &[b"\n", delim].concat(), 0).ok_or_else(|| bad("no boundary"))? + 1
    };
    let mut parts = Vec::new();
    loop {
        let after = pos + delim.len();
        if body[after..].starts_with(b"--") {
            return Ok(parts);
        }
        // Skip the rest of the delimiter line.
        let line_end = find(body, b"\n", after).ok_or_else(|| bad("truncated"))?;
        let start = line_end + 1;
        let next = find(body, &[b"\n", delim].concat(), start)
            .ok_or_else(|| bad("missing closing boundary"))?;
        let mut end = next;
        if end > start && body[end - 1] == b'\r' {
            end -= 1;
        }
        parts.push(&body[start..end.max(start)]);
        pos = next + 1;
    }
}

/// Splits header lines from the content at the first empty line.
fn split_head(part: &[u8]) -> (Vec<(String, String)>, &[u8]) {
    let mut headers = Vec::new();
    let mut i = 0;
    while i < part.len() {
        let end = find(part, b"\n", i).unwrap_or(part.len());
        let line = &part[i..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        i = (end + 1).min(part.len());
        if line.is_empty() {
            return (headers, &part[i..]);
        }
        let text = String::from_utf8_lossy(line);
        if let Some((k, v)) = text.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        } else {
            headers.push((text.trim().to_owned(), String::new()));
        }
    }
    (headers, &[])
}

fn get<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn parse_http_response(
    content: &[u8],
    content_id: Option<ContentId>,
    in_change_set: bool,
) -> Result<BatchPart> {
    let (lines, body) = split_head(content);
    let mut it = lines.into_iter();
    let (status_line, _) = it.next().ok_or_else(|| Error::Protocol {
        status: 200,
        message: "batch part without a status line".into(),
    })?;
    let code = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse::<u16>().ok())
        .and_then(|c| StatusCode::from_u16(c).ok())
        .ok_or_else(|| Error::Protocol {
            status: 200,
            message: format!("bad status line in batch part: {status_line:?}"),
        })?;
    let mut headers = HeaderMap::new();
    for (k, v) in it {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            headers.append(n, v);
        }
    }
    let mut body = body;
    while let Some(b) = body
        .strip_suffix(b"\n")
        .or_else(|| body.strip_suffix(b"\r"))
    {
        body = b;
    }
    Ok(BatchPart {
        content_id,
        in_change_set,
        status: code,
        headers,
        body: Bytes::copy_from_slice(body),
    })
}

/// Parses a `multipart/mixed` batch answer.
pub(crate) fn parse_response(content_type: &str, body: &[u8]) -> Result<BatchResponse> {
    let boundary = boundary_of(content_type).ok_or_else(|| Error::Protocol {
        status: 200,
        message: format!("batch response is not multipart: {content_type}"),
    })?;
    let mut parts = Vec::new();
    for raw in split_parts(body, &boundary)? {
        let (headers, content) = split_head(raw);
        let ct = get(&headers, "content-type").unwrap_or("application/http");
        if ct.to_ascii_lowercase().starts_with("multipart/mixed") {
            let inner = boundary_of(ct).ok_or_else(|| Error::Protocol {
                status: 200,
                message: "change set response without boundary".into(),
            })?;
            for sub in split_parts(content, &inner)? {
                let (h, c) = split_head(sub);
                let id = get(&h, "content-id")
                    .and_then(|v| v.trim().parse::<u32>().ok())
                    .map(ContentId);
                parts.push(parse_http_response(c, id, true)?);
            }
        } else {
            let id = get(&headers, "content-id")
                .and_then(|v| v.trim().parse::<u32>().ok())
                .map(ContentId);
            parts.push(parse_http_response(content, id, false)?);
        }
    }
    Ok(BatchResponse { parts })
}

impl Client {
    /// Sends a `$batch` and returns one [`BatchPart`] per answered request.
    ///
    /// `opts` applies to the batch request itself (impersonation, bypass flags...);
    /// per-request options go on each [`BatchRequest`] with [`BatchRequest::options`].
    pub async fn batch(&self, batch: &Batch, opts: &RequestOptions) -> Result<BatchResponse> {
        let boundary = format!("batch_{}", random_token());
        let body = batch.render(self.service_root(), &boundary)?;
        let mut req = Req::new(Method::POST, "$batch".into());
        let extra: &[&str] = if batch.continue_on_error {
            &["odata.continue-on-error"]
        } else {
            &[]
        };
        // The answer is parsed as multipart only: ask for that. With `Accept: application/json`
        // an OData 4.01 service (SAP CAP) answers in the JSON batch format.
        req.headers.insert(
            http::header::ACCEPT,
            HeaderValue::from_static("multipart/mixed"),
        );
        opts.apply(&mut req.headers, extra);
        req.retry_non_idempotent = opts.retry_non_idempotent;
        let ct = HeaderValue::from_str(&format!("multipart/mixed; boundary={boundary}"))
            .expect("boundary is ASCII");
        req.body = Some((Bytes::from(body), ct));
        let resp = self.send(req).await?;
        let ct = resp
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        parse_response(&ct, &resp.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_param() {
        assert_eq!(
            boundary_of("multipart/mixed; boundary=\"b_1\"; x=y").as_deref(),
            Some("b_1")
        );
        assert_eq!(boundary_of("application/json"), None);
    }

    #[test]
    fn parses_lf_only_and_preamble() {
        let body = b"preamble\n--b\nContent-Type: application/http\n\nHTTP/1.1 204 No Content\nOData-EntityId: https://x/a(00000000-0000-0000-0000-000000000001)\n\n\n--b--\n";
        let r = parse_response("multipart/mixed; boundary=b", body).unwrap();
        assert_eq!(r.parts.len(), 1);
        assert_eq!(r.parts[0].status, StatusCode::NO_CONTENT);
        assert!(r.parts[0].entity_id().unwrap().id.is_some());
    }

    #[test]
    fn missing_end_is_an_error() {
        let body = b"--b\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{}";
        assert!(parse_response("multipart/mixed; boundary=b", body).is_err());
    }

    #[test]
    fn get_in_change_set_is_refused() {
        let mut b = Batch::new();
        b.change_set(|cs| cs.add(BatchRequest::get(&EntityPath::set("a"), &Query::new())));
        assert!(b.render("https://x/", "b").is_err());
    }
}
