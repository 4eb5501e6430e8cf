//! The scenario stage: a scenario file (the format of docs/scenario-format.md) into a checked
//! [`Scenario`], by one pipeline with no way around it:
//!
//! ```text
//! read (bounded) → Document (TOML with spans, parsed once, [[variants]] read)
//!     → edits (uncertain inputs' values, a variant's set, --set, --agents/--replications/--seed)
//!     → raw (serde, section by section) → checks → Scenario
//! ```
//!
//! Every user-facing input error is born here, located at the line and column of the value or
//! at the flag it came from; a file with several problems reports them all.

mod check;
mod distribution;
mod document;
mod edit;
mod error;
mod graph;
mod locate;
mod model;
mod raw;
mod read;
#[cfg(test)]
mod schema;
mod sections;
mod uncertain;
mod variants;

pub use check::{
    DEFAULT_MAX_AGENTS, MAX_HORIZON_HOURS, MAX_HORIZON_YEARS, MAX_OUTPUT_STEPS,
    MAX_PAIRWISE_PLATFORM_CHANNELS, MAX_PLATFORMS, MAX_RATE_PER_YEAR,
};
pub use distribution::{Distribution, QUANTILE_EDGE};
pub use document::Document;
pub use edit::{Edit, toml_text};
pub use error::{FORMAT_DOC, Location, MAX_SHOWN, Problem, ScenarioError};
pub use graph::{DependencyGraph, DependencyKind};
pub use model::{
    Adoption, Channel, Economics, Event, GroupMode, Layer, Meta, Node, OfflineChannel,
    RedundancyGroup, Requirement, RunSettings, SWITCHING_SLICE_HOURS, Scenario, Segment, Service,
    Social, SocialModelKind, Switching, VariantCost, output_steps,
};
pub use read::{MAX_FILE_BYTES, read};
pub use uncertain::{Acts, Uncertain};
pub use variants::Variant;

use std::path::Path;

/// Reads and checks the scenario at `path` (the baseline, as written).
///
/// # Errors
/// Any error of [`read`] or [`parse`].
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = read(path)?;
    parse(&text, &path.display().to_string())
}

/// Checks scenario `text` read from `file` (the baseline, as written).
///
/// # Errors
/// Every problem of the file, each naming the file, line, column and field and how to fix it.
pub fn parse(text: &str, file: &str) -> Result<Scenario, ScenarioError> {
    Document::parse(text, file)?.scenario(&[])
}
