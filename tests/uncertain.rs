//! `[[uncertain]]` in the format: entries read and checked (paths into per-segment numbers,
//! array items, offline channels, redundancy groups and distributions' parameters), each refusal
//! located at its line and column with the field and how to fix it, and an input's value written
//! in by `Document::variant_with_inputs`.

use concrisk::scenario::{Acts, Channel, Distribution, Document, Edit, Scenario, ScenarioError};

const FILE: &str = r#"[scenario]
name = "uncertain"
value_of_time_per_hour = 10

[run]
horizon_hours = 24

[population]
size = 1000
segments = [{ id = "young", share = 0.5 }, { id = "old", share = 0.5 }]

[[infrastructure]]
id = "dc"

[[infrastructure]]
id = "dc2"

[[platforms]]
id = "chat"
depends_on = [{ any_of = ["dc", "dc2"], failover_minutes = 5, failover_success = 0.9 }]

[[adoption]]
platform = "chat"
share = 0.8

[[services]]
id = "talk"
demand_per_day = { default = 2, old = 1 }
channels = [{ platform = "chat" }, { offline = "sms", success = 0.7 }]
value_per_unmet = 3

[[events]]
id = "fire"
fails = ["dc"]
at_hour = 1
duration_hours = { dist = "lognormal", median = 4, p95 = 9 }

[[variants]]
name = "sure_sms"
set = { "services.talk.channels.sms.success" = 0.99 }
"#;

/// `FILE` with `uncertain` appended.
fn with(uncertain: &str) -> String {
    format!("{FILE}\n{uncertain}")
}

fn scenario(text: &str) -> Result<Scenario, ScenarioError> {
    Document::parse(text, "u.toml")?.scenario(&[])
}

/// The one problem of `text`: (line, field, message, hint).
fn problem(text: &str) -> (usize, String, String, String) {
    let error = scenario(text)
        .err()
        .unwrap_or_else(|| panic!("accepted:\n{text}"));
    let problems = error.problems();
    assert_eq!(problems.len(), 1, "{error}");
    let p = &problems[0];
    let line = p.location.as_ref().map_or(0, |l| l.line);
    (line, p.field.clone(), p.message.clone(), p.hint.clone())
}

/// The line of `needle` in `text`, from 1.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| i + 1)
}

fn sms_success(scenario: &Scenario) -> f64 {
    match &scenario.services[0].channels[1] {
        Channel::Offline(sms) => sms.success,
        Channel::Platform(_) => panic!("the second channel is sms"),
    }
}

#[test]
fn entries_reach_every_kind_of_number_and_say_where_they_act() {
    let text = with(
        r#"[[uncertain]]
path = "scenario.value_of_time_per_hour"
value = { dist = "uniform", min = 5, max = 14 }
source = "a cited range"

[[uncertain]]
path = "adoption.chat.share.old"
value = { dist = "triangular", min = 0.5, mode = 0.7, max = 0.9 }
source = "assumed"

[[uncertain]]
path = "services.talk.channels.sms.success"
value = { dist = "uniform", min = 0.5, max = 0.9 }
source = "assumed"

[[uncertain]]
path = "platforms.chat.depends_on.dc2.failover_minutes"
value = { dist = "exponential", mean = 5 }
source = "assumed"

[[uncertain]]
path = "events.fire.duration_hours.median"
value = { dist = "uniform", min = 3, max = 5 }
source = "assumed"

[[uncertain]]
path = "services.talk.demand_per_day.old"
value = { dist = "empirical", values = [1, 2, 3] }
source = "assumed"
"#,
    );
    let scenario = scenario(&text).unwrap_or_else(|e| panic!("{e}"));
    let paths: Vec<(&str, Acts)> = scenario
        .uncertain
        .iter()
        .map(|u| (u.path.as_str(), u.acts))
        .collect();
    assert_eq!(
        paths,
        [
            ("scenario.value_of_time_per_hour", Acts::Valuation),
            ("adoption.chat.share.old", Acts::World),
            ("services.talk.channels.sms.success", Acts::Engine),
            (
                "platforms.chat.depends_on.dc2.failover_minutes",
                Acts::Engine
            ),
            ("events.fire.duration_hours.median", Acts::Engine),
            ("services.talk.demand_per_day.old", Acts::Engine),
        ]
    );
    assert_eq!(
        scenario.uncertain[0].distribution,
        Distribution::Uniform {
            min: 5.0,
            max: 14.0
        }
    );
    assert_eq!(scenario.uncertain[1].source, "assumed");
    // The value written at the path stays the central one.
    assert_eq!(sms_success(&scenario), 0.7);
    assert_eq!(scenario.meta.value_of_time_per_hour, 10.0);
}

#[test]
fn inputs_are_written_in_and_a_variant_decides_over_them() {
    let text = with(
        r#"[[uncertain]]
path = "services.talk.channels.sms.success"
value = { dist = "uniform", min = 0.5, max = 0.9 }
source = "assumed"
"#,
    );
    let document = Document::parse(&text, "u.toml").unwrap_or_else(|e| panic!("{e}"));
    let input = Edit::input("services.talk.channels.sms.success", 0.625);
    assert_eq!(
        input.origin,
        "[[uncertain]] services.talk.channels.sms.success = 0.625"
    );
    let drawn = document
        .variant_with_inputs(None, &[], std::slice::from_ref(&input))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sms_success(&drawn), 0.625);
    let decided = document
        .variant_with_inputs(Some("sure_sms"), &[], std::slice::from_ref(&input))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sms_success(&decided), 0.99);
    let flagged = document
        .variant_with_inputs(
            Some("sure_sms"),
            &[Edit::set(
                "services.talk.channels.sms.success",
                &toml::Value::Float(0.3),
            )],
            std::slice::from_ref(&input),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sms_success(&flagged), 0.3);
    // A value outside the field's range is located at the input.
    let error = document
        .variant_with_inputs(
            None,
            &[],
            &[Edit::input("services.talk.channels.sms.success", 1.5)],
        )
        .err()
        .unwrap_or_else(|| panic!("1.5 is not a share"));
    let p = &error.problems()[0];
    assert_eq!(
        p.origin.as_deref(),
        Some("[[uncertain]] services.talk.channels.sms.success = 1.5")
    );
    assert!(p.message.contains("not a share"), "{error}");
}

#[test]
fn an_unknown_path_is_named_with_what_exists() {
    let text = with(
        r#"[[uncertain]]
path = "services.talk.channels.fax.success"
value = { dist = "uniform", min = 0.5, max = 0.9 }
source = "assumed"
"#,
    );
    let (line, field, message, hint) = problem(&text);
    assert_eq!(line, line_of(&text, "channels.fax"));
    assert_eq!(field, "uncertain[0].path");
    assert!(message.contains("part 4, \"fax\""), "{message}");
    assert!(hint.contains("chat, sms"), "{hint}");
}

#[test]
fn a_path_given_twice_is_refused_at_the_second() {
    let entry = r#"[[uncertain]]
path = "adoption.chat.share"
value = { dist = "uniform", min = 0.5, max = 0.9 }
source = "assumed"
"#;
    let text = with(&format!("{entry}\n{entry}"));
    let (line, field, message, _) = problem(&text);
    assert_eq!(field, "uncertain[1].path");
    assert!(line > line_of(&text, "adoption.chat.share"), "{line}");
    assert!(message.contains("uncertain twice"), "{message}");
}

#[test]
fn only_numbers_written_in_the_file_can_be_uncertain() {
    let at = |path: &str| {
        with(&format!(
            "[[uncertain]]\npath = \"{path}\"\nvalue = {{ dist = \"uniform\", min = 1, max = 2 }}\nsource = \"assumed\"\n"
        ))
    };
    let (_, field, message, hint) = problem(&at("events.fire.duration_hours"));
    assert_eq!(field, "uncertain[0].path");
    assert!(message.contains("is table, not a number"), "{message}");
    assert!(hint.contains("events.fire.duration_hours.median"), "{hint}");
    let (_, _, message, _) = problem(&at("scenario.name"));
    assert!(message.contains("string, not a number"), "{message}");
    let (_, _, message, hint) = problem(&at("platforms.chat.restore_hours"));
    assert!(message.contains("gives no value"), "{message}");
    assert!(hint.contains("central value"), "{hint}");
    let (_, field, message, _) = problem(&at("scenario.value_of_time_per_hour.x"));
    assert_eq!(field, "uncertain[0].path");
    assert!(message.contains("has no parts"), "{message}");
    let (_, _, message, hint) = problem(&at("run.horizon_hours"));
    assert!(message.contains("a setting of the run"), "{message}");
    assert!(hint.contains("sweep"), "{hint}");
    // A whole-number field refuses the fractional values a distribution draws.
    let text = with(
        "[[uncertain]]\npath = \"population.size\"\nvalue = { dist = \"uniform\", min = 900, max = 1100 }\nsource = \"assumed\"\n",
    );
    let error = scenario(&text)
        .err()
        .unwrap_or_else(|| panic!("population.size is a whole number"));
    let ends: Vec<&str> = error
        .problems()
        .iter()
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(ends.len(), 2, "{error}");
    assert!(ends[0].starts_with("its lower end, 900.0"), "{error}");
    assert!(ends[1].contains("expected u64"), "{error}");
}

#[test]
fn a_fixed_value_and_an_empty_source_are_refused() {
    let text =
        with("[[uncertain]]\npath = \"adoption.chat.share\"\nvalue = 0.7\nsource = \"assumed\"\n");
    let (line, field, message, hint) = problem(&text);
    assert_eq!(
        (line, field.as_str()),
        (line_of(&text, "value = 0.7"), "uncertain[0].value")
    );
    assert!(message.contains("not uncertain"), "{message}");
    assert!(
        hint.contains("write the number at adoption.chat.share"),
        "{hint}"
    );
    let text = with(
        "[[uncertain]]\npath = \"adoption.chat.share\"\nvalue = { dist = \"fixed\", value = 0.7 }\nsource = \"assumed\"\n",
    );
    assert!(problem(&text).2.contains("not uncertain"));
    let text = with(
        "[[uncertain]]\npath = \"adoption.chat.share\"\nvalue = { dist = \"uniform\", min = 0.5, max = 0.9 }\nsource = \" \"\n",
    );
    let (_, field, _, hint) = problem(&text);
    assert_eq!(field, "uncertain[0].source");
    assert!(hint.contains("assumed"), "{hint}");
    let text = with(
        "[[uncertain]]\npath = \"adoption.chat.share\"\nvalue = { dist = \"uniform\", min = 0.5, max = 0.9 }\n",
    );
    assert!(problem(&text).2.contains("missing field `source`"));
}

#[test]
fn a_range_that_leaves_the_field_says_which_end() {
    let text = with(
        r#"[[uncertain]]
path = "adoption.chat.share.old"
value = { dist = "uniform", min = 0.5, max = 1.2 }
source = "assumed"
"#,
    );
    let (line, field, message, hint) = problem(&text);
    assert_eq!(line, line_of(&text, "max = 1.2"));
    assert_eq!(field, "uncertain[0].value");
    assert!(
        message.starts_with("its upper end, 1.2, does not fit adoption.chat.share.old"),
        "{message}"
    );
    assert!(message.contains("not a share"), "{message}");
    assert!(hint.contains("field's range"), "{hint}");
    // Unbounded above: the largest value a design can draw is tried.
    let text = with(
        r#"[[uncertain]]
path = "platforms.chat.depends_on.dc.failover_success"
value = { dist = "lognormal", median = 0.5, p95 = 0.8 }
source = "assumed"
"#,
    );
    let (_, _, message, _) = problem(&text);
    assert!(message.starts_with("its upper end"), "{message}");
    let text = with(
        r#"[[uncertain]]
path = "services.talk.value_per_unmet"
value = { dist = "uniform", min = -1, max = 4 }
source = "assumed"
"#,
    );
    let (_, _, message, _) = problem(&text);
    assert!(message.starts_with("its lower end, -1.0"), "{message}");
}
