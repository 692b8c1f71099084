//! An output folder describes one run: the rules every command that writes one follows.
//!
//! - **One writer at a time.** A writer holds a lock file beside the folder
//!   (`.NAME.lock` next to `NAME`), created whole (written to a temporary file and linked into
//!   place, so that no one reads a half-written lock) and holding the writer's process id,
//!   host and, on Linux, the process's start time. A second writer is refused while that
//!   process lives; the lock of a process that died (`kill -9`, a crash, or one killed a
//!   moment ago and not yet reaped) is taken over, with a note. A lock held on another host (a cluster's shared disk) cannot be checked from here:
//!   its holder renews it (its modification time) every 10 s, and one not renewed for
//!   [`STALE_AFTER`] is taken over.
//! - **Staged.** A command that writes a folder in one go (`run`, `compare`, `validate`,
//!   `calibrate`, `map`) writes it into a staging folder beside the target
//!   (`.NAME.staging-PID`) and moves it into place when complete (the old folder, if
//!   `--overwrite` allowed replacing it, is moved aside first and then removed). An
//!   interrupted command leaves the previous complete folder, or nothing.
//! - **In place, with a completion marker.** A sweep streams its results into its folder so
//!   that `--resume` can finish it; its folder is written in place, under the lock, and its
//!   `manifest.json`, removed before anything else is written and written last, is the
//!   marker of a complete folder.
//! - **Stale leftovers are cleaned** by the next writer, under the lock: staging folders and
//!   folders moved aside by dead writers (one moved aside when the target is missing is put
//!   back: it was complete), and hidden temporary files (`.tmp…`) of interrupted atomic writes
//!   inside the folder.
//! - **Checked.** `manifest.json` lists every other file at the top of the folder with its
//!   size and SHA-256; [`verify`] compares a folder with it. Subfolders are not part of a
//!   folder's outputs (a cluster sweep's `slurm/` and `shards/K/` are other commands' folders).

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::atomic::{TEMP_PREFIX, sync_dir};

/// The name of the file that lists a folder's outputs and marks it complete.
pub const MANIFEST: &str = "manifest.json";

/// One output file as `manifest.json` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputFile {
    /// The file's name in the folder.
    pub file: String,
    /// Its size in bytes.
    pub bytes: u64,
    /// SHA-256 of its bytes, in hexadecimal.
    pub sha256: String,
}

/// A command's manifest with the list of the folder's outputs appended (`outputs`).
#[derive(Serialize)]
pub struct WithOutputs<'a, M: Serialize> {
    /// The command's own manifest (its fields come first).
    #[serde(flatten)]
    pub manifest: &'a M,
    /// Every other file of the folder, by name.
    pub outputs: Vec<OutputFile>,
}

/// Why a folder cannot be written or checked.
#[derive(Debug, thiserror::Error)]
pub enum FolderError {
    /// Another live process holds the folder's lock.
    #[error(
        "{} is being written by another sahelsim (process {pid}); wait for it to finish, or choose another --out (lock: {})",
        dir.display(), lock.display()
    )]
    Busy {
        /// The folder.
        dir: PathBuf,
        /// The holder's process id.
        pid: u32,
        /// The lock file.
        lock: PathBuf,
    },
    /// The lock is held on another host, where its process cannot be checked, and was
    /// renewed recently.
    #[error(
        "{} is being written by process {pid} on host `{host}` (its lock was renewed {age} s ago); a lock not renewed for {} s is taken over, or remove {} if no sahelsim runs there any more",
        dir.display(), STALE_AFTER.as_secs(), lock.display()
    )]
    OtherHost {
        /// The folder.
        dir: PathBuf,
        /// The holder's process id.
        pid: u32,
        /// The holder's host.
        host: String,
        /// Seconds since the lock was last renewed.
        age: u64,
        /// The lock file.
        lock: PathBuf,
    },
    /// The folder holds files of another run and `--overwrite` was not given.
    #[error(
        "{} already holds {what}; add --overwrite to replace them (files the new run does not write are removed), or choose another --out",
        dir.display()
    )]
    Held {
        /// The folder.
        dir: PathBuf,
        /// What it holds, in words.
        what: String,
    },
    /// The path is not a folder.
    #[error("{} exists and is not a folder; choose another --out", dir.display())]
    NotAFolder {
        /// The path.
        dir: PathBuf,
    },
    /// The path is the current folder, one above it, or the root.
    #[error(
        "{}: an output folder is replaced as a whole; give it a folder of its own, not the current folder or one above it",
        dir.display()
    )]
    NotOwnFolder {
        /// The path.
        dir: PathBuf,
    },
    /// A file-system operation failed.
    #[error("{what} {}: {source}", path.display())]
    Io {
        /// What was being done ("creating", "moving into place", …).
        what: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// Why it failed.
        source: std::io::Error,
    },
}

impl FolderError {
    fn io(what: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> FolderError {
        let path = path.to_path_buf();
        move |source| FolderError::Io { what, path, source }
    }
}

/// `target` with a last component of its own: `.`, `..` and trailing `..` are resolved
/// against the current folder. Refuses the current folder, a folder above it and the root.
pub fn resolve(target: &Path) -> Result<PathBuf, FolderError> {
    let not_own = || FolderError::NotOwnFolder {
        dir: target.to_path_buf(),
    };
    let absolute = |p: &Path| -> PathBuf {
        let p = if p.is_absolute() {
            p.to_path_buf()
        } else {
            std::env::current_dir().unwrap_or_default().join(p)
        };
        p.canonicalize().unwrap_or(p)
    };
    let resolved = match target.file_name() {
        Some(_) => target.to_path_buf(),
        None => absolute(target),
    };
    if resolved.file_name().is_none() {
        return Err(not_own());
    }
    if let Ok(cwd) = std::env::current_dir() {
        let (cwd, full) = (absolute(&cwd), absolute(&resolved));
        if cwd.starts_with(&full) {
            return Err(not_own());
        }
    }
    Ok(resolved)
}

/// The path beside `target` named `.NAME` + `suffix`.
fn beside(target: &Path, suffix: &str) -> PathBuf {
    let mut name = OsString::from(".");
    name.push(target.file_name().unwrap_or_default());
    name.push(suffix);
    target.with_file_name(name)
}

/// The folder `target` is in (`.` for a bare name).
fn parent(target: &Path) -> &Path {
    target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The lock file of folder `target`.
pub fn lock_path(target: &Path) -> PathBuf {
    beside(target, ".lock")
}

/// Who holds a lock, as its file says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// Process id.
    pub pid: u32,
    /// Host name.
    pub host: String,
    /// The process's start time (Linux clock ticks since boot), where known.
    pub start: Option<u64>,
}

impl Holder {
    /// This process.
    fn me() -> Holder {
        let pid = std::process::id();
        Holder {
            pid,
            host: host_name(),
            start: start_time(pid),
        }
    }

    fn to_text(&self) -> String {
        let mut s = format!("pid {}\nhost {}\n", self.pid, self.host);
        if let Some(t) = self.start {
            s.push_str(&format!("start {t}\n"));
        }
        s
    }

    fn parse(text: &str) -> Option<Holder> {
        let mut pid = None;
        let mut host = None;
        let mut start = None;
        for line in text.lines() {
            match line.split_once(' ') {
                Some(("pid", v)) => pid = v.trim().parse().ok(),
                Some(("host", v)) => host = Some(v.trim().to_string()),
                Some(("start", v)) => start = v.trim().parse().ok(),
                _ => {}
            }
        }
        Some(Holder {
            pid: pid?,
            host: host?,
            start,
        })
    }

    /// Reads the holder of the lock at `path`: `Ok(None)` when there is no lock, `Some(None)`
    /// inside when the file does not say (a stale or foreign file).
    pub fn read(path: &Path) -> std::io::Result<Option<Option<Holder>>> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok(Some(Holder::parse(&text))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Whether the holder is still running: `Some(false)` when it is known to have ended,
    /// `None` when it cannot be checked from here (another host).
    pub fn alive(&self) -> Option<bool> {
        if self.host != host_name() {
            return None;
        }
        if self.pid == std::process::id() {
            return Some(self.start == start_time(self.pid));
        }
        if !process_exists(self.pid)? || exited(self.pid) {
            return Some(false);
        }
        // The id may have been reused by a later process.
        match (self.start, start_time(self.pid)) {
            (Some(then), Some(now)) => Some(then == now),
            _ => Some(true),
        }
    }
}

/// The name of this host ("" where it cannot be read).
fn host_name() -> String {
    #[cfg(unix)]
    {
        let mut buf = [0u8; 256];
        // SAFETY: the buffer is valid for its length; gethostname writes at most that much.
        let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
        if rc == 0 {
            let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
            return String::from_utf8_lossy(&buf[..end]).trim().to_string();
        }
        String::new()
    }
    #[cfg(not(unix))]
    {
        std::env::var("COMPUTERNAME").unwrap_or_default()
    }
}

/// Whether a process with id `pid` exists on this host (`None`: cannot tell).
fn process_exists(pid: u32) -> Option<bool> {
    #[cfg(unix)]
    {
        // An id no process can have (0 or out of range) names no process.
        let Some(pid) = libc::pid_t::try_from(pid).ok().filter(|&p| p > 0) else {
            return Some(false);
        };
        // SAFETY: signal 0 only checks that the process exists; nothing is sent.
        if unsafe { libc::kill(pid, 0) } == 0 {
            return Some(true);
        }
        let err = std::io::Error::last_os_error().raw_os_error();
        Some(err == Some(libc::EPERM))
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        None
    }
}

/// The fields of a process's /proc/PID/stat after its command name (field 3, the state, first;
/// Linux only, `None` elsewhere or when the process is gone). The name, in parentheses, may
/// hold spaces; the fields after it are plain.
fn stat_fields(pid: u32) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    Some(rest.split_whitespace().map(str::to_string).collect())
}

/// Whether the process has ended but not yet been reaped by its parent (a zombie: Linux's
/// /proc; `false` elsewhere). A writer killed a moment ago holds nothing any more, though
/// its id still answers until it is reaped.
fn exited(pid: u32) -> bool {
    stat_fields(pid)
        .and_then(|f| f.into_iter().next())
        .is_some_and(|state| state == "Z" || state == "X")
}

/// A process's start time in clock ticks since boot (Linux's /proc; `None` elsewhere).
fn start_time(pid: u32) -> Option<u64> {
    // Field 22 of the stat line, the 20th after the state.
    stat_fields(pid)?.get(19)?.parse().ok()
}

/// How often a holder renews its lock (sets its modification time).
const RENEW_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// How long a lock held on another host may go without renewal before it is taken over
/// (its holder stopped: a node that failed, a job killed); room for clocks a little apart.
pub const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(120);

/// Whether the file at `path` was modified within `limit`, and how many seconds ago.
fn renewed_within(path: &Path, limit: std::time::Duration) -> (bool, u64) {
    let age = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| std::time::SystemTime::now().duration_since(t).ok())
        .unwrap_or_default();
    (age <= limit, age.as_secs())
}

/// The lock of an output folder, held while a command writes it, renewed every
/// 10 s (`RENEW_EVERY`) by a thread of its own (so that a host that cannot check the holder's
/// process can tell a live lock from an abandoned one); removed when dropped.
#[derive(Debug)]
pub struct FolderLock {
    path: PathBuf,
    /// Dropping it stops the renewing thread.
    stop: Option<std::sync::mpsc::Sender<()>>,
    renewer: Option<std::thread::JoinHandle<()>>,
}

impl FolderLock {
    /// The lock at `path`, just created by this process, with its renewing thread.
    fn held(path: PathBuf) -> FolderLock {
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let file = path.clone();
        let renewer = std::thread::Builder::new()
            .name("lock-renewal".into())
            .spawn(move || {
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(RENEW_EVERY)
                {
                    let _ = std::fs::OpenOptions::new()
                        .write(true)
                        .open(&file)
                        .and_then(|f| f.set_modified(std::time::SystemTime::now()));
                }
            })
            .ok();
        FolderLock {
            path,
            stop: Some(stop),
            renewer,
        }
    }
}

impl FolderLock {
    /// Takes the lock of folder `target` (creating the folder's parents). Returns the lock
    /// and, when it took over the lock of a process that has ended, a note that says so.
    pub fn acquire(target: &Path) -> Result<(FolderLock, Option<String>), FolderError> {
        let dir = parent(target);
        std::fs::create_dir_all(dir).map_err(FolderError::io("creating", dir))?;
        let path = lock_path(target);
        let me = Holder::me();
        let mut note = None;
        for _ in 0..3 {
            // Written whole to a temporary file, then linked to the lock's name: the link
            // fails if a lock exists, and a lock is never seen half-written.
            let tmp = tempfile::Builder::new()
                .prefix(".lock-")
                .tempfile_in(dir)
                .map_err(FolderError::io("creating a lock in", dir))?;
            tmp.as_file()
                .write_all(me.to_text().as_bytes())
                .and_then(|()| tmp.as_file().sync_all())
                .map_err(FolderError::io("writing", tmp.path()))?;
            let created = match std::fs::hard_link(tmp.path(), &path) {
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                    // A file system without hard links: create the lock directly.
                    create_new(&path, &me.to_text())
                }
                linked => linked,
            };
            match created {
                Ok(()) => return Ok((FolderLock::held(path), note)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(FolderError::io("creating", &path)(e)),
            }
            let mut holder = Holder::read(&path).map_err(FolderError::io("reading", &path))?;
            if matches!(holder, Some(None)) {
                // Possibly a lock being written directly: read it again in a moment.
                std::thread::sleep(std::time::Duration::from_millis(100));
                holder = Holder::read(&path).map_err(FolderError::io("reading", &path))?;
            }
            let Some(holder) = holder else {
                continue; // released in between: try again
            };
            match holder.as_ref().map(Holder::alive) {
                Some(Some(true)) => {
                    return Err(FolderError::Busy {
                        dir: target.to_path_buf(),
                        pid: holder.map_or(0, |h| h.pid),
                        lock: path,
                    });
                }
                Some(None) if renewed_within(&path, STALE_AFTER).0 => {
                    let h = holder.unwrap_or_else(Holder::me);
                    return Err(FolderError::OtherHost {
                        dir: target.to_path_buf(),
                        pid: h.pid,
                        host: h.host,
                        age: renewed_within(&path, STALE_AFTER).1,
                        lock: path,
                    });
                }
                Some(_) | None => {
                    // Stale: move it aside under a name of our own, so that two takers never
                    // remove each other's new lock, then remove it.
                    let aside = beside(target, &format!(".lock.stale-{}", me.pid));
                    if std::fs::rename(&path, &aside).is_ok() {
                        let _ = std::fs::remove_file(&aside);
                    }
                    note = Some(match holder {
                        Some(h) if h.host != me.host => format!(
                            "took over the lock of {} from process {} on host `{}`, not renewed for {} s",
                            target.display(),
                            h.pid,
                            h.host,
                            STALE_AFTER.as_secs()
                        ),
                        Some(h) => format!(
                            "took over the lock of {} from process {}, which is no longer running",
                            target.display(),
                            h.pid
                        ),
                        None => format!(
                            "took over the lock of {}, which named no process",
                            target.display()
                        ),
                    });
                }
            }
        }
        Err(FolderError::Busy {
            dir: target.to_path_buf(),
            pid: 0,
            lock: path,
        })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Creates the file `path`, which must not exist, holding `text`.
fn create_new(path: &Path, text: &str) -> std::io::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.renewer.take() {
            let _ = t.join();
        }
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The names (sorted) of the regular files at the top of `dir`, `manifest.json` included.
fn top_files(dir: &Path) -> std::io::Result<Vec<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            continue;
        }
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// Whether `name` is a temporary file of an atomic write.
fn is_temporary(name: &str) -> bool {
    name.starts_with(TEMP_PREFIX)
}

/// Removes what dead writers left of folder `target`, the caller holding its lock: staging
/// folders and folders moved aside beside it (one moved aside while the target is missing is
/// put back), and temporary files inside it. Returns notes on what it did.
pub fn clean_stale(target: &Path) -> Result<Vec<String>, FolderError> {
    let mut notes = Vec::new();
    let dir = parent(target);
    let name = target.file_name().unwrap_or_default();
    let prefix = |kind: &str| {
        let mut p = OsString::from(".");
        p.push(name);
        p.push(kind);
        p.into_encoded_bytes()
    };
    let (staging, old) = (prefix(".staging-"), prefix(".old-"));
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut leftovers: Vec<PathBuf> = Vec::new();
        for entry in entries.flatten() {
            let n = entry.file_name();
            let bytes = n.as_encoded_bytes();
            if bytes.starts_with(&staging) || bytes.starts_with(&old) {
                leftovers.push(entry.path());
            }
        }
        leftovers.sort();
        for p in leftovers {
            let moved_aside = p
                .file_name()
                .is_some_and(|n| n.as_encoded_bytes().starts_with(&old));
            if moved_aside && !target.exists() {
                std::fs::rename(&p, target).map_err(FolderError::io("restoring", &p))?;
                notes.push(format!(
                    "restored {}, which an interrupted run had moved aside",
                    target.display()
                ));
                continue;
            }
            std::fs::remove_dir_all(&p)
                .or_else(|_| std::fs::remove_file(&p))
                .map_err(FolderError::io("removing", &p))?;
            notes.push(format!(
                "removed {}, left by an interrupted run",
                p.display()
            ));
        }
    }
    if target.is_dir() {
        let files = top_files(target).map_err(FolderError::io("reading", target))?;
        let temporary: Vec<&String> = files.iter().filter(|n| is_temporary(n)).collect();
        for n in &temporary {
            let p = target.join(n);
            std::fs::remove_file(&p).map_err(FolderError::io("removing", &p))?;
        }
        if !temporary.is_empty() {
            notes.push(format!(
                "removed {} temporary file(s) an interrupted run left in {}",
                temporary.len(),
                target.display()
            ));
        }
    }
    Ok(notes)
}

/// What folder `dir` holds, in words, or `None` when it does not exist or holds nothing
/// that counts: with `files_only`, subfolders do not count.
pub fn holdings(dir: &Path, files_only: bool) -> Result<Option<String>, FolderError> {
    if !dir.exists() {
        return Ok(None);
    }
    if !dir.is_dir() {
        return Err(FolderError::NotAFolder {
            dir: dir.to_path_buf(),
        });
    }
    let mut entries: Vec<(String, bool)> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(FolderError::io("reading", dir))? {
        let entry = entry.map_err(FolderError::io("reading", dir))?;
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if files_only && is_dir {
            continue;
        }
        entries.push((entry.file_name().to_string_lossy().into_owned(), is_dir));
    }
    if entries.is_empty() {
        return Ok(None);
    }
    entries.sort();
    if entries.iter().any(|(n, d)| n == MANIFEST && !d) {
        return Ok(Some(
            "the outputs of another run (its manifest.json)".into(),
        ));
    }
    let shown: Vec<String> = entries
        .iter()
        .take(3)
        .map(|(n, d)| if *d { format!("{n}/") } else { n.clone() })
        .collect();
    Ok(Some(format!(
        "{} entr{} not written by this run ({}{})",
        entries.len(),
        if entries.len() == 1 { "y" } else { "ies" },
        shown.join(", "),
        if entries.len() > 3 { ", …" } else { "" }
    )))
}

/// Removes the files at the top of `dir` (its subfolders are kept).
pub fn remove_files(dir: &Path) -> Result<(), FolderError> {
    if !dir.is_dir() {
        return Ok(());
    }
    for n in top_files(dir).map_err(FolderError::io("reading", dir))? {
        let p = dir.join(n);
        std::fs::remove_file(&p).map_err(FolderError::io("removing", &p))?;
    }
    Ok(())
}

/// A staging folder beside a target folder: written in full, then moved into place.
#[derive(Debug)]
pub struct Staging {
    target: PathBuf,
    path: PathBuf,
    committed: bool,
}

impl Staging {
    /// Creates the staging folder of `target` (the caller holds its lock).
    pub fn create(target: &Path) -> Result<Staging, FolderError> {
        let path = beside(target, &format!(".staging-{}", std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path).map_err(FolderError::io("removing", &path))?;
        }
        std::fs::create_dir_all(&path).map_err(FolderError::io("creating", &path))?;
        Ok(Staging {
            target: target.to_path_buf(),
            path,
            committed: false,
        })
    }

    /// The staging folder, where the files go.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Moves the staging folder into place, replacing the target (moved aside, then removed).
    pub fn commit(&mut self) -> Result<(), FolderError> {
        sync_dir(&self.path).map_err(FolderError::io("flushing", &self.path))?;
        let old = beside(&self.target, &format!(".old-{}", std::process::id()));
        let had_target = self.target.exists();
        if had_target {
            std::fs::rename(&self.target, &old)
                .map_err(FolderError::io("moving aside", &self.target))?;
        }
        if let Err(e) = std::fs::rename(&self.path, &self.target) {
            if had_target {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(FolderError::io("moving into place", &self.path)(e));
        }
        self.committed = true;
        let _ = sync_dir(parent(&self.target));
        if had_target {
            std::fs::remove_dir_all(&old).map_err(FolderError::io("removing", &old))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

/// SHA-256 (hexadecimal) and size of the file at `path`, read in blocks.
pub fn hash_file(path: &Path) -> std::io::Result<(String, u64)> {
    let mut f = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
    }
    let hex = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    Ok((hex, bytes))
}

/// Every file at the top of `dir` but `manifest.json`, by name, with its size and hash.
pub fn inventory(dir: &Path) -> std::io::Result<Vec<OutputFile>> {
    let files: Vec<String> = top_files(dir)?
        .into_iter()
        .filter(|file| file != MANIFEST)
        .collect();
    each_in_order(&files, |file| {
        let (sha256, bytes) = hash_file(&dir.join(file))?;
        Ok(OutputFile {
            file: file.clone(),
            bytes,
            sha256,
        })
    })
    .into_iter()
    .collect()
}

/// `f` of each item, in the items' order: in parallel when called on a worker pool (a
/// command's `--threads` pool), one after another otherwise, so that a caller outside any
/// pool does not start rayon's global one. For the files of an output folder (hashing them,
/// writing the pictures), whose order the results keep.
pub fn each_in_order<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use rayon::prelude::*;
    if rayon::current_thread_index().is_some() {
        items.par_iter().map(&f).collect()
    } else {
        items.iter().map(f).collect()
    }
}

/// How a folder compares with its manifest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Verified {
    /// Files the manifest lists.
    pub listed: usize,
    /// Listed files that are not there.
    pub missing: Vec<String>,
    /// Files there that the manifest does not list.
    pub extra: Vec<String>,
    /// Listed files whose size or content differs, with what differs.
    pub changed: Vec<(String, String)>,
}

impl Verified {
    /// Whether the folder is exactly what its manifest lists.
    pub fn is_ok(&self) -> bool {
        self.missing.is_empty() && self.extra.is_empty() && self.changed.is_empty()
    }
}

/// Why a folder cannot be compared with its manifest.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// No such folder.
    #[error("{}: no such folder", dir.display())]
    NoFolder {
        /// The folder.
        dir: PathBuf,
    },
    /// The folder has no manifest: unfinished.
    #[error(
        "{}: no {MANIFEST}: the folder is unfinished (an interrupted command, or a sweep to finish with --resume) or was not written by sahelsim",
        dir.display()
    )]
    NoManifest {
        /// The folder.
        dir: PathBuf,
    },
    /// The manifest lists no outputs (not JSON, or written before manifests listed them).
    #[error(
        "{}: {MANIFEST} lists no outputs ({why}); it was written by an older sahelsim or is damaged",
        dir.display()
    )]
    NoList {
        /// The folder.
        dir: PathBuf,
        /// What is wrong with it.
        why: String,
    },
    /// A file could not be read.
    #[error("reading {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// Compares the files at the top of `dir` with the list in its `manifest.json`.
pub fn verify(dir: &Path) -> Result<Verified, VerifyError> {
    if !dir.is_dir() {
        return Err(VerifyError::NoFolder {
            dir: dir.to_path_buf(),
        });
    }
    let manifest_path = dir.join(MANIFEST);
    let text = match std::fs::read_to_string(&manifest_path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(VerifyError::NoManifest {
                dir: dir.to_path_buf(),
            });
        }
        Err(source) => {
            return Err(VerifyError::Read {
                path: manifest_path,
                source,
            });
        }
    };
    #[derive(Deserialize)]
    struct Listed {
        outputs: Vec<OutputFile>,
    }
    let listed: Listed = serde_json::from_str(&text).map_err(|e| VerifyError::NoList {
        dir: dir.to_path_buf(),
        why: e.to_string(),
    })?;
    let present = top_files(dir).map_err(|source| VerifyError::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut v = Verified {
        listed: listed.outputs.len(),
        ..Verified::default()
    };
    for f in &listed.outputs {
        if !present.contains(&f.file) {
            v.missing.push(f.file.clone());
            continue;
        }
        let path = dir.join(&f.file);
        let (sha, bytes) = hash_file(&path).map_err(|source| VerifyError::Read {
            path: path.clone(),
            source,
        })?;
        if bytes != f.bytes {
            v.changed
                .push((f.file.clone(), format!("{bytes} bytes, listed {}", f.bytes)));
        } else if sha != f.sha256 {
            v.changed
                .push((f.file.clone(), "same size, other content (SHA-256)".into()));
        }
    }
    for p in &present {
        if p != MANIFEST && !listed.outputs.iter().any(|f| &f.file == p) {
            v.extra.push(p.clone());
        }
    }
    v.missing.sort();
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_refuses_a_second_writer_and_a_dead_ones_lock_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let (lock, note) = FolderLock::acquire(&target).unwrap();
        assert!(note.is_none());
        // This process holds it: a second taker is refused (it is alive).
        let e = FolderLock::acquire(&target).unwrap_err();
        assert!(matches!(e, FolderError::Busy { .. }), "{e}");
        assert!(e.to_string().contains("being written by another"), "{e}");
        drop(lock);
        assert!(!lock_path(&target).exists());
        // A lock naming a process that cannot exist is stale.
        let dead = Holder {
            pid: i32::MAX as u32,
            host: host_name(),
            start: None,
        };
        std::fs::write(lock_path(&target), dead.to_text()).unwrap();
        let (_lock, note) = FolderLock::acquire(&target).unwrap();
        assert!(note.unwrap().contains("no longer running"));
        assert_eq!(
            Holder::read(&lock_path(&target))
                .unwrap()
                .unwrap()
                .unwrap()
                .pid,
            std::process::id()
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_lock_of_a_writer_that_ended_but_is_not_yet_reaped_is_taken_over() {
        // A child that has exited but not been waited for is a zombie: its id still answers
        // `kill(pid, 0)`, but it holds nothing.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while !exited(pid) && std::time::Instant::now() < deadline {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(exited(pid), "the child {pid} did not become a zombie");
        assert_eq!(process_exists(pid), Some(true));
        let holder = Holder {
            pid,
            host: host_name(),
            start: start_time(pid),
        };
        assert_eq!(holder.alive(), Some(false));
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        std::fs::write(lock_path(&target), holder.to_text()).unwrap();
        let (_lock, note) = FolderLock::acquire(&target).unwrap();
        assert!(note.unwrap().contains("no longer running"));
        child.wait().unwrap();
        // This process is running.
        assert!(!exited(std::process::id()));
    }

    #[test]
    fn a_lock_on_another_host_is_taken_over_only_when_no_longer_renewed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        let other = Holder {
            pid: 1,
            host: format!("{}-elsewhere", host_name()),
            start: None,
        };
        std::fs::write(lock_path(&target), other.to_text()).unwrap();
        let e = FolderLock::acquire(&target).unwrap_err();
        assert!(e.to_string().contains("-elsewhere"), "{e}");
        assert!(lock_path(&target).exists());
        // Not renewed for longer than STALE_AFTER: its holder stopped; taken over.
        let old = std::time::SystemTime::now() - STALE_AFTER - std::time::Duration::from_secs(5);
        std::fs::File::options()
            .write(true)
            .open(lock_path(&target))
            .unwrap()
            .set_modified(old)
            .unwrap();
        let (_lock, note) = FolderLock::acquire(&target).unwrap();
        assert!(note.unwrap().contains("not renewed"));
    }

    #[test]
    fn staging_replaces_the_folder_only_when_committed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.txt"), "old").unwrap();
        {
            let s = Staging::create(&target).unwrap();
            std::fs::write(s.path().join("new.txt"), "new").unwrap();
            // Dropped without commit: the old folder stays, the staging folder goes.
        }
        assert_eq!(top_files(&target).unwrap(), vec!["old.txt"]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let mut s = Staging::create(&target).unwrap();
        std::fs::write(s.path().join("new.txt"), "new").unwrap();
        s.commit().unwrap();
        assert_eq!(top_files(&target).unwrap(), vec!["new.txt"]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn stale_leftovers_are_cleaned_and_a_folder_moved_aside_is_restored() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out");
        std::fs::create_dir(beside(&target, ".staging-99999")).unwrap();
        std::fs::create_dir(beside(&target, ".old-99999")).unwrap();
        std::fs::write(beside(&target, ".old-99999").join("a.csv"), "a").unwrap();
        let notes = clean_stale(&target).unwrap();
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert_eq!(top_files(&target).unwrap(), vec!["a.csv"]);
        std::fs::write(target.join(".tmpAbC-events.csv"), "half").unwrap();
        clean_stale(&target).unwrap();
        assert_eq!(top_files(&target).unwrap(), vec!["a.csv"]);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        // Another folder's leftovers are not touched.
        std::fs::create_dir(dir.path().join(".outer.staging-1")).unwrap();
        clean_stale(&target).unwrap();
        assert!(dir.path().join(".outer.staging-1").exists());
    }

    #[test]
    fn verify_finds_missing_extra_and_changed_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("a.csv"), "1,2\n").unwrap();
        std::fs::write(d.join("b.json"), "{}").unwrap();
        std::fs::write(d.join("c.txt"), "same").unwrap();
        let manifest = WithOutputs {
            manifest: &serde_json::json!({"program": "x"}),
            outputs: inventory(d).unwrap(),
        };
        std::fs::write(d.join(MANIFEST), serde_json::to_string(&manifest).unwrap()).unwrap();
        assert!(verify(d).unwrap().is_ok());
        assert_eq!(verify(d).unwrap().listed, 3);
        std::fs::write(d.join("a.csv"), "1,3\n").unwrap();
        std::fs::write(d.join("c.txt"), "longer").unwrap();
        std::fs::remove_file(d.join("b.json")).unwrap();
        std::fs::write(d.join("d.png"), "x").unwrap();
        let v = verify(d).unwrap();
        assert_eq!(v.missing, vec!["b.json"]);
        assert_eq!(v.extra, vec!["d.png"]);
        let changed: Vec<&str> = v.changed.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(changed, vec!["a.csv", "c.txt"]);
        std::fs::remove_file(d.join(MANIFEST)).unwrap();
        assert!(matches!(verify(d), Err(VerifyError::NoManifest { .. })));
    }

    #[test]
    fn holdings_say_what_a_folder_holds() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("x");
        assert_eq!(holdings(&d, false).unwrap(), None);
        std::fs::create_dir_all(d.join("shards")).unwrap();
        assert_eq!(holdings(&d, true).unwrap(), None);
        assert!(holdings(&d, false).unwrap().unwrap().contains("shards/"));
        std::fs::write(d.join(MANIFEST), "{}").unwrap();
        assert!(holdings(&d, true).unwrap().unwrap().contains("another run"));
        remove_files(&d).unwrap();
        assert_eq!(holdings(&d, true).unwrap(), None);
        assert!(d.join("shards").exists());
    }

    #[test]
    fn the_current_folder_is_not_an_output_folder() {
        assert!(resolve(Path::new(".")).is_err());
        assert!(resolve(Path::new("..")).is_err());
        assert!(resolve(Path::new("/")).is_err());
        assert_eq!(
            resolve(Path::new("output/x")).unwrap(),
            PathBuf::from("output/x")
        );
    }
}
