//! Parsing the answer of a batch: `multipart/mixed` or the OData JSON batch format.

use super::*;

// ---------------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------------

pub(super) fn malformed(form: &str, m: impl std::fmt::Display) -> Error {
    Error::Protocol {
        status: 200,
        message: format!("malformed {form} batch response: {m}"),
    }
}

/// The `boundary` parameter of a multipart content type.
pub(crate) fn boundary_of(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
    })
}

pub(super) fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || from > hay.len() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// Splits a multipart body into the raw bytes of its parts.
pub(super) fn split_parts<'a>(body: &'a [u8], boundary: &str) -> Result<Vec<&'a [u8]>> {
    let bad = |m: &str| malformed("multipart", m);
    let delim = format!("--{boundary}");
    let delim = delim.as_bytes();
    // The first delimiter: at the start or after a line break (preamble allowed).
    let mut pos = if body.starts_with(delim) {
        0
    } else {
        find(body, &[b"\n", delim].concat(), 0).ok_or_else(|| bad("no boundary"))? + 1
    };
    let mut parts = Vec::new();
    loop {
        let after = pos + delim.len();
        if body[after..].starts_with(b"--") {
            return Ok(parts);
        }
        // Skip the rest of the delimiter line.
        let line_end = find(body, b"\n", after).ok_or_else(|| bad("truncated"))?;
        let start = line_end + 1;
        let next = find(body, &[b"\n", delim].concat(), start)
            .ok_or_else(|| bad("missing closing boundary"))?;
        let mut end = next;
        if end > start && body[end - 1] == b'\r' {
            end -= 1;
        }
        parts.push(&body[start..end.max(start)]);
        pos = next + 1;
    }
}

/// Splits header lines from the content at the first empty line.
pub(super) fn split_head(part: &[u8]) -> (Vec<(String, String)>, &[u8]) {
    let mut headers = Vec::new();
    let mut i = 0;
    while i < part.len() {
        let end = find(part, b"\n", i).unwrap_or(part.len());
        let line = &part[i..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        i = (end + 1).min(part.len());
        if line.is_empty() {
            return (headers, &part[i..]);
        }
        let text = String::from_utf8_lossy(line);
        if let Some((k, v)) = text.split_once(':') {
            headers.push((k.trim().to_owned(), v.trim().to_owned()));
        } else {
            headers.push((text.trim().to_owned(), String::new()));
        }
    }
    (headers, &[])
}

pub(super) fn get<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

pub(super) fn parse_http_response(
    content: &[u8],
    content_id: Option<ContentId>,
    atomicity_group: Option<String>,
) -> Result<BatchPart> {
    let (lines, body) = split_head(content);
    let mut it = lines.into_iter();
    let (status_line, _) = it
        .next()
        .ok_or_else(|| malformed("multipart", "a part without a status line"))?;
    let code = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse::<u16>().ok())
        .and_then(|c| StatusCode::from_u16(c).ok())
        .ok_or_else(|| malformed("multipart", format!("bad status line {status_line:?}")))?;
    let mut headers = HeaderMap::new();
    for (k, v) in it {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(k.as_bytes()),
            HeaderValue::from_str(&v),
        ) {
            headers.append(n, v);
        }
    }
    let mut body = body;
    while let Some(b) = body
        .strip_suffix(b"\n")
        .or_else(|| body.strip_suffix(b"\r"))
    {
        body = b;
    }
    Ok(BatchPart {
        content_id,
        in_change_set: atomicity_group.is_some(),
        atomicity_group,
        status: code,
        headers,
        body: Bytes::copy_from_slice(body),
    })
}

pub(super) fn content_id_of(headers: &[(String, String)]) -> Option<ContentId> {
    get(headers, "content-id")
        .and_then(|v| v.trim().parse::<u32>().ok())
        .map(ContentId)
}

/// Parses a `multipart/mixed` batch answer.
pub(super) fn parse_multipart(content_type: &str, body: &[u8]) -> Result<BatchResponse> {
    let boundary = boundary_of(content_type)
        .ok_or_else(|| malformed("multipart", format!("no boundary in {content_type}")))?;
    let mut parts = Vec::new();
    for raw in split_parts(body, &boundary)? {
        let (headers, content) = split_head(raw);
        let ct = get(&headers, "content-type").unwrap_or("application/http");
        if ct.to_ascii_lowercase().starts_with("multipart/mixed") {
            let inner = boundary_of(ct)
                .ok_or_else(|| malformed("multipart", "a change set answer without boundary"))?;
            for sub in split_parts(content, &inner)? {
                let (h, c) = split_head(sub);
                parts.push(parse_http_response(
                    c,
                    content_id_of(&h),
                    Some(inner.clone()),
                )?);
            }
        } else {
            parts.push(parse_http_response(content, content_id_of(&headers), None)?);
        }
    }
    Ok(BatchResponse {
        parts,
        slots: Vec::new(),
    })
}

/// Whether a media type is JSON (`application/json`, with parameters, or `...+json`).
pub(super) fn is_json(media_type: &str) -> bool {
    let essence = media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json")
}

#[derive(serde::Deserialize)]
pub(super) struct JsonBatch<'a> {
    #[serde(borrow)]
    pub(super) responses: Vec<JsonAnswer<'a>>,
}

#[derive(serde::Deserialize)]
pub(super) struct JsonAnswer<'a> {
    #[serde(default)]
    pub(super) id: Option<String>,
    pub(super) status: u16,
    #[serde(default)]
    pub(super) headers: BTreeMap<String, serde_json::Value>,
    #[serde(default, borrow)]
    pub(super) body: Option<&'a RawValue>,
    #[serde(default, rename = "atomicityGroup")]
    pub(super) atomicity_group: Option<String>,
}

/// Parses an OData 4.01 JSON batch answer (`{"responses": [{"id", "status", "headers", "body",
/// "atomicityGroup"}]}`). The answer to a multipart request lists the responses in request order;
/// the `id` of a response in an atomicity group is the Content-ID of its request.
pub(super) fn parse_json(body: &[u8]) -> Result<BatchResponse> {
    let batch: JsonBatch<'_> = serde_json::from_slice(body).map_err(|e| malformed("JSON", e))?;
    let mut parts = Vec::with_capacity(batch.responses.len());
    for answer in batch.responses {
        let status = StatusCode::from_u16(answer.status)
            .map_err(|_| malformed("JSON", format!("bad status {}", answer.status)))?;
        let mut headers = HeaderMap::new();
        for (name, value) in &answer.headers {
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if let (Ok(n), Ok(v)) = (
                HeaderName::from_bytes(name.as_bytes()),
                HeaderValue::from_str(&text),
            ) {
                headers.append(n, v);
            }
        }
        let media_type = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("application/json")
            .to_owned();
        let body = match answer.body {
            None => Bytes::new(),
            Some(raw) if is_json(&media_type) => Bytes::copy_from_slice(raw.get().as_bytes()),
            Some(raw) => {
                let text: String = serde_json::from_str(raw.get()).map_err(|_| {
                    malformed("JSON", format!("a {media_type} body that is not a string"))
                })?;
                if media_type
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("text/")
                {
                    Bytes::from(text.into_bytes())
                } else {
                    let decoded = base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .decode(text.trim_end_matches('='))
                        .map_err(|_| {
                            malformed("JSON", format!("a {media_type} body that is not base64url"))
                        })?;
                    Bytes::from(decoded)
                }
            }
        };
        // Only requests in change sets carry a Content-ID; other ids are the service's own.
        let content_id = answer
            .atomicity_group
            .as_ref()
            .and(answer.id.as_deref())
            .and_then(|id| id.parse::<u32>().ok())
            .map(ContentId);
        parts.push(BatchPart {
            content_id,
            in_change_set: answer.atomicity_group.is_some(),
            atomicity_group: answer.atomicity_group,
            status,
            headers,
            body,
        });
    }
    Ok(BatchResponse {
        parts,
        slots: Vec::new(),
    })
}

/// Parses a batch answer in the form its `Content-Type` names: `multipart/mixed` or JSON.
pub(crate) fn parse_response(content_type: &str, body: &[u8]) -> Result<BatchResponse> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "multipart/mixed" {
        parse_multipart(content_type, body)
    } else if is_json(&essence) || (essence.is_empty() && body.trim_ascii_start().starts_with(b"{"))
    {
        parse_json(body)
    } else {
        Err(Error::Protocol {
            status: 200,
            message: format!(
                "batch response is neither multipart/mixed nor JSON: {content_type:?}"
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boundary_param() {
        assert_eq!(
            boundary_of("multipart/mixed; boundary=\"b_1\"; x=y").as_deref(),
            Some("b_1")
        );
        assert_eq!(boundary_of("application/json"), None);
    }

    #[test]
    fn parses_lf_only_and_preamble() {
        let body = b"preamble\n--b\nContent-Type: application/http\n\nHTTP/1.1 204 No Content\nOData-EntityId: https://x/a(00000000-0000-0000-0000-000000000001)\n\n\n--b--\n";
        let r = parse_response("multipart/mixed; boundary=b", body).unwrap();
        assert_eq!(r.parts.len(), 1);
        assert_eq!(r.parts[0].status, StatusCode::NO_CONTENT);
        assert!(r.parts[0].entity_id().unwrap().id.is_some());
    }

    #[test]
    fn missing_end_is_an_error() {
        let body = b"--b\r\nContent-Type: application/http\r\n\r\nHTTP/1.1 200 OK\r\n\r\n{}";
        assert!(parse_response("multipart/mixed; boundary=b", body).is_err());
    }

    #[test]
    fn neither_multipart_nor_json_is_an_error() {
        let e = parse_response("text/html", b"<html/>").unwrap_err();
        assert!(
            e.to_string().contains("neither multipart/mixed nor JSON"),
            "{e}"
        );
    }

    #[test]
    fn json_bodies_text_and_base64url() {
        let body = br#"{"responses":[
            {"id":"1","status":200,"headers":{"content-type":"text/plain"},"body":"12"},
            {"id":"2","status":200,"headers":{"content-type":"application/octet-stream"},"body":"AP8"},
            {"id":"3","status":200,"body":{"a" : 1.50}},
            {"id":"4","status":204,"body":null}
        ]}"#;
        let r = parse_response("application/json", body).unwrap();
        assert_eq!(&r.parts[0].body[..], b"12");
        assert_eq!(&r.parts[1].body[..], &[0u8, 255]);
        assert_eq!(
            &r.parts[2].body[..],
            br#"{"a" : 1.50}"#,
            "JSON kept as sent"
        );
        assert!(r.parts[3].body.is_empty());
        assert!(
            r.parts
                .iter()
                .all(|p| p.content_id.is_none() && !p.in_change_set)
        );
    }

    #[test]
    fn get_in_change_set_is_refused() {
        let mut b = Batch::new();
        b.change_set(|cs| cs.add(BatchRequest::get(&EntityPath::set("a"), &Query::new())));
        assert!(b.render("https://x/", "b").is_err());
    }

    fn part(status: u16, id: Option<u32>, group: Option<&str>) -> BatchPart {
        BatchPart {
            content_id: id.map(ContentId),
            in_change_set: group.is_some(),
            atomicity_group: group.map(str::to_owned),
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
    }

    fn two_change_sets_and_a_get() -> Batch {
        let mut b = Batch::new();
        b.change_set(|cs| {
            cs.add(BatchRequest::delete(&EntityPath::set("a")));
            cs.add(BatchRequest::delete(&EntityPath::set("b")));
        });
        b.add(BatchRequest::get(&EntityPath::set("c"), &Query::new()));
        b.change_set(|cs| {
            cs.add(BatchRequest::delete(&EntityPath::set("d")));
        });
        b
    }

    #[test]
    fn answers_of_change_sets_by_content_id_and_group() {
        use crate::batch::response::Slot::*;
        let b = two_change_sets_and_a_get();
        // Answered out of order inside the change set: matched by Content-ID.
        let parts = [
            part(204, Some(2), Some("x")),
            part(204, Some(1), Some("x")),
            part(200, None, None),
            part(204, Some(3), Some("y")),
        ];
        assert_eq!(
            resolve(&b.items, &parts),
            [Answered(1), Answered(0), Answered(2), Answered(3)]
        );
        // Dataverse: a failed change set is one part without Content-ID; the batch stops.
        let parts = [part(412, None, None)];
        assert_eq!(
            resolve(&b.items, &parts),
            [RolledBack(0), RolledBack(0), Missing, Missing]
        );
        // CAP multipart: the failing request's Content-ID on the single part.
        let parts = [
            part(412, Some(2), None),
            part(200, None, None),
            part(204, Some(3), Some("y")),
        ];
        assert_eq!(
            resolve(&b.items, &parts),
            [RolledBack(0), RolledBack(0), Answered(1), Answered(2)]
        );
        // CAP JSON: every member reported, the earlier one with its (rolled back) success.
        let parts = [
            part(201, None, Some("g")),
            part(412, None, Some("g")),
            part(200, None, None),
            part(204, None, Some("h")),
        ];
        assert_eq!(
            resolve(&b.items, &parts),
            [RolledBack(1), RolledBack(1), Answered(2), Answered(3)]
        );
    }

    #[test]
    fn part_options_reach_the_right_request() {
        let mut b = Batch::new();
        let first = b.push(BatchRequest::delete(&EntityPath::set("a")), NoContent);
        let (second, third) = b.change_set(|cs| {
            let second = cs.push(BatchRequest::delete(&EntityPath::set("b")), NoContent);
            let third = cs.push(BatchRequest::delete(&EntityPath::set("c")), NoContent);
            cs.options(&third, &RequestOptions::new().bypass_custom_plugins());
            (second, third)
        });
        b.options(&second, &RequestOptions::new().return_representation());
        assert_eq!((first.index(), second.index(), third.index()), (0, 1, 2));
        assert_eq!(
            (second.content_id(), third.content_id()),
            (ContentId(1), ContentId(2))
        );
        let body = String::from_utf8(b.render("https://x/", "B").unwrap()).unwrap();
        let b_at = body.find("DELETE https://x/b").unwrap();
        let c_at = body.find("DELETE https://x/c").unwrap();
        assert!(
            body[b_at..c_at].contains("prefer: return=representation"),
            "{body}"
        );
        assert!(!body[b_at..c_at].contains("bypass"), "{body}");
        assert!(
            body[c_at..].contains("mscrm.bypasscustompluginexecution: true"),
            "{body}"
        );
        assert!(!body[..b_at].contains("prefer"), "{body}");
    }
}
