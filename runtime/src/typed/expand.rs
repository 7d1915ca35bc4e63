//! `$expand` items: [`Expand`], [`ExpandList`].

use std::fmt;
use std::marker::PhantomData;

use super::lists::tuple_lists;
use super::{Filter, Lookup, Navigation, OrderList, Phantom, SelectList};

/// Marker: the expanded navigation is single-valued (a [`Lookup`]): only `$select` and
/// `$expand` apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct One;

/// Marker: the expanded navigation is collection-valued (a [`Navigation`]): `$filter`,
/// `$orderby` and `$top` apply too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Many;

/// One `$expand` item: the navigation from `S` to `T` with its nested options, made by
/// [`Lookup::expand`] (`C` = [`One`]) or [`Navigation::expand`] (`C` = [`Many`]).
///
/// Renders `nav($select=a,b;$filter=...;$orderby=...;$top=5;$expand=...)` (options in that
/// order, no parentheses without options). Nested options are relative to `T`: a nested
/// `$filter` has no lambda prefix.
///
/// ```
/// use dataverse_runtime::typed::{Lookup, Navigation, Property};
///
/// struct Account;
/// struct Contact;
/// impl Account {
///     const NAME: Property<Account, String> = Property::new("name");
///     const CONTACTS: Navigation<Account, Contact> =
///         Navigation::new("contact_customer_accounts", "contacts");
/// }
/// impl Contact {
///     const FULLNAME: Property<Contact, String> = Property::new("fullname");
///     const STATECODE: Property<Contact, i32> = Property::new("statecode");
///     const PARENTCUSTOMERID_ACCOUNT: Lookup<Contact, Account> =
///         Lookup::new("parentcustomerid_account", "accounts");
/// }
///
/// let e = Account::CONTACTS
///     .expand()
///     .select(Contact::FULLNAME)
///     .filter(Contact::STATECODE.eq(0))
///     .orderby(Contact::FULLNAME.desc())
///     .top(5)
///     .expand(Contact::PARENTCUSTOMERID_ACCOUNT.expand().select(Account::NAME));
/// assert_eq!(
///     e.render(),
///     "contact_customer_accounts($select=fullname;$filter=statecode eq 0;\
///      $orderby=fullname desc;$top=5;$expand=parentcustomerid_account($select=name))"
/// );
/// ```
pub struct Expand<S, T, C> {
    navigation: &'static str,
    select: Vec<String>,
    filter: Option<Filter<T>>,
    orderby: Vec<String>,
    top: Option<u32>,
    expand: Vec<String>,
    _marker: Phantom<(S, T, C)>,
}

impl<S, T, C> Clone for Expand<S, T, C> {
    fn clone(&self) -> Self {
        Expand {
            navigation: self.navigation,
            select: self.select.clone(),
            filter: self.filter.clone(),
            orderby: self.orderby.clone(),
            top: self.top,
            expand: self.expand.clone(),
            _marker: PhantomData,
        }
    }
}

impl<S, T, C> fmt::Debug for Expand<S, T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Expand").field(&self.render()).finish()
    }
}

impl<S, T, C> fmt::Display for Expand<S, T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl<S, T, C> From<Expand<S, T, C>> for String {
    fn from(e: Expand<S, T, C>) -> String {
        e.render()
    }
}

impl<S, T, C> Expand<S, T, C> {
    pub(super) fn new(navigation: &'static str) -> Self {
        Expand {
            navigation,
            select: Vec::new(),
            filter: None,
            orderby: Vec::new(),
            top: None,
            expand: Vec::new(),
            _marker: PhantomData,
        }
    }

    /// Adds nested `$select` properties of `T`.
    pub fn select(mut self, s: impl SelectList<T>) -> Self {
        s.select_names(&mut self.select);
        self
    }

    /// Adds nested `$expand` items of `T`.
    pub fn expand(mut self, e: impl ExpandList<T>) -> Self {
        e.expand_items(&mut self.expand);
        self
    }

    /// The item as OData writes it (not URL-encoded).
    pub fn render(&self) -> String {
        let mut options = Vec::new();
        if !self.select.is_empty() {
            options.push(format!("$select={}", self.select.join(",")));
        }
        if let Some(f) = &self.filter {
            options.push(format!("$filter={}", f.render()));
        }
        if !self.orderby.is_empty() {
            options.push(format!("$orderby={}", self.orderby.join(",")));
        }
        if let Some(t) = self.top {
            options.push(format!("$top={t}"));
        }
        if !self.expand.is_empty() {
            options.push(format!("$expand={}", self.expand.join(",")));
        }
        if options.is_empty() {
            self.navigation.to_owned()
        } else {
            format!("{}({})", self.navigation, options.join(";"))
        }
    }
}

impl<S, T> Expand<S, T, Many> {
    /// Nested `$filter` over `T` (relative to `T`, no lambda prefix). A second call combines
    /// with `and`.
    pub fn filter(mut self, f: Filter<T>) -> Self {
        self.filter = Some(match self.filter.take() {
            Some(prev) => prev.and(f),
            None => f,
        });
        self
    }

    /// Adds nested `$orderby` items over `T`.
    pub fn orderby(mut self, o: impl OrderList<T>) -> Self {
        o.orderby_items(&mut self.orderby);
        self
    }

    /// Nested `$top`.
    pub fn top(mut self, n: u32) -> Self {
        self.top = Some(n);
        self
    }
}

/// One or more `$expand` items of `S`: a [`Lookup`] or [`Navigation`] of `S` (expanded without
/// options), an [`Expand`], or a tuple of up to 8 expand lists.
pub trait ExpandList<S> {
    /// Appends the rendered items, in order, to `out`.
    fn expand_items(self, out: &mut Vec<String>);
}

impl<S, T> ExpandList<S> for Lookup<S, T> {
    fn expand_items(self, out: &mut Vec<String>) {
        out.push(self.navigation.to_owned());
    }
}

impl<S, T> ExpandList<S> for Navigation<S, T> {
    fn expand_items(self, out: &mut Vec<String>) {
        out.push(self.navigation.to_owned());
    }
}

impl<S, T, C> ExpandList<S> for Expand<S, T, C> {
    fn expand_items(self, out: &mut Vec<String>) {
        out.push(self.render());
    }
}

tuple_lists!(ExpandList, expand_items; A B C D E F G H);

/// The items of an [`ExpandList`], each for [`Query::expand`](crate::Query::expand).
pub fn expand_list<S>(items: impl ExpandList<S>) -> Vec<String> {
    let mut out = Vec::new();
    items.expand_items(&mut out);
    out
}
