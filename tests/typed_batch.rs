//! `$batch` through the generated API (`service.batch()`) on the wire, against the runtime's
//! local test server: the whole multipart request (boundaries read from the request and
//! normalised, everything else compared exactly), its headers, and the typed result of every
//! part from answers in the shape Microsoft's "Execute batch operations using the Web API"
//! documents (a change set answered `204` + `OData-EntityId` and `201` with the record, a `GET`
//! answered `200`; a failed change set answered with one part, after which the batch stops).

#[path = "../runtime/tests/common/mod.rs"]
mod common;

use dataverse_e2e::dataverse::support::EntityValue;
use dataverse_e2e::dataverse::*;
use dataverse_runtime::codegen::uuid::Uuid;
use dataverse_runtime::{
    Annotations, Created, Decimal, ETag, ETagMatch, Field, Impersonation, RequestOptions,
};

const ACCOUNT: &str = "00000000-0000-0000-0000-0000000000a1";
const CONTACT: &str = "00000000-0000-0000-0000-0000000000c1";
const READ: &str = "00000000-0000-0000-0000-0000000000f7";
const CALLER: &str = "00000000-0000-0000-0000-0000000000e5";
const QUEUE: &str = "00000000-0000-0000-0000-0000000000b2";
const LETTER: &str = "00000000-0000-0000-0000-0000000000b3";
const ITEM: &str = "00000000-0000-0000-0000-0000000000b4";

fn id(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap()
}

/// The boundary of the `$batch` request (from its Content-Type) and of its first change set
/// (from its body), which the runtime draws at random.
fn boundaries(sent: &common::Recorded) -> (String, Option<String>) {
    let batch = sent
        .header("content-type")
        .unwrap()
        .strip_prefix("multipart/mixed; boundary=")
        .expect("a multipart request")
        .to_owned();
    assert!(batch.starts_with("batch_"), "{batch}");
    let body = sent.body_str();
    let change_set = body.find("boundary=changeset_").map(|at| {
        let start = at + "boundary=".len();
        body[start..start + body[start..].find("\r\n").unwrap()].to_owned()
    });
    (batch, change_set)
}

/// The body with its boundaries replaced by `BATCH` and `CHANGESET`.
fn normalised_body(sent: &common::Recorded) -> String {
    let (batch, change_set) = boundaries(sent);
    let body = sent.body_str().replace(&batch, "BATCH");
    match change_set {
        Some(cs) => body.replace(&cs, "CHANGESET"),
        None => body,
    }
}

/// The answer Microsoft documents: the change set's parts inside a `changesetresponse_`
/// boundary (the create `204` with `OData-EntityId`; the one with `return=representation` `201`
/// with the record), then the `GET`'s `200`.
fn documented_answer(root: &str) -> String {
    format!(
        "--batchresponse_f27ef42d-51b0-4685-bac9-f468f844de2f\r\n\
Content-Type: multipart/mixed; boundary=changesetresponse_64cc3fff-023a-45b0-b29d-df21583ffa15\r\n\
\r\n\
--changesetresponse_64cc3fff-023a-45b0-b29d-df21583ffa15\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
Content-ID: 1\r\n\
\r\n\
HTTP/1.1 204 No Content\r\n\
OData-Version: 4.0\r\n\
Location: {root}accounts({ACCOUNT})\r\n\
OData-EntityId: {root}accounts({ACCOUNT})\r\n\
\r\n\
\r\n\
--changesetresponse_64cc3fff-023a-45b0-b29d-df21583ffa15\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
Content-ID: 2\r\n\
\r\n\
HTTP/1.1 201 Created\r\n\
Content-Type: application/json; odata.metadata=minimal\r\n\
OData-Version: 4.0\r\n\
Preference-Applied: return=representation\r\n\
Location: {root}contacts({CONTACT})\r\n\
OData-EntityId: {root}contacts({CONTACT})\r\n\
\r\n\
{{\"@odata.context\":\"{root}$metadata#contacts/$entity\",\"@odata.etag\":\"W/\\\"77181176\\\"\",\"contactid\":\"{CONTACT}\",\"lastname\":\"Smith\",\"_parentcustomerid_value\":\"{ACCOUNT}\"}}\r\n\
--changesetresponse_64cc3fff-023a-45b0-b29d-df21583ffa15--\r\n\
--batchresponse_f27ef42d-51b0-4685-bac9-f468f844de2f\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
\r\n\
HTTP/1.1 200 OK\r\n\
Content-Type: application/json; odata.metadata=minimal; odata.streaming=true\r\n\
OData-Version: 4.0\r\n\
\r\n\
{{\"@odata.context\":\"{root}$metadata#accounts(name,revenue)/$entity\",\"@odata.etag\":\"W/\\\"77181179\\\"\",\"name\":\"Fourth Coffee\",\"revenue@OData.Community.Display.V1.FormattedValue\":\"$10,000.00\",\"revenue\":10000.0000,\"accountid\":\"{READ}\"}}\r\n\
--batchresponse_f27ef42d-51b0-4685-bac9-f468f844de2f--\r\n"
    )
}

#[tokio::test]
async fn change_set_with_a_content_id_bind_and_a_get() {
    let mock = common::Mock::start().await;
    let root = mock.root();
    mock.respond(
        200,
        &[
            (
                "content-type",
                "multipart/mixed; boundary=batchresponse_f27ef42d-51b0-4685-bac9-f468f844de2f",
            ),
            ("odata-version", "4.0"),
        ],
        &documented_answer(&root),
    );
    let service = Service::new(mock.client());
    let accounts = service.accounts();
    let contacts = service.contacts();
    let new_account = Account {
        name: Field::Value("Contoso Ltd".into()),
        ..Default::default()
    };
    let mut new_contact = Contact {
        lastname: Field::Value("Smith".into()),
        ..Default::default()
    };

    let mut batch = service.batch();
    let (account, contact) = batch.change_set(|cs| {
        let account = cs.create(&accounts, &new_account);
        cs.bind(
            &mut new_contact,
            Contact::PARENTCUSTOMERID_ACCOUNT,
            &account,
        );
        let contact = cs.create(&contacts, &new_contact);
        cs.options(&contact, RequestOptions::new().return_representation());
        (account, contact)
    });
    let read = batch.get(
        accounts
            .get(id(READ))
            .select((Account::NAME, Account::REVENUE))
            .include_annotations(Annotations::FormattedValues),
    );
    assert_eq!(
        (account.content_id().0, contact.content_id().0),
        (1, 2),
        "Content-IDs in the change set"
    );
    assert_eq!((account.index(), contact.index(), read.index()), (0, 1, 2));
    let response = batch
        .request()
        .impersonate(Impersonation::CallerId(id(CALLER)))
        .await
        .unwrap();

    // The typed results.
    assert!(response.all_succeeded());
    let Created::Id(account_id) = response.created(&account).unwrap() else {
        panic!("the account was created without return=representation: 204");
    };
    assert_eq!(account_id.id, Some(id(ACCOUNT)));
    let Created::Record(contact) = response.created(&contact).unwrap() else {
        panic!("the contact was created with return=representation: 201");
    };
    assert_eq!(contact.contactid, Field::Value(id(CONTACT)));
    assert_eq!(contact.lastname, Field::Value("Smith".into()));
    assert_eq!(*contact.parentcustomerid_value, Field::Value(id(ACCOUNT)));
    assert_eq!(contact.etag(), Some(ETag::new("W/\"77181176\"")));
    let read: Account = response.get(&read).unwrap();
    assert_eq!(read.accountid, Field::Value(id(READ)));
    assert_eq!(read.name, Field::Value("Fourth Coffee".into()));
    assert_eq!(
        read.revenue,
        Field::Value("10000.0000".parse::<Decimal>().unwrap())
    );
    assert_eq!(
        read.formatted_value("revenue").as_deref(),
        Some("$10,000.00")
    );

    // The request: its headers...
    let sent = mock.only_request();
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.rel(), "$batch");
    assert_eq!(sent.query, None);
    assert_eq!(sent.header("accept"), Some("application/json"));
    assert_eq!(sent.header("odata-maxversion"), Some("4.0"));
    assert_eq!(sent.header("odata-version"), Some("4.0"));
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {}", common::TOKEN).as_str())
    );
    assert_eq!(sent.header("mscrmcallerid"), Some(CALLER));
    assert_eq!(sent.header("prefer"), None);
    assert!(
        sent.header("content-type")
            .unwrap()
            .starts_with("multipart/mixed; boundary=batch_")
    );
    // ...and its whole body.
    let expected = format!(
        "--BATCH\r\n\
Content-Type: multipart/mixed; boundary=CHANGESET\r\n\
\r\n\
--CHANGESET\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
Content-ID: 1\r\n\
\r\n\
POST {root}accounts HTTP/1.1\r\n\
Accept: application/json\r\n\
Content-Type: application/json\r\n\
\r\n\
{{\"name\":\"Contoso Ltd\"}}\r\n\
--CHANGESET\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
Content-ID: 2\r\n\
\r\n\
POST {root}contacts HTTP/1.1\r\n\
Accept: application/json\r\n\
Content-Type: application/json\r\n\
prefer: return=representation\r\n\
\r\n\
{{\"lastname\":\"Smith\",\"parentcustomerid_account@odata.bind\":\"$1\"}}\r\n\
--CHANGESET--\r\n\
--BATCH\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
\r\n\
GET {root}accounts({READ})?$select=name,revenue HTTP/1.1\r\n\
Accept: application/json\r\n\
prefer: odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\"\r\n\
\r\n\
\r\n\
--BATCH--\r\n"
    );
    assert_eq!(normalised_body(&sent), expected);
}

#[tokio::test]
async fn failed_change_set_and_a_request_not_run() {
    // Without `odata.continue-on-error` Dataverse answers a failed change set with one part
    // (the failing request's error, no Content-ID) and runs nothing after it.
    let mock = common::Mock::start().await;
    mock.respond(
        200,
        &[("content-type", "multipart/mixed; boundary=batchresponse_1")],
        "--batchresponse_1\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
\r\n\
HTTP/1.1 412 Precondition Failed\r\n\
REQ_ID: 5ecd1cb3-1730-4ffc-909c-d44c22270026\r\n\
Content-Type: application/json; odata.metadata=minimal\r\n\
OData-Version: 4.0\r\n\
\r\n\
{\"error\":{\"code\":\"0x80060882\",\"message\":\"The version of the existing record doesn't match the RowVersion property provided.\"}}\r\n\
--batchresponse_1--\r\n",
    );
    let service = Service::new(mock.client());
    let accounts = service.accounts();
    let mut batch = service.batch();
    let renamed = Account {
        name: Field::Value("Renamed".into()),
        ..Default::default()
    };
    let (created, updated) = batch.change_set(|cs| {
        let created = cs.create(&accounts, &renamed);
        let updated = cs.update(&accounts, id(READ), &renamed);
        cs.options(
            &updated,
            RequestOptions::new().if_match(ETagMatch::Tag(ETag::new("W/\"1\""))),
        );
        (created, updated)
    });
    let deleted = batch.delete(&accounts, id(ACCOUNT));
    let response = batch.await.unwrap();

    for err in [
        response.created(&created).map(drop).unwrap_err(),
        response.result(&updated).unwrap_err(),
    ] {
        assert!(err.is_concurrency_mismatch(), "{err:?}");
        assert_eq!(err.code(), Some("0x80060882"));
        assert_eq!(
            err.request_id(),
            Some("5ecd1cb3-1730-4ffc-909c-d44c22270026")
        );
    }
    let not_run = response.result(&deleted).unwrap_err();
    assert_eq!(not_run.status().map(|s| s.as_u16()), Some(424), "{not_run}");

    let sent = mock.only_request();
    let (batch_boundary, change_set) = boundaries(&sent);
    let change_set = change_set.unwrap();
    let root = mock.root();
    assert_eq!(
        normalised_body(&sent),
        format!(
            "--BATCH\r\n\
Content-Type: multipart/mixed; boundary=CHANGESET\r\n\
\r\n\
--CHANGESET\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
Content-ID: 1\r\n\
\r\n\
POST {root}accounts HTTP/1.1\r\n\
Accept: application/json\r\n\
Content-Type: application/json\r\n\
\r\n\
{{\"name\":\"Renamed\"}}\r\n\
--CHANGESET\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
Content-ID: 2\r\n\
\r\n\
PATCH {root}accounts({READ}) HTTP/1.1\r\n\
Accept: application/json\r\n\
Content-Type: application/json\r\n\
if-match: W/\"1\"\r\n\
\r\n\
{{\"name\":\"Renamed\"}}\r\n\
--CHANGESET--\r\n\
--BATCH\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
\r\n\
DELETE {root}accounts({ACCOUNT}) HTTP/1.1\r\n\
Accept: application/json\r\n\
\r\n\
\r\n\
--BATCH--\r\n"
        )
    );
    assert_ne!(batch_boundary, change_set);
}

#[tokio::test]
async fn an_action_a_query_and_a_create_through_a_navigation() {
    let mock = common::Mock::start().await;
    let root = mock.root();
    mock.respond(
        200,
        &[("content-type", "multipart/mixed; boundary=r")],
        &format!(
            "--r\r\nContent-Type: multipart/mixed; boundary=cs\r\n\r\n\
--cs\r\nContent-Type: application/http\r\nContent-ID: 1\r\n\r\nHTTP/1.1 204 No Content\r\nOData-EntityId: {root}accounts({ACCOUNT})\r\n\r\n\r\n\
--cs\r\nContent-Type: application/http\r\nContent-ID: 2\r\n\r\nHTTP/1.1 204 No Content\r\nOData-EntityId: {root}contacts({CONTACT})\r\n\r\n\r\n\
--cs--\r\n\
--r\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{{\"QueueItemId\":\"{ITEM}\"}}\r\n\
--r\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{{\"value\":[{{\"name\":\"A\"}},{{\"name\":\"B\"}}]}}\r\n\
--r--\r\n"
        ),
    );
    let service = Service::new(mock.client());
    let accounts = service.accounts();
    let mut batch = service.batch();
    let (account, contact) = batch.change_set(|cs| {
        let account = cs.create(&accounts, &Account::default());
        let contact = cs.create_related(
            &account,
            Account::CONTACT_CUSTOMER_ACCOUNTS,
            &Contact {
                lastname: Field::Value("Kid".into()),
                ..Default::default()
            },
        );
        (account, contact)
    });
    let parameters =
        QueueAddToQueueRequest::new(EntityValue::new(&Letter::reference(id(LETTER))).unwrap());
    // The generated action call itself, read as the call reads it (`AddToQueueResponse`).
    let queued = batch.call(service.queues().entity(id(QUEUE)).add_to_queue(&parameters));
    let page = batch.query(accounts.query().select(Account::NAME).top(2));
    let response = batch.send().await.unwrap();

    assert!(
        matches!(response.created(&account).unwrap(), Created::Id(e) if e.id == Some(id(ACCOUNT)))
    );
    assert!(
        matches!(response.created(&contact).unwrap(), Created::Id(e) if e.id == Some(id(CONTACT)))
    );
    assert_eq!(
        response.result(&queued).unwrap().queue_item_id,
        Field::Value(id(ITEM))
    );
    let names: Vec<_> = response
        .page(&page)
        .unwrap()
        .value
        .into_iter()
        .map(|a| a.name)
        .collect();
    assert_eq!(names, [Field::Value("A".into()), Field::Value("B".into())]);

    let body = normalised_body(&mock.only_request());
    assert!(body.contains(&format!("POST {root}accounts HTTP/1.1\r\nAccept: application/json\r\nContent-Type: application/json\r\n\r\n{{}}\r\n")), "{body}");
    assert!(body.contains("Content-ID: 2\r\n\r\nPOST $1/contact_customer_accounts HTTP/1.1\r\nAccept: application/json\r\nContent-Type: application/json\r\n\r\n{\"lastname\":\"Kid\"}\r\n"), "{body}");
    assert!(body.contains(&format!(
        "POST {root}queues({QUEUE})/Microsoft.Dynamics.CRM.AddToQueue HTTP/1.1\r\nAccept: application/json\r\nContent-Type: application/json\r\n\r\n{{\"Target\":{{\"@odata.type\":\"Microsoft.Dynamics.CRM.letter\",\"activityid\":\"{LETTER}\"}}}}\r\n"
    )), "{body}");
    assert!(
        body.contains(&format!(
            "GET {root}accounts?$select=name&$top=2 HTTP/1.1\r\n"
        )),
        "{body}"
    );
}

#[tokio::test]
async fn a_content_id_of_another_change_set_is_refused_before_sending() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    let accounts = service.accounts();
    let contacts = service.contacts();
    let mut batch = service.batch();
    let account = batch.change_set(|cs| cs.create(&accounts, &Account::default()));
    batch.change_set(|cs| {
        let mut contact = Contact::default();
        cs.bind(&mut contact, Contact::PARENTCUSTOMERID_ACCOUNT, &account);
        cs.create(&contacts, &contact);
    });
    let err = batch.await.unwrap_err();
    assert!(
        err.to_string()
            .contains("only valid inside its own change set"),
        "{err}"
    );
    assert!(mock.requests().is_empty(), "nothing was sent");
}
