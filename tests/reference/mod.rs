//! A deliberately plain reference engine: the model of ARCHITECTURE.md ("The model, precisely")
//! simulated agent by agent and tick by tick, contacts and switching included, for the
//! differential tests and as the baseline for speed. It shares nothing with `concrisk::engine`
//! but the checked scenario, the world (the same agents with the same platforms) and, for common
//! random numbers, the streams its events and nodes draw from (`concrisk::streams`, keyed as
//! ARCHITECTURE.md says): replication `r` of both engines has the same outages. Everything else
//! (needs, installs) it draws from its own stream, so those agree only in distribution.
//!
//! Discretisation: time runs in ticks of `dt` hours, each sampled at its middle (node states,
//! capacities, cut-off). Needs arrive at exact times (a Poisson count per agent and clock hour,
//! each at a uniform time in the hour) and are served with the capacities of the tick they fall
//! in. Offline congestion uses the expected attempts of the clock hour, as the model defines it
//! (mean-field); drawing acceptance from the realised attempts instead would move each hour's
//! acceptance by about 1/sqrt(attempts) and bias it near the kink of `min(1, ·)`, a difference of
//! the model, not of the engines.

mod contacts;
mod needs;
mod timeline;

use std::collections::BTreeMap;

use concrisk::streams::{Domain, key_of, stream};
use concrisk::world::World;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// Metric name → value for one replication, under the names of SCENARIO-SPEC section 3.
pub type Metrics = BTreeMap<String, f64>;

/// The number of whole ticks of `dt` in `hours`, refusing a `dt` that does not divide it: the
/// reference keeps clock hours and the horizon on tick boundaries.
fn whole_ticks(hours: f64, dt: f64, what: &str) -> usize {
    let ticks = (hours / dt).round();
    assert!(
        (ticks * dt - hours).abs() < 1e-9,
        "tick of {dt} h does not divide the {what} ({hours} h)"
    );
    ticks as usize
}

/// The reference's own stream for a replication: the seed and the replication mixed in turn
/// (SplitMix64), so that nearby pairs give unrelated streams.
fn rng_for(seed: u64, replication: u64) -> Xoshiro256PlusPlus {
    fn mix(mut z: u64) -> u64 {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    // A constant unlike any the engine uses, so the two engines never share a stream.
    Xoshiro256PlusPlus::seed_from_u64(mix(mix(seed ^ 0x5EED_0F5E) ^ replication))
}

/// The stream of the library for (`domain`, `id`) in `replication`: the reference draws its
/// events and each node's restores, ramps and failovers from the very streams the engine draws
/// them from, in the order ARCHITECTURE.md gives ("Events", "Nodes"), so that the two engines'
/// replications of one index share their outages (common random numbers). Each stream is still a
/// stream of independent uniforms, so a draw order that differed from the engine's would only
/// lose the pairing, never bias either engine.
fn shared_stream(
    scenario: &concrisk::scenario::Scenario,
    replication: u64,
    domain: Domain,
    id: &str,
) -> Xoshiro256PlusPlus {
    stream(scenario.run.seed, replication, domain, key_of(id))
}

/// One replication of the world's scenario in ticks of `dt` hours.
///
/// # Panics
/// When `dt` does not divide the horizon and the offset of the clock hours (`start_hour`).
pub fn replicate(world: &World, dt: f64, replication: u64) -> Metrics {
    let scenario = &world.scenario;
    let run = &scenario.run;
    let ticks = whole_ticks(run.horizon_hours, dt, "horizon");
    whole_ticks(run.start_hour.fract(), dt, "offset of clock hours");
    // A deferrable need may wait past the horizon for a cut-off to end, so the timeline runs on
    // for the longest wait.
    let longest_wait = scenario
        .services
        .iter()
        .map(|s| s.deferrable_hours)
        .fold(0.0, f64::max);
    let extended = ticks + (longest_wait / dt).ceil() as usize;
    let mut rng = rng_for(run.seed, replication);
    let timeline = timeline::simulate(scenario, dt, extended, replication);
    let social = contacts::simulate(world, &timeline, ticks, &mut rng);
    let agents = world.people.count();
    let mut union = needs::Union {
        cut: social
            .cut_off_from_any
            .iter()
            .take(ticks)
            .cloned()
            .chain(std::iter::repeat(vec![false; agents]))
            .take(ticks)
            .collect(),
        // Kept only where the union of stranded is counted: without pairwise services.
        spared: if scenario.services.iter().any(|s| s.pairwise) {
            Vec::new()
        } else {
            vec![vec![1.0; agents]; ticks]
        },
    };
    let damage: Vec<needs::ServiceDamage> = (0..scenario.services.len())
        .map(|s| needs::simulate(world, s, &timeline, &social, ticks, &mut rng, &mut union))
        .collect();
    let mut out = metrics(world, &damage, &social);
    // The union over services, each agent once: cut off from at least one service; stranded in
    // at least one, beyond the baseline (only without pairwise services, as the engine).
    let scale = scenario.scale();
    let pairwise = scenario.services.iter().filter(|s| s.pairwise).count();
    let starts = &world.people.segment_starts;
    let mut any = |family: &str, per_agent: &dyn Fn(usize, usize) -> f64| {
        let mut total = 0.0;
        for (g, segment) in scenario.segments.iter().enumerate() {
            let mut hours = 0.0;
            for k in 0..ticks {
                for agent in starts[g] as usize..starts[g + 1] as usize {
                    hours += per_agent(k, agent) * dt;
                }
            }
            out.insert(
                format!("{family}.any.by_segment.{}", segment.id),
                hours * scale,
            );
            total += hours * scale;
        }
        out.insert(format!("{family}.any"), total);
    };
    if pairwise <= 1 {
        any("person_hours_cut_off", &|k, agent| {
            f64::from(u8::from(union.cut[k][agent]))
        });
    }
    if pairwise == 0 {
        any("person_hours_stranded", &|k, agent| {
            1.0 - union.spared[k][agent]
        });
    }
    if pairwise <= 1 {
        // People ever cut off from at least one service, each once.
        let mut total = 0.0;
        for (g, segment) in scenario.segments.iter().enumerate() {
            let ever = (starts[g] as usize..starts[g + 1] as usize)
                .filter(|&agent| (0..ticks).any(|k| union.cut[k][agent]))
                .count() as f64
                * scale;
            out.insert(
                format!("people_ever_cut_off.any.by_segment.{}", segment.id),
                ever,
            );
            total += ever;
        }
        out.insert("people_ever_cut_off.any".to_string(), total);
    }
    out
}

/// Named metrics from the damage, scaled to the real population.
fn metrics(world: &World, damage: &[needs::ServiceDamage], social: &contacts::Social) -> Metrics {
    let scenario = &world.scenario;
    let scale = scenario.scale();
    let value_of_time = scenario.meta.value_of_time_per_hour;
    let segments = scenario.segments.len();
    let mut out = Metrics::new();
    // [segment] totals over services of the three by-segment families.
    let mut total_unmet = vec![0.0; segments];
    let mut total_cut_off = vec![0.0; segments];
    let mut total_stranded = vec![0.0; segments];
    let mut total_loss = vec![0.0; segments];
    for (service, d) in scenario.services.iter().zip(damage) {
        let s = &service.id;
        let loss: Vec<f64> = (0..segments)
            .map(|g| d.unmet[g] * service.value_per_unmet + d.extra_hours[g] * value_of_time)
            .collect();
        let sum = |v: &[f64]| v.iter().sum::<f64>() * scale;
        out.insert(format!("unmet_needs.{s}"), sum(&d.unmet));
        out.insert(format!("delayed_needs.{s}"), sum(&d.delayed));
        out.insert(format!("person_hours_cut_off.{s}"), sum(&d.cut_off_hours));
        out.insert(format!("people_ever_cut_off.{s}"), sum(&d.ever_cut_off));
        out.insert(format!("peak_cut_off_share.{s}"), d.peak_cut_off_share);
        out.insert(format!("person_hours_stranded.{s}"), sum(&d.stranded_hours));
        out.insert(format!("peak_stranded_share.{s}"), d.peak_stranded_share);
        out.insert(format!("extra_hours.{s}"), sum(&d.extra_hours));
        out.insert(format!("economic_loss.{s}"), sum(&loss));
        for (g, segment) in scenario.segments.iter().enumerate() {
            let by = |family: &str| format!("{family}.{s}.by_segment.{}", segment.id);
            out.insert(by("unmet_needs"), d.unmet[g] * scale);
            out.insert(by("person_hours_cut_off"), d.cut_off_hours[g] * scale);
            out.insert(by("people_ever_cut_off"), d.ever_cut_off[g] * scale);
            out.insert(by("person_hours_stranded"), d.stranded_hours[g] * scale);
            total_stranded[g] += d.stranded_hours[g] * scale;
            out.insert(by("economic_loss"), loss[g] * scale);
            total_unmet[g] += d.unmet[g] * scale;
            total_cut_off[g] += d.cut_off_hours[g] * scale;
            total_loss[g] += loss[g] * scale;
        }
    }
    for (service, pairwise) in scenario.services.iter().zip(&social.pairwise) {
        if let Some(pairwise) = pairwise {
            out.insert(
                format!("ties_cut_peak_share.{}", service.id),
                pairwise.ties_cut_peak_share,
            );
            out.insert(
                format!("reachable_min_share.{}", service.id),
                pairwise.reachable_min_share,
            );
        }
    }
    let population = scenario.population as f64;
    for (r, rule) in scenario.switching.iter().enumerate() {
        let p = &scenario.nodes[rule.platform].id;
        let (installs, before) = (social.installs[r] * scale, social.holders_before[r] * scale);
        out.insert(format!("installs.{p}"), installs);
        out.insert(format!("platform_share_before.{p}"), before / population);
        out.insert(
            format!("platform_share_after.{p}"),
            (before + installs) / population,
        );
    }
    for (family, by_segment) in [
        ("unmet_needs", &total_unmet),
        ("person_hours_cut_off", &total_cut_off),
        ("person_hours_stranded", &total_stranded),
        ("economic_loss", &total_loss),
    ] {
        out.insert(format!("{family}.total"), by_segment.iter().sum());
        for (g, segment) in scenario.segments.iter().enumerate() {
            out.insert(
                format!("{family}.total.by_segment.{}", segment.id),
                by_segment[g],
            );
        }
    }
    out
}
