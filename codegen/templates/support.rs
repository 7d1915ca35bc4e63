//! The typed layer every generated SDK shares: typed keys, entity set and entity handles,
//! lookup and navigation descriptors, entity values that carry `@odata.type`, enums and flag
//! sets, and the table-driven (de)serialization of generated structs. Generic code, written once;
//! what is generated per type is data (field tables) and small impls.

use ::dataverse_runtime::codegen::serde;
use ::dataverse_runtime::codegen::serde_json;
use ::dataverse_runtime::codegen::serde_json::value::RawValue;
use ::dataverse_runtime::codegen::request::{
    CallAction, CallFunction, CreateRecord, DeleteRecord, GetRecord, NextPage, Operation,
    PatchRecord, QueryRecords, Reference, Request, SetProperty, UpdateRecord, UpsertRecord,
};
use ::dataverse_runtime::codegen::typed::Property;
use ::dataverse_runtime::codegen::erased_serde;
use ::dataverse_runtime::{
    Bind, Client, EntityKey, EntityPath, Error, Field, Literal, Page, ReadOnly, Result,
};
use ::core::any::Any;
use ::std::borrow::Cow;
use ::std::boxed::Box;
use ::std::collections::BTreeMap;
use ::std::marker::PhantomData;
use ::std::string::String;
use ::std::vec::Vec;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};

/// Properties and annotations of a record that its type does not declare, kept exactly as the
/// service sent them (raw JSON text, so no number loses digits) and in the order it sent them.
/// A small map: a record has a few dozen annotations at most, which a list holds for a fraction
/// of what a tree costs to build and drop. Compared by text, in any order.
#[derive(Clone, Default)]
pub struct Extra(Vec<(String, Box<RawValue>)>);

impl Extra {
    /// The raw JSON value of `key`.
    pub fn get(&self, key: &str) -> Option<&RawValue> {
        // The last one wins, as when a map reads an object that repeats a key.
        self.0.iter().rev().find(|(k, _)| k == key).map(|(_, v)| &**v)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.0.iter().any(|(k, _)| k == key)
    }

    /// Sets `key` to `value`; returns the value it replaces.
    pub fn insert(&mut self, key: String, value: Box<RawValue>) -> Option<Box<RawValue>> {
        // The last entry of `key`, the one `get` reads (a payload that repeats a key keeps both).
        match self.0.iter_mut().rev().find(|(k, _)| *k == key) {
            Some((_, old)) => Some(::core::mem::replace(old, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// Removes `key`; returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Box<RawValue>> {
        let at = self.0.iter().rposition(|(k, _)| k == key)?;
        Some(self.0.remove(at).1)
    }

    /// The entries, in the order they were read or inserted.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.0.iter().map(|(k, v)| (k.as_str(), &**v))
    }

    /// The keys, in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `term` annotation of `property` (`property@term`), found without building its key.
    fn annotation(&self, property: &str, term: &str) -> Option<&RawValue> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| {
                k.len() == property.len() + 1 + term.len()
                    && k.starts_with(property)
                    && k.ends_with(term)
                    && k.as_bytes()[property.len()] == b'@'
            })
            .map(|(_, v)| &**v)
    }

    /// Adds an entry as read (a record's members are unique, so not looked for first).
    fn push(&mut self, key: String, value: Box<RawValue>) {
        self.0.push((key, value));
    }
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .all(|(k, v)| other.get(k).is_some_and(|o| o.get() == v.get()))
    }
}

impl ::core::fmt::Debug for Extra {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl ::core::ops::Index<&str> for Extra {
    type Output = RawValue;

    /// The raw JSON value of `key`; panics when it is absent, as a map does.
    fn index(&self, key: &str) -> &RawValue {
        match self.get(key) {
            Some(value) => value,
            None => panic!("no entry `{key}` in `extra`"),
        }
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a str, &'a RawValue);
    type IntoIter = ::core::iter::Map<
        ::core::slice::Iter<'a, (String, Box<RawValue>)>,
        fn(&'a (String, Box<RawValue>)) -> (&'a str, &'a RawValue),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k.as_str(), &**v))
    }
}

/// A generated entity or complex type.
pub trait Structured: Default {
    /// The qualified CSDL name, e.g. `Microsoft.Dynamics.CRM.account`.
    const ODATA_TYPE: &'static str;

    /// Hands every field to `fields`, in declaration order, with its wire name and how it is
    /// written: serialization, `Debug` and `PartialEq` all read the struct through it.
    fn visit_fields<'a>(&'a self, fields: &mut dyn FieldVisitor<'a>);

    /// Reads the field named `key` if the type declares it; `false` if it does not.
    fn deserialize_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> ::core::result::Result<bool, A::Error>;

    /// What the type does not declare (unknown properties, annotations).
    fn extra(&self) -> &Extra;

    /// Mutable access to [`Structured::extra`].
    fn extra_mut(&mut self) -> &mut Extra;
}

/// A generated entity type that can be addressed by key.
pub trait Entity: Structured {
    /// The key as the caller passes it (`Uuid` for Dataverse tables).
    type Key;

    /// The key segment for `key`.
    fn entity_key(key: Self::Key) -> EntityKey;
}

/// An entity of a type this SDK leaves out (a selection's cut edge): a lookup to it is set with
/// an explicit [`EntityKey`], and an expanded value keeps every property and annotation in
/// `extra`, exactly as received.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Untyped {
    /// Everything the service sent.
    pub extra: Extra,
}

impl Structured for Untyped {
    const ODATA_TYPE: &'static str = "Edm.EntityType";
    fn visit_fields<'a>(&'a self, fields: &mut dyn FieldVisitor<'a>) {
        let _ = fields;
    }
    fn deserialize_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> ::core::result::Result<bool, A::Error> {
        let _ = (key, map);
        Ok(false)
    }
    fn extra(&self) -> &Extra {
        &self.extra
    }
    fn extra_mut(&mut self) -> &mut Extra {
        &mut self.extra
    }
}

impl Entity for Untyped {
    type Key = EntityKey;
    fn entity_key(key: EntityKey) -> EntityKey {
        key
    }
}

impl serde::Serialize for Untyped {
    fn serialize<S: Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
        serialize(self, serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Untyped {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
        deserialize(deserializer)
    }
}

/// `T` can stand where a value of `Base` is expected (it is `Base` or derives from it).
pub trait IsA<Base> {}

/// What a record is serialized for: which of its properties are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Everything that is set (`Serialize`: a record saved, logged or compared).
    Everything,
    /// A create (or upsert, or an entity parameter): not the read-only properties, i.e. lookup
    /// values (`_x_value`, written through `@odata.bind`) and `Core.Computed` ones.
    Create,
    /// An update: not the read-only properties, nor the `Core.Immutable` ones.
    Update,
}

impl Purpose {
    /// Whether read-only properties (lookup values, computed) are written.
    pub fn writes_read_only(self) -> bool {
        self == Purpose::Everything
    }

    /// Whether `Core.Immutable` properties (and columns valid for create only) are written.
    pub fn writes_immutable(self) -> bool {
        self != Purpose::Update
    }

    /// Whether columns valid for update only are written.
    pub fn writes_update_only(self) -> bool {
        self != Purpose::Create
    }
}

/// Whether `key` names a lookup value property (`_parentaccountid_value`): read-only, written
/// through `@odata.bind` or `$ref` only.
pub fn is_lookup_value(key: &str) -> bool {
    key.len() > "__value".len() && key.starts_with('_') && key.ends_with("_value")
}

/// A record serialized for a write: without what `purpose` leaves out.
pub struct Writing<'a, T> {
    record: &'a T,
    purpose: Purpose,
}

impl<'a, T> Writing<'a, T> {
    /// `record` as written for `purpose`.
    pub fn new(record: &'a T, purpose: Purpose) -> Self {
        Writing { record, purpose }
    }
}

impl<T> Clone for Writing<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Writing<'_, T> {}

impl<T: Structured> serde::Serialize for Writing<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
        serialize_for(self.record, serializer, self.purpose)
    }
}

/// How a field of a generated struct is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// Whenever it is set.
    Always,
    /// Only by `Serialize` ([`Purpose::Everything`]): a lookup value, a computed or read-only
    /// column.
    ReadOnly,
    /// Not by an update: `Core.Immutable`, or a column valid for create only.
    CreateOnly,
    /// Not by a create: a column valid for update only (`statecode`).
    UpdateOnly,
    /// A navigation property filled by `$expand`: not sent back by an update (a create may
    /// carry related records: deep insert).
    Navigation,
}

impl Write {
    /// Whether a field written this way is written for `purpose`.
    pub fn writes_for(self, purpose: Purpose) -> bool {
        match self {
            Write::Always => true,
            Write::ReadOnly => purpose.writes_read_only(),
            Write::CreateOnly => purpose.writes_immutable(),
            Write::UpdateOnly => purpose.writes_update_only(),
            Write::Navigation => purpose != Purpose::Update,
        }
    }
}

/// A field of a generated struct (a [`Field`] or a [`ReadOnly`]) as the table-driven code
/// sees it: set or not, its value to serialize, print and compare.
pub trait FieldValue {
    /// Whether the field is unset (it is then not written).
    fn is_unset(&self) -> bool;
    /// The value to serialize.
    fn as_serialize(&self) -> &dyn erased_serde::Serialize;
    /// The value to print.
    fn as_debug(&self) -> &dyn ::core::fmt::Debug;
    /// Whether `other` is a field of the same type with an equal value.
    fn equals(&self, other: &dyn FieldValue) -> bool;
    /// The field, for [`FieldValue::equals`].
    fn as_any(&self) -> &dyn Any;
}

impl<T: serde::Serialize + ::core::fmt::Debug + PartialEq + 'static> FieldValue for Field<T> {
    fn is_unset(&self) -> bool {
        Field::is_unset(self)
    }
    fn as_serialize(&self) -> &dyn erased_serde::Serialize {
        self
    }
    fn as_debug(&self) -> &dyn ::core::fmt::Debug {
        self
    }
    fn equals(&self, other: &dyn FieldValue) -> bool {
        other.as_any().downcast_ref::<Self>() == Some(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl<T: serde::Serialize + ::core::fmt::Debug + PartialEq + 'static> FieldValue for ReadOnly<T> {
    fn is_unset(&self) -> bool {
        Field::is_unset(self)
    }
    fn as_serialize(&self) -> &dyn erased_serde::Serialize {
        self
    }
    fn as_debug(&self) -> &dyn ::core::fmt::Debug {
        self
    }
    fn equals(&self, other: &dyn FieldValue) -> bool {
        other.as_any().downcast_ref::<Self>() == Some(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Receives the fields of a generated struct from [`Structured::visit_fields`]: one call per
/// field, in declaration order. The provided methods name how each field is written.
pub trait FieldVisitor<'a> {
    /// A field named `name` on the wire, written as `write` says.
    fn visit(&mut self, name: &'static str, value: &'a dyn FieldValue, write: Write);
    /// The lookups of an entity, sent as `nav@odata.bind` after the fields.
    fn binds(&mut self, binds: &'a Binds) {
        let _ = binds;
    }
    /// A field written whenever it is set.
    fn field(&mut self, name: &'static str, value: &'a dyn FieldValue) {
        self.visit(name, value, Write::Always);
    }
    /// A read-only field ([`Write::ReadOnly`]).
    fn read_only(&mut self, name: &'static str, value: &'a dyn FieldValue) {
        self.visit(name, value, Write::ReadOnly);
    }
    /// A field not written by an update ([`Write::CreateOnly`]).
    fn create_only(&mut self, name: &'static str, value: &'a dyn FieldValue) {
        self.visit(name, value, Write::CreateOnly);
    }
    /// A field not written by a create ([`Write::UpdateOnly`]).
    fn update_only(&mut self, name: &'static str, value: &'a dyn FieldValue) {
        self.visit(name, value, Write::UpdateOnly);
    }
    /// An expanded navigation property ([`Write::Navigation`]): an [`Expanded`], whatever its
    /// target, as the field it derefs to.
    fn navigation(&mut self, name: &'static str, value: &'a Field<ExpandedJson>) {
        self.visit(name, value, Write::Navigation);
    }
}

/// The fields of a struct, as a list.
#[derive(Default)]
struct FieldList<'a> {
    fields: Vec<(&'static str, &'a dyn FieldValue)>,
    binds: Option<&'a Binds>,
}

impl<'a> FieldVisitor<'a> for FieldList<'a> {
    fn visit(&mut self, name: &'static str, value: &'a dyn FieldValue, _: Write) {
        self.fields.push((name, value));
    }
    fn binds(&mut self, binds: &'a Binds) {
        self.binds = Some(binds);
    }
}

fn field_list<T: Structured>(value: &T) -> FieldList<'_> {
    let mut list = FieldList::default();
    value.visit_fields(&mut list);
    list
}

/// `Debug` of a generated struct: the fields that are set, the binds and `extra` if any.
pub fn debug<T: Structured>(value: &T, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
    let name = ::core::any::type_name::<T>();
    let mut out = f.debug_struct(name.rsplit("::").next().unwrap_or(name));
    let list = field_list(value);
    for (name, field) in &list.fields {
        if !field.is_unset() {
            out.field(name, field.as_debug());
        }
    }
    if let Some(binds) = list.binds.filter(|b| !b.is_empty()) {
        out.field("binds", binds);
    }
    if !value.extra().is_empty() {
        out.field("extra", value.extra());
    }
    out.finish_non_exhaustive()
}

/// `PartialEq` of generated structs: every field, the binds and `extra` equal.
pub fn eq<T: Structured>(a: &T, b: &T) -> bool {
    let (left, right) = (field_list(a), field_list(b));
    left.fields.len() == right.fields.len()
        && left
            .fields
            .iter()
            .zip(&right.fields)
            .all(|((_, x), (_, y))| x.equals(*y))
        && left.binds == right.binds
        && a.extra() == b.extra()
}

/// Writes the fields of `value` that are set and that `purpose` writes, then its binds.
fn serialize_fields<T: Structured, M: SerializeMap>(
    value: &T,
    map: &mut M,
    purpose: Purpose,
) -> ::core::result::Result<(), M::Error> {
    struct Writer<'m, M: SerializeMap> {
        map: &'m mut M,
        purpose: Purpose,
        result: ::core::result::Result<(), M::Error>,
    }
    impl<'a, M: SerializeMap> FieldVisitor<'a> for Writer<'_, M> {
        fn visit(&mut self, name: &'static str, value: &'a dyn FieldValue, write: Write) {
            if self.result.is_ok() && write.writes_for(self.purpose) && !value.is_unset() {
                self.result = self.map.serialize_entry(name, value.as_serialize());
            }
        }
        fn binds(&mut self, binds: &'a Binds) {
            if self.result.is_ok() {
                self.result = binds.serialize_into(self.map);
            }
        }
    }
    let mut writer = Writer {
        map,
        purpose,
        result: Ok(()),
    };
    value.visit_fields(&mut writer);
    writer.result
}

/// Serializes a generated struct: the fields that are set, then unknown properties (not
/// annotations, which are the service's to write).
pub fn serialize<T: Structured, S: Serializer>(
    value: &T,
    serializer: S,
) -> ::core::result::Result<S::Ok, S::Error> {
    serialize_for(value, serializer, Purpose::Everything)
}

/// Serializes a generated struct for `purpose`: its fields, then unknown properties (not
/// annotations; for a write, not unknown lookup values either).
pub fn serialize_for<T: Structured, S: Serializer>(
    value: &T,
    serializer: S,
    purpose: Purpose,
) -> ::core::result::Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    serialize_fields(value, &mut map, purpose)?;
    for (key, raw) in value.extra().iter() {
        if !key.contains('@') && (purpose.writes_read_only() || !is_lookup_value(key)) {
            map.serialize_entry(key, raw)?;
        }
    }
    map.end()
}

/// Reads the value of `map`'s current entry into `field`; `true`: the field table knew the key.
pub fn read_field<'de, A: MapAccess<'de>, T: serde::Deserialize<'de>>(
    map: &mut A,
    field: &mut T,
) -> ::core::result::Result<bool, A::Error> {
    *field = map.next_value()?;
    Ok(true)
}

/// Deserializes a generated struct: declared fields by name, everything else into `extra`.
/// Absent fields stay unset, so a `$select` response reads fine.
pub fn deserialize<'de, T: Structured, D: Deserializer<'de>>(
    deserializer: D,
) -> ::core::result::Result<T, D::Error> {
    struct StructVisitor<T>(PhantomData<T>);
    impl<'de, T: Structured> Visitor<'de> for StructVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            write!(f, "a JSON object of type {}", T::ODATA_TYPE)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> ::core::result::Result<T, A::Error> {
            let mut value = T::default();
            while let Some(FieldName(key)) = map.next_key()? {
                if !value.deserialize_field(&key, &mut map)? {
                    let raw: Box<RawValue> = map.next_value()?;
                    value.extra_mut().push(key.into_owned(), raw);
                }
            }
            Ok(value)
        }
    }
    deserializer.deserialize_map(StructVisitor(PhantomData))
}

/// A property name as read: borrowed from the input where it can be (no escapes), so that a
/// declared field costs no allocation for its name.
struct FieldName<'de>(Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for FieldName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
        struct NameVisitor;
        impl<'de> Visitor<'de> for NameVisitor {
            type Value = FieldName<'de>;
            fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str("a property name")
            }
            fn visit_borrowed_str<E>(self, name: &'de str) -> ::core::result::Result<Self::Value, E> {
                Ok(FieldName(Cow::Borrowed(name)))
            }
            fn visit_str<E>(self, name: &str) -> ::core::result::Result<Self::Value, E> {
                Ok(FieldName(Cow::Owned(name.to_owned())))
            }
            fn visit_string<E>(self, name: String) -> ::core::result::Result<Self::Value, E> {
                Ok(FieldName(Cow::Owned(name)))
            }
        }
        deserializer.deserialize_str(NameVisitor)
    }
}

/// A navigation property filled by `$expand`: a [`Field`] of the JSON the service sent (unset
/// where the property was not expanded), decoded into `T` on demand with [`Expanded::get`].
///
/// Entity types reach each other through navigation properties in cycles; holding the raw JSON
/// (not a `T`) keeps every generated type finite and cheap to compile, keeps values exact, and
/// writes them back byte for byte. It derefs to that field, whose type is the same for every
/// `T`: the table-driven code of a struct handles all its navigation properties with one
/// implementation. It is one pointer wide (the field is boxed where it is set): an entity type
/// has dozens of navigation properties, which a query rarely expands.
pub struct Expanded<T> {
    field: Option<Box<Field<ExpandedJson>>>,
    _type: PhantomData<fn() -> T>,
}

/// What an [`Expanded`] that was not expanded derefs to.
static NOT_EXPANDED: Field<ExpandedJson> = Field::Unset;

impl<T: serde::de::DeserializeOwned> Expanded<T> {
    /// Decodes the expanded value: `None` where the property was not expanded or is null.
    pub fn get(&self) -> Option<Result<T>> {
        let json = self.json()?;
        Some(serde_json::from_str(json).map_err(|e| Error::Decode {
            status: 200,
            request_id: None,
            source: e,
        }))
    }
}

impl<T> Expanded<T> {
    /// The JSON text as received: `None` where the property was not expanded or is null.
    pub fn json(&self) -> Option<&str> {
        (**self).value().map(ExpandedJson::json)
    }
}

impl<T> ::core::ops::Deref for Expanded<T> {
    type Target = Field<ExpandedJson>;
    fn deref(&self) -> &Field<ExpandedJson> {
        self.field.as_deref().unwrap_or(&NOT_EXPANDED)
    }
}

impl<T> Default for Expanded<T> {
    fn default() -> Self {
        Expanded {
            field: None,
            _type: PhantomData,
        }
    }
}

impl<T> Clone for Expanded<T> {
    fn clone(&self) -> Self {
        Expanded {
            field: self.field.clone(),
            _type: PhantomData,
        }
    }
}

impl<T> PartialEq for Expanded<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T> ::core::fmt::Debug for Expanded<T> {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        (**self).fmt(f)
    }
}

impl<T> serde::Serialize for Expanded<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
        (**self).serialize(serializer)
    }
}

impl<'de, T> serde::Deserialize<'de> for Expanded<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
        let field: Field<ExpandedJson> = serde::Deserialize::deserialize(deserializer)?;
        Ok(Expanded {
            field: (!field.is_unset()).then(|| Box::new(field)),
            _type: PhantomData,
        })
    }
}

/// The JSON of an expanded navigation property, exactly as the service sent it.
#[derive(Clone)]
pub struct ExpandedJson(Box<RawValue>);

impl ExpandedJson {
    /// The JSON text.
    pub fn json(&self) -> &str {
        self.0.get()
    }
}

impl PartialEq for ExpandedJson {
    fn eq(&self, other: &Self) -> bool {
        self.0.get() == other.0.get()
    }
}

impl ::core::fmt::Debug for ExpandedJson {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(self.0.get())
    }
}

impl serde::Serialize for ExpandedJson {
    fn serialize<S: Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for ExpandedJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
        <Box<RawValue> as serde::Deserialize>::deserialize(deserializer).map(ExpandedJson)
    }
}

/// The `@odata.type` of a JSON object, if it has one (used by the polymorphic enums).
pub fn odata_type_of(json: &str) -> ::core::result::Result<Option<String>, serde_json::Error> {
    #[derive(serde::Deserialize)]
    #[serde(crate = "::dataverse_runtime::codegen::serde")]
    struct Probe {
        #[serde(rename = "@odata.type", default)]
        odata_type: Option<String>,
    }
    serde_json::from_str::<Probe>(json).map(|p| p.odata_type)
}

/// Typed access to the annotations of a record read with `odata.include-annotations`.
pub trait Annotated: Structured {
    /// The record's etag (`@odata.etag`).
    fn etag(&self) -> Option<::dataverse_runtime::ETag> {
        let raw = self.extra().get("@odata.etag")?;
        serde_json::from_str::<String>(raw.get()).ok().map(::dataverse_runtime::ETag::new)
    }

    /// The `term` annotation of `property` (`property@term`), as raw JSON.
    fn annotation(&self, property: &str, term: &str) -> Option<&RawValue> {
        self.extra().annotation(property, term)
    }

    /// The formatted value of `property` (`OData.Community.Display.V1.FormattedValue`).
    fn formatted_value(&self, property: &str) -> Option<String> {
        let raw = self.annotation(property, ::dataverse_runtime::FORMATTED_VALUE)?;
        serde_json::from_str(raw.get()).ok()
    }

    /// The logical name of the table a lookup points to
    /// (`_x_value@Microsoft.Dynamics.CRM.lookuplogicalname`).
    fn lookup_logical_name(&self, property: &str) -> Option<String> {
        let raw = self.annotation(property, ::dataverse_runtime::LOOKUP_LOGICAL_NAME)?;
        serde_json::from_str(raw.get()).ok()
    }

    /// The concrete type of the record (`@odata.type`), when the service sent it.
    fn odata_type(&self) -> Option<String> {
        let raw = self.extra().get("@odata.type")?;
        serde_json::from_str(raw.get()).ok()
    }
}

impl<T: Structured> Annotated for T {}

/// Lookups to write with `nav@odata.bind`, by navigation property name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Binds(BTreeMap<&'static str, Option<Bind>>);

impl Binds {
    /// Whether no lookup was set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Writes `nav@odata.bind` entries.
    pub fn serialize_into<M: SerializeMap>(&self, map: &mut M) -> ::core::result::Result<(), M::Error> {
        for (navigation, bind) in &self.0 {
            map.serialize_entry(&::std::format!("{navigation}@odata.bind"), bind)?;
        }
        Ok(())
    }
}

pub use ::dataverse_runtime::codegen::typed::{Lookup, Navigation};

/// Generated entity types with lookups have a `binds` field; this sets and clears them.
pub trait HasBinds: Sized {
    /// The lookups set on this value.
    fn binds_mut(&mut self) -> &mut Binds;

    /// Sets a lookup: `"nav@odata.bind": "/targets(key)"`.
    fn bind<T: Entity>(&mut self, lookup: Lookup<Self, T>, key: T::Key) -> &mut Self {
        let bind = Bind::path(&EntityPath::set_path(lookup.target_set).key(T::entity_key(key)));
        self.binds_mut().0.insert(lookup.navigation, Some(bind));
        self
    }

    /// Sets a lookup to an entity created earlier in the same `$batch` change set (`$n`).
    fn bind_content_id<T>(
        &mut self,
        lookup: Lookup<Self, T>,
        id: ::dataverse_runtime::ContentId,
    ) -> &mut Self {
        let bind = Bind::content_id(id);
        self.binds_mut().0.insert(lookup.navigation, Some(bind));
        self
    }

    /// Clears a lookup in an update: `"nav@odata.bind": null`.
    fn unbind<T>(&mut self, lookup: Lookup<Self, T>) -> &mut Self {
        self.binds_mut().0.insert(lookup.navigation, None);
        self
    }
}

/// An entity value for an operation parameter, serialized with `"@odata.type"` so the service
/// knows its concrete type even where the parameter is declared with a base type
/// (`crmbaseentity`, `activitypointer`, `principal`). `Base` is the declared type: only values of
/// `Base` or a type derived from it are accepted.
pub struct EntityValue<Base> {
    raw: Box<RawValue>,
    _base: PhantomData<fn() -> Base>,
}

impl<Base> EntityValue<Base> {
    /// Serializes `value` with its `@odata.type`.
    pub fn new<T: Structured + IsA<Base>>(value: &T) -> Result<Self> {
        let raw = serde_json::value::to_raw_value(&Typed(value)).map_err(Error::Encode)?;
        Ok(EntityValue {
            raw,
            _base: PhantomData,
        })
    }

    /// The JSON text.
    pub fn json(&self) -> &str {
        self.raw.get()
    }
}

impl<Base> Clone for EntityValue<Base> {
    fn clone(&self) -> Self {
        EntityValue {
            raw: self.raw.clone(),
            _base: PhantomData,
        }
    }
}

impl<Base> ::core::fmt::Debug for EntityValue<Base> {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.write_str(self.raw.get())
    }
}

impl<Base> serde::Serialize for EntityValue<Base> {
    fn serialize<S: Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
        self.raw.serialize(serializer)
    }
}

/// A generated struct serialized with `"@odata.type"` first.
pub struct Typed<'a, T>(pub &'a T);

impl<T: Structured> serde::Serialize for Typed<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("@odata.type", T::ODATA_TYPE)?;
        serialize_fields(self.0, &mut map, Purpose::Create)?;
        map.end()
    }
}

/// A generated enum type: members by name, plus an unknown member so a newer service never
/// breaks an older SDK.
pub trait ODataEnum: Sized {
    /// The qualified CSDL name of the enum type.
    const ODATA_TYPE: &'static str;
    /// The member's name as the service writes it.
    fn name(&self) -> &str;
    /// The member with this name (unknown names are kept).
    fn from_name(name: &str) -> Self;
    /// The member with this numeric value, if the SDK knows it.
    fn from_value(value: i64) -> Option<Self>;
}

/// Serializes an enum member by name, as OData JSON does.
pub fn serialize_enum<T: ODataEnum, S: Serializer>(
    value: &T,
    serializer: S,
) -> ::core::result::Result<S::Ok, S::Error> {
    serializer.serialize_str(value.name())
}

/// Deserializes an enum member from its name (or, leniently, its numeric value).
pub fn deserialize_enum<'de, T: ODataEnum, D: Deserializer<'de>>(
    deserializer: D,
) -> ::core::result::Result<T, D::Error> {
    struct EnumVisitor<T>(PhantomData<T>);
    impl<T: ODataEnum> Visitor<'_> for EnumVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
            write!(f, "a member name of {}", T::ODATA_TYPE)
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> ::core::result::Result<T, E> {
            Ok(T::from_name(v.trim()))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> ::core::result::Result<T, E> {
            T::from_value(v).ok_or_else(|| E::custom(::std::format!("unknown value {v} of {}", T::ODATA_TYPE)))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> ::core::result::Result<T, E> {
            let v = i64::try_from(v).map_err(E::custom)?;
            self.visit_i64(v)
        }
    }
    deserializer.deserialize_any(EnumVisitor(PhantomData))
}

/// The value of an `IsFlags` enum: a set of members, `"A,B"` on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Flags<T>(pub Vec<T>);

impl<T> Default for Flags<T> {
    fn default() -> Self {
        Flags(Vec::new())
    }
}

impl<T: ODataEnum> Flags<T> {
    /// The members, comma-separated, as on the wire.
    pub fn to_wire(&self) -> String {
        self.0.iter().map(|m| m.name()).collect::<Vec<_>>().join(",")
    }
}

impl<T: ODataEnum> serde::Serialize for Flags<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_wire())
    }
}

impl<'de, T: ODataEnum> serde::Deserialize<'de> for Flags<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Ok(Flags(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(T::from_name)
                .collect(),
        ))
    }
}

impl<T: ODataEnum> ::dataverse_runtime::codegen::typed::FilterValue for Flags<T> {
    fn to_literal(&self) -> Literal {
        Literal::enumeration(T::ODATA_TYPE, self.to_wire())
    }
}

impl<T: ODataEnum + ::dataverse_runtime::codegen::typed::FilterValue>
    ::dataverse_runtime::codegen::typed::FlagsValue for Flags<T>
{
    type Member = T;
}

impl<T> From<Vec<T>> for Flags<T> {
    fn from(members: Vec<T>) -> Self {
        Flags(members)
    }
}

/// A typed key of an entity of type `T`: its key, or one of its alternate keys.
pub struct Key<T> {
    key: EntityKey,
    _type: PhantomData<fn() -> T>,
}

impl<T> Key<T> {
    /// A key from its segment (used by generated alternate-key constructors).
    pub fn from_entity_key(key: EntityKey) -> Self {
        Key {
            key,
            _type: PhantomData,
        }
    }

    /// The key segment.
    pub fn entity_key(&self) -> &EntityKey {
        &self.key
    }

    /// Alternate key parts, `name=value,...`.
    pub fn alternate(parts: Vec<(&'static str, Literal)>) -> Self {
        Self::from_entity_key(EntityKey::alternate(parts))
    }
}

impl<T: Entity> Key<T> {
    /// The primary key.
    pub fn primary(key: T::Key) -> Self {
        Self::from_entity_key(T::entity_key(key))
    }
}

/// The handle of one entity set of entities of type `T`, or of a contained collection
/// (`root/items`, `accounts(<id>)/notes`: a containment navigation property).
pub struct EntitySet<T> {
    client: Client,
    name: &'static str,
    path: EntityPath,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for EntitySet<T> {
    fn clone(&self) -> Self {
        EntitySet {
            client: self.client.clone(),
            name: self.name,
            path: self.path.clone(),
            _type: PhantomData,
        }
    }
}

impl<T> ::core::fmt::Debug for EntitySet<T> {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("EntitySet").field("name", &self.name).finish()
    }
}

impl<T> EntitySet<T> {
    /// `POST set/NS.Name`: the action `name` (qualified) bound to this entity set, with
    /// `parameters` as its body. The typed methods of the set's bound actions call it; call it
    /// yourself for an action this SDK does not know.
    pub fn bound_action<'a, B: ?Sized, R, D>(
        &self,
        name: &'static str,
        parameters: &'a B,
    ) -> Request<'a, CallAction<'a, B, R, D>>
    where
        CallAction<'a, B, R, D>: Operation<'a>,
    {
        bound_action(&self.client, self.path.clone(), name, parameters)
    }

    /// `GET set/NS.Name(..)`: the function `name` (qualified) bound to this entity set, with
    /// its parameters as literals. The typed methods of the set's bound functions call it.
    pub fn bound_function<R, D>(
        &self,
        name: &'static str,
        parameters: Result<Vec<(&'static str, Literal)>>,
    ) -> Request<'static, CallFunction<R, D>>
    where
        CallFunction<R, D>: Operation<'static>,
    {
        bound_function(&self.client, self.path.clone(), name, parameters)
    }
}

/// The request of the action `name` bound to what `path` addresses.
fn bound_action<'a, B: ?Sized, R, D>(
    client: &Client,
    path: EntityPath,
    name: &'static str,
    parameters: &'a B,
) -> Request<'a, CallAction<'a, B, R, D>>
where
    CallAction<'a, B, R, D>: Operation<'a>,
{
    let action = CallAction::new(path.bound_operation(name), name, parameters);
    Request::new(client.clone(), action)
}

/// The request of the function `name` bound to what `path` addresses.
fn bound_function<R, D>(
    client: &Client,
    path: EntityPath,
    name: &'static str,
    parameters: Result<Vec<(&'static str, Literal)>>,
) -> Request<'static, CallFunction<R, D>>
where
    CallFunction<R, D>: Operation<'static>,
{
    Request::new(client.clone(), CallFunction::new(path, name, parameters))
}

impl<T: Structured + serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static> EntitySet<T> {
    /// The handle of the entity set `name` (used by the generated service).
    pub fn new(client: Client, name: &'static str) -> Self {
        EntitySet {
            client,
            name,
            path: EntityPath::set(name),
            _type: PhantomData,
        }
    }

    /// The handle of the contained collection at `path`, reached through the containment
    /// navigation property `name` (used by generated entity handles).
    pub fn contained(client: Client, name: &'static str, path: EntityPath) -> Self {
        EntitySet {
            client,
            name,
            path,
            _type: PhantomData,
        }
    }

    /// The entity set's name (its URL segment; for a contained collection, its navigation
    /// property).
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The path of the set.
    pub fn path(&self) -> EntityPath {
        self.path.clone()
    }

    /// `POST set`: creates a record. 204 gives the new id (`OData-EntityId`); with
    /// `.return_representation()` the service answers 201 with the record.
    pub fn create<'a>(&self, record: &'a T) -> Request<'a, CreateRecord<Writing<'a, T>, T>> {
        Request::new(
            self.client.clone(),
            CreateRecord::at(self.path(), Writing::new(record, Purpose::Create)),
        )
    }

    /// `GET set?...`: a query, with typed `$select`, `$filter`, `$orderby`, `$expand`, `$top`
    /// and `$count`; `.await` gives one page, `.stream()` and `.all()` every record.
    pub fn query(&self) -> Request<'static, QueryRecords<T>> {
        Request::new(self.client.clone(), QueryRecords::new(self.path()))
    }

    /// The page after `page` (its `@odata.nextLink`, absolute or relative), or `None` after the
    /// last one: paging one page at a time.
    pub fn next_page(&self, page: &Page<T>) -> Request<'static, NextPage<T>> {
        Request::new(self.client.clone(), NextPage::new(page))
    }

    /// The handle of one entity of the set, by key or alternate key.
    pub fn entity(&self, key: impl Into<Key<T>>) -> EntityHandle<T> {
        EntityHandle::new(
            self.client.clone(),
            self.path().key(key.into().key),
        )
    }

    /// `GET set(key)`: one record, by key or alternate key.
    pub fn get(&self, key: impl Into<Key<T>>) -> Request<'static, GetRecord<T>> {
        self.entity(key).get()
    }

    /// `PATCH set(key)` with `If-Match: *` unless another condition is set: sends only the
    /// fields that are set, and never creates a record.
    pub fn update<'a>(
        &self,
        key: impl Into<Key<T>>,
        changes: &'a T,
    ) -> Request<'a, UpdateRecord<Writing<'a, T>, T>> {
        self.entity(key).update(changes)
    }

    /// `PATCH set(key)` with only what changed in a record read with `get(key).tracked()`.
    pub fn update_changes<'a>(
        &self,
        key: impl Into<Key<T>>,
        tracked: &'a ::dataverse_runtime::Tracked<T>,
    ) -> Request<'a, ::dataverse_runtime::codegen::request::UpdateChanges<'a, T>> {
        self.entity(key).update_changes(tracked)
    }

    /// `PATCH set(key)` without `If-Match`: updates or creates (with `.if_none_match_any()`,
    /// only creates).
    pub fn upsert<'a>(
        &self,
        key: impl Into<Key<T>>,
        record: &'a T,
    ) -> Request<'a, UpsertRecord<Writing<'a, T>, T>> {
        let handle = self.entity(key);
        Request::new(
            self.client.clone(),
            UpsertRecord(PatchRecord::new(handle.path, Writing::new(record, Purpose::Create))),
        )
    }

    /// `DELETE set(key)`.
    pub fn delete(&self, key: impl Into<Key<T>>) -> Request<'static, DeleteRecord> {
        self.entity(key).delete()
    }

    /// `GET set?fetchXml=...`: a FetchXML query, its text sent as it is, read as records of
    /// `T`. `.await` gives one page (it derefs to a `Page<T>`; `.next_request()` gives the
    /// request of the next page), `.pages()`, `.stream()` and `.all()` follow the paging cookie
    /// while `morerecords` is true (see `dataverse_runtime::fetch_xml`). Aggregate aliases and
    /// linked-entity columns land in the record's `extra` map.
    pub fn fetch_xml(
        &self,
        xml: impl Into<String>,
    ) -> Request<'static, ::dataverse_runtime::fetch_xml::FetchXmlQuery<T>> {
        self.fetch_xml_as::<T>(xml)
    }

    /// Like [`EntitySet::fetch_xml`], read as records of a type of your own (e.g. the aliases
    /// of an aggregate query).
    pub fn fetch_xml_as<R: serde::de::DeserializeOwned + Send + 'static>(
        &self,
        xml: impl Into<String>,
    ) -> Request<'static, ::dataverse_runtime::fetch_xml::FetchXmlQuery<R>> {
        Request::new(
            self.client.clone(),
            ::dataverse_runtime::fetch_xml::FetchXmlQuery::new(self.path(), xml),
        )
    }

    /// `GET set?$select=...` with `Prefer: odata.track-changes`: every record (all pages) with
    /// the properties in `select` (`dataverse_runtime::change_tracking::AllColumns` for all),
    /// and the delta link to ask for the changes after them with [`EntitySet::changes_since`].
    pub fn track_changes(
        &self,
        select: impl ::dataverse_runtime::codegen::typed::SelectList<T>,
    ) -> Request<'static, ::dataverse_runtime::change_tracking::TrackChanges<T>> {
        Request::new(
            self.client.clone(),
            ::dataverse_runtime::change_tracking::TrackChanges::new(self.path(), select),
        )
    }

    /// `GET <delta link>`: the records created or updated and the records deleted since the
    /// request that returned `delta_link` (all pages), and the next delta link.
    pub fn changes_since(
        &self,
        delta_link: &::dataverse_runtime::change_tracking::DeltaLink,
    ) -> Request<'static, ::dataverse_runtime::change_tracking::ChangesSince<T>> {
        Request::new(
            self.client.clone(),
            ::dataverse_runtime::change_tracking::ChangesSince::new(delta_link.clone()),
        )
    }
}

/// The handle of one entity: its path and the operations on it.
pub struct EntityHandle<T> {
    client: Client,
    path: EntityPath,
    _type: PhantomData<fn() -> T>,
}

impl<T> Clone for EntityHandle<T> {
    fn clone(&self) -> Self {
        EntityHandle {
            client: self.client.clone(),
            path: self.path.clone(),
            _type: PhantomData,
        }
    }
}

impl<T> ::core::fmt::Debug for EntityHandle<T> {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("EntityHandle").field("path", &self.path.render()).finish()
    }
}

impl<T> EntityHandle<T> {
    /// A handle for the entity at `path`.
    pub fn new(client: Client, path: EntityPath) -> Self {
        EntityHandle {
            client,
            path,
            _type: PhantomData,
        }
    }

    /// The entity's path, e.g. `accounts(00000000-0000-0000-0000-000000000001)`.
    pub fn path(&self) -> &EntityPath {
        &self.path
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// `POST entity/NS.Name`: the action `name` (qualified) bound to this entity, with
    /// `parameters` as its body. The typed methods of the entity's bound actions call it; call
    /// it yourself for an action this SDK does not know.
    pub fn bound_action<'a, B: ?Sized, R, D>(
        &self,
        name: &'static str,
        parameters: &'a B,
    ) -> Request<'a, CallAction<'a, B, R, D>>
    where
        CallAction<'a, B, R, D>: Operation<'a>,
    {
        bound_action(&self.client, self.path.clone(), name, parameters)
    }

    /// `GET entity/NS.Name(..)`: the function `name` (qualified) bound to this entity, with its
    /// parameters as literals. The typed methods of the entity's bound functions call it.
    pub fn bound_function<R, D>(
        &self,
        name: &'static str,
        parameters: Result<Vec<(&'static str, Literal)>>,
    ) -> Request<'static, CallFunction<R, D>>
    where
        CallFunction<R, D>: Operation<'static>,
    {
        bound_function(&self.client, self.path.clone(), name, parameters)
    }
}

impl<T: Structured + serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static> EntityHandle<T> {
    /// `GET`: the record, with typed `$select` and `$expand`.
    pub fn get(&self) -> Request<'static, GetRecord<T>> {
        Request::new(self.client.clone(), GetRecord::new(self.path.clone()))
    }

    /// `PATCH` with only the fields that are set; `If-Match: *` unless another condition is set.
    pub fn update<'a>(&self, changes: &'a T) -> Request<'a, UpdateRecord<Writing<'a, T>, T>> {
        Request::new(
            self.client.clone(),
            UpdateRecord(PatchRecord::new(
                self.path.clone(),
                Writing::new(changes, Purpose::Update),
            )),
        )
    }

    /// `PATCH` with only what changed in a record read with `get().tracked()`: nothing it was
    /// read with (lookups, annotations, formatted values) is sent back unless changed.
    pub fn update_changes<'a>(
        &self,
        tracked: &'a ::dataverse_runtime::Tracked<T>,
    ) -> Request<'a, ::dataverse_runtime::codegen::request::UpdateChanges<'a, T>> {
        Request::new(
            self.client.clone(),
            ::dataverse_runtime::codegen::request::UpdateChanges::new(self.path.clone(), tracked),
        )
    }

    /// `DELETE`.
    pub fn delete(&self) -> Request<'static, DeleteRecord> {
        Request::new(self.client.clone(), DeleteRecord::new(self.path.clone()))
    }

    /// `PUT entity/property` with `{"value": ...}`: sets one property of `T`.
    pub fn set_property<V: serde::Serialize + Send + Sync + 'static>(
        &self,
        property: Property<T, V>,
        value: impl Into<V>,
    ) -> Request<'static, SetProperty<V>> {
        Request::new(
            self.client.clone(),
            SetProperty::new(self.path.clone(), String::from(property.path()), Some(value.into())),
        )
    }

    /// `DELETE entity/property`: clears one property of `T`.
    pub fn clear_property<V: serde::Serialize + Send + Sync + 'static>(
        &self,
        property: Property<T, V>,
    ) -> Request<'static, SetProperty<V>> {
        Request::new(
            self.client.clone(),
            SetProperty::new(self.path.clone(), String::from(property.path()), None),
        )
    }

    /// `POST entity/nav/$ref` with `{"@odata.id": ".../targets(key)"}`: associates an entity
    /// through a collection-valued navigation property.
    pub fn associate<U: Entity>(
        &self,
        navigation: Navigation<T, U>,
        key: impl Into<Key<U>>,
    ) -> Request<'static, Reference> {
        let target = EntityPath::set_path(navigation.target_set).key(key.into().key);
        Request::new(
            self.client.clone(),
            Reference::Associate {
                path: self.path.clone(),
                navigation: navigation.navigation,
                target,
            },
        )
    }

    /// `DELETE entity/nav(key)/$ref`: removes the association.
    pub fn disassociate<U: Entity>(
        &self,
        navigation: Navigation<T, U>,
        key: impl Into<Key<U>>,
    ) -> Request<'static, Reference> {
        Request::new(
            self.client.clone(),
            Reference::Disassociate {
                path: self.path.clone(),
                navigation: navigation.navigation,
                key: key.into().key,
            },
        )
    }

    /// `PUT entity/lookup/$ref`: sets a lookup (single-valued navigation property).
    pub fn set_lookup<U: Entity>(
        &self,
        lookup: Lookup<T, U>,
        key: impl Into<Key<U>>,
    ) -> Request<'static, Reference> {
        let target = EntityPath::set_path(lookup.target_set).key(key.into().key);
        Request::new(
            self.client.clone(),
            Reference::SetLookup {
                path: self.path.clone(),
                navigation: lookup.navigation,
                target,
            },
        )
    }

    /// `DELETE entity/lookup/$ref`: clears a lookup.
    pub fn clear_lookup<U>(&self, lookup: Lookup<T, U>) -> Request<'static, Reference> {
        Request::new(
            self.client.clone(),
            Reference::ClearLookup {
                path: self.path.clone(),
                navigation: lookup.navigation,
            },
        )
    }
}

// ---------------------------------------------------------------------------------------------
// `$batch` through the generated types
// ---------------------------------------------------------------------------------------------

use ::dataverse_runtime::batch as batch_api;

/// A `$batch` built from the generated types (`Service::batch()`): requests and change sets sent
/// in one HTTP request. Each method adds one request, serialized the way the single request
/// would be (a record without its read-only properties), and returns its typed handle; the
/// answer ([`::dataverse_runtime::BatchResponse`]) gives each handle's result
/// (`response.get(&part)`, `response.created(&part)`, `response.result(&part)`) or its own
/// error: the request failed, its change set was rolled back, or it was not run.
///
/// Sent by `.await` or [`TypedBatch::send`]; [`TypedBatch::request`] gives the request to set
/// request options first (impersonation, bypass flags... for the `$batch` request itself).
///
/// ```ignore
/// let accounts = service.accounts();
/// let contacts = service.contacts();
/// let mut batch = service.batch();
/// let (account, contact) = batch.change_set(|cs| {
///     let account = cs.create(&accounts, &new_account);
///     cs.bind(&mut new_contact, Contact::PARENTCUSTOMERID_ACCOUNT, &account); // "$1"
///     (account, cs.create(&contacts, &new_contact))
/// });
/// let read = batch.get(accounts.get(id).select(Account::NAME));
/// let response = batch.await?;
/// let created = response.created(&account)?;
/// let record: Account = response.get(&read)?;
/// ```
pub struct TypedBatch {
    client: Client,
    batch: batch_api::Batch,
    /// The first request that could not be encoded: returned when the batch is sent.
    error: Option<Error>,
}

impl ::core::fmt::Debug for TypedBatch {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("TypedBatch")
            .field("batch", &self.batch)
            .field("error", &self.error)
            .finish()
    }
}

/// Keeps the first encoding error (reported when the batch is sent) and stands in an empty
/// request for the one that failed.
fn batch_request(error: &mut Option<Error>, request: Result<batch_api::BatchRequest>) -> batch_api::BatchRequest {
    request.unwrap_or_else(|e| {
        error.get_or_insert(e);
        batch_api::BatchRequest::relative(::dataverse_runtime::codegen::http::Method::POST, String::new())
    })
}

/// The path of the entity with `key` in `set`.
fn entity_path<T>(set: &EntitySet<T>, key: Key<T>) -> EntityPath {
    EntityPath::set(set.name).key(key.key)
}

impl TypedBatch {
    /// An empty batch sent through `client` (used by the generated service).
    pub fn new(client: Client) -> Self {
        TypedBatch {
            client,
            batch: batch_api::Batch::new(),
            error: None,
        }
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// How many requests were added.
    pub fn len(&self) -> usize {
        self.batch.len()
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.batch.is_empty()
    }

    /// `Prefer: odata.continue-on-error`: the requests after a failed one still run (without it
    /// the service stops at the first failure, and the requests after it are not run).
    pub fn continue_on_error(&mut self) -> &mut Self {
        self.batch.set_continue_on_error(true);
        self
    }

    /// `POST set`: creates `record` (without its read-only properties, with its lookups as
    /// `@odata.bind`).
    pub fn create<T>(&mut self, set: &EntitySet<T>, record: &T) -> batch_api::Part<batch_api::Create<T>>
    where
        T: Structured + serde::de::DeserializeOwned,
    {
        let request = batch_api::BatchRequest::create(set.name, &Writing::new(record, Purpose::Create));
        let request = batch_request(&mut self.error, request);
        self.batch.push(request, batch_api::Create::new())
    }

    /// `PATCH set(key)` with `If-Match: *` (it never creates; set another condition with
    /// [`TypedBatch::options`]): the fields of `changes` that are set.
    pub fn update<T>(
        &mut self,
        set: &EntitySet<T>,
        key: impl Into<Key<T>>,
        changes: &T,
    ) -> batch_api::Part<batch_api::NoContent>
    where
        T: Structured,
    {
        let path = entity_path(set, key.into());
        let request = batch_api::BatchRequest::update(&path, &Writing::new(changes, Purpose::Update));
        let request = batch_request(&mut self.error, request);
        self.batch.push(request, batch_api::NoContent)
    }

    /// `PATCH set(key)` without `If-Match`: updates or creates `record`.
    pub fn upsert<T>(
        &mut self,
        set: &EntitySet<T>,
        key: impl Into<Key<T>>,
        record: &T,
    ) -> batch_api::Part<batch_api::Upsert>
    where
        T: Structured,
    {
        let path = entity_path(set, key.into());
        let request = batch_api::BatchRequest::upsert(&path, &Writing::new(record, Purpose::Create));
        let request = batch_request(&mut self.error, request);
        self.batch.push(request, batch_api::Upsert)
    }

    /// `DELETE set(key)`.
    pub fn delete<T>(&mut self, set: &EntitySet<T>, key: impl Into<Key<T>>) -> batch_api::Part<batch_api::NoContent> {
        let path = entity_path(set, key.into());
        self.batch.push(batch_api::BatchRequest::delete(&path), batch_api::NoContent)
    }

    /// `GET` of one record: the request `set.get(key)` (with its typed `$select`/`$expand` and
    /// its request options), read as `T`.
    pub fn get<T>(&mut self, request: Request<'_, GetRecord<T>>) -> batch_api::Part<batch_api::Read<T>>
    where
        T: serde::de::DeserializeOwned + Send + 'static,
    {
        self.batch.push(batch_api::BatchRequest::from_get(request), batch_api::Read::new())
    }

    /// `GET` of one page: the query `set.query()` (with its typed options and request options).
    pub fn query<T>(&mut self, request: Request<'_, QueryRecords<T>>) -> batch_api::Part<batch_api::ReadPage<T>>
    where
        T: serde::de::DeserializeOwned + Send + 'static,
    {
        self.batch.push(batch_api::BatchRequest::from_query(request), batch_api::ReadPage::new())
    }

    /// `POST path` with `parameters`: an action, read as `Output` the way `D` says
    /// (`NoResult`, `AsBody`, `InValue` of `dataverse_runtime::request`). `path` is what the
    /// generated method calls: `EntityPath::unbound("Name")` for an unbound action,
    /// `handle.path().clone().bound_operation("Namespace.Name")` for a bound one; `name` is the
    /// qualified name, for errors.
    pub fn action<B, Output, D>(
        &mut self,
        path: &EntityPath,
        name: &'static str,
        parameters: &B,
    ) -> batch_api::Part<batch_api::Call<Output, D>>
    where
        B: serde::Serialize + ?Sized,
        D: ::dataverse_runtime::codegen::request::Decode<Output>,
    {
        let request = batch_request(&mut self.error, batch_api::BatchRequest::action(path, parameters));
        self.batch.push(request, batch_api::Call::new(name))
    }

    /// A generated action call (`service.win_opportunity(&params)`, with its request options),
    /// its answer read as the call would read it.
    pub fn call<B, Output, D>(
        &mut self,
        request: Request<'_, ::dataverse_runtime::codegen::request::CallAction<'_, B, Output, D>>,
    ) -> batch_api::Part<batch_api::Call<Output, D>>
    where
        B: serde::Serialize + ?Sized,
        D: ::dataverse_runtime::codegen::request::Decode<Output>,
    {
        let kind = batch_api::Call::of(&request);
        let request = batch_request(&mut self.error, batch_api::BatchRequest::from_action(&request));
        self.batch.push(request, kind)
    }

    /// Sets request options on the request of `part` (`If-Match` with an etag,
    /// `Prefer: return=representation`, impersonation...).
    pub fn options<K>(&mut self, part: &batch_api::Part<K>, options: ::dataverse_runtime::RequestOptions) -> &mut Self {
        self.batch.options(part, &options);
        self
    }

    /// A change set: the requests `fill` adds succeed or fail together, and may reference what
    /// an earlier one of them creates (`$n`). Returns what `fill` returns (its handles).
    pub fn change_set<R>(&mut self, fill: impl FnOnce(&mut TypedChangeSet<'_, '_>) -> R) -> R {
        let error = &mut self.error;
        self.batch.change_set(|cs| fill(&mut TypedChangeSet { cs, error }))
    }

    /// The `$batch` request, to set request options before sending it.
    pub fn request(self) -> Request<'static, batch_api::SendBatch> {
        let batch = match self.error {
            Some(error) => Err(error),
            None => Ok(self.batch),
        };
        Request::new(self.client, batch_api::SendBatch::new(batch))
    }

    /// Sends the batch (the same as `.await`).
    pub fn send(self) -> ::dataverse_runtime::BoxFuture<'static, Result<::dataverse_runtime::BatchResponse>> {
        self.request().send()
    }
}

impl ::core::future::IntoFuture for TypedBatch {
    type Output = Result<::dataverse_runtime::BatchResponse>;
    type IntoFuture = ::dataverse_runtime::BoxFuture<'static, Result<::dataverse_runtime::BatchResponse>>;

    fn into_future(self) -> Self::IntoFuture {
        self.send()
    }
}

/// The requests of one change set of a [`TypedBatch`]: each returns a handle with its
/// Content-ID, which later requests of the same change set reference (`$n`).
pub struct TypedChangeSet<'a, 'b> {
    cs: &'a mut batch_api::ChangeSet<'b>,
    error: &'a mut Option<Error>,
}

impl ::core::fmt::Debug for TypedChangeSet<'_, '_> {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        f.debug_struct("TypedChangeSet").field("change_set", &self.cs).finish()
    }
}

impl TypedChangeSet<'_, '_> {
    /// Notes an error if `part` is not a request of this change set.
    fn check<K>(&mut self, part: &batch_api::Part<K>) {
        if !self.cs.contains(part) {
            self.error.get_or_insert(Error::InvalidArgument(String::from(
                "a Content-ID ($n) is only valid inside its own change set",
            )));
        }
    }

    /// `POST set`: creates `record` (without its read-only properties, with its lookups as
    /// `@odata.bind`).
    pub fn create<T>(&mut self, set: &EntitySet<T>, record: &T) -> batch_api::ChangeSetPart<batch_api::Create<T>>
    where
        T: Structured + serde::de::DeserializeOwned,
    {
        let request = batch_api::BatchRequest::create(set.name, &Writing::new(record, Purpose::Create));
        let request = batch_request(self.error, request);
        self.cs.push(request, batch_api::Create::new())
    }

    /// `POST $n/navigation`: creates `record` related to the entity that `parent` (earlier in
    /// this change set) creates, through a collection-valued navigation property.
    pub fn create_related<P, T>(
        &mut self,
        parent: &batch_api::ChangeSetPart<batch_api::Create<P>>,
        navigation: Navigation<P, T>,
        record: &T,
    ) -> batch_api::ChangeSetPart<batch_api::Create<T>>
    where
        T: Structured + serde::de::DeserializeOwned,
    {
        self.check(parent);
        let path = parent.path().nav(navigation.navigation);
        let request = batch_api::BatchRequest::new(
            ::dataverse_runtime::codegen::http::Method::POST,
            &path,
            &::dataverse_runtime::Query::new(),
        )
        .json(&Writing::new(record, Purpose::Create));
        let request = batch_request(self.error, request);
        self.cs.push(request, batch_api::Create::new())
    }

    /// Sets the lookup `lookup` of `record` to the entity that `target` (earlier in this change
    /// set) creates: `"nav@odata.bind": "$n"`.
    pub fn bind<S: HasBinds, T>(
        &mut self,
        record: &mut S,
        lookup: Lookup<S, T>,
        target: &batch_api::ChangeSetPart<batch_api::Create<T>>,
    ) -> &mut Self {
        self.check(target);
        let bind = Bind::content_id(target.content_id());
        record.binds_mut().0.insert(lookup.navigation, Some(bind));
        self
    }

    /// `PATCH set(key)` with `If-Match: *` (set an etag with [`TypedChangeSet::options`]).
    pub fn update<T>(
        &mut self,
        set: &EntitySet<T>,
        key: impl Into<Key<T>>,
        changes: &T,
    ) -> batch_api::ChangeSetPart<batch_api::NoContent>
    where
        T: Structured,
    {
        let path = entity_path(set, key.into());
        let request = batch_api::BatchRequest::update(&path, &Writing::new(changes, Purpose::Update));
        let request = batch_request(self.error, request);
        self.cs.push(request, batch_api::NoContent)
    }

    /// `PATCH set(key)` without `If-Match`: updates or creates `record`.
    pub fn upsert<T>(
        &mut self,
        set: &EntitySet<T>,
        key: impl Into<Key<T>>,
        record: &T,
    ) -> batch_api::ChangeSetPart<batch_api::Upsert>
    where
        T: Structured,
    {
        let path = entity_path(set, key.into());
        let request = batch_api::BatchRequest::upsert(&path, &Writing::new(record, Purpose::Create));
        let request = batch_request(self.error, request);
        self.cs.push(request, batch_api::Upsert)
    }

    /// `DELETE set(key)`.
    pub fn delete<T>(&mut self, set: &EntitySet<T>, key: impl Into<Key<T>>) -> batch_api::ChangeSetPart<batch_api::NoContent> {
        let path = entity_path(set, key.into());
        self.cs.push(batch_api::BatchRequest::delete(&path), batch_api::NoContent)
    }

    /// `POST path` with `parameters`: an action (see [`TypedBatch::action`]).
    pub fn action<B, Output, D>(
        &mut self,
        path: &EntityPath,
        name: &'static str,
        parameters: &B,
    ) -> batch_api::ChangeSetPart<batch_api::Call<Output, D>>
    where
        B: serde::Serialize + ?Sized,
        D: ::dataverse_runtime::codegen::request::Decode<Output>,
    {
        let request = batch_request(self.error, batch_api::BatchRequest::action(path, parameters));
        self.cs.push(request, batch_api::Call::new(name))
    }

    /// A generated action call in the change set (see [`TypedBatch::call`]).
    pub fn call<B, Output, D>(
        &mut self,
        request: Request<'_, ::dataverse_runtime::codegen::request::CallAction<'_, B, Output, D>>,
    ) -> batch_api::ChangeSetPart<batch_api::Call<Output, D>>
    where
        B: serde::Serialize + ?Sized,
        D: ::dataverse_runtime::codegen::request::Decode<Output>,
    {
        let kind = batch_api::Call::of(&request);
        let request = batch_request(self.error, batch_api::BatchRequest::from_action(&request));
        self.cs.push(request, kind)
    }

    /// Sets request options on the request of `part` (`If-Match` with an etag,
    /// `Prefer: return=representation`, impersonation...).
    pub fn options<K>(&mut self, part: &batch_api::Part<K>, options: ::dataverse_runtime::RequestOptions) -> &mut Self {
        self.check(part);
        self.cs.options(part, &options);
        self
    }
}
