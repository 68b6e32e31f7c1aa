//! `cargo xtask bench lint`: linter throughput in MB/s on a large generated file.
//!
//! Builds and runs itself with `--release` when started from a debug build. The file repeats
//! the valid fixtures (COPY and UNLOAD, every parameter) with a few mutated statements mixed in,
//! until it is about 32 MB; it is linted with every spec check on, three times, best run wins.

use std::time::Instant;

use redbridge_sql::lint;

use crate::fuzz_lint::{Rng, corpus_statements, ensure_release, full_context, input};

pub fn run(args: &[&str]) -> anyhow::Result<()> {
    let mut task = vec!["bench", "lint"];
    task.extend_from_slice(args);
    if ensure_release(&task)? {
        return Ok(());
    }
    let corpus = corpus_statements();
    let mut rng = Rng::new(42);
    let mut text = String::new();
    let mut statements = 0usize;
    while text.len() < 32 << 20 {
        if rng.below(20) == 0 {
            text.push_str(&input(&mut rng, &corpus).replace(';', " "));
        } else {
            text.push_str(corpus[rng.below(corpus.len())]);
        }
        text.push_str(";\n");
        statements += 1;
    }
    let context = full_context()?;
    let mut best = f64::MAX;
    let mut diagnostics = 0;
    for _ in 0..3 {
        let start = Instant::now();
        let reports = lint(&text, &context);
        best = best.min(start.elapsed().as_secs_f64());
        diagnostics = reports.iter().map(|r| r.diagnostics.len()).sum::<usize>();
    }
    let megabytes = text.len() as f64 / 1e6;
    println!(
        "bench lint: {megabytes:.1} MB, {statements} statements, {diagnostics} diagnostics: best of 3 {best:.2} s = {:.1} MB/s",
        megabytes / best
    );
    Ok(())
}
