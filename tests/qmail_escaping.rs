//! One escaping rule per place, the same everywhere: a bidi override in an
//! attachment name shows as `<U+202E>` in `check`, `quarantine list` and
//! `show`, the quarantine file's `X-Qmvc-Finding:` and the `.rep` block,
//! never raw and never as a Rust debug escape; quotes in a detail stay
//! quotes; a type declared as itself is not "declared as" itself.

mod support;

use std::fs;

use support::{Site, Stdin, admin, data, message, stdout, virtualdomain_env};

const RAW: char = '\u{202E}';

#[test]
fn a_bidi_name_reads_the_same_everywhere() {
    let site = Site::new("");
    let env = virtualdomain_env("alice@example.org", "example-com", "info", "example.com");
    let run = site.run(&message("badmail-bidi-name.eml"), &env, &[], Stdin::File);
    assert_eq!(run.code, 99, "{run:?}");
    let stored = fs::read_to_string(&site.quarantine("new")[0]).expect("stored");
    let finding = stored
        .lines()
        .find(|l| l.starts_with("X-Qmvc-Finding: filename"))
        .expect("finding line");
    assert!(finding.contains("photo<U+202E>gpj.zip"), "{finding}");
    let rep = site.rep();
    assert!(rep.contains("photo<U+202E>gpj.zip"), "{rep}");
    assert!(!rep.contains(RAW), "raw U+202E in qmvc.rep");

    let list = stdout(&admin(&site, &["quarantine", "list"]));
    assert!(list.contains("photo<U+202E>gpj.zip"), "{list}");
    let id = support::log_id(&site.log_lines()[0]);
    let show = stdout(&admin(&site, &["quarantine", "show", &id]));
    assert!(show.contains("photo<U+202E>gpj.zip"), "{show}");
    for text in [&list, &show] {
        assert!(!text.contains(RAW) && !text.contains("\\u{"), "{text}");
    }

    let out = admin(
        &site,
        &[
            "check",
            &data("badmail-bidi-name.eml").display().to_string(),
        ],
    );
    let check = stdout(&out);
    assert!(check.contains("photo<U+202E>gpj.zip"), "{check}");
    assert!(!check.contains(RAW) && !check.contains("\\u{"), "{check}");
}

#[test]
fn details_read_as_written() {
    let site = Site::new("");
    // An executable declared as what it is.
    let honest = site.dir().join("honest.eml");
    fs::write(
        &honest,
        "From: a@example.org\nTo: b@example.com\nSubject: tool\nMIME-Version: 1.0\n\
         Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nhi\n\
         --b\nContent-Type: application/x-msdownload; name=\"tool.bin\"\n\
         Content-Transfer-Encoding: base64\n\nTVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAA\n--b--\n",
    )
    .expect("write");
    let files = [
        data("errormail-unclosed-boundary.eml"),
        data("badmail-exe.eml"),
        honest,
    ];
    let args: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let mut argv = vec!["check"];
    argv.extend(args.iter().map(String::as_str));
    let text = stdout(&admin(&site, &argv));
    assert!(
        text.contains("closing boundary \"=_qmvc_b1\" missing"),
        "{text}"
    );
    assert!(!text.contains("\\\""), "{text}");
    assert!(text.contains("application/x-msdownload"), "{text}");
    for line in text.lines() {
        if let Some((detected, declared)) = line
            .split_once(": ")
            .and_then(|(_, d)| d.split_once(" declared as "))
        {
            let declared = declared.split(' ').next().unwrap_or_default();
            assert_ne!(detected.trim(), declared, "{line}");
        }
    }
}

#[test]
fn notify_preview_prints_the_words_not_quoted_printable() {
    let site = Site::new("");
    let file = data("badmail-exe.eml").display().to_string();
    let out = admin(
        &site,
        &[
            "notify",
            "preview",
            "--audience",
            "recipient",
            "--lang",
            "de",
            &file,
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(text.contains("Quarantäne"), "{text}");
    assert!(
        text.contains("\nContent-Transfer-Encoding: 8bit\n"),
        "{text}"
    );
    assert!(!text.contains("=C3=A4") && !text.contains("=\n"), "{text}");
}
