//! The code's structure, checked from its text: every file of `src/` opens with a `//!` comment
//! saying what it owns; the top-level modules depend on each other without a cycle, and so do
//! the files inside each folder; and the stages that build a world (`scenario`, `world`,
//! `contacts`) never reach into the stages after them (`engine`, `results`, `report`, `cli`).
//!
//! Dependencies are read from the code (comments and strings left out): paths that start with
//! `crate::` or `super::`, in `use` declarations and inline. A name a folder's `mod.rs`
//! re-exports (`pub use model::Scenario`) counts as a dependency on the file that defines it.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Stages that build the world, and the stages after them they must not import.
const EARLY: [&str; 3] = ["scenario", "world", "contacts"];
const LATE: [&str; 4] = ["engine", "results", "report", "cli"];

/// A source file as a module path: `["scenario", "validate"]`; a folder's `mod.rs` is the
/// folder itself, `lib.rs` and `main.rs` the crate root `[]`.
type ModulePath = Vec<String>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap_or_else(|e| panic!("entry: {e}")).path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn module_of(src: &Path, file: &Path) -> ModulePath {
    let relative = file.strip_prefix(src).unwrap_or(file);
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap_or_default();
    let stem = last.trim_end_matches(".rs");
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_string());
    }
    parts
}

/// The text with comments, string and character literals blanked out, so that only code is
/// searched for paths.
fn code_only(text: &str) -> String {
    let bytes: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let next = bytes.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < bytes.len() && bytes[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < bytes.len() {
                if bytes[i] == '/' && bytes.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if bytes[i] == '*' && bytes.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && is_raw_string(&bytes, i) {
            let mut j = i + 1;
            let mut hashes = 0;
            while bytes.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            j += 1;
            while j < bytes.len() {
                if bytes[j] == '"' && (0..hashes).all(|h| bytes.get(j + 1 + h) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < bytes.len() && bytes[i] != '"' {
                if bytes[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && is_char_literal(&bytes, i) {
            i += 1;
            while i < bytes.len() && bytes[i] != '\'' {
                if bytes[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_raw_string(chars: &[char], at: usize) -> bool {
    let before_ok = at == 0 || !(chars[at - 1].is_alphanumeric() || chars[at - 1] == '_');
    let mut j = at + 1;
    while chars.get(j) == Some(&'#') {
        j += 1;
    }
    before_ok && chars.get(j) == Some(&'"')
}

/// `'a'`, `'\n'`, `'\u{1F600}'` — not a lifetime such as `'a` or `'static`.
fn is_char_literal(chars: &[char], at: usize) -> bool {
    match chars.get(at + 1) {
        Some('\\') => true,
        Some(_) => chars.get(at + 2) == Some(&'\''),
        None => false,
    }
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Every path after `crate::` or `super::` in `code`, expanded through `{…}` groups, as lists of
/// segments starting with `crate` or `super`.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let chars: Vec<char> = code.chars().collect();
    let mut paths = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_here = i == 0 || !(is_ident(chars[i - 1]) || chars[i - 1] == ':');
        if starts_here {
            for root in ["crate", "super"] {
                let word: Vec<char> = root.chars().collect();
                if chars[i..].starts_with(&word)
                    && chars.get(i + word.len()) == Some(&':')
                    && chars.get(i + word.len() + 1) == Some(&':')
                {
                    let mut prefix = vec![root.to_string()];
                    let mut j = i + word.len() + 2;
                    // `super::super::x`
                    while root == "super"
                        && chars[j..].starts_with(&['s', 'u', 'p', 'e', 'r', ':', ':'])
                    {
                        prefix.push("super".to_string());
                        j += 7;
                    }
                    let (mut found, end) = tree(&chars, j);
                    for path in &mut found {
                        let mut full = prefix.clone();
                        full.append(path);
                        paths.push(full);
                    }
                    i = end;
                }
            }
        }
        i += 1;
    }
    paths
}

/// Reads `a::b::{c, d::e}` from `at`: the paths it names and where it ends.
fn tree(chars: &[char], mut at: usize) -> (Vec<Vec<String>>, usize) {
    while chars.get(at).is_some_and(|c| c.is_whitespace()) {
        at += 1;
    }
    if chars.get(at) == Some(&'{') {
        let mut paths = Vec::new();
        at += 1;
        loop {
            while chars
                .get(at)
                .is_some_and(|c| c.is_whitespace() || *c == ',')
            {
                at += 1;
            }
            match chars.get(at) {
                None => return (paths, at),
                Some('}') => return (paths, at + 1),
                _ => {
                    let (found, end) = tree(chars, at);
                    paths.extend(found);
                    if end == at {
                        at += 1;
                    } else {
                        at = end;
                    }
                }
            }
        }
    }
    let start = at;
    while chars.get(at).is_some_and(|c| is_ident(*c)) {
        at += 1;
    }
    if at == start {
        return (vec![Vec::new()], at);
    }
    let segment: String = chars[start..at].iter().collect();
    if chars.get(at) == Some(&':') && chars.get(at + 1) == Some(&':') {
        let (rest, end) = tree(chars, at + 2);
        let paths = rest
            .into_iter()
            .map(|mut path| {
                path.insert(0, segment.clone());
                path
            })
            .collect();
        (paths, end)
    } else {
        (vec![vec![segment]], at)
    }
}

/// The parsed crate: each module's code and what its `pub use` lines re-export.
struct Crate {
    code: BTreeMap<ModulePath, String>,
    modules: BTreeSet<ModulePath>,
    /// For a folder module: re-exported name → the child module it comes from.
    reexports: BTreeMap<ModulePath, BTreeMap<String, String>>,
}

impl Crate {
    fn read() -> Crate {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        let mut code = BTreeMap::new();
        let mut reexports = BTreeMap::new();
        for file in &files {
            let module = module_of(&src, file);
            let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("{e}"));
            let only = code_only(&text);
            let mut names = BTreeMap::new();
            for line in only.lines() {
                let line = line.trim();
                let Some(rest) = line
                    .strip_prefix("pub use ")
                    .or_else(|| line.strip_prefix("pub(crate) use "))
                else {
                    continue;
                };
                // `pub use child::{A, B};` or `pub use child::A;` (one level is enough here)
                let chars: Vec<char> = rest.chars().collect();
                for path in tree(&chars, 0).0 {
                    if path.len() >= 2 && path[0] != "crate" && path[0] != "super" {
                        if let Some(last) = path.last() {
                            names.insert(last.clone(), path[0].clone());
                        }
                    }
                }
            }
            reexports.insert(module.clone(), names);
            code.insert(module, only);
        }
        let modules = code.keys().cloned().collect();
        Crate {
            code,
            modules,
            reexports,
        }
    }

    /// The module a path from `from` lands in: the deepest known module along it, with a
    /// folder's re-exported names followed to the child that defines them.
    fn target(&self, from: &ModulePath, path: &[String]) -> Option<ModulePath> {
        let mut segments = path.iter();
        let mut base: ModulePath = match segments.next().map(String::as_str) {
            Some("crate") => Vec::new(),
            Some("super") => {
                // `super` in a file is its parent module; in a folder's mod.rs it is the
                // folder's parent.
                let mut parent = from.clone();
                parent.pop();
                parent
            }
            _ => return None,
        };
        let mut rest: Vec<&String> = segments.collect();
        while rest.first().is_some_and(|s| s.as_str() == "super") {
            base.pop();
            rest.remove(0);
        }
        for segment in rest {
            let mut deeper = base.clone();
            deeper.push(segment.clone());
            if self.modules.contains(&deeper) {
                base = deeper;
                continue;
            }
            if let Some(child) = self.reexports.get(&base).and_then(|r| r.get(segment)) {
                let mut defined = base.clone();
                defined.push(child.clone());
                if self.modules.contains(&defined) {
                    base = defined;
                }
            }
            break;
        }
        Some(base)
    }

    /// Module → the modules it refers to (itself left out).
    fn dependencies(&self) -> BTreeMap<ModulePath, BTreeSet<ModulePath>> {
        self.code
            .iter()
            .map(|(module, code)| {
                let targets = paths_in(code)
                    .iter()
                    .filter_map(|path| self.target(module, path))
                    .filter(|target| target != module)
                    .collect();
                (module.clone(), targets)
            })
            .collect()
    }
}

/// A cycle in `edges`, if there is one, as the nodes along it.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        stack: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        state.insert(node.to_string(), 1);
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            match state.get(next.as_str()).copied().unwrap_or(0) {
                1 => {
                    let from = stack.iter().position(|n| n == next).unwrap_or(0);
                    let mut cycle = stack[from..].to_vec();
                    cycle.push(next.clone());
                    return Some(cycle);
                }
                0 => {
                    if let Some(cycle) = visit(next, edges, state, stack) {
                        return Some(cycle);
                    }
                }
                _ => {}
            }
        }
        stack.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in edges.keys() {
        if state.get(node).copied().unwrap_or(0) == 0 {
            let mut stack = Vec::new();
            if let Some(cycle) = visit(node, edges, &mut state, &mut stack) {
                return Some(cycle);
            }
        }
    }
    None
}

#[test]
fn every_source_file_says_what_it_owns() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let missing: Vec<String> = files
        .iter()
        .filter(|file| {
            let text = fs::read_to_string(file).unwrap_or_default();
            !text.trim_start().starts_with("//!")
        })
        .map(|file| file.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "files without a //! module comment: {missing:?}"
    );
}

#[test]
fn top_level_modules_have_no_import_cycle() {
    let krate = Crate::read();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (from, targets) in krate.dependencies() {
        let Some(top) = from.first() else { continue };
        for target in targets {
            if let Some(other) = target.first().filter(|other| *other != top) {
                edges.entry(top.clone()).or_default().insert(other.clone());
            }
        }
    }
    assert_eq!(
        find_cycle(&edges),
        None,
        "top-level modules import each other: {edges:#?}"
    );
}

#[test]
fn files_inside_a_folder_have_no_import_cycle() {
    let krate = Crate::read();
    let dependencies = krate.dependencies();
    let folders: BTreeSet<ModulePath> = krate
        .modules
        .iter()
        .filter(|m| !m.is_empty())
        .filter(|m| {
            krate
                .modules
                .iter()
                .any(|other| other.len() > m.len() && other.starts_with(m))
        })
        .cloned()
        .collect();
    let mut cycles = Vec::new();
    for folder in folders {
        // (The crate root's children are the top-level modules, checked above.)
        // Siblings: the folder's direct children; a dependency on anything below a child
        // counts as one on the child. The folder's own mod.rs is the parent, not a sibling.
        let child_of = |module: &ModulePath| -> Option<String> {
            (module.len() > folder.len() && module.starts_with(&folder))
                .then(|| module[folder.len()].clone())
        };
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (from, targets) in &dependencies {
            let Some(child) = child_of(from) else {
                continue;
            };
            for target in targets {
                if let Some(other) = child_of(target).filter(|other| *other != child) {
                    edges.entry(child.clone()).or_default().insert(other);
                }
            }
        }
        if let Some(cycle) = find_cycle(&edges) {
            cycles.push(format!("src/{}: {}", folder.join("/"), cycle.join(" → ")));
        }
    }
    assert!(
        cycles.is_empty(),
        "files inside a folder import each other: {cycles:#?}"
    );
}

#[test]
fn the_stages_that_build_a_world_do_not_import_later_stages() {
    let krate = Crate::read();
    let mut wrong = Vec::new();
    for (from, targets) in krate.dependencies() {
        let Some(top) = from.first() else { continue };
        if !EARLY.contains(&top.as_str()) {
            continue;
        }
        for target in targets {
            if target.first().is_some_and(|t| LATE.contains(&t.as_str())) {
                wrong.push(format!("{} → {}", from.join("::"), target.join("::")));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "early stages import later ones: {wrong:?}"
    );
}

#[test]
fn the_path_reader_follows_groups_supers_and_reexports() {
    let code = code_only(
        "use crate::{a::B, c::{d, e::F}};\n// crate::ignored::x\nlet s = \"crate::no::x\";\nfn f() { super::g::h(); crate::k::L::new() }",
    );
    let paths = paths_in(&code);
    let strings: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        strings,
        [
            "crate::a::B",
            "crate::c::d",
            "crate::c::e::F",
            "super::g::h",
            "crate::k::L::new"
        ]
    );
}
