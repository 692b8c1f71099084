//! The calibration targets C1–C11 of the model brief, the plausibility checks P1–P3 beyond
//! 2020, the strength and money targets S1–S5, the targets by place (G), perpetrator (H),
//! displacement (D) and schools (E), and how each is counted from a replicate's events, time
//! series and year-end cell states. Every target is marked fit (scored by calibration) or test
//! (kept out of it). Every value is counted from simulated events; nothing is assigned. The C targets concern 2017–2020; a
//! scenario must cover those years. The P checks concern 2021–2024 and count only where the
//! scenario runs to the end of 2024.
//!
//! Definitions: an event is *linked to militant Islamist groups* if its true perpetrator is
//! such a group or state forces engaged one, or if an observer attributes it to such a group
//! or to JNIM or the Islamic State (event data such as ACLED count by attribution). It is *attributed to JNIM* if the observer
//! named JNIM or one of its component groups (for state operations: the group the forces
//! believed they engaged). Attacks on civilians include attacks on traditional leaders and
//! abductions.

use serde::Serialize;

use crate::geo::SahelMap;
use crate::record::SeriesRow;
use crate::record::outcome::EventFilter;
use crate::record::series::CellYear;
use crate::scenario::{Coalition, Scenario};
use crate::sim::events::{Attributed, Event, Perpetrator, Target as EventTarget};

/// One calibration target.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Target {
    /// Identifier, e.g. "C1".
    pub id: &'static str,
    /// The fact, as the brief states it.
    pub fact: &'static str,
    /// What is counted in the model.
    pub measure: &'static str,
    /// The brief's figure.
    pub target: &'static str,
    /// Lower edge of the band.
    pub lo: f64,
    /// Upper edge of the band.
    pub hi: f64,
    /// The last year the target looks at (2020 for the brief's targets, 2024 for the checks
    /// beyond 2020).
    pub last_year: i32,
    /// Whether calibration scores the target ([`Role::Fit`]) or it is kept out of the fit as
    /// an out-of-sample check ([`Role::Test`]).
    pub role: Role,
}

/// What a target is for: fitted by calibration, or kept apart to test the fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Role {
    /// Scored by `calibrate`; `validate` fails when one is missed.
    Fit,
    /// Never scored by `calibrate`; `validate` reports it, met or not, as evidence of validity.
    Test,
}

impl Role {
    /// The word used in tables and reports.
    pub fn label(self) -> &'static str {
        match self {
            Role::Fit => "fit",
            Role::Test => "test",
        }
    }
}

impl Target {
    /// How far `v` lies outside the band, in band widths (0 inside).
    pub fn distance(&self, v: f64) -> f64 {
        if v.is_nan() {
            return 10.0;
        }
        ((self.lo - v).max(v - self.hi)).max(0.0) / (self.hi - self.lo)
    }
}

/// Source of every target: the seed policy brief (Africa Center for Strategic Studies, 2020),
/// via the model brief's table.
pub const SOURCE: &str =
    "Africa Center for Strategic Studies (2020), JNIM policy brief; model brief calibration table";

/// Source of the plausibility checks beyond 2020 (P1–P3), which the seed brief (2020) cannot
/// give. The figures are rounded from the Africa Center for Strategic Studies' yearly reviews of
/// militant Islamist violence in Africa, which count ACLED events in the Sahel (Burkina Faso,
/// Mali, Niger): events ≈ 1,200 (2020), 2,000 (2021), 2,700 (2022), 3,000–3,600 (2023) and
/// 3,800 (2024); fatalities ≈ 4,300 (2020), 7,900 (2022), 11,600 (2023) and 10,400 (2024). The
/// bands are wide on purpose: the figures are secondary summaries, include parts of Niger the
/// map does not model, and should be checked against ACLED itself before they are relied on.
pub const BEYOND_2020_SOURCE: &str = "Africa Center for Strategic Studies, yearly reviews of militant Islamist violence (ACLED data), 2021–2025; rounded";

/// Source of the strength and money targets (S1–S5). Strength: open estimates as the UN
/// Security Council's Monitoring Team on ISIL and al-Qaida and the press report them (JNIM one
/// to two thousand fighters in 2017–2018 and about 6,000 by 2024–2025; the Islamic State's
/// Sahel branch a few hundred in 2018 and 2,000–3,000 by 2024). Money: the model brief's order
/// of the sources ("mostly through extortion of the transit routes, communities engaged in
/// artisanal mining, and to a lesser extent kidnapping") and analysts' estimates of tens of
/// millions of US$ a year (about US$ 100 M for JNIM in 2025). docs/calibration.md gives each
/// figure's source and how sure it is.
pub const STRENGTH_SOURCE: &str = "UN Security Council Monitoring Team reports on ISIL and al-Qaida and press estimates of fighter numbers; the seed brief's order of revenue sources; analysts' revenue estimates (docs/calibration.md)";

/// Source of the targets by place, perpetrator, displacement and schools (G, H, D, E):
/// docs/calibration.md gives each figure's publisher, date and quote.
pub const PLACE_SOURCE: &str = "ACLED and the Africa Center for Strategic Studies (regional, country and group shares), FIDH and VOA readings of ACLED (civilians killed by perpetrator, 2020), ACLED's fact sheet of 21 September 2023 (attacks on civilians in Mali by perpetrator), ACAPS' briefing of 18 September 2024 from ACLED (civilians killed in Burkina Faso by perpetrator), CONASUR and IOM DTM (displaced), Burkina Faso's education ministry and Mali's education cluster (schools closed); docs/calibration.md";

/// The targets, in order: the brief's (C, 2017–2020), the checks beyond 2020 (P), then
/// strength and money (S).
pub const TARGETS: [Target; 45] = [
    Target {
        id: "C1",
        fact: "violent events linked to militant Islamist groups, 2020 vs 2017",
        measure: "Islamist-linked events 2020 / 2017",
        target: "nearly 7×",
        lo: 5.0,
        hi: 9.0,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "C2",
        fact: "such events in 2020",
        measure: "Islamist-linked events in 2020",
        target: "more than 1,000",
        lo: 1000.0,
        hi: 1400.0,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "C3",
        fact: "fatalities linked to those events, 2017–2020",
        measure: "fatalities in Islamist-linked events 2017–2020",
        target: "nearly 8,000",
        lo: 6500.0,
        hi: 9500.0,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "C4",
        fact: "JNIM's share of militant Islamist events since 2017",
        measure: "share of Islamist-linked events 2017–2020 attributed to JNIM or a component",
        target: "more than 64 %",
        lo: 0.62,
        hi: 0.72,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "C5",
        fact: "FLM's share of events attributed to JNIM",
        measure: "share of events attributed to JNIM whose JNIM side is truly FLM (FLM's own events, and the battles state forces or militias fought with FLM's bands), 2017–2020",
        target: "about 75 %",
        lo: 0.70,
        hi: 0.80,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "C6",
        fact: "share of JNIM events targeting civilians in central Mali / northern Burkina Faso",
        measure: "share of attacks on civilians attributed to JNIM that happen in the `central` area, 2017–2020",
        target: "7 of 8",
        lo: 0.80,
        hi: 0.95,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "C7",
        fact: "FLM attacks that target civilians, 2018–2020",
        measure: "share of FLM's own attacks, 2018–2020, on civilians",
        target: "about 1 in 3",
        lo: 0.27,
        hi: 0.40,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "C8",
        fact: "JNIM events in northern Mali that target civilians",
        measure: "share of JNIM-attributed events in the `north` area that are attacks on civilians, 2017–2020",
        target: "under 2 %",
        lo: 0.0,
        hi: 0.03,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "C9",
        fact: "FLM's share of JNIM attacks against civilians, Oct 2018–Dec 2020",
        measure: "share of JNIM-attributed attacks on civilians, 2018-10-01 to 2020-12-31, truly by FLM",
        target: "78 %",
        lo: 0.70,
        hi: 0.86,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "C10",
        fact: "JNIM-affiliated groups' joint revenue per year",
        measure: "mean yearly income of JNIM groups 2017–2020, million US$",
        target: "$18–35 M",
        lo: 18.0,
        hi: 35.0,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "C11a",
        fact: "violent events near-doubling each year: 2018 vs 2017",
        measure: "Islamist-linked events 2018 / 2017",
        target: "≈ 2×",
        lo: 1.4,
        hi: 2.6,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "C11b",
        fact: "violent events near-doubling each year: 2019 vs 2018",
        measure: "Islamist-linked events 2019 / 2018",
        target: "≈ 2×",
        lo: 1.4,
        hi: 2.6,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "C11c",
        fact: "violent events near-doubling each year: 2020 vs 2019",
        measure: "Islamist-linked events 2020 / 2019",
        target: "≈ 2×",
        lo: 1.4,
        hi: 2.6,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "P1",
        fact: "events linked to militant Islamist groups, 2024 vs 2020",
        measure: "Islamist-linked events 2024 / 2020",
        target: "≈ 3×",
        lo: 2.0,
        hi: 4.5,
        role: Role::Test,
        last_year: 2024,
    },
    Target {
        id: "P2a",
        fact: "growth slows, 2022 vs 2021",
        measure: "Islamist-linked events 2022 / 2021",
        target: "≈ 1.35×",
        lo: 0.9,
        hi: 1.7,
        role: Role::Test,
        last_year: 2024,
    },
    Target {
        id: "P2b",
        fact: "growth slows, 2023 vs 2022",
        measure: "Islamist-linked events 2023 / 2022",
        target: "≈ 1.2×",
        lo: 0.9,
        hi: 1.7,
        role: Role::Test,
        last_year: 2024,
    },
    Target {
        id: "P2c",
        fact: "growth slows, 2024 vs 2023",
        measure: "Islamist-linked events 2024 / 2023",
        target: "≈ 1.15×",
        lo: 0.9,
        hi: 1.7,
        role: Role::Test,
        last_year: 2024,
    },
    Target {
        id: "P3",
        fact: "fatalities linked to those events in 2024",
        measure: "fatalities in Islamist-linked events in 2024",
        target: "≈ 10,400",
        lo: 7000.0,
        hi: 14000.0,
        role: Role::Test,
        last_year: 2024,
    },
    Target {
        id: "S1",
        fact: "JNIM's strength, all component groups, end of 2018",
        measure: "fighters of the JNIM component groups, end of 2018",
        target: "1,000–3,000",
        lo: 1000.0,
        hi: 3000.0,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "S2",
        fact: "JNIM's strength, all component groups, end of 2024",
        measure: "fighters of the JNIM component groups, end of 2024",
        target: "≈ 6,000",
        lo: 4000.0,
        hi: 9000.0,
        role: Role::Fit,
        last_year: 2024,
    },
    Target {
        id: "S3a",
        fact: "the Islamic State's Sahel branch, end of 2018",
        measure: "ISGS fighters, end of 2018",
        target: "a few hundred",
        lo: 200.0,
        hi: 700.0,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "S3b",
        fact: "the Islamic State's Sahel branch, end of 2024",
        measure: "ISGS fighters, end of 2024",
        target: "2,000–3,000",
        lo: 1500.0,
        hi: 4000.0,
        role: Role::Fit,
        last_year: 2024,
    },
    Target {
        id: "S4",
        fact: "all armed groups' revenue in 2024",
        measure: "income of all groups in 2024, million US$",
        target: "tens of millions of US$",
        lo: 30.0,
        hi: 150.0,
        role: Role::Fit,
        last_year: 2024,
    },
    Target {
        id: "S5a",
        fact: "JNIM earns mostly through extortion of the transit routes",
        measure: "route tolls' share of JNIM income in 2020",
        target: "most",
        lo: 0.35,
        hi: 0.70,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "S5b",
        fact: "… communities engaged in artisanal mining",
        measure: "gold's share of JNIM income in 2020",
        target: "a large part",
        lo: 0.20,
        hi: 0.50,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "S5c",
        fact: "… and to a lesser extent kidnapping",
        measure: "ransoms' share of JNIM income in 2020",
        target: "minor",
        lo: 0.0,
        hi: 0.15,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "G1",
        fact: "Burkina Faso becomes the centre of the crisis from 2019",
        measure: "Burkina Faso's share of Islamist-linked events in the study area, 2019–2020",
        target: "about half, and above Mali's",
        lo: 0.40,
        hi: 0.60,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "G2",
        fact: "Burkina Faso holds most of the violence, 2023–2024",
        measure: "Burkina Faso's share of fatalities in Islamist-linked events, 2023–2024",
        target: "≈ 2/3 (2023), 61 % (2024)",
        lo: 0.55,
        hi: 0.75,
        role: Role::Test,
        last_year: 2024,
    },
    Target {
        id: "G3",
        fact: "Burkina Faso's Sahel region dominates its violence in 2020",
        measure: "the Sahel region's share of Burkina Faso's fatalities in Islamist-linked events, 2020",
        target: "more than 61 %",
        lo: 0.50,
        hi: 0.75,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "G4",
        fact: "Mopti dominates Mali's violence in 2020",
        measure: "Mopti's share of Mali's fatalities in Islamist-linked events, 2020",
        target: "more than 60 %",
        lo: 0.50,
        hi: 0.75,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "G5",
        fact: "Ségou far behind Mopti in Mali's violence in 2020",
        measure: "Ségou's share of Mali's fatalities in Islamist-linked events, 2020",
        target: "under 20 % (Mopti more than 60 %, then Gao, then Ségou: what is left after Mopti, split with Gao ahead)",
        lo: 0.0,
        hi: 0.20,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "H0",
        fact: "all political violence in Mali killed 949 people in 2017",
        measure: "fatalities in Mali's events of 2017, every perpetrator (groups, state forces, militias)",
        target: "949 (ACLED via ACCORD, Mali, year 2017, 18 June 2018: 474 incidents, 949 fatalities)",
        lo: 650.0,
        hi: 1300.0,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "H1",
        fact: "state forces and militias kill about as many civilians as militants, 2020",
        measure: "share of civilians killed in 2020 whose killers were state forces or militias",
        target: "about half",
        lo: 0.40,
        hi: 0.60,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "H5",
        fact: "violence against civilians in Mali killed 238 people in 2017",
        measure: "civilians killed in Mali in 2017 in attacks on civilians and leaders (any perpetrator) and in state operations that killed civilians",
        target: "238 (ACLED via ACCORD, Mali, year 2017, 18 June 2018: violence against civilians, 132 incidents, 238 fatalities)",
        lo: 160.0,
        hi: 340.0,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "H2",
        fact: "state forces commit 29 % of the violence against civilians in Mali, Jan–Aug 2023",
        measure: "state forces' share of violence against civilians in Mali (attacks on civilians and leaders, and state operations that killed civilians), 1 January – 31 August 2023",
        target: "29 % (ACLED, 21 September 2023: nearly 160 events; JNIM 33 %, IS Sahel 15 %)",
        lo: 0.20,
        hi: 0.40,
        role: Role::Test,
        last_year: 2024,
    },
    Target {
        id: "H3",
        fact: "militias commit under a quarter of it, Jan–Aug 2023",
        measure: "militias' share of the same events, 1 January – 31 August 2023",
        target: "at most 23 % (ACLED, 21 September 2023: what JNIM, state forces with Wagner and IS Sahel leave, unidentified groups included)",
        lo: 0.0,
        hi: 0.23,
        role: Role::Test,
        last_year: 2024,
    },
    Target {
        id: "H4",
        fact: "armed groups kill most of Burkina Faso's civilian victims, Jan–Sep 2024",
        measure: "share of civilians killed in Burkina Faso, 1 January – 9 September 2024, whose killers were armed groups",
        target: "JNIM roughly 80 % of nearly 2,000 civilians killed (ACAPS, 18 September 2024, from ACLED)",
        lo: 0.75,
        hi: 0.95,
        role: Role::Test,
        last_year: 2024,
    },
    Target {
        id: "H6",
        fact: "the Islamic State's Sahel branch commits about 15 % of the violence, 2024",
        measure: "share of Islamist-linked events of 2024 attributed to the Islamic State or its Sahel branch (state operations and militia raids by the group they engaged)",
        target: "around 15 % of the Sahel's militant Islamist events and fatalities; JNIM 75 % (Africa Center for Strategic Studies, review of 2024)",
        lo: 0.10,
        hi: 0.20,
        role: Role::Test,
        last_year: 2024,
    },
    Target {
        id: "D1",
        fact: "Burkina Faso's internally displaced, December 2019",
        measure: "people displaced from Burkina Faso's communities, end of 2019",
        target: "≈ 560,000",
        lo: 400_000.0,
        hi: 750_000.0,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "D2",
        fact: "Burkina Faso's internally displaced, December 2022",
        measure: "people displaced from Burkina Faso's communities, end of 2022",
        target: "1,882,391",
        lo: 1_400_000.0,
        hi: 2_400_000.0,
        role: Role::Test,
        last_year: 2024,
    },
    Target {
        id: "D3",
        fact: "Mali's internally displaced, December 2019",
        measure: "people displaced from Mali's communities, end of 2019",
        target: "207,751",
        lo: 140_000.0,
        hi: 300_000.0,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "D4",
        fact: "Mali's internally displaced, December 2022",
        measure: "people displaced from Mali's communities, end of 2022",
        target: "412,287",
        lo: 280_000.0,
        hi: 600_000.0,
        role: Role::Test,
        last_year: 2024,
    },
    Target {
        id: "D5",
        fact: "Burkina Faso's displaced come from its north: Centre-Nord, Sahel and Nord, November 2020",
        measure: "share of Burkina Faso's displaced from communities of Centre-Nord, Sahel and Nord, end of 2020",
        target: "81 % (CONASUR, 10 November 2020: 430,191 + 344,569 + 76,218 of 1,049,767)",
        lo: 0.65,
        hi: 0.95,
        role: Role::Test,
        last_year: 2020,
    },
    Target {
        id: "E1",
        fact: "schools closed in Burkina Faso, early 2020",
        measure: "schools closed in Burkina Faso's communities, end of 2019",
        target: "2,369 (February 2020)",
        lo: 1_600.0,
        hi: 3_200.0,
        role: Role::Fit,
        last_year: 2020,
    },
    Target {
        id: "E2",
        fact: "schools closed in Burkina Faso, 2022–2023",
        measure: "schools closed in Burkina Faso's communities, end of 2022",
        target: "6,149 (31 May 2023)",
        lo: 4_000.0,
        hi: 7_500.0,
        role: Role::Test,
        last_year: 2024,
    },
];

/// The last day the targets look at for `scenario`: the end of 2024 where it runs that far
/// (the checks beyond 2020 then count), else the end of 2020.
pub fn last_counted_day(scenario: &Scenario) -> time::Date {
    let end_2024 = time::macros::date!(2024 - 12 - 31);
    if scenario.period.end >= end_2024 {
        end_2024
    } else {
        time::macros::date!(2020 - 12 - 31)
    }
}

/// Whether `scenario` covers the calibration years 2017–2020.
pub fn covers_calibration_period(scenario: &Scenario) -> bool {
    scenario.period.start <= time::macros::date!(2017 - 01 - 01)
        && scenario.period.end >= time::macros::date!(2020 - 12 - 31)
}

/// The value of every target (in [`TARGETS`] order) for one replicate on `map`.
pub fn measure(
    scenario: &Scenario,
    map: &SahelMap,
    events: &[Event],
    rows: &[SeriesRow],
    cell_years: &[CellYear],
) -> Vec<f64> {
    let groups = &scenario.groups;
    let flm = scenario.group_index("FLM");
    let year = |e: &Event| scenario.period.date(e.day).year();
    let islamist_actor = |a: Attributed| match a {
        Attributed::Jnim | Attributed::IslamicState => true,
        Attributed::Group(g) => groups[g.index()].militant_islamist,
        _ => false,
    };
    let islamist = |e: &Event| {
        e.linked_group()
            .is_some_and(|g| groups[g.index()].militant_islamist)
            || match e.perpetrator {
                Perpetrator::Group(_) => islamist_actor(e.attributed),
                Perpetrator::State | Perpetrator::Militia(_) => islamist_actor(e.target_attributed),
            }
    };
    let is_jnim = |a: Attributed| match a {
        Attributed::Jnim => true,
        Attributed::Group(g) => groups[g.index()].coalition == Coalition::Jnim,
        _ => false,
    };
    let is_islamic_state = |a: Attributed| match a {
        Attributed::IslamicState => true,
        Attributed::Group(g) => groups[g.index()].coalition == Coalition::IslamicState,
        _ => false,
    };
    // Whether observers gave an event to the side `to` names: a group's own event by its
    // attribution, a state operation or militia raid by the group the forces or militia believed
    // they engaged.
    let attributed_to = |e: &Event, to: &dyn Fn(Attributed) -> bool| match e.perpetrator {
        Perpetrator::Group(_) => to(e.attributed),
        Perpetrator::State | Perpetrator::Militia(_) => {
            matches!(e.target, EventTarget::Group(_)) && to(e.target_attributed)
        }
    };
    let attributed_jnim = |e: &Event| attributed_to(e, &is_jnim);
    let attributed_islamic_state = |e: &Event| attributed_to(e, &is_islamic_state);
    let vs_civilians = |e: &Event| EventFilter::AttacksOnCivilians.matches(e);
    let by_flm = |e: &Event| flm.is_some_and(|g| e.perpetrator == Perpetrator::Group(g.into()));
    // The group on the armed-group side of an event: its perpetrator, or the band that state
    // forces or a militia engaged. Events attributed to JNIM include both kinds, so FLM's share
    // of them counts both.
    let flm_side = |e: &Event| flm.is_some_and(|g| e.linked_group() == Some(g.into()));
    let in_years = |e: &Event, a: i32, b: i32| (a..=b).contains(&year(e));

    let linked_per_year: Vec<f64> = (2017..=2024)
        .map(|y| {
            events
                .iter()
                .filter(|e| islamist(e) && year(e) == y)
                .count() as f64
        })
        .collect();
    let linked: Vec<&Event> = events
        .iter()
        .filter(|e| islamist(e) && in_years(e, 2017, 2020))
        .collect();
    let jnim_attr: Vec<&Event> = events
        .iter()
        .filter(|e| attributed_jnim(e) && in_years(e, 2017, 2020))
        .collect();
    let jnim_vs_civ: Vec<&Event> = jnim_attr
        .iter()
        .copied()
        .filter(|e| vs_civilians(e))
        .collect();
    let ratio = |a: usize, b: usize| {
        if b == 0 {
            f64::NAN
        } else {
            a as f64 / b as f64
        }
    };
    let div = |a: f64, b: f64| if b == 0.0 { f64::NAN } else { a / b };
    let area_of = |e: &Event| {
        map.grid.cells[e.cell.index()]
            .area
            .map(|a| map.data.areas[a].id.as_str())
    };
    let country_of = |cell: usize| {
        map.grid.cells[cell]
            .country
            .map(|k| map.data.countries[k].iso3.as_str())
    };
    let region_of = |cell: usize| {
        map.grid.cells[cell]
            .region
            .map(|r| map.data.regions[r].name.as_str())
    };
    // A region's share of its country's fatalities in Islamist-linked events of 2020 (G3-G5).
    let region_share_2020 = |country: &str, region: &str| {
        share_where(
            events.iter().filter(|e| {
                islamist(e) && year(e) == 2020 && country_of(e.cell.index()) == Some(country)
            }),
            |e| e.fatalities() as f64,
            |e| region_of(e.cell.index()) == Some(region),
        )
    };
    // A per-cell quantity summed over a country's cells at the end of `y` (NaN if not recorded).
    let at_year_end = |y: i32, iso3: &str, pick: fn(&CellYear) -> &Vec<f32>| {
        cell_years
            .iter()
            .find(|c| c.year == y)
            .map_or(f64::NAN, |c| {
                pick(c)
                    .iter()
                    .enumerate()
                    .filter(|&(cell, _)| country_of(cell) == Some(iso3))
                    .map(|(_, &v)| f64::from(v))
                    .sum()
            })
    };
    // The share of that quantity in a country at the end of `y` that is in `regions`.
    let in_regions_at_year_end =
        |y: i32, iso3: &str, regions: &[&str], pick: fn(&CellYear) -> &Vec<f32>| {
            cell_years
                .iter()
                .find(|c| c.year == y)
                .map_or(f64::NAN, |c| {
                    let (mut part, mut total) = (0.0, 0.0);
                    for (cell, &v) in pick(c).iter().enumerate() {
                        if country_of(cell) == Some(iso3) {
                            total += f64::from(v);
                            if region_of(cell).is_some_and(|r| regions.contains(&r)) {
                                part += f64::from(v);
                            }
                        }
                    }
                    div(part, total)
                })
        };

    let c1 = div(linked_per_year[3], linked_per_year[0]);
    let c2 = linked_per_year[3];
    let c3: f64 = linked.iter().map(|e| e.fatalities() as f64).sum();
    let c4 = ratio(
        linked.iter().filter(|e| attributed_jnim(e)).count(),
        linked.len(),
    );
    let c5 = ratio(
        jnim_attr.iter().filter(|e| flm_side(e)).count(),
        jnim_attr.len(),
    );
    let c6 = ratio(
        jnim_vs_civ
            .iter()
            .filter(|e| area_of(e) == Some("central"))
            .count(),
        jnim_vs_civ.len(),
    );
    let flm_attacks: Vec<&Event> = events
        .iter()
        .filter(|e| by_flm(e) && in_years(e, 2018, 2020))
        .collect();
    let c7 = ratio(
        flm_attacks.iter().filter(|e| vs_civilians(e)).count(),
        flm_attacks.len(),
    );
    let north: Vec<&Event> = jnim_attr
        .iter()
        .copied()
        .filter(|e| area_of(e) == Some("north"))
        .collect();
    let c8 = ratio(
        north.iter().filter(|e| vs_civilians(e)).count(),
        north.len(),
    );
    let oct_2018 = (time::macros::date!(2018 - 10 - 01) - scenario.period.start).whole_days();
    let late: Vec<&Event> = jnim_vs_civ
        .iter()
        .copied()
        .filter(|e| e.day as i64 >= oct_2018 && year(e) <= 2020)
        .collect();
    let c9 = ratio(late.iter().filter(|e| by_flm(e)).count(), late.len());
    let jnim_groups: Vec<&str> = groups
        .iter()
        .filter(|g| g.coalition == Coalition::Jnim)
        .map(|g| g.name.as_str())
        .collect();
    let income: i64 = rows
        .iter()
        .filter(|r| {
            r.area == "all"
                && jnim_groups.contains(&r.group.as_str())
                && (2017..=2020).contains(&r.start_date[..4].parse::<i32>().unwrap_or(0))
        })
        .map(SeriesRow::revenue_total)
        .sum();
    let c10 = income as f64 / 1e6 / 4.0;
    // Beyond 2020: counted only where the scenario runs to the end of 2024.
    let beyond = scenario.period.end >= time::macros::date!(2024 - 12 - 31);
    let later = |v: f64| if beyond { v } else { f64::NAN };
    let fatalities_2024: f64 = events
        .iter()
        .filter(|e| islamist(e) && year(e) == 2024)
        .map(|e| e.fatalities() as f64)
        .sum();
    // Strength and money (S): from the time series' rows for the whole map.
    let row_year = |r: &SeriesRow| r.start_date[..4].parse::<i32>().unwrap_or(0);
    let is_jnim_group = |name: &str| jnim_groups.contains(&name);
    // Fighters at the end of `y` (the last period that starts in `y`) of the groups `pick`.
    let fighters_at_end = |y: i32, pick: &dyn Fn(&str) -> bool| {
        let last = rows
            .iter()
            .filter(|r| r.area == "all" && r.group != "all" && row_year(r) == y)
            .map(|r| r.period)
            .max();
        match last {
            None => f64::NAN,
            Some(period) => rows
                .iter()
                .filter(|r| r.area == "all" && r.period == period && pick(&r.group))
                .filter_map(|r| r.fighters)
                .map(f64::from)
                .sum(),
        }
    };
    let isgs = |name: &str| {
        groups
            .iter()
            .any(|g| g.name == name && g.coalition == Coalition::IslamicState)
    };
    let revenue_2024: i64 = rows
        .iter()
        .filter(|r| r.area == "all" && r.group != "all" && row_year(r) == 2024)
        .map(SeriesRow::revenue_total)
        .sum();
    let jnim_2020: Vec<&SeriesRow> = rows
        .iter()
        .filter(|r| r.area == "all" && is_jnim_group(&r.group) && row_year(r) == 2020)
        .collect();
    let jnim_income_2020: i64 = jnim_2020.iter().map(|r| r.revenue_total()).sum();
    let share_2020 = |f: fn(&SeriesRow) -> Option<i64>| {
        div(
            jnim_2020.iter().filter_map(|r| f(r)).sum::<i64>() as f64,
            jnim_income_2020 as f64,
        )
    };
    // Violence against civilians as ACLED codes it (H2, H3, H5): attacks on civilians and
    // leaders by any perpetrator, and state operations that killed civilians (the model's
    // security forces kill civilians in operations against suspect bands; ACLED codes such
    // killings, e.g. Moura, as violence against civilians).
    let violence_against_civilians = |e: &Event| {
        matches!(e.target, EventTarget::Civilians | EventTarget::Leaders)
            || (e.perpetrator == Perpetrator::State && e.civilians_killed > 0)
    };
    // Mali, January–August 2023: the period of ACLED's fact sheet.
    let (jan_2023, sep_2023) = (
        (time::macros::date!(2023 - 01 - 01) - scenario.period.start).whole_days(),
        (time::macros::date!(2023 - 09 - 01) - scenario.period.start).whole_days(),
    );
    // Burkina Faso, 1 January – 9 September 2024 (the period of ACAPS' count from ACLED).
    let (jan_2024, sep_10_2024) = (
        (time::macros::date!(2024 - 01 - 01) - scenario.period.start).whole_days(),
        (time::macros::date!(2024 - 09 - 10) - scenario.period.start).whole_days(),
    );
    let mali_2023_vs_civilians: Vec<&Event> = events
        .iter()
        .filter(|e| {
            (jan_2023..sep_2023).contains(&(e.day as i64))
                && violence_against_civilians(e)
                && country_of(e.cell.index()) == Some("MLI")
        })
        .collect();
    vec![
        c1,
        c2,
        c3,
        c4,
        c5,
        c6,
        c7,
        c8,
        c9,
        c10,
        div(linked_per_year[1], linked_per_year[0]),
        div(linked_per_year[2], linked_per_year[1]),
        div(linked_per_year[3], linked_per_year[2]),
        later(div(linked_per_year[7], linked_per_year[3])),
        later(div(linked_per_year[5], linked_per_year[4])),
        later(div(linked_per_year[6], linked_per_year[5])),
        later(div(linked_per_year[7], linked_per_year[6])),
        later(fatalities_2024),
        fighters_at_end(2018, &is_jnim_group),
        later(fighters_at_end(2024, &is_jnim_group)),
        fighters_at_end(2018, &isgs),
        later(fighters_at_end(2024, &isgs)),
        later(revenue_2024 as f64 / 1e6),
        share_2020(|r| r.revenue_routes),
        share_2020(|r| r.revenue_gold),
        share_2020(|r| r.revenue_kidnapping),
        // Geography (G).
        share_where(
            events
                .iter()
                .filter(|e| islamist(e) && in_years(e, 2019, 2020)),
            |_| 1.0,
            |e| country_of(e.cell.index()) == Some("BFA"),
        ),
        later(share_where(
            events
                .iter()
                .filter(|e| islamist(e) && in_years(e, 2023, 2024)),
            |e| e.fatalities() as f64,
            |e| country_of(e.cell.index()) == Some("BFA"),
        )),
        region_share_2020("BFA", "Sahel"),
        region_share_2020("MLI", "Mopti"),
        region_share_2020("MLI", "Ségou"),
        // Perpetrators (H).
        events
            .iter()
            .filter(|e| year(e) == 2017 && country_of(e.cell.index()) == Some("MLI"))
            .map(|e| e.fatalities() as f64)
            .sum(),
        share_where(
            events.iter().filter(|e| year(e) == 2020),
            |e| e.civilians_killed as f64,
            |e| e.perpetrator.pro_government(),
        ),
        events
            .iter()
            .filter(|e| {
                year(e) == 2017
                    && violence_against_civilians(e)
                    && country_of(e.cell.index()) == Some("MLI")
            })
            .map(|e| e.civilians_killed as f64)
            .sum(),
        later(share_where(
            mali_2023_vs_civilians.iter().copied(),
            |_| 1.0,
            |e| e.perpetrator == Perpetrator::State,
        )),
        later(share_where(
            mali_2023_vs_civilians.iter().copied(),
            |_| 1.0,
            |e| matches!(e.perpetrator, Perpetrator::Militia(_)),
        )),
        later(share_where(
            events.iter().filter(|e| {
                (jan_2024..sep_10_2024).contains(&(e.day as i64))
                    && country_of(e.cell.index()) == Some("BFA")
            }),
            |e| e.civilians_killed as f64,
            |e| matches!(e.perpetrator, Perpetrator::Group(_)),
        )),
        later(share_where(
            events.iter().filter(|e| islamist(e) && year(e) == 2024),
            |_| 1.0,
            attributed_islamic_state,
        )),
        // Displacement (D) and schools (E), at the end of a year.
        at_year_end(2019, "BFA", |c| &c.displaced),
        later(at_year_end(2022, "BFA", |c| &c.displaced)),
        at_year_end(2019, "MLI", |c| &c.displaced),
        later(at_year_end(2022, "MLI", |c| &c.displaced)),
        in_regions_at_year_end(2020, "BFA", &["Centre-Nord", "Sahel", "Nord"], |c| {
            &c.displaced
        }),
        at_year_end(2019, "BFA", |c| &c.schools_closed),
        later(at_year_end(2022, "BFA", |c| &c.schools_closed)),
    ]
}

/// The share of `weight` over `events` that falls on the events `pick` selects (NaN when the
/// total is 0).
fn share_where<'a>(
    events: impl Iterator<Item = &'a Event>,
    weight: impl Fn(&Event) -> f64,
    pick: impl Fn(&Event) -> bool,
) -> f64 {
    let (mut part, mut total) = (0.0, 0.0);
    for e in events {
        let w = weight(e);
        total += w;
        if pick(e) {
            part += w;
        }
    }
    if total == 0.0 { f64::NAN } else { part / total }
}
