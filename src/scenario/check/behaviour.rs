//! `[[behaviour.switching]]`: people cut off from a pairwise service install a backup.

use super::checker::Checker;
use super::nodes::NodeIds;
use crate::scenario::locate::FieldPath;
use crate::scenario::model::{Node, Social, Switching};
use crate::scenario::raw::{RawBehaviour, RawService};

/// Rules beyond this many are refused (each one is followed through every slice).
const MAX_SWITCHING: usize = 8;

/// `social` as `social::social` returns it.
pub(super) fn switching(
    cx: &mut Checker<'_, '_>,
    raw: Option<RawBehaviour>,
    services: &[RawService],
    ids: &NodeIds,
    nodes: Option<&[Node]>,
    social: Option<Option<&Social>>,
) -> Option<Vec<Switching>> {
    let Some(behaviour) = raw else {
        return (!cx.aside.sections.contains("behaviour")).then(Vec::new);
    };
    let path = FieldPath::default().key("behaviour").key("switching");
    if behaviour.switching.is_empty() {
        return Some(Vec::new());
    }
    if social == Some(None) {
        cx.problem(
            &path,
            "switching follows contacts, but the file has no [social] section",
            "add [social] with model and mean_degree",
        );
    }
    if !services.iter().any(|s| s.pairwise) {
        cx.problem(
            &path,
            "people switch when cut off from a pairwise service, but no service is pairwise",
            "set pairwise = true on the messaging service, or remove [[behaviour.switching]]",
        );
    }
    if behaviour.switching.len() > MAX_SWITCHING {
        cx.problem(
            &path,
            format!(
                "{} switching rules; concrisk follows at most {MAX_SWITCHING}",
                behaviour.switching.len()
            ),
            "keep the platforms people really switch to",
        );
    }
    let mut rules: Vec<Option<Switching>> = Vec::new();
    for (index, rule) in behaviour.switching.iter().enumerate() {
        let here = path.index(index);
        let platform = ids.platform(cx, &here.key("platform"), &rule.platform);
        let platform = platform.and_then(|platform| {
            let node = nodes?.get(platform)?;
            if !node.installable {
                cx.problem(
                    &here.key("platform"),
                    format!("\"{}\" is not installable", rule.platform),
                    "set installable = true on the platform, or switch to another",
                );
                return None;
            }
            if rules.iter().flatten().any(|r| r.platform == platform) {
                cx.problem(
                    &here.key("platform"),
                    format!("\"{}\" has two switching rules", rule.platform),
                    "give each platform one rule",
                );
                return None;
            }
            Some(platform)
        });
        let base_rate_per_hour =
            cx.non_negative(&here.key("base_rate_per_hour"), rule.base_rate_per_hour);
        let threshold = match &rule.threshold {
            None => Some(None),
            Some(raw) => cx
                .non_negative_distribution(&here.key("threshold"), raw)
                .map(Some),
        };
        rules.push((|| {
            Some(Switching {
                platform: platform?,
                base_rate_per_hour: base_rate_per_hour?,
                threshold: threshold?,
            })
        })());
    }
    rules.into_iter().collect()
}
