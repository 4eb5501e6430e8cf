//! `check`: a scenario and every variant validated, and its world built, without running it.

use super::error::{StudyError, input};
use super::{Source, memory, setup};
use crate::scenario::{Document, Variant};
use crate::world::World;

/// What `check` found: the world of the file as written, and its variants (each checked).
#[derive(Debug)]
pub struct CheckResult {
    /// The world of the file as written.
    pub world: World,
    /// The file's `[[variants]]`, in file order, each checked.
    pub variants: Vec<Variant>,
}

/// Checks the scenario of `source` and every variant, and builds its world (refused first when
/// it would not fit in memory on all cores).
///
/// # Errors
/// [`StudyError::Input`] for a bad file, a bad variant, a world that does not fit in memory or
/// a contact graph that cannot be drawn.
pub fn check(source: &Source) -> Result<CheckResult, StudyError> {
    let text = setup::text(source)?;
    let document = Document::parse(&text.text, &text.file).map_err(input)?;
    let scenario = document.scenario(&[]).map_err(input)?;
    document.check_variants(&[]).map_err(input)?;
    memory::ensure_fits(&document, &[], &[&scenario], rayon::current_num_threads())?;
    let world = World::build(scenario).map_err(input)?;
    Ok(CheckResult {
        world,
        variants: document.variants().cloned().collect(),
    })
}
