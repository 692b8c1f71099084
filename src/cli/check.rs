//! `sahelsim check FILE`: load and validate a scenario, print a summary.

use std::fmt::Write as _;

use crate::geo::SahelMap;
use crate::report::format::{count, number};
use crate::scenario::{HistoryEffect, Scenario, format_date};

/// Prints the summary of a Sahel scenario.
pub(super) fn run(scenario: &Scenario) -> anyhow::Result<()> {
    let map = SahelMap::build(&scenario.map, scenario.period.start.year());
    print!("{}", summary(scenario, &map));
    Ok(())
}

/// What a history entry does, in a few words: whom or where it concerns and its level.
fn history_effect(s: &Scenario, map: &SahelMap, effect: &HistoryEffect) -> String {
    let iso3 = |k: usize| map.data.countries[k].iso3.as_str();
    match *effect {
        HistoryEffect::LeaderKilled { group } | HistoryEffect::LeaderReplaced { group } => {
            s.groups[group].name.clone()
        }
        HistoryEffect::ForcesStrength {
            country,
            force,
            factor,
        } => format!("{} {force:?} forces × {}", iso3(country), number(factor)),
        HistoryEffect::ForcesConduct { country, factor } => {
            format!("{} bluntness × {}", iso3(country), number(factor))
        }
        HistoryEffect::MilitiaMobilisation { militia, factor } => {
            format!("{} × {}", map.data.militias[militia].name, number(factor))
        }
        HistoryEffect::CoalitionRivalry { factor } => {
            format!("clash chance × {}", number(factor))
        }
        HistoryEffect::BorderAgreement {
            country,
            partner,
            depth_km,
        } if depth_km > 0.0 => format!(
            "{}–{} forces across the border up to {} km",
            iso3(country),
            iso3(partner),
            number(depth_km)
        ),
        HistoryEffect::BorderAgreement {
            country, partner, ..
        } => format!(
            "{}–{} forces stop at the border again",
            iso3(country),
            iso3(partner)
        ),
        HistoryEffect::Blockade {
            group,
            town,
            radius_km,
            factor,
        } if factor > 0.0 => format!(
            "{}'s coalition besieges {} (ring of {} km) × {}",
            s.groups[group].name,
            map.data.towns[town].name,
            number(radius_km),
            number(factor)
        ),
        HistoryEffect::Blockade { group, town, .. } => format!(
            "{}'s coalition lifts its siege of {}",
            s.groups[group].name, map.data.towns[town].name
        ),
    }
}

/// The summary `check` prints.
pub fn summary(s: &Scenario, map: &SahelMap) -> String {
    let mut out = String::new();
    let w = &mut out;
    let _ = writeln!(w, "scenario:   {}", s.name);
    if !s.description.is_empty() {
        let first = s
            .description
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .unwrap_or("");
        let _ = writeln!(w, "            {first}");
    }
    for (i, src) in s.sources.iter().enumerate() {
        let label = if i == 0 { "file:" } else { "extends:" };
        let _ = writeln!(w, "{label:<11} {} (sha256 {})", src.path, &src.sha256[..12]);
    }
    let _ = writeln!(w, "model:      {:?}", s.kind);
    let _ = writeln!(
        w,
        "period:     {} to {} ({} daily steps)",
        format_date(s.period.start),
        format_date(s.period.end),
        s.period.days()
    );
    let _ = writeln!(w, "seed:       {}   replicates: {}", s.seed, s.replicates);
    let g = &map.grid;
    let _ = writeln!(
        w,
        "grid:       {} × {} cells of {}° ({} cells, {} populated in the study area)",
        g.width,
        g.height,
        s.map.resolution_deg,
        g.cells.len(),
        map.populated_cells()
    );
    let _ = writeln!(
        w,
        "population on {} (census figures projected at {:.1} % a year):",
        format_date(s.period.start),
        s.map.population_growth * 100.0
    );
    let pops = map.country_populations(&s.map, s.period.start.year());
    for p in &pops {
        let official = match (p.official, p.official_year, p.at_official_year) {
            (Some(o), Some(y), Some(g)) => {
                format!("  (official {y}: {}; grid at {y}: {})", count(o), count(g))
            }
            _ => String::new(),
        };
        let _ = writeln!(w, "  {:<14}{:>12}{official}", p.name, count(p.at_start));
    }
    let total: u64 = pops.iter().map(|p| p.at_start).sum();
    let _ = writeln!(w, "  {:<14}{:>12}", "total", count(total));
    let _ = writeln!(w, "groups:     {}", s.groups.len());
    for gp in &s.groups {
        let home: Vec<&str> = gp
            .home_regions
            .iter()
            .map(|&r| map.data.regions[r].name.as_str())
            .chain(gp.home_lands.iter().map(|l| l.label()))
            .collect();
        let status = match gp.absorbed_by {
            Some(o) => format!("absorbed by {}", s.groups[o].name),
            None => format!("{:?}", gp.status).to_lowercase(),
        };
        let _ = writeln!(
            w,
            "  {:<15} {:<13} {:<9} {:>6} fighters in {:>3} bands  leader: {}  home: {}",
            gp.name,
            format!("{:?}", gp.coalition),
            status,
            count(u64::from(gp.initial.fighters)),
            gp.initial.bands,
            gp.leader,
            if home.is_empty() {
                "-".to_string()
            } else {
                home.join(", ")
            }
        );
    }
    if s.history.is_empty() {
        let _ = writeln!(w, "history:    none");
    } else {
        let _ = writeln!(w, "history:    {} entries", s.history.len());
    }
    for h in &s.history {
        let _ = writeln!(
            w,
            "  {}  {:<19} {}",
            format_date(h.date),
            format!("{:?}", h.kind),
            history_effect(s, map, &h.effect)
        );
    }
    if s.interventions.is_empty() {
        let _ = writeln!(w, "interventions: none");
    } else {
        let _ = writeln!(w, "interventions: {}", s.interventions.len());
    }
    for iv in &s.interventions {
        let cells = crate::sim::policy::coverage(iv, map)
            .iter()
            .filter(|&&c| c)
            .count();
        let groups: Vec<&str> = iv
            .groups
            .iter()
            .map(|&g| s.groups[g].name.as_str())
            .collect();
        let mut what = format!("intensity {}", iv.intensity);
        if let Some((unit, _)) = iv.kind.info().capacity {
            let _ = write!(what, ", capacity {} {unit}", number(iv.capacity));
        }
        if let Some((meaning, _)) = iv.kind.info().option {
            let _ = write!(what, ", option {} ({meaning})", iv.option);
        }
        let _ = writeln!(
            w,
            "  {:<15} {}, {} cells, groups: {}; {what}",
            iv.name,
            iv.when(),
            count(cells as u64),
            if groups.is_empty() {
                "all".to_string()
            } else {
                groups.join(", ")
            },
        );
    }
    let _ = writeln!(w, "output:     {}", s.output.dir);
    out
}
