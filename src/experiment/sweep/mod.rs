//! Parameter sweeps: run a base scenario at the points of a design (grid, Latin hypercube or
//! Saltelli), several replicates each, stream one row per run to `results.csv`, and find which
//! parameters drive each outcome ([`sensitivity`]).
//!
//! Run i is point i / R, replicate i mod R (R replicates per point). Its seed derives from the
//! spec's master seed, the point (unless the spec asks for common random numbers, the default)
//! and the replicate alone, so results depend neither on threads, nor on the order runs finish
//! in, nor on how the runs are split into shards ([`results::Shard`]).

pub mod design;
pub mod model;
pub mod results;
pub mod sensitivity;
pub mod shards;
pub mod slurm;
pub mod spec;

use std::path::{Path, PathBuf};

use indicatif::ProgressBar;
use serde::Serialize;

use self::model::SweptModel;
use self::results::{ResultsWriter, Resumed, Shard, csv_line, header};
use self::sensitivity::{Index, SobolIndices};
use self::spec::{Design, Sweep};
use crate::scenario::{Problems, Scenario, ScenarioErrors, Setting};
use crate::sim::rng::{replicate_seed, splitmix64};

/// Why a sweep could not run, merge or be analysed.
#[derive(Debug, thiserror::Error)]
pub enum SweepError {
    /// `--shard` is not `K/N`.
    #[error("--shard {0}: expected K/N with 1 ≤ K ≤ N, e.g. 3/16")]
    ShardSyntax(String),
    /// A file cannot be read.
    #[error("cannot read {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A results file cannot be parsed as CSV.
    #[error("cannot read {}: {source}", path.display())]
    ReadCsv {
        /// The file.
        path: PathBuf,
        /// Why.
        source: csv::Error,
    },
    /// A results row cannot be parsed.
    #[error("{}: {source}", path.display())]
    Row {
        /// The file.
        path: PathBuf,
        /// Why.
        source: csv::Error,
    },
    /// A results row belongs to no point of this sweep.
    #[error("{}:{line}: not a row of this sweep", path.display())]
    NotARow {
        /// The file.
        path: PathBuf,
        /// Its line.
        line: usize,
    },
    /// Two shards' files have different columns.
    #[error("{} has other columns than {}", file.display(), first.display())]
    Columns {
        /// The file.
        file: PathBuf,
        /// The first shard's file.
        first: PathBuf,
    },
    /// Merging failed (a missing or extra row, or a write error).
    #[error("{0}")]
    Merge(std::io::Error),
    /// The results cannot be written.
    #[error("writing the results in {}: {source}", dir.display())]
    Write {
        /// The output folder.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The results stopped being written part way.
    #[error(
        "writing the results in {}: {source}; {written} of {total} runs are saved; free the space and rerun with --resume to finish",
        dir.display()
    )]
    Interrupted {
        /// The output folder.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
        /// Rows saved.
        written: u64,
        /// Rows of the shard.
        total: u64,
    },
}

/// Salt of the per-point seeds when common random numbers are off.
const POINT_SALT: u64 = 0x5357_4545_5050_0000;

/// A sweep ready to run: its points and what each run needs.
pub struct Plan {
    /// The sweep.
    pub sweep: Sweep,
    /// Parameter values of each point as the design drew them.
    pub points: Vec<Vec<f64>>,
    /// The model run, measuring the sweep's outcomes in column order.
    model: SweptModel,
}

impl Plan {
    /// Draws the design's points and checks the scenario of every point.
    pub fn new(sweep: Sweep) -> Result<Plan, ScenarioErrors> {
        let points = design::points(&sweep.spec.parameters, sweep.spec.design, sweep.spec.seed);
        let model = sweep.model.recording(&sweep.outcomes);
        let plan = Plan {
            sweep,
            points,
            model,
        };
        // Every point is validated as `check` validates a file, before anything runs.
        let mut problems = Problems::default();
        for p in 0..plan.points.len() {
            if let Err(e) = plan.scenario(p) {
                problems.add(e, &plan.point_note(p));
            }
        }
        let at = plan.sweep.index.find("parameters");
        problems.into_result(&plan.sweep.spec_path, "parameters", at)?;
        Ok(plan)
    }

    /// "at point 3 of the sweep, where a = 1, b = 2".
    fn point_note(&self, point: usize) -> String {
        let values: Vec<String> = self
            .sweep
            .parameter_paths()
            .iter()
            .zip(&self.points[point])
            .map(|(p, v)| format!("{p} = {v}"))
            .collect();
        format!("at point {point} of the sweep, where {}", values.join(", "))
    }

    /// An outcome as people read it, with its unit: "fatalities, civilians (central; people)".
    pub fn outcome_label(&self, name: &str) -> String {
        self.model.outcome_label(name)
    }

    /// The model run, measuring the sweep's outcomes.
    pub fn model(&self) -> &SweptModel {
        &self.model
    }

    /// Replicates per point.
    pub fn replicates(&self) -> u64 {
        self.sweep.spec.replicates as u64
    }

    /// Runs in the whole sweep.
    pub fn total_runs(&self) -> u64 {
        self.points.len() as u64 * self.replicates()
    }

    /// Simulated days (steps) per run, for the progress bar.
    pub fn days_per_run(&self) -> u64 {
        self.model.steps_per_run()
    }

    /// The scenario of point `point`, validated as `check` validates a file (a value it refuses
    /// is located at the spec's parameter), and the parameter values it really runs with
    /// (whole-number parameters rounded).
    pub fn scenario(&self, point: usize) -> Result<(Scenario, Vec<f64>), ScenarioErrors> {
        let sweep = &self.sweep;
        let settings: Vec<Setting> = sweep
            .parameters
            .iter()
            .zip(&self.points[point])
            .enumerate()
            .map(|(i, (p, v))| {
                Setting::new(p, *v).written_at(&sweep.spec_path, sweep.written_at(i, *v))
            })
            .collect();
        let mut s = sweep
            .source
            .validate_with(&settings, crate::geo::map_data())?;
        s.seed = if sweep.common_random_numbers() {
            sweep.spec.seed
        } else {
            splitmix64(sweep.spec.seed ^ splitmix64(POINT_SALT + point as u64))
        };
        let actual = sweep
            .parameters
            .iter()
            .map(|p| p.value(&s).unwrap_or(f64::NAN))
            .collect();
        Ok((s, actual))
    }

    /// The header of the results file.
    pub fn header(&self) -> String {
        header(&self.sweep.parameter_paths(), &self.sweep.outcomes)
    }

    /// Runs `run` (point `run / R`, replicate `run % R`) and returns its results row.
    pub fn run_row(&self, run: u64, progress: Option<&ProgressBar>) -> String {
        let (point, replicate) = (
            (run / self.replicates()) as usize,
            (run % self.replicates()) as u32,
        );
        let Ok((s, values)) = self.scenario(point) else {
            unreachable!("Plan::new validated every point")
        };
        let seed = replicate_seed(s.seed, replicate);
        let outcomes = self.model.run(
            s,
            replicate,
            &self.sweep.outcomes,
            self.sweep.from_day,
            progress,
        );
        let mut fields = vec![point.to_string(), replicate.to_string(), seed.to_string()];
        fields.extend(values.iter().map(|v| v.to_string()));
        fields.extend(outcomes.iter().map(|v| v.to_string()));
        csv_line(fields)
    }
}

/// How a run of (a shard of) a sweep went.
#[derive(Debug, Clone)]
pub struct RunReport {
    /// What an earlier, interrupted run had left.
    pub resumed: Resumed,
    /// Runs done by this call.
    pub ran: u64,
    /// Rows in the results file now.
    pub written: u64,
    /// Rows the shard's file holds when complete.
    pub total: u64,
}

/// Runs the runs of `shard` not yet in `dir` on the current rayon pool, streaming rows to
/// `dir/results.csv`. On an I/O error (a full disk, say) every finished run is on disk and the
/// error says how to go on.
pub fn run(
    plan: &Plan,
    dir: &Path,
    shard: Shard,
    resume: bool,
    progress: Option<&ProgressBar>,
) -> Result<RunReport, SweepError> {
    let fail = |source: std::io::Error| SweepError::Write {
        dir: dir.to_path_buf(),
        source,
    };
    let (mut writer, todo, resumed) = ResultsWriter::open(
        dir,
        &plan.header(),
        shard,
        plan.total_runs(),
        plan.replicates(),
        resume,
    )
    .map_err(fail)?;
    if let Some(bar) = progress {
        bar.set_length(todo.len() as u64 * plan.days_per_run());
    }
    let result = super::engine::run_each(
        &todo,
        |&pos| plan.run_row(shard.run(pos), progress),
        |k, line| writer.push(todo[k], line),
    );
    let written = writer.written();
    let total = shard.len(plan.total_runs());
    if let Err(source) = result {
        return Err(SweepError::Interrupted {
            dir: dir.to_path_buf(),
            source,
            written,
            total,
        });
    }
    writer.finish().map_err(fail)?;
    Ok(RunReport {
        resumed,
        ran: todo.len() as u64,
        written,
        total,
    })
}

/// The sensitivity of one outcome to one parameter.
#[derive(Debug, Clone, Serialize)]
pub struct Sensitivity {
    /// Outcome.
    pub outcome: String,
    /// Parameter path.
    pub parameter: String,
    /// Sobol indices (Saltelli designs).
    pub sobol: Option<SobolIndices>,
    /// Partial rank correlation (grid and Latin hypercube designs).
    pub prcc: Option<Index>,
}

impl Sensitivity {
    /// How strongly the parameter drives the outcome: its total Sobol index, or |PRCC|.
    pub fn influence(&self) -> f64 {
        match (&self.sobol, &self.prcc) {
            (Some(s), _) => s.total.value,
            (None, Some(p)) => p.value.abs(),
            _ => 0.0,
        }
    }
}

/// What a finished sweep found.
#[derive(Debug, Clone, Serialize)]
pub struct Analysis {
    /// Parameter paths, in column order.
    pub parameters: Vec<String>,
    /// Outcomes, in column order.
    pub outcomes: Vec<String>,
    /// Each point's parameter values as run.
    pub point_values: Vec<Vec<f64>>,
    /// Each point's mean of each outcome over its replicates.
    pub point_means: Vec<Vec<f64>>,
    /// Sensitivity of each outcome (outer) to each parameter (inner).
    pub sensitivity: Vec<Vec<Sensitivity>>,
    /// The noise of each outcome between replicates of one point: the pooled standard
    /// deviation within points, and the replicates per point (for the standard error of a
    /// point's mean, [`Analysis::noise`]).
    #[serde(skip)]
    pub replicate_noise: Vec<(f64, f64)>,
}

/// How much of an outcome's spread between points is noise.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Noise {
    /// The standard error of one point's mean from its replicates (NaN with one replicate a
    /// point: the noise cannot be measured).
    pub standard_error: f64,
    /// The range of the points' means (largest − smallest).
    pub range: f64,
}

impl Noise {
    /// Whether the spread between points is within noise: the range of the means is under
    /// four standard errors (about what the points' means would span were the parameters to
    /// do nothing), or the noise cannot be measured.
    pub fn within_noise(&self) -> bool {
        self.standard_error.is_nan()
            || self.range.is_nan()
            || self.range < 4.0 * self.standard_error
    }
}

/// Reads a complete results file and works out the sensitivity of each outcome.
pub fn analyse(plan: &Plan, results: &Path) -> Result<Analysis, SweepError> {
    let k = plan.sweep.spec.parameters.len();
    let m = plan.sweep.outcomes.len();
    let n = plan.points.len();
    let mut values = vec![vec![f64::NAN; k]; n];
    let mut sums = vec![vec![0.0; m]; n];
    let mut squares = vec![vec![0.0; m]; n];
    let mut counts = vec![0u64; n];
    let mut reader = csv::Reader::from_path(results).map_err(|source| SweepError::ReadCsv {
        path: results.to_path_buf(),
        source,
    })?;
    for (line, rec) in reader.records().enumerate() {
        let rec = rec.map_err(|source| SweepError::Row {
            path: results.to_path_buf(),
            source,
        })?;
        let num = |i: usize| rec.get(i).and_then(|t| t.parse::<f64>().ok());
        let point = num(0).unwrap_or(-1.0);
        if !(point >= 0.0 && (point as usize) < n) || rec.len() != 3 + k + m {
            return Err(SweepError::NotARow {
                path: results.to_path_buf(),
                line: line + 2,
            });
        }
        let p = point as usize;
        for (i, v) in values[p].iter_mut().enumerate() {
            *v = num(3 + i).unwrap_or(f64::NAN);
        }
        for i in 0..m {
            let v = num(3 + k + i).unwrap_or(f64::NAN);
            sums[p][i] += v;
            squares[p][i] += v * v;
        }
        counts[p] += 1;
    }
    let means: Vec<Vec<f64>> = sums
        .iter()
        .zip(&counts)
        .map(|(s, &c)| s.iter().map(|v| v / c.max(1) as f64).collect())
        .collect();
    // Pooled variance within points: Σ (squares − n·mean²) / Σ (n − 1).
    let replicate_noise = (0..m)
        .map(|o| {
            let (mut dev, mut df, mut reps) = (0.0, 0.0, 0.0);
            for p in 0..n {
                let c = counts[p] as f64;
                if c >= 1.0 {
                    dev += (squares[p][o] - c * means[p][o] * means[p][o]).max(0.0);
                    df += c - 1.0;
                    reps += c;
                }
            }
            let points = counts.iter().filter(|&&c| c > 0).count().max(1) as f64;
            let sd = if df > 0.0 {
                (dev / df).sqrt()
            } else {
                f64::NAN
            };
            (sd, reps / points)
        })
        .collect();
    let params = plan.sweep.parameter_paths();
    let sensitivity = (0..m)
        .map(|o| {
            let y: Vec<f64> = means.iter().map(|r| r[o]).collect();
            let (sobol, prcc) = match plan.sweep.spec.design {
                Design::Sobol { bootstrap, .. } => (
                    sensitivity::sobol(&y, k, bootstrap.unwrap_or(1000), plan.sweep.spec.seed)
                        .into_iter()
                        .map(Some)
                        .collect(),
                    vec![None; k],
                ),
                _ => {
                    let x: Vec<Vec<f64>> = (0..k)
                        .map(|i| values.iter().map(|v| v[i]).collect())
                        .collect();
                    (
                        vec![None; k],
                        sensitivity::prcc(&x, &y).into_iter().map(Some).collect(),
                    )
                }
            };
            let sobol: Vec<Option<SobolIndices>> = sobol;
            (0..k)
                .map(|i| Sensitivity {
                    outcome: plan.sweep.outcomes[o].clone(),
                    parameter: params[i].to_string(),
                    sobol: sobol[i],
                    prcc: prcc[i],
                })
                .collect()
        })
        .collect();
    Ok(Analysis {
        parameters: params.iter().map(|p| p.to_string()).collect(),
        outcomes: plan.sweep.outcomes.clone(),
        point_values: values,
        point_means: means,
        sensitivity,
        replicate_noise,
    })
}

impl Analysis {
    /// The noise of outcome `outcome` (its index) beside the range of the points' means.
    pub fn noise(&self, outcome: usize) -> Noise {
        let (sd, reps) = self
            .replicate_noise
            .get(outcome)
            .copied()
            .unwrap_or((f64::NAN, 1.0));
        let (lo, hi) = self
            .point_means
            .iter()
            .filter_map(|r| r.get(outcome).copied())
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                (a.min(v), b.max(v))
            });
        Noise {
            standard_error: sd / reps.max(1.0).sqrt(),
            range: if hi >= lo { hi - lo } else { 0.0 },
        }
    }

    /// The parameters' sensitivities for outcome `outcome` (its index), strongest first.
    pub fn ranked(&self, outcome: usize) -> Vec<&Sensitivity> {
        let mut r: Vec<&Sensitivity> = self.sensitivity[outcome].iter().collect();
        r.sort_by(|a, b| b.influence().total_cmp(&a.influence()));
        r
    }

    /// `sensitivity.csv`: one row per outcome, parameter and index.
    pub fn sensitivity_csv(&self) -> String {
        let mut out = csv_line(
            ["outcome", "parameter", "index", "value", "low95", "high95"]
                .iter()
                .map(|s| s.to_string()),
        );
        for row in self.sensitivity.iter().flatten() {
            let mut put = |name: &str, i: &Index| {
                out.push_str(&csv_line([
                    row.outcome.clone(),
                    row.parameter.clone(),
                    name.to_string(),
                    format!("{:.6}", i.value),
                    format!("{:.6}", i.low),
                    format!("{:.6}", i.high),
                ]));
            };
            if let Some(s) = &row.sobol {
                put("sobol_first", &s.first);
                put("sobol_total", &s.total);
            }
            if let Some(p) = &row.prcc {
                put("prcc", p);
            }
        }
        out
    }

    /// `points.csv`: each point's parameter values and outcome means.
    pub fn points_csv(&self) -> String {
        let mut head = vec!["point".to_string()];
        head.extend(self.parameters.iter().cloned());
        head.extend(self.outcomes.iter().map(|o| format!("{o}_mean")));
        let mut out = csv_line(head);
        for (p, (v, m)) in self.point_values.iter().zip(&self.point_means).enumerate() {
            let mut f = vec![p.to_string()];
            f.extend(v.iter().map(|x| x.to_string()));
            f.extend(m.iter().map(|x| format!("{x:.6}")));
            out.push_str(&csv_line(f));
        }
        out
    }
}
