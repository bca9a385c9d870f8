//! `help`: the command summary and the help for each command.

use super::{fail, Failure};

pub fn help(topic: Option<&str>) -> Result<String, Failure> {
    let text = match topic {
        None => HELP,
        Some("ls") => "\
ls RESOURCE [k=v…] [--all] [--max N]
  GET a collection: users, groups, apps, logs, groups/ID/users …
  k=v become query parameters, URL-encoded:
    ls users search='profile.department eq \"Engineering\"'
  --all follows `next` links to the end (--max N stops after N items).
  A terminal shows a screenful of rows; `show N --json | less` shows all.",
        Some("get") => "\
get TARGET [k=v…]
  TARGET: a path (/api/v1/users/me), a URL of this org, an id (00u… users,
  00g… groups, 0oa… apps), a login (ann@example.com), me, a resource path
  (users/ID), or a $ref (an object is fetched at its _links.self.href; a list
  fans out: get $last.id).",
        Some("follow") => "\
follow REL [FROM]
  next and self come from the `link` headers of the last response
  (or FROM: $N);
  any other name from the object's _links (deactivate, resetPassword …).
  Lifecycle links are POSTs.",
        Some("post" | "put" | "patch" | "delete") => "\
post|put|patch|delete TARGET [BODY] [k=v…] [--yes]
  BODY: a JSON literal, @file.json, or a $ref.
  POST /users/ID is a partial update, PUT a full one.
  DELETE of an active user only deactivates it; delete again to remove it.",
        Some("set" | "echo" | "vars") => "\
set NAME = VALUE   echo VALUE…   vars   unset NAME
  VALUE: a $ref with steps ($last[0].id, $3.profile.login, $users[*]),
  a JSON literal, or a word.
  A .field step on a list maps over it: $last.id is every id.",
        Some("history" | "show") => "\
history            one line per response kept
show [N]           one response: headers and body (a screenful on a terminal)
show [N] --json    the body alone, whole (show 3 --json | less)",
        Some("env" | "use") => "\
env                  list environments (tokens masked)
env add NAME URL [token=…|bearer=…] [--protected]
                     token=env:VAR reads $VAR at each use
env rm NAME          use NAME",
        Some("run" | "import" | "collections" | "requests") => "\
import FILE…        a Postman collection (v1, v2.0, v2.1) or environment,
                    told apart by content
collections         what is imported; ls requests [/NAME] shows folder trees
run REQUEST [k=v…]  send one request of an imported collection
run FOLDER/ [k=v…]  every request under a folder, in order (as Postman's
                    runner); failures are reported, the run goes on and
                    sums up
  REQUEST: its exact name, Folder/Name, Collection:Name, or a unique prefix
  (case ignored); an unknown or ambiguous name lists the closest candidates.
  Quote names with spaces.
  {{variables}}, strongest first: k=v on the run line, session variables
  (set NAME = …), the active environment's variables, the collection's
  variables. {{url}}, {{baseUrl}} and {{yourOktaDomain}} are the active
  environment's org; {{$guid}}, {{$timestamp}}, {{$randomInt}}… are generated.
  A variable nothing defines stops the request before it is sent.
  The collection's own Authorization (SSWS {{apikey}}, auth blocks) is
  replaced by the environment's token;
  pre-request and test scripts are not run.",
        Some("as" | "curl") => "\
as curl [N] [--reveal]   the request of entry N as a curl command;
                         the token is masked unless --reveal",
        Some("source" | "record") => "source FILE   run a script of commands\nrecord FILE   append every later command to FILE (record off stops)",
        // Anything else is a question about Okta's API.
        Some(other) => return super::spec_help::help(other).or_else(fail),
    };
    Ok(text.to_string())
}

const HELP: &str = "\
env | env add NAME URL [token=…] | env rm NAME | use NAME    environments
import FILE… | collections | run REQUEST [k=v…]      Postman collections
ls RESOURCE [k=v…] [--all] [--max N]        list: users, groups, apps, logs …
get TARGET [k=v…]                           one object: path, id, login, $ref
follow REL [FROM]                           next, self, or a _links name
post|put|patch|delete TARGET [BODY] [k=v…]  writes (BODY: JSON, @file, $ref)
set NAME = VALUE | echo VALUE | vars | unset NAME
                                values: $last, $N, $name, .field [N] [*]
history | show [N] [--json] | as curl [N] [--reveal]      what came back
source FILE | record FILE | help [CMD] | exit
help users | help ls users | help GET PATH | help search WORD   Okta's API
CMD | shell-command      CMD > file      CMD; CMD      # comment";
