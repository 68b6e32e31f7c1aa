//! The builder and the parser agree: parse(build(x)) == x for arbitrary trees, and what the
//! constructors build from valid identifiers never gets a diagnostic, even against the spec.

use proptest::prelude::*;
use proptest::sample::subsequence;
use redbridge_iam::{AccountId, BucketName, RoleArn, S3Uri};
use redbridge_sql::{
    Authorization, CompUpdate, Compression, CopyFormat, CopyOption, CopyStatement, Encoding, IamRoleSpec, Ident,
    JsonSource, LintContext, Simplify, Size, SizeUnit, Statement, TableName, UnloadFormat, UnloadOption,
    UnloadStatement, lint, parse_statement,
};

fn ident() -> impl Strategy<Value = Ident> {
    prop_oneof![
        "[A-Za-z_][A-Za-z0-9_$]{0,10}".prop_map(Ident::new),
        "[^\u{0}]{1,12}".prop_map(Ident::quoted),
        "[a-z \"]{1,8}".prop_map(Ident::new),
    ]
}

fn table() -> impl Strategy<Value = TableName> {
    (proptest::option::of(ident()), ident()).prop_map(|(schema, name)| TableName { schema, name })
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), "[ -~]{0,20}", "['\\\\a-z,]{0,12}"]
}

fn authorization() -> impl Strategy<Value = Option<Authorization>> {
    proptest::option::of(prop_oneof![
        Just(Authorization::IamRole { role: IamRoleSpec::Default }),
        proptest::collection::vec("[^,]{0,30}", 1..4)
            .prop_map(|chain| Authorization::IamRole { role: IamRoleSpec::Chain(chain) }),
        text().prop_map(|credentials| Authorization::Credentials { credentials }),
        (text(), text(), proptest::option::of(text())).prop_map(|(access_key_id, secret_access_key, session_token)| {
            Authorization::AccessKeys { access_key_id, secret_access_key, session_token }
        }),
    ])
}

fn size() -> impl Strategy<Value = Size> {
    ("[0-9]{1,4}(\\.[0-9]{1,2})?", proptest::option::of(prop_oneof![Just(SizeUnit::Mb), Just(SizeUnit::Gb)]))
        .prop_map(|(value, unit)| Size { value, unit })
}

fn compression() -> impl Strategy<Value = Compression> {
    prop_oneof![Just(Compression::Gzip), Just(Compression::Lzop), Just(Compression::Bzip2), Just(Compression::Zstd)]
}

fn json_source() -> impl Strategy<Value = JsonSource> {
    prop_oneof![Just(JsonSource::Default), text().prop_map(JsonSource::Value)]
}

fn copy_option() -> impl Strategy<Value = CopyOption> {
    let formats = prop_oneof![
        proptest::option::of(text()).prop_map(|quote| CopyFormat::Csv { quote }),
        json_source().prop_map(|source| CopyFormat::Json { source }),
        json_source().prop_map(|source| CopyFormat::Avro { source }),
        any::<bool>().prop_map(|serialize_to_json| CopyFormat::Parquet { serialize_to_json }),
        any::<bool>().prop_map(|serialize_to_json| CopyFormat::Orc { serialize_to_json }),
        proptest::option::of((any::<bool>(), proptest::option::of("[0-9]{1,3}(\\.[0-9]{1,3})?(E-0[1-9])?")))
            .prop_map(|s| CopyFormat::Shapefile { simplify: s.map(|(auto, tolerance)| Simplify { auto, tolerance }) }),
    ];
    prop_oneof![
        Just(CopyOption::Manifest),
        text().prop_map(CopyOption::Region),
        formats.prop_map(CopyOption::Format),
        text().prop_map(CopyOption::Delimiter),
        text().prop_map(CopyOption::FixedWidth),
        compression().prop_map(CopyOption::Compression),
        Just(CopyOption::Encrypted),
        text().prop_map(CopyOption::MasterSymmetricKey),
        Just(CopyOption::AcceptAnyDate),
        proptest::option::of(text()).prop_map(CopyOption::AcceptInvChars),
        Just(CopyOption::BlanksAsNull),
        text().prop_map(CopyOption::DateFormat),
        Just(CopyOption::EmptyAsNull),
        prop_oneof![Just(Encoding::Utf8), Just(Encoding::Utf16), Just(Encoding::Utf16Le), Just(Encoding::Utf16Be)]
            .prop_map(CopyOption::Encoding),
        Just(CopyOption::Escape),
        Just(CopyOption::ExplicitIds),
        Just(CopyOption::FillRecord),
        Just(CopyOption::IgnoreBlankLines),
        any::<u64>().prop_map(CopyOption::IgnoreHeader),
        text().prop_map(CopyOption::NullAs),
        Just(CopyOption::RemoveQuotes),
        Just(CopyOption::RoundDec),
        text().prop_map(CopyOption::TimeFormat),
        Just(CopyOption::TrimBlanks),
        Just(CopyOption::TruncateColumns),
        any::<u64>().prop_map(CopyOption::CompRows),
        prop_oneof![Just(CompUpdate::Default), Just(CompUpdate::Preset), Just(CompUpdate::On), Just(CompUpdate::Off)]
            .prop_map(CopyOption::CompUpdate),
        any::<u64>().prop_map(CopyOption::MaxError),
        Just(CopyOption::NoLoad),
        proptest::option::of(any::<bool>()).prop_map(CopyOption::StatUpdate),
    ]
}

fn unload_option() -> impl Strategy<Value = UnloadOption> {
    prop_oneof![
        prop_oneof![Just(UnloadFormat::Csv), Just(UnloadFormat::Parquet), Just(UnloadFormat::Json)]
            .prop_map(UnloadOption::Format),
        (proptest::collection::vec(ident(), 1..4), any::<bool>())
            .prop_map(|(columns, include)| UnloadOption::PartitionBy { columns, include }),
        any::<bool>().prop_map(|verbose| UnloadOption::Manifest { verbose }),
        Just(UnloadOption::Header),
        text().prop_map(UnloadOption::Delimiter),
        text().prop_map(UnloadOption::FixedWidth),
        any::<bool>().prop_map(|auto| UnloadOption::Encrypted { auto }),
        text().prop_map(UnloadOption::KmsKeyId),
        text().prop_map(UnloadOption::MasterSymmetricKey),
        prop_oneof![Just(Compression::Gzip), Just(Compression::Bzip2), Just(Compression::Zstd)]
            .prop_map(UnloadOption::Compression),
        Just(UnloadOption::AddQuotes),
        text().prop_map(UnloadOption::NullAs),
        Just(UnloadOption::Escape),
        Just(UnloadOption::AllowOverwrite),
        Just(UnloadOption::CleanPath),
        any::<bool>().prop_map(UnloadOption::Parallel),
        size().prop_map(UnloadOption::MaxFileSize),
        size().prop_map(UnloadOption::RowGroupSize),
        text().prop_map(UnloadOption::Region),
        text().prop_map(UnloadOption::Extension),
    ]
}

fn statement() -> impl Strategy<Value = Statement> {
    prop_oneof![
        (
            table(),
            proptest::collection::vec(ident(), 0..3),
            text(),
            authorization(),
            proptest::collection::vec(copy_option(), 0..6)
        )
            .prop_map(|(table, columns, from, authorization, options)| {
                Statement::Copy(CopyStatement { table, columns, from, authorization, options })
            }),
        (text(), text(), authorization(), proptest::collection::vec(unload_option(), 0..6)).prop_map(
            |(query, to, authorization, options)| {
                Statement::Unload(UnloadStatement { query, to, authorization, options })
            }
        ),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Any tree, rendered on one line or one clause per line, parses back to itself.
    #[test]
    fn parse_of_rendered_tree_is_the_tree(statement in statement()) {
        for rendered in [statement.to_string(), format!("{statement:#}")] {
            prop_assert_eq!(parse_statement(&rendered), Ok(statement.clone()), "{}", rendered);
        }
    }
}

/// Queries the plan may unload, including quotes that need escaping.
const QUERIES: &[&str] = &[
    "select * from sales",
    "select id, amount from public.sales where region = 'NV'",
    "select * from venue where name like '%it''s%' order by id",
    "select count(*) from events where note = 'back\\slash'",
];

/// A chain of 1 to 10 distinct roles: the first in the Redshift account, the last in the S3
/// account, hops in between elsewhere. Role names avoid `,`, which a Redshift chain cannot carry.
fn chain() -> impl Strategy<Value = Vec<RoleArn>> {
    proptest::collection::btree_set("[A-Za-z0-9+=.@_-]{1,20}", 1..=10).prop_map(|names| {
        let count = names.len();
        names
            .into_iter()
            .enumerate()
            .map(|(i, name)| {
                let account = if i == 0 {
                    "111111111111"
                } else if i + 1 == count {
                    "222222222222"
                } else {
                    "333333333333"
                };
                let path = if i % 2 == 0 { "/" } else { "/service-role/" };
                RoleArn::new(redbridge_iam::Partition::Aws, AccountId::parse(account).unwrap(), path, &name).unwrap()
            })
            .collect()
    })
}

fn location() -> impl Strategy<Value = S3Uri> {
    ("[a-z0-9][a-z0-9-]{2,20}[a-z0-9]", "[A-Za-z0-9/_.=-]{0,30}")
        .prop_filter_map("valid bucket", |(bucket, key)| Some(S3Uri::new(BucketName::parse(&bucket).ok()?, &key)))
}

/// The spec facts that match a built statement.
fn context_for(chain: &[RoleArn], uri: &S3Uri) -> LintContext {
    LintContext {
        redshift_account: chain.first().map(RoleArn::account),
        s3_account: chain.last().map(RoleArn::account),
        bucket: Some(uri.bucket().clone()),
        prefixes: vec![uri.key().to_owned()],
        ..LintContext::default()
    }
}

fn built_copy() -> impl Strategy<Value = (CopyStatement, LintContext)> {
    let row_options = vec![
        CopyOption::Compression(Compression::Gzip),
        CopyOption::IgnoreHeader(1),
        CopyOption::DateFormat("auto".into()),
        CopyOption::TimeFormat("auto".into()),
        CopyOption::MaxError(10),
        CopyOption::Region("us-west-2".into()),
        CopyOption::BlanksAsNull,
        CopyOption::EmptyAsNull,
        CopyOption::TruncateColumns,
        CopyOption::AcceptAnyDate,
        CopyOption::CompUpdate(CompUpdate::Off),
        CopyOption::StatUpdate(Some(false)),
        CopyOption::NullAs("\\N".into()),
        CopyOption::Encoding(Encoding::Utf8),
        CopyOption::TrimBlanks,
        CopyOption::Manifest,
    ];
    let columnar_options = vec![
        CopyOption::Manifest,
        CopyOption::AcceptInvChars(None),
        CopyOption::FillRecord,
        CopyOption::StatUpdate(Some(true)),
        CopyOption::ExplicitIds,
    ];
    let format = prop_oneof![
        Just(None),
        Just(Some(CopyFormat::Csv { quote: None })),
        Just(Some(CopyFormat::Csv { quote: Some("'".into()) })),
        Just(Some(CopyFormat::Json { source: JsonSource::Value("auto".into()) })),
        Just(Some(CopyFormat::Avro { source: JsonSource::Value("auto ignorecase".into()) })),
        Just(Some(CopyFormat::Parquet { serialize_to_json: false })),
        Just(Some(CopyFormat::Orc { serialize_to_json: true })),
    ];
    (table(), chain(), location(), format, subsequence(row_options, 0..=6), subsequence(columnar_options, 0..=5))
        .prop_map(|(table, chain, uri, format, row, columnar)| {
            let mut copy = CopyStatement::new(table, &uri, &chain);
            let mut extra = match &format {
                Some(f) if f.is_columnar() => columnar,
                _ => row,
            };
            // "Always use ACCEPTANYDATE with the DATEFORMAT parameter" (data conversion page).
            let has = |extra: &[CopyOption], keyword| extra.iter().any(|o| o.keyword() == keyword);
            if has(&extra, "ACCEPTANYDATE") && !has(&extra, "DATEFORMAT") {
                extra.push(CopyOption::DateFormat("auto".into()));
            }
            if let Some(format) = format {
                copy = copy.option(CopyOption::Format(format));
            }
            for option in extra {
                copy = copy.option(option);
            }
            let context = context_for(&chain, &uri);
            (copy, context)
        })
}

fn built_unload() -> impl Strategy<Value = (UnloadStatement, LintContext)> {
    let common = vec![
        UnloadOption::Manifest { verbose: true },
        UnloadOption::AllowOverwrite,
        UnloadOption::Parallel(false),
        UnloadOption::MaxFileSize(Size { value: "100".into(), unit: Some(SizeUnit::Mb) }),
        UnloadOption::Region("us-west-2".into()),
        UnloadOption::Encrypted { auto: false },
        UnloadOption::KmsKeyId("arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab".into()),
    ];
    let format = prop_oneof![
        Just(None),
        Just(Some(UnloadFormat::Csv)),
        Just(Some(UnloadFormat::Parquet)),
        Just(Some(UnloadFormat::Json))
    ];
    (proptest::sample::select(QUERIES), chain(), location(), format, subsequence(common, 0..=7)).prop_map(
        |(query, chain, uri, format, common)| {
            let mut unload = UnloadStatement::new(query, &uri, &chain);
            let has_kms = common.iter().any(|o| matches!(o, UnloadOption::KmsKeyId(_)));
            let has_encrypted = common.iter().any(|o| matches!(o, UnloadOption::Encrypted { .. }));
            for option in common {
                unload = unload.option(option);
            }
            if has_kms && !has_encrypted {
                unload = unload.option(UnloadOption::Encrypted { auto: false });
            }
            match format {
                Some(UnloadFormat::Parquet) => {
                    unload = unload
                        .option(UnloadOption::Format(UnloadFormat::Parquet))
                        .option(UnloadOption::RowGroupSize(Size { value: "64".into(), unit: Some(SizeUnit::Mb) }))
                        .option(UnloadOption::PartitionBy { columns: vec![Ident::new("year")], include: true });
                }
                Some(UnloadFormat::Csv) => {
                    unload = unload
                        .option(UnloadOption::Format(UnloadFormat::Csv))
                        .option(UnloadOption::Header)
                        .option(UnloadOption::Compression(Compression::Gzip));
                }
                Some(UnloadFormat::Json) => {
                    unload = unload.option(UnloadOption::Format(UnloadFormat::Json));
                }
                None => {
                    unload = unload
                        .option(UnloadOption::Delimiter("|".into()))
                        .option(UnloadOption::AddQuotes)
                        .option(UnloadOption::Escape)
                        .option(UnloadOption::NullAs("null".into()));
                }
            }
            let context = context_for(&chain, &uri);
            (unload, context)
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// What the constructors build from valid identifiers lints clean, also against the spec
    /// facts it was built from, and parses back to itself.
    #[test]
    fn built_copy_is_never_flagged((copy, context) in built_copy()) {
        let sql = copy.to_string();
        let reports = lint(&sql, &context);
        prop_assert_eq!(reports.len(), 1);
        prop_assert!(reports[0].diagnostics.is_empty(), "{}\n{:#?}", sql, reports[0].diagnostics);
        prop_assert_eq!(reports[0].statement.clone(), Some(Statement::Copy(copy)));
    }

    /// Same for UNLOAD, with quotes inside the query.
    #[test]
    fn built_unload_is_never_flagged((unload, context) in built_unload()) {
        let sql = unload.to_string();
        let reports = lint(&sql, &context);
        prop_assert_eq!(reports.len(), 1);
        prop_assert!(reports[0].diagnostics.is_empty(), "{}\n{:#?}", sql, reports[0].diagnostics);
        prop_assert_eq!(reports[0].statement.clone(), Some(Statement::Unload(unload)));
    }
}

/// The chain is rendered in hop order, comma separated, without spaces: the form the
/// reference requires.
#[test]
fn chain_is_rendered_in_hop_order_without_spaces() {
    let chain = [
        RoleArn::parse("arn:aws:iam::111111111111:role/ClusterRole").unwrap(),
        RoleArn::parse("arn:aws:iam::222222222222:role/BucketRole").unwrap(),
    ];
    let uri = S3Uri::parse("s3://data-bucket/out/").unwrap();
    let unload = UnloadStatement::new("select 1", &uri, &chain).option(UnloadOption::Encrypted { auto: true });
    assert_eq!(
        unload.to_string(),
        "UNLOAD ('select 1') TO 's3://data-bucket/out/' IAM_ROLE \
         'arn:aws:iam::111111111111:role/ClusterRole,arn:aws:iam::222222222222:role/BucketRole' ENCRYPTED AUTO"
    );
    assert_eq!(
        unload.iam_roles(),
        ["arn:aws:iam::111111111111:role/ClusterRole", "arn:aws:iam::222222222222:role/BucketRole"]
    );
    assert_eq!(TableName::parse("s.\"T\"").unwrap().to_string(), "s.\"T\"");
    assert!(TableName::parse("a b").is_err());
}
