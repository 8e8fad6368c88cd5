//! Content type from magic bytes (placeholder).

/// The MIME type detected from `content`'s first bytes, if recognised.
pub fn detect(_content: &[u8]) -> Option<&'static str> {
    None
}

/// True when `mime` (as returned by [`detect`]) is executable content:
/// PE, ELF, Mach-O, scripts with a shebang, Windows shortcuts, MSI...
pub fn is_executable_type(_mime: &str) -> bool {
    false
}
