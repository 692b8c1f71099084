//! Mechanism switches for explaining a comparison (`compare --ablate MECHANISM`): each holds
//! one mechanism at "off" in every scenario compared, base and policies alike, so that the
//! comparison run again says how much of a policy's effect goes away without it.
//!
//! A switch sets model parameters (and, for the mechanisms a policy brings, the parameter of
//! the interventions of that kind) to the value at which the mechanism does nothing; the
//! scenarios are otherwise unchanged and run on the same seeds.

use crate::scenario::Scenario;
use crate::scenario::interventions::InterventionKind;

/// A mechanism that can be switched off in a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Mechanism {
    /// Civilians killed by state forces cost the state no legitimacy
    /// (`model.security.backlash` 0).
    Backlash,
    /// No state operations: no responses to events, no patrols and no sweeps
    /// (`model.security.response_rate`, `model.security.patrol_rate` and
    /// `model.security.sweep_rate` 0). Garrisons and extra troops still deter and protect by
    /// their presence.
    StateOperations,
    /// No community militias: nobody mobilises (`model.militias.members_per_1000` 0), so no
    /// raids and no clashes.
    Militias,
    /// No stigmatisation: civilians killed by state forces and militias add no grievance
    /// (`model.communities.stigma_per_death` 0).
    Stigmatisation,
    /// Enforcement on the routes displaces no tolls elsewhere (the `option` of every
    /// `TargetIllicitNetworks` intervention 0).
    RevenueDisplacement,
    /// A surge interdicts no moves between areas of operation (the `intensity` of every
    /// `CounterinsurgencySurge` intervention 0); its troops stay.
    Interdiction,
    /// Gold sites and route checkpoints do not draw bands' moves (`model.bands.revenue_weight`
    /// 0); they still pay the bands that are there. What carries FLM into northern Burkina
    /// Faso (docs/calibration.md).
    RevenuePull,
    /// Uncontrolled communities do not draw bands' moves (`model.bands.expansion_weight` 0).
    ExpansionPull,
    /// Willing recruits do not draw bands' moves (`model.bands.support_weight` 0); bands
    /// still recruit where they are.
    RecruitPull,
    /// A group's tempo does not follow the ground it holds (`model.bands.hold_tempo` 0): its
    /// bands attack at the rate of their size whatever it holds (calibration round 39's
    /// mechanism, docs/ODD.md 7.8).
    HoldTempo,
}

impl Mechanism {
    /// Every mechanism, in the order of `--ablate`'s help.
    pub const ALL: [Mechanism; 10] = [
        Mechanism::Backlash,
        Mechanism::StateOperations,
        Mechanism::Militias,
        Mechanism::Stigmatisation,
        Mechanism::RevenueDisplacement,
        Mechanism::Interdiction,
        Mechanism::RevenuePull,
        Mechanism::ExpansionPull,
        Mechanism::RecruitPull,
        Mechanism::HoldTempo,
    ];

    /// The name on the command line and in outputs.
    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Backlash => "backlash",
            Mechanism::StateOperations => "state-operations",
            Mechanism::Militias => "militias",
            Mechanism::Stigmatisation => "stigmatisation",
            Mechanism::RevenueDisplacement => "revenue-displacement",
            Mechanism::Interdiction => "interdiction",
            Mechanism::RevenuePull => "revenue-pull",
            Mechanism::ExpansionPull => "expansion-pull",
            Mechanism::RecruitPull => "recruit-pull",
            Mechanism::HoldTempo => "hold-tempo",
        }
    }

    /// The model parameters it sets, and to what.
    pub fn model_settings(self) -> &'static [(&'static str, f64)] {
        match self {
            Mechanism::Backlash => &[("model.security.backlash", 0.0)],
            Mechanism::StateOperations => &[
                ("model.security.response_rate", 0.0),
                ("model.security.patrol_rate", 0.0),
                ("model.security.sweep_rate", 0.0),
            ],
            Mechanism::Militias => &[("model.militias.members_per_1000", 0.0)],
            Mechanism::Stigmatisation => &[("model.communities.stigma_per_death", 0.0)],
            Mechanism::RevenuePull => &[("model.bands.revenue_weight", 0.0)],
            Mechanism::ExpansionPull => &[("model.bands.expansion_weight", 0.0)],
            Mechanism::RecruitPull => &[("model.bands.support_weight", 0.0)],
            Mechanism::HoldTempo => &[("model.bands.hold_tempo", 0.0)],
            Mechanism::RevenueDisplacement | Mechanism::Interdiction => &[],
        }
    }

    /// What switching it off does, in words (for the report and the printed header).
    pub fn description(self) -> String {
        match self {
            Mechanism::RevenueDisplacement => {
                "the option of every TargetIllicitNetworks intervention = 0".to_string()
            }
            Mechanism::Interdiction => {
                "the intensity of every CounterinsurgencySurge intervention = 0".to_string()
            }
            _ => self
                .model_settings()
                .iter()
                .map(|(path, v)| format!("{path} = {v}"))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }

    /// Switches the mechanism off in `s`.
    pub fn switch_off(self, s: &mut Scenario) {
        for (path, v) in self.model_settings() {
            let known = s.model.set(path, *v);
            debug_assert!(known, "no parameter {path}");
        }
        for iv in &mut s.interventions {
            match (self, iv.kind) {
                (Mechanism::RevenueDisplacement, InterventionKind::TargetIllicitNetworks) => {
                    iv.option = 0.0
                }
                (Mechanism::Interdiction, InterventionKind::CounterinsurgencySurge) => {
                    iv.intensity = 0.0
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn every_switch_sets_parameters_that_exist_and_leaves_the_rest() {
        let base = crate::scenario::load(Path::new("scenarios/baseline.ron")).unwrap();
        for m in Mechanism::ALL {
            for (path, _) in m.model_settings() {
                assert!(base.model.clone().set(path, 0.0), "{path}");
            }
            let mut s = base.clone();
            m.switch_off(&mut s);
            assert_eq!(s.groups.len(), base.groups.len());
        }
        let mut s = base.clone();
        Mechanism::Militias.switch_off(&mut s);
        assert_eq!(s.model.militias.members_per_1000, 0.0);
        assert_eq!(s.model.security.backlash, base.model.security.backlash);
        let mut s = base.clone();
        Mechanism::RevenuePull.switch_off(&mut s);
        assert_eq!(s.model.bands.revenue_weight, 0.0);
        assert_eq!(
            s.model.bands.support_weight,
            base.model.bands.support_weight
        );
        assert!(base.model.bands.revenue_weight > 0.0);
        let mut s = base.clone();
        Mechanism::HoldTempo.switch_off(&mut s);
        assert_eq!(s.model.bands.hold_tempo, 0.0);
        assert!(base.model.bands.hold_tempo > 0.0);
    }

    #[test]
    fn policy_switches_act_on_their_kind_of_intervention_only() {
        let mut s = crate::scenario::load(Path::new("scenarios/policies/package.ron")).unwrap();
        let before = s.interventions.clone();
        Mechanism::RevenueDisplacement.switch_off(&mut s);
        for (iv, was) in s.interventions.iter().zip(&before) {
            if iv.kind == InterventionKind::TargetIllicitNetworks {
                assert_eq!(iv.option, 0.0);
            } else {
                assert_eq!(iv.option, was.option);
                assert_eq!(iv.intensity, was.intensity);
            }
        }
        assert!(
            before
                .iter()
                .any(|iv| iv.kind == InterventionKind::TargetIllicitNetworks)
        );
    }
}
