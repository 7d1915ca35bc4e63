//! Uses the checked-in SDK (`generated-example/`, generated from the Dataverse v9.1 metadata)
//! the way an application would, against a small local server on 127.0.0.1 that answers like
//! Dataverse and prints every request it receives: what the SDK puts on the wire.
//!
//! ```text
//! cargo run --example generated_example
//! ```

use dataverse_example::support::EntityValue;
use dataverse_example::*;
use dataverse_runtime::codegen::uuid::Uuid;
use dataverse_runtime::{Client, Decimal, Field, Impersonation};

const QUEUE: Uuid = Uuid::from_u128(0xb2);
const LETTER: Uuid = Uuid::from_u128(0xc3);
const TEAM: Uuid = Uuid::from_u128(0xd4);
const USER: Uuid = Uuid::from_u128(0xe5);
const CONTACT: Uuid = Uuid::from_u128(0x109);
const ACCOUNT: Uuid = Uuid::from_u128(0xf7);

/// Answers like Dataverse would, and prints the request.
async fn dataverse_like(request: axum::extract::Request) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let target = parts.uri.to_string();
    println!("{} {}", parts.method, target);
    for name in [
        "odata-version",
        "odata-maxversion",
        "prefer",
        "if-match",
        "mscrmcallerid",
    ] {
        if let Some(value) = parts.headers.get(name).and_then(|v| v.to_str().ok()) {
            println!("  {name}: {value}");
        }
    }
    if !body.is_empty() {
        println!("  {}", String::from_utf8_lossy(&body));
    }
    let root = "http://127.0.0.1/api/data/v9.2/";
    let json = |value: serde_json::Value| {
        (
            [("content-type", "application/json; odata.metadata=minimal")],
            value.to_string(),
        )
            .into_response()
    };
    let path = parts.uri.path();
    if path.ends_with("/WhoAmI()") {
        json(serde_json::json!({
            "BusinessUnitId": Uuid::from_u128(1),
            "UserId": USER,
            "OrganizationId": Uuid::from_u128(2),
        }))
    } else if path.ends_with("/Microsoft.Dynamics.CRM.AddToQueue") {
        json(serde_json::json!({"QueueItemId": Uuid::from_u128(0x77)}))
    } else if parts.method == "POST" && path.ends_with("/accounts") {
        (
            axum::http::StatusCode::NO_CONTENT,
            [("OData-EntityId", format!("{root}accounts({ACCOUNT})"))],
        )
            .into_response()
    } else if parts.method == "GET" && path.ends_with("/accounts") {
        json(serde_json::json!({"value": [
            {"accountid": ACCOUNT, "name": "Fourth Coffee", "revenue": 5000000.25,
             "_primarycontactid_value": CONTACT,
             "_primarycontactid_value@OData.Community.Display.V1.FormattedValue": "Rene Valdes"}
        ]}))
    } else {
        axum::http::StatusCode::NO_CONTENT.into_response()
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move {
        let app = axum::Router::new().fallback(dataverse_like);
        axum::serve(listener, app).await.ok();
    });
    let root = Service::service_root(&format!("http://{address}"));
    let service = Service::new(
        Client::builder(&root)
            .bearer_token("example-token")
            .build()?,
    );

    println!("--- who am I (unbound function, typed complex return)");
    let me = service.who_am_i().await?;
    println!("=> UserId {:?}\n", me.user_id);

    println!("--- create an account with a lookup (nav@odata.bind), impersonating a user");
    let mut account = Account {
        name: Field::Value("Fourth Coffee".into()),
        revenue: Field::Value("5000000.25".parse()?),
        ..Default::default()
    };
    account.bind(Account::PRIMARYCONTACTID, CONTACT);
    let created = service
        .accounts()
        .create(&account)
        .impersonate(Impersonation::CallerId(USER))
        .await?;
    println!("=> created {:?}\n", created.entity_id().and_then(|e| e.id));

    println!("--- update: only what was set is sent (name cleared to null)");
    let changes = Account {
        name: Field::Null,
        ..Default::default()
    };
    service.accounts().update(ACCOUNT, &changes).await?;
    println!();

    println!("--- typed query: $select, $filter (a navigation path), $orderby, $expand, $top");
    let page = service
        .accounts()
        .query()
        .select((
            Account::NAME,
            Account::REVENUE,
            Account::PRIMARY_CONTACT_ID_VALUE,
        ))
        .filter(
            Account::REVENUE.gt("1000000".parse::<Decimal>()?).and(
                Account::PRIMARYCONTACTID
                    .then(Contact::FULL_NAME)
                    .startswith("Yvonne"),
            ),
        )
        .orderby((Account::REVENUE.desc(), Account::NAME.asc()))
        .expand(
            Account::PRIMARYCONTACTID
                .expand()
                .select(Contact::FULL_NAME),
        )
        .top(5)
        .await?;
    for a in &page.value {
        println!(
            "=> {:?} revenue {:?} primary contact {:?}",
            a.name, a.revenue, a.primary_contact_id_value
        );
    }
    println!();

    println!("--- AddToQueue bound to a queue; the letter carries @odata.type");
    // The documented request names an existing letter by its key (`activityid`).
    let letter = Letter::reference(LETTER);
    let item = service
        .queues()
        .entity(QUEUE)
        .add_to_queue(&QueueAddToQueueRequest::new(EntityValue::new(&letter)?))
        .await?;
    println!("=> queue item {:?}\n", item.queue_item_id);

    println!("--- AddMembersTeam bound to a team, with typed system users");
    // systemuser's CSDL key is `ownerid` (inherited from principal), as the documented request
    // sends it.
    let member = EntityValue::new(&SystemUser::reference(USER))?;
    service
        .teams()
        .entity(TEAM)
        .add_members_team(&TeamAddMembersTeamRequest::new(vec![member]))
        .await?;
    Ok(())
}
