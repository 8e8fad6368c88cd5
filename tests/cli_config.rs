//! `qmvc config check` and `qmvc config show` as an administrator sees them:
//! exact problem lines, exit codes, the effective profile of a subdomain.

mod support;

use std::process::Command;

use support::{QMVC, Site};

fn qmvc(site: &Site, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(QMVC)
        .args(args)
        .env("QMVC_CONFIG", &site.config)
        .output()
        .expect("run qmvc");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn config_check_lists_every_problem_as_file_key_problem() {
    let site = Site::new("[limits]\nmax_depth = 0\n");
    site.profile("example.com", "[conditions.subject]\nrules = [ { pattern = \"(oops\" } ]\n[actions]\nvirus = \"explode\"\n");
    let (code, out, _) = qmvc(&site, &["config", "check"]);
    assert_eq!(code, 1, "{out}");
    let config = site.config.display().to_string();
    let profile = site
        .dir()
        .join("profiles/example.com.toml")
        .display()
        .to_string();
    assert!(
        out.lines()
            .any(|l| l == format!("{config}: limits.max_depth: must be above 0")),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.starts_with(&format!(
            "{profile}: conditions.subject.rules[0]: invalid regex"
        ))),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with(&format!("{profile}: actions.virus: "))),
        "{out}"
    );
}

#[test]
fn config_check_on_a_clean_site_says_ok() {
    let site = Site::new("");
    let (code, out, _) = qmvc(&site, &["config", "check"]);
    assert_eq!((code, out.as_str()), (0, "configuration ok\n"));
}

#[test]
fn config_show_falls_back_to_the_parent_domain() {
    let site = Site::new("");
    site.profile(
        "example.com",
        "description = \"example.com mail\"\n[actions]\nbadmail = \"bounce\"\n",
    );
    let (code, out, err) = qmvc(&site, &["config", "show", "--domain", "mx.sub.example.com"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("# profile: example.com\n"), "{out}");
    assert!(out.contains("badmail = \"bounce\""), "{out}");
    let (_, json, _) = qmvc(
        &site,
        &[
            "config",
            "show",
            "--domain",
            "other.org",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(json.trim()).expect("json");
    assert_eq!(v["name"], "default");
}

/// An engine's `timeout` and `deadline` and `[mail].timeout` take whole
/// seconds or a duration string, as the shipped qmvc.toml says; `config
/// show` prints the seconds that take effect.
#[test]
fn durations_are_seconds_or_duration_strings() {
    let site = Site::new(
        "[[engine]]\nname = \"clam\"\ntype = \"clamd\"\nservers = [\"unix:/nonexistent/clamd.ctl\"]\n\
         timeout = \"90s\"\ndeadline = \"5m\"\n",
    );
    let (code, out, err) = qmvc(&site, &["config", "check"]);
    assert_eq!((code, out.as_str()), (0, "configuration ok\n"), "{err}");
    let (code, out, err) = qmvc(&site, &["config", "show", "--domain", "example.com"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\ntimeout = 90\n"), "{out}");
    assert!(out.contains("\ndeadline = 300\n"), "{out}");

    let site = Site::new(
        "[[engine]]\nname = \"clam\"\ntype = \"clamd\"\nservers = [\"unix:/nonexistent/clamd.ctl\"]\n\
         timeout = \"1500ms\"\ndeadline = \"soon\"\n",
    );
    let (code, out, _) = qmvc(&site, &["config", "check"]);
    assert_eq!(code, 1, "{out}");
    let config = site.config.display().to_string();
    assert!(
        out.lines().any(|l| l
            == format!("{config}: engine[0].timeout: \"1500ms\" is not a whole number of seconds")),
        "{out}"
    );
    assert!(
        out.lines().any(|l| l.starts_with(&format!(
            "{config}: engine[0].deadline: \"soon\" is not a duration"
        ))),
        "{out}"
    );
}

/// `[mail].timeout` as a duration string is read as its seconds.
#[test]
fn mail_timeout_takes_a_duration_string() {
    let site = Site::new("");
    let d = site.dir().display();
    std::fs::write(
        &site.config,
        format!(
            "[paths]\nlog = \"{d}/log/qmvc.log\"\nreport = \"{d}/log/qmvc.rep\"\nquarantine = \"{d}/quarantine\"\n\
             workdir = \"{d}/work\"\nstate = \"{d}/state\"\nprofiles = \"{d}/profiles\"\n\
             templates = \"{d}/templates\"\nlocales = \"{d}/locales\"\n\
             [recipient]\nvirtualdomains = \"{d}/control/virtualdomains\"\n\
             [mail]\ninject = [\"{d}/bin/inject\"]\ntimeout = \"2h\"\n"
        ),
    )
    .expect("write config");
    let (code, out, _) = qmvc(&site, &["config", "check"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("mail.timeout: must be 1 to 3600 seconds"),
        "{out}"
    );
}

/// Domains are case-insensitive: `profiles/Example.COM.toml` serves
/// `example.com` and its subdomains (it was never chosen, and config check
/// said ok). Two files for one domain, differing only by case, are a
/// problem naming the one never used.
#[test]
fn profile_file_names_match_domains_case_insensitively() {
    let site = Site::new("");
    site.profile("Example.COM", "[actions]\nbadmail = \"bounce\"\n");
    let (code, out, err) = qmvc(&site, &["config", "check"]);
    assert_eq!((code, out.as_str()), (0, "configuration ok\n"), "{err}");
    for domain in ["example.com", "mx.Example.com"] {
        let (code, out, err) = qmvc(&site, &["config", "show", "--domain", domain]);
        assert_eq!(code, 0, "{err}");
        assert!(
            out.starts_with("# profile: Example.COM\n"),
            "{domain}: {out}"
        );
        assert!(out.contains("badmail = \"bounce\""), "{out}");
    }

    site.profile("example.com", "[actions]\nbadmail = \"drop\"\n");
    let (code, out, _) = qmvc(&site, &["config", "check"]);
    assert_eq!(code, 1, "{out}");
    let twin = site.dir().join("profiles/Example.COM.toml");
    assert_eq!(
        out,
        format!(
            "{}: -: names the same domain as example.com.toml (domains are case-insensitive): \
             example.com.toml is used, this file never; merge them into one\n",
            twin.display()
        )
    );
    let (_, out, _) = qmvc(&site, &["config", "show", "--domain", "EXAMPLE.com"]);
    assert!(out.starts_with("# profile: example.com\n"), "{out}");
}

/// An unknown engine type is one problem: the unknown value, not also a
/// false "missing key" for the key that is there.
#[test]
fn unknown_engine_type_is_one_problem() {
    let site = Site::new(
        "[[engine]]\nname = \"clam\"\ntype = \"clamdd\"\nservers = [\"unix:/nonexistent/clamd.ctl\"]\n",
    );
    let (code, out, _) = qmvc(&site, &["config", "check"]);
    assert_eq!(code, 1, "{out}");
    let config = site.config.display().to_string();
    assert_eq!(
        out,
        format!(
            "{config}: engine[0].type: unknown value `clamdd`, expected `clamd` or `command`\n"
        )
    );
}

/// A command engine with both a preset and a command is a problem (the
/// command silently replaced the preset's, under the preset's exit codes).
#[test]
fn preset_and_command_together_are_a_problem() {
    let site = Site::new(
        "[[engine]]\nname = \"scan\"\ntype = \"command\"\npreset = \"clamscan\"\n\
         command = [\"/bin/true\", \"{dir}\"]\n",
    );
    let (code, out, _) = qmvc(&site, &["config", "check"]);
    assert_eq!(code, 1, "{out}");
    let config = site.config.display().to_string();
    assert_eq!(
        out,
        format!(
            "{config}: engine[0].command: give either preset or command, not both: a \
             preset's exit codes and patterns belong to its own command (to run it from \
             another path, write command with the preset's clean_exit, virus_exit, ... as \
             `qmvc config show` prints them)\n"
        )
    );
}

/// `config show --user` says plainly what it read: a home without a
/// per-user profile file is said on stderr, a home that does not exist and
/// a name that is no user are errors (both printed the domain profile with
/// no remark, the name read as a relative path).
#[test]
fn config_show_user_says_what_it_read() {
    let site = Site::new("");
    let home = site.dir().join("home");
    let home_arg = home.display().to_string();
    let (code, out, err) = qmvc(&site, &["config", "show", "--user", &home_arg]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("# profile: default"), "{out}");
    assert_eq!(
        err,
        format!("qmvc: {home_arg} has no .qmvc.toml: only the domain's profile applies\n")
    );

    std::fs::write(home.join(".qmvc.toml"), "[actions]\nbadmail = \"bounce\"\n")
        .expect("write user profile");
    let (code, out, err) = qmvc(&site, &["config", "show", "--user", &home_arg]);
    assert_eq!((code, err.as_str()), (0, ""), "{out}");
    assert!(out.contains("badmail = \"bounce\""), "{out}");

    let (code, out, err) = qmvc(&site, &["config", "show", "--user", "/no/such/home"]);
    assert_eq!(code, 2, "{out}");
    assert_eq!(out, "");
    assert_eq!(
        err,
        "qmvc: --user: /no/such/home: No such file or directory (os error 2)\n"
    );

    let (code, out, err) = qmvc(&site, &["config", "show", "--user", "no-such-user-qmvc"]);
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert_eq!(
        err,
        "qmvc: --user \"no-such-user-qmvc\": no such user (give a user name or a home \
         directory path with a /)\n"
    );
}

/// A missing profiles directory is a warning (exit 0): filter mode gives
/// every domain the built-in default, which a typo in `[paths].profiles`
/// would otherwise do without a word.
#[test]
fn missing_profiles_directory_is_a_warning() {
    let site = Site::new("");
    let profiles = site.dir().join("profiles");
    std::fs::remove_dir(&profiles).expect("rmdir profiles");
    let (code, out, err) = qmvc(&site, &["config", "check"]);
    assert_eq!((code, out.as_str()), (0, "configuration ok\n"), "{err}");
    assert!(
        err.lines().any(|l| l
            == format!(
                "qmvc: warning: {}: paths.profiles: {} does not exist: every domain gets the \
                 built-in default profile",
                site.config.display(),
                profiles.display()
            )),
        "{err}"
    );
    std::fs::create_dir(&profiles).expect("mkdir profiles");
    let (_, _, err) = qmvc(&site, &["config", "check"]);
    assert!(!err.contains("paths.profiles"), "{err}");
}

/// A directory or a dangling symbolic link where a profile file belongs
/// is a problem `config check` names; filter mode defers for its domain
/// (with the reason) rather than read another profile in its place.
#[test]
fn a_profile_that_is_a_directory_or_a_dangling_link_is_a_problem() {
    let site = Site::new("");
    let profiles = site.dir().join("profiles");
    std::fs::create_dir(profiles.join("dir.example.toml")).expect("mkdir");
    std::os::unix::fs::symlink(
        profiles.join("gone.toml"),
        profiles.join("link.example.toml"),
    )
    .expect("symlink");
    let (code, out, _) = qmvc(&site, &["config", "check"]);
    assert_eq!(code, 1, "{out}");
    for (name, what) in [
        ("dir.example", "not a regular file"),
        (
            "link.example",
            "a symbolic link whose target does not exist",
        ),
    ] {
        let file = profiles.join(format!("{name}.toml")).display().to_string();
        assert!(
            out.lines()
                .any(|l| l.starts_with(&format!("{file}: -: ")) && l.contains(what)),
            "{name}: {out}"
        );
        let run = site.deliver(
            b"From: a@example.org\nSubject: hi\n\nhello\n",
            "a@example.org",
            &format!("joe@mx.{name}"),
        );
        run.assert_defers_with("profile");
    }
}

/// `unchecked = "pass"` is allowed, but with no report naming unchecked
/// nobody would be told that unexamined content was delivered: a warning.
#[test]
fn unchecked_passed_without_any_report_is_a_warning() {
    let site = Site::new("");
    site.profile(
        "quiet.example",
        "[actions]\nunchecked = \"pass\"\n[reactions]\nguards = [\"virus\"]\nrecipient = []\n",
    );
    site.profile("told.example", "[actions]\nunchecked = \"pass\"\n");
    let (code, out, err) = qmvc(&site, &["config", "check"]);
    assert_eq!((code, out.as_str()), (0, "configuration ok\n"), "{err}");
    let quiet = site.dir().join("profiles/quiet.example.toml");
    assert!(
        err.lines().any(|l| l.starts_with(&format!(
            "qmvc: warning: {}: actions.unchecked: \"pass\" and no report names unchecked",
            quiet.display()
        ))),
        "{err}"
    );
    assert!(!err.contains("told.example"), "{err}");
}

/// `max_depth` above the parser's own cap is said: the cap wins.
#[test]
fn max_depth_above_the_parsers_cap_is_a_warning() {
    let site = Site::new("[limits]\nmax_depth = 200\n");
    let (code, _, err) = qmvc(&site, &["config", "check"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("limits.max_depth: 200: MIME nesting is walked at most 128 levels deep"),
        "{err}"
    );
}
