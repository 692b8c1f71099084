//! The numbers of a scenario's sections that sweeps and calibration may set by path (a group's
//! objectives, tactics and strength, an intervention's intensity, capacity and option, the
//! `epstein` section), each declared once with its range, unit and meaning.
//!
//! A section declares its numbers with `number_table!`: the declaration gives each number an
//! associated constant on the section's raw type (`RawEpstein::CITIZEN_VISION`), which the
//! section's validation checks against, a list of them (the table that path look-up and the
//! documentation read), a setter on the raw type and a getter on the validated type. The model's
//! mechanism parameters have their own, richer table (`super::model_params`).

use serde::Serialize;

/// One number a scenario writes: where it is in its section, its range, unit and meaning.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NumberInfo {
    /// The field's path within its section, e.g. `tactics.activity`.
    pub field: &'static str,
    /// Smallest value any scenario accepts (a section may ask for more, e.g. a vision radius
    /// that fits the lattice).
    pub min: f64,
    /// Largest value any scenario accepts (a section may ask for less).
    pub max: f64,
    /// Whether the number is whole: a value set by path is rounded to the nearest integer.
    pub whole: bool,
    /// Unit, e.g. "fighters" or "0..1".
    pub unit: &'static str,
    /// What it means.
    pub doc: &'static str,
}

/// Declares the settable numbers of a section: for each, an associated constant of type
/// [`NumberInfo`] on the raw type, and the table of them all; `set_number` on the raw type and
/// `number` on the validated type, by the field's path within the section.
///
/// ```text
/// number_table! {
///     /// The numbers of the `epstein` section.
///     NUMBERS: RawEpstein => EpsteinParams {
///         /// Lattice width.
///         WIDTH: width, whole, [3.0, 10_000.0], "cells";
///         ...
///     }
/// }
/// ```
///
/// A field is `name` or `section.name` (one level of nesting); `whole` fields are `Option<i64>`
/// in the raw type, `real` ones `Option<f64>`.
macro_rules! number_table {
    (
        $(#[doc = $tdoc:literal])*
        $TABLE:ident: $Raw:ident => $Valid:ident {
            $(
                $(#[doc = $doc:literal])*
                $NAME:ident: $first:ident $(. $second:ident)?, $kind:ident, [$lo:expr, $hi:expr], $unit:literal;
            )*
        }
    ) => {
        impl $Raw {
            $(
                $(#[doc = $doc])*
                pub const $NAME: $crate::scenario::numbers::NumberInfo =
                    $crate::scenario::numbers::NumberInfo {
                        field: concat!(stringify!($first) $(, ".", stringify!($second))?),
                        min: $lo,
                        max: $hi,
                        whole: number_table!(@whole $kind),
                        unit: $unit,
                        doc: concat!($($doc),*),
                    };
            )*

            $(#[doc = $tdoc])*
            pub const $TABLE: &'static [$crate::scenario::numbers::NumberInfo] = &[$(Self::$NAME),*];

            /// Writes `value` at `field` (a field of the table; whole numbers rounded), as if
            /// the file wrote it; false if `field` is not in the table.
            pub(crate) fn set_number(&mut self, field: &str, value: f64) -> bool {
                $(
                    if field == Self::$NAME.field {
                        number_table!(@set $kind, self, value, $first $(, $second)?);
                        return true;
                    }
                )*
                false
            }
        }

        impl $Valid {
            /// The value of the number at `field` (a field of the table).
            pub fn number(&self, field: &str) -> Option<f64> {
                $(
                    if field == $Raw::$NAME.field {
                        return Some(number_table!(@get self, $first $(, $second)?) as f64);
                    }
                )*
                None
            }
        }
    };
    (@whole whole) => { true };
    (@whole real) => { false };
    (@value whole, $v:ident) => { Some($v.round() as i64) };
    (@value real, $v:ident) => { Some($v) };
    (@set $kind:ident, $s:ident, $v:ident, $a:ident) => {
        $s.$a = number_table!(@value $kind, $v)
    };
    (@set $kind:ident, $s:ident, $v:ident, $a:ident, $b:ident) => {
        $s.$a.get_or_insert_with(Default::default).$b = number_table!(@value $kind, $v)
    };
    (@get $s:ident, $a:ident) => { $s.$a };
    (@get $s:ident, $a:ident, $b:ident) => { $s.$a.$b };
}
pub(crate) use number_table;
