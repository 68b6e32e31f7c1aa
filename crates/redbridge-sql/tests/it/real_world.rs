//! The real-world corpus (`tests/corpus/real_world/`): COPY and UNLOAD statements committed in
//! public repositories, one file per repository, each statement with its origin, its template
//! mode, the exact codes the linter must give it and why, citing the page that documents the
//! verdict. The floor (60 statements from 20 repositories) is asserted too.
//!
//! A file starts with `-- repo:`, `-- source:` (the repository), an optional `-- commit:` and
//! `-- template:` (the file's default mode); the `-- statement:` line names the path in it;
//! each statement starts with `-- statement:` (where in the repository), then optional
//! `-- template:`, `-- expect:` (codes, space-separated, empty for none) and one or more
//! `-- why:` lines, then the statement verbatim up to the next `-- statement:`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use redbridge_sql::{LintContext, StatementKind, TemplateMode, lint_template};

/// One statement of the corpus.
#[derive(Debug)]
struct Entry {
    file: PathBuf,
    repo: String,
    origin: String,
    mode: TemplateMode,
    expect: BTreeSet<String>,
    why: Vec<String>,
    sql: String,
}

fn mode(name: &str, file: &Path) -> TemplateMode {
    match name {
        "none" => TemplateMode::None,
        "jinja" => TemplateMode::Jinja,
        "python" => TemplateMode::Python,
        "auto" => TemplateMode::Auto,
        other => panic!("{}: unknown template mode `{other}`", file.display()),
    }
}

fn entries() -> Vec<Entry> {
    let files = crate::fixtures::sql_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus/real_world"));
    let mut entries = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let header = |key: &str| {
            text.lines()
                .take_while(|l| !l.starts_with("-- statement:"))
                .find_map(|l| l.strip_prefix(&format!("-- {key}: ")))
                .unwrap_or_else(|| panic!("{}: no `-- {key}:` header", file.display()))
                .trim()
                .to_owned()
        };
        let (repo, default_mode) = (header("repo"), header("template"));
        assert!(header("source").starts_with("https://github.com/"), "{}: source is not a GitHub URL", file.display());
        for block in text.split("\n-- statement: ").skip(1) {
            let mut lines = block.lines();
            let origin = lines.next().unwrap_or_default().trim().to_owned();
            let (mut template, mut expect, mut why, mut sql) = (default_mode.clone(), None, Vec::new(), Vec::new());
            let mut in_header = true;
            for line in lines {
                let field = |key: &str| line.strip_prefix(&format!("-- {key}:")).map(str::trim);
                match (in_header, field("template"), field("expect"), field("why")) {
                    (true, Some(t), _, _) => template = t.to_owned(),
                    (true, _, Some(e), _) => expect = Some(e.split_whitespace().map(str::to_owned).collect()),
                    (true, _, _, Some(w)) => why.push(w.to_owned()),
                    _ => {
                        in_header = false;
                        sql.push(line);
                    }
                }
            }
            let expect = expect.unwrap_or_else(|| panic!("{}: `{origin}` has no `-- expect:` line", file.display()));
            entries.push(Entry {
                mode: mode(&template, &file),
                file: file.clone(),
                repo: repo.clone(),
                origin,
                expect,
                why,
                sql: sql.join("\n").trim_end().to_owned(),
            });
        }
    }
    entries
}

/// Every statement of the corpus lints to exactly its expected codes, as one COPY or UNLOAD.
#[test]
fn every_real_world_statement_gets_exactly_its_documented_codes() {
    let mut wrong = Vec::new();
    for entry in entries() {
        let reports = lint_template(&entry.sql, &LintContext::default(), entry.mode);
        let kinds: Vec<StatementKind> = reports.iter().map(|r| r.kind).collect();
        assert!(
            matches!(kinds.as_slice(), [StatementKind::Copy | StatementKind::Unload]),
            "{}: `{}` is not one COPY or UNLOAD: {kinds:?}",
            entry.file.display(),
            entry.origin
        );
        let found: BTreeSet<String> = reports[0].diagnostics.iter().map(|d| d.code.to_owned()).collect();
        if found != entry.expect {
            let details: Vec<String> =
                reports[0].diagnostics.iter().map(|d| format!("{} {}", d.code, d.message)).collect();
            wrong.push(format!(
                "{} `{}`: expected {:?}, found {:?}\n  {}",
                entry.repo,
                entry.origin,
                entry.expect,
                found,
                details.join("\n  ")
            ));
        }
    }
    assert!(wrong.is_empty(), "{} statements differ:\n{}", wrong.len(), wrong.join("\n"));
}

/// Each verdict says why, citing a page.
#[test]
fn every_real_world_verdict_cites_its_source() {
    for entry in entries() {
        assert!(
            entry.why.iter().any(|w| w.contains("https://")),
            "{}: `{}` has no `-- why:` line citing a page",
            entry.file.display(),
            entry.origin
        );
    }
}

/// The corpus keeps its floor: at least 60 statements from at least 20 repositories, both
/// statements, every template mode but `auto`, clean statements and statements with errors.
#[test]
fn the_real_world_corpus_has_sixty_statements_from_twenty_repositories() {
    let entries = entries();
    let repos: BTreeSet<&str> = entries.iter().map(|e| e.repo.as_str()).collect();
    assert!(entries.len() >= 60, "only {} statements", entries.len());
    assert!(repos.len() >= 20, "only {} repositories", repos.len());
    let modes: BTreeSet<&str> = entries.iter().map(|e| e.mode.as_str()).collect();
    assert_eq!(modes, BTreeSet::from(["jinja", "none", "python"]));
    assert!(entries.iter().any(|e| e.expect.is_empty()), "no clean statement");
    assert!(entries.iter().any(|e| e.sql.to_ascii_uppercase().contains("UNLOAD")));
    assert!(entries.iter().filter(|e| e.expect.contains("RB-SQL-050")).count() >= 10, "few templates");
}
