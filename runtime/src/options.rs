//! Per-request options: `Prefer`, impersonation, conditional headers, Dataverse switches.

use http::{HeaderMap, HeaderName, HeaderValue};
use uuid::Uuid;

use crate::values::ETag;

/// Which annotations to ask for with `Prefer: odata.include-annotations`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Annotations {
    /// `"*"`: every annotation (formatted values, lookup logical names, navigation names...).
    All,
    /// `"OData.Community.Display.V1.FormattedValue"`.
    FormattedValues,
    /// Any other pattern, e.g. `"Microsoft.Dynamics.CRM.*"`.
    Pattern(String),
}

impl Annotations {
    fn pattern(&self) -> &str {
        match self {
            Annotations::All => "*",
            Annotations::FormattedValues => crate::values::FORMATTED_VALUE,
            Annotations::Pattern(p) => p,
        }
    }
}

/// Acting on behalf of another user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Impersonation {
    /// `MSCRMCallerID: <systemuserid>`.
    CallerId(Uuid),
    /// `CallerObjectId: <Entra object id>`.
    CallerObjectId(Uuid),
}

/// An `If-Match` condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ETagMatch {
    /// `*`: the record must exist.
    Any,
    /// The record must still have this etag.
    Tag(ETag),
}

/// Options of one request. Build with the chained methods:
///
/// ```
/// use dataverse_runtime::{Annotations, RequestOptions};
/// let opts = RequestOptions::new()
///     .return_representation()
///     .include_annotations(Annotations::FormattedValues);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestOptions {
    pub(crate) return_representation: bool,
    pub(crate) annotations: Option<Annotations>,
    pub(crate) max_page_size: Option<u32>,
    pub(crate) impersonate: Option<Impersonation>,
    pub(crate) if_match: Option<ETagMatch>,
    pub(crate) if_none_match_any: bool,
    /// `Some(true)`: detection asked for; `Some(false)`: suppressed; `None`: no header.
    pub(crate) duplicate_detection: Option<bool>,
    pub(crate) bypass_custom_plugins: bool,
    pub(crate) retry_non_idempotent: bool,
    pub(crate) extra_headers: Vec<(String, String)>,
}

impl RequestOptions {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }

    /// `Prefer: return=representation`: create and update answer with the record.
    pub fn return_representation(mut self) -> Self {
        self.return_representation = true;
        self
    }

    /// `Prefer: odata.include-annotations="..."`.
    pub fn include_annotations(mut self, a: Annotations) -> Self {
        self.annotations = Some(a);
        self
    }

    /// `Prefer: odata.maxpagesize=n`.
    pub fn max_page_size(mut self, n: u32) -> Self {
        self.max_page_size = Some(n);
        self
    }

    /// Impersonate another user.
    pub fn impersonate(mut self, who: Impersonation) -> Self {
        self.impersonate = Some(who);
        self
    }

    /// `If-Match` (for update and delete: the default of `update` is `*`).
    pub fn if_match(mut self, m: ETagMatch) -> Self {
        self.if_match = Some(m);
        self
    }

    /// `If-None-Match: *` (create-only upsert).
    pub fn if_none_match_any(mut self) -> Self {
        self.if_none_match_any = true;
        self
    }

    /// Duplicate detection for a create or an update, with the `MSCRM.SuppressDuplicateDetection`
    /// header.
    ///
    /// The Web API does not run duplicate detection by default. `duplicate_detection(true)` sends
    /// `MSCRM.SuppressDuplicateDetection: false`: the published duplicate detection rules of the
    /// table are applied and, when one matches, the record is not created or updated and the call
    /// fails with [`Error::is_duplicate_rule_match`](crate::Error::is_duplicate_rule_match)
    /// (error code `0x80040333`, HTTP 412 or 500). `duplicate_detection(false)` sends
    /// `MSCRM.SuppressDuplicateDetection: true`, which states the default explicitly.
    ///
    /// Only tables with published, active duplicate detection rules are checked (Dataverse ships
    /// rules for accounts, contacts and leads).
    pub fn duplicate_detection(mut self, detect: bool) -> Self {
        self.duplicate_detection = Some(detect);
        self
    }

    /// Same as [`duplicate_detection(false)`](RequestOptions::duplicate_detection): sends
    /// `MSCRM.SuppressDuplicateDetection: true`.
    ///
    /// Deprecated: this is already the Web API's default, so the header changes nothing. To have
    /// duplicates detected, use [`duplicate_detection(true)`](RequestOptions::duplicate_detection).
    pub fn suppress_duplicate_detection(self) -> Self {
        self.duplicate_detection(false)
    }

    /// `MSCRM.BypassCustomPluginExecution: true` (needs the prvBypassCustomPlugins privilege).
    pub fn bypass_custom_plugins(mut self) -> Self {
        self.bypass_custom_plugins = true;
        self
    }

    /// Retry this POST/PATCH after transport errors too (only when repeating it is harmless).
    pub fn retry_non_idempotent(mut self) -> Self {
        self.retry_non_idempotent = true;
        self
    }

    /// Any other header (e.g. `MSCRM.SolutionUniqueName`). Invalid names or values are ignored.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.extra_headers.push((name.into(), value.into()));
        self
    }

    /// The `Prefer` values, in a fixed order.
    pub(crate) fn prefer_values(&self) -> Vec<String> {
        let mut p = Vec::new();
        if self.return_representation {
            p.push("return=representation".to_owned());
        }
        if let Some(a) = &self.annotations {
            p.push(format!(
                "odata.include-annotations=\"{}\"",
                a.pattern().replace('"', "")
            ));
        }
        if let Some(n) = self.max_page_size {
            p.push(format!("odata.maxpagesize={n}"));
        }
        p
    }

    /// Adds the option headers (all but `If-Match` defaults decided by the operation).
    pub(crate) fn apply(&self, h: &mut HeaderMap, extra_prefer: &[&str]) {
        let mut prefer = self.prefer_values();
        prefer.extend(extra_prefer.iter().map(|s| (*s).to_owned()));
        if !prefer.is_empty()
            && let Ok(v) = HeaderValue::from_str(&prefer.join(","))
        {
            h.insert("prefer", v);
        }
        match self.impersonate {
            Some(Impersonation::CallerId(id)) => {
                h.insert("mscrmcallerid", hv(&id.hyphenated().to_string()));
            }
            Some(Impersonation::CallerObjectId(id)) => {
                h.insert("callerobjectid", hv(&id.hyphenated().to_string()));
            }
            None => {}
        }
        match &self.if_match {
            Some(ETagMatch::Any) => {
                h.insert(http::header::IF_MATCH, HeaderValue::from_static("*"));
            }
            Some(ETagMatch::Tag(t)) => {
                if let Ok(v) = HeaderValue::from_str(t.as_str()) {
                    h.insert(http::header::IF_MATCH, v);
                }
            }
            None => {}
        }
        if self.if_none_match_any {
            h.insert(http::header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        }
        if let Some(detect) = self.duplicate_detection {
            // The header says whether to *suppress* detection: the opposite of `detect`.
            h.insert(
                "mscrm.suppressduplicatedetection",
                HeaderValue::from_static(if detect { "false" } else { "true" }),
            );
        }
        if self.bypass_custom_plugins {
            h.insert(
                "mscrm.bypasscustompluginexecution",
                HeaderValue::from_static("true"),
            );
        }
        for (n, v) in &self.extra_headers {
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(n.as_bytes()),
                HeaderValue::from_str(v),
            ) {
                h.insert(n, v);
            }
        }
    }
}

fn hv(s: &str) -> HeaderValue {
    HeaderValue::from_str(s).expect("uuid text is a valid header value")
}
