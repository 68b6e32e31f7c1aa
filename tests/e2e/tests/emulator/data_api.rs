//! The Data API through the raw SDK client: asynchronous states, typed results and column
//! metadata, batches, cancellation, listing and request validation. Moved from
//! `redbridge-emu`'s tests, which no longer see the SDK.

use std::time::Duration;

use aws_sdk_redshiftdata::error::ProvideErrorMetadata;
use aws_sdk_redshiftdata::types::Field;

use crate::support::{Harness, create_cluster, run_ok, wait};

#[tokio::test]
async fn statements_move_through_the_states_and_return_rows() {
    let h = Harness::start().await;
    create_cluster(&h.redshift("111111111111"), "main", &[]).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table t (id integer, name varchar(20), ok boolean)").await;
    let inserted = run_ok(&data, "main", "insert into t values (1, 'one', true), (2, null, false)").await;
    assert_eq!(inserted.result_rows(), 2);

    let submitted = data
        .execute_statement()
        .cluster_identifier("main")
        .database("dev")
        .db_user("awsuser")
        .sql("select * from public.t order by id")
        .send()
        .await
        .unwrap();
    assert!(submitted.created_at().is_some());
    let id = submitted.id().unwrap().to_owned();
    let mut seen = Vec::new();
    for _ in 0..400 {
        let status = data.describe_statement().id(&id).send().await.unwrap().status().unwrap().as_str().to_owned();
        if seen.last() != Some(&status) {
            seen.push(status.clone());
        }
        if status == "FINISHED" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    assert_eq!(seen.first().map(String::as_str), Some("SUBMITTED"));
    assert_eq!(seen.last().map(String::as_str), Some("FINISHED"));
    let order = ["SUBMITTED", "PICKED", "STARTED", "FINISHED"];
    let positions: Vec<usize> = seen.iter().map(|s| order.iter().position(|o| o == s).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{seen:?}");

    let described = data.describe_statement().id(&id).send().await.unwrap();
    assert_eq!(described.has_result_set(), Some(true));
    assert_eq!(described.result_rows(), 2);
    assert!(described.duration() >= 0);
    let result = data.get_statement_result().id(&id).send().await.unwrap();
    assert_eq!(result.total_num_rows(), 2);
    let names: Vec<_> = result.column_metadata().iter().map(|c| c.name().unwrap_or_default().to_owned()).collect();
    assert_eq!(names, ["id", "name", "ok"]);
    assert_eq!(result.column_metadata()[0].type_name(), Some("int4"));
    assert_eq!(result.records()[0], [Field::LongValue(1), Field::StringValue("one".into()), Field::BooleanValue(true)]);
    assert_eq!(result.records()[1][1], Field::IsNull(true));
}

#[tokio::test]
async fn failures_batches_and_cancellation() {
    // Statements take 3 × 300 ms: the cancel below always finds this one running.
    let h = Harness::with_statement_steps(Duration::from_millis(300)).await;
    create_cluster(&h.redshift("111111111111"), "main", &[]).await;
    let data = h.data("111111111111");

    let failed = crate::support::run(&data, "main", "select * from missing").await;
    assert_eq!(failed.status().map(|s| s.as_str()), Some("FAILED"));
    assert_eq!(failed.error(), Some("ERROR: relation \"missing\" does not exist"));

    let batch = data
        .batch_execute_statement()
        .cluster_identifier("main")
        .database("dev")
        .sqls("create table b (x integer)")
        .sqls("insert into b values (1), (2), (3)")
        .sqls("select count(*) as n from b")
        .send()
        .await
        .unwrap();
    let id = batch.id().unwrap().to_owned();
    let done = wait(&data, &id).await;
    assert_eq!(done.status().map(|s| s.as_str()), Some("FINISHED"));
    assert_eq!(done.sub_statements().len(), 3);
    assert_eq!(done.sub_statements()[1].result_rows(), 3);
    let count = data.get_statement_result().id(format!("{id}:3")).send().await.unwrap();
    assert_eq!(count.records()[0][0], Field::LongValue(3));

    let rolled_back = data
        .batch_execute_statement()
        .cluster_identifier("main")
        .database("dev")
        .sqls("insert into b values (4)")
        .sqls("select * from nowhere")
        .send()
        .await
        .unwrap();
    let done = wait(&data, rolled_back.id().unwrap()).await;
    assert_eq!(done.status().map(|s| s.as_str()), Some("FAILED"));
    assert_eq!(done.sub_statements()[1].status().map(|s| s.as_str()), Some("FAILED"));
    let count = run_ok(&data, "main", "select count(*) from b").await;
    let rows = data.get_statement_result().id(count.id()).send().await.unwrap();
    assert_eq!(rows.records()[0][0], Field::LongValue(3), "a failed batch is rolled back");

    let submitted =
        data.execute_statement().cluster_identifier("main").database("dev").sql("select 1").send().await.unwrap();
    let cancelled = data.cancel_statement().id(submitted.id().unwrap()).send().await.unwrap();
    assert_eq!(cancelled.status(), Some(true));
    let described = data.describe_statement().id(submitted.id().unwrap()).send().await.unwrap();
    assert_eq!(described.status().map(|s| s.as_str()), Some("ABORTED"));
    let again = data.cancel_statement().id(submitted.id().unwrap()).send().await.unwrap_err();
    assert!(again.as_service_error().is_some_and(|e| e.is_validation_exception()));

    let listed =
        data.list_statements().status(aws_sdk_redshiftdata::types::StatusString::Aborted).send().await.unwrap();
    assert_eq!(listed.statements().len(), 1);
    assert_eq!(listed.statements()[0].id(), submitted.id().unwrap());
    let all = data.list_statements().send().await.unwrap();
    assert_eq!(all.statements().len(), 5);
    assert!(h.data("222222222222").list_statements().send().await.unwrap().statements().is_empty());
}

#[tokio::test]
async fn requests_are_validated_as_aws_does() {
    let h = Harness::start().await;
    create_cluster(&h.redshift("111111111111"), "main", &[]).await;
    let data = h.data("111111111111");
    let both = data
        .execute_statement()
        .cluster_identifier("main")
        .workgroup_name("wg")
        .database("dev")
        .sql("select 1")
        .send()
        .await
        .unwrap_err();
    assert!(both.as_service_error().is_some_and(|e| e.is_validation_exception()), "{both:?}");
    let neither = data.execute_statement().database("dev").sql("select 1").send().await.unwrap_err();
    assert!(neither.as_service_error().is_some_and(|e| e.is_validation_exception()));
    let no_cluster =
        data.execute_statement().cluster_identifier("other").database("dev").sql("select 1").send().await.unwrap_err();
    assert_eq!(no_cluster.message(), Some("Redshift endpoint doesn't exist in this region."));
    let unknown = data.describe_statement().id("00000000-0000-4000-8000-000000000000").send().await.unwrap_err();
    assert!(unknown.as_service_error().is_some_and(|e| e.is_resource_not_found_exception()));

    let command = run_ok(&data, "main", "create table z (a int)").await;
    assert_eq!(command.has_result_set(), Some(false));
    let no_result = data.get_statement_result().id(command.id()).send().await.unwrap_err();
    assert!(no_result.as_service_error().is_some_and(|e| e.is_validation_exception()));
}

/// Sessions on one cluster are kept apart as Redshift keeps them: a temporary table is
/// "visible only within the current session"
/// (https://docs.aws.amazon.com/redshift/latest/dg/r_CREATE_TABLE_NEW.html), and a batch is one
/// transaction that no other statement joins. Before, concurrent statements shared the
/// cluster's one connection: `create temp table` failed with "already exists" and another
/// statement's insert could land in (and be rolled back with) a batch's transaction.
#[tokio::test]
async fn concurrent_sessions_on_one_cluster_see_neither_temp_tables_nor_transactions_of_others() {
    let h = Harness::start().await;
    create_cluster(&h.redshift("111111111111"), "main", &[]).await;
    let data = h.data("111111111111");
    run_ok(&data, "main", "create table kept (x integer)").await;
    let mut ids = Vec::new();
    for n in 0..12 {
        let mut batch = data.batch_execute_statement().cluster_identifier("main").database("dev");
        batch = batch
            .sqls("create temp table scratch (id integer)")
            .sqls(format!("insert into scratch values ({n})"))
            .sqls("select count(*) from scratch");
        // Every third batch fails at its end: its insert into `kept` must be rolled back alone.
        batch = if n % 3 == 0 {
            batch.sqls("insert into kept values (-1)").sqls("select * from nowhere")
        } else {
            batch.sqls(format!("insert into kept values ({n})"))
        };
        ids.push((n, batch.send().await.unwrap().id().unwrap().to_owned()));
    }
    for (n, id) in &ids {
        let done = wait(&data, id).await;
        let expected = if n % 3 == 0 { "FAILED" } else { "FINISHED" };
        assert_eq!(done.status().map(|s| s.as_str()), Some(expected), "batch {n}: {:?}", done.error());
        let count = data.get_statement_result().id(format!("{id}:3")).send().await.unwrap();
        assert_eq!(count.records()[0][0], Field::LongValue(1), "batch {n} sees only its own temp table");
    }
    let kept = run_ok(&data, "main", "select count(*), min(x) from kept").await;
    let rows = data.get_statement_result().id(kept.id()).send().await.unwrap();
    assert_eq!(rows.records()[0][0], Field::LongValue(8), "the 8 batches that finished committed their insert");
    assert_eq!(rows.records()[0][1], Field::LongValue(1), "no failed batch's insert survived");
}
