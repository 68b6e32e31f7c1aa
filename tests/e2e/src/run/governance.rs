//! The steps about who runs redbridge and what governs the accounts: `operator`, `organization`,
//! and apply's refusal before any change.

use anyhow::{Context, ensure};
use redbridge_iam::policy::PolicyDocument;
use serde_json::Value;

use super::{Run, Runner};
use crate::scenario::Side;

impl Runner<'_> {
    /// `do = "operator"`: the plan's operator policies of `commands` for `side`'s account, merged,
    /// less `without`, become the only policy of the operator the profile now signs as.
    pub(super) async fn operator(
        &mut self,
        side: Side,
        commands: &[String],
        without: &[String],
    ) -> anyhow::Result<String> {
        if commands.is_empty() {
            return self.world.set_operator(side, None).await;
        }
        let args = vec![
            "plan".to_owned(),
            "--spec".to_owned(),
            self.world.spec_path().display().to_string(),
            "--output".to_owned(),
            "json".to_owned(),
        ];
        let plan = self.run(&args)?.json()?;
        let mut statements: Vec<Value> = Vec::new();
        for command in commands {
            let document = &plan["operator_policies"][side.name()][command.as_str()];
            let found = document["Statement"]
                .as_array()
                .with_context(|| format!("the plan has no `operator_policies.{}.{command}` policy", side.name()))?;
            statements.extend(found.iter().cloned());
        }
        let mut removed = 0;
        for statement in &mut statements {
            if let Some(actions) = statement.get_mut("Action") {
                let before = actions.clone();
                match actions {
                    Value::Array(items) => items.retain(|a| !without.iter().any(|w| a.as_str() == Some(w.as_str()))),
                    Value::String(action) if without.contains(action) => *actions = Value::Array(Vec::new()),
                    _ => {}
                }
                removed += usize::from(*actions != before);
            }
        }
        ensure!(without.is_empty() || removed > 0, "no operator policy statement holds {without:?}");
        statements.retain(|s| !matches!(s.get("Action"), Some(Value::Array(items)) if items.is_empty()));
        let document: PolicyDocument =
            serde_json::from_value(serde_json::json!({"Version": "2012-10-17", "Statement": statements}))?;
        let what = self.world.set_operator(side, Some(document)).await?;
        Ok(format!(
            "operator ({}{}): {what}",
            commands.join("+"),
            if without.is_empty() { String::new() } else { format!(" without {}", without.join(", ")) }
        ))
    }

    /// `do = "organization"`.
    pub(super) fn organization(&mut self, document: &str) -> anyhow::Result<String> {
        self.world.load_organization(document)
    }

    /// `expect = "refused"`: apply exited with an error before changing anything.
    pub(super) fn refused_apply(&self, run: &Run) -> anyhow::Result<String> {
        ensure!(run.code.is_some_and(|c| c != 0), "apply exited {:?}, expected a refusal", run.code);
        let result = run.json()?;
        let changed: Vec<&Value> =
            result["steps"].as_array().into_iter().flatten().filter(|s| s["status"] == "done").collect();
        ensure!(changed.is_empty(), "apply refused but changed something first: {changed:?}");
        Ok(format!("apply: refused ({})", result["status"].as_str().unwrap_or("error")))
    }
}
