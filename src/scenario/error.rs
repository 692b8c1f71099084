//! Errors in scenario files: where (file, line, column, field path), what is wrong, what was
//! expected and, where the valid choices are known, the closest one ("did you mean").

use std::fmt;
use std::path::{Path, PathBuf};

/// A position in a scenario file, 1-based like editors show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    /// Line, starting at 1.
    pub line: usize,
    /// Column (in characters), starting at 1.
    pub col: usize,
}

/// One problem found in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioError {
    /// The file the problem is in (the file that wrote the offending value).
    pub file: PathBuf,
    /// Where in the file; `None` when the problem is not tied to a place (e.g. missing file).
    pub position: Option<Position>,
    /// The field path, e.g. `groups[FLM].tactics.civilian_targeting`; empty for the whole file.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// What was expected, e.g. "a probability between 0 and 1".
    pub expected: Option<String>,
    /// The closest valid choice, where the value is one of a known set.
    pub suggestion: Option<String>,
    /// The valid choices, where the value is one of a known set.
    pub choices: Vec<String>,
    /// Where the problem arose when the value was not written in a scenario file, e.g. "at
    /// point 3 of the sweep, where epstein.citizen_vision = 10".
    pub note: Option<String>,
}

impl ScenarioError {
    /// A new error with only a message; add details with the builder methods.
    pub fn new(
        file: impl Into<PathBuf>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            file: file.into(),
            position: None,
            path: path.into(),
            message: message.into(),
            expected: None,
            suggestion: None,
            choices: Vec::new(),
            note: None,
        }
    }

    /// Sets the note that says where the problem arose.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Whether `other` is the same problem at the same place (its note aside).
    pub fn same_problem(&self, other: &ScenarioError) -> bool {
        self.file == other.file
            && self.position == other.position
            && self.path == other.path
            && self.message == other.message
            && self.expected == other.expected
    }

    /// Sets the position.
    pub fn at(mut self, position: Option<Position>) -> Self {
        self.position = position;
        self
    }

    /// Sets what was expected.
    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    /// Sets the valid choices and picks the closest one to `found` as a suggestion.
    pub fn choices<S: AsRef<str>>(mut self, found: &str, choices: &[S]) -> Self {
        self.choices = choices.iter().map(|c| c.as_ref().to_string()).collect();
        self.suggestion = closest(found, &self.choices);
        self
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(p) = self.position {
            write!(f, ":{}:{}", p.line, p.col)?;
        }
        if self.path.is_empty() {
            write!(f, ": {}", self.message)?;
        } else {
            write!(f, ": {}: {}", self.path, self.message)?;
        }
        if let Some(e) = &self.expected {
            write!(f, "\n  expected: {e}")?;
        }
        if let Some(s) = &self.suggestion {
            write!(f, "\n  did you mean `{s}`?")?;
        }
        if !self.choices.is_empty() {
            write!(f, "\n  valid choices: {}", self.choices.join(", "))?;
        }
        if let Some(n) = &self.note {
            write!(f, "\n  {n}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

/// All the problems found in a scenario (validation reports every one it finds, not just the
/// first).
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl ScenarioErrors {
    /// The first problem (there is always at least one).
    pub fn first(&self) -> &ScenarioError {
        &self.0[0]
    }
}

impl From<ScenarioError> for ScenarioErrors {
    fn from(e: ScenarioError) -> Self {
        Self(vec![e])
    }
}

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {e}")?;
        }
        if self.0.len() > 1 {
            write!(f, "\n{} problems found", self.0.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioErrors {}

/// The problems found validating many variants of one scenario (the points of a sweep or a
/// calibration): each distinct problem once, with the note of the first variant that had it,
/// at most [`Problems::LIMIT`] of them.
#[derive(Debug, Clone, Default)]
pub struct Problems {
    errors: Vec<ScenarioError>,
    left_out: usize,
}

impl Problems {
    /// Most distinct problems reported.
    pub const LIMIT: usize = 20;

    /// Adds the problems of one variant, `note` saying which (e.g. "at point 3 of the sweep").
    pub fn add(&mut self, found: ScenarioErrors, note: &str) {
        for e in found.0 {
            if self.errors.iter().any(|r| r.same_problem(&e)) {
                continue;
            }
            if self.errors.len() < Self::LIMIT {
                self.errors.push(e.note(note));
            } else {
                self.left_out += 1;
            }
        }
    }

    /// `Ok` when no variant had a problem; else every problem kept, and one at `path` (written
    /// at `position` in `file`) counting those left out.
    pub fn into_result(
        self,
        file: &Path,
        path: &str,
        position: Option<Position>,
    ) -> Result<(), ScenarioErrors> {
        let mut errors = self.errors;
        if self.left_out > 0 {
            errors.push(
                ScenarioError::new(
                    file,
                    path,
                    format!("{} more problems of the same kind", self.left_out),
                )
                .at(position),
            );
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(ScenarioErrors(errors))
        }
    }
}

/// Folds case and the accents common in Sahelian place names, so that "segou" matches "Ségou".
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' => 'a',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ò' | 'ó' | 'ô' | 'ö' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            '’' | '`' => '\'',
            '–' | '—' => '-',
            c => c,
        })
        .collect()
}

/// The choice closest to `found`, if any is close enough to be a plausible typo.
pub fn closest(found: &str, choices: &[String]) -> Option<String> {
    let f = fold(found);
    choices
        .iter()
        .map(|c| {
            let g = fold(c);
            let score =
                strsim::jaro_winkler(&f, &g).max(strsim::normalized_damerau_levenshtein(&f, &g));
            (score, c)
        })
        .filter(|(score, _)| *score >= 0.65)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_accented_names() {
        let choices = vec![
            "Ségou".to_string(),
            "Mopti".to_string(),
            "Sahel".to_string(),
        ];
        assert_eq!(closest("Segou", &choices).as_deref(), Some("Ségou"));
        assert_eq!(closest("mopt", &choices).as_deref(), Some("Mopti"));
        assert_eq!(closest("Ouagadougou", &choices), None);
    }

    #[test]
    fn problems_keep_each_distinct_problem_once_and_count_the_rest() {
        let problem = |v: usize| {
            ScenarioErrors::from(
                ScenarioError::new(
                    "base.ron",
                    "epstein.citizen_vision",
                    format!("{v} is out of range"),
                )
                .at(Some(Position { line: 2, col: 5 })),
            )
        };
        let mut p = Problems::default();
        p.add(problem(10), "at point 1");
        p.add(problem(10), "at point 4");
        for v in 0..Problems::LIMIT + 3 {
            p.add(problem(100 + v), "at a later point");
        }
        let spec = Path::new("sweep.ron");
        let at = Some(Position { line: 4, col: 5 });
        let errs = p.into_result(spec, "parameters", at).unwrap_err();
        assert_eq!(errs.0.len(), Problems::LIMIT + 1);
        assert_eq!(errs.0[0].note.as_deref(), Some("at point 1"));
        assert!(
            !errs.0[1..]
                .iter()
                .any(|e| e.message == "10 is out of range")
        );
        let last = &errs.0[Problems::LIMIT];
        assert_eq!(last.message, "4 more problems of the same kind");
        assert_eq!((last.file.as_path(), last.position), (spec, at));
        assert!(
            Problems::default()
                .into_result(spec, "parameters", None)
                .is_ok()
        );
    }

    #[test]
    fn display_has_file_line_col_path_and_hint() {
        let e = ScenarioError::new("a.ron", "groups[FLM].name", "unknown group `FML`")
            .at(Some(Position { line: 3, col: 9 }))
            .expected("a group defined in `groups`")
            .choices("FML", &["FLM", "ISGS"]);
        let s = e.to_string();
        assert!(
            s.starts_with("a.ron:3:9: groups[FLM].name: unknown group `FML`"),
            "{s}"
        );
        assert!(s.contains("did you mean `FLM`?"), "{s}");
        assert!(s.contains("valid choices: FLM, ISGS"), "{s}");
    }
}
