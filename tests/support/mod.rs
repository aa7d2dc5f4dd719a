//! Helpers shared by the integration tests: put `mod support;` at the top of a test file.

// Each test binary compiles its own copy and uses only some of the helpers.
#![allow(dead_code)]

pub mod db;
pub mod world;
