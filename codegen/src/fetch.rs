//! Downloading a service's `$metadata` document (the CLI's `fetch`), with a bearer token and a
//! progress indication on a slow download.
//!
//! The HTTP stack is the runtime's: reqwest with rustls, the *ring* provider and the platform's
//! trust store, here in its blocking form. [`fetch_metadata`] must therefore not be called from
//! inside an async runtime (the blocking client runs its own).
//!
//! ```no_run
//! use dataverse_codegen::fetch::{fetch_metadata, token_from, FetchOptions};
//! let token = token_from(Some("DATAVERSE_TOKEN"), None)?;
//! let bytes = fetch_metadata(&FetchOptions {
//!     bearer_token: token,
//!     progress: true,
//!     ..FetchOptions::new("https://org.crm.dynamics.com/api/data/v9.2")
//! })?;
//! std::fs::write("metadata/dataverse.xml", bytes).unwrap();
//! # Ok::<(), dataverse_codegen::fetch::FetchError>(())
//! ```

use std::io::{IsTerminal as _, Read as _, Write};
use std::time::{Duration, Instant};

/// How to download a `$metadata` document.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The service root (e.g. `https://org.crm.dynamics.com/api/data/v9.2`) or the `$metadata`
    /// URL itself; see [`metadata_url`].
    pub url: String,
    /// Sent as `Authorization: Bearer ...` when given.
    pub bearer_token: Option<String>,
    /// How long to wait for the connection, for the response to start, and then for each piece
    /// of the body (a slow but steady download is not cut off).
    pub timeout: Duration,
    /// Write the download's progress to stderr: the bytes received (of the total, when the
    /// service sends a `Content-Length`) at most every 200 ms once the download has taken that
    /// long, and a final line.
    pub progress: bool,
}

impl FetchOptions {
    /// Options for `url` without a token, with a 60-second timeout and no progress output.
    pub fn new(url: impl Into<String>) -> FetchOptions {
        FetchOptions {
            url: url.into(),
            bearer_token: None,
            timeout: Duration::from_secs(60),
            progress: false,
        }
    }
}

/// Why a download (or getting a token) failed. Each message says what to do next.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// The URL cannot be used.
    #[error(
        "invalid service URL {url:?}: {reason}; pass the service root, e.g. \
         https://org.crm.dynamics.com/api/data/v9.2"
    )]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A token would be sent over plain `http://` to a host that is not this machine.
    #[error(
        "refusing to send the token over plain http to {url}; use an https:// URL \
         (plain http is only allowed for localhost)"
    )]
    InsecureUrl {
        /// The URL.
        url: String,
    },
    /// The token cannot be sent in a header.
    #[error(
        "the token contains characters that cannot be sent in an HTTP header; check that the \
         token command prints only the access token"
    )]
    InvalidToken,
    /// The HTTP client could not be set up (TLS configuration, trust store).
    #[error("cannot set up the HTTP client: {0}")]
    Client(String),
    /// The service could not be reached.
    #[error("cannot reach {url}: {message}; check the URL, the network and any proxy settings")]
    Connect {
        /// The URL.
        url: String,
        /// The underlying error.
        message: String,
    },
    /// The service did not answer (or stopped sending) in time.
    #[error(
        "{url} did not answer within {timeout:?} ({received} bytes received); try again, or \
         allow more time with a larger timeout"
    )]
    Timeout {
        /// The URL.
        url: String,
        /// The timeout in force.
        timeout: Duration,
        /// How many bytes of the body had arrived.
        received: u64,
    },
    /// The download broke off.
    #[error("the download of {url} broke off after {received} bytes: {message}; try again")]
    Interrupted {
        /// The URL.
        url: String,
        /// How many bytes had arrived.
        received: u64,
        /// The underlying error.
        message: String,
    },
    /// HTTP 401 without a token: the service wants one.
    #[error(
        "{url} requires a token (HTTP 401{}); set DATAVERSE_TOKEN or --token-command, e.g. \
         --token-command \"az account get-access-token --resource https://ORG.crm.dynamics.com \
         --query accessToken -o tsv\"",
        said(.message)
    )]
    TokenRequired {
        /// The URL.
        url: String,
        /// The service's error message (or its `WWW-Authenticate` header), if any.
        message: String,
    },
    /// HTTP 401 with a token: the service refused it.
    #[error(
        "the service refused the token (HTTP 401{}); it may have expired or be for another \
         resource (it must be issued for the organisation's URL); set DATAVERSE_TOKEN or \
         --token-command to get a fresh one",
        said(.message)
    )]
    Unauthorized {
        /// The service's error message (or its `WWW-Authenticate` header), if any.
        message: String,
    },
    /// HTTP 403: the token is valid but its user may not read the metadata.
    #[error(
        "the service accepted the token but denied access (HTTP 403{}); check that the user or \
         application has a security role in this environment",
        said(.message)
    )]
    Forbidden {
        /// The service's error message, if any.
        message: String,
    },
    /// HTTP 404.
    #[error(
        "there is no $metadata at {url} (HTTP 404{}); check the URL: for Dataverse it is \
         https://ORG.crm.dynamics.com/api/data/v9.2",
        said(.message)
    )]
    NotFound {
        /// The URL.
        url: String,
        /// The service's error message, if any.
        message: String,
    },
    /// A redirect (not followed, so that the token does not travel to another host).
    #[error(
        "{url} redirects (HTTP {status}) to {location}; pass the final URL if you trust it \
         (redirects are not followed, so that the token stays with the host you named)"
    )]
    Redirect {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
        /// The `Location` header.
        location: String,
    },
    /// Another non-2xx status.
    #[error("{url} answered HTTP {status}{}; check the URL and try again", said(.message))]
    Status {
        /// The URL.
        url: String,
        /// The status code.
        status: u16,
        /// The start of the service's answer (its error message, when it is OData JSON).
        message: String,
    },
    /// A 2xx answer that is not a CSDL document (e.g. a sign-in page).
    #[error(
        "{url} answered with something that is not a $metadata document (Content-Type {content_type}, \
         starting {start:?}); check that the URL is the service root"
    )]
    NotMetadata {
        /// The URL.
        url: String,
        /// The `Content-Type` header.
        content_type: String,
        /// The start of the body.
        start: String,
    },
    /// The token environment variable is not valid Unicode.
    #[error("the environment variable {var} is not valid UTF-8; set it to the access token")]
    TokenVariable {
        /// The variable's name.
        var: String,
    },
    /// The token command could not be started.
    #[error("cannot run the token command `{command}`: {message}; check that `sh` is available")]
    TokenCommandStart {
        /// The command.
        command: String,
        /// The underlying error.
        message: String,
    },
    /// The token command failed.
    #[error(
        "the token command `{command}` failed ({status}){}; run it by hand to see why (e.g. sign \
         in with `az login` first)",
        said(.stderr)
    )]
    TokenCommandFailed {
        /// The command.
        command: String,
        /// Its exit status.
        status: String,
        /// Its standard error, trimmed.
        stderr: String,
    },
    /// The token command succeeded but printed no token.
    #[error(
        "the token command `{command}` printed nothing on stdout; it must print the access token \
         (e.g. `--query accessToken -o tsv` for the Azure CLI)"
    )]
    TokenCommandEmpty {
        /// The command.
        command: String,
    },
    /// A metadata answer for the sidecar that cannot be used (not the shape the Web API
    /// documents, or a table that the service does not have).
    #[error("{url}: {message}")]
    Sidecar {
        /// The URL asked.
        url: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// The metadata could not be written.
    #[error("cannot write {path}: {message}; check that the directory exists and is writable")]
    Write {
        /// The path.
        path: String,
        /// The underlying error.
        message: String,
    },
}

fn said(message: &str) -> String {
    if message.is_empty() {
        String::new()
    } else {
        format!(": {message}")
    }
}

/// The `$metadata` URL of `url`: `url` itself when it already ends in `$metadata`, otherwise
/// `url` with `/$metadata` appended (after removing trailing slashes).
///
/// ```
/// use dataverse_codegen::fetch::metadata_url;
/// assert_eq!(metadata_url("https://o.crm.dynamics.com/api/data/v9.2/"),
///            "https://o.crm.dynamics.com/api/data/v9.2/$metadata");
/// assert_eq!(metadata_url("https://o.crm.dynamics.com/api/data/v9.2/$metadata"),
///            "https://o.crm.dynamics.com/api/data/v9.2/$metadata");
/// ```
pub fn metadata_url(url: &str) -> String {
    let url = url.trim();
    let root = url.trim_end_matches('/');
    if root.ends_with("$metadata") {
        root.to_string()
    } else {
        format!("{root}/$metadata")
    }
}

/// Downloads the `$metadata` document of `options.url` (see [`metadata_url`]) and returns its
/// bytes.
///
/// Sends `Accept: application/xml`, `OData-MaxVersion: 4.0`, `OData-Version: 4.0` and the bearer
/// token when given; follows no redirect. A token is only sent over `https://` (or plain
/// `http://` to localhost). A non-2xx answer is an error with the status and the start of the
/// service's message; so is a 2xx answer that is not a CSDL document.
pub fn fetch_metadata(options: &FetchOptions) -> Result<Vec<u8>, FetchError> {
    let mut stderr = std::io::stderr();
    let terminal = stderr.is_terminal();
    let progress = options.progress.then_some(Progress {
        out: &mut stderr as &mut dyn Write,
        terminal,
    });
    fetch_with(options, progress)
}

/// [`fetch_metadata`] with the progress written to `out`, one line per update (whatever
/// `options.progress` says): for a caller that shows or logs progress its own way.
pub fn fetch_metadata_with_progress(
    options: &FetchOptions,
    out: &mut dyn Write,
) -> Result<Vec<u8>, FetchError> {
    fetch_with(
        options,
        Some(Progress {
            out,
            terminal: false,
        }),
    )
}

/// [`fetch_metadata`] and writes the document to `path`: first to a temporary file beside it,
/// then renamed, so that a failed download never leaves a truncated file behind.
pub fn fetch_metadata_to(
    options: &FetchOptions,
    path: &std::path::Path,
) -> Result<u64, FetchError> {
    let bytes = fetch_metadata(options)?;
    let write_error = |e: std::io::Error| FetchError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut temp = path.as_os_str().to_owned();
    temp.push(".download");
    let temp = std::path::PathBuf::from(temp);
    std::fs::write(&temp, &bytes).map_err(write_error)?;
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        write_error(e)
    })?;
    Ok(bytes.len() as u64)
}

/// The token from the command (run with `sh -c`, its stdout trimmed), or else from the
/// environment variable (trimmed); `Ok(None)` when neither is given or the variable is unset or
/// empty. A leading `Bearer ` is removed from either.
///
/// The command is for token helpers such as `az account get-access-token --resource
/// https://org.crm.dynamics.com --query accessToken -o tsv`; when it fails, the error carries
/// its exit status and stderr.
pub fn token_from(
    env_var: Option<&str>,
    command: Option<&str>,
) -> Result<Option<String>, FetchError> {
    fn clean(token: &str) -> Option<String> {
        let token = token.trim();
        let token = token
            .strip_prefix("Bearer ")
            .or_else(|| token.strip_prefix("bearer "))
            .unwrap_or(token)
            .trim();
        (!token.is_empty()).then(|| token.to_string())
    }
    if let Some(command) = command {
        let output = std::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .stdin(std::process::Stdio::null())
            .output()
            .map_err(|e| FetchError::TokenCommandStart {
                command: command.into(),
                message: e.to_string(),
            })?;
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(FetchError::TokenCommandFailed {
                command: command.into(),
                status: output.status.to_string(),
                stderr: truncate(stderr.trim(), 500),
            });
        }
        let stdout = String::from_utf8_lossy(&output.stdout);
        return match clean(&stdout) {
            Some(token) => Ok(Some(token)),
            None => Err(FetchError::TokenCommandEmpty {
                command: command.into(),
            }),
        };
    }
    if let Some(var) = env_var {
        return match std::env::var(var) {
            Ok(value) => Ok(clean(&value)),
            Err(std::env::VarError::NotPresent) => Ok(None),
            Err(std::env::VarError::NotUnicode(_)) => {
                Err(FetchError::TokenVariable { var: var.into() })
            }
        };
    }
    Ok(None)
}

// ---------------------------------------------------------------------------------------------

/// Where and how progress is written.
struct Progress<'w> {
    out: &'w mut dyn Write,
    /// Rewrite one line with `\r` (a terminal) rather than print one line per update.
    terminal: bool,
}

/// How often progress is written (at most).
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

impl Progress<'_> {
    fn update(&mut self, url: &str, received: u64, total: Option<u64>, elapsed: Duration) {
        let amount = match total {
            Some(total) if total > 0 => format!(
                "{} of {} ({}%)",
                megabytes(received),
                megabytes(total),
                received.saturating_mul(100) / total
            ),
            _ => megabytes(received),
        };
        let line = format!(
            "downloading {url}: {amount}, {:.1} s",
            elapsed.as_secs_f64()
        );
        // Progress output is best effort: a closed stderr must not fail the download.
        let _ = if self.terminal {
            write!(self.out, "\r\x1b[2K{line}")
        } else {
            writeln!(self.out, "{line}")
        };
        let _ = self.out.flush();
    }

    fn finish(&mut self, url: &str, received: u64, elapsed: Duration, shown: bool) {
        let line = format!(
            "downloaded {url}: {} in {:.1} s",
            megabytes(received),
            elapsed.as_secs_f64()
        );
        let _ = if self.terminal && shown {
            writeln!(self.out, "\r\x1b[2K{line}")
        } else {
            writeln!(self.out, "{line}")
        };
        let _ = self.out.flush();
    }
}

fn megabytes(bytes: u64) -> String {
    if bytes < 1_000_000 {
        format!("{:.1} kB", bytes as f64 / 1e3)
    } else {
        format!("{:.1} MB", bytes as f64 / 1e6)
    }
}

/// At most `max` characters of `text`, with `...` when cut.
fn truncate(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_string(),
    }
}

/// The service's error message: `error.message` of an OData JSON error, else the start of the
/// body; the `WWW-Authenticate` header when the body is empty.
fn service_message(body: &[u8], www_authenticate: Option<&str>) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(text)
        && let Some(message) = json
            .pointer("/error/message")
            .and_then(serde_json::Value::as_str)
    {
        let code = json
            .pointer("/error/code")
            .and_then(serde_json::Value::as_str);
        let message = match code {
            Some(code) if !code.is_empty() => format!("{code}: {message}"),
            _ => message.to_string(),
        };
        return truncate(&message, 500);
    }
    if text.is_empty() {
        return www_authenticate
            .map(|h| truncate(&format!("WWW-Authenticate: {h}"), 500))
            .unwrap_or_default();
    }
    truncate(text, 500)
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// rustls with the *ring* provider and the platform's trust store, as the runtime does.
fn http_client(timeout: Duration) -> Result<reqwest::blocking::Client, FetchError> {
    use rustls_platform_verifier::BuilderVerifierExt as _;
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| FetchError::Client(format!("TLS setup failed: {e}")))?
        .with_platform_verifier()
        .map_err(|e| FetchError::Client(format!("TLS trust store setup failed: {e}")))?
        .with_no_client_auth();
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(tls)
        .user_agent(concat!("dataverse-codegen/", env!("CARGO_PKG_VERSION")))
        // Never follow redirects: the token must not travel to another host.
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(timeout)
        .timeout(timeout)
        .build()
        .map_err(|e| FetchError::Client(e.to_string()))
}

fn fetch_with(
    options: &FetchOptions,
    mut progress: Option<Progress<'_>>,
) -> Result<Vec<u8>, FetchError> {
    let url = metadata_url(&options.url);
    let client = http_client(options.timeout)?;
    let (bytes, content_type) = download(
        &client,
        options,
        &url,
        "application/xml",
        progress.as_mut(),
        &mut None,
    )?;
    if !looks_like_csdl(&bytes) {
        let start = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).into_owned();
        return Err(FetchError::NotMetadata {
            url,
            content_type: content_type.unwrap_or_else(|| "(none)".into()),
            start: truncate(start.trim(), 120),
        });
    }
    Ok(bytes)
}

/// Checks that `url` may be used with the token and parses it.
fn check_url(options: &FetchOptions, url: &str) -> Result<reqwest::Url, FetchError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| FetchError::InvalidUrl {
        url: options.url.clone(),
        reason: e.to_string(),
    })?;
    match parsed.scheme() {
        "https" => {}
        "http" if options.bearer_token.is_none() || is_loopback(&parsed) => {}
        "http" => return Err(FetchError::InsecureUrl { url: url.into() }),
        other => {
            return Err(FetchError::InvalidUrl {
                url: options.url.clone(),
                reason: format!("the scheme `{other}` is not http or https"),
            });
        }
    }
    Ok(parsed)
}

/// One GET of `url` with the token, the OData headers and `accept`: the body and the
/// `Content-Type`. `retry_after` receives the `Retry-After` of a 429 or 503 answer.
fn download(
    client: &reqwest::blocking::Client,
    options: &FetchOptions,
    url: &str,
    accept: &str,
    mut progress: Option<&mut Progress<'_>>,
    retry_after: &mut Option<Duration>,
) -> Result<(Vec<u8>, Option<String>), FetchError> {
    let parsed = check_url(options, url)?;
    let url = url.to_string();
    let mut request = client
        .get(parsed)
        .header("Accept", accept)
        .header("OData-MaxVersion", "4.0")
        .header("OData-Version", "4.0");
    if let Some(token) = &options.bearer_token {
        let value = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| FetchError::InvalidToken)?;
        request = request.header(reqwest::header::AUTHORIZATION, value);
    }
    let started = Instant::now();
    let transport_error = |e: reqwest::Error| {
        if e.is_timeout() {
            FetchError::Timeout {
                url: url.clone(),
                timeout: options.timeout,
                received: 0,
            }
        } else {
            FetchError::Connect {
                url: url.clone(),
                message: error_chain(&e),
            }
        }
    };
    let mut response = request.send().map_err(transport_error)?;
    let status = response.status();
    let header = |name: reqwest::header::HeaderName| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    let content_type = header(reqwest::header::CONTENT_TYPE);
    let www_authenticate = header(reqwest::header::WWW_AUTHENTICATE);
    let location = header(reqwest::header::LOCATION);
    if matches!(status.as_u16(), 429 | 503) {
        *retry_after = header(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
    }
    if status.is_redirection() {
        return Err(FetchError::Redirect {
            url,
            status: status.as_u16(),
            location: location.unwrap_or_else(|| "(no Location header)".into()),
        });
    }
    if !status.is_success() {
        // Enough of the body for the service's message; the rest is not needed.
        let mut body = Vec::new();
        let _ = (&mut response).take(64 * 1024).read_to_end(&mut body);
        let message = service_message(&body, www_authenticate.as_deref());
        return Err(match status.as_u16() {
            401 if options.bearer_token.is_some() => FetchError::Unauthorized { message },
            401 => FetchError::TokenRequired { url, message },
            403 => FetchError::Forbidden { message },
            404 => FetchError::NotFound { url, message },
            code => FetchError::Status {
                url,
                status: code,
                message,
            },
        });
    }

    let total = response.content_length();
    // A lying Content-Length must not reserve gigabytes up front.
    let mut bytes = Vec::with_capacity(total.unwrap_or(0).min(64 << 20) as usize);
    let mut buf = vec![0u8; 64 * 1024];
    let mut last_shown: Option<Instant> = None;
    loop {
        let n = match response.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => {
                let received = bytes.len() as u64;
                let timed_out = e.kind() == std::io::ErrorKind::TimedOut
                    || e.get_ref()
                        .and_then(|inner| inner.downcast_ref::<reqwest::Error>())
                        .is_some_and(reqwest::Error::is_timeout);
                return Err(if timed_out {
                    FetchError::Timeout {
                        url,
                        timeout: options.timeout,
                        received,
                    }
                } else {
                    FetchError::Interrupted {
                        url,
                        received,
                        message: io_error_chain(&e),
                    }
                });
            }
        };
        bytes.extend_from_slice(&buf[..n]);
        if let Some(progress) = progress.as_mut() {
            let now = Instant::now();
            // Nothing during the first interval: a fast download shows only the final line.
            let due = now.duration_since(last_shown.unwrap_or(started)) >= PROGRESS_EVERY;
            if due {
                progress.update(&url, bytes.len() as u64, total, now - started);
                last_shown = Some(now);
            }
        }
    }
    if let Some(progress) = progress.as_mut() {
        progress.finish(
            &url,
            bytes.len() as u64,
            started.elapsed(),
            last_shown.is_some(),
        );
    }
    Ok((bytes, content_type))
}

/// Whether the body starts like an XML document with an `Edmx` root (checked in its first
/// 4 kB, which covers an XML declaration and leading comments).
fn looks_like_csdl(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let text = String::from_utf8_lossy(head);
    text.trim_start().starts_with('<') && text.contains("Edmx")
}

/// The error and its sources, joined with `: ` (reqwest's own message is often only
/// "error sending request").
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

fn io_error_chain(e: &std::io::Error) -> String {
    match e.get_ref() {
        Some(inner) => error_chain(inner),
        None => e.to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// The metadata sidecar.

/// How many table names go into one `EntityDefinitions?$filter=...` (the URL stays well under
/// the service's limit).
const TABLES_PER_REQUEST: usize = 40;

/// How often a request that failed for a passing reason (HTTP 429, 502, 503, 504, a broken or
/// timed-out connection) is tried again.
const RETRIES: u32 = 3;

/// The `$select` of `EntityDefinitions`.
pub const TABLE_SELECT: &str = "LogicalName,SchemaName,EntitySetName,DisplayName,Description,\
PrimaryIdAttribute,PrimaryNameAttribute";

/// The `$select` of a table's `Attributes`.
pub const ATTRIBUTE_SELECT: &str = "LogicalName,SchemaName,AttributeType,AttributeTypeName,\
DisplayName,Description,IsValidForCreate,IsValidForUpdate,IsValidForRead";

/// The service root of `url` (the `$metadata` URL or the root, with or without `/`).
fn service_root(url: &str) -> String {
    let root = url.trim().trim_end_matches('/');
    root.strip_suffix("$metadata")
        .unwrap_or(root)
        .trim_end_matches('/')
        .to_string()
}

/// Percent-encodes a query option's value (the `$`, `,`, `(`, `)` and `=` of OData syntax stay
/// as they are).
fn encode_query(value: &str) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~,()=$/:*".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Whether `name` can be a table's logical name (and so be put into a URL as it is).
fn valid_logical_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The URLs `fetch_sidecar` asks for the tables' definitions: `EntityDefinitions` with
/// `$select`, filtered to `tables` in batches (or every table when `tables` is empty).
pub fn table_urls(root: &str, tables: &[String]) -> Vec<String> {
    let select = format!("$select={TABLE_SELECT}");
    if tables.is_empty() {
        return vec![format!("{root}/EntityDefinitions?{select}")];
    }
    tables
        .chunks(TABLES_PER_REQUEST)
        .map(|chunk| {
            let filter = chunk
                .iter()
                .map(|t| format!("LogicalName eq '{t}'"))
                .collect::<Vec<_>>()
                .join(" or ");
            format!(
                "{root}/EntityDefinitions?{select}&$filter={}",
                encode_query(&filter)
            )
        })
        .collect()
}

/// Downloads the metadata sidecar (see [`crate::sidecar`]) of the service at `options.url`
/// (the service root or its `$metadata` URL) for `tables` (logical names; every table of the
/// organisation when empty), with the token and progress of [`fetch_metadata`].
///
/// Requests: `EntityDefinitions?$select=...&$filter=LogicalName eq 'a' or ...` (40 tables per
/// request); per table `EntityDefinitions(LogicalName='a')/Attributes?$select=...`; per table
/// and per kind of choice column it has (Picklist, MultiSelectPicklist, State, Status,
/// Boolean) `.../Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet,GlobalOptionSet`;
/// and `GlobalOptionSetDefinitions(Name='x')` only for a global option set whose options the
/// expansion did not carry. A request that fails for a passing reason (HTTP 429, 502, 503,
/// 504, a broken or timed-out connection) is tried again up to 3 times, after the service's
/// `Retry-After` (at most 60 s) or 1, 2, 4 s.
pub fn fetch_sidecar(
    options: &FetchOptions,
    tables: &[String],
) -> Result<crate::sidecar::Sidecar, FetchError> {
    let mut stderr = std::io::stderr();
    let terminal = stderr.is_terminal();
    let mut progress = options.progress.then_some(Progress {
        out: &mut stderr as &mut dyn Write,
        terminal,
    });
    sidecar_with(options, tables, progress.as_mut())
}

/// [`fetch_sidecar`] with a line per request written to `out`.
pub fn fetch_sidecar_with_progress(
    options: &FetchOptions,
    tables: &[String],
    out: &mut dyn Write,
) -> Result<crate::sidecar::Sidecar, FetchError> {
    let mut progress = Progress {
        out,
        terminal: false,
    };
    sidecar_with(options, tables, Some(&mut progress))
}

/// [`fetch_sidecar`] and writes the sidecar to `path` (through a temporary file, as
/// [`fetch_metadata_to`] does); returns the sidecar.
pub fn fetch_sidecar_to(
    options: &FetchOptions,
    tables: &[String],
    path: &std::path::Path,
) -> Result<crate::sidecar::Sidecar, FetchError> {
    let sidecar = fetch_sidecar(options, tables)?;
    write_file(path, &sidecar.to_json())?;
    Ok(sidecar)
}

fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<(), FetchError> {
    let write_error = |e: std::io::Error| FetchError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let mut temp = path.as_os_str().to_owned();
    temp.push(".download");
    let temp = std::path::PathBuf::from(temp);
    std::fs::write(&temp, bytes).map_err(write_error)?;
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        write_error(e)
    })
}

/// One JSON GET, tried again on a passing failure, parsed into `T`.
fn get_json<T: serde::de::DeserializeOwned>(
    client: &reqwest::blocking::Client,
    options: &FetchOptions,
    url: &str,
    mut progress: Option<&mut Progress<'_>>,
) -> Result<T, FetchError> {
    let mut attempt = 0;
    let bytes = loop {
        let mut retry_after = None;
        let result = download(
            client,
            options,
            url,
            "application/json",
            progress.as_deref_mut(),
            &mut retry_after,
        );
        let passing = match &result {
            Err(FetchError::Status { status, .. }) => matches!(status, 429 | 502 | 503 | 504),
            Err(
                FetchError::Connect { .. }
                | FetchError::Timeout { .. }
                | FetchError::Interrupted { .. },
            ) => true,
            _ => false,
        };
        match result {
            Ok((bytes, _)) => break bytes,
            Err(e) if passing && attempt < RETRIES => {
                let wait = retry_after
                    .unwrap_or(Duration::from_secs(1 << attempt))
                    .min(Duration::from_secs(60));
                if let Some(p) = progress.as_deref_mut() {
                    let _ = writeln!(p.out, "{e}; trying again in {} s", wait.as_secs());
                }
                std::thread::sleep(wait);
                attempt += 1;
            }
            Err(FetchError::NotFound { url, message }) => {
                return Err(FetchError::Sidecar {
                    message: format!(
                        "HTTP 404{}; the table definitions are read from the Dataverse Web API's \
                         metadata endpoints: check that the URL is a Dataverse service root and \
                         the table names",
                        said(&message)
                    ),
                    url,
                });
            }
            Err(e) => return Err(e),
        }
    };
    crate::sidecar::web_api::parse(&bytes).map_err(|message| FetchError::Sidecar {
        url: url.to_string(),
        message: format!("{message}; is this the Dataverse Web API?"),
    })
}

fn sidecar_with(
    options: &FetchOptions,
    tables: &[String],
    mut progress: Option<&mut Progress<'_>>,
) -> Result<crate::sidecar::Sidecar, FetchError> {
    use crate::sidecar::web_api::{self, Collection, Entity, EnumAttribute, WebAttribute};
    use crate::sidecar::{FORMAT, OptionSet, Sidecar};
    use std::collections::BTreeMap;

    let root = service_root(&options.url);
    let mut wanted: Vec<String> = tables.to_vec();
    wanted.sort();
    wanted.dedup();
    if let Some(bad) = wanted.iter().find(|t| !valid_logical_name(t)) {
        return Err(FetchError::Sidecar {
            url: root,
            message: format!(
                "`{bad}` is not a table's logical name; pass logical names such as `account` \
                 (lower case letters, digits and `_`)"
            ),
        });
    }
    let client = http_client(options.timeout)?;

    let mut entities: Vec<Entity> = Vec::new();
    for url in table_urls(&root, &wanted) {
        let answer: Collection<Entity> = get_json(&client, options, &url, progress.as_deref_mut())?;
        entities.extend(answer.value);
    }
    entities.sort_by(|a, b| a.logical_name.cmp(&b.logical_name));
    entities.dedup_by(|a, b| a.logical_name == b.logical_name);
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|t| !entities.iter().any(|e| &e.logical_name == *t))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(FetchError::Sidecar {
            url: format!("{root}/EntityDefinitions"),
            message: format!(
                "the service has no table {}; check the names (logical names, singular, lower \
                 case, e.g. `account`)",
                missing
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }

    let mut globals: BTreeMap<String, Option<OptionSet>> = BTreeMap::new();
    let mut out_tables = Vec::new();
    for entity in entities {
        let mut table = entity.convert();
        let base = format!(
            "{root}/EntityDefinitions(LogicalName='{}')/Attributes",
            table.logical_name
        );
        let url = format!("{base}?$select={ATTRIBUTE_SELECT}");
        let answer: Collection<WebAttribute> =
            get_json(&client, options, &url, progress.as_deref_mut())?;
        table.attributes = answer
            .value
            .into_iter()
            .map(WebAttribute::convert)
            .collect();
        for (type_name, cast) in web_api::ENUM_TYPES {
            if !table
                .attributes
                .iter()
                .any(|a| a.attribute_type_name.as_deref() == Some(type_name))
            {
                continue;
            }
            let url = format!(
                "{base}/Microsoft.Dynamics.CRM.{cast}?$select=LogicalName&$expand=OptionSet,GlobalOptionSet"
            );
            let answer: Collection<EnumAttribute> =
                get_json(&client, options, &url, progress.as_deref_mut())?;
            for mut item in answer.value {
                let Some(attribute) = table
                    .attributes
                    .iter_mut()
                    .find(|a| a.logical_name == item.logical_name)
                else {
                    continue;
                };
                let global = item
                    .global_option_set
                    .or_else(|| item.option_set.take_if(|s| s.is_global == Some(true)));
                if let Some(global) = global {
                    attribute.global_option_set = Some(global.name.clone());
                    let entry = globals.entry(global.name.clone()).or_default();
                    if entry.is_none() && global.has_options() {
                        *entry = Some(global.convert());
                    }
                } else if let Some(local) = item.option_set {
                    attribute.option_set = Some(local.convert());
                }
            }
        }
        out_tables.push(table);
    }

    let mut global_option_sets = Vec::new();
    for (name, set) in globals {
        let set = match set {
            Some(set) => set,
            None => {
                let url = format!(
                    "{root}/GlobalOptionSetDefinitions(Name='{}')",
                    encode_query(&name)
                );
                let answer: web_api::WebOptionSet =
                    get_json(&client, options, &url, progress.as_deref_mut())?;
                answer.convert()
            }
        };
        global_option_sets.push(set);
    }
    let mut sidecar = Sidecar {
        format: FORMAT,
        tables: out_tables,
        global_option_sets,
    };
    sidecar.normalize();
    sidecar
        .validate()
        .map_err(|(path, message)| FetchError::Sidecar {
            url: root,
            message: format!("the answers make an invalid sidecar at `{path}`: {message}"),
        })?;
    Ok(sidecar)
}
