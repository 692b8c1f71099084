//! The loader never panics, whatever it is given: random text, mutated scenarios, deep
//! nesting, huge files. Every failure is a located error.

use std::path::Path;

use proptest::prelude::*;
use sahelsim::scenario::{self, locate::FieldIndex};

const BASELINE: &str = include_str!("../scenarios/baseline.ron");

fn load(text: &str) {
    let _ = FieldIndex::build(text);
    if let Err(errs) = scenario::load_str(text, Path::new("tests/fuzz.ron")) {
        assert!(!errs.0.is_empty());
        for e in &errs.0 {
            assert!(!e.message.is_empty());
            let _ = e.to_string();
        }
    }
}

/// A mutation of the baseline text: a byte range replaced by a short random string.
fn mutated() -> impl Strategy<Value = String> {
    let n = BASELINE.len();
    (
        0..n,
        0usize..40,
        "[(),:\\[\\]{}\"a-z0-9_. \\-\n#/*'rSomeN]{0,12}",
    )
        .prop_map(move |(at, len, insert)| {
            let mut start = at.min(n);
            while !BASELINE.is_char_boundary(start) {
                start -= 1;
            }
            let mut end = (start + len).min(n);
            while !BASELINE.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}{}{}", &BASELINE[..start], insert, &BASELINE[end..])
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,200}") {
        load(&text);
    }

    #[test]
    fn ron_like_text_never_panics(text in "[(),:\\[\\]{}\"a-z0-9_. \\-\n]{0,300}") {
        load(&text);
    }

    #[test]
    fn mutated_baseline_never_panics(text in mutated()) {
        load(&text);
    }

    #[test]
    fn numbers_anywhere_in_the_baseline_never_panic(value in prop_oneof![
        Just("-1".to_string()), Just("1e308".to_string()), Just("-1e308".to_string()), Just("NaN".to_string()),
        Just("inf".to_string()), Just("18446744073709551615".to_string()), Just("99999999999999999999999".to_string()),
        Just("0".to_string()), Just("\"\"".to_string()), Just("[]".to_string()), Just("()".to_string()),
    ], nth in 0usize..200) {
        // Replace the nth number in the baseline by an extreme value.
        let mut count = 0;
        let mut out = String::new();
        let mut chars = BASELINE.char_indices().peekable();
        let mut replaced = false;
        while let Some((_, c)) = chars.next() {
            if c.is_ascii_digit() && !replaced && !out.ends_with(|p: char| p.is_ascii_alphanumeric() || p == '.' || p == '-') {
                if count == nth {
                    out.push_str(&value);
                    while chars.peek().is_some_and(|(_, d)| d.is_ascii_digit() || *d == '.' || *d == '_') {
                        chars.next();
                    }
                    replaced = true;
                    continue;
                }
                count += 1;
            }
            out.push(c);
        }
        load(&out);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("{}{}", "(".repeat(100_000), ")".repeat(100_000));
    load(&deep);
    let deep_list = format!("(name: {}1{})", "[".repeat(50_000), "]".repeat(50_000));
    load(&deep_list);
}

#[test]
fn a_huge_file_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.ron");
    let mut text = String::from("(name: \"huge\", description: \"");
    text.push_str(&"x".repeat(5 * 1024 * 1024));
    text.push_str("\")");
    std::fs::write(&path, text).unwrap();
    let e = scenario::load(&path).unwrap_err();
    assert!(
        e.first()
            .message
            .contains("more than the 4194304 a scenario may have"),
        "{}",
        e.first().message
    );
}

#[test]
fn a_folder_is_not_a_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let e = scenario::load(dir.path()).unwrap_err();
    assert!(
        e.first().message.contains("not a regular file"),
        "{}",
        e.first().message
    );
}
