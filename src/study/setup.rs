//! The steps every study starts with: its scenario's text, and the thread pool it runs on.

use rayon::ThreadPool;

use super::Source;
use super::error::{StudyError, input, other};
use crate::scenario;

/// A scenario's text and the name its messages cite; a [`crate::scenario::Document`] borrows
/// both.
pub(super) struct Text {
    pub(super) text: String,
    pub(super) file: String,
}

/// Reads the scenario of `source`.
///
/// # Errors
/// [`StudyError::Input`] when the file cannot be read or is too large.
pub(super) fn text(source: &Source) -> Result<Text, StudyError> {
    match source {
        Source::File(path) => Ok(Text {
            text: scenario::read(path).map_err(input)?,
            file: source.name(),
        }),
        Source::Text { name, text } => Ok(Text {
            text: text.clone(),
            file: name.clone(),
        }),
    }
}

/// A pool of `threads` workers (all cores when `None` or 0), and how many it has.
///
/// # Errors
/// [`StudyError::Other`] when the threads cannot be started.
pub(super) fn pool(threads: Option<usize>) -> Result<(ThreadPool, usize), StudyError> {
    let threads = threads
        .filter(|&t| t > 0)
        .unwrap_or_else(rayon::current_num_threads);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| {
            other(anyhow::anyhow!(
                "cannot start {threads} worker threads: {e}"
            ))
        })?;
    Ok((pool, threads))
}
