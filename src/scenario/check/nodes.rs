//! `[[infrastructure]]` and `[[platforms]]`: node ids, `depends_on` (plain requirements and
//! redundancy groups), restore and ramp times, and the dependency graph with its cycle check.

use std::collections::BTreeMap;

use super::checker::Checker;
use crate::scenario::distribution::Distribution;
use crate::scenario::graph::{DependencyGraph, DependencyKind};
use crate::scenario::locate::FieldPath;
use crate::scenario::model::{GroupMode, Layer, Node, RedundancyGroup, Requirement};
use crate::scenario::raw::{RawGroup, RawNode, RawRequirement};

/// Platforms are held as bits of a `u64` per person.
pub const MAX_PLATFORMS: usize = 64;

/// Every node id with its index (infrastructure first, then platforms) and layer.
pub(super) struct NodeIds {
    index: BTreeMap<String, usize>,
    layers: Vec<Layer>,
    /// The path in the file of each node.
    pub paths: Vec<FieldPath>,
}

impl NodeIds {
    pub fn of(
        cx: &mut Checker<'_, '_>,
        infrastructure: &[RawNode],
        platforms: &[RawNode],
    ) -> NodeIds {
        let mut ids = NodeIds {
            index: BTreeMap::new(),
            layers: Vec::new(),
            paths: Vec::new(),
        };
        let tables = [
            ("infrastructure", infrastructure, Layer::Infrastructure),
            ("platforms", platforms, Layer::Platform),
        ];
        for (section, nodes, layer) in tables {
            for (i, node) in nodes.iter().enumerate() {
                let path = cx.element(section, i);
                cx.id(&path.key("id"), &node.id);
                if ids
                    .index
                    .insert(node.id.clone(), ids.layers.len())
                    .is_some()
                {
                    cx.problem(
                        &path.key("id"),
                        format!("id \"{}\" is used twice", node.id),
                        "ids must be unique across [[infrastructure]] and [[platforms]]; rename one",
                    );
                }
                ids.layers.push(layer);
                ids.paths.push(path);
            }
        }
        if platforms.len() > MAX_PLATFORMS {
            cx.problem(
                &FieldPath::default().key("platforms"),
                format!(
                    "{} platforms; concrisk holds at most {MAX_PLATFORMS}",
                    platforms.len()
                ),
                "merge minor platforms into one, or model them as offline channels",
            );
        }
        ids
    }

    /// The ids of the platforms, for hints.
    fn platforms(&self) -> Vec<&str> {
        self.index
            .iter()
            .filter(|(_, i)| self.layers[**i] == Layer::Platform)
            .map(|(id, _)| id.as_str())
            .collect()
    }

    /// The index of node `id`, or `None` after recording that it is unknown.
    pub fn node(&self, cx: &mut Checker<'_, '_>, path: &FieldPath, id: &str) -> Option<usize> {
        if let Some(&index) = self.index.get(id) {
            return Some(index);
        }
        if !cx.set_aside(id) {
            let known: Vec<&str> = self.index.keys().map(String::as_str).collect();
            cx.problem(
                path,
                format!("unknown id \"{id}\""),
                format!(
                    "use an id of [[infrastructure]] or [[platforms]]: {}",
                    known.join(", ")
                ),
            );
        }
        None
    }

    /// The index of platform `id`, or `None` after recording why it is not one.
    pub fn platform(&self, cx: &mut Checker<'_, '_>, path: &FieldPath, id: &str) -> Option<usize> {
        let hint = || {
            format!(
                "name one of the [[platforms]]: {}",
                self.platforms().join(", ")
            )
        };
        match self.index.get(id) {
            Some(&index) if self.layers[index] == Layer::Platform => Some(index),
            Some(_) => {
                cx.problem(
                    path,
                    format!("\"{id}\" is infrastructure, not a platform"),
                    hint(),
                );
                None
            }
            None if cx.set_aside(id) => None,
            None => {
                cx.problem(path, format!("unknown platform \"{id}\""), hint());
                None
            }
        }
    }
}

/// The checked nodes, in index order.
pub(super) fn nodes(
    cx: &mut Checker<'_, '_>,
    infrastructure: &[RawNode],
    platforms: &[RawNode],
    ids: &NodeIds,
) -> Option<Vec<Node>> {
    let raw = infrastructure.iter().chain(platforms);
    let checked: Vec<Option<Node>> = raw
        .zip(&ids.paths)
        .zip(&ids.layers)
        .map(|((node, path), layer)| node_of(cx, node, path, *layer, ids))
        .collect();
    checked.into_iter().collect()
}

fn node_of(
    cx: &mut Checker<'_, '_>,
    node: &RawNode,
    path: &FieldPath,
    layer: Layer,
    ids: &NodeIds,
) -> Option<Node> {
    let mut requires = Vec::new();
    let mut ok = true;
    for (i, item) in node.depends_on.iter().enumerate() {
        let here = path.key("depends_on").index(i);
        match requirement(cx, &here, item, ids) {
            Some(requirement) => requires.push(requirement),
            None => ok = false,
        }
    }
    let hours = |cx: &mut Checker<'_, '_>, field: &str, raw| match raw {
        Some(raw) => cx.hours(&path.key(field), raw),
        None => Some(Distribution::Fixed(0.0)),
    };
    let restore_hours = hours(cx, "restore_hours", node.restore_hours.as_ref());
    let ramp_hours = hours(cx, "ramp_hours", node.ramp_hours.as_ref());
    if node.installable && layer == Layer::Infrastructure {
        cx.problem(
            &path.key("installable"),
            "infrastructure cannot be installed by people",
            "move the node to [[platforms]] or drop `installable`",
        );
        ok = false;
    }
    let named = |name: &str| {
        if name.is_empty() {
            node.id.clone()
        } else {
            name.to_string()
        }
    };
    Some(Node {
        id: node.id.clone(),
        name: named(&node.name),
        kind: node.kind.clone(),
        owner: node.owner.clone(),
        layer,
        requires: ok.then_some(requires)?,
        restore_hours: restore_hours?,
        ramp_hours: ramp_hours?,
        installable: node.installable,
    })
}

fn requirement(
    cx: &mut Checker<'_, '_>,
    path: &FieldPath,
    item: &RawRequirement,
    ids: &NodeIds,
) -> Option<Requirement> {
    match item {
        RawRequirement::Node(id) => ids.node(cx, path, id).map(Requirement::Node),
        RawRequirement::Group(group) => self::group(cx, path, group, ids).map(Requirement::Group),
    }
}

fn group(
    cx: &mut Checker<'_, '_>,
    path: &FieldPath,
    group: &RawGroup,
    ids: &NodeIds,
) -> Option<RedundancyGroup> {
    if let Some(id) = &group.id {
        cx.id(&path.key("id"), id)?;
    }
    let (members, mode) = match (&group.any_of, &group.primary, &group.standby) {
        (Some(any_of), None, None) => {
            if any_of.is_empty() {
                cx.problem(
                    &path.key("any_of"),
                    "`any_of` is empty",
                    "list the nodes that can stand in for each other",
                );
                return None;
            }
            (any_of_members(cx, path, any_of, ids), GroupMode::AnyOf)
        }
        (None, Some(primary), Some(standby)) => {
            let primary = ids.node(cx, &path.key("primary"), primary);
            let standby_index = ids.node(cx, &path.key("standby"), standby);
            if primary.is_some() && primary == standby_index {
                cx.problem(
                    &path.key("standby"),
                    format!("the standby \"{standby}\" is the primary itself"),
                    "name another node as the standby, one that takes over when the primary fails",
                );
                return None;
            }
            (
                primary.zip(standby_index).map(|(p, s)| vec![p, s]),
                GroupMode::Standby,
            )
        }
        (None, Some(_), None) => {
            cx.problem(
                &path.key("primary"),
                "a primary without a `standby`",
                "add `standby = \"id\"`, the node that takes over when the primary fails",
            );
            return None;
        }
        (None, None, Some(_)) => {
            cx.problem(
                &path.key("standby"),
                "a standby without a `primary`",
                "add `primary = \"id\"`, the node the standby takes over from",
            );
            return None;
        }
        (Some(_), _, _) => {
            cx.problem(
                path,
                "a group has either `any_of` or `primary` and `standby`, not both",
                "use `any_of` for members that stand in for each other, or `primary`/`standby` \
                 for a standby that serves only after the primary fails",
            );
            return None;
        }
        (None, None, None) => {
            cx.problem(
                path,
                "a redundancy group needs `any_of`, or `primary` and `standby`",
                "write { any_of = [\"dc_a\", \"dc_b\"] } or { primary = \"dc_a\", standby = \"dc_b\" }",
            );
            return None;
        }
    };
    let count = group.any_of.as_ref().map_or(2, Vec::len);
    let need = match (group.need, mode) {
        (None, _) => Some(1),
        (Some(need), GroupMode::Standby) => {
            cx.problem(
                &path.key("need"),
                format!("need = {need} in a primary/standby group"),
                "remove `need`: one of the primary and its standby serves at a time",
            );
            None
        }
        (Some(need), GroupMode::AnyOf) if need >= 1 && need as usize <= count => {
            Some(need as usize)
        }
        (Some(need), GroupMode::AnyOf) => {
            cx.problem(
                &path.key("need"),
                format!("need = {need} but the group has {count} members"),
                "need is how many members must be up: between 1 and the number of members",
            );
            None
        }
    };
    let failover_minutes = match group.failover_minutes {
        None => Some(0.0),
        Some(minutes) => cx.non_negative(&path.key("failover_minutes"), minutes),
    };
    let failover_success = match group.failover_success {
        None => Some(1.0),
        Some(success) => cx.share(&path.key("failover_success"), success),
    };
    Some(RedundancyGroup {
        members: members?,
        mode,
        need: need?,
        failover_hours: failover_minutes? / 60.0,
        failover_success: failover_success?,
    })
}

/// The node indices of a non-empty `any_of` list, or `None` after naming its unknown ids.
fn any_of_members(
    cx: &mut Checker<'_, '_>,
    path: &FieldPath,
    any_of: &[String],
    ids: &NodeIds,
) -> Option<Vec<usize>> {
    let members_path = path.key("any_of");
    let members: Vec<Option<usize>> = any_of
        .iter()
        .enumerate()
        .map(|(i, id)| ids.node(cx, &members_path.index(i), id))
        .collect();
    members.into_iter().collect()
}

/// The dependency graph of `nodes`, or `None` after naming its cycle at the `depends_on` of the
/// node the cycle is found at.
pub(super) fn graph(
    cx: &mut Checker<'_, '_>,
    nodes: &[Node],
    ids: &NodeIds,
) -> Option<DependencyGraph> {
    let edges = nodes.iter().enumerate().flat_map(|(node, spec)| {
        spec.requires.iter().enumerate().flat_map(
            move |(position, requirement)| match requirement {
                Requirement::Node(dependency) => {
                    vec![(*dependency, node, DependencyKind::Required)]
                }
                Requirement::Group(group) => group
                    .members
                    .iter()
                    .map(|&member| (member, node, DependencyKind::Redundant { group: position }))
                    .collect(),
            },
        )
    });
    match DependencyGraph::build(nodes.len(), edges) {
        Ok(graph) => Some(graph),
        Err(cycle) => {
            let names: Vec<&str> = cycle.iter().map(|&n| nodes[n].id.as_str()).collect();
            cx.problem(
                &ids.paths[cycle[0]].key("depends_on"),
                format!("depends_on has a cycle: {}", names.join(" → ")),
                "a node cannot depend, directly or through others, on itself; remove one link of the cycle",
            );
            None
        }
    }
}
