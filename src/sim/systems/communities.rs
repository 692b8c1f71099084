//! Community choices (weekly), on Epstein's (2002) civil-violence logic.
//!
//! Grievance G = H × (1 − L) with individual hardship H spread uniformly on [0, 2h] around the
//! community's mean h (its hardship plus its stigmatisation, at most 1, the stigmatisation
//! decaying) and L the state's legitimacy. Net risk N = R × P with risk aversion R
//! uniform on [0, 1] and P = 1 − exp(−k · C/A), here with C/A the community's policing ratio
//! reduced by militant control. The share of residents with G − N > T supports the militants
//! actively (and is the pool bands recruit from); of the rest, a share that grows with
//! legitimacy and government presence informs or resists. Legitimacy recovers slowly towards
//! a level set by government presence; fear decays; militant control decays where no band has
//! been for a week; government presence grows with security presence and shrinks under
//! militant control, where security is thin and where violence is felt (the state's retreat).

use bevy_ecs::prelude::*;

use super::displacement::FearByCell;
use super::recruit_pull::RecruitPull;
use crate::sim::components::{Community, SUSTAINED_PRESENCE};
use crate::sim::init::base_legitimacy;
use crate::sim::resources::{Clock, Setup};
use crate::sim::units::DAYS_PER_WEEK;

/// Days between updates.
pub const DT: f64 = DAYS_PER_WEEK;

/// Epstein's share of active residents: P(2h·U·(1 − L) − R·P > T), U and R uniform on [0, 1].
///
/// For a given risk aversion R the share of U above the threshold is clamp(1 − (T + R·P)/a,
/// 0, 1) with a = 2h(1 − L): linear in R, falling, clamped at 1 and at 0. Its integral over
/// R in [0, 1] is taken exactly: 1 where the line is above 1, the line's own integral where it
/// lies between 0 and 1, nothing beyond.
pub fn active_share(hardship: f64, legitimacy: f64, p_arrest: f64, threshold: f64) -> f64 {
    let a = 2.0 * hardship * (1.0 - legitimacy);
    if a <= 0.0 {
        return 0.0;
    }
    // The line f(R) = start − slope·R.
    let per_a = 1.0 / a;
    let start = 1.0 - threshold * per_a;
    if start <= 0.0 {
        return 0.0;
    }
    let risk = p_arrest.max(0.0);
    if risk <= 0.0 {
        return start.min(1.0);
    }
    let slope = risk * per_a;
    // f is at least 1 on [0, full) (only with a negative threshold) and at least 0 on
    // [0, empty).
    let full = if threshold < 0.0 {
        (-threshold / risk).min(1.0)
    } else {
        0.0
    };
    let empty = ((a - threshold) / risk).min(1.0);
    let share = full + start * (empty - full) - 0.5 * slope * (empty * empty - full * full);
    share.clamp(0.0, 1.0)
}

/// exp(−x) for each community, remembered with the x it was last computed from: a community's
/// arrest risk and security are mostly the same as the week before (its troops, residents and
/// control unchanged), and the exponentials were a large part of the weekly update. The value
/// is the same, bit for bit, as computing it. Each community has `N` slots (one per
/// quantity), side by side so that one community's are read together.
#[derive(Debug, Default)]
pub struct ExpMemo<const N: usize>(Vec<[(u64, f64); N]>);

impl<const N: usize> ExpMemo<N> {
    /// exp(−x) in slot `slot` of community `i`.
    fn exp_neg(&mut self, i: usize, slot: usize, x: f64) -> f64 {
        if self.0.len() <= i {
            // NaN's bits are never those of a computed argument that matches.
            self.0.resize(i + 1, [(f64::NAN.to_bits(), f64::NAN); N]);
        }
        let m = &mut self.0[i][slot];
        if m.0 != x.to_bits() {
            *m = (x.to_bits(), (-x).exp());
        }
        m.1
    }
}

/// The slot of [`community_choices`]' memo for the arrest risk's exponential.
const ARREST: usize = 0;
/// The slot of [`community_choices`]' memo for the state security's exponential.
const SECURITY: usize = 1;

/// Weekly update of every community's choices, legitimacy, fear, control and government
/// presence (the schedule runs it every seventh day).
pub fn community_choices(
    clock: Res<Clock>,
    setup: Res<Setup>,
    mut communities: Query<&mut Community>,
    mut pull: ResMut<RecruitPull>,
    mut fear_by_cell: ResMut<FearByCell>,
    mut memo: Local<ExpMemo<2>>,
) {
    let p = &setup.scenario.model;
    // The willing recruits of the week's field and the fear that flight spreads are noted
    // here, community by community, as each one's choices are made
    // ([`RecruitPull::note_willing`], [`FearByCell::note`]).
    let cells = setup.map.grid.width * setup.map.grid.height;
    let note_pull = RecruitPull::in_use(&p.bands);
    if note_pull {
        pull.fit(cells);
    }
    let note_fear = FearByCell::in_use(&p.displacement);
    if note_fear {
        fear_by_cell.fit(cells);
    }
    // Marked changed once, then written as plain references.
    let (pull, fear_by_cell): (&mut RecruitPull, &mut FearByCell) = (&mut pull, &mut fear_by_cell);
    let cp = &p.communities;
    let day = clock.day as i64;
    // The week's decay factors are the same for every community.
    let fear_kept = (1.0 - cp.fear_decay).powf(DT);
    let legitimacy_step = 1.0 - (1.0 - cp.legitimacy_recovery).powf(DT);
    let stigma_kept = (1.0 - cp.stigma_decay).powf(DT);
    let control_kept = (1.0 - p.control.decay).powf(DT);
    let international_weight = p.security.international_state_building;
    for mut c in &mut communities {
        // Marked changed once, then written as a plain reference.
        let c: &mut Community = &mut c;
        c.fear *= fear_kept;
        let target = base_legitimacy(cp, c.government);
        c.legitimacy += (target - c.legitimacy) * legitimacy_step;
        // Epstein's arrest risk, reduced by militant control.
        let i = c.id.index();
        let policing = c.policing(cp.policing_per_1000);
        let p_arrest = 1.0 - memo.exp_neg(i, ARREST, cp.epstein_k * policing * (1.0 - c.control));
        c.stigma *= stigma_kept;
        let hardship = (c.hardship + c.stigma).min(1.0);
        c.support = active_share(hardship, c.legitimacy, p_arrest, cp.epstein_threshold);
        c.informers = cp.informer_share * (1.0 - c.support) * c.legitimacy * c.government;
        // Control decays without bands; government presence follows security and control.
        if day - c.last_band_day > DT as i64 {
            c.control *= control_kept;
            if c.control < p.control.vanish {
                c.control = 0.0;
                c.controller = None;
            }
        }
        // The security the state's administration draws on (international troops counted as
        // `security.international_state_building` says).
        let security = 1.0
            - memo.exp_neg(
                i,
                SECURITY,
                c.state_policing(cp.policing_per_1000, international_weight),
            );
        let gain = p.control.government_gain * DT * security * (1.0 - c.control);
        // Presence is lost under control, where security is thin (`unprotected_withdrawal`)
        // and where violence is felt (`threat_retreat`).
        let withdrawal = c.control
            + p.control.unprotected_withdrawal * (1.0 - security)
            + p.control.threat_retreat * c.fear;
        let loss = (p.control.government_gain * DT * withdrawal).min(1.0);
        c.government =
            (c.government + gain * (1.0 - c.government) - loss * c.government).clamp(0.0, 1.0);
        c.government_weeks = if c.government >= SUSTAINED_PRESENCE {
            c.government_weeks.saturating_add(1)
        } else {
            0
        };
        // Traditional leaders are replaced slowly.
        c.leaders = (c.leaders + cp.leader_recovery * DT * (1.0 - c.leaders)).min(1.0);
        if note_pull {
            pull.note_willing(c, p.bands.stigma_volunteers);
        }
        if note_fear {
            fear_by_cell.note(c);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_grievance_more_support_more_risk_less() {
        let base = active_share(0.5, 0.5, 0.2, 0.1);
        assert!(active_share(0.8, 0.5, 0.2, 0.1) > base);
        assert!(active_share(0.5, 0.2, 0.2, 0.1) > base);
        assert!(active_share(0.5, 0.5, 0.8, 0.1) < base);
        assert_eq!(active_share(0.5, 1.0, 0.0, 0.1), 0.0);
        // Epstein's uniform case: H ~ U(0,1) (h = 0.5), L = 0.8, no risk: P(0.2·U > 0.1) = 0.5.
        assert!((active_share(0.5, 0.8, 0.0, 0.1) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn the_share_is_the_integral_over_risk_aversion_a_fine_midpoint_rule_converges_to() {
        // A midpoint rule over R with many points: the integrand is piecewise linear, so the
        // rule's error is at most the width of one point at the kinks.
        let fine = |hardship: f64, legitimacy: f64, p_arrest: f64, threshold: f64| {
            let a = 2.0 * hardship * (1.0 - legitimacy);
            if a <= 0.0 {
                return 0.0;
            }
            const POINTS: usize = 20_000;
            let mut sum = 0.0;
            for i in 0..POINTS {
                let r = (i as f64 + 0.5) / POINTS as f64;
                sum += (1.0 - (threshold + r * p_arrest) / a).clamp(0.0, 1.0);
            }
            sum / POINTS as f64
        };
        let grid = [0.0, 0.013, 0.1, 0.25, 0.37, 0.5, 0.61, 0.8, 0.97, 1.0];
        for h in grid {
            for l in grid {
                for p in grid {
                    for t in [-0.2, 0.0, 0.05, 0.1, 0.3] {
                        let (exact, rule) = (active_share(h, l, p, t), fine(h, l, p, t));
                        assert!((0.0..=1.0).contains(&exact), "{h} {l} {p} {t}: {exact}");
                        assert!(
                            (exact - rule).abs() < 1e-6,
                            "{h} {l} {p} {t}: exact {exact}, fine rule {rule}"
                        );
                    }
                }
            }
        }
    }
}
