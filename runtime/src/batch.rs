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

// ---------------------------------------------------------------------------------------------
// Typed handles
// ---------------------------------------------------------------------------------------------

/// How the answer of one request of a batch becomes its result: the kind of a [`Part`].
pub trait ReadPart {
    /// The result of a successful request.
    type Output;

    /// Reads the answer of the request (an error for a failed one).
    fn read(&self, part: &BatchPart) -> Result<Self::Output>;
}

macro_rules! phantom_kind {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name<T>(PhantomData<fn() -> T>);

        impl<T> $name<T> {
            /// The kind (a marker).
            pub fn new() -> Self {
                $name(PhantomData)
            }
        }

        impl<T> Default for $name<T> {
            fn default() -> Self {
                Self::new()
            }
        }

        impl<T> Clone for $name<T> {
            fn clone(&self) -> Self {
                *self
            }
        }

        impl<T> Copy for $name<T> {}

        impl<T> std::fmt::Debug for $name<T> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(stringify!($name))
            }
        }
    };
}

phantom_kind!(
    /// A `GET` of one record: the result is the record, read as `T`.
    Read
);
phantom_kind!(
    /// A `GET` of a collection: the result is one [`Page`] of records of type `T`.
    ReadPage
);
phantom_kind!(
    /// A create: the result is [`Created::Id`] (204 with `OData-EntityId`) or
    /// [`Created::Record`] (201 with the record, `Prefer: return=representation`).
    Create
);

impl<T: DeserializeOwned> ReadPart for Read<T> {
    type Output = T;
    fn read(&self, part: &BatchPart) -> Result<T> {
        part.json()
    }
}

impl<T: DeserializeOwned> ReadPart for ReadPage<T> {
    type Output = Page<T>;
    fn read(&self, part: &BatchPart) -> Result<Page<T>> {
        part.json()
    }
}

impl<T: DeserializeOwned> ReadPart for Create<T> {
    type Output = Created<T>;
    fn read(&self, part: &BatchPart) -> Result<Created<T>> {
        part.created()
    }
}

/// An update, a delete, or any request whose body is not read: the result is `()`.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoContent;

impl ReadPart for NoContent {
    type Output = ();
    fn read(&self, part: &BatchPart) -> Result<()> {
        part.error().map_or(Ok(()), Err)
    }
}

/// An upsert: the result is the `OData-EntityId` of the record, when the service sent it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Upsert;

impl ReadPart for Upsert {
    type Output = Option<EntityId>;
    fn read(&self, part: &BatchPart) -> Result<Option<EntityId>> {
        part.error().map_or(Ok(part.entity_id()), Err)
    }
}

/// An action: its answer is read as `Output` the way `D` says (see [`Decode`]: no result, the
/// body, or `{"value": ...}`), as a single call of the action would.
pub struct Call<Output, D> {
    name: &'static str,
    _result: PhantomData<fn() -> (Output, D)>,
}

impl<Output, D> Call<Output, D> {
    /// The kind of a call of the operation `name` (its qualified name, for errors).
    pub fn new(name: &'static str) -> Self {
        Call {
            name,
            _result: PhantomData,
        }
    }

    /// The kind of a generated action call, read the way the call itself reads its answer.
    pub fn of<B: ?Sized>(
        request: &Request<'_, crate::request::CallAction<'_, B, Output, D>>,
    ) -> Self {
        Self::new(request.operation.name)
    }
}

impl<Output, D> Clone for Call<Output, D> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<Output, D> Copy for Call<Output, D> {}

impl<Output, D> std::fmt::Debug for Call<Output, D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Call").field(&self.name).finish()
    }
}

impl<Output, D: Decode<Output>> ReadPart for Call<Output, D> {
    type Output = Output;
    fn read(&self, part: &BatchPart) -> Result<Output> {
        if let Some(e) = part.error() {
            return Err(e);
        }
        let wire = if part.status == StatusCode::NO_CONTENT || part.body.is_empty() {
            None
        } else {
            Some(part.json::<D::Wire>()?)
        };
        D::decode(wire, self.name)
    }
}

/// The handle of a request added to a batch: [`BatchResponse::result`] gives its result.
#[derive(Debug, Clone, Copy)]
pub struct Part<K> {
    /// The position of the request in the batch (counting the requests of change sets).
    index: usize,
    kind: K,
}

impl<K> Part<K> {
    /// The position of the request in the batch, counting every request of every change set.
    pub fn index(&self) -> usize {
        self.index
    }

    /// How its answer is read.
    pub fn kind(&self) -> &K {
        &self.kind
    }
}

/// The handle of a request in a change set: a [`Part`] (it derefs to one) with the request's
/// Content-ID, to reference what it creates later in the same change set (`$n` in a URL, or
/// `nav@odata.bind`).
#[derive(Debug, Clone, Copy)]
pub struct ChangeSetPart<K> {
    part: Part<K>,
    content_id: ContentId,
}

impl<K> ChangeSetPart<K> {
    /// The request's Content-ID.
    pub fn content_id(&self) -> ContentId {
        self.content_id
    }

    /// `$n`: the path of what the request creates, for later requests of the same change set.
    pub fn path(&self) -> EntityPath {
        EntityPath::content_id(self.content_id)
    }

    /// The handle as a [`Part`].
    pub fn part(&self) -> &Part<K> {
        &self.part
    }
}

impl<K> std::ops::Deref for ChangeSetPart<K> {
    type Target = Part<K>;
    fn deref(&self) -> &Part<K> {
        &self.part
    }
}

impl<K> AsRef<Part<K>> for ChangeSetPart<K> {
    fn as_ref(&self) -> &Part<K> {
        &self.part
    }
}

impl<K> AsRef<Part<K>> for Part<K> {
    fn as_ref(&self) -> &Part<K> {
        self
    }
}

/// `POST $batch` as a [`crate::request::Request`]: sent by `.await` or `send()`, with the
/// request options of every request (they apply to the `$batch` request itself: impersonation,
/// bypass flags...). Generated SDKs build it with `service.batch()`.
pub struct SendBatch {
    batch: Result<Batch>,
}

impl SendBatch {
    /// Sends `batch`; an `Err` (a part that could not be encoded) is returned when it is sent.
    pub fn new(batch: Result<Batch>) -> Self {
        SendBatch { batch }
    }
}

impl std::fmt::Debug for SendBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SendBatch")
            .field("batch", &self.batch)
            .finish()
    }
}

impl<'a> Operation<'a> for SendBatch {
    type Output = BatchResponse;
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<BatchResponse>> {
        Box::pin(async move {
            let batch = self.batch?;
            client.batch(&batch, &options).await
        })
    }
}

// ---------------------------------------------------------------------------------------------
// The answer
// ---------------------------------------------------------------------------------------------

/// The answer to one request of a batch.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BatchPart {
    /// The Content-ID of the request, for requests inside change sets.
    pub content_id: Option<ContentId>,
    /// Whether the request was part of a change set.
    pub in_change_set: bool,
    /// The change set it answers for (the boundary of its multipart change set answer, or the
    /// `atomicityGroup` of a JSON batch answer); `None` outside change sets.
    pub atomicity_group: Option<String>,
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

/// What answered one request of the batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// This part.
    Answered(usize),
    /// Its change set failed at this part: nothing of the change set was applied.
    RolledBack(usize),
    /// No part (the service stopped at an earlier error).
    Missing,
}

/// All answers of a batch, in order (a failed change set answers with a single part in the
/// multipart form), and the result of each request added with a typed handle.
#[derive(Debug, Clone)]
pub struct BatchResponse {
    /// One part per answered request.
    pub parts: Vec<BatchPart>,
    /// What answered each request of the batch, by [`Part::index`].
    slots: Vec<Slot>,
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

    /// The part that answered the request of `part`: its own answer, or the failure of its
    /// change set (then nothing of the change set was applied); `None` if the service did not
    /// run it.
    pub fn answer<K>(&self, part: &impl AsRef<Part<K>>) -> Option<&BatchPart> {
        match self.slots.get(part.as_ref().index)? {
            Slot::Answered(i) | Slot::RolledBack(i) => self.parts.get(*i),
            Slot::Missing => None,
        }
    }

    /// The result of the request of `part`, read as its kind says. An error when the request
    /// failed; when another request of its change set failed (the error of that request: the
    /// change set was rolled back, even if this request was answered with a success before it);
    /// or when the service did not run it (HTTP 424 Failed Dependency: the batch stopped at an
    /// earlier failure, without `continue_on_error`).
    pub fn result<K: ReadPart>(&self, part: &impl AsRef<Part<K>>) -> Result<K::Output> {
        let part = part.as_ref();
        match self.slots.get(part.index).copied().unwrap_or(Slot::Missing) {
            Slot::Answered(i) => part.kind.read(&self.parts[i]),
            Slot::RolledBack(i) => Err(self.parts[i].error().unwrap_or_else(|| Error::Protocol {
                status: self.parts[i].status.as_u16(),
                message: "the change set failed".into(),
            })),
            Slot::Missing => Err(self.not_run(part.index)),
        }
    }

    /// The record read by a `GET` part.
    pub fn get<T: DeserializeOwned>(&self, part: &impl AsRef<Part<Read<T>>>) -> Result<T> {
        self.result(part)
    }

    /// The page read by a `GET` part on a collection.
    pub fn page<T: DeserializeOwned>(
        &self,
        part: &impl AsRef<Part<ReadPage<T>>>,
    ) -> Result<Page<T>> {
        self.result(part)
    }

    /// The result of a create part.
    pub fn created<T: DeserializeOwned>(
        &self,
        part: &impl AsRef<Part<Create<T>>>,
    ) -> Result<Created<T>> {
        self.result(part)
    }

    fn not_run(&self, index: usize) -> Error {
        match self.parts.iter().find(|p| !p.is_success()) {
            Some(failed) => Error::Service(Box::new(ServiceError {
                status: StatusCode::FAILED_DEPENDENCY,
                code: None,
                message: format!(
                    "request {index} of the batch was not run: the batch stopped at an earlier \
                     failure (HTTP {})",
                    failed.status.as_u16()
                ),
                inner: None,
                request_id: None,
                retry_after: None,
                content_type: None,
            })),
            None => Error::Protocol {
                status: 200,
                message: format!("the batch response has no answer for request {index}"),
            },
        }
    }
}

/// Which part answers which request: in order, a change set answered either by its parts (one
/// atomicity group) or, when it failed, by one part (Dataverse: the error; SAP CAP multipart:
/// the error with the failing request's Content-ID).
fn resolve(items: &[Item], parts: &[BatchPart]) -> Vec<Slot> {
    let mut slots = Vec::new();
    let mut p = 0;
    for item in items {
        match item {
            Item::Single(_) => {
                if p < parts.len() {
                    slots.push(Slot::Answered(p));
                    p += 1;
                } else {
                    slots.push(Slot::Missing);
                }
            }
            Item::ChangeSet(reqs) => {
                let start = p;
                match parts.get(p).map(|part| part.atomicity_group.clone()) {
                    None => {}
                    Some(Some(group)) => {
                        while parts
                            .get(p)
                            .is_some_and(|part| part.atomicity_group.as_ref() == Some(&group))
                        {
                            p += 1;
                        }
                    }
                    Some(None) => {
                        while parts.get(p).is_some_and(|part| {
                            part.atomicity_group.is_none()
                                && part
                                    .content_id
                                    .is_some_and(|id| reqs.iter().any(|r| r.content_id == Some(id)))
                        }) {
                            p += 1;
                        }
                        if p == start {
                            p += 1;
                        }
                    }
                }
                let group = &parts[start..p];
                if group.is_empty() {
                    slots.extend(reqs.iter().map(|_| Slot::Missing));
                } else if let Some(failed) = group.iter().position(|part| !part.is_success()) {
                    slots.extend(reqs.iter().map(|_| Slot::RolledBack(start + failed)));
                } else {
                    for (k, r) in reqs.iter().enumerate() {
                        let by_id = group.iter().position(|part| {
                            part.content_id.is_some() && part.content_id == r.content_id
                        });
                        slots.push(match by_id {
                            Some(i) => Slot::Answered(start + i),
                            None if group.len() == reqs.len() => Slot::Answered(start + k),
                            None => Slot::Missing,
                        });
                    }
                }
            }
        }
    }
    slots
}

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

fn malformed(form: &str, m: impl std::fmt::Display) -> Error {
    Error::Protocol {
        status: 200,
        message: format!("malformed {form} batch response: {m}"),
    }
}

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
    let bad = |m: &str| malformed("multipart", m);
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
    atomicity_group: Option<String>,
) -> Result<BatchPart> {
    let (lines, body) = split_head(content);
    let mut it = lines.into_iter();
    let (status_line, _) = it
        .next()
        .ok_or_else(|| malformed("multipart", "a part without a status line"))?;
    let code = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse::<u16>().ok())
        .and_then(|c| StatusCode::from_u16(c).ok())
        .ok_or_else(|| malformed("multipart", format!("bad status line {status_line:?}")))?;
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
        in_change_set: atomicity_group.is_some(),
        atomicity_group,
        status: code,
        headers,
        body: Bytes::copy_from_slice(body),
    })
}

fn content_id_of(headers: &[(String, String)]) -> Option<ContentId> {
    get(headers, "content-id")
        .and_then(|v| v.trim().parse::<u32>().ok())
        .map(ContentId)
}

/// Parses a `multipart/mixed` batch answer.
fn parse_multipart(content_type: &str, body: &[u8]) -> Result<BatchResponse> {
    let boundary = boundary_of(content_type)
        .ok_or_else(|| malformed("multipart", format!("no boundary in {content_type}")))?;
    let mut parts = Vec::new();
    for raw in split_parts(body, &boundary)? {
        let (headers, content) = split_head(raw);
        let ct = get(&headers, "content-type").unwrap_or("application/http");
        if ct.to_ascii_lowercase().starts_with("multipart/mixed") {
            let inner = boundary_of(ct)
                .ok_or_else(|| malformed("multipart", "a change set answer without boundary"))?;
            for sub in split_parts(content, &inner)? {
                let (h, c) = split_head(sub);
                parts.push(parse_http_response(
                    c,
                    content_id_of(&h),
                    Some(inner.clone()),
                )?);
            }
        } else {
            parts.push(parse_http_response(content, content_id_of(&headers), None)?);
        }
    }
    Ok(BatchResponse {
        parts,
        slots: Vec::new(),
    })
}

/// Whether a media type is JSON (`application/json`, with parameters, or `...+json`).
fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

#[derive(serde::Deserialize)]
struct JsonBatch<'a> {
    #[serde(borrow)]
    responses: Vec<JsonAnswer<'a>>,
}

#[derive(serde::Deserialize)]
struct JsonAnswer<'a> {
    #[serde(default)]
    id: Option<String>,
    status: u16,
    #[serde(default)]
    headers: BTreeMap<String, serde_json::Value>,
    #[serde(default, borrow)]
    body: Option<&'a RawValue>,
    #[serde(default, rename = "atomicityGroup")]
    atomicity_group: Option<String>,
}

/// Parses an OData 4.01 JSON batch answer (`{"responses": [{"id", "status", "headers", "body",
/// "atomicityGroup"}]}`). The answer to a multipart request lists the responses in request order;
/// the `id` of a response in an atomicity group is the Content-ID of its request.
fn parse_json(body: &[u8]) -> Result<BatchResponse> {
    let batch: JsonBatch<'_> = serde_json::from_slice(body).map_err(|e| malformed("JSON", e))?;
    let mut parts = Vec::with_capacity(batch.responses.len());
    for answer in batch.responses {
        let status = StatusCode::from_u16(answer.status)
            .map_err(|_| malformed("JSON", format!("bad status {}", answer.status)))?;
        let mut headers = HeaderMap::new();
        for (name, value) in &answer.headers {
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&text),
            ) {
                headers.append(n, v);
            }
        }
        let media_type = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/json")
            .to_owned();
        let body = match answer.body {
            None => Bytes::new(),
            Some(raw) if is_json(&media_type) => Bytes::copy_from_slice(raw.get().as_bytes()),
            Some(raw) => {
                let text: String = serde_json::from_str(raw.get()).map_err(|_| {
                    malformed("JSON", format!("a {media_type} body that is not a string"))
                })?;
                if media_type
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("text/")
                {
                    Bytes::from(text.into_bytes())
                } else {
                    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .decode(text.trim_end_matches('='))
                        .map_err(|_| {
                            malformed("JSON", format!("a {media_type} body that is not base64url"))
                        })?;
                    Bytes::from(decoded)
                }
            }
        };
        // Only requests in change sets carry a Content-ID; other ids are the service's own.
        let content_id = answer
            .atomicity_group
            .as_ref()
            .and(answer.id.as_deref())
            .and_then(|id| id.parse::<u32>().ok())
            .map(ContentId);
        parts.push(BatchPart {
            content_id,
            in_change_set: answer.atomicity_group.is_some(),
            atomicity_group: answer.atomicity_group,
            status,
            headers,
            body,
        });
    }
    Ok(BatchResponse {
        parts,
        slots: Vec::new(),
    })
}

/// Parses a batch answer in the form its `Content-Type` names: `multipart/mixed` or JSON.
pub(crate) fn parse_response(content_type: &str, body: &[u8]) -> Result<BatchResponse> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "multipart/mixed" {
        parse_multipart(content_type, body)
    } else if is_json(&essence) || (essence.is_empty() && body.trim_ascii_start().starts_with(b"{"))
    {
        parse_json(body)
    } else {
        Err(Error::Protocol {
            status: 200,
            message: format!(
                "batch response is neither multipart/mixed nor JSON: {content_type:?}"
            ),
        })
    }
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
    fn neither_multipart_nor_json_is_an_error() {
        let e = parse_response("text/html", b"<html/>").unwrap_err();
        assert!(
            e.to_string().contains("neither multipart/mixed nor JSON"),
            "{e}"
        );
    }

    #[test]
    fn json_bodies_text_and_base64url() {
        let body = br#"{"responses":[
            {"id":"1","status":200,"headers":{"content-type":"text/plain"},"body":"12"},
            {"id":"2","status":200,"headers":{"content-type":"application/octet-stream"},"body":"AP8"},
            {"id":"3","status":200,"body":{"a" : 1.50}},
            {"id":"4","status":204,"body":null}
        ]}"#;
        let r = parse_response("application/json", body).unwrap();
        assert_eq!(&r.parts[0].body[..], b"12");
        assert_eq!(&r.parts[1].body[..], &[0u8, 255]);
        assert_eq!(
            &r.parts[2].body[..],
            br#"{"a" : 1.50}"#,
            "JSON kept as sent"
        );
        assert!(r.parts[3].body.is_empty());
        assert!(
            r.parts
                .iter()
                .all(|p| p.content_id.is_none() && !p.in_change_set)
        );
    }

    #[test]
    fn get_in_change_set_is_refused() {
        let mut b = Batch::new();
        b.change_set(|cs| cs.add(BatchRequest::get(&EntityPath::set("a"), &Query::new())));
        assert!(b.render("https://x/", "b").is_err());
    }

    fn part(status: u16, id: Option<u32>, group: Option<&str>) -> BatchPart {
        BatchPart {
            content_id: id.map(ContentId),
            in_change_set: group.is_some(),
            atomicity_group: group.map(str::to_owned),
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    fn two_change_sets_and_a_get() -> Batch {
        let mut b = Batch::new();
        b.change_set(|cs| {
            cs.add(BatchRequest::delete(&EntityPath::set("a")));
            cs.add(BatchRequest::delete(&EntityPath::set("b")));
        });
        b.add(BatchRequest::get(&EntityPath::set("c"), &Query::new()));
        b.change_set(|cs| {
            cs.add(BatchRequest::delete(&EntityPath::set("d")));
        });
        b
    }

    #[test]
    fn answers_of_change_sets_by_content_id_and_group() {
        use Slot::*;
        let b = two_change_sets_and_a_get();
        // Answered out of order inside the change set: matched by Content-ID.
        let parts = [
            part(204, Some(2), Some("x")),
            part(204, Some(1), Some("x")),
            part(200, None, None),
            part(204, Some(3), Some("y")),
        ];
        assert_eq!(
            resolve(&b.items, &parts),
            [Answered(1), Answered(0), Answered(2), Answered(3)]
        );
        // Dataverse: a failed change set is one part without Content-ID; the batch stops.
        let parts = [part(412, None, None)];
        assert_eq!(
            resolve(&b.items, &parts),
            [RolledBack(0), RolledBack(0), Missing, Missing]
        );
        // CAP multipart: the failing request's Content-ID on the single part.
        let parts = [
            part(412, Some(2), None),
            part(200, None, None),
            part(204, Some(3), Some("y")),
        ];
        assert_eq!(
            resolve(&b.items, &parts),
            [RolledBack(0), RolledBack(0), Answered(1), Answered(2)]
        );
        // CAP JSON: every member reported, the earlier one with its (rolled back) success.
        let parts = [
            part(201, None, Some("g")),
            part(412, None, Some("g")),
            part(200, None, None),
            part(204, None, Some("h")),
        ];
        assert_eq!(
            resolve(&b.items, &parts),
            [RolledBack(1), RolledBack(1), Answered(2), Answered(3)]
        );
    }

    #[test]
    fn part_options_reach_the_right_request() {
        let mut b = Batch::new();
        let first = b.push(BatchRequest::delete(&EntityPath::set("a")), NoContent);
        let (second, third) = b.change_set(|cs| {
            let second = cs.push(BatchRequest::delete(&EntityPath::set("b")), NoContent);
            let third = cs.push(BatchRequest::delete(&EntityPath::set("c")), NoContent);
            cs.options(&third, &RequestOptions::new().bypass_custom_plugins());
            (second, third)
        });
        b.options(&second, &RequestOptions::new().return_representation());
        assert_eq!((first.index(), second.index(), third.index()), (0, 1, 2));
        assert_eq!(
            (second.content_id(), third.content_id()),
            (ContentId(1), ContentId(2))
        );
        let body = String::from_utf8(b.render("https://x/", "B").unwrap()).unwrap();
        let b_at = body.find("DELETE https://x/b").unwrap();
        let c_at = body.find("DELETE https://x/c").unwrap();
        assert!(
            body[b_at..c_at].contains("prefer: return=representation"),
            "{body}"
        );
        assert!(!body[b_at..c_at].contains("bypass"), "{body}");
        assert!(
            body[c_at..].contains("mscrm.bypasscustompluginexecution: true"),
            "{body}"
        );
        assert!(!body[..b_at].contains("prefer"), "{body}");
    }
}
