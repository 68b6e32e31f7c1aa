//! Contract suites: the behaviour every implementation of a port must show, as async functions
//! taking any implementation. `cargo test` runs them against the fakes; the end-to-end run
//! runs them against LocalStack. They panic, with a message saying which rule broke.
//!
//! ```
//! use redbridge_aws::{contract, fake::FakeAws};
//! use redbridge_iam::{AccountId, Partition};
//!
//! let aws = FakeAws::new();
//! let account = AccountId::parse("111111111111").unwrap();
//! let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
//! rt.block_on(contract::iam(&aws.account(account), Partition::Aws, account, "contract"));
//! rt.block_on(contract::sts(&aws.account(account), account));
//! ```

use redbridge_core::converge::{merge_statements, remove_statements};
use redbridge_iam::policy::{PolicyDocument, Principal, Statement};
use redbridge_iam::{AccountId, KmsKeyArn, Partition, RoleArn};

use crate::AwsError;
use crate::apply_engine::Sleeper;
use crate::ports::{
    Connect, Credentials, Iam, Kms, NewRole, ObjectEncryption, ObjectSummary, OrgParent, OrgPolicyType, Organizations,
    Redshift, RedshiftServerless, S3, SecretsManager, Sts,
};

/// The ARNs of attached roles, sorted.
fn arns(roles: &[redbridge_core::converge::AttachedRole]) -> Vec<&str> {
    let mut arns: Vec<&str> = roles.iter().map(|r| r.arn.as_str()).collect();
    arns.sort_unstable();
    arns
}

/// Time between polls of an attachment's status.
const POLL: std::time::Duration = std::time::Duration::from_millis(100);

/// Secrets Manager: an existing secret `name` (ARN `arn`, `SecretString` `value`, created by
/// the caller: the port writes nothing) reads back by ARN and by name; a missing one is
/// [`AwsError::NotFound`]. The value is never put in a panic message.
pub async fn secrets_manager(secrets: &impl SecretsManager, arn: &str, name: &str, value: &str) {
    for id in [arn, name] {
        let found = secrets.get_secret_value(id).await.unwrap_or_else(|e| panic!("get_secret_value `{id}`: {e}"));
        assert_eq!((found.arn.as_str(), found.name.as_str()), (arn, name), "the secret's ARN and name by `{id}`");
        assert!(found.secret_string.as_deref() == Some(value), "the secret's value reads back as written by `{id}`");
    }
    match secrets.get_secret_value(&format!("{name}-missing-contract")).await {
        Err(AwsError::NotFound { .. }) => {}
        Err(other) => panic!("a missing secret is not found, got {other}"),
        Ok(_) => panic!("a missing secret is not found, got a value"),
    }
}

/// IAM: roles with tags and trust, inline policies, listing, deletion, not-found and conflicts.
/// Creates and deletes roles named `<prefix>-…` in `account`.
pub async fn iam(iam: &impl Iam, partition: Partition, account: AccountId, prefix: &str) {
    let name = format!("{prefix}-contract-role");
    let arn = RoleArn::new(partition, account, "/", &name).expect("contract role name is valid");
    assert_eq!(iam.get_role(&name).await.expect("get_role of a missing role"), None, "a missing role is `None`");
    let trust = PolicyDocument::new(vec![
        Statement::trust(Principal::service(["redshift.amazonaws.com"])).with_sid("RedbridgeContract"),
    ]);
    let tags = vec![("managed-by".to_owned(), "redbridge".to_owned())];
    let new_role =
        NewRole { arn: arn.clone(), trust_policy: trust.clone(), description: "contract".into(), tags: tags.clone() };
    iam.create_role(&new_role).await.expect("create_role");
    let found = iam.get_role(&name).await.expect("get_role").expect("a created role is found");
    assert_eq!(found.arn, arn, "the role's ARN");
    assert_eq!(found.trust_policy, trust, "the trust policy reads back as written");
    assert!(found.tags.contains(&tags[0]), "the tags read back: {:?}", found.tags);
    match iam.create_role(&new_role).await {
        Err(AwsError::Conflict { .. }) => {}
        other => panic!("creating an existing role is a conflict, got {other:?}"),
    }
    let updated = merge_statements(
        &trust,
        &[Statement::trust(Principal::service(["redshift.amazonaws.com", "redshift-serverless.amazonaws.com"]))
            .with_sid("RedbridgeContract")],
    );
    iam.update_trust_policy(&name, &updated).await.expect("update_trust_policy");
    assert_eq!(iam.get_role(&name).await.expect("get_role").map(|r| r.trust_policy), Some(updated), "updated trust");
    iam.tag_role(&name, &[("adopted-by".into(), "redbridge".into())]).await.expect("tag_role");
    let tags_now = iam.get_role(&name).await.expect("get_role").map(|r| r.tags).unwrap_or_default();
    assert!(tags_now.contains(&("adopted-by".into(), "redbridge".into())), "tag_role adds: {tags_now:?}");
    assert!(tags_now.contains(&tags[0]), "tag_role keeps other tags: {tags_now:?}");

    assert_eq!(
        iam.get_role_policy(&name, "missing").await.expect("get_role_policy"),
        None,
        "a missing policy is `None`"
    );
    let policy = PolicyDocument::new(vec![
        Statement::allow(["sts:AssumeRole"], [format!("arn:{partition}:iam::{account}:role/next")])
            .with_sid("RedbridgeContract"),
    ]);
    for n in 0..3 {
        iam.put_role_policy(&name, &format!("redbridge-contract-{n}"), &policy).await.expect("put_role_policy");
    }
    assert_eq!(
        iam.get_role_policy(&name, "redbridge-contract-0").await.expect("get_role_policy"),
        Some(policy.clone())
    );
    let mut names = iam.list_role_policies(&name).await.expect("list_role_policies");
    names.sort();
    assert_eq!(
        names,
        ["redbridge-contract-0", "redbridge-contract-1", "redbridge-contract-2"],
        "every inline policy listed"
    );
    match iam.delete_role(&name).await {
        Err(AwsError::Conflict { .. }) => {}
        other => panic!("deleting a role with inline policies is a conflict, got {other:?}"),
    }
    for n in 0..3 {
        iam.delete_role_policy(&name, &format!("redbridge-contract-{n}")).await.expect("delete_role_policy");
    }
    assert!(iam.list_role_policies(&name).await.expect("list_role_policies").is_empty(), "no policy left");
    match iam.delete_role_policy(&name, "redbridge-contract-0").await {
        Err(AwsError::NotFound { .. }) => {}
        other => panic!("deleting a missing inline policy is not found, got {other:?}"),
    }
    iam.delete_role(&name).await.expect("delete_role");
    assert_eq!(iam.get_role(&name).await.expect("get_role"), None, "a deleted role is gone");
    match iam.update_trust_policy(&name, &trust).await {
        Err(AwsError::NotFound { .. }) => {}
        other => panic!("updating a missing role is not found, got {other:?}"),
    }
}

/// IAM's users and groups as the operator check reads them: a missing user is `None`, and
/// listing the policies or groups of a missing user, or the policies of a missing group, is not
/// found. Reads only; `prefix` names the missing user and group.
pub async fn iam_users(iam: &impl Iam, prefix: &str) {
    let user = format!("{prefix}-contract-missing-user");
    let group = format!("{prefix}-contract-missing-group");
    assert_eq!(iam.get_user(&user).await.expect("get_user of a missing user"), None, "a missing user is `None`");
    let not_found = |what: &str, result: Result<Vec<String>, AwsError>| match result {
        Err(AwsError::NotFound { .. }) => {}
        other => panic!("{what} of a missing user or group is not found, got {other:?}"),
    };
    not_found("list_user_policies", iam.list_user_policies(&user).await);
    not_found("list_attached_user_policies", iam.list_attached_user_policies(&user).await);
    not_found("list_groups_for_user", iam.list_groups_for_user(&user).await);
    not_found("list_group_policies", iam.list_group_policies(&group).await);
    not_found("list_attached_group_policies", iam.list_attached_group_policies(&group).await);
}

/// STS: the caller is in `account`.
pub async fn sts(sts: &impl Sts, account: AccountId) {
    let identity = sts.caller_identity().await.expect("caller_identity");
    assert_eq!(identity.account, account, "the credentials' account");
    assert!(identity.arn.starts_with("arn:"), "the caller ARN: {}", identity.arn);
}

/// KMS: a key policy reads back as written; merging a statement in and out restores it.
/// `key` must exist, be customer managed and be in the port's account and region.
pub async fn kms(kms: &impl Kms, key: &KmsKeyArn) {
    let info = kms.describe_key(key).await.expect("describe_key");
    assert!(info.customer_managed, "the contract key is customer managed");
    let original = kms.get_key_policy(key).await.expect("get_key_policy");
    let ours = Statement::allow(["kms:Decrypt"], ["*"])
        .with_sid("RedbridgeContract")
        .with_principal(Principal::aws([format!("arn:{}:iam::{}:root", key.partition(), key.account())]));
    let merged = merge_statements(&original, &[ours]);
    kms.put_key_policy(key, &merged).await.expect("put_key_policy");
    assert_eq!(kms.get_key_policy(key).await.expect("get_key_policy"), merged, "the merged policy reads back");
    let restored = remove_statements(&merged);
    kms.put_key_policy(key, &restored).await.expect("put_key_policy");
    assert_eq!(kms.get_key_policy(key).await.expect("get_key_policy"), original, "removing ours restores the original");
    let missing = KmsKeyArn::parse(&format!(
        "arn:{}:kms:{}:{}:key/00000000-0000-0000-0000-000000000000",
        key.partition(),
        key.region(),
        key.account()
    ))
    .expect("valid key ARN");
    match kms.get_key_policy(&missing).await {
        Err(AwsError::NotFound { .. }) => {}
        other => panic!("a missing key is not found, got {other:?}"),
    }
}

/// S3: a bucket's region and (absent) policy; objects written, listed under their prefix only,
/// read back, listed short, deleted; missing objects and buckets are not found. `bucket` must
/// exist in `region`, without a policy and without objects under `contract/`.
pub async fn s3(s3: &impl S3, bucket: &str, region: &redbridge_iam::Region) {
    assert_eq!(&s3.bucket_region(bucket).await.expect("bucket_region"), region, "the bucket's region");
    assert_eq!(s3.bucket_policy(bucket).await.expect("bucket_policy"), None, "no policy is `None`");
    assert!(s3.list_objects(bucket, "contract/").await.expect("list_objects").is_empty(), "the prefix starts empty");
    let keys = ["contract/a.csv", "contract/b/c.csv", "contract/d.csv"];
    for key in keys {
        s3.put_object(bucket, key, format!("body of {key}\n").into_bytes()).await.expect("put_object");
    }
    s3.put_object(bucket, "contractor/outside.csv", b"outside\n".to_vec()).await.expect("put_object");
    let mut listed = s3.list_objects(bucket, "contract/").await.expect("list_objects");
    listed.sort();
    assert_eq!(listed, keys, "only the keys under the prefix, every one");
    assert_eq!(
        s3.list_first_objects(bucket, "contract/", 2).await.expect("list_first_objects").len(),
        2,
        "a short listing"
    );
    assert_eq!(
        s3.get_object(bucket, "contract/b/c.csv").await.expect("get_object"),
        b"body of contract/b/c.csv\n",
        "the body reads back"
    );
    for key in keys.iter().chain(&["contractor/outside.csv"]) {
        s3.delete_object(bucket, key).await.expect("delete_object");
    }
    assert!(s3.list_objects(bucket, "contract").await.expect("list_objects").is_empty(), "deleted objects are gone");
    match s3.get_object(bucket, "contract/a.csv").await {
        Err(AwsError::NotFound { .. }) => {}
        other => panic!("a missing object is not found, got {other:?}"),
    }
    match s3.bucket_region("redbridge-contract-missing-bucket").await {
        Err(AwsError::NotFound { .. }) => {}
        other => panic!("a missing bucket is not found, got {other:?}"),
    }
}

/// IAM's reads of what else bounds a role, as doctor and the emulator read it: the managed
/// policies attached to it and its permissions boundary, each by its default version, and the
/// shared role reader ([`read_role`](crate::snapshot_reader::read_role)) putting it all
/// together. `role` must exist with `inline` as its one inline policy, `managed` as its one
/// attached managed policy and `boundary` as its permissions boundary, both managed policies with
/// `document` as their default version.
pub async fn iam_role_policies(
    iam: &impl Iam,
    role: &RoleArn,
    inline: (&str, &PolicyDocument),
    managed: &str,
    boundary: &str,
    document: &PolicyDocument,
) {
    let found = iam.get_role(role.name()).await.expect("get_role").expect("the role exists");
    assert_eq!(found.permissions_boundary.as_deref(), Some(boundary), "the permissions boundary's ARN");
    assert_eq!(
        iam.list_attached_role_policies(role.name()).await.expect("list_attached_role_policies"),
        [managed],
        "the attached managed policy"
    );
    for arn in [managed, boundary] {
        let version = iam
            .managed_policy_default_version(arn)
            .await
            .expect("managed_policy_default_version")
            .unwrap_or_else(|| panic!("`{arn}` exists"));
        assert_eq!(
            &iam.managed_policy_version(arn, &version).await.expect("managed_policy_version"),
            document,
            "`{arn}` reads back as written"
        );
    }
    let missing = format!("arn:{}:iam::{}:policy/redbridge-contract-missing", role.partition(), role.account());
    assert_eq!(
        iam.managed_policy_default_version(&missing).await.expect("a missing managed policy is not an error"),
        None,
        "a missing managed policy is `None`"
    );

    let (state, stats) = crate::snapshot_reader::read_role(iam, role).await;
    let state = state.value().cloned().unwrap_or_else(|| panic!("the reader reads `{role}`, got {state:?}"));
    assert_eq!(state.trust_policy, found.trust_policy, "the reader's trust policy is GetRole's");
    assert_eq!(
        state.inline_policies.iter().collect::<Vec<_>>(),
        [(&inline.0.to_owned(), inline.1)],
        "the reader's inline policies"
    );
    assert_eq!(
        state.managed_policies.iter().collect::<Vec<_>>(),
        [(&managed.to_owned(), document)],
        "the reader's managed policies"
    );
    assert_eq!(state.permissions_boundary.as_ref(), Some(document), "the reader's permissions boundary");
    assert!(stats.depth <= 3, "the reader waits on at most three round trips, took {}", stats.depth);
}

/// S3: a bucket policy reads back as it was written (`policy` is the bucket's policy).
pub async fn s3_bucket_policy(s3: &impl S3, bucket: &str, policy: &PolicyDocument) {
    assert_eq!(s3.bucket_policy(bucket).await.expect("bucket_policy").as_ref(), Some(policy), "the bucket policy");
}

/// STS AssumeRole through a [`Connect`]: `caller`'s credentials assume `role` with and without
/// an external id; the session's keys sign as the assumed role (its `GetCallerIdentity` names
/// the role's account and the assumed-role ARN, and it can assume the role again, as a chain's
/// later hops do); its `Debug` shows neither the secret nor the token. `role` must exist and
/// trust `caller`'s account.
pub async fn assume_role<C: Connect>(connect: &C, caller: AccountId, role: &RoleArn) {
    let sts = connect.sts(&Credentials::Account(caller));
    let plain = sts.assume_role(role, "RedbridgeContract", None).await.expect("assume_role without an external id");
    let expected_arn =
        format!("arn:{}:sts::{}:assumed-role/{}/RedbridgeContract", role.partition(), role.account(), role.name());
    assert_eq!(plain.account, role.account(), "the session is in the role's account");
    assert_eq!(plain.assumed_role_arn, expected_arn, "the assumed-role ARN");
    let shown = format!("{plain:?}");
    assert!(
        !shown.contains(&plain.keys.secret_access_key) && !shown.contains(&plain.keys.session_token),
        "Debug shows no secret: {shown}"
    );
    assert!(!plain.keys.access_key_id.is_empty() && !plain.keys.session_token.is_empty(), "the session has keys");

    let external = "arn:aws:redshift:us-east-1:111111111111:dbuser:contract/awsuser";
    let with_id =
        sts.assume_role(role, "RedshiftIamRoleSession", Some(external)).await.expect("assume_role with an external id");
    assert_ne!(with_id.keys.access_key_id, plain.keys.access_key_id, "every AssumeRole issues new keys");
    let session = connect.sts(&Credentials::from(&with_id));
    let identity = session.caller_identity().await.expect("caller_identity of the session");
    assert_eq!(identity.account, role.account(), "the session signs in the role's account");
    assert_eq!(
        identity.arn,
        format!("arn:{}:sts::{}:assumed-role/{}/RedshiftIamRoleSession", role.partition(), role.account(), role.name()),
        "the session signs as the assumed role"
    );
    let again = session.assume_role(role, "RedshiftIamRoleSession", Some(external)).await.expect("a session assumes");
    assert_eq!(again.account, role.account(), "a chained session is in the role's account");
}

/// S3 objects with server-side encryption and sizes: SSE-S3 and SSE-KMS put and read back
/// (the KMS key named on the read), a plain put has no KMS key, and the listing gives every
/// object's size in key order. `bucket` must exist without default encryption and without
/// objects under `contract-sse/`; `key` must be a KMS key S3 may use.
pub async fn s3_encryption(s3: &impl S3, bucket: &str, key: &KmsKeyArn) {
    let objects = [
        (
            "contract-sse/a-kms.csv",
            ObjectEncryption::Kms(key.to_string()),
            "kms
",
        ),
        (
            "contract-sse/b-aes.csv",
            ObjectEncryption::S3,
            "aes256 body
",
        ),
        ("contract-sse/c-default.csv", ObjectEncryption::BucketDefault, ""),
    ];
    for (name, encryption, body) in &objects {
        s3.put_object_encrypted(bucket, name, body.as_bytes().to_vec(), encryption)
            .await
            .expect("put_object_encrypted");
    }
    let read = s3.get_object_content(bucket, objects[0].0).await.expect("get_object_content");
    assert_eq!(
        read.body,
        b"kms
",
        "an SSE-KMS body reads back"
    );
    let named = read.kms_key_id.as_deref().unwrap_or_default();
    assert!(
        named == key.to_string() || named.ends_with(key.key_id()),
        "an SSE-KMS object names its key: {:?}",
        read.kms_key_id
    );
    let aes = s3.get_object_content(bucket, objects[1].0).await.expect("get_object_content");
    assert_eq!(
        (aes.body.as_slice(), aes.kms_key_id),
        (
            b"aes256 body
"
            .as_slice(),
            None
        ),
        "SSE-S3 names no key"
    );
    let plain = s3.get_object_content(bucket, objects[2].0).await.expect("get_object_content");
    assert_eq!((plain.body, plain.kms_key_id), (Vec::new(), None), "an empty object without SSE headers");
    assert_eq!(
        s3.get_object(bucket, objects[1].0).await.expect("get_object"),
        b"aes256 body
",
        "get_object"
    );

    let listed = s3.list_object_summaries(bucket, "contract-sse/").await.expect("list_object_summaries");
    let expected: Vec<ObjectSummary> = objects
        .iter()
        .map(|(name, _, body)| ObjectSummary { key: (*name).to_owned(), size: body.len() as u64 })
        .collect();
    assert_eq!(listed, expected, "every object with its size, in key order");
    for (name, _, _) in &objects {
        s3.delete_object(bucket, name).await.expect("delete_object");
    }
    assert!(s3.list_object_summaries(bucket, "contract-sse/").await.expect("listing").is_empty(), "deleted");
}

/// Which account owns a bucket: `ListBuckets` of `owner` names `bucket`, that of `stranger`
/// does not. `bucket` must be `owner`'s; `stranger` another account.
pub async fn bucket_owner<C: Connect>(connect: &C, owner: AccountId, stranger: AccountId, bucket: &str) {
    let region = connect.default_region();
    let owned = connect.s3(&Credentials::Account(owner), &region).list_buckets().await.expect("list_buckets");
    assert!(owned.iter().any(|b| b == bucket), "the owner lists `{bucket}`: {owned:?}");
    let other = connect.s3(&Credentials::Account(stranger), &region).list_buckets().await.expect("list_buckets");
    assert!(!other.iter().any(|b| b == bucket), "another account does not list `{bucket}`: {other:?}");
}

/// Provisioned Redshift: adding a role keeps the others and reaches `in-sync`; removing it
/// keeps the others. `role` must exist and trust Redshift. `sleeper` paces the polls (100 of
/// them, 100 ms apart on a real clock).
pub async fn redshift(redshift: &impl Redshift, sleeper: &impl Sleeper, cluster: &str, role: &str) {
    let before = redshift.cluster_roles(cluster).await.expect("cluster_roles");
    assert!(!before.iter().any(|r| r.arn == role), "the contract role starts detached");
    redshift.add_cluster_role(cluster, role).await.expect("add_cluster_role");
    let mut in_sync = false;
    for _ in 0..100 {
        let roles = redshift.cluster_roles(cluster).await.expect("cluster_roles");
        for old in &before {
            assert!(roles.iter().any(|r| r.arn == old.arn), "adding keeps `{}`", old.arn);
        }
        if roles.iter().any(|r| r.arn == role && r.status == redbridge_core::converge::ApplyStatus::InSync) {
            in_sync = true;
            break;
        }
        sleeper.sleep(POLL).await;
    }
    assert!(in_sync, "the added role reaches `in-sync`");
    redshift.remove_cluster_role(cluster, role).await.expect("remove_cluster_role");
    // Redshift lists a removed role as `removing` for a while, then drops it.
    let mut after = Vec::new();
    let mut gone = false;
    for _ in 0..100 {
        after = redshift.cluster_roles(cluster).await.expect("cluster_roles");
        match after.iter().find(|r| r.arn == role) {
            None => {
                gone = true;
                break;
            }
            Some(r) => assert_eq!(
                r.status,
                redbridge_core::converge::ApplyStatus::Removing,
                "a removed role is `removing` until it is gone"
            ),
        }
        sleeper.sleep(POLL).await;
    }
    assert!(gone, "the removed role is gone");
    assert_eq!(after.len(), before.len(), "the other roles stay");
    match redshift.cluster_roles("redbridge-contract-missing").await {
        Err(AwsError::NotFound { .. }) => {}
        other => panic!("a missing cluster is not found, got {other:?}"),
    }
}

/// Redshift Serverless: the role list reads back as written (with the statuses settling to
/// `in-sync`) and writing the old list restores it. `role` must exist and trust Redshift.
pub async fn serverless(serverless: &impl RedshiftServerless, sleeper: &impl Sleeper, namespace: &str, role: &str) {
    let before: Vec<String> =
        serverless.namespace_roles(namespace).await.expect("namespace_roles").into_iter().map(|r| r.arn).collect();
    let merged = redbridge_core::converge::merge_roles(&before, role);
    serverless.set_namespace_roles(namespace, &merged).await.expect("set_namespace_roles");
    let mut settled = false;
    for _ in 0..100 {
        let roles = serverless.namespace_roles(namespace).await.expect("namespace_roles");
        let arns: Vec<&str> = roles.iter().map(|r| r.arn.as_str()).collect();
        assert_eq!(arns, merged.iter().map(String::as_str).collect::<Vec<_>>(), "the list reads back as written");
        if roles.iter().all(|r| r.status == redbridge_core::converge::ApplyStatus::InSync) {
            settled = true;
            break;
        }
        sleeper.sleep(POLL).await;
    }
    assert!(settled, "the roles reach `in-sync`");
    serverless.set_namespace_roles(namespace, &before).await.expect("set_namespace_roles");
    let after: Vec<String> =
        serverless.namespace_roles(namespace).await.expect("namespace_roles").into_iter().map(|r| r.arn).collect();
    assert_eq!(after, before, "writing the old list restores it");
}

/// Organizations: `management` is the management account's port, `member` the port of
/// `member_account` (a member in some unit of the same organization `organization_id`, which
/// has SCPs enabled), `outsider` a port of an account in no organization. Any member describes
/// its organization; only the management account lists parents and policies; the parents lead
/// to the root; `FullAWSAccess` is attached to the root; unknown policies are not found.
pub async fn organizations(
    management: &impl Organizations,
    member: &impl Organizations,
    outsider: &impl Organizations,
    member_account: AccountId,
    organization_id: &str,
) {
    let described = management.describe_organization().await.expect("describe_organization as the management account");
    let described = described.expect("the management account is in an organization");
    assert_eq!(described.id, organization_id, "the organization id");
    let as_member = member.describe_organization().await.expect("describe_organization as a member");
    assert_eq!(as_member, Some(described.clone()), "a member describes the same organization");
    assert_eq!(
        outsider.describe_organization().await.expect("describe_organization outside any organization"),
        None,
        "an account in no organization is in none"
    );
    match member.list_parents(member_account.as_str()).await {
        Err(AwsError::AccessDenied { .. }) => {}
        other => panic!("a member may not list parents, got {other:?}"),
    }
    let mut child = member_account.to_string();
    let mut root = None;
    for _ in 0..6 {
        let parents = management.list_parents(&child).await.expect("list_parents as the management account");
        assert_eq!(parents.len(), 1, "one parent: {parents:?}");
        match &parents[0] {
            OrgParent::Root(id) => {
                root = Some(id.clone());
                break;
            }
            OrgParent::OrganizationalUnit(id) => child = id.clone(),
        }
    }
    let root = root.expect("the parents lead to the root within six levels");
    let at_root = management
        .list_policies_for_target(&root, OrgPolicyType::ServiceControlPolicy)
        .await
        .expect("list_policies_for_target of the root");
    let full = at_root.iter().find(|p| p.name == "FullAWSAccess").expect("FullAWSAccess is attached to the root");
    match member.list_policies_for_target(&root, OrgPolicyType::ServiceControlPolicy).await {
        Err(AwsError::AccessDenied { .. }) => {}
        other => panic!("a member may not list policies, got {other:?}"),
    }
    let policy = management.describe_policy(&full.id).await.expect("describe_policy of FullAWSAccess");
    assert_eq!((policy.id.as_str(), policy.name.as_str()), (full.id.as_str(), "FullAWSAccess"), "the policy read");
    assert!(
        policy.document.to_json().contains("\"*\""),
        "FullAWSAccess allows everything: {}",
        policy.document.to_json()
    );
    match management.describe_policy("p-nosuchpolicy").await {
        Err(AwsError::NotFound { .. }) => {}
        other => panic!("an unknown policy is not found, got {other:?}"),
    }
}

/// `ListRoles`: a created role is listed with its trust policy decoded, and with neither tags
/// nor boundary (ListRoles returns none); a deleted one is not. Creates and deletes the role
/// `<prefix>-contract-listed` in `account`.
pub async fn list_roles(iam: &impl Iam, partition: Partition, account: AccountId, prefix: &str) {
    let name = format!("{prefix}-contract-listed");
    let arn = RoleArn::new(partition, account, "/", &name).expect("contract role name is valid");
    let trust = PolicyDocument::new(vec![
        Statement::trust(Principal::service(["redshift.amazonaws.com"])).with_sid("RedbridgeContractListed"),
    ]);
    let tags = vec![("managed-by".to_owned(), "redbridge".to_owned())];
    let new_role = NewRole { arn: arn.clone(), trust_policy: trust.clone(), description: "contract".into(), tags };
    iam.create_role(&new_role).await.expect("create_role");
    let listed = iam.list_roles().await.expect("list_roles");
    let found = listed.iter().find(|r| r.arn == arn).unwrap_or_else(|| panic!("`{arn}` is listed: {listed:?}"));
    assert_eq!(found.trust_policy, trust, "the trust policy is listed decoded");
    assert!(found.tags.is_empty(), "ListRoles returns no tags: {:?}", found.tags);
    assert_eq!(found.permissions_boundary, None, "ListRoles returns no boundary");
    assert!(listed.iter().all(|r| r.arn.account() == account), "only the account's roles are listed: {listed:?}");
    iam.delete_role(&name).await.expect("delete_role");
    let after = iam.list_roles().await.expect("list_roles");
    assert!(!after.iter().any(|r| r.arn == arn), "a deleted role is not listed");
}

/// `DescribeClusters` without an identifier: the owner's listing holds `cluster` with the
/// roles and routing `describe_cluster` reads and the default role `default_role`; another
/// account's (`stranger`) does not hold it.
pub async fn list_clusters(owner: &impl Redshift, stranger: &impl Redshift, cluster: &str, default_role: Option<&str>) {
    let listed = owner.list_clusters().await.expect("list_clusters of the owner");
    let found =
        listed.iter().find(|c| c.identifier == cluster).unwrap_or_else(|| panic!("`{cluster}` is listed: {listed:?}"));
    let described = owner.describe_cluster(cluster).await.expect("describe_cluster");
    assert_eq!(arns(&found.roles), arns(&described.roles), "the listed roles are the described ones");
    assert_eq!(found.enhanced_vpc_routing, described.enhanced_vpc_routing, "the listed routing");
    assert_eq!(found.default_iam_role.as_deref(), default_role, "the default role");
    let other = stranger.list_clusters().await.expect("list_clusters of another account");
    assert!(!other.iter().any(|c| c.identifier == cluster), "another account does not list `{cluster}`: {other:?}");
}

/// `ListNamespaces`: the owner's listing holds `namespace` with the roles `namespace_roles`
/// reads and the default role `default_role`; another account's does not.
pub async fn list_namespaces(
    owner: &impl RedshiftServerless,
    stranger: &impl RedshiftServerless,
    namespace: &str,
    default_role: Option<&str>,
) {
    let listed = owner.list_namespaces().await.expect("list_namespaces of the owner");
    let found =
        listed.iter().find(|n| n.name == namespace).unwrap_or_else(|| panic!("`{namespace}` is listed: {listed:?}"));
    let roles = owner.namespace_roles(namespace).await.expect("namespace_roles");
    assert_eq!(arns(&found.roles), arns(&roles), "the listed roles are the read ones");
    assert_eq!(found.default_iam_role.as_deref(), default_role, "the default role");
    let other = stranger.list_namespaces().await.expect("list_namespaces of another account");
    assert!(!other.iter().any(|n| n.name == namespace), "another account does not list `{namespace}`: {other:?}");
}

/// `ListWorkgroups`: the owner's listing holds `workgroup` with the namespace, id and routing
/// `workgroup` reads; another account's does not.
pub async fn list_workgroups(owner: &impl RedshiftServerless, stranger: &impl RedshiftServerless, workgroup: &str) {
    let listed = owner.list_workgroups().await.expect("list_workgroups of the owner");
    let found =
        listed.iter().find(|w| w.name == workgroup).unwrap_or_else(|| panic!("`{workgroup}` is listed: {listed:?}"));
    let read = owner.workgroup(workgroup).await.expect("workgroup");
    assert_eq!(Some(found.namespace.clone()), read.namespace, "the listed namespace");
    assert_eq!(found.workgroup_id, read.workgroup_id, "the listed id");
    assert_eq!(found.enhanced_vpc_routing, read.enhanced_vpc_routing, "the listed routing");
    let other = stranger.list_workgroups().await.expect("list_workgroups of another account");
    assert!(!other.iter().any(|w| w.name == workgroup), "another account does not list `{workgroup}`: {other:?}");
}

/// `ListAccounts`: the management account lists every account of `accounts` (its own among
/// them) once, each `ACTIVE` and named; a member (`member`, not a delegated administrator) is
/// refused with access denied.
pub async fn list_accounts(management: &impl Organizations, member: &impl Organizations, accounts: &[AccountId]) {
    let listed = management.list_accounts().await.expect("list_accounts as the management account");
    for account in accounts {
        let found: Vec<_> = listed.iter().filter(|a| a.id == *account).collect();
        assert_eq!(found.len(), 1, "`{account}` is listed once: {listed:?}");
        assert_eq!(found[0].status, "ACTIVE", "`{account}` is active");
        assert!(!found[0].name.is_empty(), "`{account}` has a name");
    }
    match member.list_accounts().await {
        Err(AwsError::AccessDenied { .. }) => {}
        other => panic!("a member may not list accounts, got {other:?}"),
    }
}
