//! Annual risk: how often events come, not only how bad one is. The design is an event-loss
//! table, as catastrophe models build one (Oasis LMF's ELT → YLT): each event with a
//! `rate_per_year` is simulated alone, as `rows` replications of the scenario with only that
//! event, each with its own draws (`table.rs`); then each of N years draws a Poisson number of
//! occurrences of every event and a table row for each (`years.rs`). A year's loss is the sum of
//! its occurrences' losses (AEP) and its largest occurrence (OEP); `stats.rs` reads the curves,
//! the AAL and TVaR, with intervals from a bootstrap over both the years and the tables, and
//! `benefit.rs` weighs a variant's averted loss against its cost.
//!
//! Overlapping occurrences are treated as independent: two occurrences in one year each do the
//! damage they do alone, and the year's loss adds them, even where they would fall on the same
//! days (for rare outages lasting hours in a year of 8 760, the overlap is rare; a second
//! occurrence while the first still runs would in truth do less, so the sum errs high).

pub mod benefit;
pub mod export;
pub mod stats;
pub mod table;
pub mod years;

pub use benefit::{Averted, BenefitCost, averted, weigh};
pub use stats::{
    BOOTSTRAP, Curves, Estimate, Point, RETURN_PERIODS, RateDraws, YearLosses, curves, year_losses,
};
pub use table::EventTable;
pub use years::{Occurrence, Years};
