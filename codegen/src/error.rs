//! Errors and warnings of the front end. Every one names the file, the line and the column, says
//! what is wrong, and says what the user can do about it.

use crate::source::Pos;
use std::fmt;

/// An error that stops the front end: the document cannot be turned into a trustworthy model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: error: {kind}{}", location(.pos), hint_suffix(.kind))]
pub struct Error {
    /// The document's name as given by the caller (usually its path).
    pub file: String,
    /// Where in the document.
    pub pos: Pos,
    /// What is wrong (boxed to keep `Result<_, Error>` small).
    pub kind: Box<ErrorKind>,
}

/// `:line:column`, or nothing for errors about the whole file (position 0).
fn location(pos: &Pos) -> String {
    if pos.line == 0 {
        String::new()
    } else {
        format!(":{pos}")
    }
}

fn hint_suffix(kind: &ErrorKind) -> String {
    match kind.hint() {
        Some(hint) => format!("\n  help: {hint}"),
        None => String::new(),
    }
}

/// What is wrong with a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// The file could not be read.
    #[error("cannot read the file: {0}")]
    Io(String),
    /// The bytes are not well-formed XML (or not UTF-8).
    #[error("malformed XML: {0}")]
    MalformedXml(String),
    /// The XML is well-formed but is not a CSDL document.
    #[error("not a CSDL document: {0}")]
    NotCsdl(String),
    /// Elements are nested deeper than any CSDL document needs.
    #[error("<{element}> is nested {limit} elements deep, deeper than a CSDL document can be")]
    TooDeep {
        /// The element at the limit.
        element: String,
        /// The nesting limit.
        limit: usize,
    },
    /// A required attribute is missing.
    #[error("<{element}> has no `{attribute}` attribute")]
    MissingAttribute {
        /// The element.
        element: String,
        /// The attribute it needs.
        attribute: String,
    },
    /// An attribute has a value that is not allowed.
    #[error("<{element}> has an invalid `{attribute}` value {value:?}: {expected}")]
    InvalidAttribute {
        /// The element.
        element: String,
        /// The attribute.
        attribute: String,
        /// The value as written.
        value: String,
        /// What was expected instead.
        expected: String,
    },
    /// A name refers to a type (or term, set, operation) that the document does not define.
    #[error("{what} `{name}` is not defined in this document{}", suggestion_suffix(.suggestion))]
    UnknownReference {
        /// What kind of thing was looked for, e.g. "type".
        what: String,
        /// The name as written.
        name: String,
        /// A defined name that is close, if any.
        suggestion: Option<String>,
    },
    /// A reference resolves to the wrong kind of thing (e.g. a complex type where an entity type
    /// is required).
    #[error("`{name}` is {found}, but {expected} is required here")]
    WrongKind {
        /// The name as written.
        name: String,
        /// What it is.
        found: String,
        /// What is needed.
        expected: String,
    },
    /// The same name is defined twice.
    #[error("{what} `{name}` is defined twice; the first definition is at line {first}")]
    Duplicate {
        /// What kind of thing.
        what: String,
        /// The qualified name.
        name: String,
        /// Where the first definition is.
        first: Pos,
    },
    /// A type derives from itself.
    #[error("inheritance cycle: {}", .chain.join(" -> "))]
    InheritanceCycle {
        /// The chain of type names, ending where it started.
        chain: Vec<String>,
    },
    /// A selection names something the document does not have.
    #[error("the selection names the {what} `{name}`, which the document does not have{}", suggestion_suffix(.suggestion))]
    UnknownSelection {
        /// What kind of thing was looked for, e.g. "entity set".
        what: String,
        /// The name as written.
        name: String,
        /// A name that is close, if any.
        suggestion: Option<String>,
    },
    /// A configuration file is not valid.
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),
    /// A metadata sidecar (see `sidecar`) is not valid: the JSON path, when known, and what is
    /// wrong.
    #[error("invalid metadata sidecar{}: {message}", sidecar_path(.path))]
    InvalidSidecar {
        /// The JSON path, e.g. `tables[2].attributes[5].option_set.options[1].value`.
        path: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// A `<Key>` without `<PropertyRef>`.
    #[error("the <Key> of entity type `{name}` names no property")]
    EmptyKey {
        /// The type name.
        name: String,
    },
    /// A non-abstract entity type has no key (only with the strict option).
    #[error("entity type `{name}` has no key and is not abstract")]
    MissingKey {
        /// The qualified type name.
        name: String,
    },
}

fn sidecar_path(path: &Option<String>) -> String {
    match path {
        Some(p) => format!(" at `{p}`"),
        None => String::new(),
    }
}

fn suggestion_suffix(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(s) => format!(" (did you mean `{s}`?)"),
        None => String::new(),
    }
}

impl ErrorKind {
    /// What the user can do about the error, if there is something to say.
    pub fn hint(&self) -> Option<String> {
        match self {
            ErrorKind::Io(_) => Some("check the path and that the file is readable".into()),
            ErrorKind::MalformedXml(_) => Some(
                "the file is not well-formed XML; check that the download is complete and that \
                 it is the service's $metadata document"
                    .into(),
            ),
            ErrorKind::TooDeep { .. } => Some(
                "CSDL nests a few levels (schema, type, property, annotation, record, value...); \
                 check that this is a $metadata document and that it was not generated wrongly"
                    .into(),
            ),
            ErrorKind::NotCsdl(_) => Some(
                "pass the service's $metadata document (an <edmx:Edmx> root with <Schema> elements)"
                    .into(),
            ),
            ErrorKind::MissingAttribute { .. } => {
                Some("add the attribute; the CSDL specification requires it".into())
            }
            ErrorKind::InvalidAttribute { .. } => None,
            ErrorKind::UnknownReference { .. } => Some(
                "define it, fix the spelling, or (for a partial document whose types live \
                 elsewhere) pass --allow-dangling-references to accept it as an untyped value \
                 with a warning"
                    .into(),
            ),
            ErrorKind::WrongKind { .. } => None,
            ErrorKind::UnknownSelection { .. } => Some(
                "fix the name (names are case-sensitive; entity sets are plural, e.g. \
                 `accounts`, entity types singular, e.g. `account`), or run `dataverse-codegen \
                 inspect` on the metadata to see what it has"
                    .into(),
            ),
            ErrorKind::InvalidConfig(_) => Some(
                "see the configuration reference in README.md for the keys and their types"
                    .into(),
            ),
            ErrorKind::Duplicate { .. } => Some("remove or rename one of the definitions".into()),
            ErrorKind::EmptyKey { .. } => Some(
                "add a <PropertyRef Name=\"...\"/> for each key property, or remove the <Key> \
                 (an entity type may inherit its key)"
                    .into(),
            ),
            ErrorKind::InheritanceCycle { .. } => {
                Some("break the cycle by changing one of the BaseType attributes".into())
            }
            ErrorKind::InvalidSidecar { .. } => Some(
                "fix the file, or download it again with `dataverse-codegen fetch URL --sidecar \
                 FILE --tables ...`"
                    .into(),
            ),
            ErrorKind::MissingKey { .. } => Some(
                "declare a <Key>, mark the type Abstract, or drop --strict to accept it with a \
                 warning (it can then be read but not addressed by key)"
                    .into(),
            ),
        }
    }
}

/// Something the front end accepted although it is unusual or violates the specification in a
/// way real services do; it does not stop generation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Warning {
    /// The document's name.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// What was accepted and what it means for the generated code.
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: warning: {}",
            self.file, self.line, self.column, self.message
        )
    }
}
