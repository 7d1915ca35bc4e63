//! Change tracking through the Web API ("Use change tracking to synchronize data with external
//! systems"): read a table once with `Prefer: odata.track-changes` and keep the
//! `@odata.deltaLink` it answers with; later, `GET` that delta link for what changed since
//! (new and updated records, and deletions), together with the next delta link.
//!
//! ```ignore
//! // First synchronization: every record, and the link to ask for changes later.
//! let snapshot = service
//!     .accounts()
//!     .track_changes((Account::NAME, Account::TELEPHONE1))
//!     .await?;
//! store(&snapshot.records);
//! save(&serde_json::to_string(&snapshot.delta_link)?);
//!
//! // Later: what changed since.
//! let delta = service.accounts().changes_since(&link).await?;
//! for change in &delta.changes {
//!     match change {
//!         DeltaChange::NewOrUpdated(account) => upsert(account),
//!         DeltaChange::Deleted(deleted) => remove(deleted.guid()),
//!     }
//! }
//! save(&serde_json::to_string(&delta.delta_link)?);
//! ```
//!
//! The table must have change tracking enabled. `$filter`, `$orderby`, `$expand` and `$top`
//! are not supported with change tracking, so the request takes only a `$select`.

use std::marker::PhantomData;

use http::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::value::RawValue;
use uuid::Uuid;

use crate::client::Req;
use crate::request::Operation;
use crate::typed::SelectList;
use crate::{BoxFuture, Client, EntityPath, Error, Query, RequestOptions, Result};

/// The preference that asks for a delta link.
pub const TRACK_CHANGES: &str = "odata.track-changes";

/// A `@odata.deltaLink`: the URL that gives the changes since the request that returned it.
/// Opaque; (de)serializes as the URL string so it can be stored between synchronizations.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeltaLink(String);

impl DeltaLink {
    /// A delta link read back from storage (absolute, on the service's origin, or relative to
    /// the service root).
    pub fn new(url: impl Into<String>) -> Self {
        DeltaLink(url.into())
    }

    /// The URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL, owned.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The `$deltatoken` query parameter as it is in the URL (still percent-encoded), if any.
    pub fn delta_token(&self) -> Option<&str> {
        let query = self.0.split_once('?')?.1;
        let query = query.split('#').next().unwrap_or(query);
        query.split('&').find_map(|pair| {
            pair.strip_prefix("$deltatoken=")
                .or_else(|| pair.strip_prefix("%24deltatoken="))
        })
    }
}

impl core::fmt::Display for DeltaLink {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A `$select` of every column (no `$select` at all), for
/// [`TrackChanges::new`] when the whole record is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AllColumns;

impl<O> SelectList<O> for AllColumns {
    fn select_names(self, _out: &mut Vec<String>) {}
}

/// `GET <set>?$select=...` with `Prefer: odata.track-changes`: every record of the set (all
/// pages, following `@odata.nextLink`) and the delta link for the changes after it.
pub struct TrackChanges<T> {
    path: EntityPath,
    select: Vec<String>,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for TrackChanges<T> {
    fn clone(&self) -> Self {
        TrackChanges {
            path: self.path.clone(),
            select: self.select.clone(),
            _type: PhantomData,
        }
    }
}

impl<T> core::fmt::Debug for TrackChanges<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TrackChanges")
            .field("url", &self.relative_url())
            .finish()
    }
}

impl<T> TrackChanges<T> {
    /// Tracks the changes of the collection at `path`, reading the properties in `select`
    /// ([`AllColumns`] for every property) (used by generated code).
    pub fn new(path: EntityPath, select: impl SelectList<T>) -> Self {
        let mut names = Vec::new();
        select.select_names(&mut names);
        TrackChanges {
            path,
            select: names,
            _type: PhantomData,
        }
    }

    /// The path and query string of the first request (relative to the service root).
    pub fn relative_url(&self) -> String {
        let query = Query::new().select(self.select.iter().map(String::as_str));
        let rendered = query.render();
        if rendered.is_empty() {
            self.path.render()
        } else {
            format!("{}?{rendered}", self.path.render())
        }
    }
}

impl<'a, T> Operation<'a> for TrackChanges<T>
where
    T: DeserializeOwned + Send + 'static,
{
    type Output = Snapshot<T>;

    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<Snapshot<T>>> {
        Box::pin(async move {
            let mut url = self.relative_url();
            let mut records = Vec::new();
            loop {
                let wire: Wire<T> = get(&client, url, &options, &[TRACK_CHANGES]).await?;
                records.extend(wire.value);
                if let Some(next) = wire.next_link {
                    url = next;
                    continue;
                }
                let delta_link = wire.delta_link.ok_or_else(|| Error::Protocol {
                    status: 200,
                    message: format!(
                        "no @odata.deltaLink in the answer to Prefer: {TRACK_CHANGES} \
                         (is change tracking enabled for {}?)",
                        self.path.render()
                    ),
                })?;
                return Ok(Snapshot {
                    records,
                    delta_link: DeltaLink(delta_link),
                });
            }
        })
    }
}

/// What a change-tracking query gave: every record, and the link to the changes after them.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Snapshot<T> {
    /// Every record of the set (all pages).
    pub records: Vec<T>,
    /// The `@odata.deltaLink` of the last page: keep it for [`ChangesSince`].
    pub delta_link: DeltaLink,
}

/// `GET <delta link>`: the changes since the request that returned the delta link (all pages,
/// following `@odata.nextLink`), and the delta link for the changes after them.
pub struct ChangesSince<T> {
    link: DeltaLink,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for ChangesSince<T> {
    fn clone(&self) -> Self {
        ChangesSince {
            link: self.link.clone(),
            _type: PhantomData,
        }
    }
}

impl<T> core::fmt::Debug for ChangesSince<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("ChangesSince")
            .field("link", &self.link.0)
            .finish()
    }
}

impl<T> ChangesSince<T> {
    /// The changes since `link` was returned (used by generated code).
    pub fn new(link: DeltaLink) -> Self {
        ChangesSince {
            link,
            _type: PhantomData,
        }
    }
}

impl<'a, T> Operation<'a> for ChangesSince<T>
where
    T: DeserializeOwned + Send + 'static,
{
    type Output = Delta<T>;

    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<Delta<T>>> {
        Box::pin(async move {
            let mut url = self.link.0.clone();
            let mut changes = Vec::new();
            loop {
                let wire: Wire<DeltaChange<T>> = get(&client, url, &options, &[]).await?;
                changes.extend(wire.value);
                if let Some(next) = wire.next_link {
                    url = next;
                    continue;
                }
                // No new delta link (nothing changed): the old one still gives what changes next.
                let delta_link = wire.delta_link.map_or(self.link, DeltaLink);
                return Ok(Delta {
                    changes,
                    delta_link,
                });
            }
        })
    }
}

/// The changes since a delta link.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Delta<T> {
    /// New and updated records, then deletions, in the service's order.
    pub changes: Vec<DeltaChange<T>>,
    /// The delta link for the changes after these: keep it for the next synchronization.
    pub delta_link: DeltaLink,
}

impl<T> Delta<T> {
    /// The new and updated records.
    pub fn new_or_updated(&self) -> impl Iterator<Item = &T> {
        self.changes.iter().filter_map(|c| match c {
            DeltaChange::NewOrUpdated(record) => Some(record),
            DeltaChange::Deleted(_) => None,
        })
    }

    /// The deletions.
    pub fn deleted(&self) -> impl Iterator<Item = &DeletedRecord> {
        self.changes.iter().filter_map(|c| match c {
            DeltaChange::Deleted(deleted) => Some(deleted),
            DeltaChange::NewOrUpdated(_) => None,
        })
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }
}

/// One entry of a delta response.
#[derive(Debug, Clone, PartialEq)]
pub enum DeltaChange<T> {
    /// A record created or updated since the delta link (with the selected properties).
    NewOrUpdated(T),
    /// A record deleted (or no longer in the set) since the delta link.
    Deleted(DeletedRecord),
}

/// A deleted entity of a delta response:
/// `{"@odata.context": "...#accounts/$deletedEntity", "id": "<guid>", "reason": "deleted"}`
/// (OData 4.0), or `{"@removed": {"reason": "deleted"}, "@id": "..."}` (OData 4.01).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletedRecord {
    /// The `id` as the service sent it: a Guid for Dataverse tables, an entity id URL for
    /// other OData services.
    pub id: String,
    /// Why the record left the set.
    pub reason: RemovedReason,
}

impl DeletedRecord {
    /// The id as a Guid: the whole `id`, or the Guid in its last parentheses
    /// (`accounts(<guid>)`).
    pub fn guid(&self) -> Option<Uuid> {
        Uuid::parse_str(&self.id).ok().or_else(|| {
            let open = self.id.rfind('(')?;
            let close = self.id[open..].find(')')? + open;
            Uuid::parse_str(&self.id[open + 1..close]).ok()
        })
    }
}

/// Why a record left the set (`reason` of a deleted entity).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemovedReason {
    /// `deleted`: the record was deleted.
    Deleted,
    /// `changed`: the record still exists but no longer belongs to the set.
    Changed,
    /// Another reason, or none given.
    Other(String),
}

impl RemovedReason {
    fn from_wire(reason: Option<String>) -> Self {
        match reason.as_deref() {
            Some("deleted") => RemovedReason::Deleted,
            Some("changed") => RemovedReason::Changed,
            _ => RemovedReason::Other(reason.unwrap_or_default()),
        }
    }
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for DeltaChange<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> core::result::Result<Self, D::Error> {
        use serde::de::Error as _;

        #[derive(Deserialize)]
        struct Removed {
            #[serde(default)]
            reason: Option<String>,
        }

        #[derive(Deserialize)]
        struct Probe {
            #[serde(rename = "@odata.context", default)]
            context: Option<String>,
            #[serde(rename = "@removed", default)]
            removed: Option<Removed>,
        }

        #[derive(Deserialize)]
        struct Deleted {
            #[serde(default)]
            id: Option<String>,
            #[serde(rename = "@id", default)]
            at_id: Option<String>,
            #[serde(rename = "@odata.id", default)]
            odata_id: Option<String>,
            #[serde(default)]
            reason: Option<String>,
        }

        let raw = Box::<RawValue>::deserialize(deserializer)?;
        let probe: Probe = serde_json::from_str(raw.get()).map_err(D::Error::custom)?;
        let deleted_entity = probe
            .context
            .as_deref()
            .is_some_and(|c| c.ends_with("$deletedEntity"));
        if !deleted_entity && probe.removed.is_none() {
            return serde_json::from_str(raw.get())
                .map(DeltaChange::NewOrUpdated)
                .map_err(D::Error::custom);
        }
        let deleted: Deleted = serde_json::from_str(raw.get()).map_err(D::Error::custom)?;
        let id = deleted
            .id
            .or(deleted.at_id)
            .or(deleted.odata_id)
            .ok_or_else(|| D::Error::custom("a deleted entity without an id"))?;
        let reason = deleted.reason.or(probe.removed.and_then(|r| r.reason));
        Ok(DeltaChange::Deleted(DeletedRecord {
            id,
            reason: RemovedReason::from_wire(reason),
        }))
    }
}

/// A page of a change-tracking answer. The body may be `{}` when nothing changed.
#[derive(Deserialize)]
#[serde(bound = "I: Deserialize<'de>")]
struct Wire<I> {
    #[serde(default = "Vec::new")]
    value: Vec<I>,
    #[serde(rename = "@odata.nextLink", default)]
    next_link: Option<String>,
    #[serde(rename = "@odata.deltaLink", default)]
    delta_link: Option<String>,
}

/// `GET url` with the request options plus `extra_prefer` in the one `Prefer` header
/// (`RequestOptions::header("Prefer", ...)` would replace the options' own preferences).
async fn get<W: DeserializeOwned>(
    client: &Client,
    url: String,
    options: &RequestOptions,
    extra_prefer: &[&str],
) -> Result<W> {
    let mut req = Req::new(Method::GET, url);
    options.apply(&mut req.headers, extra_prefer);
    client.send(req).await?.json()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Deserialize)]
    struct Account {
        name: String,
    }

    #[test]
    fn deltas_read_records_and_both_deletion_forms() {
        let body = r#"{
            "@odata.context": "https://org/api/data/v9.0/$metadata#accounts(name)/$delta",
            "@odata.deltaLink": "https://org/api/data/v9.0/accounts?$select=name&$deltatoken=919058%2108%2f22%2f2017%2008%3a21%3a20",
            "value": [
                {"@odata.etag": "W/\"915244\"", "name": "Monte Orton"},
                {"@odata.context": "https://org/api/data/v9.0/$metadata#accounts/$deletedEntity",
                 "id": "2e451703-c686-e711-80e5-00155db19e6d", "reason": "deleted"},
                {"@removed": {"reason": "changed"}, "@id": "accounts(3e451703-c686-e711-80e5-00155db19e6d)"}
            ]
        }"#;
        let wire: Wire<DeltaChange<Account>> = serde_json::from_str(body).unwrap();
        assert_eq!(
            wire.value,
            [
                DeltaChange::NewOrUpdated(Account {
                    name: "Monte Orton".into()
                }),
                DeltaChange::Deleted(DeletedRecord {
                    id: "2e451703-c686-e711-80e5-00155db19e6d".into(),
                    reason: RemovedReason::Deleted,
                }),
                DeltaChange::Deleted(DeletedRecord {
                    id: "accounts(3e451703-c686-e711-80e5-00155db19e6d)".into(),
                    reason: RemovedReason::Changed,
                }),
            ]
        );
        let DeltaChange::Deleted(d) = &wire.value[2] else {
            unreachable!()
        };
        assert_eq!(
            d.guid(),
            Uuid::parse_str("3e451703-c686-e711-80e5-00155db19e6d").ok()
        );
        let link = DeltaLink::new(wire.delta_link.unwrap());
        assert_eq!(
            link.delta_token(),
            Some("919058%2108%2f22%2f2017%2008%3a21%3a20")
        );
        let empty: Wire<DeltaChange<Account>> = serde_json::from_str("{}").unwrap();
        assert!(empty.value.is_empty() && empty.delta_link.is_none());
    }

    #[test]
    fn the_selection_is_the_only_query_option() {
        let names = TrackChanges::<Account>::new(EntityPath::set("accounts"), AllColumns);
        assert_eq!(names.relative_url(), "accounts");
    }
}
