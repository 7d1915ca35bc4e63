//! The program `codegen/tests/peer_cap.rs` builds and runs against the CAP server of
//! `tests/peer`, with an SDK that `dataverse-codegen` generated from that server's `$metadata`.
//!
//! It uses the generated API (`crm_sdk`): fluent requests sent by `.await`, query options typed
//! by the generated property descriptors (`Accounts::NAME`, `Contacts::PARENTCUSTOMERID`,
//! `Accounts::CONTACT_CUSTOMER_ACCOUNTS`...), request options as methods (`.if_match(..)`,
//! `.return_representation()`, `.max_page_size(n)`). From the runtime it uses only what that API
//! hands out or takes: the `Client` builder, the `Error` type, `ETagMatch`, and, for `$batch`
//! (`service.batch()`, typed per request), the `RequestOptions` of one part.
//!
//! It is copied to `target/peer/program/src/main.rs`. (It is not named `main.rs` here: Cargo
//! would take `tests/peer_program/main.rs` for a test target of `dataverse-codegen`.)
//!
//! Usage: `peer-program <service root>`. Every check is an `assert!` with a message; the
//! program prints one `ok` line per check (and a `GET` line with the URL of every typed query
//! whose result it checks row by row) and exits 0 when all pass. It expects the seed data of
//! `tests/peer/db/data` (the server starts from it every time).

use std::future::poll_fn;

use dataverse_runtime::request::QueryRecords;
use crm_sdk::support::EntityValue;
use crm_sdk::{
    Accounts, AccountsContactsNamedRequest, AccountsNewAddNoteRequest, Annotated, Contacts,
    FailWithRequest, HasBinds, Opportunities, Opportunitycloses, Request, Service,
    TopAccountsRequest, WinOpportunityRequest,
};
use dataverse_runtime::codegen::serde::de::DeserializeOwned;
use dataverse_runtime::codegen::uuid::Uuid;
use dataverse_runtime::{
    Client, Created, Decimal, ETag, ETagMatch, Error, Field, Filter, Page, RequestOptions,
};

type Result<T = ()> = std::result::Result<T, Error>;

/// Seed account NN (01..12).
fn account(n: u32) -> Uuid {
    Uuid::parse_str(&format!("a0000000-0000-4000-8000-0000000000{n:02}")).unwrap()
}
fn contact(n: u32) -> Uuid {
    Uuid::parse_str(&format!("c0000000-0000-4000-8000-{n:012}")).unwrap()
}
fn opportunity(n: u32) -> Uuid {
    Uuid::parse_str(&format!("b0000000-0000-4000-8000-{n:012}")).unwrap()
}
/// A key no seed record has.
const MISSING: &str = "a9999999-9999-4999-8999-999999999999";
fn missing() -> Uuid {
    MISSING.parse().unwrap()
}
/// The name of seed opportunity 03 (`db/data/Microsoft.Dynamics.CRM-opportunities.csv`, a
/// quoted CSV value over two lines): a quote, `&`, `#`, `%`, `+`, a non-ASCII letter and a
/// newline, every one of which breaks a `$filter` that is not quoted and encoded right.
const HOSTILE: &str = "O'Neil & Sons #1 100% +x é\nline2";

fn ok(what: &str) {
    println!("ok: {what}");
}

/// The URL of a typed query (relative to the service root), printed before it is sent.
fn show_url<T>(set: &str, request: &Request<'_, QueryRecords<T>>) -> String
where
    T: DeserializeOwned + Send + 'static,
{
    let url = format!("{set}?{}", request.query_string());
    println!("GET {url}");
    url
}

/// The text of a set field (`<unset>`/`<null>` otherwise), for messages.
fn text<T: std::fmt::Debug>(f: &Field<T>) -> String {
    match f {
        Field::Value(v) => format!("{v:?}"),
        Field::Null => "<null>".into(),
        Field::Unset => "<unset>".into(),
    }
}

fn name(a: &Accounts) -> &str {
    a.name
        .value()
        .map(String::as_str)
        .unwrap_or_else(|| panic!("account without name: {a:?}"))
}

fn names(page: &[Accounts]) -> Vec<&str> {
    page.iter().map(name).collect()
}

/// `firstname lastname` of each contact.
fn full_names(contacts: &[Contacts]) -> Vec<String> {
    contacts
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c.firstname.value().map(String::as_str).unwrap_or("?"),
                c.lastname.value().map(String::as_str).unwrap_or("?")
            )
        })
        .collect()
}

/// The service error of a failed call: asserts the call failed with an HTTP error.
fn expect_service_error<T: std::fmt::Debug>(
    what: &str,
    result: Result<T>,
    status: u16,
) -> dataverse_runtime::ServiceError {
    let err = match result {
        Ok(v) => panic!("{what}: expected HTTP {status}, got success: {v:?}"),
        Err(e) => e,
    };
    let Some(service) = err.service() else {
        panic!("{what}: expected Error::Service with HTTP {status}, got {err:?}");
    };
    assert_eq!(
        service.status.as_u16(),
        status,
        "{what}: wrong status in {err}"
    );
    service.clone()
}

#[tokio::main]
async fn main() {
    let root = std::env::args()
        .nth(1)
        .expect("usage: peer-program <service root>");
    assert!(
        root.ends_with(&format!("/api/data/{}/", Service::API_VERSION)),
        "the service root {root} should end with /api/data/{}/",
        Service::API_VERSION
    );
    let client = Client::builder(&root)
        .allow_insecure_http(true)
        .build()
        .expect("client");
    let service = Service::new(client);

    // Reads first: paging counts the 12 seed accounts before anything is created, and the typed
    // queries check exact result sets of the seed data.
    paging(&service).await.expect("paging");
    get(&service).await.expect("get");
    query(&service).await.expect("query");
    expand(&service).await.expect("expand");
    typed_filters(&service).await.expect("typed filters");
    typed_navigation(&service)
        .await
        .expect("typed navigation paths and lambdas");
    typed_expand_count_paging(&service)
        .await
        .expect("typed expand, $count and paging");
    hostile_literal(&service).await.expect("hostile literal");
    create_update_delete(&service)
        .await
        .expect("create/update/delete");
    lookups(&service).await.expect("lookups");
    functions(&service).await.expect("functions");
    actions(&service).await.expect("actions");
    batch(&service).await.expect("batch");
    errors(&service).await.expect("errors");
    println!("all checks passed");
}

async fn paging(service: &Service) -> Result {
    let accounts = service.accounts();
    let query = || {
        accounts
            .query()
            .select((Accounts::NAME, Accounts::NUMBEROFEMPLOYEES))
            .orderby(Accounts::NUMBEROFEMPLOYEES.asc())
            .count()
    };
    // Page by page: 5 + 5 + 2, with @odata.count on every page and a relative nextLink.
    let mut page = query().await?;
    let mut sizes = vec![page.value.len()];
    let mut names: Vec<String> = page.value.iter().map(|a| name(a).to_owned()).collect();
    assert_eq!(page.count, Some(12), "@odata.count on the first page");
    while let Some(next) = accounts.next_page(&page).await? {
        assert!(sizes.len() < 10, "paging does not end: {sizes:?}");
        assert_eq!(
            next.count,
            Some(12),
            "@odata.count on the page at {:?}",
            page.next_link
        );
        page = next;
        sizes.push(page.value.len());
        names.extend(page.value.iter().map(|a| name(a).to_owned()));
    }
    assert_eq!(sizes, [5, 5, 2], "page sizes (server limit 5)");
    assert_eq!(names.first().map(String::as_str), Some("Contoso Ltd"));
    assert_eq!(names.last().map(String::as_str), Some("Woodgrove Bank"));
    ok("query pages 5+5+2 with @odata.count=12, following the relative @odata.nextLink");

    // All of it at once, and as a stream.
    let all = query().all().await?;
    let employees: Vec<i32> = all
        .iter()
        .map(|a| *a.numberofemployees.value().expect("numberofemployees"))
        .collect();
    assert_eq!(
        employees,
        (1..=12).map(|n| n * 100).collect::<Vec<_>>(),
        "all(): every seed account once, in $orderby order"
    );
    let mut stream = query().stream();
    let mut streamed = Vec::new();
    while let Some(item) = poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
        streamed.push(item?);
    }
    assert_eq!(streamed, all, "stream() gives what all() gives");
    ok("all() and stream() follow paging to the end (12 accounts)");
    Ok(())
}

async fn get(service: &Service) -> Result {
    let a = service
        .accounts()
        .get(account(1))
        .select((Accounts::NAME, Accounts::REVENUE, Accounts::MODIFIEDON))
        .await?;
    assert_eq!(name(&a), "Contoso Ltd");
    assert_eq!(a.accountid, Field::Value(account(1)), "the key comes back");
    let revenue = a.revenue.value().expect("revenue selected");
    assert_eq!(revenue.to_f64(), 1000000.5, "revenue {revenue:?}");
    assert!(
        a.numberofemployees.is_unset() && a.address1_city.is_unset(),
        "$select: unselected properties stay unset: {a:?}"
    );
    let modified = a.modifiedon.value().expect("modifiedon");
    assert_eq!(modified.to_string(), "2024-02-01T08:00:00Z");
    assert_eq!(
        a.etag(),
        Some(ETag::new("W/\"2024-02-01T08:00:00.000Z\"")),
        "@odata.etag"
    );
    ok("get by key with $select: typed fields, Decimal, DateTimeOffset, etag");
    Ok(())
}

async fn query(service: &Service) -> Result {
    let page = service
        .accounts()
        .query()
        .select((
            Accounts::NAME,
            Accounts::NUMBEROFEMPLOYEES,
            Accounts::CREDITONHOLD,
        ))
        .filter(Accounts::CREDITONHOLD.eq(true))
        .orderby(Accounts::NUMBEROFEMPLOYEES.desc())
        .top(2)
        .count()
        .await?;
    assert_eq!(
        names(&page.value),
        ["Woodgrove Bank", "Alpine Ski House"],
        "$filter/$orderby/$top"
    );
    assert_eq!(page.count, Some(3), "$count counts the filter, not $top");
    assert!(page.next_link.is_none(), "$top 2: no next link");
    assert!(
        page.value
            .iter()
            .all(|a| a.creditonhold == Field::Value(true))
    );

    let page = service
        .contacts()
        .query()
        .filter(
            Contacts::LASTNAME
                .eq("McKay")
                .and(Contacts::PARENTCUSTOMERID_ACCOUNTID.eq(account(1))),
        )
        .orderby(Contacts::FIRSTNAME.asc())
        .await?;
    let first: Vec<String> = page
        .value
        .iter()
        .map(|c| c.firstname.value().cloned().unwrap_or_default())
        .collect();
    assert_eq!(
        first,
        ["Nancy", "Yvonne"],
        "$filter with and and a Guid literal"
    );
    let birth = page.value[0].birthdate.value().expect("birthdate");
    assert_eq!(birth.to_string(), "1990-01-30", "Edm.Date");
    ok("query with $select, $filter, $orderby, $top, $count");
    Ok(())
}

async fn expand(service: &Service) -> Result {
    let a = service
        .accounts()
        .get(account(1))
        .select(Accounts::NAME)
        .expand(
            Accounts::CONTACT_CUSTOMER_ACCOUNTS
                .expand()
                .select((Contacts::FIRSTNAME, Contacts::LASTNAME))
                .orderby(Contacts::FIRSTNAME.desc())
                .top(2),
        )
        .await?;
    let contacts = a
        .contact_customer_accounts
        .get()
        .expect("contact_customer_accounts expanded")?;
    let first: Vec<String> = contacts
        .iter()
        .map(|c| c.firstname.value().cloned().unwrap_or_default())
        .collect();
    assert_eq!(
        first,
        ["Yvonne", "Susanna"],
        "nested $orderby/$top in $expand"
    );

    let page = service
        .contacts()
        .query()
        .select(Contacts::LASTNAME)
        .filter(Contacts::CONTACTID.eq(contact(4)))
        .expand(Contacts::PARENTCUSTOMERID.expand().select(Accounts::NAME))
        .await?;
    assert_eq!(page.value.len(), 1);
    let parent = page.value[0]
        .parentcustomerid
        .get()
        .expect("parentcustomerid expanded")?;
    assert_eq!(name(&parent), "Fabrikam Inc", "single-valued $expand");
    ok("$expand of a collection (nested options) and of a lookup, decoded to typed records");
    Ok(())
}

/// `$filter` with string functions, `and` / `or` / `not` (the parentheses OData needs) and `in`.
async fn typed_filters(service: &Service) -> Result {
    let accounts = service.accounts();

    // Without the parentheses `or` would bind last and Proseware Inc (1100) would match too.
    let filter = Accounts::NAME
        .contains("Inc")
        .or(Accounts::NAME.contains("Toys"))
        .and(!Accounts::NUMBEROFEMPLOYEES.gt(600));
    assert_eq!(
        filter.render(),
        "(contains(name,'Inc') or contains(name,'Toys')) and not (numberofemployees gt 600)"
    );
    let request = accounts
        .query()
        .select(Accounts::NAME)
        .filter(filter)
        .orderby(Accounts::NAME.asc());
    let url = show_url("accounts", &request);
    let page = request.await?;
    assert_eq!(
        names(&page.value),
        ["Fabrikam Inc", "Litware Inc", "Tailspin Toys"],
        "{url}"
    );
    ok("typed $filter: contains, or inside and, not (exact rows, in order)");

    let request = accounts
        .query()
        .select((Accounts::NAME, Accounts::ADDRESS1_CITY))
        .filter(Accounts::ADDRESS1_CITY.is_in(["Kent", "Redmond", "Seattle", "Atlantis"]))
        .orderby(Accounts::NUMBEROFEMPLOYEES.desc());
    let url = show_url("accounts", &request);
    let page = request.await?;
    assert_eq!(
        names(&page.value),
        ["Woodgrove Bank", "Fabrikam Inc", "Contoso Ltd"],
        "{url}"
    );

    let request = accounts
        .query()
        .select(Accounts::NAME)
        .filter(
            Accounts::ACCOUNTID
                .is_in([account(2), account(5), account(9)])
                .and(Accounts::NUMBEROFEMPLOYEES.ne(500)),
        )
        .orderby(Accounts::NAME.asc());
    let url = show_url("accounts", &request);
    let page = request.await?;
    assert_eq!(names(&page.value), ["Coho Winery", "Fabrikam Inc"], "{url}");

    // An empty list is the filter `false` (`in ()` is not OData).
    let request = accounts
        .query()
        .select(Accounts::NAME)
        .filter(Accounts::NAME.is_in(std::iter::empty::<&str>()));
    let url = show_url("accounts", &request);
    let page = request.await?;
    assert!(page.value.is_empty(), "{url}: {:?}", names(&page.value));
    ok("typed $filter: in (strings, Guids, and the empty list as false), ne");
    Ok(())
}

/// Paths through a lookup, `$orderby` on two keys, and `any` / `all` over a collection.
async fn typed_navigation(service: &Service) -> Result {
    let contacts = service.contacts();
    let request = contacts
        .query()
        .select((Contacts::FIRSTNAME, Contacts::LASTNAME))
        .filter(
            Contacts::PARENTCUSTOMERID
                .then(Accounts::NAME)
                .eq("Contoso Ltd"),
        )
        .orderby((Contacts::LASTNAME.asc(), Contacts::FIRSTNAME.desc()));
    let url = show_url("contacts", &request);
    let page = request.await?;
    assert_eq!(
        full_names(&page.value),
        ["Yvonne McKay", "Nancy McKay", "Susanna Stubberod"],
        "{url}"
    );
    ok("typed $filter on a lookup path (parentcustomerid/name), $orderby on two keys");

    let request = contacts
        .query()
        .select((Contacts::FIRSTNAME, Contacts::LASTNAME))
        .filter(
            Contacts::PARENTCUSTOMERID
                .then(Accounts::NAME)
                .startswith("Fab")
                .or(Contacts::PARENTCUSTOMERID
                    .then(Accounts::NUMBEROFEMPLOYEES)
                    .lt(200)
                    .and(Contacts::LASTNAME.ne("McKay"))),
        )
        .orderby(Contacts::LASTNAME.asc());
    let url = show_url("contacts", &request);
    let page = request.await?;
    assert_eq!(
        full_names(&page.value),
        ["Susanna Stubberod", "Rene Valdes"],
        "{url}"
    );
    ok("typed $filter: startswith and a comparison on lookup paths");

    let accounts = service.accounts();
    let request = accounts
        .query()
        .select(Accounts::NAME)
        .filter(
            Accounts::CONTACT_CUSTOMER_ACCOUNTS.any(
                Contacts::LASTNAME
                    .startswith("McK")
                    .or(Contacts::FIRSTNAME.eq("Rene")),
            ),
        )
        .orderby(Accounts::NAME.asc());
    let url = show_url("accounts", &request);
    let page = request.await?;
    assert_eq!(names(&page.value), ["Contoso Ltd", "Fabrikam Inc"], "{url}");

    let request = accounts
        .query()
        .select(Accounts::NAME)
        .filter(
            Accounts::CONTACT_CUSTOMER_ACCOUNTS
                .any(Contacts::FIRSTNAME.startswith("Ren"))
                .or(Accounts::CONTACT_CUSTOMER_ACCOUNTS.any(Contacts::FIRSTNAME.eq("Nancy"))),
        )
        .orderby(Accounts::NAME.desc());
    let url = show_url("accounts", &request);
    let page = request.await?;
    assert_eq!(names(&page.value), ["Fabrikam Inc", "Contoso Ltd"], "{url}");
    ok("typed any(o:...) over a collection navigation with a typed inner predicate");

    let request = accounts
        .query()
        .select(Accounts::NAME)
        // `!x.exists().and(y)` would negate the whole `and`: `!` binds after the method calls.
        .filter(
            Accounts::CONTACT_CUSTOMER_ACCOUNTS
                .exists()
                .not()
                .and(Accounts::CREDITONHOLD.eq(true)),
        )
        .orderby(Accounts::NAME.asc());
    let url = show_url("accounts", &request);
    let page = request.await?;
    assert_eq!(
        names(&page.value),
        ["Alpine Ski House", "Northwind Traders", "Woodgrove Bank"],
        "{url}"
    );

    // `all` is true for an account without contacts; Contoso and Fabrikam have a non-McKay.
    let request = accounts.query().select(Accounts::NAME).filter(
        Accounts::CONTACT_CUSTOMER_ACCOUNTS
            .all(Contacts::LASTNAME.eq("McKay"))
            .and(Accounts::NUMBEROFEMPLOYEES.le(300)),
    );
    let url = show_url("accounts", &request);
    let page = request.await?;
    assert_eq!(names(&page.value), ["Adventure Works"], "{url}");
    ok("typed not any() (exists) and all(o:...)");
    Ok(())
}

/// `$expand` of a collection with nested `$select`/`$filter`/`$orderby`, `$count`, and paging
/// with `Prefer: odata.maxpagesize`.
async fn typed_expand_count_paging(service: &Service) -> Result {
    let accounts = service.accounts();
    let request = accounts
        .query()
        .select(Accounts::NAME)
        .filter(Accounts::ACCOUNTID.is_in([account(1), account(2)]))
        .orderby(Accounts::NAME.asc())
        .expand(
            Accounts::CONTACT_CUSTOMER_ACCOUNTS
                .expand()
                .select(Contacts::FIRSTNAME)
                .filter(Contacts::LASTNAME.eq("McKay"))
                .orderby(Contacts::FIRSTNAME.asc()),
        );
    let url = show_url("accounts", &request);
    let page = request.await?;
    assert_eq!(names(&page.value), ["Contoso Ltd", "Fabrikam Inc"], "{url}");
    let expanded: Vec<Vec<Contacts>> = page
        .value
        .iter()
        .map(|a| {
            a.contact_customer_accounts
                .get()
                .expect("contact_customer_accounts expanded")
        })
        .collect::<Result<_>>()?;
    let first: Vec<Vec<String>> = expanded
        .iter()
        .map(|cs| {
            cs.iter()
                .map(|c| c.firstname.value().cloned().unwrap_or_default())
                .collect()
        })
        .collect();
    assert_eq!(
        first,
        [vec!["Nancy".to_owned(), "Yvonne".to_owned()], vec![]],
        "{url}: the nested $filter and $orderby"
    );
    assert!(
        expanded
            .iter()
            .flatten()
            .all(|c| c.lastname.is_unset() && c.contactid.value().is_some()),
        "{url}: the nested $select (lastname not selected): {expanded:?}"
    );
    ok("typed $expand of a collection with nested $select, $filter and $orderby");

    let request = accounts
        .query()
        .select(Accounts::NAME)
        .filter(Accounts::REVENUE.gt("5000000.5".parse::<Decimal>()?))
        .orderby(Accounts::REVENUE.desc())
        .top(3)
        .count();
    let url = show_url("accounts", &request);
    let page = request.await?;
    assert_eq!(
        names(&page.value),
        ["Woodgrove Bank", "Proseware Inc", "Fourth Coffee"],
        "{url}"
    );
    assert_eq!(page.count, Some(7), "{url}: $count of the filter (06..12)");
    assert!(page.next_link.is_none(), "{url}: $top 3, no next link");
    ok("typed $filter on a Decimal with $top and $count (count 7, 3 rows)");

    // CAP ignores `Prefer: odata.maxpagesize` (tests/peer/README.md) and pages at 5: the 11
    // accounts with 200 employees or more come as 5 + 5 + 1, each page with the count.
    let query = || {
        accounts
            .query()
            .select((Accounts::NAME, Accounts::NUMBEROFEMPLOYEES))
            .filter(Accounts::NUMBEROFEMPLOYEES.ge(200))
            .orderby(Accounts::NUMBEROFEMPLOYEES.asc())
            .count()
            .max_page_size(2)
    };
    let url = show_url("accounts", &query());
    let mut pages = query().pages();
    let mut sizes = Vec::new();
    let mut employees = Vec::new();
    let mut links = Vec::new();
    while let Some(page) = poll_fn(|cx| pages.as_mut().poll_next(cx)).await {
        let page: Page<Accounts> = page?;
        assert!(sizes.len() < 10, "paging does not end: {sizes:?}");
        assert_eq!(page.count, Some(11), "{url}: @odata.count on every page");
        sizes.push(page.value.len());
        employees.extend(
            page.value
                .iter()
                .map(|a| *a.numberofemployees.value().unwrap()),
        );
        links.push(page.next_link.clone());
    }
    assert_eq!(
        sizes,
        [5, 5, 1],
        "{url}: CAP's page size, not maxpagesize=2"
    );
    assert_eq!(
        employees,
        (2..=12).map(|n| n * 100).collect::<Vec<_>>(),
        "{url}: every row once, in order"
    );
    println!("  nextLinks: {links:?}");
    let all = query().all().await?;
    assert_eq!(all.len(), 11, "{url}: all()");
    ok("typed query with max_page_size(2): pages() gives 5+5+1 (CAP's limit), count 11 each");
    Ok(())
}

/// A string literal with a quote, `&`, `#`, `%`, `+`, `é` and a newline: seed opportunity 03.
async fn hostile_literal(service: &Service) -> Result {
    let opportunities = service.opportunities();
    let ids = |page: &Page<Opportunities>| -> Vec<Uuid> {
        page.value
            .iter()
            .map(|o| *o.opportunityid.value().expect("key"))
            .collect()
    };

    let request = opportunities
        .query()
        .select(Opportunities::NAME)
        .filter(Opportunities::NAME.eq(HOSTILE));
    let url = show_url("opportunities", &request);
    let page = request.await?;
    assert_eq!(ids(&page), [opportunity(3)], "{url}");
    assert_eq!(
        page.value[0].name.value().map(String::as_str),
        Some(HOSTILE),
        "the name comes back as it was seeded"
    );
    ok("typed eq on a hostile string literal matches exactly that row");

    for fragment in ["'", "% +x é\nline", "O'Neil & Sons #1"] {
        let request = opportunities
            .query()
            .select(Opportunities::NAME)
            .filter(Opportunities::NAME.contains(fragment));
        let url = show_url("opportunities", &request);
        let page = request.await?;
        assert_eq!(ids(&page), [opportunity(3)], "{url}");
    }

    let request = opportunities
        .query()
        .select(Opportunities::NAME)
        .filter(Opportunities::NAME.ne(HOSTILE))
        .orderby(Opportunities::NAME.asc());
    let url = show_url("opportunities", &request);
    let page = request.await?;
    assert_eq!(ids(&page), [opportunity(1), opportunity(2)], "{url}");
    ok("typed contains with ', with % + é and a newline, and ne: exactly the right rows");

    let request = service
        .accounts()
        .query()
        .select(Accounts::NAME)
        .filter(Accounts::OPPORTUNITY_CUSTOMER_ACCOUNTS.any(Opportunities::NAME.eq(HOSTILE)));
    let url = show_url("accounts", &request);
    let page = request.await?;
    assert_eq!(names(&page.value), ["Adventure Works"], "{url}");
    ok("the hostile literal inside any(o:o/name eq ...)");
    Ok(())
}

async fn create_update_delete(service: &Service) -> Result {
    let accounts = service.accounts();
    // Without Prefer. Dataverse answers 204 + OData-EntityId; CAP answers 201 with the record.
    let new = Accounts {
        name: "Peer Created".to_owned().into(),
        numberofemployees: 7.into(),
        revenue: "1234.5".parse::<Decimal>()?.into(),
        ..Default::default()
    };
    let created = accounts.create(&new).await?;
    let id = match &created {
        Created::Record(r) => *r.accountid.value().expect("created record has its key"),
        Created::Id(id) => id.id.expect("OData-EntityId has the key"),
    };
    let read = accounts.get(id).await?;
    assert_eq!(name(&read), "Peer Created");
    assert_eq!(read.numberofemployees, Field::Value(7));
    assert_eq!(
        read.revenue.value().map(Decimal::to_f64),
        Some(1234.5),
        "revenue {:?}",
        read.revenue
    );
    assert!(read.createdon.value().is_some(), "createdon is computed");
    ok(&format!(
        "create without Prefer ({}), then get it back",
        match created {
            Created::Record(_) => "201 with the record",
            Created::Id(_) => "204 with OData-EntityId",
        }
    ));

    // With Prefer: return=representation: the record, with the server's computed fields.
    let new2 = Accounts {
        name: "Peer Representation".to_owned().into(),
        creditonhold: true.into(),
        ..Default::default()
    };
    let created2 = accounts.create(&new2).return_representation().await?;
    let Created::Record(rec) = created2 else {
        panic!("return=representation should give the record, got {created2:?}");
    };
    assert_eq!(name(&rec), "Peer Representation");
    assert_eq!(rec.creditonhold, Field::Value(true));
    assert!(
        rec.modifiedon.value().is_some(),
        "computed modifiedon returned"
    );
    assert!(rec.etag().is_some(), "etag of the created record");
    let id2 = *rec.accountid.value().expect("key");
    ok("create with Prefer: return=representation gives the record and its etag");

    // Update with the right etag.
    let etag = read.etag().expect("etag of the read record");
    // The etag is modifiedon in milliseconds: make sure the update gets a new one.
    std::thread::sleep(std::time::Duration::from_millis(5));
    let changes = Accounts {
        name: "Peer Updated".to_owned().into(),
        address1_city: Field::Null,
        ..Default::default()
    };
    accounts
        .update(id, &changes)
        .if_match(ETagMatch::Tag(etag.clone()))
        .await?;
    let after = accounts.get(id).await?;
    assert_eq!(name(&after), "Peer Updated");
    assert_eq!(
        after.numberofemployees,
        Field::Value(7),
        "PATCH sends only set fields"
    );
    assert!(after.address1_city.is_null(), "Field::Null clears");
    let new_etag = after.etag().expect("etag after update");
    assert_ne!(new_etag, etag, "the etag changes on update");
    ok("update with the current etag (If-Match) sends only the set fields");

    // Update and delete with a stale etag: 412, the typed concurrency error.
    let stale = Accounts {
        name: "Peer Stale".to_owned().into(),
        ..Default::default()
    };
    let result = accounts
        .update(id, &stale)
        .if_match(ETagMatch::Tag(etag.clone()))
        .await;
    let err = result.expect_err("update with a stale etag must fail");
    assert!(
        err.is_concurrency_mismatch(),
        "a stale If-Match should be the concurrency error (412), got {err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(412));
    assert!(!err.is_retryable(), "412 is not retryable");
    let after = accounts.get(id).select(Accounts::NAME).await?;
    assert_eq!(
        name(&after),
        "Peer Updated",
        "a failed update changes nothing"
    );
    let err = accounts
        .delete(id)
        .if_match(ETagMatch::Tag(etag))
        .await
        .expect_err("delete with a stale etag must fail");
    assert!(err.is_concurrency_mismatch(), "stale delete: {err:?}");
    ok("update and delete with a stale etag fail with 412 (Error::is_concurrency_mismatch)");

    // Delete (with the current etag, and without any).
    accounts
        .delete(id)
        .if_match(ETagMatch::Tag(new_etag))
        .await?;
    accounts.entity(id2).delete().await?;
    for gone in [id, id2] {
        let err = accounts
            .get(gone)
            .await
            .expect_err("a deleted record is gone");
        assert!(err.is_not_found(), "get after delete: {err:?}");
    }
    let err = accounts.delete(id).await.expect_err("deleting twice fails");
    assert!(err.is_not_found(), "second delete: {err:?}");
    ok("delete (with the current etag and without), then 404");
    Ok(())
}

async fn lookups(service: &Service) -> Result {
    let contacts = service.contacts();
    let mut new = Contacts {
        firstname: "Lookup".to_owned().into(),
        lastname: "Peer".to_owned().into(),
        ..Default::default()
    };
    new.bind(Contacts::PARENTCUSTOMERID, account(1));
    let created = contacts.create(&new).return_representation().await?;
    let Created::Record(rec) = created else {
        panic!("expected the record, got {created:?}");
    };
    let id = *rec.contactid.value().expect("key");
    assert_eq!(
        rec.parentcustomerid_accountid,
        Field::Value(account(1)),
        "parentcustomerid@odata.bind on create"
    );
    ok("create with a lookup (Contacts::PARENTCUSTOMERID + HasBinds::bind)");

    let mut change = Contacts::default();
    change.bind(Contacts::PARENTCUSTOMERID, account(4));
    contacts.update(id, &change).await?;
    let read = contacts
        .get(id)
        .expand(Contacts::PARENTCUSTOMERID.expand().select(Accounts::NAME))
        .await?;
    assert_eq!(read.parentcustomerid_accountid, Field::Value(account(4)));
    let parent = read.parentcustomerid.get().expect("expanded")?;
    assert_eq!(
        name(&parent),
        "Northwind Traders",
        "the lookup points to account 04"
    );
    ok("change a lookup with @odata.bind in an update");

    let mut clear = Contacts::default();
    clear.unbind(Contacts::PARENTCUSTOMERID);
    contacts.update(id, &clear).await?;
    let read = contacts.get(id).await?;
    assert!(
        read.parentcustomerid_accountid.is_null(),
        "unbind clears the lookup: {}",
        text(&read.parentcustomerid_accountid)
    );
    ok("clear a lookup with \"nav@odata.bind\": null (HasBinds::unbind)");

    // On create. (An update with a dangling bind gets 412 from CAP, not 404: CAP answers 412 to
    // any PATCH with `If-Match: *` whose handler rejects, and `update` always sends
    // `If-Match: *` so that it never creates. Dataverse answers 404 there.)
    let mut dangling = Contacts {
        lastname: "Dangling".to_owned().into(),
        ..Default::default()
    };
    dangling.bind(Contacts::PARENTCUSTOMERID, missing());
    let e = expect_service_error(
        "bind to a missing account",
        contacts.create(&dangling).await,
        404,
    );
    assert_eq!(e.code.as_deref(), Some("0x80040217"), "{e}");
    assert!(e.message.contains(MISSING), "{e}");
    ok("a lookup to a missing record: 404 0x80040217");

    contacts.delete(id).await?;
    Ok(())
}

async fn functions(service: &Service) -> Result {
    // Unbound, collection of entities, two parameters.
    let top = service
        .top_accounts(&TopAccountsRequest::new().minimum_employees(500).count(3))
        .await?;
    let names: Vec<&str> = top.iter().map(name).collect();
    assert_eq!(
        names,
        ["Woodgrove Bank", "Proseware Inc", "Fourth Coffee"],
        "TopAccounts(MinimumEmployees=500,Count=3)"
    );
    ok("unbound function with parameters returning Collection(accounts)");

    // Unbound, complex return.
    let me = service.who_am_i().await?;
    assert_eq!(
        me.user_id.value().map(Uuid::to_string).as_deref(),
        Some("e0000000-0000-4000-8000-000000000001")
    );
    assert_eq!(
        me.business_unit_id.value().map(Uuid::to_string).as_deref(),
        Some("e0000000-0000-4000-8000-000000000002")
    );
    assert_eq!(
        me.organization_id.value().map(Uuid::to_string).as_deref(),
        Some("e0000000-0000-4000-8000-000000000003")
    );
    ok("WhoAmI: unbound function returning a complex type");

    // Bound, collection return, a string parameter.
    let a1 = service.accounts().entity(account(1));
    let named = a1
        .contacts_named(&AccountsContactsNamedRequest::new().last_name("McKay".into()))
        .await?;
    let first: Vec<String> = named
        .iter()
        .map(|c| c.firstname.value().cloned().unwrap_or_default())
        .collect();
    assert_eq!(
        first,
        ["Nancy", "Yvonne"],
        "ContactsNamed(LastName='McKay')"
    );
    let quote = a1
        .contacts_named(&AccountsContactsNamedRequest::new().last_name("O'Brien & Co/?#".into()))
        .await?;
    assert!(
        quote.is_empty(),
        "an awkward string parameter is encoded: {quote:?}"
    );
    ok("bound function with a string parameter returning Collection(contacts)");

    // Bound, complex return, no parameters.
    let address = service
        .accounts()
        .entity(account(3))
        .new_get_address()
        .await?;
    assert_eq!(
        address.line1.value().map(String::as_str),
        Some("3 Main Street")
    );
    assert_eq!(address.city.value().map(String::as_str), Some("Bothell"));
    assert_eq!(
        address.postalcode.value().map(String::as_str),
        Some("98103")
    );
    ok("bound function returning a complex type (Address)");
    Ok(())
}

async fn actions(service: &Service) -> Result {
    // Unbound action with an entity parameter that carries a lookup.
    let mut close = Opportunitycloses {
        subject: "Won by peer".to_owned().into(),
        actualrevenue: "25000".parse::<Decimal>()?.into(),
        ..Default::default()
    };
    close.bind(Opportunitycloses::OPPORTUNITYID, opportunity(1));
    let request = WinOpportunityRequest::new()
        .opportunity_close(EntityValue::new(&close)?)
        .status(3);
    service.win_opportunity(&request).await?;
    let opp = service.opportunities().get(opportunity(1)).await?;
    assert_eq!(
        opp.statecode,
        Field::Value(1),
        "WinOpportunity sets statecode"
    );
    assert_eq!(
        opp.statuscode,
        Field::Value(3),
        "WinOpportunity sets statuscode = Status"
    );
    let closes = service
        .opportunitycloses()
        .query()
        .filter(Opportunitycloses::OPPORTUNITYID_OPPORTUNITYID.eq(opportunity(1)))
        .await?;
    assert_eq!(
        closes.value.len(),
        1,
        "one opportunityclose: {:?}",
        closes.value
    );
    assert_eq!(
        closes.value[0].subject.value().map(String::as_str),
        Some("Won by peer")
    );
    ok("WinOpportunity: unbound action with an entity parameter (EntityValue + bind), 204");

    let mut missing = Opportunitycloses {
        subject: "Nothing".to_owned().into(),
        ..Default::default()
    };
    missing.bind(Opportunitycloses::OPPORTUNITYID, self::missing());
    let e = expect_service_error(
        "WinOpportunity for a missing opportunity",
        service
            .win_opportunity(
                &WinOpportunityRequest::new()
                    .opportunity_close(EntityValue::new(&missing)?)
                    .status(3),
            )
            .await,
        404,
    );
    assert_eq!(e.code.as_deref(), Some("0x80040217"), "{e}");
    ok("WinOpportunity for a missing opportunity: 404 0x80040217");

    // Bound action returning an entity.
    let note = service
        .accounts()
        .entity(account(2))
        .new_add_note(
            &AccountsNewAddNoteRequest::new()
                .note_title("Peer note".into())
                .note_text("Written by the peer test".into()),
        )
        .await?;
    assert_eq!(note.subject.value().map(String::as_str), Some("Peer note"));
    assert_eq!(
        note.notetext.value().map(String::as_str),
        Some("Written by the peer test")
    );
    assert_eq!(note.objectid_account_accountid, Field::Value(account(2)));
    let note_id = *note.annotationid.value().expect("annotation key");
    let stored = service.annotations().get(note_id).await?;
    assert_eq!(stored.subject, note.subject, "the note was stored");
    ok("new_AddNote: bound action returning an entity (annotations)");

    let e = expect_service_error(
        "new_AddNote on a missing account",
        service
            .accounts()
            .entity(self::missing())
            .new_add_note(&AccountsNewAddNoteRequest::new().note_title("x".into()))
            .await,
        404,
    );
    assert_eq!(e.code.as_deref(), Some("0x80040217"), "{e}");
    ok("bound action on a missing record: 404 0x80040217");

    // An action that fails: 400 with the server's code and message.
    let e = expect_service_error(
        "FailWith",
        service
            .fail_with(
                &FailWithRequest::new()
                    .code("0x80040217".into())
                    .message("Account does not exist".into()),
            )
            .await,
        400,
    );
    assert_eq!(e.code.as_deref(), Some("0x80040217"), "{e}");
    assert_eq!(e.message, "Account does not exist", "{e}");
    let e = expect_service_error(
        "FailWith without parameters",
        service.fail_with(&FailWithRequest::new()).await,
        400,
    );
    assert_eq!(e.code.as_deref(), Some("PeerError"), "{e}");
    assert_eq!(e.message, "failed on purpose", "{e}");
    ok("FailWith: 400 with the server's error code and message");
    Ok(())
}

/// The key of a created record, from the record (201) or from `OData-EntityId` (204).
fn created_key<T>(created: Created<T>, key: impl FnOnce(&T) -> Option<Uuid>) -> Uuid {
    match created {
        Created::Record(r) => key(&r).expect("the created record has its key"),
        Created::Id(id) => id.id.expect("OData-EntityId has the key"),
    }
}

/// `$batch` through the generated API: `service.batch()`, one typed handle per request, typed
/// results per request. The runtime sends `Accept: application/json` as Microsoft documents it;
/// CAP answers that with the OData 4.01 JSON batch format (Dataverse with multipart), which the
/// runtime reads the same way.
async fn batch(service: &Service) -> Result {
    let accounts = service.accounts();
    let contacts = service.contacts();
    let a3 = accounts.get(account(3)).select(Accounts::NAME).await?;
    let a3_etag = a3.etag().expect("etag of account 03");

    // A change set that succeeds: create an account, a contact under it by Content-ID, and
    // update a seed account with its current etag; plus a GET outside the change set.
    let new_account = Accounts {
        name: "Batch Account".to_owned().into(),
        ..Default::default()
    };
    let new_contact = Contacts {
        lastname: "Batch Contact".to_owned().into(),
        ..Default::default()
    };
    let rename = Accounts {
        name: "Adventure Works (batch)".to_owned().into(),
        ..Default::default()
    };
    let mut b = service.batch();
    let (created_account, created_contact, updated) = b.change_set(|cs| {
        let created_account = cs.create(&accounts, &new_account);
        // CAP does not resolve a Content-ID inside a body (`"parentcustomerid@odata.bind":
        // "$1"`, what `TypedChangeSet::bind` writes): it answers 400 "Invalid binding value". It
        // does resolve `$1` in the URL, so the contact is created through the new account's
        // navigation property (`POST $1/contact_customer_accounts`).
        let created_contact = cs.create_related(
            &created_account,
            Accounts::CONTACT_CUSTOMER_ACCOUNTS,
            &new_contact,
        );
        let updated = cs.update(&accounts, account(3), &rename);
        cs.options(
            &updated,
            RequestOptions::new().if_match(ETagMatch::Tag(a3_etag.clone())),
        );
        (created_account, created_contact, updated)
    });
    let litware = b.get(accounts.get(account(5)).select(Accounts::NAME));
    let response = b.await?;
    assert!(
        response.all_succeeded(),
        "the change set should succeed: {:?}",
        response.first_error()
    );
    assert_eq!(response.parts.len(), 4, "{response:#?}");
    assert!(
        response.parts[..3]
            .iter()
            .all(|p| p.in_change_set && p.atomicity_group == response.parts[0].atomicity_group),
        "the change set answers as one group: {response:#?}"
    );
    let new_id = created_key(response.created(&created_account)?, |r| {
        r.accountid.value().copied()
    });
    let contact_id = created_key(response.created(&created_contact)?, |r| {
        r.contactid.value().copied()
    });
    response.result(&updated)?;
    let got = response.get(&litware)?;
    assert_eq!(name(&got), "Litware Inc", "the GET after the change set");
    // The outcome, read back: the account and the contact exist, and the contact's lookup
    // points to the account created in the same change set.
    let created = accounts.get(new_id).select(Accounts::NAME).await?;
    assert_eq!(name(&created), "Batch Account");
    let page = contacts
        .query()
        .filter(Contacts::CONTACTID.eq(contact_id))
        .expand(Contacts::PARENTCUSTOMERID.expand().select(Accounts::NAME))
        .await?;
    assert_eq!(page.value.len(), 1, "the contact exists");
    let contact = &page.value[0];
    assert_eq!(contact.lastname, Field::Value("Batch Contact".to_owned()));
    assert_eq!(
        contact.parentcustomerid_accountid,
        Field::Value(new_id),
        "bound to the account created in the same change set ($1)"
    );
    let parent = contact
        .parentcustomerid
        .get()
        .expect("parentcustomerid expanded")?;
    assert_eq!(name(&parent), "Batch Account");
    let a3 = accounts.get(account(3)).select(Accounts::NAME).await?;
    assert_eq!(name(&a3), "Adventure Works (batch)");
    ok("$batch (typed): a change set (create, create through $1/nav, update with etag) and a GET");

    // A change set that fails at its second request (a stale etag): all of it is rolled back.
    let doomed = Accounts {
        name: "Batch Rolled Back".to_owned().into(),
        ..Default::default()
    };
    let stale_rename = Accounts {
        name: "Should not happen".to_owned().into(),
        ..Default::default()
    };
    let mut b = service.batch();
    let (create, failing) = b.change_set(|cs| {
        let create = cs.create(&accounts, &doomed);
        let failing = cs.update(&accounts, account(3), &stale_rename);
        // The etag account 03 had before the first batch renamed it.
        cs.options(
            &failing,
            RequestOptions::new().if_match(ETagMatch::Tag(a3_etag.clone())),
        );
        (create, failing)
    });
    let response = b.await?;
    assert!(!response.all_succeeded(), "{response:#?}");
    let err = response
        .result(&failing)
        .expect_err("the stale update fails");
    assert!(
        err.is_concurrency_mismatch(),
        "the failed change set answers 412: {err:?}"
    );
    // CAP still reports the create with its own 201 next to the 412; the typed result is the
    // change set's failure.
    let err = response
        .created(&create)
        .expect_err("the create of a failed change set is rolled back");
    assert!(err.is_concurrency_mismatch(), "{err:?}");
    let left = accounts
        .query()
        .filter(Accounts::NAME.eq("Batch Rolled Back"))
        .await?;
    assert!(
        left.value.is_empty(),
        "the create of the failed change set was rolled back: {:?}",
        left.value
    );
    let a3 = accounts.get(account(3)).select(Accounts::NAME).await?;
    assert_eq!(name(&a3), "Adventure Works (batch)", "account 03 unchanged");
    ok("$batch (typed): a change set with a stale etag fails with 412 and is rolled back");

    // The same typed batch answered in the multipart form (what Dataverse answers): CAP gives
    // it for `Accept: multipart/mixed`.
    let mut b = service.batch();
    let multipart_account = Accounts {
        name: "Batch Multipart".to_owned().into(),
        ..Default::default()
    };
    let (created_account, created_contact) = b.change_set(|cs| {
        let created_account = cs.create(&accounts, &multipart_account);
        let created_contact = cs.create_related(
            &created_account,
            Accounts::CONTACT_CUSTOMER_ACCOUNTS,
            &new_contact,
        );
        (created_account, created_contact)
    });
    let litware = b.get(accounts.get(account(5)).select(Accounts::NAME));
    let response = b.request().header("Accept", "multipart/mixed").await?;
    assert!(response.all_succeeded(), "{response:#?}");
    assert_eq!(response.parts.len(), 3, "{response:#?}");
    assert_eq!(
        response.parts[1].content_id,
        Some(created_contact.content_id()),
        "multipart answers carry the Content-ID (CAP's JSON ids are its own): {response:#?}"
    );
    let multipart_id = created_key(response.created(&created_account)?, |r| {
        r.accountid.value().copied()
    });
    let multipart_contact = created_key(response.created(&created_contact)?, |r| {
        r.contactid.value().copied()
    });
    assert_eq!(name(&response.get(&litware)?), "Litware Inc");
    let contact = contacts.get(multipart_contact).await?;
    assert_eq!(
        contact.parentcustomerid_accountid,
        Field::Value(multipart_id)
    );
    accounts.delete(multipart_id).await?;
    ok("$batch (typed) answered in multipart/mixed: the same typed results");

    // Clean up: deleting the account deletes its contacts (composition).
    accounts.delete(new_id).await?;
    let err = contacts
        .get(contact_id)
        .await
        .expect_err("contact deleted with its account");
    assert!(err.is_not_found(), "{err:?}");
    Ok(())
}

async fn errors(service: &Service) -> Result {
    let missing = missing();
    let result = service.accounts().get(missing).await;
    let e = expect_service_error("get a missing key", result, 404);
    assert_eq!(e.code.as_deref(), Some("404"), "{e}");
    assert_eq!(e.message, "Not Found", "{e}");
    let err = service
        .contacts()
        .get(missing)
        .await
        .expect_err("missing contact");
    assert!(err.is_not_found() && !err.is_retryable(), "{err:?}");
    ok("404 for a missing key (Error::is_not_found, code and message)");

    let err = service
        .contacts()
        .update(missing, &Contacts::default())
        .await;
    // An update never creates (If-Match: *). CAP answers 412 here, Dataverse 404.
    let err = err.expect_err("update of a missing record must fail");
    assert!(
        err.is_concurrency_mismatch() || err.is_not_found(),
        "update of a missing key: {err:?}"
    );
    ok(&format!(
        "update of a missing key fails (HTTP {:?}) instead of creating",
        err.status().map(|s| s.as_u16())
    ));

    let dup = Accounts {
        accountid: account(1).into(),
        name: "Duplicate".to_owned().into(),
        ..Default::default()
    };
    let err = service
        .accounts()
        .create(&dup)
        .await
        .expect_err("a duplicate key must fail");
    assert!(err.is_duplicate(), "duplicate key: {err:?}");
    assert_eq!(err.code(), Some("0x80040237"));
    ok("create with an existing key: Error::is_duplicate (0x80040237)");

    let result = service
        .accounts()
        .query()
        .filter(Filter::raw("nosuchproperty eq 1"))
        .await;
    let e = expect_service_error("$filter on an unknown property", result, 400);
    assert!(!e.message.is_empty(), "{e}");
    ok(&format!("400 for a bad $filter: {}", e.message));
    Ok(())
}
