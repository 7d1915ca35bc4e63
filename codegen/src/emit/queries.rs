//! Typed queries: a property descriptor per structural property (`Account::NAME`, a
//! `Property<Account, String>`), and the document's own query functions (`LastXDays`, `In`,
//! `Under`...) as typed filter builders in `functions.rs`.

use super::blocks::{Blocks, const_text};
use super::naming::member_source;
use super::types::{Write, property_write};
use super::{Emitter, doc_lines};
use crate::model::*;
use crate::names::{Case, Scope, ident, rust_name};
use proc_macro2::TokenStream;
use quote::quote;

use crate::model::QUERY_FUNCTION_PROPERTY as PROPERTY_NAME;

/// The name of an associated constant made from a CSDL name: `parentaccountid` →
/// `PARENTACCOUNTID`.
pub(super) fn const_name(csdl_name: &str) -> String {
    let snake = rust_name(csdl_name, Case::Snake);
    snake.strip_prefix("r#").unwrap_or(&snake).to_uppercase()
}

impl Emitter<'_> {
    /// The descriptor constants of the structural properties of `ty` (inherited ones first),
    /// named in `scope` (shared with the type's other constants), as the text of a block.
    pub(super) fn property_descriptors(
        &self,
        ty: &StructuredType,
        scope: &mut Scope,
        root: &TokenStream,
        blocks: &mut Blocks,
        out: &mut String,
    ) {
        let mut read_only = None;
        let mut property = None;
        for p in self.field_properties(ty) {
            let property = property
                .get_or_insert_with(|| {
                    blocks.slot(quote!(::dataverse_runtime::codegen::typed::Property), false)
                })
                .clone();
            let name = ident(&scope.unique(const_name(&member_source(p)))).to_string();
            let value = match self.choice_type(p, root) {
                Some(choice) => choice,
                None => self.descriptor_value_type(&p.ty, root),
            };
            let wire = proc_macro2::Literal::string(&p.name).to_string();
            let gate = self.gate_text(Self::mentioned(&p.ty));
            let value = blocks.slot(value, gate.is_some());
            let is_key = ty
                .key
                .iter()
                .flatten()
                .any(|k| k.path.len() == 1 && k.path[0] == p.name);
            if property_write(p, is_key) == Write::Never {
                let marker = read_only.get_or_insert_with(|| {
                    blocks.slot(quote!(::dataverse_runtime::codegen::typed::ReadOnly), false)
                });
                const_text(
                    out,
                    gate.as_deref(),
                    &name,
                    &format!("{property}<Self, {value}, {marker}>"),
                    &format!("{property}::read_only"),
                    &[&wire],
                );
            } else {
                const_text(
                    out,
                    gate.as_deref(),
                    &name,
                    &format!("{property}<Self, {value}>"),
                    &format!("{property}::new"),
                    &[&wire],
                );
            }
        }
    }

    /// The value type a descriptor compares with: the field's type without the `Box` that
    /// by-value recursion needs.
    fn descriptor_value_type(&self, ty: &TypeRef, root: &TokenStream) -> TokenStream {
        let element = self.element_type(&ty.kind, root);
        if ty.collection {
            quote!(::std::vec::Vec<#element>)
        } else {
            element
        }
    }

    /// `functions.rs`: one typed filter builder per query function. `None` when the document
    /// declares none.
    pub(super) fn emit_query_functions(&self) -> Option<TokenStream> {
        let root = quote!(super);
        let mut scope = Scope::with_reserved(&["Property", "Filter"]);
        let mut items = Vec::new();
        for (id, op) in self.model.operations.iter().enumerate() {
            if !self.model.is_query_function(id) {
                continue;
            }
            let method = ident(&scope.name(&op.name.name, Case::Snake));
            let qualified = op.name.to_string();
            let mut params = Scope::with_reserved(&["property"]);
            let mut decls = Vec::new();
            let mut args = Vec::new();
            let mut supported = true;
            for p in &op.parameters {
                let wire = &p.name;
                if p.name == PROPERTY_NAME {
                    decls.push(
                        quote!(property: ::dataverse_runtime::codegen::typed::Property<O, V, K>),
                    );
                    args.push(quote!((#wire, property.name_arg())));
                    continue;
                }
                let arg = ident(&params.name(&p.name, Case::Snake));
                let Some((ty, literal)) = self.query_function_argument(&p.ty, &arg, &root) else {
                    supported = false;
                    break;
                };
                decls.push(quote!(#arg: #ty));
                args.push(quote! {
                    (#wire, ::dataverse_runtime::codegen::typed::FunctionArg::Value(#literal))
                });
            }
            if !supported {
                continue;
            }
            let mut doc = vec![format!(
                "`{qualified}`: a query function of the service, usable in `$filter`; the \
                 property must belong to the queried type."
            )];
            doc.extend(super::describe(&op.annotations));
            let doc = doc_lines(&doc);
            items.push(quote! {
                #doc
                pub fn #method<O, V, K>(#(#decls),*) -> ::dataverse_runtime::codegen::typed::Filter<O> {
                    ::dataverse_runtime::codegen::typed::Filter::function(#qualified, ::std::vec::Vec::from([#(#args),*]))
                }
            });
        }
        (!items.is_empty()).then(|| quote!(#(#items)*))
    }

    /// The Rust parameter type and the literal expression of a query function argument; `None`
    /// for types a URL literal cannot carry.
    fn query_function_argument(
        &self,
        ty: &TypeRef,
        arg: &proc_macro2::Ident,
        root: &TokenStream,
    ) -> Option<(TokenStream, TokenStream)> {
        let scalar = |kind: &TypeKind| -> Option<TokenStream> {
            let literal = match kind {
                TypeKind::Primitive(p) => p.has_url_literal(),
                TypeKind::Definition(id) => self.model.type_definitions[id.0]
                    .underlying
                    .has_url_literal(),
                TypeKind::Enum(_) => true,
                _ => false,
            };
            literal.then(|| self.element_type(kind, root))
        };
        if ty.collection {
            // Dataverse's collection parameters (`In`'s `PropertyValues`) are strings, written as
            // a JSON array; other element types are not generated.
            if ty.kind != TypeKind::Primitive(Primitive::String) {
                return None;
            }
            Some((
                quote!(::std::vec::Vec<::std::string::String>),
                quote! {
                    ::dataverse_runtime::Literal::Json(::dataverse_runtime::codegen::serde_json::Value::Array(
                        #arg.into_iter().map(::dataverse_runtime::codegen::serde_json::Value::String).collect(),
                    ))
                },
            ))
        } else {
            let element = scalar(&ty.kind)?;
            Some((
                element,
                quote!(::dataverse_runtime::codegen::typed::FilterValue::to_literal(&#arg)),
            ))
        }
    }
}
