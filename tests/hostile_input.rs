//! Hostile input: bounded work and the qmail-local contract on mutated and
//! generated nasty messages (deep nesting, unterminated boundaries, huge
//! headers, bad base64 and quoted-printable, NULs, 8-bit junk, RFC 2231
//! continuations, uuencode), and what reaching each `[limits]` cap means:
//! an errormail finding with the profile's action, never a crash and never
//! a silent pass of content nobody examined; a message longer than
//! `max_message_bytes` is checked in part but kept whole.
//!
//! Property tests run the pure core (`app::pipeline::judge`) in-process for
//! many cases and the real binary in filter mode for a few; each case runs
//! under a watchdog (a generous bound against hangs, not a speed test).

mod support;

use std::sync::mpsc;
use std::time::Duration;

use bytes::Bytes;
use proptest::prelude::*;
use qmvc::app::pipeline::judge;
use qmvc::config::Config;
use qmvc::envelope::Envelope;
use qmvc::rules::UNCHECKED_DESCRIPTION;
use support::{Site, Stdin, data, qmail_env};

/// A case that takes longer than this has hung (a bound, not a speed test).
const WATCHDOG: Duration = Duration::from_secs(10);

/// A main file for in-process judging: paths in `dir`, no engine; the
/// default limits, or small ones that hostile messages reach.
fn config_in(dir: &std::path::Path, small_limits: bool) -> Config {
    let d = dir.display();
    let limits = if small_limits {
        "[limits]\nmax_depth = 12\nmax_parts = 64\nmax_decoded_bytes = 2000000\n\
         max_uuencode_blocks = 4\nmax_header_bytes = 8192\n"
    } else {
        ""
    };
    let (config, problems) = Config::parse(
        &format!(
            "[paths]\nlog = \"{d}/qmvc.log\"\nreport = \"{d}/qmvc.rep\"\nquarantine = \"{d}/q\"\n\
             workdir = \"{d}/work\"\nstate = \"{d}/state\"\nprofiles = \"{d}/profiles\"\n{limits}"
        ),
        "hostile.toml",
    );
    assert!(problems.is_empty(), "{problems:?}");
    config
}

/// Runs `f` on another thread; fails the test when it panics or outlasts
/// the watchdog.
fn watched<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let handle = std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(WATCHDOG) {
        Ok(v) => {
            let _ = handle.join();
            v
        }
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("{what}: no answer within {WATCHDOG:?}"),
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{what}: panicked"),
    }
}

// ------------------------------------------------------------ generators

/// The shipped test messages.
fn seeds() -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = std::fs::read_dir(data(""))
        .expect("tests/data")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .map(|p| std::fs::read(p).expect("read seed"))
        .collect();
    assert!(v.len() >= 10, "tests/data has {} messages", v.len());
    v.sort();
    v
}

const HEAD: &str =
    "From: a@example.org\nDate: Mon, 2 Mar 2026 10:00:00 +0000\nSubject: x\nMIME-Version: 1.0\n";

fn deep(depth: usize, rfc822: bool) -> Vec<u8> {
    let mut m = String::from(HEAD);
    for i in 0..depth {
        if rfc822 && i % 2 == 1 {
            m.push_str("Content-Type: message/rfc822\n\n");
        } else {
            m.push_str(&format!(
                "Content-Type: multipart/mixed; boundary=\"b{i}\"\n\n--b{i}\n"
            ));
        }
    }
    m.push_str("Content-Type: application/octet-stream; name=deep.exe\n\nMZ\n");
    m.into_bytes()
}

fn unterminated(parts: usize) -> Vec<u8> {
    let mut m = format!("{HEAD}Content-Type: multipart/mixed; boundary=zz\n\n");
    for i in 0..parts {
        m.push_str(&format!(
            "--zz\nContent-Type: text/plain\n\npart {i}\n--zzz not ours\n"
        ));
    }
    m.into_bytes()
}

fn huge_header(len: usize, folded: bool) -> Vec<u8> {
    let sep = if folded { "\n " } else { "" };
    let value: String = (0..len / 8).map(|_| format!("{sep}xxxxxxx")).collect();
    format!("{HEAD}X-Long: {value}\nContent-Type: text/plain\n\nbody\n").into_bytes()
}

/// A subject and an attachment name of `count` copies of `piece`, a
/// broken or open RFC 2047 word: each would search to the end of the
/// field for its end in a reader that goes back.
fn broken_words(count: usize, piece: &str) -> Vec<u8> {
    let words = piece.repeat(count);
    format!(
        "{HEAD}Subject: {words}\nContent-Type: multipart/mixed; boundary=w\n\n--w\nContent-Type: application/octet-stream; name=\"{words}\"\nContent-Disposition: attachment; filename={words}\n\nMZ\n--w--\n"
    )
    .into_bytes()
}

/// The broken words [`broken_words`] repeats.
const BROKEN_WORDS: &[&str] = &[
    " =?a?=x",
    "=?a?b?",
    "=?utf-8?q?",
    " =?x?q?a?= ",
    "=?utf-8?b?=?",
];

fn encoded(cte: &str, junk: &[u8]) -> Vec<u8> {
    let mut m = format!(
        "{HEAD}Content-Type: multipart/mixed; boundary=q\n\n--q\nContent-Type: application/octet-stream; name=\"a.bin\"\nContent-Transfer-Encoding: {cte}\n\n"
    )
    .into_bytes();
    m.extend_from_slice(junk);
    m.extend_from_slice(b"\n--q--\n");
    m
}

fn rfc2231(pieces: &[(u32, String)]) -> Vec<u8> {
    let mut params = String::new();
    for (n, piece) in pieces {
        params.push_str(&format!(";\n filename*{n}*=utf-8''{piece}"));
    }
    format!(
        "{HEAD}Content-Type: multipart/mixed; boundary=r\n\n--r\nContent-Type: application/octet-stream\nContent-Disposition: attachment{params}\n\nMZ\n--r--\n"
    )
    .into_bytes()
}

fn uuencoded(blocks: usize) -> Vec<u8> {
    let mut m = format!("{HEAD}\n").into_bytes();
    for i in 0..blocks {
        m.extend_from_slice(format!("begin 644 f{i}.exe\n#35H`\n`\nend\n").as_bytes());
    }
    m
}

/// Generated nasty MIME.
fn nasty() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        (1usize..400, any::<bool>()).prop_map(|(d, r)| deep(d, r)),
        (0usize..200).prop_map(unterminated),
        (1usize..100_000, any::<bool>()).prop_map(|(l, f)| huge_header(l, f)),
        (
            prop_oneof![
                Just("base64"),
                Just("quoted-printable"),
                Just("x-uuencode"),
                Just("x-junk")
            ],
            proptest::collection::vec(any::<u8>(), 0..4000)
        )
            .prop_map(|(c, j)| encoded(c, &j)),
        proptest::collection::vec((any::<u32>(), "[%A-Za-z0-9.'*=]{0,12}"), 0..40)
            .prop_map(|p| rfc2231(&p)),
        (0usize..20).prop_map(uuencoded),
        (1usize..20_000, proptest::sample::select(BROKEN_WORDS))
            .prop_map(|(n, piece)| broken_words(n, piece)),
        proptest::collection::vec(any::<u8>(), 0..3000),
    ]
}

/// Snippets that change the structure when inserted anywhere.
const SNIPPETS: &[&[u8]] = &[
    b"\n--b\n",
    b"\n--zz--\n",
    b"\nContent-Type: multipart/mixed; boundary=b\n\n",
    b"Content-Type: message/rfc822\n\n",
    b"Content-Transfer-Encoding: base64\n",
    b"Content-Transfer-Encoding: quoted-printable\n\n=\n=4",
    b"\0\0\0",
    b"\xff\xfe\x80\xc3",
    b"\r\r\n",
    b"\n\n",
    b"begin 644 x.exe\n",
    b"; filename*0*=utf-8''%E2%80%AEfdp.exe; filename*1=x",
    b"=?utf-8?B?w6k=?=",
    b"From ",
];

#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, usize),
    Truncate(usize),
    Repeat(usize, usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Mutation::Flip(p, b)),
        (any::<usize>(), 0..SNIPPETS.len()).prop_map(|(p, s)| Mutation::Insert(p, s)),
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), 1usize..200, 1usize..50).prop_map(|(p, l, n)| Mutation::Repeat(p, l, n)),
    ]
}

fn mutate(mut m: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for mu in mutations {
        let len = m.len().max(1);
        match *mu {
            Mutation::Flip(p, b) => {
                if let Some(x) = m.get_mut(p % len) {
                    *x = b;
                }
            }
            Mutation::Insert(p, s) => {
                let at = (p % len).min(m.len());
                let snippet = SNIPPETS.get(s).copied().unwrap_or(b"");
                m.splice(at..at, snippet.iter().copied());
            }
            Mutation::Truncate(p) => m.truncate(p % len),
            Mutation::Repeat(p, l, n) => {
                let start = (p % len).min(m.len());
                let end = (start + l).min(m.len());
                let piece = m[start..end].to_vec();
                for _ in 0..n {
                    m.splice(end..end, piece.iter().copied());
                }
            }
        }
    }
    m
}

/// A message: a seed or a nasty one, then mutated.
fn message() -> impl Strategy<Value = Vec<u8>> {
    let seeds = seeds();
    let base = prop_oneof![
        (0..seeds.len()).prop_map(move |i| seeds[i].clone()),
        nasty(),
    ];
    (base, proptest::collection::vec(mutation(), 0..6)).prop_map(|(m, mu)| mutate(m, &mu))
}

// ------------------------------------------------------------ properties

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, failure_persistence: None, ..ProptestConfig::default() })]

    /// The pure core on many cases: no panic, an exit qmail-local knows,
    /// never a deferral without an engine, in bounded time.
    #[test]
    fn judge_never_panics_defers_or_hangs_on_hostile_messages(raw in message(), small in any::<bool>()) {
        let tmp = tempfile::tempdir().expect("tempdir");
        let config = config_in(tmp.path(), small);
        let size = raw.len();
        let (code, action) = watched(&format!("judge on {size} bytes"), move || {
            let env = Envelope::for_check("bob@example.org", "alice@example.com");
            let judged = judge(&config, &env, &Bytes::from(raw), false, chrono::Utc::now())
                .expect("the embedded profile loads");
            (judged.plan.exit.code(), judged.plan.action.name())
        });
        prop_assert!([0, 99, 100].contains(&code), "exit {code} ({action})");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, failure_persistence: None, ..ProptestConfig::default() })]

    /// The real binary in filter mode on a few cases: 0 or 99, never 111
    /// on a writable disk without an engine, never a panic, one log line.
    #[test]
    fn filter_mode_keeps_the_contract_on_hostile_messages(raw in message(), pipe in any::<bool>()) {
        let site = Site::new("[limits]\nmax_depth = 12\nmax_parts = 64\n");
        let stdin = if pipe { Stdin::Pipe } else { Stdin::File };
        let env = qmail_env("bob@example.org", "alice", "example.com", "");
        let run = watched("qmvc filter", move || site.run(&raw, &env, &[], stdin));
        prop_assert!([0, 99].contains(&run.code), "exit {}: {} {}", run.code, run.stdout, run.stderr);
        prop_assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
}

// ------------------------------------------------------------ limits

/// A message of `n` parts, the last one an .exe.
fn many_parts(n: usize) -> Vec<u8> {
    let mut m = format!("{HEAD}Content-Type: multipart/mixed; boundary=p\n\n");
    for i in 0..n {
        m.push_str(&format!("--p\nContent-Type: text/plain\n\npart {i}\n"));
    }
    m.push_str("--p\nContent-Type: application/octet-stream; name=late.exe\n\nMZ\n--p--\n");
    m.into_bytes()
}

/// Each limit, reached: an errormail finding naming it (log E >= 1) even
/// in a profile that switched the errormail condition off, and the
/// profile's errormail action (here quarantine) carried out.
#[test]
fn every_limit_is_an_errormail_finding_even_with_the_condition_off() {
    let long = "x".repeat(300);
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        ("max_parts", "max_parts = 5", many_parts(20)),
        ("max_depth", "max_depth = 3", deep(10, false)),
        (
            "max_header_bytes",
            "max_header_bytes = 100",
            format!("{HEAD}X-Long: {long}\n\nbody\n").into_bytes(),
        ),
        (
            "max_decoded_bytes",
            "max_decoded_bytes = 100",
            encoded("base64", "QUFB".repeat(100).as_bytes()),
        ),
        (
            "max_uuencode_blocks",
            "max_uuencode_blocks = 2",
            uuencoded(5),
        ),
        (
            "max_message_bytes",
            "max_message_bytes = 200",
            many_parts(20),
        ),
    ];
    for (limit, key, raw) in cases {
        let site = Site::new(&format!("[limits]\n{key}\n"));
        site.profile(
            "default",
            "[conditions.errormail]\nenabled = false\n[conditions.filename]\nenabled = false\n",
        );
        let run = site.deliver(&raw, "bob@example.org", "alice@example.com");
        assert_eq!(run.code, 99, "{limit}: {} {}", run.stdout, run.stderr);
        let log = site.log_lines().join("\n");
        assert!(log.contains("+U:1+"), "{limit}: {log}");
        assert!(log.contains("A:quarantine"), "{limit}: {log}");
        let rep = site.rep();
        assert!(
            rep.contains(&format!("limit {limit} exceeded")),
            "{limit}: {rep}"
        );
        assert!(rep.contains(UNCHECKED_DESCRIPTION), "{limit}: {rep}");
    }
}

/// The same with the shipped default profile (unchecked action
/// quarantine): what was not examined is taken out.
/// Header fields made of 30,000 broken encoded words each (200 KB)
/// are read in one pass: the reader before took ten minutes on one.
#[test]
fn fields_of_many_broken_encoded_words_are_read_in_one_pass() {
    for piece in BROKEN_WORDS {
        let raw = broken_words(30_000, piece);
        let tmp = tempfile::tempdir().expect("tempdir");
        let config = config_in(tmp.path(), false);
        let code = watched(&format!("{piece:?} x 30,000"), move || {
            let env = Envelope::for_check("bob@example.org", "alice@example.com");
            judge(&config, &env, &Bytes::from(raw), false, chrono::Utc::now())
                .expect("the embedded profile loads")
                .plan
                .exit
                .code()
        });
        assert!([0, 99, 100].contains(&code), "{piece:?}: exit {code}");
    }
}

/// Bare CRs read as line ends: a message read twice must not be read
/// once more at every level of its nesting. 45 encapsulated messages
/// around a 600 KB body with bare CRs (the second reading at each level
/// made this quadratic: 1.95 s in a release build), and a base64 message
/// decoded at each of 8 levels.
#[test]
fn bare_cr_readings_are_not_repeated_at_every_level() {
    let mut inner = b"From: a@b\r\nContent-Type: multipart/mixed; boundary=b\r\r--b\rContent-Type: text/plain\r\r".to_vec();
    inner.extend(b"word \r".repeat(100_000));
    inner.extend_from_slice(b"--b--\r");
    let mut nested = inner.clone();
    for _ in 0..45 {
        let mut outer = b"From: a@b\nMIME-Version: 1.0\nContent-Type: message/rfc822\n\n".to_vec();
        outer.extend_from_slice(&nested);
        nested = outer;
    }
    let mut encoded = inner;
    for _ in 0..8 {
        let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &encoded);
        let mut outer = b"From: a@b\nMIME-Version: 1.0\nContent-Type: message/rfc822\nContent-Transfer-Encoding: base64\n\n".to_vec();
        outer.extend_from_slice(b64.as_bytes());
        encoded = outer;
    }
    for (what, raw) in [("raw nesting", nested), ("base64 nesting", encoded)] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let config = config_in(tmp.path(), false);
        let code = watched(what, move || {
            let env = Envelope::for_check("bob@example.org", "alice@example.com");
            judge(&config, &env, &Bytes::from(raw), false, chrono::Utc::now())
                .expect("the embedded profile loads")
                .plan
                .exit
                .code()
        });
        assert!([0, 99, 100].contains(&code), "{what}: exit {code}");
    }
}

/// HTML bodies built to make a reader slow: a tag with 100,000
/// attributes (quadratic in html5ever's tokenizer, which checks each
/// against the others), 512 open elements and a run of end tags that
/// search them, formatting elements with distinct attributes (quadratic
/// in a standard tree builder), 128 hiding selectors against 60,000
/// classed elements, a `::before` rule on 300,000 elements, comments and
/// script escapes that never close, Outlook's conditional comments one
/// after the other. With
/// the body rules on, each part of about 1 MB is read in bounded time and
/// the rule matches the text before it; where a style-sheet cap was
/// reached (256 selectors, generated text past half the part), the part
/// is also unchecked.
#[test]
fn html_bodies_built_to_be_slow_are_read_in_linear_time() {
    let attributes: String = (0..100_000).map(|i| format!(" x{i}")).collect();
    let selectors: String = (0..128).map(|i| format!(".c{i} .h.k{i}, ")).collect();
    let shapes: Vec<(&str, String)> = vec![
        ("attributes", format!("<a{attributes}>")),
        (
            "depth",
            "<span>".repeat(600) + &"</p></li></x>".repeat(79_000),
        ),
        (
            "formatting",
            (0..60_000).map(|i| format!("<b x={i}><p>")).collect(),
        ),
        (
            "selectors",
            format!("<style>{selectors} .x {{display:none}}</style>")
                + &"<i class='h k1 k2 k3 k4 k5 k6 k7'>z</i>".repeat(25_000),
        ),
        ("comments", "<!-- -- --!".repeat(90_000)),
        (
            "script",
            "<script><!--<script>".to_string() + &"</script>-".repeat(90_000),
        ),
        (
            "references",
            "&#x41;&amp&notin;&#9999999999999;&".repeat(25_000),
        ),
        (
            "generated text",
            format!(
                "<style>b::before {{ content: '{}' }}</style>",
                "x".repeat(256)
            ) + &"<b>".repeat(300_000),
        ),
        (
            "conditional comments",
            "<!--[if !((mso)|ie)]><!-->z<!--<![endif]--><!--[if mso]>".repeat(18_000),
        ),
    ];
    for (what, html) in shapes {
        let tmp = tempfile::tempdir().expect("tempdir");
        let config = config_in(tmp.path(), false);
        std::fs::create_dir_all(tmp.path().join("profiles")).expect("profiles");
        std::fs::write(
            tmp.path().join("profiles/default.toml"),
            "[conditions.body]\nenabled = true\nrules = [\"wire transfer\"]\n",
        )
        .expect("profile");
        let raw =
            format!("{HEAD}Content-Type: text/html\n\n<p>wire tra<span></span>nsfer</p>{html}\n");
        assert!(raw.len() < 1_040_000, "{what}: {} bytes", raw.len());
        let verdict = watched(what, move || {
            let env = Envelope::for_check("bob@example.org", "alice@example.com");
            let judged = judge(&config, &env, &Bytes::from(raw), false, chrono::Utc::now())
                .expect("the profile loads");
            let body = judged
                .plan
                .findings
                .iter()
                .any(|f| f.condition == qmvc::verdict::Condition::Body);
            (format!("{:?}", judged.plan.verdict), body)
        });
        // Past a style-sheet cap the part was not wholly examined: an
        // unchecked finding beside the body finding.
        let expected = if ["selectors", "generated text"].contains(&what) {
            "Unchecked"
        } else {
            "Badmail"
        };
        assert_eq!(verdict, (expected.to_string(), true), "{what}");
    }
}

#[test]
fn a_limit_hit_under_the_default_profile_is_quarantined_unchecked() {
    let site = Site::new("[limits]\nmax_parts = 5\n");
    let run = site.deliver(&many_parts(20), "bob@example.org", "alice@example.com");
    assert_eq!(run.code, 99, "{}", run.stdout);
    let log = site.log_lines().join("\n");
    assert!(log.contains("A:quarantine"), "{log}");
    assert!(log.contains("+U:1+"), "{log}");
}

/// A profile may choose pass for unchecked: then it is delivered, but
/// logged, never silent.
#[test]
fn unchecked_set_to_pass_is_delivered_and_logged() {
    let site = Site::new("[limits]\nmax_parts = 5\n");
    site.profile("default", "[actions]\nunchecked = \"pass\"\n");
    let run = site.deliver(&many_parts(20), "bob@example.org", "alice@example.com");
    assert_eq!(run.code, 0, "{}", run.stdout);
    let log = site.log_lines().join("\n");
    assert!(log.contains("A:pass"), "{log}");
    assert!(log.contains("+U:1+"), "{log}");
    assert!(site.rep().contains("unchecked"), "{}", site.rep());
}

/// A body text longer than the body rules' max_bytes is an unchecked
/// finding: the text past the cap was not examined.
#[test]
fn body_text_past_the_regex_input_cap_is_an_unchecked_finding() {
    let site = Site::new("");
    site.profile(
        "default",
        "[conditions.body]\nenabled = true\nrules = [\"wire the money\"]\nmax_bytes = 1000\n",
    );
    let mut raw = format!("{HEAD}\n").into_bytes();
    raw.extend(std::iter::repeat_n(b'.', 2000));
    raw.extend_from_slice(b"\nwire the money\n");
    let run = site.deliver(&raw, "bob@example.org", "alice@example.com");
    assert_eq!(run.code, 99, "{}", run.stdout);
    let rep = site.rep();
    assert!(rep.contains("conditions.body.max_bytes"), "{rep}");
}

/// A message longer than max_message_bytes: only the head is checked (a
/// finding says so), but the quarantine keeps every byte, from a seekable
/// queue file and from a pipe (preline).
#[test]
fn message_past_max_message_bytes_is_checked_in_part_and_quarantined_whole() {
    let mut raw = many_parts(10);
    raw.extend((0..300_000u32).map(|i| b"abcdefghij\n"[(i % 11) as usize]));
    for stdin in [Stdin::File, Stdin::Pipe] {
        let site = Site::new("[limits]\nmax_message_bytes = 4096\n");
        site.profile("default", "[actions]\nerrormail = \"quarantine\"\n");
        let env = qmail_env("bob@example.org", "alice", "example.com", "");
        let run = site.run(&raw, &env, &[], stdin);
        assert_eq!(run.code, 99, "{} {}", run.stdout, run.stderr);
        let files = site.quarantine("new");
        assert_eq!(files.len(), 1);
        let stored = std::fs::read(&files[0]).expect("read quarantine file");
        assert!(
            stored.ends_with(&raw),
            "quarantine file of {} bytes does not end with the {}-byte message",
            stored.len(),
            raw.len()
        );
        assert!(site.rep().contains("limit max_message_bytes exceeded"));
        // Nothing left in the work directory (the spill file is unlinked).
        let work = site.dir().join("work");
        let left = std::fs::read_dir(&work).map(|d| d.count()).unwrap_or(0);
        assert_eq!(left, 0, "work directory not empty");
    }
}

/// A message longer than the limit that passes (a profile that sets
/// unchecked to pass) is not read whole: the next dot-qmail line reads the
/// queue file itself.
#[test]
fn message_past_max_message_bytes_that_passes_exits_0() {
    let site = Site::new("[limits]\nmax_message_bytes = 4096\n");
    site.profile("default", "[actions]\nunchecked = \"pass\"\n");
    let mut raw = format!("{HEAD}\n").into_bytes();
    raw.extend(std::iter::repeat_n(b'x', 100_000));
    for stdin in [Stdin::File, Stdin::Pipe] {
        let env = qmail_env("bob@example.org", "alice", "example.com", "");
        let run = site.run(&raw, &env, &[], stdin);
        assert_eq!(run.code, 0, "{} {}", run.stdout, run.stderr);
    }
}
