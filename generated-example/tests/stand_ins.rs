//! A navigation property is a field whether or not its target's entity-set feature is on: with
//! the feature, its expanded value decodes as the target type; without it, as untyped JSON.
//! `codegen/tests/generated_example.rs` runs this with all features and with `letters` alone.
#![cfg(feature = "letters")]

use dataverse_example::entities::Letter;
use dataverse_runtime::codegen::serde_json;

const LETTER: &str = r#"{
    "activityid": "00000000-0000-0000-0000-000000000001",
    "subject": "Renewal",
    "regardingobjectid_account": {
        "accountid": "00000000-0000-0000-0000-000000000002",
        "name": "Contoso"
    }
}"#;

#[test]
fn an_expanded_navigation_property_is_kept_and_written_back() {
    let letter: Letter = serde_json::from_str(LETTER).unwrap();
    let expanded = &letter.regardingobjectid_account;
    assert_eq!(
        expanded.json().unwrap(),
        r#"{
        "accountid": "00000000-0000-0000-0000-000000000002",
        "name": "Contoso"
    }"#
    );
    let account = expanded.get().unwrap().unwrap();
    #[cfg(feature = "accounts")]
    assert_eq!(account.name.value().map(String::as_str), Some("Contoso"));
    #[cfg(not(feature = "accounts"))]
    assert_eq!(
        account.extra.get("name").map(|v| v.get()),
        Some(r#""Contoso""#)
    );
}
