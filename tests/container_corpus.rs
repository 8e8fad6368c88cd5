//! rspamd's own archive tests (`test/functional/cases/001_merged/
//! 105_mimetypes.robot`, messages in `../shared/corpus/peer-rspamd`): the
//! member rspamd's assertion names is found by qmvc, and the verdict is
//! the one that assertion implies. Ignored in a plain `cargo test` (the
//! corpus is not part of a user's checkout); `tools/test` runs them.

mod container_support;
mod support;

use container_support::{details, findings, paths, verdict};
use qmvc::verdict::{Condition, Verdict};

fn rspamd(name: &str) -> Vec<u8> {
    let path = support::corpus().join("peer-rspamd/messages").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
#[ignore = "needs ../shared/corpus beside the checkout"]
fn rspamd_corpus_archive_members_are_found() {
    for (file, member) in [
        ("zip.eml", "f.zip/fake.exe"),
        ("zip-doublebad.eml", "f.zip/fake.pdf.exe"),
        ("rar4.eml", "f.rar/fake.exe"),
        ("rar-date-bad-ext.eml", "06.12.2017.gz/06.12.2017.scr"),
    ] {
        let raw = rspamd(file);
        let listed = paths(&raw);
        assert!(listed.iter().any(|p| p == member), "{file}: {listed:?}");
        let found = findings(&raw);
        assert_eq!(
            details(&found, Condition::Filename),
            vec![member],
            "{file}: {found:?}"
        );
        assert_eq!(verdict(&raw), Verdict::Badmail, "{file}: {found:?}");
    }
}

#[test]
#[ignore = "needs ../shared/corpus beside the checkout"]
fn rspamd_corpus_archive_in_archive_is_opened_and_multipart_names_stay_clean() {
    // MIME_ARCHIVE_IN_ARCHIVE `.zip.gz|zip`: the zip inside the gzip is
    // found and opened in turn.
    let raw = rspamd("f.zip.gz.eml");
    let listed = paths(&raw);
    assert!(listed.iter().any(|p| p == "f.zip.gz/f.zip"), "{listed:?}");
    assert!(
        listed.iter().any(|p| p.starts_with("f.zip.gz/f.zip/")),
        "{listed:?}"
    );
    // A volume of a split archive (`.zip.001`) is not an archive inside
    // an archive: rspamd expects nothing, and neither finds qmvc.
    // (The message lacks From and Date: errormail, nothing more.)
    let raw = rspamd("f.zip.001.eml");
    let found = findings(&raw);
    assert!(
        found.iter().all(|f| f.condition == Condition::Errormail),
        "{found:?}"
    );
    assert!(verdict(&raw) <= Verdict::Errormail);
}
