//! `[[variants]]`: policy alternatives written as edits of the scenario document. A variant's
//! `set` maps paths such as `"platforms.kakaotalk.depends_on"` to new values; the values stay TOML
//! with their spans, so a problem with one is located at its `set` entry. The declarations are
//! read and their paths tried once, when the document is parsed.

use std::collections::BTreeSet;
use std::ops::Range;

use serde::de::IntoDeserializer;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::edit;
use super::error::Pending;
use super::locate::FieldPath;
use super::model::VariantCost;
use super::raw::{RawCost, RawVariant};

/// A variant as the file declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// Its name, as `--variant` and `--variants` give it.
    pub name: String,
    /// What the variant changes, in prose.
    pub description: String,
    /// The paths it sets, in file order.
    pub paths: Vec<String>,
}

/// A declared variant with its edits.
#[derive(Debug, Clone)]
pub(super) struct Declared<'t> {
    pub variant: Variant,
    /// Its `cost`, checked.
    pub cost: Option<VariantCost>,
    pub entries: Vec<SetEntry<'t>>,
}

/// One entry of a variant's `set`.
#[derive(Debug, Clone)]
pub(super) struct SetEntry<'t> {
    pub path: String,
    pub key_span: Range<usize>,
    pub value: Spanned<DeValue<'t>>,
}

impl SetEntry<'_> {
    /// How a problem names where this value came from.
    pub fn origin(&self, variant: &str) -> String {
        format!("variant \"{variant}\" (set \"{}\")", self.path)
    }
}

/// The variants of `variants` (the document's `[[variants]]`, taken out of `baseline`), each
/// with its shape checked and its paths tried on `baseline`; problems go to `pending`.
pub(super) fn declared<'t>(
    variants: Option<Spanned<DeValue<'t>>>,
    baseline: &Spanned<DeTable<'t>>,
    pending: &mut Vec<Pending>,
) -> Vec<Declared<'t>> {
    let Some(variants) = variants else {
        return Vec::new();
    };
    let root = FieldPath::default().key("variants");
    let Some(items) = variants.get_ref().as_array() else {
        let error = serde_path_to_error::deserialize::<_, Vec<RawVariant>>(
            variants.clone().into_deserializer(),
        )
        .err();
        pending.push(Pending::new(
            Some(variants.span()),
            root.display(),
            error.map_or_else(
                || "expected an array of tables".to_string(),
                |e| e.into_inner().message().to_string(),
            ),
            "write each variant as a [[variants]] table with name, description and set",
        ));
        return Vec::new();
    };
    let mut names = BTreeSet::new();
    let mut declared = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let here = root.index(index);
        let raw = match serde_path_to_error::deserialize::<_, RawVariant>(
            item.clone().into_deserializer(),
        ) {
            Ok(raw) => raw,
            Err(error) => {
                let mut path = here.clone();
                path.0.extend(FieldPath::from_serde(error.path()).0);
                let error = error.into_inner();
                pending.push(Pending::new(
                    error.span().or_else(|| Some(item.span())),
                    path.display(),
                    error.message(),
                    "a variant has name, description and set = { \"path\" = value, … }",
                ));
                continue;
            }
        };
        let Some(table) = item.get_ref().as_table() else {
            continue;
        };
        let at = |key: &str| table.get(key).map(Spanned::span);
        if raw.name.trim().is_empty() {
            pending.push(Pending::new(
                at("name"),
                here.key("name").display(),
                "a variant needs a non-empty name",
                "write name = \"dual_site\"; it is what --variant and --variants take",
            ));
            continue;
        }
        if !names.insert(raw.name.clone()) {
            pending.push(Pending::new(
                at("name"),
                here.key("name").display(),
                format!("variant name \"{}\" appears twice", raw.name),
                "give each variant its own name",
            ));
            continue;
        }
        let mut entries: Vec<SetEntry<'t>> = table
            .get("set")
            .and_then(|set| set.get_ref().as_table())
            .map(|set| {
                set.iter()
                    .map(|(key, value)| SetEntry {
                        path: key.get_ref().to_string(),
                        key_span: key.span(),
                        value: value.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        entries.sort_by_key(|entry| entry.key_span.start);
        if raw.set.is_empty() {
            pending.push(Pending::new(
                at("set"),
                here.key("set").display(),
                "`set` is empty: the variant would be the baseline",
                "set at least one path, e.g. \"events.fire.duration_hours\" = 2",
            ));
            continue;
        }
        let mut copy = baseline.clone();
        for entry in &entries {
            if let Err(mismatch) = edit::apply(
                &mut copy,
                &entry.path,
                entry.value.clone(),
                entry.key_span.clone(),
            ) {
                pending.push(Pending::new(
                    Some(entry.key_span.clone()),
                    format!("\"{}\"", entry.path),
                    format!("{} (in {})", mismatch.message, entry.origin(&raw.name)),
                    mismatch.hint,
                ));
            }
        }
        let cost = match &raw.cost {
            Some(raw_cost) => match cost(raw_cost, table.get("cost"), &here.key("cost"), pending) {
                Some(cost) => Some(cost),
                None => continue,
            },
            None => None,
        };
        declared.push(Declared {
            cost,
            variant: Variant {
                name: raw.name,
                description: raw.description,
                paths: entries.iter().map(|e| e.path.clone()).collect(),
            },
            entries,
        });
    }
    declared
}

/// A variant's `cost`, each part a finite amount ≥ 0; a problem goes to `pending`, located at
/// the part (or the table when the part is not written).
fn cost(
    raw: &RawCost,
    value: Option<&Spanned<DeValue<'_>>>,
    here: &FieldPath,
    pending: &mut Vec<Pending>,
) -> Option<VariantCost> {
    let table = value.and_then(|v| v.get_ref().as_table());
    let mut ok = true;
    for (name, amount) in [("upfront", raw.upfront), ("per_year", raw.per_year)] {
        if amount.is_finite() && amount >= 0.0 {
            continue;
        }
        ok = false;
        let span = table
            .and_then(|t| t.get(name))
            .map(Spanned::span)
            .or_else(|| value.map(Spanned::span));
        pending.push(Pending::new(
            span,
            here.key(name).display(),
            format!("{amount} is not an amount ≥ 0"),
            "give what the measure costs in the scenario's currency, e.g. cost = { upfront = 1.0e11, per_year = 5.0e9 }",
        ));
    }
    ok.then_some(VariantCost {
        upfront: raw.upfront,
        per_year: raw.per_year,
    })
}
