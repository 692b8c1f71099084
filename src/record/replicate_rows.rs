//! Every replicate's numbers, one fixed-width row of `f64` a replicate, kept in memory or on
//! disk, and their exact mean and 90 % interval column by column. On disk, a run of any
//! number of replicates holds one row at a time while it writes them and at most
//! [`COLUMN_PASS_BYTES`] of columns while it reads them back, so its memory does not grow with
//! the replicate count; the intervals are the same exact quantiles as in memory.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::summary::{Spread, spread};

/// The most bytes of column values one pass over the rows on disk gathers: the columns are
/// read in as many passes as it takes. 16 MiB is two million values: 200 columns of 10,000
/// replicates.
pub const COLUMN_PASS_BYTES: usize = 16 << 20;

/// Rows of `f64` of one width, in the order they were pushed.
#[derive(Debug)]
pub struct ReplicateRows {
    width: Option<usize>,
    len: usize,
    store: Store,
}

/// Where the rows are.
#[derive(Debug)]
enum Store {
    /// Row after row.
    Memory(Vec<f64>),
    /// Row after row as little-endian bytes, in a file that disappears when closed.
    Disk(File),
}

impl Default for ReplicateRows {
    fn default() -> Self {
        Self::in_memory()
    }
}

impl ReplicateRows {
    /// Rows kept in memory.
    pub fn in_memory() -> Self {
        Self {
            width: None,
            len: 0,
            store: Store::Memory(Vec::new()),
        }
    }

    /// Rows kept in an unnamed temporary file in folder `dir` (removed when the rows are
    /// dropped, and by the system if the program stops first).
    pub fn on_disk(dir: &Path) -> io::Result<Self> {
        Ok(Self {
            width: None,
            len: 0,
            store: Store::Disk(tempfile::tempfile_in(dir)?),
        })
    }

    /// The rows held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no row is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Values a row (that of the first row; 0 before it).
    pub fn width(&self) -> usize {
        self.width.unwrap_or(0)
    }

    /// Adds a row. Every row has the first row's width: another is refused
    /// ([`io::ErrorKind::InvalidData`]) and nothing is added.
    pub fn push(&mut self, row: &[f64]) -> io::Result<()> {
        let width = *self.width.get_or_insert(row.len());
        if row.len() != width {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a replicate has {} values where the first had {width}",
                    row.len()
                ),
            ));
        }
        match &mut self.store {
            Store::Memory(values) => values.extend_from_slice(row),
            Store::Disk(file) => {
                let bytes: Vec<u8> = row.iter().flat_map(|v| v.to_le_bytes()).collect();
                file.write_all(&bytes)?;
            }
        }
        self.len += 1;
        Ok(())
    }

    /// A reader of the rows from the first. On disk, readers share the file's position: read
    /// with one at a time.
    pub fn reader(&self) -> io::Result<RowReader<'_>> {
        let width = self.width();
        Ok(match &self.store {
            Store::Memory(values) => RowReader::Memory {
                values,
                width,
                left: self.len,
            },
            Store::Disk(file) => {
                let mut f = file;
                f.seek(SeekFrom::Start(0))?;
                RowReader::Disk {
                    file: BufReader::with_capacity(1 << 16, f),
                    bytes: vec![0; width * 8],
                    values: vec![0.0; width],
                    left: self.len,
                }
            }
        })
    }

    /// Every value of column `c` (in row order) for each column, handed to `each(c, values)`
    /// in column order. On disk, the columns are gathered [`COLUMN_PASS_BYTES`] at a time, a
    /// pass over the file each.
    pub fn for_each_column(&self, mut each: impl FnMut(usize, Vec<f64>)) -> io::Result<()> {
        let (width, len) = (self.width(), self.len);
        let per_pass = (COLUMN_PASS_BYTES / (8 * len.max(1))).max(1);
        let mut first = 0;
        while first < width {
            let last = (first + per_pass).min(width);
            let mut columns = vec![Vec::with_capacity(len); last - first];
            let mut rows = self.reader()?;
            while let Some(row) = rows.next_row()? {
                for (column, &v) in columns.iter_mut().zip(&row[first..last]) {
                    column.push(v);
                }
            }
            for (k, column) in columns.into_iter().enumerate() {
                each(first + k, column);
            }
            first = last;
        }
        Ok(())
    }

    /// The mean and 90 % interval of each column, as [`spread`] gives them.
    pub fn column_spreads(&self) -> io::Result<Vec<Spread>> {
        let mut out = Vec::with_capacity(self.width());
        self.for_each_column(|_, values| out.push(spread(values)))?;
        Ok(out)
    }
}

/// Reads rows of [`ReplicateRows`] one after the other.
pub enum RowReader<'a> {
    /// From memory.
    Memory {
        /// The rows not yet read, one after the other.
        values: &'a [f64],
        /// Values a row.
        width: usize,
        /// The rows left.
        left: usize,
    },
    /// From the file.
    Disk {
        /// The file, read from the start.
        file: BufReader<&'a File>,
        /// One row's bytes.
        bytes: Vec<u8>,
        /// One row's values.
        values: Vec<f64>,
        /// The rows left.
        left: usize,
    },
}

impl RowReader<'_> {
    /// The next row, or `None` after the last.
    pub fn next_row(&mut self) -> io::Result<Option<&[f64]>> {
        match self {
            RowReader::Memory {
                values,
                width,
                left,
            } => {
                if *left == 0 {
                    return Ok(None);
                }
                let (row, rest) = values.split_at(*width);
                *values = rest;
                *left -= 1;
                Ok(Some(row))
            }
            RowReader::Disk {
                file,
                bytes,
                values,
                left,
            } => {
                if *left == 0 {
                    return Ok(None);
                }
                file.read_exact(bytes)?;
                for (v, b) in values.iter_mut().zip(bytes.chunks_exact(8)) {
                    let mut le = [0; 8];
                    le.copy_from_slice(b);
                    *v = f64::from_le_bytes(le);
                }
                *left -= 1;
                Ok(Some(values))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(n: usize, width: usize) -> Vec<Vec<f64>> {
        (0..n)
            .map(|r| {
                (0..width)
                    .map(|c| ((r * 7919 + c * 104_729) % 1000) as f64 / 7.0 - 3.0)
                    .collect()
            })
            .collect()
    }

    fn filled(mut store: ReplicateRows, rows: &[Vec<f64>]) -> ReplicateRows {
        for r in rows {
            store.push(r).unwrap();
        }
        store
    }

    #[test]
    fn rows_on_disk_read_back_as_written_and_give_the_spreads_of_memory() {
        let dir = tempfile::tempdir().unwrap();
        let all = rows(37, 11);
        let memory = filled(ReplicateRows::in_memory(), &all);
        let disk = filled(ReplicateRows::on_disk(dir.path()).unwrap(), &all);
        // The file is unnamed: nothing appears in the folder.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        for store in [&memory, &disk] {
            assert_eq!((store.len(), store.width()), (37, 11));
            let mut reader = store.reader().unwrap();
            for row in &all {
                assert_eq!(reader.next_row().unwrap().unwrap(), &row[..]);
            }
            assert!(reader.next_row().unwrap().is_none());
        }
        let by_hand: Vec<Spread> = (0..11)
            .map(|c| spread(all.iter().map(|r| r[c]).collect()))
            .collect();
        assert_eq!(memory.column_spreads().unwrap(), by_hand);
        assert_eq!(disk.column_spreads().unwrap(), by_hand);
    }

    #[test]
    fn columns_too_many_for_one_pass_are_read_in_several() {
        // 2,100 rows of 1,000 columns: 16.8 MB of values, two passes of 998 and 2 columns.
        let dir = tempfile::tempdir().unwrap();
        let (n, width) = (2100, 1000);
        let all = rows(n, width);
        let disk = filled(ReplicateRows::on_disk(dir.path()).unwrap(), &all);
        assert!(8 * n * width > COLUMN_PASS_BYTES);
        let mut seen = Vec::new();
        disk.for_each_column(|c, values| {
            assert_eq!(values, all.iter().map(|r| r[c]).collect::<Vec<_>>());
            seen.push(c);
        })
        .unwrap();
        assert_eq!(seen, (0..1000).collect::<Vec<_>>());
    }

    #[test]
    fn a_row_of_another_width_is_refused() {
        let mut store = ReplicateRows::in_memory();
        store.push(&[1.0, 2.0]).unwrap();
        let e = store.push(&[1.0]).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
        assert!(
            e.to_string().contains("1 values where the first had 2"),
            "{e}"
        );
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn no_rows_have_no_columns() {
        let store = ReplicateRows::in_memory();
        assert!(store.is_empty());
        assert_eq!(store.column_spreads().unwrap(), vec![]);
        assert!(store.reader().unwrap().next_row().unwrap().is_none());
    }
}
