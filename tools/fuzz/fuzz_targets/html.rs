//! Fuzz target: the HTML readings of the body rules (the tokenizer, the
//! stack of open elements, the CSS that hides, Outlook's conditional
//! comments) and every body reading built on them (flowed text, one
//! line), on any text. Bounds checked: the readings stay within a
//! small multiple of the input (a character reference may grow: `&nGt;`
//! is 5 bytes, its two characters 6), and the shown reading is never
//! longer than the text reading it is taken from.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qmvc::message::{Flowed, render_html, render_outlook, text_readings};

fuzz_target!(|data: &[u8]| {
    let source = String::from_utf8_lossy(data);
    let r = render_html(&source);
    assert!(r.text.len() <= 2 * source.len() + 4, "{} -> {}", source.len(), r.text.len());
    assert!(r.shown.len() <= r.text.len());
    if let Some(outlook) = render_outlook(&source) {
        assert!(outlook.len() <= 2 * source.len() + 4);
    }
    // Every reading the body rules match, flowed text included.
    for flowed in [None, Some(Flowed::Flowed), Some(Flowed::DelSp)] {
        for reading in text_readings(&source, true, flowed).0 {
            assert!(reading.len() <= 2 * source.len() + 4);
        }
    }
});
