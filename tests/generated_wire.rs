//! The wire format produced by the generated SDK (built by `build.rs` from the bundled Dynamics
//! metadata plus the custom action `new_AddNoteToContact`), against the runtime's local test
//! server on 127.0.0.1: the documented Dataverse requests, reproduced exactly.

#[path = "../runtime/tests/common/mod.rs"]
mod common;

use dataverse_e2e::dataverse::support::EntityValue;
use dataverse_e2e::dataverse::*;
use dataverse_runtime::Field;
use dataverse_runtime::codegen::uuid::Uuid;
use serde_json::json;

const OPPORTUNITY: &str = "00000000-0000-0000-0000-0000000000a1";
const QUEUE: &str = "00000000-0000-0000-0000-0000000000b2";
const LETTER: &str = "00000000-0000-0000-0000-0000000000c3";
const TEAM: &str = "00000000-0000-0000-0000-0000000000d4";
const USER1: &str = "00000000-0000-0000-0000-0000000000e5";
const USER2: &str = "00000000-0000-0000-0000-0000000000e6";
const ACCOUNT1: &str = "00000000-0000-0000-0000-0000000000f7";
const ACCOUNT2: &str = "00000000-0000-0000-0000-0000000000f8";
const CONTACT: &str = "00000000-0000-0000-0000-000000000109";
const NOTE: &str = "00000000-0000-0000-0000-00000000010a";

fn id(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap()
}

#[tokio::test]
async fn win_opportunity_sends_the_close_with_its_lookup_and_type() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_204();
    let mut close = Opportunityclose {
        subject: Field::Value("Won the deal".into()),
        ..Default::default()
    };
    close.bind(Opportunityclose::OPPORTUNITYID, id(OPPORTUNITY));
    let request = WinOpportunityRequest::new(EntityValue::new(&close).unwrap(), 3);
    service.win_opportunity(&request).await.unwrap();
    let sent = mock.only_request();
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.rel(), "WinOpportunity");
    sent.assert_protocol_headers();
    assert_eq!(
        sent.json(),
        json!({
            "OpportunityClose": {
                "@odata.type": "Microsoft.Dynamics.CRM.opportunityclose",
                "subject": "Won the deal",
                "opportunityid@odata.bind": format!("/opportunities({OPPORTUNITY})")
            },
            "Status": 3
        })
    );
}

#[tokio::test]
async fn add_to_queue_is_bound_to_the_queue_and_types_the_letter() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_json(200, &json!({"QueueItemId": NOTE}));
    let letter = Letter::reference(id(LETTER));
    let request = QueueAddToQueueRequest::new(EntityValue::new(&letter).unwrap());
    let response = service
        .queues()
        .entity(id(QUEUE))
        .add_to_queue(&request)
        .await
        .unwrap();
    assert_eq!(response.queue_item_id, Field::Value(id(NOTE)));
    let sent = mock.only_request();
    assert_eq!(sent.method, "POST");
    assert_eq!(
        sent.rel(),
        format!("queues({QUEUE})/Microsoft.Dynamics.CRM.AddToQueue")
    );
    assert_eq!(
        sent.json(),
        json!({"Target": {"@odata.type": "Microsoft.Dynamics.CRM.letter", "activityid": LETTER}})
    );
}

#[tokio::test]
async fn add_members_team_sends_typed_system_users_by_their_key() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_204();
    // The CSDL key of systemuser is `ownerid` (inherited from principal), as the documented
    // request sends it; `reference` sets exactly that.
    let members = [USER1, USER2]
        .iter()
        .map(|u| EntityValue::new(&Systemuser::reference(id(u))).unwrap())
        .collect();
    service
        .teams()
        .entity(id(TEAM))
        .add_members_team(&TeamAddMembersTeamRequest::new(members))
        .await
        .unwrap();
    let sent = mock.only_request();
    assert_eq!(
        sent.rel(),
        format!("teams({TEAM})/Microsoft.Dynamics.CRM.AddMembersTeam")
    );
    assert_eq!(
        sent.json(),
        json!({"Members": [
            {"@odata.type": "Microsoft.Dynamics.CRM.systemuser", "ownerid": USER1},
            {"@odata.type": "Microsoft.Dynamics.CRM.systemuser", "ownerid": USER2}
        ]})
    );
}

#[tokio::test]
async fn function_with_an_enum_parameter_uses_aliases() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_json(200, &json!({"EntityMetadata": []}));
    let request = RetrieveAllEntitiesRequest::new(EntityFilters::Entity, false);
    service.retrieve_all_entities(&request).await.unwrap();
    let sent = mock.only_request();
    assert_eq!(sent.method, "GET");
    assert!(sent.body.is_empty());
    let url = format!("{}?{}", sent.rel(), sent.query.clone().unwrap_or_default());
    assert_eq!(
        url,
        "RetrieveAllEntities(EntityFilters=@p1,RetrieveAsIfPublished=@p2)\
         ?@p1=Microsoft.Dynamics.CRM.EntityFilters%27Entity%27&@p2=false"
    );
}

#[tokio::test]
async fn bound_function_with_a_guid_and_an_enum_parameter() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_json(
        200,
        &json!({"value": [{"contactid": CONTACT, "lastname": "Valdes"}]}),
    );
    let request = AccountNewGetAccountActivityRequest::new(id(USER1), EntityFilters::Attributes);
    let contacts: Vec<Contact> = service
        .accounts()
        .entity(id(ACCOUNT1))
        .new_get_account_activity(&request)
        .await
        .unwrap();
    assert_eq!(contacts.len(), 1);
    assert_eq!(contacts[0].lastname, Field::Value("Valdes".into()));
    let sent = mock.only_request();
    assert_eq!(sent.method, "GET");
    let url = format!("{}?{}", sent.rel(), sent.query.clone().unwrap_or_default());
    assert_eq!(
        url,
        format!(
            "accounts({ACCOUNT1})/Microsoft.Dynamics.CRM.new_GetAccountActivity(OwnerId=@p1,Filters=@p2)\
             ?@p1={USER1}&@p2=Microsoft.Dynamics.CRM.EntityFilters%27Attributes%27"
        )
    );
}

#[tokio::test]
async fn associate_and_disassociate_two_accounts() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_204();
    mock.respond_204();
    let parent = service.accounts().entity(id(ACCOUNT1));
    parent
        .associate(Account::ACCOUNT_PARENT_ACCOUNT, id(ACCOUNT2))
        .await
        .unwrap();
    parent
        .disassociate(Account::ACCOUNT_PARENT_ACCOUNT, id(ACCOUNT2))
        .await
        .unwrap();
    let sent = mock.requests();
    assert_eq!(sent[0].method, "POST");
    assert_eq!(
        sent[0].rel(),
        format!("accounts({ACCOUNT1})/account_parent_account/$ref")
    );
    assert_eq!(
        sent[0].json(),
        json!({"@odata.id": format!("{}accounts({ACCOUNT2})", mock.root())})
    );
    assert_eq!(sent[1].method, "DELETE");
    assert_eq!(
        sent[1].rel(),
        format!("accounts({ACCOUNT1})/account_parent_account({ACCOUNT2})/$ref")
    );
}

#[tokio::test]
async fn custom_bound_action_returns_the_created_annotation() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_json(
        200,
        &json!({
            "@odata.context": "https://org/api/data/v9.2/$metadata#annotations/$entity",
            "annotationid": NOTE,
            "subject": "Call back"
        }),
    );
    let request = ContactNewAddNoteToContactRequest::new("Call back".into(), "Tuesday".into());
    let note = service
        .contacts()
        .entity(id(CONTACT))
        .new_add_note_to_contact(&request)
        .await
        .unwrap();
    assert_eq!(note.annotationid, Field::Value(id(NOTE)));
    // What the type does not declare is kept, not lost.
    assert!(note.extra.contains_key("@odata.context"));
    let sent = mock.only_request();
    assert_eq!(
        sent.rel(),
        format!("contacts({CONTACT})/Microsoft.Dynamics.CRM.new_AddNoteToContact")
    );
    assert_eq!(
        sent.json(),
        json!({"NoteTitle": "Call back", "NoteText": "Tuesday"})
    );
}

#[tokio::test]
async fn create_with_a_lookup_then_update_sends_only_what_was_set() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond(
        204,
        &[(
            "OData-EntityId",
            &format!("{}contacts({CONTACT})", mock.root()),
        )],
        "",
    );
    mock.respond_204();
    let mut contact = Contact {
        lastname: Field::Value("O'Neil".into()),
        ..Default::default()
    };
    contact.bind(Contact::PARENTCUSTOMERID_ACCOUNT, id(ACCOUNT1));
    let created = service.contacts().create(&contact).await.unwrap();
    assert_eq!(created.entity_id().and_then(|e| e.id), Some(id(CONTACT)));
    let changes = Contact {
        telephone1: Field::Null,
        ..Default::default()
    };
    service
        .contacts()
        .update(id(CONTACT), &changes)
        .await
        .unwrap();
    let sent = mock.requests();
    assert_eq!(sent[0].rel(), "contacts");
    assert_eq!(
        sent[0].json(),
        json!({"lastname": "O'Neil", "parentcustomerid_account@odata.bind": format!("/accounts({ACCOUNT1})")})
    );
    assert_eq!(sent[1].method, "PATCH");
    assert_eq!(sent[1].header("if-match"), Some("*"));
    assert_eq!(sent[1].json(), json!({"telephone1": null}));
}

#[test]
fn a_base_typed_value_is_read_as_the_derived_type_named_by_odata_type() {
    let email: ActivitypointerAny = serde_json::from_value(json!({
        "@odata.type": "#Microsoft.Dynamics.CRM.email",
        "activityid": LETTER,
        "subject": "Hello"
    }))
    .unwrap();
    let ActivitypointerAny::Email(email) = email else {
        panic!("not an email: {email:?}")
    };
    assert_eq!(email.subject, Field::Value("Hello".into()));
    let base: ActivitypointerAny = serde_json::from_value(json!({"activityid": LETTER})).unwrap();
    assert!(matches!(base, ActivitypointerAny::Activitypointer(_)));
    let unknown: ActivitypointerAny = serde_json::from_str(&format!(
        r##"{{"@odata.type":"#Microsoft.Dynamics.CRM.new_customactivity","activityid":"{LETTER}","new_score":12345678901234.1234567890}}"##
    ))
    .unwrap();
    let ActivitypointerAny::Unknown(unknown) = unknown else {
        panic!("not unknown")
    };
    // Nothing of the unknown type is lost, digits included.
    assert_eq!(
        unknown.extra["new_score"].get(),
        "12345678901234.1234567890"
    );
}

#[tokio::test]
async fn entity_set_pages_one_page_at_a_time() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    let next = format!(
        "{}accounts?$select=name&$skiptoken=%3Ccookie%20pagenumber=%222%22/%3E",
        mock.root()
    );
    mock.respond_json(
        200,
        &json!({"value": [{"accountid": ACCOUNT1, "name": "A"}], "@odata.nextLink": next}),
    );
    mock.respond_json(
        200,
        &json!({"value": [{"accountid": ACCOUNT2, "name": "B"}]}),
    );
    let accounts = service.accounts();
    let first = accounts
        .query()
        .select(Account::NAME)
        .max_page_size(1)
        .await
        .unwrap();
    let second = accounts
        .next_page(&first)
        .max_page_size(1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.value[0].name, Field::Value("B".into()));
    assert!(
        accounts
            .next_page(&second)
            .max_page_size(1)
            .await
            .unwrap()
            .is_none()
    );
    let sent = mock.requests();
    assert_eq!(sent.len(), 2, "no request after the last page");
    assert_eq!(
        format!(
            "{}?{}",
            sent[1].rel(),
            sent[1].query.clone().unwrap_or_default()
        ),
        "accounts?$select=name&$skiptoken=%3Ccookie%20pagenumber=%222%22/%3E"
    );
    assert_eq!(sent[1].header("prefer"), Some("odata.maxpagesize=1"));
}

/// An action or function the SDK does not know, called by name through the handles: the same
/// request as a generated method sends.
#[tokio::test]
async fn bound_action_and_function_by_name_through_the_handles() {
    use dataverse_runtime::Literal;
    use dataverse_runtime::codegen::request::{AsBody, NoResult};
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_204();
    let body = json!({"Reason": "moved", "Notify": true});
    service
        .accounts()
        .entity(id(ACCOUNT1))
        .bound_action::<_, (), NoResult>("new.Relocate", &body)
        .await
        .unwrap();
    let sent = mock.only_request();
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.rel(), format!("accounts({ACCOUNT1})/new.Relocate"));
    assert_eq!(sent.query, None);
    sent.assert_protocol_headers();
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(sent.json(), body);

    mock.clear();
    mock.respond_json(200, &json!({"Total": 3}));
    let total: serde_json::Value = service
        .accounts()
        .bound_function::<_, AsBody>("new.CountSince", Ok(vec![("Days", Literal::from(30))]))
        .await
        .unwrap();
    assert_eq!(total, json!({"Total": 3}));
    let sent = mock.only_request();
    assert_eq!(sent.method, "GET");
    assert_eq!(sent.rel(), "accounts/new.CountSince(Days=@p1)");
    assert_eq!(sent.query.as_deref(), Some("@p1=30"));
    assert_eq!(sent.body_str(), "");
}
