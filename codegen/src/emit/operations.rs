//! Actions and functions: request types and the methods that call them.

use super::blocks::Blocks;
use super::handle_text::{HandleMethodText, RequestField, RequestText};
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
        site: Site<'_>,
    ) -> Option<(Method, TokenStream)> {
        let Site {
            method_root,
            request_root,
            home,
            blocks,
            with_request,
        } = site;
        let op = &self.model.operations[id];
        let (request_name, service_method) = self.names.operations.get(&id)?;
        let method = match binding {
            Binding::Unbound | Binding::Path => ident(service_method),
            _ => ident(&scope.name(&op.name.name, Case::Snake)),
        };
        let request = ident(request_name);
        let qualified = op.name.to_string();
        let parameters = self.request_parameters(op, &request_root);
        let has_params = !parameters.is_empty();
        // The entity types the operation mentions, but the one whose file this is (compiled
        // whenever the file is): its items are compiled with their features.
        let mentioned: Vec<usize> = op
            .binding
            .iter()
            .map(|b| &b.ty)
            .chain(op.parameters.iter().map(|p| &p.ty))
            .chain(op.return_type.iter().map(|r| &r.ty))
            .filter_map(Self::mentioned)
            .filter(|t| Some(*t) != home)
            .collect();
        let gate = self.gate(mentioned.iter().copied());
        let kind_label = match op.kind {
            OperationKind::Action => "action",
            OperationKind::Function => "function",
        };
        let mut request_doc = vec![format!("Parameters of the {kind_label} `{qualified}`.")];
        request_doc.extend(describe(&op.annotations));
        // A handle's methods, and its actions' request types, are written as text.
        let mut blocks =
            blocks.filter(|_| matches!(binding, Binding::Entity | Binding::Collection));
        let gate_text = blocks
            .as_ref()
            .and_then(|_| self.gate_text(mentioned.iter().copied()));
        let request_text = match blocks.as_deref_mut() {
            Some(blocks) if with_request && has_params && op.kind == OperationKind::Action => {
                let fields: Vec<RequestField> = parameters
                    .iter()
                    .map(|p| RequestField {
                        field: p.field.to_string(),
                        value: p.value.clone(),
                        wire: &p.parameter.name,
                        label: self.parameter_label(p),
                        extra: describe(&p.parameter.annotations),
                        optional: p.optional,
                        nullable: p.parameter.nullable,
                    })
                    .collect();
                let text = RequestText {
                    name: &request,
                    doc: &request_doc,
                    gate: (&gate, gate_text.as_deref()),
                    fields: &fields,
                };
                text.write(blocks)
            }
            _ => None,
        };
        let request_tokens = match request_text {
            Some(marker) => marker,
            None if with_request && has_params => self.request_tokens(
                op,
                &request,
                &parameters,
                &doc_lines(&request_doc),
                &gate,
                &request_root,
            ),
            None => quote!(),
        };
        // Return type.
        let root = &method_root;
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
        let decoder = match decode {
            ReturnDecode::Nothing => quote!(::dataverse_runtime::codegen::request::NoResult),
            ReturnDecode::Direct => quote!(::dataverse_runtime::codegen::request::AsBody),
            ReturnDecode::Value => quote!(::dataverse_runtime::codegen::request::InValue),
        };
        if let Some(blocks) = blocks {
            let text = HandleMethodText {
                kind: op.kind,
                method: &method,
                qualified: &qualified,
                doc: &doc,
                gate: gate_text.as_deref(),
                request: has_params.then(|| quote!(#method_root::#request)),
                ret_ty: &ret_ty,
                decoder: &decoder,
            };
            return Some((Method::Text(text.write(blocks)), request_tokens));
        }
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
        Some((Method::Tokens(method_tokens), request_tokens))
    }

    /// The parameters of `op` as fields of its request type: required ones first, then the
    /// optional ones (trailing nullable parameters of an action, and those annotated so).
    fn request_parameters<'m>(
        &self,
        op: &'m Operation,
        request_root: &TokenStream,
    ) -> Vec<RequestParameter<'m>> {
        let mut fields = Scope::new();
        let trailing_nullable_from = op
            .parameters
            .iter()
            .rposition(|p| !p.nullable)
            .map(|i| i + 1)
            .unwrap_or(0);
        let (optional, required): (Vec<_>, Vec<_>) = op
            .parameters
            .iter()
            .enumerate()
            .map(|(n, p)| RequestParameter {
                field: ident(&fields.name(&p.name, Case::Snake)),
                value: self.parameter_type(&p.ty, request_root),
                parameter: p,
                optional: p.annotations.optional_parameter.is_some()
                    || (n >= trailing_nullable_from && op.kind == OperationKind::Action),
            })
            .partition(|p| p.optional);
        required.into_iter().chain(optional).collect()
    }

    /// The doc line of a request field and of its setter: "`name`: `Type`, optional."
    fn parameter_label(&self, p: &RequestParameter<'_>) -> String {
        format!(
            "`{}`: `{}`{}.",
            p.parameter.name,
            self.type_label(&p.parameter.ty),
            if p.optional { ", optional" } else { "" }
        )
    }

    /// A request type as tokens: the struct, `new` with the required parameters, a setter per
    /// optional one and, for a function, `literals` (its parameters in the URL).
    fn request_tokens(
        &self,
        op: &Operation,
        request: &proc_macro2::Ident,
        parameters: &[RequestParameter<'_>],
        request_doc: &TokenStream,
        gate: &TokenStream,
        request_root: &TokenStream,
    ) -> TokenStream {
        let mut defs = Vec::new();
        let mut ctor_params = Vec::new();
        let mut ctor_fields = Vec::new();
        let mut setters = Vec::new();
        let mut literals = Vec::new();
        for p in parameters {
            let RequestParameter { field, value, .. } = p;
            let wire = &p.parameter.name;
            let label = format!(" {}", self.parameter_label(p));
            let extra = doc_lines(&describe(&p.parameter.annotations));
            let full = if p.optional || p.parameter.nullable {
                quote!(::core::option::Option<#value>)
            } else {
                value.clone()
            };
            let lit = self.literal(&p.parameter.ty, request_root);
            if p.optional {
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
                if p.parameter.nullable {
                    literals.push(quote! {
                        match &self.#field {
                            ::core::option::Option::Some(value) => out.push((#wire, #lit)),
                            ::core::option::Option::None => out.push((#wire, ::dataverse_runtime::Literal::Null)),
                        }
                    });
                } else {
                    literals.push(quote! {
                        let value = &self.#field;
                        out.push((#wire, #lit));
                    });
                }
            }
        }
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
        let mut requests = Vec::new();
        let mut scope = Scope::new();
        let mut done = BTreeSet::new();
        for import in &self.model.imports {
            for id in &import.operations {
                if !done.insert(id.0) {
                    continue;
                }
                if let Some((method, request)) =
                    self.emit_operation(id.0, Binding::Unbound, &mut scope, Site::service())
                {
                    service_scope_methods.push(method.into_tokens());
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
                self.emit_operation(id, Binding::Path, &mut scope, Site::service())
            {
                service_scope_methods.push(method.into_tokens());
                requests.push(request);
            }
        }
        quote!(#(#requests)*)
    }
}

/// Where an operation's method and request type are emitted.
pub(super) struct Site<'b> {
    /// The SDK root as seen from the method's file.
    method_root: TokenStream,
    /// The SDK root as seen from the request type's file.
    request_root: TokenStream,
    /// The entity type whose file this is (what is gated on it needs no gate here).
    home: Option<usize>,
    /// The file's text blocks: a handle's methods and action request types are written as text.
    blocks: Option<&'b mut Blocks>,
    /// Whether the request type is emitted here (in the file of the binding type only).
    with_request: bool,
}

impl<'b> Site<'b> {
    /// The service's methods (in the root file) and their request types (in `operations.rs`).
    pub(super) fn service() -> Self {
        Site {
            method_root: Depth(0).root(),
            request_root: Depth(1).root(),
            home: None,
            blocks: None,
            with_request: true,
        }
    }

    /// A handle's methods in the file of entity type `home`, as text in `blocks`.
    pub(super) fn handle(home: usize, blocks: &'b mut Blocks, with_request: bool) -> Self {
        Site {
            method_root: Depth(2).root(),
            request_root: Depth(2).root(),
            home: Some(home),
            blocks: Some(blocks),
            with_request,
        }
    }
}

/// A method of an operation: tokens, or (a handle's) text for a block.
pub(super) enum Method {
    Tokens(TokenStream),
    Text(String),
}

impl Method {
    /// The tokens of a method emitted as tokens.
    pub(super) fn into_tokens(self) -> TokenStream {
        match self {
            Method::Tokens(tokens) => tokens,
            Method::Text(_) => unreachable!("only a handle's methods are emitted as text"),
        }
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

/// A parameter of an operation as a field of its request type.
pub(super) struct RequestParameter<'m> {
    field: proc_macro2::Ident,
    /// Its value's type (`Option<..>` around it where optional or nullable).
    value: TokenStream,
    parameter: &'m OperationParameter,
    optional: bool,
}
