//! Rows of data from a file, for `run --data FILE` (one iteration per row, as Newman's `-d`):
//! CSV with a header row, a JSON list of objects, or JSON Lines (one object per line).
//! A CSV cell is text; an empty cell is an empty string.

use std::path::Path;

use serde_json::{Map, Value};

/// One row: the header's names (or the object's keys) and their values, in file order.
pub type Row = Vec<(String, Value)>;

/// Reads every row of a data file, by its extension (`.csv`, `.json`, `.jsonl`/`.ndjson`).
/// An error names the file and, for a bad row, its line.
pub fn load(path: &Path) -> Result<Vec<Row>, String> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {shown}: {e}"))?;
    // Excel and Notepad write a byte-order mark; it is not part of the data.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let rows = match extension.as_str() {
        "csv" => csv_rows(bytes).map_err(|e| format!("{shown}{e}"))?,
        "json" => json_rows(bytes).map_err(|e| format!("{shown}: {e}"))?,
        "jsonl" | "ndjson" => json_lines(bytes).map_err(|e| format!("{shown}{e}"))?,
        _ => {
            return Err(format!(
                "{shown}: data files are .csv, .json (a list of objects) or .jsonl"
            ))
        }
    };
    if rows.is_empty() {
        return Err(format!("{shown} has no rows"));
    }
    Ok(rows)
}

fn csv_rows(bytes: &[u8]) -> Result<Vec<Row>, String> {
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(&e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    if let Some(i) = header.iter().position(String::is_empty) {
        return Err(format!(": column {} of the header has no name", i + 1));
    }
    reader
        .records()
        .map(|record| {
            let record = record.map_err(|e| csv_error(&e))?;
            Ok(header
                .iter()
                .zip(record.iter())
                .map(|(name, cell)| (name.clone(), Value::String(cell.to_string())))
                .collect())
        })
        .collect()
}

/// `:7: 3 cells, the header has 4` (the line is the file's).
fn csv_error(e: &csv::Error) -> String {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!(":{line}: {len} cells, the header has {expected_len}"),
        csv::ErrorKind::Utf8 { .. } => format!(":{line}: not UTF-8 text"),
        _ => format!(":{line}: {e}"),
    }
}

fn json_rows(bytes: &[u8]) -> Result<Vec<Row>, String> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| format!("not JSON ({e})"))?;
    let items = match value {
        Value::Array(items) => items,
        object @ Value::Object(_) => vec![object],
        _ => return Err("a data file holds a list of objects".into()),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(map) => Ok(map.into_iter().collect()),
            _ => Err(format!("item {i} is not an object")),
        })
        .collect()
}

fn json_lines(bytes: &[u8]) -> Result<Vec<Row>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| ": not UTF-8 text".to_string())?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(map)) => Ok(map.into_iter().collect()),
            Ok(_) => Err(format!(":{}: not a JSON object", i + 1)),
            Err(e) => Err(format!(":{}: not JSON ({e})", i + 1)),
        })
        .collect()
}

/// A row as one object; dotted names nest (`profile.login` → `{"profile": {"login": …}}`).
pub fn nest(row: &Row) -> Result<Value, String> {
    let mut object = Map::new();
    for (name, value) in row {
        let mut place = &mut object;
        let mut steps = name.split('.').peekable();
        while let Some(step) = steps.next() {
            if steps.peek().is_none() {
                if place.contains_key(step) {
                    return Err(format!("column {name} clashes with another column"));
                }
                place.insert(step.to_string(), value.clone());
                break;
            }
            let inner = place
                .entry(step.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            place = inner
                .as_object_mut()
                .ok_or_else(|| format!("column {name} clashes with column {step}"))?;
        }
    }
    Ok(Value::Object(object))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(name: &str, text: &str) -> Result<Vec<Row>, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        load(&path).map_err(|e| e.replace(&dir.path().display().to_string(), "DIR"))
    }

    #[test]
    fn csv_quoting_empty_cells_bom_and_dotted_headers() {
        let got = rows(
            "people.csv",
            "\u{feff}profile.login,profile.firstName,note\n\"ann@x.com\",\"Ann, Jr.\",\"said \"\"hi\"\"\"\nbob@x.com,,\n",
        )
        .unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0][0].0, "profile.login", "the BOM is not in the name");
        assert_eq!(got[0][1].1, "Ann, Jr.");
        assert_eq!(got[0][2].1, "said \"hi\"");
        assert_eq!(got[1][1].1, "", "an empty cell is an empty string");
        let nested = nest(&got[0]).unwrap();
        assert_eq!(nested["profile"]["login"], "ann@x.com");
        assert_eq!(nested["note"], "said \"hi\"");
    }

    #[test]
    fn bad_rows_and_files_name_the_place() {
        assert_eq!(
            rows("p.csv", "a,b\n1,2\n3\n").unwrap_err(),
            "DIR/p.csv:3: 1 cells, the header has 2"
        );
        assert!(rows("p.csv", "a,b\n").unwrap_err().ends_with("has no rows"));
        assert!(rows("p.csv", "a,,c\n1,2,3\n")
            .unwrap_err()
            .contains("column 2"));
        assert!(rows("p.json", "[1]")
            .unwrap_err()
            .contains("item 0 is not an object"));
        assert!(rows("p.jsonl", "{\"a\":1}\n\n{oops\n")
            .unwrap_err()
            .contains("p.jsonl:3: not JSON"));
        assert!(rows("p.txt", "x").unwrap_err().contains(".csv, .json"));
        let clash = vec![
            ("profile".to_string(), Value::String("x".into())),
            ("profile.login".to_string(), Value::String("y".into())),
        ];
        assert!(nest(&clash).unwrap_err().contains("clashes"));
    }

    #[test]
    fn json_and_json_lines_keep_their_types() {
        let got = rows("d.json", r#"[{"id": 1, "ok": true}, {"id": 2}]"#).unwrap();
        assert_eq!(got[0][0], ("id".to_string(), Value::from(1)));
        let got = rows("d.jsonl", "{\"id\": \"a\"}\n{\"id\": \"b\"}\n").unwrap();
        assert_eq!(got.len(), 2);
    }
}
