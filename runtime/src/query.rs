//! The `Query` builder (system query options) and small typed `$filter` helpers.

use crate::path::{Literal, encode_query_value};

/// System query options: `$select`, `$filter`, `$orderby`, `$expand`, `$top`, `$skip`, `$count`,
/// plus custom parameters (`fetchXml`, `savedQuery`...). Every value is percent-encoded.
///
/// ```
/// use dataverse_runtime::{Query, filter};
/// let q = Query::new()
///     .select(["name", "revenue"])
///     .filter(filter::eq("name", "Contoso"))
///     .orderby("name asc")
///     .top(10);
/// assert_eq!(q.render(), "$select=name,revenue&$filter=name%20eq%20%27Contoso%27&$orderby=name%20asc&$top=10");
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    select: Vec<String>,
    filter: Option<String>,
    orderby: Vec<String>,
    expand: Vec<String>,
    top: Option<u32>,
    skip: Option<u32>,
    count: bool,
    apply: Option<String>,
    params: Vec<(String, String)>,
}

impl Query {
    /// No options.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `$select` properties.
    pub fn select<I, S>(mut self, props: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.select.extend(props.into_iter().map(Into::into));
        self
    }

    /// Sets `$filter` (raw OData expression; see [`crate::filter`] for helpers). Calling it again
    /// combines with `and`.
    pub fn filter(mut self, expr: impl Into<String>) -> Self {
        let e = expr.into();
        self.filter = Some(match self.filter.take() {
            Some(prev) => format!("({prev}) and ({e})"),
            None => e,
        });
        self
    }

    /// Adds an `$orderby` item (`"name desc"`).
    pub fn orderby(mut self, item: impl Into<String>) -> Self {
        self.orderby.push(item.into());
        self
    }

    /// Adds an `$expand` item (`"primarycontactid($select=fullname)"`).
    pub fn expand(mut self, item: impl Into<String>) -> Self {
        self.expand.push(item.into());
        self
    }

    /// `$top`.
    pub fn top(mut self, n: u32) -> Self {
        self.top = Some(n);
        self
    }

    /// `$skip` (not supported by Dataverse for entity sets; for other OData services).
    pub fn skip(mut self, n: u32) -> Self {
        self.skip = Some(n);
        self
    }

    /// `$count=true`.
    pub fn count(mut self) -> Self {
        self.count = true;
        self
    }

    /// `$apply` (aggregation).
    pub fn apply(mut self, expr: impl Into<String>) -> Self {
        self.apply = Some(expr.into());
        self
    }

    /// A custom parameter (`fetchXml`, `savedQuery`, `userQuery`...). The name may not start with
    /// `$` or `@` (those are reserved for the builder and function aliases).
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.params.push((name.into(), value.into()));
        self
    }

    /// Whether no option is set.
    pub fn is_empty(&self) -> bool {
        self.render().is_empty()
    }

    /// The encoded query string (without `?`).
    pub fn render(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        let list = |v: &[String]| {
            v.iter()
                .map(|s| encode_query_value(s))
                .collect::<Vec<_>>()
                .join(",")
        };
        if !self.select.is_empty() {
            parts.push(format!("$select={}", list(&self.select)));
        }
        if let Some(f) = &self.filter {
            parts.push(format!("$filter={}", encode_query_value(f)));
        }
        if !self.orderby.is_empty() {
            parts.push(format!("$orderby={}", list(&self.orderby)));
        }
        if !self.expand.is_empty() {
            parts.push(format!("$expand={}", list(&self.expand)));
        }
        if let Some(a) = &self.apply {
            parts.push(format!("$apply={}", encode_query_value(a)));
        }
        if let Some(t) = self.top {
            parts.push(format!("$top={t}"));
        }
        if let Some(s) = self.skip {
            parts.push(format!("$skip={s}"));
        }
        if self.count {
            parts.push("$count=true".into());
        }
        for (n, v) in &self.params {
            let n = n.trim_start_matches(['$', '@']);
            parts.push(format!(
                "{}={}",
                crate::path::encode_name(n),
                encode_query_value(v)
            ));
        }
        parts.join("&")
    }
}

/// Small typed `$filter` builders; the literals are encoded by [`Literal::to_odata`].
pub mod filter {
    use super::Literal;

    fn cmp(op: &str, prop: &str, v: impl Into<Literal>) -> String {
        format!("{prop} {op} {}", v.into().to_odata())
    }

    /// `prop eq value`.
    pub fn eq(prop: &str, v: impl Into<Literal>) -> String {
        cmp("eq", prop, v)
    }
    /// `prop ne value`.
    pub fn ne(prop: &str, v: impl Into<Literal>) -> String {
        cmp("ne", prop, v)
    }
    /// `prop gt value`.
    pub fn gt(prop: &str, v: impl Into<Literal>) -> String {
        cmp("gt", prop, v)
    }
    /// `prop ge value`.
    pub fn ge(prop: &str, v: impl Into<Literal>) -> String {
        cmp("ge", prop, v)
    }
    /// `prop lt value`.
    pub fn lt(prop: &str, v: impl Into<Literal>) -> String {
        cmp("lt", prop, v)
    }
    /// `prop le value`.
    pub fn le(prop: &str, v: impl Into<Literal>) -> String {
        cmp("le", prop, v)
    }
    /// `contains(prop,'text')`.
    pub fn contains(prop: &str, text: &str) -> String {
        format!("contains({prop},{})", Literal::from(text).to_odata())
    }
    /// `startswith(prop,'text')`.
    pub fn startswith(prop: &str, text: &str) -> String {
        format!("startswith({prop},{})", Literal::from(text).to_odata())
    }
    /// `(a) and (b) and ...`.
    pub fn and<I: IntoIterator<Item = String>>(exprs: I) -> String {
        join(exprs, " and ")
    }
    /// `(a) or (b) or ...`.
    pub fn or<I: IntoIterator<Item = String>>(exprs: I) -> String {
        join(exprs, " or ")
    }
    fn join<I: IntoIterator<Item = String>>(exprs: I, sep: &str) -> String {
        exprs
            .into_iter()
            .map(|e| format!("({e})"))
            .collect::<Vec<_>>()
            .join(sep)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_value_cannot_inject_options() {
        let q = Query::new().filter(filter::eq("name", "x'&$top=1"));
        assert_eq!(q.render(), "$filter=name%20eq%20%27x%27%27%26$top%3D1%27");
        assert!(!q.render().contains("&$top"));
    }
}
