//! One entity type's file: its struct, keys, lookup and navigation constants, alternate keys
//! and the bound operations on its handles.

use super::blocks::{self, Blocks, const_text};
use super::handle_text::ContainedMethodText;
use super::operations::{Binding, Method, Site};
use super::types::primitive_type;
use super::{Depth, Emitter};
use crate::model::*;
use crate::names::{Case, Scope, ident, rust_name};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

/// One entity set a lookup can point into.
pub(super) struct LookupTarget {
    /// The entity set's name.
    set: String,
    /// Its entity type, when this SDK has it.
    entity: Option<usize>,
}

impl Emitter<'_> {
    /// Entity sets a navigation property of `owner` can point into: sets of this SDK first
    /// (in document order), then sets a selection left out (by name; untyped references).
    pub(super) fn lookup_targets(
        &self,
        nav: &NavigationProperty,
        owner: usize,
    ) -> Vec<LookupTarget> {
        let mut typed = BTreeSet::new();
        let mut paths = BTreeSet::new();
        let mut untyped = BTreeSet::new();
        let owner_ty = &self.model.entity_types[owner];
        for set in &self.model.entity_sets {
            let set_ty = set.entity_type.0;
            let related = set_ty == owner
                || owner_ty.ancestors.contains(&set_ty)
                || owner_ty.derived.contains(&set_ty);
            if !related {
                continue;
            }
            for b in &set.bindings {
                if let Some((declaring, index)) = b.navigation
                    && self.model.entity_types[declaring.0].navigation_properties[index].name
                        == nav.name
                {
                    match (b.target, b.contained) {
                        (Some(target), _) => {
                            typed.insert(target);
                        }
                        // A contained collection: addressed by its path (`/root/notes(key)`).
                        (None, Some(contained)) => {
                            paths.insert((b.target_name.clone(), contained.0));
                        }
                        (None, None) => {
                            untyped.insert(b.target_name.clone());
                        }
                    }
                }
            }
        }
        if typed.is_empty()
            && paths.is_empty()
            && untyped.is_empty()
            && let Some(target) = nav.target
        {
            // No binding (or one to a set the document lacks): every set of the target type
            // or of a type derived from it.
            let target_ty = &self.model.entity_types[target.0];
            for (i, set) in self.model.entity_sets.iter().enumerate() {
                let t = set.entity_type.0;
                if !set.singleton && (t == target.0 || target_ty.derived.contains(&t)) {
                    typed.insert(EntitySetId(i));
                }
            }
        }
        // Only targets whose entity type has a key can be addressed.
        let typed = typed.into_iter().filter_map(|s| {
            let set = &self.model.entity_sets[s.0];
            let addressable =
                !set.singleton && self.model.entity_types[set.entity_type.0].key.is_some();
            addressable.then(|| LookupTarget {
                set: set.name.clone(),
                entity: Some(set.entity_type.0),
            })
        });
        let paths = paths
            .into_iter()
            .filter(|(_, t)| self.model.entity_types[*t].key.is_some())
            .map(|(set, t)| LookupTarget {
                set,
                entity: Some(t),
            });
        let untyped = untyped
            .into_iter()
            .map(|set| LookupTarget { set, entity: None });
        typed.chain(paths).chain(untyped).collect()
    }

    pub(super) fn key_param(
        &self,
        entity: usize,
        root: &TokenStream,
    ) -> Option<(TokenStream, TokenStream)> {
        let key = self.model.entity_types[entity].key.as_ref()?;
        let literal_able = |ty: &TypeRef| {
            !ty.collection
                && matches!(
                    ty.kind,
                    TypeKind::Primitive(
                        Primitive::Guid
                            | Primitive::String
                            | Primitive::Int16
                            | Primitive::Int32
                            | Primitive::Int64
                            | Primitive::Byte
                            | Primitive::SByte
                            | Primitive::Boolean
                            | Primitive::Decimal
                            | Primitive::Date
                            | Primitive::DateTimeOffset
                            | Primitive::TimeOfDay
                    )
                )
        };
        if !key.iter().all(|k| literal_able(&k.ty)) {
            return Some((quote!(::dataverse_runtime::EntityKey), quote!(key)));
        }
        if key.len() == 1 {
            let ty = self.element_type(&key[0].ty.kind, root);
            let expr = if key[0].ty.kind == TypeKind::Primitive(Primitive::Guid) {
                quote!(::dataverse_runtime::EntityKey::from(key))
            } else {
                quote!(::dataverse_runtime::EntityKey::from(
                    ::dataverse_runtime::Literal::from(key)
                ))
            };
            return Some((ty, expr));
        }
        let types = key.iter().map(|k| self.element_type(&k.ty.kind, root));
        let parts = key.iter().enumerate().map(|(i, k)| {
            let name = k.alias.clone().unwrap_or_else(|| k.path.join("/"));
            let index = syn::Index::from(i);
            quote!((#name, ::dataverse_runtime::Literal::from(key.#index)))
        });
        Some((
            quote!((#(#types),*)),
            quote!(::dataverse_runtime::EntityKey::alternate([#(#parts),*])),
        ))
    }

    pub(super) fn emit_entity(&self, i: usize) -> (TokenStream, Vec<String>) {
        let root = Depth(2).root();
        let ty = &self.model.entity_types[i];
        let rust = &self.names.entity_types[i];
        let name = ident(rust);
        let mut blocks = Blocks::default();
        let mut items = vec![self.structured_type(ty, rust, Some(i), &mut blocks)];
        items.push(self.polymorphic_enum(i, &mut blocks));
        // IsA (the type itself and every base type), binds and the key, as text: their shape
        // is fixed.
        let mut text = String::new();
        let name_text = name.to_string();
        let is_a = blocks.slot(quote!(#root::support::IsA), false);
        blocks::impl_text(&mut text, &format!("{is_a}<{name}>"), &name_text, true);
        for a in self.near_ancestors(ty) {
            let base = ident(&self.names.entity_types[*a]);
            let gate = self.gate_text([*a]);
            if let Some(gate) = &gate {
                text.push_str(&format!("{gate}\n"));
            }
            let base = blocks.slot(quote!(#root::#base), gate.is_some());
            blocks::impl_text(&mut text, &format!("{is_a}<{base}>"), &name_text, true);
        }
        let has_binds = blocks.slot(quote!(#root::support::HasBinds), false);
        blocks::impl_text(&mut text, &has_binds, &name_text, false);
        text.push_str("    #[inline]\n");
        let binds = blocks.slot(quote!(#root::support::Binds), false);
        blocks::fn_text(
            &mut text,
            "fn binds_mut",
            &["&mut self"],
            &format!("&mut {binds}"),
        );
        text.push_str("        &mut self.binds\n    }\n}\n");
        // Key.
        let key = self.key_param(i, &root);
        let simple_key = key
            .as_ref()
            .filter(|(ty, _)| !ty.to_string().starts_with('('));
        if let Some((key_ty, key_expr)) = simple_key {
            let entity = blocks.slot(quote!(#root::support::Entity), false);
            blocks::impl_text(&mut text, &entity, &name_text, false);
            let key_ty = blocks.slot(key_ty.clone(), false);
            let entity_key = blocks.slot(quote!(::dataverse_runtime::EntityKey), false);
            text.push_str(&format!("    type Key = {key_ty};\n    #[inline]\n"));
            blocks::fn_text(&mut text, "fn entity_key", &["key: Self::Key"], &entity_key);
            let expr = match key_expr.to_string().as_str() {
                "key" => "key".to_string(),
                e if e.contains("Literal") => format!(
                    "{entity_key}::from({}::from(key))",
                    blocks.slot(quote!(::dataverse_runtime::Literal), false)
                ),
                _ => format!("{entity_key}::from(key)"),
            };
            text.push_str(&format!("        {expr}\n    }}\n}}\n"));
            let from = blocks.slot(quote!(::core::convert::From), false);
            let key_handle = blocks.slot(quote!(#root::support::Key), false);
            blocks::impl_text(
                &mut text,
                &format!("{from}<{key_ty}>"),
                &format!("{key_handle}<{name}>"),
                false,
            );
            text.push_str("    #[inline]\n");
            blocks::fn_text(&mut text, "fn from", &[&format!("key: {key_ty}")], "Self");
            text.push_str(&format!("        {key_handle}::primary(key)\n    }}\n}}\n"));
        }
        items.push(blocks.block(text));
        if let (Some((key_ty, key_expr)), None) = (&key, simple_key) {
            items.push(quote! {
                impl #root::support::Entity for #name {
                    type Key = #key_ty;
                    #[inline] fn entity_key(key: Self::Key) -> ::dataverse_runtime::EntityKey {
                        #key_expr
                    }
                }
                impl ::core::convert::From<#key_ty> for #root::support::Key<#name> {
                    #[inline] fn from(key: #key_ty) -> Self {
                        #root::support::Key::primary(key)
                    }
                }
            });
        }
        // Lookup and navigation constants, alternate keys. The property descriptors come
        // first, but are named after the navigation constants, so those keep their names.
        let mut consts = Scope::with_reserved(&["ODATA_TYPE"]);
        let mut navigation_consts = String::new();
        for n in self.field_navigations(ty) {
            let targets = self.lookup_targets(n, i);
            for target in &targets {
                let target_ty = match target.entity {
                    Some(t) => {
                        let name = ident(&self.names.entity_types[t]);
                        quote!(#root::#name)
                    }
                    None => quote!(#root::support::Untyped),
                };
                let base = rust_name(&n.name, Case::Snake);
                let base = base.strip_prefix("r#").unwrap_or(&base).to_uppercase();
                let const_name = if targets.len() == 1 {
                    base
                } else {
                    let set_part = rust_name(&target.set, Case::Snake);
                    format!(
                        "{base}_{}",
                        set_part
                            .strip_prefix("r#")
                            .unwrap_or(&set_part)
                            .to_uppercase()
                    )
                };
                let const_name = ident(&consts.unique(const_name)).to_string();
                let nav_name = proc_macro2::Literal::string(&n.name).to_string();
                let set_name = proc_macro2::Literal::string(&target.set).to_string();
                // A lookup to this type itself needs no gate: the file is compiled with it.
                let gate = self.gate_text(target.entity.filter(|t| *t != i));
                let gated = gate.is_some();
                let target_ty = blocks.slot(target_ty, gated);
                let kind = if n.collection {
                    blocks.slot(quote!(#root::support::Navigation), gated)
                } else {
                    blocks.slot(quote!(#root::support::Lookup), gated)
                };
                const_text(
                    &mut navigation_consts,
                    gate.as_deref(),
                    &const_name,
                    &format!("{kind}<{name}, {target_ty}>"),
                    &format!("{kind}::new"),
                    &[&nav_name, &set_name],
                );
            }
        }
        let mut const_text_block = String::new();
        self.property_descriptors(ty, &mut consts, &root, &mut blocks, &mut const_text_block);
        const_text_block.push_str(&navigation_consts);
        let mut const_items = Vec::new();
        let reference = self.reference_constructor(i, &root, &mut blocks);
        if let Some(Method::Text(text)) = &reference {
            const_text_block.push_str(text);
        }
        if !const_text_block.is_empty() {
            const_items.push(blocks.block(const_text_block));
        }
        let mut methods = Scope::with_reserved(&["reference"]);
        if let Some(Method::Tokens(reference)) = reference {
            const_items.push(reference);
        }
        for alt in &ty.annotations.alternate_keys {
            let parts: Vec<(&AlternateKeyPart, Option<&Property>)> = alt
                .parts
                .iter()
                .map(|p| {
                    let prop = self
                        .model
                        .all_properties(ty)
                        .into_iter()
                        .find(|q| q.name == p.property);
                    (p, prop)
                })
                .collect();
            if parts.iter().any(|(_, p)| p.is_none()) {
                continue;
            }
            let method_name = format!(
                "by_{}",
                alt.parts
                    .iter()
                    .map(|p| rust_name(&p.alias, Case::Snake)
                        .trim_start_matches("r#")
                        .to_string())
                    .collect::<Vec<_>>()
                    .join("_and_")
            );
            let method = ident(&methods.unique(method_name));
            let mut params = Vec::new();
            let mut pairs = Vec::new();
            let mut arg_scope = Scope::new();
            for (part, prop) in &parts {
                let prop = prop.expect("checked above");
                let arg = ident(&arg_scope.name(&part.alias, Case::Snake));
                let arg_ty = match prop.ty.kind {
                    TypeKind::Primitive(Primitive::String) => quote!(&str),
                    TypeKind::Primitive(p) if !prop.ty.collection => primitive_type(p),
                    _ => quote!(::dataverse_runtime::Literal),
                };
                params.push(quote!(#arg: #arg_ty));
                let alias = &part.alias;
                pairs.push(quote!((#alias, ::dataverse_runtime::Literal::from(#arg))));
            }
            let text = format!(
                " The alternate key ({}): `{}({})`.",
                alt.parts
                    .iter()
                    .map(|p| p.alias.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                "set",
                alt.parts
                    .iter()
                    .map(|p| format!("{}=...", p.alias))
                    .collect::<Vec<_>>()
                    .join(",")
            );
            const_items.push(quote! {
                #[doc = #text]
                #[inline] pub fn #method(#(#params),*) -> #root::support::Key<Self> {
                    #root::support::Key::alternate(::std::vec![#(#pairs),*])
                }
            });
        }
        if !const_items.is_empty() {
            items.push(quote! {
                /// One constant per property (typed `$select`, `$filter` and `$orderby`), per
                /// lookup (`bind`; a lookup to a type outside the SDK takes an `EntityKey`) and
                /// per collection-valued navigation (`$ref`), then the key constructors.
                impl #name {
                    #(#const_items)*
                }
            });
        }
        // Bound operations: on the entity handle and on the set handle (collection-bound);
        // operations bound to a base type are available on derived types too.
        let mut entity_ops = Vec::new();
        let mut collection_ops = Vec::new();
        let mut owners = vec![i];
        owners.extend(self.near_ancestors(ty).iter().copied());
        let mut entity_scope = Scope::with_reserved(&[
            "new",
            "path",
            "client",
            "get",
            "update",
            "delete",
            "set_property",
            "clear_property",
            "associate",
            "disassociate",
            "set_lookup",
            "clear_lookup",
            "bound_action",
            "bound_function",
        ]);
        let mut collection_scope = Scope::with_reserved(&[
            "new",
            "name",
            "client",
            "path",
            "create",
            "query",
            "stream",
            "query_all",
            "next_page",
            "entity",
            "get",
            "update",
            "upsert",
            "delete",
            "bound_action",
            "bound_function",
        ]);
        for owner in &owners {
            let owner_ty = &self.model.entity_types[*owner];
            // Request types live in the file of the binding type; derived types reuse them.
            let with_request = *owner == i;
            for id in &owner_ty.bound_operations {
                if let Some(tokens) = self.emit_operation(
                    id.0,
                    Binding::Entity,
                    &mut entity_scope,
                    Site::handle(i, &mut blocks, with_request),
                ) {
                    entity_ops.push(tokens);
                }
            }
            for id in &owner_ty.bound_collection_operations {
                if let Some(tokens) = self.emit_operation(
                    id.0,
                    Binding::Collection,
                    &mut collection_scope,
                    Site::handle(i, &mut blocks, with_request),
                ) {
                    collection_ops.push(tokens);
                }
            }
        }
        // Containment: a containment navigation property is the path to its targets
        // (`service.root().notes().get(id)`, `service.items().entity(id).notes().create(..)`).
        let mut contained = Vec::new();
        for owner in &owners {
            for n in &self.model.entity_types[*owner].navigation_properties {
                let (true, Some(target)) = (n.contains_target, n.target) else {
                    continue;
                };
                let method = ident(&entity_scope.name(&n.name, Case::Snake));
                let target_ty = ident(&self.names.entity_types[target.0]);
                let wire = &n.name;
                let gated_on = Some(target.0).filter(|t| *t != i);
                let gate_text = self.gate_text(gated_on);
                let text = ContainedMethodText {
                    method: &method,
                    wire: &n.name,
                    collection: n.collection,
                    gate: gate_text.as_deref(),
                    root: &root,
                    target: &target_ty,
                };
                if let Some(text) = text.write(&mut blocks) {
                    contained.push((Method::Text(text), quote!()));
                    continue;
                }
                let gate = self.gate(gated_on);
                let method = if n.collection {
                    let text = format!(
                        " The contained collection `{wire}`: create, query, get, update and delete \
                         at `this/{wire}`."
                    );
                    quote! {
                        #[doc = #text]
                        #gate
                        #[inline] pub fn #method(&self) -> #root::support::EntitySet<#root::#target_ty> {
                            #root::support::EntitySet::contained(self.client().clone(), #wire, self.path().clone().nav(#wire))
                        }
                    }
                } else {
                    let text = format!(" The contained entity `{wire}` at `this/{wire}`.");
                    quote! {
                        #[doc = #text]
                        #gate
                        #[inline] pub fn #method(&self) -> #root::support::EntityHandle<#root::#target_ty> {
                            #root::support::EntityHandle::new(self.client().clone(), self.path().clone().nav(#wire))
                        }
                    }
                };
                contained.push((Method::Tokens(method), quote!()));
            }
        }
        entity_ops.extend(contained);
        let (entity_methods, entity_requests): (Vec<_>, Vec<_>) = entity_ops.into_iter().unzip();
        let (collection_methods, collection_requests): (Vec<_>, Vec<_>) =
            collection_ops.into_iter().unzip();
        let entity_methods = methods_tokens(entity_methods, &mut blocks);
        let collection_methods = methods_tokens(collection_methods, &mut blocks);
        if !entity_methods.is_empty() {
            items.push(quote! {
                impl #root::support::EntityHandle<#name> {
                    #(#entity_methods)*
                }
                #(#entity_requests)*
            });
        }
        if !collection_methods.is_empty() {
            items.push(quote! {
                impl #root::support::EntitySet<#name> {
                    #(#collection_methods)*
                }
                #(#collection_requests)*
            });
        }
        let slots = blocks.slots_item(&name);
        (quote!(#slots #(#items)*), blocks.texts)
    }

    /// `Type::reference(key)`: a record with only its CSDL key set, for entity parameters that
    /// name an existing record (`AddToQueue`'s `Target`, `AddMembersTeam`'s `Members`). `None`
    /// for types without a key or with a key that is not a plain literal. Text where its lines
    /// fit the fixed layout, else tokens.
    fn reference_constructor(
        &self,
        i: usize,
        root: &TokenStream,
        blocks: &mut Blocks,
    ) -> Option<Method> {
        let ty = &self.model.entity_types[i];
        let key = ty.key.as_ref()?;
        let (fields, _) = self.field_names(ty);
        // A composed type's inherited key is not one of its fields: no `reference` then.
        let properties = self.field_properties(ty);
        let mut params = Vec::new();
        let mut sets = Vec::new();
        let mut names = Vec::new();
        for (n, part) in key.iter().enumerate() {
            let [property] = part.path.as_slice() else {
                return None;
            };
            let index = properties.iter().position(|p| &p.name == property)?;
            let p = properties[index];
            if p.ty.collection || p.needs_box {
                return None;
            }
            let TypeKind::Primitive(primitive) = p.ty.kind else {
                return None;
            };
            if !primitive.has_url_literal() {
                return None;
            }
            let value_ty = self.element_type(&p.ty.kind, root);
            let field = ident(&fields[index]);
            let value = if key.len() == 1 {
                "key".to_string()
            } else {
                format!("key.{n}")
            };
            params.push(value_ty);
            sets.push((field, value));
            names.push(format!("`{property}`"));
        }
        let doc = format!(
            "A reference to an existing record: only its key ({}) is set. Pass it where an \
             operation takes an existing record (`EntityValue::new(&Type::reference(id))`).",
            names.join(", ")
        );
        // The lines of the text, measured with the full paths (the short names are no longer).
        let full_key = params
            .iter()
            .map(|p| p.to_string().replace(' ', ""))
            .collect::<Vec<_>>()
            .join(", ");
        let fits = 4 + format!("pub fn reference(key: ({full_key})) -> Self {{").len()
            <= blocks::PRETTYPLEASE_MARGIN
            && sets.iter().all(|(field, value)| {
                12 + format!("{field}: ::dataverse_runtime::Field::Value({value}),").len()
                    <= blocks::PRETTYPLEASE_MARGIN
            });
        if fits {
            let mut text = String::new();
            blocks::doc_text(&mut text, "    ", &[doc]);
            text.push_str("    #[inline]\n");
            let slots: Vec<String> = params
                .iter()
                .map(|p| blocks.slot(p.clone(), false))
                .collect();
            let key_ty = match slots.as_slice() {
                [one] => one.clone(),
                many => format!("({})", many.join(", ")),
            };
            blocks::fn_text(
                &mut text,
                "pub fn reference",
                &[&format!("key: {key_ty}")],
                "Self",
            );
            let field_slot = blocks.slot(quote!(::dataverse_runtime::Field), false);
            text.push_str("        Self {\n");
            for (field, value) in &sets {
                text.push_str(&format!(
                    "            {field}: {field_slot}::Value({value}),\n"
                ));
            }
            let default = blocks.slot(quote!(::core::default::Default), false);
            text.push_str(&format!(
                "            ..{default}::default()\n        }}\n    }}\n"
            ));
            return Some(Method::Text(text));
        }
        let key_ty = if params.len() == 1 {
            params.remove(0)
        } else {
            quote!((#(#params),*))
        };
        let sets = sets.iter().map(|(field, value)| {
            let value: TokenStream = value.parse().unwrap_or_default();
            quote!(#field: ::dataverse_runtime::Field::Value(#value))
        });
        let doc = format!(" {doc}");
        Some(Method::Tokens(quote! {
            #[doc = #doc]
            #[inline] pub fn reference(key: #key_ty) -> Self {
                Self {
                    #(#sets,)*
                    ..::core::default::Default::default()
                }
            }
        }))
    }
}

/// An `impl` block's methods: those emitted as tokens as they are, each run of text methods as
/// one block.
fn methods_tokens(methods: Vec<Method>, blocks: &mut Blocks) -> Vec<TokenStream> {
    let mut out = Vec::new();
    let mut text = String::new();
    for method in methods {
        match method {
            Method::Text(t) => text.push_str(&t),
            Method::Tokens(tokens) => {
                if !text.is_empty() {
                    out.push(blocks.block(std::mem::take(&mut text)));
                }
                out.push(tokens);
            }
        }
    }
    if !text.is_empty() {
        out.push(blocks.block(text));
    }
    out
}
