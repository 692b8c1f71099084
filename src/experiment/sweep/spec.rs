//! The sweep spec (RON): a base scenario, the parameters varied (paths into the scenario, with
//! levels or a range and a distribution), the design, replicates, outcomes and a master seed.
//! [`load`] checks everything before anything runs and reports every problem with its line
//! and column.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::model::SweptModel;
use crate::scenario::locate::FieldIndex;
use crate::scenario::{self, Parameter, Position, Scenario, ScenarioError, ScenarioErrors, Source};

/// Most runs one sweep may hold (points × replicates, counted without wrapping around; a
/// calibration's points of every round × replicates are bounded by the same number).
pub const MAX_RUNS: u64 = 100_000_000;

/// A count computed in checked arithmetic, for a message: its value, or "more than" the
/// largest count where it overflowed.
pub fn count_or_overflow(count: Option<u64>) -> String {
    count.map_or_else(|| format!("more than {}", u64::MAX), |n| n.to_string())
}

/// How values are drawn from a parameter's range in Latin hypercube and Sobol designs.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize, Default)]
pub enum Distribution {
    /// Uniform between `min` and `max`.
    #[default]
    Uniform,
    /// Uniform in the logarithm between `min` and `max` (both above 0): for rates and scales
    /// known only to an order of magnitude.
    LogUniform,
    /// Triangular between `min` and `max` with its peak at `mode`.
    Triangular {
        /// The most likely value.
        mode: f64,
    },
}

/// A parameter varied by the sweep.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SweptParameter {
    /// Path into the scenario, e.g. `model.security.backlash`,
    /// `groups.FLM.tactics.civilian_targeting`, `interventions.programme.capacity`.
    pub path: String,
    /// The values of a grid design, in order.
    pub levels: Option<Vec<f64>>,
    /// Lower end of the range.
    pub min: Option<f64>,
    /// Upper end of the range.
    pub max: Option<f64>,
    /// Evenly spaced levels from `min` to `max` in a grid design.
    pub steps: Option<u32>,
    /// How Latin hypercube and Sobol designs draw values in the range (default uniform).
    pub distribution: Option<Distribution>,
}

/// How the points of a sweep are chosen.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
pub enum Design {
    /// Every combination of the parameters' levels (the first parameter varies slowest).
    Grid,
    /// A Latin hypercube of `points` points over the parameters' ranges.
    LatinHypercube {
        /// Points.
        points: u32,
    },
    /// Saltelli's design for variance-based (Sobol) sensitivity indices: `samples` base
    /// samples from a scrambled Sobol sequence, each giving k + 2 points (k parameters).
    Sobol {
        /// Base samples N; the design has N (k + 2) points.
        samples: u32,
        /// Bootstrap resamples for the indices' 95 % intervals (default 1000).
        bootstrap: Option<u32>,
    },
}

/// A sweep spec as written.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SweepSpec {
    /// Name; the default output folder is `output/sweep-<name>`.
    pub name: String,
    /// What the sweep asks, for people.
    pub description: Option<String>,
    /// The base scenario, relative to the spec (any scenario, a policy scenario included).
    pub base: String,
    /// The parameters varied.
    pub parameters: Vec<SweptParameter>,
    /// The design.
    pub design: Design,
    /// Replicates per point.
    pub replicates: u32,
    /// Outcomes recorded (default: the model kind's main outcomes).
    pub outcomes: Option<Vec<String>>,
    /// First day counted, ISO date (Sahel scenarios; default the period's start).
    pub from: Option<String>,
    /// Master seed: every run's seed derives from it, the point and the replicate.
    pub seed: u64,
    /// Whether replicate r of every point runs on the same seed (common random numbers, the
    /// default: differences between points are then less noisy) or each point on its own.
    pub common_random_numbers: Option<bool>,
}

/// A spec checked against its base scenario.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The spec as written.
    pub spec: SweepSpec,
    /// Where it was read from.
    pub spec_path: PathBuf,
    /// The spec file's text as read.
    pub spec_text: String,
    /// The base scenario.
    pub base: Scenario,
    /// The base scenario as read, which each point sets its values in and validates again.
    pub source: Source,
    /// The parameters varied, resolved against the base, in column order.
    pub parameters: Vec<Parameter>,
    /// Where the spec writes each of its fields.
    pub index: FieldIndex,
    /// Where the base was read from.
    pub base_path: PathBuf,
    /// The model the base runs (with the Sahel map, built once), measuring every outcome it
    /// can record.
    pub model: SweptModel,
    /// The outcomes recorded, in column order.
    pub outcomes: Vec<String>,
    /// First day counted (Sahel scenarios).
    pub from_day: u32,
    /// Hash of everything that decides the results (program version, spec, resolved base):
    /// a resumed or merged sweep must carry the same.
    pub fingerprint: String,
}

impl Sweep {
    /// The parameter paths, in column order.
    pub fn parameter_paths(&self) -> Vec<&str> {
        self.spec
            .parameters
            .iter()
            .map(|p| p.path.as_str())
            .collect()
    }

    /// Whether every point runs replicate r on the same seed.
    pub fn common_random_numbers(&self) -> bool {
        self.spec.common_random_numbers.unwrap_or(true)
    }

    /// Where the spec writes `value` of parameter `i`: the level itself in a grid of levels,
    /// else the parameter's entry.
    pub fn written_at(&self, i: usize, value: f64) -> Option<Position> {
        let here = format!("parameters[{i}]");
        let level = self.spec.parameters[i]
            .levels
            .as_ref()
            .and_then(|l| l.iter().position(|x| *x == value));
        level
            .and_then(|l| self.index.find(&format!("{here}.levels[{l}]")))
            .or_else(|| self.index.find(&here))
    }
}

/// Reads and checks a spec; every problem is reported, each with its place in the file.
pub fn load(path: &Path) -> Result<Sweep, ScenarioErrors> {
    let (spec, index, text): (SweepSpec, FieldIndex, String) = scenario::read_spec(path)?;
    let at = |p: &str| index.find(p);
    let err = |field: &str, msg: String| {
        let pos = at(field).or_else(|| {
            // A field left out: point at its parent.
            field.rsplit_once('.').and_then(|(parent, _)| at(parent))
        });
        ScenarioError::new(path, field, msg).at(pos)
    };
    let base_path = path.parent().unwrap_or(Path::new("")).join(&spec.base);
    if !base_path.is_file() {
        return Err(err(
            "base",
            format!("the base scenario {} does not exist", base_path.display()),
        )
        .expected("a scenario file, relative to the spec")
        .into());
    }
    let source = Source::read(&base_path)?;
    let base = source.validate(crate::geo::map_data())?;
    let mut errors = Vec::new();
    let mut parameters = Vec::new();

    if spec.parameters.is_empty() {
        errors.push(
            err("parameters", "no parameters to vary".into())
                .expected("at least one (path: \"model.…\", min: …, max: …)"),
        );
    }
    let grid = spec.design == Design::Grid;
    for (i, p) in spec.parameters.iter().enumerate() {
        let here = format!("parameters[{i}]");
        if spec.parameters[..i].iter().any(|q| q.path == p.path) {
            errors.push(
                err(
                    &format!("{here}.path"),
                    format!("`{}` is varied twice", p.path),
                )
                .expected("each parameter once"),
            );
        }
        let ((lo, hi), whole) = match source.parameter(&p.path) {
            Ok(parameter) => {
                let found = (parameter.range(), parameter.whole());
                parameters.push(parameter);
                found
            }
            Err(e) => {
                errors.push(err(&format!("{here}.path"), e.to_string()));
                continue;
            }
        };
        // A whole number is set rounded: its rounded value must lie in the range.
        let in_range = |v: f64| {
            let v = if whole { v.round() } else { v };
            v.is_finite() && v >= lo && v <= hi
        };
        let range_ok = |errors: &mut Vec<ScenarioError>| -> Option<(f64, f64)> {
            match (p.min, p.max) {
                (Some(a), Some(b)) if a < b && in_range(a) && in_range(b) => Some((a, b)),
                (Some(a), Some(b)) => {
                    errors.push(
                        err(
                            &format!("{here}.min"),
                            format!("the range {a} to {b} is not valid for {}", p.path),
                        )
                        .expected(format!("min < max, both within {lo} to {hi}")),
                    );
                    None
                }
                _ => {
                    errors.push(
                        err(
                            &format!("{here}.min"),
                            format!("{} needs both `min` and `max`", p.path),
                        )
                        .expected(format!("a range within {lo} to {hi}")),
                    );
                    None
                }
            }
        };
        if grid {
            match (&p.levels, p.steps) {
                (Some(levels), None) => {
                    if levels.is_empty() {
                        errors.push(
                            err(&format!("{here}.levels"), "no levels".into())
                                .expected("at least one value"),
                        );
                    }
                    for (l, v) in levels.iter().enumerate() {
                        if !in_range(*v) {
                            errors.push(
                                err(
                                    &format!("{here}.levels"),
                                    format!(
                                        "level {} ({v}) is outside the range of {}",
                                        l + 1,
                                        p.path
                                    ),
                                )
                                .expected(format!("values within {lo} to {hi}")),
                            );
                        }
                    }
                    if p.min.is_some() || p.max.is_some() {
                        errors.push(
                            err(
                                &format!("{here}.levels"),
                                "both `levels` and a range".into(),
                            )
                            .expected("either `levels: [...]` or `min`, `max` and `steps`"),
                        );
                    }
                }
                (None, Some(steps)) => {
                    range_ok(&mut errors);
                    if steps < 2 {
                        errors.push(
                            err(&format!("{here}.steps"), format!("{steps} steps"))
                                .expected("at least 2 (min and max), or `levels: [value]`"),
                        );
                    }
                }
                _ => errors.push(
                    err(
                        &format!("{here}.path"),
                        format!("a grid needs the levels of {}", p.path),
                    )
                    .expected("either `levels: [...]` or `min`, `max` and `steps`"),
                ),
            }
            if p.distribution.is_some() {
                errors.push(
                    err(
                        &format!("{here}.distribution"),
                        "a grid takes no distribution".into(),
                    )
                    .expected("no `distribution` (it is for LatinHypercube and Sobol designs)"),
                );
            }
        } else {
            if p.levels.is_some() || p.steps.is_some() {
                errors.push(
                    err(
                        &format!("{here}.levels"),
                        "levels and steps are for grid designs".into(),
                    )
                    .expected("`min` and `max` (and optionally `distribution`)"),
                );
            }
            if let Some((a, b)) = range_ok(&mut errors) {
                match p.distribution.unwrap_or_default() {
                    Distribution::LogUniform if a <= 0.0 => errors.push(
                        err(
                            &format!("{here}.distribution"),
                            format!("LogUniform needs a range above 0, not from {a}"),
                        )
                        .expected("min > 0"),
                    ),
                    Distribution::Triangular { mode } if !(a..=b).contains(&mode) => errors.push(
                        err(
                            &format!("{here}.distribution"),
                            format!("the mode {mode} lies outside {a} to {b}"),
                        )
                        .expected("a mode within the range"),
                    ),
                    _ => {}
                }
            }
        }
    }

    // Counted in checked arithmetic: `None` is more points than a u64 holds.
    let points: Option<u64> = match spec.design {
        Design::Grid => spec.parameters.iter().try_fold(1u64, |n, p| {
            n.checked_mul(
                p.levels
                    .as_ref()
                    .map(|l| l.len() as u64)
                    .or(p.steps.map(u64::from))
                    .unwrap_or(1),
            )
        }),
        Design::LatinHypercube { points } => {
            if points < 2 {
                errors.push(
                    err("design.points", format!("{points} points")).expected("at least 2 points"),
                );
            }
            Some(u64::from(points))
        }
        Design::Sobol { samples, bootstrap } => {
            if samples < 2 {
                errors.push(
                    err("design.samples", format!("{samples} samples"))
                        .expected("at least 2 base samples (a few hundred for stable indices)"),
                );
            }
            if 2 * spec.parameters.len() > sobol_burley::NUM_DIMENSIONS as usize {
                errors.push(
                    err(
                        "parameters",
                        format!("{} parameters", spec.parameters.len()),
                    )
                    .expected(format!(
                        "at most {} parameters in a Sobol design",
                        sobol_burley::NUM_DIMENSIONS / 2
                    )),
                );
            }
            if bootstrap.is_some_and(|b| b > 100_000) {
                errors.push(
                    err("design.bootstrap", "too many resamples".into())
                        .expected("at most 100000 (1000 is plenty)"),
                );
            }
            u64::from(samples).checked_mul(spec.parameters.len() as u64 + 2)
        }
    };
    if spec.replicates == 0 {
        errors.push(err("replicates", "0 replicates".into()).expected("at least 1"));
    }
    let runs = points.and_then(|p| p.checked_mul(u64::from(spec.replicates)));
    if runs.is_none_or(|r| r > MAX_RUNS) {
        // A grid's size is set by its parameters' levels; other designs' by the design.
        let field = if grid { "parameters" } else { "design" };
        let points = count_or_overflow(points);
        errors.push(
            err(
                field,
                format!(
                    "{points} points × {} replicates is too many runs",
                    spec.replicates
                ),
            )
            .expected(format!(
                "at most {MAX_RUNS} runs (points × replicates): fewer levels, points or replicates"
            )),
        );
    }

    // Outcomes and the counting period.
    let model = SweptModel::of(&base);
    let available = model.available_outcomes();
    let outcomes: Vec<String> = match &spec.outcomes {
        Some(list) => list.clone(),
        None => model.default_outcomes(),
    };
    if outcomes.is_empty() {
        errors.push(err("outcomes", "no outcomes".into()).expected("at least one outcome"));
    }
    for (i, o) in outcomes.iter().enumerate() {
        if !available.contains(o) {
            errors.push(
                err(&format!("outcomes[{i}]"), format!("unknown outcome `{o}`"))
                    .expected("an outcome of the base scenario's model (`name` or `name@area`)")
                    .choices(o, &available),
            );
        } else if outcomes[..i].contains(o) {
            errors.push(err(
                &format!("outcomes[{i}]"),
                format!("`{o}` is listed twice"),
            ));
        }
    }
    let from_day = match (&spec.from, model.has_dates()) {
        (None, _) => 0,
        (Some(_), false) => {
            errors.push(
                err("from", "the reference model has no dates".into())
                    .expected("no `from` (its statistics skip the scenario's burn-in)"),
            );
            0
        }
        (Some(text), true) => match scenario::parse_date(text) {
            Ok(d) if d >= base.period.start && d <= base.period.end => {
                (d - base.period.start).whole_days() as u32
            }
            Ok(d) => {
                errors.push(
                    err(
                        "from",
                        format!(
                            "{} lies outside the base's period",
                            scenario::format_date(d)
                        ),
                    )
                    .expected(format!(
                        "a date from {} to {}",
                        scenario::format_date(base.period.start),
                        scenario::format_date(base.period.end)
                    )),
                );
                0
            }
            Err(_) => {
                errors.push(
                    err("from", format!("`{text}` is not a date"))
                        .expected("an ISO date \"YYYY-MM-DD\", e.g. \"2021-01-01\""),
                );
                0
            }
        },
    };
    if !errors.is_empty() {
        return Err(ScenarioErrors(errors));
    }

    let mut hashed = crate::record::writers::VERSION.as_bytes().to_vec();
    hashed.extend(serde_json::to_vec(&spec).unwrap_or_default());
    // The base's files count by content, not by the path they were reached by (a merge reads
    // the spec by its absolute path, a shard perhaps by a relative one).
    let mut located_nowhere = base.clone();
    for f in &mut located_nowhere.sources {
        f.path.clear();
    }
    hashed.extend(serde_json::to_vec(&located_nowhere).unwrap_or_default());
    let fingerprint = scenario::sha256_hex(&hashed);
    Ok(Sweep {
        spec,
        spec_path: path.to_path_buf(),
        spec_text: text,
        base,
        source,
        parameters,
        index,
        base_path,
        model,
        outcomes,
        from_day,
        fingerprint,
    })
}
