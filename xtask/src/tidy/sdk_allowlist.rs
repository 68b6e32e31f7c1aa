//! The AWS SDK check: only the packages on an allowlist depend on an `aws-sdk-*` crate, in any
//! dependency section of their manifest (normal, dev, build, and their `[target.*]` forms).
//! Everyone else reaches AWS through `redbridge-aws`'s ports.

use std::path::Path;

use super::crate_dirs;

/// The packages that may depend on `aws-sdk-*`: the adapters, and the end-to-end runner that
/// sets up and faults its worlds through the SDK.
pub const ALLOWED: [&str; 2] = ["redbridge-aws", "redbridge-e2e"];

const SECTIONS: [&str; 3] = ["dependencies", "dev-dependencies", "build-dependencies"];

/// One problem per `aws-sdk-*` dependency of a package not on the allowlist.
pub fn problems(root: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for dir in crate_dirs(root) {
        let path = format!("{dir}/Cargo.toml");
        let manifest: toml::Table = match std::fs::read_to_string(root.join(&path)).map(|text| toml::from_str(&text)) {
            Ok(Ok(manifest)) => manifest,
            Ok(Err(error)) => {
                problems.push(format!("{path}: not valid TOML: {error}"));
                continue;
            }
            Err(error) => {
                problems.push(format!("{path}: cannot read it: {error}"));
                continue;
            }
        };
        let package = manifest.get("package").and_then(|p| p.get("name")).and_then(|n| n.as_str()).unwrap_or(&dir);
        if ALLOWED.contains(&package) {
            continue;
        }
        for (section, dependency) in sdk_dependencies(&manifest) {
            problems.push(format!(
                "{path}: `{package}` depends on `{dependency}` in [{section}]; only {} may use the AWS SDK (go through redbridge-aws's ports)",
                ALLOWED.map(|name| format!("`{name}`")).join(" and ")
            ));
        }
    }
    problems
}

/// `(section, package)` for every `aws-sdk-*` dependency, renamed ones by their `package` key.
fn sdk_dependencies(manifest: &toml::Table) -> Vec<(String, String)> {
    let mut tables: Vec<(String, &toml::Table)> = SECTIONS
        .iter()
        .filter_map(|section| Some((section.to_string(), manifest.get(*section)?.as_table()?)))
        .collect();
    for (target, table) in manifest.get("target").and_then(|t| t.as_table()).into_iter().flatten() {
        for section in SECTIONS {
            if let Some(dependencies) = table.get(section).and_then(|d| d.as_table()) {
                tables.push((format!("target.{target}.{section}"), dependencies));
            }
        }
    }
    let mut found = Vec::new();
    for (section, dependencies) in tables {
        for (name, value) in dependencies {
            let package = value.get("package").and_then(|p| p.as_str()).unwrap_or(name);
            if package.starts_with("aws-sdk-") {
                found.push((section.clone(), package.to_owned()));
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::TempDir;

    const EMULATOR: &str = r#"[package]
name = "redbridge-emu"

[dependencies]
redbridge-aws.workspace = true
aws-sdk-s3.workspace = true
tokio.workspace = true

[dev-dependencies]
sts = { package = "aws-sdk-sts", version = "1" }

[target.'cfg(unix)'.build-dependencies]
aws-sdk-iam = "1"
"#;

    fn fixture() -> TempDir {
        let root = TempDir::new("tidy-sdk");
        root.write(
            "crates/redbridge-aws/Cargo.toml",
            "[package]\nname = \"redbridge-aws\"\n\n[dependencies]\naws-sdk-s3 = \"1\"\n",
        );
        root.write("crates/redbridge-emu/Cargo.toml", EMULATOR);
        root.write(
            "tests/e2e/Cargo.toml",
            "[package]\nname = \"redbridge-e2e\"\n\n[dependencies]\naws-sdk-iam = \"1\"\n",
        );
        root.write("xtask/Cargo.toml", "[package]\nname = \"xtask\"\n\n[dependencies]\naws-config = \"1\"\n");
        root
    }

    #[test]
    fn the_sdk_check_reports_every_sdk_dependency_outside_the_allowlist() {
        let root = fixture();
        let only = "only `redbridge-aws` and `redbridge-e2e` may use the AWS SDK (go through redbridge-aws's ports)";
        assert_eq!(
            problems(root.path()),
            [
                format!(
                    "crates/redbridge-emu/Cargo.toml: `redbridge-emu` depends on `aws-sdk-s3` in [dependencies]; {only}"
                ),
                format!(
                    "crates/redbridge-emu/Cargo.toml: `redbridge-emu` depends on `aws-sdk-sts` in [dev-dependencies]; {only}"
                ),
                format!(
                    "crates/redbridge-emu/Cargo.toml: `redbridge-emu` depends on `aws-sdk-iam` in [target.cfg(unix).build-dependencies]; {only}"
                ),
            ]
        );

        root.write(
            "crates/redbridge-emu/Cargo.toml",
            "[package]\nname = \"redbridge-emu\"\n\n[dependencies]\nredbridge-aws.workspace = true\n",
        );
        assert_eq!(problems(root.path()), Vec::<String>::new());
    }

    #[test]
    fn the_sdk_check_reports_a_manifest_it_cannot_parse() {
        let root = fixture();
        root.write("xtask/Cargo.toml", "[package\n");
        let found = problems(root.path());
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(found[3].starts_with("xtask/Cargo.toml: not valid TOML"), "{found:#?}");
    }
}
