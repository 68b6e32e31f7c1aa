//! `cargo xtask render-check`: the audit's drawings as a person meets them. A DOT file renders
//! with Graphviz's `dot -Tsvg` without a word on standard error; an HTML page opens in headless
//! Chromium, driven by playwright-core (`xtask/render-check/check.mjs`), with no console error, no
//! uncaught exception and no request for anything but the page itself, and leaves a screenshot.
//!
//! Debian's `graphviz` and `chromium` are installed with apt-get when missing (as shellcheck is
//! for `validate-exports`), playwright-core with npm under `target/xtask/playwright` (it drives
//! Debian's `/usr/bin/chromium` and downloads no browser). Chromium runs with the flags this
//! machine's closed network needs: `--no-sandbox --disable-gpu --disable-quic --no-first-run
//! --disable-background-networking --disable-component-update --disable-sync` and a new empty
//! profile. `--self-test` proves the checks on the fixtures of `xtask/render-check/fixtures/`: the
//! clean page and graph pass; a page that throws, logs an error or asks for a stylesheet
//! elsewhere, and a graph with a syntax error or a warning, each fail.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};
use serde_json::Value;

use crate::util::{project_root, tools_dir};

/// The playwright-core version the driver script was written against (1.64 drove Debian's
/// Chromium 156 on this kind of machine).
pub const PLAYWRIGHT_CORE_VERSION: &str = "1.64.1";

/// Where Debian's `chromium` package puts the browser.
const CHROMIUM: &str = "/usr/bin/chromium";

const USAGE: &str = "usage: cargo xtask render-check [--dot FILE] [--html FILE] [--out DIR] | --self-test";

/// `cargo xtask render-check --dot F --html F --out DIR` or `cargo xtask render-check --self-test`.
pub fn run(args: &[&str]) -> anyhow::Result<()> {
    let mut dot = None;
    let mut html = None;
    let mut out = None;
    let mut self_test_wanted = false;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = || rest.next().map(PathBuf::from).with_context(|| format!("`{arg}` needs a value; {USAGE}"));
        match *arg {
            "--dot" => dot = Some(value()?),
            "--html" => html = Some(value()?),
            "--out" => out = Some(value()?),
            "--self-test" => self_test_wanted = true,
            other => bail!("unknown argument `{other}`; {USAGE}"),
        }
    }
    if self_test_wanted {
        return self_test();
    }
    if dot.is_none() && html.is_none() {
        bail!("nothing to check: give `--dot`, `--html` or both; {USAGE}");
    }
    let out = out.unwrap_or_else(|| tools_dir().join("render-check"));
    std::fs::create_dir_all(&out).with_context(|| format!("creating `{}`", out.display()))?;
    if let Some(dot) = dot {
        let svg = out.join(output_name(&dot, "svg"));
        dot_to_svg(&dot, &svg)?;
        eprintln!("render-check: `{}` renders to `{}`", dot.display(), svg.display());
    }
    if let Some(html) = html {
        let png = out.join(output_name(&html, "png"));
        html_check(&html, &png)?;
        eprintln!("render-check: `{}` opens cleanly; screenshot `{}`", html.display(), png.display());
    }
    Ok(())
}

/// `report.dot` → `report.svg`.
fn output_name(input: &Path, extension: &str) -> PathBuf {
    let stem = input.file_stem().map_or_else(|| "render".into(), |s| s.to_string_lossy().into_owned());
    PathBuf::from(format!("{stem}.{extension}"))
}

/// Installs the tools, then checks the fixtures: each clean one passes, each faulty one fails
/// for its own reason. The screenshot of the clean page is kept in `target/xtask/render-check/`.
pub fn self_test() -> anyhow::Result<()> {
    let fixtures = project_root().join("xtask/render-check/fixtures");
    let out = tools_dir().join("render-check");
    std::fs::create_dir_all(&out).with_context(|| format!("creating `{}`", out.display()))?;
    let mut failures = Vec::new();
    let mut expect = |what: &str, result: anyhow::Result<()>, wanted: Option<&str>| match (result, wanted) {
        (Ok(()), None) => eprintln!("render-check self-test: {what}: passes, as it must"),
        (Err(error), Some(needle)) if format!("{error:#}").contains(needle) => {
            eprintln!("render-check self-test: {what}: fails, as it must")
        }
        (Ok(()), Some(needle)) => failures.push(format!("{what}: passed, but must fail with `{needle}`")),
        (Err(error), _) => failures.push(format!("{what}: {error:#}")),
    };
    expect("clean.dot", dot_to_svg(&fixtures.join("clean.dot"), &out.join("clean.svg")), None);
    expect("broken.dot", dot_to_svg(&fixtures.join("broken.dot"), &out.join("broken.svg")), Some("Error"));
    expect("warning.dot", dot_to_svg(&fixtures.join("warning.dot"), &out.join("warning.svg")), Some("Warning"));
    expect("clean.html", html_check(&fixtures.join("clean.html"), &out.join("clean.png")), None);
    expect(
        "throws.html",
        html_check(&fixtures.join("throws.html"), &out.join("throws.png")),
        Some("uncaught exception: deliberate failure of the throwing fixture"),
    );
    expect(
        "console-error.html",
        html_check(&fixtures.join("console-error.html"), &out.join("console-error.png")),
        Some("console error (line 3): deliberate console error of the fixture"),
    );
    expect(
        "network.html",
        html_check(&fixtures.join("network.html"), &out.join("network.png")),
        Some("request for `https://cdn.example.com/style.css`"),
    );
    if !failures.is_empty() {
        bail!("the render checks do not judge their fixtures right:\n  {}", failures.join("\n  "));
    }
    eprintln!("render-check self-test: 7 fixtures judged right; screenshot `{}`", out.join("clean.png").display());
    Ok(())
}

/// Renders `dot` to `svg` with `dot -Tsvg`; fails with what dot said when it exits non-zero or
/// prints anything on standard error (Graphviz reports syntax errors as `Error:` and bad
/// attributes as `Warning:`, and still exits 0 on warnings).
pub fn dot_to_svg(dot: &Path, svg: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(dot.is_file(), "no DOT file at `{}`", dot.display());
    ensure_graphviz()?;
    let output = Command::new("dot")
        .arg("-Tsvg")
        .arg("-o")
        .arg(svg)
        .arg(dot)
        .output()
        .context("could not start `dot` (Debian package `graphviz`)")?;
    judge_dot(dot, &output)?;
    let drawn = std::fs::read_to_string(svg).with_context(|| format!("`dot` left no SVG at `{}`", svg.display()))?;
    anyhow::ensure!(drawn.contains("<svg"), "`dot` wrote `{}` without an `<svg` element", svg.display());
    Ok(())
}

/// Exit 0 and nothing on standard error.
fn judge_dot(dot: &Path, output: &std::process::Output) -> anyhow::Result<()> {
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() || !stderr.trim().is_empty() {
        bail!("`dot -Tsvg {}` exited {} and said:\n{}", dot.display(), output.status, stderr.trim());
    }
    Ok(())
}

/// Opens `html` in headless Chromium and keeps a 1400×1000 screenshot at `png`; fails when the
/// page logs a console error, throws an uncaught exception, or asks for anything but itself.
pub fn html_check(html: &Path, png: &Path) -> anyhow::Result<()> {
    anyhow::ensure!(html.is_file(), "no HTML file at `{}`", html.display());
    ensure_chromium()?;
    let playwright = ensure_playwright()?;
    let html = std::path::absolute(html).with_context(|| format!("resolving `{}`", html.display()))?;
    let png = std::path::absolute(png).with_context(|| format!("resolving `{}`", png.display()))?;
    if png.exists() {
        std::fs::remove_file(&png).with_context(|| format!("removing the old `{}`", png.display()))?;
    }
    let profile = new_profile_dir()?;
    let script = project_root().join("xtask/render-check/check.mjs");
    let output = Command::new("node")
        .arg(&script)
        .arg(&html)
        .arg(&png)
        .arg(&profile)
        .env("PLAYWRIGHT_DIR", &playwright)
        .env("CHROMIUM", CHROMIUM)
        .output()
        .context("could not start `node` (node 20 is needed)");
    let _ = std::fs::remove_dir_all(&profile);
    let output = output?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        bail!(
            "`node {}` failed ({}):\n{}{}",
            script.display(),
            output.status,
            stdout.trim(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let problems = page_problems(&stdout)?;
    if !problems.is_empty() {
        bail!("`{}` in headless Chromium:\n  {}", html.display(), problems.join("\n  "));
    }
    let size = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
    anyhow::ensure!(size > 0, "headless Chromium left no screenshot at `{}`", png.display());
    Ok(())
}

/// The problems of the driver's JSON line (`{"problems": [...], "title": ...}`).
fn page_problems(stdout: &str) -> anyhow::Result<Vec<String>> {
    let line = stdout.lines().rev().find(|l| l.trim_start().starts_with('{')).unwrap_or_default();
    let report: Value = serde_json::from_str(line).with_context(|| {
        format!("the Chromium driver did not print its JSON report; it printed:\n{}", stdout.trim())
    })?;
    let problems = report["problems"]
        .as_array()
        .with_context(|| format!("the Chromium driver's report has no `problems` list: {line}"))?;
    Ok(problems.iter().map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned)).collect())
}

/// A new, empty Chromium profile folder under `target/xtask/render-check/`.
fn new_profile_dir() -> anyhow::Result<PathBuf> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let number = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = tools_dir().join("render-check").join(format!("profile-{}-{number}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).with_context(|| format!("removing the stale profile `{}`", dir.display()))?;
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("creating `{}`", dir.display()))?;
    Ok(dir)
}

/// Graphviz's `dot`, from Debian's `graphviz` when missing.
pub fn ensure_graphviz() -> anyhow::Result<()> {
    ensure_debian_package("dot", "graphviz")
}

/// Debian's Chromium at `/usr/bin/chromium`, from the package `chromium` when missing.
pub fn ensure_chromium() -> anyhow::Result<()> {
    ensure_debian_package(CHROMIUM, "chromium")
}

/// Installs the Debian `package` when `command` is not on PATH (or, as a path, not there), with
/// `apt-get update` first when the plain install fails.
pub(crate) fn ensure_debian_package(command: &str, package: &str) -> anyhow::Result<()> {
    let present = || {
        Command::new("sh").arg("-c").arg(format!("command -v '{command}'")).output().is_ok_and(|o| o.status.success())
    };
    if present() {
        return Ok(());
    }
    eprintln!("xtask: `{command}` is missing; installing the Debian package `{package}`");
    let install = || Command::new("apt-get").args(["install", "-y", "-q", package]).status();
    if !install().is_ok_and(|s| s.success()) {
        let updated = Command::new("apt-get").args(["update", "-q"]).status().is_ok_and(|s| s.success());
        if !updated || !install().is_ok_and(|s| s.success()) {
            bail!(
                "could not install the Debian package `{package}` (for `{command}`) with apt-get; install it \
                 with `apt-get install {package}` and run again"
            );
        }
    }
    anyhow::ensure!(present(), "the Debian package `{package}` is installed but `{command}` is not there");
    Ok(())
}

/// Installs playwright-core under `target/xtask/playwright` (once) and returns the npm prefix.
pub(crate) fn ensure_playwright() -> anyhow::Result<PathBuf> {
    let prefix = tools_dir().join("playwright");
    let package = prefix.join("node_modules/playwright-core/package.json");
    let installed = std::fs::read_to_string(&package)
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| v["version"].as_str().map(str::to_owned));
    if installed.as_deref() != Some(PLAYWRIGHT_CORE_VERSION) {
        std::fs::create_dir_all(&prefix).with_context(|| format!("creating `{}`", prefix.display()))?;
        crate::util::run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--prefix"])
                .arg(&prefix)
                .arg(format!("playwright-core@{PLAYWRIGHT_CORE_VERSION}")),
        )
        .with_context(|| format!("installing the npm package `playwright-core@{PLAYWRIGHT_CORE_VERSION}`"))?;
    }
    Ok(prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> std::process::Output {
        Command::new("sh").args(["-c", script]).output().expect("sh runs")
    }

    #[test]
    fn dot_fails_on_any_word_on_standard_error_even_with_exit_zero() {
        let dot = Path::new("audit.dot");
        assert!(judge_dot(dot, &sh("echo '<svg/>'")).is_ok());
        let warned = judge_dot(dot, &sh("echo 'Warning: notacolour is not a known color.' >&2")).unwrap_err();
        assert!(format!("{warned:#}").contains("Warning: notacolour"), "{warned:#}");
        let failed = judge_dot(dot, &sh("echo 'Error: audit.dot: syntax error in line 2' >&2; exit 1")).unwrap_err();
        assert!(format!("{failed:#}").contains("syntax error in line 2"), "{failed:#}");
    }

    #[test]
    fn the_driver_report_gives_every_problem_and_a_missing_report_is_an_error() {
        let clean = page_problems("{\"problems\":[],\"title\":\"audit\"}\n").expect("a report");
        assert!(clean.is_empty());
        let noisy =
            "DevTools listening\n{\"problems\":[\"uncaught exception: boom\",\"console error: x\"],\"title\":\"\"}\n";
        assert_eq!(page_problems(noisy).expect("a report"), ["uncaught exception: boom", "console error: x"]);
        let error = page_problems("Error: Cannot find module 'playwright-core'\n").unwrap_err();
        assert!(format!("{error:#}").contains("Cannot find module"), "{error:#}");
    }

    #[test]
    fn the_outputs_are_named_after_their_inputs() {
        assert_eq!(output_name(Path::new("target/e2e/audit.dot"), "svg"), Path::new("audit.svg"));
        assert_eq!(output_name(Path::new("report.html"), "png"), Path::new("report.png"));
    }

    #[test]
    fn the_subcommand_refuses_unknown_arguments_and_an_empty_request() {
        let unknown = run(&["--svg", "x"]).unwrap_err().to_string();
        assert!(unknown.contains("unknown argument `--svg`"), "{unknown}");
        let empty = run(&["--out", "somewhere"]).unwrap_err().to_string();
        assert!(empty.contains("give `--dot`, `--html` or both"), "{empty}");
        let missing = run(&["--dot"]).unwrap_err().to_string();
        assert!(missing.contains("`--dot` needs a value"), "{missing}");
    }
}
