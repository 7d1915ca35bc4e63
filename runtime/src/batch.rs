//! `$batch`: independent requests and change sets in one `multipart/mixed` request.

/// The Content-ID of a request inside a batch change set; reference the entity it created with
/// [`crate::EntityPath::content_id`] or [`crate::Bind::content_id`] (`$n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentId(pub u32);
