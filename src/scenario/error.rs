//! Input errors: every problem with a scenario file, located by file, line, column and field, with
//! a hint on how to fix it. These are the only errors the library raises before writing output.

use std::fmt;

/// Where in a file a problem sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub line: usize,
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

/// Why a scenario could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error(
        "cannot read scenario file {file}: {source}\n  help: check the path; scenarios ship in scenarios/"
    )]
    Read {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "{file}{location}: TOML syntax error: {message}\n  help: fix the TOML syntax at that place (quotes, brackets, commas, `key = value`)"
    )]
    Syntax {
        file: String,
        location: LocationSuffix,
        message: String,
    },
    #[error("{file}{location}: {field}: {message}\n  help: {hint}")]
    Invalid {
        file: String,
        location: LocationSuffix,
        field: String,
        message: String,
        hint: String,
    },
}

impl ScenarioError {
    /// The line and column the error points at, if any.
    pub fn location(&self) -> Option<&Location> {
        match self {
            ScenarioError::Read { .. } => None,
            ScenarioError::Syntax { location, .. } | ScenarioError::Invalid { location, .. } => {
                location.0.as_ref()
            }
        }
    }
}

/// Renders as `:line:column` after the file name, or nothing when the place is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocationSuffix(pub Option<Location>);

impl fmt::Display for LocationSuffix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Some(location) => write!(f, ":{}:{}", location.line, location.column),
            None => Ok(()),
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
}
