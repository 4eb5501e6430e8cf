//! Progress of long work told to observers: the stages of building a world (drawing agents,
//! drawing and placing ties, grouping) and the replications as they finish. The CLI shows bars
//! with a rate and an ETA through them, tests and benches plug in [`Silent`]. The library never
//! prints.
//!
//! Builders tell progress once per chunk of work (tens of thousands of agents or ties), never
//! per agent, so observing costs nothing measurable.

/// A stage of building a world, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Drawing every agent's platform set; counted in agents.
    Agents,
    /// Barabási–Albert only: newcomers attaching to earlier people, one by one; in agents.
    Attaching,
    /// Drawing (or, for a stored edge list, counting) the ties; in ties.
    Ties,
    /// Drawing the ties again and placing both ends in their rows; in ties.
    PlacingTies,
    /// Sorting and deduplicating each person's contacts; in agents.
    SortingContacts,
    /// Grouping agents (or their ties, for pairwise services) into classes, service by
    /// service; in agents.
    Classes,
}

impl Stage {
    /// What the stage does, for a progress line.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Agents => "drawing agents",
            Stage::Attaching => "attaching newcomers",
            Stage::Ties => "drawing ties",
            Stage::PlacingTies => "placing ties",
            Stage::SortingContacts => "sorting contacts",
            Stage::Classes => "grouping classes",
        }
    }
}

/// Told as a world is built. Methods are called from worker threads.
pub trait BuildObserver: Sync {
    /// A stage begins, with `total` units of work to do (see [`Stage`] for the unit).
    fn stage(&self, _stage: Stage, _total: u64) {}
    /// `done` more units of the current stage are done.
    fn advance(&self, _done: u64) {}
}

/// Told as replications finish. Called from worker threads.
pub trait Observer: Sync {
    /// One more replication is done.
    fn replication_done(&self) {}
}

/// An observer that ignores everything.
pub struct Silent;

impl BuildObserver for Silent {}

impl Observer for Silent {}
