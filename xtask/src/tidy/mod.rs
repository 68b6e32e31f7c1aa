//! `cargo xtask tidy`: checks the codebase itself. Also runs as a test, so `cargo test` enforces it.
//!
//! - every Rust file starts with a `//!` comment saying what it is for;
//! - the domain crates stay pure: no async runtime, no AWS SDK, no HTTP client among their
//!   dependencies, and no `std::fs`, `std::net` or `std::process` in their sources.

use std::path::{Path, PathBuf};

use crate::util::project_root;

/// The crates that must do no I/O.
pub const DOMAIN_CRATES: [&str; 4] = ["redbridge-iam", "redbridge-core", "redbridge-sql", "redbridge-export"];

/// Dependency names a domain crate must not have (prefix match).
const FORBIDDEN_DEPENDENCIES: [&str; 7] = ["tokio", "aws-", "reqwest", "hyper", "ureq", "async-std", "rusqlite"];

/// Source text a domain crate must not contain.
const FORBIDDEN_SOURCE: [&str; 4] = ["std::fs", "std::net", "std::process", "tokio::"];

pub fn run() -> anyhow::Result<()> {
    let problems = problems(&project_root());
    if problems.is_empty() {
        eprintln!("tidy: ok");
        return Ok(());
    }
    for problem in &problems {
        eprintln!("tidy: {problem}");
    }
    anyhow::bail!("{} tidy problem(s)", problems.len())
}

/// Every problem found under `root`, as one line each.
pub fn problems(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let mut files = Vec::new();
    for dir in ["crates", "xtask", "tests"] {
        rust_files(&root.join(dir), &mut files);
    }
    for file in &files {
        let Ok(text) = std::fs::read_to_string(file) else {
            problems.push(format!("{}: cannot read", relative(root, file)));
            continue;
        };
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or_default();
        if !first.starts_with("//!") {
            problems.push(format!(
                "{}: the file does not start with a `//!` comment saying what it is for",
                relative(root, file)
            ));
        }
    }
    for name in DOMAIN_CRATES {
        let dir = root.join("crates").join(name);
        if !dir.exists() {
            continue;
        }
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
        for dependency in normal_dependencies(&manifest) {
            if FORBIDDEN_DEPENDENCIES.iter().any(|f| dependency.starts_with(f)) {
                problems.push(format!(
                    "crates/{name}: domain crate depends on `{dependency}`; I/O belongs in redbridge-aws or the CLI"
                ));
            }
        }
        let mut sources = Vec::new();
        rust_files(&dir.join("src"), &mut sources);
        for file in sources {
            let text = std::fs::read_to_string(&file).unwrap_or_default();
            for (number, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or_default();
                if let Some(bad) = FORBIDDEN_SOURCE.iter().find(|f| code.contains(*f)) {
                    problems.push(format!("{}:{}: domain crate uses `{bad}`", relative(root, &file), number + 1));
                }
            }
        }
    }
    problems
}

/// Names under `[dependencies]` (not dev- or build-dependencies) of a manifest.
fn normal_dependencies(manifest: &str) -> Vec<String> {
    let value: toml::Table = toml::from_str(manifest).unwrap_or_default();
    value.get("dependencies").and_then(|d| d.as_table()).map(|t| t.keys().cloned().collect()).unwrap_or_default()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.file_name().is_some_and(|n| n == "target" || n == "node_modules") {
            continue;
        }
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tree_is_tidy() {
        let problems = problems(&project_root());
        assert!(problems.is_empty(), "tidy problems:\n{}", problems.join("\n"));
    }

    #[test]
    fn tidy_catches_io_in_domain_crates_and_missing_docs() {
        let root = std::env::temp_dir().join(format!("redbridge-tidy-{}", std::process::id()));
        let src = root.join("crates/redbridge-core/src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(root.join("crates/redbridge-core/Cargo.toml"), "[dependencies]\ntokio = \"1\"\nserde = \"1\"\n")
            .unwrap();
        std::fs::write(src.join("lib.rs"), "use std::fs::read;\n").unwrap();
        let found = problems(&root);
        std::fs::remove_dir_all(&root).unwrap();
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].contains("does not start with a `//!` comment"));
        assert!(found[1].contains("depends on `tokio`"));
        assert!(found[2].contains("lib.rs:1: domain crate uses `std::fs`"));
    }
}
