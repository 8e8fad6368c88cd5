//! Fuzz target: configuration loading. The input is parsed as the main
//! file (`config::Config::parse`), then written as a private profiles
//! directory's `default.toml` and loaded as the profile for a domain
//! (profile parsing, `extends`, rule compilation).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use qmvc::config::Config;

/// A profiles directory of this process, under the system's temp dir.
fn profiles() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("qmvc-fuzz-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("profiles dir");
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = Config::parse(text, "fuzz.toml");
    let dir = profiles();
    let main = format!("[paths]\nprofiles = \"{}\"\n", dir.display());
    let (config, problems) = Config::parse(&main, "main.toml");
    assert!(problems.is_empty(), "{problems:?}");
    if std::fs::write(dir.join("default.toml"), text).is_ok() {
        let _ = config.profile_for("mail.example.com", None);
    }
});
