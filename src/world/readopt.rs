//! A world for a scenario that differs from the world's own only in who holds which platform
//! (`adoption.*` inputs of a sensitivity study or a `run` over input samples): the contact graph
//! and the thresholds are kept — they are drawn from the seed, the segments' sizes, `[social]`
//! and the switching rules, none of which adoption touches — and only the people's platforms,
//! the pairwise sets and census and the classes are drawn again. The result equals
//! [`World::build`] of the same scenario, field for field.

use super::{People, World, WorldError};
use crate::observe::BuildObserver;
use crate::scenario::Scenario;

impl World {
    /// The world of `scenario`, reusing this one's contact graph and thresholds when `scenario`
    /// draws them the same (same seed, segment sizes, `[social]` and switching thresholds) and
    /// building it whole otherwise: either way the same world as [`World::build_observed`].
    ///
    /// # Errors
    /// [`WorldError`] when a whole build is needed and the contact graph cannot be drawn.
    ///
    /// # Complexity
    /// Kept graph: O(agents × adoption rules + ties) for the platforms and the pairwise census,
    /// without drawing the ties again (the contact graph is most of a world build).
    pub fn readopt(
        self,
        scenario: Scenario,
        observer: &dyn BuildObserver,
    ) -> Result<World, WorldError> {
        if !self.draws_like(&scenario) {
            drop(self);
            return World::build_observed(scenario, observer);
        }
        let World {
            platform_bit,
            people,
            contacts,
            thresholds,
            ..
        } = self;
        drop(people);
        let people = People::draw(&scenario, &platform_bit, observer);
        Ok(World::assemble(
            scenario,
            platform_bit,
            people,
            contacts,
            thresholds,
            observer,
        ))
    }

    /// The world of `scenario`: `previous` readopted when there is one (keeping its contact
    /// graph when `scenario` draws the same), else built whole.
    ///
    /// # Errors
    /// [`WorldError`] when the contact graph cannot be drawn.
    pub fn build_after(
        previous: Option<World>,
        scenario: Scenario,
        observer: &dyn BuildObserver,
    ) -> Result<World, WorldError> {
        match previous {
            Some(world) => world.readopt(scenario, observer),
            None => World::build_observed(scenario, observer),
        }
    }

    /// Whether `scenario` draws the same contact graph and thresholds as this world's.
    fn draws_like(&self, scenario: &Scenario) -> bool {
        let own = &self.scenario;
        let rule_thresholds = |s: &Scenario| {
            s.switching
                .iter()
                .map(|rule| (rule.platform, rule.threshold.clone()))
                .collect::<Vec<_>>()
        };
        own.run.seed == scenario.run.seed
            && own.nodes.len() == scenario.nodes.len()
            && own.agents_per_segment() == scenario.agents_per_segment()
            && own.social == scenario.social
            && rule_thresholds(own) == rule_thresholds(scenario)
    }
}

#[cfg(test)]
mod tests {
    use crate::observe::Silent;
    use crate::scenario;
    use crate::world::World;

    /// Two segments on a contact graph, a pairwise service, an ordinary one, a `given` rule and
    /// a threshold: every part of a world.
    const WORLD: &str = r#"
[scenario]
name = "readopt"
[run]
horizon_hours = 10
agents = 150000
seed = 11
[population]
size = 1000000
[[population.segments]]
id = "young"
share = 0.4
[[population.segments]]
id = "old"
share = 0.6
[social]
model = "erdos_renyi"
mean_degree = 6
[[platforms]]
id = "a"
[[platforms]]
id = "b"
installable = true
[[platforms]]
id = "pay"
[[adoption]]
platform = "a"
share = { default = 0.9, old = SHARE_A }
[[adoption]]
platform = "b"
share = 0.3
[[adoption]]
platform = "pay"
given = "a"
share = SHARE_PAY
[[services]]
id = "messaging"
pairwise = true
demand_per_day = 5
channels = [{ platform = "a" }, { offline = "sms" }, { platform = "b" }]
[[services]]
id = "payments"
demand_per_day = 1
channels = [{ platform = "pay" }, { offline = "cash" }]
[[behaviour.switching]]
platform = "b"
base_rate_per_hour = 0.02
threshold = { dist = "uniform", min = 0.2, max = 0.8 }
"#;

    fn world(share_a: &str, share_pay: &str, degree: &str) -> World {
        let text = WORLD
            .replace("SHARE_A", share_a)
            .replace("SHARE_PAY", share_pay)
            .replace("mean_degree = 6", &format!("mean_degree = {degree}"));
        let scenario = scenario::parse(&text, "readopt.toml")
            .unwrap_or_else(|e| panic!("valid scenario: {e}"));
        World::build(scenario).unwrap_or_else(|e| panic!("world builds: {e}"))
    }

    fn assert_same(got: &World, want: &World) {
        assert_eq!(got.platform_bit, want.platform_bit);
        assert_eq!(got.people.segment_starts, want.people.segment_starts);
        assert!(got.people.platforms == want.people.platforms, "platforms");
        assert_eq!(got.service_classes, want.service_classes);
        assert!(got.contacts == want.contacts, "contact graph");
        assert!(got.thresholds == want.thresholds, "thresholds");
        assert_eq!(got.pairwise.len(), want.pairwise.len());
        for (got, want) in got.pairwise.iter().zip(&want.pairwise) {
            let (Some(got), Some(want)) = (got, want) else {
                assert!(got.is_none() && want.is_none(), "same pairwise services");
                continue;
            };
            assert_eq!(got.platform_channels, want.platform_channels);
            assert!(got.sets == want.sets, "pairwise sets");
            assert_eq!(got.weights, want.weights);
            assert_eq!(got.reaches_normally, want.reaches_normally);
            assert_eq!(got.reaching_by_segment, want.reaching_by_segment);
            assert_eq!(got.working_ties, want.working_ties);
        }
    }

    /// New adoption shares on a kept graph give the world a whole build gives, and that world
    /// is not the old one (the shares did change who holds what).
    #[test]
    fn readopting_equals_building() {
        let before = world("0.5", "0.4", "6");
        let target = world("0.7", "0.25", "6");
        assert!(before.people.platforms != target.people.platforms);
        assert!(before.service_classes != target.service_classes);
        let readopted = before
            .readopt(target.scenario.clone(), &Silent)
            .unwrap_or_else(|e| panic!("readopts: {e}"));
        assert_same(&readopted, &target);
    }

    /// A scenario that draws another contact graph is built whole: still the same world.
    #[test]
    fn another_graph_is_built_whole() {
        let before = world("0.5", "0.4", "6");
        let target = world("0.7", "0.4", "8");
        assert!(before.contacts != target.contacts);
        let rebuilt = before
            .readopt(target.scenario.clone(), &Silent)
            .unwrap_or_else(|e| panic!("builds: {e}"));
        assert_same(&rebuilt, &target);
    }
}
