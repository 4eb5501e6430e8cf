//! The page's section on what we do not know, for a run over `[[uncertain]]` inputs: for the
//! headline metrics, the mean and 5th–95th percentile band over the inputs and the replications
//! together, and the shares of each metric's variance that the inputs and the replications'
//! chance explain (`summary.json`'s `input_share` and `noise_share`), with a sentence in words
//! for the largest input share. A run without `[[uncertain]]`, or with `--central`, has no
//! shares and gets no section.

use maud::{Markup, html};

use super::format::{MISSING, Measure, NBSP};
use super::input::Summary;
use super::labels::{row_label, sentence};
use crate::results::registry::{
    ECONOMIC_LOSS, PEAK_CUT_OFF_SHARE, PERSON_HOURS_CUT_OFF, PERSON_HOURS_STRANDED, UNMET_NEEDS,
};
use crate::results::summary::Metric;

/// One row of the table: a headline metric of a run over inputs.
struct Row<'a> {
    name: String,
    metric: &'a Metric,
    /// The share of its variance between input samples.
    inputs: f64,
    /// The share within them: the replications' chance.
    noise: f64,
}

impl Row<'_> {
    /// Whether the metric varies at all (both shares are 0 when it does not).
    fn varies(&self) -> bool {
        self.inputs + self.noise > 0.0
    }
}

/// The headline metrics, in the order of the headline sentences: the scenario's headline metric,
/// the totals (person-hours as the union over services when the run has it), then each
/// service's peak share cut off; those of the summary that carry both shares.
fn rows(s: &Summary) -> Vec<Row<'_>> {
    let union_or_total = |family: &crate::results::registry::Family| {
        let any = format!("{}.any", family.name);
        if s.metrics.contains_key(&any) {
            any
        } else {
            format!("{}.total", family.name)
        }
    };
    let mut names = vec![
        s.headline(),
        format!("{}.total", ECONOMIC_LOSS.name),
        union_or_total(&PERSON_HOURS_CUT_OFF),
        union_or_total(&PERSON_HOURS_STRANDED),
        format!("{}.total", UNMET_NEEDS.name),
    ];
    names.extend(s.services.iter().map(|x| PEAK_CUT_OFF_SHARE.name_of(&x.id)));
    let mut rows: Vec<Row> = Vec::new();
    for name in names {
        if rows.iter().any(|r| r.name == name) {
            continue;
        }
        let Some(metric) = s.metrics.get(&name) else {
            continue;
        };
        let (Some(inputs), Some(noise)) = (metric.input_share, metric.noise_share) else {
            continue;
        };
        if inputs.is_finite() && noise.is_finite() && metric.stats.mean.is_finite() {
            rows.push(Row {
                name,
                metric,
                inputs,
                noise,
            });
        }
    }
    rows
}

/// A share of a variance as a whole percentage; one that rounds to 0 or 100 but is not says so
/// ("under 1 %", "over 99 %"), so that a small part is never read as none.
fn percent(x: f64) -> String {
    let p = (x * 100.0).round();
    if p == 0.0 && x > 0.0 {
        format!("under 1{NBSP}%")
    } else if p == 100.0 && x < 1.0 {
        format!("over 99{NBSP}%")
    } else {
        format!("{p:.0}{NBSP}%")
    }
}

/// The metric in a sentence: "economic loss (sum over services)", "peak share of the population
/// cut off (Messaging)"; names of the scenario's own things keep their case.
fn words(s: &Summary, name: &str) -> String {
    let title = Measure::in_summary(s, name).title;
    let label = row_label(s, name);
    let label = if name.ends_with(".total") || name.ends_with(".any") {
        lower_first(&label)
    } else {
        label
    };
    format!("{} ({label})", lower_first(&title))
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_lowercase().chain(chars).collect::<String>()
    })
}

/// What an input share means, in words.
fn meaning(s: &Summary, row: &Row) -> String {
    let spread = format!(
        "{} of the spread of {} comes from what we do not know of the inputs",
        percent(row.inputs),
        words(s, &row.name)
    );
    if row.noise > 0.0 {
        format!(
            "{}; the rest is chance (when things fail, for how long, who needs what)",
            sentence(&spread)
        )
    } else {
        format!("{}; chance adds nothing to it", sentence(&spread))
    }
}

/// The section, or nothing for a run without `[[uncertain]]` inputs (or with `--central`).
pub(crate) fn section(s: &Summary) -> Markup {
    let rows = rows(s);
    if rows.is_empty() {
        return html! {};
    }
    // The first of the largest, in the table's order: peak shares of one world often tie.
    let largest = rows
        .iter()
        .filter(|r| r.varies())
        .fold(None::<&Row>, |best, r| match best {
            Some(b) if b.inputs >= r.inputs => Some(b),
            _ => Some(r),
        });
    let headline = rows
        .iter()
        .find(|r| r.name == s.headline())
        .filter(|r| r.varies());
    html! {
        section id="uncertainty" {
            h2 { "What we do not know" }
            p {
                "Each group of replications ran on its own draw of the scenario's uncertain inputs, \
                 so the bands below are over the inputs and the replications' chance together. The \
                 shares split each metric's variance between the two (a one-way analysis of \
                 variance over the input samples)."
            }
            @if let Some(row) = largest {
                p.lead { (meaning(s, row)) "." }
            }
            @if let Some(row) = headline.filter(|h| largest.is_none_or(|l| l.name != h.name)) {
                p { "For the headline figure: " (lower_first(&meaning(s, row))) "." }
            }
            table.uncertainty {
                thead {
                    tr {
                        th { "Metric" } th.num { "Mean" }
                        th.num { "p05 to p95, inputs and chance" }
                        th.num { "Share of the variance from the inputs" }
                        th.num { "Share from chance" }
                    }
                }
                tbody {
                    @for row in &rows {
                        @let measure = Measure::in_summary(s, &row.name);
                        @let m = &row.metric.stats;
                        tr {
                            td title=(row.name) {
                                (measure.heading(&s.currency)) ": " (row_label(s, &row.name))
                            }
                            td.num { (measure.value(m.mean)) }
                            td.num { (measure.value(m.p05)) "\u{a0}to " (measure.value(m.p95)) }
                            @if row.varies() {
                                td.num { (percent(row.inputs)) }
                                td.num { (percent(row.noise)) }
                            } @else {
                                td.num { (MISSING) } td.num { (MISSING) }
                            }
                        }
                    }
                }
            }
            p.note {
                "A share is " (MISSING) " where the metric does not vary. The timeline's dotted \
                 edges are the central run's band (every input as written, the same replications' \
                 draws): the band with the inputs beside it shows how much of it is what we do not \
                 know."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::percent;

    #[test]
    fn shares_of_a_variance_never_round_to_none_or_all() {
        let plain = |x: f64| percent(x).replace('\u{a0}', " ");
        assert_eq!(plain(0.0), "0 %");
        assert_eq!(plain(2e-7), "under 1 %");
        assert_eq!(plain(0.894), "89 %");
        assert_eq!(plain(0.9999998), "over 99 %");
        assert_eq!(plain(1.0), "100 %");
    }
}
