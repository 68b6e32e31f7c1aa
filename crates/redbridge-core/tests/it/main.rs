//! Integration tests of redbridge-core: properties of plans over random valid specs.

mod doctor;
mod doctor_sql;
mod plan_limits;
mod plan_properties;
mod read_model;
mod round_trip;
