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

/// The build.rs way (like prost-build): generate a module tree into `OUT_DIR` and tell Cargo
/// when to run again.
///
/// ```no_run
/// // build.rs
/// dataverse_codegen::Builder::new("metadata/dataverse.xml")
///     .module_name("dataverse")
///     .generate()
///     .unwrap();
/// // src/lib.rs: include!(concat!(env!("OUT_DIR"), "/dataverse.rs"));
/// ```
#[derive(Debug, Clone)]
pub struct Builder {
    metadata: std::path::PathBuf,
    extensions: Vec<std::path::PathBuf>,
    module_name: String,
    out_dir: Option<std::path::PathBuf>,
    options: ResolveOptions,
}

impl Builder {
    /// Generation from the `$metadata` document at `metadata`.
    pub fn new(metadata: impl Into<std::path::PathBuf>) -> Builder {
        Builder {
            metadata: metadata.into(),
            extensions: Vec::new(),
            module_name: "dataverse".into(),
            out_dir: None,
            options: ResolveOptions::default(),
        }
    }

    /// Adds CSDL elements (actions, functions, types) from `fragment` to the last schema before
    /// generating: an organisation's customizations kept beside the published metadata.
    pub fn extend_schema(mut self, fragment: impl Into<std::path::PathBuf>) -> Builder {
        self.extensions.push(fragment.into());
        self
    }

    /// The name of the generated module (default `dataverse`).
    pub fn module_name(mut self, name: &str) -> Builder {
        self.module_name = name.into();
        self
    }

    /// Where to write (default: the `OUT_DIR` Cargo sets for build scripts).
    pub fn out_dir(mut self, dir: impl Into<std::path::PathBuf>) -> Builder {
        self.out_dir = Some(dir.into());
        self
    }

    /// Front-end options.
    pub fn resolve_options(mut self, options: ResolveOptions) -> Builder {
        self.options = options;
        self
    }

    /// Generates `OUT_DIR/<module>/...` and `OUT_DIR/<module>.rs` (the file to `include!`),
    /// prints `cargo:rerun-if-changed` for every input, and writes only files that changed.
    pub fn generate(self) -> Result<(), Error> {
        let io_error = |file: &std::path::Path, e: std::io::Error| Error {
            file: file.display().to_string(),
            pos: source::Pos::default(),
            kind: Box::new(ErrorKind::Io(e.to_string())),
        };
        let out_dir = match self
            .out_dir
            .clone()
            .or_else(|| std::env::var_os("OUT_DIR").map(Into::into))
        {
            Some(dir) => dir,
            None => {
                return Err(io_error(
                    std::path::Path::new("OUT_DIR"),
                    std::io::Error::other("OUT_DIR is not set; call out_dir() outside build.rs"),
                ));
            }
        };
        println!("cargo:rerun-if-changed={}", self.metadata.display());
        let mut bytes = std::fs::read(&self.metadata).map_err(|e| io_error(&self.metadata, e))?;
        for fragment in &self.extensions {
            println!("cargo:rerun-if-changed={}", fragment.display());
            let extra = std::fs::read(fragment).map_err(|e| io_error(fragment, e))?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let Some(at) = text.rfind("</Schema>") else {
                return Err(Error {
                    file: self.metadata.display().to_string(),
                    pos: source::Pos::default(),
                    kind: Box::new(ErrorKind::NotCsdl("no </Schema> to extend".into())),
                });
            };
            let mut merged = text[..at].to_string();
            merged.push_str(&String::from_utf8_lossy(&extra));
            merged.push_str(&text[at..]);
            bytes = merged.into_bytes();
        }
        let file = self.metadata.display().to_string();
        let loaded = load(&file, &bytes, &self.options)?;
        let files = generate_from_model(&loaded.model, &bytes, OutputKind::Module);
        let module_dir = out_dir.join(&self.module_name);
        write::write_files(&module_dir, &files).map_err(|e| io_error(&module_dir, e))?;
        let wrapper = format!(
            "{}#[path = {:?}]\npub mod {};\n",
            write::header(&write::input_hash(&bytes)),
            module_dir.join("mod.rs").display().to_string(),
            self.module_name
        );
        let wrapper_path = out_dir.join(format!("{}.rs", self.module_name));
        let mut single = write::Files::new();
        single.insert(format!("{}.rs", self.module_name), wrapper);
        write::write_files(&out_dir, &single).map_err(|e| io_error(&wrapper_path, e))?;
        Ok(())
    }
}
