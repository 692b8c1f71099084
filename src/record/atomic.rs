//! Atomic file output: write to a uniquely named temporary file beside the target, flush it to
//! disk, rename it into place and flush the folder, so that a reader never sees a half-written
//! file, an interrupted run leaves the previous version intact, and two threads or processes
//! writing the same folder never share a temporary file.

use std::io::Write;
use std::path::Path;

/// The prefix of every temporary file (hidden); what an interrupted write leaves behind
/// carries it, so that the next writer of the folder can recognise and remove it.
pub const TEMP_PREFIX: &str = ".tmp";

/// Writes `bytes` to `path` atomically, creating parent folders.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |f| f.write_all(bytes))
}

/// Writes `path` atomically through `fill`, which receives the temporary file. On any error
/// the temporary file is removed and `path` is left as it was.
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let mut file = AtomicFile::create(path)?;
    fill(&mut file.writer)?;
    file.commit()
}

/// A file being written atomically over a while (a run's event log, replicate by replicate):
/// the bytes go to a hidden temporary file beside `path`, which [`commit`](Self::commit)
/// flushes to disk and renames into place. Dropped without a commit (an error, an interrupted
/// run), the temporary file is removed and `path` is left as it was.
pub struct AtomicFile {
    writer: std::io::BufWriter<std::fs::File>,
    tmp_path: tempfile::TempPath,
    path: std::path::PathBuf,
    dir: std::path::PathBuf,
}

impl AtomicFile {
    /// Starts writing `path`, creating its parent folders.
    pub fn create(path: &Path) -> std::io::Result<Self> {
        let dir = match path.parent().filter(|d| !d.as_os_str().is_empty()) {
            Some(dir) => {
                std::fs::create_dir_all(dir)?;
                dir
            }
            None => Path::new("."),
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Hidden, in the same folder (so the rename stays on one file system), unique per call.
        let suffix = format!("-{name}");
        let mut builder = tempfile::Builder::new();
        builder.prefix(TEMP_PREFIX).suffix(&suffix);
        // Readable as any file the user creates (the umask applies), not private like a temporary.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let tmp = builder.tempfile_in(dir)?;
        // `tmp_path` deletes the temporary file when dropped, on every error path.
        let (file, tmp_path) = tmp.into_parts();
        Ok(Self {
            writer: std::io::BufWriter::new(file),
            tmp_path,
            path: path.to_path_buf(),
            dir: dir.to_path_buf(),
        })
    }

    /// Flushes what was written to disk and moves the file into place.
    pub fn commit(self) -> std::io::Result<()> {
        self.writer
            .into_inner()
            .map_err(|e| e.into_error())?
            .sync_all()?;
        self.tmp_path.persist(&self.path).map_err(|e| e.error)?;
        sync_dir(&self.dir)
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writer.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.writer.write_all(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

/// Flushes a folder's entries (a rename, a new file) to disk, where the platform allows it.
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/a.txt");
        write_atomic(&p, b"hello").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"hello");
        assert_eq!(std::fs::read_dir(p.parent().unwrap()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_ne!(mode & 0o044, 0, "output files are readable by others");
        }
    }

    #[test]
    fn a_failed_fill_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        write_atomic(&p, b"old").unwrap();
        let r = write_atomic_with(&p, |_| Err(std::io::Error::other("disk full")));
        assert!(r.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn threads_writing_one_file_never_share_a_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("same.txt");
        std::thread::scope(|s| {
            for t in 0..8u8 {
                let p = &p;
                s.spawn(move || {
                    for _ in 0..20 {
                        let body = vec![b'a' + t; 4096];
                        write_atomic(p, &body).unwrap();
                    }
                });
            }
        });
        // Whoever wrote last, the file is one writer's whole content, not a mix.
        let got = std::fs::read(&p).unwrap();
        assert_eq!(got.len(), 4096);
        assert!(got.iter().all(|&b| b == got[0]));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_file_written_over_a_while_appears_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("events.csv");
        std::fs::write(&p, b"old").unwrap();
        // Dropped half-written (an error, an interrupted run): the old file stays, no temporary.
        let mut f = AtomicFile::create(&p).unwrap();
        f.write_all(b"new, half").unwrap();
        drop(f);
        assert_eq!(std::fs::read(&p).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // Written in parts and committed: the whole new file.
        let mut f = AtomicFile::create(&p).unwrap();
        f.write_all(b"first replicate;").unwrap();
        assert_eq!(
            std::fs::read(&p).unwrap(),
            b"old",
            "not visible before the commit"
        );
        f.write_all(b"second").unwrap();
        f.commit().unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"first replicate;second");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
