//! A run's input samples: `[run] input_samples` samples of every `[[uncertain]]` input (the
//! design's stratified columns, one per input, through each distribution's inverse CDF), each
//! written into the scenario by the edit mechanism and checked; and the contiguous groups of
//! replications each sample takes.

use std::ops::Range;

use super::design;
use crate::scenario::{Document, Edit, Scenario, ScenarioError};

/// The values of `scenario`'s inputs at each of its `[run] input_samples` samples: for sample
/// `k`, one [`Edit::input`] per input, in file order. The columns are drawn from the run's seed,
/// keyed by each input's path, so a variant of the same file gets the same input values. None
/// without inputs.
pub fn values(scenario: &Scenario) -> Vec<Vec<Edit>> {
    if scenario.uncertain.is_empty() {
        return Vec::new();
    }
    let samples = scenario.run.input_samples as usize;
    let columns: Vec<Vec<f64>> = scenario
        .uncertain
        .iter()
        .map(|input| design::column(scenario.run.seed, &input.path, samples))
        .collect();
    (0..samples)
        .map(|k| {
            scenario
                .uncertain
                .iter()
                .zip(&columns)
                .map(|(input, column)| {
                    Edit::input(&input.path, input.distribution.quantile(column[k]))
                })
                .collect()
        })
        .collect()
}

/// The checked scenario of each sample of `scenario` (variant `variant` of `document` with
/// `edits`, as the central scenario was built).
///
/// # Errors
/// A sample's value that its field refuses; the checks try each distribution's ends, so this
/// is only a problem of several inputs together (shares that no longer sum to 1, say), located
/// at the inputs.
///
/// # Complexity
/// One check of the document per sample: O(samples × size of the file).
pub fn scenarios(
    document: &Document<'_>,
    variant: Option<&str>,
    edits: &[Edit],
    scenario: &Scenario,
) -> Result<Vec<Scenario>, ScenarioError> {
    values(scenario)
        .iter()
        .map(|inputs| document.variant_with_inputs(variant, edits, inputs))
        .collect()
}

/// The replications of each of `samples` samples, as positions `0..replications`: contiguous
/// groups, sample `k` taking `k·R/K .. (k+1)·R/K` (their sizes differ by at most one). The
/// replications keep their own random streams, so replication `r` sees the same events and
/// needs as in the central run: common random numbers between the two.
pub fn groups(replications: u32, samples: u32) -> Vec<Range<usize>> {
    let (r, k) = (u64::from(replications), u64::from(samples.max(1)));
    (0..k)
        .map(|g| (g * r / k) as usize..((g + 1) * r / k) as usize)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_cover_the_replications_in_order() {
        for (r, k) in [(100, 10), (7, 3), (5, 5), (4, 1)] {
            let groups = groups(r, k);
            assert_eq!(groups.len(), k as usize);
            assert_eq!(groups[0].start, 0);
            assert_eq!(groups[groups.len() - 1].end, r as usize);
            assert!(groups.windows(2).all(|w| w[0].end == w[1].start));
            let sizes: Vec<usize> = groups.iter().map(Range::len).collect();
            let (lo, hi) = (sizes.iter().min(), sizes.iter().max());
            assert!(hi.zip(lo).is_some_and(|(hi, lo)| hi - lo <= 1), "{sizes:?}");
        }
    }
}
