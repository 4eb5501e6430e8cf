//! Numbers for people: `21.4 M`, `KRW 1.2 tn`, `12.5 %`, `3.4 d`.
//!
//! Ministers read these figures in prose, so they are rounded to what can be said aloud and carry
//! their unit, which comes from the metric registry ([`Measure`]). A value that is not a number
//! prints as an en dash rather than "NaN".

use crate::results::Unit;
use crate::results::registry;
use crate::results::summary::Summary;

/// Shown for a value that is not a number.
pub(crate) const MISSING: &str = "–";

/// The one minus sign of every page, figure and terminal line (U+2212, as wide as a plus and
/// never taken for a hyphen).
pub const MINUS: &str = "\u{2212}";

/// Between a number and its unit: a no-break space, so that "2.2 tn" never breaks across lines
/// in a legend or on the page.
pub(crate) const NBSP: char = '\u{a0}';

const UNITS: [(f64, &str); 4] = [(1e12, "tn"), (1e9, "bn"), (1e6, "M"), (1e3, "k")];

/// A count or amount: `950`, `12.3 k`, `21.4 M`, `3.2 bn`, `1.2 tn`; small values keep up to two
/// decimals (`0.35`, `12.5`).
pub(crate) fn count(x: f64) -> String {
    if !x.is_finite() {
        return MISSING.to_string();
    }
    let sign = if x < 0.0 { MINUS } else { "" };
    let body = magnitude(x.abs());
    if body == "0" {
        body
    } else {
        format!("{sign}{body}")
    }
}

fn magnitude(a: f64) -> String {
    // Walk up from the smallest unit: a value that rounds to 1000 of one unit (999.95 k) is
    // written in the next (1.0 M), so a reader never sees "1000.0 k".
    let small = plain(a);
    if small.parse::<f64>().map_or(true, |v| v < 1000.0) {
        return small;
    }
    for (i, &(size, name)) in UNITS.iter().enumerate().rev() {
        let v = a / size;
        let text = format!("{v:.1}");
        let is_last = i == 0;
        if is_last || text.parse::<f64>().map_or(true, |r| r < 1000.0) {
            return format!("{text}{NBSP}{name}");
        }
    }
    small
}

/// Below a thousand: three significant figures at most, trailing zeros dropped.
fn plain(a: f64) -> String {
    let decimals = if a >= 99.95 {
        0
    } else if a >= 9.995 {
        1
    } else {
        2
    };
    let text = format!("{a:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// Money with the currency code in front: `KRW 1.2 tn`, `KRW -3.4 M`; no code when the scenario
/// names none.
pub(crate) fn money(x: f64, currency: &str) -> String {
    let n = count(x);
    if currency.is_empty() || n == MISSING {
        n
    } else {
        format!("{currency}{NBSP}{n}")
    }
}

/// A share in [0, 1] as a percentage: `12.5 %`; shares under 1 % keep two significant digits
/// (at least two decimals), so that a small but real effect never prints as `0.0 %`:
/// 1.3e-05 is `0.0013 %`.
pub(crate) fn share(x: f64) -> String {
    if !x.is_finite() {
        return MISSING.to_string();
    }
    let p = x * 100.0;
    let sign = if p < 0.0 { MINUS } else { "" };
    let a = p.abs();
    let text = if a == 0.0 {
        "0.0".to_string()
    } else if a < 0.995 {
        let decimals = (1.0 - a.log10().floor()).clamp(2.0, 12.0) as usize;
        let text = format!("{a:.decimals$}");
        let trimmed = text.trim_end_matches('0');
        // Keep at least two decimals ("0.50", not "0.5").
        let keep = text.find('.').map_or(text.len(), |dot| dot + 3);
        let text = if trimmed.len() < keep {
            &text[..keep]
        } else {
            trimmed
        };
        if text.trim_matches(|c| c == '0' || c == '.').is_empty() {
            format!("{a:.1e}")
        } else {
            format!("{sign}{text}")
        }
    } else {
        format!("{sign}{a:.1}")
    };
    format!("{text}{NBSP}%")
}

/// A change of share in words: "rose from 0.87 % to 2.46 %", with two decimals when one would
/// print both alike (a small rise must not read "from 1.0 % to 1.0 %"), or "stayed at 2.1 %".
pub(crate) fn share_change(before: f64, after: f64) -> String {
    let (mut from, mut to) = (share(before), share(after));
    if from == to {
        let two = |x: f64| format!("{:.2}{NBSP}%", x * 100.0);
        (from, to) = (two(before), two(after));
    }
    if from == to {
        format!("stayed at {}", share(after))
    } else if after > before {
        format!("rose from {from} to {to}")
    } else {
        format!("fell from {from} to {to}")
    }
}

/// A duration: `11.2 h`, or days beyond 48 hours: `3.4 d`.
pub(crate) fn hours(x: f64) -> String {
    if !x.is_finite() {
        return MISSING.to_string();
    }
    if x.abs() > 48.0 {
        format!("{}{NBSP}d", count(x / 24.0))
    } else {
        format!("{}{NBSP}h", count(x))
    }
}

/// An amount written out in full, for parameters the analyst typed: `10,000`, `12.5`.
pub(crate) fn exact(x: f64) -> String {
    if !x.is_finite() {
        MISSING.to_string()
    } else if x.fract() == 0.0 && x.abs() < 1e15 {
        let sign = if x < 0.0 { MINUS } else { "" };
        format!("{sign}{}", grouped(x.abs() as u64))
    } else {
        x.to_string()
    }
}

/// An exact whole number with thousands separators: `51,740,000`.
pub(crate) fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How the report shows the values of one metric family: its title and unit, from the registry
/// (or, for a family this version does not know, its name and the unit the file gives).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Measure {
    pub title: String,
    pub unit: Unit,
}

impl Measure {
    /// The measure of a metric (or of its family) by name; `unit` is the one the file gives,
    /// which wins over the registry's.
    pub(crate) fn of(metric: &str, unit: Option<Unit>) -> Measure {
        let (family, _, _) = registry::split(metric);
        match registry::family_named(family) {
            Some(known) => Measure {
                title: known.title.to_string(),
                unit: unit.unwrap_or(known.unit),
            },
            None => Measure {
                title: family.to_string(),
                unit: unit.unwrap_or(Unit::Count),
            },
        }
    }

    /// The measure of a metric of a summary, with the unit the summary gives it.
    pub(crate) fn in_summary(summary: &Summary, metric: &str) -> Measure {
        Measure::of(metric, summary.metrics.get(metric).and_then(|m| m.unit))
    }

    /// A value for a tick label or a table cell: a percentage for shares and levels, else a
    /// count (money too: the currency goes in the axis title or table heading, once).
    pub(crate) fn value(&self, x: f64) -> String {
        if self.unit.is_fraction() {
            share(x)
        } else {
            count(x)
        }
    }

    /// A value in a sentence or a legend: with the currency for money.
    pub(crate) fn words(&self, x: f64, currency: &str) -> String {
        if self.unit == Unit::Money {
            money(x, currency)
        } else {
            self.value(x)
        }
    }

    /// What a table heading or axis title adds for the unit: ` (KRW)`, ` (%)`; nothing for
    /// counts and person-hours, whose titles say what they count.
    pub(crate) fn unit_suffix(&self, currency: &str) -> String {
        match self.unit {
            Unit::Money if !currency.is_empty() => format!(" ({currency})"),
            Unit::Share => " (%)".to_string(),
            Unit::Level => " (% of normal)".to_string(),
            Unit::Money | Unit::Count | Unit::PersonHours => String::new(),
        }
    }

    /// A table heading: the title, with the currency for money (other units show in each cell).
    pub(crate) fn heading(&self, currency: &str) -> String {
        match self.unit {
            Unit::Money => self.axis_title(currency),
            _ => self.title.clone(),
        }
    }

    /// The axis title: the title with its unit, e.g. "Economic loss (KRW)".
    pub(crate) fn axis_title(&self, currency: &str) -> String {
        format!("{}{}", self.title, self.unit_suffix(currency))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spaced(s: String) -> String {
        s.replace(NBSP, " ")
    }

    #[test]
    fn counts() {
        let cases = [
            (0.0, "0"),
            (-0.0, "0"),
            (-0.001, "0"),
            (0.35, "0.35"),
            (3.2, "3.2"),
            (12.5, "12.5"),
            (950.0, "950"),
            (999.4, "999"),
            (999.6, "1.0 k"),
            (12_345.0, "12.3 k"),
            (999_949.0, "999.9 k"),
            (999_950.0, "1.0 M"),
            (21_400_000.0, "21.4 M"),
            (3.2e9, "3.2 bn"),
            (1.2e12, "1.2 tn"),
            (5.0e15, "5000.0 tn"),
            (-12_345.0, "\u{2212}12.3 k"),
            (-950.0, "\u{2212}950"),
            (f64::NAN, "–"),
            (f64::INFINITY, "–"),
        ];
        for (x, want) in cases {
            assert_eq!(count(x).replace(NBSP, " "), want, "count({x})");
        }
    }

    #[test]
    fn money_puts_the_currency_first() {
        assert_eq!(spaced(money(1.2e12, "KRW")), "KRW 1.2 tn");
        assert_eq!(spaced(money(-3.4e6, "KRW")), "KRW \u{2212}3.4 M");
        assert_eq!(spaced(money(950.0, "")), "950");
        assert_eq!(spaced(money(f64::NAN, "KRW")), "–");
    }

    #[test]
    fn shares() {
        assert_eq!(spaced(share(0.125)), "12.5 %");
        assert_eq!(spaced(share(0.0)), "0.0 %");
        assert_eq!(spaced(share(1.0)), "100.0 %");
        assert_eq!(spaced(share(0.0004)), "0.04 %");
        assert_eq!(spaced(share(0.00001)), "0.001 %");
        assert_eq!(spaced(share(1.3e-05)), "0.0013 %");
        assert_eq!(spaced(share(0.005)), "0.50 %");
        assert_eq!(spaced(share(-0.25)), "\u{2212}25.0 %");
        assert_eq!(spaced(share(0.99999)), "100.0 %");
        assert_eq!(spaced(share(f64::NAN)), "–");
    }

    #[test]
    fn grouping() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(950), "950");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(51_740_000), "51,740,000");
        assert_eq!(exact(10_000.0), "10,000");
        assert_eq!(exact(-2500.0), "\u{2212}2,500");
        assert_eq!(exact(12.5), "12.5");
    }

    #[test]
    fn measures_come_from_the_registry() {
        let before = Measure::of("platform_share_before.line", None);
        assert_eq!(
            before.title,
            "Share of people holding the platform before the event"
        );
        assert_eq!(spaced(before.value(0.008_7)), "0.87 %");
        let loss = Measure::of("economic_loss.total.by_segment.elderly", None);
        assert_eq!(loss.axis_title("KRW"), "Economic loss (KRW)");
        assert_eq!(spaced(loss.words(1.2e12, "KRW")), "KRW 1.2 tn");
        // A family the registry does not know keeps its name and the file's unit.
        let odd = Measure::of("switching_regret.messaging", Some(Unit::Share));
        assert_eq!(
            (odd.title.as_str(), odd.unit),
            ("switching_regret", Unit::Share)
        );
    }

    #[test]
    fn share_changes_show_the_change() {
        assert_eq!(
            spaced(share_change(0.0087, 0.0246)),
            "rose from 0.87 % to 2.5 %"
        );
        assert_eq!(
            spaced(share_change(0.0100, 0.0104)),
            "rose from 1.00 % to 1.04 %"
        );
        assert_eq!(spaced(share_change(0.021, 0.02100001)), "stayed at 2.1 %");
        assert_eq!(spaced(share_change(0.5, 0.4)), "fell from 50.0 % to 40.0 %");
    }

    #[test]
    fn durations() {
        assert_eq!(spaced(hours(11.2)), "11.2 h");
        assert_eq!(spaced(hours(48.0)), "48 h");
        assert_eq!(spaced(hours(81.6)), "3.4 d");
        assert_eq!(spaced(hours(0.0)), "0 h");
        assert_eq!(spaced(hours(f64::NAN)), "–");
    }
}
