//! `damage_distribution` and `exceedance`: how the headline metric varies across replications.
//! The histogram shows the shape (a long right tail is the point of a risk study); the exceedance
//! curve answers the policy question "how likely is a loss worse than x?".

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{
    Drawn, Figure, Swatch, data_range, fit_values, font, frame, legend, padded, patterned,
};
use crate::report::format::Measure;
use crate::report::input::{Input, Summary};
use crate::report::palette::{self, FAILED, INK, LIGHT_GREY};

/// The headline metric's values across replications, and its statistics.
pub(crate) struct Damage<'a> {
    summary: &'a Summary,
    measure: Measure,
    /// Finite values, sorted ascending.
    values: Vec<f64>,
    mean: f64,
    p95: f64,
    cvar95: f64,
}

impl<'a> Damage<'a> {
    /// None when replications.csv has no column for the headline metric.
    pub(crate) fn new(input: &'a Input) -> Option<Self> {
        let summary = &input.summary;
        let metric = summary.headline();
        let mut values: Vec<f64> = input
            .replications
            .columns
            .get(&metric)?
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        // The summary's statistics are the engine's and match the table; values computed here
        // only stand in for ones it lacks.
        let stats = summary.metrics.get(&metric).map(|m| m.stats);
        let n = values.len();
        let tail = &values[(n * 95 / 100).min(n - 1)..];
        let pick =
            |from: Option<f64>, fallback: f64| from.filter(|v| v.is_finite()).unwrap_or(fallback);
        Some(Damage {
            summary,
            measure: Measure::in_summary(summary, &metric),
            mean: pick(stats.map(|s| s.mean), values.iter().sum::<f64>() / n as f64),
            p95: pick(stats.map(|s| s.p95), values[((n - 1) * 95) / 100]),
            cvar95: pick(
                stats.map(|s| s.cvar95),
                tail.iter().sum::<f64>() / tail.len() as f64,
            ),
            values,
        })
    }

    fn words(&self, x: f64) -> String {
        self.measure.words(x, &self.summary.currency)
    }

    fn axis(&self) -> String {
        self.measure.axis_title(&self.summary.currency)
    }

    /// The values' span (what the bins cover) and the axis range: the data and the marks with a
    /// margin on each side, so that no bar touches the frame; zero only when it means something
    /// (see [`data_range`]).
    fn range(&self) -> ((f64, f64), (f64, f64)) {
        let lo = self.values[0];
        let hi = self.values[self.values.len() - 1];
        let (lo, hi) = padded(lo, hi);
        let top = hi.max(self.cvar95).max(self.p95).max(self.mean);
        ((lo, hi), data_range(lo, top, 0.04))
    }

    /// How many x ticks fit in `plot` without touching.
    fn ticks<DB: DrawingBackend>(&self, plot: &DrawingArea<DB, Shift>, lo: f64, hi: f64) -> usize {
        fit_values(
            plot,
            plot.dim_in_pixel().0.saturating_sub(140),
            (lo, hi),
            |x| self.measure.value(x),
        )
    }

    fn marks(&self) -> [(f64, Swatch, String); 3] {
        [
            (
                self.mean,
                Swatch::Line(INK),
                format!("Mean: {}", self.words(self.mean)),
            ),
            (
                self.p95,
                Swatch::Dashed(INK),
                format!("95th percentile: {}", self.words(self.p95)),
            ),
            (
                self.cvar95,
                Swatch::Dashed(FAILED),
                format!(
                    "Mean of the worst 5\u{a0}% (CVaR95): {}",
                    self.words(self.cvar95)
                ),
            ),
        ]
    }
}

/// The histogram figure.
pub(crate) struct Histogram<'a>(pub &'a Damage<'a>);

/// The exceedance-curve figure.
pub(crate) struct Exceedance<'a>(pub &'a Damage<'a>);

/// The colour and dash pattern of a mark's vertical line.
fn mark_style(swatch: Swatch) -> (RGBColor, (u32, u32)) {
    match swatch {
        Swatch::Dashed(c) => (c, (10, 6)),
        Swatch::Line(c) | Swatch::Fill(c) | Swatch::Pattern(c, _, _) => (c, (0, 0)),
    }
}

impl Figure for Histogram<'_> {
    fn name(&self) -> &'static str {
        "damage_distribution"
    }

    fn caption(&self) -> String {
        format!(
            "{} across the {} replications: how often each level occurred, with the mean, the 95th \
             percentile and the mean of the worst 5 % marked.",
            self.0.measure.title,
            self.0.values.len()
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let d = self.0;
        let title = format!("{} across replications", d.measure.title);
        let (plot, side) = frame(root, &title)?;
        let ((lo, data_hi), (axis_lo, hi)) = d.range();
        // About the square root of the sample, which shows the tail without making every bin noise.
        let bins = ((d.values.len() as f64).sqrt().ceil() as usize).clamp(10, 40);
        let width = (data_hi - lo) / bins as f64;
        let mut counts = vec![0u32; bins];
        for v in &d.values {
            let i = (((v - lo) / width).floor().max(0.0) as usize).min(bins - 1);
            counts[i] += 1;
        }
        let top = f64::from(counts.iter().copied().max().unwrap_or(1)) * 1.15;

        let mut chart = ChartBuilder::on(&plot)
            .margin(20)
            .margin_right(40)
            .x_label_area_size(70)
            .y_label_area_size(70)
            .build_cartesian_2d(axis_lo..hi, 0.0..top)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(LIGHT_GREY)
            .x_labels(d.ticks(&plot, axis_lo, hi))
            .y_labels(8)
            .x_desc(d.axis())
            .y_desc("Replications")
            .x_label_formatter(&|x| d.measure.value(*x))
            .y_label_formatter(&|y| format!("{y:.0}"))
            .label_style(font(palette::TICK))
            .axis_desc_style(font(palette::LABEL))
            .draw()?;
        chart.draw_series(counts.iter().enumerate().map(|(i, &c)| {
            let x0 = lo + i as f64 * width;
            Rectangle::new(
                [(x0, 0.0), (x0 + width, f64::from(c))],
                palette::series(0).filled(),
            )
        }))?;
        chart.draw_series(counts.iter().enumerate().map(|(i, &c)| {
            let x0 = lo + i as f64 * width;
            Rectangle::new(
                [(x0, 0.0), (x0 + width, f64::from(c))],
                WHITE.stroke_width(1),
            )
        }))?;
        let marks = d.marks();
        for (x, swatch, _) in &marks {
            let (c, pattern) = mark_style(*swatch);
            patterned(
                &mut chart,
                vec![(*x, 0.0), (*x, top)],
                pattern,
                c.stroke_width(3),
            )?;
        }
        let mut entries = vec![(Swatch::Fill(palette::series(0)), "Replications".to_string())];
        entries.extend(marks.into_iter().map(|(_, s, l)| (s, l)));
        legend(
            &side,
            &entries,
            &[format!("{} replications in {bins} bins.", d.values.len())],
        )
    }
}

impl Figure for Exceedance<'_> {
    fn name(&self) -> &'static str {
        "exceedance"
    }

    fn caption(&self) -> String {
        format!(
            "Exceedance curve: the share of replications in which {} was greater than the value on \
             the horizontal axis.",
            self.0.measure.title.to_lowercase()
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let d = self.0;
        let title = format!(
            "How likely is a worse outcome? ({})",
            d.measure.title.to_lowercase()
        );
        let (plot, side) = frame(root, &title)?;
        let (_, (lo, hi)) = d.range();
        let mut chart = ChartBuilder::on(&plot)
            .margin(20)
            .margin_right(40)
            .x_label_area_size(70)
            .y_label_area_size(90)
            .build_cartesian_2d(lo..hi, 0.0..1.0)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(LIGHT_GREY)
            .x_labels(d.ticks(&plot, lo, hi))
            .y_labels(11)
            .x_desc(d.axis())
            .y_desc("Share of replications above")
            .x_label_formatter(&|x| d.measure.value(*x))
            .y_label_formatter(&|y| format!("{:.0} %", y * 100.0))
            .label_style(font(palette::TICK))
            .axis_desc_style(font(palette::LABEL))
            .draw()?;
        // A step curve: P(X > x) drops by 1/n at each replication's value.
        let n = d.values.len() as f64;
        let mut steps = vec![(lo, 1.0)];
        for (i, v) in d.values.iter().enumerate() {
            steps.push((*v, (n - i as f64) / n));
            steps.push((*v, (n - i as f64 - 1.0) / n));
        }
        steps.push((hi, 0.0));
        chart.draw_series(LineSeries::new(steps, palette::series(0).stroke_width(3)))?;
        chart.draw_series(DashedLineSeries::new(
            [(lo, 0.05), (hi, 0.05)],
            6,
            6,
            INK.stroke_width(1),
        ))?;
        let [mean, p95, _] = d.marks();
        for (x, swatch, _) in [&mean, &p95] {
            let (c, pattern) = mark_style(*swatch);
            patterned(
                &mut chart,
                vec![(*x, 0.0), (*x, 1.0)],
                pattern,
                c.stroke_width(3),
            )?;
        }
        legend(
            &side,
            &[
                (Swatch::Line(palette::series(0)), "Share of replications with a greater value".to_string()),
                (mean.1, mean.2),
                (p95.1, p95.2),
            ],
            &["The thin dashed line marks 5\u{a0}%: one replication in twenty lies above the 95th percentile.".to_string()],
        )
    }
}
