//! The emulator in process, on the adapters' fakes, through the raw AWS SDK clients: what its
//! own tests cannot assert without SDK types (calls no port has — CreateCluster, DeleteCluster,
//! namespaces and workgroups, paging, ListStatements — and fields no port reads).

mod control_plane;
mod data_api;
mod serverless;
mod sql_bounds;
mod support;
