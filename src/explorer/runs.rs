//! The explorer's runs: a comparison of a base and a policy, run as `sahelsim compare` runs it
//! (the same program, started as a child process, so its folder holds exactly what the command
//! writes), then the first replicate watched month by month ([`super::watch`]). A run belongs to
//! the session that started it; cancelling it stops the child process and the watch.
//!
//! A run's folder, under the server's work folder: `SESSION/runs/ID/` with `scenario.ron` (the
//! policy as the user downloads it: it `extends` the base by its name), `compared/` (the base
//! and the policy as compared, `extends` absolute), `compare/` (the command's output folder,
//! report.html included) and `watch.json.gz`. At most [`MAX_RUNNING`] runs go at once on a
//! server, one per session.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use serde::Serialize;

use super::watch::{Cancelled, watch};
use crate::experiment::compare::policy_start;
use crate::geo::SahelMap;
use crate::record::atomic::write_atomic;
use crate::scenario::Scenario;

/// Where a run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Working.
    Running,
    /// Finished; its comparison and watch can be read.
    Done,
    /// Stopped by an error (see the message).
    Failed,
    /// Stopped by its user.
    Cancelled,
}

/// A run as the page sees it.
#[derive(Debug, Clone, Serialize)]
pub struct RunStatus {
    /// Its id.
    pub id: String,
    /// Where it is.
    pub state: State,
    /// What it is doing: `comparing`, `watching`, `finished`.
    pub stage: &'static str,
    /// Simulated days done.
    pub done: u64,
    /// Simulated days in all.
    pub total: u64,
    /// `done` of `total`, %.
    pub percent: f64,
    /// A sentence for the user.
    pub message: String,
    /// The policy's name.
    pub name: String,
    /// The base's name.
    pub base: String,
    /// Replicates per scenario.
    pub replicates: u32,
}

/// One run.
#[derive(Debug)]
pub struct Run {
    /// The session it belongs to.
    pub session: String,
    /// Its folder.
    pub dir: PathBuf,
    status: Mutex<RunStatus>,
    cancel: AtomicBool,
    child: Mutex<Option<Child>>,
}

impl Run {
    /// Its status now.
    pub fn status(&self) -> RunStatus {
        lock(&self.status).clone()
    }

    /// Stops it: the child process is killed and the watch stops at the next day.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::SeqCst);
        if let Some(child) = lock(&self.child).as_mut() {
            let _ = child.kill();
        }
        let mut s = lock(&self.status);
        if s.state == State::Running {
            s.state = State::Cancelled;
            s.message = "cancelled".to_string();
        }
    }

    fn update(&self, f: impl FnOnce(&mut RunStatus)) {
        let mut s = lock(&self.status);
        if s.state == State::Running {
            f(&mut s);
            s.percent = if s.total == 0 {
                0.0
            } else {
                (100.0 * s.done as f64 / s.total as f64).min(100.0)
            };
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }
}

/// A lock that a panicking holder did not poison for the others (the state stays readable).
pub(super) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a run needs to start: the files, as the form wrote them and the loader read them.
#[derive(Debug)]
pub struct RunRequest {
    /// The comparison's base (the base over the policy's period and map), `extends` absolute.
    pub base_text: String,
    /// The policy, `extends` absolute.
    pub policy_text: String,
    /// The policy as the user downloads it.
    pub download_text: String,
    /// Both, validated.
    pub base: Scenario,
    /// The policy, validated.
    pub policy: Scenario,
    /// Replicates per scenario.
    pub replicates: u32,
}

/// Most runs going at once on one server (each comparison uses every core).
pub const MAX_RUNNING: usize = 2;

/// Every run of the server, by id.
#[derive(Debug)]
pub struct Runs {
    work: PathBuf,
    program: PathBuf,
    /// Folder prefixes shown to users under a short name instead (messages of failed runs).
    shown_as: Vec<(String, &'static str)>,
    next: AtomicU64,
    runs: Mutex<HashMap<String, Arc<Run>>>,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The session has a run going.
    #[error("a run of yours is still going: wait for it or cancel it first")]
    Busy,
    /// The server runs as many as it may.
    #[error(
        "the server is running {MAX_RUNNING} comparisons already: try again when one has finished"
    )]
    ServerBusy,
    /// The run's folder could not be written.
    #[error("the run's folder could not be written: {0}")]
    Io(#[from] std::io::Error),
}

impl Runs {
    /// Runs kept under `work`, compared by `program` (this program); messages name the
    /// scenarios folder `scenarios` by its short name.
    pub fn new(work: PathBuf, program: PathBuf, scenarios: &Path) -> Self {
        Self {
            shown_as: vec![
                (work.to_string_lossy().into_owned(), "work"),
                (scenarios.to_string_lossy().into_owned(), "scenarios"),
            ],
            work,
            program,
            next: AtomicU64::new(1),
            runs: Mutex::new(HashMap::new()),
        }
    }

    /// The folder of `session`.
    pub fn session_dir(&self, session: &str) -> PathBuf {
        self.work.join(session)
    }

    /// Run `id` of `session` (another session's run is not found).
    pub fn get(&self, session: &str, id: &str) -> Option<Arc<Run>> {
        lock(&self.runs)
            .get(id)
            .filter(|r| r.session == session)
            .cloned()
    }

    /// The runs of `session`, oldest first.
    pub fn of(&self, session: &str) -> Vec<RunStatus> {
        let mut v: Vec<RunStatus> = lock(&self.runs)
            .values()
            .filter(|r| r.session == session)
            .map(|r| r.status())
            .collect();
        v.sort_by_key(|s| s.id[1..].parse::<u64>().unwrap_or(0));
        v
    }

    /// Starts a run for `session` on a thread of its own.
    pub fn start(&self, session: &str, req: RunRequest) -> Result<Arc<Run>, StartError> {
        // Checked and registered under one lock: two requests at once cannot both pass.
        let mut runs = lock(&self.runs);
        let running: Vec<&Arc<Run>> = runs
            .values()
            .filter(|r| r.status().state == State::Running)
            .collect();
        if running.iter().any(|r| r.session == session) {
            return Err(StartError::Busy);
        }
        if running.len() >= MAX_RUNNING {
            return Err(StartError::ServerBusy);
        }
        let id = format!("r{}", self.next.fetch_add(1, Ordering::SeqCst));
        let parent = self.session_dir(session).join("runs");
        std::fs::create_dir_all(&parent)?;
        let dir = parent.join(&id);
        // A new folder, never one left by another server on the same work folder.
        std::fs::create_dir(&dir)?;
        std::fs::create_dir(dir.join("compared"))?;
        write_atomic(&dir.join("scenario.ron"), req.download_text.as_bytes())?;
        write_atomic(&dir.join("compared/base.ron"), req.base_text.as_bytes())?;
        write_atomic(
            &dir.join("compared/scenario.ron"),
            req.policy_text.as_bytes(),
        )?;
        let days = u64::from(req.policy.period.days());
        let run = Arc::new(Run {
            session: session.to_string(),
            dir,
            status: Mutex::new(RunStatus {
                id: id.clone(),
                state: State::Running,
                stage: "comparing",
                done: 0,
                total: days * (2 * u64::from(req.replicates) + 2),
                percent: 0.0,
                message: format!(
                    "comparing {} with {} over {} replicates",
                    req.policy.name, req.base.name, req.replicates
                ),
                name: req.policy.name.clone(),
                base: req.base.name.clone(),
                replicates: req.replicates,
            }),
            cancel: AtomicBool::new(false),
            child: Mutex::new(None),
        });
        runs.insert(id, run.clone());
        drop(runs);
        let program = self.program.clone();
        let shown_as = self.shown_as.clone();
        let worker = run.clone();
        std::thread::spawn(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                execute(&worker, &program, &req)
            }))
            .unwrap_or_else(|_| {
                Err("an internal error stopped the run (a bug: please report it)".to_string())
            });
            let mut s = lock(&worker.status);
            if s.state != State::Running {
                return;
            }
            match result {
                Ok(()) => {
                    s.state = State::Done;
                    s.stage = "finished";
                    s.done = s.total;
                    s.percent = 100.0;
                    s.message = "done".to_string();
                }
                Err(e) if worker.cancelled() => {
                    s.state = State::Cancelled;
                    s.message = format!("cancelled ({e})");
                }
                Err(e) => {
                    s.state = State::Failed;
                    s.message = shorten_paths(&e, &worker.dir, &shown_as);
                }
            }
        });
        Ok(run)
    }

    /// Stops every run (the server is shutting down).
    pub fn cancel_all(&self) {
        for run in lock(&self.runs).values() {
            run.cancel();
        }
    }
}

/// `text` with the run's folder left out of paths and the work and scenarios folders named
/// by their short names: a message for the page, which has no business with the server's
/// folders.
fn shorten_paths(text: &str, run_dir: &Path, shown_as: &[(String, &'static str)]) -> String {
    let mut out = text.replace(&format!("{}/", run_dir.to_string_lossy()), "");
    for (prefix, name) in shown_as {
        out = out.replace(prefix.as_str(), name);
    }
    out
}

/// The watch's file in a run's folder: its JSON, gzip-compressed.
pub const WATCH_FILE: &str = "watch.json.gz";

/// Environment variable that sets how often (ms) a command prints a progress line when its
/// standard error is not a terminal (the explorer reads them from its child process).
pub const PROGRESS_EVERY_MS_ENV: &str = "SAHELSIM_PROGRESS_EVERY_MS";

/// Runs the comparison, then the watch; an error as a sentence for the user.
fn execute(run: &Run, program: &Path, req: &RunRequest) -> Result<(), String> {
    let out = run.dir.join("compare");
    let child = Command::new(program)
        .arg("compare")
        .arg(run.dir.join("compared/base.ron"))
        .arg(run.dir.join("compared/scenario.ron"))
        .arg("--replicates")
        .arg(req.replicates.to_string())
        .arg("--by")
        .arg("area,region")
        .arg("--out")
        .arg(&out)
        .arg("--overwrite")
        .env(PROGRESS_EVERY_MS_ENV, "250")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not start `{}`: {e}", program.display()))?;
    let stderr = {
        let mut slot = lock(&run.child);
        let child = slot.insert(child);
        if run.cancelled() {
            // Cancelled while it was starting: the kill in `cancel` found no process.
            let _ = child.kill();
        }
        child.stderr.take()
    };
    // Read to its end (the process's exit closes it), as bytes: a line that is not UTF-8
    // must not stop the reading and leave the process blocked on a full pipe.
    let mut tail: Vec<String> = Vec::new();
    if let Some(stderr) = stderr {
        for line in BufReader::new(stderr).split(b'\n').map_while(Result::ok) {
            let line = String::from_utf8_lossy(&line).into_owned();
            if let Some(done) = progress_days(&line) {
                run.update(|s| s.done = done);
            } else {
                tail.push(line);
                if tail.len() > 20 {
                    tail.remove(0);
                }
            }
        }
    }
    // Waited for without holding the lock across the wait, so that `cancel` never blocks.
    let status = loop {
        let exited = match lock(&run.child).as_mut() {
            Some(c) => c.try_wait().map_err(|e| e.to_string())?,
            None => return Err("the comparison's process is gone".to_string()),
        };
        if let Some(status) = exited {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    if run.cancelled() {
        return Err("the comparison was stopped".to_string());
    }
    if !status.success() {
        return Err(format!("the comparison failed:\n{}", tail.join("\n")));
    }
    let compared = u64::from(req.policy.period.days()) * 2 * u64::from(req.replicates);
    run.update(|s| {
        s.stage = "watching";
        s.done = compared;
        s.message = "playing the first replicate month by month".to_string();
    });
    let base = Arc::new(req.base.clone());
    let policy = Arc::new(req.policy.clone());
    let map = Arc::new(SahelMap::build(&base.map, base.period.start.year()));
    let from = policy_start(&[&base, &policy], None).map_err(|e| e.to_string())?;
    let from = (from - base.period.start).whole_days() as u32;
    let watched = watch(&base, &policy, &map, from, &run.cancel, |d| {
        run.update(|s| s.done = compared + d)
    })
    .map_err(|Cancelled| "the watch was stopped".to_string())?;
    // Kept gzip-compressed: a 2017-2025 run at 0.1° is about 20 MB of JSON, mostly zeros.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    serde_json::to_writer(&mut gz, &watched).map_err(|e| e.to_string())?;
    let gz = gz.finish().map_err(|e| e.to_string())?;
    write_atomic(&run.dir.join(WATCH_FILE), &gz)
        .map_err(|e| format!("could not write {WATCH_FILE}: {e}"))?;
    Ok(())
}

/// The days done in a progress line ("…: 1,234 of 5,000 days (24 %), 0 min elapsed").
fn progress_days(line: &str) -> Option<u64> {
    let (head, rest) = line.rsplit_once(" of ")?;
    if !rest.contains(" days (") {
        return None;
    }
    let number = head.rsplit(": ").next()?;
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    (!digits.is_empty() && digits.len() == number.chars().filter(|c| *c != ',').count())
        .then(|| digits.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_lines_are_read_and_others_are_not() {
        assert_eq!(
            progress_days(
                "comparing 2 scenarios, 2 replicates: 1,234 of 5,000 days (24 %), 0 min elapsed"
            ),
            Some(1234)
        );
        assert_eq!(progress_days("error: scenario.ron:3:4: of 5 days (x"), None);
        assert_eq!(progress_days("wrote out"), None);
    }
}
