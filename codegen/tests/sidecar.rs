//! The metadata sidecar: `fetch --sidecar` against a local server that answers the Dataverse Web
//! API's metadata endpoints with the bodies in `tests/fixtures/sidecar/responses/` (shapes as
//! Microsoft documents them, see the README there) produces exactly
//! `tests/fixtures/sidecar/sidecar.json`, twice; bad sidecars give clear errors with the file and
//! the JSON path; `Sidecar::check` against the CSDL.
//!
//! Set `UPDATE_SIDECAR_FIXTURE=1` to rewrite the fixture from what `fetch` produces.
#![cfg(feature = "fetch")]

use dataverse_codegen::fetch::{FetchOptions, fetch_sidecar_with_progress};
use dataverse_codegen::sidecar::Sidecar;
use dataverse_codegen::{ErrorKind, ResolveOptions};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const TOKEN: &str = "s3cret";
const ROOT: &str = "/api/data/v9.2";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sidecar")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dvcg-sidecar-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// ---------------------------------------------------------------------------------------------
// A tiny HTTP/1.1 server answering the metadata endpoints.

/// How the server behaves.
#[derive(Default)]
struct Behaviour {
    /// Answer the first N requests with HTTP 429 and `Retry-After: 0`.
    throttle_first: usize,
}

struct Server {
    addr: SocketAddr,
    /// The request targets (percent-decoded), in order.
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start(behaviour: Behaviour) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = requests.clone();
        let behaviour = Arc::new(behaviour);
        let count = Arc::new(AtomicUsize::new(0));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let seen = seen.clone();
                let behaviour = behaviour.clone();
                let count = count.clone();
                std::thread::spawn(move || serve(stream, &behaviour, &count, &seen));
            }
        });
        Server { addr, requests }
    }

    fn url(&self) -> String {
        format!("http://{}{ROOT}", self.addr)
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn serve(
    mut stream: TcpStream,
    behaviour: &Behaviour,
    count: &AtomicUsize,
    seen: &Mutex<Vec<String>>,
) {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let target = head.split(' ').nth(1).unwrap_or("").to_string();
    let target = percent_decode(&target);
    let authorized = head
        .lines()
        .any(|l| l.eq_ignore_ascii_case(&format!("authorization: Bearer {TOKEN}")));
    let accepts_json = head
        .lines()
        .any(|l| l.eq_ignore_ascii_case("accept: application/json"));
    seen.lock().unwrap().push(target.clone());
    let n = count.fetch_add(1, Ordering::SeqCst);
    let (status, extra, body) = if n < behaviour.throttle_first {
        (
            429,
            "Retry-After: 0\r\n",
            r#"{"error":{"code":"0x80072322","message":"Number of requests exceeded the limit of 6000 over time window of 300 seconds."}}"#.to_string(),
        )
    } else if !authorized {
        (
            401,
            "",
            r#"{"error":{"code":"0x80072560","message":"The user is not a member of the organization."}}"#.to_string(),
        )
    } else if !accepts_json {
        (406, "", String::new())
    } else {
        match answer(&target) {
            Some(body) => (200, "", body),
            None => (
                404,
                "",
                format!(
                    r#"{{"error":{{"code":"0x80060888","message":"Resource not found for the segment '{}'."}}}}"#,
                    target.replace('"', "'")
                ),
            ),
        }
    };
    let response = format!(
        "HTTP/1.1 {status} Status\r\nContent-Type: application/json; odata.metadata=minimal\r\n\
         OData-Version: 4.0\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

/// The body for a request target, from the recorded responses.
fn answer(target: &str) -> Option<String> {
    let responses = fixtures().join("responses");
    let rest = target.strip_prefix(ROOT)?.strip_prefix('/')?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let query: Vec<(&str, &str)> = query.split('&').filter_map(|p| p.split_once('=')).collect();
    let param = |name: &str| query.iter().find(|(n, _)| *n == name).map(|(_, v)| *v);
    if path == "EntityDefinitions" {
        assert_eq!(
            param("$select"),
            Some(
                "LogicalName,SchemaName,EntitySetName,DisplayName,Description,PrimaryIdAttribute,\
                 PrimaryNameAttribute"
            )
        );
        // `LogicalName eq 'a' or LogicalName eq 'b'`: answer the tables named.
        let filter = param("$filter")?;
        let names: Vec<&str> = filter
            .split(" or ")
            .map(|c| {
                c.strip_prefix("LogicalName eq '")
                    .and_then(|c| c.strip_suffix('\''))
                    .expect("a filter on LogicalName")
            })
            .collect();
        let text = std::fs::read_to_string(responses.join("EntityDefinitions.json")).unwrap();
        let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
        json["value"]
            .as_array_mut()
            .unwrap()
            .retain(|t| names.contains(&t["LogicalName"].as_str().unwrap()));
        return Some(json.to_string());
    }
    let rest = path.strip_prefix("EntityDefinitions(LogicalName='")?;
    let (table, rest) = rest.split_once("')/Attributes")?;
    let file = if rest.is_empty() {
        assert_eq!(
            param("$select"),
            Some(
                "LogicalName,SchemaName,AttributeType,AttributeTypeName,DisplayName,Description,\
                 IsValidForCreate,IsValidForUpdate,IsValidForRead"
            )
        );
        format!("{table}.Attributes.json")
    } else {
        let cast = rest.strip_prefix("/Microsoft.Dynamics.CRM.")?;
        assert_eq!(param("$select"), Some("LogicalName"));
        assert_eq!(param("$expand"), Some("OptionSet,GlobalOptionSet"));
        format!("{table}.{cast}.json")
    };
    std::fs::read_to_string(responses.join(file)).ok()
}

// ---------------------------------------------------------------------------------------------

fn run_fetch(server: &Server, out: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dataverse-codegen"))
        .args(["fetch", &server.url(), "--sidecar"])
        .arg(out)
        .args(["--tables", "systemuser,account,contact", "--quiet"])
        .env("DATAVERSE_TOKEN", TOKEN)
        .output()
        .unwrap()
}

#[test]
fn fetch_writes_the_fixture_and_again_the_same_bytes() {
    let server = Server::start(Behaviour::default());
    let dir = scratch("fetch");
    let first = dir.join("first.json");
    let output = run_fetch(&server, &first);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "fetch failed: {stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("3 tables, 24 attributes, 1 global option sets"),
        "{stdout}"
    );
    let bytes = std::fs::read(&first).unwrap();
    let fixture = fixtures().join("sidecar.json");
    if std::env::var_os("UPDATE_SIDECAR_FIXTURE").is_some() {
        std::fs::write(&fixture, &bytes).unwrap();
    }
    let expected = std::fs::read(&fixture).unwrap();
    assert!(
        bytes == expected,
        "fetch's sidecar differs from {} (set UPDATE_SIDECAR_FIXTURE=1 to rewrite it):\n{}",
        fixture.display(),
        String::from_utf8_lossy(&bytes)
    );

    // The requests: one for the tables, one per table for the attributes, one per table and
    // kind of choice column it has; none for the global option set (the expansion carries it).
    let requests = server.requests();
    assert_eq!(requests.len(), 1 + 3 + 4 + 5 + 2, "{requests:#?}");
    assert!(
        requests[0].contains(
            "$filter=LogicalName eq 'account' or LogicalName eq 'contact' or LogicalName eq 'systemuser'"
        ),
        "{}",
        requests[0]
    );
    assert!(
        !requests
            .iter()
            .any(|r| r.contains("GlobalOptionSetDefinitions"))
    );

    // A second run: the same bytes.
    let second = dir.join("second.json");
    let output = run_fetch(&server, &second);
    assert!(output.status.success());
    assert_eq!(std::fs::read(&second).unwrap(), bytes);

    // It reads back as it was written.
    let sidecar = Sidecar::from_json("sidecar.json", &bytes).unwrap();
    assert_eq!(sidecar.to_json(), bytes);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_fixture_has_what_generation_needs() {
    let bytes = std::fs::read(fixtures().join("sidecar.json")).unwrap();
    let sidecar = Sidecar::from_json("sidecar.json", &bytes).unwrap();
    let names: Vec<&str> = sidecar
        .tables
        .iter()
        .map(|t| t.logical_name.as_str())
        .collect();
    assert_eq!(names, ["account", "contact", "systemuser"]);
    let user = sidecar.table("systemuser").unwrap();
    assert_eq!(user.schema_name, "SystemUser");
    assert_eq!(user.entity_set_name.as_deref(), Some("systemusers"));
    assert_eq!(user.primary_name_attribute.as_deref(), Some("fullname"));
    let disabled = user
        .attributes
        .iter()
        .find(|a| a.logical_name == "isdisabled")
        .unwrap();
    assert!(!disabled.valid_for_create && !disabled.valid_for_update && disabled.valid_for_read);
    let boolean = disabled.option_set.as_ref().unwrap();
    assert_eq!(boolean.option_set_type, "Boolean");
    let values: Vec<i32> = boolean.options.iter().map(|o| o.value).collect();
    assert_eq!(values, [0, 1]);

    let contact = sidecar.table("contact").unwrap();
    let channels = contact
        .attributes
        .iter()
        .find(|a| a.logical_name == "new_preferredchannels")
        .unwrap();
    assert_eq!(channels.attribute_type, "Virtual");
    assert_eq!(
        channels.attribute_type_name.as_deref(),
        Some("MultiSelectPicklistType")
    );
    let email = &channels.option_set.as_ref().unwrap().options[0];
    assert_eq!(email.value, 100000000);
    assert_eq!(email.color.as_deref(), Some("#2e7d32"));
    let label = email.label.as_ref().unwrap();
    assert_eq!(label.text(None), Some("Email"));
    assert_eq!(label.text(Some(1031)), Some("E-Mail"));

    // State and status pairs.
    let status = contact
        .attributes
        .iter()
        .find(|a| a.logical_name == "statuscode")
        .unwrap();
    let pairs: Vec<(i32, Option<i32>)> = status
        .option_set
        .as_ref()
        .unwrap()
        .options
        .iter()
        .map(|o| (o.value, o.state))
        .collect();
    assert_eq!(pairs, [(1, Some(0)), (2, Some(1))]);
    let state = contact
        .attributes
        .iter()
        .find(|a| a.logical_name == "statecode")
        .unwrap();
    let defaults: Vec<(i32, Option<i32>)> = state
        .option_set
        .as_ref()
        .unwrap()
        .options
        .iter()
        .map(|o| (o.value, o.default_status))
        .collect();
    assert_eq!(defaults, [(0, Some(1)), (1, Some(2))]);

    // The global choice, used by two tables, is stored once.
    for table in ["account", "contact"] {
        let region = sidecar
            .table(table)
            .unwrap()
            .attributes
            .iter()
            .find(|a| a.logical_name == "new_region")
            .unwrap();
        assert_eq!(region.global_option_set.as_deref(), Some("new_region"));
        assert!(region.option_set.is_none());
    }
    assert_eq!(sidecar.global_option_sets.len(), 1);
    assert_eq!(
        sidecar
            .global_option_set("new_region")
            .unwrap()
            .options
            .len(),
        4
    );
}

#[test]
fn fetch_tries_again_after_http_429() {
    let server = Server::start(Behaviour { throttle_first: 2 });
    let mut log = Vec::new();
    let options = FetchOptions {
        bearer_token: Some(TOKEN.into()),
        timeout: Duration::from_secs(10),
        ..FetchOptions::new(format!("{}/$metadata", server.url()))
    };
    let sidecar =
        fetch_sidecar_with_progress(&options, &["account".to_string()], &mut log).unwrap();
    assert_eq!(sidecar.tables.len(), 1);
    let log = String::from_utf8(log).unwrap();
    assert_eq!(log.matches("trying again in 0 s").count(), 2, "{log}");
    // Two throttled + 1 tables + 1 attributes + 4 kinds of choice column.
    assert_eq!(server.requests().len(), 2 + 1 + 1 + 4);
}

#[test]
fn fetch_names_tables_the_service_does_not_have() {
    let server = Server::start(Behaviour::default());
    let dir = scratch("missing");
    let out = dir.join("s.json");
    let output = Command::new(env!("CARGO_BIN_EXE_dataverse-codegen"))
        .args(["fetch", &server.url(), "--sidecar"])
        .arg(&out)
        .args(["--tables", "account,acount", "--quiet"])
        .env("DATAVERSE_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the service has no table `acount`"),
        "{stderr}"
    );
    assert!(!out.exists());

    // A name that is not a logical name is refused before any request.
    let output = Command::new(env!("CARGO_BIN_EXE_dataverse-codegen"))
        .args(["fetch", &server.url(), "--sidecar"])
        .arg(&out)
        .args(["--tables", "Account", "--quiet"])
        .env("DATAVERSE_TOKEN", TOKEN)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`Account` is not a table's logical name"),
        "{stderr}"
    );

    // Without a token: the service's 401, as for $metadata.
    let output = Command::new(env!("CARGO_BIN_EXE_dataverse-codegen"))
        .args(["fetch", &server.url(), "--sidecar"])
        .arg(&out)
        .args(["--tables", "account", "--quiet"])
        .env_remove("DATAVERSE_TOKEN")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("requires a token (HTTP 401"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tables_needs_sidecar_and_fetch_needs_an_output() {
    let output = Command::new(env!("CARGO_BIN_EXE_dataverse-codegen"))
        .args([
            "fetch",
            "http://127.0.0.1:1/api/data/v9.2",
            "--tables",
            "account",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = Command::new(env!("CARGO_BIN_EXE_dataverse-codegen"))
        .args(["fetch", "http://127.0.0.1:1/api/data/v9.2"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

// ---------------------------------------------------------------------------------------------
// Bad sidecars.

fn fixture_text() -> String {
    std::fs::read_to_string(fixtures().join("sidecar.json")).unwrap()
}

fn error_of(text: &str) -> (dataverse_codegen::Error, String) {
    let e = Sidecar::from_json("bad.sidecar.json", text.as_bytes()).unwrap_err();
    let message = e.to_string();
    (e, message)
}

fn path_of(e: &dataverse_codegen::Error) -> Option<String> {
    match &*e.kind {
        ErrorKind::InvalidSidecar { path, .. } => path.clone(),
        other => panic!("not a sidecar error: {other:?}"),
    }
}

#[test]
fn malformed_json_names_the_file_line_and_column() {
    let text =
        "{\n  \"format\": 1,\n  \"tables\": [\n    {\"logical_name\": \"account\",,}\n  ]\n}\n";
    let (e, message) = error_of(text);
    assert_eq!(e.file, "bad.sidecar.json");
    assert_eq!((e.pos.line, e.pos.column), (4, 32));
    assert_eq!(path_of(&e), None);
    assert!(
        message.starts_with("bad.sidecar.json:4:32: error: invalid metadata sidecar: "),
        "{message}"
    );
    assert!(message.contains("help: "), "{message}");

    let (e, message) = error_of("{\"format\": 1, \"tables\": [");
    assert_eq!(e.pos.line, 1);
    assert!(message.contains("EOF"), "{message}");
    let (_, message) = error_of("");
    assert!(message.starts_with("bad.sidecar.json:"), "{message}");
}

#[test]
fn two_options_with_the_same_value_give_the_path_of_the_second() {
    let mut json: serde_json::Value = serde_json::from_str(&fixture_text()).unwrap();
    // contact (tables[1]), gendercode: options 1 (Male) and 2 (Female); make both 2.
    let attributes = json["tables"][1]["attributes"].as_array().unwrap();
    let a = attributes
        .iter()
        .position(|a| a["logical_name"] == "gendercode")
        .unwrap();
    json["tables"][1]["attributes"][a]["option_set"]["options"][0]["value"] = 2.into();
    let text = serde_json::to_string_pretty(&json).unwrap();
    let (e, message) = error_of(&text);
    let path = format!("tables[1].attributes[{a}].option_set.options[1].value");
    assert_eq!(path_of(&e).as_deref(), Some(path.as_str()));
    assert!(
        message.contains("the option set `contact_gendercode` has the value 2 twice"),
        "{message}"
    );
    // The position is the second value's.
    let line = text.lines().nth(e.pos.line as usize - 1).unwrap();
    assert_eq!(line.trim(), "\"value\": 2");
    assert_eq!(&line[e.pos.column as usize - 1..], "2");

    // In a global option set too.
    let mut json: serde_json::Value = serde_json::from_str(&fixture_text()).unwrap();
    json["global_option_sets"][0]["options"][3]["value"] = 100000000.into();
    let (e, _) = error_of(&serde_json::to_string(&json).unwrap());
    assert_eq!(
        path_of(&e).as_deref(),
        Some("global_option_sets[0].options[3].value")
    );
    assert_eq!(e.pos.line, 1);
}

#[test]
fn a_missing_field_names_the_object() {
    let mut json: serde_json::Value = serde_json::from_str(&fixture_text()).unwrap();
    json["tables"][2]["attributes"][3]
        .as_object_mut()
        .unwrap()
        .remove("schema_name");
    let (e, message) = error_of(&serde_json::to_string_pretty(&json).unwrap());
    assert_eq!(path_of(&e).as_deref(), Some("tables[2].attributes[3]"));
    assert!(message.contains("missing field `schema_name`"), "{message}");
    assert!(e.pos.line > 1);
}

#[test]
fn a_wrong_type_and_an_unknown_field_give_their_path() {
    let mut json: serde_json::Value = serde_json::from_str(&fixture_text()).unwrap();
    json["tables"][0]["attributes"][3]["option_set"]["options"][1]["value"] = "two".into();
    let (e, message) = error_of(&serde_json::to_string_pretty(&json).unwrap());
    assert_eq!(
        path_of(&e).as_deref(),
        Some("tables[0].attributes[3].option_set.options[1].value"),
        "{message}"
    );
    assert!(message.contains("expected i32"), "{message}");

    let mut json: serde_json::Value = serde_json::from_str(&fixture_text()).unwrap();
    json["tables"][1]["attributes"][0]["colour"] = "red".into();
    let (e, message) = error_of(&serde_json::to_string_pretty(&json).unwrap());
    assert_eq!(
        path_of(&e).as_deref(),
        Some("tables[1].attributes[0].colour"),
        "{message}"
    );
    assert!(message.contains("unknown field `colour`"), "{message}");
}

#[test]
fn other_checks() {
    // An undefined global option set.
    let mut json: serde_json::Value = serde_json::from_str(&fixture_text()).unwrap();
    json["global_option_sets"] = serde_json::json!([]);
    let (e, message) = error_of(&serde_json::to_string_pretty(&json).unwrap());
    assert!(
        path_of(&e).unwrap().ends_with(".global_option_set"),
        "{message}"
    );
    assert!(message.contains("`new_region` is not in `global_option_sets`"));

    // A table given twice.
    let mut json: serde_json::Value = serde_json::from_str(&fixture_text()).unwrap();
    let first = json["tables"][0].clone();
    json["tables"].as_array_mut().unwrap().push(first);
    let (e, _) = error_of(&serde_json::to_string_pretty(&json).unwrap());
    assert_eq!(path_of(&e).as_deref(), Some("tables[3].logical_name"));

    // Another format.
    let (e, message) = error_of(r#"{"format": 2, "tables": []}"#);
    assert_eq!(path_of(&e).as_deref(), Some("format"));
    assert_eq!((e.pos.line, e.pos.column), (1, 12));
    assert!(message.contains("format 2 is not supported"), "{message}");
}

#[test]
fn reading_sorts_and_writing_is_stable() {
    let mut json: serde_json::Value = serde_json::from_str(&fixture_text()).unwrap();
    json["tables"].as_array_mut().unwrap().reverse();
    json["tables"][0]["attributes"]
        .as_array_mut()
        .unwrap()
        .reverse();
    let sidecar =
        Sidecar::from_json("x.json", serde_json::to_string(&json).unwrap().as_bytes()).unwrap();
    assert_eq!(sidecar.to_json(), fixture_text().as_bytes());
    assert!(fixture_text().ends_with("}\n"));
}

// ---------------------------------------------------------------------------------------------
// Against the CSDL.

#[test]
fn check_against_the_csdl() {
    let sidecar = Sidecar::from_file(&fixtures().join("sidecar.json")).unwrap();

    // The bundled metadata has the tables and their stock choice columns, but not the
    // organisation's custom columns of the fixture (`new_region`, `new_preferredchannels`).
    let bundled = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../metadata/dataverse-v9.1.xml");
    let loaded = dataverse_codegen::load_file(&bundled, &ResolveOptions::default()).unwrap();
    let e = sidecar.check("sidecar.json", &loaded.model).unwrap_err();
    let message = e.to_string();
    let account = &sidecar.tables[0];
    let region = account
        .attributes
        .iter()
        .position(|a| a.logical_name == "new_region")
        .unwrap();
    assert_eq!(
        path_of(&e),
        Some(format!("tables[0].attributes[{region}].logical_name"))
    );
    assert!(
        message.contains("the choice column `account.new_region` is not a property"),
        "{message}"
    );

    // Without the custom columns it fits.
    let mut stock = sidecar.clone();
    for table in &mut stock.tables {
        table
            .attributes
            .retain(|a| !a.logical_name.starts_with("new_"));
    }
    stock.check("sidecar.json", &loaded.model).unwrap();

    // A table the CSDL does not have.
    let mut unknown = stock.clone();
    unknown.tables[2].logical_name = "systemusr".into();
    let e = unknown.check("sidecar.json", &loaded.model).unwrap_err();
    assert_eq!(path_of(&e).as_deref(), Some("tables[2].logical_name"));
    let message = e.to_string();
    assert!(message.contains("did you mean `systemuser`?"), "{message}");
}
