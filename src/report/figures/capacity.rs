//! `capacity`: each node that an event fails or that depends on one, as a row coloured by its mean
//! capacity hour by hour. Rows run from infrastructure down to apps, so the cascade reads top to
//! bottom and the staged recovery left to right; a label says when each node was back. Nodes
//! whose capacity never dropped are left out.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::graph::{depths, edges, exposed};
use super::{
    Drawn, Figure, Swatch, TickAxis, category, event_windows, font, frame, hour_axis_label, legend,
    shorten,
};
use crate::report::format;
use crate::report::input::{Input, Series, Summary};
use crate::report::palette::{self, INK, LIGHT_GREY};
use crate::results::registry::CAPACITY;

pub(crate) struct Capacity<'a> {
    summary: &'a Summary,
    /// (node name, capacity series, hour it was back at full capacity if it was), top to bottom.
    rows: Vec<(String, &'a Series, Option<f64>)>,
}

/// The hour from which the mean capacity stays full, if it gets there.
fn back_at(s: &Series) -> Option<f64> {
    let last_low = s.mean.iter().rposition(|c| c.is_finite() && *c < 0.999)?;
    s.hours.get(last_low + 1).copied()
}

impl<'a> Capacity<'a> {
    /// None when no exposed node lost capacity (or the run wrote no capacity series).
    pub(crate) fn new(input: &'a Input) -> Option<Self> {
        let summary = &input.summary;
        let nodes = &summary.nodes;
        let edges = edges(nodes);
        let depth = depths(nodes, &edges);
        let exposed = exposed(nodes, &edges);
        let mut rows: Vec<(usize, f64, String, &Series, Option<f64>)> = nodes
            .iter()
            .enumerate()
            .filter(|(i, _)| exposed[*i])
            .filter_map(|(i, n)| {
                let s = input.timeseries.series.get(&CAPACITY.name_of(&n.id))?;
                if !s.mean.iter().any(|c| c.is_finite() && *c < 0.999) {
                    return None;
                }
                let back = back_at(s);
                Some((
                    depth[i],
                    back.unwrap_or(f64::INFINITY),
                    n.display_name().to_string(),
                    s,
                    back,
                ))
            })
            .collect();
        // Cascade order: by depth in the graph, then by the time each came back.
        rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
        let rows: Vec<_> = rows
            .into_iter()
            .map(|(_, _, name, s, back)| (name, s, back))
            .collect();
        (!rows.is_empty()).then_some(Capacity { summary, rows })
    }
}

/// Colour for a capacity in [0, 1]: near-white when full, through salmon to dark red when down.
/// Lightness falls monotonically, so the scale reads the same with any colour vision and in grey.
fn ramp(c: f64) -> RGBColor {
    let stops = [
        (0.0, (0x8B, 0x1A, 0x1A)),
        (0.5, (0xF4, 0xA5, 0x82)),
        (1.0, (0xF7, 0xF7, 0xF7)),
    ];
    let c = if c.is_finite() {
        c.clamp(0.0, 1.0)
    } else {
        1.0
    };
    let (lo, hi) = if c <= 0.5 {
        (stops[0], stops[1])
    } else {
        (stops[1], stops[2])
    };
    let t = (c - lo.0) / (hi.0 - lo.0);
    let mix = |a: u8, b: u8| (f64::from(a) + (f64::from(b) - f64::from(a)) * t).round() as u8;
    RGBColor(
        mix(lo.1.0, hi.1.0),
        mix(lo.1.1, hi.1.1),
        mix(lo.1.2, hi.1.2),
    )
}

impl Figure for Capacity<'_> {
    fn name(&self) -> &'static str {
        "capacity"
    }

    fn caption(&self) -> String {
        "Capacity of each node that failed or depends on one that did, hour by hour (mean across \
         replications; darker is less capacity), from infrastructure at the top to the services \
         people use; the label gives the hour each was back at full capacity."
            .to_string()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let (plot, side) = frame(root, "Capacity through the cascade and the recovery")?;
        let horizon = self.summary.horizon_hours.max(1e-9);
        let step = self.summary.step_minutes / 60.0;
        let n = self.rows.len();
        let names: Vec<String> = self
            .rows
            .iter()
            .map(|(name, _, _)| shorten(name, 28))
            .collect();
        let label_w = names
            .iter()
            .map(|l| l.chars().count() as u32 * 11 + 30)
            .max()
            .unwrap_or(120);
        let mut chart = ChartBuilder::on(&plot)
            .margin(20)
            .margin_right(30)
            .x_label_area_size(70)
            .y_label_area_size(label_w.clamp(120, 330))
            .build_cartesian_2d(TickAxis::hours(horizon), TickAxis::categories(n))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .bold_line_style(LIGHT_GREY)
            .x_desc(hour_axis_label(self.summary))
            .y_label_formatter(&|y| category(&names, (n - 1) as f64 - y))
            .label_style(font(palette::TICK))
            .axis_desc_style(font(palette::LABEL))
            .draw()?;
        for (i, (_, s, back)) in self.rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            chart.draw_series(
                s.hours
                    .iter()
                    .zip(&s.mean)
                    .enumerate()
                    .map(|(k, (&h, &c))| {
                        let end = s.hours.get(k + 1).copied().unwrap_or(h + step).min(horizon);
                        Rectangle::new([(h, y - 0.4), (end, y + 0.4)], ramp(c).filled())
                    }),
            )?;
            // When each came back: beside the point, on the light part of the row.
            let (text, at) = match back {
                Some(b) => (format!("back at hour {}", format::count(*b)), *b),
                None => ("not back by the end of the run".to_string(), horizon),
            };
            let (x_shift, anchor) = if at > horizon * 0.7 {
                (-8, plotters::style::text_anchor::HPos::Right)
            } else {
                (8, plotters::style::text_anchor::HPos::Left)
            };
            let style = font(palette::TICK - 2).pos(plotters::style::text_anchor::Pos::new(
                anchor,
                plotters::style::text_anchor::VPos::Center,
            ));
            chart.draw_series(std::iter::once(
                EmptyElement::at((at, y)) + Text::new(text, (x_shift, 0), style),
            ))?;
        }
        for (start, end) in event_windows(&self.summary.events, horizon) {
            for x in [start, end] {
                chart.draw_series(DashedLineSeries::new(
                    [(x, -0.5), (x, n as f64 - 0.5)],
                    8,
                    6,
                    INK.stroke_width(2),
                ))?;
            }
        }
        let mut entries: Vec<(Swatch, String)> = [
            (1.0, "Full capacity"),
            (0.75, "75 %"),
            (0.5, "50 %"),
            (0.25, "25 %"),
            (0.0, "Down"),
        ]
        .into_iter()
        .map(|(c, l)| (Swatch::Fill(ramp(c)), l.replace(' ', "\u{a0}")))
        .collect();
        if !self.summary.events.is_empty() {
            entries.push((
                Swatch::Dashed(INK),
                "Event window (mean timing)".to_string(),
            ));
        }
        legend(
            &side,
            &entries,
            &["Mean capacity across replications in each step of the run.".to_string()],
        )
    }
}
