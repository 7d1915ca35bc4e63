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
///
/// # When the service refuses a token
///
/// When a request is answered with HTTP 401, the client calls [`invalidate`] with the token it
/// sent, then [`token`] once more. If that gives a different token, the request is sent again
/// once with it (also a POST: a 401 request was not processed); a second 401 is returned as the
/// error. If it gives the same token (a fixed token, or a provider that cannot do better), the
/// 401 is returned at once. A provider that caches should implement [`invalidate`] to drop its
/// cached token.
///
/// [`invalidate`]: TokenProvider::invalidate
/// [`token`]: TokenProvider::token
pub trait TokenProvider: Send + Sync + 'static {
    /// Returns a valid access token for the service.
    fn token(&self) -> BoxFuture<'_, Result<SecretToken, Error>>;

    /// The service refused `rejected` (HTTP 401): forget it, so that the next [`token`] call
    /// gets a new one instead of a cached copy.
    ///
    /// Drop a cached token only if it is `rejected`: requests running at the same time may all
    /// fail with the old token, and a token already renewed by one of them must survive the
    /// others' calls. The default does nothing, which suits providers that keep no cache.
    ///
    /// [`token`]: TokenProvider::token
    fn invalidate(&self, rejected: &SecretToken) {
        let _ = rejected;
    }
}

/// A fixed token (for scripts, tests, or tokens obtained elsewhere).
///
/// It cannot be renewed: a request answered with 401 is not sent again.
#[derive(Clone, Debug)]
pub struct StaticToken(pub SecretToken);

impl TokenProvider for StaticToken {
    fn token(&self) -> BoxFuture<'_, Result<SecretToken, Error>> {
        let t = self.0.clone();
        Box::pin(async move { Ok(t) })
    }
}

/// A token as a provider fetched it: the token and when it stops being valid.
#[cfg(any(feature = "entra", feature = "azure-identity"))]
pub(crate) struct Fetched {
    pub(crate) token: SecretToken,
    pub(crate) expires_at: std::time::Instant,
}

/// The token cache of the providers that fetch tokens: one fetch at a time, the token kept until
/// [`TokenCache::RENEW_BEFORE`] its expiry, dropped when the service refused it.
#[cfg(any(feature = "entra", feature = "azure-identity"))]
pub(crate) struct TokenCache {
    current: std::sync::Mutex<Option<Cached>>,
    /// Held while fetching, so that concurrent requests wait for one fetch instead of each
    /// asking the identity provider.
    fetching: tokio::sync::Mutex<()>,
}

#[cfg(any(feature = "entra", feature = "azure-identity"))]
struct Cached {
    token: SecretToken,
    /// When to fetch a new one.
    renew_at: std::time::Instant,
    /// When this one stops working.
    expires_at: std::time::Instant,
}

#[cfg(any(feature = "entra", feature = "azure-identity"))]
impl TokenCache {
    /// How long before its expiry a token is renewed.
    pub(crate) const RENEW_BEFORE: std::time::Duration = std::time::Duration::from_secs(300);
    /// After a failed renewal while the cached token still works, how long to keep using it
    /// before trying again.
    const RETRY_RENEWAL_AFTER: std::time::Duration = std::time::Duration::from_secs(30);

    pub(crate) fn new() -> Self {
        TokenCache {
            current: std::sync::Mutex::new(None),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Cached>> {
        // Every write replaces the whole value: a panic elsewhere cannot leave it half-written.
        self.current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The cached token while it is not yet due for renewal.
    fn fresh(&self) -> Option<SecretToken> {
        let now = std::time::Instant::now();
        self.lock()
            .as_ref()
            .filter(|c| now < c.renew_at)
            .map(|c| c.token.clone())
    }

    /// Returns the cached token while it is fresh, else runs `fetch` (one at a time) and caches
    /// its token. When the renewal fails but the cached token has not expired yet, that one is
    /// used a little longer.
    pub(crate) async fn get<Fut>(&self, fetch: impl FnOnce() -> Fut) -> Result<SecretToken, Error>
    where
        Fut: Future<Output = Result<Fetched, Error>>,
    {
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        let _one_at_a_time = self.fetching.lock().await;
        // Another request may have fetched while this one waited.
        if let Some(t) = self.fresh() {
            return Ok(t);
        }
        let result = fetch().await;
        let now = std::time::Instant::now();
        let mut current = self.lock();
        match result {
            Ok(f) => {
                let renew_at = f.expires_at.checked_sub(Self::RENEW_BEFORE).unwrap_or(now);
                *current = Some(Cached {
                    token: f.token.clone(),
                    renew_at,
                    expires_at: f.expires_at,
                });
                Ok(f.token)
            }
            Err(e) => match current.as_mut() {
                Some(c) if now < c.expires_at => {
                    tracing::debug!(error = %e, "token renewal failed; the current token still works");
                    c.renew_at = now + Self::RETRY_RENEWAL_AFTER;
                    Ok(c.token.clone())
                }
                _ => Err(e),
            },
        }
    }

    /// Drops the cached token if it is `rejected`.
    pub(crate) fn invalidate(&self, rejected: &SecretToken) {
        let mut current = self.lock();
        if current.as_ref().is_some_and(|c| c.token == *rejected) {
            *current = None;
        }
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

    use super::{BoxFuture, Fetched, SecretToken, TokenCache, TokenProvider};
    use crate::error::Error;

    /// Client credentials against `https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`.
    ///
    /// The token is cached until five minutes before it expires, and dropped when the service
    /// refuses it (HTTP 401, see [`TokenProvider::invalidate`]).
    pub struct ClientCredentials {
        token_url: String,
        client_id: String,
        client_secret: SecretToken,
        scope: String,
        http: reqwest::Client,
        cache: TokenCache,
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
                cache: TokenCache::new(),
            })
        }

        async fn fetch(&self) -> Result<Fetched, Error> {
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
            let ttl = Duration::from_secs(tr.expires_in.unwrap_or(3600));
            Ok(Fetched {
                token: SecretToken::new(tr.access_token),
                expires_at: Instant::now() + ttl,
            })
        }
    }

    impl TokenProvider for ClientCredentials {
        fn token(&self) -> BoxFuture<'_, Result<SecretToken, Error>> {
            Box::pin(self.cache.get(|| self.fetch()))
        }

        fn invalidate(&self, rejected: &SecretToken) {
            self.cache.invalidate(rejected);
        }
    }
}

#[cfg(feature = "azure-identity")]
pub use azure::AzureCredential;

#[cfg(feature = "azure-identity")]
mod azure {
    //! Adapter from `azure_core`'s `TokenCredential` (the `azure_identity` crates).

    use std::fmt;
    use std::sync::Arc;
    use std::time::Instant;

    use azure_core::credentials::TokenCredential;

    use super::{BoxFuture, Fetched, SecretToken, TokenCache, TokenProvider};
    use crate::error::Error;

    /// Any [`TokenCredential`] of the `azure_identity` crates (`DeveloperToolsCredential`,
    /// `ManagedIdentityCredential`, `ClientSecretCredential`, `WorkloadIdentityCredential`...)
    /// as a [`TokenProvider`] (feature `azure-identity`).
    ///
    /// Tokens are asked for the scope `<environment URL>/.default`
    /// (`https://org.crm.dynamics.com/.default`), cached until five minutes before they expire,
    /// and dropped when the service refuses them (HTTP 401, see [`TokenProvider::invalidate`]).
    ///
    /// ```no_run
    /// # fn run(credential: std::sync::Arc<dyn azure_core::credentials::TokenCredential>)
    /// #     -> Result<(), dataverse_runtime::Error> {
    /// // e.g. `let credential = azure_identity::DeveloperToolsCredential::new(None)?;`
    /// use dataverse_runtime::{AzureCredential, Client};
    /// let root = "https://org.crm.dynamics.com/api/data/v9.2/";
    /// let client = Client::builder(root)
    ///     .token_provider(AzureCredential::new(credential, root)?)
    ///     .build()?;
    /// # let _ = client; Ok(()) }
    /// ```
    pub struct AzureCredential {
        credential: Arc<dyn TokenCredential>,
        scope: String,
        cache: TokenCache,
    }

    impl fmt::Debug for AzureCredential {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("AzureCredential")
                .field("credential", &self.credential)
                .field("scope", &self.scope)
                .finish_non_exhaustive()
        }
    }

    impl AzureCredential {
        /// Tokens for the environment of `url`, a service root such as
        /// `https://org.crm.dynamics.com/api/data/v9.2/` or the environment URL itself: the
        /// scope is its origin followed by `/.default`.
        pub fn new(credential: Arc<dyn TokenCredential>, url: &str) -> Result<Self, Error> {
            let parsed = url::Url::parse(url.trim())
                .map_err(|e| Error::Config(format!("invalid environment URL: {e}")))?;
            if !matches!(parsed.scheme(), "https" | "http") || parsed.host().is_none() {
                return Err(Error::Config(
                    "the environment URL must be an http(s) URL with a host".into(),
                ));
            }
            let scope = format!("{}/.default", parsed.origin().ascii_serialization());
            Ok(Self::with_scope(credential, scope))
        }

        /// Tokens for an explicit scope, e.g. `https://org.crm.dynamics.com/.default`.
        pub fn with_scope(credential: Arc<dyn TokenCredential>, scope: impl Into<String>) -> Self {
            AzureCredential {
                credential,
                scope: scope.into(),
                cache: TokenCache::new(),
            }
        }

        /// The scope tokens are asked for.
        pub fn scope(&self) -> &str {
            &self.scope
        }

        async fn fetch(&self) -> Result<Fetched, Error> {
            let token = self
                .credential
                .get_token(&[self.scope.as_str()], None)
                .await
                .map_err(|e| Error::Auth(format!("the Azure credential gave no token: {e}")))?;
            // From the wall clock's expiry to the monotonic clock of the cache.
            let left = token.expires_on - time::OffsetDateTime::now_utc();
            let left = std::time::Duration::try_from(left).unwrap_or_default();
            Ok(Fetched {
                token: SecretToken::new(token.token.secret()),
                expires_at: Instant::now() + left,
            })
        }
    }

    impl TokenProvider for AzureCredential {
        fn token(&self) -> BoxFuture<'_, Result<SecretToken, Error>> {
            Box::pin(self.cache.get(|| self.fetch()))
        }

        fn invalidate(&self, rejected: &SecretToken) {
            self.cache.invalidate(rejected);
        }
    }
}
