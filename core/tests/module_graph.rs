//! The core's modules depend on each other one way only: no import cycle
//! between top-level modules (ARCHITECTURE.md, "Invariants"). A structural
//! check over the source text: each module's files (`src/X.rs`, `src/X/**`)
//! are read, comments dropped, and every `crate::NAME` (also inside
//! `crate::{...}`, and names the crate root re-exports) counts as an edge.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn without_comments(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            // A `//` inside a string (a URL) is rare enough; the rest of that
            // line is then skipped, which can only hide an edge, never add one.
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level names after `crate::{` up to the matching `}`.
fn group_names(rest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut word, mut at_start) = (0usize, String::new(), true);
    for c in rest.chars() {
        match c {
            '{' => {
                depth += 1;
                at_start = false;
            }
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => at_start = true,
            c if c.is_alphanumeric() || c == '_' => {
                if at_start {
                    word.push(c);
                }
            }
            _ => {
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
                if !c.is_whitespace() {
                    at_start = false;
                }
            }
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// Every name `text` reaches through `crate::`.
fn crate_names(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in text.match_indices("crate::") {
        let before = text[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `panelist_crate::`, not ours
        }
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            out.extend(group_names(group));
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            out.push(name);
        }
    }
    out
}

fn files_of(module: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let single = src().join(format!("{module}.rs"));
    if single.exists() {
        files.push(single);
    }
    let mut dirs = vec![src().join(module)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.push(p);
            }
        }
    }
    files
}

/// The graph of the core's top-level modules, from lib.rs and the sources.
fn module_graph() -> Graph {
    let lib = without_comments(&std::fs::read_to_string(src().join("lib.rs")).unwrap());
    let mut modules = BTreeSet::new();
    // Names the crate root re-exports (`pub use error::{Error, Result};`).
    let mut alias: BTreeMap<String, String> = BTreeMap::new();
    for line in lib.lines().map(str::trim) {
        if let Some(m) = line
            .strip_prefix("pub mod ")
            .or_else(|| line.strip_prefix("mod "))
        {
            modules.insert(m.trim_end_matches(';').trim().to_string());
        } else if let Some(u) = line.strip_prefix("pub use ") {
            let (module, names) = u.split_once("::").unwrap();
            for n in names.trim_end_matches(';').split([',', '{', '}']) {
                let n = n.trim();
                if !n.is_empty() {
                    alias.insert(n.to_string(), module.to_string());
                }
            }
        }
    }
    let mut graph = Graph::new();
    for m in &modules {
        let files = files_of(m);
        assert!(!files.is_empty(), "no source file for module {m}");
        let mut deps = BTreeSet::new();
        for f in files {
            let text = without_comments(&std::fs::read_to_string(&f).unwrap());
            for name in crate_names(&text) {
                let target = alias.get(&name).cloned().unwrap_or(name);
                if modules.contains(&target) && &target != m {
                    deps.insert(target);
                }
            }
        }
        graph.insert(m.clone(), deps);
    }
    graph
}

/// A cycle in `graph` (as the path that closes it), if there is one.
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &Graph,
        done: &mut BTreeSet<String>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == node) {
            let mut cycle = path[i..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(c) = visit(next, graph, done, path) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut done, &mut Vec::new()))
}

#[test]
fn the_core_modules_have_no_import_cycle() {
    let graph = module_graph();
    // The check sees real edges (a parser that finds none would pass).
    assert!(graph["sync"].contains("storage"), "{graph:?}");
    assert!(graph["sync"].contains("wire"), "{graph:?}");
    assert!(graph["committee"].contains("report"), "{graph:?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("import cycle between core modules: {}", cycle.join(" → "));
    }
}

#[test]
fn the_checker_finds_cycles_and_parses_groups() {
    assert_eq!(
        crate_names("use crate::{a::{B, C}, d, e::F};\nlet x = crate::g::h(); my_crate::z"),
        ["a", "d", "e", "g"]
    );
    let mut g = Graph::new();
    g.insert("a".into(), ["b".to_string()].into());
    g.insert("b".into(), ["c".to_string()].into());
    g.insert("c".into(), BTreeSet::new());
    assert_eq!(find_cycle(&g), None);
    g.get_mut("c").unwrap().insert("a".into());
    assert_eq!(find_cycle(&g).unwrap(), ["a", "b", "c", "a"]);
}
