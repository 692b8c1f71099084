//! The "how to read this" paragraph under each figure of a report: what to look at first and
//! what not to read into it, by the figure's file stem.

/// The paragraph for the figure whose file stem is `stem` (empty for a figure without one).
pub fn how_to_read(stem: &str) -> &'static str {
    match stem {
        "outcomes" => {
            "Each line is the mean over the replicates and the shaded band the range that holds 90 % of them. Read the level and the trend of each line; a wide band means the replicates disagree, and a single run could lie anywhere inside it."
        }
        "map_events" | "map_fatalities" | "map_displaced" => {
            "Darker cells have more, grey cells none. The colour scale is logarithmic: each step along the bar multiplies the count, so compare cells by order of magnitude, not by shade alone. Purple outlines are the areas of operation (labelled by id), grey lines the regions; towns of 50,000 people or more are named."
        }
        "map_control" => {
            "Darker cells are held more firmly by armed groups (1: militant control), grey ones by the state (0). Compare the panels year by year to see where control spreads or recedes."
        }
        "attribution" => {
            "For each actor the upper (vermillion) bar counts the events it truly carried out and the lower (blue) bar those an outside observer attributes to it. Where the two differ, event data would misattribute the violence: a long blue bar beside a short vermillion one marks an actor blamed for others' events."
        }
        "compare_forest" => {
            "Each dot is a scenario's change from the base, as a percentage of the base mean, and its line the 95 % confidence interval. A line that crosses the vertical zero line is a change not distinguishable from chance with these replicates; a filled dot is one that is. Read the sign and size of the dots."
        }
        "ensemble_forest" => {
            "Each dot is a scenario's mean change from the base over every plausible world and replicate, as a percentage of the base mean; its line holds 90 % of the individual paired differences, so it carries both which world is the real one and how one run of it unfolds. A line that crosses zero is an effect whose sign depends on the world or the run: read the tables for the share of worlds on each side."
        }
        "compare_differences" => {
            "Above the zero line the scenario has more than the base, below it less. Read the lines after the dashed policy start: before it both scenarios run the same seeds and the same rules, so they coincide. In the months where the band stays clear of zero, the policy changes the outcome."
        }
        "compare_map_events" => {
            "Blue cells have fewer events under the scenario than under the base, red cells more; grey cells differ by no more than the noise between replicates. Look for where a policy moves violence: blue inside its places, red around them."
        }
        "compare_outcomes" => {
            "The base is black, each scenario a colour; lines are means over the replicates and bands hold 90 % of them. Overlapping bands do not mean there is no effect: every scenario runs on the same seeds, so the paired differences by month are the figure to read for an effect."
        }
        "validation" => {
            "Each row is a calibration target: the shaded bar is the band the data allow, the dot the simulated mean and its line the 90 % interval across replicates; the legend gives the colour of a target met and of one missed. A dot far outside its band points at the mechanism to recalibrate."
        }
        "citizens" => {
            "Lines are the mean numbers of active, jailed and quiet citizens by step, bands where 90 % of the replicates fall. Outbursts show as spikes of active citizens; their spacing and height are what the docking tests compare."
        }
        _ if stem.starts_with("tornado-") => {
            "Parameters are ranked by their influence on the outcome, strongest at the top; a bar whose interval crosses zero has no effect distinguishable from noise. Read the note under the chart first: when the spread between points is within noise, no ranking can be trusted."
        }
        _ if stem.starts_with("heatmap-") => {
            "Each cell is the mean outcome at one pair of levels of the two most influential parameters, the others averaged out; darker is more. Set the change in colour across the map against the noise stated under it: a change of less than a few standard errors is chance."
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_figure_has_a_paragraph() {
        for stem in [
            "outcomes",
            "map_events",
            "map_fatalities",
            "map_control",
            "map_displaced",
            "attribution",
            "compare_forest",
            "ensemble_forest",
            "compare_differences",
            "compare_map_events",
            "compare_outcomes",
            "validation",
            "citizens",
            "tornado-events",
            "heatmap-events",
        ] {
            assert!(how_to_read(stem).len() > 80, "{stem}");
        }
        assert_eq!(how_to_read("map"), "");
    }
}
