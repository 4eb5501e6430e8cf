//! The scenario pipeline: text → a TOML document with spans (parsed once) → edits → the raw
//! types → the checked [`Scenario`]. A study with many variants or points parses its file once
//! and asks the [`Document`] for each: a copy of the spanned document, edited, then read and
//! checked like the file.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::check;
use super::edit::{self, Edit};
use super::error::{FORMAT_DOC, Pending, ScenarioError, Sources};
use super::model::{Scenario, VariantCost};
use super::variants::{self, Declared, Variant};

/// A scenario file parsed into a TOML document with spans, its `[[variants]]` read.
#[derive(Debug, Clone)]
pub struct Document<'t> {
    file: String,
    text: &'t str,
    /// The document without `[[variants]]`.
    root: Spanned<DeTable<'t>>,
    variants_span: Option<Range<usize>>,
    declared: Vec<Declared<'t>>,
}

/// An edit applied to a copy of the document: the field it replaced, where its value is, and who
/// wrote it.
struct Applied {
    target: String,
    range: Range<usize>,
    origin: String,
}

impl<'t> Document<'t> {
    /// Parses scenario `text` read from `file` and reads its `[[variants]]`.
    ///
    /// # Errors
    /// Every TOML syntax error, and every problem with a variant's shape or with a path of its
    /// `set` that does not match the file (saying which part and what exists there).
    pub fn parse(text: &'t str, file: &str) -> Result<Document<'t>, ScenarioError> {
        let sources = Sources {
            file,
            text,
            edits: Vec::new(),
        };
        let (mut root, errors) = DeTable::parse_recoverable(text);
        if !errors.is_empty() {
            let pending = errors
                .into_iter()
                .map(|error| Pending {
                    span: error.span(),
                    field: String::new(),
                    message: error.message().trim().to_string(),
                    hint: "fix the TOML syntax at that place (quotes, brackets, commas, `key = value`)".to_string(),
                    syntax: true,
                })
                .collect();
            return Err(sources.error(pending).unwrap_or_else(|| unreadable(file)));
        }
        let variants = root.get_mut().remove("variants");
        let variants_span = variants.as_ref().map(Spanned::span);
        let mut pending = Vec::new();
        let declared = variants::declared(variants, &root, &mut pending);
        if let Some(error) = sources.error(pending) {
            return Err(error);
        }
        Ok(Document {
            file: file.to_string(),
            text,
            root,
            variants_span,
            declared,
        })
    }

    /// The file name, as the user gave it.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// Where the value of `section.key` (e.g. `run.replications`) comes from, for a message
    /// about it: the last of `edits` that sets it (`--replications 4294967295`), else its place
    /// in the file (`f.toml:15:1`), else `the default`.
    pub fn source_of(&self, section: &str, key: &str, edits: &[Edit]) -> String {
        let path = format!("{section}.{key}");
        if let Some(edit) = edits.iter().rev().find(|edit| edit.path == path) {
            return edit.origin.clone();
        }
        let field = self
            .root
            .get_ref()
            .get(section)
            .and_then(|table| table.get_ref().as_table())
            .and_then(|table| table.get(key));
        match field {
            Some(value) => {
                let at = super::Location::from_offset(self.text, value.span().start);
                format!("{}:{}:{}", self.file, at.line, at.column)
            }
            None => "the default".to_string(),
        }
    }

    /// The variants the file declares, in file order.
    pub fn variants(&self) -> impl Iterator<Item = &Variant> {
        self.declared.iter().map(|d| &d.variant)
    }

    /// The `cost` of variant `name`, when it is declared with one.
    pub fn cost(&self, name: &str) -> Option<VariantCost> {
        self.declared
            .iter()
            .find(|d| d.variant.name == name)
            .and_then(|d| d.cost)
    }

    /// The baseline scenario with `edits` applied (none: the file as written).
    ///
    /// # Errors
    /// Every problem of the edited scenario, each located where its value came from.
    ///
    /// # Complexity
    /// A copy of the document, the edits, a serde pass and the checks: O(size of the file);
    /// see benches/README.md for the figure on the Kakao file.
    pub fn scenario(&self, edits: &[Edit]) -> Result<Scenario, ScenarioError> {
        self.build(None, &[], edits)
    }

    /// The scenario of variant `name` (the baseline when `None`) with `edits` applied after the
    /// variant's own.
    ///
    /// # Errors
    /// An unknown variant (the message lists the variants), or every problem of the edited
    /// scenario, located at the variant's `set` entry or the flag its value came from.
    pub fn variant(&self, name: Option<&str>, edits: &[Edit]) -> Result<Scenario, ScenarioError> {
        self.variant_with_inputs(name, edits, &[])
    }

    /// [`Document::variant`] with the values of uncertain inputs (`inputs`, made by
    /// [`Edit::input`]) written in. The inputs are applied first, then the variant's `set`,
    /// then `edits`: a variant is a decision, so where it sets a number that is also uncertain
    /// its value is the one simulated (under every input sample, as in the central run), and a
    /// command-line edit overrides both. A field that neither sets takes the input's value.
    ///
    /// # Errors
    /// As [`Document::variant`]; a problem an input's value causes is located at the input
    /// (`[[uncertain]] path = value`).
    pub fn variant_with_inputs(
        &self,
        variant: Option<&str>,
        edits: &[Edit],
        inputs: &[Edit],
    ) -> Result<Scenario, ScenarioError> {
        let Some(name) = variant else {
            return self.build(None, inputs, edits);
        };
        match self.declared.iter().find(|d| d.variant.name == name) {
            Some(declared) => self.build(Some(declared), inputs, edits),
            None => {
                let names: Vec<&str> = self.variants().map(|v| v.name.as_str()).collect();
                let hint = if names.is_empty() {
                    "this file declares no [[variants]]; add one or run without --variant"
                        .to_string()
                } else {
                    format!("use one of: {}", names.join(", "))
                };
                let pending = Pending::new(
                    self.variants_span.clone(),
                    "--variant",
                    format!("no variant named \"{name}\""),
                    hint,
                );
                Err(self
                    .sources(&[])
                    .error(vec![pending])
                    .unwrap_or_else(|| unreadable(&self.file)))
            }
        }
    }

    /// Checks every variant with `edits`, reporting the problems of all of them at once.
    ///
    /// # Errors
    /// Every problem of every variant, located at the variant's `set` entries.
    pub fn check_variants(&self, edits: &[Edit]) -> Result<(), ScenarioError> {
        let errors: Vec<ScenarioError> = self
            .declared
            .iter()
            .filter_map(|declared| self.build(Some(declared), &[], edits).err())
            .collect();
        match ScenarioError::merge(&self.file, errors) {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    fn sources(&self, applied: &[Applied]) -> Sources<'_> {
        Sources {
            file: &self.file,
            text: self.text,
            edits: applied
                .iter()
                .map(|a| (a.range.clone(), a.origin.clone()))
                .collect(),
        }
    }

    fn build(
        &self,
        variant: Option<&Declared<'t>>,
        inputs: &[Edit],
        edits: &[Edit],
    ) -> Result<Scenario, ScenarioError> {
        let mut working: Spanned<DeTable<'_>> = self.root.clone();
        let mut applied = Vec::new();
        let mut pending = Vec::new();
        // Values from outside the file get ranges of their own past its end.
        let mut next = self.text.len() + 1;
        for edit in inputs {
            apply_outside(&mut working, edit, &mut next, &mut applied, &mut pending);
        }
        for entry in variant.map_or(&[][..], |d| d.entries.as_slice()) {
            let origin = entry.origin(variant.map_or("", |d| d.variant.name.as_str()));
            let range = entry.value.span();
            match edit::apply(
                &mut working,
                &entry.path,
                entry.value.clone(),
                entry.key_span.clone(),
            ) {
                Ok(target) => applied.push(Applied {
                    target: target.display(),
                    range,
                    origin,
                }),
                Err(mismatch) => pending.push(Pending::new(
                    Some(entry.key_span.clone()),
                    format!("\"{}\"", entry.path),
                    format!("{} (in {origin})", mismatch.message),
                    mismatch.hint,
                )),
            }
        }
        for edit in edits {
            apply_outside(&mut working, edit, &mut next, &mut applied, &mut pending);
        }
        if pending.is_empty() {
            match check::scenario(&working, &self.file) {
                Ok(scenario) => return Ok(scenario),
                Err(found) => pending = attributed(found, &applied),
            }
        }
        Err(self
            .sources(&applied)
            .error(pending)
            .unwrap_or_else(|| unreadable(&self.file)))
    }
}

/// Applies `edit` (a value from outside the file) to `working`, its value given the range
/// `next..` past the file's end, recording where it went or why it could not.
fn apply_outside<'a>(
    working: &mut Spanned<DeTable<'a>>,
    edit: &'a Edit,
    next: &mut usize,
    applied: &mut Vec<Applied>,
    pending: &mut Vec<Pending>,
) {
    let range = *next..*next + edit.value.len().max(1);
    *next = range.end + 1;
    let value = match DeValue::parse(&edit.value) {
        Ok(value) => edit::shifted(value, range.start),
        Err(error) => {
            pending.push(Pending::new(
                Some(range.clone()),
                edit.path.clone(),
                format!(
                    "\"{}\" is not a TOML value: {}",
                    edit.value,
                    error.message().trim()
                ),
                "give a number, \"a string\", [an, array] or { a = table }",
            ));
            applied.push(Applied {
                target: edit.path.clone(),
                range,
                origin: edit.origin.clone(),
            });
            return;
        }
    };
    match edit::apply(working, &edit.path, value, range.clone()) {
        Ok(target) => applied.push(Applied {
            target: target.display(),
            range,
            origin: edit.origin.clone(),
        }),
        Err(mismatch) => {
            pending.push(Pending::new(
                Some(range.clone()),
                format!("\"{}\"", edit.path),
                mismatch.message,
                mismatch.hint,
            ));
            applied.push(Applied {
                target: edit.path.clone(),
                range,
                origin: edit.origin.clone(),
            });
        }
    }
}

/// Problems of an edited document moved to the edit that caused them: a problem outside every
/// edited value but in a field an edit set (or holding one, like a sum of shares) is placed at
/// that edit; any other is said to arise with the edits.
fn attributed(found: Vec<Pending>, applied: &[Applied]) -> Vec<Pending> {
    if applied.is_empty() {
        return found;
    }
    let inside = |a: &str, b: &str| {
        a == b || a.starts_with(&format!("{b}.")) || a.starts_with(&format!("{b}["))
    };
    found
        .into_iter()
        .map(|mut problem| {
            let placed = problem
                .span
                .as_ref()
                .is_some_and(|span| applied.iter().any(|a| a.range.contains(&span.start)));
            if placed {
                return problem;
            }
            let related = applied
                .iter()
                .rev()
                .find(|a| inside(&problem.field, &a.target) || inside(&a.target, &problem.field));
            match related {
                Some(edit) => problem.span = Some(edit.range.clone()),
                None => {
                    let origins: Vec<&str> = applied.iter().map(|a| a.origin.as_str()).collect();
                    problem.message = format!("{} (with {})", problem.message, origins.join(", "));
                }
            }
            problem
        })
        .collect()
}

fn unreadable(file: &str) -> ScenarioError {
    ScenarioError::Refused {
        file: file.to_string(),
        message: "the scenario could not be read".to_string(),
        hint: format!("compare the file with {FORMAT_DOC}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::model::Channel;

    const FILE: &str = r#"[scenario]
name = "shop"

[run]
horizon_hours = 24

[population]
size = 1000

[[platforms]]
id = "pay"

[[adoption]]
platform = "pay"
share = 0.5

[[services]]
id = "shop_payments"
demand_per_day = 1
channels = [{ platform = "pay" }, { offline = "cash", success = 0.9 }]

[[variants]]
name = "cash_ready"
set = { "services.shop_payments.channels.cash.success" = 0.99 }
"#;

    fn cash_success(scenario: &Scenario) -> f64 {
        match &scenario.services[0].channels[1] {
            Channel::Offline(cash) => cash.success,
            Channel::Platform(_) => panic!("the second channel is cash"),
        }
    }

    /// Issue 10: an offline channel is reached by its `offline` name, from a variant and from
    /// an edit of the command line, on one parse of the text.
    #[test]
    fn an_offline_channel_is_edited_by_its_name() {
        let document = Document::parse(FILE, "shop.toml").unwrap_or_else(|e| panic!("{e}"));
        let baseline = document.scenario(&[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cash_success(&baseline), 0.9);
        let variant = document
            .variant(Some("cash_ready"), &[])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cash_success(&variant), 0.99);
        let path = "services.shop_payments.channels.cash.success";
        let swept = document
            .scenario(&[Edit::set(path, &toml::Value::Float(0.5))])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(cash_success(&swept), 0.5);
        let error = document
            .scenario(&[Edit::set(path, &toml::Value::Float(1.5))])
            .err()
            .unwrap_or_else(|| panic!("1.5 is not a share"));
        let text = error.to_string();
        assert!(
            text.starts_with("shop.toml: --set services.shop_payments.channels.cash.success = 1.5: services[0].channels[1].success: 1.5 is not a share"),
            "{text}"
        );
    }

    /// A flag's edit follows a variant's, and a bad one names the flag.
    #[test]
    fn flags_apply_after_variants_and_are_located_at_the_flag() {
        let document = Document::parse(FILE, "shop.toml").unwrap_or_else(|e| panic!("{e}"));
        let agents = Edit::flag("--agents", "run.agents", 200);
        let scenario = document
            .variant(Some("cash_ready"), std::slice::from_ref(&agents))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(scenario.run.agents, 200);
        let error = document
            .scenario(&[Edit::flag("--agents", "run.agents", 2000)])
            .err()
            .unwrap_or_else(|| panic!("more agents than people"));
        let problem = &error.problems()[0];
        assert_eq!(problem.origin.as_deref(), Some("--agents 2000"));
        assert_eq!(problem.location, None);
        let error = document
            .variant(Some("nope"), &[])
            .err()
            .unwrap_or_else(|| panic!("no such variant"));
        assert!(
            error.to_string().contains("use one of: cash_ready"),
            "{error}"
        );
    }
}

/// Issue 14: `rate_per_year`, a variant's `cost` and `[economics]`, read and located.
#[cfg(test)]
mod annual_fields {
    use crate::scenario::{Document, Economics, VariantCost};

    /// A small file with an event, a variant and `[economics]`, each with the given lines, so
    /// that one test can break one field.
    fn file(events: &str, variant: &str, economics: &str) -> String {
        format!(
            r#"[scenario]
name = "annual"

[run]
horizon_hours = 24

[population]
size = 1000

[[platforms]]
id = "app"

[[adoption]]
platform = "app"
share = 0.5

[[services]]
id = "chat"
demand_per_day = 1
channels = [{{ platform = "app" }}]

[[events]]
id = "fire"
fails = ["app"]
duration_hours = 4
{events}

[[variants]]
name = "backup"
set = {{ "events.fire.duration_hours" = 2 }}
{variant}

{economics}
"#
        )
    }

    fn problem(text: &str) -> (usize, String, String) {
        let error = Document::parse(text, "a.toml")
            .and_then(|d| d.scenario(&[]).map(|_| ()))
            .err()
            .unwrap_or_else(|| panic!("expected a problem in:\n{text}"));
        let p = &error.problems()[0];
        (
            p.location.as_ref().map_or(0, |l| l.line),
            p.field.clone(),
            p.message.clone(),
        )
    }

    #[test]
    fn rates_costs_and_economics_are_read() {
        let text = file(
            "rate_per_year = 0.4",
            "cost = { upfront = 1.0e11, per_year = 5.0e9 }",
            "[economics]\ndiscount_rate = 0.045\nhorizon_years = 20",
        );
        let document = Document::parse(&text, "a.toml").unwrap_or_else(|e| panic!("{e}"));
        let scenario = document.scenario(&[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(scenario.events[0].rate_per_year, Some(0.4));
        let economics = scenario.economics.unwrap_or_else(|| panic!("economics"));
        assert_eq!(economics.horizon_years, 20);
        assert_eq!(
            document.cost("backup"),
            Some(VariantCost {
                upfront: 1.0e11,
                per_year: 5.0e9
            })
        );
        // The rate is an ordinary number at its edit path.
        let edited = document
            .scenario(&[crate::scenario::Edit::set(
                "events.fire.rate_per_year",
                &toml::Value::Float(2.5),
            )])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(edited.events[0].rate_per_year, Some(2.5));
        // And absent, the event has none, the file no economics and the variant no cost.
        let bare = file("", "", "");
        let document = Document::parse(&bare, "a.toml").unwrap_or_else(|e| panic!("{e}"));
        let scenario = document.scenario(&[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(scenario.events[0].rate_per_year, None);
        assert!(scenario.economics.is_none());
        assert_eq!(document.cost("backup"), None);
    }

    /// Hand computation: at 4.5 % over 20 years, Σ 1.045^−t = (1 − 1.045^−20) / 0.045
    /// = 13.007 936…; at 0 % it is the number of years.
    #[test]
    fn the_annuity_factor_is_the_sum_of_discount_factors() {
        let e = Economics {
            discount_rate: 0.045,
            horizon_years: 20,
        };
        let sum: f64 = (1..=20).map(|t| 1.045f64.powi(-t)).sum();
        assert!((e.annuity() - sum).abs() < 1e-12, "{} {sum}", e.annuity());
        assert!((e.annuity() - 13.007_936).abs() < 1e-6);
        let flat = Economics {
            discount_rate: 0.0,
            horizon_years: 7,
        };
        assert_eq!(flat.annuity(), 7.0);
        let cost = VariantCost {
            upfront: 100.0,
            per_year: 10.0,
        };
        assert!((cost.present_value(&e) - (100.0 + 10.0 * sum)).abs() < 1e-9);
    }

    #[test]
    fn bad_values_are_located_at_their_field() {
        let (line, field, message) = problem(&file("rate_per_year = -1", "", ""));
        assert_eq!((line, field.as_str()), (26, "events[0].rate_per_year"));
        assert!(message.contains("-1 is not a rate"), "{message}");
        let (line, field, _) = problem(&file(
            "",
            "",
            "[economics]\ndiscount_rate = 1.5\nhorizon_years = 20",
        ));
        assert_eq!((line, field.as_str()), (34, "economics.discount_rate"));
        let (line, field, _) = problem(&file(
            "",
            "",
            "[economics]\ndiscount_rate = 0.03\nhorizon_years = 0",
        ));
        assert_eq!((line, field.as_str()), (35, "economics.horizon_years"));
        let (line, field, message) = problem(&file("", "cost = { upfront = -5 }", ""));
        assert_eq!((line, field.as_str()), (31, "variants[0].cost.upfront"));
        assert!(message.contains("-5 is not an amount"), "{message}");
        let (_, field, message) = problem(&file("", "cost = { upfront = 1, spare = 2 }", ""));
        assert!(field.starts_with("variants[0].cost"), "{field}");
        assert!(message.contains("unknown field"), "{message}");
    }
}
