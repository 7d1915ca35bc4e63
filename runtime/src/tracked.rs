//! [`Tracked`]: a record together with the exact JSON it was read from, so that writing it back
//! sends only what changed and loses nothing.

use std::collections::BTreeMap;

use serde::de::{self, DeserializeOwned, Deserializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::{Error, Result};
use crate::values::ETag;

/// A record read from the service plus the raw JSON object it came from.
///
/// Deserialize any response as `Tracked<R>` (e.g. `client.retrieve::<Tracked<Account>>(..)`),
/// change `value`, then send [`Tracked::changes`] with [`crate::Client::update`]: only the
/// properties whose JSON differs from what was read are sent. The original text of every
/// property, known or not, is kept ([`Tracked::original`]), numbers included.
#[derive(Debug, Clone)]
pub struct Tracked<R> {
    /// The typed record; change it freely.
    pub value: R,
    original: BTreeMap<String, Box<RawValue>>,
}

impl<R> std::ops::Deref for Tracked<R> {
    type Target = R;
    fn deref(&self) -> &R {
        &self.value
    }
}

impl<R> std::ops::DerefMut for Tracked<R> {
    fn deref_mut(&mut self) -> &mut R {
        &mut self.value
    }
}

impl<'de, R: DeserializeOwned> Deserialize<'de> for Tracked<R> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        Tracked::from_json(raw.get()).map_err(de::Error::custom)
    }
}

/// The properties to send, as raw JSON (serializes as a JSON object).
pub type Changes = BTreeMap<String, Box<RawValue>>;

impl<R: DeserializeOwned> Tracked<R> {
    /// Parses a JSON object.
    pub fn from_json(json: &str) -> Result<Self> {
        let original: BTreeMap<String, Box<RawValue>> =
            serde_json::from_str(json).map_err(|source| Error::Decode {
                status: 200,
                request_id: None,
                source,
            })?;
        let value = serde_json::from_str(json).map_err(|source| Error::Decode {
            status: 200,
            request_id: None,
            source,
        })?;
        Ok(Tracked { value, original })
    }
}

impl<R> Tracked<R> {
    /// The raw JSON text of each property and annotation as read.
    pub fn original(&self) -> &BTreeMap<String, Box<RawValue>> {
        &self.original
    }

    /// `@odata.etag` as read, for `If-Match`.
    pub fn etag(&self) -> Option<ETag> {
        self.original
            .get("@odata.etag")
            .and_then(|r| serde_json::from_str::<String>(r.get()).ok())
            .map(ETag)
    }

    /// The properties whose JSON now differs from what was read (new properties included;
    /// annotations and properties no longer serialized are not sent).
    pub fn changes(&self) -> Result<Changes>
    where
        R: Serialize,
    {
        let text = serde_json::to_string(&self.value).map_err(Error::Encode)?;
        let current: BTreeMap<String, Box<RawValue>> =
            serde_json::from_str(&text).map_err(Error::Encode)?;
        let mut out = Changes::new();
        for (k, v) in current {
            if !crate::values::writable_key(&k) {
                continue;
            }
            let changed = match self.original.get(&k) {
                None => true,
                Some(o) => !same_json(o.get(), v.get()),
            };
            if changed {
                out.insert(k, v);
            }
        }
        Ok(out)
    }

    /// After a successful update: takes the current state as the new baseline.
    pub fn commit(&mut self) -> Result<()>
    where
        R: Serialize,
    {
        for (k, v) in self.changes()? {
            self.original.insert(k, v);
        }
        Ok(())
    }
}

/// Equal text, or `current` is exactly what the original becomes after a trip through
/// `serde_json::Value` (an unknown property kept in an `Extra` map), which is no change either.
fn same_json(original: &str, current: &str) -> bool {
    if original == current {
        return true;
    }
    match serde_json::from_str::<serde_json::Value>(original) {
        Ok(v) => {
            let canonical = v.to_string();
            canonical.as_str() == current
        }
        Err(_) => false,
    }
}
