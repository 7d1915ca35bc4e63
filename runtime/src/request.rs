//! Fluent requests: every call of a generated SDK returns a [`Request`], whose methods set its
//! query options (typed by the record type it reads) and its request options, and which is sent
//! by `.await` or [`Request::send`]. Generic, so it lives here and compiles once, not in every
//! generated SDK.
//!
//! ```ignore
//! let page = service
//!     .accounts()
//!     .query()
//!     .select((Account::NAME, Account::REVENUE))
//!     .filter(Account::NAME.startswith("Con").and(Account::REVENUE.gt(1000)))
//!     .orderby(Account::NAME.asc())
//!     .top(10)
//!     .include_annotations(Annotations::FormattedValues)
//!     .await?;
//! ```

use std::marker::PhantomData;

use futures_util::{StreamExt as _, TryStreamExt as _};

use crate::typed::{ExpandList, Filter, OrderList, SelectList};
use http::Method;

use crate::{
    Annotations, BoxFuture, BoxStream, Client, Conditional, Created, ETag, ETagMatch, EntityId,
    EntityPath, Error, Impersonation, Literal, Page, Query, RequestOptions, Result, Tracked,
};

/// What a [`Request`] does when it is sent.
pub trait Operation<'a>: Send + 'a {
    /// What the request gives back.
    type Output: 'a;

    /// Sends the request with `options`.
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<Self::Output>>;
}

/// A request ready to send: `.await` it or call [`Request::send`]. Its request options are set
/// with the methods below; query requests also take typed `$select`, `$filter`, `$orderby`,
/// `$expand`, `$top` and `$count`.
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Request<'a, Op> {
    pub(crate) client: Client,
    pub(crate) operation: Op,
    pub(crate) options: RequestOptions,
    pub(crate) _borrow: PhantomData<&'a ()>,
}

impl<'a, Op: Operation<'a>> Request<'a, Op> {
    /// A request that performs `operation` through `client` (used by generated code).
    pub fn new(client: Client, operation: Op) -> Self {
        Request {
            client,
            operation,
            options: RequestOptions::new(),
            _borrow: PhantomData,
        }
    }

    /// The same request (client and options) doing what `change` makes of its operation.
    fn map_operation<Op2: Operation<'a>>(self, change: impl FnOnce(Op) -> Op2) -> Request<'a, Op2> {
        Request {
            client: self.client,
            operation: change(self.operation),
            options: self.options,
            _borrow: PhantomData,
        }
    }

    /// Sends the request (the same as `.await`).
    pub fn send(self) -> BoxFuture<'a, Result<Op::Output>> {
        self.operation.send(self.client, self.options)
    }

    /// Replaces every request option at once.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// `Prefer: return=representation`: create and update answer with the record.
    pub fn return_representation(mut self) -> Self {
        self.options = self.options.return_representation();
        self
    }

    /// `Prefer: odata.include-annotations="..."` (formatted values, lookup names...).
    pub fn include_annotations(mut self, annotations: Annotations) -> Self {
        self.options = self.options.include_annotations(annotations);
        self
    }

    /// `Prefer: odata.maxpagesize=n`: the page size of a query.
    pub fn max_page_size(mut self, n: u32) -> Self {
        self.options = self.options.max_page_size(n);
        self
    }

    /// Runs the request as another user (`MSCRMCallerID` or `CallerObjectId`).
    pub fn impersonate(mut self, who: Impersonation) -> Self {
        self.options = self.options.impersonate(who);
        self
    }

    /// `If-Match`: only if the record still has this etag (optimistic concurrency).
    pub fn if_match(mut self, condition: ETagMatch) -> Self {
        self.options = self.options.if_match(condition);
        self
    }

    /// `If-None-Match: *`: an upsert that only creates.
    pub fn if_none_match_any(mut self) -> Self {
        self.options = self.options.if_none_match_any();
        self
    }

    /// Duplicate detection for this create or update: `true` sends
    /// `MSCRM.SuppressDuplicateDetection: false` (the Web API does not detect duplicates unless
    /// asked), `false` sends `true`. A matched rule answers an error for which
    /// `Error::is_duplicate_rule_match` is true.
    pub fn duplicate_detection(mut self, detect: bool) -> Self {
        self.options = self.options.duplicate_detection(detect);
        self
    }

    /// `MSCRM.BypassCustomPluginExecution: true`.
    pub fn bypass_custom_plugins(mut self) -> Self {
        self.options = self.options.bypass_custom_plugins();
        self
    }

    /// Retries this POST/PATCH after transport errors too (only when repeating it is harmless).
    pub fn retry_non_idempotent(mut self) -> Self {
        self.options = self.options.retry_non_idempotent();
        self
    }

    /// Any other header (e.g. `MSCRM.SolutionUniqueName`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options = self.options.header(name, value);
        self
    }
}

impl<'a, Op: Operation<'a>> core::future::IntoFuture for Request<'a, Op> {
    type Output = Result<Op::Output>;
    type IntoFuture = BoxFuture<'a, Result<Op::Output>>;

    fn into_future(self) -> Self::IntoFuture {
        self.send()
    }
}

impl<Op: Clone> Clone for Request<'_, Op> {
    fn clone(&self) -> Self {
        Request {
            client: self.client.clone(),
            operation: self.operation.clone(),
            options: self.options.clone(),
            _borrow: PhantomData,
        }
    }
}

impl<Op> core::fmt::Debug for Request<'_, Op> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Request")
            .field("options", &self.options)
            .finish()
    }
}

/// The typed query options of a request reading records of type `T`.
pub struct TypedQuery<T> {
    query: Query,
    filter: Option<Filter<T>>,
}

impl<T> Clone for TypedQuery<T> {
    fn clone(&self) -> Self {
        TypedQuery {
            query: self.query.clone(),
            filter: self.filter.clone(),
        }
    }
}

impl<T> TypedQuery<T> {
    fn new() -> Self {
        TypedQuery {
            query: Query::new(),
            filter: None,
        }
    }

    fn render(self) -> Query {
        match self.filter {
            Some(filter) => self.query.filter(filter.render()),
            None => self.query,
        }
    }

    fn select(&mut self, properties: impl SelectList<T>) {
        let mut names = Vec::new();
        properties.select_names(&mut names);
        self.query = core::mem::take(&mut self.query).select(names);
    }

    fn expand(&mut self, navigations: impl ExpandList<T>) {
        let mut items = Vec::new();
        navigations.expand_items(&mut items);
        for item in items {
            self.query = core::mem::take(&mut self.query).expand(item);
        }
    }

    fn filter(&mut self, filter: Filter<T>) {
        self.filter = Some(match self.filter.take() {
            Some(previous) => previous.and(filter),
            None => filter,
        });
    }

    fn orderby(&mut self, order: impl OrderList<T>) {
        let mut items = Vec::new();
        order.orderby_items(&mut items);
        for item in items {
            self.query = core::mem::take(&mut self.query).orderby(item);
        }
    }
}

/// `GET set?...`: one page of records of type `T`.
pub struct QueryRecords<T> {
    path: EntityPath,
    query: TypedQuery<T>,
}

impl<T> Clone for QueryRecords<T> {
    fn clone(&self) -> Self {
        QueryRecords {
            path: self.path.clone(),
            query: self.query.clone(),
        }
    }
}

impl<T> QueryRecords<T> {
    /// The query of the collection at `path` (used by generated code).
    pub fn new(path: EntityPath) -> Self {
        QueryRecords {
            path,
            query: TypedQuery::new(),
        }
    }
}

impl<'a, T> Operation<'a> for QueryRecords<T>
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    type Output = Page<T>;
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<Page<T>>> {
        let query = self.query.render();
        Box::pin(async move { client.query_path(&self.path, &query, &options).await })
    }
}

impl<'a, T> Request<'a, QueryRecords<T>>
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    /// `$select`: only these properties of `T` (one, a tuple or an array); the record comes back
    /// with only them set.
    pub fn select(mut self, properties: impl SelectList<T>) -> Self {
        self.operation.query.select(properties);
        self
    }

    /// `$filter`: a typed expression over `T`; a second call combines with `and`.
    pub fn filter(mut self, filter: Filter<T>) -> Self {
        self.operation.query.filter(filter);
        self
    }

    /// `$orderby`: `Type::PROPERTY.asc()` / `.desc()` (one or a tuple).
    pub fn orderby(mut self, order: impl OrderList<T>) -> Self {
        self.operation.query.orderby(order);
        self
    }

    /// `$expand`: navigation properties of `T` (a constant, or `.expand()` on it for nested
    /// options).
    pub fn expand(mut self, navigations: impl ExpandList<T>) -> Self {
        self.operation.query.expand(navigations);
        self
    }

    /// `$top`.
    pub fn top(mut self, n: u32) -> Self {
        self.operation.query.query = core::mem::take(&mut self.operation.query.query).top(n);
        self
    }

    /// `$skip` (not supported by Dataverse on entity sets; for other OData services).
    pub fn skip(mut self, n: u32) -> Self {
        self.operation.query.query = core::mem::take(&mut self.operation.query.query).skip(n);
        self
    }

    /// `$count=true`: the page's `count` holds the number of matching records.
    pub fn count(mut self) -> Self {
        self.operation.query.query = core::mem::take(&mut self.operation.query.query).count();
        self
    }

    /// The escape hatch: edits the untyped query for what the typed builder lacks (a custom
    /// parameter such as `fetchXml`, `$apply`...).
    pub fn raw(mut self, edit: impl FnOnce(Query) -> Query) -> Self {
        let query = core::mem::take(&mut self.operation.query.query);
        self.operation.query.query = edit(query);
        self
    }

    /// The query string this request sends (without `?`).
    pub fn query_string(&self) -> String {
        self.operation.query.clone().render().render()
    }

    /// The path and query string this request sends (relative to the service root).
    pub fn relative_url(&self) -> String {
        with_query(
            self.operation.path.render(),
            &self.operation.query.clone().render(),
        )
    }

    /// Every page, following `@odata.nextLink`, as a stream.
    pub fn pages(self) -> BoxStream<Result<Page<T>>> {
        let query = self.operation.query.render();
        let first = with_query(self.operation.path.render(), &query);
        self.client.pages_from(first, self.options)
    }

    /// Every record of every page, as a stream.
    pub fn stream(self) -> BoxStream<Result<T>> {
        Box::pin(self.pages().flat_map(|page| {
            let items: Vec<Result<T>> = match page {
                Ok(page) => page.value.into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            };
            futures_util::stream::iter(items)
        }))
    }

    /// Every record of every page, collected.
    pub fn all(self) -> BoxFuture<'a, Result<Vec<T>>> {
        Box::pin(self.stream().try_collect())
    }
}

fn with_query(path: String, query: &Query) -> String {
    let rendered = query.render();
    if rendered.is_empty() {
        path
    } else {
        format!("{path}?{rendered}")
    }
}

/// `GET` the page after a page (its `@odata.nextLink`); `None` after the last page.
pub struct NextPage<T> {
    next_link: Option<String>,
    _type: PhantomData<fn() -> T>,
}

impl<T> NextPage<T> {
    /// The page after `page` (used by generated code).
    pub fn new(page: &Page<T>) -> Self {
        NextPage {
            next_link: page.next_link.clone(),
            _type: PhantomData,
        }
    }
}

impl<'a, T> Operation<'a> for NextPage<T>
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    type Output = Option<Page<T>>;
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<Self::Output>> {
        Box::pin(async move {
            match self.next_link {
                Some(link) => client.next_page(&link, &options).await.map(Some),
                None => Ok(None),
            }
        })
    }
}

/// `GET entity?$select=...&$expand=...`: one record.
pub struct GetRecord<T> {
    path: EntityPath,
    query: TypedQuery<T>,
}

impl<T> Clone for GetRecord<T> {
    fn clone(&self) -> Self {
        GetRecord {
            path: self.path.clone(),
            query: self.query.clone(),
        }
    }
}

impl<T> GetRecord<T> {
    /// The record at `path` (used by generated code).
    pub fn new(path: EntityPath) -> Self {
        GetRecord {
            path,
            query: TypedQuery::new(),
        }
    }
}

impl<'a, T> Operation<'a> for GetRecord<T>
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    type Output = T;
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<T>> {
        let query = self.query.render();
        Box::pin(async move { client.retrieve(&self.path, &query, &options).await })
    }
}

impl<'a, T> Request<'a, GetRecord<T>>
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    /// `$select`: only these properties of `T`.
    pub fn select(mut self, properties: impl SelectList<T>) -> Self {
        self.operation.query.select(properties);
        self
    }

    /// `$expand`: navigation properties of `T`, with nested options.
    pub fn expand(mut self, navigations: impl ExpandList<T>) -> Self {
        self.operation.query.expand(navigations);
        self
    }

    /// The path and query string this request sends (relative to the service root).
    pub fn relative_url(&self) -> String {
        with_query(
            self.operation.path.render(),
            &self.operation.query.clone().render(),
        )
    }

    /// `If-None-Match: <etag>`: the record only if it changed since it had `etag`; a 304 Not
    /// Modified answer is [`Conditional::Unchanged`].
    pub fn if_changed(self, etag: ETag) -> Request<'a, GetIfChanged<T>> {
        self.map_operation(|GetRecord { path, query }| GetIfChanged { path, query, etag })
    }

    /// The record together with the JSON it was read from ([`Tracked`]), to change and send
    /// back with `update_changes`: only what changed is sent.
    pub fn tracked(self) -> Request<'a, GetTracked<T>> {
        self.map_operation(|GetRecord { path, query }| GetTracked { path, query })
    }
}

/// `GET` with `If-None-Match`: the record, or unchanged (304).
pub struct GetIfChanged<T> {
    path: EntityPath,
    query: TypedQuery<T>,
    etag: ETag,
}

impl<'a, T> Operation<'a> for GetIfChanged<T>
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    type Output = Conditional<T>;
    fn send(
        self,
        client: Client,
        options: RequestOptions,
    ) -> BoxFuture<'a, Result<Conditional<T>>> {
        let query = self.query.render();
        Box::pin(async move {
            client
                .retrieve_if_changed(&self.path, &query, &self.etag, &options)
                .await
        })
    }
}

/// `GET` of a record kept with the JSON it was read from.
pub struct GetTracked<T> {
    path: EntityPath,
    query: TypedQuery<T>,
}

impl<'a, T> Operation<'a> for GetTracked<T>
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    type Output = Tracked<T>;
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<Tracked<T>>> {
        let query = self.query.render();
        Box::pin(async move { client.retrieve(&self.path, &query, &options).await })
    }
}

/// `PATCH` with only what changed in a [`Tracked`] record since it was read (`If-Match: *` unless
/// another condition is set); nothing else, not even annotations or formatted values.
pub struct UpdateChanges<'a, T> {
    path: EntityPath,
    tracked: &'a Tracked<T>,
}

impl<'a, T> UpdateChanges<'a, T> {
    /// Updates the record at `path` with the changes of `tracked` (used by generated code).
    pub fn new(path: EntityPath, tracked: &'a Tracked<T>) -> Self {
        UpdateChanges { path, tracked }
    }
}

impl<'a, T> Operation<'a> for UpdateChanges<'a, T>
where
    T: serde::Serialize + Send + Sync + 'a,
{
    type Output = ();
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let changes = self.tracked.changes()?;
            client.update(&self.path, &changes, &options).await
        })
    }
}

/// `POST set`: creates a record from `body` (the record as written: generated SDKs pass it
/// without its read-only properties); the answer is read as `R`.
pub struct CreateRecord<B, R> {
    set: &'static str,
    body: B,
    _record: PhantomData<fn() -> R>,
}

impl<B, R> CreateRecord<B, R> {
    /// Creates a record in the entity set `set` (used by generated code).
    pub fn new(set: &'static str, body: B) -> Self {
        CreateRecord {
            set,
            body,
            _record: PhantomData,
        }
    }
}

impl<'a, B, R> Operation<'a> for CreateRecord<B, R>
where
    B: serde::Serialize + Send + Sync + 'a,
    R: serde::de::DeserializeOwned + Send + 'a,
{
    type Output = Created<R>;
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<Created<R>>> {
        Box::pin(async move { client.create(self.set, &self.body, &options).await })
    }
}

/// `PATCH entity` with `body`, for an update (`If-Match: *` by default) or an upsert (no
/// `If-Match`) of a record read as `R`.
pub struct PatchRecord<B, R> {
    path: EntityPath,
    body: B,
    _record: PhantomData<fn() -> R>,
}

impl<B, R> PatchRecord<B, R> {
    /// Patches the record at `path` with `body` (used by generated code).
    pub fn new(path: EntityPath, body: B) -> Self {
        PatchRecord {
            path,
            body,
            _record: PhantomData,
        }
    }
}

impl<B: Clone, R> Clone for PatchRecord<B, R> {
    fn clone(&self) -> Self {
        PatchRecord::new(self.path.clone(), self.body.clone())
    }
}

/// An update: `PATCH` with `If-Match: *` unless another condition is set, so it never creates.
pub struct UpdateRecord<B, R>(pub PatchRecord<B, R>);

impl<'a, B, R: 'a> Operation<'a> for UpdateRecord<B, R>
where
    B: serde::Serialize + Send + Sync + 'a,
{
    type Output = ();
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<()>> {
        let PatchRecord { path, body, .. } = self.0;
        Box::pin(async move { client.update(&path, &body, &options).await })
    }
}

/// An upsert: `PATCH` without `If-Match`, creating the record when it is missing.
pub struct UpsertRecord<B, R>(pub PatchRecord<B, R>);

impl<'a, B, R: 'a> Operation<'a> for UpsertRecord<B, R>
where
    B: serde::Serialize + Send + Sync + 'a,
{
    type Output = Option<EntityId>;
    fn send(
        self,
        client: Client,
        options: RequestOptions,
    ) -> BoxFuture<'a, Result<Option<EntityId>>> {
        let PatchRecord { path, body, .. } = self.0;
        Box::pin(async move { client.upsert(&path, &body, &options).await })
    }
}

impl<'a, B, R> Request<'a, UpdateRecord<B, R>>
where
    B: serde::Serialize + Send + Sync + 'a,
    R: serde::de::DeserializeOwned + Send + 'a,
{
    /// `Prefer: return=representation`: the service answers 200 with the updated record, which
    /// this request returns.
    pub fn returning(self) -> Request<'a, Returning<B, R>> {
        self.map_operation(|UpdateRecord(patch)| Returning {
            patch,
            update: true,
            query: TypedQuery::new(),
        })
    }
}

impl<'a, B, R> Request<'a, UpsertRecord<B, R>>
where
    B: serde::Serialize + Send + Sync + 'a,
    R: serde::de::DeserializeOwned + Send + 'a,
{
    /// `Prefer: return=representation`: the service answers with the record (201 created, 200
    /// updated), which this request returns.
    pub fn returning(self) -> Request<'a, Returning<B, R>> {
        self.map_operation(|UpsertRecord(patch)| Returning {
            patch,
            update: false,
            query: TypedQuery::new(),
        })
    }
}

/// An update or upsert that returns the record (`Prefer: return=representation`).
pub struct Returning<B, R> {
    patch: PatchRecord<B, R>,
    update: bool,
    query: TypedQuery<R>,
}

impl<'a, B, R> Request<'a, Returning<B, R>>
where
    B: serde::Serialize + Send + Sync + 'a,
    R: serde::de::DeserializeOwned + Send + 'a,
{
    /// `$select`: the returned record carries only these properties (`PATCH entity?$select=..`).
    pub fn select(mut self, properties: impl SelectList<R>) -> Self {
        self.operation.query.select(properties);
        self
    }
}

impl<'a, B, R> Operation<'a> for Returning<B, R>
where
    B: serde::Serialize + Send + Sync + 'a,
    R: serde::de::DeserializeOwned + Send + 'a,
{
    type Output = R;
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<R>> {
        let PatchRecord { path, body, .. } = self.patch;
        let query = self.query.render();
        let mut options = options.return_representation();
        // An update never creates: `If-Match: *` unless another condition was set.
        if self.update && options.if_match.is_none() && !options.if_none_match_any {
            options = options.if_match(ETagMatch::Any);
        }
        let operation = if self.update { "update" } else { "upsert" };
        Box::pin(async move {
            client
                .request_json::<B, R>(Method::PATCH, &path, &query, Some(&body), &options)
                .await?
                .ok_or_else(|| no_content(operation))
        })
    }
}

/// `DELETE entity`.
pub struct DeleteRecord {
    path: EntityPath,
}

impl DeleteRecord {
    /// Deletes the record at `path` (used by generated code).
    pub fn new(path: EntityPath) -> Self {
        DeleteRecord { path }
    }
}

impl<'a> Operation<'a> for DeleteRecord {
    type Output = ();
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move { client.delete(&self.path, &options).await })
    }
}

/// `PUT entity/property` with `{"value": ...}`, or `DELETE entity/property` to clear it.
pub struct SetProperty<V> {
    path: EntityPath,
    property: String,
    value: Option<V>,
}

impl<V> SetProperty<V> {
    /// Sets (`Some`) or clears (`None`) one property (used by the entity handle).
    pub fn new(path: EntityPath, property: String, value: Option<V>) -> Self {
        SetProperty {
            path,
            property,
            value,
        }
    }
}

impl<'a, V> Operation<'a> for SetProperty<V>
where
    V: serde::Serialize + Send + Sync + 'a,
{
    type Output = ();
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            match &self.value {
                Some(value) => {
                    client
                        .set_property(&self.path, &self.property, value, &options)
                        .await
                }
                None => {
                    client
                        .clear_property(&self.path, &self.property, &options)
                        .await
                }
            }
        })
    }
}

/// The `$ref` operations: associate, disassociate, set and clear a lookup.
pub enum Reference {
    /// `POST entity/nav/$ref` with the target's `@odata.id`.
    Associate {
        /// The source entity.
        path: EntityPath,
        /// The collection-valued navigation property.
        navigation: &'static str,
        /// The target entity.
        target: EntityPath,
    },
    /// `DELETE entity/nav(key)/$ref`.
    Disassociate {
        /// The source entity.
        path: EntityPath,
        /// The collection-valued navigation property.
        navigation: &'static str,
        /// The target's key.
        key: crate::EntityKey,
    },
    /// `PUT entity/lookup/$ref` with the target's `@odata.id`.
    SetLookup {
        /// The source entity.
        path: EntityPath,
        /// The single-valued navigation property.
        navigation: &'static str,
        /// The target entity.
        target: EntityPath,
    },
    /// `DELETE entity/lookup/$ref`.
    ClearLookup {
        /// The source entity.
        path: EntityPath,
        /// The single-valued navigation property.
        navigation: &'static str,
    },
}

impl<'a> Operation<'a> for Reference {
    type Output = ();
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            match self {
                Reference::Associate {
                    path,
                    navigation,
                    target,
                } => client.associate(&path, navigation, &target, &options).await,
                Reference::Disassociate {
                    path,
                    navigation,
                    key,
                } => client.disassociate(&path, navigation, key, &options).await,
                Reference::SetLookup {
                    path,
                    navigation,
                    target,
                } => {
                    client
                        .set_reference(&path, navigation, &target, &options)
                        .await
                }
                Reference::ClearLookup { path, navigation } => {
                    client.clear_reference(&path, navigation, &options).await
                }
            }
        })
    }
}

/// How the answer of an action or function becomes its result.
pub trait Decode<Output>: Send + 'static {
    /// What the body is read as.
    type Wire: serde::de::DeserializeOwned + Send;
    /// The result from the body (`None`: 204 No Content).
    fn decode(wire: Option<Self::Wire>, operation: &'static str) -> Result<Output>;
}

/// No result: the body, if any, is ignored.
pub struct NoResult;

impl Decode<()> for NoResult {
    type Wire = serde::de::IgnoredAny;
    fn decode(_: Option<Self::Wire>, _: &'static str) -> Result<()> {
        Ok(())
    }
}

/// An entity or complex result: the body is the value.
pub struct AsBody;

impl<T: serde::de::DeserializeOwned + Send + 'static> Decode<T> for AsBody {
    type Wire = T;
    fn decode(wire: Option<T>, operation: &'static str) -> Result<T> {
        wire.ok_or_else(|| no_content(operation))
    }
}

/// A primitive or collection result: the body is `{"value": ...}`.
pub struct InValue;

impl<T: serde::de::DeserializeOwned + Send + 'static> Decode<T> for InValue {
    type Wire = ValueOf<T>;
    fn decode(wire: Option<Self::Wire>, operation: &'static str) -> Result<T> {
        wire.map(|v| v.0).ok_or_else(|| no_content(operation))
    }
}

/// The body of an action without parameters: `{}`.
#[derive(Debug, Clone, Copy)]
pub struct NoParameters;

impl serde::Serialize for NoParameters {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> core::result::Result<S::Ok, S::Error> {
        serde::ser::SerializeMap::end(serializer.serialize_map(Some(0))?)
    }
}

/// `POST .../Name` with the parameters as the JSON body.
pub struct CallAction<'a, B: ?Sized, Output, D> {
    pub(crate) path: EntityPath,
    pub(crate) name: &'static str,
    pub(crate) parameters: &'a B,
    _result: PhantomData<fn() -> (Output, D)>,
}

impl<'a, B: ?Sized, Output, D> CallAction<'a, B, Output, D> {
    /// Calls the action at `path` (`Name` unbound, `entity/Namespace.Name` bound) with
    /// `parameters` (used by generated code; `name` is the qualified name for errors).
    pub fn new(path: EntityPath, name: &'static str, parameters: &'a B) -> Self {
        CallAction {
            path,
            name,
            parameters,
            _result: PhantomData,
        }
    }
}

impl<'a, B, Output, D> Operation<'a> for CallAction<'a, B, Output, D>
where
    B: serde::Serialize + Sync + ?Sized + 'a,
    Output: Send + 'a,
    D: Decode<Output>,
{
    type Output = Output;
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<Output>> {
        Box::pin(async move {
            let wire = client
                .invoke_action::<B, D::Wire>(&self.path, self.parameters, &options)
                .await?;
            D::decode(wire, self.name)
        })
    }
}

/// `GET .../Name(P=@p1)?@p1=...`: a function, its parameters as aliased URL literals.
pub struct CallFunction<Output, D> {
    base: EntityPath,
    name: &'static str,
    parameters: Result<Vec<(&'static str, Literal)>>,
    _result: PhantomData<fn() -> (Output, D)>,
}

impl<Output, D> CallFunction<Output, D> {
    /// Calls the function `name` (import name unbound, qualified name bound) on `base` with
    /// `parameters` (used by generated code).
    pub fn new(
        base: EntityPath,
        name: &'static str,
        parameters: Result<Vec<(&'static str, Literal)>>,
    ) -> Self {
        CallFunction {
            base,
            name,
            parameters,
            _result: PhantomData,
        }
    }
}

impl<'a, Output, D> Operation<'a> for CallFunction<Output, D>
where
    Output: Send + 'a,
    D: Decode<Output>,
{
    type Output = Output;
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<Output>> {
        Box::pin(async move {
            let parameters = self.parameters?;
            let wire = client
                .invoke_function::<D::Wire>(&self.base, self.name, &parameters, &options)
                .await?;
            D::decode(Some(wire), self.name)
        })
    }
}

/// The `{"value": ...}` wrapper of primitive and collection results.
#[derive(Debug, Clone)]
pub struct ValueOf<T>(pub T);

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for ValueOf<T> {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> core::result::Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Wrapper<T> {
            value: T,
        }
        Wrapper::<T>::deserialize(deserializer).map(|w| ValueOf(w.value))
    }
}

/// The error for an operation that declares a result but answered 204 No Content.
pub fn no_content(operation: &str) -> Error {
    Error::Protocol {
        status: 204,
        message: format!("{operation} declares a result but the service returned none"),
    }
}
