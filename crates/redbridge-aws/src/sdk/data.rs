//! The Redshift Data API through `aws-sdk-redshiftdata`: statements and batches submitted,
//! polled, read (every page of the result) and cancelled.

use aws_sdk_redshiftdata::types::Field;

use super::SdkResultExt;
use crate::AwsError;
use crate::ports::{AwsResult, DataTarget, RedshiftData, StatementDetail, StatementState, SubStatement};

adapter! {
    /// The Redshift Data API through `aws-sdk-redshiftdata`.
    SdkRedshiftData(aws_sdk_redshiftdata::Client), from_conf
}

/// Points an `ExecuteStatement` or `BatchExecuteStatement` request at a target: the two
/// builders have the same setters but no common trait.
macro_rules! at_target {
    ($request:expr, $target:expr) => {
        match $target {
            DataTarget::Cluster { cluster, db_user } => {
                $request.cluster_identifier(cluster).set_db_user(db_user.clone())
            }
            DataTarget::Workgroup { workgroup } => $request.workgroup_name(workgroup),
            DataTarget::ClusterWithSecret { cluster, secret_arn } => {
                $request.cluster_identifier(cluster).secret_arn(secret_arn)
            }
            DataTarget::WorkgroupWithSecret { workgroup, secret_arn } => {
                $request.workgroup_name(workgroup).secret_arn(secret_arn)
            }
        }
    };
}

impl RedshiftData for SdkRedshiftData {
    async fn execute_statement(&self, target: &DataTarget, database: &str, sql: &str) -> AwsResult<String> {
        let request = self.client.execute_statement().database(database).sql(sql);
        let output = at_target!(request, target).send().await.or_aws("redshift-data:ExecuteStatement")?;
        output.id().map(str::to_owned).ok_or_else(|| AwsError::other("redshift-data:ExecuteStatement returned no id"))
    }

    async fn describe_statement(&self, id: &str) -> AwsResult<StatementState> {
        let output = self.client.describe_statement().id(id).send().await.or_aws("redshift-data:DescribeStatement")?;
        let status = output.status().map(|s| s.as_str()).unwrap_or("");
        Ok(statement_state(status, output.error(), output.result_rows()))
    }

    async fn batch_execute_statement(&self, target: &DataTarget, database: &str, sqls: &[String]) -> AwsResult<String> {
        let request = self.client.batch_execute_statement().database(database).set_sqls(Some(sqls.to_vec()));
        let output = at_target!(request, target).send().await.or_aws("redshift-data:BatchExecuteStatement")?;
        output
            .id()
            .map(str::to_owned)
            .ok_or_else(|| AwsError::other("redshift-data:BatchExecuteStatement returned no id"))
    }

    async fn statement_detail(&self, id: &str) -> AwsResult<StatementDetail> {
        let output = self.client.describe_statement().id(id).send().await.or_aws("redshift-data:DescribeStatement")?;
        let status = output.status().map(|s| s.as_str().to_owned()).unwrap_or_default();
        let state = statement_state(&status, output.error(), output.result_rows());
        let sub_statements = output
            .sub_statements()
            .iter()
            .map(|sub| SubStatement {
                id: sub.id().to_owned(),
                status: sub.status().map(|s| s.as_str().to_owned()).unwrap_or_default(),
                error: sub.error().map(str::to_owned).filter(|e| !e.is_empty()),
                result_rows: Some(sub.result_rows()).filter(|r| *r >= 0),
                has_result_set: sub.has_result_set().unwrap_or(false),
            })
            .collect();
        Ok(StatementDetail { status, state, has_result_set: output.has_result_set().unwrap_or(false), sub_statements })
    }

    async fn get_statement_result(&self, id: &str) -> AwsResult<Vec<Vec<Option<String>>>> {
        let records = self
            .client
            .get_statement_result()
            .id(id)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await
            .or_aws("redshift-data:GetStatementResult")?;
        Ok(records.iter().map(|record| record.iter().map(field_text).collect()).collect())
    }

    async fn cancel_statement(&self, id: &str) -> AwsResult<bool> {
        let output = self.client.cancel_statement().id(id).send().await.or_aws("redshift-data:CancelStatement")?;
        Ok(output.status().unwrap_or(false))
    }
}

/// One field of a result row as text; `None` for SQL `NULL` (and kinds this SDK does not know).
fn field_text(field: &Field) -> Option<String> {
    match field {
        Field::StringValue(v) => Some(v.clone()),
        Field::LongValue(v) => Some(v.to_string()),
        Field::DoubleValue(v) => Some(v.to_string()),
        Field::BooleanValue(v) => Some(v.to_string()),
        Field::BlobValue(v) => Some(String::from_utf8_lossy(v.as_ref()).into_owned()),
        _ => None,
    }
}

/// A Data API status, error and row count as a [`StatementState`].
fn statement_state(status: &str, error: Option<&str>, result_rows: i64) -> StatementState {
    match status {
        "FINISHED" => StatementState::Finished { rows: Some(result_rows).filter(|r| *r >= 0) },
        "FAILED" => StatementState::Failed { error: error.unwrap_or_default().to_owned() },
        "ABORTED" => StatementState::Aborted,
        _ => StatementState::Running,
    }
}
