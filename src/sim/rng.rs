//! Random number streams. Each replicate derives its seed from (master seed, replicate), and
//! each mechanism draws from its own ChaCha8 stream of that seed, so that a policy adding draws
//! in one mechanism does not shift the others (common random numbers across scenarios).

use bevy_ecs::prelude::Resource;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp1, Geometric, Poisson};

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
    /// Militia raids and clashes.
    Militias = 11,
}

const STREAMS: usize = 12;

/// The per-mechanism generators of one replicate.
#[derive(Resource, Clone)]
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

/// A Poisson draw with mean `mean` (exact: `rand_distr`'s Poisson, by inversion for small
/// means and by transformed rejection for large ones); 0 where the mean is not positive.
pub fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> u32 {
    if mean.is_nan() || mean <= 0.0 {
        return 0;
    }
    match Poisson::new(mean) {
        // A count as a float; `as` saturates at u32::MAX.
        Ok(d) => d.sample(rng) as u32,
        // An infinite mean or one beyond `Poisson::MAX_LAMBDA` (about 1.8e19).
        Err(_) => u32::MAX,
    }
}

/// A geometric draw on 0, 1, 2, … with mean `mean` (failures before the first success, with
/// success probability 1 / (1 + mean)): over-dispersed counts such as fatalities. Exact:
/// `rand_distr`'s Geometric; 0 where the mean is not positive.
pub fn geometric(rng: &mut ChaCha8Rng, mean: f64) -> u32 {
    if mean.is_nan() || mean <= 0.0 {
        return 0;
    }
    match Geometric::new(1.0 / (1.0 + mean)) {
        Ok(d) => u32::try_from(d.sample(rng)).unwrap_or(u32::MAX),
        Err(_) => u32::MAX,
    }
}

/// An exponential draw with mean `mean` (0 where the mean is not positive; one draw is taken
/// either way, so that the stream does not depend on the mean).
pub fn exponential(rng: &mut ChaCha8Rng, mean: f64) -> f64 {
    let e: f64 = Exp1.sample(rng);
    if mean > 0.0 { e * mean } else { 0.0 }
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

    /// Mean and variance of `n` draws.
    fn moments(n: usize, mut draw: impl FnMut() -> f64) -> (f64, f64) {
        let xs: Vec<f64> = (0..n).map(|_| draw()).collect();
        let m = xs.iter().sum::<f64>() / n as f64;
        let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1) as f64;
        (m, v)
    }

    #[test]
    fn draws_have_the_right_means_and_variances() {
        let mut r = Rngs::new(1, 0);
        let rng = r.get(Stream::Init);
        let n = 40_000;
        // Poisson: mean = variance = λ, below and above the old approximation's switch at 30.
        for lambda in [2.5, 31.0, 50.0] {
            let (m, v) = moments(n, || poisson(rng, lambda) as f64);
            let se = (lambda / n as f64).sqrt();
            assert!((m - lambda).abs() < 5.0 * se, "Poisson({lambda}): mean {m}");
            assert!(
                (v / lambda - 1.0).abs() < 0.05,
                "Poisson({lambda}): variance {v}"
            );
        }
        // Geometric with mean μ: variance μ (1 + μ).
        let (m, v) = moments(n, || geometric(rng, 3.0) as f64);
        assert!((m - 3.0).abs() < 0.1, "{m}");
        assert!((v / 12.0 - 1.0).abs() < 0.08, "{v}");
        let (m, _) = moments(n, || exponential(rng, 2.0));
        assert!((m - 2.0).abs() < 0.05, "{m}");
        assert_eq!(poisson(rng, 0.0), 0);
        assert_eq!(geometric(rng, -1.0), 0);
        assert_eq!(exponential(rng, 0.0), 0.0);
    }

    #[test]
    fn poisson_probabilities_match_the_distribution_above_thirty() {
        // Pearson's χ² of draws against e^−λ λ^k / k! over the 31 values around λ = 31: about
        // 31 for exact draws; a (symmetric, continuous) normal approximation gives about 680.
        let mut r = Rngs::new(2, 0);
        let rng = r.get(Stream::Init);
        let (lambda, n) = (31.0f64, 200_000);
        let mut counts = vec![0u32; 200];
        for _ in 0..n {
            counts[(poisson(rng, lambda) as usize).min(199)] += 1;
        }
        let mut ln_fact = 0.0;
        let mut chi2 = 0.0;
        for (k, &c) in counts.iter().enumerate().take(47) {
            if k > 0 {
                ln_fact += (k as f64).ln();
            }
            if k >= 16 {
                let expected = n as f64 * (-lambda + k as f64 * lambda.ln() - ln_fact).exp();
                chi2 += (c as f64 - expected).powi(2) / expected;
            }
        }
        // P(χ²₃₁ > 80) is about 3e-6.
        assert!(chi2 < 80.0, "χ² = {chi2}");
    }
}
