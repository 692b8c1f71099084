//! The output folder a command writes into, under the rules of `record::folder`: one writer
//! at a time (a lock beside the folder), stale leftovers cleaned, a folder holding another
//! run's outputs refused unless `--overwrite`; written in a staging folder and moved into
//! place when `manifest.json` (listing every file with its size and SHA-256) completes it, or,
//! for sweeps, written in place with `manifest.json` as the completion marker. Every file,
//! picture, report and manifest is written atomically through it, every failure worded the
//! same way ("writing FILE in DIR: why").

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::anyhow;
use serde::Serialize;

use crate::record::folder::{self, FolderLock, MANIFEST, Staging, WithOutputs};
use crate::record::write_atomic;
use crate::record::writers::write_json;
use crate::report::html::Report;
use crate::report::{PlotFormat, figure::Figure, write_figures};

/// What a command may do with what its in-place folder already holds.
pub(super) enum Existing {
    /// Keep it (a sweep resumed, a merge of the same sweep written again).
    Keep,
    /// Remove its files first (`--overwrite`); subfolders stay.
    Remove,
}

/// A command's output folder.
pub(super) struct OutputDir {
    /// The folder the user asked for.
    target: PathBuf,
    /// Where the files are written: the staging folder, or the target itself.
    path: PathBuf,
    /// The staging folder, until it is moved into place (behind a Mutex only so that the
    /// folder can be shared with a command's worker pool).
    staging: Mutex<Option<Staging>>,
    /// Held until the folder is complete (dropped last).
    _lock: Option<FolderLock>,
}

/// Prints a note of the folder's rules to the error stream.
fn note(text: &str) {
    eprintln!("note: {text}");
}

/// Takes the lock of `target` and cleans what dead writers left.
fn lock(target: &Path) -> anyhow::Result<FolderLock> {
    let (lock, took_over) = FolderLock::acquire(target)?;
    if let Some(n) = took_over {
        note(&n);
    }
    for n in folder::clean_stale(target)? {
        note(&n);
    }
    Ok(lock)
}

impl OutputDir {
    /// The output folder `path` of a command that writes it in one go: refused if it holds
    /// anything and `overwrite` is not given; written in a staging folder beside it and moved
    /// into place, replacing it, by [`OutputDir::write_manifest`].
    pub(super) fn create(path: PathBuf, overwrite: bool) -> anyhow::Result<OutputDir> {
        let target = folder::resolve(&path)?;
        let lock = lock(&target)?;
        if let Some(what) = folder::holdings(&target, false)?
            && !overwrite
        {
            return Err(folder::FolderError::Held { dir: target, what }.into());
        }
        let staging = Staging::create(&target)?;
        Ok(OutputDir {
            path: staging.path().to_path_buf(),
            target,
            staging: Mutex::new(Some(staging)),
            _lock: Some(lock),
        })
    }

    /// The output folder `path` of a sweep, written in place so that `--resume` can finish
    /// it: locked, cleaned, then `existing` (given the folder) says whether what it holds may
    /// be kept or is removed; its `manifest.json` is removed before anything is written, and
    /// written last, so that a folder without one is unfinished.
    pub(super) fn in_place(
        path: PathBuf,
        existing: impl FnOnce(&Path) -> anyhow::Result<Existing>,
    ) -> anyhow::Result<OutputDir> {
        let target = folder::resolve(&path)?;
        let lock = lock(&target)?;
        if target.exists() && !target.is_dir() {
            return Err(folder::FolderError::NotAFolder { dir: target }.into());
        }
        match existing(&target)? {
            Existing::Remove => folder::remove_files(&target)?,
            Existing::Keep => {}
        }
        std::fs::create_dir_all(&target)
            .map_err(|e| anyhow!("cannot create the output folder {}: {e}", target.display()))?;
        match std::fs::remove_file(target.join(MANIFEST)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(anyhow!(
                    "removing {MANIFEST} from {} before writing: {e}",
                    target.display()
                ));
            }
            _ => {}
        }
        Ok(OutputDir {
            path: target.clone(),
            target,
            staging: Mutex::new(None),
            _lock: Some(lock),
        })
    }

    /// A folder of scripts or pictures that is not a run's output (`sweep slurm`): created
    /// (with its parents) and written file by file, atomically; no lock, no manifest.
    pub(super) fn plain(path: PathBuf) -> anyhow::Result<OutputDir> {
        std::fs::create_dir_all(&path)
            .map_err(|e| anyhow!("cannot create the output folder {}: {e}", path.display()))?;
        Ok(OutputDir {
            target: path.clone(),
            path,
            staging: Mutex::new(None),
            _lock: None,
        })
    }

    /// Where the files are written now (the staging folder, until the folder is complete).
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// The folder the user asked for, where the files are once the command completes.
    pub(super) fn target(&self) -> &Path {
        &self.target
    }

    /// The path of file `name` in the folder being written.
    pub(super) fn join(&self, name: &str) -> PathBuf {
        self.path.join(name)
    }

    /// The error of writing `name` here.
    pub(super) fn failed(&self, name: &str, e: impl std::fmt::Display) -> anyhow::Error {
        anyhow!("writing {name} in {}: {e}", self.target.display())
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

    /// Completes the folder: writes `manifest.json` (`manifest`, then `outputs`: every other
    /// file of the folder with its size and SHA-256) and, for a staged folder, moves it into
    /// place. The last write of a command.
    pub(super) fn write_manifest(&self, manifest: &impl Serialize) -> anyhow::Result<()> {
        let outputs = folder::inventory(&self.path).map_err(|e| self.failed(MANIFEST, e))?;
        self.write_json(MANIFEST, &WithOutputs { manifest, outputs })?;
        // Nothing that can panic runs while the lock is held (the guard is dropped at the end
        // of this statement, before the commit), so it is never poisoned; its contents are
        // taken either way.
        let staging = self
            .staging
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        if let Some(mut staging) = staging {
            staging.commit()?;
        }
        Ok(())
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
