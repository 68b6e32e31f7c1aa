//! The audit's reader over the fakes: an organization entered through a role name, a chain
//! through a third account, an account that cannot be entered, throttling retried, and no
//! bucket ever listed.

use redbridge_aws::audit_reader::{AuditEntry, AuditSettings, read_world};
use redbridge_aws::fake::{FakeAws, FakeOrganization};
use redbridge_core::audit::{ChainStatus, audit};
use redbridge_core::doctor::Known;
use redbridge_iam::policy::PolicyDocument;
use redbridge_iam::{AccountId, Region, RoleArn};

use crate::block_on;

const MANAGEMENT: &str = "999999999999";
const REDSHIFT: &str = "111111111111";
const BUCKETS: &str = "222222222222";
const HOP: &str = "333333333333";
const CLOSED: &str = "444444444444";

fn account(id: &str) -> AccountId {
    AccountId::parse(id).unwrap()
}

fn region() -> Region {
    Region::parse("eu-west-1").unwrap()
}

fn arn(account: &str, name: &str) -> RoleArn {
    RoleArn::parse(&format!("arn:aws:iam::{account}:role/{name}")).unwrap()
}

fn doc(json: &str) -> PolicyDocument {
    PolicyDocument::from_json(json).unwrap()
}

fn trust(principal: &str) -> PolicyDocument {
    doc(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"sts:AssumeRole"}}]}}"#
    ))
}

fn redshift_trust() -> PolicyDocument {
    doc(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":["redshift.amazonaws.com","redshift-serverless.amazonaws.com"]}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"aws:SourceAccount":"{REDSHIFT}"}}}}}}]}}"#
    ))
}

fn assume(role: &RoleArn) -> PolicyDocument {
    doc(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"{role}"}}]}}"#
    ))
}

fn objects(bucket: &str, prefix: &str) -> PolicyDocument {
    doc(&format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::{bucket}/{prefix}*"}},
            {{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::{bucket}"}}]}}"#
    ))
}

fn role(aws: &FakeAws, role: &RoleArn, trust: PolicyDocument, policy: PolicyDocument) {
    aws.seed_role(role, trust, &[]);
    aws.edit(|s| {
        s.roles.get_mut(&role.to_string()).unwrap().inline_policies.insert("access".to_owned(), policy);
    });
}

/// An organization of four accounts under a management account: a cluster chains through a
/// third account to a bucket; a workgroup's chain is refused by the bucket role's trust; a
/// second cluster's role leads into an account without the audit role.
fn world() -> FakeAws {
    let aws = FakeAws::new();
    let mut organization = FakeOrganization::new("o-abcdefghij", account(MANAGEMENT));
    for id in [REDSHIFT, BUCKETS, HOP, CLOSED] {
        let root = organization.root_id.clone();
        organization.add_account(account(id), &root);
    }
    organization.names.insert(account(REDSHIFT), "analytics".to_owned());
    aws.seed_organization(organization);
    for id in [REDSHIFT, BUCKETS, HOP] {
        aws.seed_role(&arn(id, "rb-audit"), trust(&format!("arn:aws:iam::{MANAGEMENT}:root")), &[]);
    }
    let cluster = arn(REDSHIFT, "cluster");
    let serverless = arn(REDSHIFT, "serverless");
    let orphan = arn(REDSHIFT, "orphan");
    let hop = arn(HOP, "hop");
    let loader = arn(BUCKETS, "loader");
    let refuser = arn(BUCKETS, "refuser");
    role(&aws, &cluster, redshift_trust(), assume(&hop));
    role(&aws, &hop, trust(&cluster.to_string()), assume(&loader));
    role(&aws, &loader, trust(&hop.to_string()), objects("data", "in/"));
    role(&aws, &serverless, redshift_trust(), assume(&refuser));
    role(&aws, &refuser, trust(&format!("arn:aws:iam::{REDSHIFT}:role/someone-else")), objects("data", "out/"));
    role(&aws, &orphan, redshift_trust(), assume(&arn(CLOSED, "loader")));
    // A same-account role that works but is wider than it needs to be.
    let wide = arn(REDSHIFT, "wide");
    let wide_trust = doc(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
    );
    role(
        &aws,
        &wide,
        wide_trust,
        doc(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#),
    );
    aws.seed_owned_bucket(account(REDSHIFT), "scratch", region(), None);
    aws.seed_owned_cluster(account(REDSHIFT), "analytics", &[&cluster.to_string(), &wide.to_string()], None);
    aws.seed_owned_cluster(account(REDSHIFT), "legacy", &[&orphan.to_string()], None);
    aws.seed_owned_namespace(
        account(REDSHIFT),
        "reporting-ns",
        &[&serverless.to_string()],
        Some(&serverless.to_string()),
    );
    aws.seed_owned_workgroup(account(REDSHIFT), "reporting", "reporting-ns", "wg-0001");
    aws.seed_owned_bucket(account(BUCKETS), "data", region(), None);
    aws.seed_owned_bucket(account(BUCKETS), "unrelated", region(), None);
    aws
}

fn settings() -> AuditSettings {
    AuditSettings {
        regions: vec![region()],
        entries: vec![AuditEntry {
            account: account(MANAGEMENT),
            how: "profile management".to_owned(),
            redshift: true,
        }],
        organization: true,
        assume_role_name: Some("rb-audit".to_owned()),
        concurrency: 8,
    }
}

#[test]
fn an_organization_is_entered_by_role_name_and_every_chain_is_found_and_judged() {
    let aws = world();
    let read = block_on(read_world(&aws, &settings(), &|_| {}));
    let report = audit(&read.world);
    let summary: Vec<(String, ChainStatus, String)> =
        report.chains.iter().map(|c| (c.redshift.label(), c.status, c.iam_role.clone())).collect();
    assert_eq!(
        summary,
        vec![
            (
                "cluster analytics".to_owned(),
                ChainStatus::Working,
                format!("{},{},{}", arn(REDSHIFT, "cluster"), arn(HOP, "hop"), arn(BUCKETS, "loader"))
            ),
            ("cluster analytics".to_owned(), ChainStatus::Working, arn(REDSHIFT, "wide").to_string()),
            (
                "cluster legacy".to_owned(),
                ChainStatus::NotJudged,
                format!("{},{}", arn(REDSHIFT, "orphan"), arn(CLOSED, "loader"))
            ),
            (
                "workgroup reporting".to_owned(),
                ChainStatus::Broken,
                format!("{},{}", arn(REDSHIFT, "serverless"), arn(BUCKETS, "refuser"))
            ),
        ],
        "{report:#?}"
    );
    // `s3:*` on `*` reaches its own account's bucket; the other account's buckets have no
    // policy letting it in, so they are no chain of it.
    assert_eq!((report.chains[1].bucket.as_str(), report.chains[1].over_broad.len()), ("scratch", 3));
    let broken = &report.chains[3];
    assert!(broken.findings.iter().any(|f| f.code == "RB122"), "{:#?}", broken.findings);
    assert!(broken.default_role);
    let closed = report.accounts.iter().find(|a| a.id == account(CLOSED)).unwrap();
    assert!(!closed.entered && closed.how.contains("sts:AssumeRole"), "{closed:?}");
    let named = report.accounts.iter().find(|a| a.id == account(REDSHIFT)).unwrap();
    assert_eq!(named.name.as_deref(), Some("analytics"));
    // Only buckets a chain reaches are in the world (`s3:*` on `*` reaches all), and no
    // bucket's objects were listed.
    assert_eq!(read.world.buckets.keys().collect::<Vec<_>>(), ["data", "scratch", "unrelated"]);
    assert!(!aws.calls().iter().any(|c| c.starts_with("s3:ListObjects")), "{:?}", aws.calls());
    // The organization's SCPs were read with the management account: never only "as far as read".
    assert!(matches!(read.world.accounts[&account(BUCKETS)].organization, Some(Known::Known { .. })));
    assert_eq!(report.chains[0].verdict, Some(redbridge_core::doctor::Verdict::Healthy));
    // The committed example world is exactly what this organization reads as
    // (`REDBRIDGE_WRITE_EXAMPLES=1` rewrites it after a deliberate change).
    let json = serde_json::to_string_pretty(&read.world).unwrap() + "\n";
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/audit.world.json");
    if std::env::var_os("REDBRIDGE_WRITE_EXAMPLES").is_some() {
        std::fs::write(path, &json).unwrap();
    }
    assert_eq!(std::fs::read_to_string(path).unwrap_or_default(), json, "examples/audit.world.json is stale");
}

#[test]
fn throttled_calls_are_retried_and_the_result_is_the_same() {
    let calm = block_on(read_world(&world(), &settings(), &|_| {}));
    let aws = world();
    aws.throttle_every(5);
    let throttled = block_on(read_world(&aws, &settings(), &|_| {}));
    assert!(throttled.retries > 0);
    assert_eq!(audit(&throttled.world), audit(&calm.world));
}

#[test]
fn progress_counts_up_to_each_phase_total() {
    let seen = std::sync::Mutex::new(Vec::new());
    block_on(read_world(&world(), &settings(), &|p| seen.lock().unwrap().push(p)));
    let seen = seen.into_inner().unwrap();
    for phase in ["accounts", "roles", "buckets"] {
        let last = seen.iter().rev().find(|p| p.phase == phase).unwrap_or_else(|| panic!("no {phase} progress"));
        assert_eq!(last.done, last.total, "{phase}: {seen:?}");
    }
}
