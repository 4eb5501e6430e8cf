//! Uncertain inputs: the `[[uncertain]]` entries of a scenario drawn over a design, so that a
//! result's spread says what we do not know as well as what the replications' noise does. The
//! inputs themselves are read and checked by [`crate::scenario`] (`Scenario::uncertain`); a
//! design's value of an input is written into a scenario with [`crate::scenario::Edit::input`]
//! and [`crate::scenario::Document::variant_with_inputs`].
//!
//! [`design`] gives each input's column of u in (0, 1), keyed by the input's path; [`samples`]
//! turns the columns into checked scenarios and groups of replications; [`simulate`] runs each
//! group on its sample, reusing the world unless a world input is uncertain; [`saltelli`] the
//! two matrices of a sensitivity study and their crossings, and [`indices`] the Sobol' indices
//! of an output over them, with bootstrap intervals.

pub mod design;
pub mod indices;
pub mod saltelli;
pub mod samples;
pub mod simulate;
