//! Policy interventions: none changes anything before it starts; each moves its own mechanism
//! in the intended direction under common random numbers (same seeds); `compare` is
//! deterministic whatever the number of threads; bad interventions give located errors.
//! Outcomes the literature leaves open (does a surge raise or lower civilian deaths?) are not
//! asserted here.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{map, sahelsim, sahelsim_ok};
use sahelsim::experiment::run_replicate;
use sahelsim::record::SeriesRow;
use sahelsim::scenario::{self, Scenario};
use sahelsim::sim::events::{Attributed, Perpetrator};
use sahelsim::sim::ids::{BandId, CellId, GroupId};

const RES: f64 = 0.3;

/// The baseline over `days` days from 2017-01-01 at a coarse resolution, with `interventions`
/// (RON list items).
fn with(days: u32, interventions: &[&str]) -> Arc<Scenario> {
    let end = time::macros::date!(2017 - 01 - 01) + time::Duration::days(days as i64 - 1);
    let text = format!(
        "(extends: \"baseline.ron\", name: \"policy-test\", period: (end: \"{}\"), map: (resolution_deg: {RES}), interventions: [{}])",
        scenario::format_date(end),
        interventions.join(", ")
    );
    Arc::new(scenario::load_str(&text, Path::new("scenarios/policy_test.ron")).unwrap())
}

/// Sum over replicates `0..n` of `f` applied to each replicate's output.
fn sum_over(
    s: &Arc<Scenario>,
    n: u32,
    f: impl Fn(&sahelsim::experiment::ReplicateOutput) -> f64,
) -> f64 {
    let m = map(s);
    (0..n).map(|r| f(&run_replicate(s, &m, r, None))).sum()
}

/// Mean government presence over the run's periods in area `area`.
fn presence(rows: &[SeriesRow], area: &str) -> f64 {
    let v: Vec<f64> = rows
        .iter()
        .filter(|r| r.area == area && r.group == "all")
        .filter_map(|r| r.government_presence)
        .collect();
    v.iter().sum::<f64>() / v.len() as f64
}

#[test]
fn no_intervention_changes_anything_before_it_starts() {
    let start = "2017-07-01"; // day 181
    let all = [
        format!("(name: \"a\", kind: DisaggregateAttribution, start: \"{start}\", intensity: 0.9)"),
        format!(
            "(name: \"b\", kind: CounterinsurgencySurge, start: \"{start}\", places: (areas: [\"central\"]), intensity: 0.9, capacity: 20000)"
        ),
        format!(
            "(name: \"c\", kind: TargetIllicitNetworks, start: \"{start}\", groups: [\"Ansar Dine\"], intensity: 0.9)"
        ),
        format!(
            "(name: \"d\", kind: ProtectCommunities, start: \"{start}\", intensity: 0.9, capacity: 20000)"
        ),
        format!(
            "(name: \"e\", kind: PoliticalSettlement, start: \"{start}\", groups: [\"Ansar Dine\", \"FLM\"], intensity: 1.0)"
        ),
        format!(
            "(name: \"f\", kind: Reintegration, start: \"{start}\", intensity: 1.0, capacity: 5000)"
        ),
    ];
    let refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let base = with(300, &[]);
    let policy = with(300, &refs);
    let (mb, mp) = (map(&base), map(&policy));
    for r in 0..2 {
        let a = run_replicate(&base, &mb, r, None);
        let b = run_replicate(&policy, &mp, r, None);
        let before = |o: &sahelsim::experiment::ReplicateOutput| {
            o.events
                .iter()
                .filter(|e| e.day < 181)
                .map(|e| format!("{e:?}"))
                .collect::<Vec<_>>()
        };
        assert_eq!(before(&a), before(&b), "events before the start differ");
        // Weekly periods 0..=24 end on day 175, before the start.
        let rows = |o: &sahelsim::experiment::ReplicateOutput| {
            o.rows
                .iter()
                .filter(|x| x.period <= 24)
                .cloned()
                .collect::<Vec<_>>()
        };
        assert_eq!(rows(&a), rows(&b), "time series before the start differ");
        // And the interventions do act afterwards.
        let after = |o: &sahelsim::experiment::ReplicateOutput| {
            o.events
                .iter()
                .filter(|e| e.day >= 181)
                .map(|e| format!("{e:?}"))
                .collect::<Vec<_>>()
        };
        assert_ne!(
            after(&a),
            after(&b),
            "the interventions change nothing after the start"
        );
    }
}

#[test]
fn reintegration_lowers_the_number_of_fighters() {
    let base = with(365, &[]);
    let policy = with(
        365,
        &[
            "(name: \"p\", kind: Reintegration, start: \"2017-01-01\", intensity: 0.8, capacity: 2000)",
        ],
    );
    let fighters = |o: &sahelsim::experiment::ReplicateOutput| o.summary.outcomes["fighters_end"];
    let (a, b) = (sum_over(&base, 3, fighters), sum_over(&policy, 3, fighters));
    assert!(
        b < a,
        "fighters with reintegration {b} should be fewer than without {a}"
    );
}

#[test]
fn targeting_illicit_networks_lowers_ansar_dines_route_revenue() {
    let base = with(365, &[]);
    let policy = with(
        365,
        &[
            "(name: \"p\", kind: TargetIllicitNetworks, start: \"2017-01-01\", places: (areas: [\"north\"]), groups: [\"Ansar Dine\"], intensity: 0.8)",
        ],
    );
    let routes = |o: &sahelsim::experiment::ReplicateOutput| {
        o.rows
            .iter()
            .filter(|r| r.area == "all" && r.group == "Ansar Dine")
            .filter_map(|r| r.revenue_routes)
            .sum::<i64>() as f64
    };
    let (a, b) = (sum_over(&base, 3, routes), sum_over(&policy, 3, routes));
    assert!(
        b < a,
        "Ansar Dine's route revenue with enforcement {b} should be below {a}"
    );
}

#[test]
fn protecting_communities_raises_government_presence_where_applied() {
    let base = with(365, &[]);
    let policy = with(
        365,
        &[
            "(name: \"p\", kind: ProtectCommunities, start: \"2017-01-01\", places: (areas: [\"east\"]), intensity: 0.7, capacity: 5000)",
        ],
    );
    let east = |o: &sahelsim::experiment::ReplicateOutput| presence(&o.rows, "east");
    let (a, b) = (sum_over(&base, 3, east), sum_over(&policy, 3, east));
    assert!(
        b > a,
        "government presence in the east with protection {b} should exceed {a}"
    );
}

#[test]
fn a_surge_raises_government_presence_in_central_mali() {
    let base = with(365, &[]);
    let policy = with(
        365,
        &[
            "(name: \"p\", kind: CounterinsurgencySurge, start: \"2017-01-01\", places: (areas: [\"central\"]), intensity: 0.8, capacity: 8000)",
        ],
    );
    let central = |o: &sahelsim::experiment::ReplicateOutput| presence(&o.rows, "central");
    let (a, b) = (sum_over(&base, 3, central), sum_over(&policy, 3, central));
    assert!(
        b > a,
        "government presence in the centre with a surge {b} should exceed {a}"
    );
}

#[test]
fn disaggregated_attribution_names_the_right_group_more_often() {
    let base = with(365, &[]);
    let policy = with(
        365,
        &["(name: \"p\", kind: DisaggregateAttribution, start: \"2017-01-01\", intensity: 0.8)"],
    );
    let right = |o: &sahelsim::experiment::ReplicateOutput| {
        let by_groups: Vec<_> = o
            .events
            .iter()
            .filter_map(|e| match e.perpetrator {
                Perpetrator::Group(g) => Some((g, e.attributed)),
                Perpetrator::State | Perpetrator::Militia(_) => None,
            })
            .collect();
        let ok = by_groups
            .iter()
            .filter(|(g, a)| *a == Attributed::Group(*g))
            .count();
        ok as f64 / by_groups.len() as f64
    };
    let (a, b) = (sum_over(&base, 3, right), sum_over(&policy, 3, right));
    assert!(
        b > a,
        "share attributed to the right group with the policy {b} should exceed {a}"
    );
}

#[test]
fn a_settlement_lowers_the_negotiating_groups_attacks() {
    let base = with(365, &[]);
    let policy = with(
        365,
        &[
            "(name: \"p\", kind: PoliticalSettlement, start: \"2017-01-01\", groups: [\"Ansar Dine\", \"FLM\"], intensity: 1.0)",
        ],
    );
    let ad = GroupId::new(base.group_index("Ansar Dine").unwrap());
    let flm = GroupId::new(base.group_index("FLM").unwrap());
    let attacks = |o: &sahelsim::experiment::ReplicateOutput| {
        o.events
            .iter()
            .filter(|e| {
                e.perpetrator == Perpetrator::Group(ad) || e.perpetrator == Perpetrator::Group(flm)
            })
            .count() as f64
    };
    let (a, b) = (sum_over(&base, 3, attacks), sum_over(&policy, 3, attacks));
    assert!(
        b < a,
        "Ansar Dine's and FLM's events with talks {b} should be fewer than {a}"
    );
}

#[test]
fn compare_writes_the_same_files_on_one_thread_and_two() {
    let dirs = [tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap()];
    for (threads, dir) in ["1", "2"].iter().zip(&dirs) {
        let out = sahelsim(&[
            "compare",
            "tests/fixtures/short_run.ron",
            "tests/fixtures/policy_short.ron",
            "--replicates",
            "2",
            "--threads",
            threads,
            "--out",
            dir.path().to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("95 % interval"), "{stdout}");
        assert!(stdout.contains("sustained government presence"), "{stdout}");
    }
    for f in ["compare.csv", "compare.json"] {
        let a = std::fs::read(dirs[0].path().join(f)).unwrap();
        let b = std::fs::read(dirs[1].path().join(f)).unwrap();
        assert!(!a.is_empty());
        assert_eq!(a, b, "{f} differs between 1 and 2 threads");
    }
    let csv = std::fs::read_to_string(dirs[0].path().join("compare.csv")).unwrap();
    for area in ["all", "north", "central", "east", "southwest"] {
        assert!(
            csv.contains(&format!(",{area},events,")),
            "{area} in compare.csv"
        );
    }
    let manifest: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dirs[0].path().join("manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(manifest["scenarios"].as_array().unwrap().len(), 2);
}

#[test]
fn compare_refuses_scenarios_of_different_periods() {
    let out = sahelsim(&[
        "compare",
        "scenarios/baseline.ron",
        "tests/fixtures/short_run.ron",
    ]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("differs from the base's"), "{err}");
}

#[test]
fn bad_interventions_are_located_and_explained() {
    let text = "(extends: \"baseline.ron\", name: \"t\", interventions: [
        (name: \"x\", kind: DisaggregateAttribution, start: \"2021-01-01\", capacity: 5),
        (name: \"y\", kind: Reintegration, start: \"2021-13-01\", places: (areas: [\"centre\"])),
        (name: \"z\", kind: ProtectCommunities, start: \"2021-01-01\", groups: [\"FML\"], intensity: 2),
    ])";
    let errs = scenario::load_str(text, Path::new("scenarios/inline.ron")).unwrap_err();
    let all: Vec<String> = errs.0.iter().map(|e| e.to_string()).collect();
    let joined = all.join("\n");
    for needle in [
        "interventions[x].capacity",
        "has no capacity",
        "interventions[y].start",
        "interventions[y].places.areas[0]",
        "central",
        "interventions[z].groups[0]",
        "FLM",
        "interventions[z].intensity",
    ] {
        assert!(
            joined.contains(needle),
            "`{needle}` missing from:\n{joined}"
        );
    }
    assert!(
        errs.0.iter().all(|e| e.position.is_some()),
        "every error is located:\n{joined}"
    );
}

#[test]
fn a_surges_interdiction_stops_moves_across_borders_of_the_places_it_covers() {
    use sahelsim::sim::Simulation;
    use sahelsim::sim::components::Band;
    // Interdiction only: no extra troops.
    let base = with(240, &[]);
    let policy = with(
        240,
        &[
            "(name: \"p\", kind: CounterinsurgencySurge, start: \"2017-01-01\", places: (areas: [\"central\"]), intensity: 1.0, capacity: 0)",
        ],
    );
    let m = map(&base);
    let central = m.data.areas.iter().position(|a| a.id == "central").unwrap();
    let crossings = |s: &Arc<Scenario>| {
        let mut sim = Simulation::new(s.clone(), m.clone(), 0);
        let mut before: std::collections::BTreeMap<BandId, CellId> = Default::default();
        let mut n = 0;
        while !sim.finished() {
            sim.step();
            let mut q = sim.world.query::<&Band>();
            for b in q.iter(&sim.world) {
                if let Some(&from) = before.get(&b.id) {
                    let (a, c) = (&m.grid.cells[from.index()], &m.grid.cells[b.cell.index()]);
                    let border = a.area != c.area || a.country != c.country;
                    let touches = a.area == Some(central) || c.area == Some(central);
                    if from != b.cell && border && touches {
                        n += 1;
                    }
                }
                before.insert(b.id, b.cell);
            }
        }
        n
    };
    let (a, b) = (crossings(&base), crossings(&policy));
    assert!(a > 0, "bands cross the centre's borders without a surge");
    assert_eq!(
        b, 0,
        "full interdiction lets {b} moves across the centre's borders through"
    );
}

#[test]
fn a_comparisons_channels_add_up_to_their_totals() {
    // Events and civilians killed by who carried them out, and revenue by source, are exact
    // partitions: in compare.csv each total's means and difference are the sums of its
    // channels' (paired differences are linear in the replicates' values).
    let dir = tempfile::tempdir().unwrap();
    sahelsim_ok(&[
        "compare",
        "tests/fixtures/short_run.ron",
        "tests/fixtures/policy_short.ron",
        "--replicates",
        "3",
        "--plots",
        "none",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    let csv = std::fs::read_to_string(dir.path().join("compare.csv")).unwrap();
    let header: Vec<&str> = csv.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let value = |area: &str, outcome: &str, field: &str| -> f64 {
        rows.iter()
            .find(|r| {
                r[col("area")] == area
                    && r[col("outcome")] == outcome
                    && r[col("region")].is_empty()
            })
            .unwrap_or_else(|| panic!("{outcome} in {area} not in compare.csv"))[col(field)]
        .parse()
        .unwrap()
    };
    // Each total, its channels and their signs (fighters killed, arrested or gone home count
    // against the net change in fighters: the fighters' books balance).
    let families: [(&str, &[(&str, f64)]); 4] = [
        (
            "events",
            &[
                ("attacks_by_groups", 1.0),
                ("events_by_state", 1.0),
                ("events_by_militias", 1.0),
            ],
        ),
        (
            "fatalities_civilians",
            &[
                ("fatalities_civilians_by_groups", 1.0),
                ("fatalities_civilians_by_state", 1.0),
                ("fatalities_civilians_by_militias", 1.0),
            ],
        ),
        (
            "revenue",
            &[
                ("revenue_gold", 1.0),
                ("revenue_routes", 1.0),
                ("revenue_zakat", 1.0),
                ("revenue_kidnapping", 1.0),
                ("revenue_loot", 1.0),
            ],
        ),
        (
            "fighters_change",
            &[
                ("fighters_recruited", 1.0),
                ("fighters_killed", -1.0),
                ("fighters_arrested", -1.0),
                ("fighters_returned", -1.0),
            ],
        ),
    ];
    for (total, parts) in families {
        let areas: &[&str] = if matches!(total, "revenue" | "fighters_change") {
            &["all"]
        } else {
            &["all", "north", "central", "east", "southwest"]
        };
        for area in areas {
            for field in ["base_mean", "scenario_mean", "difference"] {
                let whole = value(area, total, field);
                let sum: f64 = parts
                    .iter()
                    .map(|(p, sign)| sign * value(area, p, field))
                    .sum();
                assert!(
                    (whole - sum).abs() <= 1e-4 * whole.abs().max(1.0),
                    "{total} {field} in {area}: {whole} but its channels sum to {sum}"
                );
            }
        }
        assert!(
            value("all", parts[0].0, "base_mean") > 0.0,
            "{} is 0 in the base",
            parts[0].0
        );
    }
    // Each fighter flow is also given by group, and the groups' flows add up to the total.
    let groups: Vec<String> = rows
        .iter()
        .filter_map(|r| r[col("outcome")].strip_prefix("fighters_killed."))
        .map(str::to_string)
        .collect();
    assert!(groups.len() >= 2, "fighters_killed by group: {groups:?}");
    for flow in [
        "fighters_recruited",
        "fighters_killed",
        "fighters_arrested",
        "fighters_returned",
    ] {
        for field in ["base_mean", "scenario_mean"] {
            let whole = value("all", flow, field);
            let sum: f64 = groups
                .iter()
                .map(|g| value("all", &format!("{flow}.{g}"), field))
                .sum();
            assert!(
                (whole - sum).abs() <= 1e-4 * whole.abs().max(1.0),
                "{flow} {field}: {whole} but its groups sum to {sum}"
            );
        }
    }
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(
        html.contains("Channels"),
        "the report has no channels section"
    );
    assert!(html.contains("of which state forces"));
}

#[test]
fn ablating_a_mechanism_switches_it_off_in_every_scenario_compared() {
    // The militias' events in compare.csv, base and policy means, with and without
    // `--ablate militias`.
    let militia_events = |ablate: &[&str]| -> (f64, f64, String) {
        let dir = tempfile::tempdir().unwrap();
        let mut args = vec![
            "compare",
            "tests/fixtures/short_run.ron",
            "tests/fixtures/policy_short.ron",
            "--replicates",
            "2",
            "--plots",
            "none",
            "--no-report",
            "--out",
            dir.path().to_str().unwrap(),
        ];
        args.extend_from_slice(ablate);
        let out = sahelsim_ok(&args);
        let csv = std::fs::read_to_string(dir.path().join("compare.csv")).unwrap();
        let row: Vec<String> = csv
            .lines()
            .find(|l| l.contains(",all,events_by_militias,"))
            .expect("events_by_militias in compare.csv")
            .split(',')
            .map(str::to_string)
            .collect();
        let manifest = std::fs::read_to_string(dir.path().join("manifest.json")).unwrap();
        assert_eq!(
            manifest.contains("members_per_1000"),
            !ablate.is_empty(),
            "the manifest records what was switched off"
        );
        (
            row[4].parse().unwrap(),
            row[5].parse().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (base, policy, _) = militia_events(&[]);
    assert!(
        base + policy > 0.0,
        "the fixtures have militia events to switch off"
    );
    let (base, policy, stdout) = militia_events(&["--ablate", "militias"]);
    assert_eq!((base, policy), (0.0, 0.0));
    assert!(
        stdout.contains("switched off in every scenario: militias"),
        "{stdout}"
    );
}
