//! End-to-end tests and the build.rs mode of dataverse-codegen.
