//! `qmvc notify preview` as an administrator runs it: the negotiated
//! language shows in the report's Content-Language header, and stderr says
//! when the profile would not send the report.

mod support;

use std::process::Command;

use support::{QMVC, Site, data};

fn preview(site: &Site, sender: &str) -> (String, String) {
    let out = Command::new(QMVC)
        .args([
            "notify",
            "preview",
            "--audience",
            "sender",
            "--sender",
            sender,
            "--recipient",
            "bob@example.com",
        ])
        .arg(data("badmail-exe.eml"))
        .env("QMVC_CONFIG", &site.config)
        .output()
        .expect("run qmvc");
    assert!(out.status.success(), "{out:?}");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn sender_report_language_follows_the_sender_domain() {
    let site = Site::new("");
    for (sender, lang) in [
        ("alice@example.de", "de, en"),
        ("a@example.com.br", "pt, en"),
        ("a@example.com", "en"),
    ] {
        let (report, warning) = preview(&site, sender);
        assert!(
            report.contains(&format!("\nContent-Language: {lang}\n")),
            "{sender}: {report}"
        );
        assert!(report.contains(&format!("\nTo: <{sender}>\n")), "{report}");
        // Sender reports are off in the default profile: preview says so.
        assert!(warning.contains("would not send"), "{warning}");
    }
}

#[test]
fn no_warning_when_the_profile_sends_the_report() {
    let site = Site::new("");
    site.profile("default", "[reactions]\nsender = [\"badmail\"]\n");
    let (report, warning) = preview(&site, "a@example.fr");
    assert!(report.contains("\nContent-Language: fr, en\n"), "{report}");
    assert_eq!(warning, "");
}

fn run(site: &Site, args: &[&str]) -> (i32, String, String) {
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

/// A clean message causes no report: every audience gets the same one
/// line on stderr, nothing on stdout, exit 0 (the recipient and sender
/// templates have no sentence for a clean verdict and failed to render).
#[test]
fn preview_of_a_clean_message_says_no_report_for_every_audience() {
    let site = Site::new("");
    let file = data("clean-plain.eml").display().to_string();
    for audience in ["guard", "recipient", "sender"] {
        let (code, out, err) = run(
            &site,
            &[
                "notify",
                "preview",
                "--audience",
                audience,
                "--sender",
                "alice@example.org",
                "--recipient",
                "bob@example.com",
                &file,
            ],
        );
        assert_eq!(
            (code, out.as_str(), err.as_str()),
            (
                0,
                "",
                "qmvc: the message is clean: no report would be sent\n"
            ),
            "{audience}"
        );
    }
}

/// `--lang` names the language the report is written in: a regional tag
/// gets its language's text and says so; a language with no locale gets
/// the profile's language, in the header too, with a note on stderr.
#[test]
fn preview_content_language_names_the_language_used() {
    let site = Site::new("");
    site.profile("default", "[reactions]\nsender = [\"badmail\"]\n");
    let file = data("badmail-exe.eml").display().to_string();
    for (lang, header, note) in [
        ("de-AT", "de", false),
        ("zh-TW", "zh", false),
        ("xx", "en", true),
        ("sr", "en", true),
    ] {
        let (code, out, err) = run(
            &site,
            &[
                "notify",
                "preview",
                "--audience",
                "sender",
                "--lang",
                lang,
                "--sender",
                "alice@example.org",
                "--recipient",
                "bob@example.com",
                &file,
            ],
        );
        assert_eq!(code, 0, "{err}");
        assert!(
            out.contains(&format!("\nContent-Language: {header}\n")),
            "{lang}: {out}"
        );
        if note {
            assert_eq!(
                err,
                format!("qmvc: --lang {lang}: no report language matches; the report is in en\n"),
                "{lang}"
            );
        } else {
            assert_eq!(err, "", "{lang}");
        }
    }
}

/// `--recipient` is taken as qmail-local's `RECIPIENT`, as filter mode
/// takes it: in a virtual domain the report goes to the address the user
/// knows, the prefix control/virtualdomains gives the domain taken off.
#[test]
fn preview_recipient_follows_the_virtualdomains_rule() {
    let site = Site::new("");
    let file = data("badmail-exe.eml").display().to_string();
    let (code, out, err) = run(
        &site,
        &[
            "notify",
            "preview",
            "--audience",
            "recipient",
            "--recipient",
            "example-com-info@example.com",
            &file,
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\nTo: <info@example.com>\n"), "{out}");
}

/// Without `--sender`, preview takes the envelope sender as `check` does
/// (the file's Return-Path, else an ordinary stand-in): a file without
/// one is not judged as a bounce. With the null-sender condition on, the
/// clean message stays clean; `--sender ''` asks for the null sender.
#[test]
fn preview_without_sender_takes_it_as_check_does() {
    let site = Site::new("");
    site.profile("default", "[conditions.nullsender]\nenabled = true\n");
    let file = data("clean-plain.eml").display().to_string();
    let base = [
        "notify",
        "preview",
        "--audience",
        "guard",
        "--recipient",
        "bob@example.com",
    ];
    let (code, out, err) = run(&site, &[&base[..], &[file.as_str()]].concat());
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            0,
            "",
            "qmvc: the message is clean: no report would be sent\n"
        )
    );
    let (code, out, _) = run(
        &site,
        &[&base[..], &["--sender", "", file.as_str()]].concat(),
    );
    assert_eq!(code, 0);
    assert!(out.contains("null sender"), "{out}");
}
