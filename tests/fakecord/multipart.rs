//! multipart/form-data bodies, as Discord takes messages with files: a `payload_json` part (the
//! JSON body, validated like any other) and one `files[N]` part per attachment.

/// One uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    /// The form field, `files[N]`.
    pub field: String,
    pub filename: String,
    pub content_type: Option<String>,
    pub bytes: Vec<u8>,
}

/// What a multipart body held.
#[derive(Debug, Default)]
pub struct Form {
    pub payload_json: Option<Vec<u8>>,
    pub files: Vec<UploadedFile>,
}

/// The boundary of a `multipart/form-data` content type, if it is one.
pub fn boundary(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';').map(str::trim);
    if !params.next()?.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params
        .find_map(|p| p.strip_prefix("boundary="))
        .map(|b| b.trim_matches('"').to_string())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Parses the body; an error says what is malformed.
pub fn parse(body: &[u8], boundary: &str) -> Result<Form, String> {
    let delimiter = format!("--{boundary}").into_bytes();
    let start = find(body, &delimiter).ok_or("no opening boundary")?;
    let mut rest = &body[start + delimiter.len()..];
    let mut form = Form::default();
    let closing = [b"\r\n".as_slice(), &delimiter].concat();
    loop {
        if rest.starts_with(b"--") {
            return Ok(form);
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or("no line break after a boundary")?;
        let headers_end = find(rest, b"\r\n\r\n").ok_or("a part without a blank line")?;
        let headers = std::str::from_utf8(&rest[..headers_end]).map_err(|e| e.to_string())?;
        rest = &rest[headers_end + 4..];
        let data_end = find(rest, &closing).ok_or("a part without a closing boundary")?;
        let data = rest[..data_end].to_vec();
        rest = &rest[data_end + closing.len()..];

        let mut name = None;
        let mut filename = None;
        let mut content_type = None;
        for line in headers.split("\r\n") {
            let Some((key, value)) = line.split_once(':') else {
                continue;
            };
            if key.trim().eq_ignore_ascii_case("content-disposition") {
                for param in value.split(';').map(str::trim) {
                    if let Some(v) = param.strip_prefix("name=") {
                        name = Some(v.trim_matches('"').to_string());
                    } else if let Some(v) = param.strip_prefix("filename=") {
                        filename = Some(v.trim_matches('"').to_string());
                    }
                }
            } else if key.trim().eq_ignore_ascii_case("content-type") {
                content_type = Some(value.trim().to_string());
            }
        }
        match name.ok_or("a part without a name")? {
            field if field == "payload_json" => form.payload_json = Some(data),
            field if field.starts_with("files[") => form.files.push(UploadedFile {
                filename: filename.ok_or_else(|| format!("{field} has no filename"))?,
                field,
                content_type,
                bytes: data,
            }),
            other => return Err(format!("unexpected form field {other}")),
        }
    }
}

/// Discord matches each `files[N]` to the attachment with id N in `payload_json`.
pub fn check_attachments(payload: &serde_json::Value, files: &[UploadedFile]) -> Vec<String> {
    // A message body lists them at the top; an interaction callback inside `data`.
    let listed = payload["attachments"]
        .as_array()
        .or_else(|| payload["data"]["attachments"].as_array())
        .cloned()
        .unwrap_or_default();
    files
        .iter()
        .filter_map(|file| {
            let id = file
                .field
                .trim_start_matches("files[")
                .trim_end_matches(']');
            let found = listed.iter().any(|a| {
                a["id"].as_u64().map(|n| n.to_string()).as_deref() == Some(id)
                    || a["id"].as_str() == Some(id)
            });
            (!found).then(|| format!("{} has no entry in payload_json.attachments", file.field))
        })
        .collect()
}
