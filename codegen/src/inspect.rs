//! `inspect`: a summary of a document, counted from the syntax model (declared elements, all
//! schemas together) plus the warnings of resolution.

use crate::error::Warning;
use crate::syntax::Document;

/// Element counts of one document, as printed by `dataverse-codegen inspect --json`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// `EntityType` elements.
    pub entity_types: usize,
    /// `ComplexType` elements.
    pub complex_types: usize,
    /// `EnumType` elements.
    pub enum_types: usize,
    /// `TypeDefinition` elements.
    pub type_definitions: usize,
    /// `Term` elements.
    pub terms: usize,
    /// `Property` elements declared in entity and complex types.
    pub properties: usize,
    /// `NavigationProperty` elements declared in entity and complex types.
    pub navigation_properties: usize,
    /// `Action` elements.
    pub actions: usize,
    /// `Action` elements with `IsBound="true"`.
    pub bound_actions: usize,
    /// `Function` elements.
    pub functions: usize,
    /// `Function` elements with `IsBound="true"`.
    pub bound_functions: usize,
    /// `EntitySet` elements.
    pub entity_sets: usize,
    /// `Singleton` elements.
    pub singletons: usize,
    /// `ActionImport` elements.
    pub action_imports: usize,
    /// `FunctionImport` elements.
    pub function_imports: usize,
    /// What the resolver accepted with a warning.
    pub warnings: Vec<Warning>,
}

impl Summary {
    /// Counts the elements of `doc`; `warnings` come from resolution.
    pub fn of(doc: &Document, warnings: &[Warning]) -> Summary {
        use crate::syntax::OperationKind;
        let mut s = Summary {
            warnings: warnings.to_vec(),
            ..Summary::default()
        };
        for schema in &doc.schemas {
            s.entity_types += schema.entity_types.len();
            s.complex_types += schema.complex_types.len();
            s.enum_types += schema.enum_types.len();
            s.type_definitions += schema.type_definitions.len();
            s.terms += schema.terms.len();
            for ty in schema.entity_types.iter().chain(&schema.complex_types) {
                s.properties += ty.properties.len();
                s.navigation_properties += ty.navigation_properties.len();
            }
            s.actions += schema.actions.len();
            s.bound_actions += schema.actions.iter().filter(|a| a.is_bound).count();
            s.functions += schema.functions.len();
            s.bound_functions += schema.functions.iter().filter(|f| f.is_bound).count();
            for container in &schema.entity_containers {
                s.entity_sets += container.entity_sets.len();
                s.singletons += container.singletons.len();
                for import in &container.imports {
                    match import.kind {
                        OperationKind::Action => s.action_imports += 1,
                        OperationKind::Function => s.function_imports += 1,
                    }
                }
            }
        }
        s
    }

    /// A short human-readable report.
    pub fn to_text(&self, file: &str) -> String {
        let mut out = format!("{file}\n");
        let rows = [
            ("entity types", self.entity_types),
            ("complex types", self.complex_types),
            ("enum types", self.enum_types),
            ("type definitions", self.type_definitions),
            ("terms", self.terms),
            ("properties", self.properties),
            ("navigation properties", self.navigation_properties),
            ("actions", self.actions),
            ("  bound", self.bound_actions),
            ("functions", self.functions),
            ("  bound", self.bound_functions),
            ("entity sets", self.entity_sets),
            ("singletons", self.singletons),
            ("action imports", self.action_imports),
            ("function imports", self.function_imports),
        ];
        for (label, n) in rows {
            out.push_str(&format!("  {label:<24}{n:>8}\n"));
        }
        out.push_str(&format!("  {:<24}{:>8}\n", "warnings", self.warnings.len()));
        for w in &self.warnings {
            out.push_str(&format!("{w}\n"));
        }
        out
    }
}
