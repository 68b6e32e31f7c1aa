//! Plans the repository's two example setups and prints what `redbridge plan` shows: the role
//! chain, every step per account with its policy documents, the statements to run and the notes.
//! Pure: no AWS call, no file read at run time (the spec files are embedded).
//!
//! ```text
//! cargo run -p redbridge-core --example plan_from_spec
//! ```

use redbridge_core::plan::Step;
use redbridge_core::{Plan, Spec, Target};

/// The spec files of `examples/`, by name.
const SPECS: [(&str, &str); 2] = [
    ("provisioned-copy.toml", include_str!("../../../examples/provisioned-copy.toml")),
    ("serverless-unload-kms.toml", include_str!("../../../examples/serverless-unload-kms.toml")),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    for (name, text) in SPECS {
        // A spec error says its line and column: `{name}:{error}` reads like a compiler's.
        let spec = Spec::from_toml(text).map_err(|error| format!("{name}:{error}"))?;
        let plan = Plan::new(&spec)?;
        println!("# {name}");
        let chain: Vec<String> = plan.chain.roles().iter().map(ToString::to_string).collect();
        println!("chain: {}", chain.join(" -> "));
        for account in &plan.accounts {
            println!("account {} ({:?}):", account.account, account.side);
            for step in &account.steps {
                println!("  {}", describe(step));
            }
        }
        for (label, policy) in plan.policies() {
            println!("policy {label}:\n{}", serde_json::to_string_pretty(&policy)?);
        }
        for statement in &plan.statements {
            match statement.location.as_str() {
                "" => println!("-- {:?}\n{};", statement.kind, statement.sql),
                location => println!("-- {:?} {location}\n{};", statement.kind, statement.sql),
            }
        }
        for note in &plan.notes {
            println!("note {}: {}", note.code, note.message);
        }
        println!();
    }
    Ok(())
}

/// One line per step.
fn describe(step: &Step) -> String {
    match step {
        Step::CreateRole { role, .. } => format!("create role `{role}`"),
        Step::PutRolePolicy { role, policy_name, .. } => format!("put inline policy `{policy_name}` on `{role}`"),
        Step::MergeKeyPolicy { key, statements, .. } => {
            format!("merge {} statement(s) into the policy of key `{key}`", statements.len())
        }
        Step::AttachRole { target: Target::Provisioned { cluster }, role, .. } => {
            format!("attach `{role}` to cluster `{cluster}`")
        }
        Step::AttachRole { target: Target::Serverless { namespace, .. }, role, .. } => {
            format!("attach `{role}` to namespace `{namespace}`")
        }
    }
}
