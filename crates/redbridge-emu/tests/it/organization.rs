//! The organization: set through `PUT /_emu/organization`, answered through the Organizations
//! API in its JSON protocol, and applied to every hop of a COPY (SCPs of the principal's
//! account, RCPs of the resource's account, `aws:PrincipalOrgID`).

use redbridge_core::doctor::classify::classify;

use crate::copy_unload::{BUCKET_ROLE, CHAIN, CLUSTER_ROLE, gzip, setup};
use crate::support::{Harness, json_body, post, request, run_err, run_ok};

/// Accounts 111111111111 (the Data OU) and 222222222222 (the root) under management account
/// 999999999999, with `policies` (a JSON list) besides AWS's defaults.
fn organization(accounts: &str, policies: &str) -> String {
    format!(
        r#"{{"id":"o-a1b2c3d4e5","management_account":"999999999999","root":"r-a1b2",
            "units":[{{"id":"ou-a1b2-11111111","name":"Data","parent":"r-a1b2"}}],
            "accounts":{accounts},"policies":{policies}}}"#
    )
}

const BOTH: &str = r#"{"111111111111":"ou-a1b2-11111111","222222222222":"r-a1b2"}"#;

async fn call(h: &Harness, account: &str, operation: &str, input: &str) -> String {
    let target = format!("AWSOrganizationsV20161128.{operation}");
    post(&h.emulator.endpoint_url(), account, "organizations", Some(&target), input).await
}

#[tokio::test]
async fn the_organizations_api_answers_members_the_management_account_and_outsiders_as_aws_does() {
    let h = Harness::start().await;
    let scp = r#"[{"id":"p-denyassume","name":"DenyAssumeOutside","type":"SERVICE_CONTROL_POLICY",
        "document":{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*"}]},
        "targets":["ou-a1b2-11111111"]}]"#;
    let answer = h.put_organization(&organization(BOTH, scp)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert_eq!(json_body(&answer)["policies"], 3, "the SCP and AWS's two defaults");

    let described = call(&h, "111111111111", "DescribeOrganization", "{}").await;
    let organization = &json_body(&described)["Organization"];
    assert_eq!(organization["Id"], "o-a1b2c3d4e5");
    assert_eq!(organization["MasterAccountId"], "999999999999");
    assert_eq!(organization["Arn"], "arn:aws:organizations::999999999999:organization/o-a1b2c3d4e5");

    let outside = call(&h, "333333333333", "DescribeOrganization", "{}").await;
    assert!(outside.contains("x-amzn-errortype: AWSOrganizationsNotInUseException"), "{outside}");
    assert_eq!(json_body(&outside)["Message"], "Your account is not a member of an organization.");

    let member = call(&h, "111111111111", "ListParents", r#"{"ChildId":"111111111111"}"#).await;
    assert_eq!(json_body(&member)["__type"], "AccessDeniedException");
    assert_eq!(json_body(&member)["Message"], "You don't have permissions to access this resource.");

    let parents = json_body(&call(&h, "999999999999", "ListParents", r#"{"ChildId":"111111111111"}"#).await);
    assert_eq!(parents["Parents"], serde_json::json!([{ "Id": "ou-a1b2-11111111", "Type": "ORGANIZATIONAL_UNIT" }]));
    let parents = json_body(&call(&h, "999999999999", "ListParents", r#"{"ChildId":"ou-a1b2-11111111"}"#).await);
    assert_eq!(parents["Parents"][0]["Type"], "ROOT");

    let input = r#"{"TargetId":"ou-a1b2-11111111","Filter":"SERVICE_CONTROL_POLICY"}"#;
    let listed = json_body(&call(&h, "999999999999", "ListPoliciesForTarget", input).await);
    let ids: Vec<&str> = listed["Policies"].as_array().unwrap().iter().map(|p| p["Id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["p-FullAWSAccess", "p-denyassume"]);
    assert_eq!(listed["Policies"][0]["AwsManaged"], true);
    assert_eq!(
        listed["Policies"][0]["Arn"],
        "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess"
    );
    let paged =
        json_body(&call(&h, "999999999999", "ListPoliciesForTarget", &input.replace('}', r#","MaxResults":1}"#)).await);
    assert_eq!((paged["Policies"].as_array().unwrap().len(), &paged["NextToken"]), (1, &serde_json::json!("1")));
    let rcps = r#"{"TargetId":"222222222222","Filter":"RESOURCE_CONTROL_POLICY"}"#;
    let listed = json_body(&call(&h, "999999999999", "ListPoliciesForTarget", rcps).await);
    assert_eq!(listed["Policies"][0]["Id"], "p-RCPFullAWSAccess");

    let described = json_body(&call(&h, "999999999999", "DescribePolicy", r#"{"PolicyId":"p-denyassume"}"#).await);
    assert_eq!(described["Policy"]["PolicySummary"]["Type"], "SERVICE_CONTROL_POLICY");
    let content: serde_json::Value = serde_json::from_str(described["Policy"]["Content"].as_str().unwrap()).unwrap();
    assert_eq!(content["Statement"][0]["Action"], "sts:AssumeRole");

    for (input, code) in [
        (r#"{"PolicyId":"p-nosuchpolicy"}"#, "PolicyNotFoundException"),
        (r#"{"PolicyId":"bad"}"#, "InvalidInputException"),
    ] {
        let answer = call(&h, "999999999999", "DescribePolicy", input).await;
        assert_eq!(json_body(&answer)["__type"], code, "{answer}");
    }
    let missing = call(&h, "999999999999", "ListParents", r#"{"ChildId":"444444444444"}"#).await;
    assert_eq!(json_body(&missing)["__type"], "ChildNotFoundException");
    let unknown = r#"{"TargetId":"ou-a1b2-99999999","Filter":"SERVICE_CONTROL_POLICY"}"#;
    let missing = call(&h, "999999999999", "ListPoliciesForTarget", unknown).await;
    assert_eq!(json_body(&missing)["__type"], "TargetNotFoundException");
}

#[tokio::test]
async fn the_admin_route_refuses_a_hostile_organization_with_the_reason_and_keeps_the_last_good_one() {
    let h = Harness::start().await;
    assert!(h.put_organization(&organization(BOTH, "[]")).await.starts_with("HTTP/1.1 200"));
    let cycle = organization(BOTH, "[]").replace(r#""parent":"r-a1b2""#, r#""parent":"ou-a1b2-11111111""#);
    for (bad, reason) in
        [(cycle, "cycle"), ("{".to_owned(), "not valid"), (organization(r#"{"1":"r-a1b2"}"#, "[]"), "account `1`")]
    {
        let answer = h.put_organization(&bad).await;
        assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
        assert!(json_body(&answer)["message"].as_str().unwrap().contains(reason), "{reason}: {answer}");
    }
    let kept = json_body(&request(&h.emulator.endpoint_url(), "GET", "/_emu/organization", "").await);
    assert_eq!(kept["accounts"], 3, "the last good organization stays");
    let removed = request(&h.emulator.endpoint_url(), "DELETE", "/_redbridge/organization", "").await;
    assert!(removed.starts_with("HTTP/1.1 200"), "{removed}");
    let none = call(&h, "111111111111", "DescribeOrganization", "{}").await;
    assert_eq!(json_body(&none)["__type"], "AWSOrganizationsNotInUseException");
}

async fn copy(h: &Harness) -> Result<(), String> {
    let data = h.data("111111111111");
    h.put_object_raw("data-bucket", "in/part-1.csv.gz", gzip("id\n1\n"));
    run_ok(&data, "main", "create table if not exists src (id integer)").await;
    let sql = format!("COPY src FROM 's3://data-bucket/in/' IAM_ROLE '{CHAIN}' CSV IGNOREHEADER 1 GZIP");
    let (_, done) = crate::support::run_on(&data, &crate::support::on_cluster("main"), &sql).await;
    match done.state {
        redbridge_aws::ports::StatementState::Finished { .. } => Ok(()),
        redbridge_aws::ports::StatementState::Failed { error } => Err(error),
        other => panic!("the COPY ended as {other:?}"),
    }
}

#[tokio::test]
async fn an_scp_denying_assume_role_to_other_accounts_breaks_the_cross_account_copy_with_the_hop_text() {
    let h = setup(true).await;
    copy(&h).await.expect("no organization: the COPY works");
    let deny_outside = r#"[{"id":"p-denyassume","name":"DenyAssumeOutside","type":"SERVICE_CONTROL_POLICY",
        "document":{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"sts:AssumeRole","Resource":"*",
          "Condition":{"StringNotEquals":{"aws:ResourceAccount":"111111111111"}}}]},
        "targets":["ou-a1b2-11111111"]}]"#;
    let answer = h.put_organization(&organization(BOTH, deny_outside)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let error = copy(&h).await.expect_err("the SCP of the Redshift account denies the second hop");
    assert_eq!(error, format!("ERROR: Not authorized to get credentials of role {BUCKET_ROLE}"));
    assert_eq!(classify(&error).code, "RB111", "classified as a refused hop");
    // The first hop is the Redshift service's: SCPs do not apply to it, so the cluster role is not named.
    assert!(!error.contains(CLUSTER_ROLE));
}

/// AWS's identity-perimeter RCP (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_examples.html>):
/// only principals of the organization (and AWS services) may use `actions` on the target's resources.
fn perimeter(actions: &str, target: &str) -> String {
    format!(
        r#"[{{"id":"p-perimeter","name":"OnlyOurOrganization","type":"RESOURCE_CONTROL_POLICY",
            "document":{{"Version":"2012-10-17","Statement":[{{"Effect":"Deny","Principal":"*","Action":[{actions}],"Resource":"*",
              "Condition":{{"StringNotEqualsIfExists":{{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}},
                           "BoolIfExists":{{"aws:PrincipalIsAWSService":"false"}}}}}}]}},
            "targets":["{target}"]}}]"#
    )
}

#[tokio::test]
async fn an_rcp_on_the_bucket_account_breaks_the_chain_when_the_redshift_account_is_outside_the_organization() {
    let h = setup(true).await;
    let rcp = perimeter(r#""s3:*","sts:AssumeRole""#, "222222222222");
    assert!(h.put_organization(&organization(BOTH, &rcp)).await.starts_with("HTTP/1.1 200"));
    copy(&h).await.expect("both accounts are in the organization");
    let bucket_only = r#"{"222222222222":"r-a1b2"}"#;
    assert!(h.put_organization(&organization(bucket_only, &rcp)).await.starts_with("HTTP/1.1 200"));
    let error = copy(&h).await.expect_err("the cluster role's session is outside the organization");
    assert_eq!(error, format!("ERROR: Not authorized to get credentials of role {BUCKET_ROLE}"));
    // An S3-only perimeter does not stop a chain: S3 is called by the bucket account's own role.
    let s3_only = perimeter(r#""s3:*""#, "222222222222");
    assert!(h.put_organization(&organization(bucket_only, &s3_only)).await.starts_with("HTTP/1.1 200"));
    copy(&h).await.expect("the last hop is inside the organization");
}

#[tokio::test]
async fn an_s3_rcp_denies_a_last_hop_from_outside_the_organization_with_s3s_text() {
    let h = setup(true).await;
    // A bucket of the Redshift account read by the bucket role of account 222222222222.
    h.create_bucket("111111111111", "home-bucket", "us-east-1");
    let open_to_bucket_role = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{BUCKET_ROLE}"}},"Action":"s3:*","Resource":["arn:aws:s3:::home-bucket","arn:aws:s3:::home-bucket/*"]}}]}}"#
    );
    h.set_bucket_policy("home-bucket", Some(crate::support::policy(&open_to_bucket_role)));
    h.set_identity_policies(
        BUCKET_ROLE,
        vec![crate::support::policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#,
        )],
    );
    h.put_object_raw("home-bucket", "in/part-1.csv.gz", gzip("id\n1\n"));
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table src (id integer)").await;
    let sql = format!("COPY src FROM 's3://home-bucket/in/' IAM_ROLE '{CHAIN}' CSV IGNOREHEADER 1 GZIP");
    run_ok(&data, "main", &sql).await;

    let s3_only = perimeter(r#""s3:*""#, "111111111111");
    let redshift_only = r#"{"111111111111":"ou-a1b2-11111111"}"#;
    assert!(h.put_organization(&organization(redshift_only, &s3_only)).await.starts_with("HTTP/1.1 200"));
    let error = run_err(&data, "main", &sql).await;
    assert!(error.starts_with("ERROR: S3ServiceException:User: arn:aws:sts::222222222222:assumed-role/BucketRole/RedshiftIamRoleSession is not authorized to perform: s3:"), "{error}");
    assert!(error.ends_with("with an explicit deny,Status 403,Error AccessDenied"), "{error}");
    assert!(h.put_organization(&organization(BOTH, &s3_only)).await.starts_with("HTTP/1.1 200"));
    run_ok(&data, "main", &sql).await;
}

#[tokio::test]
async fn a_delegated_administrator_reads_the_organization_and_other_members_still_may_not() {
    let h = Harness::start().await;
    let delegated = format!(
        r#"{{"id":"o-a1b2c3d4e5","management_account":"999999999999","root":"r-a1b2",
            "units":[{{"id":"ou-a1b2-11111111","name":"Data","parent":"r-a1b2"}}],
            "accounts":{BOTH},"delegated_administrators":["222222222222"]}}"#
    );
    let answer = h.put_organization(&delegated).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let input = r#"{"ChildId":"111111111111"}"#;
    let parents = json_body(&call(&h, "222222222222", "ListParents", input).await);
    assert_eq!(parents["Parents"][0]["Id"], "ou-a1b2-11111111", "the delegated administrator lists parents");
    let input = r#"{"TargetId":"111111111111","Filter":"RESOURCE_CONTROL_POLICY"}"#;
    let listed = json_body(&call(&h, "222222222222", "ListPoliciesForTarget", input).await);
    assert_eq!(listed["Policies"][0]["Id"], "p-RCPFullAWSAccess");
    let member = json_body(&call(&h, "111111111111", "ListParents", r#"{"ChildId":"111111111111"}"#).await);
    assert_eq!(member["__type"], "AccessDeniedException", "a member that is not delegated is still refused");

    let outsider = delegated.replace(r#"["222222222222"]"#, r#"["333333333333"]"#);
    let refused = h.put_organization(&outsider).await;
    assert!(refused.starts_with("HTTP/1.1 400"), "{refused}");
    assert!(refused.contains("delegated administrator `333333333333` must be a member account"), "{refused}");
}
