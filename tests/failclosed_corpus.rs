//! Fail closed against real mail from `../shared/corpus`: no message of the
//! corpus reaches a parser limit under the default `[limits]` (so none
//! becomes `unchecked` for being legitimate but large or deep), and the
//! default nesting limit leaves a wide margin over the deepest message
//! (the margin is measured here and printed).
//!
//! Ignored in a plain `cargo test`; `tools/test` runs it when the corpus is
//! beside the checkout.

use std::path::PathBuf;

use qmvc::message::{self, Anomaly, Limits};

fn corpus() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"))
}

/// Every message file of the corpus: all but `_ref/`, expectations and
/// licences.
fn messages() -> Vec<PathBuf> {
    let root = corpus();
    assert!(root.is_dir(), "needs ../shared/corpus beside the checkout");
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(&root)
        .into_iter()
        .filter_entry(|e| e.file_name() != "_ref")
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(walkdir::DirEntry::into_path)
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !["csv", "md", "json", "rs"]
                .iter()
                .any(|e| name.ends_with(&format!(".{e}")))
                && !name.starts_with("LICENSE")
                && !["COPYING", "README", "gitattributes"].contains(&name)
        })
        .collect();
    v.sort();
    v
}

#[test]
#[ignore = "needs ../shared/corpus beside the checkout"]
fn no_corpus_message_reaches_a_default_limit_and_depth_has_margin() {
    let limits = Limits::default();
    let mut deepest = (0, PathBuf::new());
    let mut reached = Vec::new();
    let files = messages();
    assert!(files.len() > 2500, "only {} corpus messages", files.len());
    for path in &files {
        let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let m = message::parse(&raw, &limits);
        for p in &m.parts {
            if p.depth > deepest.0 {
                deepest = (p.depth, path.clone());
            }
        }
        for a in &m.anomalies {
            if let Anomaly::LimitExceeded { .. } = a {
                reached.push(format!("{}: {}", path.display(), a.describe()));
            }
        }
    }
    println!(
        "{} messages; deepest part at depth {} ({}); default max_depth {}",
        files.len(),
        deepest.0,
        deepest.1.display(),
        limits.max_depth
    );
    for r in &reached {
        println!("  limit: {r}");
    }
    assert!(
        reached.is_empty(),
        "{} messages reach a limit",
        reached.len()
    );
    assert!(
        limits.max_depth >= 4 * deepest.0,
        "max_depth {} leaves less than four times the deepest corpus message ({})",
        limits.max_depth,
        deepest.0
    );
}
