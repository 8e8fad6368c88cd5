//! Attachment filenames: decoding and Windows' own normalisation
//! (placeholder).

/// The name as Windows would open it: trailing dots and spaces dropped,
/// case folded.
pub fn normalise_windows_name(name: &str) -> String {
    name.trim_end_matches(['.', ' ']).to_lowercase()
}

/// Bidi and zero-width control characters found in `name`.
pub fn suspicious_chars(_name: &str) -> Vec<char> {
    Vec::new()
}
