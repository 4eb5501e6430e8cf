//! `[social]`: the contact graph's model and parameters, checked against the agents it will be
//! drawn on (by the generator's own rules, so that drawing it cannot fail), and what pairwise
//! services ask of it.

use super::checker::Checker;
use crate::contacts::ContactsError;
use crate::scenario::locate::FieldPath;
use crate::scenario::model::{Social, SocialModelKind};
use crate::scenario::raw::{RawChannel, RawService, RawSocial};

/// A person's set of a pairwise service's platform channels is held as the bits of a `u16`.
pub const MAX_PAIRWISE_PLATFORM_CHANNELS: usize = 16;

/// `None` when `[social]` could not be checked (its problem is recorded), `Some(None)` when the
/// file has none. `agents`: the agents of each segment (by id), when known.
pub(super) fn social(
    cx: &mut Checker<'_, '_>,
    raw: Option<RawSocial>,
    agents: Option<Vec<(String, u64)>>,
) -> Option<Option<Social>> {
    let path = FieldPath::default().key("social");
    let Some(raw) = raw else {
        return (!cx.aside.sections.contains("social")).then_some(None);
    };
    let (mean_degree, model) = match raw {
        RawSocial::ErdosRenyi { mean_degree } => (mean_degree, Some(SocialModelKind::ErdosRenyi)),
        RawSocial::BarabasiAlbert { mean_degree } => {
            (mean_degree, Some(SocialModelKind::BarabasiAlbert))
        }
        RawSocial::WattsStrogatz {
            mean_degree,
            rewire_probability,
        } => (
            mean_degree,
            cx.share(&path.key("rewire_probability"), rewire_probability)
                .map(|rewire_probability| SocialModelKind::WattsStrogatz { rewire_probability }),
        ),
        RawSocial::StochasticBlock {
            mean_degree,
            homophily,
        } => (
            mean_degree,
            cx.share(&path.key("homophily"), homophily)
                .map(|homophily| SocialModelKind::StochasticBlock { homophily }),
        ),
    };
    if !(mean_degree.is_finite() && mean_degree > 0.0) {
        cx.problem(
            &path.key("mean_degree"),
            format!("{mean_degree} is not a positive mean degree"),
            "give the mean number of contacts per person, e.g. mean_degree = 20",
        );
        return None;
    }
    let social = Social {
        model: model?,
        mean_degree,
    };
    let agents = agents?;
    let mut starts = vec![0u32];
    for (_, size) in &agents {
        let last = starts.last().copied().unwrap_or(0);
        starts.push(last.saturating_add(u32::try_from(*size).unwrap_or(u32::MAX)));
    }
    match social.model().validate(&starts) {
        Ok(()) => Some(Some(social)),
        Err(error) => {
            refuse(cx, &path, &social, &agents, error);
            None
        }
    }
}

/// Places the generator's reason for refusing the graph at the field the user can change.
fn refuse(
    cx: &mut Checker<'_, '_>,
    path: &FieldPath,
    social: &Social,
    agents: &[(String, u64)],
    error: ContactsError,
) {
    let c = social.mean_degree;
    let more_agents = "or simulate more agents ([run] agents, --agents)";
    match error {
        ContactsError::MeanDegreeTooLarge { people, .. } => cx.problem(
            &path.key("mean_degree"),
            format!("mean degree {c} needs more than the {people} agents simulated"),
            format!("use a mean degree below the number of agents, {more_agents}"),
        ),
        ContactsError::WattsStrogatzDegree { .. } => cx.problem(
            &path.key("mean_degree"),
            format!(
                "model = \"watts_strogatz\" ties each person to mean_degree / 2 neighbours on each side of a ring, so mean_degree must round to an even number ≥ 2, and {c} rounds to {}",
                c.round()
            ),
            "use an even mean degree such as 4, 10 or 20",
        ),
        ContactsError::BarabasiAlbertDegree { .. } => cx.problem(
            &path.key("mean_degree"),
            format!(
                "model = \"barabasi_albert\" gives each new person mean_degree / 2 ties to earlier ones, so mean_degree must be at least 2; got {c}"
            ),
            "use a mean degree of 2 or more",
        ),
        ContactsError::SegmentTooSmall {
            segment,
            people,
            inside_ties,
        } => cx.problem(
            &path.key("homophily"),
            format!(
                "segment \"{}\" has {people} agents, too few for the {inside_ties} ties per person that homophily × mean_degree puts inside it",
                agents.get(segment).map_or("?", |(id, _)| id.as_str())
            ),
            format!("lower homophily or mean_degree, {more_agents}"),
        ),
        ContactsError::OutsideTiesInfeasible { outside_ties } => cx.problem(
            &path.key("homophily"),
            format!(
                "the segments are too unequal for {outside_ties} ties per person outside their own segment"
            ),
            "raise homophily (more ties inside each segment) or lower mean_degree",
        ),
        ContactsError::InvalidProbability { name, value } => cx.problem(
            &path.key(name),
            format!("{value} is not a share in [0, 1]"),
            "give a probability between 0 and 1",
        ),
        other => cx.problem(path, other.to_string(), "change [social] or the agents simulated"),
    }
}

/// A pairwise service needs `[social]`, and at most [`MAX_PAIRWISE_PLATFORM_CHANNELS`]
/// platform channels. `social` as [`social`] returns it.
pub(super) fn pairwise(
    cx: &mut Checker<'_, '_>,
    services: &[RawService],
    social: Option<Option<&Social>>,
) {
    for (index, service) in services.iter().enumerate().filter(|(_, s)| s.pairwise) {
        let here = cx.element("services", index);
        // A person's set of a pairwise service's platform channels is 16 bits, and with
        // switching every combination of them is a class.
        let platforms = service
            .channels
            .iter()
            .filter(|c| matches!(c, RawChannel::Platform(_)))
            .count();
        if platforms > MAX_PAIRWISE_PLATFORM_CHANNELS {
            cx.problem(
                &here.key("channels"),
                format!(
                    "{platforms} platform channels; a pairwise service has at most {MAX_PAIRWISE_PLATFORM_CHANNELS}"
                ),
                "keep the messengers people really use; merge minor ones",
            );
        }
        if social == Some(None) {
            cx.problem(
                &here.key("pairwise"),
                "a pairwise service sends needs to contacts, but the file has no [social] section",
                "add [social] with model and mean_degree, or set pairwise = false",
            );
        }
    }
}
