//! Integration tests of the `redbridge` binary, one module per command area.

mod export;
