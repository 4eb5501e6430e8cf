//! `[[variants]]`: policy alternatives written as edits to the scenario document. A variant's
//! `set` maps paths such as `"platforms.kakaotalk.depends_on"` or `"adoption.line.share"` to new
//! values; they are applied to the parsed TOML before it is read into the raw structs, and the
//! result is validated like any file, so a variant is simply another scenario. Sweeps use the
//! same edits, given on the command line.

use toml::{Table, Value};

use super::error::{Location, LocationSuffix, ScenarioError};
use super::locate::{FieldPath, locate};
use super::model::Scenario;
use super::validate::parse;

type Result<T> = std::result::Result<T, ScenarioError>;

/// One edit of the document: the value at `path` becomes `value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    pub path: String,
    pub value: Value,
}

/// A variant as the file declares it.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub name: String,
    pub description: String,
    /// In file order.
    pub set: Vec<Setting>,
}

/// The variants a scenario text declares, checked (shape, unique names, every path found).
///
/// # Errors
/// A located [`ScenarioError`] for a malformed `[[variants]]` table or a path that does not match.
pub fn variants(text: &str, file: &str) -> Result<Vec<Variant>> {
    let document = document(text, file)?;
    declared(&document, text, file)
}

/// Validates the scenario of variant `name` (the baseline when `None`).
///
/// # Errors
/// Any error of the baseline; an unknown variant (the message lists the variants); or a value the
/// variant sets that makes the scenario invalid, located at the variant's `set` entry and saying
/// that it comes from the variant.
pub fn parse_variant(text: &str, file: &str, name: Option<&str>) -> Result<Scenario> {
    let baseline = parse(text, file)?;
    let Some(name) = name else {
        return Ok(baseline);
    };
    let document = document(text, file)?;
    let declared = declared(&document, text, file)?;
    let Some(index) = declared.iter().position(|v| v.name == name) else {
        let names: Vec<&str> = declared.iter().map(|v| v.name.as_str()).collect();
        let hint = if names.is_empty() {
            "this file declares no [[variants]]; add one or run without --variant".to_string()
        } else {
            format!("use one of: {}", names.join(", "))
        };
        return Err(ScenarioError::Invalid {
            file: file.to_string(),
            location: LocationSuffix(locate(text, &FieldPath::default().key("variants"))),
            field: "--variant".to_string(),
            message: format!("no variant named \"{name}\""),
            hint,
        });
    };
    let variant = &declared[index];
    let origin = Origin::Variant {
        text,
        index,
        name: &variant.name,
    };
    edited(document, &variant.set, file, &origin)
}

/// Validates the scenario `text` with `settings` applied, for a sweep point given on the command
/// line (`--set PATH --values …`).
///
/// # Errors
/// Any error of the baseline; a path that does not match (saying which part and what exists
/// there); or a value that makes the scenario invalid, naming the flag.
pub fn parse_with(text: &str, file: &str, settings: &[Setting]) -> Result<Scenario> {
    parse(text, file)?;
    let document = document(text, file)?;
    edited(document, settings, file, &Origin::Flag)
}

/// Where a setting came from, for error messages.
enum Origin<'a> {
    Variant {
        text: &'a str,
        index: usize,
        name: &'a str,
    },
    Flag,
}

impl Origin<'_> {
    /// The place in the file of the setting with this path (the `set` table when unknown).
    fn location(&self, path: Option<&str>) -> Option<Location> {
        match self {
            Origin::Variant { text, index, .. } => {
                let set = FieldPath::default()
                    .key("variants")
                    .index(*index)
                    .key("set");
                locate(text, &path.map_or(set.clone(), |p| set.key(p)))
            }
            Origin::Flag => None,
        }
    }

    fn describe(&self, setting: Option<&Setting>) -> String {
        match (self, setting) {
            (Origin::Variant { name, .. }, Some(s)) => {
                format!("variant \"{name}\" (set \"{}\" = {})", s.path, s.value)
            }
            (Origin::Variant { name, .. }, None) => format!("variant \"{name}\""),
            (Origin::Flag, Some(s)) => format!("--set {} = {}", s.path, s.value),
            (Origin::Flag, None) => "the --set values".to_string(),
        }
    }
}

fn document(text: &str, file: &str) -> Result<Table> {
    text.parse::<Table>()
        .map_err(|error| ScenarioError::Syntax {
            file: file.to_string(),
            location: LocationSuffix(
                error
                    .span()
                    .map(|span| Location::from_offset(text, span.start)),
            ),
            message: error.message().trim().to_string(),
        })
}

/// Applies `settings` to `document` and validates the result; errors are moved to the setting
/// that caused them (the baseline was valid, so one of them did).
fn edited(
    mut document: Table,
    settings: &[Setting],
    file: &str,
    origin: &Origin<'_>,
) -> Result<Scenario> {
    let mut targets = Vec::new();
    for setting in settings {
        let target = apply(&mut document, setting).map_err(|mismatch| {
            mismatch.error(
                file,
                origin.location(Some(&setting.path)),
                &origin.describe(Some(setting)),
            )
        })?;
        targets.push(target);
    }
    // The variants were checked with the baseline; the edited document is one scenario.
    document.remove("variants");
    let text = toml::to_string(&document).map_err(|e| ScenarioError::Invalid {
        file: file.to_string(),
        location: LocationSuffix(origin.location(None)),
        field: "set".to_string(),
        message: format!("the edited scenario cannot be written as TOML: {e}"),
        hint: "give values TOML can hold (numbers, strings, arrays, tables)".to_string(),
    })?;
    parse(&text, file).map_err(|error| {
        let (field, message, hint) = match error {
            ScenarioError::Invalid {
                field,
                message,
                hint,
                ..
            } => (field, message, hint),
            other => ("set".to_string(), other.to_string(), String::new()),
        };
        // The setting whose target holds the failing field (the longest such target).
        let culprit = targets
            .iter()
            .enumerate()
            .filter(|(_, target)| {
                field == **target
                    || field.starts_with(&format!("{target}."))
                    || field.starts_with(&format!("{target}["))
            })
            .max_by_key(|(_, target)| target.len())
            .map(|(i, _)| &settings[i]);
        let source = origin.describe(culprit);
        ScenarioError::Invalid {
            file: file.to_string(),
            location: LocationSuffix(origin.location(culprit.map(|s| s.path.as_str()))),
            field,
            message: format!("{message} — this value comes from {source}"),
            hint: if hint.is_empty() {
                "change the value the variant sets".to_string()
            } else {
                hint
            },
        }
    })
}

/// The variants of a parsed document, their shape checked and each variant's paths tried on a
/// copy of the document.
fn declared(document: &Table, text: &str, file: &str) -> Result<Vec<Variant>> {
    let root = FieldPath::default().key("variants");
    let invalid = |path: &FieldPath, message: String, hint: &str| ScenarioError::Invalid {
        file: file.to_string(),
        location: LocationSuffix(locate(text, path)),
        field: path.display(),
        message,
        hint: hint.to_string(),
    };
    let items = match document.get("variants") {
        None => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(invalid(
                &root,
                format!("expected an array of tables, found {}", other.type_str()),
                "write each variant as a [[variants]] table with name, description and set",
            ));
        }
    };
    let mut variants: Vec<Variant> = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let here = root.index(index);
        let Value::Table(table) = item else {
            return Err(invalid(
                &here,
                format!("expected a table, found {}", item.type_str()),
                "write each variant as a [[variants]] table with name, description and set",
            ));
        };
        if let Some(key) = table
            .keys()
            .find(|k| !["name", "description", "set"].contains(&k.as_str()))
        {
            return Err(invalid(
                &here.key(key),
                format!("unknown field `{key}` in a variant"),
                "a variant has name, description and set",
            ));
        }
        let name = match table.get("name") {
            Some(Value::String(name)) if !name.trim().is_empty() => name.clone(),
            _ => {
                return Err(invalid(
                    &here.key("name"),
                    "a variant needs a non-empty `name` string".to_string(),
                    "write name = \"dual_site\"; it is what --variant and --variants take",
                ));
            }
        };
        if variants.iter().any(|v| v.name == name) {
            return Err(invalid(
                &here.key("name"),
                format!("variant name \"{name}\" appears twice"),
                "give each variant its own name",
            ));
        }
        let description = match table.get("description") {
            None => String::new(),
            Some(Value::String(d)) => d.clone(),
            Some(other) => {
                return Err(invalid(
                    &here.key("description"),
                    format!("expected a string, found {}", other.type_str()),
                    "describe the variant in one sentence, in quotes",
                ));
            }
        };
        let Some(Value::Table(set)) = table.get("set") else {
            return Err(invalid(
                &here.key("set"),
                "a variant needs `set`, a table of \"path\" = value".to_string(),
                "write set = { \"adoption.line.share\" = 0.5 } or a [variants.set] table",
            ));
        };
        if set.is_empty() {
            return Err(invalid(
                &here.key("set"),
                "`set` is empty: the variant would be the baseline".to_string(),
                "set at least one path, e.g. \"events.fire.duration_hours\" = 2",
            ));
        }
        let settings: Vec<Setting> = set
            .iter()
            .map(|(path, value)| Setting {
                path: path.clone(),
                value: value.clone(),
            })
            .collect();
        let mut copy = document.clone();
        let origin = Origin::Variant {
            text,
            index,
            name: &name,
        };
        for setting in &settings {
            apply(&mut copy, setting).map_err(|mismatch| {
                mismatch.error(
                    file,
                    origin.location(Some(&setting.path)),
                    &origin.describe(Some(setting)),
                )
            })?;
        }
        variants.push(Variant {
            name,
            description,
            set: settings,
        });
    }
    Ok(variants)
}

/// Why a path did not match the document.
#[derive(Debug)]
struct Mismatch {
    path: String,
    message: String,
    hint: String,
}

impl Mismatch {
    fn error(self, file: &str, location: Option<Location>, source: &str) -> ScenarioError {
        ScenarioError::Invalid {
            file: file.to_string(),
            location: LocationSuffix(location),
            field: format!("\"{}\"", self.path),
            message: format!("{} (in {source})", self.message),
            hint: self.hint,
        }
    }
}

/// Sets `setting.value` at `setting.path` and returns the field it replaced as validation names
/// it (`adoption[2].share`), so that a later validation error can be traced to the setting.
///
/// A path is parts separated by dots. The first part is a section; inside an array of tables
/// (`platforms`, `infrastructure`, `services`, `events`, `population.segments`,
/// `adoption`) the next part is an element's `id` (or `platform`, for adoption rules); the rest
/// walks into tables. The last part may name a field the table does not have yet (an optional
/// field); validation refuses it if it is not a field of that table.
fn apply(document: &mut Table, setting: &Setting) -> std::result::Result<String, Mismatch> {
    let path = &setting.path;
    let parts: Vec<&str> = path.split('.').collect();
    let mismatch = |message: String, hint: String| Mismatch {
        path: path.clone(),
        message,
        hint,
    };
    if parts.iter().any(|p| p.is_empty()) {
        return Err(mismatch(
            "the path has an empty part".to_string(),
            "write parts separated by single dots, e.g. \"platforms.kakaotalk.depends_on\""
                .to_string(),
        ));
    }
    let mut field = FieldPath::default();
    let mut current: &mut Value = match document.get_mut(parts[0]) {
        Some(value) => value,
        None if parts.len() == 1 => {
            document.insert(parts[0].to_string(), setting.value.clone());
            return Ok(parts[0].to_string());
        }
        None => {
            let sections: Vec<&str> = document
                .keys()
                .map(String::as_str)
                .filter(|k| *k != "variants")
                .collect();
            return Err(mismatch(
                format!("part 1, \"{}\", is not a section of the file", parts[0]),
                format!("the file has: {}", sections.join(", ")),
            ));
        }
    };
    field = field.key(parts[0]);
    for (depth, part) in parts.iter().enumerate().skip(1) {
        let last = depth == parts.len() - 1;
        let here = parts[..depth].join(".");
        let kind = current.type_str();
        let walks_into_a_value = || {
            mismatch(
                format!(
                    "part {}, \"{part}\", walks into \"{here}\", which is {kind} and has no parts",
                    depth + 1,
                ),
                format!("end the path at \"{here}\" and give its whole value"),
            )
        };
        match current {
            Value::Table(table) => {
                if last {
                    table.insert((*part).to_string(), setting.value.clone());
                    return Ok(field.key(part).display());
                }
                let keys: Vec<String> = table.keys().cloned().collect();
                let Some(next) = table.get_mut(*part) else {
                    return Err(mismatch(
                        format!(
                            "part {}, \"{part}\", matches no field of \"{here}\"",
                            depth + 1
                        ),
                        format!("\"{here}\" has: {}", keys.join(", ")),
                    ));
                };
                field = field.key(part);
                current = next;
            }
            Value::Array(items) => {
                if items.is_empty() || !items.iter().all(Value::is_table) {
                    return Err(walks_into_a_value());
                }
                let ids: Vec<String> = items.iter().filter_map(element_id).collect();
                let Some(position) = items
                    .iter()
                    .position(|item| element_id(item).as_deref() == Some(*part))
                else {
                    return Err(mismatch(
                        format!(
                            "part {}, \"{part}\", matches no id in \"{here}\"",
                            depth + 1
                        ),
                        format!("\"{here}\" has: {}", ids.join(", ")),
                    ));
                };
                field = field.index(position);
                if last {
                    items[position] = setting.value.clone();
                    return Ok(field.display());
                }
                current = &mut items[position];
            }
            _ => return Err(walks_into_a_value()),
        }
    }
    *current = setting.value.clone();
    Ok(field.display())
}

/// The name an element of an array of tables goes by in a path: its `id`, or for adoption rules
/// (and switching rules) its `platform`.
fn element_id(item: &Value) -> Option<String> {
    let table = item.as_table()?;
    match (table.get("id"), table.get("platform")) {
        (Some(Value::String(id)), _) | (None, Some(Value::String(id))) => Some(id.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"
[run]
horizon_hours = 5

[[platforms]]
id = "a"
depends_on = ["dc"]

[[platforms]]
id = "b"

[[adoption]]
platform = "b"
share = { default = 0.5, old = 0.2 }
"#;

    fn set(path: &str, value: Value) -> std::result::Result<(Table, String), Mismatch> {
        let mut document: Table = DOC.parse().unwrap_or_else(|e| panic!("fixture: {e}"));
        let target = apply(
            &mut document,
            &Setting {
                path: path.to_string(),
                value,
            },
        )?;
        Ok((document, target))
    }

    #[test]
    fn paths_walk_sections_ids_and_tables() {
        let (doc, target) = set("platforms.b.restore_hours", Value::Float(2.0))
            .unwrap_or_else(|m| panic!("{}", m.message));
        assert_eq!(target, "platforms[1].restore_hours");
        assert_eq!(doc["platforms"][1]["restore_hours"], Value::Float(2.0));
        let (doc, target) = set("adoption.b.share.old", Value::Float(0.4))
            .unwrap_or_else(|m| panic!("{}", m.message));
        assert_eq!(target, "adoption[0].share.old");
        assert_eq!(doc["adoption"][0]["share"]["default"], Value::Float(0.5));
        assert_eq!(doc["adoption"][0]["share"]["old"], Value::Float(0.4));
        let (_, target) =
            set("run.horizon_hours", Value::Integer(9)).unwrap_or_else(|m| panic!("{}", m.message));
        assert_eq!(target, "run.horizon_hours");
    }

    #[test]
    fn a_wrong_part_is_named_with_what_exists() {
        let error = set("platforms.c.depends_on", Value::Array(Vec::new()))
            .err()
            .unwrap_or_else(|| panic!("c does not exist"));
        assert!(error.message.contains("part 2, \"c\""), "{}", error.message);
        assert!(error.hint.contains("a, b"), "{}", error.hint);
        let error = set("platfroms.a.depends_on", Value::Array(Vec::new()))
            .err()
            .unwrap_or_else(|| panic!("no such section"));
        assert!(error.message.contains("part 1"), "{}", error.message);
        assert!(error.hint.contains("platforms"), "{}", error.hint);
        let error = set("run.horizon_hours.x", Value::Integer(1))
            .err()
            .unwrap_or_else(|| panic!("a number has no parts"));
        assert!(error.message.contains("integer"), "{}", error.message);
    }
}
