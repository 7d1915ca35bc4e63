//! Value types that cannot lose data on the way through JSON.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::Serializer;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::path::{EntityKey, EntityPath};

// ---------------------------------------------------------------------------------------------
// Field<T>
// ---------------------------------------------------------------------------------------------

/// A property that is either not set, explicitly `null`, or a value.
///
/// Use it in generated structs as
/// `#[serde(default, skip_serializing_if = "Field::is_unset")] pub name: Field<String>` so
/// that a PATCH sends exactly the properties the caller set (an unset field is never
/// serialized; `Null` clears the column).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Field<T> {
    /// Not set: absent from the JSON.
    #[default]
    Unset,
    /// Explicit `null`.
    Null,
    /// A value.
    Value(T),
}

impl<T> Field<T> {
    /// Whether the field is unset (for `skip_serializing_if`).
    pub fn is_unset(&self) -> bool {
        matches!(self, Field::Unset)
    }

    /// Whether the field is explicitly null.
    pub fn is_null(&self) -> bool {
        matches!(self, Field::Null)
    }

    /// The value, if there is one.
    pub fn value(&self) -> Option<&T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The value, if there is one (`Unset` and `Null` both give `None`).
    pub fn into_option(self) -> Option<T> {
        match self {
            Field::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Borrowing view.
    pub fn as_ref(&self) -> Field<&T> {
        match self {
            Field::Unset => Field::Unset,
            Field::Null => Field::Null,
            Field::Value(v) => Field::Value(v),
        }
    }

    /// Sets a value.
    pub fn set(&mut self, v: T) {
        *self = Field::Value(v);
    }

    /// Sets `null`.
    pub fn clear(&mut self) {
        *self = Field::Null;
    }

    /// Back to unset (the field will not be sent).
    pub fn unset(&mut self) {
        *self = Field::Unset;
    }
}

impl<T> From<T> for Field<T> {
    fn from(v: T) -> Self {
        Field::Value(v)
    }
}

impl<T> From<Option<T>> for Field<T> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Field::Null, Field::Value)
    }
}

impl<T: Serialize> Serialize for Field<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            // Unset should be skipped by `skip_serializing_if`; if not, null is the only choice.
            Field::Unset | Field::Null => s.serialize_none(),
            Field::Value(v) => s.serialize_some(v),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(d).map(Field::from)
    }
}

/// A value the service sets and a client never writes: a Dataverse column valid neither for
/// create nor for update, a lookup value (`_parentaccountid_value`), a computed property.
///
/// It reads like the [`Field`] it wraps (`record.createdon.value()`), is filled when a record is
/// read, and kept when a record is serialized as a whole; but nothing outside the runtime can
/// give it a value, so setting a read-only column does not compile:
///
/// ```compile_fail,E0308
/// use dataverse_runtime::{Field, ReadOnly};
/// let mut createdon: ReadOnly<i32> = ReadOnly::default();
/// createdon = Field::Value(1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ReadOnly<T>(Field<T>);

impl<T> Default for ReadOnly<T> {
    fn default() -> Self {
        ReadOnly(Field::Unset)
    }
}

impl<T> std::ops::Deref for ReadOnly<T> {
    type Target = Field<T>;
    fn deref(&self) -> &Field<T> {
        &self.0
    }
}

impl<T> ReadOnly<T> {
    /// The field, owned.
    pub fn into_field(self) -> Field<T> {
        self.0
    }
}

impl<T: Serialize> Serialize for ReadOnly<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for ReadOnly<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Field::deserialize(d).map(ReadOnly)
    }
}

// ---------------------------------------------------------------------------------------------
// Decimal
// ---------------------------------------------------------------------------------------------

/// The token serde_json uses to hand out the raw text of a value (its `RawValue`).
const RAW_TOKEN: &str = "$serde_json::private::RawValue";

/// An exact `Edm.Decimal` (also usable for `Edm.Money`): the JSON number's text is kept as it
/// arrived, so `12345678901234.1234567890` goes back byte for byte. No `f64` on the way.
///
/// Read from JSON numbers (exactly, when deserialized by `serde_json`) and from strings (as sent
/// with `IEEE754Compatible=true`); written as a JSON number.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

impl Decimal {
    /// The decimal's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Lossy conversion for arithmetic on the caller's side.
    pub fn to_f64(&self) -> f64 {
        self.0.parse().unwrap_or(f64::NAN)
    }

    fn validate(s: &str) -> bool {
        let b = s.as_bytes();
        let mut i = 0;
        if b.first() == Some(&b'-') {
            i += 1;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
        if i < b.len() && b[i] == b'.' {
            i += 1;
            let f = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == f {
                return false;
            }
        }
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            i += 1;
            if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
                i += 1;
            }
            let e = i;
            while i < b.len() && b[i].is_ascii_digit() {
                i += 1;
            }
            if i == e {
                return false;
            }
        }
        i == b.len()
    }
}

impl FromStr for Decimal {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        if Decimal::validate(t) {
            Ok(Decimal(t.to_owned()))
        } else {
            Err(crate::Error::InvalidArgument(format!(
                "not a decimal number: {s:?}"
            )))
        }
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Decimal({})", self.0)
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! decimal_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Decimal {
            fn from(v: $t) -> Self { Decimal(v.to_string()) }
        }
    )*};
}
decimal_from_int!(i8, i16, i32, i64, u8, u16, u32, u64);

impl Decimal {
    /// Whether the text is a JSON number as it stands (JSON has no leading zeros: `007`).
    fn is_json_number(&self) -> bool {
        let digits = self.0.strip_prefix('-').unwrap_or(&self.0).as_bytes();
        let leading_zero = digits.len() > 1 && digits[0] == b'0' && digits[1].is_ascii_digit();
        !leading_zero && Decimal::validate(&self.0)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct as _;
        // serde_json writes a RawValue's text verbatim: the number keeps every digit.
        if self.is_json_number() {
            // What `RawValue::serialize` does, without copying the text into a `RawValue`
            // first: the text is already valid JSON.
            let mut raw = s.serialize_struct(RAW_TOKEN, 1)?;
            raw.serialize_field(RAW_TOKEN, self.0.as_str())?;
            raw.end()
        } else {
            // Not valid JSON: `RawValue` refuses it, with its own error.
            let raw = RawValue::from_string(self.0.clone()).map_err(serde::ser::Error::custom)?;
            raw.serialize(s)
        }
    }
}

/// Text handed out by a deserializer: borrowed from the input when it can be, owned otherwise
/// (the `String` a deserializer built is taken, not copied).
enum Text<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Text<'_> {
    fn as_str(&self) -> &str {
        match self {
            Text::Borrowed(s) => s,
            Text::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;

            // As `String`'s, so that errors read the same.
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text::Borrowed(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text::Owned(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text::Owned(v))
            }

            fn visit_borrowed_bytes<E: de::Error>(self, v: &'de [u8]) -> Result<Text<'de>, E> {
                match std::str::from_utf8(v) {
                    Ok(s) => Ok(Text::Borrowed(s)),
                    Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(v), &self)),
                }
            }

            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Text<'de>, E> {
                match std::str::from_utf8(v) {
                    Ok(s) => Ok(Text::Owned(s.to_owned())),
                    Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(v), &self)),
                }
            }

            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> Result<Text<'de>, E> {
                match String::from_utf8(v) {
                    Ok(s) => Ok(Text::Owned(s)),
                    Err(e) => Err(E::invalid_value(
                        de::Unexpected::Bytes(&e.into_bytes()),
                        &self,
                    )),
                }
            }
        }
        d.deserialize_string(TextVisitor)
    }
}

struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number or a string holding one")
    }

    // serde_json (from text or from a Value) hands the raw text as a one-entry map: borrowed
    // from the input when it reads a slice or a `str`, so the decimal's own `String` is the only
    // allocation.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        let _key: Option<de::IgnoredAny> = map.next_key()?;
        let raw: Text<'de> = map.next_value()?;
        let raw = raw.as_str().trim();
        if raw.starts_with('"') {
            let text = serde_json::from_str::<String>(raw).map_err(de::Error::custom)?;
            text.parse().map_err(de::Error::custom)
        } else {
            raw.parse().map_err(de::Error::custom)
        }
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Decimal, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        v.parse().map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        // Only reached through buffering deserializers (untagged enums, flatten): best effort.
        if v.is_finite() {
            Ok(Decimal(format!("{v}")))
        } else {
            Err(E::custom("decimal is not finite"))
        }
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_newtype_struct(RAW_TOKEN, DecimalVisitor)
    }
}

// ---------------------------------------------------------------------------------------------
// Date and time
// ---------------------------------------------------------------------------------------------

macro_rules! string_serde {
    ($t:ty, $what:literal) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_string(ParseStr::<$t>::new(concat!("invalid ", $what)))
            }
        }
    };
}

/// Parses a value from the text a deserializer hands out, borrowed or not, without copying it
/// into a `String` first; accepts what `String` accepts (text, UTF-8 bytes).
struct ParseStr<T> {
    invalid: &'static str,
    _type: std::marker::PhantomData<fn() -> T>,
}

impl<T> ParseStr<T> {
    fn new(invalid: &'static str) -> Self {
        ParseStr {
            invalid,
            _type: std::marker::PhantomData,
        }
    }
}

impl<T: FromStr> Visitor<'_> for ParseStr<T> {
    type Value = T;

    // As `String`'s, so that errors read the same.
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(|_| E::custom(self.invalid))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<T, E> {
        match std::str::from_utf8(v) {
            Ok(s) => self.visit_str(s),
            Err(_) => Err(E::invalid_value(de::Unexpected::Bytes(v), &self)),
        }
    }
}

/// `Edm.DateTimeOffset`, RFC 3339 on the wire (`2024-05-01T10:00:00Z`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DateTimeOffset(pub time::OffsetDateTime);

impl fmt::Display for DateTimeOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self
            .0
            .format(&time::format_description::well_known::Rfc3339)
            .map_err(|_| fmt::Error)?;
        f.write_str(&s)
    }
}

impl FromStr for DateTimeOffset {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
            .map(DateTimeOffset)
            .map_err(|e| {
                crate::Error::InvalidArgument(format!("invalid DateTimeOffset {s:?}: {e}"))
            })
    }
}
string_serde!(DateTimeOffset, "Edm.DateTimeOffset");

/// `Edm.Date` (`2024-05-01`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(pub time::Date);

const DATE_FMT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]");

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.format(DATE_FMT).map_err(|_| fmt::Error)?)
    }
}

impl FromStr for Date {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        time::Date::parse(s, DATE_FMT)
            .map(Date)
            .map_err(|e| crate::Error::InvalidArgument(format!("invalid Date {s:?}: {e}")))
    }
}
string_serde!(Date, "Edm.Date");

/// `Edm.TimeOfDay` (`13:45:00` or `13:45:00.1234567`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimeOfDay(pub time::Time);

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        write!(f, "{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second())?;
        let ns = t.nanosecond();
        if ns != 0 {
            let frac = format!("{ns:09}");
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        Ok(())
    }
}

impl FromStr for TimeOfDay {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || crate::Error::InvalidArgument(format!("invalid TimeOfDay {s:?}"));
        let (hms, frac) = s.split_once('.').unwrap_or((s, ""));
        let parts: Vec<&str> = hms.split(':').collect();
        if parts.len() < 2 || parts.len() > 3 || frac.len() > 9 {
            return Err(bad());
        }
        let num = |p: &str| {
            if p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()) {
                p.parse::<u8>().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        let (h, m) = (num(parts[0])?, num(parts[1])?);
        let sec = if parts.len() == 3 { num(parts[2])? } else { 0 };
        let ns = if frac.is_empty() {
            0
        } else if frac.bytes().all(|b| b.is_ascii_digit()) {
            format!("{frac:0<9}").parse::<u32>().map_err(|_| bad())?
        } else {
            return Err(bad());
        };
        time::Time::from_hms_nano(h, m, sec, ns)
            .map(TimeOfDay)
            .map_err(|_| bad())
    }
}
string_serde!(TimeOfDay, "Edm.TimeOfDay");

/// `Edm.Duration` as an ISO 8601 day-time duration (`P1DT2H3M4.5S`, `-PT30M`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Duration(pub time::Duration);

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if d.is_negative() {
            f.write_str("-")?;
        }
        let total = d.unsigned_abs();
        let secs = total.as_secs();
        let nanos = total.subsec_nanos();
        let (days, rem) = (secs / 86_400, secs % 86_400);
        let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
        f.write_str("P")?;
        if days > 0 {
            write!(f, "{days}D")?;
        }
        if h == 0 && m == 0 && s == 0 && nanos == 0 {
            if days == 0 {
                f.write_str("T0S")?;
            }
            return Ok(());
        }
        f.write_str("T")?;
        if h > 0 {
            write!(f, "{h}H")?;
        }
        if m > 0 {
            write!(f, "{m}M")?;
        }
        if s > 0 || nanos > 0 {
            write!(f, "{s}")?;
            if nanos > 0 {
                let frac = format!("{nanos:09}");
                write!(f, ".{}", frac.trim_end_matches('0'))?;
            }
            f.write_str("S")?;
        }
        Ok(())
    }
}

impl FromStr for Duration {
    type Err = crate::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || crate::Error::InvalidArgument(format!("invalid Duration {s:?}"));
        let (neg, rest) = match s.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, s.strip_prefix('+').unwrap_or(s)),
        };
        let rest = rest.strip_prefix('P').ok_or_else(bad)?;
        let (date, time_part) = match rest.split_once('T') {
            Some((d, t)) => (d, Some(t)),
            None => (rest, None),
        };
        let mut nanos: i128 = 0;
        let mut any = false;
        if !date.is_empty() {
            let days = date.strip_suffix('D').ok_or_else(bad)?;
            let days: i128 = days.parse().map_err(|_| bad())?;
            nanos += days * 86_400 * 1_000_000_000;
            any = true;
        }
        if let Some(t) = time_part {
            if t.is_empty() {
                return Err(bad());
            }
            let mut num = String::new();
            let mut last = 0u8;
            for c in t.chars() {
                let unit: i128 = match c {
                    'H' => 3600,
                    'M' => 60,
                    'S' => 1,
                    '0'..='9' | '.' => {
                        num.push(c);
                        continue;
                    }
                    _ => return Err(bad()),
                };
                let order = match c {
                    'H' => 1,
                    'M' => 2,
                    _ => 3,
                };
                if order <= last || num.is_empty() {
                    return Err(bad());
                }
                last = order;
                let (int, frac) = num.split_once('.').unwrap_or((&num, ""));
                if !frac.is_empty() && c != 'S' || frac.len() > 9 {
                    return Err(bad());
                }
                let int: i128 = int.parse().map_err(|_| bad())?;
                let frac_ns: i128 = if frac.is_empty() {
                    0
                } else {
                    format!("{frac:0<9}").parse().map_err(|_| bad())?
                };
                nanos += int * unit * 1_000_000_000 + frac_ns;
                num.clear();
                any = true;
            }
            if !num.is_empty() {
                return Err(bad());
            }
        }
        if !any {
            return Err(bad());
        }
        if neg {
            nanos = -nanos;
        }
        let secs = i64::try_from(nanos / 1_000_000_000).map_err(|_| bad())?;
        let sub = (nanos % 1_000_000_000) as i32;
        Ok(Duration(time::Duration::new(secs, sub)))
    }
}
string_serde!(Duration, "Edm.Duration");

/// `Edm.Binary`: bytes, standard base64 on the wire.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Binary(pub Vec<u8>);

impl fmt::Debug for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Binary({} bytes)", self.0.len())
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = Text::deserialize(d)?;
        let s = s.as_str();
        base64::engine::general_purpose::STANDARD
            .decode(s.as_bytes())
            .or_else(|_| base64::engine::general_purpose::URL_SAFE.decode(s.as_bytes()))
            .map(Binary)
            .map_err(de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------------------
// Bind, ODataType, ETag
// ---------------------------------------------------------------------------------------------

/// A lookup value for `"nav@odata.bind"`: `"/accounts(<id>)"`, or `"$1"` for the entity created
/// by an earlier request of the same batch change set.
///
/// Generated structs use it as
/// `#[serde(rename = "parentcustomerid_account@odata.bind", default, skip_serializing_if = "Field::is_unset")]
/// pub parentcustomerid_account: Field<Bind>` (set `Field::Null` only where the service accepts
/// it; clearing a lookup is done with [`crate::Client::clear_reference`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Bind(String);

impl Bind {
    /// A reference to `set(key)`.
    pub fn to(set: &str, key: impl Into<EntityKey>) -> Self {
        Bind::path(&EntityPath::entity(set, key))
    }

    /// A reference to any entity path.
    pub fn path(path: &EntityPath) -> Self {
        // `/` and the path written into one `String` of the right size.
        let mut text = String::with_capacity(1 + path.rendered_len_hint());
        text.push('/');
        path.render_into(&mut text);
        Bind(text)
    }

    /// A reference to the entity created by the batch request with that Content-ID (`$n`).
    pub fn content_id(id: crate::batch::ContentId) -> Self {
        Bind(format!("${}", id.0))
    }

    /// The wire text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Serialize for Bind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Bind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Bind)
    }
}

/// The value of `"@odata.type"`, e.g. `#Microsoft.Dynamics.CRM.letter`-style qualified names.
///
/// Use in generated structs whose declared type is a base type (`activitypointer`,
/// `crmbaseentity`, `principal`) as
/// `#[serde(rename = "@odata.type", default, skip_serializing_if = "Option::is_none")]
/// pub odata_type: Option<ODataType>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ODataType(String);

impl ODataType {
    /// `Microsoft.Dynamics.CRM.<name>`.
    pub fn crm(entity_logical_name: &str) -> Self {
        ODataType(format!("Microsoft.Dynamics.CRM.{entity_logical_name}"))
    }

    /// Any qualified type name (a leading `#`, as the service writes it, is kept).
    pub fn new(qualified: impl Into<String>) -> Self {
        ODataType(qualified.into())
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The unqualified name (`letter` for `#Microsoft.Dynamics.CRM.letter`).
    pub fn name(&self) -> &str {
        self.0.rsplit('.').next().unwrap_or(&self.0)
    }
}

/// An entity tag (`W/"12345"`), from `@odata.etag` or the `ETag` header.
///
/// Generated structs can read it with
/// `#[serde(rename = "@odata.etag", default, skip_serializing)] pub etag: Option<ETag>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ETag(pub String);

impl ETag {
    /// Wraps the tag text as the service sent it.
    pub fn new(tag: impl Into<String>) -> Self {
        ETag(tag.into())
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// ---------------------------------------------------------------------------------------------
// Extra
// ---------------------------------------------------------------------------------------------

/// Unknown properties and annotations of a record. Use it as
/// `#[serde(flatten)] pub extra: Extra` and read annotations through [`ExtraExt`].
///
/// Everything is kept when reading. When writing, annotations (`prop@term`, `@odata.*`) are
/// left out, since the service does not accept them, except `nav@odata.bind`.
///
/// Numbers in here pass through `serde_json::Value`: use [`crate::Tracked`] when unknown
/// decimal properties must survive byte for byte.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(transparent)]
pub struct Extra(pub serde_json::Map<String, serde_json::Value>);

impl std::ops::Deref for Extra {
    type Target = serde_json::Map<String, serde_json::Value>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Extra {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl From<serde_json::Map<String, serde_json::Value>> for Extra {
    fn from(m: serde_json::Map<String, serde_json::Value>) -> Self {
        Extra(m)
    }
}

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        for (k, v) in self.0.iter().filter(|(k, _)| writable_key(k)) {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// Whether a JSON key can be written to the service: properties and `nav@odata.bind`, not
/// annotations.
pub(crate) fn writable_key(key: &str) -> bool {
    match key.find('@') {
        None => true,
        Some(0) => false,
        Some(_) => key.ends_with("@odata.bind"),
    }
}

/// The formatted-value annotation.
pub const FORMATTED_VALUE: &str = "OData.Community.Display.V1.FormattedValue";
/// The lookup logical name annotation.
pub const LOOKUP_LOGICAL_NAME: &str = "Microsoft.Dynamics.CRM.lookuplogicalname";
/// The navigation property name annotation of a lookup.
pub const ASSOCIATED_NAVIGATION_PROPERTY: &str =
    "Microsoft.Dynamics.CRM.associatednavigationproperty";

/// Typed access to annotations kept in an [`Extra`] map.
pub trait ExtraExt {
    /// `prop@term` as a JSON value.
    fn annotation(&self, property: &str, term: &str) -> Option<&serde_json::Value>;

    /// `prop@term` deserialized.
    fn annotation_as<T: serde::de::DeserializeOwned>(
        &self,
        property: &str,
        term: &str,
    ) -> Option<T>;

    /// `prop@OData.Community.Display.V1.FormattedValue` (requires
    /// [`crate::Annotations::FormattedValues`] or `All`).
    fn formatted_value(&self, property: &str) -> Option<&str> {
        self.annotation(property, FORMATTED_VALUE)
            .and_then(|v| v.as_str())
    }

    /// `_x_value@Microsoft.Dynamics.CRM.lookuplogicalname`: the entity type a lookup points to.
    fn lookup_logical_name(&self, property: &str) -> Option<&str> {
        self.annotation(property, LOOKUP_LOGICAL_NAME)
            .and_then(|v| v.as_str())
    }

    /// `_x_value@Microsoft.Dynamics.CRM.associatednavigationproperty`.
    fn associated_navigation_property(&self, property: &str) -> Option<&str> {
        self.annotation(property, ASSOCIATED_NAVIGATION_PROPERTY)
            .and_then(|v| v.as_str())
    }

    /// An unknown property deserialized.
    fn property_as<T: serde::de::DeserializeOwned>(&self, property: &str) -> Option<T>;
}

impl ExtraExt for Extra {
    fn annotation(&self, property: &str, term: &str) -> Option<&serde_json::Value> {
        self.0.annotation(property, term)
    }

    fn annotation_as<T: serde::de::DeserializeOwned>(
        &self,
        property: &str,
        term: &str,
    ) -> Option<T> {
        self.0.annotation_as(property, term)
    }

    fn property_as<T: serde::de::DeserializeOwned>(&self, property: &str) -> Option<T> {
        self.0.property_as(property)
    }
}

impl ExtraExt for serde_json::Map<String, serde_json::Value> {
    fn annotation(&self, property: &str, term: &str) -> Option<&serde_json::Value> {
        self.get(&format!("{property}@{term}"))
    }

    fn annotation_as<T: serde::de::DeserializeOwned>(
        &self,
        property: &str,
        term: &str,
    ) -> Option<T> {
        self.annotation(property, term)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
    }

    fn property_as<T: serde::de::DeserializeOwned>(&self, property: &str) -> Option<T> {
        self.get(property)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Default, Debug, PartialEq)]
    struct Rec {
        #[serde(default, skip_serializing_if = "Field::is_unset")]
        a: Field<String>,
        #[serde(default, skip_serializing_if = "Field::is_unset")]
        d: Field<Decimal>,
        #[serde(default, skip_serializing_if = "Field::is_unset")]
        i: Field<i64>,
    }

    #[test]
    fn field_tristate() {
        let r = Rec {
            a: Field::Null,
            ..Default::default()
        };
        assert_eq!(serde_json::to_string(&r).unwrap(), r#"{"a":null}"#);
        let back: Rec = serde_json::from_str(r#"{"a":null}"#).unwrap();
        assert_eq!(back.a, Field::Null);
        assert_eq!(back.d, Field::Unset);
    }

    #[test]
    fn decimal_exact_from_text_value_and_string() {
        let src = r#"{"d":12345678901234.1234567890,"i":9007199254740993}"#;
        let r: Rec = serde_json::from_str(src).unwrap();
        assert_eq!(r.d.value().unwrap().as_str(), "12345678901234.1234567890");
        assert_eq!(serde_json::to_string(&r).unwrap(), src);
        let v: serde_json::Value = serde_json::from_str(r#"{"d":"1.10"}"#).unwrap();
        let r: Rec = serde_json::from_value(v).unwrap();
        assert_eq!(r.d.value().unwrap().as_str(), "1.10");
        assert!("1e".parse::<Decimal>().is_err());
        assert!("-0.5E+3".parse::<Decimal>().is_ok());
    }

    #[test]
    fn decimal_text_kept_exactly_through_every_reader() {
        #[derive(Deserialize)]
        struct One {
            d: Decimal,
        }
        for text in [
            "12345678901234567890123456789.12345678901234567890123456789",
            "-0.000000000000000000000000000001",
            "-98765432109876543210",
            "1.5E+300",
            "-2.25e-7",
            "0",
            "-0.0",
            "1e400",
        ] {
            let src = format!(r#"{{"d": {text} }}"#);
            // Borrowed from a str, from a slice, owned from a reader, owned from a Value.
            let from_str: One = serde_json::from_str(&src).unwrap();
            let from_slice: One = serde_json::from_slice(src.as_bytes()).unwrap();
            let from_reader: One = serde_json::from_reader(src.as_bytes()).unwrap();
            for d in [&from_str.d, &from_slice.d, &from_reader.d] {
                assert_eq!(d.as_str(), text);
                assert_eq!(
                    serde_json::to_string(d).unwrap(),
                    text,
                    "written back as it came"
                );
            }
            // Quoted (IEEE754Compatible=true), borrowed and owned.
            let quoted = format!(r#"{{"d": "{text}"}}"#);
            let q: One = serde_json::from_str(&quoted).unwrap();
            assert_eq!(q.d.as_str(), text);
            let q: One = serde_json::from_reader(quoted.as_bytes()).unwrap();
            assert_eq!(q.d.as_str(), text);
        }
        let v: serde_json::Value = serde_json::from_str(r#"{"d":"-1.50"}"#).unwrap();
        let r: One = serde_json::from_value(v).unwrap();
        assert_eq!(r.d.as_str(), "-1.50");
        // A quoted decimal with an escape is unescaped first.
        let r: One = serde_json::from_str(r#"{"d":"\u0031.5"}"#).unwrap();
        assert_eq!(r.d.as_str(), "1.5");
        // Not decimals.
        assert!(serde_json::from_str::<One>(r#"{"d":"1.5x"}"#).is_err());
        assert!(serde_json::from_str::<One>(r#"{"d":true}"#).is_err());
        // Into a `Value` (serde_json's RawValue protocol too) and back.
        let d: Decimal = "-12345678901234.1234567890".parse().unwrap();
        assert_eq!(
            serde_json::to_value(&d).unwrap().to_string(),
            "-12345678901234.123"
        );
        // Text that is a decimal but not JSON (leading zero) is refused as before, not written.
        let zeros: Decimal = "007".parse().unwrap();
        assert!(serde_json::to_string(&zeros).is_err());
        let zeros: Decimal = "-00.5".parse().unwrap();
        assert!(serde_json::to_string(&zeros).is_err());
        let zero_point: Decimal = "0.5".parse().unwrap();
        assert_eq!(serde_json::to_string(&zero_point).unwrap(), "0.5");
    }

    #[test]
    fn date_times_round_trip_byte_exact_borrowed_or_owned() {
        #[derive(Serialize, Deserialize)]
        struct One {
            t: DateTimeOffset,
        }
        for text in [
            "2024-05-01T10:00:00Z",
            "2024-05-01T10:00:00.1234567+02:00",
            "1999-12-31T23:59:59.5-05:30",
            "2024-02-29T00:00:00.000000001Z",
        ] {
            let src = format!(r#"{{"t":"{text}"}}"#);
            let a: One = serde_json::from_str(&src).unwrap();
            let b: One = serde_json::from_reader(src.as_bytes()).unwrap();
            let c: One = serde_json::from_value(serde_json::from_str(&src).unwrap()).unwrap();
            for one in [&a, &b, &c] {
                assert_eq!(serde_json::to_string(one).unwrap(), src);
            }
        }
        // An escaped string is read unescaped (the owned path of the same visitor).
        let a: One = serde_json::from_str(r#"{"t":"2024-05-01T10:00:00\u005A"}"#).unwrap();
        assert_eq!(a.t.to_string(), "2024-05-01T10:00:00Z");
        let err = serde_json::from_str::<One>(r#"{"t":"2024-13-01T10:00:00Z"}"#)
            .err()
            .unwrap()
            .to_string();
        assert!(err.starts_with("invalid Edm.DateTimeOffset"), "{err}");
        let err = serde_json::from_str::<One>(r#"{"t":5}"#)
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("expected a string"), "{err}");
        let d: Date = serde_json::from_str(r#""2024-05-01""#).unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), r#""2024-05-01""#);
        let t: TimeOfDay = serde_json::from_reader(&br#""13:45:00.1234567""#[..]).unwrap();
        assert_eq!(serde_json::to_string(&t).unwrap(), r#""13:45:00.1234567""#);
        let b: Binary = serde_json::from_reader(&br#""AAEC""#[..]).unwrap();
        assert_eq!(b.0, vec![0, 1, 2]);
    }

    #[test]
    fn dates_and_durations() {
        let d: DateTimeOffset = "2024-05-01T10:00:00Z".parse().unwrap();
        assert_eq!(d.to_string(), "2024-05-01T10:00:00Z");
        let d: Date = "2024-02-29".parse().unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2024-02-29\"");
        let t: TimeOfDay = "13:45:00.1200000".parse().unwrap();
        assert_eq!(t.to_string(), "13:45:00.12");
        for (s, back) in [
            ("P1DT2H", "P1DT2H"),
            ("-PT30M", "-PT30M"),
            ("PT4.5S", "PT4.5S"),
            ("P0D", "PT0S"),
            ("PT36H", "P1DT12H"),
        ] {
            let d: Duration = s.parse().unwrap();
            assert_eq!(d.to_string(), back, "{s}");
        }
        for bad in ["P", "PT", "1D", "PT1S2H", "P1.5D"] {
            assert!(bad.parse::<Duration>().is_err(), "{bad}");
        }
    }

    #[test]
    fn binary_base64() {
        let b = Binary(vec![0, 1, 2, 255]);
        let s = serde_json::to_string(&b).unwrap();
        assert_eq!(s, "\"AAEC/w==\"");
        assert_eq!(serde_json::from_str::<Binary>(&s).unwrap(), b);
    }

    #[test]
    fn extra_keeps_everything_but_writes_no_annotations() {
        let e: Extra = serde_json::from_str(
            r#"{"a":1,"a@OData.Community.Display.V1.FormattedValue":"1","@odata.etag":"x","p@odata.bind":"/x(1)"}"#,
        )
        .unwrap();
        assert_eq!(e.len(), 4);
        assert_eq!(
            serde_json::to_string(&e).unwrap(),
            r#"{"a":1,"p@odata.bind":"/x(1)"}"#
        );
    }

    #[test]
    fn extra_annotations() {
        let e: Extra = serde_json::from_str(
            r#"{"statuscode@OData.Community.Display.V1.FormattedValue":"Active",
                "_x_value@Microsoft.Dynamics.CRM.lookuplogicalname":"account"}"#,
        )
        .unwrap();
        assert_eq!(e.formatted_value("statuscode"), Some("Active"));
        assert_eq!(e.lookup_logical_name("_x_value"), Some("account"));
    }
}
