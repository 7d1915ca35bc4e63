//! `choices.rs`: one enum per Dataverse option set that a column uses (from a sidecar), each a
//! `dataverse_runtime::choice::Choice` with an `Unknown(i32)` variant; state and status enums
//! know their pairs.

use super::{Emitter, doc_lines, escape_doc};
use crate::model::*;
use crate::names::{Case, Scope, ident};
use proc_macro2::{Ident, Literal as Lit, TokenStream};
use quote::quote;

impl Emitter<'_> {
    /// The file's items; `None` when no column has a choice type.
    pub(super) fn emit_choices(&self) -> Option<TokenStream> {
        let items: Vec<TokenStream> = (0..self.model.choice_sets.len())
            .filter(|i| self.names.choice_sets[*i].is_some())
            .map(|i| self.choice_enum(i))
            .collect();
        (!items.is_empty()).then(|| quote!(#(#items)*))
    }

    /// The variant names of choice set `i`, one per option: from its label (made unique), or
    /// `Value7` for an option without one.
    fn choice_variants(&self, i: usize) -> Vec<Ident> {
        let mut scope = Scope::with_reserved(&["Unknown"]);
        self.model.choice_sets[i]
            .options
            .iter()
            .map(|o| {
                // Labels in any language read as ASCII words (`Männlich` → `Mannlich`).
                let source = match o.label.as_deref().map(deunicode::deunicode) {
                    Some(label) if label.chars().any(|c| c.is_ascii_alphanumeric()) => label,
                    _ => format!("Value{}", o.value),
                };
                ident(&scope.name(&source, Case::Type))
            })
            .collect()
    }

    fn choice_enum(&self, i: usize) -> TokenStream {
        let set = &self.model.choice_sets[i];
        let name = ident(self.names.choice_sets[i].as_deref().unwrap_or_default());
        let variants = self.choice_variants(i);
        let related = |id: Option<ChoiceSetId>| {
            id.and_then(|id| {
                let name = self.names.choice_sets[id.0].as_deref()?;
                Some((id.0, ident(name)))
            })
        };
        let states = related(set.states);
        let statuses = related(set.statuses);
        let mut doc = vec![format!(
            "{}: {}.",
            match &set.display_name {
                Some(display) => format!("{} (`{}`)", escape_doc(display), set.name),
                None => format!("`{}`", set.name),
            },
            match (&set.owner, set.kind) {
                (None, _) => "a global option set, shared by every column that uses it".to_string(),
                (Some((table, column)), ChoiceKind::State) =>
                    format!("the states of `{table}.{column}`"),
                (Some((table, column)), ChoiceKind::Status) =>
                    format!("the statuses of `{table}.{column}`, each belonging to a state"),
                (Some((table, column)), _) => format!("the choices of `{table}.{column}`"),
            }
        )];
        if let Some(description) = &set.description {
            doc.push(String::new());
            doc.extend(description.lines().map(escape_doc));
        }
        doc.push(String::new());
        doc.push(
            "Sent as its number; a number this SDK does not know is read as `Unknown`. \
             `Choice::label` and `Choice::value` give each option's label and number."
                .into(),
        );
        let doc = doc_lines(&doc);
        let label_of = |value: i32, set: usize| -> Option<String> {
            let set = &self.model.choice_sets[set];
            let index = set.options.iter().position(|o| o.value == value)?;
            Some(
                set.options[index]
                    .label
                    .clone()
                    .unwrap_or_else(|| value.to_string()),
            )
        };
        let variant_defs = set.options.iter().zip(&variants).map(|(o, v)| {
            let mut line = format!(
                "{}: `{}`",
                o.label.as_deref().map(escape_doc).unwrap_or_default(),
                o.value
            );
            if let (Some(state), Some((states, _))) = (o.state, &states) {
                let label = label_of(state, *states).unwrap_or_else(|| state.to_string());
                line.push_str(&format!(", state “{}”", escape_doc(&label)));
            }
            if let (Some(status), Some((statuses, _))) = (o.default_status, &statuses) {
                let label = label_of(status, *statuses).unwrap_or_else(|| status.to_string());
                line.push_str(&format!(", default status “{}”", escape_doc(&label)));
            }
            if let Some(color) = &o.color {
                line.push_str(&format!(", colour `{color}`"));
            }
            line.push('.');
            let mut lines = vec![line];
            if let Some(description) = &o.description {
                lines.push(String::new());
                lines.extend(description.lines().map(escape_doc));
            }
            let doc = doc_lines(&lines);
            quote!(#doc #v,)
        });
        let options = set.options.iter().zip(&variants).map(|(o, v)| {
            let value = Lit::i32_unsuffixed(o.value);
            let label = o.label.clone().unwrap_or_default();
            quote!((Self::#v, #value, #label),)
        });
        let option_set = &set.name;
        let pairs = self.state_status_pairs(i, &variants, states.as_ref(), statuses.as_ref());
        quote! {
            #doc
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
            pub enum #name {
                #(#variant_defs)*
                /// A value this SDK does not know (added after it was generated).
                Unknown(i32),
            }

            impl ::dataverse_runtime::codegen::choice::Choice for #name {
                const OPTION_SET: &'static str = #option_set;
                const OPTIONS: &'static [(Self, i32, &'static str)] = &[#(#options)*];
                #[inline] fn unknown(value: i32) -> Self {
                    Self::Unknown(value)
                }
                #[inline] fn unknown_value(self) -> ::core::option::Option<i32> {
                    match self {
                        Self::Unknown(value) => ::core::option::Option::Some(value),
                        _ => ::core::option::Option::None,
                    }
                }
            }

            #pairs

            impl ::dataverse_runtime::codegen::typed::FilterValue for #name {
                #[inline] fn to_literal(&self) -> ::dataverse_runtime::Literal {
                    ::dataverse_runtime::codegen::choice::literal(self)
                }
            }

            impl ::dataverse_runtime::codegen::serde::Serialize for #name {
                fn serialize<S: ::dataverse_runtime::codegen::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    ::dataverse_runtime::codegen::choice::serialize(self, serializer)
                }
            }

            impl<'de> ::dataverse_runtime::codegen::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::dataverse_runtime::codegen::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    ::dataverse_runtime::codegen::choice::deserialize(deserializer)
                }
            }
        }
    }

    /// `state()` on a status enum, `default_status()` and `allows()` on a state enum.
    fn state_status_pairs(
        &self,
        i: usize,
        variants: &[Ident],
        states: Option<&(usize, Ident)>,
        statuses: Option<&(usize, Ident)>,
    ) -> TokenStream {
        let set = &self.model.choice_sets[i];
        let name = ident(self.names.choice_sets[i].as_deref().unwrap_or_default());
        let variant_of = |other: usize, value: i32| -> Option<Ident> {
            let index = self.model.choice_sets[other]
                .options
                .iter()
                .position(|o| o.value == value)?;
            self.choice_variants(other).into_iter().nth(index)
        };
        if let (ChoiceKind::Status, Some((states, state_enum))) = (set.kind, states) {
            let arms = set.options.iter().zip(variants).filter_map(|(o, v)| {
                let state = variant_of(*states, o.state?)?;
                Some(quote!(Self::#v => ::core::option::Option::Some(#state_enum::#state),))
            });
            return quote! {
                impl #name {
                    /// The state (`statecode`) this status belongs to; `None` for an unknown
                    /// status.
                    #[inline] pub fn state(self) -> ::core::option::Option<#state_enum> {
                        match self {
                            #(#arms)*
                            _ => ::core::option::Option::None,
                        }
                    }
                }
            };
        }
        if let (ChoiceKind::State, Some((statuses, status_enum))) = (set.kind, statuses) {
            let arms = set.options.iter().zip(variants).filter_map(|(o, v)| {
                let status = variant_of(*statuses, o.default_status?)?;
                Some(quote!(Self::#v => ::core::option::Option::Some(#status_enum::#status),))
            });
            return quote! {
                impl #name {
                    /// The status a record gets when it is put in this state without one.
                    #[inline] pub fn default_status(self) -> ::core::option::Option<#status_enum> {
                        match self {
                            #(#arms)*
                            _ => ::core::option::Option::None,
                        }
                    }

                    /// Whether `status` is a status of this state (the service refuses other
                    /// pairs).
                    #[inline] pub fn allows(self, status: #status_enum) -> bool {
                        status.state() == ::core::option::Option::Some(self)
                    }
                }
            };
        }
        quote!()
    }
}
