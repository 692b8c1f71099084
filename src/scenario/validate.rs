//! Raw scenario (merged over what it extends) -> validated [`Scenario`]: defaults filled,
//! ranges checked, names resolved. Every problem found is reported with the file, line and
//! column that wrote the offending value.

use std::path::PathBuf;

use time::Date;
use time::macros::format_description;

use super::error::{Position, ScenarioError, ScenarioErrors};
use super::locate::FieldIndex;
use super::numbers::NumberInfo;
use super::params::*;
use super::raw::*;
use crate::geo::MapData;

/// Largest grid the model accepts, in cells.
pub const MAX_GRID_CELLS: usize = 2_000_000;
/// Finest and coarsest resolution accepted, in degrees.
pub const RESOLUTION_RANGE: (f64, f64) = (0.02, 1.0);
/// The default bounding box: the three study countries with a margin.
pub const DEFAULT_BBOX: BBox = BBox {
    south: 9.0,
    north: 25.5,
    west: -12.5,
    east: 4.5,
};
/// Longest period accepted, in days (100 years).
pub const MAX_DAYS: i64 = 36_525;

/// One file of an `extends` chain with its index of field positions.
#[derive(Debug, Clone)]
pub(crate) struct Layer {
    pub path: PathBuf,
    pub text: String,
    pub sha256: String,
    pub index: FieldIndex,
}

/// A field whose value was set from outside the scenario's files (a sweep's point), and where
/// that value was written.
#[derive(Debug, Clone)]
pub(crate) struct SetAt {
    /// The field's path, as errors name it (`groups[FLM].initial.fighters`).
    pub field_path: String,
    /// The file that wrote the value.
    pub file: PathBuf,
    /// Where in that file.
    pub position: Option<Position>,
}

/// Collects errors, locating each path in the first file of the chain that writes it.
pub(super) struct Checker<'a> {
    layers: &'a [Layer],
    set_at: &'a [SetAt],
    errors: Vec<ScenarioError>,
}

impl Checker<'_> {
    /// An error at `path`, placed where the value was set from outside the files, or else in
    /// the child-most file that writes `path` (or its nearest written parent section).
    pub(super) fn error(&self, path: &str, message: impl Into<String>) -> ScenarioError {
        if let Some(set) = self.set_at.iter().find(|s| s.field_path == path) {
            return ScenarioError::new(&set.file, path, message).at(set.position);
        }
        let mut probe = path.to_string();
        loop {
            for layer in self.layers {
                if let Some(pos) = layer.index.find(&probe) {
                    return ScenarioError::new(&layer.path, path, message).at(Some(pos));
                }
            }
            match parent_path(&probe) {
                Some(p) => probe = p,
                None => break,
            }
        }
        let first = self
            .layers
            .first()
            .map(|l| l.path.clone())
            .unwrap_or_default();
        ScenarioError::new(first, path, message).at(Some(Position { line: 1, col: 1 }))
    }

    pub(super) fn push(&mut self, e: ScenarioError) {
        self.errors.push(e);
    }

    pub(super) fn required<T: Clone>(
        &mut self,
        value: &Option<T>,
        path: &str,
        expected: &str,
    ) -> Option<T> {
        if value.is_none() {
            let e = self.error(path, "missing").expected(expected.to_string());
            self.push(e);
        }
        value.clone()
    }

    /// A probability of the table (`info`), its range `info.min` to `info.max`.
    pub(super) fn probability(
        &mut self,
        value: Option<f64>,
        default: f64,
        path: &str,
        info: &NumberInfo,
    ) -> f64 {
        self.number(
            value,
            default,
            path,
            info.min,
            info.max,
            &format!("a probability between {} and {}", info.min, info.max),
        )
    }

    pub(super) fn number(
        &mut self,
        value: Option<f64>,
        default: f64,
        path: &str,
        lo: f64,
        hi: f64,
        expected: &str,
    ) -> f64 {
        let v = value.unwrap_or(default);
        if !(lo..=hi).contains(&v) {
            let e = self
                .error(path, format!("{v} is out of range"))
                .expected(expected.to_string());
            self.push(e);
            return default;
        }
        v
    }

    /// A count of the table (`info`, whose range starts at 0) of `what`.
    pub(super) fn count(
        &mut self,
        value: Option<i64>,
        default: u32,
        path: &str,
        info: &NumberInfo,
        what: &str,
    ) -> u32 {
        let v = value.unwrap_or(default as i64);
        if v < info.min as i64 {
            let e = self
                .error(path, format!("{v} is negative"))
                .expected(format!("a number of {what}, 0 or more"));
            self.push(e);
            return default;
        }
        if v > info.max as i64 {
            let e = self
                .error(path, format!("{v} is too large"))
                .expected(format!("at most {}", info.max as i64));
            self.push(e);
            return default;
        }
        v as u32
    }

    pub(super) fn date(&mut self, value: &Option<String>, path: &str) -> Option<Date> {
        let text = self.required(
            value,
            path,
            "an ISO date \"YYYY-MM-DD\", e.g. \"2017-01-01\"",
        )?;
        match Date::parse(&text, format_description!("[year]-[month]-[day]")) {
            Ok(d) => Some(d),
            Err(_) => {
                let e = self
                    .error(path, format!("\"{text}\" is not a date"))
                    .expected("an ISO date \"YYYY-MM-DD\", e.g. \"2017-01-01\"");
                self.push(e);
                None
            }
        }
    }
}

fn parent_path(path: &str) -> Option<String> {
    if path.is_empty() {
        return None;
    }
    let cut = path.rfind(['.', '[']).unwrap_or(0);
    Some(path[..cut].to_string())
}

/// Validates `raw` (already merged over the files it extends; `layers` child first; the fields
/// of `set_at` set from outside the files) against the map data `map_data`.
pub(crate) fn validate(
    raw: RawScenario,
    layers: &[Layer],
    set_at: &[SetAt],
    map_data: &MapData,
) -> Result<Scenario, ScenarioErrors> {
    let mut c = Checker {
        layers,
        set_at,
        errors: Vec::new(),
    };
    // Regions a scenario may name: the modelled ones (index into the map's regions, name).
    let modelled: Vec<(usize, String)> = map_data
        .regions
        .iter()
        .enumerate()
        .filter(|(_, r)| r.modelled != Some(false))
        .map(|(i, r)| (i, r.name.clone()))
        .collect();
    let region_names: Vec<String> = modelled.iter().map(|(_, n)| n.clone()).collect();
    let region_index = |name: &str| modelled.iter().find(|(_, n)| n == name).map(|(i, _)| *i);

    let name = c
        .required(
            &raw.name,
            "name",
            "a short scenario name, e.g. \"baseline\"",
        )
        .unwrap_or_default();
    if raw.name.is_some() && name.trim().is_empty() {
        let e = c
            .error("name", "is empty")
            .expected("a short scenario name, e.g. \"baseline\"");
        c.push(e);
    }
    let description = raw.description.clone().unwrap_or_default();
    let kind = raw.kind.unwrap_or(ModelKind::Sahel);

    // Period.
    let rp = raw.period.clone().unwrap_or_default();
    if raw.period.is_none() && kind == ModelKind::Sahel {
        let e = c
            .error("period", "missing")
            .expected("period: (start: \"2017-01-01\", end: \"2020-12-31\")");
        c.push(e);
    }
    let start = if raw.period.is_some() {
        c.date(&rp.start, "period.start")
    } else {
        None
    };
    let end = if raw.period.is_some() {
        c.date(&rp.end, "period.end")
    } else {
        None
    };
    let mut period = Period {
        start: Date::MIN,
        end: Date::MIN,
    };
    if let (Some(s), Some(e)) = (start, end) {
        if e < s {
            let err = c
                .error(
                    "period.end",
                    format!("{} is before the start {}", format_date(e), format_date(s)),
                )
                .expected("an end date on or after period.start");
            c.push(err);
        } else if (e - s).whole_days() >= MAX_DAYS {
            let err = c
                .error("period.end", "the period is longer than 100 years")
                .expected("a period of at most 100 years");
            c.push(err);
        } else {
            period = Period { start: s, end: e };
        }
    }

    let seed = raw.seed.unwrap_or(1);
    let replicates = raw.replicates.unwrap_or(1);
    if !(1..=100_000).contains(&replicates) {
        let e = c
            .error("replicates", format!("{replicates} is out of range"))
            .expected("a number of replicates from 1 to 100000");
        c.push(e);
    }

    // Map.
    let rm = raw.map.clone().unwrap_or_default();
    let resolution_deg = c.number(
        rm.resolution_deg,
        0.1,
        "map.resolution_deg",
        RESOLUTION_RANGE.0,
        RESOLUTION_RANGE.1,
        "a cell size in degrees from 0.02 (about 2 km) to 1.0 (about 110 km); default 0.1",
    );
    let rb = rm.bbox.clone().unwrap_or_default();
    let bbox = BBox {
        south: c.number(
            rb.south,
            DEFAULT_BBOX.south,
            "map.bbox.south",
            -90.0,
            90.0,
            "a latitude in degrees",
        ),
        north: c.number(
            rb.north,
            DEFAULT_BBOX.north,
            "map.bbox.north",
            -90.0,
            90.0,
            "a latitude in degrees",
        ),
        west: c.number(
            rb.west,
            DEFAULT_BBOX.west,
            "map.bbox.west",
            -180.0,
            180.0,
            "a longitude in degrees",
        ),
        east: c.number(
            rb.east,
            DEFAULT_BBOX.east,
            "map.bbox.east",
            -180.0,
            180.0,
            "a longitude in degrees",
        ),
    };
    let bbox_ok = if bbox.north <= bbox.south {
        let e = c
            .error("map.bbox.north", "is not north of map.bbox.south")
            .expected("north > south");
        c.push(e);
        false
    } else if bbox.east <= bbox.west {
        let e = c
            .error("map.bbox.east", "is not east of map.bbox.west")
            .expected("east > west");
        c.push(e);
        false
    } else if bbox.north < 9.5 || bbox.south > 23.0 || bbox.east < -11.0 || bbox.west > 3.5 {
        let e = c
            .error("map.bbox", "does not cover the study area")
            .expected("a box overlapping Mali, Burkina Faso and western Niger (default: south 9.0, north 25.5, west -12.5, east 4.5)");
        c.push(e);
        false
    } else {
        true
    };
    let population_growth = c.number(
        rm.population_growth,
        0.03,
        "map.population_growth",
        -0.1,
        0.1,
        "an annual growth rate between -0.1 and 0.1 (0.03 is 3 % a year)",
    );
    let mut map = MapParams {
        resolution_deg,
        bbox,
        population_growth,
        region_populations: Vec::new(),
    };
    if bbox_ok {
        let (w, h) = map.grid_size();
        if w.saturating_mul(h) > MAX_GRID_CELLS {
            let e = c
                .error(
                    "map.resolution_deg",
                    format!(
                        "{resolution_deg} makes a grid of {w} × {h} = {} cells",
                        w * h
                    ),
                )
                .expected(format!(
                    "at most {MAX_GRID_CELLS} cells: a coarser resolution or a smaller bbox"
                ));
            c.push(e);
        }
    }
    for r in rm.regions.clone().unwrap_or_default().0.iter() {
        let path = format!("map.regions[{}]", r.name);
        let Some(idx) = region_index(&r.name) else {
            let e = c
                .error(
                    &format!("{path}.name"),
                    format!("unknown region `{}`", r.name),
                )
                .expected("a first-level region of Mali, Burkina Faso or Niger")
                .choices(&r.name, &region_names);
            c.push(e);
            continue;
        };
        let pop = r
            .population
            .unwrap_or(map_data.regions[idx].population as i64);
        if pop < 0 {
            let e = c
                .error(&format!("{path}.population"), format!("{pop} is negative"))
                .expected("a population, 0 or more");
            c.push(e);
            continue;
        }
        let year = r.year.unwrap_or(map_data.regions[idx].year as i64);
        if !(1950..=2100).contains(&year) {
            let e = c
                .error(&format!("{path}.year"), format!("{year} is out of range"))
                .expected("a year from 1950 to 2100");
            c.push(e);
            continue;
        }
        map.region_populations.push((idx, pop as u64, year as u16));
    }

    // Groups.
    let raw_groups = raw.groups.clone().unwrap_or_default().0;
    if kind == ModelKind::Sahel && raw_groups.is_empty() {
        let e = c
            .error("groups", "no armed groups are defined")
            .expected("at least one group, e.g. groups: [(name: \"FLM\", ...)]");
        c.push(e);
    }
    let group_names: Vec<String> = raw_groups.iter().map(|g| g.name.clone()).collect();
    let mut groups = Vec::new();
    for (i, g) in raw_groups.iter().enumerate() {
        let p = format!("groups[{}]", g.name);
        if g.name.trim().is_empty() {
            let e = c
                .error(&format!("groups[{i}].name"), "is empty")
                .expected("a unique group name");
            c.push(e);
        }
        if group_names[..i].contains(&g.name) {
            let e = c
                .error(
                    &format!("{p}.name"),
                    format!("group `{}` is defined twice", g.name),
                )
                .expected("unique group names");
            c.push(e);
        }
        let status = g.status.unwrap_or(GroupStatus::Active);
        let absorbed_by = match (&g.absorbed_by, status) {
            (Some(other), _) => {
                let idx = group_names.iter().position(|n| n == other && n != &g.name);
                if idx.is_none() {
                    let others: Vec<&String> =
                        group_names.iter().filter(|n| **n != g.name).collect();
                    let e = c
                        .error(
                            &format!("{p}.absorbed_by"),
                            format!("unknown group `{other}`"),
                        )
                        .expected("the name of another group in `groups`")
                        .choices(other, &others);
                    c.push(e);
                }
                idx
            }
            (None, GroupStatus::Absorbed) => {
                let e = c
                    .error(
                        &format!("{p}.status"),
                        "an absorbed group needs `absorbed_by`",
                    )
                    .expected("absorbed_by: \"<group name>\"");
                c.push(e);
                None
            }
            (None, _) => None,
        };
        let mut allies = Vec::new();
        for (k, a) in g.allies.clone().unwrap_or_default().iter().enumerate() {
            match group_names.iter().position(|n| n == a && n != &g.name) {
                Some(h) => allies.push(h),
                None => {
                    let others: Vec<&String> =
                        group_names.iter().filter(|n| **n != g.name).collect();
                    let e = c
                        .error(&format!("{p}.allies[{k}]"), format!("unknown group `{a}`"))
                        .expected("the name of another group in `groups`")
                        .choices(a, &others);
                    c.push(e);
                }
            }
        }
        let mut home_regions = Vec::new();
        for (k, r) in g
            .home_regions
            .clone()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            match region_index(r) {
                Some(idx) => home_regions.push(idx),
                None => {
                    let e = c
                        .error(
                            &format!("{p}.home_regions[{k}]"),
                            format!("unknown region `{r}`"),
                        )
                        .expected("a first-level region of Mali, Burkina Faso or Niger")
                        .choices(r, &region_names);
                    c.push(e);
                }
            }
        }
        if status != GroupStatus::Absorbed && g.home_regions.as_ref().is_none_or(|h| h.is_empty()) {
            let e = c
                .error(&format!("{p}.home_regions"), "missing")
                .expected("a list of regions, e.g. home_regions: [\"Mopti\", \"Ségou\"]");
            c.push(e);
        }
        let o = g.objectives.clone().unwrap_or_default();
        let objectives = Objectives {
            political: c.probability(
                o.political,
                0.0,
                &format!("{p}.objectives.political"),
                &RawGroup::POLITICAL,
            ),
            ideological: c.probability(
                o.ideological,
                0.0,
                &format!("{p}.objectives.ideological"),
                &RawGroup::IDEOLOGICAL,
            ),
            economic: c.probability(
                o.economic,
                0.0,
                &format!("{p}.objectives.economic"),
                &RawGroup::ECONOMIC,
            ),
        };
        let t = g.tactics.clone().unwrap_or_default();
        let tactics = Tactics {
            civilian_targeting: c.probability(
                t.civilian_targeting,
                0.0,
                &format!("{p}.tactics.civilian_targeting"),
                &RawGroup::CIVILIAN_TARGETING,
            ),
            leader_targeting: c.probability(
                t.leader_targeting,
                0.0,
                &format!("{p}.tactics.leader_targeting"),
                &RawGroup::LEADER_TARGETING,
            ),
            negotiation: c.probability(
                t.negotiation,
                0.0,
                &format!("{p}.tactics.negotiation"),
                &RawGroup::NEGOTIATION,
            ),
            kidnapping: c.probability(
                t.kidnapping,
                0.0,
                &format!("{p}.tactics.kidnapping"),
                &RawGroup::KIDNAPPING,
            ),
            activity: c.number(
                t.activity,
                1.0,
                &format!("{p}.tactics.activity"),
                RawGroup::ACTIVITY.min,
                RawGroup::ACTIVITY.max,
                &format!(
                    "a multiplier of the model's attack rate from {} to {} (1 = as set there)",
                    RawGroup::ACTIVITY.min,
                    RawGroup::ACTIVITY.max
                ),
            ),
        };
        let ini = g.initial.clone().unwrap_or_default();
        let fighters = c.count(
            ini.fighters,
            0,
            &format!("{p}.initial.fighters"),
            &RawGroup::FIGHTERS,
            "fighters",
        );
        let bands = c.count(
            ini.bands,
            u32::from(fighters > 0),
            &format!("{p}.initial.bands"),
            &RawGroup::BANDS,
            "bands",
        );
        if bands > fighters {
            let e = c
                .error(
                    &format!("{p}.initial.bands"),
                    format!("{bands} bands for {fighters} fighters"),
                )
                .expected("no more bands than fighters");
            c.push(e);
        }
        if fighters > 0 && bands == 0 {
            let e = c
                .error(
                    &format!("{p}.initial.bands"),
                    "0 bands for a group with fighters",
                )
                .expected("at least 1 band");
            c.push(e);
        }
        if status == GroupStatus::Absorbed && fighters > 0 {
            let e = c
                .error(
                    &format!("{p}.initial.fighters"),
                    "an absorbed group has no fighters of its own",
                )
                .expected("fighters: 0, or status: Degraded");
            c.push(e);
        }
        let initial = GroupInitial {
            fighters,
            bands,
            treasury_musd: c.number(
                ini.treasury_musd,
                0.0,
                &format!("{p}.initial.treasury_musd"),
                RawGroup::TREASURY_MUSD.min,
                RawGroup::TREASURY_MUSD.max,
                "millions of US dollars, 0 or more",
            ),
            hardliner_share: c.probability(
                ini.hardliner_share,
                0.3,
                &format!("{p}.initial.hardliner_share"),
                &RawGroup::HARDLINER_SHARE,
            ),
        };
        groups.push(GroupParams {
            name: g.name.clone(),
            full_name: g.full_name.clone().unwrap_or_else(|| g.name.clone()),
            coalition: g.coalition.unwrap_or(Coalition::Unaffiliated),
            attributed_as: g
                .attributed_as
                .or(g.coalition)
                .unwrap_or(Coalition::Unaffiliated),
            militant_islamist: g
                .militant_islamist
                .unwrap_or(g.coalition.is_some_and(|c| c != Coalition::Unaffiliated)),
            leader: g.leader.clone().unwrap_or_else(|| "unknown".to_string()),
            status,
            absorbed_by,
            allies,
            home_regions,
            objectives,
            tactics,
            initial,
        });
    }

    // Mechanism parameters.
    let raw_model = raw.model.clone().unwrap_or_default();
    let model = super::model_params::validate_model(&raw_model, &mut |path, value, info| {
        let expected = format!(
            "a value from {} to {} ({}), default {}: {}",
            info.min,
            info.max,
            info.unit,
            info.default,
            info.doc.trim()
        );
        c.number(value, info.default, path, info.min, info.max, &expected)
    });

    // History.
    let mut history = Vec::new();
    for (k, h) in raw.history.clone().unwrap_or_default().iter().enumerate() {
        let path = format!("history[{k}]");
        let date = c.date(&Some(h.date.clone()), &format!("{path}.date"));
        let kind = c.required(&h.kind, &format!("{path}.kind"), "kind: LeaderKilled");
        let group = group_names.iter().position(|n| *n == h.group);
        if group.is_none() {
            let e = c
                .error(
                    &format!("{path}.group"),
                    format!("unknown group `{}`", h.group),
                )
                .expected("the name of a group in `groups`")
                .choices(&h.group, &group_names);
            c.push(e);
        }
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
        if let (Some(date), Some(kind), Some(group)) = (date, kind, group)
            && date >= period.start
        {
            let day = (date - period.start).whole_days().clamp(0, u32::MAX as i64) as u32;
            history.push(HistoryEvent {
                day,
                date,
                kind,
                group,
                note: h.note.clone().unwrap_or_default(),
            });
        }
    }
    history.sort_by_key(|h| (h.day, h.group));

    // Interventions.
    let interventions = super::interventions::validate_interventions(
        &mut c,
        raw.interventions
            .as_ref()
            .map(|l| l.0.as_slice())
            .unwrap_or(&[]),
        &period,
        &group_names,
        &region_names,
        &region_index,
        map_data,
    );

    // The reference model's section, for `kind: Epstein` only.
    let epstein = match (kind, &raw.epstein) {
        (ModelKind::Epstein, r) => Some(super::epstein::validate(
            &r.clone().unwrap_or_default(),
            &mut c,
        )),
        (ModelKind::Sahel, Some(_)) => {
            let e = c
                .error("epstein", "applies only to scenarios of `kind: Epstein`")
                .expected("`kind: Epstein`, or no `epstein` section");
            c.push(e);
            None
        }
        (ModelKind::Sahel, None) => None,
    };

    // Output.
    let ro = raw.output.clone().unwrap_or_default();
    let output = OutputParams {
        dir: ro
            .dir
            .clone()
            .unwrap_or_else(|| format!("output/{}", slug(&name))),
        timeseries: ro.timeseries.unwrap_or(Resolution::Weekly),
        events: ro.events.unwrap_or(true),
    };

    if !c.errors.is_empty() {
        return Err(ScenarioErrors(c.errors));
    }
    let sources = layers
        .iter()
        .map(|l| SourceFile {
            path: l.path.display().to_string(),
            sha256: l.sha256.clone(),
            text: l.text.clone(),
        })
        .collect();
    Ok(Scenario {
        name,
        description,
        kind,
        period,
        seed,
        replicates,
        map,
        groups,
        model,
        history,
        interventions,
        output,
        epstein,
        sources,
    })
}

/// A scenario name made safe as a folder name: letters, digits, `-` and `_`.
pub fn slug(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_matches('_').to_string();
    if s.is_empty() {
        "scenario".to_string()
    } else {
        s
    }
}
