//! Typed query building: `$filter`, `$select`, `$orderby` and `$expand` checked by the compiler.
//!
//! Generated SDKs give every entity and complex type associated constants made with
//! [`Property::new`], [`Lookup::new`] and [`Navigation::new`]:
//!
//! ```
//! use dataverse_runtime::Decimal;
//! use dataverse_runtime::typed::{Lookup, Navigation, Property};
//!
//! pub struct Account;
//! pub struct Contact;
//! impl Account {
//!     pub const NAME: Property<Account, String> = Property::new("name");
//!     pub const REVENUE: Property<Account, Decimal> = Property::new("revenue");
//!     pub const PRIMARYCONTACTID: Lookup<Account, Contact> =
//!         Lookup::new("primarycontactid", "contacts");
//!     pub const CONTACT_CUSTOMER_ACCOUNTS: Navigation<Account, Contact> =
//!         Navigation::new("contact_customer_accounts", "contacts");
//! }
//! impl Contact {
//!     pub const FULLNAME: Property<Contact, String> = Property::new("fullname");
//! }
//!
//! let f = Account::NAME
//!     .contains("x")
//!     .and(Account::REVENUE.gt("1000.50".parse::<Decimal>().unwrap()))
//!     .and(Account::PRIMARYCONTACTID.then(Contact::FULLNAME).eq("Ann"))
//!     .and(Account::CONTACT_CUSTOMER_ACCOUNTS.any(Contact::FULLNAME.startswith("A")));
//! assert_eq!(
//!     f.render(),
//!     "contains(name,'x') and revenue gt 1000.50 and primarycontactid/fullname eq 'Ann' \
//!      and contact_customer_accounts/any(o:startswith(o/fullname,'A'))"
//! );
//! ```
//!
//! Wrong queries do not compile: a property of another type in a filter, select, order or expand
//! option; a value of the wrong Rust type in a comparison; `$expand` of a structural property;
//! `any` on a single-valued navigation; `$select` of a path through a navigation
//! (`Property<_, _, Path>`).
//!
//! Everything renders the OData text, not URL-encoded; [`Query`](crate::Query) encodes it.
//! Literals are always written by [`Literal::to_odata`], so a value can never change the shape
//! of an expression.
//!
//! ```
//! # use dataverse_runtime::typed::{Lookup, Navigation, Property};
//! # pub struct Account;
//! # pub struct Contact;
//! # impl Account {
//! #     pub const NAME: Property<Account, String> = Property::new("name");
//! #     pub const PRIMARYCONTACTID: Lookup<Account, Contact> =
//! #         Lookup::new("primarycontactid", "contacts");
//! # }
//! # impl Contact {
//! #     pub const FULLNAME: Property<Contact, String> = Property::new("fullname");
//! # }
//! use dataverse_runtime::Query;
//! use dataverse_runtime::typed::select_list;
//!
//! let q = Query::new()
//!     .select(select_list(Account::NAME))
//!     .filter(Account::NAME.eq("A&B"))
//!     .orderby(Account::NAME.desc())
//!     .expand(Account::PRIMARYCONTACTID.expand().select(Contact::FULLNAME));
//! assert_eq!(
//!     q.render(),
//!     "$select=name&$filter=name%20eq%20%27A%26B%27&$orderby=name%20desc\
//!      &$expand=primarycontactid($select%3Dfullname)"
//! );
//! ```
//!
//! # What does not compile
//!
//! A property of another type in a filter:
//!
//! ```compile_fail,E0308
//! # use dataverse_runtime::typed::*;
//! # pub struct Account;
//! # pub struct Contact;
//! # impl Account {
//! #     pub const NAME: Property<Account, String> = Property::new("name");
//! #     pub const NUMBEROFEMPLOYEES: Property<Account, i32> = Property::new("numberofemployees");
//! #     pub const PRIMARYCONTACTID: Lookup<Account, Contact> =
//! #         Lookup::new("primarycontactid", "contacts");
//! #     pub const CONTACTS: Navigation<Account, Contact> =
//! #         Navigation::new("contact_customer_accounts", "contacts");
//! # }
//! # impl Contact {
//! #     pub const FULLNAME: Property<Contact, String> = Property::new("fullname");
//! # }
//! let f: Filter<Account> = Account::NAME.eq("a").and(Contact::FULLNAME.eq("b"));
//! ```
//!
//! A lambda predicate over the wrong type:
//!
//! ```compile_fail,E0308
//! # use dataverse_runtime::typed::*;
//! # pub struct Account;
//! # pub struct Contact;
//! # impl Account {
//! #     pub const NAME: Property<Account, String> = Property::new("name");
//! #     pub const NUMBEROFEMPLOYEES: Property<Account, i32> = Property::new("numberofemployees");
//! #     pub const PRIMARYCONTACTID: Lookup<Account, Contact> =
//! #         Lookup::new("primarycontactid", "contacts");
//! #     pub const CONTACTS: Navigation<Account, Contact> =
//! #         Navigation::new("contact_customer_accounts", "contacts");
//! # }
//! # impl Contact {
//! #     pub const FULLNAME: Property<Contact, String> = Property::new("fullname");
//! # }
//! let f = Account::CONTACTS.any(Account::NAME.eq("x"));
//! ```
//!
//! A lookup path to a property of another type:
//!
//! ```compile_fail,E0308
//! # use dataverse_runtime::typed::*;
//! # pub struct Account;
//! # pub struct Contact;
//! # impl Account {
//! #     pub const NAME: Property<Account, String> = Property::new("name");
//! #     pub const NUMBEROFEMPLOYEES: Property<Account, i32> = Property::new("numberofemployees");
//! #     pub const PRIMARYCONTACTID: Lookup<Account, Contact> =
//! #         Lookup::new("primarycontactid", "contacts");
//! #     pub const CONTACTS: Navigation<Account, Contact> =
//! #         Navigation::new("contact_customer_accounts", "contacts");
//! # }
//! # impl Contact {
//! #     pub const FULLNAME: Property<Contact, String> = Property::new("fullname");
//! # }
//! let p = Account::PRIMARYCONTACTID.then(Account::NAME);
//! ```
//!
//! A value of the wrong type:
//!
//! ```compile_fail,E0277
//! # use dataverse_runtime::typed::*;
//! # pub struct Account;
//! # pub struct Contact;
//! # impl Account {
//! #     pub const NAME: Property<Account, String> = Property::new("name");
//! #     pub const NUMBEROFEMPLOYEES: Property<Account, i32> = Property::new("numberofemployees");
//! #     pub const PRIMARYCONTACTID: Lookup<Account, Contact> =
//! #         Lookup::new("primarycontactid", "contacts");
//! #     pub const CONTACTS: Navigation<Account, Contact> =
//! #         Navigation::new("contact_customer_accounts", "contacts");
//! # }
//! # impl Contact {
//! #     pub const FULLNAME: Property<Contact, String> = Property::new("fullname");
//! # }
//! let f = Account::NUMBEROFEMPLOYEES.eq("ten");
//! ```
//!
//! A string function on a number:
//!
//! ```compile_fail,E0599
//! # use dataverse_runtime::typed::*;
//! # pub struct Account;
//! # pub struct Contact;
//! # impl Account {
//! #     pub const NAME: Property<Account, String> = Property::new("name");
//! #     pub const NUMBEROFEMPLOYEES: Property<Account, i32> = Property::new("numberofemployees");
//! #     pub const PRIMARYCONTACTID: Lookup<Account, Contact> =
//! #         Lookup::new("primarycontactid", "contacts");
//! #     pub const CONTACTS: Navigation<Account, Contact> =
//! #         Navigation::new("contact_customer_accounts", "contacts");
//! # }
//! # impl Contact {
//! #     pub const FULLNAME: Property<Contact, String> = Property::new("fullname");
//! # }
//! let f = Account::NUMBEROFEMPLOYEES.contains("1");
//! ```
//!
//! `any` on a single-valued navigation:
//!
//! ```compile_fail,E0599
//! # use dataverse_runtime::typed::*;
//! # pub struct Account;
//! # pub struct Contact;
//! # impl Account {
//! #     pub const NAME: Property<Account, String> = Property::new("name");
//! #     pub const NUMBEROFEMPLOYEES: Property<Account, i32> = Property::new("numberofemployees");
//! #     pub const PRIMARYCONTACTID: Lookup<Account, Contact> =
//! #         Lookup::new("primarycontactid", "contacts");
//! #     pub const CONTACTS: Navigation<Account, Contact> =
//! #         Navigation::new("contact_customer_accounts", "contacts");
//! # }
//! # impl Contact {
//! #     pub const FULLNAME: Property<Contact, String> = Property::new("fullname");
//! # }
//! let f = Account::PRIMARYCONTACTID.any(Contact::FULLNAME.eq("x"));
//! ```
//!
//! `$expand` of a structural property:
//!
//! ```compile_fail,E0277
//! # use dataverse_runtime::typed::*;
//! # pub struct Account;
//! # pub struct Contact;
//! # impl Account {
//! #     pub const NAME: Property<Account, String> = Property::new("name");
//! #     pub const NUMBEROFEMPLOYEES: Property<Account, i32> = Property::new("numberofemployees");
//! #     pub const PRIMARYCONTACTID: Lookup<Account, Contact> =
//! #         Lookup::new("primarycontactid", "contacts");
//! #     pub const CONTACTS: Navigation<Account, Contact> =
//! #         Navigation::new("contact_customer_accounts", "contacts");
//! # }
//! # impl Contact {
//! #     pub const FULLNAME: Property<Contact, String> = Property::new("fullname");
//! # }
//! let e = expand_list(Account::NAME);
//! ```
//!
//! `$select` of a path through a navigation:
//!
//! ```compile_fail,E0277
//! # use dataverse_runtime::typed::*;
//! # pub struct Account;
//! # pub struct Contact;
//! # impl Account {
//! #     pub const NAME: Property<Account, String> = Property::new("name");
//! #     pub const NUMBEROFEMPLOYEES: Property<Account, i32> = Property::new("numberofemployees");
//! #     pub const PRIMARYCONTACTID: Lookup<Account, Contact> =
//! #         Lookup::new("primarycontactid", "contacts");
//! #     pub const CONTACTS: Navigation<Account, Contact> =
//! #         Navigation::new("contact_customer_accounts", "contacts");
//! # }
//! # impl Contact {
//! #     pub const FULLNAME: Property<Contact, String> = Property::new("fullname");
//! # }
//! let s = select_list(Account::PRIMARYCONTACTID.then(Contact::FULLNAME));
//! ```
//!
//! `$select` of a property of another type inside an expand:
//!
//! ```compile_fail,E0277
//! # use dataverse_runtime::typed::*;
//! # pub struct Account;
//! # pub struct Contact;
//! # impl Account {
//! #     pub const NAME: Property<Account, String> = Property::new("name");
//! #     pub const NUMBEROFEMPLOYEES: Property<Account, i32> = Property::new("numberofemployees");
//! #     pub const PRIMARYCONTACTID: Lookup<Account, Contact> =
//! #         Lookup::new("primarycontactid", "contacts");
//! #     pub const CONTACTS: Navigation<Account, Contact> =
//! #         Navigation::new("contact_customer_accounts", "contacts");
//! # }
//! # impl Contact {
//! #     pub const FULLNAME: Property<Contact, String> = Property::new("fullname");
//! # }
//! let e = Account::PRIMARYCONTACTID.expand().select(Account::NAME);
//! ```
//!
//! `$filter` inside the expand of a single-valued navigation:
//!
//! ```compile_fail,E0599
//! # use dataverse_runtime::typed::*;
//! # pub struct Account;
//! # pub struct Contact;
//! # impl Account {
//! #     pub const NAME: Property<Account, String> = Property::new("name");
//! #     pub const NUMBEROFEMPLOYEES: Property<Account, i32> = Property::new("numberofemployees");
//! #     pub const PRIMARYCONTACTID: Lookup<Account, Contact> =
//! #         Lookup::new("primarycontactid", "contacts");
//! #     pub const CONTACTS: Navigation<Account, Contact> =
//! #         Navigation::new("contact_customer_accounts", "contacts");
//! # }
//! # impl Contact {
//! #     pub const FULLNAME: Property<Contact, String> = Property::new("fullname");
//! # }
//! let e = Account::PRIMARYCONTACTID.expand().filter(Contact::FULLNAME.eq("x"));
//! ```
//!
//! The same declarations with correct code compile:
//!
//! ```
//! # use dataverse_runtime::typed::*;
//! # pub struct Account;
//! # pub struct Contact;
//! # impl Account {
//! #     pub const NAME: Property<Account, String> = Property::new("name");
//! #     pub const NUMBEROFEMPLOYEES: Property<Account, i32> = Property::new("numberofemployees");
//! #     pub const PRIMARYCONTACTID: Lookup<Account, Contact> =
//! #         Lookup::new("primarycontactid", "contacts");
//! #     pub const CONTACTS: Navigation<Account, Contact> =
//! #         Navigation::new("contact_customer_accounts", "contacts");
//! # }
//! # impl Contact {
//! #     pub const FULLNAME: Property<Contact, String> = Property::new("fullname");
//! # }
//! let f: Filter<Account> = Account::NAME.eq("a").and(Account::NUMBEROFEMPLOYEES.eq(10));
//! let g = Account::CONTACTS.any(Contact::FULLNAME.eq("x"));
//! let p = Account::PRIMARYCONTACTID.then(Contact::FULLNAME);
//! let e = expand_list((Account::PRIMARYCONTACTID, Account::CONTACTS));
//! let s = select_list(Account::NAME);
//! let x = Account::CONTACTS
//!     .expand()
//!     .select(Contact::FULLNAME)
//!     .filter(Contact::FULLNAME.eq("x"));
//! # let _ = (f, g, p, e, s, x);
//! ```

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use uuid::Uuid;

use crate::path::Literal;
use crate::values::{Date, DateTimeOffset, Decimal, TimeOfDay};

mod expand;
mod filter;
mod lists;

pub use expand::{Expand, ExpandList, Many, One, expand_list};
pub use filter::{Filter, FunctionArg};
pub use lists::{OrderBy, OrderList, SelectList, orderby_list, select_list};

use filter::{Arg, Expr};

/// The phantom marker of every generic type here: `fn() -> T` keeps the types `Send`, `Sync`
/// and covariant whatever `T` is.
type Phantom<T> = PhantomData<fn() -> T>;

/// Marker: a property of the type itself (selectable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Direct;

/// Marker: a property of the type itself that the service never lets a client write (a
/// Dataverse column valid neither for create nor for update, a lookup value, a computed
/// property): selectable, filterable and orderable like [`Direct`], but not accepted by
/// `set_property`/`clear_property`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ReadOnly;

/// The kinds of property that `$select` accepts: [`Direct`] and [`ReadOnly`].
#[diagnostic::on_unimplemented(
    message = "a property reached through a navigation or a complex property cannot be in `$select`",
    label = "a `Property<_, _, Path>`",
    note = "select the related table's columns inside `$expand`: `Lookup.expand().select(..)`"
)]
pub trait Selectable {}
impl Selectable for Direct {}
impl Selectable for ReadOnly {}

/// Marker: a property reached through a single-valued navigation or a complex property
/// (filterable and orderable, not selectable).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Path;

/// A value that can stand on the right of a comparison in `$filter`.
///
/// Implemented for the primitive types of the runtime; generated SDKs implement it for their
/// enums (returning [`Literal::enumeration`]).
pub trait FilterValue {
    /// The value as an OData literal.
    fn to_literal(&self) -> Literal;
}

/// A flags value (several enum members at once), for [`Property::has`]. Implemented by the
/// generated SDK's flags type.
pub trait FlagsValue: FilterValue {
    /// One member of the flags enum.
    type Member: FilterValue;
}

macro_rules! filter_value {
    ($($t:ty),* $(,)?) => {$(
        impl FilterValue for $t {
            fn to_literal(&self) -> Literal {
                Literal::from(self.clone())
            }
        }
    )*};
}
filter_value!(
    bool,
    i8,
    i16,
    i32,
    i64,
    u8,
    f64,
    Decimal,
    String,
    Uuid,
    DateTimeOffset,
    Date,
    TimeOfDay,
);

impl FilterValue for f32 {
    fn to_literal(&self) -> Literal {
        Literal::Double(f64::from(*self))
    }
}

/// A structural property of `Owner` holding a `Value`: `name`, or a path to one
/// (`primarycontactid/fullname`, `address1/city`) when `Kind` is [`Path`].
///
/// Made by generated code with [`Property::new`] (a `const fn`); builds [`Filter`]s
/// ([`eq`](Property::eq), [`contains`](Property::contains), ...), [`OrderBy`]s
/// ([`asc`](Property::asc), [`desc`](Property::desc)) and, when `Kind` is [`Direct`], is a
/// [`SelectList`].
pub struct Property<Owner, Value, Kind = Direct> {
    path: Cow<'static, str>,
    _marker: Phantom<(Owner, Value, Kind)>,
}

impl<O, V, K> Clone for Property<O, V, K> {
    fn clone(&self) -> Self {
        Property::with_path(self.path.clone())
    }
}

impl<O, V, K> fmt::Debug for Property<O, V, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Property").field(&self.path).finish()
    }
}

impl<O, V> Property<O, V, Direct> {
    /// The property `name` of `O` (its logical name, as in CSDL).
    pub const fn new(name: &'static str) -> Self {
        Property {
            path: Cow::Borrowed(name),
            _marker: PhantomData,
        }
    }
}

impl<O, V> Property<O, V, ReadOnly> {
    /// The read-only property `name` of `O` (its logical name, as in CSDL).
    pub const fn read_only(name: &'static str) -> Self {
        Property {
            path: Cow::Borrowed(name),
            _marker: PhantomData,
        }
    }
}

// `is_null`/`is_in` take `self` like every other builder here (descriptors are constants).
#[allow(clippy::wrong_self_convention)]
impl<O, V, K> Property<O, V, K> {
    fn with_path(path: Cow<'static, str>) -> Self {
        Property {
            path,
            _marker: PhantomData,
        }
    }

    /// The property path relative to `O`: `name`, `primarycontactid/fullname`, `address1/city`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// A property of this complex-typed property: `address1/city`.
    pub fn then<W, K2>(self, inner: Property<V, W, K2>) -> Property<O, W, Path> {
        Property::with_path(Cow::Owned(format!("{}/{}", self.path, inner.path)))
    }

    /// `$orderby` ascending: `name`.
    pub fn asc(self) -> OrderBy<O> {
        OrderBy::new(self.path, false)
    }

    /// `$orderby` descending: `name desc`.
    pub fn desc(self) -> OrderBy<O> {
        OrderBy::new(self.path, true)
    }

    /// `name eq null`.
    pub fn is_null(self) -> Filter<O> {
        self.compare("eq", "null".to_owned())
    }

    /// `name ne null`.
    pub fn is_not_null(self) -> Filter<O> {
        self.compare("ne", "null".to_owned())
    }

    /// The property as a query function argument: `PropertyName='name'` (see
    /// [`Filter::function`]).
    pub fn name_arg(&self) -> FunctionArg {
        FunctionArg::PropertyName(self.path.clone().into_owned())
    }

    fn compare(self, op: &'static str, value: String) -> Filter<O> {
        Filter::from_expr(Expr::Compare {
            path: self.path.into_owned(),
            op,
            value,
        })
    }
}

#[allow(clippy::wrong_self_convention)]
impl<O, V: FilterValue, K> Property<O, V, K> {
    /// `name eq value`.
    pub fn eq(self, value: impl Into<V>) -> Filter<O> {
        self.compare("eq", value.into().to_literal().to_odata())
    }

    /// `name ne value`.
    pub fn ne(self, value: impl Into<V>) -> Filter<O> {
        self.compare("ne", value.into().to_literal().to_odata())
    }

    /// `name gt value`.
    pub fn gt(self, value: impl Into<V>) -> Filter<O> {
        self.compare("gt", value.into().to_literal().to_odata())
    }

    /// `name ge value`.
    pub fn ge(self, value: impl Into<V>) -> Filter<O> {
        self.compare("ge", value.into().to_literal().to_odata())
    }

    /// `name lt value`.
    pub fn lt(self, value: impl Into<V>) -> Filter<O> {
        self.compare("lt", value.into().to_literal().to_odata())
    }

    /// `name le value`.
    pub fn le(self, value: impl Into<V>) -> Filter<O> {
        self.compare("le", value.into().to_literal().to_odata())
    }

    /// `name in ('a','b')`. With no values at all the filter is `false` (`in ()` is not valid
    /// OData).
    pub fn is_in<I>(self, values: I) -> Filter<O>
    where
        I: IntoIterator,
        I::Item: Into<V>,
    {
        let values: Vec<String> = values
            .into_iter()
            .map(|v| v.into().to_literal().to_odata())
            .collect();
        if values.is_empty() {
            return Filter::from_expr(Expr::Bool(false));
        }
        Filter::from_expr(Expr::In {
            path: self.path.into_owned(),
            values,
        })
    }
}

impl<O, K> Property<O, String, K> {
    /// `contains(name,'text')`.
    pub fn contains(self, text: impl Into<String>) -> Filter<O> {
        self.string_function("contains", text.into())
    }

    /// `startswith(name,'text')`.
    pub fn startswith(self, text: impl Into<String>) -> Filter<O> {
        self.string_function("startswith", text.into())
    }

    /// `endswith(name,'text')`.
    pub fn endswith(self, text: impl Into<String>) -> Filter<O> {
        self.string_function("endswith", text.into())
    }

    fn string_function(self, name: &str, text: String) -> Filter<O> {
        Filter::from_expr(Expr::Call {
            name: name.to_owned(),
            args: vec![
                (None, Arg::Path(self.path.into_owned())),
                (None, Arg::Literal(Literal::String(text).to_odata())),
            ],
        })
    }
}

impl<O, V: FlagsValue, K> Property<O, V, K> {
    /// `name has Namespace.Enum'Member'`.
    pub fn has(self, member: V::Member) -> Filter<O> {
        self.compare("has", member.to_literal().to_odata())
    }
}

/// A single-valued navigation property of `Source` leading to a `Target` (a lookup):
/// `primarycontactid` -> `contacts`.
pub struct Lookup<Source, Target> {
    /// The navigation property name (`primarycontactid`).
    pub navigation: &'static str,
    /// The entity set of the target (`contacts`).
    pub target_set: &'static str,
    _marker: Phantom<(Source, Target)>,
}

impl<S, T> Clone for Lookup<S, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S, T> Copy for Lookup<S, T> {}

impl<S, T> fmt::Debug for Lookup<S, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lookup")
            .field("navigation", &self.navigation)
            .field("target_set", &self.target_set)
            .finish()
    }
}

impl<S, T> Lookup<S, T> {
    /// The navigation property `navigation` of `S`, whose target entity set is `target_set`.
    pub const fn new(navigation: &'static str, target_set: &'static str) -> Self {
        Lookup {
            navigation,
            target_set,
            _marker: PhantomData,
        }
    }

    /// A property of the target, reached through this navigation: `primarycontactid/fullname`.
    pub fn then<V, K>(self, property: Property<T, V, K>) -> Property<S, V, Path> {
        Property::with_path(Cow::Owned(format!("{}/{}", self.navigation, property.path)))
    }

    /// `$expand` of this navigation; add options with [`Expand::select`] and
    /// [`Expand::expand`].
    pub fn expand(self) -> Expand<S, T, One> {
        Expand::new(self.navigation)
    }
}

/// A collection-valued navigation property of `Source` leading to `Target`s:
/// `contact_customer_accounts` -> `contacts`.
pub struct Navigation<Source, Target> {
    /// The navigation property name (`contact_customer_accounts`).
    pub navigation: &'static str,
    /// The entity set of the target (`contacts`).
    pub target_set: &'static str,
    _marker: Phantom<(Source, Target)>,
}

impl<S, T> Clone for Navigation<S, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S, T> Copy for Navigation<S, T> {}

impl<S, T> fmt::Debug for Navigation<S, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Navigation")
            .field("navigation", &self.navigation)
            .field("target_set", &self.target_set)
            .finish()
    }
}

impl<S, T> Navigation<S, T> {
    /// The navigation property `navigation` of `S`, whose target entity set is `target_set`.
    pub const fn new(navigation: &'static str, target_set: &'static str) -> Self {
        Navigation {
            navigation,
            target_set,
            _marker: PhantomData,
        }
    }

    /// `nav/any(o:predicate)`: some related entity matches. The predicate's property paths are
    /// relative to the related entity and get the lambda variable as prefix (`o`, or `o1`,
    /// `o2`... in nested lambdas).
    pub fn any(self, predicate: Filter<T>) -> Filter<S> {
        self.lambda(false, Some(predicate))
    }

    /// `nav/all(o:predicate)`: every related entity matches (see [`Navigation::any`]).
    pub fn all(self, predicate: Filter<T>) -> Filter<S> {
        self.lambda(true, Some(predicate))
    }

    /// `nav/any()`: there is at least one related entity.
    pub fn exists(self) -> Filter<S> {
        self.lambda(false, None)
    }

    /// `$expand` of this navigation; add options with [`Expand::select`], [`Expand::filter`],
    /// [`Expand::orderby`], [`Expand::top`] and [`Expand::expand`].
    pub fn expand(self) -> Expand<S, T, Many> {
        Expand::new(self.navigation)
    }

    fn lambda(self, all: bool, predicate: Option<Filter<T>>) -> Filter<S> {
        Filter::from_expr(Expr::Lambda {
            path: self.navigation.to_owned(),
            all,
            body: predicate.map(|p| Box::new(p.expr)),
        })
    }
}
