//! Templates linted end to end: each placeholder a value of its slot, a note per placeholder
//! naming the checks it hid, no error a rendering would not have.

use crate::{LintContext, Severity, StatementKind, TemplateMode, codes, lint_template};

/// The codes of each statement's diagnostics, in order.
fn codes_of(text: &str, mode: TemplateMode) -> Vec<Vec<&'static str>> {
    lint_template(text, &LintContext::default(), mode)
        .into_iter()
        .map(|r| r.diagnostics.into_iter().map(|d| d.code).collect())
        .collect()
}

fn messages(text: &str, mode: TemplateMode) -> Vec<String> {
    lint_template(text, &LintContext::default(), mode)
        .into_iter()
        .flat_map(|r| r.diagnostics)
        .map(|d| format!("{} {}", d.code, d.message))
        .collect()
}

#[test]
fn a_placeholder_as_the_iam_role_value_says_the_chain_checks_were_skipped() {
    let text = "COPY t FROM 's3://data-bucket/in/' IAM_ROLE '{{ role }}' CSV;";
    let found = messages(text, TemplateMode::Jinja);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("RB-SQL-050 `{{ role }}` hides the IAM_ROLE value: the role chain checks"),
        "{found:?}"
    );
}

#[test]
fn a_placeholder_inside_the_location_hides_part_of_it() {
    let text = "COPY t FROM 's3://{{ bucket }}/x/' IAM_ROLE 'arn:aws:iam::111111111111:role/R' FORMAT AS PARQUET;";
    let found = messages(text, TemplateMode::Jinja);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("`{{ bucket }}` hides part of the S3 location"), "{found:?}");
}

#[test]
fn the_table_a_whole_run_of_options_and_the_format_are_placeholders_too() {
    let text = "UNLOAD ('select 1') TO '{{ s3_path }}' {{ auth }} FORMAT AS {{ format|upper }} MAXFILESIZE AS {{ size }} {{ copy_options }};";
    let reports = lint_template(text, &LintContext::default(), TemplateMode::Jinja);
    assert_eq!(reports.len(), 1);
    let diagnostics = &reports[0].diagnostics;
    // No `RB-SQL-007`: the authorization may be among the hidden parameters.
    assert!(diagnostics.iter().all(|d| d.code == codes::TEMPLATE_PLACEHOLDER && d.severity == Severity::Note));
    let text_of = |d: &crate::Diagnostic| text[d.span.start..d.span.end].to_owned();
    let named: Vec<String> = diagnostics.iter().map(text_of).collect();
    assert_eq!(named, ["{{ s3_path }}", "{{ auth }}", "{{ format|upper }}", "{{ size }}", "{{ copy_options }}"]);
    assert!(diagnostics[1].message.contains("stands for parameters not shown"));
    assert!(diagnostics[2].message.contains("hides the format"));
    assert!(diagnostics[3].message.contains("the `MAXFILESIZE` value"));
}

#[test]
fn a_check_between_two_shown_parameters_still_runs_beside_a_placeholder() {
    let text = "UNLOAD ('select 1') TO 's3://data-bucket/out/' IAM_ROLE '{{ role }}' CLEANPATH ALLOWOVERWRITE;";
    assert_eq!(
        codes_of(text, TemplateMode::Jinja),
        [vec![codes::TEMPLATE_PLACEHOLDER, codes::CLEANPATH_ALLOWOVERWRITE]]
    );
}

#[test]
fn only_the_first_branch_of_an_if_is_linted_and_a_note_says_so() {
    let text = "UNLOAD ('select 1') TO 's3://data-bucket/out/'\n{% if iam_role %}IAM_ROLE '{{ iam_role }}'\n{% elif key %}ACCESS_KEY_ID '{{ key }}' SECRET_ACCESS_KEY '{{ secret }}'\n{% else %}{{ exceptions.raise_compiler_error(\"no 'auth'\") }}\n{% endif %}\nPARALLEL OFF;";
    let found = messages(text, TemplateMode::Jinja);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].starts_with("RB-SQL-050 `{{ iam_role }}` hides the IAM_ROLE value"));
    assert!(found[1].starts_with("RB-SQL-051 the branch from `{% elif key %}`"));
}

#[test]
fn jinja_comments_and_tags_are_transparent() {
    let text = "{# load #}{% set copy_sql %}COPY t FROM 's3://data-bucket/in/' {%- if r %} REGION 'us-west-2' {% endif %} IAM_ROLE 'arn:aws:iam::111111111111:role/R';{% endset %}";
    assert_eq!(codes_of(text, TemplateMode::Jinja), [Vec::<&str>::new()]);
}

#[test]
fn python_placeholders_of_every_style_are_values() {
    let text = "COPY {table} FROM {s3_location} IAM_ROLE '%s' REGION '%(region)s' FORMAT AS JSON {0};\n\
                UNLOAD ('select * from {}') TO 's3://{bucket}/{prefix}' IAM_ROLE '{iam}' GZIP;";
    let found = codes_of(text, TemplateMode::Python);
    assert_eq!(found.len(), 2);
    assert!(found.iter().flatten().all(|&c| c == codes::TEMPLATE_PLACEHOLDER), "{found:?}");
    assert_eq!(found[0].len(), 5);
    assert_eq!(found[1].len(), 4);
}

#[test]
fn without_template_mode_a_placeholder_is_an_error_and_auto_reads_it() {
    let text = "COPY t FROM 's3://data-bucket/in/' IAM_ROLE '{{ role }}';";
    assert_eq!(codes_of(text, TemplateMode::None), [vec![codes::CHAIN_WHITESPACE]]);
    assert_eq!(codes_of(text, TemplateMode::Auto), [vec![codes::TEMPLATE_PLACEHOLDER]]);
}

#[test]
fn a_placeholder_where_nothing_can_stand_says_the_statement_was_not_read_past_it() {
    let text = "UNLOAD {{ query }} TO 's3://data-bucket/out/' IAM_ROLE 'arn:aws:iam::111111111111:role/R';";
    let found = messages(text, TemplateMode::Jinja);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("could not be read past `{{ query }}`"), "{found:?}");
}

#[test]
fn a_placeholder_holding_quotes_stays_inside_its_string() {
    let text = "UNLOAD ('{{ task.select_sql|replace(\"'\", \"\\\\'\") }}') TO '{{ dst }}/' IAM_ROLE '{{ role }}' CSV;";
    let found = codes_of(text, TemplateMode::Jinja);
    assert_eq!(found, [vec![codes::TEMPLATE_PLACEHOLDER; 3]]);
}

#[test]
fn leftover_placeholders_are_named_in_every_mode() {
    let text = "copy customer from 's3://awssampledbuswest2/ssbgz/customer' credentials 'aws_iam_role=arn:aws:iam::<Your-AWS-Account-Number>:role/redshift-elt-test-role' gzip region 'us-west-2';";
    for mode in [TemplateMode::None, TemplateMode::Auto] {
        let found = messages(text, mode);
        assert_eq!(
            found,
            ["RB-SQL-052 `<Your-AWS-Account-Number>` is a placeholder left from an example, not a value"]
        );
    }
    let example =
        "UNLOAD ('select 1') TO 's3://data-bucket/out/' IAM_ROLE 'arn:aws:iam::123456789012:role/MyUnloadRole';";
    assert_eq!(codes_of(example, TemplateMode::None), [vec![codes::EXAMPLE_VALUE]]);
}

#[test]
fn copy_job_create_is_checked_as_a_copy_and_job_commands_get_a_note() {
    let text = "COPY public.t FROM 's3://data-bucket/in/' IAM_ROLE 'arn:aws:iam::111111111111:role/R' JOB CREATE my_job AUTO ON;\n\
                COPY JOB RUN my_job; COPY JOB LIST; COPY JOB ALTER my_job AUTO OFF;\n\
                COPY t FROM 's3://data-bucket/in/' IAM_ROLE default MAXERROR 10 JOB CREATE j;";
    let reports = lint_template(text, &LintContext::default(), TemplateMode::None);
    assert_eq!(reports.len(), 5);
    assert!(reports.iter().all(|r| r.kind == StatementKind::Copy));
    assert!(reports[0].diagnostics.is_empty(), "{:?}", reports[0].diagnostics);
    for report in &reports[1..4] {
        let found: Vec<_> = report.diagnostics.iter().map(|d| (d.code, d.severity)).collect();
        assert_eq!(found, [(codes::COPY_JOB_COMMAND, Severity::Note)]);
    }
    let last: Vec<_> = reports[4].diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(last, [codes::COPY_JOB_PARAMETER, codes::COPY_JOB_PARAMETER]);
}

#[test]
fn airflow_dollar_quoted_unload_and_temporary_tables_parse() {
    // What RedshiftToS3Operator and S3ToRedshiftOperator (UPSERT) emit.
    let text = "\n                    UNLOAD ($$SELECT * FROM s.t WHERE c = 'x'$$)\n                    TO 's3://bucket/key/t_'\n                    credentials\n                    'aws_iam_role=arn:aws:iam::111111111111:role/R'\n                    HEADER;\n\
                COPY #t (a, b) FROM 's3://bucket/key' credentials 'aws_iam_role=arn:aws:iam::111111111111:role/R' -- the role\n /* then */ CSV;";
    assert_eq!(codes_of(text, TemplateMode::None), [Vec::<&str>::new(), Vec::new()]);
}

#[test]
fn other_partitions_are_role_arns() {
    let text = "COPY t FROM 's3://data-bucket/in/' IAM_ROLE 'arn:aws-cn:iam::111111111111:role/A,arn:aws-cn:iam::222222222222:role/B' REGION 'cn-northwest-1';\n\
                COPY t FROM 's3://data-bucket/in/' IAM_ROLE 'arn:aws-us-gov:iam::111111111111:role/A';\n\
                UNLOAD ('select 1') TO 's3://data-bucket/out/' IAM_ROLE 'arn:aws-cn:iam::111111111111:role/A' \
                KMS_KEY_ID 'arn:aws-cn:kms:cn-north-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab' ENCRYPTED;";
    assert_eq!(codes_of(text, TemplateMode::None), [Vec::<&str>::new(), Vec::new(), Vec::new()]);
}

#[test]
fn comments_between_and_after_options_and_any_order_are_read() {
    let text = "COPY s.t -- the table\nFROM 's3://data-bucket/in/' /* where */ GZIP -- codec\n\
                IGNOREHEADER 1 IAM_ROLE 'arn:aws:iam::111111111111:role/R' -- role last\nCSV; -- done";
    assert_eq!(codes_of(text, TemplateMode::Auto), [Vec::<&str>::new()]);
}

#[test]
fn an_unclosed_dollar_quote_names_its_tag() {
    let text = "copy $TABLENAME$ from 's3://data-bucket/in/' IAM_ROLE 'arn:aws:iam::111111111111:role/R';";
    let found = messages(text, TemplateMode::Auto);
    assert_eq!(found, ["RB-SQL-001 unterminated dollar-quoted string: the closing `$TABLENAME$` is missing"]);
}
