//! Masking of `token=`, `bearer=` and `apikey=` values in lines kept or shown again.

/// Masks the values of `token=` and `bearer=` words, for the history and recordings.
pub fn mask_secrets(line: &str) -> String {
    mask_with(line, |_| "••••".to_string())
}

/// Masks secrets character for character, keeping every later column where it was.
pub fn mask_secrets_in_place(line: &str) -> String {
    mask_with(line, |value| "•".repeat(value.chars().count()))
}

fn mask_with(line: &str, mask: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(pos) = find_secret_key(rest) {
        let (head, tail) = rest.split_at(pos.1);
        out.push_str(head);
        let end = secret_end(tail);
        let value = &tail[..end];
        if value
            .trim_matches(|c| c == '\'' || c == '"')
            .starts_with("env:")
        {
            out.push_str(value);
        } else {
            out.push_str(&mask(value));
        }
        rest = &tail[end..];
        let _ = pos.0;
    }
    out.push_str(rest);
    out
}

/// Finds the next `token=` / `bearer=` at a word start: (start of key, start of value).
fn find_secret_key(text: &str) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for key in ["token=", "bearer=", "apikey="] {
        let mut from = 0;
        while let Some(i) = text[from..].find(key) {
            let at = from + i;
            let word_start =
                at == 0 || text[..at].ends_with(|c: char| c.is_whitespace() || c == '-');
            if word_start {
                if best.is_none_or(|b| at < b.0) {
                    best = Some((at, at + key.len()));
                }
                break;
            }
            from = at + key.len();
        }
    }
    best
}

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
        assert_eq!(mask_secrets("ls users mytoken=1"), "ls users mytoken=1");
        assert_eq!(
            mask_secrets_in_place("env add p u token=abc 'x"),
            "env add p u token=••• 'x"
        );
    }
}
