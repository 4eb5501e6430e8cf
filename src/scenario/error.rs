//! Input errors: every problem with a scenario, located by file, line, column and field — or by
//! the command-line flag its value came from — with a hint on how to fix it. A file with several
//! problems reports them all (the first [`MAX_SHOWN`], in file order), as rustc does. These are
//! the only errors the library raises before writing output.

use std::fmt;
use std::ops::Range;

/// At most this many problems are printed; the rest are counted.
pub const MAX_SHOWN: usize = 20;

/// Where the format is documented; hints send readers there.
pub const FORMAT_DOC: &str = "docs/scenario-format.md";

/// Where in a file a problem sits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Location {
    /// Converts a byte offset into 1-based line and column (columns counted in characters).
    pub fn from_offset(text: &str, offset: usize) -> Location {
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        Location { line, column }
    }
}

/// One thing wrong with a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The place in the file, when the value is written there.
    pub location: Option<Location>,
    /// Where the value came from when it is not the file as written: a flag
    /// (`--agents 5000000000`), a sweep's `--set`, or a variant's `set` entry.
    pub origin: Option<String>,
    /// The field as a path into the file (`platforms[2].depends_on[0]`), or the flag.
    pub field: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
    /// A TOML syntax error rather than a value the format refuses.
    pub syntax: bool,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(location) = &self.location {
            write!(f, ":{}:{}: ", location.line, location.column)?;
        } else if let Some(origin) = &self.origin {
            write!(f, ": {origin}: ")?;
        } else {
            f.write_str(": ")?;
        }
        if self.syntax {
            write!(f, "TOML syntax error: {}", self.message)?;
        } else {
            write!(f, "{}: {}", self.field, self.message)?;
        }
        if let (Some(_), Some(origin)) = (&self.location, &self.origin) {
            write!(f, " — this value comes from {origin}")?;
        }
        write!(f, "\n  help: {}", self.hint)
    }
}

/// Why a scenario could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be opened or read.
    #[error(
        "cannot read scenario file {file}: {source}\n  help: check the path; scenarios ship in scenarios/"
    )]
    Read {
        /// The path, as the user gave it.
        file: String,
        /// Not a `#[source]`: the message already says it, and `{:#}` would say it twice.
        source: std::io::Error,
    },
    /// The path is not a scenario file at all (a directory, a device, a FIFO, too large, binary).
    #[error("{file}: {message}\n  help: {hint}")]
    Refused {
        /// The path, as the user gave it.
        file: String,
        /// Why it is refused.
        message: String,
        /// What to give instead.
        hint: String,
    },
    /// One or more problems in the text, sorted in file order.
    #[error("{}", render(file, problems, *more))]
    Problems {
        /// The path, as the user gave it.
        file: String,
        /// At most [`MAX_SHOWN`] problems.
        problems: Vec<Problem>,
        /// Problems found beyond the [`MAX_SHOWN`] kept.
        more: usize,
    },
}

fn render(file: &str, problems: &[Problem], more: usize) -> String {
    let mut text = problems
        .iter()
        .map(|p| format!("{file}{p}"))
        .collect::<Vec<_>>()
        .join("\n\nerror: ");
    let total = problems.len() + more;
    if total > 1 {
        text.push_str(&format!("\n\n{file}: {total} problems"));
        if more > 0 {
            text.push_str(&format!(" (the first {} shown)", problems.len()));
        }
    }
    text
}

impl ScenarioError {
    /// The problems found in the text (none for an unreadable or refused file).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ScenarioError::Problems { problems, .. } => problems,
            _ => &[],
        }
    }

    /// The line and column the first problem points at, if any.
    pub fn location(&self) -> Option<&Location> {
        self.problems().first()?.location.as_ref()
    }

    /// One error from the problems of several scenarios (the baseline, each variant) of `file`.
    pub(super) fn merge(file: &str, errors: Vec<ScenarioError>) -> Option<ScenarioError> {
        let mut problems = Vec::new();
        let mut more = 0;
        for error in errors {
            match error {
                ScenarioError::Problems {
                    problems: found,
                    more: extra,
                    ..
                } => {
                    problems.extend(found);
                    more += extra;
                }
                other => return Some(other),
            }
        }
        if problems.is_empty() {
            return None;
        }
        if problems.len() > MAX_SHOWN {
            more += problems.len() - MAX_SHOWN;
            problems.truncate(MAX_SHOWN);
        }
        Some(ScenarioError::Problems {
            file: file.to_string(),
            problems,
            more,
        })
    }
}

/// A problem found while reading or checking, before it is placed: its span is a byte range in
/// the file text, or in the range [`Sources`] gives an edit from outside the file.
#[derive(Debug, Clone)]
pub(super) struct Pending {
    pub span: Option<Range<usize>>,
    pub field: String,
    pub message: String,
    pub hint: String,
    pub syntax: bool,
}

impl Pending {
    pub fn new(
        span: Option<Range<usize>>,
        field: impl Into<String>,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Pending {
        Pending {
            span,
            field: field.into(),
            message: message.into(),
            hint: hint.into(),
            syntax: false,
        }
    }
}

/// Where the values of an edited document came from: spans below `text.len()` are in the file;
/// each edit from outside it (a flag, a sweep point) was parsed into a range of its own above.
#[derive(Debug, Clone)]
pub(super) struct Sources<'a> {
    pub file: &'a str,
    pub text: &'a str,
    /// The ranges holding edited values and who wrote them, in the order applied.
    pub edits: Vec<(Range<usize>, String)>,
}

impl Sources<'_> {
    /// The problems placed and sorted in file order (flags after the file); `None` when there
    /// are none.
    pub fn error(&self, pending: Vec<Pending>) -> Option<ScenarioError> {
        if pending.is_empty() {
            return None;
        }
        let mut placed: Vec<(usize, Problem)> = pending
            .into_iter()
            .map(|p| {
                let offset = p.span.as_ref().map_or(0, |s| s.start);
                (offset, self.place(p))
            })
            .collect();
        placed.sort_by_key(|(offset, _)| *offset);
        let problems: Vec<Problem> = placed.into_iter().map(|(_, p)| p).collect();
        ScenarioError::merge(
            self.file,
            vec![ScenarioError::Problems {
                file: self.file.to_string(),
                problems,
                more: 0,
            }],
        )
    }

    fn place(&self, pending: Pending) -> Problem {
        let edit = pending.span.as_ref().and_then(|span| {
            self.edits
                .iter()
                .rev()
                .find(|(range, _)| range.contains(&span.start))
        });
        // A span that starts at the very end of the text (a TOML syntax error such as an
        // unclosed array at the end of a truncated file) is still in the file: edits from
        // outside it start at `text.len() + 1`.
        let location = pending
            .span
            .as_ref()
            .filter(|span| span.start <= self.text.len())
            .map(|span| Location::from_offset(self.text, span.start));
        Problem {
            location,
            origin: edit.map(|(_, origin)| origin.clone()),
            field: pending.field,
            message: pending.message,
            hint: pending.hint,
            syntax: pending.syntax,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_become_lines_and_columns() {
        let text = "a = 1\nbb = 2\n";
        assert_eq!(
            Location::from_offset(text, 0),
            Location { line: 1, column: 1 }
        );
        assert_eq!(
            Location::from_offset(text, 6),
            Location { line: 2, column: 1 }
        );
        assert_eq!(
            Location::from_offset(text, 11),
            Location { line: 2, column: 6 }
        );
    }

    #[test]
    fn several_problems_are_sorted_and_counted() {
        let sources = Sources {
            file: "f.toml",
            text: "a = 1\nb = 2\n",
            edits: vec![(20..25, "--agents 5".to_string())],
        };
        let error = sources
            .error(vec![
                Pending::new(Some(20..21), "run.agents", "too many", "fewer"),
                Pending::new(Some(6..7), "b", "bad b", "fix b"),
                Pending::new(Some(0..1), "a", "bad a", "fix a"),
            ])
            .unwrap_or_else(|| panic!("three problems"));
        let text = error.to_string();
        let a = text.find("f.toml:1:1: a: bad a").unwrap_or(usize::MAX);
        let b = text
            .find("error: f.toml:2:1: b: bad b")
            .unwrap_or(usize::MAX);
        let flag = text
            .find("error: f.toml: --agents 5: run.agents: too many")
            .unwrap_or(usize::MAX);
        assert!(a < b && b < flag && flag < usize::MAX, "{text}");
        assert!(text.ends_with("f.toml: 3 problems"), "{text}");
    }
}
