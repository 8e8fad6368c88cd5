//! The shipped templates and locales agree: every Fluent id a template
//! uses exists in every locale, every locale has exactly English's ids,
//! and no other locale speaks English, in its source or in what it renders.

mod notify_support;

use std::collections::BTreeSet;

use notify_support::*;
use qmvc::i18n::{Catalog, SHIPPED};
use qmvc::notify::{Audience, Reactions, TEMPLATES, dynamic_ids, ids_used};

/// The message ids of a Fluent source (`id = ...` at a line start).
fn ids(source: &str) -> BTreeSet<String> {
    source
        .lines()
        .filter_map(|l| l.split_once(" ="))
        .map(|(id, _)| id)
        .filter(|id| {
            !id.is_empty()
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        })
        .map(str::to_string)
        .collect()
}

/// English text runs of three words or more: message values and variants
/// with their `{ ... }` placeables cut out.
fn english_sentences() -> Vec<String> {
    let en = SHIPPED
        .iter()
        .find(|(l, _)| *l == "en")
        .map(|(_, s)| *s)
        .unwrap_or("");
    let mut out = Vec::new();
    for line in en.lines() {
        let line = line.trim();
        if line.starts_with('#') || line.is_empty() {
            continue;
        }
        let value = match line.split_once(" = ") {
            Some((_, v)) => v,
            None => line.split_once("] ").map_or(line, |(_, v)| v),
        };
        let mut text = String::new();
        let mut depth = 0;
        for c in value.chars() {
            match c {
                '{' => {
                    depth += 1;
                    text.push('|');
                }
                '}' => depth -= 1,
                _ if depth == 0 => text.push(c),
                _ => {}
            }
        }
        for run in text.split('|') {
            let run = run.trim().trim_end_matches(['.', ':', ',']);
            if run
                .split_whitespace()
                .filter(|w| w.chars().any(char::is_alphabetic))
                .count()
                >= 3
            {
                out.push(run.to_string());
            }
        }
    }
    out
}

#[test]
fn thirteen_languages_are_shipped() {
    let langs: Vec<&str> = SHIPPED.iter().map(|(l, _)| *l).collect();
    for l in [
        "en", "de", "fr", "es", "it", "nl", "pt", "pl", "tr", "lt", "zh", "ja", "ru",
    ] {
        assert!(langs.contains(&l), "{l} missing");
    }
}

#[test]
fn every_template_id_exists_in_every_locale() {
    let mut used = dynamic_ids();
    for (name, source) in TEMPLATES {
        let found = ids_used(source);
        assert!(
            !found.is_empty() || *name == "guard-details",
            "{name} uses no sentence?"
        );
        used.extend(found);
    }
    assert!(used.len() > 60, "only {} ids found", used.len());
    for (lang, _) in SHIPPED {
        let catalog = Catalog::load(&lang.parse().unwrap_or_default(), None)
            .unwrap_or_else(|e| panic!("{lang}: {}", e.chain()));
        let missing: Vec<&String> = used.iter().filter(|id| !catalog.has(id)).collect();
        assert!(missing.is_empty(), "{lang} lacks {missing:?}");
    }
}

#[test]
fn every_locale_has_exactly_the_english_ids() {
    let en = ids(SHIPPED[0].1);
    assert_eq!(SHIPPED[0].0, "en");
    for (lang, source) in SHIPPED {
        let mine = ids(source);
        let missing: Vec<_> = en.difference(&mine).collect();
        let extra: Vec<_> = mine.difference(&en).collect();
        assert!(
            missing.is_empty() && extra.is_empty(),
            "{lang}: missing {missing:?}, extra {extra:?}"
        );
    }
}

#[test]
fn no_other_locale_contains_english_sentences() {
    let sentences = english_sentences();
    assert!(sentences.len() > 30, "{sentences:?}");
    for (lang, source) in SHIPPED.iter().filter(|(l, _)| *l != "en") {
        let text: String = source
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n");
        for s in &sentences {
            assert!(!text.contains(s.as_str()), "{lang} still says {s:?}");
        }
    }
}

#[test]
fn no_other_locale_renders_english() {
    let sentences = english_sentences();
    let cases = [
        (Audience::AntivirusGuard, virus_plan()),
        (Audience::BadmailGuard, badmail_plan()),
        (Audience::Recipient, virus_plan()),
        (Audience::Recipient, badmail_plan()),
        (Audience::Sender, badmail_plan()),
        (Audience::Sender, virus_plan()),
        (Audience::Bomber, badmail_plan()),
    ];
    let mut rendered = 0;
    for (lang, _) in SHIPPED {
        for (audience, plan) in &cases {
            let (text, _) = preview_fresh(
                &Reactions::default(),
                plan,
                "bob@example.org",
                &[("Subject", "Invoice")],
                *audience,
                Some(lang),
            );
            let report = parse(text.as_bytes());
            let all = format!(
                "{}\n{}",
                report.header("Subject").unwrap_or(""),
                report.body
            );
            let english: Vec<&String> = sentences
                .iter()
                .filter(|s| all.contains(s.as_str()))
                .collect();
            if *lang == "en" {
                assert!(!english.is_empty(), "the check finds English in English");
            } else {
                assert!(
                    english.is_empty(),
                    "{lang} {audience:?} renders English {english:?}:\n{all}"
                );
            }
            rendered += 1;
        }
    }
    assert_eq!(rendered, 13 * cases.len());
}
