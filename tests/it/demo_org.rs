//! The demo org's groups, apps and System Log over real HTTP.

use std::collections::HashSet;

use crate::common::org::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

async fn group_id(org: &Org, name: &str) -> String {
    let (_, _, body) = org
        .get(&format!("/api/v1/groups?q={}", name.replace(' ', "+")))
        .await;
    body.as_array()
        .unwrap()
        .iter()
        .find(|g| g["profile"]["name"] == name)
        .expect("group exists")["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn app_id(org: &Org, label: &str) -> String {
    let (_, _, body) = org
        .get(&format!("/api/v1/apps?q={}", label.replace(' ', "+")))
        .await;
    body.as_array()
        .unwrap()
        .iter()
        .find(|a| a["label"] == label)
        .expect("app exists")["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn groups_list_search_filter_and_page() {
    let org = Org::default().await;
    let (status, headers, all) = org.get("/api/v1/groups").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        link(&headers, "self").unwrap(),
        format!("{}/api/v1/groups?limit=10000", org.demo.base_url)
    );
    let all = all.as_array().unwrap().clone();
    assert_eq!(all[0]["profile"]["name"], "Everyone");
    assert_eq!(all[0]["type"], "BUILT_IN");
    assert!(all
        .iter()
        .all(|g| g["id"].as_str().unwrap().starts_with("00g")
            && g["id"].as_str().unwrap().len() == 20));
    assert!(all.iter().any(|g| g["type"] == "OKTA_GROUP"));

    let (paged, pages) = org.all_pages("/api/v1/groups?limit=4").await;
    assert!(pages > 2);
    assert_eq!(ids(&paged), ids(&all));

    let (_, headers, body) = org.get("/api/v1/groups?q=eng").await;
    assert_eq!(body[0]["profile"]["name"], "Engineering");
    assert!(link(&headers, "next").is_none());
    let (_, _, body) = org
        .get("/api/v1/groups?search=type+eq+%22OKTA_GROUP%22+and+profile.name+sw+%22s%22")
        .await;
    assert!(!body.as_array().unwrap().is_empty());
    assert!(body
        .as_array()
        .unwrap()
        .iter()
        .all(|g| g["type"] == "OKTA_GROUP"
            && g["profile"]["name"].as_str().unwrap().starts_with('S')));
    let (_, _, body) = org
        .get("/api/v1/groups?filter=type+eq+%22BUILT_IN%22")
        .await;
    assert_eq!(body.as_array().unwrap().len(), 1);
    let (status, _, body) = org
        .get("/api/v1/groups?filter=profile.name+eq+%22Sales%22")
        .await;
    assert_error(status, &body, 400, "E0000031");
    let (_, _, body) = org
        .get("/api/v1/groups?search=profile.name+co+%22user%22&sortBy=profile.name&sortOrder=desc")
        .await;
    let names: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["profile"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Workday Users", "VPN Users"]);
    let (_, _, body) = org
        .get(&format!(
            "/api/v1/groups/{}?expand=stats",
            all[0]["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(body["_embedded"]["stats"]["usersCount"], 300);
}

#[tokio::test]
async fn groups_create_update_delete_and_members() {
    let org = Org::default().await;
    let (status, _, g) = org
        .post(
            "/api/v1/groups",
            json!({"profile": {"name": "Demo Team", "description": "For the demo"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(g["type"], "OKTA_GROUP");
    let gid = g["id"].as_str().unwrap().to_string();
    let (status, _, body) = org
        .post("/api/v1/groups", json!({"profile": {"name": "demo team"}}))
        .await;
    assert_error(status, &body, 400, "E0000001");
    let (status, _, body) = org.post("/api/v1/groups", json!({"profile": {}})).await;
    assert_error(status, &body, 400, "E0000001");

    let (status, _, g) = org
        .call(
            Method::PUT,
            &format!("/api/v1/groups/{gid}"),
            Some(json!({"profile": {"name": "Demo Crew"}})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(g["profile"]["name"], "Demo Crew");

    // Members: add (idempotent), list, the user's groups, remove.
    let (_, _, me) = org.get("/api/v1/users/me").await;
    let uid = me["id"].as_str().unwrap();
    for _ in 0..2 {
        let (status, _, _) = org
            .call(
                Method::PUT,
                &format!("/api/v1/groups/{gid}/users/{uid}"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let (_, _, members) = org.get(&format!("/api/v1/groups/{gid}/users")).await;
    assert_eq!(ids(members.as_array().unwrap()), vec![uid.to_string()]);
    let (_, _, mine) = org.get("/api/v1/users/me/groups").await;
    assert!(mine
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["id"] == gid.as_str()));
    let (status, _, _) = org
        .call(
            Method::DELETE,
            &format!("/api/v1/groups/{gid}/users/{uid}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, _, members) = org.get(&format!("/api/v1/groups/{gid}/users")).await;
    assert_eq!(members, json!([]));
    let (status, _, body) = org
        .call(
            Method::PUT,
            &format!("/api/v1/groups/{gid}/users/00unotauser000000000"),
            None,
        )
        .await;
    assert_error(status, &body, 404, "E0000007");

    // BUILT_IN and APP_GROUP groups cannot be changed.
    let everyone = group_id(&org, "Everyone").await;
    let (status, _, body) = org
        .call(Method::DELETE, &format!("/api/v1/groups/{everyone}"), None)
        .await;
    assert_error(status, &body, 403, "E0000006");
    let (status, _, body) = org
        .call(
            Method::DELETE,
            &format!("/api/v1/groups/{everyone}/users/{uid}"),
            None,
        )
        .await;
    assert_error(status, &body, 403, "E0000006");
    let workday = group_id(&org, "Workday Users").await;
    let (status, _, body) = org
        .call(
            Method::PUT,
            &format!("/api/v1/groups/{workday}/users/{uid}"),
            None,
        )
        .await;
    assert_error(status, &body, 403, "E0000006");

    org.delete_and_find_gone(&format!("/api/v1/groups/{gid}"))
        .await;
}

#[tokio::test]
async fn group_members_page_to_the_end() {
    let org = Org::default().await;
    let everyone = group_id(&org, "Everyone").await;
    let (members, pages) = org
        .all_pages(&format!("/api/v1/groups/{everyone}/users?limit=45"))
        .await;
    assert_eq!(pages, 7);
    let unique: HashSet<String> = ids(&members).into_iter().collect();
    assert_eq!(unique.len(), 300, "every user once, DEPROVISIONED included");
    let (_, headers, body) = org.get(&format!("/api/v1/groups/{everyone}/users")).await;
    assert_eq!(body.as_array().unwrap().len(), 300);
    assert!(link(&headers, "self")
        .unwrap()
        .ends_with("/users?limit=1000"));
}

#[tokio::test]
async fn apps_list_filter_create_lifecycle_and_delete() {
    let org = Org::default().await;
    let (_, headers, apps) = org.get("/api/v1/apps").await;
    let apps = apps.as_array().unwrap().clone();
    assert_eq!(apps.len(), 8);
    assert!(link(&headers, "next").is_none());
    assert!(apps
        .iter()
        .all(|a| a["id"].as_str().unwrap().starts_with("0oa") && a["signOnMode"] == "BOOKMARK"));
    let (paged, _) = org.all_pages("/api/v1/apps?limit=3").await;
    assert_eq!(ids(&paged), ids(&apps));

    // Assignments through groups and directly.
    let eng = group_id(&org, "Engineering").await;
    let (_, _, body) = org
        .get(&format!("/api/v1/apps?filter=group.id+eq+%22{eng}%22"))
        .await;
    let labels: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, vec!["Engineering Docs"]);
    let (_, _, me) = org.get("/api/v1/users/me").await;
    let uid = me["id"].as_str().unwrap().to_string();
    let (_, _, body) = org
        .get(&format!("/api/v1/apps?filter=user.id+eq+%22{uid}%22"))
        .await;
    let labels: Vec<&str> = body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["label"].as_str().unwrap())
        .collect();
    assert!(
        labels.contains(&"Company Wiki") && labels.contains(&"HR Handbook"),
        "{labels:?}"
    );
    let (_, _, body) = org
        .get("/api/v1/apps?filter=status+eq+%22INACTIVE%22")
        .await;
    assert_eq!(body[0]["label"], "Legacy Intranet");
    let (status, _, body) = org.get("/api/v1/apps?filter=label+eq+%22x%22").await;
    assert_error(status, &body, 400, "E0000031");
    let (_, _, body) = org.get("/api/v1/apps?q=stat").await;
    assert_eq!(body[0]["label"], "Status Page");

    // Create a bookmark app; a missing URL is refused.
    let app = json!({"name": "bookmark", "label": "Demo Link", "signOnMode": "BOOKMARK", "settings": {"app": {"url": "https://example.com/demo"}}});
    let (status, _, created) = org.post("/api/v1/apps", app).await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(created["status"], "ACTIVE");
    assert_eq!(
        created["settings"]["app"]["url"],
        "https://example.com/demo"
    );
    let (status, _, body) = org
        .post(
            "/api/v1/apps",
            json!({"label": "No URL", "signOnMode": "BOOKMARK", "settings": {"app": {}}}),
        )
        .await;
    assert_error(status, &body, 400, "E0000001");
    let aid = created["id"].as_str().unwrap().to_string();

    // Active apps cannot be deleted.
    let (status, _, body) = org
        .call(Method::DELETE, &format!("/api/v1/apps/{aid}"), None)
        .await;
    assert_error(status, &body, 403, "E0000056");
    let (status, _, body) = org
        .post_empty(&format!("/api/v1/apps/{aid}/lifecycle/deactivate"))
        .await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let (_, _, app) = org.get(&format!("/api/v1/apps/{aid}")).await;
    assert_eq!(app["status"], "INACTIVE");
    assert!(app["_links"]["activate"].is_object());
    org.delete_and_find_gone(&format!("/api/v1/apps/{aid}"))
        .await;
}

#[tokio::test]
async fn app_users_and_groups() {
    let org = Org::default().await;
    let wiki = app_id(&org, "Company Wiki").await;
    let (users, pages) = org
        .all_pages(&format!("/api/v1/apps/{wiki}/users?limit=60"))
        .await;
    assert!(pages >= 5);
    assert_eq!(users.len(), 300, "assigned to Everyone");
    assert!(users.iter().all(|u| u["scope"] == "GROUP"));

    let expenses = app_id(&org, "Expense Reports").await;
    let (_, _, me) = org.get("/api/v1/users/me").await;
    let uid = me["id"].as_str().unwrap().to_string();
    let (status, _, body) = org
        .get(&format!("/api/v1/apps/{expenses}/users/{uid}"))
        .await;
    assert_error(status, &body, 404, "E0000007");
    let (status, _, au) = org
        .post(
            &format!("/api/v1/apps/{expenses}/users"),
            json!({"id": uid, "scope": "USER"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{au}");
    assert_eq!(au["scope"], "USER");
    assert_eq!(au["credentials"]["userName"], "admin@example.com");
    let (status, _, _) = org
        .get(&format!("/api/v1/apps/{expenses}/users/{uid}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _) = org
        .call(
            Method::DELETE,
            &format!("/api/v1/apps/{expenses}/users/{uid}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let sales = group_id(&org, "Sales").await;
    let (status, _, body) = org
        .call(
            Method::PUT,
            &format!("/api/v1/apps/{expenses}/groups/{sales}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["id"], sales.as_str());
    let (_, _, groups) = org.get(&format!("/api/v1/apps/{expenses}/groups")).await;
    assert_eq!(ids(groups.as_array().unwrap()), vec![sales.clone()]);
    let (_, _, body) = org.get(&format!("/api/v1/groups/{sales}/apps")).await;
    assert!(body
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["id"] == expenses.as_str()));
    let (status, _, _) = org
        .call(
            Method::DELETE,
            &format!("/api/v1/apps/{expenses}/groups/{sales}"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, body) = org
        .get(&format!("/api/v1/apps/{expenses}/groups/{sales}"))
        .await;
    assert_error(status, &body, 404, "E0000007");
}

#[tokio::test]
async fn system_log_records_writes_and_polls_forever() {
    let org = Org::default().await;
    let since = "2000-01-01T00:00:00.000Z";
    let (status, _, body) = org.get(&format!("/api/v1/logs?since={since}")).await;
    assert_error(status, &body, 400, "E0000053");

    // Start polling from now: nothing yet, but a next link.
    let (_, _, latest) = org.get("/api/v1/logs?sortOrder=DESCENDING&limit=1").await;
    let start = latest[0]["published"].as_str().unwrap().to_string();
    let (_, headers, seeded) = org
        .get(&format!("/api/v1/logs?since={start}&limit=1000"))
        .await;
    let mut next = link(&headers, "next").expect("a poll always has next");
    assert!(!next.contains("since="), "after replaces since");
    let (_, headers, body) = org.get(&next).await;
    assert_eq!(body, json!([]), "{seeded}");
    next = link(&headers, "next").expect("even an empty poll page has next");

    let body = json!({"profile": {"firstName": "Log", "lastName": "Me", "email": "log.me@example.com", "login": "log.me@example.com"}});
    let (_, _, user) = org.post("/api/v1/users?activate=false", body).await;
    let uid = user["id"].as_str().unwrap();
    org.call(Method::DELETE, &format!("/api/v1/users/{uid}"), None)
        .await;
    let (_, headers, events) = org.get(&next).await;
    let types: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["eventType"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        vec!["user.lifecycle.create", "user.lifecycle.deactivate"]
    );
    assert_eq!(events[0]["target"][0]["id"], uid);
    assert_eq!(events[0]["actor"]["alternateId"], "admin@example.com");
    assert!(events[0]["uuid"].is_string() && events[0]["published"].is_string());
    let (_, headers, body) = org.get(&link(&headers, "next").unwrap()).await;
    assert_eq!(body, json!([]));
    assert!(link(&headers, "next").is_some());

    // filter and q
    let (_, _, body) = org.get(&format!("/api/v1/logs?filter=eventType+eq+%22user.lifecycle.create%22+and+target.id+eq+%22{uid}%22")).await;
    assert_eq!(body.as_array().unwrap().len(), 1);
    let (_, _, body) = org.get("/api/v1/logs?q=log.me%40example.com").await;
    assert_eq!(body.as_array().unwrap().len(), 2);
    for bad in [
        "published+gt+%222020-01-01T00:00:00.000Z%22",
        "eventType+eq",
        "debugContext.debugData.url+co+%22x%22",
    ] {
        let (status, _, body) = org.get(&format!("/api/v1/logs?filter={bad}")).await;
        assert_error(status, &body, 400, "E0000053");
    }
}

#[tokio::test]
async fn bounded_log_queries_end_and_sort() {
    let org = Org::default().await;
    let until = "2099-01-01T00:00:00.000Z";
    let (_, _, first) = org.get("/api/v1/logs?limit=1").await;
    let since = first[0]["published"].as_str().unwrap();
    let (events, pages) = org
        .all_pages(&format!(
            "/api/v1/logs?since={since}&until={until}&limit=100"
        ))
        .await;
    assert!(pages > 3, "seeded events span several pages");
    let uuids: HashSet<&str> = events.iter().map(|e| e["uuid"].as_str().unwrap()).collect();
    assert_eq!(uuids.len(), events.len(), "no duplicates");
    let times: Vec<&str> = events
        .iter()
        .map(|e| e["published"].as_str().unwrap())
        .collect();
    assert!(
        times.windows(2).all(|w| w[0] <= w[1]),
        "ascending by published"
    );

    let (desc, _) = org
        .all_pages(&format!(
            "/api/v1/logs?since={since}&until={until}&limit=250&sortOrder=DESCENDING"
        ))
        .await;
    assert_eq!(desc.len(), events.len());
    let mut rev = events.clone();
    rev.reverse();
    assert_eq!(
        desc.iter().map(|e| &e["uuid"]).collect::<Vec<_>>(),
        rev.iter().map(|e| &e["uuid"]).collect::<Vec<_>>()
    );
    let (status, _, body) = org.get("/api/v1/logs?sortOrder=sideways").await;
    assert_error(status, &body, 400, "E0000053");
}

/// A custom SAML 2.0 or SWA app is created without a `name`: Okta generates a unique key, and an
/// update need not send it back.
#[tokio::test]
async fn custom_saml_and_swa_apps_get_a_generated_name() {
    let org = Org::default().await;
    let saml = json!({"label": "Expenses Portal", "signOnMode": "SAML_2_0"});
    let (status, _, first) = org.post("/api/v1/apps", saml.clone()).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!(first["name"], "demo_expensesportal_1");
    let swa = json!({"label": "Expenses Portal", "signOnMode": "AUTO_LOGIN"});
    let (_, _, second) = org.post("/api/v1/apps", swa).await;
    assert_eq!(second["name"], "demo_expensesportal_2", "unique");
    let id = first["id"].as_str().unwrap();
    let renamed = json!({"label": "Expenses", "signOnMode": "SAML_2_0"});
    let (status, _, updated) = org
        .call(Method::PUT, &format!("/api/v1/apps/{id}"), Some(renamed))
        .await;
    assert_eq!(status, StatusCode::OK, "{updated}");
    assert_eq!(updated["name"], "demo_expensesportal_1", "the key stays");
    assert_eq!(updated["label"], "Expenses");
    let oidc = json!({"label": "Portal", "signOnMode": "OPENID_CONNECT"});
    let (status, _, body) = org.post("/api/v1/apps", oidc).await;
    assert_error(status, &body, 400, "E0000001");
}

#[tokio::test]
async fn an_oidc_app_is_given_its_client_id_and_a_secret_shown_once() {
    let org = Org::default().await;
    let (status, _, made) = org
        .post(
            "/api/v1/apps",
            json!({"name": "oidc_client", "label": "Client", "signOnMode": "OPENID_CONNECT",
                "settings": {"oauthClient": {"redirect_uris": ["https://example.com/cb"],
                    "response_types": ["code"], "grant_types": ["authorization_code"],
                    "application_type": "web"}}}),
        )
        .await;
    assert_eq!(status.as_u16(), 200, "{made}");
    let client = &made["credentials"]["oauthClient"];
    assert_eq!(client["client_id"], made["id"], "the app's id: {made}");
    assert_eq!(client["token_endpoint_auth_method"], "client_secret_basic");
    assert!(
        client["client_secret"]
            .as_str()
            .is_some_and(|s| s.len() >= 14),
        "{made}"
    );
    let id = made["id"].as_str().unwrap();
    let (_, _, got) = org.get(&format!("/api/v1/apps/{id}")).await;
    assert_eq!(got["credentials"]["oauthClient"]["client_id"], made["id"]);
    assert!(
        got["credentials"]["oauthClient"]
            .get("client_secret")
            .is_none(),
        "shown only when made: {got}"
    );

    // A public client (no secret) and a given client_id are left as sent.
    let (_, _, public) = org
        .post(
            "/api/v1/apps",
            json!({"name": "oidc_client", "label": "Public", "signOnMode": "OPENID_CONNECT",
                "credentials": {"oauthClient": {"client_id": "my-spa-client",
                    "token_endpoint_auth_method": "none"}}}),
        )
        .await;
    let client = &public["credentials"]["oauthClient"];
    assert_eq!(client["client_id"], "my-spa-client");
    assert!(client.get("client_secret").is_none(), "{public}");
}
