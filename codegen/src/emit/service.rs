//! The root file: module declarations, re-exports and the `Service` (entity sets, singletons
//! and unbound operations).

use super::{EmitOptions, Emitter};
use crate::names::ident;
use proc_macro2::TokenStream;
use quote::quote;

impl Emitter<'_> {
    /// The qualified name of the entity container, for docs.
    pub(super) fn container_name(&self) -> String {
        self.model
            .container
            .as_ref()
            .map(|c| c.to_string())
            .unwrap_or_else(|| "(no entity container)".into())
    }

    /// The root file (`lib.rs` or `mod.rs`).
    pub(super) fn emit_root(
        &self,
        options: &EmitOptions,
        set_features: &[String],
        has_operations: bool,
        has_query_functions: bool,
        service_methods: Vec<TokenStream>,
    ) -> TokenStream {
        let model = self.model;
        let names = self.names;
        // The service: entity sets and unbound operations.
        let sets = model.entity_sets.iter().enumerate().map(|(i, s)| {
            let method = ident(&names.entity_sets[i]);
            let gate = if options.entity_set_features {
                let feature = &set_features[i];
                quote!(#[cfg(feature = #feature)])
            } else {
                quote!()
            };
            let ty = ident(&names.entity_types[s.entity_type.0]);
            let set_name = &s.name;
            let text = format!(
                " The {} `{}` of `{}`.",
                if s.singleton {
                    "singleton"
                } else {
                    "entity set"
                },
                s.name,
                model.entity_types[s.entity_type.0].name
            );
            if s.singleton {
                // A singleton is one entity addressed by its name alone (`Me`, not `Me(key)`): its
                // handle is an entity handle (get, update, navigation, bound operations).
                quote! {
                    #[doc = #text]
                    #gate
                    #[inline] pub fn #method(&self) -> self::support::EntityHandle<self::#ty> {
                        self::support::EntityHandle::new(
                            self.client.clone(),
                            ::dataverse_runtime::EntityPath::set(#set_name),
                        )
                    }
                }
            } else {
                quote! {
                    #[doc = #text]
                    #gate
                    #[inline] pub fn #method(&self) -> self::support::EntitySet<self::#ty> {
                        self::support::EntitySet::new(self.client.clone(), #set_name)
                    }
                }
            }
        });
        let container = self.container_name();
        let service_doc =
            format!(" The service `{container}`: its entity sets and unbound operations.");
        let mut reexports = Vec::new();
        if !model.enum_types.is_empty() || !model.type_definitions.is_empty() {
            reexports.push(quote!(
                pub use self::enums::*;
            ));
        }
        if !model.complex_types.is_empty() {
            reexports.push(quote!(
                pub use self::complex::*;
            ));
        }
        // With features, what a glob re-exports depends on which are on.
        let allow_empty = if options.entity_set_features {
            quote!(#[allow(unused_imports)])
        } else {
            quote!()
        };
        if !model.entity_types.is_empty() {
            reexports.push(quote!(
                #allow_empty
                pub use self::entities::*;
            ));
        }
        if has_operations {
            reexports.push(quote!(
                #allow_empty
                pub use self::operations::*;
            ));
        }
        let api_version = options.api_version.as_ref().map(|version| {
            let text = format!(
                " The service root of an organisation: `https://org.crm.dynamics.com` → \
                 `https://org.crm.dynamics.com/api/data/{version}/`."
            );
            quote! {
                /// The Web API version this SDK was generated for.
                pub const API_VERSION: &'static str = #version;

                #[doc = #text]
                pub fn service_root(organization_url: &str) -> ::std::string::String {
                    ::std::format!("{}/api/data/{}/", organization_url.trim_end_matches('/'), Self::API_VERSION)
                }
            }
        });
        let has_choices = names.choice_sets.iter().any(Option::is_some);
        let choices_mod = if has_choices {
            quote!(
                pub mod choices;
                pub use self::choices::*;
            )
        } else {
            quote!()
        };
        let functions_mod = if has_query_functions {
            quote!(
                pub mod functions;
            )
        } else {
            quote!()
        };
        quote! {
            pub mod support;
            pub mod enums;
            pub mod complex;
            pub mod entities;
            pub mod operations;
            #functions_mod
            #choices_mod
            #(#reexports)*
            pub use ::dataverse_runtime::codegen::request::Request;
            pub use self::support::{Annotated, HasBinds};

            #[doc = #service_doc]
            #[derive(Debug, Clone)]
            pub struct Service {
                client: ::dataverse_runtime::Client,
            }

            impl Service {
                #api_version

                /// The service on top of a configured client.
                pub fn new(client: ::dataverse_runtime::Client) -> Self {
                    Service { client }
                }

                /// The client.
                pub fn client(&self) -> &::dataverse_runtime::Client {
                    &self.client
                }

                /// A `$batch`: requests and change sets sent in one HTTP request, each added
                /// request a typed handle to its result (see `support::TypedBatch`); sent by
                /// `.await`.
                pub fn batch(&self) -> self::support::TypedBatch {
                    self::support::TypedBatch::new(self.client.clone())
                }

                #(#sets)*
                #(#service_methods)*
            }
        }
    }
}
