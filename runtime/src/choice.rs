//! Dataverse choices (option sets) as Rust enums, and choices columns (multi-select) as typed
//! sets.
//!
//! A generated SDK given a metadata sidecar makes one enum per option set, implementing
//! [`Choice`]: one variant per option, named from its label, plus `Unknown(i32)` for a value
//! the organisation added after generation. On the wire a choice is its number (`"industrycode":
//! 7`) and a choices column is one string of numbers (`"new_channels": "1,3"`, read as
//! [`MultiChoice`]).
//!
//! ```
//! use dataverse_runtime::choice::{Choice, MultiChoice};
//!
//! #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
//! enum Channel { Email, Phone, Unknown(i32) }
//!
//! impl Choice for Channel {
//!     const OPTION_SET: &'static str = "new_channel";
//!     const OPTIONS: &'static [(Self, i32, &'static str)] =
//!         &[(Self::Email, 1, "Email"), (Self::Phone, 3, "Phone")];
//!     fn unknown(value: i32) -> Self { Self::Unknown(value) }
//!     fn unknown_value(self) -> Option<i32> {
//!         match self { Self::Unknown(v) => Some(v), _ => None }
//!     }
//! }
//!
//! assert_eq!(Channel::Phone.value(), 3);
//! assert_eq!(Channel::from_value(1), Channel::Email);
//! assert_eq!(Channel::from_value(99), Channel::Unknown(99));
//! assert_eq!(Channel::Unknown(99).value(), 99);
//! assert_eq!(Channel::Phone.label(), Some("Phone"));
//!
//! let set: MultiChoice<Channel> = [Channel::Email, Channel::Phone].into_iter().collect();
//! assert_eq!(serde_json::to_string(&set).unwrap(), r#""1,3""#);
//! let back: MultiChoice<Channel> = serde_json::from_str(r#""3,1,42""#).unwrap();
//! assert_eq!(back.as_slice(), &[Channel::Phone, Channel::Email, Channel::Unknown(42)]);
//! ```

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::path::Literal;
use crate::typed::{Filter, FilterValue, FunctionArg, Property};

/// A Dataverse option set as a Rust enum (implemented by generated SDKs).
///
/// Only [`Choice::unknown`] and [`Choice::unknown_value`] are written per enum; the value,
/// the label and the conversion from a number come from the [`Choice::OPTIONS`] table.
pub trait Choice: Copy + Eq + 'static {
    /// The option set's name (`account_industrycode`, or a global option set's name).
    const OPTION_SET: &'static str;
    /// Every known option: the variant, its value on the wire and its label (in the language
    /// the SDK was generated with).
    const OPTIONS: &'static [(Self, i32, &'static str)];

    /// The variant for a value the SDK does not know.
    fn unknown(value: i32) -> Self;

    /// The value of an unknown variant (`None` for a known option).
    fn unknown_value(self) -> Option<i32>;

    /// The number sent on the wire.
    fn value(self) -> i32 {
        if let Some(value) = self.unknown_value() {
            return value;
        }
        Self::OPTIONS
            .iter()
            .find(|(option, _, _)| *option == self)
            .map(|(_, value, _)| *value)
            .expect("every known variant of a generated choice is in its OPTIONS table")
    }

    /// The option with this number, or the unknown variant holding it.
    fn from_value(value: i32) -> Self {
        Self::OPTIONS
            .iter()
            .find(|(_, v, _)| *v == value)
            .map(|(option, _, _)| *option)
            .unwrap_or_else(|| Self::unknown(value))
    }

    /// The option's label, `None` for an unknown value.
    fn label(self) -> Option<&'static str> {
        Self::OPTIONS
            .iter()
            .find(|(option, _, _)| *option == self && self.unknown_value().is_none())
            .map(|(_, _, label)| *label)
    }
}

/// Writes a choice as its number (for generated `Serialize` impls).
pub fn serialize<C: Choice, S: Serializer>(choice: &C, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_i32(choice.value())
}

/// Reads a choice from its number (for generated `Deserialize` impls); any `i32` is accepted,
/// an unknown one as the unknown variant.
pub fn deserialize<'de, C: Choice, D: Deserializer<'de>>(deserializer: D) -> Result<C, D::Error> {
    i32::deserialize(deserializer).map(C::from_value)
}

/// The literal of a choice in `$filter`: its number (`industrycode eq 7`).
pub fn literal<C: Choice>(choice: &C) -> Literal {
    Literal::Int(i64::from(choice.value()))
}

/// The value of a choices (multi-select) column: the selected options, in the order given or
/// received. On the wire it is one string of comma-separated numbers (`"1,3"`); `null` is an
/// empty selection and is the `Null` of the `Field` that holds it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MultiChoice<C>(Vec<C>);

impl<C> Default for MultiChoice<C> {
    fn default() -> Self {
        MultiChoice(Vec::new())
    }
}

impl<C: Choice> MultiChoice<C> {
    /// No option selected.
    pub fn new() -> Self {
        MultiChoice(Vec::new())
    }

    /// The selected options, in order.
    pub fn as_slice(&self) -> &[C] {
        &self.0
    }

    /// Whether `choice` is selected.
    pub fn contains(&self, choice: C) -> bool {
        self.0.contains(&choice)
    }

    /// Selects `choice` (at the end) if it is not selected yet.
    pub fn insert(&mut self, choice: C) {
        if !self.contains(choice) {
            self.0.push(choice);
        }
    }

    /// Unselects `choice`.
    pub fn remove(&mut self, choice: C) {
        self.0.retain(|c| *c != choice);
    }

    /// Whether nothing is selected.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The wire form: `1,3`.
    pub fn to_wire(&self) -> String {
        self.0
            .iter()
            .map(|c| c.value().to_string())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// Reads the wire form (`1,3`, spaces around numbers allowed, empty for none).
    pub fn from_wire(text: &str) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Ok(MultiChoice::new());
        }
        text.split(',')
            .map(|part| {
                part.trim().parse::<i32>().map(C::from_value).map_err(|_| {
                    format!(
                        "`{text}` is not a choices value of `{}`: expected comma-separated numbers",
                        C::OPTION_SET
                    )
                })
            })
            .collect::<Result<Vec<C>, String>>()
            .map(MultiChoice)
    }
}

impl<C: Choice> FromIterator<C> for MultiChoice<C> {
    fn from_iter<I: IntoIterator<Item = C>>(iter: I) -> Self {
        let mut set = MultiChoice::new();
        for choice in iter {
            set.insert(choice);
        }
        set
    }
}

impl<C: Choice, const N: usize> From<[C; N]> for MultiChoice<C> {
    fn from(choices: [C; N]) -> Self {
        choices.into_iter().collect()
    }
}

impl<C: Choice> Serialize for MultiChoice<C> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_wire())
    }
}

impl<'de, C: Choice> Deserialize<'de> for MultiChoice<C> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Wire<C>(PhantomData<C>);
        impl<C: Choice> Visitor<'_> for Wire<C> {
            type Value = MultiChoice<C>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string of comma-separated choice values")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                MultiChoice::from_wire(text).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Wire(PhantomData))
    }
}

impl<C: Choice> FilterValue for MultiChoice<C> {
    /// The exact selection, as a string: `new_channels eq '1,3'`.
    fn to_literal(&self) -> Literal {
        Literal::String(self.to_wire())
    }
}

/// The query functions Dataverse provides for choices columns.
impl<O, C: Choice, K> Property<O, MultiChoice<C>, K> {
    /// `Microsoft.Dynamics.CRM.ContainValues(PropertyName='x',PropertyValues=['1','3'])`: the
    /// column has at least one of `choices` selected.
    pub fn contains_values(self, choices: impl IntoIterator<Item = C>) -> Filter<O> {
        self.values_function("Microsoft.Dynamics.CRM.ContainValues", choices)
    }

    /// `Microsoft.Dynamics.CRM.DoesNotContainValues(...)`: the column has none of `choices`
    /// selected.
    pub fn does_not_contain_values(self, choices: impl IntoIterator<Item = C>) -> Filter<O> {
        self.values_function("Microsoft.Dynamics.CRM.DoesNotContainValues", choices)
    }

    fn values_function(self, name: &str, choices: impl IntoIterator<Item = C>) -> Filter<O> {
        let values = choices.into_iter().map(|c| c.value().to_string()).collect();
        Filter::function(
            name,
            vec![
                ("PropertyName", self.name_arg()),
                ("PropertyValues", FunctionArg::Strings(values)),
            ],
        )
    }
}
