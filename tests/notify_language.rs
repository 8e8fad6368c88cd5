//! `notify preview --audience sender` picks the sender's language: from
//! the message's Content-Language, then the sender domain's country, then
//! the profile's default; a second language follows the first.

mod notify_support;

use notify_support::*;
use qmvc::notify::{Audience, Reactions};

fn sender_preview(sender: &str, headers: &[(&str, &str)], reactions: &Reactions) -> Parsed {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let (text, _) = preview(
        dir.path(),
        reactions,
        &badmail_plan(),
        &envelope(sender),
        &message(headers),
        Audience::Sender,
        None,
    );
    parse(text.as_bytes())
}

#[test]
fn sender_domain_chooses_the_language() {
    let cases = [
        ("alice@example.de", "de"),
        ("alice@example.at", "de"),
        ("alice@example.fr", "fr"),
        ("alice@example.com.br", "pt"),
        ("alice@example.jp", "ja"),
        ("alice@example.it", "it"),
        ("alice@example.es", "es"),
        ("alice@example.com.tr", "tr"),
        ("alice@example.lt", "lt"),
        ("alice@example.cn", "zh"),
        ("alice@example.nl", "nl"),
        ("alice@example.pl", "pl"),
        ("alice@example.ru", "ru"),
        ("alice@example.com", "en"),
    ];
    let mut bodies = std::collections::BTreeSet::new();
    for (sender, lang) in cases {
        let report = sender_preview(sender, &[("Subject", "Invoice")], &Reactions::default());
        assert_eq!(report.header("Content-Language"), Some(lang), "{sender}");
        assert_eq!(
            report.header("To"),
            Some(format!("<{sender}>").as_str()),
            "{sender}"
        );
        bodies.insert(report.body.clone());
    }
    // Each language really is a different text (13 distinct languages).
    assert_eq!(bodies.len(), 13);
}

#[test]
fn content_language_header_beats_the_domain() {
    let report = sender_preview(
        "alice@example.de",
        &[("Subject", "Factuur"), ("Content-Language", "nl")],
        &Reactions::default(),
    );
    assert_eq!(report.header("Content-Language"), Some("nl"));
    assert!(
        report.body.contains("Uw bericht aan alice@example.com"),
        "{}",
        report.body
    );
}

#[test]
fn accept_language_beats_the_domain_but_not_content_language() {
    let report = sender_preview(
        "alice@example.de",
        &[("Accept-Language", "it-IT, it;q=0.9, en;q=0.5")],
        &Reactions::default(),
    );
    assert_eq!(report.header("Content-Language"), Some("it"));
    let report = sender_preview(
        "alice@example.de",
        &[("Accept-Language", "it"), ("Content-Language", "pl")],
        &Reactions::default(),
    );
    assert_eq!(report.header("Content-Language"), Some("pl"));
}

#[test]
fn unknown_languages_fall_back_to_the_profile_default() {
    let report = sender_preview(
        "alice@example.com",
        &[
            ("Content-Language", "tlh, x-klingon"),
            ("Accept-Language", "sw"),
        ],
        &Reactions::default(),
    );
    assert_eq!(report.header("Content-Language"), Some("en"));
}

#[test]
fn second_language_follows_the_first() {
    let reactions = Reactions {
        second_language: Some("en".into()),
        ..Reactions::default()
    };
    let report = sender_preview("alice@example.fr", &[], &reactions);
    assert_eq!(report.header("Content-Language"), Some("fr, en"));
    let fr = report.body.find("Votre message à alice@example.com");
    let en = report.body.find("Your message to alice@example.com");
    assert!(fr.is_some() && en.is_some() && fr < en, "{}", report.body);
    // The Subject is the main language's.
    assert_eq!(
        report.header("Subject"),
        Some("Avis de sécurité concernant votre message à alice@example.com")
    );
    // No second copy when the negotiated language is the second one.
    let report = sender_preview("alice@example.com", &[], &reactions);
    assert_eq!(report.header("Content-Language"), Some("en"));
}

#[test]
fn lang_option_overrides_the_negotiation() {
    let (text, _) = preview_fresh(
        &Reactions::default(),
        &badmail_plan(),
        "alice@example.de",
        &[],
        Audience::Sender,
        Some("ja"),
    );
    let report = parse(text.as_bytes());
    assert_eq!(report.header("Content-Language"), Some("ja"));
    assert!(
        report.body.contains("配信できませんでした"),
        "{}",
        report.body
    );
}

#[test]
fn preview_says_when_the_profile_would_not_send() {
    let (text, warning) = preview_fresh(
        &Reactions::default(),
        &badmail_plan(),
        "alice@example.de",
        &[],
        Audience::Sender,
        None,
    );
    assert!(text.contains("Content-Language: de"));
    assert_eq!(
        warning.as_deref(),
        Some("the profile would not send this report: sender reports are off for badmail")
    );
    let (_, warning) = preview_fresh(
        &everyone(),
        &badmail_plan(),
        "alice@example.de",
        &[],
        Audience::Sender,
        None,
    );
    assert_eq!(warning, None);
}

#[test]
fn guards_and_recipient_get_the_profile_language() {
    for audience in [Audience::BadmailGuard, Audience::Recipient] {
        let (text, _) = preview_fresh(
            &everyone(),
            &badmail_plan(),
            "alice@example.de",
            &[("Content-Language", "fr")],
            audience,
            None,
        );
        assert_eq!(
            parse(text.as_bytes()).header("Content-Language"),
            Some("en")
        );
    }
}
