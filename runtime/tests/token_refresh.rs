//! HTTP 401: the token is renewed once and the request sent again once.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{Mock, uuid};
use dataverse_runtime::{
    BoxFuture, Client, EntityPath, Error, Query, RequestOptions, SecretToken, TokenProvider,
};
use serde_json::json;

/// Hands out `token-1`, `token-2`, ... and records what it was told.
#[derive(Default)]
struct Counting {
    calls: AtomicUsize,
    invalidated: std::sync::Mutex<Vec<String>>,
}

impl TokenProvider for Counting {
    fn token(&self) -> BoxFuture<'_, Result<SecretToken, Error>> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        Box::pin(async move { Ok(SecretToken::new(format!("token-{n}"))) })
    }

    fn invalidate(&self, rejected: &SecretToken) {
        self.invalidated
            .lock()
            .unwrap()
            .push(rejected.expose_secret().to_owned());
    }
}

impl Counting {
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    fn invalidated(&self) -> Vec<String> {
        self.invalidated.lock().unwrap().clone()
    }
}

/// The answer Dataverse gives to an expired or revoked token.
fn respond_401(m: &Mock) {
    m.respond(
        401,
        &[(
            "www-authenticate",
            "Bearer authorization_uri=https://login.microsoftonline.com/t/oauth2/authorize, resource_id=https://org.crm.dynamics.com/",
        )],
        "",
    );
}

fn client(m: &Mock, provider: &Arc<Counting>) -> Client {
    // Retries disabled: renewing the token is not a retry of the policy.
    m.builder()
        .token_provider_arc(provider.clone())
        .build()
        .unwrap()
}

async fn get(c: &Client) -> Result<serde_json::Value, Error> {
    c.retrieve(
        &EntityPath::entity("accounts", uuid(1)),
        &Query::new(),
        &RequestOptions::new(),
    )
    .await
}

fn authorizations(m: &Mock) -> Vec<String> {
    m.requests()
        .iter()
        .map(|r| r.header("authorization").unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn unauthorized_renews_the_token_once_and_succeeds() {
    let m = Mock::start().await;
    respond_401(&m);
    m.respond_json(200, &json!({"name": "Contoso"}));
    let provider = Arc::new(Counting::default());
    let v = get(&client(&m, &provider)).await.unwrap();
    assert_eq!(v, json!({"name": "Contoso"}));
    assert_eq!(provider.calls(), 2);
    assert_eq!(provider.invalidated(), vec!["token-1"]);
    assert_eq!(authorizations(&m), vec!["Bearer token-1", "Bearer token-2"]);
    let reqs = m.requests();
    assert_eq!(reqs[0].path, reqs[1].path);
}

#[tokio::test]
async fn a_second_unauthorized_is_the_error() {
    let m = Mock::start().await;
    respond_401(&m);
    respond_401(&m);
    m.respond_json(200, &json!({"never": "sent"}));
    let provider = Arc::new(Counting::default());
    let e = get(&client(&m, &provider)).await.unwrap_err();
    assert_eq!(e.status().unwrap().as_u16(), 401);
    assert!(e.service().is_some(), "{e:?}");
    assert_eq!(m.requests().len(), 2, "no loop");
    assert_eq!(provider.calls(), 2);
    assert_eq!(authorizations(&m), vec!["Bearer token-1", "Bearer token-2"]);
}

#[tokio::test]
async fn unauthorized_post_is_sent_again_with_the_same_body() {
    // A 401 request was not processed: sending a create again is safe.
    let m = Mock::start().await;
    respond_401(&m);
    m.respond(
        204,
        &[(
            "OData-EntityId",
            "https://org.crm.dynamics.com/api/data/v9.2/accounts(00000000-0000-0000-0000-000000000001)",
        )],
        "",
    );
    let provider = Arc::new(Counting::default());
    let created = client(&m, &provider)
        .create::<_, serde_json::Value>("accounts", &json!({"name": "A"}), &RequestOptions::new())
        .await
        .unwrap();
    assert_eq!(created.entity_id().and_then(|i| i.id), Some(uuid(1)));
    let reqs = m.requests();
    assert_eq!(reqs.len(), 2);
    assert!(reqs.iter().all(|r| r.method == "POST"));
    assert_eq!(reqs[0].body, reqs[1].body);
    assert_eq!(reqs[1].header("authorization"), Some("Bearer token-2"));
}

#[tokio::test]
async fn each_call_may_renew_once() {
    let m = Mock::start().await;
    respond_401(&m);
    m.respond_json(200, &json!({"n": 1}));
    respond_401(&m);
    m.respond_json(200, &json!({"n": 2}));
    let provider = Arc::new(Counting::default());
    let c = client(&m, &provider);
    assert_eq!(get(&c).await.unwrap(), json!({"n": 1}));
    assert_eq!(get(&c).await.unwrap(), json!({"n": 2}));
    assert_eq!(
        authorizations(&m),
        vec![
            "Bearer token-1",
            "Bearer token-2",
            "Bearer token-3",
            "Bearer token-4"
        ]
    );
}

#[tokio::test]
async fn a_fixed_token_is_not_sent_twice() {
    let m = Mock::start().await;
    respond_401(&m);
    m.respond_json(200, &json!({"never": "sent"}));
    let e = get(&m.client()).await.unwrap_err();
    assert_eq!(e.status().unwrap().as_u16(), 401);
    assert_eq!(
        m.requests().len(),
        1,
        "the same token would be refused again"
    );
}

#[tokio::test]
async fn a_failing_renewal_is_reported() {
    struct OnceThenFail(AtomicUsize);
    impl TokenProvider for OnceThenFail {
        fn token(&self) -> BoxFuture<'_, Result<SecretToken, Error>> {
            let n = self.0.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                if n == 0 {
                    Ok(SecretToken::new("first"))
                } else {
                    Err(Error::Auth("the identity provider is unreachable".into()))
                }
            })
        }
    }
    let m = Mock::start().await;
    respond_401(&m);
    let c = m
        .builder()
        .token_provider(OnceThenFail(AtomicUsize::new(0)))
        .build()
        .unwrap();
    let e = get(&c).await.unwrap_err();
    assert!(
        matches!(&e, Error::Auth(m) if m.contains("unreachable")),
        "{e:?}"
    );
    assert_eq!(m.requests().len(), 1);
}
