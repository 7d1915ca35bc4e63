//! Stage 2, resolve: the [`syntax`](crate::syntax) model to the [`model`](crate::model) the
//! emitter can trust.
//!
//! Every type gets an id before any reference is resolved (so forward and cyclic references just
//! work); then type references (qualified, aliased, `Collection(...)`, `Edm.*`), inheritance
//! (with cycle detection), keys (inherited; a re-declared identical key is accepted), navigation
//! targets and bindings, bound operations and overloads, imports, annotations (inline and
//! out-of-line) and by-value recursion are resolved in that order.
//!
//! # What is accepted, and what is not
//! Real services violate the specification in a few ways clients must live with. The decisions:
//!
//! | case | decision |
//! |---|---|
//! | non-abstract entity type without a key (Dataverse `expando`) | accepted with a warning; `--strict` makes it an error |
//! | derived type re-declaring its base's key, identically (Dataverse, 10-18 types) | accepted silently |
//! | derived type declaring a different key than its base | accepted with a warning; the derived key is used |
//! | type in a namespace of an `edmx:Reference` that this document does not contain | accepted as an untyped value with a warning |
//! | any other undefined type, set or operation | error; `--allow-dangling-references` accepts it with a warning |
//! | navigation binding whose target entity set is not defined (Dataverse `ownerid` → `owners`) | accepted with a warning per binding; the binding is left out |
//! | navigation binding path that cannot be followed | accepted with a warning; the binding is kept without its navigation property |
//! | out-of-line `Annotations` whose target is not in the document | accepted with a warning, annotations ignored |
//! | enum members without `Value` | values are implicit (previous + 1, starting at 0); in a flags enum with a warning |

use crate::error::{Error, ErrorKind, Warning};
use crate::model::*;
use crate::source::Pos;
use crate::syntax::{self, AnnotationValue, OperationKind};
use std::collections::{BTreeSet, HashMap, HashSet};

/// Options of the resolver: how lenient to be with documents that violate the specification.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolveOptions {
    /// Accept references to types, entity sets and operations that the document does not define
    /// (a partial document); they become untyped values or are dropped, with a warning.
    pub allow_dangling_references: bool,
    /// Turn the accepted specification violations that have a strict alternative (a
    /// non-abstract entity type without a key) into errors.
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Symbol {
    Entity(usize),
    Complex(usize),
    Enum(usize),
    Definition(usize),
    Term(usize),
}

impl Symbol {
    fn describe(self) -> &'static str {
        match self {
            Symbol::Entity(_) => "an entity type",
            Symbol::Complex(_) => "a complex type",
            Symbol::Enum(_) => "an enum type",
            Symbol::Definition(_) => "a type definition",
            Symbol::Term(_) => "a term",
        }
    }
}

struct Resolver<'d> {
    file: String,
    options: ResolveOptions,
    doc: &'d syntax::Document,
    /// alias or namespace -> namespace
    namespaces: HashMap<String, String>,
    /// namespaces defined by schemas of this document
    local_namespaces: HashSet<String>,
    /// namespaces included through edmx:Reference
    referenced_namespaces: HashSet<String>,
    symbols: HashMap<(String, String), (Symbol, Pos)>,
    warnings: Vec<Warning>,
    warned: HashSet<String>,
    /// out-of-line annotations by normalized target
    external_annotations: HashMap<String, Vec<syntax::Annotation>>,
    /// resolved type names (without `Collection(...)`), as written
    type_cache: HashMap<String, TypeKind>,
}

/// Resolves a parsed document. `file` is the name used in errors and warnings.
pub fn resolve(
    file: &str,
    doc: &syntax::Document,
    options: &ResolveOptions,
) -> Result<Model, Error> {
    let mut r = Resolver {
        file: file.to_string(),
        options: options.clone(),
        doc,
        namespaces: HashMap::new(),
        local_namespaces: HashSet::new(),
        referenced_namespaces: HashSet::new(),
        symbols: HashMap::new(),
        warnings: Vec::new(),
        warned: HashSet::new(),
        external_annotations: HashMap::new(),
        type_cache: HashMap::new(),
    };
    let mut model = r.run()?;
    // Navigation targets by name, now that every entity type exists.
    let names: Vec<QualifiedName> = model.entity_types.iter().map(|t| t.name.clone()).collect();
    for ty in model
        .entity_types
        .iter_mut()
        .chain(model.complex_types.iter_mut())
    {
        for n in &mut ty.navigation_properties {
            if let Some(target) = n.target {
                n.target_name = names[target.0].clone();
            }
        }
    }
    Ok(model)
}

struct Declared<'d> {
    schema: &'d syntax::Schema,
    ty: &'d syntax::StructuredType,
}

impl<'d> Resolver<'d> {
    fn error(&self, pos: Pos, kind: ErrorKind) -> Error {
        Error {
            file: self.file.clone(),
            pos,
            kind: Box::new(kind),
        }
    }

    fn warn(&mut self, pos: Pos, message: String) {
        if self.warned.insert(message.clone()) {
            self.warnings.push(Warning {
                file: self.file.clone(),
                line: pos.line,
                column: pos.column,
                message,
            });
        }
    }

    /// Splits `Namespace.Name` (or `Alias.Name`) into the namespace (alias expanded) and name.
    fn qualify(&self, written: &str) -> Option<(String, String)> {
        let (prefix, name) = written.trim().rsplit_once('.')?;
        let namespace = self
            .namespaces
            .get(prefix)
            .cloned()
            .unwrap_or_else(|| prefix.to_string());
        Some((namespace, name.to_string()))
    }

    fn normalize_term(&self, written: &str) -> String {
        match self.qualify(written) {
            Some((ns, name)) => format!("{ns}.{name}"),
            None => written.to_string(),
        }
    }

    fn run(&mut self) -> Result<Model, Error> {
        let doc = self.doc;
        for reference in &doc.references {
            for include in &reference.includes {
                self.referenced_namespaces.insert(include.namespace.clone());
                self.namespaces
                    .insert(include.namespace.clone(), include.namespace.clone());
                if let Some(alias) = &include.alias {
                    self.namespaces
                        .insert(alias.clone(), include.namespace.clone());
                }
            }
        }
        for schema in &doc.schemas {
            self.local_namespaces.insert(schema.namespace.clone());
            self.namespaces
                .insert(schema.namespace.clone(), schema.namespace.clone());
            if let Some(alias) = &schema.alias {
                self.namespaces
                    .insert(alias.clone(), schema.namespace.clone());
            }
        }

        // Ids first: every named type of every schema.
        let mut entity_decls = Vec::new();
        let mut complex_decls = Vec::new();
        for schema in &doc.schemas {
            for ty in &schema.entity_types {
                self.declare(schema, &ty.name, Symbol::Entity(entity_decls.len()), ty.pos)?;
                entity_decls.push(Declared { schema, ty });
            }
            for ty in &schema.complex_types {
                self.declare(
                    schema,
                    &ty.name,
                    Symbol::Complex(complex_decls.len()),
                    ty.pos,
                )?;
                complex_decls.push(Declared { schema, ty });
            }
        }
        let mut enum_decls = Vec::new();
        let mut definition_decls = Vec::new();
        let mut term_decls = Vec::new();
        for schema in &doc.schemas {
            for ty in &schema.enum_types {
                self.declare(schema, &ty.name, Symbol::Enum(enum_decls.len()), ty.pos)?;
                enum_decls.push((schema, ty));
            }
            for ty in &schema.type_definitions {
                self.declare(
                    schema,
                    &ty.name,
                    Symbol::Definition(definition_decls.len()),
                    ty.pos,
                )?;
                definition_decls.push((schema, ty));
            }
            for term in &schema.terms {
                self.declare(schema, &term.name, Symbol::Term(term_decls.len()), term.pos)?;
                term_decls.push((schema, term));
            }
        }

        // Out-of-line annotations, by normalized target.
        for schema in &doc.schemas {
            for group in &schema.annotation_groups {
                let target = self.normalize_target(&group.target);
                self.external_annotations.entry(target).or_default().extend(
                    group.annotations.iter().map(|a| syntax::Annotation {
                        qualifier: a.qualifier.clone().or_else(|| group.qualifier.clone()),
                        ..a.clone()
                    }),
                );
            }
        }

        let mut model = Model {
            file: self.file.clone(),
            version: doc.version.clone(),
            namespaces: doc
                .schemas
                .iter()
                .map(|s| (s.namespace.clone(), s.alias.clone()))
                .collect(),
            ..Model::default()
        };

        model.entity_types = self.structured_types(&entity_decls, StructuredKind::Entity)?;
        model.complex_types = self.structured_types(&complex_decls, StructuredKind::Complex)?;
        self.inheritance(&mut model.entity_types, &entity_decls)?;
        self.inheritance(&mut model.complex_types, &complex_decls)?;
        self.redeclared_members(&mut model.entity_types);
        self.redeclared_members(&mut model.complex_types);
        self.keys(&mut model, &entity_decls)?;

        for (schema, ty) in &enum_decls {
            let e = self.enum_type(schema, ty)?;
            model.enum_types.push(e);
        }
        for (schema, ty) in &definition_decls {
            let underlying = match ty.underlying_type.strip_prefix("Edm.") {
                Some(name) => Primitive::from_edm_name(name),
                None => None,
            };
            let Some(underlying) = underlying else {
                return Err(self.error(
                    ty.pos,
                    ErrorKind::InvalidAttribute {
                        element: "TypeDefinition".into(),
                        attribute: "UnderlyingType".into(),
                        value: ty.underlying_type.clone(),
                        expected: "expected a primitive type such as `Edm.String`".into(),
                    },
                ));
            };
            let target = format!("{}.{}", schema.namespace, ty.name);
            let annotations = self.annotations(&ty.annotations, &target);
            model.type_definitions.push(TypeDefinition {
                name: qualified(schema, &ty.name),
                underlying,
                facets: ty.facets.clone(),
                annotations,
                pos: ty.pos,
            });
        }
        for (schema, term) in &term_decls {
            let ty = self.type_ref(&term.type_name, term.pos)?;
            model.terms.push(Term {
                name: qualified(schema, &term.name),
                ty,
                pos: term.pos,
            });
        }

        self.operations(&mut model)?;
        self.containers(&mut model)?;
        mark_by_value_recursion(&mut model);

        let mut leftover: Vec<(String, Pos)> = self
            .external_annotations
            .iter()
            .map(|(target, list)| {
                (
                    target.clone(),
                    list.first().map(|a| a.pos).unwrap_or_default(),
                )
            })
            .collect();
        leftover.sort_by_key(|(_, pos)| *pos);
        for (target, pos) in leftover {
            self.warn(
                pos,
                format!(
                    "the annotations for target `{target}` apply to nothing in this document and \
                     are ignored"
                ),
            );
        }
        model.warnings = std::mem::take(&mut self.warnings);
        Ok(model)
    }

    fn declare(
        &mut self,
        schema: &syntax::Schema,
        name: &str,
        symbol: Symbol,
        pos: Pos,
    ) -> Result<(), Error> {
        let key = (schema.namespace.clone(), name.to_string());
        if let Some((_, other)) = self.symbols.get(&key) {
            // Point at the later definition of the two, in document order.
            let (first, second) = if *other < pos {
                (*other, pos)
            } else {
                (pos, *other)
            };
            return Err(self.error(
                second,
                ErrorKind::Duplicate {
                    what: "the name".into(),
                    name: format!("{}.{}", schema.namespace, name),
                    first,
                },
            ));
        }
        self.symbols.insert(key, (symbol, pos));
        Ok(())
    }

    /// Suggests a defined name close to `(namespace, name)`: same name in another case, or the
    /// same simple name in another namespace.
    fn suggest(&self, namespace: &str, name: &str) -> Option<String> {
        let mut candidates: Vec<String> = self
            .symbols
            .keys()
            .filter(|(ns, n)| {
                (ns == namespace && n.eq_ignore_ascii_case(name)) || (ns != namespace && n == name)
            })
            .map(|(ns, n)| format!("{ns}.{n}"))
            .collect();
        candidates.sort();
        candidates.into_iter().next()
    }

    /// Resolves a type reference as written in a `Type` attribute.
    fn type_ref(&mut self, written: &str, pos: Pos) -> Result<TypeRef, Error> {
        let trimmed = written.trim();
        let (inner, collection) = match trimmed
            .strip_prefix("Collection(")
            .and_then(|s| s.strip_suffix(')'))
        {
            Some(inner) => (inner.trim(), true),
            None => (trimmed, false),
        };
        if let Some(kind) = self.type_cache.get(inner) {
            return Ok(TypeRef {
                kind: kind.clone(),
                collection,
            });
        }
        let kind = self.type_kind(inner, pos)?;
        if !matches!(kind, TypeKind::External(_)) {
            self.type_cache.insert(inner.to_string(), kind.clone());
        }
        Ok(TypeRef { kind, collection })
    }

    fn type_kind(&mut self, written: &str, pos: Pos) -> Result<TypeKind, Error> {
        if let Some(edm) = written.strip_prefix("Edm.") {
            if let Some(p) = Primitive::from_edm_name(edm) {
                return Ok(TypeKind::Primitive(p));
            }
            return match edm {
                "EntityType" => Ok(TypeKind::AnyEntity),
                "ComplexType" => Ok(TypeKind::AnyComplex),
                "PrimitiveType" => Ok(TypeKind::AnyPrimitive),
                "Untyped" => Ok(TypeKind::Untyped),
                _ => Err(self.error(
                    pos,
                    ErrorKind::UnknownReference {
                        what: "primitive type".into(),
                        name: written.into(),
                        suggestion: None,
                    },
                )),
            };
        }
        let Some((namespace, name)) = self.qualify(written) else {
            return Err(self.error(
                pos,
                ErrorKind::UnknownReference {
                    what: "type".into(),
                    name: written.into(),
                    suggestion: Some(format!("Namespace.{written}")),
                },
            ));
        };
        match self.symbols.get(&(namespace.clone(), name.clone())) {
            Some((Symbol::Entity(i), _)) => Ok(TypeKind::Entity(EntityTypeId(*i))),
            Some((Symbol::Complex(i), _)) => Ok(TypeKind::Complex(ComplexTypeId(*i))),
            Some((Symbol::Enum(i), _)) => Ok(TypeKind::Enum(EnumTypeId(*i))),
            Some((Symbol::Definition(i), _)) => Ok(TypeKind::Definition(TypeDefinitionId(*i))),
            Some((symbol @ Symbol::Term(_), _)) => Err(self.error(
                pos,
                ErrorKind::WrongKind {
                    name: written.into(),
                    found: symbol.describe().into(),
                    expected: "a type".into(),
                },
            )),
            None => {
                let full = format!("{namespace}.{name}");
                if self.referenced_namespaces.contains(&namespace)
                    && !self.local_namespaces.contains(&namespace)
                {
                    self.warn(
                        pos,
                        format!(
                            "type `{full}` is defined in a referenced document that is not \
                             included here; its values are treated as untyped JSON"
                        ),
                    );
                    Ok(TypeKind::External(full))
                } else if self.options.allow_dangling_references {
                    self.warn(
                        pos,
                        format!(
                            "type `{full}` is not defined; its values are treated as untyped \
                             JSON (--allow-dangling-references)"
                        ),
                    );
                    Ok(TypeKind::External(full))
                } else {
                    Err(self.error(
                        pos,
                        ErrorKind::UnknownReference {
                            what: "type".into(),
                            name: written.into(),
                            suggestion: self.suggest(&namespace, &name),
                        },
                    ))
                }
            }
        }
    }

    fn normalize_target(&self, target: &str) -> String {
        let (head, rest) = match target.split_once('/') {
            Some((head, rest)) => (head, Some(rest)),
            None => (target, None),
        };
        // `NS.Action(NS.Type)` addresses one overload; annotations apply to all overloads here.
        let head = head.split('(').next().unwrap_or(head);
        let head = self.normalize_term(head);
        match rest {
            Some(rest) => {
                let rest = rest.split('(').next().unwrap_or(rest);
                format!("{head}/{rest}")
            }
            None => head,
        }
    }

    /// [`Self::annotations`] for `parent/member`, without building the target unless needed.
    fn member_annotations(
        &mut self,
        inline: &[syntax::Annotation],
        parent: &str,
        member: &str,
    ) -> Annotations {
        if inline.is_empty() && self.external_annotations.is_empty() {
            return Annotations::default();
        }
        self.annotations(inline, &format!("{parent}/{member}"))
    }

    /// Interprets inline annotations plus out-of-line ones for `target`.
    fn annotations(&mut self, inline: &[syntax::Annotation], target: &str) -> Annotations {
        let external = if self.external_annotations.is_empty() {
            None
        } else {
            self.external_annotations.remove(target)
        };
        if inline.is_empty() && external.is_none() {
            return Annotations::default();
        }
        let mut out = Annotations::default();
        for a in inline.iter().chain(external.iter().flatten()) {
            let term = self.normalize_term(&a.term);
            match term.as_str() {
                "Org.OData.Core.V1.Description" => {
                    if let AnnotationValue::String(s) = &a.value {
                        out.description = Some(s.clone());
                    }
                }
                "Org.OData.Core.V1.LongDescription" => {
                    if let AnnotationValue::String(s) = &a.value {
                        out.long_description = Some(s.clone());
                    }
                }
                "Org.OData.Core.V1.OptionalParameter" => {
                    let default_value = match &a.value {
                        AnnotationValue::Record { properties, .. } => properties
                            .iter()
                            .find(|(name, _)| name == "DefaultValue")
                            .and_then(|(_, v)| match v {
                                AnnotationValue::String(s) => Some(s.clone()),
                                _ => None,
                            }),
                        _ => None,
                    };
                    out.optional_parameter = Some(OptionalParameter { default_value });
                }
                "Org.OData.Core.V1.Computed" => {
                    out.computed = matches!(
                        a.value,
                        AnnotationValue::Default | AnnotationValue::Bool(true)
                    );
                }
                "Org.OData.Core.V1.Immutable" => {
                    out.immutable = matches!(
                        a.value,
                        AnnotationValue::Default | AnnotationValue::Bool(true)
                    );
                }
                "Org.OData.Core.V1.Permissions" => {
                    if let AnnotationValue::EnumMember(m) = &a.value {
                        out.permissions = Some(m.clone());
                    }
                }
                "OData.Community.Keys.V1.AlternateKeys" => {
                    out.alternate_keys.extend(alternate_keys(&a.value));
                }
                _ => {}
            }
            out.all.push(TermValue {
                term,
                qualifier: a.qualifier.clone(),
                value: a.value.clone(),
            });
        }
        out
    }

    fn structured_types(
        &mut self,
        decls: &[Declared<'d>],
        kind: StructuredKind,
    ) -> Result<Vec<StructuredType>, Error> {
        let mut out = Vec::with_capacity(decls.len());
        for d in decls {
            let type_target = format!("{}.{}", d.schema.namespace, d.ty.name);
            let mut properties = Vec::with_capacity(d.ty.properties.len());
            let mut seen: HashMap<&str, Pos> = HashMap::new();
            for p in &d.ty.properties {
                self.unique_member(&mut seen, &p.name, p.pos, &type_target)?;
                let ty = self.type_ref(&p.type_name, p.pos)?;
                let annotations = self.member_annotations(&p.annotations, &type_target, &p.name);
                properties.push(Property {
                    name: p.name.clone(),
                    ty,
                    nullable: p.nullable,
                    facets: p.facets.clone(),
                    default_value: p.default_value.clone(),
                    concurrency_token: p.concurrency_fixed,
                    column: None,
                    needs_box: false,
                    annotations,
                    pos: p.pos,
                });
            }
            let mut navigation_properties = Vec::with_capacity(d.ty.navigation_properties.len());
            for n in &d.ty.navigation_properties {
                self.unique_member(&mut seen, &n.name, n.pos, &type_target)?;
                let ty = self.type_ref(&n.type_name, n.pos)?;
                let target = match ty.kind {
                    TypeKind::Entity(id) => id,
                    TypeKind::External(name) => {
                        self.warn(
                            n.pos,
                            format!(
                                "navigation property `{type_target}/{}` targets `{name}`, which \
                                 is not in this document; the navigation property is left out",
                                n.name
                            ),
                        );
                        continue;
                    }
                    other => {
                        let found = match other {
                            TypeKind::Primitive(_) | TypeKind::AnyPrimitive => "a primitive type",
                            TypeKind::Complex(_) | TypeKind::AnyComplex => "a complex type",
                            TypeKind::Enum(_) => "an enum type",
                            TypeKind::Definition(_) => "a type definition",
                            TypeKind::AnyEntity => "the abstract `Edm.EntityType`",
                            _ => "not an entity type",
                        };
                        if matches!(other, TypeKind::AnyEntity | TypeKind::Untyped) {
                            self.warn(
                                n.pos,
                                format!(
                                    "navigation property `{type_target}/{}` has the abstract type \
                                     `{}`; the navigation property is left out",
                                    n.name, n.type_name
                                ),
                            );
                            continue;
                        }
                        return Err(self.error(
                            n.pos,
                            ErrorKind::WrongKind {
                                name: n.type_name.clone(),
                                found: found.into(),
                                expected: "an entity type".into(),
                            },
                        ));
                    }
                };
                let annotations = self.member_annotations(&n.annotations, &type_target, &n.name);
                navigation_properties.push(NavigationProperty {
                    name: n.name.clone(),
                    target: Some(target),
                    target_name: QualifiedName::default(),
                    collection: ty.collection,
                    nullable: n.nullable,
                    partner: n.partner.clone(),
                    contains_target: n.contains_target,
                    referential_constraints: n
                        .referential_constraints
                        .iter()
                        .map(|c| (c.property.clone(), c.referenced_property.clone()))
                        .collect(),
                    on_delete: n.on_delete.clone(),
                    annotations,
                    pos: n.pos,
                });
            }
            let annotations = self.annotations(&d.ty.annotations, &type_target);
            out.push(StructuredType {
                kind,
                name: qualified(d.schema, &d.ty.name),
                base: None,
                ancestors: Vec::new(),
                derived: Vec::new(),
                is_abstract: d.ty.is_abstract,
                open_type: d.ty.open_type,
                has_stream: d.ty.has_stream,
                declared_key: None,
                key: None,
                properties,
                navigation_properties,
                bound_operations: Vec::new(),
                bound_collection_operations: Vec::new(),
                annotations,
                table: None,
                pos: d.ty.pos,
            });
        }
        Ok(out)
    }

    fn unique_member<'n>(
        &self,
        seen: &mut HashMap<&'n str, Pos>,
        name: &'n str,
        pos: Pos,
        type_name: &str,
    ) -> Result<(), Error> {
        if let Some(first) = seen.insert(name, pos) {
            return Err(self.error(
                pos,
                ErrorKind::Duplicate {
                    what: "the property".into(),
                    name: format!("{type_name}/{name}"),
                    first,
                },
            ));
        }
        Ok(())
    }

    /// A derived type may not declare a member its base types already have (CSDL 4.01, 6.1 and
    /// 7.1: member names are unique across the type and its base types). Real documents that do
    /// would otherwise give two fields written under one JSON key; the inherited declaration is
    /// kept and the redeclaration dropped, with a warning.
    fn redeclared_members(&mut self, types: &mut [StructuredType]) {
        for i in 0..types.len() {
            let inherited: HashMap<String, String> = types[i]
                .ancestors
                .iter()
                .flat_map(|a| {
                    let base = &types[*a];
                    base.properties
                        .iter()
                        .map(|p| p.name.clone())
                        .chain(base.navigation_properties.iter().map(|n| n.name.clone()))
                        .map(move |name| (name, base.name.to_string()))
                })
                .collect();
            if inherited.is_empty() {
                continue;
            }
            let name = types[i].name.to_string();
            let mut dropped = Vec::new();
            types[i]
                .properties
                .retain(|p| match inherited.get(&p.name) {
                    Some(base) => {
                        dropped.push((p.pos, p.name.clone(), base.clone()));
                        false
                    }
                    None => true,
                });
            types[i]
                .navigation_properties
                .retain(|n| match inherited.get(&n.name) {
                    Some(base) => {
                        dropped.push((n.pos, n.name.clone(), base.clone()));
                        false
                    }
                    None => true,
                });
            for (pos, member, base) in dropped {
                self.warn(
                    pos,
                    format!(
                        "`{name}` redeclares `{member}`, which it inherits from `{base}`; the \
                         inherited declaration is used"
                    ),
                );
            }
        }
    }

    fn inheritance(
        &mut self,
        types: &mut [StructuredType],
        decls: &[Declared<'d>],
    ) -> Result<(), Error> {
        for (i, d) in decls.iter().enumerate() {
            let Some(base) = &d.ty.base_type else {
                continue;
            };
            let kind = self.type_kind(base, d.ty.pos)?;
            let base_index = match (types[i].kind, kind) {
                (StructuredKind::Entity, TypeKind::Entity(id)) => id.0,
                (StructuredKind::Complex, TypeKind::Complex(id)) => id.0,
                (_, TypeKind::External(_)) => continue,
                (own, _) => {
                    let expected = match own {
                        StructuredKind::Entity => "an entity type",
                        StructuredKind::Complex => "a complex type",
                    };
                    return Err(self.error(
                        d.ty.pos,
                        ErrorKind::WrongKind {
                            name: base.clone(),
                            found: "another kind of type".into(),
                            expected: format!("{expected} (the BaseType of {})", d.ty.name),
                        },
                    ));
                }
            };
            types[i].base = Some(base_index);
        }
        for i in 0..types.len() {
            let mut ancestors = Vec::new();
            let mut current = types[i].base;
            let mut visited = HashSet::from([i]);
            while let Some(b) = current {
                if !visited.insert(b) {
                    let mut chain = vec![types[i].name.to_string()];
                    chain.extend(ancestors.iter().map(|a: &usize| types[*a].name.to_string()));
                    chain.push(types[b].name.to_string());
                    return Err(self.error(types[i].pos, ErrorKind::InheritanceCycle { chain }));
                }
                ancestors.push(b);
                current = types[b].base;
            }
            types[i].open_type |= ancestors.iter().any(|a| types[*a].open_type);
            types[i].has_stream |= ancestors.iter().any(|a| types[*a].has_stream);
            for a in &ancestors {
                types[*a].derived.push(i);
            }
            types[i].ancestors = ancestors;
        }
        Ok(())
    }

    fn keys(&mut self, model: &mut Model, decls: &[Declared<'d>]) -> Result<(), Error> {
        for (i, d) in decls.iter().enumerate() {
            let Some(key) = &d.ty.key else { continue };
            let mut parts = Vec::new();
            for r in &key.property_refs {
                let path: Vec<String> = r.name.split('/').map(str::to_string).collect();
                let ty = self.key_property_type(model, i, &path, r.pos)?;
                parts.push(KeyPart {
                    path,
                    alias: r.alias.clone(),
                    ty,
                });
            }
            model.entity_types[i].declared_key = Some(parts);
        }
        for i in 0..model.entity_types.len() {
            let own = model.entity_types[i].declared_key.clone();
            let inherited = model.entity_types[i]
                .ancestors
                .iter()
                .find_map(|a| model.entity_types[*a].declared_key.clone());
            let name = model.entity_types[i].name.to_string();
            let pos = model.entity_types[i].pos;
            let key = match (own, inherited) {
                (Some(own), Some(inherited)) => {
                    let same = own.len() == inherited.len()
                        && own.iter().zip(&inherited).all(|(a, b)| a.path == b.path);
                    if !same {
                        self.warn(
                            pos,
                            format!(
                                "entity type `{name}` declares a key different from its base \
                                 type's; the derived type's key is used"
                            ),
                        );
                    }
                    Some(own)
                }
                (Some(own), None) => Some(own),
                (None, inherited) => inherited,
            };
            // A type used only by singletons needs no key: a singleton is addressed by name.
            let only_singletons = {
                let simple = &model.entity_types[i].name;
                let (mut singleton, mut set) = (false, false);
                for schema in &self.doc.schemas {
                    for container in &schema.entity_containers {
                        let names = |list: &[syntax::EntitySet]| {
                            list.iter().any(|s| self.names_type(&s.entity_type, simple))
                        };
                        singleton |= names(&container.singletons);
                        set |= names(&container.entity_sets);
                    }
                }
                singleton && !set
            };
            if key.is_none() && !model.entity_types[i].is_abstract && !only_singletons {
                if self.options.strict {
                    return Err(self.error(pos, ErrorKind::MissingKey { name }));
                }
                self.warn(
                    pos,
                    format!(
                        "entity type `{name}` has no key and is not abstract; it can be read \
                         and written as a value but not addressed by key"
                    ),
                );
            }
            model.entity_types[i].key = key;
        }
        Ok(())
    }

    /// Whether `written` (qualified by namespace or alias) names the type `name`.
    fn names_type(&self, written: &str, name: &QualifiedName) -> bool {
        let Some((prefix, simple)) = written.rsplit_once('.') else {
            return false;
        };
        simple == name.name
            && self.doc.schemas.iter().any(|s| {
                s.namespace == name.namespace
                    && (prefix == s.namespace || s.alias.as_deref() == Some(prefix))
            })
    }

    fn key_property_type(
        &self,
        model: &Model,
        entity: usize,
        path: &[String],
        pos: Pos,
    ) -> Result<TypeRef, Error> {
        let mut current = &model.entity_types[entity];
        let mut found: Option<&Property> = None;
        for (n, segment) in path.iter().enumerate() {
            found = model
                .all_properties(current)
                .into_iter()
                .find(|p| &p.name == segment);
            let Some(p) = found else { break };
            if n + 1 < path.len() {
                match p.ty.kind {
                    TypeKind::Complex(id) if !p.ty.collection => {
                        current = &model.complex_types[id.0];
                    }
                    _ => {
                        found = None;
                        break;
                    }
                }
            }
        }
        match found {
            Some(p) => Ok(p.ty.clone()),
            None => Err(self.error(
                pos,
                ErrorKind::UnknownReference {
                    what: format!("key property of `{}`", model.entity_types[entity].name),
                    name: path.join("/"),
                    suggestion: None,
                },
            )),
        }
    }

    fn enum_type(
        &mut self,
        schema: &syntax::Schema,
        ty: &syntax::EnumType,
    ) -> Result<EnumType, Error> {
        let underlying = match ty.underlying_type.as_deref() {
            None => Primitive::Int32,
            Some(written) => match written
                .strip_prefix("Edm.")
                .and_then(Primitive::from_edm_name)
            {
                Some(p) if p.is_integer() => p,
                _ => {
                    return Err(self.error(
                        ty.pos,
                        ErrorKind::InvalidAttribute {
                            element: "EnumType".into(),
                            attribute: "UnderlyingType".into(),
                            value: written.into(),
                            expected: "expected Edm.Byte, Edm.SByte, Edm.Int16, Edm.Int32 or \
                                       Edm.Int64"
                                .into(),
                        },
                    ));
                }
            },
        };
        let (min, max): (i64, i64) = match underlying {
            Primitive::Byte => (0, u8::MAX as i64),
            Primitive::SByte => (i8::MIN as i64, i8::MAX as i64),
            Primitive::Int16 => (i16::MIN as i64, i16::MAX as i64),
            Primitive::Int32 => (i32::MIN as i64, i32::MAX as i64),
            _ => (i64::MIN, i64::MAX),
        };
        let type_target = format!("{}.{}", schema.namespace, ty.name);
        let mut members = Vec::with_capacity(ty.members.len());
        let mut seen: HashMap<&str, Pos> = HashMap::new();
        let mut next: i64 = 0;
        for m in &ty.members {
            self.unique_member(&mut seen, &m.name, m.pos, &type_target)?;
            let value = match m.value {
                Some(v) => v,
                None => {
                    if ty.is_flags {
                        self.warn(
                            m.pos,
                            format!(
                                "member `{}` of flags enum `{type_target}` has no Value; {next} \
                                 is assumed",
                                m.name
                            ),
                        );
                    }
                    next
                }
            };
            if value < min || value > max {
                return Err(self.error(
                    m.pos,
                    ErrorKind::InvalidAttribute {
                        element: "Member".into(),
                        attribute: "Value".into(),
                        value: value.to_string(),
                        expected: format!(
                            "expected a value that fits the underlying type ({min}..={max})"
                        ),
                    },
                ));
            }
            next = value.wrapping_add(1);
            let annotations = self.member_annotations(&m.annotations, &type_target, &m.name);
            members.push(EnumMember {
                name: m.name.clone(),
                value,
                annotations,
            });
        }
        let annotations = self.annotations(&ty.annotations, &type_target);
        Ok(EnumType {
            name: qualified(schema, &ty.name),
            underlying,
            is_flags: ty.is_flags,
            members,
            annotations,
            pos: ty.pos,
        })
    }

    fn operations(&mut self, model: &mut Model) -> Result<(), Error> {
        let doc = self.doc;
        let mut groups: HashMap<(QualifiedName, OperationKind), usize> = HashMap::new();
        for schema in &doc.schemas {
            for op in schema.actions.iter().chain(&schema.functions) {
                let name = qualified(schema, &op.name);
                let target = name.to_string();
                if let Some((symbol, _)) = self
                    .symbols
                    .get(&(name.namespace.clone(), name.name.clone()))
                    .copied()
                {
                    // The specification asks for unique names in a namespace; real services
                    // publish operations named like a type, and their clients accept them: the
                    // Rust names are made distinct (see `--print-names`).
                    if self.options.strict {
                        return Err(self.error(
                            op.pos,
                            ErrorKind::WrongKind {
                                name: target,
                                found: format!("already {}", symbol.describe()),
                                expected: "a name of its own for an operation".into(),
                            },
                        ));
                    }
                    self.warn(
                        op.pos,
                        format!(
                            "the operation `{target}` has the name of {} of the same namespace \
                             (the specification asks for unique names); accepted, with distinct \
                             Rust names",
                            symbol.describe()
                        ),
                    );
                }
                let mut params = Vec::with_capacity(op.parameters.len());
                let mut seen: HashMap<&str, Pos> = HashMap::new();
                for p in &op.parameters {
                    self.unique_member(&mut seen, &p.name, p.pos, &target)?;
                    let ty = self.type_ref(&p.type_name, p.pos)?;
                    let annotations = self.member_annotations(&p.annotations, &target, &p.name);
                    params.push(OperationParameter {
                        name: p.name.clone(),
                        ty,
                        nullable: p.nullable,
                        facets: p.facets.clone(),
                        annotations,
                    });
                }
                let binding = if op.is_bound {
                    if params.is_empty() {
                        return Err(self.error(
                            op.pos,
                            ErrorKind::InvalidAttribute {
                                element: match op.kind {
                                    OperationKind::Action => "Action".into(),
                                    OperationKind::Function => "Function".into(),
                                },
                                attribute: "IsBound".into(),
                                value: "true".into(),
                                expected: "a bound operation needs a first parameter to bind to"
                                    .into(),
                            },
                        ));
                    }
                    let p = params.remove(0);
                    Some(OperationBinding {
                        parameter: p.name,
                        ty: p.ty,
                    })
                } else {
                    None
                };
                let return_type = match &op.return_type {
                    Some(r) => Some(OperationReturn {
                        ty: self.type_ref(&r.type_name, r.pos)?,
                        nullable: r.nullable,
                        facets: r.facets.clone(),
                    }),
                    None => None,
                };
                let annotations = self.annotations(&op.annotations, &target);
                let id = OperationId(model.operations.len());
                if let Some(b) = &binding
                    && let TypeKind::Entity(entity) = b.ty.kind
                {
                    let ty = &mut model.entity_types[entity.0];
                    if b.ty.collection {
                        ty.bound_collection_operations.push(id);
                    } else {
                        ty.bound_operations.push(id);
                    }
                }
                let group = *groups.entry((name.clone(), op.kind)).or_insert_with(|| {
                    model.overload_groups.push(OverloadGroup {
                        name: name.clone(),
                        kind: op.kind,
                        operations: Vec::new(),
                    });
                    model.overload_groups.len() - 1
                });
                model.overload_groups[group].operations.push(id);
                model.operations.push(Operation {
                    kind: op.kind,
                    name,
                    binding,
                    is_composable: op.is_composable,
                    entity_set_path: op.entity_set_path.clone(),
                    parameters: params,
                    return_type,
                    annotations,
                    pos: op.pos,
                });
            }
        }
        Ok(())
    }

    fn containers(&mut self, model: &mut Model) -> Result<(), Error> {
        let doc = self.doc;
        let mut set_names: HashMap<String, (EntitySetId, Pos)> = HashMap::new();
        let mut pending_bindings = Vec::new();
        for schema in &doc.schemas {
            for container in &schema.entity_containers {
                let container_name = qualified(schema, &container.name);
                let container_target = container_name.to_string();
                if model.container.is_none() {
                    model.container = Some(container_name);
                }
                for (set, singleton) in container
                    .entity_sets
                    .iter()
                    .map(|s| (s, false))
                    .chain(container.singletons.iter().map(|s| (s, true)))
                {
                    let ty = self.type_ref(&set.entity_type, set.pos)?;
                    let entity_type = match ty.kind {
                        TypeKind::Entity(id) if !ty.collection => id,
                        TypeKind::External(name) => {
                            self.warn(
                                set.pos,
                                format!(
                                    "entity set `{}` has the type `{name}`, which is not in this \
                                     document; the set is left out",
                                    set.name
                                ),
                            );
                            continue;
                        }
                        _ => {
                            return Err(self.error(
                                set.pos,
                                ErrorKind::WrongKind {
                                    name: set.entity_type.clone(),
                                    found: "not a single entity type".into(),
                                    expected: "an entity type".into(),
                                },
                            ));
                        }
                    };
                    let id = EntitySetId(model.entity_sets.len());
                    if let Some((_, first)) = set_names.insert(set.name.clone(), (id, set.pos)) {
                        return Err(self.error(
                            set.pos,
                            ErrorKind::Duplicate {
                                what: "the entity set or singleton".into(),
                                name: set.name.clone(),
                                first,
                            },
                        ));
                    }
                    let annotations = self.annotations(
                        &set.annotations,
                        &format!("{container_target}/{}", set.name),
                    );
                    pending_bindings.push((id, set));
                    model.entity_sets.push(EntitySet {
                        name: set.name.clone(),
                        entity_type,
                        singleton,
                        include_in_service_document: set.include_in_service_document,
                        bindings: Vec::new(),
                        annotations,
                        pos: set.pos,
                    });
                }
                for import in &container.imports {
                    self.import(model, import, &container_target, &set_names)?;
                }
                let _ = self.annotations(&container.annotations, &container_target);
            }
        }
        let mut dangling_targets: HashMap<String, (Pos, usize)> = HashMap::new();
        for (id, set) in pending_bindings {
            for b in &set.navigation_property_bindings {
                // A target path (`root/notes`, `NS.Container/items/notes`): a set or singleton
                // and containment navigation properties from it.
                if b.target.contains('/')
                    && let Some(contained) = self.follow_target_path(model, &set_names, &b.target)
                {
                    let navigation = self.follow_binding_path(
                        model,
                        model.entity_sets[id.0].entity_type,
                        &b.path,
                    );
                    let path = b
                        .target
                        .split_once('/')
                        .filter(|(first, _)| first.contains('.') || !set_names.contains_key(*first))
                        .map_or(b.target.as_str(), |(_, rest)| rest);
                    model.entity_sets[id.0].bindings.push(NavigationBinding {
                        path: b.path.clone(),
                        navigation,
                        target: None,
                        target_name: path.to_string(),
                        contained: Some(contained),
                    });
                    continue;
                }
                let target_name = b.target.rsplit('/').next().unwrap_or(&b.target);
                let Some((target, _)) = set_names.get(target_name).copied() else {
                    // Dataverse binds `ownerid` to an `owners` set it does not publish (92 times
                    // in v9.1): a quirk every client must live with, so a warning by default,
                    // one per missing target.
                    let entry = dangling_targets
                        .entry(b.target.clone())
                        .or_insert_with(|| (b.pos, 0));
                    entry.1 += 1;
                    continue;
                };
                let navigation =
                    self.follow_binding_path(model, model.entity_sets[id.0].entity_type, &b.path);
                if navigation.is_none() {
                    self.warn(
                        b.pos,
                        format!(
                            "navigation binding path `{}` of entity set `{}` does not lead to a \
                             navigation property; the binding is kept without it",
                            b.path, set.name
                        ),
                    );
                }
                model.entity_sets[id.0].bindings.push(NavigationBinding {
                    path: b.path.clone(),
                    navigation,
                    target: Some(target),
                    target_name: target_name.to_string(),
                    contained: None,
                });
            }
        }
        let mut dangling: Vec<(String, (Pos, usize))> = dangling_targets.into_iter().collect();
        dangling.sort_by_key(|(_, (pos, _))| *pos);
        for (target, (pos, count)) in dangling {
            self.warn(
                pos,
                format!(
                    "{count} navigation binding(s) target the entity set `{target}`, which is not \
                     defined; those bindings are left out (lookups through them stay usable with \
                     an explicitly chosen target set)"
                ),
            );
        }
        Ok(())
    }

    /// Follows a binding target path: an optional container-qualified prefix, a set or
    /// singleton, then containment navigation properties (type casts allowed). The entity type
    /// it ends at; `None` when it cannot be followed.
    fn follow_target_path(
        &self,
        model: &Model,
        set_names: &HashMap<String, (EntitySetId, Pos)>,
        target: &str,
    ) -> Option<EntityTypeId> {
        let mut segments = target.split('/').peekable();
        // `NS.Container/` (or, as some services write it, `Container/`) before the set.
        if segments
            .peek()
            .is_some_and(|s| s.contains('.') || !set_names.contains_key(*s))
        {
            segments.next();
        }
        let (set, _) = set_names.get(segments.next()?)?;
        let mut current = model.entity_sets[set.0].entity_type;
        let mut followed = false;
        for segment in segments {
            if segment.contains('.') {
                let (ns, name) = self.qualify(segment)?;
                match self.symbols.get(&(ns, name))?.0 {
                    Symbol::Entity(i) => current = EntityTypeId(i),
                    _ => return None,
                }
                continue;
            }
            let ty = &model.entity_types[current.0];
            let nav = model
                .all_navigation_properties(ty)
                .into_iter()
                .find(|n| n.name == segment)?;
            if !nav.contains_target {
                return None;
            }
            current = nav.target?;
            followed = true;
        }
        followed.then_some(current)
    }

    /// Follows a binding path (`nav`, `NS.Derived/nav`, `complex/nav`, `contained/nav`) from an
    /// entity type.
    fn follow_binding_path(
        &self,
        model: &Model,
        start: EntityTypeId,
        path: &str,
    ) -> Option<(EntityTypeId, usize)> {
        let segments: Vec<&str> = path.split('/').collect();
        let mut current = &model.entity_types[start.0];
        let mut current_entity = Some(start);
        for (n, segment) in segments.iter().enumerate() {
            let last = n + 1 == segments.len();
            if segment.contains('.') {
                let (ns, name) = self.qualify(segment)?;
                match self.symbols.get(&(ns, name))?.0 {
                    Symbol::Entity(i) => {
                        current = &model.entity_types[i];
                        current_entity = Some(EntityTypeId(i));
                    }
                    Symbol::Complex(i) => {
                        current = &model.complex_types[i];
                        current_entity = None;
                    }
                    _ => return None,
                }
                continue;
            }
            if last {
                // The navigation property may be declared on this type, a base type, or (without
                // a type cast, as some services write it) a derived type.
                let list = match current.kind {
                    StructuredKind::Entity => &model.entity_types,
                    StructuredKind::Complex => &model.complex_types,
                };
                let own_index = current_entity.map(|e| e.0);
                let candidates = own_index
                    .into_iter()
                    .chain(current.ancestors.iter().copied())
                    .chain(current.derived.iter().copied());
                for c in candidates {
                    if current.kind != StructuredKind::Entity {
                        break;
                    }
                    if let Some(i) = list[c]
                        .navigation_properties
                        .iter()
                        .position(|nav| nav.name == *segment)
                    {
                        return Some((EntityTypeId(c), i));
                    }
                }
                return None;
            }
            let property = model
                .all_properties(current)
                .into_iter()
                .find(|p| p.name == *segment);
            match property.map(|p| &p.ty.kind) {
                Some(TypeKind::Complex(id)) => {
                    current = &model.complex_types[id.0];
                    current_entity = None;
                }
                Some(_) => return None,
                // A containment navigation property: CSDL 4.01 lets a binding path traverse
                // them (Microsoft Graph: `me/user` of the `education` singleton).
                None => {
                    let entity = current_entity?;
                    let target = model
                        .all_navigation_properties(&model.entity_types[entity.0])
                        .into_iter()
                        .find(|n| n.name == *segment && n.contains_target)?
                        .target?;
                    current = &model.entity_types[target.0];
                    current_entity = Some(target);
                }
            }
        }
        None
    }

    fn import(
        &mut self,
        model: &mut Model,
        import: &syntax::OperationImport,
        container_target: &str,
        set_names: &HashMap<String, (EntitySetId, Pos)>,
    ) -> Result<(), Error> {
        let (namespace, name) = match self.qualify(&import.operation) {
            Some(q) => q,
            None => (String::new(), import.operation.clone()),
        };
        let qualified_name = QualifiedName { namespace, name };
        let group = model
            .overload_groups
            .iter()
            .find(|g| g.name == qualified_name && g.kind == import.kind);
        let operations: Vec<OperationId> = group
            .map(|g| {
                g.operations
                    .iter()
                    .copied()
                    .filter(|id| model.operations[id.0].binding.is_none())
                    .collect()
            })
            .unwrap_or_default();
        if operations.is_empty() {
            let what = match import.kind {
                OperationKind::Action => "unbound action",
                OperationKind::Function => "unbound function",
            };
            if self.options.allow_dangling_references {
                self.warn(
                    import.pos,
                    format!(
                        "import `{}` refers to {what} `{}`, which is not defined; the import is \
                         left out",
                        import.name, import.operation
                    ),
                );
                return Ok(());
            }
            return Err(self.error(
                import.pos,
                ErrorKind::UnknownReference {
                    what: what.into(),
                    name: import.operation.clone(),
                    suggestion: None,
                },
            ));
        }
        let entity_set = match &import.entity_set {
            None => None,
            Some(path) => {
                let simple = path.rsplit('/').next().unwrap_or(path);
                match set_names.get(simple) {
                    Some((id, _)) => Some(*id),
                    None => {
                        self.warn(
                            import.pos,
                            format!(
                                "import `{}` names entity set `{path}`, which is not defined \
                                 (or is an expression); it is ignored",
                                import.name
                            ),
                        );
                        None
                    }
                }
            }
        };
        let annotations = self.annotations(
            &import.annotations,
            &format!("{container_target}/{}", import.name),
        );
        model.imports.push(OperationImport {
            kind: import.kind,
            name: import.name.clone(),
            operations,
            entity_set,
            annotations,
            pos: import.pos,
        });
        Ok(())
    }
}

fn qualified(schema: &syntax::Schema, name: &str) -> QualifiedName {
    QualifiedName {
        namespace: schema.namespace.clone(),
        name: name.to_string(),
    }
}

fn alternate_keys(value: &AnnotationValue) -> Vec<AlternateKey> {
    let AnnotationValue::Collection(keys) = value else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for key in keys {
        let AnnotationValue::Record { properties, .. } = key else {
            continue;
        };
        let Some((_, AnnotationValue::Collection(refs))) =
            properties.iter().find(|(name, _)| name == "Key")
        else {
            continue;
        };
        let mut parts = Vec::new();
        for r in refs {
            let AnnotationValue::Record { properties, .. } = r else {
                continue;
            };
            let mut alias = None;
            let mut property = None;
            for (name, value) in properties {
                match (name.as_str(), value) {
                    ("Alias", AnnotationValue::String(s)) => alias = Some(s.clone()),
                    ("Name", AnnotationValue::Path { path, .. }) => property = Some(path.clone()),
                    ("Name", AnnotationValue::String(s)) => property = Some(s.clone()),
                    _ => {}
                }
            }
            if let Some(property) = property {
                parts.push(AlternateKeyPart {
                    alias: alias.unwrap_or_else(|| property.clone()),
                    property,
                });
            }
        }
        if !parts.is_empty() {
            out.push(AlternateKey { parts });
        }
    }
    out
}

/// Marks the properties through which a complex type contains itself by value (not through a
/// collection), directly or through other complex types; such fields need a `Box` in Rust.
///
/// A property whose declared type has derived types may hold any of them, so the edges go to the
/// derived types too.
fn mark_by_value_recursion(model: &mut Model) {
    let n = model.complex_types.len();
    // edges[t] = (declaring type, property index, target)
    let mut edges: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); n];
    for (t, ty) in model.complex_types.iter().enumerate() {
        let mut owners: Vec<usize> = ty.ancestors.iter().rev().copied().collect();
        owners.push(t);
        for owner in owners {
            for (pi, p) in model.complex_types[owner].properties.iter().enumerate() {
                if p.ty.collection {
                    continue;
                }
                if let TypeKind::Complex(target) = p.ty.kind {
                    edges[t].push((owner, pi, target.0));
                    for d in &model.complex_types[target.0].derived {
                        edges[t].push((owner, pi, *d));
                    }
                }
            }
        }
    }
    let scc = strongly_connected_components(n, &edges);
    let mut boxed: BTreeSet<(usize, usize)> = BTreeSet::new();
    for (t, list) in edges.iter().enumerate() {
        for (owner, pi, target) in list {
            if scc[*target] == scc[t] {
                boxed.insert((*owner, *pi));
            }
        }
    }
    for (owner, pi) in boxed {
        model.complex_types[owner].properties[pi].needs_box = true;
    }
}

/// Tarjan's algorithm, iterative; returns the component number of every node.
fn strongly_connected_components(n: usize, edges: &[Vec<(usize, usize, usize)>]) -> Vec<usize> {
    const UNVISITED: usize = usize::MAX;
    let mut index = vec![UNVISITED; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![UNVISITED; n];
    let mut next_index = 0;
    let mut next_component = 0;
    for root in 0..n {
        if index[root] != UNVISITED {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some((v, edge)) = work.pop() {
            if edge == 0 {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&(_, _, w)) = edges[v].get(edge) {
                work.push((v, edge + 1));
                if index[w] == UNVISITED {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            // All edges of v done: propagate to the parent and maybe close a component.
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
        }
    }
    component
}
