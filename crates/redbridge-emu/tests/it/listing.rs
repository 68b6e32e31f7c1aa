//! The listings `audit` walks, through the SDK adapters: `DescribeClusters` without an
//! identifier, `ListNamespaces`, `ListWorkgroups` (each caller sees its own account and region,
//! in pages of `maxResults` 1 to 100) and Organizations' `ListAccounts` (the management account
//! and delegated administrators only, pages of 1 to 20, names from the organization file); each
//! judged against the caller's identity policies like every other call.

use redbridge_aws::AwsError;
use redbridge_aws::contract;
use redbridge_aws::ports::{Organizations as _, RedshiftServerless as _};
use redbridge_emu::Config;
use redbridge_iam::AccountId;

use crate::support::{Harness, json_body, policy, post, post_in, redshift_trust, url_encode};

const ROLE: &str = "arn:aws:iam::111111111111:role/Loader";

async fn serverless(h: &Harness, account: &str, operation: &str, input: &str) -> String {
    let target = format!("RedshiftServerless.{operation}");
    post(&h.emulator.endpoint_url(), account, "redshift-serverless", Some(&target), input).await
}

async fn organizations(h: &Harness, account: &str, operation: &str, input: &str) -> String {
    let target = format!("AWSOrganizationsV20161128.{operation}");
    post(&h.emulator.endpoint_url(), account, "organizations", Some(&target), input).await
}

#[tokio::test]
async fn the_emulator_passes_the_listing_contracts_through_the_sdk_adapters() {
    let h = Harness::start().await;
    h.put_role(ROLE, redshift_trust("111111111111"), vec![]);
    let body = format!(
        "Action=CreateCluster&Version=2012-12-01&ClusterIdentifier=analytics&NodeType=ra3.large&MasterUsername=awsuser&MasterUserPassword=Passw0rd%21&IamRoles.IamRoleArn.1={role}&DefaultIamRoleArn={role}",
        role = url_encode(ROLE)
    );
    let created = post(&h.emulator.endpoint_url(), "111111111111", "redshift", None, &body).await;
    assert!(created.starts_with("HTTP/1.1 200"), "{created}");
    h.create_cluster("222222222222", "elsewhere", &[]).await;
    let (owner, stranger) = (h.redshift("111111111111"), h.redshift("222222222222"));
    contract::list_clusters(&owner, &stranger, "analytics", Some(ROLE)).await;

    h.create_namespace("111111111111", "lake-ns", &[ROLE]).await;
    h.create_workgroup("111111111111", "lake-wg", "lake-ns").await;
    h.create_namespace("222222222222", "other-ns", &[]).await;
    let (owner, stranger) = (h.serverless("111111111111"), h.serverless("222222222222"));
    contract::list_namespaces(&owner, &stranger, "lake-ns", None).await;
    contract::list_workgroups(&owner, &stranger, "lake-wg").await;

    let answer = h
        .put_organization(
            r#"{"id":"o-a1b2c3d4e5","management_account":"999999999999","root":"r-a1b2",
                "accounts":{"111111111111":"r-a1b2"}}"#,
        )
        .await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let accounts = [AccountId::parse("999999999999").unwrap(), AccountId::parse("111111111111").unwrap()];
    contract::list_accounts(&h.organizations("999999999999"), &h.organizations("111111111111"), &accounts).await;
}

#[tokio::test]
async fn namespaces_and_workgroups_are_listed_in_pages_of_max_results_for_the_callers_account_and_region() {
    let h = Harness::start().await;
    for name in ["ns-a", "ns-b", "ns-c"] {
        h.create_namespace("111111111111", name, &[]).await;
    }
    h.create_namespace("222222222222", "ns-other", &[]).await;
    let first = json_body(&serverless(&h, "111111111111", "ListNamespaces", r#"{"maxResults":2}"#).await);
    let names: Vec<&str> =
        first["namespaces"].as_array().unwrap().iter().map(|n| n["namespaceName"].as_str().unwrap()).collect();
    assert_eq!((names, &first["nextToken"]), (vec!["ns-a", "ns-b"], &serde_json::json!("2")));
    let second =
        json_body(&serverless(&h, "111111111111", "ListNamespaces", r#"{"maxResults":2,"nextToken":"2"}"#).await);
    assert_eq!(second["namespaces"][0]["namespaceName"], "ns-c");
    assert!(second.get("nextToken").is_none(), "the last page has no token: {second}");

    let elsewhere = post_in(
        &h.emulator.endpoint_url(),
        "111111111111",
        "eu-west-1",
        "redshift-serverless",
        Some("RedshiftServerless.ListNamespaces"),
        "{}",
    )
    .await;
    assert_eq!(json_body(&elsewhere)["namespaces"], serde_json::json!([]), "another region lists none");

    h.create_workgroup("111111111111", "wg-a", "ns-a").await;
    h.create_workgroup("222222222222", "wg-other", "ns-other").await;
    let listed = h.serverless("111111111111").list_workgroups().await.unwrap();
    assert_eq!(listed.iter().map(|w| (w.name.as_str(), w.namespace.as_str())).collect::<Vec<_>>(), [("wg-a", "ns-a")]);
    let through = h.serverless("111111111111").list_namespaces().await.unwrap();
    assert_eq!(through.len(), 3, "the adapter reads every namespace of the account");
}

#[tokio::test]
async fn out_of_range_max_results_and_foreign_tokens_are_validation_errors() {
    let h = Harness::start().await;
    h.create_namespace("111111111111", "ns-a", &[]).await;
    for (operation, input, says) in [
        ("ListNamespaces", r#"{"maxResults":0}"#, "greater than or equal to 1"),
        ("ListNamespaces", r#"{"maxResults":101}"#, "less than or equal to 100"),
        ("ListWorkgroups", r#"{"maxResults":101}"#, "less than or equal to 100"),
        ("ListNamespaces", r#"{"nextToken":"abc"}"#, "nextToken is invalid"),
        ("ListWorkgroups", r#"{"nextToken":"99999999999999999999999"}"#, "nextToken is invalid"),
        ("ListNamespaces", r#"{"nextToken":"2"}"#, "nextToken is invalid"),
    ] {
        let answer = json_body(&serverless(&h, "111111111111", operation, input).await);
        assert_eq!(answer["__type"], "ValidationException", "{operation} {input}: {answer}");
        assert!(
            answer["message"].as_str().unwrap_or_default().contains(says)
                || answer["Message"].as_str().unwrap_or_default().contains(says),
            "{operation} {input}: {answer}"
        );
    }
}

const ORGANIZATION: &str = r#"{"id":"o-a1b2c3d4e5","management_account":"999999999999","root":"r-a1b2",
    "accounts":{"111111111111":"r-a1b2","222222222222":"r-a1b2","333333333333":"r-a1b2"},
    "delegated_administrators":["333333333333"],
    "names":{"111111111111":"analytics-prod","999999999999":"management"}}"#;

#[tokio::test]
async fn list_accounts_gives_names_and_pages_to_the_management_account_and_a_delegated_administrator() {
    let h = Harness::start().await;
    let answer = h.put_organization(ORGANIZATION).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let listed = h.organizations("999999999999").list_accounts().await.unwrap();
    let seen: Vec<(&str, &str, &str)> =
        listed.iter().map(|a| (a.id.as_str(), a.name.as_str(), a.status.as_str())).collect();
    assert_eq!(
        seen,
        [
            ("111111111111", "analytics-prod", "ACTIVE"),
            ("222222222222", "account-222222222222", "ACTIVE"),
            ("333333333333", "account-333333333333", "ACTIVE"),
            ("999999999999", "management", "ACTIVE"),
        ]
    );
    assert_eq!(h.organizations("333333333333").list_accounts().await.unwrap(), listed, "a delegated administrator");
    let page = json_body(&organizations(&h, "999999999999", "ListAccounts", r#"{"MaxResults":3}"#).await);
    assert_eq!((page["Accounts"].as_array().unwrap().len(), &page["NextToken"]), (3, &serde_json::json!("3")));
    assert_eq!(page["Accounts"][0]["Arn"], "arn:aws:organizations::999999999999:account/o-a1b2c3d4e5/111111111111");
    let last =
        json_body(&organizations(&h, "999999999999", "ListAccounts", r#"{"MaxResults":3,"NextToken":"3"}"#).await);
    assert_eq!(last["Accounts"][0]["Id"], "999999999999");
    assert!(last.get("NextToken").is_none(), "{last}");
    let too_many = json_body(&organizations(&h, "999999999999", "ListAccounts", r#"{"MaxResults":21}"#).await);
    assert_eq!(too_many["__type"], "InvalidInputException");
}

#[tokio::test]
async fn list_accounts_refuses_a_member_and_an_outsider_with_awss_texts() {
    let h = Harness::start().await;
    h.put_organization(ORGANIZATION).await;
    match h.organizations("111111111111").list_accounts().await {
        Err(AwsError::AccessDenied { action, message, .. }) => {
            assert_eq!(action.as_deref(), Some("organizations:ListAccounts"));
            assert!(message.contains("You don't have permissions to access this resource."), "{message}");
        }
        other => panic!("a member may not list accounts, got {other:?}"),
    }
    let outsider = json_body(&organizations(&h, "444444444444", "ListAccounts", "{}").await);
    assert_eq!(outsider["__type"], "AWSOrganizationsNotInUseException");
}

#[tokio::test]
async fn an_organization_file_naming_an_unknown_account_or_a_long_name_is_refused_with_the_reason() {
    let h = Harness::start().await;
    let unknown = ORGANIZATION.replace(r#""999999999999":"management""#, r#""555555555555":"ghost""#);
    let answer = h.put_organization(&unknown).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("named account `555555555555` is not an account of the organization"), "{answer}");
    let long = ORGANIZATION.replace("analytics-prod", &"x".repeat(51));
    let answer = h.put_organization(&long).await;
    assert!(answer.contains("account `111111111111` needs a name of 1 to 50 characters"), "{answer}");
}

const OPERATOR: &str = "arn:aws:iam::111111111111:role/Auditor";

#[tokio::test]
async fn the_listings_are_judged_against_the_callers_identity_policies() {
    let h = Harness::with_config(Config { caller_policy_ttl: std::time::Duration::ZERO, ..Config::default() }).await;
    let allow_describe = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"redshift:DescribeClusters","Resource":"*"}]}"#,
    );
    h.put_role(OPERATOR, redshift_trust("111111111111"), vec![allow_describe]);
    let session = h.session_of(OPERATOR, "audit").await;
    let auditor = h.serverless_as(&session);
    for result in [auditor.list_namespaces().await.map(|_| ()), auditor.list_workgroups().await.map(|_| ())] {
        match result {
            Err(AwsError::AccessDenied { message, .. }) => assert!(
                message.starts_with("User: arn:aws:sts::111111111111:assumed-role/Auditor/audit is not authorized to perform: redshift-serverless:List")
                    && message.ends_with("because no identity-based policy allows the redshift-serverless:ListNamespaces action")
                    || message.ends_with("because no identity-based policy allows the redshift-serverless:ListWorkgroups action"),
                "{message}"
            ),
            other => panic!("denied, got {other:?}"),
        }
    }
    use redbridge_aws::ports::Redshift as _;
    assert!(h.redshift_as(&session).list_clusters().await.is_ok(), "DescribeClusters is allowed");
    h.set_identity_policies(
        OPERATOR,
        vec![policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["redshift-serverless:List*"],"Resource":"*"}]}"#,
        )],
    );
    assert!(auditor.list_namespaces().await.is_ok() && auditor.list_workgroups().await.is_ok(), "granted");
}

#[tokio::test]
async fn list_accounts_is_judged_against_the_callers_identity_policies() {
    let h = Harness::with_config(Config { caller_policy_ttl: std::time::Duration::ZERO, ..Config::default() }).await;
    h.put_organization(ORGANIZATION).await;
    let reader = "arn:aws:iam::999999999999:role/OrgReader";
    let describe_only = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"organizations:Describe*","Resource":"*"}]}"#,
    );
    h.put_role(reader, redshift_trust("999999999999"), vec![describe_only]);
    let session = h.session_of(reader, "audit").await;
    let organizations = h.organizations_as(&session);
    match organizations.list_accounts().await {
        Err(AwsError::AccessDenied { message, .. }) => assert_eq!(
            message,
            "User: arn:aws:sts::999999999999:assumed-role/OrgReader/audit is not authorized to perform: organizations:ListAccounts because no identity-based policy allows the organizations:ListAccounts action"
        ),
        other => panic!("denied, got {other:?}"),
    }
    h.set_identity_policies(
        reader,
        vec![policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"organizations:ListAccounts","Resource":"*"}]}"#,
        )],
    );
    assert_eq!(organizations.list_accounts().await.unwrap().len(), 4, "granted");
}

#[tokio::test]
async fn the_sdk_connector_gives_each_credentials_their_accounts_redshift_serverless_and_organizations() {
    use redbridge_aws::ports::{Connect, Credentials, Redshift as _};
    let h = Harness::start().await;
    h.create_cluster("111111111111", "analytics", &[]).await;
    h.create_namespace("222222222222", "lake-ns", &[]).await;
    h.put_organization(ORGANIZATION).await;
    let region = redbridge_iam::Region::parse("us-east-1").unwrap();
    let connector = redbridge_aws::sdk::SdkConnector::new(h.emulator.endpoint_url(), region.clone());
    let of = |id: &str| Credentials::Account(AccountId::parse(id).unwrap());
    let clusters = connector.redshift(&of("111111111111"), &region).list_clusters().await.unwrap();
    assert_eq!(clusters.iter().map(|c| c.identifier.as_str()).collect::<Vec<_>>(), ["analytics"]);
    assert!(connector.redshift(&of("222222222222"), &region).list_clusters().await.unwrap().is_empty());
    let namespaces = connector.serverless(&of("222222222222"), &region).list_namespaces().await.unwrap();
    assert_eq!(namespaces.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), ["lake-ns"]);
    let elsewhere = redbridge_iam::Region::parse("eu-west-1").unwrap();
    assert!(connector.serverless(&of("222222222222"), &elsewhere).list_namespaces().await.unwrap().is_empty());
    assert_eq!(connector.organizations(&of("999999999999")).list_accounts().await.unwrap().len(), 4);
    assert!(connector.organizations(&of("111111111111")).list_accounts().await.is_err());
}
