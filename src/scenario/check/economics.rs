//! `[economics]`: the discount rate and horizon under which `annual` weighs a variant's averted
//! losses against its cost.

use super::checker::Checker;
use crate::scenario::locate::FieldPath;
use crate::scenario::model::Economics;
use crate::scenario::raw::RawEconomics;

/// The longest horizon a measure may be weighed over, in years.
pub const MAX_HORIZON_YEARS: u64 = 1000;

pub(super) fn economics(cx: &mut Checker<'_, '_>, raw: RawEconomics) -> Option<Economics> {
    let here = FieldPath::default().key("economics");
    let rate = raw.discount_rate;
    let discount_rate = if rate.is_finite() && (0.0..1.0).contains(&rate) {
        Some(rate)
    } else {
        cx.problem(
            &here.key("discount_rate"),
            format!("{rate} is not a yearly discount rate in [0, 1)"),
            "give a share per year, e.g. discount_rate = 0.045 for 4.5 %",
        );
        None
    };
    let years = raw.horizon_years;
    let horizon_years = if (1..=MAX_HORIZON_YEARS).contains(&years) {
        u32::try_from(years).ok()
    } else {
        cx.problem(
            &here.key("horizon_years"),
            format!("{years} is not a horizon between 1 and {MAX_HORIZON_YEARS} years"),
            "give the years the measure lasts, e.g. horizon_years = 20",
        );
        None
    };
    Some(Economics {
        discount_rate: discount_rate?,
        horizon_years: horizon_years?,
    })
}

#[cfg(test)]
mod tests {
    use crate::scenario::{Document, Economics, VariantCost};

    /// A small file with an event, a variant and `[economics]`, each with the given lines, so
    /// that one test can break one field.
    fn file(events: &str, variant: &str, economics: &str) -> String {
        format!(
            r#"[scenario]
name = "annual"

[run]
horizon_hours = 24

[population]
size = 1000

[[platforms]]
id = "app"

[[adoption]]
platform = "app"
share = 0.5

[[services]]
id = "chat"
demand_per_day = 1
channels = [{{ platform = "app" }}]

[[events]]
id = "fire"
fails = ["app"]
duration_hours = 4
{events}

[[variants]]
name = "backup"
set = {{ "events.fire.duration_hours" = 2 }}
{variant}

{economics}
"#
        )
    }

    fn problem(text: &str) -> (usize, String, String) {
        let error = Document::parse(text, "a.toml")
            .and_then(|d| d.scenario(&[]).map(|_| ()))
            .err()
            .unwrap_or_else(|| panic!("expected a problem in:\n{text}"));
        let p = &error.problems()[0];
        (
            p.location.as_ref().map_or(0, |l| l.line),
            p.field.clone(),
            p.message.clone(),
        )
    }

    #[test]
    fn rates_costs_and_economics_are_read() {
        let text = file(
            "rate_per_year = 0.4",
            "cost = { upfront = 1.0e11, per_year = 5.0e9 }",
            "[economics]\ndiscount_rate = 0.045\nhorizon_years = 20",
        );
        let document = Document::parse(&text, "a.toml").unwrap_or_else(|e| panic!("{e}"));
        let scenario = document.scenario(&[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(scenario.events[0].rate_per_year, Some(0.4));
        let economics = scenario.economics.unwrap_or_else(|| panic!("economics"));
        assert_eq!(economics.horizon_years, 20);
        assert_eq!(
            document.cost("backup"),
            Some(VariantCost {
                upfront: 1.0e11,
                per_year: 5.0e9
            })
        );
        // The rate is an ordinary number at its edit path.
        let edited = document
            .scenario(&[crate::scenario::Edit::set(
                "events.fire.rate_per_year",
                &toml::Value::Float(2.5),
            )])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(edited.events[0].rate_per_year, Some(2.5));
        // And absent, the event has none, the file no economics and the variant no cost.
        let bare = file("", "", "");
        let document = Document::parse(&bare, "a.toml").unwrap_or_else(|e| panic!("{e}"));
        let scenario = document.scenario(&[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(scenario.events[0].rate_per_year, None);
        assert!(scenario.economics.is_none());
        assert_eq!(document.cost("backup"), None);
    }

    /// Hand computation: at 4.5 % over 20 years, Σ 1.045^−t = (1 − 1.045^−20) / 0.045
    /// = 13.007 936…; at 0 % it is the number of years.
    #[test]
    fn the_annuity_factor_is_the_sum_of_discount_factors() {
        let e = Economics {
            discount_rate: 0.045,
            horizon_years: 20,
        };
        let sum: f64 = (1..=20).map(|t| 1.045f64.powi(-t)).sum();
        assert!((e.annuity() - sum).abs() < 1e-12, "{} {sum}", e.annuity());
        assert!((e.annuity() - 13.007_936).abs() < 1e-6);
        let flat = Economics {
            discount_rate: 0.0,
            horizon_years: 7,
        };
        assert_eq!(flat.annuity(), 7.0);
        let cost = VariantCost {
            upfront: 100.0,
            per_year: 10.0,
        };
        assert!((cost.present_value(&e) - (100.0 + 10.0 * sum)).abs() < 1e-9);
    }

    #[test]
    fn bad_values_are_located_at_their_field() {
        let (line, field, message) = problem(&file("rate_per_year = -1", "", ""));
        assert_eq!((line, field.as_str()), (26, "events[0].rate_per_year"));
        assert!(message.contains("-1 is not a rate"), "{message}");
        let (line, field, _) = problem(&file(
            "",
            "",
            "[economics]\ndiscount_rate = 1.5\nhorizon_years = 20",
        ));
        assert_eq!((line, field.as_str()), (34, "economics.discount_rate"));
        let (line, field, _) = problem(&file(
            "",
            "",
            "[economics]\ndiscount_rate = 0.03\nhorizon_years = 0",
        ));
        assert_eq!((line, field.as_str()), (35, "economics.horizon_years"));
        let (line, field, message) = problem(&file("", "cost = { upfront = -5 }", ""));
        assert_eq!((line, field.as_str()), (31, "variants[0].cost.upfront"));
        assert!(message.contains("-5 is not an amount"), "{message}");
        let (_, field, message) = problem(&file("", "cost = { upfront = 1, spare = 2 }", ""));
        assert!(field.starts_with("variants[0].cost"), "{field}");
        assert!(message.contains("unknown field"), "{message}");
    }
}
