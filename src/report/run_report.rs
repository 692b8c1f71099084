//! `sahelsim run`'s plots and report: key outcomes by month (replicate mean and 90 % band),
//! maps of events, fatalities, militant control and displacement per cell and year, and who
//! did it (true perpetrator against attributed actor) by area of operation.
//!
//! The helpers that describe a scenario are shared by every command's report: for a Sahel
//! scenario [`scenario_facts`] and [`parameters_section`], for a reference-model scenario
//! [`reference_facts`] and [`reference_parameters_section`]; the caller knows which it has.

use rayon::prelude::*;
use std::collections::BTreeMap;

use super::PlotFormat;
use super::attribution_plot::{AttributionPlot, AttributionTally};
use super::cell_map_plot::{CellMapPlot, Scale};
use super::figure::{Figure, render};
use super::format::{interval, number};
use super::html::Report;
use super::palette::OKABE_ITO;
use super::timeseries_plot::{Line, Panel, TimeSeriesPlot};
use crate::experiment::ReplicateOutput;
use crate::geo::SahelMap;
use crate::geo::map_data;
use crate::record::Spread;
use crate::record::monthly::{Month, REVENUE_SOURCES, monthly};
use crate::record::outcome::{self, Outcome};
use crate::record::replicate_rows::ReplicateRows;
use crate::record::writers::VERSION;
use crate::scenario::interventions::{Intervention, Places};
use crate::scenario::model_params::PARAMETERS;
use crate::scenario::{Scenario, format_date};

/// The key outcomes of a run, in the order printed and reported: outcome and the label of its
/// row (indented under the row it is part of).
pub const KEY_OUTCOMES: [(Outcome, &str); 13] = [
    (outcome::EVENTS_MILITANT, "events linked to armed groups"),
    (
        outcome::ATTACKS_ON_CIVILIANS,
        "attacks on civilians and leaders",
    ),
    (outcome::FATALITIES, "fatalities"),
    (outcome::FATALITIES_CIVILIANS, "  civilians"),
    (outcome::FATALITIES_SECURITY, "  security forces"),
    (outcome::FATALITIES_MILITANTS, "  militants"),
    (outcome::ABDUCTED, "people abducted"),
    (
        outcome::SHARE_ATTRIBUTED_JNIM,
        "share of events attributed to JNIM",
    ),
    (outcome::DISPLACED_END, "displaced at the end"),
    (outcome::DISPLACED_PEAK, "displaced at the peak"),
    (outcome::SCHOOLS_CLOSED_END, "schools closed at the end"),
    (
        outcome::GOVERNMENT_PRESENCE_END,
        "government presence at the end",
    ),
    (outcome::FIGHTERS_END, "fighters at the end"),
];

/// The outcomes reported by group after [`KEY_OUTCOMES`], and the label of their rows before
/// the group's name.
const KEY_OUTCOMES_BY_GROUP: [(Outcome, &str); 2] = [
    (outcome::FIGHTERS_END, "fighters at the end: "),
    (outcome::REVENUE, "revenue: "),
];

/// The outcomes of the table by region, in column order, with their short labels.
pub const REGION_OUTCOMES: [(Outcome, &str); 4] = [
    (outcome::EVENTS, "violent events"),
    (outcome::EVENTS_MILITANT, "linked to armed groups"),
    (outcome::FATALITIES_CIVILIANS, "civilians killed"),
    (outcome::DISPLACED_END, "displaced at the end"),
];

/// The table of key outcomes by admin-1 region from a run's summary (`key@<region>`): one row
/// per region where any of [`REGION_OUTCOMES`] has a mean above 0, most events first (ties
/// by name), with the region's country (ISO3) and each outcome's mean and 90 % interval; then
/// the names of the other regions, where none happened in any replicate, in name order.
pub fn region_rows(agg: &BTreeMap<String, Spread>) -> (Vec<Vec<String>>, Vec<String>) {
    let data = map_data();
    let prefix = format!("{}@", outcome::EVENTS.key);
    let mut regions: Vec<(&str, Vec<Option<Spread>>)> = agg
        .keys()
        .filter_map(|k| k.strip_prefix(&prefix))
        .map(|region| {
            let spreads = REGION_OUTCOMES
                .iter()
                .map(|(o, _)| agg.get(&format!("{}@{region}", o.key)).copied())
                .collect();
            (region, spreads)
        })
        .collect();
    let events = |s: &[Option<Spread>]| s.first().copied().flatten().map_or(0.0, |s| s.mean);
    regions.sort_by(|a, b| events(&b.1).total_cmp(&events(&a.1)).then(a.0.cmp(b.0)));
    let (active, quiet): (Vec<_>, Vec<_>) = regions
        .into_iter()
        .partition(|(_, s)| s.iter().flatten().any(|s| s.mean > 0.0));
    let rows = active
        .iter()
        .map(|(region, spreads)| {
            let country = data
                .regions
                .iter()
                .find(|r| r.name == *region)
                .map_or("", |r| r.country.as_str());
            let mut row = vec![region.to_string(), country.to_string()];
            row.extend(spreads.iter().map(|s| {
                s.map(|s| format!("{} ({})", number(s.mean), interval(s.p05, s.p95)))
                    .unwrap_or_default()
            }));
            row
        })
        .collect();
    let mut quiet: Vec<String> = quiet.into_iter().map(|(r, _)| r.to_string()).collect();
    quiet.sort();
    (rows, quiet)
}

/// One row of the key outcomes: its label (indented under the row it is part of), unit, and
/// mean and 90 % interval across replicates.
#[derive(Debug, Clone)]
pub struct KeyOutcomeRow {
    /// What the row counts, for people.
    pub label: String,
    /// The unit of its values.
    pub unit: &'static str,
    /// Mean and 90 % interval across replicates.
    pub spread: Spread,
}

/// The key outcomes with their labels and units: [`KEY_OUTCOMES`], then fighters and revenue
/// by group.
pub fn key_outcome_rows(agg: &BTreeMap<String, Spread>) -> Vec<KeyOutcomeRow> {
    let mut out: Vec<KeyOutcomeRow> = KEY_OUTCOMES
        .iter()
        .filter_map(|(o, label)| {
            agg.get(o.key).map(|v| KeyOutcomeRow {
                label: label.to_string(),
                unit: o.unit,
                spread: *v,
            })
        })
        .collect();
    for (k, v) in agg {
        for (o, label) in &KEY_OUTCOMES_BY_GROUP {
            if let Some(group) = k.strip_prefix(o.key).and_then(|g| g.strip_prefix('.')) {
                out.push(KeyOutcomeRow {
                    label: format!("{label}{group}"),
                    unit: o.unit,
                    spread: *v,
                });
            }
        }
    }
    out
}

/// What a Sahel scenario runs, as name–value pairs: scenario, description, files and their
/// SHA-256, period, grid, armed groups, replicates, seed, program version, interventions.
pub fn scenario_facts(s: &Scenario) -> Vec<(String, String)> {
    let mut v = file_facts(s);
    v.push((
        "period".to_string(),
        format!(
            "{} to {} ({} days)",
            format_date(s.period.start),
            format_date(s.period.end),
            s.period.days()
        ),
    ));
    v.push((
        "grid".to_string(),
        format!("{}° cells", s.map.resolution_deg),
    ));
    v.push((
        "armed groups".to_string(),
        s.groups
            .iter()
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    ));
    v.extend(seed_facts(s));
    if s.interventions.is_empty() {
        v.push(("interventions".to_string(), "none".to_string()));
    }
    for iv in &s.interventions {
        v.push((
            format!("intervention {}", iv.name),
            intervention_text(s, iv),
        ));
    }
    v
}

/// One intervention as the report states it: kind and dates, places, groups, intensity,
/// capacity and option with their meaning.
pub fn intervention_text(s: &Scenario, iv: &Intervention) -> String {
    let mut text = format!("{}; places: {}", iv.when(), places_text(&iv.places));
    if !iv.groups.is_empty() {
        let groups: Vec<&str> = iv
            .groups
            .iter()
            .filter_map(|&g| s.groups.get(g).map(|g| g.name.as_str()))
            .collect();
        text.push_str(&format!("; groups: {}", groups.join(", ")));
    }
    text.push_str(&format!("; intensity {}", number(iv.intensity)));
    if let Some((unit, _)) = iv.kind.info().capacity {
        text.push_str(&format!("; capacity {} {unit}", number(iv.capacity)));
    }
    if let Some((meaning, _)) = iv.kind.info().option {
        text.push_str(&format!("; option {} ({meaning})", number(iv.option)));
    }
    text
}

/// Where an intervention applies, by name ("the whole study area" when nothing is named).
pub fn places_text(p: &Places) -> String {
    if p.everywhere() {
        return "the whole study area".to_string();
    }
    let data = map_data();
    let names = |idx: &[usize], name: &dyn Fn(usize) -> Option<String>| -> String {
        idx.iter()
            .filter_map(|&i| name(i))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut parts = Vec::new();
    if !p.countries.is_empty() {
        parts.push(format!("countries {}", p.countries.join(", ")));
    }
    if !p.regions.is_empty() {
        parts.push(format!(
            "regions {}",
            names(&p.regions, &|i| data.regions.get(i).map(|r| r.name.clone()))
        ));
    }
    if !p.areas.is_empty() {
        parts.push(format!(
            "areas of operation {}",
            names(&p.areas, &|i| data.areas.get(i).map(|a| a.name.clone()))
        ));
    }
    if !p.towns.is_empty() {
        parts.push(format!(
            "within {} km of {}",
            number(p.town_radius_km),
            names(&p.towns, &|i| data.towns.get(i).map(|t| t.name.clone()))
        ));
    }
    if !p.routes.is_empty() {
        parts.push(format!(
            "routes {}",
            names(&p.routes, &|i| data.routes.get(i).map(|r| r.name.clone()))
        ));
    }
    if !p.gold_sites.is_empty() {
        parts.push(format!(
            "gold sites {}",
            names(&p.gold_sites, &|i| data
                .gold_sites
                .get(i)
                .map(|g| g.name.clone()))
        ));
    }
    parts.join("; ")
}

/// What a reference-model scenario runs, as name–value pairs: scenario, description, files and
/// their SHA-256, model, replicates, seed, program version.
pub fn reference_facts(s: &Scenario) -> Vec<(String, String)> {
    let mut v = file_facts(s);
    v.push((
        "model".to_string(),
        format!("{:?} (reference model)", s.kind),
    ));
    v.extend(seed_facts(s));
    v
}

/// Scenario, description, and each file with its SHA-256.
fn file_facts(s: &Scenario) -> Vec<(String, String)> {
    let mut v = vec![
        ("scenario".to_string(), s.name.clone()),
        ("description".to_string(), s.description.clone()),
    ];
    for (i, src) in s.sources.iter().enumerate() {
        let what = if i == 0 { "scenario file" } else { "extends" };
        v.push((
            what.to_string(),
            format!("{} (sha256 {})", src.path, src.sha256),
        ));
    }
    v
}

/// Replicates, master seed and program version.
fn seed_facts(s: &Scenario) -> [(String, String); 3] {
    [
        ("replicates".to_string(), s.replicates.to_string()),
        ("master seed".to_string(), s.seed.to_string()),
        ("program".to_string(), format!("sahelsim {VERSION}")),
    ]
}

/// The last section of a report of Sahel scenarios: for each, every mechanism parameter
/// (changed ones in bold), then the fully resolved scenario as JSON and the scenario files'
/// text, folded.
pub fn parameters_section(r: &mut Report, scenarios: &[&Scenario]) {
    r.section("Parameters");
    for s in scenarios {
        if scenarios.len() > 1 {
            r.subsection(&s.name);
        }
        let mut rows = Vec::new();
        let mut changed = Vec::new();
        for p in PARAMETERS {
            let v = s.model.get(&p.path()).unwrap_or(f64::NAN);
            if v != p.default {
                changed.push(rows.len());
            }
            rows.push(vec![
                p.path(),
                parameter_value(v),
                p.unit.to_string(),
                parameter_value(p.default),
                p.doc.to_string(),
            ]);
        }
        r.note("Mechanism parameters; rows in bold differ from the default.");
        r.table_marked(
            &["parameter", "value", "unit", "default", "meaning"],
            &rows,
            &changed,
        );
        resolved_scenario(r, s);
    }
}

/// The last section of a report of a reference-model scenario: the fully resolved scenario as
/// JSON and the scenario files' text, folded (its parameters are in the JSON).
pub fn reference_parameters_section(r: &mut Report, s: &Scenario) {
    r.section("Parameters");
    resolved_scenario(r, s);
}

/// The fully resolved scenario as JSON and the scenario files' text, folded.
fn resolved_scenario(r: &mut Report, s: &Scenario) {
    let json = serde_json::to_string_pretty(s).unwrap_or_default();
    r.preformatted(
        Some("Every resolved parameter (JSON, as in manifest.json)"),
        &json,
    );
    for src in &s.sources {
        r.preformatted(Some(&format!("Scenario file {}", src.path)), &src.text);
    }
}

/// A parameter value without float noise.
fn parameter_value(v: f64) -> String {
    let s = format!("{v}");
    if s.len() > 12 { format!("{v:.6}") } else { s }
}

/// The mean and 90 % interval across a run's replicates of each number of each month, as
/// months: `mean[t]` holds every number's mean in month `t`, `p05[t]` and `p95[t]` their 5th
/// and 95th percentiles (each number's own, as [`Line::from_replicates`] takes them).
#[derive(Debug, Clone, PartialEq)]
pub struct MonthBands {
    /// Means.
    pub mean: Vec<Month>,
    /// 5th percentiles.
    pub p05: Vec<Month>,
    /// 95th percentiles.
    pub p95: Vec<Month>,
}

impl MonthBands {
    /// The bands of the months in `rows` (a row a replicate: each month's
    /// [`Month::push_values`] one after the other), shaped as `first` (the first replicate's
    /// months).
    pub fn of(first: &[Month], rows: &ReplicateRows) -> std::io::Result<Self> {
        let spreads = rows.column_spreads()?;
        let mut bands = Self {
            mean: Vec::with_capacity(first.len()),
            p05: Vec::with_capacity(first.len()),
            p95: Vec::with_capacity(first.len()),
        };
        let mut at = 0;
        for m in first {
            let n = m.values_len();
            let month = spreads.get(at..at + n).unwrap_or_default();
            let pick = |f: fn(&Spread) -> f64| month.iter().map(f).collect::<Vec<f64>>();
            bands.mean.push(m.with_values(&pick(|s| s.mean)));
            bands.p05.push(m.with_values(&pick(|s| s.p05)));
            bands.p95.push(m.with_values(&pick(|s| s.p95)));
            at += n;
        }
        Ok(bands)
    }
}

/// The panels of key outcomes by month for one set of replicates (their `bands`), one colour
/// per quantity.
pub fn outcome_panels(s: &Scenario, x: &[f64], bands: &MonthBands) -> Vec<Panel> {
    let line = |label: &str, c: usize, f: &dyn Fn(&Month) -> f64| {
        let n = x.len().min(bands.mean.len());
        let values = |months: &[Month]| months[..n].iter().map(f).collect();
        Line {
            label: label.to_string(),
            color: OKABE_ITO[c],
            x: x[..n].to_vec(),
            mean: values(&bands.mean),
            lo: values(&bands.p05),
            hi: values(&bands.p95),
        }
    };
    // One line a group, of the per-group numbers `values` picks from a month.
    let by_group = |values: &dyn Fn(&Month) -> &Vec<f64>| -> Vec<Line> {
        s.groups
            .iter()
            .enumerate()
            .map(|(g, gp)| {
                line(&gp.name, g % OKABE_ITO.len(), &|m| {
                    values(m).get(g).copied().unwrap_or(0.0)
                })
            })
            .collect()
    };
    vec![
        Panel {
            title: "Violent events per month".into(),
            y_desc: "events per month".into(),
            lines: vec![
                line("all events", 4, &|m| m.events),
                line("attacks on civilians and leaders", 5, &|m| {
                    m.events_vs_civilians
                }),
            ],
        },
        Panel {
            title: "Fatalities per month by category".into(),
            y_desc: "people killed per month".into(),
            lines: vec![
                line("civilians", 5, &|m| m.fatalities_civilians),
                line("security forces", 4, &|m| m.fatalities_security),
                line("militants", 0, &|m| m.fatalities_militants),
            ],
        },
        Panel {
            title: "People displaced (at each month's end)".into(),
            y_desc: "people".into(),
            lines: vec![line("", 6, &|m| m.displaced)],
        },
        Panel {
            title: "Fighters by group (at each month's end)".into(),
            y_desc: "fighters".into(),
            lines: by_group(&|m| &m.fighters),
        },
        Panel {
            title: "People under each group's control (at each month's end)".into(),
            y_desc: "residents of the communities it holds".into(),
            lines: by_group(&|m| &m.held),
        },
        Panel {
            title: "Armed groups' revenue per month by source".into(),
            y_desc: "US$ per month, all groups".into(),
            lines: REVENUE_SOURCES
                .iter()
                .enumerate()
                .map(|(k, name)| line(name, [0, 4, 2, 5, 6][k], &|m| m.revenue[k]))
                .collect(),
        },
        Panel {
            title: "Government presence (at each month's end)".into(),
            y_desc: "resident-weighted mean, 0 to 1".into(),
            lines: vec![line("", 2, &|m| m.government_presence)],
        },
    ]
}

/// Per-cell values by year, averaged over replicates.
#[derive(Debug, Clone)]
struct CellMaps {
    years: Vec<i32>,
    events: Vec<Vec<f64>>,
    fatalities: Vec<Vec<f64>>,
    control: Vec<Vec<f64>>,
    displaced: Vec<Vec<f64>>,
}

/// What a run's pictures need of its replicates, taken in one replicate at a time as they
/// come (in replicate order), so that a run need not keep its replicates: each replicate's
/// months (a row of [`ReplicateRows`], in memory or on disk, for the 90 % bands), the cell
/// maps' sums and the attribution counts.
#[derive(Debug)]
pub struct RunDigest<'a> {
    scenario: &'a Scenario,
    map: &'a SahelMap,
    groups: Vec<String>,
    /// The first replicate's months (their dates, for the bands' shape).
    first_months: Vec<Month>,
    /// Each replicate's months as one row, in replicate order.
    months: ReplicateRows,
    cells: CellMaps,
    /// The year (from the first) of each day.
    year_of_day: Vec<usize>,
    /// The number of replicates the cell maps' means divide by.
    reps: f64,
    attribution: AttributionTally<'a>,
}

impl<'a> RunDigest<'a> {
    /// An empty digest of `replicates` replicates of `s` on `map`, its months in memory.
    pub fn new(s: &'a Scenario, map: &'a SahelMap, replicates: u32) -> Self {
        Self::with_months(s, map, replicates, ReplicateRows::in_memory())
    }

    /// An empty digest of `replicates` replicates of `s` on `map`, its months in an unnamed
    /// temporary file in folder `dir`: its memory does not grow with the replicates.
    pub fn on_disk(
        s: &'a Scenario,
        map: &'a SahelMap,
        replicates: u32,
        dir: &std::path::Path,
    ) -> std::io::Result<Self> {
        Ok(Self::with_months(
            s,
            map,
            replicates,
            ReplicateRows::on_disk(dir)?,
        ))
    }

    fn with_months(
        s: &'a Scenario,
        map: &'a SahelMap,
        replicates: u32,
        months: ReplicateRows,
    ) -> Self {
        let n = map.grid.cells.len();
        let (y0, y1) = (s.period.start.year(), s.period.end.year());
        let years: Vec<i32> = (y0..=y1).collect();
        let zeros = || vec![vec![0.0; n]; years.len()];
        Self {
            scenario: s,
            map,
            groups: s.groups.iter().map(|g| g.name.clone()).collect(),
            first_months: Vec::new(),
            months,
            cells: CellMaps {
                events: zeros(),
                fatalities: zeros(),
                control: zeros(),
                displaced: zeros(),
                years,
            },
            year_of_day: (0..s.period.days())
                .map(|d| (s.period.date(d).year() - y0) as usize)
                .collect(),
            reps: replicates.max(1) as f64,
            attribution: AttributionTally::new(s, map),
        }
    }

    /// The digest of `outputs` (every replicate of a run, in replicate order), in memory.
    pub fn of(
        s: &'a Scenario,
        map: &'a SahelMap,
        outputs: &[ReplicateOutput],
    ) -> std::io::Result<Self> {
        let mut d = Self::new(s, map, outputs.len() as u32);
        for o in outputs {
            d.add(o)?;
        }
        Ok(d)
    }

    /// Takes in the next replicate. Fails only where its months cannot be kept (the file's
    /// error, or months of another shape than the first replicate's), and then takes in
    /// nothing.
    pub fn add(&mut self, o: &ReplicateOutput) -> std::io::Result<()> {
        let s = self.scenario;
        let months = monthly(&o.rows, &o.events, &s.period, &self.groups);
        let mut row = Vec::with_capacity(months.iter().map(Month::values_len).sum());
        for m in &months {
            m.push_values(&mut row);
        }
        self.months.push(&row)?;
        if self.first_months.is_empty() {
            self.first_months = months;
        }
        let (cells, reps) = (&mut self.cells, self.reps);
        for e in &o.events {
            let y = self.year_of_day.get(e.day as usize).copied().unwrap_or(0);
            cells.events[y][e.cell.index()] += 1.0 / reps;
            cells.fatalities[y][e.cell.index()] += e.fatalities() as f64 / reps;
        }
        let y0 = s.period.start.year();
        for cy in &o.cell_years {
            let y = (cy.year - y0) as usize;
            if y >= cells.years.len() {
                continue;
            }
            for (i, (&c, &d)) in cy.control.iter().zip(&cy.displaced).enumerate() {
                cells.control[y][i] += c as f64 / reps;
                cells.displaced[y][i] += d as f64 / reps;
            }
        }
        self.attribution.add(&o.events);
        Ok(())
    }

    /// The replicates taken in.
    pub fn replicates(&self) -> usize {
        self.months.len()
    }
}

/// Draws a run's figures from its digest: outcomes by month, the four maps by year, who did
/// it.
pub fn figures(
    digest: RunDigest<'_>,
    format: PlotFormat,
    report: bool,
) -> Result<Vec<Figure>, super::FigureError> {
    let s = digest.scenario;
    let reps = digest.replicates();
    let map = digest.map;
    let bands = MonthBands::of(&digest.first_months, &digest.months)
        .map_err(|e| format!("reading the replicates' months back: {e}"))?;
    let x: Vec<f64> = digest.first_months.iter().map(Month::x).collect();
    let ts = TimeSeriesPlot {
        title: format!("{}: key outcomes by month, {reps} replicates", s.name),
        x_desc: "year (monthly values)".into(),
        panels: outcome_panels(s, &x, &bands),
        columns: 2,
        marker: None,
    };
    let outcomes = || {
        render(
            &ts,
            "outcomes",
            &format!(
                "Key outcomes by month over the whole study area: lines are the mean of {reps} replicates, shaded bands their 90 % interval (5th to 95th percentile). Events and fatalities are counts per month; displaced people, fighters, the people under each group's control (the residents of the communities it holds above 0.6) and government presence are states at each month's end; revenue is the armed groups' income per month by source."
            ),
            format,
            report,
        )
    };

    let cm = digest.cells;
    let label = |y: &i32| {
        if *y == s.period.end.year()
            && (s.period.end.month() != time::Month::December || s.period.end.day() != 31)
        {
            format!("{y} (to {})", format_date(s.period.end))
        } else {
            y.to_string()
        }
    };
    let panels = |v: &[Vec<f64>]| -> Vec<(String, Vec<f64>)> {
        cm.years.iter().map(label).zip(v.iter().cloned()).collect()
    };
    let specs = [
        (
            "map_events",
            "violent events per cell and year",
            "events per cell and year, replicate mean",
            "none",
            &cm.events,
            Scale::Log,
            "Where violence happens: events of every kind per grid cell in each year (mean over replicates), on a log scale.",
        ),
        (
            "map_fatalities",
            "fatalities per cell and year",
            "people killed per cell and year, replicate mean",
            "none",
            &cm.fatalities,
            Scale::Log,
            "Fatalities of every category (civilians, security forces, militants) per grid cell in each year (mean over replicates), on a log scale.",
        ),
        (
            "map_control",
            "militant control at the end of each year",
            "mean militant control of the cell's communities (0 = state, 1 = militant)",
            "0: state control",
            &cm.control,
            Scale::Linear,
            "Militant control or influence at the end of each year: the mean control of the cell's communities (0: state control; above 0.6: militant control), mean over replicates.",
        ),
        (
            "map_displaced",
            "people displaced at the end of each year",
            "people displaced from the cell, replicate mean",
            "none",
            &cm.displaced,
            Scale::Log,
            "Displacement: people displaced from each cell's communities at the end of each year (mean over replicates), on a log scale.",
        ),
    ];
    let maps: Vec<(CellMapPlot, &str, &str)> = specs
        .into_iter()
        .map(|(stem, title, legend, neutral, data, scale, caption)| {
            let plot = CellMapPlot {
                map,
                title: format!("{}: {title}", s.name),
                legend: legend.into(),
                neutral: neutral.into(),
                panels: panels(data),
                scale,
            };
            (plot, stem, caption)
        })
        .collect();

    let attribution = digest.attribution.finish();
    let attribution_figure = || {
        render(
            &AttributionPlot {
                data: &attribution,
                title: format!("{}: who did it, and who is blamed", s.name),
            },
            "attribution",
            "Events per replicate by their true perpetrator (vermillion) and by the actor an outside observer attributes them to (blue), by area of operation. Attribution to \"JNIM\" or \"Islamic State\" as a whole, or to an unidentified group, takes events away from the component groups that truly carried them out.",
            format,
            report,
        )
    };
    // The pictures are drawn in parallel (on the caller's worker pool), and kept in this order.
    let (outcomes, (maps, attribution)) = rayon::join(outcomes, || {
        rayon::join(
            || {
                maps.par_iter()
                    .map(|(plot, stem, caption)| render(plot, stem, caption, format, report))
                    .collect::<Result<Vec<_>, _>>()
            },
            attribution_figure,
        )
    });
    let mut figs = vec![outcomes?];
    figs.extend(maps?);
    figs.push(attribution?);
    Ok(figs)
}

/// The key findings table of a run: outcome, mean, 90 % interval.
pub fn findings_table(r: &mut Report, agg: &BTreeMap<String, Spread>) {
    let rows: Vec<Vec<String>> = key_outcome_rows(agg)
        .into_iter()
        .map(|row| {
            vec![
                row.label.trim().to_string(),
                row.unit.to_string(),
                number(row.spread.mean),
                interval(row.spread.p05, row.spread.p95),
            ]
        })
        .collect();
    r.table(
        &[
            "outcome (whole study area, whole period)",
            "unit",
            "mean",
            "90 % interval",
        ],
        &rows,
    );
}

/// The report of a run: what was run, key findings, the figures, the parameters.
pub fn report(s: &Scenario, agg: &BTreeMap<String, Spread>, figures: &[Figure]) -> Report {
    let mut r = Report::new(&format!("{}: simulation results", s.name));
    r.kicker("sahelsim run");
    r.lede(&s.description);
    r.footer(&format!(
        "Produced by sahelsim {VERSION}. The same scenario file and seed reproduce this report byte for byte; manifest.json beside it records every input."
    ));
    r.section("What was run");
    r.key_values(&scenario_facts(s));
    r.section("Key findings");
    r.paragraph(&format!(
        "Totals over {} to {} across the whole study area (Mali, Burkina Faso and western Niger): the mean of {} replicates and the interval that holds 90 % of them.",
        format_date(s.period.start),
        format_date(s.period.end),
        s.replicates
    ));
    findings_table(&mut r, agg);
    r.note("Fighter numbers are calibrated to open estimates of the groups' strength at the end of 2018 and 2024 (targets S1–S3, docs/calibration.md), which are themselves rough: read them as orders of size and relative to a baseline. Events and fatalities are counted from the simulated event log; nothing is rescaled.");
    let (rows, quiet) = region_rows(agg);
    if !rows.is_empty() {
        r.section("By region");
        r.paragraph("The same totals in each admin-1 region (boundaries approximate, docs/map.md), most violent events first: the mean of the replicates and, in brackets, the interval that holds 90 % of them. summary.json holds these and more outcomes by region (key@region).");
        let mut header = vec!["region", "country"];
        header.extend(REGION_OUTCOMES.iter().map(|(_, label)| *label));
        r.table(&header, &rows);
        if !quiet.is_empty() {
            r.note(&format!(
                "No events, civilian deaths or displaced people in any replicate: {}.",
                quiet.join(", ")
            ));
        }
    }
    r.section("Figures");
    for f in figures {
        r.figure(f);
    }
    parameters_section(&mut r, &[s]);
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spread(mean: f64) -> Spread {
        Spread {
            mean,
            p05: mean / 2.0,
            p95: mean * 2.0,
        }
    }

    #[test]
    fn month_bands_from_rows_are_the_bands_of_every_replicates_months() {
        // Five replicates of three months, with values that make the quantiles interpolate
        // and the sums round differently in different orders.
        let month = |r: usize, t: usize| {
            let v = |k: usize| ((r * 31 + t * 17 + k * 7) % 13) as f64 * 0.1 + 1e-3 * k as f64;
            Month {
                year: 2018,
                month: t as u8 + 1,
                events: v(0),
                events_vs_civilians: v(1),
                fatalities_civilians: v(2),
                fatalities_security: v(3),
                fatalities_militants: v(4),
                displaced: v(5) * 1e5,
                government_presence: v(6) / 10.0,
                communities_militant: v(7),
                fighters: vec![v(8), v(9)],
                held: vec![v(15) * 1e4, v(16) * 1e4],
                revenue: [v(10), v(11), v(12), v(13), v(14)],
            }
        };
        let replicates: Vec<Vec<Month>> = (0..5)
            .map(|r| (0..3).map(|t| month(r, t)).collect())
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let mut rows = ReplicateRows::on_disk(dir.path()).unwrap();
        for months in &replicates {
            let mut row = Vec::new();
            months.iter().for_each(|m| m.push_values(&mut row));
            rows.push(&row).unwrap();
        }
        let bands = MonthBands::of(&replicates[0], &rows).unwrap();
        let x = [0.0, 1.0, 2.0];
        let selectors: [&dyn Fn(&Month) -> f64; 4] =
            [&|m| m.events, &|m| m.displaced, &|m| m.fighters[1], &|m| {
                m.revenue[4]
            }];
        for f in selectors {
            let values: Vec<Vec<f64>> = replicates
                .iter()
                .map(|r| r.iter().map(f).collect())
                .collect();
            let line = Line::from_replicates("", OKABE_ITO[0], &x, &values);
            let of = |months: &[Month]| months.iter().map(f).collect::<Vec<f64>>();
            assert_eq!(line.mean, of(&bands.mean));
            assert_eq!(line.lo, of(&bands.p05));
            assert_eq!(line.hi, of(&bands.p95));
        }
        assert_eq!(bands.mean[2].month, 3);
    }

    #[test]
    fn regions_are_listed_by_events_and_quiet_ones_grouped() {
        let mut agg = BTreeMap::new();
        for (region, events, displaced) in [
            ("Mopti", 40.0, 900.0),
            ("Centre-Nord", 75.0, 12_000.0),
            ("Kayes", 0.0, 0.0),
            ("Dosso", 0.0, 0.0),
            ("Niamey", 0.0, 35.0),
            ("Sahel", 40.0, 0.0),
        ] {
            agg.insert(format!("events@{region}"), spread(events));
            agg.insert(format!("displaced_end@{region}"), spread(displaced));
        }
        agg.insert("events".to_string(), spread(155.0));
        let (rows, quiet) = region_rows(&agg);
        let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
        assert_eq!(names, ["Centre-Nord", "Mopti", "Sahel", "Niamey"]);
        assert_eq!(quiet, ["Dosso", "Kayes"]);
        assert_eq!(rows[0][1], "BFA");
        assert_eq!(rows[0][2], format!("75.0 ({})", interval(37.5, 150.0)));
        assert_eq!(
            rows[0][5],
            format!("12,000 ({})", interval(6_000.0, 24_000.0))
        );
        // An outcome the summary does not hold leaves its cell empty.
        assert_eq!(rows[0][3], "");
    }
}
