//! Errors as the service sends them, throttling and retries.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{Mock, RecordingSleeper, TOKEN, uuid};
use dataverse_runtime::{EntityPath, Error, Query, RequestOptions, RetryPolicy};
use serde_json::json;

fn path() -> EntityPath {
    EntityPath::entity("accounts", uuid(1))
}

async fn get(c: &dataverse_runtime::Client) -> Result<serde_json::Value, Error> {
    c.retrieve(&path(), &Query::new(), &RequestOptions::new())
        .await
}

#[tokio::test]
async fn service_error_json_keeps_code_message_innererror_and_request_id() {
    let m = Mock::start().await;
    m.respond(
        404,
        &[
            ("content-type", "application/json; odata.metadata=minimal"),
            ("REQ_ID", "a1b2c3"),
        ],
        &json!({"error": {
            "code": "0x80040217",
            "message": "account With Id = 00000000-0000-0000-0000-000000000001 Does Not Exist",
            "innererror": {
                "message": "inner msg",
                "type": "System.ServiceModel.FaultException`1[[Microsoft.Xrm.Sdk.OrganizationServiceFault]]",
                "stacktrace": "   at Microsoft.Crm..."
            }
        }})
        .to_string(),
    );
    let err = get(&m.client()).await.unwrap_err();
    assert!(err.is_not_found());
    assert!(!err.is_retryable());
    assert!(!err.is_concurrency_mismatch());
    assert_eq!(err.code(), Some("0x80040217"));
    assert_eq!(err.request_id(), Some("a1b2c3"));
    let se = err.service().unwrap();
    assert_eq!(se.status.as_u16(), 404);
    let inner = se.inner.as_ref().unwrap();
    assert_eq!(inner.message.as_deref(), Some("inner msg"));
    assert!(
        inner
            .type_name
            .as_deref()
            .unwrap()
            .contains("FaultException")
    );
    assert_eq!(inner.stacktrace.as_deref(), Some("   at Microsoft.Crm..."));
    let shown = err.to_string();
    assert!(shown.contains("HTTP 404"), "{shown}");
    assert!(shown.contains("0x80040217"), "{shown}");
    assert!(shown.contains("Does Not Exist"), "{shown}");
    assert!(shown.contains("a1b2c3"), "{shown}");
}

#[tokio::test]
async fn documented_statuses_are_kept() {
    let m = Mock::start().await;
    let c = m.client();
    for status in [400u16, 401, 403, 405, 412, 413, 500, 501, 418] {
        m.respond(
            status,
            &[
                ("content-type", "application/json"),
                ("x-ms-service-request-id", "rid"),
            ],
            &json!({"error": {"code": "0x1", "message": format!("m{status}")}}).to_string(),
        );
        let e = get(&c).await.unwrap_err();
        assert_eq!(e.status().unwrap().as_u16(), status);
        assert_eq!(e.service().unwrap().message, format!("m{status}"));
        assert_eq!(e.request_id(), Some("rid"));
        assert_eq!(e.is_concurrency_mismatch(), status == 412);
    }
}

#[tokio::test]
async fn duplicate_codes_are_recognised() {
    let m = Mock::start().await;
    for code in ["0x80040237", "0x80040333", "0x80060892", "0x80040217"] {
        m.respond(
            412,
            &[("content-type", "application/json")],
            &json!({"error": {"code": code, "message": "dup?"}}).to_string(),
        );
        let e = m
            .client()
            .create::<_, serde_json::Value>(
                "accounts",
                &json!({"name": "x"}),
                &RequestOptions::new(),
            )
            .await
            .unwrap_err();
        assert_eq!(e.is_duplicate(), code != "0x80040217", "{code}");
    }
}

#[tokio::test]
async fn html_502_and_empty_500_give_clear_errors() {
    let m = Mock::start().await;
    m.respond(
        502,
        &[("content-type", "text/html")],
        "<html><head><title>502 - Web server received an invalid response</title></head><body><h1>Bad</h1></body></html>",
    );
    m.respond(500, &[], "");
    let c = m.client();
    let e = get(&c).await.unwrap_err();
    assert_eq!(e.status().unwrap().as_u16(), 502);
    assert!(e.is_retryable());
    assert_eq!(e.code(), None);
    let s = e.to_string();
    assert!(s.contains("HTTP 502 Bad Gateway"), "{s}");
    assert!(s.contains("non-JSON"), "{s}");
    assert!(
        s.contains("502 - Web server received an invalid response"),
        "{s}"
    );
    assert!(!s.contains("<html>"), "{s}");

    let e = get(&c).await.unwrap_err();
    assert_eq!(e.status().unwrap().as_u16(), 500);
    assert!(e.to_string().contains("empty error body"), "{e}");
}

#[tokio::test]
async fn throttled_429_waits_retry_after_then_succeeds() {
    let m = Mock::start().await;
    m.respond(
        429,
        &[("content-type", "application/json"), ("Retry-After", "2")],
        &json!({"error": {"code": "0x80072322", "message": "Number of requests exceeded the limit of 6000 over time window of 300 seconds."}}).to_string(),
    );
    m.respond(
        200,
        &[("content-type", "application/json")],
        r#"{"name":"ok"}"#,
    );
    let sleeper = Arc::new(RecordingSleeper::default());
    let c = m
        .builder()
        .retry_policy(RetryPolicy::default())
        .sleeper(sleeper.clone())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    // A POST: 429 means the request was not processed, so it is retried whatever the method.
    let v: Option<serde_json::Value> = c
        .invoke_action(
            &EntityPath::unbound("DoIt"),
            &json!({"a": 1}),
            &RequestOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(v, Some(json!({"name": "ok"})));
    assert_eq!(sleeper.waits(), vec![Duration::from_secs(2)]);
    assert!(started.elapsed() < Duration::from_secs(2), "no real sleep");
    let reqs = m.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[0].body, reqs[1].body);
    assert_eq!(
        reqs[1].header("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[tokio::test]
async fn retry_503_without_retry_after_uses_backoff_and_is_bounded() {
    let m = Mock::start().await;
    for _ in 0..3 {
        m.respond(503, &[], "");
    }
    let sleeper = Arc::new(RecordingSleeper::default());
    let c = m
        .builder()
        .retry_policy(
            RetryPolicy::default()
                .max_attempts(3)
                .jitter(false)
                .initial_backoff(Duration::from_millis(100)),
        )
        .sleeper(sleeper.clone())
        .build()
        .unwrap();
    let e = get(&c).await.unwrap_err();
    assert_eq!(e.status().unwrap().as_u16(), 503);
    assert_eq!(m.requests().len(), 3);
    assert_eq!(
        sleeper.waits(),
        vec![Duration::from_millis(100), Duration::from_millis(200)]
    );
}

#[tokio::test]
async fn retry_after_beyond_budget_is_not_waited() {
    let m = Mock::start().await;
    m.respond(429, &[("Retry-After", "600")], "");
    let sleeper = Arc::new(RecordingSleeper::default());
    let c = m
        .builder()
        .retry_policy(RetryPolicy::default().max_total_time(Duration::from_secs(60)))
        .sleeper(sleeper.clone())
        .build()
        .unwrap();
    let e = get(&c).await.unwrap_err();
    assert!(e.is_throttled() && e.is_retryable());
    assert_eq!(e.retry_after(), Some(Duration::from_secs(600)));
    assert!(sleeper.waits().is_empty());
    assert_eq!(m.requests().len(), 1);
}

#[tokio::test]
async fn retries_switched_off() {
    let m = Mock::start().await;
    m.respond(429, &[("Retry-After", "1")], "");
    let e = get(&m.client()).await.unwrap_err();
    assert!(e.is_throttled());
    assert_eq!(m.requests().len(), 1);
}

#[tokio::test]
async fn transport_errors_retried_only_when_safe() {
    // A port with nobody listening: connection refused.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let sleeper = Arc::new(RecordingSleeper::default());
    let c = dataverse_runtime::Client::builder(&format!("http://127.0.0.1:{port}/api/data/v9.2/"))
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::default().max_attempts(3))
        .sleeper(sleeper.clone())
        .build()
        .unwrap();
    let e = get(&c).await.unwrap_err();
    assert!(matches!(e, Error::Transport(_)), "{e:?}");
    assert!(e.is_retryable());
    assert_eq!(sleeper.waits().len(), 2, "GET retried");

    let sleeper2 = Arc::new(RecordingSleeper::default());
    let c2 = dataverse_runtime::Client::builder(&format!("http://127.0.0.1:{port}/api/data/v9.2/"))
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::default().max_attempts(3))
        .sleeper(sleeper2.clone())
        .build()
        .unwrap();
    let e = c2
        .create::<_, serde_json::Value>("accounts", &json!({}), &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Transport(_)));
    assert!(sleeper2.waits().is_empty(), "POST not retried");
    let e = c2
        .create::<_, serde_json::Value>(
            "accounts",
            &json!({}),
            &RequestOptions::new().retry_non_idempotent(),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Transport(_)));
    assert_eq!(sleeper2.waits().len(), 2, "POST retried when opted in");
}

#[tokio::test]
async fn retry_after_as_http_date() {
    let m = Mock::start().await;
    let at = std::time::SystemTime::now() + Duration::from_secs(3);
    m.respond(503, &[("Retry-After", &httpdate::fmt_http_date(at))], "");
    m.respond(200, &[("content-type", "application/json")], "{}");
    let sleeper = Arc::new(RecordingSleeper::default());
    let c = m
        .builder()
        .retry_policy(RetryPolicy::default())
        .sleeper(sleeper.clone())
        .build()
        .unwrap();
    get(&c).await.unwrap();
    let waits = sleeper.waits();
    assert_eq!(waits.len(), 1);
    assert!(
        waits[0] >= Duration::from_secs(1) && waits[0] <= Duration::from_secs(3),
        "{waits:?}"
    );
}
