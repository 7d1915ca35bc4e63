//! Stage 5, emit: the resolved [`Model`] to Rust token streams, one per output file.
//!
//! The output is a module tree (paths relative to the SDK root):
//!
//! | file | contents |
//! |---|---|
//! | `mod.rs` / `lib.rs` | module declarations, re-exports, the `Service` (entity sets and unbound operations) |
//! | `support.rs` | the generic typed layer (keys, handles, lookups, enum and struct serialization) |
//! | `enums.rs` | enum types and type definitions |
//! | `complex/<type>.rs` | one complex type |
//! | `entities/<type>.rs` | one entity type: struct, lookups, keys, its bound operations |
//! | `operations.rs` | request types of unbound operations |
//!
//! Every generated path is absolute (`::core::option::Option`, `::dataverse_runtime::Field`) so
//! that a CSDL type named `Option` or `String` shadows nothing.

use crate::model::*;
use crate::names::{Case, Scope, ident, rust_name};
use crate::syntax::OperationKind;
use proc_macro2::{Literal as Lit, TokenStream};
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};

/// One output file before formatting: its path relative to the SDK root and its tokens.
pub struct EmittedFile {
    /// Relative path, `/`-separated.
    pub path: String,
    /// The items of the file.
    pub tokens: TokenStream,
    /// The file's inner doc comment (first line of the file).
    pub doc: String,
}

/// The names given to everything, decided before any code is emitted.
pub struct Names {
    /// Rust type name per entity type.
    pub entity_types: Vec<String>,
    /// Module (file) name per entity type.
    pub entity_modules: Vec<String>,
    /// Rust type name per complex type.
    pub complex_types: Vec<String>,
    /// Module (file) name per complex type.
    pub complex_modules: Vec<String>,
    /// Rust type name per enum type.
    pub enum_types: Vec<String>,
    /// Rust type name per type definition.
    pub type_definitions: Vec<String>,
    /// Service method per entity set.
    pub entity_sets: Vec<String>,
    /// The polymorphic enum per entity type that has derived types (`None` otherwise).
    pub polymorphic: Vec<Option<String>>,
    /// (request type, method) per operation, for callable operations.
    pub operations: BTreeMap<usize, (String, String)>,
}

impl Names {
    /// Every rename: (CSDL name, Rust name), for `--print-names`.
    pub fn rename_map(&self, model: &Model) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (t, n) in model.entity_types.iter().zip(&self.entity_types) {
            out.push((format!("entity type {}", t.name), n.clone()));
        }
        for (t, n) in model.complex_types.iter().zip(&self.complex_types) {
            out.push((format!("complex type {}", t.name), n.clone()));
        }
        for (t, n) in model.enum_types.iter().zip(&self.enum_types) {
            out.push((format!("enum type {}", t.name), n.clone()));
        }
        for (t, n) in model.type_definitions.iter().zip(&self.type_definitions) {
            out.push((format!("type definition {}", t.name), n.clone()));
        }
        for (s, n) in model.entity_sets.iter().zip(&self.entity_sets) {
            out.push((format!("entity set {}", s.name), format!("Service::{n}")));
        }
        for (id, (request, method)) in &self.operations {
            let op = &model.operations[*id];
            out.push((
                format!("operation {}", op.name),
                format!("{method} ({request})"),
            ));
        }
        out
    }
}

const RESERVED_ROOT: &[&str] = &[
    "Service",
    "support",
    "entities",
    "complex",
    "enums",
    "operations",
];

/// Decides every name.
pub fn names(model: &Model, renames: &BTreeMap<String, String>) -> Names {
    let mut types = Scope::with_reserved(RESERVED_ROOT);
    // A rename (by qualified or simple CSDL name) replaces the name the type is made from; it
    // still goes through the scope, so it stays a valid, unique identifier.
    let type_name = |types: &mut Scope, name: &crate::model::QualifiedName| {
        let source = renames
            .get(&name.to_string())
            .or_else(|| renames.get(&name.name))
            .unwrap_or(&name.name);
        types.name(source, Case::Type)
    };
    let entity_types: Vec<String> = model
        .entity_types
        .iter()
        .map(|t| type_name(&mut types, &t.name))
        .collect();
    let complex_types: Vec<String> = model
        .complex_types
        .iter()
        .map(|t| type_name(&mut types, &t.name))
        .collect();
    let enum_types: Vec<String> = model
        .enum_types
        .iter()
        .map(|t| type_name(&mut types, &t.name))
        .collect();
    let polymorphic: Vec<Option<String>> = model
        .entity_types
        .iter()
        .zip(&entity_types)
        .map(|(t, name)| (!t.derived.is_empty()).then(|| types.unique(format!("{name}Any"))))
        .collect();
    let type_definitions: Vec<String> = model
        .type_definitions
        .iter()
        .map(|t| type_name(&mut types, &t.name))
        .collect();
    let mut modules = Scope::with_reserved(&["mod"]);
    let entity_modules = entity_types
        .iter()
        .map(|n| modules.name(n, Case::Snake))
        .collect();
    let mut modules = Scope::with_reserved(&["mod"]);
    let complex_modules = complex_types
        .iter()
        .map(|n| modules.name(n, Case::Snake))
        .collect();
    let mut service = Scope::with_reserved(&["new", "client"]);
    let entity_sets = model
        .entity_sets
        .iter()
        .map(|s| service.name(&s.name, Case::Snake))
        .collect();
    // Operations: unbound ones through their imports on the service; bound ones on the
    // handles of their binding type. Methods of one handle type share a scope.
    let mut operations = BTreeMap::new();
    for import in &model.imports {
        for id in &import.operations {
            let op = &model.operations[id.0];
            let request = types.unique(format!("{}Request", rust_name(&import.name, Case::Type)));
            let method = service.name(&import.name, Case::Snake);
            let _ = op;
            operations.entry(id.0).or_insert((request, method));
        }
    }
    let mut handle_scopes: BTreeMap<(usize, bool), Scope> = BTreeMap::new();
    for (i, op) in model.operations.iter().enumerate() {
        let Some(binding) = &op.binding else { continue };
        let TypeKind::Entity(entity) = binding.ty.kind else {
            continue;
        };
        let scope = handle_scopes
            .entry((entity.0, binding.ty.collection))
            .or_insert_with(|| {
                Scope::with_reserved(&[
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
                    "set_property",
                    "clear_property",
                    "associate",
                    "disassociate",
                    "set_lookup",
                    "clear_lookup",
                ])
            });
        let method = scope.name(&op.name.name, Case::Snake);
        let request = types.unique(format!(
            "{}{}Request",
            entity_types[entity.0],
            rust_name(&op.name.name, Case::Type)
        ));
        operations.insert(i, (request, method));
    }
    Names {
        entity_types,
        entity_modules,
        complex_types,
        complex_modules,
        enum_types,
        type_definitions,
        entity_sets,
        polymorphic,
        operations,
    }
}

/// How paths to the SDK root are written from a file at some depth.
#[derive(Clone, Copy)]
struct Depth(usize);

impl Depth {
    /// `self` at the root, `super` one level down, `super::super` two levels down.
    fn root(self) -> TokenStream {
        if self.0 == 0 {
            quote!(self)
        } else {
            let supers = (0..self.0).map(|_| quote!(super));
            quote!(#(#supers)::*)
        }
    }
}

/// One entity set a lookup can point into.
struct LookupTarget {
    /// The entity set's name.
    set: String,
    /// Its entity type, when this SDK has it.
    entity: Option<usize>,
}

struct Emitter<'m> {
    model: &'m Model,
    names: &'m Names,
    /// Per entity type, the Cargo features (one per entity set of the type) of which one must be
    /// on for the type to be compiled; empty: always compiled. `None`: no features.
    features: Option<Vec<Vec<String>>>,
}

fn doc_lines(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|line| {
        let text = format!(" {line}");
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}

fn describe(annotations: &Annotations) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(d) = &annotations.description {
        out.push(String::new());
        out.extend(d.lines().map(escape_doc));
    }
    if let Some(d) = &annotations.long_description {
        out.push(String::new());
        out.extend(d.lines().map(escape_doc));
    }
    out
}

/// Keeps service-provided text from being read as Markdown links or HTML by rustdoc.
fn escape_doc(line: &str) -> String {
    line.replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "\\<")
        .replace('>', "\\>")
}

/// The Rust type of a primitive (the Edm-to-Rust table of the README).
fn primitive_type(p: Primitive) -> TokenStream {
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

impl<'m> Emitter<'m> {
    /// `#[cfg(...)]` for an item that mentions the entity types `entities`: each of them must be
    /// compiled. Empty without features or when all of them always are.
    fn gate(&self, entities: impl IntoIterator<Item = usize>) -> TokenStream {
        let Some(features) = &self.features else {
            return quote!();
        };
        let groups: BTreeSet<&Vec<String>> = entities
            .into_iter()
            .map(|e| &features[e])
            .filter(|f| !f.is_empty())
            .collect();
        let predicates: Vec<TokenStream> = groups
            .into_iter()
            .map(|f| {
                if let [one] = f.as_slice() {
                    quote!(feature = #one)
                } else {
                    let f = f.iter();
                    quote!(any(#(feature = #f),*))
                }
            })
            .collect();
        match predicates.len() {
            0 => quote!(),
            1 => {
                let p = &predicates[0];
                quote!(#[cfg(#p)])
            }
            _ => quote!(#[cfg(all(#(#predicates),*))]),
        }
    }

    /// The entity type a type reference mentions, if any.
    fn mentioned(ty: &TypeRef) -> Option<usize> {
        match ty.kind {
            TypeKind::Entity(id) => Some(id.0),
            _ => None,
        }
    }

    fn type_label(&self, ty: &TypeRef) -> String {
        self.model.type_name(ty)
    }

    /// The type a value of entity type `id` is read as: the polymorphic enum when the type has
    /// derived types (the payload's `@odata.type` picks the variant), else the struct.
    fn entity_value_type(&self, id: usize, root: &TokenStream) -> TokenStream {
        let name = match &self.names.polymorphic[id] {
            Some(any) => ident(any),
            None => ident(&self.names.entity_types[id]),
        };
        quote!(#root::#name)
    }

    /// The enum over an entity type and every type derived from it, dispatching on
    /// `@odata.type`, with a variant for types this SDK does not know.
    fn polymorphic_enum(&self, i: usize) -> TokenStream {
        let Some(any) = &self.names.polymorphic[i] else {
            return quote!();
        };
        let root = Depth(2).root();
        let any = ident(any);
        let ty = &self.model.entity_types[i];
        let base = ident(&self.names.entity_types[i]);
        let mut variants = Scope::with_reserved(&["Unknown"]);
        let members: Vec<(proc_macro2::Ident, usize)> = std::iter::once(i)
            .chain(ty.derived.iter().copied())
            .map(|t| {
                (
                    ident(&variants.name(&self.names.entity_types[t], Case::Type)),
                    t,
                )
            })
            .collect();
        let gate = |t: usize| if t == i { quote!() } else { self.gate([t]) };
        let defs = members.iter().map(|(v, t)| {
            let name = ident(&self.names.entity_types[*t]);
            let text = format!(" `{}`.", self.model.entity_types[*t].name);
            let gate = gate(*t);
            quote!(#[doc = #text] #gate #v(::std::boxed::Box<#root::#name>),)
        });
        let arms = members.iter().map(|(v, t)| {
            let qualified = self.model.entity_types[*t].name.to_string();
            let gate = gate(*t);
            quote!(#gate #qualified => Self::#v(decode(raw)?),)
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

    /// The Rust type of one value (no collection) of `kind`.
    fn element_type(&self, kind: &TypeKind, root: &TokenStream) -> TokenStream {
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

    /// The Rust type of a property value: collections as `Vec`, by-value recursion boxed.
    fn value_type(&self, ty: &TypeRef, boxed: bool, root: &TokenStream) -> TokenStream {
        let element = self.element_type(&ty.kind, root);
        if ty.collection {
            quote!(::std::vec::Vec<#element>)
        } else if boxed || matches!(ty.kind, TypeKind::Entity(_)) {
            quote!(::std::boxed::Box<#element>)
        } else {
            element
        }
    }

    fn emit_enums(&self) -> TokenStream {
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

    /// Fields, field (de)serialization arms of a structured type (all properties, inherited
    /// first; for entity types also the expanded navigation properties).
    fn structured_type(
        &self,
        ty: &StructuredType,
        rust_name_: &str,
        entity: Option<usize>,
    ) -> TokenStream {
        let root = Depth(2).root();
        let name = ident(rust_name_);
        let qualified = ty.name.to_string();
        let mut fields = Scope::with_reserved(&["extra", "binds"]);
        let mut defs = Vec::new();
        let mut ser = Vec::new();
        let mut de = Vec::new();
        let key_paths: Vec<String> = ty.key.iter().flatten().map(|k| k.path.join("/")).collect();
        for p in self.model.all_properties(ty) {
            let field = ident(&fields.name(&p.name, Case::Snake));
            let value = self.value_type(&p.ty, p.needs_box, &root);
            let wire = &p.name;
            let mut doc = vec![format!(
                "`{}`: `{}`{}{}{}.",
                p.name,
                self.type_label(&p.ty),
                if p.nullable { "" } else { ", not null" },
                if key_paths.contains(&p.name) {
                    ", key"
                } else {
                    ""
                },
                if p.annotations.computed {
                    ", computed by the service"
                } else {
                    ""
                },
            )];
            doc.extend(describe(&p.annotations));
            let doc = doc_lines(&doc);
            let gate = self.gate(Self::mentioned(&p.ty));
            defs.push(quote! { #doc #gate pub #field: ::dataverse_runtime::Field<#value>, });
            ser.push(quote! {
                #gate
                if !self.#field.is_unset() { map.serialize_entry(#wire, &self.#field)?; }
            });
            de.push(quote! { #gate #wire => self.#field = map.next_value()?, });
        }
        for n in self.model.all_navigation_properties(ty) {
            let field = ident(&fields.name(&n.name, Case::Snake));
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
            let text = format!(
                " Navigation `{}` to {} `{}`, filled by `$expand` (decode it with `get`).",
                n.name,
                if n.collection {
                    "a collection of"
                } else {
                    "one"
                },
                n.target_name
            );
            let gate = self.gate(n.target.map(|t| t.0));
            defs.push(
                quote! { #[doc = #text] #gate pub #field: ::dataverse_runtime::Field<#value>, },
            );
            ser.push(quote! {
                #gate
                if !self.#field.is_unset() { map.serialize_entry(#wire, &self.#field)?; }
            });
            de.push(quote! { #gate #wire => self.#field = map.next_value()?, });
        }
        let binds_field = if entity.is_some() {
            quote! {
                /// Lookups to send as `nav@odata.bind`; set them with `HasBinds::bind` and the
                /// lookup constants of this type.
                pub binds: #root::support::Binds,
            }
        } else {
            quote!()
        };
        let binds_ser = if entity.is_some() {
            quote!(self.binds.serialize_into(map)?;)
        } else {
            quote!()
        };
        let ser_body = if ser.is_empty() && entity.is_none() {
            quote!(let _ = map;)
        } else {
            quote!(#(#ser)* #binds_ser)
        };
        let de_body = if de.is_empty() {
            quote! {
                let _ = (key, map);
                ::core::result::Result::Ok(false)
            }
        } else {
            quote! {
                match key {
                    #(#de)*
                    _ => return ::core::result::Result::Ok(false),
                }
                ::core::result::Result::Ok(true)
            }
        };
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
        doc.extend(describe(&ty.annotations));
        doc.push(String::new());
        doc.push(
            "Every field is a `Field`: unset fields are not sent, so an update sends only what \
             was set; properties the type does not declare, and annotations, are kept in `extra`."
                .into(),
        );
        let doc = doc_lines(&doc);
        quote! {
            #doc
            #[derive(Debug, Clone, Default, PartialEq)]
            pub struct #name {
                #(#defs)*
                #binds_field
                /// Properties and annotations this type does not declare, exactly as received.
                pub extra: #root::support::Extra,
            }

            impl #root::support::Structured for #name {
                const ODATA_TYPE: &'static str = #qualified;
                fn serialize_fields<M: ::dataverse_runtime::codegen::serde::ser::SerializeMap>(&self, map: &mut M) -> ::core::result::Result<(), M::Error> {
                    #ser_body
                    ::core::result::Result::Ok(())
                }
                fn deserialize_field<'de, A: ::dataverse_runtime::codegen::serde::de::MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> ::core::result::Result<bool, A::Error> {
                    #de_body
                }
                fn extra(&self) -> &#root::support::Extra {
                    &self.extra
                }
                fn extra_mut(&mut self) -> &mut #root::support::Extra {
                    &mut self.extra
                }
            }

            impl ::dataverse_runtime::codegen::serde::Serialize for #name {
                fn serialize<S: ::dataverse_runtime::codegen::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                    #root::support::serialize(self, serializer)
                }
            }

            impl<'de> ::dataverse_runtime::codegen::serde::Deserialize<'de> for #name {
                fn deserialize<D: ::dataverse_runtime::codegen::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                    #root::support::deserialize(deserializer)
                }
            }
        }
    }

    /// Entity sets a navigation property of `owner` can point into: sets of this SDK first
    /// (in document order), then sets a selection left out (by name; untyped references).
    fn lookup_targets(&self, nav: &NavigationProperty, owner: usize) -> Vec<LookupTarget> {
        let mut typed = BTreeSet::new();
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
                    match b.target {
                        Some(target) => {
                            typed.insert(target);
                        }
                        None => {
                            untyped.insert(b.target_name.clone());
                        }
                    }
                }
            }
        }
        if typed.is_empty()
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
        let untyped = untyped
            .into_iter()
            .map(|set| LookupTarget { set, entity: None });
        typed.chain(untyped).collect()
    }

    fn key_param(&self, entity: usize, root: &TokenStream) -> Option<(TokenStream, TokenStream)> {
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

    fn emit_entity(&self, i: usize) -> TokenStream {
        let root = Depth(2).root();
        let ty = &self.model.entity_types[i];
        let rust = &self.names.entity_types[i];
        let name = ident(rust);
        let mut items = vec![
            self.structured_type(ty, rust, Some(i)),
            self.polymorphic_enum(i),
        ];
        // IsA: the type itself and every base type.
        let mut is_a = vec![quote!(impl #root::support::IsA<#name> for #name {})];
        for a in &ty.ancestors {
            let base = ident(&self.names.entity_types[*a]);
            let gate = self.gate([*a]);
            is_a.push(quote!(#gate impl #root::support::IsA<#root::#base> for #name {}));
        }
        items.push(quote!(#(#is_a)*));
        items.push(quote! {
            impl #root::support::HasBinds for #name {
                fn binds_mut(&mut self) -> &mut #root::support::Binds {
                    &mut self.binds
                }
            }
        });
        // Key.
        if let Some((key_ty, key_expr)) = self.key_param(i, &root) {
            items.push(quote! {
                impl #root::support::Entity for #name {
                    type Key = #key_ty;
                    fn entity_key(key: Self::Key) -> ::dataverse_runtime::EntityKey {
                        #key_expr
                    }
                }
                impl ::core::convert::From<#key_ty> for #root::support::Key<#name> {
                    fn from(key: #key_ty) -> Self {
                        #root::support::Key::primary(key)
                    }
                }
            });
        }
        // Lookup and navigation constants, alternate keys.
        let mut consts = Scope::with_reserved(&["ODATA_TYPE"]);
        let mut const_items = Vec::new();
        for n in self.model.all_navigation_properties(ty) {
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
                let const_name = ident(&consts.unique(const_name));
                let nav_name = &n.name;
                let set_name = &target.set;
                let gate = self.gate(target.entity);
                if n.collection {
                    let text = format!(
                        " Collection-valued navigation `{nav_name}` to `{set_name}` (associate and disassociate through `$ref`)."
                    );
                    const_items.push(quote! {
                        #[doc = #text]
                        #gate
                        pub const #const_name: #root::support::Navigation<#name, #target_ty> = #root::support::Navigation::new(#nav_name, #set_name);
                    });
                } else {
                    let text = format!(
                        " Lookup `{nav_name}` to `{set_name}`: writes `\"{nav_name}@odata.bind\": \"/{set_name}(key)\"`.{}",
                        if target.entity.is_none() {
                            " The target type is not in this SDK (outside the selection): pass an `EntityKey`."
                        } else {
                            ""
                        }
                    );
                    const_items.push(quote! {
                        #[doc = #text]
                        #gate
                        pub const #const_name: #root::support::Lookup<#name, #target_ty> = #root::support::Lookup::new(#nav_name, #set_name);
                    });
                }
            }
        }
        let mut methods = Scope::new();
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
                pub fn #method(#(#params),*) -> #root::support::Key<Self> {
                    #root::support::Key::alternate(::std::vec![#(#pairs),*])
                }
            });
        }
        if !const_items.is_empty() {
            items.push(quote! {
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
        owners.extend(ty.ancestors.iter().copied());
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
        ]);
        for owner in &owners {
            let owner_ty = &self.model.entity_types[*owner];
            // Request types live in the file of the binding type; derived types reuse them.
            let keep = |(method, request): (TokenStream, TokenStream)| {
                (method, if *owner == i { request } else { quote!() })
            };
            for id in &owner_ty.bound_operations {
                if let Some(tokens) =
                    self.emit_operation(id.0, Binding::Entity, &mut entity_scope, &root, &root)
                {
                    entity_ops.push(keep(tokens));
                }
            }
            for id in &owner_ty.bound_collection_operations {
                if let Some(tokens) = self.emit_operation(
                    id.0,
                    Binding::Collection,
                    &mut collection_scope,
                    &root,
                    &root,
                ) {
                    collection_ops.push(keep(tokens));
                }
            }
        }
        let (entity_methods, entity_requests): (Vec<_>, Vec<_>) = entity_ops.into_iter().unzip();
        let (collection_methods, collection_requests): (Vec<_>, Vec<_>) =
            collection_ops.into_iter().unzip();
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
        quote!(#(#items)*)
    }

    /// The method (and its request type) of one operation; `None` for operations that cannot be
    /// generated yet (bound to something other than an entity type).
    fn emit_operation(
        &self,
        id: usize,
        binding: Binding,
        scope: &mut Scope,
        method_root: &TokenStream,
        request_root: &TokenStream,
    ) -> Option<(TokenStream, TokenStream)> {
        let op = &self.model.operations[id];
        let (request_name, service_method) = self.names.operations.get(&id)?;
        let method = match binding {
            Binding::Unbound => ident(service_method),
            _ => ident(&scope.name(&op.name.name, Case::Snake)),
        };
        let request = ident(request_name);

        let qualified = op.name.to_string();
        let mut fields = Scope::new();
        let mut required = Vec::new();
        let mut optional = Vec::new();
        // Trailing nullable parameters are optional, as are those annotated so.
        let trailing_nullable_from = op
            .parameters
            .iter()
            .rposition(|p| !p.nullable)
            .map(|i| i + 1)
            .unwrap_or(0);
        for (n, p) in op.parameters.iter().enumerate() {
            let field = ident(&fields.name(&p.name, Case::Snake));
            let is_optional = p.annotations.optional_parameter.is_some()
                || (n >= trailing_nullable_from && op.kind == OperationKind::Action);
            let value = self.parameter_type(&p.ty, request_root);
            let entry = (field, value, p, is_optional);
            if is_optional {
                optional.push(entry);
            } else {
                required.push(entry);
            }
        }
        let mut defs = Vec::new();
        let mut ctor_params = Vec::new();
        let mut ctor_fields = Vec::new();
        let mut setters = Vec::new();
        let mut literals = Vec::new();
        for (field, value, p, is_optional) in required.iter().chain(optional.iter()) {
            let wire = &p.name;
            let label = format!(
                " `{}`: `{}`{}.",
                p.name,
                self.type_label(&p.ty),
                if *is_optional { ", optional" } else { "" }
            );
            let extra = doc_lines(&describe(&p.annotations));
            let full = if *is_optional || p.nullable {
                quote!(::core::option::Option<#value>)
            } else {
                value.clone()
            };
            if *is_optional {
                defs.push(quote! {
                    #[doc = #label] #extra
                    #[serde(rename = #wire, skip_serializing_if = "::core::option::Option::is_none")]
                    pub #field: #full,
                });
                ctor_fields.push(quote!(#field: ::core::option::Option::None));
                setters.push(quote! {
                    #[doc = #label]
                    pub fn #field(mut self, value: #value) -> Self {
                        self.#field = ::core::option::Option::Some(value);
                        self
                    }
                });
                let lit = self.literal(&p.ty, request_root);
                literals.push(quote! {
                    if let ::core::option::Option::Some(value) = &self.#field {
                        out.push((#wire, #lit));
                    }
                });
            } else {
                defs.push(quote! {
                    #[doc = #label] #extra
                    #[serde(rename = #wire)]
                    pub #field: #full,
                });
                ctor_params.push(quote!(#field: #full));
                ctor_fields.push(quote!(#field));
                if p.nullable {
                    let lit = self.literal(&p.ty, request_root);
                    literals.push(quote! {
                        match &self.#field {
                            ::core::option::Option::Some(value) => out.push((#wire, #lit)),
                            ::core::option::Option::None => out.push((#wire, ::dataverse_runtime::Literal::Null)),
                        }
                    });
                } else {
                    let lit = self.literal(&p.ty, request_root);
                    literals.push(quote! {
                        let value = &self.#field;
                        out.push((#wire, #lit));
                    });
                }
            }
        }
        let has_params = !op.parameters.is_empty();
        let kind_label = match op.kind {
            OperationKind::Action => "action",
            OperationKind::Function => "function",
        };
        let mut doc = vec![format!("Parameters of the {kind_label} `{qualified}`.")];
        doc.extend(describe(&op.annotations));
        let request_doc = doc_lines(&doc);
        let gate = self.gate(
            op.binding
                .iter()
                .map(|b| &b.ty)
                .chain(op.parameters.iter().map(|p| &p.ty))
                .chain(op.return_type.iter().map(|r| &r.ty))
                .filter_map(Self::mentioned),
        );
        let request_tokens = if has_params {
            let literal_fn = if op.kind == OperationKind::Function {
                quote! {
                    /// The parameters as URL literals (`Name(P=@P)?@P=...`).
                    pub fn literals(&self) -> ::dataverse_runtime::Result<::std::vec::Vec<(&'static str, ::dataverse_runtime::Literal)>> {
                        let mut out = ::std::vec::Vec::new();
                        #(#literals)*
                        ::core::result::Result::Ok(out)
                    }
                }
            } else {
                quote!()
            };
            let default = if ctor_params.is_empty() {
                quote!(Default,)
            } else {
                quote!()
            };
            quote! {
                #request_doc
                #gate
                #[derive(Debug, Clone, #default ::dataverse_runtime::codegen::serde::Serialize)]
                #[serde(crate = "::dataverse_runtime::codegen::serde")]
                pub struct #request {
                    #(#defs)*
                }

                #gate
                impl #request {
                    /// The required parameters; optional ones are set with the methods of the same name.
                    #[allow(clippy::too_many_arguments)]
                    pub fn new(#(#ctor_params),*) -> Self {
                        #request { #(#ctor_fields),* }
                    }
                    #(#setters)*
                    #literal_fn
                }
            }
        } else {
            quote!()
        };
        // Return type.
        let root = method_root;
        let (ret_ty, decode) = match &op.return_type {
            None => (quote!(()), ReturnDecode::Nothing),
            Some(r) => {
                let element = self.value_type(&r.ty, false, root);
                let element = match (&r.ty.kind, r.ty.collection) {
                    (TypeKind::Entity(id), false) => self.entity_value_type(id.0, root),
                    (TypeKind::Entity(id), true) => {
                        let element = self.entity_value_type(id.0, root);
                        quote!(::std::vec::Vec<#element>)
                    }
                    _ => element,
                };
                let wrapped = r.ty.collection
                    || !matches!(r.ty.kind, TypeKind::Entity(_) | TypeKind::Complex(_));
                (
                    element,
                    if wrapped {
                        ReturnDecode::Value
                    } else {
                        ReturnDecode::Direct
                    },
                )
            }
        };
        let path = match binding {
            Binding::Entity => quote!(self.path().clone()),
            Binding::Collection => quote!(self.path()),
            Binding::Unbound => quote!(::dataverse_runtime::EntityPath::root()),
        };
        let client = match binding {
            Binding::Unbound => quote!(self.client),
            _ => quote!(self.client()),
        };
        let (param_decl, body_expr) = if has_params {
            (quote!(request: &#method_root::#request,), quote!(request))
        } else {
            (
                quote!(),
                quote!(&::dataverse_runtime::codegen::serde_json::Map::new()),
            )
        };
        let mut doc = vec![format!(
            "{} `{qualified}`{}.",
            match op.kind {
                OperationKind::Action => "Calls the action",
                OperationKind::Function => "Calls the function",
            },
            match binding {
                Binding::Entity => " bound to this entity",
                Binding::Collection => " bound to this entity set",
                Binding::Unbound => "",
            }
        )];
        doc.extend(describe(&op.annotations));
        let method_doc = doc_lines(&doc);
        let import_name = match binding {
            Binding::Unbound => self.names.operations.get(&id).map(|_| {
                self.model
                    .imports
                    .iter()
                    .find(|imp| imp.operations.contains(&OperationId(id)))
                    .map(|imp| imp.name.clone())
                    .unwrap_or_else(|| op.name.name.clone())
            }),
            _ => None,
        };
        let body = match op.kind {
            OperationKind::Action => {
                let target = match binding {
                    Binding::Unbound => {
                        let name = import_name.clone().unwrap_or_default();
                        quote!(::dataverse_runtime::EntityPath::unbound(#name))
                    }
                    _ => quote!(#path.bound_operation(#qualified)),
                };
                match decode {
                    ReturnDecode::Nothing => quote! {
                        #client.invoke_action::<_, ::dataverse_runtime::codegen::serde::de::IgnoredAny>(&#target, #body_expr, options).await?;
                        ::core::result::Result::Ok(())
                    },
                    ReturnDecode::Direct => quote! {
                        #client.invoke_action::<_, #ret_ty>(&#target, #body_expr, options).await?
                            .ok_or_else(|| #root::support::no_content(#qualified))
                    },
                    ReturnDecode::Value => quote! {
                        #client.invoke_action::<_, #root::support::ValueOf<#ret_ty>>(&#target, #body_expr, options).await?
                            .map(|v| v.0)
                            .ok_or_else(|| #root::support::no_content(#qualified))
                    },
                }
            }
            OperationKind::Function => {
                let name = match binding {
                    Binding::Unbound => import_name.clone().unwrap_or_default(),
                    _ => qualified.clone(),
                };
                let params = if has_params {
                    quote!(&request.literals()?)
                } else {
                    quote!(&[])
                };
                let base = match binding {
                    Binding::Entity => quote!(self.path()),
                    Binding::Collection => quote!(&self.path()),
                    Binding::Unbound => quote!(&::dataverse_runtime::EntityPath::root()),
                };
                match decode {
                    ReturnDecode::Nothing => quote! {
                        #client.invoke_function::<::dataverse_runtime::codegen::serde::de::IgnoredAny>(#base, #name, #params, options).await?;
                        ::core::result::Result::Ok(())
                    },
                    ReturnDecode::Direct => quote! {
                        #client.invoke_function::<#ret_ty>(#base, #name, #params, options).await
                    },
                    ReturnDecode::Value => quote! {
                        #client.invoke_function::<#root::support::ValueOf<#ret_ty>>(#base, #name, #params, options).await.map(|v| v.0)
                    },
                }
            }
        };
        let method_tokens = quote! {
            #method_doc
            #gate
            pub async fn #method(&self, #param_decl options: &::dataverse_runtime::RequestOptions) -> ::dataverse_runtime::Result<#ret_ty> {
                #body
            }
        };
        Some((method_tokens, request_tokens))
    }

    /// The Rust type of an operation parameter: entity values carry `@odata.type`.
    fn parameter_type(&self, ty: &TypeRef, root: &TokenStream) -> TokenStream {
        let element = match &ty.kind {
            TypeKind::Entity(id) => {
                let name = ident(&self.names.entity_types[id.0]);
                quote!(#root::support::EntityValue<#root::#name>)
            }
            other => self.element_type(other, root),
        };
        if ty.collection {
            quote!(::std::vec::Vec<#element>)
        } else {
            element
        }
    }

    /// A function parameter value as a URL literal, from a reference named `value`.
    fn literal(&self, ty: &TypeRef, root: &TokenStream) -> TokenStream {
        let value = quote!(value);
        if ty.collection {
            return quote!(::dataverse_runtime::Literal::json(#value)?);
        }
        match &ty.kind {
            TypeKind::Primitive(
                Primitive::Boolean
                | Primitive::Byte
                | Primitive::SByte
                | Primitive::Int16
                | Primitive::Int32
                | Primitive::Int64
                | Primitive::Double
                | Primitive::Decimal
                | Primitive::Guid
                | Primitive::String
                | Primitive::ModelPath
                | Primitive::DateTimeOffset
                | Primitive::Date
                | Primitive::TimeOfDay,
            ) => quote!(::dataverse_runtime::Literal::from(::core::clone::Clone::clone(#value))),
            TypeKind::Primitive(Primitive::Single) => {
                quote!(::dataverse_runtime::Literal::from(f64::from(*#value)))
            }
            TypeKind::Enum(id) if self.model.enum_types[id.0].is_flags => {
                let qualified = self.model.enum_types[id.0].name.to_string();
                quote!(::dataverse_runtime::Literal::enumeration(#qualified, #value.to_wire()))
            }
            TypeKind::Enum(id) => {
                let qualified = self.model.enum_types[id.0].name.to_string();
                quote!(::dataverse_runtime::Literal::enumeration(#qualified, #root::support::ODataEnum::name(#value)))
            }
            _ => quote!(::dataverse_runtime::Literal::json(#value)?),
        }
    }

    fn emit_operations_file(&self, service_scope_methods: &mut Vec<TokenStream>) -> TokenStream {
        let root = Depth(1).root();
        let mut requests = Vec::new();
        let mut scope = Scope::new();
        let mut done = BTreeSet::new();
        for import in &self.model.imports {
            for id in &import.operations {
                if !done.insert(id.0) {
                    continue;
                }
                if let Some((method, request)) =
                    self.emit_operation(id.0, Binding::Unbound, &mut scope, &Depth(0).root(), &root)
                {
                    service_scope_methods.push(method);
                    requests.push(request);
                }
            }
        }
        quote!(#(#requests)*)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Binding {
    Unbound,
    Entity,
    Collection,
}

#[derive(Clone, Copy)]
enum ReturnDecode {
    Nothing,
    Direct,
    Value,
}

/// Settings of [`emit`].
#[derive(Debug, Clone, Default)]
pub struct EmitOptions {
    /// `lib.rs` (crate) or `mod.rs` (module tree).
    pub root_file: String,
    /// The Web API version of the service root (`v9.2`): emitted as `Service::API_VERSION` with
    /// `Service::service_root`. `None`: not emitted.
    pub api_version: Option<String>,
    /// Gate each entity type and everything that mentions it by the Cargo features of its
    /// entity sets (see [`entity_set_features`]).
    pub entity_set_features: bool,
}

/// The Cargo feature of each entity set (singletons included), in model order: the set's name,
/// made a valid feature name and unique (`default` is Cargo's own).
pub fn entity_set_features(model: &Model) -> Vec<String> {
    let mut seen = BTreeSet::new();
    model
        .entity_sets
        .iter()
        .map(|s| {
            let base: String = s
                .name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let base = if base == "default" || base.starts_with(['-', '+']) {
                format!("set_{base}")
            } else {
                base
            };
            let mut name = base.clone();
            let mut n = 2;
            while !seen.insert(name.clone()) {
                name = format!("{base}_{n}");
                n += 1;
            }
            name
        })
        .collect()
}

/// Emits every file of the SDK for `model`.
pub fn emit(model: &Model, names: &Names, options: &EmitOptions) -> Vec<EmittedFile> {
    let set_features = entity_set_features(model);
    let features = options.entity_set_features.then(|| {
        let mut per_type = vec![Vec::new(); model.entity_types.len()];
        for (set, feature) in model.entity_sets.iter().zip(&set_features) {
            per_type[set.entity_type.0].push(feature.clone());
        }
        per_type
    });
    let e = Emitter {
        model,
        names,
        features,
    };
    let root_file = options.root_file.as_str();
    let mut files = Vec::new();
    files.push(EmittedFile {
        path: "support.rs".into(),
        tokens: support_tokens(),
        doc: String::new(),
    });
    files.push(EmittedFile {
        path: "enums.rs".into(),
        tokens: e.emit_enums(),
        doc: "Enum types and type definitions.".into(),
    });
    let mut complex_mods = Vec::new();
    for (i, t) in model.complex_types.iter().enumerate() {
        let module = ident(&names.complex_modules[i]);
        complex_mods.push(module.clone());
        files.push(EmittedFile {
            path: format!(
                "complex/{}.rs",
                names.complex_modules[i].trim_start_matches("r#")
            ),
            tokens: e.structured_type(t, &names.complex_types[i], None),
            doc: format!("Complex type `{}`.", t.name),
        });
    }
    let mut entity_mods = Vec::new();
    for (i, t) in model.entity_types.iter().enumerate() {
        let module = ident(&names.entity_modules[i]);
        let gate = e.gate([i]);
        entity_mods.push(quote!(#gate mod #module; #gate pub use self::#module::*;));
        files.push(EmittedFile {
            path: format!(
                "entities/{}.rs",
                names.entity_modules[i].trim_start_matches("r#")
            ),
            tokens: e.emit_entity(i),
            doc: format!("Entity type `{}`.", t.name),
        });
    }
    files.push(EmittedFile {
        path: "complex/mod.rs".into(),
        tokens: quote! {
            #(mod #complex_mods; pub use self::#complex_mods::*;)*
        },
        doc: "Complex types, one module each.".into(),
    });
    files.push(EmittedFile {
        path: "entities/mod.rs".into(),
        tokens: quote! {
            #(#entity_mods)*
        },
        doc: "Entity types, one module each.".into(),
    });
    let mut service_methods = Vec::new();
    let operations = e.emit_operations_file(&mut service_methods);
    files.push(EmittedFile {
        path: "operations.rs".into(),
        tokens: operations.clone(),
        doc: "Request types of the unbound actions and functions.".into(),
    });
    // The service: entity sets and unbound operations.
    let sets = model.entity_sets.iter().enumerate().map(|(i, s)| {
        let method = ident(&names.entity_sets[i]);
        let gate = if options.entity_set_features {
            let feature = &set_features[i];
            quote!(#[cfg(feature = #feature)])
        } else {
            quote!()
        };
        let ty = ident(&names.entity_types[s.entity_type.0]);
        let set_name = &s.name;
        let text = format!(
            " The {} `{}` of `{}`.",
            if s.singleton {
                "singleton"
            } else {
                "entity set"
            },
            s.name,
            model.entity_types[s.entity_type.0].name
        );
        if s.singleton {
            // A singleton is one entity addressed by its name alone (`Me`, not `Me(key)`): its
            // handle is an entity handle (get, update, navigation, bound operations).
            quote! {
                #[doc = #text]
                #gate
                pub fn #method(&self) -> self::support::EntityHandle<self::#ty> {
                    self::support::EntityHandle::new(
                        self.client.clone(),
                        ::dataverse_runtime::EntityPath::set(#set_name),
                    )
                }
            }
        } else {
            quote! {
                #[doc = #text]
                #gate
                pub fn #method(&self) -> self::support::EntitySet<self::#ty> {
                    self::support::EntitySet::new(self.client.clone(), #set_name)
                }
            }
        }
    });
    let container = model
        .container
        .as_ref()
        .map(|c| c.to_string())
        .unwrap_or_else(|| "(no entity container)".into());
    let service_doc =
        format!(" The service `{container}`: its entity sets and unbound operations.");
    let mut reexports = Vec::new();
    if !model.enum_types.is_empty() || !model.type_definitions.is_empty() {
        reexports.push(quote!(
            pub use self::enums::*;
        ));
    }
    if !model.complex_types.is_empty() {
        reexports.push(quote!(
            pub use self::complex::*;
        ));
    }
    // With features, what a glob re-exports depends on which are on.
    let allow_empty = if options.entity_set_features {
        quote!(#[allow(unused_imports)])
    } else {
        quote!()
    };
    if !model.entity_types.is_empty() {
        reexports.push(quote!(
            #allow_empty
            pub use self::entities::*;
        ));
    }
    if !operations.is_empty() {
        reexports.push(quote!(
            #allow_empty
            pub use self::operations::*;
        ));
    }
    let api_version = options.api_version.as_ref().map(|version| {
        let text = format!(
            " The service root of an organisation: `https://org.crm.dynamics.com` → \
             `https://org.crm.dynamics.com/api/data/{version}/`."
        );
        quote! {
            /// The Web API version this SDK was generated for.
            pub const API_VERSION: &'static str = #version;

            #[doc = #text]
            pub fn service_root(organization_url: &str) -> ::std::string::String {
                ::std::format!("{}/api/data/{}/", organization_url.trim_end_matches('/'), Self::API_VERSION)
            }
        }
    });
    let root = quote! {
        pub mod support;
        pub mod enums;
        pub mod complex;
        pub mod entities;
        pub mod operations;
        #(#reexports)*
        pub use self::support::{Annotated, HasBinds};

        #[doc = #service_doc]
        #[derive(Debug, Clone)]
        pub struct Service {
            client: ::dataverse_runtime::Client,
        }

        impl Service {
            #api_version

            /// The service on top of a configured client.
            pub fn new(client: ::dataverse_runtime::Client) -> Self {
                Service { client }
            }

            /// The client.
            pub fn client(&self) -> &::dataverse_runtime::Client {
                &self.client
            }

            #(#sets)*
            #(#service_methods)*
        }
    };
    files.push(EmittedFile {
        path: root_file.into(),
        tokens: root,
        doc: format!("Typed SDK for the OData service `{container}`."),
    });
    files
}

fn support_tokens() -> TokenStream {
    // The template is ordinary Rust source; parsing it here checks it at generation time.
    match include_str!("../templates/support.rs").parse::<TokenStream>() {
        Ok(tokens) => tokens,
        Err(e) => unreachable!("the bundled support template is valid Rust: {e}"),
    }
}
