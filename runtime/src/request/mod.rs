//! Fluent requests: every call of a generated SDK returns a [`Request`], whose methods set its
//! query options (typed by the record type it reads) and its request options, and which is sent
//! by `.await` or [`Request::send`]. Generic, so it lives here and compiles once, not in every
//! generated SDK.
//!
//! ```ignore
//! let page = service
//!     .accounts()
//!     .query()
//!     .select((Account::NAME, Account::REVENUE))
//!     .filter(Account::NAME.startswith("Con").and(Account::REVENUE.gt(1000)))
//!     .orderby(Account::NAME.asc())
//!     .top(10)
//!     .include_annotations(Annotations::FormattedValues)
//!     .await?;
//! ```

use std::marker::PhantomData;

use futures_util::{StreamExt as _, TryStreamExt as _};

use crate::typed::{ExpandList, Filter, OrderList, SelectList};
use http::Method;

use crate::{
    Annotations, BoxFuture, BoxStream, Client, Conditional, Created, ETag, ETagMatch, EntityId,
    EntityPath, Error, Impersonation, Literal, Page, Query, RequestOptions, Result, Tracked,
};

mod call;
mod read;
mod write;

pub use call::*;
pub use read::*;
pub use write::*;

/// What a [`Request`] does when it is sent.
pub trait Operation<'a>: Send + 'a {
    /// What the request gives back.
    type Output: 'a;

    /// Sends the request with `options`.
    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<Self::Output>>;
}

/// A request ready to send: `.await` it or call [`Request::send`]. Its request options are set
/// with the methods below; query requests also take typed `$select`, `$filter`, `$orderby`,
/// `$expand`, `$top` and `$count`.
#[must_use = "a request does nothing until it is awaited or sent"]
pub struct Request<'a, Op> {
    pub(crate) client: Client,
    pub(crate) operation: Op,
    pub(crate) options: RequestOptions,
    pub(crate) _borrow: PhantomData<&'a ()>,
}

impl<'a, Op: Operation<'a>> Request<'a, Op> {
    /// A request that performs `operation` through `client` (used by generated code).
    pub fn new(client: Client, operation: Op) -> Self {
        Request {
            client,
            operation,
            options: RequestOptions::new(),
            _borrow: PhantomData,
        }
    }

    /// The same request (client and options) doing what `change` makes of its operation.
    fn map_operation<Op2: Operation<'a>>(self, change: impl FnOnce(Op) -> Op2) -> Request<'a, Op2> {
        Request {
            client: self.client,
            operation: change(self.operation),
            options: self.options,
            _borrow: PhantomData,
        }
    }

    /// Sends the request (the same as `.await`).
    pub fn send(self) -> BoxFuture<'a, Result<Op::Output>> {
        self.operation.send(self.client, self.options)
    }

    /// Replaces every request option at once.
    pub fn options(mut self, options: RequestOptions) -> Self {
        self.options = options;
        self
    }

    /// `Prefer: return=representation`: create and update answer with the record.
    pub fn return_representation(mut self) -> Self {
        self.options = self.options.return_representation();
        self
    }

    /// `Prefer: odata.include-annotations="..."` (formatted values, lookup names...).
    pub fn include_annotations(mut self, annotations: Annotations) -> Self {
        self.options = self.options.include_annotations(annotations);
        self
    }

    /// `Prefer: odata.maxpagesize=n`: the page size of a query.
    pub fn max_page_size(mut self, n: u32) -> Self {
        self.options = self.options.max_page_size(n);
        self
    }

    /// Runs the request as another user (`MSCRMCallerID` or `CallerObjectId`).
    pub fn impersonate(mut self, who: Impersonation) -> Self {
        self.options = self.options.impersonate(who);
        self
    }

    /// `If-Match`: only if the record still has this etag (optimistic concurrency).
    pub fn if_match(mut self, condition: ETagMatch) -> Self {
        self.options = self.options.if_match(condition);
        self
    }

    /// `If-None-Match: *`: an upsert that only creates.
    pub fn if_none_match_any(mut self) -> Self {
        self.options = self.options.if_none_match_any();
        self
    }

    /// Duplicate detection for this create or update: `true` sends
    /// `MSCRM.SuppressDuplicateDetection: false` (the Web API does not detect duplicates unless
    /// asked), `false` sends `true`. A matched rule answers an error for which
    /// `Error::is_duplicate_rule_match` is true.
    pub fn duplicate_detection(mut self, detect: bool) -> Self {
        self.options = self.options.duplicate_detection(detect);
        self
    }

    /// `MSCRM.BypassCustomPluginExecution: true`.
    pub fn bypass_custom_plugins(mut self) -> Self {
        self.options = self.options.bypass_custom_plugins();
        self
    }

    /// Retries this POST/PATCH after transport errors too (only when repeating it is harmless).
    pub fn retry_non_idempotent(mut self) -> Self {
        self.options = self.options.retry_non_idempotent();
        self
    }

    /// Any other header (e.g. `MSCRM.SolutionUniqueName`).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.options = self.options.header(name, value);
        self
    }
}

impl<'a, Op: Operation<'a>> core::future::IntoFuture for Request<'a, Op> {
    type Output = Result<Op::Output>;
    type IntoFuture = BoxFuture<'a, Result<Op::Output>>;

    fn into_future(self) -> Self::IntoFuture {
        self.send()
    }
}

impl<Op: Clone> Clone for Request<'_, Op> {
    fn clone(&self) -> Self {
        Request {
            client: self.client.clone(),
            operation: self.operation.clone(),
            options: self.options.clone(),
            _borrow: PhantomData,
        }
    }
}

impl<Op> core::fmt::Debug for Request<'_, Op> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Request")
            .field("options", &self.options)
            .finish()
    }
}
