//! Docking: sahelsim's Epstein civil violence model reproduces Mesa's implementation
//! (`mesa.examples.advanced.epstein_civil_violence`, Mesa 3.3.1) in distribution.
//!
//! `tests/fixtures/docking/mesa_reference.json` holds Mesa's statistics over 30 seeds for three
//! settings (written by `benches/mesa/reference.py`). For each setting, sahelsim runs the
//! scenario of the same name under `scenarios/reference/` and the statistics are compared:
//! the mean over replicates of each per-replicate statistic (mean active, mean jailed,
//! outbursts, and the replicate's mean outburst size, length and waiting time) must lie within
//! 4 standard errors of the difference of Mesa's, and the two-sample Kolmogorov–Smirnov
//! statistic of mean jailed (per replicate) and of outburst size (every outburst) must stay
//! under its 0.1 % critical value. Method and figures: docs/reference.md.
//!
//! `cargo test --test docking` runs 10 replicates a setting (quick, debug build);
//! `cargo test --release --test docking -- --ignored --nocapture` runs 300 a setting, prints
//! the table docs/reference.md quotes, and checks that the comparison has the power to tell
//! Mesa's round(C/A) from NetLogo's floor(C/A).

use std::fmt::Write as _;
use std::path::Path;

use sahelsim::reference::epstein::{ArrestRatio, EpsteinParams, ReplicateOutput, run_replicates};
use sahelsim::scenario;
use serde_json::Value;

/// Settings of the reference file and the scenario each is docked with.
const SETTINGS: [(&str, &str); 3] = [
    ("mesa_default", "scenarios/reference/epstein.ron"),
    ("punctuated", "scenarios/reference/epstein_punctuated.ron"),
    (
        "low_legitimacy",
        "scenarios/reference/epstein_low_legitimacy.ron",
    ),
];
/// Means must agree within this many standard errors of their difference.
const MAX_SE: f64 = 4.0;
/// Two-sample KS critical coefficient c(α) = sqrt(−ln(α/2)/2) for α = 0.001.
const KS_COEF: f64 = 1.9495;
/// Statistics that fewer replicates than this have (outburst size, length, waiting time where
/// outbursts are rare) are not compared.
const MIN_REPLICATES: usize = 8;

fn reference() -> Value {
    let text = std::fs::read_to_string("tests/fixtures/docking/mesa_reference.json").unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The statistics compared, each a sample of independent values, one per replicate (outburst
/// size, length and waiting time: the replicate's mean, where it has one), and
/// `pooled_peaks`, every outburst's size, for the KS test.
#[derive(Default)]
struct Samples {
    active_mean: Vec<f64>,
    jailed_mean: Vec<f64>,
    outbursts: Vec<f64>,
    peaks: Vec<f64>,
    lengths: Vec<f64>,
    waits: Vec<f64>,
    pooled_peaks: Vec<f64>,
}

impl Samples {
    /// Adds one replicate's statistics.
    fn push(&mut self, active: f64, jailed: f64, peaks: &[f64], lengths: &[f64], waits: &[f64]) {
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        self.active_mean.push(active);
        self.jailed_mean.push(jailed);
        self.outbursts.push(peaks.len() as f64);
        if !peaks.is_empty() {
            self.peaks.push(mean(peaks));
            self.lengths.push(mean(lengths));
        }
        if !waits.is_empty() {
            self.waits.push(mean(waits));
        }
        self.pooled_peaks.extend(peaks);
    }
}

fn from_mesa(setting: &Value) -> Samples {
    let mut s = Samples::default();
    let nums = |v: &Value| -> Vec<f64> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect()
    };
    for r in setting["replicates"].as_array().unwrap() {
        s.push(
            r["active_mean"].as_f64().unwrap(),
            r["jailed_mean"].as_f64().unwrap(),
            &nums(&r["outburst_peaks"]),
            &nums(&r["outburst_lengths"]),
            &nums(&r["waiting_times"]),
        );
    }
    s
}

fn from_rust(outputs: &[ReplicateOutput]) -> Samples {
    let mut s = Samples::default();
    for o in outputs {
        let st = &o.stats;
        let peaks: Vec<f64> = st.outbursts.iter().map(|b| b.peak as f64).collect();
        let lengths: Vec<f64> = st.outbursts.iter().map(|b| b.length() as f64).collect();
        let waits: Vec<f64> = st.waiting_times.iter().map(|&w| w as f64).collect();
        s.push(st.active_mean, st.jailed_mean, &peaks, &lengths, &waits);
    }
    s
}

/// Mean and standard error of the mean.
fn mean_se(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, (var / n).sqrt())
}

/// The two-sample Kolmogorov–Smirnov statistic.
fn ks(a: &[f64], b: &[f64]) -> f64 {
    let (mut a, mut b) = (a.to_vec(), b.to_vec());
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

/// Compares sahelsim's samples with Mesa's; returns the table rows and the failures.
fn compare(name: &str, rust: &Samples, mesa: &Samples) -> (String, Vec<String>) {
    let mut table = String::new();
    let mut failures = Vec::new();
    let stats: [(&str, &[f64], &[f64]); 6] = [
        ("active, mean", &rust.active_mean, &mesa.active_mean),
        ("jailed, mean", &rust.jailed_mean, &mesa.jailed_mean),
        ("outbursts per replicate", &rust.outbursts, &mesa.outbursts),
        ("outburst size", &rust.peaks, &mesa.peaks),
        ("outburst length", &rust.lengths, &mesa.lengths),
        ("waiting time", &rust.waits, &mesa.waits),
    ];
    for (stat, r, m) in stats {
        if r.len() < MIN_REPLICATES || m.len() < MIN_REPLICATES {
            let _ = writeln!(
                table,
                "| {name} | {stat} | {} replicates have one | {} replicates have one | | |",
                r.len(),
                m.len()
            );
            continue;
        }
        let ((rm, rse), (mm, mse)) = (mean_se(r), mean_se(m));
        let se = (rse * rse + mse * mse).sqrt();
        let z = if se > 0.0 {
            (rm - mm).abs() / se
        } else if rm == mm {
            0.0
        } else {
            f64::INFINITY
        };
        let ks_sample = match stat {
            "jailed, mean" => Some((r, m)),
            "outburst size" => Some((&rust.pooled_peaks[..], &mesa.pooled_peaks[..])),
            _ => None,
        };
        let ks_text = if let Some((r, m)) = ks_sample {
            let d = ks(r, m);
            let crit = KS_COEF * ((r.len() + m.len()) as f64 / (r.len() * m.len()) as f64).sqrt();
            if d > crit {
                failures.push(format!(
                    "{name}: {stat}: KS D = {d:.3} > {crit:.3} (sahelsim n = {}, Mesa n = {})",
                    r.len(),
                    m.len()
                ));
            }
            format!("{d:.3} (< {crit:.3})")
        } else {
            String::new()
        };
        if z > MAX_SE {
            failures.push(format!(
                "{name}: {stat}: sahelsim {rm:.3} ± {rse:.3} vs Mesa {mm:.3} ± {mse:.3}: {z:.1} standard errors apart"
            ));
        }
        let _ = writeln!(
            table,
            "| {name} | {stat} | {rm:.2} ± {rse:.2} (n = {}) | {mm:.2} ± {mse:.2} (n = {}) | {z:.2} | {ks_text} |",
            r.len(),
            m.len()
        );
    }
    (table, failures)
}

/// The scenario's parameters, checked against the settings the reference was made with.
fn params(setting: &str, file: &str, reference: &Value) -> EpsteinParams {
    let p = scenario::load(Path::new(file)).unwrap().epstein.unwrap();
    assert_eq!(p.steps as u64, reference["steps"].as_u64().unwrap());
    assert_eq!(p.burn_in as u64, reference["burn_in"].as_u64().unwrap());
    assert_eq!(
        p.outburst_threshold as u64,
        reference["outburst_threshold"].as_u64().unwrap()
    );
    let kwargs = &reference["settings"][setting]["mesa_kwargs"];
    let mesa = EpsteinParams {
        legitimacy: kwargs["legitimacy"].as_f64().unwrap_or(0.8),
        max_jail_term: kwargs["max_jail_term"].as_u64().unwrap_or(1000) as u32,
        cop_density: kwargs["cop_density"].as_f64().unwrap_or(0.074),
        steps: p.steps,
        burn_in: p.burn_in,
        outburst_threshold: p.outburst_threshold,
        ..EpsteinParams::default()
    };
    assert_eq!(p, mesa, "{file} is not the setting `{setting}` Mesa ran");
    p
}

/// Docks every setting with `replicates` replicates; returns the table and the failures.
fn dock(replicates: u32, seed: u64) -> (String, Vec<String>) {
    let reference = reference();
    assert_eq!(reference["mesa_version"], "3.3.1");
    let mut table = String::from(
        "| setting | statistic | sahelsim mean ± s.e. | Mesa mean ± s.e. | s.e. apart | KS D |\n|---|---|---|---|---|---|\n",
    );
    let mut failures = Vec::new();
    for (setting, file) in SETTINGS {
        let p = params(setting, file, &reference);
        let mesa = from_mesa(&reference["settings"][setting]);
        let rust = from_rust(&run_replicates(&p, seed, replicates));
        let (t, f) = compare(setting, &rust, &mesa);
        table.push_str(&t);
        failures.extend(f);
    }
    (table, failures)
}

#[test]
fn epstein_docks_with_mesa_quick() {
    let (table, failures) = dock(10, 1);
    assert!(failures.is_empty(), "{}\n{table}", failures.join("\n"));
}

#[test]
#[ignore = "slow in a debug build: 900 replicates of 500 steps; run with --release"]
fn epstein_docks_with_mesa() {
    let (table, failures) = dock(300, 2026);
    println!("{table}");
    assert!(failures.is_empty(), "{}\n{table}", failures.join("\n"));

    // The comparison can tell rules apart: NetLogo's floor(C/A) in the punctuated setting
    // does not dock with Mesa's round(C/A).
    let reference = reference();
    let p = EpsteinParams {
        arrest_ratio: ArrestRatio::Floor,
        ..params("punctuated", SETTINGS[1].1, &reference)
    };
    let mesa = from_mesa(&reference["settings"]["punctuated"]);
    let rust = from_rust(&run_replicates(&p, 2026, 300));
    let (table, failures) = compare("punctuated, Floor", &rust, &mesa);
    println!("{table}");
    assert!(
        !failures.is_empty(),
        "floor(C/A) should not dock with Mesa's round(C/A):\n{table}"
    );
}

#[test]
fn ks_statistic_is_the_largest_gap_between_the_distributions() {
    assert_eq!(ks(&[1.0, 2.0, 3.0], &[1.0, 2.0, 3.0]), 0.0);
    assert_eq!(ks(&[1.0, 2.0], &[3.0, 4.0]), 1.0);
    assert!((ks(&[1.0, 2.0, 3.0, 4.0], &[3.0, 4.0, 5.0, 6.0]) - 0.5).abs() < 1e-12);
}
