//! Entra ID client credentials (feature `entra`): token request on the wire, caching, errors.

mod common;

use common::{Mock, uuid};
use dataverse_runtime::{ClientCredentials, EntityPath, Query, RequestOptions, SecretToken};
use serde_json::json;

#[tokio::test]
async fn client_credentials_token_is_fetched_cached_and_used() {
    let idp = Mock::start().await;
    idp.respond_json(
        200,
        &json!({"token_type": "Bearer", "expires_in": 3599, "access_token": "eyJ.issued.token"}),
    );
    let creds = ClientCredentials::with_authority(
        &idp.base,
        "contoso.onmicrosoft.com",
        "app-id",
        SecretToken::new("client-secret-value"),
        "https://org.crm.dynamics.com/",
    )
    .unwrap();
    assert!(!format!("{creds:?}").contains("client-secret-value"));

    let api = Mock::start().await;
    api.respond(200, &[("content-type", "application/json")], "{}");
    api.respond(200, &[("content-type", "application/json")], "{}");
    let c = dataverse_runtime::Client::builder(&api.root())
        .token_provider(creds)
        .build()
        .unwrap();
    for _ in 0..2 {
        let _: serde_json::Value = c
            .retrieve(
                &EntityPath::entity("accounts", uuid(1)),
                &Query::new(),
                &RequestOptions::new(),
            )
            .await
            .unwrap();
    }
    let t = idp.only_request();
    assert_eq!(t.method, "POST");
    assert_eq!(t.path, "/contoso.onmicrosoft.com/oauth2/v2.0/token");
    assert_eq!(
        t.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        t.body_str(),
        "grant_type=client_credentials&client_id=app-id&client_secret=client-secret-value&scope=https%3A%2F%2Forg.crm.dynamics.com%2F.default"
    );
    for r in api.requests() {
        assert_eq!(r.header("authorization"), Some("Bearer eyJ.issued.token"));
    }
}

#[tokio::test]
async fn token_endpoint_errors_are_reported_without_secrets() {
    let idp = Mock::start().await;
    idp.respond_json(
        401,
        &json!({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided."}),
    );
    let creds = ClientCredentials::with_authority(
        &idp.base,
        "t",
        "app",
        SecretToken::new("client-secret-value"),
        "https://org.crm.dynamics.com",
    )
    .unwrap();
    let c = dataverse_runtime::Client::builder("https://org.crm.dynamics.com/api/data/v9.2/")
        .token_provider(creds)
        .build()
        .unwrap();
    let e = c
        .retrieve::<serde_json::Value>(
            &EntityPath::set("accounts"),
            &Query::new(),
            &RequestOptions::new(),
        )
        .await
        .unwrap_err();
    let s = format!("{e} {e:?}");
    assert!(
        s.contains("invalid_client") && s.contains("AADSTS7000215"),
        "{s}"
    );
    assert!(!s.contains("client-secret-value"));
    assert!(
        ClientCredentials::with_authority(
            "http://login.example",
            "t",
            "a",
            SecretToken::new("x"),
            "https://o"
        )
        .is_err()
    );
}

#[tokio::test]
async fn refused_token_is_dropped_and_fetched_again() {
    let idp = Mock::start().await;
    idp.respond_json(
        200,
        &json!({"token_type": "Bearer", "expires_in": 3599, "access_token": "revoked.token"}),
    );
    idp.respond_json(
        200,
        &json!({"token_type": "Bearer", "expires_in": 3599, "access_token": "renewed.token"}),
    );
    let creds = ClientCredentials::with_authority(
        &idp.base,
        "t",
        "app",
        SecretToken::new("client-secret-value"),
        "https://org.crm.dynamics.com",
    )
    .unwrap();
    let api = Mock::start().await;
    api.respond(401, &[("www-authenticate", "Bearer")], "");
    api.respond(200, &[("content-type", "application/json")], "{}");
    api.respond(200, &[("content-type", "application/json")], "{}");
    let c = dataverse_runtime::Client::builder(&api.root())
        .token_provider(creds)
        .build()
        .unwrap();
    for _ in 0..2 {
        let _: serde_json::Value = c
            .retrieve(
                &EntityPath::entity("accounts", uuid(1)),
                &Query::new(),
                &RequestOptions::new(),
            )
            .await
            .unwrap();
    }
    assert_eq!(idp.requests().len(), 2, "fetched again after the 401 only");
    let auth: Vec<_> = api
        .requests()
        .iter()
        .map(|r| r.header("authorization").unwrap().to_owned())
        .collect();
    assert_eq!(
        auth,
        [
            "Bearer revoked.token",
            "Bearer renewed.token",
            "Bearer renewed.token"
        ]
    );
}
