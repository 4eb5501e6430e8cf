//! Writing a study's output folder: every file of the study, then the report drawn from them —
//! in one function, [`write`], that every study calls, so that how a folder comes to be (made
//! whole before anyone can see it, locked against a second writer) is decided in one place.

use std::path::Path;

use super::error::StudyError;
pub(super) use crate::output::Page;
use crate::output::{self, Target};
use crate::report::Rendered;

/// Claims the output folder `out` at the start of a study: its lock is held until the folder is
/// written (a second study into it refuses at once), and what a killed run left is removed.
///
/// # Errors
/// [`StudyError::Input`] when `out` cannot be a folder or another concrisk is writing it;
/// [`StudyError::Other`] when its parent cannot be created.
pub(super) fn claim(out: &Path) -> Result<Target, StudyError> {
    Ok(output::claim(out)?)
}

/// Writes the claimed output folder `out` whole ([`Target::write`]): `files` puts every file of
/// the study into the staging folder it is given (and may run the study while it does, as
/// `sweep` streams its rows), then the report of `page` is drawn there and the folder is swapped
/// into place. Returns what `files` returned.
///
/// # Errors
/// What `files` fails with; [`StudyError::Other`] when the report cannot be drawn from files
/// the study has just written.
pub(super) fn write<T>(
    out: Target,
    page: Page,
    files: impl FnOnce(&Path) -> Result<T, StudyError>,
) -> Result<T, StudyError> {
    Ok(out.write(page, files)?.0)
}

/// Draws again the figures and `report.html` of a saved output folder `dir` (`concrisk report`).
///
/// # Errors
/// [`StudyError::Input`] when the folder lacks a file or holds one that cannot be read (the
/// user's folder is at fault); [`StudyError::Other`] when a figure cannot be drawn or written.
pub fn report(dir: &Path) -> Result<Rendered, StudyError> {
    let (_, rendered) =
        output::claim_saved(dir)?.write(Page::Saved, |_| Ok::<(), StudyError>(()))?;
    Ok(rendered)
}
