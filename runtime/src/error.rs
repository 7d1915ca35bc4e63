//! The one error type of the runtime.

use std::fmt;
use std::time::Duration;

use http::{HeaderMap, StatusCode};
use serde::Deserialize;

/// Result alias used across the runtime.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Dataverse error codes that mean "a duplicate exists".
///
/// - `0x80040237`: cannot insert duplicate key (primary key or unique index).
/// - `0x80040333`: duplicate detection rule matched (`DuplicateRecordsFound`).
/// - `0x80060892`: a record with the same alternate key values already exists.
pub const DUPLICATE_CODES: &[&str] = &["0x80040237", "0x80040333", "0x80060892"];

/// `DuplicateRecordsFound`: a duplicate detection rule matched (only when detection was asked
/// for, see [`crate::RequestOptions::duplicate_detection`]).
const DUPLICATE_RULE_CODE: &str = "0x80040333";

/// Whether `code` is `expected`, ignoring case and surrounding blanks.
fn code_is(code: &str, expected: &str) -> bool {
    code.trim().eq_ignore_ascii_case(expected)
}

/// Everything that can go wrong talking to the service.
///
/// No variant ever holds the bearer token: neither `Debug` nor `Display` can reveal it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The service answered with a non-success HTTP status.
    #[error(transparent)]
    Service(Box<ServiceError>),
    /// The request could not be sent or the response could not be read (DNS, TLS, timeout...).
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// The client was configured wrongly (bad service root, `http://` without opt-in...).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A value given to the runtime cannot be encoded (bad decimal text, bad batch reference...).
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// The request body could not be serialized to JSON.
    #[error("could not encode the request body: {0}")]
    Encode(#[source] serde_json::Error),
    /// A successful response body could not be decoded into the expected type.
    #[error("could not decode the response (HTTP {status}{}): {source}", fmt_req_id(.request_id))]
    Decode {
        /// HTTP status of the response.
        status: u16,
        /// The service request id, when the response carried one.
        request_id: Option<String>,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// A successful response lacked something the protocol requires (e.g. `OData-EntityId`).
    #[error("unexpected response (HTTP {status}): {message}")]
    Protocol {
        /// HTTP status of the response.
        status: u16,
        /// What was missing or malformed.
        message: String,
    },
    /// The token provider failed to produce a token.
    #[error("authentication failed: {0}")]
    Auth(String),
}

fn fmt_req_id(id: &Option<String>) -> String {
    match id {
        Some(id) => format!(", request id {id}"),
        None => String::new(),
    }
}

impl Error {
    /// The service error, when the service answered with an error status.
    pub fn service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status of the failed response, if there was a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Service(e) => Some(e.status),
            Error::Decode { status, .. } | Error::Protocol { status, .. } => {
                StatusCode::from_u16(*status).ok()
            }
            Error::Transport(e) => e.status(),
            _ => None,
        }
    }

    /// The service's error code (e.g. `0x80040217`), when there is one.
    pub fn code(&self) -> Option<&str> {
        self.service().and_then(|e| e.code.as_deref())
    }

    /// The service request id (`REQ_ID` / `x-ms-service-request-id`), when known.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Service(e) => e.request_id.as_deref(),
            Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// The `Retry-After` the service asked for, when it did.
    pub fn retry_after(&self) -> Option<Duration> {
        self.service().and_then(|e| e.retry_after)
    }

    /// Whether sending the same request again later may succeed: throttling (429), service
    /// unavailable (503), gateway errors (502, 504) and transport failures (connect, timeout).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Service(e) => matches!(e.status.as_u16(), 429 | 502 | 503 | 504),
            Error::Transport(e) => e.is_connect() || e.is_timeout() || e.is_request(),
            _ => false,
        }
    }

    /// HTTP 404: the record (or the path) does not exist.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// HTTP 412: an `If-Match` / `If-None-Match` condition failed (the record changed, was
    /// already there for a create-only upsert, or is missing for an update).
    ///
    /// Not for a matched duplicate detection rule, which the service also answers with 412 (see
    /// [`Error::is_duplicate_rule_match`]): no etag or condition is involved there, and sending
    /// the change again after re-reading the record would fail the same way.
    pub fn is_concurrency_mismatch(&self) -> bool {
        self.status() == Some(StatusCode::PRECONDITION_FAILED) && !self.is_duplicate_rule_match()
    }

    /// HTTP 429: throttled by the service protection limits.
    pub fn is_throttled(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// A duplicate record, whatever the HTTP status: see [`DUPLICATE_CODES`] (an existing key,
    /// alternate key, or a matched duplicate detection rule).
    pub fn is_duplicate(&self) -> bool {
        self.code()
            .is_some_and(|c| DUPLICATE_CODES.iter().any(|d| code_is(c, d)))
    }

    /// A duplicate detection rule matched (`0x80040333`, `DuplicateRecordsFound`): the create or
    /// update asked for detection ([`crate::RequestOptions::duplicate_detection`]`(true)`) and a
    /// similar record exists, so nothing was written. The service answers it with HTTP 412 (or
    /// 500 on some organizations); either way it is also [`Error::is_duplicate`], and never
    /// [`Error::is_concurrency_mismatch`].
    pub fn is_duplicate_rule_match(&self) -> bool {
        self.code().is_some_and(|c| code_is(c, DUPLICATE_RULE_CODE))
    }
}

/// An error answer of the service, with everything it told us.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ServiceError {
    /// HTTP status.
    pub status: StatusCode,
    /// `error.code` (e.g. `0x80040217`), when the body was the OData error JSON with a non-empty
    /// code.
    pub code: Option<String>,
    /// `error.message`, or a description of a body that was not the OData error JSON.
    pub message: String,
    /// `error.innererror`, when present.
    pub inner: Option<InnerError>,
    /// The service request id (`REQ_ID` or `x-ms-service-request-id` header).
    pub request_id: Option<String>,
    /// The `Retry-After` header (seconds or HTTP date), as a duration from now.
    pub retry_after: Option<Duration>,
    /// The `Content-Type` of the error body.
    pub content_type: Option<String>,
}

/// `error.innererror` of an OData error body.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[non_exhaustive]
pub struct InnerError {
    /// Inner message.
    #[serde(default)]
    pub message: Option<String>,
    /// Exception type name.
    #[serde(default, rename = "type")]
    pub type_name: Option<String>,
    /// Server stack trace.
    #[serde(default)]
    pub stacktrace: Option<String>,
}

#[derive(Deserialize)]
struct ErrorEnvelope {
    error: ErrorBody,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default, deserialize_with = "code_text")]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    innererror: Option<InnerError>,
}

/// `error.code` as text: OData says string, but some servers send a number (or `null`).
fn code_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status.as_u16())?;
        if let Some(reason) = self.status.canonical_reason() {
            write!(f, " {reason}")?;
        }
        if let Some(code) = &self.code {
            write!(f, " [{code}]")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if let Some(ra) = self.retry_after {
            write!(f, " (retry after {}s)", ra.as_secs())?;
        }
        Ok(())
    }
}

impl std::error::Error for ServiceError {}

/// The service request id of a response.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    ["x-ms-service-request-id", "REQ_ID", "request-id"]
        .iter()
        .find_map(|h| headers.get(*h))
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Parses `Retry-After` (delta seconds or HTTP date).
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Ok(secs) = v.parse::<f64>()
        && secs.is_finite()
        && secs >= 0.0
    {
        return Some(Duration::from_secs_f64(secs));
    }
    let at = httpdate::parse_http_date(v).ok()?;
    Some(
        at.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

impl ServiceError {
    /// Builds the error from a non-success response.
    pub(crate) fn from_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        let content_type = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut err = ServiceError {
            status,
            code: None,
            message: String::new(),
            inner: None,
            request_id: request_id(headers),
            retry_after: retry_after(headers),
            content_type: content_type.clone(),
        };
        if let Ok(env) = serde_json::from_slice::<ErrorEnvelope>(body) {
            // Dataverse sends `"code": ""` for some errors (a stale etag, a missing record):
            // that is no code, but the message and status still tell what happened.
            err.code = env.error.code.filter(|c| !c.trim().is_empty());
            err.message = env
                .error
                .message
                .unwrap_or_else(|| "the service returned an error without a message".into());
            err.inner = env.error.innererror;
            return err;
        }
        let text = String::from_utf8_lossy(body);
        let text = text.trim();
        err.message = if text.is_empty() {
            "the service returned an empty error body".to_owned()
        } else {
            let kind = content_type.as_deref().unwrap_or("no content type");
            format!(
                "the service returned a non-JSON error body ({kind}): {}",
                summarize(text)
            )
        };
        err
    }
}

/// A short single-line summary of a (possibly HTML) body.
fn summarize(text: &str) -> String {
    // Prefer an HTML <title>, else strip tags.
    let lower = text.to_ascii_lowercase();
    if let (Some(a), Some(b)) = (lower.find("<title>"), lower.find("</title>"))
        && a + 7 <= b
    {
        return text[a + 7..b].trim().to_owned();
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let collapsed: Vec<&str> = out.split_whitespace().collect();
    let mut s = collapsed.join(" ");
    if s.chars().count() > 200 {
        s = s.chars().take(200).collect::<String>() + "...";
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_summary_uses_title() {
        let h = HeaderMap::new();
        let e = ServiceError::from_response(
            StatusCode::BAD_GATEWAY,
            &h,
            b"<html><head><title>502 Bad Gateway</title></head><body>x</body></html>",
        );
        assert!(e.message.contains("502 Bad Gateway"), "{}", e.message);
    }

    #[test]
    fn retry_after_http_date_in_past_is_zero() {
        let mut h = HeaderMap::new();
        h.insert(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
    }
}
