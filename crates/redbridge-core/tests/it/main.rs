//! Integration tests of redbridge-core: properties of plans over random valid specs.

mod doctor;
mod doctor_boundaries;
mod doctor_org;
mod doctor_sql;
mod graph;
#[path = "../../../../tests/support/hostile.rs"]
mod hostile;
mod hostile_input;
mod plan_limits;
mod plan_properties;
mod read_model;
mod round_trip;
mod round_trip_refine;
