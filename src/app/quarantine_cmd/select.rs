//! Which quarantined messages `quarantine list` shows: `--recipient`,
//! `--sender`, `--verdict`, `--since`, `--until`. Every filter given must
//! match. Pure: the item's recorded values come in, nothing is read here.

use crate::app::report_cmd::period::Window;
use crate::cli::ListFilter;

/// The filters, checked and ready.
#[derive(Debug, Default)]
pub struct Selection {
    recipient: Option<String>,
    sender: Option<String>,
    verdicts: Vec<String>,
    window: Window,
}

/// What a filter looks at in one message: the values qmvc recorded
/// (unescaped), and the local time the file was stored
/// (`YYYY-MM-DD HH:MM:SS`).
#[derive(Debug, Clone)]
pub struct Seen<'a> {
    /// `Delivered-To:` (`RECIPIENT`); `None` for a file qmvc did not write.
    pub recipient: Option<&'a str>,
    /// The envelope sender, empty for the null sender.
    pub sender: Option<&'a str>,
    /// `virus`, `badmail`, ... or `?`.
    pub verdict: &'a str,
    /// When it was stored, local time.
    pub stored: String,
}

impl Selection {
    /// Checks the options: dates as `qmvc report` takes them
    /// (`YYYY-MM-DD` for a whole day, or `YYYY-MM-DD HH:MM[:SS]`).
    ///
    /// Errors: the option and what is wrong with it (a usage error).
    pub fn new(filter: &ListFilter) -> Result<Selection, String> {
        // `today` only matters for --days, which list does not take.
        let today = chrono::NaiveDate::default();
        let window = Window::from_options(
            filter.since.as_deref(),
            filter.until.as_deref(),
            None,
            today,
        )?;
        for v in &filter.verdict {
            if crate::verdict::Verdict::from_name(&v.to_lowercase()).is_none() {
                let known: Vec<&str> = crate::verdict::Verdict::ALL
                    .iter()
                    .map(|v| v.name())
                    .collect();
                return Err(format!("--verdict {v}: not one of {}", known.join(", ")));
            }
        }
        Ok(Selection {
            recipient: filter.recipient.as_deref().map(str::to_lowercase),
            sender: filter.sender.as_deref().map(str::to_lowercase),
            verdicts: filter.verdict.iter().map(|v| v.to_lowercase()).collect(),
            window,
        })
    }

    /// True when `seen` passes every filter given. Addresses match as a
    /// case-insensitive part of the address; `<>` (or an empty
    /// `--sender`) selects the null sender only. A file qmvc did not write
    /// has no recipient or sender and fails any address filter.
    pub fn matches(&self, seen: &Seen<'_>) -> bool {
        let part_of = |want: &Option<String>, have: Option<&str>| match want {
            None => true,
            Some(w) => have.is_some_and(|h| h.to_lowercase().contains(w.as_str())),
        };
        let sender_ok = match self.sender.as_deref() {
            Some("<>" | "") => seen.sender == Some(""),
            _ => part_of(&self.sender, seen.sender),
        };
        sender_ok
            && part_of(&self.recipient, seen.recipient)
            && (self.verdicts.is_empty() || self.verdicts.iter().any(|v| v == seen.verdict))
            && self.window.contains(&seen.stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen<'a>(recipient: &'a str, sender: &'a str, verdict: &'a str) -> Seen<'a> {
        Seen {
            recipient: Some(recipient),
            sender: Some(sender),
            verdict,
            stored: "2026-11-21 04:13:00".into(),
        }
    }

    fn select(filter: ListFilter) -> Selection {
        Selection::new(&filter).unwrap_or_default()
    }

    #[test]
    fn every_filter_must_match() {
        let s = select(ListFilter {
            recipient: Some("@Example.COM".into()),
            verdict: vec!["virus".into()],
            ..ListFilter::default()
        });
        assert!(s.matches(&seen("info@example.com", "a@b.c", "virus")));
        assert!(!s.matches(&seen("info@example.org", "a@b.c", "virus")));
        assert!(!s.matches(&seen("info@example.com", "a@b.c", "badmail")));
        assert!(select(ListFilter::default()).matches(&seen("x", "", "?")));
    }

    #[test]
    fn null_sender_and_unknown_files() {
        let s = select(ListFilter {
            sender: Some("<>".into()),
            ..ListFilter::default()
        });
        assert!(s.matches(&seen("x@y", "", "badmail")));
        assert!(!s.matches(&seen("x@y", "a@b.c", "badmail")));
        let foreign = Seen {
            recipient: None,
            sender: None,
            verdict: "?",
            stored: "2026-11-21 04:13:00".into(),
        };
        assert!(!s.matches(&foreign));
    }

    #[test]
    fn dates_are_whole_days_and_checked() {
        let s = select(ListFilter {
            since: Some("2026-11-21".into()),
            until: Some("2026-11-21".into()),
            ..ListFilter::default()
        });
        assert!(s.matches(&seen("x", "", "virus")));
        let later = Seen {
            stored: "2026-11-22 00:00:00".into(),
            ..seen("x", "", "virus")
        };
        assert!(!s.matches(&later));
        let bad = ListFilter {
            since: Some("yesterday".into()),
            ..ListFilter::default()
        };
        assert!(Selection::new(&bad).is_err());
        let typo = ListFilter {
            verdict: vec!["viruses".into()],
            ..ListFilter::default()
        };
        assert!(Selection::new(&typo).is_err());
    }
}
