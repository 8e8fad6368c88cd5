//! The address the user knows, in the four layouts a qmail site delivers
//! through, with the environment qmail-local really sets (measured under a
//! real qmail-local): a plain user, a plain user's extension address, a
//! virtual domain served by `~alias/.qmail-PREFIX-default`, and a vpopmail
//! domain. The built binary runs as qmail-local runs it; the log line, the
//! `.rep` block, the recipient's incident report and `quarantine show` /
//! `release` must all name the same, right address.

mod support;

use support::{
    Site, Stdin, admin, message, qmail_env, set, stdout, user_env, virtualdomain_env, vpopmail_env,
};

/// control/virtualdomains of the test site: a virtual domain, a vpopmail
/// domain, a virtual user and a local domain's exception.
const VIRTUALDOMAINS: &str = "# qmail control file\nexample.com:example-com\n\
    example.net:example.net\nboss@example.org:bossbox\nexample.org:\n";

/// One delivery of a badmail message and what every output says.
struct Seen {
    log: String,
    rep: String,
    reported_to: Vec<String>,
    show: String,
    released_to: Vec<String>,
}

fn deliver(env: &[(String, String)]) -> Seen {
    let site = Site::new("");
    site.virtualdomains(VIRTUALDOMAINS);
    let run = site.run(&message("badmail-exe.eml"), env, &[], Stdin::File);
    assert_eq!(run.code, 99, "{run:?}");
    let log = site.log_lines().pop().expect("a log line");
    let reported_to = site
        .sent()
        .into_iter()
        .filter_map(|(args, _)| args.last().cloned())
        .collect();
    let id = log.rsplit_once("|id:").expect("id").1.to_string();
    let show = stdout(&admin(&site, &["quarantine", "show", &id]));
    for entry in std::fs::read_dir(site.dir().join("sent")).expect("sent/") {
        std::fs::remove_file(entry.expect("entry").path()).expect("rm");
    }
    // A release reads the address from the file, whatever control files
    // say by then.
    site.virtualdomains("");
    let out = admin(&site, &["quarantine", "release", &id]);
    assert!(out.status.success(), "{out:?}");
    let released_to = site
        .sent()
        .into_iter()
        .filter_map(|(args, _)| args.last().cloned())
        .collect();
    Seen {
        log,
        rep: site.rep(),
        reported_to,
        show,
        released_to,
    }
}

fn assert_everywhere(seen: &Seen, address: &str, recipient: &str) {
    let fields: Vec<&str> = seen.log.split('|').collect();
    assert_eq!(fields[3], address, "{}", seen.log);
    assert!(
        seen.rep
            .contains(&format!("\nrecipient: {address} (RECIPIENT {recipient})\n")),
        "{}",
        seen.rep
    );
    assert_eq!(seen.reported_to, [address], "recipient report");
    assert!(
        seen.show.contains(&format!("\nrecipient: {address}\n")),
        "{}",
        seen.show
    );
    assert!(
        seen.show.contains(&format!("\nrelease to: {address}\n")),
        "{}",
        seen.show
    );
    assert_eq!(seen.released_to, [address], "release");
}

#[test]
fn plain_user() {
    let seen = deliver(&user_env("alice@example.org", "joe@example.edu"));
    assert_everywhere(&seen, "joe@example.edu", "joe@example.edu");
}

#[test]
fn plain_users_extension_address_is_not_cut() {
    // ~joe/.qmail-default for joe-lists@example.edu.
    let mut env = qmail_env("alice@example.org", "joe-lists", "example.edu", "lists");
    set(&mut env, "USER", "joe");
    set(&mut env, "HOME", "/home/joe");
    let seen = deliver(&env);
    assert_everywhere(&seen, "joe-lists@example.edu", "joe-lists@example.edu");
}

#[test]
fn virtualdomain_through_alias() {
    let env = virtualdomain_env("alice@example.org", "example-com", "info", "example.com");
    let seen = deliver(&env);
    assert_everywhere(&seen, "info@example.com", "example-com-info@example.com");
}

#[test]
fn virtualdomain_address_with_dashes_and_case() {
    let env = virtualdomain_env(
        "alice@example.org",
        "example-com",
        "sales-team",
        "Example.COM",
    );
    let seen = deliver(&env);
    assert_everywhere(
        &seen,
        "sales-team@Example.COM",
        "example-com-sales-team@Example.COM",
    );
}

#[test]
fn vpopmail_domain() {
    let seen = deliver(&vpopmail_env("alice@example.org", "info", "example.net"));
    assert_everywhere(&seen, "info@example.net", "example.net-info@example.net");
}

#[test]
fn virtual_user_and_an_exempt_domain() {
    // boss@example.org:bossbox, a virtual user.
    let env = virtualdomain_env("alice@example.org", "bossbox", "boss", "example.org");
    assert_everywhere(
        &deliver(&env),
        "boss@example.org",
        "bossbox-boss@example.org",
    );
    // example.org: (empty prefix): nothing was put in front of bossbox-x.
    let env = qmail_env("alice@example.org", "bossbox-x", "example.org", "x");
    assert_everywhere(
        &deliver(&env),
        "bossbox-x@example.org",
        "bossbox-x@example.org",
    );
}

#[test]
fn a_virtual_domains_prefix_on_another_domain_is_kept() {
    // example-com-info@example.edu is a plain user "example"'s extension.
    let env = qmail_env(
        "alice@example.org",
        "example-com-info",
        "example.edu",
        "com-info",
    );
    let seen = deliver(&env);
    assert_everywhere(
        &seen,
        "example-com-info@example.edu",
        "example-com-info@example.edu",
    );
}

#[test]
fn local_domains_are_never_virtual() {
    let site = Site::new("");
    site.virtualdomains(":catchall\n");
    std::fs::write(site.dir().join("control/locals"), "example.edu\n").expect("locals");
    let env = qmail_env(
        "alice@example.org",
        "catchall-lists",
        "example.edu",
        "lists",
    );
    let run = site.run(&message("clean-plain.eml"), &env, &[], Stdin::File);
    assert_eq!(run.code, 0, "{run:?}");
    let log = site.log_lines().pop().expect("a log line");
    assert_eq!(log.split('|').nth(3), Some("catchall-lists@example.edu"));
    let env = qmail_env(
        "alice@example.org",
        "catchall-lists",
        "example.info",
        "lists",
    );
    site.run(&message("clean-plain.eml"), &env, &[], Stdin::File);
    let log = site.log_lines().pop().expect("a log line");
    assert_eq!(log.split('|').nth(3), Some("lists@example.info"));
}

#[test]
fn unreadable_virtualdomains_defers_rather_than_guess() {
    let site = Site::new("");
    let path = site.dir().join("control/virtualdomains");
    std::fs::remove_file(&path).expect("rm");
    std::fs::create_dir(&path).expect("a directory where the file should be");
    let env = virtualdomain_env("alice@example.org", "example-com", "info", "example.com");
    let run = site.run(&message("badmail-exe.eml"), &env, &[], Stdin::File);
    run.assert_defers_with("virtualdomains");
    assert!(site.quarantine("new").is_empty());
    let out = admin(&site, &["config", "check"]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(
        stdout(&out).contains("recipient.virtualdomains: cannot read qmail control file"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn recipient_mode_keeps_qmails_address() {
    let site = Site::new("");
    site.write_config("");
    let text = std::fs::read_to_string(&site.config).expect("config");
    std::fs::write(
        &site.config,
        text.replace("[recipient]\n", "[recipient]\nmode = \"recipient\"\n"),
    )
    .expect("config");
    let env = virtualdomain_env("alice@example.org", "example-com", "info", "example.com");
    site.run(&message("clean-plain.eml"), &env, &[], Stdin::File);
    let log = site.log_lines().pop().expect("a log line");
    assert_eq!(log.split('|').nth(3), Some("example-com-info@example.com"));
}
