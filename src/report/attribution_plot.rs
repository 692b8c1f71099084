//! Who did it: events by their true perpetrator beside events by the actor an observer
//! attributes them to, per area of operation (replicate means). The gap between the two bars
//! is what misattribution does to a reading of the violence.

use super::FigureError;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::figure::{Plot, err};
use super::format::compact;
use super::palette::OKABE_ITO;
use crate::geo::SahelMap;
use crate::record::writers::attributed_name;
use crate::scenario::Scenario;
use crate::sim::events::{Attributed, Event, Perpetrator};

/// Events per actor and area: by true perpetrator and by attribution (replicate means).
#[derive(Debug, Clone, PartialEq)]
pub struct Attribution {
    /// Panels: area labels ("all" first).
    pub areas: Vec<String>,
    /// Actors, in display order.
    pub actors: Vec<String>,
    /// `truly[area][actor]`: events the actor truly carried out.
    pub truly: Vec<Vec<f64>>,
    /// `attributed[area][actor]`: events an observer puts down to the actor.
    pub attributed: Vec<Vec<f64>>,
}

/// Events counted by true perpetrator and by attribution, one replicate at a time as the
/// replicates come (a run's event log need not be kept): [`finish`](Self::finish) gives the
/// replicate means.
#[derive(Debug, Clone)]
pub struct AttributionTally<'a> {
    map: &'a SahelMap,
    n_groups: usize,
    areas: Vec<String>,
    actors: Vec<String>,
    truly: Vec<Vec<f64>>,
    attributed: Vec<Vec<f64>>,
    runs: usize,
}

impl<'a> AttributionTally<'a> {
    /// An empty tally of `scenario`'s actors on `map`'s areas.
    pub fn new(scenario: &Scenario, map: &'a SahelMap) -> Self {
        let mut actors: Vec<String> = scenario.groups.iter().map(|g| g.name.clone()).collect();
        for a in [
            Attributed::Jnim,
            Attributed::IslamicState,
            Attributed::Unidentified,
            Attributed::State,
        ] {
            actors.push(attributed_name(a, scenario));
        }
        actors.push("Militias".to_string());
        let mut areas = vec!["whole study area".to_string()];
        areas.extend(map.data.areas.iter().map(|a| a.name.clone()));
        areas.push("outside the four areas".to_string());
        Self {
            map,
            n_groups: scenario.groups.len(),
            truly: vec![vec![0.0; actors.len()]; areas.len()],
            attributed: vec![vec![0.0; actors.len()]; areas.len()],
            areas,
            actors,
            runs: 0,
        }
    }

    /// Counts one replicate's events.
    pub fn add(&mut self, events: &[Event]) {
        let n_groups = self.n_groups;
        let state = n_groups + 3;
        let militias = n_groups + 4;
        let actor_of = |a: Attributed| match a {
            Attributed::Group(g) => g.index(),
            Attributed::Jnim => n_groups,
            Attributed::IslamicState => n_groups + 1,
            Attributed::Unidentified => n_groups + 2,
            Attributed::State => state,
            Attributed::Militia(_) => militias,
        };
        let n_areas = self.map.data.areas.len();
        for e in events {
            let area = 1 + self.map.grid.cells[e.cell.index()].area.unwrap_or(n_areas);
            let t = match e.perpetrator {
                Perpetrator::Group(g) => g.index(),
                Perpetrator::State => state,
                Perpetrator::Militia(_) => militias,
            };
            let a = actor_of(e.attributed);
            for panel in [0, area] {
                self.truly[panel][t] += 1.0;
                self.attributed[panel][a] += 1.0;
            }
        }
        self.runs += 1;
    }

    /// The replicate means; areas with no event at all get no panel.
    pub fn finish(self) -> Attribution {
        let Self {
            areas,
            actors,
            mut truly,
            mut attributed,
            runs,
            ..
        } = self;
        let n = runs.max(1) as f64;
        for v in truly.iter_mut().chain(attributed.iter_mut()) {
            v.iter_mut().for_each(|x| *x /= n);
        }
        let keep: Vec<bool> = truly
            .iter()
            .enumerate()
            .map(|(i, v)| i == 0 || v.iter().any(|&x| x > 0.0))
            .collect();
        let filter = |v: Vec<Vec<f64>>| -> Vec<Vec<f64>> {
            v.into_iter()
                .zip(&keep)
                .filter(|(_, k)| **k)
                .map(|(x, _)| x)
                .collect()
        };
        let (truly, attributed) = (filter(truly), filter(attributed));
        let areas = areas
            .into_iter()
            .zip(&keep)
            .filter(|(_, k)| **k)
            .map(|(a, _)| a)
            .collect();
        Attribution {
            areas,
            actors,
            truly,
            attributed,
        }
    }
}

/// The bar chart of an [`Attribution`].
pub struct AttributionPlot<'a> {
    /// The counts.
    pub data: &'a Attribution,
    /// The figure's title.
    pub title: String,
}

/// Height of the legend above the panels, pixels.
const LEGEND_H: u32 = 30;
/// The colour of events by their true perpetrator.
const TRUE_COLOUR: RGBColor = OKABE_ITO[5];
/// The colour of events by the actor they are attributed to.
const ATTRIBUTED_COLOUR: RGBColor = OKABE_ITO[4];

impl Plot for AttributionPlot<'_> {
    fn size(&self) -> (u32, u32) {
        let rows = self.data.areas.len().div_ceil(2) as u32;
        (
            1500,
            60 + LEGEND_H + rows * (90 + 34 * self.data.actors.len() as u32),
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), FigureError> {
        root.fill(&WHITE).map_err(err)?;
        let area = root.titled(&self.title, ("sans-serif", 24)).map_err(err)?;
        // One legend for every panel, above them, where it covers no bar.
        let (legend, area) = area.split_vertically(LEGEND_H);
        let mut x = 220;
        for (label, colour) in [
            ("true perpetrator", TRUE_COLOUR),
            ("attributed by an observer", ATTRIBUTED_COLOUR),
        ] {
            legend
                .draw(&Rectangle::new([(x, 8), (x + 18, 20)], colour.filled()))
                .map_err(err)?;
            legend
                .draw(&Text::new(
                    label,
                    (x + 24, 7),
                    ("sans-serif", 14).into_font(),
                ))
                .map_err(err)?;
            x += 260;
        }
        let rows = self.data.areas.len().div_ceil(2);
        for (i, cell) in area.split_evenly((rows, 2)).iter().enumerate() {
            if i < self.data.areas.len() {
                self.panel(i, cell)?;
            }
        }
        Ok(())
    }
}

impl AttributionPlot<'_> {
    fn panel<DB: DrawingBackend>(
        &self,
        i: usize,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), FigureError> {
        let d = self.data;
        let n = d.actors.len();
        let max = d.truly[i]
            .iter()
            .chain(&d.attributed[i])
            .copied()
            .fold(0.0, f64::max)
            .max(1.0)
            * 1.12;
        let mut chart = ChartBuilder::on(area)
            .caption(&d.areas[i], ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(42)
            .y_label_area_size(190)
            .build_cartesian_2d(0.0..max, -0.5..n as f64 - 0.5)
            .map_err(err)?;
        let actors = &d.actors;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .set_tick_mark_size(LabelAreaPosition::Left, 0)
            .light_line_style(RGBColor(238, 238, 238))
            .y_labels(4 * n + 1)
            .y_label_formatter(&|y| {
                let k = y.round();
                if (y - k).abs() > 1e-6 || k < 0.0 {
                    return String::new();
                }
                let k = n as isize - 1 - k as isize;
                usize::try_from(k)
                    .ok()
                    .and_then(|k| actors.get(k))
                    .cloned()
                    .unwrap_or_default()
            })
            .x_label_formatter(&|x| compact(*x))
            .x_desc("events per replicate")
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 14))
            .draw()
            .map_err(err)?;
        let (c_true, c_attr) = (TRUE_COLOUR, ATTRIBUTED_COLOUR);
        let y = |k: usize| (n - 1 - k) as f64;
        chart
            .draw_series(
                d.truly[i].iter().enumerate().map(|(k, &v)| {
                    Rectangle::new([(0.0, y(k)), (v, y(k) + 0.38)], c_true.filled())
                }),
            )
            .map_err(err)?;
        chart
            .draw_series(
                d.attributed[i].iter().enumerate().map(|(k, &v)| {
                    Rectangle::new([(0.0, y(k) - 0.38), (v, y(k))], c_attr.filled())
                }),
            )
            .map_err(err)?;
        Ok(())
    }
}
