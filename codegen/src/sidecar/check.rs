//! Checking a sidecar against the `$metadata` model it is used with.

use super::{Sidecar, sidecar_error};
use crate::error::Error;
use crate::source::Pos;
use std::collections::BTreeSet;

impl Sidecar {
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
