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
