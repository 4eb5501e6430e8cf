//! Turns the serde mirror into the checked [`Scenario`]: resolves ids to indices, checks every
//! number and distribution, refuses cycles, and locates each problem in the file.

use std::collections::{BTreeMap, HashMap};

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use toml::Value;

use super::distribution::Distribution;
use super::error::{LocationSuffix, ScenarioError};
use super::locate::{FieldPath, locate};
use super::model::{
    Adoption, Channel, Event, Layer, Meta, Node, OfflineChannel, RedundancyGroup, Requirement,
    RunSettings, Scenario, Segment, Service, Social, SocialModelKind, Switching,
};
use super::raw::{RawNode, RawScenarioFile};

/// Relative demand by hour of day for `profile = "daytime"`: quiet at night, a morning rise, a
/// flat working day and a long evening (people message, pay and travel until late).
const DAYTIME_PROFILE: [f64; 24] = [
    0.3, 0.2, 0.15, 0.15, 0.15, 0.3, 0.6, 1.0, 1.4, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5,
    1.5, 1.4, 1.3, 1.1, 0.8, 0.5,
];

/// Default number of simulated agents when the file gives none and the population is larger.
pub const DEFAULT_MAX_AGENTS: u64 = 1_000_000;

/// Platforms are held as bits of a `u64` per person.
pub const MAX_PLATFORMS: usize = 64;
/// A person's set of a pairwise service's platform channels is held as the bits of a `u16`.
pub const MAX_PAIRWISE_PLATFORM_CHANNELS: usize = 16;

type Result<T> = std::result::Result<T, ScenarioError>;

/// Parses and validates scenario `text` read from `file`.
///
/// # Errors
/// A [`ScenarioError`] naming the file, the line and column, the field, and how to fix it.
pub fn parse(text: &str, file: &str) -> Result<Scenario> {
    let checker = Checker { file, text };
    let raw = checker.deserialize()?;
    checker.scenario(raw)
}

struct Checker<'a> {
    file: &'a str,
    text: &'a str,
}

/// What kind of number a distribution stands for.
#[derive(Clone, Copy)]
enum Support {
    /// Durations and times: never negative.
    NonNegative,
}

impl Checker<'_> {
    fn deserialize(&self) -> Result<RawScenarioFile> {
        let deserializer =
            toml::de::Deserializer::parse(self.text).map_err(|error| ScenarioError::Syntax {
                file: self.file.to_string(),
                location: LocationSuffix(
                    error
                        .span()
                        .map(|span| super::error::Location::from_offset(self.text, span.start)),
                ),
                message: error.message().trim().to_string(),
            })?;
        serde_path_to_error::deserialize(deserializer).map_err(|error| {
            let field = error.path().to_string();
            let inner = error.into_inner();
            let location = inner
                .span()
                .map(|span| super::error::Location::from_offset(self.text, span.start));
            let message = inner.message().trim().to_string();
            let hint = if message.contains("unknown field") {
                "remove the field or fix its spelling; the valid names are listed above".to_string()
            } else if message.contains("missing field") {
                "add the field; SCENARIO-SPEC section 1 lists the required fields of each table"
                    .to_string()
            } else {
                "give the value the type SCENARIO-SPEC section 1 asks for (number, string, array, table)"
                    .to_string()
            };
            ScenarioError::Invalid {
                file: self.file.to_string(),
                location: LocationSuffix(location),
                field: if field == "." { "(top level)".to_string() } else { field },
                message,
                hint,
            }
        })
    }

    fn invalid(
        &self,
        path: &FieldPath,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> ScenarioError {
        ScenarioError::Invalid {
            file: self.file.to_string(),
            location: LocationSuffix(locate(self.text, path)),
            field: path.display(),
            message: message.into(),
            hint: hint.into(),
        }
    }

    fn scenario(&self, raw: RawScenarioFile) -> Result<Scenario> {
        let root = FieldPath::default();
        // Variants are edits of this file, applied by `variants::parse_variant`; here their
        // shape and paths are checked so that `check` and every command report a bad one.
        if raw.variants.is_some() {
            super::variants::variants(self.text, self.file)?;
        }
        let meta = self.meta(&raw)?;
        let population =
            self.positive_int(&root.key("population").key("size"), raw.population.size)?;
        let run = self.run(&raw, population)?;
        let segments = self.segments(&raw)?;
        let ids = self.node_ids(&raw)?;
        let nodes = self.nodes(&raw, &ids, &segments)?;
        self.refuse_cycles(&raw, &nodes)?;
        let adoption = self.adoption(&raw, &ids, &nodes, &segments)?;
        let services = self.services(&raw, &ids, &nodes, &segments)?;
        let events = self.events(&raw, &ids)?;
        let social = self.social(&raw, population.min(run.agents))?;
        self.pairwise_services(&raw, social.as_ref())?;
        let switching = self.switching(&raw, &ids, &nodes, social.as_ref())?;
        Ok(Scenario {
            file: self.file.to_string(),
            meta,
            run,
            population,
            segments,
            nodes,
            adoption,
            services,
            events,
            social,
            switching,
        })
    }

    fn social(&self, raw: &RawScenarioFile, agents: u64) -> Result<Option<Social>> {
        let Some(social) = &raw.social else {
            return Ok(None);
        };
        let path = FieldPath::default().key("social");
        let mean_degree = social.mean_degree;
        if !(mean_degree.is_finite() && mean_degree > 0.0) {
            return Err(self.invalid(
                &path.key("mean_degree"),
                format!("{mean_degree} is not a positive mean degree"),
                "give the mean number of contacts per person, e.g. mean_degree = 20",
            ));
        }
        if mean_degree >= agents as f64 {
            return Err(self.invalid(
                &path.key("mean_degree"),
                format!("mean degree {mean_degree} needs more than the {agents} agents simulated"),
                "use a mean degree below the number of agents (raise [run] agents)",
            ));
        }
        let unused = |field: &str, model: &str| {
            self.invalid(
                &path.key(field),
                format!("`{field}` does not apply to model = \"{model}\""),
                "remove it, or choose the model it belongs to",
            )
        };
        let model = match social.model.as_str() {
            "erdos_renyi" | "barabasi_albert" => {
                if social.rewire_probability.is_some() {
                    return Err(unused("rewire_probability", &social.model));
                }
                if social.homophily.is_some() {
                    return Err(unused("homophily", &social.model));
                }
                if social.model == "erdos_renyi" {
                    SocialModelKind::ErdosRenyi
                } else {
                    SocialModelKind::BarabasiAlbert
                }
            }
            "watts_strogatz" => {
                if social.homophily.is_some() {
                    return Err(unused("homophily", &social.model));
                }
                let rewire = social.rewire_probability.unwrap_or(0.1);
                SocialModelKind::WattsStrogatz {
                    rewire_probability: self.share(&path.key("rewire_probability"), rewire)?,
                }
            }
            "stochastic_block" => {
                if social.rewire_probability.is_some() {
                    return Err(unused("rewire_probability", &social.model));
                }
                let Some(homophily) = social.homophily else {
                    return Err(self.invalid(&path, "model = \"stochastic_block\" needs `homophily`", "give the share of a person's ties inside their own segment, e.g. homophily = 0.7"));
                };
                SocialModelKind::StochasticBlock {
                    homophily: self.share(&path.key("homophily"), homophily)?,
                }
            }
            other => {
                return Err(self.invalid(
                    &path.key("model"),
                    format!("unknown model \"{other}\""),
                    "use one of erdos_renyi, watts_strogatz, barabasi_albert, stochastic_block",
                ));
            }
        };
        Ok(Some(Social { model, mean_degree }))
    }

    /// A pairwise service needs contacts, and at most [`MAX_PAIRWISE_PLATFORM_CHANNELS`]
    /// platform channels.
    fn pairwise_services(&self, raw: &RawScenarioFile, social: Option<&Social>) -> Result<()> {
        // A person's set of a pairwise service's platform channels is 16 bits, and with
        // switching every combination of them is a class.
        for (index, service) in raw.services.iter().enumerate().filter(|(_, s)| s.pairwise) {
            let platforms = service
                .channels
                .iter()
                .filter(|c| c.get("platform").is_some())
                .count();
            if platforms > MAX_PAIRWISE_PLATFORM_CHANNELS {
                return Err(self.invalid(
                    &FieldPath::default()
                        .key("services")
                        .index(index)
                        .key("channels"),
                    format!(
                        "{platforms} platform channels; a pairwise service has at most {MAX_PAIRWISE_PLATFORM_CHANNELS}"
                    ),
                    "keep the messengers people really use; merge minor ones",
                ));
            }
        }
        if social.is_some() {
            return Ok(());
        }
        match raw.services.iter().position(|s| s.pairwise) {
            Some(index) => Err(self.invalid(
                &FieldPath::default()
                    .key("services")
                    .index(index)
                    .key("pairwise"),
                "a pairwise service sends needs to contacts, but the file has no [social] section",
                "add [social] with model and mean_degree, or set pairwise = false",
            )),
            None => Ok(()),
        }
    }

    fn switching(
        &self,
        raw: &RawScenarioFile,
        ids: &BTreeMap<String, usize>,
        nodes: &[Node],
        social: Option<&Social>,
    ) -> Result<Vec<Switching>> {
        let Some(behaviour) = &raw.behaviour else {
            return Ok(Vec::new());
        };
        let path = FieldPath::default().key("behaviour").key("switching");
        if !behaviour.switching.is_empty() && social.is_none() {
            return Err(self.invalid(
                &path,
                "switching follows contacts, but the file has no [social] section",
                "add [social] with model and mean_degree",
            ));
        }
        if !raw.services.iter().any(|s| s.pairwise) && !behaviour.switching.is_empty() {
            return Err(self.invalid(
                &path,
                "people switch when cut off from a pairwise service, but no service is pairwise",
                "set pairwise = true on the messaging service, or remove [[behaviour.switching]]",
            ));
        }
        let mut rules = Vec::new();
        for (index, rule) in behaviour.switching.iter().enumerate() {
            let here = path.index(index);
            let platform = self.platform_ref(&here.key("platform"), &rule.platform, ids, nodes)?;
            if !nodes[platform].installable {
                return Err(self.invalid(
                    &here.key("platform"),
                    format!("\"{}\" is not installable", rule.platform),
                    "set installable = true on the platform, or switch to another",
                ));
            }
            if rules.iter().any(|r: &Switching| r.platform == platform) {
                return Err(self.invalid(
                    &here.key("platform"),
                    format!("\"{}\" has two switching rules", rule.platform),
                    "give each platform one rule",
                ));
            }
            let base_rate_per_hour =
                self.non_negative(&here.key("base_rate_per_hour"), rule.base_rate_per_hour)?;
            let threshold = match &rule.threshold {
                None => None,
                Some(value) => {
                    let distribution =
                        self.distribution(&here.key("threshold"), value, Support::NonNegative)?;
                    Some(distribution)
                }
            };
            rules.push(Switching {
                platform,
                base_rate_per_hour,
                threshold,
            });
        }
        const MAX_SWITCHING: usize = 8;
        if rules.len() > MAX_SWITCHING {
            return Err(self.invalid(
                &path,
                format!(
                    "{} switching rules; concrisk follows at most {MAX_SWITCHING}",
                    rules.len()
                ),
                "keep the platforms people really switch to",
            ));
        }
        Ok(rules)
    }

    fn meta(&self, raw: &RawScenarioFile) -> Result<Meta> {
        let path = FieldPath::default().key("scenario");
        if raw.scenario.name.trim().is_empty() {
            return Err(self.invalid(
                &path.key("name"),
                "the name is empty",
                "give the scenario a title, e.g. name = \"Kakao fire 2022\"",
            ));
        }
        let value_of_time_per_hour = self.non_negative(
            &path.key("value_of_time_per_hour"),
            raw.scenario.value_of_time_per_hour,
        )?;
        Ok(Meta {
            name: raw.scenario.name.clone(),
            description: raw.scenario.description.clone(),
            region: raw.scenario.region.clone(),
            currency: raw.scenario.currency.clone(),
            value_of_time_per_hour,
            sources: raw.scenario.sources.clone(),
        })
    }

    fn run(&self, raw: &RawScenarioFile, population: u64) -> Result<RunSettings> {
        let path = FieldPath::default().key("run");
        let horizon_hours = raw.run.horizon_hours;
        if !(horizon_hours.is_finite() && horizon_hours > 0.0) {
            return Err(self.invalid(
                &path.key("horizon_hours"),
                format!("{horizon_hours} is not a positive number of hours"),
                "give the simulated time span in hours, e.g. horizon_hours = 72",
            ));
        }
        let replications = self.positive_int(&path.key("replications"), raw.run.replications)?;
        let replications = u32::try_from(replications).map_err(|_| {
            self.invalid(
                &path.key("replications"),
                format!("{replications} replications is more than concrisk can count"),
                "use at most 4294967295 replications",
            )
        })?;
        let agents = match raw.run.agents {
            Some(agents) => self.positive_int(&path.key("agents"), agents)?,
            None => population.min(DEFAULT_MAX_AGENTS),
        };
        if agents > u64::from(u32::MAX) {
            return Err(self.invalid(
                &path.key("agents"),
                format!("{agents} agents is more than concrisk numbers (4 294 967 295)"),
                "simulate fewer agents; each stands for population / agents people",
            ));
        }
        if agents > population {
            return Err(self.invalid(
                &path.key("agents"),
                format!("{agents} agents is more than the population of {population}"),
                "use at most population.size agents (each agent stands for size / agents people)",
            ));
        }
        let step_minutes = raw.run.step_minutes;
        if !(step_minutes.is_finite() && step_minutes > 0.0) {
            return Err(self.invalid(
                &path.key("step_minutes"),
                format!("{step_minutes} is not a positive number of minutes"),
                "give the time-series resolution in minutes, e.g. step_minutes = 60",
            ));
        }
        let start_hour = raw.run.start_hour;
        if !(0.0..24.0).contains(&start_hour) {
            return Err(self.invalid(
                &path.key("start_hour"),
                format!("{start_hour} is not an hour of the day"),
                "give the hour of day at which the run starts, in [0, 24), e.g. start_hour = 15",
            ));
        }
        Ok(RunSettings {
            horizon_hours,
            replications,
            seed: raw.run.seed,
            agents,
            step_minutes,
            start_hour,
        })
    }

    fn segments(&self, raw: &RawScenarioFile) -> Result<Vec<Segment>> {
        let path = FieldPath::default().key("population").key("segments");
        if raw.population.segments.is_empty() {
            return Ok(vec![Segment {
                id: "everyone".to_string(),
                name: "Everyone".to_string(),
                share: 1.0,
            }]);
        }
        let mut seen = HashMap::new();
        let mut segments = Vec::new();
        for (index, segment) in raw.population.segments.iter().enumerate() {
            let here = path.index(index);
            self.check_id(&here.key("id"), &segment.id)?;
            if seen.insert(segment.id.clone(), index).is_some() {
                return Err(self.invalid(
                    &here.key("id"),
                    format!("segment id \"{}\" appears twice", segment.id),
                    "give each segment its own id",
                ));
            }
            let share = self.share(&here.key("share"), segment.share)?;
            segments.push(Segment {
                id: segment.id.clone(),
                name: if segment.name.is_empty() {
                    segment.id.clone()
                } else {
                    segment.name.clone()
                },
                share,
            });
        }
        let total: f64 = segments.iter().map(|s| s.share).sum();
        if (total - 1.0).abs() > 1e-6 {
            let listing = segments
                .iter()
                .map(|s| format!("{} = {}", s.id, s.share))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(self.invalid(
                &path,
                format!("segment shares sum to {total}, not 1 ({listing})"),
                "make the shares of all segments add up to 1",
            ));
        }
        Ok(segments)
    }

    /// Maps every node id to its index (infrastructure first, then platforms) and checks that
    /// ids are unique across both tables.
    fn node_ids(&self, raw: &RawScenarioFile) -> Result<BTreeMap<String, usize>> {
        let mut ids = BTreeMap::new();
        for (index, (path, node)) in raw_nodes(raw).enumerate() {
            self.check_id(&path.key("id"), &node.id)?;
            if ids.insert(node.id.clone(), index).is_some() {
                return Err(self.invalid(
                    &path.key("id"),
                    format!("id \"{}\" is used twice", node.id),
                    "ids must be unique across [[infrastructure]] and [[platforms]]; rename one",
                ));
            }
        }
        let platforms = raw.platforms.len();
        if platforms > MAX_PLATFORMS {
            return Err(self.invalid(
                &FieldPath::default().key("platforms"),
                format!("{platforms} platforms; concrisk holds at most {MAX_PLATFORMS}"),
                "merge minor platforms into one, or model them as offline channels",
            ));
        }
        Ok(ids)
    }

    fn nodes(
        &self,
        raw: &RawScenarioFile,
        ids: &BTreeMap<String, usize>,
        _segments: &[Segment],
    ) -> Result<Vec<Node>> {
        let mut nodes = Vec::new();
        for (index, (path, node)) in raw_nodes(raw).enumerate() {
            let layer = if index < raw.infrastructure.len() {
                Layer::Infrastructure
            } else {
                Layer::Platform
            };
            let mut requires = Vec::new();
            for (item_index, item) in node.depends_on.iter().enumerate() {
                let item_path = path.key("depends_on").index(item_index);
                requires.push(self.requirement(&item_path, item, ids, &node.id)?);
            }
            let restore_hours = match &node.restore_hours {
                Some(value) => {
                    self.distribution(&path.key("restore_hours"), value, Support::NonNegative)?
                }
                None => Distribution::Fixed(0.0),
            };
            let ramp_hours = match &node.ramp_hours {
                Some(value) => {
                    self.distribution(&path.key("ramp_hours"), value, Support::NonNegative)?
                }
                None => Distribution::Fixed(0.0),
            };
            if node.installable && layer == Layer::Infrastructure {
                return Err(self.invalid(
                    &path.key("installable"),
                    "infrastructure cannot be installed by people",
                    "move the node to [[platforms]] or drop `installable`",
                ));
            }
            nodes.push(Node {
                id: node.id.clone(),
                name: if node.name.is_empty() {
                    node.id.clone()
                } else {
                    node.name.clone()
                },
                kind: node.kind.clone(),
                owner: node.owner.clone(),
                layer,
                requires,
                restore_hours,
                ramp_hours,
                installable: node.installable,
            });
        }
        Ok(nodes)
    }

    fn requirement(
        &self,
        path: &FieldPath,
        item: &Value,
        ids: &BTreeMap<String, usize>,
        own_id: &str,
    ) -> Result<Requirement> {
        match item {
            Value::String(id) => {
                let index = self.node_ref(path, id, ids)?;
                if id == own_id {
                    return Err(self.invalid(
                        path,
                        format!("\"{id}\" depends on itself (cycle: {id} → {id})"),
                        "remove the node from its own depends_on",
                    ));
                }
                Ok(Requirement::Node(index))
            }
            Value::Table(table) => {
                for key in table.keys() {
                    if !["any_of", "need", "failover_minutes", "failover_success"]
                        .contains(&key.as_str())
                    {
                        return Err(self.invalid(&path.key(key), format!("unknown field `{key}` in a redundancy group"), "a redundancy group has any_of, need, failover_minutes and failover_success"));
                    }
                }
                let members_path = path.key("any_of");
                let Some(Value::Array(members)) = table.get("any_of") else {
                    return Err(self.invalid(
                        &members_path,
                        "a redundancy group needs `any_of`, an array of ids",
                        "write { any_of = [\"dc_a\", \"dc_b\"], need = 1 }",
                    ));
                };
                if members.is_empty() {
                    return Err(self.invalid(
                        &members_path,
                        "`any_of` is empty",
                        "list the nodes that can stand in for each other",
                    ));
                }
                let mut indices = Vec::new();
                for (member_index, member) in members.iter().enumerate() {
                    let member_path = members_path.index(member_index);
                    let Value::String(id) = member else {
                        return Err(self.invalid(
                            &member_path,
                            "expected an id string",
                            "write the member's id in quotes",
                        ));
                    };
                    if id == own_id {
                        return Err(self.invalid(
                            &member_path,
                            format!("\"{id}\" depends on itself (cycle: {id} → {id})"),
                            "remove the node from its own redundancy group",
                        ));
                    }
                    indices.push(self.node_ref(&member_path, id, ids)?);
                }
                let need = match table.get("need") {
                    None => 1,
                    Some(value) => {
                        let need = self.integer(&path.key("need"), value)?;
                        if need < 1 || need as usize > indices.len() {
                            return Err(self.invalid(&path.key("need"), format!("need = {need} but the group has {} members", indices.len()), "need is how many members must be up: between 1 and the number of members"));
                        }
                        need as usize
                    }
                };
                let failover_minutes = match table.get("failover_minutes") {
                    None => 0.0,
                    Some(value) => self.non_negative(
                        &path.key("failover_minutes"),
                        self.number(&path.key("failover_minutes"), value)?,
                    )?,
                };
                let failover_success = match table.get("failover_success") {
                    None => 1.0,
                    Some(value) => self.share(
                        &path.key("failover_success"),
                        self.number(&path.key("failover_success"), value)?,
                    )?,
                };
                Ok(Requirement::Group(RedundancyGroup {
                    members: indices,
                    need,
                    failover_hours: failover_minutes / 60.0,
                    failover_success,
                }))
            }
            _ => Err(self.invalid(
                path,
                "expected an id or a redundancy group",
                "write \"node_id\" or { any_of = [\"a\", \"b\"], need = 1 }",
            )),
        }
    }

    fn refuse_cycles(&self, raw: &RawScenarioFile, nodes: &[Node]) -> Result<()> {
        let mut graph: DiGraph<usize, ()> = DiGraph::new();
        let handles: Vec<NodeIndex> = (0..nodes.len()).map(|i| graph.add_node(i)).collect();
        for (index, node) in nodes.iter().enumerate() {
            for requirement in &node.requires {
                match requirement {
                    Requirement::Node(dep) => {
                        graph.add_edge(handles[index], handles[*dep], ());
                    }
                    Requirement::Group(group) => {
                        for member in &group.members {
                            graph.add_edge(handles[index], handles[*member], ());
                        }
                    }
                }
            }
        }
        let Some(component) = tarjan_scc(&graph).into_iter().find(|scc| scc.len() > 1) else {
            return Ok(());
        };
        let cycle = cycle_within(&graph, &component);
        let names: Vec<&str> = cycle.iter().map(|n| nodes[graph[*n]].id.as_str()).collect();
        let first = graph[cycle[0]];
        let path = raw_nodes(raw)
            .nth(first)
            .map_or_else(FieldPath::default, |(path, _)| path.key("depends_on"));
        Err(self.invalid(&path, format!("depends_on has a cycle: {} → {}", names.join(" → "), names[0]), "a node cannot depend, directly or through others, on itself; remove one link of the cycle"))
    }

    fn adoption(
        &self,
        raw: &RawScenarioFile,
        ids: &BTreeMap<String, usize>,
        nodes: &[Node],
        segments: &[Segment],
    ) -> Result<Vec<Adoption>> {
        let path = FieldPath::default().key("adoption");
        let mut rules: Vec<(usize, Adoption)> = Vec::new();
        let mut by_platform: HashMap<usize, usize> = HashMap::new();
        for (index, rule) in raw.adoption.iter().enumerate() {
            let here = path.index(index);
            let platform = self.platform_ref(&here.key("platform"), &rule.platform, ids, nodes)?;
            if by_platform.insert(platform, index).is_some() {
                return Err(self.invalid(&here.key("platform"), format!("\"{}\" has two adoption rules", rule.platform), "give each platform one [[adoption]] rule (use a per-segment share for differences)"));
            }
            let share = self.per_segment(
                &here.key("share"),
                &rule.share,
                segments,
                |checker, path, value| checker.share(path, value),
            )?;
            let given = match &rule.given {
                None => None,
                Some(id) => {
                    let given = self.platform_ref(&here.key("given"), id, ids, nodes)?;
                    if given == platform {
                        return Err(self.invalid(
                            &here.key("given"),
                            format!("\"{id}\" is given itself"),
                            "`given` names another platform that people must already hold",
                        ));
                    }
                    Some(given)
                }
            };
            rules.push((
                index,
                Adoption {
                    platform,
                    share,
                    given,
                },
            ));
        }
        // Order rules so that each `given` is drawn before the rules that need it.
        let mut ordered: Vec<Adoption> = Vec::new();
        let mut placed: Vec<bool> = vec![false; rules.len()];
        while ordered.len() < rules.len() {
            let before = ordered.len();
            for (slot, (_, rule)) in rules.iter().enumerate() {
                let ready = rule.given.is_none_or(|given| {
                    by_platform
                        .get(&given)
                        .is_none_or(|&given_rule| placed[given_rule])
                });
                if !placed[slot] && ready {
                    placed[slot] = true;
                    ordered.push(rule.clone());
                }
            }
            if ordered.len() == before {
                let stuck = placed.iter().position(|p| !p).unwrap_or(0);
                return Err(self.invalid(
                    &path.index(rules[stuck].0).key("given"),
                    "adoption rules are given each other in a circle",
                    "one platform of the circle must be adopted without `given`",
                ));
            }
        }
        Ok(ordered)
    }

    fn services(
        &self,
        raw: &RawScenarioFile,
        ids: &BTreeMap<String, usize>,
        nodes: &[Node],
        segments: &[Segment],
    ) -> Result<Vec<Service>> {
        let path = FieldPath::default().key("services");
        let mut seen = HashMap::new();
        let mut services = Vec::new();
        for (index, service) in raw.services.iter().enumerate() {
            let here = path.index(index);
            self.check_id(&here.key("id"), &service.id)?;
            if seen.insert(service.id.clone(), index).is_some() {
                return Err(self.invalid(
                    &here.key("id"),
                    format!("service id \"{}\" appears twice", service.id),
                    "give each service its own id",
                ));
            }
            let demand_per_day = self.per_segment(
                &here.key("demand_per_day"),
                &service.demand_per_day,
                segments,
                |checker, path, value| checker.non_negative(path, value),
            )?;
            let profile = self.profile(&here.key("profile"), service.profile.as_ref())?;
            if service.channels.is_empty() {
                return Err(self.invalid(&here.key("channels"), "a service needs at least one channel", "list the ways people meet the need, e.g. channels = [{ platform = \"kakaotalk\" }, { offline = \"phone\" }]"));
            }
            // Channels are bits of a `u64` in the engine.
            if service.channels.len() > 64 {
                return Err(self.invalid(
                    &here.key("channels"),
                    format!(
                        "{} channels; a service has at most 64",
                        service.channels.len()
                    ),
                    "keep the channels people really use; merge minor ones",
                ));
            }
            let mut channels = Vec::new();
            for (channel_index, channel) in service.channels.iter().enumerate() {
                channels.push(self.channel(
                    &here.key("channels").index(channel_index),
                    channel,
                    ids,
                    nodes,
                    segments,
                )?);
            }
            services.push(Service {
                id: service.id.clone(),
                name: if service.name.is_empty() {
                    service.id.clone()
                } else {
                    service.name.clone()
                },
                demand_per_day,
                profile,
                channels,
                pairwise: service.pairwise,
                value_per_unmet: self
                    .non_negative(&here.key("value_per_unmet"), service.value_per_unmet)?,
                deferrable_hours: self
                    .non_negative(&here.key("deferrable_hours"), service.deferrable_hours)?,
            });
        }
        Ok(services)
    }

    fn channel(
        &self,
        path: &FieldPath,
        value: &Value,
        ids: &BTreeMap<String, usize>,
        nodes: &[Node],
        segments: &[Segment],
    ) -> Result<Channel> {
        let Value::Table(table) = value else {
            return Err(self.invalid(
                path,
                "expected a channel table",
                "write { platform = \"id\" } or { offline = \"name\", success = 0.9 }",
            ));
        };
        if let Some(platform) = table.get("platform") {
            if let Some(key) = table.keys().find(|k| k.as_str() != "platform") {
                return Err(self.invalid(&path.key(key), format!("unknown field `{key}` in a platform channel"), "a platform channel has only `platform`; success comes from the platform's capacity"));
            }
            let Value::String(id) = platform else {
                return Err(self.invalid(
                    &path.key("platform"),
                    "expected a platform id string",
                    "write { platform = \"kakaotalk\" }",
                ));
            };
            return Ok(Channel::Platform(self.platform_ref(
                &path.key("platform"),
                id,
                ids,
                nodes,
            )?));
        }
        let Some(Value::String(name)) = table.get("offline") else {
            return Err(self.invalid(
                path,
                "a channel needs `platform = \"id\"` or `offline = \"name\"`",
                "write { platform = \"kakaotalk\" } or { offline = \"cash\", success = 0.9 }",
            ));
        };
        for key in table.keys() {
            if ![
                "offline",
                "success",
                "extra_minutes",
                "capacity_per_hour",
                "segments",
            ]
            .contains(&key.as_str())
            {
                return Err(self.invalid(&path.key(key), format!("unknown field `{key}` in an offline channel"), "an offline channel has offline, success, extra_minutes, capacity_per_hour and segments"));
            }
        }
        let success = match table.get("success") {
            None => 1.0,
            Some(v) => self.share(&path.key("success"), self.number(&path.key("success"), v)?)?,
        };
        let extra_minutes = match table.get("extra_minutes") {
            None => 0.0,
            Some(v) => self.non_negative(
                &path.key("extra_minutes"),
                self.number(&path.key("extra_minutes"), v)?,
            )?,
        };
        let capacity_per_hour = match table.get("capacity_per_hour") {
            None => None,
            Some(v) => {
                let capacity = self.number(&path.key("capacity_per_hour"), v)?;
                if capacity <= 0.0 {
                    return Err(self.invalid(&path.key("capacity_per_hour"), format!("{capacity} is not a positive capacity"), "give the needs the channel can serve per hour across the whole population, or leave it out for unlimited"));
                }
                Some(capacity)
            }
        };
        let open_to = match table.get("segments") {
            None => vec![true; segments.len()],
            Some(Value::Array(list)) => {
                let mut open = vec![false; segments.len()];
                for (i, item) in list.iter().enumerate() {
                    let item_path = path.key("segments").index(i);
                    let Value::String(id) = item else {
                        return Err(self.invalid(
                            &item_path,
                            "expected a segment id string",
                            "list segment ids in quotes",
                        ));
                    };
                    let Some(position) = segments.iter().position(|s| &s.id == id) else {
                        return Err(self.invalid(
                            &item_path,
                            format!("unknown segment \"{id}\""),
                            format!("use one of: {}", segment_list(segments)),
                        ));
                    };
                    open[position] = true;
                }
                open
            }
            Some(_) => {
                return Err(self.invalid(
                    &path.key("segments"),
                    "expected an array of segment ids",
                    "write segments = [\"elderly\"]",
                ));
            }
        };
        Ok(Channel::Offline(OfflineChannel {
            name: name.clone(),
            success,
            extra_minutes,
            capacity_per_hour,
            open_to,
        }))
    }

    fn events(&self, raw: &RawScenarioFile, ids: &BTreeMap<String, usize>) -> Result<Vec<Event>> {
        let path = FieldPath::default().key("events");
        let mut seen = HashMap::new();
        let mut events = Vec::new();
        for (index, event) in raw.events.iter().enumerate() {
            let here = path.index(index);
            self.check_id(&here.key("id"), &event.id)?;
            if seen.insert(event.id.clone(), index).is_some() {
                return Err(self.invalid(
                    &here.key("id"),
                    format!("event id \"{}\" appears twice", event.id),
                    "give each event its own id",
                ));
            }
            if event.fails.is_empty() {
                return Err(self.invalid(
                    &here.key("fails"),
                    "the event fails nothing",
                    "list the ids the event holds down, e.g. fails = [\"pangyo_dc\"]",
                ));
            }
            let mut fails = Vec::new();
            for (i, id) in event.fails.iter().enumerate() {
                fails.push(self.node_ref(&here.key("fails").index(i), id, ids)?);
            }
            let at_hour = match &event.at_hour {
                Some(value) => {
                    self.distribution(&here.key("at_hour"), value, Support::NonNegative)?
                }
                None => Distribution::Fixed(0.0),
            };
            let duration_hours = self.distribution(
                &here.key("duration_hours"),
                &event.duration_hours,
                Support::NonNegative,
            )?;
            let probability = self.share(&here.key("probability"), event.probability)?;
            events.push(Event {
                id: event.id.clone(),
                name: if event.name.is_empty() {
                    event.id.clone()
                } else {
                    event.name.clone()
                },
                fails,
                at_hour,
                duration_hours,
                probability,
            });
        }
        Ok(events)
    }

    fn profile(&self, path: &FieldPath, value: Option<&Value>) -> Result<[f64; 24]> {
        let weights: [f64; 24] = match value {
            None => [1.0; 24],
            Some(Value::String(name)) if name == "flat" => [1.0; 24],
            Some(Value::String(name)) if name == "daytime" => DAYTIME_PROFILE,
            Some(Value::Array(items)) if items.len() == 24 => {
                let mut weights = [0.0; 24];
                for (hour, item) in items.iter().enumerate() {
                    weights[hour] = self.non_negative(&path.index(hour), self.number(&path.index(hour), item)?)?;
                }
                weights
            }
            Some(_) => return Err(self.invalid(path, "expected \"flat\", \"daytime\" or 24 weights", "write profile = \"daytime\" or an array of 24 non-negative numbers, one per hour from midnight")),
        };
        let mean = weights.iter().sum::<f64>() / 24.0;
        if mean <= 0.0 {
            return Err(self.invalid(
                path,
                "all 24 weights are zero",
                "give at least one hour a positive weight",
            ));
        }
        Ok(weights.map(|w| w / mean))
    }

    /// A distribution: a bare number (fixed) or a table with `dist`.
    fn distribution(
        &self,
        path: &FieldPath,
        value: &Value,
        support: Support,
    ) -> Result<Distribution> {
        let distribution = match value {
            Value::Integer(_) | Value::Float(_) => Distribution::Fixed(self.number(path, value)?),
            Value::Table(table) => {
                let Some(Value::String(kind)) = table.get("dist") else {
                    return Err(self.invalid(path, "a distribution table needs `dist`", DIST_HINT));
                };
                let allowed: &[&str] = match kind.as_str() {
                    "fixed" => &["value"],
                    "uniform" => &["min", "max"],
                    "triangular" => &["min", "mode", "max"],
                    "lognormal" => &["median", "p95"],
                    "exponential" => &["mean"],
                    "weibull" => &["shape", "scale"],
                    "empirical" => &["values"],
                    other => {
                        return Err(self.invalid(
                            &path.key("dist"),
                            format!("unknown distribution \"{other}\""),
                            DIST_HINT,
                        ));
                    }
                };
                for key in table.keys().filter(|k| k.as_str() != "dist") {
                    if !allowed.contains(&key.as_str()) {
                        return Err(self.invalid(
                            &path.key(key),
                            format!("`{key}` is not a parameter of dist = \"{kind}\""),
                            format!("\"{kind}\" takes: {}", allowed.join(", ")),
                        ));
                    }
                }
                let param = |name: &str| -> Result<f64> {
                    match table.get(name) {
                        Some(v) => self.number(&path.key(name), v),
                        None => Err(self.invalid(
                            path,
                            format!("dist = \"{kind}\" needs `{name}`"),
                            format!("\"{kind}\" takes: {}", allowed.join(", ")),
                        )),
                    }
                };
                match kind.as_str() {
                    "fixed" => Distribution::Fixed(param("value")?),
                    "uniform" => {
                        let (min, max) = (param("min")?, param("max")?);
                        if min > max {
                            return Err(self.invalid(
                                path,
                                format!("uniform min {min} is above max {max}"),
                                "swap them so that min ≤ max",
                            ));
                        }
                        Distribution::Uniform { min, max }
                    }
                    "triangular" => {
                        let (min, mode, max) = (param("min")?, param("mode")?, param("max")?);
                        if !(min <= mode && mode <= max) {
                            return Err(self.invalid(
                                path,
                                format!(
                                    "triangular needs min ≤ mode ≤ max, got {min}, {mode}, {max}"
                                ),
                                "order the three values",
                            ));
                        }
                        Distribution::Triangular { min, mode, max }
                    }
                    "lognormal" => {
                        let (median, p95) = (param("median")?, param("p95")?);
                        if median <= 0.0 || p95 <= median {
                            return Err(self.invalid(path, format!("lognormal needs p95 > median > 0, got median {median}, p95 {p95}"), "the p95 is the value exceeded in 1 case of 20: make it larger than the median"));
                        }
                        Distribution::lognormal_from_median_p95(median, p95)
                    }
                    "exponential" => {
                        let mean = param("mean")?;
                        if mean <= 0.0 {
                            return Err(self.invalid(
                                &path.key("mean"),
                                format!("exponential mean {mean} is not positive"),
                                "give a positive mean",
                            ));
                        }
                        Distribution::Exponential { mean }
                    }
                    "weibull" => {
                        let (shape, scale) = (param("shape")?, param("scale")?);
                        if shape <= 0.0 || scale <= 0.0 {
                            return Err(self.invalid(
                                path,
                                format!(
                                    "weibull needs shape > 0 and scale > 0, got {shape}, {scale}"
                                ),
                                "give positive shape and scale",
                            ));
                        }
                        Distribution::Weibull { shape, scale }
                    }
                    _ => {
                        let values_path = path.key("values");
                        let Some(Value::Array(items)) = table.get("values") else {
                            return Err(self.invalid(
                                path,
                                "dist = \"empirical\" needs `values`, an array of numbers",
                                "write { dist = \"empirical\", values = [2, 4, 9] }",
                            ));
                        };
                        if items.is_empty() {
                            return Err(self.invalid(
                                &values_path,
                                "`values` is empty",
                                "list at least one observed value",
                            ));
                        }
                        let mut values = Vec::new();
                        for (i, item) in items.iter().enumerate() {
                            values.push(self.number(&values_path.index(i), item)?);
                        }
                        Distribution::Empirical(values)
                    }
                }
            }
            _ => {
                return Err(self.invalid(
                    path,
                    "expected a number or a distribution table",
                    DIST_HINT,
                ));
            }
        };
        match support {
            Support::NonNegative if distribution.lower_bound() < 0.0 => Err(self.invalid(
                path,
                format!(
                    "this distribution can give negative hours (lowest value {})",
                    distribution.lower_bound()
                ),
                "times and durations cannot be negative: make the lower end 0 or more",
            )),
            Support::NonNegative => Ok(distribution),
        }
    }

    /// A per-segment number: bare, or `{ default = x, <segment> = y }`.
    fn per_segment(
        &self,
        path: &FieldPath,
        value: &Value,
        segments: &[Segment],
        check: impl Fn(&Self, &FieldPath, f64) -> Result<f64>,
    ) -> Result<Vec<f64>> {
        match value {
            Value::Integer(_) | Value::Float(_) => {
                let number = check(self, path, self.number(path, value)?)?;
                Ok(vec![number; segments.len()])
            }
            Value::Table(table) => {
                let default = match table.get("default") {
                    Some(v) => Some(check(
                        self,
                        &path.key("default"),
                        self.number(&path.key("default"), v)?,
                    )?),
                    None => None,
                };
                let mut values = vec![default; segments.len()];
                for (key, v) in table.iter().filter(|(k, _)| k.as_str() != "default") {
                    let Some(position) = segments.iter().position(|s| &s.id == key) else {
                        return Err(self.invalid(
                            &path.key(key),
                            format!("unknown segment \"{key}\""),
                            format!("use `default` or one of: {}", segment_list(segments)),
                        ));
                    };
                    values[position] = Some(check(
                        self,
                        &path.key(key),
                        self.number(&path.key(key), v)?,
                    )?);
                }
                values
                    .into_iter()
                    .zip(segments)
                    .map(|(v, segment)| {
                        v.ok_or_else(|| {
                            self.invalid(
                                path,
                                format!("no value for segment \"{}\" and no `default`", segment.id),
                                "add `default = ...` or a value for every segment",
                            )
                        })
                    })
                    .collect()
            }
            _ => Err(self.invalid(
                path,
                "expected a number or a per-segment table",
                "write 0.9 or { default = 0.9, elderly = 0.6 }",
            )),
        }
    }

    fn node_ref(&self, path: &FieldPath, id: &str, ids: &BTreeMap<String, usize>) -> Result<usize> {
        ids.get(id).copied().ok_or_else(|| {
            let known: Vec<&str> = ids.keys().map(String::as_str).collect();
            self.invalid(
                path,
                format!("unknown id \"{id}\""),
                format!(
                    "use an id of [[infrastructure]] or [[platforms]]: {}",
                    known.join(", ")
                ),
            )
        })
    }

    fn platform_ref(
        &self,
        path: &FieldPath,
        id: &str,
        ids: &BTreeMap<String, usize>,
        nodes: &[Node],
    ) -> Result<usize> {
        let platforms: Vec<&str> = nodes
            .iter()
            .filter(|n| n.layer == Layer::Platform)
            .map(|n| n.id.as_str())
            .collect();
        match ids.get(id) {
            Some(&index) if nodes[index].layer == Layer::Platform => Ok(index),
            Some(_) => Err(self.invalid(
                path,
                format!("\"{id}\" is infrastructure, not a platform"),
                format!("name one of the [[platforms]]: {}", platforms.join(", ")),
            )),
            None => Err(self.invalid(
                path,
                format!("unknown platform \"{id}\""),
                format!("name one of the [[platforms]]: {}", platforms.join(", ")),
            )),
        }
    }

    fn check_id(&self, path: &FieldPath, id: &str) -> Result<()> {
        let snake = !id.is_empty()
            && id.starts_with(|c: char| c.is_ascii_lowercase())
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if snake {
            Ok(())
        } else {
            Err(self.invalid(path, format!("id \"{id}\" is not snake_case"), "use lower-case letters, digits and underscores, starting with a letter, e.g. kakao_pay"))
        }
    }

    fn number(&self, path: &FieldPath, value: &Value) -> Result<f64> {
        match value {
            Value::Integer(i) => Ok(*i as f64),
            Value::Float(f) if f.is_finite() => Ok(*f),
            Value::Float(f) => Err(self.invalid(
                path,
                format!("{f} is not a finite number"),
                "give a finite number",
            )),
            other => Err(self.invalid(
                path,
                format!("expected a number, found {}", other.type_str()),
                "write a plain number such as 0.5",
            )),
        }
    }

    fn integer(&self, path: &FieldPath, value: &Value) -> Result<i64> {
        match value {
            Value::Integer(i) => Ok(*i),
            other => Err(self.invalid(
                path,
                format!("expected a whole number, found {}", other.type_str()),
                "write a whole number such as 1",
            )),
        }
    }

    fn positive_int(&self, path: &FieldPath, value: i64) -> Result<u64> {
        u64::try_from(value)
            .ok()
            .filter(|v| *v >= 1)
            .ok_or_else(|| {
                self.invalid(
                    path,
                    format!("{value} is not a whole number ≥ 1"),
                    "give a whole number of at least 1",
                )
            })
    }

    fn non_negative(&self, path: &FieldPath, value: f64) -> Result<f64> {
        if value.is_finite() && value >= 0.0 {
            Ok(value)
        } else {
            Err(self.invalid(
                path,
                format!("{value} is negative or not finite"),
                "give a number ≥ 0",
            ))
        }
    }

    fn share(&self, path: &FieldPath, value: f64) -> Result<f64> {
        if (0.0..=1.0).contains(&value) {
            Ok(value)
        } else {
            Err(self.invalid(
                path,
                format!("{value} is not a share in [0, 1]"),
                "shares and probabilities are between 0 and 1 (write 0.35 for 35 %)",
            ))
        }
    }
}

const DIST_HINT: &str = "write a number, or one of { dist = \"fixed\", value }, { dist = \"uniform\", min, max }, \
{ dist = \"triangular\", min, mode, max }, { dist = \"lognormal\", median, p95 }, { dist = \"exponential\", mean }, \
{ dist = \"weibull\", shape, scale }, { dist = \"empirical\", values = [..] }";

/// Infrastructure then platforms, with the path of each, in the order node indices are given.
fn raw_nodes(raw: &RawScenarioFile) -> impl Iterator<Item = (FieldPath, &RawNode)> {
    let root = FieldPath::default();
    let infrastructure = raw.infrastructure.iter().enumerate().map({
        let root = root.clone();
        move |(i, n)| (root.key("infrastructure").index(i), n)
    });
    let platforms = raw
        .platforms
        .iter()
        .enumerate()
        .map(move |(i, n)| (root.key("platforms").index(i), n));
    infrastructure.chain(platforms)
}

fn segment_list(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| s.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A cycle through the nodes of one strongly connected component, starting at its first node.
fn cycle_within(graph: &DiGraph<usize, ()>, component: &[NodeIndex]) -> Vec<NodeIndex> {
    let start = component[0];
    let mut path = vec![start];
    let mut visited = vec![start];
    let mut current = start;
    // Inside a strongly connected component every node has a successor in the component, so a
    // walk that prefers unvisited successors and stops at the first repeat finds a cycle.
    loop {
        let next = graph
            .neighbors(current)
            .filter(|n| component.contains(n))
            .min_by_key(|n| (visited.contains(n), n.index()));
        let Some(next) = next else { return path };
        if let Some(position) = path.iter().position(|n| *n == next) {
            return path.split_off(position);
        }
        visited.push(next);
        path.push(next);
        current = next;
    }
}
