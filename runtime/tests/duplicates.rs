//! Duplicate detection on the wire (`MSCRM.SuppressDuplicateDetection`) and the errors it gives,
//! apart from the optimistic-concurrency 412.

mod common;

use common::{Mock, uuid};
use dataverse_runtime::{Created, ETag, ETagMatch, EntityPath, Error, RequestOptions};
use serde_json::json;

const SUPPRESS: &str = "mscrm.suppressduplicatedetection";
/// The documented answer when a duplicate detection rule matches.
const DUPLICATE_MESSAGE: &str =
    "A record was not created or updated because a duplicate of the current record already exists.";
/// The documented answer to an `If-Match` with a stale etag.
const STALE_MESSAGE: &str =
    "The version of the existing record doesn't match the RowVersion property provided.";

async fn create(m: &Mock, opts: &RequestOptions) -> Result<Created<serde_json::Value>, Error> {
    m.client()
        .create(
            "leads",
            &json!({"emailaddress1": "monteorton@example.com"}),
            opts,
        )
        .await
}

fn error_json(status: u16, code: &str, message: &str) -> (u16, String) {
    (
        status,
        json!({"error": {"code": code, "message": message}}).to_string(),
    )
}

fn respond_error(m: &Mock, (status, body): (u16, String)) {
    m.respond(
        status,
        &[
            ("content-type", "application/json; odata.metadata=minimal"),
            ("odata-version", "4.0"),
        ],
        &body,
    );
}

#[tokio::test]
async fn duplicate_detection_header_both_ways() {
    let m = Mock::start().await;
    let id_header = [(
        "OData-EntityId",
        "https://org.crm.dynamics.com/api/data/v9.2/leads(00000000-0000-0000-0000-000000000001)",
    )];
    for _ in 0..4 {
        m.respond(204, &id_header, "");
    }
    let cases = [
        // Detection asked for: "do not suppress".
        (
            RequestOptions::new().duplicate_detection(true),
            Some("false"),
        ),
        (
            RequestOptions::new().duplicate_detection(false),
            Some("true"),
        ),
        // The older name keeps its meaning (the Web API default, stated explicitly).
        (
            RequestOptions::new().suppress_duplicate_detection(),
            Some("true"),
        ),
        // Nothing said: no header, the service default (no detection).
        (RequestOptions::new(), None),
    ];
    for (opts, _) in &cases {
        let created = create(&m, opts).await.unwrap();
        assert_eq!(created.entity_id().and_then(|i| i.id), Some(uuid(1)));
    }
    let reqs = m.requests();
    assert_eq!(reqs.len(), cases.len());
    for (r, (opts, expected)) in reqs.iter().zip(&cases) {
        assert_eq!(r.method, "POST");
        assert_eq!(r.header(SUPPRESS), *expected, "{opts:?}");
    }
    // The last call wins.
    assert_eq!(
        RequestOptions::new()
            .duplicate_detection(false)
            .duplicate_detection(true),
        RequestOptions::new().duplicate_detection(true)
    );
}

#[tokio::test]
async fn duplicate_detection_on_update() {
    let m = Mock::start().await;
    respond_error(&m, error_json(412, "0x80040333", DUPLICATE_MESSAGE));
    let e = m
        .client()
        .update(
            &EntityPath::entity("leads", uuid(1)),
            &json!({"emailaddress1": "monteorton@example.com"}),
            &RequestOptions::new().duplicate_detection(true),
        )
        .await
        .unwrap_err();
    let r = m.only_request();
    assert_eq!(r.method, "PATCH");
    assert_eq!(r.header(SUPPRESS), Some("false"));
    assert_eq!(r.header("if-match"), Some("*"));
    assert!(e.is_duplicate_rule_match() && e.is_duplicate(), "{e:?}");
    assert!(!e.is_concurrency_mismatch(), "{e:?}");
}

#[tokio::test]
async fn matched_duplicate_rule_is_a_duplicate_not_a_concurrency_mismatch() {
    // 412 as most organisations answer it; 500 as the documentation shows it.
    for status in [412u16, 500] {
        let m = Mock::start().await;
        respond_error(&m, error_json(status, "0x80040333", DUPLICATE_MESSAGE));
        let e = create(&m, &RequestOptions::new().duplicate_detection(true))
            .await
            .unwrap_err();
        assert_eq!(e.status().unwrap().as_u16(), status);
        assert!(e.is_duplicate(), "{status}: {e:?}");
        assert!(e.is_duplicate_rule_match(), "{status}: {e:?}");
        assert!(!e.is_concurrency_mismatch(), "{status}: {e:?}");
        assert!(!e.is_retryable(), "{status}: {e:?}");
        assert_eq!(e.code(), Some("0x80040333"));
        let se = e.service().expect("a typed service error");
        assert_eq!(se.message, DUPLICATE_MESSAGE);
        let shown = e.to_string();
        assert!(shown.contains(&format!("HTTP {status}")), "{shown}");
        assert!(shown.contains("0x80040333"), "{shown}");
        assert!(shown.contains(DUPLICATE_MESSAGE), "{shown}");
    }
}

#[tokio::test]
async fn stale_etag_is_a_concurrency_mismatch_not_a_duplicate() {
    // With the code the service sends, and with the empty code of the documentation's example.
    for code in ["0x80060882", ""] {
        let m = Mock::start().await;
        respond_error(&m, error_json(412, code, STALE_MESSAGE));
        let e = m
            .client()
            .update(
                &EntityPath::entity("accounts", uuid(1)),
                &json!({"name": "Updated Account Name"}),
                &RequestOptions::new().if_match(ETagMatch::Tag(ETag::new("W/\"470867\""))),
            )
            .await
            .unwrap_err();
        assert_eq!(m.only_request().header("if-match"), Some("W/\"470867\""));
        assert!(e.is_concurrency_mismatch(), "{code:?}: {e:?}");
        assert!(!e.is_duplicate(), "{code:?}: {e:?}");
        assert!(!e.is_duplicate_rule_match(), "{code:?}: {e:?}");
        assert_eq!(e.service().unwrap().message, STALE_MESSAGE);
    }
}

#[tokio::test]
async fn empty_error_code_is_still_a_typed_service_error() {
    let m = Mock::start().await;
    respond_error(
        &m,
        error_json(
            404,
            "",
            "account With Id = 00000000-0000-0000-0000-000000000001 Does Not Exist",
        ),
    );
    respond_error(
        &m,
        error_json(412, "", "A record with matching key values already exists."),
    );
    let c = m.client();
    let path = EntityPath::entity("accounts", uuid(1));
    let e = c
        .update(&path, &json!({"name": "x"}), &RequestOptions::new())
        .await
        .unwrap_err();
    let Error::Service(se) = &e else {
        panic!("expected Error::Service, got {e:?}")
    };
    assert_eq!(se.status.as_u16(), 404);
    assert_eq!(se.code, None, "an empty code is no code");
    assert_eq!(
        se.message,
        "account With Id = 00000000-0000-0000-0000-000000000001 Does Not Exist"
    );
    assert_eq!(
        se.content_type.as_deref(),
        Some("application/json; odata.metadata=minimal")
    );
    assert!(e.is_not_found());
    assert_eq!(e.code(), None);
    let shown = e.to_string();
    assert!(
        shown.starts_with("HTTP 404 Not Found: account With Id"),
        "{shown}"
    );
    assert!(!shown.contains("[]"), "no empty code shown: {shown}");

    // A create-only upsert that found the record (documented with an empty code).
    let e = c
        .upsert(
            &path,
            &json!({"name": "x"}),
            &RequestOptions::new().if_none_match_any(),
        )
        .await
        .unwrap_err();
    let se = e.service().expect("a typed service error");
    assert_eq!(se.status.as_u16(), 412);
    assert_eq!(
        se.message,
        "A record with matching key values already exists."
    );
    assert!(e.is_concurrency_mismatch() && !e.is_duplicate(), "{e:?}");
}

#[tokio::test]
async fn numeric_or_null_error_codes_keep_the_message() {
    let m = Mock::start().await;
    m.respond(
        400,
        &[("content-type", "application/json")],
        r#"{"error":{"code":400,"message":"numeric code"}}"#,
    );
    m.respond(
        400,
        &[("content-type", "application/json")],
        r#"{"error":{"code":null,"message":"null code"}}"#,
    );
    let c = m.client();
    let e = create(&m, &RequestOptions::new()).await.unwrap_err();
    assert_eq!(e.code(), Some("400"));
    assert_eq!(e.service().unwrap().message, "numeric code");
    let e = c
        .create::<_, serde_json::Value>("leads", &json!({}), &RequestOptions::new())
        .await
        .unwrap_err();
    assert_eq!(e.code(), None);
    assert_eq!(e.service().unwrap().message, "null code");
}
