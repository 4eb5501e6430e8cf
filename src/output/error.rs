//! The one error type of the output folder: what stops a study's folder from being claimed,
//! staged or published, and whether the user's input is at fault (exit 2) or the machine (exit 1).

use std::path::PathBuf;

use thiserror::Error;

/// Why an output folder could not be claimed, staged or published.
#[derive(Debug, Error)]
pub enum OutputError {
    /// The `--out` path cannot be an output folder (a file, a device, a symbolic link, `..`).
    #[error("{path}: {why}\n  help: {help}")]
    Refused {
        /// The `--out` path as given.
        path: PathBuf,
        /// What is wrong with it.
        why: String,
        /// What would fix it.
        help: String,
    },

    /// Another concrisk holds the lock of this folder.
    #[error(
        "{path}: another concrisk is writing this folder right now (its lock {lock} is held)\n  \
         help: wait until it finishes, or choose another folder with --out"
    )]
    Busy {
        /// The output folder.
        path: PathBuf,
        /// The lock file beside it.
        lock: PathBuf,
    },

    /// A system call on the folder failed (permissions, a full disk, a read-only filesystem).
    #[error(
        "{path}: cannot {action}: {source}\n  help: check that the folder's parent is writable and \
         has free space (or choose another with --out); the old folder, if any, is unchanged"
    )]
    Io {
        /// The file or folder the call was about.
        path: PathBuf,
        /// What concrisk was doing, e.g. "create the staging folder".
        action: &'static str,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },

    /// The report could not be drawn from the staged folder; `message` names the target's files.
    #[error("{message}")]
    Report {
        /// The report's error, with the staging folder's path replaced by the target's.
        message: String,
        /// Whether the folder's data (not the machine) is at fault.
        input: bool,
    },
}

impl OutputError {
    /// Whether the user's input is at fault (exit status 2).
    #[must_use]
    pub fn is_input(&self) -> bool {
        match self {
            OutputError::Refused { .. } | OutputError::Busy { .. } => true,
            OutputError::Report { input, .. } => *input,
            OutputError::Io { .. } => false,
        }
    }
}

/// An [`OutputError::Io`] builder for `map_err`.
pub(crate) fn io(
    path: PathBuf,
    action: &'static str,
) -> impl FnOnce(std::io::Error) -> OutputError {
    move |source| OutputError::Io {
        path,
        action,
        source,
    }
}

/// The same for rustix's errno type.
pub(crate) fn errno(
    path: PathBuf,
    action: &'static str,
) -> impl FnOnce(rustix::io::Errno) -> OutputError {
    move |e| OutputError::Io {
        path,
        action,
        source: e.into(),
    }
}
