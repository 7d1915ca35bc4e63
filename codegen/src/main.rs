//! The `dataverse-codegen` command line.

use clap::{Parser, Subcommand};
use dataverse_codegen::config::Config;
use dataverse_codegen::select::{Pattern, Selection};
use dataverse_codegen::write::RuntimeDependency;
use dataverse_codegen::{Error, GenerateOptions, OutputKind};
use std::path::PathBuf;
use std::process::ExitCode;

/// Generate a typed Rust SDK from an OData v4 $metadata document (Dynamics 365 / Dataverse
/// first).
///
/// Exit codes: 0 success, 1 invalid input (the error names file:line:column), 2 bad usage.
#[derive(Parser)]
#[command(name = "dataverse-codegen", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and resolve a $metadata document and print a summary of what it contains.
    Inspect {
        /// The $metadata document (CSDL XML).
        file: PathBuf,
        /// Print one JSON object with the element counts and the warnings.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        front_end: FrontEndArgs,
    },
    /// Generate the Rust SDK for a $metadata document.
    ///
    /// Writes a complete crate into OUT (Cargo.toml and src/, with a Cargo feature per entity
    /// set) or, with --module, a module tree (mod.rs and its files). With --check nothing is
    /// written: the command fails (exit 1) and names the files that differ when OUT is not what
    /// the metadata gives. Settings come from --config, overridden by the flags.
    Generate {
        #[command(flatten)]
        input: InputArgs,
        #[command(flatten)]
        args: GenerateArgs,
    },
    /// Show what a selection contains: entity sets, entity types, complex and enum types,
    /// operations (everything, without a selection).
    List {
        #[command(flatten)]
        input: InputArgs,
    },
    /// Download a service's $metadata document to a file, and (with --sidecar) the Dataverse
    /// table definitions a generated SDK uses beyond it: schema and display names, which
    /// columns can be written, the option sets of choice columns.
    ///
    /// The bearer token comes from the environment variable named by --token-env (default
    /// DATAVERSE_TOKEN) or from the output of --token-command, e.g.
    /// `az account get-access-token --resource https://org.crm.dynamics.com --query accessToken -o tsv`.
    Fetch {
        /// The service root or the $metadata URL, e.g. https://org.crm.dynamics.com/api/data/v9.2/
        url: String,
        /// The file to write the $metadata document to.
        #[arg(long, required_unless_present = "sidecar")]
        out: Option<PathBuf>,
        /// Also (or only) download the metadata sidecar, a JSON file, to this path, e.g.
        /// metadata/dataverse.sidecar.json.
        #[arg(long, value_name = "PATH")]
        sidecar: Option<PathBuf>,
        /// The tables (logical names, comma-separated, e.g. account,contact) the sidecar
        /// describes; every table of the organisation when not given.
        #[arg(
            long,
            value_delimiter = ',',
            value_name = "NAMES",
            requires = "sidecar"
        )]
        tables: Vec<String>,
        /// The environment variable holding the bearer token.
        #[arg(long, default_value = "DATAVERSE_TOKEN")]
        token_env: String,
        /// A shell command that prints the bearer token.
        #[arg(long)]
        token_command: Option<String>,
        /// Seconds before giving up.
        #[arg(long, default_value_t = 300)]
        timeout: u64,
        /// No progress on stderr.
        #[arg(long)]
        quiet: bool,
    },
    /// What changed between two $metadata documents (types, properties, nullability,
    /// operations, parameters): review a regeneration before committing it.
    Diff {
        /// The old document.
        old: PathBuf,
        /// The new document.
        new: PathBuf,
        /// The metadata sidecar of the old document: option sets are compared too (a removed
        /// or renumbered choice value is breaking).
        #[arg(long, value_name = "PATH", requires = "new_sidecar")]
        old_sidecar: Option<PathBuf>,
        /// The metadata sidecar of the new document.
        #[arg(long, value_name = "PATH", requires = "old_sidecar")]
        new_sidecar: Option<PathBuf>,
        #[command(flatten)]
        front_end: FrontEndArgs,
    },
}

#[derive(clap::Args)]
struct InputArgs {
    /// The $metadata document: a path or an http(s) URL (or `metadata` in the configuration).
    #[arg(long)]
    metadata: Option<String>,
    /// A configuration file (TOML; see README.md).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Select an entity set (repeatable; `*` and `?` wildcards).
    #[arg(long = "entity-set", value_name = "NAME")]
    entity_sets: Vec<String>,
    /// Select an entity type, simple or qualified name (repeatable).
    #[arg(long = "entity-type", value_name = "NAME")]
    entity_types: Vec<String>,
    /// Select an action or function (repeatable).
    #[arg(long = "operation", value_name = "NAME")]
    operations: Vec<String>,
    /// Leave a name out (repeatable).
    #[arg(long = "exclude", value_name = "NAME")]
    exclude: Vec<String>,
    /// The metadata sidecar written by `fetch --sidecar` (or `sidecar` in the configuration):
    /// choice columns as enums, schema names, read-only columns.
    #[arg(long, value_name = "PATH")]
    sidecar: Option<PathBuf>,
    /// The language (LCID, e.g. 1033) of the labels that name choice variants (or
    /// `label_language`); default: the language of whoever fetched the sidecar.
    #[arg(long, value_name = "LCID")]
    label_language: Option<u32>,
    #[command(flatten)]
    front_end: FrontEndArgs,
}

#[derive(clap::Args)]
struct FrontEndArgs {
    /// Accept references to types, entity sets and operations the document does not define
    /// (a partial document); they become untyped values or are left out, with a warning.
    #[arg(long)]
    allow_dangling_references: bool,
    /// Reject what real services get wrong but can be lived with (a non-abstract entity type
    /// without a key).
    #[arg(long)]
    strict: bool,
}

impl FrontEndArgs {
    fn options(&self) -> dataverse_codegen::ResolveOptions {
        dataverse_codegen::ResolveOptions {
            allow_dangling_references: self.allow_dangling_references,
            strict: self.strict,
        }
    }
}

/// What `generate` and `list` work on: the configuration with the flags applied.
struct Input {
    config: Config,
    file: String,
    bytes: Vec<u8>,
    loaded: dataverse_codegen::Loaded,
}

/// A failure: the message and the exit code.
struct Failure(String, u8);

impl From<Error> for Failure {
    fn from(e: Error) -> Failure {
        Failure(e.to_string(), 1)
    }
}

impl InputArgs {
    fn load(&self) -> Result<Input, Failure> {
        let mut config = match &self.config {
            Some(path) => Config::load(path)?,
            None => Config::default(),
        };
        if let Some(m) = &self.metadata {
            config.metadata = Some(m.clone());
        }
        config.allow_dangling_references |= self.front_end.allow_dangling_references;
        config.strict |= self.front_end.strict;
        let flag = |list: &[String]| -> Vec<Pattern> {
            list.iter()
                .map(|text| Pattern {
                    text: text.clone(),
                    file: "command line".into(),
                    pos: Default::default(),
                })
                .collect()
        };
        let s = &mut config.selection;
        s.entity_sets.extend(flag(&self.entity_sets));
        s.entity_types.extend(flag(&self.entity_types));
        s.operations.extend(flag(&self.operations));
        s.exclude.extend(flag(&self.exclude));
        let Some(metadata) = config.metadata.clone() else {
            return Err(Failure(
                "error: no metadata: pass --metadata FILE (or URL), or set `metadata` in the \
                 --config file"
                    .into(),
                2,
            ));
        };
        let (file, bytes) = dataverse_codegen::read_metadata(&metadata, &config.extensions)?;
        let options = dataverse_codegen::ResolveOptions {
            allow_dangling_references: config.allow_dangling_references,
            strict: config.strict,
        };
        let mut loaded = dataverse_codegen::load(&file, &bytes, &options)?;
        for w in &loaded.model.warnings {
            eprintln!("{w}");
        }
        if let Some(path) = &self.sidecar {
            config.sidecar = Some(path.clone());
        }
        if let Some(lcid) = self.label_language {
            config.label_language = Some(lcid);
        }
        // Applied before the selection: the sidecar describes the organisation.
        if let Some(path) = &config.sidecar {
            dataverse_codegen::SidecarInput::from_file(path, config.label_language)?
                .apply(&mut loaded.model)?;
        }
        Ok(Input {
            config,
            file,
            bytes,
            loaded,
        })
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Inspect {
            file,
            json,
            front_end,
        } => inspect(&file, json, &front_end),
        Command::Generate { input, args } => input.load().and_then(|input| generate(input, args)),
        Command::List { input } => input.load().and_then(list),
        Command::Fetch {
            url,
            out,
            sidecar,
            tables,
            token_env,
            token_command,
            timeout,
            quiet,
        } => fetch(
            &url,
            out.as_deref(),
            sidecar.as_deref().map(|path| (path, tables.as_slice())),
            &token_env,
            token_command.as_deref(),
            timeout,
            quiet,
        ),
        Command::Diff {
            old,
            new,
            old_sidecar,
            new_sidecar,
            front_end,
        } => diff(
            &old,
            &new,
            (old_sidecar.as_deref(), new_sidecar.as_deref()),
            &front_end,
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message, code)) => {
            eprintln!("{message}");
            ExitCode::from(code)
        }
    }
}

fn inspect(file: &std::path::Path, json: bool, front_end: &FrontEndArgs) -> Result<(), Failure> {
    let loaded = dataverse_codegen::load_file(file, &front_end.options())?;
    let summary = dataverse_codegen::inspect::Summary::of(&loaded.document, &loaded.model.warnings);
    if json {
        let text = serde_json::to_string_pretty(&summary)
            .map_err(|e| Failure(format!("error: cannot write JSON: {e}"), 1))?;
        println!("{text}");
    } else {
        print!("{}", summary.to_text(&file.display().to_string()));
    }
    Ok(())
}

#[derive(clap::Args)]
struct GenerateArgs {
    /// The output directory (or `out` in the configuration).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write a module tree (mod.rs) instead of a crate.
    #[arg(long)]
    module: bool,
    /// The crate name (crate output; default `dataverse-sdk`).
    #[arg(long)]
    crate_name: Option<String>,
    /// Where the generated crate finds dataverse-runtime: a path, relative to OUT or
    /// absolute. Without it (and without `runtime_path`/`runtime_version` in the
    /// configuration), the version of this generator on crates.io.
    #[arg(long)]
    runtime_path: Option<String>,
    /// The Web API version of the service root, e.g. v9.2 (Service::API_VERSION).
    #[arg(long)]
    api_version: Option<String>,
    /// No Cargo feature per entity set.
    #[arg(long)]
    no_features: bool,
    /// Compare instead of writing; exit 1 and list the differing files when stale.
    #[arg(long)]
    check: bool,
    /// Print the CSDL-to-Rust name map.
    #[arg(long)]
    print_names: bool,
}

fn generate(input: Input, args: GenerateArgs) -> Result<(), Failure> {
    let config = &input.config;
    let Some(out) = args.out.or_else(|| config.out.clone()) else {
        return Err(Failure(
            "error: no output directory: pass --out DIR, or set `out` in the --config file".into(),
            2,
        ));
    };
    let module = args.module || config.output.as_deref() == Some("module");
    let output = if module {
        OutputKind::Module
    } else {
        OutputKind::Crate
    };
    let features = !args.no_features && config.entity_set_features.unwrap_or(true);
    // Select once; the later stages see only the selected model.
    let model = selected(&input)?;
    let options = GenerateOptions {
        resolve: Default::default(),
        output,
        selection: Selection::default(),
        renames: config.renames.clone(),
        api_version: args.api_version.or_else(|| config.api_version.clone()),
        entity_set_features: features && !module,
        // Already applied to the model by `InputArgs::load`.
        sidecar: None,
    };
    if args.print_names {
        let names = dataverse_codegen::emit::names(&model, &options.renames);
        for (csdl, rust) in names.rename_map(&model) {
            println!("{csdl} -> {rust}");
        }
    }
    let generated = dataverse_codegen::generate_from_model(&model, &input.bytes, &options)?;
    let mut files = std::collections::BTreeMap::new();
    let prefix = if module { "" } else { "src/" };
    for (path, text) in generated {
        files.insert(format!("{prefix}{path}"), text);
    }
    if !module {
        let crate_name = args
            .crate_name
            .or_else(|| config.crate_name.clone())
            .unwrap_or_else(|| "dataverse-sdk".into());
        if let Err(message) = dataverse_codegen::write::check_crate_name(&crate_name) {
            return Err(Failure(format!("error: {message}"), 2));
        }
        let runtime = match (
            args.runtime_path,
            &config.runtime_path,
            &config.runtime_version,
        ) {
            (Some(path), _, _) => RuntimeDependency::Path(path),
            (None, Some(path), _) => RuntimeDependency::Path(path.clone()),
            (None, None, Some(version)) => RuntimeDependency::Version(version.clone()),
            (None, None, None) => RuntimeDependency::Version(env!("CARGO_PKG_VERSION").into()),
        };
        let feature_names = if options.entity_set_features {
            dataverse_codegen::emit::entity_set_features(&model)
        } else {
            Vec::new()
        };
        files.insert(
            "Cargo.toml".into(),
            dataverse_codegen::write::cargo_toml(&crate_name, &runtime, &feature_names),
        );
        // The generator formats its output (prettyplease); rustfmt would reformat it and make
        // `--check` report a checked-in crate as stale, so rustfmt leaves it alone.
        files.insert(
            "rustfmt.toml".into(),
            "# @generated by dataverse-codegen: formatted by the generator; do not edit\n\
             disable_all_formatting = true\n"
                .into(),
        );
    }
    if args.check {
        let stale = dataverse_codegen::write::stale_files(&out, &files);
        if stale.is_empty() {
            println!("{}: up to date ({} files)", out.display(), files.len());
            return Ok(());
        }
        let mut message = format!(
            "{}: stale; regenerate with the same command without --check:",
            out.display()
        );
        for path in stale {
            message.push_str(&format!("\n  {path}"));
        }
        return Err(Failure(message, 1));
    }
    let written = dataverse_codegen::write::write_files(&out, &files)
        .map_err(|e| Failure(format!("{}: error: {e}", out.display()), 1))?;
    let removed = dataverse_codegen::write::remove_orphan_files(&out, &files)
        .map_err(|e| Failure(format!("{}: error: {e}", out.display()), 1))?;
    for path in &removed {
        println!("removed {path} (no longer generated)");
    }
    println!(
        "{}: {} files, {} written (from {})",
        out.display(),
        files.len(),
        written,
        input.file
    );
    Ok(())
}

/// The model of the selection (borrowed, not copied, when everything is selected).
fn selected(
    input: &Input,
) -> Result<std::borrow::Cow<'_, dataverse_codegen::model::Model>, Failure> {
    let selection = &input.config.selection;
    if selection.is_everything() {
        return Ok(std::borrow::Cow::Borrowed(&input.loaded.model));
    }
    let model = dataverse_codegen::select::select(&input.loaded.model, selection)?;
    Ok(std::borrow::Cow::Owned(model))
}

fn list(input: Input) -> Result<(), Failure> {
    let model = selected(&input)?;
    let selection: &Selection = &input.config.selection;
    println!(
        "{}: {}",
        input.file,
        if selection.is_everything() {
            "everything".to_string()
        } else {
            "the selection and what it needs".to_string()
        }
    );
    let section = |title: &str, names: Vec<String>| {
        println!("{title} ({}):", names.len());
        for n in names {
            println!("  {n}");
        }
    };
    section(
        "entity sets",
        model
            .entity_sets
            .iter()
            .map(|s| {
                format!(
                    "{} ({}{})",
                    s.name,
                    model.entity_types[s.entity_type.0].name,
                    if s.singleton { ", singleton" } else { "" }
                )
            })
            .collect(),
    );
    section(
        "entity types",
        model
            .entity_types
            .iter()
            .map(|t| t.name.to_string())
            .collect(),
    );
    section(
        "complex types",
        model
            .complex_types
            .iter()
            .map(|t| t.name.to_string())
            .collect(),
    );
    section(
        "enum types",
        model
            .enum_types
            .iter()
            .map(|t| t.name.to_string())
            .collect(),
    );
    section(
        "operations",
        model
            .operations
            .iter()
            .map(|op| {
                let kind = match op.kind {
                    dataverse_codegen::syntax::OperationKind::Action => "action",
                    dataverse_codegen::syntax::OperationKind::Function => "function",
                };
                match &op.binding {
                    Some(b) => {
                        let target = match &b.ty.kind {
                            dataverse_codegen::model::TypeKind::Entity(id) => {
                                model.entity_types[id.0].name.name.clone()
                            }
                            _ => "?".into(),
                        };
                        let target = if b.ty.collection {
                            format!("Collection({target})")
                        } else {
                            target
                        };
                        format!("{} ({kind} bound to {target})", op.name)
                    }
                    None => format!("{} ({kind})", op.name),
                }
            })
            .collect(),
    );
    Ok(())
}

#[cfg(feature = "fetch")]
fn fetch(
    url: &str,
    out: Option<&std::path::Path>,
    sidecar: Option<(&std::path::Path, &[String])>,
    token_env: &str,
    token_command: Option<&str>,
    timeout: u64,
    quiet: bool,
) -> Result<(), Failure> {
    use dataverse_codegen::fetch;
    let token = fetch::token_from(Some(token_env), token_command)
        .map_err(|e| Failure(format!("error: {e}"), 1))?;
    let options = fetch::FetchOptions {
        url: url.to_string(),
        bearer_token: token,
        timeout: std::time::Duration::from_secs(timeout),
        progress: !quiet,
    };
    if let Some(out) = out {
        fetch_metadata(&options, out)?;
    }
    if let Some((path, tables)) = sidecar {
        let tables: Vec<String> = tables
            .iter()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty())
            .collect();
        let written = fetch::fetch_sidecar_to(&options, &tables, path)
            .map_err(|e| Failure(format!("error: {e}"), 1))?;
        println!(
            "{}: {} tables, {} attributes, {} global option sets",
            path.display(),
            written.tables.len(),
            written
                .tables
                .iter()
                .map(|t| t.attributes.len())
                .sum::<usize>(),
            written.global_option_sets.len()
        );
    }
    Ok(())
}

/// `fetch --out`: the $metadata document, checked.
#[cfg(feature = "fetch")]
fn fetch_metadata(
    options: &dataverse_codegen::fetch::FetchOptions,
    out: &std::path::Path,
) -> Result<(), Failure> {
    use dataverse_codegen::fetch;
    // Written through a temporary file: a failed download never leaves a truncated document.
    fetch::fetch_metadata_to(options, out).map_err(|e| Failure(format!("error: {e}"), 1))?;
    let bytes = std::fs::read(out)
        .map_err(|e| Failure(format!("{}: error: cannot read: {e}", out.display()), 1))?;
    // Check that it is a document the generator can use.
    let loaded = dataverse_codegen::load(&out.display().to_string(), &bytes, &Default::default())?;
    println!(
        "{}: {} bytes, {} entity types, {} entity sets",
        out.display(),
        bytes.len(),
        loaded.model.entity_types.len(),
        loaded.model.entity_sets.len()
    );
    Ok(())
}

#[cfg(not(feature = "fetch"))]
fn fetch(
    _url: &str,
    _out: Option<&std::path::Path>,
    _sidecar: Option<(&std::path::Path, &[String])>,
    _token_env: &str,
    _token_command: Option<&str>,
    _timeout: u64,
    _quiet: bool,
) -> Result<(), Failure> {
    Err(Failure(
        "error: this dataverse-codegen was built without its `fetch` feature".into(),
        2,
    ))
}

fn diff(
    old: &std::path::Path,
    new: &std::path::Path,
    sidecars: (Option<&std::path::Path>, Option<&std::path::Path>),
    front_end: &FrontEndArgs,
) -> Result<(), Failure> {
    let mut old = dataverse_codegen::load_file(old, &front_end.options())?;
    let mut new = dataverse_codegen::load_file(new, &front_end.options())?;
    if let (Some(old_sidecar), Some(new_sidecar)) = sidecars {
        dataverse_codegen::SidecarInput::from_file(old_sidecar, None)?.apply(&mut old.model)?;
        dataverse_codegen::SidecarInput::from_file(new_sidecar, None)?.apply(&mut new.model)?;
    }
    let changes = dataverse_codegen::diff::diff(&old.model, &new.model);
    for change in &changes {
        if dataverse_codegen::diff::breaking(change) {
            println!("{change}  (breaking)");
        } else {
            println!("{change}");
        }
    }
    println!("{}", dataverse_codegen::diff::summary(&changes));
    Ok(())
}
