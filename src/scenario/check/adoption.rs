//! `[[adoption]]`: who holds which platform, and the order rules are drawn in (a rule's `given`
//! platform first).

use std::collections::HashMap;

use super::checker::Checker;
use super::nodes::NodeIds;
use crate::scenario::model::{Adoption, Segment};
use crate::scenario::raw::RawAdoption;

pub(super) fn rules(
    cx: &mut Checker<'_, '_>,
    raw: &[RawAdoption],
    ids: &NodeIds,
    segments: Option<&[Segment]>,
) -> Option<Vec<Adoption>> {
    let mut rules: Vec<Option<(usize, Adoption)>> = Vec::new();
    let mut by_platform: HashMap<usize, usize> = HashMap::new();
    for (index, rule) in raw.iter().enumerate() {
        let here = cx.element("adoption", index);
        let platform = ids.platform(cx, &here.key("platform"), &rule.platform);
        if let Some(platform) = platform {
            if by_platform.insert(platform, index).is_some() {
                cx.problem(
                    &here.key("platform"),
                    format!("\"{}\" has two adoption rules", rule.platform),
                    "give each platform one [[adoption]] rule (use a per-segment share for differences)",
                );
            }
        }
        let share = cx.per_segment(&here.key("share"), &rule.share, segments, |cx, path, v| {
            cx.share(path, v)
        });
        let given = match &rule.given {
            None => Some(None),
            Some(id) => {
                let given = ids.platform(cx, &here.key("given"), id);
                if given.is_some() && given == platform {
                    cx.problem(
                        &here.key("given"),
                        format!("\"{id}\" is given itself"),
                        "`given` names another platform that people must already hold",
                    );
                    None
                } else {
                    given.map(Some)
                }
            }
        };
        rules.push((|| {
            Some((
                index,
                Adoption {
                    platform: platform?,
                    share: share?,
                    given: given?,
                },
            ))
        })());
    }
    let rules: Vec<(usize, Adoption)> = rules.into_iter().collect::<Option<_>>()?;
    ordered(cx, rules, &by_platform)
}

/// The rules ordered so that each `given` is drawn before the rules that need it.
fn ordered(
    cx: &mut Checker<'_, '_>,
    rules: Vec<(usize, Adoption)>,
    by_platform: &HashMap<usize, usize>,
) -> Option<Vec<Adoption>> {
    let mut ordered: Vec<Adoption> = Vec::new();
    let mut placed: Vec<bool> = vec![false; rules.len()];
    let slot_of: HashMap<usize, usize> = rules
        .iter()
        .enumerate()
        .map(|(slot, (index, _))| (*index, slot))
        .collect();
    while ordered.len() < rules.len() {
        let before = ordered.len();
        for (slot, (_, rule)) in rules.iter().enumerate() {
            let ready = rule.given.is_none_or(|given| {
                by_platform
                    .get(&given)
                    .and_then(|index| slot_of.get(index))
                    .is_none_or(|&given_slot| placed[given_slot])
            });
            if !placed[slot] && ready {
                placed[slot] = true;
                ordered.push(rule.clone());
            }
        }
        if ordered.len() == before {
            let stuck = placed.iter().position(|p| !p).unwrap_or(0);
            let here = cx.element("adoption", rules[stuck].0);
            cx.problem(
                &here.key("given"),
                "adoption rules are given each other in a circle",
                "one platform of the circle must be adopted without `given`",
            );
            return None;
        }
    }
    Some(ordered)
}
