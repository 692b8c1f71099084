//! The outcome registry: every outcome sahelsim reports, declared once with its key, label,
//! unit and how it is counted from a replicate's event log and recorded state over a
//! [`Window`] (days, area of operation, group).
//!
//! `summary.json` ([`super::summary`]), `compare` (`experiment::compare`), a sweep's outcome
//! list, the monthly series for plots and the reports all iterate [`OUTCOMES`]; adding an
//! outcome is one entry there. An outcome can also be broken down by area of operation
//! (`key@area` in a sweep, the `area` column of `compare.csv`), by admin-1 region of the map
//! (`key@<region>` in the summary, the `region` column of `compare.csv` with `--by region`),
//! by group (`key.<group>`) and, in the summary, by calendar year (`key_<year>`).

use crate::geo::SahelMap;
use crate::reference::epstein::Stats as EpsteinStats;
use crate::scenario::{Coalition, Scenario, format_date};
use crate::sim::events::{Attributed, Event, Perpetrator, Target};
use crate::sim::ids::GroupId;
use crate::sim::resources::Source;

use super::series::SeriesRow;

/// Which events an event outcome looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventFilter {
    /// Every event (armed groups' and state operations).
    All,
    /// Events linked to an armed group: by one, or a state operation engaging one.
    Militant,
    /// Events whose true perpetrator is an armed group.
    ByGroups,
    /// Attacks by armed groups on civilians or traditional leaders.
    AttacksOnCivilians,
    /// Events whose perpetrator is the state.
    ByState,
    /// Events whose perpetrator is a militia allied to the state.
    ByMilitias,
}

impl EventFilter {
    /// Whether event `e` passes the filter.
    pub fn matches(self, e: &Event) -> bool {
        match self {
            EventFilter::All => true,
            EventFilter::Militant => e.linked_group().is_some(),
            EventFilter::ByGroups => matches!(e.perpetrator, Perpetrator::Group(_)),
            EventFilter::AttacksOnCivilians => {
                matches!(e.perpetrator, Perpetrator::Group(_))
                    && matches!(e.target, Target::Civilians | Target::Leaders)
            }
            EventFilter::ByState => e.perpetrator == Perpetrator::State,
            EventFilter::ByMilitias => matches!(e.perpetrator, Perpetrator::Militia(_)),
        }
    }
}

/// A number every event carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PerEvent {
    /// People killed, of every category.
    Fatalities,
    /// Civilians killed.
    Civilians,
    /// Security personnel killed.
    Security,
    /// Militants killed.
    Militants,
    /// People abducted.
    Abducted,
}

impl PerEvent {
    /// The number for event `e`.
    pub fn of(self, e: &Event) -> u32 {
        match self {
            PerEvent::Fatalities => e.fatalities(),
            PerEvent::Civilians => e.civilians_killed,
            PerEvent::Security => e.security_killed,
            PerEvent::Militants => e.militants_killed,
            PerEvent::Abducted => e.abducted,
        }
    }
}

/// A state recorded at the end of each period of the time series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// People displaced.
    Displaced,
    /// Schools closed.
    SchoolsClosed,
    /// Government presence, resident-weighted mean 0–1.
    GovernmentPresence,
    /// Communities under militant control.
    CommunitiesMilitant,
    /// Residents of the communities under militant control (of one group on its rows).
    ResidentsHeld,
    /// The share of communities with sustained government presence.
    SustainedPresence,
    /// Fighters.
    Fighters,
    /// Armed members of community militias.
    MilitiaMembers,
}

impl State {
    /// The state in a time-series row (0 where the row does not carry it).
    pub fn of(self, r: &SeriesRow) -> f64 {
        match self {
            State::Displaced => r.displaced.unwrap_or(0.0),
            State::SchoolsClosed => r.schools_closed.unwrap_or(0.0),
            State::GovernmentPresence => r.government_presence.unwrap_or(0.0),
            State::CommunitiesMilitant => r.communities_militant.unwrap_or(0) as f64,
            State::ResidentsHeld => r.residents_held.unwrap_or(0.0),
            State::SustainedPresence => {
                let n = r.communities_state.unwrap_or(0)
                    + r.communities_contested.unwrap_or(0)
                    + r.communities_militant.unwrap_or(0);
                if n == 0 {
                    0.0
                } else {
                    r.communities_sustained.unwrap_or(0) as f64 / n as f64
                }
            }
            State::Fighters => r.fighters.unwrap_or(0) as f64,
            State::MilitiaMembers => r.militia_members.unwrap_or(0.0),
        }
    }
}

pub use crate::sim::resources::FighterFlow;

impl FighterFlow {
    /// The flow in a time-series row (0 where the row does not carry it).
    pub fn of(self, r: &SeriesRow) -> f64 {
        match self {
            FighterFlow::Recruited => r.fighters_recruited,
            FighterFlow::Killed => r.fighters_killed,
            FighterFlow::Arrested => r.fighters_arrested,
            FighterFlow::Returned => r.fighters_returned,
        }
        .unwrap_or(0) as f64
    }
}

/// What the interventions count about former fighters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormerFighterCount {
    /// Fighters who left their band through a reintegration programme.
    Reintegrated,
    /// Former fighters who went back to a band.
    Relapsed,
}

/// How an outcome is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// The window's events that pass the filter.
    Events(EventFilter),
    /// A number summed over the window's events that pass the filter.
    EventSum(EventFilter, PerEvent),
    /// The state at the end of the run (the last period of the time series).
    End(State),
    /// The largest state over the run.
    Peak(State),
    /// Income over the window (periods starting in it) per year, million US$.
    RevenuePerYear,
    /// Income from one source over the window per year, million US$.
    RevenueFromPerYear(Source),
    /// A flow of fighters over the window (periods starting in it), all groups.
    Flow(FighterFlow),
    /// The recruits who came as volunteers driven by stigmatisation over the window (periods
    /// starting in it).
    Volunteered,
    /// Fighters at the end less fighters at the start of the window (the end of the last
    /// period before it), all groups.
    FightersChange,
    /// The share of armed groups' events an observer puts down to JNIM (as a whole or one of
    /// its groups), to 4 decimals.
    ShareAttributedJnim,
    /// Counted by the interventions over the whole run; absent where a scenario has none.
    FormerFighters(FormerFighterCount),
}

/// Which outputs report an outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reported {
    /// In `summary.json`, over the whole run and study area.
    pub summary: bool,
    /// In comparisons and sweeps, over the policy period.
    pub comparison: bool,
}

/// One outcome: what it is and how it is counted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Outcome {
    /// Machine name, e.g. `fatalities_civilians`.
    pub key: &'static str,
    /// What it is, for people.
    pub label: &'static str,
    /// What one group's part is called (`label` for the sum over groups), for people.
    pub group_label: &'static str,
    /// Unit.
    pub unit: &'static str,
    /// How it is counted.
    pub count: Count,
    /// Reported for all groups together (`key`).
    pub total: bool,
    /// Also reported by group (`key.<group>`).
    pub by_group: bool,
    /// Also reported by area of operation, in comparisons and sweeps (`key@area`).
    pub by_area: bool,
    /// Also reported by admin-1 region of the map data: in the summary (`key@<region>`) and
    /// in comparisons broken down by region (`compare --by region`).
    pub by_region: bool,
    /// Also reported by calendar year, in the summary (`key_<year>`).
    pub by_year: bool,
    /// Which outputs report it.
    pub reported: Reported,
}

const BOTH: Reported = Reported {
    summary: true,
    comparison: true,
};
const SUMMARY: Reported = Reported {
    summary: true,
    comparison: false,
};
const COMPARISON: Reported = Reported {
    summary: false,
    comparison: true,
};

macro_rules! outcomes {
    ($(
        $(#[$doc:meta])*
        $name:ident = {
            $key:literal, $label:literal, $unit:literal, $count:expr,
            group_label: $group_label:literal,
            total: $total:literal, by_group: $by_group:literal, by_area: $by_area:literal,
            by_region: $by_region:literal, by_year: $by_year:literal,
            reported: $reported:expr $(,)?
        }
    ),* $(,)?) => {
        $(
            $(#[$doc])*
            pub const $name: Outcome = Outcome {
                key: $key,
                label: $label,
                group_label: $group_label,
                unit: $unit,
                count: $count,
                total: $total,
                by_group: $by_group,
                by_area: $by_area,
                by_region: $by_region,
                by_year: $by_year,
                reported: $reported,
            };
        )*
        /// Every outcome of the Sahel model, in the order comparisons and sweeps list them.
        pub const OUTCOMES: &[Outcome] = &[$($name),*];
    };
}

outcomes! {
    /// Every violent event: armed groups' and state operations.
    EVENTS = {
        "events", "violent events", "events", Count::Events(EventFilter::All),
        group_label: "violent events",
        total: true, by_group: false, by_area: true, by_region: true,
        by_year: false, reported: BOTH,
    },
    /// Attacks by armed groups on civilians and traditional leaders.
    ATTACKS_ON_CIVILIANS = {
        "attacks_on_civilians", "attacks on civilians and leaders", "events",
        Count::Events(EventFilter::AttacksOnCivilians),
        group_label: "attacks on civilians and leaders",
        total: true, by_group: false, by_area: true, by_region: true,
        by_year: false, reported: BOTH,
    },
    /// People killed, of every category.
    FATALITIES = {
        "fatalities", "fatalities, all", "people",
        Count::EventSum(EventFilter::All, PerEvent::Fatalities),
        group_label: "fatalities",
        total: true, by_group: false, by_area: true, by_region: true,
        by_year: false, reported: BOTH,
    },
    /// Civilians killed.
    FATALITIES_CIVILIANS = {
        "fatalities_civilians", "fatalities, civilians", "people",
        Count::EventSum(EventFilter::All, PerEvent::Civilians),
        group_label: "fatalities, civilians",
        total: true, by_group: false, by_area: true, by_region: true,
        by_year: false, reported: BOTH,
    },
    /// Security personnel killed.
    FATALITIES_SECURITY = {
        "fatalities_security", "fatalities, security forces", "people",
        Count::EventSum(EventFilter::All, PerEvent::Security),
        group_label: "fatalities, security forces",
        total: true, by_group: false, by_area: true, by_region: false,
        by_year: false, reported: BOTH,
    },
    /// Militants killed.
    FATALITIES_MILITANTS = {
        "fatalities_militants", "fatalities, militants", "people",
        Count::EventSum(EventFilter::All, PerEvent::Militants),
        group_label: "fatalities, militants",
        total: true, by_group: false, by_area: true, by_region: false,
        by_year: false, reported: BOTH,
    },
    /// People displaced at the end.
    DISPLACED_END = {
        "displaced_end", "displaced people at the end", "people", Count::End(State::Displaced),
        group_label: "displaced people at the end",
        total: true, by_group: false, by_area: true, by_region: true,
        by_year: false, reported: BOTH,
    },
    /// Schools closed at the end.
    SCHOOLS_CLOSED_END = {
        "schools_closed_end", "schools closed at the end", "schools",
        Count::End(State::SchoolsClosed),
        group_label: "schools closed at the end",
        total: true, by_group: false, by_area: true, by_region: true,
        by_year: false, reported: BOTH,
    },
    /// The share of communities with sustained government presence at the end.
    SUSTAINED_PRESENCE_END = {
        "sustained_presence_end", "sustained government presence at the end",
        "share of communities", Count::End(State::SustainedPresence),
        group_label: "sustained government presence at the end",
        total: true, by_group: false, by_area: true, by_region: true,
        by_year: false, reported: COMPARISON,
    },
    /// Fighters at the end, of all groups and of each.
    FIGHTERS_END = {
        "fighters_end", "fighters at the end, all groups", "fighters", Count::End(State::Fighters),
        group_label: "fighters at the end",
        total: true, by_group: true, by_area: true, by_region: true,
        by_year: false, reported: BOTH,
    },
    /// Fighters who left their band through a reintegration programme.
    FIGHTERS_REINTEGRATED = {
        "fighters_reintegrated", "fighters reintegrated", "fighters",
        Count::FormerFighters(FormerFighterCount::Reintegrated),
        group_label: "fighters reintegrated",
        total: true, by_group: false, by_area: false, by_region: false,
        by_year: false, reported: BOTH,
    },
    /// Former fighters who went back to a band.
    FORMER_FIGHTERS_RELAPSED = {
        "former_fighters_relapsed", "former fighters who went back", "fighters",
        Count::FormerFighters(FormerFighterCount::Relapsed),
        group_label: "former fighters who went back",
        total: true, by_group: false, by_area: false, by_region: false,
        by_year: false, reported: BOTH,
    },
    /// Net change in fighters over the window, all groups: with the flows below, an exact
    /// partition (recruited − killed − arrested − returned).
    FIGHTERS_CHANGE = {
        "fighters_change", "net change in fighters, all groups", "fighters",
        Count::FightersChange,
        group_label: "net change in fighters",
        total: true, by_group: false, by_area: false, by_region: false,
        by_year: false, reported: COMPARISON,
    },
    /// Residents recruited into bands over the window, all groups and by group.
    FIGHTERS_RECRUITED = {
        "fighters_recruited", "residents recruited into bands", "fighters",
        Count::Flow(FighterFlow::Recruited),
        group_label: "residents recruited into bands",
        total: true, by_group: true, by_area: false, by_region: false,
        by_year: false, reported: COMPARISON,
    },
    /// Of the recruits, the volunteers driven by stigmatisation (unpaid,
    /// `bands.stigma_volunteers`), over the window, all groups and by group.
    FIGHTERS_VOLUNTEERED = {
        "fighters_volunteered", "recruits who came unpaid, driven by stigmatisation", "fighters",
        Count::Volunteered,
        group_label: "recruits who came unpaid, driven by stigmatisation",
        total: true, by_group: true, by_area: false, by_region: false,
        by_year: false, reported: COMPARISON,
    },
    /// Fighters killed over the window, all groups and by group.
    FIGHTERS_KILLED = {
        "fighters_killed", "fighters killed", "fighters",
        Count::Flow(FighterFlow::Killed),
        group_label: "fighters killed",
        total: true, by_group: true, by_area: false, by_region: false,
        by_year: false, reported: COMPARISON,
    },
    /// Fighters arrested over the window, all groups and by group.
    FIGHTERS_ARRESTED = {
        "fighters_arrested", "fighters arrested", "fighters",
        Count::Flow(FighterFlow::Arrested),
        group_label: "fighters arrested",
        total: true, by_group: true, by_area: false, by_region: false,
        by_year: false, reported: COMPARISON,
    },
    /// Fighters who went home over the window (deserted, demobilised, reintegrated), all groups
    /// and by group.
    FIGHTERS_RETURNED = {
        "fighters_returned", "fighters who went home (deserted, demobilised, reintegrated)", "fighters",
        Count::Flow(FighterFlow::Returned),
        group_label: "fighters who went home (deserted, demobilised, reintegrated)",
        total: true, by_group: true, by_area: false, by_region: false,
        by_year: false, reported: COMPARISON,
    },
    /// The armed groups' income per year, all together and by group.
    REVENUE = {
        "revenue", "revenue of all armed groups", "M$/year", Count::RevenuePerYear,
        group_label: "revenue",
        total: true, by_group: true, by_area: false, by_region: false,
        by_year: false, reported: BOTH,
    },
    /// Income per year from taxing artisanal gold sites, all groups and by group: a channel
    /// of [`REVENUE`] (the five sources add up to it).
    REVENUE_GOLD = {
        "revenue_gold", "revenue from taxing artisanal gold sites", "M$/year",
        Count::RevenueFromPerYear(Source::Gold),
        group_label: "revenue from gold",
        total: true, by_group: true, by_area: false, by_region: false,
        by_year: false, reported: COMPARISON,
    },
    /// Income per year from tolls on roads, transit routes and smuggling corridors, all groups and by group: a channel of [`REVENUE`]
    /// (the five sources add up to it).
    REVENUE_ROUTES = {
        "revenue_routes", "revenue from tolls on roads, transit routes and smuggling corridors", "M$/year",
        Count::RevenueFromPerYear(Source::Routes),
        group_label: "revenue from routes",
        total: true, by_group: true, by_area: false, by_region: false,
        by_year: false, reported: COMPARISON,
    },
    /// Income per year from zakat and grazing taxes, all groups and by group: a channel of [`REVENUE`]
    /// (the five sources add up to it).
    REVENUE_ZAKAT = {
        "revenue_zakat", "revenue from zakat and grazing taxes", "M$/year",
        Count::RevenueFromPerYear(Source::Zakat),
        group_label: "revenue from zakat",
        total: true, by_group: true, by_area: false, by_region: false,
        by_year: false, reported: COMPARISON,
    },
    /// Income per year from ransoms, all groups and by group: a channel of [`REVENUE`]
    /// (the five sources add up to it).
    REVENUE_KIDNAPPING = {
        "revenue_kidnapping", "revenue from ransoms", "M$/year",
        Count::RevenueFromPerYear(Source::Kidnapping),
        group_label: "revenue from kidnapping",
        total: true, by_group: true, by_area: false, by_region: false,
        by_year: false, reported: COMPARISON,
    },
    /// Income per year from loot from attacks, all groups and by group: a channel of [`REVENUE`]
    /// (the five sources add up to it).
    REVENUE_LOOT = {
        "revenue_loot", "revenue from loot from attacks", "M$/year",
        Count::RevenueFromPerYear(Source::Loot),
        group_label: "revenue from loot",
        total: true, by_group: true, by_area: false, by_region: false,
        by_year: false, reported: COMPARISON,
    },
    /// Events linked to armed groups, in all, by group and by year (in comparisons: in all, by
    /// group and by region).
    EVENTS_MILITANT = {
        "events_militant", "events linked to armed groups", "events",
        Count::Events(EventFilter::Militant),
        group_label: "events linked to",
        total: true, by_group: true, by_area: false, by_region: true,
        by_year: true, reported: BOTH,
    },
    /// Events whose true perpetrator is an armed group: with [`EVENTS_BY_STATE`] and
    /// [`EVENTS_BY_MILITIAS`], the channels of [`EVENTS`] (they add up to it).
    ATTACKS_BY_GROUPS = {
        "attacks_by_groups", "events by armed groups", "events",
        Count::Events(EventFilter::ByGroups),
        group_label: "events by",
        total: true, by_group: false, by_area: true, by_region: true,
        by_year: false, reported: BOTH,
    },
    /// Events whose perpetrator is the state (its operations against suspected militants).
    EVENTS_BY_STATE = {
        "events_by_state", "events by state forces", "events",
        Count::Events(EventFilter::ByState),
        group_label: "events by state forces",
        total: true, by_group: false, by_area: true, by_region: true,
        by_year: false, reported: BOTH,
    },
    /// Civilians killed by armed groups.
    FATALITIES_CIVILIANS_BY_GROUPS = {
        "fatalities_civilians_by_groups", "civilians killed by armed groups", "people",
        Count::EventSum(EventFilter::ByGroups, PerEvent::Civilians),
        group_label: "civilians killed by armed groups",
        total: true, by_group: false, by_area: true, by_region: true,
        by_year: true, reported: BOTH,
    },
    /// Civilians killed by state forces.
    FATALITIES_CIVILIANS_BY_STATE = {
        "fatalities_civilians_by_state", "civilians killed by state forces", "people",
        Count::EventSum(EventFilter::ByState, PerEvent::Civilians),
        group_label: "civilians killed by state forces",
        total: true, by_group: false, by_area: true, by_region: true,
        by_year: true, reported: BOTH,
    },
    /// Civilians killed by militias allied to the state.
    FATALITIES_CIVILIANS_BY_MILITIAS = {
        "fatalities_civilians_by_militias", "civilians killed by militias", "people",
        Count::EventSum(EventFilter::ByMilitias, PerEvent::Civilians),
        group_label: "civilians killed by militias",
        total: true, by_group: false, by_area: true, by_region: true,
        by_year: true, reported: BOTH,
    },
    /// Events whose perpetrator is a militia.
    EVENTS_BY_MILITIAS = {
        "events_by_militias", "events by militias", "events",
        Count::Events(EventFilter::ByMilitias),
        group_label: "events by militias",
        total: true, by_group: false, by_area: true, by_region: true,
        by_year: false, reported: BOTH,
    },
    /// Armed militia members at the end.
    MILITIA_MEMBERS_END = {
        "militia_members_end", "militia members at the end", "members",
        Count::End(State::MilitiaMembers),
        group_label: "militia members at the end",
        total: true, by_group: false, by_area: true, by_region: false,
        by_year: false, reported: SUMMARY,
    },
    /// People abducted.
    ABDUCTED = {
        "abducted", "people abducted", "people",
        Count::EventSum(EventFilter::All, PerEvent::Abducted),
        group_label: "people abducted",
        total: true, by_group: false, by_area: false, by_region: false,
        by_year: false, reported: SUMMARY,
    },
    /// The share of armed groups' events attributed to JNIM.
    SHARE_ATTRIBUTED_JNIM = {
        "share_attributed_jnim", "share of events attributed to JNIM", "share of events",
        Count::ShareAttributedJnim,
        group_label: "share of events attributed to JNIM",
        total: true, by_group: false, by_area: false, by_region: false,
        by_year: false, reported: SUMMARY,
    },
    /// The most people displaced at once.
    DISPLACED_PEAK = {
        "displaced_peak", "displaced people at the peak", "people", Count::Peak(State::Displaced),
        group_label: "displaced people at the peak",
        total: true, by_group: false, by_area: false, by_region: false,
        by_year: false, reported: SUMMARY,
    },
    /// Government presence at the end.
    GOVERNMENT_PRESENCE_END = {
        "government_presence_end", "government presence at the end", "0-1",
        Count::End(State::GovernmentPresence),
        group_label: "government presence at the end",
        total: true, by_group: false, by_area: false, by_region: false,
        by_year: false, reported: SUMMARY,
    },
    /// People living under a group's control at the end (of each group, by group): the ground
    /// the groups hold, with which their tempo grows.
    PEOPLE_HELD_END = {
        "people_held_end", "people under the groups' control at the end", "people",
        Count::End(State::ResidentsHeld),
        group_label: "people under its control at the end",
        total: true, by_group: true, by_area: true, by_region: true,
        by_year: false, reported: BOTH,
    },
    /// Communities under militant control at the end.
    COMMUNITIES_MILITANT_END = {
        "communities_militant_end", "communities under militant control at the end",
        "communities", Count::End(State::CommunitiesMilitant),
        group_label: "communities under militant control at the end",
        total: true, by_group: false, by_area: false, by_region: false,
        by_year: false, reported: SUMMARY,
    },
}

/// An outcome of a reference model, counted by the model itself over its steps after the
/// burn-in: key, label, and its value in a replicate's statistics.
pub struct ReferenceOutcome {
    /// Machine name, as in summary.json and a sweep's columns.
    pub key: &'static str,
    /// What it is, for people.
    pub label: &'static str,
    /// Its value in a replicate's statistics.
    pub value: fn(&EpsteinStats) -> f64,
}

/// The outcomes of the reference (Epstein) model, in output order.
pub const REFERENCE_OUTCOMES: [ReferenceOutcome; 5] = [
    ReferenceOutcome {
        key: "active_mean",
        label: "mean active citizens per step",
        value: |s| s.active_mean,
    },
    ReferenceOutcome {
        key: "jailed_mean",
        label: "mean jailed citizens per step",
        value: |s| s.jailed_mean,
    },
    ReferenceOutcome {
        key: "quiet_mean",
        label: "mean quiet citizens per step",
        value: |s| s.quiet_mean,
    },
    ReferenceOutcome {
        key: "active_peak",
        label: "most active citizens in a step",
        value: |s| s.active_peak as f64,
    },
    ReferenceOutcome {
        key: "outbursts",
        label: "outbursts per run",
        value: |s| s.outbursts.len() as f64,
    },
];

/// The outcome called `key`.
pub fn find(key: &str) -> Option<&'static Outcome> {
    OUTCOMES.iter().find(|o| o.key == key)
}

/// Where and when an outcome is counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window<'a> {
    /// First day counted (events; revenue of the periods starting on or after it).
    pub from_day: u32,
    /// Last day counted (events).
    pub to_day: u32,
    /// Area of operation (its index in the map data), or the whole study area.
    pub area: Option<usize>,
    /// Admin-1 region (its index in the map data), or every region.
    pub region: Option<usize>,
    /// Group (its index in the scenario), or all groups.
    pub group: Option<GroupId>,
    /// The area's id (`"all"` for the whole study area), as the time series names it.
    pub area_id: &'a str,
}

impl Window<'static> {
    /// The whole run of `scenario`, whole study area, all groups.
    pub fn whole(scenario: &Scenario) -> Window<'static> {
        Window {
            from_day: 0,
            to_day: scenario.period.days().saturating_sub(1),
            area: None,
            region: None,
            group: None,
            area_id: "all",
        }
    }
}

/// What a replicate left to count outcomes from.
#[derive(Debug, Clone, Copy)]
pub struct Observed<'a> {
    /// The scenario run.
    pub scenario: &'a Scenario,
    /// The map it ran on (needed to count events by area).
    pub map: Option<&'a SahelMap>,
    /// Its event log.
    pub events: &'a [Event],
    /// Its time series.
    pub rows: &'a [SeriesRow],
    /// Each region's row of the last period ([`super::Recorder::region_rows`]; empty where
    /// not recorded): the regions' states at the end.
    pub region_rows: &'a [SeriesRow],
    /// Fighters reintegrated and former fighters relapsed, where the scenario has
    /// interventions.
    pub former_fighters: Option<(u64, u64)>,
}

impl Outcome {
    /// What one event adds to an outcome counted from the event log (`None` for the others):
    /// 1 or 0 for a count of events, the event's number for a sum.
    pub fn per_event(&self, e: &Event) -> Option<f64> {
        match self.count {
            Count::Events(f) => Some(if f.matches(e) { 1.0 } else { 0.0 }),
            Count::EventSum(f, n) => Some(if f.matches(e) { n.of(e) as f64 } else { 0.0 }),
            _ => None,
        }
    }

    /// Whether the outcome is counted from the event log (a count of events or a sum over them):
    /// then it can be counted for one group in one region.
    pub fn counted_from_events(&self) -> bool {
        matches!(self.count, Count::Events(_) | Count::EventSum(..))
    }

    /// Whether the outcome can be counted in one region: it is counted from the event log or
    /// is a state at the end of all groups together.
    pub fn countable_by_region(&self) -> bool {
        matches!(
            self.count,
            Count::Events(_) | Count::EventSum(..) | Count::End(_) | Count::ShareAttributedJnim
        )
    }

    /// The outcome over `window` in a replicate; `None` where it does not apply (the
    /// interventions' counts in a scenario without any; in one region, what is not
    /// [`Outcome::countable_by_region`], a group's state, or a run without region rows).
    pub fn count(&self, run: &Observed, window: &Window) -> Option<f64> {
        let events = || {
            run.events.iter().filter(move |e| {
                e.day >= window.from_day
                    && e.day <= window.to_day
                    && window.group.is_none_or(|g| e.linked_group() == Some(g))
                    && window.area.is_none_or(|a| {
                        run.map
                            .is_some_and(|m| m.grid.cells[e.cell.index()].area == Some(a))
                    })
                    && window.region.is_none_or(|r| {
                        run.map
                            .is_some_and(|m| m.grid.cells[e.cell.index()].region == Some(r))
                    })
            })
        };
        if let Some(r) = window.region {
            if !self.countable_by_region() {
                return None;
            }
            if let Count::End(state) = self.count {
                return match window.group {
                    Some(_) => None,
                    None => run.region_rows.get(r).map(|row| state.of(row)),
                };
            }
        }
        let group_name = window
            .group
            .and_then(|g| run.scenario.groups.get(g.index()))
            .map_or("all", |g| g.name.as_str());
        let last = run.rows.iter().map(|r| r.period).max().unwrap_or(0);
        Some(match self.count {
            Count::Events(f) => events().filter(|e| f.matches(e)).count() as f64,
            Count::EventSum(f, n) => events()
                .filter(|e| f.matches(e))
                .map(|e| n.of(e) as f64)
                .sum(),
            Count::End(state) => run
                .rows
                .iter()
                .find(|r| r.period == last && r.area == window.area_id && r.group == group_name)
                .map_or(0.0, |r| state.of(r)),
            Count::Peak(state) => run
                .rows
                .iter()
                .filter(|r| r.area == window.area_id && r.group == group_name)
                .map(|r| state.of(r))
                .fold(0.0, f64::max),
            Count::RevenuePerYear => {
                revenue_per_year(run, window, group_name, SeriesRow::revenue_total)
            }
            Count::RevenueFromPerYear(source) => {
                revenue_per_year(run, window, group_name, |r| r.revenue_from(source))
            }
            Count::Flow(flow) => fighters_over_window(run, window, group_name, |r| flow.of(r)),
            Count::Volunteered => fighters_over_window(run, window, group_name, |r| {
                r.fighters_volunteered.unwrap_or(0) as f64
            }),
            Count::FightersChange => fighters_change(run, window),
            Count::ShareAttributedJnim => {
                let groups = &run.scenario.groups;
                let by_groups: Vec<&Event> = events()
                    .filter(|e| EventFilter::Militant.matches(e))
                    .collect();
                let jnim = by_groups
                    .iter()
                    .filter(|e| match e.attributed {
                        Attributed::Jnim => true,
                        Attributed::Group(g) => groups[g.index()].coalition == Coalition::Jnim,
                        _ => false,
                    })
                    .count();
                let all = by_groups
                    .iter()
                    .filter(|e| EventFilter::ByGroups.matches(e))
                    .count();
                if all == 0 {
                    0.0
                } else {
                    ((jnim as f64 / all as f64) * 1e4).round() / 1e4
                }
            }
            Count::FormerFighters(which) => {
                let (reintegrated, relapsed) = run.former_fighters?;
                match which {
                    FormerFighterCount::Reintegrated => reintegrated as f64,
                    FormerFighterCount::Relapsed => relapsed as f64,
                }
            }
        })
    }
}

/// Fighters at the end of the run less fighters at the start of `window`'s first period, all
/// groups, over the whole study area. The start is the end of the period before; for a window
/// that starts with the run, the first period's end less its net flow.
fn fighters_change(run: &Observed, window: &Window) -> f64 {
    let from_date = format_date(run.scenario.period.date(window.from_day));
    let all: Vec<&SeriesRow> = run
        .rows
        .iter()
        .filter(|r| r.area == "all" && r.group == "all")
        .collect();
    let fighters = |r: &SeriesRow| State::Fighters.of(r);
    let Some(last) = all.last() else {
        return 0.0;
    };
    let start = match all.iter().rposition(|r| r.start_date < from_date) {
        Some(before) => fighters(all[before]),
        None => {
            let first = all[0];
            fighters(first)
                - FighterFlow::ALL
                    .iter()
                    .map(|f| f.sign() * f.of(first))
                    .sum::<f64>()
        }
    };
    fighters(last) - start
}

/// A count of fighters over `window` for `group_name` ("all": every group), summed over the
/// time series' rows of the whole study area for the periods starting in it.
fn fighters_over_window(
    run: &Observed,
    window: &Window,
    group_name: &str,
    fighters: impl Fn(&SeriesRow) -> f64,
) -> f64 {
    let from_date = format_date(run.scenario.period.date(window.from_day));
    run.rows
        .iter()
        .filter(|r| r.area == "all" && r.group == group_name && r.start_date >= from_date)
        .map(fighters)
        .sum()
}

/// Income per year, million US$, over the periods of `window` starting in it, of the rows of
/// its area and of group `group_name`, as `usd` reads a row.
fn revenue_per_year(
    run: &Observed,
    window: &Window,
    group_name: &str,
    usd: impl Fn(&SeriesRow) -> i64,
) -> f64 {
    let from_date = format_date(run.scenario.period.date(window.from_day));
    let total: i64 = run
        .rows
        .iter()
        .filter(|r| r.area == window.area_id && r.group == group_name && r.start_date >= from_date)
        .map(usd)
        .sum();
    let years = run.scenario.period.days().saturating_sub(window.from_day) as f64 / 365.25;
    if years > 0.0 {
        total as f64 / 1e6 / years
    } else {
        0.0
    }
}

/// One outcome reported for one place and group: a column of `compare.csv`, a sweep's
/// `results.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The outcome.
    pub outcome: &'static Outcome,
    /// Area of operation id, or "all"; for a region, the area it lies in ("other": none).
    pub area: String,
    /// Its index in the map data (`None` for the whole study area and for a region).
    pub area_index: Option<usize>,
    /// Admin-1 region name, for an outcome in one region.
    pub region: Option<String>,
    /// Its index in the map data.
    pub region_index: Option<usize>,
    /// Group name, for an outcome by group.
    pub group: Option<String>,
    /// Its index in the scenario.
    pub group_index: Option<GroupId>,
}

impl Column {
    /// The key: `key`, or `key.<group>` for one group.
    pub fn key(&self) -> String {
        match &self.group {
            Some(g) => format!("{}.{g}", self.outcome.key),
            None => self.outcome.key.to_string(),
        }
    }

    /// What it is, for people: the outcome's label, or its group label and the group.
    pub fn label(&self) -> String {
        match &self.group {
            Some(g) => format!("{}, {g}", self.outcome.group_label),
            None => self.outcome.label.to_string(),
        }
    }

    /// Unit.
    pub fn unit(&self) -> &'static str {
        self.outcome.unit
    }

    /// The column's name: the key for the whole study area, `key@area` for one area of
    /// operation (a sweep's `results.csv`), `key@<region>` for one region (as in the
    /// summary).
    pub fn name(&self) -> String {
        match &self.region {
            Some(r) => format!("{}@{r}", self.key()),
            None if self.area == "all" => self.key(),
            None => format!("{}@{}", self.key(), self.area),
        }
    }

    /// The window of this column from day `from` to the end of `scenario`.
    pub fn window<'a>(&'a self, scenario: &Scenario, from: u32) -> Window<'a> {
        Window {
            from_day: from,
            to_day: scenario.period.days().saturating_sub(1),
            area: self.area_index,
            region: self.region_index,
            group: self.group_index,
            area_id: self.region.as_deref().unwrap_or(&self.area),
        }
    }
}

/// How a comparison breaks its outcomes down beside the whole study area
/// (`compare --by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Breakdown {
    /// By area of operation (north, central, east, southwest).
    Area,
    /// By admin-1 region of the map (Mopti, Centre-Nord, Tillabéri, ...).
    Region,
}

/// The admin-1 regions of `map` that hold study-area cells of its grid, in the map data's
/// order (the regions outcomes are counted in).
pub fn study_regions(map: &SahelMap) -> Vec<usize> {
    let mut present = vec![false; map.data.regions.len()];
    for c in map.grid.cells.iter().filter(|c| c.in_study_area) {
        if let Some(r) = c.region
            && let Some(p) = present.get_mut(r)
        {
            *p = true;
        }
    }
    (0..present.len()).filter(|&r| present[r]).collect()
}

/// The id of the area of operation region `r` of `map` lies in, or "other".
pub fn region_area(map: &SahelMap, r: usize) -> String {
    map.data
        .areas
        .iter()
        .find(|a| a.regions.contains(&map.data.regions[r].name))
        .map_or_else(|| "other".to_string(), |a| a.id.clone())
}

/// The columns of a sweep on `map` for groups `group_names`: those of a comparison by area
/// ([`comparison_columns_by`] with [`Breakdown::Area`]).
pub fn comparison_columns(map: &SahelMap, group_names: &[String]) -> Vec<Column> {
    comparison_columns_by(map, group_names, &[Breakdown::Area])
}

/// The columns of a comparison on `map` for groups `group_names`, broken down by `by`, in
/// order: the whole study area, then (by area) each area of operation, every outcome counted
/// by area; for the whole study area, the others; each outcome by group; then (by region) each
/// region of [`study_regions`], every outcome counted by region, and those counted from the
/// event log by group too (`events_militant.FLM` in Nord).
pub fn comparison_columns_by(
    map: &SahelMap,
    group_names: &[String],
    by: &[Breakdown],
) -> Vec<Column> {
    let reported: Vec<&'static Outcome> =
        OUTCOMES.iter().filter(|o| o.reported.comparison).collect();
    let column = |outcome: &'static Outcome, area: Option<usize>, group: Option<usize>| Column {
        outcome,
        area: area.map_or("all".to_string(), |a| map.data.areas[a].id.clone()),
        area_index: area,
        region: None,
        region_index: None,
        group: group.map(|g| group_names[g].clone()),
        group_index: group.map(GroupId::new),
    };
    let mut out = Vec::new();
    let areas = if by.contains(&Breakdown::Area) {
        map.data.areas.len()
    } else {
        0
    };
    for area in std::iter::once(None).chain((0..areas).map(Some)) {
        for o in reported.iter().filter(|o| o.by_area && o.total) {
            out.push(column(o, area, None));
        }
    }
    for o in reported.iter().filter(|o| !o.by_area && o.total) {
        out.push(column(o, None, None));
    }
    for o in reported.iter().filter(|o| o.by_group) {
        for g in 0..group_names.len() {
            out.push(column(o, None, Some(g)));
        }
    }
    if by.contains(&Breakdown::Region) {
        let in_region = |o: &'static Outcome, r: usize, group: Option<usize>| Column {
            area: region_area(map, r),
            region: Some(map.data.regions[r].name.clone()),
            region_index: Some(r),
            ..column(o, None, group)
        };
        for r in study_regions(map) {
            for o in reported
                .iter()
                .filter(|o| o.by_region && o.total && o.countable_by_region())
            {
                out.push(in_region(o, r, None));
            }
            // By whom, where: what the event log counts, each group's in each region.
            for o in reported
                .iter()
                .filter(|o| o.by_region && o.by_group && o.counted_from_events())
            {
                for g in 0..group_names.len() {
                    out.push(in_region(o, r, Some(g)));
                }
            }
        }
    }
    out
}
