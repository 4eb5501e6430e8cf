//! concrisk: a Monte Carlo simulator of concentration risk.

pub mod agent_set;
pub mod cli;
pub mod contacts;
pub mod engine;
mod locality;
pub mod observe;
pub mod policy;
pub mod report;
pub mod results;
pub mod scenario;
pub mod streams;
pub mod world;
