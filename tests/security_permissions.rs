//! A configuration everyone may write is not trusted, after qmail-local's
//! rule for dot-qmail files ("Uh-oh: .qmail file is writable. (#4.7.0)"):
//! filter mode defers with `(#4.7.0)`, `qmvc config check` lists it as a
//! problem, and fixing the mode makes both pass again.

mod support;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::{QMVC, Site};

fn chmod(path: &Path, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).expect("chmod");
}

fn config_check(site: &Site) -> (i32, String) {
    let out = Command::new(QMVC)
        .arg("--config")
        .arg(&site.config)
        .args(["config", "check"])
        .output()
        .expect("run config check");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// A site with a profile file and the templates and locales directories,
/// all with ordinary modes.
fn site() -> Site {
    let site = Site::new("");
    site.profile("default", "description = \"site default\"\n");
    for dir in ["templates", "locales"] {
        fs::create_dir_all(site.dir().join(dir)).expect("mkdir");
    }
    site
}

/// (what, path, mode that is fine) for each thing that must not be
/// world-writable.
fn trusted(site: &Site) -> Vec<(&'static str, PathBuf, u32)> {
    vec![
        ("main file", site.config.clone(), 0o644),
        ("profile", site.dir().join("profiles/default.toml"), 0o664),
        ("profiles", site.dir().join("profiles"), 0o775),
        ("templates", site.dir().join("templates"), 0o755),
        ("locales", site.dir().join("locales"), 0o755),
    ]
}

#[test]
fn world_writable_configuration_defers_with_4_7_0_until_fixed() {
    let site = site();
    let clean = fs::read(support::data("clean-plain.eml")).expect("read");
    assert_eq!(site.deliver(&clean, "a@b", "c@example.com").code, 0);
    assert_eq!(config_check(&site), (0, "configuration ok\n".into()));
    for (what, path, fine) in trusted(&site) {
        let original = fs::metadata(&path).expect("stat").permissions().mode() & 0o7777;
        chmod(&path, original | 0o002);
        let run = site.deliver(&clean, "a@b", "c@example.com");
        assert_eq!(run.code, 111, "{what}: {run:?}");
        let expected = format!(
            "{}: writable by everyone (mode {:04o}): not trusted (#4.7.0)\n",
            path.display(),
            original | 0o002
        );
        assert!(
            run.stdout.starts_with("qmvc: cannot read ") && run.stdout.ends_with(&expected),
            "{what}: {}",
            run.stdout
        );
        let (code, text) = config_check(&site);
        assert_eq!(code, 1, "{what}: {text}");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1, "{what}: {text}");
        assert!(
            lines[0].contains(&path.display().to_string())
                && lines[0].contains("writable by everyone (mode 0")
                && lines[0].ends_with(": not trusted"),
            "{what}: {text}"
        );
        // Group-writable is the administrators' business (qmail's 002).
        chmod(&path, fine);
        let run = site.deliver(&clean, "a@b", "c@example.com");
        assert_eq!(run.code, 0, "{what} fixed: {run:?}");
        assert_eq!(config_check(&site), (0, "configuration ok\n".into()));
    }
    // Nothing was logged for the deferred deliveries: only the passes.
    assert_eq!(site.log_lines().len(), 1 + trusted(&site).len());
}

#[test]
fn other_failures_keep_4_3_0() {
    let site = site();
    fs::write(site.dir().join("profiles/default.toml"), "bogus = 1\n").expect("write");
    let clean = fs::read(support::data("clean-plain.eml")).expect("read");
    let run = site.deliver(&clean, "a@b", "c@example.com");
    assert_eq!(run.code, 111, "{run:?}");
    assert!(run.stdout.ends_with("(#4.3.0)\n"), "{}", run.stdout);
}
