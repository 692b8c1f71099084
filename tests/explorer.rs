//! `sahelsim serve` over HTTP: hostile uploads are refused or kept as data, sessions do not
//! see each other's runs, a run writes what `compare` writes and can be cancelled, and only
//! loopback names are answered. The server is the real program, on a free port, with a
//! scenarios folder of its own.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A server, stopped when dropped.
struct Server {
    child: Child,
    port: u16,
    work: tempfile::TempDir,
    _scenarios: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response: status, headers (lower-case names), body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A scenarios folder with the baseline, a short, coarse version of it, a broken file, a
/// reference model's scenario and a sweep spec.
fn scenarios() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("scenarios/baseline.ron", dir.path().join("baseline.ron")).unwrap();
    std::fs::copy(
        "scenarios/reference/epstein.ron",
        dir.path().join("epstein.ron"),
    )
    .unwrap();
    std::fs::write(dir.path().join("broken.ron"), "(name: \"broken\", seed: )").unwrap();
    std::fs::write(
        dir.path().join("spec.ron"),
        "(name: \"a-sweep\", base: \"baseline.ron\", parameters: [])",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("short.ron"),
        r#"(extends: "baseline.ron", name: "short", period: (end: "2017-12-31"), map: (resolution_deg: 0.5))"#,
    )
    .unwrap();
    dir
}

fn start() -> Server {
    let scenarios = scenarios();
    let work = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_sahelsim"))
        .args(["serve", "--port", "0", "--scenarios"])
        .arg(scenarios.path())
        .arg("--work")
        .arg(work.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split('/').next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no address in {line:?}"));
    Server {
        child,
        port,
        work,
        _scenarios: scenarios,
    }
}

impl Server {
    /// One request, `cookie` the session's (None: a new browser).
    fn call(
        &self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        extra: &[(&str, &str)],
        body: &[u8],
    ) -> Reply {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Length: {}\r\n",
            self.port,
            body.len()
        );
        if let Some(c) = cookie {
            head.push_str(&format!("Cookie: {c}\r\n"));
        }
        for (k, v) in extra {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).unwrap();
        // A refused body may be left unread by the server: its reply is still there to read.
        let _ = s.write_all(body);
        let mut raw = Vec::new();
        let _ = s.read_to_end(&mut raw);
        parse(&raw)
    }

    fn get(&self, path: &str, cookie: &str) -> Reply {
        self.call("GET", path, Some(cookie), &[], b"")
    }

    fn post_json(&self, path: &str, cookie: &str, body: &Value) -> Reply {
        self.call(
            "POST",
            path,
            Some(cookie),
            &[("Content-Type", "application/json")],
            body.to_string().as_bytes(),
        )
    }

    fn upload(&self, cookie: &str, name: &str, text: &[u8]) -> Reply {
        self.call(
            "POST",
            "/api/upload",
            Some(cookie),
            &[("X-File-Name", name)],
            text,
        )
    }

    /// Starts a run of `policy` in session `cookie`; its id.
    fn start_run(&self, cookie: &str, policy: &Value) -> String {
        let started = self.post_json("/api/runs", cookie, policy);
        let body = String::from_utf8_lossy(&started.body).to_string();
        assert_eq!(started.status, 202, "{body}");
        started.json()["run"]["id"].as_str().unwrap().to_string()
    }

    /// A new session's cookie.
    fn session(&self) -> String {
        let r = self.call("GET", "/api/form", None, &[], b"");
        assert_eq!(r.status, 200);
        let set = r.header("set-cookie").expect("a session cookie is set");
        assert!(
            set.contains("HttpOnly") && set.contains("SameSite=Strict"),
            "{set}"
        );
        set.split(';').next().unwrap().to_string()
    }

    /// Waits for run `id` to leave the running state.
    fn wait(&self, id: &str, cookie: &str) -> Value {
        let t = Instant::now();
        loop {
            let s = self.get(&format!("/api/runs/{id}"), cookie).json();
            if s["state"] != "running" {
                return s;
            }
            assert!(
                t.elapsed() < Duration::from_secs(300),
                "run {id} never ended"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

/// Parses an HTTP/1.1 reply (plain or chunked body).
fn parse(raw: &[u8]) -> Reply {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete reply");
    let head = String::from_utf8_lossy(&raw[..end]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v == "chunked")
    {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let nl = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let n = usize::from_str_radix(std::str::from_utf8(&rest[..nl]).unwrap().trim(), 16)
                .unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&rest[nl + 2..nl + 2 + n]);
            rest = &rest[nl + 2 + n + 2..];
        }
        body = out;
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn policy(name: &str, region: &str, replicates: u32) -> Value {
    json!({
        "base": "short.ron", "name": name, "description": "", "period": null,
        "resolution_deg": null, "replicates": replicates,
        "interventions": [{
            "name": "protection", "kind": "ProtectCommunities", "start": "2017-04-01",
            "end": null, "places": {"regions": [region]}, "groups": [],
            "intensity": 0.5, "capacity": 2000, "option": null
        }]
    })
}

#[test]
fn hostile_uploads_are_refused_or_kept_as_data() {
    let server = start();
    let me = server.session();

    // Oversized: refused with a sentence, nothing kept.
    let big = vec![b' '; 300 * 1024];
    let r = server.upload(&me, "big.ron", &big);
    assert_eq!(r.status, 413);
    assert!(r.json()["error"].as_str().unwrap().contains("at most"));

    // `extends` reaching out of the scenarios folder: refused, located on `extends`, and the
    // file outside is not read.
    for outside in [
        "../../../../../../etc/passwd",
        "/etc/passwd",
        "../baseline.ron",
    ] {
        let text = format!("(extends: {outside:?}, name: \"x\")");
        let r = server.upload(&me, "x.ron", text.as_bytes());
        assert_eq!(r.status, 422, "{outside}");
        let e = &r.json()["errors"][0];
        assert_eq!(e["path"], "extends", "{outside}: {e}");
        assert_eq!(e["line"], 1);
        assert!(
            e["message"]
                .as_str()
                .unwrap()
                .contains("not a scenario file of the scenarios folder"),
            "{e}"
        );
        assert!(!e["text"].as_str().unwrap().contains("root:"), "{e}");
    }

    // A broken value: refused with check's located message.
    let r = server.upload(
        &me,
        "bad.ron",
        b"(extends: \"short.ron\",\n name: \"bad\",\n interventions: [(name: \"a\", kind: Reintegration, start: \"2017-03-01\", intensity: 1.5)])",
    );
    assert_eq!(r.status, 422);
    let e = &r.json()["errors"][0];
    assert_eq!(e["line"], 3);
    assert_eq!(e["file"], "bad.ron");
    assert!(
        e["text"].as_str().unwrap().starts_with("error: bad.ron:3:"),
        "{e}"
    );

    // Markup in the file name and in the scenario's name and description: the file name is
    // reduced to plain characters, the texts come back as the same data (the page writes them
    // as text, never as markup).
    let evil = "<img src=x onerror=alert(1)>";
    let text = format!(
        "(extends: \"short.ron\", name: {evil:?}, description: \"<script>alert(2)</script>\")"
    );
    let r = server.upload(&me, "../../<b>evil</b>.ron", text.as_bytes());
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let info = &r.json()["scenario"];
    assert_eq!(info["id"], "upload/b.ron");
    assert_eq!(info["name"], evil);
    assert_eq!(info["description"], "<script>alert(2)</script>");
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
    let kept = server
        .work
        .path()
        .join(me.split('=').nth(1).unwrap())
        .join("uploads/b.ron");
    assert!(kept.is_file(), "{}", kept.display());
    // Kept runnable: its `extends` now names the folder's file absolutely.
    let kept_text = std::fs::read_to_string(&kept).unwrap();
    assert!(kept_text.contains("short.ron\""), "{kept_text}");
    assert!(Path::new(kept_text.split('"').nth(1).unwrap()).is_absolute());

    // Another browser does not see the upload.
    let other = server.session();
    let listed = server.get("/api/scenarios", &other).json();
    let ids: Vec<&str> = listed["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    // The broken file is listed with its located error; the reference model and the spec are
    // not offered.
    assert_eq!(ids, ["baseline.ron", "broken.ron", "short.ron"]);
    assert_eq!(listed["scenarios"][1]["errors"][0]["line"], 1);
    let mine = server.get("/api/scenarios", &me).json();
    assert_eq!(mine["scenarios"].as_array().unwrap().len(), 4);

    // Written as `scenario(…)` after a byte-order mark: kept with its `extends` made absolute.
    let r = server.upload(
        &me,
        "named.ron",
        "\u{feff}scenario(extends: \"short.ron\", name: \"named\")".as_bytes(),
    );
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    let named = server
        .work
        .path()
        .join(me.split('=').nth(1).unwrap())
        .join("uploads/named.ron");
    let named = std::fs::read_to_string(named).unwrap();
    assert!(
        Path::new(named.split('"').nth(1).unwrap()).is_absolute(),
        "{named}"
    );
    let mut p = policy("on-named", "Mopti", 2);
    p["base"] = json!("upload/named.ron");
    assert_eq!(server.post_json("/api/compose", &me, &p).status, 200);

    // A reference model's scenario is not a base, even named by hand.
    let mut p = policy("p", "Mopti", 2);
    p["base"] = json!("epstein.ron");
    assert_eq!(server.post_json("/api/compose", &me, &p).status, 422);
    // A policy named after a file of the base's chain is not a cycle.
    let mut p = policy("baseline", "Mopti", 2);
    p["base"] = json!("baseline.ron");
    assert_eq!(server.post_json("/api/compose", &me, &p).status, 200);
    // A problem in the policy names no folder of the server.
    let r = server.post_json("/api/compose", &me, &policy("p", "Nowhere", 2));
    assert_eq!(r.status, 422);
    let body = String::from_utf8_lossy(&r.body).to_string();
    let folder = server._scenarios.path().to_string_lossy().to_string();
    assert!(!body.contains(&folder), "{body}");
    assert!(body.contains("Nowhere"), "{body}");

    // A policy on a base that is not a listed file.
    let mut p = policy("p", "Mopti", 2);
    p["base"] = json!("../Cargo.toml");
    assert_eq!(server.post_json("/api/compose", &me, &p).status, 404);
    // A policy name that is not a file name.
    let mut p = policy("p", "Mopti", 2);
    p["name"] = json!("../../x");
    let r = server.post_json("/api/compose", &me, &p);
    assert_eq!(r.status, 422);
}

#[test]
fn a_session_is_one_the_server_gave_and_changes_come_from_its_page() {
    let server = start();
    // A session id the server never gave is replaced.
    let forged = "sahelsim_session=00000000000000000000000000000000";
    let r = server.call("GET", "/api/form", Some(forged), &[], b"");
    let given = r.header("set-cookie").expect("a new session");
    assert!(
        !given.contains("00000000000000000000000000000000"),
        "{given}"
    );
    let r = server.upload(forged, "u.ron", b"(extends: \"short.ron\", name: \"u\")");
    assert_eq!(r.status, 200);
    assert!(
        !server
            .work
            .path()
            .join("00000000000000000000000000000000")
            .exists()
    );

    // A page of another site or port cannot make changes.
    let me = server.session();
    for (name, value) in [
        ("Origin", "http://evil.example"),
        ("Origin", "http://127.0.0.1:1"),
        ("Sec-Fetch-Site", "cross-site"),
        ("Sec-Fetch-Site", "same-site"),
    ] {
        let r = server.call(
            "POST",
            "/api/upload",
            Some(&me),
            &[(name, value), ("X-File-Name", "u.ron")],
            b"(extends: \"short.ron\", name: \"u\")",
        );
        assert_eq!(r.status, 403, "{name}: {value}");
    }
    // Its own page can.
    let own = format!("http://127.0.0.1:{}", server.port);
    let r = server.call(
        "POST",
        "/api/upload",
        Some(&me),
        &[("Origin", &own), ("Sec-Fetch-Site", "same-origin")],
        b"(extends: \"short.ron\", name: \"u\")",
    );
    assert_eq!(r.status, 200);
}

#[test]
fn only_requests_to_a_loopback_name_are_answered() {
    let server = start();
    let r = server.call("GET", "/api/form", None, &[], b"");
    assert_eq!(r.status, 200);
    let mut s = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    s.write_all(b"GET /api/form HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    assert_eq!(parse(&raw).status, 403);
}

#[test]
fn a_run_writes_what_compare_writes_and_only_its_session_sees_it() {
    let server = start();
    let me = server.session();
    let composed = server.post_json("/api/compose", &me, &policy("protect-mopti", "Mopti", 2));
    assert_eq!(
        composed.status,
        200,
        "{}",
        String::from_utf8_lossy(&composed.body)
    );
    let text = composed.json()["text"].as_str().unwrap().to_string();
    assert!(text.contains("extends: \"short.ron\""), "{text}");

    let id = server.start_run(&me, &policy("protect-mopti", "Mopti", 2));

    // Another browser sees nothing of it.
    let other = server.session();
    assert_eq!(server.get(&format!("/api/runs/{id}"), &other).status, 404);
    assert_eq!(
        server
            .call(
                "POST",
                &format!("/api/runs/{id}/cancel"),
                Some(&other),
                &[],
                b""
            )
            .status,
        404
    );

    let done = server.wait(&id, &me);
    assert_eq!(done["state"], "done", "{done}");
    assert_eq!(done["percent"], 100.0);

    // The run's folder holds what `sahelsim compare` writes, and verifies.
    let dir = server
        .work
        .path()
        .join(me.split('=').nth(1).unwrap())
        .join("runs")
        .join(&id);
    let verify = Command::new(env!("CARGO_BIN_EXE_sahelsim"))
        .arg("verify")
        .arg(dir.join("compare"))
        .output()
        .unwrap();
    assert!(verify.status.success(), "{verify:?}");
    // The policy is kept as the user downloads it; what ran extends the base absolutely.
    assert_eq!(
        std::fs::read_to_string(dir.join("scenario.ron")).unwrap(),
        text
    );
    let served = server.get(&format!("/api/runs/{id}/files/scenario.ron"), &me);
    assert_eq!(String::from_utf8_lossy(&served.body), text);

    let cmp = server
        .get(&format!("/api/runs/{id}/comparison"), &me)
        .json();
    assert_eq!(cmp["scenario"], "protect-mopti");
    assert_eq!(cmp["replicates"], 2);
    assert!(cmp["rows"].as_array().unwrap().len() > 10);
    let files: Vec<&str> = cmp["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap())
        .collect();
    assert!(files.contains(&"report.html") && files.contains(&"compare_map_events.png"));
    let report = server.get(&format!("/api/runs/{id}/files/report.html"), &me);
    assert_eq!(report.status, 200);
    assert_eq!(
        report.header("content-disposition"),
        Some("attachment; filename=\"report.html\"")
    );
    assert_eq!(
        report.body,
        std::fs::read(dir.join("compare/report.html")).unwrap()
    );
    for name in [
        "manifest.json/..",
        "..%2F..%2Fbase.ron",
        ".lock",
        "watch.json.gz",
        "base.ron",
    ] {
        let r = server.get(&format!("/api/runs/{id}/files/{name}"), &me);
        assert_eq!(r.status, 404, "{name}");
    }
    assert_eq!(
        server
            .get(&format!("/api/runs/{id}/files/report.html"), &other)
            .status,
        404
    );

    // The watch: every month of 2017, the policy's cells, a frame a month.
    let w = server.get(&format!("/api/runs/{id}/watch"), &me).json();
    assert_eq!(w["months"].as_array().unwrap().len(), 12);
    assert_eq!(w["months"][0], "2017-01");
    assert_eq!(w["policy_start"], 3);
    assert_eq!(w["frames"].as_array().unwrap().len(), 12);
    let (width, height) = (
        w["map"]["width"].as_u64().unwrap(),
        w["map"]["height"].as_u64().unwrap(),
    );
    assert_eq!(
        w["map"]["region"].as_array().unwrap().len() as u64,
        width * height
    );
    assert!(!w["places"].as_array().unwrap().is_empty());
    let events: u64 = w["series"]["policy"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .sum();
    let in_frames: u64 = w["frames"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["events"].as_array().unwrap().iter())
        .map(|p| p[1].as_u64().unwrap())
        .sum();
    assert_eq!(events, in_frames);
    assert!(events > 0);
    // Served compressed to a browser that takes it, plain otherwise: the same JSON.
    let gz = server.call(
        "GET",
        &format!("/api/runs/{id}/watch"),
        Some(&me),
        &[("Accept-Encoding", "gzip, deflate")],
        b"",
    );
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    let mut plain = Vec::new();
    flate2::read::GzDecoder::new(&gz.body[..])
        .read_to_end(&mut plain)
        .unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&plain).unwrap(), w);
}

#[test]
fn a_cancelled_run_stops() {
    let server = start();
    let me = server.session();
    let mut p = policy("long", "Mopti", 40);
    p["base"] = json!("baseline.ron");
    let id = server.start_run(&me, &p);
    // A second run of the same session waits for the first.
    assert_eq!(server.post_json("/api/runs", &me, &p).status, 429);
    // A second session may run one; a third waits: the server runs two at once.
    let other = server.session();
    let second = server.post_json("/api/runs", &other, &p);
    assert_eq!(second.status, 202);
    let third = server.session();
    let r = server.post_json("/api/runs", &third, &p);
    assert_eq!(r.status, 503, "{}", String::from_utf8_lossy(&r.body));
    let second = second.json()["run"]["id"].as_str().unwrap().to_string();
    let r = server.call(
        "POST",
        &format!("/api/runs/{second}/cancel"),
        Some(&other),
        &[],
        b"",
    );
    assert_eq!(r.json()["run"]["state"], "cancelled");
    std::thread::sleep(Duration::from_millis(300));
    let r = server.call(
        "POST",
        &format!("/api/runs/{id}/cancel"),
        Some(&me),
        &[],
        b"",
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["run"]["state"], "cancelled");
    let t = Instant::now();
    let s = server.wait(&id, &me);
    assert_eq!(s["state"], "cancelled");
    assert!(t.elapsed() < Duration::from_secs(30));
    assert_eq!(
        server.get(&format!("/api/runs/{id}/watch"), &me).status,
        409
    );
    // The session may start again.
    let id = server.start_run(&me, &policy("short-again", "Mopti", 2));
    assert_eq!(server.wait(&id, &me)["state"], "done");
}
