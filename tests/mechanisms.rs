//! Each mechanism pushes in the direction the literature says, other things equal (same seeds:
//! common random numbers). Scenario-level comparisons run short, coarse variants of the
//! baseline over a few replicates.

mod common;

use common::{short, total};
use sahelsim::scenario::model_params::Violence;
use sahelsim::sim::Simulation;
use sahelsim::sim::components::Band;
use sahelsim::sim::events::{Attributed, Perpetrator};
use sahelsim::sim::resources::{Ledger, Source};
use sahelsim::sim::systems::attacks::{civilian_share, kalyvas_factor};

const DAYS: u32 = 365;
const RES: f64 = 0.3;

#[test]
fn more_security_presence_means_fewer_band_attacks() {
    let weak = short(
        DAYS,
        RES,
        &[
            ("model.security.troops_per_1000_town", 0.5),
            ("model.security.international_troops", 0.0),
        ],
    );
    let strong = short(
        DAYS,
        RES,
        &[
            ("model.security.troops_per_1000_town", 30.0),
            ("model.security.international_troops", 40000.0),
        ],
    );
    let (a, b) = (
        total(&weak, 3, "attacks_by_groups"),
        total(&strong, 3, "attacks_by_groups"),
    );
    assert!(
        b < a,
        "attacks with strong presence {b} should be fewer than with weak presence {a}"
    );
}

#[test]
fn a_band_on_a_gold_site_earns_from_gold_and_one_elsewhere_does_not() {
    let s = short(
        60,
        0.1,
        &[
            ("model.bands.move_rate", 0.0),
            ("model.bands.split_size", 100000.0),
        ],
    );
    let map = common::map(&s);
    let intahaka = map
        .data
        .gold_sites
        .iter()
        .find(|g| g.name.contains("Intahaka"))
        .unwrap()
        .at;
    let gold_cell = map.grid.cell_index(intahaka).unwrap();
    let gold_income = |cell: Option<usize>| {
        let mut sim = Simulation::new(s.clone(), map.clone(), 0);
        let mut q = sim.world.query::<&mut Band>();
        let mut bands: Vec<_> = q.iter_mut(&mut sim.world).collect();
        bands.sort_by_key(|b| b.id);
        // Put the first Ansar Dine band on the site, or leave all where they are.
        let ad = bands.iter_mut().find(|b| b.group == 0).unwrap();
        let group = ad.group;
        if let Some(c) = cell {
            ad.cell = c;
        }
        while !sim.finished() {
            sim.step();
        }
        sim.world.resource::<Ledger>().income[group][Source::Gold as usize]
    };
    assert!(
        gold_income(Some(gold_cell)) > 0,
        "a band on Intahaka earns from gold"
    );
    assert_eq!(
        gold_income(None),
        0,
        "Ansar Dine's bands start far from gold sites and do not move"
    );
}

#[test]
fn a_blunt_posture_kills_more_civilians() {
    let blunt = short(DAYS, RES, &[("model.security.bluntness", 1.0)]);
    let discriminating = short(DAYS, RES, &[("model.security.bluntness", 0.0)]);
    let (a, b) = (
        total(&blunt, 3, "fatalities_civilians_by_state"),
        total(&discriminating, 3, "fatalities_civilians_by_state"),
    );
    assert!(a > 0.0);
    assert_eq!(b, 0.0, "a fully discriminating posture kills no civilians");
}

#[test]
fn backlash_feeds_the_insurgency_and_deterrence_starves_it() {
    let set = |b: f64| {
        short(
            2 * DAYS,
            RES,
            &[
                ("model.security.bluntness", 1.0),
                ("model.security.collateral_mean", 5.0),
                ("model.security.backlash", b),
            ],
        )
    };
    let (provoke, deter) = (
        total(&set(5.0), 3, "fighters_final"),
        total(&set(-5.0), 3, "fighters_final"),
    );
    assert!(
        provoke > deter,
        "fighters with backlash {provoke} vs with deterrence {deter}"
    );
}

#[test]
fn fear_displaces_people_only_if_they_can_flee() {
    let none = short(DAYS, RES, &[("model.displacement.flee_rate", 0.0)]);
    let some = short(DAYS, RES, &[("model.displacement.flee_rate", 0.02)]);
    assert_eq!(total(&none, 2, "displaced_peak"), 0.0);
    assert!(total(&some, 2, "displaced_peak") > 0.0);
}

#[test]
fn more_grievance_more_fighters() {
    let calm = short(
        2 * DAYS,
        RES,
        &[
            ("model.communities.pastoralist_grievance", 0.0),
            ("model.communities.hardship_base", 0.2),
        ],
    );
    let angry = short(
        2 * DAYS,
        RES,
        &[
            ("model.communities.pastoralist_grievance", 0.8),
            ("model.communities.hardship_base", 0.5),
        ],
    );
    let (a, b) = (
        total(&calm, 3, "fighters_final"),
        total(&angry, 3, "fighters_final"),
    );
    assert!(b > a, "fighters with high grievance {b} vs low {a}");
}

#[test]
fn perfect_intelligence_attributes_every_attack_to_its_true_group() {
    let s = short(DAYS, RES, &[("model.attribution.quality", 1.0)]);
    let out = common::run(&s, 0);
    let by_groups: Vec<_> = out
        .events
        .iter()
        .filter(|e| matches!(e.perpetrator, Perpetrator::Group(_)))
        .collect();
    assert!(!by_groups.is_empty());
    assert!(by_groups.iter().all(|e| matches!((e.perpetrator, e.attributed), (Perpetrator::Group(g), Attributed::Group(a)) if g == a)));
    let poor = short(
        DAYS,
        RES,
        &[
            ("model.attribution.quality", 0.0),
            ("model.attribution.claim_rate", 0.0),
        ],
    );
    let out = common::run(&poor, 0);
    assert!(
        out.events
            .iter()
            .all(|e| !matches!(e.attributed, Attributed::Group(_))),
        "nothing is named without claims or intelligence"
    );
}

#[test]
fn civilian_targeting_follows_kalyvas_and_wood() {
    let v = Violence::default();
    // Kalyvas: selective violence peaks where control is predominant but not full.
    let at = |c| kalyvas_factor(c, v.kalyvas_peak, v.kalyvas_width, v.kalyvas_weight);
    assert!(at(v.kalyvas_peak) > at(1.0) && at(v.kalyvas_peak) > at(0.2));
    // Wood: losing groups and independently funded groups target civilians more.
    let base = civilian_share(0.2, 0.5, 0.0, 0.0, 0.0, &v);
    assert!(civilian_share(0.2, 0.5, 0.3, 0.0, 0.0, &v) > base);
    assert!(civilian_share(0.2, 0.5, 0.0, 1.0, 0.0, &v) > base);
    // Punishment of collaboration.
    assert!(civilian_share(0.2, 0.5, 0.0, 0.0, 0.5, &v) > base);
    assert!(civilian_share(1.0, 0.7, 5.0, 1.0, 1.0, &v) <= 0.9);
}

#[test]
fn the_conservation_check_catches_a_leak() {
    let s = short(10, RES, &[]);
    let mut sim = Simulation::new(s.clone(), common::map(&s), 0);
    sim.step();
    assert!(sim.check_conservation().is_ok());
    let mut q = sim.world.query::<&mut Band>();
    q.iter_mut(&mut sim.world).next().unwrap().low_level += 5;
    let e = sim.check_conservation().unwrap_err();
    assert!(e.starts_with("fighters do not balance"), "{e}");
}
