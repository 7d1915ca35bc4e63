//! Dataverse choices on the wire, through the SDK that build.rs generates with the metadata
//! sidecar (`contoso`: the v9.1 metadata of an organisation with a global choice `new_region` on
//! account and contact and a choices column `new_preferredchannels` on contact; the sidecar is
//! `codegen/tests/fixtures/sidecar/sidecar.json`). Every request is checked whole: method, path,
//! query, protocol headers, body.

#[path = "../runtime/tests/common/mod.rs"]
mod common;

use dataverse_e2e::contoso::*;
use dataverse_runtime::Field;
use dataverse_runtime::choice::{Choice, MultiChoice};
use dataverse_runtime::codegen::uuid::Uuid;
use serde_json::json;

const ACCOUNT: &str = "00000000-0000-0000-0000-0000000000a1";
const CONTACT: &str = "00000000-0000-0000-0000-0000000000c1";

fn id(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap()
}

fn line(sent: &common::Recorded) -> String {
    match &sent.query {
        Some(query) => format!("{} {}?{}", sent.method, sent.rel(), query),
        None => format!("{} {}", sent.method, sent.rel()),
    }
}

#[tokio::test]
async fn a_choice_column_is_sent_as_its_number_and_a_state_only_by_an_update() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    let entity_id = format!("{}accounts({ACCOUNT})", mock.root());
    mock.respond(204, &[("OData-EntityId", entity_id.as_str())], "");
    mock.respond_204();
    let mut account = Account {
        name: Field::Value("Contoso".into()),
        industry_code: Field::Value(AccountIndustryCode::Financial),
        new_region: Field::Value(NewRegion::West),
        // `statecode` is valid for update only: a create leaves it out.
        state_code: Field::Value(AccountStateCode::Active),
        ..Default::default()
    };
    service.accounts().create(&account).await.unwrap();
    account.state_code = Field::Value(AccountStateCode::Inactive);
    account.status_code = Field::Value(AccountStatusCode::Inactive);
    account.name = Field::Unset;
    account.industry_code = Field::Unset;
    account.new_region = Field::Unset;
    service
        .accounts()
        .update(id(ACCOUNT), &account)
        .await
        .unwrap();
    let sent = mock.requests();
    assert_eq!(sent.len(), 2);
    assert_eq!(line(&sent[0]), "POST accounts");
    sent[0].assert_protocol_headers();
    assert_eq!(
        sent[0].json(),
        json!({"name": "Contoso", "industrycode": 7, "new_region": 100000003})
    );
    assert_eq!(line(&sent[1]), format!("PATCH accounts({ACCOUNT})"));
    sent[1].assert_protocol_headers();
    assert_eq!(sent[1].json(), json!({"statecode": 1, "statuscode": 2}));
}

#[tokio::test]
async fn an_unknown_choice_value_round_trips() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_json(
        200,
        &json!({
            "@odata.etag": "W/\"1\"",
            "accountid": ACCOUNT,
            "industrycode": 999,
            "industrycode@OData.Community.Display.V1.FormattedValue": "Space mining",
            "new_region": 100000001
        }),
    );
    mock.respond_204();
    let account = service.accounts().get(id(ACCOUNT)).await.unwrap();
    assert_eq!(
        account.industry_code,
        Field::Value(AccountIndustryCode::Unknown(999))
    );
    assert_eq!(account.new_region, Field::Value(NewRegion::South));
    let update = Account {
        industry_code: account.industry_code.clone(),
        ..Default::default()
    };
    service
        .accounts()
        .update(id(ACCOUNT), &update)
        .await
        .unwrap();
    let sent = mock.requests();
    assert_eq!(line(&sent[0]), format!("GET accounts({ACCOUNT})"));
    sent[0].assert_protocol_headers();
    assert_eq!(line(&sent[1]), format!("PATCH accounts({ACCOUNT})"));
    sent[1].assert_protocol_headers();
    assert_eq!(sent[1].body_str(), r#"{"industrycode":999}"#);
}

#[tokio::test]
async fn a_choices_column_is_one_string_of_numbers() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    let entity_id = format!("{}contacts({CONTACT})", mock.root());
    mock.respond(204, &[("OData-EntityId", entity_id.as_str())], "");
    mock.respond_json(
        200,
        &json!({
            "contactid": CONTACT,
            "new_preferredchannels": "100000003,100000000,42",
            "new_region": null
        }),
    );
    let contact = Contact {
        new_preferred_channels: Field::Value(MultiChoice::from([
            ContactNewPreferredChannels::Email,
            ContactNewPreferredChannels::Letter,
        ])),
        ..Default::default()
    };
    service.contacts().create(&contact).await.unwrap();
    let read = service.contacts().get(id(CONTACT)).await.unwrap();
    let sent = mock.requests();
    assert_eq!(line(&sent[0]), "POST contacts");
    sent[0].assert_protocol_headers();
    assert_eq!(
        sent[0].body_str(),
        r#"{"new_preferredchannels":"100000000,100000002"}"#
    );
    let channels = read.new_preferred_channels.value().unwrap();
    assert_eq!(
        channels.as_slice(),
        &[
            ContactNewPreferredChannels::TextMessage,
            ContactNewPreferredChannels::Email,
            ContactNewPreferredChannels::Unknown(42),
        ]
    );
    assert!(channels.contains(ContactNewPreferredChannels::Email));
    assert!(read.new_region.is_null());
}

#[tokio::test]
async fn typed_filters_on_a_choice_and_a_choices_column() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_json(200, &json!({"value": []}));
    mock.respond_json(200, &json!({"value": []}));
    mock.respond_json(200, &json!({"value": []}));
    service
        .accounts()
        .query()
        .select((Account::NAME, Account::INDUSTRY_CODE))
        .filter(
            Account::INDUSTRY_CODE
                .eq(AccountIndustryCode::Financial)
                .and(Account::NEW_REGION.is_in([NewRegion::North, NewRegion::West]))
                .and(Account::STATE_CODE.ne(AccountStateCode::Inactive)),
        )
        .await
        .unwrap();
    service
        .contacts()
        .query()
        .filter(Contact::NEW_PREFERRED_CHANNELS.contains_values([
            ContactNewPreferredChannels::Email,
            ContactNewPreferredChannels::Letter,
        ]))
        .await
        .unwrap();
    service
        .contacts()
        .query()
        .filter(
            Contact::NEW_PREFERRED_CHANNELS
                .does_not_contain_values([ContactNewPreferredChannels::Phone])
                .or(Contact::NEW_PREFERRED_CHANNELS
                    .eq(MultiChoice::from([ContactNewPreferredChannels::Email]))),
        )
        .await
        .unwrap();
    let sent = mock.requests();
    for request in &sent {
        request.assert_protocol_headers();
        assert!(request.body.is_empty());
    }
    assert_eq!(
        line(&sent[0]),
        "GET accounts?$select=name,industrycode\
         &$filter=industrycode%20eq%207%20and%20new_region%20in%20(100000000,100000003)\
         %20and%20statecode%20ne%201"
    );
    // As Microsoft documents it, `ContainValues(PropertyName='x',PropertyValues=['1','9'])`, with
    // `=`, `'`, `[` and `]` percent-encoded in the query string.
    assert_eq!(
        line(&sent[1]),
        "GET contacts?$filter=Microsoft.Dynamics.CRM.ContainValues(PropertyName%3D%27new_preferredchannels%27,\
         PropertyValues%3D%5B%27100000000%27,%27100000002%27%5D)"
    );
    assert_eq!(
        line(&sent[2]),
        "GET contacts?$filter=Microsoft.Dynamics.CRM.DoesNotContainValues(PropertyName%3D%27new_preferredchannels%27,\
         PropertyValues%3D%5B%27100000001%27%5D)%20or%20new_preferredchannels%20eq%20%27100000000%27"
    );
}

#[test]
fn choices_know_their_labels_values_and_state_status_pairs() {
    assert_eq!(AccountIndustryCode::Financial.value(), 7);
    assert_eq!(AccountIndustryCode::Financial.label(), Some("Financial"));
    assert_eq!(
        AccountIndustryCode::from_value(3),
        AccountIndustryCode::Consulting
    );
    assert_eq!(AccountIndustryCode::Unknown(5).label(), None);
    assert_eq!(AccountIndustryCode::OPTION_SET, "account_industrycode");
    assert_eq!(NewRegion::OPTION_SET, "new_region");
    assert_eq!(
        ContactNewPreferredChannels::TextMessage.label(),
        Some("Text message")
    );
    assert_eq!(
        AccountStatusCode::Inactive.state(),
        Some(AccountStateCode::Inactive)
    );
    assert_eq!(
        AccountStateCode::Active.default_status(),
        Some(AccountStatusCode::Active)
    );
    assert!(AccountStateCode::Active.allows(AccountStatusCode::Active));
    assert!(!AccountStateCode::Active.allows(AccountStatusCode::Inactive));
    assert_eq!(AccountStatusCode::Unknown(9).state(), None);
}

#[tokio::test]
async fn schema_names_name_the_types_and_read_only_columns_are_never_sent() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_json(
        200,
        &json!({
            "systemuserid": ACCOUNT,
            "fullname": "Nancy Anderson",
            "isdisabled": false,
            "accessmode": 4
        }),
    );
    mock.respond_204();
    // `SystemUser` (its schema name), not `Systemuser`; wire names unchanged.
    let mut user: SystemUser = service.systemusers().get(id(ACCOUNT)).await.unwrap();
    assert_eq!(*user.is_disabled, Field::Value(false));
    assert_eq!(
        user.access_mode,
        Field::Value(SystemUserAccessMode::NonInteractive)
    );
    user.access_mode = Field::Value(SystemUserAccessMode::ReadWrite);
    service
        .systemusers()
        .update(id(ACCOUNT), &user)
        .await
        .unwrap();
    let sent = mock.requests();
    assert_eq!(line(&sent[0]), format!("GET systemusers({ACCOUNT})"));
    assert_eq!(line(&sent[1]), format!("PATCH systemusers({ACCOUNT})"));
    sent[1].assert_protocol_headers();
    // `fullname` and `isdisabled` are valid neither for create nor for update; `systemuserid`
    // is the key, in the URL only.
    assert_eq!(sent[1].body_str(), r#"{"accessmode":0}"#);
}
