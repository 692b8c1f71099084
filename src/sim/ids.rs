//! Typed ids of the model's things: groups, cells, communities and bands, and [`IdVec`], a
//! vector indexed by one kind of id. A group id cannot index the communities by mistake, and a
//! signature says which kind of index it takes.
//!
//! Groups, cells and communities are dense positions (a group's place in the scenario, a
//! cell's in the map's grid, a community's in cell order); a band id is a serial number, never
//! reused. Serialised, an id is its number.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Index, IndexMut};

use serde::Serialize;

macro_rules! dense_id {
    ($(#[doc = $doc:literal])* $Name:ident) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $Name(u32);

        impl $Name {
            /// The id at position `index` (at most `u32::MAX`: stored in 32 bits so that the
            /// records holding ids stay small).
            pub const fn new(index: usize) -> Self {
                assert!(index <= u32::MAX as usize, "an id beyond 32 bits");
                Self(index as u32)
            }

            /// Its position.
            pub const fn index(self) -> usize {
                self.0 as usize
            }
        }

        impl From<usize> for $Name {
            fn from(index: usize) -> Self {
                Self::new(index)
            }
        }

        impl fmt::Display for $Name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

dense_id! {
    /// An armed group: its position in the scenario's `groups`.
    GroupId
}

dense_id! {
    /// A grid cell: its position in the map's grid.
    CellId
}

dense_id! {
    /// A community: its position among the populated study-area cells, in cell order.
    CommunityId
}

/// A fighter band: a serial number, never reused (iteration order and outputs key on it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct BandId(u32);

impl BandId {
    /// The band with serial number `n`.
    pub const fn new(n: u32) -> Self {
        Self(n)
    }

    /// Its serial number.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// The id after this one.
    pub const fn next(self) -> Self {
        Self(self.0 + 1)
    }
}

impl fmt::Display for BandId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Ids that are positions in a vector.
pub trait DenseId: Copy {
    /// The id at position `index`.
    fn from_index(index: usize) -> Self;
    /// Its position.
    fn to_index(self) -> usize;
}

macro_rules! impl_dense {
    ($($Name:ident),*) => {$(
        impl DenseId for $Name {
            fn from_index(index: usize) -> Self {
                Self::new(index)
            }
            fn to_index(self) -> usize {
                self.index()
            }
        }
    )*};
}

impl_dense!(GroupId, CellId, CommunityId);

/// A vector indexed by one kind of id: one value per group, cell or community.
#[derive(Clone, PartialEq)]
pub struct IdVec<I, T> {
    items: Vec<T>,
    id: PhantomData<fn(I) -> I>,
}

impl<I: DenseId, T> IdVec<I, T> {
    /// An empty vector.
    pub const fn new() -> Self {
        Self {
            items: Vec::new(),
            id: PhantomData,
        }
    }

    /// `n` copies of `value`.
    pub fn filled(value: T, n: usize) -> Self
    where
        T: Clone,
    {
        Self::from(vec![value; n])
    }

    /// Makes it `n` copies of `value`, keeping its allocation.
    pub fn reset(&mut self, value: T, n: usize)
    where
        T: Clone,
    {
        self.items.clear();
        self.items.resize(n, value);
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The value of `id`, if there is one.
    pub fn get(&self, id: I) -> Option<&T> {
        self.items.get(id.to_index())
    }

    /// The ids, in order.
    pub fn ids(&self) -> impl DoubleEndedIterator<Item = I> + ExactSizeIterator + use<I, T> {
        (0..self.items.len()).map(I::from_index)
    }

    /// The values, in id order.
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }

    /// The values, mutably, in id order.
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, T> {
        self.items.iter_mut()
    }

    /// (id, value) pairs, in id order.
    pub fn iter_enumerated(&self) -> impl Iterator<Item = (I, &T)> {
        self.items
            .iter()
            .enumerate()
            .map(|(i, v)| (I::from_index(i), v))
    }

    /// Appends a value; returns its id.
    pub fn push(&mut self, value: T) -> I {
        let id = I::from_index(self.items.len());
        self.items.push(value);
        id
    }

    /// The values as a slice, in id order.
    pub fn as_slice(&self) -> &[T] {
        &self.items
    }
}

impl<I: DenseId, T> Default for IdVec<I, T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<I, T: fmt::Debug> fmt::Debug for IdVec<I, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.items.fmt(f)
    }
}

impl<I, T> From<Vec<T>> for IdVec<I, T> {
    fn from(items: Vec<T>) -> Self {
        Self {
            items,
            id: PhantomData,
        }
    }
}

impl<I, T> FromIterator<T> for IdVec<I, T> {
    fn from_iter<It: IntoIterator<Item = T>>(iter: It) -> Self {
        Self::from(iter.into_iter().collect::<Vec<T>>())
    }
}

impl<I: DenseId, T> Index<I> for IdVec<I, T> {
    type Output = T;
    fn index(&self, id: I) -> &T {
        &self.items[id.to_index()]
    }
}

impl<I: DenseId, T> IndexMut<I> for IdVec<I, T> {
    fn index_mut(&mut self, id: I) -> &mut T {
        &mut self.items[id.to_index()]
    }
}

impl<'a, I: DenseId, T> IntoIterator for &'a IdVec<I, T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_vec_is_indexed_by_its_ids_in_order() {
        let mut v: IdVec<GroupId, &str> = IdVec::new();
        let a = v.push("a");
        let b = v.push("b");
        assert_eq!((a.index(), b.index()), (0, 1));
        assert_eq!(v[b], "b");
        assert_eq!(v.ids().collect::<Vec<_>>(), vec![a, b]);
        assert_eq!(v.get(GroupId::new(2)), None);
        assert_eq!(
            serde_json::to_string(&CellId::new(7)).ok(),
            Some("7".into())
        );
    }
}
