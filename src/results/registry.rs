//! The metric registry: every metric family and every time series declared once — its name, unit,
//! scope, how its `.total` combines, whether it breaks down by segment, its title and meaning, and
//! where its value comes from in a replication's outcome.
//!
//! Everything else reads these declarations: the names and values of `replications.csv`
//! ([`super::metrics`]), the units in `summary.json`, the report's formatting and titles, the
//! studies' metric look-ups and the tests. A new family is one more entry in [`FAMILIES`]; a new
//! series one more in [`SERIES`].
//!
//! Names are contract (the README and the format reference list them): a family's metrics are
//! `<family>.<subject>`, its total `<family>.total`, and its breakdowns
//! `<family>.<subject>.by_segment.<segment>` (subject: a service id, or `total`).

use serde::{Deserialize, Serialize};

use crate::engine::{PairwiseDamage, SegmentDamage, Series, ServiceDamage, UnionDamage};

/// What a metric's values are measured in; the report formats every number from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A number of needs or of people, scaled to the real population.
    Count,
    /// People × hours, scaled to the real population.
    PersonHours,
    /// A share in [0, 1] (of the population, of people or of ties), shown as a percentage.
    Share,
    /// An amount in the scenario's currency (`summary.json`'s `currency`).
    Money,
    /// A level in [0, 1] of normal capacity (1 is working fully), shown as a percentage.
    Level,
}

impl Unit {
    /// Whether values are fractions in [0, 1], shown as percentages.
    pub fn is_fraction(self) -> bool {
        matches!(self, Unit::Share | Unit::Level)
    }
}

/// What one metric (or series) of a family is about: its name's second part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One per service: `<family>.<service>`.
    Service,
    /// One per pairwise service (needs sent to contacts).
    PairwiseService,
    /// One per platform that a `[[behaviour.switching]]` rule installs: `<family>.<platform>`.
    SwitchedPlatform,
    /// One per node of the dependency graph (time series only).
    Node,
}

/// How a family's `.total` combines its services' values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Total {
    /// No total: the values of different subjects do not add up to anything meaningful (a peak,
    /// a share, a platform's installs).
    None,
    /// `<family>.total` is the sum over services (and `<family>.total.by_segment.<g>` the sum of
    /// the services' values for segment g). A person cut off from two services counts twice.
    SumOverServices,
}

/// Where a family's union over services (`<family>.any`, by segment) comes from: person-hours
/// in which a person was affected by at least one service, each person counted once.
pub(crate) type UnionSource = fn(&UnionDamage) -> Option<&[f64]>;

/// Prices of one service's damage: what an unmet need and an hour cost.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prices {
    pub value_per_unmet: f64,
    pub value_of_time_per_hour: f64,
}

/// One switching rule's platform in one replication (people, scaled to the population).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Holders {
    pub before: f64,
    pub installs: f64,
    pub population: f64,
}

/// Where a family's value comes from in a replication's outcome.
#[derive(Clone, Copy)]
pub(crate) enum Source {
    /// Summed over the segments of the engine's damage to each segment; `by_segment` adds the
    /// per-segment values as metrics of their own.
    Segments {
        value: fn(&Prices, &SegmentDamage) -> f64,
        by_segment: bool,
    },
    /// One number per service.
    Service(fn(&ServiceDamage) -> f64),
    /// One number per pairwise service.
    Pairwise(fn(&PairwiseDamage) -> f64),
    /// One number per switching rule.
    Switching(fn(&Holders) -> f64),
    /// Per service and segment: distinct people cut off at some moment of the run (the
    /// outcome's `people_ever_cut_off`), with by-segment breakdowns. About the whole run: no
    /// value per day.
    EverCutOff,
}

/// A metric family: every metric whose name starts with `name.`.
pub struct Family {
    /// The first part of every name of the family, e.g. `unmet_needs`.
    pub name: &'static str,
    /// Its unit, which decides how every value is formatted.
    pub unit: Unit,
    /// How `<family>.total` combines the services' values.
    pub total: Total,
    /// Title for tables, figures and axes, e.g. "Unmet needs".
    pub title: &'static str,
    /// What a value means, in one line.
    pub meaning: &'static str,
    pub(crate) source: Source,
    /// The family's `.any` (the union over services), when it has one.
    pub(crate) union: Option<UnionSource>,
}

impl Family {
    /// What the family's metrics are about.
    pub fn scope(&self) -> Scope {
        match self.source {
            Source::Segments { .. } | Source::Service(_) | Source::EverCutOff => Scope::Service,
            Source::Pairwise(_) => Scope::PairwiseService,
            Source::Switching(_) => Scope::SwitchedPlatform,
        }
    }

    /// Whether the family has `.by_segment.<segment>` breakdowns.
    pub fn by_segment(&self) -> bool {
        matches!(
            self.source,
            Source::Segments {
                by_segment: true,
                ..
            } | Source::EverCutOff
        )
    }

    /// Whether the family's metrics have a value per local calendar day (`daily.csv`); a count
    /// of distinct people over the whole run has none.
    pub fn has_daily(&self) -> bool {
        !matches!(self.source, Source::EverCutOff)
    }

    /// The name of the family's total, `<family>.total`, when it has one.
    pub fn total_name(&self) -> Option<String> {
        (self.total == Total::SumOverServices).then(|| format!("{}.total", self.name))
    }

    /// Whether the family has `<family>.any`: the union over services.
    pub fn has_union(&self) -> bool {
        self.union.is_some()
    }

    /// The name of the family's metric about `subject` (a service or platform id).
    pub fn name_of(&self, subject: &str) -> String {
        format!("{}.{subject}", self.name)
    }
}

/// Families are told apart by name, which [`FAMILIES`] keeps unique.
impl PartialEq for Family {
    fn eq(&self, other: &Family) -> bool {
        self.name == other.name
    }
}

impl Eq for Family {}

impl std::fmt::Debug for Family {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Family")
            .field("name", &self.name)
            .field("unit", &self.unit)
            .field("scope", &self.scope())
            .field("total", &self.total)
            .field("by_segment", &self.by_segment())
            .finish()
    }
}

/// The metric family `unmet_needs`: unmet needs.
pub static UNMET_NEEDS: Family = Family {
    name: "unmet_needs",
    unit: Unit::Count,
    total: Total::SumOverServices,
    title: "Unmet needs",
    meaning: "needs that the run with nothing failed met and the event run did not, not even late",
    union: None,
    source: Source::Segments {
        value: |_, d| d.unmet_needs,
        by_segment: true,
    },
};

/// The metric family `delayed_needs`: needs met late.
pub static DELAYED_NEEDS: Family = Family {
    name: "delayed_needs",
    unit: Unit::Count,
    total: Total::None,
    title: "Needs met late",
    meaning: "needs of a deferrable service that the event run met late instead of on time",
    union: None,
    source: Source::Segments {
        value: |_, d| d.delayed_needs,
        by_segment: false,
    },
};

/// The metric family `person_hours_cut_off`: person-hours cut off.
pub static PERSON_HOURS_CUT_OFF: Family = Family {
    name: "person_hours_cut_off",
    unit: Unit::PersonHours,
    total: Total::SumOverServices,
    title: "Person-hours cut off",
    meaning: "hours in which people held some of the service's platform channels and every one \
              of them was down (they lost their platform), summed over people; `.total` sums \
              the services (a person cut off from two counts twice), `.any` counts each person \
              once: cut off from at least one service",
    union: Some(|u| Some(u.cut_off.as_slice())),
    source: Source::Segments {
        value: |_, d| d.person_hours_cut_off,
        by_segment: true,
    },
};

/// The metric family `people_ever_cut_off`: distinct people who lost their platform at some
/// moment.
pub static PEOPLE_EVER_CUT_OFF: Family = Family {
    name: "people_ever_cut_off",
    unit: Unit::Count,
    total: Total::None,
    title: "People ever cut off",
    meaning: "distinct people cut off from the service (every platform channel they held down) \
              at some moment of the run, however long and however often; `.any`: cut off from \
              at least one service at some moment, each person once",
    union: Some(|u| Some(u.people_ever_cut_off.as_slice())),
    source: Source::EverCutOff,
};

/// The metric family `peak_cut_off_share`: peak share of the population cut off.
pub static PEAK_CUT_OFF_SHARE: Family = Family {
    name: "peak_cut_off_share",
    unit: Unit::Share,
    total: Total::None,
    title: "Peak share of the population cut off",
    meaning: "the largest share of the population cut off from the service at any moment",
    union: None,
    source: Source::Service(|s| s.peak_cut_off_share),
};

/// The metric family `person_hours_stranded`: person-hours stranded, fallbacks counted.
pub static PERSON_HOURS_STRANDED: Family = Family {
    name: "person_hours_stranded",
    unit: Unit::PersonHours,
    total: Total::SumOverServices,
    title: "Person-hours stranded",
    meaning: "hours weighted by the chance that a need at that moment found no channel open to \
              the person that served it (offline channels included, with their success and \
              capacity), beyond the chance with nothing failed, summed over people; `.total` \
              sums the services, `.any` weighs each person once by the chance that the event \
              lost a need of at least one service",
    union: Some(|u| u.stranded.as_deref()),
    source: Source::Segments {
        value: |_, d| d.person_hours_stranded,
        by_segment: true,
    },
};

/// The metric family `peak_stranded_share`: peak share of the population stranded.
pub static PEAK_STRANDED_SHARE: Family = Family {
    name: "peak_stranded_share",
    unit: Unit::Share,
    total: Total::None,
    title: "Peak share of the population stranded",
    meaning: "the largest share of the population, weighted by the chance that no channel open \
              to them served a need (beyond the chance with nothing failed), at any moment",
    union: None,
    source: Source::Service(|s| s.peak_stranded_share),
};

/// The metric family `extra_hours`: extra person-hours on offline channels.
pub static EXTRA_HOURS: Family = Family {
    name: "extra_hours",
    unit: Unit::PersonHours,
    total: Total::None,
    title: "Extra person-hours on offline channels",
    meaning: "time spent on offline channels beyond what the run with nothing failed spent there",
    union: None,
    source: Source::Segments {
        value: |_, d| d.extra_hours,
        by_segment: false,
    },
};

/// The metric family `economic_loss`: economic loss.
pub static ECONOMIC_LOSS: Family = Family {
    name: "economic_loss",
    unit: Unit::Money,
    total: Total::SumOverServices,
    title: "Economic loss",
    meaning: "unmet needs at the service's value per unmet need, plus extra hours at the value \
              of time",
    union: None,
    source: Source::Segments {
        value: |p, d| d.unmet_needs * p.value_per_unmet + d.extra_hours * p.value_of_time_per_hour,
        by_segment: true,
    },
};

/// The metric family `ties_cut_peak_share`: peak share of contact ties cut.
pub static TIES_CUT_PEAK_SHARE: Family = Family {
    name: "ties_cut_peak_share",
    unit: Unit::Share,
    total: Total::None,
    title: "Peak share of contact ties cut",
    meaning: "the largest share of all contact ties that normally share a platform channel and \
              had no working one, at any moment",
    union: None,
    source: Source::Pairwise(|p| p.ties_cut_peak_share),
};

/// The metric family `reachable_min_share`: lowest share of people in the largest reachable group.
pub static REACHABLE_MIN_SHARE: Family = Family {
    name: "reachable_min_share",
    unit: Unit::Share,
    total: Total::None,
    title: "Lowest share of people in the largest reachable group",
    meaning: "the lowest share of people in the largest group connected by working ties (a \
              level, not a difference against the baseline)",
    union: None,
    source: Source::Pairwise(|p| p.reachable_min_share),
};

/// The metric family `installs`: installs during the run.
pub static INSTALLS: Family = Family {
    name: "installs",
    unit: Unit::Count,
    total: Total::None,
    title: "Installs during the run",
    meaning: "people who installed the platform during the run (scaled to the population)",
    union: None,
    source: Source::Switching(|h| h.installs),
};

/// The metric family `platform_share_before`: share of people holding the platform before the event.
pub static PLATFORM_SHARE_BEFORE: Family = Family {
    name: "platform_share_before",
    unit: Unit::Share,
    total: Total::None,
    title: "Share of people holding the platform before the event",
    meaning: "people who held the platform before anything happened, over the population",
    union: None,
    source: Source::Switching(|h| h.before / h.population),
};

/// The metric family `platform_share_after`: share of people holding the platform at the end of the run.
pub static PLATFORM_SHARE_AFTER: Family = Family {
    name: "platform_share_after",
    unit: Unit::Share,
    total: Total::None,
    title: "Share of people holding the platform at the end of the run",
    meaning: "people who held the platform at the end of the run (before the event, plus \
              installs), over the population",
    union: None,
    source: Source::Switching(|h| (h.before + h.installs) / h.population),
};

/// Every metric family. Within each block of `replications.csv` (per service, per pairwise
/// service, totals, per switched platform, by segment) columns follow this order.
pub static FAMILIES: [&Family; 14] = [
    &UNMET_NEEDS,
    &DELAYED_NEEDS,
    &PERSON_HOURS_CUT_OFF,
    &PEOPLE_EVER_CUT_OFF,
    &PEAK_CUT_OFF_SHARE,
    &PERSON_HOURS_STRANDED,
    &PEAK_STRANDED_SHARE,
    &EXTRA_HOURS,
    &ECONOMIC_LOSS,
    &TIES_CUT_PEAK_SHARE,
    &REACHABLE_MIN_SHARE,
    &INSTALLS,
    &PLATFORM_SHARE_BEFORE,
    &PLATFORM_SHARE_AFTER,
];

/// A kind of time series: one value per output step for each subject of its scope.
pub struct SeriesKind {
    /// The first part of every series name, e.g. `cut_off_share`.
    pub name: &'static str,
    /// The unit of its values.
    pub unit: Unit,
    /// Services, pairwise services or nodes.
    pub scope: Scope,
    /// Title for figures and axes.
    pub title: &'static str,
    /// What a value means, in one line.
    pub meaning: &'static str,
    /// The steps of the series about subject `index` (a service or node index), when the
    /// outcome has them.
    pub(crate) steps: for<'a> fn(&'a Series, usize) -> Option<&'a [f64]>,
}

impl SeriesKind {
    /// The name of the series about `subject` (a service or node id).
    pub fn name_of(&self, subject: &str) -> String {
        format!("{}.{subject}", self.name)
    }
}

/// Series kinds are told apart by name, which [`SERIES`] keeps unique.
impl PartialEq for SeriesKind {
    fn eq(&self, other: &SeriesKind) -> bool {
        self.name == other.name
    }
}

impl Eq for SeriesKind {}

impl std::fmt::Debug for SeriesKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeriesKind")
            .field("name", &self.name)
            .field("unit", &self.unit)
            .field("scope", &self.scope)
            .finish()
    }
}

/// The time series `cut_off_share`: share of the population cut off.
pub static CUT_OFF_SHARE: SeriesKind = SeriesKind {
    name: "cut_off_share",
    unit: Unit::Share,
    scope: Scope::Service,
    title: "Share of the population cut off",
    meaning: "the share of the population cut off from the service, averaged over the step",
    steps: |s, i| s.cut_off_share.get(i).map(Vec::as_slice),
};

/// The time series `reachable_share`: share of people in the largest reachable group.
pub static REACHABLE_SHARE: SeriesKind = SeriesKind {
    name: "reachable_share",
    unit: Unit::Share,
    scope: Scope::PairwiseService,
    title: "Share of people in the largest reachable group",
    meaning: "the share of people in the largest group connected by working ties, averaged \
              over the step",
    steps: |s, i| s.reachable_share.get(i)?.as_deref(),
};

/// The time series `capacity`: capacity.
pub static CAPACITY: SeriesKind = SeriesKind {
    name: "capacity",
    unit: Unit::Level,
    scope: Scope::Node,
    title: "Capacity",
    meaning: "the node's capacity (0 down, 1 working fully), averaged over the step",
    steps: |s, i| s.capacity.get(i).map(Vec::as_slice),
};

/// Every kind of time series, in the order of `timeseries.csv`.
pub static SERIES: [&SeriesKind; 3] = [&CUT_OFF_SHARE, &REACHABLE_SHARE, &CAPACITY];

/// A metric name read back into its parts, e.g. from `summary.json`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parsed<'a> {
    /// The family the name belongs to.
    pub family: &'static Family,
    /// `None` for the family's total, else the id of a service or platform.
    pub subject: Option<&'a str>,
    /// The segment id of a `.by_segment.<segment>` breakdown.
    pub segment: Option<&'a str>,
}

/// The family, subject and segment of a metric name; `None` for a name of no registered family.
pub fn parse(name: &str) -> Option<Parsed<'_>> {
    if !name.contains('.') {
        return None;
    }
    let (family, subject, segment) = split(name);
    Some(Parsed {
        family: family_named(family)?,
        subject,
        segment,
    })
}

/// The parts of any metric name, registered or not: `family.subject[.by_segment.segment]`, the
/// subject `None` for `total` (and for a name without a dot).
pub fn split(name: &str) -> (&str, Option<&str>, Option<&str>) {
    let Some((family, rest)) = name.split_once('.') else {
        return (name, None, None);
    };
    let (subject, segment) = match rest.split_once(".by_segment.") {
        Some((subject, segment)) => (subject, Some(segment)),
        None => (rest, None),
    };
    (family, (subject != "total").then_some(subject), segment)
}

/// The family called `name`.
pub fn family_named(name: &str) -> Option<&'static Family> {
    FAMILIES.iter().copied().find(|f| f.name == name)
}

/// The series kind of a series name (`capacity.pangyo_dc` → [`CAPACITY`]).
pub fn series_kind(name: &str) -> Option<&'static SeriesKind> {
    let (kind, _) = name.split_once('.')?;
    SERIES.iter().copied().find(|s| s.name == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_totals_only_over_services() {
        for (i, f) in FAMILIES.iter().enumerate() {
            assert!(
                FAMILIES[..i].iter().all(|g| g.name != f.name),
                "{} twice",
                f.name
            );
            assert!(!f.name.contains('.') && !f.title.is_empty() && !f.meaning.is_empty());
            if f.total == Total::SumOverServices {
                assert_eq!(f.scope(), Scope::Service, "{}", f.name);
            }
        }
        for (i, s) in SERIES.iter().enumerate() {
            assert!(SERIES[..i].iter().all(|t| t.name != s.name));
            assert!(FAMILIES.iter().all(|f| f.name != s.name));
        }
    }

    #[test]
    fn names_parse_back() {
        let p = parse("economic_loss.total.by_segment.elderly").expect("known");
        assert_eq!(
            (p.family.name, p.subject, p.segment),
            ("economic_loss", None, Some("elderly"))
        );
        let p = parse("platform_share_after.line").expect("known");
        assert_eq!(
            (p.family.unit, p.subject, p.segment),
            (Unit::Share, Some("line"), None)
        );
        assert!(parse("switching_regret.messaging").is_none());
        assert_eq!(
            split("switching_regret.messaging"),
            ("switching_regret", Some("messaging"), None)
        );
        assert_eq!(split("odd"), ("odd", None, None));
        assert!(parse("unmet_needs").is_none());
        assert_eq!(
            series_kind("capacity.pangyo_dc").map(|s| s.unit),
            Some(Unit::Level)
        );
    }
}
