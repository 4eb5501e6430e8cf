//! Reads an edited document into the raw types with serde, and keeps going after a problem: a
//! section or array element serde cannot read is recorded and set aside (an unknown key alone is
//! dropped), and the rest is read again, so that one file reports each of its problems, not
//! only the first. Problems inside values serde reads as a whole (a distribution's parameters,
//! a channel, `[social]`) are pinned to the field that caused them.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::{IntoDeserializer, Unexpected};
use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use super::error::{FORMAT_DOC, Pending};
use super::locate::{FieldPath, PathStep, find};
use super::raw::{RawOfflineChannel, RawPlatformChannel, RawScenarioFile};

/// A reader gives up after this many problems in one document.
const MAX_PROBLEMS: usize = 64;

/// What was set aside while reading.
#[derive(Debug, Default)]
pub(super) struct SetAside {
    /// Per array section, the positions in the file of the elements removed, ascending.
    removed: BTreeMap<String, Vec<usize>>,
    /// Ids (and `platform`s) of removed elements: references to them are not reported again.
    pub ids: BTreeSet<String>,
    /// Sections removed whole.
    pub sections: BTreeSet<String>,
    /// Keys removed for a problem with their value: the "missing field" that follows is not a
    /// problem of its own.
    keys: BTreeSet<Vec<String>>,
}

impl SetAside {
    /// The position in the file of element `index` of what was read of `section`.
    pub fn original(&self, section: &str, index: usize) -> usize {
        let mut position = index;
        for &removed in self.removed.get(section).map_or(&[][..], Vec::as_slice) {
            if removed <= position {
                position += 1;
            }
        }
        position
    }

    /// The path of element `index` of what was read of `section`, as it is in the file.
    pub fn element(&self, section: &str, index: usize) -> FieldPath {
        FieldPath::default()
            .key(section)
            .index(self.original(section, index))
    }

    fn remove_element(&mut self, section: &str, index: usize) -> usize {
        let position = self.original(section, index);
        let removed = self.removed.entry(section.to_string()).or_default();
        removed.push(position);
        removed.sort_unstable();
        position
    }
}

/// The raw file read from `document`, with every problem found on the way in `pending`.
pub(super) fn read(
    document: &Spanned<DeTable<'_>>,
    pending: &mut Vec<Pending>,
) -> (RawScenarioFile, SetAside) {
    // The copy that loses what is set aside is made on the first problem only.
    let mut copy: Option<Spanned<DeTable<'_>>> = None;
    let mut aside = SetAside::default();
    for _ in 0..MAX_PROBLEMS {
        let current = copy.as_ref().unwrap_or(document);
        let deserializer = toml::de::Deserializer::from(current.clone());
        let error = match serde_path_to_error::deserialize::<_, RawScenarioFile>(deserializer) {
            Ok(raw) => return (raw, aside),
            Err(error) => error,
        };
        let path = FieldPath::from_serde(error.path());
        let error = error.into_inner();
        let missing = between(error.message(), "missing field `", "`");
        let removed_before = missing.is_some_and(|name| aside.keys.contains(&key_of(&path, name)));
        if !removed_before {
            let problem = pinned(current, &path, error.message(), error.span());
            pending.push(problem.in_file(&aside));
        }
        let whole = removed_before || (missing.is_some() && path.0.len() <= 2);
        let copy = copy.get_or_insert_with(|| document.clone());
        if !set_aside(copy, &path, error.message(), whole, &mut aside) {
            break;
        }
    }
    (RawScenarioFile::default(), aside)
}

/// A serde problem at `path`, before its element positions are those of the file.
struct Pinned {
    path: FieldPath,
    span: Option<std::ops::Range<usize>>,
    message: String,
}

impl Pinned {
    fn in_file(self, aside: &SetAside) -> Pending {
        let mut path = self.path;
        if let [PathStep::Key(section), PathStep::Index(index), ..] = path.0.as_slice() {
            let original = aside.original(section, *index);
            path.0[1] = PathStep::Index(original);
        }
        let hint = if self.message.contains("unknown field") {
            "remove the field or fix its spelling; the valid names are listed above".to_string()
        } else if self.message.contains("missing field") {
            format!("add the field; {FORMAT_DOC} lists the fields of each table")
        } else if self.message.contains("unknown variant") {
            format!("use one of the names listed above ({FORMAT_DOC})")
        } else {
            format!("give the value the type {FORMAT_DOC} asks for (number, string, array, table)")
        };
        Pending::new(self.span, path.display(), self.message, hint)
    }
}

/// Pins a problem serde found inside a value it read as a whole (an internally tagged or
/// untagged table) to the entry that caused it.
fn pinned(
    document: &Spanned<DeTable<'_>>,
    path: &FieldPath,
    message: &str,
    span: Option<std::ops::Range<usize>>,
) -> Pinned {
    let found = || Pinned {
        path: path.clone(),
        span: span.clone(),
        message: message.to_string(),
    };
    let Some(value) = find(document, path) else {
        return found();
    };
    let Some(table) = value.get_ref().as_table() else {
        return found();
    };
    if message.contains("did not match any variant of untagged enum RawChannel") {
        return channel(value, path);
    }
    if let Some(name) = between(message, "unknown field `", "`") {
        if let Some((key, _)) = table.get_key_value(name) {
            return Pinned {
                path: path.key(name),
                span: Some(key.span()),
                message: message.to_string(),
            };
        }
    }
    if let Some(unexpected) = between(message, "invalid type: ", ", expected")
        .or_else(|| between(message, "invalid value: ", ", expected"))
    {
        let matching: Vec<_> = table
            .iter()
            .filter(|(_, v)| describe(v.get_ref()).is_some_and(|d| d == unexpected))
            .collect();
        if let [(key, value)] = matching.as_slice() {
            return Pinned {
                path: path.key(key.get_ref()),
                span: Some(value.span()),
                message: message.to_string(),
            };
        }
    }
    found()
}

/// A channel neither kind could read: read it as the kind its keys say, for that kind's message.
fn channel(value: &Spanned<DeValue<'_>>, path: &FieldPath) -> Pinned {
    let table = value.get_ref().as_table();
    let has = |key: &str| table.is_some_and(|t| t.contains_key(key));
    let error = if has("offline") {
        serde_path_to_error::deserialize::<_, RawOfflineChannel>(value.clone().into_deserializer())
            .err()
    } else if has("platform") {
        serde_path_to_error::deserialize::<_, RawPlatformChannel>(value.clone().into_deserializer())
            .err()
    } else {
        None
    };
    match error {
        Some(error) => {
            let mut inner = path.clone();
            inner.0.extend(FieldPath::from_serde(error.path()).0);
            let error = error.into_inner();
            Pinned {
                path: inner,
                span: error.span().or_else(|| Some(value.span())),
                message: format!(
                    "{} in {} channel",
                    error.message(),
                    if has("offline") {
                        "an offline"
                    } else {
                        "a platform"
                    }
                ),
            }
        }
        None => Pinned {
            path: path.clone(),
            span: Some(value.span()),
            message: "a channel needs `platform = \"id\"` or `offline = \"name\"`".to_string(),
        },
    }
}

/// How serde names a value it did not expect (`string "a"`, `integer `5``).
fn describe(value: &DeValue<'_>) -> Option<String> {
    Some(match value {
        DeValue::String(s) => Unexpected::Str(s).to_string(),
        DeValue::Integer(_) => {
            let number: i64 = serde::Deserialize::deserialize(
                Spanned::new(0..0, value.clone()).into_deserializer(),
            )
            .ok()?;
            Unexpected::Signed(number).to_string()
        }
        DeValue::Float(f) => Unexpected::Float(f.as_str().parse().ok()?).to_string(),
        DeValue::Boolean(b) => Unexpected::Bool(*b).to_string(),
        DeValue::Table(_) => Unexpected::Map.to_string(),
        DeValue::Array(_) => Unexpected::Seq.to_string(),
        DeValue::Datetime(_) => return None,
    })
}

fn between<'m>(message: &'m str, start: &str, end: &str) -> Option<&'m str> {
    let from = message.find(start)? + start.len();
    let to = message[from..].find(end)? + from;
    Some(&message[from..to])
}

/// Removes from `document` what serde could not read at `path`: an unknown key alone; a value
/// of the wrong kind (its key, or the array holding it); the element or section holding the
/// problem when `whole` (a field is missing). `false` when nothing is left to remove.
fn set_aside(
    document: &mut Spanned<DeTable<'_>>,
    path: &FieldPath,
    message: &str,
    whole: bool,
    aside: &mut SetAside,
) -> bool {
    let steps = path.0.as_slice();
    if !whole && (steps.len() > 2 || matches!(steps, [_, PathStep::Key(_)])) {
        // Keep the element: drop the key whose value is wrong (for an item of a nested array,
        // the array), so that the element's other fields are still checked.
        let unknown = between(message, "unknown field `", "`");
        let last_key = steps.iter().rposition(|s| matches!(s, PathStep::Key(_)));
        if let Some(position) = last_key.filter(|&p| p >= 1) {
            let PathStep::Key(name) = &steps[position] else {
                return false;
            };
            let parent = FieldPath(steps[..position].to_vec());
            if unknown != Some(name.as_str()) {
                aside.keys.insert(key_of(&parent, name));
            }
            if remove_key(document, &parent, name) {
                return true;
            }
        }
    }
    let table = document.get_mut();
    match steps {
        [PathStep::Key(section), PathStep::Index(index), ..] => {
            let Some(DeValue::Array(items)) = table.get_mut(section.as_str()).map(Spanned::get_mut)
            else {
                return false;
            };
            if *index >= items.len() {
                return false;
            }
            let mut kept = DeArray::new();
            for (i, item) in items.iter().enumerate() {
                if i == *index {
                    let names = super::edit::names_of(item.get_ref());
                    aside.ids.extend(names.iter().map(|n| (*n).to_string()));
                } else {
                    kept.push(item.clone());
                }
            }
            *items = kept;
            aside.remove_element(section, *index);
            true
        }
        [PathStep::Key(section), ..] => {
            aside.sections.insert(section.clone());
            table.remove(section.as_str()).is_some()
        }
        _ => false,
    }
}

/// How a removed key is remembered: the steps of its path.
fn key_of(parent: &FieldPath, name: &str) -> Vec<String> {
    parent
        .key(name)
        .0
        .iter()
        .map(|s| format!("{s:?}"))
        .collect()
}

fn remove_key(document: &mut Spanned<DeTable<'_>>, parent: &FieldPath, name: &str) -> bool {
    fn table_at<'v, 'i>(
        value: &'v mut DeValue<'i>,
        steps: &[PathStep],
    ) -> Option<&'v mut DeTable<'i>> {
        match (steps.split_first(), value) {
            (None, DeValue::Table(table)) => Some(table),
            (Some((PathStep::Key(key), rest)), DeValue::Table(table)) => {
                table_at(table.get_mut(key.as_str())?.get_mut(), rest)
            }
            (Some((PathStep::Index(index), rest)), DeValue::Array(items)) => {
                table_at(items.get_mut(*index)?.get_mut(), rest)
            }
            _ => None,
        }
    }
    let root = document.get_mut();
    let table = match parent.0.split_first() {
        None => Some(root),
        Some((PathStep::Key(key), rest)) => root
            .get_mut(key.as_str())
            .and_then(|value| table_at(value.get_mut(), rest)),
        Some((PathStep::Index(_), _)) => None,
    };
    table.is_some_and(|table| table.remove(name).is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<Pending> {
        let document = DeTable::parse(text).unwrap_or_else(|e| panic!("{e}"));
        let mut pending = Vec::new();
        read(&document, &mut pending);
        pending
    }

    #[test]
    fn every_element_is_read_on_its_own() {
        let text = "[run]\nhorizon_hours = \"x\"\nsed = 2\n\n[[platforms]]\nid = \"a\"\nrestore_hours = { dist = \"uniform\", min = \"q\", max = 2 }\n\n[[platforms]]\nid = \"b\"\n\n[[platforms]]\nid = \"c\"\nramp_hours = { dist = \"gamma\" }\n\n[[services]]\nid = \"s\"\ndemand_per_day = 1\nchannels = [{ platform = \"a\", success = 0.5 }]\n";
        let found = problems(text);
        let fields: Vec<&str> = found.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.contains(&"run.sed"), "{fields:?}");
        assert!(fields.contains(&"run.horizon_hours"), "{fields:?}");
        assert!(
            fields.contains(&"platforms[0].restore_hours.min"),
            "{fields:?}"
        );
        assert!(
            fields.contains(&"platforms[2].ramp_hours.dist"),
            "{fields:?}"
        );
        assert!(
            fields.contains(&"services[0].channels[0].success"),
            "{fields:?}"
        );
        let min = found
            .iter()
            .find(|p| p.field == "platforms[0].restore_hours.min")
            .and_then(|p| p.span.clone())
            .unwrap_or_else(|| panic!("located"));
        assert_eq!(&text[min], "\"q\"");
    }
}
