//! Tokens: the [`TokenProvider`] trait, [`SecretToken`] and the static provider.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::error::Error;

/// A boxed, sendable future, as returned by [`TokenProvider::token`] and [`crate::Sleeper::sleep`].
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A bearer token. Its `Debug` and `Display` never show the secret.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken(Arc<str>);

impl SecretToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        SecretToken(Arc::from(token.into()))
    }

    /// The secret itself. Only call this where the token is put on the wire.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretToken(<redacted>)")
    }
}

impl fmt::Display for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for SecretToken {
    fn from(s: String) -> Self {
        SecretToken::new(s)
    }
}

impl From<&str> for SecretToken {
    fn from(s: &str) -> Self {
        SecretToken::new(s)
    }
}

/// Supplies the bearer token for each request (called once per attempt; cache inside).
///
/// Implement it with a boxed future:
///
/// ```
/// use dataverse_runtime::{BoxFuture, Error, SecretToken, TokenProvider};
///
/// struct FromEnv;
/// impl TokenProvider for FromEnv {
///     fn token(&self) -> BoxFuture<'_, Result<SecretToken, Error>> {
///         Box::pin(async {
///             std::env::var("DATAVERSE_TOKEN")
///                 .map(SecretToken::new)
///                 .map_err(|_| Error::Auth("DATAVERSE_TOKEN is not set".into()))
///         })
///     }
/// }
/// ```
pub trait TokenProvider: Send + Sync + 'static {
    /// Returns a valid access token for the service.
    fn token(&self) -> BoxFuture<'_, Result<SecretToken, Error>>;
}

/// A fixed token (for scripts, tests, or tokens obtained elsewhere).
#[derive(Clone, Debug)]
pub struct StaticToken(pub SecretToken);

impl TokenProvider for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<SecretToken, Error>> {
        let t = self.0.clone();
        Box::pin(async move { Ok(t) })
    }
}

#[cfg(feature = "entra")]
pub use entra::ClientCredentials;

#[cfg(feature = "entra")]
mod entra {
    //! Entra ID (Azure AD) OAuth 2.0 client credentials flow.

    use std::fmt;
    use std::time::{Duration, Instant};

    use serde::Deserialize;
    use tokio::sync::Mutex;

    use super::{BoxFuture, SecretToken, TokenProvider};
    use crate::error::Error;

    /// Client credentials against `https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`.
    ///
    /// The token is cached until five minutes before it expires.
    pub struct ClientCredentials {
        token_url: String,
        client_id: String,
        client_secret: SecretToken,
        scope: String,
        http: reqwest::Client,
        cache: Mutex<Option<(SecretToken, Instant)>>,
    }

    impl fmt::Debug for ClientCredentials {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("ClientCredentials")
                .field("token_url", &self.token_url)
                .field("client_id", &self.client_id)
                .field("scope", &self.scope)
                .finish_non_exhaustive()
        }
    }

    #[derive(Deserialize)]
    struct TokenResponse {
        access_token: String,
        #[serde(default)]
        expires_in: Option<u64>,
    }

    impl ClientCredentials {
        /// Credentials for `tenant`; `resource` is the environment URL
        /// (`https://org.crm.dynamics.com`), the scope becomes `<resource>/.default`.
        pub fn new(
            tenant: &str,
            client_id: impl Into<String>,
            client_secret: SecretToken,
            resource: &str,
        ) -> Result<Self, Error> {
            Self::with_authority(
                "https://login.microsoftonline.com",
                tenant,
                client_id,
                client_secret,
                resource,
            )
        }

        /// Like [`ClientCredentials::new`] with another authority host (sovereign clouds, tests).
        pub fn with_authority(
            authority: &str,
            tenant: &str,
            client_id: impl Into<String>,
            client_secret: SecretToken,
            resource: &str,
        ) -> Result<Self, Error> {
            let parsed = url::Url::parse(authority)
                .map_err(|e| Error::Config(format!("invalid authority URL: {e}")))?;
            let loopback = match parsed.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            };
            if parsed.scheme() != "https" && !(parsed.scheme() == "http" && loopback) {
                return Err(Error::Config(
                    "the authority must be https (http only for a loopback host)".into(),
                ));
            }
            let tenant = crate::path::encode_name(tenant);
            Ok(ClientCredentials {
                token_url: format!(
                    "{}/{tenant}/oauth2/v2.0/token",
                    authority.trim_end_matches('/')
                ),
                client_id: client_id.into(),
                client_secret,
                scope: format!("{}/.default", resource.trim_end_matches('/')),
                http: crate::client::http_client(Some(Duration::from_secs(60)), None)?,
                cache: Mutex::new(None),
            })
        }

        async fn fetch(&self) -> Result<SecretToken, Error> {
            let mut cache = self.cache.lock().await;
            if let Some((tok, until)) = cache.as_ref()
                && Instant::now() < *until
            {
                return Ok(tok.clone());
            }
            let body = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("grant_type", "client_credentials")
                .append_pair("client_id", &self.client_id)
                .append_pair("client_secret", self.client_secret.expose_secret())
                .append_pair("scope", &self.scope)
                .finish();
            let resp = self
                .http
                .post(&self.token_url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .map_err(|e| Error::Auth(format!("token request failed: {}", e.without_url())))?;
            let status = resp.status();
            let bytes = resp
                .bytes()
                .await
                .map_err(|e| Error::Auth(format!("token response unreadable: {e}")))?;
            if !status.is_success() {
                #[derive(Deserialize)]
                struct Fail {
                    #[serde(default)]
                    error: String,
                    #[serde(default)]
                    error_description: String,
                }
                let detail = serde_json::from_slice::<Fail>(&bytes)
                    .map(|f| format!("{}: {}", f.error, f.error_description))
                    .unwrap_or_default();
                return Err(Error::Auth(format!(
                    "token endpoint answered HTTP {}: {detail}",
                    status.as_u16()
                )));
            }
            let tr: TokenResponse = serde_json::from_slice(&bytes)
                .map_err(|e| Error::Auth(format!("token response is not JSON: {e}")))?;
            let ttl = Duration::from_secs(tr.expires_in.unwrap_or(3600).saturating_sub(300));
            let tok = SecretToken::new(tr.access_token);
            *cache = Some((tok.clone(), Instant::now() + ttl));
            Ok(tok)
        }
    }

    impl TokenProvider for ClientCredentials {
        fn token(&self) -> BoxFuture<'_, Result<SecretToken, Error>> {
            Box::pin(self.fetch())
        }
    }
}
