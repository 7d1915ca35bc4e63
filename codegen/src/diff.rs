//! Differences between two metadata documents: what a regeneration would change, to review it
//! before committing it.
//!
//! [`diff`] compares two resolved [`Model`]s by qualified name (aliases are already expanded by
//! the resolver, so two documents that spell a namespace through different aliases compare
//! equal). Types are compared by their written names (`Edm.String`,
//! `Collection(Microsoft.Dynamics.CRM.account)`), never by index. It reports:
//!
//! - entity, complex and enum types and type definitions added or removed; a changed base type,
//!   key, `Abstract`, enum underlying type or `IsFlags`, type definition underlying type;
//! - structural and navigation properties (declared ones) added or removed, and their type,
//!   navigation target or nullability changed; a property that moved to a base type (or from
//!   one) is one change, not a removal plus an addition;
//! - enum members added, removed, or whose value changed;
//! - actions and functions, identified by qualified name plus binding type (overloads exist),
//!   added or removed; their parameters added, removed, or whose type, nullability or
//!   `Core.OptionalParameter` changed; their return type changed;
//! - entity sets, singletons and action/function imports added, removed, or whose entity type,
//!   operation or entity set changed;
//! - with a metadata sidecar applied to both models: Dataverse option sets added or removed, and
//!   their options (by label, the name of their Rust variant) added, removed or renumbered.
//!
//! A type or operation that is added or removed as a whole is one change: its members are not
//! listed. The result is sorted by section (entity types, complex types, enum types, type
//! definitions, actions, functions, the entity container), then by name, each type's own change
//! before its members', so a type's changes read together.
//!
//! ```
//! # let doc = |props: &str| format!(r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
//! #   <edmx:DataServices><Schema Namespace="Demo" xmlns="http://docs.oasis-open.org/odata/ns/edm">
//! #     <EntityType Name="account"><Key><PropertyRef Name="id"/></Key>
//! #       <Property Name="id" Type="Edm.Guid" Nullable="false"/>{props}</EntityType>
//! #   </Schema></edmx:DataServices></edmx:Edmx>"#);
//! use dataverse_codegen::{diff, load};
//! let old = load("old.xml", doc(r#"<Property Name="name" Type="Edm.String"/>"#).as_bytes(), &Default::default()).unwrap();
//! let new = load("new.xml", doc(r#"<Property Name="name" Type="Edm.Int32"/>"#).as_bytes(), &Default::default()).unwrap();
//! let changes = diff::diff(&old.model, &new.model);
//! assert_eq!(changes[0].to_string(), "~ property Demo.account/name: type Edm.String -> Edm.Int32");
//! assert!(diff::breaking(&changes[0]));
//! assert_eq!(diff::summary(&changes), "0 added, 0 removed, 1 changed (1 breaking)");
//! ```

use crate::model::{
    ChoiceSet, EnumType, Model, Operation, OperationParameter, StructuredKind, StructuredType,
    TypeRef,
};
use crate::syntax::OperationKind;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// Whether something was added, removed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ChangeKind {
    /// Present in the new document only (`+`).
    Added,
    /// Present in the old document only (`-`).
    Removed,
    /// Present in both, different (`~`).
    Changed,
}

impl ChangeKind {
    /// The sign that starts a [`Change`]'s line: `+`, `-` or `~`.
    pub fn sign(self) -> char {
        match self {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Changed => '~',
        }
    }
}

/// One difference between two documents.
///
/// Displayed as one line: the [sign](ChangeKind::sign), the item, and the detail after a colon,
/// e.g. `~ property Microsoft.Dynamics.CRM.account/name: nullable true -> false`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Change {
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// What changed: a kind of element and its qualified name, e.g. `entity type
    /// Microsoft.Dynamics.CRM.account`, `property Microsoft.Dynamics.CRM.account/name`,
    /// `navigation property ...`, `enum member ...`, `complex type ...`, `enum type ...`,
    /// `type definition ...`, `action ...`, `function ...`, `parameter ...`, `entity set ...`,
    /// `singleton ...`, `action import ...`, `function import ...`, `entity container`.
    /// An operation is named with its binding, e.g. `action
    /// Microsoft.Dynamics.CRM.AddToQueue(bound to Microsoft.Dynamics.CRM.queue)`, and its
    /// parameters after a slash.
    pub item: String,
    /// For an addition, what was added (e.g. `Edm.String, not null` for a property,
    /// `= 5` for an enum member); for a change, each changed aspect as `what old -> new`,
    /// separated by `; ` (e.g. `type Edm.String -> Edm.Int32; nullable true -> false`); `None`
    /// for removals and additions of whole types.
    pub detail: Option<String>,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind.sign(), self.item)?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

/// The differences from `old` to `new`, deterministic and sorted (see the module
/// documentation for the order).
pub fn diff(old: &Model, new: &Model) -> Vec<Change> {
    let mut out = Out::default();
    structured(&mut out, old, new, StructuredKind::Entity);
    structured(&mut out, old, new, StructuredKind::Complex);
    enums(&mut out, old, new);
    definitions(&mut out, old, new);
    option_sets(&mut out, old, new);
    operations(&mut out, old, new);
    container(&mut out, old, new);
    out.items.sort_by(|a, b| a.0.cmp(&b.0));
    out.items.into_iter().map(|(_, change)| change).collect()
}

/// Counts by kind, e.g. `12 added, 3 removed, 5 changed (7 breaking)`; `no changes` when empty.
pub fn summary(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no changes".into();
    }
    let count = |kind| changes.iter().filter(|c| c.kind == kind).count();
    let breaking = changes.iter().filter(|c| breaking(c)).count();
    format!(
        "{} added, {} removed, {} changed ({} breaking)",
        count(ChangeKind::Added),
        count(ChangeKind::Removed),
        count(ChangeKind::Changed),
        breaking
    )
}

/// Whether a change can break a client written against the old document (code generated from
/// it, or requests built for it), as a hint for review:
///
/// - every removal;
/// - an added parameter that is required (not nullable and not `Core.OptionalParameter`);
/// - a changed type (of a property, parameter, return value, entity set, type definition or enum
///   underlying type), base type, key, navigation target, enum member value, `IsFlags`, or
///   the operation an import calls;
/// - a type that became abstract;
/// - a parameter that became non-nullable or no longer optional;
/// - a return value that became nullable.
///
/// Other changes (additions, a property's nullability, a navigation property's nullability, a
/// member moved to or from a base type, an import's entity set, the container's name) are not
/// breaking.
pub fn breaking(change: &Change) -> bool {
    let detail = change.detail.as_deref().unwrap_or("");
    let parameter = change.item.starts_with("parameter ");
    match change.kind {
        ChangeKind::Removed => true,
        ChangeKind::Added => {
            parameter && detail.contains(", not null") && !detail.contains(", optional")
        }
        ChangeKind::Changed => detail.split("; ").any(|aspect| {
            const BREAKING_PREFIXES: [&str; 9] = [
                "type ",
                "base type ",
                "key ",
                "target ",
                "value ",
                "underlying type ",
                "return type ",
                "flags ",
                "operation ",
            ];
            BREAKING_PREFIXES.iter().any(|p| aspect.starts_with(p))
                || aspect == "abstract false -> true"
                || aspect == "return nullable false -> true"
                || (parameter
                    && (aspect == "nullable true -> false" || aspect == "optional true -> false"))
        }),
    }
}

// ---------------------------------------------------------------------------------------------

/// Sections of the output, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Section {
    EntityTypes,
    ComplexTypes,
    EnumTypes,
    TypeDefinitions,
    OptionSets,
    Actions,
    Functions,
    Container,
    EntitySets,
    Singletons,
    ActionImports,
    FunctionImports,
}

/// Section, group (case-insensitive, then exact), place in the group (0: the group's own
/// change), member (case-insensitive, then exact).
type SortKey = (Section, String, String, u8, String, String);

#[derive(Default)]
struct Out {
    items: Vec<(SortKey, Change)>,
}

impl Out {
    fn push(&mut self, section: Section, group: &str, sub: u8, member: &str, change: Change) {
        let key = (
            section,
            group.to_lowercase(),
            group.to_string(),
            sub,
            member.to_lowercase(),
            member.to_string(),
        );
        self.items.push((key, change));
    }

    /// Pushes `Changed` with the aspects joined, when there are any.
    fn changed(
        &mut self,
        section: Section,
        group: &str,
        sub: u8,
        member: &str,
        item: String,
        aspects: Vec<String>,
    ) {
        if !aspects.is_empty() {
            let change = Change {
                kind: ChangeKind::Changed,
                item,
                detail: Some(aspects.join("; ")),
            };
            self.push(section, group, sub, member, change);
        }
    }
}

fn added(item: String, detail: Option<String>) -> Change {
    Change {
        kind: ChangeKind::Added,
        item,
        detail,
    }
}

fn removed(item: String) -> Change {
    Change {
        kind: ChangeKind::Removed,
        item,
        detail: None,
    }
}

/// `what old -> new` when the two differ.
fn aspect(aspects: &mut Vec<String>, what: &str, old: impl fmt::Display, new: impl fmt::Display) {
    let (old, new) = (old.to_string(), new.to_string());
    if old != new {
        aspects.push(format!("{what} {old} -> {new}"));
    }
}

/// Both sides of a name-keyed comparison, in name order.
fn pair_up<T>(
    old: BTreeMap<String, T>,
    mut new: BTreeMap<String, T>,
) -> Vec<(String, Option<T>, Option<T>)> {
    let mut out = Vec::new();
    for (name, o) in old {
        let n = new.remove(&name);
        out.push((name, Some(o), n));
    }
    out.extend(new.into_iter().map(|(name, n)| (name, None, Some(n))));
    out
}

/// `items` by the name `name` gives them (the last one wins on a duplicate).
fn by_name<T>(items: &[T], name: impl Fn(&T) -> String) -> BTreeMap<String, &T> {
    items.iter().map(|t| (name(t), t)).collect()
}

/// The written name of a type reference, e.g. `Collection(Microsoft.Dynamics.CRM.account)`.
fn type_name(model: &Model, ty: &TypeRef) -> String {
    model.type_name(ty)
}

// --- entity and complex types ----------------------------------------------------------------

fn structured_list(model: &Model, kind: StructuredKind) -> &[StructuredType] {
    match kind {
        StructuredKind::Entity => &model.entity_types,
        StructuredKind::Complex => &model.complex_types,
    }
}

/// What is compared of a structural or navigation property.
struct Member {
    /// The type (property) or target (navigation property), written.
    ty: String,
    nullable: bool,
}

impl Member {
    fn describe(&self) -> String {
        if self.nullable {
            self.ty.clone()
        } else {
            format!("{}, not null", self.ty)
        }
    }

    fn aspects(&self, type_word: &str, new: &Member, aspects: &mut Vec<String>) {
        aspect(aspects, type_word, &self.ty, &new.ty);
        aspect(aspects, "nullable", self.nullable, new.nullable);
    }
}

/// The declared members of `ty` by name.
type Members = BTreeMap<String, Member>;

fn properties(model: &Model, ty: &StructuredType) -> Members {
    ty.properties
        .iter()
        .map(|p| {
            let member = Member {
                ty: type_name(model, &p.ty),
                nullable: p.nullable,
            };
            (p.name.clone(), member)
        })
        .collect()
}

fn navigation_properties(_model: &Model, ty: &StructuredType) -> Members {
    ty.navigation_properties
        .iter()
        .map(|n| {
            let target = n.target_name.to_string();
            let member = Member {
                ty: if n.collection {
                    format!("Collection({target})")
                } else {
                    target
                },
                nullable: n.nullable,
            };
            (n.name.clone(), member)
        })
        .collect()
}

/// The member named `name` inherited by `ty` (declared on one of its base types), with the
/// declaring type's name.
fn inherited(
    model: &Model,
    ty: &StructuredType,
    members: fn(&Model, &StructuredType) -> Members,
    name: &str,
) -> Option<(String, Member)> {
    let list = structured_list(model, ty.kind);
    ty.ancestors.iter().find_map(|a| {
        let base = &list[*a];
        members(model, base)
            .remove(name)
            .map(|m| (base.name.to_string(), m))
    })
}

fn structured(out: &mut Out, old: &Model, new: &Model, kind: StructuredKind) {
    let (section, label) = match kind {
        StructuredKind::Entity => (Section::EntityTypes, "entity type"),
        StructuredKind::Complex => (Section::ComplexTypes, "complex type"),
    };
    let olds = by_name(structured_list(old, kind), |t| t.name.to_string());
    let news = by_name(structured_list(new, kind), |t| t.name.to_string());
    for (name, o, n) in pair_up(olds, news) {
        let item = format!("{label} {name}");
        let (o, n) = match (o, n) {
            (Some(o), Some(n)) => (o, n),
            (Some(_), None) => {
                out.push(section, &name, 0, "", removed(item));
                continue;
            }
            (None, Some(_)) => {
                out.push(section, &name, 0, "", added(item, None));
                continue;
            }
            (None, None) => continue,
        };
        let base = |model: &Model, t: &StructuredType| match t.base {
            Some(b) => structured_list(model, kind)[b].name.to_string(),
            None => "none".into(),
        };
        let key = |t: &StructuredType| match &t.key {
            Some(parts) => parts
                .iter()
                .map(|k| k.path.join("/"))
                .collect::<Vec<_>>()
                .join(","),
            None => "none".into(),
        };
        let mut aspects = Vec::new();
        aspect(&mut aspects, "base type", base(old, o), base(new, n));
        if kind == StructuredKind::Entity {
            aspect(&mut aspects, "key", key(o), key(n));
        }
        aspect(&mut aspects, "abstract", o.is_abstract, n.is_abstract);
        out.changed(section, &name, 0, "", item, aspects);
        let sides = Sides { old, new, o, n };
        sides.members(out, section, &name, 1, "property", "type", properties);
        sides.members(
            out,
            section,
            &name,
            2,
            "navigation property",
            "target",
            navigation_properties,
        );
    }
}

/// One structured type present in both documents.
struct Sides<'m> {
    old: &'m Model,
    new: &'m Model,
    o: &'m StructuredType,
    n: &'m StructuredType,
}

impl Sides<'_> {
    #[allow(clippy::too_many_arguments)]
    fn members(
        &self,
        out: &mut Out,
        section: Section,
        group: &str,
        sub: u8,
        label: &str,
        type_word: &str,
        members: fn(&Model, &StructuredType) -> Members,
    ) {
        let olds = members(self.old, self.o);
        let news = members(self.new, self.n);
        for (name, o, n) in pair_up(olds, news) {
            let item = format!("{label} {group}/{name}");
            let mut aspects = Vec::new();
            match (o, n) {
                (Some(o), Some(n)) => o.aspects(type_word, &n, &mut aspects),
                (Some(o), None) => match inherited(self.new, self.n, members, &name) {
                    Some((base, n)) => {
                        aspects.push(format!("moved to base type {base}"));
                        o.aspects(type_word, &n, &mut aspects);
                    }
                    None => {
                        out.push(section, group, sub, &name, removed(item));
                        continue;
                    }
                },
                (None, Some(n)) => match inherited(self.old, self.o, members, &name) {
                    Some((base, o)) => {
                        aspects.push(format!("moved from base type {base}"));
                        o.aspects(type_word, &n, &mut aspects);
                    }
                    None => {
                        let change = added(item, Some(n.describe()));
                        out.push(section, group, sub, &name, change);
                        continue;
                    }
                },
                (None, None) => continue,
            }
            out.changed(section, group, sub, &name, item, aspects);
        }
    }
}

// --- enum types and type definitions ---------------------------------------------------------

fn enums(out: &mut Out, old: &Model, new: &Model) {
    let section = Section::EnumTypes;
    let olds = by_name(&old.enum_types, |t| t.name.to_string());
    let news = by_name(&new.enum_types, |t| t.name.to_string());
    for (name, o, n) in pair_up(olds, news) {
        let item = format!("enum type {name}");
        let (o, n) = match (o, n) {
            (Some(o), Some(n)) => (o, n),
            (Some(_), None) => {
                out.push(section, &name, 0, "", removed(item));
                continue;
            }
            (None, Some(_)) => {
                out.push(section, &name, 0, "", added(item, None));
                continue;
            }
            (None, None) => continue,
        };
        let mut aspects = Vec::new();
        aspect(
            &mut aspects,
            "underlying type",
            o.underlying.edm_name().to_string(),
            n.underlying.edm_name().to_string(),
        );
        aspect(&mut aspects, "flags", o.is_flags, n.is_flags);
        out.changed(section, &name, 0, "", item, aspects);
        let members = |t: &EnumType| -> BTreeMap<String, i64> {
            t.members
                .iter()
                .map(|m| (m.name.clone(), m.value))
                .collect()
        };
        for (member, ov, nv) in pair_up(members(o), members(n)) {
            let item = format!("enum member {name}/{member}");
            match (ov, nv) {
                (Some(ov), Some(nv)) => {
                    let mut aspects = Vec::new();
                    aspect(&mut aspects, "value", ov, nv);
                    out.changed(section, &name, 1, &member, item, aspects);
                }
                (Some(_), None) => out.push(section, &name, 1, &member, removed(item)),
                (None, Some(nv)) => {
                    let change = added(item, Some(format!("= {nv}")));
                    out.push(section, &name, 1, &member, change);
                }
                (None, None) => {}
            }
        }
    }
}

/// Dataverse option sets (from sidecars), by name; their options by label (a relabelled option
/// is a removal and an addition: its Rust variant is renamed).
fn option_sets(out: &mut Out, old: &Model, new: &Model) {
    let section = Section::OptionSets;
    let olds = by_name(&old.choice_sets, |s| s.name.clone());
    let news = by_name(&new.choice_sets, |s| s.name.clone());
    for (name, o, n) in pair_up(olds, news) {
        let item = format!("option set {name}");
        let (o, n) = match (o, n) {
            (Some(o), Some(n)) => (o, n),
            (Some(_), None) => {
                out.push(section, &name, 0, "", removed(item));
                continue;
            }
            (None, Some(_)) => {
                out.push(section, &name, 0, "", added(item, None));
                continue;
            }
            (None, None) => continue,
        };
        let options = |set: &ChoiceSet| -> BTreeMap<String, i32> {
            set.options
                .iter()
                .map(|o| {
                    (
                        o.label.clone().unwrap_or_else(|| o.value.to_string()),
                        o.value,
                    )
                })
                .collect()
        };
        for (label, ov, nv) in pair_up(options(o), options(n)) {
            let item = format!("option {name}/{label}");
            match (ov, nv) {
                (Some(ov), Some(nv)) => {
                    let mut aspects = Vec::new();
                    aspect(&mut aspects, "value", ov, nv);
                    out.changed(section, &name, 1, &label, item, aspects);
                }
                (Some(_), None) => out.push(section, &name, 1, &label, removed(item)),
                (None, Some(nv)) => {
                    let change = added(item, Some(format!("= {nv}")));
                    out.push(section, &name, 1, &label, change);
                }
                (None, None) => {}
            }
        }
    }
}

fn definitions(out: &mut Out, old: &Model, new: &Model) {
    let section = Section::TypeDefinitions;
    let olds = by_name(&old.type_definitions, |t| t.name.to_string());
    let news = by_name(&new.type_definitions, |t| t.name.to_string());
    for (name, o, n) in pair_up(olds, news) {
        let item = format!("type definition {name}");
        match (o, n) {
            (Some(o), Some(n)) => {
                let mut aspects = Vec::new();
                aspect(
                    &mut aspects,
                    "underlying type",
                    o.underlying.edm_name().to_string(),
                    n.underlying.edm_name().to_string(),
                );
                out.changed(section, &name, 0, "", item, aspects);
            }
            (Some(_), None) => out.push(section, &name, 0, "", removed(item)),
            (None, Some(n)) => {
                let change = added(item, Some(n.underlying.edm_name().to_string()));
                out.push(section, &name, 0, "", change);
            }
            (None, None) => {}
        }
    }
}

// --- operations ------------------------------------------------------------------------------

/// The operations of `kind` by identity: qualified name plus binding type, e.g.
/// `Microsoft.Dynamics.CRM.AddToQueue(bound to Microsoft.Dynamics.CRM.queue)`; overloads that
/// share both also get their sorted parameter names, e.g. `...[a,b]`.
fn operations_by_identity(model: &Model, kind: OperationKind) -> BTreeMap<String, &Operation> {
    let base = |op: &Operation| match &op.binding {
        Some(b) => format!("{}(bound to {})", op.name, type_name(model, &b.ty)),
        None => op.name.to_string(),
    };
    let ops: Vec<&Operation> = model.operations.iter().filter(|o| o.kind == kind).collect();
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for op in &ops {
        *counts.entry(base(op)).or_default() += 1;
    }
    let mut out = BTreeMap::new();
    for op in ops {
        let mut identity = base(op);
        if counts[&identity] > 1 {
            let names: BTreeSet<&str> = op.parameters.iter().map(|p| p.name.as_str()).collect();
            identity = format!(
                "{identity}[{}]",
                names.into_iter().collect::<Vec<_>>().join(",")
            );
        }
        out.insert(identity, op);
    }
    out
}

fn describe_parameter(model: &Model, p: &OperationParameter) -> String {
    let mut s = type_name(model, &p.ty);
    if !p.nullable {
        s.push_str(", not null");
    }
    if p.annotations.optional_parameter.is_some() {
        s.push_str(", optional");
    }
    s
}

fn operations(out: &mut Out, old: &Model, new: &Model) {
    for (kind, section, label) in [
        (OperationKind::Action, Section::Actions, "action"),
        (OperationKind::Function, Section::Functions, "function"),
    ] {
        let olds = operations_by_identity(old, kind);
        let news = operations_by_identity(new, kind);
        for (identity, o, n) in pair_up(olds, news) {
            let item = format!("{label} {identity}");
            let (o, n) = match (o, n) {
                (Some(o), Some(n)) => (o, n),
                (Some(_), None) => {
                    out.push(section, &identity, 0, "", removed(item));
                    continue;
                }
                (None, Some(_)) => {
                    out.push(section, &identity, 0, "", added(item, None));
                    continue;
                }
                (None, None) => continue,
            };
            let mut aspects = Vec::new();
            let binding = |op: &Operation| {
                op.binding
                    .as_ref()
                    .map_or_else(|| "none".to_string(), |b| b.parameter.clone())
            };
            aspect(&mut aspects, "binding parameter", binding(o), binding(n));
            let returns = |model: &Model, op: &Operation| {
                op.return_type
                    .as_ref()
                    .map_or_else(|| "none".to_string(), |r| type_name(model, &r.ty))
            };
            aspect(
                &mut aspects,
                "return type",
                returns(old, o),
                returns(new, n),
            );
            if let (Some(or), Some(nr)) = (&o.return_type, &n.return_type) {
                aspect(&mut aspects, "return nullable", or.nullable, nr.nullable);
            }
            out.changed(section, &identity, 0, "", item, aspects);
            let olds = by_name(&o.parameters, |p| p.name.clone());
            let news = by_name(&n.parameters, |p| p.name.clone());
            for (name, op, np) in pair_up(olds, news) {
                let item = format!("parameter {identity}/{name}");
                match (op, np) {
                    (Some(op), Some(np)) => {
                        let mut aspects = Vec::new();
                        aspect(
                            &mut aspects,
                            "type",
                            type_name(old, &op.ty),
                            type_name(new, &np.ty),
                        );
                        aspect(&mut aspects, "nullable", op.nullable, np.nullable);
                        aspect(
                            &mut aspects,
                            "optional",
                            op.annotations.optional_parameter.is_some(),
                            np.annotations.optional_parameter.is_some(),
                        );
                        out.changed(section, &identity, 1, &name, item, aspects);
                    }
                    (Some(_), None) => out.push(section, &identity, 1, &name, removed(item)),
                    (None, Some(np)) => {
                        let change = added(item, Some(describe_parameter(new, np)));
                        out.push(section, &identity, 1, &name, change);
                    }
                    (None, None) => {}
                }
            }
        }
    }
}

// --- the entity container --------------------------------------------------------------------

fn container(out: &mut Out, old: &Model, new: &Model) {
    let name = |m: &Model| {
        m.container
            .as_ref()
            .map_or_else(|| "none".to_string(), |c| c.to_string())
    };
    let mut aspects = Vec::new();
    aspect(&mut aspects, "name", name(old), name(new));
    let item = "entity container".to_string();
    out.changed(Section::Container, "", 0, "", item, aspects);

    for (singleton, section, label) in [
        (false, Section::EntitySets, "entity set"),
        (true, Section::Singletons, "singleton"),
    ] {
        let sets = |m: &Model| -> BTreeMap<String, String> {
            m.entity_sets
                .iter()
                .filter(|s| s.singleton == singleton)
                .map(|s| {
                    (
                        s.name.clone(),
                        m.entity_types[s.entity_type.0].name.to_string(),
                    )
                })
                .collect()
        };
        for (name, o, n) in pair_up(sets(old), sets(new)) {
            let item = format!("{label} {name}");
            match (o, n) {
                (Some(o), Some(n)) => {
                    let mut aspects = Vec::new();
                    aspect(&mut aspects, "type", o, n);
                    out.changed(section, &name, 0, "", item, aspects);
                }
                (Some(_), None) => out.push(section, &name, 0, "", removed(item)),
                (None, Some(n)) => out.push(section, &name, 0, "", added(item, Some(n))),
                (None, None) => {}
            }
        }
    }

    for (kind, section, label) in [
        (
            OperationKind::Action,
            Section::ActionImports,
            "action import",
        ),
        (
            OperationKind::Function,
            Section::FunctionImports,
            "function import",
        ),
    ] {
        // (operation, entity set)
        let imports = |m: &Model| -> BTreeMap<String, (String, String)> {
            m.imports
                .iter()
                .filter(|i| i.kind == kind)
                .map(|i| {
                    let operation = i.operations.first().map_or_else(
                        || "none".to_string(),
                        |o| m.operations[o.0].name.to_string(),
                    );
                    let set = i
                        .entity_set
                        .map_or_else(|| "none".to_string(), |s| m.entity_sets[s.0].name.clone());
                    (i.name.clone(), (operation, set))
                })
                .collect()
        };
        for (name, o, n) in pair_up(imports(old), imports(new)) {
            let item = format!("{label} {name}");
            match (o, n) {
                (Some(o), Some(n)) => {
                    let mut aspects = Vec::new();
                    aspect(&mut aspects, "operation", o.0, n.0);
                    aspect(&mut aspects, "entity set", o.1, n.1);
                    out.changed(section, &name, 0, "", item, aspects);
                }
                (Some(_), None) => out.push(section, &name, 0, "", removed(item)),
                (None, Some(n)) => out.push(section, &name, 0, "", added(item, Some(n.0))),
                (None, None) => {}
            }
        }
    }
}
