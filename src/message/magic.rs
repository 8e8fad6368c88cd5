//! Content type from magic bytes (placeholder).

/// The MIME type detected from `content`'s first bytes, if recognised.
pub fn detect(_content: &[u8]) -> Option<&'static str> {
    None
}
