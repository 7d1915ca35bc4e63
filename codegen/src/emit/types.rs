//! Structs of entity and complex types, their polymorphic enums, and the Rust type of a value.

use super::blocks::{self, Blocks, doc_text};
use super::naming::member_source;
use super::{Depth, Emitter, describe, escape_doc};
use crate::model::*;
use crate::names::{Case, Scope, ident};
use proc_macro2::TokenStream;
use quote::quote;

/// The Rust type of a primitive (the Edm-to-Rust table of the README).
pub(super) fn primitive_type(p: Primitive) -> TokenStream {
    match p {
        Primitive::Binary => quote!(::dataverse_runtime::Binary),
        Primitive::Boolean => quote!(bool),
        Primitive::Byte => quote!(u8),
        Primitive::Date => quote!(::dataverse_runtime::Date),
        Primitive::DateTimeOffset => quote!(::dataverse_runtime::DateTimeOffset),
        Primitive::Decimal => quote!(::dataverse_runtime::Decimal),
        Primitive::Double => quote!(f64),
        Primitive::Duration => quote!(::dataverse_runtime::Duration),
        Primitive::Guid => quote!(::dataverse_runtime::codegen::uuid::Uuid),
        Primitive::Int16 => quote!(i16),
        Primitive::Int32 => quote!(i32),
        Primitive::Int64 => quote!(i64),
        Primitive::SByte => quote!(i8),
        Primitive::Single => quote!(f32),
        Primitive::String | Primitive::ModelPath => quote!(::std::string::String),
        Primitive::TimeOfDay => quote!(::dataverse_runtime::TimeOfDay),
        Primitive::Stream | Primitive::Geography | Primitive::Geometry => {
            quote!(::dataverse_runtime::codegen::serde_json::Value)
        }
    }
}

impl Emitter<'_> {
    /// The type a value of entity type `id` is read as: the polymorphic enum when the type has
    /// derived types (the payload's `@odata.type` picks the variant), else the struct.
    pub(super) fn entity_value_type(&self, id: usize, root: &TokenStream) -> TokenStream {
        let name = match &self.names.polymorphic[id] {
            Some(any) => ident(any),
            None => ident(&self.names.entity_types[id]),
        };
        quote!(#root::#name)
    }

    /// The enum over an entity type and every type derived from it, dispatching on
    /// `@odata.type`, with a variant for types this SDK does not know.
    /// `TypeAny`: an entity type or any type derived from it, as the payload's `@odata.type`
    /// says. The enum and its `Serialize` impl are text where every arm fits its fixed layout
    /// (else tokens); the `Deserialize` impl is tokens.
    pub(super) fn polymorphic_enum(&self, i: usize, blocks: &mut Blocks) -> TokenStream {
        let Some(any) = &self.names.polymorphic[i] else {
            return quote!();
        };
        let root = Depth(2).root();
        let any = ident(any);
        let ty = &self.model.entity_types[i];
        let base = ident(&self.names.entity_types[i]);
        let members = self.polymorphic_members(i);
        let pattern = |v: &proc_macro2::Ident| format!("Self::{v}(value)");
        let arm_fits =
            |v: &proc_macro2::Ident| 12 + pattern(v).len() + 4 <= blocks::PRETTYPLEASE_MARGIN;
        if !members.iter().all(|(v, _)| arm_fits(v)) {
            return self.polymorphic_enum_tokens(i);
        }
        let doc = format!(
            "A `{}` or any type derived from it, chosen by the payload's `@odata.type` (absent: the \
             base type; a type this SDK does not know: `Unknown`, read as the base type with \
             everything kept in `extra`).",
            ty.name
        );
        let mut text = String::new();
        doc_text(&mut text, "", std::slice::from_ref(&doc));
        text.push_str(&format!(
            "#[derive(Debug, Clone, PartialEq)]\npub enum {any} {{\n"
        ));
        let boxed = blocks.slot(quote!(::std::boxed::Box), false);
        let mut arms = String::new();
        for (v, t) in &members {
            let gate = if *t == i { None } else { self.gate_text([*t]) };
            let name = ident(&self.names.entity_types[*t]);
            let qualified = &self.model.entity_types[*t].name;
            doc_text(&mut text, "    ", &[format!("`{qualified}`.")]);
            if let Some(gate) = &gate {
                text.push_str(&format!("    {gate}\n"));
                arms.push_str(&format!("            {gate}\n"));
            }
            let target = blocks.slot(quote!(#root::#name), gate.is_some());
            blocks::variant_text(&mut text, &v.to_string(), &format!("{boxed}<{target}>"));
            blocks::arm_text(&mut arms, 12, &pattern(v), "value.serialize(serializer)");
        }
        let base_slot = blocks.slot(quote!(#root::#base), false);
        text.push_str("    /// A derived type this SDK does not know, read as the base type.\n");
        blocks::variant_text(&mut text, "Unknown", &format!("{boxed}<{base_slot}>"));
        text.push_str("}\n");
        let serialize = blocks.slot(
            quote!(::dataverse_runtime::codegen::serde::Serialize),
            false,
        );
        let serializer = blocks.slot(
            quote!(::dataverse_runtime::codegen::serde::Serializer),
            false,
        );
        let result = blocks.slot(quote!(::core::result::Result), false);
        blocks::impl_text(&mut text, &serialize, &any.to_string(), false);
        blocks::fn_text(
            &mut text,
            &format!("fn serialize<S: {serializer}>"),
            &["&self", "serializer: S"],
            &format!("{result}<S::Ok, S::Error>"),
        );
        text.push_str("        match self {\n");
        text.push_str(&arms);
        text.push_str(
            "            Self::Unknown(value) => value.serialize(serializer),\n        }\n    }\n}\n",
        );
        let stand_in = Blocks::stand_in(&any);
        let marker = blocks.block(text);
        let deserialize = self.polymorphic_deserialize(i, &any, &members);
        quote!(#stand_in #marker #deserialize)
    }

    /// The members of `TypeAny`: the type, then its derived types down to FLATTEN_DEPTH levels
    /// below (deeper ones are read as `Unknown`, the base type with everything else in
    /// `extra`: a long chain keeps its output linear), each with its variant name.
    fn polymorphic_members(&self, i: usize) -> Vec<(proc_macro2::Ident, usize)> {
        let ty = &self.model.entity_types[i];
        let mut variants = Scope::with_reserved(&["Unknown"]);
        let depth = ty.ancestors.len();
        std::iter::once(i)
            .chain(ty.derived.iter().copied().filter(|d| {
                self.model.entity_types[*d].ancestors.len() - depth <= super::FLATTEN_DEPTH
            }))
            .map(|t| {
                (
                    ident(&variants.name(&self.names.entity_types[t], Case::Type)),
                    t,
                )
            })
            .collect()
    }

    /// The `Deserialize` impl of `TypeAny`: by `@odata.type`, the base type when absent.
    fn polymorphic_deserialize(
        &self,
        i: usize,
        any: &proc_macro2::Ident,
        members: &[(proc_macro2::Ident, usize)],
    ) -> TokenStream {
        let root = Depth(2).root();
        let base = ident(&self.names.entity_types[i]);
        let gate = |t: usize| if t == i { quote!() } else { self.gate([t]) };
        let arms = members.iter().map(|(v, t)| {
            let qualified = self.model.entity_types[*t].name.to_string();
            let gate = gate(*t);
            quote!(#gate #qualified => Self::#v(decode(raw)?),)
        });
        quote! {
            impl<'de> ::dataverse_runtime::codegen::serde::Deserialize<'de> for #any {
                fn deserialize<D: ::dataverse_runtime::codegen::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    use ::dataverse_runtime::codegen::serde::de::Error as _;
                    fn decode<T: ::dataverse_runtime::codegen::serde::de::DeserializeOwned, E: ::dataverse_runtime::codegen::serde::de::Error>(raw: &str) -> ::core::result::Result<::std::boxed::Box<T>, E> {
                        ::dataverse_runtime::codegen::serde_json::from_str(raw).map(::std::boxed::Box::new).map_err(E::custom)
                    }
                    let raw: ::std::boxed::Box<::dataverse_runtime::codegen::serde_json::value::RawValue> = ::dataverse_runtime::codegen::serde::Deserialize::deserialize(deserializer)?;
                    let raw = raw.get();
                    let odata_type = #root::support::odata_type_of(raw).map_err(D::Error::custom)?;
                    ::core::result::Result::Ok(match odata_type.as_deref() {
                        ::core::option::Option::None => Self::#base(decode(raw)?),
                        ::core::option::Option::Some(name) => match name.trim_start_matches('#') {
                            #(#arms)*
                            _ => Self::Unknown(decode(raw)?),
                        },
                    })
                }
            }
        }
    }

    /// `TypeAny` as tokens, where a variant's name is too long for the text's fixed layout.
    fn polymorphic_enum_tokens(&self, i: usize) -> TokenStream {
        let root = Depth(2).root();
        let any = ident(self.names.polymorphic[i].as_deref().unwrap_or_default());
        let ty = &self.model.entity_types[i];
        let base = ident(&self.names.entity_types[i]);
        let members = self.polymorphic_members(i);
        let gate = |t: usize| if t == i { quote!() } else { self.gate([t]) };
        let defs = members.iter().map(|(v, t)| {
            let name = ident(&self.names.entity_types[*t]);
            let text = format!(" `{}`.", self.model.entity_types[*t].name);
            let gate = gate(*t);
            quote!(#[doc = #text] #gate #v(::std::boxed::Box<#root::#name>),)
        });
        let ser_arms = members.iter().map(|(v, t)| {
            let gate = gate(*t);
            quote!(#gate Self::#v(value) => value.serialize(serializer),)
        });
        let text = format!(
            " A `{}` or any type derived from it, chosen by the payload's `@odata.type` (absent: the \
             base type; a type this SDK does not know: `Unknown`, read as the base type with \
             everything kept in `extra`).",
            ty.name
        );
        let deserialize = self.polymorphic_deserialize(i, &any, &members);
        quote! {
            #[doc = #text]
            #[derive(Debug, Clone, PartialEq)]
            pub enum #any {
                #(#defs)*
                /// A derived type this SDK does not know, read as the base type.
                Unknown(::std::boxed::Box<#base>),
            }

            impl ::dataverse_runtime::codegen::serde::Serialize for #any {
                fn serialize<S: ::dataverse_runtime::codegen::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    match self {
                        #(#ser_arms)*
                        Self::Unknown(value) => value.serialize(serializer),
                    }
                }
            }

            #deserialize
        }
    }

    /// The Rust type of one value (no collection) of `kind`.
    pub(super) fn element_type(&self, kind: &TypeKind, root: &TokenStream) -> TokenStream {
        match kind {
            TypeKind::Primitive(p) => primitive_type(*p),
            TypeKind::Entity(id) => {
                let name = ident(&self.names.entity_types[id.0]);
                quote!(#root::#name)
            }
            TypeKind::Complex(id) => {
                let name = ident(&self.names.complex_types[id.0]);
                quote!(#root::#name)
            }
            TypeKind::Enum(id) => {
                let name = ident(&self.names.enum_types[id.0]);
                if self.model.enum_types[id.0].is_flags {
                    quote!(#root::support::Flags<#root::#name>)
                } else {
                    quote!(#root::#name)
                }
            }
            TypeKind::Definition(id) => {
                let name = ident(&self.names.type_definitions[id.0]);
                quote!(#root::#name)
            }
            TypeKind::AnyEntity
            | TypeKind::AnyComplex
            | TypeKind::AnyPrimitive
            | TypeKind::Untyped
            | TypeKind::External(_) => quote!(::dataverse_runtime::codegen::serde_json::Value),
        }
    }

    /// The Rust type of property `p`'s value: its choice enum (or a `MultiChoice` of it) when a
    /// sidecar gave the column an option set, else the type of its CSDL type.
    pub(super) fn property_value_type(&self, p: &Property, root: &TokenStream) -> TokenStream {
        match self.choice_type(p, root) {
            Some(choice) => choice,
            None => self.value_type(&p.ty, p.needs_box, root),
        }
    }

    /// The choice type of a choice column (`None` for other columns and yes/no columns).
    pub(super) fn choice_type(&self, p: &Property, root: &TokenStream) -> Option<TokenStream> {
        let column = p.column.as_ref()?;
        let name = ident(self.names.choice_sets[column.choice?.0].as_ref()?);
        Some(if column.multi_select {
            quote!(::dataverse_runtime::codegen::choice::MultiChoice<#root::#name>)
        } else {
            quote!(#root::#name)
        })
    }

    /// `, a choice of `AccountIndustryCode`` (and the like) for the doc of a choice column; the
    /// labels of a yes/no column.
    fn choice_label(&self, p: &Property) -> String {
        let Some(column) = &p.column else {
            return String::new();
        };
        let Some(id) = column.choice else {
            return String::new();
        };
        let set = &self.model.choice_sets[id.0];
        if set.kind == ChoiceKind::Boolean {
            let label = |value: i32| {
                set.options
                    .iter()
                    .find(|o| o.value == value)
                    .and_then(|o| o.label.as_deref())
                    .map(escape_doc)
            };
            return match (label(1), label(0)) {
                (Some(yes), Some(no)) => format!(", yes/no: `true` is “{yes}”, `false` “{no}”"),
                _ => String::new(),
            };
        }
        let Some(name) = &self.names.choice_sets[id.0] else {
            return String::new();
        };
        match (column.multi_select, set.kind) {
            (true, _) => format!(", choices: a `MultiChoice<{name}>` (sent as `\"1,3\"`)"),
            (false, ChoiceKind::State) => format!(", the state: a `{name}`"),
            (false, ChoiceKind::Status) => format!(", the status: a `{name}` (see its `state()`)"),
            (false, _) => format!(", a choice: a `{name}`"),
        }
    }

    /// The Rust type of a property value: collections as `Vec`, by-value recursion boxed.
    pub(super) fn value_type(&self, ty: &TypeRef, boxed: bool, root: &TokenStream) -> TokenStream {
        let element = self.element_type(&ty.kind, root);
        if ty.collection {
            quote!(::std::vec::Vec<#element>)
        } else if boxed || matches!(ty.kind, TypeKind::Entity(_)) {
            quote!(::std::boxed::Box<#element>)
        } else {
            element
        }
    }

    /// The Rust field names of the structural and the navigation properties of `ty` (inherited
    /// first), in model order.
    pub(super) fn field_names(&self, ty: &StructuredType) -> (Vec<String>, Vec<String>) {
        let mut fields = match self.composed_base(ty) {
            Some(_) => Scope::with_reserved(&["extra", "binds", "base"]),
            None => Scope::with_reserved(&["extra", "binds"]),
        };
        let properties = self
            .field_properties(ty)
            .into_iter()
            .map(|p| fields.name(&member_source(p), Case::Snake))
            .collect();
        let navigations = self
            .field_navigations(ty)
            .into_iter()
            .map(|n| fields.name(&n.name, Case::Snake))
            .collect();
        (properties, navigations)
    }

    /// Fields, field (de)serialization arms of a structured type (all properties, inherited
    /// first; for entity types also the expanded navigation properties).
    pub(super) fn structured_type(
        &self,
        ty: &StructuredType,
        rust_name_: &str,
        entity: Option<usize>,
        blocks: &mut Blocks,
    ) -> TokenStream {
        let root = Depth(2).root();
        let name = ident(rust_name_);
        let text_literal = |s: &str| proc_macro2::Literal::string(s).to_string();
        let qualified = ty.name.to_string();
        let (property_fields, navigation_fields) = self.field_names(ty);
        // The struct's fields and the field table's entries, as text.
        let mut defs = String::new();
        let mut table = String::new();
        let key_paths: Vec<String> = ty.key.iter().flatten().map(|k| k.path.join("/")).collect();
        for (p, field) in self.field_properties(ty).into_iter().zip(&property_fields) {
            let write = property_write(p, key_paths.contains(&p.name));
            let field = ident(field);
            let value = self.property_value_type(p, &root);
            let wire = &p.name;
            let mut doc = vec![format!(
                "{}`{}`: `{}`{}{}{}{}.",
                match p.column.as_ref().and_then(|c| c.display_name.as_deref()) {
                    Some(display) => format!("{} ", escape_doc(display)),
                    None => String::new(),
                },
                p.name,
                self.type_label(&p.ty),
                self.choice_label(p),
                if p.nullable { "" } else { ", not null" },
                if key_paths.contains(&p.name) {
                    ", key"
                } else {
                    ""
                },
                match write {
                    Write::Always => "",
                    Write::Never if p.column.is_some() && !is_lookup_value(p) =>
                        ", read-only (valid neither for create nor for update)",
                    Write::Never if p.annotations.computed =>
                        ", computed by the service (read-only)",
                    Write::Never => ", lookup value (read-only)",
                    Write::OnCreate => ", written on create only",
                    Write::OnUpdate => ", written on update only (not valid for create)",
                },
            )];
            if let Some(description) = p.column.as_ref().and_then(|c| c.description.as_deref()) {
                doc.push(String::new());
                doc.extend(description.lines().map(escape_doc));
            }
            doc.extend(describe(&p.annotations));
            // A field named like its property, nullable, writable and with nothing more to say
            // has no doc of its own: its type says the rest.
            let plain = doc.len() == 1
                && p.column.as_ref().is_none_or(|c| c.display_name.is_none())
                && self.choice_label(p).is_empty()
                && p.nullable
                && !key_paths.contains(&p.name)
                && write == Write::Always
                && field.to_string().trim_start_matches("r#") == p.name;
            if !plain {
                doc_text(&mut defs, "    ", &doc);
            }
            let gate = self.gate_text(Self::mentioned(&p.ty));
            let gated = gate.is_some();
            for text in [&mut defs, &mut table] {
                if let Some(gate) = &gate {
                    text.push_str(&format!("    {gate}\n"));
                }
            }
            let wrapper = if write == Write::Never {
                quote!(::dataverse_runtime::ReadOnly<#value>)
            } else {
                quote!(::dataverse_runtime::Field<#value>)
            };
            defs.push_str(&format!(
                "    pub {field}: {},\n",
                blocks.slot(wrapper, gated)
            ));
            let visit = match write {
                Write::Always => "field",
                Write::Never => "read_only",
                Write::OnCreate => "create_only",
                Write::OnUpdate => "update_only",
            };
            table.push_str(&format!("    {visit} {field} = {};\n", text_literal(wire)));
        }
        for (n, field) in self
            .field_navigations(ty)
            .into_iter()
            .zip(&navigation_fields)
        {
            let field = ident(field);
            let target = match n.target {
                Some(t) => self.entity_value_type(t.0, &root),
                None => quote!(#root::support::Untyped),
            };
            let value = if n.collection {
                quote!(#root::support::Expanded<::std::vec::Vec<#target>>)
            } else {
                quote!(#root::support::Expanded<#target>)
            };
            let wire = &n.name;
            // Documented where the field's name or type does not tell the property or its target.
            if field.to_string().trim_start_matches("r#") != n.name || n.target.is_none() {
                let text = format!(
                    "Navigation `{}`: {} `{}`.",
                    n.name,
                    if n.collection {
                        "a collection of"
                    } else {
                        "one"
                    },
                    n.target_name
                );
                doc_text(&mut defs, "    ", &[text]);
            }
            // Not behind the target's feature: without it, the target's name is a stand-in that
            // reads the expanded value as untyped JSON (`Emitter::stand_ins`).
            defs.push_str(&format!(
                "    pub {field}: {},\n",
                blocks.slot(value, false)
            ));
            table.push_str(&format!(
                "    navigation {field} = {};\n",
                text_literal(wire)
            ));
        }
        // A composed type (deeper than FLATTEN_DEPTH) holds its base type, which writes and
        // reads the inherited members, the binds and `extra`.
        let composed = self.composed_base(ty).map(|b| {
            let base = match ty.kind {
                StructuredKind::Entity => ident(&self.names.entity_types[b]),
                StructuredKind::Complex => ident(&self.names.complex_types[b]),
            };
            quote!(#root::#base)
        });
        let mut header = text_literal(&qualified);
        if composed.is_some() {
            header.push_str(", base = base");
        }
        if entity.is_some() && composed.is_none() {
            header.push_str(", binds = binds");
        }
        let kind = match ty.kind {
            StructuredKind::Entity => "entity type",
            StructuredKind::Complex => "complex type",
        };
        let mut doc = vec![format!(
            "`{qualified}` ({kind}{}{}{}).",
            if ty.is_abstract { ", abstract" } else { "" },
            if ty.open_type { ", open" } else { "" },
            match ty.base {
                Some(b) => {
                    let list = match ty.kind {
                        StructuredKind::Entity => &self.model.entity_types,
                        StructuredKind::Complex => &self.model.complex_types,
                    };
                    format!(", derived from `{}`", list[b].name)
                }
                None => String::new(),
            }
        )];
        if let Some(table) = &ty.table {
            if let Some(display) = &table.display_name {
                doc.push(String::new());
                doc.push(format!(
                    "{} (`{}`).",
                    escape_doc(display),
                    escape_doc(&table.schema_name)
                ));
            }
            if let Some(description) = &table.description {
                doc.push(String::new());
                doc.extend(description.lines().map(escape_doc));
            }
        }
        doc.extend(describe(&ty.annotations));
        doc.push(String::new());
        doc.push(
            "Every field is a `Field` (or a `ReadOnly` that only a read fills): unset fields are not sent, so an update sends only what \
             was set; properties the type does not declare, and annotations, are kept in `extra`. Navigation properties are \
             filled by `$expand`. A field named like its property, nullable and writable has no doc of its own."
                .into(),
        );
        if composed.is_some() {
            doc.push(String::new());
            doc.push(format!(
                "It is more than {} levels deep, so its inherited members are not repeated here: \
                 they are in `base` (and reached through it by deref: `record.name`).",
                super::FLATTEN_DEPTH
            ));
        }
        let mut text = String::new();
        doc_text(&mut text, "", &doc);
        text.push_str(&format!(
            "#[derive(Clone, Default)]\npub struct {name} {{\n"
        ));
        if let Some(base) = &composed {
            text.push_str(&format!(
                "    /// The base type's members (deeper types are composed, not flattened).\n    pub base: {},\n",
                blocks.slot(base.clone(), false)
            ));
        }
        text.push_str(&defs);
        if entity.is_some() && composed.is_none() {
            text.push_str(&format!(
                "    /// Lookups to send as `nav@odata.bind`; set them with `HasBinds::bind` and the\n    \
                 /// lookup constants of this type.\n    pub binds: {},\n",
                blocks.slot(quote!(#root::support::Binds), false)
            ));
        }
        if composed.is_none() {
            text.push_str(&format!(
                "    /// Properties and annotations this type does not declare, exactly as received.\n    \
                 pub extra: {},\n",
                blocks.slot(quote!(#root::support::Extra), false)
            ));
        }
        text.push_str("}\n");
        let struct_block = blocks.block(text);
        let structured = blocks.slot(quote!(#root::support::structured), false);
        let table_block = blocks.block(format!(
            "{structured}! {{\n    {name}({header});\n{table}}}\n"
        ));
        let deref = match &composed {
            Some(base) => quote! {
                impl ::core::ops::Deref for #name {
                    type Target = #base;
                    fn deref(&self) -> &#base {
                        &self.base
                    }
                }

                impl ::core::ops::DerefMut for #name {
                    fn deref_mut(&mut self) -> &mut #base {
                        &mut self.base
                    }
                }
            },
            None => quote!(),
        };
        quote! {
            #struct_block
            #deref
            #table_block
        }
    }

    /// One complex type's file: its struct and its property descriptors.
    pub(super) fn emit_complex(&self, i: usize) -> (TokenStream, Vec<String>) {
        let ty = &self.model.complex_types[i];
        let rust = &self.names.complex_types[i];
        let name = ident(rust);
        let root = Depth(2).root();
        let mut blocks = Blocks::default();
        let structured = self.structured_type(ty, rust, None, &mut blocks);
        let mut scope = Scope::with_reserved(&["ODATA_TYPE"]);
        let mut descriptors = String::new();
        self.property_descriptors(ty, &mut scope, &root, &mut blocks, &mut descriptors);
        let slots = blocks.slots_item(&name);
        if descriptors.is_empty() {
            return (quote!(#slots #structured), blocks.texts);
        }
        let descriptors = blocks.block(descriptors);
        (
            quote! {
                #slots
                #structured

                /// One constant per property, for typed `$select`, `$filter` and `$orderby`.
                impl #name {
                    #descriptors
                }
            },
            blocks.texts,
        )
    }
}

/// When a property is written by create and update.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Write {
    /// Whenever it is set.
    Always,
    /// Never (read-only): a lookup value, a `Core.Computed` property that is not a key, or a
    /// column the sidecar says is valid neither for create nor for update.
    Never,
    /// On create only: `Core.Immutable`, or valid for create and not for update.
    OnCreate,
    /// On update only: valid for update and not for create.
    OnUpdate,
}

/// Whether `p` is a lookup value (`_parentaccountid_value`): read-only, set through a bind.
fn is_lookup_value(p: &Property) -> bool {
    !p.ty.collection
        && p.ty.kind == TypeKind::Primitive(Primitive::Guid)
        && p.name.len() > "__value".len()
        && p.name.starts_with('_')
        && p.name.ends_with("_value")
}

/// How property `p` is written; `is_key`: it is (part of) the type's key, which a reference or a
/// create may set even where the service computes it. What `$metadata` allows and what the
/// sidecar allows must both hold.
pub(super) fn property_write(p: &Property, is_key: bool) -> Write {
    if is_key {
        return Write::Always;
    }
    let (mut create, mut update) = if is_lookup_value(p) || p.annotations.computed {
        (false, false)
    } else {
        (true, !p.annotations.immutable)
    };
    if let Some(column) = &p.column {
        create &= column.valid_for_create;
        update &= column.valid_for_update;
    }
    match (create, update) {
        (true, true) => Write::Always,
        (true, false) => Write::OnCreate,
        (false, true) => Write::OnUpdate,
        (false, false) => Write::Never,
    }
}
