//! Group rules, modelled by hand: an Okta Expression Language condition, members assigned by
//! the rule while it is active (and taken back when an update no longer matches them), changes
//! and deletes only while inactive.

use serde_json::{json, Value};

use crate::common::org::{assert_error, ids, Org};

fn rule(name: &str, expression: &str, group: &str) -> Value {
    json!({
        "type": "group_rule",
        "name": name,
        "conditions": {"expression": {"value": expression, "type": "urn:okta:expression:1.0"}},
        "actions": {"assignUserToGroups": {"groupIds": [group]}},
    })
}

#[tokio::test]
async fn an_active_rule_assigns_the_users_its_expression_matches() {
    let org = Org::default().await;
    let (_, _, group) = org
        .post(
            "/api/v1/groups",
            json!({"profile": {"name": "Engineers by rule"}}),
        )
        .await;
    let gid = group["id"].as_str().unwrap();
    let members = format!("/api/v1/groups/{gid}/users");
    let (status, _, made) = org
        .post(
            "/api/v1/groups/rules",
            rule("Engineering", r#"user.department=="Engineering""#, gid),
        )
        .await;
    assert_eq!(status.as_u16(), 200, "{made}");
    let rid = made["id"].as_str().unwrap();
    assert!(rid.starts_with("0pr"), "{rid}");
    assert_eq!(made["status"], "INACTIVE");
    assert_eq!(
        org.all_pages(&members).await.0.len(),
        0,
        "nothing until activated"
    );

    let (status, _, _) = org
        .post_empty(&format!("/api/v1/groups/rules/{rid}/lifecycle/activate"))
        .await;
    assert_eq!(status.as_u16(), 204);
    let (assigned, _) = org.all_pages(&members).await;
    assert!(!assigned.is_empty());
    assert!(assigned
        .iter()
        .all(|u| u["profile"]["department"] == "Engineering"));
    let (engineers, _) = org
        .all_pages("/api/v1/users?search=profile.department%20eq%20%22Engineering%22")
        .await;
    let engineers: Vec<Value> = engineers
        .into_iter()
        .filter(|u| u["status"] != "DEPROVISIONED")
        .collect();
    let mut want = ids(&engineers);
    let mut got = ids(&assigned);
    want.sort();
    got.sort();
    assert_eq!(got, want, "every engineer who is not deprovisioned");

    // Active: no change, no delete.
    let (status, _, body) = org
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/groups/rules/{rid}"),
            None,
        )
        .await;
    assert_error(status, &body, 400, "E0000001");
    let (_, _, listed) = org.get("/api/v1/groups/rules").await;
    assert_eq!(listed[0]["status"], "ACTIVE");

    // An update that matches no one takes the rule's members back on the next activation.
    org.post_empty(&format!("/api/v1/groups/rules/{rid}/lifecycle/deactivate"))
        .await;
    let (status, _, updated) = org
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/groups/rules/{rid}"),
            Some(rule("Nobody", r#"user.lastName=="incorrect""#, gid)),
        )
        .await;
    assert_eq!(status.as_u16(), 200, "{updated}");
    org.post_empty(&format!("/api/v1/groups/rules/{rid}/lifecycle/activate"))
        .await;
    assert_eq!(org.all_pages(&members).await.0.len(), 0);

    org.post_empty(&format!("/api/v1/groups/rules/{rid}/lifecycle/deactivate"))
        .await;
    let (status, _, _) = org
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/groups/rules/{rid}"),
            None,
        )
        .await;
    assert_eq!(status.as_u16(), 202);
    let (status, _, body) = org.get(&format!("/api/v1/groups/rules/{rid}")).await;
    assert_error(status, &body, 404, "E0000007");
}

#[tokio::test]
async fn a_rule_with_a_bad_expression_or_group_is_refused() {
    let org = Org::default().await;
    let (_, _, groups) = org.get("/api/v1/groups?limit=1").await;
    let gid = groups[0]["id"].as_str().unwrap();
    for (expression, group) in [
        ("user.department==", gid),
        ("group.name == 'x'", gid),
        (r#"user.department=="Sales""#, "00gnotagroup00000000"),
    ] {
        let (status, _, body) = org
            .post("/api/v1/groups/rules", rule("Bad", expression, group))
            .await;
        assert_error(status, &body, 400, "E0000001");
    }
}
