//! The requests Microsoft's Dataverse Web API documents show, reproduced through the generated
//! SDK (the build.rs SDK of the root package) against the runtime's local test server, each
//! asserted whole: method, path and query, the headers the documents name, and the exact body.
//!
//! | document | request | test |
//! |---|---|---|
//! | Associate and disassociate table rows | `POST accounts(id)/Account_Annotation/$ref` (mixed-case name, 1:N) | `associate_through_a_mixed_case_navigation_name` |
//! | Associate and disassociate table rows | `POST systemusers(id)/systemuserroles_association/$ref` (N:N) | `associate_many_to_many` |
//! | Associate and disassociate table rows | `PUT opportunities(id)/customerid_account/$ref`, `DELETE .../customerid_account/$ref` | `set_and_clear_a_lookup_through_ref` |
//! | Associate and disassociate table rows | `POST`/`DELETE accounts(id)/account_parent_account(id)/$ref` | `tests/generated_wire.rs` `associate_and_disassociate_two_accounts` |
//! | Use Web API actions | `AddMembersTeam` with `ownerid` | `tests/generated_wire.rs` `add_members_team_sends_typed_system_users_by_their_key` |
//! | Use Web API actions | `RemoveMembersTeam` with `ownerid` | `remove_members_team_by_key` |
//! | Use Web API actions | `AddToQueue` with a letter by `activityid` | `tests/generated_wire.rs` `add_to_queue_is_bound_to_the_queue_and_types_the_letter` |
//! | Use Web API actions | `WinOpportunity` (a new `opportunityclose` with a bind) | `tests/generated_wire.rs` `win_opportunity_sends_the_close_with_its_lookup_and_type` |
//! | Use Web API actions | an action bound to an entity set (`salesorders/Microsoft.Dynamics.CRM.FulfillSalesOrder`) | `action_bound_to_an_entity_set` |
//! | Update and delete table rows | `PUT accounts(id)/name` `{"value": ...}`, `DELETE accounts(id)/description` | `single_property_put_and_delete` |
//! | Update and delete table rows | `PATCH accounts(id)?$select=...` with `Prefer: return=representation` → 200 with the record | `update_returning_the_record` |
//! | Update and delete table rows | upsert with `Prefer: return=representation` → 201 with the record | `upsert_returning_the_record` |
//! | Perform conditional operations | `GET accounts(id)?$select=...` with `If-None-Match` → 304 / 200 | `conditional_get_unchanged_and_modified` |
//! | Detect duplicate data | `POST leads` with `MSCRM.SuppressDuplicateDetection: false` → `0x80040333` (412 and 500) | `duplicate_detection_on_create_and_its_typed_error` |
//! | Compose HTTP requests and handle errors | an error whose `code` is empty | `an_error_with_an_empty_code_is_a_typed_service_error` |
//! | Compose HTTP requests and handle errors | the service root `[org]/api/data/v9.x/` | `the_service_root_of_an_organisation` |
//! | (read, change, update) | `GET` with lookups, formatted values and an etag, then `PATCH` with one field | `round_trip_sends_only_the_changed_field` |

#[path = "../runtime/tests/common/mod.rs"]
mod common;

use dataverse_e2e::dataverse::support::EntityValue;
use dataverse_e2e::dataverse::*;
use dataverse_runtime::codegen::uuid::Uuid;
use dataverse_runtime::{Annotations, Conditional, ETag, Error, Field, if_match};
use serde_json::json;

const ACCOUNT: &str = "00000000-0000-0000-0000-0000000000f7";
const ANNOTATION: &str = "00000000-0000-0000-0000-00000000010a";
const USER: &str = "00000000-0000-0000-0000-0000000000e5";
const ROLE: &str = "00000000-0000-0000-0000-0000000000a9";
const TEAM: &str = "00000000-0000-0000-0000-0000000000d4";
const OPPORTUNITY: &str = "00000000-0000-0000-0000-0000000000a1";
const CONTACT: &str = "00000000-0000-0000-0000-000000000109";

fn id(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap()
}

/// `METHOD path?query` of a recorded request.
fn line(sent: &common::Recorded) -> String {
    match &sent.query {
        Some(query) => format!("{} {}?{}", sent.method, sent.rel(), query),
        None => format!("{} {}", sent.method, sent.rel()),
    }
}

#[tokio::test]
async fn associate_through_a_mixed_case_navigation_name() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_204();
    service
        .accounts()
        .entity(id(ACCOUNT))
        .associate(Account::ACCOUNT_ANNOTATION, id(ANNOTATION))
        .await
        .unwrap();
    let sent = mock.only_request();
    sent.assert_protocol_headers();
    assert_eq!(
        line(&sent),
        format!("POST accounts({ACCOUNT})/Account_Annotation/$ref")
    );
    assert_eq!(
        sent.json(),
        json!({"@odata.id": format!("{}annotations({ANNOTATION})", mock.root())})
    );
}

#[tokio::test]
async fn associate_many_to_many() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_204();
    mock.respond_204();
    let user = service.systemusers().entity(id(USER));
    user.associate(Systemuser::SYSTEMUSERROLES_ASSOCIATION, id(ROLE))
        .await
        .unwrap();
    user.disassociate(Systemuser::SYSTEMUSERROLES_ASSOCIATION, id(ROLE))
        .await
        .unwrap();
    let sent = mock.requests();
    assert_eq!(
        line(&sent[0]),
        format!("POST systemusers({USER})/systemuserroles_association/$ref")
    );
    assert_eq!(
        sent[0].json(),
        json!({"@odata.id": format!("{}roles({ROLE})", mock.root())})
    );
    assert_eq!(
        line(&sent[1]),
        format!("DELETE systemusers({USER})/systemuserroles_association({ROLE})/$ref")
    );
    assert!(sent[1].body.is_empty());
    for request in &sent {
        request.assert_protocol_headers();
    }
}

#[tokio::test]
async fn set_and_clear_a_lookup_through_ref() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_204();
    mock.respond_204();
    let opportunity = service.opportunities().entity(id(OPPORTUNITY));
    opportunity
        .set_lookup(Opportunity::CUSTOMERID_ACCOUNT, id(ACCOUNT))
        .await
        .unwrap();
    opportunity
        .clear_lookup(Opportunity::CUSTOMERID_ACCOUNT)
        .await
        .unwrap();
    let sent = mock.requests();
    assert_eq!(
        line(&sent[0]),
        format!("PUT opportunities({OPPORTUNITY})/customerid_account/$ref")
    );
    assert_eq!(
        sent[0].json(),
        json!({"@odata.id": format!("{}accounts({ACCOUNT})", mock.root())})
    );
    assert_eq!(
        line(&sent[1]),
        format!("DELETE opportunities({OPPORTUNITY})/customerid_account/$ref")
    );
    assert!(sent[1].body.is_empty());
    for request in &sent {
        request.assert_protocol_headers();
    }
}

#[tokio::test]
async fn remove_members_team_by_key() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_204();
    let members = vec![EntityValue::new(&Systemuser::reference(id(USER))).unwrap()];
    service
        .teams()
        .entity(id(TEAM))
        .remove_members_team(&TeamRemoveMembersTeamRequest::new(members))
        .await
        .unwrap();
    let sent = mock.only_request();
    sent.assert_protocol_headers();
    assert_eq!(
        line(&sent),
        format!("POST teams({TEAM})/Microsoft.Dynamics.CRM.RemoveMembersTeam")
    );
    assert_eq!(
        sent.json(),
        json!({"Members": [{"@odata.type": "Microsoft.Dynamics.CRM.systemuser", "ownerid": USER}]})
    );
}

#[tokio::test]
async fn action_bound_to_an_entity_set() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_204();
    let mut close = Orderclose {
        subject: Field::Value("Fulfilled".into()),
        ..Default::default()
    };
    close.bind(Orderclose::SALESORDERID, id(OPPORTUNITY));
    let request =
        SalesorderFulfillSalesOrderRequest::new(EntityValue::new(&close).unwrap(), 100001);
    service
        .salesorders()
        .fulfill_sales_order(&request)
        .await
        .unwrap();
    let sent = mock.only_request();
    sent.assert_protocol_headers();
    assert_eq!(
        line(&sent),
        "POST salesorders/Microsoft.Dynamics.CRM.FulfillSalesOrder"
    );
    assert_eq!(
        sent.json(),
        json!({
            "OrderClose": {
                "@odata.type": "Microsoft.Dynamics.CRM.orderclose",
                "subject": "Fulfilled",
                "salesorderid@odata.bind": format!("/salesorders({OPPORTUNITY})")
            },
            "Status": 100001
        })
    );
}

#[tokio::test]
async fn single_property_put_and_delete() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_204();
    mock.respond_204();
    let account = service.accounts().entity(id(ACCOUNT));
    account
        .set_property(Account::NAME, "Updated Sample Account")
        .await
        .unwrap();
    account.clear_property(Account::DESCRIPTION).await.unwrap();
    let sent = mock.requests();
    assert_eq!(line(&sent[0]), format!("PUT accounts({ACCOUNT})/name"));
    assert_eq!(sent[0].json(), json!({"value": "Updated Sample Account"}));
    assert_eq!(
        line(&sent[1]),
        format!("DELETE accounts({ACCOUNT})/description")
    );
    assert!(sent[1].body.is_empty());
    for request in &sent {
        request.assert_protocol_headers();
    }
}

#[tokio::test]
async fn update_returning_the_record() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_json(
        200,
        &json!({
            "@odata.etag": "W/\"536537\"",
            "accountid": ACCOUNT,
            "name": "Updated Sample Account",
            "creditonhold": true
        }),
    );
    let changes = Account {
        name: Field::Value("Updated Sample Account".into()),
        creditonhold: Field::Value(true),
        ..Default::default()
    };
    let updated = service
        .accounts()
        .update(id(ACCOUNT), &changes)
        .returning()
        .select((Account::NAME, Account::CREDITONHOLD))
        .await
        .unwrap();
    assert_eq!(updated.accountid, Field::Value(id(ACCOUNT)));
    assert_eq!(updated.etag(), Some(ETag::new("W/\"536537\"")));
    let sent = mock.only_request();
    sent.assert_protocol_headers();
    assert_eq!(
        line(&sent),
        format!("PATCH accounts({ACCOUNT})?$select=name,creditonhold")
    );
    assert_eq!(sent.header("if-match"), Some("*"));
    assert_eq!(sent.header("prefer"), Some("return=representation"));
    assert_eq!(
        sent.json(),
        json!({"name": "Updated Sample Account", "creditonhold": true})
    );
}

#[tokio::test]
async fn upsert_returning_the_record() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_json(201, &json!({"accountid": ACCOUNT, "name": "New"}));
    let record = Account {
        name: Field::Value("New".into()),
        ..Default::default()
    };
    let created = service
        .accounts()
        .upsert(id(ACCOUNT), &record)
        .returning()
        .await
        .unwrap();
    assert_eq!(created.name, Field::Value("New".into()));
    let sent = mock.only_request();
    sent.assert_protocol_headers();
    assert_eq!(line(&sent), format!("PATCH accounts({ACCOUNT})"));
    assert_eq!(sent.header("if-match"), None, "an upsert may create");
    assert_eq!(sent.header("prefer"), Some("return=representation"));
    assert_eq!(sent.json(), json!({"name": "New"}));
}

#[tokio::test]
async fn conditional_get_unchanged_and_modified() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond(304, &[], "");
    mock.respond_json(
        200,
        &json!({"@odata.etag": "W/\"468027\"", "name": "Changed", "revenue": 5000000.0}),
    );
    let etag = ETag::new("W/\"468026\"");
    let request = || {
        service
            .accounts()
            .get(id(ACCOUNT))
            .select((Account::NAME, Account::REVENUE))
            .if_changed(etag.clone())
    };
    assert!(matches!(request().await.unwrap(), Conditional::Unchanged));
    let Conditional::Modified(account) = request().await.unwrap() else {
        panic!("a 200 is a modified record")
    };
    assert_eq!(account.name, Field::Value("Changed".into()));
    for sent in mock.requests() {
        sent.assert_protocol_headers();
        assert_eq!(
            line(&sent),
            format!("GET accounts({ACCOUNT})?$select=name,revenue")
        );
        assert_eq!(sent.header("if-none-match"), Some("W/\"468026\""));
    }
}

#[tokio::test]
async fn an_error_with_an_empty_code_is_a_typed_service_error() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_json(
        400,
        &json!({"error": {"code": "", "message": "Invalid property 'nosuch' was found."}}),
    );
    let error = service.accounts().get(id(ACCOUNT)).await.unwrap_err();
    let Error::Service(service_error) = &error else {
        panic!("not a service error: {error:?}")
    };
    assert_eq!(service_error.status, 400);
    assert_eq!(service_error.code, None, "an empty code is no code");
    assert_eq!(
        service_error.message,
        "Invalid property 'nosuch' was found."
    );
    assert!(!error.is_not_found() && !error.is_duplicate() && !error.is_concurrency_mismatch());
}

#[tokio::test]
async fn round_trip_sends_only_the_changed_field() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    // A record as Dataverse returns it with `odata.include-annotations="*"`: an etag, a lookup
    // value with its annotations, formatted values, a computed property.
    mock.respond_json(
        200,
        &json!({
            "@odata.context": format!("{}$metadata#accounts/$entity", mock.root()),
            "@odata.etag": "W/\"4111426\"",
            "accountid": ACCOUNT,
            "name": "Fourth Coffee",
            "revenue@OData.Community.Display.V1.FormattedValue": "$5,000,000.00",
            "revenue": 5000000.0000000000,
            "_primarycontactid_value@OData.Community.Display.V1.FormattedValue": "Yvonne McKay",
            "_primarycontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "contact",
            "_primarycontactid_value": CONTACT,
            "openrevenue": 1200.5,
            "statecode@OData.Community.Display.V1.FormattedValue": "Active",
            "statecode": 0
        }),
    );
    mock.respond_204();
    let mut account = service
        .accounts()
        .get(id(ACCOUNT))
        .include_annotations(Annotations::All)
        .tracked()
        .await
        .unwrap();
    assert_eq!(*account.primarycontactid_value, Field::Value(id(CONTACT)));
    account.telephone1 = Field::Value("555-0100".into());
    let etag = account.etag().unwrap();
    service
        .accounts()
        .update_changes(id(ACCOUNT), &account)
        .if_match(if_match(&etag))
        .await
        .unwrap();
    let sent = mock.requests();
    assert_eq!(line(&sent[1]), format!("PATCH accounts({ACCOUNT})"));
    sent[1].assert_protocol_headers();
    assert_eq!(sent[1].header("if-match"), Some("W/\"4111426\""));
    assert_eq!(sent[1].body_str(), r#"{"telephone1":"555-0100"}"#);
}

#[tokio::test]
async fn read_only_properties_are_never_written_by_create_or_update() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    let entity_id = format!("{}accounts({ACCOUNT})", mock.root());
    mock.respond(204, &[("OData-EntityId", entity_id.as_str())], "");
    mock.respond_204();
    // A record read from the service, sent back whole: the lookup value (`_x_value`) and the
    // computed `openrevenue` stay out, the lookup is written through its bind. (Read-only fields
    // are `ReadOnly`: only a read fills them.)
    let mut account: Account = serde_json::from_value(json!({
        "name": "Fourth Coffee",
        "_primarycontactid_value": CONTACT,
        "openrevenue": 1200.5
    }))
    .unwrap();
    assert_eq!(
        *account.openrevenue,
        Field::Value("1200.5".parse().unwrap())
    );
    account.bind(Account::PRIMARYCONTACTID, id(CONTACT));
    service.accounts().create(&account).await.unwrap();
    service
        .accounts()
        .update(id(ACCOUNT), &account)
        .await
        .unwrap();
    let sent = mock.requests();
    let expected = json!({
        "name": "Fourth Coffee",
        "primarycontactid@odata.bind": format!("/contacts({CONTACT})")
    });
    assert_eq!(line(&sent[0]), "POST accounts");
    assert_eq!(sent[0].json(), expected);
    assert_eq!(line(&sent[1]), format!("PATCH accounts({ACCOUNT})"));
    assert_eq!(sent[1].json(), expected);
    // Serialized as a value (saved, logged), nothing is left out.
    let saved = serde_json::to_value(&account).unwrap();
    assert_eq!(saved["_primarycontactid_value"], json!(CONTACT));
    assert_eq!(saved["openrevenue"], json!(1200.5));
}

#[tokio::test]
async fn duplicate_detection_on_create_and_its_typed_error() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    let duplicate = json!({"error": {
        "code": "0x80040333",
        "message": "A record was not created or updated because a duplicate of the current record already exists."
    }});
    mock.respond_json(412, &duplicate);
    mock.respond_json(500, &duplicate);
    let lead = Lead {
        firstname: Field::Value("Monte".into()),
        lastname: Field::Value("Orton".into()),
        emailaddress1: Field::Value("monte@example.com".into()),
        ..Default::default()
    };
    for _ in 0..2 {
        let error = service
            .leads()
            .create(&lead)
            .duplicate_detection(true)
            .await
            .unwrap_err();
        assert!(error.is_duplicate_rule_match(), "{error:?}");
        assert!(error.is_duplicate());
        assert!(!error.is_concurrency_mismatch(), "not a stale etag");
    }
    for sent in mock.requests() {
        sent.assert_protocol_headers();
        assert_eq!(line(&sent), "POST leads");
        assert_eq!(
            sent.header("mscrm.suppressduplicatedetection"),
            Some("false")
        );
        assert_eq!(
            sent.json(),
            json!({"firstname": "Monte", "lastname": "Orton", "emailaddress1": "monte@example.com"})
        );
    }
}

#[test]
fn the_service_root_of_an_organisation() {
    // The checked-in SDK is generated with `api_version = "v9.2"`.
    assert_eq!(dataverse_example::Service::API_VERSION, "v9.2");
    assert_eq!(
        dataverse_example::Service::service_root("https://org.crm.dynamics.com/"),
        "https://org.crm.dynamics.com/api/data/v9.2/"
    );
    assert_eq!(
        dataverse_example::Service::service_root("https://org.crm4.dynamics.com"),
        "https://org.crm4.dynamics.com/api/data/v9.2/"
    );
}
