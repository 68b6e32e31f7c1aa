//! `redbridge explain`: evaluate IAM requests against their policies and say which statements decided.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Condvar, Mutex, OnceLock};

use redbridge_core::input::json_position;
use redbridge_iam::eval::input::{RawItem, policy_error_place, split_items};
use redbridge_iam::eval::{Decision, PolicySet, Request, evaluate};
use redbridge_sql::{LineIndex, Position};
use serde_json::json;

use crate::exit;
use crate::output::{self, OutputFormat};

/// Arguments of `redbridge explain`.
///
/// Reads one JSON object, a JSON array of them, or JSON lines; each names a principal, an action,
/// a resource and the policies that apply (see the issue's input format). Exit status: 0 when every
/// input was read and evaluated (whatever the decisions), 1 when at least one input was malformed
/// or could not be evaluated (its error is printed in place; the others are still evaluated),
/// 2 when the input file cannot be read.
#[derive(Debug, clap::Args)]
#[command(after_help = exit::after_help(
    &["redbridge explain --input examples/explain-hop.json", "redbridge explain -i - -o json < examples/explain-hop.json"],
    &[
        (exit::SUCCESS, "every input was evaluated (allowed or denied)"),
        (exit::FINDINGS, "some input was malformed (its error is printed in place)"),
        (exit::USAGE, "usage or input error: the input could not be read"),
    ],
))]
pub struct Args {
    /// The input file, or `-` for standard input.
    #[arg(long, short, value_name = "FILE|-")]
    pub input: PathBuf,
    /// `text` for people, `json` for one JSON line per input.
    #[arg(long, short, value_enum, default_value_t)]
    pub output: OutputFormat,
}

/// Runs `redbridge explain`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let name = crate::input::display_name(&args.input);
    let text = crate::input::read_file(&args.input, "input")?;
    // Each input is parsed only when its turn comes, so memory holds a few batches at a time.
    let inputs = split_items(&text);
    if inputs.is_empty() {
        anyhow::bail!("{name}:1:1: no input: expected a JSON object, an array of them, or JSON lines");
    }
    let context = Context { format: args.output, name: &name, text: &text, lines: OnceLock::new() };
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).min(MAX_WORKERS);
    let batches: Vec<&[RawItem<'_>]> = inputs.chunks(BATCH).collect();
    if workers == 1 || batches.len() == 1 {
        let mut failed = false;
        for batch in batches {
            let (part, part_failed) = context.explain_batch(batch);
            failed |= part_failed;
            output::write_stdout(&part)?;
        }
        return Ok(if failed { ExitCode::from(exit::FINDINGS) } else { ExitCode::SUCCESS });
    }
    // Inputs are independent: each core explains whole batches, taken in input order, while this
    // thread writes the finished ones in input order. A worker takes a batch only while fewer
    // than `AHEAD` batches wait to be written, so memory stays bounded whatever the input.
    let schedule = Schedule { state: Mutex::new(Taken { next: 0, written: 0, stop: false }), turn: Condvar::new() };
    let (send, receive) = std::sync::mpsc::channel::<(usize, String, bool)>();
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let send = send.clone();
            let (schedule, context, batches) = (&schedule, &context, &batches);
            scope.spawn(move || {
                while let Some(index) = schedule.take(batches.len()) {
                    let (part, failed) = context.explain_batch(batches[index]);
                    if send.send((index, part, failed)).is_err() {
                        return;
                    }
                }
            });
        }
        drop(send);
        let result = write_in_order(&receive, &schedule, batches.len());
        schedule.stop();
        result
    })
}

/// Receives finished batches and writes them in input order; whether some input failed.
fn write_in_order(
    receive: &std::sync::mpsc::Receiver<(usize, String, bool)>,
    schedule: &Schedule,
    batches: usize,
) -> anyhow::Result<ExitCode> {
    let mut waiting = std::collections::BTreeMap::new();
    let mut failed = false;
    for next in 0..batches {
        let (part, part_failed) = loop {
            if let Some(done) = waiting.remove(&next) {
                break done;
            }
            let (index, part, part_failed) =
                receive.recv().map_err(|_| anyhow::anyhow!("internal error: a worker explaining inputs stopped"))?;
            waiting.insert(index, (part, part_failed));
        };
        failed |= part_failed;
        output::write_stdout(&part)?;
        schedule.written();
    }
    Ok(if failed { ExitCode::from(exit::FINDINGS) } else { ExitCode::SUCCESS })
}

/// Which batch is taken next, and how many were written.
#[derive(Debug)]
struct Taken {
    next: usize,
    written: usize,
    /// The writer stopped (standard output closed): take nothing more.
    stop: bool,
}

/// The workers' turns: a batch is taken only while fewer than `AHEAD` wait to be written.
#[derive(Debug)]
struct Schedule {
    state: Mutex<Taken>,
    turn: Condvar,
}

impl Schedule {
    /// The next batch to explain, when there is one and its turn came.
    fn take(&self, batches: usize) -> Option<usize> {
        let mut state = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        while !state.stop && state.next < batches && state.next >= state.written + AHEAD {
            state = self.turn.wait(state).unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        if state.stop || state.next >= batches {
            return None;
        }
        state.next += 1;
        Some(state.next - 1)
    }

    /// One more batch was written.
    fn written(&self) {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).written += 1;
        self.turn.notify_all();
    }

    /// The writer is done (or failed): wake every waiting worker to stop.
    fn stop(&self) {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner).stop = true;
        self.turn.notify_all();
    }
}

/// How many finished batches may wait to be written.
const AHEAD: usize = 8;

/// Inputs in one batch, the unit a worker explains and the writer writes.
const BATCH: usize = 256;

/// The most threads `explain` uses, however many cores the machine has.
const MAX_WORKERS: usize = 8;

/// What every input of one run is explained with.
struct Context<'a> {
    format: OutputFormat,
    /// The input's name for people (the file, or `<stdin>`).
    name: &'a str,
    text: &'a str,
    /// The line index is for errors only: built at the first one, by whichever worker meets it.
    lines: OnceLock<LineIndex<'a>>,
}

impl Context<'_> {
    /// The output of `batch`, escaped as [`output::print`] escapes, and whether some input could
    /// not be evaluated.
    fn explain_batch(&self, batch: &[RawItem<'_>]) -> (String, bool) {
        let mut out = Vec::with_capacity(OUTPUT_BLOCK);
        let out = &mut out;
        let mut failed = false;
        for raw in batch {
            let result = raw.case().and_then(|(request, policies)| {
                let set = PolicySet::compile(&policies).map_err(|e| e.to_string())?;
                let decision = evaluate(&request, &set).map_err(|e| e.to_string())?;
                Ok((request, set, decision))
            });
            match (result, self.format) {
                (Ok((request, set, decision)), OutputFormat::Json) => {
                    write_decision_json(out, raw.position, &request, &set, &decision);
                }
                (Ok((request, set, decision)), OutputFormat::Text) => {
                    out.extend_from_slice(decision_text(&raw.label, &request, &set, &decision).as_bytes());
                }
                (Err(message), format) => {
                    failed = true;
                    let lines = self.lines.get_or_init(|| LineIndex::new(self.text));
                    let at = error_position(lines, self.text, raw.offset);
                    let line = match format {
                        OutputFormat::Json => format!(
                            "{}\n",
                            json!({ "schema_version": output::SCHEMA_VERSION, "input": raw.position, "label": raw.label, "line": at.line, "column": at.column, "error": message })
                        ),
                        OutputFormat::Text => {
                            format!("{}:{}:{}: {}: error: {message}\n\n", self.name, at.line, at.column, raw.label)
                        }
                    };
                    out.extend_from_slice(line.as_bytes());
                }
            }
        }
        (escaped(std::mem::take(out)), failed)
    }
}

/// The gathered output (whole lines of UTF-8, from strings) escaped as [`output::print`] escapes.
fn escaped(out: Vec<u8>) -> String {
    let text = String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    match redbridge_iam::escape::escape_controls_except(&text, &['\n', '\t']) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(escaped) => escaped,
    }
}

/// The room a batch's output starts with.
const OUTPUT_BLOCK: usize = 64 * 1024;

/// Where an input's error is in the text: inside the first policy that does not parse when there
/// is one (the message names its JSON path too), otherwise where the input starts. `lines`
/// indexes the whole text once, so that many failing inputs cost linear time.
fn error_position(lines: &LineIndex<'_>, text: &str, start: usize) -> Position {
    let item = &text[start..];
    let inside = policy_error_place(item).map_or(0, |(line, column)| json_position(item, line, column).offset);
    lines.position(start + inside)
}

/// One decision as JSON, in the documented field order.
///
/// Serialized straight from these borrowing structs rather than through a `serde_json::Value`
/// tree: with thousands of deciding statements the tree's many small allocations (and their
/// frees) dominated, and grew faster than the statements.
#[derive(Debug, serde::Serialize)]
struct DecisionJson<'a> {
    schema_version: u32,
    input: usize,
    decision: &'static str,
    principal: String,
    action: &'a str,
    resource: &'a str,
    same_account: bool,
    deciding_statements: Vec<DecidingJson<'a>>,
    missing: Option<String>,
    path: Option<String>,
    explanation: Vec<String>,
}

/// One deciding statement and how each of its conditions fared.
#[derive(Debug, serde::Serialize)]
struct DecidingJson<'a> {
    policy: &'static str,
    level: Option<usize>,
    policy_index: usize,
    statement_index: usize,
    sid: Option<&'a str>,
    effect: String,
    conditions: Vec<ConditionJson>,
}

/// One condition's outcome.
#[derive(Debug, serde::Serialize)]
struct ConditionJson {
    operator: String,
    key: String,
    held: bool,
}

#[cfg(test)]
fn decision_json(position: usize, request: &Request, set: &PolicySet, decision: &Decision) -> serde_json::Value {
    serde_json::to_value(decision_json_document(position, request, set, decision)).unwrap_or_default()
}

/// The JSON line of one decision, written in one pass.
#[cfg(test)]
fn decision_json_line(position: usize, request: &Request, set: &PolicySet, decision: &Decision) -> String {
    let mut line = Vec::new();
    write_decision_json(&mut line, position, request, set, decision);
    String::from_utf8_lossy(&line).into_owned()
}

/// Appends the JSON line of one decision to `out` (serde_json writes UTF-8 only; serializing
/// these structs cannot fail).
fn write_decision_json(out: &mut Vec<u8>, position: usize, request: &Request, set: &PolicySet, decision: &Decision) {
    let start = out.len();
    match serde_json::to_writer(&mut *out, &decision_json_document(position, request, set, decision)) {
        Ok(()) => out.push(b'\n'),
        Err(_) => out.truncate(start),
    }
}

fn decision_json_document<'a>(
    position: usize,
    request: &'a Request,
    set: &PolicySet,
    decision: &'a Decision,
) -> DecisionJson<'a> {
    let deciding_statements = decision
        .deciding
        .iter()
        .map(|s| DecidingJson {
            policy: s.policy.kind.as_str(),
            level: s.policy.level,
            policy_index: s.policy.index,
            statement_index: s.statement,
            sid: s.sid.as_deref(),
            effect: s.effect.to_string(),
            conditions: set
                .condition_outcomes(s, request)
                .into_iter()
                .map(|c| ConditionJson { operator: c.operator, key: c.key, held: c.held })
                .collect(),
        })
        .collect();
    DecisionJson {
        schema_version: output::SCHEMA_VERSION,
        input: position,
        decision: decision.outcome.as_str(),
        principal: request.principal().display(),
        action: request.action(),
        resource: request.resource(),
        same_account: decision.same_account,
        deciding_statements,
        missing: decision.missing.map(|m| m.to_string()),
        path: decision.path.map(|p| p.to_string()),
        explanation: decision.explain(),
    }
}

fn decision_text(label: &str, request: &Request, _set: &PolicySet, decision: &Decision) -> String {
    let mut out =
        format!("{label}: `{}` → `{}` on `{}`\n", request.principal().display(), request.action(), request.resource());
    for line in decision.explain() {
        out.push_str("  ");
        out.push_str(&line);
        out.push('\n');
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use redbridge_iam::eval::Outcome;
    use redbridge_iam::eval::input::parse_case;
    use serde_json::Value;

    use super::*;

    fn explain_json(input: &str) -> Value {
        let value: Value = serde_json::from_str(input).unwrap_or_else(|e| panic!("{e}"));
        let (request, policies) = parse_case(&value, &[]).unwrap_or_else(|e| panic!("{e}"));
        let set = PolicySet::compile(&policies).unwrap_or_else(|e| panic!("{e}"));
        let decision = evaluate(&request, &set).unwrap_or_else(|e| panic!("{e}"));
        decision_json(1, &request, &set, &decision)
    }

    #[test]
    fn json_names_the_deciding_deny_statement() {
        let out = explain_json(
            r#"{"principal":"arn:aws:iam::111111111111:user/U","action":"s3:GetObject","resource":"arn:aws:s3:::b/k",
                "resource_account":"111111111111",
                "identity_policies":[{"Version":"2012-10-17","Statement":[
                    {"Effect":"Allow","Action":"s3:*","Resource":"*"},
                    {"Sid":"NoRead","Effect":"Deny","Action":"s3:GetObject","Resource":"*"}]}]}"#,
        );
        assert_eq!(out["decision"], "explicit_deny");
        let statements = out["deciding_statements"].as_array().cloned().unwrap_or_default();
        assert_eq!(statements.len(), 1);
        assert_eq!(statements[0]["sid"], "NoRead");
        assert_eq!(statements[0]["policy"], "identity");
        assert_eq!(statements[0]["statement_index"], 1);
    }

    /// The JSON of one decision as `explain` built it before, through a `serde_json::Value` tree.
    fn value_tree(position: usize, request: &Request, set: &PolicySet, decision: &Decision) -> Value {
        let deciding: Vec<Value> = decision
            .deciding
            .iter()
            .map(|s| {
                let conditions: Vec<Value> = set
                    .condition_outcomes(s, request)
                    .into_iter()
                    .map(|c| json!({ "operator": c.operator, "key": c.key, "held": c.held }))
                    .collect();
                json!({
                    "policy": s.policy.kind.as_str(),
                    "level": s.policy.level,
                    "policy_index": s.policy.index,
                    "statement_index": s.statement,
                    "sid": s.sid.as_deref(),
                    "effect": s.effect.to_string(),
                    "conditions": conditions,
                })
            })
            .collect();
        json!({
            "schema_version": crate::output::SCHEMA_VERSION,
            "input": position,
            "decision": decision.outcome.as_str(),
            "principal": request.principal().display(),
            "action": request.action(),
            "resource": request.resource(),
            "same_account": decision.same_account,
            "deciding_statements": deciding,
            "missing": decision.missing.map(|m| m.to_string()),
            "path": decision.path.map(|p| p.to_string()),
            "explanation": decision.explain(),
        })
    }

    #[test]
    fn json_line_is_byte_for_byte_the_value_tree_it_replaces() {
        let cases = [
            r#"{"principal":"arn:aws:iam::111111111111:user/U","action":"s3:GetObject","resource":"arn:aws:s3:::b/k",
                "resource_account":"111111111111",
                "identity_policies":[{"Version":"2012-10-17","Statement":[
                    {"Effect":"Allow","Action":"s3:*","Resource":"*"},
                    {"Sid":"NoRead","Effect":"Deny","Action":"s3:GetObject","Resource":"*",
                     "Condition":{"StringEquals":{"aws:PrincipalAccount":"111111111111"},"Null":{"aws:SourceIp":"true"}}}]}]}"#,
            r#"{"principal":"arn:aws:iam::111111111111:user/U","action":"s3:GetObject","resource":"arn:aws:s3:::b/k",
                "resource_account":"111111111111",
                "identity_policies":[{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}]}"#,
            r#"{"principal":"redshift.amazonaws.com","action":"sts:AssumeRole","resource":"arn:aws:iam::111111111111:role/C"}"#,
        ];
        let mut outcomes = Vec::new();
        for input in cases {
            let value: Value = serde_json::from_str(input).unwrap_or_else(|e| panic!("{e}"));
            let (request, policies) = parse_case(&value, &[]).unwrap_or_else(|e| panic!("{e}"));
            let set = PolicySet::compile(&policies).unwrap_or_else(|e| panic!("{e}"));
            let decision = evaluate(&request, &set).unwrap_or_else(|e| panic!("{e}"));
            outcomes.push(decision.outcome);
            crate::commands::schema_check::assert_matches_schema(
                "explain.schema.json",
                &decision_json_line(3, &request, &set, &decision),
            );
            assert_eq!(
                decision_json_line(3, &request, &set, &decision),
                format!("{}\n", value_tree(3, &request, &set, &decision))
            );
        }
        // A deny with conditions, an allow and an implicit deny.
        assert_eq!(outcomes, [Outcome::ExplicitDeny, Outcome::Allowed, Outcome::ImplicitDeny]);
    }

    #[test]
    fn text_explains_a_missing_trust() {
        let value: Value = serde_json::from_str(
            r#"{"principal":"redshift.amazonaws.com","action":"sts:AssumeRole","resource":"arn:aws:iam::111111111111:role/C"}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let (request, policies) = parse_case(&value, &[]).unwrap_or_else(|e| panic!("{e}"));
        let set = PolicySet::compile(&policies).unwrap_or_else(|e| panic!("{e}"));
        let decision = evaluate(&request, &set).unwrap_or_else(|e| panic!("{e}"));
        let text = decision_text("input", &request, &set, &decision);
        assert!(text.contains("implicitly denied"), "{text}");
        assert!(text.contains("the resource policy does not allow this principal"), "{text}");
        assert!(text.contains("service principal"), "{text}");
    }
}
