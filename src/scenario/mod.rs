//! The scenario stage: reads a scenario file (the TOML of SCENARIO-SPEC section 1) into a checked
//! [`Scenario`]. Every user-facing input error is born here.

mod distribution;
mod error;
mod locate;
mod model;
mod raw;
mod validate;
mod variants;

pub use distribution::Distribution;
pub use error::{Location, ScenarioError};
pub use model::{
    Adoption, Channel, Event, Layer, Meta, Node, OfflineChannel, RedundancyGroup, Requirement,
    RunSettings, Scenario, Segment, Service, Social, SocialModelKind, Switching,
};
pub use validate::{DEFAULT_MAX_AGENTS, MAX_PAIRWISE_PLATFORM_CHANNELS, MAX_PLATFORMS, parse};
pub use variants::{Setting, Variant, parse_variant, parse_with, variants};

use std::path::Path;

/// Reads and validates the scenario at `path`.
///
/// # Errors
/// [`ScenarioError::Read`] when the file cannot be read, or any validation error of [`parse`].
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = read(path)?;
    parse(&text, &path.display().to_string())
}

/// Reads the scenario at `path` and validates its variant `name` (the baseline when `None`).
///
/// # Errors
/// [`ScenarioError::Read`], any error of [`parse_variant`].
pub fn load_variant(path: &Path, name: Option<&str>) -> Result<Scenario, ScenarioError> {
    let text = read(path)?;
    parse_variant(&text, &path.display().to_string(), name)
}

/// The text of the scenario file at `path`.
///
/// # Errors
/// [`ScenarioError::Read`] when the file cannot be read.
pub fn read(path: &Path) -> Result<String, ScenarioError> {
    std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
        file: path.display().to_string(),
        source,
    })
}
