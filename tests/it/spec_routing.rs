//! Issue 9's rest through pipes: a bare id at the head of an `ls` path is routed by its prefix
//! as `get` routes one, and `follow` takes a link's method from Okta's spec.

use crate::common::Home;

/// Runs `-c LINE` on the demo org; stdout and stderr.
fn run(line: &str) -> (String, String) {
    let home = Home::new();
    let out = home
        .assert()
        .args(["--demo", "-c", line])
        .output()
        .expect("oktash ran");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn ls_routes_a_bare_id_in_a_path_by_its_prefix() {
    let (stdout, stderr) =
        run("ls users limit=1; set u = $last[0]; ls $u.id/groups; get $u.id/groups");
    let id = crate::common::okta_ids(&stdout, "00u")[0].clone();
    let routed = format!("GET /api/v1/users/{id}/groups  200");
    assert_eq!(stderr.matches(&routed).count(), 2, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn follow_reads_a_link_the_spec_reads_even_without_a_hint() {
    // An app user's `_links.user` carries no method; the spec has GET (and POST, a partial
    // update) at /api/v1/users/{id}: following it reads the user.
    let (_, stderr) = run(
        "ls users limit=1; set o = {\"_links\": {\"user\": {\"href\": $last[0]._links.self.href}}}; follow user $o",
    );
    assert!(stderr.contains("#2 GET /api/v1/users/00u"), "{stderr}");
    assert!(!stderr.contains("POST"), "{stderr}");
}

#[test]
fn follow_reads_a_link_that_allows_reading_among_other_methods() {
    // A policy's `rules` link allows ["POST", "GET"]: following it lists the rules.
    let (_, stderr) = run("ls policies type=PASSWORD; get $last[0].id; follow rules");
    assert!(stderr.contains("#3 GET /api/v1/policies/00p"), "{stderr}");
    assert!(stderr.contains("/rules  200"), "{stderr}");
    assert!(!stderr.contains("POST"), "{stderr}");
}

/// Objects made from the schema link what the spec keeps under them (a sign-on policy's
/// rules, a server's scopes); on a list, `follow` says which item's link to take.
#[test]
fn follow_on_a_list_names_the_item_whose_link_to_take() {
    let home = Home::new();
    let (_, _, stderr) = home.run(&[
        "--demo",
        "-k",
        "-c",
        "ls policies type=OKTA_SIGN_ON; follow rules; follow rules $last[0]; ls users limit=1; follow groups; ls groups/rules; follow activate",
    ]);
    assert!(
        stderr.contains("$last is a list; follow one item's: `follow rules $last[0]`"),
        "{stderr}"
    );
    assert!(stderr.contains("#2 GET /api/v1/policies/00p"), "{stderr}");
    assert!(stderr.contains("/rules  200"), "{stderr}");
    // A user in a list carries only `self`, as Okta's do.
    assert!(
        stderr.contains("list items carry only `self`; `get` one item first (get $last[0])"),
        "{stderr}"
    );
    // The demo org has no group rules until one is made.
    assert!(
        stderr.contains("no link `activate`: $last is an empty list"),
        "{stderr}"
    );
}

#[test]
fn follow_posts_a_lifecycle_link_the_spec_has_only_as_post() {
    // No hint on the link: the spec's only operation at …/lifecycle/suspend is a POST.
    let (_, stderr) = run(
        "ls users limit=1; set h = \"${last[0]._links.self.href}/lifecycle/suspend\"; set o = {\"_links\": {\"suspend\": {\"href\": $h}}}; follow suspend $o --yes",
    );
    assert!(stderr.contains("#2 POST /api/v1/users/00u"), "{stderr}");
    assert!(stderr.contains("/lifecycle/suspend  "), "{stderr}");
}

/// The prefixes of kinds the shell was never told about come from the spec's examples: a
/// network zone's `nzo…` and a brand's `bnd…` go to their collections; `0oa…` stays an app's.
#[test]
fn ids_are_routed_by_the_prefixes_in_the_spec_s_examples() {
    // The demo org does not have them: -k goes on after each 404.
    let (_, _, stderr) = Home::new().run(&[
        "--demo",
        "-k",
        "-c",
        "get nzo1a2b3c4d5e6f7g8h9; get bnd1a2b3c4d5e6f7g8h9/themes; get 0oa1a2b3c4d5e6f7g8h9",
    ]);
    for path in [
        "GET /api/v1/zones/nzo1a2b3c4d5e6f7g8h9 ",
        "GET /api/v1/brands/bnd1a2b3c4d5e6f7g8h9/themes ",
        "GET /api/v1/apps/0oa1a2b3c4d5e6f7g8h9 ",
    ] {
        assert!(stderr.contains(path), "{path}: {stderr}");
    }
}
