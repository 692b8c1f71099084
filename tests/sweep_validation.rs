//! Sweeps set their values in the scenario as read and validate it as `check` does: a point
//! that `check` refuses is refused before anything runs, with the message `check` gives.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use sahelsim::experiment::sweep::{Plan, spec};
use sahelsim::scenario::{self, ScenarioError, ScenarioErrors};

/// Writes `text` to `dir/name` and returns the path.
fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// The absolute path of a file of the repository, as RON text.
fn repo(path: &str) -> String {
    format!("{:?}", std::fs::canonicalize(path).unwrap())
}

/// A grid sweep of `base.ron` in `dir` over `levels` of each path.
fn grid_spec(dir: &Path, parameters: &[(&str, Vec<f64>)]) -> PathBuf {
    let params: Vec<String> = parameters
        .iter()
        .map(|(p, l)| {
            let l: Vec<String> = l.iter().map(|v| format!("{v:?}")).collect();
            format!("        (path: {p:?}, levels: [{}]),", l.join(", "))
        })
        .collect();
    write(
        dir,
        "sweep.ron",
        &format!(
            "(\n    name: \"t\",\n    base: \"base.ron\",\n    parameters: [\n{}\n    ],\n    design: Grid,\n    replicates: 1,\n    seed: 1,\n)\n",
            params.join("\n")
        ),
    )
}

/// Whether the sweep path accepts the spec: `Err` with the problems where it refuses it, and
/// whether the refusal came from the spec's own checks (before any point is validated).
fn sweep_verdict(spec_path: &Path) -> Result<(), (ScenarioErrors, bool)> {
    let sweep = spec::load(spec_path).map_err(|e| (e, true))?;
    Plan::new(sweep).map(|_| ()).map_err(|e| (e, false))
}

/// What a problem says, its place aside.
fn said(e: &ScenarioError) -> (String, String, Option<String>) {
    (e.path.clone(), e.message.clone(), e.expected.clone())
}

#[test]
fn a_vision_that_wraps_the_torus_is_refused_before_running_with_checks_message() {
    let t = tempfile::tempdir().unwrap();
    let epstein = repo("scenarios/reference/epstein.ron");
    write(
        t.path(),
        "base.ron",
        &format!(
            "(extends: {epstein}, name: \"torus16\", epstein: (width: 16, height: 16, steps: 20, burn_in: 5))"
        ),
    );
    let spec_path = grid_spec(
        t.path(),
        &[("epstein.citizen_vision", vec![3.0, 10.0, 40.0])],
    );
    let errors = match sweep_verdict(&spec_path) {
        Err((errors, false)) => errors,
        other => panic!("the sweep was not refused by validating its points: {other:?}"),
    };
    // `check` on the same value written in a scenario file.
    let check = |v: i64| {
        let text = format!("(extends: \"base.ron\", name: \"c\", epstein: (citizen_vision: {v}))");
        scenario::load_str(&text, &t.path().join("c.ron")).unwrap_err()
    };
    assert_eq!(errors.0.len(), 2, "{errors}");
    for (e, (v, point)) in errors.0.iter().zip([(10, 1), (40, 2)]) {
        assert_eq!(said(e), said(check(v).first()), "{errors}");
        assert_eq!(e.file, spec_path);
        // Located at the level in the spec that sets the value.
        assert_eq!(e.position.map(|p| p.line), Some(5), "{errors}");
        let note = e.note.as_deref().unwrap_or_default();
        assert!(
            note.contains(&format!("point {point} "))
                && note.contains(&format!("epstein.citizen_vision = {v}")),
            "{note}"
        );
    }
    // Through the command: refused, nothing written.
    let out_dir = t.path().join("out");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sahelsim"))
        .args(["sweep", spec_path.to_str().unwrap(), "--out"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("epstein.citizen_vision: 10 is out of range"),
        "{stderr}"
    );
    assert!(!out_dir.join("results.csv").exists());
}

/// Compares the sweep path's verdict on one point with `check`'s on the same values written
/// in a scenario file (`check_text`: the scenario extending `base.ron`).
fn same_verdict(dir: &Path, parameters: &[(&str, f64)], check_text: &str) {
    scenario::load(&dir.join("base.ron")).expect("the base is valid");
    let spec_path = grid_spec(
        dir,
        &parameters
            .iter()
            .map(|(p, v)| (*p, vec![*v]))
            .collect::<Vec<_>>(),
    );
    let sweep = sweep_verdict(&spec_path);
    let check = scenario::load_str(check_text, &dir.join("check.ron"));
    match (&sweep, &check) {
        (Ok(()), Ok(_)) => {}
        // The spec's own range check: a value no scenario accepts.
        (Err((_, true)), Err(_)) => {}
        (Err((s, false)), Err(c)) => {
            let mut s: Vec<_> = s.0.iter().map(said).collect();
            let mut c: Vec<_> = c.0.iter().map(said).collect();
            s.sort();
            c.sort();
            assert_eq!(s, c, "{parameters:?}");
        }
        _ => panic!(
            "{parameters:?}: the sweep says {:?}, check says {:?}",
            sweep.as_ref().map_err(|e| e.0.to_string()),
            check.as_ref().map(|_| ()).map_err(|e| e.to_string())
        ),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Lattice size, visions, densities and burn-in, in and out of range and across the rules
    /// that tie them together.
    #[test]
    fn the_sweep_accepts_exactly_the_epstein_points_check_accepts(
        width in -2.0f64..30.0,
        vision in -1.0f64..20.0,
        citizens in -0.1f64..1.1,
        cops in -0.1f64..1.1,
        burn_in in -1.0f64..25.0,
    ) {
        let t = tempfile::tempdir().unwrap();
        let epstein = repo("scenarios/reference/epstein.ron");
        write(t.path(), "base.ron", &format!(
            "(extends: {epstein}, name: \"small\", epstein: (width: 12, height: 14, citizen_vision: 3, cop_vision: 3, steps: 20, burn_in: 5))"
        ));
        let whole = |v: f64| v.round() as i64;
        let text = format!(
            "(extends: \"base.ron\", name: \"c\", epstein: (width: {}, citizen_vision: {}, citizen_density: {citizens:?}, cop_density: {cops:?}, burn_in: {}))",
            whole(width), whole(vision), whole(burn_in)
        );
        same_verdict(t.path(), &[
            ("epstein.width", width),
            ("epstein.citizen_vision", vision),
            ("epstein.citizen_density", citizens),
            ("epstein.cop_density", cops),
            ("epstein.burn_in", burn_in),
        ], &text);
    }

    /// A group's strength (no more bands than fighters, at least one band where there are
    /// fighters), a tactic, a mechanism parameter and an intervention's capacity.
    #[test]
    fn the_sweep_accepts_exactly_the_sahel_points_check_accepts(
        fighters in -20.0f64..200.0,
        bands in -2.0f64..12.0,
        activity in -1.0f64..12.0,
        peak in -0.2f64..1.2,
        capacity in -100.0f64..2.0e6,
    ) {
        let t = tempfile::tempdir().unwrap();
        let short = repo("tests/fixtures/policy_short.ron");
        write(t.path(), "base.ron", &format!(
            "(extends: {short}, name: \"coarse\", map: (resolution_deg: 1.0))"
        ));
        let whole = |v: f64| v.round() as i64;
        let text = format!(
            "(extends: \"base.ron\", name: \"c\", groups: [(name: \"FLM\", tactics: (activity: {activity:?}), initial: (fighters: {}, bands: {}))], model: (violence: (kalyvas_peak: {peak:?})), interventions: [(name: \"programme\", capacity: {capacity:?})])",
            whole(fighters), whole(bands)
        );
        same_verdict(t.path(), &[
            ("groups.FLM.initial.fighters", fighters),
            ("groups.FLM.initial.bands", bands),
            ("groups.FLM.tactics.activity", activity),
            ("model.violence.kalyvas_peak", peak),
            ("interventions.programme.capacity", capacity),
        ], &text);
    }
}
