//! The select stage: [`Model`] + [`Selection`] → the [`Model`] of just the selected entity sets,
//! entity types and operations, plus exactly what they depend on.
//!
//! Dependencies followed: an entity set's entity type; a type's base types and the types of its
//! properties (complex, enum, type definition, entity); an operation's binding type, parameter
//! types and return type; an import's operations. Not followed: navigation properties. A
//! navigation property whose target was not selected stays in the SDK as an untyped reference
//! (the cut edge): lookups to it are set with an explicit key, expansions read as untyped
//! records. Entity sets of every kept entity type are kept, so kept types stay addressable.
//!
//! Names are matched exactly (case-sensitive), simple (`account`) or qualified
//! (`Microsoft.Dynamics.CRM.account`), with `*` and `?` wildcards. A name without wildcards that
//! matches nothing is an error that points at the configuration line.

use crate::error::{Error, ErrorKind};
use crate::model::*;
use crate::source::Pos;

/// One name or wildcard pattern of a selection, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    /// The name or pattern, e.g. `accounts`, `Microsoft.Dynamics.CRM.account`, `new_*`.
    pub text: String,
    /// The file it comes from (a configuration file), for errors.
    pub file: String,
    /// Where in that file.
    pub pos: Pos,
}

impl Pattern {
    /// A pattern given in code (errors name `file` without a position).
    pub fn new(text: &str) -> Pattern {
        Pattern {
            text: text.to_string(),
            file: "selection".into(),
            pos: Pos::default(),
        }
    }

    fn has_wildcards(&self) -> bool {
        self.text.contains(['*', '?'])
    }

    /// Whether `name` matches (`*`: any run of characters, `?`: one character).
    pub fn matches(&self, name: &str) -> bool {
        wildcard_match(self.text.as_bytes(), name.as_bytes())
    }
}

fn wildcard_match(pattern: &[u8], text: &[u8]) -> bool {
    // Iterative matching with backtracking to the last `*`.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == text[t]) {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, t));
            p += 1;
        } else if let Some((sp, st)) = star {
            p = sp + 1;
            t = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// What to generate. Empty include lists everywhere mean everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    /// Entity sets (and singletons) by name.
    pub entity_sets: Vec<Pattern>,
    /// Entity types by simple or qualified name.
    pub entity_types: Vec<Pattern>,
    /// Actions and functions by simple or qualified name (all overloads), or action/function
    /// imports by name.
    pub operations: Vec<Pattern>,
    /// Names taken out of the include lists (or out of everything); items needed as
    /// dependencies of what is selected are still generated.
    pub exclude: Vec<Pattern>,
}

impl Selection {
    /// Whether nothing is included explicitly (so everything is, minus exclusions).
    pub fn includes_everything(&self) -> bool {
        self.entity_sets.is_empty() && self.entity_types.is_empty() && self.operations.is_empty()
    }

    /// Whether the selection keeps the whole model.
    pub fn is_everything(&self) -> bool {
        self.includes_everything() && self.exclude.is_empty()
    }
}

/// Which items of a model a selection keeps.
struct Keep {
    entity_types: Vec<bool>,
    complex_types: Vec<bool>,
    enum_types: Vec<bool>,
    type_definitions: Vec<bool>,
    operations: Vec<bool>,
    entity_sets: Vec<bool>,
}

impl Keep {
    fn new(model: &Model) -> Keep {
        Keep {
            entity_types: vec![false; model.entity_types.len()],
            complex_types: vec![false; model.complex_types.len()],
            enum_types: vec![false; model.enum_types.len()],
            type_definitions: vec![false; model.type_definitions.len()],
            operations: vec![false; model.operations.len()],
            entity_sets: vec![false; model.entity_sets.len()],
        }
    }

    fn type_ref(&mut self, model: &Model, ty: &TypeRef) {
        match ty.kind {
            TypeKind::Entity(id) => self.entity(model, id.0),
            TypeKind::Complex(id) => self.complex(model, id.0),
            TypeKind::Enum(id) => self.enum_types[id.0] = true,
            TypeKind::Definition(id) => self.type_definitions[id.0] = true,
            _ => {}
        }
    }

    fn entity(&mut self, model: &Model, id: usize) {
        if std::mem::replace(&mut self.entity_types[id], true) {
            return;
        }
        let ty = &model.entity_types[id];
        for a in &ty.ancestors {
            self.entity(model, *a);
        }
        for p in &ty.properties {
            self.type_ref(model, &p.ty);
        }
        for (i, set) in model.entity_sets.iter().enumerate() {
            if set.entity_type.0 == id {
                self.entity_sets[i] = true;
            }
        }
    }

    fn complex(&mut self, model: &Model, id: usize) {
        if std::mem::replace(&mut self.complex_types[id], true) {
            return;
        }
        let ty = &model.complex_types[id];
        for a in &ty.ancestors {
            self.complex(model, *a);
        }
        for p in &ty.properties {
            self.type_ref(model, &p.ty);
        }
    }

    fn operation(&mut self, model: &Model, id: usize) {
        if std::mem::replace(&mut self.operations[id], true) {
            return;
        }
        let op = &model.operations[id];
        if let Some(b) = &op.binding {
            self.type_ref(model, &b.ty);
        }
        for p in &op.parameters {
            self.type_ref(model, &p.ty);
        }
        if let Some(r) = &op.return_type {
            self.type_ref(model, &r.ty);
        }
    }

    fn entity_set(&mut self, model: &Model, id: usize) {
        self.entity_sets[id] = true;
        self.entity(model, model.entity_sets[id].entity_type.0);
    }
}

/// Old index → new index for kept items.
fn index_map(keep: &[bool]) -> Vec<Option<usize>> {
    let mut next = 0;
    keep.iter()
        .map(|&k| {
            k.then(|| {
                next += 1;
                next - 1
            })
        })
        .collect()
}

fn type_name_matches(pattern: &Pattern, name: &QualifiedName) -> bool {
    pattern.matches(&name.name) || pattern.matches(&name.to_string())
}

/// Keeps what `selection` asks for and what it depends on; see the module documentation.
pub fn select(model: &Model, selection: &Selection) -> Result<Model, Error> {
    if selection.is_everything() {
        return Ok(model.clone());
    }
    check_names(model, selection)?;
    let excluded_type =
        |name: &QualifiedName| selection.exclude.iter().any(|p| type_name_matches(p, name));
    let excluded = |name: &str| selection.exclude.iter().any(|p| p.matches(name));
    let all = selection.includes_everything();
    let mut keep = Keep::new(model);
    for (i, set) in model.entity_sets.iter().enumerate() {
        let included = all || selection.entity_sets.iter().any(|p| p.matches(&set.name));
        if included && !excluded(&set.name) {
            keep.entity_set(model, i);
        }
    }
    for (i, ty) in model.entity_types.iter().enumerate() {
        let included = all
            || selection
                .entity_types
                .iter()
                .any(|p| type_name_matches(p, &ty.name));
        if included && !excluded_type(&ty.name) {
            keep.entity(model, i);
        }
    }
    if all {
        for (i, ty) in model.complex_types.iter().enumerate() {
            if !excluded_type(&ty.name) {
                keep.complex(model, i);
            }
        }
        for (i, ty) in model.enum_types.iter().enumerate() {
            keep.enum_types[i] |= !excluded_type(&ty.name);
        }
        for (i, ty) in model.type_definitions.iter().enumerate() {
            keep.type_definitions[i] |= !excluded_type(&ty.name);
        }
    }
    for (i, op) in model.operations.iter().enumerate() {
        let import_matches = |p: &Pattern| {
            model
                .imports
                .iter()
                .any(|imp| imp.operations.contains(&OperationId(i)) && p.matches(&imp.name))
        };
        // Query functions (`LastXDays`...) are kept in every selection: any typed filter may use
        // them.
        let included = all
            || model.is_query_function(i)
            || selection
                .operations
                .iter()
                .any(|p| type_name_matches(p, &op.name) || import_matches(p));
        let binding_kept = match &op.binding {
            // With everything included, operations bound to an excluded type go too.
            Some(OperationBinding {
                ty:
                    TypeRef {
                        kind: TypeKind::Entity(t),
                        ..
                    },
                ..
            }) if all => !excluded_type(&model.entity_types[t.0].name),
            _ => true,
        };
        if included && binding_kept && !excluded_type(&op.name) {
            keep.operation(model, i);
        }
    }
    // Keeping a type keeps its sets; an excluded set stays out all the same (lookups into it
    // become untyped references).
    for (i, set) in model.entity_sets.iter().enumerate() {
        if excluded(&set.name) {
            keep.entity_sets[i] = false;
        }
    }
    Ok(remap(model, &keep))
}

/// Every pattern without wildcards must name something of its kind.
fn check_names(model: &Model, selection: &Selection) -> Result<(), Error> {
    let set_names: Vec<&str> = model.entity_sets.iter().map(|s| s.name.as_str()).collect();
    let type_names: Vec<&QualifiedName> = model
        .entity_types
        .iter()
        .chain(&model.complex_types)
        .map(|t| &t.name)
        .chain(model.enum_types.iter().map(|t| &t.name))
        .chain(model.type_definitions.iter().map(|t| &t.name))
        .collect();
    let entity_names: Vec<&QualifiedName> = model.entity_types.iter().map(|t| &t.name).collect();
    let operation_names: Vec<&QualifiedName> = model.operations.iter().map(|o| &o.name).collect();
    let import_names: Vec<&str> = model.imports.iter().map(|i| i.name.as_str()).collect();
    let check = |pattern: &Pattern, what: &str, found: bool, candidates: Vec<String>| {
        if found || pattern.has_wildcards() {
            return Ok(());
        }
        Err(Error {
            file: pattern.file.clone(),
            pos: pattern.pos,
            kind: Box::new(ErrorKind::UnknownSelection {
                what: what.into(),
                name: pattern.text.clone(),
                suggestion: closest(&pattern.text, &candidates),
            }),
        })
    };
    let simple = |names: &[&QualifiedName]| names.iter().map(|n| n.name.clone()).collect();
    for p in &selection.entity_sets {
        let found = set_names.iter().any(|n| p.matches(n));
        check(
            p,
            "entity set",
            found,
            set_names.iter().map(|s| s.to_string()).collect(),
        )?;
    }
    for p in &selection.entity_types {
        let found = entity_names.iter().any(|n| type_name_matches(p, n));
        check(p, "entity type", found, simple(&entity_names))?;
    }
    for p in &selection.operations {
        let found = operation_names.iter().any(|n| type_name_matches(p, n))
            || import_names.iter().any(|n| p.matches(n));
        check(p, "operation", found, simple(&operation_names))?;
    }
    for p in &selection.exclude {
        let found = set_names.iter().any(|n| p.matches(n))
            || type_names.iter().any(|n| type_name_matches(p, n))
            || operation_names.iter().any(|n| type_name_matches(p, n));
        let mut candidates: Vec<String> = set_names.iter().map(|s| s.to_string()).collect();
        candidates.extend(simple(&type_names));
        check(p, "entity set, type or operation", found, candidates)?;
    }
    Ok(())
}

/// The candidate closest to `name`: equal ignoring case, else the shortest edit distance of at
/// most a third of the name's length.
fn closest(name: &str, candidates: &[String]) -> Option<String> {
    if let Some(c) = candidates.iter().find(|c| c.eq_ignore_ascii_case(name)) {
        return Some(c.clone());
    }
    let limit = (name.len() / 3).max(1);
    candidates
        .iter()
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c.clone())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (diagonal + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(above + 1);
            diagonal = above;
        }
    }
    row[b.len()]
}

struct Maps {
    entity_types: Vec<Option<usize>>,
    complex_types: Vec<Option<usize>>,
    enum_types: Vec<Option<usize>>,
    type_definitions: Vec<Option<usize>>,
    operations: Vec<Option<usize>>,
    entity_sets: Vec<Option<usize>>,
}

impl Maps {
    /// A type reference in the new model; a type that was not kept (only possible for terms)
    /// becomes an untyped external reference.
    fn type_ref(&self, model: &Model, ty: &TypeRef) -> TypeRef {
        let kind = match &ty.kind {
            TypeKind::Entity(id) => match self.entity_types[id.0] {
                Some(n) => TypeKind::Entity(EntityTypeId(n)),
                None => TypeKind::External(model.entity_types[id.0].name.to_string()),
            },
            TypeKind::Complex(id) => match self.complex_types[id.0] {
                Some(n) => TypeKind::Complex(ComplexTypeId(n)),
                None => TypeKind::External(model.complex_types[id.0].name.to_string()),
            },
            TypeKind::Enum(id) => match self.enum_types[id.0] {
                Some(n) => TypeKind::Enum(EnumTypeId(n)),
                None => TypeKind::External(model.enum_types[id.0].name.to_string()),
            },
            TypeKind::Definition(id) => match self.type_definitions[id.0] {
                Some(n) => TypeKind::Definition(TypeDefinitionId(n)),
                None => TypeKind::External(model.type_definitions[id.0].name.to_string()),
            },
            other => other.clone(),
        };
        TypeRef {
            kind,
            collection: ty.collection,
        }
    }

    fn structured(
        &self,
        model: &Model,
        ty: &StructuredType,
        same_kind: &[Option<usize>],
    ) -> StructuredType {
        let ids =
            |list: &[usize]| -> Vec<usize> { list.iter().filter_map(|i| same_kind[*i]).collect() };
        let ops = |list: &[OperationId]| -> Vec<OperationId> {
            list.iter()
                .filter_map(|o| self.operations[o.0].map(OperationId))
                .collect()
        };
        StructuredType {
            base: ty.base.and_then(|b| same_kind[b]),
            ancestors: ids(&ty.ancestors),
            derived: ids(&ty.derived),
            declared_key: ty.declared_key.as_ref().map(|k| self.key(model, k)),
            key: ty.key.as_ref().map(|k| self.key(model, k)),
            properties: ty
                .properties
                .iter()
                .map(|p| Property {
                    ty: self.type_ref(model, &p.ty),
                    ..p.clone()
                })
                .collect(),
            navigation_properties: ty
                .navigation_properties
                .iter()
                .map(|n| NavigationProperty {
                    target: n
                        .target
                        .and_then(|t| self.entity_types[t.0])
                        .map(EntityTypeId),
                    ..n.clone()
                })
                .collect(),
            bound_operations: ops(&ty.bound_operations),
            bound_collection_operations: ops(&ty.bound_collection_operations),
            ..ty.clone()
        }
    }

    fn key(&self, model: &Model, key: &[KeyPart]) -> Vec<KeyPart> {
        key.iter()
            .map(|k| KeyPart {
                ty: self.type_ref(model, &k.ty),
                ..k.clone()
            })
            .collect()
    }
}

fn kept<'a, T>(items: &'a [T], map: &'a [Option<usize>]) -> impl Iterator<Item = &'a T> {
    items
        .iter()
        .zip(map)
        .filter(|(_, m)| m.is_some())
        .map(|(t, _)| t)
}

fn remap(model: &Model, keep: &Keep) -> Model {
    let maps = Maps {
        entity_types: index_map(&keep.entity_types),
        complex_types: index_map(&keep.complex_types),
        enum_types: index_map(&keep.enum_types),
        type_definitions: index_map(&keep.type_definitions),
        operations: index_map(&keep.operations),
        entity_sets: index_map(&keep.entity_sets),
    };
    let entity_types = kept(&model.entity_types, &maps.entity_types)
        .map(|t| maps.structured(model, t, &maps.entity_types))
        .collect();
    let complex_types = kept(&model.complex_types, &maps.complex_types)
        .map(|t| maps.structured(model, t, &maps.complex_types))
        .collect();
    let operations = kept(&model.operations, &maps.operations)
        .map(|op| Operation {
            binding: op.binding.as_ref().map(|b| OperationBinding {
                parameter: b.parameter.clone(),
                ty: maps.type_ref(model, &b.ty),
            }),
            parameters: op
                .parameters
                .iter()
                .map(|p| OperationParameter {
                    ty: maps.type_ref(model, &p.ty),
                    ..p.clone()
                })
                .collect(),
            return_type: op.return_type.as_ref().map(|r| OperationReturn {
                ty: maps.type_ref(model, &r.ty),
                ..r.clone()
            }),
            ..op.clone()
        })
        .collect();
    let overload_groups = model
        .overload_groups
        .iter()
        .filter_map(|g| {
            let operations: Vec<OperationId> = g
                .operations
                .iter()
                .filter_map(|o| maps.operations[o.0].map(OperationId))
                .collect();
            (!operations.is_empty()).then(|| OverloadGroup {
                operations,
                ..g.clone()
            })
        })
        .collect();
    let entity_sets = kept(&model.entity_sets, &maps.entity_sets)
        .map(|s| EntitySet {
            entity_type: EntityTypeId(
                maps.entity_types[s.entity_type.0].expect("a kept set keeps its entity type"),
            ),
            bindings: s
                .bindings
                .iter()
                .map(|b| NavigationBinding {
                    navigation: b.navigation.and_then(|(declaring, index)| {
                        maps.entity_types[declaring.0].map(|d| (EntityTypeId(d), index))
                    }),
                    target: b
                        .target
                        .and_then(|t| maps.entity_sets[t.0])
                        .map(EntitySetId),
                    contained: b
                        .contained
                        .and_then(|t| maps.entity_types[t.0])
                        .map(EntityTypeId),
                    ..b.clone()
                })
                .collect(),
            ..s.clone()
        })
        .collect();
    let imports = model
        .imports
        .iter()
        .filter_map(|imp| {
            let operations: Vec<OperationId> = imp
                .operations
                .iter()
                .filter_map(|o| maps.operations[o.0].map(OperationId))
                .collect();
            (!operations.is_empty()).then(|| OperationImport {
                operations,
                entity_set: imp
                    .entity_set
                    .and_then(|s| maps.entity_sets[s.0])
                    .map(EntitySetId),
                ..imp.clone()
            })
        })
        .collect();
    Model {
        entity_types,
        complex_types,
        enum_types: kept(&model.enum_types, &maps.enum_types).cloned().collect(),
        type_definitions: kept(&model.type_definitions, &maps.type_definitions)
            .cloned()
            .collect(),
        terms: model
            .terms
            .iter()
            .map(|t| Term {
                ty: maps.type_ref(model, &t.ty),
                ..t.clone()
            })
            .collect(),
        operations,
        overload_groups,
        entity_sets,
        imports,
        file: model.file.clone(),
        version: model.version.clone(),
        namespaces: model.namespaces.clone(),
        container: model.container.clone(),
        choice_sets: model.choice_sets.clone(),
        warnings: model.warnings.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        let p = Pattern::new("new_*");
        assert!(p.matches("new_AddNote"));
        assert!(p.matches("new_"));
        assert!(!p.matches("anew_x"));
        let p = Pattern::new("a?c*d");
        assert!(p.matches("abcd"));
        assert!(p.matches("abcxxd"));
        assert!(!p.matches("abce"));
        assert!(Pattern::new("*").matches(""));
    }

    #[test]
    fn suggestions() {
        let names = vec!["accounts".to_string(), "contacts".to_string()];
        assert_eq!(closest("Accounts", &names).as_deref(), Some("accounts"));
        assert_eq!(closest("acounts", &names).as_deref(), Some("accounts"));
        assert_eq!(closest("zzz", &names), None);
    }
}
