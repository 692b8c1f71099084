//! `sahelsim compare`'s plots and report: a forest plot of every scenario's paired differences
//! from the base (relative change with its 95 % interval), the key outcomes by month with every
//! scenario overlaid (replicate mean and 90 % band), and the tables of differences: over the
//! whole study area and, for a comparison by region, region by region
//! ([`region_differences`], shared with the printed table).

use super::PlotFormat;
use super::cell_map_plot::{CellMapPlot, Scale};
use super::compare_plot::{Estimate, ForestPlot};
use super::figure::{Figure, render};
use super::format::{change, number, signed, signed_interval};
use super::html::Report;
use super::run_report::{parameters_section, scenario_facts};
use super::timeseries_plot::{Line, Panel, TimeSeriesPlot};
pub use crate::experiment::compare::Difference;
use crate::experiment::compare::{CellDifference, Paired, cell_differences};
use crate::geo::{SahelMap, map_data};
use crate::record::monthly::Month;
use crate::record::outcome::{
    ATTACKS_BY_GROUPS, ATTACKS_ON_CIVILIANS, Column, DISPLACED_END, EVENTS, EVENTS_BY_MILITIAS,
    EVENTS_BY_STATE, EVENTS_MILITANT, FATALITIES_CIVILIANS, FATALITIES_CIVILIANS_BY_GROUPS,
    FATALITIES_CIVILIANS_BY_MILITIAS, FATALITIES_CIVILIANS_BY_STATE, FATALITIES_MILITANTS,
    FATALITIES_SECURITY, FIGHTERS_ARRESTED, FIGHTERS_CHANGE, FIGHTERS_END, FIGHTERS_KILLED,
    FIGHTERS_RECRUITED, FIGHTERS_REINTEGRATED, FIGHTERS_RETURNED, FORMER_FIGHTERS_RELAPSED,
    Outcome, REVENUE, REVENUE_GOLD, REVENUE_KIDNAPPING, REVENUE_LOOT, REVENUE_ROUTES,
    REVENUE_ZAKAT, SCHOOLS_CLOSED_END, SUSTAINED_PRESENCE_END,
};
use crate::record::writers::VERSION;
use crate::scenario::Scenario;

/// The outcomes of the summary table and the forest plot (area "all"), before fighters and
/// revenue by group.
pub const KEY_DIFFERENCES: [Outcome; 12] = [
    EVENTS,
    ATTACKS_ON_CIVILIANS,
    FATALITIES_CIVILIANS,
    FATALITIES_SECURITY,
    FATALITIES_MILITANTS,
    DISPLACED_END,
    SCHOOLS_CLOSED_END,
    SUSTAINED_PRESENCE_END,
    FIGHTERS_END,
    FIGHTERS_REINTEGRATED,
    FORMER_FIGHTERS_RELAPSED,
    REVENUE,
];

/// The outcomes shown by group in the summary table and the forest plot (the others by group,
/// revenue by source, are in compare.csv and the channels).
pub const BY_GROUP: [Outcome; 2] = [FIGHTERS_END, REVENUE];

/// Whether `o` is shown by group (see [`BY_GROUP`]).
pub fn shown_by_group(o: &Column) -> bool {
    o.group.is_some() && BY_GROUP.iter().any(|b| b.key == o.outcome.key)
}

/// An outcome and the channels that add up to it exactly, each with a short name: who carried
/// the events out, who killed the civilians, where the groups' money came from, how the
/// number of fighters changed.
pub struct Channels {
    /// The outcome split.
    pub total: Outcome,
    /// Its channels, their short names and signs: the total is the sum of the channels
    /// times their signs (fighters killed count against the net change in fighters).
    pub parts: &'static [(Outcome, &'static str, f64)],
}

/// The channels of a comparison's effects (every one an exact partition of its total).
pub const CHANNELS: [Channels; 4] = [
    Channels {
        total: EVENTS,
        parts: &[
            (ATTACKS_BY_GROUPS, "armed groups", 1.0),
            (EVENTS_BY_STATE, "state forces", 1.0),
            (EVENTS_BY_MILITIAS, "militias", 1.0),
        ],
    },
    Channels {
        total: FATALITIES_CIVILIANS,
        parts: &[
            (FATALITIES_CIVILIANS_BY_GROUPS, "armed groups", 1.0),
            (FATALITIES_CIVILIANS_BY_STATE, "state forces", 1.0),
            (FATALITIES_CIVILIANS_BY_MILITIAS, "militias", 1.0),
        ],
    },
    Channels {
        total: REVENUE,
        parts: &[
            (REVENUE_GOLD, "gold", 1.0),
            (REVENUE_ROUTES, "routes", 1.0),
            (REVENUE_ZAKAT, "zakat", 1.0),
            (REVENUE_KIDNAPPING, "ransoms", 1.0),
            (REVENUE_LOOT, "loot", 1.0),
        ],
    },
    Channels {
        total: FIGHTERS_CHANGE,
        parts: &[
            (FIGHTERS_RECRUITED, "recruited", 1.0),
            (FIGHTERS_KILLED, "killed", -1.0),
            (FIGHTERS_ARRESTED, "arrested", -1.0),
            (FIGHTERS_RETURNED, "went home", -1.0),
        ],
    },
];

/// One outcome's change split into its channels, for one scenario over the whole study area.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelSplit {
    /// The outcome split.
    pub label: &'static str,
    /// Its unit.
    pub unit: &'static str,
    /// The total's paired difference.
    pub total: Paired,
    /// Each channel's short name, sign and paired difference, in [`CHANNELS`] order.
    pub parts: Vec<(&'static str, f64, Paired)>,
}

impl ChannelSplit {
    /// Whether the total or one of its channels changed (its interval excludes 0).
    pub fn moved(&self) -> bool {
        self.total.significant() || self.parts.iter().any(|(_, _, p)| p.significant())
    }

    /// A channel's share of the total's change (its difference times its sign), where the
    /// total changed significantly.
    pub fn share(&self, sign: f64, part: &Paired) -> Option<String> {
        if self.total.significant() {
            share_of(sign * part.diff, self.total.diff)
        } else {
            None
        }
    }

    /// In words: the total's change with its interval, then each channel's (`*` where the
    /// interval excludes 0) with its share of the total's change where the total changed, e.g.
    /// "violent events (events) +19.2 (-508 to +546): armed groups -476 (-863 to -88.9) *; state
    /// forces +478 (+335 to +621) *; militias +17.3 (-135 to +170)" (numbers in three
    /// significant figures).
    pub fn sentence(&self) -> String {
        let star = |p: &Paired| if p.significant() { " *" } else { "" };
        let parts: Vec<String> = self
            .parts
            .iter()
            .map(|(name, sign, p)| {
                let share = self
                    .share(*sign, p)
                    .map(|s| format!(", {s} of the change"))
                    .unwrap_or_default();
                format!(
                    "{name} {} ({}){}{share}",
                    signed(p.diff),
                    signed_interval(p.lo, p.hi),
                    star(p)
                )
            })
            .collect();
        format!(
            "{} ({}) {} ({}){}: {}",
            self.label,
            self.unit,
            signed(self.total.diff),
            signed_interval(self.total.lo, self.total.hi),
            star(&self.total),
            parts.join("; ")
        )
    }
}

/// `part` as a share of `total`, in whole per cent; `None` where the total is 0.
fn share_of(part: f64, total: f64) -> Option<String> {
    // `+ 0.0` turns a negative zero into 0, so that a share that rounds to 0 reads "0 %".
    (total != 0.0).then(|| format!("{:.0} %", (100.0 * part / total).round() + 0.0))
}

/// Every channel split of scenario `scenario`'s differences from the base, over the whole study
/// area, in [`CHANNELS`] order; a split whose total or one of whose channels is not compared
/// is left out.
pub fn channel_splits(diffs: &[Difference], scenario: usize) -> Vec<ChannelSplit> {
    let find = |o: &Outcome| {
        diffs
            .iter()
            .find(|d| {
                d.scenario == scenario
                    && d.outcome.area == "all"
                    && d.outcome.group.is_none()
                    && d.outcome.region.is_none()
                    && d.outcome.outcome.key == o.key
            })
            .map(|d| d.paired)
    };
    CHANNELS
        .iter()
        .filter_map(|c| {
            let total = find(&c.total)?;
            let parts = c
                .parts
                .iter()
                .map(|(o, name, sign)| find(o).map(|p| (*name, *sign, p)))
                .collect::<Option<Vec<_>>>()?;
            Some(ChannelSplit {
                label: c.total.label,
                unit: c.total.unit,
                total,
                parts,
            })
        })
        .collect()
}

/// The whole-study-area outcomes shown, in order: [`KEY_DIFFERENCES`], then those by group.
fn shown<'a>(diffs: &[Difference<'a>]) -> Vec<&'a Column> {
    let mut out: Vec<&Column> = Vec::new();
    for key in KEY_DIFFERENCES {
        if let Some(d) = diffs.iter().find(|d| {
            d.outcome.area == "all" && d.outcome.group.is_none() && d.outcome.outcome.key == key.key
        }) {
            out.push(d.outcome);
        }
    }
    for d in diffs {
        if d.outcome.area == "all"
            && shown_by_group(d.outcome)
            && !out.iter().any(|o| o.key() == d.outcome.key())
        {
            out.push(d.outcome);
        }
    }
    // Outcomes that are 0 in every scenario say nothing.
    out.retain(|o| {
        diffs
            .iter()
            .filter(|d| d.outcome.key() == o.key() && d.outcome.area == "all")
            .any(|d| d.paired.base_mean != 0.0 || d.paired.mean != 0.0)
    });
    out
}

/// The outcomes of the tables by region, in column order, with their short labels.
pub const BY_REGION: [(Outcome, &str); 3] = [
    (EVENTS, "events"),
    (FATALITIES_CIVILIANS, "civilians killed"),
    (DISPLACED_END, "displaced at the end"),
];

/// One region's row in a table of differences by region.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionDifferences {
    /// The region's name.
    pub region: String,
    /// The area of operation it lies in ("other": none).
    pub area: String,
    /// The paired difference of each outcome of [`BY_REGION`] (`None` where not compared).
    pub paired: Vec<Option<Paired>>,
}

impl RegionDifferences {
    /// The base's mean events in the region (0 where not compared).
    pub fn base_events(&self) -> f64 {
        self.paired
            .first()
            .copied()
            .flatten()
            .map_or(0.0, |p| p.base_mean)
    }
}

/// The regions in scenario `scenario`'s differences from the base (index among all, the base
/// being 0), as tables by region show them: the regions where any outcome of [`BY_REGION`] is
/// not 0 in the base or the scenario, most events in the base first (ties by name); then the
/// names of the others, where nothing happened in either, in name order. Both empty for a
/// comparison without regions.
pub fn region_differences(
    diffs: &[Difference],
    scenario: usize,
) -> (Vec<RegionDifferences>, Vec<String>) {
    let mut regions: Vec<RegionDifferences> = Vec::new();
    for d in diffs.iter().filter(|d| d.scenario == scenario) {
        let Some(region) = &d.outcome.region else {
            continue;
        };
        let Some(k) = BY_REGION
            .iter()
            .position(|(o, _)| o.key == d.outcome.outcome.key && d.outcome.group.is_none())
        else {
            continue;
        };
        let row = match regions.iter().position(|r| &r.region == region) {
            Some(i) => &mut regions[i],
            None => {
                regions.push(RegionDifferences {
                    region: region.clone(),
                    area: d.outcome.area.clone(),
                    paired: vec![None; BY_REGION.len()],
                });
                let last = regions.len() - 1;
                &mut regions[last]
            }
        };
        row.paired[k] = Some(d.paired);
    }
    let (mut active, quiet): (Vec<_>, Vec<_>) = regions.into_iter().partition(|r| {
        r.paired
            .iter()
            .flatten()
            .any(|p| p.base_mean != 0.0 || p.mean != 0.0)
    });
    active.sort_by(|a, b| {
        b.base_events()
            .total_cmp(&a.base_events())
            .then_with(|| a.region.cmp(&b.region))
    });
    let mut quiet: Vec<String> = quiet.into_iter().map(|r| r.region).collect();
    quiet.sort();
    (active, quiet)
}

/// The rows of a table of each armed group's events in each region, for scenario `scenario`
/// (index among all, the base being 0): for the regions of `regions` in their order, each
/// group with events linked to it in the base or the scenario, most in the base first (ties
/// by name): region, group, the base's mean events, the difference with its interval; and the
/// indices of the rows whose interval excludes 0. Empty for a comparison without them.
pub fn group_region_rows(
    diffs: &[Difference],
    scenario: usize,
    regions: &[RegionDifferences],
) -> (Vec<Vec<String>>, Vec<usize>) {
    let (mut rows, mut strong) = (Vec::new(), Vec::new());
    for r in regions {
        let mut groups: Vec<(&str, Paired)> = diffs
            .iter()
            .filter(|d| {
                d.scenario == scenario
                    && d.outcome.outcome.key == EVENTS_MILITANT.key
                    && d.outcome.region.as_ref() == Some(&r.region)
                    && (d.paired.base_mean != 0.0 || d.paired.mean != 0.0)
            })
            .filter_map(|d| Some((d.outcome.group.as_deref()?, d.paired)))
            .collect();
        groups.sort_by(|a, b| {
            b.1.base_mean
                .total_cmp(&a.1.base_mean)
                .then_with(|| a.0.cmp(b.0))
        });
        for (group, p) in groups {
            if p.significant() {
                strong.push(rows.len());
            }
            rows.push(vec![
                r.region.clone(),
                group.to_string(),
                number(p.base_mean),
                difference_with_interval(Some(&p)),
            ]);
        }
    }
    (rows, strong)
}

/// A paired difference and its interval in one cell: "-2.10 [-3.40 to -0.800] *" (`*`: the
/// interval excludes 0); empty where not compared.
pub fn difference_with_interval(p: Option<&Paired>) -> String {
    p.map(|p| {
        format!(
            "{} [{}]{}",
            signed(p.diff),
            signed_interval(p.lo, p.hi),
            if p.significant() { " *" } else { "" }
        )
    })
    .unwrap_or_default()
}

/// The rows of a table of differences by region ([`region_differences`]): region, its
/// country's ISO3 code, area, the base's mean events, then each outcome of [`BY_REGION`] as a
/// difference with its interval; and the indices of the rows whose events' interval excludes 0.
pub fn region_table_rows(regions: &[RegionDifferences]) -> (Vec<Vec<String>>, Vec<usize>) {
    let mut strong = Vec::new();
    let rows = regions
        .iter()
        .enumerate()
        .map(|(i, r)| {
            if r.paired
                .first()
                .copied()
                .flatten()
                .is_some_and(|p| p.significant())
            {
                strong.push(i);
            }
            let country = map_data()
                .regions
                .iter()
                .find(|d| d.name == r.region)
                .map_or("", |d| d.country.as_str());
            let mut row = vec![
                r.region.clone(),
                country.to_string(),
                r.area.clone(),
                number(r.base_events()),
            ];
            row.extend(
                r.paired
                    .iter()
                    .map(|p| difference_with_interval(p.as_ref())),
            );
            row
        })
        .collect();
    (rows, strong)
}

/// The header of a table of differences by region ([`region_table_rows`]).
pub fn region_table_header() -> Vec<String> {
    let mut h = vec![
        "region".to_string(),
        "country".to_string(),
        "area".to_string(),
        "events, base".to_string(),
    ];
    h.extend(
        BY_REGION
            .iter()
            .map(|(_, label)| format!("{label}: difference [95 %]")),
    );
    h
}

/// What a comparison's figures are drawn from, beside the differences of its outcomes.
pub struct CompareData<'a> {
    /// The map the scenarios ran on.
    pub map: &'a SahelMap,
    /// `months[s][r]`: scenario s's replicate r's months.
    pub months: &'a [Vec<Vec<Month>>],
    /// `cells[s][r]`: scenario s's replicate r's events per cell over the policy period
    /// ([`crate::experiment::compare::events_by_cell`]).
    pub cells: &'a [Vec<Vec<(u32, u32)>>],
    /// The policy period's first day as a fractional year (for the time axes).
    pub policy_start: f64,
}

/// The values of a difference map: each cell's paired mean difference where its 95 %
/// interval excludes zero, and 0 (drawn neutral) where the difference is within noise.
pub fn difference_map_values(diffs: &[CellDifference]) -> Vec<f64> {
    diffs
        .iter()
        .map(|d| if d.significant() { d.diff } else { 0.0 })
        .collect()
}

/// Draws the forest plot, the paired differences by month, the overlaid monthly outcomes and
/// the map of where events change.
pub fn figures(
    scenarios: &[&Scenario],
    diffs: &[Difference],
    data: &CompareData,
    format: PlotFormat,
    report: bool,
) -> Result<Vec<Figure>, super::FigureError> {
    let months = data.months;
    let base = scenarios.first().map(|s| s.name.as_str()).unwrap_or("");
    let outcomes = shown(diffs);
    let estimates = outcomes
        .iter()
        .map(|o| {
            (1..scenarios.len())
                .map(|s| {
                    diffs
                        .iter()
                        .find(|d| d.scenario == s && d.outcome == *o)
                        .and_then(|d| {
                            let p = d.paired;
                            (p.base_mean != 0.0).then(|| Estimate {
                                change: 100.0 * p.diff / p.base_mean,
                                lo: 100.0 * p.lo / p.base_mean,
                                hi: 100.0 * p.hi / p.base_mean,
                            })
                        })
                })
                .collect()
        })
        .collect();
    let forest = ForestPlot {
        interval: "95 % confidence interval".to_string(),
        title: format!("Paired differences from {base} over the policy period (95 % intervals)"),
        outcomes: outcomes
            .iter()
            .map(|o| format!("{} ({})", o.label(), o.unit()))
            .collect(),
        scenarios: scenarios[1.min(scenarios.len())..]
            .iter()
            .map(|s| s.name.clone())
            .collect(),
        estimates,
    };
    let forest_figure = || {
        render(
            &forest,
            "compare_forest",
            &format!(
                "Each scenario's paired difference from {base} (common random numbers) as a percentage of the base mean, with its 95 % confidence interval, over the whole study area. A filled dot: the interval excludes 0. The axis spans every interval; outcomes whose base mean is 0 are not drawn (see the tables)."
            ),
            format,
            report,
        )
    };

    let x: Vec<f64> = months
        .first()
        .and_then(|m| m.first())
        .map(|m| m.iter().map(Month::x).collect())
        .unwrap_or_default();
    let color = |s: usize| {
        if s == 0 {
            plotters::style::RGBColor(0, 0, 0)
        } else {
            ForestPlot::color(s - 1)
        }
    };
    let panel = |title: &str, y_desc: &str, f: &dyn Fn(&Month) -> f64| Panel {
        title: title.into(),
        y_desc: y_desc.into(),
        lines: scenarios
            .iter()
            .zip(months)
            .enumerate()
            .map(|(s, (sc, reps))| {
                let values: Vec<Vec<f64>> =
                    reps.iter().map(|r| r.iter().map(f).collect()).collect();
                Line::from_replicates(&sc.name, color(s), &x, &values)
            })
            .collect(),
    };
    let start = Some((data.policy_start, "policy starts".to_string()));
    let difference_panel = |title: &str, y_desc: &str, f: &dyn Fn(&Month) -> f64| Panel {
        title: title.into(),
        y_desc: y_desc.into(),
        lines: (1..scenarios.len().min(months.len()))
            .map(|s| {
                let values = |reps: &[Vec<Month>]| -> Vec<Vec<f64>> {
                    reps.iter().map(|r| r.iter().map(f).collect()).collect()
                };
                Line::paired_difference(
                    &format!("{} − {base}", scenarios[s].name),
                    color(s),
                    &x,
                    &values(&months[0]),
                    &values(&months[s]),
                )
            })
            .collect(),
    };
    let reps = months.first().map(Vec::len).unwrap_or(0);
    let differences = TimeSeriesPlot {
        title: format!(
            "Paired difference from {base} by month, mean and 95 % confidence band, {reps} paired replicates"
        ),
        x_desc: "year (monthly values)".into(),
        panels: vec![
            difference_panel(
                "Violent events per month",
                "difference, events per month",
                &|m| m.events,
            ),
            difference_panel(
                "Civilians killed per month",
                "difference, people killed per month",
                &|m| m.fatalities_civilians,
            ),
            difference_panel(
                "People displaced (at each month's end)",
                "difference, people",
                &|m| m.displaced,
            ),
            difference_panel(
                "Fighters, all groups (at each month's end)",
                "difference, fighters",
                &|m| m.fighters_total(),
            ),
        ],
        columns: 2,
        marker: start.clone(),
    };
    let differences_figure = || {
        render(
            &differences,
            "compare_differences",
            &format!(
                "What each scenario changes, month by month: the scenario minus {base}, replicate by replicate on the same seeds (common random numbers), as the mean of the {reps} paired differences with its 95 % confidence band (Student's t). The dashed line marks the start of the policy period; where the band holds the black zero line, the months differ by no more than the noise between replicates."
            ),
            format,
            report,
        )
    };
    let mut difference_map = None;
    if let Some(base_cells) = data.cells.first() {
        let n = data.map.grid.cells.len();
        let panels: Vec<(String, Vec<f64>)> = (1..scenarios.len().min(data.cells.len()))
            .map(|s| {
                let d = cell_differences(base_cells, &data.cells[s], n);
                (
                    format!("{} − {base}", scenarios[s].name),
                    difference_map_values(&d),
                )
            })
            .collect();
        if !panels.is_empty() {
            difference_map = Some(CellMapPlot {
                    map: data.map,
                    title: format!("Where events change: each scenario minus {base} over the policy period"),
                    legend: "paired difference in events per cell over the policy period (scenario − base), mean of the replicates".into(),
                    neutral: "within noise (95 % interval includes 0)".into(),
                    panels,
                    scale: Scale::Diverging,
                });
        }
    }
    let difference_map_figure = || {
        difference_map.as_ref().map(|plot| {
            render(
                plot,
                "compare_map_events",
                &format!("Where a policy changes violence: each cell's events over the policy period in the scenario minus those in {base}, the mean of {reps} paired replicates. Blue: fewer events, red: more. Grey cells: no difference beyond the noise between replicates (the 95 % interval of the paired difference includes 0), or no events in either."),
                format,
                report,
            )
        })
        .transpose()
    };
    let plot = TimeSeriesPlot {
        title: format!("Key outcomes by month, every scenario, {reps} paired replicates"),
        x_desc: "year (monthly values)".into(),
        panels: vec![
            panel("Violent events per month", "events per month", &|m| {
                m.events
            }),
            panel(
                "Civilians killed per month",
                "people killed per month",
                &|m| m.fatalities_civilians,
            ),
            panel("People displaced (at each month's end)", "people", &|m| {
                m.displaced
            }),
            panel(
                "Fighters, all groups (at each month's end)",
                "fighters",
                &|m| m.fighters_total(),
            ),
            panel(
                "Armed groups' revenue per month",
                "US$ per month, all groups",
                &|m| m.revenue_total(),
            ),
            panel(
                "Government presence (at each month's end)",
                "resident-weighted mean, 0 to 1",
                &|m| m.government_presence,
            ),
        ],
        columns: 2,
        marker: start,
    };
    let outcomes_figure = || {
        render(
            &plot,
            "compare_outcomes",
            &format!(
                "Key outcomes by month over the whole study area for every scenario ({base} in black): lines are the mean of {reps} replicates, shaded bands their 90 % interval. Replicate r of every scenario runs on the same seed."
            ),
            format,
            report,
        )
    };
    // The pictures are drawn in parallel (on the caller's worker pool), and kept in this order.
    let ((forest, differences), (difference_map, outcomes)) = rayon::join(
        || rayon::join(forest_figure, differences_figure),
        || rayon::join(difference_map_figure, outcomes_figure),
    );
    let mut figs = vec![forest?, differences?];
    figs.extend(difference_map?);
    figs.push(outcomes?);
    Ok(figs)
}

/// The cells of one paired difference, as the printed table and the report show them:
/// "label (unit)", base mean, scenario mean, difference, its 95 % interval, relative change.
pub fn difference_cells(label: &str, unit: &str, p: &Paired) -> [String; 6] {
    [
        format!("{label} ({unit})"),
        number(p.base_mean),
        number(p.mean),
        signed(p.diff),
        signed_interval(p.lo, p.hi),
        change(p.relative),
    ]
}

/// The report of a comparison. `period` is the policy period's first and last day;
/// `switched_off` the mechanisms held off in every scenario (`compare --ablate`), in words.
pub fn report(
    scenarios: &[&Scenario],
    diffs: &[Difference],
    period: (&str, &str),
    replicates: u32,
    seed: u64,
    switched_off: &[String],
    figures: &[Figure],
) -> Report {
    let base = scenarios.first().map(|s| s.name.as_str()).unwrap_or("");
    let mut r = Report::new(&format!("Policy comparison against {base}"));
    r.kicker("sahelsim compare");
    r.lede(&format!(
        "{} scenario(s) compared with {base} over the policy period {} to {}, on {replicates} paired replicates (common random numbers, seed {seed}).",
        scenarios.len().saturating_sub(1),
        period.0,
        period.1
    ));
    r.footer(&format!(
        "Produced by sahelsim {VERSION}. compare.csv and compare.json beside this report hold every outcome by area of operation (and by region, with --by region) and every replicate's value; manifest.json records every input."
    ));
    r.section("What was run");
    r.key_values(&[
        ("policy period", format!("{} to {}", period.0, period.1)),
        ("paired replicates", replicates.to_string()),
        ("master seed (every scenario)", seed.to_string()),
        ("program", format!("sahelsim {VERSION}")),
        (
            "mechanisms switched off in every scenario",
            if switched_off.is_empty() {
                "none".to_string()
            } else {
                switched_off.join("; ")
            },
        ),
    ]);
    for (i, s) in scenarios.iter().enumerate() {
        r.subsection(&if i == 0 {
            format!("Base: {}", s.name)
        } else {
            format!("Scenario {i}: {}", s.name)
        });
        r.key_values(&scenario_facts(s));
    }
    r.section("Key findings");
    r.paragraph("For each scenario, the key outcomes over the policy period across the whole study area: the base's and the scenario's means, their paired difference and its 95 % confidence interval (Student's t over the replicates' differences). Rows in bold: the interval excludes 0.");
    let outcomes = shown(diffs);
    for (i, s) in scenarios.iter().enumerate().skip(1) {
        r.subsection(&format!("{} against {base}", s.name));
        let mut strong = Vec::new();
        let mut rows = Vec::new();
        for o in &outcomes {
            let Some(d) = diffs.iter().find(|d| d.scenario == i && d.outcome == *o) else {
                continue;
            };
            let p = d.paired;
            if p.significant() {
                strong.push(rows.len());
            }
            rows.push(difference_cells(&o.label(), o.unit(), &p).to_vec());
        }
        r.table_marked(
            &[
                "outcome",
                "base",
                "scenario",
                "difference",
                "95 % interval",
                "change",
            ],
            &rows,
            &strong,
        );
    }
    r.section("Channels");
    r.paragraph("Each effect split into the channels that add up to it exactly, over the policy period and the whole study area: violent events and civilians killed by who carried them out (armed groups, state forces, militias allied to the state), the armed groups' revenue by source, and the net change in fighters by flow (recruited, less killed, arrested and gone home). A policy that raises events through the state's own operations, or moves money from one source to another, shows it here. The share is each channel's part of the total's change, given where the total changed significantly (channels can move in opposite directions, so shares can exceed 100 % or be negative). Rows in bold: the interval excludes 0. A total that does not change can hide channels that do, in opposite directions.");
    for (i, s) in scenarios.iter().enumerate().skip(1) {
        r.subsection(&format!("{} against {base}: channels", s.name));
        let splits = channel_splits(diffs, i);
        let mut rows = Vec::new();
        let mut strong = Vec::new();
        for split in &splits {
            let mut push = |label: String, p: &Paired, share: String| {
                if p.significant() {
                    strong.push(rows.len());
                }
                rows.push(vec![
                    label,
                    number(p.base_mean),
                    number(p.mean),
                    signed(p.diff),
                    signed_interval(p.lo, p.hi),
                    share,
                ]);
            };
            push(
                format!("{} ({})", split.label, split.unit),
                &split.total,
                String::new(),
            );
            for (name, sign, p) in &split.parts {
                let label = if *sign < 0.0 {
                    format!("  less {name}")
                } else {
                    format!("  of which {name}")
                };
                push(label, p, split.share(*sign, p).unwrap_or_default());
            }
        }
        r.table_marked(
            &[
                "outcome and channel",
                "base",
                "scenario",
                "difference",
                "95 % interval",
                "share of the change",
            ],
            &rows,
            &strong,
        );
        let carried: Vec<String> = splits
            .iter()
            .filter(|c| c.moved())
            .map(ChannelSplit::sentence)
            .collect();
        if carried.is_empty() {
            r.note("Neither these totals nor any of their channels changed significantly (every interval includes 0).");
        } else {
            r.paragraph("What moved (* the interval excludes 0):");
            r.list(&carried);
        }
    }
    if diffs.iter().any(|d| d.outcome.region.is_some()) {
        r.section("By region");
        r.paragraph("For each scenario, the paired differences over the policy period in each admin-1 region (boundaries approximate, docs/map.md), regions with the most events in the base first: the base's mean events, then the difference of events, civilians killed and people displaced at the end with its 95 % confidence interval (* and bold: the events' interval excludes 0). compare.csv and compare.json hold every outcome by region.");
        for (i, s) in scenarios.iter().enumerate().skip(1) {
            r.subsection(&format!("{} against {base}, by region", s.name));
            let (regions, quiet) = region_differences(diffs, i);
            let (rows, strong) = region_table_rows(&regions);
            let header = region_table_header();
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            r.table_marked(&header, &rows, &strong);
            if !quiet.is_empty() {
                r.note(&format!(
                    "No events, civilian deaths or displaced people in either scenario: {}.",
                    quiet.join(", ")
                ));
            }
            let (rows, strong) = group_region_rows(diffs, i, &regions);
            if !rows.is_empty() {
                r.paragraph(&format!(
                    "By whom: the events linked to each armed group in each region, {} against {base} (* and bold: the interval excludes 0; regions in the order above).",
                    s.name
                ));
                r.table_marked(
                    &[
                        "region",
                        "group",
                        "events linked to it, base",
                        "difference [95 %]",
                    ],
                    &rows,
                    &strong,
                );
            }
        }
    }
    r.section("Figures");
    for f in figures {
        r.figure(f);
    }
    parameters_section(&mut r, scenarios);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paired_at(diff: f64, half: f64) -> Paired {
        Paired {
            base_mean: 100.0,
            mean: 100.0 + diff,
            diff,
            lo: diff - half,
            hi: diff + half,
            relative: diff / 100.0,
        }
    }

    #[test]
    fn a_channel_split_names_the_channels_that_moved_and_their_shares() {
        // A total that does not change, over two channels that offset each other.
        let offset = ChannelSplit {
            label: "violent events",
            unit: "events",
            total: paired_at(2.0, 50.0),
            parts: vec![
                ("armed groups", 1.0, paired_at(-40.0, 10.0)),
                ("state forces", 1.0, paired_at(42.0, 10.0)),
            ],
        };
        assert!(offset.moved());
        assert_eq!(offset.share(1.0, &offset.parts[0].2), None);
        assert_eq!(
            offset.sentence(),
            "violent events (events) +2.00 (-48.0 to +52.0): armed groups -40.0 (-50.0 to -30.0) *; state forces +42.0 (+32.0 to +52.0) *"
        );
        // A total that changes: each channel's share of it.
        let carried = ChannelSplit {
            label: "violent events",
            unit: "events",
            total: paired_at(40.0, 10.0),
            parts: vec![
                ("armed groups", 1.0, paired_at(10.0, 20.0)),
                ("state forces", 1.0, paired_at(30.0, 10.0)),
            ],
        };
        assert_eq!(
            carried.share(1.0, &carried.parts[1].2).as_deref(),
            Some("75 %")
        );
        assert_eq!(
            carried.share(-1.0, &carried.parts[1].2).as_deref(),
            Some("-75 %")
        );
        assert!(
            carried
                .sentence()
                .contains("state forces +30.0 (+20.0 to +40.0) *, 75 % of the change")
        );
        let still = ChannelSplit {
            parts: vec![("armed groups", 1.0, paired_at(1.0, 5.0))],
            total: paired_at(1.0, 5.0),
            ..carried
        };
        assert!(!still.moved());
    }
    use crate::report::palette::NEUTRAL;

    /// A column of `outcome` in `region` (area "central"), for all groups or `group`.
    fn region_column(outcome: &'static Outcome, region: &str, group: Option<&str>) -> Column {
        Column {
            outcome,
            area: "central".into(),
            area_index: None,
            region: Some(region.into()),
            region_index: None,
            group: group.map(str::to_string),
            group_index: None,
        }
    }

    /// Scenario 1's differences for `columns`, each from constant (base, scenario) values.
    fn constant_differences<'a>(
        columns: &'a [Column],
        values: &[(f64, f64)],
    ) -> Vec<Difference<'a>> {
        columns
            .iter()
            .zip(values)
            .map(|(c, &(b, o))| Difference {
                scenario: 1,
                outcome: c,
                paired: crate::experiment::compare::paired(&[b; 3], &[o; 3]),
            })
            .collect()
    }

    #[test]
    fn regions_are_ordered_by_the_bases_events_and_quiet_ones_named_apart() {
        let column = |outcome: &'static Outcome, region: &str| region_column(outcome, region, None);
        let columns = [
            column(&EVENTS, "Mopti"),
            column(&DISPLACED_END, "Mopti"),
            column(&EVENTS, "Centre-Nord"),
            column(&EVENTS, "Kayes"),
            column(&EVENTS, "Dosso"),
            column(&EVENTS, "Nord"),
        ];
        let values = [
            (20.0, 18.0),
            (500.0, 400.0),
            (30.0, 25.0),
            (0.0, 0.0),
            (0.0, 0.0),
            (0.0, 2.0),
        ];
        let diffs = constant_differences(&columns, &values);
        let (active, quiet) = region_differences(&diffs, 1);
        let names: Vec<&str> = active.iter().map(|r| r.region.as_str()).collect();
        assert_eq!(names, ["Centre-Nord", "Mopti", "Nord"]);
        assert_eq!(quiet, ["Dosso", "Kayes"]);
        assert_eq!(active[1].paired[2].map(|p| p.diff), Some(-100.0));
        assert_eq!(active[1].paired[1], None);
        let (rows, strong) = region_table_rows(&active);
        assert_eq!(rows[0][..4], ["Centre-Nord", "BFA", "central", "30.0"]);
        assert_eq!(rows[0][4], "-5.00 [-5.00 to -5.00] *");
        assert_eq!(strong, [0, 1, 2]);
        assert!(region_differences(&diffs, 2).0.is_empty());
    }

    #[test]
    fn each_groups_events_are_listed_by_region_in_the_regions_order_most_first() {
        let column = region_column;
        let columns = [
            column(&EVENTS, "Nord", None),
            column(&EVENTS, "Mopti", None),
            column(&EVENTS_MILITANT, "Mopti", None),
            column(&EVENTS_MILITANT, "Mopti", Some("FLM")),
            column(&EVENTS_MILITANT, "Mopti", Some("ISGS")),
            column(&EVENTS_MILITANT, "Nord", Some("ISGS")),
            column(&EVENTS_MILITANT, "Nord", Some("FLM")),
            column(&EVENTS_MILITANT, "Nord", Some("Ansar Dine")),
        ];
        let values = [
            (40.0, 30.0),
            (20.0, 20.0),
            (15.0, 15.0),
            (12.0, 12.0),
            (3.0, 3.0),
            (5.0, 9.0),
            (30.0, 20.0),
            (0.0, 0.0),
        ];
        let diffs = constant_differences(&columns, &values);
        let (regions, _) = region_differences(&diffs, 1);
        let (rows, strong) = group_region_rows(&diffs, 1, &regions);
        let cells: Vec<[&str; 3]> = rows
            .iter()
            .map(|r| [r[0].as_str(), r[1].as_str(), r[2].as_str()])
            .collect();
        // Nord first (more events in the base), FLM before ISGS there; a group with no events
        // in either scenario and the all-groups total are left out.
        assert_eq!(
            cells,
            [
                ["Nord", "FLM", "30.0"],
                ["Nord", "ISGS", "5.00"],
                ["Mopti", "FLM", "12.0"],
                ["Mopti", "ISGS", "3.00"],
            ]
        );
        assert_eq!(rows[0][3], "-10.0 [-10.0 to -10.0] *");
        assert_eq!(strong, [0, 1]);
        assert!(group_region_rows(&diffs, 2, &regions).0.is_empty());
    }

    #[test]
    fn the_difference_map_is_neutral_where_the_paired_interval_includes_zero() {
        let s = crate::scenario::load(std::path::Path::new("tests/fixtures/short_run.ron"))
            .unwrap_or_else(|e| panic!("{e}"));
        let map = SahelMap::build(&s.map, s.period.start.year());
        // Cell 0: fewer in every replicate; cell 1: noise around zero; cell 2: more.
        let base = vec![
            vec![(0, 9), (1, 3), (2, 1)],
            vec![(0, 10), (1, 5), (2, 0)],
            vec![(0, 11), (1, 4), (2, 1)],
        ];
        let other = vec![
            vec![(0, 4), (1, 6), (2, 6)],
            vec![(0, 5), (1, 3), (2, 5)],
            vec![(0, 6), (1, 4), (2, 7)],
        ];
        let d = cell_differences(&base, &other, map.grid.cells.len());
        let v = difference_map_values(&d);
        assert!(d[1].lo < 0.0 && d[1].hi > 0.0 && d[1].diff != 0.0);
        assert_eq!(v[1], 0.0, "within noise: neutral");
        assert!(v[0] < 0.0 && v[2] > 0.0);
        assert!(v[3..].iter().all(|&x| x == 0.0));
        let plot = CellMapPlot {
            map: &map,
            title: String::new(),
            legend: String::new(),
            neutral: String::new(),
            panels: vec![("policy".into(), v.clone())],
            scale: Scale::Diverging,
        };
        let max = plot.max();
        assert_eq!(plot.colour(v[1], max), NEUTRAL);
        assert_ne!(plot.colour(v[0], max), NEUTRAL);
        assert_ne!(plot.colour(v[2], max), NEUTRAL);
    }
}
