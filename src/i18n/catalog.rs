//! Fluent bundles for incident reports: the shipped locales embedded in the
//! binary, site overrides read from `[paths].locales/<lang>/*.ftl`, and
//! English as the last fallback for any sentence a site locale lacks.
//!
//! Only the bundle a report needs is built, when it is needed: start-up
//! cost is paid on every delivered message. Site files are read with a size
//! cap; a broken site file is used as far as it parses (what it breaks is
//! listed by [`check_site`] for `config check`).

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

use crate::error::Error;

/// The shipped locales: (language tag, Fluent source of
/// `locales/<lang>/reports.ftl`). English first: it is the fallback.
pub const SHIPPED: &[(&str, &str)] = &[
    ("en", include_str!("../../locales/en/reports.ftl")),
    ("de", include_str!("../../locales/de/reports.ftl")),
    ("fr", include_str!("../../locales/fr/reports.ftl")),
    ("es", include_str!("../../locales/es/reports.ftl")),
    ("it", include_str!("../../locales/it/reports.ftl")),
    ("nl", include_str!("../../locales/nl/reports.ftl")),
    ("pt", include_str!("../../locales/pt/reports.ftl")),
    ("pl", include_str!("../../locales/pl/reports.ftl")),
    ("tr", include_str!("../../locales/tr/reports.ftl")),
    ("lt", include_str!("../../locales/lt/reports.ftl")),
    ("zh", include_str!("../../locales/zh/reports.ftl")),
    ("ja", include_str!("../../locales/ja/reports.ftl")),
    ("ru", include_str!("../../locales/ru/reports.ftl")),
];

/// Largest site `.ftl` file read (bytes); larger files are refused.
const MAX_SITE_FILE: u64 = 256 << 10;

/// Most `.ftl` files read from one site language directory.
const MAX_SITE_FILES: usize = 32;

/// The shipped languages as identifiers, in [`SHIPPED`] order.
pub fn shipped_languages() -> Vec<LanguageIdentifier> {
    SHIPPED
        .iter()
        .filter_map(|(tag, _)| tag.parse().ok())
        .collect()
}

/// The shipped languages plus every `[paths].locales/<tag>/` directory
/// whose name is a language tag (a site may add a language). A missing or
/// unreadable directory adds nothing.
pub fn available(site: Option<&Path>) -> Vec<LanguageIdentifier> {
    let mut langs = shipped_languages();
    let Some(dir) = site else { return langs };
    let Ok(entries) = fs::read_dir(dir) else {
        return langs;
    };
    let mut extra: Vec<LanguageIdentifier> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| super::parse_tag(e.file_name().to_str()?))
        .filter(|l| !langs.contains(l))
        .collect();
    extra.sort_by_key(|l| l.to_string());
    langs.extend(extra);
    langs
}

/// Every sentence of one language: the shipped locale (when there is one)
/// overridden message by message by the site's files, with English behind
/// it for anything missing.
pub struct Catalog {
    language: LanguageIdentifier,
    bundle: FluentBundle<FluentResource>,
    site: Option<PathBuf>,
    fallback: OnceLock<Option<Box<Catalog>>>,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

impl Catalog {
    /// Builds the catalog of `language`: its shipped file (matched on the
    /// language subtag, so `de-AT` gets `de`), then every `*.ftl` of
    /// `site/<language>/` in name order, each overriding what came before.
    ///
    /// Errors: [`Error::Read`] when a site file exists but cannot be read
    /// or is larger than 256 KiB. Syntax errors are not fatal: what parsed
    /// is used.
    pub fn load(language: &LanguageIdentifier, site: Option<&Path>) -> Result<Catalog, Error> {
        let mut bundle = FluentBundle::new_concurrent(vec![language.clone()]);
        // Plain-text mail: no FSI/PDI marks around placeables.
        bundle.set_use_isolating(false);
        if let Some(source) = shipped_source(language) {
            let resource = parse(source.to_string());
            bundle.add_resource_overriding(resource);
        }
        for text in site_sources(language, site)? {
            bundle.add_resource_overriding(parse(text));
        }
        Ok(Catalog {
            language: language.clone(),
            bundle,
            site: site.map(Path::to_path_buf),
            fallback: OnceLock::new(),
        })
    }

    /// The catalog's language.
    pub fn language(&self) -> &LanguageIdentifier {
        &self.language
    }

    /// True when this language itself (not the fallback) has `id`.
    pub fn has(&self, id: &str) -> bool {
        self.bundle
            .get_message(id)
            .is_some_and(|m| m.value().is_some())
    }

    /// The message `id` formatted with `args`, from this language or else
    /// from English; `None` when neither has it. Formatting errors (a
    /// missing argument) leave Fluent's visible placeholder in the text.
    pub fn get(&self, id: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
        if let Some(pattern) = self.bundle.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            return Some(
                self.bundle
                    .format_pattern(pattern, args, &mut errors)
                    .into_owned(),
            );
        }
        self.fallback()?.get(id, args)
    }

    /// English behind a non-English catalog, built on first use.
    fn fallback(&self) -> Option<&Catalog> {
        if self.language.language.as_str() == "en" {
            return None;
        }
        self.fallback
            .get_or_init(|| {
                let en: LanguageIdentifier = "en".parse().ok()?;
                Catalog::load(&en, self.site.as_deref()).ok().map(Box::new)
            })
            .as_deref()
    }
}

/// A Fluent value from a JSON value of the template data: strings and
/// numbers as themselves, booleans as `yes`/`no` (for selectors), lists
/// joined with `, `, anything else empty.
pub fn fluent_value(value: &serde_json::Value) -> FluentValue<'static> {
    use serde_json::Value;
    match value {
        Value::String(s) => FluentValue::from(s.clone()),
        Value::Number(n) => n
            .as_f64()
            .map(FluentValue::from)
            .unwrap_or_else(|| FluentValue::from(n.to_string())),
        Value::Bool(b) => FluentValue::from(if *b { "yes" } else { "no" }),
        Value::Array(items) => FluentValue::from(
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        _ => FluentValue::from(""),
    }
}

/// Every problem of the site locale directory, as (file, problem): files
/// that cannot be read, Fluent syntax errors, language directories whose
/// name is not a language tag. A missing directory is no problem.
pub fn check_site(site: &Path) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let Ok(entries) = fs::read_dir(site) else {
        return problems;
    };
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for entry in entries.filter_map(|e| e.ok()) {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            dirs.insert(entry.path());
        }
    }
    for dir in dirs {
        let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if super::parse_tag(name).is_none() {
            problems.push((
                dir.display().to_string(),
                "directory name is not a language tag".to_string(),
            ));
            continue;
        }
        let files = match ftl_files(&dir) {
            Ok(files) => files,
            Err(e) => {
                problems.push((dir.display().to_string(), e.to_string()));
                continue;
            }
        };
        for file in files {
            match read_site_file(&file) {
                Ok(text) => {
                    if let Err((_, errors)) = FluentResource::try_new(text) {
                        for e in errors {
                            problems.push((
                                file.display().to_string(),
                                format!("fluent syntax error: {e}"),
                            ));
                        }
                    }
                }
                Err(e) => problems.push((file.display().to_string(), e.to_string())),
            }
        }
    }
    problems
}

/// The shipped Fluent source for `language`, matched on the language
/// subtag.
fn shipped_source(language: &LanguageIdentifier) -> Option<&'static str> {
    SHIPPED
        .iter()
        .find(|(tag, _)| *tag == language.language.as_str())
        .map(|(_, source)| *source)
}

/// A resource from source text, keeping what parsed when some entries do
/// not.
fn parse(text: String) -> FluentResource {
    FluentResource::try_new(text).unwrap_or_else(|(partial, _)| partial)
}

/// The text of every site file for `language`: `site/<tag>/*.ftl` for the
/// full tag, and first for the bare language when the tag has more
/// (`de/` then `de-AT/`).
fn site_sources(language: &LanguageIdentifier, site: Option<&Path>) -> Result<Vec<String>, Error> {
    let Some(site) = site else {
        return Ok(Vec::new());
    };
    let mut names = vec![language.language.as_str().to_string()];
    let full = language.to_string();
    if full != names[0] {
        names.push(full);
    }
    let mut out = Vec::new();
    for name in names {
        let dir = site.join(name);
        let files = match ftl_files(&dir) {
            Ok(files) => files,
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(source) => {
                return Err(Error::Read {
                    what: "locale directory",
                    path: dir,
                    source,
                });
            }
        };
        for path in files {
            let text = read_site_file(&path).map_err(|source| Error::Read {
                what: "locale",
                path: path.clone(),
                source,
            })?;
            out.push(text);
        }
    }
    Ok(out)
}

/// The `*.ftl` files of `dir`, sorted by name, at most
/// [`MAX_SITE_FILES`].
fn ftl_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ftl") && p.is_file())
        .collect();
    files.sort();
    files.truncate(MAX_SITE_FILES);
    Ok(files)
}

/// Reads a site file (locale or template) of at most 256 KiB as UTF-8.
///
/// Errors: the file's own, or `InvalidData` when larger or not UTF-8.
pub fn read_site_file(path: &Path) -> io::Result<String> {
    let file = fs::File::open(path)?;
    let mut text = String::new();
    file.take(MAX_SITE_FILE + 1).read_to_string(&mut text)?;
    if text.len() as u64 > MAX_SITE_FILE {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "file larger than 256 KiB",
        ));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> LanguageIdentifier {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn every_shipped_locale_parses_cleanly() {
        for (lang, source) in SHIPPED {
            if let Err((_, errors)) = FluentResource::try_new(source.to_string()) {
                panic!("{lang}: {errors:?}");
            }
        }
    }

    #[test]
    fn regional_tag_gets_the_shipped_language() -> Result<(), Error> {
        let c = Catalog::load(&tag("de-AT"), None)?;
        assert!(c.has("greeting"));
        assert_ne!(
            c.get("greeting", None),
            Catalog::load(&tag("en"), None)?.get("greeting", None)
        );
        Ok(())
    }

    #[test]
    fn site_overrides_one_message_and_falls_back_to_english()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        fs::create_dir_all(dir.path().join("fr"))?;
        fs::write(
            dir.path().join("fr/site.ftl"),
            "greeting = Salut la compagnie,\n",
        )?;
        fs::create_dir_all(dir.path().join("eo"))?;
        fs::write(dir.path().join("eo/a.ftl"), "greeting = Saluton,\n")?;
        let fr = Catalog::load(&tag("fr"), Some(dir.path()))?;
        assert_eq!(
            fr.get("greeting", None).as_deref(),
            Some("Salut la compagnie,")
        );
        assert!(fr.has("closing"), "the rest of the shipped file stays");
        let eo = Catalog::load(&tag("eo"), Some(dir.path()))?;
        assert_eq!(eo.get("greeting", None).as_deref(), Some("Saluton,"));
        let en = Catalog::load(&tag("en"), None)?;
        assert_eq!(eo.get("closing", None), en.get("closing", None));
        assert!(available(Some(dir.path())).contains(&tag("eo")));
        assert_eq!(eo.get("no-such-id", None), None);
        Ok(())
    }

    #[test]
    fn check_site_names_broken_files() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        fs::create_dir_all(dir.path().join("de"))?;
        fs::write(dir.path().join("de/bad.ftl"), "greeting = ok\n= broken {\n")?;
        fs::create_dir_all(dir.path().join("not a tag!"))?;
        let problems = check_site(dir.path());
        assert!(
            problems
                .iter()
                .any(|(f, p)| f.ends_with("bad.ftl") && p.contains("syntax")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|(f, _)| f.ends_with("not a tag!")),
            "{problems:?}"
        );
        // What parsed is still used.
        let de = Catalog::load(&tag("de"), Some(dir.path()))?;
        assert_eq!(de.get("greeting", None).as_deref(), Some("ok"));
        Ok(())
    }

    #[test]
    fn oversized_site_file_is_refused() -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        fs::create_dir_all(dir.path().join("de"))?;
        fs::write(dir.path().join("de/big.ftl"), "x".repeat(300 << 10))?;
        assert!(Catalog::load(&tag("de"), Some(dir.path())).is_err());
        Ok(())
    }
}
