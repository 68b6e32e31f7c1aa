//! Cost linear in the input: repeats are reported once with a count, and what a diagnostic
//! points at is found without rescanning the text, however long its line.

use redbridge_sql::{LineIndex, LintContext, codes, lint};

const CHAIN: &str = "arn:aws:iam::111111111111:role/Cluster,arn:aws:iam::222222222222:role/Bucket";

fn copy_with(options: &str) -> String {
    format!("COPY t FROM 's3://data-bucket/in/' IAM_ROLE '{CHAIN}' CSV {options};\n")
}

#[test]
fn sixteen_thousand_repeated_options_are_one_diagnostic_with_the_count() {
    let sql = copy_with(&" REMOVEQUOTES".repeat(16_000));
    let reports = lint(&sql, &LintContext::default());
    assert_eq!(reports.len(), 1);
    let diagnostics = &reports[0].diagnostics;
    // One repeat diagnostic and one conflict (REMOVEQUOTES with CSV) for the first occurrence.
    assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");
    let repeat = diagnostics.iter().find(|d| d.code == codes::DUPLICATE_OPTION).expect("the repeat");
    assert_eq!(repeat.message, "`REMOVEQUOTES` is given 16000 times");
    assert_eq!(repeat.help, "remove the 15999 repeated parameters");
    // The span runs from the first repeat to the last.
    let second = sql.find(" REMOVEQUOTES REMOVEQUOTES").map(|i| i + " REMOVEQUOTES ".len()).unwrap();
    assert_eq!(repeat.span.start, second);
    assert_eq!(repeat.span.end, sql.rfind("REMOVEQUOTES").unwrap() + "REMOVEQUOTES".len());
    let conflicts = diagnostics.iter().filter(|d| d.code == codes::REMOVEQUOTES_CSV).count();
    assert_eq!(conflicts, 1);
}

#[test]
fn an_option_given_twice_keeps_its_message() {
    let reports = lint(&copy_with("DELIMITER ',' DELIMITER ';'"), &LintContext::default());
    let messages: Vec<&str> = reports[0]
        .diagnostics
        .iter()
        .filter(|d| d.code == codes::DUPLICATE_OPTION)
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(messages, ["`DELIMITER` is given twice"]);
}

#[test]
fn repeated_formats_and_clauses_are_grouped_by_keyword() {
    let sql = format!(
        "COPY t FROM 's3://data-bucket/in/' IAM_ROLE '{CHAIN}' CSV{}{}{};",
        " JSON 'auto'".repeat(3),
        " GZIP".repeat(1_000),
        format!(" IAM_ROLE '{CHAIN}'").repeat(500),
    );
    let reports = lint(&sql, &LintContext::default());
    let mut messages: Vec<&str> = reports[0]
        .diagnostics
        .iter()
        .filter(|d| d.code == codes::DUPLICATE_OPTION)
        .map(|d| d.message.as_str())
        .collect();
    messages.sort_unstable();
    assert_eq!(
        messages,
        [
            "`GZIP` is given 1000 times",
            "`IAM_ROLE` is given 501 times",
            "two formats: `CSV` and `JSON` (`JSON` 3 times)"
        ]
    );
}

#[test]
fn a_role_repeated_through_a_long_chain_is_reported_once_with_its_count() {
    let roles = vec!["arn:aws:iam::111111111111:role/Cluster"; 5_000].join(",");
    let sql = format!("COPY t FROM 's3://data-bucket/in/' IAM_ROLE '{roles}' CSV;");
    let reports = lint(&sql, &LintContext::default());
    let repeats: Vec<_> = reports[0].diagnostics.iter().filter(|d| d.code == codes::CHAIN_DUPLICATE).collect();
    assert_eq!(repeats.len(), 1);
    assert_eq!(repeats[0].message, "role `Cluster` appears 5000 times in the chain");
    // It points at the second role, as a single repeat always did.
    let second =
        "COPY t FROM 's3://data-bucket/in/' IAM_ROLE '".len() + "arn:aws:iam::111111111111:role/Cluster,".len();
    assert_eq!(repeats[0].span.start, second);
    assert!(reports[0].diagnostics.len() <= 3, "{:#?}", reports[0].diagnostics);
}

#[test]
fn line_index_positions_match_a_character_count_on_long_non_ascii_lines() {
    let text = format!("-- é\n{}\nü{}", "aé€𝄞b".repeat(500), "x".repeat(70));
    let index = LineIndex::new(&text);
    for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
        let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let expected_column = text[line_start..offset].chars().count() + 1;
        let expected_line = text[..offset].matches('\n').count() + 1;
        let position = index.position(offset);
        assert_eq!((position.line, position.column), (expected_line, expected_column), "offset {offset}");
    }
}

#[test]
fn an_excerpt_of_a_long_line_is_bounded_and_keeps_the_column() {
    let line = format!("{}HERE{}", "é".repeat(10_000), "x".repeat(10_000));
    let index = LineIndex::new(&line);
    let offset = line.find("HERE").unwrap();
    let excerpt = index.excerpt(offset);
    assert!(excerpt.text.chars().count() <= 2 + 120 + 240, "{}", excerpt.text.chars().count());
    assert!(excerpt.text.starts_with('…') && excerpt.text.ends_with('…'));
    let at: String = excerpt.text.chars().skip(excerpt.column - 1).take(4).collect();
    assert_eq!(at, "HERE");
    // A short line is shown whole, at its own column.
    let short = "COPY t FROM 'x';";
    let excerpt = LineIndex::new(short).excerpt(5);
    assert_eq!((excerpt.text.as_ref(), excerpt.column), (short, 6));
}

#[test]
fn thousands_of_unclosed_quotes_each_end_their_own_statement() {
    // Each IAM_ROLE string runs into the next statement; the parser cuts it at the `;` before the
    // next COPY and lexes on from there, not from the start of the input again.
    let statement = "COPY t FROM 's3://data-bucket/in/' IAM_ROLE 'arn:aws:iam::111111111111:role/A CSV;\n";
    let sql = statement.repeat(2_000);
    let reports = lint(&sql, &LintContext::default());
    assert_eq!(reports.len(), 2_000);
    let index = LineIndex::new(&sql);
    for (number, report) in reports.iter().enumerate() {
        assert_eq!(index.position(report.span.start).line, number + 1);
        assert!(report.diagnostics.iter().any(|d| d.code == codes::UNTERMINATED_STRING), "{report:#?}");
    }
}
