//! TNEF (`winmail.dat`) streams built here attribute by attribute as
//! [MS-OXTNEF] lays them out (Outlook's order: message attributes, then per
//! attachment `attAttachRendData`, `attAttachTitle`, `attAttachData`,
//! `attAttachment`), read by `qmvc::container::tnef`; the names are
//! cross-checked with Debian's `tnef` program where it is installed.

use qmvc::container::tnef::{SIGNATURE, TnefCut, TnefLimits, attachments};

/// One attribute: level, id (type in the high word), length, data, checksum.
fn attr(level: u8, id: u32, data: &[u8]) -> Vec<u8> {
    let mut a = vec![level];
    a.extend_from_slice(&id.to_le_bytes());
    a.extend_from_slice(&u32::try_from(data.len()).expect("len").to_le_bytes());
    a.extend_from_slice(data);
    let sum = data.iter().fold(0u16, |s, &b| s.wrapping_add(u16::from(b)));
    a.extend_from_slice(&sum.to_le_bytes());
    a
}

/// A stream: signature, legacy key, the attributes.
fn stream(attrs: &[Vec<u8>]) -> Vec<u8> {
    let mut s = SIGNATURE.to_vec();
    s.extend_from_slice(&[0x01, 0x00]);
    for a in attrs {
        s.extend_from_slice(a);
    }
    s
}

const PT_STRING8: u16 = 0x001E;
const PT_UNICODE: u16 = 0x001F;
const PT_BINARY: u16 = 0x0102;
const PT_OBJECT: u16 = 0x000D;
const PT_LONG: u16 = 0x0003;

/// A MAPI property list; variable-size values get a count of 1.
fn props(list: &[(u16, u16, Vec<u8>)]) -> Vec<u8> {
    let mut p = u32::try_from(list.len())
        .expect("count")
        .to_le_bytes()
        .to_vec();
    for (ty, id, value) in list {
        p.extend_from_slice(&ty.to_le_bytes());
        p.extend_from_slice(&id.to_le_bytes());
        if [PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT].contains(ty) {
            p.extend_from_slice(&1u32.to_le_bytes());
            p.extend_from_slice(&u32::try_from(value.len()).expect("len").to_le_bytes());
        }
        p.extend_from_slice(value);
        p.resize(p.len().next_multiple_of(4), 0);
    }
    p
}

fn unicode(s: &str) -> Vec<u8> {
    s.encode_utf16()
        .chain([0])
        .flat_map(u16::to_le_bytes)
        .collect()
}

fn string8(s: &[u8]) -> Vec<u8> {
    [s, b"\0"].concat()
}

const ATT_TNEF_VERSION: u32 = 0x0008_9006;
const ATT_OEM_CODEPAGE: u32 = 0x0006_9007;
const ATT_MESSAGE_CLASS: u32 = 0x0007_8008;
const ATT_REND_DATA: u32 = 0x0006_9002;
const ATT_TITLE: u32 = 0x0001_8010;
const ATT_DATA: u32 = 0x0006_800F;
const ATT_ATTACHMENT: u32 = 0x0006_9005;

fn header(codepage: u32) -> Vec<Vec<u8>> {
    vec![
        attr(1, ATT_TNEF_VERSION, &0x0001_0000u32.to_le_bytes()),
        attr(
            1,
            ATT_OEM_CODEPAGE,
            &[codepage.to_le_bytes(), [0; 4]].concat(),
        ),
        attr(1, ATT_MESSAGE_CLASS, b"IPM.Microsoft Mail.Note\0"),
    ]
}

/// One attachment as Outlook writes it: 8.3 title, data, then the MAPI
/// properties with the long file name.
fn attachment(title: &[u8], data: &[u8], mapi: &[(u16, u16, Vec<u8>)]) -> Vec<Vec<u8>> {
    vec![
        attr(
            2,
            ATT_REND_DATA,
            &[1, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0],
        ),
        attr(2, ATT_TITLE, &string8(title)),
        attr(2, ATT_DATA, data),
        attr(2, ATT_ATTACHMENT, &props(mapi)),
    ]
}

fn winmail() -> Vec<u8> {
    let mut attrs = header(1252);
    attrs.extend(attachment(
        b"INVOIC~1.EXE",
        b"MZ\x90\x00payload",
        &[
            (PT_UNICODE, 0x3707, unicode("Invoice 2026-11.pdf.exe")),
            (PT_STRING8, 0x3704, string8(b"INVOIC~1.EXE")),
            (PT_STRING8, 0x3703, string8(b".exe")),
            (PT_LONG, 0x3705, 1u32.to_le_bytes().to_vec()),
            (PT_STRING8, 0x370E, string8(b"application/x-msdownload")),
        ],
    ));
    attrs.extend(attachment(
        b"notes.txt",
        b"plain text",
        &[(PT_STRING8, 0x3707, string8(b"notes.txt"))],
    ));
    stream(&attrs)
}

#[test]
fn attachments_get_the_names_outlook_shows() {
    let bytes = winmail();
    let tnef = attachments(&bytes, &TnefLimits::default()).expect("tnef");
    assert_eq!(tnef.cut, None);
    assert_eq!(tnef.attachments.len(), 2);
    let exe = &tnef.attachments[0];
    assert_eq!(
        exe.names,
        ["Invoice 2026-11.pdf.exe", "INVOIC~1.EXE", ".exe"]
    );
    assert_eq!(exe.data, b"MZ\x90\x00payload");
    assert_eq!(exe.mime_type.as_deref(), Some("application/x-msdownload"));
    assert!(!exe.truncated && !exe.message);
    assert_eq!(tnef.attachments[1].names, ["notes.txt"]);
    assert_eq!(tnef.attachments[1].data, b"plain text");
}

#[test]
fn eight_bit_names_use_the_stream_code_page() {
    // "Счёт.js" in Windows-1251.
    let name = b"\xD1\xF7\xB8\xF2.js";
    let mut attrs = header(1251);
    attrs.extend(attachment(
        name,
        b"var x;",
        &[(PT_STRING8, 0x3707, string8(name))],
    ));
    let bytes = stream(&attrs);
    let tnef = attachments(&bytes, &TnefLimits::default()).expect("tnef");
    assert_eq!(tnef.attachments[0].names, ["Счёт.js"]);
}

#[test]
fn a_title_alone_or_a_display_name_still_names_it() {
    let mut attrs = header(1252);
    attrs.push(attr(2, ATT_REND_DATA, &[0; 14]));
    attrs.push(attr(2, ATT_TITLE, b"run.bat\0"));
    attrs.push(attr(2, ATT_DATA, b"@echo off"));
    attrs.push(attr(2, ATT_REND_DATA, &[0; 14]));
    attrs.push(attr(2, ATT_DATA, b"x"));
    attrs.push(attr(
        2,
        ATT_ATTACHMENT,
        &props(&[(PT_UNICODE, 0x3001, unicode("Photo.scr"))]),
    ));
    let bytes = stream(&attrs);
    let tnef = attachments(&bytes, &TnefLimits::default()).expect("tnef");
    let names: Vec<_> = tnef.attachments.iter().map(|a| a.names.clone()).collect();
    assert_eq!(
        names,
        [vec!["run.bat".to_owned()], vec!["Photo.scr".to_owned()]]
    );
}

/// IID_IMessage, {00020307-0000-0000-C000-000000000046}, as stored.
const IID_IMESSAGE: [u8; 16] = [7, 3, 2, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46];

fn forwarded(inner: &[u8]) -> Vec<u8> {
    let mut attrs = header(1252);
    attrs.push(attr(2, ATT_REND_DATA, &[0; 14]));
    attrs.push(attr(2, ATT_TITLE, b"Fwd: invoice\0"));
    attrs.push(attr(
        2,
        ATT_ATTACHMENT,
        &props(&[
            (PT_UNICODE, 0x3001, unicode("Fwd: invoice")),
            (PT_LONG, 0x3705, 5u32.to_le_bytes().to_vec()),
            (PT_OBJECT, 0x3701, [&IID_IMESSAGE[..], inner].concat()),
        ]),
    ));
    stream(&attrs)
}

#[test]
fn an_attached_message_lists_its_own_attachments() {
    let inner = winmail();
    let bytes = forwarded(&inner);
    let tnef = attachments(&bytes, &TnefLimits::default()).expect("tnef");
    assert_eq!(tnef.cut, None);
    let message = &tnef.attachments[0];
    assert!(message.message);
    assert_eq!(message.names, ["Fwd: invoice"]);
    assert_eq!(message.data, &inner[..]);
    assert_eq!(message.attachments[0].names[0], "Invoice 2026-11.pdf.exe");
    assert_eq!(message.attachments[0].data, b"MZ\x90\x00payload");
}

#[test]
fn nesting_and_count_are_capped_and_say_so() {
    let mut bytes = winmail();
    for _ in 0..6 {
        bytes = forwarded(&bytes);
    }
    let limits = TnefLimits::default();
    let tnef = attachments(&bytes, &limits).expect("tnef");
    assert!(
        matches!(tnef.cut, Some(TnefCut::Limit { .. })),
        "{:?}",
        tnef.cut
    );
    let mut depth = 0;
    let mut level = &tnef.attachments;
    while let Some(first) = level.first().filter(|a| !a.attachments.is_empty()) {
        depth += 1;
        level = &first.attachments;
    }
    assert_eq!(depth, limits.max_depth);

    let few = TnefLimits {
        max_attachments: 1,
        ..TnefLimits::default()
    };
    let bytes = winmail();
    let tnef = attachments(&bytes, &few).expect("tnef");
    assert_eq!(tnef.attachments.len(), 1);
    assert!(matches!(tnef.cut, Some(TnefCut::Limit { .. })));
}

#[test]
fn a_stream_cut_short_keeps_what_was_read() {
    let bytes = winmail();
    let data_at = bytes
        .windows(9)
        .position(|w| w == b"MZ\x90\x00paylo")
        .expect("data");
    let cut = &bytes[..data_at + 4];
    let tnef = attachments(cut, &TnefLimits::default()).expect("tnef");
    assert!(matches!(tnef.cut, Some(TnefCut::Truncated { .. })));
    let first = &tnef.attachments[0];
    assert!(first.truncated);
    assert_eq!(first.data, b"MZ\x90\x00");
    assert_eq!(first.names, ["INVOIC~1.EXE"]);
}

#[test]
fn not_tnef_and_hostile_bytes() {
    assert!(attachments(b"MZ", &TnefLimits::default()).is_err());
    // Every prefix and a few corruptions of a real stream: never a panic.
    let bytes = forwarded(&winmail());
    for end in 0..bytes.len() {
        let _ = attachments(&bytes[..end], &TnefLimits::default());
    }
    for at in 6..bytes.len() {
        let mut evil = bytes.clone();
        evil[at] = 0xFF;
        let _ = attachments(&evil, &TnefLimits::default());
    }
    // A property count of 4 billion over an empty list ends at once.
    let huge = props(&[]).iter().map(|_| 0xFF).collect::<Vec<u8>>();
    let mut attrs = header(1252);
    attrs.push(attr(2, ATT_ATTACHMENT, &huge));
    let bytes = stream(&attrs);
    let tnef = attachments(&bytes, &TnefLimits::default()).expect("tnef");
    assert_eq!(tnef.attachments.len(), 1);
}

/// Debian's `tnef --list` reads the stream built here and names the same
/// files: the builder is TNEF as other readers know it.
#[test]
#[ignore = "needs Debian's tnef program (tools/install-test-deps)"]
fn tnef_tool_lists_the_same_names() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("winmail.dat");
    std::fs::write(&path, winmail()).expect("write");
    let out = std::process::Command::new("tnef")
        .arg("--list")
        .arg("-f")
        .arg(&path)
        .output()
        .expect("tnef is not installed: run tools/install-test-deps as root");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let listed = String::from_utf8_lossy(&out.stdout);
    let bytes = winmail();
    let ours = attachments(&bytes, &TnefLimits::default()).expect("tnef");
    let first: Vec<&str> = ours
        .attachments
        .iter()
        .map(|a| a.names[0].as_str())
        .collect();
    // One line per file: `name<TAB>|<TAB>name as written`.
    let theirs: Vec<&str> = listed
        .lines()
        .map(|l| l.split('\t').next().unwrap_or_default())
        .collect();
    assert_eq!(theirs, first);
}

mod container_support;

/// Through the whole pipeline (parse, container step, rules): a
/// winmail.dat whose attachment is an executable is stopped by the
/// filename and MIME type rules, each finding naming the path Outlook
/// shows; a winmail.dat of a text file stays clean.
#[test]
fn winmail_dat_attachments_meet_the_rules() {
    use qmvc::verdict::{Condition, Verdict};
    let raw = container_support::with_attachment("winmail.dat", &winmail());
    let found = container_support::findings(&raw);
    let names = container_support::details(&found, Condition::Filename);
    assert!(
        names
            .iter()
            .any(|d| d.contains("winmail.dat/Invoice 2026-11.pdf.exe")),
        "{found:?}"
    );
    assert_eq!(container_support::verdict(&raw), Verdict::Badmail);
    // Its long name and its 8.3 name both end in .exe: one finding, not two.
    let exe: Vec<_> = names
        .iter()
        .filter(|d| d.contains("winmail.dat/Invoice 2026-11.pdf.exe"))
        .collect();
    assert_eq!(exe.len(), 1, "{found:?}");

    let mut attrs = header(1252);
    attrs.extend(attachment(
        b"notes.txt",
        b"plain text",
        &[(PT_STRING8, 0x3707, string8(b"notes.txt"))],
    ));
    let clean = container_support::with_attachment("winmail.dat", &stream(&attrs));
    assert_eq!(
        container_support::verdict(&clean),
        Verdict::Clean,
        "{:?}",
        container_support::findings(&clean)
    );
}

/// A winmail.dat cut short inside an attachment: what was read still
/// counts, and the rest is unchecked.
#[test]
fn winmail_dat_cut_short_is_unchecked() {
    use qmvc::verdict::{Condition, Verdict};
    let whole = winmail();
    let data_at = whole
        .windows(9)
        .position(|w| w == b"MZ\x90\x00paylo")
        .expect("data");
    let cut = whole.get(..data_at + 4).unwrap_or(&whole);
    let raw = container_support::with_attachment("winmail.dat", cut);
    let found = container_support::findings(&raw);
    assert!(
        found.iter().any(|f| f.condition == Condition::Unchecked),
        "{found:?}"
    );
    assert!(container_support::verdict(&raw) >= Verdict::Badmail);
}

mod office_support;

/// A name property repeated in one list, and a second `attAttachment`
/// list with another name: `tnef(1)` shows the last, Outlook may show
/// the first; every one is a name of the attachment for the rules.
#[test]
fn every_name_an_attachment_carries_counts() {
    let mut attrs = header(1252);
    attrs.extend(attachment(
        b"invoice.txt",
        b"plain text",
        &[
            (PT_STRING8, 0x3707, string8(b"invoice.txt")),
            (PT_STRING8, 0x3707, string8(b"invoice.js")),
        ],
    ));
    attrs.push(attr(
        2,
        ATT_ATTACHMENT,
        &props(&[(PT_UNICODE, 0x3707, unicode("invoice.vbs"))]),
    ));
    let bytes = stream(&attrs);
    let tnef = attachments(&bytes, &TnefLimits::default()).expect("tnef");
    assert_eq!(tnef.cut, None);
    assert_eq!(tnef.attachments.len(), 1);
    assert_eq!(
        tnef.attachments[0].names,
        ["invoice.txt", "invoice.js", "invoice.vbs"]
    );

    use qmvc::verdict::{Condition, Verdict};
    let raw = container_support::with_attachment("winmail.dat", &bytes);
    let found = container_support::findings(&raw);
    assert!(
        !container_support::details(&found, Condition::Filename).is_empty(),
        "{found:?}"
    );
    assert_eq!(container_support::verdict(&raw), Verdict::Badmail);
}

/// IID_IStorage, {0000000B-0000-0000-C000-000000000046}, as stored.
const IID_ISTORAGE: [u8; 16] = [0x0B, 0, 0, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46];

/// A harmless `attAttachData` first, the real content in
/// `PidTagAttachDataBinary` or `PidTagAttachDataObject`, or in a second
/// list: each content is listed (with every name), none hides another.
#[test]
fn every_data_value_is_listed() {
    let vba = office_support::compound(&[("VBA/dir", b"x".as_slice())]);
    let xlsm = office_support::package(&[
        ("[Content_Types].xml", b"<Types/>".as_slice()),
        ("xl/vbaProject.bin", vba.as_slice()),
    ]);
    let decoy = b"quarterly figures".as_slice();
    let cases: Vec<Vec<Vec<u8>>> = vec![
        attachment(
            b"report.xlsx",
            decoy,
            &[
                (PT_STRING8, 0x3707, string8(b"report.xlsx")),
                (PT_BINARY, 0x3701, xlsm.clone()),
            ],
        ),
        attachment(
            b"report.xlsx",
            decoy,
            &[
                (PT_STRING8, 0x3707, string8(b"report.xlsx")),
                (PT_OBJECT, 0x3701, [&IID_ISTORAGE[..], &vba].concat()),
            ],
        ),
        [
            attachment(
                b"report.xlsx",
                decoy,
                &[(PT_BINARY, 0x3701, decoy.to_vec())],
            ),
            vec![attr(
                2,
                ATT_ATTACHMENT,
                &props(&[(PT_BINARY, 0x3701, xlsm.clone())]),
            )],
        ]
        .concat(),
    ];
    use qmvc::verdict::{Condition, Verdict};
    for (n, case) in cases.into_iter().enumerate() {
        let mut attrs = header(1252);
        attrs.extend(case);
        let bytes = stream(&attrs);
        let tnef = attachments(&bytes, &TnefLimits::default()).expect("tnef");
        assert_eq!(tnef.cut, None, "case {n}");
        assert_eq!(tnef.attachments.len(), 2, "case {n}");
        assert_eq!(tnef.attachments[0].data, decoy, "case {n}");
        assert_ne!(tnef.attachments[1].data, decoy, "case {n}");
        assert_eq!(tnef.attachments[1].names, ["report.xlsx"], "case {n}");

        let raw = container_support::with_attachment("winmail.dat", &bytes);
        let found = container_support::findings(&raw);
        assert!(
            !container_support::details(&found, Condition::Macro).is_empty(),
            "case {n}: {found:?}"
        );
        assert_eq!(container_support::verdict(&raw), Verdict::Badmail);
    }
}

/// A property whose type gives no size: the rest of its list (here the
/// long file name) cannot be read, which is said, and unchecked.
#[test]
fn an_unreadable_property_list_is_unchecked() {
    let mut list = props(&[(PT_STRING8, 0x3704, string8(b"README.TXT"))]);
    list[0] = 3;
    list.extend_from_slice(&0x0001u16.to_le_bytes());
    list.extend_from_slice(&0x6000u16.to_le_bytes());
    list.extend_from_slice(&props(&[(PT_STRING8, 0x3707, string8(b"readme.js"))])[4..]);
    let mut attrs = header(1252);
    attrs.push(attr(2, ATT_REND_DATA, &[0; 14]));
    attrs.push(attr(2, ATT_DATA, b"text"));
    attrs.push(attr(2, ATT_ATTACHMENT, &list));
    let bytes = stream(&attrs);
    let tnef = attachments(&bytes, &TnefLimits::default()).expect("tnef");
    assert!(
        matches!(tnef.cut, Some(TnefCut::Unreadable { .. })),
        "{:?}",
        tnef.cut
    );
    assert_eq!(tnef.attachments[0].names, ["README.TXT"]);

    use qmvc::verdict::Condition;
    let raw = container_support::with_attachment("winmail.dat", &bytes);
    let found = container_support::findings(&raw);
    assert!(
        found.iter().any(|f| f.condition == Condition::Unchecked),
        "{found:?}"
    );
}

/// An Outlook message file's streams: `__properties_version1.0`, then per
/// attachment `prefix/__attach_version1.0_#0000000N/__substg1.0_*`.
fn msg_streams(prefix: &str, attachments: &[Vec<(&str, Vec<u8>)>]) -> Vec<(String, Vec<u8>)> {
    let mut streams = vec![(format!("{prefix}__properties_version1.0"), vec![0u8; 32])];
    for (n, props) in attachments.iter().enumerate() {
        for (tag, value) in props {
            streams.push((
                format!("{prefix}__attach_version1.0_#{n:08X}/__substg1.0_{tag}"),
                value.clone(),
            ));
        }
    }
    streams
}

/// A `.msg` (how Outlook saves a message, and attaches one) is read like
/// TNEF: each attachment with every name it carries and its bytes, an
/// attached message's attachments in turn, nesting capped.
#[test]
fn an_outlook_msg_file_lists_its_attachments() {
    use qmvc::container::tnef::{is_msg_candidate, msg_attachments};
    let mut streams = msg_streams(
        "",
        &[
            vec![
                ("3707001F", unicode("Invoice.pdf.exe")),
                ("3704001E", string8(b"INVOIC~1.EXE")),
                ("370E001E", string8(b"application/pdf")),
                ("37010102", b"MZ\x90\x00payload".to_vec()),
            ],
            vec![("3001001F", unicode("Fwd: invoice"))],
        ],
    );
    streams.extend(msg_streams(
        "__attach_version1.0_#00000001/__substg1.0_3701000D/",
        &[vec![
            ("3707001E", string8(b"inner.js")),
            ("37010102", b"WScript.Echo(1)".to_vec()),
        ]],
    ));
    let bytes = office_support::compound(&streams);
    assert!(is_msg_candidate(&bytes));
    let msg = msg_attachments(&bytes, &TnefLimits::default()).expect("msg");
    assert_eq!(msg.cut, None);
    assert_eq!(msg.attachments.len(), 2);
    let exe = &msg.attachments[0];
    assert_eq!(exe.names, ["Invoice.pdf.exe", "INVOIC~1.EXE"]);
    assert_eq!(exe.mime_type.as_deref(), Some("application/pdf"));
    assert_eq!(exe.data, b"MZ\x90\x00payload");
    let fwd = &msg.attachments[1];
    assert!(fwd.message);
    assert_eq!(fwd.names, ["Fwd: invoice"]);
    assert_eq!(fwd.attachments[0].names, ["inner.js"]);
    assert_eq!(fwd.attachments[0].data, b"WScript.Echo(1)");
    // The same, in the shape of a TNEF attachment.
    let view = fwd.as_tnef();
    assert_eq!(view.attachments[0].data, b"WScript.Echo(1)");

    // Messages attached six deep: four are read, the rest is a cut.
    let mut prefix = String::new();
    let mut deep = Vec::new();
    for _ in 0..6 {
        deep.extend(msg_streams(&prefix, &[vec![("3001001F", unicode("Fwd"))]]));
        prefix.push_str("__attach_version1.0_#00000000/__substg1.0_3701000D/");
    }
    let bytes = office_support::compound(&deep);
    let msg = msg_attachments(&bytes, &TnefLimits::default()).expect("msg");
    assert!(
        matches!(msg.cut, Some(TnefCut::Limit { .. })),
        "{:?}",
        msg.cut
    );

    // An OLE2 file that is no message, and no OLE2 file at all.
    let doc = office_support::compound(&[("WordDocument", vec![0u8; 64])]);
    assert!(msg_attachments(&doc, &TnefLimits::default()).is_err());
    assert!(msg_attachments(&winmail(), &TnefLimits::default()).is_err());
}

/// Every value counts, within bounds: thousands of names or contents in
/// one attachment are a limit (unchecked), not thousands of copies.
#[test]
fn many_names_or_contents_are_a_limit() {
    let many: Vec<(u16, u16, Vec<u8>)> = (0..5000)
        .map(|n| (PT_STRING8, 0x3707, string8(format!("f{n}.txt").as_bytes())))
        .collect();
    let mut attrs = header(1252);
    attrs.extend(attachment(b"a.txt", b"text", &many));
    let bytes = stream(&attrs);
    let tnef = attachments(&bytes, &TnefLimits::default()).expect("tnef");
    assert!(
        matches!(tnef.cut, Some(TnefCut::Limit { .. })),
        "{:?}",
        tnef.cut
    );
    assert_eq!(tnef.attachments.len(), 1);
    assert_eq!(tnef.attachments[0].names.len(), 32);

    let many: Vec<(u16, u16, Vec<u8>)> = (0..5000u32)
        .map(|n| (PT_BINARY, 0x3701, n.to_le_bytes().to_vec()))
        .collect();
    let mut attrs = header(1252);
    attrs.extend(attachment(b"a.txt", b"text", &many));
    let bytes = stream(&attrs);
    let tnef = attachments(&bytes, &TnefLimits::default()).expect("tnef");
    assert!(
        matches!(tnef.cut, Some(TnefCut::Limit { .. })),
        "{:?}",
        tnef.cut
    );
    assert_eq!(tnef.attachments.len(), 8);
}

/// A winmail.dat kept in a zip (made by Info-ZIP's zip) and in a tar is
/// opened like an attached one: its attachments are members under the
/// archive's path, and the filename rules see them.
#[test]
fn winmail_dat_inside_an_archive_is_opened() {
    use qmvc::verdict::{Condition, Verdict};
    let s = container_support::Scratch::new();
    s.file("winmail.dat", &winmail());
    let zip = s.make("zip", &["-q", "mail.zip", "winmail.dat"], "mail.zip");
    let tar = s.make("tar", &["-cf", "mail.tar", "winmail.dat"], "mail.tar");
    for (name, archive) in [("mail.zip", zip), ("mail.tar", tar)] {
        let raw = container_support::with_attachment(name, &archive);
        let paths = container_support::paths(&raw);
        let expected = format!("{name}/winmail.dat/Invoice 2026-11.pdf.exe");
        assert!(paths.contains(&expected), "{paths:?}");
        let found = container_support::findings(&raw);
        let names = container_support::details(&found, Condition::Filename);
        assert!(names.iter().any(|d| d.contains(&expected)), "{found:?}");
        assert_eq!(container_support::verdict(&raw), Verdict::Badmail);
    }
}

/// An Outlook message file one level past `archives.max_depth` (four
/// zips around it, made by Info-ZIP's zip) is not opened: `unchecked`,
/// as a TNEF stream there is; one level less, its attachment is found.
#[test]
fn outlook_msg_past_the_depth_limit_is_unchecked() {
    use qmvc::verdict::{Condition, Verdict};
    let s = container_support::Scratch::new();
    let streams = msg_streams(
        "",
        &[vec![
            ("3707001E", string8(b"invoice.js")),
            ("37010102", b"WScript.Echo(1)".to_vec()),
        ]],
    );
    s.file("fwd.msg", &office_support::compound(&streams));
    let nest = |levels: usize| -> Vec<u8> {
        let mut inner = "fwd.msg".to_string();
        for level in 1..=levels {
            let out = format!("l{level}.zip");
            let _ = std::fs::remove_file(s.path().join(&out));
            s.make("zip", &["-qX", &out, &inner], &out);
            inner = out;
        }
        std::fs::read(s.path().join(inner)).expect("zip")
    };
    let raw = container_support::with_attachment("mail.zip", &nest(3));
    let found = container_support::findings(&raw);
    assert_eq!(
        container_support::details(&found, Condition::Filename),
        vec!["mail.zip/l2.zip/l1.zip/fwd.msg/invoice.js"],
        "{found:?}"
    );
    let raw = container_support::with_attachment("mail.zip", &nest(4));
    let found = container_support::findings(&raw);
    assert_eq!(
        container_support::verdict(&raw),
        Verdict::Unchecked,
        "{found:?}"
    );
    assert!(
        container_support::details(&found, Condition::Unchecked)
            .iter()
            .any(|d| d.contains("an Outlook message file nested deeper than 4")),
        "{found:?}"
    );
}

/// A saved message kept as a file in a winmail.dat or an Outlook `.msg`
/// (Outlook opens the `.eml` with its attachments) is opened like one in
/// an archive: its attachments are members under the path Outlook shows.
#[test]
fn a_saved_message_attached_as_a_file_is_opened() {
    use qmvc::verdict::Condition;
    let eml = b"From: a@example.org\r\nMIME-Version: 1.0\r\n\
        Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\n\
        Content-Type: text/plain\r\n\r\nhi\r\n--b1\r\n\
        Content-Type: application/octet-stream\r\n\
        Content-Disposition: attachment; filename=\"invoice.exe\"\r\n\r\nMZ\r\n--b1--\r\n";
    let mut attrs = header(1252);
    attrs.extend(attachment(
        b"FWD.EML",
        eml,
        &[(PT_STRING8, 0x3707, string8(b"fwd.eml"))],
    ));
    let msg = office_support::compound(&msg_streams(
        "",
        &[vec![
            ("3707001E", string8(b"fwd.eml")),
            ("37010102", eml.to_vec()),
        ]],
    ));
    for (name, content) in [("winmail.dat", stream(&attrs)), ("mail.msg", msg)] {
        let raw = container_support::with_attachment(name, &content);
        let found = container_support::findings(&raw);
        let names = container_support::details(&found, Condition::Filename);
        assert!(
            names.iter().any(|d| d.ends_with("/fwd.eml/invoice.exe")),
            "{name}: {found:?}"
        );
    }
}
