//! `dependency_graph`: the scenario's nodes and what depends on what, laid out in columns by the
//! longest chain of dependencies (infrastructure on the left, the apps people use on the right),
//! with the nodes an event fails and those that lost capacity in the cascade coloured.
//!
//! The layout is our own (graphs here have at most a few dozen nodes): columns by longest path,
//! order within a column by a few barycentre sweeps to cut crossings. No system Graphviz.

use std::collections::BTreeMap;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{Drawn, Figure, Swatch, font, frame, legend, wrap_px};
use crate::report::input::{Input, Node};
use crate::report::palette::{CASCADE, FAILED, GREY, INK, LIGHT_GREY};
use crate::results::registry::CAPACITY;

/// A dependency: `to` needs `from`. `group` is (need, group size, primary/standby) for a
/// redundancy-group member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Edge {
    pub from: usize,
    pub to: usize,
    pub group: Option<(u64, usize, bool)>,
}

/// The edges of the graph; ids that name no node are skipped (the engine has already rejected
/// such a scenario, and a report should still draw what it can).
pub(crate) fn edges(nodes: &[Node]) -> Vec<Edge> {
    let index: BTreeMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.id.as_str(), i))
        .collect();
    let mut out = Vec::new();
    for (to, n) in nodes.iter().enumerate() {
        for dep in &n.depends_on {
            if let Some(&from) = index.get(dep.as_str()) {
                out.push(Edge {
                    from,
                    to,
                    group: None,
                });
            }
        }
        for g in &n.groups {
            for dep in &g.any_of {
                if let Some(&from) = index.get(dep.as_str()) {
                    out.push(Edge {
                        from,
                        to,
                        group: Some((g.need, g.any_of.len(), g.standby)),
                    });
                }
            }
        }
    }
    out
}

/// Each node's column: 0 for a node that depends on nothing, else one more than its deepest
/// dependency. Relaxation stops after `n` rounds, so a cycle in a hand-edited summary cannot hang it.
pub(crate) fn depths(nodes: &[Node], edges: &[Edge]) -> Vec<usize> {
    let mut depth = vec![0usize; nodes.len()];
    for _ in 0..nodes.len() {
        let mut changed = false;
        for e in edges {
            if depth[e.to] < depth[e.from] + 1 && depth[e.from] < nodes.len() {
                depth[e.to] = depth[e.from] + 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    depth
}

/// Nodes an event fails, and nodes that depend on one of them, directly or not: the ones that can
/// be hit.
pub(crate) fn exposed(nodes: &[Node], edges: &[Edge]) -> Vec<bool> {
    let mut hit: Vec<bool> = nodes.iter().map(|n| n.failed_by_events).collect();
    for _ in 0..nodes.len() {
        let mut changed = false;
        for e in edges {
            if hit[e.from] && !hit[e.to] {
                hit[e.to] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    hit
}

/// True when the node's capacity series ever drops below full (mean or 5th percentile).
pub(crate) fn lost_capacity(input: &Input, id: &str) -> Option<bool> {
    let s = input.timeseries.series.get(&CAPACITY.name_of(id))?;
    Some(
        s.mean
            .iter()
            .chain(&s.p05)
            .any(|c| c.is_finite() && *c < 0.999),
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Failed,
    Cascade,
    Unaffected,
}

pub(crate) struct Graph<'a> {
    nodes: &'a [Node],
    edges: Vec<Edge>,
    /// Nodes by column, in drawing order top to bottom.
    columns: Vec<Vec<usize>>,
    state: Vec<State>,
}

impl<'a> Graph<'a> {
    /// None when the summary lists no nodes.
    pub(crate) fn new(input: &'a Input) -> Option<Self> {
        let nodes = &input.summary.nodes[..];
        if nodes.is_empty() {
            return None;
        }
        let edges = edges(nodes);
        let depth = depths(nodes, &edges);
        let exposed = exposed(nodes, &edges);
        let state = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| {
                if n.failed_by_events {
                    State::Failed
                } else if exposed[i] && lost_capacity(input, &n.id).unwrap_or(true) {
                    State::Cascade
                } else {
                    State::Unaffected
                }
            })
            .collect();
        let mut columns = vec![Vec::new(); depth.iter().max().map_or(0, |d| d + 1)];
        for (i, d) in depth.iter().enumerate() {
            columns[*d].push(i);
        }
        order(&mut columns, &edges, nodes.len());
        Some(Graph {
            nodes,
            edges,
            columns,
            state,
        })
    }
}

/// Orders nodes within columns by the mean position of their neighbours in the column before
/// (then after), a few sweeps each way: the usual barycentre heuristic against edge crossings.
fn order(columns: &mut [Vec<usize>], edges: &[Edge], n: usize) {
    let mut pos = vec![0.0f64; n];
    let place = |columns: &[Vec<usize>], pos: &mut Vec<f64>| {
        for col in columns {
            for (i, &v) in col.iter().enumerate() {
                pos[v] = (i as f64 + 0.5) / col.len() as f64;
            }
        }
    };
    place(columns, &mut pos);
    for _ in 0..4 {
        for forward in [true, false] {
            for c in 0..columns.len() {
                let c = if forward { c } else { columns.len() - 1 - c };
                let mut keyed: Vec<(f64, usize)> = columns[c]
                    .iter()
                    .map(|&v| {
                        let neighbours: Vec<f64> = edges
                            .iter()
                            .filter_map(|e| match forward {
                                true if e.to == v => Some(pos[e.from]),
                                false if e.from == v => Some(pos[e.to]),
                                _ => None,
                            })
                            .collect();
                        let key = if neighbours.is_empty() {
                            pos[v]
                        } else {
                            neighbours.iter().sum::<f64>() / neighbours.len() as f64
                        };
                        (key, v)
                    })
                    .collect();
                // Stable, and ties broken by node index: the layout is the same on every run.
                keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                columns[c] = keyed.into_iter().map(|(_, v)| v).collect();
                place(columns, &mut pos);
            }
        }
    }
}

/// The text of one box: the name wrapped to the box's width, and the node's kind under it when
/// there is room.
#[derive(Debug, Clone, Default)]
struct Label {
    lines: Vec<String>,
    size: u32,
    line_h: f64,
    kind: bool,
}

impl Label {
    /// The labels of a column's names at the largest text size at which every whole name (and
    /// then its kind) fits in `max_h` px of height; a name is never cut.
    fn fit<DB: DrawingBackend>(
        area: &DrawingArea<DB, Shift>,
        names: &[&str],
        width: f64,
        max_h: f64,
    ) -> Vec<Label> {
        let width = width.max(40.0) as u32;
        let mut last = Vec::new();
        for kind in [true, false] {
            for size in [16, 14, 12] {
                let labels: Vec<Label> = names
                    .iter()
                    .map(|name| Label {
                        lines: wrap_px(area, name, size, width),
                        size,
                        line_h: f64::from(size) * 1.2,
                        kind,
                    })
                    .collect();
                if labels.iter().all(|l| l.height() <= max_h) {
                    return labels;
                }
                last = labels;
            }
        }
        last
    }

    /// The box height the text needs.
    fn height(&self) -> f64 {
        (self.lines.len() + usize::from(self.kind)) as f64 * self.line_h + 10.0
    }
}

fn ends_from(e: &Edge) -> usize {
    e.from
}

fn ends_to(e: &Edge) -> usize {
    e.to
}

/// Draws a dashed straight line in pixels.
fn dashed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    a: (i32, i32),
    b: (i32, i32),
    style: ShapeStyle,
) -> Drawn {
    let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
    let len = dx.hypot(dy);
    let (on, off) = (9.0, 6.0);
    let mut t = 0.0;
    while t < len {
        let t1 = (t + on).min(len);
        let p = |t: f64| (a.0 + (dx * t / len) as i32, a.1 + (dy * t / len) as i32);
        area.draw(&PathElement::new(vec![p(t), p(t1)], style))?;
        t += on + off;
    }
    Ok(())
}

impl Figure for Graph<'_> {
    fn name(&self) -> &'static str {
        "dependency_graph"
    }

    fn caption(&self) -> String {
        "The scenario's dependency graph: an arrow runs from what is needed to what needs it; columns \
         follow the longest chain of dependencies, from infrastructure (left) to the services people \
         use (right). Dashed arrows are redundancy groups, of which only some members must be up."
            .to_string()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let (plot, side) = frame(root, "What depends on what")?;
        let (w, h) = plot.dim_in_pixel();
        let (w, h) = (f64::from(w), f64::from(h));
        let (left, top, bottom) = (20.0, 30.0, 20.0);
        let col_w = (w - left) / self.columns.len().max(1) as f64;
        let box_w = (col_w * 0.74).min(230.0);
        let chars = ((box_w - 12.0) / 8.0) as usize;

        // Box geometry: centre and half-height, in pixels; and each box's text.
        let mut at = vec![(0.0, 0.0, 0.0); self.nodes.len()];
        let mut labels = vec![Label::default(); self.nodes.len()];
        for (c, col) in self.columns.iter().enumerate() {
            let slot = (h - top - bottom) / col.len().max(1) as f64;
            // One text size for the whole column: the largest at which every name fits.
            let names: Vec<&str> = col.iter().map(|&v| self.nodes[v].display_name()).collect();
            // Room above a box for its "any 1 of 2" when a node of the column has one.
            let group_room = if col.iter().any(|&v| !self.nodes[v].groups.is_empty()) {
                16.0
            } else {
                0.0
            };
            let column = Label::fit(&plot, &names, box_w - 12.0, slot * 0.88 - group_room);
            for (i, (&v, label)) in col.iter().zip(column).enumerate() {
                let half = label.height() / 2.0;
                labels[v] = label;
                at[v] = (
                    left + (c as f64 + 0.5) * col_w,
                    top + (i as f64 + 0.5) * slot,
                    half,
                );
            }
        }
        let px = |x: f64, y: f64| (x.round() as i32, y.round() as i32);

        // Where edges meet a box: spread along its side in the order of the other ends, so that
        // several arrows into one node stay apart.
        let mut exit_y = vec![0.0; self.edges.len()];
        let mut entry_y = vec![0.0; self.edges.len()];
        for (v, &(_, y, half)) in at.iter().enumerate() {
            for (ports, mine, other) in [
                (
                    &mut exit_y,
                    ends_from as fn(&Edge) -> usize,
                    ends_to as fn(&Edge) -> usize,
                ),
                (&mut entry_y, ends_to, ends_from),
            ] {
                let mut ends: Vec<usize> = (0..self.edges.len())
                    .filter(|&k| mine(&self.edges[k]) == v)
                    .collect();
                ends.sort_by(|&p, &q| {
                    at[other(&self.edges[p])]
                        .1
                        .total_cmp(&at[other(&self.edges[q])].1)
                        .then(p.cmp(&q))
                });
                let gap = (2.0 * half - 8.0) / ends.len().max(1) as f64;
                let gap = gap.min(8.0);
                for (k, &edge) in ends.iter().enumerate() {
                    ports[edge] = y + (k as f64 - (ends.len() as f64 - 1.0) / 2.0) * gap;
                }
            }
        }
        // The free space of each column, as the vertical gaps between its boxes (centres).
        let gaps: Vec<Vec<f64>> = self
            .columns
            .iter()
            .map(|col| {
                let mut g = vec![top * 0.6];
                g.extend(col.windows(2).map(|p| {
                    let (a, b) = (at[p[0]], at[p[1]]);
                    (a.1 + a.2 + b.1 - b.2) / 2.0
                }));
                g.push(h - bottom * 0.5);
                g
            })
            .collect();
        let column_of: Vec<usize> = {
            let mut c = vec![0; self.nodes.len()];
            for (i, col) in self.columns.iter().enumerate() {
                for &v in col {
                    c[v] = i;
                }
            }
            c
        };

        // Edges first, so that boxes sit on top of them.
        let mut group_labels: BTreeMap<usize, (u64, usize, bool)> = BTreeMap::new();
        for (k, e) in self.edges.iter().enumerate() {
            let (fx, _, _) = at[e.from];
            let (tx, _, _) = at[e.to];
            let (x0, y0) = (fx + box_w / 2.0, exit_y[k]);
            let (x1, y1) = (tx - box_w / 2.0 - 2.0, entry_y[k]);
            // An edge that skips columns goes through the gap between boxes nearest its line.
            let mut points = vec![px(x0, y0)];
            let (c0, c1) = (column_of[e.from], column_of[e.to]);
            for (c, gaps) in gaps.iter().enumerate().take(c1).skip(c0 + 1) {
                let cx = left + (c as f64 + 0.5) * col_w;
                let want = y0 + (y1 - y0) * (cx - x0) / (x1 - x0).max(1.0);
                let gy = gaps
                    .iter()
                    .copied()
                    .min_by(|a, b| (a - want).abs().total_cmp(&(b - want).abs()))
                    .unwrap_or(want);
                points.push(px(cx - box_w / 2.0 - 6.0, gy));
                points.push(px(cx + box_w / 2.0 + 6.0, gy));
            }
            points.push(px(x1, y1));
            let style = GREY.stroke_width(2);
            match e.group {
                Some(g) => {
                    for pair in points.windows(2) {
                        dashed(&plot, pair[0], pair[1], style)?;
                    }
                    group_labels.insert(e.to, g);
                }
                None => {
                    plot.draw(&PathElement::new(points.clone(), style))?;
                }
            }
            // Arrowhead pointing into the dependent, along the last segment.
            let (a, b) = (points[points.len() - 2], points[points.len() - 1]);
            let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
            let len = dx.hypot(dy).max(1.0);
            let (ux, uy) = (dx / len, dy / len);
            let tip = (f64::from(b.0), f64::from(b.1));
            let wing = |s: f64| {
                px(
                    tip.0 - 12.0 * ux + s * 6.0 * uy,
                    tip.1 - 12.0 * uy - s * 6.0 * ux,
                )
            };
            plot.draw(&Polygon::new(vec![b, wing(1.0), wing(-1.0)], GREY.filled()))?;
        }
        for (v, (need, of, standby)) in &group_labels {
            let (x, y, half) = at[*v];
            let label = if *standby {
                "primary, then standby".to_string()
            } else {
                format!("any {need} of {of}")
            };
            plot.draw(&Text::new(
                label,
                px(x - box_w / 2.0, y - half - 4.0),
                font(14).color(&INK).pos(Pos::new(HPos::Left, VPos::Bottom)),
            ))?;
        }

        for (v, node) in self.nodes.iter().enumerate() {
            let (x, y, half) = at[v];
            let (fill, text) = match self.state[v] {
                State::Failed => (FAILED, WHITE),
                State::Cascade => (CASCADE, BLACK),
                State::Unaffected => (LIGHT_GREY, BLACK),
            };
            let corners = [px(x - box_w / 2.0, y - half), px(x + box_w / 2.0, y + half)];
            plot.draw(&Rectangle::new(corners, fill.filled()))?;
            plot.draw(&Rectangle::new(corners, INK.stroke_width(1)))?;
            let label = &labels[v];
            let kind = if node.kind.is_empty() {
                node.layer.clone()
            } else {
                node.kind.clone()
            };
            let lh = label.line_h;
            let n = label.lines.len() as f64 + if label.kind { 1.0 } else { 0.0 };
            let first = y - (n - 1.0) * lh / 2.0;
            for (i, line) in label.lines.iter().enumerate() {
                plot.draw(&Text::new(
                    line.clone(),
                    px(x, first + i as f64 * lh),
                    font(label.size)
                        .color(&text)
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                ))?;
            }
            if label.kind && !kind.is_empty() && kind.chars().count() <= chars + 2 {
                plot.draw(&Text::new(
                    kind,
                    px(x, first + (n - 1.0) * lh),
                    font(label.size - 3)
                        .color(&text)
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                ))?;
            }
        }

        legend(
            &side,
            &[
                (Swatch::Fill(FAILED), "Failed by an event".to_string()),
                (
                    Swatch::Fill(CASCADE),
                    "Lost capacity in the cascade".to_string(),
                ),
                (Swatch::Fill(LIGHT_GREY), "Not affected".to_string()),
                (
                    Swatch::Line(GREY),
                    "Needs (arrow points to the node that needs it)".to_string(),
                ),
                (
                    Swatch::Dashed(GREY),
                    "Needs some of a redundancy group".to_string(),
                ),
            ],
            &[
                "Columns: the longest chain of dependencies, from infrastructure on the left."
                    .to_string(),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::results::summary::Group;

    fn node(id: &str, deps: &[&str], group: &[&str], failed: bool) -> Node {
        Node {
            id: id.to_string(),
            name: String::new(),
            kind: String::new(),
            owner: String::new(),
            layer: String::new(),
            depends_on: deps.iter().map(|d| d.to_string()).collect(),
            groups: if group.is_empty() {
                vec![]
            } else {
                vec![Group {
                    any_of: group.iter().map(|d| d.to_string()).collect(),
                    need: 1,
                    standby: false,
                }]
            },
            failed_by_events: failed,
            recovery: None,
        }
    }

    #[test]
    fn columns_follow_the_longest_chain_and_exposure_follows_edges() {
        let nodes = [
            node("dc", &[], &[], true),
            node("dc2", &[], &[], false),
            node("auth", &["dc"], &[], false),
            node("app", &["auth", "dc", "missing"], &[], false),
            node("mirror", &[], &["dc", "dc2"], false),
            node("other", &["dc2"], &[], false),
        ];
        let e = edges(&nodes);
        assert_eq!(e.iter().filter(|e| e.group.is_some()).count(), 2);
        assert_eq!(depths(&nodes, &e), vec![0, 0, 1, 2, 1, 1]);
        assert_eq!(
            exposed(&nodes, &e),
            vec![true, false, true, true, true, false]
        );
    }

    #[test]
    fn a_cycle_does_not_hang_the_layout() {
        let nodes = [node("a", &["b"], &[], false), node("b", &["a"], &[], true)];
        let e = edges(&nodes);
        let d = depths(&nodes, &e);
        assert!(d.iter().all(|&x| x <= nodes.len()));
        assert_eq!(exposed(&nodes, &e), vec![true, true]);
    }
}
