//! Enum types (with an `Unknown` member) and type definitions.

use super::blocks::{Blocks, doc_text};
use super::{Depth, Emitter, describe, doc_lines};
use crate::model::*;
use crate::names::{Case, Scope, ident};
use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;

impl Emitter<'_> {
    /// `enums.rs`: the enum types as one text block (their shape is fixed: a doc, the enum, its
    /// member table), then the type definitions.
    pub(super) fn emit_enums(&self) -> (TokenStream, Vec<String>) {
        let mut blocks = Blocks::default();
        let mut text = String::new();
        let root = Depth(1).root();
        let string = blocks.slot(quote!(::std::string::String), false);
        let enumeration = blocks.slot(quote!(#root::support::enumeration), false);
        let mut names = Vec::new();
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
            doc_text(&mut text, "", &doc);
            text.push_str(&format!(
                "#[derive(Debug, Clone, PartialEq, Eq, Hash)]\npub enum {name} {{\n"
            ));
            for (v, m) in &members {
                doc_text(&mut text, "    ", &[format!("`{}` = {}", m.name, m.value)]);
                doc_text(&mut text, "    ", &describe(&m.annotations));
                text.push_str(&format!("    {v},\n"));
            }
            text.push_str(&format!(
                "    /// A member this SDK does not know (a newer service); its name as sent.\n    \
                 Unknown({string}),\n}}\n{enumeration}! {{\n    {name}({});\n",
                Lit::string(&qualified)
            ));
            for (v, m) in &members {
                text.push_str(&format!(
                    "    {v} = {}, {};\n",
                    Lit::string(&m.name),
                    m.value
                ));
            }
            text.push_str("}\n");
            names.push(name);
        }
        let mut items = Vec::new();
        if let Some((first, rest)) = names.split_first() {
            items.push(blocks.slots_item(first));
            items.extend(rest.iter().map(Blocks::stand_in));
            items.push(blocks.block(text));
        }
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
        (quote!(#(#items)*), blocks.texts)
    }
}
