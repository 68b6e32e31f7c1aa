//! Reads the policy documents back out of each format, the way the tool that deploys it would:
//! Terraform through an HCL parser and evaluator, CloudFormation by resolving `Ref` and
//! `Fn::GetAtt`, the shell scripts by expanding their here-documents. Each document is labelled
//! as `Plan::policies()` labels it.

use std::collections::BTreeMap;

use hcl::eval::{Context, Evaluate};
use redbridge_iam::policy::PolicyDocument;
use serde_json::Value;

/// A policy with the label `Plan::policies()` gives it.
pub type Labelled = (String, PolicyDocument);

fn document(text: &str, what: &str) -> PolicyDocument {
    PolicyDocument::from_json(text).unwrap_or_else(|e| panic!("{what}: not a policy document: {e}\n{text}"))
}

/// Terraform files that form one module.
pub fn terraform(files: &[&str], partition: &str) -> Vec<Labelled> {
    let bodies: Vec<hcl::Body> =
        files.iter().map(|text| hcl::parse(text).unwrap_or_else(|e| panic!("not HCL: {e}\n{text}"))).collect();
    let blocks: Vec<&hcl::Block> = bodies.iter().flat_map(|b| b.blocks()).collect();
    let attribute = |block: &hcl::Block, key: &str| -> Option<hcl::Expression> {
        block.body().attributes().find(|a| a.key() == key).map(|a| a.expr().clone())
    };
    let empty = Context::new();
    let eval = |expr: &hcl::Expression, context: &Context| -> hcl::Value {
        expr.evaluate(context).unwrap_or_else(|e| panic!("cannot evaluate `{expr}`: {e}"))
    };

    // Provider alias -> account, from allowed_account_ids.
    let mut provider_accounts = BTreeMap::new();
    for block in blocks.iter().filter(|b| b.identifier() == "provider") {
        let alias = eval(&attribute(block, "alias").expect("every provider has an alias"), &empty);
        let accounts = eval(&attribute(block, "allowed_account_ids").expect("every provider pins its account"), &empty);
        let account =
            accounts.as_array().and_then(|a| a.first()).and_then(|v| v.as_str()).expect("one account").to_owned();
        provider_accounts.insert(format!("aws.{}", alias.as_str().expect("alias is a string")), account);
    }
    let label =
        |block: &hcl::Block, index: usize| block.labels().get(index).map(|l| l.as_str().to_owned()).unwrap_or_default();
    let of_type = |kind: &'static str| {
        blocks.iter().filter(move |b| b.identifier() == "resource" && label(b, 0) == kind).copied().collect::<Vec<_>>()
    };

    let mut context = Context::new();
    let mut variables = hcl::Map::new();
    for block in blocks.iter().filter(|b| b.identifier() == "variable") {
        let default = attribute(block, "default").map(|e| eval(&e, &empty)).unwrap_or(hcl::Value::Null);
        variables.insert(label(block, 0), default);
    }
    context.declare_var("var", hcl::Value::Object(variables));
    let mut roles = hcl::Map::new();
    let mut role_arns = BTreeMap::new();
    for block in of_type("aws_iam_role") {
        let provider = attribute(block, "provider").expect("roles name their provider").to_string();
        let account = &provider_accounts[provider.trim()];
        let name = eval(&attribute(block, "name").expect("roles have a name"), &empty);
        let path = attribute(block, "path").map(|e| eval(&e, &empty).as_str().unwrap_or("/").to_owned());
        let arn = format!(
            "arn:{partition}:iam::{account}:role{}{}",
            path.as_deref().unwrap_or("/"),
            name.as_str().expect("name is a string")
        );
        let mut attributes = hcl::Map::new();
        attributes.insert("arn".to_owned(), hcl::Value::from(arn.clone()));
        attributes.insert("id".to_owned(), hcl::Value::from(name.as_str().unwrap_or_default()));
        roles.insert(label(block, 1), hcl::Value::Object(attributes));
        role_arns.insert(label(block, 1), arn);
    }
    context.declare_var("aws_iam_role", hcl::Value::Object(roles));

    let mut out = Vec::new();
    for block in of_type("aws_iam_role") {
        let policy = eval(&attribute(block, "assume_role_policy").expect("roles have a trust policy"), &context);
        let arn = &role_arns[&label(block, 1)];
        out.push((format!("{arn} trust"), document(policy.as_str().expect("policy is a string"), arn)));
    }
    for block in of_type("aws_iam_role_policy") {
        let role = attribute(block, "role").expect("policies name their role").to_string();
        let role_label =
            role.trim().strip_prefix("aws_iam_role.").and_then(|r| r.strip_suffix(".id")).expect("role by reference");
        let arn = &role_arns[role_label];
        let name = eval(&attribute(block, "name").expect("policies have a name"), &empty);
        let policy = eval(&attribute(block, "policy").expect("policies have a document"), &context);
        out.push((
            format!("{arn} inline {}", name.as_str().unwrap_or_default()),
            document(policy.as_str().expect("policy is a string"), arn),
        ));
    }
    for block in blocks.iter().filter(|b| b.identifier() == "locals") {
        if let (Some(key), Some(statements)) =
            (attribute(block, "key_policy_key_arn"), attribute(block, "key_policy_statements"))
        {
            let key = eval(&key, &empty);
            let statements = eval(&statements, &context);
            out.push((
                format!("{} key policy statements", key.as_str().unwrap_or_default()),
                document(statements.as_str().expect("statements are a string"), "key policy statements"),
            ));
        }
    }
    out
}

/// One CloudFormation template of `account`.
pub fn cloudformation(text: &str, account: &str, partition: &str) -> Vec<Labelled> {
    let template: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON: {e}"));
    let parameters: BTreeMap<String, String> = template["Parameters"]
        .as_object()
        .map(|p| p.iter().map(|(k, v)| (k.clone(), v["Default"].as_str().unwrap_or_default().to_owned())).collect())
        .unwrap_or_default();
    let resources = template["Resources"].as_object().expect("a template has resources");
    let mut arns = BTreeMap::new();
    for (logical, resource) in resources {
        assert_eq!(resource["Type"], "AWS::IAM::Role", "only roles are created, found {logical}");
        let properties = &resource["Properties"];
        let path = properties["Path"].as_str().unwrap_or("/");
        let name = properties["RoleName"].as_str().expect("roles are named");
        arns.insert(logical.clone(), format!("arn:{partition}:iam::{account}:role{path}{name}"));
    }
    let resolve = |value: &Value| resolve(value, &parameters, &arns);
    let mut out = Vec::new();
    for (logical, resource) in resources {
        let arn = &arns[logical];
        let properties = &resource["Properties"];
        out.push((format!("{arn} trust"), from_value(resolve(&properties["AssumeRolePolicyDocument"]))));
        for policy in properties["Policies"].as_array().into_iter().flatten() {
            let name = policy["PolicyName"].as_str().expect("policies are named");
            out.push((format!("{arn} inline {name}"), from_value(resolve(&policy["PolicyDocument"]))));
        }
    }
    let key_policy = &template["Metadata"]["Redbridge"]["KeyPolicy"];
    if !key_policy.is_null() {
        let key = key_policy["KeyArn"].as_str().expect("the key is named");
        out.push((format!("{key} key policy statements"), from_value(key_policy["StatementsToMerge"].clone())));
    }
    out
}

fn from_value(value: Value) -> PolicyDocument {
    PolicyDocument::from_value(value.clone()).unwrap_or_else(|e| panic!("not a policy document: {e}\n{value:#}"))
}

/// Resolves the intrinsic functions a policy may hold: `Ref` to a parameter, `Fn::GetAtt` of a
/// role's `Arn`. Any other function fails the test.
fn resolve(value: &Value, parameters: &BTreeMap<String, String>, arns: &BTreeMap<String, String>) -> Value {
    match value {
        Value::Object(map) if map.keys().any(|k| k == "Ref" || k.starts_with("Fn::")) => {
            if let Some(Value::String(name)) = map.get("Ref") {
                return Value::String(
                    parameters.get(name).unwrap_or_else(|| panic!("unknown parameter {name}")).clone(),
                );
            }
            if let Some(Value::Array(args)) = map.get("Fn::GetAtt") {
                assert_eq!(args[1], "Arn");
                let logical = args[0].as_str().expect("a logical id");
                return Value::String(
                    arns.get(logical).unwrap_or_else(|| panic!("unknown resource {logical}")).clone(),
                );
            }
            panic!("unexpected intrinsic function in a policy: {value}");
        }
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), resolve(v, parameters, arns))).collect())
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| resolve(v, parameters, arns)).collect()),
        other => other.clone(),
    }
}

/// One AWS CLI script: here-documents expanded as bash would, with each variable at its default.
pub fn aws_cli(text: &str, account: &str, partition: &str) -> Vec<Labelled> {
    let mut defaults = BTreeMap::new();
    let mut documents = BTreeMap::new();
    let mut key_arn = None;
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        if let Some((name, rest)) = line.split_once("=\"${")
            && let Some(default) = rest.strip_prefix(&format!("{name}:-")).and_then(|r| r.strip_suffix("}\""))
        {
            defaults.insert(name.to_owned(), default.to_owned());
        } else if let Some(arn) = line.strip_prefix("key_arn='").and_then(|l| l.strip_suffix('\'')) {
            key_arn = Some(arn.to_owned());
        } else if let Some(variable) = line.strip_suffix("=$(cat <<JSON") {
            let end = lines[index..].iter().position(|l| *l == "JSON").expect("a closed here-document") + index;
            let body = lines[index + 1..end].join("\n");
            let expanded = expand_heredoc(&body, &defaults);
            documents.insert(variable.to_owned(), document(&expanded, variable));
            if variable == "key_policy_statements" {
                let key = key_arn.clone().expect("`key_arn` comes before the key statements");
                out.push((format!("{key} key policy statements"), documents[variable].clone()));
            }
            index = end;
        } else if let Some(rest) = line.strip_prefix("ensure_role ") {
            let words = shell_words(rest);
            let (name, path) = (&words[0], &words[1]);
            let variable = words[3].trim_start_matches('$');
            out.push((format!("arn:{partition}:iam::{account}:role{path}{name} trust"), documents[variable].clone()));
        } else if let Some(rest) = line.strip_prefix("awscli iam put-role-policy ") {
            let words = shell_words(rest);
            let value = |flag: &str| words[words.iter().position(|w| w == flag).expect("flag present") + 1].clone();
            let variable = value("--policy-document");
            out.push((
                format!(
                    "arn:{partition}:iam::{account}:role/{} inline {}",
                    value("--role-name"),
                    value("--policy-name")
                ),
                documents[variable.trim_start_matches('$')].clone(),
            ));
        }
        index += 1;
    }
    out
}

/// Expands an unquoted here-document: `\$`, `` \` `` and `\\` are escapes, `${NAME}` a variable.
fn expand_heredoc(body: &str, defaults: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if matches!(chars.peek(), Some('$' | '`' | '\\')) => out.push(chars.next().unwrap_or_default()),
            '$' => {
                assert_eq!(chars.next(), Some('{'), "a bare `$` would expand in a here-document: {body}");
                let name: String = chars.by_ref().take_while(|c| *c != '}').collect();
                out.push_str(defaults.get(&name).unwrap_or_else(|| panic!("`${name}` has no default")));
            }
            '`' => panic!("an unescaped backtick would run a command: {body}"),
            other => out.push(other),
        }
    }
    out
}

/// Splits the single- and double-quoted words of one shell command line (enough for these scripts).
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek() == Some(&' ') {
            chars.next();
        }
        let Some(&first) = chars.peek() else { break };
        let mut word = String::new();
        if first == '\'' || first == '"' {
            chars.next();
            for c in chars.by_ref() {
                if c == first {
                    break;
                }
                word.push(c);
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == ' ' {
                    break;
                }
                word.push(c);
                chars.next();
            }
        }
        words.push(word);
    }
    words
}

/// The managed policies of one operator-policy file, by policy name, read back as the format's
/// tool reads them: `aws_iam_policy` resources evaluated, `AWS::IAM::ManagedPolicy` resources,
/// or the script's here-documents handed to `ensure_policy`.
pub fn operator_policies(format: redbridge_export::Format, text: &str) -> Vec<(String, PolicyDocument)> {
    use redbridge_export::Format;
    match format {
        Format::Terraform => {
            let body = hcl::parse(text).unwrap_or_else(|e| panic!("not HCL: {e}\n{text}"));
            let empty = Context::new();
            body.blocks()
                .filter(|b| {
                    b.identifier() == "resource" && b.labels().first().map(|l| l.as_str()) == Some("aws_iam_policy")
                })
                .map(|block| {
                    let value = |key: &str| {
                        let expr =
                            block.body().attributes().find(|a| a.key() == key).expect("attribute present").expr();
                        expr.evaluate(&empty).unwrap_or_else(|e| panic!("cannot evaluate `{expr}`: {e}"))
                    };
                    let name = value("name").as_str().expect("a string name").to_owned();
                    let policy = value("policy");
                    (name.clone(), document(policy.as_str().expect("a string policy"), &name))
                })
                .collect()
        }
        Format::CloudFormation => {
            let template: Value = serde_json::from_str(text).expect("a JSON template");
            let resources = template["Resources"].as_object().expect("resources");
            resources
                .values()
                .map(|resource| {
                    assert_eq!(resource["Type"], "AWS::IAM::ManagedPolicy");
                    let properties = &resource["Properties"];
                    let name = properties["ManagedPolicyName"].as_str().expect("a name").to_owned();
                    (name, from_value(properties["PolicyDocument"].clone()))
                })
                .collect()
        }
        Format::AwsCli => {
            let lines: Vec<&str> = text.lines().collect();
            let mut documents = BTreeMap::new();
            let mut out = Vec::new();
            for (index, line) in lines.iter().enumerate() {
                if let Some(variable) = line.strip_suffix("=$(cat <<JSON") {
                    let end = lines[index..].iter().position(|l| *l == "JSON").expect("a closed here-document") + index;
                    let body = lines[index + 1..end].join("\n");
                    documents.insert(variable.to_owned(), document(&expand_heredoc(&body, &BTreeMap::new()), variable));
                } else if let Some(rest) = line.strip_prefix("ensure_policy ") {
                    let words = shell_words(rest);
                    let variable = words[2].trim_start_matches('$');
                    out.push((words[0].clone(), documents[variable].clone()));
                }
            }
            out
        }
    }
}
