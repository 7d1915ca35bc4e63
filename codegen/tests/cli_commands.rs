//! The other commands as a user runs them (spawned binary): `list` with a selection from a
//! configuration file and from flags, `diff` of the two Dataverse documents, `fetch` from a
//! local server, and the error output for invalid XML, an unknown selection name and bad usage.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Output};

fn exe() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dataverse-codegen"))
}

fn metadata(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../metadata")
        .join(name)
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dvcg-cmd-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The names listed under a `list` section heading.
fn section(stdout: &str, title: &str) -> Vec<String> {
    let mut lines = stdout.lines().skip_while(|l| !l.starts_with(title));
    let _ = lines.next();
    lines
        .take_while(|l| l.starts_with("  "))
        .map(|l| l.trim().to_string())
        .collect()
}

#[test]
fn list_shows_the_selection_and_its_dependencies() {
    let dir = scratch("list");
    let config = dir.join("sdk.toml");
    std::fs::write(
        &config,
        format!(
            "metadata = {:?}\n[select]\nentity_sets = [\"accounts\"]\noperations = [\"WhoAmI\", \"AddMembersTeam\"]\n",
            metadata("dataverse-v9.1.xml").display().to_string()
        ),
    )
    .unwrap();
    let output = exe()
        .args(["list", "--config"])
        .arg(&config)
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    // accounts, and the types the two operations need (AddMembersTeam is bound to team and takes
    // systemusers, both derived from principal; WhoAmI returns a complex type); no lookup target
    // (contact, businessunit, ...) is dragged in.
    let sets = section(&stdout, "entity sets");
    assert_eq!(
        sets,
        [
            "accounts (Microsoft.Dynamics.CRM.account)",
            "systemusers (Microsoft.Dynamics.CRM.systemuser)",
            "teams (Microsoft.Dynamics.CRM.team)"
        ],
        "{stdout}"
    );
    let types = section(&stdout, "entity types");
    assert!(types.contains(&"Microsoft.Dynamics.CRM.principal".to_string()));
    assert!(!types.contains(&"Microsoft.Dynamics.CRM.contact".to_string()));
    assert_eq!(
        section(&stdout, "complex types"),
        ["Microsoft.Dynamics.CRM.WhoAmIResponse"]
    );
    // Flags add to the configuration; wildcards match.
    let output = exe()
        .args(["list", "--config"])
        .arg(&config)
        .args(["--entity-set", "contact*"])
        .output()
        .unwrap();
    let (stdout, _) = text(&output);
    let sets = section(&stdout, "entity sets");
    assert!(sets.iter().any(|s| s.starts_with("contacts ")), "{sets:?}");
    assert!(
        sets.iter()
            .any(|s| s.starts_with("contactleadscollection "))
            || sets.len() > 3
    );
}

#[test]
fn an_unknown_selection_name_points_at_the_configuration_line() {
    let dir = scratch("unknown");
    let config = dir.join("sdk.toml");
    std::fs::write(
        &config,
        format!(
            "metadata = {:?}\n[select]\nentity_sets = [\n  \"People\",\n  \"Peeple\",\n]\n",
            metadata("trippin-rw.xml").display().to_string()
        ),
    )
    .unwrap();
    let output = exe()
        .args(["generate", "--config"])
        .arg(&config)
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let expected = format!(
        "{}:5:4: error: the selection names the entity set `Peeple`, which the document does not \
         have (did you mean `People`?)",
        config.display()
    );
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(!dir.join("out").exists(), "nothing is written on error");
    // From a flag: no position, but the closest name.
    let output = exe()
        .args(["list", "--metadata"])
        .arg(metadata("dataverse-v9.1.xml"))
        .args(["--entity-set", "acounts"])
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("command line: error: the selection names the entity set `acounts`")
            && stderr.contains("did you mean `accounts`?"),
        "{stderr}"
    );
}

#[test]
fn invalid_xml_is_reported_with_line_and_column() {
    let dir = scratch("invalid");
    let bad = dir.join("bad.xml");
    std::fs::write(
        &bad,
        "<edmx:Edmx Version=\"4.0\" xmlns:edmx=\"http://docs.oasis-open.org/odata/ns/edmx\">\n  <edmx:DataServices>\n    <Schema Namespace=\"A\">\n  </edmx:DataServices>\n</edmx:Edmx>\n",
    )
    .unwrap();
    let output = exe()
        .args(["generate", "--metadata"])
        .arg(&bad)
        .arg("--out")
        .arg(dir.join("out"))
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let prefix = format!("{}:", bad.display());
    let first = stderr.lines().next().unwrap_or_default();
    let rest = first
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{stderr}"));
    let mut parts = rest.splitn(3, ':');
    let line: u32 = parts.next().unwrap().parse().expect("a line number");
    let column: u32 = parts.next().unwrap().parse().expect("a column number");
    assert!(line >= 3 && column > 0, "{stderr}");
    assert!(stderr.contains("error: malformed XML"), "{stderr}");
}

#[test]
fn usage_errors_exit_2() {
    let output = exe().args(["generate", "--out", "x"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output).1.contains("--metadata"));
    let output = exe().args(["list", "--bogus"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn diff_of_the_two_dataverse_versions() {
    let output = exe()
        .arg("diff")
        .arg(metadata("dataverse-v8.x-crm2016.xml"))
        .arg(metadata("dataverse-v9.1.xml"))
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    // Removals are marked as breaking for the generated API.
    assert!(lines.contains(&"- entity type Microsoft.Dynamics.CRM.opportunity  (breaking)"));
    let lines: Vec<&str> = lines
        .iter()
        .map(|l| l.trim_end_matches("  (breaking)"))
        .collect();
    // Removed in v9.1 (this organisation has no Sales): opportunity and WinOpportunity.
    assert!(lines.contains(&"- entity type Microsoft.Dynamics.CRM.opportunity"));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("- action Microsoft.Dynamics.CRM.WinOpportunity"))
    );
    // Added: appmodule, and a property of account.
    assert!(lines.contains(&"+ entity type Microsoft.Dynamics.CRM.appmodule"));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("+ property Microsoft.Dynamics.CRM.account/followemail"))
    );
    // Changed in place: nullability of a response property.
    assert!(
        lines.iter().any(|l| l
            .starts_with("~ property Microsoft.Dynamics.CRM.WhoAmIResponse/UserId")
            && l.contains("nullable false -> true")),
        "{stdout}"
    );
    let summary = lines.last().unwrap();
    assert!(
        summary.contains("added") && summary.contains("removed"),
        "{summary}"
    );
}

/// A one-shot HTTP server on loopback that checks the bearer token and serves a document.
fn serve_once(body: &'static str) -> (String, std::thread::JoinHandle<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/data/v9.2/", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut head = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).unwrap();
            if line == "\r\n" || line.is_empty() {
                break;
            }
            head.push_str(&line);
        }
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(response.as_bytes()).unwrap();
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest);
        head
    });
    (url, handle)
}

#[test]
fn fetch_downloads_metadata_with_the_token() {
    const DOC: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="Demo" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EntityType Name="account"><Key><PropertyRef Name="accountid"/></Key><Property Name="accountid" Type="Edm.Guid" Nullable="false"/></EntityType><EntityContainer Name="C"><EntitySet Name="accounts" EntityType="Demo.account"/></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>"#;
    let (url, server) = serve_once(DOC);
    let dir = scratch("fetch");
    let out = dir.join("metadata.xml");
    let output = exe()
        .args(["fetch", &url, "--quiet", "--out"])
        .arg(&out)
        .env("DATAVERSE_TOKEN", "secret-token")
        .output()
        .unwrap();
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    let head = server.join().unwrap();
    assert!(
        head.starts_with("GET /api/data/v9.2/$metadata HTTP/1.1"),
        "{head}"
    );
    assert!(
        head.to_ascii_lowercase()
            .contains("authorization: bearer secret-token"),
        "{head}"
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), DOC);
    assert!(stdout.contains("1 entity types, 1 entity sets"), "{stdout}");
}

#[test]
fn generate_takes_a_url() {
    const DOC: &str = r#"<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx"><edmx:DataServices><Schema Namespace="Demo" xmlns="http://docs.oasis-open.org/odata/ns/edm"><EntityType Name="account"><Key><PropertyRef Name="accountid"/></Key><Property Name="accountid" Type="Edm.Guid" Nullable="false"/></EntityType><EntityContainer Name="C"><EntitySet Name="accounts" EntityType="Demo.account"/></EntityContainer></Schema></edmx:DataServices></edmx:Edmx>"#;
    let (url, server) = serve_once(DOC);
    let dir = scratch("url");
    let output = exe()
        .args(["generate", "--module", "--metadata", &url, "--out"])
        .arg(dir.join("sdk"))
        .env_remove("DATAVERSE_TOKEN")
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        server
            .join()
            .unwrap()
            .starts_with("GET /api/data/v9.2/$metadata")
    );
    let entity = std::fs::read_to_string(dir.join("sdk/entities/account.rs")).unwrap();
    assert!(entity.contains("pub struct Account"), "{entity}");
}
