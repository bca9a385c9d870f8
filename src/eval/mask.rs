//! Masking of secrets in lines kept or shown again (the history file, recordings, a line shown
//! under a parse error): the values of secret-bearing `key=value` words, and the values of
//! secret-bearing keys in JSON literals.
//!
//! Matching is loose on purpose, since a mistyped word holds the same secret: any case
//! (`TOKEN=`), spaces around `=` (`token = X`), inside quotes (`'token=X'`), after `-`
//! (`--token=X`) or `?`/`&` in a URL. A masked line no longer runs as typed; `env add` refuses a
//! masked token rather than storing the mask.

/// Masks each secret with `••••`, for the history and recordings.
pub fn mask_secrets(line: &str) -> String {
    mask_with(line, |_| MASK.to_string())
}

/// Masks secrets character for character, keeping every later column where it was.
pub fn mask_secrets_in_place(line: &str) -> String {
    mask_with(line, |value| "•".repeat(value.chars().count()))
}

/// What a masked secret reads as in a kept line.
const MASK: &str = "••••";

/// True when `text` is a mask, or the `…` placeholder of a usage line (`[token=…|bearer=…]`),
/// not a secret.
fn is_mask(text: &str) -> bool {
    text.starts_with('…') || (!text.is_empty() && text.chars().all(|c| c == '•'))
}

/// A key whose value is a secret: passwords (`password`, `newPassword`), tokens
/// (`token`, `access_token`, `sessionToken`), `client_secret` and other secrets, API keys,
/// recovery answers, JWT assertions (`client_assertion`), private keys, `bearer`.
fn is_secret_name(name: &str) -> bool {
    let key: String = name
        .chars()
        .filter(|c| !matches!(c, '_' | '-' | '.'))
        .map(|c| c.to_ascii_lowercase())
        .collect();
    [
        "password",
        "secret",
        "token",
        "apikey",
        "assertion",
        "privatekey",
        "passcode",
    ]
    .iter()
    .any(|end| key.ends_with(end))
        || matches!(key.as_str(), "bearer" | "answer" | "authorization" | "ssws")
}

fn mask_with(line: &str, mask: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(line.len());
    // The shell quote open at `i`, so that `'token=X'` ends its value at the closing quote.
    let mut quote: Option<char> = None;
    let mut prev: Option<char> = None;
    let mut i = 0;
    while let Some(c) = line[i..].chars().next() {
        let rest = &line[i..];
        // A JSON key (`"password": …`): mask every string in its value.
        if c == '"' && quote != Some('\'') {
            if let Some((key, value_at)) = json_key(rest) {
                out.push_str(&rest[..value_at]);
                i += value_at;
                if is_secret_name(key) {
                    let len = json_value_len(&line[i..]);
                    out.push_str(&mask_json_strings(&line[i..i + len], &mask));
                    i += len;
                }
                prev = Some(':');
                continue;
            }
        }
        let word_start = prev.is_none_or(|p| {
            p.is_whitespace() || matches!(p, ';' | '|' | '-' | '\'' | '"' | '?' | '&' | '`')
        });
        if word_start && (c.is_ascii_alphabetic() || c == '_') {
            if let Some((name, value_at)) = key_and_equals(rest) {
                if is_secret_name(name) {
                    out.push_str(&rest[..value_at]);
                    i += value_at;
                    let value_rest = &line[i..];
                    let end = match quote {
                        Some(q) => value_rest.find(q).unwrap_or(value_rest.len()),
                        None => secret_end(value_rest),
                    };
                    let value = &value_rest[..end];
                    let bare = value.trim_matches(|c| c == '\'' || c == '"');
                    if bare.is_empty() || bare.starts_with("env:") || is_mask(bare) {
                        out.push_str(value);
                    } else {
                        out.push_str(&mask(value));
                    }
                    i += end;
                    prev = value.chars().last().or(prev);
                    continue;
                }
            }
        }
        match quote {
            Some(q) if c == q => quote = None,
            None if c == '\'' || c == '"' => quote = Some(c),
            _ => {}
        }
        out.push(c);
        prev = Some(c);
        i += c.len_utf8();
    }
    out
}

/// `name=`, `name = `: the name and where its value starts.
fn key_and_equals(text: &str) -> Option<(&str, usize)> {
    let name_len = text
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .unwrap_or(text.len());
    let after = &text[name_len..];
    let spaced = after.trim_start_matches([' ', '\t']);
    let eq = spaced.strip_prefix('=')?;
    if eq.starts_with('=') {
        return None;
    }
    let value = eq.trim_start_matches([' ', '\t']);
    Some((&text[..name_len], text.len() - value.len()))
}

/// A JSON string at the start of `text` followed by `:`: its content and where the value
/// starts (after the colon and any spaces).
fn json_key(text: &str) -> Option<(&str, usize)> {
    let end = json_string_len(text)?;
    let after = text[end..].trim_start();
    let value = after.strip_prefix(':')?.trim_start();
    Some((&text[1..end - 1], text.len() - value.len()))
}

/// The length of the JSON string that starts `text` (with its quotes), if it closes.
fn json_string_len(text: &str) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some(i + 1),
            _ => {}
        }
    }
    None
}

/// The length of the JSON value that starts `text`: a string, a bracketed value up to its
/// matching bracket, or a bare scalar. Unclosed values run to the end.
fn json_value_len(text: &str) -> usize {
    match text.chars().next() {
        Some('"') => json_string_len(text).unwrap_or(text.len()),
        Some('{' | '[') => {
            let mut depth = 0usize;
            let mut i = 0;
            while let Some(c) = text[i..].chars().next() {
                match c {
                    '"' => {
                        i += json_string_len(&text[i..]).unwrap_or(text.len() - i);
                        continue;
                    }
                    '{' | '[' => depth += 1,
                    '}' | ']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += c.len_utf8();
            }
            text.len()
        }
        _ => text
            .find(|c: char| matches!(c, ',' | '}' | ']') || c.is_whitespace())
            .unwrap_or(text.len()),
    }
}

/// Masks the content of every string in a JSON value but the keys of its objects.
fn mask_json_strings(value: &str, mask: &impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(value.len());
    let mut i = 0;
    while let Some(c) = value[i..].chars().next() {
        if c == '"' {
            let len = json_string_len(&value[i..]).unwrap_or(value.len() - i);
            let string = &value[i..i + len];
            let is_key = value[i + len..].trim_start().starts_with(':');
            let content = string
                .strip_prefix('"')
                .map(|s| s.strip_suffix('"').unwrap_or(s))
                .unwrap_or(string);
            if is_key || content.is_empty() || is_mask(content) {
                out.push_str(string);
            } else {
                out.push('"');
                out.push_str(&mask(content));
                if string.len() > 1 && string.ends_with('"') {
                    out.push('"');
                }
            }
            i += len;
            continue;
        }
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// Where an unquoted `key=` value ends: at whitespace or `;` outside quotes.
fn secret_end(text: &str) -> usize {
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c.is_whitespace() || c == ';' => return i,
            None => {}
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_masked_in_lines() {
        assert_eq!(
            mask_secrets("env add prod https://a.okta.com token=00abc"),
            "env add prod https://a.okta.com token=••••"
        );
        assert_eq!(
            mask_secrets("env add p u token='a b'; ls"),
            "env add p u token=••••; ls"
        );
        assert_eq!(
            mask_secrets("env add p u token=env:OKTA"),
            "env add p u token=env:OKTA"
        );
        assert_eq!(mask_secrets("ls users mytoken=1"), "ls users mytoken=••••");
        assert_eq!(
            mask_secrets("ls users limit=1 q=token"),
            "ls users limit=1 q=token"
        );
        assert_eq!(
            mask_secrets_in_place("env add p u token=abc 'x"),
            "env add p u token=••• 'x"
        );
    }

    #[test]
    fn mistyped_token_words_are_masked() {
        for (line, masked) in [
            ("env add p u TOKEN=abc", "env add p u TOKEN=••••"),
            ("env add p u token = abc x", "env add p u token = •••• x"),
            ("env add p u 'token=a b' x", "env add p u 'token=••••' x"),
            ("env add p u \"Token=abc\"", "env add p u \"Token=••••\""),
            ("env add p u --token=abc", "env add p u --token=••••"),
            ("get /x?a=1&apikey=abc", "get /x?a=1&apikey=••••"),
            ("set token = abc", "set token = ••••"),
        ] {
            assert_eq!(mask_secrets(line), masked, "{line}");
        }
        // Usage text and masks stay as they are.
        assert_eq!(
            mask_secrets("use token=… or bearer=…"),
            "use token=… or bearer=…"
        );
        let usage = "env add NAME URL [token=…|bearer=…] [--protected]";
        assert_eq!(mask_secrets(usage), usage);
        assert_eq!(mask_secrets("token=••••"), "token=••••");
    }

    #[test]
    fn secret_parameters_and_json_fields_are_masked() {
        assert_eq!(
            mask_secrets(r#"run "Create User" password=Hunter2 email-suffix=x"#),
            r#"run "Create User" password=•••• email-suffix=x"#
        );
        assert_eq!(
            mask_secrets(
                r#"post users {"profile":{"login":"a@b.c"},"credentials":{"password":{"value":"Hunter2"},"recovery_question":{"question":"Pet?","answer":"Rex"}}}"#
            ),
            r#"post users {"profile":{"login":"a@b.c"},"credentials":{"password":{"value":"••••"},"recovery_question":{"question":"Pet?","answer":"••••"}}}"#
        );
        assert_eq!(
            mask_secrets(r#"set app = {"client_secret": "s3cr3t", "client_id": "c"}"#),
            r#"set app = {"client_secret": "••••", "client_id": "c"}"#
        );
        assert_eq!(
            mask_secrets(r#"post x {"privateKey":{"kty":"RSA","d":"AAA"},"n":1}"#),
            r#"post x {"privateKey":{"kty":"••••","d":"••••"},"n":1}"#
        );
        assert_eq!(
            mask_secrets_in_place(r#"post x {"password":"abc"} extra"#),
            r#"post x {"password":"•••"} extra"#
        );
        assert_eq!(
            mask_secrets(r#"post x client_assertion=eyJ.a.b"#),
            "post x client_assertion=••••"
        );
    }
}
