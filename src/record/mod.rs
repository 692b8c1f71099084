//! Recording results: writers for the files a run leaves behind.

pub mod atomic;

pub use atomic::{write_atomic, write_atomic_with};
