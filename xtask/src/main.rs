//! `cargo xtask`: project automation that needs more than `cargo` itself.
//!
//! Every task is a module; this file only dispatches. Tasks print what they do and fail loudly.

mod bench_audit;
mod bench_doctor;
mod bench_emu;
mod bench_explain;
mod bench_iam;
mod bench_lint;
mod bench_scaling;
mod check_container;
mod check_docs;
mod check_install;
mod check_lint_hooks;
mod check_policies;
mod check_shells;
mod ci;
mod clients;
mod dist;
mod e2e;
mod fuzz_lint;
mod iam_diff;
mod localstack;
mod prefetch;
mod render_check;
mod soak;
mod tidy;
mod util;
mod validate_exports;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  ci               run everything CI runs, stopping at the first failure: cargo fmt --check, cargo clippy,
                   cargo test (with tidy), check-shells, check-lint-hooks, check-docs, check-container,
                   bench scaling --debug, soak, check-policies, iam-diff 5000, validate-exports, e2e, check-install
  tidy             check the codebase itself (also run by `cargo test`)
  check-shells     load the completions in bash, zsh and fish and render every man page with `man -l`
  check-docs       cargo doc with rustdoc warnings denied; the embedder example (redbridge-aws without the
                   SDK) builds alone with no aws-sdk-* in its tree; the crates' runnable examples run
  check-policies   run parliament over every policy the example specs produce
  check-lint-hooks `pre-commit try-repo` with .pre-commit-hooks.yaml on a fixture; action.yml read and shellchecked
  iam-diff [N]     compare our IAM evaluator with @cloud-copilot/iam-simulate on the corpus and N generated
                   cases (default 10,000); fails on a disagreement no recorded class explains
  bench audit      audit of 200 accounts against fakes with 50 ms per call: wall, calls, peak memory, sequential ratio
  bench doctor     doctor's reads against fakes with 50 ms per call: wall time, calls, depth, serial ratio
  bench emu [--rows N]
                   the emulator's COPY (CSV, Parquet) and UNLOAD (Parquet) of 1,000,000 rows against pyarrow
  bench explain [--runs N] [--binary PATH]
                   whole `redbridge explain` process against whole iam-simulate on ~22,000 decisions: time, RSS, ratio
  bench iam        IAM evaluator throughput against iam-simulate
  bench lint       COPY/UNLOAD linter throughput
  bench scaling [--debug]
                   every command on inputs of size n and 8n: time and peak memory ratios, fails over 10
  fuzz-lint [N]    run the linter over N generated and mutated statements
  validate-exports lint every export format (cfn-lint, python-hcl2, checkov, shellcheck)
  prefetch-tools   install every outside tool of the steps after the tests (ci runs it beside the compiler)
  render-check [--dot F] [--html F] [--out DIR] | --self-test
                   dot -Tsvg with nothing on stderr; the page in headless Chromium with no console error, uncaught
                   exception or outside request, and a screenshot (default out: target/xtask/render-check)
  check-container  hadolint on the emulator's Dockerfile; the compose example against the Compose schema
  check-install    `cargo install --locked --debug` of redbridge and redbridge-emu into target/xtask/install-root,
                   then each installed binary's `--version`
  dist             release-build redbridge and redbridge-emu and pack target/dist/redbridge-<version>-<target>.tar.gz
                   (binaries, completions, man pages, README, LICENSE, SHA256SUMS), then check it unpacked elsewhere
  e2e [--docker] [--filter T]
                   LocalStack + redbridge-emu: the contract suites and the scenarios of tests/scenarios/
  demo             LocalStack + redbridge-emu: plan, apply, doctor and test of one setup, as redbridge prints them
  emu-smoke        LocalStack + redbridge-emu: one COPY/UNLOAD happy path and one failure through the bare AWS SDK
  soak [--seconds N] [--clients N] [--statement-timeout-ms N] [--result-retention-ms N]
                   redbridge-emu on in-memory fakes under N Data API clients (default 64 for 60 s), one statement
                   past its timeout and a health prober: health p99, every statement ends, no file, RSS";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["ci", ..] => ci::run(),
        ["tidy", ..] => tidy::run(),
        ["check-shells", ..] => check_shells::run(),
        ["check-docs", ..] => check_docs::run(),
        ["check-policies", ..] => check_policies::run(),
        ["check-lint-hooks", ..] => check_lint_hooks::run(),
        ["iam-diff", rest @ ..] => iam_diff::run(rest),
        ["bench", "audit", rest @ ..] => bench_audit::run(rest),
        ["bench", "doctor", rest @ ..] => bench_doctor::run(rest),
        ["bench", "emu", rest @ ..] => bench_emu::run(rest),
        ["bench", "explain", rest @ ..] => bench_explain::run(rest),
        ["bench", "iam", rest @ ..] => bench_iam::run(rest),
        ["bench", "lint", rest @ ..] => bench_lint::run(rest),
        ["bench", "scaling", rest @ ..] => bench_scaling::run(rest),
        ["fuzz-lint", rest @ ..] => fuzz_lint::run(rest),
        ["validate-exports", ..] => validate_exports::run(),
        ["check-container", ..] => check_container::run(),
        ["check-install", ..] => check_install::run(),
        ["dist", ..] => dist::run(),
        ["e2e", rest @ ..] => e2e::run(rest),
        ["emu-smoke", ..] => e2e::smoke(),
        ["demo", ..] => e2e::demo(),
        ["soak", rest @ ..] => soak::run(rest),
        ["render-check", rest @ ..] => render_check::run(rest),
        ["prefetch-tools", ..] => prefetch::run(),
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask: error: {err:#}");
            ExitCode::FAILURE
        }
    }
}
