//! The files a run leaves behind: `events.csv`, `timeseries.csv`, `summary.json`,
//! `manifest.json`. Each is written atomically.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::atomic::write_atomic_with;
use super::series::SeriesRow;
use super::summary::{Spread, SummaryTable};
use crate::geo::SahelMap;
use crate::scenario::{Coalition, Scenario, format_date};
use crate::sim::events::{Attributed, Event, Perpetrator, Target};

/// The program version written into every output.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The name an observer uses for an attribution.
pub fn attributed_name(a: Attributed, scenario: &Scenario) -> String {
    match a {
        Attributed::Group(g) => scenario.groups[g.index()].name.clone(),
        Attributed::Jnim => "JNIM".to_string(),
        Attributed::IslamicState => "Islamic State".to_string(),
        Attributed::State => "State forces".to_string(),
        Attributed::Militia(m) => militia_name(m),
        Attributed::Unidentified => "Unidentified armed group".to_string(),
    }
}

/// The short name of militia `m` of the map data.
pub fn militia_name(m: u32) -> String {
    crate::geo::map_data()
        .militias
        .get(m as usize)
        .map_or_else(|| format!("Militia {m}"), |d| d.name.clone())
}

fn coalition_name(c: Coalition) -> &'static str {
    match c {
        Coalition::Jnim => "JNIM",
        Coalition::IslamicState => "Islamic State",
        Coalition::Unaffiliated => "none",
    }
}

/// One row of `events.csv`: ACLED's column names where ACLED has the concept, ours after.
#[derive(Serialize)]
struct EventRow<'a> {
    event_id_cnty: String,
    event_date: String,
    year: i32,
    event_type: &'static str,
    sub_event_type: &'static str,
    actor1: String,
    actor2: String,
    country: &'a str,
    admin1: &'a str,
    latitude: f64,
    longitude: f64,
    fatalities: u32,
    replicate: u32,
    true_perpetrator: String,
    true_coalition: &'static str,
    band: Option<u32>,
    target: String,
    area: &'a str,
    fatalities_civilians: u32,
    fatalities_security: u32,
    fatalities_militants: u32,
    abducted: u32,
}

/// Where the rows of `events.csv` go: the file itself, or a gzip stream into it (name the file
/// `events.csv.gz`: pandas, polars and R read it as it is). The compressed stream carries no
/// time stamp, so it is as reproducible as the plain one.
pub enum EventStream<W: Write> {
    /// Plain CSV.
    Plain(W),
    /// Gzip-compressed CSV (boxed: the encoder's state is large beside a plain writer).
    Gzip(Box<flate2::write::GzEncoder<W>>),
}

impl<W: Write> EventStream<W> {
    /// A stream into `w`, compressed where `gzip` is true.
    pub fn new(w: W, gzip: bool) -> Self {
        if gzip {
            EventStream::Gzip(Box::new(flate2::write::GzEncoder::new(
                w,
                flate2::Compression::default(),
            )))
        } else {
            EventStream::Plain(w)
        }
    }

    /// Ends the stream (the gzip trailer) and gives the writer back.
    pub fn finish(self) -> std::io::Result<W> {
        match self {
            EventStream::Plain(w) => Ok(w),
            EventStream::Gzip(gz) => gz.finish(),
        }
    }
}

impl<W: Write> Write for EventStream<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            EventStream::Plain(w) => w.write(buf),
            EventStream::Gzip(gz) => gz.write(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            EventStream::Plain(w) => w.flush(),
            EventStream::Gzip(gz) => gz.flush(),
        }
    }
}

/// Writes the rows of `events.csv`, header first, one replicate's events at a time, as the
/// replicates come (in replicate order, so that the file does not depend on the threads).
pub struct EventRows<'a, W: Write> {
    csv: csv::Writer<EventStream<W>>,
    scenario: &'a Scenario,
    map: &'a SahelMap,
}

impl<'a, W: Write> EventRows<'a, W> {
    /// Rows of `scenario`'s events on `map` into `w`, gzip-compressed where `gzip` is true.
    pub fn new(w: W, gzip: bool, scenario: &'a Scenario, map: &'a SahelMap) -> Self {
        Self {
            csv: csv::Writer::from_writer(EventStream::new(w, gzip)),
            scenario,
            map,
        }
    }

    /// Writes replicate `replicate`'s events.
    pub fn add(&mut self, replicate: u32, events: &[Event]) -> std::io::Result<()> {
        let (scenario, map, csv) = (self.scenario, self.map, &mut self.csv);
        for (n, e) in events.iter().enumerate() {
            let cell = &map.grid.cells[e.cell.index()];
            let date = scenario.period.date(e.day);
            let (perp, coalition) = match e.perpetrator {
                Perpetrator::Group(g) => (
                    scenario.groups[g.index()].name.clone(),
                    coalition_name(scenario.groups[g.index()].coalition),
                ),
                Perpetrator::State => ("State forces".to_string(), "none"),
                Perpetrator::Militia(m) => (militia_name(m), "none"),
            };
            let target = match e.target {
                Target::SecurityForces => "Security forces".to_string(),
                Target::Civilians => "Civilians".to_string(),
                Target::Leaders => "Traditional or religious leaders".to_string(),
                Target::Group(g) => scenario.groups[g.index()].name.clone(),
            };
            let actor2 = match e.target {
                Target::Group(g) if e.perpetrator.pro_government() => {
                    attributed_name(Attributed::Group(g), scenario)
                }
                _ => target.clone(),
            };
            csv.serialize(EventRow {
                event_id_cnty: format!("SAH{replicate}-{}", n + 1),
                event_date: format_date(date),
                year: date.year(),
                event_type: e.event_type.label(),
                sub_event_type: e.sub_type.label(),
                actor1: attributed_name(e.attributed, scenario),
                actor2,
                country: cell
                    .country
                    .map(|c| map.data.countries[c].name.as_str())
                    .unwrap_or(""),
                admin1: cell
                    .region
                    .map(|r| map.data.regions[r].name.as_str())
                    .unwrap_or(""),
                latitude: (cell.lat * 1e4).round() / 1e4,
                longitude: (cell.lon * 1e4).round() / 1e4,
                fatalities: e.fatalities(),
                replicate,
                true_perpetrator: perp,
                true_coalition: coalition,
                band: e.band.map(|b| b.get()),
                target,
                area: cell
                    .area
                    .map(|a| map.data.areas[a].id.as_str())
                    .unwrap_or("other"),
                fatalities_civilians: e.civilians_killed,
                fatalities_security: e.security_killed,
                fatalities_militants: e.militants_killed,
                abducted: e.abducted,
            })
            .map_err(std::io::Error::other)?;
        }
        Ok(())
    }

    /// Flushes the rows, ends the stream and gives the writer back.
    pub fn finish(self) -> std::io::Result<W> {
        self.csv.into_inner().map_err(|e| e.into_error())?.finish()
    }
}

/// Writes the rows of `timeseries.csv`, header first, one replicate's rows at a time, in
/// replicate order.
pub struct SeriesRows<W: Write> {
    csv: csv::Writer<W>,
}

impl<W: Write> SeriesRows<W> {
    /// Rows into `w`.
    pub fn new(w: W) -> Self {
        Self {
            csv: csv::Writer::from_writer(w),
        }
    }

    /// Writes one replicate's rows.
    pub fn add(&mut self, rows: &[SeriesRow]) -> std::io::Result<()> {
        for r in rows {
            self.csv.serialize(r).map_err(std::io::Error::other)?;
        }
        Ok(())
    }

    /// Flushes the rows and gives the writer back.
    pub fn finish(self) -> std::io::Result<W> {
        self.csv.into_inner().map_err(|e| e.into_error())
    }
}

/// The content of `summary.json`.
#[derive(Serialize)]
pub struct SummaryFile<'a> {
    /// Program version.
    pub version: &'static str,
    /// Scenario name.
    pub scenario: &'a str,
    /// Master seed.
    pub seed: u64,
    /// Mean and 90 % interval of each outcome across replicates.
    pub outcomes: &'a BTreeMap<String, Spread>,
    /// Each replicate's outcomes.
    pub replicates: &'a SummaryTable,
}

/// Writes a value as pretty JSON, atomically.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> std::io::Result<()> {
    write_atomic_with(path, |w| {
        serde_json::to_writer_pretty(&mut *w, value).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })
}

/// One input file as recorded in the manifest.
#[derive(Serialize)]
pub struct ManifestFile<'a> {
    /// Path as given.
    pub path: &'a str,
    /// SHA-256 of its bytes.
    pub sha256: &'a str,
    /// Its text.
    pub content: &'a str,
}

impl<'a> ManifestFile<'a> {
    /// The files a scenario was read from, as the manifest records them.
    pub fn list(sources: &'a [crate::scenario::SourceFile]) -> Vec<Self> {
        sources
            .iter()
            .map(|f| ManifestFile {
                path: &f.path,
                sha256: &f.sha256,
                content: &f.text,
            })
            .collect()
    }
}

/// The content of `manifest.json`: everything needed to reproduce the run.
#[derive(Serialize)]
pub struct Manifest<'a> {
    /// Program name and version.
    pub program: String,
    /// The command line's effect: replicates run and their seeds.
    pub replicates: u32,
    /// Master seed.
    pub seed: u64,
    /// Each replicate's derived seed.
    pub replicate_seeds: Vec<u64>,
    /// The scenario files (the file itself first, then what it extends).
    pub files: Vec<ManifestFile<'a>>,
    /// The fully resolved parameters.
    pub scenario: &'a Scenario,
    /// Wall-clock timings, seconds (the only part of the outputs that varies between runs).
    pub timings: BTreeMap<String, f64>,
}
