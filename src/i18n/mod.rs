//! Languages of incident reports: which language a report is written in
//! ([`negotiate_sender`], [`country_language`]) and the Fluent bundles that
//! hold every sentence ([`Catalog`]).
//!
//! Negotiation is pure: header values and addresses come in as strings, the
//! list of available languages as a slice. The catalog (in `catalog.rs`)
//! reads site override files and is the only part that does I/O.
//!
//! Sources: Fluent (projectfluent.org) and fluent-langneg's lookup strategy
//! (RFC 4647 §3.4 in spirit: first requested range that matches wins),
//! RFC 3282 (`Content-Language`), RFC 9110 §12.5.4 (`Accept-Language`), CLDR
//! likely subtags (`und-DE` -> `de-Latn-DE`) through unic-langid.

mod catalog;

pub use catalog::{
    Catalog, SHIPPED, available, check_site, fluent_value, read_site_file, shipped_languages,
};

use fluent_langneg::{NegotiationStrategy, negotiate_languages};
use unic_langid::LanguageIdentifier;
use unic_langid::subtags::Region;

/// Most language tags read from one header; the rest is ignored (a hostile
/// header must not cost).
const MAX_TAGS: usize = 16;

/// Parses a language tag leniently (`de_AT` is taken as `de-AT`); `None`
/// for anything that is not a BCP 47 language tag, and for `*` and `und`.
pub fn parse_tag(tag: &str) -> Option<LanguageIdentifier> {
    let tag = tag.trim();
    if tag.is_empty() || tag.len() > 64 || tag == "*" {
        return None;
    }
    let lang: LanguageIdentifier = tag.replace('_', "-").parse().ok()?;
    if lang.language.is_empty() {
        return None;
    }
    Some(lang)
}

/// The tags of a `Content-Language` header (RFC 3282: a comma-separated
/// list), in order; unparsable entries are skipped.
pub fn content_language(value: &str) -> Vec<LanguageIdentifier> {
    value
        .split(',')
        .take(MAX_TAGS)
        .filter_map(parse_tag)
        .collect()
}

/// The tags of an `Accept-Language` header (RFC 9110 §12.5.4), most
/// preferred first: sorted by `q` (stable, so equal weights keep their
/// order), `q=0` and `*` dropped, unparsable entries skipped.
pub fn accept_language(value: &str) -> Vec<LanguageIdentifier> {
    let mut weighted: Vec<(u16, LanguageIdentifier)> = value
        .split(',')
        .take(MAX_TAGS)
        .filter_map(|entry| {
            let mut fields = entry.split(';');
            let lang = parse_tag(fields.next()?)?;
            let q = fields
                .filter_map(|f| f.trim().strip_prefix("q="))
                .filter_map(|q| q.trim().parse::<f32>().ok())
                .next()
                .unwrap_or(1.0);
            // Weights have at most three decimals (RFC 9110 §12.4.2).
            let q = (q.clamp(0.0, 1.0) * 1000.0).round() as u16;
            (q > 0).then_some((q, lang))
        })
        .collect();
    weighted.sort_by_key(|w| std::cmp::Reverse(w.0));
    weighted.into_iter().map(|(_, lang)| lang).collect()
}

/// Country-code top-level domains that are not ISO 3166 regions, or that
/// are ISO regions whose names are sold worldwide and say nothing about the
/// sender's language. `None` means "no hint".
const TLD_OVERRIDES: &[(&str, Option<&str>)] = &[
    // Not ISO 3166-1 codes.
    ("uk", Some("en-GB")),
    ("su", Some("ru")),
    ("ac", Some("en")),
    ("eu", None),
    // Vanity domains: registered by anyone, anywhere.
    ("io", None),
    ("co", None),
    ("tv", None),
    ("me", None),
    ("ai", None),
    ("fm", None),
    ("gg", None),
    ("ly", None),
    ("to", None),
    ("ws", None),
    ("cc", None),
    ("la", None),
];

/// The language spoken in the country of a domain's country-code TLD, from
/// CLDR likely subtags (`example.de` -> `und-DE` -> `de-Latn-DE`; `.at` ->
/// `de`; `.cn` -> `zh-Hans-CN`). Only the last label counts, so
/// `example.com.br` is Brazil and `example.com.tr` Turkey. Generic TLDs
/// (`.com`, `.org`) and the vanity or non-ISO domains of a short override
/// list give `None` (or the override's language: `.uk` is `en-GB`, `.su`
/// `ru`).
pub fn country_language(domain: &str) -> Option<LanguageIdentifier> {
    let tld = domain
        .trim()
        .trim_end_matches('.')
        .rsplit('.')
        .next()?
        .to_ascii_lowercase();
    if tld.len() != 2 || !tld.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    if let Some((_, lang)) = TLD_OVERRIDES.iter().find(|(t, _)| *t == tld) {
        return lang.and_then(parse_tag);
    }
    let region: Region = tld.parse().ok()?;
    let mut lang = LanguageIdentifier::from_parts(Default::default(), None, Some(region), &[]);
    if !lang.maximize() || lang.language.is_empty() {
        return None;
    }
    Some(lang)
}

/// What the offending message tells about its sender's language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SenderHints {
    /// The message's `Content-Language` header, if any.
    pub content_language: Option<String>,
    /// The message's `Accept-Language` header, if any.
    pub accept_language: Option<String>,
    /// The envelope sender's domain (`example.com.br`).
    pub domain: String,
}

/// The language of a sender report: fluent-langneg's lookup over
/// `available`, requesting in order the message's `Content-Language` tags,
/// its `Accept-Language` tags (by weight), the language of the sender
/// domain's country ([`country_language`]); `default` (the profile's
/// language) when none of them is available. The result is always one of
/// `available`, or `default` itself.
pub fn negotiate_sender(
    hints: &SenderHints,
    available: &[LanguageIdentifier],
    default: &LanguageIdentifier,
) -> LanguageIdentifier {
    let mut requested = Vec::new();
    if let Some(v) = &hints.content_language {
        requested.extend(content_language(v));
    }
    if let Some(v) = &hints.accept_language {
        requested.extend(accept_language(v));
    }
    requested.extend(country_language(&hints.domain));
    negotiate(&requested, available, default)
}

/// The best of `available` for `requested` (lookup strategy), else
/// `default`.
pub fn negotiate(
    requested: &[LanguageIdentifier],
    available: &[LanguageIdentifier],
    default: &LanguageIdentifier,
) -> LanguageIdentifier {
    negotiate_languages(requested, available, None, NegotiationStrategy::Lookup)
        .first()
        .map(|l| (*l).clone())
        .unwrap_or_else(|| default.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> LanguageIdentifier {
        parse_tag(s).unwrap_or_default()
    }

    fn shipped() -> Vec<LanguageIdentifier> {
        shipped_languages()
    }

    fn by_domain(domain: &str) -> String {
        let hints = SenderHints {
            domain: domain.into(),
            ..Default::default()
        };
        negotiate_sender(&hints, &shipped(), &tag("en")).to_string()
    }

    #[test]
    fn country_codes_give_their_language() {
        for (domain, lang) in [
            ("example.de", "de"),
            ("example.at", "de"),
            ("example.fr", "fr"),
            ("example.com.br", "pt"),
            ("example.jp", "ja"),
            ("example.it", "it"),
            ("example.es", "es"),
            ("example.com.tr", "tr"),
            ("example.lt", "lt"),
            ("example.cn", "zh"),
            ("example.nl", "nl"),
            ("example.pl", "pl"),
            ("example.ru", "ru"),
            ("example.su", "ru"),
            ("example.co.uk", "en"),
            ("EXAMPLE.DE.", "de"),
        ] {
            assert_eq!(by_domain(domain), lang, "{domain}");
        }
    }

    #[test]
    fn generic_and_vanity_domains_give_no_hint() {
        for domain in [
            "example.com",
            "example.org",
            "example.io",
            "example.eu",
            "",
            "x",
            "a.b.c9",
        ] {
            assert_eq!(country_language(domain), None, "{domain}");
            assert_eq!(by_domain(domain), "en", "{domain}");
        }
    }

    #[test]
    fn likely_subtags_are_maximized() {
        assert_eq!(
            country_language("x.de").map(|l| l.to_string()),
            Some("de-Latn-DE".into())
        );
        assert_eq!(
            country_language("x.cn").map(|l| l.to_string()),
            Some("zh-Hans-CN".into())
        );
    }

    #[test]
    fn content_language_beats_accept_language_beats_domain() {
        let mut hints = SenderHints {
            content_language: Some("nl".into()),
            accept_language: Some("fr;q=0.5, it".into()),
            domain: "example.de".into(),
        };
        let en = tag("en");
        assert_eq!(negotiate_sender(&hints, &shipped(), &en).to_string(), "nl");
        hints.content_language = Some("xx-garbage-!!, tlh".into());
        assert_eq!(negotiate_sender(&hints, &shipped(), &en).to_string(), "it");
        hints.accept_language = Some("*, sw;q=0.9".into());
        assert_eq!(negotiate_sender(&hints, &shipped(), &en).to_string(), "de");
    }

    #[test]
    fn accept_language_orders_by_weight_and_drops_zero() {
        let got: Vec<String> = accept_language("de;q=0.2, fr-CH, en;q=0, pl;q=0.9, *;q=0.1")
            .iter()
            .map(|l| l.to_string())
            .collect();
        assert_eq!(got, ["fr-CH", "pl", "de"]);
    }

    #[test]
    fn regional_tags_match_shipped_languages() {
        let en = tag("en");
        for (requested, got) in [("pt-BR", "pt"), ("de-CH", "de"), ("zh-Hans-CN", "zh")] {
            assert_eq!(
                negotiate(&[tag(requested)], &shipped(), &en).to_string(),
                got
            );
        }
        assert_eq!(
            negotiate(&[tag("sw")], &shipped(), &tag("de")).to_string(),
            "de"
        );
    }

    #[test]
    fn hostile_headers_are_bounded() {
        let long = "de,".repeat(10_000);
        assert_eq!(content_language(&long).len(), MAX_TAGS);
        assert!(parse_tag(&"a".repeat(100)).is_none());
        assert!(parse_tag("*").is_none());
    }
}
