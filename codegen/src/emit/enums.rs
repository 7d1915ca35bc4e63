//! Enum types (with an `Unknown` member) and type definitions.

use super::{Depth, Emitter, describe, doc_lines};
use crate::model::*;
use crate::names::{Case, Scope, ident};
use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;
use std::collections::BTreeSet;

impl Emitter<'_> {
    pub(super) fn emit_enums(&self) -> TokenStream {
        let mut items = Vec::new();
        for (i, e) in self.model.enum_types.iter().enumerate() {
            let name = ident(&self.names.enum_types[i]);
            let qualified = e.name.to_string();
            let mut variants = Scope::with_reserved(&["Unknown"]);
            let members: Vec<(proc_macro2::Ident, &EnumMember)> = e
                .members
                .iter()
                .map(|m| (ident(&variants.name(&m.name, Case::Type)), m))
                .collect();
            let mut doc = vec![format!(
                "`{qualified}` (enum type{}, underlying `{}`).",
                if e.is_flags {
                    ", flags: use `Flags<Self>`"
                } else {
                    ""
                },
                e.underlying.edm_name()
            )];
            doc.extend(describe(&e.annotations));
            let doc = doc_lines(&doc);
            let variant_defs = members.iter().map(|(v, m)| {
                let text = format!(" `{}` = {}", m.name, m.value);
                let extra = doc_lines(&describe(&m.annotations));
                quote!(#[doc = #text] #extra #v,)
            });
            let name_arms = members.iter().map(|(v, m)| {
                let wire = &m.name;
                quote!(Self::#v => #wire,)
            });
            let from_name_arms = members.iter().map(|(v, m)| {
                let wire = &m.name;
                quote!(#wire => Self::#v,)
            });
            let mut seen_values = BTreeSet::new();
            let from_value_arms: Vec<TokenStream> = members
                .iter()
                .filter(|(_, m)| seen_values.insert(m.value))
                .map(|(v, m)| {
                    let value = Lit::i64_unsuffixed(m.value);
                    quote!(#value => ::core::option::Option::Some(Self::#v),)
                })
                .collect();
            let value_arms = members.iter().map(|(v, m)| {
                let value = Lit::i64_unsuffixed(m.value);
                quote!(Self::#v => ::core::option::Option::Some(#value),)
            });
            let from_name_and_value = if members.is_empty() {
                // An enum type without members: every name and value is unknown.
                quote! {
                    fn from_name(name: &str) -> Self {
                        Self::Unknown(::std::string::ToString::to_string(name))
                    }
                    fn from_value(value: i64) -> ::core::option::Option<Self> {
                        let _ = value;
                        ::core::option::Option::None
                    }
                }
            } else {
                quote! {
                    fn from_name(name: &str) -> Self {
                        match name {
                            #(#from_name_arms)*
                            other => Self::Unknown(::std::string::ToString::to_string(other)),
                        }
                    }
                    fn from_value(value: i64) -> ::core::option::Option<Self> {
                        match value {
                            #(#from_value_arms)*
                            _ => ::core::option::Option::None,
                        }
                    }
                }
            };
            items.push(quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, Eq, Hash)]
                pub enum #name {
                    #(#variant_defs)*
                    /// A member this SDK does not know (a newer service); its name as sent.
                    Unknown(::std::string::String),
                }

                impl #name {
                    /// The member's numeric value, if the SDK knows the member.
                    pub fn value(&self) -> ::core::option::Option<i64> {
                        match self {
                            #(#value_arms)*
                            Self::Unknown(_) => ::core::option::Option::None,
                        }
                    }
                }

                impl super::support::ODataEnum for #name {
                    const ODATA_TYPE: &'static str = #qualified;
                    fn name(&self) -> &str {
                        match self {
                            #(#name_arms)*
                            Self::Unknown(name) => name,
                        }
                    }
                    #from_name_and_value
                }

                impl ::dataverse_runtime::codegen::typed::FilterValue for #name {
                    fn to_literal(&self) -> ::dataverse_runtime::Literal {
                        ::dataverse_runtime::Literal::enumeration(#qualified, super::support::ODataEnum::name(self))
                    }
                }

                impl ::dataverse_runtime::codegen::serde::Serialize for #name {
                    fn serialize<S: ::dataverse_runtime::codegen::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                        super::support::serialize_enum(self, serializer)
                    }
                }

                impl<'de> ::dataverse_runtime::codegen::serde::Deserialize<'de> for #name {
                    fn deserialize<D: ::dataverse_runtime::codegen::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                        super::support::deserialize_enum(deserializer)
                    }
                }
            });
        }
        let root = Depth(1).root();
        for (i, t) in self.model.type_definitions.iter().enumerate() {
            let name = ident(&self.names.type_definitions[i]);
            let underlying = self.element_type(&TypeKind::Primitive(t.underlying), &root);
            let mut doc = vec![format!(
                "`{}` (type definition of `{}`).",
                t.name,
                t.underlying.edm_name()
            )];
            doc.extend(describe(&t.annotations));
            let doc = doc_lines(&doc);
            items.push(quote! { #doc pub type #name = #underlying; });
        }
        quote!(#(#items)*)
    }
}
