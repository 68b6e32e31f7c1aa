//! `cargo xtask dist`: the release archive for this platform. Release-builds `redbridge` and
//! `redbridge-emu`, stages them with shell completions (`redbridge completions SHELL`), man pages
//! (`redbridge man --out-dir DIR`), README.md, LICENSE, CHANGELOG.md (when present) and a
//! `SHA256SUMS` file, packs `<target dir>/dist/redbridge-<version>-<target>.tar.gz` with the
//! system's `tar` and `gzip`, then checks it: unpacked into a fresh temporary directory
//! elsewhere, `sha256sum --check` passes and the unpacked binaries' `--version` run from there.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::check_install::installed_version;
use crate::util::{project_root, run as run_command};

/// The shells `redbridge completions` is asked for, and the file each script is saved as (the
/// names the shells look for).
const COMPLETIONS: [(&str, &str); 5] = [
    ("bash", "redbridge.bash"),
    ("zsh", "_redbridge"),
    ("fish", "redbridge.fish"),
    ("elvish", "redbridge.elv"),
    ("powershell", "_redbridge.ps1"),
];

/// The documents shipped from the workspace root; `false`: optional.
const DOCUMENTS: [(&str, bool); 3] = [("README.md", true), ("LICENSE", true), ("CHANGELOG.md", false)];

/// The binaries, as in `check_install::BINARIES`.
const BINARIES: [&str; 2] = ["redbridge", "redbridge-emu"];

pub fn run() -> anyhow::Result<()> {
    let root = project_root();
    run_command(Command::new(cargo()).current_dir(&root).args([
        "build",
        "--release",
        "--locked",
        "--package",
        "redbridge-cli",
        "--package",
        "redbridge-emu",
    ]))
    .context("the release build failed")?;
    let target_dir = target_directory(&root)?;
    let name = format!("redbridge-{}-{}", env!("CARGO_PKG_VERSION"), host_target()?);
    let dist = target_dir.join("dist");
    let archive = build_archive(&target_dir.join("release"), &root, &dist, &name)?;
    let versions = check_archive(&archive, &name)?;
    let size = std::fs::metadata(&archive).map(|m| m.len()).unwrap_or_default();
    eprintln!("dist: {} ({:.1} MB), checked unpacked elsewhere:", archive.display(), size as f64 / 1e6);
    for line in versions {
        eprintln!("dist:   {line}");
    }
    Ok(())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned())
}

/// Cargo's target directory for the workspace (honours `CARGO_TARGET_DIR`).
fn target_directory(root: &Path) -> anyhow::Result<PathBuf> {
    let output = Command::new(cargo())
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--no-deps", "--locked"])
        .output()
        .context("could not run `cargo metadata`")?;
    if !output.status.success() {
        bail!("`cargo metadata` failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    let metadata: serde_json::Value = serde_json::from_slice(&output.stdout).context("reading `cargo metadata`")?;
    let dir = metadata["target_directory"].as_str().context("`cargo metadata` names no `target_directory`")?;
    Ok(PathBuf::from(dir))
}

/// The host's target triple, from `rustc -vV`.
fn host_target() -> anyhow::Result<String> {
    let output = Command::new("rustc").arg("-vV").output().context("could not run `rustc -vV`")?;
    let text = String::from_utf8_lossy(&output.stdout);
    let host = text.lines().find_map(|line| line.strip_prefix("host: ")).context("`rustc -vV` names no host")?;
    Ok(host.trim().to_owned())
}

/// Stages `name/` under `dist` from the binaries in `binaries` and the documents of `root`,
/// writes its `SHA256SUMS` and packs `dist/name.tar.gz`; returns the archive's path.
pub fn build_archive(binaries: &Path, root: &Path, dist: &Path, name: &str) -> anyhow::Result<PathBuf> {
    let staging = dist.join(name);
    if staging.exists() {
        std::fs::remove_dir_all(&staging).with_context(|| format!("removing {}", staging.display()))?;
    }
    std::fs::create_dir_all(&staging).with_context(|| format!("creating {}", staging.display()))?;
    for binary in BINARIES {
        let from = binaries.join(binary);
        std::fs::copy(&from, staging.join(binary)).with_context(|| format!("copying {}", from.display()))?;
    }
    let redbridge = staging.join("redbridge");
    std::fs::create_dir_all(staging.join("completions"))?;
    for (shell, file) in COMPLETIONS {
        let script = run_redbridge(&redbridge, &["completions", shell])?;
        if script.trim().is_empty() {
            bail!("`redbridge completions {shell}` printed nothing");
        }
        std::fs::write(staging.join("completions").join(file), script)?;
    }
    let man = staging.join("man");
    std::fs::create_dir_all(&man)?;
    run_redbridge(&redbridge, &["man", "--out-dir", &man.display().to_string()])?;
    if !man.join("redbridge.1").is_file() {
        bail!("`redbridge man --out-dir {}` wrote no `redbridge.1`", man.display());
    }
    for (document, required) in DOCUMENTS {
        let from = root.join(document);
        if from.is_file() {
            std::fs::copy(&from, staging.join(document)).with_context(|| format!("copying {}", from.display()))?;
        } else if required {
            bail!("`{}` is missing; the archive ships it", from.display());
        }
    }
    write_sums(&staging)?;
    let archive = dist.join(format!("{name}.tar.gz"));
    run_command(
        Command::new("tar")
            .args(["--sort=name", "--owner=0", "--group=0", "--numeric-owner", "--mtime=@0", "-czf"])
            .arg(&archive)
            .arg("-C")
            .arg(dist)
            .arg(name),
    )
    .context("packing the archive with `tar`")?;
    Ok(archive)
}

/// Runs the staged `redbridge` with `args`; its standard output. A missing subcommand fails
/// naming it: `completions` and `man` come with the CLI's own work on issue 17.
fn run_redbridge(redbridge: &Path, args: &[&str]) -> anyhow::Result<String> {
    let shown = format!("redbridge {}", args.join(" "));
    let output = Command::new(redbridge).args(args).output().with_context(|| format!("could not run `{shown}`"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let missing = stderr.contains("unrecognized subcommand") || stderr.contains("unexpected argument");
        if missing {
            bail!(
                "`{shown}` is not available in this `redbridge` (the `{}` subcommand is missing; it is part of issue 17's CLI work): {}",
                args[0],
                stderr.trim()
            );
        }
        bail!("`{shown}` failed with {}: {}", output.status, stderr.trim());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Every file under `staging` (but `SHA256SUMS`), sorted, with `sha256sum`'s output format, in
/// `staging/SHA256SUMS`.
fn write_sums(staging: &Path) -> anyhow::Result<()> {
    let mut files = Vec::new();
    collect_files(staging, staging, &mut files)?;
    files.sort();
    files.retain(|file| file != "SHA256SUMS");
    let output = Command::new("sha256sum")
        .current_dir(staging)
        .arg("--")
        .args(&files)
        .output()
        .context("could not run `sha256sum`")?;
    if !output.status.success() {
        bail!("`sha256sum` failed: {}", String::from_utf8_lossy(&output.stderr).trim());
    }
    std::fs::write(staging.join("SHA256SUMS"), &output.stdout)?;
    Ok(())
}

fn collect_files(base: &Path, dir: &Path, files: &mut Vec<String>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("listing {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(base, &path, files)?;
        } else {
            files.push(path.strip_prefix(base)?.display().to_string());
        }
    }
    Ok(())
}

/// Unpacks `archive` into a fresh temporary directory, checks that it holds `name/` with the
/// binaries, the completions, a man page, README.md and LICENSE, that `sha256sum --check`
/// passes there, and that each unpacked binary's `--version` runs; returns those lines.
pub fn check_archive(archive: &Path, name: &str) -> anyhow::Result<Vec<String>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let number = NEXT.fetch_add(1, Ordering::Relaxed);
    let unpacked = std::env::temp_dir().join(format!("redbridge-dist-check-{}-{number}", std::process::id()));
    if unpacked.exists() {
        std::fs::remove_dir_all(&unpacked)?;
    }
    std::fs::create_dir_all(&unpacked)?;
    let checked = check_unpacked(archive, &unpacked, name);
    let _ = std::fs::remove_dir_all(&unpacked);
    checked
}

fn check_unpacked(archive: &Path, unpacked: &Path, name: &str) -> anyhow::Result<Vec<String>> {
    run_command(Command::new("tar").arg("-xzf").arg(archive).arg("-C").arg(unpacked))
        .context("unpacking the archive with `tar`")?;
    let top = unpacked.join(name);
    let mut expected: Vec<String> = BINARIES.iter().map(|b| (*b).to_owned()).collect();
    expected.extend(COMPLETIONS.iter().map(|(_, file)| format!("completions/{file}")));
    expected.extend(["man/redbridge.1", "README.md", "LICENSE", "SHA256SUMS"].map(str::to_owned));
    let missing: Vec<&String> = expected.iter().filter(|file| !top.join(file).is_file()).collect();
    if !missing.is_empty() {
        bail!("the unpacked archive lacks {missing:?} under `{name}/`");
    }
    let sums = Command::new("sha256sum")
        .current_dir(&top)
        .args(["--check", "--strict", "--quiet", "SHA256SUMS"])
        .output()
        .context("could not run `sha256sum --check`")?;
    if !sums.status.success() {
        bail!(
            "`sha256sum --check SHA256SUMS` fails in the unpacked archive: {}{}",
            String::from_utf8_lossy(&sums.stdout).trim(),
            String::from_utf8_lossy(&sums.stderr).trim()
        );
    }
    BINARIES.iter().map(|binary| installed_version(&top.join(binary), binary)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::TempDir;

    /// A stand-in `redbridge` (and `redbridge-emu`) as a shell script: prints the version,
    /// completions and man pages the real one will, or fails like clap on `man` and
    /// `completions` when `with_subcommands` is false.
    fn stand_ins(dir: &TempDir, with_subcommands: bool) -> PathBuf {
        let version = env!("CARGO_PKG_VERSION");
        let subcommands = if with_subcommands {
            "completions) echo \"complete -F _redbridge redbridge # $2\" ;;\n  man) mkdir -p \"$3\" && echo '.TH REDBRIDGE 1' > \"$3/redbridge.1\" && echo '.TH REDBRIDGE-LINT 1' > \"$3/redbridge-lint.1\" ;;\n"
        } else {
            ""
        };
        let redbridge = format!(
            "#!/bin/sh\ncase \"$1\" in\n  --version) echo \"redbridge {version} (stand-in)\" ;;\n{subcommands}  *) echo \"error: unrecognized subcommand '$1'\" >&2; exit 2 ;;\nesac\n"
        );
        dir.write("bin/redbridge", &redbridge);
        dir.write("bin/redbridge-emu", &format!("#!/bin/sh\necho \"redbridge-emu {version}\"\n"));
        for binary in BINARIES {
            let path = dir.path().join("bin").join(binary);
            run_command(Command::new("chmod").arg("+x").arg(&path)).unwrap();
        }
        dir.write("root/README.md", "# redbridge\n");
        dir.write("root/LICENSE", "Apache License\n");
        dir.path().join("bin")
    }

    #[test]
    fn the_archive_holds_binaries_completions_man_pages_documents_and_sums_and_checks_unpacked() {
        let dir = TempDir::new("dist");
        let binaries = stand_ins(&dir, true);
        let dist = dir.path().join("dist");
        let archive = build_archive(&binaries, &dir.path().join("root"), &dist, "redbridge-test").unwrap();
        assert!(archive.ends_with("redbridge-test.tar.gz"), "{}", archive.display());

        let listing = Command::new("tar").arg("-tzf").arg(&archive).output().unwrap();
        let mut listed: Vec<String> =
            String::from_utf8_lossy(&listing.stdout).lines().filter(|l| !l.ends_with('/')).map(str::to_owned).collect();
        listed.sort();
        assert_eq!(
            listed,
            [
                "redbridge-test/LICENSE",
                "redbridge-test/README.md",
                "redbridge-test/SHA256SUMS",
                "redbridge-test/completions/_redbridge",
                "redbridge-test/completions/_redbridge.ps1",
                "redbridge-test/completions/redbridge.bash",
                "redbridge-test/completions/redbridge.elv",
                "redbridge-test/completions/redbridge.fish",
                "redbridge-test/man/redbridge-lint.1",
                "redbridge-test/man/redbridge.1",
                "redbridge-test/redbridge",
                "redbridge-test/redbridge-emu",
            ]
        );
        let sums = std::fs::read_to_string(dist.join("redbridge-test/SHA256SUMS")).unwrap();
        assert_eq!(sums.lines().count(), 11, "every file but SHA256SUMS: {sums}");
        assert!(sums.lines().all(|line| line.len() > 66 && line.as_bytes()[64..66] == *b"  "), "{sums}");
        let fish = std::fs::read_to_string(dist.join("redbridge-test/completions/redbridge.fish")).unwrap();
        assert!(fish.contains("# fish"), "each shell's script is the one asked for: {fish}");

        let version = env!("CARGO_PKG_VERSION");
        assert_eq!(
            check_archive(&archive, "redbridge-test").unwrap(),
            [format!("redbridge {version} (stand-in)"), format!("redbridge-emu {version}")]
        );
    }

    #[test]
    fn a_tampered_file_fails_the_unpacked_sums_check() {
        let dir = TempDir::new("dist-tampered");
        let binaries = stand_ins(&dir, true);
        let dist = dir.path().join("dist");
        build_archive(&binaries, &dir.path().join("root"), &dist, "redbridge-test").unwrap();
        std::fs::write(dist.join("redbridge-test/README.md"), "# changed after the sums\n").unwrap();
        let archive = dist.join("redbridge-test.tar.gz");
        run_command(Command::new("tar").arg("-czf").arg(&archive).arg("-C").arg(&dist).arg("redbridge-test")).unwrap();
        let error = format!("{:#}", check_archive(&archive, "redbridge-test").unwrap_err());
        assert!(error.contains("`sha256sum --check SHA256SUMS` fails") && error.contains("README.md"), "{error}");
    }

    #[test]
    fn a_redbridge_without_completions_fails_naming_the_missing_subcommand() {
        let dir = TempDir::new("dist-old-cli");
        let binaries = stand_ins(&dir, false);
        let error = build_archive(&binaries, &dir.path().join("root"), &dir.path().join("dist"), "redbridge-test")
            .unwrap_err()
            .to_string();
        assert!(error.contains("`redbridge completions bash` is not available"), "{error}");
        assert!(error.contains("the `completions` subcommand is missing"), "{error}");
    }

    #[test]
    fn a_missing_license_fails_naming_it() {
        let dir = TempDir::new("dist-no-license");
        let binaries = stand_ins(&dir, true);
        dir.remove("root/LICENSE");
        let error = build_archive(&binaries, &dir.path().join("root"), &dir.path().join("dist"), "redbridge-test")
            .unwrap_err()
            .to_string();
        assert!(error.contains("LICENSE` is missing"), "{error}");
    }
}
