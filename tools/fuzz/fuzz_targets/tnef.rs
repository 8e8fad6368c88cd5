//! Fuzz target: the TNEF reader (`container::tnef::attachments`); every
//! slice it returns must lie inside the input. The same bytes behind the
//! OLE2 signature go to the Outlook message reader (`msg_attachments`),
//! which never copies out more bytes than the input holds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qmvc::container::tnef::{
    MsgAttachment, TnefAttachment, TnefLimits, attachments, msg_attachments,
};

fn check(data: &[u8], list: &[TnefAttachment<'_>]) {
    let range = data.as_ptr_range();
    for a in list {
        let inner = a.data.as_ptr_range();
        assert!(a.data.is_empty() || (range.start <= inner.start && inner.end <= range.end));
        check(data, &a.attachments);
    }
}

fn copied(list: &[MsgAttachment]) -> usize {
    list.iter().map(|a| a.data.len() + copied(&a.attachments)).sum()
}

fuzz_target!(|data: &[u8]| {
    let limits = TnefLimits {
        max_attachments: 100,
        max_depth: 3,
    };
    if let Ok(tnef) = attachments(data, &limits) {
        check(data, &tnef.attachments);
    }
    if let Ok(msg) = msg_attachments(data, &limits) {
        assert!(copied(&msg.attachments) <= data.len());
    }
});
