//! Each mechanism pushes in the direction the literature says, other things equal (same seeds:
//! common random numbers). Scenario-level comparisons run short, coarse variants of the
//! baseline over a few replicates.

mod common;

use common::{short, total, totals};
use sahelsim::scenario::model_params::Violence;
use sahelsim::sim::Simulation;
use sahelsim::sim::components::{Band, Community};
use sahelsim::sim::events::{Attributed, Perpetrator};
use sahelsim::sim::ids::{CellId, GroupId};
use sahelsim::sim::resources::{Ledger, Source};
use sahelsim::sim::systems::attacks::{civilian_share, kalyvas_factor, reprisal_share};

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
fn a_band_holding_a_gold_site_earns_from_gold_and_one_elsewhere_does_not() {
    // Bands stay put; security is minimal so that a band can take control where it sits. No
    // control of the home regions at the start: the baseline's taxing threshold (0.117) is
    // below the starting control (0.15), so Ansar Dine would tax its home regions' gold
    // sites wherever its bands stood.
    let s = short(
        90,
        0.1,
        &[
            ("model.control.initial_control", 0.0),
            ("model.bands.move_rate", 0.0),
            ("model.bands.split_size", 100000.0),
            ("model.security.troops_per_1000_town", 0.0),
            ("model.security.international_troops", 0.0),
        ],
    );
    let map = common::map(&s);
    let site = map
        .data
        .gold_sites
        .iter()
        .find(|g| g.name.contains("Intahaka"))
        .unwrap()
        .at;
    let gold_cell = map.grid.cell_index(site).unwrap();
    let kidal = map.town_cell_index("Kidal").unwrap();
    assert!(map.grid.cells[kidal].gold_sites.is_empty());
    // All of Ansar Dine's bands go to `cell`; returns the group's income from gold.
    let gold_income = |cell: usize| {
        let mut sim = Simulation::new(s.clone(), map.clone(), 0);
        let mut q = sim.world.query::<&mut Band>();
        for mut b in q.iter_mut(&mut sim.world) {
            if b.group == GroupId::new(0) {
                b.cell = CellId::new(cell);
            }
        }
        while !sim.finished() {
            sim.step();
        }
        sim.world.resource::<Ledger>().income[GroupId::new(0)][Source::Gold as usize]
    };
    assert!(
        gold_income(gold_cell) > 0,
        "bands holding Intahaka tax its gold"
    );
    assert_eq!(
        gold_income(kidal),
        0,
        "bands in Kidal, where there is no gold, earn none from gold"
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
    // The effect is a few per cent of fighters after two years, against replicate noise of
    // the same size: ten replicates (three were not enough to see it reliably).
    let (provoke, deter) = (
        total(&set(5.0), 10, "fighters_end"),
        total(&set(-5.0), 10, "fighters_end"),
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
        total(&calm, 3, "fighters_end"),
        total(&angry, 3, "fighters_end"),
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
            // Informers are intelligence too.
            ("model.communities.informer_share", 0.0),
        ],
    );
    let out = common::run(&poor, 0);
    assert!(
        out.events
            .iter()
            .all(|e| !matches!(e.attributed, Attributed::Group(_))),
        "nothing is named without claims, intelligence or informers"
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
    // Collective punishment of communities that raised a militia: off by default, and when on
    // it raises the share towards the cap without passing it.
    assert_eq!(reprisal_share(base, &v), base);
    let punishing = Violence {
        militia_reprisal: 0.5,
        ..v.clone()
    };
    assert!(reprisal_share(base, &punishing) > base);
    assert!((reprisal_share(0.1, &punishing) - 0.55).abs() < 1e-12);
    assert_eq!(reprisal_share(0.8, &punishing), v.max_targeted_share);
}

#[test]
fn groups_punish_the_communities_that_raise_militias() {
    // Same seeds, one year at 0.3°: with `militia_reprisal` on, the groups' attacks in armed
    // communities turn on their civilians, so the groups kill more civilians.
    let off = short(DAYS, RES, &[("model.violence.militia_reprisal", 0.0)]);
    let on = short(DAYS, RES, &[("model.violence.militia_reprisal", 0.8)]);
    let key = "fatalities_civilians_by_groups";
    let (a, b) = (total(&off, 3, key), total(&on, 3, key));
    assert!(
        b > 1.2 * a,
        "civilians killed by groups with reprisals {b}, without {a}"
    );
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
    // The check names the group whose fighters do not balance and both counts.
    assert!(
        e.0.contains("fighters do not balance") && e.0.contains("in its bands"),
        "{e}"
    );
}

#[test]
fn bands_follow_willing_recruits_when_the_pull_is_on() {
    use sahelsim::sim::components::Community;
    // Where the bands of every group stand after half a year, scored by the willing recruits
    // (active supporters among the young men still open to recruitment) in and around their
    // cells; the same seeds with and without the pull.
    let recruits_around_bands = |weight: f64, replicate: u32| {
        let s = short(
            180,
            RES,
            &[
                ("model.bands.support_weight", weight),
                ("model.bands.split_size", 100000.0),
            ],
        );
        let map = common::map(&s);
        let mut sim = Simulation::new(s.clone(), map.clone(), replicate);
        while !sim.finished() {
            sim.step();
        }
        let mut willing = vec![0.0; map.grid.cells.len()];
        let mut q = sim.world.query::<&Community>();
        for c in q.iter(&sim.world) {
            willing[c.cell.index()] = c.support * c.recruitable.max(0.0);
        }
        let mut q = sim.world.query::<&Band>();
        let cells: Vec<usize> = q.iter(&sim.world).map(|b| b.cell.index()).collect();
        let around =
            |i: usize| willing[i] + map.grid.neighbours(i).map(|n| willing[n]).sum::<f64>();
        cells.iter().map(|&i| around(i)).sum::<f64>() / cells.len().max(1) as f64
    };
    let (off, on): (f64, f64) = (0..4)
        .map(|r| {
            (
                recruits_around_bands(0.0, r),
                recruits_around_bands(10.0, r),
            )
        })
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    // Round 42's baseline (sweeps left to national troops): 54,666 against 46,043 on these 4
    // replicates, 1.19 times; round 41's passed 1.2 times on 2 replicates.
    assert!(
        on > 1.1 * off,
        "willing recruits around bands with the pull {on:.1} vs without {off:.1}"
    );
}

#[test]
fn the_state_withdraws_where_it_cannot_protect_its_officials() {
    let set = |withdrawal: f64| {
        short(
            2 * DAYS,
            RES,
            &[("model.control.unprotected_withdrawal", withdrawal)],
        )
    };
    let (stays, withdraws) = (
        total(&set(0.0), 2, "government_presence_end"),
        total(&set(1.0), 2, "government_presence_end"),
    );
    assert!(
        withdraws < 0.9 * stays,
        "government presence with withdrawal where security is thin {withdraws:.3} vs without {stays:.3}"
    );
}

#[test]
fn international_troops_build_the_states_presence_only_as_far_as_they_are_let() {
    // Government presence at the start, by area, resident-weighted: with
    // `security.international_state_building` at 0 the north (where the international
    // garrisons are) starts with far less, and nowhere else changes, bit for bit.
    let presence = |weight: f64| -> Vec<(Option<usize>, f64)> {
        let s = short(
            14,
            RES,
            &[("model.security.international_state_building", weight)],
        );
        let map = common::map(&s);
        let mut sim = Simulation::new(s, map.clone(), 0);
        let mut by_area: std::collections::BTreeMap<Option<usize>, (f64, f64)> = Default::default();
        let mut q = sim.world.query::<&Community>();
        for c in q.iter(&sim.world) {
            let a = by_area
                .entry(map.grid.cells[c.cell.index()].area)
                .or_default();
            a.0 += c.government * c.residents;
            a.1 += c.residents;
        }
        by_area.into_iter().map(|(k, (g, n))| (k, g / n)).collect()
    };
    let (alike, national_only) = (presence(1.0), presence(0.0));
    let s = short(14, RES, &[]);
    let areas = &common::map(&s).data.areas;
    let id = |name: &str| areas.iter().position(|a| a.id == name);
    let (north, central) = (id("north"), id("central"));
    let change = |area| {
        let at = |v: &[(Option<usize>, f64)]| v.iter().find(|x| x.0 == area).unwrap().1;
        at(&national_only) / at(&alike)
    };
    assert!(
        change(north) < 0.6,
        "northern Mali's presence built by national troops only: {:.2} of that built by all",
        change(north)
    );
    // The northern garrisons reach a little into Mopti region.
    assert!(change(central) < 1.0 && change(central) > change(north));
    for ((area, with), (_, without)) in alike.iter().zip(&national_only) {
        if *area != north && *area != central {
            assert_eq!(with.to_bits(), without.to_bits(), "area {area:?}");
        }
    }
}

#[test]
fn officials_leave_where_violence_is_felt() {
    let set = |retreat: f64| {
        short(
            2 * DAYS,
            RES,
            &[
                ("model.control.unprotected_withdrawal", 1.0),
                ("model.control.threat_retreat", retreat),
            ],
        )
    };
    let (stays, retreats) = (
        total(&set(0.0), 2, "government_presence_end"),
        total(&set(20.0), 2, "government_presence_end"),
    );
    assert!(
        retreats < stays,
        "government presence with retreat under threat {retreats:.3} vs without {stays:.3}"
    );
}

#[test]
fn without_the_floor_militias_raid_only_where_violence_is_felt() {
    // With no violence anywhere (bands that never attack, state forces that never patrol,
    // respond or sweep, militias that never engage bands), militias still mobilise at the threat floor
    // and raid with it; without the floor in their raids they raid nowhere, since nothing
    // raises the fear they would answer. (Where violence is, a raid's own fear is felt by the
    // militias around: reprisals spread from it; docs/calibration.md.)
    let set = |raid_floor: f64| {
        short(
            2 * DAYS,
            RES,
            &[
                ("model.militias.raid_floor", raid_floor),
                ("model.bands.attack_rate", 0.0),
                ("model.militias.clash_rate", 0.0),
                ("model.security.patrol_rate", 0.0),
                ("model.security.response_rate", 0.0),
                ("model.security.sweep_rate", 0.0),
            ],
        )
    };
    let key = "events_by_militias";
    let (with_floor, without) = (total(&set(1.0), 2, key), total(&set(0.0), 2, key));
    assert!(with_floor > 0.0, "no militia event with the floor");
    assert_eq!(
        without, 0.0,
        "militia events without the floor and without violence {without} (with it {with_floor})"
    );
    // The groups kill no civilian (their bands still clash with rival bands).
    assert_eq!(total(&set(0.0), 2, "fatalities_civilians_by_groups"), 0.0);
}

#[test]
fn militias_mobilise_in_the_countryside_not_in_the_towns() {
    // Ouagadougou's cell holds most of the Centre region's people, nearly all of them in the
    // city. Self-defence militias are village groups: the city's residents do not join, so the
    // cell's militia stays within its rural farmers' share even at full threat.
    let s = short(DAYS, 0.1, &[]);
    let map = common::map(&s);
    let town = map.town_cell("Ouagadougou").unwrap();
    assert!(town.urban > 0 && town.urban <= town.population, "{town:?}");
    let mut sim = Simulation::new(s.clone(), map.clone(), 0);
    while !sim.finished() {
        sim.step();
    }
    let mp = &s.model.militias;
    let mut q = sim.world.query::<&Community>();
    let mut city = None;
    let mut rural_members = 0.0;
    for c in q.iter(&sim.world) {
        let cell = &map.grid.cells[c.cell.index()];
        if (cell.lat, cell.lon) == (town.lat, town.lon) {
            city = Some(c.clone());
        } else if cell.region == town.region {
            rural_members += c.militia;
        }
    }
    let city = city.expect("Ouagadougou's community");
    assert!(city.rural_share < 0.5, "{}", city.rural_share);
    // The mobilised size at full threat, counting the rural farmers only.
    let ceiling = mp.members_per_1000 / 1000.0
        * city.residents
        * city.rural_share
        * (1.0 - city.pastoralists);
    assert!(
        city.militia <= ceiling + 1e-9,
        "the city's militia {} exceeds its countryside's ceiling {ceiling}",
        city.militia
    );
    assert!(
        rural_members > 0.0,
        "no militia in the Centre region's villages"
    );
}

#[test]
fn state_forces_sweep_the_communities_the_groups_hold() {
    // Same seeds, one year at 0.3°: sweeps add state violence against civilians where the
    // groups hold communities, and a posture without bluntness kills nobody in them.
    let key = "fatalities_civilians_by_state";
    let off = total(
        &short(DAYS, RES, &[("model.security.sweep_rate", 0.0)]),
        3,
        key,
    );
    let on = total(
        &short(
            DAYS,
            RES,
            &[
                ("model.security.sweep_rate", 3.0),
                ("model.security.sweep_sighting_days", 0.0),
            ],
        ),
        3,
        key,
    );
    assert!(
        on > 1.2 * off,
        "civilians killed by the state with sweeps {on}, without {off}"
    );
    let careful = short(
        DAYS,
        RES,
        &[
            ("model.security.sweep_rate", 1.0),
            ("model.security.bluntness", 0.0),
        ],
    );
    assert_eq!(
        total(&careful, 3, key),
        0.0,
        "sweeps without bluntness kill nobody"
    );
}

#[test]
fn international_troops_sweep_only_as_far_as_they_are_let() {
    // Same seeds, one year at 0.3° from January 2017: with `security.international_sweeps` at
    // 0 the international garrisons of northern Mali no longer drive sweeps there, so the state
    // kills far fewer civilians in Tombouctou, Gao and Kidal; national troops still sweep, so
    // the state still kills civilians in Mopti.
    // The state's killings in the three northern regions and in Mopti, each replicate run once.
    let killed = |weight: f64| -> (f64, f64) {
        let s = short(
            DAYS,
            RES,
            &[("model.security.international_sweeps", weight)],
        );
        let by_region = totals(
            &s,
            3,
            &[
                "fatalities_civilians_by_state@Tombouctou",
                "fatalities_civilians_by_state@Gao",
                "fatalities_civilians_by_state@Kidal",
                "fatalities_civilians_by_state@Mopti",
            ],
        );
        (by_region[..3].iter().sum(), by_region[3])
    };
    let ((alike, _), (national_only, mopti)) = (killed(1.0), killed(0.0));
    assert!(alike > 0.0, "no state killings in northern Mali at all");
    assert!(
        national_only < 0.5 * alike,
        "civilians killed by the state in northern Mali with national sweeps only {national_only}, with all troops {alike}"
    );
    assert!(mopti > 0.0, "national troops no longer sweep Mopti");
}

#[test]
fn sweeps_strike_where_the_bands_were_seen() {
    // Same seeds, one year at 0.3° from January 2017, when the groups hold some control over
    // their whole home regions: sweeping every community they hold kills many more civilians
    // than sweeping only those where a band stood in the last month.
    let key = "fatalities_civilians_by_state";
    let killed = |sighting: f64| {
        total(
            &short(
                DAYS,
                RES,
                &[
                    ("model.security.sweep_rate", 3.0),
                    ("model.security.sweep_sighting_days", sighting),
                ],
            ),
            3,
            key,
        )
    };
    let (anywhere, where_seen) = (killed(0.0), killed(30.0));
    assert!(where_seen > 0.0, "no state killings at all");
    assert!(
        where_seen < 0.8 * anywhere,
        "civilians killed by the state sweeping where bands were seen {where_seen}, anywhere held {anywhere}"
    );
}

#[test]
fn militias_raid_less_where_the_herders_have_fled() {
    // Same seeds, one year at 0.3°, the countryside fleeing fast: with `raid_presence` a
    // village its herders have left draws fewer raids, so the militias kill fewer.
    let key = "fatalities_civilians_by_militias";
    let run = |presence: f64| {
        let s = short(
            DAYS,
            RES,
            &[
                ("model.displacement.town_flight", 0.0),
                ("model.displacement.fear_spread", 0.8),
                ("model.displacement.flee_rate", 0.3),
                ("model.militias.raid_presence", presence),
            ],
        );
        total(&s, 3, key)
    };
    let (full, emptied) = (run(0.0), run(2.0));
    assert!(full > 0.0, "no militia killings");
    assert!(
        emptied < 0.9 * full,
        "militia killings weighing the people left {emptied}, not weighing them {full}"
    );
}

#[test]
fn the_displaced_join_the_militias_when_they_may() {
    // Burkina Faso's Nord region held in full fear for a year from 2020, when the Volunteers
    // are raised: its villages empty; with `displaced_join` the displaced still fill the
    // Volunteers' ranks, without it the militia shrinks with the countryside.
    let members = |join: f64| {
        let mut s = (*short(DAYS, 0.3, &[("model.militias.displaced_join", join)])).clone();
        s.period.start = time::macros::date!(2020 - 02 - 01);
        s.period.end = s.period.start + time::Duration::days(DAYS as i64 - 1);
        let s = std::sync::Arc::new(s);
        let map = common::map(&s);
        let nord = |c: &Community| {
            map.grid.cells[c.cell.index()]
                .region
                .is_some_and(|r| map.data.regions[r].name == "Nord")
        };
        let end = run_with_fear(&s, &map, nord);
        let nord_members: f64 = end.iter().filter(|c| nord(c)).map(|c| c.militia).sum();
        let displaced: f64 = end.iter().filter(|c| nord(c)).map(|c| c.displaced).sum();
        assert!(displaced > 0.0, "nobody fled the Nord region");
        nord_members
    };
    let (without, with) = (members(0.0), members(1.0));
    assert!(without > 0.0, "no militia in the Nord region");
    assert!(
        with > 1.2 * without,
        "militia members with the displaced joining {with}, without {without}"
    );
}

/// Runs `days` days of `s`, holding the fear of the communities `afraid` selects at 1 and every
/// other community's at 0 before each day, and returns the communities at the end.
fn run_with_fear(
    s: &std::sync::Arc<sahelsim::scenario::Scenario>,
    map: &std::sync::Arc<sahelsim::geo::SahelMap>,
    afraid: impl Fn(&Community) -> bool,
) -> Vec<Community> {
    let mut sim = Simulation::new(s.clone(), map.clone(), 0);
    while !sim.finished() {
        let mut q = sim.world.query::<&mut Community>();
        for mut c in q.iter_mut(&mut sim.world) {
            c.fear = if afraid(&c) { 1.0 } else { 0.0 };
        }
        sim.step();
    }
    let mut q = sim.world.query::<&Community>();
    q.iter(&sim.world).cloned().collect()
}

#[test]
fn with_town_flight_off_only_the_countryside_flees() {
    // Ouagadougou's cell, held in full fear for four months: with every resident free to flee
    // (the baseline's `town_flight` 1) the city empties below its town population; with
    // `town_flight` 0 the townsfolk stay and only the countryside's people leave.
    let days = 120;
    for (town_flight, city_stays) in [(1.0, false), (0.0, true)] {
        let s = short(
            days,
            0.1,
            &[("model.displacement.town_flight", town_flight)],
        );
        let map = common::map(&s);
        let town = map.town_cell("Ouagadougou").unwrap();
        let at = |c: &Community| {
            let cell = &map.grid.cells[c.cell.index()];
            (cell.lat, cell.lon) == (town.lat, town.lon)
        };
        let end = run_with_fear(&s, &map, at);
        let city = end.iter().find(|c| at(c)).expect("Ouagadougou's community");
        assert!(city.townsfolk > 0.0 && city.displaced > 0.0, "{city:?}");
        assert_eq!(
            city.residents >= city.townsfolk - 1.0,
            city_stays,
            "town_flight {town_flight}: {} residents left, {} townsfolk, {} displaced",
            city.residents,
            city.townsfolk,
            city.displaced
        );
    }
}

#[test]
fn fear_felt_around_an_attack_moves_the_neighbours() {
    // One community near Bamako held in full fear, every other without: its neighbours flee
    // only when fear is felt around (`fear_spread`), and communities far away never do.
    let days = 60;
    for spread in [0.0, 0.8] {
        let s = short(days, 0.3, &[("model.displacement.fear_spread", spread)]);
        let map = common::map(&s);
        let town = map.town_cell("Bamako").unwrap();
        let centre = map.grid.cell_index((town.lat, town.lon)).unwrap();
        let row_col = |cell: usize| (cell / map.grid.width, cell % map.grid.width);
        let (row, col) = row_col(centre);
        let end = run_with_fear(&s, &map, |c| c.cell.index() == centre);
        let ring = |c: &Community| {
            let (r, k) = row_col(c.cell.index());
            c.cell.index() != centre && r.abs_diff(row) <= 1 && k.abs_diff(col) <= 1
        };
        let neighbours: f64 = end.iter().filter(|c| ring(c)).map(|c| c.displaced).sum();
        let far: f64 = end
            .iter()
            .filter(|c| {
                let (r, k) = row_col(c.cell.index());
                r.abs_diff(row) > 2 || k.abs_diff(col) > 2
            })
            .map(|c| c.displaced)
            .sum();
        assert!(
            end.iter().filter(|c| ring(c)).count() > 0,
            "Bamako's cell has populated neighbours"
        );
        assert_eq!(
            neighbours > 0.0,
            spread > 0.0,
            "spread {spread}: {neighbours} fled around"
        );
        assert_eq!(far, 0.0, "spread {spread}: {far} fled far from the fear");
    }
}

/// Replicate `r` of `s` on `map`, run to the end of its period.
fn run_to_end(
    s: &std::sync::Arc<sahelsim::scenario::Scenario>,
    map: &std::sync::Arc<sahelsim::geo::SahelMap>,
    r: u32,
) -> Simulation {
    let mut sim = Simulation::new(s.clone(), map.clone(), r);
    while !sim.finished() {
        sim.step();
    }
    sim
}

#[test]
fn troops_police_the_town_they_are_stationed_in() {
    // At 0.1°, Ouagadougou's two million people fill one cell. Spread by distance alone, its
    // garrison's troops go mostly to the villages around and the capital is policed like a
    // hamlet; spread by the people, they police the city, and no troops are created.
    let at = |follow: f64| {
        let s = short(1, 0.1, &[("model.security.troops_follow_people", follow)]);
        let per_1000 = s.model.communities.policing_per_1000;
        let map = common::map(&s);
        let ouagadougou = map.town_cell_index("Ouagadougou").unwrap();
        let mut sim = Simulation::new(s.clone(), map, 0);
        let mut q = sim.world.query::<&Community>();
        let troops: f64 = q.iter(&sim.world).map(|c| c.troops).sum();
        let city = q
            .iter(&sim.world)
            .find(|c| c.cell.index() == ouagadougou)
            .unwrap();
        (city.security(per_1000), troops)
    };
    let ((by_distance, troops_0), (by_people, troops_1)) = (at(0.0), at(1.0));
    assert!(
        by_distance < 0.2,
        "Ouagadougou's security with troops spread by distance {by_distance}"
    );
    assert!(
        by_people > 0.5,
        "Ouagadougou's security with troops spread by the people {by_people}"
    );
    assert!(
        (troops_0 - troops_1).abs() < 1e-6 * troops_0,
        "troops moved, not created: {troops_0} and {troops_1}"
    );
}

#[test]
fn the_people_each_group_holds_at_the_end_are_counted_from_the_communities() {
    // `people_held_end` (by group, by region and in all) against a count of the same world at
    // its last day: the residents of the communities each group controls above 0.6.
    use sahelsim::sim::components::MILITANT_CONTROL;
    let s = short(300, RES, &[]);
    let out = common::run(&s, 0);
    let map = common::map(&s);
    let mut sim = Simulation::new(s.clone(), map.clone(), 0);
    while !sim.finished() {
        sim.step();
    }
    let mut held = vec![0.0f64; s.groups.len()];
    let mut q = sim.world.query::<&Community>();
    let mut communities: Vec<&Community> = q.iter(&sim.world).collect();
    communities.sort_unstable_by_key(|c| c.id);
    for c in communities {
        if let Some(g) = c.controller
            && c.control > MILITANT_CONTROL
        {
            held[g.index()] += c.residents.max(0.0);
        }
    }
    let outcome = |key: &str| out.summary.outcomes[key];
    let mut by_group = 0.0;
    for (g, group) in s.groups.iter().enumerate() {
        let value = outcome(&format!("people_held_end.{}", group.name));
        assert_eq!(value, held[g].round(), "{}", group.name);
        by_group += value;
    }
    let total = outcome("people_held_end");
    assert!(total > 0.0, "the groups hold ground after 300 days");
    assert!(
        (total - by_group).abs() <= s.groups.len() as f64,
        "{total} vs {by_group}"
    );
    let by_region: f64 = out
        .summary
        .outcomes
        .iter()
        .filter(|(k, _)| k.starts_with("people_held_end@"))
        .map(|(_, v)| v)
        .sum();
    let regions = out
        .summary
        .outcomes
        .keys()
        .filter(|k| k.starts_with("people_held_end@"))
        .count();
    assert!(
        (total - by_region).abs() <= 0.5 * regions as f64,
        "{total} vs {by_region} by region"
    );
}

#[test]
fn a_groups_tempo_follows_the_ground_it_holds() {
    // Same seeds, one year at 0.3°. With `hold_tempo` 0.9, a group that holds no community
    // attacks at a tenth of the rate. With half the effect at one person held, a group's
    // tempo is back to nearly full once it holds any community, so its bands attack more than
    // when no group's hold can count (half the effect at 10⁹ people) and less than with the
    // mechanism off, since the groups start holding none (their home regions' initial
    // control, 0.15, is under the 0.6 above which a community counts as held).
    let attacks = |tempo: f64, half: f64| {
        let s = short(
            DAYS,
            RES,
            &[
                ("model.bands.hold_tempo", tempo),
                ("model.bands.hold_half_people", half),
            ],
        );
        total(&s, 3, "attacks_by_groups")
    };
    let (off, counted, never) = (attacks(0.0, 1.0), attacks(0.9, 1.0), attacks(0.9, 1.0e9));
    assert!(
        off > counted && counted > 2.0 * never,
        "the groups' attacks with the tempo off {off}, following the hold {counted}, \
         and with no hold large enough to count {never}"
    );
}

#[test]
fn towns_stay_the_states_when_it_holds_them() {
    // Same seeds, one year at 0.1° with weak forces: with `town_hold` the groups gain control
    // over the countryside only, so far fewer town dwellers live under their control.
    let under_control = |hold: f64| {
        let s = short(
            DAYS,
            0.1,
            &[
                ("model.control.town_hold", hold),
                ("model.security.troops_per_1000_town", 0.5),
            ],
        );
        let map = common::map(&s);
        let mut sim = run_to_end(&s, &map, 0);
        let mut q = sim.world.query::<&Community>();
        let (towns, countryside) = q.iter(&sim.world).fold((0.0, 0.0), |(t, r), c| {
            (
                t + c.townsfolk * c.control,
                r + c.residents * c.rural_share * c.control,
            )
        });
        (towns, countryside)
    };
    let ((towns_0, countryside_0), (towns_1, countryside_1)) =
        (under_control(0.0), under_control(1.0));
    assert!(towns_0 > 0.0 && countryside_0 > 0.0, "no control anywhere");
    assert!(
        towns_1 < 0.5 * towns_0,
        "town dwellers under the groups' control with the towns held {towns_1}, without {towns_0}"
    );
    assert!(
        countryside_1 > 0.0,
        "no control over the countryside either"
    );
}

#[test]
fn bands_are_drawn_to_the_herds_that_pay_zakat() {
    // Same seeds, one year at 0.3°: with `zakat_pull` the herding communities' zakat draws
    // bands, which stand among more pastoralists and collect more zakat.
    let run = |pull: f64| {
        let s = short(DAYS, RES, &[("model.bands.zakat_pull", pull)]);
        let map = common::map(&s);
        let (mut zakat, mut herders, mut fighters) = (0i64, 0.0, 0.0);
        for r in 0..3 {
            let mut sim = run_to_end(&s, &map, r);
            let ledger = sim.world.resource::<Ledger>();
            zakat += ledger
                .income
                .iter()
                .map(|i| i[Source::Zakat as usize])
                .sum::<i64>();
            let mut q = sim.world.query::<&Community>();
            let share: std::collections::HashMap<usize, f64> = q
                .iter(&sim.world)
                .map(|c| (c.cell.index(), c.pastoralists))
                .collect();
            let mut qb = sim.world.query::<&Band>();
            for b in qb.iter(&sim.world) {
                let f = b.fighters() as f64;
                herders += f * share.get(&b.cell.index()).copied().unwrap_or(0.0);
                fighters += f;
            }
        }
        (zakat, herders / fighters)
    };
    let ((zakat_0, herders_0), (zakat_1, herders_1)) = (run(0.0), run(3.0));
    assert!(
        herders_1 > herders_0,
        "pastoralist share where the fighters stand with the zakat pull {herders_1}, without {herders_0}"
    );
    assert!(
        zakat_1 > zakat_0,
        "zakat collected with the pull {zakat_1}, without {zakat_0}"
    );
}

#[test]
fn bands_keep_to_the_borderlands_when_the_border_is_a_sanctuary() {
    // Same seeds, one year at 0.3°: with `border_weight` bands stand nearer an international
    // border, where the forces pursuing them must stop.
    let mean_border_km = |weight: f64| {
        let s = short(DAYS, RES, &[("model.bands.border_weight", weight)]);
        let map = common::map(&s);
        let (mut km, mut fighters) = (0.0, 0.0);
        for r in 0..3 {
            let mut sim = run_to_end(&s, &map, r);
            let mut q = sim.world.query::<&Band>();
            for b in q.iter(&sim.world) {
                let f = b.fighters() as f64;
                km += f * map.grid.cells[b.cell.index()].border_km;
                fighters += f;
            }
        }
        km / fighters
    };
    let (off, on) = (mean_border_km(0.0), mean_border_km(3.0));
    assert!(
        on < 0.8 * off,
        "fighters' mean distance to a border with the sanctuary {on} km, without {off} km"
    );
}

#[test]
fn the_baseline_groups_never_hold_the_capitals() {
    // The baseline's 2017-2020 at 0.1°, two replicates: the cells of Ouagadougou and Niamey
    // (two million and a million people, each with its garrison) never come under a group's
    // control. Until round 31 the baseline's bands held both by 2020, because the garrisons'
    // troops were spread by distance, not by people, and towns fell like hamlets.
    let mut s = (*short(4 * 365, 0.1, &[])).clone();
    s.period.end = time::macros::date!(2020 - 12 - 31);
    let s = std::sync::Arc::new(s);
    let map = common::map(&s);
    let cells: Vec<usize> = ["Ouagadougou", "Niamey"]
        .iter()
        .map(|t| map.town_cell_index(t).unwrap())
        .collect();
    for r in 0..2 {
        let mut sim = Simulation::new(s.clone(), map.clone(), r);
        let mut most = 0.0f64;
        while !sim.finished() {
            sim.step();
            if sim.day().is_multiple_of(30) {
                let mut q = sim.world.query::<&Community>();
                for c in q.iter(&sim.world) {
                    if cells.contains(&c.cell.index()) {
                        most = most.max(c.control);
                    }
                }
            }
        }
        assert!(
            most < 0.2,
            "replicate {r}: a group held {most} of a capital's cell"
        );
    }
}

#[test]
fn stigmatised_communities_send_volunteers_whom_no_money_buys() {
    // No band can buy a recruit (each costs the most a recruit may cost, and a group recruits
    // for pay only once its income is ten times its fighters' upkeep); every community starts
    // stigmatised or none does, and nothing stigmatises them further.
    let recruits = |volunteers: f64, stigma: f64| -> (u64, u64) {
        let s = short(
            60,
            RES,
            &[
                ("model.bands.recruit_cost_usd", 100000.0),
                ("model.bands.recruit_income_cover", 10.0),
                ("model.bands.stigma_volunteers", volunteers),
                ("model.communities.stigma_per_death", 0.0),
            ],
        );
        let mut sim = Simulation::new(s.clone(), common::map(&s), 0);
        let mut q = sim.world.query::<&mut Community>();
        for mut c in q.iter_mut(&mut sim.world) {
            c.stigma = stigma;
        }
        while !sim.finished() {
            sim.step();
        }
        sim.check_conservation().unwrap();
        let ledger = sim.world.resource::<Ledger>();
        (ledger.flows()[0], ledger.volunteers.iter().sum())
    };
    let (paid, volunteers_off) = recruits(0.0, 1.0);
    let (unstigmatised, volunteers_none) = recruits(2.0, 0.0);
    let (recruited, volunteers) = recruits(2.0, 1.0);
    assert_eq!(volunteers_off + volunteers_none, 0);
    assert!(
        recruited > 10 * (paid + 1) && recruited > 10 * (unstigmatised + 1),
        "recruits: stigmatised with the channel {recruited}, without it {paid}, unstigmatised {unstigmatised}"
    );
    // Nearly all of them came unpaid.
    assert!(
        volunteers as f64 >= 0.9 * recruited as f64,
        "{volunteers} volunteers of {recruited} recruits"
    );
}

#[test]
fn the_time_series_counts_the_volunteers_among_the_recruits() {
    let sum = |rows: &[sahelsim::record::series::SeriesRow], group: &str| -> (u64, u64) {
        rows.iter()
            .filter(|r| r.area == "all" && r.group == group)
            .fold((0, 0), |(v, n), r| {
                (
                    v + r.fighters_volunteered.unwrap(),
                    n + r.fighters_recruited.unwrap(),
                )
            })
    };
    let off = common::run(&short(2 * DAYS, RES, &[]), 0);
    assert_eq!(sum(&off.rows, "all").0, 0);
    let s = short(2 * DAYS, RES, &[("model.bands.stigma_volunteers", 5.0)]);
    let on = common::run(&s, 0);
    let (volunteers, recruited) = sum(&on.rows, "all");
    assert!(
        volunteers > 0 && volunteers < recruited,
        "{volunteers} volunteers of {recruited} recruits"
    );
    let by_group: u64 = s.groups.iter().map(|g| sum(&on.rows, &g.name).0).sum();
    assert_eq!(by_group, volunteers);
}

/// `bands.kept_home`: a band that joins another group keeps seeking the home regions of the
/// group it was raised in. Ansaroul Islam (home: Burkina Faso's Sahel region alone here) loses
/// its leader on 1 May 2017 and its bands go over to FLM (home: Mopti); with the kept home
/// more of their fighters are still on their own ground at the end of 2018 than without it.
#[test]
fn bands_that_join_another_group_keep_to_their_own_ground() {
    use sahelsim::sim::resources::Terrain;
    let on_own_ground = |kept: f64| -> (u32, u32) {
        // 0.15°: on coarser grids few of Ansaroul Islam's bands meet FLM's by the end of 2018
        // and go over (none at 0.3° with round 37's values). Eight replicates, because in some
        // the bands go over late: the first three alone gave no difference on round 43's values
        // (0 of 291 fighters on their own ground either way); all eight give 133 of 2,351
        // without the kept home and 1,032 of 2,404 with it.
        let mut s = (*short(730, 0.15, &[("model.bands.kept_home", kept)])).clone();
        let map = common::map(&s);
        let sahel = map
            .data
            .regions
            .iter()
            .position(|r| r.country == "BFA" && r.name == "Sahel")
            .unwrap();
        let ansaroul = s.group_index("Ansaroul Islam").unwrap();
        s.groups[ansaroul].home_regions = vec![sahel];
        let s = std::sync::Arc::new(s);
        let (mut home, mut all) = (0, 0);
        for r in 0..8 {
            let mut sim = Simulation::new(s.clone(), map.clone(), r);
            while !sim.finished() {
                sim.step();
            }
            let mut q = sim.world.query::<&Band>();
            let gone_over: Vec<Band> = q
                .iter(&sim.world)
                .filter(|b| b.home_group == GroupId::from(ansaroul) && b.group != b.home_group)
                .cloned()
                .collect();
            let terrain = sim.world.resource::<Terrain>();
            for b in &gone_over {
                all += b.fighters();
                if terrain.is_home(b.home_group, b.cell) {
                    home += b.fighters();
                }
            }
        }
        (home, all)
    };
    let (without, with) = (on_own_ground(0.0), on_own_ground(1.0));
    assert!(
        without.1 > 0 && with.1 > 0,
        "bands went over: {without:?} {with:?}"
    );
    let share = |(home, all): (u32, u32)| home as f64 / all as f64;
    assert!(
        share(with) > share(without) + 0.2,
        "former Ansaroul Islam fighters on their own ground: {without:?} without the kept home, {with:?} with it"
    );
}

#[test]
fn politically_minded_groups_attack_the_international_forces_where_they_are() {
    // Same seeds, one year at 0.3°. With `violence.foreign_forces_attack` on, the bands near
    // northern Mali's international garrisons attack more there; without international troops
    // the switch changes nothing at all (their presence is what draws the attacks).
    let north = |set: &[(&str, f64)]| {
        let s = short(DAYS, RES, set);
        let t = totals(
            &s,
            3,
            &[
                "attacks_by_groups@Tombouctou",
                "attacks_by_groups@Gao",
                "attacks_by_groups@Kidal",
                "attacks_by_groups",
            ],
        );
        (t[0] + t[1] + t[2], t[3])
    };
    let (off, _) = north(&[]);
    let (on, _) = north(&[("model.violence.foreign_forces_attack", 3.0)]);
    assert!(
        on > 1.2 * off,
        "attacks in northern Mali with the international forces as a target {on}, without {off}"
    );
    let no_troops = [("model.security.international_troops", 0.0)];
    let with_switch = [
        ("model.security.international_troops", 0.0),
        ("model.violence.foreign_forces_attack", 3.0),
    ];
    assert_eq!(
        north(&no_troops),
        north(&with_switch),
        "without international troops the switch must change nothing"
    );
}

#[test]
fn the_posts_garrison_the_villages_they_stand_in_only_when_given_troops() {
    // With `security.post_troops` at 0 (the default, and the baseline) no post is garrisoned;
    // at 120 every post of the map data holds a national garrison of 120 of its own country's
    // troops, and the troops present in Inatès' community (Tillabéri, far from any garrison
    // town) rise.
    use sahelsim::sim::components::{ForceKind, Garrison, GarrisonSite};
    let start = |set: &[(&str, f64)]| {
        let s = short(7, RES, set);
        let m = common::map(&s);
        Simulation::new(s, m, 0)
    };
    let posts = sahelsim::geo::map_data().posts.len();
    let mut off = start(&[]);
    let mut on = start(&[("model.security.post_troops", 120.0)]);
    let at_posts = |sim: &mut Simulation| -> Vec<Garrison> {
        let mut q = sim.world.query::<&Garrison>();
        q.iter(&sim.world)
            .filter(|g| matches!(g.site, GarrisonSite::Post(_)))
            .cloned()
            .collect()
    };
    assert!(at_posts(&mut off).is_empty());
    let held = at_posts(&mut on);
    assert_eq!(held.len(), posts);
    let map = common::map(&short(7, RES, &[]));
    for g in &held {
        let GarrisonSite::Post(p) = g.site else {
            unreachable!()
        };
        let post = &map.data.posts[p];
        assert_eq!(g.kind, ForceKind::National);
        assert_eq!(g.troops, 120.0, "{}", post.name);
        let country = g.country.map(|k| map.data.countries[k].iso3.as_str());
        assert_eq!(country, Some(post.country.as_str()), "{}", post.name);
    }
    let inates = map
        .data
        .posts
        .iter()
        .position(|p| p.name == "Inatès")
        .unwrap();
    let cell = map.grid.cell_index(map.data.posts[inates].at).unwrap();
    let troops_there = |sim: &mut Simulation| -> f64 {
        sim.step();
        let mut q = sim.world.query::<&Community>();
        q.iter(&sim.world)
            .find(|c| c.cell.index() == cell)
            .map(|c| c.troops)
            .unwrap()
    };
    let (before, after) = (troops_there(&mut off), troops_there(&mut on));
    assert!(
        after > before + 5.0,
        "troops in Inatès' community: {before} without the posts, {after} with them"
    );
}

#[test]
fn the_groups_attack_the_posts_around_them_where_posts_are_garrisoned() {
    // Same seeds, one year at 0.3°. With the posts garrisoned, `violence.post_attack` makes the
    // bands near them attack the security forces more, and more soldiers die; without
    // garrisoned posts the switch changes nothing at all (the posts are what draws the
    // attacks).
    let count = |set: &[(&str, f64)]| {
        let s = short(DAYS, RES, set);
        totals(&s, 3, &["attacks_by_groups", "fatalities_security"])
    };
    let posts = ("model.security.post_troops", 150.0);
    let off = count(&[posts]);
    let on = count(&[posts, ("model.violence.post_attack", 5.0)]);
    assert!(
        on[0] > 1.1 * off[0] && on[1] > off[1],
        "attacks and security forces killed with the posts as targets {on:?}, without {off:?}"
    );
    assert_eq!(
        count(&[]),
        count(&[("model.violence.post_attack", 5.0)]),
        "without garrisoned posts the switch must change nothing"
    );
}

#[test]
fn a_post_with_a_short_reach_holds_its_own_village_only() {
    // `security.post_reach` scales a post's reach: at 1 its troops spread over the communities
    // around it like a town garrison's; near 0 they stay in the community of its own cell.
    use sahelsim::sim::components::{Garrison, GarrisonSite};
    let reaches = |post_reach: f64| -> Vec<(CellId, usize)> {
        let s = short(
            7,
            0.1,
            &[
                ("model.security.post_troops", 120.0),
                ("model.security.post_reach", post_reach),
            ],
        );
        let m = common::map(&s);
        let mut sim = Simulation::new(s, m, 0);
        let mut q = sim.world.query::<&Garrison>();
        q.iter(&sim.world)
            .filter(|g| matches!(g.site, GarrisonSite::Post(_)))
            .map(|g| (g.cell, g.reach.len()))
            .collect()
    };
    let wide = reaches(1.0);
    let narrow = reaches(0.01);
    assert_eq!(wide.len(), narrow.len());
    for ((cell, n_wide), (_, n_narrow)) in wide.iter().zip(&narrow) {
        assert!(
            *n_narrow <= 1,
            "a post at {cell:?} reaches {n_narrow} communities"
        );
        assert!(
            n_wide > n_narrow,
            "a post at {cell:?}: {n_wide} against {n_narrow}"
        );
    }
    assert!(
        narrow.iter().filter(|(_, n)| *n == 1).count() >= narrow.len() / 2,
        "most posts stand in a populated cell: {narrow:?}"
    );
}

#[test]
fn armed_movements_stand_at_their_strength_whatever_the_threat() {
    // With no violence anywhere, a self-defence militia stands at its threat floor, but an
    // armed movement on a standing footing (MSA-GATIA, the map's `standing`) is at its
    // strength × `movement_strength` in the communities it covers from its first week; at 0
    // it is out.
    let quiet = |strength: f64| {
        short(
            2 * 7,
            RES,
            &[
                ("model.militias.movement_strength", strength),
                ("model.bands.attack_rate", 0.0),
                ("model.militias.clash_rate", 0.0),
                ("model.security.patrol_rate", 0.0),
                ("model.security.response_rate", 0.0),
                ("model.security.sweep_rate", 0.0),
            ],
        )
    };
    let members_in = |s: &std::sync::Arc<sahelsim::scenario::Scenario>, region: &str| {
        let map = common::map(s);
        let mut sim = Simulation::new(s.clone(), map.clone(), 0);
        while !sim.finished() {
            sim.step();
        }
        let mut q = sim.world.query::<&Community>();
        q.iter(&sim.world)
            .filter(|c| {
                map.grid.cells[c.cell.index()]
                    .region
                    .is_some_and(|r| map.data.regions[r].name == region)
            })
            .map(|c| c.militia)
            .sum::<f64>()
    };
    let movement = common::map(&quiet(0.0))
        .data
        .militias
        .iter()
        .find(|m| m.regions == ["Gao"])
        .and_then(|m| m.standing)
        .expect("a standing movement in Gao");
    let at = |x: f64| members_in(&quiet(x), "Gao");
    assert_eq!(at(0.0), 0.0, "the movement is under arms at strength 0");
    for x in [0.5, 1.0] {
        let members = at(x);
        assert!(
            (members - x * movement).abs() < 1e-6 * movement,
            "Gao's members {members} at movement_strength {x}, for {} standing",
            x * movement
        );
    }
    // Beside it, Mopti's self-defence militia is still mobilising towards its threat floor's
    // size: a few members in a fortnight, well under the movement's strength.
    let mopti = members_in(&quiet(1.0), "Mopti");
    assert!(
        mopti > 0.0 && mopti < 0.1 * movement,
        "Mopti's militia {mopti} after a quiet fortnight"
    );
}

#[test]
fn armed_movements_fight_the_bands_and_raid_the_herders_of_their_regions() {
    // A year at 0.3° with the movement under arms: events by MSA-GATIA appear in Mali (Gao and
    // the cells around it), battles with the groups' bands among them, and raids on civilians;
    // with it out, none.
    let s = |strength: f64| short(DAYS, RES, &[("model.militias.movement_strength", strength)]);
    let by_movement = |strength: f64| {
        let s = s(strength);
        let map = common::map(&s);
        let m = map
            .data
            .militias
            .iter()
            .position(|m| m.standing.is_some())
            .expect("a standing movement") as u32;
        let (mut battles, mut raids) = (0, 0);
        for r in 0..2 {
            for e in common::run(&s, r).events {
                if e.perpetrator == Perpetrator::Militia(m) {
                    // In Gao's cells or the cells around them, in Mali.
                    let region = map.grid.cells[e.cell.index()].region.unwrap();
                    assert_eq!(map.data.regions[region].country, "MLI", "{e:?}");
                    if e.band.is_some() {
                        battles += 1;
                    } else {
                        raids += 1;
                    }
                }
            }
        }
        (battles, raids)
    };
    assert_eq!(by_movement(0.0), (0, 0));
    let (battles, raids) = by_movement(2.0);
    assert!(battles > 0 && raids > 0, "battles {battles}, raids {raids}");
}
