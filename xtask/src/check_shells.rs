//! `cargo xtask check-shells`: the completion scripts load in bash, zsh and fish without an
//! error, and every man page renders with `man -l`. zsh, fish and man-db are Debian packages,
//! installed with apt-get when missing (as shellcheck is for `validate-exports`), so that the
//! check never passes because a shell is absent. `ci` runs it after the tests, on the debug
//! `redbridge` the tests built.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use anyhow::{Context, bail};

use crate::util::tools_dir;

/// The tools the check runs and the Debian package of each.
const TOOLS: &[(&str, &str)] = &[("bash", "bash"), ("zsh", "zsh"), ("fish", "fish"), ("man", "man-db")];

/// `cargo xtask check-shells`: builds the debug `redbridge`, then [`check`].
pub fn run() -> anyhow::Result<()> {
    check(&crate::util::build_debug_binary("redbridge")?)
}

/// The debug `redbridge` under the target directory (`CARGO_TARGET_DIR` when set).
pub fn debug_binary() -> PathBuf {
    crate::util::target_dir().join("debug").join("redbridge")
}

/// Loads the completions of `binary` in each shell and renders each of its man pages.
pub fn check(binary: &Path) -> anyhow::Result<()> {
    ensure_tools()?;
    anyhow::ensure!(binary.exists(), "no `redbridge` binary at `{}`", binary.display());
    let dir = tools_dir().join("check-shells");
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("removing `{}`", dir.display()))?;
    }
    std::fs::create_dir_all(dir.join("zsh")).with_context(|| format!("creating `{}`", dir.display()))?;
    let mut failures = Vec::new();
    let mut summary = Vec::new();

    let script = |shell: &str, file: PathBuf| -> anyhow::Result<PathBuf> {
        let output = Command::new(binary).args(["completions", shell]).output()?;
        clean(&format!("redbridge completions {shell}"), &output)?;
        std::fs::write(&file, &output.stdout)?;
        Ok(file)
    };
    let bash = script("bash", dir.join("redbridge.bash"))?;
    let zsh = script("zsh", dir.join("zsh").join("_redbridge"))?;
    let fish = script("fish", dir.join("redbridge.fish"))?;
    let shells: [(&str, Vec<String>, &str); 3] = [
        (
            "bash",
            vec![
                "--norc".into(),
                "--noprofile".into(),
                "-c".into(),
                format!("source '{}' && complete -p redbridge", bash.display()),
            ],
            "-F _redbridge redbridge",
        ),
        (
            "zsh",
            vec![
                "-f".into(),
                "-c".into(),
                format!(
                    "fpath=('{}' $fpath); autoload -Uz compinit && compinit -u -d '{}' && source '{}' && print -r -- $_comps[redbridge]",
                    zsh.parent().unwrap_or(&dir).display(),
                    dir.join("zcompdump").display(),
                    zsh.display()
                ),
            ],
            "_redbridge",
        ),
        (
            "fish",
            vec![
                "--no-config".into(),
                "-c".into(),
                format!("source '{}'; and complete -C 'redbridge sql '", fish.display()),
            ],
            "unload",
        ),
    ];
    for (shell, args, expected) in shells {
        let output = Command::new(shell).args(&args).env("HOME", &dir).output()?;
        match clean(&format!("{shell} loading the completions"), &output) {
            Ok(()) if String::from_utf8_lossy(&output.stdout).contains(expected) => {
                summary.push(format!("{shell}: completions load"));
            }
            Ok(()) => failures.push(format!(
                "{shell}: the completions loaded but `{expected}` is not in what the shell reports: {}",
                String::from_utf8_lossy(&output.stdout).trim()
            )),
            Err(error) => failures.push(format!("{error:#}")),
        }
    }

    let pages = dir.join("man");
    let output = Command::new(binary).arg("man").arg("--out-dir").arg(&pages).arg("--quiet").output()?;
    clean("redbridge man --out-dir", &output)?;
    let mut names: Vec<PathBuf> = std::fs::read_dir(&pages)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    names.sort();
    anyhow::ensure!(
        names.iter().any(|p| p.ends_with("redbridge-sql-copy.1")),
        "no `redbridge-sql-copy.1` in {names:?}"
    );
    for page in &names {
        let command = page.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        let output = Command::new("man")
            .arg("-l")
            .arg(page)
            .env("MANWIDTH", "80")
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .env("LC_ALL", "C.UTF-8")
            .output()?;
        let text = String::from_utf8_lossy(&output.stdout);
        match clean(&format!("man -l {}", page.display()), &output) {
            Ok(()) if text.contains("NAME") && text.contains(&command) => {}
            Ok(()) => {
                failures.push(format!("man -l {}: no NAME section or no `{command}` in:\n{text}", page.display()))
            }
            Err(error) => failures.push(format!("{error:#}")),
        }
    }
    summary.push(format!("man: {} pages render", names.len()));
    for line in &summary {
        eprintln!("check-shells: {line}");
    }
    if !failures.is_empty() {
        bail!("check-shells failed:\n  {}", failures.join("\n  "));
    }
    Ok(())
}

/// Exit 0 and nothing on standard error.
fn clean(what: &str, output: &Output) -> anyhow::Result<()> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() || !stderr.trim().is_empty() {
        bail!("{what}: exited {} with standard error:\n{}", output.status, stderr.trim());
    }
    Ok(())
}

/// Installs the Debian package of every tool that is not on PATH.
pub(crate) fn ensure_tools() -> anyhow::Result<()> {
    let missing: Vec<&str> = TOOLS
        .iter()
        .filter(|(tool, _)| {
            !Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().is_ok_and(|o| o.status.success())
        })
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    eprintln!("check-shells: installing the Debian packages {}", missing.join(", "));
    let install = || Command::new("apt-get").args(["install", "-y", "-q"]).args(&missing).status();
    if !install().is_ok_and(|s| s.success()) {
        crate::util::run(Command::new("apt-get").args(["update", "-q"]))?;
        crate::util::run(Command::new("apt-get").args(["install", "-y", "-q"]).args(&missing))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Output {
        Command::new("sh").args(["-c", script]).output().expect("sh runs")
    }

    #[test]
    fn a_shell_that_complains_or_fails_fails_the_check_with_what_it_said() {
        assert!(clean("quiet", &sh("echo loaded")).is_ok());
        let complained = clean("bash loading", &sh("echo 'syntax error near `fi`' >&2")).unwrap_err();
        assert!(format!("{complained:#}").contains("syntax error near"), "{complained:#}");
        let failed = clean("zsh loading", &sh("exit 3")).unwrap_err();
        assert!(format!("{failed:#}").contains("exit status: 3"), "{failed:#}");
    }
}
