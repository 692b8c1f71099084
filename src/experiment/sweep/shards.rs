//! The record a sweep leaves in its output folder (`sweep.json`: which sweep and shard the
//! folder holds) and the checks it allows: a folder is resumed only by the same sweep and
//! shard, and a merge takes each shard of one sweep once.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::Plan;
use super::results::{RESULTS, Shard};
use crate::record::folder::holdings;
use crate::record::writers::VERSION;

/// The name of the file that says which sweep (and shard) a folder holds.
pub const SWEEP_FILE: &str = "sweep.json";

/// What `sweep.json` records: enough to refuse resuming or merging the wrong thing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SweepFile {
    /// The program and its version.
    pub program: String,
    /// The sweep's name.
    pub name: String,
    /// Hash of the program version, the spec and the resolved base scenario.
    pub fingerprint: String,
    /// The spec, as an absolute path.
    pub spec: String,
    /// The shard this folder holds (none: the whole sweep).
    pub shard: Option<Shard>,
    /// Points of the design.
    pub points: u64,
    /// Replicates per point.
    pub replicates: u64,
    /// Runs of the whole sweep.
    pub runs: u64,
    /// Parameter paths, in column order.
    pub parameters: Vec<String>,
    /// Outcomes, in column order.
    pub outcomes: Vec<String>,
}

/// Why a folder cannot be written, resumed or merged.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    /// `sweep.json` cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `sweep.json` is not a sweep's record.
    #[error(
        "{}: not a sweep's record ({source}); was this folder written by `sahelsim sweep`?",
        path.display()
    )]
    NotARecord {
        /// The file.
        path: PathBuf,
        /// Why.
        source: serde_json::Error,
    },
    /// The folder holds a sweep and `--resume` was not given.
    #[error(
        "{} already holds the results of sweep `{name}`; add --resume to continue it, --overwrite to start afresh, or choose another --out",
        dir.display()
    )]
    AlreadyHeld {
        /// The folder.
        dir: PathBuf,
        /// The sweep it holds.
        name: String,
    },
    /// The folder holds another sweep or shard.
    #[error(
        "{} holds {what} of sweep `{name}`, which differs from this one (the spec, its base scenario, the program version or the shard changed); --resume continues only the same sweep: choose another --out",
        dir.display()
    )]
    Another {
        /// The folder.
        dir: PathBuf,
        /// "shard K/N" or "the results".
        what: String,
        /// The sweep it holds.
        name: String,
    },
    /// The folder holds results without a record.
    #[error(
        "{} already holds a {RESULTS}; add --overwrite to remove it, or choose another --out",
        dir.display()
    )]
    Results {
        /// The folder.
        dir: PathBuf,
    },
    /// The folder holds files of something else than a sweep (another command's outputs).
    #[error(
        "{} already holds {what}; add --overwrite to remove its files (subfolders are kept), or choose another --out",
        dir.display()
    )]
    Foreign {
        /// The folder.
        dir: PathBuf,
        /// What it holds, in words.
        what: String,
    },
    /// The folder a merge would write holds another sweep or shard.
    #[error(
        "{} holds {what} of sweep `{name}`, not the merged results of this sweep; add --overwrite to replace its files, or choose another --out",
        dir.display()
    )]
    MergeInto {
        /// The folder.
        dir: PathBuf,
        /// "shard K/N" or "the results".
        what: String,
        /// The sweep it holds.
        name: String,
    },
    /// A shard's folder has no manifest: the shard is unfinished.
    #[error(
        "{}: no manifest.json, so this shard is unfinished; finish it with `sahelsim sweep SPEC --shard K/N --resume --out {}`",
        dir.display(), dir.display()
    )]
    Unfinished {
        /// The folder.
        dir: PathBuf,
    },
    /// A shard's folder differs from its manifest.
    #[error("{}: {what}; run the shard again", dir.display())]
    Damaged {
        /// The folder.
        dir: PathBuf,
        /// What differs, in words.
        what: String,
    },
    /// The folder's files cannot be listed.
    #[error(transparent)]
    Folder(#[from] crate::record::folder::FolderError),
    /// A folder given to merge holds no record.
    #[error(
        "{}: no {SWEEP_FILE}; expected the output folder of `sahelsim sweep SPEC --shard K/N`",
        dir.display()
    )]
    NoRecord {
        /// The folder.
        dir: PathBuf,
    },
    /// Two folders given to merge hold different sweeps.
    #[error(
        "{} holds another sweep than {} (the spec, base scenario or program version differ)",
        dir.display(), first.display()
    )]
    OtherSweep {
        /// The folder.
        dir: PathBuf,
        /// The first folder.
        first: PathBuf,
    },
    /// Two folders given to merge were split differently.
    #[error("{} was split into {of} shards, {} into {first_of}", dir.display(), first.display())]
    OtherSplit {
        /// The folder.
        dir: PathBuf,
        /// Its number of shards.
        of: u64,
        /// The first folder.
        first: PathBuf,
        /// The first folder's number of shards.
        first_of: u64,
    },
    /// The shards given are not each shard once.
    #[error("merging needs each of the {n} shards once; missing: {missing}; given: {given}")]
    NotEachOnce {
        /// Shards.
        n: u64,
        /// The missing shards, comma-separated, or "none".
        missing: String,
        /// The shards given.
        given: String,
    },
    /// The spec changed since the shards ran.
    #[error(
        "{} (or its base scenario, or the program) has changed since the shards ran; merge with the spec and program they ran with",
        spec.display()
    )]
    Changed {
        /// The spec.
        spec: PathBuf,
    },
}

/// `path` made absolute (as it is, where it cannot be).
pub fn absolute(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

impl SweepFile {
    /// The record of `shard` of `plan`.
    pub fn new(plan: &Plan, shard: Shard) -> SweepFile {
        SweepFile {
            program: format!("sahelsim {VERSION}"),
            name: plan.sweep.spec.name.clone(),
            fingerprint: plan.sweep.fingerprint.clone(),
            spec: absolute(&plan.sweep.spec_path).display().to_string(),
            shard: (shard != Shard::ALL).then_some(shard),
            points: plan.points.len() as u64,
            replicates: plan.replicates(),
            runs: plan.total_runs(),
            parameters: plan
                .sweep
                .parameter_paths()
                .iter()
                .map(|s| s.to_string())
                .collect(),
            outcomes: plan.sweep.outcomes.clone(),
        }
    }

    /// The record in folder `dir`, if it has one.
    pub fn read(dir: &Path) -> Result<Option<SweepFile>, ShardError> {
        let path = dir.join(SWEEP_FILE);
        match std::fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(ShardError::Read { path, source }),
            Ok(text) => serde_json::from_str(&text)
                .map(Some)
                .map_err(|source| ShardError::NotARecord { path, source }),
        }
    }

    /// This record's shard count (1: the whole sweep) and index.
    fn split(&self) -> (u64, u64) {
        self.shard.map_or((1, 1), |s| (s.of, s.index))
    }

    /// Checks that this record's sweep may write to `dir`, which holds `found` (its record,
    /// if any): a fresh folder, or with `resume` the same sweep and shard.
    pub fn check_folder(
        &self,
        dir: &Path,
        found: Option<&SweepFile>,
        resume: bool,
    ) -> Result<(), ShardError> {
        match found {
            Some(found) if !resume => Err(ShardError::AlreadyHeld {
                dir: dir.to_path_buf(),
                name: found.name.clone(),
            }),
            Some(found) if found.fingerprint != self.fingerprint || found.shard != self.shard => {
                Err(ShardError::Another {
                    dir: dir.to_path_buf(),
                    what: found
                        .shard
                        .map(|s| format!("shard {}/{}", s.index, s.of))
                        .unwrap_or_else(|| "the results".into()),
                    name: found.name.clone(),
                })
            }
            None if !resume && dir.join(RESULTS).exists() => Err(ShardError::Results {
                dir: dir.to_path_buf(),
            }),
            None => match holdings(dir, true)? {
                Some(what) => Err(ShardError::Foreign {
                    dir: dir.to_path_buf(),
                    what,
                }),
                None => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// Checks that the merged results of this record's sweep may be written to `dir`, which
    /// holds `found` (its record, if any): a folder without files of its own (a cluster
    /// sweep's folder holds only `slurm/` and `shards/`), or one holding this sweep's merged
    /// results already (merged again, identically).
    pub fn check_merge_folder(
        &self,
        dir: &Path,
        found: Option<&SweepFile>,
    ) -> Result<(), ShardError> {
        match found {
            Some(f) if f.fingerprint == self.fingerprint && f.shard.is_none() => Ok(()),
            Some(f) => Err(ShardError::MergeInto {
                dir: dir.to_path_buf(),
                what: f
                    .shard
                    .map(|s| format!("shard {}/{}", s.index, s.of))
                    .unwrap_or_else(|| "the results".into()),
                name: f.name.clone(),
            }),
            None => match holdings(dir, true)? {
                Some(what) => Err(ShardError::Foreign {
                    dir: dir.to_path_buf(),
                    what,
                }),
                None => Ok(()),
            },
        }
    }
}

/// Checks that `shards` (each folder's record and the folder) are each shard of one sweep
/// once, and puts them in shard order; returns the number of shards.
pub fn check_shard_set(shards: &mut [(SweepFile, PathBuf)]) -> Result<u64, ShardError> {
    let Some((first, first_dir)) = shards.first().cloned() else {
        return Err(ShardError::NotEachOnce {
            n: 0,
            missing: "none".into(),
            given: String::new(),
        });
    };
    let n = first.split().0;
    for (f, d) in shards.iter() {
        if f.fingerprint != first.fingerprint {
            return Err(ShardError::OtherSweep {
                dir: d.clone(),
                first: first_dir.clone(),
            });
        }
        if f.split().0 != n {
            return Err(ShardError::OtherSplit {
                dir: d.clone(),
                of: f.split().0,
                first: first_dir.clone(),
                first_of: n,
            });
        }
    }
    shards.sort_by_key(|(f, _)| f.split().1);
    let have: Vec<u64> = shards.iter().map(|(f, _)| f.split().1).collect();
    let missing: Vec<String> = (1..=n)
        .filter(|k| !have.contains(k))
        .map(|k| k.to_string())
        .collect();
    if !missing.is_empty() || have.len() as u64 != n {
        return Err(ShardError::NotEachOnce {
            n,
            missing: if missing.is_empty() {
                "none".to_string()
            } else {
                missing.join(", ")
            },
            given: have
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", "),
        });
    }
    Ok(n)
}

/// Checks that a shard's folder `dir` is complete and as its shard wrote it: its
/// `manifest.json` is there and every file it lists is unchanged.
pub fn check_complete(dir: &Path) -> Result<(), ShardError> {
    let damaged = |what: String| ShardError::Damaged {
        dir: dir.to_path_buf(),
        what,
    };
    match crate::record::folder::verify(dir) {
        Err(crate::record::folder::VerifyError::NoManifest { .. }) => Err(ShardError::Unfinished {
            dir: dir.to_path_buf(),
        }),
        Err(e) => Err(damaged(e.to_string())),
        Ok(v) if !v.missing.is_empty() || !v.changed.is_empty() => {
            let mut files: Vec<&str> = v.missing.iter().map(String::as_str).collect();
            files.extend(v.changed.iter().map(|(f, _)| f.as_str()));
            Err(damaged(format!(
                "{} differ{} from its manifest.json",
                files.join(", "),
                if files.len() == 1 { "s" } else { "" }
            )))
        }
        Ok(_) => Ok(()),
    }
}

/// Checks that `plan`, loaded again from the spec the shards name, is the sweep they ran.
pub fn check_unchanged(plan: &Plan, shards: &[(SweepFile, PathBuf)]) -> Result<(), ShardError> {
    match shards.first() {
        Some((f, _)) if f.fingerprint != plan.sweep.fingerprint => Err(ShardError::Changed {
            spec: plan.sweep.spec_path.clone(),
        }),
        _ => Ok(()),
    }
}
