//! The shapes of the Web API's metadata answers (`EntityDefinitions`, `Attributes`, the casts to
//! the enum attribute types, `GlobalOptionSetDefinitions`) and their conversion into a
//! [`Sidecar`]. Unknown properties are ignored: the service sends many more than are selected
//! (`MetadataId`, `HasChanged`, `IsManaged`...).

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
