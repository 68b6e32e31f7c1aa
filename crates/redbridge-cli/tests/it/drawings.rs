//! `plan` and `doctor` with `--output dot|mermaid`: the chain drawn, doctor's broken hops red with
//! their codes, the same exit codes as text; `--operator` and every other command refuse them.

use crate::{redbridge, stderr_err};

const KMS_SPEC: &str = "examples/serverless-unload-kms.toml";
const BROKEN: &str = "examples/serverless-broken.snapshot.json";

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn plan_draws_its_chain_as_dot_and_mermaid_with_every_edge_ok() {
    let dot = redbridge(&["plan", "--spec", KMS_SPEC, "--output", "dot"]);
    assert_eq!(dot.status.code(), Some(0));
    let dot = stdout(&dot);
    assert!(dot.starts_with("digraph \"redbridge\" {\n") && dot.ends_with("}\n"), "{dot}");
    assert_eq!(dot.matches(" -> ").count(), 4, "attach, assume, the bucket and the key:\n{dot}");
    assert_eq!(dot.matches(" color=\"darkgreen\"").count(), 4, "{dot}");
    assert!(!dot.contains("\"red\""), "{dot}");
    let mermaid = redbridge(&["plan", "--spec", KMS_SPEC, "-o", "mermaid"]);
    assert_eq!(mermaid.status.code(), Some(0));
    let mermaid = stdout(&mermaid);
    assert!(mermaid.starts_with("flowchart LR\n"), "{mermaid}");
    assert_eq!(mermaid.matches("linkStyle").count(), 4, "{mermaid}");
}

#[test]
fn doctor_draws_the_broken_hops_red_with_their_codes_and_still_exits_1() {
    let dot = redbridge(&["doctor", "--spec", KMS_SPEC, "--snapshot", BROKEN, "-o", "dot"]);
    assert_eq!(dot.status.code(), Some(1), "broken, as with text output");
    let dot = stdout(&dot);
    assert_eq!(dot.matches(" color=\"red\"").count(), 2, "{dot}");
    assert!(dot.contains("label=\"attach\\nRB112\""), "{dot}");
    assert!(dot.contains("label=\"assume\\nRB122\""), "{dot}");
    let mermaid = redbridge(&["doctor", "--spec", KMS_SPEC, "--snapshot", BROKEN, "-o", "mermaid"]);
    assert_eq!(mermaid.status.code(), Some(1));
    let mermaid = stdout(&mermaid);
    assert!(mermaid.contains("|\"attach RB112\"|") && mermaid.contains("linkStyle 0 stroke:red"), "{mermaid}");
}

#[test]
fn doctor_operator_refuses_a_drawing_before_reading_anything() {
    for drawing in ["dot", "mermaid"] {
        let (code, err) = stderr_err(&["doctor", "--spec", KMS_SPEC, "--operator", "-o", drawing]);
        assert_eq!(code, 2, "{err}");
        assert_eq!(
            err,
            format!(
                "error: `--operator` judges the accounts' callers, not the chain: it prints text or json, not `{drawing}`\n"
            )
        );
    }
}

#[test]
fn drawings_are_refused_with_format_and_by_commands_that_print_no_chain() {
    let (code, err) = stderr_err(&["plan", "--spec", KMS_SPEC, "-o", "dot", "--format", "terraform"]);
    assert_eq!(code, 2);
    assert!(err.contains("'--output <OUTPUT>' cannot be used with '--format <FORMAT>'"), "{err}");
    for command in ["apply", "destroy", "test"] {
        let (code, err) = stderr_err(&[command, "--spec", KMS_SPEC, "-o", "dot"]);
        assert_eq!(code, 2, "{command}: {err}");
        assert!(err.contains("invalid value 'dot' for '--output <OUTPUT>'"), "{command}: {err}");
        assert!(err.contains("[possible values: text, json]"), "{command}: {err}");
    }
}
