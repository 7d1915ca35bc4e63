//! Stage 4, name: CSDL names to Rust identifiers, deterministic and collision-free.
//!
//! One function, [`rust_name`], turns any CSDL name into valid identifier text for a given
//! [`Case`]; a [`Scope`] makes names unique within a namespace of Rust items (numeric suffixes in
//! first-come order, so the result depends only on the document). Identifiers are only ever made
//! from text that went through here ([`ident`]); nothing calls `Ident::new` on a raw CSDL name.
//!
//! The rules, in order:
//! 1. characters that cannot be in an identifier become `_`; non-ASCII letters and digits are
//!    kept readable and unique as `uXXXX` (their code point);
//! 2. the case conversion of `heck` (`UpperCamelCase` for types and variants, `snake_case` for
//!    fields, functions and modules); a leading `_` is dropped by it (`_parentaccountid_value` →
//!    `parentaccountid_value`);
//! 3. a name that is empty gets `Unnamed`/`unnamed`; one that starts with a digit gets a `N`/`n_`
//!    prefix;
//! 4. `self`, `Self`, `super`, `crate` (which cannot be raw identifiers) get a `_` suffix; every
//!    other keyword becomes a raw identifier (`type` → `r#type`).

use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, Span};
use std::collections::HashSet;

/// The case convention of an identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// Types and enum variants: `UpperCamelCase`.
    Type,
    /// Fields, functions, methods and modules: `snake_case`.
    Snake,
}

const RAW_ALLOWED_KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];
const NOT_RAW_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Valid Rust identifier text for `csdl_name` in `case` (possibly `r#...`).
pub fn rust_name(csdl_name: &str, case: Case) -> String {
    let mut cleaned = String::with_capacity(csdl_name.len());
    for c in csdl_name.chars() {
        if c.is_ascii_alphanumeric() || c == '_' {
            cleaned.push(c);
        } else if c.is_alphanumeric() {
            cleaned.push_str(&format!("_u{:04x}_", c as u32));
        } else {
            cleaned.push('_');
        }
    }
    let mut name = match case {
        Case::Type => cleaned.to_upper_camel_case(),
        Case::Snake => cleaned.to_snake_case(),
    };
    if name.is_empty() {
        name = match case {
            Case::Type => "Unnamed".into(),
            Case::Snake => "unnamed".into(),
        };
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = match case {
            Case::Type => format!("N{name}"),
            Case::Snake => format!("n_{name}"),
        };
    }
    if NOT_RAW_KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    } else if RAW_ALLOWED_KEYWORDS.contains(&name.as_str()) {
        name = format!("r#{name}");
    }
    name
}

/// An identifier from text made by [`rust_name`] or [`Scope::unique`] (or a fixed name of the
/// generator). Raw identifiers (`r#type`) are made raw.
pub fn ident(text: &str) -> Ident {
    match text.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(text, Span::call_site()),
    }
}

/// A namespace of Rust names (the items of a module, the fields of a struct, the methods of a
/// type): hands out unique names in first-come order.
#[derive(Debug, Default, Clone)]
pub struct Scope {
    used: HashSet<String>,
}

impl Scope {
    /// An empty scope.
    pub fn new() -> Scope {
        Scope::default()
    }

    /// A scope in which `reserved` are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Scope {
        Scope {
            used: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// Takes `name` if it is free, else `name2`, `name3`, ... (`name_2` for snake case).
    pub fn unique(&mut self, name: String) -> String {
        if self.used.insert(name.clone()) {
            return name;
        }
        let bare = name.strip_prefix("r#").unwrap_or(&name);
        // `self_` + 2 is `self_2`, not `self__2` (which is not snake case).
        let separator = if bare.contains(|c: char| c.is_ascii_uppercase()) {
            ""
        } else {
            "_"
        };
        let bare = bare.trim_end_matches('_').to_string();
        for n in 2.. {
            let candidate = format!("{bare}{separator}{n}");
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
        unreachable!("an unused suffix always exists")
    }

    /// [`rust_name`] then [`Scope::unique`].
    pub fn name(&mut self, csdl_name: &str, case: Case) -> String {
        self.unique(rust_name(csdl_name, case))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naming_table() {
        let table: &[(&str, Case, &str)] = &[
            ("account", Case::Type, "Account"),
            ("account", Case::Snake, "account"),
            ("AddToQueue", Case::Snake, "add_to_queue"),
            (
                "_parentaccountid_value",
                Case::Snake,
                "parentaccountid_value",
            ),
            ("FeedbackId", Case::Snake, "feedback_id"),
            ("feedbackid", Case::Snake, "feedbackid"),
            ("type", Case::Snake, "r#type"),
            ("Type", Case::Snake, "r#type"),
            ("In", Case::Snake, "r#in"),
            ("abstract", Case::Snake, "r#abstract"),
            ("self", Case::Snake, "self_"),
            ("Self", Case::Type, "Self_"),
            ("super", Case::Snake, "super_"),
            ("crate", Case::Snake, "crate_"),
            ("Break", Case::Type, "Break"),
            ("1stQuarter", Case::Type, "N1stQuarter"),
            ("1stQuarter", Case::Snake, "n_1st_quarter"),
            ("", Case::Type, "Unnamed"),
            ("___", Case::Snake, "unnamed"),
            ("größe", Case::Snake, "gr_u00f6_u00df_e"),
            ("Größe", Case::Type, "GrU00f6U00dfE"),
            ("na-me.with space", Case::Snake, "na_me_with_space"),
            ("ODataService", Case::Type, "ODataService"),
        ];
        for (input, case, expected) in table {
            let got = rust_name(input, *case);
            assert_eq!(&got, expected, "{input:?} as {case:?}");
            // Every result is a valid identifier.
            let text = got.strip_prefix("r#").unwrap_or(&got);
            let _ = ident(&got);
            assert!(
                syn::parse_str::<syn::Ident>(&got).is_ok() || got.starts_with("r#"),
                "{got}"
            );
            assert!(!text.is_empty());
        }
    }

    #[test]
    fn scope_suffixes_collisions_deterministically() {
        let mut scope = Scope::new();
        assert_eq!(scope.name("Solution", Case::Type), "Solution");
        assert_eq!(scope.name("solution", Case::Type), "Solution2");
        assert_eq!(scope.name("SOLUTION", Case::Type), "Solution3");
        let mut fields = Scope::new();
        assert_eq!(fields.name("type", Case::Snake), "r#type");
        assert_eq!(fields.name("Type", Case::Snake), "type_2");
        assert_eq!(fields.name("self", Case::Snake), "self_");
        assert_eq!(fields.name("Self", Case::Snake), "self_2");
        let mut types = Scope::new();
        assert_eq!(types.name("Self", Case::Type), "Self_");
        assert_eq!(types.name("self", Case::Type), "Self2");
        let mut reserved = Scope::with_reserved(&["Service"]);
        assert_eq!(reserved.name("service", Case::Type), "Service2");
    }
}
