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
use std::collections::{BTreeMap, BTreeSet};

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

    /// Checks the sidecar against the `$metadata` model: every table must be an entity type of
    /// the model (by logical name, in any namespace) and every attribute a property of it (a
    /// lookup `x` matches the CSDL's `_x_value`; attributes the Web API never returns, such as
    /// virtual `...name` columns, are not required to be there when they are not choices).
    ///
    /// Only choice columns (those with an option set) are required to be properties: they are
    /// what generation types differently. The error names the sidecar's `file` and the JSON
    /// path.
    pub fn check(&self, file: &str, model: &crate::model::Model) -> Result<(), Error> {
        for (t, table) in self.tables.iter().enumerate() {
            let Some(ty) = model
                .entity_types
                .iter()
                .find(|ty| ty.name.name == table.logical_name)
            else {
                let names: Vec<&str> = model
                    .entity_types
                    .iter()
                    .map(|ty| ty.name.name.as_str())
                    .collect();
                return Err(sidecar_error(
                    file,
                    Pos::default(),
                    Some(format!("tables[{t}].logical_name")),
                    format!(
                        "the table `{}` is not an entity type of {}{}",
                        table.logical_name,
                        model.file,
                        closest(&table.logical_name, &names)
                    ),
                ));
            };
            let properties: BTreeSet<&str> = std::iter::once(ty)
                .chain(ty.ancestors.iter().map(|i| &model.entity_types[*i]))
                .flat_map(|ty| ty.properties.iter().map(|p| p.name.as_str()))
                .collect();
            for (a, attribute) in table.attributes.iter().enumerate() {
                let choice =
                    attribute.option_set.is_some() || attribute.global_option_set.is_some();
                let name = attribute.logical_name.as_str();
                let lookup = format!("_{name}_value");
                if choice && !properties.contains(name) && !properties.contains(lookup.as_str()) {
                    let names: Vec<&str> = properties.iter().copied().collect();
                    return Err(sidecar_error(
                        file,
                        Pos::default(),
                        Some(format!("tables[{t}].attributes[{a}].logical_name")),
                        format!(
                            "the choice column `{}.{name}` is not a property of the entity type \
                             `{}` in {}{}",
                            table.logical_name,
                            ty.name,
                            model.file,
                            closest(name, &names)
                        ),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// ` (did you mean `x`?)` for the closest name, if one is close.
fn closest(name: &str, names: &[&str]) -> String {
    names
        .iter()
        .map(|n| (strsim_distance(name, n), *n))
        .filter(|(d, _)| *d <= 2.max(name.len() / 4))
        .min()
        .map(|(_, n)| format!(" (did you mean `{n}`?)"))
        .unwrap_or_default()
}

/// Levenshtein distance (small inputs).
fn strsim_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
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

// ---------------------------------------------------------------------------------------------
// JSON paths from positions and back: a small scanner over the (well-formed) text.

/// One level of nesting.
enum Frame {
    Object { key: Option<String> },
    Array { index: usize },
}

/// Walks JSON text byte by byte, knowing at each byte the path of the value it is in.
#[derive(Default)]
struct Scanner {
    stack: Vec<Frame>,
    in_string: bool,
    escaped: bool,
    string: Vec<u8>,
    /// A value starts at the next byte that is not white space.
    value_pending: bool,
    /// The string being read is an object key.
    reading_key: bool,
}

impl Scanner {
    /// Takes one byte; returns true when a value starts at this byte.
    fn step(&mut self, byte: u8) -> bool {
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if byte == b'\\' {
                self.escaped = true;
            } else if byte == b'"' {
                self.in_string = false;
                if self.reading_key {
                    self.reading_key = false;
                    let key = String::from_utf8_lossy(&self.string).into_owned();
                    if let Some(Frame::Object { key: k }) = self.stack.last_mut() {
                        *k = Some(key);
                    }
                }
                return false;
            }
            if self.reading_key {
                self.string.push(byte);
            }
            return false;
        }
        if byte.is_ascii_whitespace() {
            return false;
        }
        let starts = self.value_pending && byte != b']' && byte != b'}';
        self.value_pending = false;
        match byte {
            b'{' => self.stack.push(Frame::Object { key: None }),
            b'[' => {
                self.stack.push(Frame::Array { index: 0 });
                self.value_pending = true;
            }
            b'}' | b']' => {
                self.stack.pop();
            }
            b':' => self.value_pending = true,
            b',' => match self.stack.last_mut() {
                Some(Frame::Array { index }) => {
                    *index += 1;
                    self.value_pending = true;
                }
                Some(Frame::Object { key }) => *key = None,
                None => {}
            },
            b'"' => {
                self.in_string = true;
                self.string.clear();
                self.reading_key =
                    !starts && matches!(self.stack.last(), Some(Frame::Object { key: None }));
            }
            _ => {}
        }
        starts
    }

    fn path(&self) -> String {
        let mut out = String::new();
        for frame in &self.stack {
            match frame {
                Frame::Object { key: Some(key) } => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(key);
                }
                Frame::Object { key: None } => {}
                Frame::Array { index } => out.push_str(&format!("[{index}]")),
            }
        }
        out
    }
}

/// The byte offset of a serde_json position (1-based line; column of the last byte read).
fn offset_of(bytes: &[u8], pos: Pos) -> usize {
    let mut line = 1;
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if line == pos.line {
            break;
        }
        if *b == b'\n' {
            line += 1;
            start = i + 1;
        }
    }
    (start + pos.column as usize).min(bytes.len())
}

/// The JSON path of the value serde_json was reading at `pos`.
fn path_at(bytes: &[u8], pos: Pos) -> String {
    let end = offset_of(bytes, pos);
    let mut scanner = Scanner::default();
    for b in &bytes[..end] {
        scanner.step(*b);
    }
    scanner.path()
}

/// Where the value at `path` starts.
fn pos_of(bytes: &[u8], path: &str) -> Option<Pos> {
    let mut scanner = Scanner::default();
    let (mut line, mut column) = (1u32, 0u32);
    for b in bytes {
        if *b == b'\n' {
            line += 1;
            column = 0;
        } else if (*b & 0xC0) != 0x80 {
            column += 1;
        }
        if scanner.step(*b) && scanner.path() == path {
            return Some(Pos { line, column });
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// The Web API's answers, as Microsoft documents them, and their conversion.

/// The shapes of the Web API's metadata answers (`EntityDefinitions`, `Attributes`, the casts to
/// the enum attribute types, `GlobalOptionSetDefinitions`) and their conversion into a
/// [`Sidecar`]. Unknown properties are ignored: the service sends many more than are selected
/// (`MetadataId`, `HasChanged`, `IsManaged`...).
pub mod web_api {
    use super::*;

    /// `{"value": [...]}`.
    #[derive(Debug, Deserialize)]
    pub struct Collection<T> {
        /// The items.
        pub value: Vec<T>,
    }

    /// `Label`.
    #[derive(Debug, Default, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct WebLabel {
        /// `LocalizedLabels`.
        #[serde(default)]
        pub localized_labels: Vec<LocalizedLabel>,
        /// `UserLocalizedLabel`.
        #[serde(default)]
        pub user_localized_label: Option<LocalizedLabel>,
    }

    /// `LocalizedLabel`.
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct LocalizedLabel {
        /// `Label`.
        pub label: String,
        /// `LanguageCode`.
        pub language_code: u32,
    }

    /// `EntityMetadata` with the selected properties.
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct Entity {
        /// `LogicalName`.
        pub logical_name: String,
        /// `SchemaName`.
        pub schema_name: String,
        /// `EntitySetName`.
        #[serde(default)]
        pub entity_set_name: Option<String>,
        /// `DisplayName`.
        #[serde(default)]
        pub display_name: Option<WebLabel>,
        /// `Description`.
        #[serde(default)]
        pub description: Option<WebLabel>,
        /// `PrimaryIdAttribute`.
        #[serde(default)]
        pub primary_id_attribute: Option<String>,
        /// `PrimaryNameAttribute`.
        #[serde(default)]
        pub primary_name_attribute: Option<String>,
    }

    /// `AttributeTypeName` (`AttributeTypeDisplayName`).
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct TypeName {
        /// `Value`, e.g. `PicklistType`.
        pub value: String,
    }

    /// `AttributeMetadata` with the selected properties.
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct WebAttribute {
        /// `LogicalName`.
        pub logical_name: String,
        /// `SchemaName`.
        pub schema_name: String,
        /// `AttributeType`.
        pub attribute_type: String,
        /// `AttributeTypeName`.
        #[serde(default)]
        pub attribute_type_name: Option<TypeName>,
        /// `DisplayName`.
        #[serde(default)]
        pub display_name: Option<WebLabel>,
        /// `Description`.
        #[serde(default)]
        pub description: Option<WebLabel>,
        /// `IsValidForCreate`.
        #[serde(default)]
        pub is_valid_for_create: Option<bool>,
        /// `IsValidForUpdate`.
        #[serde(default)]
        pub is_valid_for_update: Option<bool>,
        /// `IsValidForRead`.
        #[serde(default)]
        pub is_valid_for_read: Option<bool>,
    }

    /// An enum attribute cast (`PicklistAttributeMetadata`...) with `OptionSet` and
    /// `GlobalOptionSet` expanded.
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct EnumAttribute {
        /// `LogicalName`.
        pub logical_name: String,
        /// `OptionSet`.
        #[serde(default)]
        pub option_set: Option<WebOptionSet>,
        /// `GlobalOptionSet` (null for a local option set).
        #[serde(default)]
        pub global_option_set: Option<WebOptionSet>,
    }

    /// `OptionSetMetadata` or `BooleanOptionSetMetadata`.
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct WebOptionSet {
        /// `Name`.
        pub name: String,
        /// `IsGlobal`.
        #[serde(default)]
        pub is_global: Option<bool>,
        /// `OptionSetType`.
        #[serde(default)]
        pub option_set_type: Option<String>,
        /// `DisplayName`.
        #[serde(default)]
        pub display_name: Option<WebLabel>,
        /// `Description`.
        #[serde(default)]
        pub description: Option<WebLabel>,
        /// `Options` (not in a Boolean option set).
        #[serde(default)]
        pub options: Option<Vec<WebOption>>,
        /// `TrueOption` (Boolean option sets).
        #[serde(default)]
        pub true_option: Option<WebOption>,
        /// `FalseOption` (Boolean option sets).
        #[serde(default)]
        pub false_option: Option<WebOption>,
    }

    /// `OptionMetadata`, `StatusOptionMetadata` (`State`) or `StateOptionMetadata`
    /// (`DefaultStatus`).
    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "PascalCase")]
    pub struct WebOption {
        /// `Value`.
        pub value: i32,
        /// `Label`.
        #[serde(default)]
        pub label: Option<WebLabel>,
        /// `Description`.
        #[serde(default)]
        pub description: Option<WebLabel>,
        /// `Color`.
        #[serde(default)]
        pub color: Option<String>,
        /// `State`.
        #[serde(default)]
        pub state: Option<i32>,
        /// `DefaultStatus`.
        #[serde(default)]
        pub default_status: Option<i32>,
    }

    /// The `AttributeTypeName` values whose columns have an option set, with the type to cast
    /// the `Attributes` collection to.
    pub const ENUM_TYPES: [(&str, &str); 5] = [
        ("BooleanType", "BooleanAttributeMetadata"),
        (
            "MultiSelectPicklistType",
            "MultiSelectPicklistAttributeMetadata",
        ),
        ("PicklistType", "PicklistAttributeMetadata"),
        ("StateType", "StateAttributeMetadata"),
        ("StatusType", "StatusAttributeMetadata"),
    ];

    /// A label, or none when the service has no text at all.
    pub fn label(label: Option<WebLabel>) -> Option<Label> {
        let label = label?;
        let localized: BTreeMap<u32, String> = label
            .localized_labels
            .into_iter()
            .map(|l| (l.language_code, l.label))
            .collect();
        let user = label.user_localized_label.map(|l| l.label);
        (user.is_some() || !localized.is_empty()).then_some(Label {
            text: user,
            localized,
        })
    }

    impl WebOptionSet {
        /// Whether the answer carries the options (an expanded option set does).
        pub fn has_options(&self) -> bool {
            self.options.is_some() || self.true_option.is_some() || self.false_option.is_some()
        }

        /// The sidecar's form (options sorted by value).
        pub fn convert(self) -> OptionSet {
            let boolean = self.true_option.is_some() || self.false_option.is_some();
            let mut options: Vec<WebOption> = self.options.unwrap_or_default();
            options.extend(self.false_option);
            options.extend(self.true_option);
            let mut options: Vec<Choice> = options
                .into_iter()
                .map(|o| Choice {
                    value: o.value,
                    label: label(o.label),
                    description: label(o.description),
                    color: o.color.filter(|c| !c.is_empty()),
                    state: o.state,
                    default_status: o.default_status,
                })
                .collect();
            options.sort_by_key(|o| o.value);
            OptionSet {
                name: self.name,
                option_set_type: self
                    .option_set_type
                    .unwrap_or_else(|| if boolean { "Boolean" } else { "Picklist" }.into()),
                display_name: label(self.display_name),
                description: label(self.description),
                options,
            }
        }
    }

    impl Entity {
        /// The sidecar's table, without attributes.
        pub fn convert(self) -> Table {
            Table {
                logical_name: self.logical_name,
                schema_name: self.schema_name,
                entity_set_name: self.entity_set_name,
                display_name: label(self.display_name),
                description: label(self.description),
                primary_id_attribute: self.primary_id_attribute,
                primary_name_attribute: self.primary_name_attribute,
                attributes: Vec::new(),
            }
        }
    }

    impl WebAttribute {
        /// The sidecar's attribute, without option set.
        pub fn convert(self) -> Attribute {
            Attribute {
                logical_name: self.logical_name,
                schema_name: self.schema_name,
                attribute_type: self.attribute_type,
                attribute_type_name: self.attribute_type_name.map(|t| t.value),
                display_name: label(self.display_name),
                description: label(self.description),
                valid_for_create: self.is_valid_for_create.unwrap_or(false),
                valid_for_update: self.is_valid_for_update.unwrap_or(false),
                valid_for_read: self.is_valid_for_read.unwrap_or(false),
                option_set: None,
                global_option_set: None,
            }
        }
    }

    /// Parses an answer, the error saying where in it the problem is.
    pub fn parse<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
        serde_json::from_slice(bytes).map_err(|e| {
            if e.is_syntax() || e.is_eof() {
                format!("the answer is not JSON: {e}")
            } else {
                let pos = Pos {
                    line: e.line() as u32,
                    column: e.column() as u32,
                };
                let path = path_at(bytes, pos);
                format!("unexpected answer at `{path}`: {e}")
            }
        })
    }
}
