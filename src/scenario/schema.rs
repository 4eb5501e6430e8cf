//! The format reference kept true: a tracing deserializer walks the raw types and lists every
//! table and field the parser accepts, and a test fails when docs/scenario-format.md lacks one.
//!
//! The tracer answers a type's requests instead of a TOML document. A struct names its fields
//! when asked for (`deserialize_struct`); for everything else (tagged and untagged enums, the
//! number-or-table types) it offers a map with one unknown key, and serde's own errors name what
//! was expected: `unknown_field` lists a struct's fields (every variant's, for an untagged enum),
//! `missing_field` names an internal tag, `unknown_variant` the tag's values. A thread-local log
//! keeps what those errors said, since serde throws some of them away.

use std::cell::RefCell;
use std::fmt;

use serde::de::value::StrDeserializer;
use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

use super::raw::{RawScenarioFile, RawVariant};

/// A key no type has, to make structs list their fields.
const PROBE: &str = "\u{1}probe";

/// What serde's errors said while tracing.
#[derive(Debug, Clone, PartialEq)]
enum Said {
    Fields(&'static [&'static str]),
    Variants(&'static [&'static str]),
    Missing(&'static str),
}

thread_local! {
    static SAID: RefCell<Vec<Said>> = const { RefCell::new(Vec::new()) };
}

fn say(said: Said) {
    SAID.with(|log| log.borrow_mut().push(said));
}

fn take_said() -> Vec<Said> {
    SAID.with(|log| std::mem::take(&mut *log.borrow_mut()))
}

/// The error the tracer stops with.
#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("tracing stopped")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Stop
    }

    fn unknown_field(_: &str, expected: &'static [&'static str]) -> Self {
        say(Said::Fields(expected));
        Stop
    }

    fn unknown_variant(_: &str, expected: &'static [&'static str]) -> Self {
        say(Said::Variants(expected));
        Stop
    }

    fn missing_field(field: &'static str) -> Self {
        say(Said::Missing(field));
        Stop
    }
}

/// What a type turned out to be at one path.
#[derive(Debug, Clone, PartialEq)]
enum Shape {
    /// A table with these fields.
    Struct(&'static [&'static str]),
    /// A value read by `deserialize_any`, with what serde's errors said about it.
    Any(Vec<Said>),
    /// A number, string, boolean or free-form map.
    Leaf,
}

/// The deserializer the tracer hands a type: it walks `target` (field names; arrays and
/// options are passed through) and, at its end, records the shape asked for in `found`.
struct Probe<'a> {
    target: &'a [&'static str],
    found: &'a RefCell<Option<Shape>>,
    /// For `deserialize_any` at the end of the walk: the map offered.
    offer: &'a [(&'static str, Option<&'static str>)],
}

impl<'a> Probe<'a> {
    fn record(&self, shape: Shape) -> Stop {
        if self.target.is_empty() {
            *self.found.borrow_mut() = Some(shape);
        }
        Stop
    }
}

impl<'de> Deserializer<'de> for Probe<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        if !self.target.is_empty() {
            return Err(Stop);
        }
        // What serde's errors say is collected by `shape_of` once the type is done: an
        // internally tagged enum reads its variant only after this map is visited.
        take_said();
        *self.found.borrow_mut() = Some(Shape::Any(Vec::new()));
        visitor.visit_map(Offer {
            entries: self.offer,
            next: 0,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Stop> {
        let Some((first, rest)) = self.target.split_first() else {
            return Err(self.record(Shape::Struct(fields)));
        };
        visitor.visit_map(Descend {
            key: Some(first),
            value: Probe {
                target: rest,
                found: self.found,
                offer: self.offer,
            },
        })
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_some(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Stop> {
        visitor.visit_seq(Once(Some(self)))
    }

    fn deserialize_map<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(self.record(Shape::Leaf))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        Err(self.record(Shape::Any(vec![Said::Variants(variants)])))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(self.record(Shape::Leaf))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct tuple tuple_struct identifier
    }
}

/// The map a struct reads while the tracer walks into one of its fields.
struct Descend<'a> {
    key: Option<&'static str>,
    value: Probe<'a>,
}

impl<'de, 'a> MapAccess<'de> for Descend<'a> {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        match self.key.take() {
            Some(key) => seed
                .deserialize(StrDeserializer::<Stop>::new(key))
                .map(Some),
            None => Err(Stop),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stop> {
        let value = Probe {
            target: self.value.target,
            found: self.value.found,
            offer: self.value.offer,
        };
        seed.deserialize(value)
    }
}

/// An array of one element, for walking through `Vec`s.
struct Once<'a>(Option<Probe<'a>>);

impl<'de> SeqAccess<'de> for Once<'_> {
    type Error = Stop;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Stop> {
        match self.0.take() {
            Some(probe) => seed.deserialize(probe).map(Some),
            None => Ok(None),
        }
    }
}

/// The map offered to `deserialize_any`: keys with a string value, or with a value that is
/// nothing (`None`).
struct Offer<'a> {
    entries: &'a [(&'static str, Option<&'static str>)],
    next: usize,
}

impl<'de> MapAccess<'de> for Offer<'_> {
    type Error = Stop;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Stop> {
        let Some((key, _)) = self.entries.get(self.next) else {
            return Ok(None);
        };
        seed.deserialize(StrDeserializer::<Stop>::new(key))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Stop> {
        let (_, value) = self.entries[self.next];
        self.next += 1;
        match value {
            Some(text) => seed.deserialize(text.into_deserializer()),
            None => seed.deserialize(().into_deserializer()),
        }
    }
}

/// One table the parser accepts: where it is (dotted field names), the tag and variant that
/// select it, and its fields.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Table {
    pub path: String,
    pub tag: Option<(&'static str, &'static str)>,
    pub fields: Vec<&'static str>,
}

fn shape_of<'de, T: de::Deserialize<'de>>(
    target: &[&'static str],
    offer: &[(&'static str, Option<&'static str>)],
) -> Option<Shape> {
    let found = RefCell::new(None);
    let _ = T::deserialize(Probe {
        target,
        found: &found,
        offer,
    });
    match found.into_inner() {
        Some(Shape::Any(_)) => Some(Shape::Any(take_said())),
        other => other,
    }
}

/// Every table of `T`, walking down from `prefix`.
fn tables<'de, T: de::Deserialize<'de>>(prefix: &[&'static str], out: &mut Vec<Table>) {
    let path = prefix.join(".");
    match shape_of::<T>(prefix, &[(PROBE, None)]) {
        Some(Shape::Struct(fields)) => {
            out.push(Table {
                path,
                tag: None,
                fields: fields.to_vec(),
            });
            for field in fields {
                let mut deeper = prefix.to_vec();
                deeper.push(field);
                tables::<T>(&deeper, out);
            }
        }
        Some(Shape::Any(said)) => {
            let mut tags = said.iter().filter_map(|s| match s {
                Said::Missing(tag) => Some(*tag),
                _ => None,
            });
            if let Some(tag) = tags.next() {
                tagged::<T>(prefix, tag, out);
            }
            for said in &said {
                if let Said::Fields(fields) = said {
                    out.push(Table {
                        path: path.clone(),
                        tag: None,
                        fields: fields.to_vec(),
                    });
                }
            }
        }
        Some(Shape::Leaf) | None => {}
    }
}

/// The variants of an internally tagged table at `prefix`, each with its fields.
fn tagged<'de, T: de::Deserialize<'de>>(
    prefix: &[&'static str],
    tag: &'static str,
    out: &mut Vec<Table>,
) {
    let Some(Shape::Any(said)) = shape_of::<T>(prefix, &[(tag, Some(PROBE))]) else {
        return;
    };
    let variants = said.iter().find_map(|s| match s {
        Said::Variants(variants) => Some(*variants),
        _ => None,
    });
    for variant in variants.unwrap_or(&[]) {
        let offer = [(tag, Some(*variant)), (PROBE, None)];
        let Some(Shape::Any(said)) = shape_of::<T>(prefix, &offer) else {
            continue;
        };
        let fields = said.iter().find_map(|s| match s {
            Said::Fields(fields) => Some(fields.to_vec()),
            _ => None,
        });
        out.push(Table {
            path: prefix.join("."),
            tag: Some((tag, variant)),
            fields: fields.unwrap_or_default(),
        });
    }
}

/// Every table of the format: the file's sections and `[[variants]]`.
pub(super) fn format() -> Vec<Table> {
    let mut out = Vec::new();
    tables::<RawScenarioFile>(&[], &mut out);
    let mut variants = Vec::new();
    tables::<RawVariant>(&[], &mut variants);
    for mut table in variants {
        table.path = if table.path.is_empty() {
            "variants".to_string()
        } else {
            format!("variants.{}", table.path)
        };
        out.push(table);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The section of `doc` under the first heading that names `path` (as `[path]`,
    /// `[[path]]`, or its last part in backticks), up to the next heading as high.
    fn section<'d>(doc: &'d str, path: &str) -> Option<&'d str> {
        let last = path.rsplit('.').next().unwrap_or(path);
        let names = [
            format!("`[{path}]`"),
            format!("`[[{path}]]`"),
            format!("`{last}`"),
        ];
        let mut start = None;
        let mut level = 0;
        let mut offset = 0;
        for line in doc.split_inclusive('\n') {
            let hashes = line.chars().take_while(|&c| c == '#').count();
            if hashes > 0 && line[hashes..].starts_with(' ') {
                if let Some(from) = start {
                    if hashes <= level {
                        return Some(&doc[from..offset]);
                    }
                } else if names.iter().any(|n| line.contains(n.as_str())) {
                    start = Some(offset);
                    level = hashes;
                }
            }
            offset += line.len();
        }
        start.map(|from| &doc[from..])
    }

    #[test]
    fn the_tracer_sees_every_kind_of_table() {
        let tables = format();
        let find = |path: &str, tag: Option<&str>| {
            tables
                .iter()
                .find(|t| t.path == path && t.tag.map(|(_, v)| v) == tag)
                .map(|t| t.fields.clone())
                .unwrap_or_else(|| panic!("{path} {tag:?} not traced: {tables:#?}"))
        };
        assert!(find("run", None).contains(&"horizon_hours"));
        assert!(find("population.segments", None).contains(&"share"));
        assert!(find("platforms.depends_on", None).contains(&"failover_success"));
        assert!(find("platforms.restore_hours", Some("lognormal")).contains(&"p95"));
        let social = find("social", Some("watts_strogatz"));
        assert!(
            social.contains(&"rewire_probability"),
            "{social:?} {tables:#?}"
        );
        assert!(find("behaviour.switching", None).contains(&"base_rate_per_hour"));
        assert!(find("variants", None).contains(&"set"));
        let channels: Vec<&Table> = tables
            .iter()
            .filter(|t| t.path == "services.channels")
            .collect();
        assert_eq!(
            channels.len(),
            2,
            "platform and offline channels: {channels:?}"
        );
    }

    /// Issue 10: every field the parser accepts is documented in docs/scenario-format.md, in
    /// the section of its table; a distribution's parameters in the section on `dist`.
    #[test]
    fn every_accepted_field_is_in_the_format_reference() {
        let doc = include_str!("../../docs/scenario-format.md");
        let mut missing = Vec::new();
        for table in format() {
            if table.path.is_empty() {
                continue;
            }
            let place = match table.tag {
                Some(("dist", _)) => "dist".to_string(),
                _ => table.path.clone(),
            };
            let Some(text) = section(doc, &place) else {
                missing.push(format!("a section for `{place}`"));
                continue;
            };
            if let Some((tag, variant)) = table.tag {
                let named = [format!("`{variant}`"), format!("\"{variant}\"")];
                if !named.iter().any(|name| text.contains(name.as_str())) {
                    missing.push(format!(
                        "{tag} = \"{variant}\" in the section for `{place}`"
                    ));
                }
            }
            for field in &table.fields {
                if !text.contains(&format!("`{field}`")) {
                    missing.push(format!("`{field}` in the section for `{place}`"));
                }
            }
        }
        missing.dedup();
        assert!(
            missing.is_empty(),
            "docs/scenario-format.md lacks:\n  {}",
            missing.join("\n  ")
        );
    }
}
