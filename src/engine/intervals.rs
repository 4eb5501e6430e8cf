//! Sets of time as sorted, disjoint, half-open intervals `[start, end)`: the currency in which node
//! states are computed, so that time is event-driven rather than ticked.

/// Sorted, disjoint, non-empty half-open intervals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Intervals(Vec<(f64, f64)>);

impl Intervals {
    pub fn empty() -> Intervals {
        Intervals(Vec::new())
    }

    /// The union of arbitrary (possibly overlapping, unsorted) intervals.
    pub fn from_unsorted(mut raw: Vec<(f64, f64)>) -> Intervals {
        raw.retain(|(start, end)| end > start);
        raw.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut merged: Vec<(f64, f64)> = Vec::with_capacity(raw.len());
        for (start, end) in raw {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        Intervals(merged)
    }

    pub fn spans(&self) -> &[(f64, f64)] {
        &self.0
    }

    pub fn union(&self, other: &Intervals) -> Intervals {
        let mut raw = self.0.clone();
        raw.extend_from_slice(&other.0);
        Intervals::from_unsorted(raw)
    }

    /// `[0, horizon)` minus these intervals.
    pub fn complement(&self, horizon: f64) -> Intervals {
        let mut out = Vec::with_capacity(self.0.len() + 1);
        let mut cursor = 0.0;
        for &(start, end) in &self.0 {
            if start > cursor {
                out.push((cursor, start.min(horizon)));
            }
            cursor = cursor.max(end);
        }
        if cursor < horizon {
            out.push((cursor, horizon));
        }
        Intervals::from_unsorted(out)
    }

    pub fn contains(&self, t: f64) -> bool {
        let index = self.0.partition_point(|&(start, _)| start <= t);
        index > 0 && t < self.0[index - 1].1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_merges_and_complement_fills_gaps() {
        let a = Intervals::from_unsorted(vec![(5.0, 7.0), (1.0, 3.0), (2.0, 4.0)]);
        assert_eq!(a.spans(), &[(1.0, 4.0), (5.0, 7.0)]);
        let b = a.union(&Intervals::from_unsorted(vec![(4.0, 5.0)]));
        assert_eq!(b.spans(), &[(1.0, 7.0)]);
        assert_eq!(
            a.complement(10.0).spans(),
            &[(0.0, 1.0), (4.0, 5.0), (7.0, 10.0)]
        );
        assert!(a.contains(1.0) && !a.contains(4.0) && a.contains(6.9));
        assert_eq!(Intervals::empty().complement(3.0).spans(), &[(0.0, 3.0)]);
    }
}
