//! # sahelsim
//!
//! An agent-based simulation of militant violence in the central Sahel (Mali, Burkina Faso,
//! western Niger) that represents the JNIM coalition as the distinct groups it is, beside its
//! rival ISGS, for policy teams who compare interventions and sweep uncertain parameters.
//!
//! Priorities, in order: results that mean something (every outcome is counted from simulated
//! events; same scenario and seed give byte-identical outputs), clear errors for analysts who
//! are not programmers, and speed enough to sweep thousands of runs.
//!
//! The crate is organised as in `ARCHITECTURE.md`: [`scenario`] reads and validates scenario
//! files, [`geo`] holds the Sahel map and its grid, [`cli`] the command-line front end.

pub mod cli;
pub mod experiment;
pub mod explorer;
pub mod geo;
pub mod record;
pub mod reference;
pub mod report;
pub mod scenario;
pub mod sim;
