//! Parameters addressed by path, for calibration and sweeps: `model.<section>.<field>` (every
//! mechanism parameter), `groups.<name>.<objectives|tactics|initial>.<field>` (a group's
//! numbers), `interventions.<name>.<intensity|capacity|option>` (a policy's numbers) and
//! `epstein.<field>` (the reference model's numbers). Setting a value checks its range.

use super::model_params::PARAMETERS;
use super::params::Scenario;

/// What a path names, once resolved against a scenario.
enum Slot<'p> {
    /// A mechanism parameter (`model.…`).
    Model,
    /// A group's field: the group's index and the field.
    Group(usize, &'p str),
    /// An intervention's number: its index and the field.
    Intervention(usize, &'p str),
    /// A number of the `epstein` section.
    Epstein(&'p str),
}

/// The numbers of an intervention a path may name.
pub const INTERVENTION_FIELDS: [&str; 3] = ["intensity", "capacity", "option"];

/// The numbers of the `epstein` section a path may name, with their ranges.
pub const EPSTEIN_FIELDS: [(&str, f64, f64); 8] = [
    ("citizen_density", 0.0, 1.0),
    ("cop_density", 0.0, 1.0),
    ("legitimacy", 0.0, 1.0),
    ("active_threshold", 0.0, 1.0),
    ("arrest_constant", 0.0, 100.0),
    ("max_jail_term", 0.0, 1.0e6),
    ("citizen_vision", 1.0, 100.0),
    ("cop_vision", 1.0, 100.0),
];

fn resolve<'p>(scenario: &Scenario, path: &'p str) -> Result<Slot<'p>, String> {
    if path.starts_with("model.") {
        return if PARAMETERS.iter().any(|p| p.path() == path) {
            Ok(Slot::Model)
        } else {
            Err(unknown(path, PARAMETERS.iter().map(|p| p.path()).collect()))
        };
    }
    if let Some(field) = path.strip_prefix("epstein.") {
        if scenario.epstein.is_none() {
            return Err(format!(
                "`{path}` names the reference model's parameter, but the scenario is not of `kind: Epstein`"
            ));
        }
        return if EPSTEIN_FIELDS.iter().any(|(f, _, _)| *f == field) {
            Ok(Slot::Epstein(field))
        } else {
            Err(unknown(
                path,
                EPSTEIN_FIELDS
                    .iter()
                    .map(|(f, _, _)| format!("epstein.{f}"))
                    .collect(),
            ))
        };
    }
    if let Some(rest) = path.strip_prefix("interventions.") {
        let names: Vec<&str> = scenario
            .interventions
            .iter()
            .map(|i| i.name.as_str())
            .collect();
        let (i, field) = longest_name(rest, &names).ok_or_else(|| {
            let found = rest.rsplit_once('.').map(|(n, _)| n).unwrap_or(rest);
            let owned: Vec<String> = names.iter().map(|n| n.to_string()).collect();
            let hint = super::error::closest(found, &owned)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            if names.is_empty() {
                format!("`{path}` names an intervention, but the scenario has none")
            } else {
                format!(
                    "`{path}` names no intervention{hint} (interventions: {})",
                    names.join(", ")
                )
            }
        })?;
        if !INTERVENTION_FIELDS.contains(&field) {
            return Err(unknown(
                path,
                INTERVENTION_FIELDS
                    .iter()
                    .map(|f| format!("interventions.{}.{f}", names[i]))
                    .collect(),
            ));
        }
        let info = scenario.interventions[i].kind.info();
        if (field == "capacity" && info.capacity.is_none())
            || (field == "option" && info.option.is_none())
        {
            return Err(format!(
                "`{path}`: an intervention of kind {:?} has no {field}",
                scenario.interventions[i].kind
            ));
        }
        return Ok(Slot::Intervention(i, field));
    }
    let (g, field) = group_path(scenario, path)?;
    Ok(Slot::Group(g, field))
}

/// The index of the longest name in `names` that `rest` starts with (followed by a dot), and
/// what follows the dot. Names may contain dots and spaces.
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

/// The valid range of the parameter at `path` in `scenario`, or why the path is not one.
pub fn range(scenario: &Scenario, path: &str) -> Result<(f64, f64), String> {
    Ok(match resolve(scenario, path)? {
        Slot::Model => PARAMETERS
            .iter()
            .find(|p| p.path() == path)
            .map(|p| (p.min, p.max))
            .expect("resolve checked the path"),
        Slot::Group(_, field) => match field {
            "initial.fighters" | "initial.bands" => (0.0, 1.0e6),
            "initial.treasury_musd" => (0.0, 1.0e4),
            "tactics.activity" => (0.0, 10.0),
            _ => (0.0, 1.0),
        },
        Slot::Intervention(_, field) => match field {
            "capacity" => (0.0, 1.0e6),
            _ => (0.0, 1.0),
        },
        Slot::Epstein(field) => EPSTEIN_FIELDS
            .iter()
            .find(|(f, _, _)| *f == field)
            .map(|(_, lo, hi)| (*lo, *hi))
            .expect("resolve checked the field"),
    })
}

/// The value of the parameter at `path`.
pub fn get(scenario: &Scenario, path: &str) -> Result<f64, String> {
    Ok(match resolve(scenario, path)? {
        Slot::Model => scenario.model.get(path).expect("resolve checked the path"),
        Slot::Group(g, field) => {
            let g = &scenario.groups[g];
            match field {
                "objectives.political" => g.objectives.political,
                "objectives.ideological" => g.objectives.ideological,
                "objectives.economic" => g.objectives.economic,
                "tactics.civilian_targeting" => g.tactics.civilian_targeting,
                "tactics.leader_targeting" => g.tactics.leader_targeting,
                "tactics.negotiation" => g.tactics.negotiation,
                "tactics.kidnapping" => g.tactics.kidnapping,
                "tactics.activity" => g.tactics.activity,
                "initial.fighters" => g.initial.fighters as f64,
                "initial.bands" => g.initial.bands as f64,
                "initial.treasury_musd" => g.initial.treasury_musd,
                "initial.hardliner_share" => g.initial.hardliner_share,
                _ => unreachable!("group_path checked the field"),
            }
        }
        Slot::Intervention(i, field) => {
            let iv = &scenario.interventions[i];
            match field {
                "intensity" => iv.intensity,
                "capacity" => iv.capacity,
                _ => iv.option,
            }
        }
        Slot::Epstein(field) => {
            let e = scenario.epstein.as_ref().expect("resolve checked the kind");
            match field {
                "citizen_density" => e.citizen_density,
                "cop_density" => e.cop_density,
                "legitimacy" => e.legitimacy,
                "active_threshold" => e.active_threshold,
                "arrest_constant" => e.arrest_constant,
                "max_jail_term" => e.max_jail_term as f64,
                "citizen_vision" => e.citizen_vision as f64,
                _ => e.cop_vision as f64,
            }
        }
    })
}

/// Sets the parameter at `path` to `value`, refusing values out of range. Whole-number
/// parameters (fighters, bands, jail terms, vision) are rounded.
pub fn set(scenario: &mut Scenario, path: &str, value: f64) -> Result<(), String> {
    let (lo, hi) = range(scenario, path)?;
    if !(lo..=hi).contains(&value) {
        return Err(format!("{path}: {value} is outside its range {lo} to {hi}"));
    }
    match resolve(scenario, path)? {
        Slot::Model => {
            scenario.model.set(path, value);
        }
        Slot::Group(g, field) => {
            let g = &mut scenario.groups[g];
            match field {
                "objectives.political" => g.objectives.political = value,
                "objectives.ideological" => g.objectives.ideological = value,
                "objectives.economic" => g.objectives.economic = value,
                "tactics.civilian_targeting" => g.tactics.civilian_targeting = value,
                "tactics.leader_targeting" => g.tactics.leader_targeting = value,
                "tactics.negotiation" => g.tactics.negotiation = value,
                "tactics.kidnapping" => g.tactics.kidnapping = value,
                "tactics.activity" => g.tactics.activity = value,
                "initial.fighters" => g.initial.fighters = value.round() as u32,
                "initial.bands" => {
                    g.initial.bands = (value.round() as u32).clamp(1, g.initial.fighters.max(1))
                }
                "initial.treasury_musd" => g.initial.treasury_musd = value,
                "initial.hardliner_share" => g.initial.hardliner_share = value,
                _ => unreachable!("group_path checked the field"),
            }
        }
        Slot::Intervention(i, field) => {
            let iv = &mut scenario.interventions[i];
            match field {
                "intensity" => iv.intensity = value,
                "capacity" => iv.capacity = value,
                _ => iv.option = value,
            }
        }
        Slot::Epstein(field) => {
            let e = scenario.epstein.as_mut().expect("resolve checked the kind");
            let whole = value.round() as u32;
            match field {
                "citizen_density" => e.citizen_density = value,
                "cop_density" => e.cop_density = value,
                "legitimacy" => e.legitimacy = value,
                "active_threshold" => e.active_threshold = value,
                "arrest_constant" => e.arrest_constant = value,
                "max_jail_term" => e.max_jail_term = whole,
                "citizen_vision" => e.citizen_vision = whole,
                _ => e.cop_vision = whole,
            }
        }
    }
    Ok(())
}

/// The group fields a path may name.
pub const GROUP_FIELDS: [&str; 12] = [
    "objectives.political",
    "objectives.ideological",
    "objectives.economic",
    "tactics.civilian_targeting",
    "tactics.leader_targeting",
    "tactics.negotiation",
    "tactics.kidnapping",
    "tactics.activity",
    "initial.fighters",
    "initial.bands",
    "initial.treasury_musd",
    "initial.hardliner_share",
];

fn group_path<'p>(scenario: &Scenario, path: &'p str) -> Result<(usize, &'p str), String> {
    let Some(rest) = path.strip_prefix("groups.") else {
        return Err(format!(
            "`{path}` is not a parameter path: expected `model.<section>.<field>`, `groups.<name>.<section>.<field>`, `interventions.<name>.<field>` or `epstein.<field>`"
        ));
    };
    let names: Vec<&str> = scenario.groups.iter().map(|g| g.name.as_str()).collect();
    let best = longest_name(rest, &names);
    let Some((g, field)) = best else {
        let names: Vec<String> = scenario.groups.iter().map(|g| g.name.clone()).collect();
        let found = rest.split('.').next().unwrap_or("");
        let hint = super::error::closest(found, &names)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(format!(
            "`{path}` names no group{hint} (groups: {})",
            names.join(", ")
        ));
    };
    if !GROUP_FIELDS.contains(&field) {
        return Err(unknown(
            path,
            GROUP_FIELDS
                .iter()
                .map(|f| format!("groups.{}.{f}", scenario.groups[g].name))
                .collect(),
        ));
    }
    Ok((g, field))
}

fn unknown(path: &str, valid: Vec<String>) -> String {
    let hint = super::error::closest(path, &valid)
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default();
    format!("`{path}` is not a parameter{hint}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn baseline() -> Scenario {
        crate::scenario::load(std::path::Path::new("scenarios/baseline.ron")).unwrap()
    }

    #[test]
    fn model_and_group_paths_get_and_set() {
        let mut s = baseline();
        set(&mut s, "model.violence.kalyvas_peak", 0.6).unwrap();
        assert_eq!(get(&s, "model.violence.kalyvas_peak").unwrap(), 0.6);
        set(&mut s, "groups.FLM.tactics.civilian_targeting", 0.25).unwrap();
        assert_eq!(
            get(&s, "groups.FLM.tactics.civilian_targeting").unwrap(),
            0.25
        );
        set(&mut s, "groups.al Mourabitoun.initial.fighters", 150.0).unwrap();
        assert_eq!(
            s.groups[s.group_index("al Mourabitoun").unwrap()]
                .initial
                .fighters,
            150
        );
    }

    #[test]
    fn bad_paths_and_values_are_refused_with_a_hint() {
        let mut s = baseline();
        let e = set(&mut s, "model.violence.kalyvas_peek", 0.5).unwrap_err();
        assert!(
            e.contains("did you mean `model.violence.kalyvas_peak`?"),
            "{e}"
        );
        let e = set(&mut s, "groups.FML.tactics.kidnapping", 0.5).unwrap_err();
        assert!(e.contains("did you mean `FLM`?"), "{e}");
        let e = set(&mut s, "model.violence.kalyvas_peak", 1.5).unwrap_err();
        assert!(e.contains("outside its range 0 to 1"), "{e}");
        assert!(set(&mut s, "seed", 1.0).is_err());
        let e = set(&mut s, "epstein.legitimacy", 0.5).unwrap_err();
        assert!(e.contains("not of `kind: Epstein`"), "{e}");
    }

    #[test]
    fn intervention_and_epstein_paths_get_and_set() {
        let mut s =
            crate::scenario::load(std::path::Path::new("scenarios/policies/reintegration.ron"))
                .unwrap();
        let name = s.interventions[0].name.clone();
        let cap = format!("interventions.{name}.capacity");
        set(&mut s, &cap, 1234.0).unwrap();
        assert_eq!(get(&s, &cap).unwrap(), 1234.0);
        set(&mut s, &format!("interventions.{name}.intensity"), 0.25).unwrap();
        assert_eq!(s.interventions[0].intensity, 0.25);
        let e = set(&mut s, "interventions.nope.intensity", 0.5).unwrap_err();
        assert!(e.contains("names no intervention"), "{e}");
        let mut e =
            crate::scenario::load(std::path::Path::new("scenarios/reference/epstein.ron")).unwrap();
        set(&mut e, "epstein.legitimacy", 0.7).unwrap();
        set(&mut e, "epstein.max_jail_term", 29.6).unwrap();
        assert_eq!(get(&e, "epstein.legitimacy").unwrap(), 0.7);
        assert_eq!(get(&e, "epstein.max_jail_term").unwrap(), 30.0);
        let err = set(&mut e, "epstein.legitimasy", 0.7).unwrap_err();
        assert!(err.contains("did you mean `epstein.legitimacy`?"), "{err}");
    }
}
