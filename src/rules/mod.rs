//! The badmail conditions (QMVC's Conditions): subject, body, filename,
//! MIME type, null sender and errormail rules, compiled once per profile
//! and evaluated against a message.
//!
//! Pure: message + envelope + compiled conditions in, findings out.

use crate::envelope::Envelope;
use crate::message::Message;
use crate::verdict::Finding;

/// A profile's compiled Conditions (placeholder until the profile loader
/// lands).
#[derive(Debug, Clone, Default)]
pub struct Conditions {}

/// Every finding of `conditions` on `message` and `envelope`, in condition
/// order (errormail, subject, body, filename, mimetype, nullsender).
pub fn evaluate(
    _message: &Message,
    _envelope: &Envelope,
    _conditions: &Conditions,
) -> Vec<Finding> {
    Vec::new()
}
