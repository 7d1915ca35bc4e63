//! dataverse-codegen: OData v4 CSDL to typed Rust.
