//! What a generated record keeps besides its declared fields: `extra` (unknown properties and
//! annotations, raw, in the order received) and its navigation properties (`Expanded<T>`: unset,
//! null or the JSON of the expansion), read from and written back to JSON exactly.

use dataverse_e2e::dataverse::support::{Annotated, Expanded, Extra};
use dataverse_e2e::dataverse::*;
use dataverse_runtime::Field;
use dataverse_runtime::codegen::serde_json::value::RawValue;

/// An account as Dataverse sends it with `odata.include-annotations="*"`, an unknown column and
/// two navigation properties: one expanded, one null.
const ACCOUNT: &str = r#"{"@odata.etag":"W/\"1001\"","name":"Contoso","new_score":12.50,"name@OData.Community.Display.V1.FormattedValue":"Contoso","_primarycontactid_value":"00000000-0000-0000-0000-000000000109","_primarycontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname":"contact","primarycontactid":{"contactid":"00000000-0000-0000-0000-000000000109","fullname":"Yvonne McKay"},"parentaccountid":null}"#;

fn raw(json: &str) -> Box<RawValue> {
    RawValue::from_string(json.to_string()).unwrap()
}

#[test]
fn extra_keeps_unknown_members_raw_and_in_the_order_received() {
    let account: Account = serde_json::from_str(ACCOUNT).unwrap();
    let keys: Vec<&str> = account.extra.keys().collect();
    assert_eq!(
        keys,
        [
            "@odata.etag",
            "new_score",
            "name@OData.Community.Display.V1.FormattedValue",
            "_primarycontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname",
        ]
    );
    // Raw: the number keeps its digits.
    assert_eq!(account.extra["new_score"].get(), "12.50");
    assert_eq!(account.extra.get("absent").map(RawValue::get), None);
    assert_eq!(account.formatted_value("name").as_deref(), Some("Contoso"));
    assert_eq!(
        account
            .lookup_logical_name("_primarycontactid_value")
            .as_deref(),
        Some("contact")
    );
    // An annotation of another property with the same term is not this one's.
    assert_eq!(account.formatted_value("nam"), None);
    assert_eq!(account.etag().map(|e| e.0).as_deref(), Some("W/\"1001\""));
}

#[test]
fn extra_inserts_replace_removes_and_compares_in_any_order() {
    let mut a = Extra::default();
    assert!(a.is_empty());
    assert!(a.insert("x".into(), raw("1")).is_none());
    assert!(a.insert("y".into(), raw("\"two\"")).is_none());
    let old = a.insert("x".into(), raw("3")).expect("x was there");
    assert_eq!(old.get(), "1");
    assert_eq!(a.len(), 2);
    assert_eq!(
        a.iter().map(|(k, v)| (k, v.get())).collect::<Vec<_>>(),
        [("x", "3"), ("y", "\"two\"")]
    );

    let mut b = Extra::default();
    b.insert("y".into(), raw("\"two\""));
    b.insert("x".into(), raw("3"));
    assert_eq!(a, b, "the same members in another order");
    b.insert("x".into(), raw("3.0"));
    assert_ne!(a, b, "compared by text");
    assert_eq!(
        b.remove("x").map(|v| v.get().to_string()).as_deref(),
        Some("3.0")
    );
    assert!(!b.contains_key("x"));
    assert_eq!(
        format!("{a:?}"),
        r#"{"x": RawValue(3), "y": RawValue("two")}"#
    );
}

#[test]
#[should_panic(expected = "no entry `absent` in `extra`")]
fn indexing_extra_by_an_absent_key_panics_as_a_map_does() {
    let account: Account = serde_json::from_str(ACCOUNT).unwrap();
    let _ = account.extra["absent"].get();
}

#[test]
fn expanded_is_unset_null_or_the_json_received_and_one_pointer_wide() {
    assert_eq!(
        std::mem::size_of::<Expanded<Contact>>(),
        std::mem::size_of::<usize>()
    );
    let account: Account = serde_json::from_str(ACCOUNT).unwrap();
    assert!(matches!(*account.primarycontactid, Field::Value(_)));
    assert!(account.parentaccountid.is_null());
    assert_eq!(account.parentaccountid.json(), None);
    assert!(account.masterid.is_unset(), "not in the payload");
    let contact = account.primarycontactid.get().expect("expanded").unwrap();
    assert_eq!(contact.fullname, Field::Value("Yvonne McKay".to_string()));
    assert_eq!(
        account.primarycontactid.json(),
        Some(r#"{"contactid":"00000000-0000-0000-0000-000000000109","fullname":"Yvonne McKay"}"#)
    );
    // Written back as read: members in order (declared fields first, then `extra`), the
    // expansion byte for byte, the unset navigation absent.
    let written = serde_json::to_value(&account).unwrap();
    assert_eq!(written["primarycontactid"]["fullname"], "Yvonne McKay");
    assert!(written["parentaccountid"].is_null());
    assert!(written.get("masterid").is_none());
    assert!(
        serde_json::to_string(&account)
            .unwrap()
            .contains(r#""new_score":12.50"#)
    );
    let again: Account = serde_json::from_value(written).unwrap();
    assert_eq!(again.primarycontactid, account.primarycontactid);
}

/// A payload that repeats a key (JSON allows it; services do not send it): both entries are kept
/// and written back, and `get`, `insert` and `remove` all work on the last one, as a map that
/// reads the object keeps the last value.
#[test]
fn a_repeated_key_is_kept_twice_and_the_last_one_is_the_value() {
    let mut account: Account = serde_json::from_str(r#"{"new_x":1,"name":"A","new_x":2}"#).unwrap();
    assert_eq!(account.extra.len(), 2);
    assert_eq!(account.extra["new_x"].get(), "2");
    assert_eq!(
        serde_json::to_string(&account).unwrap(),
        r#"{"name":"A","new_x":1,"new_x":2}"#
    );
    let old = account.extra.insert("new_x".into(), raw("3")).unwrap();
    assert_eq!(old.get(), "2");
    assert_eq!(account.extra["new_x"].get(), "3");
    assert_eq!(account.extra.remove("new_x").unwrap().get(), "3");
    assert_eq!(account.extra["new_x"].get(), "1");
}
