//! `concrisk annual FILE [--years N] [--variants a,b]`: the flags into an
//! [`AnnualRequest`], and the printed summary of what it wrote.

use std::fmt::Write as _;

use clap::Args;

use concrisk::study::{self, AnnualRequest, AnnualResult, DEFAULT_YEARS, StudyError};

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
    if let Some(m) = a.metrics.get(&a.headline_metric) {
        let _ = writeln!(
            text,
            "  {}: annual average {:.0} (standard error {:.0})",
            a.headline_metric, m.aal.mean, m.aal.se
        );
        for p in m
            .aep
            .iter()
            .filter(|p| [10.0, 100.0, 1000.0].contains(&p.return_period_years))
        {
            let _ = writeln!(
                text,
                "  once in {:>4} years the year's loss exceeds {:.0} (95 % interval {:.0} to {:.0}; {} occurrences behind it)",
                p.return_period_years, p.value, p.lo, p.hi, p.occurrences
            );
        }
    }
    for row in &done.benefit_cost {
        let _ = writeln!(
            text,
            "  {:<20} averts {:.0} a year [{:.0}, {:.0}]; NPV {:.0} [{:.0}, {:.0}]; BCR {:.2} [{:.2}, {:.2}]",
            row.variant,
            row.averted.mean,
            row.averted.lo,
            row.averted.hi,
            row.npv[0],
            row.npv[1],
            row.npv[2],
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
