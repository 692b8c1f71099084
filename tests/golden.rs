//! A golden snapshot of a short run's summary: any change in the numbers the model produces
//! shows up here. When a change is intended, review the new numbers and accept them
//! (`cargo insta review`, or `INSTA_UPDATE=always cargo test --test golden`).

mod common;

#[test]
fn short_run_summary_is_unchanged() {
    let s = common::short(120, 0.3, &[]);
    let out: Vec<_> = (0..2).map(|r| common::run(&s, r).summary).collect();
    insta::assert_json_snapshot!("short_run_summary", out);
}
