//! Parameters addressed by path, for calibration and sweeps: `model.<section>.<field>` (every
//! mechanism parameter) and `groups.<name>.<objectives|tactics|initial>.<field>` (a group's
//! numbers). Setting a value checks its range.

use super::model_params::PARAMETERS;
use super::params::Scenario;

/// The valid range of the parameter at `path` in `scenario`, or why the path is not one.
pub fn range(scenario: &Scenario, path: &str) -> Result<(f64, f64), String> {
    if path.starts_with("model.") {
        return PARAMETERS
            .iter()
            .find(|p| p.path() == path)
            .map(|p| (p.min, p.max))
            .ok_or_else(|| unknown(path, PARAMETERS.iter().map(|p| p.path()).collect()));
    }
    let (group, field) = group_path(scenario, path)?;
    let _ = group;
    Ok(match field {
        "initial.fighters" | "initial.bands" => (0.0, 1.0e6),
        "initial.treasury_musd" => (0.0, 1.0e4),
        "tactics.activity" => (0.0, 10.0),
        _ => (0.0, 1.0),
    })
}

/// The value of the parameter at `path`.
pub fn get(scenario: &Scenario, path: &str) -> Result<f64, String> {
    if path.starts_with("model.") {
        return scenario
            .model
            .get(path)
            .ok_or_else(|| unknown(path, PARAMETERS.iter().map(|p| p.path()).collect()));
    }
    let (g, field) = group_path(scenario, path)?;
    let g = &scenario.groups[g];
    Ok(match field {
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
    })
}

/// Sets the parameter at `path` to `value`, refusing values out of range.
pub fn set(scenario: &mut Scenario, path: &str, value: f64) -> Result<(), String> {
    let (lo, hi) = range(scenario, path)?;
    if !(lo..=hi).contains(&value) {
        return Err(format!("{path}: {value} is outside its range {lo} to {hi}"));
    }
    if path.starts_with("model.") {
        scenario.model.set(path, value);
        return Ok(());
    }
    let (g, field) = group_path(scenario, path)?;
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
            "`{path}` is not a parameter path: expected `model.<section>.<field>` or `groups.<name>.<section>.<field>`"
        ));
    };
    // Group names may contain dots and spaces: match the longest known name.
    let mut best: Option<(usize, &str)> = None;
    for (i, g) in scenario.groups.iter().enumerate() {
        if let Some(field) = rest.strip_prefix(&g.name).and_then(|f| f.strip_prefix('.'))
            && best.is_none_or(|(b, _)| scenario.groups[b].name.len() < g.name.len())
        {
            best = Some((i, field));
        }
    }
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
    }
}
