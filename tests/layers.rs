//! The crate's layers, kept by a test: a module may use modules of lower layers only, so no
//! import points upward and there is no import loop. ARCHITECTURE.md states the same order.
//!
//! The check reads the source: every `crate::<module>` path (and `super::<module>` in a
//! top-level `mod.rs`, which names the crate root) outside comments and strings is a use of
//! that module.

use std::path::{Path, PathBuf};

/// The layers, lowest first. A module may use its own layer's code and any lower layer's.
const LAYERS: [&str; 9] = [
    "geo",        // the map: data, geometry, the grid; knows nothing about scenarios
    "scenario",   // the file format, validated into parameters (uses the map data)
    "sim",        // the Sahel model
    "reference",  // reference models (uses sim's seeding)
    "record",     // outputs of a run: series, summaries, writers
    "experiment", // replicates, comparisons, validation, calibration, sweeps
    "report",     // pictures and report.html
    "explorer",   // `sahelsim serve`: the web explorer
    "cli",        // the commands
];

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|m| *m == module)
}

/// Source code without its comments (line, doc and block comments) and with every string
/// literal emptied (`""`): what is left is code, where a path is an import.
fn strip_comments(text: &str) -> String {
    let b = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        if rest.starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if rest.starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if rest.starts_with(b"'\"'") || rest.starts_with(b"'\\\"'") {
            // The character literals '"' and '\"' do not open a string.
            let n = if rest[1] == b'"' { 3 } else { 4 };
            out.extend_from_slice(&rest[..n]);
            i += n;
        } else if rest.starts_with(b"r\"") || rest.starts_with(b"r#") {
            // A raw string: r"..." or r#"..."#, closed by a quote and as many hashes.
            let hashes = rest[1..].iter().take_while(|&&c| c == b'#').count();
            let open = 1 + hashes;
            if rest.get(open) != Some(&b'"') {
                out.push(b[i]);
                i += 1;
                continue;
            }
            let mut close = vec![b'"'];
            close.extend(std::iter::repeat_n(b'#', hashes));
            let body = open + 1;
            let len = rest[body..]
                .windows(close.len())
                .position(|w| w == close.as_slice())
                .map_or(rest.len(), |p| body + p + close.len());
            out.extend_from_slice(b"\"\"");
            i += len;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            out.extend_from_slice(b"\"\"");
            i = (j + 1).min(b.len());
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The top-level modules that `code` (comments stripped) uses through `prefix` (`crate::` or
/// `super::`).
fn used_modules(code: &str, prefix: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        let before = code[..at].chars().last();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &code[at + prefix.len()..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if rank(&name).is_some() && !found.contains(&name) {
            found.push(name);
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("src is readable")
        .map(|e| e.expect("src is readable").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// Every upward import under `src`, as "file: module (layer) uses module (layer)".
fn upward_imports(src: &Path) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let mut bad = Vec::new();
    for file in files {
        let rel = file.strip_prefix(src).expect("under src");
        let mut parts = rel.components();
        let first = parts
            .next()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .unwrap_or_default();
        let module = first.trim_end_matches(".rs").to_string();
        let Some(own) = rank(&module) else {
            continue; // lib.rs, main.rs
        };
        let code = strip_comments(&std::fs::read_to_string(&file).expect("readable"));
        let mut used = used_modules(&code, "crate::");
        // In a top-level `src/<module>/mod.rs` (or `src/<module>.rs`), `super::` is the root.
        let top_level = rel.components().count() == 1 || rel.ends_with(format!("{module}/mod.rs"));
        if top_level {
            used.extend(used_modules(&code, "super::"));
        }
        for m in used {
            let r = rank(&m).expect("known module");
            if r > own {
                bad.push(format!(
                    "{}: `{module}` (layer {own}) uses `{m}` (layer {r})",
                    rel.display()
                ));
            }
        }
    }
    bad
}

#[test]
fn no_module_imports_from_a_layer_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let bad = upward_imports(&src);
    assert!(
        bad.is_empty(),
        "imports that point up the layers ({}):\n{}",
        LAYERS.join(" < "),
        bad.join("\n")
    );
}

#[test]
fn the_check_finds_an_upward_import_and_ignores_comments_and_strings() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("geo")).unwrap();
    std::fs::create_dir_all(src.join("scenario")).unwrap();
    std::fs::write(
        src.join("geo/grid.rs"),
        "//! See [`crate::scenario::Scenario`].\nuse crate::scenario::MapParams;\n",
    )
    .unwrap();
    std::fs::write(
        src.join("geo/mod.rs"),
        "/* crate::cli */ const S: &str = \"crate::cli\";\nuse super::report::Plot;\n",
    )
    .unwrap();
    std::fs::write(
        src.join("scenario/mod.rs"),
        "use crate::geo::SahelMap; use super::geo::grid;\n",
    )
    .unwrap();
    let bad = upward_imports(src);
    assert_eq!(
        bad,
        vec![
            "geo/grid.rs: `geo` (layer 0) uses `scenario` (layer 1)".to_string(),
            "geo/mod.rs: `geo` (layer 0) uses `report` (layer 6)".to_string(),
        ]
    );
}
