//! Containment (contained collections of a singleton and of an entity, a contained single
//! entity, a bound action on a contained entity), operations bound to something other than an
//! entity (a complex value, a collection of them, a primitive value), and a singleton of a
//! key-less type, on the wire: the `graph` SDK of build.rs
//! (`codegen/tests/fixtures/real-service-constructs.xml`). Method, path, query, headers and body
//! are checked whole.

#[path = "../runtime/tests/common/mod.rs"]
mod common;

use dataverse_e2e::graph::*;
use dataverse_runtime::{DateTimeOffset, EntityPath, Field, Literal};
use serde_json::json;

fn line(sent: &common::Recorded) -> String {
    match &sent.query {
        Some(query) => format!("{} {}?{}", sent.method, sent.rel(), query),
        None => format!("{} {}", sent.method, sent.rel()),
    }
}

fn reminder_path() -> EntityPath {
    EntityPath::set("items")
        .key(Literal::from("a/b"))
        .property("r")
}

#[tokio::test]
async fn an_action_bound_to_a_complex_value() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_json(200, &json!({"at": "2026-12-02T10:00:00Z"}));
    let snoozed = service
        .snooze(reminder_path(), &SnoozeRequest::new(15))
        .await
        .unwrap();
    assert_eq!(
        snoozed.at,
        Field::Value("2026-12-02T10:00:00Z".parse::<DateTimeOffset>().unwrap())
    );
    let sent = mock.only_request();
    sent.assert_protocol_headers();
    // The key's `/` is encoded: it cannot add a segment.
    assert_eq!(line(&sent), "POST items('a%2Fb')/r/Graph.snooze");
    assert_eq!(sent.body_str(), r#"{"minutes":15}"#);
}

#[tokio::test]
async fn functions_bound_to_a_collection_of_complex_values_and_to_a_string() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_json(200, &json!({"value": [{"at": "2026-12-01T00:00:00Z"}]}));
    mock.respond_json(200, &json!({"value": "HELLO"}));
    let due = service
        .due(
            reminder_path(),
            &DueRequest::new("2026-12-02T00:00:00Z".parse().unwrap()),
        )
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    let shouted = service
        .shout(
            EntityPath::set("items")
                .key(Literal::from("a"))
                .property("id"),
        )
        .await
        .unwrap();
    assert_eq!(shouted, "HELLO");
    let sent = mock.requests();
    for request in &sent {
        request.assert_protocol_headers();
        assert!(request.body.is_empty());
    }
    assert_eq!(
        line(&sent[0]),
        "GET items('a%2Fb')/r/Graph.due(before=@p1)?@p1=2026-12-02T00:00:00Z"
    );
    assert_eq!(line(&sent[1]), "GET items('a')/id/Graph.shout()");
}

#[tokio::test]
async fn a_singleton_of_a_key_less_type_and_an_operation_named_like_a_type() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_json(200, &json!({"name": "root"}));
    mock.respond_204();
    let root = service.root().get().await.unwrap();
    assert_eq!(root.name, Field::Value("root".to_string()));
    service.item(&ItemRequest::new().x(3)).await.unwrap();
    let sent = mock.requests();
    assert_eq!(line(&sent[0]), "GET root");
    sent[1].assert_protocol_headers();
    assert_eq!(line(&sent[1]), "POST item");
    assert_eq!(sent[1].body_str(), r#"{"x":3}"#);
}

#[tokio::test]
async fn contained_collections_and_entities_are_reached_by_their_path() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    let created = format!("{}root/notes('n1')", mock.root());
    mock.respond(204, &[("OData-EntityId", created.as_str())], "");
    mock.respond_json(200, &json!({"id": "n1", "text": "hello"}));
    mock.respond_204();
    mock.respond_204();
    mock.respond_json(200, &json!({"value": [{"id": "n2"}]}));
    mock.respond_204();
    mock.respond_json(200, &json!({"id": "s", "text": "dark"}));
    let note = Note {
        id: Field::Value("n1".into()),
        text: Field::Value("hello".into()),
        ..Default::default()
    };
    service.root().notes().create(&note).await.unwrap();
    let read = service.root().notes().get("n1".to_string()).await.unwrap();
    assert_eq!(read.text, Field::Value("hello".to_string()));
    let change = Note {
        text: Field::Value("changed".into()),
        ..Default::default()
    };
    service
        .root()
        .notes()
        .update("n1".to_string(), &change)
        .await
        .unwrap();
    service
        .root()
        .notes()
        .delete("n1".to_string())
        .await
        .unwrap();
    let page = service
        .items()
        .entity("a".to_string())
        .notes()
        .query()
        .select(Note::TEXT)
        .top(2)
        .await
        .unwrap();
    assert_eq!(page.value.len(), 1);
    service
        .root()
        .notes()
        .entity("n2".to_string())
        .pin()
        .await
        .unwrap();
    let settings = service.root().settings().get().await.unwrap();
    assert_eq!(settings.text, Field::Value("dark".to_string()));
    let sent = mock.requests();
    let lines: Vec<String> = sent.iter().map(line).collect();
    assert_eq!(
        lines,
        [
            "POST root/notes",
            "GET root/notes('n1')",
            "PATCH root/notes('n1')",
            "DELETE root/notes('n1')",
            "GET items('a')/notes?$select=text&$top=2",
            "POST root/notes('n2')/Graph.pin",
            "GET root/settings",
        ]
    );
    for request in &sent {
        request.assert_protocol_headers();
    }
    assert_eq!(sent[0].body_str(), r#"{"id":"n1","text":"hello"}"#);
    assert_eq!(sent[2].header("if-match"), Some("*"));
    assert_eq!(sent[2].body_str(), r#"{"text":"changed"}"#);
    assert!(
        sent[5].body.is_empty() || sent[5].body_str() == "{}",
        "{}",
        sent[5].body_str()
    );
}

#[tokio::test]
async fn a_lookup_whose_binding_target_is_a_path_binds_to_the_contained_entity() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    let created = format!("{}items('i1')", mock.root());
    mock.respond(204, &[("OData-EntityId", created.as_str())], "");
    // `NavigationPropertyBinding Path="pinned" Target="C/root/notes"`: a typed lookup into the
    // contained collection, bound by its path.
    let mut item = Item {
        id: Field::Value("i1".into()),
        ..Default::default()
    };
    item.bind(Item::PINNED, "n/1".to_string());
    service.items().create(&item).await.unwrap();
    let sent = mock.only_request();
    sent.assert_protocol_headers();
    assert_eq!(line(&sent), "POST items");
    assert_eq!(
        sent.body_str(),
        r#"{"id":"i1","pinned@odata.bind":"/root/notes('n%2F1')"}"#
    );
}
