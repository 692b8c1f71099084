//! Every number a sweep or calibration may set by path is documented, and setting it in the
//! scenario as read reaches the validated scenario unchanged.

use std::path::Path;

use sahelsim::geo::map_data;
use sahelsim::scenario::epstein::RawEpstein;
use sahelsim::scenario::interventions::RawIntervention;
use sahelsim::scenario::model_params::PARAMETERS;
use sahelsim::scenario::raw::RawGroup;
use sahelsim::scenario::{Setting, Source};

/// The section of docs/scenarios.md on parameter paths.
fn documented_paths() -> String {
    let text = std::fs::read_to_string("docs/scenarios.md").unwrap();
    let start = text.find("## Parameter paths").expect("the section exists");
    text[start..].to_string()
}

#[test]
fn every_settable_number_is_named_in_the_docs() {
    let docs = documented_paths();
    for n in RawGroup::NUMBERS {
        let (section, field) = n.field.split_once('.').unwrap();
        assert!(
            docs.contains(&format!("groups.<name>.{section}."))
                && (docs.contains(&format!("|{field}"))
                    || docs.contains(&format!("<{field}"))
                    || docs.contains(&format!(".{field}`"))),
            "groups.<name>.{} is not in the parameter paths of docs/scenarios.md",
            n.field
        );
    }
    for n in RawIntervention::NUMBERS {
        assert!(
            docs.contains(&format!("interventions.<name>.{}`", n.field)),
            "interventions.<name>.{} is not documented",
            n.field
        );
    }
    for n in RawEpstein::NUMBERS {
        assert!(
            docs.contains(&format!("`{}`", n.field)),
            "epstein.{} is not documented",
            n.field
        );
    }
}

/// Sets `path` to the value the base already has and validates: the value comes back.
fn round_trips(source: &Source, path: &str) {
    let base = source.validate(map_data()).unwrap();
    let parameter = source.parameter(path).unwrap();
    let v = parameter.value(&base).unwrap();
    let (lo, hi) = parameter.range();
    assert!((lo..=hi).contains(&v), "{path}: {v} outside {lo} to {hi}");
    let s = source
        .validate_with(&[Setting::new(&parameter, v)], map_data())
        .unwrap_or_else(|e| panic!("{path} = {v}: {e}"));
    assert_eq!(parameter.value(&s), Some(v), "{path}");
}

#[test]
fn every_path_resolves_and_its_value_round_trips_through_validation() {
    let sahel = Source::read(Path::new("tests/fixtures/policy_short.ron")).unwrap();
    for p in PARAMETERS {
        round_trips(&sahel, &p.path());
    }
    for n in RawGroup::NUMBERS {
        round_trips(&sahel, &format!("groups.FLM.{}", n.field));
    }
    for n in RawIntervention::NUMBERS {
        round_trips(&sahel, &format!("interventions.programme.{}", n.field));
    }
    let epstein = Source::read(Path::new("scenarios/reference/epstein.ron")).unwrap();
    for n in RawEpstein::NUMBERS {
        round_trips(&epstein, &format!("epstein.{}", n.field));
    }
}
