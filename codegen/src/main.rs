//! The `dataverse-codegen` command line.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Generate a typed Rust SDK from an OData v4 $metadata document (Dynamics 365 / Dataverse
/// first).
#[derive(Parser)]
#[command(name = "dataverse-codegen", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse and resolve a $metadata document and print a summary of what it contains.
    ///
    /// Exit codes: 0 when the document is valid, 1 when it is not (the error is printed on
    /// stderr with file:line:column), 2 on bad usage.
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
    /// Writes a complete crate into OUT (Cargo.toml and src/) or, with --module, a module tree
    /// (mod.rs and its files). With --check nothing is written: the command fails (exit 1) and
    /// names the files that differ when OUT is not what the metadata gives.
    Generate {
        /// The $metadata document (CSDL XML).
        #[arg(long)]
        metadata: PathBuf,
        /// The output directory.
        #[arg(long)]
        out: PathBuf,
        /// Write a module tree (mod.rs) instead of a crate.
        #[arg(long)]
        module: bool,
        /// The crate name (crate mode).
        #[arg(long, default_value = "dataverse-sdk")]
        crate_name: String,
        /// Where the generated crate finds dataverse-runtime (a path, relative to OUT or
        /// absolute); without it, the crates.io version of this generator is used.
        #[arg(long)]
        runtime_path: Option<String>,
        /// Compare instead of writing; exit 1 and list the differing files when stale.
        #[arg(long)]
        check: bool,
        /// Print the CSDL-to-Rust name map.
        #[arg(long)]
        print_names: bool,
        #[command(flatten)]
        front_end: FrontEndArgs,
    },
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Generate {
            metadata,
            out,
            module,
            crate_name,
            runtime_path,
            check,
            print_names,
            front_end,
        } => {
            let file = metadata.display().to_string();
            let bytes = match std::fs::read(&metadata) {
                Ok(bytes) => bytes,
                Err(e) => {
                    eprintln!("{file}: error: cannot read the file: {e}");
                    return ExitCode::from(1);
                }
            };
            let loaded = match dataverse_codegen::load(&file, &bytes, &front_end.options()) {
                Ok(loaded) => loaded,
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::from(1);
                }
            };
            for w in &loaded.model.warnings {
                eprintln!("{w}");
            }
            if print_names {
                let names = dataverse_codegen::emit::names(&loaded.model);
                for (csdl, rust) in names.rename_map(&loaded.model) {
                    println!("{csdl} -> {rust}");
                }
            }
            let output = if module {
                dataverse_codegen::OutputKind::Module
            } else {
                dataverse_codegen::OutputKind::Crate
            };
            let generated = dataverse_codegen::generate_from_model(&loaded.model, &bytes, output);
            let mut files = std::collections::BTreeMap::new();
            let prefix = if module { "" } else { "src/" };
            for (path, text) in generated {
                files.insert(format!("{prefix}{path}"), text);
            }
            if !module {
                files.insert(
                    "Cargo.toml".into(),
                    cargo_toml(&crate_name, runtime_path.as_deref()),
                );
            }
            if check {
                let stale = dataverse_codegen::write::stale_files(&out, &files);
                if stale.is_empty() {
                    println!("{}: up to date ({} files)", out.display(), files.len());
                    return ExitCode::SUCCESS;
                }
                eprintln!(
                    "{}: stale; regenerate with the same command without --check:",
                    out.display()
                );
                for path in stale {
                    eprintln!("  {path}");
                }
                return ExitCode::from(1);
            }
            match dataverse_codegen::write::write_files(&out, &files) {
                Ok(written) => {
                    println!(
                        "{}: {} files, {} written",
                        out.display(),
                        files.len(),
                        written
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("{}: error: {e}", out.display());
                    ExitCode::from(1)
                }
            }
        }
        Command::Inspect {
            file,
            json,
            front_end,
        } => {
            let loaded = match dataverse_codegen::load_file(&file, &front_end.options()) {
                Ok(loaded) => loaded,
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::from(1);
                }
            };
            let summary =
                dataverse_codegen::inspect::Summary::of(&loaded.document, &loaded.model.warnings);
            if json {
                match serde_json::to_string_pretty(&summary) {
                    Ok(text) => println!("{text}"),
                    Err(e) => {
                        eprintln!("error: cannot write JSON: {e}");
                        return ExitCode::from(1);
                    }
                }
            } else {
                print!("{}", summary.to_text(&file.display().to_string()));
            }
            ExitCode::SUCCESS
        }
    }
}

/// The Cargo.toml of a generated crate.
fn cargo_toml(name: &str, runtime_path: Option<&str>) -> String {
    let runtime = match runtime_path {
        Some(path) => format!("{{ path = {:?} }}", path),
        None => format!("{:?}", env!("CARGO_PKG_VERSION")),
    };
    format!(
        "# @generated by dataverse-codegen; do not edit\n\
         [package]\n\
         name = {name:?}\n\
         version = \"0.1.0\"\n\
         edition = \"2024\"\n\
         publish = false\n\
         \n\
         [dependencies]\n\
         dataverse-runtime = {runtime}\n\
         \n\
         [workspace]\n"
    )
}
