//! Loading the main file: resolution order, the embedded default, and
//! every problem of an invalid file listed at once as `file: key: problem`.

use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};

use qmvc::config::{self, Config, Paths, Problem};
use qmvc::error::Error;

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).expect("mkdir");
    }
    fs::write(&path, text).expect("write");
    path
}

fn texts(problems: &[Problem]) -> Vec<String> {
    problems.iter().map(ToString::to_string).collect()
}

#[test]
fn embedded_default_is_the_shipped_example_and_clean() {
    let shipped = fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/config/qmvc.toml"))
        .expect("shipped example");
    assert_eq!(config::EMBEDDED_MAIN, shipped);
    let (parsed, problems) = Config::parse(&shipped, "qmvc.toml");
    assert_eq!(texts(&problems), Vec::<String>::new());
    let embedded = Config::embedded();
    assert_eq!(embedded.source, "<embedded>");
    assert_eq!(embedded.paths, parsed.paths);
    assert_eq!(embedded.paths, Paths::default());
    assert!(embedded.engines.is_empty(), "engines are opt-in");
    assert_eq!(embedded.mail.inject, ["/var/qmail/bin/qmail-inject"]);
    assert_eq!(embedded.user_profiles.file, ".qmvc.toml");
}

#[test]
fn resolution_order_is_flag_then_env_then_system_then_embedded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let main = |from: &str| format!("[mail]\nfrom = \"{from}\"\n");
    let flag = write(dir.path(), "flag.toml", &main("flag"));
    let env = write(dir.path(), "env.toml", &main("env"));
    let system = write(dir.path(), "system.toml", &main("system"));
    let absent = dir.path().join("absent.toml");
    let from = |c: Result<Config, Error>| c.map(|c| c.mail.from).unwrap_or_else(|e| e.chain());

    let env_value = Some(env.as_os_str());
    assert_eq!(
        from(Config::load_from(Some(&flag), env_value, &system)),
        "flag"
    );
    assert_eq!(from(Config::load_from(None, env_value, &system)), "env");
    assert_eq!(
        from(Config::load_from(None, Some(OsStr::new("")), &system)),
        "system"
    );
    assert_eq!(from(Config::load_from(None, None, &system)), "system");
    assert_eq!(
        from(Config::load_from(None, None, &absent)),
        "qmvc <postmaster>"
    );
}

#[test]
fn unreadable_explicit_file_is_a_read_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("missing.toml");
    match Config::load(Some(&missing), None) {
        Err(Error::Read { what, path, .. }) => {
            assert_eq!(what, "configuration");
            assert_eq!(path, missing);
        }
        other => panic!("expected a read error, got {other:?}"),
    }
    // A directory is not a configuration file either.
    assert!(matches!(
        Config::load(Some(dir.path()), None),
        Err(Error::Read { .. })
    ));
}

#[test]
fn every_problem_is_listed_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        dir.path(),
        "bad.toml",
        r#"
colour = "blue"

[paths]
log = "relative/qmvc.log"
quarantine = 7
tmp = "/tmp"

[mail]
inject = []
from = "qmvc"

[guards]
antivirus = ["nobody", "av@example.com"]

[recipient]
mode = "guess"

[limits]
max_depth = 0

[user_profiles]
file = "../.qmvc.toml"

[[engine]]
name = "clamav"
type = "clamd"
servers = "unix:/run/clamd"

[[engine]]
type = "sophos"
"#,
    );
    let file = path.display().to_string();
    let Err(Error::Config { problems }) = Config::load(Some(&path), None) else {
        panic!("expected a configuration error");
    };
    let mut got = texts(&problems);
    got.sort();
    let mut want: Vec<String> = [
        "colour: unknown key",
        "paths.quarantine: invalid type: integer `7`, expected path string",
        "paths.tmp: unknown key",
        "recipient.mode: unknown value `guess`, expected one of `ext`, `virtualdomains`, `recipient`",
        "engine[0].servers: invalid type: string \"unix:/run/clamd\", expected a sequence",
        "engine[1].type: unknown value `sophos`, expected `clamd` or `command`",
        "engine[1].name: missing key",
        "paths.log: must be an absolute path",
        "mail.inject: must name a program",
        "guards.antivirus[0]: \"nobody\" is not an address",
        "limits.max_depth: must be above 0",
        "user_profiles.file: must be a file name in the user's home",
    ]
    .iter()
    .map(|line| format!("{file}: {line}"))
    .collect();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn syntax_error_is_one_problem_with_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(
        dir.path(),
        "broken.toml",
        "[paths]\nlog = \"/x\"\nstate = \n",
    );
    let problems = config::check_all(Some(&path), None);
    let [only] = problems.as_slice() else {
        panic!("expected one problem, got {problems:?}");
    };
    assert_eq!(only.key, "-");
    assert!(only.what.starts_with("line 3 column "), "{only}");
}

#[test]
fn check_all_is_clean_for_the_embedded_configuration() {
    let dir = tempfile::tempdir().expect("tempdir");
    let problems = config::check_all_from(None, None, &dir.path().join("none.toml"));
    assert_eq!(texts(&problems), Vec::<String>::new());
}

#[test]
fn check_all_reports_an_unreadable_main_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("gone.toml");
    let problems = config::check_all(Some(&missing), None);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems.first().map(|p| p.key.as_str()), Some("-"));
    assert!(texts(&problems)[0].contains("cannot read"), "{problems:?}");
}
