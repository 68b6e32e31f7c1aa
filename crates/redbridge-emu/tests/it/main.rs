//! The emulator through `redbridge-aws`'s SDK adapters, standing on the adapters' in-memory fakes.

mod assume_role_grants;
mod binary;
mod caller_access;
mod control_plane;
mod copy_formats;
mod copy_unload;
mod credentials;
mod data_api;
mod decimal_exact;
mod drift;
mod hostile_numbers;
mod http_bounds;
mod listing;
mod organization;
mod secret_arn;
mod serverless;
mod sql_flags;
mod support;
mod unload_formats;
mod wire;
mod wire_tls;
