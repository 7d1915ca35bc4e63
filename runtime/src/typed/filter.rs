//! `$filter` expressions: [`Filter`], [`FunctionArg`] and their renderer.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{BitAnd, BitOr, Not};

use crate::path::Literal;

/// An argument of a function call inside an expression.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Arg {
    /// A property path written bare: the `name` of `contains(name,'x')`.
    Path(String),
    /// A property path written as a string literal: `PropertyName='createdon'`.
    PathName(String),
    /// A literal, already in OData form.
    Literal(String),
}

/// The expression tree behind a [`Filter`]. Property paths stay separate pieces so a lambda can
/// prefix them with its variable when the expression is rendered.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Expr {
    /// Caller's text, inserted as is.
    Raw(String),
    /// `true` / `false`.
    Bool(bool),
    /// `name(arg,...)` or `name(Param=arg,...)`.
    Call {
        name: String,
        args: Vec<(Option<&'static str>, Arg)>,
    },
    /// `path op value` (`eq ne gt ge lt le has`).
    Compare {
        path: String,
        op: &'static str,
        value: String,
    },
    /// `path in (v1,v2)`.
    In { path: String, values: Vec<String> },
    /// `path/any(o:body)`, `path/all(o:body)`, `path/any()`.
    Lambda {
        path: String,
        all: bool,
        body: Option<Box<Expr>>,
    },
    /// `not e`.
    Not(Box<Expr>),
    /// `a and b`.
    And(Box<Expr>, Box<Expr>),
    /// `a or b`.
    Or(Box<Expr>, Box<Expr>),
}

/// OData operator precedence, lowest first. `Raw` is below everything: caller text is always
/// parenthesised when it is an operand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    Raw,
    Or,
    And,
    Compare,
    Not,
    Primary,
}

/// The name of the lambda variable introduced at nesting `depth`: `o`, then `o1`, `o2`, ...
pub(super) fn lambda_variable(depth: usize) -> String {
    if depth == 0 {
        "o".to_owned()
    } else {
        format!("o{depth}")
    }
}

impl Expr {
    fn prec(&self) -> Prec {
        match self {
            Expr::Raw(_) => Prec::Raw,
            Expr::Or(..) => Prec::Or,
            Expr::And(..) => Prec::And,
            Expr::Compare { .. } | Expr::In { .. } => Prec::Compare,
            Expr::Not(_) => Prec::Not,
            Expr::Bool(_) | Expr::Call { .. } | Expr::Lambda { .. } => Prec::Primary,
        }
    }

    /// Writes the expression; `var` is the lambda variable property paths are relative to (none
    /// at the top level), `depth` the number of enclosing lambdas.
    fn write(&self, out: &mut String, var: Option<&str>, depth: usize) {
        match self {
            Expr::Raw(text) => out.push_str(text),
            Expr::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Expr::Call { name, args } => {
                out.push_str(name);
                out.push('(');
                for (i, (param, arg)) in args.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if let Some(p) = param {
                        out.push_str(p);
                        out.push('=');
                    }
                    match arg {
                        Arg::Path(p) => write_path(out, var, p),
                        Arg::PathName(p) => {
                            let mut full = String::new();
                            write_path(&mut full, var, p);
                            out.push_str(&Literal::String(full).to_odata());
                        }
                        Arg::Literal(l) => out.push_str(l),
                    }
                }
                out.push(')');
            }
            Expr::Compare { path, op, value } => {
                write_path(out, var, path);
                out.push(' ');
                out.push_str(op);
                out.push(' ');
                out.push_str(value);
            }
            Expr::In { path, values } => {
                write_path(out, var, path);
                out.push_str(" in (");
                out.push_str(&values.join(","));
                out.push(')');
            }
            Expr::Lambda { path, all, body } => {
                write_path(out, var, path);
                out.push_str(if *all { "/all(" } else { "/any(" });
                if let Some(body) = body {
                    let inner = lambda_variable(depth);
                    out.push_str(&inner);
                    out.push(':');
                    body.write(out, Some(&inner), depth + 1);
                }
                out.push(')');
            }
            Expr::Not(e) => {
                out.push_str("not ");
                e.write_operand(out, Prec::Not, var, depth);
            }
            Expr::And(a, b) => {
                a.write_operand(out, Prec::And, var, depth);
                out.push_str(" and ");
                b.write_operand(out, Prec::And, var, depth);
            }
            Expr::Or(a, b) => {
                a.write_operand(out, Prec::Or, var, depth);
                out.push_str(" or ");
                b.write_operand(out, Prec::Or, var, depth);
            }
        }
    }

    /// Writes an operand of an operator of precedence `min`, in parentheses when it binds less
    /// tightly. `and` and `or` are associative, so an operand of the same operator needs none.
    fn write_operand(&self, out: &mut String, min: Prec, var: Option<&str>, depth: usize) {
        if self.prec() < min {
            out.push('(');
            self.write(out, var, depth);
            out.push(')');
        } else {
            self.write(out, var, depth);
        }
    }
}

fn write_path(out: &mut String, var: Option<&str>, path: &str) {
    if let Some(v) = var {
        out.push_str(v);
        out.push('/');
    }
    out.push_str(path);
}

/// A `$filter` expression over the properties of `O`: a boolean built from
/// [`Property`](super::Property) comparisons, string functions, lambdas over
/// [`Navigation`](super::Navigation)s, query functions and `and` / `or` / `not`.
///
/// [`Filter::render`] gives the OData text, not URL-encoded; hand it to
/// [`Query::filter`](crate::Query::filter), which encodes it (a `Filter` also converts into a
/// `String`, so `Query::new().filter(f)` works). Parentheses are written only where OData
/// precedence needs them (`not`, then comparisons, then `and`, then `or`); text from
/// [`Filter::raw`] is always parenthesised when it is an operand.
///
/// Inside a lambda ([`Navigation::any`](super::Navigation::any) /
/// [`all`](super::Navigation::all)) every property path of the predicate is prefixed with the
/// lambda variable: `o` for the outermost lambda, `o1` for a lambda inside it, then `o2`, ...
///
/// ```
/// use dataverse_runtime::typed::{Filter, Property};
///
/// struct Account;
/// impl Account {
///     const NAME: Property<Account, String> = Property::new("name");
///     const NUMBEROFEMPLOYEES: Property<Account, i32> = Property::new("numberofemployees");
/// }
///
/// let f = Account::NAME
///     .startswith("Con")
///     .or(Account::NAME.eq("O'Neil"))
///     .and(!Account::NUMBEROFEMPLOYEES.gt(10));
/// assert_eq!(
///     f.render(),
///     "(startswith(name,'Con') or name eq 'O''Neil') and not (numberofemployees gt 10)"
/// );
/// ```
pub struct Filter<O> {
    pub(super) expr: Expr,
    _owner: super::Phantom<O>,
}

impl<O> Clone for Filter<O> {
    fn clone(&self) -> Self {
        Filter::from_expr(self.expr.clone())
    }
}

impl<O> fmt::Debug for Filter<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Filter").field(&self.render()).finish()
    }
}

impl<O> fmt::Display for Filter<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl<O> From<Filter<O>> for String {
    fn from(f: Filter<O>) -> String {
        f.render()
    }
}

impl<O> Filter<O> {
    pub(super) fn from_expr(expr: Expr) -> Self {
        Filter {
            expr,
            _owner: PhantomData,
        }
    }

    /// `self and other`.
    pub fn and(self, other: Filter<O>) -> Filter<O> {
        Filter::from_expr(Expr::And(Box::new(self.expr), Box::new(other.expr)))
    }

    /// `self or other`.
    pub fn or(self, other: Filter<O>) -> Filter<O> {
        Filter::from_expr(Expr::Or(Box::new(self.expr), Box::new(other.expr)))
    }

    /// `not self`.
    #[allow(clippy::should_implement_trait)] // `Not` is implemented too; this one chains.
    pub fn not(self) -> Filter<O> {
        Filter::from_expr(Expr::Not(Box::new(self.expr)))
    }

    /// An escape hatch: OData text inserted as is, in parentheses when combined with anything.
    ///
    /// The text is not checked and not rewritten: inside a lambda it must name the lambda
    /// variable itself (`o/...`, `o1/...`, see [`Filter`]), and any literal in it must be written
    /// with [`Literal::to_odata`].
    pub fn raw(text: impl Into<String>) -> Filter<O> {
        Filter::from_expr(Expr::Raw(text.into()))
    }

    /// A boolean query function with named parameters, e.g. Dataverse's
    /// `Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7)`:
    ///
    /// ```
    /// use dataverse_runtime::typed::{Filter, FunctionArg, Property};
    ///
    /// struct Account;
    /// const CREATEDON: Property<Account, dataverse_runtime::DateTimeOffset> =
    ///     Property::new("createdon");
    ///
    /// let f: Filter<Account> = Filter::function(
    ///     "Microsoft.Dynamics.CRM.LastXDays",
    ///     vec![("PropertyName", CREATEDON.name_arg()), ("PropertyValue", FunctionArg::value(7))],
    /// );
    /// assert_eq!(
    ///     f.render(),
    ///     "Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=7)"
    /// );
    /// ```
    ///
    /// The function and parameter names are written as given. A
    /// [`FunctionArg::PropertyName`] is a property path: inside a lambda it is prefixed with the
    /// lambda variable like any other path (`PropertyName='o/createdon'`).
    pub fn function(qualified_name: &str, args: Vec<(&'static str, FunctionArg)>) -> Filter<O> {
        let args = args
            .into_iter()
            .map(|(param, arg)| {
                let arg = match arg {
                    FunctionArg::PropertyName(p) => Arg::PathName(p),
                    FunctionArg::Value(l) => Arg::Literal(l.to_odata()),
                    FunctionArg::Strings(items) => Arg::Literal(format!(
                        "[{}]",
                        items
                            .into_iter()
                            .map(|s| Literal::String(s).to_odata())
                            .collect::<Vec<_>>()
                            .join(",")
                    )),
                };
                (Some(param), arg)
            })
            .collect();
        Filter::from_expr(Expr::Call {
            name: qualified_name.to_owned(),
            args,
        })
    }

    /// The OData text of the expression, not URL-encoded.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.expr.write(&mut out, None, 0);
        out
    }
}

impl<O> Not for Filter<O> {
    type Output = Filter<O>;
    fn not(self) -> Filter<O> {
        Filter::not(self)
    }
}

impl<O> BitAnd for Filter<O> {
    type Output = Filter<O>;
    fn bitand(self, other: Filter<O>) -> Filter<O> {
        self.and(other)
    }
}

impl<O> BitOr for Filter<O> {
    type Output = Filter<O>;
    fn bitor(self, other: Filter<O>) -> Filter<O> {
        self.or(other)
    }
}

/// An argument of a query function called with [`Filter::function`].
#[derive(Debug, Clone, PartialEq)]
pub enum FunctionArg {
    /// A property path, written as a string literal (`PropertyName='createdon'`); see
    /// [`Property::name_arg`](super::Property::name_arg).
    PropertyName(String),
    /// A value, written with [`Literal::to_odata`] (`PropertyValue=7`,
    /// `PropertyValues=["a","b"]` from a [`Literal::Json`] array).
    Value(Literal),
    /// A list of strings written as OData string literals in brackets (`PropertyValues=['1','9']`,
    /// the form Dataverse documents for `ContainValues`); quotes in them are doubled.
    Strings(Vec<String>),
}

impl FunctionArg {
    /// A value argument from anything that converts into a [`Literal`].
    pub fn value(value: impl Into<Literal>) -> Self {
        FunctionArg::Value(value.into())
    }
}

impl From<Literal> for FunctionArg {
    fn from(l: Literal) -> Self {
        FunctionArg::Value(l)
    }
}
