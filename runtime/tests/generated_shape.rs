//! The shape generated code is expected to have: everything through
//! `::dataverse_runtime::codegen`, absolute paths, `#[serde(crate = ...)]`.

mod common;

use common::{Mock, uuid};

/// CSDL: `Microsoft.Dynamics.CRM.account` (write model and read model in one).
#[derive(
    ::core::fmt::Debug,
    ::core::clone::Clone,
    ::core::default::Default,
    ::dataverse_runtime::codegen::serde::Serialize,
    ::dataverse_runtime::codegen::serde::Deserialize,
)]
#[serde(crate = "::dataverse_runtime::codegen::serde")]
pub struct Account {
    /// `@odata.etag`
    #[serde(rename = "@odata.etag", default, skip_serializing)]
    pub etag: ::core::option::Option<::dataverse_runtime::codegen::ETag>,
    /// CSDL: `accountid` (Edm.Guid)
    #[serde(
        default,
        skip_serializing_if = "::dataverse_runtime::codegen::Field::is_unset"
    )]
    pub accountid: ::dataverse_runtime::codegen::Field<::dataverse_runtime::codegen::uuid::Uuid>,
    /// CSDL: `name` (Edm.String)
    #[serde(
        default,
        skip_serializing_if = "::dataverse_runtime::codegen::Field::is_unset"
    )]
    pub name: ::dataverse_runtime::codegen::Field<::std::string::String>,
    /// CSDL: `revenue` (Edm.Decimal)
    #[serde(
        default,
        skip_serializing_if = "::dataverse_runtime::codegen::Field::is_unset"
    )]
    pub revenue: ::dataverse_runtime::codegen::Field<::dataverse_runtime::codegen::Decimal>,
    /// CSDL: `_parentaccountid_value` (read-only lookup value)
    #[serde(rename = "_parentaccountid_value", default, skip_serializing)]
    pub parentaccountid_value:
        ::dataverse_runtime::codegen::Field<::dataverse_runtime::codegen::uuid::Uuid>,
    /// CSDL navigation `parentaccountid` -> `accounts`, written as `@odata.bind`.
    #[serde(
        rename = "parentaccountid@odata.bind",
        default,
        skip_serializing_if = "::dataverse_runtime::codegen::Field::is_unset"
    )]
    pub parentaccountid: ::dataverse_runtime::codegen::Field<::dataverse_runtime::codegen::Bind>,
    /// Unknown properties and annotations.
    #[serde(flatten)]
    pub extra: ::dataverse_runtime::codegen::Extra,
}

/// CSDL: `Microsoft.Dynamics.CRM.activitypointer` (a base type).
#[derive(
    ::core::fmt::Debug, ::core::default::Default, ::dataverse_runtime::codegen::serde::Serialize,
)]
#[serde(crate = "::dataverse_runtime::codegen::serde")]
pub struct ActivityPointer {
    /// The concrete type, `Microsoft.Dynamics.CRM.<type>`.
    #[serde(
        rename = "@odata.type",
        default,
        skip_serializing_if = "::core::option::Option::is_none"
    )]
    pub odata_type: ::core::option::Option<::dataverse_runtime::codegen::ODataType>,
    /// CSDL: `subject`
    #[serde(
        default,
        skip_serializing_if = "::dataverse_runtime::codegen::Field::is_unset"
    )]
    pub subject: ::dataverse_runtime::codegen::Field<::std::string::String>,
}

#[tokio::test]
async fn generated_shape_round_trips_through_the_client() {
    use dataverse_runtime::codegen::{
        Bind, Created, EntityPath, ExtraExt, Field, Query, RequestOptions,
    };
    let m = Mock::start().await;
    m.respond(
        204,
        &[(
            "OData-EntityId",
            &format!("{}accounts({})", m.root(), uuid(1)),
        )],
        "",
    );
    m.respond(
        200,
        &[("content-type", "application/json")],
        r#"{"@odata.etag":"W/\"1\"","accountid":"00000000-0000-0000-0000-000000000001","name":"A","revenue":10.50,"_parentaccountid_value":"00000000-0000-0000-0000-000000000002","_parentaccountid_value@Microsoft.Dynamics.CRM.lookuplogicalname":"account"}"#,
    );
    let c = m.client();
    let new = Account {
        name: Field::Value("A".into()),
        parentaccountid: Field::Value(Bind::to("accounts", uuid(2))),
        ..Default::default()
    };
    let id = match c
        .create::<_, Account>("accounts", &new, &RequestOptions::new())
        .await
        .unwrap()
    {
        Created::Id(id) => id.id.unwrap(),
        Created::Record(_) => unreachable!(),
    };
    let read: Account = c
        .retrieve(
            &EntityPath::entity("accounts", id),
            &Query::new(),
            &RequestOptions::new(),
        )
        .await
        .unwrap();
    assert_eq!(read.revenue.value().unwrap().as_str(), "10.50");
    assert_eq!(read.parentaccountid_value, Field::Value(uuid(2)));
    assert_eq!(
        read.extra.lookup_logical_name("_parentaccountid_value"),
        Some("account")
    );
    assert_eq!(read.etag.as_ref().unwrap().as_str(), "W/\"1\"");
    let reqs = m.requests();
    assert_eq!(
        reqs[0].body_str(),
        r#"{"name":"A","parentaccountid@odata.bind":"/accounts(00000000-0000-0000-0000-000000000002)"}"#
    );
    // Written back as a whole, read-only and annotation fields are not sent.
    let out = serde_json::to_value(&read).unwrap();
    assert!(out.get("_parentaccountid_value").is_none());
    assert!(out.get("@odata.etag").is_none());
    assert_eq!(read.extra.len(), 1, "the annotation is kept when reading");
    assert!(
        out.as_object().unwrap().keys().all(|k| !k.contains('@')),
        "annotations are not written: {out}"
    );

    let letter = ActivityPointer {
        odata_type: Some(dataverse_runtime::codegen::ODataType::crm("letter")),
        subject: Field::Value("s".into()),
    };
    assert_eq!(
        serde_json::to_string(&letter).unwrap(),
        r#"{"@odata.type":"Microsoft.Dynamics.CRM.letter","subject":"s"}"#
    );
}
