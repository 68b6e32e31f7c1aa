//! `cargo xtask tidy`: checks the codebase itself. Also runs as a test, so `cargo test` enforces it.
//!
//! - every Rust file starts with a `//!` comment saying what it is for;
//! - the domain crates stay pure: no async runtime, no AWS SDK, no HTTP client among their
//!   dependencies, and no `std::fs`, `std::net` or `std::process` in their sources;
//! - ARCHITECTURE.md's codemap names every crate and every top-level module (`codemap.rs`);
//! - every finding code in the sources is documented under `docs/`, and every documented code is
//!   used (`finding_codes.rs`);
//! - only the crates on an allowlist depend on an `aws-sdk-*` crate (`sdk_allowlist.rs`).
//!
//! Each check is a function over a project root, so tests run it on fixture trees.

mod codemap;
mod finding_codes;
mod sdk_allowlist;

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
    let mut problems = module_doc_problems(root);
    problems.extend(domain_purity_problems(root));
    problems.extend(codemap::problems(root));
    problems.extend(finding_codes::problems(root));
    problems.extend(sdk_allowlist::problems(root));
    problems
}

/// Rust files that do not start with a `//!` comment.
fn module_doc_problems(root: &Path) -> Vec<String> {
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
    problems
}

/// Domain crates with an I/O dependency or I/O in their sources.
fn domain_purity_problems(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
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

/// Every `.rs` file under `dir`, sorted, skipping `target` and `node_modules`.
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

/// The workspace's packages as paths relative to the root: every `crates/*` with a manifest,
/// `xtask`, `tests/e2e` and `tests/embedder`.
fn crate_dirs(root: &Path) -> Vec<String> {
    let mut dirs: Vec<String> = std::fs::read_dir(root.join("crates"))
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.path().join("Cargo.toml").is_file())
        .map(|entry| format!("crates/{}", entry.file_name().to_string_lossy()))
        .collect();
    dirs.sort();
    dirs.extend(
        ["xtask", "tests/e2e", "tests/embedder"]
            .into_iter()
            .filter(|d| root.join(d).join("Cargo.toml").is_file())
            .map(String::from),
    );
    dirs
}

/// `path` relative to `root`, for messages.
fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::TempDir;

    #[test]
    fn the_tree_is_tidy() {
        let problems = problems(&project_root());
        assert!(problems.is_empty(), "tidy problems:\n{}", problems.join("\n"));
    }

    #[test]
    fn tidy_catches_io_in_domain_crates_and_missing_docs() {
        let root = TempDir::new("tidy-purity");
        root.write("crates/redbridge-core/Cargo.toml", "[dependencies]\ntokio = \"1\"\nserde = \"1\"\n");
        root.write("crates/redbridge-core/src/lib.rs", "use std::fs::read;\n");
        let docs = module_doc_problems(root.path());
        assert_eq!(docs.len(), 1, "{docs:#?}");
        assert!(docs[0].contains("does not start with a `//!` comment"));
        let purity = domain_purity_problems(root.path());
        assert_eq!(purity.len(), 2, "{purity:#?}");
        assert!(purity[0].contains("depends on `tokio`"));
        assert!(purity[1].contains("lib.rs:1: domain crate uses `std::fs`"));

        root.write("crates/redbridge-core/Cargo.toml", "[dependencies]\nserde = \"1\"\n");
        root.write("crates/redbridge-core/src/lib.rs", "//! Pure.\n\npub fn pure() {}\n");
        assert_eq!(module_doc_problems(root.path()), Vec::<String>::new());
        assert_eq!(domain_purity_problems(root.path()), Vec::<String>::new());
    }

    #[test]
    fn crate_dirs_are_the_crates_folders_xtask_e2e_and_the_embedder() {
        let root = TempDir::new("tidy-crates");
        for dir in ["crates/b", "crates/a", "xtask", "tests/e2e", "tests/embedder"] {
            root.write(&format!("{dir}/Cargo.toml"), "");
        }
        root.write("crates/not-a-crate/README.md", "");
        assert_eq!(crate_dirs(root.path()), ["crates/a", "crates/b", "xtask", "tests/e2e", "tests/embedder"]);
    }
}
