//! A replicate's whole-study-area time series by calendar month, for plots. Events, attacks
//! on civilians and fatalities are counted from the event log by the calendar month of each
//! event's day, as the outcome registry ([`super::outcome`]) counts them. Revenue is recorded per period (a week by default): each period's income is
//! spread evenly over its days, and those days counted in the month they fall in. States
//! (displaced, presence, fighters) are those at the end of the last period starting in the
//! month.

use time::Date;

use super::outcome::{self, Outcome};
use super::series::SeriesRow;
use crate::scenario::Period;
use crate::sim::events::Event;

/// Revenue sources, in the order of [`Month::revenue`].
pub const REVENUE_SOURCES: [&str; 5] =
    ["gold", "route tolls", "zakat and taxes", "ransoms", "loot"];

/// One month of a replicate, whole study area.
#[derive(Debug, Clone, PartialEq)]
pub struct Month {
    /// Calendar year.
    pub year: i32,
    /// Month, 1–12.
    pub month: u8,
    /// Events linked to armed groups, and state operations (all events).
    pub events: f64,
    /// Attacks by armed groups on civilians and leaders.
    pub events_vs_civilians: f64,
    /// Civilians killed.
    pub fatalities_civilians: f64,
    /// Security personnel killed.
    pub fatalities_security: f64,
    /// Militants killed.
    pub fatalities_militants: f64,
    /// People displaced at the month's end.
    pub displaced: f64,
    /// Government presence at the month's end, resident-weighted mean 0..1.
    pub government_presence: f64,
    /// Communities under militant control at the month's end.
    pub communities_militant: f64,
    /// Fighters at the month's end, by group (scenario order).
    pub fighters: Vec<f64>,
    /// People living under each group's control at the month's end, by group (scenario order).
    pub held: Vec<f64>,
    /// Income of all groups in the month by source ([`REVENUE_SOURCES`]), US$.
    pub revenue: [f64; 5],
}

impl Month {
    /// The month's middle as a fractional year (2017.04 for January 2017), for plot axes.
    pub fn x(&self) -> f64 {
        self.year as f64 + (self.month as f64 - 0.5) / 12.0
    }
    /// Fatalities of every category.
    pub fn fatalities(&self) -> f64 {
        self.fatalities_civilians + self.fatalities_security + self.fatalities_militants
    }
    /// Fighters of every group.
    pub fn fighters_total(&self) -> f64 {
        self.fighters.iter().sum()
    }
    /// Income from every source, US$.
    pub fn revenue_total(&self) -> f64 {
        self.revenue.iter().sum()
    }

    /// The month's numbers in a fixed order (its date left out), appended to `out`: the eight
    /// counts and states, the fighters by group, the people held by group, the revenue by
    /// source. [`Month::with_values`]
    /// reads them back.
    pub fn push_values(&self, out: &mut Vec<f64>) {
        out.extend([
            self.events,
            self.events_vs_civilians,
            self.fatalities_civilians,
            self.fatalities_security,
            self.fatalities_militants,
            self.displaced,
            self.government_presence,
            self.communities_militant,
        ]);
        out.extend(&self.fighters);
        out.extend(&self.held);
        out.extend(self.revenue);
    }

    /// How many numbers [`Month::push_values`] writes for this month.
    pub fn values_len(&self) -> usize {
        8 + self.fighters.len() + self.held.len() + self.revenue.len()
    }

    /// This month's date and groups with the numbers `values` (as [`Month::push_values`]
    /// writes them; missing ones are 0).
    pub fn with_values(&self, values: &[f64]) -> Month {
        let at = |i: usize| values.get(i).copied().unwrap_or(0.0);
        let groups = self.fighters.len();
        Month {
            year: self.year,
            month: self.month,
            events: at(0),
            events_vs_civilians: at(1),
            fatalities_civilians: at(2),
            fatalities_security: at(3),
            fatalities_militants: at(4),
            displaced: at(5),
            government_presence: at(6),
            communities_militant: at(7),
            fighters: (0..groups).map(|g| at(8 + g)).collect(),
            held: (0..groups).map(|g| at(8 + groups + g)).collect(),
            revenue: std::array::from_fn(|k| at(8 + 2 * groups + k)),
        }
    }
}

/// The months of one replicate run over `period`: its time-series `rows` (area "all") and
/// its `events`, in time order; `groups` are the scenario's group names in order.
pub fn monthly(
    rows: &[SeriesRow],
    events: &[Event],
    period: &Period,
    groups: &[String],
) -> Vec<Month> {
    // The months, and the states at the end of each, from the rows.
    let mut out: Vec<Month> = Vec::new();
    for r in rows.iter().filter(|r| r.area == "all") {
        let (year, month) = year_month(&r.start_date);
        if out
            .last()
            .is_none_or(|m| (m.year, m.month) != (year, month))
        {
            out.push(Month {
                year,
                month,
                events: 0.0,
                events_vs_civilians: 0.0,
                fatalities_civilians: 0.0,
                fatalities_security: 0.0,
                fatalities_militants: 0.0,
                displaced: 0.0,
                government_presence: 0.0,
                communities_militant: 0.0,
                fighters: vec![0.0; groups.len()],
                held: vec![0.0; groups.len()],
                revenue: [0.0; 5],
            });
        }
        let m = out.last_mut().expect("pushed above");
        if r.group == "all" {
            m.displaced = r.displaced.unwrap_or(0.0);
            m.government_presence = r.government_presence.unwrap_or(0.0);
            m.communities_militant = r.communities_militant.unwrap_or(0) as f64;
        } else if let Some(g) = groups.iter().position(|g| *g == r.group) {
            m.fighters[g] = r.fighters.unwrap_or(0) as f64;
            m.held[g] = r.residents_held.unwrap_or(0.0);
        }
    }
    let Some(&Month {
        year: y0,
        month: m0,
        ..
    }) = out.first()
    else {
        return out;
    };
    let keys: Vec<(i32, u8)> = out.iter().map(|m| (m.year, m.month)).collect();
    let index = |d: Date| -> Option<usize> {
        let k = (d.year() - y0) * 12 + (d.month() as i32 - m0 as i32);
        usize::try_from(k)
            .ok()
            .filter(|&k| keys.get(k) == Some(&(d.year(), d.month() as u8)))
    };

    // Counts from the event log.
    for e in events {
        let Some(k) = index(period.date(e.day)) else {
            continue;
        };
        let m = &mut out[k];
        let add = |o: &Outcome| o.per_event(e).unwrap_or(0.0);
        m.events += add(&outcome::EVENTS);
        m.events_vs_civilians += add(&outcome::ATTACKS_ON_CIVILIANS);
        m.fatalities_civilians += add(&outcome::FATALITIES_CIVILIANS);
        m.fatalities_security += add(&outcome::FATALITIES_SECURITY);
        m.fatalities_militants += add(&outcome::FATALITIES_MILITANTS);
    }

    // Revenue: each period's income over its days (to the next period's start, the last to the
    // run's end), into the months they fall in.
    let totals: Vec<(Date, [f64; 5])> = rows
        .iter()
        .filter(|r| r.area == "all" && r.group == "all")
        .filter_map(|r| {
            let d = crate::scenario::parse_date(&r.start_date).ok()?;
            let v = [
                r.revenue_gold,
                r.revenue_routes,
                r.revenue_zakat,
                r.revenue_kidnapping,
                r.revenue_loot,
            ]
            .map(|x| x.unwrap_or(0) as f64);
            Some((d, v))
        })
        .collect();
    let run_end = period.end.next_day().unwrap_or(period.end);
    for (i, (start, income)) in totals.iter().enumerate() {
        let end = totals.get(i + 1).map(|t| t.0).unwrap_or(run_end);
        let days = (end - *start).whole_days() as f64;
        let mut day = *start;
        while day < end {
            let next_month = day.replace_day(1).unwrap_or(day)
                + time::Duration::days(time::util::days_in_month(day.month(), day.year()) as i64);
            let upto = next_month.min(end);
            let share = (upto - day).whole_days() as f64 / days;
            if let Some(k) = index(day) {
                for (total, v) in out[k].revenue.iter_mut().zip(income) {
                    *total += v * share;
                }
            }
            day = upto;
        }
    }
    out
}

/// Year and month of an ISO date `YYYY-MM-DD` (0, 0 if it is not one).
fn year_month(date: &str) -> (i32, u8) {
    let year = date.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(0);
    let month = date.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(0);
    (year, month)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::events::{Perpetrator, Target};

    #[test]
    fn a_months_values_read_back_as_the_month() {
        let m = Month {
            year: 2019,
            month: 7,
            events: 1.0,
            events_vs_civilians: 2.0,
            fatalities_civilians: 3.0,
            fatalities_security: 4.0,
            fatalities_militants: 5.0,
            displaced: 6.0,
            government_presence: 0.7,
            communities_militant: 8.0,
            fighters: vec![9.0, 10.0, 11.0],
            held: vec![17.0, 18.0, 19.0],
            revenue: [12.0, 13.0, 14.0, 15.0, 16.0],
        };
        let mut values = vec![-1.0];
        m.push_values(&mut values);
        assert_eq!(values.len(), 1 + m.values_len());
        assert_eq!(values[1..9], [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 0.7, 8.0]);
        assert_eq!(m.with_values(&values[1..]), m);
    }

    fn row(date: &str, group: &str, events: u32, displaced: f64) -> SeriesRow {
        SeriesRow {
            replicate: 0,
            period: 0,
            start_date: date.to_string(),
            area: "all".to_string(),
            group: group.to_string(),
            events,
            events_vs_civilians: 0,
            fatalities_civilians: 1,
            fatalities_security: 0,
            fatalities_militants: 0,
            abducted: 0,
            fighters: Some(10),
            bands: Some(1),
            revenue_gold: Some(5),
            revenue_routes: None,
            revenue_zakat: None,
            revenue_kidnapping: None,
            revenue_loot: None,
            communities_state: None,
            communities_contested: None,
            communities_militant: None,
            residents_held: None,
            residents: None,
            displaced: Some(displaced),
            schools_closed: None,
            militia_members: None,
            government_presence: None,
            communities_sustained: None,
            fighters_recruited: None,
            fighters_volunteered: None,
            fighters_killed: None,
            fighters_arrested: None,
            fighters_returned: None,
        }
    }

    #[test]
    fn events_count_by_their_day_revenue_spreads_over_its_days_states_are_the_last() {
        let rows = [
            row("2017-01-01", "all", 3, 100.0),
            row("2017-01-01", "FLM", 2, 0.0),
            row("2017-01-29", "all", 4, 150.0),
            row("2017-02-05", "all", 1, 160.0),
        ];
        let period = Period {
            start: time::macros::date!(2017 - 01 - 01),
            end: time::macros::date!(2017 - 02 - 11),
        };
        let mut attack = Event::new(
            30, // 31 January
            crate::sim::ids::CellId::new(0),
            Perpetrator::Group(crate::sim::ids::GroupId::new(0)),
            Some(crate::sim::ids::BandId::new(1)),
            (
                crate::sim::events::EventType::ViolenceAgainstCivilians,
                crate::sim::events::SubType::Attack,
            ),
            Target::Civilians,
        );
        attack.civilians_killed = 2;
        let mut raid = attack.clone();
        raid.day = 31; // 1 February
        raid.perpetrator = Perpetrator::State;
        let m = monthly(&rows, &[attack, raid], &period, &["FLM".to_string()]);
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].year, m[0].month), (2017, 1));
        assert_eq!((m[0].events, m[0].events_vs_civilians), (1.0, 1.0));
        assert_eq!((m[1].events, m[1].events_vs_civilians), (1.0, 0.0));
        assert_eq!(m[0].fatalities(), 2.0);
        assert_eq!(m[0].displaced, 150.0);
        assert_eq!(m[0].fighters, vec![10.0]);
        // Gold 5 a period: 28 days, then 7 days of which 3 in January, then 7 in February.
        assert!((m[0].revenue_total() - (5.0 + 5.0 * 3.0 / 7.0)).abs() < 1e-9);
        assert!((m[1].revenue_total() - (5.0 * 4.0 / 7.0 + 5.0)).abs() < 1e-9);
    }
}
