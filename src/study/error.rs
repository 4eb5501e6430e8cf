//! Why a study failed, sorted the way a caller needs: the user's file, value or choice is wrong
//! (input), or something else is (a file that cannot be written, a thread pool that cannot
//! start). The command line maps the first to exit status 2, the second to 1.

use std::fmt;

use crate::output::OutputError;
use crate::policy::PolicyError;

/// A failed study: its error chain, and whether the input was at fault.
#[derive(Debug)]
pub enum StudyError {
    /// The user's file, value or choice is wrong; the message says where and how to fix it.
    Input(anyhow::Error),
    /// Anything else.
    Other(anyhow::Error),
}

impl StudyError {
    /// Whether the user's input is at fault (exit status 2) rather than the machine (1).
    pub fn is_input(&self) -> bool {
        matches!(self, StudyError::Input(_))
    }

    /// The error chain.
    pub fn error(&self) -> &anyhow::Error {
        match self {
            StudyError::Input(e) | StudyError::Other(e) => e,
        }
    }
}

impl fmt::Display for StudyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#}", self.error())
    }
}

impl std::error::Error for StudyError {}

impl From<PolicyError> for StudyError {
    fn from(error: PolicyError) -> Self {
        if error.is_input() {
            StudyError::Input(error.into())
        } else {
            StudyError::Other(error.into())
        }
    }
}

impl From<OutputError> for StudyError {
    fn from(error: OutputError) -> Self {
        if error.is_input() {
            StudyError::Input(error.into())
        } else {
            StudyError::Other(error.into())
        }
    }
}

/// The input is at fault.
pub(super) fn input(error: impl Into<anyhow::Error>) -> StudyError {
    StudyError::Input(error.into())
}

/// The machine is at fault.
pub(super) fn other(error: impl Into<anyhow::Error>) -> StudyError {
    StudyError::Other(error.into())
}
