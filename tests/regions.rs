//! Outcomes by admin-1 region: the summary's per-region values add up to the whole study
//! area's, and `compare --by region` gives each region with events its row.

mod common;

use std::collections::BTreeMap;

use sahelsim::record::OUTCOMES;
use sahelsim::record::outcome::study_regions;

#[test]
fn per_region_values_sum_to_the_total() {
    let s = common::short(150, 0.3, &[]);
    let map = common::map(&s);
    let regions = study_regions(&map);
    assert!(regions.len() > 20, "{} regions", regions.len());
    let summary = common::run(&s, 0).summary.outcomes;
    let mut checked = 0;
    for o in OUTCOMES
        .iter()
        .filter(|o| o.reported.summary && o.by_region && o.total)
    {
        let total = summary[o.key];
        let parts: Vec<f64> = regions
            .iter()
            .map(|&r| summary[&format!("{}@{}", o.key, map.data.regions[r].name)])
            .collect();
        let sum: f64 = parts.iter().sum();
        // Counts from the event log add up exactly; states are rounded to whole people or
        // schools per place, so their sum may differ from the total's rounding by half a unit
        // per region.
        let slack = match o.count {
            sahelsim::record::outcome::Count::End(_) => 0.5 * regions.len() as f64,
            _ => 0.0,
        };
        assert!(
            (sum - total).abs() <= slack,
            "{}: regions sum to {sum}, total {total}",
            o.key
        );
        assert!(
            total == 0.0 || parts.iter().filter(|&&v| v > 0.0).count() >= 2,
            "{}: the total sits in one region",
            o.key
        );
        checked += 1;
    }
    assert!(checked >= 5, "{checked} outcomes by region");
    assert!(summary["events"] > 0.0 && summary["displaced_end"] > 0.0);
}

/// Events per admin-1 region in an `events.csv`, from day `from` (ISO date) on, summed over
/// replicates.
fn events_by_region(path: &std::path::Path, from: &str) -> BTreeMap<String, f64> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (admin1, date) = (col("admin1"), col("event_date"));
    let mut out = BTreeMap::new();
    for r in reader.records() {
        let r = r.unwrap();
        if &r[date] >= from {
            *out.entry(r[admin1].to_string()).or_insert(0.0) += 1.0;
        }
    }
    out
}

#[test]
fn compare_by_region_gives_each_region_with_events_its_row() {
    let t = tempfile::tempdir().unwrap();
    let dir = |name: &str| t.path().join(name).to_str().unwrap().to_string();
    let files = [
        "tests/fixtures/short_run.ron",
        "tests/fixtures/policy_short.ron",
    ];
    let from = "2017-07-01";
    let compare = |threads: &str, out: &str| {
        common::sahelsim(&[
            "compare",
            files[0],
            files[1],
            "--replicates",
            "2",
            "--by",
            "region",
            "--from",
            from,
            "--threads",
            threads,
            "--no-report",
            "--plots",
            "svg",
            "--out",
            &dir(out),
        ])
    };
    let out = compare("1", "compare");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(compare("2", "compare2").status.success());
    for f in ["compare.csv", "compare.json"] {
        let read = |d: &str| std::fs::read(t.path().join(d).join(f)).unwrap();
        assert_eq!(read("compare"), read("compare2"), "{f}: 1 and 2 threads");
    }
    // The events of each scenario by region, counted from its own run's events.csv.
    let mut expected = Vec::new();
    for (k, f) in files.iter().enumerate() {
        let name = format!("run{k}");
        let run = common::sahelsim(&[
            "run",
            f,
            "--replicates",
            "2",
            "--no-report",
            "--plots",
            "svg",
            "--out",
            &dir(&name),
        ]);
        assert!(run.status.success());
        expected.push(events_by_region(
            &t.path().join(name).join("events.csv"),
            from,
        ));
    }
    let mut reader = csv::Reader::from_path(t.path().join("compare/compare.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (area, region, outcome) = (col("area"), col("region"), col("outcome"));
    let (base_mean, mean) = (col("base_mean"), col("scenario_mean"));
    let mut rows: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    // Events linked to armed groups by region (base and scenario means): all groups, and the
    // sum of each group's.
    type Means = (f64, f64);
    let mut militant: BTreeMap<String, (Means, Means)> = BTreeMap::new();
    let mut total = (0.0, 0.0);
    let mut listed = std::collections::BTreeSet::new();
    for r in reader.records() {
        let r = r.unwrap();
        if !r[region].is_empty() {
            assert!(listed.insert((r[outcome].to_string(), r[region].to_string())));
        }
        let values: (f64, f64) = (r[base_mean].parse().unwrap(), r[mean].parse().unwrap());
        if !r[region].is_empty() && r[outcome].starts_with("events_militant") {
            let m = militant.entry(r[region].to_string()).or_default();
            if &r[outcome] == "events_militant" {
                m.0 = values;
            } else {
                m.1 = (m.1.0 + values.0, m.1.1 + values.1);
            }
        }
        if &r[outcome] != "events" {
            continue;
        }
        if r[region].is_empty() {
            assert_eq!(&r[area], "all", "--by region alone: no rows by area");
            total = values;
        } else {
            assert!(rows.insert(r[region].to_string(), values).is_none());
        }
    }
    // Every outcome the registry counts by region, in every region of the study area; those
    // counted from the event log also for each group.
    let base = sahelsim::scenario::load(std::path::Path::new(files[0])).unwrap();
    let map = common::map(&base);
    let keys = |o: &sahelsim::record::outcome::Outcome| -> Vec<String> {
        let mut keys = vec![o.key.to_string()];
        if o.by_group && o.counted_from_events() {
            keys.extend(base.groups.iter().map(|g| format!("{}.{}", o.key, g.name)));
        }
        keys
    };
    let expected_rows: std::collections::BTreeSet<(String, String)> = OUTCOMES
        .iter()
        .filter(|o| o.reported.comparison && o.by_region && o.total)
        .flat_map(|o| {
            let keys = keys(o);
            study_regions(&map)
                .into_iter()
                .flat_map(|r| {
                    let region = map.data.regions[r].name.clone();
                    keys.iter()
                        .map(|k| (k.clone(), region.clone()))
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(
        listed, expected_rows,
        "compare.csv's regions against the registry"
    );
    let with_events: std::collections::BTreeSet<&String> =
        expected.iter().flat_map(|e| e.keys()).collect();
    assert!(with_events.len() >= 5, "{with_events:?}");
    for region in &with_events {
        let (b, s) = rows
            .get(*region)
            .unwrap_or_else(|| panic!("no row for {region}"));
        let count = |k: usize| expected[k].get(*region).copied().unwrap_or(0.0) / 2.0;
        assert_eq!((*b, *s), (count(0), count(1)), "{region}");
        assert!(
            stdout
                .lines()
                .any(|l| l.trim_start().starts_with(region.as_str())),
            "{region} is not in the printed table:\n{stdout}"
        );
    }
    // Each group's events in a region add up to the region's events linked to armed groups.
    assert!(militant.values().any(|m| m.0.0 > 0.0), "{militant:?}");
    for (region, (all, by_groups)) in &militant {
        assert!(
            (all.0 - by_groups.0).abs() < 1e-6 && (all.1 - by_groups.1).abs() < 1e-6,
            "{region}: {all:?} linked to armed groups, {by_groups:?} by group"
        );
    }
    let sum = rows
        .values()
        .fold((0.0, 0.0), |a, v| (a.0 + v.0, a.1 + v.1));
    assert!((sum.0 - total.0).abs() < 1e-6 && (sum.1 - total.1).abs() < 1e-6);
}

#[test]
fn a_bad_breakdown_is_refused_with_the_choices() {
    let out = common::sahelsim(&[
        "compare",
        "tests/fixtures/short_run.ron",
        "tests/fixtures/policy_short.ron",
        "--by",
        "county",
    ]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("county") && stderr.contains("area") && stderr.contains("region"),
        "{stderr}"
    );
}
