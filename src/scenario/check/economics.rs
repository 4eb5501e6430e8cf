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
