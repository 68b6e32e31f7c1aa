//! Templates never make the linter panic or point outside the text: the real-world corpus and
//! the valid fixtures, mutated with the characters template syntax is made of, in every mode;
//! and text without template syntax lints the same in every mode.

use std::path::Path;

use proptest::prelude::*;
use redbridge_sql::{LintContext, TemplateMode, lint, lint_template};

const MODES: [TemplateMode; 4] = [TemplateMode::None, TemplateMode::Jinja, TemplateMode::Python, TemplateMode::Auto];

/// Characters that matter to the template scanner, the lexer and the parser.
const INTERESTING: &[&str] = &[
    "{", "}", "{{", "}}", "{%", "%}", "{#", "#}", "%", "%s", "%(", ")s", "$", "$$", "#", "'", "\"", "\\", "-", " ",
    "\n", "é", "<", ">",
];

fn seeds() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut seeds = Vec::new();
    for dir in ["corpus/real_world", "fixtures/valid"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
            seeds.extend(text.split(";\n").map(str::to_owned));
        }
    }
    seeds
}

/// Inserts and deletes pieces at character positions (taken modulo the length).
fn mutate(base: &str, edits: &[(usize, bool, usize)]) -> String {
    let mut chars: Vec<char> = base.chars().collect();
    for &(at, insert, arg) in edits {
        let at = at % (chars.len() + 1);
        if insert {
            let piece: Vec<char> = INTERESTING[arg % INTERESTING.len()].chars().collect();
            chars.splice(at..at, piece);
        } else if at < chars.len() {
            let end = (at + 1 + arg % 6).min(chars.len());
            chars.drain(at..end);
        }
    }
    chars.into_iter().collect()
}

fn check(text: &str) {
    for mode in MODES {
        for context in [LintContext::default(), crate::spec_context(true)] {
            for report in lint_template(text, &context, mode) {
                for d in report.diagnostics {
                    assert!(d.span.start <= d.span.end && d.span.end <= text.len(), "{mode:?} {d:?} in {text:?}");
                }
            }
        }
    }
}

#[test]
fn text_without_template_syntax_lints_the_same_in_every_mode() {
    let mut compared = 0;
    for seed in seeds().iter().filter(|s| !s.contains(['{', '}', '%'])) {
        let plain = lint(seed, &LintContext::default());
        for mode in MODES {
            assert_eq!(lint_template(seed, &LintContext::default(), mode), plain, "{mode:?}: {seed}");
        }
        compared += 1;
    }
    assert!(compared > 80, "only {compared} statements compared");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mutated_templates_do_not_panic(
        seed in 0usize..10_000,
        edits in proptest::collection::vec((any::<usize>(), any::<bool>(), any::<usize>()), 0..8),
    ) {
        let seeds = seeds();
        check(&mutate(&seeds[seed % seeds.len()], &edits));
    }

    #[test]
    fn arbitrary_strings_with_template_syntax_do_not_panic(text in "[{}%#$'\"a-z ()s;,.\\-\n]{0,80}") {
        check(&text);
    }
}
