//! The qmail-local contract of filter mode, end to end through the built
//! binary: exit codes, the log line, the quarantine Maildir, the report
//! block, forwards through the inject program, deferral on every failure.

mod support;

use std::fs;

use support::{Site, Stdin, data, qmail_env};

fn msg(name: &str) -> Vec<u8> {
    fs::read(data(name)).expect("test message")
}

fn fields(line: &str) -> Vec<&str> {
    line.split('|').collect()
}

#[test]
fn clean_message_passes_and_writes_only_the_log_line() {
    let site = Site::new("");
    let run = site.deliver(
        &msg("clean-plain.eml"),
        "alice@example.org",
        "bob@example.com",
    );
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(run.stdout, "");
    let log = site.log_lines();
    assert_eq!(log.len(), 1, "{log:?}");
    let f = fields(&log[0]);
    assert_eq!(f.len(), 12, "{}", log[0]);
    assert!(f[0].starts_with("qmvc pid:"));
    assert_eq!(f[2], "alice@example.org");
    assert_eq!(f[3], "bob@example.com");
    assert_eq!(f[4], "default");
    assert_eq!(f[5], "E:0+S:0+B:0+F:0+T:0+M:0+N:0+U:0+V:0");
    assert_eq!(f[6], "-");
    assert_eq!(f[7], "A:pass");
    assert_eq!(f[8], "RC:0");
    // The id and the last field name the delivery host.
    let host = f[11].strip_prefix("host:").expect("host field");
    assert!(!host.is_empty());
    assert!(f[10].ends_with(&format!(".{host}")), "{}", f[10]);
    assert!(site.quarantine("new").is_empty());
    assert_eq!(site.rep(), "");
    assert!(site.sent().is_empty());
}

#[test]
fn badmail_is_quarantined_before_exit_99() {
    let site = Site::new("");
    let original = msg("badmail-exe.eml");
    let run = site.deliver(&original, "alice@example.org", "bob@example.com");
    assert_eq!(run.code, 99, "{run:?}");
    let new = site.quarantine("new");
    assert_eq!(new.len(), 1);
    assert!(site.quarantine("tmp").is_empty());
    let stored = fs::read(&new[0]).expect("quarantine file");
    let text = String::from_utf8_lossy(&stored);
    assert!(
        text.starts_with(
            "Return-Path: <alice@example.org>\nDelivered-To: bob@example.com\nX-Qmvc-Incident: "
        ),
        "{text}"
    );
    assert!(text.contains("\nX-Qmvc-Verdict: badmail\n"));
    assert!(
        text.contains("\nX-Qmvc-Finding: filename part 2: invoice.exe"),
        "{text}"
    );
    assert!(
        stored.ends_with(&original),
        "the original follows byte for byte"
    );
    let log = site.log_lines();
    let f = fields(&log[0]);
    assert_eq!(f[7], "A:quarantine");
    assert_eq!(f[8], "RC:99");
    assert!(f[5].contains("+F:1+"), "{}", f[5]);
    let id = f[10].trim_start_matches("id:");
    assert!(text.contains(&format!("X-Qmvc-Incident: {id}\n")));
    let rep = site.rep();
    assert!(
        rep.contains(&format!("--- qmvc incident {id} ---")),
        "{rep}"
    );
    assert!(
        rep.contains("finding: filename part 2: invoice.exe"),
        "{rep}"
    );
    let name = new[0]
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    assert!(rep.contains(&format!("quarantine file {name}")), "{rep}");
}

#[test]
fn bounce_profile_exits_100_with_the_reason() {
    let site = Site::new("");
    site.profile("default", "[actions]\nbadmail = \"bounce\"\n");
    let run = site.deliver(
        &msg("badmail-exe.eml"),
        "alice@example.org",
        "bob@example.com",
    );
    assert_eq!(run.code, 100, "{run:?}");
    assert_eq!(
        run.stdout,
        "qmvc: attachment \"invoice.exe\" is not accepted here (#5.7.1)\n"
    );
    assert!(site.quarantine("new").is_empty());
    assert!(site.log_lines()[0].contains("|A:bounce|RC:100|"));
}

#[test]
fn forward_injects_to_the_address_then_exits_99() {
    let site = Site::new("");
    site.profile(
        "default",
        "[actions]\nbadmail = \"forward\"\nforward_to = \"guard@example.com\"\n",
    );
    let original = msg("badmail-exe.eml");
    let run = site.deliver(&original, "alice@example.org", "bob@example.com");
    assert_eq!(run.code, 99, "{run:?}");
    // The forward, plus the recipient's incident report.
    let sent = site.sent();
    let forwards: Vec<_> = sent
        .iter()
        .filter(|(args, _)| args.last().is_some_and(|a| a == "guard@example.com"))
        .collect();
    assert_eq!(forwards.len(), 1, "{sent:?}");
    assert_eq!(forwards[0].0, ["-f", "", "-a", "--", "guard@example.com"]);
    assert!(forwards[0].1.ends_with(&original));
    assert!(site.quarantine("new").is_empty());
}

#[test]
fn failing_forward_defers() {
    let site = Site::new("");
    site.profile(
        "default",
        "[actions]\nbadmail = \"forward\"\nforward_to = \"guard@example.com\"\n",
    );
    fs::write(site.dir().join("bin/inject"), "#!/bin/sh\nexit 1\n").expect("write");
    let run = site.deliver(
        &msg("badmail-exe.eml"),
        "alice@example.org",
        "bob@example.com",
    );
    assert_eq!(run.code, 111, "{run:?}");
    assert!(run.stdout.ends_with("(#4.3.0)\n"), "{}", run.stdout);
}

#[test]
fn drop_exits_99_and_stores_nothing() {
    let site = Site::new("");
    site.profile("default", "[actions]\nbadmail = \"drop\"\n");
    let run = site.deliver(
        &msg("badmail-iloveyou.eml"),
        "alice@example.org",
        "bob@example.com",
    );
    assert_eq!(run.code, 99, "{run:?}");
    assert!(site.quarantine("new").is_empty());
    assert!(site.log_lines()[0].contains("|A:drop|RC:99|"));
}

#[test]
fn broken_main_file_defers_with_one_line() {
    let site = Site::new("[nonsense\n");
    let run = site.deliver(&msg("clean-plain.eml"), "a@b", "c@d");
    assert_eq!(run.code, 111, "{run:?}");
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(
        run.stdout.starts_with("qmvc: ") && run.stdout.ends_with("(#4.3.0)\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn missing_main_file_named_by_qmvc_config_defers() {
    let site = Site::new("");
    fs::remove_file(&site.config).expect("rm");
    let run = site.deliver(&msg("clean-plain.eml"), "a@b", "c@d");
    assert_eq!(run.code, 111, "{run:?}");
}

#[test]
fn broken_profile_defers() {
    let site = Site::new("");
    site.profile(
        "default",
        "[conditions.subject]\nrules = [ { pattern = \"(unclosed\" } ]\n",
    );
    let run = site.deliver(&msg("clean-plain.eml"), "a@b", "c@example.com");
    assert_eq!(run.code, 111, "{run:?}");
    assert!(site.log_lines().is_empty());
}

#[test]
fn unknown_flag_in_the_dot_qmail_line_defers() {
    let site = Site::new("");
    let env = qmail_env("a@b", "c", "example.com", "");
    let run = site.run(
        &msg("clean-plain.eml"),
        &env,
        &["--frobnicate"],
        Stdin::File,
    );
    assert_eq!(run.code, 111, "{run:?}");
    assert!(
        run.stdout.contains("--frobnicate") && run.stdout.ends_with("(#4.3.0)\n"),
        "{}",
        run.stdout
    );
    let run = site.run(
        &msg("clean-plain.eml"),
        &env,
        &["filter", "extra"],
        Stdin::File,
    );
    assert_eq!(run.code, 111, "{run:?}");
}

#[test]
fn filter_subcommand_and_pipe_stdin_work() {
    let site = Site::new("");
    let original = msg("badmail-exe.eml");
    let env = qmail_env("a@example.org", "bob", "example.com", "");
    let run = site.run(&original, &env, &["filter"], Stdin::Pipe);
    assert_eq!(run.code, 99, "{run:?}");
    let stored = fs::read(&site.quarantine("new")[0]).expect("stored");
    assert!(stored.ends_with(&original));
}

#[test]
fn virtualdomain_recipient_is_the_address_the_user_knows() {
    let site = Site::new("");
    let env = qmail_env("a@example.org", "example-com-info", "example.com", "info");
    let run = site.run(&msg("clean-plain.eml"), &env, &[], Stdin::File);
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(fields(&site.log_lines()[0])[3], "info@example.com");
}

#[test]
fn hostile_sender_cannot_forge_log_fields_or_lines() {
    let site = Site::new("");
    let env = qmail_env("x|y\nqmvc pid:1|forged", "bob", "example.com", "");
    let run = site.run(&msg("badmail-exe.eml"), &env, &[], Stdin::File);
    assert_eq!(run.code, 99, "{run:?}");
    let log = site.log_lines();
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(fields(&log[0]).len(), 12);
    let stored = fs::read_to_string(&site.quarantine("new")[0]).unwrap_or_default();
    // `|` is a legal address character; CR and LF are what must not pass.
    assert!(
        stored.starts_with("Return-Path: <x|y?qmvc?pid:1|forged>\nDelivered-To: "),
        "{stored}"
    );
}

#[test]
fn unwritable_quarantine_defers_and_stores_nothing() {
    let site = Site::new("");
    // A plain file where the quarantine directory should be.
    fs::write(site.dir().join("quarantine"), b"").expect("write");
    let run = site.deliver(&msg("badmail-exe.eml"), "a@b", "c@d");
    assert_eq!(run.code, 111, "{run:?}");
    assert!(
        run.stdout.starts_with("qmvc: cannot write quarantine "),
        "{}",
        run.stdout
    );
}

#[test]
fn unwritable_log_defers_even_a_clean_message() {
    let site = Site::new("");
    fs::write(site.dir().join("log"), b"").expect("write");
    let run = site.deliver(&msg("clean-plain.eml"), "a@b", "c@d");
    assert_eq!(run.code, 111, "{run:?}");
    assert!(
        run.stdout.starts_with("qmvc: cannot write log "),
        "{}",
        run.stdout
    );
}

#[test]
fn unwritable_log_after_quarantine_retracts_the_file() {
    let site = Site::new("");
    fs::write(site.dir().join("log"), b"").expect("write");
    let run = site.deliver(&msg("badmail-exe.eml"), "a@b", "c@d");
    assert_eq!(run.code, 111, "{run:?}");
    assert!(
        site.quarantine("new").is_empty(),
        "a retry must not store the message twice"
    );
}

/// Filter mode without qmail-local's environment (`qmvc < msg` typed by
/// hand, another delivery agent): no `RECIPIENT` means nobody to deliver
/// to, and a missing `SENDER` is not the null sender (qmail-local sets it,
/// empty for a bounce). Both defer with one line saying so; nothing is
/// quarantined or logged.
#[test]
fn filter_mode_without_qmail_locals_environment_defers() {
    let site = Site::new("");
    let full = qmail_env("a@example.org", "bob", "example.com", "");
    let without = |name: &str| -> Vec<(String, String)> {
        full.iter().filter(|(k, _)| k != name).cloned().collect()
    };
    let mut empty_recipient = full.clone();
    support::set(&mut empty_recipient, "RECIPIENT", "");
    for (env, missing) in [
        (Vec::new(), "RECIPIENT"),
        (without("RECIPIENT"), "RECIPIENT"),
        (empty_recipient, "RECIPIENT"),
        (without("SENDER"), "SENDER"),
    ] {
        let run = site.run(&msg("badmail-exe.eml"), &env, &[], Stdin::File);
        run.assert_defers_with(&format!(
            "qmail-local's environment is missing ({missing} is not set)"
        ));
    }
    assert!(site.quarantine("new").is_empty());
    assert!(site.log_lines().is_empty());
    // The null sender is an empty SENDER, and is judged.
    let run = site.run(
        &msg("badmail-exe.eml"),
        &qmail_env("", "bob", "example.com", ""),
        &[],
        Stdin::File,
    );
    assert_eq!(run.code, 99, "{run:?}");
}
