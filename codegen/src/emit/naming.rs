//! Every name of the SDK, decided before any code is emitted.

use crate::model::*;
use crate::names::{Case, Scope, rust_name};
use std::collections::BTreeMap;

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
    /// Rust enum name per choice set a column of the model uses (`None`: not used, or a yes/no
    /// option set, which stays `bool`).
    pub choice_sets: Vec<Option<String>>,
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
        for (set, n) in model.choice_sets.iter().zip(&self.choice_sets) {
            if let Some(n) = n {
                out.push((format!("option set {}", set.name), n.clone()));
            }
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
    "Request",
    "Annotated",
    "HasBinds",
    "choices",
    "functions",
    "entities",
    "complex",
    "enums",
    "operations",
];

/// Module names a folder (`entities/`, `complex/`) keeps free: the folder imports the root's
/// names (`use super::*`), and its files reach `support` and the other root modules through it.
const FOLDER_RESERVED: &[&str] = &[
    "mod",
    "support",
    "functions",
    "entities",
    "complex",
    "enums",
    "operations",
    "choices",
];

/// Decides every name.
pub fn names(model: &Model, renames: &BTreeMap<String, String>) -> Names {
    let mut types = Scope::with_reserved(RESERVED_ROOT);
    // A rename (by qualified or simple CSDL name) replaces the name the type is made from; it
    // still goes through the scope, so it stays a valid, unique identifier.
    // A table's schema name (`SystemUser`) from a sidecar comes next.
    let type_name =
        |types: &mut Scope, name: &crate::model::QualifiedName, schema: Option<&str>| {
            let source = renames
                .get(&name.to_string())
                .or_else(|| renames.get(&name.name))
                .map(String::as_str)
                .or(schema)
                .unwrap_or(&name.name);
            types.name(source, Case::Type)
        };
    let entity_types: Vec<String> = model
        .entity_types
        .iter()
        .map(|t| {
            let schema = t.table.as_ref().map(|t| t.schema_name.as_str());
            type_name(&mut types, &t.name, schema)
        })
        .collect();
    let complex_types: Vec<String> = model
        .complex_types
        .iter()
        .map(|t| type_name(&mut types, &t.name, None))
        .collect();
    let enum_types: Vec<String> = model
        .enum_types
        .iter()
        .map(|t| type_name(&mut types, &t.name, None))
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
        .map(|t| type_name(&mut types, &t.name, None))
        .collect();
    let choice_sets = choice_set_names(model, renames, &mut types);
    let mut modules = Scope::with_reserved(FOLDER_RESERVED);
    let entity_modules = entity_types
        .iter()
        .map(|n| modules.name(n, Case::Snake))
        .collect();
    let mut modules = Scope::with_reserved(FOLDER_RESERVED);
    let complex_modules = complex_types
        .iter()
        .map(|n| modules.name(n, Case::Snake))
        .collect();
    let mut service = Scope::with_reserved(&["new", "client", "batch"]);
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
            // Bound to a complex, enum or primitive type (or a collection of one): a method of
            // the service that takes the path of the bound value.
            let request = types.unique(format!("{}Request", rust_name(&op.name.name, Case::Type)));
            let method = service.name(&op.name.name, Case::Snake);
            operations.insert(i, (request, method));
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
        choice_sets,
    }
}

/// The enum names of the choice sets that columns of the model use: a local option set after
/// its table and column (`AccountIndustryCode`), a global one after its name (`new_region` →
/// `NewRegion`); a rename by option set name wins.
fn choice_set_names(
    model: &Model,
    renames: &BTreeMap<String, String>,
    types: &mut Scope,
) -> Vec<Option<String>> {
    let mut used = vec![false; model.choice_sets.len()];
    for ty in &model.entity_types {
        for p in &ty.properties {
            if let Some(id) = p.column.as_ref().and_then(|c| c.choice) {
                used[id.0] = model.choice_sets[id.0].kind != ChoiceKind::Boolean;
            }
        }
    }
    model
        .choice_sets
        .iter()
        .zip(used)
        .map(|(set, used)| {
            used.then(|| {
                let source = match (renames.get(&set.name), &set.owner) {
                    (Some(rename), _) => rename.clone(),
                    (None, Some((table, column))) => format!("{table}_{column}"),
                    (None, None) => set.name.clone(),
                };
                types.name(&source, Case::Type)
            })
        })
        .collect()
}

/// The text a property's Rust names (field, descriptor constant) are made from: the schema
/// name of its column when a sidecar gave one (`EMailAddress1`; a lookup value
/// `_parentaccountid_value` keeps its suffix: `ParentAccountId_value`), else its CSDL name.
pub(super) fn member_source(p: &Property) -> std::borrow::Cow<'_, str> {
    match &p.column {
        Some(column) if p.name.starts_with('_') && p.name.ends_with("_value") => {
            format!("{}_value", column.schema_name).into()
        }
        Some(column) => column.schema_name.as_str().into(),
        None => p.name.as_str().into(),
    }
}
