//! `$batch`: independent requests and change sets in one `multipart/mixed` request, and the
//! parsing of the answer into one result per request.
//!
//! The request follows Microsoft's "Execute batch operations using the Web API": `POST $batch`
//! with `Content-Type: multipart/mixed; boundary=batch_...` and `Accept: application/json`, each
//! request an `application/http` part, change sets nested `multipart/mixed` parts whose requests
//! carry a `Content-ID` (referenced later in the same change set as `$n`, in a URL or in
//! `nav@odata.bind`). The answer is read in either form a service gives: `multipart/mixed`
//! (Dataverse) or the OData 4.01 JSON batch format (`{"responses": [...]}`, what an OData 4.01
//! service such as SAP CAP answers to `Accept: application/json`), chosen by its `Content-Type`.
//!
//! Requests added with [`Batch::push`] / [`ChangeSet::push`] give back a typed handle
//! ([`Part`], [`ChangeSetPart`]) whose result [`BatchResponse::result`] reads: the record of a
//! `GET`, the [`Created`] of a create, the error of a failed request, of a change set that was
//! rolled back, or of a request the service did not run. Generated SDKs wrap this in
//! `service.batch()`, sent as a [`crate::request::Request`] ([`SendBatch`]).
//!
//! ```no_run
//! use dataverse_runtime::batch::{Batch, BatchRequest, Create, Read};
//! use dataverse_runtime::{Bind, Client, EntityPath, Query, RequestOptions};
//! use serde_json::{Value, json};
//! # async fn run(client: Client) -> Result<(), dataverse_runtime::Error> {
//! let mut batch = Batch::new();
//! let account = batch.change_set(|cs| -> Result<_, dataverse_runtime::Error> {
//!     let account = cs.push(
//!         BatchRequest::create("accounts", &json!({"name": "A"}))?,
//!         Create::<Value>::new(),
//!     );
//!     cs.add(BatchRequest::create(
//!         "contacts",
//!         &json!({"lastname": "B", "parentcustomerid_account@odata.bind": Bind::content_id(account.content_id())}),
//!     )?);
//!     Ok(account)
//! })?;
//! let first = batch.push(
//!     BatchRequest::get(&EntityPath::set("accounts"), &Query::new().top(1)),
//!     Read::<Value>::new(),
//! );
//! let response = client.batch(&batch, &RequestOptions::new()).await?;
//! let created = response.created(&account)?;
//! let page = response.result(&first)?;
//! # let _ = (created, page); Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::marker::PhantomData;

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::auth::BoxFuture;
use crate::client::{Client, Req};
use crate::error::{Error, Result, ServiceError};
use crate::ops::{Created, EntityId, Page};
use crate::options::RequestOptions;
use crate::path::EntityPath;
use crate::query::Query;
use crate::request::{Decode, GetRecord, Operation, QueryRecords, Request};

mod handles;
mod parse;
mod response;

pub use handles::*;
pub(crate) use parse::parse_response;
use response::resolve;
pub use response::{BatchPart, BatchResponse};

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
        Self::relative(method, rel(path, query))
    }

    /// Any request: `method` on `url`, relative to the service root and already encoded (what
    /// `relative_url()` of a typed request gives), or starting with `$n` (a Content-ID).
    pub fn relative(method: Method, url: impl Into<String>) -> Self {
        BatchRequest {
            method,
            url: url.into(),
            headers: HeaderMap::new(),
            body: None,
            content_id: None,
        }
    }

    /// `GET path?query` (only outside change sets).
    pub fn get(path: &EntityPath, query: &Query) -> Self {
        Self::new(Method::GET, path, query)
    }

    /// The `GET` of a typed request for one record (`set.get(key).select(...)`): its URL and
    /// its request options (`Prefer: odata.include-annotations`...).
    pub fn from_get<T>(request: Request<'_, GetRecord<T>>) -> Self
    where
        T: DeserializeOwned + Send + 'static,
    {
        Self::relative(Method::GET, request.relative_url()).options(&request.options)
    }

    /// The `GET` of a typed query (`set.query().filter(...)`): its URL and its request options
    /// (`Prefer: odata.maxpagesize`...).
    pub fn from_query<T>(request: Request<'_, QueryRecords<T>>) -> Self
    where
        T: DeserializeOwned + Send + 'static,
    {
        Self::relative(Method::GET, request.relative_url()).options(&request.options)
    }

    /// The `POST` of a generated action call (`service.win_opportunity(&params)`): its path,
    /// its parameters as the body, and its request options. Read its answer with
    /// [`Call::of`].
    pub fn from_action<B, Output, D>(
        request: &Request<'_, crate::request::CallAction<'_, B, Output, D>>,
    ) -> Result<Self>
    where
        B: Serialize + ?Sized,
    {
        Ok(
            Self::action(&request.operation.path, request.operation.parameters)?
                .options(&request.options),
        )
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
        self.apply(opts);
        self
    }

    fn apply(&mut self, opts: &RequestOptions) {
        opts.apply(&mut self.headers, &[]);
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
    /// How many requests were added (the index of the next one).
    requests: usize,
    continue_on_error: bool,
}

/// Adds requests to one change set (all succeed or all fail); see [`Batch::change_set`].
#[derive(Debug)]
pub struct ChangeSet<'a> {
    next_id: &'a mut u32,
    /// The index (in the whole batch) of the change set's first request.
    base: usize,
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

    /// Adds a request whose answer `kind` reads; the handle gives its Content-ID (to reference
    /// what it creates later in this change set) and its result from the [`BatchResponse`].
    pub fn push<K: ReadPart>(&mut self, req: BatchRequest, kind: K) -> ChangeSetPart<K> {
        let index = self.base + self.requests.len();
        let content_id = self.add(req);
        ChangeSetPart {
            part: Part { index, kind },
            content_id,
        }
    }

    /// Whether `part` is a request of this change set (a Content-ID is only valid in its own).
    pub fn contains<K>(&self, part: &Part<K>) -> bool {
        (self.base..self.base + self.requests.len()).contains(&part.index)
    }

    /// Applies `opts` (If-Match, Prefer, impersonation...) to the request of `part`.
    pub fn options<K>(&mut self, part: &Part<K>, opts: &RequestOptions) -> &mut Self {
        if let Some(req) = part
            .index
            .checked_sub(self.base)
            .and_then(|i| self.requests.get_mut(i))
        {
            req.apply(opts);
        }
        self
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

    /// Sets or clears `Prefer: odata.continue-on-error`.
    pub fn set_continue_on_error(&mut self, on: bool) -> &mut Self {
        self.continue_on_error = on;
        self
    }

    /// Adds an independent request.
    pub fn add(&mut self, req: BatchRequest) -> &mut Self {
        self.items.push(Item::Single(req));
        self.requests += 1;
        self
    }

    /// Adds an independent request whose answer `kind` reads; the handle gives its result from
    /// the [`BatchResponse`].
    pub fn push<K: ReadPart>(&mut self, req: BatchRequest, kind: K) -> Part<K> {
        let index = self.requests;
        self.add(req);
        Part { index, kind }
    }

    /// Adds a change set filled by `f`; returns what `f` returns (typically Content-IDs or
    /// [`ChangeSetPart`]s). A change set left empty is not sent.
    pub fn change_set<T>(&mut self, f: impl FnOnce(&mut ChangeSet<'_>) -> T) -> T {
        let mut cs = ChangeSet {
            next_id: &mut self.next_id,
            base: self.requests,
            requests: Vec::new(),
        };
        let out = f(&mut cs);
        let reqs = cs.requests;
        if !reqs.is_empty() {
            self.requests += reqs.len();
            self.items.push(Item::ChangeSet(reqs));
        }
        out
    }

    /// Applies `opts` (If-Match, Prefer, impersonation...) to the request of `part`.
    pub fn options<K>(&mut self, part: &Part<K>, opts: &RequestOptions) -> &mut Self {
        let mut index = 0;
        for item in &mut self.items {
            let reqs = match item {
                Item::Single(r) => std::slice::from_mut(r),
                Item::ChangeSet(reqs) => reqs.as_mut_slice(),
            };
            if let Some(req) = part.index.checked_sub(index).and_then(|i| reqs.get_mut(i)) {
                req.apply(opts);
                break;
            }
            index += reqs.len();
        }
        self
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// How many requests were added.
    pub fn len(&self) -> usize {
        self.requests
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
        // `Accept: application/json`, as Microsoft's examples send it (and every request of the
        // client does): Dataverse answers multipart, an OData 4.01 service (SAP CAP) the JSON
        // batch format; both are read.
        opts.apply(&mut req.headers, extra);
        req.retry_non_idempotent = opts.retry_non_idempotent;
        // Without `continue-on-error`, Dataverse answers a failed request outside a change set
        // with an error status and a multipart body holding what ran: read it part by part.
        req.multipart_errors = true;
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
        let mut response = parse_response(&ct, &resp.body)?;
        response.slots = resolve(&batch.items, &response.parts);
        Ok(response)
    }
}
