//! Reading: typed queries, pages, one record (conditional, tracked).

use super::*;

/// The typed query options of a request reading records of type `T`.
pub struct TypedQuery<T> {
    pub(super) query: Query,
    pub(super) filter: Option<Filter<T>>,
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
    pub(super) fn new() -> Self {
        TypedQuery {
            query: Query::new(),
            filter: None,
        }
    }

    pub(super) fn render(self) -> Query {
        match self.filter {
            Some(filter) => self.query.filter(filter.render()),
            None => self.query,
        }
    }

    pub(super) fn select(&mut self, properties: impl SelectList<T>) {
        let mut names = Vec::new();
        properties.select_names(&mut names);
        self.query = core::mem::take(&mut self.query).select(names);
    }

    pub(super) fn expand(&mut self, navigations: impl ExpandList<T>) {
        let mut items = Vec::new();
        navigations.expand_items(&mut items);
        for item in items {
            self.query = core::mem::take(&mut self.query).expand(item);
        }
    }

    pub(super) fn filter(&mut self, filter: Filter<T>) {
        self.filter = Some(match self.filter.take() {
            Some(previous) => previous.and(filter),
            None => filter,
        });
    }

    pub(super) fn orderby(&mut self, order: impl OrderList<T>) {
        let mut items = Vec::new();
        order.orderby_items(&mut items);
        for item in items {
            self.query = core::mem::take(&mut self.query).orderby(item);
        }
    }
}

/// `GET set?...`: one page of records of type `T`.
pub struct QueryRecords<T> {
    pub(super) path: EntityPath,
    pub(super) query: TypedQuery<T>,
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

pub(super) fn with_query(path: String, query: &Query) -> String {
    let rendered = query.render();
    if rendered.is_empty() {
        path
    } else {
        format!("{path}?{rendered}")
    }
}

/// `GET` the page after a page (its `@odata.nextLink`); `None` after the last page.
pub struct NextPage<T> {
    pub(super) next_link: Option<String>,
    pub(super) _type: PhantomData<fn() -> T>,
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
    pub(super) path: EntityPath,
    pub(super) query: TypedQuery<T>,
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
    pub(super) path: EntityPath,
    pub(super) query: TypedQuery<T>,
    pub(super) etag: ETag,
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
    pub(super) path: EntityPath,
    pub(super) query: TypedQuery<T>,
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
