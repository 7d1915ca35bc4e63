//! Short names, part of the write stage: the emitters write every path in full
//! (`::dataverse_runtime::Field`, `super::super::support::Lookup`, `::core::option::Option`),
//! which is always right; this pass rewrites a parsed file to use short names and puts the
//! `use` items they need at its top, as a person would write it, wherever a short name cannot be
//! mistaken for another item.
//!
//! A short name is used only when nothing else in the file answers to it: no item, generic
//! parameter or other path of the file starts with it, and two paths never share one (the
//! prelude's item, then the shortest path, takes it; the others are written from their module,
//! `typed::ReadOnly`). In a file that imports the SDK's names by glob (the root file and the
//! folders' `mod.rs`), a name of a generated type is never imported (it would hide the type) and
//! the prelude names a generated type takes (`Option`, `Result`...) stay in full. Whatever cannot
//! be shortened stays as written, except that `super::super::` becomes `super::` (the folders
//! import the root's names).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;

/// Where a file sits in the SDK's module tree.
#[derive(Clone, Debug)]
pub struct FileScope {
    /// 0 for the root file, 1 for `enums.rs` or `entities/mod.rs`, 2 for `entities/<type>.rs`.
    pub depth: usize,
    /// Whether the file brings the SDK's names into scope by glob (`pub use self::entities::*`).
    pub globs: bool,
    /// The names of the SDK root: generated types, modules and re-exports.
    pub sdk_names: Arc<BTreeSet<String>>,
    /// The names of the SDK root compiled only with a Cargo feature: never imported (a `use`
    /// would need the feature too), written `super::Team` where the code using them is gated.
    pub gated: Arc<BTreeSet<String>>,
}

/// Items of the standard prelude the emitters write in full, by full path.
const PRELUDE: &[(&str, &str)] = &[
    ("core::option::Option", "Option"),
    ("core::option::Option::Some", "Some"),
    ("core::option::Option::None", "None"),
    ("core::result::Result", "Result"),
    ("core::result::Result::Ok", "Ok"),
    ("core::result::Result::Err", "Err"),
    ("std::string::String", "String"),
    ("std::string::ToString", "ToString"),
    ("std::vec::Vec", "Vec"),
    ("std::boxed::Box", "Box"),
    ("core::default::Default", "Default"),
    ("core::convert::From", "From"),
    ("core::convert::Into", "Into"),
    ("core::clone::Clone", "Clone"),
    ("core::cmp::PartialEq", "PartialEq"),
    ("core::iter::Iterator", "Iterator"),
    ("core::iter::IntoIterator", "IntoIterator"),
    ("std::borrow::ToOwned", "ToOwned"),
];

const ROOT: &str = "<root>";

/// What a path of the file is rewritten to.
#[derive(Clone, Copy)]
enum Plan {
    /// Imported (or in the prelude): its short form, e.g. `Lookup`, `Result::Ok` → `Ok`.
    Short,
    /// Its module imported: `typed::ReadOnly`.
    Parent,
}

/// Rewrites `file` to short names and puts the `use` items first.
pub fn shorten(file: &mut syn::File, scope: &FileScope) {
    let mut collect = Collect {
        scope,
        claims: BTreeMap::new(),
        blocked: BTreeSet::new(),
        defined: BTreeSet::new(),
        ungated: BTreeSet::new(),
        gated_depth: 0,
    };
    for item in &file.items {
        collect.item(item);
    }
    let (plans, imports) = plan(&collect);
    let mut rewrite = Rewrite {
        scope,
        plans: &plans,
    };
    for item in &mut file.items {
        rewrite.visit_item_mut(item);
    }
    let uses = use_items(&imports, scope);
    file.items.splice(0..0, uses);
}

/// The import a path (as segment names, the root as [`ROOT`]) needs and the short name it gives:
/// the path up to its first item (a segment in upper case), or its module for a function.
fn import_of(segments: &[String], scope: &FileScope) -> Option<(String, String)> {
    let joined = segments.join("::");
    if let Some((p, s)) = PRELUDE.iter().find(|(p, _)| joined == *p) {
        return Some((p.to_string(), s.to_string()));
    }
    let item = segments
        .iter()
        .position(|s| s.starts_with(|c: char| c.is_ascii_uppercase()));
    let end = match item {
        Some(i) => i,
        // `module::function`: the module is imported.
        None => segments.len().checked_sub(2)?,
    };
    if end == 0 || (segments[0] == ROOT && scope.depth == 0 && end == 1 && item.is_none()) {
        // `dataverse_runtime::function`, or `self::support::function` at the root (where
        // `support` is declared): nothing to import.
        return None;
    }
    Some((segments[..=end].join("::"), segments[end].clone()))
}

fn is_prelude_path(full: &str) -> bool {
    PRELUDE.iter().any(|(p, _)| *p == full)
}

fn is_prelude_name(short: &str) -> bool {
    PRELUDE.iter().any(|(_, s)| *s == short)
}

/// `<root>::Name`: a name of the SDK root itself (not in a module of it).
fn is_root_item(full: &str) -> bool {
    full.strip_prefix("<root>::")
        .is_some_and(|rest| !rest.contains("::"))
}

/// The segment names of `path` if the pass handles it: absolute in `std`, `core` or the runtime,
/// or from the SDK root (`self::`, `super::`, `super::super::` by depth).
fn candidate(path: &syn::Path, scope: &FileScope) -> Option<Vec<String>> {
    // Most paths are not candidates: decide that before allocating.
    let first = &path.segments.first()?.ident;
    let starts = if path.leading_colon.is_some() {
        first == "dataverse_runtime" || first == "std" || first == "core" || first == "alloc"
    } else if scope.depth == 0 {
        first == "self"
    } else {
        first == "super"
    };
    if !starts {
        return None;
    }
    let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    if path.leading_colon.is_some() {
        return matches!(
            names.first().map(String::as_str),
            Some("dataverse_runtime" | "std" | "core" | "alloc")
        )
        .then_some(names)
        .filter(|n| n.len() >= 2);
    }
    let (root, count) = match scope.depth {
        0 => ("self", 1),
        d => ("super", d),
    };
    if names.len() <= count || names[..count].iter().any(|n| n != root) {
        return None;
    }
    // Path arguments on the root prefix do not occur.
    let mut out = vec![ROOT.to_string()];
    out.extend(names[count..].iter().cloned());
    Some(out)
}

/// What the file defines and spells, and which paths claim which short names.
struct Collect<'s> {
    scope: &'s FileScope,
    /// Short name → the import paths that would take it.
    claims: BTreeMap<String, BTreeSet<String>>,
    /// Names something of the file answers to (generic parameters, first segments of other
    /// paths, nested items): never imported.
    blocked: BTreeSet<String>,
    /// The items of the file's top level, and what its `use` items bring in.
    defined: BTreeSet<String>,
    /// The import paths with a use outside every `#[cfg]`-gated item, field, arm or statement:
    /// only those are imported, as a `use` for gated code alone is unused when it is off.
    ungated: BTreeSet<String>,
    /// How many `#[cfg]`-gated constructs the visitor is inside.
    gated_depth: usize,
}

/// Whether `attrs` gate their construct on a configuration (`#[cfg(feature = "accounts")]`).
fn has_cfg(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("cfg"))
}

/// The attributes of an expression statement of the kinds the emitters gate.
fn expr_attrs(expr: &syn::Expr) -> &[syn::Attribute] {
    match expr {
        syn::Expr::MethodCall(e) => &e.attrs,
        syn::Expr::Call(e) => &e.attrs,
        syn::Expr::Assign(e) => &e.attrs,
        syn::Expr::Macro(e) => &e.attrs,
        syn::Expr::Block(e) => &e.attrs,
        syn::Expr::If(e) => &e.attrs,
        _ => &[],
    }
}

impl Collect<'_> {
    fn item(&mut self, item: &syn::Item) {
        if let Some(name) = item_name(item) {
            self.defined.insert(name);
        }
        if let syn::Item::Use(u) = item {
            use_names(&u.tree, &mut self.defined);
            return;
        }
        self.gated(item_attrs(item), |c| syn::visit::visit_item(c, item));
    }

    /// Visits with `visit`, counted as gated code when `attrs` have a `#[cfg]`.
    fn gated(&mut self, attrs: &[syn::Attribute], visit: impl FnOnce(&mut Self)) {
        let gated = has_cfg(attrs);
        self.gated_depth += usize::from(gated);
        visit(self);
        self.gated_depth -= usize::from(gated);
    }
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        _ => &[],
    }
}

fn item_name(item: &syn::Item) -> Option<String> {
    let ident = match item {
        syn::Item::Struct(i) => &i.ident,
        syn::Item::Enum(i) => &i.ident,
        syn::Item::Type(i) => &i.ident,
        syn::Item::Trait(i) => &i.ident,
        syn::Item::Mod(i) => &i.ident,
        syn::Item::Fn(i) => &i.sig.ident,
        syn::Item::Const(i) => &i.ident,
        syn::Item::Static(i) => &i.ident,
        syn::Item::Union(i) => &i.ident,
        _ => return None,
    };
    Some(ident.to_string().trim_start_matches("r#").to_string())
}

fn use_names(tree: &syn::UseTree, into: &mut BTreeSet<String>) {
    match tree {
        syn::UseTree::Path(p) => use_names(&p.tree, into),
        syn::UseTree::Name(n) => {
            into.insert(n.ident.to_string());
        }
        syn::UseTree::Rename(r) => {
            into.insert(r.rename.to_string());
        }
        syn::UseTree::Glob(_) => {}
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| use_names(t, into)),
    }
}

impl<'ast> Visit<'ast> for Collect<'_> {
    fn visit_item(&mut self, item: &'ast syn::Item) {
        // An item nested in a function body shadows in that body only: blocked, not defined.
        if let Some(name) = item_name(item) {
            self.blocked.insert(name);
        }
        if let syn::Item::Use(u) = item {
            use_names(&u.tree, &mut self.blocked);
            return;
        }
        self.gated(item_attrs(item), |c| syn::visit::visit_item(c, item));
    }

    fn visit_impl_item(&mut self, item: &'ast syn::ImplItem) {
        let attrs: &[syn::Attribute] = match item {
            syn::ImplItem::Const(i) => &i.attrs,
            syn::ImplItem::Fn(i) => &i.attrs,
            syn::ImplItem::Type(i) => &i.attrs,
            syn::ImplItem::Macro(i) => &i.attrs,
            _ => &[],
        };
        self.gated(attrs, |c| syn::visit::visit_impl_item(c, item));
    }

    fn visit_field(&mut self, field: &'ast syn::Field) {
        self.gated(&field.attrs, |c| syn::visit::visit_field(c, field));
    }

    fn visit_variant(&mut self, variant: &'ast syn::Variant) {
        self.gated(&variant.attrs, |c| syn::visit::visit_variant(c, variant));
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        self.gated(&arm.attrs, |c| syn::visit::visit_arm(c, arm));
    }

    fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
        let attrs: &[syn::Attribute] = match stmt {
            syn::Stmt::Local(l) => &l.attrs,
            syn::Stmt::Expr(e, _) => expr_attrs(e),
            syn::Stmt::Macro(m) => &m.attrs,
            syn::Stmt::Item(_) => &[],
        };
        self.gated(attrs, |c| syn::visit::visit_stmt(c, stmt));
    }

    fn visit_type_param(&mut self, param: &'ast syn::TypeParam) {
        self.blocked.insert(param.ident.to_string());
        syn::visit::visit_type_param(self, param);
    }

    fn visit_expr_path(&mut self, expr: &'ast syn::ExprPath) {
        match &expr.qself {
            // `<T as ::a::Trait>::f`: left as written (the `as` position counts segments).
            Some(qself) => {
                self.visit_qself(qself);
                block_first(&expr.path, &mut self.blocked);
                visit_arguments(self, &expr.path);
            }
            None => self.visit_path(&expr.path),
        }
    }

    fn visit_type_path(&mut self, ty: &'ast syn::TypePath) {
        match &ty.qself {
            Some(qself) => {
                self.visit_qself(qself);
                block_first(&ty.path, &mut self.blocked);
                visit_arguments(self, &ty.path);
            }
            None => self.visit_path(&ty.path),
        }
    }

    fn visit_path(&mut self, path: &'ast syn::Path) {
        match candidate(path, self.scope) {
            Some(segments) => {
                if let Some((import, short)) = import_of(&segments, self.scope) {
                    if self.gated_depth == 0 {
                        self.ungated.insert(import.clone());
                    }
                    self.claims.entry(short).or_default().insert(import);
                }
            }
            None => block_first(path, &mut self.blocked),
        }
        visit_arguments(self, path);
    }
}

fn block_first(path: &syn::Path, blocked: &mut BTreeSet<String>) {
    if path.leading_colon.is_none()
        && let Some(first) = path.segments.first()
    {
        blocked.insert(first.ident.to_string());
    }
}

fn visit_arguments(v: &mut Collect<'_>, path: &syn::Path) {
    for segment in &path.segments {
        v.visit_path_arguments(&segment.arguments);
    }
}

/// Which paths are shortened and how, and the imports that takes.
fn plan(c: &Collect<'_>) -> (BTreeMap<String, Plan>, BTreeSet<String>) {
    let scope = c.scope;
    let glob_hidden = |short: &str| scope.globs && scope.sdk_names.contains(short);
    let allowed = |short: &str, full: &str| {
        if is_prelude_path(full) {
            !c.defined.contains(short) && !glob_hidden(short)
        } else if is_root_item(full) {
            // The file's own type (`super::super::Person` in `person.rs`), or one it imports.
            c.defined.contains(short)
                || (!c.blocked.contains(short) && (scope.globs || !scope.gated.contains(short)))
        } else {
            !c.blocked.contains(short)
                && !c.defined.contains(short)
                && !glob_hidden(short)
                && !is_prelude_name(short)
        }
    };
    let mut plans = BTreeMap::new();
    let mut imports = BTreeSet::new();
    let mut taken = BTreeSet::new();
    let mut losers = Vec::new();
    let mut gated_only = Vec::new();
    for (short, fulls) in &c.claims {
        // The prelude's item first, then the shortest path.
        let mut ordered: Vec<&String> = fulls.iter().collect();
        ordered.sort_by_key(|f| (!is_prelude_path(f), f.matches("::").count(), f.to_string()));
        let mut rest = ordered.into_iter();
        if let Some(first) = rest.next() {
            if allowed(short, first) {
                let in_scope = is_prelude_path(first)
                    || (is_root_item(first) && (scope.globs || c.defined.contains(short)));
                taken.insert(short.clone());
                if in_scope || c.ungated.contains(first.as_str()) {
                    plans.insert(first.clone(), Plan::Short);
                    if !in_scope {
                        imports.insert(first.clone());
                    }
                } else {
                    // Used only by gated code: a `use` would be unused when that is off.
                    gated_only.push(first.clone());
                }
            } else {
                losers.push(first.clone());
            }
        }
        losers.extend(rest.cloned());
    }
    // The others from their module: `typed::ReadOnly` beside `ReadOnly`.
    for full in losers {
        let Some((parent, _)) = full.rsplit_once("::") else {
            continue;
        };
        let parent_short = parent.rsplit("::").next().unwrap_or(parent);
        let free = parent.contains("::")
            && c.ungated.contains(full.as_str())
            && (!taken.contains(parent_short) || imports.contains(parent))
            && !c.blocked.contains(parent_short)
            && !c.defined.contains(parent_short)
            && !is_prelude_name(parent_short)
            && !glob_hidden(parent_short)
            && !c.claims.contains_key(parent_short);
        if free {
            taken.insert(parent_short.to_string());
            imports.insert(parent.to_string());
            plans.insert(full, Plan::Parent);
        }
    }
    // Paths only gated code uses, from their module where that is imported anyway:
    // `support::Lookup`.
    for full in gated_only {
        if full.rsplit_once("::").is_some_and(|(parent, _)| {
            parent.contains("::")
                && (imports.contains(parent) || (scope.depth == 0 && is_root_item(parent)))
        }) {
            plans.insert(full, Plan::Parent);
        }
    }
    (plans, imports)
}

/// Rewrites the planned paths; fixes the root prefix of the others.
struct Rewrite<'p> {
    scope: &'p FileScope,
    plans: &'p BTreeMap<String, Plan>,
}

impl VisitMut for Rewrite<'_> {
    fn visit_item_use_mut(&mut self, _: &mut syn::ItemUse) {}

    fn visit_expr_path_mut(&mut self, expr: &mut syn::ExprPath) {
        match &mut expr.qself {
            Some(qself) => {
                self.visit_qself_mut(qself);
                rewrite_arguments(self, &mut expr.path);
            }
            None => self.visit_path_mut(&mut expr.path),
        }
    }

    fn visit_type_path_mut(&mut self, ty: &mut syn::TypePath) {
        match &mut ty.qself {
            Some(qself) => {
                self.visit_qself_mut(qself);
                rewrite_arguments(self, &mut ty.path);
            }
            None => self.visit_path_mut(&mut ty.path),
        }
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        rewrite_arguments(self, path);
        let Some(names) = candidate(path, self.scope) else {
            return;
        };
        let import = import_of(&names, self.scope);
        let plan = import
            .as_ref()
            .and_then(|(full, _)| self.plans.get(full).copied());
        // How many segments of `path` the root prefix takes.
        let root_len = match (names[0] == ROOT, self.scope.depth) {
            (true, 0) => 1,
            (true, d) => d,
            (false, _) => 0,
        };
        // Index in `path.segments` of the import's last segment.
        let last = import.as_ref().map(|(full, _)| {
            let count = full.split("::").count();
            if names[0] == ROOT {
                count - 1 + root_len - 1
            } else {
                count - 1
            }
        });
        let keep_from = match (plan, last) {
            (Some(Plan::Short), Some(last)) => last,
            (Some(Plan::Parent), Some(last)) => last - 1,
            _ => {
                // As written, `super::super::` as `super::`.
                root_len.saturating_sub(1)
            }
        };
        // Moved, not cloned: a segment's arguments hold whole (already rewritten) types.
        let mut kept: syn::punctuated::Punctuated<syn::PathSegment, syn::Token![::]> =
            std::mem::take(&mut path.segments)
                .into_iter()
                .skip(keep_from)
                .collect();
        if let (Some(Plan::Short), Some((_, short)), Some(first)) =
            (plan, &import, kept.first_mut())
        {
            // A prelude variant (`Result::Ok` → `Ok`) or an item keeps its arguments.
            first.ident = syn::Ident::new(short, first.ident.span());
        }
        if plan.is_some() {
            path.leading_colon = None;
        }
        path.segments = kept;
    }
}

fn rewrite_arguments(v: &mut Rewrite<'_>, path: &mut syn::Path) {
    for segment in &mut path.segments {
        v.visit_path_arguments_mut(&mut segment.arguments);
    }
}

/// The `use` items: standard library first, then the runtime, then the SDK's own, each module's
/// items in one brace list.
fn use_items(imports: &BTreeSet<String>, scope: &FileScope) -> Vec<syn::Item> {
    let mut by_parent: BTreeMap<(u8, String), BTreeSet<String>> = BTreeMap::new();
    for full in imports {
        let (parent, last) = full.rsplit_once("::").unwrap_or(("", full));
        let (group, parent) = if let Some(rest) = parent.strip_prefix(ROOT) {
            let root = if scope.depth == 0 { "self" } else { "super" };
            (2, format!("{root}{rest}"))
        } else if let Some(rest) = parent.strip_prefix("core") {
            (0, format!("std{rest}"))
        } else if parent.starts_with("std") || parent.starts_with("alloc") {
            (0, parent.to_string())
        } else {
            (1, parent.to_string())
        };
        by_parent
            .entry((group, parent))
            .or_default()
            .insert(last.to_string());
    }
    // A module imported beside items of it: `use a::typed::{self, Property}`.
    let modules: Vec<(u8, String, String)> = by_parent
        .iter()
        .flat_map(|((group, parent), items)| {
            items
                .iter()
                .map(move |item| (*group, parent.clone(), item.clone()))
        })
        .filter(|(group, parent, item)| {
            by_parent.contains_key(&(*group, format!("{parent}::{item}")))
        })
        .collect();
    for (group, parent, item) in modules {
        if let Some(items) = by_parent.get_mut(&(group, parent.clone())) {
            items.remove(&item);
            if items.is_empty() {
                by_parent.remove(&(group, parent.clone()));
            }
        }
        if let Some(items) = by_parent.get_mut(&(group, format!("{parent}::{item}"))) {
            items.insert("self".to_string());
        }
    }
    by_parent
        .into_iter()
        .filter_map(|((_, parent), items)| {
            let mut names: Vec<String> = items.into_iter().collect();
            names.sort_by_key(|n| {
                (
                    n != "self",
                    !n.starts_with(|c: char| c.is_ascii_lowercase()),
                    n.clone(),
                )
            });
            let names: Vec<String> = names.iter().map(|n| raw(n)).collect();
            let parent = parent.split("::").map(raw).collect::<Vec<_>>().join("::");
            let text = match names.as_slice() {
                [one] => format!("use {parent}::{one};"),
                many => format!("use {parent}::{{{}}};", many.join(", ")),
            };
            syn::parse_str(&text).ok()
        })
        .collect()
}

/// `type` → `r#type` where a name is a keyword (module names of the SDK can be).
fn raw(name: &str) -> String {
    if matches!(name, "self" | "super" | "crate") || name.starts_with("r#") {
        return name.to_string();
    }
    match syn::parse_str::<syn::Ident>(name) {
        Ok(_) => name.to_string(),
        Err(_) => format!("r#{name}"),
    }
}
