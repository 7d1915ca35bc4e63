//! What the resolver makes of the real Dataverse metadata: the cases generic OData generators
//! are known to get wrong.

use dataverse_codegen::model::{Model, StructuredType, TypeKind};
use dataverse_codegen::syntax::OperationKind;
use std::path::PathBuf;
use std::sync::OnceLock;

fn v91() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../metadata/dataverse-v9.1.xml");
        dataverse_codegen::load_file(&path, &Default::default())
            .unwrap()
            .model
    })
}

fn entity<'m>(model: &'m Model, name: &str) -> (usize, &'m StructuredType) {
    model
        .entity_types
        .iter()
        .enumerate()
        .find(|(_, t)| t.name.name == name)
        .unwrap_or_else(|| panic!("entity type {name}"))
}

#[test]
fn abstract_keyless_base_and_inherited_keys() {
    let m = v91();
    let (crmbase, base) = entity(m, "crmbaseentity");
    assert!(base.is_abstract);
    assert!(base.key.is_none());
    // SOURCES.md: 257 types derive from crmbaseentity directly; more through activitypointer.
    let direct = m
        .entity_types
        .iter()
        .filter(|t| t.base == Some(crmbase))
        .count();
    assert_eq!(direct, 257);
    assert!(base.derived.len() > 257);
    let (_, account) = entity(m, "account");
    let key = account.key.as_ref().unwrap();
    assert_eq!(key[0].path, vec!["accountid".to_string()]);
    // email declares activityid again, identically to activitypointer: accepted.
    let (_, email) = entity(m, "email");
    assert_eq!(
        email.key.as_ref().unwrap()[0].path,
        vec!["activityid".to_string()]
    );
    assert!(
        email
            .ancestors
            .iter()
            .any(|a| m.entity_types[*a].name.name == "activitypointer")
    );
}

#[test]
fn open_keyless_expando_is_accepted_with_a_warning() {
    let m = v91();
    let (_, expando) = entity(m, "expando");
    assert!(expando.open_type);
    assert!(expando.key.is_none());
    assert!(
        m.warnings
            .iter()
            .any(|w| w.message.contains("expando") && w.message.contains("no key"))
    );
}

#[test]
fn overloads_bound_to_twelve_types_are_attached_to_each() {
    let m = v91();
    let group = m
        .overload_groups
        .iter()
        .find(|g| g.name.name == "RetrieveUnpublished" && g.kind == OperationKind::Function)
        .unwrap();
    assert_eq!(group.operations.len(), 12);
    let mut binding_types = Vec::new();
    for id in &group.operations {
        let op = &m.operations[id.0];
        let binding = op.binding.as_ref().expect("bound");
        let TypeKind::Entity(e) = binding.ty.kind else {
            panic!("bound to an entity type")
        };
        assert!(m.entity_types[e.0].bound_operations.contains(id));
        binding_types.push(m.entity_types[e.0].name.name.clone());
    }
    binding_types.sort();
    binding_types.dedup();
    assert_eq!(binding_types.len(), 12);
}

#[test]
fn by_value_recursion_marks_query_expression() {
    let m = v91();
    let boxed: Vec<String> = m
        .complex_types
        .iter()
        .flat_map(|t| {
            t.properties
                .iter()
                .filter(|p| p.needs_box)
                .map(move |p| format!("{}/{}", t.name.name, p.name))
        })
        .collect();
    assert!(
        boxed.iter().any(|b| b.starts_with("QueryExpression/")),
        "boxed: {boxed:?}"
    );
}

#[test]
fn alternate_keys_optional_parameters_and_bindings() {
    let m = v91();
    let with_alternate_keys = m
        .entity_types
        .iter()
        .filter(|t| !t.annotations.alternate_keys.is_empty())
        .count();
    assert_eq!(with_alternate_keys, 49);
    let optional = m
        .operations
        .iter()
        .flat_map(|o| &o.parameters)
        .filter(|p| p.annotations.optional_parameter.is_some())
        .count();
    assert_eq!(optional, 33);
    // accounts binds primarycontactid to contacts.
    let accounts = m.entity_sets.iter().find(|s| s.name == "accounts").unwrap();
    let binding = accounts
        .bindings
        .iter()
        .find(|b| b.path == "primarycontactid")
        .unwrap();
    assert_eq!(m.entity_sets[binding.target.unwrap().0].name, "contacts");
    assert_eq!(binding.target_name, "contacts");
    let (declaring, index) = binding.navigation.unwrap();
    assert_eq!(
        m.entity_types[declaring.0].navigation_properties[index].name,
        "primarycontactid"
    );
}

#[test]
fn names_differing_only_in_case_are_distinct_types() {
    let m = v91();
    let solution_types: Vec<_> = m
        .entity_types
        .iter()
        .chain(&m.complex_types)
        .filter(|t| t.name.name.eq_ignore_ascii_case("solution"))
        .collect();
    assert_eq!(solution_types.len(), 2);
}
