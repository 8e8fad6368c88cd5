//! What attachments hold inside: Office documents' macros ([`office`]) and
//! the attachments of Outlook's TNEF (`winmail.dat`) wrapper ([`tnef`]).
//!
//! Pure readers: bytes and limits in, findings out; no I/O.

pub mod office;
pub mod tnef;
