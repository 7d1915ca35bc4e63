// The table macros of `support.rs`, appended to it as written (prettyplease would fill a
// `macro_rules!` body like a paragraph).

/// Implements [`Structured`], `Debug`, `PartialEq`, `Serialize` and `Deserialize` for a
/// generated struct from its field table, one line a field: the [`FieldVisitor`] method that
/// writes it (`field`, `read_only`, `create_only`, `update_only` or `navigation`), the field
/// and its wire name.
///
/// The header names the type and its CSDL name; `base = field` names the base type a deep type
/// holds (visited first, and asked for the keys the table does not know), `binds = field` an
/// entity's lookups to bind (visited last). Invoked from the types' own modules
/// (`entities/<type>.rs`, `complex/<type>.rs`), whose parent sees this module.
#[allow(unused_macros)] // a document without such types
macro_rules! structured {
    (
        $name:ident($odata:literal $(, base = $base:ident)? $(, binds = $binds:ident)?);
        $($(#[$attr:meta])* $kind:ident $field:ident = $wire:literal;)*
    ) => {
        impl super::support::Structured for $name {
            const ODATA_TYPE: &'static str = $odata;

            #[allow(unused_variables)]
            #[inline]
            fn visit_fields<'a>(&'a self, f: &mut dyn super::support::FieldVisitor<'a>) {
                $(super::support::Structured::visit_fields(&self.$base, f);)?
                $($(#[$attr])* f.$kind($wire, &self.$field);)*
                $(f.binds(&self.$binds);)?
            }

            #[allow(unused_variables, unreachable_code, clippy::match_single_binding)]
            fn deserialize_field<'de, A: ::dataverse_runtime::codegen::serde::de::MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> ::core::result::Result<bool, A::Error> {
                // One call an arm: with `self.x = map.next_value()?` in every arm, checking the
                // full v9.1 SDK took a third longer.
                match key {
                    $($(#[$attr])* $wire => super::support::read_field(map, &mut self.$field),)*
                    _ => {
                        $(return super::support::Structured::deserialize_field(&mut self.$base, key, map);)?
                        ::core::result::Result::Ok(false)
                    }
                }
            }

            #[inline]
            fn extra(&self) -> &super::support::Extra {
                &self.extra
            }

            #[inline]
            fn extra_mut(&mut self) -> &mut super::support::Extra {
                &mut self.extra
            }
        }

        impl ::core::fmt::Debug for $name {
            #[inline]
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                super::support::debug(self, f)
            }
        }

        impl ::core::cmp::PartialEq for $name {
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                super::support::eq(self, other)
            }
        }

        impl ::dataverse_runtime::codegen::serde::Serialize for $name {
            fn serialize<S: ::dataverse_runtime::codegen::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                super::support::serialize(self, serializer)
            }
        }

        impl<'de> ::dataverse_runtime::codegen::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::dataverse_runtime::codegen::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                super::support::deserialize(deserializer)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use structured;

/// Implements `value()`, [`ODataEnum`], `FilterValue`, `Serialize` and `Deserialize` for a
/// generated enum type from its member table, one line a member: the variant, its name on the
/// wire and its value. Two members with one value: the first is read from that value. Invoked
/// from `enums.rs`, a module of the SDK root.
#[allow(unused_macros)] // a document without such types
macro_rules! enumeration {
    (
        $name:ident($odata:literal);
        $($variant:ident = $wire:literal, $value:literal;)*
    ) => {
        impl $name {
            /// The member's numeric value, if the SDK knows the member.
            #[inline]
            pub fn value(&self) -> ::core::option::Option<i64> {
                match self {
                    $(Self::$variant => ::core::option::Option::Some($value),)*
                    Self::Unknown(_) => ::core::option::Option::None,
                }
            }
        }

        impl super::support::ODataEnum for $name {
            const ODATA_TYPE: &'static str = $odata;

            #[inline]
            fn name(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(name) => name,
                }
            }

            #[allow(clippy::match_single_binding)]
            #[inline]
            fn from_name(name: &str) -> Self {
                match name {
                    $($wire => Self::$variant,)*
                    other => Self::Unknown(::std::string::ToString::to_string(other)),
                }
            }

            #[allow(unreachable_patterns, clippy::match_single_binding)]
            #[inline]
            fn from_value(value: i64) -> ::core::option::Option<Self> {
                match value {
                    $($value => ::core::option::Option::Some(Self::$variant),)*
                    _ => ::core::option::Option::None,
                }
            }
        }

        impl ::dataverse_runtime::codegen::typed::FilterValue for $name {
            #[inline]
            fn to_literal(&self) -> ::dataverse_runtime::Literal {
                ::dataverse_runtime::Literal::enumeration($odata, super::support::ODataEnum::name(self))
            }
        }

        impl ::dataverse_runtime::codegen::serde::Serialize for $name {
            fn serialize<S: ::dataverse_runtime::codegen::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                super::support::serialize_enum(self, serializer)
            }
        }

        impl<'de> ::dataverse_runtime::codegen::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::dataverse_runtime::codegen::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                super::support::deserialize_enum(deserializer)
            }
        }
    };
}
#[allow(unused_imports)]
pub(crate) use enumeration;
