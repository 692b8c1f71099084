//! A replicate's whole-study-area time series by calendar month, for plots: the weekly (or
//! daily, or monthly) rows of `timeseries.csv` summed into the month their period starts in,
//! then scaled to the month's calendar length (a month in which five weekly periods start
//! holds 35 days of events, one with four 28: unscaled, the monthly series would saw-tooth by
//! 25 % for no reason in the model); states (displaced, presence, fighters) are those at the
//! end of the month's last period.

use super::series::SeriesRow;

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
}

/// The months of one replicate's `rows` (area "all"), in time order; `groups` are the
/// scenario's group names in order.
pub fn monthly(rows: &[SeriesRow], groups: &[String]) -> Vec<Month> {
    // Days each period covers: up to the next period's start; the last as long as the one
    // before it (a run's periods are all of one length but the last, which may be cut short).
    let starts: Vec<time::Date> = {
        let mut v: Vec<time::Date> = Vec::new();
        for r in rows.iter().filter(|r| r.area == "all" && r.group == "all") {
            if let Ok(d) = crate::scenario::parse_date(&r.start_date)
                && v.last() != Some(&d)
            {
                v.push(d);
            }
        }
        v
    };
    let length = |date: &str| -> f64 {
        let Ok(d) = crate::scenario::parse_date(date) else {
            return 0.0;
        };
        let i = starts.partition_point(|s| *s < d);
        match (
            starts.get(i + 1),
            i.checked_sub(1).and_then(|j| starts.get(j)),
        ) {
            (Some(next), _) => (*next - d).whole_days() as f64,
            (None, Some(prev)) => (d - *prev).whole_days() as f64,
            (None, None) => 0.0,
        }
    };
    let mut covered: Vec<f64> = Vec::new();
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
                revenue: [0.0; 5],
            });
            covered.push(0.0);
        }
        let m = out.last_mut().expect("pushed above");
        if r.group == "all" {
            *covered.last_mut().expect("pushed with the month") += length(&r.start_date);
            m.events += r.events as f64;
            m.events_vs_civilians += r.events_vs_civilians as f64;
            m.fatalities_civilians += r.fatalities_civilians as f64;
            m.fatalities_security += r.fatalities_security as f64;
            m.fatalities_militants += r.fatalities_militants as f64;
            m.displaced = r.displaced.unwrap_or(0.0);
            m.government_presence = r.government_presence.unwrap_or(0.0);
            m.communities_militant = r.communities_militant.unwrap_or(0) as f64;
            for (k, v) in [
                r.revenue_gold,
                r.revenue_routes,
                r.revenue_zakat,
                r.revenue_kidnapping,
                r.revenue_loot,
            ]
            .into_iter()
            .enumerate()
            {
                m.revenue[k] += v.unwrap_or(0) as f64;
            }
        } else if let Some(g) = groups.iter().position(|g| *g == r.group) {
            m.fighters[g] = r.fighters.unwrap_or(0) as f64;
        }
    }
    for (m, days) in out.iter_mut().zip(covered) {
        let calendar = time::Month::try_from(m.month)
            .map(|month| time::util::days_in_month(month, m.year) as f64)
            .unwrap_or(0.0);
        if days > 0.0 && calendar > 0.0 {
            let k = calendar / days;
            m.events *= k;
            m.events_vs_civilians *= k;
            m.fatalities_civilians *= k;
            m.fatalities_security *= k;
            m.fatalities_militants *= k;
            for v in &mut m.revenue {
                *v *= k;
            }
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
            residents: None,
            displaced: Some(displaced),
            schools_closed: None,
            government_presence: None,
            communities_sustained: None,
        }
    }

    #[test]
    fn weeks_sum_into_the_month_they_start_in_scaled_to_its_length_and_states_are_the_last() {
        let rows = [
            row("2017-01-01", "all", 3, 100.0),
            row("2017-01-01", "FLM", 2, 0.0),
            row("2017-01-29", "all", 4, 150.0),
            row("2017-02-05", "all", 1, 160.0),
        ];
        let m = monthly(&rows, &["FLM".to_string()]);
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].year, m[0].month), (2017, 1));
        // Two periods start in January: 28 days (to 29 January) and 7 (to 5 February) = 35
        // days of events, scaled to January's 31.
        let k = 31.0 / 35.0;
        assert!((m[0].events - 7.0 * k).abs() < 1e-9);
        assert_eq!(m[0].displaced, 150.0);
        assert!((m[0].fatalities() - 2.0 * k).abs() < 1e-9);
        assert_eq!(m[0].fighters, vec![10.0]);
        assert!((m[0].revenue_total() - 10.0 * k).abs() < 1e-9);
        // The last period is taken as long as the one before (7 days), scaled to February's 28.
        assert!((m[1].events - 4.0).abs() < 1e-9);
    }
}
