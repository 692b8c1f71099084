//! Finds where each field of a RON document is written, so that validation errors found after
//! deserialisation (a probability of 1.5, an unknown region) can still name a line and column.
//!
//! The index maps field paths (`groups[FLM].tactics.civilian_targeting`) to the span of the
//! value. Items of a list that have a `name: "…"` field are addressed by that name
//! (`groups[FLM]`), other items by their index (`anchors[2]`). Maps are addressed like structs
//! (`outcomes.events`). The scanner never panics: on text it does not understand it stops and
//! keeps what it has indexed so far.

use std::collections::HashMap;

use super::error::Position;

/// Where a value is written: from its first character to just after its last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First character of the value.
    pub start: Position,
    /// Just after the last character of the value.
    pub end: Position,
}

/// The index of one document: every field path with the span of its value.
#[derive(Debug, Clone, Default)]
pub struct FieldIndex {
    entries: Vec<(String, Span)>,
    /// For each path, the positions in `entries` where it is written, in the text's order (a
    /// path is written more than once where a list repeats a name).
    by_path: HashMap<String, Vec<usize>>,
}

impl FieldIndex {
    /// Indexes `text`.
    pub fn build(text: &str) -> Self {
        let tokens = tokenize(text);
        let mut walker = Walker {
            tokens: &tokens,
            pos: 0,
            entries: Vec::new(),
            depth: 0,
        };
        walker.value("");
        let entries = walker.entries;
        let mut by_path: HashMap<String, Vec<usize>> = HashMap::with_capacity(entries.len());
        for (k, (path, _)) in entries.iter().enumerate() {
            by_path.entry(path.clone()).or_default().push(k);
        }
        Self { entries, by_path }
    }

    /// Where the value at `path` starts, if the document writes it.
    pub fn find(&self, path: &str) -> Option<Position> {
        self.find_nth(path, 0)
    }

    /// Where the `n`-th (from 0) value at `path` starts, where the document writes `path`
    /// more than once (a name repeated in a list: `groups[X].name`).
    pub fn find_nth(&self, path: &str, n: usize) -> Option<Position> {
        let k = *self.by_path.get(path)?.get(n)?;
        self.entries.get(k).map(|(_, s)| s.start)
    }

    /// The span of the first value at `path` that starts after `pos`.
    pub fn span_after(&self, path: &str, pos: Position) -> Option<Span> {
        self.by_path
            .get(path)?
            .iter()
            .filter_map(|&k| self.entries.get(k))
            .map(|(_, s)| *s)
            .find(|s| s.start > pos)
    }

    /// The deepest path whose value contains `pos` (the section a parse error is in).
    pub fn path_at(&self, pos: Position) -> Option<&str> {
        self.entries
            .iter()
            .filter(|(p, s)| !p.is_empty() && s.start <= pos && pos <= s.end)
            .max_by_key(|(p, _)| p.len())
            .map(|(p, _)| p.as_str())
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Other(String),
    Punct(char),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: Position,
    end: Position,
}

fn tokenize(text: &str) -> Vec<Token> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    // Advances over chars[i], keeping line and column.
    let step = |i: &mut usize, line: &mut usize, col: &mut usize| {
        if chars.get(*i) == Some(&'\n') {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
        *i += 1;
    };
    while i < chars.len() {
        let c = chars[i];
        let start = Position { line, col };
        if c.is_whitespace() {
            step(&mut i, &mut line, &mut col);
        } else if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                step(&mut i, &mut line, &mut col);
            }
        } else if c == '/' && chars.get(i + 1) == Some(&'*') {
            let mut depth = 0usize;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    step(&mut i, &mut line, &mut col);
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    step(&mut i, &mut line, &mut col);
                    if depth == 0 {
                        step(&mut i, &mut line, &mut col);
                        break;
                    }
                }
                step(&mut i, &mut line, &mut col);
            }
        } else if c == '"' || c == '\'' {
            let quote = c;
            let mut s = String::new();
            step(&mut i, &mut line, &mut col);
            while i < chars.len() && chars[i] != quote {
                if chars[i] == '\\' {
                    step(&mut i, &mut line, &mut col);
                }
                if let Some(&ch) = chars.get(i) {
                    s.push(ch);
                }
                step(&mut i, &mut line, &mut col);
            }
            step(&mut i, &mut line, &mut col);
            out.push(Token {
                tok: Tok::Str(s),
                start,
                end: Position { line, col },
            });
        } else if c == 'r' && matches!(chars.get(i + 1), Some('"') | Some('#')) {
            // Raw string r#"..."#.
            step(&mut i, &mut line, &mut col);
            let mut hashes = 0usize;
            while chars.get(i) == Some(&'#') {
                hashes += 1;
                step(&mut i, &mut line, &mut col);
            }
            step(&mut i, &mut line, &mut col);
            let mut s = String::new();
            while i < chars.len() {
                if chars[i] == '"' && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) {
                    for _ in 0..=hashes {
                        step(&mut i, &mut line, &mut col);
                    }
                    break;
                }
                s.push(chars[i]);
                step(&mut i, &mut line, &mut col);
            }
            out.push(Token {
                tok: Tok::Str(s),
                start,
                end: Position { line, col },
            });
        } else if c.is_alphabetic() || c == '_' {
            let mut s = String::new();
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                s.push(chars[i]);
                step(&mut i, &mut line, &mut col);
            }
            out.push(Token {
                tok: Tok::Ident(s),
                start,
                end: Position { line, col },
            });
        } else if "()[]{}:,".contains(c) {
            step(&mut i, &mut line, &mut col);
            out.push(Token {
                tok: Tok::Punct(c),
                start,
                end: Position { line, col },
            });
        } else {
            // Numbers and anything else: one run of non-delimiting characters.
            let mut s = String::new();
            while i < chars.len() && !chars[i].is_whitespace() && !"()[]{}:,\"'".contains(chars[i])
            {
                s.push(chars[i]);
                step(&mut i, &mut line, &mut col);
            }
            if s.is_empty() {
                step(&mut i, &mut line, &mut col);
            } else {
                out.push(Token {
                    tok: Tok::Other(s),
                    start,
                    end: Position { line, col },
                });
            }
        }
    }
    out
}

struct Walker<'t> {
    tokens: &'t [Token],
    pos: usize,
    entries: Vec<(String, Span)>,
    depth: usize,
}

const MAX_DEPTH: usize = 64;

impl Walker<'_> {
    fn peek(&self, k: usize) -> Option<&Tok> {
        self.tokens.get(self.pos + k).map(|t| &t.tok)
    }

    fn last_end(&self) -> Position {
        self.tokens
            .get(self.pos.saturating_sub(1))
            .map(|t| t.end)
            .unwrap_or_default()
    }

    /// Walks one value and records its span under `path`. Returns false when lost.
    fn value(&mut self, path: &str) -> bool {
        let Some(first) = self.tokens.get(self.pos) else {
            return false;
        };
        let start = first.start;
        if self.depth > MAX_DEPTH {
            return false;
        }
        self.depth += 1;
        let ok = match first.tok.clone() {
            Tok::Ident(name) => {
                self.pos += 1;
                if self.peek(0) == Some(&Tok::Punct('(')) {
                    // `Some(x)` is transparent; `Name(...)` is a named struct or tuple.
                    self.parenthesised(path, name == "Some")
                } else {
                    true
                }
            }
            Tok::Punct('(') => self.parenthesised(path, false),
            Tok::Punct('[') => self.list(path),
            Tok::Punct('{') => self.map(path),
            Tok::Str(_) | Tok::Other(_) => {
                self.pos += 1;
                true
            }
            Tok::Punct(_) => false,
        };
        self.depth -= 1;
        self.entries.push((
            path.to_string(),
            Span {
                start,
                end: self.last_end(),
            },
        ));
        ok
    }

    /// `( field: value, ... )` or `( value, ... )`; the current token is `(`.
    fn parenthesised(&mut self, path: &str, transparent: bool) -> bool {
        self.pos += 1;
        let mut index = 0usize;
        loop {
            match self.peek(0) {
                None => return false,
                Some(Tok::Punct(')')) => {
                    self.pos += 1;
                    return true;
                }
                Some(Tok::Punct(',')) => self.pos += 1,
                Some(Tok::Ident(field)) if self.peek(1) == Some(&Tok::Punct(':')) => {
                    let sub = join(path, field);
                    self.pos += 2;
                    if !self.value(&sub) {
                        return false;
                    }
                }
                Some(_) => {
                    let sub = if transparent {
                        path.to_string()
                    } else {
                        format!("{path}.{index}")
                    };
                    index += 1;
                    if !self.value(&sub) {
                        return false;
                    }
                }
            }
        }
    }

    fn list(&mut self, path: &str) -> bool {
        self.pos += 1;
        let mut index = 0usize;
        loop {
            match self.peek(0) {
                None => return false,
                Some(Tok::Punct(']')) => {
                    self.pos += 1;
                    return true;
                }
                Some(Tok::Punct(',')) => self.pos += 1,
                Some(_) => {
                    let item = format!("{path}[{index}]");
                    let from = self.entries.len();
                    if !self.value(&item) {
                        return false;
                    }
                    index += 1;
                    self.rename_by_name(from, &item, path);
                }
            }
        }
    }

    /// If the list item just walked has a `name: "X"` field, address it as `path[X]`.
    fn rename_by_name(&mut self, from: usize, item: &str, list_path: &str) {
        let name_path = format!("{item}.name");
        let Some((_, span)) = self.entries[from..].iter().find(|(p, _)| *p == name_path) else {
            return;
        };
        let span = *span;
        let name = self
            .tokens
            .binary_search_by(|t| t.start.cmp(&span.start))
            .ok()
            .and_then(|k| self.tokens.get(k))
            .and_then(|t| {
                if let Tok::Str(s) = &t.tok {
                    Some(s.clone())
                } else {
                    None
                }
            });
        let Some(name) = name else { return };
        let named = format!("{list_path}[{name}]");
        for (p, _) in &mut self.entries[from..] {
            if let Some(rest) = p.strip_prefix(item) {
                *p = format!("{named}{rest}");
            }
        }
    }

    fn map(&mut self, path: &str) -> bool {
        self.pos += 1;
        loop {
            match self.peek(0) {
                None => return false,
                Some(Tok::Punct('}')) => {
                    self.pos += 1;
                    return true;
                }
                Some(Tok::Punct(',')) => self.pos += 1,
                Some(Tok::Str(key)) | Some(Tok::Ident(key)) | Some(Tok::Other(key)) => {
                    let sub = join(path, key);
                    if self.peek(1) != Some(&Tok::Punct(':')) {
                        return false;
                    }
                    self.pos += 2;
                    if !self.value(&sub) {
                        return false;
                    }
                }
                Some(_) => return false,
            }
        }
    }
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"// a comment (with parens)
(
    name: "x",
    map: (resolution_deg: 0.1, bbox: Some((south: 9.0))),
    groups: [
        (name: "FLM", tactics: (civilian_targeting: 1.5)),
        (name: "ISGS"),
    ],
    anchors: [(1.0, 2.0), (3.0, 4.0)],
)"#;

    #[test]
    fn finds_nested_fields_and_named_items() {
        let idx = FieldIndex::build(DOC);
        assert_eq!(idx.find("name"), Some(Position { line: 3, col: 11 }));
        assert_eq!(
            idx.find("map.resolution_deg"),
            Some(Position { line: 4, col: 27 })
        );
        assert_eq!(
            idx.find("map.bbox.south"),
            Some(Position { line: 4, col: 51 })
        );
        assert_eq!(
            idx.find("groups[FLM].tactics.civilian_targeting"),
            Some(Position { line: 6, col: 53 })
        );
        assert_eq!(idx.find("groups[ISGS]"), Some(Position { line: 7, col: 9 }));
        assert_eq!(
            idx.find("anchors[1].0"),
            Some(Position { line: 9, col: 28 })
        );
    }

    #[test]
    fn path_at_gives_the_deepest_section() {
        let idx = FieldIndex::build(DOC);
        assert_eq!(
            idx.path_at(Position { line: 6, col: 40 }),
            Some("groups[FLM].tactics")
        );
    }

    #[test]
    fn never_panics_on_garbage() {
        for s in [
            "(",
            ")",
            "[(",
            "r#\"",
            "\"abc",
            "/* /* */",
            "{a:",
            "(a: (b: [1,2",
            "Some(",
            "'",
        ] {
            let _ = FieldIndex::build(s);
        }
    }
}
