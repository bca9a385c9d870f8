//! `run NAME`: by name, folder/name, unique prefix, `Collection:`; unknown and ambiguous names.

use std::path::Path;

use oktash::postman::{find_request, import_file, request_names, Collection, FindError, Imported};

fn load(files: &[&str]) -> Vec<Collection> {
    files
        .iter()
        .map(
            |f| match import_file(&Path::new("data/okta/postman").join(f)).unwrap() {
                Imported::Collection(c) => c,
                Imported::Environment(_) => panic!("{f}"),
            },
        )
        .collect()
}

fn found(cs: &[Collection], q: &str) -> String {
    let (c, r) = find_request(cs, q).unwrap_or_else(|e| panic!("{q:?}: {e}"));
    format!("{}:{}", c.name, r.full_name())
}

#[test]
fn exact_folder_and_prefix_forms() {
    let cs = load(&["users.json"]);
    assert_eq!(found(&cs, "Get User"), "Users (Okta API):Get User");
    assert_eq!(found(&cs, "get user"), "Users (Okta API):Get User");
    // A request named like its folder: the name alone is exact for one request.
    assert_eq!(
        found(&cs, "List Users"),
        "Users (Okta API):List Users/List Users"
    );
    assert_eq!(
        found(&cs, "Lifecycle Operations/Activate User"),
        "Users (Okta API):Lifecycle Operations/Activate User"
    );
    assert_eq!(
        found(&cs, "lifecycle operations/act"),
        "Users (Okta API):Lifecycle Operations/Activate User"
    );
    assert_eq!(found(&cs, "Get Cur"), "Users (Okta API):Get Current User");
    assert_eq!(
        found(&cs, "  unsusp "),
        "Users (Okta API):Lifecycle Operations/Unsuspend User"
    );
}

#[test]
fn ambiguous_prefix_lists_every_match() {
    let cs = load(&["users.json"]);
    let err = find_request(&cs, "List").unwrap_err();
    let FindError::Ambiguous { candidates, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(candidates.len(), 10);
    assert!(
        candidates.iter().all(|c| c.starts_with("List Users/")),
        "{candidates:?}"
    );
    let msg = err.to_string();
    assert!(msg.starts_with("\"List\" matches 10 requests"), "{msg}");
    assert_eq!(msg.lines().count(), 11, "{msg}");
}

#[test]
fn same_name_in_two_folders_needs_the_folder() {
    let cs = load(&["legacy-v1/oie-lea.json"]);
    let err = find_request(&cs, "List Features").unwrap_err();
    let FindError::Ambiguous { candidates, .. } = err else {
        panic!()
    };
    assert_eq!(candidates.len(), 2, "{candidates:?}");
    assert!(candidates[0].contains("Features/List Features"));
    assert_eq!(
        found(&cs, "Email/Features/List Features"),
        "Identity Engine Limited EA - For Customers:Factor Profiles/Email/Features/List Features"
    );
}

#[test]
fn unknown_names_suggest_the_closest_first() {
    let cs = load(&["users.json"]);
    let err = find_request(&cs, "Get Usr").unwrap_err();
    let FindError::NotFound { candidates, .. } = &err else {
        panic!("{err}")
    };
    assert!(
        candidates[0].starts_with("Get User  (GET /api/v1/users/{{userId}})"),
        "{candidates:?}"
    );
    assert!(candidates.len() <= 5);
    let msg = err.to_string();
    assert!(
        msg.contains("no request is named \"Get Usr\"") && msg.contains("ls requests"),
        "{msg}"
    );
    assert_eq!(
        find_request(&[], "x").unwrap_err(),
        FindError::NoCollections
    );
    assert!(matches!(
        find_request(&cs, ""),
        Err(FindError::NotFound { .. })
    ));
}

#[test]
fn collection_qualifier_picks_among_collections() {
    // v2.1 and v2.0 copies of Users share every name: ambiguous, listed with their collections.
    let cs = load(&["users.json", "legacy-v2.0/users.json"]);
    let err = find_request(&cs, "Get User").unwrap_err();
    let FindError::Ambiguous { candidates, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(candidates.len(), 2);
    assert!(
        candidates
            .iter()
            .all(|c| c.starts_with("Users (Okta API):Get User  ")),
        "{candidates:?}"
    );

    let cs = load(&["users.json", "sessions.json"]);
    assert_eq!(
        found(&cs, "sessions:Get Current Session"),
        "Sessions (Okta API):Get Current Session"
    );
    assert_eq!(
        found(&cs, "Sessions (Okta API):get cur"),
        "Sessions (Okta API):Get Current Session"
    );
    assert_eq!(
        found(&cs, "users:get cur"),
        "Users (Okta API):Get Current User"
    );
    // Without the qualifier "Get Current" is in both collections.
    assert!(matches!(
        find_request(&cs, "get current"),
        Err(FindError::Ambiguous { .. })
    ));
}

#[test]
fn completion_names_are_names_and_folder_forms() {
    let cs = load(&["users.json"]);
    let names = request_names(&cs);
    assert!(names.contains(&"Get User".to_string()));
    assert!(names.contains(&"Activate User".to_string()));
    assert!(names.contains(&"Lifecycle Operations/Activate User".to_string()));
    let unique: std::collections::HashSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len());
    // Every completion resolves to a request.
    for n in &names {
        assert!(find_request(&cs, n).is_ok(), "{n}");
    }
}
