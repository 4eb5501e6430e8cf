//! The library's entry points: one function per command that simulates — [`run()`],
//! [`compare()`], [`sweep()`], [`rank()`], [`sensitivity()`] — and [`check()`] and [`report()`]. Each takes a plain
//! request and owns its sequence once: read (bounded) → parse → edits (a variant's, a sweep
//! point's, the command line's) → checked scenario(s) → memory check → thread pool → build, plan
//! and run ([`crate::simulation`]) → collect → write the output folder and draw its report (one
//! function for every study) → a typed result that the command line prints from. The command
//! line only turns flags into requests, passes an observer for progress, and prints.
//!
//! Failures are [`StudyError`]s that say whether the input was at fault.
//!
//! ```no_run
//! use concrisk::engine::Silent;
//! use concrisk::scenario::Edit;
//! use concrisk::study::{self, RunRequest, Source, Study};
//!
//! let request = RunRequest {
//!     study: Study {
//!         source: Source::File("scenarios/kakao-fire-2022.toml".into()),
//!         edits: vec![Edit::flag("--replications", "run.replications", 100)],
//!         threads: None,
//!         out: "output/kakao".into(),
//!     },
//!     variant: None,
//!     central: false,
//! };
//! let ran = study::run(&request, &Silent)?;
//! println!("{}", ran.summary.metrics["economic_loss.total"].stats.mean);
//! # Ok::<(), study::StudyError>(())
//! ```

mod annual;
pub mod bench;
mod check;
mod compare;
mod error;
mod folder;
mod memory;
mod rank;
mod run;
mod sensitivity;
mod setup;
mod sweep;

use std::path::PathBuf;

pub use crate::simulation::Progress;
pub use annual::{AnnualRequest, AnnualResult, DEFAULT_YEARS, MAX_YEARS, annual};
pub use check::{CheckResult, check};
pub use compare::{CompareRequest, CompareResult, compare};
pub use error::StudyError;
pub use folder::report;
pub use rank::{RankResult, rank};
pub use run::{RunRequest, RunResult, run};
pub use sensitivity::{DEFAULT_SAMPLES, SensitivityRequest, SensitivityResult, sensitivity};
pub use sweep::{SweepRequest, SweepResult, sweep};

use crate::scenario::Edit;

/// Where a study's scenario comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    /// A scenario file, read with the size bound of [`crate::scenario::read`]; messages cite
    /// its path as given.
    File(PathBuf),
    /// A scenario already in memory, and the name its messages cite.
    Text {
        /// What messages call the file.
        name: String,
        /// The TOML text.
        text: String,
    },
}

impl Source {
    /// The name messages, commands and result files cite.
    pub fn name(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Text { name, .. } => name.clone(),
        }
    }
}

/// What every study is given.
#[derive(Debug, Clone, PartialEq)]
pub struct Study {
    /// The scenario.
    pub source: Source,
    /// Edits applied after the file's own and after a variant's or a sweep point's: the command
    /// line's `--replications`, `--seed` and `--agents`, checked like values in the file.
    pub edits: Vec<Edit>,
    /// Worker threads; `None` for all cores. Results do not depend on it.
    pub threads: Option<usize>,
    /// The output folder (created if needed).
    pub out: PathBuf,
}
