//! Integration tests of redbridge-iam: identifiers, the policy document model, and the
//! evaluator's corpus and properties.

mod by_the_book;
mod corpus;
#[path = "../../../../tests/support/hostile.rs"]
mod hostile;
mod hostile_input;
mod ids;
mod policy;
mod properties;
