//! The COPY and UNLOAD statements a plan hands to the user, built with `redbridge-sql`.

use crate::chain::RoleChain;
use crate::plan::PlannedStatement;
use crate::spec::Spec;

pub(crate) fn planned_statements(_spec: &Spec, _chain: &RoleChain) -> Result<Vec<PlannedStatement>, String> {
    Ok(Vec::new())
}
