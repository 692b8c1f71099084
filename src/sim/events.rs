//! Violent events, in the spirit of ACLED: what happened, where, by whom (truly) and to whom
//! an outside observer attributes it.

use serde::Serialize;

use super::ids::{BandId, CellId, GroupId};

/// ACLED-style event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum EventType {
    /// Armed clash between organised armed groups (including state forces).
    Battles,
    /// Violence against civilians (attack, abduction).
    ViolenceAgainstCivilians,
    /// Explosions and remote violence (IEDs, shelling, air strikes).
    ExplosionsRemoteViolence,
}

impl EventType {
    /// ACLED's wording.
    pub fn label(self) -> &'static str {
        match self {
            EventType::Battles => "Battles",
            EventType::ViolenceAgainstCivilians => "Violence against civilians",
            EventType::ExplosionsRemoteViolence => "Explosions/Remote violence",
        }
    }
}

/// ACLED-style sub-event type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SubType {
    /// Armed clash.
    ArmedClash,
    /// Attack on civilians.
    Attack,
    /// Abduction or forced disappearance.
    Abduction,
    /// Remote explosive, landmine or IED.
    RemoteExplosive,
    /// Air or drone strike.
    AirStrike,
}

impl SubType {
    /// ACLED's wording.
    pub fn label(self) -> &'static str {
        match self {
            SubType::ArmedClash => "Armed clash",
            SubType::Attack => "Attack",
            SubType::Abduction => "Abduction/forced disappearance",
            SubType::RemoteExplosive => "Remote explosive/landmine/IED",
            SubType::AirStrike => "Air/drone strike",
        }
    }
}

/// An armed clash (ACLED "Battles / Armed clash").
pub const BATTLE: (EventType, SubType) = (EventType::Battles, SubType::ArmedClash);
/// An attack on civilians (ACLED "Violence against civilians / Attack").
pub const ATTACK_ON_CIVILIANS: (EventType, SubType) =
    (EventType::ViolenceAgainstCivilians, SubType::Attack);

/// Who carried out an event, truly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Perpetrator {
    /// An armed group (its id).
    Group(GroupId),
    /// State security forces.
    State,
    /// A self-defence militia allied to the state (index into the map's militias).
    Militia(u32),
}

impl Perpetrator {
    /// Whether the state or a militia allied to it carried the event out.
    pub fn pro_government(self) -> bool {
        matches!(self, Perpetrator::State | Perpetrator::Militia(_))
    }
}

/// To whom an outside observer attributes an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Attributed {
    /// A named group.
    Group(GroupId),
    /// "JNIM" as a whole.
    Jnim,
    /// "Islamic State" as a whole.
    IslamicState,
    /// State forces.
    State,
    /// A named militia (index into the map's militias).
    Militia(u32),
    /// Nobody identified.
    Unidentified,
}

/// Whom an event targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Target {
    /// Security forces.
    SecurityForces,
    /// Civilians.
    Civilians,
    /// Traditional or religious leaders.
    Leaders,
    /// An armed group (its id).
    Group(GroupId),
}

/// One violent event.
#[derive(Debug, Clone, Serialize)]
pub struct Event {
    /// Day index from the start (0 is the first day).
    pub day: u32,
    /// Cell.
    pub cell: CellId,
    /// Event type.
    pub event_type: EventType,
    /// Sub-event type.
    pub sub_type: SubType,
    /// True perpetrator.
    pub perpetrator: Perpetrator,
    /// The band that carried it out or was engaged, if any.
    pub band: Option<BandId>,
    /// Attribution by an outside observer.
    pub attributed: Attributed,
    /// Target.
    pub target: Target,
    /// For an event against a group: the actor the engaged group was believed to be
    /// (ACLED's actor2); otherwise `Unidentified`.
    pub target_attributed: Attributed,
    /// Civilians killed (leaders included).
    pub civilians_killed: u32,
    /// Security personnel killed.
    pub security_killed: u32,
    /// Militants killed.
    pub militants_killed: u32,
    /// People abducted.
    pub abducted: u32,
}

impl Event {
    /// An event with no one killed or abducted yet, not yet attributed (state and militia
    /// operations are attributed to their actor at once: they are not hidden).
    pub fn new(
        day: u32,
        cell: CellId,
        perpetrator: Perpetrator,
        band: Option<BandId>,
        kind: (EventType, SubType),
        target: Target,
    ) -> Self {
        Self {
            day,
            cell,
            event_type: kind.0,
            sub_type: kind.1,
            perpetrator,
            band,
            attributed: match perpetrator {
                Perpetrator::State => Attributed::State,
                Perpetrator::Militia(m) => Attributed::Militia(m),
                Perpetrator::Group(_) => Attributed::Unidentified,
            },
            target,
            target_attributed: Attributed::Unidentified,
            civilians_killed: 0,
            security_killed: 0,
            militants_killed: 0,
            abducted: 0,
        }
    }

    /// All fatalities.
    pub fn fatalities(&self) -> u32 {
        self.civilians_killed + self.security_killed + self.militants_killed
    }

    /// The armed group the event is linked to: its perpetrator, or the group state forces or
    /// a militia engaged.
    pub fn linked_group(&self) -> Option<GroupId> {
        match (self.perpetrator, self.target) {
            (Perpetrator::Group(g), _) => Some(g),
            (Perpetrator::State | Perpetrator::Militia(_), Target::Group(g)) => Some(g),
            _ => None,
        }
    }
}
