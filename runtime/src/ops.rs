//! The operations: generic building blocks that generated code calls with its own types.

use futures_core::Stream;
use http::{HeaderValue, Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::client::{Client, Req, Resp};
use crate::error::{Error, Result};
use crate::options::{ETagMatch, RequestOptions};
use crate::path::{EntityKey, EntityPath, Literal, function_call};
use crate::query::Query;
use crate::values::ETag;

/// The id of a record, from the `OData-EntityId` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityId {
    /// The absolute URL of the record (`https://.../accounts(<id>)`).
    pub url: String,
    /// The Guid inside the last parentheses, when it is a Guid.
    pub id: Option<Uuid>,
}

impl EntityId {
    pub(crate) fn parse(url: &str) -> Self {
        let id = url
            .rfind('(')
            .and_then(|a| url[a + 1..].find(')').map(|b| &url[a + 1..a + 1 + b]))
            .and_then(|s| Uuid::parse_str(s).ok());
        EntityId {
            url: url.to_owned(),
            id,
        }
    }

    fn from_resp(resp: &Resp) -> Option<Self> {
        resp.headers
            .get("odata-entityid")
            .and_then(|v| v.to_str().ok())
            .map(EntityId::parse)
    }
}

/// What a create returned.
#[derive(Debug, Clone, PartialEq)]
pub enum Created<R> {
    /// 204 No Content: only the id (from `OData-EntityId`).
    Id(EntityId),
    /// 201 Created with `Prefer: return=representation`: the record.
    Record(R),
}

impl<R> Created<R> {
    /// The record, if the service returned it.
    pub fn record(self) -> Option<R> {
        match self {
            Created::Record(r) => Some(r),
            Created::Id(_) => None,
        }
    }

    /// The id, if the service returned only the id.
    pub fn entity_id(&self) -> Option<&EntityId> {
        match self {
            Created::Id(id) => Some(id),
            Created::Record(_) => None,
        }
    }
}

/// Result of a conditional retrieve.
#[derive(Debug, Clone, PartialEq)]
pub enum Conditional<R> {
    /// 304 Not Modified: the record still has the given etag.
    Unchanged,
    /// The record changed (or the service ignored the condition).
    Modified(R),
}

/// One page of a collection.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[non_exhaustive]
pub struct Page<R> {
    /// The records.
    pub value: Vec<R>,
    /// `@odata.count` (with `$count=true`).
    #[serde(rename = "@odata.count", default)]
    pub count: Option<i64>,
    /// `@odata.nextLink`: the URL of the next page.
    #[serde(rename = "@odata.nextLink", default)]
    pub next_link: Option<String>,
    /// `@Microsoft.Dynamics.CRM.totalrecordcount` (FetchXML queries).
    #[serde(rename = "@Microsoft.Dynamics.CRM.totalrecordcount", default)]
    pub total_record_count: Option<i64>,
    /// `@Microsoft.Dynamics.CRM.morerecords` (FetchXML queries).
    #[serde(rename = "@Microsoft.Dynamics.CRM.morerecords", default)]
    pub more_records: Option<bool>,
    /// `@Microsoft.Dynamics.CRM.fetchxmlpagingcookie` (FetchXML queries).
    #[serde(rename = "@Microsoft.Dynamics.CRM.fetchxmlpagingcookie", default)]
    pub fetchxml_paging_cookie: Option<String>,
}

fn with_query(path: String, query: &Query) -> String {
    let q = query.render();
    if q.is_empty() {
        path
    } else {
        format!("{path}?{q}")
    }
}

fn request(method: Method, url: String, opts: &RequestOptions) -> Req {
    let mut r = Req::new(method, url);
    opts.apply(&mut r.headers, &[]);
    r.retry_non_idempotent = opts.retry_non_idempotent;
    r
}

/// A boxed stream, as returned by [`Client::stream`] and [`Client::pages`].
pub type BoxStream<T> = std::pin::Pin<Box<dyn Stream<Item = T> + Send + 'static>>;

impl Client {
    /// Creates a record: `POST set`. Returns the id (204 + `OData-EntityId`) or, with
    /// [`RequestOptions::return_representation`], the record (201).
    pub async fn create<T, R>(
        &self,
        entity_set: &str,
        record: &T,
        opts: &RequestOptions,
    ) -> Result<Created<R>>
    where
        T: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        self.create_at(&EntityPath::set(entity_set), record, opts)
            .await
    }

    /// Creates a record in the collection at `path`: an entity set, or a contained collection
    /// (`root/items`, `accounts(<id>)/notes`). Answers as [`Client::create`].
    pub async fn create_at<T, R>(
        &self,
        path: &EntityPath,
        record: &T,
        opts: &RequestOptions,
    ) -> Result<Created<R>>
    where
        T: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let req = request(Method::POST, path.render(), opts).json_body(record)?;
        let resp = self.send(req).await?;
        if resp.status == StatusCode::NO_CONTENT || resp.body.is_empty() {
            return EntityId::from_resp(&resp)
                .map(Created::Id)
                .ok_or_else(|| Error::Protocol {
                    status: resp.status.as_u16(),
                    message: "create answered without OData-EntityId".into(),
                });
        }
        resp.json().map(Created::Record)
    }

    /// Retrieves one record (or a single-valued navigation / property) by path, with `$select`
    /// and `$expand` from `query`.
    pub async fn retrieve<R: DeserializeOwned>(
        &self,
        path: &EntityPath,
        query: &Query,
        opts: &RequestOptions,
    ) -> Result<R> {
        let req = request(Method::GET, with_query(path.render(), query), opts);
        self.send(req).await?.json()
    }

    /// Retrieves a record only if its etag differs from `etag` (`If-None-Match: <etag>`).
    pub async fn retrieve_if_changed<R: DeserializeOwned>(
        &self,
        path: &EntityPath,
        query: &Query,
        etag: &ETag,
        opts: &RequestOptions,
    ) -> Result<Conditional<R>> {
        let mut req = request(Method::GET, with_query(path.render(), query), opts);
        let v = HeaderValue::from_str(etag.as_str())
            .map_err(|_| Error::InvalidArgument("etag is not a valid header value".into()))?;
        req.headers.insert(http::header::IF_NONE_MATCH, v);
        let resp = self.send(req).await?;
        if resp.status == StatusCode::NOT_MODIFIED {
            return Ok(Conditional::Unchanged);
        }
        resp.json().map(Conditional::Modified)
    }

    /// Queries an entity set (or any collection path given as `set`): one page.
    pub async fn query<R: DeserializeOwned>(
        &self,
        entity_set: &str,
        query: &Query,
        opts: &RequestOptions,
    ) -> Result<Page<R>> {
        self.query_path(&EntityPath::set(entity_set), query, opts)
            .await
    }

    /// Queries any collection path (e.g. a collection-valued navigation property): one page.
    pub async fn query_path<R: DeserializeOwned>(
        &self,
        path: &EntityPath,
        query: &Query,
        opts: &RequestOptions,
    ) -> Result<Page<R>> {
        let req = request(Method::GET, with_query(path.render(), query), opts);
        self.send(req).await?.json()
    }

    /// Fetches the page at a `@odata.nextLink` (must be on the service's origin). Send the same
    /// options as for the first page (`odata.maxpagesize` in particular).
    pub async fn next_page<R: DeserializeOwned>(
        &self,
        next_link: &str,
        opts: &RequestOptions,
    ) -> Result<Page<R>> {
        let req = request(Method::GET, next_link.to_owned(), opts);
        self.send(req).await?.json()
    }

    /// All pages of a query, following `@odata.nextLink`, as a stream.
    pub fn pages<R: DeserializeOwned + Send + 'static>(
        &self,
        entity_set: &str,
        query: &Query,
        opts: &RequestOptions,
    ) -> BoxStream<Result<Page<R>>> {
        let first = with_query(EntityPath::set(entity_set).render(), query);
        self.pages_from(first, opts.clone())
    }

    /// All pages starting at a relative URL (path and query) or an absolute link.
    pub fn pages_from<R: DeserializeOwned + Send + 'static>(
        &self,
        url: String,
        opts: RequestOptions,
    ) -> BoxStream<Result<Page<R>>> {
        let client = self.clone();
        Box::pin(futures_util::stream::unfold(Some(url), move |next| {
            let client = client.clone();
            let opts = opts.clone();
            async move {
                let url = next?;
                match client.next_page::<R>(&url, &opts).await {
                    Ok(page) => {
                        let following = page.next_link.clone();
                        Some((Ok(page), following))
                    }
                    Err(e) => Some((Err(e), None)),
                }
            }
        }))
    }

    /// All records of a query, page after page, as a stream.
    pub fn stream<R: DeserializeOwned + Send + 'static>(
        &self,
        entity_set: &str,
        query: &Query,
        opts: &RequestOptions,
    ) -> BoxStream<Result<R>> {
        use futures_util::StreamExt as _;
        Box::pin(self.pages::<R>(entity_set, query, opts).flat_map(|page| {
            let items: Vec<Result<R>> = match page {
                Ok(p) => p.value.into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            };
            futures_util::stream::iter(items)
        }))
    }

    /// All records of a query collected into a `Vec`.
    pub async fn query_all<R: DeserializeOwned + Send + 'static>(
        &self,
        entity_set: &str,
        query: &Query,
        opts: &RequestOptions,
    ) -> Result<Vec<R>> {
        use futures_util::TryStreamExt as _;
        self.stream(entity_set, query, opts).try_collect().await
    }

    /// Updates a record: `PATCH`, with `If-Match: *` unless `opts` sets another `If-Match`, so an
    /// update never creates a record (a missing record gives 404).
    pub async fn update<T: Serialize + ?Sized>(
        &self,
        path: &EntityPath,
        changes: &T,
        opts: &RequestOptions,
    ) -> Result<()> {
        self.patch(path, changes, opts, true).await.map(|_| ())
    }

    /// Like [`Client::update`] and returns the updated record (`Prefer: return=representation`).
    pub async fn update_returning<T: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        path: &EntityPath,
        changes: &T,
        opts: &RequestOptions,
    ) -> Result<R> {
        let opts = opts.clone().return_representation();
        self.patch(path, changes, &opts, true).await?.json()
    }

    /// Upsert: `PATCH` without `If-Match`, so the record is created when missing. Add
    /// [`RequestOptions::if_none_match_any`] for create-only (412 when it exists), or
    /// `if_match(ETagMatch::Any)` for update-only. Returns the id from `OData-EntityId` when sent.
    pub async fn upsert<T: Serialize + ?Sized>(
        &self,
        path: &EntityPath,
        record: &T,
        opts: &RequestOptions,
    ) -> Result<Option<EntityId>> {
        let resp = self.patch(path, record, opts, false).await?;
        Ok(EntityId::from_resp(&resp))
    }

    async fn patch<T: Serialize + ?Sized>(
        &self,
        path: &EntityPath,
        body: &T,
        opts: &RequestOptions,
        default_if_match: bool,
    ) -> Result<Resp> {
        let mut req = request(Method::PATCH, path.render(), opts).json_body(body)?;
        if default_if_match && opts.if_match.is_none() && !opts.if_none_match_any {
            req.headers
                .insert(http::header::IF_MATCH, HeaderValue::from_static("*"));
        }
        self.send(req).await
    }

    /// Deletes a record (set an etag with [`RequestOptions::if_match`] for optimistic concurrency).
    pub async fn delete(&self, path: &EntityPath, opts: &RequestOptions) -> Result<()> {
        self.send(request(Method::DELETE, path.render(), opts))
            .await
            .map(|_| ())
    }

    /// Sets one property: `PUT entity/prop` with `{"value": ...}`.
    pub async fn set_property<V: Serialize + ?Sized>(
        &self,
        entity: &EntityPath,
        property: &str,
        value: &V,
        opts: &RequestOptions,
    ) -> Result<()> {
        #[derive(Serialize)]
        struct Body<'a, V: ?Sized> {
            value: &'a V,
        }
        let path = entity.clone().property(property);
        let req = request(Method::PUT, path.render(), opts).json_body(&Body { value })?;
        self.send(req).await.map(|_| ())
    }

    /// Clears one property: `DELETE entity/prop`.
    pub async fn clear_property(
        &self,
        entity: &EntityPath,
        property: &str,
        opts: &RequestOptions,
    ) -> Result<()> {
        let path = entity.clone().property(property);
        self.send(request(Method::DELETE, path.render(), opts))
            .await
            .map(|_| ())
    }

    fn ref_body(&self, target: &EntityPath) -> serde_json::Value {
        serde_json::json!({ "@odata.id": format!("{}{}", self.service_root(), target.render()) })
    }

    /// Adds `target` to a collection-valued navigation property: `POST entity/nav/$ref` with
    /// `{"@odata.id": "<service root>target"}`.
    pub async fn associate(
        &self,
        entity: &EntityPath,
        navigation: &str,
        target: &EntityPath,
        opts: &RequestOptions,
    ) -> Result<()> {
        let path = entity.clone().nav(navigation).reference();
        let req = request(Method::POST, path.render(), opts).json_body(&self.ref_body(target))?;
        self.send(req).await.map(|_| ())
    }

    /// Sets a single-valued navigation property (a lookup): `PUT entity/nav/$ref`.
    pub async fn set_reference(
        &self,
        entity: &EntityPath,
        navigation: &str,
        target: &EntityPath,
        opts: &RequestOptions,
    ) -> Result<()> {
        let path = entity.clone().nav(navigation).reference();
        let req = request(Method::PUT, path.render(), opts).json_body(&self.ref_body(target))?;
        self.send(req).await.map(|_| ())
    }

    /// Removes one record from a collection-valued navigation property:
    /// `DELETE entity/nav(key)/$ref`.
    pub async fn disassociate(
        &self,
        entity: &EntityPath,
        navigation: &str,
        target_key: impl Into<EntityKey>,
        opts: &RequestOptions,
    ) -> Result<()> {
        let path = entity.clone().nav(navigation).key(target_key).reference();
        self.send(request(Method::DELETE, path.render(), opts))
            .await
            .map(|_| ())
    }

    /// Clears a single-valued navigation property (the way to clear a lookup):
    /// `DELETE entity/nav/$ref`.
    pub async fn clear_reference(
        &self,
        entity: &EntityPath,
        navigation: &str,
        opts: &RequestOptions,
    ) -> Result<()> {
        let path = entity.clone().nav(navigation).reference();
        self.send(request(Method::DELETE, path.render(), opts))
            .await
            .map(|_| ())
    }

    /// Invokes an action: `POST Name` (unbound, `EntityPath::unbound("WinOpportunity")`) or
    /// `POST set(id)/Microsoft.Dynamics.CRM.Name` (bound, via [`EntityPath::bound_operation`]).
    /// Returns `None` for 204 No Content.
    pub async fn invoke_action<B, R>(
        &self,
        action: &EntityPath,
        parameters: &B,
        opts: &RequestOptions,
    ) -> Result<Option<R>>
    where
        B: Serialize + ?Sized,
        R: DeserializeOwned,
    {
        let req = request(Method::POST, action.render(), opts).json_body(parameters)?;
        let resp = self.send(req).await?;
        if resp.status == StatusCode::NO_CONTENT || resp.body.is_empty() {
            return Ok(None);
        }
        resp.json().map(Some)
    }

    /// Invokes a function: `GET base/Name(P1=@p1,...)?@p1=<literal>...`. `base` is
    /// [`EntityPath::root`] for unbound functions; pass the full name
    /// (`Microsoft.Dynamics.CRM.Name`) for bound ones.
    pub async fn invoke_function<R: DeserializeOwned>(
        &self,
        base: &EntityPath,
        name: &str,
        parameters: &[(&str, Literal)],
        opts: &RequestOptions,
    ) -> Result<R> {
        let (call, q) = function_call(name, parameters);
        let mut url = if base.is_root() {
            call
        } else {
            format!("{}/{call}", base.render())
        };
        if !q.is_empty() {
            url.push('?');
            url.push_str(&q);
        }
        self.send(request(Method::GET, url, opts)).await?.json()
    }

    /// Any other request with a JSON answer: `method` on a path with a query and an optional body.
    pub async fn request_json<B: Serialize + ?Sized, R: DeserializeOwned>(
        &self,
        method: Method,
        path: &EntityPath,
        query: &Query,
        body: Option<&B>,
        opts: &RequestOptions,
    ) -> Result<Option<R>> {
        let mut req = request(method, with_query(path.render(), query), opts);
        if let Some(b) = body {
            req = req.json_body(b)?;
        }
        let resp = self.send(req).await?;
        if resp.body.is_empty() {
            return Ok(None);
        }
        resp.json().map(Some)
    }
}

/// `If-Match` helper: the etag of a record read earlier.
pub fn if_match(etag: &ETag) -> ETagMatch {
    ETagMatch::Tag(etag.clone())
}
