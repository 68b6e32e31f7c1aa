//! COPY and UNLOAD across two accounts through a role chain: the happy path end to end, and
//! Redshift's error texts (as `redbridge_core::doctor::classify` reads them) for each failure.

use std::io::{Read as _, Write as _};

use redbridge_aws::ports::{DataTarget, ObjectEncryption, Redshift as _, StatementState};
use redbridge_core::doctor::classify::classify;

use crate::support::{Harness, policy, result_rows, rows, run_err, run_ok, run_on};

pub(crate) const CLUSTER_ROLE: &str = "arn:aws:iam::111111111111:role/ClusterRole";
pub(crate) const BUCKET_ROLE: &str = "arn:aws:iam::222222222222:role/BucketRole";
pub(crate) const DB_USER: &str = "arn:aws:redshift:us-east-1:111111111111:dbuser:main/awsuser";
pub(crate) const KEY: &str = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab";
pub(crate) const CHAIN: &str = "arn:aws:iam::111111111111:role/ClusterRole,arn:aws:iam::222222222222:role/BucketRole";

fn bucket_role_policy(actions: &str) -> redbridge_iam::policy::PolicyDocument {
    policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[
            {{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::data-bucket"}},
            {{"Effect":"Allow","Action":[{actions}],"Resource":"arn:aws:s3:::data-bucket/*"}},
            {{"Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"{KEY}"}}]}}"#
    ))
}

fn assume_bucket_role() -> redbridge_iam::policy::PolicyDocument {
    policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"{BUCKET_ROLE}"}}]}}"#
    ))
}

/// Two accounts wired as the seed article does; the cluster `main` has the cluster role in sync.
pub(crate) async fn setup(attach: bool) -> Harness {
    let h = Harness::start().await;
    let cluster_trust = policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Service":"redshift.amazonaws.com"}},"Action":"sts:AssumeRole",
            "Condition":{{"StringEquals":{{"aws:SourceAccount":"111111111111","sts:ExternalId":"{DB_USER}"}}}}}}]}}"#
    ));
    h.put_role(CLUSTER_ROLE, cluster_trust, vec![assume_bucket_role()]);
    let bucket_trust = policy(&format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{CLUSTER_ROLE}"}},"Action":"sts:AssumeRole",
            "Condition":{{"StringEquals":{{"sts:ExternalId":"{DB_USER}"}}}}}}]}}"#
    ));
    h.put_role(
        BUCKET_ROLE,
        bucket_trust,
        vec![bucket_role_policy(r#""s3:GetObject","s3:PutObject","s3:DeleteObject""#)],
    );
    h.create_bucket("222222222222", "data-bucket", "us-east-1");
    h.put_key(
        KEY,
        policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"kms:*","Resource":"*"}]}"#),
    );
    h.create_cluster("111111111111", "main", if attach { &[CLUSTER_ROLE] } else { &[] }).await;
    h
}

pub(crate) fn gzip(text: &str) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(text.as_bytes()).unwrap();
    encoder.finish().unwrap()
}

#[tokio::test]
async fn copy_unload_copy_round_trip_through_a_two_account_chain() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    h.put_object_raw("data-bucket", "in/part-1.csv.gz", gzip("id,name,note\n1,alpha,\"a,b\"\n2,beta,\n"));
    h.put_object_raw("data-bucket", "in/part-2.csv.gz", gzip("id,name,note\n3,\"gam\"\"ma\",x\n"));
    run_ok(&data, "main", "create table src (id integer, name varchar(20), note varchar(20))").await;

    let copied = run_ok(
        &data,
        "main",
        &format!("COPY public.src FROM 's3://data-bucket/in/' IAM_ROLE '{CHAIN}' CSV IGNOREHEADER 1 GZIP EMPTYASNULL"),
    )
    .await
    .1;
    assert_eq!(result_rows(&copied), Some(3));
    assert!(!copied.has_result_set);

    let unload = format!(
        "UNLOAD ('select * from src where id > 0 order by id') TO 's3://data-bucket/out/src_' IAM_ROLE '{CHAIN}' CSV HEADER MANIFEST ENCRYPTED KMS_KEY_ID '{KEY}' PARALLEL OFF"
    );
    let (_, unloaded) = run_ok(&data, "main", &unload).await;
    assert_eq!(result_rows(&unloaded), Some(3));
    let (body, encryption) = h.object("data-bucket", "out/src_000").expect("the part file is written");
    assert_eq!(String::from_utf8(body).unwrap(), "id,name,note\n1,alpha,\"a,b\"\n2,beta,\n3,\"gam\"\"ma\",x\n");
    assert_eq!(encryption, ObjectEncryption::Kms(KEY.to_owned()));
    let manifest: serde_json::Value =
        serde_json::from_slice(&h.object("data-bucket", "out/src_manifest").unwrap().0).unwrap();
    assert_eq!(manifest["entries"][0]["url"], "s3://data-bucket/out/src_000");

    run_ok(&data, "main", "create table back (id integer, name varchar(20), note varchar(20))").await;
    let (_, reloaded) = run_ok(&data, "main", &format!("COPY back FROM 's3://data-bucket/out/src_manifest' IAM_ROLE '{CHAIN}' CSV IGNOREHEADER 1 MANIFEST EMPTYASNULL")).await;
    assert_eq!(result_rows(&reloaded), Some(3));
    let original = rows(&data, "main", "select * from src order by id").await;
    assert_eq!(original, rows(&data, "main", "select * from back order by id").await);
    assert_eq!(original[1][2], None);

    // Every hop was really assumed, with the database user's ARN as the external id.
    let assumed = h.aws.assumed_roles();
    assert!(
        assumed.iter().any(|a| a.role.to_string() == BUCKET_ROLE && a.external_id.as_deref() == Some(DB_USER)),
        "{assumed:?}"
    );
}

#[tokio::test]
async fn unload_names_part_files_compresses_and_guards_the_prefix() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table t (id integer, name varchar(20))").await;
    run_ok(&data, "main", "insert into t values (1, 'a|b'), (2, null)").await;
    let target = format!("UNLOAD ('select * from t order by id') TO 's3://data-bucket/u/t_' IAM_ROLE '{CHAIN}'");
    run_ok(&data, "main", &format!("{target} GZIP")).await;
    let (body, encryption) =
        h.object("data-bucket", "u/t_0000_part_00.gz").expect("parallel unload names the part file");
    assert_eq!(encryption, ObjectEncryption::S3);
    let mut text = String::new();
    flate2::read::GzDecoder::new(&body[..]).read_to_string(&mut text).unwrap();
    assert_eq!(text, "1|a|b\n2|\n");

    let not_empty = run_err(&data, "main", &target).await;
    assert!(not_empty.starts_with("ERROR: Specified unload destination on S3 is not empty."), "{not_empty}");
    assert_eq!(classify(&not_empty).code, "RB183");

    run_ok(&data, "main", &format!("{target} ALLOWOVERWRITE DELIMITER ',' NULL AS 'NULL'")).await;
    assert_eq!(h.object("data-bucket", "u/t_0000_part_00").unwrap().0, b"1,a|b\n2,NULL\n");
    run_ok(&data, "main", &format!("{target} CLEANPATH PARALLEL OFF")).await;
    assert_eq!(h.keys("data-bucket"), ["u/t_000"]);
}

#[tokio::test]
async fn copy_reads_delimited_text_with_options() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table t (id integer, name varchar(20), score integer)").await;
    h.put_object_raw("data-bucket", "txt/a.txt", "header line\n1;\"x;y\";10\n2;\\N;\n\n3;z;30\n");
    let done = run_ok(
        &data,
        "main",
        &format!("COPY t FROM 's3://data-bucket/txt/' IAM_ROLE '{CHAIN}' DELIMITER ';' REMOVEQUOTES IGNOREHEADER 1 IGNOREBLANKLINES NULL AS '\\\\N'"),
    )
    .await
    .1;
    assert_eq!(result_rows(&done), Some(3));
    let got = rows(&data, "main", "select id, name, score from t order by id").await;
    assert_eq!(got[0], [Some("1".to_owned()), Some("x;y".to_owned()), Some("10".to_owned())]);
    assert_eq!(got[1], [Some("2".to_owned()), None, None]);
}

#[tokio::test]
async fn chain_failures_give_redshifts_texts() {
    let h = setup(false).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table t (id integer)").await;
    h.put_object_raw("data-bucket", "in/a.csv", "1\n");
    let copy = format!("COPY t FROM 's3://data-bucket/in/' IAM_ROLE '{CHAIN}' CSV");

    let not_attached = run_err(&data, "main", &copy).await;
    assert_eq!(not_attached, format!("ERROR: User {DB_USER} is not authorized to assume IAM Role {CLUSTER_ROLE}"));
    assert_eq!(classify(&not_attached).code, "RB101");

    h.redshift("111111111111").add_cluster_role("main", CLUSTER_ROLE).await.unwrap();
    let adding = run_err(&data, "main", &copy).await;
    assert_eq!(classify(&adding).code, "RB101", "a role still `adding` is not usable: {adding}");
    tokio::time::sleep(crate::support::APPLY_DELAY).await;
    run_ok(&data, "main", &copy).await;

    let spaced = run_err(&data, "main", &copy.replace(",arn", ", arn")).await;
    assert_eq!(classify(&spaced).code, "RB101", "{spaced}");

    h.set_identity_policies(CLUSTER_ROLE, vec![]);
    let no_assume = run_err(&data, "main", &copy).await;
    assert_eq!(no_assume, format!("ERROR: Not authorized to get credentials of role {BUCKET_ROLE}"));
    assert_eq!(classify(&no_assume).code, "RB111");
}

#[tokio::test]
async fn trust_conditions_are_judged_with_the_database_users_arn() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table t (id integer)").await;
    h.put_object_raw("data-bucket", "in/a.csv", "1\n");
    // Another database user gives another external id, which the cluster role's trust refuses.
    let analyst = DataTarget::Cluster { cluster: "main".to_owned(), db_user: Some("analyst".to_owned()) };
    let (_, done) =
        run_on(&data, &analyst, &format!("COPY t FROM 's3://data-bucket/in/' IAM_ROLE '{CHAIN}' CSV")).await;
    assert_eq!(
        done.state,
        StatementState::Failed { error: format!("ERROR: Not authorized to get credentials of role {CLUSTER_ROLE}") }
    );
}

#[tokio::test]
async fn s3_and_kms_failures_give_redshifts_texts() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table t (id integer)").await;
    run_ok(&data, "main", "insert into t values (1)").await;
    let unload = |prefix: &str, extra: &str| {
        format!("UNLOAD ('select * from t') TO 's3://data-bucket/{prefix}' IAM_ROLE '{CHAIN}' {extra}")
    };

    h.set_identity_policies(BUCKET_ROLE, vec![bucket_role_policy(r#""s3:GetObject""#)]);
    let denied = run_err(&data, "main", &unload("a/", "")).await;
    assert_eq!(denied, "ERROR: S3ServiceException:Access Denied,Status 403,Error AccessDenied");
    assert_eq!(classify(&denied).code, "RB131");
    h.set_identity_policies(BUCKET_ROLE, vec![bucket_role_policy(r#""s3:GetObject","s3:PutObject""#)]);

    h.set_bucket_policy(
        "data-bucket",
        Some(policy(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::data-bucket/*",
                "Condition":{"StringNotEquals":{"s3:x-amz-server-side-encryption":"aws:kms"}}}]}"#,
        )),
    );
    let explicit = run_err(&data, "main", &unload("b/", "")).await;
    assert!(explicit.contains("User: arn:aws:sts::222222222222:assumed-role/BucketRole/RedshiftIamRoleSession is not authorized to perform: s3:PutObject"), "{explicit}");
    let classification = classify(&explicit);
    assert_eq!((classification.code.as_str(), classification.subject.as_deref()), ("RB132", Some("BucketRole")));
    run_ok(&data, "main", &unload("b/", &format!("ENCRYPTED KMS_KEY_ID '{KEY}'"))).await;

    h.put_key(KEY, policy(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:root"},"Action":"kms:*","Resource":"*"}]}"#));
    let key_denied = run_err(&data, "main", &unload("c/", &format!("ENCRYPTED KMS_KEY_ID '{KEY}'"))).await;
    assert_eq!(classify(&key_denied).code, "RB141", "{key_denied}");
}

#[tokio::test]
async fn missing_buckets_prefixes_regions_and_formats() {
    let h = setup(true).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table t (id integer)").await;
    let copy = |from: &str, extra: &str| format!("COPY t FROM '{from}' IAM_ROLE '{CHAIN}' {extra}");

    let empty = run_err(&data, "main", &copy("s3://data-bucket/nothing/", "")).await;
    assert_eq!(empty, "ERROR: The specified S3 prefix 'nothing/' does not exist");
    assert_eq!(classify(&empty).code, "RB184");
    let no_bucket = run_err(&data, "main", &copy("s3://no-such-bucket/x", "")).await;
    assert_eq!(classify(&no_bucket).code, "RB153", "{no_bucket}");

    h.create_bucket("222222222222", "eu-bucket", "eu-west-1");
    h.put_object_raw("eu-bucket", "x/a", "1\n");
    let region = run_err(&data, "main", &copy("s3://eu-bucket/x/", "")).await;
    assert_eq!(classify(&region).code, "RB151", "{region}");
    // The bucket role's policy covers only `data-bucket`: with REGION the region is right but S3 refuses.
    let other_bucket = run_err(&data, "main", &copy("s3://eu-bucket/x/", "REGION 'eu-west-1'")).await;
    assert_eq!(classify(&other_bucket).code, "RB131");

    let avro = run_err(&data, "main", &copy("s3://data-bucket/x/", "FORMAT AS AVRO 'auto'")).await;
    assert!(avro.starts_with("ERROR: not emulated: COPY from `AVRO`"), "{avro}");
    let missing_table = run_err(
        &data,
        "main",
        "COPY nope FROM 's3://data-bucket/x/' IAM_ROLE 'arn:aws:iam::111111111111:role/ClusterRole'",
    )
    .await;
    assert_eq!(missing_table, "ERROR: relation \"nope\" does not exist");
}

#[tokio::test]
async fn serverless_copy_needs_both_service_principals_in_the_trust() {
    let h = Harness::start().await;
    let role = "arn:aws:iam::111111111111:role/ServerlessRole";
    let s3_access = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::own-bucket","arn:aws:s3:::own-bucket/*"]}]}"#,
    );
    let only_redshift = policy(
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
    );
    h.put_role(role, only_redshift, vec![s3_access.clone()]);
    h.create_bucket("111111111111", "own-bucket", "us-east-1");
    h.put_object_raw("own-bucket", "in/a.txt", "1|one\n2|two\n");
    h.create_namespace("111111111111", "main-ns", &[role]).await;
    h.create_workgroup("111111111111", "main-wg", "main-ns").await;

    let data = h.data("111111111111");
    let workgroup = DataTarget::Workgroup { workgroup: "main-wg".to_owned() };
    let (_, created) = run_on(&data, &workgroup, "create table t (id integer, name varchar(10))").await;
    assert_eq!(created.status, "FINISHED");
    let copy = format!("COPY t FROM 's3://own-bucket/in/' IAM_ROLE '{role}'");
    let (_, refused) = run_on(&data, &workgroup, &copy).await;
    let expected = format!("ERROR: Not authorized to get credentials of role {role}");
    assert_eq!(refused.state, StatementState::Failed { error: expected.clone() });
    assert_eq!(classify(&expected).code, "RB111");

    h.put_role(role, crate::support::redshift_trust("111111111111"), vec![s3_access]);
    let (_, loaded) = run_on(&data, &workgroup, &copy).await;
    assert_eq!(loaded.status, "FINISHED", "{:?}", loaded.state);
    assert_eq!(result_rows(&loaded), Some(2));
    let assumed = h.aws.assumed_roles();
    let external_id = &assumed.last().unwrap().external_id;
    assert!(
        external_id.as_deref().is_some_and(|id| id
            .starts_with("arn:aws:redshift:us-east-1:111111111111:dbuser:serverless-111111111111-")
            && id.ends_with("/admin")),
        "{external_id:?}"
    );
}
