//! The IAM policy evaluator: decides a request against every policy that applies, and explains why.
