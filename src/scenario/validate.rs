//! Raw scenario (merged over what it extends) -> validated [`Scenario`]: defaults filled,
//! ranges checked, names resolved. Every problem found is reported with the file, line and
//! column that wrote the offending value.
//!
//! Each section validates itself (`period`, `map`, `groups`, `model_params`, `history`,
//! `interventions`, `epstein`, `output`) through the shared [`Checker`]; this is the order
//! they run in and the fields of the scenario's top level.

use super::checker::{Checker, Layer, SetAt};
use super::error::ScenarioErrors;
use super::limits::{self, MAX_REPLICATES, Sizes};
use super::map::Regions;
use super::params::*;
use super::raw::*;
use super::{groups, history, map, model_params, output, period};
use crate::geo::MapData;

/// Validates `raw` (already merged over the files it extends; `layers` child first; the fields
/// of `set_at` set from outside the files) against the map data `map_data`.
pub(crate) fn validate(
    raw: RawScenario,
    layers: &[Layer],
    set_at: &[SetAt],
    map_data: &MapData,
) -> Result<Scenario, ScenarioErrors> {
    let mut c = Checker::new(layers, set_at);
    for layer in layers {
        for e in &layer.problems {
            c.push(e.clone());
        }
    }
    let regions = Regions::new(map_data);

    let name = c
        .required(
            &raw.name,
            "name",
            "a short scenario name, e.g. \"baseline\"",
        )
        .unwrap_or_default();
    if raw.name.is_some() && name.trim().is_empty() {
        let e = c
            .error("name", "is empty")
            .expected("a short scenario name, e.g. \"baseline\"");
        c.push(e);
    }
    let description = raw.description.clone().unwrap_or_default();
    let kind = raw.kind.unwrap_or(ModelKind::Sahel);

    let period = period::validate(&mut c, raw.period.as_ref(), kind);

    let seed = raw.seed.unwrap_or(1);
    let replicates = raw.replicates.unwrap_or(1);
    if !(1..=MAX_REPLICATES).contains(&replicates) {
        let e = c
            .error("replicates", format!("{replicates} is out of range"))
            .expected(format!("a number of replicates from 1 to {MAX_REPLICATES}"));
        c.push(e);
    }

    let map = map::validate(&mut c, raw.map.as_ref(), &regions, map_data);
    let groups = groups::validate(&mut c, raw.groups.as_ref(), kind, &regions);
    let names: Vec<String> = groups.iter().map(|g| g.name.clone()).collect();
    let group_names = groups::GroupNames::new(&names);
    let model = model_params::validate(&mut c, raw.model.as_ref());
    let history = history::validate(
        &mut c,
        raw.history.as_ref(),
        &period,
        &group_names,
        map_data,
    );

    // Interventions.
    let interventions = super::interventions::validate(
        &mut c,
        raw.interventions
            .as_ref()
            .map(|l| l.0.as_slice())
            .unwrap_or(&[]),
        &period,
        &group_names,
        &regions,
        map_data,
    );

    // The reference model's section, for `kind: Epstein` only.
    let epstein = match (kind, &raw.epstein) {
        (ModelKind::Epstein, r) => Some(super::epstein::validate(
            &r.clone().unwrap_or_default(),
            &mut c,
        )),
        (ModelKind::Sahel, Some(_)) => {
            let e = c
                .error("epstein", "applies only to scenarios of `kind: Epstein`")
                .expected("`kind: Epstein`, or no `epstein` section");
            c.push(e);
            None
        }
        (ModelKind::Sahel, None) => None,
    };

    limits::validate(
        &mut c,
        &Sizes {
            kind,
            period: &period,
            map: &map,
            groups: &groups,
            interventions: raw.interventions.as_ref().map_or(0, |l| l.0.len()),
            history_events: raw.history.as_ref().map_or(0, Vec::len),
        },
    );

    let output = output::validate(raw.output.as_ref(), &name);

    c.finish()?;
    let sources = layers
        .iter()
        .map(|l| SourceFile {
            path: l.path.display().to_string(),
            sha256: l.sha256.clone(),
            text: l.text.clone(),
        })
        .collect();
    Ok(Scenario {
        name,
        description,
        kind,
        period,
        seed,
        replicates,
        map,
        groups,
        model,
        history,
        interventions,
        output,
        epstein,
        sources,
    })
}

/// A scenario name made safe as a folder name: letters, digits, `-` and `_`.
pub fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_matches('_').to_string();
    if s.is_empty() {
        "scenario".to_string()
    } else {
        s
    }
}
