//! Retry policy for throttling (429), unavailability (503) and transport faults.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::BoxFuture;

/// Sleeps between retries. Swap it (see [`crate::ClientBuilder::sleeper`]) to observe waits in
/// tests without sleeping.
pub trait Sleeper: Send + Sync + 'static {
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;
}

/// The default [`Sleeper`]: `tokio::time::sleep`.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

pub(crate) fn default_sleeper() -> Arc<dyn Sleeper> {
    Arc::new(TokioSleeper)
}

/// When and how often a request is sent again.
///
/// - 429 and 503 are retried for every method, after `Retry-After` when the service sent it
///   (seconds or HTTP date), else after an exponential backoff with jitter.
/// - Transport errors (connect, timeout) are retried only for requests that are safe to repeat
///   (GET, PUT, DELETE), unless [`RetryPolicy::retry_non_idempotent`] is set.
/// - At most [`max_attempts`](RetryPolicy::max_attempts) attempts, and no wait that would take
///   the request past [`max_total_time`](RetryPolicy::max_total_time).
/// - A 401 is not a retry: the request is sent again at once with a renewed token, once, even
///   with retries disabled (see [`crate::TokenProvider::invalidate`]).
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) initial_backoff: Duration,
    pub(crate) max_backoff: Duration,
    pub(crate) max_total_time: Duration,
    pub(crate) retry_non_idempotent: bool,
    pub(crate) jitter: bool,
}

impl Default for RetryPolicy {
    /// 5 attempts, backoff from 1 s doubling up to 60 s, 5 minutes in total (the service
    /// protection limits can ask for waits of minutes).
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            max_total_time: Duration::from_secs(300),
            retry_non_idempotent: false,
            jitter: true,
        }
    }
}

impl RetryPolicy {
    /// No retries at all: every request is sent once.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Total attempts including the first (minimum 1).
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n.max(1);
        self
    }

    /// First backoff when no `Retry-After` was sent; doubled each attempt.
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// Upper bound of a computed backoff.
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// Total time budget for one call including waits; a wait past it is not taken.
    pub fn max_total_time(mut self, d: Duration) -> Self {
        self.max_total_time = d;
        self
    }

    /// Also retry POST and PATCH after transport errors (they may have been applied already).
    pub fn retry_non_idempotent(mut self, yes: bool) -> Self {
        self.retry_non_idempotent = yes;
        self
    }

    /// Randomize computed backoffs (default on). `Retry-After` waits are never randomized.
    pub fn jitter(mut self, yes: bool) -> Self {
        self.jitter = yes;
        self
    }

    /// The computed backoff before attempt `retry` (1 = first retry).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exp = 2u32.saturating_pow(retry.saturating_sub(1).min(20));
        let base = self
            .initial_backoff
            .saturating_mul(exp)
            .min(self.max_backoff);
        if self.jitter {
            // "Equal jitter": half fixed, half random.
            let half = base / 2;
            half + half.mul_f64(fastrand::f64())
        } else {
            base
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy::default()
            .jitter(false)
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350));
        assert_eq!(p.backoff(1), Duration::from_millis(100));
        assert_eq!(p.backoff(2), Duration::from_millis(200));
        assert_eq!(p.backoff(3), Duration::from_millis(350));
        let j = RetryPolicy::default().initial_backoff(Duration::from_millis(100));
        for _ in 0..50 {
            let d = j.backoff(1);
            assert!(d >= Duration::from_millis(50) && d <= Duration::from_millis(100));
        }
    }
}
