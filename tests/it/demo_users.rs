//! The demo org's Users API over real HTTP: paging, q, filter, search, get, create, update,
//! lifecycle and two-step delete.

use std::collections::HashSet;

use crate::common::org::*;
use oktash_demo::DemoOptions;
use reqwest::header::LINK;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn paging_reaches_every_user_once_and_hides_deprovisioned() {
    let org = Org::default().await;
    let (small, pages) = org.all_pages("/api/v1/users?limit=7").await;
    let small_ids = ids(&small);
    let unique: HashSet<_> = small_ids.iter().collect();
    assert_eq!(unique.len(), small_ids.len(), "no duplicates across pages");
    assert!(pages > 30);
    assert!(small.iter().all(|u| u["status"] != "DEPROVISIONED"));

    let (big, pages) = org.all_pages("/api/v1/users").await;
    assert_eq!(
        pages, 2,
        "300 users minus deprovisioned need two pages of 200"
    );
    assert_eq!(
        ids(&big),
        small_ids,
        "the same users in the same order whatever the page size"
    );

    let (gone, _) = org
        .all_pages("/api/v1/users?filter=status+eq+%22DEPROVISIONED%22&limit=5")
        .await;
    assert!(!gone.is_empty());
    assert!(gone.iter().all(|u| u["status"] == "DEPROVISIONED"));
    assert_eq!(small.len() + gone.len(), 300, "no user is missing");
}

#[tokio::test]
async fn links_are_absolute_one_header_per_relation_and_end() {
    let org = Org::default().await;
    let (_, headers, body) = org.get("/api/v1/users?limit=100").await;
    assert_eq!(body.as_array().map(Vec::len), Some(100));
    assert_eq!(headers.get_all(LINK).iter().count(), 2);
    let this = link(&headers, "self").expect("self link");
    assert_eq!(
        this,
        format!("{}/api/v1/users?limit=100", org.demo.base_url)
    );
    let next = link(&headers, "next").expect("next link");
    assert!(next.starts_with(&format!("{}/api/v1/users?", org.demo.base_url)));
    assert!(next.contains("after="));

    // The default limit is repeated in `self`; the last page has no `next`.
    let (_, headers, _) = org.get("/api/v1/users").await;
    assert_eq!(
        link(&headers, "self").as_deref(),
        Some(format!("{}/api/v1/users?limit=200", org.demo.base_url).as_str())
    );
    let (_, headers, _) = org.get(&link(&headers, "next").expect("next")).await;
    assert_eq!(headers.get_all(LINK).iter().count(), 1);
    assert!(link(&headers, "next").is_none());

    // A huge limit is capped at 200.
    let (status, _, body) = org.get("/api/v1/users?limit=99999999999999999999999").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body.as_array().map(Vec::len), Some(200));
}

#[tokio::test]
async fn q_matches_prefixes_and_never_pages() {
    let org = Org::default().await;
    let (_, headers, body) = org.get("/api/v1/users?q=a").await;
    let hits = body.as_array().expect("array");
    assert_eq!(hits.len(), 10, "q defaults to 10 results");
    assert!(link(&headers, "next").is_none(), "q never pages");
    for u in hits {
        let p = &u["profile"];
        let starts = ["firstName", "lastName", "email", "login"].iter().any(|f| {
            p[f].as_str()
                .is_some_and(|s| s.to_lowercase().starts_with('a'))
        });
        assert!(starts, "{u}");
        assert_ne!(u["status"], "DEPROVISIONED");
    }
    let (_, headers, body) = org.get("/api/v1/users?q=a&limit=5").await;
    assert_eq!(body.as_array().map(Vec::len), Some(5));
    assert!(link(&headers, "next").is_none());
    let (_, _, body) = org.get("/api/v1/users?q=zzzzzz").await;
    assert_eq!(body, json!([]));
}

#[tokio::test]
async fn search_expressions_select_and_sort() {
    let org = Org::default().await;
    let q = "/api/v1/users?search=profile.department+eq+%22engineering%22+and+(status+eq+%22ACTIVE%22+or+status+eq+%22suspended%22)";
    let (hits, _) = org.all_pages(q).await;
    assert!(!hits.is_empty());
    for u in &hits {
        assert_eq!(u["profile"]["department"], "Engineering");
        assert!(u["status"] == "ACTIVE" || u["status"] == "SUSPENDED");
    }
    // Search includes DEPROVISIONED users.
    let (status, _, body) = org
        .get("/api/v1/users?search=status+eq+%22DEPROVISIONED%22")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.as_array().expect("array").is_empty());

    // sw, co, pr, gt, not
    let (_, _, body) = org
        .get("/api/v1/users?search=profile.lastName+sw+%22Le%22")
        .await;
    assert!(body
        .as_array()
        .expect("array")
        .iter()
        .all(|u| u["profile"]["lastName"].as_str().unwrap().starts_with("Le")));
    let (_, _, body) = org
        .get("/api/v1/users?search=profile.email+co+%22.lee%22")
        .await;
    assert!(body
        .as_array()
        .expect("array")
        .iter()
        .all(|u| u["profile"]["email"].as_str().unwrap().contains(".lee")));
    let (_, _, body) = org
        .get("/api/v1/users?search=lastLogin+pr+and+created+gt+%222024-01-01T00:00:00.000Z%22")
        .await;
    for u in body.as_array().expect("array") {
        assert!(u["lastLogin"].is_string());
        assert!(u["created"].as_str().unwrap() > "2024-01-01");
    }
    let (_, _, body) = org
        .get("/api/v1/users?search=not+(status+eq+%22ACTIVE%22)")
        .await;
    assert!(body
        .as_array()
        .expect("array")
        .iter()
        .all(|u| u["status"] != "ACTIVE"));

    // sortBy/sortOrder, paged with a cursor, ties broken by id.
    let (sorted, pages) = org
        .all_pages("/api/v1/users?search=status+eq+%22ACTIVE%22&sortBy=profile.lastName&sortOrder=desc&limit=40")
        .await;
    assert!(pages > 1);
    let names: Vec<String> = sorted
        .iter()
        .map(|u| u["profile"]["lastName"].as_str().unwrap().to_lowercase())
        .collect();
    let mut want = names.clone();
    want.sort();
    want.reverse();
    assert_eq!(names, want);
    assert_eq!(
        ids(&sorted).into_iter().collect::<HashSet<_>>().len(),
        sorted.len()
    );

    // What Okta refuses: `ne`, `co` outside the name properties, malformed text.
    for bad in [
        "status+ne+%22ACTIVE%22",
        "profile.department+co+%22eng%22",
        "status+eq",
        "(status+eq+%22ACTIVE%22",
        "%22%22",
    ] {
        let (status, _, body) = org.get(&format!("/api/v1/users?search={bad}")).await;
        assert_error(status, &body, 400, "E0000031");
    }
}

#[tokio::test]
async fn filter_allows_okta_subset() {
    let org = Org::default().await;
    let (_, _, body) = org
        .get("/api/v1/users?filter=profile.login+eq+%22admin%40example.com%22")
        .await;
    assert_eq!(body.as_array().map(Vec::len), Some(1));
    // Filter values are case-sensitive.
    let (_, _, body) = org.get("/api/v1/users?filter=status+eq+%22active%22").await;
    assert_eq!(body, json!([]));
    let (_, _, body) = org
        .get("/api/v1/users?filter=lastUpdated+gt+%222024-06-01T00:00:00.000Z%22+and+(status+eq+%22LOCKED_OUT%22+or+status+eq+%22RECOVERY%22)")
        .await;
    for u in body.as_array().expect("array") {
        assert!(u["status"] == "LOCKED_OUT" || u["status"] == "RECOVERY");
        assert!(u["lastUpdated"].as_str().unwrap() > "2024-06-01");
    }
    for bad in [
        "profile.department+eq+%22Sales%22",
        "status+sw+%22A%22",
        "not+(status+eq+%22ACTIVE%22)",
    ] {
        let (status, _, body) = org.get(&format!("/api/v1/users?filter={bad}")).await;
        assert_error(status, &body, 400, "E0000031");
    }
}

#[tokio::test]
async fn get_by_id_login_shortname_and_me() {
    let org = Org::default().await;
    let (status, headers, me) = org.get("/api/v1/users/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["status"], "ACTIVE");
    assert_eq!(me["profile"]["login"], "admin@example.com");
    assert!(headers.get("etag").is_some());
    assert_eq!(me["_links"]["suspend"]["method"], "POST");
    let id = me["id"].as_str().unwrap();
    assert_eq!(id.len(), 20);
    assert!(id.starts_with("00u"));

    let (_, _, by_id) = org.get(&format!("/api/v1/users/{id}")).await;
    let (_, _, by_login) = org.get("/api/v1/users/ADMIN%40example.com").await;
    let (_, _, by_short) = org.get("/api/v1/users/admin").await;
    assert_eq!(by_id["id"], me["id"]);
    assert_eq!(by_login["id"], me["id"]);
    assert_eq!(by_short["id"], me["id"]);

    let (status, _, body) = org.get("/api/v1/users/nobody%40example.com").await;
    assert_error(status, &body, 404, "E0000007");
    assert_eq!(
        body["errorSummary"],
        "Not found: Resource not found: nobody@example.com (User)"
    );
}

#[tokio::test]
async fn create_gives_okta_statuses_and_validates() {
    let org = Org::default().await;
    let profile = |login: &str| json!({"firstName": "Isaac", "lastName": "Brock", "email": login, "login": login});

    let (status, _, staged) = org
        .post(
            "/api/v1/users?activate=false",
            json!({"profile": profile("isaac.staged@example.com")}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "create answers 200");
    assert_eq!(staged["status"], "STAGED");
    assert!(staged["activated"].is_null());
    assert!(staged["_links"]["activate"]["href"]
        .as_str()
        .unwrap()
        .ends_with("/lifecycle/activate"));

    let (_, _, provisioned) = org
        .post(
            "/api/v1/users",
            json!({"profile": profile("isaac.prov@example.com")}),
        )
        .await;
    assert_eq!(provisioned["status"], "PROVISIONED");

    let with_password = json!({"profile": profile("isaac.pw@example.com"), "credentials": {"password": {"value": "tlpWENT2m"}}});
    let (_, _, active) = org.post("/api/v1/users?activate=true", with_password).await;
    assert_eq!(active["status"], "ACTIVE");
    assert_eq!(
        active["credentials"]["password"],
        json!({}),
        "the password is never returned"
    );

    let expired = json!({"profile": profile("isaac.exp@example.com"), "credentials": {"password": {"value": "tlpWENT2m"}}});
    let (_, _, body) = org
        .post(
            "/api/v1/users?activate=true&nextLogin=changePassword",
            expired.clone(),
        )
        .await;
    assert_eq!(body["status"], "PASSWORD_EXPIRED");
    let (status, _, body) = org
        .post(
            "/api/v1/users?activate=false&nextLogin=changePassword",
            expired,
        )
        .await;
    assert_error(status, &body, 400, "E0000125");

    // Duplicate login, case-insensitively.
    let (status, _, body) = org
        .post(
            "/api/v1/users",
            json!({"profile": profile("ISAAC.PW@example.com")}),
        )
        .await;
    assert_error(status, &body, 400, "E0000001");
    assert_eq!(body["errorSummary"], "Api validation failed: login");
    assert!(body["errorCauses"][0]["errorSummary"]
        .as_str()
        .unwrap()
        .contains("already exists"));

    // Missing fields and a non-email login.
    let (status, _, body) = org
        .post(
            "/api/v1/users",
            json!({"profile": {"login": "not-an-email"}}),
        )
        .await;
    assert_error(status, &body, 400, "E0000001");
    assert!(body["errorCauses"].as_array().unwrap().len() >= 3);

    // Groups at creation, and too many of them.
    let (_, _, groups) = org.get("/api/v1/groups?q=Contractors").await;
    let gid = groups[0]["id"].as_str().unwrap().to_string();
    let body = json!({"profile": profile("isaac.grp@example.com"), "groupIds": [gid]});
    let (_, _, user) = org.post("/api/v1/users?activate=false", body).await;
    let (_, _, theirs) = org
        .get(&format!(
            "/api/v1/users/{}/groups",
            user["id"].as_str().unwrap()
        ))
        .await;
    let names: Vec<&str> = theirs
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["profile"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Everyone", "Contractors"]);
    let many: Vec<String> = (0..21).map(|_| gid.clone()).collect();
    let (status, _, body) = org
        .post(
            "/api/v1/users",
            json!({"profile": profile("isaac.many@example.com"), "groupIds": many}),
        )
        .await;
    assert_error(status, &body, 400, "E0000093");

    // Malformed JSON.
    let res = org
        .http
        .post(org.url("/api/v1/users"))
        .header("Authorization", format!("SSWS {}", org.demo.token))
        .header("Content-Type", "application/json")
        .body("{\"profile\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.headers()["content-type"], "application/json");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["errorCode"], "E0000003");
}

#[tokio::test]
async fn post_is_partial_and_put_is_full() {
    let org = Org::default().await;
    let body = json!({"profile": {"firstName": "Ann", "lastName": "Lee", "email": "ann.x@example.com", "login": "ann.x@example.com", "title": "Engineer", "city": "Oslo"}});
    let (_, _, user) = org.post("/api/v1/users?activate=false", body).await;
    let path = format!("/api/v1/users/{}", user["id"].as_str().unwrap());

    let (status, headers, updated) = org
        .post(&path, json!({"profile": {"title": "Staff Engineer"}}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(updated["profile"]["title"], "Staff Engineer");
    assert_eq!(
        updated["profile"]["city"], "Oslo",
        "POST keeps what it was not sent"
    );
    let etag = headers["etag"].to_str().unwrap().to_string();

    let full = json!({"profile": {"firstName": "Ann", "lastName": "Lee-Smith", "email": "ann.x@example.com", "login": "ann.x@example.com"}});
    let (status, _, replaced) = org.call(Method::PUT, &path, Some(full.clone())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(replaced["profile"]["lastName"], "Lee-Smith");
    assert!(
        replaced["profile"].get("city").is_none(),
        "PUT drops what it was not sent"
    );

    // The old ETag no longer matches.
    let res = org
        .http
        .put(org.url(&path))
        .header("Authorization", format!("SSWS {}", org.demo.token))
        .header("If-Match", etag)
        .json(&full)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 412);

    let (status, _, body) = org
        .call(
            Method::PUT,
            &path,
            Some(json!({"profile": {"firstName": "Ann"}})),
        )
        .await;
    assert_error(status, &body, 400, "E0000001");
}

async fn new_user(org: &Org, login: &str, password: bool) -> String {
    let mut body = json!({"profile": {"firstName": "Test", "lastName": "User", "email": login, "login": login}});
    if password {
        body["credentials"] = json!({"password": {"value": "Sup3rSecret!"}});
    }
    let (status, _, user) = org.post("/api/v1/users?activate=false", body).await;
    assert_eq!(status, StatusCode::OK, "{user}");
    user["id"].as_str().unwrap().to_string()
}

async fn status_of(org: &Org, id: &str) -> String {
    org.get(&format!("/api/v1/users/{id}")).await.2["status"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn lifecycle_follows_okta_status_rules() {
    let org = Org::default().await;
    let id = new_user(&org, "life.cycle@example.com", true).await;
    let op = |name: &str| format!("/api/v1/users/{id}/lifecycle/{name}");

    // STAGED: only activation makes sense.
    let (status, _, body) = org.post_empty(&op("suspend")).await;
    assert_error(status, &body, 400, "E0000001");
    let (status, _, body) = org.post_empty(&op("unlock")).await;
    assert_error(status, &body, 403, "E0000038");

    let (status, _, body) = org
        .post_empty(&format!("{}?sendEmail=false", op("activate")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["activationToken"].is_string() && body["activationUrl"].is_string());
    assert_eq!(status_of(&org, &id).await, "ACTIVE");
    let (status, _, body) = org.post_empty(&op("activate")).await;
    assert_error(status, &body, 403, "E0000016");

    let (status, _, body) = org.post_empty(&op("suspend")).await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    let (_, _, user) = org.get(&format!("/api/v1/users/{id}")).await;
    assert_eq!(user["status"], "SUSPENDED");
    assert!(user["_links"]["unsuspend"].is_object() && user["_links"].get("suspend").is_none());
    let (status, _, body) = org.post_empty(&op("suspend")).await;
    assert_error(status, &body, 400, "E0000001");
    org.post_empty(&op("unsuspend")).await;
    assert_eq!(status_of(&org, &id).await, "ACTIVE");

    let (status, _, body) = org.post_empty(&op("reset_password")).await;
    assert_error(status, &body, 400, "E0000028");
    let (status, _, body) = org
        .post_empty(&format!("{}?sendEmail=false", op("reset_password")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["resetPasswordUrl"]
        .as_str()
        .unwrap()
        .contains("/reset_password/"));
    assert_eq!(status_of(&org, &id).await, "RECOVERY");

    let (_, _, body) = org.post_empty(&op("expire_password")).await;
    assert_eq!(body["status"], "PASSWORD_EXPIRED");
    let (_, _, body) = org
        .post_empty(&op("expire_password_with_temp_password"))
        .await;
    assert!(body["tempPassword"].is_string());

    let (status, _, body) = org.post_empty(&op("deactivate")).await;
    assert_eq!((status, body), (StatusCode::OK, json!({})));
    assert_eq!(status_of(&org, &id).await, "DEPROVISIONED");
    let (status, _, body) = org.post_empty(&op("deactivate")).await;
    assert_error(status, &body, 403, "E0000038");

    // A user without a password activates to PROVISIONED and can be reactivated.
    let id2 = new_user(&org, "no.password@example.com", false).await;
    org.post_empty(&format!("/api/v1/users/{id2}/lifecycle/activate"))
        .await;
    assert_eq!(status_of(&org, &id2).await, "PROVISIONED");
    let (status, _, _) = org
        .post_empty(&format!(
            "/api/v1/users/{id2}/lifecycle/reactivate?sendEmail=false"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);

    // Locked-out seeded users unlock to ACTIVE.
    let (_, _, locked) = org
        .get("/api/v1/users?filter=status+eq+%22LOCKED_OUT%22&limit=1")
        .await;
    let lid = locked[0]["id"].as_str().unwrap().to_string();
    let (status, _, _) = org
        .post_empty(&format!("/api/v1/users/{lid}/lifecycle/unlock"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(status_of(&org, &lid).await, "ACTIVE");

    let (status, _, body) = org.get(&op("activate")).await;
    assert_error(status, &body, 405, "E0000022");
}

#[tokio::test]
async fn delete_takes_two_steps() {
    let org = Org::default().await;
    let id = new_user(&org, "two.step@example.com", true).await;
    org.post_empty(&format!("/api/v1/users/{id}/lifecycle/activate"))
        .await;
    let path = format!("/api/v1/users/{id}");

    let (status, _, _) = org.call(Method::DELETE, &path, None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        status_of(&org, &id).await,
        "DEPROVISIONED",
        "the first DELETE only deactivates"
    );
    let (plain, _) = org.all_pages("/api/v1/users").await;
    assert!(
        !ids(&plain).contains(&id),
        "the plain list hides DEPROVISIONED users"
    );

    org.delete_and_find_gone(&path).await;
    let (status, _, body) = org.get("/api/v1/users/two.step%40example.com").await;
    assert_error(status, &body, 404, "E0000007");
    let (status, _, body) = org.call(Method::DELETE, &path, None).await;
    assert_error(status, &body, 404, "E0000007");

    // The login is free again.
    new_user(&org, "two.step@example.com", false).await;
}

#[tokio::test]
async fn seeding_is_deterministic_for_a_seed() {
    let a = Org::start(DemoOptions {
        users: 120,
        seed: 42,
        ..DemoOptions::default()
    })
    .await;
    let b = Org::start(DemoOptions {
        users: 120,
        seed: 42,
        ..DemoOptions::default()
    })
    .await;
    let c = Org::start(DemoOptions {
        users: 120,
        seed: 43,
        ..DemoOptions::default()
    })
    .await;
    let (ua, _) = a.all_pages("/api/v1/users?search=id+pr").await;
    let (ub, _) = b.all_pages("/api/v1/users?search=id+pr").await;
    let (uc, _) = c.all_pages("/api/v1/users?search=id+pr").await;
    assert_eq!(ua.len(), 120);
    let strip = |v: &[Value]| -> Vec<Value> {
        v.iter()
            .map(|u| {
                let mut u = u.clone();
                u.as_object_mut().unwrap().remove("_links");
                u
            })
            .collect()
    };
    assert!(
        strip(&ua) == strip(&ub),
        "the same seed gives the same users"
    );
    assert_ne!(ids(&ua), ids(&uc));
    let statuses: HashSet<&str> = ua.iter().map(|u| u["status"].as_str().unwrap()).collect();
    for s in [
        "STAGED",
        "PROVISIONED",
        "ACTIVE",
        "SUSPENDED",
        "LOCKED_OUT",
        "PASSWORD_EXPIRED",
        "DEPROVISIONED",
    ] {
        assert!(statuses.contains(s), "seeded statuses include {s}");
    }
}

#[tokio::test]
async fn credential_operations_check_what_the_user_knows() {
    let org = Org::default().await;
    let body = json!({
        "profile": {"firstName": "Isaac", "lastName": "Brock", "email": "isaac@example.org", "login": "isaac@example.org"},
        "credentials": {
            "password": {"value": "Sup3rSecret!"},
            "recovery_question": {"question": "Who?", "answer": "Annie Oakley"}
        }
    });
    let (status, _, user) = org.post("/api/v1/users?activate=true", body).await;
    assert_eq!(status, StatusCode::OK, "{user}");
    let id = user["id"].as_str().unwrap().to_string();
    let creds = |op: &str| format!("/api/v1/users/{id}/credentials/{op}");

    let change = |old: &str, new: &str| json!({"oldPassword": {"value": old}, "newPassword": {"value": new}});
    let (status, _, body) = org
        .post(&creds("change_password"), change("wrong", "Another1Pass"))
        .await;
    assert_error(status, &body, 403, "E0000014");
    let (status, _, body) = org
        .post(&creds("change_password"), change("Sup3rSecret!", "short"))
        .await;
    assert_error(status, &body, 403, "E0000014");
    let (status, _, body) = org
        .post(
            &creds("change_password"),
            change("Sup3rSecret!", "Another1Pass"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["password"], json!({}), "values are never returned");
    assert_eq!(body["recovery_question"]["question"], "Who?");

    let question = |pw: &str| json!({"password": {"value": pw}, "recovery_question": {"question": "Why?", "answer": "Because"}});
    let (status, _, body) = org
        .post(&creds("change_recovery_question"), question("Sup3rSecret!"))
        .await;
    assert_error(status, &body, 403, "E0000014");
    let (status, _, body) = org
        .post(&creds("change_recovery_question"), question("Another1Pass"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["recovery_question"]["question"], "Why?");

    // The older forgot_password form with an answer, as Okta's 2017 recordings show it.
    let forgot = |answer: &str| json!({"password": {"value": "Third3Pass"}, "recovery_question": {"answer": answer}});
    let (status, _, body) = org
        .post(&creds("forgot_password"), forgot("Annie Oakley"))
        .await;
    assert_error(status, &body, 403, "E0000087");
    let (status, _, body) = org.post(&creds("forgot_password"), forgot("because")).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let (status, _, body) = org
        .post_empty(&format!("{}?sendEmail=false", creds("forgot_password")))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["resetPasswordUrl"]
        .as_str()
        .unwrap()
        .contains("/reset-password/"));
    assert_eq!(status_of(&org, &id).await, "ACTIVE", "status unchanged");

    // A STAGED user cannot start a forgot-password flow; a seeded user's password is unknown.
    let staged = new_user(&org, "staged@example.org", true).await;
    let (status, _, body) = org
        .post_empty(&format!(
            "/api/v1/users/{staged}/credentials/forgot_password"
        ))
        .await;
    assert_error(status, &body, 403, "E0000038");
    let (_, _, me) = org.get("/api/v1/users/me").await;
    let (status, _, body) = org
        .post(
            &format!(
                "/api/v1/users/{}/credentials/change_password",
                me["id"].as_str().unwrap()
            ),
            change("guess", "Another1Pass"),
        )
        .await;
    assert_error(status, &body, 403, "E0000014");
}

#[tokio::test]
async fn app_links_sessions_and_reset_factors() {
    let org = Org::default().await;
    let (_, _, users) = org.get("/api/v1/users?limit=1").await;
    let id = users[0]["id"].as_str().unwrap().to_string();
    // Every user is in Everyone, and the seeded org assigns apps to it.
    let (status, _, links) = org.get(&format!("/api/v1/users/{id}/appLinks")).await;
    assert_eq!(status, StatusCode::OK, "{links}");
    let links = links.as_array().unwrap();
    assert!(!links.is_empty());
    for (i, l) in links.iter().enumerate() {
        assert!(l["appInstanceId"].as_str().unwrap().starts_with("0oa"));
        assert_eq!(l["sortOrder"], i);
        assert!(l["linkUrl"].as_str().unwrap().contains("/home/"));
    }
    let (status, _, body) = org
        .call(
            Method::DELETE,
            &format!("/api/v1/users/{id}/sessions"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    let (status, _, body) = org
        .call(
            Method::DELETE,
            "/api/v1/users/00unknown0000000000/sessions",
            None,
        )
        .await;
    assert_error(status, &body, 404, "E0000007");
    let (status, _, body) = org
        .post_empty(&format!("/api/v1/users/{id}/lifecycle/reset_factors"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let gone = new_user(&org, "gone@example.org", false).await;
    org.call(Method::DELETE, &format!("/api/v1/users/{gone}"), None)
        .await;
    let (status, _, body) = org
        .post_empty(&format!("/api/v1/users/{gone}/lifecycle/reset_factors"))
        .await;
    assert_error(status, &body, 403, "E0000038");
}

#[tokio::test]
async fn a_put_of_credentials_alone_keeps_the_profile() {
    // The spec's replaceUser "replaces a user's profile, credentials, or both": Okta's Postman
    // "Set Password" sends only `credentials`.
    let org = Org::default().await;
    let (_, _, made) = org
        .post(
            "/api/v1/users?activate=true",
            json!({"profile": {"firstName": "Cred", "lastName": "Only", "email": "cred.only@example.com",
                "login": "cred.only@example.com", "title": "Tester"},
                "credentials": {"password": {"value": "Tr0ub4dor-First-1"}}}),
        )
        .await;
    let id = made["id"].as_str().unwrap();
    assert_eq!(made["status"], "ACTIVE");
    assert!(made["credentials"].get("recovery_question").is_none());
    let (status, _, put) = org
        .call(
            Method::PUT,
            &format!("/api/v1/users/{id}"),
            Some(
                json!({"credentials": {"password": {"value": "Tr0ub4dor-Cred-3"},
                "recovery_question": {"question": "Who?", "answer": "Annie Oakley"}}}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{put}");
    assert_eq!(put["profile"], made["profile"], "the profile is untouched");
    assert_eq!(put["credentials"]["password"], json!({}));
    assert_eq!(put["credentials"]["recovery_question"]["question"], "Who?");
    let (status, _, _) = org
        .post(
            &format!("/api/v1/users/{id}/credentials/change_password"),
            json!({"oldPassword": {"value": "Tr0ub4dor-Cred-3"}, "newPassword": {"value": "uTVM,TPw55"}}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the password set by PUT is the one checked"
    );

    // Neither a profile nor credentials: a PUT replaces nothing, and is refused.
    let (status, _, body) = org
        .call(Method::PUT, &format!("/api/v1/users/{id}"), Some(json!({})))
        .await;
    assert_error(status, &body, 400, "E0000001");
}

/// The demo's lifecycle completes before it answers, so no user is ever transitioning: Okta
/// returns `transitioningToStatus` "only if the user's state is transitioning" (the spec's
/// User), and the answer carries the status the next GET shows, with the links of that status.
#[test]
fn a_script_chains_create_activate_and_get_on_settled_statuses() {
    let home = crate::common::Home::new();
    let (ok, stdout, stderr) = home.run_demo(concat!(
        r#"post users?activate=false {"profile": {"firstName": "Chain", "lastName": "Staged", "#,
        r#""email": "chain.staged@example.com", "login": "chain.staged@example.com"}, "#,
        r#""credentials": {"password": {"value": "Tr0ub4dor-Chain-3"}}}; "#,
        "follow activate sendEmail=false; get $1.id; ",
        r#"post users {"profile": {"firstName": "Chain", "lastName": "Active", "#,
        r#""email": "chain.active@example.com", "login": "chain.active@example.com"}, "#,
        r#""credentials": {"password": {"value": "Tr0ub4dor-Chain-3"}}}; get $4.id"#,
    ));
    assert!(ok, "{stderr}");
    let docs = crate::common::documents(&stdout);
    let [staged, activation, got, active, active_got] = &docs[..] else {
        panic!("five answers: {stdout}");
    };
    assert_eq!(staged["status"], "STAGED");
    assert!(staged["_links"]["activate"]["href"].is_string(), "{staged}");
    assert!(activation["activationToken"].is_string(), "{activation}");
    assert_eq!(got["status"], "ACTIVE");
    assert!(got["_links"].get("activate").is_none(), "{got}");
    // `?activate=true` (the default): Okta may answer STAGED + transitioningToStatus ACTIVE
    // while it works; the demo has finished, so it answers ACTIVE, as its GET does.
    assert_eq!(active["status"], "ACTIVE");
    assert!(active["_links"].get("activate").is_none(), "{active}");
    for user in [staged, got, active, active_got] {
        assert!(user.get("transitioningToStatus").is_none(), "{user}");
    }
    assert_eq!(active_got["status"], "ACTIVE");
    assert!(
        stderr.contains("STAGED → ACTIVE"),
        "the shell shows the change: {stderr}"
    );
}

/// With `--transition-ms`, activation and deactivation take time as Okta's asynchronous ones
/// do: meanwhile the user keeps its status, shows `transitioningToStatus`, is offered no other
/// lifecycle change and refuses one; afterwards the field is gone and the change is done.
#[tokio::test]
async fn a_lifecycle_change_that_takes_time_shows_transitioning_to_status() {
    let org = Org::start(DemoOptions {
        // Long enough that the requests meant to see a change under way do, on a loaded machine.
        transition: std::time::Duration::from_millis(2000),
        ..DemoOptions::default()
    })
    .await;
    let (status, _, user) = org
        .post(
            "/api/v1/users?activate=false",
            json!({"profile": {"firstName": "Tia", "lastName": "Ray", "email": "tia@example.com",
                "login": "tia@example.com"}, "credentials": {"password": {"value": "Tr4nsition!ng"}}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{user}");
    let path = format!("/api/v1/users/{}", user["id"].as_str().unwrap());
    assert!(user.get("transitioningToStatus").is_none(), "{user}");

    let (status, _, body) = org
        .post_empty(&format!("{path}/lifecycle/activate?sendEmail=false"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["activationToken"].is_string(), "{body}");
    let (_, _, during) = org.get(&path).await;
    assert_eq!(during["status"], "STAGED", "{during}");
    assert_eq!(during["transitioningToStatus"], "ACTIVE", "{during}");
    assert_eq!(
        during["_links"].as_object().unwrap().len(),
        1,
        "only self: {during}"
    );
    let (status, _, refused) = org
        .post_empty(&format!("{path}/lifecycle/deactivate"))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{refused}");

    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    let (_, _, after) = org.get(&path).await;
    assert_eq!(after["status"], "ACTIVE", "{after}");
    assert!(after.get("transitioningToStatus").is_none(), "{after}");
    assert!(after["activated"].is_string(), "{after}");

    let (status, _, _) = org
        .post_empty(&format!("{path}/lifecycle/deactivate"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, during) = org.get(&path).await;
    assert_eq!(
        (&during["status"], &during["transitioningToStatus"]),
        (&json!("ACTIVE"), &json!("DEPROVISIONED"))
    );
    // `Content-Type: application/json; okta-response=…` leaves out what it names.
    let trimmed: Value = org
        .http
        .get(org.url(&path))
        .header("Authorization", format!("SSWS {}", org.demo.token))
        .header(
            "Content-Type",
            r#"application/json; okta-response="omitCredentials, omitTransitioningToStatus""#,
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(trimmed["status"], "ACTIVE", "{trimmed}");
    assert!(trimmed.get("transitioningToStatus").is_none(), "{trimmed}");
    assert!(trimmed.get("credentials").is_none(), "{trimmed}");
    assert!(trimmed["profile"].is_object(), "{trimmed}");
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    let (_, _, after) = org.get(&path).await;
    assert_eq!(after["status"], "DEPROVISIONED", "{after}");
    assert!(after.get("transitioningToStatus").is_none(), "{after}");

    // A create with activate=true answers while its activation is under way, as Okta's may.
    let (status, _, made) = org
        .post(
            "/api/v1/users?activate=true",
            json!({"profile": {"firstName": "Ari", "lastName": "Ray", "email": "ari@example.com",
                "login": "ari@example.com"}, "credentials": {"password": {"value": "Tr4nsition!ng"}}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{made}");
    assert_eq!(
        (&made["status"], &made["transitioningToStatus"]),
        (&json!("STAGED"), &json!("ACTIVE"))
    );
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    let (_, _, after) = org
        .get(&format!("/api/v1/users/{}", made["id"].as_str().unwrap()))
        .await;
    assert_eq!(after["status"], "ACTIVE", "{after}");
    assert!(after.get("transitioningToStatus").is_none(), "{after}");
}
