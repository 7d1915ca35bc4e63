//! The semantic model: what the document means, with every reference resolved. Produced by
//! [`crate::resolve`], consumed by the later stages (select, name, emit).
//!
//! Types, sets and operations live in vectors of the [`Model`] and refer to each other by index
//! newtypes ([`EntityTypeId`], [`ComplexTypeId`], ...), so forward and cyclic references need no
//! special care. Nothing in here refers back to XML; positions are kept for messages only.

use crate::error::Warning;
use crate::source::Pos;
use crate::syntax::{AnnotationValue, Facets, OperationKind};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub usize);
    };
}

id_type!(
    /// Index into [`Model::entity_types`].
    EntityTypeId
);
id_type!(
    /// Index into [`Model::complex_types`].
    ComplexTypeId
);
id_type!(
    /// Index into [`Model::enum_types`].
    EnumTypeId
);
id_type!(
    /// Index into [`Model::type_definitions`].
    TypeDefinitionId
);
id_type!(
    /// Index into [`Model::operations`].
    OperationId
);
id_type!(
    /// Index into [`Model::entity_sets`] (entity sets and singletons).
    EntitySetId
);
id_type!(
    /// Index into [`Model::choice_sets`].
    ChoiceSetId
);

/// A namespace-qualified name such as `Microsoft.Dynamics.CRM.account`.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct QualifiedName {
    /// The schema namespace (never an alias).
    pub namespace: String,
    /// The simple name.
    pub name: String,
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.namespace, self.name)
    }
}

/// The primitive types of the Entity Data Model (`Edm.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)] // each variant is the Edm type of the same name
pub enum Primitive {
    Binary,
    Boolean,
    Byte,
    Date,
    DateTimeOffset,
    Decimal,
    Double,
    Duration,
    Guid,
    Int16,
    Int32,
    Int64,
    SByte,
    Single,
    Stream,
    String,
    TimeOfDay,
    /// Any `Edm.Geography*` type (a GeoJSON value on the wire).
    Geography,
    /// Any `Edm.Geometry*` type (a GeoJSON value on the wire).
    Geometry,
    /// `Edm.AnnotationPath`, `Edm.PropertyPath`, `Edm.NavigationPropertyPath`,
    /// `Edm.AnyPropertyPath`, `Edm.ModelElementPath` (vocabulary terms only).
    ModelPath,
}

impl Primitive {
    /// Whether a value of this type has a URL literal the runtime writes from its Rust value
    /// (`Literal::from`, `FilterValue`): numbers but `Single`, `Boolean`, `Decimal`, `Guid`,
    /// strings, dates and times.
    pub fn has_url_literal(self) -> bool {
        use Primitive::*;
        matches!(
            self,
            Boolean
                | Byte
                | SByte
                | Int16
                | Int32
                | Int64
                | Double
                | Decimal
                | Guid
                | String
                | ModelPath
                | DateTimeOffset
                | Date
                | TimeOfDay
        )
    }

    /// The primitive type named `name` (without the `Edm.` prefix), if there is one.
    pub fn from_edm_name(name: &str) -> Option<Primitive> {
        use Primitive::*;
        Some(match name {
            "Binary" => Binary,
            "Boolean" => Boolean,
            "Byte" => Byte,
            "Date" => Date,
            "DateTimeOffset" => DateTimeOffset,
            "Decimal" => Decimal,
            "Double" => Double,
            "Duration" => Duration,
            "Guid" => Guid,
            "Int16" => Int16,
            "Int32" => Int32,
            "Int64" => Int64,
            "SByte" => SByte,
            "Single" => Single,
            "Stream" => Stream,
            "String" => String,
            "TimeOfDay" => TimeOfDay,
            "AnnotationPath"
            | "PropertyPath"
            | "NavigationPropertyPath"
            | "AnyPropertyPath"
            | "ModelElementPath" => ModelPath,
            other if other.starts_with("Geography") => Geography,
            other if other.starts_with("Geometry") => Geometry,
            _ => return None,
        })
    }

    /// The written name, e.g. `Edm.Guid`. All `Edm.Geography*` (`Edm.Geometry*`) types are one
    /// primitive here, written `Edm.Geography` (`Edm.Geometry`).
    pub fn edm_name(self) -> &'static str {
        use Primitive::*;
        match self {
            Binary => "Edm.Binary",
            Boolean => "Edm.Boolean",
            Byte => "Edm.Byte",
            Date => "Edm.Date",
            DateTimeOffset => "Edm.DateTimeOffset",
            Decimal => "Edm.Decimal",
            Double => "Edm.Double",
            Duration => "Edm.Duration",
            Guid => "Edm.Guid",
            Int16 => "Edm.Int16",
            Int32 => "Edm.Int32",
            Int64 => "Edm.Int64",
            SByte => "Edm.SByte",
            Single => "Edm.Single",
            Stream => "Edm.Stream",
            String => "Edm.String",
            TimeOfDay => "Edm.TimeOfDay",
            Geography => "Edm.Geography",
            Geometry => "Edm.Geometry",
            ModelPath => "Edm.PropertyPath",
        }
    }

    /// Whether the type is one of the integer types (valid as an enum underlying type).
    pub fn is_integer(self) -> bool {
        matches!(
            self,
            Primitive::Byte
                | Primitive::SByte
                | Primitive::Int16
                | Primitive::Int32
                | Primitive::Int64
        )
    }
}

/// What a type reference points at.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeKind {
    /// An `Edm` primitive type.
    Primitive(Primitive),
    /// An entity type of this document.
    Entity(EntityTypeId),
    /// A complex type of this document.
    Complex(ComplexTypeId),
    /// An enum type of this document.
    Enum(EnumTypeId),
    /// A type definition of this document.
    Definition(TypeDefinitionId),
    /// `Edm.EntityType`: any entity.
    AnyEntity,
    /// `Edm.ComplexType`: any complex value.
    AnyComplex,
    /// `Edm.PrimitiveType`: any primitive value.
    AnyPrimitive,
    /// `Edm.Untyped`: any JSON value.
    Untyped,
    /// A type this document does not define, accepted as an untyped value because it lives in a
    /// referenced document or because dangling references were allowed (a warning says so).
    External(String),
}

/// A resolved type reference: a type and whether it is a `Collection(...)` of it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TypeRef {
    /// The element type.
    pub kind: TypeKind,
    /// `Collection(...)`.
    pub collection: bool,
}

/// The annotations of a model element that the generator interprets, plus all others as raw
/// terms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Annotations {
    /// `Org.OData.Core.V1.Description`.
    pub description: Option<String>,
    /// `Org.OData.Core.V1.LongDescription`.
    pub long_description: Option<String>,
    /// `Org.OData.Core.V1.OptionalParameter` (on parameters): present, with its default value.
    pub optional_parameter: Option<OptionalParameter>,
    /// `Org.OData.Core.V1.Computed` is true: the service sets the value; clients do not.
    pub computed: bool,
    /// `Org.OData.Core.V1.Immutable` is true: the value is set on create and never changed.
    pub immutable: bool,
    /// `Org.OData.Core.V1.Permissions` (e.g. `Org.OData.Core.V1.Permission/Read`).
    pub permissions: Option<String>,
    /// `OData.Community.Keys.V1.AlternateKeys` (on entity types).
    pub alternate_keys: Vec<AlternateKey>,
    /// Every annotation, interpreted or not, with its term's full name.
    pub all: Vec<TermValue>,
}

/// The value of `Core.OptionalParameter`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OptionalParameter {
    /// The `DefaultValue` property, if given.
    pub default_value: Option<String>,
}

/// One alternate key: the properties that together identify an entity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlternateKey {
    /// The key's parts, in order.
    pub parts: Vec<AlternateKeyPart>,
}

/// A part of an alternate key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlternateKeyPart {
    /// The name used in the key segment (`accounts(accountnumber='A-1')`).
    pub alias: String,
    /// The property path.
    pub property: String,
}

/// An annotation by its term's full name.
#[derive(Debug, Clone, PartialEq)]
pub struct TermValue {
    /// The term, namespace-qualified with aliases expanded (e.g. `Org.OData.Core.V1.Description`).
    pub term: String,
    /// The qualifier.
    pub qualifier: Option<String>,
    /// The value as written.
    pub value: AnnotationValue,
}

/// Whether a structured type is an entity type or a complex type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructuredKind {
    /// An `EntityType`.
    Entity,
    /// A `ComplexType`.
    Complex,
}

/// An entity type or complex type. `base` and `derived` index the same vector of the model
/// ([`Model::entity_types`] or [`Model::complex_types`]).
#[derive(Debug, Clone)]
pub struct StructuredType {
    /// Entity or complex.
    pub kind: StructuredKind,
    /// The qualified name.
    pub name: QualifiedName,
    /// The direct base type.
    pub base: Option<usize>,
    /// All base types, nearest first.
    pub ancestors: Vec<usize>,
    /// All types that derive from this one, directly or not, in document order.
    pub derived: Vec<usize>,
    /// `Abstract="true"`.
    pub is_abstract: bool,
    /// `OpenType="true"` on this type or a base type.
    pub open_type: bool,
    /// `HasStream="true"` on this type or a base type.
    pub has_stream: bool,
    /// The key declared on this type itself.
    pub declared_key: Option<Vec<KeyPart>>,
    /// The effective key (declared here or inherited); `None` for complex types, abstract types
    /// without one, and key-less types accepted with a warning.
    pub key: Option<Vec<KeyPart>>,
    /// The structural properties declared on this type (not inherited ones).
    pub properties: Vec<Property>,
    /// The navigation properties declared on this type (not inherited ones).
    pub navigation_properties: Vec<NavigationProperty>,
    /// Bound operations whose binding parameter is this type (single entity).
    pub bound_operations: Vec<OperationId>,
    /// Bound operations whose binding parameter is a collection of this type.
    pub bound_collection_operations: Vec<OperationId>,
    /// Annotations.
    pub annotations: Annotations,
    /// What Dataverse's own metadata (a sidecar) says about the table, if it was given.
    pub table: Option<Box<Table>>,
    /// Where the type is declared.
    pub pos: Pos,
}

/// One property of a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPart {
    /// The path of the key property (one segment, or several through complex properties).
    pub path: Vec<String>,
    /// The alias of the key part (required for paths).
    pub alias: Option<String>,
    /// The type of the key property.
    pub ty: TypeRef,
}

/// A structural property.
#[derive(Debug, Clone)]
pub struct Property {
    /// The name (wire name).
    pub name: String,
    /// The type.
    pub ty: TypeRef,
    /// `Nullable`.
    pub nullable: bool,
    /// Facets.
    pub facets: Facets,
    /// `DefaultValue`.
    pub default_value: Option<String>,
    /// `ConcurrencyMode="Fixed"`: the property is part of the etag.
    pub concurrency_token: bool,
    /// What Dataverse's own metadata (a sidecar) says about the column, if it was given.
    pub column: Option<Box<Column>>,
    /// The value contains (by value, not through a collection) a value of a type that contains
    /// the declaring type again; a Rust field needs a `Box` here.
    pub needs_box: bool,
    /// Annotations.
    pub annotations: Annotations,
    /// Where the property is declared.
    pub pos: Pos,
}

/// A navigation property.
#[derive(Debug, Clone)]
pub struct NavigationProperty {
    /// The name (wire name, also the `@odata.bind` name).
    pub name: String,
    /// The target entity type; `None` when a selection left it out (the cut edge: the
    /// navigation property is generated as an untyped reference).
    pub target: Option<EntityTypeId>,
    /// The target entity type's qualified name (also when it was left out).
    pub target_name: QualifiedName,
    /// Collection-valued.
    pub collection: bool,
    /// `Nullable`.
    pub nullable: bool,
    /// The partner navigation property on the target type.
    pub partner: Option<String>,
    /// `ContainsTarget="true"`.
    pub contains_target: bool,
    /// `(Property, ReferencedProperty)` pairs.
    pub referential_constraints: Vec<(String, String)>,
    /// The `OnDelete` action.
    pub on_delete: Option<String>,
    /// Annotations.
    pub annotations: Annotations,
    /// Where the property is declared.
    pub pos: Pos,
}

/// An enum type.
#[derive(Debug, Clone)]
pub struct EnumType {
    /// The qualified name.
    pub name: QualifiedName,
    /// The underlying integer type (`Edm.Int32` when not written).
    pub underlying: Primitive,
    /// `IsFlags="true"`.
    pub is_flags: bool,
    /// Members, with their values (implicit values filled in: 0, 1, 2, ...).
    pub members: Vec<EnumMember>,
    /// Annotations.
    pub annotations: Annotations,
    /// Where the type is declared.
    pub pos: Pos,
}

/// A member of an enum type.
#[derive(Debug, Clone)]
pub struct EnumMember {
    /// The name (wire name).
    pub name: String,
    /// The value.
    pub value: i64,
    /// Annotations.
    pub annotations: Annotations,
}

/// A type definition: a named primitive type with facets.
#[derive(Debug, Clone)]
pub struct TypeDefinition {
    /// The qualified name.
    pub name: QualifiedName,
    /// The underlying primitive type.
    pub underlying: Primitive,
    /// Facets.
    pub facets: Facets,
    /// Annotations.
    pub annotations: Annotations,
    /// Where it is declared.
    pub pos: Pos,
}

/// A vocabulary term defined in the document.
#[derive(Debug, Clone)]
pub struct Term {
    /// The qualified name.
    pub name: QualifiedName,
    /// The type of its values.
    pub ty: TypeRef,
    /// Where it is declared.
    pub pos: Pos,
}

/// What a bound operation is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationBinding {
    /// The binding parameter's name.
    pub parameter: String,
    /// The binding parameter's type (an entity type, collection or not, in practice).
    pub ty: TypeRef,
}

/// An action or function (one overload).
#[derive(Debug, Clone)]
pub struct Operation {
    /// Action or function.
    pub kind: OperationKind,
    /// The qualified name (shared by all overloads).
    pub name: QualifiedName,
    /// The binding, for bound operations.
    pub binding: Option<OperationBinding>,
    /// `IsComposable`.
    pub is_composable: bool,
    /// `EntitySetPath`.
    pub entity_set_path: Option<String>,
    /// The parameters, without the binding parameter.
    pub parameters: Vec<OperationParameter>,
    /// The return type.
    pub return_type: Option<OperationReturn>,
    /// Annotations.
    pub annotations: Annotations,
    /// Where it is declared.
    pub pos: Pos,
}

/// A parameter of an operation.
#[derive(Debug, Clone)]
pub struct OperationParameter {
    /// The name (wire name).
    pub name: String,
    /// The type.
    pub ty: TypeRef,
    /// `Nullable`.
    pub nullable: bool,
    /// Facets.
    pub facets: Facets,
    /// Annotations (see [`Annotations::optional_parameter`]).
    pub annotations: Annotations,
}

/// The return type of an operation.
#[derive(Debug, Clone)]
pub struct OperationReturn {
    /// The type.
    pub ty: TypeRef,
    /// `Nullable`.
    pub nullable: bool,
    /// Facets.
    pub facets: Facets,
}

/// All overloads of one operation name.
#[derive(Debug, Clone)]
pub struct OverloadGroup {
    /// The qualified name.
    pub name: QualifiedName,
    /// Action or function.
    pub kind: OperationKind,
    /// The overloads, in document order.
    pub operations: Vec<OperationId>,
}

/// An entity set or a singleton.
#[derive(Debug, Clone)]
pub struct EntitySet {
    /// The name (a URL segment).
    pub name: String,
    /// The entity type of its members.
    pub entity_type: EntityTypeId,
    /// A singleton rather than an entity set.
    pub singleton: bool,
    /// `IncludeInServiceDocument`.
    pub include_in_service_document: bool,
    /// Navigation property bindings.
    pub bindings: Vec<NavigationBinding>,
    /// Annotations.
    pub annotations: Annotations,
    /// Where it is declared.
    pub pos: Pos,
}

/// A resolved `NavigationPropertyBinding`.
#[derive(Debug, Clone)]
pub struct NavigationBinding {
    /// The path as written (navigation property name, possibly after type casts or complex
    /// properties).
    pub path: String,
    /// The navigation property the path ends at: the declaring type and its index in that
    /// type's `navigation_properties`, when the path could be followed.
    pub navigation: Option<(EntityTypeId, usize)>,
    /// The target entity set; `None` when a selection left it out, or when the target is a
    /// path (see `contained`).
    pub target: Option<EntitySetId>,
    /// The target entity set's name (also when it was left out), or the target path through a
    /// singleton or entity set and containment navigation properties (`root/notes`).
    pub target_name: String,
    /// For a target path: the entity type of the contained collection it ends at (`None` when
    /// a selection left it out).
    pub contained: Option<EntityTypeId>,
}

/// An action import or function import.
#[derive(Debug, Clone)]
pub struct OperationImport {
    /// Action or function import.
    pub kind: OperationKind,
    /// The name (the URL segment of the unbound call).
    pub name: String,
    /// The unbound overloads it exposes.
    pub operations: Vec<OperationId>,
    /// The entity set of returned entities.
    pub entity_set: Option<EntitySetId>,
    /// Annotations.
    pub annotations: Annotations,
    /// Where it is declared.
    pub pos: Pos,
}

/// The resolved model of one CSDL document.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// The file name given by the caller.
    pub file: String,
    /// The EDMX version.
    pub version: String,
    /// The schemas' namespaces, with their aliases.
    pub namespaces: Vec<(String, Option<String>)>,
    /// The qualified name of the entity container, if any.
    pub container: Option<QualifiedName>,
    /// Entity types.
    pub entity_types: Vec<StructuredType>,
    /// Complex types.
    pub complex_types: Vec<StructuredType>,
    /// Enum types.
    pub enum_types: Vec<EnumType>,
    /// Type definitions.
    pub type_definitions: Vec<TypeDefinition>,
    /// Terms.
    pub terms: Vec<Term>,
    /// Actions and functions (every overload).
    pub operations: Vec<Operation>,
    /// Overloads grouped by name and kind.
    pub overload_groups: Vec<OverloadGroup>,
    /// Entity sets and singletons.
    pub entity_sets: Vec<EntitySet>,
    /// Action and function imports.
    pub imports: Vec<OperationImport>,
    /// Dataverse option sets (from a sidecar): the choices of [`Column::choice`].
    pub choice_sets: Vec<ChoiceSet>,
    /// What was accepted with a warning.
    pub warnings: Vec<Warning>,
}

/// A Dataverse table as its own metadata describes it (`EntityMetadata`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// `SchemaName` (`SystemUser`): the name Dataverse developers know the table by.
    pub schema_name: String,
    /// `DisplayName`, in the chosen language.
    pub display_name: Option<String>,
    /// `Description`, in the chosen language.
    pub description: Option<String>,
}

/// A Dataverse column as its own metadata describes it (`AttributeMetadata`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// `SchemaName` (`EMailAddress1`).
    pub schema_name: String,
    /// `DisplayName`, in the chosen language.
    pub display_name: Option<String>,
    /// `Description`, in the chosen language.
    pub description: Option<String>,
    /// `IsValidForCreate`.
    pub valid_for_create: bool,
    /// `IsValidForUpdate`.
    pub valid_for_update: bool,
    /// The option set of a choice, choices, state, status or yes/no column.
    pub choice: Option<ChoiceSetId>,
    /// A choices column (`MultiSelectPicklist`): an `Edm.String` of comma-separated values.
    pub multi_select: bool,
}

/// What kind of column an option set belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChoiceKind {
    /// A choice (`Picklist`, also the option set of a choices column).
    Picklist,
    /// `statecode`.
    State,
    /// `statuscode`, each option belonging to a state.
    Status,
    /// A yes/no column: `Edm.Boolean`, the option set gives its labels only.
    Boolean,
}

/// A Dataverse option set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceSet {
    /// `Name` (`account_industrycode`, or the global option set's name).
    pub name: String,
    /// A global option set (shared by every column that uses it).
    pub global: bool,
    /// The kind of option set (`OptionSetType`).
    pub kind: ChoiceKind,
    /// The schema names of the table and column of a local option set (`Account`,
    /// `IndustryCode`), for its Rust name.
    pub owner: Option<(String, String)>,
    /// `DisplayName`, in the chosen language.
    pub display_name: Option<String>,
    /// `Description`, in the chosen language.
    pub description: Option<String>,
    /// The options, by value.
    pub options: Vec<ChoiceOption>,
    /// For a status option set: the state option set of the same table.
    pub states: Option<ChoiceSetId>,
    /// For a state option set: the status option set of the same table.
    pub statuses: Option<ChoiceSetId>,
}

/// One option of a [`ChoiceSet`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceOption {
    /// The number on the wire.
    pub value: i32,
    /// The label, in the chosen language.
    pub label: Option<String>,
    /// The description, in the chosen language.
    pub description: Option<String>,
    /// `Color` (`#0000ff`).
    pub color: Option<String>,
    /// For a status: the state it belongs to.
    pub state: Option<i32>,
    /// For a state: its default status.
    pub default_status: Option<i32>,
}

/// The parameter of a query function that names the property it tests.
pub const QUERY_FUNCTION_PROPERTY: &str = "PropertyName";

impl Model {
    /// Whether operation `id` is a query function: an unbound function without an import that
    /// returns `Edm.Boolean` and takes a [`QUERY_FUNCTION_PROPERTY`] parameter (Dataverse's
    /// `LastXDays`, `In`, `Under`...), usable inside `$filter`.
    pub fn is_query_function(&self, id: usize) -> bool {
        let op = &self.operations[id];
        let returns_boolean = op.return_type.as_ref().is_some_and(|r| {
            !r.ty.collection && r.ty.kind == TypeKind::Primitive(Primitive::Boolean)
        });
        op.kind == crate::syntax::OperationKind::Function
            && op.binding.is_none()
            && returns_boolean
            && op
                .parameters
                .iter()
                .any(|p| p.name == QUERY_FUNCTION_PROPERTY)
            && !self
                .imports
                .iter()
                .any(|i| i.operations.contains(&OperationId(id)))
    }

    /// The entity type with this id.
    pub fn entity_type(&self, id: EntityTypeId) -> &StructuredType {
        &self.entity_types[id.0]
    }

    /// The complex type with this id.
    pub fn complex_type(&self, id: ComplexTypeId) -> &StructuredType {
        &self.complex_types[id.0]
    }

    /// The written name of a type reference, e.g. `Collection(Microsoft.Dynamics.CRM.account)`.
    pub fn type_name(&self, ty: &TypeRef) -> String {
        let element = match &ty.kind {
            TypeKind::Primitive(p) => p.edm_name().to_string(),
            TypeKind::Entity(id) => self.entity_types[id.0].name.to_string(),
            TypeKind::Complex(id) => self.complex_types[id.0].name.to_string(),
            TypeKind::Enum(id) => self.enum_types[id.0].name.to_string(),
            TypeKind::Definition(id) => self.type_definitions[id.0].name.to_string(),
            TypeKind::AnyEntity => "Edm.EntityType".into(),
            TypeKind::AnyComplex => "Edm.ComplexType".into(),
            TypeKind::AnyPrimitive => "Edm.PrimitiveType".into(),
            TypeKind::Untyped => "Edm.Untyped".into(),
            TypeKind::External(name) => name.clone(),
        };
        if ty.collection {
            format!("Collection({element})")
        } else {
            element
        }
    }

    /// All structural properties of an entity or complex type, inherited ones first.
    pub fn all_properties<'m>(&'m self, ty: &'m StructuredType) -> Vec<&'m Property> {
        let list = match ty.kind {
            StructuredKind::Entity => &self.entity_types,
            StructuredKind::Complex => &self.complex_types,
        };
        let mut out = Vec::new();
        for ancestor in ty.ancestors.iter().rev() {
            out.extend(list[*ancestor].properties.iter());
        }
        out.extend(ty.properties.iter());
        out
    }

    /// All navigation properties of an entity or complex type, inherited ones first.
    pub fn all_navigation_properties<'m>(
        &'m self,
        ty: &'m StructuredType,
    ) -> Vec<&'m NavigationProperty> {
        let list = match ty.kind {
            StructuredKind::Entity => &self.entity_types,
            StructuredKind::Complex => &self.complex_types,
        };
        let mut out = Vec::new();
        for ancestor in ty.ancestors.iter().rev() {
            out.extend(list[*ancestor].navigation_properties.iter());
        }
        out.extend(ty.navigation_properties.iter());
        out
    }
}
