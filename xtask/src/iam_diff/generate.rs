//! The case generator of `cargo xtask iam-diff`: requests and policies over the vocabulary of
//! redbridge's chains (every kind of principal, the S3, KMS and STS actions of COPY/UNLOAD, the
//! condition keys of trusts and key policies, `Not*` elements, boundaries, session policies, SCPs
//! and RCPs, same account and across accounts), drawn from a small deterministic generator.

use serde_json::{Map, Value, json};

/// A small deterministic generator (xorshift64*).
pub struct Rng(u64);

impl Rng {
    /// Seeded generator.
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// The resource owner's account.
pub const A: &str = "111111111111";
/// Another account.
pub const B: &str = "222222222222";
const KEY: &str = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const CLUSTER: &str = "arn:aws:redshift:us-east-1:222222222222:dbuser:cluster1/etl";

/// The callers: users, roles, role sessions and roots of both accounts, and the Redshift services.
fn principals() -> [String; 11] {
    [
        format!("arn:aws:iam::{A}:user/alice"),
        format!("arn:aws:iam::{B}:user/bob"),
        format!("arn:aws:iam::{A}:role/R"),
        format!("arn:aws:sts::{A}:assumed-role/R/s"),
        format!("arn:aws:sts::{B}:assumed-role/X/s"),
        format!("arn:aws:sts::{B}:assumed-role/X/s"),
        format!("arn:aws:iam::{A}:root"),
        format!("arn:aws:iam::{B}:root"),
        "redshift.amazonaws.com".to_owned(),
        "redshift-serverless.amazonaws.com".to_owned(),
        format!("arn:aws:sts::{A}:assumed-role/R/s"),
    ]
}

/// The actions of COPY/UNLOAD's chains with their resources (all in account A).
fn requests() -> [(&'static str, String); 10] {
    [
        ("s3:GetObject", "arn:aws:s3:::bucket/data/a.csv".to_owned()),
        ("s3:PutObject", "arn:aws:s3:::bucket/data/a.csv".to_owned()),
        ("s3:ListBucket", "arn:aws:s3:::bucket".to_owned()),
        ("s3:GetBucketLocation", "arn:aws:s3:::bucket".to_owned()),
        ("sts:AssumeRole", format!("arn:aws:iam::{A}:role/Target")),
        ("sts:TagSession", format!("arn:aws:iam::{A}:role/Target")),
        ("kms:Decrypt", KEY.to_owned()),
        ("kms:GenerateDataKey", KEY.to_owned()),
        ("kms:Encrypt", KEY.to_owned()),
        ("sqs:SendMessage", format!("arn:aws:sqs:us-east-1:{A}:queue")),
    ]
}

/// Condition blocks: the keys of trusts (`aws:SourceAccount`, `aws:SourceArn`, `sts:ExternalId`,
/// `aws:PrincipalArn`), of bucket and key policies (`s3:prefix`, `kms:ViaService`,
/// `kms:CallerAccount`) and operator shapes.
fn conditions() -> Vec<Value> {
    vec![
        json!({"Bool": {"aws:SecureTransport": "true"}}),
        json!({"StringEquals": {"aws:PrincipalAccount": A}}),
        json!({"StringNotEqualsIfExists": {"aws:PrincipalAccount": [A]}}),
        json!({"StringNotEquals": {"aws:PrincipalOrgID": "o-123"}}),
        json!({"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-123"}}),
        json!({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}}),
        json!({"NotIpAddress": {"aws:SourceIp": "10.1.0.0/16"}}),
        json!({"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/R*"}}),
        json!({"ArnLike": {"aws:PrincipalArn": format!("arn:aws:iam::{A}:*")}}),
        json!({"ArnEquals": {"aws:PrincipalArn": format!("arn:aws:iam::{B}:role/X")}}),
        json!({"Null": {"aws:PrincipalOrgID": "true"}}),
        json!({"ForAnyValue:StringEquals": {"aws:PrincipalTag/team": ["data", "ops"]}}),
        json!({"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "DATA"}}),
        json!({"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}),
        json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}),
        json!({"StringEquals": {"aws:SourceAccount": B}}),
        json!({"StringEquals": {"aws:SourceAccount": A}}),
        json!({"ArnLike": {"aws:SourceArn": format!("arn:aws:redshift:us-east-1:{B}:*")}}),
        json!({"StringEquals": {"sts:ExternalId": CLUSTER}}),
        json!({"StringLike": {"sts:ExternalId": "arn:aws:redshift:*:dbuser:*/etl"}}),
        json!({"StringLike": {"s3:prefix": ["data/*", ""]}}),
        json!({"StringEquals": {"kms:ViaService": "s3.us-east-1.amazonaws.com"}}),
        json!({"StringEquals": {"kms:CallerAccount": B}}),
    ]
}

/// `Principal` values of resource policies.
fn principal_values() -> Vec<Value> {
    vec![
        json!("*"),
        json!({"AWS": "*"}),
        json!({"AWS": format!("arn:aws:iam::{A}:root")}),
        json!({"AWS": A}),
        json!({"AWS": B}),
        json!({"AWS": format!("arn:aws:iam::{B}:root")}),
        json!({"AWS": format!("arn:aws:iam::{A}:role/R")}),
        json!({"AWS": format!("arn:aws:iam::{B}:role/X")}),
        json!({"AWS": format!("arn:aws:iam::{A}:user/alice")}),
        json!({"AWS": format!("arn:aws:iam::{B}:user/bob")}),
        json!({"AWS": format!("arn:aws:sts::{A}:assumed-role/R/s")}),
        json!({"AWS": format!("arn:aws:sts::{B}:assumed-role/X/s")}),
        json!({"Service": "redshift.amazonaws.com"}),
        json!({"Service": ["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"]}),
    ]
}

/// Which kind of policy a statement is drawn for.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Identity, boundary, session and SCP statements: no principal.
    Principal,
    /// Resource-based policies: `Principal` or `NotPrincipal`.
    Resource,
    /// Resource-based policies without `Resource` (role trust).
    Trust,
}

/// One generated case: a request and the policies that apply, in `redbridge explain`'s format.
pub fn generate(rng: &mut Rng) -> Value {
    let principal = rng.pick(&principals()).clone();
    let (action, resource) = rng.pick(&requests()).clone();
    let service = action.split(':').next().unwrap_or("s3");
    let action_patterns: Vec<String> = vec![
        action.to_owned(),
        format!("{service}:*"),
        "*".to_owned(),
        action.to_lowercase(),
        format!("{}*", &action[..action.len() - 3]),
        "s3:Get*".to_owned(),
        "s3:List*".to_owned(),
        "kms:GenerateDataKey*".to_owned(),
        "sts:AssumeRole".to_owned(),
        "ec2:RunInstances".to_owned(),
    ];
    let resource_patterns: Vec<String> = vec![
        resource.clone(),
        "*".to_owned(),
        format!("{}*", &resource[..resource.len() - 2]),
        "arn:aws:s3:::bucket/*".to_owned(),
        "arn:aws:s3:::bucket".to_owned(),
        "arn:aws:s3:::other/*".to_owned(),
        resource.to_uppercase(),
        format!("arn:aws:iam::{A}:role/*"),
        "arn:aws:kms:*:*:key/*".to_owned(),
    ];
    let conditions = conditions();
    let principal_values = principal_values();
    let statement = |rng: &mut Rng, kind: Kind| -> Value {
        let mut s = Map::new();
        let deny = rng.chance(25);
        s.insert("Effect".into(), json!(if deny { "Deny" } else { "Allow" }));
        let a = if rng.chance(15) {
            json!([rng.pick(&action_patterns).clone(), rng.pick(&action_patterns).clone()])
        } else {
            json!(rng.pick(&action_patterns).clone())
        };
        s.insert(if rng.chance(10) { "NotAction" } else { "Action" }.into(), a);
        if kind != Kind::Trust {
            let r = rng.pick(&resource_patterns).clone();
            s.insert(if rng.chance(10) { "NotResource" } else { "Resource" }.into(), json!(r));
        }
        if kind != Kind::Principal {
            // NotPrincipal only with Deny and not in trust policies: AWS refuses it there.
            let not = deny && kind == Kind::Resource && rng.chance(20);
            let value = rng.pick(&principal_values).clone();
            if not && value.get("Service").is_none() && value != json!("*") {
                s.insert("NotPrincipal".into(), value);
            } else {
                s.insert("Principal".into(), value);
            }
        }
        if rng.chance(35) {
            let mut block = rng.pick(&conditions).clone();
            if rng.chance(15)
                && let (Value::Object(into), Value::Object(more)) = (&mut block, rng.pick(&conditions).clone())
            {
                for (operator, keys) in more {
                    into.entry(operator).or_insert(keys);
                }
            }
            s.insert("Condition".into(), block);
        }
        Value::Object(s)
    };
    let policy = |rng: &mut Rng, kind: Kind| -> Value {
        let n = 1 + rng.below(3);
        let statements: Vec<Value> = (0..n).map(|_| statement(rng, kind)).collect();
        json!({"Version": "2012-10-17", "Statement": statements})
    };
    let full_access =
        || json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    let is_service = !principal.starts_with("arn:");
    let is_session = principal.contains(":assumed-role/");
    let is_trust = action.starts_with("sts:");

    let identity: Vec<Value> =
        if is_service { vec![] } else { (0..rng.below(3)).map(|_| policy(rng, Kind::Principal)).collect() };
    let resource_policy = if rng.chance(if is_trust || service == "kms" || is_service { 85 } else { 55 }) {
        Some(policy(rng, if is_trust { Kind::Trust } else { Kind::Resource }))
    } else {
        None
    };
    let boundary =
        (!is_service && !principal.ends_with(":root") && rng.chance(15)).then(|| policy(rng, Kind::Principal));
    let session: Vec<Value> = if is_session && rng.chance(15) {
        (0..1 + rng.below(2)).map(|_| policy(rng, Kind::Principal)).collect()
    } else {
        vec![]
    };
    let scps: Vec<Vec<Value>> = if rng.chance(15) {
        let mut second = vec![policy(rng, Kind::Principal)];
        if rng.chance(50) {
            second.push(full_access());
        }
        vec![vec![full_access()], second]
    } else {
        vec![]
    };
    // RCPs: RCPFullAWSAccess at every level (AWS attaches it and it cannot be detached) and
    // data-perimeter denies with `"Principal": "*"` on the services RCPs support.
    let rcps: Vec<Vec<Value>> = if service != "sqs" && rng.chance(10) {
        let rcp_full = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]});
        let mut deny = Map::new();
        deny.insert("Effect".into(), json!("Deny"));
        deny.insert("Principal".into(), json!("*"));
        deny.insert("Action".into(), json!(*rng.pick(&[action, &format!("{service}:*")[..]])));
        deny.insert("Resource".into(), json!("*"));
        if rng.chance(80) {
            deny.insert("Condition".into(), rng.pick(&conditions).clone());
        }
        vec![vec![rcp_full.clone()], vec![rcp_full, json!({"Version": "2012-10-17", "Statement": [deny]})]]
    } else {
        vec![]
    };

    let mut context = Map::new();
    if rng.chance(70) {
        context.insert("aws:SecureTransport".into(), json!(rng.chance(80)));
    }
    if rng.chance(30) {
        context.insert("aws:PrincipalOrgID".into(), json!(*rng.pick(&["o-123", "o-999"])));
    }
    if rng.chance(40) {
        context.insert("aws:SourceIp".into(), json!(*rng.pick(&["10.1.2.3", "192.0.2.1", "2001:db8::5"])));
    }
    if rng.chance(25) {
        context.insert("aws:PrincipalTag/team".into(), json!(*rng.pick(&["data", "Data", "web"])));
    }
    if rng.chance(25) {
        context.insert("aws:CurrentTime".into(), json!("2025-06-01T00:00:00Z"));
    }
    if rng.chance(15) {
        context.insert("aws:MultiFactorAuthAge".into(), json!(*rng.pick(&["100", "7200"])));
    }
    if rng.chance(if is_service { 80 } else { 15 }) {
        context.insert("aws:SourceAccount".into(), json!(*rng.pick(&[A, B])));
    }
    if rng.chance(if is_service { 60 } else { 10 }) {
        let arn = format!("arn:aws:redshift:us-east-1:{}:cluster:cluster1", rng.pick(&[A, B]));
        context.insert("aws:SourceArn".into(), json!(arn));
    }
    if is_trust && rng.chance(50) {
        context.insert(
            "sts:ExternalId".into(),
            json!(*rng.pick(&[CLUSTER, "arn:aws:redshift:us-east-1:222222222222:dbuser:cluster1/other"])),
        );
    }
    if action == "s3:ListBucket" && rng.chance(60) {
        context.insert("s3:prefix".into(), json!(*rng.pick(&["data/", "other/", ""])));
    }
    if service == "kms" && rng.chance(50) {
        context.insert(
            "kms:ViaService".into(),
            json!(*rng.pick(&["s3.us-east-1.amazonaws.com", "ec2.us-east-1.amazonaws.com"])),
        );
    }
    if service == "kms" && rng.chance(40) {
        context.insert("kms:CallerAccount".into(), json!(*rng.pick(&[A, B])));
    }
    let mut input = json!({
        "principal": principal, "action": action, "resource": resource, "resource_account": A,
        "context": context, "identity_policies": identity, "session_policies": session, "scps": scps, "rcps": rcps,
    });
    if let Some(p) = resource_policy {
        input["resource_policy"] = p;
    }
    if let Some(b) = boundary {
        input["permissions_boundary"] = b;
    }
    input
}
