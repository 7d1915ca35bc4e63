//! The syntax model: what a CSDL XML document says, element by element, before any name is
//! resolved. Produced by [`crate::parse`], consumed by [`crate::resolve`].
//!
//! Every element keeps the [`Pos`] (line and column) of its start tag, so that later stages can
//! point at the source when something is wrong. Names are kept exactly as written (qualified,
//! aliased or `Collection(...)`); the resolver interprets them.

use crate::source::Pos;

/// A whole `edmx:Edmx` document.
#[derive(Debug, Clone, Default)]
pub struct Document {
    /// The `Version` attribute of `edmx:Edmx` (`4.0` or `4.01`).
    pub version: String,
    /// `edmx:Reference` elements, in document order.
    pub references: Vec<Reference>,
    /// `Schema` elements inside `edmx:DataServices`, in document order.
    pub schemas: Vec<Schema>,
}

/// An `edmx:Reference` to another CSDL document (typically a vocabulary).
#[derive(Debug, Clone)]
pub struct Reference {
    /// The `Uri` attribute.
    pub uri: String,
    /// The `edmx:Include` children.
    pub includes: Vec<Include>,
    /// Where the element starts.
    pub pos: Pos,
}

/// An `edmx:Include`: a namespace of a referenced document, optionally with an alias.
#[derive(Debug, Clone)]
pub struct Include {
    /// The `Namespace` attribute.
    pub namespace: String,
    /// The `Alias` attribute.
    pub alias: Option<String>,
    /// Where the element starts.
    pub pos: Pos,
}

/// A `Schema` element.
#[derive(Debug, Clone, Default)]
pub struct Schema {
    /// The `Namespace` attribute.
    pub namespace: String,
    /// The `Alias` attribute.
    pub alias: Option<String>,
    /// `EntityType` children.
    pub entity_types: Vec<StructuredType>,
    /// `ComplexType` children.
    pub complex_types: Vec<StructuredType>,
    /// `EnumType` children.
    pub enum_types: Vec<EnumType>,
    /// `TypeDefinition` children.
    pub type_definitions: Vec<TypeDefinition>,
    /// `Term` children.
    pub terms: Vec<Term>,
    /// `Action` children.
    pub actions: Vec<Operation>,
    /// `Function` children.
    pub functions: Vec<Operation>,
    /// `EntityContainer` children (at most one is allowed by the specification).
    pub entity_containers: Vec<EntityContainer>,
    /// Out-of-line `Annotations` groups.
    pub annotation_groups: Vec<AnnotationGroup>,
    /// Annotations on the schema itself.
    pub annotations: Vec<Annotation>,
    /// Where the element starts.
    pub pos: Pos,
}

/// An `EntityType` or a `ComplexType` (they share their shape; complex types have no key).
#[derive(Debug, Clone, Default)]
pub struct StructuredType {
    /// The `Name` attribute.
    pub name: String,
    /// The `BaseType` attribute, as written.
    pub base_type: Option<String>,
    /// `Abstract="true"`.
    pub is_abstract: bool,
    /// `OpenType="true"`.
    pub open_type: bool,
    /// `HasStream="true"` (entity types only).
    pub has_stream: bool,
    /// The `Key` child (entity types only).
    pub key: Option<Key>,
    /// `Property` children.
    pub properties: Vec<Property>,
    /// `NavigationProperty` children.
    pub navigation_properties: Vec<NavigationProperty>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Where the element starts.
    pub pos: Pos,
}

/// A `Key` element.
#[derive(Debug, Clone, Default)]
pub struct Key {
    /// The `PropertyRef` children.
    pub property_refs: Vec<PropertyRef>,
    /// Where the element starts.
    pub pos: Pos,
}

/// A `PropertyRef` inside a `Key`.
#[derive(Debug, Clone)]
pub struct PropertyRef {
    /// The `Name` attribute (a property name or a path through complex properties).
    pub name: String,
    /// The `Alias` attribute (required when the name is a path).
    pub alias: Option<String>,
    /// Where the element starts.
    pub pos: Pos,
}

/// Type facets shared by properties, parameters, return types, terms and type definitions.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// `MaxLength` (a number or `max`).
    pub max_length: Option<String>,
    /// `Precision`.
    pub precision: Option<u32>,
    /// `Scale` (a number, `variable` or `floating`).
    pub scale: Option<String>,
    /// `SRID` (a number or `variable`).
    pub srid: Option<String>,
    /// `Unicode`.
    pub unicode: Option<bool>,
}

/// A structural `Property`.
#[derive(Debug, Clone)]
pub struct Property {
    /// The `Name` attribute.
    pub name: String,
    /// The `Type` attribute, as written.
    pub type_name: String,
    /// `Nullable` (absent means true).
    pub nullable: bool,
    /// Facets.
    pub facets: Facets,
    /// `DefaultValue`.
    pub default_value: Option<String>,
    /// `ConcurrencyMode="Fixed"` (a CSDL 4.0 facet used for etags).
    pub concurrency_fixed: bool,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Where the element starts.
    pub pos: Pos,
}

/// A `NavigationProperty`.
#[derive(Debug, Clone)]
pub struct NavigationProperty {
    /// The `Name` attribute.
    pub name: String,
    /// The `Type` attribute, as written (an entity type or a collection of one).
    pub type_name: String,
    /// `Nullable` (absent means true).
    pub nullable: bool,
    /// The `Partner` attribute.
    pub partner: Option<String>,
    /// `ContainsTarget="true"`.
    pub contains_target: bool,
    /// `ReferentialConstraint` children.
    pub referential_constraints: Vec<ReferentialConstraint>,
    /// The `Action` of the `OnDelete` child, if any.
    pub on_delete: Option<String>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Where the element starts.
    pub pos: Pos,
}

/// A `ReferentialConstraint` of a navigation property.
#[derive(Debug, Clone)]
pub struct ReferentialConstraint {
    /// The `Property` attribute (on the declaring type).
    pub property: String,
    /// The `ReferencedProperty` attribute (on the target type).
    pub referenced_property: String,
    /// Where the element starts.
    pub pos: Pos,
}

/// An `EnumType`.
#[derive(Debug, Clone, Default)]
pub struct EnumType {
    /// The `Name` attribute.
    pub name: String,
    /// `UnderlyingType` (absent means `Edm.Int32`).
    pub underlying_type: Option<String>,
    /// `IsFlags="true"`.
    pub is_flags: bool,
    /// `Member` children.
    pub members: Vec<EnumMember>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Where the element starts.
    pub pos: Pos,
}

/// A `Member` of an enum type.
#[derive(Debug, Clone)]
pub struct EnumMember {
    /// The `Name` attribute.
    pub name: String,
    /// The `Value` attribute, if written.
    pub value: Option<i64>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Where the element starts.
    pub pos: Pos,
}

/// A `TypeDefinition`.
#[derive(Debug, Clone)]
pub struct TypeDefinition {
    /// The `Name` attribute.
    pub name: String,
    /// The `UnderlyingType` attribute (a primitive type).
    pub underlying_type: String,
    /// Facets.
    pub facets: Facets,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Where the element starts.
    pub pos: Pos,
}

/// A `Term` (an annotation vocabulary term).
#[derive(Debug, Clone)]
pub struct Term {
    /// The `Name` attribute.
    pub name: String,
    /// The `Type` attribute, as written.
    pub type_name: String,
    /// The `BaseTerm` attribute.
    pub base_term: Option<String>,
    /// The `AppliesTo` attribute.
    pub applies_to: Option<String>,
    /// `Nullable` (absent means true).
    pub nullable: bool,
    /// `DefaultValue`.
    pub default_value: Option<String>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Where the element starts.
    pub pos: Pos,
}

/// Whether an operation is an `Action` or a `Function`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OperationKind {
    /// An `Action` (POST, may have side effects).
    Action,
    /// A `Function` (GET, no side effects).
    Function,
}

/// An `Action` or a `Function`.
#[derive(Debug, Clone)]
pub struct Operation {
    /// Action or function.
    pub kind: OperationKind,
    /// The `Name` attribute.
    pub name: String,
    /// `IsBound="true"`: the first parameter is the binding parameter.
    pub is_bound: bool,
    /// `IsComposable="true"` (functions only).
    pub is_composable: bool,
    /// The `EntitySetPath` attribute.
    pub entity_set_path: Option<String>,
    /// `Parameter` children, in order.
    pub parameters: Vec<Parameter>,
    /// The `ReturnType` child.
    pub return_type: Option<ReturnType>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Where the element starts.
    pub pos: Pos,
}

/// A `Parameter` of an operation.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// The `Name` attribute.
    pub name: String,
    /// The `Type` attribute, as written.
    pub type_name: String,
    /// `Nullable` (absent means true).
    pub nullable: bool,
    /// Facets.
    pub facets: Facets,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Where the element starts.
    pub pos: Pos,
}

/// The `ReturnType` of an operation.
#[derive(Debug, Clone)]
pub struct ReturnType {
    /// The `Type` attribute, as written.
    pub type_name: String,
    /// `Nullable` (absent means true).
    pub nullable: bool,
    /// Facets.
    pub facets: Facets,
    /// Where the element starts.
    pub pos: Pos,
}

/// An `EntityContainer`.
#[derive(Debug, Clone, Default)]
pub struct EntityContainer {
    /// The `Name` attribute.
    pub name: String,
    /// The `Extends` attribute.
    pub extends: Option<String>,
    /// `EntitySet` children.
    pub entity_sets: Vec<EntitySet>,
    /// `Singleton` children.
    pub singletons: Vec<EntitySet>,
    /// `ActionImport` and `FunctionImport` children.
    pub imports: Vec<OperationImport>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Where the element starts.
    pub pos: Pos,
}

/// An `EntitySet` or a `Singleton` (a singleton's type is in `entity_type`).
#[derive(Debug, Clone)]
pub struct EntitySet {
    /// The `Name` attribute.
    pub name: String,
    /// The `EntityType` (entity set) or `Type` (singleton) attribute, as written.
    pub entity_type: String,
    /// `IncludeInServiceDocument` (absent means true).
    pub include_in_service_document: bool,
    /// `NavigationPropertyBinding` children.
    pub navigation_property_bindings: Vec<NavigationPropertyBinding>,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Where the element starts.
    pub pos: Pos,
}

/// A `NavigationPropertyBinding`.
#[derive(Debug, Clone)]
pub struct NavigationPropertyBinding {
    /// The `Path` attribute.
    pub path: String,
    /// The `Target` attribute.
    pub target: String,
    /// Where the element starts.
    pub pos: Pos,
}

/// An `ActionImport` or a `FunctionImport`.
#[derive(Debug, Clone)]
pub struct OperationImport {
    /// Action import or function import.
    pub kind: OperationKind,
    /// The `Name` attribute.
    pub name: String,
    /// The `Action` or `Function` attribute: the qualified name of the operation.
    pub operation: String,
    /// The `EntitySet` attribute.
    pub entity_set: Option<String>,
    /// `IncludeInServiceDocument` (function imports; absent means false).
    pub include_in_service_document: bool,
    /// Inline annotations.
    pub annotations: Vec<Annotation>,
    /// Where the element starts.
    pub pos: Pos,
}

/// An out-of-line `Annotations` group.
#[derive(Debug, Clone)]
pub struct AnnotationGroup {
    /// The `Target` attribute (a path to a model element).
    pub target: String,
    /// The `Qualifier` attribute.
    pub qualifier: Option<String>,
    /// The annotations in the group.
    pub annotations: Vec<Annotation>,
    /// Where the element starts.
    pub pos: Pos,
}

/// An `Annotation`: a term applied to a model element, with a value.
#[derive(Debug, Clone)]
pub struct Annotation {
    /// The `Term` attribute, as written (qualified or aliased).
    pub term: String,
    /// The `Qualifier` attribute.
    pub qualifier: Option<String>,
    /// The value, from an attribute (`String="..."`) or from child elements.
    pub value: AnnotationValue,
    /// Where the element starts.
    pub pos: Pos,
}

/// The value of an annotation, or of a part of one. Expressions the generator does not
/// interpret (`Apply`, `If`, `LabeledElement`, ...) are kept as [`AnnotationValue::Other`]
/// with their element name and children.
#[derive(Debug, Clone, PartialEq)]
pub enum AnnotationValue {
    /// No value (the term's default applies; for Boolean terms, `true`).
    Default,
    /// `String`.
    String(String),
    /// `Bool`.
    Bool(bool),
    /// `Int`.
    Int(i64),
    /// A literal of another primitive kind (`Decimal`, `Float`, `Guid`, `Date`, ...), by the
    /// expression name and its text.
    Literal {
        /// The expression name, e.g. `Decimal`.
        kind: String,
        /// The text as written.
        text: String,
    },
    /// `EnumMember` (space-separated qualified member names).
    EnumMember(String),
    /// A path expression (`Path`, `PropertyPath`, `NavigationPropertyPath`, `AnnotationPath`, ...).
    Path {
        /// The expression name, e.g. `PropertyPath`.
        kind: String,
        /// The path.
        path: String,
    },
    /// `Collection`.
    Collection(Vec<AnnotationValue>),
    /// `Record` with its `PropertyValue` children.
    Record {
        /// The `Type` attribute of the record.
        type_name: Option<String>,
        /// Property name and value, in document order.
        properties: Vec<(String, AnnotationValue)>,
    },
    /// `Null`.
    Null,
    /// Any other expression, kept by name with its child values.
    Other {
        /// The element name.
        kind: String,
        /// Child expressions.
        children: Vec<AnnotationValue>,
    },
}
