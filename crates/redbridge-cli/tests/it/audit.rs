//! `redbridge audit` over the committed example world: every output form, the exit code, the
//! schema, and bad worlds refused with their place.

use crate::schema::assert_matches_schema;
use crate::{TempFile, redbridge};

const WORLD: &str = "examples/audit.world.json";

fn run(args: &[&str]) -> (i32, String) {
    let output = redbridge(args);
    (output.status.code().unwrap_or(-1), String::from_utf8(output.stdout).expect("utf-8"))
}

#[test]
fn the_json_report_matches_its_schema_and_a_broken_chain_exits_1() {
    let (code, json) = run(&["audit", "--world", WORLD, "--output", "json"]);
    assert_eq!(code, 1, "{json}");
    assert_matches_schema("audit.schema.json", &json);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let statuses: Vec<&str> =
        value["chains"].as_array().unwrap().iter().map(|c| c["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["working", "working", "not_judged", "broken"]);
    assert_eq!(
        value["chains"][0]["iam_role"],
        "arn:aws:iam::111111111111:role/cluster,arn:aws:iam::333333333333:role/hop,arn:aws:iam::222222222222:role/loader"
    );
    assert_eq!(value["summary"]["over_broad"], 1);
}

#[test]
fn the_text_report_names_the_broken_hop_its_code_and_what_was_not_read() {
    let (code, text) = run(&["audit", "--world", WORLD]);
    assert_eq!(code, 1);
    assert!(text.contains("RB122 serverless → refuser"), "{text}");
    assert!(text.contains("RB202 over-broad"), "{text}");
    assert!(text.contains("not read:\n  444444444444 account: access denied"), "{text}");
    assert!(text.contains("IAM_ROLE 'arn:aws:iam::111111111111:role/cluster,"), "{text}");
}

#[test]
fn dot_mermaid_and_html_draw_the_broken_edge_red_with_its_code() {
    let (_, dot) = run(&["audit", "--world", WORLD, "--output", "dot"]);
    assert!(dot.starts_with("digraph"), "{dot}");
    let broken: Vec<&str> = dot.lines().filter(|l| l.contains("->") && l.contains("RB122")).collect();
    assert_eq!(broken.len(), 1, "{dot}");
    assert!(broken[0].contains("red"), "{}", broken[0]);
    let (_, mermaid) = run(&["audit", "--world", WORLD, "--output", "mermaid"]);
    assert!(
        mermaid.starts_with("flowchart LR") && mermaid.contains("RB122") && mermaid.contains("stroke:red"),
        "{mermaid}"
    );
    let (_, html) = run(&["audit", "--world", WORLD, "--output", "html"]);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(html.matches("<tr data-status=").count(), 4, "one row per chain");
    assert!(!html.contains("http://") && !html.contains("https://"), "the page loads nothing");
}

#[test]
fn out_writes_a_file_and_refuses_to_overwrite_without_force() {
    let target = TempFile::new("audit.html", b"keep me");
    let output = redbridge(&["audit", "--world", WORLD, "--output", "html", "--out", target.arg()]);
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(std::fs::read(&target.0).unwrap(), b"keep me");
    let output = redbridge(&["audit", "--world", WORLD, "--output", "html", "--out", target.arg(), "--force"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(std::fs::read_to_string(&target.0).unwrap().starts_with("<!DOCTYPE html>"));
}

#[test]
fn a_malformed_world_is_refused_with_its_line_and_column() {
    let world = TempFile::new("bad.world.json", b"{\n  \"accounts\": [1, 2]\n}\n");
    let output = redbridge(&["audit", "--world", world.arg()]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.world.json:2:"), "{stderr}");
}

#[test]
fn hostile_names_stay_escaped_in_every_output_and_the_json_stays_json() {
    let mut world: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(crate::root().join(WORLD)).unwrap()).unwrap();
    let evil = "evil\u{1b}[31m\u{202e}</script><img src=x onerror=alert(1)>";
    let target = world["accounts"]["111111111111"]["targets"]["eu-west-1"]["value"][0].as_object_mut().unwrap();
    target.insert("cluster".to_owned(), serde_json::Value::String(evil.to_owned()));
    let file = TempFile::new("hostile.world.json", serde_json::to_string(&world).unwrap().as_bytes());
    let (code, json) = run(&["audit", "--world", file.arg(), "--output", "json"]);
    assert_eq!(code, 1);
    let value: serde_json::Value = serde_json::from_str(&json).expect("still JSON");
    assert!(!json.contains('\u{1b}') && !json.contains('\u{202e}'), "raw controls in the JSON");
    let names: Vec<&str> =
        value["chains"].as_array().unwrap().iter().filter_map(|c| c["redshift"]["cluster"].as_str()).collect();
    assert!(names.contains(&evil), "the name reads back exactly: {names:?}");
    let (_, html) = run(&["audit", "--world", file.arg(), "--output", "html"]);
    assert!(!html.contains("<img") && html.matches("</script>").count() == 1, "escaped in HTML");
    for output in ["text", "dot", "mermaid"] {
        let (_, text) = run(&["audit", "--world", file.arg(), "--output", output]);
        assert!(!text.contains('\u{1b}') && !text.contains('\u{202e}'), "raw controls in {output}");
    }
}
