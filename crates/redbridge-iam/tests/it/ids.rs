//! Identifier parsing: valid forms, precise errors, and round trips under random input.

use proptest::prelude::*;
use redbridge_iam::{AccountId, Arn, BucketName, DbUserArn, KmsKeyArn, KmsKeyRef, Partition, Region, RoleArn, S3Uri};

/// Checks that `input` is refused with a message containing each of `expect`.
fn refused<T: std::fmt::Debug, E: std::fmt::Display>(result: Result<T, E>, expect: &[&str]) {
    match result {
        Ok(v) => panic!("expected an error, got {v:?}"),
        Err(e) => {
            let message = e.to_string();
            for part in expect {
                assert!(message.contains(part), "`{message}` should contain `{part}`");
            }
        }
    }
}

#[test]
fn account_ids() {
    assert_eq!(AccountId::parse("012345678901").unwrap().to_string(), "012345678901");
    refused(AccountId::parse("12345"), &["invalid account id `12345`", "expected 12 digits, found 5"]);
    refused(AccountId::parse("1234-5678-9012"), &["at character 5", "without dashes"]);
    refused(AccountId::parse("12345678901a"), &["at character 12", "`a` is not a digit"]);
    refused(AccountId::parse(" 123456789012"), &["at character 1", "no spaces"]);
    refused(AccountId::parse(""), &["found 0"]);
}

#[test]
fn regions_and_partitions() {
    for (region, partition) in [
        ("us-east-1", Partition::Aws),
        ("ap-southeast-2", Partition::Aws),
        ("il-central-1", Partition::Aws),
        ("cn-north-1", Partition::AwsCn),
        ("us-gov-west-1", Partition::AwsUsGov),
    ] {
        assert_eq!(Region::parse(region).unwrap().partition(), partition, "{region}");
    }
    refused(Region::parse("US-EAST-1"), &["at character 1", "lowercase"]);
    refused(Region::parse("useast1"), &["like `us-east-1`"]);
    refused(Region::parse("us-east-"), &["like `us-east-1`"]);
    refused(Region::parse("us-isob-east-1"), &["not supported"]);
    refused(Partition::parse("aws-iso"), &["not supported"]);
}

#[test]
fn role_arns() {
    let role = RoleArn::parse("arn:aws:iam::111111111111:role/service-role/x").unwrap();
    assert_eq!((role.path(), role.name()), ("/service-role/", "x"));
    assert_eq!(role.to_string(), "arn:aws:iam::111111111111:role/service-role/x");
    let deep = RoleArn::parse("arn:aws-us-gov:iam::111111111111:role/a/b/c/Name.With+Chars@x=y,z_").unwrap();
    assert_eq!(
        (deep.path(), deep.name(), deep.partition()),
        ("/a/b/c/", "Name.With+Chars@x=y,z_", Partition::AwsUsGov)
    );
    assert_eq!(RoleArn::parse("arn:aws-cn:iam::111111111111:role/R").unwrap().partition(), Partition::AwsCn);
    assert_eq!(
        RoleArn::new(Partition::Aws, AccountId::parse("111111111111").unwrap(), "/p/", "R").unwrap().to_string(),
        "arn:aws:iam::111111111111:role/p/R"
    );

    refused(RoleArn::parse("MyRole"), &["looks like a role name", "full ARN"]);
    refused(RoleArn::parse("arn:aws:iam::111111111111:user/u"), &["IAM `user` ARN, not a role"]);
    refused(RoleArn::parse("arn:aws:sts::111111111111:assumed-role/R/s"), &["assumed-role session ARN"]);
    refused(RoleArn::parse("arn:aws:iam::11111111111:role/R"), &["account: expected 12 digits"]);
    refused(RoleArn::parse("arn:aws:iam:us-east-1:111111111111:role/R"), &["empty region field"]);
    refused(RoleArn::parse("arn:aws:iam::111111111111:role/"), &["role name is empty"]);
    refused(RoleArn::parse("arn:aws:iam::111111111111:role/a//b"), &["empty segment"]);
    refused(
        RoleArn::parse("arn:aws:iam::111111111111:role/bad name"),
        &["a space in the resource part", "at character 35"],
    );
    refused(RoleArn::parse("arn:aws:iam::111111111111:role/bad#name"), &["`#` is not allowed in a role name"]);
    refused(RoleArn::parse(&format!("arn:aws:iam::111111111111:role/{}", "n".repeat(65))), &["at most 64 characters"]);
    refused(RoleArn::parse("arn:aws:iam::111111111111:role/R "), &["remove the surrounding spaces"]);
    refused(RoleArn::parse("ARN:aws:iam::111111111111:role/R"), &["lowercase `arn:`"]);
    refused(RoleArn::parse("arn:aws:iam::111111111111"), &["five `:` separators"]);
    refused(RoleArn::parse("arn:aws-xx:iam::111111111111:role/R"), &["partition"]);
}

#[test]
fn generic_arns() {
    let bucket = Arn::parse("arn:aws:s3:::my-bucket/key/with:colon").unwrap();
    assert_eq!(
        (bucket.service(), bucket.region(), bucket.account_id(), bucket.resource()),
        ("s3", None, None, "my-bucket/key/with:colon")
    );
    let managed = Arn::parse("arn:aws:iam::aws:policy/ReadOnlyAccess").unwrap();
    assert_eq!(managed.account(), redbridge_iam::ArnAccount::Aws);
    refused(Arn::parse("arn:aws-cn:kms:us-east-1:111111111111:key/x"), &["belongs to partition `aws`, not `aws-cn`"]);
}

#[test]
fn bucket_names() {
    for ok in ["abc", "my.bucket-1", "a1b", &"a".repeat(63)] {
        assert_eq!(BucketName::parse(ok).unwrap().as_str(), ok);
    }
    refused(BucketName::parse("ab"), &["3 to 63 characters, this one has 2"]);
    refused(BucketName::parse(&"a".repeat(64)), &["this one has 64"]);
    refused(BucketName::parse("My-bucket"), &["at character 1", "uppercase"]);
    refused(BucketName::parse("my_bucket"), &["at character 3", "underscores"]);
    refused(BucketName::parse("-bucket"), &["begin with a letter or digit"]);
    refused(BucketName::parse("bucket-"), &["end with a letter or digit"]);
    refused(BucketName::parse("my..bucket"), &["at character 3", "adjacent periods"]);
    refused(BucketName::parse("192.168.5.4"), &["IP address"]);
    refused(BucketName::parse("xn--bucket"), &["prefix `xn--`"]);
    refused(BucketName::parse("sthree-bucket"), &["prefix `sthree-`"]);
    refused(BucketName::parse("amzn-s3-demo-bucket"), &["prefix `amzn-s3-demo-`"]);
    refused(BucketName::parse("bucket-s3alias"), &["suffix `-s3alias`", "at character 7"]);
    refused(BucketName::parse("bucket--ol-s3"), &["suffix `--ol-s3`"]);
    refused(BucketName::parse("bucket.mrap"), &["suffix `.mrap`"]);
    refused(BucketName::parse("bucket--x-s3"), &["suffix `--x-s3`"]);
    refused(BucketName::parse("bucket/prefix"), &["no `/`"]);
}

#[test]
fn s3_uris() {
    let uri = S3Uri::parse("s3://bucket/a/b/").unwrap();
    assert_eq!((uri.bucket().as_str(), uri.key()), ("bucket", "a/b/"));
    assert_eq!(S3Uri::parse("s3://bucket").unwrap().key(), "");
    refused(S3Uri::parse("S3://bucket/x"), &["lowercase `s3://`"]);
    refused(S3Uri::parse("arn:aws:s3:::bucket"), &["this is an ARN"]);
    refused(S3Uri::parse("https://bucket.s3.amazonaws.com/x"), &["HTTP URL"]);
    refused(S3Uri::parse("s3://Bucket/x"), &["at character 6", "uppercase"]);
    refused(S3Uri::parse("s3://bucket/a\u{7}"), &["control character"]);
}

#[test]
fn kms_keys() {
    let arn = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    let key = KmsKeyArn::parse(arn).unwrap();
    assert_eq!(
        (key.account().as_str(), key.region().as_str(), key.key_id()),
        ("222222222222", "us-east-1", "1234abcd-12ab-34cd-56ef-1234567890ab")
    );
    assert!(KmsKeyArn::parse("arn:aws:kms:us-east-1:222222222222:key/mrk-1234abcd12ab34cd56ef1234567890ab").is_ok());
    refused(KmsKeyArn::parse("arn:aws:kms:us-east-1:222222222222:alias/aws/s3"), &["an alias is not a key ARN"]);
    refused(KmsKeyArn::parse("alias/my-key"), &["an alias is not a key ARN"]);
    refused(KmsKeyArn::parse("1234abcd-12ab-34cd-56ef-1234567890ab"), &["bare key id"]);
    refused(KmsKeyArn::parse("arn:aws:kms:us-east-1:222222222222:key/not-a-uuid"), &["UUID"]);
    refused(
        KmsKeyArn::parse("arn:aws:kms::222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        &["names the key's region"],
    );
    refused(KmsKeyArn::parse("arn:aws:s3:::bucket"), &["a KMS ARN has `kms`"]);
    assert!(matches!(KmsKeyRef::parse("alias/aws/s3").unwrap(), KmsKeyRef::AliasName(_)));
    assert!(matches!(KmsKeyRef::parse("arn:aws:kms:us-east-1:222222222222:alias/x").unwrap(), KmsKeyRef::AliasArn(_)));
}

#[test]
fn db_user_arns() {
    let provisioned = DbUserArn::parse("arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster/user1").unwrap();
    assert_eq!(
        (provisioned.region().as_str(), provisioned.account().as_str(), provisioned.host(), provisioned.user()),
        ("us-west-2", "123456789012", "my-cluster", "user1")
    );
    assert_eq!(provisioned.serverless_workgroup_id(), None);
    let region = Region::parse("us-west-2").unwrap();
    let account = AccountId::parse("123456789012").unwrap();
    assert_eq!(DbUserArn::provisioned(&region, account, "my-cluster", "user1").unwrap(), provisioned);

    // Serverless as documented: `serverless-ACCOUNT-WORKGROUPID`, the workgroup's id.
    let id = "a1b2c3d4-5678-90ab-cdef-0123456789ab";
    let text = format!("arn:aws:redshift:us-west-2:123456789012:dbuser:serverless-123456789012-{id}/IAMR:Admin");
    let serverless = DbUserArn::parse(&text).unwrap();
    assert_eq!((serverless.serverless_workgroup_id(), serverless.user()), (Some(id), "IAMR:Admin"));
    assert_eq!(DbUserArn::serverless(&region, account, id, "IAMR:Admin").unwrap(), serverless);
    assert_eq!(serverless.to_string(), text);
    // Another account's prefix is a cluster name like any other.
    let other = DbUserArn::parse("arn:aws:redshift:us-west-2:123456789012:dbuser:serverless-999999999999-x/u").unwrap();
    assert_eq!(other.serverless_workgroup_id(), None);
    // Serverless as older pages wrote it: the workgroup name, written like a cluster.
    let by_name = DbUserArn::serverless_by_name(&region, account, "analytics-wg", "etl").unwrap();
    assert_eq!(by_name.to_string(), "arn:aws:redshift:us-west-2:123456789012:dbuser:analytics-wg/etl");
    assert_eq!(
        DbUserArn::serverless_pattern(&region, account, "etl"),
        "arn:aws:redshift:us-west-2:123456789012:dbuser:serverless-123456789012-*/etl"
    );
    let china = DbUserArn::provisioned(&Region::parse("cn-north-1").unwrap(), account, "c", "u").unwrap();
    assert_eq!(
        (china.partition(), china.to_string().as_str()),
        (Partition::AwsCn, "arn:aws-cn:redshift:cn-north-1:123456789012:dbuser:c/u")
    );

    refused(
        DbUserArn::parse("arn:aws:redshift:us-west-2:123456789012:cluster:my-cluster"),
        &["invalid database user ARN", "Redshift `cluster` ARN"],
    );
    refused(DbUserArn::parse("arn:aws:redshift::123456789012:dbuser:c/u"), &["names the region"]);
    refused(DbUserArn::parse("arn:aws:iam::123456789012:role/R"), &["a database user ARN has `redshift`"]);
    refused(DbUserArn::parse("arn:aws:redshift:us-west-2:123456789012:dbuser:my-cluster"), &["dbuser:CLUSTER/USER"]);
    refused(
        DbUserArn::parse("arn:aws:redshift:us-west-2:123456789012:dbuser:My-Cluster/u"),
        &["`M` is not allowed", "at character 48"],
    );
    refused(DbUserArn::parse("arn:aws:redshift:us-west-2:123456789012:dbuser:c/"), &["user name after `/`"]);
    refused(DbUserArn::parse("arn:aws:redshift:us-west-2:123456789012:dbuser:c/a/b"), &["no `/`", "at character 51"]);
    refused(DbUserArn::parse("arn:aws:redshift:us-west-2:123456789012:dbuser:c/a b"), &["a space"]);
    refused(DbUserArn::serverless(&region, account, "", "u"), &["workgroup id is empty"]);
    refused(DbUserArn::serverless(&region, account, "ID", "u"), &["`I` is not allowed"]);
    let json = serde_json::to_string(&serverless).unwrap();
    assert_eq!(serde_json::from_str::<DbUserArn>(&json).unwrap(), serverless);
}

#[test]
fn serde_carries_identifiers_as_strings_and_validates_them() {
    let role: RoleArn = serde_json::from_str("\"arn:aws:iam::111111111111:role/R\"").unwrap();
    assert_eq!(serde_json::to_string(&role).unwrap(), "\"arn:aws:iam::111111111111:role/R\"");
    let err = serde_json::from_str::<AccountId>("\"123\"").unwrap_err().to_string();
    assert!(err.contains("expected 12 digits"), "{err}");
}

fn account() -> impl Strategy<Value = String> {
    "[0-9]{12}"
}
fn partition() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("aws"), Just("aws-cn"), Just("aws-us-gov")]
}
fn role_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9+=,.@_-]{1,64}"
}
fn role_path() -> impl Strategy<Value = String> {
    prop::collection::vec("[A-Za-z0-9_.-]{1,8}", 0..4)
        .prop_map(|segments| if segments.is_empty() { "/".to_owned() } else { format!("/{}/", segments.join("/")) })
}
fn bucket_name() -> impl Strategy<Value = String> {
    "[a-z0-9][a-z0-9-]{1,40}[a-z0-9]".prop_filter("reserved forms", |b| BucketName::parse(b).is_ok())
}

proptest! {
    #[test]
    fn role_arn_round_trips(p in partition(), a in account(), path in role_path(), name in role_name()) {
        let text = format!("arn:{p}:iam::{a}:role{path}{name}");
        let role = RoleArn::parse(&text).unwrap();
        prop_assert_eq!(role.to_string(), text.clone());
        prop_assert_eq!(RoleArn::parse(&role.to_string()).unwrap(), role.clone());
        prop_assert_eq!(Arn::parse(&text).unwrap(), role.to_arn());
    }

    #[test]
    fn account_round_trips(a in account()) {
        let id = AccountId::parse(&a).unwrap();
        prop_assert_eq!(AccountId::parse(&id.to_string()).unwrap(), id);
    }

    #[test]
    fn bucket_and_uri_round_trip(b in bucket_name(), key in "[a-zA-Z0-9/._ -]{0,30}") {
        let bucket = BucketName::parse(&b).unwrap();
        prop_assert_eq!(BucketName::parse(&bucket.to_string()).unwrap(), bucket.clone());
        let uri = S3Uri::new(bucket, &key);
        prop_assert_eq!(S3Uri::parse(&uri.to_string()).unwrap(), uri);
    }

    #[test]
    fn kms_key_round_trips(a in account(), id in "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", r in prop_oneof![Just("us-east-1"), Just("eu-west-3")]) {
        let key = KmsKeyArn::parse(&format!("arn:aws:kms:{r}:{a}:key/{id}")).unwrap();
        prop_assert_eq!(KmsKeyArn::parse(&key.to_string()).unwrap(), key);
    }

    #[test]
    fn db_user_arn_round_trips(
        p in prop_oneof![Just("us-east-1"), Just("cn-north-1"), Just("us-gov-west-1")],
        a in account(),
        cluster in "[a-z][a-z0-9-]{0,62}",
        workgroup_id in "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        user in "[A-Za-z0-9_$.@+:-]{1,40}",
        serverless in any::<bool>(),
    ) {
        let region = Region::parse(p).unwrap();
        let account = AccountId::parse(&a).unwrap();
        let arn = if serverless {
            DbUserArn::serverless(&region, account, &workgroup_id, &user).unwrap()
        } else {
            DbUserArn::provisioned(&region, account, &cluster, &user).unwrap()
        };
        prop_assert_eq!(DbUserArn::parse(&arn.to_string()).unwrap(), arn);
    }

    #[test]
    fn arbitrary_strings_never_panic(s in "\\PC{0,80}") {
        let _ = AccountId::parse(&s);
        let _ = Region::parse(&s);
        let _ = Arn::parse(&s);
        let _ = RoleArn::parse(&s);
        let _ = BucketName::parse(&s);
        let _ = S3Uri::parse(&s);
        let _ = KmsKeyRef::parse(&s);
        let _ = KmsKeyArn::parse(&s);
        let _ = DbUserArn::parse(&s);
    }

    #[test]
    fn arn_like_strings_never_panic(s in "arn:[a-z-]{0,12}:[a-z0-9:/ *-]{0,60}") {
        let _ = Arn::parse(&s);
        let _ = RoleArn::parse(&s);
        let _ = KmsKeyRef::parse(&s);
        let _ = DbUserArn::parse(&s);
        let _ = S3Uri::parse(&format!("s3://{s}"));
    }

    #[test]
    fn parsed_arns_display_as_written(s in "arn:aws:[a-z0-9-]{1,10}:(us-east-1)?:([0-9]{12})?:[a-zA-Z0-9/:._-]{1,30}") {
        if let Ok(arn) = Arn::parse(&s) {
            prop_assert_eq!(arn.to_string(), s);
        }
    }
}
