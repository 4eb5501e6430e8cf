//! `concrisk annual FILE [--years N] [--variants a,b]`: the flags into an
//! [`AnnualRequest`], and the printed summary of what it wrote.

use std::fmt::Write as _;

use clap::Args;

use concrisk::study::{self, AnnualRequest, AnnualResult, DEFAULT_YEARS, StudyError};

use super::describe::with_unit;
use super::policy::{self, StudyArgs};
use super::progress;

#[derive(Debug, Args)]
pub(super) struct AnnualArgs {
    #[command(flatten)]
    study: StudyArgs,
    /// Simulated years (each rated event occurs a Poisson number of times in each).
    #[arg(long, default_value_t = DEFAULT_YEARS)]
    years: u32,
    /// Variants to weigh against the baseline, comma-separated (each needs a cost; the file
    /// needs [economics]). --replications sets the occurrences simulated per event.
    #[arg(long, value_delimiter = ',')]
    variants: Vec<String>,
}

pub(super) fn annual(args: &AnnualArgs) -> Result<(), StudyError> {
    let request = AnnualRequest {
        study: policy::study(&args.study),
        years: args.years,
        variants: args.variants.clone(),
    };
    let done = study::annual(&request, &progress::Bars::default())?;
    print!("{}", text(&done));
    Ok(())
}

fn text(done: &AnnualResult) -> String {
    let a = &done.annual;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{}: {} years, {} occurrences simulated per event, seed {}",
        a.scenario, a.years, a.occurrences_per_event, a.seed
    );
    let unit = a
        .metrics
        .get(&a.headline_metric)
        .map_or(concrisk::results::Unit::Money, |m| m.unit);
    let money = |x: f64, precision: f64| with_unit(x, precision, unit, &a.currency);
    if let Some(m) = a.metrics.get(&a.headline_metric) {
        let _ = writeln!(
            text,
            "  {}: annual average {} (standard error {})",
            a.headline_metric,
            money(m.aal.mean, m.aal.se),
            money(m.aal.se, m.aal.se)
        );
        for p in m
            .aep
            .iter()
            .filter(|p| [10.0, 100.0, 1000.0].contains(&p.return_period_years))
        {
            // Rounded to what the interval supports.
            let precision = (p.hi - p.lo) / 4.0;
            let _ = writeln!(
                text,
                "  once in {:>4} years the year's loss exceeds {} (95 % interval {} to {}; {} occurrences behind it)",
                p.return_period_years,
                money(p.value, precision),
                money(p.lo, precision),
                money(p.hi, precision),
                p.occurrences
            );
        }
    }
    for row in &done.benefit_cost {
        let precision = (row.averted.hi - row.averted.lo) / 4.0;
        let npv_precision = (row.npv[2] - row.npv[1]) / 4.0;
        let _ = writeln!(
            text,
            "  {:<20} averts {} a year [{}, {}]; NPV {} [{}, {}]; BCR {:.2} [{:.2}, {:.2}]",
            row.variant,
            money(row.averted.mean, precision),
            money(row.averted.lo, precision),
            money(row.averted.hi, precision),
            money(row.npv[0], npv_precision),
            money(row.npv[1], npv_precision),
            money(row.npv[2], npv_precision),
            row.bcr[0],
            row.bcr[1],
            row.bcr[2]
        );
    }
    let _ = writeln!(
        text,
        "wrote {}/annual.json, years.csv, events.csv",
        done.out.display()
    );
    text
}
