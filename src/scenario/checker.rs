//! The checker every section's validation reports through: it collects every problem found
//! (not only the first) and locates each field path in the file of an `extends` chain that
//! writes it, or where a sweep or calibration set it.

use std::path::PathBuf;

use time::Date;
use time::macros::format_description;

use super::error::{Position, ScenarioError, ScenarioErrors};
use super::locate::FieldIndex;
use super::numbers::NumberInfo;
use super::period::{MAX_YEAR, MIN_YEAR};

/// One file of an `extends` chain with its index of field positions.
#[derive(Debug, Clone)]
pub(crate) struct Layer {
    pub path: PathBuf,
    pub text: String,
    pub sha256: String,
    pub index: FieldIndex,
    /// Problems found while reading the file, reported with validation's: unknown fields
    /// (left out of what was read) and names repeated within one of its named lists (found
    /// before `extends` merges lists by name).
    pub problems: Vec<ScenarioError>,
}

/// A field whose value was set from outside the scenario's files (a sweep's point), and where
/// that value was written.
#[derive(Debug, Clone)]
pub(crate) struct SetAt {
    /// The field's path, as errors name it (`groups[FLM].initial.fighters`).
    pub field_path: String,
    /// The file that wrote the value.
    pub file: PathBuf,
    /// Where in that file.
    pub position: Option<Position>,
}

/// Collects errors, locating each path in the first file of the chain that writes it.
pub(super) struct Checker<'a> {
    layers: &'a [Layer],
    set_at: &'a [SetAt],
    errors: Vec<ScenarioError>,
}

impl<'a> Checker<'a> {
    /// A checker of the scenario read from `layers` (child first), with the fields of
    /// `set_at` set from outside the files.
    pub(super) fn new(layers: &'a [Layer], set_at: &'a [SetAt]) -> Self {
        Self {
            layers,
            set_at,
            errors: Vec::new(),
        }
    }

    /// Every problem reported, if any.
    pub(super) fn finish(self) -> Result<(), ScenarioErrors> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ScenarioErrors(self.errors))
        }
    }

    /// An error at `path`, placed where the value was set from outside the files, or else in
    /// the child-most file that writes `path` (or its nearest written parent section).
    pub(super) fn error(&self, path: &str, message: impl Into<String>) -> ScenarioError {
        if let Some(set) = self.set_at.iter().find(|s| s.field_path == path) {
            return ScenarioError::new(&set.file, path, message).at(set.position);
        }
        let mut probe = path.to_string();
        loop {
            for layer in self.layers {
                if let Some(pos) = layer.index.find(&probe) {
                    return ScenarioError::new(&layer.path, path, message).at(Some(pos));
                }
            }
            match parent_path(&probe) {
                Some(p) => probe = p,
                None => break,
            }
        }
        let first = self
            .layers
            .first()
            .map(|l| l.path.clone())
            .unwrap_or_default();
        ScenarioError::new(first, path, message).at(Some(Position { line: 1, col: 1 }))
    }

    /// How many problems have been reported so far (a check that compares fields skips
    /// fields already refused).
    pub(super) fn error_count(&self) -> usize {
        self.errors.len()
    }

    pub(super) fn push(&mut self, e: ScenarioError) {
        self.errors.push(e);
    }

    pub(super) fn required<T: Clone>(
        &mut self,
        value: &Option<T>,
        path: &str,
        expected: &str,
    ) -> Option<T> {
        if value.is_none() {
            let e = self.error(path, "missing").expected(expected.to_string());
            self.push(e);
        }
        value.clone()
    }

    /// A probability of the table (`info`), its range `info.min` to `info.max`.
    pub(super) fn probability(
        &mut self,
        value: Option<f64>,
        default: f64,
        path: &str,
        info: &NumberInfo,
    ) -> f64 {
        self.number(
            value,
            default,
            path,
            info.min,
            info.max,
            &format!("a probability between {} and {}", info.min, info.max),
        )
    }

    pub(super) fn number(
        &mut self,
        value: Option<f64>,
        default: f64,
        path: &str,
        lo: f64,
        hi: f64,
        expected: &str,
    ) -> f64 {
        let v = value.unwrap_or(default);
        if !(lo..=hi).contains(&v) {
            let e = self
                .error(path, format!("{v} is out of range"))
                .expected(expected.to_string());
            self.push(e);
            return default;
        }
        v
    }

    /// A count of the table (`info`, whose range starts at 0, its top at most `u32::MAX`) of
    /// `what`.
    pub(super) fn count(
        &mut self,
        value: Option<i64>,
        default: u32,
        path: &str,
        info: &NumberInfo,
        what: &str,
    ) -> u32 {
        let v = value.unwrap_or(default as i64);
        if v < info.min as i64 {
            let e = self
                .error(path, format!("{v} is negative"))
                .expected(format!("a number of {what}, 0 or more"));
            self.push(e);
            return default;
        }
        if v > info.max as i64 {
            let e = self
                .error(path, format!("{v} is too large"))
                .expected(format!("at most {}", info.max as i64));
            self.push(e);
            return default;
        }
        v as u32
    }

    pub(super) fn date(&mut self, value: &Option<String>, path: &str) -> Option<Date> {
        let text = self.required(
            value,
            path,
            "an ISO date \"YYYY-MM-DD\", e.g. \"2017-01-01\"",
        )?;
        match Date::parse(&text, format_description!("[year]-[month]-[day]")) {
            Ok(d) if !(MIN_YEAR..=MAX_YEAR).contains(&d.year()) => {
                let e = self
                    .error(path, format!("\"{text}\" is out of range"))
                    .expected(format!("a date from {MIN_YEAR}-01-01 to {MAX_YEAR}-12-31"));
                self.push(e);
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                let e = self
                    .error(path, format!("\"{text}\" is not a date"))
                    .expected("an ISO date \"YYYY-MM-DD\", e.g. \"2017-01-01\"");
                self.push(e);
                None
            }
        }
    }
}

/// The path of item `k` of the named list `list`: by its name (`interventions[protect Mopti]`),
/// as the index of field positions addresses it, or by its position where it has no name.
pub(super) fn item_path(list: &str, name: &str, k: usize) -> String {
    if name.trim().is_empty() {
        format!("{list}[{k}]")
    } else {
        format!("{list}[{name}]")
    }
}

fn parent_path(path: &str) -> Option<String> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(path[..cut].to_string())
}
