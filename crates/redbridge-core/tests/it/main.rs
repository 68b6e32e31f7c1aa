//! Integration tests of redbridge-core: properties of plans over random valid specs.

mod doctor;
mod plan_properties;
