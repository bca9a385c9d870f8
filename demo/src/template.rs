//! Okta's path templates (`/api/v1/users/{id}/lifecycle/activate`) matched against request
//! paths: one matcher for the scope checks, the table of hand-made operations and the generic
//! engine, so they agree on which operation a path is.

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Segment {
    Literal(String),
    Param,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Template(Vec<Segment>);

impl Template {
    pub fn parse(template: &str) -> Template {
        Template(
            split(template)
                .map(|s| {
                    if s.starts_with('{') && s.ends_with('}') {
                        Segment::Param
                    } else {
                        Segment::Literal(s.to_string())
                    }
                })
                .collect(),
        )
    }

    pub fn from_segments(segments: &[Segment]) -> Template {
        Template(segments.to_vec())
    }

    pub fn segments(&self) -> &[Segment] {
        &self.0
    }

    /// Whether `request` (a path split by [`split`]) is an instance of this template; a param
    /// takes one non-empty segment.
    pub fn matches(&self, request: &[&str]) -> bool {
        self.0.len() == request.len()
            && self.0.iter().zip(request).all(|(t, r)| match t {
                Segment::Literal(l) => l == r,
                Segment::Param => !r.is_empty(),
            })
    }

    /// Where templates overlap (`/users/me` and `/users/{id}`), the one with a literal segment
    /// earliest wins: compare these keys, the larger wins.
    pub fn specificity(&self) -> Vec<bool> {
        self.0
            .iter()
            .map(|s| matches!(s, Segment::Literal(_)))
            .collect()
    }
}

/// A path's segments, without the slashes at either end (a trailing slash is the same path).
pub(crate) fn split(path: &str) -> impl Iterator<Item = &str> {
    path.trim_matches('/').split('/')
}

/// The most specific of `candidates` whose template matches `request`.
pub(crate) fn best<'a, T>(
    candidates: impl IntoIterator<Item = &'a T>,
    template: impl Fn(&T) -> &Template,
    request: &[&str],
) -> Option<&'a T> {
    candidates
        .into_iter()
        .filter(|c| template(c).matches(request))
        .max_by(|a, b| template(a).specificity().cmp(&template(b).specificity()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_literal_segment_beats_a_param() {
        let templates = [
            Template::parse("/api/v1/users/{id}/{x}"),
            Template::parse("/api/v1/users/me/{x}"),
            Template::parse("/api/v1/users/{id}/roles"),
        ];
        let request = ["api", "v1", "users", "me", "roles"];
        let found = best(&templates, |t| t, &request).unwrap();
        assert_eq!(found, &templates[1]);
        assert!(!templates[0].matches(&["api", "v1", "users", "", "roles"]));
    }
}
