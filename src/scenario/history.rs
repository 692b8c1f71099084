//! The `history` section: known events on given dates from the historical record (a leader
//! killed, foreign forces withdrawn, a change in how forces fight, a militia's mass
//! recruitment). Each entry is dated and carries its source in `note`; the model does the rest.

use serde::{Deserialize, Serialize};
use time::Date;

use super::checker::Checker;
use super::groups::GroupNames;
use super::merge::merge_by_replacing;
use super::period::{Period, format_date, serialize_date};
use crate::geo::MapData;

/// What a historical event does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum HistoryKind {
    /// The group's leader is killed: the group degrades and its bands may defect. Needs `group`.
    LeaderKilled,
    /// A leaderless group has a new leader from this date (a succession): it is active again,
    /// its cohesion recovers from where it stands and its bands stop defecting for want of a
    /// leader. A group already absorbed into another stays absorbed. Needs `group`.
    LeaderReplaced,
    /// A force's strength in a country changes from this date: every garrison of that kind
    /// there is set to `factor` times its strength at the start (0 withdraws it). Needs
    /// `country`, `force` and `factor`.
    ForcesStrength,
    /// How state forces fight in a country changes: their bluntness is `factor` times the
    /// scenario's from this date (a new partner force, a new doctrine). Needs `country` and
    /// `factor`.
    ForcesConduct,
    /// A militia's mobilisation changes: the members it raises are `factor` times
    /// `model.militias.members_per_1000` from this date (a recruitment drive). Needs `militia`
    /// and `factor`.
    MilitiaMobilisation,
    /// How readily the JNIM coalition and the Islamic State's bands fight each other changes:
    /// the chance of a clash between rival bands that meet is `factor` times
    /// `violence.rival_clash` from this date (0: the two keep a truce, as in the "Sahelian
    /// exception" before 2019). Needs `factor`.
    CoalitionRivalry,
    /// Two countries let each other's national forces operate across their common border
    /// from this date, up to `depth_km` into the other's territory (a right of pursuit; 0 ends
    /// it). Without such an entry forces stop at their border. Needs `country`, `partner` and
    /// `depth_km`.
    BorderAgreement,
    /// A group's coalition lays siege to a town from this date (`factor` 1; 0 lifts it): its
    /// bands are drawn to the ring within `radius_km` of the town; where they hold the ring
    /// they drive its villagers out, let no one leave the town, and their attacks strike the
    /// town's people who go out and its supply convoys. Needs `group`, `town` and
    /// `radius_km`.
    Blockade,
}

/// Kind of security force, as a history entry names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum ForceName {
    /// National army and gendarmerie.
    National,
    /// International forces (MINUSMA, Barkhane, Takuba).
    International,
}

/// A known event on a given date.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "history_event")]
pub struct RawHistoryEvent {
    /// ISO date.
    pub date: String,
    /// What happens.
    pub kind: Option<HistoryKind>,
    /// The group it happens to (`LeaderKilled`, `LeaderReplaced`).
    pub group: Option<String>,
    /// The country, by ISO3 code (`ForcesStrength`, `ForcesConduct`, `BorderAgreement`).
    pub country: Option<String>,
    /// The other country of a `BorderAgreement`, by ISO3 code.
    pub partner: Option<String>,
    /// How far across the border the forces may operate, km (`BorderAgreement`).
    pub depth_km: Option<f64>,
    /// The force (`ForcesStrength`).
    pub force: Option<ForceName>,
    /// The militia, by its name in the map data (`MilitiaMobilisation`).
    pub militia: Option<String>,
    /// The town, by its name in the map data (`Blockade`).
    pub town: Option<String>,
    /// How far around the town the siege's ring reaches, km (`Blockade`).
    pub radius_km: Option<f64>,
    /// The new level, relative to the scenario's (`ForcesStrength`, `ForcesConduct`,
    /// `MilitiaMobilisation`, `CoalitionRivalry`; `Blockade`: 1 in force, 0 lifted).
    pub factor: Option<f64>,
    /// A note (who, what changed, source).
    pub note: Option<String>,
}

merge_by_replacing!(HistoryKind, Vec<RawHistoryEvent>);

/// What a validated history event does, with its names resolved.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum HistoryEffect {
    /// Group `group` (index) loses its leader.
    LeaderKilled {
        /// Group index.
        group: usize,
    },
    /// Group `group` (index) has a new leader.
    LeaderReplaced {
        /// Group index.
        group: usize,
    },
    /// Garrisons of `force` in `country` (index into the map's countries) are set to `factor`
    /// times their strength at the start.
    ForcesStrength {
        /// Country index.
        country: usize,
        /// The force.
        force: ForceName,
        /// Strength relative to the start.
        factor: f64,
    },
    /// State forces' bluntness in `country` is `factor` times the scenario's.
    ForcesConduct {
        /// Country index.
        country: usize,
        /// Bluntness relative to the scenario's.
        factor: f64,
    },
    /// Militia `militia` (index into the map's militias) mobilises `factor` times the base.
    MilitiaMobilisation {
        /// Militia index.
        militia: usize,
        /// Mobilisation relative to the base.
        factor: f64,
    },
    /// Clashes between rival coalitions' bands happen at `factor` times
    /// `violence.rival_clash`.
    CoalitionRivalry {
        /// Chance of a clash relative to the scenario's.
        factor: f64,
    },
    /// The national forces of `country` and `partner` (indices into the map's countries) may
    /// operate up to `depth_km` into each other's territory.
    BorderAgreement {
        /// Country index.
        country: usize,
        /// The other country's index.
        partner: usize,
        /// Depth across the border, km (0: forces stop at the border).
        depth_km: f64,
    },
    /// The coalition of group `group` besieges town `town` (index into the map's towns) with
    /// a ring of `radius_km`, at level `factor` (0: lifted).
    Blockade {
        /// Index of the group whose coalition lays the siege.
        group: usize,
        /// Town index.
        town: usize,
        /// Radius of the ring around the town, km.
        radius_km: f64,
        /// Level of the siege (0: lifted).
        factor: f64,
    },
}

/// A known event on a given day.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryEvent {
    /// Day index from the start (may lie after the end: then it never happens).
    pub day: u32,
    /// The date.
    #[serde(serialize_with = "serialize_date")]
    pub date: Date,
    /// What happens.
    pub kind: HistoryKind,
    /// What it does.
    pub effect: HistoryEffect,
    /// A note.
    pub note: String,
}

/// Deepest a `BorderAgreement` may let forces go into a neighbour's territory, km.
pub const MAX_AGREEMENT_DEPTH_KM: f64 = 500.0;

/// Widest ring a `Blockade` may draw around its town, km.
pub const MAX_BLOCKADE_RADIUS_KM: f64 = 200.0;

/// Largest `factor` of a history entry (a force or a militia at most this many times its
/// starting level).
pub const MAX_HISTORY_FACTOR: f64 = 100.0;

/// Validates the `history` section against the period, the groups and the map data's
/// countries and militias.
pub(super) fn validate(
    c: &mut Checker,
    raw: Option<&Vec<RawHistoryEvent>>,
    period: &Period,
    group_names: &GroupNames,
    map_data: &MapData,
) -> Vec<HistoryEvent> {
    let mut history = Vec::new();
    let countries: Vec<&str> = map_data
        .countries
        .iter()
        .filter(|k| k.in_study_area)
        .map(|k| k.iso3.as_str())
        .collect();
    let militias: Vec<&str> = map_data.militias.iter().map(|m| m.name.as_str()).collect();
    let towns: Vec<&str> = map_data.towns.iter().map(|t| t.name.as_str()).collect();
    let groups: Vec<&str> = group_names.names().iter().map(String::as_str).collect();
    for (k, h) in raw.cloned().unwrap_or_default().iter().enumerate() {
        let path = format!("history[{k}]");
        let date = c.date(&Some(h.date.clone()), &format!("{path}.date"));
        let kind = c.required(
            &h.kind,
            &format!("{path}.kind"),
            "kind: LeaderKilled, LeaderReplaced, ForcesStrength, ForcesConduct, MilitiaMobilisation, CoalitionRivalry, BorderAgreement or Blockade",
        );
        if let Some(d) = date
            && period.start != Date::MIN
            && d < period.start
        {
            let e = c
                .error(
                    &format!("{path}.date"),
                    format!("{} is before the period starts", format_date(d)),
                )
                .expected(format!("a date on or after {}", format_date(period.start)));
            c.push(e);
        }
        let Some(kind) = kind else { continue };
        let field = |name: &str| format!("{path}.{name}");
        let need = |c: &mut Checker, present: bool, name: &str, expected: &str| {
            if !present {
                let e = c
                    .error(&field(name), "missing")
                    .expected(format!("{expected} (a `{kind:?}` entry needs it)"));
                c.push(e);
            }
        };
        // A number the entry's kind needs: missing, or outside `lo..=hi`, is a located error
        // (and `fallback` stands in for a value out of range).
        let required = |c: &mut Checker,
                        value: Option<f64>,
                        name: &str,
                        missing: &str,
                        (fallback, lo, hi): (f64, f64, f64),
                        expected: &str| {
            need(c, value.is_some(), name, missing);
            value.map(|v| c.number(Some(v), fallback, &field(name), lo, hi, expected))
        };
        let factor = |c: &mut Checker| {
            required(
                c,
                h.factor,
                "factor",
                "a factor, e.g. `factor: 0.5`",
                (1.0, 0.0, MAX_HISTORY_FACTOR),
                &format!("a factor from 0 to {MAX_HISTORY_FACTOR}"),
            )
        };
        let study_country = |c: &mut Checker, value: &Option<String>, name: &str| {
            need(
                c,
                value.is_some(),
                name,
                &format!("a study country's ISO3 code, e.g. `{name}: \"MLI\"`"),
            );
            value.as_ref().and_then(|iso3| {
                let found = map_data
                    .countries
                    .iter()
                    .position(|k| k.in_study_area && &k.iso3 == iso3);
                if found.is_none() {
                    let e = c
                        .error(&field(name), format!("unknown country `{iso3}`"))
                        .expected("the ISO3 code of a study country")
                        .choices(iso3, &countries);
                    c.push(e);
                }
                found
            })
        };
        let country = |c: &mut Checker| study_country(c, &h.country, "country");
        // A name that must be one of `list` (the scenario's groups, the map data's militias or
        // towns): its index, or a located error with the closest choice. `what` says where the
        // names come from; `missing`, what to write when the field is absent.
        let named = |c: &mut Checker,
                     value: &Option<String>,
                     name: &str,
                     noun: &str,
                     what: &str,
                     list: &[&str],
                     missing: &str| {
            need(c, value.is_some(), name, missing);
            value.as_ref().and_then(|v| {
                let found = list.iter().position(|x| x == v);
                if found.is_none() {
                    let e = c
                        .error(&field(name), format!("unknown {noun} `{v}`"))
                        .expected(format!("the name of {what}"))
                        .choices(v, list);
                    c.push(e);
                }
                found
            })
        };
        let group = |c: &mut Checker, missing: &str| {
            named(
                c,
                &h.group,
                "group",
                "group",
                "a group in `groups`",
                &groups,
                missing,
            )
        };
        let effect = match kind {
            HistoryKind::LeaderKilled | HistoryKind::LeaderReplaced => {
                group(c, "the name of a group in `groups`").map(|group| match kind {
                    HistoryKind::LeaderKilled => HistoryEffect::LeaderKilled { group },
                    _ => HistoryEffect::LeaderReplaced { group },
                })
            }
            HistoryKind::ForcesStrength => {
                need(
                    c,
                    h.force.is_some(),
                    "force",
                    "`force: National` or `force: International`",
                );
                let (country, factor) = (country(c), factor(c));
                match (country, h.force, factor) {
                    (Some(country), Some(force), Some(factor)) => {
                        Some(HistoryEffect::ForcesStrength {
                            country,
                            force,
                            factor,
                        })
                    }
                    _ => None,
                }
            }
            HistoryKind::ForcesConduct => match (country(c), factor(c)) {
                (Some(country), Some(factor)) => {
                    Some(HistoryEffect::ForcesConduct { country, factor })
                }
                _ => None,
            },
            HistoryKind::MilitiaMobilisation => {
                let militia = named(
                    c,
                    &h.militia,
                    "militia",
                    "militia",
                    "a militia of the map data",
                    &militias,
                    "the name of a militia of the map data",
                );
                match (militia, factor(c)) {
                    (Some(militia), Some(factor)) => {
                        Some(HistoryEffect::MilitiaMobilisation { militia, factor })
                    }
                    _ => None,
                }
            }
            HistoryKind::CoalitionRivalry => {
                factor(c).map(|factor| HistoryEffect::CoalitionRivalry { factor })
            }
            HistoryKind::BorderAgreement => {
                let country = country(c);
                let partner = study_country(c, &h.partner, "partner");
                let depth_km = required(
                    c,
                    h.depth_km,
                    "depth_km",
                    "how far across the border, e.g. `depth_km: 100.0`",
                    (0.0, 0.0, MAX_AGREEMENT_DEPTH_KM),
                    &format!("a depth in km from 0 to {MAX_AGREEMENT_DEPTH_KM}"),
                );
                if let (Some(a), Some(b)) = (country, partner)
                    && a == b
                {
                    let e = c
                        .error(
                            &field("partner"),
                            format!(
                                "`{}` is the entry's own country",
                                map_data.countries[b].iso3
                            ),
                        )
                        .expected("another study country: an agreement is between two");
                    c.push(e);
                    None
                } else {
                    match (country, partner, depth_km) {
                        (Some(country), Some(partner), Some(depth_km)) => {
                            Some(HistoryEffect::BorderAgreement {
                                country,
                                partner,
                                depth_km,
                            })
                        }
                        _ => None,
                    }
                }
            }
            HistoryKind::Blockade => {
                let group = group(
                    c,
                    "the name of a group in `groups` (its coalition lays the siege)",
                );
                let town = named(
                    c,
                    &h.town,
                    "town",
                    "town",
                    "a town of the map data",
                    &towns,
                    "the name of a town of the map data, e.g. `town: \"Djibo\"`",
                );
                let radius_km = required(
                    c,
                    h.radius_km,
                    "radius_km",
                    "how far around the town the ring reaches, e.g. `radius_km: 25.0`",
                    (25.0, 1.0, MAX_BLOCKADE_RADIUS_KM),
                    &format!("a radius in km from 1 to {MAX_BLOCKADE_RADIUS_KM}"),
                );
                match (group, town, radius_km, factor(c)) {
                    (Some(group), Some(town), Some(radius_km), Some(factor)) => {
                        Some(HistoryEffect::Blockade {
                            group,
                            town,
                            radius_km,
                            factor,
                        })
                    }
                    _ => None,
                }
            }
        };
        if let (Some(date), Some(effect)) = (date, effect)
            && date >= period.start
        {
            let day = (date - period.start).whole_days().clamp(0, u32::MAX as i64) as u32;
            history.push(HistoryEvent {
                day,
                date,
                kind,
                effect,
                note: h.note.clone().unwrap_or_default(),
            });
        }
    }
    // Stable: entries of one day keep the file's order.
    history.sort_by_key(|h| h.day);
    history
}

/// The latest `factor` of the entries before or on `day` that `pick` selects, or 1.
pub fn level_on(
    history: &[HistoryEvent],
    day: u32,
    pick: impl Fn(&HistoryEffect) -> Option<f64>,
) -> f64 {
    history
        .iter()
        .take_while(|h| h.day <= day)
        .filter_map(|h| pick(&h.effect))
        .last()
        .unwrap_or(1.0)
}
