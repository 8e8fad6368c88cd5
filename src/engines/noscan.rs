//! `noscan_types`: which parts cannot carry a virus, so that a message
//! made only of them skips the engines.
//!
//! Pure. The attacker chooses the declared type, the content and the
//! name, so a part counts only when all three agree: the declared type
//! is one of the profile's `noscan_types`; the type detected from the
//! content's magic bytes is one too (content that is not recognised at
//! all may be anything, and is scanned); and every name the part has ends
//! in an extension that opens as such a type (`photo.jpg` for
//! `image/*`), since clients and Windows open a file by its name: a
//! `text/plain` part named `invoice.html` is rendered by a browser, one
//! named `fwd.eml` is opened as a message by Outlook and Thunderbird.

use super::type_matches;
use crate::message::Part;

/// Extensions and the type a client opens them as; a named part passes
/// only with one of these (and a type the profile lists).
const OPENS_AS: &[(&str, &str)] = &[
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("jpe", "image/jpeg"),
    ("png", "image/png"),
    ("gif", "image/gif"),
    ("bmp", "image/bmp"),
    ("webp", "image/webp"),
    ("tif", "image/tiff"),
    ("tiff", "image/tiff"),
    ("heic", "image/heic"),
    ("txt", "text/plain"),
    ("text", "text/plain"),
    ("log", "text/plain"),
    ("csv", "text/csv"),
    ("ics", "text/calendar"),
    ("vcf", "text/vcard"),
    ("mp3", "audio/mpeg"),
    ("wav", "audio/wav"),
    ("ogg", "audio/ogg"),
    ("m4a", "audio/mp4"),
    ("mp4", "video/mp4"),
    ("mov", "video/quicktime"),
    ("pdf", "application/pdf"),
];

/// True when `part` cannot carry a virus by `noscan` (the profile's
/// `noscan_types` patterns): declared type, detected type and every name
/// agree (see the module documentation).
pub(super) fn cannot_carry_a_virus(part: &Part, noscan: &[String]) -> bool {
    type_matches(&part.declared_type, noscan)
        && part.detected_type.is_some_and(|d| type_matches(d, noscan))
        && part.names.iter().all(|name| {
            let ext = name
                .rsplit_once('.')
                .map(|(_, e)| e.to_ascii_lowercase())
                .unwrap_or_default();
            OPENS_AS
                .iter()
                .any(|(e, t)| *e == ext && type_matches(t, noscan))
        })
}
