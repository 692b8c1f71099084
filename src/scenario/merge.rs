//! How a scenario that `extends` another is laid over it: a field the child writes replaces the
//! parent's, nested sections merge field by field, and lists of named items (groups, …) merge
//! item by item by `name`, new names being appended in the child's order.

use std::collections::HashMap;

use serde::Deserialize;

/// Lays `overlay` (the child's values) over `self` (the parent's).
pub trait Merge {
    /// Merges `overlay` into `self`; what `overlay` leaves out keeps `self`'s value.
    fn merge_from(&mut self, overlay: Self);
}

impl<T: Merge> Merge for Option<T> {
    fn merge_from(&mut self, overlay: Self) {
        match (self.as_mut(), overlay) {
            (Some(base), Some(over)) => base.merge_from(over),
            (None, Some(over)) => *self = Some(over),
            (_, None) => {}
        }
    }
}

/// Implements [`Merge`] as plain replacement for leaf values.
macro_rules! merge_by_replacing {
    ($($t:ty),* $(,)?) => {
        $(impl $crate::scenario::merge::Merge for $t {
            fn merge_from(&mut self, overlay: Self) {
                *self = overlay;
            }
        })*
    };
}
pub(crate) use merge_by_replacing;

/// Implements [`Merge`] for a section struct whose fields all implement it. The overlay is
/// destructured without `..`, so a field added to the struct but not to the list is a compile
/// error rather than a value silently lost in `extends`. Fields named after `keep` (a list
/// item's `name`) are not merged.
macro_rules! merge_fields {
    ($t:ident { $($field:ident),* $(,)? } $(keep { $($kept:ident),* })?) => {
        impl $crate::scenario::merge::Merge for $t {
            fn merge_from(&mut self, overlay: Self) {
                let $t { $($field,)* $($($kept: _,)*)? } = overlay;
                $( self.$field.merge_from($field); )*
            }
        }
    };
}
pub(crate) use merge_fields;

merge_by_replacing!(bool, u32, u64, i64, f64, String, Vec<String>);

/// An item of a [`NamedList`].
pub trait Named {
    /// The item's name, unique within its list.
    fn name(&self) -> &str;
}

/// A list of named items (`groups: [(name: "FLM", ...), ...]`) that merges by name.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(transparent)]
pub struct NamedList<T>(pub Vec<T>);

impl<T: Named + Merge> Merge for NamedList<T> {
    fn merge_from(&mut self, overlay: Self) {
        let mut at: HashMap<String, usize> = HashMap::with_capacity(self.0.len());
        for (k, item) in self.0.iter().enumerate() {
            at.entry(item.name().to_string()).or_insert(k);
        }
        for item in overlay.0 {
            match at.get(item.name()) {
                Some(&k) => self.0[k].merge_from(item),
                None => {
                    at.insert(item.name().to_string(), self.0.len());
                    self.0.push(item);
                }
            }
        }
    }
}

impl<T: Named> NamedList<T> {
    /// The items whose name an earlier item of the list already has (empty names aside), each
    /// with the number of earlier items of that name (1 for the second occurrence).
    pub fn repeated(&self) -> Vec<(&T, usize)> {
        let mut seen: HashMap<&str, usize> = HashMap::with_capacity(self.0.len());
        let mut out = Vec::new();
        for item in &self.0 {
            if item.name().trim().is_empty() {
                continue;
            }
            let n = seen.entry(item.name()).or_insert(0);
            if *n > 0 {
                out.push((item, *n));
            }
            *n += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Clone, PartialEq, Default)]
    struct Item {
        name: String,
        a: Option<f64>,
        b: Option<f64>,
    }
    impl Named for Item {
        fn name(&self) -> &str {
            &self.name
        }
    }
    merge_fields!(Item { a, b } keep { name });

    #[test]
    fn named_lists_merge_by_name_and_append_new_items() {
        let item = |n: &str, a, b| Item {
            name: n.into(),
            a,
            b,
        };
        let mut base = NamedList(vec![
            item("x", Some(1.0), Some(2.0)),
            item("y", Some(3.0), None),
        ]);
        base.merge_from(NamedList(vec![
            item("y", None, Some(4.0)),
            item("z", Some(5.0), None),
        ]));
        assert_eq!(
            base.0,
            vec![
                item("x", Some(1.0), Some(2.0)),
                item("y", Some(3.0), Some(4.0)),
                item("z", Some(5.0), None)
            ]
        );
    }
}
