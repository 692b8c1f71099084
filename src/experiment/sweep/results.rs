//! The results file of a sweep: one CSV row per run, in run order, written as runs finish.
//!
//! Runs finish roughly in order (the engine hands them out in order). A row whose turn has
//! come is appended to `results.csv` at once; one that finished early is appended to
//! `results.pending.csv` and kept until its turn. Every finished run is thus on disk the
//! moment it finishes, and `results.csv` is always a prefix of the final file. Resuming reads
//! both files, drops a row cut short by the interruption, and runs only what is missing; the
//! finished file is byte-identical to that of an uninterrupted run.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};

use super::SweepError;

/// Name of the results file.
pub const RESULTS: &str = "results.csv";
/// Name of the file of rows that finished before their turn.
pub const PENDING: &str = "results.pending.csv";

/// A part of a sweep's runs: runs i with i mod `of` = `index` − 1 (shards count from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Shard {
    /// This shard, from 1.
    pub index: u64,
    /// Number of shards.
    pub of: u64,
}

impl Shard {
    /// The whole sweep.
    pub const ALL: Shard = Shard { index: 1, of: 1 };

    /// Parses `K/N`.
    pub fn parse(text: &str) -> Result<Shard, SweepError> {
        let bad = || SweepError::ShardSyntax(text.to_string());
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (index, of) = (
            k.trim().parse::<u64>().map_err(|_| bad())?,
            n.trim().parse::<u64>().map_err(|_| bad())?,
        );
        if index == 0 || of == 0 || index > of {
            return Err(bad());
        }
        Ok(Shard { index, of })
    }

    /// How many of `total` runs fall in this shard.
    pub fn len(&self, total: u64) -> u64 {
        let first = self.index - 1;
        if first >= total {
            0
        } else {
            (total - first).div_ceil(self.of)
        }
    }

    /// Whether the shard holds none of `total` runs.
    pub fn is_empty(&self, total: u64) -> bool {
        self.len(total) == 0
    }

    /// The run at position `pos` of the shard.
    pub fn run(&self, pos: u64) -> u64 {
        pos * self.of + self.index - 1
    }
}

/// The header line of a results file.
pub fn header(parameters: &[&str], outcomes: &[String]) -> String {
    let mut fields = vec!["point", "replicate", "seed"];
    fields.extend(parameters);
    fields.extend(outcomes.iter().map(String::as_str));
    csv_line(fields.iter().map(|s| s.to_string()))
}

/// One CSV line (quoted where needed), ending in a newline.
pub fn csv_line(fields: impl IntoIterator<Item = String>) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(fields.into_iter().collect::<Vec<_>>());
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

/// The (point, replicate) a data line names.
fn line_key(line: &str) -> Option<(u64, u64)> {
    let mut f = line.split(',');
    Some((f.next()?.parse().ok()?, f.next()?.parse().ok()?))
}

/// The fields of a CSV line.
fn csv_fields(line: &str) -> Vec<String> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(line.as_bytes())
        .records()
        .next()
        .and_then(Result::ok)
        .map_or_else(Vec::new, |r| r.iter().map(str::to_string).collect())
}

/// Checks a complete row kept by `--resume`: one field per column, the run ids of the
/// plan's run at its place (`expected`: point, replicate), a seed, and numbers where the
/// program writes numbers (finite, or `NaN` for an outcome it could not measure). Says what
/// is wrong.
fn check_row(line: &str, expected: (u64, u64), columns: &[String]) -> Result<(), String> {
    let fields: Vec<&str> = line.trim_end_matches('\n').split(',').collect();
    if fields.len() != columns.len() {
        return Err(format!(
            "{} fields where the header has {}",
            fields.len(),
            columns.len()
        ));
    }
    let id = |i: usize| fields[i].parse::<u64>().ok();
    if (id(0), id(1)) != (Some(expected.0), Some(expected.1)) {
        return Err(format!(
            "point `{}`, replicate `{}` where this sweep's next run is point {}, replicate {}",
            fields[0], fields[1], expected.0, expected.1
        ));
    }
    if id(2).is_none() {
        return Err(format!("the seed `{}` is not a whole number", fields[2]));
    }
    for (f, column) in fields.iter().zip(columns).skip(3) {
        let number = f.parse::<f64>().ok();
        if !(number.is_some_and(f64::is_finite) || *f == "NaN") {
            return Err(format!("`{f}` in column `{column}` is not a number"));
        }
    }
    Ok(())
}

/// Writes a sweep's rows in run order as they finish.
pub struct ResultsWriter {
    results: File,
    pending: File,
    pending_path: PathBuf,
    shard: Shard,
    replicates: u64,
    /// Position (within the shard) of the next row due in `results.csv`.
    next: u64,
    /// Number of rows the finished file holds.
    total: u64,
    /// Rows that finished before their turn, by position.
    early: BTreeMap<u64, String>,
}

/// What was already done when a writer opened its folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Resumed {
    /// Rows already in `results.csv`.
    pub written: u64,
    /// Rows already in `results.pending.csv`.
    pub early: u64,
    /// A partial last row was dropped.
    pub cut_row_dropped: bool,
}

impl ResultsWriter {
    /// Opens `dir`'s results for a shard of `total_runs` runs (`replicates` per point):
    /// afresh, or (`resume`) keeping every complete row already written. Returns the writer,
    /// the positions still to run, and what was found.
    pub fn open(
        dir: &Path,
        header: &str,
        shard: Shard,
        total_runs: u64,
        replicates: u64,
        resume: bool,
    ) -> std::io::Result<(ResultsWriter, Vec<u64>, Resumed)> {
        let path = dir.join(RESULTS);
        let pending_path = dir.join(PENDING);
        let total = shard.len(total_runs);
        let expect = |pos: u64| {
            let run = shard.run(pos);
            (run / replicates, run % replicates)
        };
        let columns = csv_fields(header);
        let mut found = Resumed::default();
        let mut results = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)?;
        let mut keep_bytes = 0u64;
        if resume {
            let mut reader = BufReader::new(&mut results);
            let mut line = String::new();
            let mut first = true;
            loop {
                line.clear();
                let n = reader.read_line(&mut line)?;
                if n == 0 {
                    break;
                }
                if !line.ends_with('\n') {
                    found.cut_row_dropped = true;
                    break;
                }
                if first {
                    if line != header {
                        return Err(std::io::Error::other(format!(
                            "{} has other columns than this sweep's; use another --out",
                            path.display()
                        )));
                    }
                    first = false;
                } else {
                    // Header is line 1; this row is line `written + 2`.
                    let line_no = found.written + 2;
                    check_row(&line, expect(found.written), &columns).map_err(|why| {
                        std::io::Error::new(
                            std::io::ErrorKind::InvalidData,
                            format!(
                                "{}:{line_no}: {why}; a resumed sweep keeps only the rows it wrote: \
                                 remove this line and those after it, or use another --out",
                                path.display()
                            ),
                        )
                    })?;
                    found.written += 1;
                }
                keep_bytes += n as u64;
            }
        }
        results.set_len(keep_bytes)?;
        results.seek(std::io::SeekFrom::End(0))?;
        if keep_bytes == 0 {
            results.write_all(header.as_bytes())?;
        }
        let mut early = BTreeMap::new();
        if resume && pending_path.exists() {
            let mut text = String::new();
            File::open(&pending_path)?.read_to_string(&mut text)?;
            for line in text.split_inclusive('\n').filter(|l| l.ends_with('\n')) {
                if let Some((p, r)) = line_key(line)
                    && r < replicates
                {
                    let run = p * replicates + r;
                    if run % shard.of == shard.index - 1 {
                        let pos = run / shard.of;
                        if pos >= found.written && pos < total {
                            early.insert(pos, line.to_string());
                        }
                    }
                }
            }
        }
        found.early = early.len() as u64;
        // Rewrite the pending file with only what is still early.
        let mut pending = File::create(&pending_path)?;
        for line in early.values() {
            pending.write_all(line.as_bytes())?;
        }
        let todo: Vec<u64> = (found.written..total)
            .filter(|p| !early.contains_key(p))
            .collect();
        let mut w = ResultsWriter {
            results,
            pending,
            pending_path,
            shard,
            replicates,
            next: found.written,
            total,
            early,
        };
        w.drain()?;
        Ok((w, todo, found))
    }

    /// The run a shard position stands for, as (point, replicate).
    pub fn key(&self, pos: u64) -> (u64, u64) {
        let run = self.shard.run(pos);
        (run / self.replicates, run % self.replicates)
    }

    /// Takes the finished row of position `pos`.
    pub fn push(&mut self, pos: u64, line: String) -> std::io::Result<()> {
        if pos == self.next {
            self.results.write_all(line.as_bytes())?;
            self.next += 1;
            self.drain()
        } else {
            self.pending.write_all(line.as_bytes())?;
            self.early.insert(pos, line);
            Ok(())
        }
    }

    fn drain(&mut self) -> std::io::Result<()> {
        while let Some(line) = self.early.remove(&self.next) {
            self.results.write_all(line.as_bytes())?;
            self.next += 1;
        }
        Ok(())
    }

    /// Rows in `results.csv` so far.
    pub fn written(&self) -> u64 {
        self.next
    }

    /// Closes a complete file (removing the pending rows, all now in place); an incomplete one
    /// is left for `--resume`.
    pub fn finish(self) -> std::io::Result<bool> {
        self.results.sync_all()?;
        let complete = self.next == self.total;
        drop(self.pending);
        if complete {
            std::fs::remove_file(&self.pending_path)?;
        }
        Ok(complete)
    }
}

/// Merges complete shard result files (`files[k]` being shard k + 1 of `files.len()`) into
/// `out`: row i comes from shard i mod N + 1, so the merged file has the rows, in the order, of
/// a run of the whole sweep. Checks that every row is where it belongs.
pub fn merge(
    files: &[PathBuf],
    out: &Path,
    total_runs: u64,
    replicates: u64,
) -> Result<(), SweepError> {
    let n = files.len() as u64;
    let mut readers = Vec::new();
    let mut header: Option<String> = None;
    for f in files {
        let read = |source| SweepError::Read {
            path: f.clone(),
            source,
        };
        let mut r = BufReader::new(File::open(f).map_err(read)?);
        let mut h = String::new();
        r.read_line(&mut h).map_err(read)?;
        match &header {
            None => header = Some(h),
            Some(first) if *first != h => {
                return Err(SweepError::Columns {
                    file: f.clone(),
                    first: files[0].clone(),
                });
            }
            _ => {}
        }
        readers.push(r);
    }
    let header = header.unwrap_or_default();
    let columns = csv_fields(&header);
    crate::record::write_atomic_with(out, |w| {
        w.write_all(header.as_bytes())?;
        let mut line = String::new();
        for run in 0..total_runs {
            let k = (run % n) as usize;
            line.clear();
            readers[k].read_line(&mut line)?;
            let key = (run / replicates, run % replicates);
            if line.ends_with('\n')
                && line_key(&line) == Some(key)
                && let Err(why) = check_row(&line, key, &columns)
            {
                // Header is line 1; shard k's rows come one in n.
                return Err(std::io::Error::other(format!(
                    "{}:{}: {why}; merge takes only rows `sahelsim sweep` wrote (run shard {} of {n} again)",
                    files[k].display(),
                    run / n + 2,
                    k + 1
                )));
            }
            if !line.ends_with('\n') || line_key(&line) != Some(key) {
                return Err(std::io::Error::other(format!(
                    "{} lacks the row of point {}, replicate {} (is shard {} of {n} complete?)",
                    files[k].display(),
                    run / replicates,
                    run % replicates,
                    k + 1
                )));
            }
            w.write_all(line.as_bytes())?;
        }
        for (k, r) in readers.iter_mut().enumerate() {
            line.clear();
            if r.read_line(&mut line)? > 0 {
                return Err(std::io::Error::other(format!(
                    "{} has more rows than shard {} of {n} holds",
                    files[k].display(),
                    k + 1
                )));
            }
        }
        Ok(())
    })
    .map_err(SweepError::Merge)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_runs() {
        let total = 23;
        let mut seen = vec![0; total as usize];
        for k in 1..=4 {
            let s = Shard { index: k, of: 4 };
            for pos in 0..s.len(total) {
                seen[s.run(pos) as usize] += 1;
            }
        }
        assert!(seen.iter().all(|&c| c == 1));
        assert_eq!(Shard { index: 5, of: 5 }.len(3), 0);
        assert!(Shard::parse("0/3").is_err());
        assert!(Shard::parse("4/3").is_err());
        assert_eq!(Shard::parse("2/3").ok(), Some(Shard { index: 2, of: 3 }));
    }

    #[test]
    fn a_kept_row_must_be_one_the_program_wrote() {
        let columns = csv_fields(&header(&["a"], &["y".to_string(), "z".to_string()]));
        assert_eq!(check_row("1,0,7,0.5,3,NaN\n", (1, 0), &columns), Ok(()));
        assert_eq!(check_row("1,0,7,-2e-3,3,4\n", (1, 0), &columns), Ok(()));
        for (row, said) in [
            ("1,0,7,0.5,XYZ,4\n", "`XYZ` in column `y`"),
            ("1,0,7,0.5,inf,4\n", "`inf` in column `y`"),
            ("1,0,7,0.5,nan,4\n", "`nan` in column `y`"),
            ("1,0,7,0.5,3\n", "5 fields where the header has 6"),
            ("1,1,7,0.5,3,4\n", "next run is point 1, replicate 0"),
            ("1,0,-7,0.5,3,4\n", "the seed `-7`"),
        ] {
            let e = check_row(row, (1, 0), &columns).unwrap_err();
            assert!(e.contains(said), "{row}: {e}");
        }
    }

    #[test]
    fn rows_land_in_order_and_a_resume_keeps_every_finished_row() {
        let dir = tempfile::tempdir().unwrap();
        let h = header(&["a"], &["y".to_string()]);
        let row = |pos: u64, w: &ResultsWriter| {
            let (p, r) = w.key(pos);
            format!("{p},{r},0,1,{pos}\n")
        };
        let (mut w, todo, _) =
            ResultsWriter::open(dir.path(), &h, Shard::ALL, 6, 2, false).unwrap();
        assert_eq!(todo, vec![0, 1, 2, 3, 4, 5]);
        // 1 and 3 finish early; 0 arrives; then the process dies.
        for pos in [1, 3, 0] {
            let l = row(pos, &w);
            w.push(pos, l).unwrap();
        }
        assert_eq!(w.written(), 2);
        drop(w);
        // A torn row at the end of results.csv.
        let mut f = OpenOptions::new()
            .append(true)
            .open(dir.path().join(RESULTS))
            .unwrap();
        f.write_all(b"1,0,0,1").unwrap();
        let (mut w, todo, found) =
            ResultsWriter::open(dir.path(), &h, Shard::ALL, 6, 2, true).unwrap();
        assert_eq!(
            found,
            Resumed {
                written: 2,
                early: 1,
                cut_row_dropped: true
            }
        );
        assert_eq!(todo, vec![2, 4, 5]);
        for pos in [5, 2, 4] {
            let l = row(pos, &w);
            w.push(pos, l).unwrap();
        }
        assert!(w.finish().unwrap());
        let text = std::fs::read_to_string(dir.path().join(RESULTS)).unwrap();
        let expected: String = std::iter::once(h.clone())
            .chain((0..6).map(|p| format!("{},{},0,1,{p}\n", p / 2, p % 2)))
            .collect();
        assert_eq!(text, expected);
        assert!(!dir.path().join(PENDING).exists());
    }
}
