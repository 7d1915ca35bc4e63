//! `$select` and `$orderby` lists: [`SelectList`], [`OrderBy`], [`OrderList`].

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use super::{Phantom, Property, Selectable};

/// One `$orderby` item over a property of `O`: `name` or `name desc`. Made by
/// [`Property::asc`] and [`Property::desc`].
pub struct OrderBy<O> {
    path: Cow<'static, str>,
    descending: bool,
    _owner: Phantom<O>,
}

impl<O> Clone for OrderBy<O> {
    fn clone(&self) -> Self {
        OrderBy::new(self.path.clone(), self.descending)
    }
}

impl<O> fmt::Debug for OrderBy<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("OrderBy").field(&self.render()).finish()
    }
}

impl<O> fmt::Display for OrderBy<O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

impl<O> From<OrderBy<O>> for String {
    fn from(o: OrderBy<O>) -> String {
        o.render()
    }
}

impl<O> OrderBy<O> {
    pub(super) fn new(path: Cow<'static, str>, descending: bool) -> Self {
        OrderBy {
            path,
            descending,
            _owner: PhantomData,
        }
    }

    /// The item as OData writes it (not URL-encoded): `name` or `name desc`.
    pub fn render(&self) -> String {
        if self.descending {
            format!("{} desc", self.path)
        } else {
            self.path.clone().into_owned()
        }
    }
}

/// One or more `$orderby` items over properties of `O`: an [`OrderBy`], a tuple of up to 8
/// order lists, an array or a `Vec` of [`OrderBy`].
pub trait OrderList<O> {
    /// Appends the rendered items (`name`, `createdon desc`), in order, to `out`.
    fn orderby_items(self, out: &mut Vec<String>);
}

impl<O> OrderList<O> for OrderBy<O> {
    fn orderby_items(self, out: &mut Vec<String>) {
        out.push(self.render());
    }
}

impl<O, const N: usize> OrderList<O> for [OrderBy<O>; N] {
    fn orderby_items(self, out: &mut Vec<String>) {
        out.extend(self.iter().map(OrderBy::render));
    }
}

impl<O> OrderList<O> for Vec<OrderBy<O>> {
    fn orderby_items(self, out: &mut Vec<String>) {
        out.extend(self.iter().map(OrderBy::render));
    }
}

/// One or more properties of `O` for `$select`: a [`Property`] of `O` itself (kind [`Direct`](super::Direct) or [`ReadOnly`](super::ReadOnly);
/// paths through navigations cannot be selected), a tuple of up to 16 select lists (each
/// element with its own value type), an array or a `Vec` of properties.
pub trait SelectList<O> {
    /// Appends the property names, in order, to `out`.
    fn select_names(self, out: &mut Vec<String>);
}

impl<O, V, K: Selectable> SelectList<O> for Property<O, V, K> {
    fn select_names(self, out: &mut Vec<String>) {
        out.push(self.path().to_owned());
    }
}

impl<O, V, K: Selectable, const N: usize> SelectList<O> for [Property<O, V, K>; N] {
    fn select_names(self, out: &mut Vec<String>) {
        out.extend(self.iter().map(|p| p.path().to_owned()));
    }
}

impl<O, V, K: Selectable> SelectList<O> for Vec<Property<O, V, K>> {
    fn select_names(self, out: &mut Vec<String>) {
        out.extend(self.iter().map(|p| p.path().to_owned()));
    }
}

/// Implements a list trait for tuples of the given arities (the first identifier list, then
/// every shorter suffix of it).
macro_rules! tuple_lists {
    ($trait:ident, $method:ident;) => {};
    ($trait:ident, $method:ident; $first:ident $($rest:ident)*) => {
        impl<Own, $first, $($rest),*> $trait<Own> for ($first, $($rest,)*)
        where
            $first: $trait<Own>,
            $($rest: $trait<Own>,)*
        {
            #[allow(non_snake_case)]
            fn $method(self, out: &mut Vec<String>) {
                let ($first, $($rest,)*) = self;
                $first.$method(out);
                $($rest.$method(out);)*
            }
        }
        tuple_lists!($trait, $method; $($rest)*);
    };
}
pub(super) use tuple_lists;

tuple_lists!(SelectList, select_names; A B C D E F G H I J K L M N P Q);
tuple_lists!(OrderList, orderby_items; A B C D E F G H);

/// The names of a [`SelectList`], for [`Query::select`](crate::Query::select).
pub fn select_list<O>(items: impl SelectList<O>) -> Vec<String> {
    let mut out = Vec::new();
    items.select_names(&mut out);
    out
}

/// The items of an [`OrderList`], each for [`Query::orderby`](crate::Query::orderby).
pub fn orderby_list<O>(items: impl OrderList<O>) -> Vec<String> {
    let mut out = Vec::new();
    items.orderby_items(&mut out);
    out
}
