//! Enum types (with an `Unknown` member) and type definitions.

use super::{Depth, Emitter, describe, doc_lines};
use crate::model::*;
use crate::names::{Case, Scope, ident};
use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;

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
            let table = members.iter().map(|(v, m)| {
                let wire = &m.name;
                let value = Lit::i64_unsuffixed(m.value);
                quote!(#v = #wire, #value;)
            });
            let root = Depth(1).root();
            items.push(quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, Eq, Hash)]
                pub enum #name {
                    #(#variant_defs)*
                    /// A member this SDK does not know (a newer service); its name as sent.
                    Unknown(::std::string::String),
                }

                #root::support::enumeration! {
                    #name(#qualified);
                    #(#table)*
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
