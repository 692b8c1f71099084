//! The economy of armed groups: route tolls are bounded by what the traffic on each route can
//! pay, law enforcement on the smuggling corridors (`TargetIllicitNetworks`) displaces at most
//! the share of the lost tolls its `option` states, and does not raise the groups' total
//! income; `share_pool` never hands out more than the pool.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use proptest::prelude::*;
use sahelsim::geo::SahelMap;
use sahelsim::scenario::interventions::InterventionKind;
use sahelsim::scenario::{self, Scenario};
use sahelsim::sim::Simulation;
use sahelsim::sim::resources::{FighterFlow, Ledger, Terrain};
use sahelsim::sim::systems::revenue::share_pool;
use sahelsim::sim::units::{DAYS_PER_WEEK, DAYS_PER_YEAR, USD_PER_MILLION};
use statrs::distribution::{ContinuousCDF, StudentsT};

/// The shipped baseline's grid (0.1°), stated so that the tests' run time does not follow
/// changes to it (a run of 2017–2023 takes about 3 s in the test profile).
const RES: f64 = 0.1;
/// The period of the runs: the baseline's start (its history begins in 2017), shortened to
/// the end of 2023; the intervention starts on the policy file's date, 2021-01-01, inside it.
const START: &str = "2017-01-01";
const END: &str = "2023-12-31";
const POLICY_START: &str = "2021-01-01";

/// The baseline over `START..=END`, with law enforcement on the northern corridors
/// (`scenarios/policies/target_illicit_networks.ron`, from `POLICY_START`) when `option` is
/// given (its displacement share set to it), without any intervention otherwise.
fn scenario(option: Option<f64>) -> Arc<Scenario> {
    let common =
        format!("period: (start: \"{START}\", end: \"{END}\"), map: (resolution_deg: {RES})");
    let text = match option {
        None => format!("(extends: \"../baseline.ron\", name: \"economy-baseline\", {common})"),
        Some(o) => format!(
            "(extends: \"target_illicit_networks.ron\", name: \"economy-enforcement\", {common}, \
             interventions: [(name: \"corridors\", start: \"{POLICY_START}\", option: {o:?})])"
        ),
    };
    let s = scenario::load_str(&text, Path::new("scenarios/policies/economy_test.ron")).unwrap();
    match option {
        None => assert!(
            s.interventions.is_empty(),
            "the baseline has no intervention"
        ),
        Some(o) => {
            assert_eq!(s.interventions.len(), 1);
            let iv = &s.interventions[0];
            assert_eq!(iv.kind, InterventionKind::TargetIllicitNetworks);
            assert_eq!(iv.option, o);
            assert!(iv.start_day > 0 && iv.start_day < s.period.days());
        }
    }
    Arc::new(s)
}

fn map(s: &Scenario) -> Arc<SahelMap> {
    Arc::new(SahelMap::build(&s.map, s.period.start.year()))
}

/// Each route's weekly toll pool from the map data alone: each kind of traffic's yearly value
/// times the largest toll share for its kind, over a week.
fn traffic_pool_week(s: &Scenario, m: &SahelMap, route: usize) -> f64 {
    let r = &s.model.revenue;
    m.data.routes[route]
        .traffic
        .iter()
        .map(|t| {
            let share = if t.kind.illicit() {
                r.max_toll_share_illicit
            } else {
                r.max_toll_share_licit
            };
            t.musd * USD_PER_MILLION * share * DAYS_PER_WEEK / DAYS_PER_YEAR
        })
        .sum()
}

/// All groups' income, all sources, US$.
fn total_income(ledger: &Ledger) -> i64 {
    ledger.income.iter().flat_map(|by| by.iter()).sum()
}

/// Route tolls are bounded by traffic: every week, on every route, what the checkpoints
/// collect (displaced traffic included) is at most the route's pool, and that pool is the
/// route's traffic (from the map data) times the largest toll share for its kind over a week,
/// whatever the state of the world. Law enforcement costs nothing before it starts, moves at
/// most `option` of the tolls it costs to checkpoints elsewhere (cumulatively, checked every
/// week; a relative 1e-9 allows for the rounding of the running sums), and it does bite: some
/// tolls are lost to it by the end, so the displacement check is not vacuous. Checked at the
/// policy file's displacement share (0.3) and at the largest (1.0), where routes outside
/// enforcement take the most displaced traffic and their pools are likeliest to fill.
#[test]
fn no_route_yields_more_than_its_traffic_can_pay() {
    for option in [0.3, 1.0] {
        route_tolls_stay_within_traffic(option);
    }
}

/// The checks of [`no_route_yields_more_than_its_traffic_can_pay`] at displacement share
/// `option`, replicate 0.
fn route_tolls_stay_within_traffic(option: f64) {
    let t0 = Instant::now();
    let s = scenario(Some(option));
    let start_day = s.interventions[0].start_day;
    let m = map(&s);
    let mut sim = Simulation::new(s.clone(), m.clone(), 0);
    let expected: Vec<(usize, f64)> = sim
        .world
        .resource::<Terrain>()
        .routes
        .iter()
        .map(|r| (r.route, traffic_pool_week(&s, &m, r.route)))
        .collect();
    assert!(!expected.is_empty(), "some route crosses the study area");
    assert!(
        expected.iter().any(|&(_, p)| p > 0.0),
        "some route carries traffic"
    );
    let mut weeks = 0;
    let mut max_use: f64 = 0.0;
    while !sim.finished() {
        let day = sim.day();
        sim.step();
        if !day.is_multiple_of(7) {
            continue;
        }
        weeks += 1;
        let ledger = sim.world.resource::<Ledger>();
        if day < start_day {
            assert!(
                ledger.enforcement_lost_usd == 0.0 && ledger.displaced_usd == 0.0,
                "day {day}, before enforcement starts (day {start_day}): {} US$ lost to it, {} US$ displaced",
                ledger.enforcement_lost_usd,
                ledger.displaced_usd
            );
        }
        assert_eq!(ledger.route_pool_week.len(), expected.len(), "day {day}");
        assert_eq!(
            ledger.route_collected_week.len(),
            expected.len(),
            "day {day}"
        );
        for (i, &(route, want)) in expected.iter().enumerate() {
            let name = &m.data.routes[route].name;
            let pool = ledger.route_pool_week[i];
            let collected = ledger.route_collected_week[i];
            assert!(
                (pool - want).abs() <= 1e-9 * want.abs() + 1e-9,
                "day {day}, route {name}: pool {pool} US$, but its traffic pays at most {want} US$ a week"
            );
            assert!(
                collected >= -1e-9,
                "day {day}, route {name}: collected {collected} US$"
            );
            assert!(
                collected <= pool * (1.0 + 1e-9) + 1e-6,
                "day {day}, route {name}: collected {collected} US$ of a pool of {pool} US$"
            );
            if pool > 0.0 {
                max_use = max_use.max(collected / pool);
            }
        }
        assert!(
            ledger.displaced_usd <= ledger.enforcement_lost_usd * option * (1.0 + 1e-9) + 1e-6,
            "day {day}: {} US$ displaced, more than {option} of the {} US$ lost to enforcement ({} US$)",
            ledger.displaced_usd,
            ledger.enforcement_lost_usd,
            ledger.enforcement_lost_usd * option
        );
    }
    let ledger = sim.world.resource::<Ledger>();
    eprintln!(
        "option {option}: {weeks} weeks, {} routes; lost to enforcement {:.0} US$, displaced {:.0} US$; \
         largest share of a pool collected {max_use:.3}; {:.1} s",
        expected.len(),
        ledger.enforcement_lost_usd,
        ledger.displaced_usd,
        t0.elapsed().as_secs_f64()
    );
    assert!(weeks > 100);
    assert!(
        ledger.enforcement_lost_usd > 0.0,
        "option {option}: law enforcement on the corridors never cost a toll: the policy does not bite"
    );
}

/// Each replicate's income of all groups (all sources) from the intervention's start day to
/// the end, under `s`, for replicates `0..n`. `start_day` is the day the ledger is snapshotted
/// (before it is simulated).
fn incomes_from(s: &Arc<Scenario>, m: &Arc<SahelMap>, start_day: u32, n: u32) -> Vec<f64> {
    (0..n)
        .map(|r| {
            let mut sim = Simulation::new(s.clone(), m.clone(), r);
            let mut at_start = None;
            while !sim.finished() {
                if sim.day() == start_day {
                    at_start = Some(total_income(sim.world.resource::<Ledger>()));
                }
                sim.step();
            }
            let end = total_income(sim.world.resource::<Ledger>());
            (end - at_start.expect("the start day is simulated")) as f64
        })
        .collect()
}

/// Asserts that the mean paired difference `policy − baseline` is not above zero beyond its
/// 95 % interval: mean − t·sd/√n ≤ 0 (t the two-sided 97.5 % quantile of Student's t with
/// n − 1 degrees of freedom).
fn assert_not_raised(label: &str, baseline: &[f64], policy: &[f64]) {
    let n = baseline.len();
    assert!(n >= 2 && policy.len() == n);
    let d: Vec<f64> = policy.iter().zip(baseline).map(|(p, b)| p - b).collect();
    let mean = d.iter().sum::<f64>() / n as f64;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let t = StudentsT::new(0.0, 1.0, (n - 1) as f64)
        .unwrap()
        .inverse_cdf(0.975);
    let half = t * var.sqrt() / (n as f64).sqrt();
    eprintln!(
        "{label}: baseline {baseline:?}, policy {policy:?}, differences {d:?}; \
         mean {mean:.0} US$ ± {half:.0} (t = {t:.3})"
    );
    assert!(
        mean - half <= 0.0,
        "{label}: law enforcement raises the groups' total income over the policy period: \
         mean paired difference {mean:.0} US$, 95 % interval [{:.0}, {:.0}] US$ (n = {n}; \
         baseline {baseline:?}, policy {policy:?})",
        mean - half,
        mean + half
    );
}

/// Replicates per variant in the income comparison: 3 variants × 4 runs take about 25–35 s in
/// the test profile.
const REPLICATES: u32 = 4;

/// Law enforcement on the routes takes tolls from the groups it targets, and only part of them
/// (`option`) comes back to checkpoints elsewhere, so it cannot raise the income of all groups
/// together: on the same seeds (common random numbers) the total income of all groups from the
/// intervention's start is not higher with it than without, beyond its paired 95 % interval.
/// Checked at the policy file's displacement share (0.3) and at the largest (`option: 1.0`,
/// where all the lost traffic moves), where displacement alone could at most make up the loss.
#[test]
fn enforcement_does_not_raise_total_revenue() {
    let t0 = Instant::now();
    let base = scenario(None);
    let m = map(&base);
    let variants = [scenario(Some(0.3)), scenario(Some(1.0))];
    let start_day = variants[0].interventions[0].start_day;
    let baseline = incomes_from(&base, &m, start_day, REPLICATES);
    for policy in &variants {
        assert_eq!(policy.interventions[0].start_day, start_day);
        let label = format!("option {}", policy.interventions[0].option);
        let incomes = incomes_from(policy, &m, start_day, REPLICATES);
        assert_not_raised(&label, &baseline, &incomes);
    }
    eprintln!("{:.1} s", t0.elapsed().as_secs_f64());
}

proptest! {
    /// `share_pool` never hands out more than the pool nor a negative take, and where the
    /// asks add up to at most the whole pool each claimant gets exactly what it asks: the
    /// bound on route tolls and gold taxes rests on it.
    #[test]
    fn share_pool_never_hands_out_more_than_the_pool(
        pool in prop_oneof![Just(0.0), 0.0f64..1e9, 0.0f64..1.0],
        asks in prop::collection::vec(prop_oneof![Just(0.0), Just(1.0), 0.0f64..=1.0], 0..12),
    ) {
        let takes = share_pool(pool, &asks);
        prop_assert_eq!(takes.len(), asks.len());
        let sum: f64 = takes.iter().sum();
        prop_assert!(sum <= pool * (1.0 + 1e-12), "takes {takes:?} add up to {sum} > pool {pool}");
        for t in &takes {
            prop_assert!(*t >= 0.0, "negative take {t} in {takes:?}");
        }
        if asks.iter().sum::<f64>() <= 1.0 {
            for (a, t) in asks.iter().zip(&takes) {
                let want = pool * a;
                prop_assert!(
                    (t - want).abs() <= 1e-12 * want,
                    "ask {a} of {pool} gets {t}, not {want}"
                );
            }
        }
    }
}

/// The baseline over 2017 on a coarse grid, with `bands.recruit_income_cover` at `cover`.
fn with_income_cover(cover: f64) -> Arc<Scenario> {
    let text = format!(
        "(extends: \"../baseline.ron\", name: \"income-cover\", \
         period: (start: \"2017-01-01\", end: \"2017-12-31\"), map: (resolution_deg: 0.3), \
         model: (bands: (recruit_income_cover: {cover:?})))"
    );
    Arc::new(scenario::load_str(&text, Path::new("scenarios/policies/economy_test.ron")).unwrap())
}

#[test]
fn a_group_recruits_only_as_far_as_its_income_keeps_its_fighters() {
    use sahelsim::sim::ids::GroupId;
    use sahelsim::sim::resources::Groups;
    use sahelsim::sim::systems::recruitment::income_cover_factor;
    let s = with_income_cover(1.0);
    let mut sim = Simulation::new(s.clone(), map(&s), 0);
    let g = GroupId::new(0);
    let memory = s.model.revenue.income_memory_days;
    // 100 fighters at US$ 10 a day: US$ 1,000 a day of upkeep. `earning` sets the group's
    // income memories to what `per_day` a day for `day + 1` days leaves in them.
    let mut factor = |per_day: f64, cover: f64, day: u32| -> f64 {
        let mut groups = sim.world.resource_mut::<Groups>();
        groups[g].fighters = 100;
        let remembered = 1.0 - (1.0 - 1.0 / memory).powi(day as i32 + 1);
        groups[g].income_external = per_day * memory * remembered;
        groups[g].income_local = 0.0;
        income_cover_factor(&groups, g, 10.0, cover, memory, day)
    };
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert_eq!(factor(500.0, 0.0, 400), 1.0, "no rule at cover 0");
    assert_eq!(factor(900.0, 1.0, 400), 0.0, "income below upkeep");
    assert!(close(factor(1_500.0, 1.0, 400), 0.5), "half way to twice");
    assert_eq!(factor(2_500.0, 1.0, 400), 1.0, "full rate from twice");
    // The memories start empty: a young group earning the same is read the same.
    assert!(close(factor(1_500.0, 1.0, 9), 0.5), "corrected warm-up");
    assert!(close(factor(1_500.0, 0.5, 400), 1.0));
}

#[test]
fn groups_whose_income_cannot_keep_them_stop_recruiting() {
    let recruited = |cover: f64| -> u64 {
        let s = with_income_cover(cover);
        let mut sim = Simulation::new(s.clone(), map(&s), 0);
        while !sim.finished() {
            sim.step();
        }
        sim.world.resource::<Ledger>().flows()[FighterFlow::Recruited as usize]
    };
    let free = recruited(0.0);
    let bound = recruited(5.0);
    assert!(free > 0, "recruits without the rule");
    assert!(
        (bound as f64) < 0.5 * free as f64,
        "an income cover of 5 keeps most recruits out: {bound} against {free}"
    );
}
