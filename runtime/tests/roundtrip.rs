//! Read, change one field, write back: exactly one field goes out, nothing is lost.

mod common;

use common::{Mock, uuid};
use dataverse_runtime::{
    Decimal, ETagMatch, EntityPath, Extra, ExtraExt, Field, Query, RequestOptions, Tracked,
};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Default, Debug, Clone)]
struct Account {
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    name: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    creditlimit: Field<Decimal>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    new_bigcounter: Field<i64>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    description: Field<String>,
    #[serde(flatten)]
    extra: Extra,
}

const RECORD: &str = r#"{"@odata.context":"https://org/api/data/v9.2/$metadata#accounts/$entity","@odata.etag":"W/\"4711\"","name":"Contoso","creditlimit":12345678901234.1234567890,"creditlimit@OData.Community.Display.V1.FormattedValue":"$12,345,678,901,234.12","new_bigcounter":9007199254740993,"description":null,"new_unknowntext":"kept","new_unknowndecimal":98765432109876.5432109876,"_primarycontactid_value":"00000000-0000-0000-0000-000000000002","_primarycontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname":"contact","accountid":"00000000-0000-0000-0000-000000000001"}"#;

#[tokio::test]
async fn read_change_one_field_write_back_sends_one_field() {
    let m = Mock::start().await;
    m.respond(200, &[("content-type", "application/json")], RECORD);
    m.respond_204();
    let c = m.client();
    let path = EntityPath::entity("accounts", uuid(1));
    let mut acc: Tracked<Account> = c
        .retrieve(&path, &Query::new(), &RequestOptions::new())
        .await
        .unwrap();

    // Exact values, typed.
    assert_eq!(
        acc.creditlimit.value().unwrap().as_str(),
        "12345678901234.1234567890"
    );
    assert_eq!(acc.new_bigcounter, Field::Value(9007199254740993));
    assert_eq!(acc.description, Field::Null);
    assert_eq!(
        acc.extra.lookup_logical_name("_primarycontactid_value"),
        Some("contact")
    );
    assert_eq!(
        acc.extra.formatted_value("creditlimit"),
        Some("$12,345,678,901,234.12")
    );
    // Unknown properties are kept, byte for byte in the original.
    assert_eq!(acc.extra["new_unknowntext"], "kept");
    assert_eq!(
        acc.original()["new_unknowndecimal"].get(),
        "98765432109876.5432109876"
    );

    // Nothing changed yet: nothing to send.
    assert!(acc.changes().unwrap().is_empty());

    acc.name = Field::Value("Contoso Ltd".into());
    let changes = acc.changes().unwrap();
    let etag = acc.etag().unwrap();
    assert_eq!(etag.as_str(), "W/\"4711\"");
    c.update(
        &path,
        &changes,
        &RequestOptions::new().if_match(ETagMatch::Tag(etag)),
    )
    .await
    .unwrap();
    let reqs = m.requests();
    assert_eq!(reqs[1].method, "PATCH");
    assert_eq!(reqs[1].body_str(), r#"{"name":"Contoso Ltd"}"#);
    assert_eq!(reqs[1].header("if-match"), Some("W/\"4711\""));

    acc.commit().unwrap();
    assert!(acc.changes().unwrap().is_empty());
}

#[test]
fn decimal_and_int64_survive_a_full_write() {
    let acc: Account = serde_json::from_str(RECORD).unwrap();
    let out = serde_json::to_string(&acc).unwrap();
    assert!(
        out.contains(r#""creditlimit":12345678901234.1234567890"#),
        "{out}"
    );
    assert!(
        out.contains(r#""new_bigcounter":9007199254740993"#),
        "{out}"
    );
    assert!(out.contains(r#""description":null"#), "{out}");
}

#[tokio::test]
async fn decimal_goes_out_exactly_in_set_property_and_create() {
    let m = Mock::start().await;
    m.respond_204();
    let c = m.client();
    let d: Decimal = "12345678901234.1234567890".parse().unwrap();
    c.set_property(
        &EntityPath::entity("accounts", uuid(1)),
        "creditlimit",
        &d,
        &RequestOptions::new(),
    )
    .await
    .unwrap();
    assert_eq!(
        m.only_request().body_str(),
        r#"{"value":12345678901234.1234567890}"#
    );
}

#[test]
fn changes_include_new_fields_and_binds_but_never_annotations() {
    #[derive(Serialize, Deserialize, Default)]
    struct Contact {
        #[serde(default, skip_serializing_if = "Field::is_unset")]
        lastname: Field<String>,
        #[serde(
            rename = "parentcustomerid_account@odata.bind",
            default,
            skip_serializing_if = "Field::is_unset"
        )]
        parent: Field<dataverse_runtime::Bind>,
        #[serde(
            rename = "@odata.etag",
            default,
            skip_serializing_if = "Option::is_none"
        )]
        etag: Option<String>,
    }
    let mut t: Tracked<Contact> =
        Tracked::from_json(r#"{"@odata.etag":"W/\"1\"","lastname":"A"}"#).unwrap();
    t.etag = Some("changed".into());
    t.parent = Field::Value(dataverse_runtime::Bind::to("accounts", uuid(3)));
    t.lastname = Field::Null;
    let body = serde_json::to_string(&t.changes().unwrap()).unwrap();
    assert_eq!(
        body,
        r#"{"lastname":null,"parentcustomerid_account@odata.bind":"/accounts(00000000-0000-0000-0000-000000000003)"}"#
    );
}
