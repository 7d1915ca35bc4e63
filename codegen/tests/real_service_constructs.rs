//! Constructs that large public services publish and the corpus does not have (issue 14): an
//! operation named like a type of its namespace, a key-less entity type used only by a
//! singleton. Accepted; a warning only where the document is at odds with the specification.
//! The fixture is in the corpus that `generated_corpus.rs` generates and compiles.

use dataverse_codegen::{GenerateOptions, ResolveOptions, load};

/// The fixture: an operation `g.reminder` beside the complex type `g.reminder`, an action
/// `g.item` beside the entity type `g.item`, and the key-less `g.root` used by the singleton
/// `root`.
fn document() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/real-service-constructs.xml"),
    )
    .unwrap()
}

#[test]
fn an_operation_named_like_a_type_is_accepted_with_a_warning_and_distinct_rust_names() {
    let xml = document();
    let loaded = load("graph.xml", xml.as_bytes(), &ResolveOptions::default()).unwrap();
    let clashes: Vec<&str> = loaded
        .model
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .filter(|m| m.contains("has the name of"))
        .collect();
    assert_eq!(clashes.len(), 2, "{clashes:?}");
    assert!(
        clashes[0].contains("`Graph.item` has the name of an entity type"),
        "{clashes:?}"
    );
    assert!(
        clashes[1].contains("`Graph.reminder` has the name of a complex type"),
        "{clashes:?}"
    );
    // Strict mode keeps it an error.
    let strict = ResolveOptions {
        strict: true,
        ..Default::default()
    };
    assert!(load("graph.xml", xml.as_bytes(), &strict).is_err());
    let names = dataverse_codegen::emit::names(&loaded.model, &Default::default());
    let map = names.rename_map(&loaded.model);
    let rust: Vec<&str> = map
        .iter()
        .filter(|(csdl, _)| csdl.ends_with(".reminder") || csdl.ends_with(".item"))
        .map(|(_, rust)| rust.as_str())
        .collect();
    assert_eq!(
        rust,
        [
            "Item",
            "Reminder",
            "item (ItemRequest)",
            "reminder (ItemReminderRequest)"
        ]
    );
    dataverse_codegen::generate("graph.xml", xml.as_bytes(), &GenerateOptions::default()).unwrap();
}

#[test]
fn a_key_less_type_used_only_by_a_singleton_is_not_warned_about() {
    let xml = document();
    let loaded = load("graph.xml", xml.as_bytes(), &ResolveOptions::default()).unwrap();
    assert!(
        !loaded
            .model
            .warnings
            .iter()
            .any(|w| w.message.contains("has no key")),
        "{:?}",
        loaded.model.warnings
    );
    // Also used by an entity set: addressed by key there, so the warning stays.
    let with_set = xml.replace(
        "<Singleton Name=\"root\"",
        "<EntitySet Name=\"roots\" EntityType=\"Graph.root\"/><Singleton Name=\"root\"",
    );
    let loaded = load("graph.xml", with_set.as_bytes(), &ResolveOptions::default()).unwrap();
    assert!(
        loaded
            .model
            .warnings
            .iter()
            .any(|w| w.message.contains("`Graph.root` has no key"))
    );
}

#[test]
fn a_binding_target_that_is_a_path_is_followed_without_a_warning() {
    let xml = document();
    let loaded = load("graph.xml", xml.as_bytes(), &ResolveOptions::default()).unwrap();
    assert!(
        !loaded
            .model
            .warnings
            .iter()
            .any(|w| w.message.contains("binding")),
        "{:?}",
        loaded.model.warnings
    );
    let items = loaded
        .model
        .entity_sets
        .iter()
        .find(|s| s.name == "items")
        .unwrap();
    let binding = &items.bindings[0];
    assert_eq!(binding.target_name, "root/notes");
    assert_eq!(binding.target, None);
    let note = binding.contained.unwrap();
    assert_eq!(loaded.model.entity_types[note.0].name.name, "note");
}

#[test]
fn a_binding_path_through_a_containment_navigation_property_is_followed() {
    // Microsoft Graph v1.0 binds `me/user` of the `education` singleton (`me` contains an
    // `educationUser`), SAP S/4HANA `Set/Parameters`: CSDL 4.01 lets a binding path traverse
    // containment navigation properties. A non-containment one in the middle stays a warning.
    let xml = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices>
<Schema Namespace="G" xmlns="http://docs.oasis-open.org/odata/ns/edm">
<EntityType Name="user"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/></EntityType>
<EntityType Name="educationUser"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/><NavigationProperty Name="user" Type="G.user"/></EntityType>
<EntityType Name="educationRoot"><NavigationProperty Name="me" Type="G.educationUser" ContainsTarget="true"/><NavigationProperty Name="users" Type="Collection(G.educationUser)" ContainsTarget="true"/><NavigationProperty Name="linked" Type="G.educationUser"/></EntityType>
<EntityContainer Name="C"><EntitySet Name="users" EntityType="G.user"/>
<Singleton Name="education" Type="G.educationRoot"><NavigationPropertyBinding Path="me/user" Target="users"/><NavigationPropertyBinding Path="users/user" Target="users"/><NavigationPropertyBinding Path="linked/user" Target="users"/></Singleton>
</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>"#;
    let loaded = load("graph.xml", xml.as_bytes(), &ResolveOptions::default()).unwrap();
    let model = &loaded.model;
    let warnings: Vec<&str> = model.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("`linked/user`"), "{warnings:?}");
    let education = model
        .entity_sets
        .iter()
        .find(|s| s.name == "education")
        .unwrap();
    for binding in &education.bindings[..2] {
        let (declaring, index) = binding.navigation.expect("followed");
        let ty = &model.entity_types[declaring.0];
        assert_eq!(ty.name.name, "educationUser");
        assert_eq!(ty.navigation_properties[index].name, "user");
    }
    assert_eq!(education.bindings[2].navigation, None);
    dataverse_codegen::generate("graph.xml", xml.as_bytes(), &GenerateOptions::default()).unwrap();
}
