//! The period `qmvc report` (and `quarantine list`) looks at: `--since
//! DATE`, `--until DATE` or `--days N`, as a window over the log's local
//! times (`YYYY-MM-DD HH:MM:SS`, optionally followed by the UTC offset,
//! `2026-11-28 14:00:00+0100`).
//!
//! A time that carries its offset is an instant, and is compared as one:
//! when the clocks go back, `02:10:00+0100` comes after `02:30:00+0200`.
//! The bounds an administrator types are local wall-clock times; with
//! [`Window::in_zone`] they are made instants in the local zone (an
//! ambiguous `--since` takes the earlier instant, `--until` the later, so
//! the window is never narrower than what was typed). Lines without an
//! offset (written before qmvc recorded it) and a bound that falls in a
//! skipped hour are compared as wall-clock text, as before.
//!
//! Pure: today's date and the time zone come in as arguments.

use chrono::{
    DateTime, Days, FixedOffset, NaiveDate, NaiveDateTime, Offset, TimeDelta, TimeZone, Utc,
};

/// The log's wall-clock time format (the UTC offset that may follow is
/// not part of it).
pub const TIME_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// Inclusive bounds on the log's local time, as `YYYY-MM-DD HH:MM:SS`,
/// and (after [`Window::in_zone`]) as instants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Window {
    /// First time counted.
    pub since: Option<String>,
    /// Last time counted.
    pub until: Option<String>,
    /// `since` as an instant in the local zone, for times with an offset.
    pub since_at: Option<DateTime<Utc>>,
    /// `until` as an instant in the local zone, for times with an offset.
    pub until_at: Option<DateTime<Utc>>,
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
            ..Window::default()
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

    /// The window with its bounds made instants in `zone` (the local
    /// zone of the host the log was written on): `since` the earliest
    /// instant that wall-clock time names, `until` the latest. A bound in
    /// a skipped hour stays wall-clock text only.
    pub fn in_zone<Tz: TimeZone>(mut self, zone: &Tz) -> Window {
        let at = |bound: &Option<String>, latest: bool| {
            let wall = NaiveDateTime::parse_from_str(bound.as_deref()?, TIME_FORMAT).ok()?;
            let found = local_instants(zone, wall);
            if latest {
                found.into_iter().max()
            } else {
                found.into_iter().min()
            }
        };
        self.since_at = at(&self.since, false);
        self.until_at = at(&self.until, true);
        self
    }

    /// True when `time` (a log time, with or without its UTC offset) is
    /// inside the window: as an instant when it has an offset and the
    /// bound is one, else as wall-clock text.
    pub fn contains(&self, time: &str) -> bool {
        let at = instant(time);
        let wall = time.get(..19).unwrap_or(time);
        let after_since = match (at, self.since_at) {
            (Some(t), Some(s)) => t >= s,
            _ => self.since.as_deref().is_none_or(|s| wall >= s),
        };
        let before_until = match (at, self.until_at) {
            (Some(t), Some(u)) => t <= u,
            _ => self.until.as_deref().is_none_or(|u| wall <= u),
        };
        after_since && before_until
    }
}

/// Every instant at which `zone`'s clocks show `wall`: one, two when the
/// clocks go back over it, none in a skipped hour. Each offset `zone` has
/// within a day of `wall` is tried, and kept when `zone` really has it at
/// the instant it gives (so no reliance on how the zone answers a local
/// time that is ambiguous).
fn local_instants<Tz: TimeZone>(zone: &Tz, wall: NaiveDateTime) -> Vec<DateTime<Utc>> {
    let mut found: Vec<DateTime<Utc>> = Vec::new();
    for hours in [-26, -12, 0, 12, 26] {
        let Some(probe) = wall.checked_add_signed(TimeDelta::hours(hours)) else {
            continue;
        };
        let offset = zone.offset_from_utc_datetime(&probe).fix();
        let Some(utc) =
            wall.checked_sub_signed(TimeDelta::seconds(i64::from(offset.local_minus_utc())))
        else {
            continue;
        };
        let instant = Utc.from_utc_datetime(&utc);
        if zone.offset_from_utc_datetime(&utc).fix() == offset && !found.contains(&instant) {
            found.push(instant);
        }
    }
    found
}

/// The instant a log time names when it carries its UTC offset
/// (`2026-10-25 02:10:00+0100`); `None` without one.
pub fn instant(time: &str) -> Option<DateTime<Utc>> {
    if time.len() != 24 {
        return None;
    }
    DateTime::<FixedOffset>::parse_from_str(time, "%Y-%m-%d %H:%M:%S%z")
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// True when log time `a` is before `b`: as instants when both carry an
/// offset, else by their wall-clock text (lines written before the offset
/// was recorded).
pub fn earlier(a: &str, b: &str) -> bool {
    match (instant(a), instant(b)) {
        (Some(x), Some(y)) => x < y,
        _ => a.get(..19).unwrap_or(a) < b.get(..19).unwrap_or(b),
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
    fn times_with_an_offset_compare_as_instants() {
        // When the clocks go back: 02:10+0100 is 40 minutes after 02:30+0200.
        assert!(earlier(
            "2026-10-25 02:30:00+0200",
            "2026-10-25 02:10:00+0100"
        ));
        assert!(!earlier(
            "2026-10-25 02:10:00+0100",
            "2026-10-25 02:30:00+0200"
        ));
        // Without an offset, as before: wall-clock text.
        assert!(earlier("2026-10-25 02:10:00", "2026-10-25 02:30:00+0200"));
        let plus_one = FixedOffset::east_opt(3600).unwrap_or_else(|| Utc.fix());
        let w = Window::from_options(Some("2026-10-25 02:20"), None, None, today())
            .unwrap_or_default()
            .in_zone(&plus_one);
        assert!(w.contains("2026-10-25 02:10:00+0000"));
        assert!(!w.contains("2026-10-25 02:10:00+0100"));
        assert!(!w.contains("2026-10-25 02:10:00"));
        assert!(w.contains("2026-10-25 02:30:00"));
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
