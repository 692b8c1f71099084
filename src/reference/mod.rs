//! Reference models: classics of conflict modelling that others have implemented, run by the
//! same scenario loader and `sahelsim run`, so that the engine can be checked against them
//! ("docking", `tests/docking.rs`) and its speed compared with other frameworks
//! (`benches/epstein.rs`). See `docs/reference.md`.
//!
//! They are plain Rust, not ECS worlds, but keep the project's rules: a replicate's random
//! numbers derive from (seed, replicate) alone, replicates run in parallel on rayon's threads
//! and come back in replicate order, so outputs do not depend on the number of threads.

pub mod epstein;
