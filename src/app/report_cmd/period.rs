//! The period `qmvc report` (and `quarantine list`) looks at: `--since
//! DATE`, `--until DATE` or `--days N`, as a window over the log's local
//! times (`YYYY-MM-DD HH:MM:SS`, optionally followed by the UTC offset,
//! `2026-11-28 14:00:00+0100`). The local wall-clock times sort as text,
//! so the window compares strings and never converts a line's time: the
//! bounds an administrator types are local wall-clock times too.
//!
//! Pure: today's date comes in as an argument.

use chrono::{Days, NaiveDate, NaiveDateTime};

/// The log's wall-clock time format (the UTC offset that may follow is
/// not part of it).
pub const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// Inclusive bounds on the log's local time, as `YYYY-MM-DD HH:MM:SS`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Window {
    /// First time counted.
    pub since: Option<String>,
    /// Last time counted.
    pub until: Option<String>,
}

impl Window {
    /// The window from the options. `since` and `until` take `YYYY-MM-DD`
    /// (the whole day) or `YYYY-MM-DD HH:MM[:SS]`; `days` = N means today
    /// and the N-1 days before it.
    ///
    /// Errors: the option and what is wrong with it, for a usage error.
    pub fn from_options(
        since: Option<&str>,
        until: Option<&str>,
        days: Option<u32>,
        today: NaiveDate,
    ) -> Result<Window, String> {
        let mut w = Window {
            since: since
                .map(|s| bound(s, "00:00:00").map_err(|e| format!("--since {s}: {e}")))
                .transpose()?,
            until: until
                .map(|s| bound(s, "23:59:59").map_err(|e| format!("--until {s}: {e}")))
                .transpose()?,
        };
        if let Some(n) = days {
            let first = n
                .checked_sub(1)
                .and_then(|back| today.checked_sub_days(Days::new(u64::from(back))))
                .ok_or_else(|| format!("--days {n}: must be at least 1"))?;
            w.since = Some(format!("{} 00:00:00", first.format("%Y-%m-%d")));
        }
        if let (Some(s), Some(u)) = (&w.since, &w.until)
            && s > u
        {
            return Err(format!("--since {s} is after --until {u}"));
        }
        Ok(w)
    }

    /// True when `time` (a log time, with or without its UTC offset) is
    /// inside the window.
    pub fn contains(&self, time: &str) -> bool {
        let time = time.get(..19).unwrap_or(time);
        self.since.as_deref().is_none_or(|s| time >= s)
            && self.until.as_deref().is_none_or(|u| time <= u)
    }
}

/// True when `time` is a real `YYYY-MM-DD HH:MM:SS` time, alone or
/// followed by a UTC offset `+HHMM` / `-HHMM` (as qmvc writes it since the
/// offset was added; older lines have none).
pub fn is_log_time(time: &str) -> bool {
    let (wall, offset) = time.split_at_checked(19).unwrap_or((time, ""));
    let offset_ok = offset.is_empty()
        || (offset.len() == 5
            && offset.starts_with(['+', '-'])
            && offset[1..].bytes().all(|b| b.is_ascii_digit())
            && offset[1..3] <= *"14"
            && offset[3..] < *"60");
    wall.len() == 19 && offset_ok && NaiveDateTime::parse_from_str(wall, TIME_FORMAT).is_ok()
}

/// `date` as a full log time; a date alone gets `time_of_day`.
fn bound(date: &str, time_of_day: &str) -> Result<String, &'static str> {
    let date = date.trim();
    if NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok() && date.len() == 10 {
        return Ok(format!("{date} {time_of_day}"));
    }
    for format in [TIME_FORMAT, "%Y-%m-%d %H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(date, format) {
            return Ok(t.format(TIME_FORMAT).to_string());
        }
    }
    Err("not a date (YYYY-MM-DD or YYYY-MM-DD HH:MM[:SS])")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 21).unwrap_or_default()
    }

    #[test]
    fn dates_cover_whole_days() {
        let w = Window::from_options(Some("2026-11-01"), Some("2026-11-02"), None, today());
        let w = w.unwrap_or_default();
        assert!(w.contains("2026-11-01 00:00:00"));
        assert!(w.contains("2026-11-02 23:59:59"));
        assert!(!w.contains("2026-10-31 23:59:59"));
        assert!(!w.contains("2026-11-03 00:00:00"));
        assert!(w.contains("2026-11-02 23:59:59+0100"));
        assert!(!w.contains("2026-11-03 00:00:00-0500"));
    }

    #[test]
    fn times_and_days() {
        let w = Window::from_options(Some("2026-11-01 12:30"), None, None, today());
        assert_eq!(w.map(|w| w.since), Ok(Some("2026-11-01 12:30:00".into())));
        let w = Window::from_options(None, None, Some(7), today());
        assert_eq!(w.map(|w| w.since), Ok(Some("2026-11-15 00:00:00".into())));
    }

    #[test]
    fn bad_options_are_usage_errors() {
        assert!(Window::from_options(Some("yesterday"), None, None, today()).is_err());
        assert!(Window::from_options(Some("2026-13-01"), None, None, today()).is_err());
        assert!(Window::from_options(None, None, Some(0), today()).is_err());
        assert!(
            Window::from_options(Some("2026-11-02"), Some("2026-11-01"), None, today()).is_err()
        );
    }

    #[test]
    fn log_times_are_checked() {
        assert!(is_log_time("2026-11-21 04:13:00"));
        assert!(!is_log_time("2026-11-21 4:13:00"));
        assert!(!is_log_time("2026-02-30 04:13:00"));
        assert!(is_log_time("2026-11-28 14:00:00+0100"));
        assert!(is_log_time("2026-07-28 14:00:00-0930"));
        assert!(!is_log_time("2026-11-28 14:00:00+01"));
        assert!(!is_log_time("2026-11-28 14:00:00 0100"));
        assert!(!is_log_time("2026-11-28 14:00:00+2500"));
        assert!(!is_log_time("2026-11-28 14:00:00+01€0"));
    }
}
