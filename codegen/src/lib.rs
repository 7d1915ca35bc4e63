//! dataverse-codegen: turns an OData v4 `$metadata` document (CSDL XML) into a strongly typed
//! Rust SDK, first of all for the Microsoft Dynamics 365 / Dataverse Web API.
//!
//! The pipeline, one module per stage, each with one input and one output type:
//!
//! 1. [`parse`]: XML bytes → [`syntax::Document`] (every element with its line:column);
//! 2. [`resolve`]: [`syntax::Document`] → [`model::Model`] (every reference resolved).
//!
//! [`load`] and [`load_file`] run the front end (parse + resolve) in one call:
//!
//! ```
//! let xml = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
//!   <edmx:DataServices>
//!     <Schema Namespace="Demo" xmlns="http://docs.oasis-open.org/odata/ns/edm">
//!       <EntityType Name="account">
//!         <Key><PropertyRef Name="accountid"/></Key>
//!         <Property Name="accountid" Type="Edm.Guid" Nullable="false"/>
//!       </EntityType>
//!     </Schema>
//!   </edmx:DataServices>
//! </edmx:Edmx>"#;
//! let loaded = dataverse_codegen::load("demo.xml", xml.as_bytes(), &Default::default()).unwrap();
//! assert_eq!(loaded.model.entity_types[0].name.to_string(), "Demo.account");
//! ```
#![warn(missing_docs)]

pub mod error;
pub mod inspect;
pub mod model;
pub mod parse;
pub mod resolve;
pub mod source;
pub mod syntax;

pub use error::{Error, ErrorKind, Warning};
pub use resolve::ResolveOptions;

/// The front end's result: the syntax model (for counts and diffs) and the resolved model.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// What the document says.
    pub document: syntax::Document,
    /// What it means.
    pub model: model::Model,
}

/// Parses and resolves a document held in memory. `file` names it in errors and warnings.
pub fn load(file: &str, bytes: &[u8], options: &ResolveOptions) -> Result<Loaded, Error> {
    let document = parse::parse(file, bytes)?;
    let model = resolve::resolve(file, &document, options)?;
    Ok(Loaded { document, model })
}

/// Reads, parses and resolves a document from disk.
pub fn load_file(path: &std::path::Path, options: &ResolveOptions) -> Result<Loaded, Error> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error {
        file: file.clone(),
        pos: source::Pos::default(),
        kind: Box::new(ErrorKind::Io(e.to_string())),
    })?;
    load(&file, &bytes, options)
}
