//! Clock times on the hour axes: when `summary.json` has a `start` (RFC 3339 with its UTC offset),
//! an hour of the run is labelled by its local date and time in that offset.

use chrono::{DateTime, Duration, FixedOffset, Timelike};

use crate::report::input::Summary;

/// Hour 0 of a run as a date and time with its offset.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Start(DateTime<FixedOffset>);

impl Start {
    /// The run's start, when the summary gives one that reads as RFC 3339.
    pub(crate) fn of(summary: &Summary) -> Option<Start> {
        let text = summary.start.as_deref()?;
        DateTime::parse_from_rfc3339(text.trim()).ok().map(Start)
    }

    /// A start from its RFC 3339 text, for tests.
    #[cfg(test)]
    pub(crate) fn parse(text: &str) -> Option<Start> {
        DateTime::parse_from_rfc3339(text).ok().map(Start)
    }

    /// The local time at `hours` into the run, to the minute.
    fn at(&self, hours: f64) -> Option<DateTime<FixedOffset>> {
        if !hours.is_finite() || hours.abs() > 1e7 {
            return None;
        }
        let minutes = (hours * 60.0).round() as i64;
        self.0.checked_add_signed(Duration::minutes(minutes))
    }

    /// Hours from the last local midnight to hour 0.
    pub(crate) fn offset_hours(&self) -> f64 {
        f64::from(self.0.num_seconds_from_midnight()) / 3600.0
    }

    /// A tick label: the date alone on an axis of `days`; else the time of day, with the date
    /// on the first tick and the date alone at each midnight.
    pub(crate) fn tick(&self, hours: f64, first: bool, days: bool) -> String {
        let Some(t) = self.at(hours) else {
            return format!("{hours:.0}");
        };
        let midnight = t.hour() == 0 && t.minute() == 0;
        if days || midnight {
            t.format("%-d %b").to_string()
        } else if first {
            t.format("%-d %b %H:%M").to_string()
        } else {
            t.format("%H:%M").to_string()
        }
    }

    /// The axis title: local time in the start's offset.
    pub(crate) fn axis_title(&self) -> String {
        format!(
            "Local time (UTC{}); the run starts {}",
            self.0.format("%:z"),
            self.0.format("%-d %b %Y, %H:%M")
        )
    }

    /// The local time at `hours` into the run beside another at `reference` hours: the time of
    /// day alone when both fall on one date, else with its date.
    pub(crate) fn words_beside(&self, hours: f64, reference: f64) -> String {
        match (self.at(hours), self.at(reference)) {
            (Some(x), Some(y)) if x.date_naive() == y.date_naive() => x.format("%H:%M").to_string(),
            _ => self.words(hours),
        }
    }

    /// The local date and time at `hours` into the run, for text beside a mark.
    pub(crate) fn words(&self, hours: f64) -> String {
        self.at(hours)
            .map(|t| t.format("%-d %b %H:%M").to_string())
            .unwrap_or_else(|| format!("hour {hours:.0}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(text: &str) -> Start {
        Start(DateTime::parse_from_rfc3339(text).expect("valid"))
    }

    #[test]
    fn ticks_are_local_clock_times_with_the_date_at_midnight() {
        let s = start("2022-10-15T15:30:00+09:00");
        assert!((s.offset_hours() - 15.5).abs() < 1e-12);
        assert_eq!(s.tick(0.0, true, false), "15 Oct 15:30");
        assert_eq!(s.tick(2.5, false, false), "18:00");
        // 8.5 hours after 15:30 is midnight: the date shows.
        assert_eq!(s.tick(8.5, false, false), "16 Oct");
        assert_eq!(s.tick(32.5, false, true), "17 Oct");
        assert_eq!(s.words(32.5), "17 Oct 00:00");
        assert_eq!(s.words_beside(2.5, 6.0), "18:00");
        assert_eq!(s.words_beside(10.0, 6.0), "16 Oct 01:30");
        assert_eq!(
            s.axis_title(),
            "Local time (UTC+09:00); the run starts 15 Oct 2022, 15:30"
        );
    }

    #[test]
    fn a_negative_offset_keeps_its_own_clock() {
        let s = start("2021-10-04T11:40:00-04:00");
        assert_eq!(s.tick(0.0, true, false), "4 Oct 11:40");
        // 12 h 20 min after 11:40 is local midnight of the next day, whatever UTC says.
        assert_eq!(s.tick(12.0 + 20.0 / 60.0, false, false), "5 Oct");
        assert_eq!(s.tick(1.0 + 20.0 / 60.0, false, false), "13:00");
    }
}
