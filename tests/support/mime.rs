//! Parsed messages for engine tests: qmvc's own parser with default limits.
#![allow(dead_code)]

use qmvc::message::{Limits, Message, parse};

/// `raw` parsed into a [`Message`] with decoded parts.
pub fn message(raw: &[u8]) -> Message {
    parse(raw, &Limits::default())
}
