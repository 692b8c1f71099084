//! The entities of a run and their state: fighter bands, communities, garrisons, gold sites.
//! Armed groups are few and looked up by every band, so their state lives in the
//! [`super::resources::Groups`] resource, indexed by group id.

use bevy_ecs::prelude::Component;

use super::agreements::BorderAgreements;
use super::ids::{BandId, CellId, CommunityId, GroupId, IdVec};

/// A fighter band: a few dozen fighters who move, earn, recruit and fight together.
#[derive(Component, Debug, Clone)]
pub struct Band {
    /// Stable id, never reused (iteration order and outputs key on it).
    pub id: BandId,
    /// The group the band belongs to now.
    pub group: GroupId,
    /// The group it was raised in (its split-off children keep it): that group's home regions
    /// are the band's own ground, which it still seeks after joining another group with
    /// `bands.kept_home` (docs/ODD.md 7.4).
    pub home_group: GroupId,
    /// The cell it is in.
    pub cell: CellId,
    /// Committed hardliners.
    pub hardliners: u32,
    /// Lower-level fighters (varying commitment; the first to leave).
    pub low_level: u32,
    /// Morale, 0..1.
    pub morale: f64,
    /// Cash, US$.
    pub funds: i64,
    /// Has drifted into crime: extorts, no longer fights for the group's aims.
    pub criminal: bool,
    /// Fighters lost recently (exponentially decayed, about a 90-day memory).
    pub recent_losses: f64,
}

impl Band {
    /// All fighters.
    pub fn fighters(&self) -> u32 {
        self.hardliners + self.low_level
    }
}

/// A community: the people of one populated cell of the study area.
///
/// Laid out by hand in three cache lines (`repr(C)`, 192 bytes, aligned to 64), the fields
/// that most weekly passes over all communities read first: a pass that reads only the first
/// line (or two) brings only those into the cache, and the community table does not fit in a
/// core's own cache. The order changes no value.
#[derive(Component, Debug, Clone)]
#[repr(C, align(64))]
pub struct Community {
    // First line: who, who holds it, and its people: all the weekly recorder reads, and what
    // the people held and the sweeps' list read.
    /// Dense id (0..number of communities), in cell order.
    pub id: CommunityId,
    /// Consecutive weeks with government presence of at least [`SUSTAINED_PRESENCE`].
    pub government_weeks: u32,
    /// The group with most control, if any.
    pub controller: Option<GroupId>,
    /// Militant control, 0..1.
    pub control: f64,
    /// People living at home.
    pub residents: f64,
    /// People from here who have fled (wherever they now are).
    pub displaced: f64,
    /// Government presence, 0..1 (the brief's own metric of success).
    pub government: f64,
    /// Schools closed.
    pub schools_closed: f64,
    /// Armed militia members among the residents (a community self-defence militia).
    pub militia: f64,
    // Second line: where, fear, and what recruitment, flight, schools and the militias read.
    /// The cell.
    pub cell: CellId,
    /// Fear, 0..1.
    pub fear: f64,
    /// Schools.
    pub schools: f64,
    /// Stigmatisation, 0..1: extra hardship from civilians killed here by state forces and
    /// militias, weighted by the pastoralist share (the stigmatisation–reprisal loop).
    pub stigma: f64,
    /// Young men who could still be recruited here (the recruitment pool): at most
    /// `bands.recruitable_share` of residents, depleted by recruitment, refilled as boys come
    /// of age.
    pub recruitable: f64,
    /// Share of pastoralists (Fulani herders in central Mali and northern Burkina Faso).
    pub pastoralists: f64,
    /// Share of the residents living in the countryside rather than in the cell's towns, at
    /// the start (1 where the cell has no town). Self-defence militias are rural: they
    /// mobilise among, and raid, the countryside only.
    pub rural_share: f64,
    /// Residents of the cell's towns at the start (`residents` × (1 − `rural_share`)): with
    /// `displacement.town_flight` below 1 only a share of them flee.
    pub townsfolk: f64,
    // Third line: what only the weekly update of choices and the daily steps read.
    /// Share of residents actively supporting militants (Epstein's active agents).
    pub support: f64,
    /// Mean hardship, 0..1.
    pub hardship: f64,
    /// Legitimacy of the state in the eyes of residents, 0..1.
    pub legitimacy: f64,
    /// Share of residents informing or resisting (those who reject the groups and trust the state).
    pub informers: f64,
    /// Standing of traditional and religious leaders, 0..1 (drops when they are killed).
    pub leaders: f64,
    /// Security personnel present (kernel-weighted from garrisons).
    pub troops: f64,
    /// Of `troops`, those of international garrisons (MINUSMA, Barkhane), which build the
    /// state's presence only as far as `security.international_state_building` says.
    pub international_troops: f64,
    /// Last day a band was in the cell.
    pub last_band_day: i64,
}

// The layout the comment above describes.
const _: () =
    assert!(std::mem::size_of::<Community>() == 192 && std::mem::align_of::<Community>() == 64);

/// Government presence from which a community counts as having government presence.
pub const SUSTAINED_PRESENCE: f64 = 0.5;

/// Weeks of uninterrupted presence after which it counts as sustained (the brief's metric:
/// how much government presence can be sustained in communities).
pub const SUSTAINED_WEEKS: u32 = 52;

/// Residents counted at least in a community's policing ratio, so that an emptied cell is not
/// infinitely policed. Numerical, not a parameter: it only matters where almost nobody is left.
pub const MIN_POLICED_RESIDENTS: f64 = 100.0;

impl Community {
    /// Troops per 1,000 residents relative to the level that counts as fully policed.
    pub fn policing(&self, per_1000: f64) -> f64 {
        self.policing_by(self.troops, per_1000)
    }

    /// The policing `troops` of them would give (as [`Self::policing`]).
    fn policing_by(&self, troops: f64, per_1000: f64) -> f64 {
        troops / (self.residents.max(MIN_POLICED_RESIDENTS) / 1000.0) / per_1000
    }

    /// Security presence, 0..1: 1 − exp(−policing).
    pub fn security(&self, per_1000: f64) -> f64 {
        1.0 - (-self.policing(per_1000)).exp()
    }

    /// Security presence with the international troops counted at `international_weight`,
    /// 0..1: as [`Self::security`] at weight 1. The state's administration draws on it with
    /// `security.international_state_building`, the sweeps with `security.international_sweeps`.
    pub fn state_security(&self, per_1000: f64, international_weight: f64) -> f64 {
        1.0 - (-self.state_policing(per_1000, international_weight)).exp()
    }

    /// The international troops' presence alone, 0..1: 1 − exp(−their policing ratio).
    pub fn international_security(&self, per_1000: f64) -> f64 {
        1.0 - (-self.policing_by(self.international_troops, per_1000)).exp()
    }

    /// The policing behind [`Self::state_security`]: that security is 1 − exp(−this).
    pub fn state_policing(&self, per_1000: f64, international_weight: f64) -> f64 {
        let troops = self.troops - (1.0 - international_weight) * self.international_troops;
        self.policing_by(troops.max(0.0), per_1000)
    }

    /// Whether the community is under a group's control (above [`MILITANT_CONTROL`]), and
    /// whose: the ground the group holds.
    pub fn held_by(&self) -> Option<GroupId> {
        self.controller.filter(|_| self.control > MILITANT_CONTROL)
    }

    /// Whether government presence has been sustained for [`SUSTAINED_WEEKS`].
    pub fn sustained_presence(&self) -> bool {
        self.government_weeks >= SUSTAINED_WEEKS
    }
}

/// Militant control above which a community counts as under a group's control (Kalyvas'
/// zones of predominant and full control); from [`CONTESTED_CONTROL`] up to it, contested.
pub const MILITANT_CONTROL: f64 = 0.6;

/// Militant control from which a community counts as contested; below it, the state's.
pub const CONTESTED_CONTROL: f64 = 0.2;

/// Kind of security force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForceKind {
    /// National army and gendarmerie.
    National,
    /// International forces (MINUSMA, Barkhane).
    International,
}

/// Where a garrison is stationed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GarrisonSite {
    /// A town (index into the map's towns).
    Town(usize),
    /// A post outside the towns (index into the map's posts).
    Post(usize),
}

/// A garrison of security forces in a town or at a post.
#[derive(Component, Debug, Clone)]
pub struct Garrison {
    /// Stable id.
    pub id: usize,
    /// Where it is stationed: a town or a post of the map data.
    pub site: GarrisonSite,
    /// Cell.
    pub cell: CellId,
    /// Kind.
    pub kind: ForceKind,
    /// The country whose forces these are (index into the map's countries): they operate
    /// on its side of the border only.
    pub country: Option<usize>,
    /// Troops now.
    pub troops: f64,
    /// Troops at full strength (losses are replaced towards it).
    pub nominal: f64,
    /// Full strength at the start; the history's `ForcesStrength` entries scale it.
    pub base: f64,
    /// Communities within reach on its side of the border and the weight of each
    /// (exp(−d / radius), times the people with `security.troops_follow_people`): the
    /// garrison's troops are spread in proportion ([`Garrison::spread`]).
    pub reach: Vec<(CommunityId, f64)>,
    /// The sum of the weights of `reach`.
    pub reach_total: f64,
    /// The communities across the border an agreement could open to this garrison (within
    /// its reach and the deepest agreed depth), with their weights.
    pub across: Vec<AcrossReach>,
}

impl Garrison {
    /// A garrison at full strength, `troops` at the start, whose reach is still to be found.
    pub fn at_strength(
        id: usize,
        site: GarrisonSite,
        cell: CellId,
        kind: ForceKind,
        country: Option<usize>,
        troops: f64,
    ) -> Self {
        Self {
            id,
            site,
            cell,
            kind,
            country,
            troops,
            nominal: troops,
            base: troops,
            reach: Vec::new(),
            reach_total: 0.0,
            across: Vec::new(),
        }
    }

    /// Adds the garrison's troops to `troops` (and, for an international garrison, to
    /// `international`), by community: spread over its reach and the communities across the
    /// border that `agreements` opens to it, in proportion to their weights (none added).
    pub fn spread(
        &self,
        agreements: &BorderAgreements,
        troops: &mut IdVec<CommunityId, f64>,
        international: &mut IdVec<CommunityId, f64>,
    ) {
        let open =
            |a: &&AcrossReach| agreements.reaches(self.country, Some(a.country), a.border_km);
        let total = self.reach_total + self.across.iter().filter(open).map(|a| a.raw).sum::<f64>();
        if total <= 0.0 {
            return;
        }
        let here = self.reach.iter().copied();
        let across = self
            .across
            .iter()
            .filter(open)
            .map(|a| (a.community, a.raw));
        for (k, weight) in here.chain(across) {
            let present = self.troops * (weight / total);
            troops[k] += present;
            if self.kind == ForceKind::International {
                international[k] += present;
            }
        }
    }
}

/// A community across the border that a garrison reaches while an agreement lets it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AcrossReach {
    /// The community.
    pub community: CommunityId,
    /// Its weight (as in [`Garrison::reach`]).
    pub raw: f64,
    /// Its country (index into the map's countries).
    pub country: usize,
    /// Its cell's distance from the nearest international border, km.
    pub border_km: f64,
}

/// A gold mining site.
#[derive(Component, Debug, Clone)]
pub struct GoldSite {
    /// Index into the map's gold sites.
    pub site: usize,
    /// Cell.
    pub cell: CellId,
    /// Value produced per day, US$.
    pub usd_per_day: f64,
}
