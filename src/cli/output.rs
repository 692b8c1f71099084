//! The output folder a command writes into: created once; every file, picture, report and
//! manifest written atomically through it, every failure worded the same way ("writing FILE
//! in DIR: why").

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use serde::Serialize;

use crate::record::write_atomic;
use crate::record::writers::write_json;
use crate::report::html::Report;
use crate::report::{PlotFormat, figure::Figure, write_figures};

/// A command's output folder.
pub(super) struct OutputDir {
    path: PathBuf,
}

impl OutputDir {
    /// Creates the folder `path` (and its parents).
    pub(super) fn create(path: PathBuf) -> anyhow::Result<OutputDir> {
        std::fs::create_dir_all(&path)
            .map_err(|e| anyhow!("cannot create the output folder {}: {e}", path.display()))?;
        Ok(OutputDir { path })
    }

    /// The folder.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// The path of file `name` in the folder.
    pub(super) fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The error of writing `name` here.
    pub(super) fn failed(&self, name: &str, e: impl std::fmt::Display) -> anyhow::Error {
        anyhow!("writing {name} in {}: {e}", self.path.display())
    }

    /// Words the result of writing `name` (by one of the record writers).
    pub(super) fn saved(&self, name: &str, result: std::io::Result<()>) -> anyhow::Result<()> {
        result.map_err(|e| self.failed(name, e))
    }

    /// Writes `bytes` to file `name`.
    pub(super) fn write(&self, name: &str, bytes: &[u8]) -> anyhow::Result<()> {
        self.saved(name, write_atomic(&self.join(name), bytes))
    }

    /// Writes `value` as pretty JSON to file `name`.
    pub(super) fn write_json(&self, name: &str, value: &impl Serialize) -> anyhow::Result<()> {
        self.saved(name, write_json(&self.join(name), value))
    }

    /// Writes `manifest.json`.
    pub(super) fn write_manifest(&self, manifest: &impl Serialize) -> anyhow::Result<()> {
        self.write_json("manifest.json", manifest)
    }

    /// Writes `report.html`.
    pub(super) fn write_report(&self, report: &Report) -> anyhow::Result<()> {
        self.write("report.html", report.to_html().as_bytes())
    }

    /// Writes every figure in the formats `format` asks for; returns the paths.
    pub(super) fn write_figures(
        &self,
        figures: &[Figure],
        format: PlotFormat,
    ) -> anyhow::Result<Vec<PathBuf>> {
        Ok(write_figures(figures, &self.path, format)?)
    }
}
