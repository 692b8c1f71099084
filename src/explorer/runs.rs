//! The explorer's runs: a comparison of a base and a policy, run as `sahelsim compare` runs it
//! (the same program, started as a child process, so its folder holds exactly what the command
//! writes), then the first replicate watched month by month ([`super::watch`]). A run belongs to
//! the session that started it; cancelling it stops the child process and the watch.
//!
//! A run's folder, under the server's work folder: `SESSION/runs/ID/` with `base.ron` and
//! `scenario.ron` (the files compared), `compare/` (the command's output folder, report.html
//! included) and `watch.json.gz`.

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
use crate::scenario::{self, Scenario};

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
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// What a run needs to start: the two files, as the form wrote them and the loader read them.
#[derive(Debug)]
pub struct RunRequest {
    /// The comparison's base (the base over the policy's period and map).
    pub base_text: String,
    /// The policy.
    pub policy_text: String,
    /// Both, validated.
    pub base: Scenario,
    /// The policy, validated.
    pub policy: Scenario,
    /// Replicates per scenario.
    pub replicates: u32,
}

/// Every run of the server, by id.
#[derive(Debug)]
pub struct Runs {
    work: PathBuf,
    program: PathBuf,
    next: AtomicU64,
    runs: Mutex<HashMap<String, Arc<Run>>>,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The session has a run going.
    #[error("a run of yours is still going: wait for it or cancel it first")]
    Busy,
    /// The run's folder could not be written.
    #[error("the run's folder could not be written: {0}")]
    Io(#[from] std::io::Error),
}

impl Runs {
    /// Runs kept under `work`, compared by `program` (this program).
    pub fn new(work: PathBuf, program: PathBuf) -> Self {
        Self {
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
        if self.of(session).iter().any(|s| s.state == State::Running) {
            return Err(StartError::Busy);
        }
        let id = format!("r{}", self.next.fetch_add(1, Ordering::SeqCst));
        let dir = self.session_dir(session).join("runs").join(&id);
        std::fs::create_dir_all(&dir)?;
        write_atomic(&dir.join("base.ron"), req.base_text.as_bytes())?;
        write_atomic(&dir.join("scenario.ron"), req.policy_text.as_bytes())?;
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
        lock(&self.runs).insert(id, run.clone());
        let program = self.program.clone();
        let worker = run.clone();
        std::thread::spawn(move || {
            let result = execute(&worker, &program, &req);
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
                    s.message = e;
                }
            }
        });
        Ok(run)
    }
}

/// The watch's file in a run's folder: its JSON, gzip-compressed.
pub const WATCH_FILE: &str = "watch.json.gz";

/// Environment variable that sets how often (ms) a command prints a progress line when its
/// standard error is not a terminal (the explorer reads them from its child process).
pub const PROGRESS_EVERY_MS_ENV: &str = "SAHELSIM_PROGRESS_EVERY_MS";

/// Runs the comparison, then the watch; an error as a sentence for the user.
fn execute(run: &Run, program: &Path, req: &RunRequest) -> Result<(), String> {
    let out = run.dir.join("compare");
    let mut child = Command::new(program)
        .arg("compare")
        .arg(run.dir.join("base.ron"))
        .arg(run.dir.join("scenario.ron"))
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
    let stderr = child.stderr.take();
    *lock(&run.child) = Some(child);
    if run.cancelled() {
        // Cancelled between the start and now: the kill in `cancel` may have missed it.
        if let Some(c) = lock(&run.child).as_mut() {
            let _ = c.kill();
        }
    }
    let mut tail: Vec<String> = Vec::new();
    if let Some(stderr) = stderr {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
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
    let status = lock(&run.child)
        .as_mut()
        .map(|c| c.wait())
        .transpose()
        .map_err(|e| e.to_string())?;
    if run.cancelled() {
        return Err("the comparison was stopped".to_string());
    }
    if !status.is_some_and(|s| s.success()) {
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

/// Validates a scenario text as the file `path` (which is written after), for a run.
pub fn validate_as(text: &str, path: &Path) -> Result<Scenario, scenario::ScenarioErrors> {
    scenario::load_str(text, path)
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
