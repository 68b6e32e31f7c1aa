//! The codemap check: ARCHITECTURE.md's `## Codemap` names every package of the workspace and,
//! within that package's own entry, every top-level module and binary target.
//!
//! A package's entry is a top-level bullet that starts with its path in backticks
//! (``- `crates/redbridge-emu` — …``, a trailing `/` allowed), up to the next top-level bullet.
//! A module `src/NAME.rs` or `src/NAME/` is named when the entry holds `` `NAME.rs` `` or
//! `` `NAME/` `` (either form, so a module may move between a file and a folder); a binary
//! `src/bin/NAME.rs` when it holds `` `bin/NAME.rs` ``, `` `NAME.rs` `` or `` `NAME` ``. Folders
//! without Rust files (insta's `snapshots/`) are not modules.

use std::collections::BTreeMap;
use std::path::Path;

use super::{crate_dirs, rust_files};

/// One problem per package whose codemap entry is missing or incomplete.
pub fn problems(root: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(root.join("ARCHITECTURE.md")) else {
        return vec!["ARCHITECTURE.md: cannot read it; its `## Codemap` must name every crate and module".to_owned()];
    };
    let Some(entries) = entries(&text) else {
        return vec!["ARCHITECTURE.md: no `## Codemap` section naming every crate and module".to_owned()];
    };
    let mut problems = Vec::new();
    for dir in crate_dirs(root) {
        let modules = modules(&root.join(&dir).join("src"));
        let Some(named) = entries.get(&dir) else {
            let mut problem = format!(
                "ARCHITECTURE.md codemap: no entry for `{dir}` (a top-level bullet starting with `{dir}` in backticks)"
            );
            if !modules.is_empty() {
                problem.push_str(&format!("; it must name {}", listing(modules.iter().map(|m| m.shown.as_str()))));
            }
            problems.push(problem);
            continue;
        };
        let missing: Vec<&str> = modules
            .iter()
            .filter(|module| !module.accepted.iter().any(|name| named.contains(name)))
            .map(|module| module.shown.as_str())
            .collect();
        if !missing.is_empty() {
            problems.push(format!("ARCHITECTURE.md codemap: the `{dir}` entry does not name {}", listing(missing)));
        }
    }
    problems
}

fn listing<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    names.into_iter().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", ")
}

/// A top-level module or binary target of a package, and the ways the codemap may name it.
#[derive(Debug, PartialEq)]
struct Module {
    shown: String,
    accepted: Vec<String>,
}

/// The top-level modules (`src/NAME.rs`, `src/NAME/` other than `lib.rs` and `main.rs`) and the
/// binary targets (`src/bin/*`) of a package's `src`, sorted.
fn modules(src: &Path) -> Vec<Module> {
    let mut found = BTreeMap::new();
    for path in sorted_entries(src) {
        let Some(name) = path.file_name().and_then(|n| n.to_str()).map(str::to_owned) else { continue };
        if path.is_dir() && name == "bin" {
            for binary in sorted_entries(&path) {
                let Some(file) = binary.file_name().and_then(|n| n.to_str()) else { continue };
                let (stem, shown) = match file.strip_suffix(".rs") {
                    Some(stem) if binary.is_file() => (stem, format!("bin/{file}")),
                    None if binary.join("main.rs").is_file() => (file, format!("bin/{file}/")),
                    _ => continue,
                };
                let accepted = vec![shown.clone(), shown[4..].to_owned(), stem.to_owned()];
                found.insert(shown.clone(), Module { shown, accepted });
            }
        } else if path.is_dir() {
            let mut sources = Vec::new();
            rust_files(&path, &mut sources);
            if !sources.is_empty() {
                found.entry(name.clone()).or_insert_with(|| Module {
                    shown: format!("{name}/"),
                    accepted: vec![format!("{name}/"), format!("{name}.rs")],
                });
            }
        } else if let Some(stem) = name.strip_suffix(".rs").filter(|stem| !["lib", "main"].contains(stem)) {
            // A module written as `NAME.rs` beside `NAME/` is one module: the file wins the display.
            found.insert(
                stem.to_owned(),
                Module { shown: name.clone(), accepted: vec![name.clone(), format!("{stem}/")] },
            );
        }
    }
    found.into_values().collect()
}

fn sorted_entries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut entries: Vec<_> = std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).collect();
    entries.sort();
    entries
}

/// The codemap's entries: each top-level bullet that starts with a path in backticks, keyed by
/// that path (without a trailing `/`), with every backticked span of the entry. `None` when
/// there is no `## Codemap` section.
fn entries(architecture: &str) -> Option<BTreeMap<String, Vec<String>>> {
    let mut lines = architecture.lines().skip_while(|line| !line.trim_end().eq_ignore_ascii_case("## codemap"));
    lines.next()?;
    let mut entries: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    let mut finish = |entry: Option<(String, String)>| {
        if let Some((key, text)) = entry {
            entries.entry(key).or_default().extend(spans(&text));
        }
    };
    for line in lines.take_while(|line| !line.starts_with("# ") && !line.starts_with("## ")) {
        if let Some(bullet) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
            let key = bullet.strip_prefix('`').and_then(|rest| rest.split_once('`')).map(|(path, _)| path);
            finish(current.take());
            current = key.map(|key| (key.trim_end_matches('/').to_owned(), bullet.to_owned()));
        } else if let Some((_, text)) = &mut current {
            text.push(' ');
            text.push_str(line);
        }
    }
    finish(current);
    Some(entries)
}

/// The text of every `` `code span` `` in `text`.
fn spans(text: &str) -> Vec<String> {
    text.split('`').skip(1).step_by(2).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::TempDir;

    const ARCHITECTURE: &str = "\
# Architecture

## Codemap

- `crates/redbridge-demo` — the demo crate. `alpha.rs`: the first module;
  - `beta/`: a folder module.
- `crates/redbridge-other/src/gamma.rs` — a bullet of its own, which is not the crate's entry.
- `xtask/` — automation (`tidy/`).

## Invariants

- `crates/redbridge-demo` names `gamma.rs` here, outside the codemap.
";

    fn fixture() -> TempDir {
        let root = TempDir::new("tidy-codemap");
        root.write("ARCHITECTURE.md", ARCHITECTURE);
        for file in [
            "crates/redbridge-demo/Cargo.toml",
            "crates/redbridge-demo/src/lib.rs",
            "crates/redbridge-demo/src/alpha.rs",
            "crates/redbridge-demo/src/beta/mod.rs",
            "crates/redbridge-demo/src/gamma.rs",
            "crates/redbridge-demo/src/gamma/inner.rs",
            "crates/redbridge-demo/src/snapshots/a.snap",
            "crates/redbridge-demo/src/bin/demo-tool.rs",
            "xtask/Cargo.toml",
            "xtask/src/main.rs",
            "xtask/src/tidy/mod.rs",
            "tests/e2e/Cargo.toml",
            "tests/e2e/src/main.rs",
            "tests/e2e/src/run.rs",
        ] {
            root.write(file, "");
        }
        root
    }

    #[test]
    fn the_codemap_check_names_every_missing_crate_and_module_by_crate() {
        let root = fixture();
        assert_eq!(
            problems(root.path()),
            [
                "ARCHITECTURE.md codemap: the `crates/redbridge-demo` entry does not name `bin/demo-tool.rs`, `gamma.rs`",
                "ARCHITECTURE.md codemap: no entry for `tests/e2e` (a top-level bullet starting with `tests/e2e` in backticks); it must name `run.rs`",
            ]
        );

        root.write(
            "ARCHITECTURE.md",
            &ARCHITECTURE
                .replace("a folder module.", "a folder module; `gamma/`: another; `demo-tool`: the binary.")
                .replace("## Invariants", "- `tests/e2e` — the runner (`run.rs`).\n\n## Invariants"),
        );
        assert_eq!(problems(root.path()), Vec::<String>::new());
    }

    #[test]
    fn the_codemap_check_reports_a_missing_architecture_or_section() {
        let root = fixture();
        root.write("ARCHITECTURE.md", "# Architecture\n\n## Bird's-eye view\n");
        assert_eq!(problems(root.path()), ["ARCHITECTURE.md: no `## Codemap` section naming every crate and module"]);
        root.remove("ARCHITECTURE.md");
        assert!(problems(root.path())[0].starts_with("ARCHITECTURE.md: cannot read it"));
    }

    #[test]
    fn entries_are_top_level_bullets_keyed_by_their_path() {
        let entries = entries(ARCHITECTURE).unwrap();
        assert_eq!(
            entries.keys().collect::<Vec<_>>(),
            ["crates/redbridge-demo", "crates/redbridge-other/src/gamma.rs", "xtask"]
        );
        assert_eq!(entries["crates/redbridge-demo"], ["crates/redbridge-demo", "alpha.rs", "beta/"]);
    }
}
