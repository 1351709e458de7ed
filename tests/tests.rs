//! Integration tests: each runs the real `pith` binary in a fresh temporary directory.

mod common;

mod bad_input;
mod cli;
mod incremental;
mod kill;
mod parquet;
mod pipeline;
mod shard;
