//! `[[uncertain]]`: each entry's path resolved by the edit mechanism (its mismatches said the
//! same way), the number it points at, its distribution (not fixed) and its source; a path given
//! twice refused; and the support of each distribution tried at the field itself — the scenario
//! with the field at the distribution's lower end, then at its upper end, checked like the file —
//! so that every range a field has is enforced by the check that owns it, and the bound that
//! leaves it is named.

use std::collections::HashMap;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::checker::Checker;
use crate::scenario::distribution::Distribution;
use crate::scenario::edit::{self, toml_text};
use crate::scenario::error::Pending;
use crate::scenario::locate::{FieldPath, locate};
use crate::scenario::raw::RawUncertain;
use crate::scenario::uncertain::{Acts, Uncertain};

/// The checked entries, or `None` after recording the problems of any.
pub(super) fn inputs(cx: &mut Checker<'_, '_>, raw: &[RawUncertain]) -> Option<Vec<Uncertain>> {
    let mut checked = Vec::with_capacity(raw.len());
    let mut targets: HashMap<String, String> = HashMap::new();
    let mut ok = true;
    for (index, entry) in raw.iter().enumerate() {
        let here = cx.element("uncertain", index);
        let target = target(cx, &here, &entry.path);
        if let Some(target) = &target {
            if let Some(first) = targets.insert(target.clone(), entry.path.clone()) {
                cx.problem(
                    &here.key("path"),
                    format!(
                        "\"{}\" is uncertain twice: an earlier [[uncertain]] gives \"{first}\" ({target})",
                        entry.path
                    ),
                    "keep one [[uncertain]] per number",
                );
                ok = false;
            }
        }
        let distribution = cx.distribution(&here.key("value"), &entry.value);
        if let Some(Distribution::Fixed(value)) = distribution {
            cx.problem(
                &here.key("value"),
                format!("a fixed value ({value}) is not uncertain"),
                format!(
                    "write the number at {} itself and remove this [[uncertain]], or give a range such as {{ dist = \"uniform\", min = …, max = … }}",
                    entry.path
                ),
            );
            ok = false;
        }
        if entry.source.trim().is_empty() {
            cx.problem(
                &here.key("source"),
                "the source is empty",
                "say where the range comes from (a study, a dispute between figures), or write source = \"assumed\"",
            );
            ok = false;
        }
        match (target, distribution) {
            (Some(_), Some(distribution)) if ok => checked.push(Uncertain {
                path: entry.path.clone(),
                distribution,
                source: entry.source.clone(),
                acts: Acts::of(&entry.path),
            }),
            _ => ok = false,
        }
    }
    ok.then_some(checked)
}

/// The field `path` names (as checks name it), when the path matches the document and a number
/// is written there.
fn target(cx: &mut Checker<'_, '_>, here: &FieldPath, path: &str) -> Option<String> {
    let at = here.key("path");
    if path == "run" || path.starts_with("run.") {
        cx.problem(
            &at,
            format!("\"{path}\" is a setting of the run, not an input of the model"),
            "make a number of the scenario uncertain (a share, a duration, a success, a value); a study over [run] settings is `sweep`",
        );
        return None;
    }
    let mut copy: Spanned<DeTable<'_>> = cx.document.clone();
    copy.get_mut().remove("uncertain");
    let placeholder = Spanned::new(0..0, DeValue::Table(DeTable::new()));
    match edit::replace(&mut copy, path, placeholder, 0..0) {
        Err(mismatch) => {
            cx.problem(
                &at,
                format!("\"{path}\": {}", mismatch.message),
                mismatch.hint,
            );
            None
        }
        Ok((field, None)) => {
            cx.problem(
                &at,
                format!("the file gives no value at \"{path}\" ({})", field.display()),
                "write its central value there (the value `run --central` uses); [[uncertain]] gives only its range",
            );
            None
        }
        Ok((field, Some(DeValue::Integer(_) | DeValue::Float(_)))) => Some(field.display()),
        Ok((field, Some(other))) => {
            let hint = if matches!(other, DeValue::Table(_)) {
                format!(
                    "make one of its numbers uncertain, e.g. \"{path}.median\" or \"{path}.max\" of a distribution, or \"{path}.<segment>\" of a per-segment number"
                )
            } else {
                "only a number can be uncertain".to_string()
            };
            cx.problem(
                &at,
                format!(
                    "the value at \"{path}\" ({}) is {}, not a number",
                    field.display(),
                    other.type_str()
                ),
                hint,
            );
            None
        }
    }
}

/// Checks the scenario with each input at either end of its support (the central scenario has
/// no problem) and records, at the entry's `value`, every problem that end causes.
///
/// # Complexity
/// Two checks of the whole document per input: O(inputs × size of the file).
pub(super) fn supports_fit(cx: &mut Checker<'_, '_>, inputs: &[Uncertain], file: &str) {
    for (index, input) in inputs.iter().enumerate() {
        let here = cx.element("uncertain", index).key("value");
        let span = locate(cx.document, &here);
        let (lower, upper) = input.distribution.support();
        for (end, bound) in [("lower", lower), ("upper", upper)] {
            let text = toml_text(&toml::Value::Float(bound));
            let found = at_bound(cx.document, &input.path, &text, file);
            for problem in found {
                cx.pending.push(Pending::new(
                    span.clone(),
                    here.display(),
                    format!(
                        "its {end} end, {text}, does not fit {}: {}",
                        input.path, problem.message
                    ),
                    format!(
                        "{}; keep the distribution within the field's range",
                        problem.hint
                    ),
                ));
            }
        }
    }
}

/// The problems of `document` without its `[[uncertain]]` and with `text` at `path`.
fn at_bound(document: &Spanned<DeTable<'_>>, path: &str, text: &str, file: &str) -> Vec<Pending> {
    let Ok(value) = DeValue::parse(text) else {
        return vec![Pending::new(
            None,
            path,
            format!("{text} is not a number"),
            "give finite parameters",
        )];
    };
    let mut copy: Spanned<DeTable<'_>> = document.clone();
    copy.get_mut().remove("uncertain");
    if edit::apply(&mut copy, path, value, 0..0).is_err() {
        // The path was resolved on this document a moment ago.
        return Vec::new();
    }
    super::scenario(&copy, file).err().unwrap_or_default()
}
