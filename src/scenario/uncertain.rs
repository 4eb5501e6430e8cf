//! `[[uncertain]]`: an input whose value we do not know, given as a distribution over the number
//! at an edit path. The number written at the path stays the central value (`run --central`);
//! a design draws the input's values from the distribution and writes each into the scenario
//! with [`super::Edit::input`]. Checked in `check/uncertain.rs`.

use super::distribution::Distribution;

/// One checked `[[uncertain]]` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertain {
    /// The edit path of the number, as written (`adoption.kakaotalk.share.elderly`).
    pub path: String,
    /// The distribution of its value (never `Fixed`), its support inside the field's range.
    pub distribution: Distribution,
    /// Where the range comes from, or `"assumed"`.
    pub source: String,
    /// What a change of the input changes, from its path.
    pub acts: Acts,
}

/// Where an uncertain input acts, which says what a new value of it costs.
///
/// The rule, by the path's parts:
/// - `Valuation`: fields that only price counts the engine has made, so a new value re-prices
///   them without simulating: `scenario.value_of_time_per_hour` and
///   `services.<s>.value_per_unmet` (the two prices of `economic_loss` in results/registry.rs),
///   `economics.*` (the discounting of `annual`) and `events.<e>.rate_per_year` (read only by
///   `annual`, which draws its own rates: a run's counts do not change with it).
/// - `World`: what is read when the world is built (src/world/): `population.*` (the segments'
///   shares), `adoption.*` (who holds which platform), `social.*` (the contact graph) and
///   `behaviour.switching.<p>.threshold.*` (each person's threshold is drawn with the world).
/// - `Engine`: everything else (events, durations, restore and ramp times, failovers, demand,
///   channels' success, extra minutes and capacities, switching rates): the world is reused and
///   the replications run again. (`[run]` settings are refused as inputs by the checks.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acts {
    /// Prices counts only: re-price, no simulation.
    Valuation,
    /// Read by the engine: same world, replications again.
    Engine,
    /// Read when the world is built: a world of its own.
    World,
}

impl Acts {
    /// Where the input at edit path `path` acts (the rule of [`Acts`]).
    pub fn of(path: &str) -> Acts {
        let parts: Vec<&str> = path.split('.').collect();
        match parts.as_slice() {
            ["scenario", "value_of_time_per_hour"]
            | ["services", _, "value_per_unmet"]
            | ["economics", ..]
            | ["events", _, "rate_per_year"] => Acts::Valuation,
            ["population" | "adoption" | "social", ..]
            | ["behaviour", "switching", _, "threshold", ..] => Acts::World,
            _ => Acts::Engine,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acts_follows_the_path() {
        assert_eq!(Acts::of("scenario.value_of_time_per_hour"), Acts::Valuation);
        assert_eq!(Acts::of("services.chat.value_per_unmet"), Acts::Valuation);
        assert_eq!(Acts::of("economics.discount_rate"), Acts::Valuation);
        assert_eq!(Acts::of("events.fire.rate_per_year"), Acts::Valuation);
        assert_eq!(Acts::of("adoption.kakaotalk.share.elderly"), Acts::World);
        assert_eq!(Acts::of("population.segments.old.share"), Acts::World);
        assert_eq!(Acts::of("social.mean_degree"), Acts::World);
        assert_eq!(
            Acts::of("behaviour.switching.line.threshold.median"),
            Acts::World
        );
        assert_eq!(
            Acts::of("behaviour.switching.line.base_rate_per_hour"),
            Acts::Engine
        );
        assert_eq!(Acts::of("events.fire.duration_hours.median"), Acts::Engine);
        assert_eq!(Acts::of("services.chat.channels.sms.success"), Acts::Engine);
        assert_eq!(
            Acts::of("platforms.a.depends_on.dc.failover_minutes"),
            Acts::Engine
        );
    }
}
