//! Input as servers really send it, and as a fuzzer sends it: one-line documents, deep nesting,
//! empty and repeated keys, control characters in names and descriptions, redeclared inherited
//! properties, bad API versions. Every document here is made by the test. Generated code from
//! these documents is compiled by `generated_corpus.rs` (its `hostile_documents`).

use dataverse_codegen::{ErrorKind, GenerateOptions, ResolveOptions, load};

const HEAD: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
<edmx:DataServices>
<Schema Namespace="Test.NS" xmlns="http://docs.oasis-open.org/odata/ns/edm">
"#;
const TAIL: &str = "</Schema>\n</edmx:DataServices>\n</edmx:Edmx>\n";

fn doc(body: &str) -> String {
    format!("{HEAD}{body}{TAIL}")
}

fn error(xml: &str) -> dataverse_codegen::Error {
    match load("test.xml", xml.as_bytes(), &ResolveOptions::default()) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

/// `depth` nested copies of `open`/`close` around `inner`.
fn nested(open: &str, close: &str, inner: &str, depth: usize) -> String {
    let mut text = String::with_capacity(depth * (open.len() + close.len()) + inner.len());
    for _ in 0..depth {
        text.push_str(open);
    }
    text.push_str(inner);
    for _ in 0..depth {
        text.push_str(close);
    }
    text
}

fn annotated(expression: &str) -> String {
    doc(&format!(
        "<EntityType Name=\"a\"><Key><PropertyRef Name=\"id\"/></Key>\
         <Property Name=\"id\" Type=\"Edm.Int32\" Nullable=\"false\"/>\
         <Annotation Term=\"Org.OData.Core.V1.Description\">{expression}</Annotation></EntityType>\n"
    ))
}

#[test]
fn deep_nesting_of_each_kind_is_an_error_not_an_abort() {
    let depth = 100_000;
    let cases = [
        (
            "Record/PropertyValue",
            annotated(&nested(
                "<Record><PropertyValue Property=\"p\">",
                "</PropertyValue></Record>",
                "<String>x</String>",
                depth,
            )),
        ),
        (
            "Collection",
            annotated(&nested("<Collection>", "</Collection>", "", depth)),
        ),
        (
            "If",
            annotated(&nested(
                "<If><Bool>true</Bool>",
                "<Null/></If>",
                "<Null/>",
                depth,
            )),
        ),
        (
            "elements CSDL does not define",
            doc(&nested("<Unknown>", "</Unknown>", "", depth)),
        ),
    ];
    for (kind, xml) in cases {
        let e = error(&xml);
        assert!(
            matches!(&*e.kind, ErrorKind::TooDeep { limit, .. } if *limit == dataverse_codegen::parse::MAX_DEPTH),
            "{kind}: {e}"
        );
        assert!(e.pos.line > 0 && e.pos.column > 0, "{kind}: {e}");
        assert!(
            e.to_string().contains("nested 256 elements deep"),
            "{kind}: {e}"
        );
    }
}

#[test]
fn nesting_within_the_limit_is_read() {
    let xml = annotated(&nested(
        "<Collection>",
        "</Collection>",
        "<String>x</String>",
        200,
    ));
    load("test.xml", xml.as_bytes(), &ResolveOptions::default()).unwrap();
}

#[test]
fn positions_on_a_one_line_document_are_exact() {
    // The v9.1 document with the white space between tags removed: one line of 2.4 MB.
    let pretty = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../metadata/dataverse-v9.1.xml"),
    )
    .unwrap();
    let one_line = one_line(&pretty);
    assert_eq!(one_line.lines().count(), 1);
    let a = load("pretty.xml", pretty.as_bytes(), &ResolveOptions::default()).unwrap();
    let b = load(
        "one-line.xml",
        one_line.as_bytes(),
        &ResolveOptions::default(),
    )
    .unwrap();
    assert_eq!(a.model.entity_types.len(), b.model.entity_types.len());
    assert_eq!(a.model.operations.len(), b.model.operations.len());
    // Every position is on line 1, at the column where the element starts.
    let last = b.model.entity_types.last().unwrap();
    assert_eq!(last.pos.line, 1);
    let at = one_line
        .match_indices(&format!("<EntityType Name=\"{}\"", last.name.name))
        .next()
        .unwrap()
        .0;
    assert_eq!(last.pos.column as usize, one_line[..at].chars().count() + 1);
    // An error deep in a one-line document points at its column.
    let broken = one_line.replacen("<Property Name=\"name\"", "<Property Nome=\"name\"", 1);
    let e = error(&broken);
    let at = broken.find("<Property Nome=").unwrap();
    assert_eq!(
        (e.pos.line, e.pos.column as usize),
        (1, broken[..at].chars().count() + 1)
    );
}

/// The document with the white space between tags removed (as many services send it).
pub fn one_line(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut pending = String::new();
    let mut after_tag = false;
    for c in xml.chars() {
        if after_tag && c.is_whitespace() {
            pending.push(c);
            continue;
        }
        if after_tag && c != '<' {
            out.push_str(&pending);
        }
        pending.clear();
        out.push(c);
        after_tag = c == '>';
    }
    out
}

#[test]
fn an_empty_key_and_a_second_key_are_errors_at_their_line() {
    let e = error(&doc(
        "<EntityType Name=\"a\">\n<Key/>\n<Property Name=\"id\" Type=\"Edm.Int32\"/>\n</EntityType>\n",
    ));
    assert!(
        matches!(&*e.kind, ErrorKind::EmptyKey { name } if name == "a"),
        "{e}"
    );
    assert_eq!((e.pos.line, e.pos.column), (6, 1), "{e}");
    let e = error(&doc(
        "<EntityType Name=\"a\">\n<Key><PropertyRef Name=\"id\"/></Key>\n\
         <Key><PropertyRef Name=\"x\"/></Key>\n<Property Name=\"id\" Type=\"Edm.Int32\"/>\n\
         <Property Name=\"x\" Type=\"Edm.Int32\"/>\n</EntityType>\n",
    ));
    assert!(
        matches!(&*e.kind, ErrorKind::Duplicate { first, .. } if first.line == 6),
        "{e}"
    );
    assert_eq!(e.pos.line, 7, "{e}");
}

#[test]
fn a_control_character_in_a_name_is_an_error() {
    let e = error(&doc(
        "<EntityType Name=\"a&#xD;b\"><Key><PropertyRef Name=\"id\"/></Key>\
         <Property Name=\"id\" Type=\"Edm.Int32\"/></EntityType>\n",
    ));
    assert!(
        matches!(&*e.kind, ErrorKind::InvalidAttribute { attribute, .. } if attribute == "Name"),
        "{e}"
    );
    assert!(e.to_string().contains("control characters"), "{e}");
}

#[test]
fn a_redeclared_inherited_property_is_read_once_with_a_warning() {
    let xml = doc(
        "<EntityType Name=\"base\"><Key><PropertyRef Name=\"id\"/></Key>\
         <Property Name=\"id\" Type=\"Edm.Int32\" Nullable=\"false\"/>\
         <Property Name=\"name\" Type=\"Edm.String\"/></EntityType>\n\
         <EntityType Name=\"derived\" BaseType=\"Test.NS.base\">\
         <Property Name=\"name\" Type=\"Edm.String\"/></EntityType>\n",
    );
    let loaded = load("test.xml", xml.as_bytes(), &ResolveOptions::default()).unwrap();
    let derived = &loaded.model.entity_types[1];
    assert!(derived.properties.is_empty());
    assert_eq!(loaded.model.all_properties(derived).len(), 2);
    let warning = loaded
        .model
        .warnings
        .iter()
        .find(|w| w.message.contains("redeclares"))
        .unwrap();
    assert!(
        warning
            .message
            .contains("`Test.NS.derived` redeclares `name`"),
        "{}",
        warning.message
    );
    let files =
        dataverse_codegen::generate("test.xml", xml.as_bytes(), &GenerateOptions::default())
            .unwrap();
    let derived = &files["entities/derived.rs"];
    assert_eq!(derived.matches("pub name: ").count(), 1, "{derived}");
    assert!(!derived.contains("name_2"));
}

#[test]
fn carriage_returns_in_descriptions_never_reach_a_doc_comment() {
    let xml = doc(
        "<EntityType Name=\"a\"><Key><PropertyRef Name=\"id\"/></Key>\
         <Property Name=\"id\" Type=\"Edm.Int32\" Nullable=\"false\">\
         <Annotation Term=\"Org.OData.Core.V1.Description\" String=\"one&#xD;two&#xD;&#xA;three\"/>\
         </Property></EntityType>\n",
    );
    let files =
        dataverse_codegen::generate("test.xml", xml.as_bytes(), &GenerateOptions::default())
            .unwrap();
    for (path, text) in &files {
        assert!(!text.contains('\r'), "{path}");
    }
    let a = &files["entities/a.rs"];
    assert!(
        a.contains("/// one\n") && a.contains("/// two\n") && a.contains("/// three\n"),
        "{a}"
    );
}

#[test]
fn an_api_version_that_is_not_one_is_refused() {
    let xml = doc(
        "<EntityType Name=\"a\"><Key><PropertyRef Name=\"id\"/></Key>\
         <Property Name=\"id\" Type=\"Edm.Int32\" Nullable=\"false\"/></EntityType>\n",
    );
    for bad in ["../x", "v9.2\r", "9.2", "v", "v9..2", "v9.2/"] {
        let options = GenerateOptions {
            api_version: Some(bad.into()),
            ..Default::default()
        };
        let e = dataverse_codegen::generate("test.xml", xml.as_bytes(), &options).unwrap_err();
        assert!(
            e.to_string().contains("must be a Web API version"),
            "{bad:?}: {e}"
        );
    }
    let options = GenerateOptions {
        api_version: Some("v9.2".into()),
        ..Default::default()
    };
    dataverse_codegen::generate("test.xml", xml.as_bytes(), &options).unwrap();
    let e = dataverse_codegen::config::Config::parse(
        "c.toml",
        "api_version = \"../x\"\n",
        std::path::Path::new(""),
    )
    .unwrap_err();
    assert_eq!(e.pos.line, 1, "{e}");
    assert!(e.to_string().contains("must be a Web API version"), "{e}");
}

/// A chain of `n` entity types, each deriving from the previous one and declaring two
/// properties.
fn inheritance_chain(n: usize) -> String {
    let mut body = String::from(
        "<EntityType Name=\"t0\"><Key><PropertyRef Name=\"id\"/></Key>\
         <Property Name=\"id\" Type=\"Edm.Int32\" Nullable=\"false\"/></EntityType>\n",
    );
    for i in 1..n {
        body.push_str(&format!(
            "<EntityType Name=\"t{i}\" BaseType=\"Test.NS.t{}\"><Property Name=\"p{i}\" \
             Type=\"Edm.String\"/><Property Name=\"q{i}\" Type=\"Edm.Int32\"/></EntityType>\n",
            i - 1
        ));
    }
    body.push_str("<EntityContainer Name=\"C\"><EntitySet Name=\"roots\" EntityType=\"Test.NS.t0\"/></EntityContainer>\n");
    doc(&body)
}

fn output_bytes(xml: &str) -> usize {
    dataverse_codegen::generate("chain.xml", xml.as_bytes(), &GenerateOptions::default())
        .unwrap()
        .values()
        .map(String::len)
        .sum()
}

#[test]
fn a_long_inheritance_chain_costs_output_linear_in_its_members() {
    // 8 times the members: linear output is about 8 times the bytes, quadratic 64 times.
    let small = output_bytes(&inheritance_chain(50));
    let large = output_bytes(&inheritance_chain(400));
    assert!(
        large < 9 * small,
        "50 types: {small} bytes, 400 types: {large} bytes ({:.1}x)",
        large as f64 / small as f64
    );
    // Types deeper than FLATTEN_DEPTH hold their base and deref to it.
    let files = dataverse_codegen::generate(
        "chain.xml",
        inheritance_chain(12).as_bytes(),
        &GenerateOptions::default(),
    )
    .unwrap();
    let deep = &files["entities/t11.rs"];
    assert!(deep.contains("pub base: T10,"), "{deep}");
    assert!(deep.contains("impl Deref for T11"), "{deep}");
    assert_eq!(deep.matches("pub p").count(), 1, "only its own p11: {deep}");
    let shallow = &files["entities/t8.rs"];
    assert!(!shallow.contains("pub base:"));
    assert_eq!(
        shallow.matches("pub p").count(),
        8,
        "p1..p8 flattened: {shallow}"
    );
}
