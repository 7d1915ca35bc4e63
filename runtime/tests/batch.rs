//! `$batch` on the wire: independent requests, change sets, Content-ID references; the answer
//! read in the multipart form (Dataverse) and in the OData 4.01 JSON batch form (SAP CAP), and
//! typed per-request results from handles.

mod common;

use common::{Mock, uuid};
use dataverse_runtime::batch::{Batch, BatchRequest, Create, NoContent, Read, ReadPage, Upsert};
use dataverse_runtime::{
    Bind, ContentId, Created, ETag, ETagMatch, EntityPath, Field, Page, Query, RequestOptions,
};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Default, Debug)]
struct Contact {
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    lastname: Field<String>,
    #[serde(
        rename = "parentcustomerid_account@odata.bind",
        default,
        skip_serializing_if = "Field::is_unset"
    )]
    parent: Field<Bind>,
}

fn response(root: &str) -> String {
    format!(
        "--batchresponse_1d27\r\n\
Content-Type: multipart/mixed; boundary=changesetresponse_ff83\r\n\
\r\n\
--changesetresponse_ff83\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
Content-ID: 1\r\n\
\r\n\
HTTP/1.1 204 No Content\r\n\
OData-Version: 4.0\r\n\
Location: {root}accounts(00000000-0000-0000-0000-00000000000a)\r\n\
OData-EntityId: {root}accounts(00000000-0000-0000-0000-00000000000a)\r\n\
\r\n\
\r\n\
--changesetresponse_ff83\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
Content-ID: 2\r\n\
\r\n\
HTTP/1.1 201 Created\r\n\
Content-Type: application/json; odata.metadata=minimal\r\n\
OData-Version: 4.0\r\n\
Preference-Applied: return=representation\r\n\
\r\n\
{{\"lastname\":\"B\"}}\r\n\
--changesetresponse_ff83\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
Content-ID: 3\r\n\
\r\n\
HTTP/1.1 204 No Content\r\n\
OData-Version: 4.0\r\n\
\r\n\
\r\n\
--changesetresponse_ff83--\r\n\
--batchresponse_1d27\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
\r\n\
HTTP/1.1 200 OK\r\n\
Content-Type: application/json; odata.metadata=minimal\r\n\
OData-Version: 4.0\r\n\
\r\n\
{{\"@odata.context\":\"{root}$metadata#accounts(name)\",\"value\":[{{\"name\":\"A\"}}]}}\r\n\
--batchresponse_1d27\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
\r\n\
HTTP/1.1 404 Not Found\r\n\
REQ_ID: 42\r\n\
Content-Type: application/json; odata.metadata=minimal\r\n\
OData-Version: 4.0\r\n\
\r\n\
{{\"error\":{{\"code\":\"0x80040217\",\"message\":\"account Does Not Exist\"}}}}\r\n\
--batchresponse_1d27--\r\n"
    )
}

#[tokio::test]
async fn batch_with_change_set_references_and_independent_requests() {
    let m = Mock::start().await;
    let root = m.root();
    m.respond(
        200,
        &[(
            "content-type",
            "multipart/mixed; boundary=batchresponse_1d27",
        )],
        &response(&root),
    );
    let mut batch = Batch::new().continue_on_error();
    let (account, contact, link) = batch.change_set(|cs| {
        let a =
            cs.add(BatchRequest::create("accounts", &serde_json::json!({"name": "A"})).unwrap());
        let c = cs.add(
            BatchRequest::create(
                "contacts",
                &Contact {
                    lastname: Field::Value("B".into()),
                    parent: Field::Value(Bind::content_id(a)),
                },
            )
            .unwrap()
            .options(&RequestOptions::new().return_representation()),
        );
        let l = cs.add(
            BatchRequest::new(
                http::Method::POST,
                &EntityPath::content_id(a)
                    .nav("contact_customer_accounts")
                    .reference(),
                &Query::new(),
            )
            .json(&serde_json::json!({"@odata.id": format!("{root}contacts({})", uuid(5))}))
            .unwrap(),
        );
        (a, c, l)
    });
    assert_eq!(
        (account, contact, link),
        (ContentId(1), ContentId(2), ContentId(3))
    );
    batch.add(BatchRequest::get(
        &EntityPath::set("accounts"),
        &Query::new().select(["name"]).top(1),
    ));
    batch.add(BatchRequest::delete(&EntityPath::entity(
        "accounts",
        uuid(9),
    )));

    let resp = m
        .client()
        .batch(&batch, &RequestOptions::new().bypass_custom_plugins())
        .await
        .unwrap();

    // Results, typed per part.
    assert_eq!(resp.parts.len(), 5);
    let a = resp.by_content_id(account).unwrap();
    assert!(a.in_change_set);
    assert_eq!(a.entity_id().unwrap().id, Some(uuid(10)));
    let c: Created<Contact> = resp.by_content_id(contact).unwrap().created().unwrap();
    assert_eq!(c.record().unwrap().lastname, Field::Value("B".into()));
    assert_eq!(resp.by_content_id(link).unwrap().status.as_u16(), 204);
    let page: Page<serde_json::Value> = resp.parts[3].json().unwrap();
    assert_eq!(page.value[0]["name"], "A");
    let err = resp.parts[4].error().unwrap();
    assert!(err.is_not_found());
    assert_eq!(err.code(), Some("0x80040217"));
    assert_eq!(err.request_id(), Some("42"));
    assert!(!resp.all_succeeded());

    // The wire.
    let r = m.only_request();
    assert_eq!(r.method, "POST");
    assert_eq!(r.rel(), "$batch");
    // As Microsoft's examples send it; the answer's Content-Type says which form it is in.
    assert_eq!(r.header("accept"), Some("application/json"));
    assert_eq!(r.header("odata-version"), Some("4.0"));
    assert_eq!(r.header("odata-maxversion"), Some("4.0"));
    assert_eq!(r.header("prefer"), Some("odata.continue-on-error"));
    assert_eq!(r.header("mscrm.bypasscustompluginexecution"), Some("true"));
    let ct = r.header("content-type").unwrap();
    let boundary = ct.strip_prefix("multipart/mixed; boundary=").unwrap();
    assert!(boundary.starts_with("batch_"));
    let body = r.body_str();
    let cs_start = body.find("boundary=changeset_").unwrap() + "boundary=".len();
    let cs = &body[cs_start..cs_start + body[cs_start..].find("\r\n").unwrap()];
    let expected = format!(
        "--B\r\n\
Content-Type: multipart/mixed; boundary=CS\r\n\
\r\n\
--CS\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
Content-ID: 1\r\n\
\r\n\
POST {root}accounts HTTP/1.1\r\n\
Accept: application/json\r\n\
Content-Type: application/json\r\n\
\r\n\
{{\"name\":\"A\"}}\r\n\
--CS\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
Content-ID: 2\r\n\
\r\n\
POST {root}contacts HTTP/1.1\r\n\
Accept: application/json\r\n\
Content-Type: application/json\r\n\
prefer: return=representation\r\n\
\r\n\
{{\"lastname\":\"B\",\"parentcustomerid_account@odata.bind\":\"$1\"}}\r\n\
--CS\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
Content-ID: 3\r\n\
\r\n\
POST $1/contact_customer_accounts/$ref HTTP/1.1\r\n\
Accept: application/json\r\n\
Content-Type: application/json\r\n\
\r\n\
{{\"@odata.id\":\"{root}contacts(00000000-0000-0000-0000-000000000005)\"}}\r\n\
--CS--\r\n\
--B\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
\r\n\
GET {root}accounts?$select=name&$top=1 HTTP/1.1\r\n\
Accept: application/json\r\n\
\r\n\
\r\n\
--B\r\n\
Content-Type: application/http\r\n\
Content-Transfer-Encoding: binary\r\n\
\r\n\
DELETE {root}accounts(00000000-0000-0000-0000-000000000009) HTTP/1.1\r\n\
Accept: application/json\r\n\
\r\n\
\r\n\
--B--\r\n"
    );
    assert_eq!(body.replace(boundary, "B").replace(cs, "CS"), expected);
}

#[tokio::test]
async fn failed_change_set_answers_with_one_part() {
    let m = Mock::start().await;
    m.respond(
        200,
        &[("content-type", "multipart/mixed; boundary=batchresponse_9")],
        "--batchresponse_9\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n\
HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; odata.metadata=minimal\r\n\r\n\
{\"error\":{\"code\":\"0x0\",\"message\":\"Bad Request - Error in query syntax.\"}}\r\n--batchresponse_9--\r\n",
    );
    let mut batch = Batch::new();
    batch.change_set(|cs| {
        cs.add(
            BatchRequest::update(
                &EntityPath::entity("accounts", uuid(1)),
                &serde_json::json!({"name": "x"}),
            )
            .unwrap(),
        );
    });
    let resp = m
        .client()
        .batch(&batch, &RequestOptions::new())
        .await
        .unwrap();
    assert_eq!(resp.parts.len(), 1);
    let e = resp.first_error().unwrap();
    assert_eq!(e.status().unwrap().as_u16(), 400);
    assert!(e.to_string().contains("Error in query syntax"));
    let r = m.only_request();
    assert_eq!(r.header("prefer"), None);
    assert!(r.body_str().contains("PATCH "));
    assert!(r.body_str().contains("if-match: *\r\n"));
}

#[derive(Serialize, Deserialize, Default, Debug, PartialEq)]
struct Account {
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    accountid: Field<uuid::Uuid>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    name: Field<String>,
}

/// A change set (create an account, a contact under it through `$1/nav`, update with an etag)
/// and a `GET` outside it, with typed handles.
struct Sent {
    batch: Batch,
    account: dataverse_runtime::batch::ChangeSetPart<Create<Account>>,
    contact: dataverse_runtime::batch::ChangeSetPart<Create<serde_json::Value>>,
    update: dataverse_runtime::batch::ChangeSetPart<NoContent>,
    get: dataverse_runtime::batch::Part<Read<Account>>,
}

fn typed_batch() -> Sent {
    let mut batch = Batch::new();
    let (account, contact, update) = batch.change_set(|cs| {
        let account = cs.push(
            BatchRequest::create("accounts", &serde_json::json!({"name": "Batch Account"}))
                .unwrap(),
            Create::new(),
        );
        let contact = cs.push(
            BatchRequest::new(
                http::Method::POST,
                &account.path().nav("contact_customer_accounts"),
                &Query::new(),
            )
            .json(&serde_json::json!({"lastname": "Batch Contact"}))
            .unwrap(),
            Create::new(),
        );
        let update = cs.push(
            BatchRequest::update(
                &EntityPath::entity("accounts", uuid(3)),
                &serde_json::json!({"name": "Renamed"}),
            )
            .unwrap(),
            NoContent,
        );
        cs.options(
            &update,
            &RequestOptions::new().if_match(ETagMatch::Tag(ETag::new("W/\"1\""))),
        );
        (account, contact, update)
    });
    let get = batch.push(
        BatchRequest::get(
            &EntityPath::entity("accounts", uuid(5)),
            &Query::new().select(["name"]),
        ),
        Read::new(),
    );
    Sent {
        batch,
        account,
        contact,
        update,
        get,
    }
}

/// SAP CAP's answer to a multipart `$batch` sent with `Accept: application/json` (recorded from
/// the peer server of `tests/peer`): the OData 4.01 JSON batch format, with its own ids (`r1`...,
/// not the Content-IDs), the change set as one `atomicityGroup`, relative `location` headers and
/// JSON bodies inline.
const CAP_JSON_ANSWER: &str = r#"{"responses":[
{"id":"r1","status":201,"headers":{"odata-version":"4.0","location":"accounts(00000000-0000-0000-0000-00000000000a)","etag":"W/\"2026-12-02T02:08:46.987Z\"","content-type":"application/json; charset=utf-8"},"atomicityGroup":"changeset_Y","body":{"@odata.context":"$metadata#accounts/$entity","@odata.etag":"W/\"2026-12-02T02:08:46.987Z\"","accountid":"00000000-0000-0000-0000-00000000000a","name":"Batch Account"}},
{"id":"r2","status":201,"headers":{"odata-version":"4.0","location":"contacts(00000000-0000-0000-0000-00000000000c)","content-type":"application/json; charset=utf-8"},"atomicityGroup":"changeset_Y","body":{"contactid":"00000000-0000-0000-0000-00000000000c","lastname":"Batch Contact","parentcustomerid_accountid":"00000000-0000-0000-0000-00000000000a"}},
{"id":"r3","status":200,"headers":{"odata-version":"4.0","content-type":"application/json; charset=utf-8"},"atomicityGroup":"changeset_Y","body":{"accountid":"00000000-0000-0000-0000-000000000003","name":"Renamed"}},
{"id":"r4","status":200,"headers":{"odata-version":"4.0","etag":"W/\"2024-02-05T08:00:00.000Z\"","content-type":"application/json; charset=utf-8"},"body":{"@odata.etag":"W/\"2024-02-05T08:00:00.000Z\"","name":"Litware Inc","accountid":"00000000-0000-0000-0000-000000000005"}}
]}"#;

#[tokio::test]
async fn json_batch_answer_gives_typed_results() {
    let m = Mock::start().await;
    m.respond(
        200,
        &[
            ("content-type", "application/json"),
            ("odata-version", "4.0"),
        ],
        CAP_JSON_ANSWER,
    );
    let sent = typed_batch();
    let resp = m
        .client()
        .batch(&sent.batch, &RequestOptions::new())
        .await
        .unwrap();

    assert_eq!(resp.parts.len(), 4);
    assert!(resp.all_succeeded());
    let first = &resp.parts[0];
    assert_eq!(first.status.as_u16(), 201);
    assert!(first.in_change_set);
    assert_eq!(first.atomicity_group.as_deref(), Some("changeset_Y"));
    // CAP's ids are not Content-IDs: the change set's answers are matched by position.
    assert_eq!(first.content_id, None);
    assert_eq!(
        first.headers.get("location").unwrap(),
        "accounts(00000000-0000-0000-0000-00000000000a)"
    );
    assert!(!resp.parts[3].in_change_set);
    assert_eq!(resp.parts[3].atomicity_group, None);

    let Created::Record(account) = resp.created(&sent.account).unwrap() else {
        panic!("CAP answers a create with the record");
    };
    assert_eq!(account.accountid, Field::Value(uuid(10)));
    assert_eq!(account.name, Field::Value("Batch Account".into()));
    let contact = resp
        .created(&sent.contact)
        .unwrap()
        .record()
        .unwrap()
        .clone();
    assert_eq!(
        contact["parentcustomerid_accountid"],
        "00000000-0000-0000-0000-00000000000a"
    );
    resp.result(&sent.update).unwrap();
    assert_eq!(
        resp.get(&sent.get).unwrap(),
        Account {
            accountid: Field::Value(uuid(5)),
            name: Field::Value("Litware Inc".into()),
        }
    );
    // JSON bodies are kept exactly as sent (no number or annotation rewritten).
    assert!(
        resp.parts[3]
            .body
            .starts_with(br#"{"@odata.etag":"W/\"2024-02-05T08:00:00.000Z\"","#)
    );

    // The request: multipart, answered in JSON because it asked for JSON as documented.
    let r = m.only_request();
    assert_eq!(r.header("accept"), Some("application/json"));
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("multipart/mixed; boundary=batch_")
    );
    let body = r.body_str();
    assert!(
        body.contains("\r\nPOST $1/contact_customer_accounts HTTP/1.1\r\n"),
        "{body}"
    );
    assert!(body.contains("\r\nif-match: W/\"1\"\r\n"), "{body}");
}

#[tokio::test]
async fn json_batch_answer_with_a_failed_atomicity_group() {
    // What CAP answers when the update's etag is stale: the group is rolled back, yet its
    // create is still reported with its own 201 next to the 412; the GET after it runs.
    let m = Mock::start().await;
    let answer = CAP_JSON_ANSWER
        .replace(
            r#""id":"r3","status":200"#,
            r#""id":"r3","status":412"#,
        )
        .replace(
            r#""body":{"accountid":"00000000-0000-0000-0000-000000000003","name":"Renamed"}"#,
            r#""body":{"error":{"message":"Precondition Failed","code":"412","@Core.ContentID":"3"}}"#,
        );
    m.respond(200, &[("content-type", "application/json")], &answer);
    let sent = typed_batch();
    let resp = m
        .client()
        .batch(&sent.batch, &RequestOptions::new())
        .await
        .unwrap();
    assert!(!resp.all_succeeded());
    assert_eq!(
        resp.parts[0].status.as_u16(),
        201,
        "as the service reported it"
    );
    for err in [
        resp.created(&sent.account).map(drop).unwrap_err(),
        resp.created(&sent.contact).map(drop).unwrap_err(),
        resp.result(&sent.update).unwrap_err(),
    ] {
        assert!(err.is_concurrency_mismatch(), "{err:?}");
        assert_eq!(err.to_string(), resp.first_error().unwrap().to_string());
    }
    assert_eq!(resp.answer(&sent.account).unwrap().status.as_u16(), 412);
    assert_eq!(
        resp.get(&sent.get).unwrap().name,
        Field::Value("Litware Inc".into())
    );
}

#[tokio::test]
async fn failed_change_set_then_a_request_that_did_not_run() {
    // Dataverse without `odata.continue-on-error`: the failed change set answers with one part
    // (no Content-ID) and the batch stops there.
    let m = Mock::start().await;
    m.respond(
        200,
        &[("content-type", "multipart/mixed; boundary=batchresponse_9")],
        "--batchresponse_9\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n\
HTTP/1.1 412 Precondition Failed\r\nContent-Type: application/json; odata.metadata=minimal\r\n\r\n\
{\"error\":{\"code\":\"0x80060882\",\"message\":\"The version of the existing record doesn't match the RowVersion property provided.\"}}\r\n--batchresponse_9--\r\n",
    );
    let sent = typed_batch();
    let resp = m
        .client()
        .batch(&sent.batch, &RequestOptions::new())
        .await
        .unwrap();
    assert_eq!(resp.parts.len(), 1);
    for err in [
        resp.created(&sent.account).map(drop).unwrap_err(),
        resp.result(&sent.update).unwrap_err(),
    ] {
        assert!(err.is_concurrency_mismatch(), "{err:?}");
        assert_eq!(err.code(), Some("0x80060882"));
    }
    let not_run = resp.get(&sent.get).unwrap_err();
    assert_eq!(not_run.status().unwrap().as_u16(), 424, "{not_run}");
    assert!(not_run.to_string().contains("not run"), "{not_run}");
    assert!(resp.answer(&sent.get).is_none());
}

#[tokio::test]
async fn typed_pages_upserts_and_deletes() {
    let m = Mock::start().await;
    let root = m.root();
    m.respond(
        200,
        &[("content-type", "multipart/mixed; boundary=b")],
        &format!(
            "--b\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n\
{{\"value\":[{{\"name\":\"A\"}}],\"@odata.nextLink\":\"{root}accounts?$skiptoken=x\"}}\r\n\
--b\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 204 No Content\r\nOData-EntityId: {root}accounts(00000000-0000-0000-0000-000000000007)\r\n\r\n\r\n\
--b\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n\r\n\
{{\"error\":{{\"code\":\"0x80040217\",\"message\":\"account Does Not Exist\"}}}}\r\n--b--\r\n"
        ),
    );
    let mut batch = Batch::new().continue_on_error();
    let page = batch.push(
        BatchRequest::get(&EntityPath::set("accounts"), &Query::new().select(["name"])),
        ReadPage::<Account>::new(),
    );
    let upsert = batch.push(
        BatchRequest::upsert(
            &EntityPath::entity("accounts", uuid(7)),
            &serde_json::json!({"name": "U"}),
        )
        .unwrap(),
        Upsert,
    );
    let delete = batch.push(
        BatchRequest::delete(&EntityPath::entity("accounts", uuid(9))),
        NoContent,
    );
    let resp = m
        .client()
        .batch(&batch, &RequestOptions::new())
        .await
        .unwrap();
    let page = resp.page(&page).unwrap();
    assert_eq!(page.value[0].name, Field::Value("A".into()));
    assert!(page.next_link.unwrap().ends_with("accounts?$skiptoken=x"));
    assert_eq!(resp.result(&upsert).unwrap().unwrap().id, Some(uuid(7)));
    assert!(resp.result(&delete).unwrap_err().is_not_found());
    assert_eq!(
        m.only_request().header("prefer"),
        Some("odata.continue-on-error")
    );
}

#[tokio::test]
async fn a_failed_request_outside_a_change_set_answers_400_with_what_ran() {
    // Dataverse without `odata.continue-on-error`, a request outside a change set failing: the
    // `$batch` itself answers 400, its multipart body holding the parts that ran, the failed one
    // last. The results are still read part by part.
    let m = Mock::start().await;
    m.respond(
        400,
        &[("content-type", "multipart/mixed; boundary=batchresponse_5")],
        "--batchresponse_5\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n\
HTTP/1.1 200 OK\r\nContent-Type: application/json; odata.metadata=minimal\r\n\r\n\
{\"value\":[{\"name\":\"Contoso\"}]}\r\n\
--batchresponse_5\r\nContent-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n\r\n\
HTTP/1.1 400 Bad Request\r\nContent-Type: application/json; odata.metadata=minimal\r\n\r\n\
{\"error\":{\"code\":\"0x80040203\",\"message\":\"Invalid property 'nosuch' was found.\"}}\r\n\
--batchresponse_5--\r\n",
    );
    let mut batch = Batch::new();
    let first = batch.push(
        BatchRequest::get(&EntityPath::set("accounts"), &Query::new().select(["name"])),
        ReadPage::<serde_json::Value>::new(),
    );
    let second = batch.push(
        BatchRequest::get(
            &EntityPath::set("accounts"),
            &Query::new().select(["nosuch"]),
        ),
        ReadPage::<serde_json::Value>::new(),
    );
    let third = batch.push(
        BatchRequest::get(&EntityPath::set("contacts"), &Query::new()),
        ReadPage::<serde_json::Value>::new(),
    );
    let resp = m
        .client()
        .batch(&batch, &RequestOptions::new())
        .await
        .expect("a 400 with a multipart body is the batch's answer");
    assert_eq!(resp.result(&first).unwrap().value[0]["name"], "Contoso");
    let failed = resp.result(&second).unwrap_err();
    assert_eq!(failed.status().unwrap().as_u16(), 400);
    assert_eq!(failed.code(), Some("0x80040203"));
    let not_run = resp.result(&third).unwrap_err();
    assert_eq!(not_run.status().unwrap().as_u16(), 424, "{not_run}");
    // A 400 with a JSON error body stays an error of the whole batch.
    m.respond_json(
        400,
        &serde_json::json!({"error": {"code": "0x0", "message": "Malformed batch"}}),
    );
    let err = m
        .client()
        .batch(&batch, &RequestOptions::new())
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("0x0"));
}
