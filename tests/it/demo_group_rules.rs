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
        .filter(|u| u["status"] != "DEPROVISIONED" && u["status"] != "STAGED")
        .collect();
    let mut want = ids(&engineers);
    let mut got = ids(&assigned);
    want.sort();
    got.sort();
    assert_eq!(
        got, want,
        "every engineer who is neither staged nor deprovisioned"
    );

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

/// The ids of a group's members.
async fn member_ids(org: &Org, gid: &str) -> Vec<String> {
    ids(&org
        .all_pages(&format!("/api/v1/groups/{gid}/users"))
        .await
        .0)
}

fn person(login: &str, department: &str) -> Value {
    json!({"profile": {"firstName": "Rule", "lastName": "Tester", "email": login, "login": login,
        "department": department}})
}

#[tokio::test]
async fn an_active_rule_keeps_up_as_users_are_created_and_changed() {
    let org = Org::default().await;
    let (_, _, group) = org
        .post("/api/v1/groups", json!({"profile": {"name": "Kept up"}}))
        .await;
    let gid = group["id"].as_str().unwrap();
    let (_, _, made) = org
        .post(
            "/api/v1/groups/rules",
            rule("Postmen", r#"user.department=="Postal""#, gid),
        )
        .await;
    let rid = made["id"].as_str().unwrap();
    let (status, _, _) = org
        .post_empty(&format!("/api/v1/groups/rules/{rid}/lifecycle/activate"))
        .await;
    assert_eq!(status.as_u16(), 204);
    assert!(
        member_ids(&org, gid).await.is_empty(),
        "nobody is Postal yet"
    );

    // Created matching but STAGED: not yet; activated: a member.
    let (status, _, pat) = org
        .post(
            "/api/v1/users?activate=false",
            person("pat.rule@example.com", "Postal"),
        )
        .await;
    assert_eq!(status.as_u16(), 200, "{pat}");
    let pat = pat["id"].as_str().unwrap().to_string();
    assert!(member_ids(&org, gid).await.is_empty(), "staged: not yet");
    let (status, _, _) = org
        .post_empty(&format!(
            "/api/v1/users/{pat}/lifecycle/activate?sendEmail=false"
        ))
        .await;
    assert_eq!(status.as_u16(), 200);
    assert_eq!(member_ids(&org, gid).await, vec![pat.clone()]);
    let (_, _, log) = org
        .get("/api/v1/logs?filter=eventType%20eq%20%22group.user_membership.add%22")
        .await;
    assert!(
        log.as_array().unwrap().iter().any(|e| e["target"]
            .as_array()
            .is_some_and(|t| t.iter().any(|t| t["id"] == gid))),
        "the rule's membership is in the System Log: {log}"
    );

    // Created (active) not matching: not a member; a profile change (POST, partial) that
    // matches: a member.
    let (_, _, sam) = org
        .post("/api/v1/users", person("sam.rule@example.com", "Sales"))
        .await;
    let sam = sam["id"].as_str().unwrap().to_string();
    assert_eq!(member_ids(&org, gid).await, vec![pat.clone()]);
    let (status, _, _) = org
        .post(
            &format!("/api/v1/users/{sam}"),
            json!({"profile": {"department": "Postal"}}),
        )
        .await;
    assert_eq!(status.as_u16(), 200);
    let mut want = vec![pat.clone(), sam.clone()];
    want.sort();
    let mut got = member_ids(&org, gid).await;
    got.sort();
    assert_eq!(got, want);

    // A full replace (PUT) that no longer matches: the rule takes its membership back.
    let (status, _, body) = org
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/users/{sam}"),
            Some(person("sam.rule@example.com", "Sales")),
        )
        .await;
    assert_eq!(status.as_u16(), 200, "{body}");
    assert_eq!(member_ids(&org, gid).await, vec![pat.clone()]);

    // Taken out by hand, Pat joins the rule's exclusions: a later change does not put Pat back.
    let (status, _, _) = org
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/groups/{gid}/users/{pat}"),
            None,
        )
        .await;
    assert_eq!(status.as_u16(), 204);
    org.post(
        &format!("/api/v1/users/{pat}"),
        json!({"profile": {"title": "Sorter"}}),
    )
    .await;
    assert!(!member_ids(&org, gid).await.contains(&pat), "kept out");
    let (_, _, got) = org.get(&format!("/api/v1/groups/rules/{rid}")).await;
    assert_eq!(
        got["conditions"]["people"]["users"]["exclude"],
        json!([pat.clone()]),
        "{got}"
    );

    // A membership given by hand is not the rule's to take back.
    let (status, _, _) = org
        .call(
            reqwest::Method::PUT,
            &format!("/api/v1/groups/{gid}/users/{sam}"),
            None,
        )
        .await;
    assert_eq!(status.as_u16(), 204);
    org.post(
        &format!("/api/v1/users/{sam}"),
        json!({"profile": {"title": "Clerk"}}),
    )
    .await;
    assert!(member_ids(&org, gid).await.contains(&sam), "by hand, kept");

    // An inactive rule assigns no one.
    org.post_empty(&format!("/api/v1/groups/rules/{rid}/lifecycle/deactivate"))
        .await;
    let (_, _, lee) = org
        .post("/api/v1/users", person("lee.rule@example.com", "Postal"))
        .await;
    let lee = lee["id"].as_str().unwrap().to_string();
    assert!(!member_ids(&org, gid).await.contains(&lee));

    // A second rule that excludes Pat: its activation takes Lee (who matches) and not Pat, nor
    // does a later change of Pat's profile.
    let (_, _, excluded) = org
        .post("/api/v1/groups", json!({"profile": {"name": "Excluding"}}))
        .await;
    let xid = excluded["id"].as_str().unwrap();
    let mut body = rule("Not Pat", r#"user.department=="Postal""#, xid);
    body["conditions"]["people"] = json!({"users": {"exclude": [pat]}});
    let (_, _, made) = org.post("/api/v1/groups/rules", body).await;
    let xrid = made["id"].as_str().unwrap();
    org.post_empty(&format!("/api/v1/groups/rules/{xrid}/lifecycle/activate"))
        .await;
    let (status, _, _) = org
        .post(
            &format!("/api/v1/users/{pat}"),
            json!({"profile": {"title": "Postmaster"}}),
        )
        .await;
    assert_eq!(status.as_u16(), 200);
    assert!(!member_ids(&org, xid).await.contains(&pat), "excluded");
    assert!(member_ids(&org, xid).await.contains(&lee));
}
