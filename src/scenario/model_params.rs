//! The model's mechanism parameters: one table, from which the raw (optional) and validated
//! sections, their defaults, ranges, units and documentation are all generated. Scenario files
//! write them under `model: ( section: ( field: value ) )`; sweeps and calibration address them
//! by the same path (`model.violence.kalyvas_peak`) and set them in the raw section, so that a
//! value they set is validated exactly as if the file wrote it.

use serde::{Deserialize, Serialize};

use super::checker::Checker;
use super::merge::merge_fields;

/// What is known about one parameter: where it lives, its default, range, unit and meaning.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ParamInfo {
    /// Section name, e.g. "violence".
    pub section: &'static str,
    /// Field name, e.g. "kalyvas_peak".
    pub field: &'static str,
    /// Default value.
    pub default: f64,
    /// Smallest valid value.
    pub min: f64,
    /// Largest valid value.
    pub max: f64,
    /// Unit, e.g. "per band-day".
    pub unit: &'static str,
    /// What it means.
    pub doc: &'static str,
}

impl ParamInfo {
    /// The parameter's path in a scenario file, e.g. `model.violence.kalyvas_peak`.
    pub fn path(&self) -> String {
        format!("model.{}.{}", self.section, self.field)
    }
}

macro_rules! param_sections {
    ( $(
        $(#[doc = $sdoc:literal])*
        $section:ident : $Raw:ident => $Params:ident {
            $( $(#[doc = $fdoc:literal])* $field:ident : $default:expr, [$lo:expr, $hi:expr], $unit:literal; )*
        }
    )* ) => {
        $(
            $(#[doc = $sdoc])*
            #[doc = ""]
            #[doc = "As written in a scenario file (every field optional)."]
            #[derive(Debug, Clone, Default, Deserialize)]
            #[serde(deny_unknown_fields)]
            pub struct $Raw { $( $(#[doc = $fdoc])* pub $field: Option<f64>, )* }
            merge_fields!($Raw { $($field),* });

            $(#[doc = $sdoc])*
            #[derive(Debug, Clone, Serialize, PartialEq)]
            pub struct $Params { $( $(#[doc = $fdoc])* pub $field: f64, )* }

            impl Default for $Params {
                fn default() -> Self { Self { $($field: $default),* } }
            }
        )*

        /// The `model` section as written in a scenario file.
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(deny_unknown_fields, rename = "model")]
        pub struct RawModel { $( $(#[doc = $sdoc])* pub $section: Option<$Raw>, )* }
        merge_fields!(RawModel { $($section),* });

        /// All mechanism parameters, validated.
        #[derive(Debug, Clone, Default, Serialize, PartialEq)]
        pub struct ModelParams { $( $(#[doc = $sdoc])* pub $section: $Params, )* }

        /// Every parameter, in the order of the table.
        pub const PARAMETERS: &[ParamInfo] = &[ $( $(
            ParamInfo {
                section: stringify!($section),
                field: stringify!($field),
                default: $default,
                min: $lo,
                max: $hi,
                unit: $unit,
                doc: concat!($($fdoc),*),
            },
        )* )* ];

        /// Validates `raw`: `check(path, value, default, min, max)` returns the value to use
        /// (reporting out-of-range values).
        pub fn validate_model(raw: &RawModel, check: &mut dyn FnMut(&str, Option<f64>, &ParamInfo) -> f64) -> ModelParams {
            let mut p = ModelParams::default();
            let mut i = 0usize;
            $(
                let r = raw.$section.clone().unwrap_or_default();
                $(
                    let info = &PARAMETERS[i];
                    p.$section.$field = check(&info.path(), r.$field, info);
                    i += 1;
                )*
            )*
            let _ = i;
            p
        }

        impl RawModel {
            /// Writes `value` at `path` (`model.section.field`), as if the file wrote it; false
            /// if there is no such parameter.
            pub(crate) fn set_number(&mut self, path: &str, value: f64) -> bool {
                match path {
                    $( $( concat!("model.", stringify!($section), ".", stringify!($field)) => {
                        self.$section.get_or_insert_with(Default::default).$field = Some(value);
                        true
                    } )* )*
                    _ => false,
                }
            }
        }

        impl ModelParams {
            /// Sets the parameter at `path` (`model.section.field`) without validation; false
            /// if there is none. For tests: sweeps and calibration set values in the raw
            /// scenario and validate it again (`Source::validate_with`).
            pub fn set(&mut self, path: &str, value: f64) -> bool {
                match path {
                    $( $( concat!("model.", stringify!($section), ".", stringify!($field)) => { self.$section.$field = value; true } )* )*
                    _ => false,
                }
            }

            /// The value of the parameter at `path`.
            pub fn get(&self, path: &str) -> Option<f64> {
                match path {
                    $( $( concat!("model.", stringify!($section), ".", stringify!($field)) => Some(self.$section.$field), )* )*
                    _ => None,
                }
            }
        }
    };
}

/// Validates the `model` section: every parameter against its range in the table.
pub(super) fn validate(c: &mut Checker, raw: Option<&RawModel>) -> ModelParams {
    let raw_model = raw.cloned().unwrap_or_default();
    validate_model(&raw_model, &mut |path, value, info| {
        let expected = format!(
            "a value from {} to {} ({}), default {}: {}",
            info.min,
            info.max,
            info.unit,
            info.default,
            info.doc.trim()
        );
        c.number(value, info.default, path, info.min, info.max, &expected)
    })
}

param_sections! {
    /// Communities' grievance, legitimacy and choices (Epstein 2002).
    communities: RawCommunities => Communities {
        /// Trust in the state (legitimacy) where government presence is full.
        initial_legitimacy: 0.6, [0.0, 1.0], "0..1";
        /// Hardship everyone shares.
        hardship_base: 0.35, [0.0, 1.0], "0..1";
        /// Extra hardship of arid land (desert gets all of it, the Sahel 60 %, savanna none).
        hardship_aridity: 0.25, [0.0, 1.0], "0..1";
        /// Extra hardship of pastoralists (grazing disputes, stigmatisation), times their share.
        pastoralist_grievance: 0.35, [0.0, 1.0], "0..1";
        /// Epstein's activation threshold T: active when grievance − net risk > T.
        epstein_threshold: 0.1, [0.0, 1.0], "0..1";
        /// Epstein's k in P(arrest) = 1 − exp(−k · C/A).
        epstein_k: 2.3, [0.0, 10.0], "-";
        /// Security personnel per 1,000 residents at which a cell counts as fully policed (C in Epstein's ratio).
        policing_per_1000: 2.0, [0.01, 100.0], "troops per 1,000 residents";
        /// Share of those who reject the groups who inform or resist openly.
        informer_share: 0.5, [0.0, 1.0], "0..1";
        /// Fear lost per day.
        fear_decay: 0.02, [0.0, 1.0], "per day";
        /// Fear added by an attack in the cell, before scaling by deaths.
        fear_per_attack: 0.15, [0.0, 1.0], "0..1 per event";
        /// Legitimacy regained per day towards its base level.
        legitimacy_recovery: 0.002, [0.0, 1.0], "per day";
        /// Legitimacy a community tends to where the state is absent, as a share of its level under full government presence. Assumption.
        absent_state_legitimacy: 0.5, [0.0, 1.0], "0..1";
        /// Fear added by an attack on security forces in the cell, relative to `fear_per_attack`. Assumption.
        fear_security_attack: 0.3, [0.0, 10.0], "times fear_per_attack";
        /// Fear added per civilian killed by a security operation in the cell. Assumption.
        fear_per_collateral_death: 0.05, [0.0, 1.0], "0..1 per death";
        /// Standing of traditional and religious leaders left after one of them is killed. Assumption.
        leader_standing_kept: 0.3, [0.0, 1.0], "0..1";
        /// Standing of traditional leaders regained per day (successors take over). Assumption.
        leader_recovery: 0.002, [0.0, 1.0], "per day";
        /// Stigmatisation: extra hardship of a community per civilian killed there by state forces or militias, per 10,000 residents, times its pastoralist share (the stigmatisation–reprisal loop: violence that profiles Fulani herders raises their grievance; UNDP, Journey to Extremism in Africa, 2017 and 2023). 0 switches the loop off. Assumption.
        stigma_per_death: 0.05, [0.0, 10.0], "hardship per death per 10,000 residents";
        /// Stigmatisation lost per day (about a two-year half-life at 0.001). Assumption.
        stigma_decay: 0.001, [0.0, 1.0], "per day";
    }

    /// Security forces: garrisons, presence, posture and response.
    security: RawSecurity => Security {
        /// National troops in a garrison town, per 1,000 residents of the town.
        troops_per_1000_town: 3.0, [0.0, 100.0], "troops per 1,000 residents";
        /// Smallest town that holds a national garrison (regional capitals always do).
        garrison_min_town: 20000.0, [0.0, 10000000.0], "residents";
        /// National troops at each of the map's posts outside the garrison towns (`posts` in the map data: army and gendarmerie camps in villages such as Inates, Boulkessi or Arbinda, placed from the reports of attacks on them). 0 (the default) leaves the posts out: national forces are garrisoned in towns only. A company of 100–150 is typical of the posts the sources describe. Assumption.
        post_troops: 0.0, [0.0, 10000.0], "troops per post";
        /// How far a post's troops reach, relative to a town garrison's (`presence_radius_km`): 1 (the default) spreads them like a garrison's, by distance and the people, so that a post by a town polices the town; near 0 keeps them in their own village (its cell), as a camp that holds its walls rather than the country around. Assumption.
        post_reach: 1.0, [0.01, 1.0], "times presence_radius_km";
        /// International troops (MINUSMA, Barkhane) spread over northern Mali's garrison towns.
        international_troops: 12000.0, [0.0, 100000.0], "troops";
        /// Distance at which a garrison's presence falls to 1/e.
        presence_radius_km: 50.0, [1.0, 1000.0], "km";
        /// How a garrison's troops are spread over its reach: each community's share is exp(−distance / `presence_radius_km`) times its people at the start to this power, normalised. 0: by distance alone, so that a village beside the garrison gets as many troops as the town itself and a city of two million is policed like a hamlet (the baseline until round 31); 1: in proportion to the people, so that the troops police the town they are stationed in and presence per resident falls with distance alone (forces hold the towns and thin out into the countryside: International Crisis Group, Africa Report 254, 12 October 2017, and Report 313, 15 December 2023). Assumption.
        troops_follow_people: 0.0, [0.0, 2.0], "exponent";
        /// Daily probability that a garrison patrols and engages a band within its radius.
        patrol_rate: 0.02, [0.0, 1.0], "per garrison-day";
        /// Posture: 1 blunt (responds against whoever is around), 0 discriminating.
        bluntness: 0.6, [0.0, 1.0], "0..1";
        /// Probability that an attributed event draws a response operation, at full presence.
        response_rate: 0.5, [0.0, 1.0], "per event";
        /// Mean civilians killed by a fully blunt operation.
        collateral_mean: 2.0, [0.0, 100.0], "civilians per operation";
        /// Legitimacy lost per civilian killed by security forces per 10,000 residents; negative values deter (Lyall 2009) instead of provoking (Kocher et al. 2011).
        backlash: 1.0, [-5.0, 5.0], "per death per 10,000 residents";
        /// Share of fighters taken out of action who are arrested (the rest are killed).
        arrest_share: 0.3, [0.0, 1.0], "0..1";
        /// Daily probability that a group's leader is killed, per 10,000 international troops.
        leader_hazard: 0.0004, [0.0, 1.0], "per day";
        /// The leader hazard of groups based outside northern Mali, relative to those inside it (international forces operate mostly in the north). Assumption.
        leader_hazard_outside_north: 0.25, [0.0, 1.0], "times leader_hazard";
        /// Share of a garrison's missing troops replaced each week. Assumption.
        reinforcement: 0.1, [0.0, 1.0], "per week";
        /// Smallest national garrison, whatever the town's size. Assumption.
        min_garrison_troops: 100.0, [0.0, 100000.0], "troops";
        /// How far international troops (MINUSMA, Barkhane) build the state's presence where they are, relative to national troops: 1 (the default) counts them alike; 0: they police, deter and fight as before, but the state's administration grows with, and holds on to, the security of national troops (and programmes' troops) only. The UN mission's mandate was to support the restoration of state authority, yet the state's administrators stayed largely absent from the north, and Kidal stayed under the armed groups of the 2015 agreement (UN Secretary-General's reports on Mali, 2017–2020). Assumption.
        international_state_building: 1.0, [0.0, 1.0], "0..1";
        /// Smallest northern town that holds international troops. Assumption.
        international_min_town: 5000.0, [0.0, 10000000.0], "residents";
        /// Security presence assumed for the chance of a response where there is less (forces hear of events far from garrisons). Assumption.
        response_floor: 0.05, [0.0, 1.0], "0..1";
        /// Bluntness of the response to an event with no identified perpetrator, relative to `bluntness` (forces sweep the area). Assumption.
        unidentified_bluntness: 1.5, [0.0, 10.0], "times bluntness";
        /// Share of bluntness that disaggregated attribution removes at full strength. Assumption.
        disaggregated_discrimination: 0.5, [0.0, 1.0], "0..1";
        /// Mean fighters taken out of action by a response operation that finds a band, times (`response_hits_base` + security presence). Assumption.
        response_hits: 3.0, [0.0, 1000.0], "fighters per operation";
        /// Base of the presence factor of `response_hits`. Assumption.
        response_hits_base: 0.5, [0.0, 10.0], "-";
        /// Mean security personnel killed in a response operation that engages a band. Assumption.
        response_security_deaths: 0.5, [0.0, 1000.0], "people per operation";
        /// Patrol engagement where the band has cover (parks, reserves), relative to open ground. Assumption.
        patrol_cover: 0.5, [0.0, 1.0], "0..1";
        /// Mean fighters taken out of action by a patrol. Assumption.
        patrol_hits: 2.0, [0.0, 1000.0], "fighters per patrol";
        /// Mean security personnel killed in a patrol's engagement. Assumption.
        patrol_security_deaths: 1.0, [0.0, 1000.0], "people per patrol";
        /// Profiling: collateral deaths of an operation are multiplied by 1 + profiling × the community's pastoralist share (operations that treat Fulani herders as suspects; Human Rights Watch 2020–2024). Assumption.
        profiling: 1.0, [0.0, 10.0], "-";
        /// Sweeps: operations against communities held by the groups, whatever event came before (Moura, March 2022; Djibo, 2020). Each week a community is swept with chance 1 − exp(−this × security presence × militant control); a sweep kills Geometric(`collateral_mean` × bluntness × (1 − informers) × (1 + `profiling` × pastoralist share)) civilians. 0 (the default) is off; the baseline sets 2.03 (calibration round 43; 2.07 from round 36). Assumption.
        sweep_rate: 0.0, [0.0, 100.0], "per week";
        /// Sweeps strike only communities where a band has stood within this many days (the forces go where the groups are seen); 0 (the default) sweeps wherever a group holds any control, seen or not, so that the control the groups hold at the start over their whole home regions drew thousands of sweeps across northern Mali in 2017 (calibration round 31's baseline: about 5,000 state operations killing some 13,000 civilians in Kidal, Gao and Tombouctou that year, where ACLED records under 1,000 fatalities in all Mali). Assumption.
        sweep_sighting_days: 0.0, [0.0, 3650.0], "days";
        /// How far international troops (MINUSMA, Barkhane, Takuba) count in the security presence that drives sweeps, relative to national troops: 1 (the default) counts them alike; 0: only national troops (and programmes' troops) sweep the communities the groups hold, while the international troops still respond to events, patrol and deter as before. The abuses against civilians documented in central and northern Mali and in Burkina Faso are attributed overwhelmingly to national forces and their auxiliaries (MINUSMA's Human Rights and Protection Division, quarterly notes 2018–2022; Human Rights Watch, 2017–2024); the UN mission's mandate is the protection of civilians, and the French force's one documented strike on civilians in Mali is Bounti, January 2021 (MINUSMA, 30 March 2021). Assumption.
        international_sweeps: 1.0, [0.0, 1.0], "0..1";
    }

    /// Community self-defence militias allied to the state (the map's `militias`): mobilisation among rural farming residents under threat, raids on pastoralist communities, clashes with bands.
    militias: RawMilitias => Militias {
        /// Rural farming residents (not the towns') per 1,000 who join the militia at full threat and mobilisation 1 (the history's mobilisation entries scale it; Burkina Faso's Volunteers: about 90,000 registered by 2023 for some 20 million people). Assumption.
        members_per_1000: 5.0, [0.0, 1000.0], "members per 1,000 rural farming residents";
        /// Fear at which a community's threat counts as full: threat = floor + (1 − floor) × (the highest fear in its cell and the cells around it on its side of the border) / this, at most 1. Assumption.
        threat_fear: 0.3, [0.001, 1.0], "0..1";
        /// Threat felt where no violence is near (the floor above): militias exist without attacks nearby (against banditry, by state recruitment). Assumption.
        threat_floor: 0.15, [0.0, 1.0], "0..1";
        /// Share of the threat floor that drives raids: a militia raids at the threat raid_floor × floor + (1 − floor) × (the highest fear around) / threat_fear, at most 1. 1: raids follow the same threat as mobilisation; 0: militias raid only where violence is felt (reprisals), though they still mobilise at the floor. Assumption.
        raid_floor: 1.0, [0.0, 1.0], "0..1";
        /// Share of the gap to the mobilised size closed per week. Assumption.
        mobilisation_rate: 0.05, [0.0, 1.0], "per week";
        /// Raids on pastoralist communities per 100 members per week, at full threat, times the pastoralist share of the cell raided. Assumption.
        raid_rate: 0.3, [0.0, 100.0], "per 100 members per week";
        /// Mean civilians killed by a raid. Assumption.
        raid_deaths: 4.5, [0.0, 1000.0], "civilians per raid";
        /// Chance per week that a militia engages a band in its cell, at 100 members (m / (m + 100) in general). Assumption.
        clash_rate: 0.05, [0.0, 7.0], "per band-week";
        /// Mean fighters killed by a clash with a militia. Assumption.
        clash_hits: 1.5, [0.0, 1000.0], "fighters per clash";
        /// Mean militia members killed by a clash. Assumption.
        clash_deaths: 2.0, [0.0, 1000.0], "members per clash";
        /// Exponent of the share of a pastoralist community still at home (residents / (residents + displaced)) in its weight as a raid target: 0 (the default) raids a village its herders have fled as often as a full one; 1 in proportion to the people left (the baseline: 0.256, calibration round 36). Assumption.
        raid_presence: 0.0, [0.0, 4.0], "-";
        /// Share of a community's displaced counted in its militia's recruitment pool, as farmers (times 1 − the pastoralist share): the displaced join the Volunteers to take their villages back, and recruitment drew on towns and camps as well as villages. 0 (the default, and the baseline: calibration round 31 set it to 0) counts only the farming residents still at home. Assumption.
        displaced_join: 0.0, [0.0, 1.0], "0..1";
        /// Multiple of an armed movement's standing strength (the map's `standing`: MSA and GATIA in the Gao and Ménaka regions, a standing force and not a village militia) that the model puts under arms: its members are this × its strength × its mobilisation level, spread over the communities it covers by their rural residents, herders included, whatever the threat; they raid pastoralist (Fulani) communities like any militia (the counter-militancy killings of Fulani herders reported in 2017–2018: ACLED, 21 March 2018) and engage the bands in any community they cover with the movement's whole strength (mobile forces, the 2018 offensives against ISGS with the French forces). 1 puts its sourced strength under arms; 0 (the default) leaves the movements out. Assumption.
        movement_strength: 0.0, [0.0, 10.0], "× strength";
    }

    /// Who gets the blame: claims, intelligence and attribution by area.
    attribution: RawAttribution => Attribution {
        /// Share of events the perpetrator claims.
        claim_rate: 0.1, [0.0, 1.0], "0..1";
        /// Intelligence quality: chance an unclaimed event is attributed to the right component group.
        quality: 0.3, [0.0, 1.0], "0..1";
        /// Chance that an unclaimed, unidentified event in a JNIM group's area is attributed to "JNIM".
        generic_jnim: 0.8, [0.0, 1.0], "0..1";
        /// Share of the gap to perfect intelligence closed where every resident informs. Assumption.
        informer_intelligence: 0.5, [0.0, 1.0], "0..1";
    }

    /// Fighter bands: attacks, movement, recruitment, upkeep, splits and defections.
    bands: RawBands => Bands {
        /// Attacks per band-day for a band of 50 fighters.
        attack_rate: 0.006, [0.0, 1.0], "per band-day";
        /// Exponent of band size in the attack rate: above 1 a larger band mounts more operations per fighter (coordinated raids, vehicles, heavier weapons), below 1 fewer. Calibrated.
        size_exponent: 0.7, [0.0, 2.0], "-";
        /// How far a group's operational tempo grows with its hold on the ground: a band's attack rate is multiplied by (1 − `hold_tempo`) + `hold_tempo` × H / (H + `hold_half_people`), H the people the group holds: the residents of the communities under its control (control above 0.6), counted weekly (Kalyvas 2006, The Logic of Violence in Civil War: control brings collaboration, and with it the intelligence, shelter and supplies operations need). A criminal band keeps its group's factor. 0 (the default) is off: the rate does not depend on the hold. Assumption.
        hold_tempo: 0.0, [0.0, 1.0], "0..1";
        /// People held (the residents of the communities under a group's control) at which `hold_tempo` has half its effect. Assumption.
        hold_half_people: 100000.0, [1.0, 100000000.0], "people";
        /// How much full security presence in a band's cell cuts its attack rate (hardened targets, pressure).
        deterrence: 0.5, [0.0, 1.0], "0..1";
        /// Daily probability that a band reconsiders where it is.
        move_rate: 0.1, [0.0, 1.0], "per band-day";
        /// Weight of revenue opportunities in where a band goes.
        revenue_weight: 1.0, [0.0, 100.0], "-";
        /// Share of a cell's yearly zakat and grazing tax (its harvest and herds times `revenue.zakat_rate`, per day) that a band counts among the revenue opportunities drawing it there, beside the gold sites' pull and the tolls. 0 (the default): bands are drawn by gold and routes alone, so the herding country that pays zakat (the inner Niger delta, Burkina Faso's Sahel region, Tillabéri) draws them no more than empty bush; 1: at face value, like the gold and toll pools. Sources: FLM's and Ansaroul Islam's economy of zakat on herds and fees for pasture (International Crisis Group, Africa Report 276, 28 May 2019, and Report 254, 12 October 2017).
        zakat_pull: 0.0, [0.0, 10.0], "times the cell's zakat";
        /// Weight of an international border nearby in where a band goes, times exp(−distance to the border / `border_reach_km`): across a border the forces that pursue a band must stop (they do in the model: 7.1, 7.10, unless a `BorderAgreement` of the history lets them cross, within its depth), so the borderlands are a sanctuary (the Liptako-Gourma tri-border of Mali, Burkina Faso and Niger; International Crisis Group, Africa Report 261, 12 June 2018, on the Niger–Mali border). 0 (the default) is off. Assumption.
        border_weight: 0.0, [0.0, 100.0], "-";
        /// Distance from an international border at which its draw on bands falls to 1/e. Assumption: a day's travel.
        border_reach_km: 30.0, [1.0, 1000.0], "km";
        /// Weight of the group's home regions in where a band goes.
        home_weight: 1.0, [0.0, 100.0], "-";
        /// Share of `home_weight` a band that has joined another group (a leaderless group's bands drift to their allies) still gives the home regions of the group it was raised in: fighters keep to their own ground, as Ansaroul Islam's did in Soum, the province whose social order the movement rose against (International Crisis Group, Africa Report N°254, *The Social Roots of Jihadist Violence in Burkina Faso's North*, 12 October 2017). 0 (the default): a band that changes group is drawn by its new group's home regions alone. Assumption.
        kept_home: 0.0, [0.0, 1.0], "share of home_weight";
        /// Weight of a siege's ring in where the besiegers' bands go, while the history's `Blockade` of a town is in force: the cells within its radius draw the bands of the besieging coalition by this much, scaled by the siege's level, until one of them holds the ring; then only the bands already in the ring are kept there (the groups ring the town: the siege of Djibo from February 2022, Wikipedia, *Siege of Djibo*; AP, July 2022). 0: a siege draws no band to it (and, with no band in its ring, does nothing). Assumption.
        blockade_pull: 3.0, [0.0, 100.0], "-";
        /// Weight of cover (parks, reserves) in where a band goes.
        cover_weight: 0.5, [0.0, 100.0], "-";
        /// Weight of security presence (avoided) in where a band goes.
        security_weight: 2.0, [0.0, 100.0], "-";
        /// Weight of uncontrolled populated cells (expansion) in where a band goes, times the group's ideological objective.
        expansion_weight: 1.0, [0.0, 100.0], "-";
        /// Weight of willing recruits within reach (active supporters among the young men still open to recruitment, spread over `support_reach_km`) in where a band goes, for a group's bands: they follow grievance to where they can recruit. 0 switches the pull off.
        support_weight: 0.0, [0.0, 100.0], "-";
        /// Recruits per fighter-day where the whole population is active (Epstein) and money allows.
        recruit_rate: 0.004, [0.0, 1.0], "per fighter-day";
        /// Cost of one recruit.
        recruit_cost_usd: 200.0, [0.0, 100000.0], "US$";
        /// Upkeep per fighter per day.
        upkeep_usd: 1.0, [0.0, 1000.0], "US$ per fighter-day";
        /// Months of its fighters' upkeep a band keeps in hand before it pays for recruits: what it can pay, not only who is willing, bounds its growth.
        pay_reserve_months: 0.0, [0.0, 120.0], "months";
        /// The income a group must earn, as a multiple of its fighters' upkeep, before its bands recruit: none at that cover, the full rate at twice it, so that a group grows as far as its income can keep its fighters rather than on money it has in hand (its income over the last `revenue.income_memory_days`). 0 switches the rule off. Assumption.
        recruit_income_cover: 0.0, [0.0, 10.0], "income / upkeep";
        /// Volunteers driven by stigmatisation: a community's stigmatisation s (`communities.stigma_per_death`) makes its young men join a band present as `s` × this many active supporters would be recruited, but unpaid and whatever the band's money and its group's income, and draws bands as those supporters would. Revenge and protection, not pay: a government action, most often the killing or arrest of a family member or friend, was the tipping point for 71 % of the recruits who named one (UNDP, Journey to Extremism in Africa, 2017; again in 2023), and Fulani communities raided by militias turned to FLM and Ansaroul Islam for protection (International Crisis Group, Africa Report 276, 2019; Human Rights Watch 2020). They still draw upkeep once in. 0 (the default) switches the channel off: stigmatisation then acts only through Epstein's grievance. Assumption.
        stigma_volunteers: 0.0, [0.0, 100.0], "active supporters per unit of stigmatisation";
        /// Share of a band's income passed on to its group's treasury.
        remit_share: 0.3, [0.0, 1.0], "0..1";
        /// A band larger than this splits in two.
        split_size: 120.0, [2.0, 100000.0], "fighters";
        /// Lower-level fighters leaving per day at zero morale.
        desertion_rate: 0.002, [0.0, 1.0], "per fighter-day";
        /// Daily probability that a band with low morale in a degraded group defects to a stronger group nearby.
        defection_rate: 0.01, [0.0, 1.0], "per band-day";
        /// Daily probability that a band with low morale drifts into crime.
        crime_rate: 0.001, [0.0, 1.0], "per band-day";
        /// Attack rate of a band that has drifted into crime, relative to a group's band. Assumption.
        criminal_activity: 0.3, [0.0, 10.0], "times attack_rate";
        /// Weight of revenue in where a criminal band goes, relative to a group's band. Assumption.
        criminal_revenue_weight: 2.0, [0.0, 100.0], "times revenue_weight";
        /// Daily revenue at which a cell's revenue term in where a band goes is ln 2 (the scale of ln(1 + revenue / scale)). Assumption.
        revenue_scale_usd: 100.0, [1.0, 10000000.0], "US$ per day";
        /// Distance over which bands sense willing recruits (the half-width of the kernel that spreads them over the grid). Assumption: a few days' travel.
        support_reach_km: 60.0, [0.0, 1000.0], "km";
        /// Willing recruits per cell within reach at which the recruits term in where a band goes is ln 2 (the scale of ln(1 + recruits / scale)). Assumption.
        support_scale: 2.0, [0.001, 1000000.0], "recruits per cell";
        /// Residents at which a cell's expansion term in where a band goes is ln 2 (the scale of ln(1 + residents / scale)). Assumption.
        expansion_scale: 2000.0, [1.0, 10000000.0], "residents";
        /// Spread of the uniform noise added to each cell's utility when a band moves (ties broken at random). Assumption.
        move_noise: 0.3, [0.0, 100.0], "-";
        /// Placement weight of a covered cell (parks, reserves) at the start, relative to an open one. Assumption.
        initial_cover_weight: 2.0, [0.0, 100.0], "times";
        /// Morale of every band at the start. Assumption.
        initial_morale: 0.6, [0.0, 1.0], "0..1";
        /// Morale a band tends to with no pay, no cohesion and no losses. Assumption.
        morale_base: 0.2, [0.0, 1.0], "0..1";
        /// Morale a band gains towards its target from being fully paid. Assumption.
        morale_pay_weight: 0.4, [0.0, 1.0], "0..1";
        /// Morale a band gains towards its target from its group's full cohesion. Assumption.
        morale_cohesion_weight: 0.4, [0.0, 1.0], "0..1";
        /// Share of the gap to its target morale a band closes per day. Assumption.
        morale_adjustment: 0.02, [0.0, 1.0], "per day";
        /// Morale lost per fighter killed. Assumption.
        morale_per_loss: 0.02, [0.0, 1.0], "per fighter";
        /// Morale lost per day a band cannot pay its upkeep. Assumption.
        morale_unpaid: 0.01, [0.0, 1.0], "per day";
        /// Memory of losses: a band's recent losses and a group's loss ratio decay by 1/this per day. Assumption.
        loss_memory_days: 90.0, [1.0, 100000.0], "days";
        /// Group cohesion below which the leadership counts as faltering (bands may defect). Assumption.
        faltering_cohesion: 0.35, [0.0, 1.0], "0..1";
        /// Morale below which a band of a faltering group may defect. Assumption.
        defection_morale: 0.5, [0.0, 1.0], "0..1";
        /// Morale below which a band may drift into crime. Assumption.
        crime_morale: 0.25, [0.0, 1.0], "0..1";
        /// Recruits whose cost a band must have spare to recruit at its full rate (it recruits less with less). Assumption.
        recruit_budget: 10.0, [0.01, 1000000.0], "recruits";
        /// Weight of the group's cohesion in the recruitment rate: (1 − w) + w × cohesion. Assumption.
        recruit_cohesion_weight: 0.5, [0.0, 1.0], "0..1";
        /// Most of a community's residents a band can recruit in a day. Assumption.
        max_recruit_share: 0.01, [0.0, 1.0], "per day";
        /// Share of a community's residents who are young men open to recruitment: its recruitment pool when full. Recruits deplete the pool; it refills as boys come of age. Assumption (men aged 15–29 are about 13 % of the population; most are never open to it).
        recruitable_share: 0.03, [0.0, 1.0], "0..1";
        /// Distance over which a gold site's pull on bands fades by a factor e (its pull reaches three times as far). Assumption: word of a gold rush travels tens of kilometres.
        gold_reach_km: 50.0, [1.0, 1000.0], "km";
        /// Years in which a community's emptied recruitment pool refills (the span of the recruitable ages). Assumption.
        pool_refill_years: 15.0, [0.1, 1000.0], "years";
    }

    /// Whom attacks target (Kalyvas; Wood) and how deadly they are.
    violence: RawViolence => Violence {
        /// Militant control at which selective violence against civilians peaks (Kalyvas: predominant but not full control).
        kalyvas_peak: 0.7, [0.0, 1.0], "0..1";
        /// Width of the Kalyvas peak.
        kalyvas_width: 0.25, [0.01, 10.0], "0..1";
        /// How much the Kalyvas curve modulates civilian targeting.
        kalyvas_weight: 1.0, [0.0, 10.0], "-";
        /// Extra civilian targeting per unit of recent losses relative to strength (Wood: losing groups target civilians more).
        wood_losses: 2.0, [0.0, 100.0], "-";
        /// Extra civilian targeting of groups funded independently of local support (Wood).
        wood_independence: 0.5, [0.0, 100.0], "-";
        /// Extra targeting of communities with many informers (punishment of collaboration).
        collaborator_targeting: 1.0, [0.0, 100.0], "-";
        /// Collective punishment of communities that raise a militia: where a community has militia members under arms, a group's attack there targets its civilians with chance (own share) + (1 − own share) × this, at most `max_targeted_share`. 0 (the default) is off; the baseline sets 0.042 (calibration round 37). Assumption.
        militia_reprisal: 0.0, [0.0, 1.0], "0..1";
        /// Chance of a clash when a rival group's band is in the same or a neighbouring cell.
        rival_clash: 0.05, [0.0, 1.0], "per band-day";
        /// Mean civilians killed in an attack on civilians.
        civilian_fatalities: 2.5, [0.0, 1000.0], "people per event";
        /// Mean security personnel killed in an attack on security forces.
        security_fatalities: 3.0, [0.0, 1000.0], "people per event";
        /// Mean fighters killed on each side of a battle.
        battle_fatalities: 3.0, [0.0, 1000.0], "people per event";
        /// Propensity of a band drifted into crime to attack civilians (in place of its group's `civilian_targeting`). Assumption.
        criminal_civilian_targeting: 0.5, [0.0, 1.0], "0..1";
        /// Largest share of a band's attacks aimed at civilians and leaders together; the rest strike security forces. Assumption.
        max_targeted_share: 0.9, [0.0, 1.0], "0..1";
        /// Scale of the chance that an attack targets a leader: times the group's `leader_targeting`, the leaders' standing and the group's ideological objective. Assumption.
        leader_attack_scale: 0.3, [0.0, 10.0], "-";
        /// Mean people killed in an attack on a leader besides the leader. Assumption.
        leader_attack_extra_deaths: 0.5, [0.0, 1000.0], "people per event";
        /// Share of attacks on security forces made with remote explosives (IEDs, mines). Assumption.
        remote_share: 0.35, [0.0, 1.0], "0..1";
        /// How readily politically minded groups attack the international forces where those are stationed (their campaign against the foreign forces' positions): a band's extra rate of attacks on security forces is `bands.attack_rate` × its size factor × this × its group's political objective × the international troops' presence in its cell (1 − exp(−their policing ratio)) × the group's `tactics.activity` × a settlement's restraint, not deterred by that presence. 0 (the default) is off. Assumption: the brief lists attacks on MINUSMA's positions; MINUSMA was the deadliest UN peacekeeping mission of its time.
        foreign_forces_attack: 0.0, [0.0, 100.0], "-";
        /// How readily the groups attack the national forces' posts outside the towns (`security.post_troops`; their 2019 campaign against the army's camps: Boulkessi, Mondoro, Indelimane, Inatès, Chinégodar, Koutougou): a band in a post's cell or one next to it has an extra rate of attacks on security forces of `bands.attack_rate` × its size factor × this × the group's `tactics.activity` × a settlement's restraint, not deterred by the post's troops. 0 (the default) is off, and so is it without garrisoned posts. Assumption.
        post_attack: 0.0, [0.0, 100.0], "-";
        /// Mean attackers killed in an attack on security forces, relative to `battle_fatalities`, times (`attacker_loss_base` + security presence). Assumption.
        attacker_loss_ratio: 0.5, [0.0, 10.0], "times battle_fatalities";
        /// Base of the presence factor of `attacker_loss_ratio`. Assumption.
        attacker_loss_base: 0.5, [0.0, 10.0], "-";
    }

    /// Revenue: gold, routes, zakat, kidnapping, loot.
    revenue: RawRevenue => Revenue {
        /// Share of a gold site's production a group that controls or contests the site takes (or criminal bands there take together); the site's yearly tax pool is this share of its production.
        gold_tax_share: 0.1, [0.0, 1.0], "0..1";
        /// Value of a kilogram of gold at the sites. Default from the brief: 725 kg ≈ US$ 34 M a year in eastern Burkina Faso.
        gold_usd_per_kg: 46900.0, [0.0, 1000000.0], "US$ per kg";
        /// Largest share of the value of illicit traffic (trans-Saharan smuggling, fuel, migrants) that all the checkpoints on a route together can take. Assumption.
        max_toll_share_illicit: 0.15, [0.0, 1.0], "0..1";
        /// Largest share of the value of ordinary traffic (transport of goods, cattle) that all the checkpoints on a route together can take. Assumption.
        max_toll_share_licit: 0.02, [0.0, 1.0], "0..1";
        /// Share of a route's toll pool (the most its traffic can pay) that one checkpoint takes: a group at full control of a route cell takes this share; when the checkpoints on a route ask for more than the whole pool, each gets its share of the pool.
        checkpoint_share: 0.05, [0.0, 1.0], "0..1";
        /// Zakat rate on the harvest and herds of controlled communities (the classical one-fortieth).
        zakat_rate: 0.025, [0.0, 1.0], "0..1 per year";
        /// Value of a farming resident's yearly harvest, on which zakat is levied. Assumption from Mali's cereal harvest (about 10 Mt a year at about US$ 250 a tonne for about 19 M people, ≈ US$ 130 a head), lower in the drier north.
        harvest_usd_per_capita: 100.0, [0.0, 100000.0], "US$ per resident";
        /// Value of a pastoralist's share of the herds, on which zakat and grazing taxes are levied. Assumption from Mali's herd (DNPIA 2014: 10.3 M cattle, 14.4 M sheep, 20.1 M goats, worth about US$ 6 bn) over its roughly 3–4 M herders.
        herd_usd_per_pastoralist: 1500.0, [0.0, 100000.0], "US$ per resident";
        /// Daily chance of a kidnapping opportunity for a band on a route near a town.
        kidnap_rate: 0.0005, [0.0, 1.0], "per band-day";
        /// Mean ransom.
        ransom_musd: 0.3, [0.0, 100.0], "million US$";
        /// Loot from a successful attack.
        loot_usd: 2000.0, [0.0, 10000000.0], "US$ per attack";
        /// Control from which a group taxes a community. Assumption.
        taxing_control: 0.2, [0.0, 1.0], "0..1";
        /// Weight of the criminal bands of a cell, together, in the cell's gold and tolls, relative to a group at full control. Assumption.
        criminal_hold: 0.3, [0.0, 1.0], "0..1";
        /// Memory of income: a group's recent income by kind decays by 1/this per day. Assumption.
        income_memory_days: 90.0, [1.0, 100000.0], "days";
        /// Mean people abducted in a kidnapping besides the first. Assumption.
        abducted_extra: 1.0, [0.0, 1000.0], "people per event";
    }

    /// Territorial control (militant influence vs government presence).
    control: RawControl => Control {
        /// Militant control gained per day per fighter in the cell, relative to security presence.
        gain_per_fighter: 0.0004, [0.0, 1.0], "per fighter-day";
        /// Militant control lost per day without bands.
        decay: 0.005, [0.0, 1.0], "per day";
        /// Government presence gained per day, times security presence.
        government_gain: 0.003, [0.0, 1.0], "per day";
        /// Government presence lost per attack on state targets or leaders in the cell.
        government_loss: 0.05, [0.0, 1.0], "per event";
        /// Control a group holds in the communities of its home regions at the start. Assumption.
        initial_control: 0.15, [0.0, 1.0], "0..1";
        /// Control gain of a band drifted into crime, relative to a group's band. Assumption.
        criminal_weight: 0.3, [0.0, 1.0], "times";
        /// Most control a band gains in a day. Assumption.
        max_daily_gain: 0.5, [0.0, 1.0], "per day";
        /// A rival's control below which a band takes the community over. Assumption.
        takeover: 0.05, [0.0, 1.0], "0..1";
        /// Control below which it vanishes (the community is free again). Assumption.
        vanish: 0.02, [0.0, 1.0], "0..1";
        /// How far towns stay the state's: a band's control gain in a community is multiplied by 1 − this × the community's town share (1 − `rural_share`), and so is the population that draws bands to expand there. 0 (the default): a band takes a city of a million as it takes a hamlet, and cities draw bands by their size; 1: the groups gain and seek control over the countryside only, the towns are held (Djibo, Dori, Kaya and Fada N'Gourma stayed in the state's hands under blockade while the countryside around them fell: International Crisis Group, Africa Report 313, 15 December 2023; Human Rights Watch on Djibo, 2023). Assumption.
        town_hold: 0.0, [0.0, 1.0], "0..1";
        /// Government presence lost per unit of control gained. Assumption.
        government_erosion: 0.5, [0.0, 10.0], "-";
        /// Government presence lost per day where security is thin, times (1 − security presence): administrators, teachers and health workers need protection to stay. At 1, presence settles at the level security presence sustains (without control or threat) instead of rising towards full wherever there are any troops; 0 keeps the old rise. Assumption.
        unprotected_withdrawal: 0.0, [0.0, 10.0], "times government_gain";
        /// Government presence lost per day under threat, times the community's fear: officials leave where violence is felt (in Mopti region the share of sub-prefects at their post fell from about 60 % in 2016 to 22 % in 2019; in Burkina Faso 1,645 villages could not vote in November 2020 and hundreds of health centres closed). 0 is off.
        threat_retreat: 0.0, [0.0, 100.0], "times government_gain";
    }

    /// Displacement and schools.
    displacement: RawDisplacement => Displacement {
        /// Share of residents fleeing per day at full fear.
        flee_rate: 0.01, [0.0, 1.0], "per day";
        /// Fear below which nobody flees.
        fear_threshold: 0.2, [0.0, 1.0], "0..1";
        /// Share of a cell's town residents who flee like the country people: at 1 (the default) all residents flee alike; at 0 (the baseline since calibration round 31) only the countryside flees and the towns take the displaced in, as the record shows (Ouagadougou and Niamey received the displaced). Assumption (docs/calibration.md, 'Town dwellers flee').
        town_flight: 1.0, [0.0, 1.0], "0..1";
        /// Fear felt around an attack: a community flees (and returns) on the larger of its own fear and this share of the highest fear in its cell and the eight around it. 0 (the default) is off; the baseline sets 0.598 (calibration round 36). Assumption.
        fear_spread: 0.0, [0.0, 1.0], "0..1";
        /// Share of the displaced returning per day when fear is gone.
        return_rate: 0.003, [0.0, 1.0], "per day";
        /// Residents per school (every community's schools, rounded). Assumption; the baseline sets 780 from Burkina Faso's count of school structures (about 25,060 at the end of 2021: 3,280 closed were 13.09 % of them).
        residents_per_school: 1500.0, [1.0, 1000000.0], "residents";
        /// Share of open schools closing per day under full threat.
        school_close_rate: 0.05, [0.0, 1.0], "per day";
        /// Share of closed schools reopening per day without threat, times government presence.
        school_reopen_rate: 0.005, [0.0, 1.0], "per day";
        /// Militant control from which schools count as threatened (below it only fear threatens them). Assumption.
        threat_control: 0.3, [0.0, 1.0], "0..1";
    }

    /// Groups' leadership: cohesion and what losing a leader does.
    leadership: RawLeadership => Leadership {
        /// Cohesion of an active group at the start. Assumption.
        initial_cohesion: 0.8, [0.0, 1.0], "0..1";
        /// Cohesion of a degraded or absorbed group at the start. Assumption.
        initial_cohesion_degraded: 0.3, [0.0, 1.0], "0..1";
        /// Cohesion a group with its leader tends to. Assumption.
        cohesion_level: 0.8, [0.0, 1.0], "0..1";
        /// Share of the gap to `cohesion_level` a group with its leader closes per day. Assumption.
        cohesion_recovery: 0.002, [0.0, 1.0], "per day";
        /// Share of its cohesion a group keeps when its leader is killed. Assumption.
        cohesion_kept: 0.4, [0.0, 1.0], "0..1";
        /// Cohesion a leaderless group loses per day. Assumption.
        leaderless_decay: 0.001, [0.0, 1.0], "per day";
    }
}
