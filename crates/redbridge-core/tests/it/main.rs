//! Integration tests of redbridge-core: properties of plans over random valid specs.

mod plan_properties;
