//! FetchXML queries and change tracking through the generated SDK (built by `build.rs`),
//! against the runtime's local test server on 127.0.0.1, with the requests and response bodies
//! of Microsoft's Web API documentation:
//!
//! - "Use FetchXml with Web API" / "Page results using FetchXml" (Web API tab): the
//!   `fetchXml` parameter, the paging cookie annotation, `page` + `paging-cookie` on the next
//!   requests.
//! - "Aggregate data using FetchXml": aliases as record properties.
//! - "Use change tracking to synchronize data with external systems": `Prefer:
//!   odata.track-changes`, `@odata.deltaLink`, `$deletedEntity`.

#[path = "../runtime/tests/common/mod.rs"]
mod common;

use dataverse_e2e::dataverse::*;
use dataverse_runtime::change_tracking::RemovedReason;
use dataverse_runtime::codegen::futures_core::Stream;
use dataverse_runtime::codegen::serde;
use dataverse_runtime::codegen::uuid::Uuid;
use dataverse_runtime::{
    Annotations, DeletedRecord, DeltaChange, DeltaLink, Field, Page, encode_query_value,
};
use serde_json::json;

fn id(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap()
}

/// Percent-decodes a query parameter value (the test's own decoder, independent of the
/// runtime's encoder).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// Checks a FetchXML `GET`: method, path, the one `fetchXml` parameter (exactly the runtime's
/// encoding of `xml`, and `xml` once decoded), the protocol headers, `Prefer`, and no body.
fn assert_fetch(sent: &common::Recorded, set: &str, xml: &str, prefer: &str) {
    assert_eq!(sent.method, "GET");
    assert_eq!(sent.rel(), set);
    let query = sent.query.as_deref().expect("a query string");
    assert_eq!(query, format!("fetchXml={}", encode_query_value(xml)));
    let value = query.strip_prefix("fetchXml=").unwrap();
    assert!(!value.contains(['&', '=', '<', '>', ' ', '\'', '"', '#', '+']));
    assert_eq!(percent_decode(value), xml);
    sent.assert_protocol_headers();
    assert_eq!(sent.header("prefer"), Some(prefer));
    assert!(sent.body.is_empty(), "a GET has no body");
}

/// Answers with a JSON body and `Preference-Applied`, as the documented responses do.
fn respond(mock: &common::Mock, preference_applied: &str, body: serde_json::Value) {
    mock.respond(
        200,
        &[
            ("content-type", "application/json; odata.metadata=minimal"),
            ("odata-version", "4.0"),
            ("preference-applied", preference_applied),
        ],
        &body.to_string(),
    );
}

async fn collect<S: Stream + Unpin>(mut stream: S) -> Vec<S::Item> {
    let mut items = Vec::new();
    while let Some(item) =
        std::future::poll_fn(|cx| std::pin::Pin::new(&mut stream).poll_next(cx)).await
    {
        items.push(item);
    }
    items
}

/// The FetchXML of "Use FetchXml with Web API", paging section (its text is sent untouched for
/// the first page).
const CONTACTS_FETCH: &str = "<fetch page='1'
   count='3'
   paging-cookie=''
   mapping='logical'
   output-format='xml-platform'
   version='1.0'
   distinct='false'>
   <entity name ='contact'>
      <attribute name ='fullname' />
      <attribute name ='jobtitle' />
      <attribute name ='annualincome' />
      <order descending ='true'
         attribute='fullname' />
      <filter type ='and'>
         <condition value ='%(sample)%'
            attribute='fullname'
            operator='like' />
         <condition value ='18717e9c-643f-ed11-9db0-002248225e95'
            attribute='parentcustomerid'
            operator='eq' />
      </filter>
   </entity>
</fetch>";

/// The documented paging cookie annotations of pages 1 and 2.
const COOKIE_1: &str = "<cookie pagenumber=\"2\" pagingcookie=\"%253ccookie%2520page%253d%25221%2522%253e%253cfullname%2520last%253d%2522Robert%2520Lyon%2520%2528sample%2529%2522%2520first%253d%2522Susanna%2520Stubberod%2520%2528sample%2529%2522%2520%252f%253e%253ccontactid%2520last%253d%2522%257b30717E9C-643F-ED11-9DB0-002248225E95%257d%2522%2520first%253d%2522%257b20717E9C-643F-ED11-9DB0-002248225E95%257d%2522%2520%252f%253e%253c%252fcookie%253e\" istracking=\"False\" />";
const COOKIE_2: &str = "<cookie pagenumber=\"2\" pagingcookie=\"%253ccookie%2520page%253d%25222%2522%253e%253cfullname%2520last%253d%2522Nancy%2520Anderson%2520%2528sample%2529%2522%2520first%253d%2522Rene%2520Valdes%2520%2528sample%2529%2522%2520%252f%253e%253ccontactid%2520last%253d%2522%257b24717E9C-643F-ED11-9DB0-002248225E95%257d%2522%2520first%253d%2522%257b38717E9C-643F-ED11-9DB0-002248225E95%257d%2522%2520%252f%253e%253c%252fcookie%253e\" istracking=\"False\" />";

const CONTEXT: &str = "https://org.crm.dynamics.com/api/data/v9.2/$metadata#contacts(fullname,jobtitle,annualincome,_transactioncurrencyid_value,transactioncurrencyid,contactid,transactioncurrencyid())";

fn contact(
    etag: &str,
    name: &str,
    job: &str,
    income: &str,
    income_value: f64,
    id: &str,
) -> serde_json::Value {
    json!({
        "@odata.etag": etag,
        "fullname": name,
        "jobtitle": job,
        "annualincome@OData.Community.Display.V1.FormattedValue": income,
        "annualincome": income_value,
        "contactid": id
    })
}

/// The three documented responses (3 + 3 + 2 contacts).
fn respond_three_contact_pages(mock: &common::Mock) {
    let counts = |page: serde_json::Value| {
        let mut page = page;
        let o = page.as_object_mut().unwrap();
        o.insert("@odata.context".into(), json!(CONTEXT));
        o.insert("@odata.count".into(), json!(8));
        o.insert("@Microsoft.Dynamics.CRM.totalrecordcount".into(), json!(8));
        o.insert(
            "@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded".into(),
            json!(false),
        );
        o.insert(
            "@Microsoft.Dynamics.CRM.globalmetadataversion".into(),
            json!("74343461"),
        );
        page
    };
    respond(
        mock,
        "odata.include-annotations=\"*\"",
        counts(json!({
            "@Microsoft.Dynamics.CRM.fetchxmlpagingcookie": COOKIE_1,
            "@Microsoft.Dynamics.CRM.morerecords": true,
            "value": [
                contact("W/\"74359676\"", "Susanna Stubberod (sample)", "Senior Purchaser", "$52,000.00", 52000.0, "20717e9c-643f-ed11-9db0-002248225e95"),
                contact("W/\"74359706\"", "Scott Konersmann (sample)", "Accounts Manager", "$38,000.00", 38000.0, "2c717e9c-643f-ed11-9db0-002248225e95"),
                contact("W/\"74359716\"", "Robert Lyon (sample)", "Senior Technician", "$78,000.00", 78000.0, "30717e9c-643f-ed11-9db0-002248225e95"),
            ]
        })),
    );
    respond(
        mock,
        "odata.include-annotations=\"*\"",
        counts(json!({
            "@Microsoft.Dynamics.CRM.fetchxmlpagingcookie": COOKIE_2,
            "@Microsoft.Dynamics.CRM.morerecords": true,
            "value": [
                contact("W/\"74359736\"", "Rene Valdes (sample)", "Data Analyst III", "$86,000.00", 86000.0, "38717e9c-643f-ed11-9db0-002248225e95"),
                contact("W/\"74359726\"", "Paul Cannon (sample)", "Ski Instructor", "$68,500.00", 68500.0, "34717e9c-643f-ed11-9db0-002248225e95"),
                contact("W/\"74359686\"", "Nancy Anderson (sample)", "Activities Manager", "$55,500.00", 55500.0, "24717e9c-643f-ed11-9db0-002248225e95"),
            ]
        })),
    );
    // The last page has neither `morerecords` nor a paging cookie.
    respond(
        mock,
        "odata.include-annotations=\"*\"",
        counts(json!({
            "value": [
                contact("W/\"74359696\"", "Maria Cambell (sample)", "Accounts Manager", "$31,000.00", 31000.0, "28717e9c-643f-ed11-9db0-002248225e95"),
                contact("W/\"74359746\"", "Jim Glynn (sample)", "Senior International Sales Manager", "$81,400.00", 81400.0, "3c717e9c-643f-ed11-9db0-002248225e95"),
            ]
        })),
    );
}

/// `CONTACTS_FETCH` for page `page` with the (decoded, then XML-escaped) cookie `cookie`: only
/// the two attributes change, in place, keeping their single quotes.
fn contacts_fetch_page(page: u32, cookie: &str) -> String {
    CONTACTS_FETCH
        .replacen("page='1'", &format!("page='{page}'"), 1)
        .replacen("paging-cookie=''", &format!("paging-cookie='{cookie}'"), 1)
}

const ESCAPED_COOKIE_1: &str = "&lt;cookie page=\"1\"&gt;&lt;fullname last=\"Robert Lyon (sample)\" first=\"Susanna Stubberod (sample)\" /&gt;&lt;contactid last=\"{30717E9C-643F-ED11-9DB0-002248225E95}\" first=\"{20717E9C-643F-ED11-9DB0-002248225E95}\" /&gt;&lt;/cookie&gt;";
const ESCAPED_COOKIE_2: &str = "&lt;cookie page=\"2\"&gt;&lt;fullname last=\"Nancy Anderson (sample)\" first=\"Rene Valdes (sample)\" /&gt;&lt;contactid last=\"{24717E9C-643F-ED11-9DB0-002248225E95}\" first=\"{38717E9C-643F-ED11-9DB0-002248225E95}\" /&gt;&lt;/cookie&gt;";

#[tokio::test]
async fn fetch_xml_pages_follow_the_paging_cookie_over_three_pages() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    respond_three_contact_pages(&mock);

    let pages: Vec<Page<Contact>> = collect(
        service
            .contacts()
            .fetch_xml(CONTACTS_FETCH)
            .include_annotations(Annotations::All)
            .pages(),
    )
    .await
    .into_iter()
    .collect::<Result<_, _>>()
    .unwrap();

    // The wire: page 1 is the caller's text; pages 2 and 3 carry page='n+1' and the previous
    // page's cookie (URL-decoded twice, XML-escaped), everything else byte for byte.
    let sent = mock.requests();
    assert_eq!(sent.len(), 3);
    let prefer = "odata.include-annotations=\"*\"";
    assert_fetch(&sent[0], "contacts", CONTACTS_FETCH, prefer);
    assert_fetch(
        &sent[1],
        "contacts",
        &contacts_fetch_page(2, ESCAPED_COOKIE_1),
        prefer,
    );
    assert_fetch(
        &sent[2],
        "contacts",
        &contacts_fetch_page(3, ESCAPED_COOKIE_2),
        prefer,
    );
    // Spelled out once: the start of the second request's FetchXML.
    assert!(percent_decode(&sent[1].query.as_deref().unwrap()["fetchXml=".len()..]).starts_with(
        "<fetch page='2'\n   count='3'\n   paging-cookie='&lt;cookie page=\"1\"&gt;&lt;fullname last=\"Robert Lyon (sample)\""
    ));

    // The pages and their annotations.
    let more: Vec<Option<bool>> = pages.iter().map(|p| p.more_records).collect();
    assert_eq!(more, [Some(true), Some(true), None]);
    assert_eq!(pages[0].fetchxml_paging_cookie.as_deref(), Some(COOKIE_1));
    assert_eq!(pages[1].fetchxml_paging_cookie.as_deref(), Some(COOKIE_2));
    assert_eq!(pages[2].fetchxml_paging_cookie, None);
    assert!(
        pages
            .iter()
            .all(|p| p.count == Some(8) && p.total_record_count == Some(8))
    );

    // The typed records.
    let records: Vec<&Contact> = pages.iter().flat_map(|p| &p.value).collect();
    let names: Vec<&str> = records
        .iter()
        .map(|c| c.fullname.value().unwrap().as_str())
        .collect();
    assert_eq!(
        names,
        [
            "Susanna Stubberod (sample)",
            "Scott Konersmann (sample)",
            "Robert Lyon (sample)",
            "Rene Valdes (sample)",
            "Paul Cannon (sample)",
            "Nancy Anderson (sample)",
            "Maria Cambell (sample)",
            "Jim Glynn (sample)",
        ]
    );
    let first = records[0];
    assert_eq!(
        first.contactid,
        Field::Value(id("20717e9c-643f-ed11-9db0-002248225e95"))
    );
    assert_eq!(first.jobtitle, Field::Value("Senior Purchaser".to_owned()));
    assert_eq!(
        first.annualincome.value().map(|d| d.as_str()),
        Some("52000.0")
    );
    assert_eq!(
        first.formatted_value("annualincome").as_deref(),
        Some("$52,000.00")
    );
    assert_eq!(
        first.etag().map(|e| e.as_str().to_owned()).as_deref(),
        Some("W/\"74359676\"")
    );
}

#[tokio::test]
async fn fetch_xml_by_hand_next_request_and_all() {
    // "Page results using FetchXml": `count` set, no `page` and no `paging-cookie`: the next
    // FetchXML gets both appended (double quotes); the paging annotations are asked for next
    // to the formatted values, in the one Prefer header.
    let xml = "<fetch count='3'>\n  <entity name='contact'>\n    <attribute name='fullname' />\n    <order descending='true' attribute='fullname' />\n  </entity>\n</fetch>";
    let cookie = "<cookie pagenumber=\"2\" pagingcookie=\"%253ccookie%2520page%253d%25221%2522%253e%253cfullname%2520last%253d%2522Susanna%2520Stubberod%2520%2528sample%2529%2522%2520first%253d%2522Yvonne%2520McKay%2520%2528sample%2529%2522%2520%252f%253e%253ccontactid%2520last%253d%2522%257b70BF4D48-34CB-ED11-B596-0022481D68CD%257d%2522%2520first%253d%2522%257b49B0BE2E-D01C-ED11-B83E-000D3A572421%257d%2522%2520%252f%253e%253c%252fcookie%253e\" istracking=\"False\" />";
    let second_xml = "<fetch count='3' page=\"2\" paging-cookie=\"&lt;cookie page=&quot;1&quot;&gt;&lt;fullname last=&quot;Susanna Stubberod (sample)&quot; first=&quot;Yvonne McKay (sample)&quot; /&gt;&lt;contactid last=&quot;{70BF4D48-34CB-ED11-B596-0022481D68CD}&quot; first=&quot;{49B0BE2E-D01C-ED11-B83E-000D3A572421}&quot; /&gt;&lt;/cookie&gt;\">\n  <entity name='contact'>\n    <attribute name='fullname' />\n    <order descending='true' attribute='fullname' />\n  </entity>\n</fetch>";
    let prefer = "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue,Microsoft.Dynamics.CRM.fetchxmlpagingcookie,Microsoft.Dynamics.CRM.morerecords\"";
    let first_body = json!({
        "@odata.context": CONTEXT,
        "@Microsoft.Dynamics.CRM.fetchxmlpagingcookie": cookie,
        "@Microsoft.Dynamics.CRM.morerecords": true,
        "value": [
            {"@odata.etag": "W/\"72201545\"", "fullname": "Yvonne McKay (sample)", "contactid": "49b0be2e-d01c-ed11-b83e-000d3a572421"},
            {"@odata.etag": "W/\"80648695\"", "fullname": "Susanna Stubberod (sample)", "contactid": "70bf4d48-34cb-ed11-b596-0022481d68cd"}
        ]
    });
    let last_body = json!({
        "@odata.context": CONTEXT,
        "value": [
            {"@odata.etag": "W/\"87523026\"", "fullname": "Jim Glynn (sample)", "contactid": "80bf4d48-34cb-ed11-b596-0022481d68cd"}
        ]
    });

    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());

    // By hand: `.await` one page, then `next_request()` until it gives `None`.
    respond(&mock, "odata.include-annotations=\"*\"", first_body.clone());
    respond(&mock, "odata.include-annotations=\"*\"", last_body.clone());
    let first = service
        .contacts()
        .fetch_xml(xml)
        .include_annotations(Annotations::FormattedValues)
        .await
        .unwrap();
    assert!(first.has_more());
    assert_eq!(first.fetch_xml(), xml);
    assert_eq!(first.value.len(), 2);
    assert_eq!(first.next_fetch_xml().unwrap().as_deref(), Some(second_xml));
    let second = first
        .next_request()
        .unwrap()
        .expect("a second page")
        .await
        .unwrap();
    assert_eq!(second.fetch_xml(), second_xml);
    assert!(!second.has_more());
    assert!(second.next_request().unwrap().is_none());
    assert_eq!(
        second.value[0].fullname,
        Field::Value("Jim Glynn (sample)".to_owned())
    );
    let sent = mock.requests();
    assert_eq!(sent.len(), 2);
    assert_fetch(&sent[0], "contacts", xml, prefer);
    assert_fetch(&sent[1], "contacts", second_xml, prefer);

    // `.all()`: the same two requests, every record.
    mock.clear();
    respond(&mock, "odata.include-annotations=\"*\"", first_body);
    respond(&mock, "odata.include-annotations=\"*\"", last_body);
    let all = service
        .contacts()
        .fetch_xml(xml)
        .include_annotations(Annotations::FormattedValues)
        .all()
        .await
        .unwrap();
    let ids: Vec<Uuid> = all.iter().map(|c| *c.contactid.value().unwrap()).collect();
    assert_eq!(
        ids,
        [
            id("49b0be2e-d01c-ed11-b83e-000d3a572421"),
            id("70bf4d48-34cb-ed11-b596-0022481d68cd"),
            id("80bf4d48-34cb-ed11-b596-0022481d68cd")
        ]
    );
    let sent = mock.requests();
    assert_eq!(sent.len(), 2);
    assert_fetch(&sent[0], "contacts", xml, prefer);
    assert_fetch(&sent[1], "contacts", second_xml, prefer);
}

#[tokio::test]
async fn aggregate_fetch_xml_aliases_are_readable() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    let paging = "odata.include-annotations=\"Microsoft.Dynamics.CRM.fetchxmlpagingcookie,Microsoft.Dynamics.CRM.morerecords\"";

    // "Aggregate data using FetchXml": one row of aliases, read as an `Account`: the aliases
    // are not account properties, so they are in `extra`, exactly as sent.
    let aggregate = "<fetch aggregate='true'>
  <entity name='account'>
    <attribute name='numberofemployees' alias='Average' aggregate='avg' />
    <attribute name='numberofemployees' alias='Count' aggregate='count' />
    <attribute name='numberofemployees' alias='ColumnCount' aggregate='countcolumn' />
    <attribute name='numberofemployees' alias='Maximum' aggregate='max' />
    <attribute name='numberofemployees' alias='Minimum' aggregate='min' />
    <attribute name='numberofemployees' alias='Sum' aggregate='sum' />
  </entity>
</fetch>";
    mock.respond_json(
        200,
        &json!({
            "@odata.context": "https://org.crm.dynamics.com/api/data/v9.2/$metadata#accounts",
            "value": [
                {"Average": 3911, "Count": 10, "ColumnCount": 9, "Maximum": 6200, "Minimum": 1500, "Sum": 35200}
            ]
        }),
    );
    let page = service.accounts().fetch_xml(aggregate).await.unwrap();
    assert_fetch(&mock.only_request(), "accounts", aggregate, paging);
    assert!(!page.has_more());
    let row = &page.value[0];
    let read = |alias: &str| row.extra[alias].get().to_owned();
    assert_eq!(read("Average"), "3911");
    assert_eq!(read("Count"), "10");
    assert_eq!(read("ColumnCount"), "9");
    assert_eq!(read("Maximum"), "6200");
    assert_eq!(read("Minimum"), "1500");
    assert_eq!(read("Sum"), "35200");
    assert_eq!(row.numberofemployees, Field::Unset);

    // Grouped, into a type of the caller's own with `fetch_xml_as`: FetchXML leaves null
    // values out, so the group without a city has no `City`.
    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(crate = "dataverse_runtime::codegen::serde")]
    struct CityTotal {
        #[serde(rename = "Total")]
        total: i64,
        #[serde(rename = "Count")]
        count: i64,
        #[serde(rename = "City", default)]
        city: Option<String>,
    }
    let grouped = "<fetch aggregate='true'>
   <entity name='account'>
      <attribute name='numberofemployees' alias='Total' aggregate='sum' />
      <attribute name='address1_city' alias='Count' aggregate='count' />
      <attribute name='address1_city' alias='City' groupby='true' />
      <order alias='City' />
   </entity>
</fetch>";
    mock.clear();
    mock.respond_json(
        200,
        &json!({
            "@odata.context": "https://org.crm.dynamics.com/api/data/v9.2/$metadata#accounts",
            "value": [
                {"Total": 0, "Count": 1},
                {"Total": 6000, "Count": 1, "City": "Dallas"},
                {"Total": 10600, "Count": 3, "City": "Redmond"}
            ]
        }),
    );
    let rows = service
        .accounts()
        .fetch_xml_as::<CityTotal>(grouped)
        .all()
        .await
        .unwrap();
    assert_fetch(&mock.only_request(), "accounts", grouped, paging);
    assert_eq!(
        rows,
        [
            CityTotal {
                total: 0,
                count: 1,
                city: None
            },
            CityTotal {
                total: 6000,
                count: 1,
                city: Some("Dallas".into())
            },
            CityTotal {
                total: 10600,
                count: 3,
                city: Some("Redmond".into())
            },
        ]
    );
}

#[tokio::test]
async fn change_tracking_keeps_the_delta_link_and_reads_typed_changes() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    let token_1 = "919042%2108%2f22%2f2017%2008%3a10%3a44";
    let token_2 = "919058%2108%2f22%2f2017%2008%3a21%3a20";
    let link_1 = format!(
        "{}accounts?$select=name,accountnumber,telephone1,fax&$deltatoken={token_1}",
        mock.root()
    );
    let link_2 = format!(
        "{}accounts?$select=name,telephone1,fax&$deltatoken={token_2}",
        mock.root()
    );

    // The initial request: `$select` and `Prefer: odata.track-changes`.
    respond(
        &mock,
        "odata.track-changes",
        json!({
            "@odata.context": "https://org.crm.dynamics.com/api/data/v9.0/$metadata#accounts(name,accountnumber,telephone1,fax)",
            "@odata.deltaLink": link_1,
            "value": [{
                "@odata.etag": "W/\"915244\"",
                "name": "Monte Orton",
                "accountnumber": null,
                "telephone1": "555000",
                "fax": "10101",
                "accountid": "60c4e274-0d87-e711-80e5-00155db19e6d"
            }]
        }),
    );
    let snapshot = service
        .accounts()
        .track_changes((
            Account::NAME,
            Account::ACCOUNTNUMBER,
            Account::TELEPHONE1,
            Account::FAX,
        ))
        .await
        .unwrap();
    let sent = mock.only_request();
    assert_eq!(sent.method, "GET");
    assert_eq!(sent.rel(), "accounts");
    assert_eq!(
        sent.query.as_deref(),
        Some("$select=name,accountnumber,telephone1,fax")
    );
    sent.assert_protocol_headers();
    assert_eq!(sent.header("prefer"), Some("odata.track-changes"));
    assert!(sent.body.is_empty());
    assert_eq!(snapshot.records.len(), 1);
    let monte = &snapshot.records[0];
    assert_eq!(monte.name, Field::Value("Monte Orton".to_owned()));
    assert_eq!(monte.accountnumber, Field::Null);
    assert_eq!(
        monte.accountid,
        Field::Value(id("60c4e274-0d87-e711-80e5-00155db19e6d"))
    );

    // The delta link is kept: stored as JSON text, read back later.
    assert_eq!(snapshot.delta_link.as_str(), link_1);
    assert_eq!(snapshot.delta_link.delta_token(), Some(token_1));
    let stored = serde_json::to_string(&snapshot.delta_link).unwrap();
    assert_eq!(stored, serde_json::to_string(&link_1).unwrap());
    let restored: DeltaLink = serde_json::from_str(&stored).unwrap();

    // The follow-up: `GET` the delta link as it is (no Prefer); one updated record and one
    // deletion, typed, and the next delta link.
    mock.clear();
    mock.respond_json(
        200,
        &json!({
            "@odata.context": "https://org.crm.dynamics.com/data/v9.0/$metadata#accounts(name,telephone1,fax)/$delta",
            "@odata.deltaLink": link_2,
            "value": [
                {
                    "@odata.etag": "W/\"915244\"",
                    "name": "Monte Orton",
                    "telephone1": "555000",
                    "fax": "10101",
                    "accountid": "60c4e274-0d87-e711-80e5-00155db19e6d"
                },
                {
                    "@odata.context": "https://org.crm.dynamics.com/api/data/v9.0/$metadata#accounts/$deletedEntity",
                    "id": "2e451703-c686-e711-80e5-00155db19e6d",
                    "reason": "deleted"
                }
            ]
        }),
    );
    let delta = service.accounts().changes_since(&restored).await.unwrap();
    let sent = mock.only_request();
    assert_eq!(sent.method, "GET");
    assert_eq!(sent.rel(), "accounts");
    assert_eq!(
        sent.query.as_deref(),
        Some(format!("$select=name,accountnumber,telephone1,fax&$deltatoken={token_1}").as_str())
    );
    sent.assert_protocol_headers();
    assert_eq!(sent.header("prefer"), None);
    assert!(sent.body.is_empty());

    assert_eq!(delta.changes.len(), 2);
    let DeltaChange::NewOrUpdated(updated) = &delta.changes[0] else {
        panic!("expected an updated record: {:?}", delta.changes[0]);
    };
    assert_eq!(
        updated.accountid,
        Field::Value(id("60c4e274-0d87-e711-80e5-00155db19e6d"))
    );
    assert_eq!(updated.name, Field::Value("Monte Orton".to_owned()));
    assert_eq!(updated.telephone1, Field::Value("555000".to_owned()));
    assert_eq!(updated.fax, Field::Value("10101".to_owned()));
    assert_eq!(updated.accountnumber, Field::Unset);
    let deleted = DeletedRecord {
        id: "2e451703-c686-e711-80e5-00155db19e6d".to_owned(),
        reason: RemovedReason::Deleted,
    };
    assert_eq!(delta.changes[1], DeltaChange::Deleted(deleted.clone()));
    assert_eq!(delta.deleted().collect::<Vec<_>>(), [&deleted]);
    assert_eq!(
        deleted.guid(),
        Some(id("2e451703-c686-e711-80e5-00155db19e6d"))
    );
    assert_eq!(delta.new_or_updated().count(), 1);
    assert_eq!(delta.delta_link.as_str(), link_2);
}

#[tokio::test]
async fn change_tracking_combines_preferences_and_follows_next_links() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    let next = format!(
        "{}accounts?$select=name&$skiptoken=%3Ccookie%20pagenumber=%222%22/%3E",
        mock.root()
    );
    let link = format!(
        "{}accounts?$select=name&$deltatoken=919042%2108%2f22%2f2017%2008%3a10%3a44",
        mock.root()
    );
    respond(
        &mock,
        "odata.maxpagesize=1,odata.track-changes",
        json!({"@odata.nextLink": next, "value": [{"name": "A", "accountid": "60c4e274-0d87-e711-80e5-00155db19e6d"}]}),
    );
    respond(
        &mock,
        "odata.maxpagesize=1,odata.track-changes",
        json!({"@odata.deltaLink": link, "value": [{"name": "B", "accountid": "60c4e274-0d87-e711-80e5-00155db19e6e"}]}),
    );
    let snapshot = service
        .accounts()
        .track_changes(Account::NAME)
        .max_page_size(1)
        .include_annotations(Annotations::FormattedValues)
        .await
        .unwrap();
    let sent = mock.requests();
    assert_eq!(sent.len(), 2);
    // One Prefer header holding the request's preferences and the tracking one, on both pages.
    let prefer = "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\",odata.maxpagesize=1,odata.track-changes";
    for (sent, query) in sent.iter().zip([
        "$select=name".to_owned(),
        next.split_once('?').unwrap().1.to_owned(),
    ]) {
        assert_eq!(sent.method, "GET");
        assert_eq!(sent.rel(), "accounts");
        assert_eq!(sent.query.as_deref(), Some(query.as_str()));
        sent.assert_protocol_headers();
        assert_eq!(sent.headers.get_all("prefer").iter().count(), 1);
        assert_eq!(sent.header("prefer"), Some(prefer));
        assert!(sent.body.is_empty());
    }
    let names: Vec<&str> = snapshot
        .records
        .iter()
        .map(|a| a.name.value().unwrap().as_str())
        .collect();
    assert_eq!(names, ["A", "B"]);
    assert_eq!(snapshot.delta_link.as_str(), link);

    // Nothing changed: the service answers with no entries and no new link; the old link stays.
    mock.clear();
    mock.respond_json(200, &json!({}));
    let delta = service
        .accounts()
        .changes_since(&snapshot.delta_link)
        .await
        .unwrap();
    assert!(delta.is_empty());
    assert_eq!(delta.delta_link, snapshot.delta_link);
}
