//! Field paths (`platforms[2].depends_on[0]`) and where they sit in a spanned document, so that
//! problems found after deserializing (an unknown id, shares that do not sum to 1) are located
//! as precisely as serde's own.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a path into the TOML document: a table key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum PathStep {
    Key(String),
    Index(usize),
}

/// A path such as `platforms[2].depends_on[0]`, built while checking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct FieldPath(pub Vec<PathStep>);

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

    /// The path serde_path_to_error reports (`platforms[0].restore_hours`), as steps.
    pub fn from_serde(path: &serde_path_to_error::Path) -> FieldPath {
        use serde_path_to_error::Segment;
        let mut steps = Vec::new();
        for segment in path.iter() {
            match segment {
                Segment::Seq { index } => steps.push(PathStep::Index(*index)),
                Segment::Map { key } => steps.push(PathStep::Key(key.clone())),
                Segment::Enum { variant } => steps.push(PathStep::Key(variant.clone())),
                Segment::Unknown => {}
            }
        }
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
        if out.is_empty() {
            "(top level)".to_string()
        } else {
            out
        }
    }
}

/// The value at `path`, if it exists.
pub(super) fn find<'d, 'i>(
    root: &'d Spanned<DeTable<'i>>,
    path: &FieldPath,
) -> Option<&'d Spanned<DeValue<'i>>> {
    let mut table = Some(root.get_ref());
    let mut current: Option<&Spanned<DeValue<'i>>> = None;
    for step in &path.0 {
        let next = match (step, current, table) {
            (PathStep::Key(key), _, Some(table)) => table.get(key.as_str()),
            (PathStep::Index(index), Some(value), _) => value.get_ref().get(*index),
            _ => None,
        }?;
        table = next.get_ref().as_table();
        current = Some(next);
    }
    current
}

/// The span of the deepest part of `path` in the document (the field itself when it exists, else
/// the closest enclosing table); `None` for the top level.
pub(super) fn locate(root: &Spanned<DeTable<'_>>, path: &FieldPath) -> Option<Range<usize>> {
    let mut span = None;
    let mut table = Some(root.get_ref());
    let mut current: Option<&Spanned<DeValue<'_>>> = None;
    for step in &path.0 {
        let next = match (step, current, table) {
            (PathStep::Key(key), _, Some(table)) => table.get(key.as_str()),
            (PathStep::Index(index), Some(value), _) => value.get_ref().get(*index),
            _ => None,
        };
        let Some(next) = next else { break };
        span = Some(next.span());
        table = next.get_ref().as_table();
        current = Some(next);
    }
    span
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_nested_fields() {
        let text = "[run]\nhorizon_hours = 5\n\n[[platforms]]\nid = \"a\"\n\n[[platforms]]\nid = \"b\"\ndepends_on = [\"x\", \"y\"]\n";
        let document = DeTable::parse(text).unwrap_or_else(|e| panic!("{e}"));
        let path = FieldPath::default()
            .key("platforms")
            .index(1)
            .key("depends_on")
            .index(1);
        assert_eq!(path.display(), "platforms[1].depends_on[1]");
        let span = locate(&document, &path).unwrap_or_else(|| panic!("field exists"));
        assert_eq!(&text[span], "\"y\"");
        let missing = FieldPath::default()
            .key("platforms")
            .index(1)
            .key("restore_hours");
        let span = locate(&document, &missing).unwrap_or_else(|| panic!("element exists"));
        assert_eq!(&text[span], "[[platforms]]");
    }
}
