//! The configuration file (`dataverse-codegen.toml`): one description of an SDK shared by the
//! CLI (`--config`) and build scripts ([`crate::Builder::config`]).
//!
//! ```toml
//! metadata = "metadata/dataverse-v9.1.xml"   # a path (relative to this file) or an https URL
//! extensions = ["metadata/custom/new_AddNoteToContact.xml"]
//! out = "generated-example"                  # where `generate` writes
//! output = "crate"                           # "crate" (Cargo.toml + src/) or "module"
//! crate_name = "dataverse-example"
//! runtime_path = "../runtime"                # or runtime_version = "0.1"
//! api_version = "v9.2"                       # Service::API_VERSION and Service::service_root
//! entity_set_features = true                 # a Cargo feature per entity set (crate output)
//! sidecar = "metadata/dataverse.sidecar.json" # Dataverse's table definitions (`fetch --sidecar`)
//! label_language = 1033                      # the LCID of the choice labels (default: the
//!                                            # language of whoever fetched the sidecar)
//!
//! [select]                                   # absent: everything
//! entity_sets = ["accounts", "contacts"]
//! entity_types = ["annotation"]
//! operations = ["WinOpportunity", "new_*"]
//! exclude = ["contact_*"]
//!
//! [renames]                                  # CSDL type name (qualified or simple) -> Rust name
//! "Microsoft.Dynamics.CRM.account" = "Account"
//!
//! [front_end]
//! allow_dangling_references = false
//! strict = false
//! ```

use crate::error::{Error, ErrorKind};
use crate::select::{Pattern, Selection};
use crate::source::{LineIndex, Pos};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A configuration, as read from TOML (paths already made relative to the working directory).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// The `$metadata` document: a path or an `http(s)://` URL.
    pub metadata: Option<String>,
    /// CSDL fragments added to the last schema (an organisation's customizations).
    pub extensions: Vec<PathBuf>,
    /// The output directory.
    pub out: Option<PathBuf>,
    /// `crate` or `module`.
    pub output: Option<String>,
    /// The crate name (crate output).
    pub crate_name: Option<String>,
    /// The module name (build.rs).
    pub module_name: Option<String>,
    /// Where the generated crate finds `dataverse-runtime`: a path.
    pub runtime_path: Option<String>,
    /// ... or a version requirement.
    pub runtime_version: Option<String>,
    /// The Web API version (`v9.2`).
    pub api_version: Option<String>,
    /// A Cargo feature per entity set.
    pub entity_set_features: Option<bool>,
    /// The metadata sidecar (`fetch --sidecar`).
    pub sidecar: Option<PathBuf>,
    /// The language (LCID) of the labels that name choice variants.
    pub label_language: Option<u32>,
    /// What to generate.
    pub selection: Selection,
    /// Type renames.
    pub renames: BTreeMap<String, String>,
    /// Accept dangling references.
    pub allow_dangling_references: bool,
    /// Reject what real services get wrong.
    pub strict: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    metadata: Option<String>,
    #[serde(default)]
    extensions: Vec<String>,
    out: Option<String>,
    output: Option<toml::Spanned<String>>,
    crate_name: Option<String>,
    module_name: Option<String>,
    runtime_path: Option<String>,
    runtime_version: Option<String>,
    api_version: Option<toml::Spanned<String>>,
    entity_set_features: Option<bool>,
    sidecar: Option<String>,
    label_language: Option<u32>,
    #[serde(default)]
    select: RawSelect,
    #[serde(default)]
    renames: BTreeMap<String, String>,
    #[serde(default)]
    front_end: RawFrontEnd,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawSelect {
    #[serde(default)]
    entity_sets: Vec<toml::Spanned<String>>,
    #[serde(default)]
    entity_types: Vec<toml::Spanned<String>>,
    #[serde(default)]
    operations: Vec<toml::Spanned<String>>,
    #[serde(default)]
    exclude: Vec<toml::Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawFrontEnd {
    #[serde(default)]
    allow_dangling_references: bool,
    #[serde(default)]
    strict: bool,
}

impl Config {
    /// Reads a configuration file; relative paths in it are taken relative to its directory.
    pub fn load(path: &Path) -> Result<Config, Error> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| Error {
            file: file.clone(),
            pos: Pos::default(),
            kind: Box::new(ErrorKind::Io(e.to_string())),
        })?;
        let base = path.parent().unwrap_or(Path::new(""));
        Config::parse(&file, &text, base)
    }

    /// Parses configuration text; `file` names it in errors, `base` is the directory relative
    /// paths start from.
    pub fn parse(file: &str, text: &str, base: &Path) -> Result<Config, Error> {
        // Configuration files are small: a fresh index per position is fine.
        let pos_at = |offset: usize| LineIndex::new(text.as_bytes()).pos(offset);
        let error_at = |offset: usize, message: String| Error {
            file: file.to_string(),
            pos: pos_at(offset),
            kind: Box::new(ErrorKind::InvalidConfig(message)),
        };
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let offset = e.span().map(|s| s.start).unwrap_or(0);
            error_at(offset, e.message().trim().to_string())
        })?;
        if let Some(output) = &raw.output
            && !matches!(output.get_ref().as_str(), "crate" | "module")
        {
            return Err(error_at(
                output.span().start,
                format!(
                    "`output` is {:?}; it must be \"crate\" or \"module\"",
                    output.get_ref()
                ),
            ));
        }
        if let Some(version) = &raw.api_version
            && let Err(message) = crate::check_api_version(version.get_ref())
        {
            return Err(error_at(version.span().start, message));
        }
        let relative = |p: &str| -> PathBuf {
            let p = Path::new(p);
            if p.is_absolute() || base.as_os_str().is_empty() {
                p.to_path_buf()
            } else {
                base.join(p)
            }
        };
        let patterns = |list: Vec<toml::Spanned<String>>| -> Vec<Pattern> {
            list.into_iter()
                .map(|s| Pattern {
                    pos: pos_at(s.span().start + 1),
                    text: s.into_inner(),
                    file: file.to_string(),
                })
                .collect()
        };
        let is_url = |m: &str| m.starts_with("http://") || m.starts_with("https://");
        Ok(Config {
            metadata: raw.metadata.map(|m| {
                if is_url(&m) {
                    m
                } else {
                    relative(&m).display().to_string()
                }
            }),
            extensions: raw.extensions.iter().map(|e| relative(e)).collect(),
            out: raw.out.as_deref().map(relative),
            output: raw.output.map(|o| o.into_inner()),
            crate_name: raw.crate_name,
            module_name: raw.module_name,
            runtime_path: raw.runtime_path,
            runtime_version: raw.runtime_version,
            api_version: raw.api_version.map(|v| v.into_inner()),
            entity_set_features: raw.entity_set_features,
            sidecar: raw.sidecar.as_deref().map(relative),
            label_language: raw.label_language,
            selection: Selection {
                entity_sets: patterns(raw.select.entity_sets),
                entity_types: patterns(raw.select.entity_types),
                operations: patterns(raw.select.operations),
                exclude: patterns(raw.select.exclude),
            },
            renames: raw.renames,
            allow_dangling_references: raw.front_end.allow_dangling_references,
            strict: raw.front_end.strict,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_key_and_positions() {
        let text = r#"
metadata = "md/x.xml"
out = "sdk"
output = "module"
api_version = "v9.2"
sidecar = "md/x.sidecar.json"
label_language = 1031
[select]
entity_sets = ["accounts",
  "contactz"]
[renames]
account = "Account2"
"#;
        let c = Config::parse("c.toml", text, Path::new("base")).unwrap();
        assert_eq!(c.metadata.as_deref(), Some("base/md/x.xml"));
        assert_eq!(c.out, Some(PathBuf::from("base/sdk")));
        assert_eq!(c.sidecar, Some(PathBuf::from("base/md/x.sidecar.json")));
        assert_eq!(c.label_language, Some(1031));
        assert_eq!(c.selection.entity_sets[1].text, "contactz");
        assert_eq!(c.selection.entity_sets[1].pos.line, 10);
        assert_eq!(c.selection.entity_sets[1].pos.column, 4);
        assert_eq!(c.renames["account"], "Account2");
    }

    #[test]
    fn unknown_keys_and_bad_values_point_at_the_line() {
        let e =
            Config::parse("c.toml", "metadata = \"x\"\nselectt = 1\n", Path::new("")).unwrap_err();
        assert_eq!(e.pos.line, 2, "{e}");
        assert!(e.to_string().contains("selectt"), "{e}");
        let e = Config::parse("c.toml", "output = \"lib\"\n", Path::new("")).unwrap_err();
        assert_eq!(e.pos.line, 1);
        assert!(e.to_string().contains("\"crate\" or \"module\""), "{e}");
    }
}
