//! Uncertain inputs: the designs that sample them and the variance-based sensitivity of a
//! scenario's metrics to them (Sobol' indices on a Saltelli design).

pub mod indices;
pub mod saltelli;
