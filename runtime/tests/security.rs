//! The token never leaks; `http://` is refused; values cannot change the path or the query.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::{Mock, TOKEN, uuid};
use dataverse_runtime::{
    Client, EntityKey, EntityPath, Error, Literal, Query, RequestOptions, SecretToken, filter,
};
use serde_json::json;

#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn token_never_in_debug_display_errors_or_traces() {
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let m = Mock::start().await;
    m.respond(
        401,
        &[("content-type", "application/json"), ("www-authenticate", "Bearer")],
        &json!({"error": {"code": "0x80072560", "message": "The user is not a member of the organization."}}).to_string(),
    );
    m.respond(
        200,
        &[("content-type", "application/json")],
        r#"{"secretfield":"body-value"}"#,
    );
    let builder = m.builder();
    let builder_dbg = format!("{builder:?}");
    let c = builder.build().unwrap();
    let mut outputs = vec![builder_dbg, format!("{c:?}")];

    let err = c
        .retrieve::<serde_json::Value>(
            &EntityPath::entity("accounts", uuid(1)),
            &Query::new(),
            &RequestOptions::new(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 401);
    outputs.push(format!("{err}"));
    outputs.push(format!("{err:?}"));
    let _ok: serde_json::Value = c
        .retrieve(
            &EntityPath::entity("accounts", uuid(1)),
            &Query::new(),
            &RequestOptions::new(),
        )
        .await
        .unwrap();

    // A decode error and a transport error.
    m.respond(200, &[("content-type", "application/json")], "not json");
    let e = c
        .retrieve::<serde_json::Value>(&EntityPath::set("x"), &Query::new(), &RequestOptions::new())
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Decode { .. }));
    outputs.push(format!("{e} {e:?}"));
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    let dead = Client::builder(&format!("http://127.0.0.1:{port}/"))
        .bearer_token(TOKEN)
        .retry_policy(dataverse_runtime::RetryPolicy::disabled())
        .build()
        .unwrap();
    let e = dead
        .retrieve::<serde_json::Value>(&EntityPath::set("x"), &Query::new(), &RequestOptions::new())
        .await
        .unwrap_err();
    outputs.push(format!("{e} {e:?} {dead:?}"));

    let secret = SecretToken::new(TOKEN);
    outputs.push(format!("{secret} {secret:?}"));
    outputs.push(format!(
        "{:?}",
        dataverse_runtime::StaticToken(secret.clone())
    ));

    let traces = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(traces.contains("dataverse.request"), "{traces}");
    assert!(traces.contains("GET"), "{traces}");
    assert!(traces.contains("/api/data/v9.2/accounts("), "{traces}");
    assert!(traces.contains("status=200"), "{traces}");
    assert!(!traces.contains("body-value"), "no bodies in traces");
    outputs.push(traces);
    for o in &outputs {
        assert!(!o.contains(TOKEN), "token leaked in: {o}");
        assert!(!o.contains("s3cr3t"), "token leaked in: {o}");
    }
}

#[test]
fn http_is_refused_unless_loopback_or_opted_in() {
    let e = Client::builder("http://org.crm.dynamics.com/api/data/v9.2/")
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e}");
    assert!(
        Client::builder("http://org.crm.dynamics.com/api/data/v9.2/")
            .allow_insecure_http(true)
            .build()
            .is_ok()
    );
    for ok in [
        "http://localhost:8080/api/data/v9.2",
        "http://127.0.0.1/api/data/v9.2/",
        "http://127.1.2.3/x/",
        "http://[::1]:81/api/",
        "https://org.crm4.dynamics.com/api/data/v9.1/",
    ] {
        let c = Client::builder(ok)
            .build()
            .unwrap_or_else(|e| panic!("{ok}: {e}"));
        assert!(c.service_root().ends_with('/'));
    }
    for bad in [
        "ftp://org/api/",
        "https://org/api/?x=1",
        "https://user:pw@org/api/",
        "not a url",
        "http://10.0.0.1/api/",
    ] {
        assert!(Client::builder(bad).build().is_err(), "{bad}");
    }
}

#[tokio::test]
async fn key_values_cannot_change_the_path_or_inject_query_options() {
    let m = Mock::start().await;
    for _ in 0..4 {
        m.respond(200, &[("content-type", "application/json")], "{}");
    }
    let c = m.client();
    let evil = "')/$ref?$filter=name eq 'x'&$top=1#";
    let _: serde_json::Value = c
        .retrieve(
            &EntityPath::entity("accounts", Literal::from(evil)),
            &Query::new(),
            &RequestOptions::new(),
        )
        .await
        .unwrap();
    let _: serde_json::Value = c
        .retrieve(
            &EntityPath::entity("accounts", EntityKey::alternate([("accountnumber", evil)])),
            &Query::new(),
            &RequestOptions::new(),
        )
        .await
        .unwrap();
    let _: serde_json::Value = c
        .retrieve(
            &EntityPath::entity("accounts", uuid(1)).property("na/me?$x"),
            &Query::new().filter(filter::eq("name", evil)),
            &RequestOptions::new(),
        )
        .await
        .unwrap();
    let _: serde_json::Value = c
        .invoke_function(
            &EntityPath::root(),
            "F",
            &[("p", Literal::from(evil))],
            &RequestOptions::new(),
        )
        .await
        .unwrap();
    let reqs = m.requests();
    assert_eq!(
        reqs[0].rel(),
        "accounts('''%29%2F%24ref%3F%24filter%3Dname%20eq%20''x''%26%24top%3D1%23')"
    );
    assert_eq!(reqs[0].query, None);
    assert_eq!(
        reqs[1].rel(),
        "accounts(accountnumber='''%29%2F%24ref%3F%24filter%3Dname%20eq%20''x''%26%24top%3D1%23')"
    );
    assert_eq!(reqs[1].query, None);
    assert_eq!(
        reqs[2].rel(),
        "accounts(00000000-0000-0000-0000-000000000001)/na%2Fme%3F%24x"
    );
    let q = reqs[2].query.as_deref().unwrap();
    assert_eq!(q.split('&').count(), 1, "one query option only: {q}");
    assert!(
        q.starts_with("$filter=name%20eq%20%27%27%27)/$ref%3F$filter%3D"),
        "{q}"
    );
    assert_eq!(reqs[3].rel(), "F(p=@p1)");
    let q = reqs[3].query.as_deref().unwrap();
    assert_eq!(q.split('&').count(), 1, "{q}");
    assert!(!q.contains('#') && !q.contains('\''), "{q}");
}
