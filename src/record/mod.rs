//! Recording results: the time series collected while a replicate runs, the summaries counted
//! from its events, and the writers for the files a run leaves behind.

pub mod atomic;
pub mod folder;
pub mod monthly;
pub mod outcome;
pub mod replicate_rows;
pub mod series;
pub mod summary;
pub mod writers;

pub use atomic::{write_atomic, write_atomic_with};
pub use outcome::{Column, OUTCOMES, Observed, Outcome, Window};
pub use series::{CellYear, Recorder, SeriesRow};
pub use summary::{
    ReplicateSummary, Spread, SummaryTable, aggregate, spread, summarise, summarise_reference,
};
