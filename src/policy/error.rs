//! What can go wrong in a policy study: the scenario or a command-line choice is wrong (input),
//! or a file cannot be written.

use std::path::PathBuf;

use crate::results::ExportError;
use crate::scenario::ScenarioError;
use crate::world::WorldError;

/// Why a policy study could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// Boxed: a located input error is large, and it is the rare path.
    #[error(transparent)]
    Scenario(Box<ScenarioError>),
    /// A choice the study cannot use (an unknown metric, a scenario without the event `rank`
    /// times its failures by, a malformed range); the message names the flag and what is valid.
    #[error("{file}: {flag}: {message}\n  help: {hint}")]
    Choice {
        /// The scenario file.
        file: String,
        /// The flag whose value cannot be used.
        flag: String,
        /// What is wrong with it.
        message: String,
        /// What is valid.
        hint: String,
    },
    /// The contact graph asked for does not fit the agents simulated.
    #[error(transparent)]
    World(Box<WorldError>),
    /// A result file could not be encoded or written.
    #[error(transparent)]
    Export(#[from] ExportError),
    /// A file of the study could not be written.
    #[error("cannot write {path}: {message}")]
    Write {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl From<ScenarioError> for PolicyError {
    fn from(error: ScenarioError) -> Self {
        PolicyError::Scenario(Box::new(error))
    }
}

impl From<WorldError> for PolicyError {
    fn from(error: WorldError) -> Self {
        PolicyError::World(Box::new(error))
    }
}

impl PolicyError {
    /// Whether the user's input is at fault (exit status 2) rather than the machine.
    pub fn is_input(&self) -> bool {
        matches!(
            self,
            PolicyError::Scenario(_) | PolicyError::World(_) | PolicyError::Choice { .. }
        )
    }
}
