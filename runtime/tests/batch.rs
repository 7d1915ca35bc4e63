//! `$batch` on the wire: independent requests, change sets, Content-ID references.

mod common;

use common::{Mock, uuid};
use dataverse_runtime::batch::{Batch, BatchRequest};
use dataverse_runtime::{Bind, ContentId, Created, EntityPath, Field, Page, Query, RequestOptions};
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
    assert_eq!(r.header("accept"), Some("multipart/mixed"));
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
