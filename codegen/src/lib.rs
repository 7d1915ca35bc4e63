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

pub mod config;
pub mod diff;
pub mod emit;
pub mod error;
#[cfg(feature = "fetch")]
pub mod fetch;
pub mod inspect;
pub mod model;
pub mod names;
pub mod parallel;
pub mod parse;
pub mod resolve;
pub mod select;
pub mod short_names;
pub mod sidecar;
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
    /// What to generate (default: everything).
    pub selection: select::Selection,
    /// Type renames: CSDL name (qualified or simple) → Rust name.
    pub renames: std::collections::BTreeMap<String, String>,
    /// The Web API version (`v9.2`) for `Service::API_VERSION` and `Service::service_root`.
    pub api_version: Option<String>,
    /// A Cargo feature per entity set gating what needs it (crate output; the crate's
    /// `Cargo.toml` must declare them: [`write::cargo_toml`]).
    pub entity_set_features: bool,
    /// Dataverse's own table definitions (`fetch --sidecar`): choices as enums, schema names,
    /// which columns can be written. Applied to the whole model before the selection.
    pub sidecar: Option<SidecarInput>,
}

/// A metadata sidecar to generate with (see [`sidecar`]).
#[derive(Debug, Clone)]
pub struct SidecarInput {
    /// The file name used in errors.
    pub file: String,
    /// The sidecar.
    pub sidecar: sidecar::Sidecar,
    /// The language (LCID, e.g. 1033) of the labels that name choice variants; `None`: the
    /// language of whoever fetched the sidecar.
    pub language: Option<u32>,
}

impl SidecarInput {
    /// Reads the sidecar at `path`.
    pub fn from_file(path: &std::path::Path, language: Option<u32>) -> Result<SidecarInput, Error> {
        Ok(SidecarInput {
            file: path.display().to_string(),
            sidecar: sidecar::Sidecar::from_file(path)?,
            language,
        })
    }

    /// Applies it to `model` (see [`sidecar::apply`]).
    pub fn apply(&self, model: &mut model::Model) -> Result<(), Error> {
        sidecar::apply(model, &self.sidecar, &self.file, self.language)
    }
}

/// Runs the whole pipeline on a document held in memory and returns the generated files
/// (relative path → contents).
pub fn generate(
    file: &str,
    bytes: &[u8],
    options: &GenerateOptions,
) -> Result<write::Files, Error> {
    let loaded = load(file, bytes, &options.resolve)?;
    generate_from_model(&loaded.model, bytes, options)
}

/// The select, name, emit and write stages on a resolved model (`bytes` only feed the header's
/// hash), after the sidecar if there is one. Fails only when the selection names what the model
/// lacks or the sidecar does not fit the model.
pub fn generate_from_model(
    model: &model::Model,
    bytes: &[u8],
    options: &GenerateOptions,
) -> Result<write::Files, Error> {
    if let Some(version) = &options.api_version {
        check_api_version(version).map_err(|message| Error {
            file: "api_version".into(),
            pos: source::Pos::default(),
            kind: Box::new(ErrorKind::InvalidConfig(message)),
        })?;
    }
    let enriched;
    let model = match &options.sidecar {
        Some(sidecar) => {
            let mut copy = model.clone();
            sidecar.apply(&mut copy)?;
            enriched = copy;
            &enriched
        }
        None => model,
    };
    let selected;
    let model = if options.selection.is_everything() {
        model
    } else {
        selected = select::select(model, &options.selection)?;
        &selected
    };
    let names = emit::names(model, &options.renames);
    let emit_options = emit::EmitOptions {
        root_file: match options.output {
            OutputKind::Module => "mod.rs".into(),
            OutputKind::Crate => "lib.rs".into(),
        },
        api_version: options.api_version.clone(),
        entity_set_features: options.entity_set_features && options.output == OutputKind::Crate,
    };
    let files = emit::emit(model, &names, &emit_options);
    match write::format_files(files, &write::input_hash(bytes)) {
        Ok(files) => Ok(files),
        // The emitter builds its output from parsed tokens; failing to parse it back is a bug in
        // the generator, not in the input.
        Err(e) => unreachable!("dataverse-codegen bug: {e}"),
    }
}

/// Checks a Web API version setting: `v` and dot-separated numbers (`v9.2`); it becomes part of
/// the service root URL and of a doc comment.
pub fn check_api_version(version: &str) -> Result<(), String> {
    let numbers = version.strip_prefix('v').unwrap_or("");
    let valid = !numbers.is_empty()
        && numbers
            .split('.')
            .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`api_version` is {version:?}; it must be a Web API version such as \"v9.2\""
        ))
    }
}

/// Reads a `$metadata` document from a path (or, with the `fetch` feature, an `http(s)://`
/// URL, with the bearer token of `DATAVERSE_TOKEN` if set) and adds the CSDL fragments of
/// `extensions` to its last schema. Returns the name to use in messages and the bytes.
pub fn read_metadata(
    source: &str,
    extensions: &[std::path::PathBuf],
) -> Result<(String, Vec<u8>), Error> {
    let io_error = |file: &str, e: String| Error {
        file: file.to_string(),
        pos: source::Pos::default(),
        kind: Box::new(ErrorKind::Io(e)),
    };
    let mut bytes = if source.starts_with("http://") || source.starts_with("https://") {
        fetch_url(source).map_err(|e| io_error(source, e))?
    } else {
        std::fs::read(source).map_err(|e| io_error(source, e.to_string()))?
    };
    for fragment in extensions {
        let name = fragment.display().to_string();
        let extra = std::fs::read(fragment).map_err(|e| io_error(&name, e.to_string()))?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let Some(at) = text.rfind("</Schema>") else {
            return Err(Error {
                file: source.to_string(),
                pos: source::Pos::default(),
                kind: Box::new(ErrorKind::NotCsdl("no </Schema> to extend".into())),
            });
        };
        let mut merged = text[..at].to_string();
        merged.push_str(&String::from_utf8_lossy(&extra));
        merged.push_str(&text[at..]);
        bytes = merged.into_bytes();
    }
    Ok((source.to_string(), bytes))
}

#[cfg(feature = "fetch")]
fn fetch_url(url: &str) -> Result<Vec<u8>, String> {
    let token = fetch::token_from(Some("DATAVERSE_TOKEN"), None).map_err(|e| e.to_string())?;
    fetch::fetch_metadata(&fetch::FetchOptions {
        url: url.to_string(),
        bearer_token: token,
        timeout: std::time::Duration::from_secs(300),
        progress: false,
    })
    .map_err(|e| e.to_string())
}

#[cfg(not(feature = "fetch"))]
fn fetch_url(url: &str) -> Result<Vec<u8>, String> {
    Err(format!(
        "cannot download {url}: dataverse-codegen was built without its `fetch` feature"
    ))
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
    config_file: Option<std::path::PathBuf>,
    module_name: String,
    out_dir: Option<std::path::PathBuf>,
    sidecar: Option<std::path::PathBuf>,
    label_language: Option<u32>,
    options: GenerateOptions,
}

impl Builder {
    /// Generation from the `$metadata` document at `metadata`.
    pub fn new(metadata: impl Into<std::path::PathBuf>) -> Builder {
        Builder {
            metadata: metadata.into(),
            extensions: Vec::new(),
            config_file: None,
            module_name: "dataverse".into(),
            out_dir: None,
            sidecar: None,
            label_language: None,
            options: GenerateOptions::default(),
        }
    }

    /// Generation as a configuration file says (the same file the CLI takes with `--config`):
    /// its metadata, extensions, selection, renames, API version and module name. Paths in it
    /// are relative to the file.
    pub fn from_config(path: impl Into<std::path::PathBuf>) -> Result<Builder, Error> {
        let path = path.into();
        let config = config::Config::load(&path)?;
        let Some(metadata) = config.metadata.clone() else {
            return Err(Error {
                file: path.display().to_string(),
                pos: source::Pos::default(),
                kind: Box::new(ErrorKind::InvalidConfig("`metadata` is not set".into())),
            });
        };
        let mut builder = Builder::new(metadata);
        builder.config_file = Some(path);
        builder.extensions = config.extensions.clone();
        if let Some(name) = &config.module_name {
            builder.module_name = name.clone();
        }
        builder.options.selection = config.selection.clone();
        builder.options.renames = config.renames.clone();
        builder.options.api_version = config.api_version.clone();
        builder.sidecar = config.sidecar.clone();
        builder.label_language = config.label_language;
        builder.options.resolve = ResolveOptions {
            allow_dangling_references: config.allow_dangling_references,
            strict: config.strict,
        };
        Ok(builder)
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
        self.options.resolve = options;
        self
    }

    /// Generates only these entity sets (names or `*`/`?` patterns) and what they need.
    pub fn entity_sets<'a>(mut self, names: impl IntoIterator<Item = &'a str>) -> Builder {
        let list = &mut self.options.selection.entity_sets;
        list.extend(names.into_iter().map(select::Pattern::new));
        self
    }

    /// Generates these entity types (simple or qualified names, or patterns) and what they need.
    pub fn entity_types<'a>(mut self, names: impl IntoIterator<Item = &'a str>) -> Builder {
        let list = &mut self.options.selection.entity_types;
        list.extend(names.into_iter().map(select::Pattern::new));
        self
    }

    /// Generates these actions and functions (or imports) and what they need.
    pub fn operations<'a>(mut self, names: impl IntoIterator<Item = &'a str>) -> Builder {
        let list = &mut self.options.selection.operations;
        list.extend(names.into_iter().map(select::Pattern::new));
        self
    }

    /// Leaves these names out of the selection.
    pub fn exclude<'a>(mut self, names: impl IntoIterator<Item = &'a str>) -> Builder {
        let list = &mut self.options.selection.exclude;
        list.extend(names.into_iter().map(select::Pattern::new));
        self
    }

    /// Names the Rust type of a CSDL type (qualified or simple name).
    pub fn rename(mut self, csdl_name: &str, rust_name: &str) -> Builder {
        self.options
            .renames
            .insert(csdl_name.to_string(), rust_name.to_string());
        self
    }

    /// Generates with Dataverse's own table definitions (a file written by `dataverse-codegen
    /// fetch --sidecar`): choice columns as enums, schema names, read-only columns.
    pub fn sidecar(mut self, path: impl Into<std::path::PathBuf>) -> Builder {
        self.sidecar = Some(path.into());
        self
    }

    /// The language (LCID, e.g. 1031) of the labels that name choice variants.
    pub fn label_language(mut self, lcid: u32) -> Builder {
        self.label_language = Some(lcid);
        self
    }

    /// The Web API version (`v9.2`): `Service::API_VERSION` and `Service::service_root`.
    pub fn api_version(mut self, version: &str) -> Builder {
        self.options.api_version = Some(version.to_string());
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
        if let Some(config) = &self.config_file {
            println!("cargo:rerun-if-changed={}", config.display());
        }
        let source = self.metadata.display().to_string();
        if !source.starts_with("http") {
            println!("cargo:rerun-if-changed={source}");
        }
        for fragment in &self.extensions {
            println!("cargo:rerun-if-changed={}", fragment.display());
        }
        let (file, bytes) = read_metadata(&source, &self.extensions)?;
        let loaded = load(&file, &bytes, &self.options.resolve)?;
        let sidecar = match &self.sidecar {
            Some(path) => {
                println!("cargo:rerun-if-changed={}", path.display());
                Some(SidecarInput::from_file(path, self.label_language)?)
            }
            None => None,
        };
        let options = GenerateOptions {
            output: OutputKind::Module,
            sidecar,
            ..self.options.clone()
        };
        let files = generate_from_model(&loaded.model, &bytes, &options)?;
        let module_dir = out_dir.join(&self.module_name);
        write::write_files(&module_dir, &files).map_err(|e| io_error(&module_dir, e))?;
        write::remove_orphan_files(&module_dir, &files).map_err(|e| io_error(&module_dir, e))?;
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
