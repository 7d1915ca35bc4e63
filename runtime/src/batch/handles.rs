//! Typed handles of the requests of a batch, and the batch as a request.

use super::*;

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
    pub(super) name: &'static str,
    pub(super) _result: PhantomData<fn() -> (Output, D)>,
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
    pub(super) index: usize,
    pub(super) kind: K,
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
    pub(super) part: Part<K>,
    pub(super) content_id: ContentId,
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
    pub(super) batch: Result<Batch>,
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
