//! `annual`: the aggregate (AEP) and occurrence (OEP) exceedance curves of the headline metric
//! against the return period on a log axis, each with its 95 % band.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::{Drawn, Figure, Swatch, font, frame, legend};
use crate::annual::export::CurvePoint;
use crate::report::format::Measure;
use crate::report::palette::{self, LIGHT_GREY};

pub(crate) struct AnnualExceedance {
    pub measure: Measure,
    pub currency: String,
    pub years: u64,
    pub aep: Vec<CurvePoint>,
    pub oep: Vec<CurvePoint>,
}

impl Figure for AnnualExceedance {
    fn name(&self) -> &'static str {
        "annual_exceedance"
    }

    fn caption(&self) -> String {
        format!(
            "{} that a year exceeds once in T years (the return period, on a log scale): the \
             year's total (AEP) and its largest single outage (OEP), each with its 95\u{a0}% \
             interval, from {} simulated years.",
            self.measure.title, self.years
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Drawn {
        let title = format!(
            "How bad is a 1-in-T-year year? ({})",
            self.measure.title.to_lowercase()
        );
        let (plot, side) = frame(root, &title)?;
        let top = self
            .aep
            .iter()
            .chain(&self.oep)
            .map(|p| p.hi)
            .fold(0.0f64, f64::max);
        let top = if top > 0.0 { top * 1.05 } else { 1.0 };
        let mut chart = ChartBuilder::on(&plot)
            .margin(20)
            .margin_right(40)
            .x_label_area_size(70)
            .y_label_area_size(110)
            .build_cartesian_2d((2.0f64..1000.0f64).log_scale(), 0.0..top)?;
        chart
            .configure_mesh()
            .light_line_style(WHITE)
            .bold_line_style(LIGHT_GREY)
            .x_desc("Return period (years, log scale)")
            .y_desc(self.measure.axis_title(&self.currency))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&|y| self.measure.value(*y))
            .label_style(font(palette::TICK))
            .axis_desc_style(font(palette::LABEL))
            .draw()?;
        // AEP's band shaded, OEP's between two thin lines of its colour: two shaded bands
        // over each other would mix into a third colour that belongs to neither.
        let band_of = |curve: &[CurvePoint], hi: bool| -> Vec<(f64, f64)> {
            curve
                .iter()
                .map(|p| (p.return_period_years, if hi { p.hi } else { p.lo }))
                .collect()
        };
        let mut shaded = band_of(&self.aep, true);
        shaded.extend(band_of(&self.aep, false).into_iter().rev());
        chart.draw_series(std::iter::once(Polygon::new(
            shaded,
            palette::series(0).mix(0.18).filled(),
        )))?;
        for hi in [true, false] {
            chart.draw_series(LineSeries::new(
                band_of(&self.oep, hi),
                palette::series(1).mix(0.8).stroke_width(1),
            ))?;
        }
        // A year's total is at least its largest outage, and in the years with one outage the
        // two curves are the same: OEP is drawn wide underneath, AEP narrow on top, so both
        // stay visible where they coincide.
        for (i, curve, width, radius) in [(1, &self.oep, 6, 6), (0, &self.aep, 2, 3)] {
            let line = curve.iter().map(|p| (p.return_period_years, p.value));
            chart.draw_series(LineSeries::new(
                line,
                palette::series(i).stroke_width(width),
            ))?;
            chart.draw_series(curve.iter().map(|p| {
                Circle::new(
                    (p.return_period_years, p.value),
                    radius,
                    palette::series(i).filled(),
                )
            }))?;
        }
        legend(
            &side,
            &[
                (
                    Swatch::Pattern(palette::series(0), 0, 0),
                    "AEP: the year's total".to_string(),
                ),
                (
                    Swatch::Pattern(palette::series(1), 0, 0),
                    "OEP: the year's largest outage".to_string(),
                ),
            ],
            &[
                "Bands: 95\u{a0}% intervals from a bootstrap over the years and the \
               occurrences; AEP's is shaded, OEP's lies between the thin lines. Where the \
               curves coincide, AEP runs inside OEP."
                    .to_string(),
            ],
        )
    }
}
