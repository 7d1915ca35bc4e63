//! Actions and functions: request types and the methods that call them.

use super::{Depth, Emitter, describe, doc_lines};
use crate::model::*;
use crate::names::{Case, Scope, ident};
use crate::syntax::OperationKind;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

impl Emitter<'_> {
    /// The method (and its request type) of one operation; `None` for operations without a
    /// name (not selected).
    pub(super) fn emit_operation(
        &self,
        id: usize,
        binding: Binding,
        scope: &mut Scope,
        method_root: &TokenStream,
        request_root: &TokenStream,
        home: Option<usize>,
    ) -> Option<(TokenStream, TokenStream)> {
        let op = &self.model.operations[id];
        let (request_name, service_method) = self.names.operations.get(&id)?;
        let method = match binding {
            Binding::Unbound | Binding::Path => ident(service_method),
            _ => ident(&scope.name(&op.name.name, Case::Snake)),
        };
        let request = ident(request_name);

        let qualified = op.name.to_string();
        let mut fields = Scope::new();
        let mut required = Vec::new();
        let mut optional = Vec::new();
        // Trailing nullable parameters are optional, as are those annotated so.
        let trailing_nullable_from = op
            .parameters
            .iter()
            .rposition(|p| !p.nullable)
            .map(|i| i + 1)
            .unwrap_or(0);
        for (n, p) in op.parameters.iter().enumerate() {
            let field = ident(&fields.name(&p.name, Case::Snake));
            let is_optional = p.annotations.optional_parameter.is_some()
                || (n >= trailing_nullable_from && op.kind == OperationKind::Action);
            let value = self.parameter_type(&p.ty, request_root);
            let entry = (field, value, p, is_optional);
            if is_optional {
                optional.push(entry);
            } else {
                required.push(entry);
            }
        }
        let mut defs = Vec::new();
        let mut ctor_params = Vec::new();
        let mut ctor_fields = Vec::new();
        let mut setters = Vec::new();
        let mut literals = Vec::new();
        for (field, value, p, is_optional) in required.iter().chain(optional.iter()) {
            let wire = &p.name;
            let label = format!(
                " `{}`: `{}`{}.",
                p.name,
                self.type_label(&p.ty),
                if *is_optional { ", optional" } else { "" }
            );
            let extra = doc_lines(&describe(&p.annotations));
            let full = if *is_optional || p.nullable {
                quote!(::core::option::Option<#value>)
            } else {
                value.clone()
            };
            if *is_optional {
                defs.push(quote! {
                    #[doc = #label] #extra
                    #[serde(rename = #wire, skip_serializing_if = "::core::option::Option::is_none")]
                    pub #field: #full,
                });
                ctor_fields.push(quote!(#field: ::core::option::Option::None));
                setters.push(quote! {
                    #[doc = #label]
                    #[inline] pub fn #field(mut self, value: #value) -> Self {
                        self.#field = ::core::option::Option::Some(value);
                        self
                    }
                });
                let lit = self.literal(&p.ty, request_root);
                literals.push(quote! {
                    if let ::core::option::Option::Some(value) = &self.#field {
                        out.push((#wire, #lit));
                    }
                });
            } else {
                defs.push(quote! {
                    #[doc = #label] #extra
                    #[serde(rename = #wire)]
                    pub #field: #full,
                });
                ctor_params.push(quote!(#field: #full));
                ctor_fields.push(quote!(#field));
                if p.nullable {
                    let lit = self.literal(&p.ty, request_root);
                    literals.push(quote! {
                        match &self.#field {
                            ::core::option::Option::Some(value) => out.push((#wire, #lit)),
                            ::core::option::Option::None => out.push((#wire, ::dataverse_runtime::Literal::Null)),
                        }
                    });
                } else {
                    let lit = self.literal(&p.ty, request_root);
                    literals.push(quote! {
                        let value = &self.#field;
                        out.push((#wire, #lit));
                    });
                }
            }
        }
        let has_params = !op.parameters.is_empty();
        let kind_label = match op.kind {
            OperationKind::Action => "action",
            OperationKind::Function => "function",
        };
        let mut doc = vec![format!("Parameters of the {kind_label} `{qualified}`.")];
        doc.extend(describe(&op.annotations));
        let request_doc = doc_lines(&doc);
        let gate = self.gate(
            op.binding
                .iter()
                .map(|b| &b.ty)
                .chain(op.parameters.iter().map(|p| &p.ty))
                .chain(op.return_type.iter().map(|r| &r.ty))
                .filter_map(Self::mentioned)
                // The entity type whose file this is: compiled whenever the file is.
                .filter(|t| Some(*t) != home),
        );
        let request_tokens = if has_params {
            let literal_fn = if op.kind == OperationKind::Function {
                quote! {
                    /// The parameters as URL literals (`Name(P=@P)?@P=...`).
                    #[inline] pub fn literals(&self) -> ::dataverse_runtime::Result<::std::vec::Vec<(&'static str, ::dataverse_runtime::Literal)>> {
                        let mut out = ::std::vec::Vec::new();
                        #(#literals)*
                        ::core::result::Result::Ok(out)
                    }
                }
            } else {
                quote!()
            };
            let default = if ctor_params.is_empty() {
                quote!(Default,)
            } else {
                quote!()
            };
            quote! {
                #request_doc
                #gate
                #[derive(Debug, Clone, #default ::dataverse_runtime::codegen::serde::Serialize)]
                #[serde(crate = "::dataverse_runtime::codegen::serde")]
                pub struct #request {
                    #(#defs)*
                }

                #gate
                impl #request {
                    /// The required parameters; optional ones are set with the methods of the same name.
                    #[allow(clippy::too_many_arguments)]
                    #[inline] pub fn new(#(#ctor_params),*) -> Self {
                        #request { #(#ctor_fields),* }
                    }
                    #(#setters)*
                    #literal_fn
                }
            }
        } else {
            quote!()
        };
        // Return type.
        let root = method_root;
        let (ret_ty, decode) = match &op.return_type {
            None => (quote!(()), ReturnDecode::Nothing),
            Some(r) => {
                let element = self.value_type(&r.ty, false, root);
                let element = match (&r.ty.kind, r.ty.collection) {
                    (TypeKind::Entity(id), false) => self.entity_value_type(id.0, root),
                    (TypeKind::Entity(id), true) => {
                        let element = self.entity_value_type(id.0, root);
                        quote!(::std::vec::Vec<#element>)
                    }
                    _ => element,
                };
                let wrapped = r.ty.collection
                    || !matches!(r.ty.kind, TypeKind::Entity(_) | TypeKind::Complex(_));
                (
                    element,
                    if wrapped {
                        ReturnDecode::Value
                    } else {
                        ReturnDecode::Direct
                    },
                )
            }
        };
        let client = match binding {
            Binding::Unbound | Binding::Path => quote!(self.client.clone()),
            _ => quote!(self.client().clone()),
        };
        let mut doc = vec![format!(
            "{} `{qualified}`{}.",
            match op.kind {
                OperationKind::Action => "Calls the action",
                OperationKind::Function => "Calls the function",
            },
            match binding {
                Binding::Entity => " bound to this entity".to_string(),
                Binding::Collection => " bound to this entity set".to_string(),
                Binding::Unbound => String::new(),
                Binding::Path => format!(
                    " bound to `{}`: `path` is where that value is, e.g. \
                     `EntityPath::set(\"accounts\").key(id).property(\"address1\")`",
                    op.binding
                        .as_ref()
                        .map(|b| self.type_label(&b.ty))
                        .unwrap_or_default()
                ),
            }
        )];
        doc.extend(describe(&op.annotations));
        let method_doc = doc_lines(&doc);
        let import_name = match binding {
            Binding::Unbound => self.names.operations.get(&id).map(|_| {
                self.model
                    .imports
                    .iter()
                    .find(|imp| imp.operations.contains(&OperationId(id)))
                    .map(|imp| imp.name.clone())
                    .unwrap_or_else(|| op.name.name.clone())
            }),
            _ => None,
        };
        let decoder = match decode {
            ReturnDecode::Nothing => quote!(::dataverse_runtime::codegen::request::NoResult),
            ReturnDecode::Direct => quote!(::dataverse_runtime::codegen::request::AsBody),
            ReturnDecode::Value => quote!(::dataverse_runtime::codegen::request::InValue),
        };
        let (signature, body) = match op.kind {
            OperationKind::Action => {
                let target = match binding {
                    Binding::Unbound => {
                        let name = import_name.clone().unwrap_or_default();
                        quote!(::dataverse_runtime::EntityPath::unbound(#name))
                    }
                    Binding::Entity => quote!(self.path().clone().bound_operation(#qualified)),
                    Binding::Collection => quote!(self.path().bound_operation(#qualified)),
                    Binding::Path => quote!(path.bound_operation(#qualified)),
                };
                let (param_decl, parameters, body_ty) = if has_params {
                    (
                        quote!(request: &'a #method_root::#request),
                        quote!(request),
                        quote!(#method_root::#request),
                    )
                } else {
                    (
                        quote!(),
                        quote!(&::dataverse_runtime::codegen::request::NoParameters),
                        quote!(::dataverse_runtime::codegen::request::NoParameters),
                    )
                };
                let param_decl = match binding {
                    Binding::Path => quote!(path: ::dataverse_runtime::EntityPath, #param_decl),
                    _ => param_decl,
                };
                (
                    quote! {
                        pub fn #method<'a>(&self, #param_decl) -> ::dataverse_runtime::codegen::request::Request<'a, ::dataverse_runtime::codegen::request::CallAction<'a, #body_ty, #ret_ty, #decoder>>
                    },
                    match binding {
                        // The handle's helper: `self.bound_action("NS.Name", request)`.
                        Binding::Entity | Binding::Collection => quote! {
                            self.bound_action(#qualified, #parameters)
                        },
                        Binding::Unbound | Binding::Path => quote! {
                            ::dataverse_runtime::codegen::request::Request::new(#client, ::dataverse_runtime::codegen::request::CallAction::new(#target, #qualified, #parameters))
                        },
                    },
                )
            }
            OperationKind::Function => {
                let name = match binding {
                    Binding::Unbound => import_name.clone().unwrap_or_default(),
                    _ => qualified.clone(),
                };
                let (param_decl, params) = if has_params {
                    (
                        quote!(request: &#method_root::#request),
                        quote!(request.literals()),
                    )
                } else {
                    (
                        quote!(),
                        quote!(::core::result::Result::Ok(::std::vec::Vec::new())),
                    )
                };
                let base = match binding {
                    Binding::Entity => quote!(self.path().clone()),
                    Binding::Collection => quote!(self.path()),
                    Binding::Unbound => quote!(::dataverse_runtime::EntityPath::root()),
                    Binding::Path => quote!(path),
                };
                let param_decl = match binding {
                    Binding::Path => quote!(path: ::dataverse_runtime::EntityPath, #param_decl),
                    _ => param_decl,
                };
                (
                    quote! {
                        pub fn #method(&self, #param_decl) -> ::dataverse_runtime::codegen::request::Request<'static, ::dataverse_runtime::codegen::request::CallFunction<#ret_ty, #decoder>>
                    },
                    match binding {
                        Binding::Entity | Binding::Collection => quote! {
                            self.bound_function(#name, #params)
                        },
                        Binding::Unbound | Binding::Path => quote! {
                            ::dataverse_runtime::codegen::request::Request::new(#client, ::dataverse_runtime::codegen::request::CallFunction::new(#base, #name, #params))
                        },
                    },
                )
            }
        };
        let method_tokens = quote! {
            #method_doc
            #gate
            #[inline]
            #signature {
                #body
            }
        };
        Some((method_tokens, request_tokens))
    }

    /// The Rust type of an operation parameter: entity values carry `@odata.type`.
    pub(super) fn parameter_type(&self, ty: &TypeRef, root: &TokenStream) -> TokenStream {
        let element = match &ty.kind {
            TypeKind::Entity(id) => {
                let name = ident(&self.names.entity_types[id.0]);
                quote!(#root::support::EntityValue<#root::#name>)
            }
            other => self.element_type(other, root),
        };
        if ty.collection {
            quote!(::std::vec::Vec<#element>)
        } else {
            element
        }
    }

    /// A function parameter value as a URL literal, from a reference named `value`.
    pub(super) fn literal(&self, ty: &TypeRef, root: &TokenStream) -> TokenStream {
        let value = quote!(value);
        if ty.collection {
            return quote!(::dataverse_runtime::Literal::json(#value)?);
        }
        match &ty.kind {
            TypeKind::Primitive(p) if p.has_url_literal() => {
                quote!(::dataverse_runtime::Literal::from(::core::clone::Clone::clone(#value)))
            }
            TypeKind::Primitive(Primitive::Single) => {
                quote!(::dataverse_runtime::Literal::from(f64::from(*#value)))
            }
            TypeKind::Enum(id) if self.model.enum_types[id.0].is_flags => {
                let qualified = self.model.enum_types[id.0].name.to_string();
                quote!(::dataverse_runtime::Literal::enumeration(#qualified, #value.to_wire()))
            }
            TypeKind::Enum(id) => {
                let qualified = self.model.enum_types[id.0].name.to_string();
                quote!(::dataverse_runtime::Literal::enumeration(#qualified, #root::support::ODataEnum::name(#value)))
            }
            _ => quote!(::dataverse_runtime::Literal::json(#value)?),
        }
    }

    pub(super) fn emit_operations_file(
        &self,
        service_scope_methods: &mut Vec<TokenStream>,
    ) -> TokenStream {
        let root = Depth(1).root();
        let mut requests = Vec::new();
        let mut scope = Scope::new();
        let mut done = BTreeSet::new();
        for import in &self.model.imports {
            for id in &import.operations {
                if !done.insert(id.0) {
                    continue;
                }
                if let Some((method, request)) = self.emit_operation(
                    id.0,
                    Binding::Unbound,
                    &mut scope,
                    &Depth(0).root(),
                    &root,
                    None,
                ) {
                    service_scope_methods.push(method);
                    requests.push(request);
                }
            }
        }
        // Operations bound to a complex, enum or primitive type: service methods taking the
        // path of the bound value.
        for (id, op) in self.model.operations.iter().enumerate() {
            let Some(binding) = &op.binding else { continue };
            if matches!(binding.ty.kind, TypeKind::Entity(_)) {
                continue;
            }
            if let Some((method, request)) =
                self.emit_operation(id, Binding::Path, &mut scope, &Depth(0).root(), &root, None)
            {
                service_scope_methods.push(method);
                requests.push(request);
            }
        }
        quote!(#(#requests)*)
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Binding {
    Unbound,
    Entity,
    Collection,
    /// Bound to a value that is not an entity: the caller gives its path.
    Path,
}

#[derive(Clone, Copy)]
enum ReturnDecode {
    Nothing,
    Direct,
    Value,
}
