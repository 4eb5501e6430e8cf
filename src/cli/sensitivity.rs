//! The flags of `sensitivity` (Sobol' indices of the `[[uncertain]]` inputs) turned into a
//! request of [`concrisk::study`], and the lines it prints when it is done.

use std::fmt::Write as _;

use clap::Args;

use super::policy::{StudyArgs, study};
use super::progress;
use concrisk::policy::sensitivity::{Plan, Streams};
use concrisk::study::{self, DEFAULT_SAMPLES, SensitivityRequest, SensitivityResult, StudyError};

#[derive(Debug, Args)]
pub(super) struct SensitivityArgs {
    #[command(flatten)]
    study: StudyArgs,
    /// Rows N of each Saltelli matrix; the study runs N × (inputs + 2) design points, each for
    /// --replications replications on the same random numbers.
    #[arg(long, default_value_t = DEFAULT_SAMPLES as u32, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    samples: u32,
    /// Analyse one metric only (default: every metric; the figure shows economic_loss.total, or
    /// person_hours_cut_off.total when the scenario sets no money values).
    #[arg(long)]
    metric: Option<String>,
}

pub(super) fn sensitivity(args: &SensitivityArgs) -> Result<(), StudyError> {
    let request = SensitivityRequest {
        study: study(&args.study),
        plan: Plan {
            samples: args.samples as usize,
            streams: Streams::Common,
        },
        metric: args.metric.clone(),
    };
    let done = study::sensitivity(&request, &progress::Bars::default())?;
    print!("{}", text(&done));
    Ok(())
}

/// The figure metric's indices, one line per input, then what was written.
fn text(done: &SensitivityResult) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "{} design points ({} simulations, {} worlds); indices of {} with 95 % intervals:",
        done.cost.points, done.cost.simulations, done.cost.worlds, done.metric
    );
    if let Some(m) = done.indices.iter().find(|m| m.metric == done.metric) {
        for (path, i) in done.paths.iter().zip(&m.indices) {
            let (s, t) = (i.first_order, i.total_order);
            let _ = writeln!(
                text,
                "  {path}: first order {:.3} [{:.3}, {:.3}], total order {:.3} [{:.3}, {:.3}]",
                s.value, s.lo, s.hi, t.value, t.lo, t.hi
            );
        }
    }
    let _ = writeln!(
        text,
        "wrote {}/: sensitivity.csv, design.csv, sensitivity.json, plots/sensitivity.*",
        done.out.display()
    );
    text
}
