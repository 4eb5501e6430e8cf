//! concrisk: a Monte Carlo simulator of concentration risk — what happens to a society when the
//! platform everyone depends on goes down.
//!
//! A scenario file (TOML; its reference is `docs/scenario-format.md`) describes a population, the
//! platforms people hold, the infrastructure under them, the services society needs and the events
//! that break something. The library turns it into a distribution of damage, one stage after
//! another, each stage importing only the ones before it:
//!
//! 1. [`scenario`]: read the file (bounded), parse it once into a [`scenario::Document`] with
//!    spans, apply edits (a variant, `--set`, the command-line overrides), check everything once
//!    and hand over a [`scenario::Scenario`] with its dependency graph; every problem is located at
//!    its line and column.
//! 2. [`world`]: the people, the platforms each holds ([`streams`] keys every random draw by what
//!    it draws), their contact graph ([`contacts`]) and the classes of needs that are alike.
//! 3. [`engine`]: the replications, in parallel and deterministic on any number of threads; each
//!    is compared with the same replication with nothing failed, on common random numbers.
//! 4. [`results`]: the metrics (one registry declares each family, its unit and how it totals),
//!    their summaries and the files `summary.json`, `replications.csv` and `timeseries.csv`.
//! 5. [`report`]: the figures and `report.html`, drawn from an output folder alone.
//!
//! [`simulation`] is the one build → plan → run step, and [`policy`] holds the studies on common
//! random numbers (compare, sweep, rank). [`study`] is the entry point: one call per command
//! (`run`, `compare`, `sweep`, `rank`, `check`, `report`), each taking a plain request and
//! returning a typed result, with the whole sequence — read, edits, memory check, thread pool,
//! simulate, write the output folder, draw the report — written once. [`output`] makes every
//! output folder whole or absent: built in a staging folder beside the target under a lock, then
//! swapped into place with one rename. The `concrisk` binary (its
//! `cli` module is not part of the library) turns flags into those requests, shows progress bars
//! and prints; it adds nothing to the results.
//!
//! Unsafe code is denied everywhere except in the module that gives the memory system hints
//! (prefetching and huge pages), where each block says why it is sound.
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod agent_set;
pub mod annual;
pub mod contacts;
pub mod engine;
// The one exception to `deny(unsafe_code)`: memory hints (prefetch, madvise), each argued sound.
#[allow(unsafe_code)]
mod locality;
pub mod observe;
pub mod output;
pub mod policy;
pub mod report;
pub mod results;
pub mod scenario;
pub mod simulation;
pub mod streams;
pub mod study;
pub mod uncertainty;
pub mod world;
