//! The scenario file format: what an analyst writes (RON), how files that `extends` others are
//! merged, and how the result is validated into the parameters the model runs on.
//!
//! Raw (syntax-checked) and validated types are separate: [`raw::RawScenario`] mirrors the
//! file, [`Scenario`] is what the model sees. Every error carries file, line, column and the
//! field path ([`ScenarioError`]).
//!
//! ```
//! let scenario = sahelsim::scenario::load(std::path::Path::new("scenarios/baseline.ron")).unwrap();
//! assert_eq!(scenario.period.start.year(), 2017);
//! ```
//!
//! There is one validator. `check`, `run` and the other commands validate a scenario as read
//! ([`Source`]); sweeps and calibration set their values in that same [`Source`] by path
//! ([`Source::parameter`], [`Setting`]) and validate it again ([`Source::validate_with`]), so a
//! point that `check` would refuse is refused, with the message `check` gives.

mod checker;
pub mod epstein;
pub mod error;
pub mod groups;
pub mod history;
pub mod interventions;
pub mod limits;
pub mod locate;
pub mod map;
pub mod merge;
pub mod model_params;
pub mod numbers;
pub mod output;
pub mod parameters;
pub mod params;
pub mod period;
pub mod raw;
mod validate;

use std::path::{Path, PathBuf};

use ron::extensions::Extensions;
use sha2::{Digest, Sha256};

pub use error::{Position, Problems, ScenarioError, ScenarioErrors};
pub use map::{DEFAULT_BBOX, MAX_GRID_CELLS};
pub use parameters::{Parameter, PathError, Place};
pub use params::*;
pub use validate::slug;

use crate::geo::{self, MapData};
use checker::{Layer, SetAt};
use locate::FieldIndex;
use merge::Merge;
use raw::RawScenario;

/// Largest scenario file accepted, in bytes.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Deepest `extends` chain accepted.
pub const MAX_EXTENDS_DEPTH: usize = 16;

/// Loads, merges and validates the scenario at `path`.
pub fn load(path: &Path) -> Result<Scenario, ScenarioErrors> {
    Source::read(path)?.validate(geo::map_data())
}

/// Validates scenario text as if it were the file `path` (which need not exist unless the
/// text `extends` another file, resolved relative to `path`).
pub fn load_str(text: &str, path: &Path) -> Result<Scenario, ScenarioErrors> {
    Source::parse(text, path)?.validate(geo::map_data())
}

/// A scenario as read: its file and those it `extends`, merged, not yet validated. Validate
/// it as it is ([`Source::validate`]) or with values set by path ([`Source::validate_with`]).
#[derive(Debug, Clone)]
pub struct Source {
    raw: RawScenario,
    /// The files read, the scenario's own first.
    layers: Vec<Layer>,
}

/// A value set at a parameter from outside the scenario's files (a point of a sweep or a
/// calibration), and where it was written.
#[derive(Debug, Clone)]
pub struct Setting<'a> {
    /// The parameter set.
    pub parameter: &'a Parameter,
    /// The value (rounded where the parameter is a whole number).
    pub value: f64,
    /// The file and position that wrote the value: errors on the parameter's field are
    /// located there. `None`: in the scenario's own file, where the field is written.
    pub written_at: Option<(PathBuf, Option<Position>)>,
}

impl<'a> Setting<'a> {
    /// `parameter` set to `value`.
    pub fn new(parameter: &'a Parameter, value: f64) -> Self {
        Self {
            parameter,
            value,
            written_at: None,
        }
    }

    /// The same setting, written in `file` at `position`.
    pub fn written_at(mut self, file: &Path, position: Option<Position>) -> Self {
        self.written_at = Some((file.to_path_buf(), position));
        self
    }
}

impl Source {
    /// Reads the scenario at `path` and what it extends.
    pub fn read(path: &Path) -> Result<Source, ScenarioErrors> {
        let mut layers = Vec::new();
        let text = read_text(path, None)?;
        let raw = parse_layer(text, path, &mut layers)?;
        let canon = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let raw = extend(raw, path, &mut layers, &mut vec![canon], None)?;
        Ok(Source { raw, layers })
    }

    /// Reads scenario text as if it were the file `path` (which need not exist unless the
    /// text `extends` another file, resolved relative to `path`).
    pub fn parse(text: &str, path: &Path) -> Result<Source, ScenarioErrors> {
        let mut layers = Vec::new();
        let raw = parse_layer(text.to_string(), path, &mut layers)?;
        let raw = extend(raw, path, &mut layers, &mut vec![path.to_path_buf()], None)?;
        Ok(Source { raw, layers })
    }

    /// Reads scenario text as [`Source::parse`] does, but every file of its `extends` chain
    /// must lie inside the folder `root` (compared after resolving `..` and links): text from
    /// outside (an upload to `sahelsim serve`) cannot make the loader read other files. A file
    /// outside is refused with a located error on `extends`, before it is opened.
    pub fn parse_confined(text: &str, path: &Path, root: &Path) -> Result<Source, ScenarioErrors> {
        let root = root.canonicalize().map_err(|e| {
            ScenarioErrors::from(ScenarioError::new(
                path,
                "",
                format!("cannot read the folder `{}`: {e}", root.display()),
            ))
        })?;
        let mut layers = Vec::new();
        let raw = parse_layer(text.to_string(), path, &mut layers)?;
        let raw = extend(
            raw,
            path,
            &mut layers,
            &mut vec![path.to_path_buf()],
            Some(&root),
        )?;
        Ok(Source { raw, layers })
    }

    /// Validates the scenario against the map data `map`.
    pub fn validate(&self, map: &MapData) -> Result<Scenario, ScenarioErrors> {
        validate::validate(self.raw.clone(), &self.layers, &[], map)
    }

    /// The parameter at `path` (`model.…`, `groups.<name>.…`, `interventions.<name>.…`,
    /// `epstein.…`), or why the path names none.
    pub fn parameter(&self, path: &str) -> Result<Parameter, PathError> {
        Parameter::resolve(&self.raw, path)
    }

    /// Validates the scenario with `settings` laid over it, as if its file wrote them: the
    /// same validation as [`Source::validate`], so a value is accepted exactly where `check`
    /// accepts it in a file, with the same messages. Parameters must have been resolved
    /// against this source.
    pub fn validate_with(
        &self,
        settings: &[Setting],
        map: &MapData,
    ) -> Result<Scenario, ScenarioErrors> {
        let mut raw = self.raw.clone();
        let mut set_at = Vec::new();
        let mut errors = Vec::new();
        for s in settings {
            let (file, position) = s.written_at.clone().unzip();
            if let Some(file) = file {
                set_at.push(SetAt {
                    field_path: s.parameter.field_path().to_string(),
                    file,
                    position: position.flatten(),
                });
            }
            if s.parameter.whole() && !s.value.is_finite() {
                let (lo, hi) = s.parameter.range();
                let e = ScenarioError::new(
                    s.written_at
                        .as_ref()
                        .map(|w| w.0.clone())
                        .unwrap_or_default(),
                    s.parameter.field_path(),
                    format!("{} is out of range", s.value),
                )
                .at(s.written_at.as_ref().and_then(|w| w.1))
                .expected(format!("a whole number from {lo} to {hi}"));
                errors.push(e);
                continue;
            }
            s.parameter.set(&mut raw, s.value);
        }
        if !errors.is_empty() {
            return Err(ScenarioErrors(errors));
        }
        validate::validate(raw, &self.layers, &set_at, map)
    }
}

/// The RON options scenario files are read with: `Some(..)` may be left out.
pub fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME | Extensions::UNWRAP_NEWTYPES)
}

/// Follows `raw.extends` (relative to `path`) and lays `raw` over what it extends; with
/// `root`, a file outside that (canonical) folder is refused before it is read.
fn extend(
    raw: RawScenario,
    path: &Path,
    layers: &mut Vec<Layer>,
    seen: &mut Vec<PathBuf>,
    root: Option<&Path>,
) -> Result<RawScenario, ScenarioErrors> {
    let Some(parent_rel) = raw.extends.clone() else {
        return Ok(raw);
    };
    let here = layers
        .last()
        .map(|l| l.index.find("extends"))
        .unwrap_or_default();
    let at = |msg: String| ScenarioError::new(path, "extends", msg).at(here);
    if seen.len() > MAX_EXTENDS_DEPTH {
        return Err(at(format!("more than {MAX_EXTENDS_DEPTH} files deep"))
            .expected("a shorter chain of `extends`")
            .into());
    }
    let parent = path.parent().unwrap_or(Path::new("")).join(&parent_rel);
    let canon = parent.canonicalize().unwrap_or_else(|_| parent.clone());
    if let Some(root) = root
        && (Path::new(&parent_rel).is_absolute() || !canon.starts_with(root) || !canon.is_file())
    {
        return Err(at(format!(
            "`{parent_rel}` is not a scenario file of the scenarios folder"
        ))
        .expected("the path of a file inside the scenarios folder, relative to it, such as \"baseline.ron\"")
        .into());
    }
    if seen.contains(&canon) {
        let mut chain: Vec<String> = layers
            .iter()
            .map(|l| l.path.display().to_string())
            .collect();
        chain.push(parent.display().to_string());
        return Err(at(format!(
            "`{parent_rel}` makes a cycle: {}",
            chain.join(" extends ")
        ))
        .expected("a chain of `extends` that ends")
        .into());
    }
    let text = read_text(&parent, Some(at(String::new())))?;
    seen.push(canon);
    let base = parse_layer(text, &parent, layers)?;
    let mut base = extend(base, &parent, layers, seen, root)?;
    base.merge_from(raw);
    base.extends = None;
    Ok(base)
}

/// Reads a scenario file; `from` is the `extends` error to report a missing file against.
fn read_text(path: &Path, from: Option<ScenarioError>) -> Result<String, ScenarioErrors> {
    let fail = |msg: String| -> ScenarioErrors {
        match &from {
            Some(e) => ScenarioError {
                message: format!("cannot read `{}`: {msg}", path.display()),
                ..e.clone()
            }
            .into(),
            None => ScenarioError::new(path, "", format!("cannot read the file: {msg}")).into(),
        }
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail("not a regular file".to_string()));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(fail(format!(
            "it is {} bytes, more than the {} a scenario may have",
            meta.len(),
            MAX_FILE_BYTES
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| {
        fail(format!(
            "not UTF-8 text (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

fn parse_layer(
    text: String,
    path: &Path,
    layers: &mut Vec<Layer>,
) -> Result<RawScenario, ScenarioErrors> {
    // Each unknown field is reported, blanked out and the text parsed again, so that one pass
    // reports every unknown field together with the problems validation finds.
    let mut body = without_bom(&text).to_string();
    let mut unknown_fields = Vec::new();
    loop {
        let index = FieldIndex::build(&body);
        let parsed: Result<RawScenario, _> = ron_options().from_str(&body);
        match parsed {
            Ok(raw) => {
                let sha256 = sha256_hex(text.as_bytes());
                let mut problems = unknown_fields;
                problems.extend(repeated_names(&raw, path, &index));
                layers.push(Layer {
                    path: path.to_path_buf(),
                    text,
                    sha256,
                    index,
                    problems,
                });
                return Ok(raw);
            }
            Err(e) => {
                let unknown = matches!(e.code, ron::Error::NoSuchStructField { .. });
                let start = Position {
                    line: e.span.start.line,
                    col: e.span.start.col,
                };
                let other_kind = other_kind_of_file(&index, &e).is_some();
                let err = ron_error(path, &body, &index, e);
                if other_kind {
                    // A file of another kind: its every other field would be unknown too.
                    return Err(ScenarioErrors(vec![err]));
                }
                let blanked = (unknown && unknown_fields.len() < MAX_UNKNOWN_FIELDS)
                    .then(|| blank_field(&body, &index, &err.path, start))
                    .flatten();
                unknown_fields.push(err);
                match blanked {
                    Some(b) => body = b,
                    None => return Err(ScenarioErrors(unknown_fields)),
                }
            }
        }
    }
}

/// Most unknown fields reported in one file before reading stops.
const MAX_UNKNOWN_FIELDS: usize = 50;

/// `text` with the field `path` whose name starts at `name_at` (its name, value and the comma
/// after it) replaced by spaces, so that every other position stays where it was; `None`
/// where the field's value cannot be found.
fn blank_field(text: &str, index: &FieldIndex, path: &str, name_at: Position) -> Option<String> {
    let value = index.span_after(path, name_at)?;
    let mut out = String::with_capacity(text.len());
    let (mut line, mut col) = (1usize, 1usize);
    let mut after_value = false;
    for ch in text.chars() {
        let here = Position { line, col };
        let inside = name_at <= here && here < value.end;
        if here >= value.end && !after_value && !ch.is_whitespace() {
            after_value = true;
            out.push(if ch == ',' { ' ' } else { ch });
        } else if inside && ch != '\n' && ch != '\r' {
            out.push(' ');
        } else {
            out.push(ch);
        }
        if ch == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    Some(out)
}

/// The names written twice within one of the named lists of one file (`extends` merges the
/// items of a child's list over its parent's by name, so a name repeated within a file would
/// otherwise be merged silently): an error at each later occurrence.
fn repeated_names(raw: &RawScenario, path: &Path, index: &FieldIndex) -> Vec<ScenarioError> {
    let at = |list: &str, name: &str, n: usize, message: String, expected: &str| {
        let field = format!("{list}[{name}].name");
        let position = index.find_nth(&field, n).or_else(|| index.find(list));
        ScenarioError::new(path, field, message)
            .at(position)
            .expected(expected)
    };
    let mut out = Vec::new();
    if let Some(regions) = raw.map.as_ref().and_then(|m| m.regions.as_ref()) {
        for (r, n) in regions.repeated() {
            out.push(at(
                "map.regions",
                &r.name,
                n,
                format!("region `{}` is written twice", r.name),
                "each region once",
            ));
        }
    }
    if let Some(groups) = &raw.groups {
        for (g, n) in groups.repeated() {
            out.push(at(
                "groups",
                &g.name,
                n,
                format!("group `{}` is defined twice", g.name),
                "unique group names",
            ));
        }
    }
    if let Some(interventions) = &raw.interventions {
        for (i, n) in interventions.repeated() {
            out.push(at(
                "interventions",
                &i.name,
                n,
                format!("`{}` is used twice", i.name),
                "a name unique among the interventions",
            ));
        }
    }
    out
}

/// The number written at `pos` in `text` with its column, where a parser that wanted a whole
/// number stopped inside it at a fraction or an exponent (`5.5`, `1e3`).
fn fraction_at(text: &str, pos: Position) -> Option<(String, usize)> {
    let line: Vec<char> = text
        .lines()
        .nth(pos.line.checked_sub(1)?)?
        .chars()
        .collect();
    let at = pos.col.checked_sub(1)?;
    let is_part = |c: char| c.is_ascii_digit() || "+-._eE".contains(c);
    if !matches!(line.get(at), Some('.' | 'e' | 'E' | '0'..='9')) {
        return None;
    }
    let mut start = at;
    while start > 0 && line.get(start - 1).is_some_and(|c| is_part(*c)) {
        start -= 1;
    }
    let mut end = at;
    while line.get(end).is_some_and(|c| is_part(*c)) {
        end += 1;
    }
    let number: String = line.get(start..end)?.iter().collect();
    let has_fraction = number.contains(['.', 'e', 'E']);
    (has_fraction && number.parse::<f64>().is_ok()).then_some((number, start + 1))
}

/// `text` without the UTF-8 byte-order mark some editors write at its start (the file's bytes,
/// mark included, are what its hash records).
fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// The SHA-256 of `bytes`, as lower-case hex (how manifests record files).
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads a RON file other than a scenario (a calibration or sweep spec) into `T`, with the
/// index that locates its fields for later errors and the text as read.
pub fn read_spec<T: serde::de::DeserializeOwned>(
    path: &Path,
) -> Result<(T, FieldIndex, String), ScenarioErrors> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ScenarioError::new(path, "", format!("cannot read the file: {e}")))?;
    let index = FieldIndex::build(without_bom(&text));
    let value = ron_options()
        .from_str(without_bom(&text))
        .map_err(|e| ron_error(path, without_bom(&text), &index, e))?;
    Ok((value, index, text))
}

/// Top-level fields that only a calibration or sweep spec, or an ensemble, has.
const SPEC_ONLY_FIELDS: [&str; 3] = ["base", "parameters", "members"];
/// Top-level fields that only a scenario has.
const SCENARIO_ONLY_FIELDS: [&str; 5] = ["extends", "period", "groups", "map", "history"];

/// Where ron's error `e` is an unknown top-level field of a file read as one kind (a scenario
/// where the fields expected have `extends`; a spec where they have `base`) that has the
/// top-level fields of the other, what to run it with instead.
fn other_kind_of_file(index: &FieldIndex, e: &ron::error::SpannedError) -> Option<&'static str> {
    let ron::Error::NoSuchStructField { expected, .. } = &e.code else {
        return None;
    };
    let at = Position {
        line: e.span.start.line,
        col: e.span.start.col,
    };
    if !index.path_at(at).unwrap_or("").is_empty() {
        return None;
    }
    let has_any = |fields: &[&str]| fields.iter().any(|f| index.find(f).is_some());
    if expected.contains(&"extends") && has_any(&SPEC_ONLY_FIELDS) {
        return Some(
            "this file looks like a calibration or sweep spec (`base`, `parameters`) or an \
             ensemble (`members`), not a scenario: run a spec with `sahelsim calibrate FILE` or \
             `sahelsim sweep FILE`, an ensemble with `sahelsim compare --ensemble FILE BASE.ron \
             ...`; a scenario builds on another with `extends: \"FILE\"`",
        );
    }
    if expected.contains(&"base") && has_any(&SCENARIO_ONLY_FIELDS) {
        return Some(
            "this file looks like a scenario, not a spec: run it with `sahelsim run FILE`; a \
             spec names the scenario it varies with `base: \"FILE\"`",
        );
    }
    None
}

/// Turns ron's error (in `text`, indexed by `index`) into one an analyst can act on.
pub(crate) fn ron_error(
    path: &Path,
    text: &str,
    index: &FieldIndex,
    e: ron::error::SpannedError,
) -> ScenarioError {
    use ron::Error as E;
    let pos = Position {
        line: e.span.start.line,
        col: e.span.start.col,
    };
    let section = index.path_at(pos).unwrap_or("").to_string();
    let field_path = |f: &str| {
        if section.is_empty() {
            f.to_string()
        } else {
            format!("{section}.{f}")
        }
    };
    let fraction = match &e.code {
        E::ExpectedComma | E::InvalidIntegerDigit { .. } => fraction_at(text, pos),
        _ => None,
    };
    if let Some(number) = fraction {
        let start = Position {
            line: pos.line,
            col: number.1,
        };
        return ScenarioError::new(path, section, format!("{} is not a whole number", number.0))
            .expected("a whole number, without a fraction or exponent")
            .at(Some(start));
    }
    let other_kind = other_kind_of_file(index, &e);
    let err = match &e.code {
        E::NoSuchStructField { expected, found, .. } => {
            let err = ScenarioError::new(path, field_path(found), format!("unknown field `{found}`"))
                .expected(match (section.is_empty(), expected.contains(&"base")) {
                    (false, _) => format!("a field of `{section}`"),
                    (true, false) => "a scenario field".to_string(),
                    (true, true) => "a field of the spec".to_string(),
                })
                .choices(found, expected);
            match other_kind {
                // The closest field name would only mislead: the file is of another kind.
                Some(note) => ScenarioError { suggestion: None, ..err }.note(note),
                None => err,
            }
        }
        E::NoSuchEnumVariant { expected, found, .. } => {
            ScenarioError::new(path, section.clone(), format!("unknown value `{found}`")).expected("one of the valid choices").choices(found, expected)
        }
        E::MissingStructField { field, .. } => {
            ScenarioError::new(path, field_path(field), format!("missing field `{field}`")).expected(format!("`{field}: ...` in this section"))
        }
        E::DuplicateStructField { field, .. } => {
            ScenarioError::new(path, field_path(field), format!("field `{field}` is written twice")).expected("each field once")
        }
        E::InvalidValueForType { expected, found } => {
            ScenarioError::new(path, section.clone(), format!("found {found}")).expected(expected.clone())
        }
        E::Message(m) => ScenarioError::new(path, section.clone(), m.clone()),
        E::ExpectedComma => ScenarioError::new(path, section.clone(), "a comma is missing")
            .expected("a `,` after each field and list item (is one missing at the end of the line before?)"),
        E::ExceededRecursionLimit => ScenarioError::new(path, section.clone(), "nested too deeply").expected("a scenario file, not a deeply nested structure"),
        other => ScenarioError::new(path, section.clone(), format!("syntax error: {other}"))
            .expected("RON syntax: ( field: value, ... ), strings in \"double quotes\", lists in [ ... ]"),
    };
    err.at(Some(pos))
}
