//! Conservation, checked after every simulated day over random seeds and parameters: people
//! (residents + displaced + killed + in bands), fighters (initial + recruited − killed −
//! arrested − returned) and money (initial + income = spending + treasuries + band funds)
//! balance, and nothing goes negative or leaves its range.

mod common;

use proptest::prelude::*;
use sahelsim::sim::Simulation;

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, ..ProptestConfig::default() })]

    #[test]
    fn people_fighters_and_money_balance_every_day(
        seed in any::<u64>(),
        recruit in 0.0f64..0.05,
        attack in 0.0f64..0.05,
        bluntness in 0.0f64..1.0,
        flee in 0.0f64..0.1,
        backlash in -5.0f64..5.0,
        split in 10.0f64..200.0,
    ) {
        let mut s = (*common::short(240, 0.3, &[
            ("model.bands.recruit_rate", recruit),
            ("model.bands.attack_rate", attack),
            ("model.security.bluntness", bluntness),
            ("model.displacement.flee_rate", flee),
            ("model.security.backlash", backlash),
            ("model.bands.split_size", split),
        ])).clone();
        s.seed = seed;
        let s = std::sync::Arc::new(s);
        let mut sim = Simulation::new(s.clone(), common::map(&s), 0);
        prop_assert!(sim.check_conservation().is_ok());
        while !sim.finished() {
            sim.step();
            if let Err(e) = sim.check_conservation() {
                return Err(TestCaseError::fail(format!("day {}: {e}", sim.day())));
            }
        }
    }
}
