//! Every operation on the wire: method, path, query, headers and body.

mod common;

use common::{Mock, uuid};
use dataverse_runtime::{
    Annotations, Bind, Conditional, Created, ETag, ETagMatch, EntityKey, EntityPath, Extra,
    ExtraExt, Field, Impersonation, Literal, ODataType, Page, Query, RequestOptions,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

const ID: &str = "00000000-0000-0000-0000-000000000001";

#[derive(Serialize, Deserialize, Default, Debug, PartialEq)]
struct Account {
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    name: Field<String>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    accountid: Field<uuid::Uuid>,
    #[serde(
        rename = "parentaccountid@odata.bind",
        default,
        skip_serializing_if = "Field::is_unset"
    )]
    parentaccountid: Field<Bind>,
    #[serde(default, skip_serializing_if = "Field::is_unset")]
    description: Field<String>,
    #[serde(flatten)]
    extra: Extra,
}

fn no() -> RequestOptions {
    RequestOptions::new()
}

fn acct() -> EntityPath {
    EntityPath::entity("accounts", uuid(1))
}

#[tokio::test]
async fn create_204_returns_id_from_odata_entityid() {
    let m = Mock::start().await;
    let entity_url = format!("{}accounts({ID})", m.root());
    m.respond(204, &[("OData-EntityId", &entity_url)], "");
    let body = Account {
        name: Field::Value("Contoso".into()),
        parentaccountid: Field::Value(Bind::to("accounts", uuid(2))),
        description: Field::Null,
        ..Default::default()
    };
    let created: Created<Account> = m.client().create("accounts", &body, &no()).await.unwrap();
    let id = created.entity_id().unwrap();
    assert_eq!(id.id, Some(uuid(1)));
    assert_eq!(id.url, entity_url);

    let r = m.only_request();
    assert_eq!(r.method, "POST");
    assert_eq!(r.rel(), "accounts");
    assert_eq!(r.query, None);
    r.assert_protocol_headers();
    assert_eq!(r.header("prefer"), None);
    assert_eq!(r.header("if-match"), None);
    assert_eq!(
        r.body_str(),
        r#"{"name":"Contoso","parentaccountid@odata.bind":"/accounts(00000000-0000-0000-0000-000000000002)","description":null}"#
    );
}

#[tokio::test]
async fn create_201_with_representation_and_typed_base_entity() {
    #[derive(Serialize)]
    struct Activity {
        #[serde(rename = "@odata.type")]
        odata_type: ODataType,
        subject: String,
    }
    let m = Mock::start().await;
    m.respond(
        201,
        &[
            ("content-type", "application/json; odata.metadata=minimal"),
            ("Preference-Applied", "return=representation"),
            ("OData-EntityId", &format!("{}accounts({ID})", m.root())),
        ],
        &json!({
            "@odata.context": "x", "@odata.etag": "W/\"1\"",
            "name": "Contoso", "accountid": ID,
            "statecode@OData.Community.Display.V1.FormattedValue": "Active", "statecode": 0
        })
        .to_string(),
    );
    let opts = no()
        .return_representation()
        .include_annotations(Annotations::All)
        .impersonate(Impersonation::CallerId(uuid(9)))
        .suppress_duplicate_detection()
        .bypass_custom_plugins();
    let body = Activity {
        odata_type: ODataType::crm("letter"),
        subject: "Hi".into(),
    };
    let created: Created<Account> = m
        .client()
        .create("activitypointers", &body, &opts)
        .await
        .unwrap();
    let rec = created.record().unwrap();
    assert_eq!(rec.name, Field::Value("Contoso".into()));
    assert_eq!(rec.accountid, Field::Value(uuid(1)));
    assert_eq!(rec.extra.formatted_value("statecode"), Some("Active"));

    let r = m.only_request();
    r.assert_protocol_headers();
    assert_eq!(r.rel(), "activitypointers");
    assert_eq!(
        r.header("prefer"),
        Some(r#"return=representation,odata.include-annotations="*""#)
    );
    assert_eq!(
        r.header("mscrmcallerid"),
        Some("00000000-0000-0000-0000-000000000009")
    );
    assert_eq!(r.header("mscrm.suppressduplicatedetection"), Some("true"));
    assert_eq!(r.header("mscrm.bypasscustompluginexecution"), Some("true"));
    assert_eq!(
        r.body_str(),
        r#"{"@odata.type":"Microsoft.Dynamics.CRM.letter","subject":"Hi"}"#
    );
}

#[tokio::test]
async fn retrieve_by_alternate_key_with_select_expand_and_annotations() {
    let m = Mock::start().await;
    m.respond_json(
        200,
        &json!({
            "@odata.etag": "W/\"77\"", "name": "A",
            "_primarycontactid_value": ID,
            "_primarycontactid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "contact",
            "_primarycontactid_value@OData.Community.Display.V1.FormattedValue": "Jo"
        }),
    );
    let path = EntityPath::entity("accounts", EntityKey::alternate([("accountnumber", "A-1")]));
    let q = Query::new()
        .select(["name", "_primarycontactid_value"])
        .expand("primarycontactid($select=fullname)");
    let opts = no()
        .include_annotations(Annotations::FormattedValues)
        .impersonate(Impersonation::CallerObjectId(uuid(7)));
    let acc: Account = m.client().retrieve(&path, &q, &opts).await.unwrap();
    assert_eq!(acc.name.value().map(String::as_str), Some("A"));
    assert_eq!(
        acc.extra.lookup_logical_name("_primarycontactid_value"),
        Some("contact")
    );
    assert_eq!(
        acc.extra.formatted_value("_primarycontactid_value"),
        Some("Jo")
    );

    let r = m.only_request();
    assert_eq!(r.method, "GET");
    assert_eq!(r.rel(), "accounts(accountnumber='A-1')");
    assert_eq!(
        r.query.as_deref(),
        Some("$select=name,_primarycontactid_value&$expand=primarycontactid($select%3Dfullname)")
    );
    r.assert_protocol_headers();
    assert_eq!(
        r.header("prefer"),
        Some(r#"odata.include-annotations="OData.Community.Display.V1.FormattedValue""#)
    );
    assert_eq!(
        r.header("callerobjectid"),
        Some("00000000-0000-0000-0000-000000000007")
    );
}

#[tokio::test]
async fn retrieve_if_changed_reports_304_as_unchanged() {
    let m = Mock::start().await;
    m.respond(304, &[("ETag", "W/\"5\"")], "");
    m.respond_json(200, &json!({"@odata.etag": "W/\"6\"", "name": "B"}));
    let c = m.client();
    let tag = ETag::new("W/\"5\"");
    let first: Conditional<Account> = c
        .retrieve_if_changed(&acct(), &Query::new(), &tag, &no())
        .await
        .unwrap();
    assert_eq!(first, Conditional::Unchanged);
    let second: Conditional<Account> = c
        .retrieve_if_changed(&acct(), &Query::new(), &tag, &no())
        .await
        .unwrap();
    assert!(matches!(second, Conditional::Modified(a) if a.name == Field::Value("B".into())));
    for r in m.requests() {
        assert_eq!(r.method, "GET");
        assert_eq!(r.rel(), format!("accounts({ID})"));
        assert_eq!(r.header("if-none-match"), Some("W/\"5\""));
        r.assert_protocol_headers();
    }
}

#[tokio::test]
async fn update_sends_if_match_star_and_only_set_fields() {
    let m = Mock::start().await;
    m.respond_204();
    m.respond_204();
    let c = m.client();
    let change = Account {
        description: Field::Value("x".into()),
        ..Default::default()
    };
    c.update(&acct(), &change, &no()).await.unwrap();
    c.update(
        &acct(),
        &change,
        &no().if_match(ETagMatch::Tag(ETag::new("W/\"12\""))),
    )
    .await
    .unwrap();
    let reqs = m.requests();
    assert_eq!(reqs[0].method, "PATCH");
    assert_eq!(reqs[0].rel(), format!("accounts({ID})"));
    assert_eq!(reqs[0].header("if-match"), Some("*"));
    assert_eq!(reqs[0].header("if-none-match"), None);
    assert_eq!(reqs[0].body_str(), r#"{"description":"x"}"#);
    reqs[0].assert_protocol_headers();
    assert_eq!(reqs[1].header("if-match"), Some("W/\"12\""));
}

#[tokio::test]
async fn update_returning_asks_for_representation() {
    let m = Mock::start().await;
    m.respond_json(200, &json!({"name": "N"}));
    let a: Account = m
        .client()
        .update_returning(&acct(), &json!({"name": "N"}), &no())
        .await
        .unwrap();
    assert_eq!(a.name, Field::Value("N".into()));
    let r = m.only_request();
    assert_eq!(r.header("prefer"), Some("return=representation"));
    assert_eq!(r.header("if-match"), Some("*"));
}

#[tokio::test]
async fn upsert_without_if_match_and_create_only() {
    let m = Mock::start().await;
    let entity_url = format!("{}accounts({ID})", m.root());
    m.respond(204, &[("OData-EntityId", &entity_url)], "");
    m.respond_204();
    let c = m.client();
    let path = EntityPath::entity("accounts", EntityKey::alternate([("accountnumber", "A-1")]));
    let id = c.upsert(&path, &json!({"name": "U"}), &no()).await.unwrap();
    assert_eq!(id.unwrap().id, Some(uuid(1)));
    c.upsert(&path, &json!({"name": "U"}), &no().if_none_match_any())
        .await
        .unwrap();
    let reqs = m.requests();
    assert_eq!(reqs[0].method, "PATCH");
    assert_eq!(reqs[0].rel(), "accounts(accountnumber='A-1')");
    assert_eq!(reqs[0].header("if-match"), None);
    assert_eq!(reqs[0].header("if-none-match"), None);
    assert_eq!(reqs[1].header("if-match"), None);
    assert_eq!(reqs[1].header("if-none-match"), Some("*"));
    reqs[1].assert_protocol_headers();
}

#[tokio::test]
async fn delete_with_etag() {
    let m = Mock::start().await;
    m.respond_204();
    m.client()
        .delete(
            &acct(),
            &no().if_match(ETagMatch::Tag(ETag::new("W/\"3\""))),
        )
        .await
        .unwrap();
    let r = m.only_request();
    assert_eq!(r.method, "DELETE");
    assert_eq!(r.rel(), format!("accounts({ID})"));
    assert_eq!(r.header("if-match"), Some("W/\"3\""));
    assert!(r.body.is_empty());
    r.assert_protocol_headers();
}

#[tokio::test]
async fn single_property_set_and_clear() {
    let m = Mock::start().await;
    m.respond_204();
    m.respond_204();
    let c = m.client();
    c.set_property(&acct(), "name", "New name", &no())
        .await
        .unwrap();
    c.clear_property(&acct(), "description", &no())
        .await
        .unwrap();
    let reqs = m.requests();
    assert_eq!(reqs[0].method, "PUT");
    assert_eq!(reqs[0].rel(), format!("accounts({ID})/name"));
    assert_eq!(reqs[0].body_str(), r#"{"value":"New name"}"#);
    reqs[0].assert_protocol_headers();
    assert_eq!(reqs[1].method, "DELETE");
    assert_eq!(reqs[1].rel(), format!("accounts({ID})/description"));
    reqs[1].assert_protocol_headers();
}

#[tokio::test]
async fn references_associate_set_disassociate_clear() {
    let m = Mock::start().await;
    for _ in 0..4 {
        m.respond_204();
    }
    let c = m.client();
    let contact = EntityPath::entity("contacts", uuid(2));
    c.associate(&acct(), "contact_customer_accounts", &contact, &no())
        .await
        .unwrap();
    c.set_reference(&contact, "parentcustomerid_account", &acct(), &no())
        .await
        .unwrap();
    c.disassociate(&acct(), "contact_customer_accounts", uuid(2), &no())
        .await
        .unwrap();
    c.clear_reference(&contact, "parentcustomerid_account", &no())
        .await
        .unwrap();
    let reqs = m.requests();
    let two = "00000000-0000-0000-0000-000000000002";
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(
        reqs[0].rel(),
        format!("accounts({ID})/contact_customer_accounts/$ref")
    );
    assert_eq!(
        reqs[0].json(),
        json!({"@odata.id": format!("{}contacts({two})", m.root())})
    );
    assert_eq!(reqs[1].method, "PUT");
    assert_eq!(
        reqs[1].rel(),
        format!("contacts({two})/parentcustomerid_account/$ref")
    );
    assert_eq!(
        reqs[1].json(),
        json!({"@odata.id": format!("{}accounts({ID})", m.root())})
    );
    assert_eq!(reqs[2].method, "DELETE");
    assert_eq!(
        reqs[2].rel(),
        format!("accounts({ID})/contact_customer_accounts({two})/$ref")
    );
    assert_eq!(reqs[3].method, "DELETE");
    assert_eq!(
        reqs[3].rel(),
        format!("contacts({two})/parentcustomerid_account/$ref")
    );
    for r in &reqs {
        r.assert_protocol_headers();
    }
}

#[tokio::test]
async fn actions_unbound_and_bound() {
    let m = Mock::start().await;
    m.respond_204();
    m.respond_json(200, &json!({"Result": 3}));
    let c = m.client();
    let params = json!({
        "Status": 3,
        "OpportunityClose": {
            "subject": "Won",
            "opportunityid@odata.bind": "/opportunities(00000000-0000-0000-0000-000000000001)"
        }
    });
    let none: Option<serde_json::Value> = c
        .invoke_action(&EntityPath::unbound("WinOpportunity"), &params, &no())
        .await
        .unwrap();
    assert!(none.is_none());
    let bound = EntityPath::entity("opportunities", uuid(1))
        .bound_operation("Microsoft.Dynamics.CRM.sample_Do");
    let out: Option<serde_json::Value> = c.invoke_action(&bound, &json!({}), &no()).await.unwrap();
    assert_eq!(out, Some(json!({"Result": 3})));
    let reqs = m.requests();
    assert_eq!(reqs[0].method, "POST");
    assert_eq!(reqs[0].rel(), "WinOpportunity");
    assert_eq!(reqs[0].json(), params);
    assert_eq!(
        reqs[1].rel(),
        format!("opportunities({ID})/Microsoft.Dynamics.CRM.sample_Do")
    );
    for r in &reqs {
        r.assert_protocol_headers();
    }
}

#[tokio::test]
async fn functions_with_aliased_parameters() {
    let m = Mock::start().await;
    m.respond_json(200, &json!({"UserId": ID}));
    m.respond_json(200, &json!({"value": []}));
    let c = m.client();
    let who: serde_json::Value = c
        .invoke_function(&EntityPath::root(), "WhoAmI", &[], &no())
        .await
        .unwrap();
    assert_eq!(who["UserId"], ID);
    let _: serde_json::Value = c
        .invoke_function(
            &EntityPath::set("accounts"),
            "Microsoft.Dynamics.CRM.sample_F",
            &[
                ("Name", Literal::from("O'Neil & Sons")),
                ("Id", uuid(1).into()),
                (
                    "Filters",
                    Literal::enumeration(
                        "Microsoft.Dynamics.CRM.EntityFilters",
                        "Entity,Attributes",
                    ),
                ),
                (
                    "Target",
                    Literal::entity_ref(&EntityPath::entity("accounts", uuid(1))),
                ),
                ("Flag", true.into()),
                ("Nothing", Literal::Null),
            ],
            &no(),
        )
        .await
        .unwrap();
    let reqs = m.requests();
    assert_eq!(reqs[0].method, "GET");
    assert_eq!(reqs[0].rel(), "WhoAmI()");
    assert_eq!(reqs[0].query, None);
    assert_eq!(
        reqs[1].rel(),
        "accounts/Microsoft.Dynamics.CRM.sample_F(Name=@p1,Id=@p2,Filters=@p3,Target=@p4,Flag=@p5,Nothing=@p6)"
    );
    assert_eq!(
        reqs[1].query.as_deref(),
        Some(
            "@p1=%27O%27%27Neil%20%26%20Sons%27&@p2=00000000-0000-0000-0000-000000000001\
             &@p3=Microsoft.Dynamics.CRM.EntityFilters%27Entity,Attributes%27\
             &@p4=%7B%22@odata.id%22:%22accounts(00000000-0000-0000-0000-000000000001)%22%7D\
             &@p5=true&@p6=null"
        )
    );
    for r in &reqs {
        r.assert_protocol_headers();
    }
}

#[tokio::test]
async fn query_one_page_with_all_options() {
    let m = Mock::start().await;
    m.respond_json(
        200,
        &json!({"@odata.context": "c", "@odata.count": 2, "value": [{"name": "a"}, {"name": "b"}]}),
    );
    let q = Query::new()
        .select(["name"])
        .filter(dataverse_runtime::filter::eq("statecode", 0))
        .orderby("name desc")
        .expand("primarycontactid")
        .top(5)
        .count();
    let page: Page<Account> = m
        .client()
        .query("accounts", &q, &no().max_page_size(2))
        .await
        .unwrap();
    assert_eq!(page.count, Some(2));
    assert_eq!(page.value.len(), 2);
    assert_eq!(page.next_link, None);
    let r = m.only_request();
    assert_eq!(r.rel(), "accounts");
    assert_eq!(
        r.query.as_deref(),
        Some(
            "$select=name&$filter=statecode%20eq%200&$orderby=name%20desc&$expand=primarycontactid&$top=5&$count=true"
        )
    );
    assert_eq!(r.header("prefer"), Some("odata.maxpagesize=2"));
    r.assert_protocol_headers();
}
