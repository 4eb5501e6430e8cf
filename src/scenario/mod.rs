//! The scenario stage: reads a scenario file (the TOML of SCENARIO-SPEC section 1) into a checked
//! [`Scenario`]. Every user-facing input error is born here.

mod distribution;
mod error;
mod locate;
mod model;
mod raw;
mod validate;

pub use distribution::Distribution;
pub use error::{Location, ScenarioError};
pub use model::{
    Adoption, Channel, Event, Layer, Meta, Node, OfflineChannel, RedundancyGroup, Requirement,
    RunSettings, Scenario, Segment, Service, Social, SocialModelKind, Switching,
};
pub use validate::{DEFAULT_MAX_AGENTS, MAX_PLATFORMS, parse};

use std::path::Path;

/// Reads and validates the scenario at `path`.
///
/// # Errors
/// [`ScenarioError::Read`] when the file cannot be read, or any validation error of [`parse`].
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
        file: file.clone(),
        source,
    })?;
    parse(&text, &file)
}
