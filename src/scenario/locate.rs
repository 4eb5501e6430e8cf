//! Finds where a field sits in the scenario text, so that errors found after parsing (an unknown
//! id, shares that do not sum to 1) can still name the line and column.

use super::error::Location;
use toml::de::{DeTable, DeValue};

/// One step of a path into the TOML document: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    Key(String),
    Index(usize),
}

/// A path such as `platforms[2].depends_on[0]`, built while validating.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldPath(pub Vec<PathStep>);

impl FieldPath {
    pub fn key(&self, key: &str) -> FieldPath {
        let mut steps = self.0.clone();
        steps.push(PathStep::Key(key.to_string()));
        FieldPath(steps)
    }

    pub fn index(&self, index: usize) -> FieldPath {
        let mut steps = self.0.clone();
        steps.push(PathStep::Index(index));
        FieldPath(steps)
    }

    /// The path as the user reads it: `platforms[2].depends_on[0]`.
    pub fn display(&self) -> String {
        let mut out = String::new();
        for step in &self.0 {
            match step {
                PathStep::Key(key) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                PathStep::Index(index) => out.push_str(&format!("[{index}]")),
            }
        }
        out
    }
}

/// The location of the deepest part of `path` found in `text` (the field itself when it exists,
/// else the closest enclosing table).
pub fn locate(text: &str, path: &FieldPath) -> Option<Location> {
    let document = DeTable::parse(text).ok()?;
    let mut span = document.span();
    let mut current: Option<&DeValue<'_>> = None;
    let mut table: Option<&DeTable<'_>> = Some(document.get_ref());
    for step in &path.0 {
        let next = match (step, current, table) {
            (PathStep::Key(key), _, Some(table)) => table.get(key.as_str()),
            (PathStep::Index(index), Some(value), _) => value.get(*index),
            _ => None,
        };
        let Some(next) = next else { break };
        span = next.span();
        current = Some(next.get_ref());
        table = match next.get_ref() {
            DeValue::Table(inner) => Some(inner),
            _ => None,
        };
    }
    if span.start == 0 && span.end == text.len() {
        None
    } else {
        Some(Location::from_offset(text, span.start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_fields() {
        let text = "[run]\nhorizon_hours = 5\n\n[[platforms]]\nid = \"a\"\n\n[[platforms]]\nid = \"b\"\ndepends_on = [\"x\", \"y\"]\n";
        let path = FieldPath::default()
            .key("platforms")
            .index(1)
            .key("depends_on")
            .index(1);
        assert_eq!(path.display(), "platforms[1].depends_on[1]");
        let location = locate(text, &path).expect("field exists");
        assert_eq!(
            location,
            Location {
                line: 9,
                column: 20
            }
        );
        let missing = FieldPath::default()
            .key("platforms")
            .index(1)
            .key("restore_hours");
        assert_eq!(locate(text, &missing).map(|l| l.line), Some(7));
    }
}
