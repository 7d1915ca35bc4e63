//! dataverse-codegen: turns an OData v4 `$metadata` document (CSDL XML) into a strongly typed
//! Rust SDK, first of all for the Microsoft Dynamics 365 / Dataverse Web API.
//!
//! The pipeline, one module per stage, each with one input and one output type:
//!
//! 1. [`parse`]: XML bytes → [`syntax::Document`] (every element with its line:column);
//! 2. [`resolve`]: [`syntax::Document`] → [`model::Model`] (every reference resolved);
//! 3. [`names`]: one naming function, collision-free and deterministic;
//! 4. [`emit`]: [`model::Model`] → token streams, one per file;
//! 5. [`write`]: token streams → formatted files in memory ([`write::Files`]).
//!
//! [`generate`] runs all of it and returns the files; the CLI writes them to disk, build.rs to
//! `OUT_DIR`, tests compare them.
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

pub mod emit;
pub mod error;
pub mod inspect;
pub mod model;
pub mod names;
pub mod parse;
pub mod resolve;
pub mod source;
pub mod syntax;
pub mod write;

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

/// What [`generate`] produces the SDK as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputKind {
    /// A module tree whose root is `mod.rs` (to `include!` or `mod` into a crate).
    #[default]
    Module,
    /// A crate's `src/` tree whose root is `lib.rs`.
    Crate,
}

/// Settings of [`generate`].
#[derive(Debug, Clone, Default)]
pub struct GenerateOptions {
    /// How lenient the front end is.
    pub resolve: ResolveOptions,
    /// Module tree or crate.
    pub output: OutputKind,
}

/// Runs the whole pipeline on a document held in memory and returns the generated files
/// (relative path → contents).
pub fn generate(
    file: &str,
    bytes: &[u8],
    options: &GenerateOptions,
) -> Result<write::Files, Error> {
    let loaded = load(file, bytes, &options.resolve)?;
    Ok(generate_from_model(&loaded.model, bytes, options.output))
}

/// The emit and write stages on a resolved model (`bytes` only feed the header's hash).
pub fn generate_from_model(model: &model::Model, bytes: &[u8], output: OutputKind) -> write::Files {
    let names = emit::names(model);
    let root = match output {
        OutputKind::Module => "mod.rs",
        OutputKind::Crate => "lib.rs",
    };
    let files = emit::emit(model, &names, root);
    match write::format_files(files, &write::input_hash(bytes)) {
        Ok(files) => files,
        // The emitter builds its output from parsed tokens; failing to parse it back is a bug in
        // the generator, not in the input.
        Err(e) => unreachable!("dataverse-codegen bug: {e}"),
    }
}
