//! Keys, literals and resource paths, with all URL encoding done here.
//!
//! Every value that goes into a URL passes through this module, so a key or parameter value can
//! never change the path or add query options.

use std::fmt;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use uuid::Uuid;

use crate::values::{Date, DateTimeOffset, Decimal, TimeOfDay};

/// Characters escaped inside a path segment: everything but unreserved characters, `'` (the
/// OData string quote, doubled inside strings) and `,`/`=`/`:` which are harmless there.
const SEGMENT_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'\'')
    .remove(b':');

/// Characters escaped in names (entity sets, properties, navigation properties, operations):
/// only `[A-Za-z0-9_.-]` stay as they are.
const NAME: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_');

/// Characters escaped in a query option value: all but unreserved characters and a few that are
/// harmless after the `&`/`=` split and keep URLs readable.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b',')
    .remove(b'/')
    .remove(b'(')
    .remove(b')')
    .remove(b'$')
    .remove(b'@')
    .remove(b':')
    .remove(b'*');

/// Percent-encodes a name (entity set, property, operation).
pub(crate) fn encode_name(s: &str) -> String {
    // `Cow` is borrowed when nothing needs encoding: one allocation of the exact size.
    std::borrow::Cow::from(utf8_percent_encode(s, NAME)).into_owned()
}

/// Appends `s` percent-encoded with `set` to `out` (no intermediate `String`).
fn push_encoded(out: &mut String, s: &str, set: &'static AsciiSet) {
    for chunk in utf8_percent_encode(s, set) {
        out.push_str(chunk);
    }
}

/// Percent-encodes a query option value.
pub fn encode_query_value(s: &str) -> String {
    utf8_percent_encode(s, QUERY_VALUE).to_string()
}

/// An OData literal, as used in keys, `$filter` helpers and function parameters.
///
/// [`Literal::to_odata`] gives the literal as OData writes it (not URL-encoded):
/// `'O''Neil'`, `00000000-0000-0000-0000-000000000001`, `true`, `42`, `12.50`,
/// `2024-01-02T03:04:05Z`, `2024-01-02`, `Microsoft.Dynamics.CRM.Type'Member'`, `null`, or JSON
/// (`{"@odata.id":"accounts(...)"}`) for entity and collection parameters.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Literal {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// Any integer (Edm.Int16/32/64, Byte).
    Int(i64),
    /// Edm.Double.
    Double(f64),
    /// Edm.Decimal, exact.
    Decimal(Decimal),
    /// Edm.String: quoted, with `'` doubled.
    String(String),
    /// Edm.Guid: bare.
    Guid(Uuid),
    /// Edm.DateTimeOffset.
    DateTimeOffset(DateTimeOffset),
    /// Edm.Date.
    Date(Date),
    /// Edm.TimeOfDay.
    TimeOfDay(TimeOfDay),
    /// An enum value: `type_name` is the qualified type (`Microsoft.Dynamics.CRM.EntityFilters`),
    /// `members` one member or a comma-separated list of flags.
    Enum {
        /// Qualified enum type name.
        type_name: String,
        /// Member name(s).
        members: String,
    },
    /// JSON, for entity, complex and collection parameters.
    Json(serde_json::Value),
}

impl Literal {
    /// An enum literal, e.g. `Literal::enumeration("Microsoft.Dynamics.CRM.EntityFilters", "Entity")`.
    pub fn enumeration(type_name: impl Into<String>, members: impl Into<String>) -> Self {
        Literal::Enum {
            type_name: type_name.into(),
            members: members.into(),
        }
    }

    /// An entity reference parameter: `{"@odata.id":"<set>(<key>)"}`.
    pub fn entity_ref(path: &EntityPath) -> Self {
        Literal::Json(serde_json::json!({ "@odata.id": path.to_string() }))
    }

    /// JSON literal from any serializable value.
    pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> Result<Self, crate::Error> {
        serde_json::to_value(value)
            .map(Literal::Json)
            .map_err(crate::Error::Encode)
    }

    /// The literal as written in OData (before URL encoding).
    pub fn to_odata(&self) -> String {
        match self {
            Literal::Null => "null".into(),
            Literal::Bool(b) => b.to_string(),
            Literal::Int(i) => i.to_string(),
            Literal::Double(d) => {
                if d.is_nan() {
                    "NaN".into()
                } else if d.is_infinite() {
                    if *d > 0.0 {
                        "INF".into()
                    } else {
                        "-INF".into()
                    }
                } else {
                    let s = format!("{d:?}");
                    s
                }
            }
            Literal::Decimal(d) => d.as_str().to_owned(),
            Literal::String(s) => format!("'{}'", s.replace('\'', "''")),
            Literal::Guid(g) => g.hyphenated().to_string(),
            Literal::DateTimeOffset(d) => d.to_string(),
            Literal::Date(d) => d.to_string(),
            Literal::TimeOfDay(t) => t.to_string(),
            Literal::Enum { type_name, members } => {
                format!("{type_name}'{}'", members.replace('\'', "''"))
            }
            Literal::Json(v) => v.to_string(),
        }
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_odata())
    }
}

macro_rules! literal_from {
    ($($t:ty => $v:ident $(as $c:ty)?),* $(,)?) => {$(
        impl From<$t> for Literal {
            fn from(x: $t) -> Self { Literal::$v(x $(as $c)?) }
        }
    )*};
}
literal_from!(
    bool => Bool, i8 => Int as i64, i16 => Int as i64, i32 => Int as i64, i64 => Int,
    u8 => Int as i64, u16 => Int as i64, u32 => Int as i64, f64 => Double,
    Decimal => Decimal, String => String, Uuid => Guid, DateTimeOffset => DateTimeOffset,
    Date => Date, TimeOfDay => TimeOfDay, serde_json::Value => Json,
);

impl From<&str> for Literal {
    fn from(s: &str) -> Self {
        Literal::String(s.to_owned())
    }
}

impl From<&String> for Literal {
    fn from(s: &String) -> Self {
        Literal::String(s.clone())
    }
}

impl<T: Into<Literal>> From<Option<T>> for Literal {
    fn from(o: Option<T>) -> Self {
        o.map_or(Literal::Null, Into::into)
    }
}

/// The key of an entity: a single value (`accounts(<guid>)`) or named values for alternate and
/// composite keys (`accounts(accountnumber='A-1')`, `x(a=1,b='z')`).
#[derive(Debug, Clone, PartialEq)]
pub enum EntityKey {
    /// A single-valued key (usually the primary key Guid).
    Single(Literal),
    /// Named key values (alternate or composite keys), in order.
    Named(Vec<(String, Literal)>),
}

impl EntityKey {
    /// The primary key Guid.
    pub fn id(id: Uuid) -> Self {
        EntityKey::Single(Literal::Guid(id))
    }

    /// An alternate or composite key from `(property, value)` pairs.
    pub fn alternate<N, V, I>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (N, V)>,
        N: Into<String>,
        V: Into<Literal>,
    {
        EntityKey::Named(
            pairs
                .into_iter()
                .map(|(n, v)| (n.into(), v.into()))
                .collect(),
        )
    }

    /// The key inside the parentheses, URL-encoded.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(self.rendered_len_hint());
        self.render_into(&mut out);
        out
    }

    /// About how long the rendered key is (exact for a Guid).
    fn rendered_len_hint(&self) -> usize {
        match self {
            EntityKey::Single(Literal::Guid(_)) => uuid::fmt::Hyphenated::LENGTH,
            EntityKey::Single(_) => 16,
            EntityKey::Named(pairs) => pairs.len() * 24,
        }
    }

    /// Appends the key inside the parentheses, URL-encoded, to `out`: what [`EntityKey::render`]
    /// gives.
    fn render_into(&self, out: &mut String) {
        match self {
            EntityKey::Single(l) => push_literal(out, l),
            EntityKey::Named(pairs) => {
                for (i, (n, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    push_encoded(out, n, NAME);
                    out.push('=');
                    push_literal(out, v);
                }
            }
        }
    }
}

/// Appends a literal as a path segment value, URL-encoded with `SEGMENT_VALUE`.
fn push_literal(out: &mut String, l: &Literal) {
    match l {
        // Hex digits and `-`: nothing to encode, and no intermediate `String`.
        Literal::Guid(g) => {
            out.push_str(
                g.hyphenated()
                    .encode_lower(&mut uuid::Uuid::encode_buffer()),
            );
        }
        other => push_encoded(out, &other.to_odata(), SEGMENT_VALUE),
    }
}

impl From<Uuid> for EntityKey {
    fn from(id: Uuid) -> Self {
        EntityKey::id(id)
    }
}

impl From<Literal> for EntityKey {
    fn from(l: Literal) -> Self {
        EntityKey::Single(l)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Segment {
    /// Already-encoded text (names, `$ref`, `$value`, `$n`).
    Raw(String),
    /// `(key)` appended to the previous segment.
    Key(EntityKey),
}

/// A path relative to the service root, e.g.
/// `EntityPath::set("accounts").key(id).nav("contact_customer_accounts")` renders as
/// `accounts(<id>)/contact_customer_accounts`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntityPath {
    segments: Vec<Segment>,
}

impl EntityPath {
    /// The service root itself (for unbound functions: `EntityPath::root()`).
    pub fn root() -> Self {
        EntityPath::default()
    }

    /// An entity set (`accounts`). Every character of `name` that is not `[A-Za-z0-9_.-]` is
    /// encoded, `/` included.
    pub fn set(name: &str) -> Self {
        EntityPath::first(encode_name(name))
    }

    /// A path of one already-encoded segment, with room for a key after it (the usual
    /// `set(key)`) without growing.
    fn first(raw: String) -> Self {
        let mut segments = Vec::with_capacity(2);
        segments.push(Segment::Raw(raw));
        EntityPath { segments }
    }

    /// A collection by its path of names (`root/notes`: a contained collection, as a navigation
    /// binding's target path names it): each name is encoded on its own, the `/` between them
    /// kept. A plain set name gives the same as [`EntityPath::set`].
    pub fn set_path(path: &str) -> Self {
        let mut raw = String::with_capacity(path.len());
        for (i, name) in path.split('/').enumerate() {
            if i > 0 {
                raw.push('/');
            }
            push_encoded(&mut raw, name, NAME);
        }
        EntityPath::first(raw)
    }

    /// An entity: `set(key)`.
    pub fn entity(set: &str, key: impl Into<EntityKey>) -> Self {
        Self::set(set).key(key)
    }

    /// An unbound action or function import, or a singleton: `Name`.
    pub fn unbound(name: &str) -> Self {
        Self::set(name)
    }

    /// The entity created by the batch request with that Content-ID: `$n`.
    pub fn content_id(id: crate::batch::ContentId) -> Self {
        EntityPath {
            segments: vec![Segment::Raw(format!("${}", id.0))],
        }
    }

    /// Adds `(key)` to the last segment.
    pub fn key(mut self, key: impl Into<EntityKey>) -> Self {
        self.segments.push(Segment::Key(key.into()));
        self
    }

    /// Adds a navigation property segment.
    pub fn nav(self, name: &str) -> Self {
        self.push_name(name)
    }

    /// Adds a structural property segment.
    pub fn property(self, name: &str) -> Self {
        self.push_name(name)
    }

    /// Adds a bound operation segment; use the full name (`Microsoft.Dynamics.CRM.WinOpportunity`).
    pub fn bound_operation(self, qualified_name: &str) -> Self {
        self.push_name(qualified_name)
    }

    /// Adds `/$ref`.
    pub fn reference(mut self) -> Self {
        self.segments.push(Segment::Raw("$ref".into()));
        self
    }

    /// Adds `/$value`.
    pub fn raw_value(mut self) -> Self {
        self.segments.push(Segment::Raw("$value".into()));
        self
    }

    /// Adds `/$count`.
    pub fn count(mut self) -> Self {
        self.segments.push(Segment::Raw("$count".into()));
        self
    }

    fn push_name(mut self, name: &str) -> Self {
        self.segments.push(Segment::Raw(encode_name(name)));
        self
    }

    /// Whether this is the service root.
    pub fn is_root(&self) -> bool {
        self.segments.is_empty()
    }

    /// The encoded path relative to the service root.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(self.rendered_len_hint());
        self.render_into(&mut out);
        out
    }

    /// About how long the rendered path is (exact for names and Guid keys).
    pub(crate) fn rendered_len_hint(&self) -> usize {
        self.segments
            .iter()
            .map(|s| match s {
                Segment::Raw(r) => r.len() + 1,
                Segment::Key(k) => k.rendered_len_hint() + 2,
            })
            .sum()
    }

    /// Appends the encoded path to `out`: what [`EntityPath::render`] gives.
    pub(crate) fn render_into(&self, out: &mut String) {
        for (i, s) in self.segments.iter().enumerate() {
            match s {
                Segment::Raw(r) => {
                    if i > 0 {
                        out.push('/');
                    }
                    out.push_str(r);
                }
                Segment::Key(k) => {
                    out.push('(');
                    k.render_into(out);
                    out.push(')');
                }
            }
        }
    }
}

impl fmt::Display for EntityPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// Renders a function call `Name(P1=@p1,P2=@p2)?@p1=<v1>&@p2=<v2>` (path part and query part).
pub(crate) fn function_call(name: &str, params: &[(&str, Literal)]) -> (String, String) {
    let mut path = encode_name(name);
    path.push('(');
    let mut query = Vec::new();
    for (i, (p, v)) in params.iter().enumerate() {
        if i > 0 {
            path.push(',');
        }
        path.push_str(&format!("{}=@p{}", encode_name(p), i + 1));
        query.push(format!("@p{}={}", i + 1, encode_query_value(&v.to_odata())));
    }
    path.push(')');
    (path, query.join("&"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_keys_are_quoted_and_encoded() {
        let p = EntityPath::entity("accounts", Literal::from("O'Neil & Co/1?x"));
        assert_eq!(p.render(), "accounts('O''Neil%20%26%20Co%2F1%3Fx')");
    }

    #[test]
    fn injection_cannot_change_path() {
        let p = EntityPath::entity("accounts", Literal::from("')/$ref?$filter="));
        let r = p.render();
        assert_eq!(r, "accounts('''%29%2F%24ref%3F%24filter%3D')");
        assert!(!r.contains('?') && !r.contains('/') && !r.contains('$'));
    }

    #[test]
    fn alternate_and_composite_keys() {
        let p = EntityPath::entity(
            "accounts",
            EntityKey::alternate([("accountnumber", Literal::from("A-1")), ("n", 3.into())]),
        );
        assert_eq!(p.render(), "accounts(accountnumber='A-1',n=3)");
    }

    #[test]
    fn enum_and_function_params() {
        let (path, q) = function_call(
            "RetrieveEntity",
            &[
                (
                    "EntityFilters",
                    Literal::enumeration("Microsoft.Dynamics.CRM.EntityFilters", "Entity"),
                ),
                ("LogicalName", "account".into()),
            ],
        );
        assert_eq!(path, "RetrieveEntity(EntityFilters=@p1,LogicalName=@p2)");
        assert_eq!(
            q,
            "@p1=Microsoft.Dynamics.CRM.EntityFilters%27Entity%27&@p2=%27account%27"
        );
    }

    #[test]
    fn binds_render_like_the_path() {
        let id = Uuid::parse_str("00000000-0000-0000-0000-0000000000aB").unwrap();
        let path = EntityPath::set_path("accounts").key(id);
        let bind = crate::Bind::path(&path);
        assert_eq!(
            bind.as_str(),
            "/accounts(00000000-0000-0000-0000-0000000000ab)"
        );
        assert_eq!(bind.as_str(), format!("/{}", path.render()));
        assert_eq!(crate::Bind::to("accounts", id), bind);
        let odd = EntityPath::set_path("root/no tes?").key(EntityKey::alternate([
            ("k ey", Literal::from("O'Neil/é")),
            ("n", Literal::from(3)),
        ]));
        assert_eq!(
            crate::Bind::path(&odd).as_str(),
            "/root/no%20tes%3F(k%20ey='O''Neil%2F%C3%A9',n=3)"
        );
        assert_eq!(
            EntityKey::id(id).render(),
            "00000000-0000-0000-0000-0000000000ab"
        );
        let root_key = EntityPath::root().key(Literal::from(1)).nav("x");
        assert_eq!(root_key.render(), "(1)/x");
        assert_eq!(EntityPath::set("").nav("x").render(), "/x");
    }

    #[test]
    fn names_are_encoded() {
        assert_eq!(EntityPath::set("a/b?c").render(), "a%2Fb%3Fc");
        assert_eq!(
            EntityPath::set_path("root/no tes?").render(),
            "root/no%20tes%3F"
        );
        assert_eq!(EntityPath::set_path("accounts").render(), "accounts");
    }
}
