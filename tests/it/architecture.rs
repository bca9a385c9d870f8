//! The shell's modules import one way: each only from the layers below it, so there is no import
//! cycle and a change to a lower module never has to know who calls it. docs/ARCHITECTURE.md's
//! module table is in this order; this test keeps the code to it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The shell's top-level modules, from the top (what drives) to the bottom (what everything may
/// use). A module may import any module of a later layer, none of its own or an earlier one.
const LAYERS: &[&[&str]] = &[
    &["repl"],
    &["play", "startup"],
    &["complete", "highlight"],
    &["eval"],
    &["render"],
    &["config"],
    &["session"],
    &["http"],
    &["oauth"],
    &["postman"],
    &["okta"],
    &["spec"],
    &["auth", "urls"],
    &["lang", "interrupt"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// The top-level module a file under `src/` belongs to: `src/eval/mask.rs` → `eval`.
fn module_of(relative: &Path) -> String {
    let first = relative
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// Every top-level module a source text names through `crate::`: `crate::http::Body`,
/// `use crate::{lang, okta}` and `crate::note!` (a macro of the crate root, not a module).
fn modules_named(source: &str) -> BTreeSet<String> {
    let mut named = BTreeSet::new();
    for (at, _) in source.match_indices("crate::") {
        let rest = &source[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            // The names at the group's own level: `{http::{Body, Headers}, lang}` → http, lang.
            let mut depth = 0;
            let mut at_name = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => at_name = true,
                    c if at_name && (c.is_ascii_alphanumeric() || c == '_') => {
                        named.insert(identifier(&group[i..]));
                        at_name = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name = identifier(rest);
            if !rest[name.len()..].starts_with('!') {
                named.insert(name);
            }
        }
    }
    named.retain(|name| !name.is_empty());
    named
}

fn identifier(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

fn source_files(dir: &Path, found: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn every_module_of_the_shell_imports_only_from_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    let mut upward = Vec::new();
    let mut unplaced = BTreeSet::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let module = module_of(relative);
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(own) = layer_of(&module) else {
            unplaced.insert(module);
            continue;
        };
        for named in modules_named(&std::fs::read_to_string(file).unwrap()) {
            if named == module {
                continue;
            }
            match layer_of(&named) {
                Some(layer) if layer > own => {}
                Some(_) => upward.push(format!("{} imports {named}", relative.display())),
                None => {
                    unplaced.insert(named);
                }
            }
        }
    }
    assert!(
        unplaced.is_empty(),
        "modules missing from LAYERS (place them, and in docs/ARCHITECTURE.md): {unplaced:?}"
    );
    assert!(
        upward.is_empty(),
        "imports against the layers:\n{}",
        upward.join("\n")
    );
}

/// The demo crate's modules (a folder counts as one module: `generic/`), each with the modules
/// of the crate it names outside its tests: `crate::X`, and `super::X` where `super` is the
/// crate root (`super::super::X` one folder down).
fn demo_imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("demo/src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    let mut imports: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let module = module_of(relative);
        let text = std::fs::read_to_string(file).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        let root = if relative.components().count() == 1 {
            "super::"
        } else {
            "super::super::"
        };
        let as_crate = code.replace(root, "crate::");
        let named = imports.entry(module.clone()).or_default();
        named.extend(
            modules_named(&as_crate)
                .into_iter()
                .filter(|m| *m != module),
        );
    }
    imports
}

/// A cycle in `imports`, as the modules along it, if there is one.
fn a_cycle(imports: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        module: &str,
        imports: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|m| m == module) {
            return Some(
                path[at..]
                    .iter()
                    .cloned()
                    .chain([module.to_string()])
                    .collect(),
            );
        }
        if done.contains(module) {
            return None;
        }
        path.push(module.to_string());
        for next in imports.get(module).into_iter().flatten() {
            if let Some(cycle) = visit(next, imports, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        done.insert(module.to_string());
        None
    }
    let mut done = BTreeSet::new();
    imports
        .keys()
        .find_map(|m| visit(m, imports, &mut Vec::new(), &mut done))
}

#[test]
fn the_demo_crate_has_no_import_cycle() {
    let imports = demo_imports();
    assert!(
        imports.contains_key("users") && imports["users"].contains("store"),
        "{imports:?}"
    );
    if let Some(cycle) = a_cycle(&imports) {
        panic!(
            "the demo's modules import in a circle: {}",
            cycle.join(" → ")
        );
    }
}

#[test]
fn a_cycle_is_found_and_a_chain_is_not_one() {
    let graph = |edges: &[(&str, &str)]| {
        let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (a, b) in edges {
            g.entry(a.to_string()).or_default().insert(b.to_string());
        }
        g
    };
    assert_eq!(a_cycle(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])), None);
    assert_eq!(
        a_cycle(&graph(&[("a", "b"), ("b", "c"), ("c", "b")])),
        Some(vec!["b".into(), "c".into(), "b".into()])
    );
}

#[test]
fn the_reader_of_imports_sees_groups_paths_and_skips_macros() {
    let named = modules_named("use crate::{lang, okta::{Columns, X}};\nlet x = crate::http::Body::Empty;\ncrate::note!(\"x\");");
    assert_eq!(
        named,
        BTreeSet::from(["http".into(), "lang".into(), "okta".into()])
    );
}

#[test]
fn a_module_placed_in_no_layer_or_an_upward_import_is_seen() {
    // The check above is only as good as what it reads: an upward import must be found.
    assert!(layer_of("lang") > layer_of("eval"));
    assert!(modules_named("use crate::repl::Repl;").contains("repl"));
    assert_eq!(layer_of("nonesuch"), None);
}
