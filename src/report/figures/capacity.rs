//! `capacity`: each node that an event fails or that depends on one, as a row coloured by its mean
//! capacity hour by hour. Rows run from infrastructure down to apps, so the cascade reads top to
//! bottom and the staged recovery left to right; a label says when each node was back (the median
//! return hour and the 5th–95th percentile span, from `nodes[].recovery`). Nodes whose capacity never dropped are
//! left out.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::graph::{depths, edges, exposed};
use super::{
    Drawn, Figure, RowLabels, Swatch, TickAxis, clock, event_windows, font, frame, hour_axis,
    hour_axis_label, legend,
};
use crate::report::format;
use crate::report::input::{Input, Series, Summary};
use crate::report::palette::{self, INK, LIGHT_GREY};
use crate::results::recovery::Recovery;
use crate::results::registry::CAPACITY;

pub(crate) struct Capacity<'a> {
    summary: &'a Summary,
    /// (node name, capacity series, when it was back), top to bottom.
    rows: Vec<(String, &'a Series, Back)>,
}

/// When a node was back at full capacity for the rest of the run: `summary.json`'s
/// `nodes[].recovery`, the percentiles of the return hour over the replications in which it
/// dropped (src/results/recovery.rs). A summary without it gives no label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Back(Option<Recovery>);

impl Back {
    /// The span the black bar covers (5th to 95th percentile), when both are known.
    fn span(&self) -> Option<(f64, f64)> {
        let r = self.0?;
        r.p05.zip(r.p95)
    }

    /// Where the label goes: after the latest return hour known.
    fn latest(&self) -> Option<f64> {
        let r = self.0?;
        r.p95.or(r.p50).or(r.p05)
    }

    /// The label beside the row, in hours of the run or clock times: the median return and the
    /// span 90 % of replications came back in.
    fn words(&self, start: Option<clock::Start>) -> String {
        let Some(r) = self.0 else {
            return String::new();
        };
        let at = |h: f64| match start {
            Some(s) => s.words(h),
            None => format!("hour {}", format::count(h)),
        };
        // Each time leaves out its date only when it is the date just said: the span's start
        // beside the median, its end beside its start ("between 16 Oct 20:16 and 16:56" read as
        // one date when the end was on the 17th).
        let beside = |h: f64, before: f64| match start {
            Some(s) => s.words_beside(h, before),
            None => format::count(h),
        };
        let text = match (r.p05, r.p50, r.p95) {
            (Some(early), Some(median), Some(late)) if late - early > 1e-9 => format!(
                "back at {} (median; 90\u{a0}% between {}{} and {})",
                at(median),
                if start.is_some() { "" } else { "hours " },
                beside(early, median),
                beside(late, early)
            ),
            (_, Some(median), Some(_)) => format!("back at {}", at(median)),
            (_, Some(median), None) => format!(
                "back at {} (median); over 5\u{a0}% not back by the end",
                at(median)
            ),
            (Some(early), None, _) => {
                format!("5\u{a0}% back by {}; most not back by the end", at(early))
            }
            (None, None, _) => "not back by the end of the run".to_string(),
        };
        if r.share_down < 1.0 - 1e-9 {
            format!("{text}; down in {} of runs", format::share(r.share_down))
        } else {
            text
        }
    }
}

impl<'a> Capacity<'a> {
    /// None when no exposed node lost capacity (or the run wrote no capacity series).
    pub(crate) fn new(input: &'a Input) -> Option<Self> {
        let summary = &input.summary;
        let nodes = &summary.nodes;
        let edges = edges(nodes);
        let depth = depths(nodes, &edges);
        let exposed = exposed(nodes, &edges);
        let mut rows: Vec<(usize, f64, String, &Series, Back)> = nodes
            .iter()
            .enumerate()
            .filter(|(i, _)| exposed[*i])
            .filter_map(|(i, n)| {
                let s = input.timeseries.series.get(&CAPACITY.name_of(&n.id))?;
                if !s.mean.iter().any(|c| c.is_finite() && *c < 0.999) {
                    return None;
                }
                let back = Back(n.recovery);
                Some((
                    depth[i],
                    n.recovery.and_then(|r| r.p50).unwrap_or(f64::INFINITY),
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
         people use; the label gives the median hour from which each was back at full capacity for \
         the rest of the run and the span in which 90 % of replications had it back (the dot and \
         the black bar)."
            .to_string()
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let (plot, side) = frame(root, "Capacity through the cascade and the recovery")?;
        let horizon = self.summary.horizon_hours.max(1e-9);
        let step = self.summary.step_minutes / 60.0;
        let n = self.rows.len();
        let names: Vec<String> = self.rows.iter().map(|(name, _, _)| name.clone()).collect();
        let (w, _) = plot.dim_in_pixel();
        let labels = RowLabels::in_plot(&plot, &names, 330);
        let (x_axis, x_label) = hour_axis(&plot, self.summary, w.saturating_sub(labels.width + 70));
        let start = clock::Start::of(self.summary);
        let mut chart = ChartBuilder::on(&plot)
            .margin(20)
            .margin_right(30)
            .x_label_area_size(70)
            .y_label_area_size(labels.width)
            .build_cartesian_2d(x_axis, TickAxis::categories(n))?;
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(WHITE)
            .bold_line_style(LIGHT_GREY)
            .x_desc(hour_axis_label(self.summary))
            .x_label_formatter(&x_label)
            .y_label_formatter(&|_| String::new())
            .label_style(font(palette::TICK))
            .axis_desc_style(font(palette::LABEL))
            .draw()?;
        labels.draw(&plot, &chart)?;
        let text_size = palette::TICK - 2;
        for (i, (_, s, _)) in self.rows.iter().enumerate() {
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
        }
        // The event windows under the marks and words, so that a dashed line never runs
        // through a label.
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
        // The span's bar at most 5 px thick whatever the rows' height, so that the median's
        // dot (10 px across, ringed in white) always stands out of it.
        let row_px = (chart.backend_coord(&(0.0, 0.0)).1 - chart.backend_coord(&(0.0, 1.0)).1)
            .abs()
            .max(1);
        let bar = (2.5 / f64::from(row_px)).min(0.05);
        for (i, (_, _, back)) in self.rows.iter().enumerate() {
            let y = (n - 1 - i) as f64;
            // When each came back: the 5 %–95 % span as a bar in the upper part of the row, the
            // median as a dot on it, and the words under them in the lower part, starting where
            // the bar starts (as far right as the plot allows), so that they never cover the marks.
            let text = back.words(start);
            if text.is_empty() {
                continue;
            }
            let marks = y + 0.2;
            if let Some((a, b)) = back.span().filter(|(a, b)| b > a) {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(a, marks - bar), (b, marks + bar)],
                    INK.filled(),
                )))?;
            }
            if let Some(median) = back.0.and_then(|r| r.p50) {
                chart.draw_series([
                    Circle::new((median, marks), 7, WHITE.filled()),
                    Circle::new((median, marks), 5, INK.filled()),
                ])?;
            }
            let (x0, row_y) = chart.backend_coord(&(0.0, y));
            let (x_end, _) = chart.backend_coord(&(horizon, y));
            let text_w = super::text_width(&plot, &text, text_size) as i32;
            let first = back
                .span()
                .map(|(a, _)| a)
                .or(back.0.and_then(|r| r.p50))
                .or(back.latest())
                .unwrap_or(0.0);
            let x_first = chart.backend_coord(&(first, y)).0;
            let left = x_first.min(x_end - text_w - 4).max(x0 + 4);
            let (bx, by) = plot.get_base_pixel();
            let half = text_size as i32 * 7 / 10;
            let (left, text_y) = (left - bx, row_y - by + half + 1);
            // On a light box, so that it reads over a dark row.
            plot.draw(&Rectangle::new(
                [
                    (left - 4, text_y - half),
                    (left + text_w + 4, text_y + half),
                ],
                WHITE.mix(0.85).filled(),
            ))?;
            let style = font(text_size).pos(plotters::style::text_anchor::Pos::new(
                plotters::style::text_anchor::HPos::Left,
                plotters::style::text_anchor::VPos::Center,
            ));
            plot.draw(&Text::new(text, (left, text_y), style))?;
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
            &[
                "Mean capacity across replications in each step of the run.".to_string(),
                "Back: the median hour from which the node was at full capacity for the rest of \
                 the run (the dot) and the hours by which 5\u{a0}% and 95\u{a0}% of replications \
                 had it back (the black bar), over the replications in which it went down."
                    .to_string(),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn back(p05: Option<f64>, p50: Option<f64>, p95: Option<f64>, share_down: f64) -> Back {
        Back(Some(Recovery {
            share_down,
            p05,
            p50,
            p95,
        }))
    }

    #[test]
    fn back_says_the_median_and_the_span_of_ninety_per_cent() {
        let b = back(Some(2.5), Some(6.0), Some(11.5), 1.0);
        assert_eq!(
            b.words(None),
            format!(
                "back at hour {} (median; 90\u{a0}% between hours {} and {})",
                format::count(6.0),
                format::count(2.5),
                format::count(11.5)
            )
        );
        assert_eq!(b.span(), Some((2.5, 11.5)));
        assert_eq!(
            back(Some(2.0), Some(5.0), None, 0.25).words(None),
            format!(
                "back at hour {} (median); over 5\u{a0}% not back by the end; down in {} of runs",
                format::count(5.0),
                format::share(0.25)
            )
        );
        assert_eq!(Back(None).words(None), "");
    }

    #[test]
    fn a_time_leaves_out_its_date_only_beside_the_same_date() {
        let start = clock::Start::parse("2022-10-15T15:00:00+09:00").expect("a start");
        // Median 17 Oct 05:05, 5 % back by 16 Oct 20:16, 95 % by 17 Oct 16:56 (the Kakao
        // Channel row): the end follows a time of the 16th, so it names its date.
        let hours = |day: f64, h: f64, m: f64| (day - 15.0) * 24.0 + h + m / 60.0 - 15.0;
        let b = back(
            Some(hours(16.0, 20.0, 16.0)),
            Some(hours(17.0, 5.0, 5.0)),
            Some(hours(17.0, 16.0, 56.0)),
            1.0,
        );
        assert_eq!(
            b.words(Some(start)),
            "back at 17 Oct 05:05 (median; 90\u{a0}% between 16 Oct 20:16 and 17 Oct 16:56)"
        );
        // All on one date: times alone after the first.
        let b = back(Some(34.0), Some(36.0), Some(38.0), 1.0);
        assert_eq!(
            b.words(Some(start)),
            "back at 17 Oct 03:00 (median; 90\u{a0}% between 01:00 and 05:00)"
        );
    }
}
