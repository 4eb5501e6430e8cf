//! Writing a study's output folder: every file of the study, then the report drawn from them —
//! in one function, [`write`], that every study calls, so that how a folder comes to be (made
//! whole before anyone can see it, locked against a second writer) is decided in one place.

use std::path::Path;

use super::error::{StudyError, input, other};
use crate::report::{self, Rendered, ReportError};

/// The report a folder gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Page {
    /// `report.html` and its figures, from the run files (`run`, `compare`).
    Run,
    /// The figure of a study without run files (`rank`, `sweep`), and the page if the folder
    /// holds a run.
    Analyses,
}

/// Writes the output folder `out`: `files` puts every file of the study into the folder it is
/// given (and may run the study while it does, as `sweep` streams its rows), then the report of
/// `page` is drawn from them. Returns what `files` returned.
///
/// # Errors
/// What `files` fails with; [`StudyError::Other`] when the report cannot be drawn from files
/// the study has just written.
pub(super) fn write<T>(
    out: &Path,
    page: Page,
    files: impl FnOnce(&Path) -> Result<T, StudyError>,
) -> Result<T, StudyError> {
    let value = files(out)?;
    match page {
        Page::Run => report::render(out),
        Page::Analyses => report::render_analyses(out),
    }
    .map_err(other)?;
    Ok(value)
}

/// Draws again the figures and `report.html` of a saved output folder `dir` (`concrisk report`).
///
/// # Errors
/// [`StudyError::Input`] when the folder lacks a file or holds one that cannot be read (the
/// user's folder is at fault); [`StudyError::Other`] when a figure cannot be drawn or written.
pub fn report(dir: &Path) -> Result<Rendered, StudyError> {
    report::render(dir).map_err(|e| match e {
        ReportError::Missing { .. }
        | ReportError::Json { .. }
        | ReportError::Summary { .. }
        | ReportError::Csv { .. }
        | ReportError::Mismatch { .. } => input(e),
        other_error => other(other_error),
    })
}
