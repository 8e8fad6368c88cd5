//! `[conditions.archives]` as an administrator meets it: `config show`
//! prints it, `config check` refuses bad values, and a profile's choices
//! (formats opened, member extension list, caps) change what is found.

mod container_support;
mod support;

use container_support::{details, pe, with_attachment};
use qmvc::envelope::Envelope;
use qmvc::message::{self, Limits};
use qmvc::rules::spec::ConditionsSpec;
use qmvc::rules::{self, Conditions};
use qmvc::verdict::{Condition, Finding};
use support::{Site, admin, stderr, stdout};

#[test]
fn config_show_prints_the_archives_table_with_its_defaults() {
    let site = Site::new("");
    let out = admin(&site, &["config", "show"]);
    let text = stdout(&out);
    assert!(text.contains("[conditions.archives]"), "{text}");
    for key in [
        "extensions = \"attachments\"",
        "max_members = 1000",
        "max_depth = 4",
        "max_bytes = 67108864",
        "max_ratio = 200",
        "\"udf\"",
    ] {
        assert!(text.contains(key), "{key} missing:\n{text}");
    }
}

#[test]
fn config_check_refuses_bad_archive_settings() {
    for (table, key) in [
        ("max_members = 0", "conditions.archives.max_members"),
        ("max_depth = 0", "conditions.archives.max_depth"),
        ("max_bytes = 10", "conditions.archives.max_bytes"),
        ("max_ratio = 0", "conditions.archives.max_ratio"),
        ("extensions = \"mine\"", "conditions.archives.extensions"),
        (
            "extensions = [\"ok\", \"a/b\"]",
            "conditions.archives.extensions[1]",
        ),
        (
            "formats = [\"zip\", \"arj\"]",
            "conditions.archives.formats",
        ),
    ] {
        let site = Site::new("");
        site.profile("default", &format!("[conditions.archives]\n{table}\n"));
        let out = admin(&site, &["config", "check"]);
        assert!(!out.status.success(), "{table}: accepted");
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(text.contains(key), "{table}: {key} not named in\n{text}");
    }
}

fn conditions(toml_text: &str) -> Conditions {
    let spec: ConditionsSpec = toml::from_str(toml_text).expect("conditions toml");
    let (conditions, problems) = Conditions::compile(&spec, None);
    assert!(problems.is_empty(), "{problems:?}");
    conditions
}

fn judge(raw: &[u8], conditions: &Conditions) -> Vec<Finding> {
    let message = message::parse(raw, &Limits::default());
    let envelope = Envelope::for_check("bob@example.org", "alice@example.com");
    rules::evaluate(&message, &envelope, conditions)
}

/// A stored zip of one member, made here (the `zip` crate is not a dev
/// dependency; a stored member needs no compression).
fn stored_zip(name: &str, content: &[u8]) -> Vec<u8> {
    let crc = crc32fast::hash(content);
    let mut out = Vec::new();
    let local = |out: &mut Vec<u8>| {
        out.extend_from_slice(b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0");
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&(content.len() as u32).to_le_bytes());
        out.extend_from_slice(&(content.len() as u32).to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(name.as_bytes());
    };
    local(&mut out);
    out.extend_from_slice(content);
    let cd_start = out.len();
    out.extend_from_slice(b"PK\x01\x02\x14\0\x14\0\0\0\0\0\0\0\0\0");
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&(content.len() as u32).to_le_bytes());
    out.extend_from_slice(&(content.len() as u32).to_le_bytes());
    out.extend_from_slice(&(name.len() as u16).to_le_bytes());
    out.extend_from_slice(&[0; 12]);
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(name.as_bytes());
    let cd_len = out.len() - cd_start;
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0\x01\0\x01\0");
    out.extend_from_slice(&(cd_len as u32).to_le_bytes());
    out.extend_from_slice(&(cd_start as u32).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[test]
fn formats_left_out_are_not_opened() {
    let raw = with_attachment("a.zip", &stored_zip("run.exe", &pe()));
    let all = conditions("[filename]\nenabled = true\nextensions = [\"exe\"]\n");
    assert_eq!(
        details(&judge(&raw, &all), Condition::Filename),
        vec!["a.zip/run.exe"]
    );
    let no_zip = conditions(
        "[filename]\nenabled = true\nextensions = [\"exe\"]\n[archives]\nformats = [\"tar\", \"7z\"]\n",
    );
    assert!(details(&judge(&raw, &no_zip), Condition::Filename).is_empty());
    let off = conditions(
        "[filename]\nenabled = true\nextensions = [\"exe\"]\n[archives]\nenabled = false\n",
    );
    assert!(judge(&raw, &off).is_empty());
}

#[test]
fn members_may_have_an_extension_list_of_their_own() {
    let own = conditions(
        "[filename]\nenabled = true\nextensions = [\"exe\", \"zip\"]\n[archives]\nextensions = [\"js\"]\n",
    );
    // The attachment meets the attachment list...
    let raw = with_attachment("a.zip", &stored_zip("run.exe", b"text"));
    assert_eq!(
        details(&judge(&raw, &own), Condition::Filename),
        vec!["a.zip"]
    );
    // ...its members the list of their own.
    let raw = with_attachment("a.dat", &stored_zip("docs/run.JS", b"text"));
    assert_eq!(
        details(&judge(&raw, &own), Condition::Filename),
        vec!["a.dat/docs/run.JS"]
    );
}

#[test]
fn a_member_name_with_a_nul_or_raw_bytes_still_meets_the_rules() {
    let rules = conditions("[filename]\nenabled = true\nextensions = [\"exe\"]\n");
    let raw = with_attachment("a.zip", &stored_zip("invoice.exe\0.pdf", b"x"));
    assert_eq!(details(&judge(&raw, &rules), Condition::Filename).len(), 1);
    let raw = with_attachment("a.zip", &stored_zip("rechnung\u{202E}fdp.exe", b"x"));
    assert!(!details(&judge(&raw, &rules), Condition::Filename).is_empty());
}
