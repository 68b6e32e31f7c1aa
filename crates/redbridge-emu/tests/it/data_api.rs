//! The Data API through the `RedshiftData` port: batches share temporary tables. (States,
//! typed results, listing, cancellation and request validation, which need calls or fields no
//! port has, are asserted in `tests/e2e/tests/emulator`.)

use redbridge_aws::ports::{RedshiftData as _, StatementState};

use crate::support::{Harness, on_cluster, run_err, wait};

#[tokio::test]
async fn temporary_tables_live_for_one_statement_or_batch() {
    let h = Harness::start().await;
    h.create_cluster("111111111111", "main", &[]).await;
    let data = h.data("111111111111");
    for round in 0..2 {
        let sqls = [
            "create temp table scratch (x integer)".to_owned(),
            "insert into scratch values (1)".to_owned(),
            "select count(*) from scratch".to_owned(),
        ];
        let batch = data.batch_execute_statement(&on_cluster("main"), "dev", &sqls).await.unwrap();
        let done = wait(&data, &batch).await;
        assert_eq!(done.status, "FINISHED", "round {round}: {:?}", done.state);
        assert!(matches!(done.state, StatementState::Finished { .. }));
    }
    let gone = run_err(&data, "main", "select * from scratch").await;
    assert!(gone.contains("does not exist"), "{gone}");
}
