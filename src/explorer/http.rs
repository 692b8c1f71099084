//! The explorer's HTTP side: routes, sessions, and the JSON each endpoint answers
//! (docs/explorer.md lists them).
//!
//! Helpers return `Result<_, Response>`: a refusal is already the answer to send, and the
//! size of a `Response` on an error path taken once per request does not matter.
#![allow(clippy::result_large_err)]

use std::collections::{BTreeMap, HashMap, HashSet};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Extension, Path as UrlPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::catalog::{self, ErrorView, ScenarioInfo, UploadError};
use super::form::{self, Policy};
use super::runs::{RunRequest, Runs, StartError, State as RunState, WATCH_FILE, lock};
use crate::geo::map_data;
use crate::scenario::raw::ModelKind;
use crate::scenario::{Scenario, ScenarioErrors};

/// The page, compiled in.
const INDEX_HTML: &str = include_str!("../../assets/explorer/index.html");
/// The page's script.
const APP_JS: &str = include_str!("../../assets/explorer/app.js");
/// The page's style sheet.
const APP_CSS: &str = include_str!("../../assets/explorer/app.css");

/// The name of the session cookie.
const COOKIE: &str = "sahelsim_session";
/// Largest request body read at all (an upload over [`catalog::MAX_UPLOAD_BYTES`] but under
/// this is answered with a JSON 413; over it, with the server's plain one).
const BODY_LIMIT: usize = 1024 * 1024;
/// Most replicates a run from the page may ask for.
const MAX_REPLICATES: u32 = 100;
/// Most uploads a session keeps (one more replaces nothing and is refused).
const MAX_UPLOADS: usize = 50;
/// Largest map the watch plays: cells × months (the baseline, 2017-2025 at 0.1°, is about
/// 3 million). Finer runs are for the command line.
const MAX_CELL_MONTHS: u64 = 4_000_000;

/// A session id (the cookie's value).
#[derive(Debug, Clone)]
struct Session(String);

/// An uploaded scenario of a session.
#[derive(Debug, Clone)]
struct Upload {
    info: ScenarioInfo,
    /// Its file name, as a policy that extends it names it.
    name: String,
    /// Where its runnable text is (its `extends` absolute).
    file: PathBuf,
}

/// The server's state.
#[derive(Debug)]
pub struct App {
    scenarios: PathBuf,
    runs: Runs,
    uploads: Mutex<HashMap<String, BTreeMap<String, Upload>>>,
    /// The session ids this server gave out: a cookie with another is replaced, so that no
    /// one can choose a session for a browser, and a server never takes up an old one.
    sessions: Mutex<HashSet<String>>,
    form: Value,
    address: SocketAddr,
}

impl App {
    /// The state of a server offering the scenarios of `scenarios`, writing runs under `work`
    /// with `program` (this program), listening on `address`.
    pub fn new(
        scenarios: PathBuf,
        work: PathBuf,
        program: PathBuf,
        address: SocketAddr,
    ) -> Arc<Self> {
        Arc::new(App {
            scenarios: scenarios.clone(),
            runs: Runs::new(work, program, &scenarios),
            uploads: Mutex::new(HashMap::new()),
            sessions: Mutex::new(HashSet::new()),
            form: form::schema(map_data()),
            address,
        })
    }

    /// Stops every run: the server is shutting down.
    pub fn cancel_all(&self) {
        self.runs.cancel_all();
    }

    fn uploads(&self, session: &str) -> BTreeMap<String, Upload> {
        lock(&self.uploads)
            .get(session)
            .cloned()
            .unwrap_or_default()
    }
}

/// The routes.
pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(index))
        .route(
            "/app.js",
            get(|| async { asset("text/javascript; charset=utf-8", APP_JS) }),
        )
        .route(
            "/app.css",
            get(|| async { asset("text/css; charset=utf-8", APP_CSS) }),
        )
        .route("/api/scenarios", get(scenarios))
        .route("/api/upload", post(upload))
        .route("/api/form", get(form_schema))
        .route("/api/compose", post(compose))
        .route("/api/runs", post(start_run).get(list_runs))
        .route("/api/runs/{id}", get(run_status))
        .route("/api/runs/{id}/progress", get(progress))
        .route("/api/runs/{id}/cancel", post(cancel))
        .route("/api/runs/{id}/watch", get(watch))
        .route("/api/runs/{id}/comparison", get(comparison))
        .route("/api/runs/{id}/files/{name}", get(file))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such page") })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(app.clone(), guard))
        .with_state(app)
}

/// A JSON error.
fn error(status: StatusCode, message: impl Into<String>) -> Response {
    (status, Json(json!({"error": message.into()}))).into_response()
}

/// Scenario problems, with the text they are located in where the page should show it.
fn problems(errors: Vec<ErrorView>, text: Option<&str>) -> Response {
    (
        StatusCode::UNPROCESSABLE_ENTITY,
        Json(json!({"errors": errors, "text": text})),
    )
        .into_response()
}

/// A problem of the form itself as a scenario problem of the file it would write.
fn form_problem(file: &str, message: String) -> Response {
    problems(
        vec![ErrorView {
            file: file.to_string(),
            line: None,
            col: None,
            path: String::new(),
            message: message.clone(),
            expected: None,
            text: format!("error: {file}: {message}"),
        }],
        None,
    )
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}

async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX_HTML)
}

/// Every request: answered only when addressed to this server's loopback name (where it listens
/// on loopback: a page elsewhere cannot reach it through a rebound name), given a session, and
/// sent back with headers that keep the page to its own files.
async fn guard(State(app): State<Arc<App>>, mut req: Request, next: Next) -> Response {
    if app.address.ip().is_loopback() && !host_is_loopback(req.headers(), app.address.port()) {
        return error(
            StatusCode::FORBIDDEN,
            "this server answers requests to 127.0.0.1 or localhost only",
        );
    }
    if req.method() != axum::http::Method::GET && !same_origin(req.headers()) {
        return error(
            StatusCode::FORBIDDEN,
            "this server takes changes from its own page only",
        );
    }
    let known = session_of(req.headers()).filter(|id| lock(&app.sessions).contains(id));
    let (id, new) = match known {
        Some(id) => (id, false),
        None => match new_session_id() {
            Some(id) => (id, true),
            None => {
                return error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "no random numbers for a session",
                );
            }
        },
    };
    if new {
        lock(&app.sessions).insert(id.clone());
    }
    req.extensions_mut().insert(Session(id.clone()));
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    if new
        && let Ok(v) =
            HeaderValue::from_str(&format!("{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict"))
    {
        h.append(header::SET_COOKIE, v);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; \
             script-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; \
             base-uri 'none'; form-action 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// Whether the request's `Host` is a loopback name with this server's port.
fn host_is_loopback(headers: &HeaderMap, port: u16) -> bool {
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
        return false;
    };
    ["127.0.0.1", "localhost", "[::1]"]
        .iter()
        .any(|name| host == format!("{name}:{port}") || (port == 80 && host == *name))
}

/// Whether a request that changes something comes from this server's own page: a browser
/// says where a request comes from (`Origin`, `Sec-Fetch-Site`), and a page of another site or
/// port is refused; a client that is not a browser says nothing and is let through.
fn same_origin(headers: &HeaderMap) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site")
        && site != "same-origin"
        && site != "none"
    {
        return false;
    }
    match (text("origin"), text("host")) {
        (None, _) => true,
        (Some(origin), Some(host)) => origin == format!("http://{host}"),
        (Some(_), None) => false,
    }
}

/// The session id the request's cookie carries, if it is one this server could have made.
fn session_of(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().strip_prefix(COOKIE)?.strip_prefix('='))
        .find(|id| id.len() == 32 && id.chars().all(|c| c.is_ascii_hexdigit()))
        .map(str::to_ascii_lowercase)
}

/// A new random session id: 128 bits from the operating system, in hex.
fn new_session_id() -> Option<String> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).ok()?;
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

async fn form_schema(State(app): State<Arc<App>>) -> Json<Value> {
    Json(app.form.clone())
}

async fn scenarios(
    State(app): State<Arc<App>>,
    Extension(Session(session)): Extension<Session>,
) -> Response {
    let folder = app.scenarios.clone();
    let listed = tokio::task::spawn_blocking(move || catalog::list(&folder))
        .await
        .unwrap_or_default();
    let mut out: Vec<ScenarioInfo> = listed
        .iter()
        .map(|(id, loaded)| match loaded {
            Ok(s) => catalog::info(id, s),
            Err(e) => catalog::broken(id, e),
        })
        .collect();
    out.extend(app.uploads(&session).into_values().map(|u| u.info));
    Json(json!({"scenarios": out})).into_response()
}

async fn upload(
    State(app): State<Arc<App>>,
    Extension(Session(session)): Extension<Session>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let sent = headers
        .get("x-file-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("upload.ron");
    let name = catalog::upload_name(sent);
    let folder = app.scenarios.clone();
    let read_name = name.clone();
    let read =
        tokio::task::spawn_blocking(move || catalog::read_upload(&folder, &read_name, &body)).await;
    let (scenario, runnable) = match read {
        Err(_) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the upload could not be read",
            );
        }
        Ok(Err(UploadError::TooLarge(n))) => {
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the file has {n} bytes; an upload may have at most {}",
                    catalog::MAX_UPLOAD_BYTES
                ),
            );
        }
        Ok(Err(UploadError::NotText)) => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "the file is not UTF-8 text",
            );
        }
        Ok(Err(UploadError::Invalid(e))) => return problems(catalog::error_views(&e), None),
        Ok(Ok(read)) => read,
    };
    let id = format!("upload/{name}");
    let kept = app.uploads(&session);
    if kept.len() >= MAX_UPLOADS && !kept.contains_key(&id) {
        return error(
            StatusCode::TOO_MANY_REQUESTS,
            format!(
                "a session keeps at most {MAX_UPLOADS} uploads: upload under a name used before to replace one"
            ),
        );
    }
    let dir = app.runs.session_dir(&session).join("uploads");
    let file = dir.join(&name);
    if let Err(e) = std::fs::create_dir_all(&dir)
        .and_then(|()| crate::record::atomic::write_atomic(&file, runnable.as_bytes()))
    {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the upload could not be kept: {e}"),
        );
    }
    let info = catalog::info(&id, &scenario);
    lock(&app.uploads).entry(session).or_default().insert(
        id,
        Upload {
            info: info.clone(),
            name,
            file,
        },
    );
    Json(json!({"scenario": info})).into_response()
}

/// A policy's two files, composed and validated.
struct Composed {
    file_name: String,
    /// The file the user downloads (extends the base by its name).
    download: String,
    /// The same with `extends` absolute, to run from a run's folder.
    runnable: String,
    /// The comparison's base.
    base_text: String,
    policy: Scenario,
    base: Scenario,
}

/// Composes `policy` on its base, validates both files; or the response that says why not.
fn compose_policy(app: &App, session: &str, policy: &Policy) -> Result<Composed, Response> {
    let file_name = policy.file_name();
    policy.check().map_err(|e| form_problem(&file_name, e.0))?;
    let (download_extends, base_file) = if policy.base.starts_with("upload/") {
        let uploads = app.uploads(session);
        let u = uploads
            .get(&policy.base)
            .ok_or_else(|| error(StatusCode::NOT_FOUND, "no such uploaded scenario"))?;
        (u.name.clone(), u.file.clone())
    } else {
        let file = catalog::file_of(&app.scenarios, &policy.base).ok_or_else(|| {
            error(
                StatusCode::NOT_FOUND,
                "no such scenario in the scenarios folder",
            )
        })?;
        (policy.base.clone(), file)
    };
    let absolute = base_file.to_string_lossy().into_owned();
    let download = policy.scenario_text(&download_extends, &download_extends);
    let runnable = policy.scenario_text(&absolute, &download_extends);
    // Read as a file no chain can name (a policy named after a file of the base's chain is
    // not a cycle); problems are shown with the base named as the user knows it.
    let as_file = app.scenarios.join(".explorer").join(&file_name);
    let shown = |e: ScenarioErrors| {
        let mut v = catalog::error_views(&e);
        for err in &mut v {
            for text in [&mut err.message, &mut err.text] {
                *text = text
                    .replace(&absolute, &download_extends)
                    .replace(&*app.scenarios.to_string_lossy(), "scenarios");
            }
        }
        v
    };
    let policy_scenario = crate::scenario::load_str(&runnable, &as_file)
        .map_err(|e| problems(shown(e), Some(&download)))?;
    if policy_scenario.kind != ModelKind::Sahel {
        return Err(form_problem(
            &file_name,
            "the explorer runs scenarios of the Sahel model only; this base is a reference model's"
                .to_string(),
        ));
    }
    let (width, height) = policy_scenario.map.grid_size();
    let months = u64::from(policy_scenario.period.days()).div_ceil(30) + 1;
    if (width * height) as u64 * months > MAX_CELL_MONTHS {
        return Err(form_problem(
            &file_name,
            format!(
                "a {width} × {height} grid over {months} months is more than the explorer plays \
                 ({MAX_CELL_MONTHS} cell-months): choose a coarser resolution or a shorter \
                 period, or run the file with `sahelsim compare`"
            ),
        ));
    }
    let base_text = policy.base_text(&absolute);
    let base = crate::scenario::load_str(&base_text, &app.scenarios.join(".explorer/base.ron"))
        .map_err(|e| problems(shown(e), Some(&download)))?;
    Ok(Composed {
        file_name,
        download,
        runnable,
        base_text,
        policy: policy_scenario,
        base,
    })
}

async fn compose(
    State(app): State<Arc<App>>,
    Extension(Session(session)): Extension<Session>,
    Json(policy): Json<Policy>,
) -> Response {
    let task = app.clone();
    let composed = tokio::task::spawn_blocking(move || {
        compose_policy(&task, &session, &policy).map(|c| (c, policy))
    })
    .await;
    match composed {
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the form could not be read",
        ),
        Ok(Err(response)) => response,
        Ok(Ok((c, policy))) => Json(json!({
            "file_name": c.file_name,
            "text": c.download,
            "scenario": catalog::info(&policy.base, &c.policy),
        }))
        .into_response(),
    }
}

async fn start_run(
    State(app): State<Arc<App>>,
    Extension(Session(session)): Extension<Session>,
    Json(policy): Json<Policy>,
) -> Response {
    let replicates = policy.replicates.unwrap_or(2);
    if !(2..=MAX_REPLICATES).contains(&replicates) {
        return form_problem(
            &policy.file_name(),
            format!(
                "replicates must be from 2 to {MAX_REPLICATES} (a comparison needs two or more)"
            ),
        );
    }
    let task = app.clone();
    let started = tokio::task::spawn_blocking(move || {
        let c = compose_policy(&task, &session, &policy)?;
        let req = RunRequest {
            base_text: c.base_text,
            policy_text: c.runnable,
            download_text: c.download,
            base: c.base,
            policy: c.policy,
            replicates,
        };
        task.runs.start(&session, req).map_err(|e| match e {
            StartError::Busy => error(StatusCode::TOO_MANY_REQUESTS, e.to_string()),
            StartError::ServerBusy => error(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
            StartError::Io(_) => error(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        })
    })
    .await;
    match started {
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "the run could not start"),
        Ok(Err(response)) => response,
        Ok(Ok(run)) => (StatusCode::ACCEPTED, Json(json!({"run": run.status()}))).into_response(),
    }
}

async fn list_runs(
    State(app): State<Arc<App>>,
    Extension(Session(session)): Extension<Session>,
) -> Response {
    Json(json!({"runs": app.runs.of(&session)})).into_response()
}

/// The run `id` of the session, or a 404.
fn find(app: &App, session: &str, id: &str) -> Result<Arc<super::runs::Run>, Response> {
    app.runs
        .get(session, id)
        .ok_or_else(|| error(StatusCode::NOT_FOUND, "no such run"))
}

async fn run_status(
    State(app): State<Arc<App>>,
    Extension(Session(session)): Extension<Session>,
    UrlPath(id): UrlPath<String>,
) -> Response {
    match find(&app, &session, &id) {
        Ok(run) => Json(run.status()).into_response(),
        Err(r) => r,
    }
}

async fn cancel(
    State(app): State<Arc<App>>,
    Extension(Session(session)): Extension<Session>,
    UrlPath(id): UrlPath<String>,
) -> Response {
    match find(&app, &session, &id) {
        Ok(run) => {
            run.cancel();
            Json(json!({"run": run.status()})).into_response()
        }
        Err(r) => r,
    }
}

async fn progress(
    State(app): State<Arc<App>>,
    Extension(Session(session)): Extension<Session>,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let run = match find(&app, &session, &id) {
        Ok(run) => run,
        Err(r) => return r,
    };
    // One status at once, then one every half second until one in a final state has gone.
    let stream =
        futures_util::stream::unfold((run, true, false), |(run, first, final_sent)| async move {
            if final_sent {
                return None;
            }
            if !first {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            let status = run.status();
            let event = Event::default()
                .event("status")
                .json_data(&status)
                .unwrap_or_else(|_| Event::default().event("status").data("{}"));
            let ended = status.state != RunState::Running;
            Some((Ok::<_, Infallible>(event), (run, false, ended)))
        });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// A finished run's folder, or a 404/409.
fn finished(app: &App, session: &str, id: &str) -> Result<PathBuf, Response> {
    let run = find(app, session, id)?;
    if run.status().state != RunState::Done {
        return Err(error(StatusCode::CONFLICT, "the run has not finished"));
    }
    Ok(run.dir.clone())
}

async fn watch(
    State(app): State<Arc<App>>,
    Extension(Session(session)): Extension<Session>,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    let dir = match finished(&app, &session, &id) {
        Ok(dir) => dir,
        Err(r) => return r,
    };
    let Ok(gz) = std::fs::read(dir.join(WATCH_FILE)) else {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the watch cannot be read",
        );
    };
    let json = [(header::CONTENT_TYPE, "application/json")];
    let takes_gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    if takes_gzip {
        return (json, [(header::CONTENT_ENCODING, "gzip")], gz).into_response();
    }
    let mut plain = Vec::new();
    match std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gz[..]), &mut plain) {
        Ok(_) => (json, plain).into_response(),
        Err(_) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the watch cannot be read",
        ),
    }
}

async fn comparison(
    State(app): State<Arc<App>>,
    Extension(Session(session)): Extension<Session>,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let dir = match finished(&app, &session, &id) {
        Ok(dir) => dir,
        Err(r) => return r,
    };
    let compare: Value = match std::fs::read(dir.join("compare").join("compare.json"))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
    {
        Some(v) => v,
        None => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "compare.json cannot be read",
            );
        }
    };
    let scenario = compare["differences"]
        .get(0)
        .map(|r| r["scenario"].clone())
        .unwrap_or(Value::Null);
    Json(json!({
        "base": compare["base"],
        "scenario": scenario,
        "replicates": compare["replicates"],
        "policy_period": compare["policy_period"],
        "rows": compare["differences"],
        "files": output_files(&dir.join("compare")),
    }))
    .into_response()
}

/// The plain files of a run's output folder, by name (what `files/{name}` serves).
fn output_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .filter(|n| plain_name(n))
        .collect();
    names.sort();
    names
}

/// A name of letters, digits, `-`, `_` and `.` that does not start with a dot.
fn plain_name(n: &str) -> bool {
    !n.is_empty()
        && !n.starts_with('.')
        && n.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

async fn file(
    State(app): State<Arc<App>>,
    Extension(Session(session)): Extension<Session>,
    UrlPath((id, name)): UrlPath<(String, String)>,
) -> Response {
    let dir = match finished(&app, &session, &id) {
        Ok(dir) => dir,
        Err(r) => return r,
    };
    let path = if name == "scenario.ron" {
        dir.join(&name)
    } else if output_files(&dir.join("compare")).contains(&name) {
        dir.join("compare").join(&name)
    } else {
        return error(StatusCode::NOT_FOUND, "no such file in this run");
    };
    let kind = match name.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        Some("csv") => "text/csv; charset=utf-8",
        _ => "text/plain; charset=utf-8",
    };
    read_file(
        &path,
        kind,
        name.ends_with(".html") || name.ends_with(".ron"),
    )
}

/// A file of a run as the response, as an attachment where `download`.
fn read_file(path: &Path, content_type: &'static str, download: bool) -> Response {
    match std::fs::read(path) {
        Ok(bytes) => {
            let mut res = ([(header::CONTENT_TYPE, content_type)], bytes).into_response();
            if download
                && let Some(name) = path.file_name().and_then(|n| n.to_str())
                && let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
            {
                res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
            }
            res
        }
        Err(_) => error(StatusCode::NOT_FOUND, "the file is not there"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_well_formed_session_cookie_is_taken() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=b; sahelsim_session=0123456789abcdef0123456789ABCDEF"),
        );
        assert_eq!(
            session_of(&h).as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("sahelsim_session=../../x"),
        );
        assert_eq!(session_of(&h), None);
        let a = new_session_id().unwrap();
        assert_eq!(a.len(), 32);
        assert_ne!(Some(a), new_session_id());
    }

    #[test]
    fn only_loopback_hosts_with_the_port_are_answered() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8023"));
        assert!(host_is_loopback(&h, 8023));
        assert!(!host_is_loopback(&h, 8024));
        h.insert(header::HOST, HeaderValue::from_static("evil.example:8023"));
        assert!(!host_is_loopback(&h, 8023));
    }
}
