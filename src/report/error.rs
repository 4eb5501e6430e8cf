//! The one error type of the report module. Every message names the file it is about (and the
//! field, for a summary that lacks one) and says what would fix it, because the person reading it
//! is an analyst pointing `concrisk report` at a folder, not the author of this code.

use std::path::{Path, PathBuf};

use thiserror::Error;

/// What can go wrong while reading an output folder or writing its figures and page.
#[derive(Debug, Error)]
pub enum ReportError {
    /// A file the report needs is not in the folder.
    #[error(
        "{path}: file not found; point `concrisk report` at a folder written by `concrisk run`, \
         or re-run the scenario to write it again"
    )]
    Missing {
        /// The file looked for.
        path: PathBuf,
    },

    /// A file exists but could not be read, or an output file could not be written.
    #[error("{path}: {source}; check that the folder exists and is readable and writable")]
    Io {
        /// The file read or written.
        path: PathBuf,
        /// What the system said.
        #[source]
        source: std::io::Error,
    },

    /// `summary.json` is not valid JSON.
    #[error(
        "{path}: not valid JSON: {message}; summary.json is written by `concrisk run`: re-run the \
         scenario, or repair the file at that line and column"
    )]
    Json {
        /// The summary file.
        path: PathBuf,
        /// The parser's message, with line and column.
        message: String,
    },

    /// A field of `summary.json` is missing or of the wrong type.
    #[error(
        "{path}: field `{field}`: {message}; summary.json is written by `concrisk run`: \
         re-run the scenario, or restore the field by hand"
    )]
    Summary {
        /// The summary file.
        path: PathBuf,
        /// Where in the document the problem is, e.g. `metrics.unmet_needs.total.mean`
        /// (`.` for the document itself).
        field: String,
        /// What is wrong with it.
        message: String,
    },

    /// A CSV file is malformed (bad header, a row of the wrong length, a cell that is not a number).
    #[error(
        "{path}: {message}; this file is written by `concrisk run`: re-run the scenario to write it again"
    )]
    Csv {
        /// The CSV file.
        path: PathBuf,
        /// What is wrong, with the row where known.
        message: String,
    },

    /// Two files of the folder disagree: they are not of one run (a file edited by hand, or
    /// written by another run into the same folder).
    #[error(
        "{}: {message}; the folder mixes files of different runs or was edited: re-run the \
         scenario (and its compare, rank or sweep) into a fresh folder",
        files(.first, .second)
    )]
    Mismatch {
        /// One of the two files.
        first: PathBuf,
        /// The other (the same file when it disagrees with itself).
        second: PathBuf,
        /// What each says.
        message: String,
    },

    /// plotters failed while drawing a figure (in practice: an I/O error from its backend).
    #[error("{path}: could not draw the figure: {message}")]
    Draw {
        /// The figure's file.
        path: PathBuf,
        /// The drawing library's message.
        message: String,
    },
}

/// The one or two files of a [`ReportError::Mismatch`], as its message names them.
fn files(first: &Path, second: &Path) -> String {
    if first == second {
        format!("{} disagrees with itself", first.display())
    } else {
        format!("{} and {} do not agree", first.display(), second.display())
    }
}
