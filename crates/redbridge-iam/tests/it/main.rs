//! Integration tests of `redbridge-iam`: the evaluator corpus and property tests.

mod corpus;
mod properties;
