//! The `epstein` section of a scenario of `kind: Epstein`: Epstein's civil violence model
//! (Model I, Epstein 2002), the reference model that sahelsim docks against Mesa's example
//! (`crate::reference::epstein`, `docs/reference.md`).
//!
//! As elsewhere, [`RawEpstein`] is what the analyst writes (every field optional, merged
//! field by field by `extends`) and [`EpsteinParams`] what the model runs on, with defaults
//! filled and every range checked. The defaults are those of Mesa's example
//! (`mesa.examples.advanced.epstein_civil_violence`, Mesa 3.3.1).

use serde::{Deserialize, Serialize};

use super::checker::Checker;
use super::merge::{merge_by_replacing, merge_fields};
use super::numbers::{NumberInfo, number_table};

/// Largest lattice accepted, in cells.
pub const MAX_CELLS: i64 = 1_000_000;
/// Longest run accepted, in steps.
pub const MAX_STEPS: i64 = 1_000_000;
/// Most cells × steps of a run.
pub const MAX_CELL_STEPS: u64 = 10_000_000_000;
/// Widest and highest lattice accepted, in cells.
pub const MAX_SIDE: i64 = 10_000;

/// How a citizen turns the ratio of cops to actives in vision, C/A, into the number that sets
/// its estimated arrest probability P = 1 − exp(−k · ratio).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum ArrestRatio {
    /// round(C/A), halves to even as Python's `round` does (Mesa).
    Round,
    /// floor(C/A) (NetLogo's Rebellion model).
    Floor,
    /// C/A itself, as printed in Epstein (2002).
    Exact,
}

/// Which cells an agent sees within its vision radius v (never its own cell).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum VisionShape {
    /// |dx| + |dy| ≤ v: the four directions of Epstein's paper and Mesa's example.
    VonNeumann,
    /// max(|dx|, |dy|) ≤ v: the square.
    Moore,
    /// dx² + dy² ≤ v²: the disc of NetLogo's `in-radius`.
    Circle,
}

/// When a jailed citizen's term counts down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum JailCountdown {
    /// At the citizen's own turn, which it then spends in jail (Mesa).
    OwnTurn,
    /// For every jailed citizen at the end of each step, after every agent has acted (NetLogo).
    EndOfStep,
}

/// The `epstein` section as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "epstein")]
pub struct RawEpstein {
    /// Lattice width in cells (a torus).
    pub width: Option<i64>,
    /// Lattice height in cells.
    pub height: Option<i64>,
    /// Probability that a cell starts with a citizen.
    pub citizen_density: Option<f64>,
    /// Probability that a cell starts with a cop.
    pub cop_density: Option<f64>,
    /// Citizens' vision radius, in cells.
    pub citizen_vision: Option<i64>,
    /// Cops' vision radius, in cells.
    pub cop_vision: Option<i64>,
    /// The shape of the neighbourhood a vision radius covers.
    pub vision_shape: Option<VisionShape>,
    /// The regime's legitimacy L as every citizen perceives it; grievance = hardship × (1 − L).
    pub legitimacy: Option<f64>,
    /// Longest jail term J_max, in steps; a term is drawn uniformly from 0 to J_max inclusive.
    pub max_jail_term: Option<i64>,
    /// A citizen is active when grievance − risk aversion × P exceeds this threshold.
    pub active_threshold: Option<f64>,
    /// The constant k of the arrest probability P = 1 − exp(−k · ratio).
    pub arrest_constant: Option<f64>,
    /// How the cops-to-actives ratio is rounded.
    pub arrest_ratio: Option<ArrestRatio>,
    /// When jail terms count down.
    pub jail_countdown: Option<JailCountdown>,
    /// Whether agents move to a random empty cell in vision after acting.
    pub movement: Option<bool>,
    /// Steps each replicate runs.
    pub steps: Option<i64>,
    /// First steps left out of the summary statistics.
    pub burn_in: Option<i64>,
    /// An outburst is a maximal run of steps with at least this many active citizens.
    pub outburst_threshold: Option<i64>,
}

/// The validated `epstein` section: what [`crate::reference::epstein`] runs on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EpsteinParams {
    /// Lattice width in cells.
    pub width: u32,
    /// Lattice height in cells.
    pub height: u32,
    /// Probability that a cell starts with a citizen.
    pub citizen_density: f64,
    /// Probability that a cell starts with a cop.
    pub cop_density: f64,
    /// Citizens' vision radius.
    pub citizen_vision: u32,
    /// Cops' vision radius.
    pub cop_vision: u32,
    /// Neighbourhood shape.
    pub vision_shape: VisionShape,
    /// Legitimacy L.
    pub legitimacy: f64,
    /// J_max, steps.
    pub max_jail_term: u32,
    /// Activation threshold.
    pub active_threshold: f64,
    /// k.
    pub arrest_constant: f64,
    /// Rounding of C/A.
    pub arrest_ratio: ArrestRatio,
    /// When jail terms count down.
    pub jail_countdown: JailCountdown,
    /// Whether agents move.
    pub movement: bool,
    /// Steps per replicate.
    pub steps: u32,
    /// Steps left out of the statistics.
    pub burn_in: u32,
    /// Active citizens that make an outburst.
    pub outburst_threshold: u32,
}

impl Default for EpsteinParams {
    /// Mesa's defaults (Mesa 3.3.1, `EpsteinCivilViolence.__init__`).
    fn default() -> Self {
        Self {
            width: 40,
            height: 40,
            citizen_density: 0.7,
            cop_density: 0.074,
            citizen_vision: 7,
            cop_vision: 7,
            vision_shape: VisionShape::VonNeumann,
            legitimacy: 0.8,
            max_jail_term: 1000,
            active_threshold: 0.1,
            arrest_constant: 2.3,
            arrest_ratio: ArrestRatio::Round,
            jail_countdown: JailCountdown::OwnTurn,
            movement: true,
            steps: 1000,
            burn_in: 0,
            outburst_threshold: 20,
        }
    }
}

number_table! {
    /// Every number of the section, as sweeps address them (`epstein.<field>`).
    NUMBERS: RawEpstein => EpsteinParams {
        /// Lattice width in cells (a torus); width × height at most `MAX_CELLS`.
        WIDTH: width, whole, [3.0, MAX_SIDE as f64], "cells";
        /// Lattice height in cells; width × height at most `MAX_CELLS`.
        HEIGHT: height, whole, [3.0, MAX_SIDE as f64], "cells";
        /// Probability that a cell starts with a citizen; with `cop_density`, at most 1.
        CITIZEN_DENSITY: citizen_density, real, [0.0, 1.0], "share of cells";
        /// Probability that a cell starts with a cop; with `citizen_density`, at most 1.
        COP_DENSITY: cop_density, real, [0.0, 1.0], "share of cells";
        /// Citizens' vision radius; at most (min(width, height) − 1) / 2, so that a neighbourhood does not wrap round the torus.
        CITIZEN_VISION: citizen_vision, whole, [1.0, ((MAX_SIDE - 1) / 2) as f64], "cells";
        /// Cops' vision radius; at most (min(width, height) − 1) / 2.
        COP_VISION: cop_vision, whole, [1.0, ((MAX_SIDE - 1) / 2) as f64], "cells";
        /// The regime's legitimacy L as every citizen perceives it.
        LEGITIMACY: legitimacy, real, [0.0, 1.0], "0..1";
        /// Longest jail term J_max.
        MAX_JAIL_TERM: max_jail_term, whole, [0.0, 1.0e6], "steps";
        /// A citizen is active when grievance − risk aversion × P exceeds this threshold.
        ACTIVE_THRESHOLD: active_threshold, real, [0.0, 1.0], "0..1";
        /// The constant k of the arrest probability P = 1 − exp(−k · ratio).
        ARREST_CONSTANT: arrest_constant, real, [0.0, 100.0], "-";
        /// Steps each replicate runs.
        STEPS: steps, whole, [1.0, MAX_STEPS as f64], "steps";
        /// First steps left out of the summary statistics; fewer than `steps`.
        BURN_IN: burn_in, whole, [0.0, (MAX_STEPS - 1) as f64], "steps";
        /// Active citizens that make an outburst.
        OUTBURST_THRESHOLD: outburst_threshold, whole, [1.0, u32::MAX as f64], "active citizens";
    }
}

merge_by_replacing!(ArrestRatio, VisionShape, JailCountdown);
merge_fields!(RawEpstein {
    width,
    height,
    citizen_density,
    cop_density,
    citizen_vision,
    cop_vision,
    vision_shape,
    legitimacy,
    max_jail_term,
    active_threshold,
    arrest_constant,
    arrest_ratio,
    jail_countdown,
    movement,
    steps,
    burn_in,
    outburst_threshold
});

/// Validates the `epstein` section, reporting every problem through `c`.
pub(super) fn validate(r: &RawEpstein, c: &mut Checker) -> EpsteinParams {
    let d = EpsteinParams::default();
    /// A whole number of the table, checked against its range (`hi` lowered to `below` where
    /// other fields bound it).
    fn int(
        c: &mut Checker,
        v: Option<i64>,
        default: u32,
        info: &NumberInfo,
        below: Option<i64>,
        what: &str,
    ) -> u32 {
        let path = format!("epstein.{}", info.field);
        let (lo, hi) = (info.min as i64, below.unwrap_or(info.max as i64));
        let x = v.unwrap_or(default as i64);
        if !(lo..=hi).contains(&x) {
            let e = c
                .error(&path, format!("{x} is out of range"))
                .expected(format!("{what} from {lo} to {hi}; default {default}"));
            c.push(e);
            return default;
        }
        x as u32
    }
    let width = int(
        c,
        r.width,
        d.width,
        &RawEpstein::WIDTH,
        None,
        "a width in cells",
    );
    let height = int(
        c,
        r.height,
        d.height,
        &RawEpstein::HEIGHT,
        None,
        "a height in cells",
    );
    let (width, height) = if width as i64 * height as i64 > MAX_CELLS {
        let e = c
            .error(
                "epstein.width",
                format!("a lattice of {width} × {height} cells is too large"),
            )
            .expected(format!("at most {MAX_CELLS} cells"));
        c.push(e);
        (d.width, d.height)
    } else {
        (width, height)
    };
    let prob = |c: &mut Checker, v: Option<f64>, default: f64, info: &NumberInfo, what: &str| {
        c.number(
            v,
            default,
            &format!("epstein.{}", info.field),
            info.min,
            info.max,
            &format!(
                "{what} between {} and {}; default {default}",
                info.min, info.max
            ),
        )
    };
    let citizen_density = prob(
        c,
        r.citizen_density,
        d.citizen_density,
        &RawEpstein::CITIZEN_DENSITY,
        "a share of cells",
    );
    let cop_density = prob(
        c,
        r.cop_density,
        d.cop_density,
        &RawEpstein::COP_DENSITY,
        "a share of cells",
    );
    if citizen_density + cop_density > 1.0 {
        let path = if r.cop_density.is_some() {
            "epstein.cop_density"
        } else {
            "epstein.citizen_density"
        };
        let e = c
            .error(
                path,
                format!("citizen_density {citizen_density} + cop_density {cop_density} exceeds 1"),
            )
            .expected("densities that add up to at most 1 (each cell holds one agent at most)");
        c.push(e);
    }
    // A neighbourhood must not wrap round the torus onto itself: 2v + 1 cells across at most.
    let max_vision = (width.min(height) as i64 - 1) / 2;
    let vision_what = format!(
        "a radius in cells, at least 1 and at most {max_vision} so that the neighbourhood does not wrap round the {width} × {height} torus onto itself"
    );
    let citizen_vision = int(
        c,
        r.citizen_vision,
        d.citizen_vision.min(max_vision as u32),
        &RawEpstein::CITIZEN_VISION,
        Some(max_vision),
        &vision_what,
    );
    let cop_vision = int(
        c,
        r.cop_vision,
        d.cop_vision.min(max_vision as u32),
        &RawEpstein::COP_VISION,
        Some(max_vision),
        &vision_what,
    );
    let legitimacy = prob(
        c,
        r.legitimacy,
        d.legitimacy,
        &RawEpstein::LEGITIMACY,
        "a perceived legitimacy",
    );
    let max_jail_term = int(
        c,
        r.max_jail_term,
        d.max_jail_term,
        &RawEpstein::MAX_JAIL_TERM,
        None,
        "a number of steps",
    );
    let active_threshold = prob(
        c,
        r.active_threshold,
        d.active_threshold,
        &RawEpstein::ACTIVE_THRESHOLD,
        "a threshold",
    );
    let k = &RawEpstein::ARREST_CONSTANT;
    let arrest_constant = c.number(
        r.arrest_constant,
        d.arrest_constant,
        "epstein.arrest_constant",
        k.min,
        k.max,
        &format!(
            "a constant k from {} to {}; default {}",
            k.min, k.max, d.arrest_constant
        ),
    );
    let steps = int(
        c,
        r.steps,
        d.steps,
        &RawEpstein::STEPS,
        None,
        "a number of steps",
    );
    let cell_steps = u64::from(width)
        .checked_mul(u64::from(height))
        .and_then(|cells| cells.checked_mul(u64::from(steps)));
    if cell_steps.is_none_or(|p| p > MAX_CELL_STEPS) {
        let e = c
            .error(
                "epstein.steps",
                format!(
                    "a lattice of {width} × {height} cells over {steps} steps makes {} cell-steps",
                    cell_steps.map_or("too many".to_string(), |p| p.to_string())
                ),
            )
            .expected(format!(
                "at most {MAX_CELL_STEPS} cell-steps: a smaller lattice or fewer steps"
            ));
        c.push(e);
    }
    let burn_in = int(
        c,
        r.burn_in,
        d.burn_in,
        &RawEpstein::BURN_IN,
        Some(steps as i64 - 1),
        "a number of steps, fewer than `steps`,",
    );
    let outburst_threshold = int(
        c,
        r.outburst_threshold,
        d.outburst_threshold,
        &RawEpstein::OUTBURST_THRESHOLD,
        None,
        "a number of active citizens",
    );
    EpsteinParams {
        width,
        height,
        citizen_density,
        cop_density,
        citizen_vision,
        cop_vision,
        vision_shape: r.vision_shape.unwrap_or(d.vision_shape),
        legitimacy,
        max_jail_term,
        active_threshold,
        arrest_constant,
        arrest_ratio: r.arrest_ratio.unwrap_or(d.arrest_ratio),
        jail_countdown: r.jail_countdown.unwrap_or(d.jail_countdown),
        movement: r.movement.unwrap_or(d.movement),
        steps,
        burn_in,
        outburst_threshold,
    }
}
