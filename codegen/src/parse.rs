//! Stage 1, parse: CSDL XML bytes to the [`syntax`](crate::syntax) model.
//!
//! A streaming reader (quick-xml over the in-memory bytes; no DOM of the whole file). It accepts
//! what real files contain: a UTF-8 byte order mark with or without an XML declaration, CRLF,
//! tabs, comments, processing instructions, and attributes from foreign namespaces (ignored).
//! Elements the CSDL specification does not define are skipped. Elements are matched by local
//! name, so any namespace prefix works.

use crate::error::{Error, ErrorKind};
use crate::source::{LineIndex, Pos};
use crate::syntax::*;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use std::borrow::Cow;

/// Parses a CSDL document. `file` is the name used in errors (usually the path).
pub fn parse(file: &str, bytes: &[u8]) -> Result<Document, Error> {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let mut lines = LineIndex::new(bytes);
            return Err(Error {
                file: file.to_string(),
                pos: lines.pos(e.valid_up_to()),
                kind: Box::new(ErrorKind::MalformedXml(
                    "the document is not valid UTF-8 (OData $metadata is UTF-8)".into(),
                )),
            });
        }
    };
    let (text, base) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (rest, 3),
        None => (text, 0),
    };
    let mut parser = Parser {
        file,
        reader: Reader::from_str(text),
        lines: LineIndex::new(bytes),
        base,
        depth: 0,
    };
    parser.document()
}

/// A start tag with its position; `empty` for `<tag/>`.
struct Tag<'a> {
    start: BytesStart<'a>,
    empty: bool,
    pos: Pos,
}

enum Item<'a> {
    Open(Tag<'a>),
    Close,
    Text(Cow<'a, str>),
    Eof,
}

/// The attributes of one element that are in no namespace, unescaped.
struct Attrs<'a> {
    element: String,
    pos: Pos,
    list: Vec<(&'a str, Cow<'a, str>)>,
}

impl Attrs<'_> {
    fn get(&self, name: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_ref())
    }

    fn string(&self, name: &str) -> Option<String> {
        self.get(name).map(str::to_string)
    }
}

struct Parser<'a> {
    file: &'a str,
    reader: Reader<&'a [u8]>,
    lines: LineIndex<'a>,
    base: usize,
    /// How many elements `children` is inside (see [`MAX_DEPTH`]).
    depth: usize,
}

/// The deepest nesting of elements accepted. The parser descends recursively (annotation
/// expressions nest: `Record` → `PropertyValue` → `Collection` → ...); real documents nest about
/// a dozen levels, and a limit turns a hostile document into an error instead of a stack
/// overflow.
pub const MAX_DEPTH: usize = 256;

/// Names of the constant and path expressions whose value is the element's text.
fn is_constant_kind(name: &str) -> bool {
    matches!(
        name,
        "String"
            | "Bool"
            | "Int"
            | "EnumMember"
            | "Path"
            | "PropertyPath"
            | "NavigationPropertyPath"
            | "AnnotationPath"
            | "ModelElementPath"
            | "AnyPropertyPath"
            | "Decimal"
            | "Float"
            | "Guid"
            | "Date"
            | "DateTimeOffset"
            | "TimeOfDay"
            | "Duration"
            | "Binary"
    )
}

fn local_name<'t>(tag: &'t Tag<'_>) -> &'t str {
    // Names were validated as UTF-8 with the whole document.
    tag.start.local_name().into_inner()
}

impl<'a> Parser<'a> {
    fn error(&self, pos: Pos, kind: ErrorKind) -> Error {
        Error {
            file: self.file.to_string(),
            pos,
            kind: Box::new(kind),
        }
    }

    fn xml_error(&mut self, message: String) -> Error {
        let offset = self.base + self.reader.error_position() as usize;
        let pos = self.lines.pos(offset);
        self.error(pos, ErrorKind::MalformedXml(message))
    }

    fn next(&mut self) -> Result<Item<'a>, Error> {
        loop {
            let before = self.base + self.reader.buffer_position() as usize;
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(e) => return Err(self.xml_error(e.to_string())),
            };
            return Ok(match event {
                Event::Start(start) => Item::Open(Tag {
                    start,
                    empty: false,
                    pos: self.lines.pos(before),
                }),
                Event::Empty(start) => Item::Open(Tag {
                    start,
                    empty: true,
                    pos: self.lines.pos(before),
                }),
                Event::End(_) => Item::Close,
                Event::Text(text) => Item::Text(text.xml10_content()),
                Event::CData(data) => Item::Text(data.xml10_content()),
                Event::GeneralRef(reference) => {
                    let pos = self.lines.pos(before);
                    let resolved = match reference.resolve_char_ref() {
                        Ok(Some(c)) => c.to_string(),
                        Ok(None) => match reference.xml10_content().as_ref() {
                            "amp" => "&".into(),
                            "lt" => "<".into(),
                            "gt" => ">".into(),
                            "quot" => "\"".into(),
                            "apos" => "'".into(),
                            other => {
                                return Err(self.error(
                                    pos,
                                    ErrorKind::MalformedXml(format!("unknown entity `&{other};`")),
                                ));
                            }
                        },
                        Err(e) => {
                            return Err(self.error(pos, ErrorKind::MalformedXml(e.to_string())));
                        }
                    };
                    Item::Text(Cow::Owned(resolved))
                }
                Event::Eof => Item::Eof,
                Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => continue,
            });
        }
    }

    fn attrs<'t>(&mut self, tag: &'t Tag<'a>) -> Result<Attrs<'t>, Error> {
        let element = local_name(tag).to_string();
        let mut list = Vec::new();
        for attr in tag.start.attributes() {
            let attr = match attr {
                Ok(attr) => attr,
                Err(e) => {
                    return Err(self.error(tag.pos, ErrorKind::MalformedXml(e.to_string())));
                }
            };
            if attr.key.prefix().is_some() || attr.key.as_ref() == "xmlns" {
                // Namespace declarations and attributes of foreign namespaces (e.g. EF's
                // `p5:StoreGeneratedPattern`) are not part of CSDL.
                continue;
            }
            let key = attr.key.local_name().into_inner();
            // Attribute values borrow from the input; unescaping allocates only when needed.
            let value = match attr.value {
                Cow::Borrowed(raw) => quick_xml::escape::unescape(raw),
                Cow::Owned(raw) => {
                    quick_xml::escape::unescape(&raw).map(|v| Cow::Owned(v.into_owned()))
                }
            };
            let value = match value {
                Ok(value) => value,
                Err(e) => return Err(self.error(tag.pos, ErrorKind::MalformedXml(e.to_string()))),
            };
            list.push((key, value));
        }
        Ok(Attrs {
            element,
            pos: tag.pos,
            list,
        })
    }

    fn require(&self, attrs: &Attrs<'_>, name: &str) -> Result<String, Error> {
        match attrs.get(name) {
            // A CSDL name is an identifier: no line breaks, tabs or other control characters
            // (they would end up in generated doc comments and messages).
            Some(value)
                if matches!(name, "Name" | "Namespace") && value.chars().any(char::is_control) =>
            {
                Err(self.invalid(
                    attrs,
                    name,
                    value,
                    "a name cannot contain control characters such as line breaks",
                ))
            }
            Some(value) => Ok(value.to_string()),
            None => Err(self.error(
                attrs.pos,
                ErrorKind::MissingAttribute {
                    element: attrs.element.clone(),
                    attribute: name.to_string(),
                },
            )),
        }
    }

    fn invalid(&self, attrs: &Attrs<'_>, name: &str, value: &str, expected: &str) -> Error {
        self.error(
            attrs.pos,
            ErrorKind::InvalidAttribute {
                element: attrs.element.clone(),
                attribute: name.to_string(),
                value: value.to_string(),
                expected: expected.to_string(),
            },
        )
    }

    fn boolean(&self, attrs: &Attrs<'_>, name: &str, default: bool) -> Result<bool, Error> {
        match attrs.get(name) {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(other) => Err(self.invalid(attrs, name, other, "expected `true` or `false`")),
        }
    }

    fn facets(&self, attrs: &Attrs<'_>) -> Result<Facets, Error> {
        let precision = match attrs.get("Precision") {
            None => None,
            Some(text) => Some(text.parse::<u32>().map_err(|_| {
                self.invalid(attrs, "Precision", text, "expected a non-negative integer")
            })?),
        };
        let scale = match attrs.get("Scale") {
            None => None,
            Some(text)
                if text.eq_ignore_ascii_case("variable")
                    || text.eq_ignore_ascii_case("floating")
                    || text.parse::<u32>().is_ok() =>
            {
                Some(text.to_string())
            }
            Some(text) => {
                return Err(self.invalid(
                    attrs,
                    "Scale",
                    text,
                    "expected a non-negative integer, `variable` or `floating`",
                ));
            }
        };
        let max_length = match attrs.get("MaxLength") {
            None => None,
            Some(text) if text.eq_ignore_ascii_case("max") || text.parse::<u64>().is_ok() => {
                Some(text.to_string())
            }
            Some(text) => {
                return Err(self.invalid(
                    attrs,
                    "MaxLength",
                    text,
                    "expected a non-negative integer or `max`",
                ));
            }
        };
        let unicode = match attrs.get("Unicode") {
            None => None,
            Some(_) => Some(self.boolean(attrs, "Unicode", true)?),
        };
        Ok(Facets {
            max_length,
            precision,
            scale,
            srid: attrs.string("SRID"),
            unicode,
        })
    }

    /// Calls `child` for every child element of `tag`, then consumes the end tag.
    fn children(
        &mut self,
        tag: &Tag<'a>,
        mut child: impl FnMut(&mut Self, Tag<'a>) -> Result<(), Error>,
    ) -> Result<(), Error> {
        if tag.empty {
            return Ok(());
        }
        if self.depth >= MAX_DEPTH {
            return Err(self.error(
                tag.pos,
                ErrorKind::TooDeep {
                    element: local_name(tag).to_string(),
                    limit: MAX_DEPTH,
                },
            ));
        }
        self.depth += 1;
        let result = loop {
            match self.next() {
                Ok(Item::Open(inner)) => {
                    if let Err(e) = child(self, inner) {
                        break Err(e);
                    }
                }
                Ok(Item::Close) => break Ok(()),
                Ok(Item::Text(_)) => {}
                Ok(Item::Eof) => break Err(self.unclosed(tag)),
                Err(e) => break Err(e),
            }
        };
        self.depth -= 1;
        result
    }

    /// The error for an element whose end tag never comes.
    fn unclosed(&self, tag: &Tag<'a>) -> Error {
        self.error(
            tag.pos,
            ErrorKind::MalformedXml(format!(
                "<{}> is not closed before the end of the document",
                local_name(tag)
            )),
        )
    }

    fn skip(&mut self, tag: Tag<'a>) -> Result<(), Error> {
        self.children(&tag, |p, inner| p.skip(inner))
    }

    /// The text content of `tag` (child elements such as nested annotations are skipped).
    fn text(&mut self, tag: &Tag<'a>) -> Result<String, Error> {
        let mut text = String::new();
        if tag.empty {
            return Ok(text);
        }
        loop {
            match self.next()? {
                Item::Open(inner) => self.skip(inner)?,
                Item::Close => return Ok(text),
                Item::Text(t) => text.push_str(&t),
                Item::Eof => return Err(self.unclosed(tag)),
            }
        }
    }

    fn document(&mut self) -> Result<Document, Error> {
        let root = loop {
            match self.next()? {
                Item::Open(tag) => break tag,
                Item::Text(_) | Item::Close => continue,
                Item::Eof => {
                    let pos = self.lines.pos(self.base);
                    return Err(self.error(
                        pos,
                        ErrorKind::NotCsdl("the document has no root element".into()),
                    ));
                }
            }
        };
        if local_name(&root) != "Edmx" {
            return Err(self.error(
                root.pos,
                ErrorKind::NotCsdl(format!(
                    "the root element is <{}>, expected <edmx:Edmx>",
                    local_name(&root)
                )),
            ));
        }
        let attrs = self.attrs(&root)?;
        let mut doc = Document {
            version: self.require(&attrs, "Version")?,
            ..Document::default()
        };
        self.children(&root, |p, tag| match local_name(&tag) {
            "Reference" => {
                let reference = p.reference(tag)?;
                doc.references.push(reference);
                Ok(())
            }
            "DataServices" => p.children(&tag, |p, tag| match local_name(&tag) {
                "Schema" => {
                    let schema = p.schema(tag)?;
                    doc.schemas.push(schema);
                    Ok(())
                }
                _ => p.skip(tag),
            }),
            _ => p.skip(tag),
        })?;
        Ok(doc)
    }

    fn reference(&mut self, tag: Tag<'a>) -> Result<Reference, Error> {
        let attrs = self.attrs(&tag)?;
        let mut reference = Reference {
            uri: self.require(&attrs, "Uri")?,
            includes: Vec::new(),
            pos: tag.pos,
        };
        self.children(&tag, |p, tag| match local_name(&tag) {
            "Include" => {
                let attrs = p.attrs(&tag)?;
                reference.includes.push(Include {
                    namespace: p.require(&attrs, "Namespace")?,
                    alias: attrs.string("Alias"),
                    pos: tag.pos,
                });
                p.skip(tag)
            }
            _ => p.skip(tag),
        })?;
        Ok(reference)
    }

    fn schema(&mut self, tag: Tag<'a>) -> Result<Schema, Error> {
        let attrs = self.attrs(&tag)?;
        let mut schema = Schema {
            namespace: self.require(&attrs, "Namespace")?,
            alias: attrs.string("Alias"),
            pos: tag.pos,
            ..Schema::default()
        };
        self.children(&tag, |p, tag| {
            match local_name(&tag) {
                "EntityType" => {
                    let t = p.structured_type(tag, true)?;
                    schema.entity_types.push(t);
                }
                "ComplexType" => {
                    let t = p.structured_type(tag, false)?;
                    schema.complex_types.push(t);
                }
                "EnumType" => {
                    let t = p.enum_type(tag)?;
                    schema.enum_types.push(t);
                }
                "TypeDefinition" => {
                    let t = p.type_definition(tag)?;
                    schema.type_definitions.push(t);
                }
                "Term" => {
                    let t = p.term(tag)?;
                    schema.terms.push(t);
                }
                "Action" => {
                    let op = p.operation(tag, OperationKind::Action)?;
                    schema.actions.push(op);
                }
                "Function" => {
                    let op = p.operation(tag, OperationKind::Function)?;
                    schema.functions.push(op);
                }
                "EntityContainer" => {
                    let c = p.entity_container(tag)?;
                    schema.entity_containers.push(c);
                }
                "Annotations" => {
                    let g = p.annotation_group(tag)?;
                    schema.annotation_groups.push(g);
                }
                "Annotation" => {
                    let a = p.annotation(tag)?;
                    schema.annotations.push(a);
                }
                _ => p.skip(tag)?,
            }
            Ok(())
        })?;
        Ok(schema)
    }

    fn structured_type(&mut self, tag: Tag<'a>, entity: bool) -> Result<StructuredType, Error> {
        let attrs = self.attrs(&tag)?;
        let mut t = StructuredType {
            name: self.require(&attrs, "Name")?,
            base_type: attrs.string("BaseType"),
            is_abstract: self.boolean(&attrs, "Abstract", false)?,
            open_type: self.boolean(&attrs, "OpenType", false)?,
            has_stream: entity && self.boolean(&attrs, "HasStream", false)?,
            pos: tag.pos,
            ..StructuredType::default()
        };
        self.children(&tag, |p, tag| {
            match local_name(&tag) {
                "Key" if entity => {
                    let mut key = Key {
                        property_refs: Vec::new(),
                        pos: tag.pos,
                    };
                    if let Some(first) = &t.key {
                        return Err(p.error(
                            tag.pos,
                            ErrorKind::Duplicate {
                                what: "the key of entity type".into(),
                                name: t.name.clone(),
                                first: first.pos,
                            },
                        ));
                    }
                    p.children(&tag, |p, tag| {
                        if local_name(&tag) == "PropertyRef" {
                            let attrs = p.attrs(&tag)?;
                            key.property_refs.push(PropertyRef {
                                name: p.require(&attrs, "Name")?,
                                alias: attrs.string("Alias"),
                                pos: tag.pos,
                            });
                        }
                        p.skip(tag)
                    })?;
                    if key.property_refs.is_empty() {
                        return Err(p.error(
                            key.pos,
                            ErrorKind::EmptyKey {
                                name: t.name.clone(),
                            },
                        ));
                    }
                    t.key = Some(key);
                }
                "Property" => {
                    let property = p.property(tag)?;
                    t.properties.push(property);
                }
                "NavigationProperty" => {
                    let nav = p.navigation_property(tag)?;
                    t.navigation_properties.push(nav);
                }
                "Annotation" => {
                    let a = p.annotation(tag)?;
                    t.annotations.push(a);
                }
                _ => p.skip(tag)?,
            }
            Ok(())
        })?;
        Ok(t)
    }

    /// Collects the `Annotation` children of `tag` and skips everything else.
    fn annotations_only(&mut self, tag: &Tag<'a>) -> Result<Vec<Annotation>, Error> {
        let mut annotations = Vec::new();
        self.children(tag, |p, tag| {
            if local_name(&tag) == "Annotation" {
                let a = p.annotation(tag)?;
                annotations.push(a);
                Ok(())
            } else {
                p.skip(tag)
            }
        })?;
        Ok(annotations)
    }

    fn property(&mut self, tag: Tag<'a>) -> Result<Property, Error> {
        let attrs = self.attrs(&tag)?;
        let concurrency_fixed = match attrs.get("ConcurrencyMode") {
            None | Some("None") => false,
            Some("Fixed") => true,
            Some(other) => {
                return Err(self.invalid(
                    &attrs,
                    "ConcurrencyMode",
                    other,
                    "expected `Fixed` or `None`",
                ));
            }
        };
        let mut property = Property {
            name: self.require(&attrs, "Name")?,
            type_name: self.require(&attrs, "Type")?,
            nullable: self.boolean(&attrs, "Nullable", true)?,
            facets: self.facets(&attrs)?,
            default_value: attrs.string("DefaultValue"),
            concurrency_fixed,
            annotations: Vec::new(),
            pos: tag.pos,
        };
        property.annotations = self.annotations_only(&tag)?;
        Ok(property)
    }

    fn navigation_property(&mut self, tag: Tag<'a>) -> Result<NavigationProperty, Error> {
        let attrs = self.attrs(&tag)?;
        let mut nav = NavigationProperty {
            name: self.require(&attrs, "Name")?,
            type_name: self.require(&attrs, "Type")?,
            nullable: self.boolean(&attrs, "Nullable", true)?,
            partner: attrs.string("Partner"),
            contains_target: self.boolean(&attrs, "ContainsTarget", false)?,
            referential_constraints: Vec::new(),
            on_delete: None,
            annotations: Vec::new(),
            pos: tag.pos,
        };
        self.children(&tag, |p, tag| {
            match local_name(&tag) {
                "ReferentialConstraint" => {
                    let attrs = p.attrs(&tag)?;
                    nav.referential_constraints.push(ReferentialConstraint {
                        property: p.require(&attrs, "Property")?,
                        referenced_property: p.require(&attrs, "ReferencedProperty")?,
                        pos: tag.pos,
                    });
                    p.skip(tag)?;
                }
                "OnDelete" => {
                    let attrs = p.attrs(&tag)?;
                    nav.on_delete = Some(p.require(&attrs, "Action")?);
                    p.skip(tag)?;
                }
                "Annotation" => {
                    let a = p.annotation(tag)?;
                    nav.annotations.push(a);
                }
                _ => p.skip(tag)?,
            }
            Ok(())
        })?;
        Ok(nav)
    }

    fn enum_type(&mut self, tag: Tag<'a>) -> Result<EnumType, Error> {
        let attrs = self.attrs(&tag)?;
        let mut t = EnumType {
            name: self.require(&attrs, "Name")?,
            underlying_type: attrs.string("UnderlyingType"),
            is_flags: self.boolean(&attrs, "IsFlags", false)?,
            pos: tag.pos,
            ..EnumType::default()
        };
        self.children(&tag, |p, tag| {
            match local_name(&tag) {
                "Member" => {
                    let attrs = p.attrs(&tag)?;
                    let value = match attrs.get("Value") {
                        None => None,
                        Some(text) => Some(text.trim().parse::<i64>().map_err(|_| {
                            p.invalid(&attrs, "Value", text, "expected an integer")
                        })?),
                    };
                    let name = p.require(&attrs, "Name")?;
                    let annotations = p.annotations_only(&tag)?;
                    t.members.push(EnumMember {
                        name,
                        value,
                        annotations,
                        pos: tag.pos,
                    });
                }
                "Annotation" => {
                    let a = p.annotation(tag)?;
                    t.annotations.push(a);
                }
                _ => p.skip(tag)?,
            }
            Ok(())
        })?;
        Ok(t)
    }

    fn type_definition(&mut self, tag: Tag<'a>) -> Result<TypeDefinition, Error> {
        let attrs = self.attrs(&tag)?;
        let name = self.require(&attrs, "Name")?;
        let underlying_type = self.require(&attrs, "UnderlyingType")?;
        let facets = self.facets(&attrs)?;
        let annotations = self.annotations_only(&tag)?;
        Ok(TypeDefinition {
            name,
            underlying_type,
            facets,
            annotations,
            pos: tag.pos,
        })
    }

    fn term(&mut self, tag: Tag<'a>) -> Result<Term, Error> {
        let attrs = self.attrs(&tag)?;
        let term = Term {
            name: self.require(&attrs, "Name")?,
            type_name: self.require(&attrs, "Type")?,
            base_term: attrs.string("BaseTerm"),
            applies_to: attrs.string("AppliesTo"),
            nullable: self.boolean(&attrs, "Nullable", true)?,
            default_value: attrs.string("DefaultValue"),
            annotations: Vec::new(),
            pos: tag.pos,
        };
        let annotations = self.annotations_only(&tag)?;
        Ok(Term {
            annotations,
            ..term
        })
    }

    fn operation(&mut self, tag: Tag<'a>, kind: OperationKind) -> Result<Operation, Error> {
        let attrs = self.attrs(&tag)?;
        let mut op = Operation {
            kind,
            name: self.require(&attrs, "Name")?,
            is_bound: self.boolean(&attrs, "IsBound", false)?,
            is_composable: self.boolean(&attrs, "IsComposable", false)?,
            entity_set_path: attrs.string("EntitySetPath"),
            parameters: Vec::new(),
            return_type: None,
            annotations: Vec::new(),
            pos: tag.pos,
        };
        self.children(&tag, |p, tag| {
            match local_name(&tag) {
                "Parameter" => {
                    let attrs = p.attrs(&tag)?;
                    let name = p.require(&attrs, "Name")?;
                    let type_name = p.require(&attrs, "Type")?;
                    let nullable = p.boolean(&attrs, "Nullable", true)?;
                    let facets = p.facets(&attrs)?;
                    let annotations = p.annotations_only(&tag)?;
                    op.parameters.push(Parameter {
                        name,
                        type_name,
                        nullable,
                        facets,
                        annotations,
                        pos: tag.pos,
                    });
                }
                "ReturnType" => {
                    let attrs = p.attrs(&tag)?;
                    op.return_type = Some(ReturnType {
                        type_name: p.require(&attrs, "Type")?,
                        nullable: p.boolean(&attrs, "Nullable", true)?,
                        facets: p.facets(&attrs)?,
                        pos: tag.pos,
                    });
                    p.skip(tag)?;
                }
                "Annotation" => {
                    let a = p.annotation(tag)?;
                    op.annotations.push(a);
                }
                _ => p.skip(tag)?,
            }
            Ok(())
        })?;
        Ok(op)
    }

    fn entity_container(&mut self, tag: Tag<'a>) -> Result<EntityContainer, Error> {
        let attrs = self.attrs(&tag)?;
        let mut container = EntityContainer {
            name: self.require(&attrs, "Name")?,
            extends: attrs.string("Extends"),
            pos: tag.pos,
            ..EntityContainer::default()
        };
        self.children(&tag, |p, tag| {
            match local_name(&tag) {
                "EntitySet" => {
                    let set = p.entity_set(tag, "EntityType")?;
                    container.entity_sets.push(set);
                }
                "Singleton" => {
                    let set = p.entity_set(tag, "Type")?;
                    container.singletons.push(set);
                }
                "ActionImport" => {
                    let import = p.operation_import(tag, OperationKind::Action)?;
                    container.imports.push(import);
                }
                "FunctionImport" => {
                    let import = p.operation_import(tag, OperationKind::Function)?;
                    container.imports.push(import);
                }
                "Annotation" => {
                    let a = p.annotation(tag)?;
                    container.annotations.push(a);
                }
                _ => p.skip(tag)?,
            }
            Ok(())
        })?;
        Ok(container)
    }

    fn entity_set(&mut self, tag: Tag<'a>, type_attribute: &str) -> Result<EntitySet, Error> {
        let attrs = self.attrs(&tag)?;
        let mut set = EntitySet {
            name: self.require(&attrs, "Name")?,
            entity_type: self.require(&attrs, type_attribute)?,
            include_in_service_document: self.boolean(&attrs, "IncludeInServiceDocument", true)?,
            navigation_property_bindings: Vec::new(),
            annotations: Vec::new(),
            pos: tag.pos,
        };
        self.children(&tag, |p, tag| {
            match local_name(&tag) {
                "NavigationPropertyBinding" => {
                    let attrs = p.attrs(&tag)?;
                    set.navigation_property_bindings
                        .push(NavigationPropertyBinding {
                            path: p.require(&attrs, "Path")?,
                            target: p.require(&attrs, "Target")?,
                            pos: tag.pos,
                        });
                    p.skip(tag)?;
                }
                "Annotation" => {
                    let a = p.annotation(tag)?;
                    set.annotations.push(a);
                }
                _ => p.skip(tag)?,
            }
            Ok(())
        })?;
        Ok(set)
    }

    fn operation_import(
        &mut self,
        tag: Tag<'a>,
        kind: OperationKind,
    ) -> Result<OperationImport, Error> {
        let attrs = self.attrs(&tag)?;
        let operation_attribute = match kind {
            OperationKind::Action => "Action",
            OperationKind::Function => "Function",
        };
        let import = OperationImport {
            kind,
            name: self.require(&attrs, "Name")?,
            operation: self.require(&attrs, operation_attribute)?,
            entity_set: attrs.string("EntitySet"),
            include_in_service_document: self.boolean(&attrs, "IncludeInServiceDocument", false)?,
            annotations: Vec::new(),
            pos: tag.pos,
        };
        let annotations = self.annotations_only(&tag)?;
        Ok(OperationImport {
            annotations,
            ..import
        })
    }

    fn annotation_group(&mut self, tag: Tag<'a>) -> Result<AnnotationGroup, Error> {
        let attrs = self.attrs(&tag)?;
        let target = self.require(&attrs, "Target")?;
        let qualifier = attrs.string("Qualifier");
        let annotations = self.annotations_only(&tag)?;
        Ok(AnnotationGroup {
            target,
            qualifier,
            annotations,
            pos: tag.pos,
        })
    }

    fn annotation(&mut self, tag: Tag<'a>) -> Result<Annotation, Error> {
        let attrs = self.attrs(&tag)?;
        let term = self.require(&attrs, "Term")?;
        let qualifier = attrs.string("Qualifier");
        let inline = self.inline_value(&attrs)?;
        let mut value = inline.unwrap_or(AnnotationValue::Default);
        self.children(&tag, |p, tag| {
            if local_name(&tag) == "Annotation" {
                // An annotation of the annotation: not used by the generator.
                p.skip(tag)
            } else if value == AnnotationValue::Default {
                value = p.expression(tag)?;
                Ok(())
            } else {
                p.skip(tag)
            }
        })?;
        Ok(Annotation {
            term,
            qualifier,
            value,
            pos: tag.pos,
        })
    }

    /// A constant or path expression written as an attribute (`String="..."`, `Bool="true"`).
    fn inline_value(&self, attrs: &Attrs<'_>) -> Result<Option<AnnotationValue>, Error> {
        for (key, value) in &attrs.list {
            if let Some(v) = self.constant(attrs, key, value)? {
                return Ok(Some(v));
            }
        }
        Ok(None)
    }

    fn constant(
        &self,
        attrs: &Attrs<'_>,
        kind: &str,
        text: &str,
    ) -> Result<Option<AnnotationValue>, Error> {
        Ok(Some(match kind {
            "String" => AnnotationValue::String(text.to_string()),
            "Bool" => AnnotationValue::Bool(match text.trim() {
                "true" => true,
                "false" => false,
                _ => return Err(self.invalid(attrs, kind, text, "expected `true` or `false`")),
            }),
            "Int" => AnnotationValue::Int(
                text.trim()
                    .parse()
                    .map_err(|_| self.invalid(attrs, kind, text, "expected an integer"))?,
            ),
            "EnumMember" => AnnotationValue::EnumMember(text.trim().to_string()),
            "Path"
            | "PropertyPath"
            | "NavigationPropertyPath"
            | "AnnotationPath"
            | "ModelElementPath"
            | "AnyPropertyPath" => AnnotationValue::Path {
                kind: kind.to_string(),
                path: text.trim().to_string(),
            },
            "Decimal" | "Float" | "Guid" | "Date" | "DateTimeOffset" | "TimeOfDay" | "Duration"
            | "Binary" => AnnotationValue::Literal {
                kind: kind.to_string(),
                text: text.trim().to_string(),
            },
            _ => return Ok(None),
        }))
    }

    /// An annotation expression written as an element.
    fn expression(&mut self, tag: Tag<'a>) -> Result<AnnotationValue, Error> {
        let name = local_name(&tag).to_string();
        match name.as_str() {
            "Collection" => {
                let mut items = Vec::new();
                self.children(&tag, |p, tag| {
                    if local_name(&tag) == "Annotation" {
                        return p.skip(tag);
                    }
                    let item = p.expression(tag)?;
                    items.push(item);
                    Ok(())
                })?;
                Ok(AnnotationValue::Collection(items))
            }
            "Record" => {
                let attrs = self.attrs(&tag)?;
                let type_name = attrs.string("Type");
                let mut properties = Vec::new();
                self.children(&tag, |p, tag| {
                    if local_name(&tag) != "PropertyValue" {
                        return p.skip(tag);
                    }
                    let attrs = p.attrs(&tag)?;
                    let property = p.require(&attrs, "Property")?;
                    let mut value = p.inline_value(&attrs)?.unwrap_or(AnnotationValue::Default);
                    p.children(&tag, |p, tag| {
                        if local_name(&tag) == "Annotation" || value != AnnotationValue::Default {
                            return p.skip(tag);
                        }
                        value = p.expression(tag)?;
                        Ok(())
                    })?;
                    properties.push((property, value));
                    Ok(())
                })?;
                Ok(AnnotationValue::Record {
                    type_name,
                    properties,
                })
            }
            "Null" => {
                self.skip(tag)?;
                Ok(AnnotationValue::Null)
            }
            _ => {
                let attrs = self.attrs(&tag)?;
                if is_constant_kind(&name) {
                    let text = self.text(&tag)?;
                    let value = self.constant(&attrs, &name, &text)?;
                    Ok(value.unwrap_or(AnnotationValue::Null))
                } else {
                    let mut children = Vec::new();
                    self.children(&tag, |p, tag| {
                        if local_name(&tag) == "Annotation" {
                            return p.skip(tag);
                        }
                        let child = p.expression(tag)?;
                        children.push(child);
                        Ok(())
                    })?;
                    Ok(AnnotationValue::Other {
                        kind: name,
                        children,
                    })
                }
            }
        }
    }
}
