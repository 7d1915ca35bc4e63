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
//! | `functions.rs` | the document's query functions as typed filter builders (when it has any) |
//!
//! Every path the emitters write is absolute (`::core::option::Option`, `::dataverse_runtime::Field`,
//! `super::super::support::Lookup`) so that a CSDL type named `Option` or `String` shadows
//! nothing; the write stage then gives each file short names and `use` lines where no name can be
//! mistaken ([`crate::short_names`]).
//!
//! The parts of a type's file that grow with its fields (its struct, field table and constants)
//! are not tokens but formatted text ([`blocks`]): parsing and printing them again was most of
//! the generation time.
//!
//! One module per generated concept: [`naming`] decides every name, [`types`] the structs and
//! polymorphic enums, [`enums`] enum types, [`entity`] keys, lookups and handles of an entity type,
//! [`operations`] actions and functions, [`service`] the root file with the `Service`.

pub(crate) mod blocks;
mod choices;
mod entity;
mod enums;
mod handle_text;
mod naming;
mod operations;
mod queries;
mod service;
mod types;

pub use self::naming::{Names, names};

use crate::model::*;
use crate::names::ident;
use crate::short_names::FileScope;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

/// One output file before formatting: its path relative to the SDK root and its source.
pub struct EmittedFile {
    /// Relative path, `/`-separated.
    pub path: String,
    /// The items of the file, as unformatted source text: token streams become text as soon as
    /// a file is emitted, so that the whole SDK is never held as tokens (several times its size).
    pub source: String,
    /// The names of the items the file defines at its top level.
    pub items: Vec<String>,
    /// The texts of the file's text blocks ([`blocks`]), which its source marks where they go.
    pub blocks: Vec<String>,
    /// The file's inner doc comment (first line of the file).
    pub doc: String,
    /// Where the file sits in the module tree, for short names; `None`: written as emitted.
    pub scope: Option<FileScope>,
}

/// How paths to the SDK root are written from a file at some depth.
#[derive(Clone, Copy)]
struct Depth(usize);

impl Depth {
    /// `self` at the root, `super` one level down, `super::super` two levels down.
    pub(super) fn root(self) -> TokenStream {
        if self.0 == 0 {
            quote!(self)
        } else {
            let supers = (0..self.0).map(|_| quote!(super));
            quote!(#(#supers)::*)
        }
    }
}

/// How many levels of base types a structured type repeats as its own fields. A type deeper
/// than this holds its direct base type in a `base` field (and derefs to it) instead, so that a
/// long inheritance chain costs output linear in its members, not quadratic; real documents
/// stay well within it (Dataverse: `crmbaseentity` → `activitypointer` → `email`).
pub const FLATTEN_DEPTH: usize = 8;

struct Emitter<'m> {
    model: &'m Model,
    names: &'m Names,
    /// Per entity type, the Cargo features (one per entity set of the type) of which one must be
    /// on for the type to be compiled; empty: always compiled. `None`: no features.
    features: Option<Vec<Vec<String>>>,
}

fn doc_lines(lines: &[String]) -> TokenStream {
    let attrs = lines.iter().map(|line| {
        // A carriage return alone is not allowed in a doc comment.
        let text = format!(" {}", line.replace('\r', " "));
        quote!(#[doc = #text])
    });
    quote!(#(#attrs)*)
}

fn describe(annotations: &Annotations) -> Vec<String> {
    let mut out = Vec::new();
    for d in [&annotations.description, &annotations.long_description]
        .into_iter()
        .flatten()
    {
        out.push(String::new());
        out.extend(text_lines(d));
    }
    out
}

/// The lines of document text (`\n`, `\r\n` or a lone `\r` end a line), escaped for rustdoc.
fn text_lines(text: &str) -> Vec<String> {
    text.split('\n')
        .flat_map(|line| line.strip_suffix('\r').unwrap_or(line).split('\r'))
        .map(escape_doc)
        .collect()
}

/// Keeps service-provided text from being read as Markdown links or HTML by rustdoc.
fn escape_doc(line: &str) -> String {
    line.replace('\r', " ")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('<', "\\<")
        .replace('>', "\\>")
}

impl Emitter<'_> {
    /// The direct base type of a type deeper than [`FLATTEN_DEPTH`]: the type holds it in its
    /// `base` field. `None`: the type repeats all inherited members as its own fields.
    pub(super) fn composed_base(&self, ty: &StructuredType) -> Option<usize> {
        (ty.ancestors.len() > FLATTEN_DEPTH).then(|| ty.ancestors[0])
    }

    /// The structural properties that are fields of `ty`: inherited ones first, or only its own
    /// when it is composed of its base ([`Emitter::composed_base`]).
    pub(super) fn field_properties<'a>(&'a self, ty: &'a StructuredType) -> Vec<&'a Property> {
        match self.composed_base(ty) {
            Some(_) => ty.properties.iter().collect(),
            None => self.model.all_properties(ty),
        }
    }

    /// The navigation properties that are fields of `ty` (see [`Emitter::field_properties`]).
    pub(super) fn field_navigations<'a>(
        &'a self,
        ty: &'a StructuredType,
    ) -> Vec<&'a NavigationProperty> {
        match self.composed_base(ty) {
            Some(_) => ty.navigation_properties.iter().collect(),
            None => self.model.all_navigation_properties(ty),
        }
    }

    /// The base types a type is `IsA` of, and whose bound operations its handles offer: the
    /// nearest [`FLATTEN_DEPTH`] (all of them in real documents).
    pub(super) fn near_ancestors<'a>(&self, ty: &'a StructuredType) -> &'a [usize] {
        &ty.ancestors[..ty.ancestors.len().min(FLATTEN_DEPTH)]
    }

    /// `#[cfg(...)]` for an item that mentions the entity types `entities`: each of them must be
    /// compiled. Empty without features or when all of them always are.
    pub(super) fn gate(&self, entities: impl IntoIterator<Item = usize>) -> TokenStream {
        match self.gate_predicate(entities) {
            Some(p) => quote!(#[cfg(#p)]),
            None => quote!(),
        }
    }

    /// The predicate of [`Emitter::gate`]; `None` where the items are always compiled.
    fn gate_predicate(&self, entities: impl IntoIterator<Item = usize>) -> Option<TokenStream> {
        let text = self.gate_predicate_text(entities)?;
        match text.parse() {
            Ok(tokens) => Some(tokens),
            Err(e) => unreachable!("feature names are valid string literals: {e}"),
        }
    }

    /// [`Emitter::gate`] as text, `#[cfg(..)]` (for text blocks).
    pub(super) fn gate_text(&self, entities: impl IntoIterator<Item = usize>) -> Option<String> {
        Some(format!("#[cfg({})]", self.gate_predicate_text(entities)?))
    }

    /// The predicate of [`Emitter::gate`] as the formatter writes it: `feature = "accounts"`,
    /// `any(feature = "a", feature = "b")`, `all(..)`.
    fn gate_predicate_text(&self, entities: impl IntoIterator<Item = usize>) -> Option<String> {
        let features = self.features.as_ref()?;
        let groups: BTreeSet<&Vec<String>> = entities
            .into_iter()
            .map(|e| &features[e])
            .filter(|f| !f.is_empty())
            .collect();
        let feature = |f: &String| format!("feature = {}", proc_macro2::Literal::string(f));
        let predicates: Vec<String> = groups
            .into_iter()
            .map(|f| {
                if let [one] = f.as_slice() {
                    feature(one)
                } else {
                    let list: Vec<String> = f.iter().map(feature).collect();
                    format!("any({})", list.join(", "))
                }
            })
            .collect();
        match predicates.len() {
            0 => None,
            1 => predicates.into_iter().next(),
            _ => Some(format!("all({})", predicates.join(", "))),
        }
    }

    /// For an entity type compiled only with a Cargo feature, the stand-ins that keep its names
    /// (the type and its polymorphic enum) defined while the feature is off, as
    /// `support::Untyped`: a navigation property to it is a field in every configuration, and
    /// reads its expanded value as untyped JSON while the type is not compiled.
    fn stand_ins(&self, i: usize) -> TokenStream {
        let Some(predicate) = self.gate_predicate([i]) else {
            return quote!();
        };
        let names =
            std::iter::once(&self.names.entity_types[i]).chain(self.names.polymorphic[i].as_ref());
        let items = names.map(|name| {
            let text = format!(
                " Stands in for `{name}` while it is not compiled: a navigation property to it reads"
            );
            let rust = ident(name);
            quote! {
                #[doc = #text]
                /// its expanded value as untyped JSON.
                #[cfg(not(#predicate))]
                #[allow(dead_code)]
                pub(crate) type #rust = super::support::Untyped;
            }
        });
        quote!(#(#items)*)
    }

    /// The entity type a type reference mentions, if any.
    pub(super) fn mentioned(ty: &TypeRef) -> Option<usize> {
        match ty.kind {
            TypeKind::Entity(id) => Some(id.0),
            _ => None,
        }
    }

    pub(super) fn type_label(&self, ty: &TypeRef) -> String {
        self.model.type_name(ty)
    }
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
    let mut files = FileList::default();
    files.push(Emitted {
        path: "support.rs".into(),
        tokens: template_tokens(include_str!("../../templates/support.rs")),
        doc: String::new(),
    });
    files.push_text(
        "enums.rs".into(),
        Text::from(e.emit_enums()),
        "Enum types and type definitions.".into(),
    );
    // The types' files, the bulk of the SDK, are emitted on all cores.
    let complex_files =
        crate::parallel::in_parallel(model.complex_types.len(), |i| Text::from(e.emit_complex(i)));
    let entity_files =
        crate::parallel::in_parallel(model.entity_types.len(), |i| Text::from(e.emit_entity(i)));
    let mut complex_mods = Vec::new();
    for ((i, t), text) in model.complex_types.iter().enumerate().zip(complex_files) {
        let module = ident(&names.complex_modules[i]);
        let reexport = text.reexport(&module);
        complex_mods.push(quote!(mod #module; #reexport));
        files.push_text(
            format!(
                "complex/{}.rs",
                names.complex_modules[i].trim_start_matches("r#")
            ),
            text,
            format!("Complex type `{}`.", t.name),
        );
    }
    let mut entity_mods = Vec::new();
    // The entity types that navigation properties lead to: those behind a feature get stand-ins.
    let navigation_targets: BTreeSet<usize> = model
        .entity_types
        .iter()
        .chain(&model.complex_types)
        .flat_map(|t| &t.navigation_properties)
        .filter_map(|n| n.target.map(|t| t.0))
        .collect();
    // Names of the items compiled only with a Cargo feature.
    let mut gated = BTreeSet::new();
    for ((i, t), text) in model.entity_types.iter().enumerate().zip(entity_files) {
        let module = ident(&names.entity_modules[i]);
        let gate = e.gate([i]);
        let reexport = text.reexport(&module);
        entity_mods.push(quote!(#gate mod #module; #gate #reexport));
        if navigation_targets.contains(&i) {
            entity_mods.push(e.stand_ins(i));
        }
        if !gate.is_empty() {
            gated.extend(text.items.iter().cloned());
        }
        files.push_text(
            format!(
                "entities/{}.rs",
                names.entity_modules[i].trim_start_matches("r#")
            ),
            text,
            format!("Entity type `{}`.", t.name),
        );
    }
    files.push(Emitted {
        path: "complex/mod.rs".into(),
        tokens: folder_module(quote! {
            #(#complex_mods)*
        }),
        doc: "Complex types, one module each.".into(),
    });
    files.push(Emitted {
        path: "entities/mod.rs".into(),
        tokens: folder_module(quote! {
            #(#entity_mods)*
        }),
        doc: "Entity types, one module each.".into(),
    });
    let choices = e.emit_choices();
    if let Some(tokens) = choices {
        files.push(Emitted {
            path: "choices.rs".into(),
            tokens,
            doc:
                "Dataverse choices (option sets) of the tables' columns, from the metadata sidecar."
                    .into(),
        });
    }
    let query_functions = e.emit_query_functions();
    if let Some(tokens) = &query_functions {
        files.push(Emitted {
            path: "functions.rs".into(),
            tokens: tokens.clone(),
            doc: "The service's query functions, for typed `$filter` expressions.".into(),
        });
    }
    let mut service_methods = Vec::new();
    let operations = e.emit_operations_file(&mut service_methods);
    files.push(Emitted {
        path: "operations.rs".into(),
        tokens: operations.clone(),
        doc: "Request types of the unbound actions and functions.".into(),
    });
    files.push(Emitted {
        path: root_file.into(),
        tokens: e.emit_root(
            options,
            &set_features,
            !operations.is_empty(),
            query_functions.is_some(),
            service_methods,
        ),
        doc: format!("Typed SDK for the OData service `{}`.", e.container_name()),
    });
    with_scopes(files.0, root_file, gated)
}

/// A file as an emitter returns it.
struct Emitted {
    path: String,
    tokens: TokenStream,
    doc: String,
}

/// The emitted files, each turned into text as it is added.
#[derive(Default)]
struct FileList(Vec<EmittedFile>);

impl FileList {
    fn push(&mut self, file: Emitted) {
        self.push_text(file.path, Text::from(file.tokens), file.doc);
    }

    fn push_text(&mut self, path: String, text: Text, doc: String) {
        self.0.push(EmittedFile {
            path,
            items: text.items,
            source: text.source,
            blocks: text.blocks,
            doc,
            scope: None,
        });
    }
}

/// A file's tokens as text (token streams cannot leave the thread that made them), with the
/// names of its top-level items.
struct Text {
    source: String,
    items: Vec<String>,
    gated_items: bool,
    blocks: Vec<String>,
}

impl From<TokenStream> for Text {
    fn from(tokens: TokenStream) -> Self {
        Text::from((tokens, Vec::new()))
    }
}

impl From<(TokenStream, Vec<String>)> for Text {
    fn from((tokens, blocks): (TokenStream, Vec<String>)) -> Self {
        Text {
            items: top_level_items(&tokens),
            gated_items: has_gated_items(&tokens),
            source: tokens.to_string(),
            blocks,
        }
    }
}

impl Text {
    /// The folder's re-export of this file's items: by name, which rustc resolves far faster
    /// than thousands of glob imports (Graph v1.0's SDK: 47 s of `cargo check` went to resolving
    /// 2,961 of them); a glob where an item has a `#[cfg]` of its own or there is none.
    fn reexport(&self, module: &proc_macro2::Ident) -> TokenStream {
        if self.gated_items || self.items.is_empty() {
            return quote!(pub use self::#module::*;);
        }
        let items = self.items.iter().map(|name| ident(name));
        quote!(pub use self::#module::{#(#items),*};)
    }
}

/// Whether a file has a top-level item under a `#[cfg(..)]` of its own.
fn has_gated_items(tokens: &TokenStream) -> bool {
    let list: Vec<proc_macro2::TokenTree> = tokens.clone().into_iter().collect();
    list.windows(2).any(|pair| match pair {
        [
            proc_macro2::TokenTree::Punct(pound),
            proc_macro2::TokenTree::Group(attr),
        ] if pound.as_char() == '#' => attr
            .stream()
            .into_iter()
            .next()
            .is_some_and(|first| first.to_string() == "cfg"),
        _ => false,
    })
}

/// Gives every generated file (not the bundled `support.rs`) its place in the module tree, for
/// the short names of the write stage ([`crate::short_names`]).
fn with_scopes(
    files: Vec<EmittedFile>,
    root_file: &str,
    gated: BTreeSet<String>,
) -> Vec<EmittedFile> {
    let mut sdk_names: BTreeSet<String> = ["support", "Annotated", "HasBinds", "Request"]
        .into_iter()
        .map(str::to_string)
        .collect();
    for file in &files {
        if file.path != "support.rs" {
            sdk_names.extend(file.items.iter().cloned());
        }
    }
    let sdk_names = std::sync::Arc::new(sdk_names);
    let gated = std::sync::Arc::new(gated);
    files
        .into_iter()
        .map(|file| {
            if file.path == "support.rs" {
                return file;
            }
            let depth = if file.path == root_file {
                0
            } else {
                file.path.matches('/').count() + usize::from(!file.path.ends_with("/mod.rs"))
            };
            let scope = FileScope {
                depth,
                globs: file.path == root_file || file.path.ends_with("/mod.rs"),
                sdk_names: sdk_names.clone(),
                gated: gated.clone(),
            };
            EmittedFile {
                scope: Some(scope),
                ..file
            }
        })
        .collect()
}

/// A folder's `mod.rs`: its modules, after an import of the SDK root's names that lets their
/// files name any generated type as `super::Type`.
fn folder_module(modules: TokenStream) -> TokenStream {
    if modules.is_empty() {
        return modules;
    }
    quote! {
        use super::*;
        #modules
    }
}

/// The names of the items a file defines at its top level.
fn top_level_items(tokens: &TokenStream) -> Vec<String> {
    let list: Vec<proc_macro2::TokenTree> = tokens.clone().into_iter().collect();
    list.windows(2)
        .filter_map(|pair| match pair {
            [
                proc_macro2::TokenTree::Ident(keyword),
                proc_macro2::TokenTree::Ident(name),
            ] if matches!(
                keyword.to_string().as_str(),
                "struct" | "enum" | "type" | "trait" | "const" | "fn" | "static" | "mod"
            ) =>
            {
                Some(name.to_string().trim_start_matches("r#").to_string())
            }
            _ => None,
        })
        .collect()
}

/// A bundled template (ordinary Rust source); parsing it here checks it at generation time.
fn template_tokens(source: &str) -> TokenStream {
    match source.parse::<TokenStream>() {
        Ok(tokens) => tokens,
        Err(e) => unreachable!("the bundled templates are valid Rust: {e}"),
    }
}
