//! Typed queries on the wire: the exact request (method, path, query string, headers) that the
//! generated SDKs send for typed `$select`, `$filter`, `$orderby`, `$expand`, `$top` and
//! `$count`, against the runtime's local test server on 127.0.0.1. The build.rs SDK (Dynamics CRM
//! 2016 metadata) covers most of it; the checked-in v9.1 SDK (`generated-example/`) covers the
//! flags enum, which the older metadata does not declare.

#[path = "../runtime/tests/common/mod.rs"]
mod common;

use dataverse_e2e::dataverse::functions::{last_x_days, under};
use dataverse_e2e::dataverse::*;
use dataverse_runtime::codegen::uuid::Uuid;
use dataverse_runtime::{Annotations, DateTimeOffset, Decimal, Filter};
use serde_json::json;

const ACCOUNT: &str = "00000000-0000-0000-0000-0000000000f7";

fn id(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap()
}

/// The one request the mock received, as `METHOD path?query`, after checking the protocol
/// headers every request carries.
fn sent_line(mock: &common::Mock) -> String {
    let sent = mock.only_request();
    sent.assert_protocol_headers();
    assert!(sent.body.is_empty(), "a query has no body");
    match &sent.query {
        Some(query) => format!("{} {}?{}", sent.method, sent.rel(), query),
        None => format!("{} {}", sent.method, sent.rel()),
    }
}

fn empty_page(mock: &common::Mock) {
    mock.respond_json(200, &json!({"value": []}));
}

#[tokio::test]
async fn a_filter_with_every_operator_group() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    empty_page(&mock);
    let filter = Account::NAME
        .eq("Contoso")
        .and(Account::NAME.ne("Fabrikam"))
        .and(
            Account::NUMBEROFEMPLOYEES
                .gt(10)
                .or(Account::NUMBEROFEMPLOYEES.ge(5))
                .or(Account::NUMBEROFEMPLOYEES
                    .lt(2)
                    .and(Account::NUMBEROFEMPLOYEES.le(1))),
        )
        .and(Account::TELEPHONE1.is_null().or(Account::FAX.is_not_null()))
        .and(!Account::CREDITONHOLD.eq(true))
        .and(
            Account::NAME.contains("a")
                | Account::NAME.startswith("C")
                | Account::NAME.endswith("o"),
        )
        .and(!Account::DESCRIPTION.contains("x"))
        .and(Account::STATECODE.is_in([0, 1]));
    service.accounts().query().filter(filter).await.unwrap();
    assert_eq!(
        sent_line(&mock),
        "GET accounts?$filter=name%20eq%20%27Contoso%27%20and%20name%20ne%20%27Fabrikam%27%20and%20\
         (numberofemployees%20gt%2010%20or%20numberofemployees%20ge%205%20or%20numberofemployees%20lt%202%20and%20numberofemployees%20le%201)%20and%20\
         (telephone1%20eq%20null%20or%20fax%20ne%20null)%20and%20\
         not%20(creditonhold%20eq%20true)%20and%20\
         (contains(name,%27a%27)%20or%20startswith(name,%27C%27)%20or%20endswith(name,%27o%27))%20and%20\
         not%20contains(description,%27x%27)%20and%20\
         statecode%20in%20(0,1)"
    );
}

#[tokio::test]
async fn a_navigation_path_a_lookup_value_and_any_with_a_nested_predicate() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    empty_page(&mock);
    let filter = Account::PRIMARYCONTACTID
        .then(Contact::FULLNAME)
        .eq("Yvonne McKay")
        .and(Account::PARENTACCOUNTID_VALUE.eq(id(ACCOUNT)))
        .and(
            Account::CONTACT_CUSTOMER_ACCOUNTS.any(
                Contact::FULLNAME.startswith("S").and(
                    Contact::PARENTCUSTOMERID_ACCOUNT
                        .then(Account::NAME)
                        .ne("x"),
                ),
            ),
        )
        .and(Account::CONTACT_CUSTOMER_ACCOUNTS.all(Contact::STATECODE.eq(0)));
    service.accounts().query().filter(filter).await.unwrap();
    assert_eq!(
        sent_line(&mock),
        "GET accounts?$filter=primarycontactid/fullname%20eq%20%27Yvonne%20McKay%27%20and%20\
         _parentaccountid_value%20eq%2000000000-0000-0000-0000-0000000000f7%20and%20\
         contact_customer_accounts/any(o:startswith(o/fullname,%27S%27)%20and%20o/parentcustomerid_account/name%20ne%20%27x%27)%20and%20\
         contact_customer_accounts/all(o:o/statecode%20eq%200)"
    );
}

#[tokio::test]
async fn query_functions_of_the_document() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    empty_page(&mock);
    service
        .accounts()
        .query()
        .filter(last_x_days(Account::CREATEDON, 7).and(under(Account::ACCOUNTID, ACCOUNT.into())))
        .await
        .unwrap();
    assert_eq!(
        sent_line(&mock),
        "GET accounts?$filter=Microsoft.Dynamics.CRM.LastXDays(PropertyName%3D%27createdon%27,PropertyValue%3D7)%20and%20\
         Microsoft.Dynamics.CRM.Under(PropertyName%3D%27accountid%27,PropertyValue%3D%2700000000-0000-0000-0000-0000000000f7%27)"
    );
}

#[tokio::test]
async fn nested_expand_with_select_filter_orderby_and_top_plus_count_and_options() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    mock.respond_json(
        200,
        &json!({
            "@odata.count": 1,
            "value": [{
                "name": "Contoso",
                "primarycontactid": {"fullname": "Yvonne McKay"},
                "contact_customer_accounts": [{"fullname": "Susanna Stubberod", "statecode": 0}]
            }]
        }),
    );
    let page = service
        .accounts()
        .query()
        .select((Account::NAME, Account::REVENUE))
        .expand((
            Account::PRIMARYCONTACTID.expand().select(Contact::FULLNAME),
            Account::CONTACT_CUSTOMER_ACCOUNTS
                .expand()
                .select((Contact::FULLNAME, Contact::STATECODE))
                .filter(Contact::STATECODE.eq(0))
                .orderby((Contact::FULLNAME.desc(), Contact::CREATEDON.asc()))
                .top(3)
                .expand(
                    Contact::PARENTCUSTOMERID_ACCOUNT
                        .expand()
                        .select(Account::NAME),
                ),
        ))
        .orderby((Account::REVENUE.desc(), Account::NAME.asc()))
        .top(10)
        .count()
        .max_page_size(50)
        .include_annotations(Annotations::FormattedValues)
        .await
        .unwrap();
    assert_eq!(page.count, Some(1));
    let account = &page.value[0];
    assert_eq!(account.name.value().map(String::as_str), Some("Contoso"));
    let contacts = account.contact_customer_accounts.get().unwrap().unwrap();
    assert_eq!(
        contacts[0].fullname.value().map(String::as_str),
        Some("Susanna Stubberod")
    );
    let primary = account.primarycontactid.get().unwrap().unwrap();
    assert_eq!(
        primary.fullname.value().map(String::as_str),
        Some("Yvonne McKay")
    );
    let sent = mock.requests();
    assert_eq!(
        sent[0].header("prefer"),
        Some(
            "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\",odata.maxpagesize=50"
        )
    );
    assert_eq!(
        sent_line(&mock),
        "GET accounts?$select=name,revenue&$orderby=revenue%20desc,name&\
         $expand=primarycontactid($select%3Dfullname),\
         contact_customer_accounts($select%3Dfullname,statecode%3B$filter%3Dstatecode%20eq%200%3B$orderby%3Dfullname%20desc,createdon%3B$top%3D3%3B$expand%3Dparentcustomerid_account($select%3Dname))\
         &$top=10&$count=true"
    );
}

#[tokio::test]
async fn literals_hostile_string_guid_datetimeoffset_decimal_and_enum() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    empty_page(&mock);
    let hostile = "O'Neil & Sons #1 100% +x é\nline2";
    let filter = Account::NAME
        .eq(hostile)
        .and(Account::ACCOUNTID.eq(id(ACCOUNT)))
        .and(Account::CREATEDON.ge("2024-01-02T03:04:05Z".parse::<DateTimeOffset>().unwrap()))
        .and(Account::REVENUE.eq("12345678901234.567890".parse::<Decimal>().unwrap()));
    service.accounts().query().filter(filter).await.unwrap();
    assert_eq!(
        sent_line(&mock),
        "GET accounts?$filter=name%20eq%20%27O%27%27Neil%20%26%20Sons%20%231%20100%25%20%2Bx%20%C3%A9%0Aline2%27%20and%20\
         accountid%20eq%2000000000-0000-0000-0000-0000000000f7%20and%20\
         createdon%20ge%202024-01-02T03:04:05Z%20and%20\
         revenue%20eq%2012345678901234.567890"
    );
    // The enum literal (`Namespace.Type'Member'`), on the table definitions of the same SDK.
    empty_page(&mock);
    service
        .entity_definitions()
        .query()
        .select((EntityMetadata::LOGICAL_NAME, EntityMetadata::OWNERSHIP_TYPE))
        .filter(EntityMetadata::OWNERSHIP_TYPE.eq(OwnershipTypes::UserOwned))
        .await
        .unwrap();
    let sent = mock.requests();
    assert_eq!(
        format!("{}?{}", sent[1].rel(), sent[1].query.clone().unwrap()),
        "EntityDefinitions?$select=LogicalName,OwnershipType&\
         $filter=OwnershipType%20eq%20Microsoft.Dynamics.CRM.OwnershipTypes%27UserOwned%27"
    );
}

#[tokio::test]
async fn flags_enum_has_and_a_get_with_select_and_expand() {
    use dataverse_example as v91;
    let mock = common::Mock::start().await;
    let service = v91::Service::new(mock.client());
    empty_page(&mock);
    service
        .entity_definitions()
        .query()
        .filter(
            v91::EntityMetadata::OWNERSHIP_TYPE
                .has(v91::OwnershipTypes::UserOwned)
                .or(
                    v91::EntityMetadata::OWNERSHIP_TYPE.eq(v91::support::Flags(vec![
                        v91::OwnershipTypes::TeamOwned,
                        v91::OwnershipTypes::BusinessOwned,
                    ])),
                ),
        )
        .await
        .unwrap();
    assert_eq!(
        sent_line(&mock),
        "GET EntityDefinitions?$filter=OwnershipType%20has%20Microsoft.Dynamics.CRM.OwnershipTypes%27UserOwned%27%20or%20\
         OwnershipType%20eq%20Microsoft.Dynamics.CRM.OwnershipTypes%27TeamOwned,BusinessOwned%27"
    );
    mock.respond_json(200, &json!({"name": "Contoso"}));
    let account = service
        .accounts()
        .get(id(ACCOUNT))
        .select(v91::Account::NAME)
        .expand(
            v91::Account::PRIMARYCONTACTID
                .expand()
                .select(v91::Contact::FULL_NAME),
        )
        .await
        .unwrap();
    assert_eq!(account.name.value().map(String::as_str), Some("Contoso"));
    let sent = mock.requests();
    assert_eq!(
        format!(
            "{} {}?{}",
            sent[1].method,
            sent[1].rel(),
            sent[1].query.clone().unwrap()
        ),
        format!(
            "GET accounts({ACCOUNT})?$select=name&$expand=primarycontactid($select%3Dfullname)"
        )
    );
}

#[tokio::test]
async fn the_raw_escape_hatch_and_a_raw_filter() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    empty_page(&mock);
    service
        .accounts()
        .query()
        .filter(Filter::raw(
            "Microsoft.Dynamics.CRM.Today(PropertyName='createdon')",
        ))
        .filter(Account::NAME.eq("A"))
        .raw(|query| query.param("userQuery", "00000000-0000-0000-0000-000000000001"))
        .await
        .unwrap();
    assert_eq!(
        sent_line(&mock),
        "GET accounts?$filter=(Microsoft.Dynamics.CRM.Today(PropertyName%3D%27createdon%27))%20and%20name%20eq%20%27A%27&\
         userQuery=00000000-0000-0000-0000-000000000001"
    );
}

#[tokio::test]
async fn a_query_request_is_reusable_through_clone() {
    let mock = common::Mock::start().await;
    let service = Service::new(mock.client());
    empty_page(&mock);
    empty_page(&mock);
    let request = service
        .accounts()
        .query()
        .select(Account::NAME)
        .filter(Account::STATECODE.eq(0))
        .max_page_size(2);
    assert_eq!(
        request.relative_url(),
        "accounts?$select=name&$filter=statecode%20eq%200"
    );
    assert_eq!(
        service
            .accounts()
            .get(id(ACCOUNT))
            .select(Account::NAME)
            .relative_url(),
        format!("accounts({ACCOUNT})?$select=name")
    );
    request.clone().await.unwrap();
    request.all().await.unwrap();
    let sent = mock.requests();
    assert_eq!(sent.len(), 2);
    for request in &sent {
        assert_eq!(
            format!("{}?{}", request.rel(), request.query.clone().unwrap()),
            "accounts?$select=name&$filter=statecode%20eq%200"
        );
        assert_eq!(request.header("prefer"), Some("odata.maxpagesize=2"));
    }
}
