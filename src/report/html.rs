//! `report.html`: one self-contained page (inline CSS, figures inlined as SVG, no scripts, no
//! network) that reads well on screen and on paper, built with maud's `html!` templates. Every
//! piece of text that comes from the summary is escaped because a template escapes whatever it
//! splices in (it comes from user-written scenario files); only markup made here is spliced
//! unescaped (`PreEscaped`), each time with a comment saying why that is safe.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::Saved;
use super::format::{self, MISSING, Measure};
use super::input::{Input, RunFacts, Stats, Summary};
use super::labels::{row_label, sentence};
use crate::results::registry::{
    self, ECONOMIC_LOSS, FAMILIES, Family, INSTALLS, PEAK_CUT_OFF_SHARE, PERSON_HOURS_CUT_OFF,
    PLATFORM_SHARE_AFTER, PLATFORM_SHARE_BEFORE, UNMET_NEEDS,
};

const CSS: &str = r#"
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #222; background: #fff;
       margin: 0; line-height: 1.5; }
main { max-width: 64rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 2rem; margin: 0.2rem 0 0.6rem; line-height: 1.2; }
h2 { font-size: 1.4rem; margin: 2.4rem 0 0.8rem; border-bottom: 2px solid #0072B2; padding-bottom: 0.2rem;
     break-after: avoid; page-break-after: avoid; }
h3 { font-size: 1.1rem; margin: 1.6rem 0 0.4rem; break-after: avoid; page-break-after: avoid; }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; color: #0072B2; font-size: 0.85rem; margin: 0; }
.lead { font-size: 1.1rem; }
.meta { color: #555; }
ul.headline { padding-left: 1.2rem; font-size: 1.1rem; }
ul.headline li { margin: 0.4rem 0; }
div.warnings { border-left: 4px solid #D55E00; padding: 0.2rem 0.8rem; background: #FFF4EC; }
figure { margin: 1.5rem 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid #ddd; }
figcaption { color: #444; font-size: 0.95rem; margin-top: 0.4rem; }
/* Columns sized by their content (auto layout): a column is never narrower than its widest
   unbreakable piece (a number keeps its unit by a no-break space; an interval breaks after "to"),
   so cells wrap rather than run into their neighbours, on screen and on paper. */
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; margin-bottom: 0.6rem; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
table.uncertainty { break-inside: avoid; page-break-inside: avoid; }
th, td { padding: 0.3rem 0.6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
th { text-align: left; background: #f3f3f3; }
th:first-child { width: 34%; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
dl.run { display: grid; grid-template-columns: max-content 1fr; gap: 0.3rem 1.2rem; }
dl.run dt { font-weight: bold; }
dl.run dd { margin: 0; }
pre { background: #f3f3f3; padding: 0.8rem 1rem; overflow-x: auto; white-space: pre-wrap; word-break: break-all; }
.note { color: #555; font-size: 0.92rem; }
@page { margin: 15mm; }
@media print {
  main { max-width: none; padding: 0; }
  h2 { margin-top: 1.6rem; }
  /* Two figures to a page (A4 or Letter) rather than one and a half: a little narrower. */
  figure { margin: 0.6rem 0 1rem; }
  figure svg { border: none; width: 86%; margin: 0 auto; }
  #reproduce, #sources, dl.run { break-inside: avoid; page-break-inside: avoid; }
  /* Eight columns of figures fit the width of A4 or Letter at this size. */
  table { font-size: 0.8rem; }
  th, td { padding: 0.25rem 0.4rem; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The whole page.
/// The page's head: its title and the stylesheet.
fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) }
            // Safe unescaped: the fixed stylesheet above, written here, with no input in it.
            style { (PreEscaped(CSS)) }
        }
    }
}

/// A page of analysis sections alone, for a folder without a run (`annual`).
pub(crate) fn plain_page(title: &str, sections: &Markup) -> String {
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            (head(title))
            body { main { h1 { (title) } (sections) } }
        }
    };
    let mut page = page.into_string();
    page.push('\n');
    page
}

pub(crate) fn page(input: &Input, figures: &[Saved], analyses: &Markup) -> String {
    let s = &input.summary;
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            (head(&format!("{} — concrisk report", s.scenario)))
            body {
                main {
                    (header(s))
                    (headline(s))
                    (super::uncertainty::section(s))
                    (figures_section(figures))
                    (super::days::section(s, input.daily.as_ref()))
                    // Sections of compare, rank and sweep, when the folder has them.
                    (analyses)
                    (metrics_section(s))
                    (run_section(s, &input.run))
                    (sources_section(s))
                    (reproduce(s))
                }
            }
        }
    };
    let mut page = page.into_string();
    page.push('\n');
    page
}

fn header(s: &Summary) -> Markup {
    html! {
        header {
            p.kicker { "concrisk · concentration-risk report" }
            h1 { (s.scenario) }
            p.meta {
                @if !s.region.is_empty() { "Region: " (s.region) " · " }
                @match &s.variant {
                    Some(v) => { "Variant: " strong { (v) } }
                    None => { "Baseline (no variant)" }
                }
            }
            @if !s.description.is_empty() {
                p.lead { (s.description) }
            }
        }
    }
}

/// Which headline sentence an item is: the scenario's headline metric's leads the list.
#[derive(PartialEq)]
enum Item {
    EconomicLoss,
    PersonHours,
    Other,
}

/// The headline figures as sentences a minister can quote.
fn headline(s: &Summary) -> Markup {
    let mut items: Vec<(Item, Markup)> = Vec::new();
    let population = s.population as f64;
    for service in &s.services {
        if let Some(m) = metric(s, &PEAK_CUT_OFF_SHARE.name_of(&service.id)) {
            let stranded = metric(s, &format!("peak_stranded_share.{}", service.id));
            items.push((
                Item::Other,
                html! {
                    "At the worst moment, on average "
                    strong { (format::count(m.mean * population)) " people" }
                    " (" (format::share(m.mean)) "; p95: " (format::count(m.p95 * population))
                    ") had lost their platform for " (service.display_name().to_lowercase())
                    @if let Some(st) = stranded {
                        "; counting what still served them (offline channels, other platforms), "
                        (format::count(st.mean * population)) " (" (format::share(st.mean)) ") \
                         had no channel that served"
                    }
                    "."
                },
            ));
        }
    }
    let population_hours = |x: f64| format::hours(x / population.max(1.0));
    let cut_off_any = metric(s, "person_hours_cut_off.any");
    if let Some(m) = cut_off_any.or_else(|| total(s, &PERSON_HOURS_CUT_OFF)) {
        items.push((
            Item::PersonHours,
            html! {
                @if cut_off_any.is_some() {
                    "People lost their platform for at least one service for "
                    strong { (format::count(m.mean)) " person-hours" }
                    " (each person counted once; " (population_hours(m.mean)) " per resident"
                    (per_segment(s, "person_hours_cut_off.any")) "; 95\u{a0}% \
                     interval of the mean " (format::count(m.mean_lo)) "–" (format::count(m.mean_hi))
                    "; p95: " (format::count(m.p95)) ")."
                } @else {
                    "Summed over services (a person cut off from two counts twice), people lost \
                     their platform for "
                    strong { (format::count(m.mean)) " person-hours" }
                    " (p95: " (format::count(m.p95)) ")."
                }
            },
        ));
    }
    items.extend(
        super::lost::sentences(s)
            .into_iter()
            .map(|m| (Item::Other, m)),
    );
    let stranded_any = metric(s, "person_hours_stranded.any");
    if let Some(m) = stranded_any.or_else(|| metric(s, "person_hours_stranded.total")) {
        items.push((
            Item::Other,
            html! {
                "Counting the channels that still served them (cash, phone, other platforms), \
                 people were stranded — no channel served a need — for "
                strong { (format::count(m.mean)) " person-hours" }
                @if stranded_any.is_some() {
                    " (each person once; " (population_hours(m.mean)) " per resident"
                    (per_segment(s, "person_hours_stranded.any")) ")."
                } @else {
                    " (summed over services; " (population_hours(m.mean)) " per resident and \
                     service)."
                }
            },
        ));
    }
    if let Some(m) = total(s, &UNMET_NEEDS) {
        items.push((
            Item::Other,
            html! {
                strong { (format::count(m.mean)) " needs" }
                " went unmet (p95: " (format::count(m.p95)) ")."
            },
        ));
    }
    if let Some(m) = total(s, &ECONOMIC_LOSS) {
        let money = |x: f64| format::money(x, &s.currency);
        items.push((
            Item::EconomicLoss,
            html! {
                "The economic loss was " strong { (money(m.mean)) }
                " on average (95\u{a0}% interval of the mean " (money(m.mean_lo)) " to "
                (money(m.mean_hi)) "; p95: " (money(m.p95)) "; mean of the worst 5\u{a0}% of replications: "
                (money(m.cvar95)) ")."
            },
        ));
    }
    // The platforms people installed, with their share of the population before and after.
    for node in &s.nodes {
        let of = |family: &Family| metric(s, &family.name_of(&node.id));
        if let (Some(installs), Some(before), Some(after)) = (
            of(&INSTALLS),
            of(&PLATFORM_SHARE_BEFORE),
            of(&PLATFORM_SHARE_AFTER),
        ) {
            items.push((
                Item::Other,
                html! {
                    strong { (format::count(installs.mean)) " people" }
                    " installed " (node.display_name()) " during the run (p95: "
                    (format::count(installs.p95)) "): its share of the population "
                    (format::share_change(before.mean, after.mean)) "."
                },
            ));
        }
    }
    // The scenario's headline metric leads: economic loss, or person-hours without money values.
    let lead = if s.headline().starts_with("economic_loss") {
        Item::EconomicLoss
    } else {
        Item::PersonHours
    };
    if let Some(i) = items.iter().position(|(kind, _)| *kind == lead) {
        let item = items.remove(i);
        items.insert(0, item);
    }
    html! {
        section id="headline" {
            h2 { "Headline figures" }
            @if items.is_empty() {
                p { "This run reported none of the headline metrics." }
            } @else {
                ul.headline {
                    @for (_, item) in &items { li { (item) } }
                }
            }
            @if !s.warnings.is_empty() {
                div.warnings {
                    h3 { "Warnings" }
                    ul {
                        @for w in &s.warnings { li { strong { (w.kind) } ": " (w.message) } }
                    }
                }
            }
            p.note {
                "Averages over " (format::grouped(s.replications)) " replications; p95 is the 95th \
                 percentile, the level exceeded in one replication in twenty. All counts are scaled \
                 to the real population of " (format::grouped(s.population)) "."
            }
        }
    }
}

/// Hours per person of each segment of a person-hours metric (`summary.json`'s `per_person`),
/// as "; per person: 65 and over 17 h, …", or nothing when the summary has none.
fn per_segment(s: &Summary, name: &str) -> String {
    let parts: Vec<String> = s
        .segments
        .iter()
        .filter_map(|g| {
            let p = s.per_person.get(&format!("{name}.by_segment.{}", g.id))?;
            Some(format!("{} {}", g.display_name(), format::hours(p.mean)))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("; per person: {}", parts.join(", "))
    }
}

fn figures_section(figures: &[Saved]) -> Markup {
    let absent: Vec<&str> = ALL_FIGURES
        .into_iter()
        .filter(|n| !figures.iter().any(|f| f.name == *n))
        .collect();
    html! {
        section id="figures" {
            h2 { "Figures" }
            @if !absent.is_empty() {
                p.note {
                    "Not drawn, because this run's output has no data for them: "
                    (absent.join(", ")) "."
                }
            }
            @for f in figures { (figure_markup(f)) }
        }
    }
}

/// One figure inlined as SVG, with its caption and the names of its files.
pub(crate) fn figure_markup(f: &Saved) -> Markup {
    // The XML declaration is not allowed inside HTML; the page's own charset covers it.
    let svg = f.svg.trim_start();
    let svg = match svg.strip_prefix("<?xml") {
        Some(rest) => rest
            .split_once("?>")
            .map_or(rest, |(_, body)| body)
            .trim_start(),
        None => svg,
    };
    // The caption goes into the SVG's label escaped by the template engine, as in any attribute.
    let label = html! { (f.caption) }.into_string();
    let svg = svg.replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{label}\" "),
        1,
    );
    html! {
        figure id=(format!("fig-{}", f.name)) {
            // Safe unescaped: markup we drew ourselves (plotters escapes the text it writes into
            // the SVG), with only the escaped caption added.
            (PreEscaped(svg))
            figcaption {
                (f.caption) " (Also saved as plots/" (f.name) ".svg and plots/" (f.name) ".png.)"
            }
        }
    }
}

fn metrics_section(s: &Summary) -> Markup {
    let mut families: Vec<&str> = s.metrics.keys().map(|k| registry::split(k).0).collect();
    families.sort_by_key(|f| (family_rank(s, f), *f));
    families.dedup();
    html! {
        section id="metrics" {
            h2 { "All metrics" }
            p.note {
                "Across " (format::grouped(s.replications)) " replications: mean, its standard \
                 error (s.e.) and the 95\u{a0}% interval of the mean (Student t); p05, p50 and p95 \
                 are the 5th, 50th and 95th percentiles; CVaR95 is the mean of the worst 5\u{a0}% of \
                 replications."
            }
            @for family in families { (family_table(s, family)) }
        }
    }
}

/// The heading, meaning and table of one metric family.
fn family_table(s: &Summary, family: &str) -> Markup {
    let mut rows: Vec<(&String, &Stats)> = s
        .metrics
        .iter()
        .filter(|(k, _)| registry::split(k).0 == family)
        .map(|(k, m)| (k, &m.stats))
        .collect();
    rows.sort_by_cached_key(|(k, _)| row_key(s, k));
    let Some(first) = rows.first().map(|(k, _)| k.as_str()) else {
        return html! {};
    };
    let measure = Measure::in_summary(s, first);
    let fmt = |x: f64| measure.value(x);
    html! {
        h3 { (measure.heading(&s.currency)) }
        @if let Some(f) = registry::family_named(family) {
            p.note { (sentence(f.meaning)) "." }
        }
        table {
            thead {
                tr {
                    th { "Metric" } th.num { "Mean" } th.num { "s.e." }
                    th.num { "95\u{a0}% interval of the mean" } th.num { "p05" } th.num { "p50" }
                    th.num { "p95" } th.num { "CVaR95" }
                }
            }
            tbody {
                @for (name, m) in &rows {
                    tr {
                        td title=(name) { (row_label(s, name)) }
                        td.num { (fmt(m.mean)) }
                        td.num { (fmt(beyond_rounding(m.se, m.mean))) }
                        td.num { (fmt(m.mean_lo)) "\u{a0}to " (fmt(m.mean_hi)) }
                        td.num { (fmt(m.p05)) }
                        td.num { (fmt(m.p50)) }
                        td.num { (fmt(m.p95)) }
                        td.num { (fmt(m.cvar95)) }
                    }
                }
            }
        }
    }
}

/// A standard error, or 0 where it is only the rounding of summing equal values (a share that
/// every replication shares has a computed spread of about 1e-17, which means nothing).
fn beyond_rounding(se: f64, mean: f64) -> f64 {
    if se <= 1e-9 * mean.abs() { 0.0 } else { se }
}

fn run_section(s: &Summary, run: &RunFacts) -> Markup {
    let row = |k: &str, v: Markup| html! { dt { (k) } dd { (v) } };
    let h = s.start_hour.rem_euclid(24.0);
    // The exact factor: rounding it to three figures would not multiply back.
    let scale = format!("{:.4}", s.scale);
    let scale = scale.trim_end_matches('0').trim_end_matches('.');
    html! {
        section id="run" {
            h2 { "What was run" }
            dl.run {
                (row("Scenario file", html! { code { (s.file) } }))
                (row("Variant", html! { (s.variant.as_deref().unwrap_or("baseline")) }))
                (row("Seed", html! { (s.seed) }))
                (row("Replications", html! { (format::grouped(s.replications)) }))
                (row("Simulated people", html! {
                    (format::grouped(s.agents)) " agents standing for a population of "
                    (format::grouped(s.population)) " (each agent counts for " (scale) " people)"
                }))
                (row("Time span", html! {
                    (format::count(s.horizon_hours)) " hours (" (format::count(s.horizon_hours / 24.0))
                    " days) from "
                    (format!("{:02}:{:02}", h.floor() as u32, ((h.fract() * 60.0).round() as u32).min(59)))
                    ", in steps of " (format::count(s.step_minutes)) " minutes"
                }))
                @if !s.events.is_empty() {
                    (row("Events", html! {
                        @for (i, e) in s.events.iter().enumerate() {
                            @if i > 0 { br; }
                            (e.display_name()) ": starts at hour " (format::count(e.at_hour_mean))
                            " on average and lasts " (format::hours(e.duration_hours_mean)) " on average"
                            @if e.probability < 1.0 {
                                ", in " (format::share(e.probability)) " of replications"
                            }
                        }
                    }))
                }
                @if !s.currency.is_empty() {
                    (row("Money", html! {
                        (s.currency) "; one person-hour is valued at " (s.currency) " "
                        (format::exact(s.value_of_time_per_hour))
                    }))
                }
                (row("concrisk version", html! { (s.version) }))
                (row("Run time", html! {
                    (run.run_seconds.map_or(MISSING.to_string(), |t| format!("{} s", format::count(t))))
                }))
                (row("Threads", html! {
                    (run.threads.map_or(MISSING.to_string(), |t| t.to_string()))
                }))
            }
        }
    }
}

fn sources_section(s: &Summary) -> Markup {
    html! {
        section id="sources" {
            h2 { "Sources" }
            @if s.sources.is_empty() {
                p { "The scenario file cites no sources." }
            } @else {
                ol {
                    // A web address in a source is a link (nothing is loaded from it); anything
                    // else is text, escaped.
                    @for src in &s.sources { li { (source_markup(src)) } }
                }
            }
        }
    }
}

/// A web address: `http://` or `https://` then at least one character, none of them a control
/// character; trailing punctuation of the sentence around it is not part of it.
fn web_address(word: &str) -> Option<(&str, &str)> {
    let lower = word.to_ascii_lowercase();
    let scheme = ["https://", "http://"]
        .into_iter()
        .find(|p| lower.starts_with(p))?;
    let end = word.trim_end_matches(['.', ',', ';', ':', ')', ']', '!', '?', '\'', '"']);
    (end.len() > scheme.len() && !end.chars().any(char::is_control))
        .then(|| (end, &word[end.len()..]))
}

/// A source as text with each web address in it a link; maud escapes both the text and the
/// address, so a source cannot add markup.
pub(crate) fn source_markup(source: &str) -> Markup {
    let words: Vec<&str> = source.split(' ').collect();
    html! {
        @for (i, word) in words.iter().enumerate() {
            @if i > 0 { " " }
            @match web_address(word) {
                Some((url, rest)) => { a href=(url) { (url) } (rest) }
                None => { (word) }
            }
        }
    }
}

fn reproduce(s: &Summary) -> Markup {
    let command = s.command.clone().unwrap_or_else(|| {
        format!(
            "concrisk run {} --seed {} --replications {}",
            s.file, s.seed, s.replications
        )
    });
    html! {
        section id="reproduce" {
            h2 { "Reproduce" }
            pre { code { (command) } }
            p.note {
                "The same scenario file, seed and number of replications give identical results on \
                 any number of threads. " code { "concrisk report DIR" } " redraws this page and its \
                 figures from the saved output folder."
            }
        }
    }
}

fn metric<'a>(s: &'a Summary, name: &str) -> Option<&'a Stats> {
    s.metrics
        .get(name)
        .map(|m| &m.stats)
        .filter(|m| m.mean.is_finite())
}

fn total<'a>(s: &'a Summary, family: &Family) -> Option<&'a Stats> {
    metric(s, &family.total_name()?)
}

/// Every figure the report can draw, in page order.
pub(crate) const ALL_FIGURES: [&str; 7] = [
    "timeline",
    "capacity",
    "damage_distribution",
    "exceedance",
    "by_service",
    "by_segment",
    "dependency_graph",
];

/// Sort key inside a family: totals first, subjects (services, or platforms) in the scenario's
/// order, then by segment.
fn row_key(s: &Summary, name: &str) -> (bool, usize, usize, String) {
    let (_, subject, segment) = registry::split(name);
    let position = |id: &str| {
        s.services
            .iter()
            .position(|x| x.id == id)
            .or_else(|| s.nodes.iter().position(|x| x.id == id))
            .map_or(usize::MAX, |i| i + 1)
    };
    let segment_rank = segment.map_or(0, |g| {
        s.segments
            .iter()
            .position(|x| x.id == g)
            .map_or(usize::MAX, |i| i + 1)
    });
    (
        segment.is_some(),
        subject.map_or(0, position),
        segment_rank,
        name.to_string(),
    )
}

/// Where a family's table goes: the headline's first, then the registry's order, then families
/// this version does not know, by name.
fn family_rank(s: &Summary, family: &str) -> usize {
    if registry::split(&s.headline()).0 == family {
        0
    } else {
        FAMILIES
            .iter()
            .position(|f| f.name == family)
            .map_or(FAMILIES.len() + 1, |i| i + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::source_markup;

    #[test]
    fn web_addresses_in_sources_become_escaped_links_and_nothing_else_does() {
        let html = |s: &str| source_markup(s).into_string();
        assert_eq!(
            html("MSIT report, https://example.org/a?b=1&c=2."),
            "MSIT report, <a href=\"https://example.org/a?b=1&amp;c=2\">https://example.org/a?b=1&amp;c=2</a>."
        );
        assert_eq!(
            html("http://x.kr"),
            "<a href=\"http://x.kr\">http://x.kr</a>"
        );
        // Other schemes, a bare scheme and markup stay text.
        for text in [
            "javascript:alert(1)",
            "ftp://x.org",
            "https://",
            "<b>bold</b>",
        ] {
            assert!(!html(text).contains("<a"), "{text} became a link");
        }
        assert_eq!(html("<b>x</b>"), "&lt;b&gt;x&lt;/b&gt;");
        // A quote cannot leave the attribute.
        assert!(
            html("https://x.org/\"onmouseover=\"a")
                .contains("href=\"https://x.org/&quot;onmouseover=&quot;a\"")
        );
    }
}
