//! Integration tests of redbridge-iam: identifiers, the policy document model, and the
//! evaluator's corpus and properties.

mod corpus;
mod ids;
mod policy;
mod properties;
