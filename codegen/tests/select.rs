//! The select stage on real documents: dependency closure, the cut edge (lookups to unselected
//! types become untyped references), exclusion, renames.

use dataverse_codegen::model::{Model, TypeKind};
use dataverse_codegen::select::{Pattern, Selection, select};
use dataverse_codegen::{GenerateOptions, OutputKind};
use std::path::PathBuf;

fn load(name: &str) -> (Vec<u8>, Model) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../metadata")
        .join(name);
    let bytes = std::fs::read(&path).unwrap();
    let model = dataverse_codegen::load(name, &bytes, &Default::default())
        .unwrap()
        .model;
    (bytes, model)
}

fn patterns(names: &[&str]) -> Vec<Pattern> {
    names.iter().map(|n| Pattern::new(n)).collect()
}

fn entity_names(model: &Model) -> Vec<String> {
    model
        .entity_types
        .iter()
        .map(|t| t.name.name.clone())
        .collect()
}

#[test]
fn one_set_keeps_its_base_types_and_cuts_its_lookups() {
    let (bytes, model) = load("dataverse-v9.1.xml");
    let selection = Selection {
        entity_sets: patterns(&["accounts"]),
        ..Default::default()
    };
    let selected = select(&model, &selection).unwrap();
    assert_eq!(entity_names(&selected), ["crmbaseentity", "account"]);
    // Only the query functions (`LastXDays`...), which every selection keeps for typed filters.
    assert!(selected.imports.is_empty());
    assert!(!selected.operations.is_empty());
    assert!((0..selected.operations.len()).all(|i| selected.is_query_function(i)));
    let account = &selected.entity_types[1];
    let contact = account
        .navigation_properties
        .iter()
        .find(|n| n.name == "primarycontactid")
        .unwrap();
    assert_eq!(contact.target, None);
    assert_eq!(contact.target_name.name, "contact");
    let parent = account
        .navigation_properties
        .iter()
        .find(|n| n.name == "parentaccountid")
        .unwrap();
    assert_eq!(
        parent.target.map(|t| t.0),
        Some(1),
        "a lookup inside the selection stays typed"
    );
    let binding = selected.entity_sets[0]
        .bindings
        .iter()
        .find(|b| b.path == "primarycontactid")
        .unwrap();
    assert_eq!(
        (binding.target, binding.target_name.as_str()),
        (None, "contacts")
    );
    // The generated code: a typed lookup inside the selection, an untyped one at the cut.
    let options = GenerateOptions {
        output: OutputKind::Crate,
        selection,
        ..Default::default()
    };
    let files = dataverse_codegen::generate("v9.1", &bytes, &options).unwrap();
    let account = files["entities/account.rs"].replace([' ', '\n'], "");
    assert!(
        account.contains("pubconstPRIMARYCONTACTID:Lookup<Account,Untyped>"),
        "untyped lookup at the cut edge"
    );
    assert!(account.contains("pubconstPARENTACCOUNTID:Lookup<Account,Account>"));
    assert!(!files.contains_key("entities/contact.rs"));
}

#[test]
fn operations_pull_in_what_their_parameters_and_returns_need() {
    let (_, model) = load("dataverse-v8.x-crm2016.xml");
    let selection = Selection {
        operations: patterns(&["WinOpportunity"]),
        ..Default::default()
    };
    let selected = select(&model, &selection).unwrap();
    // The parameter's entity type and its base; no set was asked for, but kept types keep
    // their sets so they stay addressable.
    assert_eq!(
        entity_names(&selected),
        ["crmbaseentity", "activitypointer", "opportunityclose"]
    );
    assert_eq!(selected.imports.len(), 1);
    let op = &selected.operations[0];
    assert!(matches!(op.parameters[0].ty.kind, TypeKind::Entity(id) if id.0 == 2));
    // Derived types of a kept base that were not selected are not dragged in.
    assert!(
        selected.entity_types[1]
            .derived
            .iter()
            .all(|d| selected.entity_types[*d].name.name == "opportunityclose")
    );
}

#[test]
fn exclusions_win_over_everything_and_over_kept_types() {
    let (_, model) = load("trippin-rw.xml");
    let selection = Selection {
        exclude: patterns(&["Airlines", "GetNearestAirport"]),
        ..Default::default()
    };
    let selected = select(&model, &selection).unwrap();
    let sets: Vec<&str> = selected
        .entity_sets
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert!(
        !sets.contains(&"Airlines") && sets.contains(&"People"),
        "{sets:?}"
    );
    assert!(entity_names(&selected).contains(&"Airline".to_string()));
    assert!(
        selected
            .operations
            .iter()
            .all(|o| o.name.name != "GetNearestAirport")
    );
    assert_eq!(selected.operations.len(), model.operations.len() - 1);
}

#[test]
fn renames_name_the_rust_types() {
    let (_, model) = load("trippin-rw.xml");
    let mut renames = std::collections::BTreeMap::new();
    renames.insert(
        "Microsoft.OData.SampleService.Models.TripPin.Person".to_string(),
        "Traveller".to_string(),
    );
    renames.insert("Airline".to_string(), "carrier".to_string());
    let names = dataverse_codegen::emit::names(&model, &renames);
    assert!(
        names.entity_types.contains(&"Traveller".to_string()),
        "{:?}",
        names.entity_types
    );
    assert!(
        names.entity_types.contains(&"Carrier".to_string()),
        "{:?}",
        names.entity_types
    );
    assert!(!names.entity_types.contains(&"Person".to_string()));
}
