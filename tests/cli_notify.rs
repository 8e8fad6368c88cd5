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
