//! Work files are mode 0600 in 0700 directories, seen by a recording
//! command engine while qmvc runs, also under a permissive umask (000);
//! and nothing else qmvc creates (log, report, quarantine) is open to
//! other users either.

mod security_support;
mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use security_support::{recording_engine, recording_site, scans, tree};
use support::{Site, Stdin, qmail_env};

/// Delivers a message with an attachment (quarantined for its `.exe`
/// name, scanned anyway) under `umask`, and returns the site.
fn deliver_under_umask(umask: &str) -> Site {
    let site = recording_site(|s| recording_engine(s, "rec", &[], "{dir}"));
    site.profile("default", "[scan]\nbypass = false\n");
    let message = support::data("badmail-exe.eml");
    let message = std::fs::read(message).expect("read");
    let script = format!("umask {umask}; exec \"$@\"");
    let run = site.run_wrapped(
        &["/bin/sh", "-c", &script, "sh"],
        &message,
        &qmail_env("a@example.org", "bob", "example.com", ""),
        &[],
        Stdin::File,
    );
    assert_eq!(run.code, 99, "{run:?}");
    site
}

fn assert_private_work_files(site: &Site) {
    let scans = scans(site);
    assert_eq!(scans.len(), 1, "{scans:?}");
    let tree = &scans[0].tree;
    let work = site.dir().join("work").display().to_string();
    assert!(tree.iter().any(|e| e.path == work), "{tree:?}");
    assert!(
        tree.iter().filter(|e| e.kind == 'f').count() >= 2,
        "{tree:?}"
    );
    for e in tree {
        match e.kind {
            'd' => assert_eq!(e.mode, 0o700, "{e:?}"),
            'f' => assert_eq!(e.mode, 0o600, "{e:?}"),
            _ => panic!("neither file nor directory: {e:?}"),
        }
    }
}

/// Every path qmvc wrote in the site (not the test's own files) allows
/// nothing to group or others.
fn assert_nothing_open_to_others(site: &Site) {
    let mut checked = 0;
    for top in ["log", "quarantine", "work", "state"] {
        let root = site.dir().join(top);
        if !root.exists() {
            continue;
        }
        for p in std::iter::once(root.clone()).chain(tree(&root)) {
            let mode = std::fs::symlink_metadata(&p)
                .expect("stat")
                .permissions()
                .mode();
            assert_eq!(mode & 0o077, 0, "{} is {:o}", p.display(), mode & 0o7777);
            checked += 1;
        }
    }
    // log/, qmvc.log, qmvc.rep, quarantine/{,tmp,new,cur}, the file, work/.
    assert!(checked >= 9, "{checked}");
    assert!(Path::new(&site.dir().join("log/qmvc.rep")).exists());
}

#[test]
fn work_files_are_private_under_qmail_locals_umask() {
    let site = deliver_under_umask("077");
    assert_private_work_files(&site);
    assert_nothing_open_to_others(&site);
}

#[test]
fn work_files_are_private_under_a_permissive_umask() {
    let site = deliver_under_umask("000");
    assert_private_work_files(&site);
    assert_nothing_open_to_others(&site);
}
