//! Writing: create, update (of a tracked record too), upsert, returning the record, delete, one
//! property, and the `$ref` operations.

use super::*;

/// `PATCH` with only what changed in a [`Tracked`] record since it was read (`If-Match: *` unless
/// another condition is set); nothing else, not even annotations or formatted values.
pub struct UpdateChanges<'a, T> {
    pub(super) path: EntityPath,
    pub(super) tracked: &'a Tracked<T>,
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
    pub(super) path: EntityPath,
    pub(super) body: B,
    pub(super) _record: PhantomData<fn() -> R>,
}

impl<B, R> CreateRecord<B, R> {
    /// Creates a record in the entity set `set` (used by generated code).
    pub fn new(set: &'static str, body: B) -> Self {
        CreateRecord::at(EntityPath::set(set), body)
    }

    /// Creates a record in the collection at `path` (an entity set or a contained collection).
    pub fn at(path: EntityPath, body: B) -> Self {
        CreateRecord {
            path,
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
        Box::pin(async move { client.create_at(&self.path, &self.body, &options).await })
    }
}

/// `PATCH entity` with `body`, for an update (`If-Match: *` by default) or an upsert (no
/// `If-Match`) of a record read as `R`.
pub struct PatchRecord<B, R> {
    pub(super) path: EntityPath,
    pub(super) body: B,
    pub(super) _record: PhantomData<fn() -> R>,
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
    pub(super) patch: PatchRecord<B, R>,
    pub(super) update: bool,
    pub(super) query: TypedQuery<R>,
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
    pub(super) path: EntityPath,
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
    pub(super) path: EntityPath,
    pub(super) property: String,
    pub(super) value: Option<V>,
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
