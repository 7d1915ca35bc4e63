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
