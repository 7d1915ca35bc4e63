//! Applying a sidecar to the model: schema names, display names and descriptions, whether a
//! column can be written, and the option sets of choice columns ([`Model::choice_sets`]).

use super::{Attribute, OptionSet, Sidecar, sidecar_error};
use crate::error::Error;
use crate::model::*;
use crate::source::Pos;
use std::collections::BTreeMap;

/// Adds what `sidecar` says to `model` (see [`Sidecar::check`] for what must match). `file`
/// names the sidecar in errors; `language` (an LCID such as 1033) picks the labels, else the
/// labels of the user who fetched the sidecar are used.
///
/// A choice column must be `Edm.Int32` in `$metadata` (a choices column `Edm.String`, a yes/no
/// column `Edm.Boolean`); anything else is an error naming the attribute's JSON path.
pub fn apply(
    model: &mut Model,
    sidecar: &Sidecar,
    file: &str,
    language: Option<u32>,
) -> Result<(), Error> {
    sidecar.check(file, model)?;
    let text = |label: &Option<super::Label>| -> Option<String> {
        label
            .as_ref()
            .and_then(|l| l.text(language))
            .map(str::to_string)
    };
    let convert = |set: &OptionSet, global: bool, owner: Option<(String, String)>| ChoiceSet {
        name: set.name.clone(),
        global,
        kind: match set.option_set_type.as_str() {
            "State" => ChoiceKind::State,
            "Status" => ChoiceKind::Status,
            "Boolean" => ChoiceKind::Boolean,
            _ => ChoiceKind::Picklist,
        },
        owner,
        display_name: text(&set.display_name),
        description: text(&set.description),
        options: set
            .options
            .iter()
            .map(|o| ChoiceOption {
                value: o.value,
                label: text(&o.label),
                description: text(&o.description),
                color: o.color.clone(),
                state: o.state,
                default_status: o.default_status,
            })
            .collect(),
        states: None,
        statuses: None,
    };
    let mut globals = BTreeMap::new();
    for set in &sidecar.global_option_sets {
        globals.insert(set.name.as_str(), ChoiceSetId(model.choice_sets.len()));
        model.choice_sets.push(convert(set, true, None));
    }
    for (t, table) in sidecar.tables.iter().enumerate() {
        let Some(ty) = model
            .entity_types
            .iter()
            .position(|ty| ty.name.name == table.logical_name)
        else {
            continue; // `check` has reported it.
        };
        model.entity_types[ty].table = Some(Box::new(Table {
            schema_name: table.schema_name.clone(),
            display_name: text(&table.display_name),
            description: text(&table.description),
        }));
        let (mut state, mut status) = (None, None);
        for (a, attribute) in table.attributes.iter().enumerate() {
            let Some(p) = model.entity_types[ty]
                .properties
                .iter()
                .position(|p| names_property(attribute, &p.name))
            else {
                continue; // Virtual columns, and columns declared on a base type.
            };
            let choice = match (&attribute.option_set, &attribute.global_option_set) {
                (Some(set), _) => {
                    let owner = (table.schema_name.clone(), attribute.schema_name.clone());
                    let id = ChoiceSetId(model.choice_sets.len());
                    model.choice_sets.push(convert(set, false, Some(owner)));
                    Some(id)
                }
                (None, Some(name)) => globals.get(name.as_str()).copied(),
                (None, None) => None,
            };
            let multi_select =
                attribute.attribute_type_name.as_deref() == Some("MultiSelectPicklistType");
            if let Some(id) = choice {
                let property = &model.entity_types[ty].properties[p];
                let kind = model.choice_sets[id.0].kind;
                let expected = match kind {
                    ChoiceKind::Boolean => Primitive::Boolean,
                    _ if multi_select => Primitive::String,
                    _ => Primitive::Int32,
                };
                if property.ty.collection || property.ty.kind != TypeKind::Primitive(expected) {
                    return Err(sidecar_error(
                        file,
                        Pos::default(),
                        Some(format!("tables[{t}].attributes[{a}].attribute_type")),
                        format!(
                            "the choice column `{}.{}` is `{}` in {}, but a {} column is `{}`; \
                             fetch the sidecar and $metadata from the same organisation again",
                            table.logical_name,
                            attribute.logical_name,
                            model.type_name(&property.ty),
                            model.file,
                            attribute
                                .attribute_type_name
                                .as_deref()
                                .unwrap_or(&attribute.attribute_type),
                            expected.edm_name()
                        ),
                    ));
                }
                match kind {
                    ChoiceKind::State => state = Some(id),
                    ChoiceKind::Status => status = Some(id),
                    _ => {}
                }
            }
            model.entity_types[ty].properties[p].column = Some(Box::new(Column {
                schema_name: attribute.schema_name.clone(),
                display_name: text(&attribute.display_name),
                description: text(&attribute.description),
                valid_for_create: attribute.valid_for_create,
                valid_for_update: attribute.valid_for_update,
                choice,
                multi_select,
            }));
        }
        if let (Some(state), Some(status)) = (state, status) {
            model.choice_sets[state.0].statuses = Some(status);
            model.choice_sets[status.0].states = Some(state);
        }
    }
    Ok(())
}

/// Whether the CSDL property `name` is the column `attribute`: the same logical name, or
/// `_x_value` for the lookup `x`.
fn names_property(attribute: &Attribute, name: &str) -> bool {
    name == attribute.logical_name
        || name
            .strip_prefix('_')
            .and_then(|n| n.strip_suffix("_value"))
            == Some(attribute.logical_name.as_str())
}
