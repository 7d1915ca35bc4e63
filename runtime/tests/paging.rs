//! Paging across three pages following `@odata.nextLink`.

mod common;

use common::Mock;
use dataverse_runtime::{Page, Query, RequestOptions};
use futures_util::{StreamExt, TryStreamExt};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize, Debug, PartialEq)]
struct Row {
    name: String,
}

fn three_pages(m: &Mock) {
    let root = m.root();
    let link = |n: u32| {
        format!("{root}accounts?$select=name&$skiptoken=%3Ccookie%20pagenumber=%22{n}%22%20/%3E")
    };
    m.respond_json(
        200,
        &json!({"value": [{"name": "a"}, {"name": "b"}], "@odata.nextLink": link(2)}),
    );
    m.respond_json(
        200,
        &json!({"value": [{"name": "c"}, {"name": "d"}], "@odata.nextLink": link(3)}),
    );
    m.respond_json(200, &json!({"value": [{"name": "e"}]}));
}

fn check_requests(m: &Mock) {
    let reqs = m.requests();
    assert_eq!(reqs.len(), 3);
    assert_eq!(reqs[0].rel(), "accounts");
    assert_eq!(reqs[0].query.as_deref(), Some("$select=name"));
    for (i, r) in reqs.iter().enumerate().skip(1) {
        assert_eq!(r.rel(), "accounts");
        assert_eq!(
            r.query.as_deref(),
            Some(
                format!(
                    "$select=name&$skiptoken=%3Ccookie%20pagenumber=%22{}%22%20/%3E",
                    i + 1
                )
                .as_str()
            ),
            "the next link is sent exactly as received"
        );
    }
    for r in &reqs {
        r.assert_protocol_headers();
        assert_eq!(r.header("prefer"), Some("odata.maxpagesize=2"));
        assert_eq!(r.method, "GET");
    }
}

#[tokio::test]
async fn stream_of_records_follows_next_links() {
    let m = Mock::start().await;
    three_pages(&m);
    let opts = RequestOptions::new().max_page_size(2);
    let rows: Vec<Row> = m
        .client()
        .stream("accounts", &Query::new().select(["name"]), &opts)
        .try_collect()
        .await
        .unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    check_requests(&m);
}

#[tokio::test]
async fn stream_of_pages_and_query_all() {
    let m = Mock::start().await;
    three_pages(&m);
    let opts = RequestOptions::new().max_page_size(2);
    let c = m.client();
    let pages: Vec<Page<Row>> = c
        .pages("accounts", &Query::new().select(["name"]), &opts)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(
        pages.iter().map(|p| p.value.len()).collect::<Vec<_>>(),
        [2, 2, 1]
    );
    assert!(pages[0].next_link.is_some() && pages[2].next_link.is_none());
    check_requests(&m);

    m.clear();
    three_pages(&m);
    let all: Vec<Row> = c
        .query_all("accounts", &Query::new().select(["name"]), &opts)
        .await
        .unwrap();
    assert_eq!(all.len(), 5);
    check_requests(&m);
}

#[tokio::test]
async fn error_on_a_later_page_ends_the_stream() {
    let m = Mock::start().await;
    let root = m.root();
    m.respond_json(200, &json!({"value": [{"name": "a"}], "@odata.nextLink": format!("{root}accounts?$skiptoken=x")}));
    m.respond(500, &[], "");
    let items: Vec<_> = m
        .client()
        .stream::<Row>("accounts", &Query::new(), &RequestOptions::new())
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert!(items[0].is_ok());
    assert_eq!(
        items[1].as_ref().unwrap_err().status().unwrap().as_u16(),
        500
    );
}

#[tokio::test]
async fn next_link_to_another_origin_is_refused() {
    let m = Mock::start().await;
    m.respond_json(
        200,
        &json!({"value": [{"name": "a"}], "@odata.nextLink": "https://evil.example/api/data/v9.2/accounts?$skiptoken=1"}),
    );
    let items: Vec<_> = m
        .client()
        .stream::<Row>("accounts", &Query::new(), &RequestOptions::new())
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    let err = items[1].as_ref().unwrap_err();
    assert!(err.to_string().contains("another origin"), "{err}");
    assert_eq!(
        m.requests().len(),
        1,
        "the token never left for the other host"
    );
}
