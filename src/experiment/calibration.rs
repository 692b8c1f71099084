//! Reproducible calibration: a spec names free parameters with ranges; the search evaluates a
//! Latin hypercube of points, then refines around the best in shrinking boxes. Each point runs
//! the same replicates (common random numbers), is scored by the squared distances of its
//! target means outside their bands, and is ranked.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use indicatif::ProgressBar;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::history_matching::{Observation, Waves, overall, run_waves};
use super::sweep::spec::{MAX_RUNS, count_or_overflow};
use super::targets::{Role, covers_calibration_period};
use super::validation::{
    TargetResult, calibration_scenario, measure_replicate, replicate_score, score,
    summarise_targets,
};
use crate::geo::SahelMap;
use crate::scenario::locate::FieldIndex;
use crate::scenario::{
    self, Parameter, Place, Position, Problems, Scenario, ScenarioError, ScenarioErrors, Setting,
    Source,
};
use crate::sim::rng::uniform;

/// A free parameter as written in a spec.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FreeParameter {
    /// Parameter path, e.g. `model.bands.recruit_rate` or `groups.FLM.tactics.civilian_targeting`.
    pub path: String,
    /// Lower end of the searched range.
    pub min: f64,
    /// Upper end of the searched range.
    pub max: f64,
}

/// Refinement around the best point.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Refine {
    /// Rounds of refinement.
    pub rounds: u32,
    /// Points per round.
    pub points: u32,
    /// Half-width of the first box as a share of each range; halved each round.
    pub shrink: f64,
}

/// A calibration spec (RON).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CalibrationSpec {
    /// Name; the default output folder is `output/<name>`.
    pub name: String,
    /// The scenario calibrated, relative to the spec.
    pub base: String,
    /// The free parameters.
    pub parameters: Vec<FreeParameter>,
    /// Latin hypercube points of the first round.
    pub points: u32,
    /// Replicates per point.
    pub replicates: u32,
    /// Refinement rounds.
    pub refine: Option<Refine>,
    /// Seed of the point sampling (the replicates use the scenario's seed).
    pub seed: u64,
    /// History matching: keep every point the targets do not rule out, as an ensemble of
    /// plausible parameter sets (written to `ensemble.ron`). Its waves run after the Latin
    /// hypercube (wave 0) and before the refinement.
    pub ensemble: Option<EnsembleSettings>,
    /// How a point is scored and ranked (default [`Scoring::Means`]).
    #[serde(default)]
    pub scoring: Scoring,
}

/// How `calibrate` scores a point from its replicates.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
pub enum Scoring {
    /// The squared distance of each fit target's *mean* from its band ([`score`]): a point
    /// whose replicates fall on both sides of a band (a group dying out in half of them and
    /// growing past the band in the rest) can score 0.
    #[default]
    Means,
    /// The mean over replicates of each replicate's squared distance from the band
    /// ([`replicate_score`]): a point scores 0 only when every replicate meets every fit
    /// target, so the search prefers points whose every world resembles the one observed.
    Replicates,
}

impl Scoring {
    /// What the score is of, for the summary line: "of the means" or "of the replicates".
    pub fn of_what(self) -> &'static str {
        match self {
            Scoring::Means => "of the means",
            Scoring::Replicates => "of the replicates",
        }
    }

    /// The score of a point's target results.
    pub fn score(self, results: &[TargetResult]) -> f64 {
        match self {
            Scoring::Means => score(results),
            Scoring::Replicates => replicate_score(results),
        }
    }
}

/// The history matching of a spec (`ensemble: (...)`); see
/// [`history_matching`](super::history_matching) for the measure and the waves.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnsembleSettings {
    /// Waves after the Latin hypercube of the whole box, each in the box around the points
    /// not yet ruled out.
    pub waves: u32,
    /// Points of each later wave.
    pub points: u32,
    /// Cut-off of the implausibility (default 3).
    #[serde(default = "default_cutoff")]
    pub cutoff: f64,
    /// Model discrepancy, as a share of each target's observed value (default 0.1).
    #[serde(default = "default_discrepancy")]
    pub discrepancy: f64,
    /// Largest target implausibilities left out of a point's (default 1).
    #[serde(default = "default_ignore_worst")]
    pub ignore_worst: u32,
}

fn default_cutoff() -> f64 {
    3.0
}

fn default_discrepancy() -> f64 {
    0.1
}

fn default_ignore_worst() -> u32 {
    1
}

impl Default for EnsembleSettings {
    /// No waves; the measure's defaults (what `calibration.csv` reports without `ensemble`).
    fn default() -> Self {
        EnsembleSettings {
            waves: 0,
            points: 0,
            cutoff: default_cutoff(),
            discrepancy: default_discrepancy(),
            ignore_worst: default_ignore_worst(),
        }
    }
}

impl EnsembleSettings {
    /// The implausibility of a point's target results: over the covered fit targets, each read
    /// as an observation ([`Observation::from_band`]), the largest after leaving out the
    /// `ignore_worst` largest.
    pub fn implausibility(&self, results: &[TargetResult]) -> f64 {
        let each: Vec<f64> = results
            .iter()
            .filter(|r| r.covered && r.target.role == Role::Fit)
            .map(|r| {
                Observation::from_band(r.target.lo, r.target.hi)
                    .implausibility(&r.values, self.discrepancy)
            })
            .collect();
        overall(&each, self.ignore_worst as usize)
    }
}

/// One evaluated point.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    /// Number, in evaluation order.
    pub id: usize,
    /// Search round: 0 is the Latin hypercube, then the history matching's waves, then the
    /// refinement's rounds.
    pub round: u32,
    /// Whether it was sampled by the refinement around the best point (such points are never
    /// ensemble members: they are not a uniform sample).
    pub refined: bool,
    /// Its implausibility against the fit targets (with the spec's `ensemble` settings, or
    /// their defaults).
    pub implausibility: f64,
    /// Parameter values, in spec order.
    pub values: Vec<f64>,
    /// Score over the fit targets (0 = every fit target met).
    pub score: f64,
    /// Fit targets met (test targets are reported, never scored).
    pub passed: usize,
    /// Target results.
    pub targets: Vec<TargetResult>,
}

/// Most free parameters for which [`load_spec`] validates every corner of the searched box.
pub const MAX_CORNER_PARAMETERS: usize = 12;

/// A spec checked against its base scenario: what [`calibrate`] runs.
#[derive(Debug, Clone)]
pub struct Calibration {
    /// The spec as written.
    pub spec: CalibrationSpec,
    /// Where it was read from.
    pub spec_path: PathBuf,
    /// The base scenario.
    pub base: Scenario,
    /// Where the base was read from.
    pub base_path: PathBuf,
    /// The base as read, which each point sets its values in and validates again.
    source: Source,
    /// The free parameters, resolved against the base, in spec order.
    parameters: Vec<Parameter>,
    /// Where the spec writes each of its fields.
    index: FieldIndex,
}

impl Calibration {
    /// The base with `values` set at the free parameters (value `i` written at `written[i]`
    /// of parameter `i` in the spec), validated as `check` validates a file.
    fn scenario(&self, values: &[f64], written: &[&str]) -> Result<Scenario, ScenarioErrors> {
        let settings: Vec<Setting> = self
            .parameters
            .iter()
            .zip(values)
            .enumerate()
            .map(|(i, (p, v))| {
                let field = written.get(i).copied().unwrap_or("path");
                Setting::new(p, *v).written_at(&self.spec_path, self.position(i, field))
            })
            .collect();
        self.source.validate_with(&settings, crate::geo::map_data())
    }

    /// Where the spec writes `field` of free parameter `i` (or, failing that, the parameter).
    fn position(&self, i: usize, field: &str) -> Option<Position> {
        let here = format!("parameters[{i}]");
        self.index
            .find(&format!("{here}.{field}"))
            .or_else(|| self.index.find(&here))
    }

    /// "where a = 1, b = 2".
    fn values_note(&self, values: &[f64]) -> String {
        let v: Vec<String> = self
            .spec
            .parameters
            .iter()
            .zip(values)
            .map(|(p, v)| format!("{} = {v}", p.path))
            .collect();
        format!("where {}", v.join(", "))
    }

    /// Validates the scenario of every point, before any runs: the first problems found.
    fn scenarios(&self, points: &[Vec<f64>]) -> Result<Vec<Scenario>, ScenarioErrors> {
        let mut problems = Problems::default();
        let mut out = Vec::with_capacity(points.len());
        for v in points {
            match self.scenario(v, &[]) {
                Ok(s) => out.push(s),
                Err(e) => problems.add(e, &format!("at a point {}", self.values_note(v))),
            }
        }
        let at = self.index.find("parameters");
        problems.into_result(&self.spec_path, "parameters", at)?;
        Ok(out)
    }
}

/// Loads and checks a spec against its base scenario. The searched box's corners (every
/// combination of the parameters' `min` and `max`, with at most [`MAX_CORNER_PARAMETERS`]
/// parameters) are validated as `check` validates a file: the rules between fields are
/// monotone (no more bands than fighters, densities that add up to at most 1), so a box whose
/// corners pass holds no point that `check` refuses.
pub fn load_spec(path: &Path) -> Result<Calibration, ScenarioErrors> {
    let (spec, index, _): (CalibrationSpec, FieldIndex, String) = scenario::read_spec(path)?;
    let at = |p: &str| index.find(p);
    let base_path = path.parent().unwrap_or(Path::new("")).join(&spec.base);
    let source = Source::read(&base_path)?;
    let base = source.validate(crate::geo::map_data())?;
    let mut errors = Vec::new();
    let mut parameters = Vec::new();
    if !covers_calibration_period(&base) {
        errors.push(
            ScenarioError::new(path, "base", "the base scenario does not cover 2017–2020")
                .at(at("base"))
                .expected("a scenario whose period includes 2017-01-01 to 2020-12-31"),
        );
    }
    if spec.parameters.is_empty() {
        errors.push(
            ScenarioError::new(path, "parameters", "no free parameters")
                .at(at("parameters"))
                .expected("at least one (path: \"model.…\", min: …, max: …)"),
        );
    }
    for (i, p) in spec.parameters.iter().enumerate() {
        let here = format!("parameters[{i}]");
        match source.parameter(&p.path) {
            Err(e) => errors.push(
                ScenarioError::new(path, format!("{here}.path"), e.to_string())
                    .at(at(&format!("{here}.path"))),
            ),
            Ok(parameter) => {
                let (lo, hi) = parameter.range();
                // A whole number is set rounded: its rounded values must lie in the range.
                let whole = parameter.whole();
                let round = |v: f64| if whole { v.round() } else { v };
                parameters.push(parameter);
                if !(p.min < p.max && round(p.min) >= lo && round(p.max) <= hi) {
                    errors.push(
                        ScenarioError::new(
                            path,
                            format!("{here}.min"),
                            format!(
                                "the range {} to {} is not valid for {}",
                                p.min, p.max, p.path
                            ),
                        )
                        .at(at(&format!("{here}.min")))
                        .expected(format!("min < max, within {lo} to {hi}")),
                    );
                }
            }
        }
    }
    if spec.points == 0 || spec.replicates == 0 {
        errors.push(
            ScenarioError::new(path, "points", "points and replicates must be at least 1")
                .at(at("points")),
        );
    }
    if spec.replicates > super::MAX_REPLICATES {
        errors.push(
            ScenarioError::new(
                path,
                "replicates",
                format!("{} replicates are too many", spec.replicates),
            )
            .at(at("replicates"))
            .expected(format!(
                "at most {} replicates, as a scenario's `replicates`",
                super::MAX_REPLICATES
            )),
        );
    }
    let runs = total_runs(&spec);
    if runs.is_none_or(|r| r > MAX_RUNS) {
        let field = if spec.refine.is_some() {
            "refine"
        } else {
            "points"
        };
        errors.push(
            ScenarioError::new(
                path,
                field,
                format!("{} runs are too many", count_or_overflow(runs)),
            )
            .at(at(field))
            .expected(format!(
                "at most {MAX_RUNS} runs: (points + ensemble.waves × ensemble.points + refine.rounds × refine.points) × replicates"
            )),
        );
    }
    if let Some(r) = &spec.refine
        && !(r.shrink > 0.0 && r.shrink <= 1.0)
    {
        errors.push(
            ScenarioError::new(
                path,
                "refine.shrink",
                format!("{} is out of range", r.shrink),
            )
            .at(at("refine.shrink"))
            .expected("a share of each range, above 0 and at most 1"),
        );
    }
    if let Some(e) = &spec.ensemble {
        let fit = super::targets::TARGETS
            .iter()
            .filter(|t| t.role == Role::Fit)
            .count();
        let mut bad = |field: &str, problem: String, expected: String| {
            errors.push(
                ScenarioError::new(path, format!("ensemble.{field}"), problem)
                    .at(at(&format!("ensemble.{field}")))
                    .expected(expected),
            )
        };
        if e.waves > 0 && e.points == 0 {
            bad(
                "points",
                "waves need points".to_string(),
                "at least 1 point per wave".to_string(),
            );
        }
        if !(e.cutoff.is_finite() && e.cutoff > 0.0) {
            bad(
                "cutoff",
                format!("{} is out of range", e.cutoff),
                "a positive number of standard deviations, usually 3".to_string(),
            );
        }
        if !(e.discrepancy.is_finite() && e.discrepancy >= 0.0) {
            bad(
                "discrepancy",
                format!("{} is out of range", e.discrepancy),
                "a share of each target's value, 0 or more (e.g. 0.1)".to_string(),
            );
        }
        if e.ignore_worst as usize >= fit {
            bad(
                "ignore_worst",
                format!("{} leaves no fit target", e.ignore_worst),
                format!("fewer than the {fit} fit targets (usually 0 to 2)"),
            );
        }
    }
    if !errors.is_empty() {
        return Err(ScenarioErrors(errors));
    }
    let calibration = Calibration {
        spec,
        spec_path: path.to_path_buf(),
        base,
        base_path,
        source,
        parameters,
        index,
    };
    let k = calibration.parameters.len();
    if k <= MAX_CORNER_PARAMETERS {
        let mut problems = Problems::default();
        for corner in 0..1usize << k {
            let high = |d: usize| corner >> d & 1 == 1;
            let (values, written): (Vec<f64>, Vec<&str>) = calibration
                .spec
                .parameters
                .iter()
                .enumerate()
                .map(|(d, p)| {
                    if high(d) {
                        (p.max, "max")
                    } else {
                        (p.min, "min")
                    }
                })
                .unzip();
            if let Err(e) = calibration.scenario(&values, &written) {
                let note = format!(
                    "at a corner of the searched ranges, {}",
                    calibration.values_note(&values)
                );
                problems.add(e, &note);
            }
        }
        let at = calibration.index.find("parameters");
        problems.into_result(path, "parameters", at)?;
    }
    Ok(calibration)
}

/// The most runs of a spec, counted without wrapping around (`None`: more than a u64 holds):
/// (points + ensemble.waves × ensemble.points + refine.rounds × refine.points) × replicates
/// (fewer where a wave leaves no point plausible and the history matching stops).
pub fn total_runs(spec: &CalibrationSpec) -> Option<u64> {
    let refined = spec.refine.as_ref().map_or(Some(0), |r| {
        u64::from(r.rounds).checked_mul(u64::from(r.points))
    })?;
    let waves = spec.ensemble.as_ref().map_or(Some(0), |e| {
        u64::from(e.waves).checked_mul(u64::from(e.points))
    })?;
    u64::from(spec.points)
        .checked_add(refined)?
        .checked_add(waves)?
        .checked_mul(u64::from(spec.replicates))
}

/// `n` points of a Latin hypercube in [0, 1)^`dims`.
pub fn latin_hypercube(n: usize, dims: usize, rng: &mut ChaCha8Rng) -> Vec<Vec<f64>> {
    let mut points = vec![vec![0.0; dims]; n];
    for d in 0..dims {
        let mut strata: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = (uniform(rng) * (i + 1) as f64) as usize;
            strata.swap(i, j.min(i));
        }
        for (i, p) in points.iter_mut().enumerate() {
            p[d] = (strata[i] as f64 + uniform(rng)) / n as f64;
        }
    }
    points
}

/// Evaluates points (parameter values) on `replicates` replicates each, all in parallel, once
/// every point's scenario has been validated.
pub fn evaluate(
    calibration: &Calibration,
    points: &[Vec<f64>],
    progress: Option<&ProgressBar>,
) -> Result<Vec<Vec<TargetResult>>, ScenarioErrors> {
    let spec = &calibration.spec;
    let cut = calibration_scenario(&calibration.base);
    let map = Arc::new(SahelMap::build(&cut.map, cut.period.start.year()));
    let scenarios: Vec<Arc<Scenario>> = calibration
        .scenarios(points)?
        .iter()
        .map(|s| Arc::new(calibration_scenario(s)))
        .collect();
    let r = spec.replicates as usize;
    let jobs: Vec<(usize, u32)> = (0..points.len())
        .flat_map(|p| (0..spec.replicates).map(move |rep| (p, rep)))
        .collect();
    let values = super::engine::run_all(&jobs, |&(p, rep)| {
        measure_replicate(&scenarios[p], &map, rep, progress)
    });
    Ok(values
        .chunks(r)
        .map(|v| summarise_targets(v, cut.period.end.year()))
        .collect())
}

/// Runs the whole search; points ranked best first. The Latin hypercube is wave 0 of the
/// history matching, whose later waves (where the spec asks for an ensemble) run next; the
/// refinement around the best point comes last. Each round's points are validated before the
/// round runs.
pub fn calibrate(
    calibration: &Calibration,
    progress: Option<&ProgressBar>,
) -> Result<Vec<Point>, ScenarioErrors> {
    let spec = &calibration.spec;
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let matching = spec.ensemble.clone().unwrap_or_default();
    let mut all: Vec<Point> = Vec::new();
    let push = |round: u32,
                refined: bool,
                values: Vec<Vec<f64>>,
                all: &mut Vec<Point>|
     -> Result<Vec<f64>, ScenarioErrors> {
        let results = evaluate(calibration, &values, progress)?;
        let mut implausibilities = Vec::with_capacity(values.len());
        for (v, t) in values.into_iter().zip(results) {
            let score = spec.scoring.score(&t);
            let (passed, _) = super::validation::tally(&t, Role::Fit);
            let implausibility = matching.implausibility(&t);
            implausibilities.push(implausibility);
            all.push(Point {
                id: all.len(),
                round,
                refined,
                implausibility,
                values: v,
                score,
                passed,
                targets: t,
            });
        }
        Ok(implausibilities)
    };
    let bounds: Vec<(f64, f64)> = spec.parameters.iter().map(|p| (p.min, p.max)).collect();
    let waves = Waves {
        first: spec.points as usize,
        waves: matching.waves,
        points: matching.points as usize,
        cutoff: matching.cutoff,
    };
    let (_, boxes) = run_waves(&bounds, &waves, &mut rng, |wave, points| {
        push(wave, false, points.to_vec(), &mut all)
    })?;
    if let Some(refine) = &spec.refine {
        let dims = spec.parameters.len();
        let mut half = refine.shrink;
        for round in 1..=refine.rounds {
            let best = all
                .iter()
                .min_by(|a, b| a.score.total_cmp(&b.score).then(a.id.cmp(&b.id)))
                .map(|p| p.values.clone())
                .unwrap_or_default();
            let pts: Vec<Vec<f64>> = latin_hypercube(refine.points as usize, dims, &mut rng)
                .iter()
                .map(|u| {
                    spec.parameters
                        .iter()
                        .enumerate()
                        .map(|(d, p)| {
                            let width = p.max - p.min;
                            (best[d] + (2.0 * u[d] - 1.0) * half * width).clamp(p.min, p.max)
                        })
                        .collect()
                })
                .collect();
            push(boxes.len() as u32 - 1 + round, true, pts, &mut all)?;
            half /= 2.0;
        }
    }
    all.sort_by(|a, b| a.score.total_cmp(&b.score).then(a.id.cmp(&b.id)));
    Ok(all)
}

/// The ensemble members among evaluated points: those of the history matching's waves (not
/// the refinement) that the targets do not rule out at the spec's cut-off, in evaluation
/// order. Empty when the spec asks for no ensemble.
pub fn members<'a>(spec: &CalibrationSpec, points: &'a [Point]) -> Vec<&'a Point> {
    let Some(matching) = &spec.ensemble else {
        return Vec::new();
    };
    let mut out: Vec<&Point> = points
        .iter()
        .filter(|p| !p.refined && p.implausibility <= matching.cutoff)
        .collect();
    out.sort_by_key(|p| p.id);
    out
}

/// Total replicate-days a spec will simulate (for the progress bar).
pub fn workload(base: &Scenario, spec: &CalibrationSpec) -> u64 {
    let runs = total_runs(spec).unwrap_or(u64::MAX);
    runs.saturating_mul(calibration_scenario(base).period.days() as u64)
}

/// The best point as a scenario that extends the base: the values to paste into it.
/// `extends` names the base relative to `out_dir`, where the fragment is written.
pub fn best_fragment(calibration: &Calibration, out_dir: &Path, best: &Point) -> String {
    use std::collections::BTreeMap;
    let (spec, base) = (&calibration.spec, &calibration.base);
    let mut model: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut groups: BTreeMap<&str, BTreeMap<&str, Vec<String>>> = BTreeMap::new();
    let mut interventions: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut epstein: Vec<String> = Vec::new();
    for (p, v) in calibration.parameters.iter().zip(&best.values) {
        let value = if p.whole() {
            format!("{}", v.round())
        } else {
            format!("{v:?}")
        };
        match p.place() {
            Place::Model { section, field } => model
                .entry(section)
                .or_default()
                .push(format!("{field}: {value}")),
            Place::Group { name, field } => {
                let (section, field) = field.split_once('.').unwrap_or((field, ""));
                groups
                    .entry(name)
                    .or_default()
                    .entry(section)
                    .or_default()
                    .push(format!("{field}: {value}"));
            }
            Place::Intervention { name, field } => interventions
                .entry(name)
                .or_default()
                .push(format!("{field}: {value}")),
            Place::Epstein { field } => epstein.push(format!("{field}: {value}")),
        }
    }
    let mut out = format!(
        "// Best point of `sahelsim calibrate {}` (spec `{}`, seed {}): score {:.4}, {} of {} fit targets met.\n// Paste the values into the base scenario, or run this file: it extends the base.\n(\n    extends: {:?},\n    name: \"{}-calibrated\",\n",
        calibration.spec_path.display(),
        spec.name,
        spec.seed,
        best.score,
        best.passed,
        super::validation::tally(&best.targets, Role::Fit).1,
        relative_path(out_dir, &calibration.base_path)
            .display()
            .to_string(),
        base.name
    );
    if !model.is_empty() {
        out.push_str("    model: (\n");
        for (section, fields) in &model {
            out.push_str(&format!("        {section}: ({}),\n", fields.join(", ")));
        }
        out.push_str("    ),\n");
    }
    if !groups.is_empty() {
        out.push_str("    groups: [\n");
        for (g, sections) in &groups {
            let parts: Vec<String> = sections
                .iter()
                .map(|(s, f)| format!("{s}: ({})", f.join(", ")))
                .collect();
            out.push_str(&format!("        (name: {g:?}, {}),\n", parts.join(", ")));
        }
        out.push_str("    ],\n");
    }
    if !interventions.is_empty() {
        out.push_str("    interventions: [\n");
        for (name, fields) in &interventions {
            out.push_str(&format!(
                "        (name: {name:?}, {}),\n",
                fields.join(", ")
            ));
        }
        out.push_str("    ],\n");
    }
    if !epstein.is_empty() {
        out.push_str(&format!("    epstein: ({}),\n", epstein.join(", ")));
    }
    out.push_str(")\n");
    out
}

/// `to` as a path relative to the folder `from` (both resolved against the working directory).
pub fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let abs = |p: &Path| {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        p.canonicalize().unwrap_or(p)
    };
    let (from, to) = (abs(from), abs(to));
    let common = from
        .components()
        .zip(to.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in from.components().skip(common) {
        out.push("..");
    }
    for c in to.components().skip(common) {
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(id: usize, refined: bool, implausibility: f64) -> Point {
        Point {
            id,
            round: 0,
            refined,
            implausibility,
            values: vec![id as f64],
            score: 0.0,
            passed: 0,
            targets: Vec::new(),
        }
    }

    #[test]
    fn members_are_the_plausible_points_of_the_waves_in_evaluation_order() {
        let spec: CalibrationSpec = crate::scenario::ron_options()
            .from_str(
                r#"(name: "t", base: "b.ron", parameters: [], points: 4, replicates: 1, seed: 1,
                ensemble: (waves: 1, points: 2, cutoff: 3.0))"#,
            )
            .unwrap();
        // Ranked as calibrate returns them, best score first: not in id order.
        let points = vec![
            point(3, false, 1.0),
            point(0, false, 2.9),
            point(4, true, 0.5),
            point(1, false, 3.1),
            point(2, false, f64::INFINITY),
            point(5, false, 3.0),
        ];
        let kept: Vec<usize> = members(&spec, &points).iter().map(|p| p.id).collect();
        assert_eq!(kept, vec![0, 3, 5]);
        let mut plain = spec.clone();
        plain.ensemble = None;
        assert!(members(&plain, &points).is_empty());
        let defaults = spec.ensemble.unwrap();
        assert_eq!((defaults.discrepancy, defaults.ignore_worst), (0.1, 1));
    }

    #[test]
    fn latin_hypercube_fills_every_stratum_once() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let pts = latin_hypercube(10, 3, &mut rng);
        for d in 0..3 {
            let mut strata: Vec<usize> = pts.iter().map(|p| (p[d] * 10.0) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..10).collect::<Vec<_>>());
        }
    }
}
