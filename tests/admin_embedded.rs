//! A site with no main file anywhere runs on the embedded default, which
//! has no anti-virus engine: filter mode says so with every message, on
//! stderr (qmail-local's log) and in the `.rep` block.
//!
//! The embedded default writes below /var/qmail/qmvc, so the delivery runs
//! in a private mount namespace with a tmpfs over /var (root only; the
//! machine's own /var is never touched). Skipped, loudly, when not root,
//! without unshare(1), or when this machine has /etc/qmvc/qmvc.toml.

mod support;

use std::path::Path;
use std::process::{Command, Stdio};

use support::{QMVC, message, user_env};

#[test]
fn root_filter_on_the_embedded_default_says_so() {
    let root = nix::unistd::geteuid().is_root();
    let unshare = Path::new("/usr/bin/unshare").exists();
    if !root || !unshare || Path::new("/etc/qmvc/qmvc.toml").exists() {
        eprintln!(
            "SKIPPED root_filter_on_the_embedded_default_says_so: needs root, unshare and no /etc/qmvc/qmvc.toml"
        );
        return;
    }
    let tmp = tempfile::tempdir().expect("tempdir");
    let msg = tmp.path().join("badmail.eml");
    std::fs::write(&msg, message("badmail-exe.eml")).expect("write message");
    // Inside the namespace: a fresh /var, the delivery, then what it wrote.
    let script = r#"mount -t tmpfs qmvc-test /var || exit 97
"$0" < "$1"
echo "rc=$?"
cat /var/qmail/qmvc/log/qmvc.rep"#;
    let mut cmd = Command::new("/usr/bin/unshare");
    cmd.args(["--mount", "--propagation", "private", "sh", "-c", script])
        .arg(QMVC)
        .arg(&msg)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .current_dir(tmp.path())
        .stdin(Stdio::null());
    for (k, v) in user_env("eve@example.org", "joe@example.com") {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run unshare");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(97) {
        eprintln!(
            "SKIPPED root_filter_on_the_embedded_default_says_so: cannot mount a tmpfs here: {stderr}"
        );
        return;
    }
    assert!(stdout.starts_with("rc=99\n"), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(
            "qmvc: config: no /etc/qmvc/qmvc.toml: using the embedded default configuration"
        ),
        "{stderr}"
    );
    assert!(
        stdout
            .contains("\nconfig: no /etc/qmvc/qmvc.toml: using the embedded default configuration"),
        "{stdout}"
    );
}
