//! Ensemble files: the parameter sets that history matching (`sahelsim calibrate` with an
//! `ensemble` section) did not rule out, and how a scenario is run in each of them
//! (`sahelsim compare --ensemble FILE`).
//!
//! A member sets the same parameter paths in every scenario compared, base and policies alike:
//! policies extend the base, so each member is one plausible world in which every scenario
//! runs.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::calibration::{Calibration, Point, relative_path};
use crate::scenario::locate::FieldIndex;
use crate::scenario::{self, Parameter, Scenario, ScenarioError, ScenarioErrors, Setting, Source};

/// An ensemble file (RON), as `calibrate` writes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnsembleFile {
    /// Name of the calibration spec that made it.
    pub name: String,
    /// The scenario calibrated, relative to the ensemble file.
    pub base: String,
    /// How the members were chosen, in words.
    pub method: String,
    /// Cut-off of the implausibility.
    pub cutoff: f64,
    /// Model discrepancy, a share of each target's value.
    pub discrepancy: f64,
    /// Largest target implausibilities left out of a point's.
    pub ignore_worst: u32,
    /// Points evaluated by the history matching's waves (the members are those kept).
    pub evaluated: usize,
    /// The parameter paths each member sets, in order.
    pub parameters: Vec<String>,
    /// The members.
    pub members: Vec<Member>,
}

/// One plausible parameter set.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// The point's number in the calibration (`calibration.csv`'s `point`).
    pub point: usize,
    /// The wave that sampled it.
    pub wave: u32,
    /// Its implausibility.
    pub implausibility: f64,
    /// Its values, in the order of `parameters`.
    pub values: Vec<f64>,
}

impl EnsembleFile {
    /// The ensemble of a calibration's `members` (its spec has `ensemble` settings), to be
    /// written in the folder `out_dir`.
    pub fn from_calibration(
        calibration: &Calibration,
        out_dir: &Path,
        evaluated: usize,
        members: &[&Point],
    ) -> EnsembleFile {
        let settings = calibration.spec.ensemble.clone().unwrap_or_default();
        EnsembleFile {
            name: calibration.spec.name.clone(),
            base: relative_path(out_dir, &calibration.base_path)
                .display()
                .to_string(),
            method: format!(
                "history matching by direct simulation in {} waves: kept where the implausibility over the fit targets, leaving out the {} largest, is at most {}",
                settings.waves + 1,
                settings.ignore_worst,
                settings.cutoff
            ),
            cutoff: settings.cutoff,
            discrepancy: settings.discrepancy,
            ignore_worst: settings.ignore_worst,
            evaluated,
            parameters: calibration
                .spec
                .parameters
                .iter()
                .map(|p| p.path.clone())
                .collect(),
            members: members
                .iter()
                .map(|p| Member {
                    point: p.id,
                    wave: p.round,
                    implausibility: p.implausibility,
                    values: p.values.clone(),
                })
                .collect(),
        }
    }

    /// The file's text: a header saying what it is, then the ensemble in RON.
    pub fn to_text(&self, spec_path: &Path) -> String {
        let config = ron::ser::PrettyConfig::new()
            .depth_limit(3)
            .struct_names(false);
        let body = ron::ser::to_string_pretty(self, config)
            .unwrap_or_else(|e| format!("// cannot write the ensemble: {e}"));
        format!(
            "// Ensemble of `sahelsim calibrate {}`: {} parameter sets the fit targets do not rule out.\n// Run every scenario of a comparison in each: sahelsim compare --ensemble THIS_FILE BASE.ron POLICY.ron ...\n{body}\n",
            spec_path.display(),
            self.members.len()
        )
    }
}

/// An ensemble file read and checked: what `compare --ensemble` runs.
#[derive(Debug, Clone)]
pub struct Ensemble {
    /// The file as written.
    pub file: EnsembleFile,
    /// Where it was read from.
    pub path: PathBuf,
    index: FieldIndex,
}

impl Ensemble {
    /// Reads and checks an ensemble file: at least one member, each with one finite value per
    /// parameter. Errors are located in the file.
    pub fn load(path: &Path) -> Result<Ensemble, ScenarioErrors> {
        let (file, index, _): (EnsembleFile, FieldIndex, String) = scenario::read_spec(path)?;
        let mut errors = Vec::new();
        if file.members.is_empty() {
            errors.push(
                ScenarioError::new(path, "members", "the ensemble has no member")
                    .at(index.find("members"))
                    .expected("at least one (point: …, wave: …, implausibility: …, values: [...])"),
            );
        }
        if file.parameters.is_empty() {
            errors.push(
                ScenarioError::new(path, "parameters", "the ensemble sets no parameter")
                    .at(index.find("parameters"))
                    .expected("the parameter paths its members set"),
            );
        }
        for (i, m) in file.members.iter().enumerate() {
            let here = format!("members[{i}].values");
            if m.values.len() != file.parameters.len() {
                errors.push(
                    ScenarioError::new(
                        path,
                        &here,
                        format!(
                            "{} values for {} parameters",
                            m.values.len(),
                            file.parameters.len()
                        ),
                    )
                    .at(index.find(&here))
                    .expected("one value per parameter, in the order of `parameters`"),
                );
            } else if let Some(v) = m.values.iter().find(|v| !v.is_finite()) {
                errors.push(
                    ScenarioError::new(path, &here, format!("{v} is not a number"))
                        .at(index.find(&here))
                        .expected("finite numbers"),
                );
            }
        }
        if !errors.is_empty() {
            return Err(ScenarioErrors(errors));
        }
        Ok(Ensemble {
            file,
            path: path.to_path_buf(),
            index,
        })
    }

    /// The first `n` members (all where `n` is `None` or more than there are). The members are
    /// in the order they were sampled, so the first `n` are still a uniform sample.
    pub fn take(&mut self, n: Option<usize>) {
        if let Some(n) = n {
            self.file.members.truncate(n);
        }
    }

    /// The ensemble's parameters resolved against the scenario read from `source`: errors
    /// (a path the scenario has no parameter at) are located in the ensemble file.
    pub fn parameters(&self, source: &Source) -> Result<Vec<Parameter>, ScenarioErrors> {
        let mut errors = Vec::new();
        let mut out = Vec::new();
        for (i, p) in self.file.parameters.iter().enumerate() {
            let here = format!("parameters[{i}]");
            match source.parameter(p) {
                Ok(parameter) => out.push(parameter),
                Err(e) => errors.push(
                    ScenarioError::new(&self.path, &here, e.to_string()).at(self.index.find(&here)),
                ),
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(ScenarioErrors(errors))
        }
    }

    /// The scenario of `source` in member `m`: its values set at `parameters` (resolved by
    /// [`Ensemble::parameters`]), validated as `check` validates a file; a value `check` would
    /// refuse is reported at the member's values in the ensemble file.
    pub fn scenario(
        &self,
        source: &Source,
        parameters: &[Parameter],
        m: usize,
    ) -> Result<Scenario, ScenarioErrors> {
        let at = self.index.find(&format!("members[{m}].values"));
        let settings: Vec<Setting> = parameters
            .iter()
            .zip(&self.file.members[m].values)
            .map(|(p, v)| Setting::new(p, *v).written_at(&self.path, at))
            .collect();
        source.validate_with(&settings, crate::geo::map_data())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    const GOOD: &str = r#"(
    name: "toy",
    base: "baseline.ron",
    method: "history matching",
    cutoff: 3.0,
    discrepancy: 0.1,
    ignore_worst: 1,
    evaluated: 10,
    parameters: ["model.bands.attack_rate", "model.security.backlash"],
    members: [
        (point: 3, wave: 0, implausibility: 2.5, values: [0.04, 0.5]),
        (point: 7, wave: 1, implausibility: 1.5, values: [0.05, 1.5]),
    ],
)"#;

    #[test]
    fn a_member_sets_its_values_in_a_scenario() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), "e.ron", GOOD);
        let e = Ensemble::load(&path).unwrap();
        let source =
            Source::read(Path::new("scenarios/policies/counterinsurgency_surge.ron")).unwrap();
        let ps = e.parameters(&source).unwrap();
        let s = e.scenario(&source, &ps, 1).unwrap();
        assert_eq!(s.model.bands.attack_rate, 0.05);
        assert_eq!(s.model.security.backlash, 1.5);
        assert!(!s.interventions.is_empty(), "the policy is kept");
    }

    #[test]
    fn bad_files_are_refused_where_they_are_wrong() {
        let dir = tempfile::tempdir().unwrap();
        let short = GOOD.replace("values: [0.05, 1.5]", "values: [0.05]");
        let e = Ensemble::load(&write(dir.path(), "short.ron", &short)).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("members[1].values") && text.contains("1 values for 2"),
            "{text}"
        );
        assert!(text.contains("short.ron:12:"), "{text}");

        let unknown = GOOD.replace("model.security.backlash", "model.security.nonsense");
        let e = Ensemble::load(&write(dir.path(), "unknown.ron", &unknown)).unwrap();
        let source = Source::read(Path::new("scenarios/baseline.ron")).unwrap();
        let err = e.parameters(&source).unwrap_err().to_string();
        assert!(
            err.contains("parameters[1]") && err.contains("nonsense"),
            "{err}"
        );

        let out_of_range = GOOD.replace("values: [0.05, 1.5]", "values: [0.05, 99.0]");
        let e = Ensemble::load(&write(dir.path(), "range.ron", &out_of_range)).unwrap();
        let ps = e.parameters(&source).unwrap();
        let err = e.scenario(&source, &ps, 1).unwrap_err().to_string();
        assert!(err.contains("range.ron:12:"), "{err}");

        let typo = GOOD.replace("cutoff:", "cut_off:");
        let err = Ensemble::load(&write(dir.path(), "typo.ron", &typo))
            .unwrap_err()
            .to_string();
        assert!(err.contains("cut_off"), "{err}");
    }
}
