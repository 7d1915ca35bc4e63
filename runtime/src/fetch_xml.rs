//! FetchXML queries through the Web API: `GET <set>?fetchXml=<percent-encoded FetchXML>`, read
//! into typed records, and paged with the paging cookie the way Microsoft documents it for the
//! Web API ("Page results using FetchXml", Web API tab).
//!
//! - Every request asks for the paging annotations with
//!   `Prefer: odata.include-annotations="Microsoft.Dynamics.CRM.fetchxmlpagingcookie,Microsoft.Dynamics.CRM.morerecords"`
//!   (added to the annotations the request asks for; nothing is added when it asks for `*`).
//! - A page answers with `@Microsoft.Dynamics.CRM.morerecords: true` while more records match,
//!   and usually with `@Microsoft.Dynamics.CRM.fetchxmlpagingcookie`: an XML element whose
//!   `pagingcookie` attribute is the cookie, URL-encoded twice.
//! - The next page is asked for with the caller's FetchXML where only the `<fetch>` element
//!   changes: `page="n+1"` (`n` is the `page` the caller's text had, 1 when it had none) and
//!   `paging-cookie="<the cookie, URL-decoded twice and XML-escaped>"`. An attribute that is
//!   already there keeps its place and its quote character; a missing one is appended with
//!   double quotes. Without a cookie (queries that do not support one) the service falls back to
//!   simple paging: only `page` is incremented and a stale `paging-cookie` is removed.
//!
//! ```ignore
//! let xml = "<fetch count='50'><entity name='contact'><attribute name='fullname'/>\
//!            <order attribute='fullname'/></entity></fetch>";
//! // One page; `page` derefs to `Page<Contact>` (`value`, `more_records`, ...).
//! let page = service.contacts().fetch_xml(xml).await?;
//! // The next page by hand (same options), or `None` after the last one.
//! if let Some(next) = page.next_request()? {
//!     let second = next.await?;
//! }
//! // Every record of every page.
//! let all: Vec<Contact> = service.contacts().fetch_xml(xml).all().await?;
//! ```
//!
//! Aggregate queries (`aggregate="true"`) answer with records whose properties are the aliases:
//! a generated record keeps them in its `extra` map (`record.extra["total"]`), or read them into
//! a type of your own with the generated `EntitySet::fetch_xml_as::<R>()`.

use std::borrow::Cow;
use std::marker::PhantomData;

use futures_util::{StreamExt as _, TryStreamExt as _};
use serde::de::DeserializeOwned;

use crate::request::{Operation, Request};
use crate::{
    Annotations, BoxFuture, BoxStream, Client, EntityPath, Error, Page, Query, RequestOptions,
    Result,
};

/// The annotations a FetchXML request asks for so that its pages carry
/// `@Microsoft.Dynamics.CRM.fetchxmlpagingcookie` and `@Microsoft.Dynamics.CRM.morerecords`.
pub const PAGING_ANNOTATIONS: [&str; 2] = [
    "Microsoft.Dynamics.CRM.fetchxmlpagingcookie",
    "Microsoft.Dynamics.CRM.morerecords",
];

/// `GET <set>?fetchXml=...`: one page of a FetchXML query, read as records of type `R`. Sent
/// by a [`Request`]: `.await` gives a [`FetchXmlPage`], [`Request::pages`] /
/// [`Request::stream`] / [`Request::all`] follow the paging cookie.
pub struct FetchXmlQuery<R> {
    path: EntityPath,
    xml: String,
    _type: PhantomData<fn() -> R>,
}

impl<R> Clone for FetchXmlQuery<R> {
    fn clone(&self) -> Self {
        FetchXmlQuery {
            path: self.path.clone(),
            xml: self.xml.clone(),
            _type: PhantomData,
        }
    }
}

impl<R> core::fmt::Debug for FetchXmlQuery<R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FetchXmlQuery")
            .field("path", &self.path.render())
            .field("xml", &self.xml)
            .finish()
    }
}

impl<R> FetchXmlQuery<R> {
    /// The FetchXML query `xml` on the entity set at `path` (used by generated code). The text
    /// is sent as it is.
    pub fn new(path: EntityPath, xml: impl Into<String>) -> Self {
        FetchXmlQuery {
            path,
            xml: xml.into(),
            _type: PhantomData,
        }
    }

    /// The FetchXML this query sends.
    pub fn xml(&self) -> &str {
        &self.xml
    }

    /// The path and query string this query sends (relative to the service root):
    /// `<set>?fetchXml=<percent-encoded FetchXML>`.
    pub fn relative_url(&self) -> String {
        format!("{}?{}", self.path.render(), self.query().render())
    }

    fn query(&self) -> Query {
        Query::new().param("fetchXml", self.xml.as_str())
    }
}

impl<'a, R> Operation<'a> for FetchXmlQuery<R>
where
    R: DeserializeOwned + Send + 'static,
{
    type Output = FetchXmlPage<R>;

    fn send(self, client: Client, options: RequestOptions) -> BoxFuture<'a, Result<Self::Output>> {
        Box::pin(async move {
            let sent = with_paging_annotations(&options);
            let page = client.query_path(&self.path, &self.query(), &sent).await?;
            Ok(FetchXmlPage {
                page,
                query: self,
                client,
                options,
            })
        })
    }
}

/// One page of a FetchXML query (it derefs to its [`Page`]: `value`, `more_records`,
/// `fetchxml_paging_cookie`, `count`, `total_record_count`), with what is needed to ask for
/// the next page: [`FetchXmlPage::next_request`].
pub struct FetchXmlPage<R> {
    page: Page<R>,
    query: FetchXmlQuery<R>,
    client: Client,
    options: RequestOptions,
}

impl<R> FetchXmlPage<R> {
    /// The page.
    pub fn page(&self) -> &Page<R> {
        &self.page
    }

    /// The page, without the means to ask for the next one.
    pub fn into_page(self) -> Page<R> {
        self.page
    }

    /// The FetchXML this page was read with.
    pub fn fetch_xml(&self) -> &str {
        &self.query.xml
    }

    /// Whether more records match (`@Microsoft.Dynamics.CRM.morerecords: true`).
    pub fn has_more(&self) -> bool {
        self.page.more_records == Some(true)
    }

    /// The FetchXML of the next page (see [`next_page_xml`]), or `None` after the last page.
    pub fn next_fetch_xml(&self) -> Result<Option<String>> {
        next_page_xml(&self.query.xml, &self.page)
    }
}

impl<R> FetchXmlPage<R>
where
    R: DeserializeOwned + Send + 'static,
{
    /// The request of the next page, with the same request options, or `None` after the last
    /// page (`morerecords` absent or false). Fails when the FetchXML's `<fetch>` element or the
    /// paging cookie cannot be read.
    pub fn next_request(&self) -> Result<Option<Request<'static, FetchXmlQuery<R>>>> {
        Ok(self.next_fetch_xml()?.map(|xml| {
            let query = FetchXmlQuery::new(self.query.path.clone(), xml);
            Request::new(self.client.clone(), query).options(self.options.clone())
        }))
    }
}

impl<R> core::ops::Deref for FetchXmlPage<R> {
    type Target = Page<R>;
    fn deref(&self) -> &Page<R> {
        &self.page
    }
}

impl<R: Clone> Clone for FetchXmlPage<R> {
    fn clone(&self) -> Self {
        FetchXmlPage {
            page: self.page.clone(),
            query: self.query.clone(),
            client: self.client.clone(),
            options: self.options.clone(),
        }
    }
}

impl<R: core::fmt::Debug> core::fmt::Debug for FetchXmlPage<R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("FetchXmlPage")
            .field("page", &self.page)
            .field("fetch_xml", &self.query.xml)
            .finish()
    }
}

impl<R> Request<'static, FetchXmlQuery<R>>
where
    R: DeserializeOwned + Send + 'static,
{
    /// Every page, following the paging cookie while `morerecords` is true, as a stream. A
    /// paging cookie that cannot be read ends the stream with an error after its page.
    pub fn pages(self) -> BoxStream<Result<Page<R>>> {
        enum Next<R> {
            Send(Request<'static, FetchXmlQuery<R>>),
            Fail(Error),
        }
        Box::pin(futures_util::stream::unfold(
            Some(Next::Send(self)),
            |state| async move {
                match state? {
                    Next::Fail(e) => Some((Err(e), None)),
                    Next::Send(request) => match request.await {
                        Err(e) => Some((Err(e), None)),
                        Ok(page) => {
                            let following = match page.next_request() {
                                Ok(next) => next.map(Next::Send),
                                Err(e) => Some(Next::Fail(e)),
                            };
                            Some((Ok(page.into_page()), following))
                        }
                    },
                }
            },
        ))
    }

    /// Every record of every page, as a stream.
    pub fn stream(self) -> BoxStream<Result<R>> {
        Box::pin(self.pages().flat_map(|page| {
            let items: Vec<Result<R>> = match page {
                Ok(page) => page.value.into_iter().map(Ok).collect(),
                Err(e) => vec![Err(e)],
            };
            futures_util::stream::iter(items)
        }))
    }

    /// Every record of every page, collected.
    pub fn all(self) -> BoxFuture<'static, Result<Vec<R>>> {
        Box::pin(self.stream().try_collect())
    }
}

/// The options with the paging annotations added to `odata.include-annotations`.
fn with_paging_annotations(options: &RequestOptions) -> RequestOptions {
    let current: Cow<'_, str> = match &options.annotations {
        None => {
            return options
                .clone()
                .include_annotations(Annotations::Pattern(PAGING_ANNOTATIONS.join(",")));
        }
        Some(Annotations::All) => return options.clone(),
        Some(Annotations::FormattedValues) => Cow::Borrowed(crate::FORMATTED_VALUE),
        Some(Annotations::Pattern(p)) => Cow::Borrowed(p.as_str()),
    };
    let missing: Vec<&str> = PAGING_ANNOTATIONS
        .iter()
        .copied()
        .filter(|name| !covers(&current, name))
        .collect();
    if missing.is_empty() {
        return options.clone();
    }
    let merged = format!("{current},{}", missing.join(","));
    options
        .clone()
        .include_annotations(Annotations::Pattern(merged))
}

/// Whether the annotation pattern list `patterns` (`a,b.*,*`) includes the annotation `name`.
fn covers(patterns: &str, name: &str) -> bool {
    patterns.split(',').map(str::trim).any(|p| {
        p == name
            || p == "*"
            || p.strip_suffix('*')
                .is_some_and(|prefix| prefix.ends_with('.') && name.starts_with(prefix))
    })
}

/// The FetchXML of the page after `page`, which was read with the FetchXML `xml`; `None` when
/// `page` is the last (`morerecords` absent or false).
///
/// Only the `<fetch>` element's `page` and `paging-cookie` attributes change: `page` becomes
/// the page `xml` asked for plus one (an absent `page` is page 1), `paging-cookie` the page's
/// paging cookie, URL-decoded twice and XML-escaped (removed when the page has none). The rest
/// of the text is kept byte for byte.
pub fn next_page_xml<R>(xml: &str, page: &Page<R>) -> Result<Option<String>> {
    if page.more_records != Some(true) {
        return Ok(None);
    }
    let tag = StartTag::parse(xml, "fetch").map_err(invalid_fetch)?;
    let current = match tag.get(xml, "page") {
        None => 1,
        Some(raw) => {
            let text = unescape(raw);
            text.trim().parse::<u32>().map_err(|_| {
                invalid_fetch(format!("the page attribute {text:?} is not a page number"))
            })?
        }
    };
    let next = current
        .checked_add(1)
        .ok_or_else(|| invalid_fetch("the page attribute is too large".to_owned()))?
        .to_string();
    let cookie = match &page.fetchxml_paging_cookie {
        Some(annotation) => decode_paging_cookie(annotation)?,
        None => None,
    };
    let edits = [
        ("page", Some(next.as_str())),
        ("paging-cookie", cookie.as_deref()),
    ];
    Ok(Some(tag.edit(xml, &edits)))
}

/// The paging cookie in a `@Microsoft.Dynamics.CRM.fetchxmlpagingcookie` annotation
/// (`<cookie pagenumber="2" pagingcookie="%253ccookie..." istracking="False" />`): its
/// `pagingcookie` attribute, URL-decoded twice (`+` is a space, as .NET's `UrlDecode` reads
/// it). `None` when the element has no (or an empty) `pagingcookie` attribute.
pub fn decode_paging_cookie(annotation: &str) -> Result<Option<String>> {
    let tag = StartTag::parse(annotation, "cookie").map_err(bad_cookie)?;
    let Some(raw) = tag.get(annotation, "pagingcookie") else {
        return Ok(None);
    };
    let once = url_decode(&unescape(raw))?;
    let twice = url_decode(&once)?;
    Ok(if twice.is_empty() { None } else { Some(twice) })
}

fn invalid_fetch(message: String) -> Error {
    Error::InvalidArgument(format!("FetchXML paging: {message}"))
}

fn bad_cookie(message: String) -> Error {
    Error::Protocol {
        status: 200,
        message: format!("unreadable FetchXML paging cookie: {message}"),
    }
}

/// One pass of `application/x-www-form-urlencoded` decoding: `+` is a space, `%XX` a byte.
fn url_decode(text: &str) -> Result<String> {
    let spaced = text.replace('+', " ");
    percent_encoding::percent_decode_str(&spaced)
        .decode_utf8()
        .map(Cow::into_owned)
        .map_err(|_| bad_cookie("not UTF-8 once URL-decoded".to_owned()))
}

/// Decodes the XML references of an attribute value (`&lt;`, `&#34;`, ...); anything that is
/// not a known reference is kept as it is.
fn unescape(raw: &str) -> Cow<'_, str> {
    if !raw.contains('&') {
        return Cow::Borrowed(raw);
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let decoded = rest.find(';').and_then(|semi| {
            let entity = &rest[1..semi];
            let c = match entity {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => entity.strip_prefix('#').and_then(|n| {
                    let code = match n.strip_prefix('x') {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => n.parse::<u32>().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, semi + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `value` escaped for an attribute quoted with `quote`.
fn escape_attribute(value: &str, quote: u8) -> String {
    let mut out = String::with_capacity(value.len() + value.len() / 4);
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quote == b'"' => out.push_str("&quot;"),
            '\'' if quote == b'\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c => out.push(c),
        }
    }
    out
}

/// One attribute of a start tag, as byte ranges of the document.
struct Attribute {
    name: core::ops::Range<usize>,
    /// Between the quotes.
    value: core::ops::Range<usize>,
    quote: u8,
    /// Just after the closing quote.
    end: usize,
}

/// The start tag of a document's root element: where its name ends and its attributes.
struct StartTag {
    name_end: usize,
    attributes: Vec<Attribute>,
}

impl StartTag {
    /// Reads the start tag of the root element of `xml`, which must be named `element`
    /// (skipping a byte order mark, an XML declaration, processing instructions, comments and
    /// white space before it).
    fn parse(xml: &str, element: &str) -> core::result::Result<StartTag, String> {
        let b = xml.as_bytes();
        let mut i = if xml.starts_with('\u{feff}') { 3 } else { 0 };
        loop {
            while b.get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            let rest = &xml[i..];
            if let Some(body) = rest.strip_prefix("<?") {
                let close = body
                    .find("?>")
                    .ok_or("an unterminated processing instruction")?;
                i += 2 + close + 2;
            } else if let Some(body) = rest.strip_prefix("<!--") {
                let close = body.find("-->").ok_or("an unterminated comment")?;
                i += 4 + close + 3;
            } else if rest.starts_with('<') {
                break;
            } else {
                return Err(format!("expected a <{element}> element"));
            }
        }
        let name_start = i + 1;
        let mut j = name_start;
        while b
            .get(j)
            .is_some_and(|c| !c.is_ascii_whitespace() && !matches!(c, b'>' | b'/'))
        {
            j += 1;
        }
        if &xml[name_start..j] != element {
            return Err(format!(
                "expected a <{element}> element, found <{}>",
                &xml[name_start..j]
            ));
        }
        let name_end = j;
        let mut attributes = Vec::new();
        loop {
            let before = j;
            while b.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            match b.get(j) {
                None => return Err(format!("an unterminated <{element}> start tag")),
                Some(b'>') => break,
                Some(b'/') if b.get(j + 1) == Some(&b'>') => break,
                Some(_) if j == before => {
                    return Err(format!("a malformed <{element}> start tag"));
                }
                Some(_) => {}
            }
            let attr_start = j;
            while b.get(j).is_some_and(|c| {
                !c.is_ascii_whitespace() && !matches!(c, b'=' | b'>' | b'/' | b'"' | b'\'')
            }) {
                j += 1;
            }
            let name = attr_start..j;
            while b.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            if name.is_empty() || b.get(j) != Some(&b'=') {
                return Err(format!(
                    "a malformed attribute in the <{element}> start tag"
                ));
            }
            j += 1;
            while b.get(j).is_some_and(u8::is_ascii_whitespace) {
                j += 1;
            }
            let quote = match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => q,
                _ => {
                    return Err(format!(
                        "an unquoted attribute in the <{element}> start tag"
                    ));
                }
            };
            let value_start = j + 1;
            let value_len = b[value_start..]
                .iter()
                .position(|&c| c == quote)
                .ok_or_else(|| format!("an unterminated attribute in the <{element}> start tag"))?;
            let value = value_start..value_start + value_len;
            j = value.end + 1;
            attributes.push(Attribute {
                name,
                value,
                quote,
                end: j,
            });
        }
        Ok(StartTag {
            name_end,
            attributes,
        })
    }

    fn position(&self, xml: &str, name: &str) -> Option<usize> {
        self.attributes
            .iter()
            .position(|a| &xml[a.name.clone()] == name)
    }

    /// The raw (still escaped) value of the attribute `name`.
    fn get<'x>(&self, xml: &'x str, name: &str) -> Option<&'x str> {
        self.position(xml, name)
            .map(|k| &xml[self.attributes[k].value.clone()])
    }

    /// `xml` with the attributes in `edits` set (`Some`: replaced in place with the same quote
    /// character, or appended after the last attribute with double quotes) or removed (`None`,
    /// with the white space before it); nothing else changes.
    fn edit(&self, xml: &str, edits: &[(&str, Option<&str>)]) -> String {
        let mut replacements: Vec<(usize, usize, String)> = Vec::new();
        let mut appended = String::new();
        for &(name, value) in edits {
            match (self.position(xml, name), value) {
                (Some(k), Some(value)) => {
                    let a = &self.attributes[k];
                    replacements.push((
                        a.value.start,
                        a.value.end,
                        escape_attribute(value, a.quote),
                    ));
                }
                (Some(k), None) => {
                    let start = match k {
                        0 => self.name_end,
                        _ => self.attributes[k - 1].end,
                    };
                    replacements.push((start, self.attributes[k].end, String::new()));
                }
                (None, Some(value)) => {
                    appended.push_str(&format!(" {name}=\"{}\"", escape_attribute(value, b'"')));
                }
                (None, None) => {}
            }
        }
        if !appended.is_empty() {
            let at = self.attributes.last().map_or(self.name_end, |a| a.end);
            replacements.push((at, at, appended));
        }
        replacements.sort_by_key(|r| r.0);
        let mut out = String::with_capacity(xml.len() + 256);
        let mut pos = 0;
        for (start, end, text) in replacements {
            out.push_str(&xml[pos..start]);
            out.push_str(&text);
            pos = end;
        }
        out.push_str(&xml[pos..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cookie annotation of the first page in Microsoft's "Page results using FetchXml"
    /// (Web API) example.
    const COOKIE: &str = "<cookie pagenumber=\"2\" pagingcookie=\"%253ccookie%2520page%253d%25221%2522%253e%253cfullname%2520last%253d%2522Susanna%2520Stubberod%2520%2528sample%2529%2522%2520first%253d%2522Yvonne%2520McKay%2520%2528sample%2529%2522%2520%252f%253e%253ccontactid%2520last%253d%2522%257b70BF4D48-34CB-ED11-B596-0022481D68CD%257d%2522%2520first%253d%2522%257b49B0BE2E-D01C-ED11-B83E-000D3A572421%257d%2522%2520%252f%253e%253c%252fcookie%253e\" istracking=\"False\" />";

    const DECODED: &str = "<cookie page=\"1\"><fullname last=\"Susanna Stubberod (sample)\" first=\"Yvonne McKay (sample)\" /><contactid last=\"{70BF4D48-34CB-ED11-B596-0022481D68CD}\" first=\"{49B0BE2E-D01C-ED11-B83E-000D3A572421}\" /></cookie>";

    fn page(more: Option<bool>, cookie: Option<&str>) -> Page<()> {
        Page {
            value: Vec::new(),
            count: None,
            next_link: None,
            total_record_count: None,
            more_records: more,
            fetchxml_paging_cookie: cookie.map(str::to_owned),
        }
    }

    #[test]
    fn the_cookie_is_url_decoded_twice() {
        assert_eq!(
            decode_paging_cookie(COOKIE).unwrap().as_deref(),
            Some(DECODED)
        );
        assert_eq!(
            decode_paging_cookie("<cookie pagenumber=\"2\" istracking=\"False\" />").unwrap(),
            None
        );
        assert!(decode_paging_cookie("not a cookie").is_err());
    }

    #[test]
    fn page_and_cookie_are_appended_to_a_fetch_without_them() {
        let xml = "<fetch count='3'>\n  <entity name='contact'>\n    <attribute name='fullname' />\n  </entity>\n</fetch>";
        let next = next_page_xml(xml, &page(Some(true), Some(COOKIE))).unwrap();
        assert_eq!(
            next.as_deref(),
            Some(
                "<fetch count='3' page=\"2\" paging-cookie=\"&lt;cookie page=&quot;1&quot;&gt;&lt;fullname last=&quot;Susanna Stubberod (sample)&quot; first=&quot;Yvonne McKay (sample)&quot; /&gt;&lt;contactid last=&quot;{70BF4D48-34CB-ED11-B596-0022481D68CD}&quot; first=&quot;{49B0BE2E-D01C-ED11-B83E-000D3A572421}&quot; /&gt;&lt;/cookie&gt;\">\n  <entity name='contact'>\n    <attribute name='fullname' />\n  </entity>\n</fetch>"
            )
        );
    }

    #[test]
    fn existing_attributes_are_replaced_in_place_with_their_quotes() {
        let xml = "<?xml version=\"1.0\"?><!-- q --> <fetch page='1' paging-cookie='' mapping='logical'><entity name='contact'/></fetch>";
        let next = next_page_xml(xml, &page(Some(true), Some(COOKIE)))
            .unwrap()
            .unwrap();
        assert_eq!(
            next,
            format!(
                "<?xml version=\"1.0\"?><!-- q --> <fetch page='2' paging-cookie='{}' mapping='logical'><entity name='contact'/></fetch>",
                DECODED.replace('<', "&lt;").replace('>', "&gt;")
            )
        );
    }

    #[test]
    fn without_a_cookie_only_the_page_moves_and_a_stale_cookie_goes() {
        let xml = "<fetch\n  page=\"3\"\n  paging-cookie=\"&lt;cookie page=&quot;2&quot;/&gt;\"\n  count=\"5\"><entity name=\"account\"/></fetch>";
        let next = next_page_xml(xml, &page(Some(true), None)).unwrap();
        assert_eq!(
            next.as_deref(),
            Some("<fetch\n  page=\"4\"\n  count=\"5\"><entity name=\"account\"/></fetch>")
        );
    }

    #[test]
    fn the_last_page_has_no_next() {
        let xml = "<fetch><entity name='account'/></fetch>";
        assert_eq!(next_page_xml(xml, &page(None, None)).unwrap(), None);
        assert_eq!(next_page_xml(xml, &page(Some(false), None)).unwrap(), None);
    }

    #[test]
    fn quoted_angle_brackets_and_self_closing_tags_are_read() {
        let xml = "<fetch version='1.0' x='a>b'/>";
        let next = next_page_xml(xml, &page(Some(true), None)).unwrap();
        assert_eq!(
            next.as_deref(),
            Some("<fetch version='1.0' x='a>b' page=\"2\"/>")
        );
    }

    #[test]
    fn malformed_fetch_xml_is_an_invalid_argument() {
        for xml in [
            "<fetchx/>",
            "<entity name='a'/>",
            "<fetch page='x'/>",
            "<fetch page=1/>",
            "<fetch page='1",
            "text",
        ] {
            let e = next_page_xml(xml, &page(Some(true), None)).unwrap_err();
            assert!(matches!(e, Error::InvalidArgument(_)), "{xml}: {e}");
        }
    }

    #[test]
    fn paging_annotations_join_the_requested_ones() {
        let prefer = |o: RequestOptions| with_paging_annotations(&o).prefer_values();
        let both = "Microsoft.Dynamics.CRM.fetchxmlpagingcookie,Microsoft.Dynamics.CRM.morerecords";
        assert_eq!(
            prefer(RequestOptions::new()),
            [format!("odata.include-annotations=\"{both}\"")]
        );
        assert_eq!(
            prefer(RequestOptions::new().include_annotations(Annotations::FormattedValues)),
            [format!(
                "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue,{both}\""
            )]
        );
        assert_eq!(
            prefer(RequestOptions::new().include_annotations(Annotations::All)),
            ["odata.include-annotations=\"*\""]
        );
        assert_eq!(
            prefer(
                RequestOptions::new()
                    .include_annotations(Annotations::Pattern("Microsoft.Dynamics.CRM.*".into()))
            ),
            ["odata.include-annotations=\"Microsoft.Dynamics.CRM.*\""]
        );
    }
}
