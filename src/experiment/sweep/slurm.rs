//! A sweep on a Slurm cluster: the job array that runs its shards (each task resumes if it is
//! requeued), the job that merges them once every shard has succeeded, and the script that
//! submits both.

use std::path::Path;

use super::Plan;
use crate::record::writers::VERSION;

/// How the array tasks are sized and where they run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlurmOptions {
    /// Array tasks (shards).
    pub shards: u64,
    /// Partition.
    pub partition: Option<String>,
    /// Time limit per task (Slurm's format).
    pub time: Option<String>,
    /// CPUs per task.
    pub cpus_per_task: u32,
    /// Memory per task (Slurm's format, e.g. 4G).
    pub mem: Option<String>,
}

/// Why the scripts cannot be written as asked.
#[derive(Debug, thiserror::Error)]
pub enum SlurmError {
    /// More shards than runs, or none.
    #[error("--shards {shards}: expected 1 to {runs} (the sweep's runs)")]
    Shards {
        /// Shards asked for.
        shards: u64,
        /// The sweep's runs.
        runs: u64,
    },
    /// No CPUs.
    #[error("--cpus-per-task must be at least 1")]
    NoCpus,
    /// A value sbatch would not take as one word.
    #[error("{flag} {value:?}: expected one word, as sbatch takes it")]
    NotOneWord {
        /// The option.
        flag: &'static str,
        /// Its value.
        value: String,
    },
}

impl SlurmOptions {
    /// Checks the options against `plan`.
    pub fn check(&self, plan: &Plan) -> Result<(), SlurmError> {
        if self.shards == 0 || self.shards > plan.total_runs() {
            return Err(SlurmError::Shards {
                shards: self.shards,
                runs: plan.total_runs(),
            });
        }
        if self.cpus_per_task == 0 {
            return Err(SlurmError::NoCpus);
        }
        for (flag, v) in [
            ("--partition", &self.partition),
            ("--time", &self.time),
            ("--mem", &self.mem),
        ] {
            if let Some(v) = v
                && (v.is_empty()
                    || v.chars()
                        .any(|c| c.is_whitespace() || c == '\'' || c == '"'))
            {
                return Err(SlurmError::NotOneWord {
                    flag,
                    value: v.clone(),
                });
            }
        }
        Ok(())
    }
}

/// Quotes a word for the shell.
fn sh(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

/// The scripts: file name and text, in the order written.
pub fn scripts(
    plan: &Plan,
    opts: &SlurmOptions,
    dir: &Path,
    exe: &Path,
    spec: &Path,
) -> [(&'static str, String); 3] {
    let n = opts.shards;
    let name = crate::scenario::slug(&plan.sweep.spec.name);
    let logs = dir.join("slurm").join("logs");
    let mut head = format!(
        "#!/bin/bash\n# Written by `sahelsim sweep slurm` ({VERSION}) for sweep `{}`: {} runs in {n} shards.\n",
        plan.sweep.spec.name.replace('\n', " "),
        plan.total_runs()
    );
    let mut directives = String::new();
    if let Some(p) = &opts.partition {
        directives.push_str(&format!("#SBATCH --partition={p}\n"));
    }
    if let Some(t) = &opts.time {
        directives.push_str(&format!("#SBATCH --time={t}\n"));
    }
    if let Some(m) = &opts.mem {
        directives.push_str(&format!("#SBATCH --mem={m}\n"));
    }
    head.push_str("# Each array task runs one shard on its CPUs and resumes if it is requeued.\n");
    let array = format!(
        "{head}#SBATCH --job-name=sahelsim-{name}\n#SBATCH --array=1-{n}\n#SBATCH --cpus-per-task={}\n{directives}#SBATCH --output={}\nset -euo pipefail\nexec {} sweep {} --shard \"${{SLURM_ARRAY_TASK_ID}}/{n}\" --out {}\"/${{SLURM_ARRAY_TASK_ID}}\" --threads \"${{SLURM_CPUS_PER_TASK:-1}}\" --resume\n",
        opts.cpus_per_task,
        logs.join("shard-%a.out").display(),
        sh(&exe.display().to_string()),
        sh(&spec.display().to_string()),
        sh(&dir.join("shards").display().to_string()),
    );
    let shard_dirs: Vec<String> = (1..=n)
        .map(|k| sh(&dir.join("shards").join(k.to_string()).display().to_string()))
        .collect();
    let merge = format!(
        "#!/bin/bash\n# Written by `sahelsim sweep slurm`: merges the {n} shards into the result of a whole run.\n#SBATCH --job-name=sahelsim-{name}-merge\n#SBATCH --cpus-per-task=1\n{directives}#SBATCH --output={}\nset -euo pipefail\nexec {} sweep merge {} --out {}\n",
        logs.join("merge.out").display(),
        sh(&exe.display().to_string()),
        shard_dirs.join(" "),
        sh(&dir.display().to_string()),
    );
    let submit = String::from(
        "#!/bin/sh\n# Submits the shards as a job array, then the merge to run once every shard has succeeded.\nset -eu\ncd \"$(dirname \"$0\")\"\narray=$(sbatch --parsable array.sbatch)\narray=${array%%;*}\necho \"submitted the shards as job array $array\"\nsbatch --dependency=afterok:\"$array\" merge.sbatch\n",
    );
    [
        ("array.sbatch", array),
        ("merge.sbatch", merge),
        ("submit.sh", submit),
    ]
}
