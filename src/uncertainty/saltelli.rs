//! The Saltelli design of a sensitivity study: two independent matrices A and B of `N` points in
//! the unit cube of the `k` uncertain inputs, and for each input `i` the matrix ABᵢ — A with its
//! column `i` taken from B — so that `N (k + 2)` evaluations give every first- and total-order
//! index ([`super::indices`]).
//!
//! Each column is a [`design::column`] — stratified (one point per stratum of (0, 1), a Latin
//! hypercube) and drawn from a stream keyed by the input's path, never by its position — on a
//! seed of the matrix's own: adding an input moves no other input's coordinates, and A and B
//! never share a stream.

use super::design;
use crate::streams::{Domain, mix};

/// Which matrix of the design a point belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matrix {
    /// The first base matrix.
    A,
    /// The second base matrix, independent of A.
    B,
    /// A with the column of input `i` (its position in the design's inputs) from B.
    AB(usize),
}

impl Matrix {
    /// The matrix's name in `design.csv`: `A`, `B`, or `AB_<path>` of the input it swaps.
    pub fn label(self, paths: &[String]) -> String {
        match self {
            Matrix::A => "A".to_string(),
            Matrix::B => "B".to_string(),
            Matrix::AB(i) => format!("AB_{}", paths[i]),
        }
    }
}

/// One point of the design: its matrix, its row (0..N) and its coordinates in the unit cube, one
/// per input in the design's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The matrix the point is a row of.
    pub matrix: Matrix,
    /// Its row, shared by the points of A, B and every ABᵢ built from the same rows.
    pub row: usize,
    /// Its coordinates in (0, 1), one per input.
    pub unit: Vec<f64>,
}

/// The two base matrices of a Saltelli design, row by row (`a[row][input]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    a: Vec<Vec<f64>>,
    b: Vec<Vec<f64>>,
}

/// The stream component that tells the two base matrices apart.
const MATRIX_A: u64 = 0xA;
/// See [`MATRIX_A`].
const MATRIX_B: u64 = 0xB;

impl Design {
    /// The design of `samples` rows over the inputs named by `paths`, from `seed`.
    ///
    /// # Complexity
    /// `O(samples · paths)` draws.
    pub fn new(seed: u64, paths: &[String], samples: usize) -> Design {
        let columns = |matrix: u64| -> Vec<Vec<f64>> {
            paths
                .iter()
                .map(|path| design::column(matrix_seed(seed, matrix), path, samples))
                .collect()
        };
        let (a, b) = (columns(MATRIX_A), columns(MATRIX_B));
        let rows = |columns: &[Vec<f64>]| -> Vec<Vec<f64>> {
            (0..samples)
                .map(|row| columns.iter().map(|c| c[row]).collect())
                .collect()
        };
        Design {
            a: rows(&a),
            b: rows(&b),
        }
    }

    /// The number of rows `N` of each matrix.
    pub fn samples(&self) -> usize {
        self.a.len()
    }

    /// Every point of the design: A's rows, then B's, then AB₀'s, AB₁'s… — `N (k + 2)` points, in
    /// the order [`Design::split`] expects their outputs.
    pub fn points(&self) -> Vec<Point> {
        let inputs = self.a.first().map_or(0, Vec::len);
        let base = |matrix: Matrix, rows: &[Vec<f64>]| {
            rows.iter()
                .enumerate()
                .map(move |(row, unit)| Point {
                    matrix,
                    row,
                    unit: unit.clone(),
                })
                .collect::<Vec<_>>()
        };
        let mut points = base(Matrix::A, &self.a);
        points.extend(base(Matrix::B, &self.b));
        for i in 0..inputs {
            for (row, (a, b)) in self.a.iter().zip(&self.b).enumerate() {
                let mut unit = a.clone();
                unit[i] = b[i];
                points.push(Point {
                    matrix: Matrix::AB(i),
                    row,
                    unit,
                });
            }
        }
        points
    }

    /// The outputs of the points, in the order of [`Design::points`], split by matrix.
    ///
    /// # Panics
    /// If `values` is not one value per point (a caller's bug, not an input's).
    pub fn split(&self, values: &[f64]) -> Outputs {
        let n = self.samples();
        assert!(
            n > 0 && values.len() % n == 0 && values.len() >= 2 * n,
            "one output per design point"
        );
        let mut chunks = values.chunks(n).map(<[f64]>::to_vec);
        let a = chunks.next().unwrap_or_default();
        let b = chunks.next().unwrap_or_default();
        Outputs {
            a,
            b,
            ab: chunks.collect(),
        }
    }
}

/// The outputs of a design, `f(A)`, `f(B)` and `f(ABᵢ)` row by row.
#[derive(Debug, Clone, PartialEq)]
pub struct Outputs {
    /// `f` at A's rows.
    pub a: Vec<f64>,
    /// `f` at B's rows.
    pub b: Vec<f64>,
    /// `f` at ABᵢ's rows, one vector per input.
    pub ab: Vec<Vec<f64>>,
}

/// The seed of `matrix`'s columns: the study's seed mixed with the sensitivity domain and the
/// matrix, so that A, B and the `[[uncertain]]` design of `run` (on the seed itself) are three
/// unrelated sets of columns.
fn matrix_seed(seed: u64, matrix: u64) -> u64 {
    mix(mix(mix(seed) ^ Domain::Sensitivity as u64) ^ matrix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_string()).collect()
    }

    #[test]
    fn points_are_a_b_and_each_ab_with_one_column_from_b() {
        let inputs = paths(&["x", "y", "z"]);
        let design = Design::new(3, &inputs, 16);
        let points = design.points();
        assert_eq!(points.len(), 16 * (3 + 2));
        for p in &points {
            assert!(p.unit.iter().all(|u| *u > 0.0 && *u < 1.0));
            let (a, b) = (&design.a[p.row], &design.b[p.row]);
            match p.matrix {
                Matrix::A => assert_eq!(&p.unit, a),
                Matrix::B => assert_eq!(&p.unit, b),
                Matrix::AB(i) => {
                    for j in 0..3 {
                        assert_eq!(p.unit[j], if j == i { b[j] } else { a[j] });
                    }
                }
            }
        }
        let values: Vec<f64> = (0..points.len()).map(|i| i as f64).collect();
        let outputs = design.split(&values);
        assert_eq!(outputs.a[5], 5.0);
        assert_eq!(outputs.b[0], 16.0);
        assert_eq!(outputs.ab[2][1], 16.0 * 4.0 + 1.0);
        assert_eq!(Matrix::AB(1).label(&inputs), "AB_y");
    }

    /// Every column is stratified, A and B differ, and an input's columns do not move when
    /// another input is added before it (they are keyed by path, not position).
    #[test]
    fn columns_are_stratified_and_keyed_by_path() {
        let n = 64;
        let two = Design::new(11, &paths(&["a.x", "b.y"]), n);
        let three = Design::new(11, &paths(&["new.input", "a.x", "b.y"]), n);
        for row in 0..n {
            assert_eq!(two.a[row][0], three.a[row][1]);
            assert_eq!(two.b[row][1], three.b[row][2]);
            assert_ne!(two.a[row][0], two.b[row][0]);
        }
        for matrix in [&two.a, &two.b] {
            for input in 0..2 {
                let mut seen = vec![false; n];
                for row in matrix {
                    let stratum = (row[input] * n as f64) as usize;
                    assert!(!seen[stratum], "stratum {stratum} twice");
                    seen[stratum] = true;
                }
            }
        }
        assert_ne!(two, Design::new(12, &paths(&["a.x", "b.y"]), n));
    }
}
