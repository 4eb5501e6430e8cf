//! Adoption draws keyed by what they draw: a rule's holders depend on its platform, its segment
//! and its own share, not on the other rules of the file or their order, and the drawn shares
//! match the rules within Monte Carlo error.

use concrisk::scenario;
use concrisk::world::World;

/// Two segments of unequal size, three platforms; `pay` is held only by `chat` holders.
const SEGMENTS_AND_PLATFORMS: &str = r#"
[scenario]
name = "adoption"
[run]
horizon_hours = 1
agents = 200000
seed = 11
[population]
size = 2000000
[[population.segments]]
id = "young"
share = 0.35
[[population.segments]]
id = "old"
share = 0.65
[[platforms]]
id = "chat"
[[platforms]]
id = "mail"
[[platforms]]
id = "pay"
"#;

const CHAT: &str = r#"
[[adoption]]
platform = "chat"
share = { default = 0.8, old = 0.55 }
"#;

const MAIL: &str = r#"
[[adoption]]
platform = "mail"
share = 0.3
"#;

const PAY: &str = r#"
[[adoption]]
platform = "pay"
given = "chat"
share = { default = 0.4, old = 0.1 }
"#;

/// A scenario holding `extra` (more tables) and then the adoption rules in the order given.
fn scenario_text(agents: u64, extra: &str, rules: &[&str]) -> String {
    let base = SEGMENTS_AND_PLATFORMS.replace("agents = 200000", &format!("agents = {agents}"));
    format!("{base}{extra}{}", rules.concat())
}

fn world(text: &str) -> World {
    let scenario =
        scenario::parse(text, "adoption.toml").unwrap_or_else(|e| panic!("valid scenario: {e}"));
    World::build(scenario).unwrap_or_else(|e| panic!("world builds: {e}"))
}

/// Whether each agent holds the platform `id`, found by id (not by bit, which may move).
fn holders(world: &World, id: &str) -> Vec<bool> {
    let node = world.scenario.nodes.iter().position(|n| n.id == id);
    let bit = node
        .and_then(|node| world.platform_bit[node])
        .unwrap_or_else(|| panic!("{id} is a platform"));
    world
        .people
        .platforms
        .iter()
        .map(|set| set >> bit & 1 == 1)
        .collect()
}

/// An unrelated platform with a rule of its own, and one held only by holders of `mail`,
/// appended to the file: every earlier platform's holders stay exactly the same, agent by agent.
#[test]
fn appending_unrelated_platforms_leaves_other_holders_unchanged() {
    let before = world(&scenario_text(200_000, "", &[CHAT, MAIL, PAY]));
    let appended = r#"
[[platforms]]
id = "video"
[[platforms]]
id = "backup"
"#;
    let rules = [
        CHAT,
        MAIL,
        PAY,
        "\n[[adoption]]\nplatform = \"video\"\nshare = 0.6\n",
        "\n[[adoption]]\nplatform = \"backup\"\ngiven = \"mail\"\nshare = 0.5\n",
    ];
    let after = world(&scenario_text(200_000, appended, &rules));
    for id in ["chat", "mail", "pay"] {
        assert!(holders(&before, id) == holders(&after, id), "{id} redrawn");
    }
    // The new rules drew something: they are not silently empty.
    assert!(holders(&after, "video").iter().any(|&h| h));
    assert!(holders(&after, "backup").iter().any(|&h| h));
}

/// The rules in another order in the file (`pay` before the `chat` it is given) give the same
/// holders; the checker puts `given` first whatever the file's order.
#[test]
fn reordering_rules_leaves_holders_unchanged() {
    let forward = world(&scenario_text(200_000, "", &[CHAT, MAIL, PAY]));
    let backward = world(&scenario_text(200_000, "", &[PAY, MAIL, CHAT]));
    let dropped = world(&scenario_text(200_000, "", &[PAY, CHAT]));
    for id in ["chat", "mail", "pay"] {
        assert!(holders(&forward, id) == holders(&backward, id), "{id}");
    }
    for id in ["chat", "pay"] {
        assert!(holders(&forward, id) == holders(&dropped, id), "{id}");
    }
}

/// Streams run per segment from its first agent: with more agents each segment's first agents
/// hold what they held (the agents of `old` move, their draws do not).
#[test]
fn a_segments_first_agents_keep_their_holdings_when_agents_grow() {
    let small = world(&scenario_text(100_000, "", &[CHAT, MAIL, PAY]));
    let large = world(&scenario_text(200_000, "", &[CHAT, MAIL, PAY]));
    let (s, l) = (&small.people.segment_starts, &large.people.segment_starts);
    for id in ["chat", "mail", "pay"] {
        let (hs, hl) = (holders(&small, id), holders(&large, id));
        for segment in 0..2 {
            let n = (s[segment + 1] - s[segment]) as usize;
            let (a, b) = (s[segment] as usize, l[segment] as usize);
            assert!(hs[a..a + n] == hl[b..b + n], "{id} in segment {segment}");
        }
    }
}

/// In each segment the share of holders among the eligible is Binomial(n, p) / n: within
/// 4 standard errors sqrt(p (1 − p) / n) of the rule's share (eligible: everyone, or the holders
/// of `given`). And `pay` is held by `chat` holders only.
#[test]
fn drawn_shares_match_the_rules() {
    let world = world(&scenario_text(200_000, "", &[CHAT, MAIL, PAY]));
    let (chat, mail, pay) = (
        holders(&world, "chat"),
        holders(&world, "mail"),
        holders(&world, "pay"),
    );
    let starts = &world.people.segment_starts;
    let check =
        |what: &str, segment: usize, eligible: &dyn Fn(usize) -> bool, held: &[bool], p: f64| {
            let agents = starts[segment] as usize..starts[segment + 1] as usize;
            let n = agents.clone().filter(|&a| eligible(a)).count() as f64;
            let k = agents.filter(|&a| eligible(a) && held[a]).count() as f64;
            let se = (p * (1.0 - p) / n).sqrt();
            assert!(
                (k / n - p).abs() < 4.0 * se,
                "{what} in segment {segment}: {} of {n} against {p} (SE {se})",
                k / n
            );
        };
    let everyone = |_: usize| true;
    let with_chat = |a: usize| chat[a];
    for (segment, (p_chat, p_pay)) in [(0.8, 0.4), (0.55, 0.1)].into_iter().enumerate() {
        check("chat", segment, &everyone, &chat, p_chat);
        check("mail", segment, &everyone, &mail, 0.3);
        check("pay", segment, &with_chat, &pay, p_pay);
    }
    assert!(
        (0..pay.len()).all(|a| !pay[a] || chat[a]),
        "pay without chat"
    );
}
