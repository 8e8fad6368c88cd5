//! Security profiles: choice by domain with fallback to the parent domain
//! and to `default`, `extends` chains, per-user restrictions, the
//! qmail-scanner import, `config show`, and every problem listed at once.

use std::fs;
use std::path::{Path, PathBuf};

use qmvc::config::{self, Config, Problem};
use qmvc::envelope::Envelope;
use qmvc::error::Error;
use qmvc::message::{Message, Origin, Part};
use qmvc::profile::{self, Effective};
use qmvc::rules;
use qmvc::verdict::{Action, Condition};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// A temporary setup: a main file whose `[paths].profiles` is `profiles/`
/// inside the temporary directory.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let setup = Setup {
            dir: tempfile::tempdir().expect("tempdir"),
        };
        fs::create_dir(setup.profiles()).expect("mkdir profiles");
        setup
    }

    fn profiles(&self) -> PathBuf {
        self.dir.path().join("profiles")
    }

    fn profile(&self, name: &str, text: &str) -> String {
        let path = self.profiles().join(format!("{name}.toml"));
        fs::write(&path, text).expect("write profile");
        path.display().to_string()
    }

    fn main_file(&self, extra: &str) -> PathBuf {
        let path = self.dir.path().join("qmvc.toml");
        let text = format!(
            "[paths]\nprofiles = \"{}\"\n{extra}",
            self.profiles().display()
        );
        fs::write(&path, text).expect("write main file");
        path
    }

    fn config(&self) -> Config {
        Config::load(Some(&self.main_file("")), None).expect("main file")
    }

    fn home(&self, text: &str) -> PathBuf {
        let home = self.dir.path().join("alice");
        fs::create_dir_all(&home).expect("mkdir home");
        fs::write(home.join(".qmvc.toml"), text).expect("write user profile");
        home
    }

    fn check(&self) -> Vec<String> {
        config::check_all(Some(&self.main_file("")), None)
            .iter()
            .map(ToString::to_string)
            .collect()
    }
}

fn problems_of(result: Result<profile::Profile, Error>) -> Vec<String> {
    match result {
        Err(Error::Config { problems }) => problems.iter().map(Problem::to_string).collect(),
        Err(other) => vec![format!("not a configuration error: {}", other.chain())],
        Ok(p) => vec![format!("no problem: profile {}", p.name)],
    }
}

fn attachment(name: &str, size: usize) -> Message {
    Message {
        headers: vec![
            ("From".into(), "bob@example.org".into()),
            ("Date".into(), "Mon, 2 Mar 2026 10:00:00 +0000".into()),
            ("X-Mailer".into(), "Bulk-o-Matic 3.1".into()),
        ],
        raw_fields: Vec::new(),
        subject: Some("hello".into()),
        parts: vec![Part {
            id: "2".into(),
            depth: 1,
            declared_type: "application/octet-stream".into(),
            names: vec![name.into()],
            attachment: true,
            body: vec![0; size].into(),
            charset: None,
            charsets: Vec::new(),
            flowed: None,
            detected_type: None,
            origin: Origin::Mime,
        }],
        anomalies: Vec::new(),
        size,
        attached: Vec::new(),
    }
}

#[test]
fn embedded_default_profile_is_the_shipped_file() {
    let shipped = fs::read_to_string(format!("{ROOT}/profiles/default.toml")).expect("shipped");
    assert_eq!(profile::EMBEDDED_DEFAULT, shipped);
    let setup = Setup::new();
    let embedded = setup
        .config()
        .profile_for("example.com", None)
        .expect("embedded");
    setup.profile("default", &shipped);
    let from_file = setup
        .config()
        .profile_for("example.com", None)
        .expect("file");
    assert_eq!(embedded.name, "default");
    assert_eq!(embedded.sources, ["<embedded>"]);
    assert_eq!(from_file.sources.len(), 2);
    assert_eq!(embedded.effective(), from_file.effective());
    assert_eq!(embedded.actions, from_file.actions);
    assert_eq!(embedded.actions.virus, Action::Quarantine);
    assert_eq!(embedded.actions.errormail, Action::Pass);
    assert!(embedded.scan.bypass);
    assert_eq!(embedded.language, "en");
    assert_eq!(embedded.reactions.bomber.threshold, 10);
    assert!(
        embedded.reactions.sender.is_empty(),
        "no sender reports by default"
    );
}

#[test]
fn domain_falls_back_to_parents_then_default() {
    let setup = Setup::new();
    setup.profile("default", "description = \"site default\"\n");
    let example = setup.profile("example.com", "description = \"example\"\n");
    setup.profile("sub.example.com", "description = \"sub\"\n");
    let config = setup.config();
    let name = |domain: &str| {
        config
            .profile_for(domain, None)
            .map(|p| (p.name, p.description))
            .unwrap_or_else(|e| (e.chain(), String::new()))
    };
    assert_eq!(
        name("example.com"),
        ("example.com".into(), "example".into())
    );
    assert_eq!(
        name("EXAMPLE.COM."),
        ("example.com".into(), "example".into())
    );
    assert_eq!(
        name("mail.example.com"),
        ("example.com".into(), "example".into())
    );
    assert_eq!(
        name("a.b.sub.example.com"),
        ("sub.example.com".into(), "sub".into())
    );
    assert_eq!(
        name("example.org"),
        ("default".into(), "site default".into())
    );
    assert_eq!(name(""), ("default".into(), "site default".into()));
    // HOST is never a path.
    assert_eq!(
        name("../profiles/example.com"),
        ("default".into(), "site default".into())
    );
    let sources = config
        .profile_for("www.example.com", None)
        .map(|p| p.sources);
    let default = setup.profiles().join("default.toml").display().to_string();
    assert_eq!(
        sources.ok(),
        Some(vec!["<embedded>".into(), default, example])
    );
}

#[test]
fn extends_chains_lay_profiles_in_order() {
    let setup = Setup::new();
    setup.profile("base", "language = \"de\"\n[actions]\nbadmail = \"drop\"\n");
    setup.profile(
        "middle",
        "extends = \"base\"\n[actions]\nerrormail = \"quarantine\"\n",
    );
    setup.profile(
        "example.com",
        "extends = \"middle\"\n[actions]\nbadmail = \"bounce\"\n",
    );
    let p = setup
        .config()
        .profile_for("example.com", None)
        .expect("profile");
    assert_eq!(p.language, "de");
    assert_eq!(p.actions.badmail, Action::Bounce);
    assert_eq!(p.actions.errormail, Action::Quarantine);
    assert_eq!(
        p.actions.virus,
        Action::Quarantine,
        "from the embedded default"
    );
    let names: Vec<&str> = p
        .sources
        .iter()
        .map(|s| {
            Path::new(s)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(s)
        })
        .collect();
    assert_eq!(
        names,
        ["<embedded>", "base.toml", "middle.toml", "example.com.toml"]
    );
    assert_eq!(setup.check(), Vec::<String>::new());
}

#[test]
fn extends_cycles_depth_and_missing_targets_are_problems() {
    let setup = Setup::new();
    setup.profile("a.example", "extends = \"b.example\"\n");
    let b = setup.profile("b.example", "extends = \"a.example\"\n");
    let missing = setup.profile("c.example", "extends = \"nowhere\"\n");
    let evil = setup.profile("d.example", "extends = \"../../etc/passwd\"\n");
    let default = setup.profile("default", "extends = \"a.example\"\n");
    for i in 0..10 {
        setup.profile(
            &format!("deep{i}"),
            &format!("extends = \"deep{}\"\n", i + 1),
        );
    }
    let config = setup.config();
    assert_eq!(
        problems_of(config.profile_for("a.example", None)),
        [format!(
            "{b}: extends: extends cycle: a.example -> b.example -> a.example"
        )]
    );
    let dir = setup.profiles().display().to_string();
    assert_eq!(
        problems_of(config.profile_for("c.example", None)),
        [format!(
            "{missing}: extends: no profile \"nowhere\" in {dir}"
        )]
    );
    assert_eq!(
        problems_of(config.profile_for("d.example", None)),
        [format!(
            "{evil}: extends: \"../../etc/passwd\" is not a profile name"
        )]
    );
    let deep = problems_of(config.profile_for("deep0", None));
    assert_eq!(deep.len(), 1);
    assert!(
        deep[0].ends_with("extends: extends chain longer than 8 profiles"),
        "{deep:?}"
    );
    assert!(
        setup.check().contains(&format!(
            "{default}: extends: the default profile cannot extend another"
        )),
        "{:?}",
        setup.check()
    );
}

#[test]
fn every_profile_problem_is_listed_with_the_file_that_wrote_it() {
    let setup = Setup::new();
    let default = setup.profile(
        "default",
        "[conditions.subject]\nrules = [\"ILOVEYOU\", \"(unclosed\"]\n",
    );
    let example = setup.profile(
        "example.com",
        r#"
colour = "red"
language = "not a tag!"

[conditions.filename]
globs = ["*.{exe", { pattern = "*.ok", description = "fine" }]
regexes = ["[z-a]"]
extensions = [".exe", "", 7]
names = [{ name = "x.exe", size = -1 }]

[conditions.errormail]
required_headers = ["From", "Bad Header"]
enabled = "yes"

[scan]
engines = ["clamav"]
noscan_types = ["text"]
mode = "all"

[actions]
badmail = "forward"
virus = "defer"
"#,
    );
    // `config check` also compiles the rules of disabled conditions (here
    // errormail, whose `enabled` is unreadable and so off).
    let problems = setup.check();
    let in_use = problems_of(setup.config().profile_for("example.com", None));
    assert_eq!(in_use.len(), problems.len() - 1, "{in_use:?}");
    let want = [
        format!("{example}: colour: unknown key"),
        format!(
            "{example}: conditions.filename.extensions[2]: invalid type: integer `7`, expected a string"
        ),
        format!(
            "{example}: conditions.filename.names[0].size: invalid value: integer `-1`, expected u64"
        ),
        format!(
            "{example}: conditions.errormail.enabled: invalid type: string \"yes\", expected a boolean"
        ),
        format!("{example}: scan.mode: unknown value `all`, expected `first` or `mutual`"),
        format!(
            "{default}: conditions.subject.rules[1]: invalid regex: unclosed group at column 1"
        ),
        format!("{example}: conditions.filename.extensions[1]: \"\" is not an extension"),
        format!(
            "{example}: conditions.filename.globs[0]: invalid glob: unclosed alternate group; missing '}}' (maybe escape '{{' with '[{{]'?)"
        ),
        format!(
            "{example}: conditions.filename.regexes[0]: invalid regex: invalid character class range, the start must be <= the end at column 2"
        ),
        format!("{example}: conditions.errormail.required_headers[1]: not a header field name"),
        format!(
            "{example}: scan.engines[0]: no engine \"clamav\" in {}",
            setup.main_file("").display()
        ),
        format!("{example}: scan.noscan_types[0]: \"text\" is not a type/subtype"),
        format!(
            "{example}: actions.virus: defer is not a profile action (it would keep the message in the queue until it bounces)"
        ),
        format!("{example}: actions.badmail: forward needs actions.forward_to"),
        format!("{example}: language: \"not a tag!\" is not a language tag"),
    ];
    let mut got = problems.clone();
    got.sort();
    let mut sorted = want.to_vec();
    sorted.sort();
    assert_eq!(got, sorted, "\n{}", problems.join("\n"));
}

#[test]
fn check_all_covers_every_profile_once() {
    let setup = Setup::new();
    let default = setup.profile(
        "default",
        "[conditions.body]\nenabled = true\nrules = [\"(\"]\n",
    );
    let one = setup.profile("one.example", "bogus = 1\n");
    setup.profile("two.example", "description = \"fine\"\n");
    fs::write(setup.profiles().join("README"), "not a profile").expect("write");
    let got = setup.check();
    assert_eq!(
        got,
        [
            format!(
                "{default}: conditions.body.rules[0]: invalid regex: unclosed group at column 1"
            ),
            format!("{one}: bogus: unknown key"),
        ],
        "the default profile's problem is listed once, not once per profile"
    );
}

#[test]
fn per_user_profile_may_only_touch_conditions_and_actions() {
    let setup = Setup::new();
    let config = setup.config();
    let home = setup.home(
        r#"
extends = "strict"
[scan]
engines = ["clamav"]
[conditions.filename]
import = "/etc/passwd"
[actions]
badmail = "pass"
"#,
    );
    let file = home.join(".qmvc.toml").display().to_string();
    let mut got = problems_of(config.profile_for("example.com", Some(&home)));
    got.sort();
    assert_eq!(
        got,
        [
            format!("{file}: conditions.filename.import: not allowed in a per-user profile"),
            format!("{file}: extends: not allowed in a per-user profile"),
            format!("{file}: scan: not allowed in a per-user profile"),
        ]
    );

    let example = fs::read_to_string(format!("{ROOT}/profiles/examples/user.qmvc.toml"))
        .expect("user example");
    let home = setup.home(&example);
    let p = config
        .profile_for("example.com", Some(&home))
        .expect("user profile");
    assert_eq!(p.name, "user:alice");
    assert_eq!(p.language, "de");
    assert_eq!(
        p.sources.last(),
        Some(&home.join(".qmvc.toml").display().to_string())
    );
    let bounce = Envelope::for_check("", "alice@example.com");
    let found = rules::evaluate(&Message::default(), &bounce, &p.conditions);
    assert!(
        found.iter().any(|f| f.condition == Condition::Nullsender),
        "{found:?}"
    );
    // Without -u (no home), the user's file is not read.
    let p = config
        .profile_for("example.com", None)
        .expect("domain profile");
    assert_eq!(p.name, "default");
    // No file in the home: the domain's profile.
    let empty = setup.dir.path().join("bob");
    assert_eq!(
        config
            .profile_for("x", Some(&empty))
            .map(|p| p.name)
            .ok()
            .as_deref(),
        Some("default")
    );
}

#[test]
fn qmail_scanner_rules_are_imported() {
    let setup = Setup::new();
    let sample = format!("{ROOT}/tests/data/quarantine-attachments.txt");
    setup.profile(
        "example.com",
        &format!("[conditions.filename]\nimport = \"{sample}\"\n"),
    );
    let p = setup
        .config()
        .profile_for("example.com", None)
        .expect("profile");
    let env = Envelope::for_check("bob@example.org", "alice@example.com");
    let descriptions = |m: &Message| -> Vec<(Condition, String)> {
        rules::evaluate(m, &env, &p.conditions)
            .into_iter()
            .map(|f| (f.condition, f.description))
            .collect()
    };
    assert_eq!(
        descriptions(&attachment("hahaha.exe", 15234)),
        [
            (Condition::Subject, "known spam tool".to_string()),
            (Condition::Filename, "Hahaha worm".to_string()),
        ]
    );
    let other_size = descriptions(&attachment("hahaha.exe", 100));
    assert_eq!(
        other_size.get(1),
        Some(&(
            Condition::Filename,
            "attachment type blocked by policy".to_string()
        )),
        "the default .exe rule still applies"
    );
    assert_eq!(
        descriptions(&attachment("Document.ZIP", 1)).get(1),
        Some(&(Condition::Filename, "any document.zip".to_string()))
    );
    // The default profile's .vbs rule comes first and keeps its description.
    assert_eq!(
        descriptions(&attachment("x.vbs", 1))
            .get(1)
            .map(|(c, _)| *c),
        Some(Condition::Filename)
    );
}

#[test]
fn bad_import_lines_are_problems_with_line_numbers() {
    let setup = Setup::new();
    let bad = format!("{ROOT}/tests/data/quarantine-attachments-bad.txt");
    let example = setup.profile(
        "example.com",
        &format!("[conditions.filename]\nimport = \"{bad}\"\n"),
    );
    let gone = setup.profile(
        "gone.example",
        "[conditions.filename]\nimport = \"/nonexistent/qa.txt\"\n",
    );
    let relative = setup.profile(
        "rel.example",
        "[conditions.filename]\nimport = \"qa.txt\"\n",
    );
    let got = setup.check();
    assert_eq!(
        got,
        [
            format!(
                "{bad}: line 3: expected 3 TAB-separated fields (string, size or header, description), found 2"
            ),
            format!("{bad}: line 4: an extension rule takes size 0"),
            format!(
                "{bad}: line 5: \"big\" is neither a size in bytes nor a header name ending in ':'"
            ),
            format!("{bad}: line 6: \"Bad Header:\" is not a header field name"),
            format!(
                "{gone}: conditions.filename.import: cannot read /nonexistent/qa.txt: No such file or directory (os error 2)"
            ),
            format!("{relative}: conditions.filename.import: must be an absolute path"),
        ]
    );
    let _ = example;
}

#[test]
fn shipped_examples_pass_config_check() {
    let setup = Setup::new();
    let mut copied = 0;
    for entry in fs::read_dir(format!("{ROOT}/profiles/examples")).expect("examples") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        if name.ends_with(".example.toml") {
            fs::copy(&path, setup.profiles().join(name)).expect("copy");
            copied += 1;
        }
    }
    fs::copy(
        format!("{ROOT}/profiles/default.toml"),
        setup.profiles().join("default.toml"),
    )
    .expect("copy default");
    assert!(copied >= 2, "examples found: {copied}");
    assert_eq!(setup.check(), Vec::<String>::new());

    let strict = setup
        .config()
        .profile_for("strict.example", None)
        .expect("strict");
    assert_eq!(strict.actions.badmail, Action::Bounce);
    let guarded = setup
        .config()
        .profile_for("guarded.example", None)
        .expect("guarded");
    assert_eq!(guarded.actions.badmail, Action::Forward);
    assert_eq!(
        guarded.actions.forward_to.as_deref(),
        Some("badmail-review@example.com")
    );
    let env = Envelope::for_check("bob@example.org", "alice@example.com");
    let mut m = attachment("invoice.html", 10);
    m.parts[0].declared_type = "text/html".into();
    m.parts[0].body = "<p>Please verify your password now</p>"
        .as_bytes()
        .to_vec()
        .into();
    let found = rules::evaluate(&m, &env, &guarded.conditions);
    let conditions: Vec<Condition> = found.iter().map(|f| f.condition).collect();
    assert_eq!(
        conditions,
        [Condition::Body, Condition::Filename],
        "{found:?}"
    );
}

#[test]
fn show_prints_the_effective_profile_with_its_sources() {
    let setup = Setup::new();
    let file = setup.profile("example.com", "[actions]\nbadmail = \"bounce\"\n");
    let config = setup.config();
    let shown: Effective = config
        .effective("www.example.com", None)
        .expect("effective");
    let text = shown.to_toml();
    assert!(
        text.starts_with("# profile: example.com\n# source: <embedded>\n"),
        "{text}"
    );
    assert!(text.contains(&format!("# source: {file}\n")), "{text}");
    let reread: toml::Table = text.parse().expect("show prints TOML");
    assert_eq!(reread, shown.profile);
    assert_eq!(
        reread
            .get("actions")
            .and_then(|a| a.get("badmail"))
            .and_then(|v| v.as_str()),
        Some("bounce")
    );
    // Defaults are shown too, so the output is the whole story.
    assert_eq!(
        reread
            .get("conditions")
            .and_then(|c| c.get("body"))
            .and_then(|b| b.get("enabled")),
        Some(&toml::Value::Boolean(false))
    );
    let json = shown.to_json();
    assert_eq!(json["name"], "example.com");
    assert_eq!(json["sources"][1], file.as_str());
    assert_eq!(json["profile"]["actions"]["virus"], "quarantine");
}

#[test]
fn profile_files_that_are_not_files_are_refused() {
    let setup = Setup::new();
    fs::create_dir(setup.profiles().join("example.com.toml")).expect("mkdir");
    let got = setup.config().profile_for("example.com", None);
    assert!(
        matches!(
            got,
            Err(Error::Read {
                what: "profile",
                ..
            })
        ),
        "{got:?}"
    );
}
