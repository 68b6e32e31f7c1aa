//! The emulator through the real AWS SDK clients, against the in-memory cloud.

mod binary;
mod control_plane;
mod copy_unload;
mod data_api;
mod serverless;
mod support;
