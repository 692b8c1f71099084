//! The `groups` section: the armed groups, what they want, how they fight and their strength
//! at the start; their numbers as sweeps address them (`RawGroup::NUMBERS`).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::checker::Checker;
use super::limits::{MAX_BANDS, MAX_FIGHTERS};
use super::map::Regions;
use super::merge::{Named, NamedList, merge_by_replacing, merge_fields};
use super::numbers::number_table;
use super::raw::ModelKind;

/// Whom a group belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum Coalition {
    /// Jama'at Nusrat al Islam wal Muslimeen.
    Jnim,
    /// The Islamic State (ISGS belongs here).
    IslamicState,
    /// Not part of a coalition: criminal or unidentified bands.
    Unaffiliated,
}

/// A natural land a group may be rooted in besides its home regions, drawn in the map data
/// whatever the administrative regions its cells fall in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum HomeLand {
    /// The inner Niger delta (the map's `land_cover.inner_delta` outline), the Macina of the
    /// Fulani herders: it spans the Mopti, Ségou and Tombouctou regions.
    InnerNigerDelta,
}

impl HomeLand {
    /// The land's name in reports and `sahelsim check`.
    pub fn label(self) -> &'static str {
        match self {
            HomeLand::InnerNigerDelta => "the inner Niger delta",
        }
    }
}

/// A group's state at the start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
pub enum GroupStatus {
    /// Operating normally.
    Active,
    /// Leadership lost; bands drift, defect or are absorbed.
    Degraded,
    /// Absorbed into another group (`absorbed_by`); has no bands of its own.
    Absorbed,
}

/// One armed group.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "group")]
pub struct RawGroup {
    /// Unique name, e.g. "FLM"; other fields refer to groups by this name.
    pub name: String,
    /// Full name, e.g. "Macina Liberation Front".
    pub full_name: Option<String>,
    /// Coalition membership.
    pub coalition: Option<Coalition>,
    /// Whether the group is a militant Islamist group (default: true for JNIM and Islamic
    /// State groups, false for unaffiliated ones); the brief's event counts are of these.
    pub militant_islamist: Option<bool>,
    /// The coalition an observer puts the group's unclaimed, unidentified events down to
    /// where no area pattern applies (default: its own coalition; the brief: eastern Burkina
    /// Faso's bands are attributed to JNIM).
    pub attributed_as: Option<Coalition>,
    /// Leader's name.
    pub leader: Option<String>,
    /// Status at the start.
    pub status: Option<GroupStatus>,
    /// For an absorbed group: the group that absorbed it.
    pub absorbed_by: Option<String>,
    /// Groups its bands prefer to join when they defect (e.g. Ansaroul Islam's remnants
    /// rejoined FLM).
    pub allies: Option<Vec<String>>,
    /// Regions where the group is rooted and its bands start.
    pub home_regions: Option<Vec<String>>,
    /// Natural lands where the group is rooted too, whatever their regions (default none):
    /// home ground that draws its bands and shapes attribution; its bands start in its home
    /// regions only.
    pub home_lands: Option<Vec<HomeLand>>,
    /// What the group wants.
    pub objectives: Option<RawObjectives>,
    /// How the group fights.
    pub tactics: Option<RawTactics>,
    /// The group's strength at the start.
    pub initial: Option<RawGroupInitial>,
}

/// Weights of a group's objectives.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "objectives")]
pub struct RawObjectives {
    /// Weight of political influence (territory, negotiation, standing).
    pub political: Option<f64>,
    /// Weight of ideological and social change (imposing rules, eliminating rivals' authority).
    pub ideological: Option<f64>,
    /// Weight of revenue.
    pub economic: Option<f64>,
}

/// A group's tactical propensities.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "tactics")]
pub struct RawTactics {
    /// Baseline propensity to target civilians when attacking.
    pub civilian_targeting: Option<f64>,
    /// Propensity to target traditional and religious leaders who oppose it.
    pub leader_targeting: Option<f64>,
    /// Willingness to negotiate with governments.
    pub negotiation: Option<f64>,
    /// Propensity to kidnap for ransom when an opportunity arises.
    pub kidnapping: Option<f64>,
    /// How often the group's bands attack, relative to the model's `bands.attack_rate` (1 = as set there).
    pub activity: Option<f64>,
}

/// A group's strength at the start.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename = "initial")]
pub struct RawGroupInitial {
    /// Fighters in all bands.
    pub fighters: Option<i64>,
    /// Number of bands the fighters are split into.
    pub bands: Option<i64>,
    /// Treasury in millions of US dollars.
    pub treasury_musd: Option<f64>,
    /// Share of fighters who are committed hardliners (the rest are lower-level fighters).
    pub hardliner_share: Option<f64>,
}

number_table! {
    /// The numbers of a group, as sweeps address them (`groups.<name>.<field>`).
    NUMBERS: RawGroup => GroupParams {
        /// Weight of political influence (territory, negotiation, standing).
        POLITICAL: objectives.political, real, [0.0, 1.0], "0..1";
        /// Weight of ideological and social change.
        IDEOLOGICAL: objectives.ideological, real, [0.0, 1.0], "0..1";
        /// Weight of revenue.
        ECONOMIC: objectives.economic, real, [0.0, 1.0], "0..1";
        /// Baseline propensity to target civilians when attacking.
        CIVILIAN_TARGETING: tactics.civilian_targeting, real, [0.0, 1.0], "probability";
        /// Propensity to target traditional and religious leaders who oppose the group.
        LEADER_TARGETING: tactics.leader_targeting, real, [0.0, 1.0], "probability";
        /// Willingness to negotiate with governments.
        NEGOTIATION: tactics.negotiation, real, [0.0, 1.0], "probability";
        /// Propensity to kidnap for ransom when an opportunity arises.
        KIDNAPPING: tactics.kidnapping, real, [0.0, 1.0], "probability";
        /// How often the group's bands attack, relative to the model's `bands.attack_rate`.
        ACTIVITY: tactics.activity, real, [0.0, 10.0], "× bands.attack_rate";
        /// Fighters in all bands at the start.
        FIGHTERS: initial.fighters, whole, [0.0, MAX_FIGHTERS as f64], "fighters";
        /// Bands the fighters are split into: at least 1 where there are fighters, at most one per fighter.
        BANDS: initial.bands, whole, [0.0, MAX_BANDS as f64], "bands";
        /// Treasury at the start.
        TREASURY_MUSD: initial.treasury_musd, real, [0.0, 1.0e4], "million US$";
        /// Share of fighters who are committed hardliners.
        HARDLINER_SHARE: initial.hardliner_share, real, [0.0, 1.0], "0..1";
    }
}

impl Named for RawGroup {
    fn name(&self) -> &str {
        &self.name
    }
}

merge_by_replacing!(Coalition, GroupStatus, Vec<HomeLand>);
merge_fields!(RawGroup {
    full_name,
    coalition,
    militant_islamist,
    attributed_as,
    leader,
    status,
    absorbed_by,
    allies,
    home_regions,
    home_lands,
    objectives,
    tactics,
    initial
} keep { name });
merge_fields!(RawObjectives {
    political,
    ideological,
    economic
});
merge_fields!(RawTactics {
    civilian_targeting,
    leader_targeting,
    negotiation,
    kidnapping,
    activity
});
merge_fields!(RawGroupInitial {
    fighters,
    bands,
    treasury_musd,
    hardliner_share
});

/// A validated armed group.
#[derive(Debug, Clone, Serialize)]
pub struct GroupParams {
    /// Unique short name.
    pub name: String,
    /// Full name.
    pub full_name: String,
    /// Coalition membership.
    pub coalition: Coalition,
    /// Whether the group is a militant Islamist group.
    pub militant_islamist: bool,
    /// The coalition observers attribute its unidentified events to, outside area patterns.
    pub attributed_as: Coalition,
    /// Leader's name.
    pub leader: String,
    /// Status at the start.
    pub status: GroupStatus,
    /// Index of the group that absorbed this one.
    pub absorbed_by: Option<usize>,
    /// Groups its defecting bands prefer (indices).
    pub allies: Vec<usize>,
    /// Home regions, as indices into the map's regions.
    pub home_regions: Vec<usize>,
    /// Natural lands that are home too, whatever their regions.
    pub home_lands: Vec<HomeLand>,
    /// Objective weights (each 0..1).
    pub objectives: Objectives,
    /// Tactical propensities (each a probability).
    pub tactics: Tactics,
    /// Strength at the start.
    pub initial: GroupInitial,
}

/// Objective weights, each in 0..=1.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Objectives {
    /// Political influence.
    pub political: f64,
    /// Ideological and social change.
    pub ideological: f64,
    /// Revenue.
    pub economic: f64,
}

/// Tactical propensities, each a probability.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Tactics {
    /// Baseline propensity to target civilians when attacking.
    pub civilian_targeting: f64,
    /// Propensity to target opposing traditional and religious leaders.
    pub leader_targeting: f64,
    /// Willingness to negotiate.
    pub negotiation: f64,
    /// Propensity to kidnap for ransom.
    pub kidnapping: f64,
    /// Attack rate relative to the model's `bands.attack_rate`.
    pub activity: f64,
}

/// A group's strength at the start.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct GroupInitial {
    /// Fighters.
    pub fighters: u32,
    /// Bands.
    pub bands: u32,
    /// Treasury, millions of US dollars.
    pub treasury_musd: f64,
    /// Share of hardliners among fighters.
    pub hardliner_share: f64,
}

/// The groups' names in order, looked up by name in constant time (the first group of a name,
/// where a file repeats one).
pub(super) struct GroupNames<'a> {
    names: &'a [String],
    by_name: HashMap<&'a str, usize>,
}

impl<'a> GroupNames<'a> {
    /// The index of `names`.
    pub(super) fn new(names: &'a [String]) -> Self {
        let mut by_name = HashMap::with_capacity(names.len());
        for (i, n) in names.iter().enumerate() {
            by_name.entry(n.as_str()).or_insert(i);
        }
        Self { names, by_name }
    }

    /// The position of the group named `name`.
    pub(super) fn index(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).copied()
    }

    /// Every name, in order.
    pub(super) fn names(&self) -> &'a [String] {
        self.names
    }
}

/// Validates the `groups` section (at least one group for the Sahel model), resolving the
/// regions they name.
pub(super) fn validate(
    c: &mut Checker,
    raw: Option<&NamedList<RawGroup>>,
    kind: ModelKind,
    regions: &Regions,
) -> Vec<GroupParams> {
    let raw_groups = raw.cloned().unwrap_or_default().0;
    if kind == ModelKind::Sahel && raw_groups.is_empty() {
        let e = c
            .error("groups", "no armed groups are defined")
            .expected("at least one group, e.g. groups: [(name: \"FLM\", ...)]");
        c.push(e);
    }
    let names: Vec<String> = raw_groups.iter().map(|g| g.name.clone()).collect();
    let group_names = GroupNames::new(&names);
    raw_groups
        .iter()
        .enumerate()
        .map(|(i, g)| group(c, g, i, &group_names, regions))
        .collect()
}

/// Group `i` of the section (`group_names`: every group's name, in order).
fn group(
    c: &mut Checker,
    g: &RawGroup,
    i: usize,
    group_names: &GroupNames,
    regions: &Regions,
) -> GroupParams {
    let p = format!("groups[{}]", g.name);
    if g.name.trim().is_empty() {
        let e = c
            .error(&format!("groups[{i}].name"), "is empty")
            .expected("a unique group name");
        c.push(e);
    }
    let status = g.status.unwrap_or(GroupStatus::Active);
    let absorbed_by = match (&g.absorbed_by, status) {
        (Some(other), _) => {
            let idx = group_names.index(other).filter(|_| *other != g.name);
            if idx.is_none() {
                let others: Vec<&String> = group_names
                    .names()
                    .iter()
                    .filter(|n| **n != g.name)
                    .collect();
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
        match group_names.index(a).filter(|_| *a != g.name) {
            Some(h) => allies.push(h),
            None => {
                let others: Vec<&String> = group_names
                    .names()
                    .iter()
                    .filter(|n| **n != g.name)
                    .collect();
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
        match regions.index(r) {
            Some(idx) => home_regions.push(idx),
            None => {
                let e = c
                    .error(
                        &format!("{p}.home_regions[{k}]"),
                        format!("unknown region `{r}`"),
                    )
                    .expected("a first-level region of Mali, Burkina Faso or Niger")
                    .choices(r, regions.names());
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
    let objectives = objectives(c, g.objectives.as_ref(), &p);
    let tactics = tactics(c, g.tactics.as_ref(), &p);
    let initial = initial(c, g.initial.as_ref(), &p, status);
    GroupParams {
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
        home_lands: g.home_lands.clone().unwrap_or_default(),
        objectives,
        tactics,
        initial,
    }
}

/// A group's objectives (`p`: the group's path).
fn objectives(c: &mut Checker, raw: Option<&RawObjectives>, p: &str) -> Objectives {
    let o = raw.cloned().unwrap_or_default();
    Objectives {
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
    }
}

/// A group's tactics (`p`: the group's path).
fn tactics(c: &mut Checker, raw: Option<&RawTactics>, p: &str) -> Tactics {
    let t = raw.cloned().unwrap_or_default();
    Tactics {
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
    }
}

/// A group's strength at the start (`p`: the group's path): no more bands than fighters, at
/// least one band where there are fighters, none of its own for an absorbed group.
fn initial(
    c: &mut Checker,
    raw: Option<&RawGroupInitial>,
    p: &str,
    status: GroupStatus,
) -> GroupInitial {
    let ini = raw.cloned().unwrap_or_default();
    let refused_before = c.error_count();
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
    let counts_valid = c.error_count() == refused_before;
    if counts_valid && bands > fighters {
        let e = c
            .error(
                &format!("{p}.initial.bands"),
                format!("{bands} bands for {fighters} fighters"),
            )
            .expected("no more bands than fighters");
        c.push(e);
    }
    if counts_valid && fighters > 0 && bands == 0 {
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
    GroupInitial {
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
    }
}
