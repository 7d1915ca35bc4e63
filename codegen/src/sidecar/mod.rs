//! The metadata sidecar: what Dataverse knows about its tables beyond `$metadata` (schema
//! names, display names, whether a column can be written, and the option sets of choice
//! columns), downloaded by `fetch --sidecar` from the Web API's metadata endpoints and kept as one
//! JSON file beside the `$metadata` document.
//!
//! The file is written by [`Sidecar::to_json`]: pretty-printed, with a trailing newline, tables
//! sorted by logical name, attributes by logical name, options by value and global option sets by
//! name, so that a regenerated file diffs cleanly. [`Sidecar::from_json`] reads it back and
//! checks it; every error names the file, the line and column where there is one, and the JSON
//! path (`tables[2].attributes[5].option_set.options[1].value`).
//!
//! ```
//! let json = br#"{
//!   "format": 1,
//!   "tables": [
//!     {
//!       "logical_name": "account",
//!       "schema_name": "Account",
//!       "entity_set_name": "accounts",
//!       "primary_id_attribute": "accountid",
//!       "primary_name_attribute": "name",
//!       "attributes": [
//!         {
//!           "logical_name": "name",
//!           "schema_name": "Name",
//!           "attribute_type": "String",
//!           "attribute_type_name": "StringType",
//!           "valid_for_create": true,
//!           "valid_for_update": true,
//!           "valid_for_read": true
//!         }
//!       ]
//!     }
//!   ]
//! }"#;
//! let sidecar = dataverse_codegen::sidecar::Sidecar::from_json("dataverse.sidecar.json", json)?;
//! assert_eq!(sidecar.tables[0].schema_name, "Account");
//! # Ok::<(), dataverse_codegen::Error>(())
//! ```

use crate::error::{Error, ErrorKind};
use crate::source::Pos;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version of the format written by this crate (the `format` field).
pub const FORMAT: u32 = 1;

/// A metadata sidecar: the tables of a selection and the global option sets they use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sidecar {
    /// The format version; [`FORMAT`].
    pub format: u32,
    /// The tables, by logical name.
    pub tables: Vec<Table>,
    /// The global option sets (`GlobalOptionSetDefinitions`) that the tables' columns use, by
    /// name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub global_option_sets: Vec<OptionSet>,
}

/// A table (`EntityMetadata`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// `LogicalName`, e.g. `systemuser` (the CSDL's entity type name).
    pub logical_name: String,
    /// `SchemaName`, e.g. `SystemUser`.
    pub schema_name: String,
    /// `EntitySetName`, e.g. `systemusers` (none for a few internal tables).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_set_name: Option<String>,
    /// `DisplayName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<Label>,
    /// `Description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Label>,
    /// `PrimaryIdAttribute`, e.g. `systemuserid`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_id_attribute: Option<String>,
    /// `PrimaryNameAttribute`, e.g. `fullname`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub primary_name_attribute: Option<String>,
    /// The columns, by logical name.
    pub attributes: Vec<Attribute>,
}

/// A column (`AttributeMetadata`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Attribute {
    /// `LogicalName` (the CSDL's property name, except for lookups, whose CSDL property is
    /// `_name_value`).
    pub logical_name: String,
    /// `SchemaName`.
    pub schema_name: String,
    /// `AttributeType`, e.g. `Picklist`, `State`, `Virtual`.
    pub attribute_type: String,
    /// `AttributeTypeName.Value`, e.g. `PicklistType`, `MultiSelectPicklistType` (a multi-select
    /// column's `AttributeType` is only `Virtual`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribute_type_name: Option<String>,
    /// `DisplayName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<Label>,
    /// `Description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Label>,
    /// `IsValidForCreate`.
    pub valid_for_create: bool,
    /// `IsValidForUpdate`.
    pub valid_for_update: bool,
    /// `IsValidForRead`.
    pub valid_for_read: bool,
    /// The column's own (local) option set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option_set: Option<OptionSet>,
    /// The name of the global option set the column uses (one of
    /// [`Sidecar::global_option_sets`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_option_set: Option<String>,
}

/// An option set (`OptionSetMetadata` or `BooleanOptionSetMetadata`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionSet {
    /// `Name`, e.g. `account_industrycode` or, for a global one, `budgetstatus`.
    pub name: String,
    /// `OptionSetType`: `Picklist`, `State`, `Status` or `Boolean`.
    pub option_set_type: String,
    /// `DisplayName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<Label>,
    /// `Description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Label>,
    /// The options, by value (for a Boolean option set: `FalseOption` then `TrueOption`).
    pub options: Vec<Choice>,
}

/// One option (`OptionMetadata`, `StatusOptionMetadata`, `StateOptionMetadata`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Choice {
    /// `Value`: the number on the wire.
    pub value: i32,
    /// `Label`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Label>,
    /// `Description`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Label>,
    /// `Color`, e.g. `#0000ff`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    /// For a Status option: the `State` (statecode value) it belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<i32>,
    /// For a State option: its `DefaultStatus` (statuscode value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_status: Option<i32>,
}

/// A label (`Label`): the text in the user's language and in every language of the
/// organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Label {
    /// `UserLocalizedLabel.Label`: in the language of the user who fetched the sidecar.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `LocalizedLabels`: language code (LCID, e.g. 1033) → text.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub localized: BTreeMap<u32, String>,
}

impl Label {
    /// The text in `language` (an LCID) when there is one, else the user-localized text.
    pub fn text(&self, language: Option<u32>) -> Option<&str> {
        language
            .and_then(|l| self.localized.get(&l))
            .or(self.text.as_ref())
            .map(String::as_str)
    }
}

impl Sidecar {
    /// Reads and checks a sidecar. `file` is the name used in errors.
    ///
    /// Errors: malformed JSON (with its line and column), a missing or mistyped field or an
    /// unknown one (with the JSON path), an unsupported `format`, and what the checks of
    /// [`Sidecar::validate`] find.
    pub fn from_json(file: &str, bytes: &[u8]) -> Result<Sidecar, Error> {
        let mut sidecar: Sidecar = serde_json::from_slice(bytes).map_err(|e| {
            let pos = Pos {
                line: e.line() as u32,
                column: e.column() as u32,
            };
            let message = e.to_string();
            // serde_json's message ends with " at line L column C"; the position is given apart.
            let message = match message.rfind(" at line ") {
                Some(at) => message[..at].to_string(),
                None => message,
            };
            if e.is_syntax() || e.is_eof() || e.is_io() {
                return sidecar_error(file, pos, None, format!("malformed JSON: {message}"));
            }
            sidecar_error(file, pos, Some(path_at(bytes, pos)), message)
        })?;
        sidecar.validate().map_err(|(path, message)| {
            let pos = pos_of(bytes, &path).unwrap_or_default();
            sidecar_error(file, pos, Some(path), message)
        })?;
        sidecar.normalize();
        Ok(sidecar)
    }

    /// Reads a sidecar file (see [`Sidecar::from_json`]).
    pub fn from_file(path: &std::path::Path) -> Result<Sidecar, Error> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| Error {
            file: file.clone(),
            pos: Pos::default(),
            kind: Box::new(ErrorKind::Io(e.to_string())),
        })?;
        Sidecar::from_json(&file, &bytes)
    }

    /// The file's bytes: sorted (see [`Sidecar::normalize`]), pretty-printed, with a trailing
    /// newline.
    pub fn to_json(&self) -> Vec<u8> {
        let mut sorted = self.clone();
        sorted.normalize();
        let mut bytes =
            serde_json::to_vec_pretty(&sorted).expect("a sidecar always serializes to JSON");
        bytes.push(b'\n');
        bytes
    }

    /// Sorts tables and attributes by logical name, options by value and global option sets by
    /// name.
    pub fn normalize(&mut self) {
        fn sort_options(set: &mut OptionSet) {
            set.options.sort_by_key(|o| o.value);
        }
        self.tables
            .sort_by(|a, b| a.logical_name.cmp(&b.logical_name));
        for table in &mut self.tables {
            table
                .attributes
                .sort_by(|a, b| a.logical_name.cmp(&b.logical_name));
            for attribute in &mut table.attributes {
                if let Some(set) = &mut attribute.option_set {
                    sort_options(set);
                }
            }
        }
        self.global_option_sets.sort_by(|a, b| a.name.cmp(&b.name));
        for set in &mut self.global_option_sets {
            sort_options(set);
        }
    }

    /// The table with this logical name.
    pub fn table(&self, logical_name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.logical_name == logical_name)
    }

    /// The global option set with this name.
    pub fn global_option_set(&self, name: &str) -> Option<&OptionSet> {
        self.global_option_sets.iter().find(|s| s.name == name)
    }

    /// Checks what the types cannot: the format version, names given twice, two options with
    /// the same value in one option set, a column with both a local and a global option set,
    /// a global option set that is used but not defined. The error is the JSON path of the
    /// offending value and what is wrong.
    pub fn validate(&self) -> Result<(), (String, String)> {
        if self.format != FORMAT {
            return Err((
                "format".into(),
                format!(
                    "format {} is not supported (this dataverse-codegen reads format {FORMAT}); \
                     fetch the sidecar again with this version",
                    self.format
                ),
            ));
        }
        fn check_options(set: &OptionSet, path: &str) -> Result<(), (String, String)> {
            let mut seen = BTreeMap::new();
            for (i, option) in set.options.iter().enumerate() {
                if let Some(first) = seen.insert(option.value, i) {
                    return Err((
                        format!("{path}.options[{i}].value"),
                        format!(
                            "the option set `{}` has the value {} twice (first at {path}.options[{first}])",
                            set.name, option.value
                        ),
                    ));
                }
            }
            Ok(())
        }
        let mut global_names = BTreeMap::new();
        for (i, set) in self.global_option_sets.iter().enumerate() {
            let path = format!("global_option_sets[{i}]");
            if let Some(first) = global_names.insert(set.name.as_str(), i) {
                return Err((
                    format!("{path}.name"),
                    format!(
                        "the global option set `{}` is defined twice (first at global_option_sets[{first}])",
                        set.name
                    ),
                ));
            }
            check_options(set, &path)?;
        }
        let mut tables = BTreeMap::new();
        for (t, table) in self.tables.iter().enumerate() {
            let path = format!("tables[{t}]");
            if let Some(first) = tables.insert(table.logical_name.as_str(), t) {
                return Err((
                    format!("{path}.logical_name"),
                    format!(
                        "the table `{}` is given twice (first at tables[{first}])",
                        table.logical_name
                    ),
                ));
            }
            let mut attributes = BTreeMap::new();
            for (a, attribute) in table.attributes.iter().enumerate() {
                let path = format!("{path}.attributes[{a}]");
                if let Some(first) = attributes.insert(attribute.logical_name.as_str(), a) {
                    return Err((
                        format!("{path}.logical_name"),
                        format!(
                            "the table `{}` has the attribute `{}` twice (first at tables[{t}].attributes[{first}])",
                            table.logical_name, attribute.logical_name
                        ),
                    ));
                }
                match (&attribute.option_set, &attribute.global_option_set) {
                    (Some(_), Some(_)) => {
                        return Err((
                            format!("{path}.global_option_set"),
                            "an attribute has either a local `option_set` or a \
                             `global_option_set`, not both"
                                .into(),
                        ));
                    }
                    (Some(set), None) => check_options(set, &format!("{path}.option_set"))?,
                    (None, Some(name)) if !global_names.contains_key(name.as_str()) => {
                        return Err((
                            format!("{path}.global_option_set"),
                            format!(
                                "the global option set `{name}` is not in `global_option_sets`"
                            ),
                        ));
                    }
                    _ => {}
                }
            }
        }
        Ok(())
    }
}

fn sidecar_error(file: &str, pos: Pos, path: Option<String>, message: String) -> Error {
    Error {
        file: file.to_string(),
        pos,
        kind: Box::new(ErrorKind::InvalidSidecar {
            path: path.filter(|p| !p.is_empty()),
            message,
        }),
    }
}

mod apply;
mod check;
mod json_path;
pub mod web_api;

pub use apply::apply;
use json_path::{path_at, pos_of};
