//! Border agreements: how far each pair of countries lets the other's national forces operate
//! across their common border on a given day (the history's `BorderAgreement` entries; none:
//! forces stop at their border). They act through three things the border otherwise limits
//! (docs/ODD.md 7.1, 7.4 and 7.10): a garrison's troops reach communities across the border up
//! to the agreed depth (its troops spread over the larger reach, none added); responses
//! pursue bands into the partner's cells within that depth; and within that depth a border
//! both sides may cross no longer shelters bands (`bands.border_weight`). Depth is measured
//! as a cell's distance to its nearest international border (near a tri-point, possibly a
//! third country's).

use crate::scenario::{HistoryEffect, HistoryEvent};

/// The depth, km, to which each pair of countries lets the other's forces operate, as of one
/// day: a square table over the map's countries, 0 where no agreement is in force.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BorderAgreements {
    countries: usize,
    depth_km: Vec<f64>,
}

/// The `BorderAgreement` entries of `history` as (country, partner, depth), in its order, those
/// naming a country outside the table of `countries` left out.
fn entries(
    history: &[HistoryEvent],
    countries: usize,
) -> impl Iterator<Item = (usize, usize, f64)> + '_ {
    history.iter().filter_map(move |h| match h.effect {
        HistoryEffect::BorderAgreement {
            country,
            partner,
            depth_km,
        } if country < countries && partner < countries => Some((country, partner, depth_km)),
        _ => None,
    })
}

impl BorderAgreements {
    /// The agreements in force on `day` among `countries` countries: for each pair, the latest
    /// `BorderAgreement` entry on or before `day` (either way round).
    pub fn on(history: &[HistoryEvent], day: u32, countries: usize) -> Self {
        let mut depth_km = Vec::new();
        let before = history.partition_point(|h| h.day <= day);
        for (country, partner, d) in entries(&history[..before], countries) {
            if depth_km.is_empty() {
                depth_km = vec![0.0; countries * countries];
            }
            depth_km[country * countries + partner] = d;
            depth_km[partner * countries + country] = d;
        }
        BorderAgreements {
            countries,
            depth_km,
        }
    }

    /// How far the forces of `a` may operate into `b` (and `b`'s into `a`), km; 0 without an
    /// agreement, or where either is not a country of the map.
    pub fn depth_km(&self, a: Option<usize>, b: Option<usize>) -> f64 {
        match (a, b) {
            (Some(a), Some(b)) if a != b && a < self.countries && b < self.countries => self
                .depth_km
                .get(a * self.countries + b)
                .copied()
                .unwrap_or(0.0),
            _ => 0.0,
        }
    }

    /// Whether the forces of `own` may act in a cell of `country` lying `border_km` from the
    /// nearest border: always in their own country; across the border within the agreed depth.
    pub fn reaches(&self, own: Option<usize>, country: Option<usize>, border_km: f64) -> bool {
        if own == country {
            return true;
        }
        let depth = self.depth_km(own, country);
        depth > 0.0 && border_km <= depth
    }

    /// The deepest each pair is ever let in over `history` (what a garrison's reach must cover
    /// for the agreements to come), or `None` when the history has no agreement.
    pub fn deepest(history: &[HistoryEvent], countries: usize) -> Option<Self> {
        let mut deepest = BorderAgreements {
            countries,
            depth_km: vec![0.0; countries * countries],
        };
        let mut any = false;
        for (country, partner, depth_km) in entries(history, countries) {
            any = true;
            for (a, b) in [(country, partner), (partner, country)] {
                let d = &mut deepest.depth_km[a * countries + b];
                *d = d.max(depth_km);
            }
        }
        any.then_some(deepest)
    }

    /// The deepest depth of any pair, km.
    pub fn max_depth_km(&self) -> f64 {
        self.depth_km.iter().copied().fold(0.0, f64::max)
    }

    /// The depths as bits, for telling whether anything changed.
    pub fn bits(&self) -> Vec<u64> {
        self.depth_km.iter().map(|d| d.to_bits()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::HistoryKind;

    fn agreement(day: u32, country: usize, partner: usize, depth_km: f64) -> HistoryEvent {
        HistoryEvent {
            day,
            date: time::macros::date!(2017 - 01 - 01),
            kind: HistoryKind::BorderAgreement,
            effect: HistoryEffect::BorderAgreement {
                country,
                partner,
                depth_km,
            },
            note: String::new(),
        }
    }

    #[test]
    fn the_latest_entry_for_a_pair_holds_either_way_round_until_another_ends_it() {
        let history = [
            agreement(10, 0, 1, 50.0),
            agreement(20, 1, 0, 100.0),
            agreement(30, 0, 1, 0.0),
            agreement(15, 1, 2, 80.0),
        ];
        let mut history = history.to_vec();
        history.sort_by_key(|h| h.day);
        let on = |day| BorderAgreements::on(&history, day, 3);
        assert_eq!(on(5).depth_km(Some(0), Some(1)), 0.0);
        assert_eq!(on(12).depth_km(Some(1), Some(0)), 50.0);
        assert_eq!(on(25).depth_km(Some(0), Some(1)), 100.0);
        assert_eq!(on(25).depth_km(Some(2), Some(1)), 80.0);
        assert_eq!(
            on(25).depth_km(Some(0), Some(2)),
            0.0,
            "no agreement between 0 and 2"
        );
        assert_eq!(on(35).depth_km(Some(0), Some(1)), 0.0, "ended");
        assert_eq!(
            on(25).depth_km(Some(0), Some(7)),
            0.0,
            "not a country of the table"
        );
        // Forces always act at home; across only within the depth, and never without a country.
        let a = on(25);
        assert!(a.reaches(Some(0), Some(0), 1_000.0));
        assert!(a.reaches(Some(0), Some(1), 99.0));
        assert!(!a.reaches(Some(0), Some(1), 101.0));
        assert!(!a.reaches(Some(0), Some(2), 0.0));
        assert!(!a.reaches(Some(0), None, 0.0));
        // What a garrison must be able to reach: the deepest ever agreed.
        let deepest = BorderAgreements::deepest(&history, 3).unwrap();
        assert_eq!(deepest.depth_km(Some(1), Some(0)), 100.0);
        assert_eq!(deepest.max_depth_km(), 100.0);
        assert!(BorderAgreements::deepest(&[], 3).is_none());
    }
}
