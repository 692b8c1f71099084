//! Numbers as people read them, one wording for the console tables and the reports alike:
//! three significant figures, thousands separators, whole numbers never rounded away, a plain
//! hyphen-minus for negatives (so that a pasted value still parses), "n/a" for a value that
//! does not exist.
//!
//! | value | [`number`] | [`signed`] | [`compact`] (axes) |
//! |---|---|---|---|
//! | 74 005 | `74,005` | `+74,005` | `74k` |
//! | 82.9 | `82.9` | `+82.9` | `83` |
//! | 46 | `46.0` | `+46.0` | `46` |
//! | 0.00347 | `0.00347` | `+0.00347` | `0.0035` |
//! | −1 234.6 | `-1,235` | `-1,235` | `-1.2k` |
//!
//! A quantity that is a share is shown with [`percent`]; an interval with [`interval`].

/// Significant figures shown by [`number`].
pub const SIGNIFICANT: i32 = 3;

/// Below this magnitude (and above zero) a number is written in scientific notation.
const SMALLEST_PLAIN: f64 = 1e-4;

/// `x` with [`SIGNIFICANT`] significant figures and thousands separators; numbers of 1,000 and
/// more are rounded to whole units, never to tens or hundreds (a count reads as counted).
pub fn number(x: f64) -> String {
    if x.is_nan() {
        return "n/a".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "∞" } else { "-∞" }.to_string();
    }
    let a = x.abs();
    if a == 0.0 {
        return "0".to_string();
    }
    if a < SMALLEST_PLAIN {
        return format!("{:.*e}", (SIGNIFICANT - 1) as usize, x);
    }
    // The exponent after rounding to the significant figures (99.96 rounds to 1.00e2).
    let rounded = format!("{:.*e}", (SIGNIFICANT - 1) as usize, a);
    let exponent: i32 = rounded
        .split_once('e')
        .and_then(|(_, e)| e.parse().ok())
        .unwrap_or(0);
    let decimals = (SIGNIFICANT - 1 - exponent).max(0) as usize;
    let text = format!("{a:.decimals$}");
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::new();
    if x < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    out.push_str(&group_thousands(int));
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// `x` as [`number`] with its sign always written ("+12.0", "-3.40", "0").
pub fn signed(x: f64) -> String {
    let s = number(x);
    if x > 0.0 && s != "0" && !s.starts_with('∞') && x.is_finite() {
        format!("+{s}")
    } else if x == f64::INFINITY {
        "+∞".to_string()
    } else {
        s
    }
}

/// A whole count with thousands separators: 1234567 → "1,234,567".
pub fn count(n: u64) -> String {
    group_thousands(&n.to_string())
}

/// A share (0.123) as a percentage with [`SIGNIFICANT`] figures: "12.3 %".
pub fn percent(share: f64) -> String {
    if share.is_nan() {
        return "n/a".to_string();
    }
    format!("{} %", number(100.0 * share))
}

/// A relative change (0.123) as a signed percentage: "+12.3 %"; "–" when it does not exist
/// (a change from zero).
pub fn change(relative: f64) -> String {
    if relative.is_finite() {
        format!("{} %", signed(100.0 * relative))
    } else {
        "–".to_string()
    }
}

/// An interval "lo – hi" in [`number`]s.
pub fn interval(lo: f64, hi: f64) -> String {
    format!("{} – {}", number(lo), number(hi))
}

/// An interval of differences "lo to hi" in [`signed`] numbers (a dash between two signed
/// numbers would read as a minus).
pub fn signed_interval(lo: f64, hi: f64) -> String {
    format!("{} to {}", signed(lo), signed(hi))
}

/// `x` followed by its unit ("1,234 events"); the unit is left out when empty.
pub fn with_unit(x: f64, unit: &str) -> String {
    if unit.is_empty() {
        number(x)
    } else {
        format!("{} {unit}", number(x))
    }
}

/// A short number for an axis tick or a colour bar: 1,200 → "1.2k", 3,400,000 → "3.4M".
pub fn compact(y: f64) -> String {
    let a = y.abs();
    if a >= 1e6 {
        format!("{}M", trim_zero(y / 1e6))
    } else if a >= 1e3 {
        format!("{}k", trim_zero(y / 1e3))
    } else if a >= 10.0 || y == 0.0 {
        format!("{y:.0}")
    } else if a >= 1.0 {
        format!("{y:.1}")
    } else if a >= 0.01 {
        format!("{y:.2}")
    } else {
        format!("{y:.1e}")
    }
}

/// One decimal, without a trailing ".0".
fn trim_zero(v: f64) -> String {
    let s = format!("{v:.1}");
    s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
}

/// "1234567" → "1,234,567" (digits only).
fn group_thousands(digits: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// The rows of `grid` as console lines, their columns aligned (left-justified, two spaces
/// apart), each indented by four spaces.
pub fn aligned(grid: &[Vec<String>]) -> String {
    let columns = grid.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            grid.iter()
                .filter_map(|r| r.get(c))
                .map(|x| x.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in grid {
        let cells: Vec<String> = row
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        out.push_str(&format!("    {}\n", cells.join("  ").trim_end()));
    }
    out
}

/// Splits `text` into lines of at most `width` characters at spaces (a word longer than
/// `width` is a line of its own, never cut): console tables wrap long names rather than cut
/// them mid-word.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let Some(last) = lines.last_mut() else { break };
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_numbers_have_thousands_separators_and_no_decimals() {
        assert_eq!(number(74_005.0), "74,005");
        assert_eq!(number(3_553.4), "3,553");
        assert_eq!(number(1_234_567.8), "1,234,568");
        assert_eq!(number(999.7), "1,000");
        assert_eq!(number(137.0), "137");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(999), "999");
    }

    #[test]
    fn small_numbers_keep_three_significant_figures() {
        assert_eq!(number(82.9), "82.9");
        assert_eq!(number(46.0), "46.0");
        assert_eq!(number(1.0), "1.00");
        assert_eq!(number(0.25), "0.250");
        assert_eq!(number(0.003_471), "0.00347");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(0.000_012_3), "1.23e-5");
        // Rounding that carries into a new digit keeps three figures.
        assert_eq!(number(99.96), "100");
        assert_eq!(number(9.996), "10.0");
        assert_eq!(number(0.099_96), "0.100");
    }

    #[test]
    fn negative_numbers_and_signs() {
        assert_eq!(number(-1_234.6), "-1,235");
        assert_eq!(number(-0.5), "-0.500");
        assert_eq!(number(-0.0), "0");
        assert_eq!(signed(12.0), "+12.0");
        assert_eq!(signed(-3.4), "-3.40");
        assert_eq!(signed(0.0), "0");
        assert_eq!(signed(-74_005.0), "-74,005");
        assert_eq!(change(0.1234), "+12.3 %");
        assert_eq!(change(-0.5), "-50.0 %");
        assert_eq!(change(f64::INFINITY), "–");
        assert_eq!(signed_interval(-2.0, 3.5), "-2.00 to +3.50");
    }

    #[test]
    fn missing_values_and_units() {
        assert_eq!(number(f64::NAN), "n/a");
        assert_eq!(percent(0.5), "50.0 %");
        assert_eq!(interval(82.9, 198.0), "82.9 – 198");
        assert_eq!(with_unit(74_005.0, "events"), "74,005 events");
        assert_eq!(with_unit(0.5, ""), "0.500");
    }

    #[test]
    fn compact_numbers_are_short() {
        assert_eq!(compact(0.0), "0");
        assert_eq!(compact(25_000.0), "25k");
        assert_eq!(compact(1_300_000.0), "1.3M");
        assert_eq!(compact(2_500.0), "2.5k");
        assert_eq!(compact(0.25), "0.25");
        assert_eq!(compact(-1_234.0), "-1.2k");
    }

    #[test]
    fn wrapping_never_cuts_a_word() {
        let lines = wrap("Events in Oct 2018–Dec 2019 against 2020 vs 2017", 12);
        assert!(
            lines
                .iter()
                .all(|l| l.chars().count() <= 12 || !l.contains(' '))
        );
        assert_eq!(
            lines.join(" "),
            "Events in Oct 2018–Dec 2019 against 2020 vs 2017"
        );
    }
}
