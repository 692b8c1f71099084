//! Parameters addressed by path, for calibration and sweeps: `model.<section>.<field>` (every
//! mechanism parameter), `groups.<name>.<objectives|tactics|initial>.<field>` (a group's
//! numbers), `interventions.<name>.<intensity|capacity|option>` (a policy's numbers) and
//! `epstein.<field>` (the reference model's numbers).
//!
//! A path is resolved against a scenario as read ([`super::Source`]) into a [`Parameter`]. Its
//! range, unit and meaning come from the section's table (`model_params::PARAMETERS`,
//! `RawGroup::NUMBERS`, `RawIntervention::NUMBERS`, `RawEpstein::NUMBERS`), the same the
//! validation checks against. A value is set in the raw scenario, as if the file wrote it, and
//! only validation says whether it is acceptable: ranges here are for the spec's own checks and
//! for documentation.

use super::checker::item_path;
use super::epstein::RawEpstein;
use super::error::closest;
use super::interventions::RawIntervention;
use super::model_params::{PARAMETERS, ParamInfo};
use super::numbers::NumberInfo;
use super::params::Scenario;
use super::raw::{ModelKind, RawGroup, RawScenario};

/// Why a path names no parameter of a scenario.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PathError {
    /// The path starts with none of the sections.
    #[error(
        "`{0}` is not a parameter path: expected `model.<section>.<field>`, `groups.<name>.<section>.<field>`, `interventions.<name>.<field>` or `epstein.<field>`"
    )]
    NotAPath(String),
    /// The section exists, the field does not; `hint` is "; did you mean `…`?" or empty.
    #[error("`{path}` is not a parameter{hint}")]
    Unknown {
        /// The path.
        path: String,
        /// The closest valid path, as a hint.
        hint: String,
    },
    /// No group of that name.
    #[error("`{path}` names no group{hint} (groups: {names})")]
    NoGroup {
        /// The path.
        path: String,
        /// The closest group name, as a hint.
        hint: String,
        /// The scenario's groups.
        names: String,
    },
    /// No intervention of that name.
    #[error("`{path}` names no intervention{hint} (interventions: {names})")]
    NoIntervention {
        /// The path.
        path: String,
        /// The closest intervention name, as a hint.
        hint: String,
        /// The scenario's interventions.
        names: String,
    },
    /// The scenario has no interventions.
    #[error("`{0}` names an intervention, but the scenario has none")]
    NoInterventions(String),
    /// An intervention's capacity or option, where its kind has none.
    #[error("`{path}`: an intervention of kind {kind} has no {field}")]
    KindHasNone {
        /// The path.
        path: String,
        /// The intervention's kind.
        kind: String,
        /// `capacity` or `option`.
        field: &'static str,
    },
    /// `epstein.…` on a scenario of another kind.
    #[error(
        "`{0}` names the reference model's parameter, but the scenario is not of `kind: Epstein`"
    )]
    NotEpstein(String),
}

/// What a path names.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// A mechanism parameter (`model.…`).
    Model(&'static ParamInfo),
    /// A group's number: the group's position in `groups`.
    Group(usize, &'static NumberInfo),
    /// An intervention's number: its position in `interventions`.
    Intervention(usize, &'static NumberInfo),
    /// A number of the `epstein` section.
    Epstein(&'static NumberInfo),
}

/// A parameter path resolved against a scenario.
#[derive(Debug, Clone)]
pub struct Parameter {
    path: String,
    field_path: String,
    target: Target,
    /// The group's or intervention's name; empty for the other sections.
    name: String,
}

/// Where a parameter is written in a scenario file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Place<'a> {
    /// `model: (section: (field: …))`.
    Model {
        /// The section, e.g. `violence`.
        section: &'static str,
        /// The field, e.g. `kalyvas_peak`.
        field: &'static str,
    },
    /// `groups: [(name: …, section: (field: …))]`.
    Group {
        /// The group's name.
        name: &'a str,
        /// The field within the group, e.g. `tactics.activity`.
        field: &'static str,
    },
    /// `interventions: [(name: …, field: …)]`.
    Intervention {
        /// The intervention's name.
        name: &'a str,
        /// The field, e.g. `capacity`.
        field: &'static str,
    },
    /// `epstein: (field: …)`.
    Epstein {
        /// The field, e.g. `legitimacy`.
        field: &'static str,
    },
}

impl Parameter {
    /// Resolves `path` against the scenario `raw` (merged over what it extends).
    pub(crate) fn resolve(raw: &RawScenario, path: &str) -> Result<Parameter, PathError> {
        let found = |target: Target, field_path: String| Parameter {
            path: path.to_string(),
            field_path,
            target,
            name: String::new(),
        };
        if path.starts_with("model.") {
            return match PARAMETERS.iter().find(|p| p.path() == path) {
                Some(info) => Ok(found(Target::Model(info), path.to_string())),
                None => Err(unknown(path, PARAMETERS.iter().map(|p| p.path()).collect())),
            };
        }
        if let Some(field) = path.strip_prefix("epstein.") {
            if raw.kind != Some(ModelKind::Epstein) {
                return Err(PathError::NotEpstein(path.to_string()));
            }
            return match RawEpstein::NUMBERS.iter().find(|n| n.field == field) {
                Some(info) => Ok(found(Target::Epstein(info), path.to_string())),
                None => Err(unknown(
                    path,
                    RawEpstein::NUMBERS
                        .iter()
                        .map(|n| format!("epstein.{}", n.field))
                        .collect(),
                )),
            };
        }
        if let Some(rest) = path.strip_prefix("interventions.") {
            let list = raw.interventions.as_ref().map(|l| l.0.as_slice());
            let list = list.unwrap_or_default();
            let names: Vec<&str> = list.iter().map(|i| i.name.as_str()).collect();
            let Some((i, field)) = longest_name(rest, &names) else {
                if names.is_empty() {
                    return Err(PathError::NoInterventions(path.to_string()));
                }
                let written = rest.rsplit_once('.').map(|(n, _)| n).unwrap_or(rest);
                return Err(PathError::NoIntervention {
                    path: path.to_string(),
                    hint: hint(written, &names),
                    names: names.join(", "),
                });
            };
            let Some(info) = RawIntervention::NUMBERS.iter().find(|n| n.field == field) else {
                return Err(unknown(
                    path,
                    RawIntervention::NUMBERS
                        .iter()
                        .map(|n| format!("interventions.{}.{}", names[i], n.field))
                        .collect(),
                ));
            };
            if let Some(kind) = list[i].kind {
                let kind_info = kind.info();
                if (*info == RawIntervention::CAPACITY && kind_info.capacity.is_none())
                    || (*info == RawIntervention::OPTION && kind_info.option.is_none())
                {
                    return Err(PathError::KindHasNone {
                        path: path.to_string(),
                        kind: format!("{kind:?}"),
                        field: info.field,
                    });
                }
            }
            return Ok(Parameter {
                name: names[i].to_string(),
                ..found(
                    Target::Intervention(i, info),
                    format!("{}.{field}", item_path("interventions", names[i], i)),
                )
            });
        }
        let Some(rest) = path.strip_prefix("groups.") else {
            return Err(PathError::NotAPath(path.to_string()));
        };
        let list = raw.groups.as_ref().map(|l| l.0.as_slice());
        let names: Vec<&str> = list
            .unwrap_or_default()
            .iter()
            .map(|g| g.name.as_str())
            .collect();
        let Some((g, field)) = longest_name(rest, &names) else {
            let written = rest.split('.').next().unwrap_or("");
            return Err(PathError::NoGroup {
                path: path.to_string(),
                hint: hint(written, &names),
                names: names.join(", "),
            });
        };
        match RawGroup::NUMBERS.iter().find(|n| n.field == field) {
            Some(info) => Ok(Parameter {
                name: names[g].to_string(),
                ..found(
                    Target::Group(g, info),
                    format!("groups[{}].{field}", names[g]),
                )
            }),
            None => Err(unknown(
                path,
                RawGroup::NUMBERS
                    .iter()
                    .map(|n| format!("groups.{}.{}", names[g], n.field))
                    .collect(),
            )),
        }
    }

    /// The path as written, e.g. `groups.FLM.tactics.activity`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The field's path in a scenario file, as validation errors name it, e.g.
    /// `groups[FLM].tactics.activity` or `interventions[protect Mopti].capacity`.
    pub fn field_path(&self) -> &str {
        &self.field_path
    }

    /// Where the parameter is written in a scenario file.
    pub fn place(&self) -> Place<'_> {
        match self.target {
            Target::Model(p) => Place::Model {
                section: p.section,
                field: p.field,
            },
            Target::Group(_, n) => Place::Group {
                name: &self.name,
                field: n.field,
            },
            Target::Intervention(_, n) => Place::Intervention {
                name: &self.name,
                field: n.field,
            },
            Target::Epstein(n) => Place::Epstein { field: n.field },
        }
    }

    /// The range any scenario accepts (validation may ask for less, where other fields bound
    /// the value).
    pub fn range(&self) -> (f64, f64) {
        match self.target {
            Target::Model(p) => (p.min, p.max),
            Target::Group(_, n) | Target::Intervention(_, n) | Target::Epstein(n) => (n.min, n.max),
        }
    }

    /// Whether the parameter is a whole number (values set are rounded).
    pub fn whole(&self) -> bool {
        match self.target {
            Target::Model(_) => false,
            Target::Group(_, n) | Target::Intervention(_, n) | Target::Epstein(n) => n.whole,
        }
    }

    /// Writes `value` into `raw` (the scenario this parameter was resolved against), as if the
    /// file wrote it; whole numbers are rounded.
    pub(crate) fn set(&self, raw: &mut RawScenario, value: f64) {
        let done = match self.target {
            Target::Model(_) => raw
                .model
                .get_or_insert_with(Default::default)
                .set_number(&self.path, value),
            Target::Group(g, n) => raw
                .groups
                .as_mut()
                .and_then(|l| l.0.get_mut(g))
                .is_some_and(|group| group.set_number(n.field, value)),
            Target::Intervention(i, n) => raw
                .interventions
                .as_mut()
                .and_then(|l| l.0.get_mut(i))
                .is_some_and(|iv| iv.set_number(n.field, value)),
            Target::Epstein(n) => raw
                .epstein
                .get_or_insert_with(Default::default)
                .set_number(n.field, value),
        };
        debug_assert!(done, "{} was resolved against this scenario", self.path);
    }

    /// The parameter's value in `scenario` (validated from the scenario it was resolved
    /// against, or from that scenario with values set).
    pub fn value(&self, scenario: &Scenario) -> Option<f64> {
        match self.target {
            Target::Model(_) => scenario.model.get(&self.path),
            Target::Group(g, n) => scenario.groups.get(g)?.number(n.field),
            Target::Intervention(i, n) => scenario.interventions.get(i)?.number(n.field),
            Target::Epstein(n) => scenario.epstein.as_ref()?.number(n.field),
        }
    }
}

/// The position of the longest name in `names` that `rest` starts with (followed by a dot),
/// and what follows the dot. Names may contain dots and spaces.
fn longest_name<'p>(rest: &'p str, names: &[&str]) -> Option<(usize, &'p str)> {
    let mut best: Option<(usize, &str)> = None;
    for (i, name) in names.iter().enumerate() {
        if let Some(field) = rest.strip_prefix(name).and_then(|f| f.strip_prefix('.'))
            && best.is_none_or(|(b, _)| names[b].len() < name.len())
        {
            best = Some((i, field));
        }
    }
    best
}

/// "; did you mean `…`?" where a name in `names` is close to `written`, else nothing.
fn hint(written: &str, names: &[&str]) -> String {
    let owned: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    closest(written, &owned)
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default()
}

fn unknown(path: &str, valid: Vec<String>) -> PathError {
    PathError::Unknown {
        path: path.to_string(),
        hint: closest(path, &valid)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::geo::map_data;
    use crate::scenario::Source;

    fn source(path: &str) -> Source {
        Source::read(Path::new(path)).unwrap()
    }

    /// Sets `values` at `paths` and validates.
    fn with(
        s: &Source,
        values: &[(&str, f64)],
    ) -> Result<crate::scenario::Scenario, crate::scenario::ScenarioErrors> {
        let params: Vec<_> = values
            .iter()
            .map(|(p, _)| s.parameter(p).unwrap())
            .collect();
        let settings: Vec<_> = params
            .iter()
            .zip(values)
            .map(|(p, (_, v))| crate::scenario::Setting::new(p, *v))
            .collect();
        s.validate_with(&settings, map_data())
    }

    #[test]
    fn model_and_group_paths_get_and_set() {
        let src = source("scenarios/baseline.ron");
        let s = with(
            &src,
            &[
                ("model.violence.kalyvas_peak", 0.6),
                ("groups.FLM.tactics.civilian_targeting", 0.25),
                ("groups.al Mourabitoun.initial.fighters", 150.4),
            ],
        )
        .unwrap();
        let p = src.parameter("model.violence.kalyvas_peak").unwrap();
        assert_eq!(p.value(&s), Some(0.6));
        let p = src
            .parameter("groups.FLM.tactics.civilian_targeting")
            .unwrap();
        assert_eq!(p.value(&s), Some(0.25));
        assert_eq!(p.field_path(), "groups[FLM].tactics.civilian_targeting");
        let g = s.group_index("al Mourabitoun").unwrap();
        assert_eq!(s.groups[g].initial.fighters, 150);
    }

    #[test]
    fn bad_paths_are_refused_with_a_hint_and_bad_values_by_validation() {
        let src = source("scenarios/baseline.ron");
        let e = src.parameter("model.violence.kalyvas_peek").unwrap_err();
        assert!(
            e.to_string()
                .contains("did you mean `model.violence.kalyvas_peak`?"),
            "{e}"
        );
        let e = src.parameter("groups.FML.tactics.kidnapping").unwrap_err();
        assert!(e.to_string().contains("did you mean `FLM`?"), "{e}");
        assert!(src.parameter("seed").is_err());
        let e = src.parameter("epstein.legitimacy").unwrap_err();
        assert!(e.to_string().contains("not of `kind: Epstein`"), "{e}");
        let e = with(&src, &[("model.violence.kalyvas_peak", 1.5)]).unwrap_err();
        assert_eq!(e.first().message, "1.5 is out of range");
    }

    #[test]
    fn intervention_and_epstein_paths_get_and_set() {
        let src = source("scenarios/policies/reintegration.ron");
        let s = Source::read(Path::new("scenarios/policies/reintegration.ron"))
            .unwrap()
            .validate(map_data())
            .unwrap();
        let name = s.interventions[0].name.clone();
        let cap = format!("interventions.{name}.capacity");
        let intensity = format!("interventions.{name}.intensity");
        let s = with(&src, &[(&cap, 1234.0), (&intensity, 0.25)]).unwrap();
        assert_eq!(src.parameter(&cap).unwrap().value(&s), Some(1234.0));
        assert_eq!(s.interventions[0].intensity, 0.25);
        let e = src.parameter("interventions.nope.intensity").unwrap_err();
        assert!(e.to_string().contains("names no intervention"), "{e}");
        let src = source("scenarios/reference/epstein.ron");
        let e = with(
            &src,
            &[("epstein.legitimacy", 0.7), ("epstein.max_jail_term", 29.6)],
        )
        .unwrap();
        assert_eq!(
            src.parameter("epstein.legitimacy").unwrap().value(&e),
            Some(0.7)
        );
        assert_eq!(
            src.parameter("epstein.max_jail_term").unwrap().value(&e),
            Some(30.0)
        );
        let err = src.parameter("epstein.legitimasy").unwrap_err();
        assert!(
            err.to_string()
                .contains("did you mean `epstein.legitimacy`?"),
            "{err}"
        );
    }
}
