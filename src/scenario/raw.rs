//! The serde mirror of the scenario file: one type per TOML table, the format's single
//! declaration. Unknown fields are refused everywhere (`deny_unknown_fields`); numbers that may
//! also be tables (distributions, per-segment numbers), `depends_on` items, channels, social
//! models and profiles are enums, so that serde sorts out their shapes and the checks in
//! `check/` only say what serde cannot (ranges, sums, cross-references, cycles).
//!
//! docs/scenario-format.md documents every field declared here; a test (`schema.rs`) traces
//! these types and fails when one is missing from it. An optional field is one line here, one
//! check and one entry there.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};

/// The whole file. Sections are optional here so that a broken one can be set aside while the
/// others are still read; `check` refuses a file without `[scenario]`, `[run]` or `[population]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScenarioFile {
    pub scenario: Option<RawMeta>,
    pub run: Option<RawRun>,
    pub population: Option<RawPopulation>,
    #[serde(default)]
    pub infrastructure: Vec<RawNode>,
    #[serde(default)]
    pub platforms: Vec<RawNode>,
    #[serde(default)]
    pub adoption: Vec<RawAdoption>,
    #[serde(default)]
    pub services: Vec<RawService>,
    #[serde(default)]
    pub events: Vec<RawEvent>,
    pub social: Option<RawSocial>,
    pub behaviour: Option<RawBehaviour>,
    pub economics: Option<RawEconomics>,
    #[serde(default)]
    pub uncertain: Vec<RawUncertain>,
    // `[[variants]]` are read by `variants.rs` (as `RawVariant`s) before the rest, their `set`
    // values kept as TOML with spans.
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMeta {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub region: String,
    #[serde(default = "default_currency")]
    pub currency: String,
    #[serde(default)]
    pub value_of_time_per_hour: f64,
    #[serde(default)]
    pub sources: Vec<String>,
}

fn default_currency() -> String {
    "USD".to_string()
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRun {
    pub horizon_hours: f64,
    #[serde(default = "default_replications")]
    pub replications: u64,
    #[serde(default)]
    pub seed: u64,
    pub agents: Option<u64>,
    #[serde(default = "default_step_minutes")]
    pub step_minutes: f64,
    pub start_hour: Option<f64>,
    pub start: Option<String>,
    pub input_samples: Option<u64>,
}

fn default_replications() -> u64 {
    100
}

fn default_step_minutes() -> f64 {
    60.0
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPopulation {
    pub size: u64,
    #[serde(default)]
    pub segments: Vec<RawSegment>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSegment {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub share: f64,
}

/// An `[[infrastructure]]` or `[[platforms]]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawNode {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub depends_on: Vec<RawRequirement>,
    pub restore_hours: Option<RawDistribution>,
    pub ramp_hours: Option<RawDistribution>,
    #[serde(default)]
    pub installable: bool,
}

/// One item of `depends_on`: an id, or a redundancy group.
#[derive(Debug)]
pub(super) enum RawRequirement {
    Node(String),
    Group(RawGroup),
}

/// `{ any_of = [..], need, failover_minutes, failover_success }`, or a primary with its standby,
/// `{ primary, standby, failover_minutes, failover_success }` (the checks take exactly one of
/// the two forms). Edit paths name a group by its `id`, or by any member's id.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGroup {
    pub id: Option<String>,
    pub any_of: Option<Vec<String>>,
    pub primary: Option<String>,
    pub standby: Option<String>,
    pub need: Option<i64>,
    pub failover_minutes: Option<f64>,
    pub failover_success: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAdoption {
    pub platform: String,
    pub share: RawPerSegment,
    pub given: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawService {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub demand_per_day: RawPerSegment,
    pub profile: Option<RawProfile>,
    pub channels: Vec<RawChannel>,
    #[serde(default)]
    pub pairwise: bool,
    #[serde(default)]
    pub value_per_unmet: f64,
    #[serde(default)]
    pub deferrable_hours: f64,
}

/// A channel of a service: through a platform, or offline. Told apart by which of `platform`
/// and `offline` the table has.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum RawChannel {
    Platform(RawPlatformChannel),
    Offline(RawOfflineChannel),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPlatformChannel {
    pub platform: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOfflineChannel {
    pub offline: String,
    pub success: Option<f64>,
    pub extra_minutes: Option<f64>,
    pub capacity_per_hour: Option<f64>,
    pub segments: Option<Vec<String>>,
}

/// `profile`: a named shape, or 24 weights from midnight.
#[derive(Debug)]
pub(super) enum RawProfile {
    Named(ProfileName),
    Weights(Vec<f64>),
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum ProfileName {
    Flat,
    Daytime,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEvent {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub fails: Vec<String>,
    pub at_hour: Option<RawDistribution>,
    pub duration_hours: RawDistribution,
    #[serde(default = "default_probability")]
    pub probability: f64,
    pub rate_per_year: Option<f64>,
}

fn default_probability() -> f64 {
    1.0
}

/// `[social]`, by `model`.
#[derive(Debug, Deserialize)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum RawSocial {
    ErdosRenyi {
        mean_degree: f64,
    },
    WattsStrogatz {
        mean_degree: f64,
        #[serde(default = "default_rewire_probability")]
        rewire_probability: f64,
    },
    BarabasiAlbert {
        mean_degree: f64,
    },
    StochasticBlock {
        mean_degree: f64,
        homophily: f64,
    },
}

fn default_rewire_probability() -> f64 {
    0.1
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBehaviour {
    #[serde(default)]
    pub switching: Vec<RawSwitching>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSwitching {
    pub platform: String,
    #[serde(default)]
    pub base_rate_per_hour: f64,
    pub threshold: Option<RawDistribution>,
}

/// A `[[variants]]` table. Its `set` values are applied as edits of the document (with their
/// spans), so here they are only checked to be TOML.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawVariant {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub set: BTreeMap<String, toml::Value>,
    pub cost: Option<RawCost>,
}

/// A variant's `cost = { upfront, per_year }`, in the scenario's currency.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCost {
    #[serde(default)]
    pub upfront: f64,
    #[serde(default)]
    pub per_year: f64,
}

/// `[economics]`: how `annual` discounts a variant's benefits and costs.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawEconomics {
    pub discount_rate: f64,
    pub horizon_years: u64,
}

/// An `[[uncertain]]` table: the edit path of a number, its distribution and where that comes
/// from.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawUncertain {
    pub path: String,
    pub value: RawDistribution,
    pub source: String,
}

/// A number that may be drawn: a bare number (fixed) or a table with `dist`.
#[derive(Debug)]
pub(super) enum RawDistribution {
    Fixed(f64),
    Table(RawDistTable),
}

#[derive(Debug, Deserialize)]
#[serde(tag = "dist", rename_all = "snake_case", deny_unknown_fields)]
pub(super) enum RawDistTable {
    Fixed { value: f64 },
    Uniform { min: f64, max: f64 },
    Triangular { min: f64, mode: f64, max: f64 },
    Lognormal { median: f64, p95: f64 },
    Exponential { mean: f64 },
    Weibull { shape: f64, scale: f64 },
    Empirical { values: Vec<f64> },
}

/// A per-segment number: bare (everyone), or `{ default = x, <segment id> = y }`.
#[derive(Debug)]
pub(super) enum RawPerSegment {
    All(f64),
    BySegment(BTreeMap<String, f64>),
}

/// Visits a bare number as `number(value)` and a table as `T`, read straight from the map so
/// that errors inside keep their place.
struct NumberOrTable<T, N> {
    expecting: &'static str,
    number: N,
    table: std::marker::PhantomData<T>,
}

impl<'de, T, N, R> Visitor<'de> for NumberOrTable<T, N>
where
    T: Deserialize<'de> + Into<R>,
    N: FnOnce(f64) -> R,
{
    type Value = R;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<R, E> {
        Ok((self.number)(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<R, E> {
        Ok((self.number)(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<R, E> {
        Ok((self.number)(v))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<R, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Into::into)
    }
}

impl From<RawDistTable> for RawDistribution {
    fn from(table: RawDistTable) -> Self {
        RawDistribution::Table(table)
    }
}

impl From<BTreeMap<String, f64>> for RawPerSegment {
    fn from(table: BTreeMap<String, f64>) -> Self {
        RawPerSegment::BySegment(table)
    }
}

impl<'de> Deserialize<'de> for RawDistribution {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumberOrTable::<RawDistTable, _> {
            expecting: "a number or a distribution table such as { dist = \"uniform\", min = 1, max = 4 }",
            number: RawDistribution::Fixed,
            table: std::marker::PhantomData,
        })
    }
}

impl<'de> Deserialize<'de> for RawPerSegment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NumberOrTable::<BTreeMap<String, f64>, _> {
            expecting: "a number or a per-segment table such as { default = 0.9, elderly = 0.6 }",
            number: RawPerSegment::All,
            table: std::marker::PhantomData,
        })
    }
}

impl<'de> Deserialize<'de> for RawRequirement {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Requirement;
        impl<'de> Visitor<'de> for Requirement {
            type Value = RawRequirement;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(
                    "a node id or a redundancy group such as { any_of = [\"dc_a\", \"dc_b\"] }",
                )
            }

            fn visit_str<E: de::Error>(self, id: &str) -> Result<RawRequirement, E> {
                Ok(RawRequirement::Node(id.to_string()))
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawRequirement, A::Error> {
                RawGroup::deserialize(MapAccessDeserializer::new(map)).map(RawRequirement::Group)
            }
        }
        deserializer.deserialize_any(Requirement)
    }
}

impl<'de> Deserialize<'de> for RawProfile {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Profile;
        impl<'de> Visitor<'de> for Profile {
            type Value = RawProfile;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"flat\", \"daytime\" or an array of 24 weights")
            }

            fn visit_str<E: de::Error>(self, name: &str) -> Result<RawProfile, E> {
                ProfileName::deserialize(name.into_deserializer()).map(RawProfile::Named)
            }

            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<RawProfile, A::Error> {
                Vec::<f64>::deserialize(SeqAccessDeserializer::new(seq)).map(RawProfile::Weights)
            }
        }
        deserializer.deserialize_any(Profile)
    }
}
