//! `azure_core` / `azure_identity` credentials (feature `azure-identity`): scope, caching, 401.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::Mutex;

use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use common::{Mock, uuid};
use dataverse_runtime::{
    AzureCredential, Client, EntityPath, Error, Query, RequestOptions, SecretToken, TokenProvider,
};
use serde_json::json;
use time::OffsetDateTime;

/// A stand-in for `DeveloperToolsCredential` and the others: hands out `azure-token-1`, ...,
/// valid for `lifetime`, and records the scopes it was asked for.
#[derive(Debug)]
struct FakeCredential {
    lifetime: time::Duration,
    scopes: Mutex<Vec<Vec<String>>>,
    fail: bool,
}

impl FakeCredential {
    fn new(lifetime: time::Duration) -> Arc<Self> {
        Arc::new(FakeCredential {
            lifetime,
            scopes: Mutex::new(Vec::new()),
            fail: false,
        })
    }

    fn calls(&self) -> usize {
        self.scopes.lock().unwrap().len()
    }

    fn scopes(&self) -> Vec<Vec<String>> {
        self.scopes.lock().unwrap().clone()
    }
}

impl FakeCredential {
    fn answer(&self, scopes: &[&str]) -> azure_core::Result<AccessToken> {
        let n = {
            let mut s = self.scopes.lock().unwrap();
            s.push(scopes.iter().map(|s| (*s).to_owned()).collect());
            s.len()
        };
        if self.fail {
            return Err(azure_core::Error::with_message(
                azure_core::error::ErrorKind::Credential,
                "no credential is signed in",
            ));
        }
        Ok(AccessToken::new(
            format!("azure-token-{n}"),
            OffsetDateTime::now_utc() + self.lifetime,
        ))
    }
}

// What `#[async_trait]` expands to, written out (the trait is declared with it).
impl TokenCredential for FakeCredential {
    fn get_token<'s, 'a, 'b, 'o, 'f>(
        &'s self,
        scopes: &'a [&'b str],
        _options: Option<TokenRequestOptions<'o>>,
    ) -> Pin<Box<dyn Future<Output = azure_core::Result<AccessToken>> + Send + 'f>>
    where
        's: 'f,
        'a: 'f,
        'b: 'f,
        'o: 'f,
    {
        let answer = self.answer(scopes);
        Box::pin(async move { answer })
    }
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
async fn token_is_asked_for_the_org_scope_cached_and_sent() {
    let m = Mock::start().await;
    m.respond_json(200, &json!({"n": 1}));
    m.respond_json(200, &json!({"n": 2}));
    let cred = FakeCredential::new(time::Duration::hours(1));
    let c = Client::builder(&m.root())
        .token_credential(cred.clone())
        .build()
        .unwrap();
    assert_eq!(get(&c).await.unwrap(), json!({"n": 1}));
    assert_eq!(get(&c).await.unwrap(), json!({"n": 2}));
    assert_eq!(cred.calls(), 1, "the second request uses the cached token");
    assert_eq!(cred.scopes(), vec![vec![format!("{}/.default", m.base)]]);
    assert_eq!(
        authorizations(&m),
        vec!["Bearer azure-token-1", "Bearer azure-token-1"]
    );
}

#[tokio::test]
async fn scope_comes_from_the_environment_url() {
    let cred = FakeCredential::new(time::Duration::hours(1));
    for (url, scope) in [
        (
            "https://org.crm.dynamics.com/api/data/v9.2/",
            "https://org.crm.dynamics.com/.default",
        ),
        (
            "https://org.crm4.dynamics.com",
            "https://org.crm4.dynamics.com/.default",
        ),
        (
            "https://Org.CRM.dynamics.com:443/api/data/v9.2",
            "https://org.crm.dynamics.com/.default",
        ),
    ] {
        assert_eq!(
            AzureCredential::new(cred.clone(), url).unwrap().scope(),
            scope
        );
    }
    assert!(AzureCredential::new(cred.clone(), "org.crm.dynamics.com").is_err());
    let explicit = AzureCredential::with_scope(cred.clone(), "https://other.example/.default");
    assert_eq!(explicit.scope(), "https://other.example/.default");
    let shown = format!("{explicit:?}");
    assert!(shown.contains("https://other.example/.default"), "{shown}");
}

#[tokio::test]
async fn unauthorized_drops_the_cached_token_and_fetches_again() {
    let m = Mock::start().await;
    m.respond_json(200, &json!({"n": 1}));
    m.respond(401, &[("www-authenticate", "Bearer")], "");
    m.respond_json(200, &json!({"n": 2}));
    m.respond_json(200, &json!({"n": 3}));
    let cred = FakeCredential::new(time::Duration::hours(1));
    let c = m
        .builder()
        .token_provider(AzureCredential::new(cred.clone(), &m.root()).unwrap())
        .build()
        .unwrap();
    assert_eq!(get(&c).await.unwrap(), json!({"n": 1}));
    assert_eq!(get(&c).await.unwrap(), json!({"n": 2}));
    assert_eq!(get(&c).await.unwrap(), json!({"n": 3}));
    assert_eq!(cred.calls(), 2, "fetched again after the 401 only");
    assert_eq!(
        authorizations(&m),
        vec![
            "Bearer azure-token-1",
            "Bearer azure-token-1",
            "Bearer azure-token-2",
            "Bearer azure-token-2"
        ]
    );
}

#[tokio::test]
async fn invalidate_drops_only_the_refused_token() {
    let cred = FakeCredential::new(time::Duration::hours(1));
    let p = AzureCredential::with_scope(cred.clone(), "https://org.crm.dynamics.com/.default");
    let first = p.token().await.unwrap();
    // Another request's older token: the current one stays.
    p.invalidate(&SecretToken::new("some-older-token"));
    assert_eq!(p.token().await.unwrap(), first);
    assert_eq!(cred.calls(), 1);
    p.invalidate(&first);
    let second = p.token().await.unwrap();
    assert_ne!(second, first);
    assert_eq!(cred.calls(), 2);
}

#[tokio::test]
async fn token_near_its_expiry_is_renewed() {
    // Valid for 4 more minutes: inside the 5-minute renewal window, so never reused.
    let cred = FakeCredential::new(time::Duration::minutes(4));
    let p = AzureCredential::with_scope(cred.clone(), "s");
    assert_eq!(p.token().await.unwrap().expose_secret(), "azure-token-1");
    assert_eq!(p.token().await.unwrap().expose_secret(), "azure-token-2");
    // Valid for an hour: reused.
    let cred = FakeCredential::new(time::Duration::hours(1));
    let p = AzureCredential::with_scope(cred.clone(), "s");
    for _ in 0..3 {
        assert_eq!(p.token().await.unwrap().expose_secret(), "azure-token-1");
    }
}

#[tokio::test]
async fn credential_errors_are_auth_errors() {
    let cred = Arc::new(FakeCredential {
        lifetime: time::Duration::hours(1),
        scopes: Mutex::new(Vec::new()),
        fail: true,
    });
    let m = Mock::start().await;
    let c = Client::builder(&m.root())
        .token_credential(cred)
        .build()
        .unwrap();
    let e = get(&c).await.unwrap_err();
    assert!(
        matches!(&e, Error::Auth(msg) if msg.contains("no credential is signed in")),
        "{e:?}"
    );
    assert!(m.requests().is_empty(), "nothing sent without a token");
}
