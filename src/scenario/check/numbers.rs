//! The checks every section shares: numbers in their ranges, ids, distributions and
//! per-segment numbers. Each returns `None` after recording its problem.

use super::checker::Checker;
use crate::scenario::distribution::Distribution;
use crate::scenario::locate::FieldPath;
use crate::scenario::model::Segment;
use crate::scenario::raw::{RawDistTable, RawDistribution, RawPerSegment};

/// The largest mean or value a distribution may have. Distributions give hours (a hundred
/// thousand years is far past any horizon) and shares of contacts (at most 1). Bounding the mean
/// also bounds every draw: a lognormal's largest draw, exp(mu + sigma·z) with |z| below 10 for a
/// ziggurat normal, is at most exp(ln(mean) + 50) because sigma·z ≤ sigma²/2 + z²/2; an
/// exponential's is below 40 × its mean; a Weibull's, scale·E^(1/k) with E < 40, stays finite
/// once scale·Γ(1 + 1/k) does. So a checked distribution never draws inf or NaN.
pub const MAX_DISTRIBUTION_VALUE: f64 = 1e9;

impl Checker<'_, '_> {
    pub fn finite(&mut self, path: &FieldPath, value: f64) -> Option<f64> {
        if value.is_finite() {
            return Some(value);
        }
        self.problem(
            path,
            format!("{value} is not a finite number"),
            "give a finite number",
        );
        None
    }

    pub fn non_negative(&mut self, path: &FieldPath, value: f64) -> Option<f64> {
        if value.is_finite() && value >= 0.0 {
            return Some(value);
        }
        self.problem(
            path,
            format!("{value} is negative or not finite"),
            "give a number ≥ 0",
        );
        None
    }

    pub fn share(&mut self, path: &FieldPath, value: f64) -> Option<f64> {
        if (0.0..=1.0).contains(&value) {
            return Some(value);
        }
        self.problem(
            path,
            format!("{value} is not a share in [0, 1]"),
            "shares and probabilities are between 0 and 1 (write 0.35 for 35 %)",
        );
        None
    }

    pub fn at_least_one(&mut self, path: &FieldPath, value: u64) -> Option<u64> {
        if value >= 1 {
            return Some(value);
        }
        self.problem(
            path,
            format!("{value} is not a whole number ≥ 1"),
            "give a whole number of at least 1",
        );
        None
    }

    /// An id: snake_case, starting with a letter.
    pub fn id(&mut self, path: &FieldPath, id: &str) -> Option<()> {
        let snake = id.starts_with(|c: char| c.is_ascii_lowercase())
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if snake {
            return Some(());
        }
        self.problem(
            path,
            format!("id \"{id}\" is not snake_case"),
            "use lower-case letters, digits and underscores, starting with a letter, e.g. kakao_pay",
        );
        None
    }

    /// An element's id: snake_case and not taken by an earlier element of the same `kind`.
    pub fn unique_id(
        &mut self,
        path: &FieldPath,
        kind: &str,
        id: &str,
        seen: &mut std::collections::HashSet<String>,
    ) -> Option<()> {
        let snake = self.id(path, id);
        if !seen.insert(id.to_string()) {
            self.problem(
                path,
                format!("{kind} id \"{id}\" appears twice"),
                format!("give each {kind} its own id"),
            );
            return None;
        }
        snake
    }

    /// A distribution of hours (durations and times): its parameters possible and no draw
    /// negative.
    pub fn hours(&mut self, path: &FieldPath, raw: &RawDistribution) -> Option<Distribution> {
        let distribution = self.distribution(path, raw)?;
        if distribution.lower_bound() < 0.0 {
            self.problem(
                path,
                format!(
                    "this distribution can give negative hours (lowest value {})",
                    distribution.lower_bound()
                ),
                "times and durations cannot be negative: make the lower end 0 or more",
            );
            return None;
        }
        Some(distribution)
    }

    /// A distribution whose draws are never negative (thresholds, shares of contacts).
    pub fn non_negative_distribution(
        &mut self,
        path: &FieldPath,
        raw: &RawDistribution,
    ) -> Option<Distribution> {
        let distribution = self.distribution(path, raw)?;
        if distribution.lower_bound() < 0.0 {
            self.problem(
                path,
                format!(
                    "this distribution can give negative values (lowest value {})",
                    distribution.lower_bound()
                ),
                "make the lower end 0 or more",
            );
            return None;
        }
        Some(distribution)
    }

    /// A distribution with possible parameters (any values).
    pub fn distribution(
        &mut self,
        path: &FieldPath,
        raw: &RawDistribution,
    ) -> Option<Distribution> {
        let table = match raw {
            RawDistribution::Fixed(value) => {
                return self.finite(path, *value).map(Distribution::Fixed);
            }
            RawDistribution::Table(table) => table,
        };
        let finite = |values: &[f64]| values.iter().all(|v| v.is_finite());
        let (params, distribution) = match *table {
            RawDistTable::Fixed { value } => (vec![value], Ok(Distribution::Fixed(value))),
            RawDistTable::Uniform { min, max } => (
                vec![min, max],
                if min <= max {
                    Ok(Distribution::Uniform { min, max })
                } else {
                    Err((
                        format!("uniform min {min} is above max {max}"),
                        "swap them so that min ≤ max",
                    ))
                },
            ),
            RawDistTable::Triangular { min, mode, max } => (
                vec![min, mode, max],
                if min <= mode && mode <= max {
                    Ok(Distribution::Triangular { min, mode, max })
                } else {
                    Err((
                        format!("triangular needs min ≤ mode ≤ max, got {min}, {mode}, {max}"),
                        "order the three values",
                    ))
                },
            ),
            RawDistTable::Lognormal { median, p95 } => (
                vec![median, p95],
                if median > 0.0 && p95 > median {
                    Ok(Distribution::lognormal_from_median_p95(median, p95))
                } else {
                    Err((
                        format!("lognormal needs p95 > median > 0, got median {median}, p95 {p95}"),
                        "the p95 is the value exceeded in 1 case of 20: make it larger than the median",
                    ))
                },
            ),
            RawDistTable::Exponential { mean } => (
                vec![mean],
                if mean > 0.0 {
                    Ok(Distribution::Exponential { mean })
                } else {
                    Err((
                        format!("exponential mean {mean} is not positive"),
                        "give a positive mean",
                    ))
                },
            ),
            RawDistTable::Weibull { shape, scale } => (
                vec![shape, scale],
                if shape > 0.0 && scale > 0.0 {
                    Ok(Distribution::Weibull { shape, scale })
                } else {
                    Err((
                        format!("weibull needs shape > 0 and scale > 0, got {shape}, {scale}"),
                        "give positive shape and scale",
                    ))
                },
            ),
            RawDistTable::Empirical { ref values } => (
                values.clone(),
                if values.is_empty() {
                    Err((
                        "`values` is empty".to_string(),
                        "list at least one observed value",
                    ))
                } else {
                    Ok(Distribution::Empirical(values.clone()))
                },
            ),
        };
        if !finite(&params) {
            self.problem(
                path,
                "a parameter is not a finite number",
                "give finite numbers",
            );
            return None;
        }
        let distribution = match distribution {
            Ok(distribution) => distribution,
            Err((message, hint)) => {
                self.problem(path, message, hint);
                return None;
            }
        };
        let mean = distribution.mean();
        let largest = distribution.upper_bound().unwrap_or(mean);
        if !(mean.is_finite() && mean.abs() <= MAX_DISTRIBUTION_VALUE)
            || largest > MAX_DISTRIBUTION_VALUE
        {
            self.problem(
                path,
                format!(
                    "this distribution's mean ({mean:.4e}) or largest value ({largest:.4e}) is beyond {MAX_DISTRIBUTION_VALUE:e}"
                ),
                "hours and shares of this size have no meaning here: check the parameters (a Weibull shape near 0 or a lognormal p95 far above its median gives an astronomical mean)",
            );
            return None;
        }
        Some(distribution)
    }

    /// A per-segment number, each value checked by `check`; `None` without a problem when the
    /// segments are not known (their own problem is recorded).
    pub fn per_segment(
        &mut self,
        path: &FieldPath,
        raw: &RawPerSegment,
        segments: Option<&[Segment]>,
        check: impl Fn(&mut Self, &FieldPath, f64) -> Option<f64>,
    ) -> Option<Vec<f64>> {
        match raw {
            RawPerSegment::All(value) => {
                let value = check(self, path, *value)?;
                Some(vec![value; segments?.len()])
            }
            RawPerSegment::BySegment(table) => {
                let default = match table.get("default") {
                    Some(value) => Some(check(self, &path.key("default"), *value)?),
                    None => None,
                };
                let segments = segments?;
                let mut values = vec![default; segments.len()];
                let mut ok = true;
                for (key, value) in table.iter().filter(|(k, _)| k.as_str() != "default") {
                    let here = path.key(key);
                    match segments.iter().position(|s| &s.id == key) {
                        Some(position) => match check(self, &here, *value) {
                            Some(value) => values[position] = Some(value),
                            None => ok = false,
                        },
                        None => {
                            self.problem(
                                &here,
                                format!("unknown segment \"{key}\""),
                                format!("use `default` or one of: {}", segment_list(segments)),
                            );
                            ok = false;
                        }
                    }
                }
                if let Some(segment) = values.iter().zip(segments).find(|(v, _)| v.is_none()) {
                    self.problem(
                        path,
                        format!("no value for segment \"{}\" and no `default`", segment.1.id),
                        "add `default = ...` or a value for every segment",
                    );
                    return None;
                }
                if !ok {
                    return None;
                }
                values.into_iter().collect()
            }
        }
    }
}

/// The segment ids, for hints.
pub(super) fn segment_list(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| s.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
