//! The scenarios the explorer offers: the Sahel scenarios of the scenarios folder and a
//! session's uploads, each read by the loader `check` uses, and what the page shows of them.
//!
//! An upload is read as if it were a file of the scenarios folder
//! ([`crate::scenario::Source::parse_confined`]): its `extends` may name the folder's files and
//! nothing outside it. To run, an upload is written into the session's folder with its
//! `extends` rewritten to the absolute path of the file it names ([`rewrite_extends`]).

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::geo::map_data;
use crate::report::run_report::intervention_text;
use crate::scenario::locate::FieldIndex;
use crate::scenario::raw::ModelKind;
use crate::scenario::{Scenario, ScenarioError, ScenarioErrors, Source, format_date};

/// Largest upload accepted, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 256 * 1024;

/// A scenario as the page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioInfo {
    /// What the page sends back to name it: its path in the scenarios folder, or `upload/…`.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: String,
    /// Its period.
    pub period: PeriodView,
    /// Its default number of replicates.
    pub replicates: u32,
    /// Its groups' names.
    pub groups: Vec<String>,
    /// Its own interventions.
    pub interventions: Vec<InterventionView>,
    /// Located problems (empty for a usable scenario).
    pub errors: Vec<ErrorView>,
}

/// A period as ISO dates.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct PeriodView {
    /// First day.
    pub start: String,
    /// Last day.
    pub end: String,
}

/// An intervention in a sentence.
#[derive(Debug, Clone, Serialize)]
pub struct InterventionView {
    /// Its name.
    pub name: String,
    /// Its kind.
    pub kind: String,
    /// What it does, where and when, as the report states it.
    pub text: String,
}

/// A located scenario problem, as `check` prints it and in parts.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorView {
    /// The file's name (the folder is not shown).
    pub file: String,
    /// Line, from 1.
    pub line: Option<usize>,
    /// Column, from 1.
    pub col: Option<usize>,
    /// The field path.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// What was expected.
    pub expected: Option<String>,
    /// The whole message, as `check` prints it, with the file's name only.
    pub text: String,
}

/// The problems of `errors`, file paths shortened to their names (the server's folders are not
/// the page's business).
pub fn error_views(errors: &ScenarioErrors) -> Vec<ErrorView> {
    errors
        .0
        .iter()
        .map(|e| {
            let name = e
                .file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let short = ScenarioError {
                file: PathBuf::from(&name),
                ..e.clone()
            };
            ErrorView {
                file: name,
                line: e.position.map(|p| p.line),
                col: e.position.map(|p| p.col),
                path: e.path.clone(),
                message: e.message.clone(),
                expected: e.expected.clone(),
                text: format!("error: {short}"),
            }
        })
        .collect()
}

/// What the page shows of a valid scenario.
pub fn info(id: &str, s: &Scenario) -> ScenarioInfo {
    ScenarioInfo {
        id: id.to_string(),
        name: s.name.clone(),
        description: s.description.clone(),
        period: PeriodView {
            start: format_date(s.period.start),
            end: format_date(s.period.end),
        },
        replicates: s.replicates,
        groups: s.groups.iter().map(|g| g.name.clone()).collect(),
        interventions: s
            .interventions
            .iter()
            .map(|iv| InterventionView {
                name: iv.name.clone(),
                kind: format!("{:?}", iv.kind),
                text: intervention_text(s, iv),
            })
            .collect(),
        errors: Vec::new(),
    }
}

/// What the page shows of a scenario that does not load.
pub fn broken(id: &str, errors: &ScenarioErrors) -> ScenarioInfo {
    ScenarioInfo {
        id: id.to_string(),
        name: id.to_string(),
        description: String::new(),
        period: PeriodView {
            start: String::new(),
            end: String::new(),
        },
        replicates: 0,
        groups: Vec::new(),
        interventions: Vec::new(),
        errors: error_views(errors),
    }
}

/// The Sahel scenarios of `folder` and its subfolders, by id (path relative to it, `/`
/// between parts), each validated; reference-model scenarios and files that are not scenarios
/// (sweep and calibration specs) are left out.
pub fn list(folder: &Path) -> Vec<(String, Result<Scenario, ScenarioErrors>)> {
    let mut files = Vec::new();
    collect(folder, folder, &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|(id, path)| {
            let loaded = Source::read(&path).and_then(|s| s.validate(map_data()));
            match &loaded {
                Ok(s) if s.kind != ModelKind::Sahel => None,
                // A sweep, calibration or ensemble spec names its `base`: not a scenario.
                Err(_) if is_spec(&path) => None,
                _ => Some((id, loaded)),
            }
        })
        .collect()
}

/// Whether the file is a sweep, calibration or ensemble spec (its top level names a `base`).
fn is_spec(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|t| FieldIndex::build(&t).find("base").is_some())
}

/// Every `.ron` file under `dir` (not following links), with its id relative to `root`.
fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        let path = entry.path();
        if kind.is_dir() {
            collect(root, &path, out);
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "ron") {
            let Ok(rel) = path.strip_prefix(root) else {
                continue;
            };
            let id: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push((id.join("/"), path));
        }
    }
}

/// The file of the scenarios folder `folder` that `id` names, if it is one the listing offers
/// (a relative path of plain names ending in `.ron`, inside the folder after resolving links).
pub fn file_of(folder: &Path, id: &str) -> Option<PathBuf> {
    if id.is_empty()
        || !id.ends_with(".ron")
        || id
            .split('/')
            .any(|p| p.is_empty() || p == "." || p == ".." || p.contains('\\'))
    {
        return None;
    }
    let root = folder.canonicalize().ok()?;
    let path = root.join(id).canonicalize().ok()?;
    (path.starts_with(&root) && path.is_file()).then_some(path)
}

/// Why an upload was refused.
#[derive(Debug)]
pub enum UploadError {
    /// Over [`MAX_UPLOAD_BYTES`].
    TooLarge(usize),
    /// Not UTF-8 text.
    NotText,
    /// The scenario's problems.
    Invalid(ScenarioErrors),
}

/// A file name for an upload: the name sent, reduced to letters, digits, `-`, `_` and `.`,
/// ending in `.ron`.
pub fn upload_name(sent: &str) -> String {
    let base = sent.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = base.strip_suffix(".ron").unwrap_or(base);
    let clean: String = stem
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(64)
        .collect();
    let clean = clean.trim_matches('.');
    if clean.is_empty() {
        "upload.ron".to_string()
    } else {
        format!("{clean}.ron")
    }
}

/// Reads an upload named `name` as a file of the scenarios folder `folder` would be read, with
/// its `extends` confined to that folder; returns it as validated, with the text to run it
/// from anywhere (its `extends` made absolute).
pub fn read_upload(
    folder: &Path,
    name: &str,
    bytes: &[u8],
) -> Result<(Scenario, String), UploadError> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(UploadError::TooLarge(bytes.len()));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| UploadError::NotText)?;
    // As the loader reads it: a byte-order mark is not part of the text.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let root = folder.canonicalize().map_err(|e| {
        UploadError::Invalid(
            ScenarioError::new(
                name,
                "",
                format!("the scenarios folder cannot be read: {e}"),
            )
            .into(),
        )
    })?;
    let path = root.join(name);
    let source = Source::parse_confined(text, &path, &root).map_err(UploadError::Invalid)?;
    let scenario = source.validate(map_data()).map_err(UploadError::Invalid)?;
    if scenario.kind != ModelKind::Sahel {
        return Err(UploadError::Invalid(
            ScenarioError::new(&path, "kind", "the explorer runs the Sahel model only")
                .expected("a scenario of the Sahel model (kind: Sahel, the default)")
                .into(),
        ));
    }
    let written = FieldIndex::build(text).find("extends");
    let runnable = match extends_value(text) {
        None if written.is_none() => text.to_string(),
        None => {
            return Err(UploadError::Invalid(
                ScenarioError::new(&path, "extends", "`extends` cannot be read")
                    .at(written)
                    .expected("extends: \"baseline.ron\"")
                    .into(),
            ));
        }
        Some(rel) => {
            let parent = root.join(&rel).canonicalize().map_err(|e| {
                UploadError::Invalid(
                    ScenarioError::new(&path, "extends", format!("cannot read `{rel}`: {e}"))
                        .into(),
                )
            })?;
            rewrite_extends(text, &parent.to_string_lossy()).ok_or_else(|| {
                UploadError::Invalid(
                    ScenarioError::new(
                        &path,
                        "extends",
                        "`extends` must be written as a plain string",
                    )
                    .at(FieldIndex::build(text).find("extends"))
                    .expected("extends: \"baseline.ron\"")
                    .into(),
                )
            })?
        }
    };
    Ok((scenario, runnable))
}

/// The `extends` a scenario text writes, if any, read as the loader reads it (the text was
/// validated, so it parses).
fn extends_value(text: &str) -> Option<String> {
    crate::scenario::ron_options()
        .from_str::<crate::scenario::raw::RawScenario>(text)
        .ok()?
        .extends
}

/// `text` with the string its top-level `extends` field writes replaced by `value`; `None`
/// where that string is not a plain `"…"` literal.
pub fn rewrite_extends(text: &str, value: &str) -> Option<String> {
    let at = FieldIndex::build(text).find("extends")?;
    let line_start: usize = text
        .split_inclusive('\n')
        .take(at.line - 1)
        .map(str::len)
        .sum();
    let open: usize = text[line_start..]
        .char_indices()
        .nth(at.col - 1)
        .map(|(i, _)| line_start + i)?;
    if !text[open..].starts_with('"') {
        return None;
    }
    let mut close = None;
    let mut escaped = false;
    for (i, c) in text[open + 1..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => {
                close = Some(open + 1 + i);
                break;
            }
            _ => {}
        }
    }
    let close = close?;
    let quoted = ron::to_string(value).ok()?;
    Some(format!("{}{}{}", &text[..open], quoted, &text[close + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extends_is_rewritten_in_place_and_nothing_else_changes() {
        let text = "// a policy\n(\n    name: \"x\",\n    extends: \"baseline.ron\",\n    note_extends: 1,\n)\n";
        let out = rewrite_extends(text, "/abs/scen \"q\"/baseline.ron").unwrap();
        assert_eq!(
            out,
            "// a policy\n(\n    name: \"x\",\n    extends: \"/abs/scen \\\"q\\\"/baseline.ron\",\n    note_extends: 1,\n)\n"
        );
        assert_eq!(rewrite_extends("(name: \"x\")", "/a"), None);
        assert_eq!(
            rewrite_extends("scenario(extends: \"b.ron\", name: \"x\")", "/a/b.ron").as_deref(),
            Some("scenario(extends: \"/a/b.ron\", name: \"x\")")
        );
        assert_eq!(rewrite_extends("(extends: r\"a.ron\")", "/a"), None);
    }

    #[test]
    fn upload_names_are_plain_file_names() {
        assert_eq!(upload_name("../../etc/passwd"), "passwd.ron");
        assert_eq!(upload_name("<script>x</script>.ron"), "script.ron");
        assert_eq!(upload_name("a<b>c.ron"), "abc.ron");
        assert_eq!(upload_name("C:\\a\\my policy.ron"), "mypolicy.ron");
        assert_eq!(upload_name("..."), "upload.ron");
    }

    #[test]
    fn only_listed_files_are_named_by_id() {
        let folder = Path::new("scenarios");
        assert!(file_of(folder, "baseline.ron").is_some());
        assert!(file_of(folder, "../Cargo.toml").is_none());
        assert!(file_of(folder, "/etc/passwd").is_none());
        assert!(file_of(folder, "policies/../baseline.ron").is_none());
        assert!(file_of(folder, "baseline").is_none());
    }
}
