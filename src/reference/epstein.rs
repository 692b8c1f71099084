//! Epstein's civil violence model (Model I of Epstein 2002, PNAS 99 suppl. 3), with the rules
//! and defaults of Mesa's example `mesa.examples.advanced.epstein_civil_violence` (Mesa 3.3.1),
//! and options for the variants of NetLogo's Rebellion model and the paper
//! ([`EpsteinParams`]; `docs/reference.md` lists every difference).
//!
//! Citizens and cops live on a torus, at most one per cell. A citizen has a hardship H and a
//! risk aversion R, both uniform on [0, 1); its grievance is H (1 − L) for the regime's
//! legitimacy L. Every step, every agent acts once, in a fresh random order (Mesa's
//! `shuffle_do`):
//!
//! - a jailed citizen serves one step of its term (a term of 0 frees it at its next turn;
//!   with `jail_countdown: EndOfStep` terms count down after every agent has acted instead);
//! - a free citizen counts the cops C and active citizens in vision, A being that count plus
//!   one (itself), estimates its arrest probability P = 1 − exp(−k · ratio(C/A)), turns
//!   active if grievance − R P > threshold and quiet otherwise, then moves;
//! - a cop arrests one active citizen in vision chosen at random, who gets a jail term
//!   uniform on 0..=J_max and stays on its cell, then moves.
//!
//! Moving is to a cell chosen uniformly among the empty cells in the agent's vision.
//!
//! Neighbourhoods are counted with bit rows: one bit per cell for cops, actives and empty
//! cells, each row padded with copies of the cells across the torus's seam so that the cells
//! within `pad` of any column are contiguous bits. A neighbourhood is, row by row, a run of
//! cells centred on the agent's column, so counting it is a few shifts and popcounts per row.

use std::time::Instant;

use rand::RngExt;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::Serialize;

pub use crate::scenario::epstein::{ArrestRatio, EpsteinParams, JailCountdown, VisionShape};
use crate::sim::rng::replicate_seed;

/// The random streams of a replicate (one ChaCha8 stream each, from the replicate's seed).
const STREAM_INIT: u64 = 1;
const STREAM_STEP: u64 = 2;
const NONE: u32 = u32::MAX;

/// What an agent is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A citizen.
    Citizen,
    /// A cop.
    Cop,
}

/// A citizen's condition (cops are always [`State::Quiet`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Not rebelling.
    Quiet,
    /// In open rebellion.
    Active,
    /// Arrested, serving `jail` more steps.
    Jailed,
}

/// One agent.
#[derive(Debug, Clone, Copy)]
pub struct Agent {
    /// Citizen or cop.
    pub kind: Kind,
    /// Its column.
    pub x: u32,
    /// Its row.
    pub y: u32,
    /// Its condition.
    pub state: State,
    /// Steps left to serve (while jailed).
    pub jail: u32,
    /// Hardship × (1 − legitimacy).
    pub grievance: f64,
    /// Risk aversion.
    pub risk_aversion: f64,
}

/// The counts of one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Step (0 is the initial state).
    pub step: u32,
    /// Active citizens.
    pub active: u32,
    /// Quiet citizens.
    pub quiet: u32,
    /// Jailed citizens (arrested and not yet freed by their next turn).
    pub jailed: u32,
}

/// One bit per cell, with the torus unrolled: each row is padded on both sides with copies of
/// the `pad` cells across the seam, and `pad` copied rows lie above and below, so that every
/// cell within `pad` of any cell is reached without wrapping.
#[derive(Debug, Clone)]
struct BitRows {
    width: usize,
    height: usize,
    pad: usize,
    /// Words per row.
    words: usize,
    /// `height + 2 pad` rows; row `y` of the lattice is stored row `y + pad`.
    bits: Vec<u64>,
    /// Where rows are one word: by column, the bits of the column and of its copy across the
    /// seam (empty otherwise).
    column_bits: Vec<u64>,
    /// Where rows are one word: by row, the stored row and the stored row of its copy across
    /// the seam (`NONE` if none; empty otherwise).
    row_copies: Vec<(u32, u32)>,
}

/// One row of a neighbourhood: the cells `dy` rows away and at most `half` columns away.
#[derive(Debug, Clone, Copy)]
struct Reach {
    /// `dy + pad`: the stored row, counted from the agent's row `y`, is `y + off`.
    off: usize,
    /// Half-width of the run of cells.
    half: usize,
    /// Rows of one word: the run's bits for an agent in column 0.
    mask: u64,
}

impl Reach {
    /// Rows of one word: the run's bits for an agent in column `x`.
    #[inline(always)]
    fn at(&self, x: usize) -> u64 {
        self.mask << x
    }
}

/// The stored position of the copy of position `v` (of `n`) across the torus's seam, in a
/// dimension padded by `pad` on both sides, if it has one.
#[inline(always)]
fn ghost(v: usize, pad: usize, n: usize) -> Option<usize> {
    if v < pad {
        Some(v + pad + n)
    } else if v + pad >= n {
        Some(v + pad - n)
    } else {
        None
    }
}

/// A position in a padded dimension of length `n` + 2 `pad` back on the torus.
#[inline(always)]
fn unpad(q: usize, pad: usize, n: usize) -> usize {
    if q < pad {
        q + n - pad
    } else if q - pad >= n {
        q - pad - n
    } else {
        q - pad
    }
}

impl BitRows {
    fn new(width: usize, height: usize, pad: usize) -> Self {
        let words = (width + 2 * pad).div_ceil(64);
        let column_bits = if words == 1 {
            (0..width)
                .map(|x| {
                    [Some(x + pad), ghost(x, pad, width)]
                        .into_iter()
                        .flatten()
                        .fold(0u64, |m, p| m | 1 << p)
                })
                .collect()
        } else {
            Vec::new()
        };
        let row_copies = if words == 1 {
            (0..height)
                .map(|y| {
                    let copy = ghost(y, pad, height).map_or(NONE, |r| r as u32);
                    ((y + pad) as u32, copy)
                })
                .collect()
        } else {
            Vec::new()
        };
        Self {
            width,
            height,
            pad,
            words,
            bits: vec![0; words * (height + 2 * pad)],
            column_bits,
            row_copies,
        }
    }

    /// Sets (`on`) or clears the bit of cell (`x`, `y`) and its copies in the padding.
    #[inline(always)]
    fn put(&mut self, x: usize, y: usize, on: bool) {
        if self.words == 1 {
            // One word a row: the cell's bits in a row (itself and its copy across the seam)
            // in one mask, written in its row and in that row's copy.
            let m = self.column_bits[x];
            let (row, copy) = self.row_copies[y];
            for r in [row, copy] {
                if r == NONE {
                    continue;
                }
                let word = &mut self.bits[r as usize];
                if on {
                    *word |= m;
                } else {
                    *word &= !m;
                }
            }
            return;
        }
        let (pad, w, h) = (self.pad, self.width, self.height);
        let cols = [Some(x + pad), ghost(x, pad, w)];
        for row in [Some(y + pad), ghost(y, pad, h)].into_iter().flatten() {
            for p in cols.into_iter().flatten() {
                let word = &mut self.bits[row * self.words + p / 64];
                if on {
                    *word |= 1 << (p % 64);
                } else {
                    *word &= !(1 << (p % 64));
                }
            }
        }
    }

    /// Whether stored position (`p`, `row`) is set.
    #[inline(always)]
    fn bit(&self, p: usize, row: usize) -> bool {
        self.bits[row * self.words + p / 64] >> (p % 64) & 1 == 1
    }

    /// Whether cell (`x`, `y`) is set.
    fn get(&self, x: usize, y: usize) -> bool {
        self.bit(x + self.pad, y + self.pad)
    }

    /// The set bits among the cells of `reach` from (`x`, `y`).
    #[inline(always)]
    fn count(&self, x: usize, y: usize, reach: &Reach) -> u32 {
        let row = y + reach.off;
        if self.words == 1 {
            return (self.bits[row] & reach.at(x)).count_ones();
        }
        let (lo, hi) = (x + self.pad - reach.half, x + self.pad + reach.half);
        let row = &self.bits[row * self.words..(row + 1) * self.words];
        let (wl, wh) = (lo / 64, hi / 64);
        if wl == wh {
            return (row[wl] >> (lo % 64) & mask(hi - lo + 1)).count_ones();
        }
        let mut n = (row[wl] >> (lo % 64)).count_ones();
        for w in &row[wl + 1..wh] {
            n += w.count_ones();
        }
        n + (row[wh] & mask(hi % 64 + 1)).count_ones()
    }

    /// The stored rows a neighbourhood `shape` covers from row `y` (in `shape`'s order), where
    /// a row is one word (`words == 1`): the rows are consecutive, so one slice holds them and
    /// counting needs no bounds check per row.
    #[inline(always)]
    fn single_word_rows(&self, y: usize, shape: &[Reach]) -> &[u64] {
        debug_assert_eq!(self.words, 1);
        let start = y + shape[0].off;
        &self.bits[start..start + shape.len()]
    }

    /// The cell of the `k`-th (from 0) set bit among the cells of `reach` from (`x`, `y`).
    #[inline(always)]
    fn select(&self, x: usize, y: usize, reach: &Reach, mut k: u32) -> (usize, usize) {
        let row = y + reach.off;
        let ny = unpad(row, self.pad, self.height);
        if self.words == 1 {
            let mut w = self.bits[row] & reach.at(x);
            for _ in 0..k {
                w &= w - 1;
            }
            let q = w.trailing_zeros() as usize;
            return (unpad(q, self.pad, self.width), ny);
        }
        let (lo, hi) = (x + self.pad - reach.half, x + self.pad + reach.half);
        let row = &self.bits[row * self.words..(row + 1) * self.words];
        let mut p = lo;
        while p <= hi {
            let take = (64 - p % 64).min(hi - p + 1);
            let mut w = row[p / 64] >> (p % 64) & mask(take);
            let n = w.count_ones();
            if k < n {
                for _ in 0..k {
                    w &= w - 1;
                }
                let q = p + w.trailing_zeros() as usize;
                return (unpad(q, self.pad, self.width), ny);
            }
            k -= n;
            p += take;
        }
        unreachable!("select beyond the count")
    }
}

/// `n / d` rounded to the nearest integer, halves to even (Python's `round(n / d)`).
#[inline(always)]
fn round_half_even(n: u32, d: u32) -> u32 {
    let (q, r) = (n / d, n % d);
    match (2 * r).cmp(&d) {
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal => q + (q & 1),
        std::cmp::Ordering::Less => q,
    }
}

#[inline]
fn mask(n: usize) -> u64 {
    if n >= 64 { u64::MAX } else { (1 << n) - 1 }
}

/// The half-width of a neighbourhood's row `dy` rows away, for vision radius `v`.
fn half_width(kind: VisionShape, v: u32, dy: i32) -> u32 {
    let v = v as i32;
    let half = match kind {
        VisionShape::VonNeumann => v - dy.abs(),
        VisionShape::Moore => v,
        VisionShape::Circle => {
            let mut h = 0;
            while (h + 1) * (h + 1) + dy * dy <= v * v {
                h += 1;
            }
            h
        }
    };
    half as u32
}

/// A neighbourhood of vision radius `v`, row by row, for bit rows padded by `pad`.
fn shape(kind: VisionShape, v: u32, pad: usize) -> Vec<Reach> {
    (-(v as i32)..=v as i32)
        .map(|dy| {
            let half = half_width(kind, v, dy) as usize;
            Reach {
                off: (pad as i32 + dy) as usize,
                half,
                mask: if pad + half < 64 {
                    mask(2 * half + 1) << (pad - half)
                } else {
                    0
                },
            }
        })
        .collect()
}

/// The cells of a neighbourhood (its own cell left out) as (column, row) offsets into bit rows
/// padded by `pad`: cell (`x`, `y`) sees stored position (`x + dx`, `y + dy`).
fn cells_of(shape: &[Reach], pad: usize) -> Vec<(u16, u16)> {
    let mut cells = Vec::new();
    for r in shape {
        for dx in pad - r.half..=pad + r.half {
            if !(dx == pad && r.off == pad) {
                cells.push((dx as u16, r.off as u16));
            }
        }
    }
    cells
}

/// Draws at a neighbourhood's cells tried before counting its empty cells.
const MOVE_TRIES: u32 = 24;

/// The agents and the bit rows or counters of a world disagree (a bug).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct InconsistentWorld(pub String);

/// One replicate's world.
#[derive(Debug, Clone)]
pub struct World {
    p: EpsteinParams,
    width: usize,
    height: usize,
    agents: Vec<Agent>,
    /// Agent index on each cell, or `NONE`.
    cells: Vec<u32>,
    order: Vec<u32>,
    cops: BitRows,
    actives: BitRows,
    empty: BitRows,
    citizen_shape: Vec<Reach>,
    /// The cells of the citizens' neighbourhood as (column, row) offsets into the padded rows
    /// from the agent's cell, for drawing a destination.
    citizen_cells: Vec<(u16, u16)>,
    /// The same for cops.
    cop_cells: Vec<(u16, u16)>,
    cop_shape: Vec<Reach>,
    /// Arrest probability by integer ratio (for `Round` and `Floor`).
    arrest_p: Vec<f64>,
    /// Scratch: counts per row of the neighbourhood being searched.
    row_counts: Vec<u32>,
    rng: ChaCha8Rng,
    counts: Counts,
}

impl World {
    /// The world of replicate `replicate` under master seed `seed`: each cell in row-major
    /// order gets a citizen with probability `citizen_density`, else a cop with probability
    /// `cop_density`, else stays empty (as in Mesa). Everyone starts quiet.
    pub fn new(p: &EpsteinParams, seed: u64, replicate: u32) -> Self {
        let base = replicate_seed(seed, replicate);
        let mut init = ChaCha8Rng::seed_from_u64(base);
        init.set_stream(STREAM_INIT);
        let mut rng = ChaCha8Rng::seed_from_u64(base);
        rng.set_stream(STREAM_STEP);
        let (width, height) = (p.width as usize, p.height as usize);
        let pad = p.citizen_vision.max(p.cop_vision) as usize;
        let mut w = World {
            p: p.clone(),
            width,
            height,
            agents: Vec::new(),
            cells: vec![NONE; width * height],
            order: Vec::new(),
            cops: BitRows::new(width, height, pad),
            actives: BitRows::new(width, height, pad),
            empty: BitRows::new(width, height, pad),
            citizen_shape: shape(p.vision_shape, p.citizen_vision, pad),
            citizen_cells: cells_of(&shape(p.vision_shape, p.citizen_vision, pad), pad),
            cop_cells: cells_of(&shape(p.vision_shape, p.cop_vision, pad), pad),
            cop_shape: shape(p.vision_shape, p.cop_vision, pad),
            arrest_p: Vec::new(),
            row_counts: vec![0; 2 * pad + 1],
            rng,
            counts: Counts {
                step: 0,
                active: 0,
                quiet: 0,
                jailed: 0,
            },
        };
        let max_cops = w.cop_shape_cells().max(w.citizen_shape_cells());
        w.arrest_p = (0..=max_cops)
            .map(|r| 1.0 - (-p.arrest_constant * r as f64).exp())
            .collect();
        for cell in 0..width * height {
            let u: f64 = init.random();
            let kind = if u < p.citizen_density {
                Kind::Citizen
            } else if u < p.citizen_density + p.cop_density {
                Kind::Cop
            } else {
                let (x, y) = (cell % width, cell / width);
                w.empty.put(x, y, true);
                continue;
            };
            let (hardship, risk_aversion) = match kind {
                Kind::Citizen => {
                    w.counts.quiet += 1;
                    (init.random::<f64>(), init.random::<f64>())
                }
                Kind::Cop => {
                    w.cops.put(cell % width, cell / width, true);
                    (0.0, 0.0)
                }
            };
            w.cells[cell] = w.agents.len() as u32;
            w.agents.push(Agent {
                kind,
                x: (cell % width) as u32,
                y: (cell / width) as u32,
                state: State::Quiet,
                jail: 0,
                grievance: hardship * (1.0 - p.legitimacy),
                risk_aversion,
            });
        }
        w.order = (0..w.agents.len() as u32).collect();
        w
    }

    fn citizen_shape_cells(&self) -> usize {
        self.citizen_shape.iter().map(|r| 2 * r.half + 1).sum()
    }

    fn cop_shape_cells(&self) -> usize {
        self.cop_shape.iter().map(|r| 2 * r.half + 1).sum()
    }

    /// The counts after the last step.
    pub fn counts(&self) -> Counts {
        self.counts
    }

    /// The agents.
    pub fn agents(&self) -> &[Agent] {
        &self.agents
    }

    /// Advances one step: every agent acts once, in a new random order.
    pub fn step(&mut self) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("popcnt") {
            // SAFETY: `step_popcnt` only needs the popcnt instruction, which the CPU has
            // (checked just above). Results are the same with or without it.
            unsafe { self.step_popcnt() };
            return;
        }
        self.step_portable();
    }

    /// [`Self::step`] compiled with the popcnt instruction, which counting neighbourhoods
    /// spends most of its time on (the default x86-64 target lacks it).
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "popcnt")]
    fn step_popcnt(&mut self) {
        self.step_inline();
    }

    fn step_portable(&mut self) {
        self.step_inline();
    }

    #[inline(always)]
    fn step_inline(&mut self) {
        self.order.shuffle(&mut self.rng);
        for i in 0..self.order.len() {
            let a = self.order[i] as usize;
            match self.agents[a].kind {
                Kind::Citizen => self.citizen_acts(a),
                Kind::Cop => self.cop_acts(a),
            }
        }
        if self.p.jail_countdown == JailCountdown::EndOfStep {
            for ag in &mut self.agents {
                ag.jail = ag.jail.saturating_sub(1);
            }
        }
        self.counts.step += 1;
    }

    #[inline]
    fn xy(&self, a: &Agent) -> (usize, usize) {
        (a.x as usize, a.y as usize)
    }

    #[inline(always)]
    fn citizen_acts(&mut self, a: usize) {
        let ag = self.agents[a];
        if ag.jail > 0 {
            if self.p.jail_countdown == JailCountdown::OwnTurn {
                self.agents[a].jail -= 1;
            }
            return;
        }
        // Turning active needs grievance − R·P > threshold with R·P ≥ 0: a citizen whose
        // grievance is at most the threshold stays quiet whatever it sees.
        let threshold = self.p.active_threshold;
        let active = if ag.grievance <= threshold {
            false
        } else {
            let (x, y) = self.xy(&ag);
            let (mut c, mut n) = (0, 0);
            if self.cops.words == 1 {
                // One word a row: both layers' rows in one pass, a mask, two popcounts a row.
                let shape = &self.citizen_shape;
                let cops = self.cops.single_word_rows(y, shape);
                let actives = self.actives.single_word_rows(y, shape);
                for ((r, &wc), &wa) in shape.iter().zip(cops).zip(actives) {
                    let m = r.at(x);
                    c += (wc & m).count_ones();
                    n += (wa & m).count_ones();
                }
            } else {
                for r in &self.citizen_shape {
                    c += self.cops.count(x, y, r);
                    n += self.actives.count(x, y, r);
                }
            }
            if ag.state == State::Active {
                n -= 1; // itself, counted below like every citizen counts itself
            }
            let a_count = n + 1;
            let p = match self.p.arrest_ratio {
                ArrestRatio::Round => self.arrest_p[round_half_even(c, a_count) as usize],
                ArrestRatio::Floor => self.arrest_p[(c / a_count) as usize],
                ArrestRatio::Exact => {
                    1.0 - (-self.p.arrest_constant * (c as f64 / a_count as f64)).exp()
                }
            };
            ag.grievance - ag.risk_aversion * p > threshold
        };
        let (x, y) = self.xy(&ag);
        match (ag.state, active) {
            (State::Active, false) => {
                self.actives.put(x, y, false);
                self.counts.active -= 1;
                self.counts.quiet += 1;
            }
            (State::Quiet, true) => {
                self.actives.put(x, y, true);
                self.counts.active += 1;
                self.counts.quiet -= 1;
            }
            (State::Jailed, _) => {
                self.counts.jailed -= 1;
                if active {
                    self.actives.put(x, y, true);
                    self.counts.active += 1;
                } else {
                    self.counts.quiet += 1;
                }
            }
            _ => {}
        }
        self.agents[a].state = if active { State::Active } else { State::Quiet };
        if self.p.movement {
            self.move_agent(a, Kind::Citizen);
        }
    }

    #[inline(always)]
    fn cop_acts(&mut self, a: usize) {
        let (x, y) = self.xy(&self.agents[a]);
        let mut total = 0;
        if self.actives.words == 1 {
            let shape = &self.cop_shape;
            let actives = self.actives.single_word_rows(y, shape);
            for ((r, &wa), n) in shape.iter().zip(actives).zip(&mut self.row_counts) {
                *n = (wa & r.at(x)).count_ones();
                total += *n;
            }
        } else {
            for (i, r) in self.cop_shape.iter().enumerate() {
                let n = self.actives.count(x, y, r);
                self.row_counts[i] = n;
                total += n;
            }
        }
        if total > 0 {
            let mut r = self.rng.random_range(0..total);
            let mut i = 0;
            while r >= self.row_counts[i] {
                r -= self.row_counts[i];
                i += 1;
            }
            let (xx, yy) = self.actives.select(x, y, &self.cop_shape[i], r);
            let suspect = self.cells[yy * self.width + xx] as usize;
            let term = self.rng.random_range(0..=self.p.max_jail_term);
            let s = &mut self.agents[suspect];
            debug_assert!(s.kind == Kind::Citizen && s.state == State::Active);
            s.state = State::Jailed;
            s.jail = term;
            self.actives.put(xx, yy, false);
            self.counts.active -= 1;
            self.counts.jailed += 1;
        }
        if self.p.movement {
            self.move_agent(a, Kind::Cop);
        }
    }

    /// Moves agent `a` to an empty cell of its neighbourhood chosen uniformly, if there is one.
    #[inline(always)]
    fn move_agent(&mut self, a: usize, kind: Kind) {
        let (x, y) = self.xy(&self.agents[a]);
        let (shape, cells) = match kind {
            Kind::Citizen => (&self.citizen_shape, &self.citizen_cells),
            Kind::Cop => (&self.cop_shape, &self.cop_cells),
        };
        // Rejection: a cell drawn uniformly from the neighbourhood until one is empty gives
        // each empty cell the same chance. After MOVE_TRIES misses (a crowded neighbourhood),
        // the empty cells are counted and one drawn among them: still uniform.
        let pad = self.empty.pad;
        for _ in 0..MOVE_TRIES {
            let (dx, dy) = cells[self.rng.random_range(0..cells.len() as u32) as usize];
            let (p, row) = (x + dx as usize, y + dy as usize);
            if self.empty.bit(p, row) {
                let nx = unpad(p, pad, self.width);
                let ny = unpad(row, pad, self.height);
                self.relocate(a, kind, (x, y), (nx, ny));
                return;
            }
        }
        let mut total = 0;
        for (i, reach) in shape.iter().enumerate() {
            let n = self.empty.count(x, y, reach);
            self.row_counts[i] = n;
            total += n;
        }
        if total == 0 {
            return;
        }
        let mut r = self.rng.random_range(0..total);
        let mut i = 0;
        while r >= self.row_counts[i] {
            r -= self.row_counts[i];
            i += 1;
        }
        let (nx, ny) = self.empty.select(x, y, &shape[i], r);
        self.relocate(a, kind, (x, y), (nx, ny));
    }

    /// Moves agent `a` from cell `from` to the empty cell `to`.
    #[inline(always)]
    fn relocate(&mut self, a: usize, kind: Kind, (x, y): (usize, usize), (nx, ny): (usize, usize)) {
        let new = ny * self.width + nx;
        let old = y * self.width + x;
        self.cells[old] = NONE;
        self.cells[new] = a as u32;
        self.agents[a].x = nx as u32;
        self.agents[a].y = ny as u32;
        self.empty.put(x, y, true);
        self.empty.put(nx, ny, false);
        let layer = match (kind, self.agents[a].state) {
            (Kind::Cop, _) => Some(&mut self.cops),
            (Kind::Citizen, State::Active) => Some(&mut self.actives),
            _ => None,
        };
        if let Some(l) = layer {
            l.put(x, y, false);
            l.put(nx, ny, true);
        }
    }

    /// Checks the bit rows and counters against the agents (for tests).
    pub fn check_consistency(&self) -> Result<(), InconsistentWorld> {
        self.inconsistency().map_err(InconsistentWorld)
    }

    /// The first disagreement between the agents and the bit rows or counters.
    fn inconsistency(&self) -> Result<(), String> {
        let mut counts = Counts {
            step: self.counts.step,
            active: 0,
            quiet: 0,
            jailed: 0,
        };
        for (i, ag) in self.agents.iter().enumerate() {
            if self.cells[ag.y as usize * self.width + ag.x as usize] != i as u32 {
                return Err(format!("agent {i} is not on its cell"));
            }
            if ag.kind == Kind::Citizen {
                match ag.state {
                    State::Active => counts.active += 1,
                    State::Quiet => counts.quiet += 1,
                    State::Jailed => counts.jailed += 1,
                }
            }
        }
        if counts != self.counts {
            return Err(format!("counters {:?} vs agents {counts:?}", self.counts));
        }
        for cell in 0..self.cells.len() {
            let (x, y) = (cell % self.width, cell / self.width);
            let ag = (self.cells[cell] != NONE).then(|| self.agents[self.cells[cell] as usize]);
            let cop = ag.is_some_and(|a| a.kind == Kind::Cop);
            let active = ag.is_some_and(|a| a.kind == Kind::Citizen && a.state == State::Active);
            if self.empty.get(x, y) != ag.is_none()
                || self.cops.get(x, y) != cop
                || self.actives.get(x, y) != active
            {
                return Err(format!("bit rows disagree with the agents at ({x}, {y})"));
            }
            // Every stored copy of the cell agrees with it.
            for layer in [&self.empty, &self.cops, &self.actives] {
                let (pad, h) = (layer.pad, self.height);
                for row in 0..h + 2 * pad {
                    for p in 0..self.width + 2 * pad {
                        if unpad(p, pad, self.width) == x
                            && unpad(row, pad, h) == y
                            && layer.bit(p, row) != layer.get(x, y)
                        {
                            return Err(format!("padding disagrees at ({x}, {y})"));
                        }
                    }
                }
            }
        }
        Ok(())
    }
}

/// An outburst: a maximal run of steps `start..=end` with at least `outburst_threshold`
/// active citizens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Outburst {
    /// First step of the run.
    pub start: u32,
    /// Last step of the run.
    pub end: u32,
    /// Most active citizens in a step of the run.
    pub peak: u32,
}

impl Outburst {
    /// Steps the outburst lasts.
    pub fn length(&self) -> u32 {
        self.end - self.start + 1
    }
}

/// The statistics of one replicate, over steps `burn_in + 1 ..= steps`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stats {
    /// Mean active citizens per step.
    pub active_mean: f64,
    /// Mean jailed citizens per step.
    pub jailed_mean: f64,
    /// Mean quiet citizens per step.
    pub quiet_mean: f64,
    /// Most active citizens in a step.
    pub active_peak: u32,
    /// The outbursts, in time order (one cut by the window's end ends at the last step).
    pub outbursts: Vec<Outburst>,
    /// Steps between consecutive outbursts: start of the next − end of the previous − 1.
    pub waiting_times: Vec<u32>,
}

/// The statistics of a replicate's counts (`series[t]` is step `t`, from 0).
pub fn stats(series: &[Counts], burn_in: u32, threshold: u32) -> Stats {
    let window = &series[(burn_in as usize + 1).min(series.len())..];
    let n = window.len().max(1) as f64;
    let mean = |f: fn(&Counts) -> u32| window.iter().map(|c| f(c) as f64).sum::<f64>() / n;
    let mut outbursts: Vec<Outburst> = Vec::new();
    let mut open: Option<Outburst> = None;
    for c in window {
        if c.active >= threshold {
            let o = open.get_or_insert(Outburst {
                start: c.step,
                end: c.step,
                peak: 0,
            });
            o.end = c.step;
            o.peak = o.peak.max(c.active);
        } else if let Some(o) = open.take() {
            outbursts.push(o);
        }
    }
    outbursts.extend(open);
    let waiting_times = outbursts
        .windows(2)
        .map(|w| w[1].start - w[0].end - 1)
        .collect();
    Stats {
        active_mean: mean(|c| c.active),
        jailed_mean: mean(|c| c.jailed),
        quiet_mean: mean(|c| c.quiet),
        active_peak: window.iter().map(|c| c.active).max().unwrap_or(0),
        outbursts,
        waiting_times,
    }
}

/// Everything one replicate produced.
#[derive(Debug, Clone)]
pub struct ReplicateOutput {
    /// Replicate number.
    pub replicate: u32,
    /// Its seed.
    pub seed: u64,
    /// Counts at steps 0..=steps.
    pub series: Vec<Counts>,
    /// Its statistics.
    pub stats: Stats,
    /// Wall-clock seconds it took.
    pub wall_s: f64,
}

/// Runs replicate `replicate` for `p.steps` steps.
pub fn run_replicate(p: &EpsteinParams, seed: u64, replicate: u32) -> ReplicateOutput {
    let t = Instant::now();
    let mut w = World::new(p, seed, replicate);
    let mut series = Vec::with_capacity(p.steps as usize + 1);
    series.push(w.counts());
    for _ in 0..p.steps {
        w.step();
        series.push(w.counts());
    }
    let stats = stats(&series, p.burn_in, p.outburst_threshold);
    ReplicateOutput {
        replicate,
        seed: replicate_seed(seed, replicate),
        series,
        stats,
        wall_s: t.elapsed().as_secs_f64(),
    }
}

/// Runs replicates `0..replicates` in parallel; results in replicate order.
pub fn run_replicates(p: &EpsteinParams, seed: u64, replicates: u32) -> Vec<ReplicateOutput> {
    (0..replicates)
        .into_par_iter()
        .map(|r| run_replicate(p, seed, r))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_have_the_expected_number_of_cells() {
        let cells =
            |k, v| -> usize { shape(k, v, 7).iter().map(|r| 2 * r.half + 1).sum::<usize>() - 1 };
        assert_eq!(cells(VisionShape::VonNeumann, 7), 112);
        assert_eq!(cells(VisionShape::Moore, 7), 224);
        assert_eq!(cells(VisionShape::Circle, 1), 4);
        assert_eq!(cells(VisionShape::Circle, 2), 12);
    }

    #[test]
    fn ratios_round_half_to_even_like_python() {
        for n in 0..60 {
            for d in 1..20 {
                let want = (n as f64 / d as f64).round_ties_even() as u32;
                assert_eq!(round_half_even(n, d), want, "{n}/{d}");
            }
        }
        assert_eq!(round_half_even(1, 2), 0);
        assert_eq!(round_half_even(3, 2), 2);
        assert_eq!(round_half_even(5, 2), 2);
    }

    #[test]
    fn bit_rows_count_and_select_across_the_seams() {
        for (width, height) in [(10, 9), (40, 40), (60, 11), (130, 12)] {
            let pad = 4;
            let mut b = BitRows::new(width, height, pad);
            let set = [
                (0, 0),
                (1, 3),
                (width / 2, 0),
                (width - 2, height - 1),
                (width - 1, 5),
            ];
            for &(x, y) in &set {
                b.put(x, y, true);
            }
            for kind in [VisionShape::VonNeumann, VisionShape::Moore] {
                let reach = shape(kind, 3, pad);
                for x in 0..width {
                    for y in 0..height {
                        for (dy, r) in (-3i32..=3).zip(&reach) {
                            let yy = (y as i32 + dy).rem_euclid(height as i32) as usize;
                            let mut seen: Vec<(usize, usize)> = (0..=2 * r.half)
                                .map(|d| ((x + width - r.half + d) % width, yy))
                                .filter(|c| set.contains(c))
                                .collect();
                            assert_eq!(
                                b.count(x, y, r) as usize,
                                seen.len(),
                                "{width}×{height} ({x}, {y})"
                            );
                            let mut picked: Vec<(usize, usize)> = (0..seen.len())
                                .map(|k| b.select(x, y, r, k as u32))
                                .collect();
                            picked.sort();
                            seen.sort();
                            assert_eq!(picked, seen);
                        }
                        if b.words == 1 {
                            // The one-word rows the agents count on agree with `count`.
                            let rows = b.single_word_rows(y, &reach);
                            for (r, &w) in reach.iter().zip(rows) {
                                assert_eq!((w & r.at(x)).count_ones(), b.count(x, y, r));
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn the_world_stays_consistent_with_every_option() {
        for (shape, ratio) in [
            (VisionShape::VonNeumann, ArrestRatio::Round),
            (VisionShape::Moore, ArrestRatio::Floor),
            (VisionShape::Circle, ArrestRatio::Exact),
        ] {
            for countdown in [JailCountdown::OwnTurn, JailCountdown::EndOfStep] {
                let p = EpsteinParams {
                    width: 23,
                    height: 17,
                    citizen_vision: 5,
                    cop_vision: 3,
                    legitimacy: 0.7,
                    max_jail_term: 15,
                    cop_density: 0.04,
                    vision_shape: shape,
                    arrest_ratio: ratio,
                    jail_countdown: countdown,
                    ..EpsteinParams::default()
                };
                let mut w = World::new(&p, 3, 1);
                let citizens = w.counts().quiet;
                let mut saw_active = false;
                for _ in 0..60 {
                    w.step();
                    w.check_consistency().unwrap();
                    let c = w.counts();
                    assert_eq!(c.active + c.quiet + c.jailed, citizens);
                    saw_active |= c.active > 0;
                }
                assert!(saw_active, "{shape:?}");
                assert_eq!(w.citizen_cells.len(), w.citizen_shape_cells() - 1);
            }
        }
    }

    #[test]
    fn a_crowded_world_stays_consistent() {
        // Few empty cells: moves often fall back from drawing cells to counting them.
        let p = EpsteinParams {
            citizen_density: 0.95,
            cop_density: 0.045,
            legitimacy: 0.6,
            max_jail_term: 5,
            ..EpsteinParams::default()
        };
        let mut w = World::new(&p, 8, 0);
        for _ in 0..30 {
            w.step();
        }
        w.check_consistency().unwrap();
    }

    #[test]
    fn outbursts_are_maximal_runs_above_the_threshold() {
        let actives = [0, 5, 25, 30, 10, 21, 40, 22, 3, 0, 50];
        let series: Vec<Counts> = actives
            .iter()
            .enumerate()
            .map(|(t, &a)| Counts {
                step: t as u32,
                active: a,
                quiet: 100 - a,
                jailed: 0,
            })
            .collect();
        let s = stats(&series, 1, 20);
        let o: Vec<(u32, u32, u32)> = s
            .outbursts
            .iter()
            .map(|o| (o.start, o.end, o.peak))
            .collect();
        assert_eq!(o, vec![(2, 3, 30), (5, 7, 40), (10, 10, 50)]);
        assert_eq!(s.waiting_times, vec![1, 2]);
        assert_eq!(s.active_peak, 50);
        assert!((s.active_mean - 201.0 / 9.0).abs() < 1e-12);
    }
}
