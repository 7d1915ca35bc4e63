//! The answer of a batch: one part per request, matched to the requests.

use super::*;

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
pub(super) enum Slot {
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
    pub(super) slots: Vec<Slot>,
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
pub(super) fn resolve(items: &[Item], parts: &[BatchPart]) -> Vec<Slot> {
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
