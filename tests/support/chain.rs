//! Building blocks for chain tests: engines, policies, test messages and a
//! one-call chain run.
#![allow(dead_code)]

use std::path::Path;

use qmvc::engines::{
    ChainInput, ChainOutcome, EngineConfig, EngineKind, EngineResult, MemberSize, ScanPolicy,
    run_chain,
};
use qmvc::message::Message;
use qmvc::verdict::Finding;

use super::clamd::EICAR;

/// A clamd engine called `name` on `servers`, 10 s per attempt.
pub fn clamd_engine(name: &str, servers: &[String]) -> EngineConfig {
    let mut e = EngineConfig::new(name, EngineKind::Clamd);
    e.servers = servers.to_vec();
    e.timeout = Some(10);
    e
}

/// A command engine called `name` running `argv`: exit 0 clean, 1 virus,
/// names from lines `VIRUS name`.
pub fn command_engine(name: &str, argv: &[&str]) -> EngineConfig {
    let mut e = EngineConfig::new(name, EngineKind::Command);
    e.command = argv.iter().map(|s| s.to_string()).collect();
    e.clean_exit = vec![0];
    e.virus_exit = vec![1];
    e.virus_regex = Some(r"^VIRUS (\S+)".into());
    e.timeout = Some(10);
    e
}

/// Runs the chain once, with the members of the message's attachments
/// as the pipeline finds them (every container format opened).
pub fn run(
    engines: &[EngineConfig],
    policy: &ScanPolicy,
    raw: &[u8],
    message: &Message,
    findings: &[Finding],
    workdir: &Path,
) -> ChainOutcome {
    let inside = qmvc::container::expand(&message.parts, &qmvc::container::Settings::default());
    let members = MemberSize::of(&inside);
    run_chain(&ChainInput {
        engines,
        policy,
        raw,
        message,
        findings,
        members: &members,
        actions: &qmvc::verdict::ActionPolicy::default(),
        workdir,
    })
}

/// Runs the chain once with one engine and no findings so far.
pub fn run_one(
    engine: &EngineConfig,
    policy: &ScanPolicy,
    raw: &[u8],
    message: &Message,
    workdir: &Path,
) -> ChainOutcome {
    run(
        std::slice::from_ref(engine),
        policy,
        raw,
        message,
        &[],
        workdir,
    )
}

/// `(name, result)` of every report, for compact asserts.
pub fn results(outcome: &ChainOutcome) -> Vec<(String, EngineResult)> {
    outcome
        .reports
        .iter()
        .map(|r| (r.name.clone(), r.result.clone()))
        .collect()
}

/// Base64 (RFC 4648) with 76-character lines (RFC 2045 §6.8).
pub fn base64(data: &[u8]) -> String {
    use base64::Engine;
    let flat = base64::engine::general_purpose::STANDARD.encode(data);
    let lines: Vec<&str> = flat
        .as_bytes()
        .chunks(76)
        .map(|l| std::str::from_utf8(l).unwrap_or(""))
        .collect();
    lines.join("\r\n")
}

/// CRC-32 (ISO-HDLC, as zip uses it).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A zip archive (PKWARE APPNOTE 4.3) holding `name` with `content`,
/// stored without compression.
pub fn zip(name: &str, content: &[u8]) -> Vec<u8> {
    let crc = crc32(content).to_le_bytes();
    let size = (content.len() as u32).to_le_bytes();
    let name_len = (name.len() as u16).to_le_bytes();
    let mut out = Vec::new();
    // Local file header.
    out.extend_from_slice(b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    out.extend_from_slice(&crc);
    out.extend_from_slice(&size);
    out.extend_from_slice(&size);
    out.extend_from_slice(&name_len);
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(content);
    let central_at = (out.len() as u32).to_le_bytes();
    // Central directory header.
    let mut central = Vec::new();
    central.extend_from_slice(b"PK\x01\x02\x14\x00\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00");
    central.extend_from_slice(&crc);
    central.extend_from_slice(&size);
    central.extend_from_slice(&size);
    central.extend_from_slice(&name_len);
    central.extend_from_slice(&[0; 12]);
    central.extend_from_slice(&[0, 0, 0, 0]);
    central.extend_from_slice(name.as_bytes());
    let central_len = (central.len() as u32).to_le_bytes();
    out.extend_from_slice(&central);
    // End of central directory.
    out.extend_from_slice(b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00");
    out.extend_from_slice(&central_len);
    out.extend_from_slice(&central_at);
    out.extend_from_slice(&[0, 0]);
    out
}

/// A multipart/mixed message with a text part and `content` attached as
/// base64 under `filename`.
pub fn with_attachment(filename: &str, content: &[u8]) -> Vec<u8> {
    format!(
        "Received: from x by y\r\nFrom: a@example.org\r\nTo: b@example.net\r\n\
         Subject: test\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n\
         --b1\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n\
         --b1\r\nContent-Type: application/octet-stream; name=\"{filename}\"\r\n\
         Content-Disposition: attachment; filename=\"{filename}\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\n{}\r\n--b1--\r\n",
        base64(content)
    )
    .into_bytes()
}

/// A plain-text message whose body is `body`.
pub fn plain(body: &[u8]) -> Vec<u8> {
    let mut m = b"Received: from x by y\r\nFrom: a@example.org\r\nTo: b@example.net\r\n\
                  Subject: plain\r\n\r\n"
        .to_vec();
    m.extend_from_slice(body);
    m.extend_from_slice(b"\r\n");
    m
}

/// The three EICAR messages of the task: attachment, zip, plain body.
pub fn eicar_messages() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("attachment", with_attachment("eicar.com", EICAR)),
        (
            "zip",
            with_attachment("eicar.zip", &zip("eicar.com", EICAR)),
        ),
        ("body", plain(EICAR)),
    ]
}
