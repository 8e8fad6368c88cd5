//! `qmvc config check` as an administrator meets it in the first hour: one
//! line per problem, each problem once, the whole reason, and a missing
//! translation of a site sentence said as a warning (English is used; the
//! configuration works), not as a failure.

mod support;

use std::fs;

use support::{Site, admin, stderr, stdout};

fn check(site: &Site) -> (i32, String) {
    let out = admin(site, &["config", "check"]);
    (out.status.code().unwrap_or(-1), stdout(&out))
}

#[test]
fn a_broken_site_template_is_one_problem_on_one_line() {
    let site = Site::new("");
    fs::create_dir_all(site.dir().join("templates")).expect("mkdir");
    fs::write(
        site.dir().join("templates/recipient.hbs"),
        "{{t \"subject-recipient\"}}\n\n{{#if verdict}}never closed\n",
    )
    .expect("write");
    let (code, text) = check(&site);
    assert_eq!(code, 1, "{text}");
    let about: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("recipient.hbs"))
        .collect();
    assert_eq!(about.len(), 1, "{text}");
    assert!(about[0].contains("line "), "{text}");
    // Every line is a `file: key: what` problem (or the verdict line).
    for line in text.lines() {
        assert!(
            line.matches(": ").count() >= 2,
            "not one problem a line: {line:?}"
        );
    }
}

#[test]
fn a_template_that_fails_to_render_is_one_problem_naming_the_languages() {
    let site = Site::new("");
    fs::create_dir_all(site.dir().join("templates")).expect("mkdir");
    fs::write(
        site.dir().join("templates/sender.hbs"),
        "{{t \"subject-sender\" recipient=recipient}}\n\n{{no_such_value}}\n",
    )
    .expect("write");
    let (code, text) = check(&site);
    assert_eq!(code, 1, "{text}");
    let about: Vec<&str> = text.lines().filter(|l| l.contains("sender.hbs")).collect();
    assert_eq!(about.len(), 1, "{text}");
    assert!(about[0].contains("(en, de, "), "{text}");
    assert!(about[0].contains("no_such_value"), "{text}");
}

#[test]
fn a_bad_virus_regex_says_why_and_where() {
    let site = Site::new(
        "[[engine]]\nname = \"scan\"\ntype = \"command\"\ncommand = [\"/bin/true\", \"{dir}\"]\n\
         clean_exit = [0]\nvirus_exit = [1]\nvirus_regex = \"FOUND: (.*\"\n",
    );
    let (code, text) = check(&site);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("engine[0].virus_regex: invalid regex: unclosed group at column 8\n"),
        "{text}"
    );
    assert!(!text.contains("regex parse error:\n"), "{text}");
}

#[test]
fn a_missing_translation_of_a_site_sentence_is_a_warning() {
    let site = Site::new("");
    for dir in ["templates", "locales/en", "locales/de"] {
        fs::create_dir_all(site.dir().join(dir)).expect("mkdir");
    }
    let shipped = fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/templates/recipient.hbs"
    ))
    .expect("shipped template");
    fs::write(
        site.dir().join("templates/recipient.hbs"),
        format!("{shipped}\n{{{{t \"site-helpdesk\"}}}}\n"),
    )
    .expect("write");
    fs::write(
        site.dir().join("locales/en/site.ftl"),
        "site-helpdesk = Call the help desk on 1234.\n",
    )
    .expect("write");
    fs::write(
        site.dir().join("locales/de/site.ftl"),
        "site-helpdesk = Rufen Sie 1234 an.\n",
    )
    .expect("write");
    let out = admin(&site, &["config", "check"]);
    let (text, said) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{text}{said}");
    let warnings: Vec<&str> = said
        .lines()
        .filter(|l| l.starts_with("qmvc: warning: locale "))
        .collect();
    assert_eq!(warnings.len(), 1, "{said}");
    assert!(warnings[0].contains("site-helpdesk"), "{text}");
    assert!(warnings[0].contains(" fr"), "{text}");
    assert!(!warnings[0].contains(" de"), "{text}");
    assert!(text.ends_with("configuration ok\n"), "{text}");

    // A sentence English lacks is a problem: languages without it have no
    // fallback, and their reports cannot be written.
    fs::write(site.dir().join("locales/en/site.ftl"), "other = x\n").expect("write");
    fs::write(site.dir().join("locales/de/site.ftl"), "other = y\n").expect("write");
    let (code, text) = check(&site);
    assert_eq!(code, 1, "{text}");
    // Blamed on the template that asks for it.
    let template = site.dir().join("templates/recipient.hbs");
    assert!(
        text.contains(&format!(
            "{}: -: uses sentences that English, every language's fallback, lacks: site-helpdesk",
            template.display()
        )),
        "{text}"
    );
}

/// A qmail tree in the site: example.com a virtual domain served by the
/// `alias` home through `users/assign`, `av@example.com`'s dot-qmail with
/// `guard_line` in it, and a default profile forwarding viruses there.
fn forwarding_site(guard_line: &str) -> Site {
    let site = Site::new("");
    let d = site.dir();
    fs::create_dir_all(d.join("users")).expect("mkdir");
    fs::create_dir_all(d.join("alias")).expect("mkdir");
    fs::write(d.join("control/locals"), "localhost\n").expect("locals");
    fs::write(
        d.join("users/assign"),
        format!(
            "+example-com-:alias:7790:2108:{}:-:example-com-:\n.\n",
            d.join("alias").display()
        ),
    )
    .expect("assign");
    fs::write(
        d.join("alias/.qmail-example-com-av"),
        format!("{guard_line}\n./Maildir/\n"),
    )
    .expect("dot-qmail");
    fs::write(
        d.join("alias/.qmail-example-com-default"),
        "|/usr/local/bin/qmvc\n./Maildir/\n",
    )
    .expect("dot-qmail");
    site.profile(
        "default",
        "[actions]\nvirus = \"forward\"\nforward_to = \"av@example.com\"\n",
    );
    site
}

#[test]
fn a_forward_to_a_guard_behind_qmvc_is_refused() {
    for line in [
        "|/usr/local/bin/qmvc",
        "|preline /usr/local/bin/qmvc -u",
        // The guard's mailbox forwards on to an address that runs qmvc.
        "&boss@example.com",
    ] {
        let site = forwarding_site(line);
        let (code, text) = check(&site);
        assert_eq!(code, 1, "{line}: {text}");
        assert!(
            text.contains("actions.forward_to: av@example.com is delivered through "),
            "{line}: {text}"
        );
        assert!(text.contains("which runs qmvc"), "{text}");
    }
}

#[test]
fn a_forward_to_a_guard_without_qmvc_is_fine() {
    let site = forwarding_site("# the guard's mailbox, no filter");
    let (code, text) = check(&site);
    assert!(!text.contains("actions.forward_to"), "{text}");
    assert_eq!(code, 0, "{text}");
    // A remote guard is not followed.
    site.profile(
        "default",
        "[actions]\nvirus = \"forward\"\nforward_to = \"av@elsewhere.example\"\n",
    );
    let (code, text) = check(&site);
    assert_eq!(code, 0, "{text}");
}

/// What `config check` says without `--probe` about settings that work
/// but cannot be what the site meant, or that would make every delivery
/// defer: an engine program that is not there (problem), a `mail.from`
/// holding two addresses (problem), a `control/virtualdomains` path with
/// a typo (warning), a profile language no locale serves (warning).
#[test]
fn missing_programs_typos_and_lists_are_said_without_probe() {
    let site = Site::new("");
    let missing = site.dir().join("bin/missing-scanner");
    let not_executable = site.dir().join("bin/plain-file");
    fs::write(&not_executable, "#!/bin/sh\n").expect("write");
    site.write_config(&format!(
        "[[engine]]\nname = \"gone\"\ntype = \"command\"\ncommand = [\"{}\", \"{{dir}}\"]\n\
         clean_exit = [0]\nvirus_exit = [1]\n\n\
         [[engine]]\nname = \"plain\"\ntype = \"command\"\ncommand = [\"{}\", \"{{dir}}\"]\n\
         clean_exit = [0]\nvirus_exit = [1]\n",
        missing.display(),
        not_executable.display()
    ));
    let (code, text) = check(&site);
    assert_eq!(code, 1, "{text}");
    let config = site.config.display().to_string();
    assert!(
        text.contains(&format!(
            "{config}: engine.gone.command: {}: No such file",
            missing.display()
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "{config}: engine.plain.command: {} is not an executable file",
            not_executable.display()
        )),
        "{text}"
    );

    // mail.from: one mailbox, with or without a domain; a list is refused.
    let text = fs::read_to_string(&site.config).expect("read");
    let text = text.replace(
        "from = \"qmvc <postmaster@example.com>\"",
        "from = \"a@b.test, c@d.test\"",
    );
    let site2 = Site::new("");
    fs::write(&site2.config, &text).expect("write");
    let (code, out) = check(&site2);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(": mail.from: \"a@b.test, c@d.test\" is not one address"),
        "{out}"
    );
    let site3 = Site::new("");
    let text = fs::read_to_string(&site3.config)
        .expect("read")
        .replace("<postmaster@example.com>", "<postmaster>");
    fs::write(&site3.config, text).expect("write");
    assert_eq!(check(&site3), (0, "configuration ok\n".to_string()));

    // Warnings: the configuration works, exit 0.
    let site4 = Site::new("");
    fs::remove_file(site4.dir().join("control/virtualdomains")).expect("rm");
    site4.profile("lang.example", "language = \"xx\"\n");
    let out = admin(&site4, &["config", "check"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "qmvc: warning: {}: recipient.virtualdomains: {} does not exist",
            site4.config.display(),
            site4.dir().join("control/virtualdomains").display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "qmvc: warning: {}: language: \"xx\": no locale for this language",
            site4.dir().join("profiles/lang.example.toml").display()
        )),
        "{err}"
    );
}
