//! Edits of the scenario document: "the value at this path becomes this value". One mechanism
//! serves a variant's `set`, a sweep's `--set PATH --values`, the overrides `--agents`,
//! `--replications` and `--seed`, and anything later that writes a value into the file (input
//! draws, [`Edit::input`]). An edited value is checked by the same code as the file, and its problems are located
//! where it came from: the variant's `set` entry, or the flag.
//!
//! A path is parts separated by dots. The first part is a section; in an array of tables the next
//! part names an element by its id (see [`names_of`]); in a table it is a key; in a per-segment
//! number it is a segment id (a bare number becomes `{ default = number, <segment> = value }`);
//! in a plain array of numbers it is a position from 0. The last part may name a field the table
//! does not have yet (an optional field); the checks refuse it if the table has no such field.

use std::borrow::Cow;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use super::locate::FieldPath;

/// One edit from outside the file, as TOML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    /// `run.agents`, `adoption.kakaotalk.share.elderly`, `services.shop.channels.cash.success`.
    pub path: String,
    /// The new value as TOML (`5000`, `0.35`, `{ dist = "uniform", min = 1, max = 2 }`).
    pub value: String,
    /// Who wrote it, as the user would recognise it: `--agents 5000`.
    pub origin: String,
}

impl Edit {
    /// The value of a command-line flag (`--agents 5000` sets `run.agents`).
    pub fn flag(flag: &str, path: &str, value: impl std::fmt::Display) -> Edit {
        let value = value.to_string();
        Edit {
            path: path.to_string(),
            origin: format!("{flag} {value}"),
            value,
        }
    }

    /// A design's value of the uncertain input at `path` (see `[[uncertain]]`), written as a
    /// float so that an integer field refuses it.
    pub fn input(path: &str, value: f64) -> Edit {
        let value = toml_text(&toml::Value::Float(value));
        Edit {
            path: path.to_string(),
            origin: format!("[[uncertain]] {path} = {value}"),
            value,
        }
    }

    /// A sweep point's value of `path` (`--set path --values …`).
    pub fn set(path: &str, value: &toml::Value) -> Edit {
        let value = toml_text(value);
        Edit {
            path: path.to_string(),
            origin: format!("--set {path} = {value}"),
            value,
        }
    }
}

/// A value as TOML text that reads back to the same value (floats in their shortest exact form).
pub fn toml_text(value: &toml::Value) -> String {
    match value {
        toml::Value::Float(f) if f.is_nan() => "nan".to_string(),
        toml::Value::Float(f) if f.is_infinite() => {
            if *f > 0.0 { "inf" } else { "-inf" }.to_string()
        }
        toml::Value::Float(f) => format!("{f:?}"),
        other => other.to_string(),
    }
}

/// Why a path does not match the document: which part, and what exists there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Mismatch {
    pub message: String,
    pub hint: String,
}

/// Sets `value` at `path` in `root` and returns the field it replaced, as checks name it
/// (`adoption[2].share`), so that a later problem can be traced to the edit. `key_span` is
/// given to keys the edit adds.
pub(super) fn apply<'a>(
    root: &mut Spanned<DeTable<'a>>,
    path: &str,
    value: Spanned<DeValue<'a>>,
    key_span: Range<usize>,
) -> Result<FieldPath, Mismatch> {
    replace(root, path, value, key_span).map(|(field, _)| field)
}

/// [`apply`], also returning the value that was at `path` before (`None` when the edit adds the
/// field; for a segment of a bare per-segment number, that number).
pub(super) fn replace<'a>(
    root: &mut Spanned<DeTable<'a>>,
    path: &str,
    value: Spanned<DeValue<'a>>,
    key_span: Range<usize>,
) -> Result<(FieldPath, Option<DeValue<'a>>), Mismatch> {
    let parts: Vec<&str> = path.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(Mismatch {
            message: format!("\"{path}\" has an empty part"),
            hint: "write parts separated by single dots, e.g. \"platforms.kakaotalk.depends_on\""
                .to_string(),
        });
    }
    if parts[0] == "variants" {
        return Err(Mismatch {
            message: "an edit cannot change [[variants]]".to_string(),
            hint: "edit the sections of the scenario (run, platforms, services, …)".to_string(),
        });
    }
    let segments = segment_ids(root.get_ref());
    let mismatch = |depth: usize, message: String, hint: String| Mismatch {
        message: format!("part {}, \"{}\", {message}", depth + 1, parts[depth]),
        hint,
    };
    let table = root.get_mut();
    let Some(first) = table.get_mut(parts[0]) else {
        if parts.len() == 1 {
            table.insert(key(parts[0], key_span), value);
            return Ok((FieldPath::default().key(parts[0]), None));
        }
        let sections: Vec<&str> = table.keys().map(|k| k.get_ref().as_ref()).collect();
        return Err(mismatch(
            0,
            "is not a section of the file".to_string(),
            format!("the file has: {}", sections.join(", ")),
        ));
    };
    let mut field = FieldPath::default().key(parts[0]);
    let mut current = first;
    for depth in 1..parts.len() {
        let part = parts[depth];
        let last = depth == parts.len() - 1;
        let here = parts[..depth].join(".");
        let kind = current.get_ref().type_str();
        let number = matches!(current.get_ref(), DeValue::Integer(_) | DeValue::Float(_));
        if number && last && segments.iter().any(|s| s == part) {
            // A bare per-segment number: it stays the value for everyone else.
            let span = current.span();
            let old = std::mem::replace(current.get_mut(), DeValue::Table(DeTable::new()));
            let before = old.clone();
            if let DeValue::Table(table) = current.get_mut() {
                table.insert(key("default", span.clone()), Spanned::new(span, old));
                table.insert(key(part, key_span), value);
            }
            return Ok((field.key(part), Some(before)));
        }
        match current.get_mut() {
            DeValue::Table(table) => {
                if last {
                    let before = match table.get_mut(part) {
                        Some(slot) => Some(std::mem::replace(slot, value).into_inner()),
                        None => {
                            table.insert(key(part, key_span), value);
                            None
                        }
                    };
                    return Ok((field.key(part), before));
                }
                let keys: Vec<String> = table.keys().map(|k| k.get_ref().to_string()).collect();
                let Some(next) = table.get_mut(part) else {
                    return Err(mismatch(
                        depth,
                        format!("matches no field of \"{here}\""),
                        format!("\"{here}\" has: {}", keys.join(", ")),
                    ));
                };
                field = field.key(part);
                current = next;
            }
            DeValue::Array(items) => {
                let position = match element(items, part) {
                    Ok(position) => position,
                    Err(names) => {
                        return Err(mismatch(
                            depth,
                            format!("matches no element of \"{here}\""),
                            format!("\"{here}\" has: {}", names.join(", ")),
                        ));
                    }
                };
                field = field.index(position);
                if last {
                    let before = std::mem::replace(&mut items.as_mut()[position], value);
                    return Ok((field, Some(before.into_inner())));
                }
                current = &mut items.as_mut()[position];
            }
            _ => {
                return Err(mismatch(
                    depth,
                    format!("walks into \"{here}\", which is {kind} and has no parts"),
                    format!("end the path at \"{here}\" and give its whole value"),
                ));
            }
        }
    }
    let before = std::mem::replace(current, value);
    Ok((field, Some(before.into_inner())))
}

fn key<'a>(name: &str, span: Range<usize>) -> Spanned<Cow<'a, str>> {
    Spanned::new(span, Cow::Owned(name.to_string()))
}

/// The position of the element `part` names, or the names the array's elements go by.
fn element(items: &DeArray<'_>, part: &str) -> Result<usize, Vec<String>> {
    if let Some(position) = items
        .iter()
        .position(|item| names_of(item.get_ref()).contains(&part))
    {
        return Ok(position);
    }
    let scalars = items.iter().all(|item| {
        matches!(
            item.get_ref(),
            DeValue::Integer(_) | DeValue::Float(_) | DeValue::Boolean(_)
        )
    });
    match part.parse::<usize>() {
        Ok(position) if scalars && position < items.len() => Ok(position),
        _ if scalars => Err(vec![format!(
            "positions 0 to {}",
            items.len().saturating_sub(1)
        )]),
        _ => Err(items
            .iter()
            .filter_map(|item| names_of(item.get_ref()).first().map(|n| (*n).to_string()))
            .collect()),
    }
}

/// The names an element of an array goes by in a path: a string item is its own name (an id in
/// `depends_on`); a table answers to its `id`, its `platform` (adoption and switching rules,
/// platform channels) or its `offline` name (offline channels); a redundancy group without an
/// `id` answers to each of its members' ids (`any_of`, or its `primary` and `standby`).
pub(super) fn names_of<'v>(item: &'v DeValue<'_>) -> Vec<&'v str> {
    match item {
        DeValue::String(id) => vec![id.as_ref()],
        DeValue::Table(table) => {
            let named: Vec<&str> = ["id", "platform", "offline"]
                .iter()
                .filter_map(|k| table.get(*k)?.get_ref().as_str())
                .collect();
            if !named.is_empty() {
                return named;
            }
            let pair: Vec<&str> = ["primary", "standby"]
                .iter()
                .filter_map(|k| table.get(*k)?.get_ref().as_str())
                .collect();
            if !pair.is_empty() {
                return pair;
            }
            table
                .get("any_of")
                .and_then(|members| members.get_ref().as_array())
                .map(|members| {
                    members
                        .iter()
                        .filter_map(|m| m.get_ref().as_str())
                        .collect()
                })
                .unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

/// The segment ids of the document, for paths into per-segment numbers.
fn segment_ids(root: &DeTable<'_>) -> Vec<String> {
    root.get("population")
        .and_then(|p| p.get_ref().get("segments"))
        .and_then(|s| s.get_ref().as_array())
        .map(|segments| {
            segments
                .iter()
                .filter_map(|s| Some(s.get_ref().get("id")?.get_ref().as_str()?.to_string()))
                .chain(std::iter::once("default".to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// `value` with every span moved `by` bytes on: an edit's text gets a range of its own beyond the
/// file's, so that a problem in it is told apart from the file's.
pub(super) fn shifted(value: Spanned<DeValue<'_>>, by: usize) -> Spanned<DeValue<'_>> {
    let span = value.span();
    let span = span.start + by..span.end + by;
    let inner = match value.into_inner() {
        DeValue::Table(table) => {
            let mut moved = DeTable::new();
            for (k, v) in table {
                let key_span = k.span();
                moved.insert(
                    Spanned::new(key_span.start + by..key_span.end + by, k.into_inner()),
                    shifted(v, by),
                );
            }
            DeValue::Table(moved)
        }
        DeValue::Array(items) => {
            let mut moved = DeArray::new();
            for item in items.iter() {
                moved.push(shifted(item.clone(), by));
            }
            DeValue::Array(moved)
        }
        other => other,
    };
    Spanned::new(span, inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"
[run]
horizon_hours = 5

[population]
size = 10
segments = [{ id = "young", share = 0.5 }, { id = "old", share = 0.5 }]

[[platforms]]
id = "a"
depends_on = ["dc", { any_of = ["dc", "dc2"], failover_success = 0.9 }]

[[platforms]]
id = "b"

[[adoption]]
platform = "b"
share = 0.5

[[services]]
id = "pay"
channels = [{ platform = "a" }, { offline = "cash", success = 0.9 }]
profile = [1, 2, 3]
"#;

    fn set(
        path: &str,
        value: &'static str,
    ) -> Result<(Spanned<DeTable<'static>>, String), Mismatch> {
        let mut document = DeTable::parse(DOC).unwrap_or_else(|e| panic!("fixture: {e}"));
        let value = DeValue::parse(value).unwrap_or_else(|e| panic!("value: {e}"));
        let target = apply(&mut document, path, shifted(value, 1000), 1000..1001)?;
        Ok((document, target.display()))
    }

    fn at<'d>(document: &'d Spanned<DeTable<'static>>, path: &[&str]) -> &'d DeValue<'static> {
        let mut value = document
            .get_ref()
            .get(path[0])
            .unwrap_or_else(|| panic!("{}", path[0]))
            .get_ref();
        for part in &path[1..] {
            value = match part.parse::<usize>() {
                Ok(i) => value.get(i),
                Err(_) => value.get(*part),
            }
            .unwrap_or_else(|| panic!("{part}"))
            .get_ref();
        }
        value
    }

    #[test]
    fn paths_reach_every_element_by_its_id() {
        let ok = |path, value| set(path, value).unwrap_or_else(|m| panic!("{}", m.message));
        let (_, target) = ok("platforms.b.restore_hours", "2");
        assert_eq!(target, "platforms[1].restore_hours");
        let (doc, target) = ok("services.pay.channels.cash.success", "0.5");
        assert_eq!(target, "services[0].channels[1].success");
        let success = at(&doc, &["services", "0", "channels", "1", "success"]);
        assert_eq!(success.as_float().map(|f| f.as_str()), Some("0.5"));
        let (_, target) = ok("platforms.a.depends_on.dc2.failover_success", "0.5");
        assert_eq!(target, "platforms[0].depends_on[1].failover_success");
        let (_, target) = ok("platforms.a.depends_on.dc", "\"dc3\"");
        assert_eq!(target, "platforms[0].depends_on[0]");
        let (_, target) = ok("population.segments.old.share", "0.4");
        assert_eq!(target, "population.segments[1].share");
        let (_, target) = ok("services.pay.profile.2", "9");
        assert_eq!(target, "services[0].profile[2]");
        let (doc, target) = ok("adoption.b.share.old", "0.2");
        assert_eq!(target, "adoption[0].share.old");
        let share = at(&doc, &["adoption", "0", "share"]);
        assert!(share.get("default").is_some() && share.get("old").is_some());
    }

    #[test]
    fn a_wrong_part_is_named_with_what_exists() {
        let error = set("platforms.c.depends_on", "[]")
            .err()
            .unwrap_or_else(|| panic!("no c"));
        assert!(error.message.contains("part 2, \"c\""), "{}", error.message);
        assert!(error.hint.contains("a, b"), "{}", error.hint);
        let error = set("platfroms.a.depends_on", "[]")
            .err()
            .unwrap_or_else(|| panic!("no such section"));
        assert!(error.message.contains("part 1"), "{}", error.message);
        assert!(error.hint.contains("platforms"), "{}", error.hint);
        let error = set("run.horizon_hours.x", "1")
            .err()
            .unwrap_or_else(|| panic!("a number has no parts"));
        assert!(error.message.contains("integer"), "{}", error.message);
        let error = set("services.pay.channels.card.success", "1")
            .err()
            .unwrap_or_else(|| panic!("no card"));
        assert!(error.hint.contains("a, cash"), "{}", error.hint);
    }

    #[test]
    fn edited_values_keep_their_own_spans() {
        let (doc, _) = set("run.agents", "5000000000").unwrap_or_else(|m| panic!("{}", m.message));
        let run = doc.get_ref().get("run").unwrap_or_else(|| panic!("run"));
        let agents = run
            .get_ref()
            .get("agents")
            .unwrap_or_else(|| panic!("agents"));
        assert_eq!(agents.span(), 1000..1010);
        assert_eq!(toml_text(&toml::Value::Float(1e300)), "1e300");
        assert_eq!(toml_text(&toml::Value::Float(0.5)), "0.5");
    }
}
