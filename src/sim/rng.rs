//! Random number streams. Each replicate derives its seed from (master seed, replicate), and
//! each mechanism draws from its own ChaCha8 stream of that seed, so that a policy adding draws
//! in one mechanism does not shift the others (common random numbers across scenarios).

use bevy_ecs::prelude::Resource;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The mechanisms that draw random numbers, one stream each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// Initial placement of bands.
    Init = 1,
    /// Band movement.
    Movement = 2,
    /// Band attacks and target choice.
    Attacks = 3,
    /// Attribution of events.
    Attribution = 4,
    /// Security-force responses and patrols.
    Response = 5,
    /// Recruitment.
    Recruitment = 6,
    /// Band splits, desertion, defection, drift into crime.
    BandDynamics = 7,
    /// Kidnapping opportunities.
    Revenue = 8,
    /// Group-level events (leaders killed, succession).
    Groups = 9,
    /// Policy interventions (negotiation rounds, reintegration, interdiction); drawn only while
    /// an intervention is in force.
    Policy = 10,
}

const STREAMS: usize = 11;

/// The per-mechanism generators of one replicate.
#[derive(Resource)]
pub struct Rngs {
    streams: Vec<ChaCha8Rng>,
}

impl Rngs {
    /// The streams of replicate `replicate` under master seed `seed`.
    pub fn new(seed: u64, replicate: u32) -> Self {
        let base = replicate_seed(seed, replicate);
        let streams = (0..STREAMS as u64)
            .map(|s| {
                let mut r = ChaCha8Rng::seed_from_u64(base);
                r.set_stream(s);
                r
            })
            .collect();
        Self { streams }
    }

    /// The generator of mechanism `s`.
    pub fn get(&mut self, s: Stream) -> &mut ChaCha8Rng {
        &mut self.streams[s as usize]
    }
}

/// SplitMix64 finaliser: a well-mixed 64-bit hash.
pub fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of replicate `replicate` under master seed `seed`.
pub fn replicate_seed(seed: u64, replicate: u32) -> u64 {
    splitmix64(seed ^ splitmix64(0x5A4E_1000 + replicate as u64))
}

/// A uniform number in [0, 1).
pub fn uniform(rng: &mut ChaCha8Rng) -> f64 {
    rng.random::<f64>()
}

/// True with probability `p` (clamped to 0..=1).
pub fn chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
    uniform(rng) < p.clamp(0.0, 1.0)
}

/// A Poisson draw with mean `mean` (inversion for small means, normal approximation above 30).
pub fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> u32 {
    if mean.is_nan() || mean <= 0.0 {
        return 0;
    }
    if mean > 30.0 {
        // Box–Muller normal approximation.
        let u1 = uniform(rng).max(f64::MIN_POSITIVE);
        let u2 = uniform(rng);
        let z = (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        return (mean + z * mean.sqrt()).round().max(0.0) as u32;
    }
    let l = (-mean).exp();
    let mut k = 0u32;
    let mut p = uniform(rng);
    while p > l {
        k += 1;
        p *= uniform(rng);
    }
    k
}

/// A geometric draw on 0, 1, 2, … with mean `mean`: over-dispersed counts such as fatalities.
pub fn geometric(rng: &mut ChaCha8Rng, mean: f64) -> u32 {
    if mean.is_nan() || mean <= 0.0 {
        return 0;
    }
    let p = 1.0 / (1.0 + mean);
    let u = uniform(rng).max(f64::MIN_POSITIVE);
    (u.ln() / (1.0 - p).ln()).floor().min(1.0e6) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_reproducible_and_independent() {
        let mut a = Rngs::new(7, 0);
        let mut b = Rngs::new(7, 0);
        let x: Vec<f64> = (0..5).map(|_| uniform(a.get(Stream::Attacks))).collect();
        // Drawing from another stream first does not change the attack stream.
        let _ = uniform(b.get(Stream::Movement));
        let y: Vec<f64> = (0..5).map(|_| uniform(b.get(Stream::Attacks))).collect();
        assert_eq!(x, y);
        let mut c = Rngs::new(7, 1);
        assert_ne!(uniform(c.get(Stream::Attacks)), x[0]);
    }

    #[test]
    fn draws_have_the_right_means() {
        let mut r = Rngs::new(1, 0);
        let rng = r.get(Stream::Init);
        let n = 20_000;
        let p: f64 = (0..n).map(|_| poisson(rng, 2.5) as f64).sum::<f64>() / n as f64;
        let g: f64 = (0..n).map(|_| geometric(rng, 3.0) as f64).sum::<f64>() / n as f64;
        let big: f64 = (0..n).map(|_| poisson(rng, 50.0) as f64).sum::<f64>() / n as f64;
        assert!((p - 2.5).abs() < 0.1, "{p}");
        assert!((g - 3.0).abs() < 0.15, "{g}");
        assert!((big - 50.0).abs() < 0.5, "{big}");
    }
}
