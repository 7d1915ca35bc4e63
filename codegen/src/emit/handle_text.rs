//! An entity handle's methods as text blocks ([`super::blocks`]): the methods that call its
//! bound operations, its actions' request types and the paths to its contained entities have a
//! fixed shape, so the emitter writes them as the formatter would (the lines that depend on the
//! short names of their types are laid out by the write stage).

use super::blocks::{
    Blocks, PRETTYPLEASE_MARGIN as MARGIN, attr_text, call_text, doc_text, field_text, fn_text,
    struct_text,
};
use crate::syntax::OperationKind;
use proc_macro2::{Ident, Literal as Lit, TokenStream};
use quote::quote;

/// A parameter of a request type written as text.
pub(super) struct RequestField<'m> {
    /// The field's name (and its setter's).
    pub field: String,
    /// The type of its value (wrapped in `Option` where optional or nullable).
    pub value: TokenStream,
    /// The parameter's name on the wire.
    pub wire: &'m str,
    /// Its doc line ("`name`: `Type`, optional.").
    pub label: String,
    /// Its description lines.
    pub extra: Vec<String>,
    pub optional: bool,
    pub nullable: bool,
}

/// An action's request type: its struct, `new` with the required parameters and a setter per
/// optional one.
pub(super) struct RequestText<'a> {
    pub name: &'a Ident,
    pub doc: &'a [String],
    /// The gate as tokens (for the stand-in) and as text.
    pub gate: (&'a TokenStream, Option<&'a str>),
    pub fields: &'a [RequestField<'a>],
}

impl RequestText<'_> {
    /// Writes the request type as a block; returns its marker item (after the stand-in that
    /// names the struct), or `None` where a line could be too long for the fixed layout (the
    /// caller then emits tokens).
    pub(super) fn write(&self, blocks: &mut Blocks) -> Option<TokenStream> {
        let (gate_tokens, gate) = self.gate;
        let name = self.name.to_string();
        let gated = gate.is_some();
        // Lines whose short form cannot be longer than the full paths measured here.
        let too_long = self.fields.iter().any(|f| {
            8 + format!("self.{} = ::core::option::Option::Some(value);", f.field).len() > MARGIN
        }) || gate.is_some_and(|g| 4 + g.len() > MARGIN);
        if too_long {
            return None;
        }
        let mut text = String::new();
        doc_text(&mut text, "", self.doc);
        let gate_line = gate.map(|g| format!("{g}\n")).unwrap_or_default();
        text.push_str(&gate_line);
        let required = self.fields.iter().filter(|f| !f.optional).count();
        text.push_str(&format!(
            "#[derive(Debug, Clone, {}::dataverse_runtime::codegen::serde::Serialize)]\n\
             #[serde(crate = \"::dataverse_runtime::codegen::serde\")]\npub struct {name} {{\n",
            if required == 0 { "Default, " } else { "" }
        ));
        let mut params = Vec::new();
        let mut values = Vec::new();
        let mut setters = String::new();
        for f in self.fields {
            let value = &f.value;
            let full = if f.optional || f.nullable {
                quote!(::core::option::Option<#value>)
            } else {
                value.clone()
            };
            let full = blocks.slot(full, gated);
            let mut lines = vec![f.label.clone()];
            lines.extend(f.extra.iter().cloned());
            doc_text(&mut text, "    ", &lines);
            let rename = format!("rename = {}", Lit::string(f.wire));
            let mut serde = vec![rename.as_str()];
            if f.optional {
                serde.push("skip_serializing_if = \"::core::option::Option::is_none\"");
            }
            attr_text(&mut text, "serde", &serde);
            field_text(&mut text, &format!("pub {}", f.field), &full);
            if f.optional {
                values.push(format!(
                    "{}: {}",
                    f.field,
                    blocks.slot(quote!(::core::option::Option::None), gated)
                ));
                doc_text(&mut setters, "    ", std::slice::from_ref(&f.label));
                setters.push_str("    #[inline]\n");
                let value = blocks.slot(value.clone(), gated);
                fn_text(
                    &mut setters,
                    &format!("pub fn {}", f.field),
                    &["mut self", &format!("value: {value}")],
                    "Self",
                );
                setters.push_str(&format!(
                    "        self.{} = {}(value);\n        self\n    }}\n",
                    f.field,
                    blocks.slot(quote!(::core::option::Option::Some), gated)
                ));
            } else {
                params.push(format!("{}: {full}", f.field));
                values.push(f.field.clone());
            }
        }
        text.push_str("}\n");
        text.push_str(&gate_line);
        text.push_str(&format!(
            "impl {name} {{\n    /// The required parameters; optional ones are set with the methods \
             of the same name.\n    #[allow(clippy::too_many_arguments)]\n    #[inline]\n"
        ));
        let params: Vec<&str> = params.iter().map(String::as_str).collect();
        fn_text(&mut text, "pub fn new", &params, "Self");
        let values: Vec<&str> = values.iter().map(String::as_str).collect();
        struct_text(&mut text, &name, &values);
        text.push_str("    }\n");
        text.push_str(&setters);
        text.push_str("}\n");
        // The struct's name stands in the tokens, for the passes that read the file's items.
        let stand_in = Blocks::stand_in(self.name);
        let marker = blocks.block(text);
        Some(quote!(#gate_tokens #stand_in #marker))
    }
}

/// A method of an entity handle (or entity set handle) that calls a bound operation through
/// the handle's `bound_action` or `bound_function`.
pub(super) struct HandleMethodText<'a> {
    pub kind: OperationKind,
    pub method: &'a Ident,
    /// The operation's qualified name.
    pub qualified: &'a str,
    pub doc: &'a [String],
    pub gate: Option<&'a str>,
    /// The request type, where the operation has parameters.
    pub request: Option<TokenStream>,
    /// The type of the result, and its decoder (`AsBody`, `InValue`, `NoResult`).
    pub ret_ty: &'a TokenStream,
    pub decoder: &'a TokenStream,
}

impl HandleMethodText<'_> {
    /// The method's text, its types as slots of `blocks`.
    pub(super) fn write(&self, blocks: &mut Blocks) -> String {
        let gated = self.gate.is_some();
        let mut out = String::new();
        doc_text(&mut out, "    ", self.doc);
        if let Some(gate) = self.gate {
            out.push_str(&format!("    {gate}\n"));
        }
        out.push_str("    #[inline]\n");
        let method = self.method;
        let (head, lifetime, helper) = match self.kind {
            OperationKind::Action => (format!("pub fn {method}<'a>"), "'a ", "bound_action"),
            OperationKind::Function => (format!("pub fn {method}"), "", "bound_function"),
        };
        let (ret_ty, decoder) = (self.ret_ty, self.decoder);
        let ret = match self.kind {
            OperationKind::Action => {
                let body_ty = match &self.request {
                    Some(request) => request.clone(),
                    None => quote!(::dataverse_runtime::codegen::request::NoParameters),
                };
                quote!(::dataverse_runtime::codegen::request::Request<'a, ::dataverse_runtime::codegen::request::CallAction<'a, #body_ty, #ret_ty, #decoder>>)
            }
            OperationKind::Function => {
                quote!(::dataverse_runtime::codegen::request::Request<'static, ::dataverse_runtime::codegen::request::CallFunction<#ret_ty, #decoder>>)
            }
        };
        let request = self.request.clone().map(|r| blocks.slot(r, gated));
        let ret = blocks.slot(ret, gated);
        let mut params = vec!["&self".to_string()];
        if let Some(request) = &request {
            params.push(format!("request: &{lifetime}{request}"));
        }
        let argument = match (self.kind, &request) {
            (OperationKind::Action, Some(_)) => "request".to_string(),
            (OperationKind::Action, None) => format!(
                "&{}",
                blocks.slot(
                    quote!(::dataverse_runtime::codegen::request::NoParameters),
                    gated
                )
            ),
            (OperationKind::Function, Some(_)) => "request.literals()".to_string(),
            (OperationKind::Function, None) => format!(
                "{}({}::new())",
                blocks.slot(quote!(::core::result::Result::Ok), gated),
                blocks.slot(quote!(::std::vec::Vec), gated)
            ),
        };
        let params: Vec<&str> = params.iter().map(String::as_str).collect();
        fn_text(&mut out, &head, &params, &ret);
        let name = Lit::string(self.qualified).to_string();
        call_text(&mut out, &format!("self.{helper}"), &[&name, &argument]);
        out.push_str("    }\n");
        out
    }
}

/// A handle's method that leads to a contained entity (`EntityHandle`) or collection
/// (`EntitySet`) at `this/{wire}`.
pub(super) struct ContainedMethodText<'a> {
    pub method: &'a Ident,
    /// The navigation property's name.
    pub wire: &'a str,
    pub collection: bool,
    pub gate: Option<&'a str>,
    /// The SDK root, as seen from the file, and the target entity type's name.
    pub root: &'a TokenStream,
    pub target: &'a Ident,
}

impl ContainedMethodText<'_> {
    /// The method's text, or `None` where an argument line could be too long for the fixed
    /// layout (the caller then emits tokens).
    pub(super) fn write(&self, blocks: &mut Blocks) -> Option<String> {
        let wire = Lit::string(self.wire).to_string();
        let navigation = format!("self.path().clone().nav({wire})");
        if 12 + navigation.len() + 1 > MARGIN || self.gate.is_some_and(|g| 4 + g.len() > MARGIN) {
            return None;
        }
        let gated = self.gate.is_some();
        let (root, target) = (self.root, self.target);
        let mut out = String::new();
        let doc = if self.collection {
            format!(
                "The contained collection `{}`: create, query, get, update and delete at `this/{}`.",
                self.wire, self.wire
            )
        } else {
            format!(
                "The contained entity `{}` at `this/{}`.",
                self.wire, self.wire
            )
        };
        doc_text(&mut out, "    ", &[doc]);
        if let Some(gate) = self.gate {
            out.push_str(&format!("    {gate}\n"));
        }
        out.push_str("    #[inline]\n");
        let (handle, constructor) = if self.collection {
            (quote!(#root::support::EntitySet), "contained")
        } else {
            (quote!(#root::support::EntityHandle), "new")
        };
        let ret = blocks.slot(quote!(#handle<#root::#target>), gated);
        fn_text(
            &mut out,
            &format!("pub fn {}", self.method),
            &["&self"],
            &ret,
        );
        let callee = format!("{}::{constructor}", blocks.slot(handle, gated));
        let client = "self.client().clone()";
        let args: Vec<&str> = if self.collection {
            vec![client, &wire, &navigation]
        } else {
            vec![client, &navigation]
        };
        call_text(&mut out, &callee, &args);
        out.push_str("    }\n");
        Some(out)
    }
}
