//! Every error kind of the front end: the message and the line:column it points at.

use dataverse_codegen::{ErrorKind, ResolveOptions};

const HEAD: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
<edmx:DataServices>
<Schema Namespace="Test.NS" Alias="t" xmlns="http://docs.oasis-open.org/odata/ns/edm">
"#;
// HEAD has 4 lines, so the first line of a body is line 5.
const TAIL: &str = "</Schema>\n</edmx:DataServices>\n</edmx:Edmx>\n";

fn doc(body: &str) -> String {
    format!("{HEAD}{body}{TAIL}")
}

fn error_of(xml: &str, options: &ResolveOptions) -> dataverse_codegen::Error {
    match dataverse_codegen::load("test.xml", xml.as_bytes(), options) {
        Ok(_) => panic!("expected an error for:\n{xml}"),
        Err(e) => e,
    }
}

fn error(body: &str) -> (String, ErrorKind) {
    let e = error_of(&doc(body), &ResolveOptions::default());
    (format!("{}:{}", e.pos.line, e.pos.column), *e.kind.clone())
}

#[test]
fn malformed_xml_points_at_the_bad_tag() {
    let xml = doc(
        "<EntityType Name=\"a\">\n  <Property Name=\"x\" Type=\"Edm.String\">\n</EntityType>\n",
    );
    let e = error_of(&xml, &ResolveOptions::default());
    let text = e.to_string();
    assert!(text.starts_with("test.xml:7:"), "{text}");
    assert!(text.contains("malformed XML"), "{text}");
    assert!(text.contains("help:"), "{text}");
    assert!(matches!(*e.kind, ErrorKind::MalformedXml(_)));
}

#[test]
fn truncated_document_is_an_error_not_a_panic() {
    let xml = doc("<EntityType Name=\"a\">");
    let cut = &xml[..xml.len() - TAIL.len()];
    let e = error_of(cut, &ResolveOptions::default());
    assert!(matches!(*e.kind, ErrorKind::MalformedXml(_)), "{e}");
}

#[test]
fn invalid_utf8_is_reported_with_its_position() {
    let mut bytes = doc("<EntityType Name=\"a\"/>\n").into_bytes();
    let at = bytes.len() - TAIL.len() - 5;
    bytes[at] = 0xFF;
    let e = dataverse_codegen::load("test.xml", &bytes, &ResolveOptions::default()).unwrap_err();
    assert_eq!(e.pos.line, 5);
    assert!(e.to_string().contains("not valid UTF-8"), "{e}");
}

#[test]
fn not_a_csdl_document() {
    let e = error_of(
        "<?xml version=\"1.0\"?>\n<html><body/></html>",
        &Default::default(),
    );
    assert_eq!(
        e.to_string().lines().next().unwrap(),
        "test.xml:2:1: error: not a CSDL document: the root element is <html>, expected <edmx:Edmx>"
    );
}

#[test]
fn unknown_type_names_the_type_and_suggests_a_near_one() {
    let (pos, kind) = error(
        "<EntityType Name=\"account\">\n  <Key><PropertyRef Name=\"id\"/></Key>\n  <Property Name=\"id\" Type=\"Edm.Guid\"/>\n  <Property Name=\"address\" Type=\"t.Address\"/>\n</EntityType>\n<ComplexType Name=\"address\"/>\n",
    );
    assert_eq!(pos, "8:3");
    assert_eq!(
        kind.to_string(),
        "type `t.Address` is not defined in this document (did you mean `Test.NS.address`?)"
    );
    assert!(kind.hint().unwrap().contains("--allow-dangling-references"));
}

#[test]
fn unknown_type_is_accepted_with_a_warning_when_dangling_references_are_allowed() {
    let xml = doc(
        "<ComplexType Name=\"c\">\n  <Property Name=\"p\" Type=\"Other.Missing\"/>\n</ComplexType>\n",
    );
    let options = ResolveOptions {
        allow_dangling_references: true,
        ..Default::default()
    };
    let loaded = dataverse_codegen::load("test.xml", xml.as_bytes(), &options).unwrap();
    let w = &loaded.model.warnings[0];
    assert_eq!((w.line, w.column), (6, 3));
    assert!(w.message.contains("Other.Missing"));
}

#[test]
fn unknown_primitive_type() {
    let (pos, kind) = error(
        "<ComplexType Name=\"c\">\n  <Property Name=\"p\" Type=\"Edm.Strin\"/>\n</ComplexType>\n",
    );
    assert_eq!(pos, "6:3");
    assert_eq!(
        kind.to_string(),
        "primitive type `Edm.Strin` is not defined in this document"
    );
}

#[test]
fn duplicate_type_names_point_at_both() {
    let (pos, kind) = error("<ComplexType Name=\"c\"/>\n<EntityType Name=\"c\"/>\n");
    assert_eq!(pos, "6:1");
    assert_eq!(
        kind.to_string(),
        "the name `Test.NS.c` is defined twice; the first definition is at line 5:1"
    );
}

#[test]
fn duplicate_property_names() {
    let (pos, kind) = error(
        "<ComplexType Name=\"c\">\n  <Property Name=\"p\" Type=\"Edm.String\"/>\n  <Property Name=\"p\" Type=\"Edm.Int32\"/>\n</ComplexType>\n",
    );
    assert_eq!(pos, "7:3");
    assert!(kind.to_string().contains("`Test.NS.c/p` is defined twice"));
}

#[test]
fn inheritance_cycle_lists_the_chain() {
    let (pos, kind) = error(
        "<ComplexType Name=\"a\" BaseType=\"t.b\"/>\n<ComplexType Name=\"b\" BaseType=\"t.c\"/>\n<ComplexType Name=\"c\" BaseType=\"Test.NS.a\"/>\n",
    );
    assert_eq!(pos, "5:1");
    assert_eq!(
        kind.to_string(),
        "inheritance cycle: Test.NS.a -> Test.NS.b -> Test.NS.c -> Test.NS.a"
    );
}

#[test]
fn self_inheritance_is_a_cycle() {
    let (_, kind) = error("<EntityType Name=\"a\" BaseType=\"t.a\" Abstract=\"true\"/>\n");
    assert!(matches!(kind, ErrorKind::InheritanceCycle { .. }), "{kind}");
}

#[test]
fn missing_required_attributes() {
    let (pos, kind) = error("<EntityType Name=\"a\">\n  <Property Name=\"p\"/>\n</EntityType>\n");
    assert_eq!(pos, "6:3");
    assert_eq!(kind.to_string(), "<Property> has no `Type` attribute");
    let (pos, kind) = error("\n\n  <EnumType>\n</EnumType>\n");
    assert_eq!(pos, "7:3");
    assert_eq!(kind.to_string(), "<EnumType> has no `Name` attribute");
    let e = error_of(
        "<edmx:Edmx xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\"/>",
        &Default::default(),
    );
    assert_eq!(e.kind.to_string(), "<Edmx> has no `Version` attribute");
}

#[test]
fn invalid_attribute_values() {
    let (pos, kind) = error(
        "<ComplexType Name=\"c\">\n  <Property Name=\"p\" Type=\"Edm.String\" Nullable=\"yes\"/>\n</ComplexType>\n",
    );
    assert_eq!(pos, "6:3");
    assert_eq!(
        kind.to_string(),
        "<Property> has an invalid `Nullable` value \"yes\": expected `true` or `false`"
    );
    let (_, kind) = error(
        "<EnumType Name=\"e\" UnderlyingType=\"Edm.Byte\">\n  <Member Name=\"big\" Value=\"300\"/>\n</EnumType>\n",
    );
    assert!(
        kind.to_string()
            .contains("fits the underlying type (0..=255)"),
        "{kind}"
    );
}

#[test]
fn key_property_that_does_not_exist() {
    let (pos, kind) = error(
        "<EntityType Name=\"a\">\n  <Key>\n    <PropertyRef Name=\"missing\"/>\n  </Key>\n</EntityType>\n",
    );
    assert_eq!(pos, "7:5");
    assert_eq!(
        kind.to_string(),
        "key property of `Test.NS.a` `missing` is not defined in this document"
    );
}

#[test]
fn navigation_property_to_a_complex_type() {
    let (pos, kind) = error(
        "<ComplexType Name=\"c\"/>\n<EntityType Name=\"a\" Abstract=\"true\">\n  <NavigationProperty Name=\"n\" Type=\"t.c\"/>\n</EntityType>\n",
    );
    assert_eq!(pos, "7:3");
    assert_eq!(
        kind.to_string(),
        "`t.c` is a complex type, but an entity type is required here"
    );
}

#[test]
fn keyless_entity_type_warns_by_default_and_fails_when_strict() {
    let xml = doc("<EntityType Name=\"bag\" OpenType=\"true\"/>\n");
    let loaded = dataverse_codegen::load("test.xml", xml.as_bytes(), &Default::default()).unwrap();
    assert_eq!(loaded.model.warnings.len(), 1);
    assert_eq!(loaded.model.warnings[0].line, 5);
    let strict = ResolveOptions {
        strict: true,
        ..Default::default()
    };
    let e = error_of(&xml, &strict);
    assert_eq!((e.pos.line, e.pos.column), (5, 1));
    assert_eq!(
        e.kind.to_string(),
        "entity type `Test.NS.bag` has no key and is not abstract"
    );
    assert!(e.to_string().contains("drop --strict"));
}

#[test]
fn unknown_operation_in_an_import() {
    let xml = doc(
        "<EntityContainer Name=\"c\">\n  <ActionImport Name=\"Go\" Action=\"t.Go\"/>\n</EntityContainer>\n",
    );
    let e = error_of(&xml, &Default::default());
    assert_eq!((e.pos.line, e.pos.column), (6, 3));
    assert_eq!(
        e.kind.to_string(),
        "unbound action `t.Go` is not defined in this document"
    );
}

#[test]
fn cli_exit_codes_and_stderr() {
    let dir = std::env::temp_dir().join(format!("dvcg-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.xml");
    std::fs::write(
        &bad,
        doc("<ComplexType Name=\"c\">\n  <Property Name=\"p\" Type=\"t.Nope\"/>\n</ComplexType>\n"),
    )
    .unwrap();
    let exe = env!("CARGO_BIN_EXE_dataverse-codegen");
    let out = std::process::Command::new(exe)
        .args(["inspect"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.xml:6:3: error: type `t.Nope` is not defined"),
        "{stderr}"
    );
    let out = std::process::Command::new(exe)
        .args(["inspect", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = std::process::Command::new(exe)
        .args(["inspect"])
        .arg(dir.join("missing.xml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the file"));
    std::fs::remove_dir_all(&dir).ok();
}
