//! Fuzz target: the `qmvc.log` line parser (`actions::log::LogLine::parse`)
//! and the round trip through the writer: whatever line the parser
//! accepts, `LogLine::format` writes it (fields escaped and bounded) as a
//! line the parser reads back to the same value, and writes that value
//! again byte for byte. (The parser may accept lines the writer would
//! never write, such as an unescaped `=` in an engine name or a field
//! longer than the writer's bound; the written form is the fixed point.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use qmvc::actions::log::LogLine;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for line in text.lines() {
        if let Some(parsed) = LogLine::parse(line) {
            let written = parsed.format();
            let back = LogLine::parse(&written);
            assert!(back.is_some(), "qmvc cannot read its own line {written:?}");
            if let Some(back) = back {
                assert_eq!(back.format(), written, "round trip of {line:?}");
            }
        }
    }
});
