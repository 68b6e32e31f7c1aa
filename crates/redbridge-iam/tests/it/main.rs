//! Integration tests of redbridge-iam: identifiers and the policy document model.

mod ids;
mod policy;
