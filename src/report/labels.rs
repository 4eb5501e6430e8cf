//! How the page names a metric: a table row's label from the summary's services, platforms and
//! segments ("Messaging — 65 and over", "Sum over services"), and a registry meaning as a
//! sentence.

use super::input::Summary;
use crate::results::registry::{self, Family, Scope};

/// A metric's row label: the service (or platform) name, "Total", and the segment if any.
pub(crate) fn row_label(s: &Summary, name: &str) -> String {
    let (family, subject, segment) = registry::split(name);
    let scope = registry::family_named(family).map(Family::scope);
    let service = |id: &str| s.services.iter().find(|x| x.id == id);
    let node = |id: &str| s.nodes.iter().find(|x| x.id == id);
    let subject = match (subject, scope) {
        (None, _) if name.contains('.') => "Sum over services".to_string(),
        (Some("any"), _) => "At least one service (each person once)".to_string(),
        (None, _) => name.to_string(),
        (Some(id), Some(Scope::SwitchedPlatform | Scope::Node)) => {
            node(id).map_or(id, |n| n.display_name()).to_string()
        }
        (Some(id), Some(Scope::Service | Scope::PairwiseService)) => {
            service(id).map_or(id, |x| x.display_name()).to_string()
        }
        (Some(id), None) => service(id)
            .map(|x| x.display_name())
            .or_else(|| node(id).map(|n| n.display_name()))
            .unwrap_or(id)
            .to_string(),
    };
    match segment {
        Some(seg) => {
            let name = s
                .segments
                .iter()
                .find(|x| x.id == seg)
                .map_or(seg, |x| x.display_name());
            format!("{subject} — {name}")
        }
        None => subject,
    }
}

/// A registry meaning as a sentence: its first letter upper-case.
pub(crate) fn sentence(meaning: &str) -> String {
    let mut chars = meaning.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}
