//! Outcomes by admin-1 region: the summary's per-region values add up to the whole study
//! area's, and `compare --by region` gives each region with events its row.

mod common;

use sahelsim::record::OUTCOMES;
use sahelsim::record::outcome::study_regions;

#[test]
fn per_region_values_sum_to_the_total() {
    let s = common::short(150, 0.3, &[]);
    let map = common::map(&s);
    let regions = study_regions(&map);
    assert!(regions.len() > 20, "{} regions", regions.len());
    let summary = common::run(&s, 0).summary.outcomes;
    let mut checked = 0;
    for o in OUTCOMES
        .iter()
        .filter(|o| o.reported.summary && o.by_region && o.total)
    {
        let total = summary[o.key];
        let parts: Vec<f64> = regions
            .iter()
            .map(|&r| summary[&format!("{}@{}", o.key, map.data.regions[r].name)])
            .collect();
        let sum: f64 = parts.iter().sum();
        // Counts from the event log add up exactly; states are rounded to whole people or
        // schools per place, so their sum may differ from the total's rounding by half a unit
        // per region.
        let slack = match o.count {
            sahelsim::record::outcome::Count::End(_) => 0.5 * regions.len() as f64,
            _ => 0.0,
        };
        assert!(
            (sum - total).abs() <= slack,
            "{}: regions sum to {sum}, total {total}",
            o.key
        );
        assert!(
            total == 0.0 || parts.iter().filter(|&&v| v > 0.0).count() >= 2,
            "{}: the total sits in one region",
            o.key
        );
        checked += 1;
    }
    assert!(checked >= 5, "{checked} outcomes by region");
    assert!(summary["events"] > 0.0 && summary["displaced_end"] > 0.0);
}
