//! The policy form: its schema, generated from the tables the docs are generated from
//! ([`KINDS`] and the interventions' [`NUMBERS`](RawIntervention::NUMBERS)), and the scenario file
//! a filled form writes. The page never runs anything a file could not say: a run starts from
//! the file the form writes, read by the loader `check` uses.

use serde::Deserialize;
use serde_json::{Value, json};

use super::catalog::PeriodView;
use crate::geo::MapData;
use crate::scenario::interventions::{InterventionKind, KINDS, RawIntervention};

/// The form's schema (`GET /api/form`).
pub fn schema(map: &MapData) -> Value {
    let number = |n: &crate::scenario::numbers::NumberInfo| json!({"min": n.min, "max": n.max, "unit": n.unit, "help": n.doc});
    let mut intensity = number(&RawIntervention::INTENSITY);
    intensity["default"] = json!(0.5);
    json!({
        "kinds": KINDS.iter().map(|k| json!({
            "kind": format!("{:?}", k.kind),
            "title": k.title,
            "summary": k.summary.replace('`', ""),
            "capacity": k.capacity.map(|(meaning, default)| json!({"meaning": meaning, "default": default})),
            "option": k.option.map(|(meaning, default)| json!({"meaning": meaning, "default": default})),
        })).collect::<Vec<_>>(),
        "numbers": {
            "intensity": intensity,
            "capacity": number(&RawIntervention::CAPACITY),
            "option": number(&RawIntervention::OPTION),
        },
        "fields": {
            "start": {"unit": "ISO date", "help": "first day the intervention is in force"},
            "end": {"unit": "ISO date", "help": "last day it is in force (inclusive); empty: to the end of the run"},
            "places": {"help": "where it applies: the union of everything chosen; nothing chosen means the whole study area"},
            "groups": {"help": "the groups it concerns; none ticked means all groups"},
            "town_radius_km": {"unit": "km", "min": 0, "max": 500, "default": 30,
                               "help": "radius around each chosen town whose cells are covered"},
        },
        "places": {
            "countries": map.countries.iter().filter(|c| c.in_study_area).map(|c| c.name.clone()).collect::<Vec<_>>(),
            "regions": map.regions.iter().map(|r| json!({"name": r.name, "country": r.country})).collect::<Vec<_>>(),
            "areas": map.areas.iter().map(|a| json!({"id": a.id, "name": a.name})).collect::<Vec<_>>(),
            "towns": map.towns.iter().map(|t| t.name.clone()).collect::<Vec<_>>(),
            "routes": map.routes.iter().map(|r| r.name.clone()).collect::<Vec<_>>(),
            "gold_sites": map.gold_sites.iter().map(|g| g.name.clone()).collect::<Vec<_>>(),
        },
    })
}

/// A filled form (`POST /api/compose`, `POST /api/runs`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// The id of the base scenario (see [`super::catalog::ScenarioInfo::id`]).
    pub base: String,
    /// The policy scenario's name.
    pub name: String,
    /// What it is.
    #[serde(default)]
    pub description: String,
    /// The period to run, where not the base's.
    #[serde(default)]
    pub period: Option<PeriodView>,
    /// The map resolution to run at, degrees, where not the base's.
    #[serde(default)]
    pub resolution_deg: Option<f64>,
    /// The interventions.
    #[serde(default)]
    pub interventions: Vec<InterventionForm>,
    /// Replicates (runs only).
    #[serde(default)]
    pub replicates: Option<u32>,
}

/// One intervention of the form.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterventionForm {
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: InterventionKind,
    /// First day, ISO date.
    pub start: String,
    /// Last day, ISO date.
    #[serde(default)]
    pub end: Option<String>,
    /// Where.
    #[serde(default)]
    pub places: PlacesForm,
    /// Groups concerned.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Intensity.
    pub intensity: Option<f64>,
    /// Capacity.
    #[serde(default)]
    pub capacity: Option<f64>,
    /// Option.
    #[serde(default)]
    pub option: Option<f64>,
}

/// The places of the form (the union of what is named; a list left out is empty).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PlacesForm {
    /// Countries.
    pub countries: Vec<String>,
    /// Regions.
    pub regions: Vec<String>,
    /// Areas of operation, by id.
    pub areas: Vec<String>,
    /// Towns.
    pub towns: Vec<String>,
    /// Radius around the towns, km.
    pub town_radius_km: Option<f64>,
    /// Routes.
    pub routes: Vec<String>,
    /// Gold sites.
    pub gold_sites: Vec<String>,
}

/// A problem with the form itself, before any file is written (the file's own problems are
/// the loader's, located in the file).
#[derive(Debug, PartialEq, Eq)]
pub struct FormError(pub String);

/// Longest name of a scenario or intervention the form accepts.
const MAX_NAME: usize = 64;
/// Longest description the form accepts.
const MAX_DESCRIPTION: usize = 4000;

impl Policy {
    /// The file name the policy is offered under.
    pub fn file_name(&self) -> String {
        format!("{}.ron", self.name)
    }

    /// Checks what the file format cannot: names that make file names.
    pub fn check(&self) -> Result<(), FormError> {
        let plain = |s: &str| {
            !s.is_empty()
                && s.len() <= MAX_NAME
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        if !plain(&self.name) {
            return Err(FormError(format!(
                "the policy's name must be 1 to {MAX_NAME} letters, digits, '-' or '_' (it names the file)"
            )));
        }
        if self.description.len() > MAX_DESCRIPTION {
            return Err(FormError(format!(
                "the description is longer than {MAX_DESCRIPTION} bytes"
            )));
        }
        if self.interventions.len() > 32 {
            return Err(FormError("at most 32 interventions".to_string()));
        }
        for iv in &self.interventions {
            if iv.name.trim().is_empty() || iv.name.len() > MAX_NAME {
                return Err(FormError(format!(
                    "every intervention needs a name of 1 to {MAX_NAME} characters"
                )));
            }
        }
        Ok(())
    }

    /// The scenario file, extending the base written as `extends` (a path relative to the
    /// file, or absolute); the period and resolution are written where they are set.
    pub fn scenario_text(&self, extends: &str, base_label: &str) -> String {
        let list = |v: &[String]| {
            format!(
                "[{}]",
                v.iter().map(|s| quoted(s)).collect::<Vec<_>>().join(", ")
            )
        };
        let mut t = String::new();
        t.push_str(&format!(
            "// A policy written by the sahelsim explorer. It extends `{}`: keep it in the\n\
             // scenarios folder (beside that file), check it with `sahelsim check FILE` and run\n\
             // it with `sahelsim run FILE`; the explorer compared it with the base over the\n\
             // same period and map.\n",
            base_label.replace('\n', " ")
        ));
        t.push_str("(\n");
        t.push_str(&format!("    extends: {},\n", quoted(extends)));
        t.push_str(&format!("    name: {},\n", quoted(&self.name)));
        if !self.description.is_empty() {
            t.push_str(&format!(
                "    description: {},\n",
                quoted(&self.description)
            ));
        }
        t.push_str(&self.period_and_map());
        t.push_str("    interventions: [\n");
        for iv in &self.interventions {
            t.push_str("        (\n");
            t.push_str(&format!("            name: {},\n", quoted(&iv.name)));
            t.push_str(&format!("            kind: {:?},\n", iv.kind));
            t.push_str(&format!("            start: {},\n", quoted(&iv.start)));
            if let Some(end) = iv.end.as_deref().filter(|e| !e.is_empty()) {
                t.push_str(&format!("            end: {},\n", quoted(end)));
            }
            let p = &iv.places;
            let mut places = Vec::new();
            for (field, v) in [
                ("countries", &p.countries),
                ("regions", &p.regions),
                ("areas", &p.areas),
                ("towns", &p.towns),
                ("routes", &p.routes),
                ("gold_sites", &p.gold_sites),
            ] {
                if !v.is_empty() {
                    places.push(format!("{field}: {}", list(v)));
                }
            }
            if let Some(r) = p.town_radius_km {
                places.push(format!("town_radius_km: {}", number(r)));
            }
            if !places.is_empty() {
                t.push_str(&format!("            places: ({}),\n", places.join(", ")));
            }
            if !iv.groups.is_empty() {
                t.push_str(&format!("            groups: {},\n", list(&iv.groups)));
            }
            for (field, v) in [
                ("intensity", iv.intensity),
                ("capacity", iv.capacity),
                ("option", iv.option),
            ] {
                if let Some(v) = v {
                    t.push_str(&format!("            {field}: {},\n", number(v)));
                }
            }
            t.push_str("        ),\n");
        }
        t.push_str("    ],\n)\n");
        t
    }

    /// The fields that set the run's period and map resolution, where the form sets them: the
    /// same in the policy and in its comparison's base.
    fn period_and_map(&self) -> String {
        let mut t = String::new();
        if let Some(p) = &self.period {
            t.push_str(&format!(
                "    period: (start: {}, end: {}),\n",
                quoted(&p.start),
                quoted(&p.end)
            ));
        }
        if let Some(r) = self.resolution_deg {
            t.push_str(&format!("    map: (resolution_deg: {}),\n", number(r)));
        }
        t
    }

    /// The comparison's base: the base file over the policy's period and map.
    pub fn base_text(&self, extends: &str) -> String {
        let mut t = format!(
            "// The base of an explorer comparison: the base scenario over the policy's period and map.\n(\n    extends: {},\n",
            quoted(extends)
        );
        t.push_str(&self.period_and_map());
        t.push_str(")\n");
        t
    }
}

/// A string as a scenario file writes it: quoted, with RON's escapes.
fn quoted(s: &str) -> String {
    ron::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// A number as a scenario file writes it (`inf` and `NaN` are left for the loader to refuse).
fn number(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "NaN".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        serde_json::from_value(json!({
            "base": "baseline.ron",
            "name": "protect-cn",
            "description": "a \"quoted\" <b>text</b>\nsecond line",
            "period": {"start": "2017-01-01", "end": "2018-12-31"},
            "resolution_deg": 0.5,
            "interventions": [{
                "name": "protection", "kind": "ProtectCommunities", "start": "2018-01-01",
                "places": {"regions": ["Centre-Nord"]}, "groups": [], "intensity": 0.5,
                "capacity": 2000.0
            }]
        }))
        .unwrap()
    }

    #[test]
    fn the_form_writes_a_file_check_accepts() {
        let p = policy();
        p.check().unwrap();
        let text = p.scenario_text("baseline.ron", "baseline.ron");
        let s = crate::scenario::load_str(&text, std::path::Path::new("scenarios/protect-cn.ron"))
            .unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(s.name, "protect-cn");
        assert_eq!(s.description, "a \"quoted\" <b>text</b>\nsecond line");
        assert_eq!(s.interventions.len(), 1);
        assert_eq!(s.interventions[0].capacity, 2000.0);
        assert_eq!(s.map.resolution_deg, 0.5);
        let base = crate::scenario::load_str(
            &p.base_text("baseline.ron"),
            std::path::Path::new("scenarios/base.ron"),
        )
        .unwrap();
        assert_eq!(
            (base.period.start, base.period.end),
            (s.period.start, s.period.end)
        );
        assert!(base.interventions.is_empty());
    }

    #[test]
    fn names_that_are_not_file_names_are_refused() {
        let mut p = policy();
        p.name = "../x".to_string();
        assert!(p.check().is_err());
        p.name = "<script>".to_string();
        assert!(p.check().is_err());
    }

    #[test]
    fn the_schema_has_every_kind_with_its_title() {
        let s = schema(crate::geo::map_data());
        assert_eq!(s["kinds"].as_array().unwrap().len(), KINDS.len());
        assert_eq!(s["kinds"][3]["kind"], "ProtectCommunities");
        assert!(
            s["places"]["regions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["name"] == "Centre-Nord")
        );
    }
}
