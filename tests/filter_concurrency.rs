//! 50 deliveries at once, as 50 separate qmvc processes started together
//! (qmail-send runs up to concurrencylocal of them): the same sender, the
//! same recipient, the same quarantine, log, `.rep` and bomber state, every
//! message badmail. Every log line whole, every quarantine file whole and
//! under its own name, every bomber count handed out exactly once, and the
//! reports the bomber window allows: below the threshold each incident is
//! reported, the one that passes it alerts the guards once, the rest are
//! silent.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use qmvc::actions::log::LogLine;
use support::{Site, bomber_counts, message, user_env};

const DELIVERIES: u32 = 50;
const THRESHOLD: u32 = 10;
const SENDER: &str = "bomber@example.org";

#[test]
fn fifty_concurrent_deliveries_keep_every_record_whole_and_exact() {
    let site = Site::new("[guards]\nbadmail = [\"bm@example.com\"]\n");
    site.profile(
        "default",
        &format!(
            "[reactions.bomber]\nthreshold = {THRESHOLD}\nwindow = \"1h\"\ncount = [\"badmail\"]\n"
        ),
    );
    let original = message("badmail-exe.eml");
    let env = user_env(SENDER, "bob@example.com");
    // Spawn all, then wait: they run at the same time.
    let children: Vec<_> = (0..DELIVERIES)
        .map(|_| site.spawn(&original, &env))
        .collect();
    let pids: BTreeSet<u32> = children.iter().map(|c| c.id()).collect();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert_eq!(
            out.status.code(),
            Some(99),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // Exactly 50 log lines, each whole: it parses, and names one of ours.
    let lines = site.log_lines();
    assert_eq!(lines.len(), DELIVERIES as usize, "{lines:#?}");
    let parsed: Vec<LogLine> = lines
        .iter()
        .map(|l| LogLine::parse(l).unwrap_or_else(|| panic!("torn log line: {l:?}")))
        .collect();
    assert_eq!(
        parsed.iter().map(|l| l.pid).collect::<BTreeSet<u32>>(),
        pids
    );
    assert!(
        parsed
            .iter()
            .all(|l| l.action == "quarantine" && l.exit == 99 && l.sender == SENDER)
    );
    let ids: BTreeSet<&str> = parsed.iter().map(|l| l.id.as_str()).collect();
    assert_eq!(ids.len(), DELIVERIES as usize, "incident ids are unique");

    // 50 quarantine files, each whole, each carrying one logged incident.
    assert_eq!(site.whole_quarantine(&original), DELIVERIES as usize);
    let stored: BTreeSet<String> = site
        .quarantine("new")
        .iter()
        .map(|p| {
            let text = String::from_utf8_lossy(&fs::read(p).expect("read")).into_owned();
            let id = text
                .lines()
                .find_map(|l| l.strip_prefix("X-Qmvc-Incident: "))
                .expect("incident header");
            id.to_string()
        })
        .collect();
    assert_eq!(stored, ids.iter().map(|s| s.to_string()).collect());

    // Every bomber count from 1 to 50 handed out exactly once.
    let counts = bomber_counts(&site.rep());
    assert_eq!(counts.len(), DELIVERIES as usize, "one .rep block each");
    let mut handed: Vec<u32> = counts.values().copied().collect();
    handed.sort_unstable();
    assert_eq!(handed, (1..=DELIVERIES).collect::<Vec<u32>>());

    // Reports: the guard and the recipient hear of the first THRESHOLD
    // incidents, the guards get one alert for the one that passes it.
    let mut by_audience: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    for (args, report) in site.sent() {
        let text = String::from_utf8_lossy(&report).into_owned();
        // Message-ID: <qmvc.ID.AUDIENCE.SECS@HOST>
        let audience = text
            .lines()
            .find_map(|l| l.strip_prefix("Message-ID: <qmvc."))
            .and_then(|m| m.split('@').next())
            .and_then(|m| m.rsplit('.').nth(1))
            .unwrap_or_else(|| panic!("a report without qmvc's Message-ID: {args:?}"))
            .to_string();
        let id = text
            .lines()
            .find_map(|l| l.strip_prefix("X-Qmvc-Incident: "))
            .expect("incident header");
        let count = counts.get(id).copied();
        by_audience
            .entry(audience)
            .or_default()
            .push(count.expect("a report about a logged incident"));
    }
    for v in by_audience.values_mut() {
        v.sort_unstable();
    }
    let below: Vec<u32> = (1..=THRESHOLD).collect();
    println!(
        "{DELIVERIES} concurrent deliveries, threshold {THRESHOLD}: reports by bomber count {by_audience:?}"
    );
    assert_eq!(by_audience.get("guard-badmail"), Some(&below));
    assert_eq!(by_audience.get("recipient"), Some(&below));
    assert_eq!(by_audience.get("bomber"), Some(&vec![THRESHOLD + 1]));
}
