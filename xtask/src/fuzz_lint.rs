//! `cargo xtask fuzz-lint [N]`: runs N (default 1,000,000) generated and mutated statements
//! through the parser and linter and fails on the first panic, printing the input.
//!
//! Builds and runs itself with `--release` when started from a debug build, so the count is
//! reachable in minutes. Inputs come from the valid fixtures (mutated: deletions, insertions of
//! characters that matter to the lexer, duplications, truncations) and from random statements
//! assembled from keywords, literals and punctuation.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use anyhow::{Context as _, bail};
use redbridge_iam::{AccountId, BucketName, Region};
use redbridge_sql::{LintContext, lint};

/// The valid fixtures, split into statements.
pub(crate) const CORPUS: &[&str] = &[
    include_str!("../../crates/redbridge-sql/tests/fixtures/valid/copy.sql"),
    include_str!("../../crates/redbridge-sql/tests/fixtures/valid/unload.sql"),
];

/// A small, fast, seedable generator (xorshift64*), so runs are reproducible.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub(crate) fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

const PIECES: &[&str] = &[
    "COPY",
    "UNLOAD",
    "t",
    "s.\"T\"",
    "FROM",
    "TO",
    "(",
    ")",
    "('select 1')",
    "'s3://data-bucket/in/'",
    "IAM_ROLE",
    "default",
    "'arn:aws:iam::111111111111:role/A,arn:aws:iam::222222222222:role/B'",
    "'arn:aws:iam::1:role/A, arn'",
    "CREDENTIALS",
    "'aws_iam_role=arn:aws:iam::111111111111:role/A'",
    "ACCESS_KEY_ID",
    "SECRET_ACCESS_KEY",
    "SESSION_TOKEN",
    "'k'",
    "FORMAT",
    "AS",
    "CSV",
    "QUOTE",
    "JSON",
    "'auto'",
    "AVRO",
    "PARQUET",
    "ORC",
    "SHAPEFILE",
    "SIMPLIFY",
    "AUTO",
    "1.1E-05",
    "DELIMITER",
    "'|'",
    "FIXEDWIDTH",
    "'a:1'",
    "GZIP",
    "LZOP",
    "BZIP2",
    "ZSTD",
    "REGION",
    "'us-west-2'",
    "MANIFEST",
    "VERBOSE",
    "ENCRYPTED",
    "KMS_KEY_ID",
    "'alias/k'",
    "PARTITION",
    "BY",
    "(a, b)",
    "INCLUDE",
    "HEADER",
    "ADDQUOTES",
    "NULL",
    "ESCAPE",
    "ALLOWOVERWRITE",
    "CLEANPATH",
    "PARALLEL",
    "OFF",
    "MAXFILESIZE",
    "100",
    "MB",
    "GB",
    "ROWGROUPSIZE",
    "EXTENSION",
    "IGNOREHEADER",
    "1",
    "MAXERROR",
    "COMPUPDATE",
    "STATUPDATE",
    "ON",
    "ENCODING",
    "UTF8",
    ";",
    ",",
    "'",
    "\"",
    "--",
    "/*",
    "*/",
    "\n",
    "\\",
    "''",
    "é",
    "\u{0}",
    "99999999999999999999999",
];

const INTERESTING: &[char] = &['\'', '"', '\\', ',', ';', '(', ')', ' ', '\n', '-', '/', '*', '.', '1', 'é', '\u{0}'];

/// One input: a mutated corpus statement or a random sequence of pieces.
pub(crate) fn input(rng: &mut Rng, corpus: &[&str]) -> String {
    if rng.below(4) == 0 {
        let count = 1 + rng.below(24);
        let mut out = String::new();
        for _ in 0..count {
            out.push_str(PIECES[rng.below(PIECES.len())]);
            out.push(' ');
        }
        return out;
    }
    let mut chars: Vec<char> = corpus[rng.below(corpus.len())].chars().collect();
    for _ in 0..1 + rng.below(4) {
        let len = chars.len();
        let at = rng.below(len + 1);
        match rng.below(5) {
            0 if at < len => {
                let end = (at + 1 + rng.below(8)).min(len);
                chars.drain(at..end);
            }
            1 => chars.insert(at, INTERESTING[rng.below(INTERESTING.len())]),
            2 if at < len => {
                let end = (at + 1 + rng.below(16)).min(len);
                let piece: Vec<char> = chars[at..end].to_vec();
                chars.splice(at..at, piece);
            }
            3 => {
                let piece = PIECES[rng.below(PIECES.len())];
                chars.splice(at..at, piece.chars());
            }
            _ => chars.truncate(at),
        }
    }
    chars.into_iter().collect()
}

/// The statements of the corpus files.
pub(crate) fn corpus_statements() -> Vec<&'static str> {
    CORPUS.iter().flat_map(|file| file.split(";\n")).filter(|s| !s.trim().is_empty()).collect()
}

/// A spec context with every fact set, so every check runs.
pub(crate) fn full_context() -> anyhow::Result<LintContext> {
    Ok(LintContext {
        redshift_account: Some(AccountId::parse("111111111111")?),
        s3_account: Some(AccountId::parse("222222222222")?),
        bucket: Some(BucketName::parse("data-bucket")?),
        prefixes: vec!["in/".into(), "out/".into()],
        redshift_region: Some(Region::parse("us-east-1")?),
        bucket_region: Some(Region::parse("eu-west-1")?),
        kms_key: Some("arn:aws:kms:eu-west-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab".into()),
    })
}

/// Re-runs this task from a release build unless this already is one.
pub(crate) fn ensure_release(task: &[&str]) -> anyhow::Result<bool> {
    if !cfg!(debug_assertions) {
        return Ok(false);
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    crate::util::run(
        std::process::Command::new(cargo)
            .current_dir(crate::util::project_root())
            .args(["run", "--quiet", "--release", "--package", "xtask", "--"])
            .args(task),
    )?;
    Ok(true)
}

pub fn run(args: &[&str]) -> anyhow::Result<()> {
    let count: u64 = match args.first() {
        Some(n) => n.replace('_', "").parse().with_context(|| format!("`{n}` is not a number of inputs"))?,
        None => 1_000_000,
    };
    let count_arg = count.to_string();
    if ensure_release(&["fuzz-lint", &count_arg])? {
        return Ok(());
    }
    let corpus = corpus_statements();
    let contexts = [LintContext::default(), full_context()?];
    let mut rng = Rng::new(0x5eed_1234_abcd_0001);
    // Silence the default hook: a panic is reported below with its input.
    std::panic::set_hook(Box::new(|_| {}));
    let start = Instant::now();
    let mut bytes = 0usize;
    let mut diagnostics = 0usize;
    for i in 0..count {
        let text = input(&mut rng, &corpus);
        bytes += text.len();
        let context = &contexts[(i % 2) as usize];
        match std::panic::catch_unwind(AssertUnwindSafe(|| lint(&text, context))) {
            Ok(reports) => diagnostics += reports.iter().map(|r| r.diagnostics.len()).sum::<usize>(),
            Err(_) => bail!("input {i} panicked: {text:?}"),
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "fuzz-lint: {count} inputs ({:.1} MB, {diagnostics} diagnostics) in {seconds:.1} s: {:.0} inputs/s, no panic",
        bytes as f64 / 1e6,
        count as f64 / seconds
    );
    Ok(())
}
