//! `diff`: what changed between two metadata documents, on small inline documents covering each
//! class of change, and on the real pair Dataverse v8.x (CRM 2016) -> v9.1.

use dataverse_codegen::diff::{Change, ChangeKind, breaking, diff, summary};
use dataverse_codegen::model::Model;
use std::path::PathBuf;
use std::sync::OnceLock;

fn load(file: &str, schema: &str) -> Model {
    let xml = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    {schema}
  </edmx:DataServices>
</edmx:Edmx>"#
    );
    match dataverse_codegen::load(file, xml.as_bytes(), &Default::default()) {
        Ok(loaded) => loaded.model,
        Err(e) => panic!("{e}"),
    }
}

fn lines(changes: &[Change]) -> Vec<String> {
    changes.iter().map(|c| c.to_string()).collect()
}

const OLD: &str = r#"
<Schema Namespace="Demo" Alias="d" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EnumType Name="color">
    <Member Name="red" Value="1"/><Member Name="green" Value="2"/><Member Name="blue" Value="3"/>
  </EnumType>
  <EnumType Name="size"><Member Name="small"/></EnumType>
  <TypeDefinition Name="money" UnderlyingType="Edm.Decimal"/>
  <TypeDefinition Name="code" UnderlyingType="Edm.String"/>
  <ComplexType Name="address"><Property Name="city" Type="Edm.String"/></ComplexType>
  <ComplexType Name="oldcomplex"><Property Name="x" Type="Edm.Int32"/></ComplexType>
  <EntityType Name="base" Abstract="true">
    <Key><PropertyRef Name="id"/></Key>
    <Property Name="id" Type="Edm.Guid" Nullable="false"/>
  </EntityType>
  <EntityType Name="person" BaseType="d.base"/>
  <EntityType Name="account" BaseType="d.base">
    <Property Name="name" Type="Edm.String"/>
    <Property Name="revenue" Type="d.money"/>
    <Property Name="color" Type="d.color" Nullable="false"/>
    <Property Name="address" Type="d.address"/>
    <Property Name="tags" Type="Collection(Edm.String)"/>
    <Property Name="gone" Type="Edm.String"/>
    <Property Name="moved" Type="Edm.String"/>
    <NavigationProperty Name="primarycontact" Type="d.contact"/>
    <NavigationProperty Name="contacts" Type="Collection(d.contact)"/>
    <NavigationProperty Name="oldnav" Type="d.contact"/>
  </EntityType>
  <EntityType Name="contact" BaseType="d.base">
    <Property Name="fullname" Type="Edm.String"/>
  </EntityType>
  <EntityType Name="legacy" BaseType="d.base">
    <Property Name="a" Type="Edm.String"/>
  </EntityType>
  <EntityType Name="note">
    <Key><PropertyRef Name="noteid"/></Key>
    <Property Name="noteid" Type="Edm.Guid" Nullable="false"/>
    <Property Name="code" Type="Edm.String" Nullable="false"/>
  </EntityType>
  <Action Name="Win">
    <Parameter Name="Status" Type="Edm.Int32" Nullable="false"/>
    <Parameter Name="Gone" Type="Edm.String"/>
  </Action>
  <Action Name="Assign" IsBound="true">
    <Parameter Name="entity" Type="d.account" Nullable="false"/>
    <Parameter Name="Owner" Type="Edm.Guid"/>
  </Action>
  <Action Name="Assign" IsBound="true">
    <Parameter Name="entity" Type="d.contact" Nullable="false"/>
    <Parameter Name="Owner" Type="Edm.Guid"/>
  </Action>
  <Function Name="Version"><ReturnType Type="Edm.String" Nullable="false"/></Function>
  <Function Name="OldFn"><ReturnType Type="Edm.String"/></Function>
  <EntityContainer Name="System">
    <EntitySet Name="accounts" EntityType="d.account"/>
    <EntitySet Name="contacts" EntityType="d.contact"/>
    <EntitySet Name="legacies" EntityType="d.legacy"/>
    <EntitySet Name="notes" EntityType="d.note"/>
    <Singleton Name="me" Type="d.contact"/>
    <ActionImport Name="Win" Action="d.Win"/>
    <FunctionImport Name="Version" Function="d.Version"/>
    <FunctionImport Name="OldFn" Function="d.OldFn"/>
  </EntityContainer>
</Schema>"#;

/// OLD with one change of each class; it spells the namespace through another alias.
const NEW: &str = r#"
<Schema Namespace="Demo" Alias="crm" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EnumType Name="color">
    <Member Name="red" Value="1"/><Member Name="green" Value="20"/><Member Name="yellow" Value="4"/>
  </EnumType>
  <EnumType Name="size" UnderlyingType="Edm.Int64" IsFlags="true"><Member Name="small" Value="1"/></EnumType>
  <EnumType Name="shape"><Member Name="round"/></EnumType>
  <TypeDefinition Name="money" UnderlyingType="Edm.Decimal"/>
  <TypeDefinition Name="code" UnderlyingType="Edm.Int32"/>
  <TypeDefinition Name="percent" UnderlyingType="Edm.Double"/>
  <ComplexType Name="address">
    <Property Name="city" Type="Edm.String"/>
    <Property Name="country" Type="Edm.String"/>
  </ComplexType>
  <ComplexType Name="newcomplex"><Property Name="y" Type="Edm.Int32"/></ComplexType>
  <EntityType Name="base" Abstract="true">
    <Key><PropertyRef Name="id"/></Key>
    <Property Name="id" Type="Edm.Guid" Nullable="false"/>
    <Property Name="moved" Type="Edm.String"/>
  </EntityType>
  <EntityType Name="person" BaseType="crm.base"/>
  <EntityType Name="account" BaseType="crm.base">
    <Property Name="name" Type="Edm.String" Nullable="false"/>
    <Property Name="revenue" Type="crm.money"/>
    <Property Name="color" Type="crm.color" Nullable="false"/>
    <Property Name="address" Type="crm.address"/>
    <Property Name="tags" Type="Collection(Edm.Int32)"/>
    <Property Name="added" Type="Edm.Int64" Nullable="false"/>
    <NavigationProperty Name="primarycontact" Type="crm.account"/>
    <NavigationProperty Name="contacts" Type="Collection(crm.contact)"/>
    <NavigationProperty Name="newnav" Type="Collection(crm.account)"/>
  </EntityType>
  <EntityType Name="contact" BaseType="crm.person">
    <Property Name="fullname" Type="Edm.String"/>
  </EntityType>
  <EntityType Name="newentity" BaseType="crm.base">
    <Property Name="b" Type="Edm.String"/>
  </EntityType>
  <EntityType Name="note" Abstract="true">
    <Key><PropertyRef Name="noteid"/><PropertyRef Name="code"/></Key>
    <Property Name="noteid" Type="Edm.Guid" Nullable="false"/>
    <Property Name="code" Type="Edm.String" Nullable="false"/>
  </EntityType>
  <Action Name="Win">
    <Parameter Name="Status" Type="Edm.Int64" Nullable="false"/>
    <Parameter Name="Reason" Type="Edm.String" Nullable="false"/>
    <Parameter Name="Note" Type="Edm.String"/>
  </Action>
  <Action Name="Assign" IsBound="true">
    <Parameter Name="entity" Type="crm.account" Nullable="false"/>
    <Parameter Name="Owner" Type="Edm.Guid" Nullable="false"/>
  </Action>
  <Action Name="Assign" IsBound="true">
    <Parameter Name="entity" Type="Collection(crm.account)" Nullable="false"/>
    <Parameter Name="Owner" Type="Edm.Guid"/>
  </Action>
  <Function Name="Version"><ReturnType Type="Edm.Int32"/></Function>
  <Function Name="NewFn"><ReturnType Type="Edm.String"/></Function>
  <EntityContainer Name="System">
    <EntitySet Name="accounts" EntityType="crm.account"/>
    <EntitySet Name="contacts" EntityType="crm.person"/>
    <EntitySet Name="newentities" EntityType="crm.newentity"/>
    <EntitySet Name="notes" EntityType="crm.note"/>
    <Singleton Name="me" Type="crm.contact"/>
    <Singleton Name="you" Type="crm.contact"/>
    <ActionImport Name="Win" Action="crm.Win"/>
    <FunctionImport Name="Version" Function="crm.Version"/>
    <FunctionImport Name="NewFn" Function="crm.NewFn"/>
  </EntityContainer>
</Schema>"#;

/// Every class of change, in the documented order, as the CLI prints it.
#[test]
fn every_class_of_change() {
    let old = load("old.xml", OLD);
    let new = load("new.xml", NEW);
    let changes = diff(&old, &new);
    let expected = [
        // entity types: the type's own change first, then properties, then navigation properties
        "+ property Demo.account/added: Edm.Int64, not null",
        "- property Demo.account/gone",
        "~ property Demo.account/moved: moved to base type Demo.base",
        "~ property Demo.account/name: nullable true -> false",
        "~ property Demo.account/tags: type Collection(Edm.String) -> Collection(Edm.Int32)",
        "+ navigation property Demo.account/newnav: Collection(Demo.account)",
        "- navigation property Demo.account/oldnav",
        "~ navigation property Demo.account/primarycontact: target Demo.contact -> Demo.account",
        "+ property Demo.base/moved: Edm.String",
        "~ entity type Demo.contact: base type Demo.base -> Demo.person",
        "- entity type Demo.legacy",
        "+ entity type Demo.newentity",
        "~ entity type Demo.note: key noteid -> noteid,code; abstract false -> true",
        // complex types
        "+ property Demo.address/country: Edm.String",
        "+ complex type Demo.newcomplex",
        "- complex type Demo.oldcomplex",
        // enum types
        "- enum member Demo.color/blue",
        "~ enum member Demo.color/green: value 2 -> 20",
        "+ enum member Demo.color/yellow: = 4",
        "+ enum type Demo.shape",
        "~ enum type Demo.size: underlying type Edm.Int32 -> Edm.Int64; flags false -> true",
        "~ enum member Demo.size/small: value 0 -> 1",
        // type definitions
        "~ type definition Demo.code: underlying type Edm.String -> Edm.Int32",
        "+ type definition Demo.percent: Edm.Double",
        // actions, by name and binding
        "+ action Demo.Assign(bound to Collection(Demo.account))",
        "~ parameter Demo.Assign(bound to Demo.account)/Owner: nullable true -> false",
        "- action Demo.Assign(bound to Demo.contact)",
        "- parameter Demo.Win/Gone",
        "+ parameter Demo.Win/Note: Edm.String",
        "+ parameter Demo.Win/Reason: Edm.String, not null",
        "~ parameter Demo.Win/Status: type Edm.Int32 -> Edm.Int64",
        // functions
        "+ function Demo.NewFn",
        "- function Demo.OldFn",
        "~ function Demo.Version: return type Edm.String -> Edm.Int32; return nullable false -> true",
        // the container
        "~ entity set contacts: type Demo.contact -> Demo.person",
        "- entity set legacies",
        "+ entity set newentities: Demo.newentity",
        "+ singleton you: Demo.contact",
        "+ function import NewFn: Demo.NewFn",
        "- function import OldFn",
    ];
    assert_eq!(lines(&changes), expected);

    let breaking_lines: Vec<String> = changes
        .iter()
        .filter(|c| breaking(c))
        .map(|c| c.to_string())
        .collect();
    assert_eq!(
        breaking_lines,
        [
            "- property Demo.account/gone",
            "~ property Demo.account/tags: type Collection(Edm.String) -> Collection(Edm.Int32)",
            "- navigation property Demo.account/oldnav",
            "~ navigation property Demo.account/primarycontact: target Demo.contact -> Demo.account",
            "~ entity type Demo.contact: base type Demo.base -> Demo.person",
            "- entity type Demo.legacy",
            "~ entity type Demo.note: key noteid -> noteid,code; abstract false -> true",
            "- complex type Demo.oldcomplex",
            "- enum member Demo.color/blue",
            "~ enum member Demo.color/green: value 2 -> 20",
            "~ enum type Demo.size: underlying type Edm.Int32 -> Edm.Int64; flags false -> true",
            "~ enum member Demo.size/small: value 0 -> 1",
            "~ type definition Demo.code: underlying type Edm.String -> Edm.Int32",
            "~ parameter Demo.Assign(bound to Demo.account)/Owner: nullable true -> false",
            "- action Demo.Assign(bound to Demo.contact)",
            "- parameter Demo.Win/Gone",
            "+ parameter Demo.Win/Reason: Edm.String, not null",
            "~ parameter Demo.Win/Status: type Edm.Int32 -> Edm.Int64",
            "- function Demo.OldFn",
            "~ function Demo.Version: return type Edm.String -> Edm.Int32; return nullable false -> true",
            "~ entity set contacts: type Demo.contact -> Demo.person",
            "- entity set legacies",
            "- function import OldFn",
        ]
    );
    assert_eq!(
        summary(&changes),
        "16 added, 10 removed, 14 changed (23 breaking)"
    );

    // The fields behind the lines.
    let name = changes
        .iter()
        .find(|c| c.item == "property Demo.account/name")
        .unwrap();
    assert_eq!(name.kind, ChangeKind::Changed);
    assert_eq!(name.detail.as_deref(), Some("nullable true -> false"));
    let legacy = changes
        .iter()
        .find(|c| c.item == "entity type Demo.legacy")
        .unwrap();
    assert_eq!(
        (legacy.kind, legacy.detail.as_deref()),
        (ChangeKind::Removed, None)
    );
}

/// A whole type or operation added or removed is one line: its members are not listed.
#[test]
fn whole_types_are_one_change() {
    let changes = diff(&load("old.xml", OLD), &load("new.xml", NEW));
    for gone in [
        "Demo.legacy/",
        "Demo.newentity/",
        "Demo.oldcomplex/",
        "Demo.newcomplex/",
    ] {
        assert!(
            !changes.iter().any(|c| c.item.contains(gone)),
            "members of {gone} listed"
        );
    }
    for op in [
        "Demo.Assign(bound to Demo.contact)/",
        "Demo.OldFn/",
        "Demo.NewFn/",
    ] {
        assert!(
            !changes.iter().any(|c| c.item.contains(op)),
            "members of {op} listed"
        );
    }
    assert!(!changes.iter().any(|c| c.item.contains("shape/")));
}

/// The same document spelled through another alias (or none) has no changes, and neither has a
/// document compared with itself.
#[test]
fn aliases_do_not_matter() {
    let old = load("old.xml", OLD);
    assert_eq!(diff(&old, &old), []);
    let respell = |alias: &str, to: &str| {
        OLD.replace(alias, "")
            .replace("\"d.", &format!("\"{to}."))
            .replace("(d.", &format!("({to}."))
    };
    let unaliased = respell(r#"Alias="d" "#, "Demo");
    assert!(!unaliased.contains("d.") && !unaliased.contains("Alias"));
    let other = respell(r#"Alias="d""#, "x").replace("<Schema ", r#"<Schema Alias="x" "#);
    for text in [unaliased, other] {
        let changes = diff(&old, &load("same.xml", &text));
        assert_eq!(lines(&changes), Vec::<String>::new());
        assert_eq!(summary(&changes), "no changes");
    }
}

/// Swapping the documents swaps additions and removals; a move to a base type reads as a move
/// from it.
#[test]
fn reverse_diff_mirrors() {
    let old = load("old.xml", OLD);
    let new = load("new.xml", NEW);
    let forward = diff(&old, &new);
    let backward = diff(&new, &old);
    let items = |changes: &[Change], kind| -> Vec<String> {
        let mut v: Vec<String> = changes
            .iter()
            .filter(|c| c.kind == kind)
            .map(|c| c.item.clone())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        items(&forward, ChangeKind::Added),
        items(&backward, ChangeKind::Removed)
    );
    assert_eq!(
        items(&forward, ChangeKind::Removed),
        items(&backward, ChangeKind::Added)
    );
    assert_eq!(
        items(&forward, ChangeKind::Changed),
        items(&backward, ChangeKind::Changed)
    );
    assert!(
        lines(&backward)
            .contains(&"~ property Demo.account/moved: moved from base type Demo.base".to_string())
    );
    assert!(lines(&backward).contains(&"- property Demo.base/moved".to_string()));
    // Deterministic.
    assert_eq!(diff(&old, &new), forward);
}

/// Unbound overloads of one name are told apart by their parameter names; bound ones by their
/// binding type.
#[test]
fn overloads() {
    let schema = |extra: &str| {
        format!(
            r#"<Schema Namespace="Demo" xmlns="http://docs.oasis-open.org/odata/ns/edm">
  <EntityType Name="a"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.Guid" Nullable="false"/></EntityType>
  <Function Name="Find"><Parameter Name="x" Type="Edm.Int32"/><ReturnType Type="Edm.String"/></Function>
  <Function Name="Find"><Parameter Name="x" Type="Edm.Int32"/><Parameter Name="y" Type="Edm.Int32"/><ReturnType Type="Edm.String"/></Function>
  <Function Name="Get" IsBound="true"><Parameter Name="it" Type="Demo.a"/><ReturnType Type="Edm.String"/></Function>
  <Function Name="Get" IsBound="true"><Parameter Name="it" Type="Collection(Demo.a)"/><ReturnType Type="Edm.String"/></Function>
  {extra}
</Schema>"#
        )
    };
    let old = load("old.xml", &schema(""));
    let new = load(
        "new.xml",
        &schema(
            r#"<Function Name="Find"><Parameter Name="z" Type="Edm.Int32"/><ReturnType Type="Edm.Int64"/></Function>"#,
        ),
    );
    // Three overloads of `Find` now: each is named by its parameters.
    assert_eq!(lines(&diff(&old, &new)), ["+ function Demo.Find[z]"]);
    let newer = load(
        "newer.xml",
        &schema("").replace(
            r#"<Parameter Name="it" Type="Collection(Demo.a)"/><ReturnType Type="Edm.String"/>"#,
            r#"<Parameter Name="it" Type="Collection(Demo.a)"/><ReturnType Type="Collection(Edm.String)"/>"#,
        ),
    );
    assert_eq!(
        lines(&diff(&old, &newer)),
        [
            "~ function Demo.Get(bound to Collection(Demo.a)): return type Edm.String -> Collection(Edm.String)"
        ]
    );
}

/// `breaking` on hand-made changes: the documented rules.
#[test]
fn breaking_rules() {
    let change = |kind, item: &str, detail: Option<&str>| Change {
        kind,
        item: item.into(),
        detail: detail.map(str::to_string),
    };
    use ChangeKind::*;
    assert!(breaking(&change(Removed, "property N.t/p", None)));
    assert!(!breaking(&change(
        Added,
        "property N.t/p",
        Some("Edm.String, not null")
    )));
    assert!(!breaking(&change(Added, "entity type N.t", None)));
    assert!(breaking(&change(
        Added,
        "parameter N.A/p",
        Some("Edm.String, not null")
    )));
    assert!(!breaking(&change(
        Added,
        "parameter N.A/p",
        Some("Edm.String, not null, optional")
    )));
    assert!(!breaking(&change(
        Added,
        "parameter N.A/p",
        Some("Edm.String")
    )));
    assert!(!breaking(&change(
        Changed,
        "property N.t/p",
        Some("nullable true -> false")
    )));
    assert!(!breaking(&change(
        Changed,
        "property N.t/p",
        Some("nullable false -> true")
    )));
    assert!(breaking(&change(
        Changed,
        "parameter N.A/p",
        Some("nullable true -> false")
    )));
    assert!(!breaking(&change(
        Changed,
        "parameter N.A/p",
        Some("nullable false -> true")
    )));
    assert!(breaking(&change(
        Changed,
        "parameter N.A/p",
        Some("optional true -> false")
    )));
    assert!(!breaking(&change(
        Changed,
        "parameter N.A/p",
        Some("optional false -> true")
    )));
    assert!(breaking(&change(
        Changed,
        "property N.t/p",
        Some("nullable true -> false; type Edm.String -> Edm.Int32")
    )));
    assert!(!breaking(&change(
        Changed,
        "property N.t/p",
        Some("moved to base type N.b")
    )));
    assert!(!breaking(&change(
        Changed,
        "entity type N.t",
        Some("abstract true -> false")
    )));
    assert!(!breaking(&change(
        Changed,
        "action import A",
        Some("entity set a -> b")
    )));
    assert!(breaking(&change(
        Changed,
        "action import A",
        Some("operation N.A -> N.B")
    )));
}

fn real_pair() -> &'static (Model, Model) {
    static PAIR: OnceLock<(Model, Model)> = OnceLock::new();
    PAIR.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../metadata");
        let load = |name: &str| {
            dataverse_codegen::load_file(&dir.join(name), &Default::default())
                .unwrap()
                .model
        };
        std::thread::scope(|s| {
            let v8 = s.spawn(|| load("dataverse-v8.x-crm2016.xml"));
            let v91 = load("dataverse-v9.1.xml");
            (v8.join().unwrap(), v91)
        })
    })
}

fn real_diff() -> &'static Vec<Change> {
    static DIFF: OnceLock<Vec<Change>> = OnceLock::new();
    DIFF.get_or_init(|| {
        let (v8, v91) = real_pair();
        diff(v8, v91)
    })
}

fn has(line: &str) -> bool {
    real_diff().iter().any(|c| c.to_string() == line)
}

/// Spot checks of Dataverse v8.x -> v9.1, each verified by grepping the two files.
#[test]
fn dataverse_v8_to_v91_spot_checks() {
    // Entity types only in v8.x (the Sales entities are absent from the v9.1 document)...
    assert!(has("- entity type Microsoft.Dynamics.CRM.opportunity"));
    assert!(has("- entity type Microsoft.Dynamics.CRM.opportunityclose"));
    assert!(has("- entity set opportunities"));
    assert!(has("- action Microsoft.Dynamics.CRM.WinOpportunity"));
    // ... without their properties or parameters listed one by one.
    assert!(!real_diff().iter().any(|c| c.item.contains(".opportunity/")));
    assert!(
        !real_diff()
            .iter()
            .any(|c| c.item.contains(".WinOpportunity/"))
    );
    // ... and navigation properties to them from types that stay.
    assert!(has(
        "- navigation property Microsoft.Dynamics.CRM.annotation/objectid_opportunity"
    ));
    // Only in v9.1.
    assert!(has("+ entity type Microsoft.Dynamics.CRM.appmodule"));
    assert!(has(
        "+ entity set appmodules: Microsoft.Dynamics.CRM.appmodule"
    ));
    assert!(has(
        "+ function Microsoft.Dynamics.CRM.RetrieveTotalRecordCount"
    ));
    assert!(has(
        "- enum type Microsoft.Dynamics.CRM.PropagationOwnershipOptions"
    ));
    // account: 154 properties in v8.x, 145 in v9.1 (3 added, 12 removed).
    assert!(has(
        "+ property Microsoft.Dynamics.CRM.account/followemail: Edm.Boolean"
    ));
    assert!(has(
        "+ property Microsoft.Dynamics.CRM.account/marketingonly: Edm.Boolean"
    ));
    assert!(has(
        "+ property Microsoft.Dynamics.CRM.account/timespentbymeonemailandmeetings: Edm.String"
    ));
    assert!(has("- property Microsoft.Dynamics.CRM.account/openrevenue"));
    assert!(has(
        "- property Microsoft.Dynamics.CRM.account/_territoryid_value"
    ));
    let account = |kind| {
        real_diff()
            .iter()
            .filter(|c| {
                c.kind == kind
                    && c.item
                        .starts_with("property Microsoft.Dynamics.CRM.account/")
            })
            .count()
    };
    assert_eq!(
        (account(ChangeKind::Added), account(ChangeKind::Removed)),
        (3, 12)
    );
    // Changes in place.
    assert!(has(
        "~ property Microsoft.Dynamics.CRM.WhoAmIResponse/UserId: nullable false -> true"
    ));
    assert!(has(
        "~ enum type Microsoft.Dynamics.CRM.AccessRights: flags false -> true"
    ));
    assert!(has(
        "~ parameter Microsoft.Dynamics.CRM.CreateInstance/Target: type \
         Microsoft.Dynamics.CRM.recurringappointmentmaster -> Microsoft.Dynamics.CRM.crmbaseentity"
    ));
    assert!(has(
        "~ parameter Microsoft.Dynamics.CRM.CheckIncomingEmail/Subject: optional false -> true"
    ));
}

/// The counts of the real diff agree with counts of the elements in the two files.
#[test]
fn dataverse_v8_to_v91_counts() {
    let (v8, v91) = real_pair();
    let changes = real_diff();
    let count = |kind, prefix: &str| {
        changes
            .iter()
            .filter(|c| c.kind == kind && c.item.starts_with(prefix))
            .count()
    };
    // Whatever is in both is in v8.x less the removed and in v9.1 less the added.
    let sides = [
        (
            "entity type ",
            v8.entity_types.len(),
            v91.entity_types.len(),
        ),
        (
            "complex type ",
            v8.complex_types.len(),
            v91.complex_types.len(),
        ),
        ("enum type ", v8.enum_types.len(), v91.enum_types.len()),
        ("entity set ", v8.entity_sets.len(), v91.entity_sets.len()),
    ];
    for (prefix, old, new) in sides {
        let (added, removed) = (
            count(ChangeKind::Added, prefix),
            count(ChangeKind::Removed, prefix),
        );
        assert_eq!(old - removed, new - added, "{prefix}");
    }
    // grep -c of the two files: 264 / 300 entity types, 131 / 349 complex types, 33 / 51 enums.
    assert_eq!((v8.entity_types.len(), v91.entity_types.len()), (264, 300));
    assert_eq!(count(ChangeKind::Added, "entity type "), 116);
    assert_eq!(count(ChangeKind::Removed, "entity type "), 80);
    assert_eq!(count(ChangeKind::Added, "complex type "), 227);
    assert_eq!(count(ChangeKind::Removed, "complex type "), 9);
    assert_eq!(
        summary(changes),
        "2070 added, 1299 removed, 101 changed (1314 breaking)"
    );
    // Sorted: each line's sort position is stable between runs.
    assert_eq!(&diff(v8, v91), changes);
}
