//! The serde mirror of the scenario file, one struct per TOML table. Unknown fields are refused
//! here; fields whose shape varies (distributions, per-segment numbers, `depends_on` items,
//! channels) stay raw TOML values so that validation can explain what is wrong with them.

use serde::Deserialize;
use toml::Value;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenarioFile {
    pub scenario: RawMeta,
    pub run: RawRun,
    pub population: RawPopulation,
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
    /// Checked and applied by `variants.rs` on the TOML document, not here.
    pub variants: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSocial {
    pub model: String,
    pub mean_degree: f64,
    pub rewire_probability: Option<f64>,
    pub homophily: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBehaviour {
    #[serde(default)]
    pub switching: Vec<RawSwitching>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSwitching {
    pub platform: String,
    #[serde(default)]
    pub base_rate_per_hour: f64,
    pub threshold: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMeta {
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
pub struct RawRun {
    pub horizon_hours: f64,
    #[serde(default = "default_replications")]
    pub replications: i64,
    #[serde(default)]
    pub seed: u64,
    pub agents: Option<i64>,
    #[serde(default = "default_step_minutes")]
    pub step_minutes: f64,
    #[serde(default)]
    pub start_hour: f64,
}

fn default_replications() -> i64 {
    100
}

fn default_step_minutes() -> f64 {
    60.0
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPopulation {
    pub size: i64,
    #[serde(default)]
    pub segments: Vec<RawSegment>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSegment {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub share: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNode {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub owner: String,
    #[serde(default)]
    pub depends_on: Vec<Value>,
    pub restore_hours: Option<Value>,
    pub ramp_hours: Option<Value>,
    #[serde(default)]
    pub installable: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAdoption {
    pub platform: String,
    pub share: Value,
    pub given: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawService {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub demand_per_day: Value,
    pub profile: Option<Value>,
    pub channels: Vec<Value>,
    #[serde(default)]
    pub pairwise: bool,
    #[serde(default)]
    pub value_per_unmet: f64,
    #[serde(default)]
    pub deferrable_hours: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEvent {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub fails: Vec<String>,
    pub at_hour: Option<Value>,
    pub duration_hours: Value,
    #[serde(default = "default_probability")]
    pub probability: f64,
}

fn default_probability() -> f64 {
    1.0
}
